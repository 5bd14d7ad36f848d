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
 *      its FLOOD flows and each table's table-miss flow.
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
#include "hmapx.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "pipeline.h"
#include "simap.h"
#include "sset.h"
#include "svec.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"
#include "validate.h"

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

/* A growable array of OpenFlow port numbers. */
struct ofport_list {
    int *ofports;
    size_t n, allocated;
};

/* A network with at least one port on the host being compiled. */
struct local_net {
    struct hmap_node node;      /* In compile_ctx 'local_nets'. */
    const struct topo_network *net;
    struct ofport_list local;   /* OpenFlow ports of its local ports that have
                                 * one, for FLOOD. */
    struct ofport_list remote;  /* Tunnels (or the uplink) to the other hosts
                                 * with ports in it, each once. */
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
 * has none yet (absent from 'ofports', or ofport -1 stored as such).
 *
 * A port whose interface name belongs to weft's infrastructure (a row that
 * validation would refuse, written before it did or behind its back) has
 * none either: the ofport under that name is the tunnel's, the uplink's or
 * br-int's own LOCAL port, and giving it to the port would hand a tenant
 * the other tenants' tunnel traffic, the VLAN trunk or the host's stack. */
static int
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

static int
iface_ofport(const struct compile_ctx *ctx, const char *iface)
{
    const struct simap_node *node = ctx->ofports && iface
                                    ? simap_find(ctx->ofports, iface) : NULL;
    int ofport = node ? (int) node->data : 0;
    return ofport > 0 ? ofport : 0;
}

static bool
net_is_overlay(const struct topo_network *net)
{
    return net->type != TOPO_NET_VLAN;
}

/* Returns the ofport through which this host reaches ports of 'net' on
 * 'remote': the tunnel of the network's type to 'remote', or for a VLAN
 * network this host's uplink (the remote host must have one too, or its
 * ports are not on the VLAN segment).  Returns 0 if there is none (yet). */
static int
remote_ofport(const struct compile_ctx *ctx, const struct topo_network *net,
              const struct topo_host *remote)
{
    if (net_is_overlay(net)) {
        if (!ctx->host->tunnel_ip || !remote->tunnel_ip) {
            return 0;
        }
        char name[16];
        weft_tunnel_name(net->type, remote, name);
        return iface_ofport(ctx, name);
    }
    return ctx->host->uplink && remote->uplink
           ? iface_ofport(ctx, ctx->host->uplink) : 0;
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
            int ofport = remote_ofport(ctx, ln->net, port->host);
            if (ofport && !ofport_list_contains(&ln->remote, ofport)) {
                ofport_list_add(&ln->remote, ofport);
            }
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

    /* What the allow flows above did not match.  A port without IPs may
     * send any IPv4: weft does not know its addresses. */
    ds_put_format(&ctx->match, "in_port=%d,arp", ofport);
    ds_put_cstr(&ctx->actions, "drop");
    emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, cookie);
    if (port->n_ips) {
        ds_put_format(&ctx->match, "in_port=%d,ip", ofport);
        ds_put_cstr(&ctx->actions, "drop");
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, cookie);
    }
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

/* Appends to 'actions' what sends a frame of 'net' to the remote host (or
 * VLAN segment) behind 'ofport': the tunnel key, or the VLAN tag. */
static void
put_remote_encap(struct ds *actions, const struct topo_network *net)
{
    if (net_is_overlay(net)) {
        ds_put_format(actions, "set_field:0x%"PRIx32"->tun_id,",
                      net->segment_id);
    } else {
        /* OFPVID_PRESENT (0x1000) marks the tag as present. */
        ds_put_format(actions, "push_vlan:0x8100,set_field:%"PRIu32
                      "->vlan_vid,", 0x1000 | net->segment_id);
    }
}

/* L2_LOOKUP: frames to a port on another host go to its tunnel or the
 * uplink, unless they came from remote themselves (split horizon: two hosts
 * that disagree about where a MAC lives must not bounce a frame forever). */
static void
compile_l2_remote(struct compile_ctx *ctx, const struct topo_port *port)
{
    int ofport = remote_ofport(ctx, port->network, port->host);
    if (!ofport) {
        return;
    }
    ds_put_format(&ctx->match, "metadata=0x%"PRIx32",%s=0/0x%x,dl_dst="
                  ETH_ADDR_FMT, port->network->key, WEFT_MFF_FLAGS,
                  WEFT_FLAG_FROM_REMOTE, ETH_ADDR_ARGS(port->mac));
    put_remote_encap(&ctx->actions, port->network);
    ds_put_format(&ctx->actions, "output:%d", ofport);
    emit(ctx, WEFT_TABLE_L2_LOOKUP, WEFT_PRIO_L2_REMOTE, port_cookie(port));
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

static int
int_cmp(const void *a_, const void *b_)
{
    int a = *(const int *) a_;
    int b = *(const int *) b_;
    return a < b ? -1 : a > b;
}

static void
ofport_list_sort(struct ofport_list *list)
{
    if (list->n) {              /* qsort(NULL, 0, ...) is undefined. */
        qsort(list->ofports, list->n, sizeof *list->ofports, int_cmp);
    }
}

static void
put_outputs(struct ds *actions, const struct ofport_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        ds_put_format(actions, "%soutput:%d", actions->length ? "," : "",
                      list->ofports[i]);
    }
}

/* Pass 3: CLASSIFY ingress from the tunnels and the uplink of 'ln'.  Only
 * keys of networks present here, and only from hosts that have ports in
 * them, are accepted; everything else hits CLASSIFY's table-miss drop. */
static void
compile_remote_ingress(struct compile_ctx *ctx, const struct local_net *ln)
{
    const struct topo_network *net = ln->net;
    uint64_t cookie = network_cookie(net);

    for (size_t i = 0; i < ln->remote.n; i++) {
        if (net_is_overlay(net)) {
            ds_put_format(&ctx->match, "in_port=%d,tun_id=0x%"PRIx32,
                          ln->remote.ofports[i], net->segment_id);
        } else {
            ds_put_format(&ctx->match, "in_port=%d,dl_vlan=%"PRIu32,
                          ln->remote.ofports[i], net->segment_id);
            ds_put_cstr(&ctx->actions, "pop_vlan,");
        }
        ds_put_format(&ctx->actions, "set_field:0x%"PRIx32"->"
                      WEFT_MFF_NETWORK",set_field:0x%x/0x%x->%s,"
                      "goto_table:%d", net->key, WEFT_FLAG_FROM_REMOTE,
                      WEFT_FLAG_FROM_REMOTE, WEFT_MFF_FLAGS,
                      WEFT_TABLE_L2_LOOKUP);
        emit(ctx, WEFT_TABLE_CLASSIFY, WEFT_PRIO_REMOTE_IN, cookie);
    }
}

/* Pass 3: FLOOD to every local port of 'ln' that has an ofport and, head-end
 * replicated, to every other host with a port in it; a frame that came from
 * remote goes to local ports only.  Ports are in ascending ofport order so
 * that the text is stable. */
static void
compile_flood(struct compile_ctx *ctx, struct local_net *ln)
{
    const struct topo_network *net = ln->net;
    uint64_t cookie = network_cookie(net);

    ofport_list_sort(&ln->local);
    ofport_list_sort(&ln->remote);

    if (ln->remote.n) {
        ds_put_format(&ctx->match, "metadata=0x%"PRIx32",%s=0x%x/0x%x",
                      net->key, WEFT_MFF_FLAGS, WEFT_FLAG_FROM_REMOTE,
                      WEFT_FLAG_FROM_REMOTE);
        put_outputs(&ctx->actions, &ln->local);
        if (!ctx->actions.length) {
            ds_put_cstr(&ctx->actions, "drop");
        }
        emit(ctx, WEFT_TABLE_FLOOD, WEFT_PRIO_FLOOD_REMOTE, cookie);
    }

    if (!ln->local.n && !ln->remote.n) {
        return;
    }
    ds_put_format(&ctx->match, "metadata=0x%"PRIx32, net->key);
    put_outputs(&ctx->actions, &ln->local);
    if (ln->remote.n) {
        if (ctx->actions.length) {
            ds_put_char(&ctx->actions, ',');
        }
        put_remote_encap(&ctx->actions, net);
        ds_chomp(&ctx->actions, ',');
        put_outputs(&ctx->actions, &ln->remote);
    }
    emit(ctx, WEFT_TABLE_FLOOD, WEFT_PRIO_FLOOD, cookie);
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
        compile_remote_ingress(&ctx, ln);
        compile_flood(&ctx, ln);
        free(ln->local.ofports);
        free(ln->remote.ofports);
        free(ln);
    }
    hmap_destroy(&ctx.local_nets);

    compile_defaults(&ctx);

    ds_destroy(&ctx.match);
    ds_destroy(&ctx.actions);
}

/* Tunnels. */

void
weft_tunnel_name(enum topo_net_type type, const struct topo_host *remote,
                 char name[16])
{
    const char *prefix = (type == TOPO_NET_VXLAN ? TOPO_TUNNEL_PREFIX_VXLAN
                          : type == TOPO_NET_GRE ? TOPO_TUNNEL_PREFIX_GRE
                          : TOPO_TUNNEL_PREFIX_GENEVE);
    if (strlen(prefix) + strlen(remote->name) <= 15) {
        snprintf(name, 16, "%s%s", prefix, remote->name);
    } else {
        snprintf(name, 16, "%s%08"PRIx32, prefix,
                 hash_string(remote->name, 0));
    }
}

const char *
weft_tunnel_iface_type(enum topo_net_type type)
{
    switch (type) {
    case TOPO_NET_VXLAN:
        return "vxlan";
    case TOPO_NET_GRE:
        return "gre";
    case TOPO_NET_GENEVE:
        return "geneve";
    case TOPO_NET_VLAN:
    default:
        OVS_NOT_REACHED();
    }
}

static int
tunnel_cmp(const void *a_, const void *b_)
{
    const struct weft_tunnel *a = a_;
    const struct weft_tunnel *b = b_;
    return strcmp(a->name, b->name);
}

size_t
compile_host_tunnels(const struct topology *topo, const struct topo_host *host,
                     struct weft_tunnel **tunnelsp)
{
    struct weft_tunnel *tunnels = NULL;
    size_t n = 0, allocated = 0;

    *tunnelsp = NULL;
    if (!host->tunnel_ip) {
        return 0;
    }

    /* The overlay networks with a port on 'host'. */
    struct hmapx local = HMAPX_INITIALIZER(&local);
    const struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (port->network && net_is_overlay(port->network) && port->host
            && uuid_equals(&port->host->uuid, &host->uuid)) {
            hmapx_add(&local, CONST_CAST(struct topo_network *,
                                         port->network));
        }
    }

    /* Every other host with a tunnel IP and a port in one of them. */
    struct sset names = SSET_INITIALIZER(&names);
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        const struct topo_host *remote = port->host;
        if (!remote || !remote->tunnel_ip
            || uuid_equals(&remote->uuid, &host->uuid)
            || !port->network
            || !hmapx_contains(&local, CONST_CAST(struct topo_network *,
                                                  port->network))) {
            continue;
        }
        char name[16];
        weft_tunnel_name(port->network->type, remote, name);
        if (sset_add(&names, name)) {
            if (n >= allocated) {
                tunnels = x2nrealloc(tunnels, &allocated, sizeof *tunnels);
            }
            struct weft_tunnel *t = &tunnels[n++];
            memcpy(t->name, name, sizeof t->name);
            t->type = port->network->type;
            t->remote = remote;
        }
    }
    sset_destroy(&names);
    hmapx_destroy(&local);

    if (n) {
        qsort(tunnels, n, sizeof *tunnels, tunnel_cmp);
    }
    *tunnelsp = tunnels;
    return n;
}

/* Compile inputs. */

static void
put_host_inputs(struct svec *lines, const char *what,
                const struct topo_host *h)
{
    svec_add_nocopy(lines, xasprintf("%s "UUID_FMT" %s tip=%s uplink=%s",
                                     what, UUID_ARGS(&h->uuid), h->name,
                                     h->tunnel_ip ? h->tunnel_ip : "-",
                                     h->uplink ? h->uplink : "-"));
}

void
compile_host_inputs(const struct topology *topo, const struct topo_host *host,
                    struct ds *out)
{
    struct svec lines = SVEC_EMPTY_INITIALIZER;
    put_host_inputs(&lines, "self", host);

    struct hmapx local = HMAPX_INITIALIZER(&local);
    const struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (port->network && port->host
            && uuid_equals(&port->host->uuid, &host->uuid)) {
            hmapx_add(&local, CONST_CAST(struct topo_network *,
                                         port->network));
        }
    }

    struct hmapx_node *node;
    HMAPX_FOR_EACH (node, &local) {
        const struct topo_network *net = node->data;
        svec_add_nocopy(&lines, xasprintf(
                            "net "UUID_FMT" %s %"PRIu32" key=%"PRIu32
                            " tenant=%"PRIu32, UUID_ARGS(&net->uuid),
                            topo_net_type_to_string(net->type),
                            net->segment_id, net->key, tenant_key(net)));
    }

    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (!port->network || !port->host
            || !hmapx_contains(&local, CONST_CAST(struct topo_network *,
                                                  port->network))) {
            continue;
        }
        struct ds s = DS_EMPTY_INITIALIZER;
        ds_put_format(&s, "port "UUID_FMT" net="UUID_FMT" host="UUID_FMT
                      " iface=%s mac="ETH_ADDR_FMT" key=%"PRIu32" ips=",
                      UUID_ARGS(&port->uuid), UUID_ARGS(&port->network->uuid),
                      UUID_ARGS(&port->host->uuid), port->iface,
                      ETH_ADDR_ARGS(port->mac), port->key);
        for (size_t i = 0; i < port->n_ips; i++) {
            ds_put_format(&s, IP_FMT",", IP_ARGS(port->ips[i]));
        }
        svec_add_nocopy(&lines, ds_steal_cstr(&s));
        put_host_inputs(&lines, "peer", port->host);
    }
    hmapx_destroy(&local);

    /* Topology maps iterate in no particular order: sort, and drop the
     * repeated peer lines. */
    svec_sort_unique(&lines);
    for (size_t i = 0; i < lines.n; i++) {
        ds_put_format(out, "%s\n", lines.names[i]);
    }
    svec_destroy(&lines);
}

void
compile_changed_hosts(const struct topology *old, const struct topology *new,
                      struct sset *hosts)
{
    const struct topo_host *h;
    TOPOLOGY_FOR_EACH_HOST (h, new) {
        const struct topo_host *was = topology_find_host(old, &h->uuid);
        if (!was) {
            sset_add(hosts, h->name);
            continue;
        }
        struct ds before = DS_EMPTY_INITIALIZER;
        struct ds after = DS_EMPTY_INITIALIZER;
        compile_host_inputs(old, was, &before);
        compile_host_inputs(new, h, &after);
        if (strcmp(ds_cstr(&before), ds_cstr(&after))) {
            sset_add(hosts, h->name);
        }
        ds_destroy(&before);
        ds_destroy(&after);
    }
}
