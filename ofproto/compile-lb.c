/* compile-lb: services, virtual IPs load-balanced in the switch (the
 * compiler's stage for pipeline.h's tables 70..73; compile-internal.h has
 * the map, pipeline.h what each row does and which zone means what).
 *
 * Two owners have service rows on a host:
 *
 *   SERVICE  a service's (compile_service()), on every host that serves
 *            its router R: L3_ROUTE's VIP row and hairpin replies, its
 *            LB_SELECT row and select group (group id = its key), its
 *            LB_BACKEND rows per backend, its L2_LOOKUP reply un-DNAT rows
 *            per network of R with a port on the host; and where its node
 *            port is exposed (compile_service_node_port_here()), its
 *            EXT_IN_HOST row and node-port group (0x10000 | key).  Cookie
 *            weft_cookie_service().  Inputs: the service row, its backends'
 *            first IPs and hosts, R's key and networks (which have a port
 *            here), the host's external side.
 *   HOST     the rows of 70..73 that serve every service
 *            (compile_lb_defaults()), on a host that serves a router with a
 *            service.
 *
 * A backend's address is its port's first IP; a backend without one has
 * no row.  Two services of one router may share a backend IP:port: their
 * table-30 un-DNAT rows (and, with the same VIP, their hairpin replies)
 * would be the same flow, so only the service with the lowest key among
 * them has it (compile_lb_shared()).  Every backend, down or not, keeps its LB_BACKEND, hairpin and
 * un-DNAT rows (its established connections keep flowing); only live ones
 * are buckets.  A bucket's id is the backend port's key, so a changed
 * bucket list keeps the ids of the buckets that stay.
 *
 * Every ct() is built natively as OVS's parser builds the text that
 * weft_flows_format() shows; tests/unit/test-flow-shapes.c checks each
 * shape against a switch's round trip. */
#include <config.h>

#include <stdlib.h>

#include "compile-internal.h"
#include "util.h"

static struct flow_origin
service_origin(const struct topo_service *svc)
{
    return (struct flow_origin) {
        .owner = { .kind = WEFT_OWNER_SERVICE, .uuid = svc->uuid },
        .cookie = weft_cookie_service(svc->tenant ? svc->tenant->key : 0,
                                      svc->key),
    };
}

/* The backend's address, or 0 if its port has none. */
static ovs_be32
backend_ip(const struct topo_backend *b)
{
    return b->port && b->port->n_ips ? b->port->ips[0] : 0;
}

static bool
backend_is_live(const struct topo_backend *b)
{
    return !b->down && backend_ip(b);
}

bool
compile_host_has_services(const struct topo_host *host)
{
    struct compile_served served;
    bool any = false;
    compile_served_init(&served, host);
    for (size_t i = 0; i < served.n_routers && !any; i++) {
        any = served.routers[i]->n_services > 0;
    }
    compile_served_destroy(&served);
    return any;
}

bool
compile_service_node_port_here(const struct topo_host *host,
                               const struct topo_service *svc)
{
    if (!svc->node_port || !topo_host_has_external(host)) {
        return false;
    }
    for (size_t i = 0; i < svc->n_backends; i++) {
        const struct topo_backend *b = &svc->backends[i];
        if (backend_is_live(b) && b->port->host
            && uuid_equals(&b->port->host->uuid, &host->uuid)) {
            return true;
        }
    }
    return false;
}

bool
compile_lb_shared(const struct topo_service *svc,
                  const struct topo_backend *b, bool same_vip)
{
    ovs_be32 ip = backend_ip(b);
    const struct topo_service *o;
    TOPO_ROUTER_FOR_EACH_SERVICE (o, svc->router) {
        if (o->key >= svc->key || o->proto != svc->proto
            || (same_vip && o->vip != svc->vip)) {
            continue;
        }
        for (size_t i = 0; i < o->n_backends; i++) {
            if (backend_ip(&o->backends[i]) == ip
                && o->backends[i].port_num == b->port_num) {
                return true;
            }
        }
    }
    return false;
}

/* Matches IPv4 'proto' traffic. */
static void
match_proto(struct match *match, uint8_t proto)
{
    match_set_dl_type(match, htons(ETH_TYPE_IP));
    match_set_nw_proto(match, proto);
}

/* Matches a tracked, valid connection whose original destination was the
 * service's VIP:PORT/proto. */
static void
match_ct_service(struct match *match, const struct topo_service *svc)
{
    match_set_ct_state_masked(match, CS_TRACKED, CS_TRACKED | CS_INVALID);
    match_set_ct_nw_dst(match, svc->vip);
    match_set_ct_tp_dst(match, htons(svc->port));
    match_set_ct_nw_proto(match, svc->proto);
}

static void
put_resubmit(struct ofpbuf *ofpacts, uint8_t table_id)
{
    struct ofpact_resubmit *rs = ofpact_put_RESUBMIT(ofpacts);
    rs->in_port = OFPP_IN_PORT;
    rs->table_id = table_id;
}

/* A select group of the live backends of 'svc' ('local_only': those on
 * this host), each bucket ct(commit, zone=R, nat(dst=B:BP)[, ct_mark 'mark'])
 * -> 'table'.  Returns the number of buckets; none: no group. */
static size_t
compile_lb_group(struct compile_ctx *ctx, const struct topo_service *svc,
                 uint32_t group_id, uint8_t table, uint32_t mark,
                 bool local_only, const struct flow_origin *origin)
{
    struct weft_bucket *buckets = xcalloc(svc->n_backends + 1,
                                          sizeof *buckets);
    struct ofpbuf acts;
    size_t *ofs = xcalloc(svc->n_backends + 1, sizeof *ofs);
    size_t n = 0;

    ofpbuf_init(&acts, 256);
    for (size_t i = 0; i < svc->n_backends; i++) {
        const struct topo_backend *b = &svc->backends[i];
        if (!backend_is_live(b)
            || (local_only && !port_is_local(ctx, b->port))) {
            continue;
        }
        ofs[n] = acts.size;
        put_ct(&acts, true, svc->router->key, table,
               &(struct nat_spec) { NX_NAT_F_DST, backend_ip(b),
                                    b->port_num }, mark);
        buckets[n].bucket_id = b->port->key;
        buckets[n].weight = b->weight ? b->weight : 1;
        buckets[n].ofpacts_len = acts.size - ofs[n];
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        buckets[i].ofpacts = (const struct ofpact *) ((char *) acts.data
                                                      + ofs[i]);
    }
    if (n) {
        emit_select_group(ctx, group_id, buckets, n, origin);
    }
    ofpbuf_uninit(&acts);
    free(ofs);
    free(buckets);
    return n;
}

/* L3_ROUTE's VIP row, LB_SELECT's row and the service's group. */
static void
compile_lb_vip(struct compile_ctx *ctx, const struct topo_service *svc,
               const struct flow_origin *origin)
{
    uint32_t r = svc->router->key;

    match_router(&ctx->match, r);
    match_proto(&ctx->match, svc->proto);
    match_set_nw_dst(&ctx->match, svc->vip);
    match_set_tp_dst(&ctx->match, htons(svc->port));
    put_ct(&ctx->ofpacts, false, r, WEFT_TABLE_LB_SELECT,
           &(struct nat_spec) { 0, 0, 0 }, 0);
    emit(ctx, WEFT_TABLE_L3_ROUTE, WEFT_PRIO_LB_VIP, origin);

    size_t n = compile_lb_group(ctx, svc, svc->key, WEFT_TABLE_LB_BACKEND, 0,
                                false, origin);
    match_ct_new(&ctx->match, true);
    match_router(&ctx->match, r);
    match_proto(&ctx->match, svc->proto);
    match_set_nw_dst(&ctx->match, svc->vip);
    match_set_tp_dst(&ctx->match, htons(svc->port));
    if (n) {
        put_group(&ctx->ofpacts, svc->key);
    }                           /* Else no live backend: drop. */
    emit(ctx, WEFT_TABLE_LB_SELECT, WEFT_PRIO_LB, origin);
}

/* Backend 'b''s rows: the hairpin reply in L3_ROUTE, the hairpin SNAT and
 * the counter in LB_BACKEND. */
static void
compile_lb_backend(struct compile_ctx *ctx, const struct topo_service *svc,
                   const struct topo_backend *b,
                   const struct flow_origin *origin)
{
    uint32_t r = svc->router->key;
    ovs_be32 bip = backend_ip(b);

    if (!compile_lb_shared(svc, b, true)) {
        match_router(&ctx->match, r);
        match_proto(&ctx->match, svc->proto);
        match_set_nw_src(&ctx->match, bip);
        match_set_tp_src(&ctx->match, htons(b->port_num));
        match_set_nw_dst(&ctx->match, svc->vip);
        put_ct(&ctx->ofpacts, false, weft_zone_hairpin(r),
               WEFT_TABLE_LB_HAIRPIN, &(struct nat_spec) { 0, 0, 0 }, 0);
        emit(ctx, WEFT_TABLE_L3_ROUTE, WEFT_PRIO_LB_HAIRPIN_REPLY, origin);
    }

    match_ct_service(&ctx->match, svc);
    match_router(&ctx->match, r);
    match_proto(&ctx->match, svc->proto);
    match_set_nw_src(&ctx->match, bip);
    match_set_nw_dst(&ctx->match, bip);
    match_set_tp_dst(&ctx->match, htons(b->port_num));
    put_ct(&ctx->ofpacts, true, weft_zone_hairpin(r), WEFT_TABLE_LB_HAIRPIN,
           &(struct nat_spec) { NX_NAT_F_SRC, svc->vip, 0 }, 0);
    emit(ctx, WEFT_TABLE_LB_BACKEND, WEFT_PRIO_LB_HAIRPIN, origin);

    match_ct_service(&ctx->match, svc);
    match_router(&ctx->match, r);
    match_proto(&ctx->match, svc->proto);
    match_set_nw_dst(&ctx->match, bip);
    match_set_tp_dst(&ctx->match, htons(b->port_num));
    put_resubmit(&ctx->ofpacts, WEFT_TABLE_L3_ROUTE);
    emit(ctx, WEFT_TABLE_LB_BACKEND, WEFT_PRIO_LB, origin);
}

/* L2_LOOKUP: replies from backend 'b' on network 'net' (of R, with a port
 * here) are un-DNATed in zone R before delivery. */
static void
compile_lb_unnat(struct compile_ctx *ctx, const struct topo_service *svc,
                 const struct topo_network *net, const struct topo_backend *b,
                 const struct flow_origin *origin)
{
    match_flags(&ctx->match, 0, WEFT_FLAG_LB_UNNAT);
    match_network(&ctx->match, net->key);
    match_proto(&ctx->match, svc->proto);
    match_set_nw_src(&ctx->match, backend_ip(b));
    match_set_tp_src(&ctx->match, htons(b->port_num));
    put_set_flags(&ctx->ofpacts, WEFT_FLAG_LB_UNNAT, WEFT_FLAG_LB_UNNAT);
    put_ct(&ctx->ofpacts, false, svc->router->key, WEFT_TABLE_L2_LOOKUP,
           &(struct nat_spec) { 0, 0, 0 }, 0);
    emit(ctx, WEFT_TABLE_L2_LOOKUP, WEFT_PRIO_LB_UNNAT, origin);
}

/* EXT_IN_HOST: a new connection to HOST_IP:NP goes to a local live
 * backend, like a port mapping's. */
static void
compile_lb_node_port(struct compile_ctx *ctx, const struct topo_service *svc,
                     const struct flow_origin *origin)
{
    uint32_t group_id = WEFT_GROUP_NODE_PORT | svc->key;
    if (!compile_lb_group(ctx, svc, group_id, WEFT_TABLE_EXT_DELIVER,
                          WEFT_CT_MARK_PASS, true, origin)) {
        return;
    }
    match_ct_new(&ctx->match, true);
    match_proto(&ctx->match, svc->proto);
    match_set_tp_dst(&ctx->match, htons(svc->node_port));
    put_set_router(&ctx->ofpacts, svc->router->key);
    put_group(&ctx->ofpacts, group_id);
    emit(ctx, WEFT_TABLE_EXT_IN_HOST, WEFT_PRIO_EXT, origin);
}

void
compile_service(struct compile_ctx *ctx, const struct topo_service *svc)
{
    if (!svc->router || !compile_host_serves_router(ctx->host, svc->router)) {
        return;
    }
    struct flow_origin origin = service_origin(svc);

    compile_lb_vip(ctx, svc, &origin);
    for (size_t i = 0; i < svc->n_backends; i++) {
        const struct topo_backend *b = &svc->backends[i];
        if (!backend_ip(b)) {
            continue;
        }
        compile_lb_backend(ctx, svc, b, &origin);
        if (compile_lb_shared(svc, b, false)) {
            continue;
        }
        const struct topo_router_port *rp;
        TOPO_ROUTER_FOR_EACH_PORT (rp, svc->router) {
            if (topo_network_find_host(rp->network, ctx->host)) {
                compile_lb_unnat(ctx, svc, rp->network, b, &origin);
            }
        }
    }
    if (compile_service_node_port_here(ctx->host, svc)) {
        compile_lb_node_port(ctx, svc, &origin);
    }
}

/* LB_HAIRPIN's reply row: ct(zone=ROUTER[0..15], nat) -> LB_OUT. */
static void
put_ct_router_zone(struct ofpbuf *ofpacts, uint8_t table)
{
    size_t ct_ofs = ofpacts->size;
    struct ofpact_conntrack *ct = ofpact_put_CT(ofpacts);
    ct->zone_src.field = mf_from_id(WEFT_MFF_ROUTER_ID);
    ct->zone_src.ofs = 0;
    ct->zone_src.n_bits = 16;
    ct->recirc_table = table;
    struct ofpact_nat *on = ofpact_put_NAT(ofpacts);
    on->range_af = AF_UNSPEC;
    ct = ofpbuf_at_assert(ofpacts, ct_ofs, sizeof *ct);
    ofpacts->header = ct;
    ofpact_finish_CT(ofpacts, &ct);
}

void
compile_lb_defaults(struct compile_ctx *ctx, const struct flow_origin *origin)
{
    /* compile_host_flows() makes the defaults of a host that 'topo' lacks
     * too: its indexes are not this topology's. */
    if (topology_find_host(ctx->topo, &ctx->host->uuid) != ctx->host
        || !compile_host_has_services(ctx->host)) {
        return;
    }
    /* LB_SELECT: established -> LB_BACKEND; else drop. */
    match_ct_new(&ctx->match, false);
    put_goto_table(&ctx->ofpacts, WEFT_TABLE_LB_BACKEND);
    emit(ctx, WEFT_TABLE_LB_SELECT, WEFT_PRIO_LB, origin);
    emit(ctx, WEFT_TABLE_LB_SELECT, WEFT_PRIO_DEFAULT, origin);

    put_resubmit(&ctx->ofpacts, WEFT_TABLE_L3_ROUTE);
    emit(ctx, WEFT_TABLE_LB_BACKEND, WEFT_PRIO_DEFAULT, origin);

    match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));   /* For nat. */
    match_set_ct_state_masked(&ctx->match, CS_TRACKED | CS_REPLY_DIR,
                              CS_TRACKED | CS_REPLY_DIR);
    put_ct_router_zone(&ctx->ofpacts, WEFT_TABLE_LB_OUT);
    emit(ctx, WEFT_TABLE_LB_HAIRPIN, WEFT_PRIO_LB, origin);
    put_goto_table(&ctx->ofpacts, WEFT_TABLE_LB_OUT);
    emit(ctx, WEFT_TABLE_LB_HAIRPIN, WEFT_PRIO_DEFAULT, origin);

    union mf_value zero = { .be32 = 0 };
    put_set_field(&ctx->ofpacts, MFF_IN_PORT, &zero);
    put_resubmit(&ctx->ofpacts, WEFT_TABLE_L3_ROUTE);
    emit(ctx, WEFT_TABLE_LB_OUT, WEFT_PRIO_DEFAULT, origin);
}
