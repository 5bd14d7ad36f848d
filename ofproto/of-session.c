/* of-session: weftd's OpenFlow session to one br-int.  See of-session.h. */
#include <config.h>

#include "of-session.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "compiler.h"
#include "flow-state.h"
#include "flow-table.h"
#include "of-groups.h"
#include "of-packet.h"
#include "of-role.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/rconn.h"
#include "openvswitch/vlog.h"
#include "socket-watch.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(of_session);

/* OpenFlow versions weft speaks; bundles need at least 1.3 (as an ONF
 * extension) and are native from 1.4. */
#define WEFT_OF_VERSIONS ((1u << OFP13_VERSION) | (1u << OFP14_VERSION) \
                          | (1u << OFP15_VERSION))

/* rconn waits at least 1 s before reconnecting, and 2 s, 4 s... after
 * that.  A restarted ovs-vswitchd's flows are gone until weftd reconnects,
 * so weftd does not wait for the backoff; it connects as soon as br-int
 * listens again, which it learns from two events: for a unix: target, the
 * socket file appearing (socket-watch.h), and for any target, the host's
 * OVSDB session seeing ovs-vswitchd apply its configuration (host.c,
 * through of_session_reconnect_now()).  As a fallback, for the first
 * seconds after a drop or an event weftd retries every 100 ms itself; after
 * that rconn's backoff rules, so a host that is really down costs
 * nothing. */
#define FAST_RECONNECT_MSEC 3000
#define FAST_RECONNECT_EVERY_MSEC 100
#define FIRST_KICK_AFTER_EVENT_MSEC 5

/* After a failed bundle, no push for this long. */
#define PUSH_HOLDOFF_MSEC 1000

/* A bundle's messages are handed to the transport only while it holds fewer
 * than this many bytes not yet written to the socket (OVN's ofctrl waits on
 * its tx_counter the same way): a 100,000-flow sync no longer lands in
 * rconn's queue at once, behind which every later message to that switch
 * (echo replies, the next dump) would wait, and each main loop pass hands
 * each host at most this much more, so a slow switch holds up only its own
 * bundle.  Each flow_mod is encoded from its native flow only when it is
 * about to be handed over (flow_state_next_change()), so a large bundle
 * never exists whole in weftd's memory either. */
#define DEFAULT_TX_LIMIT (128 * 1024)

#define BUNDLE_FLAGS (OFPBF_ATOMIC | OFPBF_ORDERED)

struct of_session {
    char *name;
    enum of_session_state state;

    /* Transport: an rconn, or 'io' if 'rconn' is NULL. */
    char *target;
    struct rconn *rconn;
    unsigned int conn_seqno;
    long long int disconnected_at;  /* When the connection last dropped
                                     * (LLONG_MIN while up). */
    long long int next_kick;        /* Next fast reconnect attempt. */
    long long int kick_every;       /* Then the one after, in ms. */
    struct socket_watch *watch;     /* unix: target's file, or NULL. */
    long long int dropped_at;       /* When a connection last dropped, for
                                     * the log (LLONG_MIN: logged). */
    struct of_session_io io;
    bool io_connected;
    struct rconn_packet_counter *tx_counter;    /* Bytes queued in 'rconn'. */
    size_t tx_limit;                /* See DEFAULT_TX_LIMIT. */

    int ofp_version;
    ovs_be32 dump_xid;              /* DUMPING, VERIFYING. */
    struct flow_state flows;        /* Desired and installed, one table: a
                                     * dump marks its installed side in
                                     * place, a push sends its tracked
                                     * differences. */
    int64_t desired_cfg;            /* nb_cfg the desired side was compiled
                                     * from. */
    long long int desired_cfg_msec; /* When weftd first saw it. */
    bool desired_complete;          /* Compiled with all ports resolved. */
    bool push_needed;               /* Desired, installed or desired_cfg
                                     * changed since the last diff: diffing
                                     * two large unchanged tables on every
                                     * main loop pass would waste the CPU. */
    bool report_repairs;            /* The next diff follows a verify: what
                                     * it finds was changed outside weft. */

    /* The bundle in flight (BUNDLE_SENT, BUNDLE_FAILED): what is next to
     * hand to the transport, in order open, flow_mods (from 'flows''s
     * batch), commit and barrier; TX_IDLE once all was handed over. */
    enum { TX_IDLE, TX_OPEN, TX_MODS, TX_COMMIT } tx;
    uint32_t bundle_id;
    uint32_t next_bundle_id;
    ovs_be32 barrier_xid;
    int64_t inflight_cfg;
    long long int inflight_cfg_msec;
    long long int inflight_start;   /* When the bundle was begun. */
    size_t inflight_n;              /* Its flow_mods. */
    bool inflight_complete;

    long long int next_verify;      /* When to read the switch's flows back
                                     * again (LLONG_MAX: never). */
    long long int next_push;        /* After a failed bundle, no push before
                                     * this time (0: none pending). */

    int64_t cur_cfg;                /* Highest nb_cfg confirmed installed. */
    long long int last_latency_msec;

    uint64_t n_flow_mods;
    uint64_t n_group_mods;
    uint64_t n_bundles;
    uint64_t n_dumps;
    uint64_t n_connects;
    uint64_t n_tx_waits;            /* Times a bundle waited for the
                                     * transport to drain. */

    /* weftd's own messages (of_session_send(), the asynchronous setup),
     * so that an error about one (a packet-out to a port just deleted) is
     * not taken for the bundle's; and where packet-ins go. */
    struct of_packet_xids own_xids;
    of_session_packet_in_cb *packet_in_cb;
    void *packet_in_aux;

    /* The controller role (of-role.h); 'role_req_dumps' is 'n_dumps' when
     * the latest role request was sent, so that a dump begun after it
     * counts as the fresh read-back of a new primary. */
    struct of_role role;
    uint64_t role_req_dumps;
};

static long long int verify_interval_ms = 30 * 1000;
static int probe_interval_s = OF_SESSION_DEFAULT_PROBE_INTERVAL;

void
of_session_set_verify_interval(int seconds)
{
    verify_interval_ms = seconds > 0 ? seconds * 1000LL : 0;
}

void
of_session_set_probe_interval(int seconds)
{
    probe_interval_s = seconds > 0 ? MAX(seconds, 5) : 0;
}

int
of_session_get_probe_interval(void)
{
    return probe_interval_s;
}

const char *
of_session_state_name(enum of_session_state state)
{
    switch (state) {
#define OF_SESSION_STATE(ENUM, NAME) case OF_SESSION_##ENUM: return NAME;
        OF_SESSION_STATES
#undef OF_SESSION_STATE
    }
    return "unknown";
}

static bool
bundle_in_flight(const struct of_session *s)
{
    return s->state == OF_SESSION_BUNDLE_SENT
           || s->state == OF_SESSION_BUNDLE_FAILED;
}

static bool
dumping(const struct of_session *s)
{
    return s->state == OF_SESSION_DUMPING || s->state == OF_SESSION_VERIFYING;
}

static void
schedule_verify(struct of_session *s)
{
    s->next_verify = verify_interval_ms ? time_msec() + verify_interval_ms
                                        : LLONG_MAX;
}

static void
send_msg(struct of_session *s, struct ofpbuf *msg)
{
    int error;
    if (s->rconn) {
        error = rconn_send(s->rconn, msg, s->tx_counter);
    } else {
        ofpmsg_update_length(msg);      /* As vconn_send() does. */
        error = s->io.send(s->io.aux, msg);
    }
    if (error) {
        /* The transport took ownership either way; the connection dropped
         * and the next connection starts over from a dump. */
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_DBG_RL(&rl, "%s: send failed (%s)", s->name,
                    ovs_strerror(error));
    }
}

static ovs_be32
msg_xid(const struct ofpbuf *msg)
{
    return ((const struct ofp_header *) msg->data)->xid;
}

/* Bytes handed to the transport and not yet written to the socket. */
static size_t
tx_queued(const struct of_session *s)
{
    if (s->rconn) {
        return rconn_packet_counter_n_bytes(s->tx_counter);
    }
    return s->io.queued ? s->io.queued(s->io.aux) : 0;
}

/* Hands the rest of the bundle in flight to the transport while it holds
 * less than 'tx_limit' bytes (at least one message, so that a message
 * larger than the limit still goes). */
static void
send_bundle_ctrl(struct of_session *s, enum ofp14_bundle_ctrl_type type)
{
    struct ofputil_bundle_ctrl_msg bc = {
        .bundle_id = s->bundle_id,
        .type = type,
        .flags = BUNDLE_FLAGS,
    };
    send_msg(s, ofputil_encode_bundle_ctrl_request(s->ofp_version, &bc));
}

static void
send_barrier(struct of_session *s)
{
    struct ofpbuf *barrier = ofputil_encode_barrier_request(s->ofp_version);
    s->barrier_xid = msg_xid(barrier);
    send_msg(s, barrier);
}

static void
send_bundle_msgs(struct of_session *s)
{
    while (s->tx != TX_IDLE) {
        if (tx_queued(s) >= s->tx_limit) {
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
                send_msg(s, (weft_flow_is_group(flow)
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
            send_barrier(s);
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
static void
free_bundle_msgs(struct of_session *s)
{
    s->tx = TX_IDLE;
    flow_state_abort_push(&s->flows);
}

/* Drops what is left to send of the bundle in flight, if any.  Its commit
 * was not sent: if its open was, the switch is told to discard it, so that
 * the half-filled bundle does not sit in ovs-vswitchd until the connection
 * drops.  Returns true if there was something left. */
static bool
abort_bundle(struct of_session *s)
{
    if (s->tx == TX_IDLE) {
        return false;
    }
    bool opened = s->tx != TX_OPEN;
    free_bundle_msgs(s);
    if (opened) {
        send_bundle_ctrl(s, OFPBCT_DISCARD_REQUEST);
    }
    return true;
}

/* Asks the switch for all of its flows, to learn what is installed, and
 * enters 'state' (DUMPING or VERIFYING) until the last reply. */
static void
start_dump(struct of_session *s, enum of_session_state state)
{
    struct ofputil_flow_stats_request fsr;
    flow_table_dump_request(&fsr);
    abort_bundle(s);
    struct ofpbuf *msg = ofputil_encode_flow_stats_request(
        &fsr, ofputil_protocol_from_ofp_version(s->ofp_version));
    s->dump_xid = msg_xid(msg);
    flow_state_begin_dump(&s->flows);
    s->state = state;
    s->n_dumps++;
    send_msg(s, msg);
}

static void
handle_flow_stats_reply(struct of_session *s, const struct ofp_header *oh)
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
                start_dump(s, s->state);
                return;
            }
            break;
        }
    }
    if (!ofpmp_more(oh)) {
        /* The groups next (of-groups.h), within the same dump. */
        struct ofpbuf *msg = ofgroup_encode_dump_request(s->ofp_version);
        s->dump_xid = msg_xid(msg);
        send_msg(s, msg);
    }
}

static void
handle_group_desc_reply(struct of_session *s, const struct ofp_header *oh)
{
    int error = ofgroup_handle_desc_reply(&s->flows, oh);
    if (error == EAGAIN) {
        return;
    } else if (error) {
        VLOG_WARN("%s: bad group desc reply (%s), reading again", s->name,
                  ofperr_to_string(error));
        start_dump(s, s->state);
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

static void
handle_barrier_reply(struct of_session *s)
{
    if (s->state == OF_SESSION_BUNDLE_FAILED) {
        s->next_push = time_msec() + PUSH_HOLDOFF_MSEC;
        /* We no longer know what the switch holds: read it again. */
        start_dump(s, OF_SESSION_DUMPING);
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

/* Sends one of weftd's own messages, noting its xid. */
static void
send_own_msg(struct of_session *s, struct ofpbuf *msg)
{
    of_packet_xids_note(&s->own_xids, msg);
    send_msg(s, msg);
}

/* Sends 'msg', a role request from of-role.c, if nonnull. */
static void
send_role_msg(struct of_session *s, struct ofpbuf *msg)
{
    if (msg) {
        s->role_req_dumps = s->n_dumps;
        send_msg(s, msg);
    }
}

/* Acts on what of-role.c says about the switch's last answer. */
static void
do_role_action(struct of_session *s, enum of_role_action action)
{
    switch (action) {
    case OF_ROLE_ACT_PRIMARY:
        /* What another controller did before this one became primary is
         * known only from a read-back begun after the request. */
        if (!dumping(s) || s->n_dumps <= s->role_req_dumps) {
            start_dump(s, OF_SESSION_DUMPING);
        }
        break;
    case OF_ROLE_ACT_STOP_WRITES:
        /* The switch may or may not have taken the bundle in flight: drop
         * what is left of it and learn what the switch holds. */
        start_dump(s, OF_SESSION_DUMPING);
        break;
    case OF_ROLE_ACT_NONE:
    default:
        break;
    }
}

/* Handles 'oh' if it is about the controller role; returns true if so. */
static bool
receive_role_msg(struct of_session *s, const struct ofp_header *oh,
                 enum ofptype type)
{
    struct ofpbuf *msg;
    bool handled;
    enum of_role_action action = of_role_receive(&s->role, oh, type,
                                                 s->ofp_version, &msg,
                                                 &handled);
    send_role_msg(s, msg);
    do_role_action(s, action);
    return handled;
}

void
of_session_receive(struct of_session *s, const struct ofp_header *oh)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    enum ofptype type;
    if (s->state == OF_SESSION_DISCONNECTED || ofptype_decode(&type, oh)) {
        return;
    }
    if (receive_role_msg(s, oh, type)) {
        return;
    }
    switch (type) {
    case OFPTYPE_ECHO_REQUEST:
        send_msg(s, ofputil_encode_echo_reply(oh));
        break;
    case OFPTYPE_FLOW_STATS_REPLY:
        if (dumping(s) && oh->xid == s->dump_xid) {
            handle_flow_stats_reply(s, oh);
        }
        break;
    case OFPTYPE_GROUP_DESC_STATS_REPLY:
        if (dumping(s) && oh->xid == s->dump_xid) {
            handle_group_desc_reply(s, oh);
        }
        break;
    case OFPTYPE_BARRIER_REPLY:
        if (bundle_in_flight(s) && oh->xid == s->barrier_xid) {
            handle_barrier_reply(s);
        }
        break;
    case OFPTYPE_PACKET_IN:
        if (s->packet_in_cb) {
            s->packet_in_cb(s->packet_in_aux, oh);
        }
        break;
    case OFPTYPE_ERROR: {
        enum ofperr error = ofperr_decode_msg(oh, NULL);
        if (of_packet_xids_contains(&s->own_xids, oh->xid)) {
            VLOG_WARN_RL(&rl, "%s: switch refused a message of weftd's own: "
                         "%s", s->name, ofperr_to_string(error));
            break;
        }
        VLOG_WARN_RL(&rl, "%s: switch reported error: %s", s->name,
                     ofperr_to_string(error));
        if (s->state == OF_SESSION_BUNDLE_SENT) {
            s->state = OF_SESSION_BUNDLE_FAILED;
            if (abort_bundle(s)) {
                /* The barrier was not sent yet: one after the discard. */
                send_barrier(s);
            }
        } else if (dumping(s) && oh->xid == s->dump_xid) {
            start_dump(s, s->state);
        }
        break;
    }
    default:
        break;
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
        start_dump(s, OF_SESSION_VERIFYING);
    }
    if (s->state == OF_SESSION_SYNCED && !s->next_push && s->push_needed
        && may_write) {
        s->push_needed = false;
        push_flows(s);
    }
}

void
of_session_connected(struct of_session *s, int ofp_version)
{
    s->io_connected = true;
    s->n_connects++;
    free_bundle_msgs(s);        /* The old connection's, if not seen
                                 * dropping. */
    /* Native flows do not depend on the version: the desired side stays. */
    s->ofp_version = ofp_version;
    /* The role request first: the dump below then reads what the switch
     * holds once this connection has its role. */
    send_role_msg(s, of_role_connected(&s->role, ofp_version));
    /* A service connection gets packet-ins only once it asks (of-packet.h):
     * before the dump, so that none is missed from the start. */
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    of_packet_encode_async_setup(ofp_version, &msgs);
    struct ofpbuf *msg;
    LIST_FOR_EACH_POP (msg, list_node, &msgs) {
        send_own_msg(s, msg);
    }
    start_dump(s, OF_SESSION_DUMPING);
}

void
of_session_disconnected(struct of_session *s)
{
    s->io_connected = false;
    s->state = OF_SESSION_DISCONNECTED;
    free_bundle_msgs(s);
    of_role_disconnected(&s->role);
}

/* Connects now if rconn is waiting out its backoff, saying 'why'. */
static void
connect_now(struct of_session *s, const char *why)
{
    if (!s->rconn || rconn_is_connected(s->rconn)) {
        return;
    }
    if (!strcmp(rconn_get_state(s->rconn), "BACKOFF")) {
        VLOG_INFO("%s: %s, connecting now", s->name, why);
        rconn_connect(s->rconn, s->target, s->name);
    }
    /* The fast retries start over, first after 5 ms and then twice as long
     * each time up to 100 ms: a socket file exists between bind() and
     * listen(), and a busy switch may be descheduled in between
     * (ECONNREFUSED). */
    long long int now = time_msec();
    s->disconnected_at = now;
    s->kick_every = FIRST_KICK_AFTER_EVENT_MSEC;
    s->next_kick = now + s->kick_every;
}

void
of_session_reconnect_now(struct of_session *s)
{
    connect_now(s, "ovs-vswitchd applied its configuration");
}

static void
kick_reconnect(struct of_session *s)
{
    long long int now = time_msec();
    if (s->disconnected_at == LLONG_MIN) {
        s->disconnected_at = now;
        s->kick_every = FAST_RECONNECT_EVERY_MSEC;
        s->next_kick = now + s->kick_every;
    }
    if (now - s->disconnected_at < FAST_RECONNECT_MSEC
        && now >= s->next_kick
        && !strcmp(rconn_get_state(s->rconn), "BACKOFF")) {
        rconn_connect(s->rconn, s->target, s->name);
        s->kick_every = MIN(2 * s->kick_every, FAST_RECONNECT_EVERY_MSEC);
        s->next_kick = now + s->kick_every;
    }
}

bool
of_session_run(struct of_session *s)
{
    if (!s->rconn) {
        return false;           /* of_session_io: the caller drives it. */
    }
    rconn_run(s->rconn);
    bool appeared = socket_watch_appeared(s->watch);
    if (!rconn_is_connected(s->rconn)) {
        if (s->state != OF_SESSION_DISCONNECTED) {
            s->dropped_at = time_msec();
        }
        of_session_disconnected(s);
        if (appeared) {
            connect_now(s, "br-int's socket appeared");
        }
        kick_reconnect(s);
        return false;
    }
    s->disconnected_at = LLONG_MIN;

    bool new_conn = false;
    unsigned int seqno = rconn_get_connection_seqno(s->rconn);
    if (seqno != s->conn_seqno) {
        s->conn_seqno = seqno;
        if (s->dropped_at != LLONG_MIN) {
            VLOG_INFO("%s: connected again %lld ms after the connection "
                      "dropped", s->name, time_msec() - s->dropped_at);
            s->dropped_at = LLONG_MIN;
        }
        of_session_connected(s, rconn_get_version(s->rconn));
        new_conn = true;
    }
    for (int i = 0; i < 200; i++) {
        struct ofpbuf *msg = rconn_recv(s->rconn);
        if (!msg) {
            break;
        }
        of_session_receive(s, msg->data);
        ofpbuf_delete(msg);
    }
    return new_conn;
}

void
of_session_wait(struct of_session *s)
{
    if (s->rconn) {
        rconn_run_wait(s->rconn);
        rconn_recv_wait(s->rconn);
        socket_watch_wait(s->watch);
        if (s->disconnected_at != LLONG_MIN
            && time_msec() - s->disconnected_at < FAST_RECONNECT_MSEC) {
            poll_timer_wait_until(s->next_kick);
        }
    }
    /* A bundle waiting on a full transport wakes up when it drains: rconn
     * waits for the socket while its queue is not empty. */
    if (s->tx != TX_IDLE && tx_queued(s) < s->tx_limit) {
        poll_immediate_wake();
    }
    if (s->state == OF_SESSION_SYNCED && s->next_push) {
        poll_timer_wait_until(s->next_push);
    }
    if (s->state == OF_SESSION_SYNCED && s->next_verify != LLONG_MAX) {
        poll_timer_wait_until(s->next_verify);
    }
}

static struct of_session *
of_session_create__(const char *name)
{
    struct of_session *s = xzalloc(sizeof *s);
    s->name = xstrdup(name);
    s->state = OF_SESSION_DISCONNECTED;
    s->disconnected_at = LLONG_MIN;
    s->dropped_at = LLONG_MIN;
    flow_state_init(&s->flows);
    s->tx = TX_IDLE;
    s->tx_limit = DEFAULT_TX_LIMIT;
    s->next_bundle_id = 1;
    s->last_latency_msec = -1;
    of_role_init(&s->role, s->name);
    return s;
}

static void
of_session_connect(struct of_session *s, const char *target)
{
    s->target = xstrdup(target);
    /* rconn_connect() turns the inactivity probe off for unix: targets, as
     * OVS does for targets that need no probes. */
    s->rconn = rconn_create(probe_interval_s, 8, 0, WEFT_OF_VERSIONS);
    s->tx_counter = rconn_packet_counter_create();
    s->watch = (!strncmp(target, "unix:", 5)
                ? socket_watch_create(target + 5) : NULL);
    rconn_connect(s->rconn, s->target, s->name);
    s->disconnected_at = LLONG_MIN;
    s->conn_seqno = 0;
    s->state = OF_SESSION_DISCONNECTED;
}

struct of_session *
of_session_create(const char *name, const char *target)
{
    struct of_session *s = of_session_create__(name);
    of_session_connect(s, target);
    return s;
}

struct of_session *
of_session_create_io(const char *name, const struct of_session_io *io)
{
    struct of_session *s = of_session_create__(name);
    s->io = *io;
    return s;
}

void
of_session_set_target(struct of_session *s, const char *target)
{
    ovs_assert(s->rconn);
    free_bundle_msgs(s);
    rconn_destroy(s->rconn);
    rconn_packet_counter_destroy(s->tx_counter);
    socket_watch_destroy(s->watch);
    free(s->target);
    of_session_connect(s, target);
}

void
of_session_destroy(struct of_session *s)
{
    if (!s) {
        return;
    }
    free_bundle_msgs(s);
    rconn_destroy(s->rconn);
    rconn_packet_counter_destroy(s->tx_counter);
    socket_watch_destroy(s->watch);
    flow_state_destroy(&s->flows);
    free(s->target);
    free(s->name);
    free(s);
}

void
of_session_set_packet_in_cb(struct of_session *s, of_session_packet_in_cb *cb,
                            void *aux)
{
    s->packet_in_cb = cb;
    s->packet_in_aux = aux;
}

bool
of_session_send(struct of_session *s, struct ofpbuf *msg)
{
    if (s->state == OF_SESSION_DISCONNECTED || !of_session_is_connected(s)
        || !of_role_may_write(&s->role)) {
        ofpbuf_delete(msg);
        return false;
    }
    send_own_msg(s, msg);
    return true;
}

struct flow_state *
of_session_flows(struct of_session *s)
{
    return &s->flows;
}

void
of_session_set_desired_cfg(struct of_session *s, int64_t nb_cfg,
                           long long int nb_cfg_msec, bool complete)
{
    s->desired_cfg = nb_cfg;
    s->desired_cfg_msec = nb_cfg_msec;
    s->desired_complete = complete;
    s->push_needed = true;
}

void
of_session_set_complete(struct of_session *s)
{
    if (!s->desired_complete) {
        s->desired_complete = true;
        s->push_needed = true;
    }
}

void
of_session_set_unchanged_cfg(struct of_session *s, int64_t nb_cfg,
                             long long int nb_cfg_msec)
{
    if (s->desired_complete && !bundle_in_flight(s)
        && s->cur_cfg >= s->desired_cfg && nb_cfg > s->cur_cfg
        && of_role_may_write(&s->role)) {
        s->cur_cfg = nb_cfg;
    }
    s->desired_cfg = nb_cfg;
    s->desired_cfg_msec = nb_cfg_msec;
    s->push_needed = true;
}

void
of_session_force_resync(struct of_session *s)
{
    if (of_session_is_connected(s)) {
        start_dump(s, OF_SESSION_DUMPING);
    }
}

void
of_session_set_tx_limit(struct of_session *s, size_t bytes)
{
    s->tx_limit = bytes ? bytes : DEFAULT_TX_LIMIT;
}

bool
of_session_is_connected(const struct of_session *s)
{
    return s->rconn ? rconn_is_connected(s->rconn) : s->io_connected;
}

enum of_session_state
of_session_state(const struct of_session *s)
{
    return s->state;
}

int
of_session_version(const struct of_session *s)
{
    return s->ofp_version;
}

const struct flow_state *
of_session_flows_ro(const struct of_session *s)
{
    return &s->flows;
}

int64_t
of_session_cur_cfg(const struct of_session *s)
{
    return s->cur_cfg;
}

void
of_session_get_stats(const struct of_session *s,
                     struct of_session_stats *stats)
{
    stats->n_flow_mods = s->n_flow_mods;
    stats->n_group_mods = s->n_group_mods;
    stats->n_bundles = s->n_bundles;
    stats->n_dumps = s->n_dumps;
    stats->n_connects = s->n_connects;
    stats->n_tx_waits = s->n_tx_waits;
    stats->cur_cfg = s->cur_cfg;
    stats->n_role_requests = s->role.n_requests;
    stats->n_demotions = s->role.n_demotions;
    stats->last_latency_msec = s->last_latency_msec;
}

bool
of_session_is_synced(const struct of_session *s)
{
    /* A verify starts only from SYNCED and marks the installed side in
     * place, flow by flow as the switch reports it: until its last reply
     * the flows not reported yet keep what the switch was last known to
     * hold. */
    return (s->state == OF_SESSION_SYNCED
            || s->state == OF_SESSION_VERIFYING
            || bundle_in_flight(s));
}

void
of_session_set_role(struct of_session *s, bool primary, uint64_t generation)
{
    bool connected = s->state != OF_SESSION_DISCONNECTED;
    struct ofpbuf *msg;
    bool stopped = of_role_set(&s->role, primary, generation, connected,
                               s->ofp_version, &msg);
    send_role_msg(s, msg);
    if (stopped && connected && bundle_in_flight(s)) {
        do_role_action(s, OF_ROLE_ACT_STOP_WRITES);
    }
}

enum of_session_role
of_session_role(const struct of_session *s)
{
    return s->role.role;
}

uint64_t
of_session_switch_generation(const struct of_session *s)
{
    return s->role.have_switch_generation ? s->role.switch_generation : 0;
}
