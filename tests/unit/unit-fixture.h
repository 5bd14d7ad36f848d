/* unit-fixture: what the cmocka tests of topology/ share (test-validate*.c
 * through validate-fixture.h, test-quota.c and test-topology*.c):
 * assertions on the messages that topology/'s checks return, the UUIDs of
 * the objects a test adds, the lifetime of a fixture built around one
 * topology, and assertions on topo_changes_diff().  Include after
 * <cmocka.h>. */
#ifndef WEFT_UNIT_FIXTURE_H
#define WEFT_UNIT_FIXTURE_H 1

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"

/* Asserts that 'error' is NULL; if not, shows it. */
#define assert_ok(ERROR)                                                \
    do {                                                                \
        char *error__ = (ERROR);                                        \
        if (error__) {                                                  \
            fail_msg("unexpected error: %s", error__);                  \
        }                                                               \
    } while (0)

/* Asserts that 'error' is non-NULL and contains 'substring', on one line,
 * then frees it. */
#define assert_error(ERROR, SUBSTRING)                                  \
    unit_check_error__(ERROR, SUBSTRING, false, __FILE__, __LINE__)

/* Asserts that 'error' equals 'expected', then frees it. */
#define assert_error_is(ERROR, EXPECTED)                                \
    unit_check_error__(ERROR, EXPECTED, true, __FILE__, __LINE__)

/* assert_error() if 'exact' is false, else assert_error_is(); a failure is
 * reported at 'file':'line', the caller's. */
void unit_check_error__(char *error, const char *want, bool exact,
                        const char *file, int line);

/* A UUID no other call in this test program returned. */
struct uuid next_uuid(void);

/* The UUID { 'n', 0, 0, 0 }: for tests that choose their objects' UUIDs
 * (and so the order in which the topology keeps them). */
struct uuid make_uuid(uint32_t n);

/* A test file's fixture is a 'struct fixture' whose first member is its
 * 'struct topology'.  UNIT_TOPOLOGY_SETUP(BUILD) defines that file's
 * setup(): one fresh fixture per test, zeroed and then filled in by
 * BUILD(f).  unit_topology_teardown() destroys the topology and frees the
 * fixture.  UNIT_TOPOLOGY_TEST(NAME) is a cmocka test of 'NAME' with the
 * file's setup() and that teardown. */
#define UNIT_TOPOLOGY_SETUP(BUILD)                  \
    static int                                      \
    setup(void **state)                             \
    {                                               \
        struct fixture *f = xzalloc(sizeof *f);     \
        BUILD(f);                                   \
        *state = f;                                 \
        return 0;                                   \
    }
int unit_topology_teardown(void **state);
#define UNIT_TOPOLOGY_TEST(NAME) \
    cmocka_unit_test_setup_teardown(NAME, setup, unit_topology_teardown)

/* Asserts that FORMAT(c), for the changes 'c' that topo_changes_diff()
 * finds from 'OLD' to 'NEW', is the string 'WANT'; a failure is reported
 * at the caller's line.  FORMAT returns a string that the caller frees. */
#define assert_topo_diff(OLD, NEW, FORMAT, WANT)                        \
    unit_check_diff__(OLD, NEW, FORMAT, WANT, __FILE__, __LINE__)
void unit_check_diff__(const struct topology *old,
                       const struct topology *new,
                       char *(*format)(const struct topo_changes *),
                       const char *want, const char *file, int line);

#endif /* unit-fixture.h */
