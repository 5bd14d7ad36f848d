/* compile-port: the flows that admit a local port's frames into its network,
 * stage 1 of the flow compiler (compile-internal.h has the map).
 *
 * Fills pipeline.h's CLASSIFY (in_port + the port's own eth_src -> metadata
 * := network key; any other source MAC dropped) and PORT_SEC (ARP sender
 * and IPv4 source must be the port's).  Only for a local port that has an
 * ofport; every flow here is owned by the port and carries its cookie. */
#include <config.h>

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
