/* api: executes weftd's REST API calls in the main loop.
 *
 * Threads, and how a request crosses between them (as in OVN's pinctrl.c, a
 * mutex-protected queue plus a 'struct seq' to wake the main loop):
 *
 *   HTTP thread (rest-server.c, libevent)    main thread (OVS poll loop)
 *   -------------------------------------    ----------------------------------
 *   parse URL and JSON, SO_PEERCRED,
 *   weft_request_check(): 400 at once
 *   api_submit(): lock 'mutex', append
 *   to 'queue', unlock, seq_change() ------> poll_block() returns (seq_wait())
 *                                             api_run(): lock, take 'queue',
 *                                             unlock; then, in arrival order:
 *                                             - reads: at once, from this
 *                                               module's IDL, never behind a
 *                                               write;
 *                                             - writes: one transaction each,
 *                                               nb_cfg verified and
 *                                               incremented (weft-write.h),
 *                                               at most one in flight, the
 *                                               others queued in 'writes';
 *                                             - ?wait=installed: parked until
 *                                               every host whose flows the
 *                                               change touches has Host.cur_cfg
 *                                               at the call's nb_cfg, or its
 *                                               deadline (504)
 *   reply, free the call  <----------------- call->done(call): rest-server.c
 *                                             appends it to its own done list
 *                                             and wakes the HTTP thread with
 *                                             event_active() (thread-safe)
 *
 * Only the two queues are shared.  The main thread never touches libevent or
 * jansson; the HTTP thread never touches the IDL or weftd's hosts.
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
 * A write is sent only if, at that moment, the database is connected, its
 * client is still connected (rest-server.c watches the socket) and its
 * deadline, API_CALL_DEADLINE_MS after its arrival, has not passed;
 * otherwise it is answered 503 and never sent.  So a client that was
 * answered an error, or that gave up, never finds its change committed
 * later.  The one unknowable case: the connection drops while a transaction
 * is in flight, which the server may have committed.  If the connection is
 * back before the write's deadline, the write is retried (its nb_cfg verify
 * sees a first attempt that did commit); otherwise its 503 says that the
 * change may have been written. */
#include <config.h>

#include "api.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "compiler.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "pipeline.h"
#include "ovs-thread.h"
#include "ovsdb-idl.h"
#include "seq.h"
#include "smap.h"
#include "sset.h"
#include "timeval.h"
#include "topology.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weft-write.h"

VLOG_DEFINE_THIS_MODULE(api);

/* A call must start within this long of its arrival: a write that is not
 * sent by then is answered 503 and never sent, and right after weftd starts
 * a call waits at most this long for the first database connection. */
#define API_CALL_DEADLINE_MS 10000
/* A write is retried this often when other writers keep winning. */
#define API_MAX_RETRIES 100

/* A FIFO of calls. */
struct call_queue {
    struct api_call *head;
    struct api_call **tail;
};

struct api {
    /* Shared with the HTTP thread. */
    struct ovs_mutex mutex;
    struct call_queue queue OVS_GUARDED;  /* Submitted, not yet taken. */
    struct seq *seq;                    /* Changed on every submission. */

    /* Main thread only. */
    uint64_t seqno;                     /* 'seq' when 'queue' was taken. */
    struct ovsdb_idl *idl;
    struct topology topo;               /* Loaded from 'idl'... */
    unsigned int topo_seqno;            /* ...at this IDL seqno. */
    bool topo_valid;

    struct call_queue pending;          /* Taken from 'queue', in order. */
    struct call_queue writes;           /* Writes waiting for their turn. */
    struct ovsdb_idl_txn *txn;          /* The write in flight, or NULL. */
    struct api_call *txn_call;          /* Its call. */
    int64_t txn_nb_cfg;                 /* The nb_cfg it writes. */
    bool txn_inserted_global;
    unsigned int retry_seqno;           /* Retry the head of 'pending' once
                                         * the IDL seqno differs from this. */
    bool retry;
    struct call_queue waiting;          /* ?wait=installed, committed. */

    struct api_hooks hooks;             /* weftd's hosts. */
};

static void
queue_init(struct call_queue *q)
{
    q->head = NULL;
    q->tail = &q->head;
}

static void
queue_push(struct call_queue *q, struct api_call *call)
{
    call->next = NULL;
    *q->tail = call;
    q->tail = &call->next;
}

static void
queue_push_front(struct call_queue *q, struct api_call *call)
{
    call->next = q->head;
    q->head = call;
    if (q->tail == &q->head) {
        q->tail = &call->next;
    }
}

static struct api_call *
queue_pop(struct call_queue *q)
{
    struct api_call *call = q->head;
    if (call) {
        q->head = call->next;
        if (!q->head) {
            q->tail = &q->head;
        }
        call->next = NULL;
    }
    return call;
}

/* Appends all of 'src' to 'dst' and empties 'src'. */
static void
queue_splice(struct call_queue *dst, struct call_queue *src)
{
    if (src->head) {
        *dst->tail = src->head;
        dst->tail = src->tail;
        queue_init(src);
    }
}

static void
queue_destroy_calls(struct call_queue *q)
{
    struct api_call *call;
    while ((call = queue_pop(q))) {
        api_call_destroy(call);
    }
}

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
 * Views: rows of the API's IDL, as the JSON responses show them. */

static void
host_view_fill(struct api_host_view *v, const struct weftrec_host *row,
               bool admin)
{
    memset(v, 0, sizeof *v);
    v->name = xstrdup(row->name);
    if (admin) {
        /* Tenant admins see a host's name and state, not how weft reaches
         * it. */
        v->ovsdb_remote = xstrdup(row->ovsdb_remote);
        v->openflow_remote = nullable_xstrdup(row->openflow_remote);
        v->tunnel_ip = nullable_xstrdup(row->tunnel_ip);
        v->datapath_type = xstrdup(row->datapath_type);
        v->uplink = nullable_xstrdup(row->uplink);
    }
    v->openflow_state = nullable_xstrdup(smap_get(&row->status,
                                                  "openflow_state"));
    v->ovsdb_connected = row->ovsdb_connected;
    v->openflow_connected = row->openflow_connected;
    v->cur_cfg = row->cur_cfg;
}

static void
network_view_fill(struct api_network_view *v,
                  const struct weftrec_network *row, struct ovsdb_idl *idl)
{
    v->tenant = xstrdup(row->tenant ? row->tenant->name : "?");
    v->name = xstrdup(row->name);
    v->type = xstrdup(row->type);
    v->segment_id = row->segment_id;
    v->key = row->flow_key;
    enum topo_net_type type;
    if (row->n_mtu) {
        v->mtu = row->mtu[0];
        v->mtu_default = false;
    } else if (topo_net_type_from_string(row->type, &type)) {
        v->mtu = weft_db_underlay_mtu(idl) - topo_encap_overhead(type);
        v->mtu_default = true;
    }
}

static void
port_view_fill(struct api_port_view *v, const struct weftrec_port *row)
{
    const struct weftrec_network *net = row->network;
    v->tenant = xstrdup(net && net->tenant ? net->tenant->name : "?");
    v->network = xstrdup(net ? net->name : "?");
    v->name = xstrdup(row->name);
    v->host = xstrdup(row->host ? row->host->name : "?");
    v->iface = xstrdup(row->iface);
    v->mac = xstrdup(row->mac);
    v->ips = xmalloc((row->n_ips + 1) * sizeof *v->ips);
    for (size_t i = 0; i < row->n_ips; i++) {
        v->ips[i] = xstrdup(row->ips[i]);
    }
    v->n_ips = row->n_ips;
    v->key = row->flow_key;
    /* Only a real OpenFlow port number (1-0xff00); OVS reports failures
     * as -1, which may come back as 4294967295. */
    v->ofport = (row->n_ofport && row->ofport[0] > 0
                 && row->ofport[0] < 0xff00 ? row->ofport[0] : -1);
    v->up = row->n_up ? row->up[0] : -1;
    v->error = nullable_xstrdup(row->error);
}

static int
compare_host_views(const void *a_, const void *b_)
{
    const struct api_host_view *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static int
compare_tenant_views(const void *a_, const void *b_)
{
    const struct api_tenant_view *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static int
compare_network_views(const void *a_, const void *b_)
{
    const struct api_network_view *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static int
compare_port_views(const void *a_, const void *b_)
{
    const struct api_port_view *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

/* Resolves 'path' (tenant[, network[, port]], 'n' of them) to rows, storing
 * each in the nonnull out parameters.  Returns NOT_FOUND with the same
 * message as the write layer's if any is missing. */
static struct weft_error *
resolve_path(struct ovsdb_idl *idl, char *const path[], size_t n,
             const struct weftrec_tenant **tenantp,
             const struct weftrec_network **netp,
             const struct weftrec_port **portp)
{
    const struct weftrec_tenant *tenant = weft_db_find_tenant(idl, path[0]);
    if (!tenant) {
        return weft_error_format(WEFT_ERR_NOT_FOUND,
                                 "tenant %s does not exist", path[0]);
    }
    *tenantp = tenant;
    if (n < 2) {
        return NULL;
    }
    const struct weftrec_network *net = weft_db_find_network(idl, tenant,
                                                         path[1]);
    if (!net) {
        return weft_error_format(WEFT_ERR_NOT_FOUND,
                                 "network %s/%s does not exist",
                                 path[0], path[1]);
    }
    *netp = net;
    if (n < 3) {
        return NULL;
    }
    const struct weftrec_port *port = weft_db_find_port(idl, net, path[2]);
    if (!port) {
        return weft_error_format(WEFT_ERR_NOT_FOUND,
                                 "port %s/%s/%s does not exist",
                                 path[0], path[1], path[2]);
    }
    *portp = port;
    return NULL;
}

static void reload_topology(struct api *);

/* Fills 'call' with the quotas of 'row' and its usage of each. */
static struct weft_error *
quota_views_fill(struct api *api, struct api_call *call,
                 const struct weftrec_tenant *row)
{
    reload_topology(api);
    const struct topo_tenant *tenant
        = topology_find_tenant(&api->topo, &row->header_.uuid);
    if (!tenant) {
        return weft_error_format(WEFT_ERR_INTERNAL, "tenant %s is not "
                                 "loaded", row->name);
    }
    call->quotas = xcalloc(N_TOPO_QUOTAS, sizeof *call->quotas);
    call->n_quotas = N_TOPO_QUOTAS;
    for (size_t q = 0; q < N_TOPO_QUOTAS; q++) {
        struct api_quota_view *v = &call->quotas[q];
        v->name = xstrdup(topo_quota_name(q));
        v->limit = tenant->quota[q];
        v->used = topo_tenant_usage(&api->topo, tenant, q);
        v->is_default = true;
        for (size_t i = 0; i < row->n_quota; i++) {
            v->is_default &= strcmp(row->key_quota[i], v->name) != 0;
        }
    }
    return NULL;
}

static void
list_hosts(struct api *api, struct api_call *call)
{
    size_t n = 0, allocated = 0;
    struct api_host_view *views = NULL;
    const struct weftrec_host *row;
    WEFTREC_HOST_FOR_EACH (row, api->idl) {
        if (n >= allocated) {
            views = x2nrealloc(views, &allocated, sizeof *views);
        }
        host_view_fill(&views[n++], row, call->admin);
    }
    if (n) {
        qsort(views, n, sizeof *views, compare_host_views);
    }
    call->hosts = views;
    call->n_hosts = n;
}

/* Fills 'call' with one object, named by 'path' ('n' elements) of
 * 'resource'.  Returns NOT_FOUND if there is no such object. */
static struct weft_error *
get_object(struct api *api, struct api_call *call,
           enum api_resource resource, char *const path[], size_t n)
{
    const struct weftrec_tenant *tenant = NULL;
    const struct weftrec_network *net = NULL;
    const struct weftrec_port *port = NULL;
    struct weft_error *error;

    switch (resource) {
    case API_HOSTS: {
        const struct weftrec_host *row = weft_db_find_host(api->idl, path[0]);
        if (!row) {
            return weft_error_format(WEFT_ERR_NOT_FOUND,
                                     "host %s does not exist", path[0]);
        }
        call->hosts = xmalloc(sizeof *call->hosts);
        host_view_fill(call->hosts, row, call->admin);
        call->n_hosts = 1;
        return NULL;
    }
    case API_TENANTS:
        error = resolve_path(api->idl, path, 1, &tenant, NULL, NULL);
        if (!error) {
            call->tenants = xmalloc(sizeof *call->tenants);
            call->tenants->name = xstrdup(tenant->name);
            call->tenants->key = tenant->flow_key;
            call->n_tenants = 1;
        }
        return error;
    case API_NETWORKS:
        error = resolve_path(api->idl, path, 2, &tenant, &net, NULL);
        if (!error) {
            call->networks = xzalloc(sizeof *call->networks);
            network_view_fill(call->networks, net, api->idl);
            call->n_networks = 1;
        }
        return error;
    case API_PORTS:
        error = resolve_path(api->idl, path, 3, &tenant, &net, &port);
        if (!error) {
            call->ports = xzalloc(sizeof *call->ports);
            port_view_fill(call->ports, port);
            call->n_ports = 1;
        }
        return error;
    case API_FLOWS:
        error = resolve_path(api->idl, path, 2, &tenant, &net, NULL);
        if (!error) {
            uint64_t cookie = weft_cookie(tenant->flow_key, net->flow_key, 0);
            call->cookie = xasprintf("%#"PRIx64, cookie);
            call->n_flows = api->hooks.host_flows(cookie,
                                                  WEFT_COOKIE_NETWORK_MASK,
                                                  &call->flows,
                                                  api->hooks.aux);
        }
        return error;
    case API_METRICS:
        call->text = api->hooks.metrics(api->hooks.aux);
        return NULL;
    case API_QUOTA:
        error = resolve_path(api->idl, path, 1, &tenant, NULL, NULL);
        return error ? error : quota_views_fill(api, call, tenant);
    case API_STATUS:
    default:
        OVS_NOT_REACHED();
    }
}

/* Executes a GET of a collection.  'own' is the caller's tenant, or NULL
 * for an admin. */
static struct weft_error *
list_objects(struct api *api, struct api_call *call,
             const struct weftrec_tenant *own)
{
    const struct weftrec_tenant *tenant = NULL;
    const struct weftrec_network *net = NULL;
    struct weft_error *error = NULL;
    size_t n = 0, allocated = 0;

    switch (call->resource) {
    case API_STATUS: {
        const struct weftrec_weft_global *global
            = weftrec_weft_global_first(api->idl);
        call->nb_cfg = global ? global->nb_cfg : 0;
        list_hosts(api, call);
        return NULL;
    }
    case API_HOSTS:
        list_hosts(api, call);
        return NULL;

    case API_FLOWS:
    case API_METRICS:
    case API_QUOTA:
    case API_VERSION:           /* Never submitted (rest-server.c). */
        return get_object(api, call, call->resource, call->path,
                          call->n_path);

    case API_TENANTS: {
        const struct weftrec_tenant *row;
        WEFTREC_TENANT_FOR_EACH (row, api->idl) {
            if (own && row != own) {
                continue;
            }
            if (n >= allocated) {
                call->tenants = x2nrealloc(call->tenants, &allocated,
                                           sizeof *call->tenants);
            }
            call->tenants[n].name = xstrdup(row->name);
            call->tenants[n++].key = row->flow_key;
        }
        if (n) {
            qsort(call->tenants, n, sizeof *call->tenants,
                  compare_tenant_views);
        }
        call->n_tenants = n;
        return NULL;
    }

    case API_NETWORKS: {
        error = resolve_path(api->idl, call->path, 1, &tenant, NULL, NULL);
        if (error) {
            return error;
        }
        const struct weftrec_network *row;
        WEFTREC_NETWORK_FOR_EACH (row, api->idl) {
            if (row->tenant != tenant) {
                continue;
            }
            if (n >= allocated) {
                call->networks = x2nrealloc(call->networks, &allocated,
                                            sizeof *call->networks);
            }
            memset(&call->networks[n], 0, sizeof call->networks[n]);
            network_view_fill(&call->networks[n++], row, api->idl);
        }
        if (n) {
            qsort(call->networks, n, sizeof *call->networks,
                  compare_network_views);
        }
        call->n_networks = n;
        return NULL;
    }

    case API_PORTS: {
        error = resolve_path(api->idl, call->path, 2, &tenant, &net, NULL);
        if (error) {
            return error;
        }
        const struct weftrec_port *row;
        WEFTREC_PORT_FOR_EACH (row, api->idl) {
            if (row->network != net) {
                continue;
            }
            if (n >= allocated) {
                call->ports = x2nrealloc(call->ports, &allocated,
                                         sizeof *call->ports);
            }
            memset(&call->ports[n], 0, sizeof call->ports[n]);
            port_view_fill(&call->ports[n++], row);
        }
        if (n) {
            qsort(call->ports, n, sizeof *call->ports, compare_port_views);
        }
        call->n_ports = n;
        return NULL;
    }
    }
    OVS_NOT_REACHED();
}

/* ------------------------------------------------------------------------
 * Authorization. */

/* Returns true if the token hashes 'a' and 'b' are equal, in a time that
 * does not depend on where they differ (only on their length, which is
 * public: 64 hex digits). */
static bool
token_hash_equal(const char *a, const char *b)
{
    size_t len = strlen(a);
    return len == strlen(b) && !CRYPTO_memcmp(a, b, len);
}

/* Checks that the caller of 'call' may make it.  Stores the caller's tenant
 * row in '*ownp', or NULL for an admin.  A tenant admin gets NOT_FOUND, not
 * FORBIDDEN, for anything of another tenant, so that it cannot learn which
 * tenants exist.  A call with a token is never an admin's (rest-parse.c),
 * even from root. */
static struct weft_error *
authorize(struct api *api, const struct api_call *call,
          const struct weftrec_tenant **ownp)
{
    *ownp = NULL;
    if (call->admin) {
        return NULL;
    }
    if (!call->token_hash) {
        return weft_error_create(WEFT_ERR_UNAUTHORIZED, xstrdup(
            "a bearer token is required (Authorization: Bearer TOKEN)"));
    }
    /* Every row is compared, in constant time each, so that the time
     * taken says nothing about the token. */
    const struct weftrec_tenant *own = NULL, *row;
    WEFTREC_TENANT_FOR_EACH (row, api->idl) {
        if (row->token_hash && token_hash_equal(row->token_hash,
                                                call->token_hash)
            && !own) {
            own = row;
        }
    }
    if (!own) {
        return weft_error_create(WEFT_ERR_UNAUTHORIZED,
                                 xstrdup("invalid token"));
    }
    *ownp = own;

    switch (call->resource) {
    case API_STATUS:
    case API_VERSION:
        return NULL;
    case API_HOSTS:
        return (call->verb != API_WRITE ? NULL
                : weft_error_create(WEFT_ERR_FORBIDDEN, xstrdup(
                      "only an administrator can change hosts")));
    case API_TENANTS:
        if (call->verb == API_LIST) {
            return NULL;
        }
        if (call->n_path && strcmp(call->path[0], own->name)) {
            return weft_error_format(WEFT_ERR_NOT_FOUND,
                                     "tenant %s does not exist",
                                     call->path[0]);
        }
        return (call->verb != API_WRITE ? NULL
                : weft_error_create(WEFT_ERR_FORBIDDEN, xstrdup(
                      "only an administrator can create or delete "
                      "tenants")));
    case API_METRICS:
        return weft_error_create(WEFT_ERR_FORBIDDEN, xstrdup(
            "only an administrator can read metrics"));
    case API_QUOTA:
        if (strcmp(call->path[0], own->name)) {
            return weft_error_format(WEFT_ERR_NOT_FOUND,
                                     "tenant %s does not exist",
                                     call->path[0]);
        }
        /* A tenant reads its own quotas and usage; only an admin sets
         * them. */
        return (call->verb != API_WRITE ? NULL
                : weft_error_create(WEFT_ERR_FORBIDDEN, xstrdup(
                      "only an administrator can change quotas")));
    case API_NETWORKS:
    case API_PORTS:
    case API_FLOWS:
        if (strcmp(call->path[0], own->name)) {
            return weft_error_format(WEFT_ERR_NOT_FOUND,
                                     "tenant %s does not exist",
                                     call->path[0]);
        }
        return NULL;
    }
    OVS_NOT_REACHED();
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

/* Returns why the write 'call' must not be sent now, or NULL if it may. */
static struct weft_error *
write_unsendable(const struct api_call *call, bool ready, long long int now)
{
    const char *outcome = (call->maybe_written
                           ? "the connection dropped while the change was "
                             "in flight: it may have been written"
                           : "nothing was written");
    if (api_call_client_gone(call)) {
        return weft_error_format(WEFT_ERR_UNAVAILABLE,
                                 "the client closed its connection; %s",
                                 outcome);
    } else if (!ready) {
        return weft_error_format(WEFT_ERR_UNAVAILABLE,
                                 "weft's database is not reachable; %s",
                                 outcome);
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

static void
reload_topology(struct api *api)
{
    unsigned int seqno = ovsdb_idl_get_seqno(api->idl);
    if (!api->topo_valid || seqno != api->topo_seqno) {
        topology_destroy(&api->topo);
        topology_init(&api->topo);
        weft_db_load_topology(api->idl, &api->topo);
        api->topo_seqno = seqno;
        api->topo_valid = true;
    }
}

/* Builds and sends the transaction for 'call'.  Returns false if the call
 * is finished (an error) and true if it is in flight. */
static bool
start_write(struct api *api, struct api_call *call)
{
    reload_topology(api);
    struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(api->idl);
    ovsdb_idl_txn_add_comment(txn, "weftd API: %s %s%s%s%s%s",
                              weft_op_name(call->req.op), call->req.path[0],
                              call->req.path[1] ? "/" : "",
                              call->req.path[1] ? call->req.path[1] : "",
                              call->req.path[2] ? "/" : "",
                              call->req.path[2] ? call->req.path[2] : "");
    bool inserted;
    int64_t nb_cfg = weft_write_next_cfg(api->idl, txn, 1, &inserted);
    struct weft_error *error = weft_write_build(&call->req, api->idl, txn,
                                                &api->topo);
    if (!error && call->req.op == WEFT_OP_PORT_ADD
        && api->hooks.iface_available
        && !api->hooks.iface_available(call->req.host, call->req.iface,
                                       api->hooks.aux)) {
        /* Without saying what holds it: another tenant may. */
        error = weft_error_format(WEFT_ERR_CONFLICT, "interface name %s is "
                                  "not available on host %s", call->req.iface,
                                  call->req.host);
    }
    if (error) {
        ovsdb_idl_txn_destroy(txn);
        fail(call, error);
        return false;
    }

    api->retry_seqno = ovsdb_idl_get_seqno(api->idl);
    ovsdb_idl_txn_commit(txn);
    api->txn = txn;
    api->txn_call = call;
    api->txn_nb_cfg = nb_cfg;
    api->txn_inserted_global = inserted;
    return true;
}

/* Fills a successful create's response with the new object, as the IDL
 * has it now.  Called again after ?wait=installed, so that the answer shows
 * the object installed (a port's ofport and up); if the object was deleted
 * meanwhile, the answer keeps what it had. */
static void
fill_created(struct api *api, struct api_call *call)
{
    enum weft_op op = call->req.op;
    if (op != WEFT_OP_HOST_ADD && op != WEFT_OP_TENANT_ADD
        && op != WEFT_OP_NET_ADD && op != WEFT_OP_PORT_ADD
        && op != WEFT_OP_TENANT_TOKEN && op != WEFT_OP_TENANT_SET) {
        return;
    }
    struct api_call *fresh = api_call_create(call->verb, call->resource);
    fresh->admin = call->admin;
    struct weft_error *error = get_object(api, fresh, call->resource,
                                          call->req.path,
                                          weft_op_path_len(op));
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
        SWAP_VIEWS(quotas, n_quotas);
#undef SWAP_VIEWS
    }
    weft_error_destroy(error);
    api_call_destroy(fresh);
}

/* Adds to 'hosts' the host of every port of tenant 'tenant' in 'topo'. */
static void
add_tenant_hosts(const struct topology *topo, const char *tenant,
                 struct sset *hosts)
{
    const struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (port->network && port->network->tenant && port->host
            && !strcmp(port->network->tenant->name, tenant)) {
            sset_add(hosts, port->host->name);
        }
    }
}

/* Called when 'call''s write has committed: stores in 'call' the hosts that
 * must confirm it before ?wait=installed answers, those whose flows differ
 * between 'api->topo' (the database just before the write: the transaction
 * verified nb_cfg) and the database now.  A host whose flows did not change
 * has nothing to install and is not waited for.
 *
 * The IDL holds the commit, since ovsdb-server sends a transaction's update
 * before its reply, and possibly later writes of others: those can only add
 * hosts.  For a tenant the list is cut to the hosts where it has ports,
 * which are all its own change can touch, so that a 504 never names a host
 * only another tenant uses.
 *
 * The topology loaded here becomes 'api->topo', so that the next write does
 * not load the same database again (reload_topology()). */
static void
set_wait_hosts(struct api *api, struct api_call *call)
{
    struct topology now;
    topology_init(&now);
    unsigned int seqno = ovsdb_idl_get_seqno(api->idl);
    weft_db_load_topology(api->idl, &now);
    struct sset hosts = SSET_INITIALIZER(&hosts);
    compile_changed_hosts(&api->topo, &now, &hosts);
    if (!call->admin) {
        struct sset own = SSET_INITIALIZER(&own);
        add_tenant_hosts(&api->topo, call->req.path[0], &own);
        add_tenant_hosts(&now, call->req.path[0], &own);
        sset_intersect(&hosts, &own);
        sset_destroy(&own);
    }
    topology_swap(&api->topo, &now);
    topology_destroy(&now);
    api->topo_seqno = seqno;
    api->topo_valid = true;

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

/* Checks the write in flight. */
static void
poll_txn(struct api *api)
{
    enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit(api->txn);
    if (status == TXN_INCOMPLETE) {
        return;
    }
    struct api_call *call = api->txn_call;
    struct weft_error *error = NULL;
    switch (status) {
    case TXN_SUCCESS:
    case TXN_UNCHANGED:
        call->nb_cfg = api->txn_nb_cfg;
        fill_created(api, call);
        if (call->wait_installed) {
            /* check_waiting() reads the object again once installed. */
            set_wait_hosts(api, call);
            call->deadline = time_msec() + call->timeout_ms;
            queue_push(&api->waiting, call);
        } else {
            finish(call);
        }
        break;

    case TXN_ERROR:
        if (!api->txn_inserted_global) {
            goto failed;
        }
        /* Two first writers both inserted Weft_Global: retry with the
         * winner's row. */
        /* Fall through. */
    case TXN_TRY_AGAIN:
        /* Another writer changed nb_cfg first, or the connection dropped:
         * re-validate against the database once the IDL has its news. */
        if (!ovsdb_idl_is_connected(api->idl)) {
            /* The connection dropped with the transaction in flight. */
            call->maybe_written = true;
        }
        if (++call->retries > API_MAX_RETRIES) {
            error = weft_error_create(WEFT_ERR_CONFLICT, xstrdup(
                "too many concurrent writers: giving up"));
            fail(call, error);
            break;
        }
        queue_push_front(&api->writes, call);
        api->retry = true;
        break;

    case TXN_ABORTED:
    case TXN_NOT_LOCKED:
    case TXN_UNCOMMITTED:
    case TXN_INCOMPLETE:
    default:
    failed:
        error = weft_error_format(WEFT_ERR_INTERNAL,
                                  "transaction failed: %s (%s)",
                                  ovsdb_idl_txn_status_to_string(status),
                                  ovsdb_idl_txn_get_error(api->txn));
        fail(call, error);
        break;
    }
    ovsdb_idl_txn_destroy(api->txn);
    api->txn = NULL;
    api->txn_call = NULL;
}

/* Finishes the calls in 'waiting' whose hosts have all installed their
 * nb_cfg, or whose deadline passed.  A host deleted meanwhile has nothing
 * left to install. */
static void
check_waiting(struct api *api)
{
    struct call_queue still = { .head = NULL };
    queue_init(&still);
    long long int now = time_msec();
    struct api_call *call;
    while ((call = queue_pop(&api->waiting))) {
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
            queue_push(&still, call);
        }
        ds_destroy(&lagging);
    }
    api->waiting = still;
    if (!api->waiting.head) {
        queue_init(&api->waiting);
    }
}

/* Keeps, in order, the calls of 'q' for which 'keep' returns NULL, and fails
 * the others with the error it returns. */
static void
queue_filter(struct call_queue *q,
             struct weft_error *(*keep)(const struct api_call *, bool,
                                        long long int),
             bool ready, long long int now)
{
    struct call_queue still;
    queue_init(&still);
    struct api_call *call;
    while ((call = queue_pop(q))) {
        struct weft_error *error = keep(call, ready, now);
        if (error) {
            fail(call, error);
        } else {
            queue_push(&still, call);
        }
    }
    queue_init(q);
    queue_splice(q, &still);
}

/* Executes the read 'call' and finishes it. */
static void
run_read(struct api *api, struct api_call *call)
{
    const struct weftrec_tenant *own;
    struct weft_error *error = authorize(api, call, &own);
    if (!error) {
        error = (call->verb == API_LIST
                 ? list_objects(api, call, own)
                 : get_object(api, call, call->resource, call->path,
                              call->n_path));
    }
    if (error) {
        fail(call, error);
    } else {
        finish(call);
    }
}

/* Executes the reads in 'pending' and moves its writes to 'writes', in
 * order.  Answers 503 to those that need the database while it is not
 * reachable, except that right after weftd starts they wait for the first
 * connection until their deadline. */
static void
run_pending(struct api *api)
{
    bool ready = db_ready(api);
    bool starting = !ovsdb_idl_has_ever_connected(api->idl);
    long long int now = time_msec();
    struct call_queue still;
    queue_init(&still);
    struct api_call *call;
    while ((call = queue_pop(&api->pending))) {
        if (ready || !call_needs_db(call)) {
            if (call->verb == API_WRITE) {
                queue_push(&api->writes, call);
            } else {
                run_read(api, call);
            }
        } else if (starting && now < call->deadline) {
            queue_push(&still, call);
        } else {
            fail(call, db_unreachable(call));
        }
    }
    queue_splice(&api->pending, &still);
}

/* Answers, without sending them, the queued writes that must not be sent
 * (write_unsendable()), then starts the next write if none is in flight. */
static void
run_writes(struct api *api)
{
    queue_filter(&api->writes, write_unsendable, db_ready(api), time_msec());
    if (api->retry) {
        if (ovsdb_idl_get_seqno(api->idl) == api->retry_seqno) {
            return;
        }
        api->retry = false;
    }

    struct api_call *call;
    while (!api->txn && (call = queue_pop(&api->writes))) {
        const struct weftrec_tenant *own;
        struct weft_error *error = authorize(api, call, &own);
        if (error) {
            fail(call, error);
        } else {
            /* A tenant admin's conflicts must not name other tenants'
             * objects. */
            call->req.tenant_view = own != NULL;
            start_write(api, call);
        }
    }
}

/* ------------------------------------------------------------------------
 * Module interface. */

struct api *
api_create(const char *db_remote, const struct api_hooks *hooks)
{
    struct api *api = xzalloc(sizeof *api);
    ovs_mutex_init(&api->mutex);
    queue_init(&api->queue);
    api->seq = seq_create();
    api->seqno = seq_read(api->seq);
    api->idl = ovsdb_idl_create(db_remote, &weftrec_idl_class, true, true);
    topology_init(&api->topo);
    queue_init(&api->pending);
    queue_init(&api->writes);
    queue_init(&api->waiting);
    api->hooks = *hooks;
    return api;
}

void
api_destroy(struct api *api)
{
    if (!api) {
        return;
    }
    if (api->txn) {
        ovsdb_idl_txn_destroy(api->txn);
        api_call_destroy(api->txn_call);
    }
    ovs_mutex_lock(&api->mutex);
    queue_destroy_calls(&api->queue);
    ovs_mutex_unlock(&api->mutex);
    queue_destroy_calls(&api->pending);
    queue_destroy_calls(&api->writes);
    queue_destroy_calls(&api->waiting);
    topology_destroy(&api->topo);
    ovsdb_idl_destroy(api->idl);
    seq_destroy(api->seq);
    ovs_mutex_destroy(&api->mutex);
    free(api);
}

void
api_submit(struct api *api, struct api_call *call)
{
    ovs_mutex_lock(&api->mutex);
    queue_push(&api->queue, call);
    ovs_mutex_unlock(&api->mutex);
    seq_change(api->seq);
}

void
api_run(struct api *api)
{
    ovsdb_idl_run(api->idl);

    /* Read the seqno before taking the queue: a submission after this
     * point changes it, so api_wait() cannot sleep through it. */
    api->seqno = seq_read(api->seq);
    struct call_queue taken;
    ovs_mutex_lock(&api->mutex);
    taken = api->queue;
    queue_init(&api->queue);
    ovs_mutex_unlock(&api->mutex);
    if (!taken.head) {
        queue_init(&taken);
    }
    long long int deadline = time_msec() + API_CALL_DEADLINE_MS;
    for (struct api_call *c = taken.head; c; c = c->next) {
        c->deadline = deadline;
    }
    queue_splice(&api->pending, &taken);

    if (api->txn) {
        poll_txn(api);
    }
    run_pending(api);
    run_writes(api);
    check_waiting(api);
}

void
api_wait(struct api *api)
{
    ovsdb_idl_wait(api->idl);
    seq_wait(api->seq, api->seqno);
    if (api->txn) {
        ovsdb_idl_txn_wait(api->txn);
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
