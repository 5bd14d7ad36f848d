/* test-weft-txn: the retry rules of weft's one commit/retry loop
 * (ovsdb/weft-txn.c), which every writer of weft's database shares: weftctl,
 * attach/detach and weftd's REST API.
 *
 * weft_txn_decide() is pure, so every combination is checked: each
 * transaction status x "this write inserted Weft_Global" x "the deadline
 * passed" x "retries left", against a table written out by hand.
 *
 * The stepping (weft_txn_run()) runs on an IDL that is not connected, as
 * weftd's API IDL is between two cluster leaders: the IDL refuses each
 * attempt unsent, which must not count as "may have been committed", and
 * the spec's 'applied' hook ends a waiting write as committed. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "ovsdb-idl.h"
#include "weft-idl.h"
#include "weft-txn.h"

/* One letter per verdict, for the table below. */
static char
verdict_letter(enum weft_txn_verdict v)
{
    switch (v) {
    case WEFT_TXN_PENDING: return 'P';
    case WEFT_TXN_DONE: return 'D';
    case WEFT_TXN_RETRY: return 'R';
    case WEFT_TXN_FAIL: return 'F';
    case WEFT_TXN_TIMEOUT: return 'T';
    case WEFT_TXN_GIVE_UP: return 'G';
    }
    return '?';
}

/* For each status, the verdicts for the 8 combinations of (inserted_global,
 * expired, retries_left), in this order:
 *
 *   000 001 010 011 100 101 110 111
 *
 * P pending, D done, R retry, F fail, T timeout, G give up. */
static const struct {
    enum ovsdb_idl_txn_status status;
    const char *verdicts;
} rules[] = {
    /* Committed: done, whatever the deadline (the change is in). */
    { TXN_SUCCESS,     "DDDDDDDD" },
    { TXN_UNCHANGED,   "DDDDDDDD" },
    /* In flight: wait, until the deadline. */
    { TXN_INCOMPLETE,  "PPTTPPTT" },
    /* Another writer won: retry before the deadline, within the retries. */
    { TXN_TRY_AGAIN,   "GRTTGRTT" },
    /* An error is final, except for a first writer that inserted
     * Weft_Global and lost to another first writer. */
    { TXN_ERROR,       "FFFFGRTT" },
    { TXN_ABORTED,     "FFFFFFFF" },
    { TXN_NOT_LOCKED,  "FFFFFFFF" },
    { TXN_UNCOMMITTED, "FFFFFFFF" },
};

static void
test_every_combination(void **state OVS_UNUSED)
{
    for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
        char got[9];
        for (int bits = 0; bits < 8; bits++) {
            got[bits] = verdict_letter(weft_txn_decide(rules[i].status,
                                                       bits & 4, bits & 2,
                                                       bits & 1));
        }
        got[8] = '\0';
        if (strcmp(got, rules[i].verdicts)) {
            fail_msg("%s: expected %s, got %s",
                     ovsdb_idl_txn_status_to_string(rules[i].status),
                     rules[i].verdicts, got);
        }
    }
}

/* The case one of the three former copies of the loop lacked (attach's):
 * two first writers both insert Weft_Global, and the loser must retry, not
 * fail, while a TXN_ERROR of a write that inserted nothing is final. */
static void
test_first_writers_race(void **state OVS_UNUSED)
{
    assert_int_equal(weft_txn_decide(TXN_ERROR, true, false, true),
                     WEFT_TXN_RETRY);
    assert_int_equal(weft_txn_decide(TXN_ERROR, false, false, true),
                     WEFT_TXN_FAIL);
}

/* Nothing is sent after the deadline: a conflict found then ends the write
 * instead of retrying it. */
static void
test_no_retry_after_deadline(void **state OVS_UNUSED)
{
    assert_int_equal(weft_txn_decide(TXN_TRY_AGAIN, false, true, true),
                     WEFT_TXN_TIMEOUT);
    assert_int_equal(weft_txn_decide(TXN_TRY_AGAIN, false, false, true),
                     WEFT_TXN_RETRY);
}

static struct weft_error *
build_nothing(struct ovsdb_idl *idl OVS_UNUSED,
              struct ovsdb_idl_txn *txn OVS_UNUSED,
              const struct topology *topo OVS_UNUSED, void *aux OVS_UNUSED)
{
    return NULL;
}

/* 'applied' hook: an earlier attempt is in the database if '*aux' is. */
static bool
applied_if(struct ovsdb_idl *idl OVS_UNUSED, void *aux, int64_t *nb_cfg)
{
    if (*(bool *) aux) {
        *nb_cfg = 42;
        return true;
    }
    return false;
}

/* Without a leader, the IDL refuses the attempt at once (TXN_TRY_AGAIN,
 * never sent): the write waits to retry, not "maybe committed", and once
 * 'applied' finds an earlier attempt it is done, committed, with that
 * attempt's nb_cfg, even past its deadline. */
static void
test_unsent_then_applied(void **state OVS_UNUSED)
{
    struct ovsdb_idl *idl = ovsdb_idl_create_unconnected(&weftrec_idl_class,
                                                         true);
    bool found = false;
    struct weft_txn_spec spec = {
        .build = build_nothing,
        .applied = applied_if,
        .aux = &found,
        .comment = "test",
        .initial_cfg = 1,
        .deadline = LLONG_MAX,
    };
    struct weft_txn *t = weft_txn_start(idl, &spec);
    weft_txn_run(t);                /* Built; the IDL refused it. */
    assert_true(weft_txn_in_flight(t));
    weft_txn_run(t);                /* TXN_TRY_AGAIN: waits to retry. */
    assert_false(weft_txn_in_flight(t));
    assert_false(weft_txn_is_done(t));
    weft_txn_run(t);
    assert_false(weft_txn_is_done(t));

    found = true;
    weft_txn_run(t);
    assert_true(weft_txn_is_done(t));
    struct weft_txn_result result;
    weft_txn_result(t, &result);
    assert_null(result.error);
    assert_true(result.committed);
    assert_false(result.maybe_committed);
    assert_int_equal(result.nb_cfg, 42);
    weft_txn_destroy(t);

    /* Without 'applied', the same write times out at its deadline, saying
     * that nothing of it was sent. */
    spec.applied = NULL;
    spec.deadline = 0;
    t = weft_txn_start(idl, &spec);
    weft_txn_run(t);
    weft_txn_run(t);
    assert_true(weft_txn_is_done(t));
    weft_txn_result(t, &result);
    assert_non_null(result.error);
    assert_false(result.maybe_committed);
    weft_error_destroy(result.error);
    weft_txn_destroy(t);
    ovsdb_idl_destroy(idl);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_combination),
        cmocka_unit_test(test_first_writers_race),
        cmocka_unit_test(test_no_retry_after_deadline),
        cmocka_unit_test(test_unsent_then_applied),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
