/* unit-fixture: what the cmocka tests of topology/ share (test-validate.c,
 * test-validate-request.c through validate-fixture.h, and test-quota.c):
 * assertions on the messages that topology/'s checks return, and the UUIDs
 * of the objects a test adds.  Include after <cmocka.h>. */
#ifndef WEFT_UNIT_FIXTURE_H
#define WEFT_UNIT_FIXTURE_H 1

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
    do {                                                                \
        char *error__ = (ERROR);                                        \
        if (!error__) {                                                 \
            fail_msg("expected an error containing \"%s\"", SUBSTRING); \
        }                                                               \
        if (!strstr(error__, SUBSTRING)) {                              \
            char *copy__ = xstrdup(error__);                            \
            free(error__);                                              \
            fail_msg("error \"%s\" lacks \"%s\"", copy__, SUBSTRING);   \
        }                                                               \
        assert_null(strchr(error__, '\n'));                             \
        free(error__);                                                  \
    } while (0)

/* Asserts that 'error' equals 'expected', then frees it. */
#define assert_error_is(ERROR, EXPECTED)                                \
    do {                                                                \
        char *error__ = (ERROR);                                        \
        if (!error__) {                                                 \
            fail_msg("expected the error \"%s\"", EXPECTED);            \
        }                                                               \
        if (strcmp(error__, EXPECTED)) {                                \
            char *copy__ = xstrdup(error__);                            \
            free(error__);                                              \
            fail_msg("error \"%s\", expected \"%s\"", copy__, EXPECTED); \
        }                                                               \
        free(error__);                                                  \
    } while (0)

/* A UUID no other call in this test program returned. */
struct uuid next_uuid(void);

#endif /* unit-fixture.h */
