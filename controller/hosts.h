/* hosts: weftd's set of hosts, the per-host lifecycle.
 *
 * Pipeline place: between the desired state and the southbound.  Each time
 * the weft database changes, hosts_reload() loads it again as a topology
 * (ovsdb/weft-db.h) and brings the set of 'struct host's (host.h: one
 * host's OVSDB and OpenFlow sessions) in line with it: a host row added
 * gets a connection, a row removed loses it, and each host the changes
 * touch recompiles the flow owners they touch (controller/host-flows.h).  It also reports the hosts' status back to
 * weft's database (ovsdb/weft-status.h) and lists them, sorted by name, for
 * unixctl, /metrics and the REST API.
 *
 * Owns the topology the hosts compile from: hosts keep pointers into it
 * until the next hosts_reload().
 *
 * Threading: none.  Everything runs in weftd's main loop (the REST thread
 * reaches it only through api_run()). */
#ifndef WEFT_HOSTS_H
#define WEFT_HOSTS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "topology.h"
#include "uuidset.h"

#include "of-session.h"

struct host;
struct ovsdb_idl;
struct ovsdb_idl_txn;
struct uuid;

struct hosts {
    struct topology topo;       /* Current desired state. */
    int64_t nb_cfg;             /* Weft_Global nb_cfg it came from. */
    struct hmap map;            /* Host connections, by host row UUID. */
    unsigned int status_sig;    /* Inputs of the last status write. */

    /* Status write-back (hosts_write_status()) is incremental: the Port
     * rows that may be stale are known from the loader's changes and from
     * the hosts' changed interfaces, gathered here until the next write. */
    struct uuidset status_ports; /* Port rows to look at. */
    bool status_full;           /* Look at every Port row instead: first
                                 * write, full reload, host set changed,
                                 * or a status transaction failed. */
    uint64_t n_status_full;     /* Writes that walked every Port row. */
    uint64_t n_status_partial;  /* Writes that walked 'status_ports'. */
    uint64_t n_status_port_rows; /* Port rows visited by all writes. */

    /* Start-up phases ("weft/startup-stats"), in time_msec(). */
    long long int start_msec;   /* hosts_init(): weftd's start. */
    long long int loaded_msec;  /* End of the first hosts_reload(), 0 before. */
    long long int load_usec;    /* Its duration (topology load + routing). */
    long long int synced_msec;  /* Every host first synced (0: not yet). */

    /* hosts_set_role(), for the hosts created later too. */
    bool role_set;
    bool role_primary;
    uint64_t role_generation;
    bool shared_targets;        /* Some hosts name one OpenFlow target:
                                 * their role owner is chosen again each
                                 * run (hosts_apply_roles()). */
};

void hosts_init(struct hosts *);

/* For tests (weftd --self-check): after each hosts_reload(), checks the
 * topology patched in place against a full load of the database and aborts
 * on a difference. */
void hosts_set_self_check(bool enable);
void hosts_destroy(struct hosts *);

/* Reloads the topology from 'idl' and brings the set of host connections in
 * line with it; only the hosts the changes touch recompile, and only what
 * they touch (hosts_apply()). */
void hosts_reload(struct hosts *, struct ovsdb_idl *idl);
/* weftd's start, before the first hosts_reload(): creates a host connection
 * for each Host row of 'idl', an IDL of the Host rows only
 * (weft_db_register_host_columns()), so that each host's OpenFlow session
 * connects and reads its flows back while the rest of the database
 * downloads, and its OVSDB session reads the host's database.  Such a host
 * has no desired state yet: it neither compiles nor writes to its database
 * (host_db_create()) until hosts_reload() hands it the topology, and that
 * reload also drops any host whose row is gone. */
void hosts_prestart(struct hosts *, struct ovsdb_idl *hosts_idl);

/* 'hosts->topo' changed by 'changes' and is now at configuration 'nb_cfg':
 * adds and removes host connections for added and removed host rows, and
 * routes the changes with the topology's indexes.  A host they touch notes
 * the flow owners to recompile (host_apply_changes()); every other host
 * runs neither compile nor diff (host_skip_changes()). */
struct topo_changes;
void hosts_apply(struct hosts *, const struct topo_changes *changes,
                 int64_t nb_cfg);

void hosts_run(struct hosts *);

/* 'host' resolved its external next hop's MAC to 'mac' (hosts_run() takes
 * it from host_take_gateway_mac()): stores it in the topology
 * (topology_set_host_gateway_mac()) and, if it changed, has that host alone
 * recompile the flows that send to the gateway (host_note_gateway_mac());
 * the next status write records it in Host.status:external_gateway_mac.
 * An unchanged MAC changes nothing. */
struct eth_addr;
void hosts_set_gateway_mac(struct hosts *, struct host *,
                           struct eth_addr mac);
void hosts_wait(struct hosts *);

/* Writes the hosts' and their ports' status to 'idl' within 'txn' (if
 * nonnull), only where it differs, if anything that may change it happened
 * since the last write; otherwise does nothing.  Every Host row is looked
 * at, but only the Port rows of ports the loader reported changed or whose
 * interface's ofport, link state or refusal changed on its host: O(hosts +
 * changes), not O(ports).  Every Port row only on the first write, after a
 * full reload (the database reconnected), after a host row was added,
 * changed or removed, and after hosts_status_failed(). */
void hosts_write_status(struct hosts *, struct ovsdb_idl *idl,
                        struct ovsdb_idl_txn *txn);

/* weftd's transaction that may have held a status write failed (the
 * database is unchanged by it): the next write looks at every Port row. */
void hosts_status_failed(struct hosts *);

/* "weft/startup-stats": weftd's start-up, in ms since hosts_init(): when
 * the weft database was first loaded (and how long the load took), when
 * every host was first synced, then one line per host
 * (host_format_startup()).  -1: not yet. */
void hosts_format_startup_stats(const struct hosts *, struct ds *);
/* True once weftd's start-up is over: the database was loaded and every
 * host was synced (at once if there is none). */
bool hosts_started(const struct hosts *);

/* "weft/status-stats": "full=N partial=N port_rows=N": status writes that
 * looked at every Port row, those that looked only at changed ports, and
 * the Port rows looked at in all (tests/sim/test-status.sh reads it). */
struct ds;
void hosts_format_status_stats(const struct hosts *, struct ds *);

size_t hosts_count(const struct hosts *);

/* OpenFlow controller role of every host (host_set_role(), issue #16),
 * remembered: hosts created later get it too.  Of several hosts that name
 * one OpenFlow target only the first by name takes it; the others stay
 * secondary. */
void hosts_set_role(struct hosts *, bool primary, uint64_t generation);
/* The OpenFlow-connected hosts whose role is 'role'. */
size_t hosts_count_role(const struct hosts *, enum of_session_role role);
/* The OpenFlow-connected hosts that take a role (one per switch). */
size_t hosts_count_role_owners(const struct hosts *);
/* The newest generation any host's switch reported (0: none): an active
 * weftd refused as stale claims above it. */
uint64_t hosts_max_switch_generation(const struct hosts *);

/* The host connection for host row 'uuid', or for the host named 'name';
 * NULL if none. */
struct host *hosts_find(const struct hosts *, const struct uuid *uuid);
struct host *hosts_find_by_name(const struct hosts *, const char *name);

/* Returns the host connections, sorted by host name (free with free()). */
struct host **hosts_sorted(const struct hosts *, size_t *n);

/* Forces a fresh read of every switch's flows and a full reconcile. */
void hosts_force_resync(struct hosts *);

#endif /* controller/hosts.h */
