/* of-session-private: what the OpenFlow session's files share (of-session.c
 * the core and the transport, of-readback.c the read-back of the switch's
 * flows and groups, of-bundle.c the bundles): the session struct and the
 * functions each file calls in another.  Only those three files include it;
 * everyone else uses of-session.h.
 *
 * Threading: none; everything runs in weftd's main loop. */
#ifndef WEFT_OF_SESSION_PRIVATE_H
#define WEFT_OF_SESSION_PRIVATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow-state.h"
#include "of-packet.h"
#include "of-role.h"
#include "of-session.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/types.h"

struct ofp_header;
struct rconn;
struct rconn_packet_counter;
struct socket_watch;

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


/* True while a bundle is in flight (BUNDLE_SENT, BUNDLE_FAILED). */
static inline bool
of_session_bundle_in_flight(const struct of_session *s)
{
    return s->state == OF_SESSION_BUNDLE_SENT
           || s->state == OF_SESSION_BUNDLE_FAILED;
}

/* True while a read-back is under way (DUMPING, VERIFYING). */
static inline bool
of_session_dumping(const struct of_session *s)
{
    return s->state == OF_SESSION_DUMPING || s->state == OF_SESSION_VERIFYING;
}

/* The xid of 'msg', an encoded OpenFlow message. */
static inline ovs_be32
of_session_msg_xid(const struct ofpbuf *msg)
{
    return ((const struct ofp_header *) msg->data)->xid;
}

/* of-session.c: the transport. */

/* Sends 'msg' to the switch and takes ownership of it.  A failed send is
 * only logged: the connection dropped, and the next one starts over from a
 * dump. */
void of_session_send_msg(struct of_session *, struct ofpbuf *msg);

/* Bytes handed to the transport and not yet written to the socket. */
size_t of_session_tx_queued(const struct of_session *);

/* of-readback.c: the read-back of the switch's flows and groups. */

/* Asks the switch for all of its flows (then its groups), to learn what is
 * installed, and enters 'state' (DUMPING or VERIFYING) until the last reply.
 * Drops what is left to send of a bundle in flight. */
void of_readback_start(struct of_session *, enum of_session_state state);

/* Handle a flow stats reply, or a group desc reply, 'oh' to the dump in
 * progress (the caller checked its xid).  A bad reply restarts the dump;
 * the last group reply makes the session SYNCED. */
void of_readback_flow_stats_reply(struct of_session *,
                                  const struct ofp_header *oh);
void of_readback_group_desc_reply(struct of_session *,
                                  const struct ofp_header *oh);

/* of-bundle.c: the bundles (of_session_push() is there too). */

/* Sends a barrier request and notes its xid as the bundle's barrier. */
void of_bundle_send_barrier(struct of_session *);

/* Forgets the bundle in flight, with what was left to send of it: the
 * connection is gone, so the switch committed none of it. */
void of_bundle_forget(struct of_session *);

/* Drops what is left to send of the bundle in flight, if any, telling the
 * switch to discard it if its open was sent.  Returns true if there was
 * something left (then its barrier was not sent either). */
bool of_bundle_abort(struct of_session *);

/* Handles the barrier reply to the bundle in flight: confirms its flows
 * installed and its nb_cfg (BUNDLE_SENT), or reads the switch's flows back
 * again (BUNDLE_FAILED). */
void of_bundle_barrier_reply(struct of_session *);

#endif /* of-session-private.h */
