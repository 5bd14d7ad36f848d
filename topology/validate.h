/* validate: the one validation layer for every write to weft's desired state.
 *
 * A write is checked in two steps (see request.h), both in topology/:
 * weft_request_check() checks the request's values alone, and
 * weft_request_validate() below checks them against the current topology and
 * resolves them into a 'struct weft_plan' that the write layer
 * (ovsdb/weft-write.c) turns into a transaction without checking anything
 * itself.  They are made of the parsers and validate_*() functions below
 * (validate.c) and the quota checks (quota.h).  Every function is pure: no
 * I/O, no globals.
 *
 * Errors: each parser and validate_*() function returns NULL on success or a
 * malloc'd, human-readable message that the caller must free, e.g.
 *   "segment id 4095 out of range for vlan (1-4094)"
 *   "MAC 02:00:00:00:00:01 is already used by port red/net1/a in network red/net1"
 * The message never ends in a newline or period. */
#ifndef WEFT_VALIDATE_H
#define WEFT_VALIDATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/types.h"
#include "packets.h"
#include "request.h"
#include "topology.h"

/* Parsers: 's' is user text.  On success they store into the out parameter. */
char *parse_name(const char *what, const char *s);   /* [A-Za-z0-9_.-]{1,64},
                                                      * not starting with '-',
                                                      * not "." or ".." */
char *parse_iface_name(const char *s);                /* 1-15 chars, no '/' or
                                                       * whitespace */
char *parse_mac(const char *s, struct eth_addr *mac); /* unicast, not zero */
char *parse_ipv4(const char *s, ovs_be32 *ip);        /* dotted quad, optional
                                                       * /len ignored; not 0.0.0.0,
                                                       * multicast or broadcast */
char *parse_net_type(const char *s, enum topo_net_type *);
char *parse_segment_id(enum topo_net_type, const char *s, uint32_t *);
char *parse_mtu(const char *s, int *mtu);
char *parse_ovsdb_remote(const char *s);             /* "unix:PATH",
                                                      * "tcp:IP:PORT" or
                                                      * "ssl:IP:PORT" */
char *parse_datapath_type(const char *s);            /* "netdev" or "system" */

/* Splits "TENANT/NETWORK" or "TENANT/NETWORK/PORT" ('n_parts' 2 or 3) into
 * malloc'd parts stored in 'parts'; validates each with parse_name(). */
char *parse_path(const char *s, size_t n_parts, char *parts[]);

/* Semantic checks against the current state.  'topo' is read only. */
char *validate_new_host(const struct topology *, const char *name);
char *validate_new_tenant(const struct topology *, const char *name);

/* 'tenant_view': the caller is the tenant admin of the tenant being written
 * to (a REST request with a bearer token).  A conflict with another tenant's
 * object is then reported without naming that object or its tenant ("vxlan
 * segment 1002 is already in use"), because a tenant must learn nothing
 * about other tenants.  An administrator gets the detailed message. */
char *validate_new_network(const struct topology *,
                           const struct topo_tenant *, const char *name,
                           enum topo_net_type, uint32_t segment_id,
                           bool tenant_view);
/* A port's MAC and every IP must be unique within its network; the interface
 * name unique within its host and not one that weft's own infrastructure
 * takes there (see validate_iface_is_reserved()).  'mac' and 'ips' are
 * values that step 1 parsed (parse_mac(), parse_ipv4()) and found no IP
 * given twice in (weft_request_check()). */
char *validate_new_port(const struct topology *, const struct topo_network *,
                        const struct topo_host *, const char *name,
                        const char *iface, struct eth_addr mac,
                        const ovs_be32 *ips, size_t n_ips, bool tenant_view);

/* Interface names are a host resource, and weft's own infrastructure on a
 * host takes some of them: the integration bridge's internal interface
 * (TOPO_BRIDGE_NAME), every tunnel name (TOPO_TUNNEL_PREFIXES followed by
 * anything: tunnel names derive from host names, including those of hosts
 * added later, see weft_tunnel_name()), the host's uplink and its external
 * interface.  A port given
 * one of them would take the tunnel, the VLAN trunk or the host's own stack
 * (OFPP_LOCAL) over, and so would the host's external interface
 * (Host external_iface), so validate_new_port() refuses them and the flow
 * compiler and weftd ignore a port that has one anyway.  'host' may be NULL
 * (then only the bridge and tunnel names are checked). */
bool validate_iface_is_reserved(const struct topo_host *, const char *iface);
char *validate_del_host(const struct topology *, const struct topo_host *);
char *validate_del_tenant(const struct topology *, const struct topo_tenant *);
char *validate_del_network(const struct topology *,
                           const struct topo_network *);

/* Key allocation: the smallest key in 1..'max' not used by any tenant
 * (network, port) in 'topo', or 0 if all are taken.  O(1) in the number of
 * objects: read from the topology's key indexes (keys.h), which after a
 * topology repeated a key may call a removed key still used. */
uint32_t topology_next_tenant_key(const struct topology *);
uint32_t topology_next_network_key(const struct topology *);
uint32_t topology_next_port_key(const struct topology *);
uint32_t topology_next_router_key(const struct topology *);

/* ------------------------------------------------------------------------
 * Subnets and port addresses (validate-subnet.c). */

/* Parses "A.B.C.D/LEN" into 'subnet' ('gateway' left 0): IPv4, LEN 8..30,
 * host bits zero ("cidr 10.1.0.5/24 has host bits set (did you mean
 * 10.1.0.0/24?)"). */
char *parse_cidr(const char *s, struct topo_subnet *subnet);
/* Parses a route's destination "A.B.C.D/LEN", LEN 0..32, host bits zero,
 * into 'route''s 'prefix' and 'plen'. */
char *parse_route_prefix(const char *s, struct topo_route *route);
/* 'gw' as the gateway of 'subnet' (parsed by parse_cidr()): inside it and
 * neither its network nor its broadcast address.  Stores it in
 * subnet->gateway.  With 'gw' NULL, the default: the first host address. */
char *parse_gateway(const char *gw, struct topo_subnet *subnet);
/* The network and broadcast addresses of 'subnet' (plen must be nonzero). */
ovs_be32 topo_subnet_broadcast(const struct topo_subnet *);

/* A port's IPs on 'net': with a subnet, each inside it and neither its
 * network, broadcast nor gateway address; without one, anything goes.  A
 * port's MAC on a network attached to a router must not be the router's,
 * nor in the range of generated router MACs (02:57:...). */
char *validate_port_in_subnet(const struct topo_network *net,
                              struct eth_addr mac, const ovs_be32 *ips,
                              size_t n_ips);
/* Address allocation: the lowest address of 'net''s subnet that is not its
 * network, broadcast or gateway address and not held by a port of 'net',
 * stored in '*ip'.  One pass over the network's ports (O(its ports), not
 * O(subnet size)).  Error (a conflict) if none is free or 'net' has no
 * subnet. */
char *topo_subnet_allocate(const struct topo_network *net, ovs_be32 *ip);

/* ------------------------------------------------------------------------
 * Routers (validate-router.c).  'tenant_view' as for validate_new_network().
 * Messages name objects as TENANT/NAME. */

/* The MAC weft gives 'router' on 'net' when none is given:
 * 02:57:RR:RR:NN:NN, the router's and the network's keys. */
struct eth_addr topo_router_default_mac(uint32_t router_key,
                                        uint32_t network_key);
/* True if 'mac' is in the range of generated router MACs (02:57:...). */
bool topo_mac_is_router_range(struct eth_addr mac);

char *validate_new_router(const struct topology *,
                          const struct topo_tenant *, const char *name);
/* Refused while the router has networks or routes (no cascade). */
char *validate_del_router(const struct topo_router *);
/* 'net' (a network of the router's tenant) may be attached to 'router' with
 * MAC 'mac'. */
char *validate_router_attach(const struct topo_router *,
                             const struct topo_network *, struct eth_addr mac);
/* 'net' is attached to 'router', no route's next hop lies in it, and no
 * port of it has a floating IP or a port mapping. */
char *validate_router_detach(const struct topo_router *,
                             const struct topo_network *);
/* A route to 'route->prefix'/'plen' via 'route->nexthop': no route to that
 * prefix yet, next hop inside an attached subnet and not one of the
 * router's own addresses. */
char *validate_new_route(const struct topo_router *,
                         const struct topo_route *);

/* ------------------------------------------------------------------------
 * NAT: external sides, pools, floating IPs, port mappings, SNAT
 * (validate-nat.c).  'tenant_view' as for validate_new_network(): a tenant
 * is never told whose an address or a host port is. */

/* Pool prefix lengths: /8 to /32 (a /32 is one floating IP). */
#define TOPO_POOL_PLEN_MIN 8
#define TOPO_POOL_PLEN_MAX 32

/* A host's external side from the user's text: all three values or none
 * (all NULL: 'ext->iface' NULL, no error).  'iface' a valid interface name,
 * not one of weft's own (validate_iface_is_reserved() without a host);
 * 'ip' "A.B.C.D/LEN" (LEN 1..32), for LEN <= 30 neither the LAN's network
 * nor its broadcast address; 'gateway' "A.B.C.D" inside that LAN, not 'ip'.
 * 'ext->iface' then points to 'iface' (not copied); 'gateway_mac' zero. */
char *parse_external(const char *iface, const char *ip, const char *gateway,
                     struct topo_external *ext);
/* "A.B.C.D/LEN", LEN 8..32, host bits zero (validate-subnet.c). */
char *parse_pool_cidr(const char *s, ovs_be32 *prefix, int *plen);
/* "tcp" or "udp" into IPPROTO_TCP or IPPROTO_UDP. */
char *parse_proto(const char *s, uint8_t *proto);
/* Step-1 helpers shared by validate-request*.c and validate-service.c.
 * validate_wrap() wraps the malloc'd message 'msg' (which may be NULL) as
 * an error of 'kind'; validate_require() returns an error if the required
 * value 'value' named 'what' is missing; validate_network_ref() checks
 * 'req->network': "NAME" (of the request's tenant) or "TENANT/NAME" (an
 * administrator's clear answer about another tenant's network). */
struct weft_error *validate_wrap(enum weft_err_kind, char *msg);
char *validate_require(const char *value, const char *what);
char *validate_network_ref(const struct weft_request *);
/* Step-2 lookups of what validate_network_ref() accepted (validate-ref.c).
 * validate_find_network_ref() returns 'plan->req->network' (NULL if it does
 * not exist, or is another tenant's in tenant view), with the tenant name
 * it names (malloc'd: the caller frees it) and the network's name in it, for
 * the caller's error.  validate_find_port_ref() looks 'req->port_name' up
 * in that network too, into 'plan->net' and 'plan->port', and returns
 * NOT_FOUND if either does not exist (it may be another tenant's for an
 * administrator: plan->net->tenant says). */
struct weft_plan;
const struct topo_network *validate_find_network_ref(
    const struct topology *, const struct weft_plan *, char **tenant_namep,
    const char **namep);
struct weft_error *validate_find_port_ref(const struct topology *,
                                          struct weft_plan *);
/* A TCP or UDP port number 1..65535; 'what' names it ("host port"). */
char *parse_l4_port(const char *what, const char *s, uint16_t *port);
/* "true" or "false". */
char *parse_snat(const char *s, bool *snat);
/* Port.mappings keys: "tcp/8080" <-> (IPPROTO_TCP, 8080).  The parser
 * accepts only the canonical text the writer makes. */
bool topo_mapping_key_parse(const char *s, uint8_t *proto,
                            uint16_t *host_port);
char *topo_mapping_key(uint8_t proto, uint16_t host_port);
const char *topo_proto_name(uint8_t proto);

/* 'ext' (parsed by parse_external()) on 'host' ('host' NULL: a new host
 * with uplink 'uplink'): the interface is not the host's uplink nor a
 * port's interface there, and its IP is no other host's external IP nor a
 * floating IP (nor another host's gateway; its gateway no floating IP).
 * Then, for an existing host, the external side may change
 * that way: while floating IPs are homed on the host or its ports have
 * mappings, it may not be removed ('ext->iface' NULL), and each such
 * floating IP must stay inside its LAN. */
char *validate_host_external(const struct topology *,
                             const struct topo_host *host, const char *uplink,
                             const struct topo_external *ext);
char *validate_new_pool(const struct topology *, const char *name,
                        ovs_be32 prefix, int plen);
/* Refused while floating IPs of the pool exist. */
char *validate_del_pool(const struct topo_pool *);
/* 'ip' inside 'pool' and, for /30 and shorter, not its network or
 * broadcast address. */
char *validate_fip_in_pool(const struct topo_pool *, ovs_be32 ip);
/* 'ip' as a new floating IP of 'pool': validate_fip_in_pool(), and no
 * host's external IP or gateway, no other floating IP. */
char *validate_fip_address(const struct topology *, const struct topo_pool *,
                           ovs_be32 ip, bool tenant_view);
/* The lowest address of 'pool' that validate_fip_address() accepts, into
 * '*ip'; an error (a conflict) if none is free.  O(used addresses, log). */
char *topo_fip_allocate(const struct topology *, const struct topo_pool *,
                        ovs_be32 *ip);
/* 'port' as an endpoint reached from outside (a floating IP's or a
 * mapping's): it has an IPv4 address, its network is attached to a router
 * and its host has an external side, whose LAN contains 'fip_ip' if 'pool'
 * (the floating IP's pool, which the message names) is nonnull. */
char *validate_nat_endpoint(const struct topo_port *,
                            const struct topo_pool *pool, ovs_be32 fip_ip);
/* Floating IP 'ip' of 'pool' ('fip', or NULL for a new one) assigned to
 * 'port': a NAT endpoint for it, with no other floating IP. */
char *validate_fip_target(const struct topo_fip *fip,
                          const struct topo_pool *pool, ovs_be32 ip,
                          const struct topo_port *port);
/* A mapping 'm' on 'port': a NAT endpoint, and ('proto', 'host_port') not
 * mapped yet on its host. */
char *validate_new_mapping(const struct topo_port *,
                           const struct topo_mapping *m);

/* The request ops of NAT (validate-request-nat.c): step 1 for HOST_SET,
 * ROUTER_SET, POOL_*, FIP_*, MAP_* and the external and snat values of
 * HOST_ADD and ROUTER_ADD (storing what it parses into 'plan' if nonnull),
 * and step 2 for the NAT ops. */
struct weft_plan;
char *weft_request_check_nat(const struct weft_request *, struct weft_plan *);
struct weft_error *weft_request_validate_nat(const struct weft_request *,
                                             const struct topology *,
                                             struct weft_plan *);

/* ------------------------------------------------------------------------
 * Services (validate-service.c).  'tenant_view' as for
 * validate_new_network(): a tenant is never told whose a node port is. */

#define TOPO_WEIGHT_MAX 256     /* A backend's weight: 1..256. */

/* "A.B.C.D", no length: a unicast address, not in 0.0.0.0/8, 127.0.0.0/8,
 * 224.0.0.0/4 (multicast), 255.255.255.255 nor 100.64.0.0/16 (weft's
 * transit addresses, ofproto/pipeline.h). */
char *parse_vip(const char *s, ovs_be32 *vip);
/* A backend's weight, 1..256. */
char *parse_weight(const char *s, uint16_t *weight);
/* The lowest service key (group id) no service uses, or 0. */
uint32_t topology_next_service_key(const struct topology *);
/* Service 'name' of 'tenant' on 'router': a valid name, not taken in the
 * tenant; 'vip' inside no subnet attached to the router; ('vip', 'port',
 * 'proto') no other service of the router. */
char *validate_new_service(const struct topology *,
                           const struct topo_tenant *,
                           const struct topo_router *, const char *name,
                           ovs_be32 vip, uint16_t port, uint8_t proto);
/* 'node_port' for a service of 'tenant' ('self': the service that
 * changes, NULL for a new one): no other service's node port of 'proto'
 * (node ports are on every host) and no port mapping's host port of
 * 'proto' on any host. */
char *validate_node_port(const struct topology *, const struct topo_tenant *,
                         const struct topo_service *self, uint8_t proto,
                         uint16_t node_port, bool tenant_view);
/* A port mapping of 'host_port'/'proto' by a port of 'tenant': no
 * service's node port. */
char *validate_mapping_not_node_port(const struct topology *,
                                     const struct topo_tenant *,
                                     uint8_t proto, uint16_t host_port,
                                     bool tenant_view);
/* 'port' as a new backend of 'svc': a port of the service's tenant, with
 * an IPv4 address, on a network attached to the service's router, not a
 * backend of it yet. */
char *validate_backend_port(const struct topo_service *,
                            const struct topo_port *);
const struct topo_backend *topo_service_find_backend(
    const struct topo_service *, const struct topo_port *);
/* Refusals while in use: with 'net' NULL, 'router' has services (router
 * deletion); else 'net' holds backends of 'router''s services (its
 * detachment). */
char *validate_router_services(const struct topo_router *,
                               const struct topo_network *net);
/* Attaching 'net' to 'router': its subnet contains none of the router's
 * VIPs. */
char *validate_attach_vips(const struct topo_router *,
                           const struct topo_network *);

/* The request ops of services: step 1 (storing what it parses into 'plan'
 * if nonnull) and step 2. */
char *weft_request_check_service(const struct weft_request *,
                                 struct weft_plan *);
struct weft_error *weft_request_validate_service(const struct weft_request *,
                                                 const struct topology *,
                                                 struct weft_plan *);

/* ------------------------------------------------------------------------
 * Security groups and IPv6 port addresses (validate-security.c).  Messages
 * name a group TENANT/GROUP and a rule TENANT/GROUP#ID. */

/* "ingress" or "egress". */
char *parse_sg_direction(const char *s, enum topo_sg_dir *);
/* "tcp", "udp", "icmp" or "any" into IPPROTO_TCP, _UDP, _ICMP or 0, and
 * back (topo_sg_proto_name(), the database's and the front ends' text). */
char *parse_sg_proto(const char *s, uint8_t *proto);
const char *topo_sg_proto_name(uint8_t proto);
/* "N" or "N-M", 1..65535, N <= M. */
char *parse_sg_ports(const char *s, uint16_t *min, uint16_t *max);
/* An IPv4 or IPv6 prefix "ADDRESS/LEN" (a bare address: a host route; an
 * IPv4-mapped IPv6 prefix is refused: one spelling per prefix),
 * host bits zero ("10.0.0.1/24 has host bits set; did you mean
 * 10.0.0.0/24?"), into the rule fields of topo_sg_rule (IPv4 v4-mapped). */
char *parse_sg_remote_cidr(const char *s, int *family,
                           struct in6_addr *prefix, int *plen);
/* The canonical text of a prefix ("10.0.0.0/24", "2001:db8::/64"),
 * malloc'd: what the writer stores in remote_cidr. */
char *topo_sg_prefix_to_string(int family, const struct in6_addr *,
                               int plen);
/* A rule id, 1..65535. */
char *parse_sg_rule_id(const char *s, uint32_t *id);
/* The lowest rule key free in 'topo' and rule id free in 'tenant' (0 if
 * none): a new rule's. */
uint32_t topology_next_sg_rule_key(const struct topology *);
uint32_t topo_tenant_next_sg_rule_id(const struct topo_tenant *);
/* Refused while 'sg' has members or a rule of another group names it. */
char *validate_del_sg(const struct topo_sg *);
/* 'rule' (its values and remote group set) as a new rule of 'sg': no
 * identical rule (direction, proto, ports, remote) in 'sg'; stores its new
 * 'key' and 'id' in 'rule'. */
char *validate_new_sg_rule(const struct topology *, const struct topo_sg *,
                           struct topo_sg_rule *rule);

/* True if the port address 's' is meant as IPv6 (it has a ':'). */
bool topo_ip_is_ipv6(const char *s);
/* A port's IPv6 address "X:X::X" (optional /LEN ignored, like
 * parse_ipv4()'s): unicast, not ::, ::1, multicast (ff00::/8), link-local
 * (fe80::/10: a port's own is implied by its MAC) or IPv4-mapped. */
char *parse_port_ipv6(const char *s, struct in6_addr *ip6);
/* Each of 'ip6s' held by no port of 'net'. */
char *validate_port_ip6s(const struct topo_network *,
                         const struct in6_addr *ip6s, size_t n_ip6s);

/* The request ops of security groups: step 1 (storing what it parses into
 * 'plan' if nonnull) and step 2. */
char *weft_request_check_security(const struct weft_request *,
                                  struct weft_plan *);
struct weft_error *weft_request_validate_security(const struct weft_request *,
                                                  const struct topology *,
                                                  struct weft_plan *);

/* ------------------------------------------------------------------------
 * Step 2 of a write (request.h): a request against the current topology.
 * (validate-request.c) */

/* What TENANT_SET does to one of the tenant's quota overrides. */
enum weft_quota_change {
    WEFT_QUOTA_KEEP,            /* Not named: the override (if any) stays. */
    WEFT_QUOTA_SET,             /* Override with 'quota_limit'. */
    WEFT_QUOTA_DEFAULT,         /* Override removed: the default again. */
};

/* A request that passed both steps: everything the write layer needs,
 * parsed and resolved, so that it only has to write it.  The pointers to
 * topology objects are valid as long as the topology the request was
 * validated against. */
struct weft_plan {
    const struct weft_request *req;     /* Names and texts, as given. */

    /* The existing objects the request names or refers to. */
    const struct topo_host *host;       /* HOST_DEL; PORT_ADD's host. */
    const struct topo_tenant *tenant;   /* TENANT_DEL, _TOKEN, _SET; the
                                         * tenant of NET_* and PORT_*. */
    const struct topo_network *net;     /* NET_DEL; network of PORT_*. */
    const struct topo_port *port;       /* PORT_DEL. */
    const struct topo_router *router;   /* ROUTER_DEL, _ATTACH, _DETACH,
                                         * ROUTE_*. */
    const struct topo_network *attach_net; /* ROUTER_ATTACH, _DETACH: the
                                            * network. */

    uint32_t key;               /* TENANT_ADD, NET_ADD, PORT_ADD,
                                 * ROUTER_ADD: the new object's key, free in
                                 * the topology. */

    /* Values in canonical form. */
    ovs_be32 tunnel_ip;         /* HOST_ADD, if 'req->tunnel_ip'. */
    enum topo_net_type type;    /* NET_ADD. */
    uint32_t segment_id;        /* NET_ADD. */
    int mtu;                    /* NET_ADD: 0 if not given. */
    struct topo_subnet subnet;  /* NET_ADD: plen 0 if no cidr; the
                                 * gateway, given or the default. */
    struct eth_addr mac;        /* PORT_ADD; ROUTER_ATTACH (given or
                                 * generated). */
    ovs_be32 *ips;              /* PORT_ADD: 'n_ips' IPs, malloc'd: the
                                 * given ones, or the one allocated. */
    size_t n_ips;
    bool allocated;             /* PORT_ADD: 'ips' were allocated. */
    struct topo_route route;    /* ROUTE_ADD; ROUTE_DEL ('nexthop' that of
                                 * the route deleted). */

    /* NAT (validate-request-nat.c). */
    struct topo_external ext;   /* HOST_ADD, HOST_SET: the external side
                                 * ('ext.iface' points into 'req'; NULL:
                                 * none, or HOST_SET's removal). */
    bool ext_given;             /* HOST_SET: the external side changes. */
    int snat;                   /* ROUTER_ADD, ROUTER_SET: 1, 0, or -1
                                 * if not given. */
    const struct topo_pool *pool; /* FIP_ADD, POOL_DEL. */
    ovs_be32 pool_prefix;       /* POOL_ADD. */
    int pool_plen;
    const struct topo_fip *fip; /* FIP_DEL, FIP_SET. */
    ovs_be32 fip_ip;            /* FIP_*: the address (FIP_ADD: given or
                                 * allocated). */
    bool fip_allocated;         /* FIP_ADD: 'fip_ip' was allocated. */
    const struct topo_port *target; /* FIP_ADD, FIP_SET: the port to
                                     * assign to, or NULL. */
    struct topo_mapping mapping; /* MAP_ADD; MAP_DEL (the one removed).
                                  * The port is 'port'. */

    /* Services (validate-service.c).  SERVICE_ADD: 'tenant', 'router',
     * 'key' and the values below. */
    const struct topo_service *service; /* SERVICE_DEL, _SET, BACKEND_*. */
    ovs_be32 vip;               /* SERVICE_ADD. */
    uint16_t svc_port;          /* SERVICE_ADD. */
    uint8_t svc_proto;          /* SERVICE_ADD: IPPROTO_TCP or _UDP. */
    uint16_t node_port;         /* SERVICE_ADD, SERVICE_SET: 0 for none
                                 * (SERVICE_SET: removed). */
    struct topo_backend backend; /* BACKEND_ADD, _SET: the backend as it
                                  * is to be; BACKEND_DEL: as it is.  Its
                                  * port is also 'port', on network 'net'. */
    int backend_down;           /* Step 1: 1, 0, or -1 if not given. */

    /* IPv6 (validate-security.c).  PORT_ADD: the IPv6 addresses given
     * ('ips' holds the IPv4 ones), malloc'd. */
    struct in6_addr *ip6s;
    size_t n_ip6s;

    /* Security groups (validate-security.c).  'tenant' is the group's. */
    const struct topo_sg *sg;   /* SG_DEL, SG_RULE_*, SG_MEMBER_*. */
    struct topo_sg_rule sg_rule; /* SG_RULE_ADD: the new rule, its 'id' and
                                  * 'key' allocated, 'remote_group'
                                  * resolved; SG_RULE_DEL: the rule deleted
                                  * (its 'uuid' the row's). */
    /* SG_MEMBER_*: the port is 'port', on network 'net'. */

    /* TENANT_SET: per quota (quota.h). */
    enum weft_quota_change quota_change[N_TOPO_QUOTAS];
    uint32_t quota_limit[N_TOPO_QUOTAS];
};

/* Checks 'req' (step 1 again, then against 'topo') and fills in 'plan'.
 * Returns NULL, or an error: INVALID (a bad value), NOT_FOUND (a named
 * object does not exist), CONFLICT (exists already, in use, a duplicate, a
 * quota, no free key).  Either way, 'plan' must be freed with
 * weft_plan_destroy(). */
struct weft_error *weft_request_validate(const struct weft_request *req,
                                         const struct topology *topo,
                                         struct weft_plan *plan);
void weft_plan_destroy(struct weft_plan *);

#endif /* topology/validate.h */
