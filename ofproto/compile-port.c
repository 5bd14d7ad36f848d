/* compile-port: the flows that admit a local port's frames into its network,
 * stage 1 of the flow compiler (compile-internal.h has the map).
 *
 * Fills pipeline.h's CLASSIFY (in_port + the port's own eth_src -> metadata
 * := network key; any other source MAC dropped) and PORT_SEC (ARP sender
 * and IPv4 source must be the port's; IPv6 source its link-local or own
 * address, neighbour discovery as pipeline.h's "IPv6" says).  Only for a
 * local port that has an ofport; every flow here is owned by the port and
 * carries its cookie, except compile_port_sec_defaults()'s (the HOST's). */
#include <config.h>

#include <netinet/icmp6.h>

#include "compile-internal.h"
#include "packets.h"

/* CLASSIFY: the port's own source MAC enters its network; anything else the
 * port sends is dropped (no actions). */
void
compile_classify(struct compile_ctx *ctx, const struct topo_port *port,
                 int ofport)
{
    struct flow_origin origin = port_origin(port);

    match_set_in_port(&ctx->match, u16_to_ofp(ofport));
    match_set_dl_src(&ctx->match, port->mac);
    put_set_network(&ctx->ofpacts, port->network->key);
    put_goto_table(&ctx->ofpacts, WEFT_TABLE_PORT_SEC);
    emit(ctx, WEFT_TABLE_CLASSIFY, WEFT_PRIO_PORT_ALLOW, &origin);

    match_set_in_port(&ctx->match, u16_to_ofp(ofport));
    emit(ctx, WEFT_TABLE_CLASSIFY, WEFT_PRIO_SPOOF_DROP, &origin);
}

static void
match_icmp6(struct match *match, ofp_port_t in_port, uint8_t type)
{
    match_set_in_port(match, in_port);
    match_set_dl_type(match, htons(ETH_TYPE_IPV6));
    match_set_nw_proto(match, IPPROTO_ICMPV6);
    match_set_icmp_type(match, type);
}

/* A port's NA for target 'target' ('any_target': whatever it names) whose
 * target link-layer address option is 'tll' (zero: absent) goes on to
 * ARP_RESPOND (neighbour discovery is never policy). */
static void
compile_na_allow(struct compile_ctx *ctx, const struct topo_port *port,
                 ofp_port_t in_port, const struct in6_addr *target,
                 const struct eth_addr *tll)
{
    struct flow_origin origin = port_origin(port);

    match_icmp6(&ctx->match, in_port, ND_NEIGHBOR_ADVERT);
    if (target) {
        match_set_icmp_code(&ctx->match, 0);        /* nd_target's prereq. */
        match_set_nd_target(&ctx->match, target);
        match_set_arp_tha(&ctx->match, *tll);       /* nd_tll */
    }
    put_goto_table(&ctx->ofpacts, WEFT_TABLE_ARP_RESPOND);
    emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_ND_ALLOW, &origin);
}

/* PORT_SEC for IPv6 (pipeline.h "IPv6").  A port with any address (IPv4 or
 * IPv6) may send IPv6 only from its link-local address (from its MAC) or
 * one of its own; its NS and RS from those and its DAD probes (NS, MLD
 * report from ::) go straight to ARP_RESPOND, its NA only for those targets
 * with its own MAC or no link-layer address option; the rest of its IPv6
 * drops.  A port without any address is held to nothing but the HOST's RA,
 * Redirect and NA drops, above which its NA of any target is let on. */
static void
compile_port_sec6(struct compile_ctx *ctx, const struct topo_port *port,
                  ofp_port_t in_port)
{
    struct flow_origin origin = port_origin(port);

    if (!port->n_ips && !port->n_ip6s) {
        /* Its other IPv6 takes PORT_SEC's miss, or under policy
         * compile_acl_port()'s row to ACL_OUT. */
        compile_na_allow(ctx, port, in_port, NULL, NULL);
        return;
    }

    for (size_t i = 0; i <= port->n_ip6s; i++) {
        struct in6_addr addr;
        if (i == 0) {
            in6_generate_lla(port->mac, &addr);
        } else {
            addr = port->ip6s[i - 1];
        }

        match_set_in_port(&ctx->match, in_port);
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IPV6));
        match_set_ipv6_src(&ctx->match, &addr);
        compile_put_port_sec_next(&ctx->ofpacts, port);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_ALLOW, &origin);

        static const uint8_t nd_types[] = { ND_ROUTER_SOLICIT,
                                            ND_NEIGHBOR_SOLICIT };
        for (size_t j = 0; j < ARRAY_SIZE(nd_types); j++) {
            match_icmp6(&ctx->match, in_port, nd_types[j]);
            match_set_ipv6_src(&ctx->match, &addr);
            put_goto_table(&ctx->ofpacts, WEFT_TABLE_ARP_RESPOND);
            emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_ND_ALLOW, &origin);
        }

        compile_na_allow(ctx, port, in_port, &addr, &port->mac);
        compile_na_allow(ctx, port, in_port, &addr, &eth_addr_zero);
    }

    /* Duplicate address detection: NS and MLD report from ::. */
    static const uint8_t dad_types[] = { ND_NEIGHBOR_SOLICIT, MLD2_REPORT };
    for (size_t j = 0; j < ARRAY_SIZE(dad_types); j++) {
        match_icmp6(&ctx->match, in_port, dad_types[j]);
        match_set_ipv6_src(&ctx->match, &in6addr_any);
        put_goto_table(&ctx->ofpacts, WEFT_TABLE_ARP_RESPOND);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_ND_ALLOW, &origin);
    }

    match_set_in_port(&ctx->match, in_port);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IPV6));
    emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, &origin);
}

/* PORT_SEC rows of the HOST's: no tenant port sends a Router Advertisement
 * or a Redirect, nor an NA that its port's rows above did not let on. */
void
compile_port_sec_defaults(struct compile_ctx *ctx,
                          const struct flow_origin *origin)
{
    static const uint8_t dropped[] = { ND_ROUTER_ADVERT, ND_REDIRECT };
    for (size_t i = 0; i < ARRAY_SIZE(dropped); i++) {
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IPV6));
        match_set_nw_proto(&ctx->match, IPPROTO_ICMPV6);
        match_set_icmp_type(&ctx->match, dropped[i]);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_ND_DROP, origin);
    }
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IPV6));
    match_set_nw_proto(&ctx->match, IPPROTO_ICMPV6);
    match_set_icmp_type(&ctx->match, ND_NEIGHBOR_ADVERT);
    emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_NA_DROP, origin);
}

/* PORT_SEC: ARP must claim the port's own MAC and (if it has any) one of its
 * IPs; IPv4 must come from one of its IPs.  A port without IPs is only held
 * to its MAC, since weft does not know what addresses it uses. */
void
compile_port_sec(struct compile_ctx *ctx, const struct topo_port *port,
                 int ofport)
{
    struct flow_origin origin = port_origin(port);
    ofp_port_t in_port = u16_to_ofp(ofport);

    if (!port->n_ips) {
        match_set_in_port(&ctx->match, in_port);
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_ARP));
        match_set_arp_sha(&ctx->match, port->mac);
        put_goto_table(&ctx->ofpacts, WEFT_TABLE_ARP_RESPOND);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_ALLOW, &origin);
    }
    for (size_t i = 0; i < port->n_ips; i++) {
        match_set_in_port(&ctx->match, in_port);
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_ARP));
        match_set_nw_src(&ctx->match, port->ips[i]);    /* arp_spa */
        match_set_arp_sha(&ctx->match, port->mac);
        put_goto_table(&ctx->ofpacts, WEFT_TABLE_ARP_RESPOND);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_ALLOW, &origin);

        match_set_in_port(&ctx->match, in_port);
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
        match_set_nw_src(&ctx->match, port->ips[i]);
        compile_put_port_sec_next(&ctx->ofpacts, port);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_ALLOW, &origin);
    }

    compile_port_sec6(ctx, port, in_port);

    /* What the allow flows above did not match (no actions: drop).  A port
     * without IPs may send any IPv4: weft does not know its addresses. */
    match_set_in_port(&ctx->match, in_port);
    match_set_dl_type(&ctx->match, htons(ETH_TYPE_ARP));
    emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, &origin);
    if (port->n_ips) {
        match_set_in_port(&ctx->match, in_port);
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, &origin);
    }
}
