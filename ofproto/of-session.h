/* of-session: weftd's OpenFlow session to one host's br-int.
 *
 * Place in the pipeline: push (the OpenFlow half; the OVSDB half is
 * ovsdb/host-db.h).  The session owns the host's one flow table
 * (flow-state.h: per flow key, the desired and the installed flow); the
 * per-host lifecycle (controller/host.c) patches its desired side as owners
 * are recompiled and says which configuration ('nb_cfg') that is; this
 * module makes the switch hold exactly those flows and reports when it does
 * ('cur_cfg').  It is ≈ OVN's ofctrl.c.
 *
 * On every new connection it first reads the switch's flows back (a flow
 * stats dump, streamed into the table: each flow decoded, looked up and
 * marked installed), then its groups (a group desc dump, of-groups.h), so
 * that it knows what is installed without touching it; then it sends only
 * the tracked differences, as one atomic bundle followed by a barrier:
 * group_mods and flow_mods together, groups added before the flows and
 * deleted after them (flow-state.h).
 * The barrier reply confirms the nb_cfg the bundle was compiled from, which
 * is how "weftctl sync" knows the flows are really in.  Every verify interval
 * a synced session reads the flows back again and repairs what was changed
 * outside weft.
 *
 * States (OF_SESSION_STATES) and their transitions:
 *
 *   DISCONNECTED  --connect-->            DUMPING
 *   DUMPING       --last group reply-->   SYNCED
 *   SYNCED        --differences sent-->   BUNDLE_SENT   (bundle + barrier)
 *   SYNCED        --verify timer-->       VERIFYING
 *   VERIFYING     --last group reply-->   SYNCED        (repairs reported)
 *   BUNDLE_SENT   --barrier reply-->      SYNCED        (cur_cfg confirmed)
 *   BUNDLE_SENT   --error reply-->        BUNDLE_FAILED
 *   BUNDLE_FAILED --barrier reply-->      DUMPING       (the switch's flows
 *                                                        are unknown again)
 *   any connected --force_resync-->       DUMPING
 *   any           --disconnect-->         DISCONNECTED
 *
 * A dump reads the flows (flow stats), then the groups (group desc).  A
 * bad or refused reply to either restarts the dump in the same state.
 * At most one bundle is in flight (BUNDLE_SENT, BUNDLE_FAILED).  Its
 * messages (open, flow_mods, commit, barrier) are encoded and handed to the
 * transport while it holds fewer than a bounded number of bytes
 * (of_session_push() sends more as it drains), so a large sync takes
 * several main loop passes but is still one atomic bundle; a desired change
 * made meanwhile goes into the next one.  The barrier reply makes the
 * bundle's flows installed.  An error reply, a forced resync or a
 * disconnect while some are left drops them; the switch is told to discard
 * the half-sent bundle (if still connected).  After a
 * failed bundle no new one is sent for a second, so that a flow the switch
 * keeps rejecting cannot spin weftd.
 *
 * weftd's own packets (of-packet.h).  On every new connection, before the
 * dump, the session asks the switch for the packet-ins of controller
 * actions (a service connection gets none otherwise) and hands each one to
 * the caller's callback; of_session_send() sends a packet-out.  An error
 * the switch returns for such a message of weftd's own is logged and never
 * taken for a failed bundle.
 *
 * I/O.  By default the session owns an rconn to the switch.  A test (or
 * another transport) instead gives an 'of_session_io' whose send() takes the
 * messages, and drives the session with of_session_connected(),
 * of_session_receive() and of_session_disconnected().
 *
 * Threading: none; everything runs in weftd's main loop. */
#ifndef WEFT_OF_SESSION_H
#define WEFT_OF_SESSION_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow_state;
struct ofp_header;
struct ofpbuf;

#define OF_SESSION_STATES                                   \
    OF_SESSION_STATE(DISCONNECTED, "disconnected")          \
    OF_SESSION_STATE(DUMPING, "reading-flows")              \
    OF_SESSION_STATE(VERIFYING, "verifying")                \
    OF_SESSION_STATE(SYNCED, "synced")                      \
    OF_SESSION_STATE(BUNDLE_SENT, "bundle-sent")            \
    OF_SESSION_STATE(BUNDLE_FAILED, "bundle-failed")

enum of_session_state {
#define OF_SESSION_STATE(ENUM, NAME) OF_SESSION_##ENUM,
    OF_SESSION_STATES
#undef OF_SESSION_STATE
};

const char *of_session_state_name(enum of_session_state);

/* A transport other than rconn.  send() takes ownership of 'msg' and
 * returns 0 or an errno value.  queued(), if nonnull, returns the bytes sent
 * and not yet written out (NULL: always 0), which bounds the bundle bytes in
 * flight as rconn's packet counter does. */
struct of_session_io {
    int (*send)(void *aux, struct ofpbuf *msg);
    size_t (*queued)(void *aux);
    void *aux;
};

/* Every 'seconds' (default 30; 0 disables), each synced session reads the
 * switch's flows back and repairs differences. */
void of_session_set_verify_interval(int seconds);

/* OpenFlow inactivity probe, for the sessions created after the call: with
 * no message from the switch for 'seconds' (at least 5; 0 disables), weftd
 * sends an echo request and drops the connection if nothing comes back
 * within as long again.  unix: targets never probe (a local socket says
 * when the peer is gone), as OVS's own unix: connections do not.  A switch
 * busy committing a large bundle, or a weftd busy compiling, answers late:
 * a short probe turns that into a reconnect and a full read-back.  Default
 * OF_SESSION_DEFAULT_PROBE_INTERVAL; the Controller row weft sets on a tcp:
 * or ssl: host's br-int gets the same interval for the switch's side. */
#define OF_SESSION_DEFAULT_PROBE_INTERVAL 60
void of_session_set_probe_interval(int seconds);
int of_session_get_probe_interval(void);

/* Creates a session named 'name' (for logs) that connects to 'target' over
 * rconn. */
struct of_session *of_session_create(const char *name, const char *target);
/* Creates a session that talks through 'io' (copied) instead; it starts
 * disconnected. */
struct of_session *of_session_create_io(const char *name,
                                        const struct of_session_io *io);
void of_session_destroy(struct of_session *);

/* Drops the connection and connects to 'target' (rconn sessions only). */
void of_session_set_target(struct of_session *, const char *target);

/* Says that the switch is probably listening again (its ovs-vswitchd has
 * just applied its configuration: controller/host.c learns it over OVSDB):
 * if disconnected, connects now instead of after rconn's backoff, and
 * retries after 5, 10, 20... ms, then every 100 ms, for a few seconds.  A
 * unix: session does the same by itself when its socket file appears
 * (socket-watch.h).  A no-op when connected, and for of_session_io
 * sessions. */
void of_session_reconnect_now(struct of_session *);

/* Runs the connection and handles what the switch sent.  Returns true if a
 * new connection was made (the desired flows stay: they do not depend on the
 * OpenFlow version). */
bool of_session_run(struct of_session *);
/* Sends more of the bundle in flight as the transport drains; starts a due
 * verify, or sends the pending differences as one bundle, if the state
 * allows.  Call only once the desired flows are meaningful for
 * this connection (an empty desired side deletes every flow). */
void of_session_push(struct of_session *);
void of_session_wait(struct of_session *);

/* Events, for of_session_io sessions (rconn sessions raise them in
 * of_session_run()). */
void of_session_connected(struct of_session *, int ofp_version);
void of_session_disconnected(struct of_session *);
void of_session_receive(struct of_session *, const struct ofp_header *);

/* Calls 'cb' ('aux', the message) for every packet-in the switch sends;
 * 'oh' is valid during the call only (of_packet_decode_in() decodes it).
 * 'cb' NULL: packet-ins are dropped. */
typedef void of_session_packet_in_cb(void *aux, const struct ofp_header *oh);
void of_session_set_packet_in_cb(struct of_session *,
                                 of_session_packet_in_cb *cb, void *aux);
/* Sends 'msg' (e.g. a packet-out, of_packet_encode_out() with
 * of_session_version()), taking ownership, if connected; else drops it.
 * Returns true if it was handed to the transport. */
bool of_session_send(struct of_session *, struct ofpbuf *msg);

/* The session's flow table.  The caller changes only its desired side
 * (flow_state_set_desired() and the like), then calls
 * of_session_set_desired_cfg(). */
struct flow_state *of_session_flows(struct of_session *);
const struct flow_state *of_session_flows_ro(const struct of_session *);
/* Says that the desired side is now what configuration 'nb_cfg', first
 * seen at 'nb_cfg_msec', compiles to.  'complete' is false if some port had
 * no ofport yet: such flows are sent but do not confirm 'nb_cfg'. */
void of_session_set_desired_cfg(struct of_session *, int64_t nb_cfg,
                                long long int nb_cfg_msec, bool complete);
/* Says that the desired flows, given as not 'complete', are final after all
 * (every port appeared with the ofport they were compiled for): their
 * nb_cfg is confirmed once they are installed.  Cheap; idempotent. */
void of_session_set_complete(struct of_session *);
/* Says that configuration 'nb_cfg' changed nothing these flows depend on:
 * with nothing pending, it is confirmed at once, even with the switch
 * down, since its flows are the confirmed ones. */
void of_session_set_unchanged_cfg(struct of_session *, int64_t nb_cfg,
                                  long long int nb_cfg_msec);
/* Reads the switch's flows again and reconciles them (if connected). */
void of_session_force_resync(struct of_session *);

/* Bounds the bytes of a bundle queued in the transport (0: the default,
 * 128 KiB).  For tests and tuning. */
void of_session_set_tx_limit(struct of_session *, size_t bytes);

bool of_session_is_connected(const struct of_session *);
/* True in SYNCED, VERIFYING, BUNDLE_SENT and BUNDLE_FAILED: the flows were
 * read back and every difference since was sent (or is being sent).  A
 * periodic verify keeps what is installed until its read-back ends. */
bool of_session_is_synced(const struct of_session *);
enum of_session_state of_session_state(const struct of_session *);
int of_session_version(const struct of_session *);
/* The installed side of of_session_flows_ro() (what the session believes the
 * switch holds) is meaningful only when of_session_is_synced(). */
int64_t of_session_cur_cfg(const struct of_session *);

/* OpenFlow controller roles (issue #16; ofproto/of-role.h has the
 * protocol).  The active weftd asks primary with its controller generation,
 * every other weftd asks secondary.  With a role set, every (re)connection
 * sends the role request first (before the dump), and a change of role or
 * generation on a live connection a new one.  Only a session the switch
 * confirmed primary writes: while STANDBY, CLAIMING or STALE no bundle is
 * sent (the desired side keeps its differences, cur_cfg does not advance),
 * of_session_send() refuses, and a bundle in flight is dropped when writes
 * stop.  Becoming PRIMARY reads the switch's flows back first (another
 * controller may have changed them), then sends only the differences. */
enum of_session_role {
    OF_ROLE_NONE,      /* never set: no role request is sent; the connection
                        * keeps OVS's default "equal" role (unit tests,
                        * tools, the behaviour before roles). */
    OF_ROLE_STANDBY,   /* asked secondary: reads only (dumps, stats, echo,
                        * barrier). */
    OF_ROLE_CLAIMING,  /* asked primary with a generation, no answer yet:
                        * reads only. */
    OF_ROLE_PRIMARY,   /* the switch confirmed primary: writes allowed. */
    OF_ROLE_STALE,     /* refused (OFPRRFC_STALE) or demoted by the switch
                        * (role status: another controller claimed
                        * primary): reads only. */
};
void of_session_set_role(struct of_session *, bool primary,
                         uint64_t generation);
enum of_session_role of_session_role(const struct of_session *);
const char *of_session_role_name(enum of_session_role);
/* The newest generation_id the switch reported (role reply/status, error),
 * 0 if none. */
uint64_t of_session_switch_generation(const struct of_session *);

struct of_session_stats {
    uint64_t n_flow_mods;           /* Sent, in bundles. */
    uint64_t n_group_mods;          /* Sent, in the same bundles. */
    uint64_t n_bundles;
    uint64_t n_dumps;               /* Flow read-backs. */
    uint64_t n_connects;
    uint64_t n_tx_waits;            /* Times a bundle waited for the
                                     * transport to drain. */
    int64_t cur_cfg;                /* Latest nb_cfg confirmed installed. */
    uint64_t n_role_requests;       /* Role requests sent. */
    uint64_t n_demotions;           /* Primary (or claiming) -> stale. */
    long long int last_latency_msec;    /* From a new nb_cfg first seen to
                                         * the barrier reply confirming it;
                                         * -1 if none yet. */
};
void of_session_get_stats(const struct of_session *,
                          struct of_session_stats *);

#endif /* ofproto/of-session.h */
