/* test-host-idl: weft's own IDL for a host's Open_vSwitch database
 * (hostrec_, made at build time from OVS's vswitch.ovsschema trimmed to
 * ovsdb/host-idl.columns) against OVS's full vswitch IDL (ovsrec_), which
 * libopenvswitch carries and which was made from the same schema.
 *
 *  - every table and column of the host IDL is OVS's: same name, same type,
 *    same isRoot, same mutability, so what weft writes is what
 *    ovs-vswitchd reads;
 *  - each Interface, Port and Bridge row costs a fraction of what OVS's
 *    class costs: the IDL allocates the parsed struct and one datum per
 *    column of the class for every row, monitored or not. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "host-idl.h"
#include "openvswitch/json.h"
#include "ovsdb-data.h"
#include "ovsdb-idl-provider.h"
#include "ovsdb-types.h"
#include "vswitch-idl.h"

static const struct ovsdb_idl_table_class *
find_table(const struct ovsdb_idl_class *class, const char *name)
{
    for (size_t i = 0; i < class->n_tables; i++) {
        if (!strcmp(class->tables[i].name, name)) {
            return &class->tables[i];
        }
    }
    return NULL;
}

static const struct ovsdb_idl_column *
find_column(const struct ovsdb_idl_table_class *tc, const char *name)
{
    for (size_t i = 0; i < tc->n_columns; i++) {
        if (!strcmp(tc->columns[i].name, name)) {
            return &tc->columns[i];
        }
    }
    return NULL;
}

/* Whether columns 'a' and 'b' have the same type, constraints included
 * (enums, ranges, reference kinds), compared as the schema's JSON. */
static bool
same_type(const struct ovsdb_idl_column *a, const struct ovsdb_idl_column *b)
{
    struct json *ja = ovsdb_type_to_json(&a->type);
    struct json *jb = ovsdb_type_to_json(&b->type);
    bool same = json_equal(ja, jb);
    json_destroy(ja);
    json_destroy(jb);
    return same;
}

/* Every table and column of the host IDL is in OVS's class, alike. */
static void
test_columns_are_ovs(void **state OVS_UNUSED)
{
    assert_string_equal(hostrec_idl_class.database,
                        ovsrec_idl_class.database);
    assert_true(hostrec_idl_class.n_tables > 0);
    for (size_t i = 0; i < hostrec_idl_class.n_tables; i++) {
        const struct ovsdb_idl_table_class *h = &hostrec_idl_class.tables[i];
        const struct ovsdb_idl_table_class *o
            = find_table(&ovsrec_idl_class, h->name);
        if (!o) {
            fail_msg("host IDL table %s is not in OVS's schema", h->name);
        }
        assert_int_equal(h->is_root, o->is_root);
        assert_true(h->n_columns > 0);
        for (size_t j = 0; j < h->n_columns; j++) {
            const struct ovsdb_idl_column *hc = &h->columns[j];
            const struct ovsdb_idl_column *oc = find_column(o, hc->name);
            if (!oc) {
                fail_msg("host IDL column %s.%s is not in OVS's schema",
                         h->name, hc->name);
            }
            if (!same_type(hc, oc) || hc->is_mutable != oc->is_mutable) {
                fail_msg("host IDL column %s.%s differs from OVS's",
                         h->name, hc->name);
            }
        }
    }
}

/* The bytes the IDL allocates for one row of 'tc' whatever it holds: the
 * parsed struct and the datum array (ovsdb_idl_insert_row()). */
static size_t
row_fixed_bytes(const struct ovsdb_idl_table_class *tc)
{
    return tc->allocation_size + tc->n_columns * sizeof(struct ovsdb_datum);
}

/* The rows a host has one of per port cost under a third of OVS's. */
static void
test_rows_are_small(void **state OVS_UNUSED)
{
    static const char *tables[] = { "Interface", "Port" };
    size_t host = 0, ovs = 0;

    for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
        const struct ovsdb_idl_table_class *h
            = find_table(&hostrec_idl_class, tables[i]);
        const struct ovsdb_idl_table_class *o
            = find_table(&ovsrec_idl_class, tables[i]);
        assert_non_null(h);
        assert_non_null(o);
        printf("%s: host IDL %zu columns, %zu bytes a row; "
               "OVS's %zu columns, %zu bytes\n", tables[i], h->n_columns,
               row_fixed_bytes(h), o->n_columns, row_fixed_bytes(o));
        host += row_fixed_bytes(h);
        ovs += row_fixed_bytes(o);
    }
    if (host * 3 > ovs) {
        fail_msg("an Interface and a Port cost %zu bytes, OVS's IDL %zu",
                 host, ovs);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_are_ovs),
        cmocka_unit_test(test_rows_are_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
