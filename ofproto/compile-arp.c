/* compile-arp: the ARP and NS responder, stage 2 of the flow compiler
 * (compile-internal.h has the map).
 *
 * Fills pipeline.h's ARP_RESPOND: a broadcast ARP request for any IP of a
 * port of a local network, local or remote, with or without ofport, is
 * answered by the switch itself; the owner's own requests for its addresses
 * are passed on.  So is an IPv6 Neighbour Solicitation for the port's
 * link-local or own IPv6 addresses (pipeline.h "IPv6").  Every flow here is
 * owned by the port whose IP it answers for and carries that port's cookie,
 * except compile_nd_defaults()'s (the HOST's). */
#include <config.h>

#include <netinet/icmp6.h>

#include "compile-internal.h"
#include "packets.h"

/* Whether the switch of 'host' can rewrite an NS into an NA: setting
 * nd_reserved and nd_options_type needs the userspace datapath (OVS's
 * nd_ext); the kernel's refuses the flow, and with it the whole bundle. */
static bool
host_answers_ns(const struct topo_host *host)
{
    return host->datapath_type && !strcmp(host->datapath_type, "netdev");
}

/* ARP_RESPOND: an NS (with a source link-layer address, not from ::: the
 * HOST's rows above take those) for 'target', 'port''s address, becomes the
 * NA in place.  OVS refuses set_field nd_tll in a flow that matches an NS
 * (its prerequisite is an NA), so this row rewrites all but the target
 * link-layer address, flags the packet WEFT_FLAG_ND_REPLY and resubmits it
 * to ARP_RESPOND, where compile_nd_defaults()'s row, matching an NA, fills
 * it in from eth_src and sends it back out IN_PORT.  (The datapath sets the
 * option type before the address, so the address lands in the TLL.) */
static void
compile_ns_respond(struct compile_ctx *ctx, const struct topo_port *port,
                   const struct in6_addr *target)
{
    struct flow_origin origin = port_origin(port);
    union mf_value value;

    match_network(&ctx->match, port->network->key);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IPV6));
    match_set_nw_proto(&ctx->match, IPPROTO_ICMPV6);
    match_set_icmp_type(&ctx->match, ND_NEIGHBOR_SOLICIT);
    match_set_icmp_code(&ctx->match, 0);
    match_set_nd_target(&ctx->match, target);

    put_move(&ctx->ofpacts, MFF_ETH_SRC, MFF_ETH_DST);
    value = (union mf_value) { .mac = port->mac };
    put_set_field(&ctx->ofpacts, MFF_ETH_SRC, &value);
    put_move(&ctx->ofpacts, MFF_IPV6_SRC, MFF_IPV6_DST);
    value = (union mf_value) { .ipv6 = *target };
    put_set_field(&ctx->ofpacts, MFF_IPV6_SRC, &value);
    value = (union mf_value) { .u8 = ND_NEIGHBOR_ADVERT };
    put_set_field(&ctx->ofpacts, MFF_ICMPV6_TYPE, &value);
    value = (union mf_value) { .be32 = htonl(ND_RSO_SOLICITED
                                             | ND_RSO_OVERRIDE) };
    put_set_field(&ctx->ofpacts, MFF_ND_RESERVED, &value);
    value = (union mf_value) { .u8 = ND_OPT_TARGET_LINKADDR };
    put_set_field(&ctx->ofpacts, MFF_ND_OPTIONS_TYPE, &value);
    value = (union mf_value) { .u8 = 255 };
    put_set_field(&ctx->ofpacts, MFF_IP_TTL, &value);
    put_set_flags(&ctx->ofpacts, WEFT_FLAG_ND_REPLY, WEFT_FLAG_ND_REPLY);
    struct ofpact_resubmit *rs = ofpact_put_RESUBMIT(&ctx->ofpacts);
    rs->in_port = OFPP_IN_PORT;
    rs->table_id = WEFT_TABLE_ARP_RESPOND;
    emit(ctx, WEFT_TABLE_ARP_RESPOND, WEFT_PRIO_ND_REPLY, &origin);
}

/* ARP_RESPOND rows of the HOST's: a DAD probe (NS from ::) and an NS
 * without a source link-layer address are not answered (they go on as
 * ARP_RESPOND's miss would); the second half of the NS rewrite (see
 * compile_ns_respond()). */
void
compile_nd_defaults(struct compile_ctx *ctx, const struct flow_origin *origin)
{
    for (int i = 0; i < 2; i++) {
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IPV6));
        match_set_nw_proto(&ctx->match, IPPROTO_ICMPV6);
        match_set_icmp_type(&ctx->match, ND_NEIGHBOR_SOLICIT);
        if (i == 0) {
            match_set_ipv6_src(&ctx->match, &in6addr_any);
        } else {
            match_set_icmp_code(&ctx->match, 0);
            match_set_arp_sha(&ctx->match, eth_addr_zero);  /* nd_sll */
        }
        put_goto_table(&ctx->ofpacts, WEFT_TABLE_L3_ADMIT);
        emit(ctx, WEFT_TABLE_ARP_RESPOND, WEFT_PRIO_ND_DAD, origin);
    }

    match_flags(&ctx->match, WEFT_FLAG_ND_REPLY, WEFT_FLAG_ND_REPLY);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IPV6));
    match_set_nw_proto(&ctx->match, IPPROTO_ICMPV6);
    match_set_icmp_type(&ctx->match, ND_NEIGHBOR_ADVERT);
    match_set_icmp_code(&ctx->match, 0);
    put_move(&ctx->ofpacts, MFF_ETH_SRC, MFF_ND_TLL);
    put_output(&ctx->ofpacts, OFPP_IN_PORT);
    emit(ctx, WEFT_TABLE_ARP_RESPOND, WEFT_PRIO_ND_TLL, origin);
}

/* ARP_RESPOND: answer broadcast requests for each of 'port''s IPs from the
 * switch, turning the request into a reply in place and sending it back out
 * the port it came from.  'ofport' is the port's own ofport if it is local
 * and has one, else 0: then the owner's own requests for its addresses
 * (gratuitous ARP) are passed on rather than answered to itself. */
void
compile_arp_respond(struct compile_ctx *ctx, const struct topo_port *port,
                    int ofport)
{
    struct flow_origin origin = port_origin(port);
    uint32_t net_key = port->network->key;

    for (size_t i = 0; i < port->n_ips; i++) {
        ovs_be32 ip = port->ips[i];
        union mf_value value;

        match_network(&ctx->match, net_key);
        match_set_dl_dst(&ctx->match, eth_addr_broadcast);
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_ARP));
        match_set_nw_proto(&ctx->match, ARP_OP_REQUEST);    /* arp_op */
        match_set_nw_dst(&ctx->match, ip);                  /* arp_tpa */

        put_move(&ctx->ofpacts, MFF_ETH_SRC, MFF_ETH_DST);
        value = (union mf_value) { .mac = port->mac };
        put_set_field(&ctx->ofpacts, MFF_ETH_SRC, &value);
        value = (union mf_value) { .be16 = htons(ARP_OP_REPLY) };
        put_set_field(&ctx->ofpacts, MFF_ARP_OP, &value);
        put_move(&ctx->ofpacts, MFF_ARP_SHA, MFF_ARP_THA);
        value = (union mf_value) { .mac = port->mac };
        put_set_field(&ctx->ofpacts, MFF_ARP_SHA, &value);
        put_move(&ctx->ofpacts, MFF_ARP_SPA, MFF_ARP_TPA);
        value = (union mf_value) { .be32 = ip };
        put_set_field(&ctx->ofpacts, MFF_ARP_SPA, &value);
        put_output(&ctx->ofpacts, OFPP_IN_PORT);
        emit(ctx, WEFT_TABLE_ARP_RESPOND, WEFT_PRIO_ARP_REPLY, &origin);

        if (ofport) {
            match_network(&ctx->match, net_key);
            match_set_dl_type(&ctx->match, htons(ETH_TYPE_ARP));
            match_set_nw_proto(&ctx->match, ARP_OP_REQUEST);
            match_set_nw_dst(&ctx->match, ip);
            match_set_in_port(&ctx->match, u16_to_ofp(ofport));
            put_goto_table(&ctx->ofpacts, WEFT_TABLE_L2_LOOKUP);
            emit(ctx, WEFT_TABLE_ARP_RESPOND, WEFT_PRIO_ARP_OWN, &origin);
        }
    }

    if ((port->n_ips || port->n_ip6s) && host_answers_ns(ctx->host)) {
        struct in6_addr lla;
        in6_generate_lla(port->mac, &lla);
        compile_ns_respond(ctx, port, &lla);
        for (size_t i = 0; i < port->n_ip6s; i++) {
            compile_ns_respond(ctx, port, &port->ip6s[i]);
        }
    }
}
