/* compile-nat: the ways in and out, the NAT stages of the flow compiler
 * (compile-internal.h has the map, pipeline.h what each table does and
 * which conntrack zone and ct_mark mean what).
 *
 * Three owners have NAT rows on a host with an external side:
 *
 *   EXTERNAL  the host's own (compile_external()): CLASSIFY from EXT, the
 *             ARP answer for HOST_IP and the gateway's ARP reply to the
 *             controller, HOST_IP's ingress to zone Z, EXT_SNAT_HOST,
 *             EXT_SEND's default, EXT_DELIVER's TTL drops and the
 *             table-miss drops of tables 50..63.  Cookie weft_cookie(0, 0,
 *             0).  Inputs: the host row (external side, gateway MAC) and
 *             EXT's ofport.
 *   ROUTER    a router's (compile_router_nat(), called by compile_router()
 *             on the hosts that serve it, and only where
 *             compile_router_nat_needed()): L3_ROUTE to EXT_OUT, EXT_OUT,
 *             EXT_SNAT's ct_mark rows and its SNAT, the SNAT replies of
 *             EXT_IN_HOST, EXT_IN_ROUTER's replies, EXT_DELIVER per
 *             attached subnet.
 *   PORT      a local port's floating IP (ARP answer, ingress, DNAT, SNAT,
 *             EXT_SEND's source MAC) and its mappings (compile_port_nat()).
 *             Inputs besides the port: the host's external side, gateway
 *             MAC and EXT's ofport (host_flows_note_external() recompiles
 *             these ports with the EXTERNAL owner).
 *
 * Every ct() here is built natively as OVS's parser builds the text that
 * weft_flows_format() shows ("ct(commit,table=53,zone=1,nat(src=F),
 * exec(set_field:0x1->ct_mark))"): tests/unit/test-flow-shapes.c checks each
 * shape against a switch's round trip and OVS's parser. */
#include <config.h>

#include <stdlib.h>

#include "compile-internal.h"
#include "util.h"

/* Flows of 'host''s external side (WEFT_OWNER_EXTERNAL). */
static struct flow_origin
external_origin(const struct topo_host *host)
{
    return (struct flow_origin) {
        .owner = { .kind = WEFT_OWNER_EXTERNAL, .uuid = host->uuid },
        .cookie = weft_cookie(0, 0, 0),
    };
}

/* Building blocks (match_router(), put_ct(): compile-internal.h). */

/* eth_src := 'src', eth_dst := the gateway's MAC, output EXT. */
static void
put_send(struct ofpbuf *ofpacts, const struct topo_host *host, int ext_ofport,
         struct eth_addr src)
{
    union mf_value value = { .mac = src };
    put_set_field(ofpacts, MFF_ETH_SRC, &value);
    value = (union mf_value) { .mac = host->ext.gateway_mac };
    put_set_field(ofpacts, MFF_ETH_DST, &value);
    put_output(ofpacts, u16_to_ofp(ext_ofport));
}

/* EXT_IN: an ARP request for 'ip' is answered with 'mac', back out
 * IN_PORT. */
static void
compile_ext_arp_reply(struct compile_ctx *ctx, ovs_be32 ip,
                      const struct flow_origin *origin)
{
    struct eth_addr mac = weft_ext_mac(ip);
    union mf_value value;

    match_set_dl_type(&ctx->match, htons(ETH_TYPE_ARP));
    match_set_nw_proto(&ctx->match, ARP_OP_REQUEST);            /* arp_op */
    match_set_nw_dst(&ctx->match, ip);                          /* arp_tpa */

    put_move(&ctx->ofpacts, MFF_ETH_SRC, MFF_ETH_DST);
    value = (union mf_value) { .mac = mac };
    put_set_field(&ctx->ofpacts, MFF_ETH_SRC, &value);
    value = (union mf_value) { .be16 = htons(ARP_OP_REPLY) };
    put_set_field(&ctx->ofpacts, MFF_ARP_OP, &value);
    put_move(&ctx->ofpacts, MFF_ARP_SHA, MFF_ARP_THA);
    value = (union mf_value) { .mac = mac };
    put_set_field(&ctx->ofpacts, MFF_ARP_SHA, &value);
    put_move(&ctx->ofpacts, MFF_ARP_SPA, MFF_ARP_TPA);
    value = (union mf_value) { .be32 = ip };
    put_set_field(&ctx->ofpacts, MFF_ARP_SPA, &value);
    put_output(&ctx->ofpacts, OFPP_IN_PORT);
    emit(ctx, WEFT_TABLE_EXT_IN, WEFT_PRIO_EXT, origin);
}

/* The EXTERNAL owner. */

/* Table-miss drops of the NAT tables, and EXT_DELIVER's TTL drops. */
static void
compile_external_drops(struct compile_ctx *ctx,
                       const struct flow_origin *origin)
{
    static const uint8_t tables[] = {
        WEFT_TABLE_EXT_OUT, WEFT_TABLE_EXT_SNAT, WEFT_TABLE_EXT_SNAT_HOST,
        WEFT_TABLE_EXT_SEND, WEFT_TABLE_EXT_IN, WEFT_TABLE_EXT_IN_HOST,
        WEFT_TABLE_EXT_IN_ROUTER, WEFT_TABLE_EXT_DELIVER,
    };
    for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
        emit(ctx, tables[i], WEFT_PRIO_DEFAULT, origin);
    }
    /* dec_ttl would send these to the controller. */
    for (uint8_t ttl = 0; ttl <= 1; ttl++) {
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
        match_set_nw_ttl(&ctx->match, ttl);
        emit(ctx, WEFT_TABLE_EXT_DELIVER, WEFT_PRIO_EXT_TTL_DROP, origin);
    }
}

void
compile_external(struct compile_ctx *ctx)
{
    const struct topo_host *host = ctx->host;
    if (!topo_host_has_external(host)) {
        return;
    }
    const struct topo_external *ext = &host->ext;
    struct flow_origin origin = external_origin(host);
    int ext_ofport = iface_ofport(ctx, ext->iface);
    struct nat_spec snat = { NX_NAT_F_SRC, ext->ip, 0 };
    struct nat_spec existing = { 0, 0, 0 };

    compile_external_drops(ctx, &origin);
    if (ext_ofport) {
        match_set_in_port(&ctx->match, u16_to_ofp(ext_ofport));
        put_goto_table(&ctx->ofpacts, WEFT_TABLE_EXT_IN);
        emit(ctx, WEFT_TABLE_CLASSIFY, WEFT_PRIO_EXT_IN, &origin);
    }

    compile_ext_arp_reply(ctx, ext->ip, &origin);

    /* The gateway's ARP reply: weftd learns its MAC (np, packet-in). */
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_ARP));
    match_set_nw_proto(&ctx->match, ARP_OP_REPLY);
    match_set_nw_src(&ctx->match, ext->gateway);
    match_set_nw_dst(&ctx->match, ext->ip);
    struct ofpact_output *out = ofpact_put_OUTPUT(&ctx->ofpacts);
    out->port = OFPP_CONTROLLER;
    out->max_len = UINT16_MAX;
    emit(ctx, WEFT_TABLE_EXT_IN, WEFT_PRIO_EXT, &origin);

    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    match_set_nw_dst(&ctx->match, ext->ip);
    put_ct(&ctx->ofpacts, false, WEFT_ZONE_EXTERNAL, WEFT_TABLE_EXT_IN_HOST,
           &existing, 0);
    emit(ctx, WEFT_TABLE_EXT_IN, WEFT_PRIO_EXT, &origin);

    /* SNAT stage 2: the transit address to HOST_IP.  A commit of an
     * existing connection applies its binding. */
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    put_ct(&ctx->ofpacts, true, WEFT_ZONE_EXTERNAL, WEFT_TABLE_EXT_SEND,
           &snat, 0);
    emit(ctx, WEFT_TABLE_EXT_SNAT_HOST, WEFT_PRIO_EXT, &origin);

    /* Nothing to send to until the gateway's MAC is known. */
    if (ext_ofport && !eth_addr_is_zero(ext->gateway_mac)) {
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
        put_send(&ctx->ofpacts, host, ext_ofport, weft_ext_mac(ext->ip));
        emit(ctx, WEFT_TABLE_EXT_SEND, WEFT_PRIO_EXT, &origin);
    }
}

/* The ROUTER owner's NAT rows. */

bool
compile_router_nat_needed(const struct topo_host *host,
                          const struct topo_router *router)
{
    if (!topo_host_has_external(host)) {
        return false;
    }
    if (router->snat) {
        return true;
    }
    /* A node port's replies leave through R's NAT rows (compile-lb.c). */
    const struct topo_service *svc;
    TOPO_ROUTER_FOR_EACH_SERVICE (svc, router) {
        if (compile_service_node_port_here(host, svc)) {
            return true;
        }
    }
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
        const struct topo_net_host *nh = topo_network_find_host(rp->network,
                                                                host);
        const struct topo_port *port;
        if (nh) {
            TOPO_NET_HOST_FOR_EACH_PORT (port, nh) {
                if ((port->fip || port->n_mappings) && port->n_ips) {
                    return true;
                }
            }
        }
    }
    return false;
}

/* EXT_SNAT's rows of a connection seen before: ct_mark 1 goes out, 2
 * through zone Z. */
static void
compile_snat_marks(struct compile_ctx *ctx, const struct topo_router *router,
                   const struct flow_origin *origin)
{
    static const struct {
        uint32_t mark;
        uint8_t table;
    } marks[] = {
        { WEFT_CT_MARK_PASS, WEFT_TABLE_EXT_SEND },
        { WEFT_CT_MARK_SNAT, WEFT_TABLE_EXT_SNAT_HOST },
    };
    for (size_t i = 0; i < ARRAY_SIZE(marks); i++) {
        match_router(&ctx->match, router->key);
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
        match_ct_new(&ctx->match, false);
        match_set_ct_mark(&ctx->match, marks[i].mark);
        put_goto_table(&ctx->ofpacts, marks[i].table);
        emit(ctx, WEFT_TABLE_EXT_SNAT, WEFT_PRIO_EXT_PASS, origin);
    }
}

/* EXT_DELIVER: from the outside to an endpoint of 'rp''s subnet, routed as
 * L3_ROUTE routes a connected subnet. */
static void
compile_deliver(struct compile_ctx *ctx, const struct topo_router_port *rp,
                const struct flow_origin *origin)
{
    const struct topo_subnet *subnet = &rp->network->subnet;
    match_router(&ctx->match, rp->router->key);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    match_set_nw_dst_masked(&ctx->match, subnet->prefix,
                            be32_prefix_mask(subnet->plen));
    compile_put_dec_ttl(&ctx->ofpacts);
    put_set_network(&ctx->ofpacts, rp->network->key);
    put_move(&ctx->ofpacts, MFF_IPV4_DST, WEFT_MFF_NEXTHOP_ID);
    union mf_value value = { .mac = rp->mac };
    put_set_field(&ctx->ofpacts, MFF_ETH_SRC, &value);
    struct ofpact_resubmit *rs = ofpact_put_RESUBMIT(&ctx->ofpacts);
    rs->in_port = OFPP_IN_PORT;
    rs->table_id = WEFT_TABLE_L3_NEIGHBOR;
    emit(ctx, WEFT_TABLE_EXT_DELIVER, WEFT_PRIO_EXT_DELIVER + subnet->plen,
         origin);
}

void
compile_router_nat(struct compile_ctx *ctx, const struct topo_router *router)
{
    if (!compile_router_nat_needed(ctx->host, router)) {
        return;
    }
    struct flow_origin origin = router_origin(router);
    struct nat_spec existing = { 0, 0, 0 };
    uint32_t key = router->key;

    match_router(&ctx->match, key);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    put_goto_table(&ctx->ofpacts, WEFT_TABLE_EXT_OUT);
    emit(ctx, WEFT_TABLE_L3_ROUTE, WEFT_PRIO_EXT_ROUTE, &origin);

    match_router(&ctx->match, key);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    put_ct(&ctx->ofpacts, false, key, WEFT_TABLE_EXT_SNAT, &existing, 0);
    emit(ctx, WEFT_TABLE_EXT_OUT, WEFT_PRIO_EXT, &origin);

    compile_snat_marks(ctx, router, &origin);

    if (router->snat) {
        ovs_be32 transit = htonl(weft_transit_ip(key));
        struct nat_spec snat = { NX_NAT_F_SRC, transit, 0 };
        match_router(&ctx->match, key);
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
        match_ct_new(&ctx->match, true);
        put_ct(&ctx->ofpacts, true, key, WEFT_TABLE_EXT_SNAT_HOST, &snat,
               WEFT_CT_MARK_SNAT);
        emit(ctx, WEFT_TABLE_EXT_SNAT, WEFT_PRIO_EXT, &origin);

        /* Its replies, un-NATed by zone Z to the transit address. */
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
        match_ct_new(&ctx->match, false);
        match_set_nw_dst(&ctx->match, transit);
        put_set_router(&ctx->ofpacts, key);
        put_ct(&ctx->ofpacts, false, key, WEFT_TABLE_EXT_IN_ROUTER,
               &existing, 0);
        emit(ctx, WEFT_TABLE_EXT_IN_HOST, WEFT_PRIO_EXT, &origin);
    }

    match_router(&ctx->match, key);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    match_ct_new(&ctx->match, false);
    put_goto_table(&ctx->ofpacts, WEFT_TABLE_EXT_DELIVER);
    emit(ctx, WEFT_TABLE_EXT_IN_ROUTER, WEFT_PRIO_EXT, &origin);

    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
        if (rp->network->subnet.plen) {
            compile_deliver(ctx, rp, &origin);
        }
    }
}

/* The PORT owner's NAT rows. */

/* Floating IP 'fip' of local 'port' (first IP 'ip'), of router 'key'. */
static void
compile_fip(struct compile_ctx *ctx, const struct topo_port *port,
            uint32_t key, const struct flow_origin *origin)
{
    ovs_be32 f = port->fip->ip;
    ovs_be32 e = port->ips[0];

    compile_ext_arp_reply(ctx, f, origin);

    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    match_set_nw_dst(&ctx->match, f);
    put_set_router(&ctx->ofpacts, key);
    put_ct(&ctx->ofpacts, false, key, WEFT_TABLE_EXT_IN_ROUTER,
           &(struct nat_spec) { 0, 0, 0 }, 0);
    emit(ctx, WEFT_TABLE_EXT_IN, WEFT_PRIO_EXT, origin);

    match_router(&ctx->match, key);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    match_ct_new(&ctx->match, true);
    match_set_nw_dst(&ctx->match, f);
    put_ct(&ctx->ofpacts, true, key, WEFT_TABLE_EXT_DELIVER,
           &(struct nat_spec) { NX_NAT_F_DST, e, 0 }, WEFT_CT_MARK_PASS);
    emit(ctx, WEFT_TABLE_EXT_IN_ROUTER, WEFT_PRIO_EXT, origin);

    match_router(&ctx->match, key);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    match_ct_new(&ctx->match, true);
    match_set_nw_src(&ctx->match, e);
    put_ct(&ctx->ofpacts, true, key, WEFT_TABLE_EXT_SEND,
           &(struct nat_spec) { NX_NAT_F_SRC, f, 0 }, WEFT_CT_MARK_PASS);
    emit(ctx, WEFT_TABLE_EXT_SNAT, WEFT_PRIO_EXT_FIP, origin);

    int ext_ofport = iface_ofport(ctx, ctx->host->ext.iface);
    if (ext_ofport && !eth_addr_is_zero(ctx->host->ext.gateway_mac)) {
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
        match_set_nw_src(&ctx->match, f);
        put_send(&ctx->ofpacts, ctx->host, ext_ofport, weft_ext_mac(f));
        emit(ctx, WEFT_TABLE_EXT_SEND, WEFT_PRIO_EXT_PASS, origin);
    }
}

/* A new connection to HOST_IP:'m->host_port' goes to the port's first IP
 * and 'm->port'. */
static void
compile_mapping(struct compile_ctx *ctx, const struct topo_port *port,
                uint32_t key, const struct topo_mapping *m,
                const struct flow_origin *origin)
{
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    match_ct_new(&ctx->match, true);
    match_set_nw_proto(&ctx->match, m->proto);
    match_set_tp_dst(&ctx->match, htons(m->host_port));
    put_set_router(&ctx->ofpacts, key);
    put_ct(&ctx->ofpacts, true, key, WEFT_TABLE_EXT_DELIVER,
           &(struct nat_spec) { NX_NAT_F_DST, port->ips[0], m->port },
           WEFT_CT_MARK_PASS);
    emit(ctx, WEFT_TABLE_EXT_IN_HOST, WEFT_PRIO_EXT, origin);
}

void
compile_port_nat(struct compile_ctx *ctx, const struct topo_port *port)
{
    const struct topo_router_port *rp = port->network->router_port;
    if (!port_is_local(ctx, port) || !topo_host_has_external(ctx->host)
        || !rp || !port->n_ips || (!port->fip && !port->n_mappings)) {
        return;
    }
    struct flow_origin origin = port_origin(port);
    uint32_t key = rp->router->key;
    if (port->fip) {
        compile_fip(ctx, port, key, &origin);
    }
    for (size_t i = 0; i < port->n_mappings; i++) {
        compile_mapping(ctx, port, key, &port->mappings[i], &origin);
    }
}
