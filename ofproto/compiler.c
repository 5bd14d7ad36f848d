/* compiler: the flow compiler's driver.  See compiler.h for the contract,
 * pipeline.h for what each table does and compile-internal.h for which file
 * holds which stage.
 *
 * compile_host_flows() works in three passes over the topology:
 *
 *   1. Index the networks that have at least one port on this host ("local
 *      networks"), with the OpenFlow port numbers of those ports.  Only local
 *      networks get flows: a host with no port in a network has no packet
 *      that could carry its metadata.
 *
 *      For each local network, also note how each other host with a port in
 *      it is reached: the tunnel of the network's type to that host, or for
 *      a VLAN network this host's uplink (if both hosts have one).
 *
 *   2. For every port of a local network, emit the flows that port owns
 *      (compile_port_flows()).  A local port with an ofport gets its
 *      CLASSIFY, PORT_SEC, ARP_RESPOND-owner and L2_LOOKUP flows; every port,
 *      local or remote, with or without ofport, gets ARP_RESPOND answers for
 *      its IPs; a remote port that is reachable gets an L2_LOOKUP flow to
 *      its tunnel or the uplink.
 *
 *   3. Emit each local network's ingress flows from tunnels and the uplink,
 *      its FLOOD flows and each table's table-miss flow (this file).
 *
 * Each flow carries the cookie of the narrowest object it belongs to (port,
 * else network, else none), so a port's flows can be found and removed on the
 * switch by cookie alone; and it records the same object as its owner
 * (struct weft_owner), the unit an incremental compile would recompute. */
#include <config.h>

#include "compiler.h"

#include <stdlib.h>

#include "compile-internal.h"
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

/* Pass 1: index the local networks, their ports' ofports, and the ofports
 * through which their other hosts are reached. */
static void
collect_local_nets(struct compile_ctx *ctx)
{
    const struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, ctx->topo) {
        if (!port->network || !port_is_local(ctx, port)) {
            continue;
        }

        struct local_net *ln = local_net_find(ctx, port->network);
        if (!ln) {
            ln = xzalloc(sizeof *ln);
            ln->net = port->network;
            hmap_insert(&ctx->local_nets, &ln->node,
                        hash_pointer(port->network, 0));
        }

        int ofport = port_ofport(ctx, port);
        if (ofport) {
            ofport_list_add(&ln->local, ofport);
        }
    }

    TOPOLOGY_FOR_EACH_PORT (port, ctx->topo) {
        struct local_net *ln = port->network && port->host
                               && !port_is_local(ctx, port)
                               ? local_net_find(ctx, port->network) : NULL;
        if (ln) {
            int ofport = compile_remote_ofport(ctx, ln->net, port->host);
            if (ofport && !ofport_list_contains(&ln->remote, ofport)) {
                ofport_list_add(&ln->remote, ofport);
            }
        }
    }
}

/* Pass 2: every flow owned by 'port', a port of a local network. */
static void
compile_port_flows(struct compile_ctx *ctx, const struct topo_port *port)
{
    if (port_is_local(ctx, port)) {
        int ofport = port_ofport(ctx, port);
        if (ofport) {
            compile_classify(ctx, port, ofport);
            compile_port_sec(ctx, port, ofport);
            compile_l2_local(ctx, port, ofport);
        }
        compile_arp_respond(ctx, port, ofport);
    } else {
        /* A port on another host: answer ARP for it here so that its
         * neighbours here need no broadcast, and send frames to it
         * directly to its host. */
        compile_arp_respond(ctx, port, 0);
        compile_l2_remote(ctx, port);
    }
}

/* Table-miss flows: CLASSIFY and FLOOD drop what no one claimed, the others
 * pass packets on to the next table.  Owned by the host. */
static void
compile_defaults(struct compile_ctx *ctx)
{
    static const struct {
        uint8_t table_id;
        int next_table;         /* goto_table target, or -1 to drop. */
    } defaults[] = {
        { WEFT_TABLE_CLASSIFY, -1 },
        { WEFT_TABLE_PORT_SEC, WEFT_TABLE_ARP_RESPOND },
        { WEFT_TABLE_ARP_RESPOND, WEFT_TABLE_L2_LOOKUP },
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
}

void
compile_host_flows(const struct topology *topo, const struct topo_host *host,
                   const struct simap *ofports, struct weft_flows *out)
{
    struct compile_ctx ctx = {
        .topo = topo,
        .host = host,
        .ofports = ofports,
        .out = out,
        .local_nets = HMAP_INITIALIZER(&ctx.local_nets),
    };
    match_init_catchall(&ctx.match);
    ofpbuf_use_stub(&ctx.ofpacts, ctx.ofpacts_stub, sizeof ctx.ofpacts_stub);

    weft_flows_clear(out);
    collect_local_nets(&ctx);

    const struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (port->network && local_net_find(&ctx, port->network)) {
            compile_port_flows(&ctx, port);
        }
    }

    struct local_net *ln;
    HMAP_FOR_EACH_POP (ln, node, &ctx.local_nets) {
        compile_remote_ingress(&ctx, ln);
        compile_flood(&ctx, ln);
        free(ln->local.ofports);
        free(ln->remote.ofports);
        free(ln);
    }
    hmap_destroy(&ctx.local_nets);

    compile_defaults(&ctx);

    ofpbuf_uninit(&ctx.ofpacts);
}
