/* test-schema: checks that weft's database schema (ovsdb/weft.ovsschema) and
 * the limits in topology/topology.h agree.
 *
 * The schema's constraints are the last line of defence (ovsdb-server rejects
 * a row that violates them) and the TOPO_* constants are what validation and
 * the flow compiler assume, so a change to one without the other would make
 * weftctl accept what the server refuses, or the reverse.  The schema is read
 * from $WEFT_SOURCE_DIR with OVS's own JSON parser. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "topology.h"
#include "util.h"

/* Returns the member 'name' of JSON object 'json', failing the test if
 * 'json' is not an object or lacks it. */
static const struct json *
member(const struct json *json, const char *name)
{
    assert_non_null(json);
    assert_int_equal(json->type, JSON_OBJECT);
    const struct json *value = shash_find_data(json_object(json), name);
    if (!value) {
        fail_msg("schema: no member \"%s\"", name);
    }
    return value;
}

/* Returns the "key" (or "value", if 'part' says so) type of column 'column'
 * of table 'table'. */
static const struct json *
column_part(const struct json *schema, const char *table, const char *column,
            const char *part)
{
    const struct json *tables = member(schema, "tables");
    const struct json *columns = member(member(tables, table), "columns");
    const struct json *type = member(member(columns, column), "type");
    const struct json *key = member(type, part);
    assert_int_equal(key->type, JSON_OBJECT);
    return key;
}

static const struct json *
column_key(const struct json *schema, const char *table, const char *column)
{
    return column_part(schema, table, column, "key");
}

static void
check_part_range(const struct json *schema, const char *table,
                 const char *column, const char *part, long long int min,
                 long long int max)
{
    const struct json *key = column_part(schema, table, column, part);
    assert_string_equal(json_string(member(key, "type")), "integer");

    const struct json *min_json = member(key, "minInteger");
    const struct json *max_json = member(key, "maxInteger");
    assert_int_equal(min_json->type, JSON_INTEGER);
    assert_int_equal(max_json->type, JSON_INTEGER);
    if (json_integer(min_json) != min || json_integer(max_json) != max) {
        fail_msg("%s.%s: schema range %lld-%lld, topology.h %lld-%lld",
                 table, column, (long long int) json_integer(min_json),
                 (long long int) json_integer(max_json), min, max);
    }
}

static void
check_int_range(const struct json *schema, const char *table,
                const char *column, long long int min, long long int max)
{
    check_part_range(schema, table, column, "key", min, max);
}

/* Fills 'set' with the strings of the enum of 'table'.'column'. */
static void
get_enum(const struct json *schema, const char *table, const char *column,
         struct sset *set)
{
    const struct json *key = column_key(schema, table, column);
    assert_string_equal(json_string(member(key, "type")), "string");

    /* An OVSDB enum is the <set> ["set", [values...]]. */
    const struct json *e = member(key, "enum");
    assert_int_equal(e->type, JSON_ARRAY);
    assert_int_equal(json_array(e)->n, 2);
    assert_string_equal(json_string(json_array(e)->elems[0]), "set");
    const struct json_array *values = json_array(json_array(e)->elems[1]);
    for (size_t i = 0; i < values->n; i++) {
        assert_int_equal(values->elems[i]->type, JSON_STRING);
        assert_true(sset_add(set, json_string(values->elems[i])));
    }
}

static int
setup(void **state)
{
    const char *srcdir = getenv("WEFT_SOURCE_DIR");
    if (!srcdir || !srcdir[0]) {
        fprintf(stderr, "test-schema: WEFT_SOURCE_DIR is not set\n");
        return -1;
    }
    char *file = xasprintf("%s/ovsdb/weft.ovsschema", srcdir);
    struct json *schema = json_from_file(file);
    if (schema->type == JSON_STRING) {
        /* json_from_file() reports errors as a string. */
        fprintf(stderr, "test-schema: %s: %s\n", file, json_string(schema));
        json_destroy(schema);
        free(file);
        return -1;
    }
    free(file);
    *state = schema;
    return 0;
}

static int
teardown(void **state)
{
    json_destroy(*state);
    return 0;
}

static void
test_schema_name(void **state)
{
    const struct json *schema = *state;
    assert_string_equal(json_string(member(schema, "name")), "Weft");
}

static void
test_integer_ranges(void **state)
{
    const struct json *schema = *state;

    /* One column holds VLAN IDs and VNIs alike: its range is their union,
     * and validation narrows it per type. */
    check_int_range(schema, "Network", "segment_id",
                    MIN(TOPO_VLAN_MIN, TOPO_VNI_MIN),
                    MAX(TOPO_VLAN_MAX, TOPO_VNI_MAX));
    check_int_range(schema, "Network", "mtu", TOPO_MTU_MIN, TOPO_MTU_MAX);
    check_int_range(schema, "Tenant", "flow_key", 1, TOPO_TENANT_KEY_MAX);
    check_int_range(schema, "Network", "flow_key", 1, TOPO_NETWORK_KEY_MAX);
    check_int_range(schema, "Port", "flow_key", 1, TOPO_PORT_KEY_MAX);

    /* Tenant.quota holds every quota's limit: the union of their ranges,
     * narrowed per quota by parse_quota(). */
    uint32_t max = 0;
    for (size_t q = 0; q < N_TOPO_QUOTAS; q++) {
        max = MAX(max, topo_quota_max(q));
    }
    assert_int_equal(max, TOPO_QUOTA_VALUE_MAX);
    check_part_range(schema, "Tenant", "quota", "value", 0,
                     TOPO_QUOTA_VALUE_MAX);
}

/* Tenant.quota's keys are exactly the quotas of topology/quota.h. */
static void
test_quota_names(void **state)
{
    const struct json *schema = *state;

    struct sset schema_names = SSET_INITIALIZER(&schema_names);
    struct sset code_names = SSET_INITIALIZER(&code_names);
    get_enum(schema, "Tenant", "quota", &schema_names);
    for (size_t q = 0; q < N_TOPO_QUOTAS; q++) {
        sset_add(&code_names, topo_quota_name(q));
    }
    bool equal = sset_equals(&schema_names, &code_names);
    sset_destroy(&schema_names);
    sset_destroy(&code_names);
    assert_true(equal);
}

static void
test_network_types(void **state)
{
    static const enum topo_net_type types[] = {
        TOPO_NET_VLAN, TOPO_NET_VXLAN, TOPO_NET_GRE, TOPO_NET_GENEVE,
    };
    const struct json *schema = *state;

    struct sset schema_types = SSET_INITIALIZER(&schema_types);
    struct sset code_types = SSET_INITIALIZER(&code_types);
    get_enum(schema, "Network", "type", &schema_types);
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        const char *name = topo_net_type_to_string(types[i]);
        enum topo_net_type type;
        assert_true(topo_net_type_from_string(name, &type));
        assert_int_equal(type, types[i]);
        sset_add(&code_types, name);
    }
    assert_int_equal(sset_count(&code_types), ARRAY_SIZE(types));
    bool equal = sset_equals(&schema_types, &code_types);
    sset_destroy(&schema_types);
    sset_destroy(&code_types);
    assert_true(equal);
}

static void
test_datapath_types(void **state)
{
    const struct json *schema = *state;

    struct sset types = SSET_INITIALIZER(&types);
    get_enum(schema, "Host", "datapath_type", &types);
    bool ok = (sset_count(&types) == 2 && sset_contains(&types, "netdev")
               && sset_contains(&types, "system"));
    sset_destroy(&types);
    assert_true(ok);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_name),
        cmocka_unit_test(test_integer_ranges),
        cmocka_unit_test(test_network_types),
        cmocka_unit_test(test_datapath_types),
        cmocka_unit_test(test_quota_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
