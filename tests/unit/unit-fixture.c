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

struct uuid
make_uuid(uint32_t n)
{
    struct uuid uuid = { .parts = { n, 0, 0, 0 } };
    return uuid;
}

int
unit_topology_teardown(void **state)
{
    struct topology *topo = *state;     /* The fixture's first member. */
    topology_destroy(topo);
    free(topo);
    return 0;
}

void
unit_check_diff__(const struct topology *old, const struct topology *new,
                  char *(*format)(const struct topo_changes *),
                  const char *want, const char *file, int line)
{
    struct topo_changes c;
    topo_changes_init(&c);
    topo_changes_diff(old, new, &c);
    char *got = format(&c);
    topo_changes_destroy(&c);
    bool ok = !strcmp(got, want);
    if (!ok) {
        print_error("ERROR: changes \"%s\", expected \"%s\"\n", got, want);
    }
    free(got);
    if (!ok) {
        _fail(file, line);
    }
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
