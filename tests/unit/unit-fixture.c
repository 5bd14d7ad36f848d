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
