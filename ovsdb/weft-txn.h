/* weft-txn: the one commit/retry loop for writes to weft's database.
 *
 * Second half of the write path (request -> desired state): a change, given
 * as a checked 'struct weft_request' or as a callback that adds it to an
 * OVSDB transaction, is validated against the topology loaded from the IDL,
 * stamped with the next nb_cfg (weft_write_next_cfg()) and committed.  Every
 * writer of weft's desired state goes through here: weftctl's write
 * commands (cli/weftctl.c), attach and detach (cli/attach.c), and weftd's
 * REST API (controller/rest/executor.c).
 *
 * The retry rules, decided by the pure weft_txn_decide():
 *
 *   - TXN_SUCCESS, TXN_UNCHANGED: done;
 *   - TXN_INCOMPLETE: still in flight, unless the deadline passed (then it
 *     may or may not have been committed);
 *   - TXN_TRY_AGAIN: another writer changed nb_cfg first (or the connection
 *     dropped, or the IDL is between two leaders and did not send it): once
 *     the IDL has its news, reload the topology, validate again and retry,
 *     unless the spec's 'applied' finds an earlier attempt committed;
 *   - TXN_ERROR when this write inserted Weft_Global: two first writers both
 *     inserted it, and the loser retries with the winner's row, as above;
 *   - anything else: the transaction's error.
 *
 * A retry happens only before the deadline and within 'max_retries'.
 *
 * Two ways to run it: weft_txn_run_blocking() runs its own poll loop until
 * done or the deadline (weftctl); weft_txn_start(), weft_txn_run(),
 * weft_txn_wait() and weft_txn_is_done() step it from a caller's poll loop
 * that must not block (weftd's main loop).
 *
 * OVS side.  Threading: the thread that runs the IDL only. */
#ifndef WEFT_TXN_H
#define WEFT_TXN_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ovsdb-idl.h"
#include "changes.h"
#include "topology.h"
#include "request.h"

/* The topology a write is validated against, current with an IDL.
 *
 * Two modes.  Plain (weftctl, a one-shot process): loaded whole again
 * whenever the IDL's seqno moved.  Incremental (weftd's REST API, whose IDL
 * lives as long as weftd): the caller called weft_db_track_changes() on the
 * IDL before it first ran and weft_topo_cache_init_incremental() on the
 * cache; then the one topology is patched in place with
 * weft_db_update_topology(), in O(what changed), on each refresh that finds
 * the seqno moved, and 'changes' gathers what those patches changed (a
 * plain load sets changes.all: its extent is unknown) until the caller
 * clears it.  Either way, after weft_topo_cache_refresh() the topology
 * equals weft_db_load_topology() of the IDL's current contents: a write's
 * build sees the database as it is, and after TXN_TRY_AGAIN the retry sees
 * the winner's change.
 *
 * In incremental mode only the cache may clear the IDL's change tracking:
 * refresh it on every seqno change (not only before writes), so that the
 * tracked rows do not pile up. */
struct weft_topo_cache {
    struct topology topo;
    unsigned int seqno;         /* The IDL seqno 'topo' was loaded at... */
    bool valid;                 /* ...if true. */
    bool incremental;           /* Patch in place, see above. */
    struct topo_changes changes; /* Gathered since the caller cleared it. */
};

void weft_topo_cache_init(struct weft_topo_cache *);
void weft_topo_cache_init_incremental(struct weft_topo_cache *);
void weft_topo_cache_destroy(struct weft_topo_cache *);
/* Brings 'cache' up to 'idl''s current contents unless it is already, and
 * returns its topology. */
const struct topology *weft_topo_cache_refresh(struct weft_topo_cache *,
                                               struct ovsdb_idl *);

/* What to do after a commit attempt returned a status. */
enum weft_txn_verdict {
    WEFT_TXN_PENDING,           /* In flight: look again later. */
    WEFT_TXN_DONE,              /* Committed (or nothing to change). */
    WEFT_TXN_RETRY,             /* Reload, validate and commit again. */
    WEFT_TXN_FAIL,              /* The transaction failed: give up. */
    WEFT_TXN_TIMEOUT,           /* The deadline passed: give up.  If the
                                 * status was TXN_INCOMPLETE, the change may
                                 * have been committed. */
    WEFT_TXN_GIVE_UP,           /* Other writers kept winning: give up. */
};

/* The retry rules (see above), as a pure function: 'status' is what
 * ovsdb_idl_txn_commit() returned, 'inserted_global' whether the
 * transaction inserted Weft_Global, 'expired' whether the deadline has
 * passed and 'retries_left' whether another attempt is allowed. */
enum weft_txn_verdict weft_txn_decide(enum ovsdb_idl_txn_status status,
                                      bool inserted_global, bool expired,
                                      bool retries_left);

/* Adds the change to 'txn', checking it against 'topo' (loaded from 'idl'
 * just now).  Returns NULL, or an error and then nothing is committed. */
typedef struct weft_error *weft_txn_build_func(struct ovsdb_idl *idl,
                                               struct ovsdb_idl_txn *txn,
                                               const struct topology *topo,
                                               void *aux);

/* Called before each attempt is built, and while a retry waits for the
 * IDL: returns NULL if the write may still be sent, or the error to finish
 * with.  'maybe_committed': an earlier attempt was in flight when the
 * connection dropped, so it may have been committed. */
typedef struct weft_error *weft_txn_check_func(bool maybe_committed,
                                               void *aux);

/* Called while a write waits to retry: returns true if an earlier attempt
 * of this write is in the database after all, and then stores in '*nb_cfg'
 * the nb_cfg that attempt carried.  An attempt's TXN_TRY_AGAIN is not
 * always final: when the connection drops (a cluster's leader dies) with
 * the attempt in flight, the server may have committed it, or a new leader
 * may commit it later from its log.  Such an attempt can only commit before
 * any later one (each verifies nb_cfg), so a write that finds none of its
 * attempts in the database may send another, and one that finds one is
 * done, never sent again (no double write).  The caller marks its attempts
 * (the executor: a key in Weft_Global's external_ids) to recognise them. */
typedef bool weft_txn_applied_func(struct ovsdb_idl *idl, void *aux,
                                   int64_t *nb_cfg);

struct weft_txn_spec {
    /* The change: 'build' if nonnull, else weft_write_build() of 'req'. */
    const struct weft_request *req;
    weft_txn_build_func *build;
    weft_txn_check_func *may_send;      /* May be NULL. */
    weft_txn_applied_func *applied;     /* May be NULL. */
    void *aux;                          /* For 'build' and 'may_send'. */

    const char *comment;                /* The transaction's comment. */
    int64_t initial_cfg;                /* nb_cfg of a Weft_Global that this
                                         * write inserts (normally 1). */
    bool init_only;                     /* If Weft_Global exists, write
                                         * nothing ("weftctl init"). */
    bool dry_run;                       /* Build and check, never commit. */
    long long int deadline;             /* time_msec(), or LLONG_MAX. */
    int max_retries;                    /* 0: no limit but the deadline. */
    struct weft_topo_cache *topo;       /* The caller's cache, or NULL for
                                         * one of the write's own. */
};

struct weft_txn_result {
    struct weft_error *error;   /* NULL on success (the caller owns it). */
    int64_t nb_cfg;             /* The nb_cfg the write carries (on a dry
                                 * run, would carry); -1 if it wrote nothing
                                 * or failed, unless 'maybe_committed'. */
    bool committed;
    bool maybe_committed;       /* On error: the change may have been
                                 * committed all the same. */
};

/* Runs the write 'spec' on 'idl' (connected, with a full copy) in a poll
 * loop of its own until it is done or 'spec->deadline', and fills
 * '*result'.  Returns 'result->error'.  Afterwards 'spec->topo', if
 * nonnull, holds the topology the last attempt was checked against (see
 * weft_txn_topology()). */
struct weft_error *weft_txn_run_blocking(struct ovsdb_idl *,
                                         const struct weft_txn_spec *,
                                         struct weft_txn_result *);

/* The same, in steps, for a caller's poll loop that runs 'idl'
 * (ovsdb_idl_run()) before each weft_txn_run() and waits on it
 * (ovsdb_idl_wait()) with weft_txn_wait().  'spec' is copied; its 'req',
 * 'aux' and 'topo' must outlive the write. */
struct weft_txn *weft_txn_start(struct ovsdb_idl *,
                                const struct weft_txn_spec *);
void weft_txn_run(struct weft_txn *);
void weft_txn_wait(const struct weft_txn *);
bool weft_txn_is_done(const struct weft_txn *);
/* True while an attempt is waiting for the server's answer. */
bool weft_txn_in_flight(const struct weft_txn *);
/* Once done: fills '*result' (the error moves to the caller). */
void weft_txn_result(struct weft_txn *, struct weft_txn_result *);
/* The topology the last attempt was checked against: once committed, the
 * database just before the change (the transaction verified nb_cfg), unless
 * the cache is incremental and was refreshed since (then it is current). */
const struct topology *weft_txn_topology(const struct weft_txn *);
/* Frees the write, abandoning an attempt in flight. */
void weft_txn_destroy(struct weft_txn *);

#endif /* ovsdb/weft-txn.h */
