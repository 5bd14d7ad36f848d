/* of-bundle: the bundles that make a br-int's flows the desired ones: the
 * tracked differences of the session's flow table (flow-state.h) sent as one
 * atomic bundle (open, group_mods and flow_mods, commit) and a barrier,
 * handed to the transport as it drains; the barrier reply that confirms the
 * bundle's nb_cfg (cur_cfg), or after an error reply, a fresh read-back
 * (BUNDLE_SENT, BUNDLE_FAILED).  Part of the of_session module
 * (of-session-private.h). */
#include <config.h>

#include "of-session-private.h"

#include "compiler.h"
#include "flow-state.h"
#include "flow-table.h"
#include "of-groups.h"
#include "of-role.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(of_bundle);

/* After a failed bundle, no push for this long. */
#define PUSH_HOLDOFF_MSEC 1000

#define BUNDLE_FLAGS (OFPBF_ATOMIC | OFPBF_ORDERED)

static void
send_bundle_ctrl(struct of_session *s, enum ofp14_bundle_ctrl_type type)
{
    struct ofputil_bundle_ctrl_msg bc = {
        .bundle_id = s->bundle_id,
        .type = type,
        .flags = BUNDLE_FLAGS,
    };
    of_session_send_msg(s, ofputil_encode_bundle_ctrl_request(s->ofp_version,
                                                              &bc));
}

void
of_bundle_send_barrier(struct of_session *s)
{
    struct ofpbuf *barrier = ofputil_encode_barrier_request(s->ofp_version);
    s->barrier_xid = of_session_msg_xid(barrier);
    of_session_send_msg(s, barrier);
}

/* Hands the rest of the bundle in flight to the transport while it holds
 * less than 'tx_limit' bytes (at least one message, so that a message
 * larger than the limit still goes). */
static void
send_bundle_msgs(struct of_session *s)
{
    while (s->tx != TX_IDLE) {
        if (of_session_tx_queued(s) >= s->tx_limit) {
            s->n_tx_waits++;
            return;
        }
        uint16_t command;
        const struct weft_flow *flow;
        switch (s->tx) {
        case TX_OPEN:
            send_bundle_ctrl(s, OFPBCT_OPEN_REQUEST);
            s->tx = TX_MODS;
            break;
        case TX_MODS:
            if (flow_state_next_change(&s->flows, &command, &flow)) {
                of_session_send_msg(s, (weft_flow_is_group(flow)
                             ? ofgroup_encode_bundle_add
                             : nflow_encode_bundle_add)(flow, command,
                                                        s->ofp_version,
                                                        s->bundle_id,
                                                        BUNDLE_FLAGS));
            } else {
                s->tx = TX_COMMIT;
            }
            break;
        case TX_COMMIT:
            send_bundle_ctrl(s, OFPBCT_COMMIT_REQUEST);
            of_bundle_send_barrier(s);
            s->tx = TX_IDLE;
            break;
        case TX_IDLE:
        default:
            OVS_NOT_REACHED();
        }
    }
}

/* Forgets the bundle in flight, with what was left to send of it: the
 * connection is gone, so the switch committed none of it. */
void
of_bundle_forget(struct of_session *s)
{
    s->tx = TX_IDLE;
    flow_state_abort_push(&s->flows);
}

/* Drops what is left to send of the bundle in flight, if any.  Its commit
 * was not sent: if its open was, the switch is told to discard it, so that
 * the half-filled bundle does not sit in ovs-vswitchd until the connection
 * drops.  Returns true if there was something left. */
bool
of_bundle_abort(struct of_session *s)
{
    if (s->tx == TX_IDLE) {
        return false;
    }
    bool opened = s->tx != TX_OPEN;
    of_bundle_forget(s);
    if (opened) {
        send_bundle_ctrl(s, OFPBCT_DISCARD_REQUEST);
    }
    return true;
}

void
of_bundle_barrier_reply(struct of_session *s)
{
    if (s->state == OF_SESSION_BUNDLE_FAILED) {
        s->next_push = time_msec() + PUSH_HOLDOFF_MSEC;
        /* We no longer know what the switch holds: read it again. */
        of_readback_start(s, OF_SESSION_DUMPING);
        return;
    }
    flow_state_push_done(&s->flows);
    s->state = OF_SESSION_SYNCED;
    VLOG_INFO("%s: bundle %"PRIu32": %"PRIuSIZE" flow_mods and group_mods "
              "confirmed in %lld ms", s->name, s->bundle_id, s->inflight_n,
              time_msec() - s->inflight_start);
    if (s->inflight_complete && s->inflight_cfg > s->cur_cfg) {
        s->cur_cfg = s->inflight_cfg;
        s->last_latency_msec = time_msec() - s->inflight_cfg_msec;
    }
}

/* Sends the tracked differences between desired and installed as one
 * bundle, followed by a barrier; or, if there is none, confirms
 * desired_cfg.  The flow_mods are encoded as the transport drains
 * (send_bundle_msgs()); a change made meanwhile waits for the next
 * bundle. */
static void
push_flows(struct of_session *s)
{
    uint32_t bundle_id = s->next_bundle_id++;
    size_t n = flow_state_begin_push(&s->flows);
    if (s->report_repairs) {
        s->report_repairs = false;
        if (n) {
            VLOG_WARN("%s: %"PRIuSIZE" flows on the switch were changed "
                      "outside weft; repairing", s->name, n);
        }
    }
    if (!n) {
        if (s->desired_complete && s->desired_cfg > s->cur_cfg) {
            s->cur_cfg = s->desired_cfg;
            s->last_latency_msec = time_msec() - s->desired_cfg_msec;
        }
        return;
    }

    ovs_assert(s->tx == TX_IDLE);
    s->bundle_id = bundle_id;
    s->tx = TX_OPEN;
    s->state = OF_SESSION_BUNDLE_SENT;
    s->inflight_cfg = s->desired_cfg;
    s->inflight_cfg_msec = s->desired_cfg_msec;
    s->inflight_complete = s->desired_complete;
    s->inflight_start = time_msec();
    s->inflight_n = n;
    size_t n_groups = flow_state_batch_group_mods(&s->flows);
    s->n_flow_mods += n - n_groups;
    s->n_group_mods += n_groups;
    s->n_bundles++;
    VLOG_INFO("%s: bundle %"PRIu32": %"PRIuSIZE" flow_mods, %"PRIuSIZE
              " group_mods for nb_cfg %"PRId64, s->name, bundle_id,
              n - n_groups, n_groups, s->desired_cfg);
    send_bundle_msgs(s);
}

void
of_session_push(struct of_session *s)
{
    bool may_write = of_role_may_write(&s->role);
    if (s->state == OF_SESSION_BUNDLE_SENT && may_write) {
        send_bundle_msgs(s);
    }
    if (s->next_push && time_msec() >= s->next_push) {
        s->next_push = 0;
    }
    if (s->state == OF_SESSION_SYNCED && time_msec() >= s->next_verify) {
        of_readback_start(s, OF_SESSION_VERIFYING);
    }
    if (s->state == OF_SESSION_SYNCED && !s->next_push && s->push_needed
        && may_write) {
        s->push_needed = false;
        push_flows(s);
    }
}
