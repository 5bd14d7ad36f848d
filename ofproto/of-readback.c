/* of-readback: reading a br-int's flows and groups back into the session's
 * flow table (of-session.h): the dump on every new connection (DUMPING), and
 * the periodic verify of a synced session (VERIFYING) that finds what was
 * changed outside weft.  A flow stats dump first, then a group desc dump
 * (of-groups.h); the last group reply makes the session SYNCED.  Part of the
 * of_session module (of-session-private.h). */
#include <config.h>

#include "of-session-private.h"

#include <errno.h>
#include <limits.h>

#include "flow-state.h"
#include "flow-table.h"
#include "of-groups.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(of_readback);

static long long int verify_interval_ms = 30 * 1000;

void
of_session_set_verify_interval(int seconds)
{
    verify_interval_ms = seconds > 0 ? seconds * 1000LL : 0;
}

static void
schedule_verify(struct of_session *s)
{
    s->next_verify = verify_interval_ms ? time_msec() + verify_interval_ms
                                        : LLONG_MAX;
}

/* Asks the switch for all of its flows, to learn what is installed, and
 * enters 'state' (DUMPING or VERIFYING) until the last reply. */
void
of_readback_start(struct of_session *s, enum of_session_state state)
{
    struct ofputil_flow_stats_request fsr;
    flow_table_dump_request(&fsr);
    of_bundle_abort(s);
    struct ofpbuf *msg = ofputil_encode_flow_stats_request(
        &fsr, ofputil_protocol_from_ofp_version(s->ofp_version));
    s->dump_xid = of_session_msg_xid(msg);
    flow_state_begin_dump(&s->flows);
    s->state = state;
    s->n_dumps++;
    of_session_send_msg(s, msg);
}

void
of_readback_flow_stats_reply(struct of_session *s, const struct ofp_header *oh)
{
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    for (;;) {
        struct ofputil_flow_stats fs;
        uint64_t stub[1024 / 8];
        struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
        int retval = ofputil_decode_flow_stats_reply(&fs, &b, false,
                                                     &ofpacts);
        if (!retval) {
            flow_state_dumped(&s->flows, &fs);
        }
        ofpbuf_uninit(&ofpacts);
        if (retval) {
            if (retval != EOF) {
                VLOG_WARN("%s: bad flow stats reply (%s), reading again",
                          s->name, ofperr_to_string(retval));
                of_readback_start(s, s->state);
                return;
            }
            break;
        }
    }
    if (!ofpmp_more(oh)) {
        /* The groups next (of-groups.h), within the same dump. */
        struct ofpbuf *msg = ofgroup_encode_dump_request(s->ofp_version);
        s->dump_xid = of_session_msg_xid(msg);
        of_session_send_msg(s, msg);
    }
}

void
of_readback_group_desc_reply(struct of_session *s, const struct ofp_header *oh)
{
    int error = ofgroup_handle_desc_reply(&s->flows, oh);
    if (error == EAGAIN) {
        return;
    } else if (error) {
        VLOG_WARN("%s: bad group desc reply (%s), reading again", s->name,
                  ofperr_to_string(error));
        of_readback_start(s, s->state);
        return;
    }
    flow_state_end_dump(&s->flows);
    VLOG_INFO("%s: switch holds %"PRIuSIZE" flows, %"PRIuSIZE" groups",
              s->name, flow_state_count_installed(&s->flows),
              flow_state_count_installed_groups(&s->flows));
    s->report_repairs = s->state == OF_SESSION_VERIFYING;
    s->state = OF_SESSION_SYNCED;
    s->push_needed = true;
    schedule_verify(s);
}


void
of_session_force_resync(struct of_session *s)
{
    if (of_session_is_connected(s)) {
        of_readback_start(s, OF_SESSION_DUMPING);
    }
}
