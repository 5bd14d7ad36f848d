/* flow-state: one host's flows with their desired and installed sides, and
 * the tracked keys that differ.  See flow-state.h for the design. */
#include <config.h>

#include "flow-state.h"

#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "flow-table.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "util.h"

/* One key.  Its key fields are those of 'desired', else 'installed', else
 * (both cleared while a batch adds it) of its batch change's flow.  A
 * tracked entry with neither side and no batch is dead: lookups skip it and
 * the next push frees it. */
struct fs_entry {
    struct hmap_node node;      /* In 'entries', by key hash. */
    struct weft_flow *desired;      /* NULL: the key must not be installed. */
    struct weft_flow *installed;    /* NULL: not on the switch (as known). */
    uint32_t dump_seq;          /* Dump that last reported it. */
    uint32_t batch_idx : 30;    /* Its change in the batch, if 'in_batch'. */
    uint32_t in_batch : 1;
    uint32_t tracked : 1;       /* In 'tracked' (then never freed until
                                 * flow_state_begin_push() looks at it). */
};
/* 40 bytes: with one flow shared by both sides and its owner's set, a
 * synced flow costs this, its flow and its set's node. */

/* A flow_mod (or a delete + add) of the batch: what the switch held when it
 * was taken, and what it is to hold once the batch is confirmed.  Both are
 * references, so the batch encodes what was tracked when it began even if
 * the entry changes meanwhile. */
struct fs_change {
    struct fs_entry *e;
    struct weft_flow *have;         /* NULL: an add. */
    struct weft_flow *want;         /* NULL: a delete. */
};

static const struct weft_flow *
entry_key(const struct flow_state *fs, const struct fs_entry *e)
{
    if (e->desired) {
        return e->desired;
    } else if (e->installed) {
        return e->installed;
    }
    return e->in_batch ? fs->batch[e->batch_idx].want : NULL;
}

static bool
key_equal(const struct weft_flow *f, uint8_t table_id, uint16_t priority,
          const struct minimatch *match)
{
    return (f->table_id == table_id && f->priority == priority
            && minimatch_equal(&f->match, match));
}

static struct fs_entry *
find_entry(const struct flow_state *fs, uint32_t hash, uint8_t table_id,
           uint16_t priority, const struct minimatch *match)
{
    struct fs_entry *e;
    HMAP_FOR_EACH_WITH_HASH (e, node, hash, &fs->entries) {
        const struct weft_flow *key = entry_key(fs, e);
        if (key && key_equal(key, table_id, priority, match)) {
            return e;
        }
    }
    return NULL;
}

static struct fs_entry *
create_entry(struct flow_state *fs, uint32_t hash)
{
    struct fs_entry *e = xzalloc(sizeof *e);
    hmap_insert(&fs->entries, &e->node, hash);
    return e;
}

static void
track(struct flow_state *fs, struct fs_entry *e)
{
    if (!e->tracked) {
        if (fs->n_tracked >= fs->allocated_tracked) {
            fs->tracked = x2nrealloc(fs->tracked, &fs->allocated_tracked,
                                     sizeof *fs->tracked);
        }
        fs->tracked[fs->n_tracked++] = e;
        e->tracked = true;
    }
}

/* Frees 'e' if nothing keeps it: neither side, nor the batch, nor the
 * tracked list. */
static void
gc_entry(struct flow_state *fs, struct fs_entry *e)
{
    if (!e->desired && !e->installed && !e->in_batch && !e->tracked) {
        hmap_remove(&fs->entries, &e->node);
        free(e);
    }
}

/* Groups (compiler.h) are counted apart from flows. */
static bool
is_group(const struct weft_flow *a, const struct weft_flow *b)
{
    const struct weft_flow *f = a ? a : b;
    return f && weft_flow_is_group(f);
}

static void
set_desired(struct flow_state *fs, struct fs_entry *e, struct weft_flow *f)
{
    size_t *n = is_group(f, e->desired) ? &fs->n_desired_groups
                                        : &fs->n_desired;
    *n += (f != NULL) - (e->desired != NULL);
    weft_flow_unref(e->desired);
    e->desired = f;
}

static void
set_installed(struct flow_state *fs, struct fs_entry *e, struct weft_flow *f)
{
    size_t *n = is_group(f, e->installed) ? &fs->n_installed_groups
                                          : &fs->n_installed;
    *n += (f != NULL) - (e->installed != NULL);
    weft_flow_unref(e->installed);
    e->installed = f;
}

/* True if installed flow 'i' is what desired flow 'd' asks for. */
static bool
same_value(const struct weft_flow *d, const struct weft_flow *i)
{
    return (weft_flow_value_equal(d, i)
            || (weft_flow_is_group(d) && weft_group_same(d, i)));
}

/* After either side of 'e' changed: shares an installed flow equal to the
 * desired one, tracks 'e' if the two differ, frees it if both are gone. */
static void
settle(struct flow_state *fs, struct fs_entry *e)
{
    if (e->desired && e->installed && e->desired != e->installed
        && same_value(e->desired, e->installed)) {
        set_installed(fs, e, weft_flow_ref(e->desired));
    }
    if (e->desired != e->installed) {
        track(fs, e);
    }
    gc_entry(fs, e);
}

void
flow_state_init(struct flow_state *fs)
{
    memset(fs, 0, sizeof *fs);
    hmap_init(&fs->entries);
}

void
flow_state_destroy(struct flow_state *fs)
{
    if (!fs) {
        return;
    }
    flow_state_abort_push(fs);
    struct fs_entry *e;
    HMAP_FOR_EACH_POP (e, node, &fs->entries) {
        weft_flow_unref(e->desired);
        weft_flow_unref(e->installed);
        free(e);
    }
    hmap_destroy(&fs->entries);
    free(fs->tracked);
}

void
flow_state_set_desired(struct flow_state *fs, const struct weft_flow *wf)
{
    struct fs_entry *e = find_entry(fs, wf->node.hash, wf->table_id,
                                    wf->priority, &wf->match);
    if (e && e->desired == wf) {
        return;
    }
    if (!e) {
        e = create_entry(fs, wf->node.hash);
    }
    /* The table holds 'wf' itself, not a copy: the owner's set (host-flows.c)
     * keeps it too.  An installed flow equal to it is swapped for it by
     * settle(), so that one flow serves both sides and the set. */
    set_desired(fs, e, weft_flow_ref(wf));
    settle(fs, e);
}

void
flow_state_clear_desired(struct flow_state *fs, const struct weft_flow *wf)
{
    struct fs_entry *e = find_entry(fs, wf->node.hash, wf->table_id,
                                    wf->priority, &wf->match);
    if (e && e->desired) {
        set_desired(fs, e, NULL);
        settle(fs, e);
    }
}

static const struct weft_flow *
weft_flows_lookup(const struct weft_flows *flows, const struct weft_flow *f)
{
    const struct weft_flow *wf;
    HMAP_FOR_EACH_WITH_HASH (wf, node, f->node.hash, &flows->flows) {
        if (key_equal(f, wf->table_id, wf->priority, &wf->match)) {
            return wf;
        }
    }
    return NULL;
}

void
flow_state_replace_desired(struct flow_state *fs,
                           const struct weft_flows *flows)
{
    struct fs_entry *e;
    HMAP_FOR_EACH_SAFE (e, node, &fs->entries) {
        if (e->desired && !weft_flows_lookup(flows, e->desired)) {
            set_desired(fs, e, NULL);
            settle(fs, e);
        }
    }
    const struct weft_flow *wf;
    HMAP_FOR_EACH (wf, node, &flows->flows) {
        flow_state_set_desired(fs, wf);
    }
}

void
flow_state_begin_dump(struct flow_state *fs)
{
    flow_state_abort_push(fs);
    fs->dump_seq++;
}

void
flow_state_dumped(struct flow_state *fs, const struct ofputil_flow_stats *st)
{
    flow_state_dumped_flow(fs, nflow_from_stats(st));
}

void
flow_state_dumped_flow(struct flow_state *fs, struct weft_flow *f)
{
    struct fs_entry *e = find_entry(fs, f->node.hash, f->table_id, f->priority,
                                    &f->match);
    if (!e) {
        e = create_entry(fs, f->node.hash);
    } else if (e->desired && same_value(e->desired, f)) {
        weft_flow_unref(f);
        f = weft_flow_ref(e->desired);
    }
    e->dump_seq = fs->dump_seq;
    if (e->installed != f) {
        set_installed(fs, e, f);
    } else {
        weft_flow_unref(f);
    }
    settle(fs, e);
}

void
flow_state_end_dump(struct flow_state *fs)
{
    struct fs_entry *e;
    HMAP_FOR_EACH_SAFE (e, node, &fs->entries) {
        fs->n_visited++;
        if (e->dump_seq != fs->dump_seq && e->installed) {
            set_installed(fs, e, NULL);
            settle(fs, e);
        }
    }
}

/* The part of a push in which tracked entry 'e''s change goes, so that the
 * switch never holds a flow whose group is missing (OVS refuses it) and
 * never deletes a group while a flow still uses it (OVS would delete the
 * flow with it): group adds and modifies (0), flow_mods (1), group deletes
 * (2). */
static int
push_phase(const struct flow_state *fs, const struct fs_entry *e)
{
    const struct weft_flow *key = entry_key(fs, e);
    if (!key || !weft_flow_is_group(key)) {
        return 1;
    }
    return e->desired ? 0 : 2;
}

/* Adds tracked entry 'e' to the batch; returns its number of mods. */
static size_t
batch_add(struct flow_state *fs, struct fs_entry *e)
{
    struct fs_change *c = &fs->batch[fs->batch_n];
    c->e = e;
    c->have = e->installed ? weft_flow_ref(e->installed) : NULL;
    c->want = e->desired ? weft_flow_ref(e->desired) : NULL;
    e->in_batch = true;
    e->batch_idx = fs->batch_n++;
    if (weft_flow_is_group(c->want ? c->want : c->have)) {
        /* A group is modified in place, whatever its cookie (always 0). */
        fs->batch_group_mods++;
        return 1;
    }
    return c->have && c->want && c->have->cookie != c->want->cookie ? 2 : 1;
}

size_t
flow_state_begin_push(struct flow_state *fs)
{
    ovs_assert(!fs->batch);
    fs->batch_group_mods = 0;
    if (!fs->n_tracked) {
        return 0;
    }
    fs->batch = xmalloc(fs->n_tracked * sizeof *fs->batch);
    fs->batch_n = fs->batch_next = 0;
    fs->batch_second = false;

    /* First the entries with nothing to send, then the rest in push_phase()
     * order. */
    for (size_t i = 0; i < fs->n_tracked; i++) {
        struct fs_entry *e = fs->tracked[i];
        e->tracked = false;
        fs->n_visited++;
        if (e->desired == e->installed
            || (e->desired && e->installed
                && same_value(e->desired, e->installed))) {
            settle(fs, e);      /* Shares, or frees an empty entry. */
            fs->tracked[i] = NULL;
        }
    }
    size_t n_mods = 0;
    for (int phase = 0; phase < 3; phase++) {
        for (size_t i = 0; i < fs->n_tracked; i++) {
            struct fs_entry *e = fs->tracked[i];
            if (e && push_phase(fs, e) == phase) {
                n_mods += batch_add(fs, e);
            }
        }
    }
    fs->n_tracked = 0;
    if (fs->allocated_tracked > 1024) {
        /* A bring-up's worth: give it back, changes are small after. */
        free(fs->tracked);
        fs->tracked = NULL;
        fs->allocated_tracked = 0;
    }
    if (!fs->batch_n) {
        free(fs->batch);
        fs->batch = NULL;
    }
    return n_mods;
}

size_t
flow_state_batch_group_mods(const struct flow_state *fs)
{
    return fs->batch ? fs->batch_group_mods : 0;
}

bool
flow_state_next_change(struct flow_state *fs, uint16_t *command,
                       const struct weft_flow **flow)
{
    if (!fs->batch || fs->batch_next >= fs->batch_n) {
        return false;
    }
    const struct fs_change *c = &fs->batch[fs->batch_next];
    if (!c->have) {
        *command = OFPFC_ADD;
        *flow = c->want;
    } else if (!c->want) {
        *command = OFPFC_DELETE_STRICT;
        *flow = c->have;
    } else if (c->have->cookie != c->want->cookie
               && !weft_flow_is_group(c->want)) {
        /* OpenFlow 1.3+ cannot change a cookie in place. */
        if (!fs->batch_second) {
            *command = OFPFC_DELETE_STRICT;
            *flow = c->have;
            fs->batch_second = true;
            return true;
        }
        *command = OFPFC_ADD;
        *flow = c->want;
        fs->batch_second = false;
    } else {
        *command = OFPFC_MODIFY_STRICT;
        *flow = c->want;
    }
    fs->batch_next++;
    return true;
}

/* Ends the batch: each entry's installed side becomes its change's 'want'
 * if 'done', else stays what it was. */
static void
end_push(struct flow_state *fs, bool done)
{
    if (!fs->batch) {
        return;
    }
    for (size_t i = 0; i < fs->batch_n; i++) {
        struct fs_change *c = &fs->batch[i];
        struct fs_entry *e = c->e;
        e->in_batch = false;
        if (done) {
            set_installed(fs, e, c->want);
        } else {
            weft_flow_unref(c->want);
        }
        weft_flow_unref(c->have);
        settle(fs, e);
    }
    free(fs->batch);
    fs->batch = NULL;
    fs->batch_n = fs->batch_next = 0;
    fs->batch_second = false;
}

void
flow_state_push_done(struct flow_state *fs)
{
    end_push(fs, true);
}

void
flow_state_abort_push(struct flow_state *fs)
{
    end_push(fs, false);
}

size_t
flow_state_count_desired(const struct flow_state *fs)
{
    return fs->n_desired;
}

size_t
flow_state_count_installed(const struct flow_state *fs)
{
    return fs->n_installed;
}

size_t
flow_state_count_tracked(const struct flow_state *fs)
{
    return fs->n_tracked;
}

void
flow_state_format(const struct flow_state *fs, bool installed,
                  uint64_t cookie, uint64_t mask, struct ds *out)
{
    size_t n = hmap_count(&fs->entries);
    const struct weft_flow **flows = xmalloc((n ? n : 1) * sizeof *flows);
    size_t i = 0;
    const struct fs_entry *e;
    HMAP_FOR_EACH (e, node, &fs->entries) {
        const struct weft_flow *f = installed ? e->installed : e->desired;
        if (f && !weft_flow_is_group(f)) {
            flows[i++] = f;
        }
    }
    nflows_format(flows, i, cookie, mask, out);
    free(flows);
}

size_t
flow_state_count_desired_groups(const struct flow_state *fs)
{
    return fs->n_desired_groups;
}

size_t
flow_state_count_installed_groups(const struct flow_state *fs)
{
    return fs->n_installed_groups;
}

static int
compare_group_ids(const void *a_, const void *b_)
{
    const struct weft_flow *const *a = a_;
    const struct weft_flow *const *b = b_;
    uint32_t x = weft_group_id(*a), y = weft_group_id(*b);
    return x < y ? -1 : x > y;
}

void
flow_state_format_groups(const struct flow_state *fs, bool installed,
                         struct ds *out)
{
    size_t n = installed ? fs->n_installed_groups : fs->n_desired_groups;
    const struct weft_flow **groups = xmalloc((n ? n : 1) * sizeof *groups);
    size_t i = 0;
    const struct fs_entry *e;
    HMAP_FOR_EACH (e, node, &fs->entries) {
        const struct weft_flow *f = installed ? e->installed : e->desired;
        if (f && weft_flow_is_group(f) && i < n) {
            groups[i++] = f;
        }
    }
    qsort(groups, i, sizeof *groups, compare_group_ids);
    for (size_t j = 0; j < i; j++) {
        weft_group_format(groups[j], out);
        ds_put_char(out, '\n');
    }
    free(groups);
}
