/* test-of-session-groups: select groups through the OpenFlow session
 * (of-session.h, of-groups.h) against a fake connection and a fake switch
 * that keeps OVS's rules: a flow_mod whose actions use a group the switch
 * lacks is refused, and deleting a group deletes the flows that use it.
 *
 * The switch applies each bundle in order, as ovs-vswitchd does, and
 * answers the session's dumps (flow stats, then group desc) with OVS's own
 * encoders; the tests check that groups are added before the flows that use
 * them and deleted after, modified in place, read back with no difference
 * (a restarted weftd sends 0 group_mods and 0 flow_mods), and that a group
 * changed behind weft's back is repaired by a verify.  (test-of-session.c
 * has the session without groups.) */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "byte-order.h"
#include "compiler.h"
#include "flow-state.h"
#include "flow-table.h"
#include "of-groups.h"
#include "of-session.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-group.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

static int of_version = OFP15_VERSION;

/* What the session sent, oldest first. */
static struct ovs_list wire = OVS_LIST_INITIALIZER(&wire);

static int
wire_send(void *aux OVS_UNUSED, struct ofpbuf *msg)
{
    ovs_list_push_back(&wire, &msg->list_node);
    return 0;
}

static struct ofpbuf *
wire_pop_type(enum ofptype want)
{
    assert_false(ovs_list_is_empty(&wire));
    struct ofpbuf *msg = CONTAINER_OF(ovs_list_pop_front(&wire),
                                      struct ofpbuf, list_node);
    enum ofptype type;
    assert_int_equal(ofptype_decode(&type, msg->data), 0);
    assert_int_equal(type, want);
    return msg;
}

static void
wire_drop_type(enum ofptype want)
{
    ofpbuf_delete(wire_pop_type(want));
}

/* The fake switch: its flows and groups as weft holds them (groups as
 * pseudo-flows), and the order of what it applied, as "+g5 +f ~g5 -f -g5"
 * (as test-flow-state.c). */
struct sw {
    struct weft_flows flows;
    struct ds log;
};

static void
sw_init(struct sw *sw)
{
    weft_flows_init(&sw->flows);
    ds_init(&sw->log);
}

static void
sw_destroy(struct sw *sw)
{
    weft_flows_destroy(&sw->flows);
    ds_destroy(&sw->log);
}

static struct weft_flow *
sw_find(const struct sw *sw, const struct weft_flow *key)
{
    struct weft_flow *f;
    HMAP_FOR_EACH_WITH_HASH (f, node, key->node.hash, &sw->flows.flows) {
        if (f->table_id == key->table_id && f->priority == key->priority
            && minimatch_equal(&f->match, &key->match)) {
            return f;
        }
    }
    return NULL;
}

static void
sw_remove(struct sw *sw, struct weft_flow *f)
{
    hmap_remove(&sw->flows.flows, &f->node);
    weft_flow_unref(f);
}

/* The group a flow's actions use, or 0. */
static uint32_t
flow_group(const struct weft_flow *f)
{
    const struct ofpact *a;
    OFPACT_FOR_EACH_FLATTENED (a, f->ofpacts, f->ofpacts_len) {
        if (a->type == OFPACT_GROUP) {
            return ofpact_get_GROUP(a)->group_id;
        }
    }
    return 0;
}

static bool
sw_has_group(const struct sw *sw, uint32_t id)
{
    struct match match;
    weft_group_match(&match, id);
    struct weft_flow *key = weft_flow_create(NULL, WEFT_GROUP_TABLE, 0, 0,
                                             &match, NULL, 0);
    bool found = sw_find(sw, key) != NULL;
    weft_flow_unref(key);
    return found;
}

static void
sw_apply_flow_mod(struct sw *sw, const struct ofp_header *oh)
{
    struct ofputil_flow_mod fm;
    uint64_t stub[1024 / 8];
    struct ofpbuf acts = OFPBUF_STUB_INITIALIZER(stub);
    assert_int_equal(ofputil_decode_flow_mod(
                         &fm, oh, ofputil_protocol_from_ofp_version(
                                      of_version),
                         NULL, NULL, &acts, OFPP_MAX, 255), 0);
    struct ofputil_flow_stats st = {
        .cookie = fm.new_cookie, .table_id = fm.table_id,
        .priority = fm.priority, .ofpacts = fm.ofpacts,
        .ofpacts_len = fm.ofpacts_len,
    };
    minimatch_expand(&fm.match, &st.match);
    struct weft_flow *f = nflow_from_stats(&st);
    struct weft_flow *old = sw_find(sw, f);
    uint32_t group = flow_group(f);
    switch (fm.command) {
    case OFPFC_ADD:
    case OFPFC_MODIFY_STRICT:
        /* OVS: OFPBAC_BAD_OUT_GROUP.  Fail the test, not the bundle. */
        assert_true(!group || sw_has_group(sw, group));
        if (old) {
            assert_int_equal(fm.command, OFPFC_MODIFY_STRICT);
            sw_remove(sw, old);
        }
        hmap_insert(&sw->flows.flows, &f->node, f->node.hash);
        ds_put_cstr(&sw->log, fm.command == OFPFC_ADD ? "+f " : "~f ");
        f = NULL;
        break;
    case OFPFC_DELETE_STRICT:
        assert_non_null(old);
        sw_remove(sw, old);
        ds_put_cstr(&sw->log, "-f ");
        break;
    default:
        fail();
    }
    weft_flow_unref(f);
    minimatch_destroy(&fm.match);
    ofpbuf_uninit(&acts);
}

static void
sw_apply_group_mod(struct sw *sw, const struct ofp_header *oh)
{
    struct ofputil_group_mod gm;
    assert_int_equal(ofputil_decode_group_mod(oh, &gm), 0);
    struct ofputil_group_desc gd = {
        .type = gm.type, .group_id = gm.group_id, .props = gm.props,
    };
    ovs_list_move(&gd.buckets, &gm.buckets);
    struct weft_flow *g = ofgroup_from_desc(&gd, OFP15_VERSION);
    ovs_list_move(&gm.buckets, &gd.buckets);
    struct weft_flow *old = sw_find(sw, g);
    switch (gm.command) {
    case OFPGC11_ADD:
        assert_null(old);           /* OVS: OFPGMFC_GROUP_EXISTS. */
        ds_put_format(&sw->log, "+g%"PRIu32" ", gm.group_id);
        break;
    case OFPGC11_MODIFY:
        assert_non_null(old);       /* OVS: OFPGMFC_UNKNOWN_GROUP. */
        ds_put_format(&sw->log, "~g%"PRIu32" ", gm.group_id);
        break;
    case OFPGC11_DELETE: {
        /* OVS deletes the flows that use the group: weft never lets it. */
        struct weft_flow *f;
        HMAP_FOR_EACH (f, node, &sw->flows.flows) {
            assert_true(weft_flow_is_group(f)
                        || flow_group(f) != gm.group_id);
        }
        ds_put_format(&sw->log, "-g%"PRIu32" ", gm.group_id);
        break;
    }
    default:
        fail();
    }
    if (old) {
        sw_remove(sw, old);
    }
    if (gm.command == OFPGC11_DELETE) {
        weft_flow_unref(g);
    } else {
        hmap_insert(&sw->flows.flows, &g->node, g->node.hash);
    }
    ofputil_uninit_group_mod(&gm);
}

/* Takes the bundle the session sent (open, adds, commit, barrier) off the
 * wire, applies it in order and answers the barrier. */
static void
sw_take_bundle(struct sw *sw, struct of_session *s)
{
    ds_clear(&sw->log);
    wire_drop_type(OFPTYPE_BUNDLE_CONTROL);
    for (;;) {
        struct ofpbuf *msg = CONTAINER_OF(ovs_list_pop_front(&wire),
                                          struct ofpbuf, list_node);
        enum ofptype type;
        assert_int_equal(ofptype_decode(&type, msg->data), 0);
        if (type == OFPTYPE_BUNDLE_CONTROL) {
            ofpbuf_delete(msg);
            break;
        }
        assert_int_equal(type, OFPTYPE_BUNDLE_ADD_MESSAGE);
        struct ofputil_bundle_add_msg bam;
        assert_int_equal(ofputil_decode_bundle_add(msg->data, &bam, &type),
                         0);
        if (type == OFPTYPE_FLOW_MOD) {
            sw_apply_flow_mod(sw, bam.msg);
        } else {
            assert_int_equal(type, OFPTYPE_GROUP_MOD);
            sw_apply_group_mod(sw, bam.msg);
        }
        ofpbuf_delete(msg);
    }
    ds_chomp(&sw->log, ' ');
    struct ofpbuf *barrier = wire_pop_type(OFPTYPE_BARRIER_REQUEST);
    struct ofpbuf *reply = ofpraw_alloc_reply(OFPRAW_OFPT11_BARRIER_REPLY,
                                              barrier->data, 0);
    of_session_receive(s, reply->data);
    ofpbuf_delete(reply);
    ofpbuf_delete(barrier);
    assert_true(ovs_list_is_empty(&wire));
}

static void
deliver_replies(struct of_session *s, struct ovs_list *replies)
{
    struct ofpbuf *reply;
    LIST_FOR_EACH_POP (reply, list_node, replies) {
        ofpmsg_update_length(reply);
        of_session_receive(s, reply->data);
        ofpbuf_delete(reply);
    }
}

/* Answers the session's dump: its flow stats request, then the group desc
 * request it sends after the flows. */
static void
sw_answer_dump(const struct sw *sw, struct of_session *s)
{
    struct ofpbuf *req = wire_pop_type(OFPTYPE_FLOW_STATS_REQUEST);
    struct ovs_list replies;
    ofpmp_init(&replies, req->data);
    const struct weft_flow *f;
    HMAP_FOR_EACH (f, node, &sw->flows.flows) {
        if (!weft_flow_is_group(f)) {
            struct ofputil_flow_stats st = {
                .cookie = htonll(f->cookie), .table_id = f->table_id,
                .priority = f->priority, .idle_age = -1, .hard_age = -1,
                .ofpacts = f->ofpacts, .ofpacts_len = f->ofpacts_len,
            };
            minimatch_expand(&f->match, &st.match);
            ofputil_append_flow_stats_reply(&st, &replies, NULL);
        }
    }
    ofpbuf_delete(req);
    deliver_replies(s, &replies);
    assert_int_equal(of_session_state(s) == OF_SESSION_SYNCED, false);

    req = wire_pop_type(OFPTYPE_GROUP_DESC_STATS_REQUEST);
    ofpmp_init(&replies, req->data);
    HMAP_FOR_EACH (f, node, &sw->flows.flows) {
        if (weft_flow_is_group(f)) {
            /* What OVS would report: the group as a group_mod made it. */
            struct ofpbuf *msg = ofgroup_encode_group_mod(f, OFPFC_ADD,
                                                          of_version);
            struct ofputil_group_mod gm;
            assert_int_equal(ofputil_decode_group_mod(msg->data, &gm), 0);
            struct ofputil_group_desc gd = {
                .type = gm.type, .group_id = gm.group_id, .props = gm.props,
            };
            ofputil_append_group_desc_reply(&gd, &gm.buckets, &replies);
            ofputil_uninit_group_mod(&gm);
            ofpbuf_delete(msg);
        }
    }
    ofpbuf_delete(req);
    deliver_replies(s, &replies);
    assert_int_equal(of_session_state(s), OF_SESSION_SYNCED);
}

/* Adds select group 'id' with 'n' buckets "ct(commit,zone=1,nat(dst=
 * 10.0.0.(5+i):PORT),table=71)" to 'flows', and the flow of LB_SELECT that
 * uses it. */
static void
add_service(struct weft_flows *flows, uint32_t id, int n, int port)
{
    struct ofpbuf value;
    ofpbuf_init(&value, 0);
    weft_group_put_header(&value, OFPGT11_SELECT, 0);
    for (int i = 0; i < n; i++) {
        char text[96];
        snprintf(text, sizeof text, "ct(commit,zone=1,nat(dst=10.0.0.%d:%d),"
                 "table=71)", 5 + i, port);
        struct ofpbuf acts;
        ofpbuf_init(&acts, 0);
        enum ofputil_protocol usable = OFPUTIL_P_ANY;
        struct ofpact_parse_params pp = { .ofpacts = &acts,
                                          .usable_protocols = &usable };
        assert_null(ofpacts_parse_actions(text, &pp));
        weft_ofpacts_canonicalize(acts.data, acts.size);
        /* Bucket ids as compile-lb.c's (a port key), not 0, 1...: over
         * OpenFlow 1.3 the switch numbers them itself. */
        weft_group_put_bucket(&value, 100 + i, 1, acts.data, acts.size);
        ofpbuf_uninit(&acts);
    }
    struct match match;
    weft_group_match(&match, id);
    assert_true(weft_flows_add(flows, NULL, WEFT_GROUP_TABLE, 0, 0, &match,
                               value.data, value.size));
    ofpbuf_uninit(&value);

    char m[32], a[32];
    snprintf(m, sizeof m, "reg11=%"PRIu32, id);
    snprintf(a, sizeof a, "group:%"PRIu32, id);
    assert_true(weft_flows_add_text(flows, 70, 100, 0x10000 | id, m, a));
}

static void
set_desired(struct of_session *s, const struct weft_flows *flows,
            int64_t cfg)
{
    flow_state_replace_desired(of_session_flows(s), flows);
    of_session_set_desired_cfg(s, cfg, 0, true);
}

static struct of_session *
session_connect(const struct sw *sw)
{
    struct of_session_io io = { .send = wire_send };
    struct of_session *s = of_session_create_io("test", &io);
    of_session_connected(s, of_version);
    wire_drop_type(OFPTYPE_SET_ASYNC_CONFIG);
    wire_drop_type(OFPTYPE_SET_CONFIG);
    sw_answer_dump(sw, s);
    return s;
}

static void
expect_stats(const struct of_session *s, uint64_t flow_mods,
             uint64_t group_mods)
{
    struct of_session_stats st;
    of_session_get_stats(s, &st);
    assert_int_equal(st.n_flow_mods, flow_mods);
    assert_int_equal(st.n_group_mods, group_mods);
}

/* Install, modify the buckets, delete; each time the switch sees groups
 * added before their flows, modified in place, deleted after them. */
static void
run_lifecycle(int version)
{
    of_version = version;
    struct sw sw;
    sw_init(&sw);
    struct of_session *s = session_connect(&sw);

    struct weft_flows flows;
    weft_flows_init(&flows);
    add_service(&flows, 5, 2, 80);
    weft_flows_add_text(&flows, 0, 0, 0, "", "drop");
    set_desired(s, &flows, 1);
    of_session_push(s);
    sw_take_bundle(&sw, s);
    assert_string_equal(ds_cstr(&sw.log), "+g5 +f +f");
    assert_int_equal(of_session_cur_cfg(s), 1);
    expect_stats(s, 2, 1);

    /* Three buckets, another port: one group modify, no flow_mod. */
    weft_flows_clear(&flows);
    add_service(&flows, 5, 3, 8080);
    weft_flows_add_text(&flows, 0, 0, 0, "", "drop");
    set_desired(s, &flows, 2);
    of_session_push(s);
    sw_take_bundle(&sw, s);
    assert_string_equal(ds_cstr(&sw.log), "~g5");
    expect_stats(s, 2, 2);

    /* A second service added, the first removed: in one bundle. */
    weft_flows_clear(&flows);
    add_service(&flows, 0x10006, 1, 80);
    weft_flows_add_text(&flows, 0, 0, 0, "", "drop");
    set_desired(s, &flows, 3);
    of_session_push(s);
    sw_take_bundle(&sw, s);
    const char *log = ds_cstr(&sw.log);
    assert_true(!strcmp(log, "+g65542 +f -f -g5")
                || !strcmp(log, "+g65542 -f +f -g5"));
    expect_stats(s, 4, 4);
    assert_int_equal(flow_state_count_installed_groups(
                         of_session_flows_ro(s)), 1);

    /* weftd restarts: the switch holds exactly the desired flows and
     * groups, so the new session sends nothing at all. */
    of_session_destroy(s);
    s = session_connect(&sw);
    set_desired(s, &flows, 4);
    of_session_push(s);
    assert_true(ovs_list_is_empty(&wire));
    assert_int_equal(of_session_cur_cfg(s), 4);
    expect_stats(s, 0, 0);

    of_session_destroy(s);
    weft_flows_destroy(&flows);
    sw_destroy(&sw);
}

static void
test_lifecycle_of13(void **state OVS_UNUSED)
{
    run_lifecycle(OFP13_VERSION);
}

static void
test_lifecycle_of15(void **state OVS_UNUSED)
{
    run_lifecycle(OFP15_VERSION);
}

/* A group changed on the switch behind weft's back (another bucket list)
 * and one deleted (with its flow, as OVS does) are repaired by the next
 * verify; a verify that finds them right sends nothing. */
static void
test_verify_repairs_groups(void **state OVS_UNUSED)
{
    of_version = OFP14_VERSION;
    struct sw sw;
    sw_init(&sw);
    struct of_session *s = session_connect(&sw);
    struct weft_flows flows;
    weft_flows_init(&flows);
    add_service(&flows, 5, 2, 80);
    add_service(&flows, 7, 1, 80);
    set_desired(s, &flows, 1);
    of_session_push(s);
    sw_take_bundle(&sw, s);
    expect_stats(s, 2, 2);

    /* A verify finds everything right. */
    of_session_force_resync(s);
    sw_answer_dump(&sw, s);
    of_session_push(s);
    assert_true(ovs_list_is_empty(&wire));

    /* "ovs-ofctl mod-group": group 5 gets one bucket to port 9999;
     * "ovs-ofctl del-groups group_id=7": group 7 and its flow are gone. */
    struct weft_flows other;
    weft_flows_init(&other);
    add_service(&other, 5, 1, 9999);
    struct weft_flow *f;
    HMAP_FOR_EACH_SAFE (f, node, &sw.flows.flows) {
        if (weft_flow_is_group(f) || flow_group(f) == 7) {
            sw_remove(&sw, f);
        }
    }
    HMAP_FOR_EACH (f, node, &other.flows) {
        if (weft_flow_is_group(f)) {
            weft_flows_add_copy(&sw.flows, f);
        }
    }
    weft_flows_destroy(&other);

    of_session_force_resync(s);
    sw_answer_dump(&sw, s);
    of_session_push(s);
    sw_take_bundle(&sw, s);
    const char *log = ds_cstr(&sw.log);
    assert_true(!strcmp(log, "~g5 +g7 +f") || !strcmp(log, "+g7 ~g5 +f"));
    expect_stats(s, 3, 4);

    of_session_destroy(s);
    weft_flows_destroy(&flows);
    sw_destroy(&sw);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lifecycle_of13),
        cmocka_unit_test(test_lifecycle_of15),
        cmocka_unit_test(test_verify_repairs_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
