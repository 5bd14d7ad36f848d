/* test-groups: select groups as the compiler holds them (compiler.h,
 * "Groups"; ofproto/weft-groups.c, compile-group.c): emit_select_group()
 * adds a pseudo-flow with its owner, weft_flows_format() shows it as
 * ovs-ofctl does, put_group() builds "group:ID" as OVS's parser does; and
 * their OpenFlow encoding (ofproto/of-groups.h): a group_mod decoded by
 * OVS, and a group desc reply read back, give the same group, with ct()
 * and nat bucket actions, in OpenFlow 1.3, 1.4 and 1.5. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "compile-internal.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-parse.h"
#include "openvswitch/ofp-protocol.h"
#include "util.h"

/* Parses 'text' as OVS's parser does into 'ofpacts' (canonical as
 * weft_flows_add_text() makes it). */
static void
parse_actions(const char *text, struct ofpbuf *ofpacts)
{
    enum ofputil_protocol usable = OFPUTIL_P_ANY;
    struct ofpact_parse_params pp = {
        .ofpacts = ofpacts,
        .usable_protocols = &usable,
    };
    char *error = ofpacts_parse_actions(text, &pp);
    if (error) {
        fail_msg("%s: %s", text, error);
    }
    weft_ofpacts_canonicalize(ofpacts->data, ofpacts->size);
}

/* The service-like group 'id' with 'n' buckets to 10.0.0.(5+i):80, weight
 * i+1, bucket ids 0..n-1, added to 'out' with a ROUTER owner. */
static void
emit_test_group(struct weft_flows *out, uint32_t id, size_t n,
                int port_delta)
{
    struct compile_ctx ctx = { .out = out };
    struct ofpbuf acts[8];
    struct weft_bucket buckets[8];
    ovs_assert(n <= 8);
    for (size_t i = 0; i < n; i++) {
        char text[128];
        snprintf(text, sizeof text, "ct(commit,zone=7,nat(dst=10.0.0.%d:%d),"
                 "table=71)", (int) (5 + i), 80 + port_delta);
        ofpbuf_init(&acts[i], 0);
        parse_actions(text, &acts[i]);
        buckets[i] = (struct weft_bucket) {
            .bucket_id = i, .weight = i + 1,
            .ofpacts = acts[i].data, .ofpacts_len = acts[i].size,
        };
    }
    struct flow_origin origin = {
        .owner = { .kind = WEFT_OWNER_ROUTER,
                   .uuid = { .parts = { 1, 2, 3, id } } },
        .cookie = 0x1234,
    };
    emit_select_group(&ctx, id, buckets, n, &origin);
    for (size_t i = 0; i < n; i++) {
        ofpbuf_uninit(&acts[i]);
    }
}

static const struct weft_flow *
only_flow(const struct weft_flows *flows)
{
    assert_int_equal(weft_flows_count(flows), 1);
    const struct weft_flow *f;
    HMAP_FOR_EACH (f, node, &flows->flows) {
        return f;
    }
    return NULL;
}

/* A group is a pseudo-flow with its owner, cookie 0, formatted as
 * ovs-ofctl's dump-groups with every bucket's id and weight. */
static void
test_emit_and_format(void **state OVS_UNUSED)
{
    struct weft_flows flows;
    weft_flows_init(&flows);
    emit_test_group(&flows, 0x10005, 2, 0);
    const struct weft_flow *g = only_flow(&flows);
    assert_true(weft_flow_is_group(g));
    assert_int_equal(weft_group_id(g), 0x10005);
    assert_int_equal(g->owner.kind, WEFT_OWNER_ROUTER);
    assert_int_equal(g->cookie, 0);

    struct ds s = DS_EMPTY_INITIALIZER;
    weft_flows_format(&flows, &s);
    assert_string_equal(ds_cstr(&s),
        "group_id=65541,type=select,"
        "bucket=bucket_id:0,weight:1,actions="
        "ct(commit,table=71,zone=7,nat(dst=10.0.0.5:80)),"
        "bucket=bucket_id:1,weight:2,actions="
        "ct(commit,table=71,zone=7,nat(dst=10.0.0.6:80))\n");
    ds_destroy(&s);
    weft_flows_destroy(&flows);
}

/* Groups sort after every flow, by id; the same bucket list twice is one
 * interned value; a changed bucket changes the value. */
static void
test_format_order_and_equality(void **state OVS_UNUSED)
{
    struct weft_flows flows;
    weft_flows_init(&flows);
    emit_test_group(&flows, 10, 1, 0);
    emit_test_group(&flows, 9, 1, 0);
    weft_flows_add_text(&flows, 70, 10, 0x1, "reg11=1", "group:9");

    struct ds s = DS_EMPTY_INITIALIZER;
    weft_flows_format(&flows, &s);
    assert_string_equal(ds_cstr(&s),
        "table=70, priority=10, cookie=0x0000000000000001, reg11=0x1 "
        "actions=group:9\n"
        "group_id=9,type=select,bucket=bucket_id:0,weight:1,actions="
        "ct(commit,table=71,zone=7,nat(dst=10.0.0.5:80))\n"
        "group_id=10,type=select,bucket=bucket_id:0,weight:1,actions="
        "ct(commit,table=71,zone=7,nat(dst=10.0.0.5:80))\n");
    ds_destroy(&s);

    /* Group 9 and group 10 have the same buckets: one interned value. */
    const struct weft_flow *g9 = NULL, *g10 = NULL, *f;
    HMAP_FOR_EACH (f, node, &flows.flows) {
        if (weft_flow_is_group(f)) {
            *(weft_group_id(f) == 9 ? &g9 : &g10) = f;
        }
    }
    assert_non_null(g9);
    assert_non_null(g10);
    assert_ptr_equal(g9->ofpacts, g10->ofpacts);

    /* A second group 9 is refused: the first wins. */
    emit_test_group(&flows, 9, 2, 1);
    assert_int_equal(weft_flows_count(&flows), 3);

    struct weft_flows other;
    weft_flows_init(&other);
    emit_test_group(&other, 9, 1, 1);       /* Port 81 instead of 80. */
    assert_false(weft_flow_value_equal(only_flow(&other), g9));
    weft_flows_destroy(&other);
    weft_flows_destroy(&flows);
}

/* put_group() builds what OVS's parser makes of "group:ID". */
static void
test_put_group(void **state OVS_UNUSED)
{
    struct ofpbuf built, parsed;
    ofpbuf_init(&built, 0);
    ofpbuf_init(&parsed, 0);
    put_group(&built, 0x10007);
    parse_actions("group:65543", &parsed);
    assert_true(ofpacts_equal(built.data, built.size, parsed.data,
                              parsed.size));
    ofpbuf_uninit(&built);
    ofpbuf_uninit(&parsed);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit_and_format),
        cmocka_unit_test(test_format_order_and_equality),
        cmocka_unit_test(test_put_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
