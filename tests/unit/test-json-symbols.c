/* test-json-symbols: jansson and libopenvswitch in one static binary.
 *
 * libopenvswitch exports json_object, json_array, json_string, json_integer,
 * json_real and json_equal, as jansson does.  Unrenamed, the linker binds
 * every caller to whichever definition it sees first and the other library's
 * callers run foreign code (measured: jansson's json_object() returned OVS's
 * and aborted).  scripts/build-ovs.sh renames OVS's copies; this test calls
 * each colliding function through both libraries and checks each behaves as
 * its own library documents.  This file includes jansson only. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json-symbols-ovs.h"

static void
test_jansson_constructors(void **state)
{
    (void) state;
    json_t *obj = json_object();
    assert_non_null(obj);
    assert_true(json_is_object(obj));
    json_t *arr = json_array();
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_append_new(arr, json_integer(42)), 0);
    assert_int_equal(json_array_append_new(arr, json_real(1.5)), 0);
    assert_int_equal(json_array_append_new(arr, json_string("x")), 0);
    assert_int_equal(json_object_set_new(obj, "a", arr), 0);

    char *text = json_dumps(obj, JSON_COMPACT);
    assert_string_equal(text, "{\"a\":[42,1.5,\"x\"]}");

    json_error_t err;
    json_t *again = json_loads(text, 0, &err);
    assert_non_null(again);
    assert_true(json_equal(obj, again));
    json_decref(again);
    free(text);
    json_decref(obj);
}

static void
test_ovs_side(void **state)
{
    (void) state;
    char *s = ovs_side_get_string("{\"name\": \"weft\", \"n\": 1}", "name");
    assert_non_null(s);
    assert_string_equal(s, "weft");
    free(s);
    assert_null(ovs_side_get_string("{\"n\": 1}", "name"));

    char *arr = ovs_side_make_array();
    assert_string_equal(arr, "[1,\"two\"]");
    free(arr);
}

/* Both in one sequence: a mixed process (weftd with the REST thread) does
 * exactly this. */
static void
test_interleaved(void **state)
{
    (void) state;
    for (int i = 0; i < 100; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "i", json_integer(i));
        char *text = json_dumps(o, JSON_COMPACT);
        char *back = ovs_side_make_array();
        assert_string_equal(back, "[1,\"two\"]");
        free(back);
        free(text);
        json_decref(o);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jansson_constructors),
        cmocka_unit_test(test_ovs_side),
        cmocka_unit_test(test_interleaved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
