/* executor: runs weftd's REST API calls in the main loop (api.h).
 *
 * Place in the pipeline: request (rest-server.c, HTTP thread) -> hand-off
 * (handoff.c) -> here -> desired state in weft's database (writes, through
 * ovsdb/weft-txn.h) or a view of it (reads, views.c) -> back to the HTTP
 * thread through the call's 'done'.  handoff.c draws how a call crosses
 * between the threads.
 *
 * In arrival order: reads run at once, from this module's IDL, never behind
 * a write; writes run one at a time, each one commit/retry loop of
 * weft-txn.h (verify and increment nb_cfg, re-validate on a conflict), the
 * others queued; a write with ?wait=installed is parked until every host
 * whose flows the change touches has Host.cur_cfg at the call's nb_cfg, or
 * its deadline (504).  Every call is authorized first (authorize.c).
 *
 * Why this module has its own IDL rather than using weftd's: weftd's IDL is
 * driven by an ovsdb_idl_loop whose open transaction (the status write-back)
 * spans the whole run phase, and an IDL builds one transaction at a time.  A
 * second connection, the same kind of client as weftctl, keeps the status
 * writer and the API writer independent, gives the API read-your-writes (a
 * GET after a POST sees it) and leaves the main loop's shape alone.
 *
 * ?wait=installed reads host progress from this IDL too (Host.cur_cfg, as
 * weftd writes it back), not from weftd's hosts directly: weftd writes a
 * port's ofport and up no later than the cur_cfg that confirms its flows, so
 * the object re-read after the wait shows it as installed.
 *
 * When weft's database is not reachable (this module's IDL is not connected),
 * every call that needs it answers 503 at once, reads included: the IDL's
 * copy is only the state at the moment the connection dropped, and another
 * writer (weftctl, a second weftd) may have changed it since, say revoked a
 * token.  An admin's /metrics comes from weftd's hosts and still answers.
 * Right after weftd starts, calls wait for the first connection instead, up
 * to their deadline.
 *
 * Writes are the exception: a write that finds the database not connected
 * (a cluster's leader died and the IDL is moving to the new one) waits for
 * the connection, within its deadline, API_CALL_DEADLINE_MS after its
 * arrival.  It is sent only if, at that moment, its client is still
 * connected (rest-server.c watches the socket) and the deadline has not
 * passed; otherwise it is answered 503 and never sent.  So a client that
 * was answered an error, or that gave up, never finds its change committed
 * later.
 *
 * An attempt in flight when the connection drops may have been committed
 * (or be committed later by the new leader from its log).  Each attempt
 * carries this API's mark, Weft_Global external_ids:weft-api-write:<id of
 * this process> = "<write number> <nb_cfg> <wall clock ms>", which only this
 * process writes, one write at a time; a write waiting to retry that finds
 * its own number there is done (write_applied()): acknowledged with that
 * attempt's nb_cfg, never sent again.  Otherwise it retries: since every
 * attempt verifies nb_cfg, an attempt still pending in the new leader's log
 * can only commit before the retry, which then fails, sees the mark and is
 * done.  If the deadline comes first, the 503 says whether the change may
 * have been written. */
#include <config.h>

#include "api.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "authorize.h"
#include "changes.h"
#include "cluster-status.h"
#include "handoff.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "sset.h"
#include "timeval.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"
#include "uuidset.h"
#include "views.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weft-txn.h"
#include "weft-write.h"

VLOG_DEFINE_THIS_MODULE(api);

/* A call must start within this long of its arrival: a write that is not
 * sent by then is answered 503 and never sent, and right after weftd starts
 * a call waits at most this long for the first database connection. */
#define API_CALL_DEADLINE_MS 10000
/* A write is retried this often when other writers keep winning. */
#define API_MAX_RETRIES 100
/* The API's write marks in Weft_Global's external_ids (see above): the key
 * prefix, and the age past which another process's mark is deleted (that
 * process is long gone, or its next write sets it again). */
#define API_MARK_PREFIX "weft-api-write:"
#define API_MARK_MAX_AGE_MS (3600LL * 1000)

struct api {
    struct api_handoff handoff;         /* Shared with the HTTP thread. */

    /* Main thread only. */
    struct ovsdb_idl *idl;
    struct weft_topo_cache topo;        /* 'idl''s, patched in place on
                                         * every seqno change; its
                                         * 'changes' gather since the
                                         * running write's last build. */
    struct cluster_poller *cluster;     /* /v1/status's members. */
    struct api_reader reader;           /* The read side: 'idl', 'topo',
                                         * 'hooks'. */

    struct call_queue pending;          /* Taken from 'handoff', in order. */
    struct call_queue writes;           /* Writes waiting for their turn. */
    struct weft_txn *write;             /* The write being run, or NULL... */
    struct api_call *write_call;        /* ...and its call. */
    struct uuidset write_own_hosts;     /* For a tenant's write: the hosts
                                         * of its ports when its last
                                         * attempt was built. */
    struct call_queue waiting;          /* ?wait=installed, committed. */
    char *mark_key;                     /* This process's write mark. */
    unsigned long long int write_seq;   /* Number of the write being run. */

    struct api_hooks hooks;             /* weftd's hosts. */
};

/* Hands 'call' back to the HTTP thread.  The main loop must not touch it
 * afterwards. */
static void
finish(struct api_call *call)
{
    call->done(call);
}

static void
fail(struct api_call *call, struct weft_error *error)
{
    weft_error_destroy(call->error);
    call->error = error;
    finish(call);
}

/* ------------------------------------------------------------------------
 * Database availability. */

/* Returns true if weft's database can be used now. */
static bool
db_ready(const struct api *api)
{
    return (ovsdb_idl_has_ever_connected(api->idl)
            && ovsdb_idl_is_connected(api->idl));
}

/* Returns true if 'call' needs weft's database.  An admin's /metrics comes
 * from weftd's hosts; everything else reads or writes the database, if only
 * to match a bearer token. */
static bool
call_needs_db(const struct api_call *call)
{
    return !(call->resource == API_METRICS && call->admin
             && !call->token_hash);
}

static struct weft_error *
db_unreachable(const struct api_call *call)
{
    return weft_error_format(WEFT_ERR_UNAVAILABLE,
                             "weft's database is not reachable%s",
                             call->verb == API_WRITE
                             ? "; nothing was written" : "");
}

/* Returns why the write 'call' must not be sent now, or NULL if it may
 * (while the database is not 'ready', a write waits for it until its
 * deadline: an attempt built meanwhile is refused by the IDL unsent, and
 * retried once the IDL has the new leader's data).  'maybe_committed': an
 * earlier attempt was in flight when the connection dropped. */
static struct weft_error *
write_unsendable(const struct api_call *call, bool ready, long long int now,
                 bool maybe_committed)
{
    const char *outcome = (maybe_committed
                           ? "the connection dropped while the change was "
                             "in flight: it may have been written"
                           : "nothing was written");
    if (api_call_client_gone(call)) {
        return weft_error_format(WEFT_ERR_UNAVAILABLE,
                                 "the client closed its connection; %s",
                                 outcome);
    } else if (now >= call->deadline && !ready) {
        return weft_error_format(WEFT_ERR_UNAVAILABLE,
                                 "weft's database was not reachable (no "
                                 "leader?) within %d ms; %s",
                                 API_CALL_DEADLINE_MS, outcome);
    } else if (now >= call->deadline) {
        return weft_error_format(WEFT_ERR_UNAVAILABLE,
                                 "weft's database did not take the change "
                                 "within %d ms; %s", API_CALL_DEADLINE_MS,
                                 outcome);
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Writes. */

/* Adds to the attempt being built the running write's mark, with the
 * nb_cfg the attempt sets (weft_write_next_cfg() wrote it), and deletes
 * other processes' marks older than API_MARK_MAX_AGE_MS, so that marks do
 * not pile up.  (Map operations leave 'g->external_ids' as it is until the
 * commit, so deleting while iterating is safe.) */
static void
write_mark(struct api *api, struct ovsdb_idl *idl)
{
    const struct weftrec_weft_global *g = weftrec_weft_global_first(idl);
    if (!g) {
        return;                 /* Cannot be: the attempt has one. */
    }
    long long int now = time_wall_msec();
    const struct smap_node *node;
    SMAP_FOR_EACH (node, &g->external_ids) {
        long long int when;
        if (!strncmp(node->key, API_MARK_PREFIX, strlen(API_MARK_PREFIX))
            && strcmp(node->key, api->mark_key)
            && sscanf(node->value, "%*s %*s %lld", &when) == 1
            && now - when > API_MARK_MAX_AGE_MS) {
            weftrec_weft_global_update_external_ids_delkey(g, node->key);
        }
    }
    char *value = xasprintf("%llu %"PRId64" %lld", api->write_seq,
                            g->nb_cfg, now);
    weftrec_weft_global_update_external_ids_setkey(g, api->mark_key, value);
    free(value);
}

/* weft_txn_applied_func for the write being run: true if the database has
 * its mark, which only one of its attempts can have committed. */
static bool
write_applied(struct ovsdb_idl *idl, void *api_, int64_t *nb_cfg)
{
    struct api *api = api_;
    const struct weftrec_weft_global *g = weftrec_weft_global_first(idl);
    const char *mark = g ? smap_get(&g->external_ids, api->mark_key) : NULL;
    unsigned long long int seq;
    long long int cfg;
    if (mark && sscanf(mark, "%llu %lld", &seq, &cfg) == 2
        && seq == api->write_seq) {
        VLOG_INFO("API write %llu: an attempt whose reply was lost is in "
                  "the database (nb_cfg %lld): not sent again", seq, cfg);
        *nb_cfg = cfg;
        return true;
    }
    return false;
}

/* weft_txn_check_func for the write being run: see write_unsendable(). */
static struct weft_error *
write_may_send(bool maybe_committed, void *api_)
{
    struct api *api = api_;
    return write_unsendable(api->write_call, db_ready(api), time_msec(),
                            maybe_committed);
}

/* Adds to 'hosts' the UUID of every host where tenant 'tenant' has a port
 * in 'topo', through the tenant's networks' host indexes. */
static void
add_tenant_hosts(const struct topology *topo, const char *tenant,
                 struct uuidset *hosts)
{
    const struct topo_tenant *t = topology_find_tenant_by_name(topo, tenant);
    if (!t) {
        return;
    }
    const struct topo_network *net;
    TOPO_TENANT_FOR_EACH_NETWORK (net, t) {
        const struct topo_net_host *nh;
        TOPO_NETWORK_FOR_EACH_HOST (nh, net) {
            uuidset_insert(hosts, &nh->host->uuid);
        }
    }
}

/* DELETE /v1/tenants/T/port-mappings/HOST/PROTO/HOST_PORT names the
 * mapping by its host: finds the tenant's port that has it, as the request
 * names it (path[1], path[2]), on every attempt (it may have moved).  Another
 * tenant's mapping is not found, whoever asks. */
static struct weft_error *
resolve_mapping(struct ovsdb_idl *idl, struct api_call *call)
{
    struct weft_request *req = &call->req;
    if (req->op != WEFT_OP_MAP_DEL || call->n_path != 3) {
        return NULL;
    }
    const char *network = NULL;
    const char *port = api_find_tenant_mapping(idl, req->path[0],
                                               call->path[1], req->proto,
                                               req->host_port, &network);
    if (!port) {
        return weft_error_format(WEFT_ERR_NOT_FOUND, "port mapping %s %s/%s "
                                 "does not exist", call->path[1], req->proto,
                                 req->host_port);
    }
    free(req->path[1]);
    free(req->path[2]);
    req->path[1] = xstrdup(network);
    req->path[2] = xstrdup(port);
    return NULL;
}

/* weft_txn_build_func for the write being run: authorizes it (again, on a
 * retry: a token may have been revoked meanwhile) and adds it to 'txn'. */
static struct weft_error *
write_build(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
            const struct topology *topo, void *api_)
{
    struct api *api = api_;
    struct api_call *call = api->write_call;
    /* 'topo' is the cache, just refreshed: from here on its 'changes' are
     * this attempt's commit and whatever else arrives (set_wait_hosts()). */
    topo_changes_clear(&api->topo.changes);
    uuidset_clear(&api->write_own_hosts);
    const struct weftrec_tenant *own;
    struct weft_error *error = api_authorize(idl, call, &own);
    if (error) {
        return error;
    }
    if (!call->admin && call->wait_installed) {
        add_tenant_hosts(topo, call->req.path[0], &api->write_own_hosts);
    }
    /* A tenant admin's conflicts must not name other tenants' objects. */
    call->req.tenant_view = own != NULL;
    error = resolve_mapping(idl, call);
    if (error) {
        return error;
    }
    struct sset fips_before = SSET_INITIALIZER(&fips_before);
    if (call->req.op == WEFT_OP_FIP_ADD) {
        api_tenant_fips(idl, call->req.path[0], &fips_before);
    }
    error = weft_write_build(&call->req, idl, txn, topo);
    if (!error) {
        write_mark(api, idl);
    }
    if (!error && call->req.op == WEFT_OP_FIP_ADD) {
        /* The transaction's new row is in the IDL already. */
        free(call->new_fip);
        call->new_fip = nullable_xstrdup(api_tenant_fip_after(
                                             idl, call->req.path[0],
                                             &fips_before));
    }
    sset_destroy(&fips_before);
    if (!error && call->req.op == WEFT_OP_PORT_ADD
        && api->hooks.iface_available
        && !api->hooks.iface_available(call->req.host, call->req.iface,
                                       api->hooks.aux)) {
        /* Without saying what holds it: another tenant may. */
        error = weft_error_format(WEFT_ERR_CONFLICT, "interface name %s is "
                                  "not available on host %s", call->req.iface,
                                  call->req.host);
    }
    return error;
}

static void step_write(struct api *);

/* Starts running the write 'call' (api->write must be NULL).  The write is
 * retried on conflicts, at most API_MAX_RETRIES times; its deadline applies
 * before each attempt is sent (write_may_send()), never to an attempt in
 * flight. */
static void
start_write(struct api *api, struct api_call *call)
{
    const struct weft_request *req = &call->req;
    char *comment = xasprintf("weftd API: %s %s%s%s%s%s",
                              weft_op_name(req->op), req->path[0],
                              req->path[1] ? "/" : "",
                              req->path[1] ? req->path[1] : "",
                              req->path[2] ? "/" : "",
                              req->path[2] ? req->path[2] : "");
    struct weft_txn_spec spec = {
        .build = write_build,
        .may_send = write_may_send,
        .applied = write_applied,
        .aux = api,
        .comment = comment,
        .initial_cfg = 1,
        .deadline = LLONG_MAX,
        .max_retries = API_MAX_RETRIES,
        .topo = &api->topo,
    };
    api->write_call = call;
    api->write_seq++;
    api->write = weft_txn_start(api->idl, &spec);
    free(comment);
    step_write(api);
}

/* Fills a successful create's response with the new object, as the IDL
 * has it now.  Called again after ?wait=installed, so that the answer shows
 * the object installed (a port's ofport and up); if the object was deleted
 * meanwhile, the answer keeps what it had. */
static void
fill_created(struct api *api, struct api_call *call)
{
    const struct weft_request *req = &call->req;
    enum weft_op op = req->op;
    if (op != WEFT_OP_HOST_ADD && op != WEFT_OP_TENANT_ADD
        && op != WEFT_OP_NET_ADD && op != WEFT_OP_PORT_ADD
        && op != WEFT_OP_TENANT_TOKEN && op != WEFT_OP_TENANT_SET
        && op != WEFT_OP_ROUTER_ADD && op != WEFT_OP_ROUTER_ATTACH
        && op != WEFT_OP_ROUTE_ADD && op != WEFT_OP_HOST_SET
        && op != WEFT_OP_ROUTER_SET && op != WEFT_OP_POOL_ADD
        && op != WEFT_OP_FIP_ADD && op != WEFT_OP_FIP_SET
        && op != WEFT_OP_MAP_ADD && op != WEFT_OP_SERVICE_ADD
        && op != WEFT_OP_SERVICE_SET && op != WEFT_OP_BACKEND_ADD
        && op != WEFT_OP_BACKEND_SET && op != WEFT_OP_SG_ADD
        && op != WEFT_OP_SG_RULE_ADD && op != WEFT_OP_SG_MEMBER_ADD) {
        return;
    }
    struct api_call *fresh = api_call_create(call->verb, call->resource);
    fresh->admin = call->admin;
    /* A floating IP is named by its address, which a FIP_ADD may have
     * allocated; a port mapping by its port and host port. */
    char *fip_path[3] = { req->path[0],
                          op == WEFT_OP_FIP_ADD ? call->new_fip : req->fip,
                          NULL };
    bool is_fip = op == WEFT_OP_FIP_ADD || op == WEFT_OP_FIP_SET;
    struct weft_error *error
        = (op == WEFT_OP_MAP_ADD
           ? api_read_mapping(&api->reader, fresh, req->path, req->proto,
                              req->host_port)
           : is_fip && !fip_path[1]
           ? weft_error_format(WEFT_ERR_NOT_FOUND, "no floating IP")
           : api_read_object(&api->reader, fresh, call->resource,
                             is_fip ? fip_path : req->path,
                             is_fip ? 2 : weft_op_path_len(op)));
    if (!error) {
        /* Swap, so that destroying 'fresh' frees the old views. */
#define SWAP_VIEWS(VIEWS, N)                                \
        do {                                                \
            void *views_ = call->VIEWS;                     \
            size_t n_ = call->N;                            \
            call->VIEWS = fresh->VIEWS;                     \
            call->N = fresh->N;                             \
            fresh->VIEWS = views_;                          \
            fresh->N = n_;                                  \
        } while (0)
        SWAP_VIEWS(hosts, n_hosts);
        SWAP_VIEWS(tenants, n_tenants);
        SWAP_VIEWS(networks, n_networks);
        SWAP_VIEWS(ports, n_ports);
        SWAP_VIEWS(routers, n_routers);
        SWAP_VIEWS(quotas, n_quotas);
        SWAP_VIEWS(pools, n_pools);
        SWAP_VIEWS(fips, n_fips);
        SWAP_VIEWS(mappings, n_mappings);
        SWAP_VIEWS(services, n_services);
        SWAP_VIEWS(sgs, n_sgs);
#undef SWAP_VIEWS
        if (op == WEFT_OP_SG_RULE_ADD) {
            /* The answer is the rule the write added. */
            api_sg_mark_new_rule(&api->reader, call, req);
        }
    }
    weft_error_destroy(error);
    api_call_destroy(fresh);
}

/* Called when 'call''s write has committed: stores in 'call' the hosts that
 * must confirm it before ?wait=installed answers, those whose flows the
 * write may change.  A host whose flows did not change has nothing to
 * install and is not waited for.
 *
 * The IDL holds the commit, since ovsdb-server sends a transaction's update
 * before its reply, and possibly later writes of others: those can only add
 * hosts.  Refreshing the cache patches them into 'api->topo' and adds what
 * they changed to the changes gathered since the write's last attempt was
 * built (write_build() cleared them), which topo_changes_hosts() routes
 * with the topology's indexes, as weftd routes them to its hosts.  For a
 * tenant the list is cut to the hosts where it has ports, before or after
 * the write, which are all its own change can touch, so that a 504 never
 * names a host only another tenant uses. */
static void
set_wait_hosts(struct api *api, struct api_call *call)
{
    const struct topology *topo = weft_topo_cache_refresh(&api->topo,
                                                          api->idl);
    struct uuidset uuids = UUIDSET_INITIALIZER(&uuids);
    topo_changes_hosts(topo, &api->topo.changes, &uuids);
    if (!call->admin) {
        add_tenant_hosts(topo, call->req.path[0], &api->write_own_hosts);
    }

    struct sset hosts = SSET_INITIALIZER(&hosts);
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, &uuids) {
        /* A host deleted meanwhile has nothing to install. */
        const struct topo_host *h = topology_find_host(topo, &node->uuid);
        if (h && (call->admin
                  || uuidset_contains(&api->write_own_hosts, &h->uuid))) {
            sset_add(&hosts, h->name);
        }
    }
    uuidset_destroy(&uuids);

    for (size_t i = 0; i < call->n_wait_hosts; i++) {
        free(call->wait_hosts[i]);
    }
    free(call->wait_hosts);
    const char **names = sset_sort(&hosts);
    call->n_wait_hosts = sset_count(&hosts);
    call->wait_hosts = xmalloc((call->n_wait_hosts + 1)
                               * sizeof *call->wait_hosts);
    for (size_t i = 0; i < call->n_wait_hosts; i++) {
        call->wait_hosts[i] = xstrdup(names[i]);
    }
    free(names);
    sset_destroy(&hosts);
}

/* Steps the write being run and, once it is done, answers it or parks it
 * for ?wait=installed. */
static void
step_write(struct api *api)
{
    weft_txn_run(api->write);
    if (!weft_txn_is_done(api->write)) {
        return;
    }
    struct api_call *call = api->write_call;
    struct weft_txn_result result;
    weft_txn_result(api->write, &result);
    weft_txn_destroy(api->write);
    api->write = NULL;
    api->write_call = NULL;

    if (result.error) {
        fail(call, result.error);
        return;
    }
    call->nb_cfg = result.nb_cfg;
    fill_created(api, call);
    if (call->wait_installed) {
        /* check_waiting() reads the object again once installed. */
        set_wait_hosts(api, call);
        call->deadline = time_msec() + call->timeout_ms;
        call_queue_push(&api->waiting, call);
    } else {
        finish(call);
    }
}

/* Finishes the calls in 'waiting' whose hosts have all installed their
 * nb_cfg, or whose deadline passed.  A host deleted meanwhile has nothing
 * left to install. */
static void
check_waiting(struct api *api)
{
    struct call_queue still = { .head = NULL };
    call_queue_init(&still);
    long long int now = time_msec();
    struct api_call *call;
    while ((call = call_queue_pop(&api->waiting))) {
        struct ds lagging = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; i < call->n_wait_hosts; i++) {
            const struct weftrec_host *host
                = weft_db_find_host(api->idl, call->wait_hosts[i]);
            if (host && host->cur_cfg < call->nb_cfg) {
                ds_put_format(&lagging, "%s%s", lagging.length ? ", " : "",
                              call->wait_hosts[i]);
            }
        }
        if (!lagging.length) {
            fill_created(api, call);
            finish(call);
        } else if (now >= call->deadline) {
            fail(call, weft_error_format(
                     WEFT_ERR_TIMEOUT, "the change was committed (nb_cfg "
                     "%lld) but host%s %s did not install it within %d ms",
                     call->nb_cfg, strchr(ds_cstr(&lagging), ',') ? "s" : "",
                     ds_cstr(&lagging), call->timeout_ms));
        } else {
            call_queue_push(&still, call);
        }
        ds_destroy(&lagging);
    }
    api->waiting = still;
    if (!api->waiting.head) {
        call_queue_init(&api->waiting);
    }
}

/* Answers, without sending them, the queued writes that must not be sent
 * (write_unsendable()), keeping the others in order. */
static void
fail_unsendable_writes(struct api *api)
{
    bool ready = db_ready(api);
    long long int now = time_msec();
    struct call_queue still;
    call_queue_init(&still);
    struct api_call *call;
    while ((call = call_queue_pop(&api->writes))) {
        struct weft_error *error = write_unsendable(call, ready, now, false);
        if (error) {
            fail(call, error);
        } else {
            call_queue_push(&still, call);
        }
    }
    call_queue_splice(&api->writes, &still);
}

/* Executes the read 'call' and finishes it. */
static void
run_read(struct api *api, struct api_call *call)
{
    const struct weftrec_tenant *own;
    struct weft_error *error = api_authorize(api->idl, call, &own);
    if (!error) {
        error = (call->verb == API_LIST
                 ? api_read_list(&api->reader, call, own)
                 : api_read_object(&api->reader, call, call->resource,
                                   call->path, call->n_path));
    }
    if (error) {
        fail(call, error);
    } else {
        finish(call);
    }
}

/* Executes the reads in 'pending' and moves its writes to 'writes', in
 * order.  Answers 503 to the reads that need the database while it is not
 * reachable (writes wait for it: write_unsendable()), except that right
 * after weftd starts every call waits for the first connection until its
 * deadline. */
static void
run_pending(struct api *api)
{
    bool ready = db_ready(api);
    bool starting = !ovsdb_idl_has_ever_connected(api->idl);
    long long int now = time_msec();
    struct call_queue still;
    call_queue_init(&still);
    struct api_call *call;
    while ((call = call_queue_pop(&api->pending))) {
        if (call->verb == API_WRITE && !starting) {
            /* Waits for the connection: run_writes(). */
            call_queue_push(&api->writes, call);
        } else if (ready || !call_needs_db(call)) {
            if (call->verb == API_WRITE) {
                call_queue_push(&api->writes, call);
            } else {
                run_read(api, call);
            }
        } else if (starting && now < call->deadline) {
            call_queue_push(&still, call);
        } else {
            fail(call, db_unreachable(call));
        }
    }
    call_queue_splice(&api->pending, &still);
}

/* Answers the queued writes that must not be sent, then starts the next
 * writes until one is left running. */
static void
run_writes(struct api *api)
{
    fail_unsendable_writes(api);
    struct api_call *call;
    while (!api->write && (call = call_queue_pop(&api->writes))) {
        start_write(api, call);
    }
}

/* ------------------------------------------------------------------------
 * Module interface. */

struct api *
api_create(const char *db_remote, const struct api_hooks *hooks)
{
    struct api *api = xzalloc(sizeof *api);
    api_handoff_init(&api->handoff);
    api->idl = ovsdb_idl_create(db_remote, &weftrec_idl_class, true, true);
    /* Writes validate against one topology patched in place from the IDL's
     * tracked changes (weft-txn.h), not one loaded per write. */
    weft_db_track_changes(api->idl);
    weft_topo_cache_init_incremental(&api->topo);
    uuidset_init(&api->write_own_hosts);
    call_queue_init(&api->pending);
    call_queue_init(&api->writes);
    call_queue_init(&api->waiting);
    api->hooks = *hooks;
    struct uuid id;
    uuid_generate(&id);
    api->mark_key = xasprintf(API_MARK_PREFIX UUID_FMT, UUID_ARGS(&id));
    /* Each member of the remote list, asked every second: a status read
     * takes the latest answers and never waits for a slow member. */
    api->cluster = cluster_poller_create(db_remote, 1000);
    api->reader = (struct api_reader) {
        .idl = api->idl,
        .topo = &api->topo,
        .hooks = &api->hooks,
        .cluster = cluster_poller_view(api->cluster),
    };
    return api;
}

void
api_destroy(struct api *api)
{
    if (!api) {
        return;
    }
    if (api->write) {
        weft_txn_destroy(api->write);
        api_call_destroy(api->write_call);
    }
    api_handoff_destroy(&api->handoff);
    call_queue_destroy_calls(&api->pending);
    call_queue_destroy_calls(&api->writes);
    call_queue_destroy_calls(&api->waiting);
    weft_topo_cache_destroy(&api->topo);
    uuidset_destroy(&api->write_own_hosts);
    ovsdb_idl_destroy(api->idl);
    cluster_poller_destroy(api->cluster);
    free(api->mark_key);
    free(api);
}

void
api_submit(struct api *api, struct api_call *call)
{
    api_handoff_submit(&api->handoff, call);
}

void
api_run(struct api *api)
{
    ovsdb_idl_run(api->idl);
    cluster_poller_run(api->cluster);
    if (ovsdb_idl_has_ever_connected(api->idl)) {
        /* Patch the topology on every change, so that the IDL's tracked
         * rows never pile up.  While a write runs this only adds to the
         * changes its wait reads (set_wait_hosts()): other writers' changes
         * can only add hosts. */
        weft_topo_cache_refresh(&api->topo, api->idl);
    }

    struct call_queue taken;
    call_queue_init(&taken);
    api_handoff_take(&api->handoff, &taken);
    long long int deadline = time_msec() + API_CALL_DEADLINE_MS;
    for (struct api_call *c = taken.head; c; c = c->next) {
        c->deadline = deadline;
    }
    call_queue_splice(&api->pending, &taken);

    if (api->write) {
        step_write(api);
    }
    run_pending(api);
    run_writes(api);
    check_waiting(api);
}

void
api_wait(struct api *api)
{
    ovsdb_idl_wait(api->idl);
    cluster_poller_wait(api->cluster);
    api_handoff_wait(&api->handoff);
    if (api->write) {
        weft_txn_wait(api->write);
        if (!weft_txn_in_flight(api->write)) {
            /* Waiting to retry: until the deadline to send it. */
            poll_timer_wait_until(api->write_call->deadline);
        }
    }
    if (api->pending.head && !ovsdb_idl_has_ever_connected(api->idl)) {
        poll_timer_wait_until(api->pending.head->deadline);
    }
    if (api->writes.head) {
        /* The first queued write has the earliest deadline. */
        poll_timer_wait_until(api->writes.head->deadline);
    }
    for (const struct api_call *c = api->waiting.head; c; c = c->next) {
        poll_timer_wait_until(c->deadline);
    }
}
