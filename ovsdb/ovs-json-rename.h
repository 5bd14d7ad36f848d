/* Force-included (-include) into every weft source that uses OVS headers.
 *
 * scripts/build-ovs.sh renames the OVS JSON functions whose names collide with
 * jansson's (json_object, json_array, ...) to ovs_json_* inside the static
 * libopenvswitch archive.  These macros make OVS-side code call the renamed
 * symbols.  A file must never include both jansson.h and OVS's json.h: the
 * macros would rename jansson's functions too.  tests/unit/test-json-symbols.c
 * checks that a binary linking both libraries calls each one's own code. */
#ifndef WEFT_OVS_JSON_RENAME_H
#define WEFT_OVS_JSON_RENAME_H 1

#ifdef JANSSON_H
#error "jansson.h and OVS headers must not be mixed in one file"
#endif
/* jansson.h guards itself with JANSSON_H: defining it here makes a later
 * #include <jansson.h> in an OVS-side file empty, so any use of jansson there
 * fails to compile instead of silently calling OVS's functions. */
#define JANSSON_H 1

#define json_object  ovs_json_object
#define json_array   ovs_json_array
#define json_string  ovs_json_string
#define json_integer ovs_json_integer
#define json_real    ovs_json_real
#define json_equal   ovs_json_equal

#endif /* ovs-json-rename.h */
