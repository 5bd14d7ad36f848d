/* test-openapi: docs/openapi.json describes exactly the REST API's routes.
 *
 * The route table lives in controller/rest/routes.c; this test reads it
 * through rest_route_*() and compares it, both ways, with the "paths" of the
 * OpenAPI document: the same paths ("{name}" for the table's "*") and, for
 * each, the same methods.  So neither can change without the other.
 * jansson side: no OVS headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "rest-parse.h"

static json_t *
load_openapi(void)
{
    const char *src = getenv("WEFT_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/openapi.json", src ? src : ".");
    json_error_t error;
    json_t *doc = json_load_file(path, 0, &error);
    if (!doc) {
        fail_msg("%s: %s (line %d)", path, error.text, error.line);
    }
    return doc;
}

/* Returns 'path' with every "{name}" replaced by "*" (malloc'd). */
static char *
openapi_to_pattern(const char *path)
{
    char *pattern = malloc(strlen(path) + 1);
    char *p = pattern;
    while (*path) {
        if (*path == '{') {
            const char *end = strchr(path, '}');
            assert_non_null(end);
            *p++ = '*';
            path = end + 1;
        } else {
            *p++ = *path++;
        }
    }
    *p = '\0';
    return pattern;
}

static unsigned int
openapi_methods(json_t *item)
{
    static const struct { const char *name; unsigned int bit; } methods[] = {
        { "get", REST_GET }, { "post", REST_POST }, { "delete", REST_DELETE },
        { "put", REST_OTHER }, { "patch", REST_PATCH }, { "head", REST_OTHER },
        { "options", REST_OTHER }, { "trace", REST_OTHER },
    };
    unsigned int bits = 0;
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        json_t *op = json_object_get(item, methods[i].name);
        if (op) {
            /* Every operation documents its answers. */
            assert_true(json_is_object(json_object_get(op, "responses")));
            bits |= methods[i].bit;
        }
    }
    return bits;
}

static void
test_document_is_openapi_3(void **state)
{
    (void) state;
    json_t *doc = load_openapi();
    const char *version = json_string_value(json_object_get(doc, "openapi"));
    assert_non_null(version);
    assert_int_equal(version[0], '3');
    assert_true(json_is_object(json_object_get(doc, "paths")));
    json_decref(doc);
}

/* Every route is in the document, with the same methods. */
static void
test_routes_are_documented(void **state)
{
    (void) state;
    json_t *doc = load_openapi();
    json_t *paths = json_object_get(doc, "paths");
    assert_true(rest_route_count() > 0);
    for (size_t i = 0; i < rest_route_count(); i++) {
        const char *pattern = rest_route_pattern(i);
        json_t *found = NULL;
        const char *path;
        json_t *item;
        json_object_foreach (paths, path, item) {
            char *p = openapi_to_pattern(path);
            if (!strcmp(p, pattern)) {
                found = item;
            }
            free(p);
        }
        if (!found) {
            fail_msg("route %s is not in docs/openapi.json", pattern);
        }
        if (openapi_methods(found) != rest_route_methods(i)) {
            fail_msg("route %s: methods 0x%x in the server, 0x%x in "
                     "docs/openapi.json", pattern, rest_route_methods(i),
                     openapi_methods(found));
        }
    }
    json_decref(doc);
}

/* Every documented path is a route. */
static void
test_document_has_no_other_paths(void **state)
{
    (void) state;
    json_t *doc = load_openapi();
    const char *path;
    json_t *item;
    json_object_foreach (json_object_get(doc, "paths"), path, item) {
        char *p = openapi_to_pattern(path);
        bool found = false;
        for (size_t i = 0; i < rest_route_count(); i++) {
            found = found || !strcmp(p, rest_route_pattern(i));
        }
        if (!found) {
            fail_msg("docs/openapi.json has %s, which the server does not "
                     "route", path);
        }
        free(p);
    }
    json_decref(doc);
}

/* Every "$ref" points at something in the document. */
static void
check_refs(json_t *doc, json_t *node)
{
    if (json_is_object(node)) {
        const char *key;
        json_t *value;
        json_object_foreach (node, key, value) {
            if (!strcmp(key, "$ref")) {
                const char *ref = json_string_value(value);
                assert_non_null(ref);
                assert_true(!strncmp(ref, "#/", 2));
                char *copy = strdup(ref + 2);
                json_t *target = doc;
                char *save = NULL;
                for (char *part = strtok_r(copy, "/", &save); part && target;
                     part = strtok_r(NULL, "/", &save)) {
                    target = json_object_get(target, part);
                }
                if (!target) {
                    fail_msg("dangling $ref %s", ref);
                }
                free(copy);
            } else {
                check_refs(doc, value);
            }
        }
    } else if (json_is_array(node)) {
        size_t i;
        json_t *value;
        json_array_foreach (node, i, value) {
            check_refs(doc, value);
        }
    }
}

static void
test_refs_resolve(void **state)
{
    (void) state;
    json_t *doc = load_openapi();
    check_refs(doc, doc);
    json_decref(doc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_is_openapi_3),
        cmocka_unit_test(test_routes_are_documented),
        cmocka_unit_test(test_document_has_no_other_paths),
        cmocka_unit_test(test_refs_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
