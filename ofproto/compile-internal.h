/* compile-internal: what the stages of the flow compiler share, private to
 * ofproto/compile*.c (the public contract is compiler.h).
 *
 * compiler.c sets up a compile_ctx for one host and calls, per owner (a
 * port, a local network, the host's defaults), the stages that make that
 * owner's flows (a local network's 'struct local_net' comes from the
 * topology's indexes, never from a scan of every port); each stage builds
 * its flows natively in the context's scratch match and ofpacts (with OVS's
 * match_set_*() setters and ofpact_put_*(), or the put_*() helpers below
 * for pipeline.h's registers) and hands them to emit(), the
 * single funnel through which every flow reaches the output, with its
 * cookie and its owner (struct flow_origin).  The stages, in pipeline.h's
 * table order:
 *
 *   compile-port.c     CLASSIFY (a port's source MAC) and PORT_SEC
 *   compile-arp.c      ARP_RESPOND
 *   compile-router.c   ARP_RESPOND for gateways, L3_ADMIT, L3_ROUTE (the
 *                      ROUTER owner) and L3_NEIGHBOR (a port's)
 *   compile-l2.c       L2_LOOKUP, local and remote; CLASSIFY from remote
 *   compile-flood.c    FLOOD, with split horizon
 *   compile-nat.c      the ways in and out (tables 50..63, CLASSIFY from
 *                      the external side, L3_ROUTE to the outside): the
 *                      EXTERNAL owner, a router's and a port's NAT rows
 *   compile-lb.c       services (tables 70..73, their L3_ROUTE, L2_LOOKUP
 *                      and EXT_IN_HOST rows, select groups): the SERVICE
 *                      owner, and the HOST owner's rows of 70..73
 *   compile-acl.c      security groups (tables 12 and 34, their PORT_SEC
 *                      and L2_LOOKUP ct rows): the SG owner, a member's
 *                      default deny, the HOST owner's rows of 12 and 34
 *   compiler.c         the table-miss flows of every table
 *
 * Which hosts get which flows (pipeline.h's "serves"): a network's owners
 * compile on every host that serves it (compile_host_serves_network()):
 * the hosts with a port in it, and the hosts with a port in another network
 * of its router.  There a port gets L2_LOOKUP (to it, local or remote) and
 * L3_NEIGHBOR (if the network has a router); ARP_RESPOND, CLASSIFY,
 * PORT_SEC and the network owner's FLOOD and remote ingress only where the
 * network has a port (struct local_net), the ingress accepting every host
 * that serves the network.  A router's owner compiles on every host that
 * serves it (compile_host_serves_router()).
 *
 * compile-tunnels.c says how this host reaches the others (tunnels, uplink);
 * which topology changes can change a host's output is topology/changes.h. */
#ifndef WEFT_COMPILE_INTERNAL_H
#define WEFT_COMPILE_INTERNAL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "byte-order.h"
#include "compiler.h"
#include "flow.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "pipeline.h"
#include "simap.h"
#include "topology.h"
#include "uuid.h"
#include "validate.h"

/* A growable array of OpenFlow port numbers. */
struct ofport_list {
    int *ofports;
    size_t n, allocated;
};

/* A network with at least one port on the host being compiled. */
struct local_net {
    const struct topo_network *net;
    struct ofport_list local;   /* OpenFlow ports of its local ports that have
                                 * one, for FLOOD. */
    struct ofport_list remote;  /* Tunnels (or the uplink) to the other hosts
                                 * with ports in it, each once. */
    struct ofport_list ingress; /* 'remote' plus those to the other hosts
                                 * that serve it through its router. */
};

/* Inputs and output of one compile_host_flows() or compile_owner_flows()
 * call. */
struct compile_ctx {
    const struct topology *topo;
    const struct topo_host *host;
    const struct simap *ofports;    /* Interface name -> ofport, or NULL. */
    struct weft_flows *out;
    struct match match;             /* Scratch, reused per flow: the flow */
    struct ofpbuf ofpacts;          /* being built (see emit()). */
    uint64_t ofpacts_stub[1024 / 8];
};

/* What a flow exists for: its owner, and the cookie that tells the switch
 * the same (pipeline.h's cookie layout).  Made only by the *_origin()
 * functions below, so that the two never disagree. */
struct flow_origin {
    struct weft_owner owner;
    uint64_t cookie;
};

static inline bool
port_is_local(const struct compile_ctx *ctx, const struct topo_port *port)
{
    /* By UUID rather than pointer so that a host object from another snapshot
     * of the same topology also works. */
    return port->host && uuid_equals(&port->host->uuid, &ctx->host->uuid);
}

static inline int
iface_ofport(const struct compile_ctx *ctx, const char *iface)
{
    const struct simap_node *node = ctx->ofports && iface
                                    ? simap_find(ctx->ofports, iface) : NULL;
    int ofport = node ? (int) node->data : 0;
    return ofport > 0 ? ofport : 0;
}

/* Returns the OpenFlow port number of local 'port', or 0 if its interface
 * has none yet (absent from 'ofports', or ofport -1 stored as such).
 *
 * A port whose interface name belongs to weft's infrastructure (a row that
 * validation would refuse, written before it did or behind its back) has
 * none either: the ofport under that name is the tunnel's, the uplink's or
 * br-int's own LOCAL port, and giving it to the port would hand a tenant
 * the other tenants' tunnel traffic, the VLAN trunk or the host's stack. */
static inline int
port_ofport(const struct compile_ctx *ctx, const struct topo_port *port)
{
    if (!ctx->ofports || !port->iface
        || validate_iface_is_reserved(ctx->host, port->iface)) {
        return 0;
    }
    const struct simap_node *node = simap_find(ctx->ofports, port->iface);
    int ofport = node ? (int) node->data : 0;
    return ofport > 0 ? ofport : 0;
}

static inline bool
net_is_overlay(const struct topo_network *net)
{
    return net->type != TOPO_NET_VLAN;
}

static inline uint32_t
tenant_key(const struct topo_network *net)
{
    return net->tenant ? net->tenant->key : 0;
}

/* Flows that exist for 'port' (WEFT_OWNER_PORT). */
static inline struct flow_origin
port_origin(const struct topo_port *port)
{
    return (struct flow_origin) {
        .owner = { .kind = WEFT_OWNER_PORT, .uuid = port->uuid },
        .cookie = weft_cookie(tenant_key(port->network), port->network->key,
                              port->key),
    };
}

/* Flows that exist for local network 'net' as a whole (WEFT_OWNER_NETWORK). */
static inline struct flow_origin
network_origin(const struct topo_network *net)
{
    return (struct flow_origin) {
        .owner = { .kind = WEFT_OWNER_NETWORK, .uuid = net->uuid },
        .cookie = weft_cookie(tenant_key(net), net->key, 0),
    };
}

/* Flows that exist for 'router' as a whole (WEFT_OWNER_ROUTER): its own
 * (compile-router.c) and its NAT rows (compile-nat.c). */
static inline struct flow_origin
router_origin(const struct topo_router *router)
{
    return (struct flow_origin) {
        .owner = { .kind = WEFT_OWNER_ROUTER, .uuid = router->uuid },
        .cookie = weft_cookie_router(router->tenant ? router->tenant->key : 0,
                                     router->key),
    };
}

/* The defaults of 'host' (WEFT_OWNER_HOST): no tenant, network or port. */
static inline struct flow_origin
host_origin(const struct topo_host *host)
{
    return (struct flow_origin) {
        .owner = { .kind = WEFT_OWNER_HOST, .uuid = host->uuid },
        .cookie = weft_cookie(0, 0, 0),
    };
}

/* Adds the flow in ctx's 'match' and 'ofpacts', with the cookie and owner
 * of 'origin', then resets both (catch-all, no actions = drop).  Every
 * compiled flow goes through here.
 *
 * A duplicate here means the topology broke an invariant that validation
 * enforces (e.g. two ports of one network with the same IP); the first flow
 * wins, and the unit tests check that valid topologies never get here. */
static inline void
emit(struct compile_ctx *ctx, uint8_t table_id, uint16_t priority,
     const struct flow_origin *origin)
{
    /* A match on a packet field (rather than on metadata such as in_port,
     * tun_id or registers) implies packet_type=Ethernet, which OVS's parser
     * and OpenFlow decoder add (match_add_ethernet_prereq()): add it too, or
     * the flow would differ from what the switch reports.  Every such field
     * weft matches needs eth_src, eth_dst, eth_type or a VLAN. */
    const struct flow_wildcards *wc = &ctx->match.wc;
    if (!eth_addr_is_zero(wc->masks.dl_src)
        || !eth_addr_is_zero(wc->masks.dl_dst)
        || wc->masks.dl_type || wc->masks.vlans[0].tci) {
        match_set_default_packet_type(&ctx->match);
    }
    weft_flows_add(ctx->out, &origin->owner, table_id, priority,
                   origin->cookie, &ctx->match, ctx->ofpacts.data,
                   ctx->ofpacts.size);
    match_init_catchall(&ctx->match);
    ofpbuf_clear(&ctx->ofpacts);
}

/* Select groups (services, ofproto/pipeline.h).  emit_select_group() adds
 * to the output the OpenFlow select group 'group_id' with the 'n' buckets
 * 'buckets', owned like a flow by 'origin''s owner: the host's session
 * installs it before any flow that refers to it ("group:ID", put_group())
 * and removes it after the last such flow, in the same bundle.  Bucket
 * actions are native ofpacts, canonical like a flow's.  Implemented in
 * ofproto/compile-group.c. */
struct weft_bucket {
    uint32_t bucket_id;
    uint16_t weight;                /* 1..256. */
    const struct ofpact *ofpacts;
    size_t ofpacts_len;
};
void emit_select_group(struct compile_ctx *, uint32_t group_id,
                       const struct weft_bucket *buckets, size_t n,
                       const struct flow_origin *);
void put_group(struct ofpbuf *ofpacts, uint32_t group_id);

/* Native building blocks for pipeline.h's fields and actions. */

/* Matches the network key in WEFT_MFF_NETWORK_ID. */
static inline void
match_network(struct match *match, uint32_t net_key)
{
    union mf_value value = { .be64 = htonll(net_key) };
    mf_set_value(mf_from_id(WEFT_MFF_NETWORK_ID), &value, match, NULL);
}

/* Matches WEFT_MFF_FLAGS_ID's bits 'mask' against 'flags'. */
static inline void
match_flags(struct match *match, uint32_t flags, uint32_t mask)
{
    union mf_value value = { .be32 = htonl(flags) };
    union mf_value maskv = { .be32 = htonl(mask) };
    mf_set(mf_from_id(WEFT_MFF_FLAGS_ID), &value, &maskv, match, NULL);
}

/* set_field of the bits 'mask' (NULL: all) of 'field' to 'value'.  Unlike
 * ofpact_put_set_field() with a value, which leaves the padding after a
 * short value and mask uninitialized, this zeroes it, as
 * weft_ofpacts_canonicalize() does to a flow read back from the switch: the
 * two compare bytewise (ofpacts_equal()). */
static inline struct ofpact_set_field *
put_set_field_masked(struct ofpbuf *ofpacts, enum mf_field_id id,
                     const union mf_value *value, const union mf_value *mask)
{
    const struct mf_field *field = mf_from_id(id);
    struct ofpact_set_field *sf = ofpact_put_set_field(ofpacts, field, NULL,
                                                       NULL);
    memcpy(sf->value, value, field->n_bytes);
    if (mask) {
        memcpy(ofpact_set_field_mask(sf), mask, field->n_bytes);
    } else {
        memset(ofpact_set_field_mask(sf), 0xff, field->n_bytes);
    }
    return sf;
}

static inline struct ofpact_set_field *
put_set_field(struct ofpbuf *ofpacts, enum mf_field_id id,
              const union mf_value *value)
{
    return put_set_field_masked(ofpacts, id, value, NULL);
}

static inline void
put_set_network(struct ofpbuf *ofpacts, uint32_t net_key)
{
    union mf_value value = { .be64 = htonll(net_key) };
    put_set_field(ofpacts, WEFT_MFF_NETWORK_ID, &value);
}

/* Sets WEFT_MFF_FLAGS_ID's bits 'mask' to 'flags', leaving the others. */
static inline void
put_set_flags(struct ofpbuf *ofpacts, uint32_t flags, uint32_t mask)
{
    union mf_value value = { .be32 = htonl(flags) };
    union mf_value maskv = { .be32 = htonl(mask) };
    put_set_field_masked(ofpacts, WEFT_MFF_FLAGS_ID, &value, &maskv);
}

/* move:SRC[]->DST[], whole fields of equal width. */
static inline void
put_move(struct ofpbuf *ofpacts, enum mf_field_id src, enum mf_field_id dst)
{
    struct ofpact_reg_move *move = ofpact_put_REG_MOVE(ofpacts);
    move->src.field = mf_from_id(src);
    move->src.ofs = 0;
    move->src.n_bits = move->src.field->n_bits;
    move->dst.field = mf_from_id(dst);
    move->dst.ofs = 0;
    move->dst.n_bits = move->dst.field->n_bits;
}

static inline void
put_output(struct ofpbuf *ofpacts, ofp_port_t port)
{
    ofpact_put_OUTPUT(ofpacts)->port = port;
}

static inline void
put_goto_table(struct ofpbuf *ofpacts, uint8_t table_id)
{
    ofpact_put_GOTO_TABLE(ofpacts)->table_id = table_id;
}

/* Conntrack (pipeline.h's NAT and services; compile-nat.c, compile-lb.c).
 * ROUTER is WEFT_MFF_ROUTER_ID. */

static inline void
match_router(struct match *match, uint32_t router_key)
{
    union mf_value value = { .be32 = htonl(router_key) };
    mf_set_value(mf_from_id(WEFT_MFF_ROUTER_ID), &value, match, NULL);
}

/* Matches ct_state: tracked, not invalid, and new or not. */
static inline void
match_ct_new(struct match *match, bool new)
{
    uint32_t mask = CS_TRACKED | CS_INVALID | CS_NEW;
    match_set_ct_state_masked(match, CS_TRACKED | (new ? CS_NEW : 0), mask);
}

static inline void
put_set_router(struct ofpbuf *ofpacts, uint32_t router_key)
{
    union mf_value value = { .be32 = htonl(router_key) };
    put_set_field(ofpacts, WEFT_MFF_ROUTER_ID, &value);
}

/* What a ct() action NATs: nothing, the existing binding ('flags' 0), or
 * the source or destination to 'ip' (and 'port', if nonzero). */
struct nat_spec {
    uint16_t flags;             /* 0, NX_NAT_F_SRC or NX_NAT_F_DST. */
    ovs_be32 ip;
    uint16_t port;
};

/* ct(['commit',]zone='zone'[,nat...][,exec(set_field:'mark'->ct_mark)],
 * table='table'), as OVS's parser builds it: the NAT (if any) first inside
 * the action, then the set_field ('mark' 0: none). */
static inline void
put_ct(struct ofpbuf *ofpacts, bool commit, uint16_t zone, uint8_t table,
       const struct nat_spec *nat, uint32_t mark)
{
    size_t ct_ofs = ofpacts->size;
    struct ofpact_conntrack *ct = ofpact_put_CT(ofpacts);
    ct->flags = commit ? NX_CT_F_COMMIT : 0;
    ct->zone_imm = zone;
    ct->recirc_table = table;

    if (nat) {
        struct ofpact_nat *on = ofpact_put_NAT(ofpacts);
        on->flags = nat->flags;
        on->range_af = AF_UNSPEC;
        if (nat->flags) {
            on->range_af = AF_INET;
            on->range.addr.ipv4.min = nat->ip;
            on->range.proto.min = nat->port;
        }
    }
    if (mark) {
        union mf_value value = { .be32 = htonl(mark) };
        put_set_field(ofpacts, MFF_CT_MARK, &value);
    }
    ct = ofpbuf_at_assert(ofpacts, ct_ofs, sizeof *ct);
    ofpacts->header = ct;
    ofpact_finish_CT(ofpacts, &ct);
}

/* compile-acl.c (policy, pipeline.h "Policy").  The actions PORT_SEC gives
 * an IP packet (IPv4 or IPv6) it admits from 'port': goto ARP_RESPOND, or,
 * for a port with egress policy, reg13 := its network's policy zone and
 * ct(zone) -> ACL_OUT.  ARP and neighbour discovery always go straight to
 * ARP_RESPOND (put_goto_table()). */
void compile_put_port_sec_next(struct ofpbuf *ofpacts,
                               const struct topo_port *port);
/* The HOST owner's rows of tables 12 and 34 and their verdict tables 13
 * and 35 (none on a host without a local port under policy in that
 * direction); a local port's default deny and PORT_SEC row for the IP of
 * a port without addresses (PORT owner); its L2_LOOKUP ct row
 * (compile_l2_local()); a group's rule rows (SG owner). */
void compile_acl_defaults(struct compile_ctx *, const struct flow_origin *);
void compile_acl_port(struct compile_ctx *, const struct topo_port *,
                      int ofport);
void compile_acl_l2_local(struct compile_ctx *, const struct topo_port *,
                          int ofport);
void compile_sg(struct compile_ctx *, const struct topo_sg *);

/* compile-tunnels.c: how this host reaches the others. */
int compile_remote_ofport(const struct compile_ctx *,
                          const struct topo_network *,
                          const struct topo_host *remote);
void compile_put_remote_encap(struct ofpbuf *ofpacts,
                              const struct topo_network *);

/* The stages.  'ofport' is the local port's OpenFlow port number (nonzero),
 * or for compile_arp_respond() 0 if the port is remote or has none. */
void compile_classify(struct compile_ctx *, const struct topo_port *,
                      int ofport);
void compile_port_sec(struct compile_ctx *, const struct topo_port *,
                      int ofport);
void compile_arp_respond(struct compile_ctx *, const struct topo_port *,
                         int ofport);
/* The HOST owner's IPv6 rows of PORT_SEC (compile-port.c) and ARP_RESPOND
 * (compile-arp.c): pipeline.h "IPv6". */
void compile_port_sec_defaults(struct compile_ctx *,
                               const struct flow_origin *);
void compile_nd_defaults(struct compile_ctx *, const struct flow_origin *);
void compile_l2_local(struct compile_ctx *, const struct topo_port *,
                      int ofport);
void compile_l2_remote(struct compile_ctx *, const struct topo_port *);
void compile_remote_ingress(struct compile_ctx *, const struct local_net *);
void compile_flood(struct compile_ctx *, struct local_net *);
void compile_router(struct compile_ctx *, const struct topo_router *);
/* dec_ttl as OVS's parser builds it (compile-router.c). */
void compile_put_dec_ttl(struct ofpbuf *);

/* compile-nat.c: the EXTERNAL owner's flows (none without an external
 * side); a router's NAT rows (called by compile_router()); a port's
 * floating IP and mapping rows (local ports only). */
void compile_external(struct compile_ctx *);
void compile_router_nat(struct compile_ctx *, const struct topo_router *);
void compile_port_nat(struct compile_ctx *, const struct topo_port *);

/* compile-lb.c: a service's flows and groups (SERVICE owner), and the
 * HOST owner's rows of tables 70..73 (none on a host without a service). */
void compile_service(struct compile_ctx *, const struct topo_service *);
void compile_lb_defaults(struct compile_ctx *, const struct flow_origin *);

/* What a host serves besides its own networks (pipeline.h): the routers of
 * its networks, each once, and those routers' networks in which it has no
 * port.  From the indexes, O(those routers' networks). */
struct compile_served {
    const struct topo_router **routers;
    size_t n_routers, allocated_routers;
    const struct topo_network **nets;
    size_t n_nets, allocated_nets;
};
void compile_served_init(struct compile_served *, const struct topo_host *);
void compile_served_destroy(struct compile_served *);
void compile_l3_neighbor(struct compile_ctx *, const struct topo_port *);

#endif /* ofproto/compile-internal.h */
