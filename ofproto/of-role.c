/* of-role: the OpenFlow controller role of one session: the role requests
 * weftd sends and what the switch answers.  See of-role.h. */
#include <config.h>

#include "of-role.h"

#include "byte-order.h"
#include "openflow/openflow.h"
#include "openvswitch/ofp-connection.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"

VLOG_DEFINE_THIS_MODULE(of_role);

static struct vlog_rate_limit role_rl = VLOG_RATE_LIMIT_INIT(10, 10);

const char *
of_session_role_name(enum of_session_role role)
{
    switch (role) {
    case OF_ROLE_NONE: return "none";
    case OF_ROLE_STANDBY: return "standby";
    case OF_ROLE_CLAIMING: return "claiming";
    case OF_ROLE_PRIMARY: return "primary";
    case OF_ROLE_STALE: return "stale";
    }
    return "unknown";
}

void
of_role_init(struct of_role *r, const char *name)
{
    *r = (struct of_role) { .name = name, .role = OF_ROLE_NONE };
}

bool
of_role_may_write(const struct of_role *r)
{
    return r->role == OF_ROLE_NONE || r->role == OF_ROLE_PRIMARY;
}

/* A configuration that changes none of a switch's flows is confirmed by the
 * controller meant to write them: one that may write, or one claiming
 * primary, which is where a primary lands when its connection drops.  Only a
 * standby and a stale controller, which another one may have overruled,
 * confirm nothing. */
bool
of_role_may_confirm_unchanged(const struct of_role *r)
{
    return of_role_may_write(r) || r->role == OF_ROLE_CLAIMING;
}

/* Encodes a role request for 'role' and 'generation', which becomes the
 * request in flight ('kind'): the answers to older ones are ignored. */
static struct ofpbuf *
encode_request(struct of_role *r, int ofp_version, int kind,
               enum ofp12_controller_role role, uint64_t generation)
{
    struct ofpbuf *buf = ofpraw_alloc(OFPRAW_OFPT12_ROLE_REQUEST,
                                      ofp_version, 0);
    struct ofp12_role_request *orr = ofpbuf_put_zeros(buf, sizeof *orr);
    orr->role = htonl(role);
    orr->generation_id = htonll(generation);
    r->xid = ((const struct ofp_header *) buf->data)->xid;
    r->req = kind;
    r->n_requests++;
    return buf;
}

/* A "nochange" request: it changes nothing on the switch, its reply says the
 * switch's newest generation (to ask secondary with, or to claim above). */
static struct ofpbuf *
query_request(struct of_role *r, int ofp_version)
{
    return encode_request(r, ofp_version, ROLE_REQ_QUERY,
                          OFPCR12_ROLE_NOCHANGE, 0);
}

/* The request that starts asking for the wanted role: primary at once; for
 * secondary, first the switch's generation (see of-role.h). */
static struct ofpbuf *
first_request(struct of_role *r, int ofp_version)
{
    return (r->want_primary
            ? encode_request(r, ofp_version, ROLE_REQ_PRIMARY,
                             OFPCR12_ROLE_PRIMARY, r->generation)
            : query_request(r, ofp_version));
}

/* The role while no answer came yet. */
static enum of_session_role
asking_role(const struct of_role *r)
{
    return r->want_primary ? OF_ROLE_CLAIMING : OF_ROLE_STANDBY;
}

bool
of_role_set(struct of_role *r, bool primary, uint64_t generation,
            bool connected, int ofp_version, struct ofpbuf **msg)
{
    *msg = NULL;
    if (r->set && r->want_primary == primary
        && (!primary || r->generation == generation)) {
        return false;
    }
    bool could_write = of_role_may_write(r);
    r->set = true;
    r->want_primary = primary;
    r->generation = primary ? generation : 0;
    r->role = asking_role(r);
    r->req = ROLE_REQ_NONE;
    if (connected) {
        *msg = first_request(r, ofp_version);
    }
    return could_write;
}

struct ofpbuf *
of_role_connected(struct of_role *r, int ofp_version)
{
    if (!r->set) {
        return NULL;
    }
    if (r->role == OF_ROLE_STALE) {
        /* Claiming the same generation again could win on a switch that
         * restarted (it forgot the newer one) and let this weftd write
         * until the active claims: only learn the switch's generation. */
        return query_request(r, ofp_version);
    }
    r->role = asking_role(r);
    return first_request(r, ofp_version);
}

void
of_role_disconnected(struct of_role *r)
{
    r->req = ROLE_REQ_NONE;
    if (r->set && r->role != OF_ROLE_STALE) {
        r->role = asking_role(r);
    }
}

static void
note_switch_generation(struct of_role *r, bool have, uint64_t generation)
{
    if (have && generation != UINT64_MAX) {
        r->have_switch_generation = true;
        r->switch_generation = generation;
    }
}

static enum of_role_action
handle_reply(struct of_role *r, const struct ofp_header *oh, int ofp_version,
             struct ofpbuf **msg)
{
    struct ofputil_role_request rr;
    enum ofperr error = ofputil_decode_role_message(oh, &rr);
    if (error) {
        VLOG_WARN_RL(&role_rl, "%s: bad role reply (%s)", r->name,
                     ofperr_to_string(error));
        return OF_ROLE_ACT_NONE;
    }
    note_switch_generation(r, rr.have_generation_id, rr.generation_id);

    int req = r->req;
    r->req = ROLE_REQ_NONE;
    switch (req) {
    case ROLE_REQ_QUERY:
        if (r->role == OF_ROLE_STALE) {
            VLOG_INFO("%s: the switch's controller generation is %"PRIu64,
                      r->name, r->switch_generation);
        } else if (!r->want_primary) {
            /* Not stale by construction: the switch's own generation. */
            *msg = encode_request(r, ofp_version, ROLE_REQ_SECONDARY,
                                  OFPCR12_ROLE_SECONDARY,
                                  r->have_switch_generation
                                  ? r->switch_generation : 0);
        }
        return OF_ROLE_ACT_NONE;
    case ROLE_REQ_SECONDARY:
        r->role = OF_ROLE_STANDBY;
        VLOG_INFO("%s: secondary (switch generation %"PRIu64")", r->name,
                  r->switch_generation);
        return OF_ROLE_ACT_NONE;
    case ROLE_REQ_PRIMARY:
        if (rr.role == OFPCR12_ROLE_PRIMARY) {
            r->role = OF_ROLE_PRIMARY;
            VLOG_INFO("%s: primary with generation %"PRIu64, r->name,
                      r->generation);
            return OF_ROLE_ACT_PRIMARY;
        }
        r->role = OF_ROLE_STALE;
        VLOG_WARN_RL(&role_rl, "%s: asked primary with generation %"PRIu64
                     ", the switch answered another role", r->name,
                     r->generation);
        return OF_ROLE_ACT_NONE;
    default:
        return OF_ROLE_ACT_NONE;
    }
}

/* A role status: the switch demoted this connection (another controller
 * claimed primary with a generation at least as new). */
static enum of_role_action
handle_status(struct of_role *r, const struct ofp_header *oh)
{
    struct ofputil_role_status rs;
    enum ofperr error = ofputil_decode_role_status(oh, &rs);
    if (error) {
        VLOG_WARN_RL(&role_rl, "%s: bad role status (%s)", r->name,
                     ofperr_to_string(error));
        return OF_ROLE_ACT_NONE;
    }
    note_switch_generation(r, true, rs.generation_id);
    if (r->role != OF_ROLE_PRIMARY || rs.role == OFPCR12_ROLE_PRIMARY) {
        /* While claiming, the answer to the request decides. */
        return OF_ROLE_ACT_NONE;
    }
    r->role = OF_ROLE_STALE;
    r->n_demotions++;
    VLOG_WARN_RL(&role_rl, "%s: demoted by the switch: another controller "
                 "is primary with generation %"PRIu64" (ours %"PRIu64"); "
                 "writes stop", r->name, rs.generation_id, r->generation);
    return OF_ROLE_ACT_STOP_WRITES;
}

static void
handle_error(struct of_role *r, const struct ofp_header *oh, int ofp_version,
             struct ofpbuf **msg)
{
    enum ofperr error = ofperr_decode_msg(oh, NULL);
    int req = r->req;
    r->req = ROLE_REQ_NONE;
    if (error == OFPERR_OFPRRFC_STALE && req == ROLE_REQ_PRIMARY) {
        r->role = OF_ROLE_STALE;
        r->n_demotions++;
        VLOG_WARN_RL(&role_rl, "%s: the switch refused primary with "
                     "generation %"PRIu64" as stale (it saw a newer one)",
                     r->name, r->generation);
        /* Learn the switch's generation, to claim above it. */
        *msg = query_request(r, ofp_version);
    } else if (error == OFPERR_OFPRRFC_STALE && req == ROLE_REQ_SECONDARY) {
        /* A claim came between the query and the request: again. */
        *msg = query_request(r, ofp_version);
    } else {
        VLOG_WARN_RL(&role_rl, "%s: the switch refused a role request: %s",
                     r->name, ofperr_to_string(error));
        if (req == ROLE_REQ_PRIMARY) {
            r->role = OF_ROLE_STALE;
        }
    }
}

enum of_role_action
of_role_receive(struct of_role *r, const struct ofp_header *oh,
                enum ofptype type, int ofp_version, struct ofpbuf **msg,
                bool *handled)
{
    *msg = NULL;
    *handled = false;
    switch (type) {
    case OFPTYPE_ROLE_REPLY:
        *handled = true;
        if (r->req != ROLE_REQ_NONE && oh->xid == r->xid) {
            return handle_reply(r, oh, ofp_version, msg);
        }
        return OF_ROLE_ACT_NONE;
    case OFPTYPE_ROLE_STATUS:
        *handled = true;
        return r->set ? handle_status(r, oh) : OF_ROLE_ACT_NONE;
    case OFPTYPE_ERROR:
        if (r->req != ROLE_REQ_NONE && oh->xid == r->xid) {
            *handled = true;
            handle_error(r, oh, ofp_version, msg);
        }
        return OF_ROLE_ACT_NONE;
    default:
        return OF_ROLE_ACT_NONE;
    }
}
