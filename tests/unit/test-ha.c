/* test-ha: unit tests for controller/ha-decide.c, the pure decision of
 * weftd's active/standby state machine (issue #16).
 *
 * Each test drives one weftd ("c1") through a sequence of runs, each with
 * what ha.c would read (the lock, Weft_Global, the loop's transaction, the
 * switches' generations), and checks the action and the state after each
 * run: the claim's generation, when it becomes active, and that it stops
 * at once when it loses the lock. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ha-decide.h"
#include "util.h"

#define NAME "c1"

/* A run with the lock, the row there, a transaction open, nothing else. */
static struct ha_view
locked(uint64_t db_generation, const char *db_active)
{
    return (struct ha_view) {
        .has_lock = true, .have_global = true, .txn_open = true,
        .db_generation = db_generation, .db_active = db_active,
    };
}

/* Runs 'm' once with 'v' and checks the action and the resulting role. */
static void
step(struct ha_machine *m, struct ha_view v, enum ha_action action,
     enum ha_role role)
{
    assert_int_equal(ha_decide(m, NAME, &v), action);
    assert_int_equal(m->role, role);
}

/* From the start to active: the claim, its commit in flight, then seen. */
static struct ha_machine
make_active(uint64_t db_generation, const char *db_active)
{
    struct ha_machine m = HA_MACHINE_INITIALIZER;
    step(&m, locked(db_generation, db_active), HA_ACT_WRITE_CLAIM,
         HA_CLAIMING);
    uint64_t gen = m.generation;
    struct ha_view v = locked(gen, NAME);
    v.txn_open = false;     /* The IDL showed it before the reply. */
    step(&m, v, HA_ACT_BECOME_ACTIVE, HA_ACTIVE);
    assert_int_equal(m.generation, gen);
    return m;
}

static void
test_ha_standby_without_lock(void **state OVS_UNUSED)
{
    struct ha_machine m = HA_MACHINE_INITIALIZER;
    struct ha_view v = locked(4, "c2");
    v.has_lock = false;
    for (int i = 0; i < 3; i++) {
        step(&m, v, HA_ACT_NONE, HA_STANDBY);
        assert_int_equal(m.generation, 0);
    }
    /* The lock but no Weft_Global row yet (not downloaded, or weftctl init
     * not run): nothing to claim in. */
    v = locked(0, NULL);
    v.have_global = false;
    step(&m, v, HA_ACT_NONE, HA_STANDBY);
}

static void
test_ha_claim_generation(void **state OVS_UNUSED)
{
    /* Above the database's. */
    struct ha_machine m = HA_MACHINE_INITIALIZER;
    step(&m, locked(0, NULL), HA_ACT_WRITE_CLAIM, HA_CLAIMING);
    assert_int_equal(m.generation, 1);
    m = (struct ha_machine) HA_MACHINE_INITIALIZER;
    step(&m, locked(5, "c2"), HA_ACT_WRITE_CLAIM, HA_CLAIMING);
    assert_int_equal(m.generation, 6);

    /* Above a switch's that remembers more (a re-created database). */
    m = (struct ha_machine) HA_MACHINE_INITIALIZER;
    struct ha_view v = locked(5, "c2");
    v.switch_generation = 9;
    step(&m, v, HA_ACT_WRITE_CLAIM, HA_CLAIMING);
    assert_int_equal(m.generation, 10);
}

static void
test_ha_claim_waits_for_txn(void **state OVS_UNUSED)
{
    struct ha_machine m = HA_MACHINE_INITIALIZER;
    struct ha_view v = locked(3, "c2");
    v.txn_open = false;         /* A status commit is in flight. */
    step(&m, v, HA_ACT_NONE, HA_CLAIMING);
    step(&m, v, HA_ACT_NONE, HA_CLAIMING);
    step(&m, locked(3, "c2"), HA_ACT_WRITE_CLAIM, HA_CLAIMING);
    assert_int_equal(m.generation, 4);
}

static void
test_ha_active_when_seen(void **state OVS_UNUSED)
{
    struct ha_machine m = HA_MACHINE_INITIALIZER;
    step(&m, locked(3, "c2"), HA_ACT_WRITE_CLAIM, HA_CLAIMING);

    /* In flight: the old row, no transaction. */
    struct ha_view v = locked(3, "c2");
    v.txn_open = false;
    step(&m, v, HA_ACT_NONE, HA_CLAIMING);
    /* Committed (a new transaction opens), the update not in yet: no new
     * claim, which would only churn the generation. */
    step(&m, locked(3, "c2"), HA_ACT_NONE, HA_CLAIMING);
    step(&m, locked(3, "c2"), HA_ACT_NONE, HA_CLAIMING);
    /* The same generation under another name is not ours. */
    step(&m, locked(4, "c2"), HA_ACT_NONE, HA_CLAIMING);
    /* Seen back. */
    step(&m, locked(4, NAME), HA_ACT_BECOME_ACTIVE, HA_ACTIVE);
    assert_int_equal(m.generation, 4);
    step(&m, locked(4, NAME), HA_ACT_NONE, HA_ACTIVE);
}

static void
test_ha_claim_failed(void **state OVS_UNUSED)
{
    struct ha_machine m = HA_MACHINE_INITIALIZER;
    step(&m, locked(3, "c2"), HA_ACT_WRITE_CLAIM, HA_CLAIMING);
    assert_int_equal(m.generation, 4);

    /* The commit failed (try again, the database reconnected): written
     * again, above the one that failed, as soon as a transaction opens. */
    struct ha_view v = locked(3, "c2");
    v.commit_failed = true;
    v.txn_open = false;
    step(&m, v, HA_ACT_NONE, HA_CLAIMING);
    step(&m, locked(3, "c2"), HA_ACT_WRITE_CLAIM, HA_CLAIMING);
    assert_int_equal(m.generation, 5);
    step(&m, locked(5, NAME), HA_ACT_BECOME_ACTIVE, HA_ACTIVE);
}

static void
test_ha_lock_lost(void **state OVS_UNUSED)
{
    struct ha_machine m = make_active(3, "c2");
    assert_int_equal(m.generation, 4);

    /* Lost: standby at once, once. */
    struct ha_view v = locked(4, NAME);
    v.has_lock = false;
    step(&m, v, HA_ACT_BECOME_STANDBY, HA_STANDBY);
    step(&m, v, HA_ACT_NONE, HA_STANDBY);

    /* Back, the row still ours: a new generation all the same, above the
     * one it held (a standby may have been active meanwhile). */
    step(&m, locked(4, NAME), HA_ACT_WRITE_CLAIM, HA_CLAIMING);
    assert_int_equal(m.generation, 5);
    step(&m, locked(5, NAME), HA_ACT_BECOME_ACTIVE, HA_ACTIVE);

    /* Lost, then back while a transaction is in flight, the row still
     * showing this very claim (generation 5, ours): not active again until
     * a new claim is written and seen. */
    v.db_generation = 5;
    step(&m, v, HA_ACT_BECOME_STANDBY, HA_STANDBY);
    struct ha_view busy = locked(5, NAME);
    busy.txn_open = false;
    step(&m, busy, HA_ACT_NONE, HA_CLAIMING);
    step(&m, busy, HA_ACT_NONE, HA_CLAIMING);
    step(&m, locked(5, NAME), HA_ACT_WRITE_CLAIM, HA_CLAIMING);
    assert_int_equal(m.generation, 6);
    step(&m, locked(6, NAME), HA_ACT_BECOME_ACTIVE, HA_ACTIVE);

    /* Lost while claiming: standby, the claim forgotten. */
    v.db_generation = 6;
    step(&m, v, HA_ACT_BECOME_STANDBY, HA_STANDBY);
    step(&m, locked(6, NAME), HA_ACT_WRITE_CLAIM, HA_CLAIMING);
    step(&m, v, HA_ACT_BECOME_STANDBY, HA_STANDBY);
    assert_int_equal(m.claim, HA_CLAIM_NONE);
}

static void
test_ha_stale_switch(void **state OVS_UNUSED)
{
    struct ha_machine m = make_active(3, "c2");

    /* A host refused or demoted, the switch at our generation or older:
     * nothing to claim over (the host's own role logic asks again). */
    struct ha_view v = locked(4, NAME);
    v.any_stale = true;
    v.switch_generation = 3;
    step(&m, v, HA_ACT_NONE, HA_ACTIVE);
    /* Demoted at our own generation: by another session of ours to the
     * same switch, not by a newer claim; claiming again would only start
     * a race between our own sessions. */
    v.switch_generation = 4;
    step(&m, v, HA_ACT_NONE, HA_ACTIVE);

    /* The switch remembers a newer generation than the database (the
     * database was re-created): claim above it. */
    v.switch_generation = 8;
    step(&m, v, HA_ACT_WRITE_CLAIM, HA_CLAIMING);
    assert_int_equal(m.generation, 9);
    step(&m, locked(9, NAME), HA_ACT_BECOME_ACTIVE, HA_ACTIVE);
}

static void
test_ha_row_changed(void **state OVS_UNUSED)
{
    struct ha_machine m = make_active(3, "c2");

    /* The row no longer shows our claim (edited by hand, or the database
     * re-created with generation 0): claim again. */
    step(&m, locked(0, NULL), HA_ACT_WRITE_CLAIM, HA_CLAIMING);
    assert_int_equal(m.generation, 5);
    step(&m, locked(5, NAME), HA_ACT_BECOME_ACTIVE, HA_ACTIVE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ha_standby_without_lock),
        cmocka_unit_test(test_ha_claim_generation),
        cmocka_unit_test(test_ha_claim_waits_for_txn),
        cmocka_unit_test(test_ha_active_when_seen),
        cmocka_unit_test(test_ha_claim_failed),
        cmocka_unit_test(test_ha_lock_lost),
        cmocka_unit_test(test_ha_stale_switch),
        cmocka_unit_test(test_ha_row_changed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
