/* compile-flood: broadcast, multicast and unknown unicast, stage 4 of the
 * flow compiler (compile-internal.h has the map).
 *
 * Fills pipeline.h's FLOOD: per local network, one flow to every local port
 * with an ofport and, head-end replicated, to every other host with a port
 * in it; and one flow for frames that came from remote, to the local ports
 * only (split horizon: a full mesh would otherwise loop).  Both are owned by
 * the network: they change whenever one of its ports on this host or one of
 * its remote hosts comes or goes. */
#include <config.h>

#include <stdlib.h>

#include "compile-internal.h"

static int
int_cmp(const void *a_, const void *b_)
{
    int a = *(const int *) a_;
    int b = *(const int *) b_;
    return a < b ? -1 : a > b;
}

static void
ofport_list_sort(struct ofport_list *list)
{
    if (list->n) {              /* qsort(NULL, 0, ...) is undefined. */
        qsort(list->ofports, list->n, sizeof *list->ofports, int_cmp);
    }
}

static void
put_outputs(struct ofpbuf *ofpacts, const struct ofport_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        put_output(ofpacts, u16_to_ofp(list->ofports[i]));
    }
}

/* FLOOD to every local port of 'ln' that has an ofport and, head-end
 * replicated, to every other host with a port in it; a frame that came from
 * remote goes to local ports only.  Ports are in ascending ofport order so
 * that the actions are stable. */
void
compile_flood(struct compile_ctx *ctx, struct local_net *ln)
{
    const struct topo_network *net = ln->net;
    struct flow_origin origin = network_origin(net);

    ofport_list_sort(&ln->local);
    ofport_list_sort(&ln->remote);

    if (ln->remote.n) {
        match_network(&ctx->match, net->key);
        match_flags(&ctx->match, WEFT_FLAG_FROM_REMOTE,
                    WEFT_FLAG_FROM_REMOTE);
        put_outputs(&ctx->ofpacts, &ln->local);     /* None: drop. */
        emit(ctx, WEFT_TABLE_FLOOD, WEFT_PRIO_FLOOD_REMOTE, &origin);
    }

    if (!ln->local.n && !ln->remote.n) {
        return;
    }
    match_network(&ctx->match, net->key);
    put_outputs(&ctx->ofpacts, &ln->local);
    if (ln->remote.n) {
        compile_put_remote_encap(&ctx->ofpacts, net);
        put_outputs(&ctx->ofpacts, &ln->remote);
    }
    emit(ctx, WEFT_TABLE_FLOOD, WEFT_PRIO_FLOOD, &origin);
}
