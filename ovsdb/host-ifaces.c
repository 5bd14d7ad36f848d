/* host-ifaces: one host's Bridge, Port and Interface rows by name, from the
 * IDL's tracked changes.  See host-ifaces.h. */
#include <config.h>

#include "host-ifaces.h"

#include <string.h>

#include "bitmap.h"
#include "hash.h"
#include "smap.h"
#include "util.h"
#include "host-idl.h"
#include "wanted-ports.h"

#define OWNER_KEY "weft-port"           /* As in host-db.c. */

/* How one ofport number is held on br-int. */
struct hif_num {
    struct hmap_node node;          /* In host_ifaces 'nums', by number. */
    uint32_t n;
    int foreign;                    /* Foreign interfaces holding it, as
                                     * ofport or ofport_request. */
    int held;                       /* weft's interfaces with it as ofport. */
    int unwanted;                   /* weft's unwanted interfaces with it as
                                     * their number. */
    const char *requested;          /* The wanted name whose choice it is
                                     * (its key in 'requested'), or NULL. */
};

void
host_ifaces_init(struct host_ifaces *hi)
{
    hmap_init(&hi->ports);
    hmap_init(&hi->ports_by_name);
    hmap_init(&hi->ifaces);
    hmap_init(&hi->ifaces_by_name);
    sset_init(&hi->bridges);
    hi->mark = 0;
    hmap_init(&hi->nums);
    hi->used = bitmap_allocate(WANTED_OFPORT_MAX + 1);
    simap_init(&hi->requested);
    hi->n_mismatch = 0;
    sset_init(&hi->contested);
}

static void
hif_port_free(struct hif_port *p)
{
    for (size_t i = 0; i < p->n_ifaces; i++) {
        free(p->ifaces[i]);
    }
    free(p->ifaces);
    free(p->name);
    free(p);
}

void
host_ifaces_clear(struct host_ifaces *hi)
{
    struct hif_port *p;
    HMAP_FOR_EACH_POP (p, node, &hi->ports) {
        hif_port_free(p);
    }
    hmap_clear(&hi->ports_by_name);
    struct hif_iface *i;
    HMAP_FOR_EACH_POP (i, node, &hi->ifaces) {
        free(i->name);
        free(i);
    }
    hmap_clear(&hi->ifaces_by_name);
    sset_clear(&hi->bridges);

    /* Only the choices stay: a full walk counts the rows' numbers again. */
    struct hif_num *num;
    HMAP_FOR_EACH_SAFE (num, node, &hi->nums) {
        num->foreign = num->held = num->unwanted = 0;
        if (!num->requested) {
            bitmap_set0(hi->used, num->n);
            hmap_remove(&hi->nums, &num->node);
            free(num);
        }
    }
}

void
host_ifaces_destroy(struct host_ifaces *hi)
{
    host_ifaces_clear(hi);
    struct hif_num *num;
    HMAP_FOR_EACH_POP (num, node, &hi->nums) {
        free(num);
    }
    hmap_destroy(&hi->ports);
    hmap_destroy(&hi->ports_by_name);
    hmap_destroy(&hi->ifaces);
    hmap_destroy(&hi->ifaces_by_name);
    sset_destroy(&hi->bridges);
    hmap_destroy(&hi->nums);
    free(hi->used);
    simap_destroy(&hi->requested);
    sset_destroy(&hi->contested);
}

bool
host_ifaces_is_empty(const struct host_ifaces *hi)
{
    return hmap_is_empty(&hi->ports) && hmap_is_empty(&hi->ifaces)
           && sset_is_empty(&hi->bridges);
}

/* Numbers. */

static bool
num_in_range(int64_t n)
{
    return n >= WANTED_OFPORT_MIN && n <= WANTED_OFPORT_MAX;
}

static struct hif_num *
num_find(const struct host_ifaces *hi, int64_t n)
{
    struct hif_num *num;
    HMAP_FOR_EACH_WITH_HASH (num, node, hash_int(n, 0), &hi->nums) {
        if (num->n == n) {
            return num;
        }
    }
    return NULL;
}

static struct hif_num *
num_get(struct host_ifaces *hi, int64_t n)
{
    struct hif_num *num = num_find(hi, n);
    if (!num) {
        num = xzalloc(sizeof *num);
        num->n = n;
        hmap_insert(&hi->nums, &num->node, hash_int(n, 0));
        bitmap_set1(hi->used, n);
    }
    return num;
}

static void
num_put(struct host_ifaces *hi, struct hif_num *num)
{
    if (!num->foreign && !num->held && !num->unwanted && !num->requested) {
        bitmap_set0(hi->used, num->n);
        hmap_remove(&hi->nums, &num->node);
        free(num);
    }
}

/* A foreign interface holds 'num' (and no interface of weft's has it as its
 * ofport), or one of weft's that is no longer wanted. */
static bool
num_taken(const struct hif_num *num)
{
    return num && ((num->foreign && !num->held) || num->unwanted);
}

/* Adds 'delta' to the counter at 'offset' in number 'n' (0: none).  If that
 * takes a number a wanted name was given, that name must choose again:
 * it is 'contested'. */
static void
num_count(struct host_ifaces *hi, int64_t n, size_t offset, int delta)
{
    if (n) {
        struct hif_num *num = num_get(hi, n);
        *(int *) ((char *) num + offset) += delta;
        if (num->requested && num_taken(num)) {
            sset_add(&hi->contested, num->requested);
        }
        num_put(hi, num);
    }
}

/* Counts (delta 1) or uncounts (-1) what 'i' holds. */
static void
iface_count(struct host_ifaces *hi, const struct hif_iface *i, int delta)
{
    num_count(hi, i->c_held, offsetof(struct hif_num, held), delta);
    num_count(hi, i->c_unwanted, offsetof(struct hif_num, unwanted), delta);
    num_count(hi, i->c_freq, offsetof(struct hif_num, foreign), delta);
    num_count(hi, i->c_freal, offsetof(struct hif_num, foreign), delta);
}

/* Rows. */

static struct hif_iface *
iface_find(const struct host_ifaces *hi, const struct uuid *uuid)
{
    struct hif_iface *i;
    HMAP_FOR_EACH_WITH_HASH (i, node, uuid_hash(uuid), &hi->ifaces) {
        if (uuid_equals(&i->uuid, uuid)) {
            return i;
        }
    }
    return NULL;
}

static struct hif_iface *
iface_by_name(const struct host_ifaces *hi, const char *name)
{
    struct hif_iface *i;
    HMAP_FOR_EACH_WITH_HASH (i, name_node, hash_string(name, 0),
                             &hi->ifaces_by_name) {
        if (!strcmp(i->name, name)) {
            return i;
        }
    }
    return NULL;
}

static struct hif_port *
port_find(const struct host_ifaces *hi, const struct uuid *uuid)
{
    struct hif_port *p;
    HMAP_FOR_EACH_WITH_HASH (p, node, uuid_hash(uuid), &hi->ports) {
        if (uuid_equals(&p->uuid, uuid)) {
            return p;
        }
    }
    return NULL;
}

static struct hif_port *
port_by_name(const struct host_ifaces *hi, const char *name)
{
    struct hif_port *p;
    HMAP_FOR_EACH_WITH_HASH (p, name_node, hash_string(name, 0),
                             &hi->ports_by_name) {
        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    return NULL;
}

bool
host_ifaces_update_iface(struct host_ifaces *hi,
                         const struct hostrec_interface *row, bool deleted,
                         struct sset *dirty)
{
    const struct uuid *uuid = &row->header_.uuid;
    struct hif_iface *i = iface_find(hi, uuid);
    if (deleted) {
        if (i) {
            sset_add(dirty, i->name);
            iface_count(hi, i, -1);
            if (i->indexed) {
                hmap_remove(&hi->ifaces_by_name, &i->name_node);
            }
            hmap_remove(&hi->ifaces, &i->node);
            free(i->name);
            free(i);
        }
        return true;
    }
    if (!i) {
        if (!row->name) {
            return true;
        }
        /* A new row of a name an old one still holds (an interface
         * replaced in one transaction, the old row's deletion not seen
         * yet): the new one is the name's. */
        struct hif_iface *old = iface_by_name(hi, row->name);
        if (old) {
            hmap_remove(&hi->ifaces_by_name, &old->name_node);
            old->indexed = false;
        }
        i = xzalloc(sizeof *i);
        i->uuid = *uuid;
        i->name = xstrdup(row->name);
        i->indexed = true;
        hmap_insert(&hi->ifaces, &i->node, uuid_hash(uuid));
        hmap_insert(&hi->ifaces_by_name, &i->name_node,
                    hash_string(i->name, 0));
    } else if (hostrec_interface_is_new(row)) {
        return false;
    }
    i->has_ofport = row->n_ofport > 0;
    i->ofport = row->n_ofport ? *row->ofport : 0;
    i->ofport_request = row->n_ofport_request ? *row->ofport_request : 0;
    i->up = row->link_state && !strcmp(row->link_state, "up");
    sset_add(dirty, i->name);
    return true;
}

/* Adds to 'dirty' the name of 'p' and of its interfaces. */
static void
port_dirty(const struct hif_port *p, struct sset *dirty)
{
    sset_add(dirty, p->name);
    for (size_t i = 0; i < p->n_ifaces; i++) {
        sset_add(dirty, p->ifaces[i]);
    }
}

/* Makes 'p' the parent of none of its interfaces and forgets their
 * names. */
static void
port_unparent(struct host_ifaces *hi, struct hif_port *p)
{
    for (size_t k = 0; k < p->n_ifaces; k++) {
        struct hif_iface *i = iface_by_name(hi, p->ifaces[k]);
        if (i && i->parent == p) {
            i->parent = NULL;
        }
        free(p->ifaces[k]);
    }
    free(p->ifaces);
    p->ifaces = NULL;
    p->n_ifaces = 0;
}

bool
host_ifaces_update_port(struct host_ifaces *hi, const struct hostrec_port *row,
                        bool deleted, struct sset *dirty)
{
    const struct uuid *uuid = &row->header_.uuid;
    struct hif_port *p = port_find(hi, uuid);
    if (deleted) {
        if (p) {
            port_dirty(p, dirty);
            port_unparent(hi, p);
            if (p->indexed) {
                hmap_remove(&hi->ports_by_name, &p->name_node);
            }
            hmap_remove(&hi->ports, &p->node);
            hif_port_free(p);
        }
        return true;
    }
    if (!p) {
        if (!row->name) {
            return true;
        }
        struct hif_port *old = port_by_name(hi, row->name);
        if (old) {
            hmap_remove(&hi->ports_by_name, &old->name_node);
            old->indexed = false;
        }
        p = xzalloc(sizeof *p);
        p->uuid = *uuid;
        p->name = xstrdup(row->name);
        p->indexed = true;
        hmap_insert(&hi->ports, &p->node, uuid_hash(uuid));
        hmap_insert(&hi->ports_by_name, &p->name_node,
                    hash_string(p->name, 0));
    } else if (hostrec_port_is_new(row)) {
        return false;
    }
    port_dirty(p, dirty);
    port_unparent(hi, p);
    p->owned = smap_get(&row->external_ids, OWNER_KEY) != NULL;
    p->ifaces = xmalloc(MAX(row->n_interfaces, 1) * sizeof *p->ifaces);
    for (size_t k = 0; k < row->n_interfaces; k++) {
        const char *name = row->interfaces[k]->name;
        if (name) {
            p->ifaces[p->n_ifaces++] = xstrdup(name);
            struct hif_iface *i = iface_by_name(hi, name);
            if (i) {
                i->parent = p;
            }
        }
    }
    port_dirty(p, dirty);
    return true;
}

void
host_ifaces_update_bridges(struct host_ifaces *hi, struct sset *names,
                           const struct hostrec_bridge *br,
                           struct sset *dirty)
{
    const char *name;
    SSET_FOR_EACH (name, names) {
        if (!sset_contains(&hi->bridges, name)) {
            sset_add(dirty, name);
        }
    }
    SSET_FOR_EACH (name, &hi->bridges) {
        if (!sset_contains(names, name)) {
            sset_add(dirty, name);
        }
    }
    sset_swap(names, &hi->bridges);

    /* br-int's ports: only those whose membership changed are dirty. */
    unsigned int mark = ++hi->mark;
    for (size_t k = 0; br && k < br->n_ports; k++) {
        struct hif_port *p = port_find(hi, &br->ports[k]->header_.uuid);
        if (p) {
            p->mark = mark;
        }
    }
    struct hif_port *p;
    HMAP_FOR_EACH (p, node, &hi->ports) {
        bool on_br = p->mark == mark;
        if (on_br != p->on_br) {
            p->on_br = on_br;
            port_dirty(p, dirty);
        }
    }
}

bool
host_ifaces_foreign(const struct host_ifaces *hi, const char *name)
{
    if (sset_contains(&hi->bridges, name)) {
        return true;
    }
    const struct hif_port *p = port_by_name(hi, name);
    if (p && !p->owned) {
        return true;
    }
    const struct hif_iface *i = iface_by_name(hi, name);
    return i && i->parent && !i->parent->owned;
}

const struct hif_iface *
host_ifaces_owned(const struct host_ifaces *hi, const char *name)
{
    const struct hif_iface *i = iface_by_name(hi, name);
    return i && i->parent && i->parent->owned && i->parent->on_br ? i : NULL;
}

const struct hif_port *
host_ifaces_port(const struct host_ifaces *hi, const char *name)
{
    return port_by_name(hi, name);
}

void
host_ifaces_refresh_numbers(struct host_ifaces *hi, const char *name,
                            bool wanted)
{
    struct hif_iface *i = iface_by_name(hi, name);
    if (!i) {
        return;
    }
    iface_count(hi, i, -1);
    i->have = i->c_held = i->c_unwanted = i->c_freq = i->c_freal = 0;

    const struct hif_port *parent = i->parent;
    if (parent && parent->on_br) {
        int64_t real = i->has_ofport ? i->ofport : 0;
        int64_t req = i->ofport_request;
        if (parent->owned) {
            /* The number it has, else the one it asked for.  If the switch
             * gave it another (a clash), that one is kept: its flows
             * already use it, and renumbering would change them twice.  A
             * foreign interface that asks for a number one of weft's holds
             * did not get it: weft's keeps it ('held'). */
            int64_t n = real > 0 ? real : req;
            if (num_in_range(n)) {
                i->have = n;
                i->c_held = real > 0 ? n : 0;
                i->c_unwanted = wanted ? 0 : n;
            }
        } else {
            i->c_freq = num_in_range(req) ? req : 0;
            i->c_freal = num_in_range(real) ? real : 0;
        }
    }
    iface_count(hi, i, 1);
}

/* The number of weft's interface 'name' (see host_ifaces_refresh_numbers()),
 * or 0. */
static int64_t
have_of(const struct host_ifaces *hi, const char *name)
{
    const struct hif_iface *i = iface_by_name(hi, name);
    return i ? i->have : 0;
}

/* Choosing ofport_request. */

static void
request_release(struct host_ifaces *hi, const char *name)
{
    struct simap_node *node = simap_find(&hi->requested, name);
    if (node) {
        struct hif_num *num = num_find(hi, node->data);
        if (num) {
            num->requested = NULL;
            num_put(hi, num);
        }
        simap_delete(&hi->requested, node);
    }
}

static void
request_claim(struct host_ifaces *hi, const char *name, int64_t n)
{
    simap_put(&hi->requested, name, n);
    num_get(hi, n)->requested = simap_find(&hi->requested, name)->name;
}

/* Every wanted name's choice anew (wanted_ports_assign_ofports()), the
 * previous choice kept where it can be.  O(wanted names). */
static void
assign_full(struct host_ifaces *hi, const struct shash *wanted,
            struct sset *changed)
{
    unsigned long *taken = bitmap_allocate(WANTED_OFPORT_MAX + 1);
    struct hif_num *num;
    HMAP_FOR_EACH (num, node, &hi->nums) {
        if (num->foreign && !num->held) {
            bitmap_set1(taken, num->n);
        }
    }
    struct simap have = SIMAP_INITIALIZER(&have);
    const struct hif_iface *i;
    HMAP_FOR_EACH (i, name_node, &hi->ifaces_by_name) {
        if (i->have) {
            simap_put(&have, i->name, i->have);
        }
    }
    struct simap out = SIMAP_INITIALIZER(&out);
    wanted_ports_assign_ofports(wanted, &have, &hi->requested, taken, &out);
    free(taken);

    const struct simap_node *node;
    SIMAP_FOR_EACH (node, &hi->requested) {
        const struct simap_node *new = simap_find(&out, node->name);
        if (!new || new->data != node->data) {
            sset_add(changed, node->name);
        }
    }
    SIMAP_FOR_EACH (node, &out) {
        if (!simap_contains(&hi->requested, node->name)) {
            sset_add(changed, node->name);
        }
    }

    HMAP_FOR_EACH_SAFE (num, node, &hi->nums) {
        num->requested = NULL;
        num_put(hi, num);
    }
    simap_clear(&hi->requested);
    hi->n_mismatch = 0;
    SIMAP_FOR_EACH (node, &out) {
        request_claim(hi, node->name, node->data);
    }
    SIMAP_FOR_EACH (node, &have) {
        const struct simap_node *r = simap_find(&hi->requested, node->name);
        if (shash_find(wanted, node->name) && (!r || r->data != node->data)) {
            hi->n_mismatch++;
        }
    }
    simap_destroy(&have);
    simap_destroy(&out);
}

/* The lowest number no interface holds and no wanted name was given, or 0
 * if all are. */
static int64_t
lowest_free(const struct host_ifaces *hi)
{
    size_t n = bitmap_scan(hi->used, 0, WANTED_OFPORT_MIN,
                           WANTED_OFPORT_MAX + 1);
    return n <= WANTED_OFPORT_MAX ? n : 0;
}

/* Brings dirty wanted name 'name' up to date if that cannot move another
 * name's number; returns false if it could (a full choice is due).  Adds it
 * to 'fresh' if it needs a new number. */
static bool
assign_one(struct host_ifaces *hi, const struct shash *wanted,
           const char *name, struct sset *fresh, struct sset *changed)
{
    int64_t cur = simap_get(&hi->requested, name);
    if (!shash_find(wanted, name)) {
        if (cur) {
            request_release(hi, name);
            sset_add(changed, name);
        }
        return true;
    }
    int64_t h = have_of(hi, name);
    if (h) {
        const struct hif_num *num = num_find(hi, h);
        if (cur == h) {
            return !num_taken(num);
        } else if (!cur && (!num || (!num->requested && !num_taken(num)))) {
            /* Its own number, held by nothing else (its own ofport aside):
             * a name wanted again while its interface is still there. */
            request_claim(hi, name, h);
            sset_add(changed, name);
            return true;
        }
        return false;               /* Its number against another's. */
    }
    if (cur) {
        const struct hif_num *num = num_find(hi, cur);
        if (num && (num->held || num->unwanted)) {
            return false;           /* One of weft's interfaces has it. */
        } else if (num_taken(num)) {
            request_release(hi, name);   /* A foreign one took it. */
            sset_add(fresh, name);
        }
        return true;
    }
    sset_add(fresh, name);
    return true;
}

bool
host_ifaces_assign(struct host_ifaces *hi, const struct shash *wanted,
                   const struct sset *dirty, bool full, struct sset *changed)
{
    if (!full && !hi->n_mismatch) {
        /* The dirty names, and those whose number something took. */
        struct sset names = SSET_INITIALIZER(&names);
        const char *name;
        SSET_FOR_EACH (name, dirty) {
            sset_add(&names, name);
        }
        SSET_FOR_EACH (name, &hi->contested) {
            sset_add(&names, name);
        }
        sset_clear(&hi->contested);

        struct sset fresh = SSET_INITIALIZER(&fresh);
        bool ok = true;
        SSET_FOR_EACH (name, &names) {
            if (!assign_one(hi, wanted, name, &fresh, changed)) {
                ok = false;
                break;
            }
        }
        sset_destroy(&names);
        if (ok) {
            /* New names in sorted order, each the lowest free number, as
             * wanted_ports_assign_ofports() gives them. */
            const char **sorted = sset_sort(&fresh);
            for (size_t i = 0; sorted[i]; i++) {
                int64_t n = lowest_free(hi);
                if (n) {
                    request_claim(hi, sorted[i], n);
                }
                sset_add(changed, sorted[i]);
            }
            free(sorted);
        }
        sset_destroy(&fresh);
        if (ok) {
            return false;
        }
    }
    sset_clear(&hi->contested);
    assign_full(hi, wanted, changed);
    return true;
}
