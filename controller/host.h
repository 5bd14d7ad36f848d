/* host: weftd's per-host lifecycle, southbound.
 *
 * Each host runs an ovsdb-server (Open_vSwitch database) and an ovs-vswitchd.
 * A 'struct host' computes what the host must hold from the topology (the
 * ports, ofproto/wanted-ports.h; the flows, ofproto/compiler.h) and hands it
 * to its two sessions:
 *
 *   - OVSDB (ovsdb/host-db.h): ensures br-int (datapath type,
 *     fail_mode=secure, OpenFlow 1.3-1.5) and exactly the ports weft owns on
 *     it.  Ownership is marked in external_ids:weft-port; a port or bridge
 *     weft did not create is never changed or deleted.  The ofport numbers
 *     the switch assigns flow back into the compiler.
 *
 *   - OpenFlow (ofproto/of-session.h): on every new connection it first
 *     reads the switch's flows back, then pushes only the difference, as one
 *     atomic bundle followed by a barrier.  The barrier reply confirms the
 *     configuration sequence number the bundle was compiled from ('cur_cfg'),
 *     which is how "weftctl sync" knows the flows are really in.  A
 *     configuration that changes nothing this host's flows depend on, while
 *     it has nothing pending, is confirmed at once, even with the switch
 *     down: its flows are the confirmed ones.
 *
 * OpenFlow connection states as weftd shows them (HOST_OF_STATES; the
 * session's own, finer states are OF_SESSION_STATES):
 *
 *   DISCONNECTED --connect--> DUMPING --last stats reply--> SYNCED
 *         ^                      |  ^                         |
 *         +------ disconnect ----+  +--- bundle error --------+
 *
 * A periodic verify and a bundle in flight show as SYNCED: what is installed
 * is known throughout (weft/hosts' dumps= counts the read-backs).
 *
 * Threading: none.  Everything runs in weftd's main loop. */
#ifndef WEFT_HOST_H
#define WEFT_HOST_H 1

#include <stdbool.h>
#include <stdint.h>

#include "of-session.h"
#include "openvswitch/hmap.h"
#include "openvswitch/uuid.h"

struct ds;
struct topology;
struct topo_changes;
struct topo_host;

#define HOST_OF_STATES                          \
    HOST_OF_STATE(DISCONNECTED, "disconnected") \
    HOST_OF_STATE(DUMPING, "reading-flows")     \
    HOST_OF_STATE(SYNCED, "synced")

enum host_of_state {
#define HOST_OF_STATE(ENUM, NAME) HOST_OF_##ENUM,
    HOST_OF_STATES
#undef HOST_OF_STATE
};

const char *host_of_state_name(enum host_of_state);

struct host;

/* Every 'seconds' (default 30; 0 disables), each synced host's flows are
 * read back from the switch and differences repaired, so that a flow deleted
 * or changed by hand does not stay wrong until the next reconnect. */
void host_set_verify_interval(int seconds);

/* The OpenFlow inactivity probe for tcp: and ssl: hosts, both ways (weftd's
 * session, and br-int's Controller row for the switch's side): 'seconds'
 * (at least 5; 0 disables; default 60).  unix: hosts never probe.  Call
 * before the hosts are created. */
void host_set_openflow_probe_interval(int seconds);

/* Creates a host connection for 'th' (copies what it needs). */
struct host *host_create(const struct topo_host *th);
void host_destroy(struct host *);

/* Reconnects if 'th' changed the remotes; returns true if anything changed. */
bool host_update_config(struct host *, const struct topo_host *th);

/* 'topo' at configuration 'nb_cfg' differs from the previous topology by
 * 'changes': notes the flow owners of this host they touch (see
 * controller/host-flows.h), recompiled in the next host_run(), and
 * recomputes the ports weft wants here if any.  A host the changes do not
 * touch counts a skip and, with nothing pending, confirms 'nb_cfg' at once
 * (as host_skip_changes()).  'topo' must outlive the next call. */
void host_apply_changes(struct host *, const struct topology *topo,
                        const struct topo_changes *changes, int64_t nb_cfg);
/* 'topo' at 'nb_cfg' changed nothing of this host's (the caller knows it
 * from the topology's indexes): no compile, no diff; counts a skip. */
void host_skip_changes(struct host *, const struct topology *topo,
                       int64_t nb_cfg);

/* weftd --self-check: after every incremental compile, also compile the
 * whole host and abort, with the differing flows in the log, if the two
 * differ. */
void host_set_self_check(bool enable);

/* OpenFlow controller role (issue #16, ofproto/of-session.h): the active
 * weftd sets 'primary' with its controller generation, a standby not.  Also
 * makes the host's OVSDB side read-only (ovsdb/host-db.h) while the role
 * was set and this weftd is not primary or the switch found it stale: it
 * still reads ofports and the like for the compile.  Never called: role
 * OF_ROLE_NONE, and the host writes as it always did. */
void host_set_role(struct host *, bool primary, uint64_t generation);
enum of_session_role host_role(const struct host *);
/* of_session_switch_generation() of the host's session. */
uint64_t host_switch_generation(const struct host *);

void host_run(struct host *);
void host_wait(struct host *);

/* Status for the weft database and for unixctl. */
const struct uuid *host_uuid(const struct host *);
const char *host_name(const struct host *);
/* The OpenFlow target weftd connects to (services' counters read it). */
const char *host_of_target(const struct host *);
bool host_ovsdb_connected(const struct host *);
bool host_openflow_connected(const struct host *);
int64_t host_cur_cfg(const struct host *);
enum host_of_state host_of_state(const struct host *);

/* Changes whenever the connection states, cur_cfg, OpenFlow state or any
 * interface's ofport or link state changes, so that weftd writes status
 * back only when there is something new to write. */
unsigned int host_status_seqno(const struct host *);
/* Adds to 'names' the interface names whose host_iface_ofport(), link state
 * or host_iface_refused() may have changed since the last call, and forgets
 * them, so that status write-back looks only at their ports. */
struct sset;
void host_take_changed_ifaces(struct host *, struct sset *names);

/* Returns the OpenFlow port of the endpoint interface 'iface' on this host,
 * or -1 if unknown or refused, and whether its link is up in '*up'. */
int64_t host_iface_ofport(const struct host *, const char *iface, bool *up);

/* Interface names are a host resource.  host_iface_refused() is true if an
 * endpoint with interface 'iface' on this host is not created: the name
 * belongs to weft's infrastructure, or a bridge, port or interface weft
 * does not own holds it in the host's database.  host_iface_available() is
 * false if such a foreign object holds 'iface' now (true while the host's
 * database has never been read). */
bool host_iface_refused(const struct host *, const char *iface);
bool host_iface_available(const struct host *, const char *iface);

/* One line of "weft/compile-stats" output: "NAME full=N owners=N
 * skipped=N applied=N flows=N" ('applied': changes that hosts_apply()
 * routed to this host for a closer look; 'skipped': changes that did not
 * touch it, whether the routing or the closer look found it). */
void host_format_compile_stats(const struct host *, struct ds *);
/* One line for weft/host-db-stats: how incremental the host's OVSDB session
 * is (host_db_get_stats()). */
void host_format_db_stats(const struct host *, struct ds *);
/* One line of "weft/hosts" output. */
void host_format_summary(const struct host *, struct ds *);

/* Start-up phases, for "weft/startup-stats" and weftd's log: when (in
 * time_msec()) this host's database was first read, its OpenFlow session
 * first connected, its flows first read back, first compiled (and how long
 * that compile took) and when the host was first synced: read back,
 * compiled, no difference left and cur_cfg at nb_cfg.  0: not yet.  Only
 * the first of each counts, so that a restarted weftd's figures stay
 * visible after later reconnects. */
struct host_startup {
    long long int created;
    long long int ovsdb_read;
    long long int of_connected;
    long long int dumped;
    long long int compiled;
    long long int compile_usec;
    long long int synced;
};
const struct host_startup *host_get_startup(const struct host *);

/* Whether this host's interface status (host_iface_ofport()) means
 * anything yet: once its database has been read, or HOST_STATUS_GRACE_MSEC
 * after the host was created if it never was (the host is down).  Before
 * that, a restarted weftd would write every port as down and without an
 * ofport, and a moment later write all of them back.
 * host_take_status_known() is true once, when it first becomes known: the
 * caller then looks at every port of the host. */
#define HOST_STATUS_GRACE_MSEC 5000
bool host_status_known(const struct host *);
bool host_take_status_known(struct host *);
/* Appends one "NAME ovsdb_read=MS ..." line of "weft/startup-stats", each
 * time in ms since 'base' (-1: not yet). */
void host_format_startup(const struct host *, long long int base,
                         struct ds *);
/* "weft/flows": the desired (or installed) flows, sorted. */
void host_format_flows(const struct host *, bool installed, struct ds *);
/* "weft/groups": the desired (or installed) groups, by id. */
void host_format_groups(const struct host *, bool installed, struct ds *);
/* Appends the desired (or installed) flows whose cookie matches 'cookie'
 * under 'mask', sorted, one per line, to 'out'.  Installed flows are only
 * known in state SYNCED: otherwise appends none of them. */
void host_format_flows_by_cookie(const struct host *, uint64_t cookie,
                                 uint64_t mask, bool installed,
                                 struct ds *out);
/* Counters and gauges of one host, for /metrics. */
struct host_stats {
    bool ovsdb_connected;
    bool openflow_connected;
    enum host_of_state state;
    size_t n_desired;               /* Flows weft wants on br-int. */
    size_t n_installed;             /* Flows it knows are there (SYNCED). */
    uint64_t n_flow_mods;           /* Sent, in bundles. */
    uint64_t n_bundles;
    uint64_t n_dumps;               /* Flow read-backs. */
    uint64_t n_compiles;            /* Times its flows were compiled. */
    uint64_t n_ovsdb_reconnects;    /* Connections after the first. */
    uint64_t n_openflow_reconnects;
    int64_t nb_cfg;                 /* Latest configuration seen. */
    int64_t cur_cfg;                /* Latest confirmed installed. */
    long long int last_latency_msec;    /* From a new nb_cfg seen by weftd
                                         * to the barrier reply confirming
                                         * it; -1 if none yet. */
    uint64_t n_full_compiles;       /* Whole-host compiles. */
    uint64_t n_owner_compiles;      /* Flow owners compiled one by one. */
    uint64_t n_skipped;             /* Changes that did not touch it. */
};

void host_get_stats(const struct host *, struct host_stats *);

/* Forces a fresh read of the switch's flows and a full reconcile. */
void host_force_resync(struct host *);

/* The MAC of this host's external next hop, resolved over ARP
 * (controller/host-ext.h) since the last call and different from the
 * topology's: stores it in '*mac' and returns true (once).  The caller
 * stores it in the topology, recompiles the host and writes the host's
 * status (hosts.c, hosts_set_gateway_mac()). */
struct eth_addr;
bool host_take_gateway_mac(struct host *, struct eth_addr *mac);
/* The topology this host compiles from now holds a new gateway MAC for it
 * (topology_set_host_gateway_mac()): recompiles the flow owners that use
 * it (host_flows_note_external()) in the next host_run(). */
void host_note_gateway_mac(struct host *);

#endif /* controller/host.h */
