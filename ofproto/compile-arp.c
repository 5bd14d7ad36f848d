/* compile-arp: the ARP responder, stage 2 of the flow compiler
 * (compile-internal.h has the map).
 *
 * Fills pipeline.h's ARP_RESPOND: a broadcast ARP request for any IP of a
 * port of a local network, local or remote, with or without ofport, is
 * answered by the switch itself; the owner's own requests for its addresses
 * are passed on.  Every flow here is owned by the port whose IP it answers
 * for and carries that port's cookie. */
#include <config.h>

#include <inttypes.h>

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
        emit(ctx, WEFT_TABLE_ARP_RESPOND, WEFT_PRIO_ARP_REPLY, &origin);

        if (ofport) {
            ds_put_format(&ctx->match, "metadata=0x%"PRIx32
                          ",arp,arp_op=1,arp_tpa="IP_FMT",in_port=%d",
                          net_key, IP_ARGS(ip), ofport);
            ds_put_format(&ctx->actions, "goto_table:%d",
                          WEFT_TABLE_L2_LOOKUP);
            emit(ctx, WEFT_TABLE_ARP_RESPOND, WEFT_PRIO_ARP_OWN, &origin);
        }
    }
}
