/* unit-fixture: see unit-fixture.h. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "unit-fixture.h"

struct uuid
next_uuid(void)
{
    static uint32_t counter;
    struct uuid uuid = { .parts = { ++counter, 0, 0, 0 } };
    return uuid;
}

void
unit_check_error__(char *error, const char *want, bool exact,
                   const char *file, int line)
{
    if (!error) {
        print_error(exact ? "ERROR: expected the error \"%s\"\n"
                    : "ERROR: expected an error containing \"%s\"\n", want);
        _fail(file, line);
        return;
    }
    bool ok = exact ? !strcmp(error, want) : strstr(error, want) != NULL;
    if (!ok) {
        print_error(exact ? "ERROR: error \"%s\", expected \"%s\"\n"
                    : "ERROR: error \"%s\" lacks \"%s\"\n", error, want);
    } else if (!exact && strchr(error, '\n')) {
        print_error("ERROR: error \"%s\" has more than one line\n", error);
        ok = false;
    }
    free(error);
    if (!ok) {
        _fail(file, line);
    }
}
