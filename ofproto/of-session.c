/* of-session: weftd's OpenFlow session to one br-int, its core: the
 * transport (rconn or of_session_io), the state machine's dispatch of what
 * the switch sends, the controller role, and the accessors.  The read-back
 * of the switch's flows is in of-readback.c, the bundles in of-bundle.c;
 * what they share is in of-session-private.h.  See of-session.h. */
#include <config.h>

#include "of-session.h"
#include "of-session-private.h"

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

static int probe_interval_s = OF_SESSION_DEFAULT_PROBE_INTERVAL;

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

void
of_session_send_msg(struct of_session *s, struct ofpbuf *msg)
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

/* Bytes handed to the transport and not yet written to the socket. */
size_t
of_session_tx_queued(const struct of_session *s)
{
    if (s->rconn) {
        return rconn_packet_counter_n_bytes(s->tx_counter);
    }
    return s->io.queued ? s->io.queued(s->io.aux) : 0;
}

/* Sends one of weftd's own messages, noting its xid. */
static void
send_own_msg(struct of_session *s, struct ofpbuf *msg)
{
    of_packet_xids_note(&s->own_xids, msg);
    of_session_send_msg(s, msg);
}

/* Sends 'msg', a role request from of-role.c, if nonnull. */
static void
send_role_msg(struct of_session *s, struct ofpbuf *msg)
{
    if (msg) {
        s->role_req_dumps = s->n_dumps;
        of_session_send_msg(s, msg);
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
        if (!of_session_dumping(s) || s->n_dumps <= s->role_req_dumps) {
            of_readback_start(s, OF_SESSION_DUMPING);
        }
        break;
    case OF_ROLE_ACT_STOP_WRITES:
        /* The switch may or may not have taken the bundle in flight: drop
         * what is left of it and learn what the switch holds. */
        of_readback_start(s, OF_SESSION_DUMPING);
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
        of_session_send_msg(s, ofputil_encode_echo_reply(oh));
        break;
    case OFPTYPE_FLOW_STATS_REPLY:
        if (of_session_dumping(s) && oh->xid == s->dump_xid) {
            of_readback_flow_stats_reply(s, oh);
        }
        break;
    case OFPTYPE_GROUP_DESC_STATS_REPLY:
        if (of_session_dumping(s) && oh->xid == s->dump_xid) {
            of_readback_group_desc_reply(s, oh);
        }
        break;
    case OFPTYPE_BARRIER_REPLY:
        if (of_session_bundle_in_flight(s) && oh->xid == s->barrier_xid) {
            of_bundle_barrier_reply(s);
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
            if (of_bundle_abort(s)) {
                /* The barrier was not sent yet: one after the discard. */
                of_bundle_send_barrier(s);
            }
        } else if (of_session_dumping(s) && oh->xid == s->dump_xid) {
            of_readback_start(s, s->state);
        }
        break;
    }
    default:
        break;
    }
}

void
of_session_connected(struct of_session *s, int ofp_version)
{
    s->io_connected = true;
    s->n_connects++;
    of_bundle_forget(s);        /* The old connection's, if not seen
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
    of_readback_start(s, OF_SESSION_DUMPING);
}

void
of_session_disconnected(struct of_session *s)
{
    s->io_connected = false;
    s->state = OF_SESSION_DISCONNECTED;
    of_bundle_forget(s);
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
    if (s->tx != TX_IDLE && of_session_tx_queued(s) < s->tx_limit) {
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
    of_bundle_forget(s);
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
    of_bundle_forget(s);
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
    if (s->desired_complete && !of_session_bundle_in_flight(s)
        && s->cur_cfg >= s->desired_cfg && nb_cfg > s->cur_cfg
        && of_role_may_confirm_unchanged(&s->role)) {
        s->cur_cfg = nb_cfg;
    }
    s->desired_cfg = nb_cfg;
    s->desired_cfg_msec = nb_cfg_msec;
    s->push_needed = true;
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
            || of_session_bundle_in_flight(s));
}

void
of_session_set_role(struct of_session *s, bool primary, uint64_t generation)
{
    bool connected = s->state != OF_SESSION_DISCONNECTED;
    struct ofpbuf *msg;
    bool stopped = of_role_set(&s->role, primary, generation, connected,
                               s->ofp_version, &msg);
    send_role_msg(s, msg);
    if (stopped && connected && of_session_bundle_in_flight(s)) {
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
