/* test-sg-counters: which flow stats count toward a security group's
 * counters (ofproto/sg-counters.c).
 *
 * Hand-made flow stats, shaped as pipeline.h's "Policy" lays the rows out:
 * a rule's conjunction() dimension rows (which must not count: a packet
 * hits one per dimension), its conj_id row and a one-dimension rule's plain
 * rows (which count), another rule's rows, rows of other tables with the
 * rule's cookie, the members' default deny at 1000 in 12 and 34 (one row
 * per port and direction), the verdict tables' rows 13 and 35, and a
 * non-member's default deny. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "byte-order.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofpbuf.h"
#include "pipeline.h"
#include "sg-counters.h"
#include "util.h"

#define TENANT 3

/* Flow stats of 'table', 'priority', 'cookie', with 'n' packets of 100
 * bytes, whose actions are a conjunction() if 'conj', else a goto. */
static struct ofputil_flow_stats
flow(uint8_t table, int priority, uint64_t cookie, bool conj, uint64_t n)
{
    struct ofputil_flow_stats fs;
    memset(&fs, 0, sizeof fs);
    match_init_catchall(&fs.match);
    fs.table_id = table;
    fs.priority = priority;
    fs.cookie = htonll(cookie);
    fs.packet_count = n;
    fs.byte_count = n == UINT64_MAX ? UINT64_MAX : n * 100;
    struct ofpbuf ofpacts;
    ofpbuf_init(&ofpacts, 64);
    if (conj) {
        struct ofpact_conjunction *c = ofpact_put_CONJUNCTION(&ofpacts);
        c->id = 5;
        c->clause = 0;
        c->n_clauses = 2;
    } else {
        ofpact_put_GOTO_TABLE(&ofpacts)->table_id = WEFT_TABLE_ARP_RESPOND;
    }
    fs.ofpacts_len = ofpacts.size;
    fs.ofpacts = ofpbuf_steal_data(&ofpacts);
    return fs;
}

static void
free_flows(struct ofputil_flow_stats *fses, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(CONST_CAST(struct ofpact *, fses[i].ofpacts));
    }
}

/* A rule counts its conj_id row and its plain rows, in 12 and 34, never
 * its dimension rows, other tables, or another rule's rows. */
static void
test_rules(void **state)
{
    (void) state;
    uint64_t c7 = weft_cookie_sg_rule(TENANT, 7);
    uint64_t c8 = weft_cookie_sg_rule(TENANT, 8);
    uint64_t other_tenant = weft_cookie_sg_rule(TENANT + 1, 7);
    struct sg_rule_counters rules[] = { { c7, 0, 0 }, { c8, 0, 0 } };
    struct sg_counters c = { .rules = rules, .n_rules = 2 };
    struct ofputil_flow_stats fses[] = {
        flow(34, 62000 - 5, c7, true, 1000),     /* Member dimension. */
        flow(34, 62000 - 5, c7, true, 2000),     /* Remote dimension. */
        flow(34, 62000 - 5, c7, true, 3000),     /* Port dimension. */
        flow(34, 62000 - 5, c7, false, 40),      /* conj_id row. */
        flow(12, 62000 - 6, c8, false, 3),       /* Plain row, member 1. */
        flow(12, 62000 - 6, c8, false, 4),       /* Plain row, member 2. */
        flow(30, 150, c7, false, 5000),          /* Not an ACL table. */
        flow(34, 62000 - 5, other_tenant, false, 6000),
        flow(34, 62000 - 5, c7, false, UINT64_MAX),  /* Unknown. */
    };
    sg_counters_add_flows(fses, ARRAY_SIZE(fses), &c);
    assert_int_equal(rules[0].packets, 40);
    assert_int_equal(rules[0].bytes, 4000);
    assert_int_equal(rules[1].packets, 7);
    assert_int_equal(rules[1].bytes, 700);
    assert_int_equal(c.deny_ingress, 0);
    assert_int_equal(c.deny_egress, 0);

    /* Sums over hosts: a second switch's rows add up. */
    sg_counters_add_flows(fses, 4, &c);
    assert_int_equal(rules[0].packets, 80);
    free_flows(fses, ARRAY_SIZE(fses));
}

/* Default deny: the members' rows at 1000, by table; not a non-member's,
 * not the members' other rows (1001 was the established default deny of
 * the old layout), not the verdict tables' (13, 35: the same packets
 * again). */
static void
test_default_deny(void **state)
{
    (void) state;
    uint64_t m1 = weft_cookie(TENANT, 2, 11);
    uint64_t m2 = weft_cookie(TENANT, 4, 12);
    uint64_t stranger = weft_cookie(TENANT, 2, 13);
    uint64_t members[] = { m1, m2 };
    struct sg_counters c = {
        .member_cookies = members, .n_members = 2,
    };
    struct ofputil_flow_stats fses[] = {
        flow(34, WEFT_PRIO_ACL_DENY, m1, false, 10),
        flow(34, WEFT_PRIO_ACL_DENY + 1, m1, false, 1),
        flow(34, WEFT_PRIO_ACL_DENY, m2, false, 20),
        flow(12, WEFT_PRIO_ACL_DENY, m1, false, 300),
        flow(12, WEFT_PRIO_ACL_DENY + 1, m2, false, 2),
        flow(13, WEFT_PRIO_ACL_BLOCK, weft_cookie(0, 0, 0), false, 5000),
        flow(35, WEFT_PRIO_DEFAULT, weft_cookie(0, 0, 0), false, 5000),
        flow(35, WEFT_PRIO_ACL_DENY, m1, false, 5000),
        flow(13, WEFT_PRIO_ACL_DENY, m2, false, 5000),
        flow(34, WEFT_PRIO_ACL_DENY, stranger, false, 5000),
        flow(12, WEFT_PRIO_ACL_DENY, stranger, false, 5000),
        flow(34, 100, m1, false, 5000),          /* Not default deny. */
        flow(30, WEFT_PRIO_ACL_DENY, m1, false, 5000),
    };
    sg_counters_add_flows(fses, ARRAY_SIZE(fses), &c);
    assert_int_equal(c.deny_ingress, 30);
    assert_int_equal(c.deny_egress, 300);
    free_flows(fses, ARRAY_SIZE(fses));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_default_deny),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
