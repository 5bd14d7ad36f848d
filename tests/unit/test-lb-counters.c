/* test-lb-counters: a service's per-backend counters decoded from a
 * switch's replies (ofproto/lb-counters.c).
 *
 * The replies are built with OVS's own encoders, as ovs-vswitchd builds
 * them: a group description whose buckets come in an order other than the
 * backends', group stats whose bucket counters follow that order, stats of
 * another group, and an error instead of a reply (a switch without the
 * group); flows of table 71 with the service's cookie and others. */
#include <config.h>

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "byte-order.h"
#include "lb-counters.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-group.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofpbuf.h"
#include "pipeline.h"
#include "util.h"

#define GROUP 7

/* Appends to 'replies' (answers to 'request') the description of group
 * 'group_id' with buckets of ids 'ids'. */
static void
append_desc(struct ovs_list *replies, uint32_t group_id,
            const uint32_t *ids, size_t n)
{
    struct ofputil_group_desc gd;
    memset(&gd, 0, sizeof gd);
    gd.type = OFPGT11_SELECT;
    gd.group_id = group_id;
    ovs_list_init(&gd.buckets);
    for (size_t i = 0; i < n; i++) {
        struct ofputil_bucket *b = xzalloc(sizeof *b);
        b->weight = 1;
        b->watch_port = OFPP_ANY;
        b->watch_group = OFPG_ANY;
        b->bucket_id = ids[i];
        ovs_list_push_back(&gd.buckets, &b->list_node);
    }
    ofputil_append_group_desc_reply(&gd, &gd.buckets, replies);
    ofputil_bucket_list_destroy(&gd.buckets);
}

static void
append_stats(struct ovs_list *replies, uint32_t group_id,
             const uint64_t *counts, size_t n)
{
    struct bucket_counter bc[8];
    memset(bc, 0, sizeof bc);
    for (size_t i = 0; i < n; i++) {
        bc[i].packet_count = counts[i];
    }
    struct ofputil_group_stats gs = {
        .group_id = group_id,
        .n_buckets = n,
        .bucket_stats = bc,
    };
    ofputil_append_group_stats(replies, &gs);
}

static struct lb_backend_counters backends[] = {
    { "10.0.0.11", 80, 21, 0, 0 },
    { "10.0.0.12", 8080, 22, 0, 0 },
    { "10.1.0.13", 80, 23, 0, 0 },
};
#define N_BACKENDS ARRAY_SIZE(backends)

static void
reset(void)
{
    for (size_t i = 0; i < N_BACKENDS; i++) {
        backends[i].connections = backends[i].packets = 0;
    }
}

/* The i-th bucket counter belongs to the i-th bucket of the description,
 * whatever the order of the backends; other groups count for nothing.
 * (With OpenFlow 1.3 the ids would be lost: lb_counters_read_switch()
 * reads with 1.5.) */
static void
test_group_buckets_by_id(void **state)
{
    (void) state;
    /* OpenFlow 1.5: bucket ids on the wire. */
    for (int version = OFP15_VERSION; version <= OFP15_VERSION; version++) {
        reset();
        struct ofpbuf *dreq = ofputil_encode_group_desc_request(version,
                                                                GROUP);
        struct ofpbuf *sreq = ofputil_encode_group_stats_request(version,
                                                                 GROUP);
        struct ovs_list descs, stats;
        ofpmp_init(&descs, dreq->data);
        ofpmp_init(&stats, sreq->data);
        static const uint32_t other_ids[] = { 21, 22 };
        static const uint64_t other_counts[] = { 1000, 1000 };
        append_desc(&descs, GROUP + 1, other_ids, 2);
        static const uint32_t ids[] = { 23, 21, 99, 22 };
        append_desc(&descs, GROUP, ids, 4);
        append_stats(&stats, GROUP + 1, other_counts, 2);
        static const uint64_t counts[] = { 5, 7, 100, 11 };
        append_stats(&stats, GROUP, counts, 4);

        lb_counters_add_groups(&descs, &stats, version, GROUP, backends,
                               N_BACKENDS);
        assert_int_equal(backends[0].connections, 7);
        assert_int_equal(backends[1].connections, 11);
        assert_int_equal(backends[2].connections, 5);

        /* Added to, over the hosts. */
        lb_counters_add_groups(&descs, &stats, version, GROUP, backends,
                               N_BACKENDS);
        assert_int_equal(backends[0].connections, 14);
        ofpbuf_list_delete(&descs);
        ofpbuf_list_delete(&stats);
        ofpbuf_delete(dreq);
        ofpbuf_delete(sreq);
    }
}

/* A switch without the group answers an error: nothing counted, no
 * crash. */
static void
test_group_missing(void **state)
{
    (void) state;
    reset();
    struct ofpbuf *dreq = ofputil_encode_group_desc_request(OFP13_VERSION,
                                                            GROUP);
    struct ovs_list descs, stats;
    ovs_list_init(&descs);
    ovs_list_init(&stats);
    ovs_list_push_back(&descs, &ofperr_encode_reply(
                           OFPERR_OFPGMFC_UNKNOWN_GROUP,
                           dreq->data)->list_node);
    ovs_list_push_back(&stats, &ofperr_encode_reply(
                           OFPERR_OFPGMFC_UNKNOWN_GROUP,
                           dreq->data)->list_node);
    lb_counters_add_groups(&descs, &stats, OFP13_VERSION, GROUP, backends,
                           N_BACKENDS);
    for (size_t i = 0; i < N_BACKENDS; i++) {
        assert_int_equal(backends[i].connections, 0);
    }
    ofpbuf_list_delete(&descs);
    ofpbuf_list_delete(&stats);
    ofpbuf_delete(dreq);
}

static struct ofputil_flow_stats
flow(uint8_t table, uint64_t cookie, const char *ip, int port,
     uint64_t n_packets)
{
    struct ofputil_flow_stats fs;
    memset(&fs, 0, sizeof fs);
    match_init_catchall(&fs.match);
    match_set_dl_type(&fs.match, htons(0x0800));
    match_set_nw_proto(&fs.match, 6);
    if (ip) {
        struct in_addr in;
        assert_int_equal(inet_pton(AF_INET, ip, &in), 1);
        match_set_nw_dst(&fs.match, in.s_addr);
    }
    if (port) {
        match_set_tp_dst(&fs.match, htons(port));
    }
    fs.table_id = table;
    fs.cookie = htonll(cookie);
    fs.packet_count = n_packets;
    return fs;
}

/* Packets: the service's rows of table 71 that match a backend's address
 * and port (counter and hairpin rows alike); not other services' rows, not
 * other tables, not the default row. */
static void
test_flows(void **state)
{
    (void) state;
    reset();
    uint64_t cookie = lb_counters_cookie(3, GROUP);
    assert_int_equal(cookie, weft_cookie(3, 0, 0x10000 | GROUP));
    struct ofputil_flow_stats fses[] = {
        flow(71, cookie, "10.0.0.11", 80, 40),
        flow(71, cookie, "10.0.0.11", 80, 2),      /* Hairpin row. */
        flow(71, cookie, "10.0.0.12", 8080, 9),
        flow(71, cookie, "10.0.0.12", 80, 1000),   /* Not its port. */
        flow(71, lb_counters_cookie(3, GROUP + 1), "10.1.0.13", 80, 1000),
        flow(70, cookie, "10.1.0.13", 80, 1000),
        flow(71, cookie, NULL, 0, 1000),           /* No match on dst. */
        flow(71, cookie, "10.1.0.13", 80, UINT64_MAX),   /* Unknown. */
    };
    lb_counters_add_flows(fses, ARRAY_SIZE(fses), cookie, backends,
                          N_BACKENDS);
    assert_int_equal(backends[0].packets, 42);
    assert_int_equal(backends[1].packets, 9);
    assert_int_equal(backends[2].packets, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_buckets_by_id),
        cmocka_unit_test(test_group_missing),
        cmocka_unit_test(test_flows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
