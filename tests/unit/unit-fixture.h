/* unit-fixture: what the cmocka tests of topology/ share (test-validate.c,
 * test-validate-request.c through validate-fixture.h, and test-quota.c):
 * assertions on the messages that topology/'s checks return, and the UUIDs
 * of the objects a test adds.  Include after <cmocka.h>. */
#ifndef WEFT_UNIT_FIXTURE_H
#define WEFT_UNIT_FIXTURE_H 1

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

#endif /* unit-fixture.h */
