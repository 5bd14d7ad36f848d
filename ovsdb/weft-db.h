/* weft-db: maps weft's own database (ovsdb/weft.ovsschema, through the
 * generated weftrec_* IDL) to the plain 'struct topology' model.
 *
 * Used by weftd, to compile flows from what the database holds, and by
 * weftctl, to validate a change against the same view before writing it. */
#ifndef WEFT_DB_H
#define WEFT_DB_H 1

#include <stdbool.h>

struct ovsdb_idl;
struct topology;
struct topo_changes;

/* Registers with 'idl' the columns weft-db reads (weftd and weftctl register
 * all columns; this is for callers that want less). */
void weft_db_register_columns(struct ovsdb_idl *);

/* Fills the empty 'topo' from the rows in 'idl'.  Rows that reference missing
 * or invalid data (a port whose MAC does not parse, say: only possible if the
 * database was written by hand) are skipped with a rate-limited warning, so
 * one bad row never stops the rest from being programmed. */
void weft_db_load_topology(struct ovsdb_idl *, struct topology *topo);

/* weftd's start: an IDL that replicates only the Host rows' connection
 * columns (weft_db_register_host_columns(), before it first runs) gets
 * them long before a full copy of the database arrives, so that the hosts'
 * sessions can start meanwhile.  weft_db_load_hosts() adds its Host rows
 * to the empty 'topo', as weft_db_load_topology() would, and nothing
 * else. */
void weft_db_register_host_columns(struct ovsdb_idl *);
void weft_db_load_hosts(struct ovsdb_idl *, struct topology *topo);

/* Incremental update (weftd).  weft_db_track_changes() makes 'idl' track
 * changes to the columns the loader reads; call it before the IDL first
 * runs.  Then, each time the IDL's seqno changes, weft_db_update_topology()
 * patches 'topo' (what the last update left, or an empty topology) in place
 * so that it equals what weft_db_load_topology() would load now, fills
 * 'changes' as topology/changes.h says, and clears the IDL's tracking.
 *
 * Rows are skipped exactly as the full load skips them.  Deletions go first
 * (ports, networks, tenants, hosts), then insertions and modifications
 * (hosts, tenants, networks, ports); hosts, tenants and networks keep their
 * addresses when modified, a modified port is replaced.
 *
 * It falls back to a full load, with changes->all set, on the first load,
 * after the IDL resynchronised with the server (a row the topology holds
 * reported new, all rows of a table new, or a table emptied while the
 * topology still holds its rows), and on a change it does not patch (a
 * network the loader would now skip or no longer skip; a deleted tenant
 * that a network moved away from in the same transaction).  A change of
 * Weft_Global options:underlay_mtu is patched but sets changes->all too:
 * every network's default MTU follows it.  A full load is logged at INFO
 * level with its reason. */
void weft_db_track_changes(struct ovsdb_idl *);
void weft_db_update_topology(struct ovsdb_idl *, struct topology *,
                             struct topo_changes *);
/* The same for another copy of the desired state than weftd's own (the
 * REST API's, ovsdb/weft-txn.h), named 'copy' in its full-load log line;
 * it does not log its patches, so weftd's log lines stay weftd's. */
void weft_db_update_copy(struct ovsdb_idl *, struct topology *,
                         struct topo_changes *, const char *copy);

/* Self-check (weftd --self-check, tests): compares 'topo' with a fresh full
 * load from 'idl', through topology_format().  Returns NULL if they are the
 * same, else a malloc'd message naming the first line that differs. */
char *weft_db_check_topology(struct ovsdb_idl *, const struct topology *topo);

/* Row lookups by name, for callers that work on rows rather than on the
 * topology (the REST API, weftctl's operator commands).  NULL if absent.
 * A network is named within its tenant, a port within its network. */
struct weftrec_host;
struct weftrec_tenant;
struct weftrec_network;
struct weftrec_port;
const struct weftrec_host *weft_db_find_host(struct ovsdb_idl *,
                                             const char *name);
const struct weftrec_tenant *weft_db_find_tenant(struct ovsdb_idl *,
                                                 const char *name);
const struct weftrec_network *weft_db_find_network(
    struct ovsdb_idl *, const struct weftrec_tenant *, const char *name);
const struct weftrec_port *weft_db_find_port(struct ovsdb_idl *,
                                             const struct weftrec_network *,
                                             const char *name);

/* Returns Weft_Global options:underlay_mtu if set to a valid MTU, else
 * TOPO_UNDERLAY_MTU_DEFAULT. */
int weft_db_underlay_mtu(struct ovsdb_idl *);

/* weft's run directory, the one place where weftd's files are found by
 * default: its control socket (weftd.ctl), pidfile (weftd.pid), REST API
 * socket (weft-api.sock), and weft's database socket (weft.sock).  weftd
 * creates it; weftctl and the lab look there.  It is the directory given to
 * weft_rundir_set() (weftd --rundir), else $WEFT_RUNDIR if set and not
 * empty, else WEFT_RUNDIR_DEFAULT.  It is not OVS's run directory
 * (/var/run/openvswitch): weft's files live apart from the switch's.
 * Returns a string owned by the module. */
#define WEFT_RUNDIR_DEFAULT "/var/run/weft"
const char *weft_rundir(void);
void weft_rundir_set(const char *dir);

/* Returns "<rundir>/<name>" (malloc'd); 'name' if it is already absolute. */
char *weft_rundir_file(const char *name);

/* Default database remote: $WEFT_DB if set, else unix:<rundir>/weft.sock.
 * Returns a static string. */
const char *weft_db_default_remote(void);

/* Returns NULL if 'remote' (one remote or a comma-separated list of them)
 * can be opened as far as SSL goes, else a
 * malloc'd message: an "ssl:" remote needs OVS's stream-ssl configured
 * (--private-key, --certificate, --ca-cert), or OVS would only retry and
 * log.  Used for weft's database and for hosts' remotes. */
char *weft_db_check_ssl(const char *remote);

#endif /* ovsdb/weft-db.h */
