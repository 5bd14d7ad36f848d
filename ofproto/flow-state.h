/* flow-state: one host's flows, each key with its desired and its installed
 * flow, and the list of keys whose two differ (compile -> push).
 *
 * Pipeline place: between compile and push, owned by the host's OpenFlow
 * session (of-session.h).  The compiler's owners (controller/host-flows.h)
 * patch the desired side in place, flow by flow; the session's flow dumps
 * mark the installed side; and a push takes the keys that differ, one
 * flow_mod at a time, as the session is about to send them.  It is ≈ OVN's
 * ofctrl "installed flows" table plus its tracked desired flows.
 *
 * An entry's key is table, priority and match (weft_flow_key_hash()); its
 * desired and installed flows are the refcounted, immutable flows of
 * compiler.h (struct weft_flow), and the very same flow when the two are
 * equal.  The desired flow is the one its owner's set holds (no copy), so a
 * synced flow costs one flow, one entry and its owner set's node.  Invariant: an entry that is not on
 * the tracked list has desired == installed (the same pointer); an entry
 * with neither is freed.  So a change costs O(its flows) and a push walks
 * only the tracked list, never the table (the 'n_visited' counter says how
 * many entries a push looked at).
 *
 * A push (flow_state_begin_push()) takes the tracked entries as they are
 * now into one batch, which flow_state_next_change() gives back one flow_mod
 * at a time; a change made afterwards is tracked for the next batch.  When
 * the switch confirms the batch (flow_state_push_done(), after the barrier)
 * the flows sent become installed.  A dump (flow_state_begin_dump(),
 * flow_state_dumped() per flow, flow_state_end_dump()) makes the installed
 * side exactly what the switch holds: a flow it reports is looked up and
 * marked (a flow weft does not know becomes installed-but-not-desired), a
 * flow it does not report is not installed.  An unfinished batch is dropped
 * by flow_state_abort_push() or by the next dump: what it changed is then
 * unknown, and the dump says.
 *
 * Groups (compiler.h, "Groups") are entries too, pseudo-flows keyed by
 * group id, with their own counts; a group read back is equal to the
 * desired one if weft_group_same() says so (the ids of its buckets may be
 * unknown).  A push orders its batch so that the
 * switch never holds a flow whose group is missing nor loses a group that a
 * flow still uses: group adds and modifies first, then the flow_mods, then
 * group deletes; a group is always modified in place (its cookie is always
 * 0).  A dump marks groups with flow_state_dumped_flow() (of-groups.h reads
 * them back) between the same begin and end as the flows.
 *
 * Plain data: no I/O. */
#ifndef WEFT_FLOW_STATE_H
#define WEFT_FLOW_STATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"

struct ds;
struct ofputil_flow_stats;
struct weft_flow;
struct weft_flows;

struct flow_state {
    struct hmap entries;        /* "struct fs_entry"s by key hash. */
    struct fs_entry **tracked;  /* Entries whose sides may differ. */
    size_t n_tracked, allocated_tracked;
    size_t n_desired;           /* Flows, groups apart. */
    size_t n_installed;
    size_t n_desired_groups;
    size_t n_installed_groups;

    /* The batch being pushed. */
    struct fs_change *batch;
    size_t batch_n, batch_next;
    bool batch_second;          /* Next is the add of a delete + add. */
    size_t batch_group_mods;    /* The batch's group_mods. */

    uint32_t dump_seq;          /* Current (or last) dump. */

    /* Counters. */
    uint64_t n_visited;         /* Entries a push or a dump end looked at. */
};

void flow_state_init(struct flow_state *);
void flow_state_destroy(struct flow_state *);

/* Desired side.  set() makes 'flow' (a reference to it, not a copy; an
 * installed flow equal to it is replaced by it) the desired flow of its key; clear() makes its key desire
 * nothing.  Both track the key if that makes it differ. */
void flow_state_set_desired(struct flow_state *, const struct weft_flow *);
void flow_state_clear_desired(struct flow_state *, const struct weft_flow *);
/* Makes the desired side exactly 'flows' (O(table + flows)). */
void flow_state_replace_desired(struct flow_state *,
                                const struct weft_flows *flows);

/* Dump.  begin() starts marking; dumped() marks a flow the switch reports;
 * end() makes every entry not marked since begin() not installed.  Drops
 * the batch being pushed, if any. */
void flow_state_begin_dump(struct flow_state *);
void flow_state_dumped(struct flow_state *, const struct ofputil_flow_stats *);
/* The same for a flow (or a group's pseudo-flow) already decoded: takes
 * ownership of one reference to 'flow'. */
void flow_state_dumped_flow(struct flow_state *, struct weft_flow *flow);
void flow_state_end_dump(struct flow_state *);

/* Push.  begin() takes the tracked entries that differ into a batch and
 * returns its number of flow_mods (0: nothing to do, no batch).  next()
 * gives them one by one, deletions of a delete + add before the add, and
 * returns false after the last.  done() makes the batch installed (the
 * switch confirmed it); abort() drops it, its keys tracked again. */
size_t flow_state_begin_push(struct flow_state *);
bool flow_state_next_change(struct flow_state *, uint16_t *command,
                            const struct weft_flow **flow);
void flow_state_push_done(struct flow_state *);
/* How many of the batch's mods are group_mods (0 without a batch). */
size_t flow_state_batch_group_mods(const struct flow_state *);
void flow_state_abort_push(struct flow_state *);

size_t flow_state_count_desired(const struct flow_state *);
size_t flow_state_count_installed(const struct flow_state *);
size_t flow_state_count_tracked(const struct flow_state *);
size_t flow_state_count_desired_groups(const struct flow_state *);
size_t flow_state_count_installed_groups(const struct flow_state *);

/* flow_table_format_cookie() lines of the desired or the installed side,
 * only the flows whose cookie matches 'cookie' under 'mask' (0, 0: all);
 * no groups. */
void flow_state_format(const struct flow_state *, bool installed,
                       uint64_t cookie, uint64_t mask, struct ds *out);
/* weft_group_format() lines of the desired or installed groups, by id. */
void flow_state_format_groups(const struct flow_state *, bool installed,
                              struct ds *out);

#endif /* ofproto/flow-state.h */
