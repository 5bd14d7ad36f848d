/* test-host-ifaces: the index of one host's rows that host-db.c keeps from
 * the IDL's tracked changes (ovsdb/host-ifaces.c), fed with rows built by
 * hand (no IDL, no switch).
 *
 *  - foreign names: a bridge, a port without weft's mark and its
 *    interfaces; weft's own interfaces on br-int and nowhere else;
 *  - a change names only the rows it touched (dirty names);
 *  - the ofport_request choice, made one name at a time, equals at every
 *    step what wanted_ports_assign_ofports() chooses for every name from
 *    the same rows and the previous choice, over random sequences of port
 *    adds and deletes, switch-given numbers, clashes and foreign
 *    interfaces; and it chooses for every name only on a clash. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "bitmap.h"
#include "host-ifaces.h"
#include "random.h"
#include "smap.h"
#include "util.h"
#include "host-idl.h"
#include "wanted-ports.h"

#define N_NAMES 24
#define N_FOREIGN 4             /* Foreign interfaces "f0".."f3". */
#define MAX_NUM 40              /* Numbers the test's interfaces hold. */

/* One hand-built Port row with one Interface row of the same name. */
struct row {
    bool present;
    bool owned;
    struct hostrec_interface iface;
    struct hostrec_port port;
    struct hostrec_interface *iface_ptr;
    int64_t ofport, ofport_request;
    char *name;
};

struct fx {
    struct host_ifaces hi;
    struct row rows[N_NAMES + N_FOREIGN];
    struct wanted_ports wanted;
    struct hostrec_bridge br;
    struct hostrec_port **br_ports;
    unsigned int next_uuid;
    size_t n_full;
};

static const char *
row_name(int i)
{
    static char names[N_NAMES + N_FOREIGN][8];
    if (!names[i][0]) {
        if (i < N_NAMES) {
            snprintf(names[i], sizeof names[i], "p%02d", i);
        } else {
            snprintf(names[i], sizeof names[i], "f%d", i - N_NAMES);
        }
    }
    return names[i];
}

/* Fills 'r' as a new pair of rows (new UUIDs). */
static void
row_create(struct fx *fx, struct row *r, int i, bool owned)
{
    if (r->name) {
        smap_destroy(&r->port.external_ids);
    }
    memset(&r->iface, 0, sizeof r->iface);
    memset(&r->port, 0, sizeof r->port);
    r->present = true;
    r->owned = owned;
    r->name = CONST_CAST(char *, row_name(i));
    r->iface.header_.uuid.parts[0] = ++fx->next_uuid;
    r->port.header_.uuid.parts[0] = ++fx->next_uuid;
    r->iface.name = r->name;
    r->port.name = r->name;
    r->iface_ptr = &r->iface;
    r->port.interfaces = &r->iface_ptr;
    r->port.n_interfaces = 1;
    smap_init(&r->port.external_ids);
    if (owned) {
        smap_add(&r->port.external_ids, "weft-port", "x");
    }
}

static void
row_set_numbers(struct row *r, int64_t ofport, int64_t request)
{
    r->ofport = ofport;
    r->ofport_request = request;
    r->iface.ofport = ofport ? &r->ofport : NULL;
    r->iface.n_ofport = ofport != 0;
    r->iface.ofport_request = request ? &r->ofport_request : NULL;
    r->iface.n_ofport_request = request != 0;
}

static void
fx_init(struct fx *fx)
{
    memset(fx, 0, sizeof *fx);
    host_ifaces_init(&fx->hi);
    wanted_ports_init(&fx->wanted);
    fx->br_ports = xcalloc(N_NAMES + N_FOREIGN, sizeof *fx->br_ports);
    fx->br.name = CONST_CAST(char *, "br-int");
    fx->br.ports = fx->br_ports;
}

static void
fx_destroy(struct fx *fx)
{
    for (size_t i = 0; i < ARRAY_SIZE(fx->rows); i++) {
        if (fx->rows[i].name) {
            smap_destroy(&fx->rows[i].port.external_ids);
        }
    }
    host_ifaces_destroy(&fx->hi);
    wanted_ports_destroy(&fx->wanted);
    free(fx->br_ports);
}

/* br-int holds every present row; "br-int" and "br0" are bridges. */
static void
fx_update_bridges(struct fx *fx, struct sset *dirty)
{
    fx->br.n_ports = 0;
    for (size_t i = 0; i < ARRAY_SIZE(fx->rows); i++) {
        if (fx->rows[i].present) {
            fx->br_ports[fx->br.n_ports++] = &fx->rows[i].port;
        }
    }
    struct sset names = SSET_INITIALIZER(&names);
    sset_add(&names, "br-int");
    sset_add(&names, "br0");
    host_ifaces_update_bridges(&fx->hi, &names, &fx->br, dirty);
    sset_destroy(&names);
}

static void
want(struct fx *fx, const char *name, bool wanted)
{
    struct shash_node *node = shash_find(&fx->wanted.ports, name);
    if (wanted && !node) {
        struct wanted_port *w = xzalloc(sizeof *w);
        w->owner = xstrdup("x");
        w->type = xstrdup("");
        smap_init(&w->options);
        shash_add(&fx->wanted.ports, name, w);
    } else if (!wanted && node) {
        struct wanted_port *w = node->data;
        free(w->owner);
        free(w->type);
        smap_destroy(&w->options);
        free(w);
        shash_delete(&fx->wanted.ports, node);
    }
}

/* What wanted_ports_assign_ofports() chooses from the rows as they are and
 * 'prev', built the way host-db.c did before it was incremental: by walking
 * every interface. */
static void
expected_choice(const struct fx *fx, const struct simap *prev,
                struct simap *out)
{
    struct simap have = SIMAP_INITIALIZER(&have);
    unsigned long *taken = bitmap_allocate(WANTED_OFPORT_MAX + 1);
    for (size_t i = 0; i < ARRAY_SIZE(fx->rows); i++) {
        const struct row *r = &fx->rows[i];
        if (!r->present) {
            continue;
        }
        int64_t real = r->ofport, req = r->ofport_request;
        if (r->owned) {
            int64_t n = real > 0 ? real : req;
            if (n > 0 && n <= WANTED_OFPORT_MAX) {
                simap_put(&have, r->name, n);
            }
        } else {
            if (req > 0) {
                bitmap_set1(taken, req);
            }
            if (real > 0) {
                bitmap_set1(taken, real);
            }
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(fx->rows); i++) {
        const struct row *r = &fx->rows[i];
        if (r->present && r->owned && r->ofport > 0) {
            bitmap_set0(taken, simap_get(&have, r->name));
        }
    }
    wanted_ports_assign_ofports(&fx->wanted.ports, &have, prev, taken, out);
    free(taken);
    simap_destroy(&have);
}

/* Applies the rows in 'touched' (and the wanted names in 'dirty' already),
 * chooses incrementally and checks the choice against a full one. */
static void
fx_step(struct fx *fx, const struct sset *touched_rows, struct sset *dirty)
{
    const char *name;
    SSET_FOR_EACH (name, touched_rows) {
        for (size_t i = 0; i < ARRAY_SIZE(fx->rows); i++) {
            struct row *r = &fx->rows[i];
            if (r->name && !strcmp(r->name, name)) {
                assert_true(host_ifaces_update_iface(&fx->hi, &r->iface,
                                                     !r->present, dirty));
                assert_true(host_ifaces_update_port(&fx->hi, &r->port,
                                                    !r->present, dirty));
            }
        }
    }
    fx_update_bridges(fx, dirty);
    SSET_FOR_EACH (name, dirty) {
        host_ifaces_refresh_numbers(&fx->hi, name,
                                    shash_find(&fx->wanted.ports, name));
    }

    struct simap prev = SIMAP_INITIALIZER(&prev);
    const struct simap_node *node;
    SIMAP_FOR_EACH (node, &fx->hi.requested) {
        simap_put(&prev, node->name, node->data);
    }
    struct sset changed = SSET_INITIALIZER(&changed);
    fx->n_full += host_ifaces_assign(&fx->hi, &fx->wanted.ports, dirty,
                                     false, &changed);

    struct simap want_out = SIMAP_INITIALIZER(&want_out);
    expected_choice(fx, &prev, &want_out);
    if (!simap_equal(&want_out, &fx->hi.requested)) {
        SIMAP_FOR_EACH (node, &want_out) {
            print_message("%s: want %u, got %u\n", node->name, node->data,
                          simap_get(&fx->hi.requested, node->name));
        }
        for (size_t i = 0; i < ARRAY_SIZE(fx->rows); i++) {
            const struct row *r = &fx->rows[i];
            if (r->present) {
                print_message("row %s owned=%d ofport=%"PRId64" req=%"PRId64
                              "\n", r->name, r->owned, r->ofport,
                              r->ofport_request);
            }
        }
        SIMAP_FOR_EACH (node, &prev) {
            print_message("prev %s=%u\n", node->name, node->data);
        }
        SSET_FOR_EACH (name, dirty) {
            print_message("dirty %s\n", name);
        }
        fail_msg("incremental choice differs from a full one");
    }
    /* Every name whose choice changed is reported. */
    SIMAP_FOR_EACH (node, &want_out) {
        if (simap_get(&prev, node->name) != node->data) {
            assert_true(sset_contains(&changed, node->name));
        }
    }
    simap_destroy(&want_out);
    simap_destroy(&prev);
    sset_destroy(&changed);
}

static void
test_foreign_and_owned(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    struct sset dirty = SSET_INITIALIZER(&dirty);
    struct sset touched = SSET_INITIALIZER(&touched);

    row_create(&fx, &fx.rows[0], 0, true);          /* p00: weft's. */
    row_set_numbers(&fx.rows[0], 3, 3);
    row_create(&fx, &fx.rows[1], 1, false);         /* p01: foreign. */
    sset_add(&touched, "p00");
    sset_add(&touched, "p01");
    fx_step(&fx, &touched, &dirty);
    assert_true(sset_contains(&dirty, "p00"));
    assert_true(sset_contains(&dirty, "br0"));

    assert_false(host_ifaces_foreign(&fx.hi, "p00"));
    assert_true(host_ifaces_foreign(&fx.hi, "p01"));
    assert_true(host_ifaces_foreign(&fx.hi, "br0"));
    assert_false(host_ifaces_foreign(&fx.hi, "p02"));
    const struct hif_iface *i = host_ifaces_owned(&fx.hi, "p00");
    assert_non_null(i);
    assert_int_equal(i->ofport, 3);
    assert_null(host_ifaces_owned(&fx.hi, "p01"));

    /* p01 deleted: only its name is dirty, and it is no longer foreign. */
    sset_clear(&dirty);
    sset_clear(&touched);
    fx.rows[1].present = false;
    sset_add(&touched, "p01");
    fx_step(&fx, &touched, &dirty);
    assert_int_equal(sset_count(&dirty), 1);
    assert_true(sset_contains(&dirty, "p01"));
    assert_false(host_ifaces_foreign(&fx.hi, "p01"));

    /* A row already known coming again as new: the IDL reloaded. */
    fx.rows[0].iface.header_.change_seqno[OVSDB_IDL_CHANGE_INSERT] = 1;
    assert_false(host_ifaces_update_iface(&fx.hi, &fx.rows[0].iface, false,
                                          &dirty));

    sset_destroy(&dirty);
    sset_destroy(&touched);
    fx_destroy(&fx);
}

/* One random change: a name wanted or not, weft's port created with its
 * choice (the switch gives it that number, another, or none yet), a port
 * deleted, a foreign interface taking a number. */
static void
random_change(struct fx *fx, struct sset *touched, struct sset *dirty)
{
    int i = random_range(N_NAMES + N_FOREIGN);
    struct row *r = &fx->rows[i];
    const char *name = row_name(i);
    if (sset_contains(touched, name)) {
        return;                 /* One change of its rows per step. */
    }
    if (i >= N_NAMES) {
        if (r->present && random_range(3) == 0) {
            r->present = false;
        } else {
            if (!r->present) {
                row_create(fx, r, i, false);
            }
            int64_t n = random_range(MAX_NUM) + 1;
            row_set_numbers(r, random_range(2) ? n : 0,
                            random_range(2) ? n : random_range(MAX_NUM) + 1);
        }
        sset_add(touched, name);
        return;
    }
    switch (random_range(4)) {
    case 0: {
        bool wanted = !shash_find(&fx->wanted.ports, name);
        want(fx, name, wanted);
        sset_add(dirty, name);
        break;
    }
    case 1:
    case 2:
        /* weft's reconcile: what it wants exists, with its choice. */
        if (shash_find(&fx->wanted.ports, name)) {
            int64_t req = simap_get(&fx->hi.requested, name);
            if (!r->present) {
                row_create(fx, r, i, true);
            }
            int64_t real = (random_range(4) == 0 ? random_range(MAX_NUM) + 1
                            : random_range(3) == 0 ? 0 : req);
            row_set_numbers(r, real, req);
        } else if (r->present && r->owned) {
            r->present = false;
        }
        sset_add(touched, name);
        break;
    case 3:
        if (r->present && r->ofport_request && !r->ofport) {
            row_set_numbers(r, r->ofport_request, r->ofport_request);
            sset_add(touched, name);
        }
        break;
    }
}

static void
test_assign_equals_full(void **state)
{
    (void) state;
    random_set_seed(0x5eed);
    size_t n_steps = 0, n_full = 0;
    for (int round = 0; round < 40; round++) {
        struct fx fx;
        fx_init(&fx);
        for (int step = 0; step < 150; step++) {
            struct sset dirty = SSET_INITIALIZER(&dirty);
            struct sset touched = SSET_INITIALIZER(&touched);
            int n = random_range(3) + 1;
            for (int k = 0; k < n; k++) {
                random_change(&fx, &touched, &dirty);
            }
            fx_step(&fx, &touched, &dirty);
            sset_destroy(&dirty);
            sset_destroy(&touched);
            n_steps++;
        }
        n_full += fx.n_full;
        fx_destroy(&fx);
    }
    print_message("%"PRIuSIZE" steps, %"PRIuSIZE" full choices\n", n_steps,
                  n_full);
    /* Clashes are common in this test, yet most steps choose for their own
     * names only. */
    assert_true(n_full < n_steps / 2);
}

/* Ports added one by one, each created with its choice: never a full
 * choice, and the numbers are 1, 2, 3... */
static void
test_adds_are_incremental(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    for (int i = 0; i < N_NAMES; i++) {
        struct sset dirty = SSET_INITIALIZER(&dirty);
        struct sset touched = SSET_INITIALIZER(&touched);
        want(&fx, row_name(i), true);
        sset_add(&dirty, row_name(i));
        fx_step(&fx, &touched, &dirty);
        assert_int_equal(simap_get(&fx.hi.requested, row_name(i)), i + 1);

        sset_clear(&dirty);
        row_create(&fx, &fx.rows[i], i, true);
        row_set_numbers(&fx.rows[i], i + 1, i + 1);
        sset_add(&touched, row_name(i));
        fx_step(&fx, &touched, &dirty);
        sset_destroy(&dirty);
        sset_destroy(&touched);
    }
    assert_int_equal(fx.n_full, 0);
    fx_destroy(&fx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_foreign_and_owned),
        cmocka_unit_test(test_adds_are_incremental),
        cmocka_unit_test(test_assign_equals_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
