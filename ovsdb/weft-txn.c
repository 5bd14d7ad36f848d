/* weft-txn: the one commit/retry loop for writes to weft's database.  See
 * weft-txn.h for the rules; this file steps one write through them:
 *
 *   BUILD ──► COMMITTING ──► DONE
 *     ▲           │
 *     └── RETRY ◄─┘   (waits until the IDL differs from the state the
 *                      attempt was built on: the other writer's change)
 */
#include <config.h>

#include "weft-txn.h"

#include <limits.h>
#include <stdlib.h>

#include "openvswitch/poll-loop.h"
#include "timeval.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weft-write.h"

void
weft_topo_cache_init(struct weft_topo_cache *cache)
{
    topology_init(&cache->topo);
    cache->seqno = 0;
    cache->valid = false;
    cache->incremental = false;
    topo_changes_init(&cache->changes);
}

void
weft_topo_cache_init_incremental(struct weft_topo_cache *cache)
{
    weft_topo_cache_init(cache);
    cache->incremental = true;
}

void
weft_topo_cache_destroy(struct weft_topo_cache *cache)
{
    topology_destroy(&cache->topo);
    topo_changes_destroy(&cache->changes);
}

const struct topology *
weft_topo_cache_refresh(struct weft_topo_cache *cache, struct ovsdb_idl *idl)
{
    unsigned int seqno = ovsdb_idl_get_seqno(idl);
    if (cache->valid && seqno == cache->seqno) {
        return &cache->topo;
    }
    if (cache->incremental) {
        /* The first patch of an empty topology is a full load (with
         * changes.all). */
        struct topo_changes patch;
        topo_changes_init(&patch);
        weft_db_update_copy(idl, &cache->topo, &patch,
                            "validation topology");
        topo_changes_merge(&cache->changes, &patch);
        topo_changes_destroy(&patch);
    } else {
        topology_destroy(&cache->topo);
        topology_init(&cache->topo);
        weft_db_load_topology(idl, &cache->topo);
        cache->changes.all = true;
    }
    cache->seqno = seqno;
    cache->valid = true;
    return &cache->topo;
}

enum weft_txn_verdict
weft_txn_decide(enum ovsdb_idl_txn_status status, bool inserted_global,
                bool expired, bool retries_left)
{
    switch (status) {
    case TXN_SUCCESS:
    case TXN_UNCHANGED:
        return WEFT_TXN_DONE;

    case TXN_INCOMPLETE:
        return expired ? WEFT_TXN_TIMEOUT : WEFT_TXN_PENDING;

    case TXN_ERROR:
        if (!inserted_global) {
            return WEFT_TXN_FAIL;
        }
        /* Two first writers both inserted Weft_Global: the loser violates
         * maxRows.  Retry with the winner's row. */
        /* Fall through. */
    case TXN_TRY_AGAIN:
        return (expired ? WEFT_TXN_TIMEOUT
                : !retries_left ? WEFT_TXN_GIVE_UP
                : WEFT_TXN_RETRY);

    case TXN_ABORTED:
    case TXN_NOT_LOCKED:
    case TXN_UNCOMMITTED:
    default:
        return WEFT_TXN_FAIL;
    }
}

enum weft_txn_state {
    WT_BUILD,                   /* Build and send the next attempt. */
    WT_COMMITTING,              /* An attempt is in flight. */
    WT_RETRY,                   /* Waiting for the IDL to change. */
    WT_DONE,
};

struct weft_txn {
    struct ovsdb_idl *idl;
    struct weft_txn_spec spec;
    char *comment;              /* 'spec.comment' points here. */
    struct weft_topo_cache own_topo;    /* If 'spec.topo' was NULL. */

    enum weft_txn_state state;
    struct ovsdb_idl_txn *txn;  /* WT_COMMITTING: the attempt. */
    unsigned int built_seqno;   /* IDL seqno the attempt was built on. */
    bool inserted_global;       /* The attempt inserts Weft_Global. */
    bool sent;                  /* The attempt went to the server (not
                                 * refused by the IDL at once, as it is
                                 * while the IDL has no leader). */
    int retries;

    struct weft_txn_result result;
};

static bool
expired(const struct weft_txn *t)
{
    return time_msec() >= t->spec.deadline;
}

/* The error of a write whose retry did not come before its deadline.  Not
 * connected: no member of the remote list answers as a connected leader
 * (the IDL follows the leader), say a cluster without a quorum. */
static struct weft_error *
retry_timeout(const struct weft_txn *t)
{
    bool connected = ovsdb_idl_is_connected(t->idl);
    return weft_error_format(
        WEFT_ERR_TIMEOUT, "timeout waiting to retry the transaction%s%s",
        connected ? "" : " (weft's database is not reachable: no leader?)",
        t->result.maybe_committed ? "; it may or may not have been applied"
                                  : "");
}

static void
finish(struct weft_txn *t, struct weft_error *error)
{
    if (t->txn) {
        ovsdb_idl_txn_destroy(t->txn);
        t->txn = NULL;
    }
    t->result.error = error;
    if (error && !t->result.maybe_committed) {
        t->result.nb_cfg = -1;
    }
    t->state = WT_DONE;
}

/* Builds the next attempt and, unless it is a dry run, sends it. */
static void
build(struct weft_txn *t)
{
    struct ovsdb_idl *idl = t->idl;
    if (t->spec.may_send) {
        struct weft_error *error
            = t->spec.may_send(t->result.maybe_committed, t->spec.aux);
        if (error) {
            finish(t, error);
            return;
        }
    }
    if (t->spec.init_only && weftrec_weft_global_first(idl)) {
        t->result.nb_cfg = -1;
        finish(t, NULL);
        return;
    }

    t->built_seqno = ovsdb_idl_get_seqno(idl);
    const struct topology *topo = weft_topo_cache_refresh(t->spec.topo, idl);
    t->txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_add_comment(t->txn, "%s", t->spec.comment);
    /* Serialize with every other writer: verify nb_cfg and increment it. */
    t->result.nb_cfg = weft_write_next_cfg(idl, t->txn, t->spec.initial_cfg,
                                           &t->inserted_global);
    struct weft_error *error = (t->spec.build
                                ? t->spec.build(idl, t->txn, topo,
                                                t->spec.aux)
                                : weft_write_build(t->spec.req, idl, t->txn,
                                                   topo));
    if (error || t->spec.dry_run) {
        finish(t, error);
        return;
    }
    t->sent = ovsdb_idl_txn_commit(t->txn) == TXN_INCOMPLETE;
    t->state = WT_COMMITTING;
}

/* Looks at the attempt in flight and applies the retry rules. */
static void
check_commit(struct weft_txn *t)
{
    enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit(t->txn);
    bool retries_left = (!t->spec.max_retries
                         || t->retries < t->spec.max_retries);
    switch (weft_txn_decide(status, t->inserted_global, expired(t),
                            retries_left)) {
    case WEFT_TXN_PENDING:
        return;
    case WEFT_TXN_DONE:
        t->result.committed = true;
        t->result.maybe_committed = false;
        finish(t, NULL);
        return;
    case WEFT_TXN_RETRY:
        if (t->sent && status == TXN_TRY_AGAIN) {
            /* Whether the server refused it (another writer won) or the
             * connection dropped with it in flight cannot be told apart
             * reliably (a reconnection may already be up): assume it may
             * have been committed until 'applied' or a later attempt's
             * answer says otherwise. */
            t->result.maybe_committed = true;
        }
        t->retries++;
        ovsdb_idl_txn_destroy(t->txn);
        t->txn = NULL;
        t->state = WT_RETRY;
        return;
    case WEFT_TXN_TIMEOUT:
        if (status == TXN_INCOMPLETE) {
            t->result.maybe_committed = true;
            finish(t, weft_error_create(WEFT_ERR_TIMEOUT, xstrdup(
                "timeout waiting for the transaction to commit (it may or "
                "may not have been applied)")));
        } else {
            finish(t, retry_timeout(t));
        }
        return;
    case WEFT_TXN_GIVE_UP:
        finish(t, weft_error_create(WEFT_ERR_CONFLICT, xstrdup(
            "too many concurrent writers: giving up")));
        return;
    case WEFT_TXN_FAIL:
    default:
        finish(t, weft_error_format(WEFT_ERR_INTERNAL,
                                    "transaction failed: %s (%s)",
                                    ovsdb_idl_txn_status_to_string(status),
                                    ovsdb_idl_txn_get_error(t->txn)));
        return;
    }
}

struct weft_txn *
weft_txn_start(struct ovsdb_idl *idl, const struct weft_txn_spec *spec)
{
    struct weft_txn *t = xzalloc(sizeof *t);
    t->idl = idl;
    t->spec = *spec;
    t->comment = xstrdup(spec->comment ? spec->comment : "weft");
    t->spec.comment = t->comment;
    weft_topo_cache_init(&t->own_topo);
    if (!t->spec.topo) {
        t->spec.topo = &t->own_topo;
    }
    t->state = WT_BUILD;
    t->result.nb_cfg = -1;
    return t;
}

void
weft_txn_run(struct weft_txn *t)
{
    if (t->state == WT_COMMITTING) {
        check_commit(t);
    }
    if (t->state == WT_RETRY && t->spec.applied
        && t->spec.applied(t->idl, t->spec.aux, &t->result.nb_cfg)) {
        /* An earlier attempt did commit: done, even past the deadline. */
        t->result.committed = true;
        t->result.maybe_committed = false;
        finish(t, NULL);
        return;
    }
    if (t->state == WT_RETRY) {
        struct weft_error *error
            = (t->spec.may_send
               ? t->spec.may_send(t->result.maybe_committed, t->spec.aux)
               : NULL);
        if (error) {
            finish(t, error);
        } else if (ovsdb_idl_get_seqno(t->idl) != t->built_seqno) {
            t->state = WT_BUILD;
        } else if (expired(t)) {
            finish(t, retry_timeout(t));
        }
    }
    if (t->state == WT_BUILD) {
        build(t);
    }
}

void
weft_txn_wait(const struct weft_txn *t)
{
    if (t->state == WT_DONE) {
        poll_immediate_wake();
        return;
    }
    if (t->state == WT_COMMITTING) {
        ovsdb_idl_txn_wait(t->txn);
    }
    if (t->spec.deadline != LLONG_MAX) {
        poll_timer_wait_until(t->spec.deadline);
    }
}

bool
weft_txn_is_done(const struct weft_txn *t)
{
    return t->state == WT_DONE;
}

bool
weft_txn_in_flight(const struct weft_txn *t)
{
    return t->state == WT_COMMITTING;
}

void
weft_txn_result(struct weft_txn *t, struct weft_txn_result *result)
{
    ovs_assert(t->state == WT_DONE);
    *result = t->result;
    t->result.error = NULL;
}

const struct topology *
weft_txn_topology(const struct weft_txn *t)
{
    return &t->spec.topo->topo;
}

void
weft_txn_destroy(struct weft_txn *t)
{
    if (t) {
        if (t->txn) {
            ovsdb_idl_txn_destroy(t->txn);
        }
        weft_error_destroy(t->result.error);
        weft_topo_cache_destroy(&t->own_topo);
        free(t->comment);
        free(t);
    }
}

struct weft_error *
weft_txn_run_blocking(struct ovsdb_idl *idl, const struct weft_txn_spec *spec,
                      struct weft_txn_result *result)
{
    struct weft_txn *t = weft_txn_start(idl, spec);
    weft_txn_run(t);
    while (!weft_txn_is_done(t)) {
        ovsdb_idl_wait(idl);
        weft_txn_wait(t);
        poll_block();
        ovsdb_idl_run(idl);
        weft_txn_run(t);
    }
    weft_txn_result(t, result);
    weft_txn_destroy(t);
    return result->error;
}
