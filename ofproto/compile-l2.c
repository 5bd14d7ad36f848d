/* compile-l2: known-destination forwarding and the ingress from other
 * hosts, stage 3 of the flow compiler (compile-internal.h has the map).
 *
 * Fills pipeline.h's L2_LOOKUP: (metadata, eth_dst) of a local port -> out
 * of that port, of a port on another host -> into the tunnel to its host or
 * onto the uplink (never from remote back to remote).  These flows are owned
 * by the destination port.  Also fills CLASSIFY's ingress from tunnels and
 * the uplink (in_port + tun_id or VLAN ID -> metadata, from-remote flag),
 * owned by the local network: it exists for the network's remote hosts as
 * a whole, as its flood list does. */
#include <config.h>

#include <inttypes.h>

#include "compile-internal.h"
#include "packets.h"

/* L2_LOOKUP: frames to a local port's MAC go straight out that port. */
void
compile_l2_local(struct compile_ctx *ctx, const struct topo_port *port,
                 int ofport)
{
    struct flow_origin origin = port_origin(port);

    ds_put_format(&ctx->match, "metadata=0x%"PRIx32",dl_dst="ETH_ADDR_FMT,
                  port->network->key, ETH_ADDR_ARGS(port->mac));
    ds_put_format(&ctx->actions, "output:%d", ofport);
    emit(ctx, WEFT_TABLE_L2_LOOKUP, WEFT_PRIO_L2_KNOWN, &origin);
}

/* L2_LOOKUP: frames to a port on another host go to its tunnel or the
 * uplink, unless they came from remote themselves (split horizon: two hosts
 * that disagree about where a MAC lives must not bounce a frame forever). */
void
compile_l2_remote(struct compile_ctx *ctx, const struct topo_port *port)
{
    int ofport = compile_remote_ofport(ctx, port->network, port->host);
    if (!ofport) {
        return;
    }
    struct flow_origin origin = port_origin(port);

    ds_put_format(&ctx->match, "metadata=0x%"PRIx32",%s=0/0x%x,dl_dst="
                  ETH_ADDR_FMT, port->network->key, WEFT_MFF_FLAGS,
                  WEFT_FLAG_FROM_REMOTE, ETH_ADDR_ARGS(port->mac));
    compile_put_remote_encap(&ctx->actions, port->network);
    ds_put_format(&ctx->actions, "output:%d", ofport);
    emit(ctx, WEFT_TABLE_L2_LOOKUP, WEFT_PRIO_L2_REMOTE, &origin);
}

/* CLASSIFY ingress from the tunnels and the uplink of 'ln'.  Only keys of
 * networks present here, and only from hosts that have ports in them, are
 * accepted; everything else hits CLASSIFY's table-miss drop. */
void
compile_remote_ingress(struct compile_ctx *ctx, const struct local_net *ln)
{
    const struct topo_network *net = ln->net;
    struct flow_origin origin = network_origin(net);

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
        emit(ctx, WEFT_TABLE_CLASSIFY, WEFT_PRIO_REMOTE_IN, &origin);
    }
}
