/* compile-arp: the ARP responder, stage 2 of the flow compiler
 * (compile-internal.h has the map).
 *
 * Fills pipeline.h's ARP_RESPOND: a broadcast ARP request for any IP of a
 * port of a local network, local or remote, with or without ofport, is
 * answered by the switch itself; the owner's own requests for its addresses
 * are passed on.  Every flow here is owned by the port whose IP it answers
 * for and carries that port's cookie. */
#include <config.h>

#include "compile-internal.h"
#include "packets.h"

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
}
