/* compile-router: distributed routing, the L3 stages of the flow compiler
 * (compile-internal.h has the map, pipeline.h what each table does).
 *
 * A router's flows (WEFT_OWNER_ROUTER, weft_cookie_router()) on every host
 * that serves it:
 *
 *   ARP_RESPOND  per attached network: the gateway IP answered with the
 *                router's MAC on that network;
 *   L3_ADMIT     per attached network: an ICMP echo request to the gateway
 *                IP answered; IPv4 to the router's MAC with TTL 0 or 1
 *                dropped, other IPv4 marked with the router's key, TTL
 *                decremented and routed, anything else dropped;
 *   L3_ROUTE     per attached subnet and per static route, longest prefix
 *                first: the egress network, the next hop and the router's
 *                source MAC on the egress network;
 *   NAT          on a host with an external side, its NAT rows
 *                (compile-nat.c).
 *
 * and a port's L3_NEIGHBOR entry (WEFT_OWNER_PORT), per IP, on every host
 * that serves its network.  Which hosts serve which networks and routers
 * (compile_host_serves_*()) is pipeline.h's "serves": the router's flows
 * are O(its networks + routes), and the served networks O(those of the
 * routers of the host's own networks). */
#include <config.h>

#include <stdlib.h>

#include "compile-internal.h"
#include "hmapx.h"
#include "packets.h"
#include "util.h"

bool
compile_host_serves_router(const struct topo_host *host,
                           const struct topo_router *router)
{
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
        if (topo_network_find_host(rp->network, host)) {
            return true;
        }
    }
    return false;
}

bool
compile_host_serves_network(const struct topo_host *host,
                            const struct topo_network *net)
{
    return topo_network_find_host(net, host)
           || (net->router_port
               && compile_host_serves_router(host, net->router_port->router));
}

/* ARP_RESPOND: a request for the gateway IP of 'rp''s network is answered
 * with the router's MAC, like a port's (compile-arp.c), but unicast ones
 * too: an endpoint refreshes its gateway's entry with a unicast request to
 * the router's MAC, which no port would answer (and L3_ADMIT drops). */
static void
compile_gateway_arp(struct compile_ctx *ctx, const struct topo_router_port *rp,
                    const struct flow_origin *origin)
{
    const struct topo_network *net = rp->network;
    union mf_value value;

    match_network(&ctx->match, net->key);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_ARP));
    match_set_nw_proto(&ctx->match, ARP_OP_REQUEST);            /* arp_op */
    match_set_nw_dst(&ctx->match, net->subnet.gateway);         /* arp_tpa */

    put_move(&ctx->ofpacts, MFF_ETH_SRC, MFF_ETH_DST);
    value = (union mf_value) { .mac = rp->mac };
    put_set_field(&ctx->ofpacts, MFF_ETH_SRC, &value);
    value = (union mf_value) { .be16 = htons(ARP_OP_REPLY) };
    put_set_field(&ctx->ofpacts, MFF_ARP_OP, &value);
    put_move(&ctx->ofpacts, MFF_ARP_SHA, MFF_ARP_THA);
    value = (union mf_value) { .mac = rp->mac };
    put_set_field(&ctx->ofpacts, MFF_ARP_SHA, &value);
    put_move(&ctx->ofpacts, MFF_ARP_SPA, MFF_ARP_TPA);
    value = (union mf_value) { .be32 = net->subnet.gateway };
    put_set_field(&ctx->ofpacts, MFF_ARP_SPA, &value);
    put_output(&ctx->ofpacts, OFPP_IN_PORT);
    emit(ctx, WEFT_TABLE_ARP_RESPOND, WEFT_PRIO_GW_ARP_REPLY, origin);
}

/* dec_ttl, as OVS's parser builds "dec_ttl" and its decoder an OpenFlow
 * 1.1+ OFPAT_DEC_NW_TTL: one controller id, 0.  (It never reaches a
 * controller: L3_ADMIT drops TTL 0 and 1 first.) */
void
compile_put_dec_ttl(struct ofpbuf *ofpacts)
{
    uint16_t id = 0;
    ofpact_put_DEC_TTL(ofpacts);
    ofpbuf_put(ofpacts, &id, sizeof id);
    struct ofpact_cnt_ids *ids = ofpacts->header;
    ids->n_controllers = 1;
    ofpact_finish_DEC_TTL(ofpacts, &ids);
}

/* L3_ADMIT: an ICMP echo request to the gateway IP itself is answered by
 * the switch, as a router would: addresses swapped, type 0 (echo reply),
 * TTL 64, back out IN_PORT.  Above the TTL drops: a ping to the gateway
 * with TTL 1 reaches it. */
static void
compile_gateway_echo(struct compile_ctx *ctx,
                     const struct topo_router_port *rp,
                     const struct flow_origin *origin)
{
    const struct topo_network *net = rp->network;
    union mf_value value;

    match_network(&ctx->match, net->key);
    match_set_dl_dst(&ctx->match, rp->mac);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    match_set_nw_proto(&ctx->match, IPPROTO_ICMP);
    match_set_nw_dst(&ctx->match, net->subnet.gateway);
    match_set_icmp_type(&ctx->match, ICMP4_ECHO_REQUEST);

    put_move(&ctx->ofpacts, MFF_ETH_SRC, MFF_ETH_DST);
    value = (union mf_value) { .mac = rp->mac };
    put_set_field(&ctx->ofpacts, MFF_ETH_SRC, &value);
    put_move(&ctx->ofpacts, MFF_IPV4_SRC, MFF_IPV4_DST);
    value = (union mf_value) { .be32 = net->subnet.gateway };
    put_set_field(&ctx->ofpacts, MFF_IPV4_SRC, &value);
    value = (union mf_value) { .u8 = 64 };
    put_set_field(&ctx->ofpacts, MFF_IP_TTL, &value);
    value = (union mf_value) { .u8 = ICMP4_ECHO_REPLY };
    put_set_field(&ctx->ofpacts, MFF_ICMPV4_TYPE, &value);
    put_output(&ctx->ofpacts, OFPP_IN_PORT);
    emit(ctx, WEFT_TABLE_L3_ADMIT, WEFT_PRIO_L3_ECHO, origin);
}

/* L3_ADMIT: what is sent to the router's MAC on 'rp''s network.  TTL 0 and
 * 1 are dropped here, before dec_ttl, which would otherwise send them to
 * the controller (weft has no packet-in). */
static void
compile_admit(struct compile_ctx *ctx, const struct topo_router_port *rp,
              const struct flow_origin *origin)
{
    uint32_t net_key = rp->network->key;

    for (uint8_t ttl = 0; ttl <= 1; ttl++) {
        match_network(&ctx->match, net_key);
        match_set_dl_dst(&ctx->match, rp->mac);
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
        match_set_nw_ttl(&ctx->match, ttl);
        emit(ctx, WEFT_TABLE_L3_ADMIT, WEFT_PRIO_L3_TTL_DROP, origin);
    }

    match_network(&ctx->match, net_key);
    match_set_dl_dst(&ctx->match, rp->mac);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    union mf_value value = { .be32 = htonl(rp->router->key) };
    put_set_field(&ctx->ofpacts, WEFT_MFF_ROUTER_ID, &value);
    compile_put_dec_ttl(&ctx->ofpacts);
    put_goto_table(&ctx->ofpacts, WEFT_TABLE_L3_ROUTE);
    emit(ctx, WEFT_TABLE_L3_ADMIT, WEFT_PRIO_L3_ADMIT, origin);

    match_network(&ctx->match, net_key);
    match_set_dl_dst(&ctx->match, rp->mac);
    emit(ctx, WEFT_TABLE_L3_ADMIT, WEFT_PRIO_L3_NON_IP_DROP, origin);
}

/* L3_ROUTE: packets of 'router' to 'prefix'/'plen' leave on 'egress'
 * towards 'nexthop' (0: the destination itself, a connected subnet). */
static void
compile_route(struct compile_ctx *ctx, const struct topo_router *router,
              ovs_be32 prefix, int plen, const struct topo_router_port *egress,
              ovs_be32 nexthop, const struct flow_origin *origin)
{
    union mf_value value = { .be32 = htonl(router->key) };
    mf_set_value(mf_from_id(WEFT_MFF_ROUTER_ID), &value, &ctx->match, NULL);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
    if (plen) {
        match_set_nw_dst_masked(&ctx->match, prefix, be32_prefix_mask(plen));
    }

    put_set_network(&ctx->ofpacts, egress->network->key);
    if (nexthop) {
        value = (union mf_value) { .be32 = nexthop };
        put_set_field(&ctx->ofpacts, WEFT_MFF_NEXTHOP_ID, &value);
    } else {
        put_move(&ctx->ofpacts, MFF_IPV4_DST, WEFT_MFF_NEXTHOP_ID);
    }
    value = (union mf_value) { .mac = egress->mac };
    put_set_field(&ctx->ofpacts, MFF_ETH_SRC, &value);
    put_goto_table(&ctx->ofpacts, WEFT_TABLE_L3_NEIGHBOR);
    emit(ctx, WEFT_TABLE_L3_ROUTE,
         WEFT_PRIO_L3_ROUTE_BASE + 2 * plen + !nexthop, origin);
}

/* The attachment of 'router' whose subnet holds 'ip', or NULL. */
static const struct topo_router_port *
router_port_for(const struct topo_router *router, ovs_be32 ip)
{
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
        if (topo_subnet_contains(&rp->network->subnet, ip)) {
            return rp;
        }
    }
    return NULL;
}

void
compile_router(struct compile_ctx *ctx, const struct topo_router *router)
{
    struct flow_origin origin = router_origin(router);

    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
        const struct topo_subnet *subnet = &rp->network->subnet;
        if (!subnet->plen) {
            continue;           /* topology_set_router_networks() refuses. */
        }
        compile_gateway_arp(ctx, rp, &origin);
        compile_gateway_echo(ctx, rp, &origin);
        compile_admit(ctx, rp, &origin);
        compile_route(ctx, router, subnet->prefix, subnet->plen, rp, 0,
                      &origin);
    }
    for (size_t i = 0; i < router->n_routes; i++) {
        const struct topo_route *route = &router->routes[i];
        const struct topo_router_port *egress = router_port_for(
            router, route->nexthop);
        if (egress) {           /* Else validation would have refused it. */
            compile_route(ctx, router, route->prefix, route->plen, egress,
                          route->nexthop, &origin);
        }
    }
    compile_router_nat(ctx, router);
}

void
compile_l3_neighbor(struct compile_ctx *ctx, const struct topo_port *port)
{
    if (!port->network->router_port) {
        return;
    }
    struct flow_origin origin = port_origin(port);
    for (size_t i = 0; i < port->n_ips; i++) {
        union mf_value value = { .be32 = port->ips[i] };
        match_network(&ctx->match, port->network->key);
        mf_set_value(mf_from_id(WEFT_MFF_NEXTHOP_ID), &value, &ctx->match,
                     NULL);
        value = (union mf_value) { .mac = port->mac };
        put_set_field(&ctx->ofpacts, MFF_ETH_DST, &value);
        put_goto_table(&ctx->ofpacts, WEFT_TABLE_L2_LOOKUP);
        emit(ctx, WEFT_TABLE_L3_NEIGHBOR, WEFT_PRIO_L3_NEIGHBOR, &origin);
    }
}

void
compile_served_init(struct compile_served *served,
                    const struct topo_host *host)
{
    *served = (struct compile_served) { .n_routers = 0 };
    struct hmapx seen = HMAPX_INITIALIZER(&seen);

    const struct topo_net_host *nh;
    TOPO_HOST_FOR_EACH_NETWORK (nh, host) {
        const struct topo_router_port *own = nh->network->router_port;
        if (!own || !hmapx_add(&seen, CONST_CAST(struct topo_router *,
                                                 own->router))) {
            continue;
        }
        const struct topo_router *router = own->router;
        if (served->n_routers >= served->allocated_routers) {
            served->routers = x2nrealloc(served->routers,
                                         &served->allocated_routers,
                                         sizeof *served->routers);
        }
        served->routers[served->n_routers++] = router;

        const struct topo_router_port *rp;
        TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
            if (!topo_network_find_host(rp->network, host)) {
                if (served->n_nets >= served->allocated_nets) {
                    served->nets = x2nrealloc(served->nets,
                                              &served->allocated_nets,
                                              sizeof *served->nets);
                }
                served->nets[served->n_nets++] = rp->network;
            }
        }
    }
    hmapx_destroy(&seen);
}

void
compile_served_destroy(struct compile_served *served)
{
    free(served->routers);
    free(served->nets);
}
