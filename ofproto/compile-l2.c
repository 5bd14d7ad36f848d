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

#include "compile-internal.h"
#include "packets.h"

/* L2_LOOKUP: frames to a local port's MAC go straight out that port. */
void
compile_l2_local(struct compile_ctx *ctx, const struct topo_port *port,
                 int ofport)
{
    struct flow_origin origin = port_origin(port);

    match_network(&ctx->match, port->network->key);
    match_set_dl_dst(&ctx->match, port->mac);
    put_output(&ctx->ofpacts, u16_to_ofp(ofport));
    emit(ctx, WEFT_TABLE_L2_LOOKUP, WEFT_PRIO_L2_KNOWN, &origin);

    /* Its IP through conntrack if it is under policy (pipeline.h). */
    compile_acl_l2_local(ctx, port, ofport);
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

    match_network(&ctx->match, port->network->key);
    match_flags(&ctx->match, 0, WEFT_FLAG_FROM_REMOTE);
    match_set_dl_dst(&ctx->match, port->mac);
    compile_put_remote_encap(&ctx->ofpacts, port->network);
    put_output(&ctx->ofpacts, u16_to_ofp(ofport));
    emit(ctx, WEFT_TABLE_L2_LOOKUP, WEFT_PRIO_L2_REMOTE, &origin);
}

/* CLASSIFY ingress from the tunnels and the uplink of 'ln'.  Only keys of
 * networks present here, and only from hosts that serve them (have ports in
 * them, or in another network of their router), are accepted; everything
 * else hits CLASSIFY's table-miss drop. */
void
compile_remote_ingress(struct compile_ctx *ctx, const struct local_net *ln)
{
    const struct topo_network *net = ln->net;
    struct flow_origin origin = network_origin(net);

    for (size_t i = 0; i < ln->ingress.n; i++) {
        match_set_in_port(&ctx->match, u16_to_ofp(ln->ingress.ofports[i]));
        if (net_is_overlay(net)) {
            match_set_tun_id(&ctx->match, htonll(net->segment_id));
        } else {
            match_set_dl_vlan(&ctx->match, htons(net->segment_id), 0);
            ofpact_put_STRIP_VLAN(&ctx->ofpacts)->ofpact.raw
                = weft_pop_vlan_raw();
        }
        put_set_network(&ctx->ofpacts, net->key);
        put_set_flags(&ctx->ofpacts, WEFT_FLAG_FROM_REMOTE,
                      WEFT_FLAG_FROM_REMOTE);
        put_goto_table(&ctx->ofpacts, WEFT_TABLE_L2_LOOKUP);
        emit(ctx, WEFT_TABLE_CLASSIFY, WEFT_PRIO_REMOTE_IN, &origin);
    }
}
