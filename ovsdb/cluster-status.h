/* cluster-status: what each server of weft's database says about itself.
 *
 * Given the comma-separated list of remotes every client of weft's database
 * takes ("unix:a,unix:b,unix:c"), asks each server's _Server database, as
 * ovsdb-client does (a "transact" that selects the Database row named
 * "Weft"), for its model (standalone or clustered), whether it is the
 * cluster's leader, whether it is in contact with the cluster, its server
 * and cluster ids and its log index.  A remote that does not answer within
 * the time given is listed as such, with why.
 *
 * Two ways to ask: cluster_status_query() blocks until every remote has
 * answered or failed, or a timeout (weftctl); a cluster_poller asks every
 * remote again and again from a main loop and keeps the latest answers
 * (weftd's REST API, whose main loop must never block on a slow member).
 *
 * This header includes no OVS header. */
#ifndef WEFT_CLUSTER_STATUS_H
#define WEFT_CLUSTER_STATUS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json;

/* One remote of the list and its server's answer. */
struct cluster_member {
    char *remote;               /* As given in the list. */
    bool answered;              /* Its server answered the last query. */
    char *error;                /* If !answered: why; else NULL. */

    /* If 'answered', from its _Server.Database row "Weft": */
    char *model;                /* "standalone", "clustered" or "relay". */
    bool connected;             /* Its copy is in contact with the cluster
                                 * (always true when standalone). */
    bool leader;                /* The cluster's leader (or standalone). */
    char *sid;                  /* Server id, NULL if none (standalone). */
    char *cid;                  /* Cluster id, NULL if none. */
    int64_t index;              /* Raft log index, -1 if none. */
};

struct cluster_view {
    struct cluster_member *members;     /* One per remote, in list order. */
    size_t n;
};

/* Initializes 'view' with one unanswered member per remote of the
 * comma-separated list 'remotes' (blanks around each one are dropped). */
void cluster_view_init(struct cluster_view *, const char *remotes);
void cluster_view_destroy(struct cluster_view *);
void cluster_view_clone(struct cluster_view *dst,
                        const struct cluster_view *src);

/* "clustered" if a member answered as such, else "standalone" (or "relay")
 * if one answered, else "unknown". */
const char *cluster_view_model(const struct cluster_view *);
/* The member that answered as leader and connected, or NULL. */
const struct cluster_member *cluster_view_leader(const struct cluster_view *);

/* Fills 'm' (its 'remote' kept) from 'result', the "result" of the reply to
 * the request cluster_status_request() makes.  Returns NULL, or an error
 * message (malloc'd), in which case 'm' is marked unanswered with it. */
char *cluster_member_parse(struct cluster_member *m,
                           const struct json *result);
/* The "transact" parameters that select the Database row "Weft" of
 * _Server (a new reference). */
struct json *cluster_status_params(void);

/* Asks every member of 'view' (from cluster_view_init()) and waits up to
 * 'timeout_ms' for their answers. */
void cluster_status_query(struct cluster_view *, long long int timeout_ms);

/* A poller asks each remote every 'interval_ms' and keeps the answers. */
struct cluster_poller *cluster_poller_create(const char *remotes,
                                             int interval_ms);
void cluster_poller_destroy(struct cluster_poller *);
void cluster_poller_run(struct cluster_poller *);
void cluster_poller_wait(struct cluster_poller *);
const struct cluster_view *cluster_poller_view(const struct cluster_poller *);

/* Which weftd is active, from Weft_Global (written by the weftd holding
 * the lock "weftd"). */
struct cluster_controller {
    char *active;               /* Its --name, NULL if none ever claimed. */
    long long int generation;   /* 0: never claimed. */
    long long int active_since; /* Wall clock ms, -1 if none. */
    char *previous;             /* The active before it, NULL if none. */
};
void cluster_controller_destroy(struct cluster_controller *);
/* Fills 'ctl' from the Weft_Global row of 'idl' (weft-idl.h's class), or
 * with none if there is no row. */
struct ovsdb_idl;
void cluster_controller_read(struct ovsdb_idl *, struct cluster_controller *);

/* {"cluster": {"model", "leader", "members": [{"remote", "connected",
 * "leader", "model", "sid", "cid", "index", "error"}]}, "controller":
 * {"active", "generation", "active_since", "previous"}} as /v1/status has
 * them, added to 'object' (an OVS JSON object). */
void cluster_status_put_json(struct json *object,
                             const struct cluster_view *,
                             const struct cluster_controller *);

/* The human form of 'view' and 'ctl' (malloc'd), as weftctl status prints
 * it in both of its modes:
 *   database: clustered, 3 members, leader unix:...
 *     member unix:...: leader, connected, sid 1a2b, index 42
 *     member unix:...: not answering (...)
 *   controller: c2 (active, generation 5, since 2026-...Z)
 *   last failover: c1 -> c2 at 2026-...Z       (or "none")
 * Without 'ctl' (NULL: the database could not be read), the database and
 * member lines only. */
char *cluster_status_format(const struct cluster_view *,
                            const struct cluster_controller *);

/* Formats 'ms' (wall clock milliseconds since the epoch) as
 * "YYYY-MM-DDTHH:MM:SS.mmmZ" into 'buf'. */
void cluster_format_time(long long int ms, char buf[32]);

#endif /* ovsdb/cluster-status.h */
