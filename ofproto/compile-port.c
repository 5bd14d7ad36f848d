/* compile-port: the flows that admit a local port's frames into its network,
 * stage 1 of the flow compiler (compile-internal.h has the map).
 *
 * Fills pipeline.h's CLASSIFY (in_port + the port's own eth_src -> metadata
 * := network key; any other source MAC dropped) and PORT_SEC (ARP sender
 * and IPv4 source must be the port's).  Only for a local port that has an
 * ofport; every flow here is owned by the port and carries its cookie. */
#include <config.h>

#include <inttypes.h>

#include "compile-internal.h"
#include "packets.h"

/* CLASSIFY: the port's own source MAC enters its network; anything else the
 * port sends is dropped. */
void
compile_classify(struct compile_ctx *ctx, const struct topo_port *port,
                 int ofport)
{
    struct flow_origin origin = port_origin(port);

    ds_put_format(&ctx->match, "in_port=%d,dl_src="ETH_ADDR_FMT,
                  ofport, ETH_ADDR_ARGS(port->mac));
    ds_put_format(&ctx->actions, "set_field:0x%"PRIx32"->"WEFT_MFF_NETWORK
                  ",goto_table:%d", port->network->key, WEFT_TABLE_PORT_SEC);
    emit(ctx, WEFT_TABLE_CLASSIFY, WEFT_PRIO_PORT_ALLOW, &origin);

    ds_put_format(&ctx->match, "in_port=%d", ofport);
    ds_put_cstr(&ctx->actions, "drop");
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

    if (!port->n_ips) {
        ds_put_format(&ctx->match, "in_port=%d,arp,arp_sha="ETH_ADDR_FMT,
                      ofport, ETH_ADDR_ARGS(port->mac));
        ds_put_format(&ctx->actions, "goto_table:%d",
                      WEFT_TABLE_ARP_RESPOND);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_ALLOW, &origin);
    }
    for (size_t i = 0; i < port->n_ips; i++) {
        ds_put_format(&ctx->match, "in_port=%d,arp,arp_spa="IP_FMT
                      ",arp_sha="ETH_ADDR_FMT, ofport,
                      IP_ARGS(port->ips[i]), ETH_ADDR_ARGS(port->mac));
        ds_put_format(&ctx->actions, "goto_table:%d",
                      WEFT_TABLE_ARP_RESPOND);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_ALLOW, &origin);

        ds_put_format(&ctx->match, "in_port=%d,ip,nw_src="IP_FMT,
                      ofport, IP_ARGS(port->ips[i]));
        ds_put_format(&ctx->actions, "goto_table:%d",
                      WEFT_TABLE_ARP_RESPOND);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_ALLOW, &origin);
    }

    /* What the allow flows above did not match.  A port without IPs may
     * send any IPv4: weft does not know its addresses. */
    ds_put_format(&ctx->match, "in_port=%d,arp", ofport);
    ds_put_cstr(&ctx->actions, "drop");
    emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, &origin);
    if (port->n_ips) {
        ds_put_format(&ctx->match, "in_port=%d,ip", ofport);
        ds_put_cstr(&ctx->actions, "drop");
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, &origin);
    }
}
