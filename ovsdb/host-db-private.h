/* host-db-private: the state of weftd's OVSDB session to one host, shared by
 * host-db.c (the session: connection, reads, transaction loop, outputs) and
 * host-db-ports.c (the ports weft owns on br-int, made what weft wants).
 * Only those two files include it; everyone else uses host-db.h. */
#ifndef WEFT_HOST_DB_PRIVATE_H
#define WEFT_HOST_DB_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "host-db.h"
#include "host-ifaces.h"
#include "ovsdb-idl.h"
#include "openvswitch/shash.h"
#include "simap.h"
#include "sset.h"

struct hostrec_bridge;

struct host_db {
    char *name;
    char *remote;
    char *datapath_type;
    char *controller_target;        /* Passive target set on br-int, or NULL
                                     * (unix: hosts use br-int.mgmt). */
    int64_t controller_probe_msec;  /* Its inactivity_probe. */

    struct ovsdb_idl *idl;
    struct ovsdb_idl_loop idl_loop;
    struct host_ifaces hi;          /* Its rows by name, and the
                                     * ofport_request weft chose for each
                                     * wanted name ('hi.requested'). */
    bool full;                      /* Walk every row at the next run: first
                                     * read, reconnect, forced reconcile,
                                     * failed transaction. */
    bool reconcile_all;             /* Reconcile br-int and every name at the
                                     * next transaction. */
    bool reconcile_bridge;          /* ...br-int's own settings. */
    struct sset to_reconcile;       /* ...these names. */
    struct sset wanted_changed;     /* Names whose wanted port changed since
                                     * the last run. */
    const struct shash *wanted;     /* Interface name -> struct wanted_port,
                                     * owned by the caller. */
    bool wanted_set;                /* host_db_set_wanted() was called: until
                                     * then the database is only read (a
                                     * host started before weftd had its
                                     * desired state), since a reconcile
                                     * would remove every port weft owns. */
    struct sset blocked;            /* Wanted names that a bridge, port or
                                     * interface weft does not own holds in
                                     * the host's database: never created,
                                     * since one such name would fail the
                                     * whole reconcile transaction. */
    struct simap ofports;           /* Interface name -> ofport > 0, of the
                                     * ports weft owns only. */
    struct simap flow_ofports;      /* Wanted interface name -> the ofport
                                     * its flows use: see
                                     * host_db_flow_ofports(). */
    struct sset up;                 /* Interfaces whose link is up. */
    struct sset unresolved;         /* Wanted names not created yet, or
                                     * without an ofport yet. */
    bool ports_resolved;            /* 'unresolved' is empty. */
    unsigned int seqno;             /* See host_db_seqno(). */
    struct sset changed;            /* Interface names whose ofport, link
                                     * state or blocked state changed since
                                     * host_db_take_changed_ifaces(). */
    uint64_t n_connects;
    bool was_connected;
    bool poke_switch;               /* Bump Open_vSwitch.next_cfg at the
                                     * next transaction: see
                                     * host_db_poke_switch(). */
    struct host_db_stats stats;     /* See host_db_get_stats(). */
    bool read_only;                 /* host_db_set_read_only(). */
};

/* host-db-ports.c. */

/* Makes port 'name' on br-int 'br' what 'db->wanted' says, in 'txn':
 * creates it if it is missing (unless 'db->blocked' holds it), fixes it if
 * it drifted, deletes it if weft owns it and no longer wants it; a port
 * without weft's mark is never touched. */
void host_db_ports_reconcile_name(struct host_db *db,
                                  struct ovsdb_idl_txn *txn,
                                  const struct hostrec_bridge *br,
                                  const char *name);

/* The same for every name weft wants or owns on br-int; counts them in
 * 'db->stats.n_ifaces'. */
void host_db_ports_reconcile_all(struct host_db *db,
                                 struct ovsdb_idl_txn *txn,
                                 const struct hostrec_bridge *br);

#endif /* ovsdb/host-db-private.h */
