/* host-db: weftd's OVSDB session to one host's Open_vSwitch database.
 *
 * Place in the pipeline: push (the OVSDB half; the OpenFlow half is
 * ofproto/of-session.h).  The per-host lifecycle (controller/host.c) hands
 * it the ports weft wants on the host (ofproto/wanted-ports.h, plain data)
 * and reads back what the switch made of them.  Like OVN's encaps.c, it
 * knows nothing of the compiler or of weft's topology.
 *
 * It ensures br-int (datapath type, fail_mode=secure, OpenFlow 1.3-1.5,
 * table names after the pipeline stages, weft's passive controller target)
 * and exactly the ports weft owns on it.  Ownership is marked in
 * external_ids:weft-port (and weft-name, "TENANT/NET/PORT", for the host's
 * operator); a bridge, port or interface weft did not create is never
 * changed or deleted, and a wanted name that one of them holds is "blocked":
 * not created, since one such name would fail the whole transaction.
 *
 * Every interface weft creates gets Interface.ofport_request, a stable
 * number chosen by wanted_ports_assign_ofports() (ofproto/wanted-ports.h):
 * the compiler can use it before ovs-vswitchd has made the port, so a host
 * is compiled once at bring-up, not once more when the ofports arrive.  If
 * the switch gives a port another number anyway (a clash with a port weft
 * does not own), the real one wins and only that port's flows change.
 *
 * Incremental: the IDL tracks every column it reads, and host_db_run()
 * looks only at the names of the rows that changed and of the wanted ports
 * that changed (host_db_set_wanted()'s 'changed'), through an index of the
 * host's rows by name (host-ifaces.h): O(changes), not O(ports on the
 * host).  It walks every row only at the first read, when the IDL reloads
 * the database (a reconnect), on host_db_force_reconcile() or a new config,
 * and after a failed transaction.  host_db_get_stats() counts both.
 *
 * Outputs: the ofport and link state of every interface weft owns, the
 * ofports the flows must use, whether every wanted port has been resolved,
 * the blocked names, and a seqno that changes whenever ofports, link states
 * or blocked names change.
 *
 * Threading: none; everything runs in weftd's main loop. */
#ifndef WEFT_HOST_DB_H
#define WEFT_HOST_DB_H 1

#include <stdbool.h>
#include <stdint.h>

struct simap;
struct sset;
struct wanted_ports;

struct host_db_config {
    const char *name;               /* The host's name, for logs. */
    const char *remote;             /* Its ovsdb-server, "unix:..." etc. */
    const char *datapath_type;      /* br-int's datapath type. */
    const char *controller_target;  /* Passive target set on br-int, or
                                     * NULL. */
    int controller_probe_msec;      /* Its Controller.inactivity_probe: how
                                     * long ovs-vswitchd waits for weftd
                                     * before it probes (0: never), so that
                                     * a busy weftd is not dropped after
                                     * OVS's default 5 s + 5 s. */
};

/* Connects to 'cfg->remote' (copies 'cfg').  Until the first
 * host_db_set_wanted() it only reads the host's database (ofports, blocked
 * names) and writes nothing: weftd starts a host's sessions before it knows
 * the host's desired state, and a reconcile then would remove every port
 * weft owns. */
struct host_db *host_db_create(const struct host_db_config *cfg);
void host_db_destroy(struct host_db *);

/* Applies 'cfg' (copied) and reconciles br-int again at the next
 * host_db_run().  A new remote takes effect at host_db_reconnect(). */
void host_db_set_config(struct host_db *, const struct host_db_config *cfg);
/* Drops the connection and connects again. */
void host_db_reconnect(struct host_db *);

/* Makes 'wanted->ports' the ports weft must own.  'wanted' must stay valid
 * until host_db_destroy() or the next call; call again whenever its contents
 * change, with 'changed' the names added, removed or changed
 * (wanted_ports_diff()): only those are reconciled.  'changed' NULL: all of
 * them (a full walk of the host's database). */
void host_db_set_wanted(struct host_db *, const struct wanted_ports *wanted,
                        const struct sset *changed);

/* Reconciles the database.  Returns true if host_db_flow_ofports() changed
 * since the last call: the flows must be compiled again.  A port that
 * appears with the number weft requested changes nothing there (only
 * host_db_ports_resolved() may change). */
bool host_db_run(struct host_db *);
void host_db_wait(struct host_db *);
/* While 'read_only' (this weftd is not the active one, issue #16), the
 * session still reads the host's database (ofports, blocked names, for the
 * compile) but sends no transaction at all: no reconcile, no poke of the
 * switch; what is due waits.  Becoming writable again reconciles
 * everything, since another weftd may have written meanwhile.  Default:
 * writable. */
void host_db_set_read_only(struct host_db *, bool read_only);
bool host_db_is_read_only(const struct host_db *);
/* Reconciles br-int at the next host_db_run() even if nothing changed,
 * walking every row of the host's database. */
void host_db_force_reconcile(struct host_db *);

/* Asks ovs-vswitchd to say when it has applied its configuration: the
 * next transaction increments Open_vSwitch.next_cfg, which the switch
 * copies to cur_cfg once it has reconfigured (br-int and its OpenFlow
 * listener included), as "ovs-vsctl" waits for it.  A restarted
 * ovs-vswitchd writes it as soon as it is up. */
void host_db_poke_switch(struct host_db *);
/* Open_vSwitch.cur_cfg (-1 without a row): it changes when ovs-vswitchd has
 * applied a configuration. */
int64_t host_db_switch_cfg(const struct host_db *);

/* Connected, with an Open_vSwitch row.  Before that, ofports are unknown. */
bool host_db_connected(const struct host_db *);
/* Has been connected and read an Open_vSwitch row at least once (the
 * ofports are those read then). */
bool host_db_has_read(const struct host_db *);
/* Connections made so far. */
uint64_t host_db_n_connects(const struct host_db *);

/* Interface name -> ofport > 0, of the interfaces weft owns only, as the
 * switch reports them (for status). */
const struct simap *host_db_ofports(const struct host_db *);
/* Wanted interface name -> the ofport its flows must use: the real one once
 * known, before that the one weft requested.  Without an entry: blocked, or
 * the switch could not make it (ofport -1).  Flows compiled from it are
 * final only once host_db_ports_resolved(). */
const struct simap *host_db_flow_ofports(const struct host_db *);
/* True if weft-owned interface 'iface' has its link up. */
bool host_db_iface_up(const struct host_db *, const char *iface);
/* True once every wanted interface has its real ofport (or the switch said
 * it cannot have one), blocked names apart: then host_db_flow_ofports() are
 * all real ones. */
bool host_db_ports_resolved(const struct host_db *);
/* Wanted names held by a bridge, port or interface weft does not own. */
const struct sset *host_db_blocked(const struct host_db *);
/* False if a bridge, port or interface weft does not own holds 'iface' now
 * (true while the database has never been read). */
bool host_db_iface_available(const struct host_db *, const char *iface);

/* Changes whenever ofports, link states or blocked names change. */
unsigned int host_db_seqno(const struct host_db *);
/* Adds to 'names' the interface names whose ofport, link state or blocked
 * state changed since the last call (since creation for the first), and
 * forgets them: what status write-back must look at again, O(changes). */
void host_db_take_changed_ifaces(struct host_db *, struct sset *names);

/* How incremental the session is (weft/host-db-stats,
 * tests/sim/test-host-db-incr.sh). */
struct host_db_stats {
    uint64_t n_runs;            /* host_db_run() calls that had changes to
                                 * look at (the host's database, the wanted
                                 * ports or a forced reconcile). */
    uint64_t n_full;            /* Those that looked at every interface and
                                 * port of the host. */
    uint64_t n_reloads;         /* Full walks because the IDL reloaded the
                                 * whole database (a reconnect). */
    uint64_t n_ifaces;          /* Interfaces (names) looked at, in all. */
    uint64_t n_assign_full;     /* ofport_request choices made anew for
                                 * every wanted interface. */
};
void host_db_get_stats(const struct host_db *, struct host_db_stats *);

#endif /* ovsdb/host-db.h */
