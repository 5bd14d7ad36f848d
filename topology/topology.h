/* topology: weft's desired state as plain data.
 *
 * This is the middle of weft's pipeline: the state database loader
 * (ovsdb/weft-db.c) fills a 'struct topology' from weft's own OVSDB database,
 * the flow compiler (ofproto/compiler.c) reads it to produce each host's flows,
 * and the validation layer (topology/validate.c) checks a proposed change
 * against it before anything is written.  Nothing here does I/O.
 *
 * Objects refer to each other by pointer (a network to its tenant, a port to
 * its network and host); all of them are owned by the 'struct topology' that
 * holds them and are freed by topology_destroy().  Each map is keyed by the
 * row UUID of the object in weft's database.
 *
 * Indexes.  So that neither the compiler nor a per-host incremental compile
 * ever scans every port, each adder, remover and modifier keeps these up to
 * date (see "Indexes" below for the iteration macros):
 *
 *   tenant  -> its networks                     ('networks' list)
 *   network -> its ports                        ('ports' list)
 *   network -> the hosts it has ports on        ('hosts' hmap of
 *              (with that host's ports of it)    'struct topo_net_host')
 *   host    -> its ports                        ('ports' list)
 *   host    -> the networks it has ports in     ('networks' list of the
 *                                                same 'struct topo_net_host')
 *   tenant  -> its routers                      ('routers' list)
 *   router  -> the networks it is attached to   ('ports' list of
 *                                                'struct topo_router_port')
 *   network -> the router attached to it        ('router_port', or NULL:
 *                                                at most one, since the
 *                                                router takes its gateway)
 *
 * A 'struct topo_net_host' exists exactly while its host holds at least one
 * port of its network. */
#ifndef WEFT_TOPOLOGY_H
#define WEFT_TOPOLOGY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapx.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/types.h"
#include "openvswitch/uuid.h"
#include "keys.h"
#include "packets.h"
#include "quota.h"

/* Network types.  The order is part of nothing persistent: the database
 * stores the names. */
enum topo_net_type {
    TOPO_NET_VLAN,
    TOPO_NET_VXLAN,
    TOPO_NET_GRE,
    TOPO_NET_GENEVE,
};

/* Limits shared by validation and the schema (tests/unit/test-schema.c checks
 * that ovsdb/weft.ovsschema agrees). */
#define TOPO_VLAN_MIN 1
#define TOPO_VLAN_MAX 4094
#define TOPO_VNI_MIN 1
#define TOPO_VNI_MAX 16777215     /* 24 bits: VXLAN/Geneve VNI, GRE key. */
#define TOPO_TENANT_KEY_MAX 65535 /* 16 bits of the flow cookie. */
/* A network's key is its OpenFlow metadata and its cookies' network field;
 * 32768 + N is its conntrack zone for security groups (pipeline.h). */
#define TOPO_NETWORK_KEY_MAX 32766
#define TOPO_PORT_KEY_MAX 16777215
#define TOPO_MTU_MIN 68
#define TOPO_MTU_MAX 65535
/* A router's key is in its flows' cookies and is its conntrack zone R;
 * 16384 + R is its hairpin zone (services), 32768 + N network N's policy
 * zone and zone 65535 the shared external SNAT zone (ofproto/pipeline.h):
 * the limits keep the four ranges apart. */
#define TOPO_ROUTER_KEY_MAX 16383
#define TOPO_SERVICE_KEY_MAX 65535 /* A service's select group id. */
/* A security group rule has two numbers: its 'id', unique within its
 * tenant, which the tenant sees and which is in its flows' cookies, and its
 * 'key', unique overall, which orders it (priority) and names its
 * conjunction (conj_id) in the switch: pipeline.h "Policy". */
#define TOPO_SG_RULE_ID_MAX 65535
#define TOPO_SG_RULE_KEY_MAX 60000
#define TOPO_NAME_MAX 64          /* Tenant, network, router, port and host
                                   * names. */
#define TOPO_IFACE_MAX 15         /* IFNAMSIZ - 1. */

/* Interface names of weft's own infrastructure on every host: the
 * integration bridge, and the prefix of the tunnel port names of each
 * encapsulation (see weft_tunnel_name()). */
#define TOPO_BRIDGE_NAME "br-int"
#define TOPO_TUNNEL_PREFIX_VXLAN "vx-"
#define TOPO_TUNNEL_PREFIX_GRE "gr-"
#define TOPO_TUNNEL_PREFIX_GENEVE "gv-"

const char *topo_net_type_to_string(enum topo_net_type);
bool topo_net_type_from_string(const char *, enum topo_net_type *);

/* MTU.  A network's MTU, unless set explicitly, is the underlay MTU minus
 * what its encapsulation adds to each frame:
 *
 *   vxlan   50  outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14
 *   gre     46  outer IPv4 20 + GRE 4 + key 4 + inner Ethernet 14 (the
 *               "42 plus key" of RFC 2890 with a 4-byte key)
 *   geneve  50  outer IPv4 20 + UDP 8 + Geneve 8 + inner Ethernet 14 (weft
 *               sends no Geneve options)
 *   vlan     4  the 802.1Q tag pushed on the uplink
 *
 * The underlay MTU is Weft_Global options:underlay_mtu, 1500 by default. */
#define TOPO_UNDERLAY_MTU_DEFAULT 1500
int topo_encap_overhead(enum topo_net_type);

/* A host's external side (Host columns external_iface, external_ip,
 * external_gateway; topology/nat.c): the interface toward the host's LAN or
 * the internet, which weftd attaches to br-int like the uplink.  Tenant
 * traffic leaves and enters there, NATed (ofproto/pipeline.h).  'iface'
 * NULL: the host has none. */
struct topo_external {
    char *iface;                /* Interface name on the host, or NULL. */
    ovs_be32 ip;                /* The host's external address... */
    int plen;                   /* ...and its LAN's prefix length (1..32). */
    ovs_be32 gateway;           /* Next hop for everything sent out: an
                                 * address on that LAN. */
    /* The next hop's MAC, resolved by weftd (ARP from br-int, never typed by
     * a user), kept in Host status:external_gateway_mac so that a restarted
     * weftd compiles the same flows; all-zero while unknown. */
    struct eth_addr gateway_mac;
};

/* A simulated or real hypervisor: one ovsdb-server + ovs-vswitchd pair. */
struct topo_host {
    struct hmap_node node;      /* In topology 'hosts', by uuid_hash(uuid). */
    struct uuid uuid;           /* Row in weft's database. */
    char *name;
    char *ovsdb_remote;         /* "unix:PATH" or "tcp:IP:PORT". */
    char *openflow_remote;      /* Explicit OpenFlow target, or NULL. */
    char *tunnel_ip;            /* Tunnel endpoint IPv4, or NULL. */
    char *datapath_type;        /* "netdev" or "system". */
    char *uplink;               /* Uplink interface for VLAN networks, or NULL. */
    struct topo_external ext;   /* External side (ext.iface NULL: none). */

    /* Indexes, maintained by the topology_*() functions. */
    struct ovs_list ports;      /* "struct topo_port"s, via 'host_node'. */
    size_t n_ports;
    struct ovs_list networks;   /* "struct topo_net_host"s, via 'host_node'. */
    size_t n_networks;
};

/* A host's datapath type when none is given: the kernel's, what a real
 * hypervisor runs.  Userspace labs and tests ask for "netdev". */
#define TOPO_DATAPATH_DEFAULT "system"

struct topo_tenant {
    struct hmap_node node;      /* In topology 'tenants'. */
    struct uuid uuid;
    char *name;
    uint32_t key;               /* 1..65535, unique; bits 55..40 of cookies. */
    uint32_t quota[N_TOPO_QUOTAS]; /* Limits (quota.h): the tenant's
                                    * overrides, else the defaults. */

    /* Index: "struct topo_network"s, via 'tenant_node'. */
    struct ovs_list networks;
    size_t n_networks;
    /* Index: "struct topo_router"s, via 'tenant_node'. */
    struct ovs_list routers;
    size_t n_routers;
    /* Index: "struct topo_fip"s (its floating IPs), via 'tenant_node'. */
    struct ovs_list fips;
    size_t n_fips;
    /* Index: "struct topo_service"s, via 'tenant_node'. */
    struct ovs_list services;
    size_t n_services;
    /* Index: "struct topo_sg"s (security groups), via 'tenant_node'. */
    struct ovs_list sgs;
    size_t n_sgs;
    struct topo_keys sg_rule_ids; /* Rule ids in use in its groups. */
};

/* A network's IPv4 subnet (Network columns 'cidr' and 'gateway').  'plen' 0
 * means the network has none: it is pure L2, its ports' IPs are free and it
 * cannot be attached to a router.  Dual stack will add a second subnet
 * (columns 'cidr6', 'gateway6') beside this one, not change it. */
struct topo_subnet {
    ovs_be32 prefix;            /* Network address: host bits zero. */
    int plen;                   /* 1..30, or 0: no subnet. */
    ovs_be32 gateway;           /* A host address inside it (neither the
                                 * network nor the broadcast address). */
};

/* True if 'ip' lies inside 'subnet' (false if it has none). */
bool topo_subnet_contains(const struct topo_subnet *, ovs_be32 ip);

struct topo_network {
    struct hmap_node node;      /* In topology 'networks'. */
    struct uuid uuid;
    const struct topo_tenant *tenant;
    char *name;                 /* Unique within its tenant. */
    enum topo_net_type type;
    uint32_t segment_id;        /* VLAN ID or VNI/GRE key; unique per type. */
    int mtu;                    /* 0 if not set. */
    uint32_t key;               /* 1..32766, unique; OpenFlow metadata. */
    struct topo_subnet subnet;  /* plen 0 if none. */

    /* Indexes, maintained by the topology_*() functions. */
    struct ovs_list tenant_node; /* In 'tenant''s 'networks'. */
    const struct topo_router_port *router_port; /* The router attached to
                                                 * it, or NULL. */
    struct ovs_list ports;      /* "struct topo_port"s, via 'net_node'. */
    size_t n_ports;
    struct hmap hosts;          /* "struct topo_net_host"s, via 'net_node',
                                 * by uuid_hash() of the host's UUID. */
};

/* The ports network 'network' has on host 'host' (at least one). */
struct topo_net_host {
    struct hmap_node net_node;  /* In 'network''s 'hosts'. */
    struct ovs_list host_node;  /* In 'host''s 'networks'. */
    const struct topo_network *network;
    const struct topo_host *host;
    struct ovs_list ports;      /* "struct topo_port"s, via 'net_host_node'. */
    size_t n_ports;             /* Number of 'ports', never 0. */
};

struct topo_port {
    struct hmap_node node;      /* In topology 'ports'. */
    struct uuid uuid;
    const struct topo_network *network;
    const struct topo_host *host;
    char *name;                 /* Unique within its network. */
    char *iface;                /* Interface name on 'host'. */
    struct eth_addr mac;
    ovs_be32 *ips;              /* IPv4 addresses, 'n_ips' of them. */
    size_t n_ips;
    /* IPv6 addresses (Port column 'ips' holds both families), sorted; its
     * link-local address (from its MAC) is implied, never stored. */
    struct in6_addr *ip6s;
    size_t n_ip6s;
    /* The security groups it is a member of (Port 'security_groups'),
     * sorted by UUID; none: no policy applies to it. */
    const struct topo_sg **sgs;
    size_t n_sgs;
    uint32_t key;               /* 1..16777215, unique; bits 23..0 of cookies. */
    /* Port mappings (docker -p) published on its host's external IP, sorted
     * by (proto, host_port) (Port column 'mappings'; topology/nat.c). */
    struct topo_mapping *mappings;
    size_t n_mappings;

    /* Indexes, maintained by the topology_*() functions. */
    const struct topo_fip *fip; /* The floating IP assigned to it, or NULL. */
    struct ovs_list net_node;   /* In 'network''s 'ports'. */
    struct ovs_list host_node;  /* In 'host''s 'ports'. */
    struct ovs_list net_host_node; /* In 'net_host''s 'ports'. */
    struct topo_net_host *net_host; /* ('network', 'host') index entry. */
};

/* A static route of a router: packets to 'prefix'/'plen' are sent to
 * 'nexthop', an address inside one of the router's attached subnets. */
struct topo_route {
    ovs_be32 prefix;            /* Host bits zero. */
    int plen;                   /* 0..32 (0: a default route). */
    ovs_be32 nexthop;
};

/* A router's attachment to one network of its own tenant: on that network
 * the router owns the network's gateway IP, with MAC 'mac'. */
struct topo_router_port {
    struct ovs_list router_node; /* In 'router''s 'ports'. */
    const struct topo_router *router;
    const struct topo_network *network;
    struct eth_addr mac;
};

/* A distributed router of one tenant (Router table).  Routing happens on
 * the host where a packet enters: see ofproto/pipeline.h. */
struct topo_router {
    struct hmap_node node;      /* In topology 'routers'. */
    struct uuid uuid;
    const struct topo_tenant *tenant;
    char *name;                 /* Unique within its tenant. */
    uint32_t key;               /* 1..16383, unique; in its flows' cookies
                                 * and its conntrack zone (pipeline.h). */
    bool snat;                  /* Egress SNAT to the outside through each
                                 * host's external side (Router 'snat'). */

    /* Static routes, sorted by prefix length, longest first, then by
     * prefix: the order longest-prefix match tries them in. */
    struct topo_route *routes;
    size_t n_routes;

    /* Indexes, maintained by the topology_*() functions. */
    struct ovs_list tenant_node; /* In 'tenant''s 'routers'. */
    struct ovs_list ports;      /* "struct topo_router_port"s, via
                                 * 'router_node', in the order attached. */
    size_t n_ports;
    struct ovs_list services;   /* "struct topo_service"s, via
                                 * 'router_node'. */
    size_t n_services;
};

/* One backend of a service: an endpoint port of the service's tenant, on
 * a network attached to the service's router. */
struct topo_backend {
    const struct topo_port *port; /* Its address is the port's first IP. */
    uint16_t port_num;          /* Target port, 1..65535. */
    uint16_t weight;            /* 1..256 (default 1). */
    bool down;                  /* Marked down: gets no new connection. */
};

/* A service (Service table): a virtual IP:port/proto of a tenant,
 * load-balanced in the switch over its backends, reachable from the
 * networks of its router (ofproto/pipeline.h), and optionally on every
 * host's external IP at 'node_port' (to that host's local backends). */
struct topo_service {
    struct hmap_node node;      /* In topology 'services'. */
    struct uuid uuid;
    const struct topo_tenant *tenant;
    const struct topo_router *router;
    char *name;                 /* Unique within its tenant. */
    uint32_t key;               /* 1..65535, unique; its group id. */
    ovs_be32 vip;
    uint16_t port;              /* 1..65535. */
    uint8_t proto;              /* IPPROTO_TCP or IPPROTO_UDP. */
    uint16_t node_port;         /* 0: not exposed outside. */
    /* Sorted by port UUID (the order is the database's set order, so a
     * full load and a patch agree). */
    struct topo_backend *backends;
    size_t n_backends;

    struct ovs_list tenant_node; /* In 'tenant''s 'services'. */
    struct ovs_list router_node; /* In 'router''s 'services'. */
};

/* A port mapping (docker run -p HOST_PORT:PORT/PROTO): 'proto' traffic to
 * the port's host's external IP and 'host_port' goes to the port's first IP
 * and 'port'.  At most one per (host, proto, host_port). */
struct topo_mapping {
    uint8_t proto;              /* IPPROTO_TCP or IPPROTO_UDP. */
    uint16_t host_port;         /* 1..65535. */
    uint16_t port;              /* 1..65535. */
};

/* An external address pool (Pool table), defined by the administrator:
 * floating IPs are taken from it. */
struct topo_pool {
    struct hmap_node node;      /* In topology 'pools'. */
    struct uuid uuid;
    char *name;                 /* Unique. */
    ovs_be32 prefix;            /* Host bits zero. */
    int plen;                   /* 1..32. */
    size_t n_fips;              /* Floating IPs taken from it. */
};

/* A floating IP (Floating_IP table): an external address of a pool that a
 * tenant holds, dedicated 1:1 to one of its ports while assigned (both
 * directions NATed on that port's host), re-assignable. */
struct topo_fip {
    struct hmap_node node;      /* In topology 'fips', by uuid_hash(). */
    struct uuid uuid;
    const struct topo_tenant *tenant;
    const struct topo_pool *pool;
    ovs_be32 ip;                /* Unique; inside 'pool'. */
    const struct topo_port *port; /* Assigned to, or NULL. */
    struct ovs_list tenant_node; /* In 'tenant''s 'fips'. */
};

/* Security groups (Security_Group and Security_Rule tables;
 * topology/security.c; ofproto/pipeline.h "Policy").  A port that is a
 * member of at least one group whose rules cover a direction (at least one
 * rule of that direction) drops everything in that direction that no rule
 * of its groups allows; replies of allowed connections pass (conntrack). */
enum topo_sg_dir {
    TOPO_SG_INGRESS,            /* To the port. */
    TOPO_SG_EGRESS,             /* From the port. */
};
#define TOPO_SG_N_DIRS 2
const char *topo_sg_dir_to_string(enum topo_sg_dir);
bool topo_sg_dir_from_string(const char *, enum topo_sg_dir *);

/* One allow rule.  The remote (the peer: the source of ingress traffic, the
 * destination of egress traffic) is a prefix ('remote_family' AF_INET or
 * AF_INET6), a group of the same tenant (its members' addresses, both
 * families; the group may be its own) or, both unset, anything. */
struct topo_sg_rule {
    struct uuid uuid;           /* Security_Rule row. */
    const struct topo_sg *group; /* The group that holds it. */
    uint32_t id;                /* 1..TOPO_SG_RULE_ID_MAX, unique within
                                 * its tenant; in its cookies. */
    uint32_t key;               /* 1..TOPO_SG_RULE_KEY_MAX, unique. */
    enum topo_sg_dir direction;
    uint8_t proto;              /* 0 (any), IPPROTO_TCP, IPPROTO_UDP or
                                 * IPPROTO_ICMP (ICMPv6 toward IPv6). */
    uint16_t port_min;          /* TCP/UDP destination ports port_min.. */
    uint16_t port_max;          /* ..port_max; both 0: every port. */
    int remote_family;          /* 0 (no prefix), AF_INET or AF_INET6. */
    struct in6_addr remote_prefix; /* AF_INET: in6_addr_set_mapped_ipv4()
                                    * of the IPv4 prefix.  Host bits 0. */
    int remote_plen;            /* 0..32 (AF_INET) or 0..128 (AF_INET6). */
    const struct topo_sg *remote_group; /* Or NULL. */
};

struct topo_sg {
    struct hmap_node node;      /* In topology 'sgs'. */
    struct uuid uuid;
    const struct topo_tenant *tenant;
    char *name;                 /* Unique within its tenant. */
    struct topo_sg_rule *rules; /* Sorted by key. */
    size_t n_rules;
    bool covers[TOPO_SG_N_DIRS]; /* Has a rule of that direction. */

    /* Indexes, maintained by the topology_*() functions. */
    struct ovs_list tenant_node; /* In 'tenant''s 'sgs'. */
    struct hmapx members;       /* "const struct topo_port *"s. */
};

struct topology {
    int underlay_mtu;           /* TOPO_UNDERLAY_MTU_DEFAULT unless set. */
    struct hmap hosts;          /* Contains "struct topo_host"s. */
    struct hmap tenants;        /* Contains "struct topo_tenant"s. */
    struct hmap networks;       /* Contains "struct topo_network"s. */
    struct hmap ports;          /* Contains "struct topo_port"s. */
    struct hmap routers;        /* Contains "struct topo_router"s. */
    struct hmap pools;          /* Contains "struct topo_pool"s. */
    struct hmap fips;           /* Contains "struct topo_fip"s. */
    struct hmap services;       /* Contains "struct topo_service"s. */
    struct hmap sgs;            /* Contains "struct topo_sg"s. */

    /* The keys in use, per kind (keys.h), maintained by the adders,
     * removers and updaters: validation allocates from them. */
    struct topo_keys tenant_keys;
    struct topo_keys network_keys;
    struct topo_keys port_keys;
    struct topo_keys router_keys;
    struct topo_keys service_keys;
    struct topo_keys sg_rule_keys;
};

/* The MTU endpoints of 'net' must use: its own, or the underlay's minus
 * its encapsulation overhead. */
int topo_network_mtu(const struct topology *, const struct topo_network *);

void topology_init(struct topology *);
void topology_destroy(struct topology *);
/* Exchanges the contents of 'a' and 'b' (no copy). */
void topology_swap(struct topology *a, struct topology *b);

/* Adders copy every string argument; the returned object belongs to 'topo'.
 * 'ips' is copied too.  They do not validate: see topology/validate.h.
 * A new tenant has the default quotas; its 'quota' may be changed. */
struct topo_host *topology_add_host(struct topology *, const struct uuid *,
                                    const char *name, const char *ovsdb_remote,
                                    const char *openflow_remote,
                                    const char *tunnel_ip,
                                    const char *datapath_type,
                                    const char *uplink);
struct topo_tenant *topology_add_tenant(struct topology *, const struct uuid *,
                                        const char *name, uint32_t key);
struct topo_network *topology_add_network(struct topology *,
                                          const struct uuid *,
                                          const struct topo_tenant *,
                                          const char *name,
                                          enum topo_net_type,
                                          uint32_t segment_id, int mtu,
                                          uint32_t key);
struct topo_port *topology_add_port(struct topology *, const struct uuid *,
                                    const struct topo_network *,
                                    const struct topo_host *,
                                    const char *name, const char *iface,
                                    struct eth_addr mac,
                                    const ovs_be32 *ips, size_t n_ips,
                                    uint32_t key);

/* Routers (topology/routers.c).  topology_add_router() gives a router with
 * no attachment and no route.  topology_remove_router() detaches it from
 * every network first.  topology_set_router_networks() replaces all of
 * 'router''s attachments with networks 'nets[i]' at MACs 'macs[i]'; it
 * returns false and changes nothing unless each network belongs to the
 * router's tenant, appears once, has a subnet and has no other router
 * attached (a loader then falls back to a full load).
 * topology_set_router_routes() replaces its routes with a sorted copy of
 * 'routes'.  The setters and topology_update_router() return true if
 * anything changed. */
struct topo_router *topology_add_router(struct topology *,
                                        const struct uuid *,
                                        const struct topo_tenant *,
                                        const char *name, uint32_t key);
void topology_remove_router(struct topology *, struct topo_router *);
bool topology_update_router(struct topology *, struct topo_router *,
                            const struct topo_tenant *, const char *name,
                            uint32_t key);
bool topology_set_router_networks(struct topology *, struct topo_router *,
                                  const struct topo_network *const *nets,
                                  const struct eth_addr *macs, size_t n);
bool topology_set_router_routes(struct topology *, struct topo_router *,
                                const struct topo_route *routes, size_t n);

/* Sets 'net''s subnet ('subnet->plen' 0: none).  Returns false and changes
 * nothing if 'net' has a router attached and 'subnet' has no subnet (detach
 * first); else true.  '*changed' is set to whether it differs.  Validation
 * checks the values; this only stores them. */
bool topology_set_network_subnet(struct topology *, struct topo_network *,
                                 const struct topo_subnet *, bool *changed);

/* External side, pools, floating IPs, port mappings, SNAT
 * (topology/nat.c).  Setters return true if anything changed.
 *
 * topology_set_host_external() sets 'host''s external side ('iface' NULL:
 * none, the other values then ignored); the resolved gateway MAC is kept
 * while 'gateway' stays the same, else zeroed.
 * topology_set_host_gateway_mac() stores the MAC weftd resolved (or
 * loaded from the host's status).
 * topology_set_port_mappings() replaces 'port''s mappings with a sorted
 * copy of 'maps'.
 * topology_remove_pool() refuses (false, nothing changed) while floating IPs
 * of the pool exist.  topology_set_fip_port() assigns 'fip' to 'port' (NULL:
 * unassigns); it returns false and changes nothing if 'port' already has
 * another floating IP.  Removing a port unassigns its floating IP. */
bool topology_set_host_external(struct topology *, struct topo_host *,
                                const char *iface, ovs_be32 ip, int plen,
                                ovs_be32 gateway);
bool topology_set_host_gateway_mac(struct topo_host *, struct eth_addr);
bool topology_set_router_snat(struct topo_router *, bool snat);
bool topology_set_port_mappings(struct topology *, struct topo_port *,
                                const struct topo_mapping *maps, size_t n);
struct topo_pool *topology_add_pool(struct topology *, const struct uuid *,
                                    const char *name, ovs_be32 prefix,
                                    int plen);
bool topology_update_pool(struct topology *, struct topo_pool *,
                          const char *name, ovs_be32 prefix, int plen);
bool topology_remove_pool(struct topology *, struct topo_pool *);
struct topo_fip *topology_add_fip(struct topology *, const struct uuid *,
                                  const struct topo_tenant *,
                                  const struct topo_pool *, ovs_be32 ip);
bool topology_update_fip(struct topology *, struct topo_fip *,
                         const struct topo_tenant *, const struct topo_pool *,
                         ovs_be32 ip);
bool topology_set_fip_port(struct topology *, struct topo_fip *,
                           const struct topo_port *);
void topology_remove_fip(struct topology *, struct topo_fip *);

struct topo_pool *topology_find_pool(const struct topology *,
                                     const struct uuid *);
struct topo_pool *topology_find_pool_by_name(const struct topology *,
                                             const char *);
struct topo_fip *topology_find_fip(const struct topology *,
                                   const struct uuid *);
struct topo_fip *topology_find_fip_by_ip(const struct topology *, ovs_be32);
/* The port on 'host' with a mapping of ('proto', 'host_port'), or NULL.
 * O(ports of 'host'). */
const struct topo_port *topo_host_find_mapping(const struct topo_host *,
                                               uint8_t proto,
                                               uint16_t host_port);
/* True if 'host' has an external side. */
static inline bool
topo_host_has_external(const struct topo_host *host)
{
    return host->ext.iface != NULL;
}

/* Services (topology/services.c).  topology_add_service() gives a service
 * with no backend; topology_set_service_backends() replaces them with a
 * copy of 'backends' sorted by port UUID.  Removing a port drops it from
 * every service it backs (Service.backends is a weak reference).  A router
 * or tenant with services is not removable. */
struct topo_service *topology_add_service(
    struct topology *, const struct uuid *, const struct topo_tenant *,
    const struct topo_router *, const char *name, uint32_t key,
    ovs_be32 vip, uint16_t port, uint8_t proto, uint16_t node_port);
bool topology_update_service(
    struct topology *, struct topo_service *, const struct topo_tenant *,
    const struct topo_router *, const char *name, uint32_t key,
    ovs_be32 vip, uint16_t port, uint8_t proto, uint16_t node_port);
bool topology_set_service_backends(struct topology *, struct topo_service *,
                                   const struct topo_backend *backends,
                                   size_t n);
void topology_remove_service(struct topology *, struct topo_service *);
struct topo_service *topology_find_service(const struct topology *,
                                           const struct uuid *);
struct topo_service *topology_find_service_by_name(
    const struct topology *, const struct topo_tenant *, const char *);
/* For topology_remove_port() only. */
void topo_services_drop_port(struct topology *, const struct topo_port *);

/* Security groups (topology/security.c).  topology_add_sg() gives a group
 * with no rule and no member.  topology_set_sg_rules() replaces its rules
 * with a copy of 'rules' sorted by key ('group' is set by it; a rule's
 * 'remote_group' must be a group of 'topo').  topology_set_port_sgs()
 * replaces 'port''s groups with 'sgs' (sorted, duplicates dropped), and
 * topology_set_port_ip6s() its IPv6 addresses.  topology_remove_sg()
 * refuses (false, nothing changed) while the group has members or a rule
 * of another group names it as its remote.  Removing a port drops it from
 * its groups.  A tenant with groups is not removable.  Setters return true
 * if anything changed. */
struct topo_sg *topology_add_sg(struct topology *, const struct uuid *,
                                const struct topo_tenant *, const char *name);
bool topology_update_sg(struct topology *, struct topo_sg *,
                        const struct topo_tenant *, const char *name);
bool topology_set_sg_rules(struct topology *, struct topo_sg *,
                           const struct topo_sg_rule *rules, size_t n);
bool topology_remove_sg(struct topology *, struct topo_sg *);
bool topology_set_port_sgs(struct topology *, struct topo_port *,
                           const struct topo_sg *const *sgs, size_t n);
bool topology_set_port_ip6s(struct topology *, struct topo_port *,
                            const struct in6_addr *ip6s, size_t n);
struct topo_sg *topology_find_sg(const struct topology *,
                                 const struct uuid *);
struct topo_sg *topology_find_sg_by_name(const struct topology *,
                                         const struct topo_tenant *,
                                         const char *);
const struct topo_sg_rule *topo_sg_find_rule(const struct topo_sg *,
                                             uint32_t id);
/* True if a group of 'port' covers 'dir': policy applies to it there. */
bool topo_port_sg_covers(const struct topo_port *, enum topo_sg_dir);
/* For topology_remove_port() and topology_destroy() only. */
void topo_sgs_drop_port(struct topology *, struct topo_port *);
void topo_sgs_destroy(struct topology *);

/* Removers free the object.  A port is always removable.  A network that
 * still has ports or a router, a tenant that still has networks, routers or
 * floating IPs
 * and a host that still has ports are not removed: the function then changes nothing and returns
 * false (so that a caller patching the topology from a database can fall
 * back to a full load), else true. */
void topology_remove_port(struct topology *, struct topo_port *);
bool topology_remove_network(struct topology *, struct topo_network *);
bool topology_remove_tenant(struct topology *, struct topo_tenant *);
bool topology_remove_host(struct topology *, struct topo_host *);

/* In-place modifiers, for objects that others point to: the object keeps its
 * address (and its UUID), every other field takes the given value (strings
 * are copied) and the indexes follow.  Each returns true if any field
 * changed.  A tenant's 'quota' is modified directly, as after an add. */
bool topology_update_host(struct topology *, struct topo_host *,
                          const char *name, const char *ovsdb_remote,
                          const char *openflow_remote, const char *tunnel_ip,
                          const char *datapath_type, const char *uplink);
bool topology_update_tenant(struct topology *, struct topo_tenant *,
                            const char *name, uint32_t key);
bool topology_update_network(struct topology *, struct topo_network *,
                             const struct topo_tenant *, const char *name,
                             enum topo_net_type, uint32_t segment_id, int mtu,
                             uint32_t key);

/* How weftd reaches a host's br-int over OpenFlow.  Stores in '*of_target'
 * the target to connect to and in '*controller_target' the passive target
 * br-int must listen on, or NULL if none is needed (a unix: host's br-int.mgmt
 * socket always exists).  Both are malloc'd; the caller frees them. */
#define TOPO_OPENFLOW_PORT 6653
void topo_host_openflow_targets(const struct topo_host *, char **of_target,
                                char **controller_target);

/* Lookups by UUID return NULL if absent; by name, the first match. */
struct topo_host *topology_find_host(const struct topology *,
                                     const struct uuid *);
struct topo_host *topology_find_host_by_name(const struct topology *,
                                             const char *);
struct topo_tenant *topology_find_tenant(const struct topology *,
                                         const struct uuid *);
struct topo_tenant *topology_find_tenant_by_name(const struct topology *,
                                                 const char *);
struct topo_network *topology_find_network(const struct topology *,
                                           const struct uuid *);
struct topo_network *topology_find_network_by_name(
    const struct topology *, const struct topo_tenant *, const char *);
struct topo_port *topology_find_port(const struct topology *,
                                     const struct uuid *);
struct topo_port *topology_find_port_by_name(const struct topology *,
                                             const struct topo_network *,
                                             const char *);
struct topo_router *topology_find_router(const struct topology *,
                                         const struct uuid *);
struct topo_router *topology_find_router_by_name(const struct topology *,
                                                 const struct topo_tenant *,
                                                 const char *);
/* The attachment of 'router' to 'net', or NULL. */
const struct topo_router_port *topo_router_find_port(
    const struct topo_router *, const struct topo_network *);

#define TOPOLOGY_FOR_EACH_HOST(H, TOPO) \
    HMAP_FOR_EACH (H, node, &(TOPO)->hosts)
#define TOPOLOGY_FOR_EACH_TENANT(T, TOPO) \
    HMAP_FOR_EACH (T, node, &(TOPO)->tenants)
#define TOPOLOGY_FOR_EACH_NETWORK(N, TOPO) \
    HMAP_FOR_EACH (N, node, &(TOPO)->networks)
#define TOPOLOGY_FOR_EACH_PORT(P, TOPO) \
    HMAP_FOR_EACH (P, node, &(TOPO)->ports)
#define TOPOLOGY_FOR_EACH_ROUTER(R, TOPO) \
    HMAP_FOR_EACH (R, node, &(TOPO)->routers)
#define TOPOLOGY_FOR_EACH_POOL(P, TOPO) \
    HMAP_FOR_EACH (P, node, &(TOPO)->pools)
#define TOPOLOGY_FOR_EACH_FIP(F, TOPO) \
    HMAP_FOR_EACH (F, node, &(TOPO)->fips)
#define TOPOLOGY_FOR_EACH_SERVICE(S, TOPO) \
    HMAP_FOR_EACH (S, node, &(TOPO)->services)
#define TOPOLOGY_FOR_EACH_SG(G, TOPO) \
    HMAP_FOR_EACH (G, node, &(TOPO)->sgs)

/* Indexes (see the top of this file).  Every macro works on const objects
 * too.  Do not add or remove ports while iterating an index. */
#define TOPO_TENANT_FOR_EACH_NETWORK(NET, TENANT) \
    LIST_FOR_EACH (NET, tenant_node, &(TENANT)->networks)
#define TOPO_NETWORK_FOR_EACH_PORT(PORT, NET) \
    LIST_FOR_EACH (PORT, net_node, &(NET)->ports)
/* 'NH' is a 'struct topo_net_host *': NH->host, NH->n_ports. */
#define TOPO_NETWORK_FOR_EACH_HOST(NH, NET) \
    HMAP_FOR_EACH (NH, net_node, &(NET)->hosts)
#define TOPO_HOST_FOR_EACH_PORT(PORT, HOST) \
    LIST_FOR_EACH (PORT, host_node, &(HOST)->ports)
/* 'NH' is a 'struct topo_net_host *': NH->network, NH->n_ports. */
#define TOPO_HOST_FOR_EACH_NETWORK(NH, HOST) \
    LIST_FOR_EACH (NH, host_node, &(HOST)->networks)
#define TOPO_NET_HOST_FOR_EACH_PORT(PORT, NH) \
    LIST_FOR_EACH (PORT, net_host_node, &(NH)->ports)
#define TOPO_TENANT_FOR_EACH_ROUTER(R, TENANT) \
    LIST_FOR_EACH (R, tenant_node, &(TENANT)->routers)
#define TOPO_TENANT_FOR_EACH_FIP(F, TENANT) \
    LIST_FOR_EACH (F, tenant_node, &(TENANT)->fips)
#define TOPO_TENANT_FOR_EACH_SERVICE(S, TENANT) \
    LIST_FOR_EACH (S, tenant_node, &(TENANT)->services)
#define TOPO_TENANT_FOR_EACH_SG(G, TENANT) \
    LIST_FOR_EACH (G, tenant_node, &(TENANT)->sgs)
/* 'NODE' is a 'struct hmapx_node *'; NODE->data the 'const struct
 * topo_port *'. */
#define TOPO_SG_FOR_EACH_MEMBER(NODE, SG) \
    HMAPX_FOR_EACH (NODE, &(SG)->members)
#define TOPO_ROUTER_FOR_EACH_SERVICE(S, ROUTER) \
    LIST_FOR_EACH (S, router_node, &(ROUTER)->services)
/* 'RP' is a 'struct topo_router_port *': RP->network, RP->mac. */
#define TOPO_ROUTER_FOR_EACH_PORT(RP, ROUTER) \
    LIST_FOR_EACH (RP, router_node, &(ROUTER)->ports)

/* The ports 'net' has on 'host', or NULL if it has none there. */
const struct topo_net_host *topo_network_find_host(
    const struct topo_network *, const struct topo_host *);
/* Number of ports 'net' has on 'host' (0 if none). */
size_t topo_network_n_ports_on(const struct topo_network *,
                               const struct topo_host *);

/* Canonical text of 'topo' (topology/format.c): every object with every
 * field, and every index, sorted, so that two topologies with the same
 * content give the same text whatever order they were built in.  For tests
 * and weftd --self-check.  The caller frees the string. */
char *topology_format(const struct topology *);

#endif /* topology/topology.h */
