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
 * row UUID of the object in weft's database. */
#ifndef WEFT_TOPOLOGY_H
#define WEFT_TOPOLOGY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/types.h"
#include "openvswitch/uuid.h"
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
#define TOPO_NETWORK_KEY_MAX 65535
#define TOPO_PORT_KEY_MAX 16777215
#define TOPO_MTU_MIN 68
#define TOPO_MTU_MAX 65535
#define TOPO_NAME_MAX 64          /* Tenant, network, port and host names. */
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
};

struct topo_network {
    struct hmap_node node;      /* In topology 'networks'. */
    struct uuid uuid;
    const struct topo_tenant *tenant;
    char *name;                 /* Unique within its tenant. */
    enum topo_net_type type;
    uint32_t segment_id;        /* VLAN ID or VNI/GRE key; unique per type. */
    int mtu;                    /* 0 if not set. */
    uint32_t key;               /* 1..65535, unique; OpenFlow metadata. */
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
    uint32_t key;               /* 1..16777215, unique; bits 23..0 of cookies. */
};

struct topology {
    int underlay_mtu;           /* TOPO_UNDERLAY_MTU_DEFAULT unless set. */
    struct hmap hosts;          /* Contains "struct topo_host"s. */
    struct hmap tenants;        /* Contains "struct topo_tenant"s. */
    struct hmap networks;       /* Contains "struct topo_network"s. */
    struct hmap ports;          /* Contains "struct topo_port"s. */
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

#define TOPOLOGY_FOR_EACH_HOST(H, TOPO) \
    HMAP_FOR_EACH (H, node, &(TOPO)->hosts)
#define TOPOLOGY_FOR_EACH_TENANT(T, TOPO) \
    HMAP_FOR_EACH (T, node, &(TOPO)->tenants)
#define TOPOLOGY_FOR_EACH_NETWORK(N, TOPO) \
    HMAP_FOR_EACH (N, node, &(TOPO)->networks)
#define TOPOLOGY_FOR_EACH_PORT(P, TOPO) \
    HMAP_FOR_EACH (P, node, &(TOPO)->ports)

#endif /* topology/topology.h */
