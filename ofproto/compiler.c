/* compiler: the flow compiler's driver.  See compiler.h for the contract,
 * pipeline.h for what each table does and compile-internal.h for which file
 * holds which stage.
 *
 * A host's flows are the union of those of its owners (struct weft_owner):
 *
 *   - each network with a port on this host ("local network"): its ingress
 *     from tunnels and the uplink and its FLOOD flows, made from the
 *     OpenFlow port numbers of its ports here and from how each other host
 *     with a port in it is reached (the tunnel of the network's type to
 *     that host, or for a VLAN network this host's uplink, if both hosts
 *     have one).  Only local networks get flows: a host with no port in a
 *     network has no packet that could carry its metadata.
 *
 *   - every port of a local network (compile_port_flows()).  A local port
 *     with an ofport gets its CLASSIFY, PORT_SEC, ARP_RESPOND-owner and
 *     L2_LOOKUP flows; every port, local or remote, with or without ofport,
 *     gets ARP_RESPOND answers for its IPs; a remote port that is reachable
 *     gets an L2_LOOKUP flow to its tunnel or the uplink.
 *
 *   - every network this host serves through a router without having a
 *     port in it (pipeline.h's "serves"): its ports' L2_LOOKUP and
 *     L3_NEIGHBOR flows, nothing of the network owner's;
 *
 *   - every router it serves (compile-router.c);
 *
 *   - the host's defaults: each table's table-miss flow;
 *
 *   - the host's external side, if any (compile-nat.c);
 *
 *   - every service of a router it serves (compile-lb.c);
 *
 *   - every security group with a member on this host (compile-acl.c).
 *
 * Everything is found through the topology's indexes (host -> networks ->
 * ports and hosts), never by a scan of every port, so that compiling one
 * owner (compile_owner_flows()) costs only that owner's flows.
 *
 * Each flow carries the cookie of the narrowest object it belongs to (port,
 * else network, else none), so a port's flows can be found and removed on the
 * switch by cookie alone; and it records the same object as its owner
 * (struct weft_owner), the unit an incremental compile would recompute. */
#include <config.h>

#include "compiler.h"

#include <stdlib.h>

#include "compile-internal.h"
#include "hmapx.h"
#include "util.h"

static void
ofport_list_add(struct ofport_list *list, int ofport)
{
    if (list->n >= list->allocated) {
        list->ofports = x2nrealloc(list->ofports, &list->allocated,
                                   sizeof *list->ofports);
    }
    list->ofports[list->n++] = ofport;
}

static bool
ofport_list_contains(const struct ofport_list *list, int ofport)
{
    for (size_t i = 0; i < list->n; i++) {
        if (list->ofports[i] == ofport) {
            return true;
        }
    }
    return false;
}

/* The local network 'nh' (a network with ports on this host), with its
 * ports' ofports and the ofports through which its other hosts are reached,
 * from the topology's indexes: O(its ports here + its hosts, + the hosts of
 * its router's networks). */
static void
local_net_init(struct compile_ctx *ctx, const struct topo_net_host *nh,
               struct local_net *ln)
{
    *ln = (struct local_net) { .net = nh->network };

    const struct topo_port *port;
    TOPO_NET_HOST_FOR_EACH_PORT (port, nh) {
        int ofport = port_ofport(ctx, port);
        if (ofport) {
            ofport_list_add(&ln->local, ofport);
        }
    }

    const struct topo_net_host *remote;
    TOPO_NETWORK_FOR_EACH_HOST (remote, nh->network) {
        if (remote == nh) {
            continue;
        }
        int ofport = compile_remote_ofport(ctx, ln->net, remote->host);
        if (ofport && !ofport_list_contains(&ln->remote, ofport)) {
            ofport_list_add(&ln->remote, ofport);
        }
        if (ofport && !ofport_list_contains(&ln->ingress, ofport)) {
            ofport_list_add(&ln->ingress, ofport);
        }
    }

    /* Hosts that serve the network through its router send it routed
     * frames (pipeline.h): accept them too. */
    const struct topo_router_port *own = ln->net->router_port;
    if (own) {
        const struct topo_router_port *rp;
        TOPO_ROUTER_FOR_EACH_PORT (rp, own->router) {
            TOPO_NETWORK_FOR_EACH_HOST (remote, rp->network) {
                if (remote->host == ctx->host) {
                    continue;
                }
                int ofport = compile_remote_ofport(ctx, ln->net,
                                                   remote->host);
                if (ofport && !ofport_list_contains(&ln->ingress, ofport)) {
                    ofport_list_add(&ln->ingress, ofport);
                }
            }
        }
    }
}

static void
local_net_destroy(struct local_net *ln)
{
    free(ln->local.ofports);
    free(ln->remote.ofports);
    free(ln->ingress.ofports);
}

/* Pass 2: every flow owned by 'port', a port of a network this host serves
 * ('local': one with a port here). */
static void
compile_port_flows(struct compile_ctx *ctx, const struct topo_port *port,
                   bool local)
{
    if (port_is_local(ctx, port)) {
        int ofport = port_ofport(ctx, port);
        if (ofport) {
            compile_classify(ctx, port, ofport);
            compile_port_sec(ctx, port, ofport);
            compile_l2_local(ctx, port, ofport);
            compile_acl_port(ctx, port, ofport);
        }
        compile_arp_respond(ctx, port, ofport);
    } else {
        /* A port on another host: answer ARP for it here so that its
         * neighbours here need no broadcast (only where it has neighbours),
         * and send frames to it directly to its host. */
        if (local) {
            compile_arp_respond(ctx, port, 0);
        }
        compile_l2_remote(ctx, port);
    }
    compile_l3_neighbor(ctx, port);
    compile_port_nat(ctx, port);
}

/* Table-miss flows: CLASSIFY, L3_ROUTE, L3_NEIGHBOR and FLOOD drop what no
 * one claimed, the others pass packets on to the next table.  Owned by the
 * host. */
static void
compile_defaults(struct compile_ctx *ctx)
{
    static const struct {
        uint8_t table_id;
        int next_table;         /* goto_table target, or -1 to drop. */
    } defaults[] = {
        { WEFT_TABLE_CLASSIFY, -1 },
        { WEFT_TABLE_PORT_SEC, WEFT_TABLE_ARP_RESPOND },
        { WEFT_TABLE_ARP_RESPOND, WEFT_TABLE_L3_ADMIT },
        { WEFT_TABLE_L3_ADMIT, WEFT_TABLE_L2_LOOKUP },
        { WEFT_TABLE_L3_ROUTE, -1 },
        { WEFT_TABLE_L3_NEIGHBOR, -1 },
        { WEFT_TABLE_L2_LOOKUP, WEFT_TABLE_FLOOD },
        { WEFT_TABLE_FLOOD, -1 },
    };
    struct flow_origin origin = host_origin(ctx->host);

    for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
        if (defaults[i].next_table >= 0) {  /* Else no actions: drop. */
            put_goto_table(&ctx->ofpacts, defaults[i].next_table);
        }
        emit(ctx, defaults[i].table_id, WEFT_PRIO_DEFAULT, &origin);
    }
    compile_lb_defaults(ctx, &origin);
    compile_acl_defaults(ctx, &origin);
}

/* A network owner's flows: its ingress from other hosts and its FLOOD. */
static void
compile_network_flows(struct compile_ctx *ctx, const struct topo_net_host *nh)
{
    struct local_net ln;
    local_net_init(ctx, nh, &ln);
    compile_remote_ingress(ctx, &ln);
    compile_flood(ctx, &ln);
    local_net_destroy(&ln);
}

static void
compile_owner__(struct compile_ctx *ctx, const struct weft_owner *owner)
{
    const struct topo_network *net;
    const struct topo_port *port;
    const struct topo_net_host *nh;
    const struct topo_router *router;
    const struct topo_service *svc;
    const struct topo_sg *sg;

    switch (owner->kind) {
    case WEFT_OWNER_HOST:
        if (uuid_equals(&owner->uuid, &ctx->host->uuid)) {
            compile_defaults(ctx);
        }
        break;
    case WEFT_OWNER_EXTERNAL:
        if (uuid_equals(&owner->uuid, &ctx->host->uuid)) {
            compile_external(ctx);
        }
        break;
    case WEFT_OWNER_NETWORK:
        net = topology_find_network(ctx->topo, &owner->uuid);
        nh = net ? topo_network_find_host(net, ctx->host) : NULL;
        if (nh) {
            compile_network_flows(ctx, nh);
        }
        break;
    case WEFT_OWNER_PORT:
        port = topology_find_port(ctx->topo, &owner->uuid);
        if (port && port->network
            && compile_host_serves_network(ctx->host, port->network)) {
            compile_port_flows(ctx, port,
                               topo_network_find_host(port->network,
                                                      ctx->host));
        }
        break;
    case WEFT_OWNER_ROUTER:
        router = topology_find_router(ctx->topo, &owner->uuid);
        if (router && compile_host_serves_router(ctx->host, router)) {
            compile_router(ctx, router);
        }
        break;
    case WEFT_OWNER_SERVICE:
        svc = topology_find_service(ctx->topo, &owner->uuid);
        if (svc) {
            compile_service(ctx, svc);
        }
        break;
    case WEFT_OWNER_SG:
        sg = topology_find_sg(ctx->topo, &owner->uuid);
        if (sg && compile_host_has_sg(ctx->host, sg)) {
            compile_sg(ctx, sg);
        }
        break;
    case WEFT_OWNER_NONE:
    default:
        break;
    }
}

/* 'host' may come from another snapshot of the same topology: the indexes
 * need 'topo''s own object.  NULL if 'topo' lacks the host. */
static const struct topo_host *
own_host(const struct topology *topo, const struct topo_host *host)
{
    return topology_find_host(topo, &host->uuid);
}

static void
compile_ctx_init(struct compile_ctx *ctx, const struct topology *topo,
                 const struct topo_host *host, const struct simap *ofports,
                 struct weft_flows *out)
{
    *ctx = (struct compile_ctx) {
        .topo = topo,
        .host = host,
        .ofports = ofports,
        .out = out,
    };
    match_init_catchall(&ctx->match);
    ofpbuf_use_stub(&ctx->ofpacts, ctx->ofpacts_stub,
                    sizeof ctx->ofpacts_stub);
}

static void
compile_ctx_destroy(struct compile_ctx *ctx)
{
    ofpbuf_uninit(&ctx->ofpacts);
}

void
compile_owner_flows(const struct topology *topo, const struct topo_host *host,
                    const struct simap *ofports,
                    const struct weft_owner *owner, struct weft_flows *out)
{
    const struct topo_host *self = own_host(topo, host);
    if (!self) {
        return;
    }
    struct compile_ctx ctx;
    compile_ctx_init(&ctx, topo, self, ofports, out);
    compile_owner__(&ctx, owner);
    compile_ctx_destroy(&ctx);
}

/* The groups with a member on 'host', each once: O(its ports' groups). */
static void
host_sgs(const struct topo_host *host, struct hmapx *sgs)
{
    const struct topo_port *port;
    TOPO_HOST_FOR_EACH_PORT (port, host) {
        for (size_t i = 0; i < port->n_sgs; i++) {
            hmapx_add(sgs, CONST_CAST(struct topo_sg *, port->sgs[i]));
        }
    }
}

static void
add_sg_owners(const struct topo_host *host, struct weft_owner_list *owners)
{
    struct hmapx sgs = HMAPX_INITIALIZER(&sgs);
    host_sgs(host, &sgs);
    struct hmapx_node *node;
    HMAPX_FOR_EACH (node, &sgs) {
        const struct topo_sg *sg = node->data;
        weft_owner_list_add(owners, WEFT_OWNER_SG, &sg->uuid);
    }
    hmapx_destroy(&sgs);
}

/* The SG owners' flows of the host. */
static void
compile_host_sgs(struct compile_ctx *ctx)
{
    struct hmapx sgs = HMAPX_INITIALIZER(&sgs);
    host_sgs(ctx->host, &sgs);
    struct hmapx_node *node;
    HMAPX_FOR_EACH (node, &sgs) {
        compile_sg(ctx, node->data);
    }
    hmapx_destroy(&sgs);
}

static void
add_network_owners(struct weft_owner_list *owners,
                   const struct topo_network *net)
{
    weft_owner_list_add(owners, WEFT_OWNER_NETWORK, &net->uuid);
    const struct topo_port *port;
    TOPO_NETWORK_FOR_EACH_PORT (port, net) {
        weft_owner_list_add(owners, WEFT_OWNER_PORT, &port->uuid);
    }
}

void
compile_host_owners(const struct topology *topo, const struct topo_host *host,
                    struct weft_owner_list *owners)
{
    owners->n = 0;
    const struct topo_host *self = own_host(topo, host);
    if (!self) {
        return;
    }
    weft_owner_list_add(owners, WEFT_OWNER_HOST, &self->uuid);
    weft_owner_list_add(owners, WEFT_OWNER_EXTERNAL, &self->uuid);

    const struct topo_net_host *nh;
    TOPO_HOST_FOR_EACH_NETWORK (nh, self) {
        add_network_owners(owners, nh->network);
    }
    struct compile_served served;
    compile_served_init(&served, self);
    for (size_t i = 0; i < served.n_nets; i++) {
        add_network_owners(owners, served.nets[i]);
    }
    for (size_t i = 0; i < served.n_routers; i++) {
        weft_owner_list_add(owners, WEFT_OWNER_ROUTER,
                            &served.routers[i]->uuid);
        const struct topo_service *svc;
        TOPO_ROUTER_FOR_EACH_SERVICE (svc, served.routers[i]) {
            weft_owner_list_add(owners, WEFT_OWNER_SERVICE, &svc->uuid);
        }
    }
    compile_served_destroy(&served);
    add_sg_owners(self, owners);
}

void
weft_owner_list_add(struct weft_owner_list *list, enum weft_owner_kind kind,
                    const struct uuid *uuid)
{
    if (list->n >= list->allocated) {
        list->owners = x2nrealloc(list->owners, &list->allocated,
                                  sizeof *list->owners);
    }
    list->owners[list->n++] = (struct weft_owner) { kind, *uuid };
}

void
weft_owner_list_destroy(struct weft_owner_list *list)
{
    free(list->owners);
    *list = (struct weft_owner_list) { NULL, 0, 0 };
}

/* The union of the flows of every owner the host has (see
 * compile_host_owners()), compiled straight into 'out'. */
void
compile_host_flows(const struct topology *topo, const struct topo_host *host,
                   const struct simap *ofports, struct weft_flows *out)
{
    weft_flows_clear(out);
    const struct topo_host *self = own_host(topo, host);
    struct compile_ctx ctx;
    compile_ctx_init(&ctx, topo, self ? self : host, ofports, out);
    if (self) {
        const struct topo_net_host *nh;
        const struct topo_port *port;
        TOPO_HOST_FOR_EACH_NETWORK (nh, self) {
            compile_network_flows(&ctx, nh);
            TOPO_NETWORK_FOR_EACH_PORT (port, nh->network) {
                compile_port_flows(&ctx, port, true);
            }
        }
        struct compile_served served;
        compile_served_init(&served, self);
        for (size_t i = 0; i < served.n_nets; i++) {
            TOPO_NETWORK_FOR_EACH_PORT (port, served.nets[i]) {
                compile_port_flows(&ctx, port, false);
            }
        }
        for (size_t i = 0; i < served.n_routers; i++) {
            compile_router(&ctx, served.routers[i]);
            const struct topo_service *svc;
            TOPO_ROUTER_FOR_EACH_SERVICE (svc, served.routers[i]) {
                compile_service(&ctx, svc);
            }
        }
        compile_served_destroy(&served);
        compile_external(&ctx);
        compile_host_sgs(&ctx);
    }
    compile_defaults(&ctx);
    compile_ctx_destroy(&ctx);
}
