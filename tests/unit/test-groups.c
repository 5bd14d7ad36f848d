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
#include "of-groups.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-group.h"
#include "openvswitch/ofp-msgs.h"
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

/* Group 'id' with the buckets 'texts' (bucket ids 7, 17, 27..., as
 * compile-lb.c's port keys: not positions; weights 1..n),
 * emitted as a service's, into 'out'; returns its pseudo-flow. */
static const struct weft_flow *
emit_text_group(struct weft_flows *out, uint32_t id, const char *texts[],
                size_t n)
{
    struct compile_ctx ctx = { .out = out };
    struct ofpbuf acts[4];
    struct weft_bucket buckets[4];
    ovs_assert(n <= 4);
    for (size_t i = 0; i < n; i++) {
        ofpbuf_init(&acts[i], 0);
        parse_actions(texts[i], &acts[i]);
        buckets[i] = (struct weft_bucket) {
            .bucket_id = 10 * i + 7, .weight = i + 1,
            .ofpacts = acts[i].data, .ofpacts_len = acts[i].size,
        };
    }
    struct flow_origin origin = { .owner = { .kind = WEFT_OWNER_ROUTER } };
    emit_select_group(&ctx, id, buckets, n, &origin);
    for (size_t i = 0; i < n; i++) {
        ofpbuf_uninit(&acts[i]);
    }
    struct match match;
    weft_group_match(&match, id);
    struct weft_flow *key = weft_flow_create(NULL, WEFT_GROUP_TABLE, 0, 0,
                                             &match, NULL, 0);
    const struct weft_flow *f, *found = NULL;
    HMAP_FOR_EACH_WITH_HASH (f, node, key->node.hash, &out->flows) {
        if (weft_flow_is_group(f) && minimatch_equal(&f->match,
                                                     &key->match)) {
            found = f;
        }
    }
    weft_flow_unref(key);
    assert_non_null(found);
    return found;
}

/* What a switch of 'version' holds after group_mod 'msg': decodes it as
 * ovs-vswitchd does and answers a group desc request with it, then reads
 * the reply back as the session does.  Returns the group read back. */
static struct weft_flow *
switch_round_trip(const struct ofpbuf *msg, int version)
{
    struct ofputil_group_mod gm;
    assert_int_equal(ofputil_decode_group_mod(msg->data, &gm), 0);
    assert_int_equal(gm.command, OFPGC11_ADD);

    struct ofputil_group_desc gd = {
        .type = gm.type, .group_id = gm.group_id, .props = gm.props,
    };
    struct ofpbuf *req = ofgroup_encode_dump_request(version);
    struct ovs_list replies;
    ofpmp_init(&replies, req->data);
    ofputil_append_group_desc_reply(&gd, &gm.buckets, &replies);
    assert_int_equal(ovs_list_size(&replies), 1);
    struct ofpbuf *reply = CONTAINER_OF(ovs_list_pop_front(&replies),
                                        struct ofpbuf, list_node);
    ofpmsg_update_length(reply);
    ofputil_uninit_group_mod(&gm);
    ofpbuf_delete(req);

    struct ofpbuf b = ofpbuf_const_initializer(reply->data, reply->size);
    struct ofputil_group_desc back;
    assert_int_equal(ofputil_decode_group_desc_reply(&back, &b, version), 0);
    struct weft_flow *f = ofgroup_from_desc(&back, version);
    ofputil_uninit_group_desc(&back);
    assert_int_equal(ofputil_decode_group_desc_reply(&back, &b, version),
                     EOF);
    ofpbuf_delete(reply);
    return f;
}

/* A compiled group, sent as a group_mod and read back from a switch in
 * OpenFlow 1.3, 1.4 and 1.5, equals itself: same key, same (interned)
 * value, so a restarted weftd sends no group_mod.  The buckets are a
 * service's (ct with nat, into LB_BACKEND) and a node port's (ct with nat
 * and exec(set_field ct_mark)). */
static void
test_group_mod_round_trip(void **state OVS_UNUSED)
{
    static const char *texts[] = {
        "ct(commit,zone=7,nat(dst=10.0.0.5:8080),table=71)",
        "ct(commit,zone=7,nat(dst=10.0.1.9:80),exec(set_field:1->ct_mark),"
        "table=63)",
        "ct(commit,zone=65535,nat(dst=10.0.0.6),table=71)",
    };
    static const int versions[] = {
        OFP13_VERSION, OFP14_VERSION, OFP15_VERSION,
    };
    struct weft_flows flows;
    weft_flows_init(&flows);
    const struct weft_flow *g = emit_text_group(&flows, 0x10007, texts, 3);

    for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
        struct ofpbuf *msg = ofgroup_encode_group_mod(g, OFPFC_ADD,
                                                      versions[i]);
        struct weft_flow *back = switch_round_trip(msg, versions[i]);
        ofpbuf_delete(msg);
        assert_true(weft_flow_is_group(back));
        assert_int_equal(weft_group_id(back), 0x10007);
        assert_int_equal(back->node.hash, g->node.hash);
        assert_true(minimatch_equal(&back->match, &g->match));
        /* 1.5 carries the bucket ids (7, 17, 27): the very same value.
         * 1.3 and 1.4 do not (the switch numbers them 0, 1, 2): the same
         * group but for the ids, which are unknown. */
        assert_int_equal(weft_flow_value_equal(back, g),
                         versions[i] == OFP15_VERSION);
        assert_true(weft_group_same(g, back));
        weft_flow_unref(back);

        /* Another weight, read back the same way, is another group. */
        static const char *other_texts[] = {
            "ct(commit,zone=7,nat(dst=10.0.0.5:8080),table=71)",
            "ct(commit,zone=7,nat(dst=10.0.1.9:80),"
            "exec(set_field:1->ct_mark),table=63)",
            "ct(commit,zone=65535,nat(dst=10.0.0.7),table=71)",
        };
        struct weft_flows others;
        weft_flows_init(&others);
        const struct weft_flow *o = emit_text_group(&others, 0x10007,
                                                    other_texts, 3);
        msg = ofgroup_encode_group_mod(o, OFPFC_ADD, versions[i]);
        back = switch_round_trip(msg, versions[i]);
        ofpbuf_delete(msg);
        assert_false(weft_group_same(g, back));
        assert_true(weft_group_same(o, back));
        weft_flow_unref(back);
        weft_flows_destroy(&others);
    }
    weft_flows_destroy(&flows);
}

/* The commands: a modify carries the buckets, a delete none; both in a
 * bundle_add. */
static void
test_group_mod_commands(void **state OVS_UNUSED)
{
    static const char *texts[] = { "ct(commit,zone=1,nat(dst=10.0.0.5:80),"
                                   "table=71)" };
    struct weft_flows flows;
    weft_flows_init(&flows);
    const struct weft_flow *g = emit_text_group(&flows, 3, texts, 1);

    struct ofpbuf *msg = ofgroup_encode_bundle_add(g, OFPFC_MODIFY_STRICT,
                                                   OFP13_VERSION, 9,
                                                   OFPBF_ATOMIC);
    struct ofputil_bundle_add_msg bam;
    enum ofptype type;
    assert_int_equal(ofputil_decode_bundle_add(msg->data, &bam, &type), 0);
    assert_int_equal(type, OFPTYPE_GROUP_MOD);
    assert_int_equal(bam.bundle_id, 9);
    struct ofputil_group_mod gm;
    assert_int_equal(ofputil_decode_group_mod(bam.msg, &gm), 0);
    assert_int_equal(gm.command, OFPGC11_MODIFY);
    assert_int_equal(gm.type, OFPGT11_SELECT);
    assert_int_equal(gm.group_id, 3);
    assert_int_equal(ovs_list_size(&gm.buckets), 1);
    ofputil_uninit_group_mod(&gm);
    ofpbuf_delete(msg);

    msg = ofgroup_encode_group_mod(g, OFPFC_DELETE_STRICT, OFP15_VERSION);
    assert_int_equal(ofputil_decode_group_mod(msg->data, &gm), 0);
    assert_int_equal(gm.command, OFPGC11_DELETE);
    assert_int_equal(gm.group_id, 3);
    assert_true(ovs_list_is_empty(&gm.buckets));
    ofputil_uninit_group_mod(&gm);
    ofpbuf_delete(msg);
    weft_flows_destroy(&flows);
}

/* A group changed behind weft's back reads back different: other buckets,
 * another type, a selection method or a watch port weft never sets. */
static void
test_foreign_groups_differ(void **state OVS_UNUSED)
{
    static const char *texts[] = { "ct(commit,zone=1,nat(dst=10.0.0.5:80),"
                                   "table=71)" };
    struct weft_flows flows;
    weft_flows_init(&flows);
    const struct weft_flow *g = emit_text_group(&flows, 3, texts, 1);

    static const char *variants[] = {
        "group_id=3,type=select,bucket=bucket_id:7,weight:1,"
        "actions=ct(commit,zone=1,nat(dst=10.0.0.5:80),table=71)",
        "group_id=3,type=select,bucket=bucket_id:0,weight:1,"
        "actions=ct(commit,zone=1,nat(dst=10.0.0.5:80),table=71)",
        "group_id=3,type=select,bucket=bucket_id:7,weight:2,"
        "actions=ct(commit,zone=1,nat(dst=10.0.0.5:80),table=71)",
        "group_id=3,type=all,bucket=bucket_id:7,"
        "actions=ct(commit,zone=1,nat(dst=10.0.0.5:80),table=71)",
        "group_id=3,type=select,selection_method=hash,fields=ip_src,"
        "bucket=bucket_id:7,weight:1,"
        "actions=ct(commit,zone=1,nat(dst=10.0.0.5:80),table=71)",
        "group_id=3,type=select,bucket=bucket_id:7,weight:1,watch_port:5,"
        "actions=ct(commit,zone=1,nat(dst=10.0.0.5:80),table=71)",
        "group_id=3,type=select,bucket=bucket_id:7,weight:1,"
        "actions=ct(commit,zone=1,nat(dst=10.0.0.5:81),table=71)",
        "group_id=3,type=select",
    };
    for (size_t i = 0; i < ARRAY_SIZE(variants); i++) {
        struct ofputil_group_mod gm;
        enum ofputil_protocol usable;
        char *error = parse_ofp_group_mod_str(&gm, OFPGC11_ADD, variants[i],
                                              NULL, NULL, &usable);
        if (error) {
            fail_msg("%s: %s", variants[i], error);
        }
        struct ofputil_group_desc gd = {
            .type = gm.type, .group_id = gm.group_id, .props = gm.props,
        };
        ovs_list_move(&gd.buckets, &gm.buckets);
        struct weft_flow *f = ofgroup_from_desc(&gd, OFP15_VERSION);
        ovs_list_move(&gm.buckets, &gd.buckets);
        ofputil_uninit_group_mod(&gm);
        assert_true(minimatch_equal(&f->match, &g->match));
        /* Only the first is weft's group. */
        assert_int_equal(weft_flow_value_equal(f, g), i == 0);
        weft_flow_unref(f);
    }
    weft_flows_destroy(&flows);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit_and_format),
        cmocka_unit_test(test_format_order_and_equality),
        cmocka_unit_test(test_put_group),
        cmocka_unit_test(test_group_mod_round_trip),
        cmocka_unit_test(test_group_mod_commands),
        cmocka_unit_test(test_foreign_groups_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
