/* flow-table: a host's desired and installed OpenFlow tables, and the diff
 * that turns one into the other.
 *
 * The compiler (compiler.h) speaks ovs-ofctl text.  The switch speaks
 * OpenFlow.  To compare the two, every flow is normalized: parsed, encoded as
 * the OpenFlow message weft would send, decoded again, and formatted by OVS's
 * own formatter.  A flow read back from the switch in a flow stats reply is
 * formatted the same way, so "desired == installed" is a string comparison
 * and a restarted weftd that finds the switch already right sends nothing
 * (n_packets survive).
 *
 * A flow's identity is its key: table, priority and match.  Its value is its
 * cookie and actions.  flow_table_sync() emits, per key: an add for a new
 * flow, a delete for a stale one, a modify_strict when only the actions
 * differ (counters survive), and a delete + add when the cookie differs
 * (OpenFlow 1.3+ cannot change a cookie in place).
 *
 * Normalized flows are immutable and reference counted, so the desired and
 * installed tables share them and a recompute reuses the normalization of
 * every flow whose compiled text did not change. */
#ifndef WEFT_FLOW_TABLE_H
#define WEFT_FLOW_TABLE_H 1

#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"

struct ds;
struct ofpact;
struct ofputil_flow_stats;
struct weft_flows;

struct nflow {
    int ref_cnt;
    uint8_t table_id;
    uint16_t priority;
    uint64_t cookie;
    char *key;                  /* "table=T priority=P MATCH", normalized. */
    char *actions;              /* Normalized actions text. */
    char *raw;                  /* Compiled text it came from, or NULL if it
                                 * was read from the switch. */
    struct minimatch match;
    struct ofpact *ofpacts;
    size_t ofpacts_len;
};

struct flow_table {
    struct hmap by_key;         /* "struct ft_node"s by hash of nflow 'key'. */
    struct hmap by_raw;         /* The same nodes with a 'raw' text, by it. */
};

void flow_table_init(struct flow_table *);
void flow_table_destroy(struct flow_table *);
void flow_table_clear(struct flow_table *);
void flow_table_swap(struct flow_table *, struct flow_table *);
size_t flow_table_count(const struct flow_table *);

/* Makes 'table' hold every flow of 'compiled', normalized for OpenFlow
 * version 'ofp_version'.  Normalized flows of 'reuse' whose compiled text is
 * identical are shared instead of normalized again ('reuse' may be NULL and
 * must have been built for the same version).  Flows that OVS cannot parse
 * are skipped and counted in the return value (a compiler bug: each is also
 * logged). */
size_t flow_table_build(struct flow_table *table,
                        const struct weft_flows *compiled,
                        const struct flow_table *reuse, int ofp_version);

/* Adds a flow read back from the switch.  A second flow with the same key
 * replaces the first. */
void flow_table_add_stats(struct flow_table *,
                          const struct ofputil_flow_stats *);

/* Appends to 'msgs' the OpenFlow messages (struct ofpbuf, bundle_add of
 * flow_mods, with bundle 'bundle_id' and 'bundle_flags') that turn
 * 'installed' into 'desired', and makes 'installed' equal to 'desired'.
 * Returns the number of flow_mods. */
size_t flow_table_sync(struct flow_table *installed,
                       const struct flow_table *desired, int ofp_version,
                       uint32_t bundle_id, uint16_t bundle_flags,
                       struct ovs_list *msgs);

/* Returns the number of flows of 'a' that 'b' lacks or holds differently. */
size_t flow_table_count_differences(const struct flow_table *a,
                                    const struct flow_table *b);

/* Appends "KEY cookie=0x... actions=ACTIONS\n" lines, sorted, to 'out'. */
void flow_table_format(const struct flow_table *, struct ds *out);
/* The same, only the flows whose cookie matches 'cookie' under 'mask'. */
void flow_table_format_cookie(const struct flow_table *, uint64_t cookie,
                              uint64_t mask, struct ds *out);

#endif /* ofproto/flow-table.h */
