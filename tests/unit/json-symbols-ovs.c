/* The OVS side of test-json-symbols: compiled with OVS's headers (and so with
 * ovsdb/ovs-json-rename.h force-included), never with jansson's. */
#include <config.h>

#include "json-symbols-ovs.h"

#include <string.h>

#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "util.h"

/* Parses 'text' with OVS's parser and returns the string member 'key' of the
 * resulting object (malloc'd), or NULL.  Uses json_object() and
 * json_string(), the OVS functions whose names jansson also exports. */
char *
ovs_side_get_string(const char *text, const char *key)
{
    struct json *json = json_from_string(text);
    char *result = NULL;
    if (json->type == JSON_OBJECT) {
        const struct json *member = shash_find_data(json_object(json), key);
        if (member && member->type == JSON_STRING) {
            result = xstrdup(json_string(member));
        }
    }
    json_destroy(json);
    return result;
}

/* Builds an array with OVS's API and serializes it. */
char *
ovs_side_make_array(void)
{
    struct json *array = json_array_create_2(json_integer_create(1),
                                             json_string_create("two"));
    char *s = json_to_string(array, 0);
    json_destroy(array);
    return s;
}
