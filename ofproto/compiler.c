/* compiler: the flow compiler.  See compiler.h for the contract and
 * pipeline.h for what each table does.
 *
 * compile_host_flows() works in three passes over the topology:
 *
 *   1. Index the networks that have at least one port on this host ("local
 *      networks"), with the OpenFlow port numbers of those ports.  Only local
 *      networks get flows: a host with no port in a network has no packet
 *      that could carry its metadata.
 *
 *   2. For every port of a local network, emit the flows that port owns
 *      (compile_port_flows()).  A local port with an ofport gets its
 *      CLASSIFY, PORT_SEC, ARP_RESPOND-owner and L2_LOOKUP flows; every port,
 *      local or remote, with or without ofport, gets ARP_RESPOND answers for
 *      its IPs.  Remote ports will also get L2_LOOKUP flows to their tunnel
 *      once the overlay exists: that is one more case in compile_port_flows().
 *
 *   3. Emit each local network's FLOOD flow and each table's table-miss flow.
 *
 * Each flow carries the cookie of the narrowest object it belongs to (port,
 * else network, else none), so a port's flows can be found and removed on the
 * switch by cookie alone. */
#include <config.h>

#include "compiler.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "pipeline.h"
#include "simap.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"

const char *
weft_table_name(int table_id)
{
    switch (table_id) {
    case WEFT_TABLE_CLASSIFY:
        return "classify";
    case WEFT_TABLE_PORT_SEC:
        return "port_sec";
    case WEFT_TABLE_ARP_RESPOND:
        return "arp_respond";
    case WEFT_TABLE_L2_LOOKUP:
        return "l2_lookup";
    case WEFT_TABLE_FLOOD:
        return "flood";
    default:
        return NULL;
    }
}

/* Flow sets. */

static uint32_t
weft_flow_hash(uint8_t table_id, uint16_t priority, const char *match)
{
    return hash_string(match, hash_int(((uint32_t) table_id << 16) | priority,
                                       0));
}

static struct weft_flow *
weft_flows_find(const struct weft_flows *flows, uint8_t table_id,
                uint16_t priority, const char *match, uint32_t hash)
{
    struct weft_flow *flow;
    HMAP_FOR_EACH_WITH_HASH (flow, node, hash, &flows->flows) {
        if (flow->table_id == table_id && flow->priority == priority
            && !strcmp(flow->match, match)) {
            return flow;
        }
    }
    return NULL;
}

void
weft_flows_init(struct weft_flows *flows)
{
    hmap_init(&flows->flows);
}

/* Frees every flow in 'flows' and the set itself.  'flows' may be NULL. */
void
weft_flows_destroy(struct weft_flows *flows)
{
    if (flows) {
        weft_flows_clear(flows);
        hmap_destroy(&flows->flows);
    }
}

/* Frees every flow in 'flows', leaving it empty and ready for reuse. */
void
weft_flows_clear(struct weft_flows *flows)
{
    struct weft_flow *flow;
    HMAP_FOR_EACH_POP (flow, node, &flows->flows) {
        free(flow->match);
        free(flow->actions);
        free(flow);
    }
}

size_t
weft_flows_count(const struct weft_flows *flows)
{
    return hmap_count(&flows->flows);
}

bool
weft_flows_add(struct weft_flows *flows, uint8_t table_id, uint16_t priority,
               uint64_t cookie, const char *match, const char *actions)
{
    uint32_t hash = weft_flow_hash(table_id, priority, match);
    if (weft_flows_find(flows, table_id, priority, match, hash)) {
        return false;
    }

    struct weft_flow *flow = xmalloc(sizeof *flow);
    flow->table_id = table_id;
    flow->priority = priority;
    flow->cookie = cookie;
    flow->match = xstrdup(match);
    flow->actions = xstrdup(actions);
    hmap_insert(&flows->flows, &flow->node, hash);
    return true;
}

static int
weft_flow_cmp(const void *a_, const void *b_)
{
    const struct weft_flow *const *a = a_;
    const struct weft_flow *const *b = b_;

    if ((*a)->table_id != (*b)->table_id) {
        return (*a)->table_id < (*b)->table_id ? -1 : 1;
    }
    if ((*a)->priority != (*b)->priority) {
        return (*a)->priority > (*b)->priority ? -1 : 1;
    }
    return strcmp((*a)->match, (*b)->match);
}

void
weft_flows_format(const struct weft_flows *flows, struct ds *out)
{
    size_t n = weft_flows_count(flows);
    if (!n) {
        return;
    }

    /* hmap order depends on hashes; sort so that the text is stable. */
    const struct weft_flow **sorted = xmalloc(n * sizeof *sorted);
    size_t i = 0;
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &flows->flows) {
        sorted[i++] = flow;
    }
    qsort(sorted, n, sizeof *sorted, weft_flow_cmp);

    for (i = 0; i < n; i++) {
        flow = sorted[i];
        ds_put_format(out, "table=%"PRIu8", priority=%"PRIu16", "
                      "cookie=0x%016"PRIx64", %s%sactions=%s\n",
                      flow->table_id, flow->priority, flow->cookie,
                      flow->match, flow->match[0] ? " " : "", flow->actions);
    }
    free(sorted);
}

/* The compiler. */

/* A network with at least one port on the host being compiled. */
struct local_net {
    struct hmap_node node;      /* In compile_ctx 'local_nets'. */
    const struct topo_network *net;
    int *ofports;               /* OpenFlow ports of its local ports that have
                                 * one, 'n_ofports' of them, for FLOOD. */
    size_t n_ofports;
    size_t allocated_ofports;
};

/* Inputs and output of one compile_host_flows() call. */
struct compile_ctx {
    const struct topology *topo;
    const struct topo_host *host;
    const struct simap *ofports;    /* Interface name -> ofport, or NULL. */
    struct weft_flows *out;
    struct hmap local_nets;         /* Contains "struct local_net"s. */
    struct ds match;                /* Scratch buffers, reused per flow. */
    struct ds actions;
};

static bool
port_is_local(const struct compile_ctx *ctx, const struct topo_port *port)
{
    /* By UUID rather than pointer so that a host object from another snapshot
     * of the same topology also works. */
    return port->host && uuid_equals(&port->host->uuid, &ctx->host->uuid);
}

/* Returns the OpenFlow port number of local 'port', or 0 if its interface
 * has none yet (absent from 'ofports', or ofport -1 stored as such). */
static int
port_ofport(const struct compile_ctx *ctx, const struct topo_port *port)
{
    if (!ctx->ofports || !port->iface) {
        return 0;
    }
    const struct simap_node *node = simap_find(ctx->ofports, port->iface);
    int ofport = node ? (int) node->data : 0;
    return ofport > 0 ? ofport : 0;
}

static struct local_net *
local_net_find(const struct compile_ctx *ctx, const struct topo_network *net)
{
    struct local_net *ln;
    HMAP_FOR_EACH_WITH_HASH (ln, node, hash_pointer(net, 0),
                             &ctx->local_nets) {
        if (ln->net == net) {
            return ln;
        }
    }
    return NULL;
}

static uint32_t
tenant_key(const struct topo_network *net)
{
    return net->tenant ? net->tenant->key : 0;
}

static uint64_t
port_cookie(const struct topo_port *port)
{
    return weft_cookie(tenant_key(port->network), port->network->key,
                       port->key);
}

static uint64_t
network_cookie(const struct topo_network *net)
{
    return weft_cookie(tenant_key(net), net->key, 0);
}

/* Adds the flow in ctx's 'match' and 'actions' buffers, then clears them.
 *
 * A duplicate here means the topology broke an invariant that validation
 * enforces (e.g. two ports of one network with the same IP); the first flow
 * wins, and the unit tests check that valid topologies never get here. */
static void
emit(struct compile_ctx *ctx, uint8_t table_id, uint16_t priority,
     uint64_t cookie)
{
    weft_flows_add(ctx->out, table_id, priority, cookie,
                   ds_cstr(&ctx->match), ds_cstr(&ctx->actions));
    ds_clear(&ctx->match);
    ds_clear(&ctx->actions);
}

/* Pass 1: index the local networks and their ports' ofports. */
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
            if (ln->n_ofports >= ln->allocated_ofports) {
                ln->ofports = x2nrealloc(ln->ofports, &ln->allocated_ofports,
                                         sizeof *ln->ofports);
            }
            ln->ofports[ln->n_ofports++] = ofport;
        }
    }
}

/* CLASSIFY: the port's own source MAC enters its network; anything else the
 * port sends is dropped. */
static void
compile_classify(struct compile_ctx *ctx, const struct topo_port *port,
                 int ofport)
{
    uint64_t cookie = port_cookie(port);

    ds_put_format(&ctx->match, "in_port=%d,dl_src="ETH_ADDR_FMT,
                  ofport, ETH_ADDR_ARGS(port->mac));
    ds_put_format(&ctx->actions, "set_field:0x%"PRIx32"->"WEFT_MFF_NETWORK
                  ",goto_table:%d", port->network->key, WEFT_TABLE_PORT_SEC);
    emit(ctx, WEFT_TABLE_CLASSIFY, WEFT_PRIO_PORT_ALLOW, cookie);

    ds_put_format(&ctx->match, "in_port=%d", ofport);
    ds_put_cstr(&ctx->actions, "drop");
    emit(ctx, WEFT_TABLE_CLASSIFY, WEFT_PRIO_SPOOF_DROP, cookie);
}

/* PORT_SEC: ARP must claim the port's own MAC and (if it has any) one of its
 * IPs; IPv4 must come from one of its IPs.  A port without IPs is only held
 * to its MAC, since weft does not know what addresses it uses. */
static void
compile_port_sec(struct compile_ctx *ctx, const struct topo_port *port,
                 int ofport)
{
    uint64_t cookie = port_cookie(port);

    if (!port->n_ips) {
        ds_put_format(&ctx->match, "in_port=%d,arp,arp_sha="ETH_ADDR_FMT,
                      ofport, ETH_ADDR_ARGS(port->mac));
        ds_put_format(&ctx->actions, "goto_table:%d",
                      WEFT_TABLE_ARP_RESPOND);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_ALLOW, cookie);

        ds_put_format(&ctx->match, "in_port=%d,arp", ofport);
        ds_put_cstr(&ctx->actions, "drop");
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, cookie);
        return;
    }

    for (size_t i = 0; i < port->n_ips; i++) {
        ds_put_format(&ctx->match, "in_port=%d,arp,arp_spa="IP_FMT
                      ",arp_sha="ETH_ADDR_FMT, ofport,
                      IP_ARGS(port->ips[i]), ETH_ADDR_ARGS(port->mac));
        ds_put_format(&ctx->actions, "goto_table:%d",
                      WEFT_TABLE_ARP_RESPOND);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_ALLOW, cookie);

        ds_put_format(&ctx->match, "in_port=%d,ip,nw_src="IP_FMT,
                      ofport, IP_ARGS(port->ips[i]));
        ds_put_format(&ctx->actions, "goto_table:%d",
                      WEFT_TABLE_ARP_RESPOND);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_ALLOW, cookie);
    }

    ds_put_format(&ctx->match, "in_port=%d,arp", ofport);
    ds_put_cstr(&ctx->actions, "drop");
    emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, cookie);

    ds_put_format(&ctx->match, "in_port=%d,ip", ofport);
    ds_put_cstr(&ctx->actions, "drop");
    emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, cookie);
}

/* ARP_RESPOND: answer broadcast requests for each of 'port''s IPs from the
 * switch, turning the request into a reply in place and sending it back out
 * the port it came from.  'ofport' is the port's own ofport if it is local
 * and has one, else 0: then the owner's own requests for its addresses
 * (gratuitous ARP) are passed on rather than answered to itself. */
static void
compile_arp_respond(struct compile_ctx *ctx, const struct topo_port *port,
                    int ofport)
{
    uint64_t cookie = port_cookie(port);
    uint32_t net_key = port->network->key;

    for (size_t i = 0; i < port->n_ips; i++) {
        ovs_be32 ip = port->ips[i];

        ds_put_format(&ctx->match, "metadata=0x%"PRIx32
                      ",dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1,arp_tpa="IP_FMT,
                      net_key, IP_ARGS(ip));
        ds_put_format(&ctx->actions,
                      "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
                      "set_field:"ETH_ADDR_FMT"->eth_src,"
                      "set_field:2->arp_op,"
                      "move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],"
                      "set_field:"ETH_ADDR_FMT"->arp_sha,"
                      "move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],"
                      "set_field:"IP_FMT"->arp_spa,"
                      "IN_PORT",
                      ETH_ADDR_ARGS(port->mac), ETH_ADDR_ARGS(port->mac),
                      IP_ARGS(ip));
        emit(ctx, WEFT_TABLE_ARP_RESPOND, WEFT_PRIO_ARP_REPLY, cookie);

        if (ofport) {
            ds_put_format(&ctx->match, "metadata=0x%"PRIx32
                          ",arp,arp_op=1,arp_tpa="IP_FMT",in_port=%d",
                          net_key, IP_ARGS(ip), ofport);
            ds_put_format(&ctx->actions, "goto_table:%d",
                          WEFT_TABLE_L2_LOOKUP);
            emit(ctx, WEFT_TABLE_ARP_RESPOND, WEFT_PRIO_ARP_OWN, cookie);
        }
    }
}

/* L2_LOOKUP: frames to a local port's MAC go straight out that port. */
static void
compile_l2_local(struct compile_ctx *ctx, const struct topo_port *port,
                 int ofport)
{
    ds_put_format(&ctx->match, "metadata=0x%"PRIx32",dl_dst="ETH_ADDR_FMT,
                  port->network->key, ETH_ADDR_ARGS(port->mac));
    ds_put_format(&ctx->actions, "output:%d", ofport);
    emit(ctx, WEFT_TABLE_L2_LOOKUP, WEFT_PRIO_L2_KNOWN, port_cookie(port));
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
         * neighbours here need no broadcast.  Reaching it (L2_LOOKUP to a
         * tunnel or uplink) belongs here once the overlay exists. */
        compile_arp_respond(ctx, port, 0);
    }
}

static int
int_cmp(const void *a_, const void *b_)
{
    int a = *(const int *) a_;
    int b = *(const int *) b_;
    return a < b ? -1 : a > b;
}

/* Pass 3: FLOOD to every local port of 'ln' that has an ofport, in ascending
 * ofport order so that the text is stable. */
static void
compile_flood(struct compile_ctx *ctx, struct local_net *ln)
{
    if (!ln->n_ofports) {
        return;
    }

    qsort(ln->ofports, ln->n_ofports, sizeof *ln->ofports, int_cmp);
    ds_put_format(&ctx->match, "metadata=0x%"PRIx32, ln->net->key);
    for (size_t i = 0; i < ln->n_ofports; i++) {
        ds_put_format(&ctx->actions, "%soutput:%d", i ? "," : "",
                      ln->ofports[i]);
    }
    emit(ctx, WEFT_TABLE_FLOOD, WEFT_PRIO_FLOOD, network_cookie(ln->net));
}

/* Table-miss flows: CLASSIFY and FLOOD drop what no one claimed, the others
 * pass packets on to the next table. */
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

    for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
        if (defaults[i].next_table < 0) {
            ds_put_cstr(&ctx->actions, "drop");
        } else {
            ds_put_format(&ctx->actions, "goto_table:%d",
                          defaults[i].next_table);
        }
        emit(ctx, defaults[i].table_id, WEFT_PRIO_DEFAULT,
             weft_cookie(0, 0, 0));
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
        .match = DS_EMPTY_INITIALIZER,
        .actions = DS_EMPTY_INITIALIZER,
    };

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
        compile_flood(&ctx, ln);
        free(ln->ofports);
        free(ln);
    }
    hmap_destroy(&ctx.local_nets);

    compile_defaults(&ctx);

    ds_destroy(&ctx.match);
    ds_destroy(&ctx.actions);
}
