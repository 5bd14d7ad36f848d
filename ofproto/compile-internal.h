/* compile-internal: what the stages of the flow compiler share, private to
 * ofproto/compile*.c (the public contract is compiler.h).
 *
 * compiler.c sets up a compile_ctx for one host and calls, per owner (a
 * port, a local network, the host's defaults), the stages that make that
 * owner's flows (a local network's 'struct local_net' comes from the
 * topology's indexes, never from a scan of every port); each stage writes its
 * flows into the context's scratch buffers and hands them to emit(), the
 * single funnel through which every flow reaches the output, with its
 * cookie and its owner (struct flow_origin).  The stages, in pipeline.h's
 * table order:
 *
 *   compile-port.c     CLASSIFY (a port's source MAC) and PORT_SEC
 *   compile-arp.c      ARP_RESPOND
 *   compile-l2.c       L2_LOOKUP, local and remote; CLASSIFY from remote
 *   compile-flood.c    FLOOD, with split horizon
 *   compiler.c         the table-miss flows of every table
 *
 * compile-tunnels.c says how this host reaches the others (tunnels, uplink);
 * compile-inputs.c says which topology changes can change a host's output. */
#ifndef WEFT_COMPILE_INTERNAL_H
#define WEFT_COMPILE_INTERNAL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
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
};

/* Inputs and output of one compile_host_flows() or compile_owner_flows()
 * call. */
struct compile_ctx {
    const struct topology *topo;
    const struct topo_host *host;
    const struct simap *ofports;    /* Interface name -> ofport, or NULL. */
    struct weft_flows *out;
    struct ds match;                /* Scratch buffers, reused per flow. */
    struct ds actions;
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

/* The defaults of 'host' (WEFT_OWNER_HOST): no tenant, network or port. */
static inline struct flow_origin
host_origin(const struct topo_host *host)
{
    return (struct flow_origin) {
        .owner = { .kind = WEFT_OWNER_HOST, .uuid = host->uuid },
        .cookie = weft_cookie(0, 0, 0),
    };
}

/* Adds the flow in ctx's 'match' and 'actions' buffers, with the cookie and
 * owner of 'origin', then clears the buffers.  Every compiled flow goes
 * through here.
 *
 * A duplicate here means the topology broke an invariant that validation
 * enforces (e.g. two ports of one network with the same IP); the first flow
 * wins, and the unit tests check that valid topologies never get here. */
static inline void
emit(struct compile_ctx *ctx, uint8_t table_id, uint16_t priority,
     const struct flow_origin *origin)
{
    weft_flows_add_owned(ctx->out, &origin->owner, table_id, priority,
                         origin->cookie, ds_cstr(&ctx->match),
                         ds_cstr(&ctx->actions));
    ds_clear(&ctx->match);
    ds_clear(&ctx->actions);
}

/* compile-tunnels.c: how this host reaches the others. */
int compile_remote_ofport(const struct compile_ctx *,
                          const struct topo_network *,
                          const struct topo_host *remote);
void compile_put_remote_encap(struct ds *actions,
                              const struct topo_network *);

/* The stages.  'ofport' is the local port's OpenFlow port number (nonzero),
 * or for compile_arp_respond() 0 if the port is remote or has none. */
void compile_classify(struct compile_ctx *, const struct topo_port *,
                      int ofport);
void compile_port_sec(struct compile_ctx *, const struct topo_port *,
                      int ofport);
void compile_arp_respond(struct compile_ctx *, const struct topo_port *,
                         int ofport);
void compile_l2_local(struct compile_ctx *, const struct topo_port *,
                      int ofport);
void compile_l2_remote(struct compile_ctx *, const struct topo_port *);
void compile_remote_ingress(struct compile_ctx *, const struct local_net *);
void compile_flood(struct compile_ctx *, struct local_net *);

#endif /* ofproto/compile-internal.h */
