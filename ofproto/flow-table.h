/* flow-table: native flows ("nflows", compiler.h's struct weft_flow) and a
 * plain table of them, with the diff that turns one table into another
 * (compile -> push).
 *
 * weftd itself keeps one table per host with both sides per key
 * (flow-state.h), built on the nflow helpers below; the plain table here is
 * what "weftctl flows --diff" reads a switch's dump into, and what the unit
 * tests compare with.
 *
 * Both sides hold flows natively, as OVS does: the compiler's flows
 * (compiler.h's struct weft_flow: minimatch + ofpacts) are shared as they
 * are, and a flow read back from the switch in a flow stats reply is stored
 * the same way, so "desired == installed" is minimatch_equal() and
 * ofpacts_equal(), with no text and no encode/decode round trip at run time.
 * That a compiled flow equals what the switch reports back is a unit test
 * (tests/unit/test-flow-shapes.c, per flow shape and OpenFlow version), so a
 * restarted weftd that finds the switch already right sends nothing
 * (n_packets survive).
 *
 * A flow's identity is its key: table, priority and match.  Its value is its
 * cookie and actions.  flow_table_sync() emits, per key: an add for a new
 * flow, a delete for a stale one, a modify_strict when only the actions
 * differ (counters survive), and a delete + add when the cookie differs
 * (OpenFlow 1.3+ cannot change a cookie in place); it encodes the flow_mods
 * straight from the native flows.  Text is made only by flow_table_format*()
 * for display ("weftctl flows", weft/flows) and weftctl flows --diff.
 *
 * Flows are immutable and reference counted, so that a table shares them
 * with the set they were compiled into, and the desired and installed
 * tables share them after a sync. */
#ifndef WEFT_FLOW_TABLE_H
#define WEFT_FLOW_TABLE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"

struct ds;
struct ofpact;
struct ofpbuf;
struct ofputil_flow_stats;
struct weft_flow;
struct weft_flows;

/* Helpers for tables of native flows ("nflows": compiler.h's struct
 * weft_flow, shared by reference count; flow-state.h uses them too). */

/* A new flow (one reference, in no set) read back from the switch, its
 * actions through weft_ofpacts_canonicalize(), so that it equals the
 * compiled flow. */
struct weft_flow *nflow_from_stats(const struct ofputil_flow_stats *);
/* Returns a bundle_add (bundle 'bundle_id', 'bundle_flags') carrying the
 * flow_mod 'command' (OFPFC_ADD, OFPFC_MODIFY_STRICT, OFPFC_DELETE_STRICT)
 * of 'f'. */
struct ofpbuf *nflow_encode_bundle_add(const struct weft_flow *f,
                                       uint16_t command, int ofp_version,
                                       uint32_t bundle_id,
                                       uint16_t bundle_flags);
/* Appends the flow_table_format() lines of those of the 'n' 'flows' whose
 * cookie matches 'cookie' under 'mask', sorted, to 'out'. */
void nflows_format(const struct weft_flow **flows, size_t n, uint64_t cookie,
                   uint64_t mask, struct ds *out);

struct flow_table {
    struct hmap by_key;         /* "struct ft_node"s by the flow's key hash. */
};

void flow_table_init(struct flow_table *);
void flow_table_destroy(struct flow_table *);
void flow_table_clear(struct flow_table *);
void flow_table_swap(struct flow_table *, struct flow_table *);
size_t flow_table_count(const struct flow_table *);

/* Makes 'table' hold every flow of 'compiled' (shared).  Returns the number
 * of flows skipped, which is always 0 now that compiled flows are native
 * (nothing to parse); the return value, 'reuse' (once a table whose
 * normalized flows were shared) and 'ofp_version' are unused and kept so
 * that callers need not change. */
size_t flow_table_build(struct flow_table *table,
                        const struct weft_flows *compiled,
                        const struct flow_table *reuse, int ofp_version);

/* Adds a flow read back from the switch, stored as a compiled flow is (its
 * actions through weft_ofpacts_canonicalize()).  A second flow with the same
 * key replaces the first. */
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

/* Appends "KEY cookie=0x... actions=ACTIONS\n" lines, sorted, to 'out'.  KEY
 * is "table=T priority=P MATCH", MATCH and ACTIONS as OVS formats them. */
void flow_table_format(const struct flow_table *, struct ds *out);
/* The same, only the flows whose cookie matches 'cookie' under 'mask'. */
void flow_table_format_cookie(const struct flow_table *, uint64_t cookie,
                              uint64_t mask, struct ds *out);

/* Makes '*fsr' ask for every flow of every table: what weftd's read-back of
 * a switch and "weftctl flows --diff" both send. */
struct ofputil_flow_stats_request;
void flow_table_dump_request(struct ofputil_flow_stats_request *fsr);

#endif /* ofproto/flow-table.h */
