/* ha: weftd's active/standby role (issue #16, docs in README "High
 * availability").
 *
 * Pipeline place: beside the loop, gating every write.  Several weftds run
 * against one weft database; the one that holds the OVSDB lock "weftd" on
 * it is the active one.  On getting the lock it claims a new controller
 * generation in Weft_Global (controller_generation, active_controller,
 * active_since, previous_controller) and, once the IDL shows that claim
 * back, asks every host's switch for the OpenFlow primary role with that
 * generation (hosts_set_role()), so that a stale active is fenced off by
 * the switches themselves.  Every other weftd is a warm standby: it reads
 * everything and compiles, but its hosts are secondary and it writes
 * nothing (the caller skips the status write-back while !ha_is_active()).
 * The decision itself is pure (ha-decide.h); this module feeds it and does
 * what it says.
 *
 * Threading: none; weftd's main loop. */
#ifndef WEFT_HA_H
#define WEFT_HA_H 1

#include <stdbool.h>
#include <stdint.h>

struct ds;
struct hosts;
struct ovsdb_idl;
struct ovsdb_idl_txn;

/* Creates the HA state of weftd 'name' on 'idl' (weft's database, main
 * IDL) and asks for the lock "weftd" (ovsdb_idl_set_lock()): from then on
 * the IDL sends no transaction without the lock. */
struct ha *ha_create(struct ovsdb_idl *idl, const char *name);
void ha_destroy(struct ha *);

/* One run: follows the lock and Weft_Global, writes a claim into 'txn'
 * (the loop's open transaction, NULL while a commit is in flight) when it
 * must, and sets the hosts' roles: secondary while standby, primary with
 * the generation once the claim is seen back. */
void ha_run(struct ha *, struct ovsdb_idl_txn *txn, struct hosts *);

/* The loop's commit returned 'status' (ovsdb_idl_loop_commit_and_wait():
 * 1 done, 0 failed, -1 in flight): a failed claim is written again. */
void ha_commit_status(struct ha *, int status);

/* True while this weftd holds the lock and its claim is in the database:
 * it may write (status, hosts' flows and databases). */
bool ha_is_active(const struct ha *);

/* "weftd/ha-status": one JSON object on one line (see README). */
void ha_format_status(const struct ha *, const struct hosts *, struct ds *);

/* For /metrics: 1 if active; the database's controller generation as this
 * weftd sees it; this process's takeovers. */
struct ha_metrics {
    bool active;
    int64_t generation;
    uint64_t takeovers;
};
void ha_get_metrics(const struct ha *, struct ha_metrics *);

#endif /* controller/ha.h */
