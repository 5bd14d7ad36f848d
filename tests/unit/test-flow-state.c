/* test-flow-state: the one table per host (ofproto/flow-state.h): desired
 * and installed per flow key, the tracked list, dumps marked in place, and
 * pushes that walk only the tracked keys.
 *
 * The switch side is played by flow_state_dumped() with flow stats built
 * from compiled flows, as a switch reports them back. */
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
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "flow.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

/* Adds flow 'i' of a synthetic host, "in_port=I,dl_vlan=V" to output I+100
 * (+'delta' to the output port, to make it differ), cookie 0x10+I (+'ck'). */
static void
add_flow(struct weft_flows *flows, int i, int delta, uint64_t ck)
{
    char match[64], actions[32];
    snprintf(match, sizeof match, "in_port=%d,dl_vlan=%d", i + 1,
             i % 4000 + 1);
    snprintf(actions, sizeof actions, "output:%d", i + 100 + delta);
    assert_true(weft_flows_add_text(flows, 0, 100, 0x10 + i + ck, match,
                                    actions));
}

static void
make_flows(struct weft_flows *flows, int n)
{
    weft_flows_init(flows);
    for (int i = 0; i < n; i++) {
        add_flow(flows, i, 0, 0);
    }
}

/* The flow of 'flows' added as flow 'i' (add_flow()). */
static const struct weft_flow *
nth_flow(const struct weft_flows *flows, int i)
{
    const struct weft_flow *wf;
    HMAP_FOR_EACH (wf, node, &flows->flows) {
        struct match m;
        minimatch_expand(&wf->match, &m);
        if (ofp_to_u16(m.flow.in_port.ofp_port) == i + 1) {
            return wf;
        }
    }
    fail();
    return NULL;
}

/* Counts of what a push yields, by command. */
struct mods {
    size_t add, modify, delete, total;
};

static void
drain(struct flow_state *fs, struct mods *m)
{
    memset(m, 0, sizeof *m);
    uint16_t command;
    const struct weft_flow *f;
    while (flow_state_next_change(fs, &command, &f)) {
        m->total++;
        switch (command) {
        case OFPFC_ADD: m->add++; break;
        case OFPFC_MODIFY_STRICT: m->modify++; break;
        case OFPFC_DELETE_STRICT: m->delete++; break;
        default: fail();
        }
    }
}

/* Pushes everything tracked and confirms it; returns the flow_mods. */
static size_t
push_all(struct flow_state *fs)
{
    size_t n = flow_state_begin_push(fs);
    struct mods m;
    drain(fs, &m);
    assert_int_equal(m.total, n);
    flow_state_push_done(fs);
    assert_int_equal(flow_state_count_tracked(fs), 0);
    return n;
}

/* Reports 'wf' to 'fs' as a switch's flow stats entry would. */
static void
report(struct flow_state *fs, const struct weft_flow *wf)
{
    struct ofputil_flow_stats st = {
        .cookie = htonll(wf->cookie),
        .table_id = wf->table_id,
        .priority = wf->priority,
        .idle_age = -1, .hard_age = -1,
        .ofpacts = wf->ofpacts,
        .ofpacts_len = wf->ofpacts_len,
    };
    minimatch_expand(&wf->match, &st.match);
    flow_state_dumped(fs, &st);
}

/* A port-add-sized change on a 10,000-flow table yields exactly its
 * flow_mods, and the push looks only at the keys it touched. */
static void
test_small_change_visits_only_tracked(void **state OVS_UNUSED)
{
    enum { N = 10000 };
    struct weft_flows flows;
    make_flows(&flows, N);
    struct flow_state fs;
    flow_state_init(&fs);
    flow_state_replace_desired(&fs, &flows);
    assert_int_equal(push_all(&fs), N);
    assert_int_equal(flow_state_count_installed(&fs), N);
    assert_int_equal(flow_state_count_desired(&fs), N);

    /* Five new flows, two with new actions, one with a new cookie, one
     * gone. */
    struct weft_flows more;
    weft_flows_init(&more);
    for (int i = N; i < N + 5; i++) {
        add_flow(&more, i, 0, 0);
    }
    add_flow(&more, 1, 7, 0);
    add_flow(&more, 2, 7, 0);
    add_flow(&more, 3, 0, 0x1000);
    const struct weft_flow *wf;
    HMAP_FOR_EACH (wf, node, &more.flows) {
        flow_state_set_desired(&fs, wf);
    }
    flow_state_clear_desired(&fs, nth_flow(&flows, 4));
    /* Setting a flow to what it is already tracks nothing. */
    flow_state_set_desired(&fs, nth_flow(&flows, 5));
    assert_int_equal(flow_state_count_tracked(&fs), 9);

    fs.n_visited = 0;
    assert_int_equal(flow_state_begin_push(&fs), 5 + 2 + 2 + 1);
    assert_int_equal(fs.n_visited, 9);          /* Not N. */
    struct mods m;
    drain(&fs, &m);
    assert_int_equal(m.add, 5 + 1);
    assert_int_equal(m.modify, 2);
    assert_int_equal(m.delete, 1 + 1);
    flow_state_push_done(&fs);
    assert_int_equal(fs.n_visited, 9);
    assert_int_equal(flow_state_count_installed(&fs), N + 5 - 1);
    assert_int_equal(flow_state_count_desired(&fs), N + 5 - 1);
    assert_int_equal(flow_state_begin_push(&fs), 0);

    flow_state_destroy(&fs);
    weft_flows_destroy(&more);
    weft_flows_destroy(&flows);
}

/* Each flow exists once: the table's desired and installed sides hold the
 * set's own flow (its set's reference, one per side), whether the switch
 * confirmed it after a push or reported it in a dump; a flow the switch
 * reports differently is a copy of its own until it is put right.  Equal
 * actions are one interned copy. */
static void
test_one_copy_per_flow(void **state OVS_UNUSED)
{
    enum { N = 100 };
    struct weft_flows flows;
    make_flows(&flows, N);
    const struct weft_flow *wf;
    HMAP_FOR_EACH (wf, node, &flows.flows) {
        assert_int_equal(wf->ref_cnt, 1);
    }

    /* Bring-up: pushed and confirmed. */
    struct flow_state fs;
    flow_state_init(&fs);
    flow_state_replace_desired(&fs, &flows);
    HMAP_FOR_EACH (wf, node, &flows.flows) {
        assert_int_equal(wf->ref_cnt, 2);       /* Set, desired. */
    }
    assert_int_equal(push_all(&fs), N);
    HMAP_FOR_EACH (wf, node, &flows.flows) {
        assert_int_equal(wf->ref_cnt, 3);       /* And installed. */
    }
    flow_state_destroy(&fs);

    /* Restart: read back first, then compiled; then a flow changed by
     * hand. */
    flow_state_init(&fs);
    flow_state_begin_dump(&fs);
    HMAP_FOR_EACH (wf, node, &flows.flows) {
        report(&fs, wf);
    }
    flow_state_end_dump(&fs);
    flow_state_replace_desired(&fs, &flows);
    assert_int_equal(flow_state_begin_push(&fs), 0);
    HMAP_FOR_EACH (wf, node, &flows.flows) {
        assert_int_equal(wf->ref_cnt, 3);
    }
    struct weft_flows hand;
    weft_flows_init(&hand);
    add_flow(&hand, 7, 3, 0);
    const struct weft_flow *f7 = nth_flow(&flows, 7);
    flow_state_begin_dump(&fs);
    HMAP_FOR_EACH (wf, node, &flows.flows) {
        report(&fs, wf == f7 ? nth_flow(&hand, 7) : wf);
    }
    flow_state_end_dump(&fs);
    assert_int_equal(f7->ref_cnt, 2);           /* Installed: the switch's. */
    assert_int_equal(push_all(&fs), 1);
    assert_int_equal(f7->ref_cnt, 3);
    flow_state_destroy(&fs);

    /* Flows 1 and 2 of another set with flow 1's actions: one copy. */
    struct weft_flows other;
    weft_flows_init(&other);
    assert_true(weft_flows_add_text(&other, 1, 100, 0x11, "in_port=1",
                                    "output:101"));
    const struct weft_flow *o1 = CONTAINER_OF(hmap_first(&other.flows),
                                              struct weft_flow, node);
    assert_ptr_equal(o1->ofpacts, nth_flow(&flows, 1)->ofpacts);
    assert_ptr_not_equal(o1->ofpacts, nth_flow(&flows, 2)->ofpacts);

    weft_flows_destroy(&other);
    weft_flows_destroy(&hand);
    weft_flows_destroy(&flows);
}

/* A dump that finds one flow changed by hand yields exactly one modify (of
 * that flow, back to its desired actions); one the switch lacks, one add;
 * one weft does not know, one delete. */
static void
test_dump_marks_in_place(void **state OVS_UNUSED)
{
    enum { N = 1000 };
    struct weft_flows flows;
    make_flows(&flows, N);
    struct flow_state fs;
    flow_state_init(&fs);
    flow_state_replace_desired(&fs, &flows);

    /* A restart: the switch holds exactly the desired flows. */
    flow_state_begin_dump(&fs);
    const struct weft_flow *wf;
    HMAP_FOR_EACH (wf, node, &flows.flows) {
        report(&fs, wf);
    }
    flow_state_end_dump(&fs);
    assert_int_equal(flow_state_count_installed(&fs), N);
    assert_int_equal(flow_state_begin_push(&fs), 0);

    /* Flow 7 changed by hand. */
    struct weft_flows hand;
    weft_flows_init(&hand);
    add_flow(&hand, 7, 3, 0);
    const struct weft_flow *changed = nth_flow(&hand, 7);
    flow_state_begin_dump(&fs);
    HMAP_FOR_EACH (wf, node, &flows.flows) {
        report(&fs, wf == nth_flow(&flows, 7) ? changed : wf);
    }
    flow_state_end_dump(&fs);
    assert_int_equal(flow_state_begin_push(&fs), 1);
    uint16_t command;
    const struct weft_flow *f;
    assert_true(flow_state_next_change(&fs, &command, &f));
    assert_int_equal(command, OFPFC_MODIFY_STRICT);
    struct ds a = DS_EMPTY_INITIALIZER;
    const struct weft_flow *fl[1] = { f };
    nflows_format(fl, 1, 0, 0, &a);
    assert_string_equal(ds_cstr(&a), "table=0 priority=100 "
                        "in_port=8,dl_vlan=8 cookie=0x17 "
                        "actions=output:107\n");
    ds_destroy(&a);
    assert_false(flow_state_next_change(&fs, &command, &f));
    flow_state_push_done(&fs);

    /* The switch lost flow 9 and holds one weft never wanted. */
    struct weft_flows foreign;
    weft_flows_init(&foreign);
    add_flow(&foreign, N + 50, 0, 0);
    flow_state_begin_dump(&fs);
    HMAP_FOR_EACH (wf, node, &flows.flows) {
        if (wf != nth_flow(&flows, 9)) {
            report(&fs, wf);
        }
    }
    report(&fs, nth_flow(&foreign, N + 50));
    flow_state_end_dump(&fs);
    assert_int_equal(flow_state_count_installed(&fs), N);
    assert_int_equal(flow_state_count_desired(&fs), N);
    struct mods m;
    assert_int_equal(flow_state_begin_push(&fs), 2);
    drain(&fs, &m);
    assert_int_equal(m.add, 1);
    assert_int_equal(m.delete, 1);
    flow_state_push_done(&fs);
    assert_int_equal(flow_state_count_installed(&fs), N);

    flow_state_destroy(&fs);
    weft_flows_destroy(&foreign);
    weft_flows_destroy(&hand);
    weft_flows_destroy(&flows);
}

/* A change made while a batch is out waits for the next batch; an aborted
 * batch leaves the installed side as it was and its keys tracked. */
static void
test_batch_is_a_snapshot(void **state OVS_UNUSED)
{
    struct weft_flows flows;
    make_flows(&flows, 4);
    struct flow_state fs;
    flow_state_init(&fs);
    flow_state_replace_desired(&fs, &flows);
    assert_int_equal(flow_state_begin_push(&fs), 4);

    /* While it is out: one more flow, and flow 0 dropped. */
    struct weft_flows more;
    weft_flows_init(&more);
    add_flow(&more, 4, 0, 0);
    flow_state_set_desired(&fs, nth_flow(&more, 4));
    flow_state_clear_desired(&fs, nth_flow(&flows, 0));
    struct mods m;
    drain(&fs, &m);
    assert_int_equal(m.add, 4);
    flow_state_push_done(&fs);
    assert_int_equal(flow_state_count_installed(&fs), 4);
    assert_int_equal(flow_state_count_desired(&fs), 4);

    assert_int_equal(flow_state_begin_push(&fs), 2);
    drain(&fs, &m);
    assert_int_equal(m.add, 1);
    assert_int_equal(m.delete, 1);
    flow_state_abort_push(&fs);
    assert_int_equal(flow_state_count_installed(&fs), 4);
    assert_int_equal(flow_state_count_tracked(&fs), 2);
    assert_int_equal(push_all(&fs), 2);

    /* The desired side shows as flow_table_format() shows the same flows;
     * the installed side too, now that they are equal. */
    struct weft_flows now;
    weft_flows_init(&now);
    for (int i = 1; i < 5; i++) {
        add_flow(&now, i, 0, 0);
    }
    struct flow_table t;
    flow_table_init(&t);
    flow_table_build(&t, &now, NULL, 0);
    struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
    struct ds c = DS_EMPTY_INITIALIZER;
    flow_table_format(&t, &a);
    flow_state_format(&fs, false, 0, 0, &b);
    flow_state_format(&fs, true, 0, 0, &c);
    assert_string_equal(ds_cstr(&a), ds_cstr(&b));
    assert_string_equal(ds_cstr(&a), ds_cstr(&c));
    ds_destroy(&a);
    ds_destroy(&b);
    ds_destroy(&c);
    flow_table_destroy(&t);

    flow_state_destroy(&fs);
    weft_flows_destroy(&now);
    weft_flows_destroy(&more);
    weft_flows_destroy(&flows);
}

/* Adds select group 'id' with one bucket "output:PORT" (a pseudo-flow,
 * compiler.h's "Groups"). */
static void
add_group(struct weft_flows *flows, uint32_t id, int port)
{
    struct ofpbuf acts, value;
    ofpbuf_init(&acts, 0);
    ofpbuf_init(&value, 0);
    ofpact_put_OUTPUT(&acts)->port = u16_to_ofp(port);
    weft_group_put_header(&value, OFPGT11_SELECT, 0);
    weft_group_put_bucket(&value, 0, 1, acts.data, acts.size);
    struct match match;
    weft_group_match(&match, id);
    assert_true(weft_flows_add(flows, NULL, WEFT_GROUP_TABLE, 0, 0, &match,
                               value.data, value.size));
    ofpbuf_uninit(&acts);
    ofpbuf_uninit(&value);
}

/* The order of a push as "+g5 +f ~g5 -f -g5..." ('+' add, '~' modify,
 * '-' delete; 'g' and a group id, or 'f' for a flow); returns the number of
 * group_mods the batch said it had. */
static size_t
push_order(struct flow_state *fs, struct ds *order)
{
    size_t n = flow_state_begin_push(fs);
    size_t n_groups = flow_state_batch_group_mods(fs);
    uint16_t command;
    const struct weft_flow *f;
    size_t total = 0;
    while (flow_state_next_change(fs, &command, &f)) {
        ds_put_char(order, (command == OFPFC_ADD ? '+'
                            : command == OFPFC_DELETE_STRICT ? '-' : '~'));
        if (weft_flow_is_group(f)) {
            ds_put_format(order, "g%"PRIu32" ", weft_group_id(f));
        } else {
            ds_put_cstr(order, "f ");
        }
        total++;
    }
    assert_int_equal(total, n);
    flow_state_push_done(fs);
    ds_chomp(order, ' ');
    return n_groups;
}

/* A push adds a group before any flow and deletes it after every flow, in
 * one batch; modifies it in place; and a dump that reports it unchanged
 * leaves nothing to send.  Groups are counted apart from flows. */
static void
test_group_order(void **state OVS_UNUSED)
{
    struct flow_state fs;
    flow_state_init(&fs);
    struct weft_flows flows;
    weft_flows_init(&flows);
    weft_flows_add_text(&flows, 70, 10, 0x1, "reg11=1", "group:5");
    weft_flows_add_text(&flows, 70, 10, 0x1, "reg11=2", "group:6");
    weft_flows_add_text(&flows, 0, 0, 0, "", "drop");
    add_group(&flows, 6, 2);
    add_group(&flows, 5, 1);
    flow_state_replace_desired(&fs, &flows);
    assert_int_equal(flow_state_count_desired(&fs), 3);
    assert_int_equal(flow_state_count_desired_groups(&fs), 2);

    struct ds order = DS_EMPTY_INITIALIZER;
    assert_int_equal(push_order(&fs, &order), 2);
    /* The groups first (in any order), then the three flows. */
    const char *o = ds_cstr(&order);
    assert_true(!strncmp(o, "+g5 +g6 ", 8) || !strncmp(o, "+g6 +g5 ", 8));
    assert_string_equal(o + 8, "+f +f +f");
    assert_int_equal(flow_state_count_installed(&fs), 3);
    assert_int_equal(flow_state_count_installed_groups(&fs), 2);

    /* Group 5 gets another bucket list; group 6 and its flow go. */
    weft_flows_clear(&flows);
    weft_flows_add_text(&flows, 70, 10, 0x1, "reg11=1", "group:5");
    weft_flows_add_text(&flows, 0, 0, 0, "", "drop");
    add_group(&flows, 5, 3);
    flow_state_replace_desired(&fs, &flows);
    ds_clear(&order);
    assert_int_equal(push_order(&fs, &order), 2);
    assert_string_equal(ds_cstr(&order), "~g5 -f -g6");
    assert_int_equal(flow_state_count_installed_groups(&fs), 1);

    /* A dump that reports the switch as it is: nothing to send. */
    flow_state_begin_dump(&fs);
    const struct weft_flow *f;
    HMAP_FOR_EACH (f, node, &flows.flows) {
        if (weft_flow_is_group(f)) {
            struct weft_flows copy;
            weft_flows_init(&copy);
            add_group(&copy, 5, 3);     /* Equal, but another flow. */
            const struct weft_flow *g = CONTAINER_OF(
                hmap_first(&copy.flows), struct weft_flow, node);
            assert_ptr_not_equal(g, f);
            flow_state_dumped_flow(&fs, weft_flow_ref(g));
            weft_flows_destroy(&copy);
        } else {
            report(&fs, f);
        }
    }
    flow_state_end_dump(&fs);
    assert_int_equal(flow_state_begin_push(&fs), 0);

    /* A dump that misses group 5 (deleted behind weft's back): re-added,
     * before the flows. */
    flow_state_begin_dump(&fs);
    HMAP_FOR_EACH (f, node, &flows.flows) {
        if (!weft_flow_is_group(f)) {
            report(&fs, f);
        }
    }
    flow_state_end_dump(&fs);
    ds_clear(&order);
    assert_int_equal(push_order(&fs, &order), 1);
    assert_string_equal(ds_cstr(&order), "+g5");

    /* Only flows in flow_state_format(), groups in their own. */
    struct ds text = DS_EMPTY_INITIALIZER;
    flow_state_format(&fs, false, 0, 0, &text);
    assert_null(strstr(ds_cstr(&text), "group_id"));
    ds_clear(&text);
    flow_state_format_groups(&fs, true, &text);
    assert_string_equal(ds_cstr(&text), "group_id=5,type=select,"
                        "bucket=bucket_id:0,weight:1,actions=output:3\n");
    ds_destroy(&text);

    ds_destroy(&order);
    flow_state_destroy(&fs);
    weft_flows_destroy(&flows);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_change_visits_only_tracked),
        cmocka_unit_test(test_one_copy_per_flow),
        cmocka_unit_test(test_dump_marks_in_place),
        cmocka_unit_test(test_batch_is_a_snapshot),
        cmocka_unit_test(test_group_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
