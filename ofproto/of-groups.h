/* of-groups: OpenFlow groups for weftd's session (of-session.h): a group's
 * pseudo-flow (compiler.h, "Groups") encoded as a group_mod in a bundle, and
 * a switch's group desc reply read back into pseudo-flows.
 *
 * Place in the pipeline: push, beside flow-table.h's flow_mod encoding.
 * The host's flow state (flow-state.h) holds groups as it holds flows and
 * orders a push so that the switch never sees a flow before the group it
 * uses, nor loses a group before the flows that used it: group adds and
 * modifies first, then the flow_mods, then group deletes, all in the one
 * bundle.  OVS (3.1, ofproto.c) accepts group_mods inside a bundle, with
 * OpenFlow 1.4+ bundles and OpenFlow 1.3's ONF extension alike, and
 * applies the bundle's messages in order (do_bundle_commit()), checking a
 * flow's "group:ID" against the groups of the bundle so far
 * (ofproto_check_ofpacts() at commit); tests/sim/test-groups.sh checks it
 * against a real switch.
 *
 * A session reads groups back with the flows (OFPST_GROUP_DESC after the
 * flow stats dump, before the dump ends): a group read back becomes a
 * pseudo-flow exactly as the compiler builds it (bucket actions through
 * weft_ofpacts_canonicalize()), so that an unchanged group compares equal
 * and a restarted weftd sends no group_mod.  Over OpenFlow 1.3 and 1.4
 * buckets carry no id on the wire (the switch numbers them 0, 1, ... in
 * order): a group read back over those versions says its ids are unknown
 * (WEFT_GROUP_IDS_UNKNOWN), and flow-state.c compares it with the desired
 * group on everything else (weft_group_same()), so that a caller may number
 * its buckets as it likes (compile-lb.c uses the backend's port key).
 *
 * Plain encoding and decoding: no I/O, no state. */
#ifndef WEFT_OF_GROUPS_H
#define WEFT_OF_GROUPS_H 1

#include <stddef.h>
#include <stdint.h>

struct flow_state;
struct ofp_header;
struct ofpbuf;
struct ofputil_group_desc;
struct weft_flow;

/* Returns a bundle_add (bundle 'bundle_id', 'bundle_flags') carrying the
 * group_mod for group pseudo-flow 'g': 'command' is a flow_mod's command as
 * flow_state_next_change() gives it (OFPFC_ADD: OFPGC11_ADD,
 * OFPFC_MODIFY_STRICT: OFPGC11_MODIFY, OFPFC_DELETE_STRICT:
 * OFPGC11_DELETE). */
struct ofpbuf *ofgroup_encode_bundle_add(const struct weft_flow *g,
                                         uint16_t command, int ofp_version,
                                         uint32_t bundle_id,
                                         uint16_t bundle_flags);
/* Returns the group_mod itself (no bundle), for tests and tools. */
struct ofpbuf *ofgroup_encode_group_mod(const struct weft_flow *g,
                                        uint16_t command, int ofp_version);

/* Returns a new pseudo-flow (one reference, no owner) for the group the
 * switch described in 'gd', read over 'ofp_version' (below 1.5 its bucket
 * ids are unknown). */
struct weft_flow *ofgroup_from_desc(const struct ofputil_group_desc *gd,
                                    int ofp_version);

/* Returns the request for every group's description. */
struct ofpbuf *ofgroup_encode_dump_request(int ofp_version);

/* Marks installed, in 'fs' (within a dump: flow_state_begin_dump()), every
 * group of the group desc reply 'oh'.  Returns 0 if that was the reply's
 * last part, EAGAIN if more parts follow, or an OpenFlow error (ofperr) if
 * the reply is malformed. */
int ofgroup_handle_desc_reply(struct flow_state *fs,
                              const struct ofp_header *oh);

#endif /* ofproto/of-groups.h */
