/* of-role: the OpenFlow controller role of one session (issue #16).
 *
 * Place: a part of ofproto/of-session.c, split out because the session's
 * file is already long; of-session.h declares the public API
 * (of_session_set_role() and enum of_session_role).  This module only
 * decides: it encodes the role requests and reads the switch's answers; the
 * session sends what it returns and acts on what it reports (reads the flows
 * back, drops a bundle in flight).
 *
 * Fencing (see docs in README "High availability"): the active weftd asks
 * the switch for the primary role with generation_id = its controller
 * generation; every other weftd asks secondary.  OVS (ofproto.c
 * handle_role_request(), connmgr.c ofconn_set_role()) demotes the previous
 * primary connection to secondary and sends it a role status, refuses a
 * primary request whose generation is older than the newest it saw
 * (OFPRRFC_STALE), and refuses every write of a secondary (OFPBRC_IS_SLAVE).
 *
 * OVS compares the generation_id of a secondary request too (any role but
 * equal), so a standby cannot just ask secondary with generation 0 once a
 * primary claimed a higher one: it first asks "nochange" (the reply carries
 * the switch's generation), then secondary with that generation.  A race
 * with a new claim in between ends in OFPRRFC_STALE, and the standby asks
 * again.
 *
 * Role requests and their answers:
 *
 *   want primary:  ROLE_REQUEST(primary, gen)  --reply primary-->  PRIMARY
 *                                              --error STALE-->    STALE
 *   want secondary: ROLE_REQUEST(nochange) --reply--> ROLE_REQUEST(secondary,
 *                  the switch's gen) --reply--> STANDBY
 *   PRIMARY --ROLE_STATUS(secondary)--> STALE    (another controller claimed)
 *   STALE: one more "nochange" request learns the switch's generation
 *   (of_session_switch_generation()), so that weftd can claim above it.
 *   A stale session stays stale across reconnections (it asks only
 *   "nochange" then) until it is asked to claim with another generation:
 *   a restarted switch forgot the newer generation and would take the
 *   stale claim.
 *
 * Only the answer to the latest request counts: a new request (the role or
 * generation changed, or a new connection) makes older answers moot. */
#ifndef WEFT_OF_ROLE_H
#define WEFT_OF_ROLE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "of-session.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/types.h"

struct ofp_header;
struct ofpbuf;

struct of_role {
    const char *name;           /* The session's, for logs. */
    bool set;                   /* false: OF_ROLE_NONE, nothing is sent. */
    bool want_primary;
    uint64_t generation;        /* Asked with primary. */
    enum of_session_role role;

    /* The request in flight, if 'xid_valid'. */
    enum { ROLE_REQ_NONE, ROLE_REQ_QUERY, ROLE_REQ_SECONDARY,
           ROLE_REQ_PRIMARY } req;
    ovs_be32 xid;

    bool have_switch_generation;
    uint64_t switch_generation; /* Latest the switch reported. */

    uint64_t n_requests;        /* Role requests sent, for tests/stats. */
    uint64_t n_demotions;       /* PRIMARY or CLAIMING -> STALE. */
};

/* What the session must do after an event. */
enum of_role_action {
    OF_ROLE_ACT_NONE,           /* Nothing (or: not a role message). */
    OF_ROLE_ACT_PRIMARY,        /* Became primary: read the flows back
                                 * unless a dump began after the request. */
    OF_ROLE_ACT_STOP_WRITES,    /* May no longer write: drop the bundle in
                                 * flight and read the flows back. */
};

void of_role_init(struct of_role *, const char *name);

/* True if the session may send bundles and packet-outs: no role set, or
 * the switch confirmed primary. */
bool of_role_may_write(const struct of_role *);
/* True if the session may confirm a configuration that changed none of its
 * flows (of_session_set_unchanged_cfg()): also while claiming primary. */
bool of_role_may_confirm_unchanged(const struct of_role *);

/* The role wanted changed (or not: then returns false and '*msg' NULL).
 * If 'connected', '*msg' is the request to send (version 'ofp_version').
 * Returns true if writes were allowed before and no longer are. */
bool of_role_set(struct of_role *, bool primary, uint64_t generation,
                 bool connected, int ofp_version, struct ofpbuf **msg);

/* A new connection: returns the first request to send, or NULL if no role
 * is set. */
struct ofpbuf *of_role_connected(struct of_role *, int ofp_version);
void of_role_disconnected(struct of_role *);

/* Handles 'oh' (a role reply, role status or error, of type 'type') if it
 * is about roles; '*msg' may be set to a request to send.  Returns what the
 * session must do; '*handled' says whether 'oh' was a role message (an
 * error for another request is not). */
enum of_role_action of_role_receive(struct of_role *,
                                    const struct ofp_header *,
                                    enum ofptype type, int ofp_version,
                                    struct ofpbuf **msg, bool *handled);

#endif /* ofproto/of-role.h */
