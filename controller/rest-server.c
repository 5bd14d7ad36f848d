/* rest-server: weftd's REST API, HTTP side (jansson; no OVS headers).
 *
 * One thread runs a libevent event_base with an evhttp bound to a unix
 * socket.  For each request it:
 *
 *   1. routes the URL with 'routes' below (404 if none, 405 for a method
 *      the resource does not have);
 *   2. identifies the caller: SO_PEERCRED uid 0 (or weftd's own uid) is an
 *      admin; anyone else needs "Authorization: Bearer TOKEN", which is
 *      hashed (SHA-256) here and matched against Tenant.token_hash by the
 *      main loop;
 *   3. for POST and DELETE, parses the JSON body (413 over REST_MAX_BODY,
 *      400 if malformed) into a 'struct weft_request' and checks it with
 *      weft_request_check(), the same step 1 weftctl runs (400);
 *   4. hands the 'struct api_call' to api_submit() and returns to libevent.
 *
 * The main loop executes the call (api.c, whose top comment draws the whole
 * hand-off) and calls rest_call_done() from the main thread; that appends
 * the call to 'done' under 'mutex' and wakes this thread with
 * event_active(), which is thread-safe because evthread_use_pthreads() is
 * called before the event_base exists.  on_done() then writes the response
 * with evhttp and frees the call.
 *
 * Every error, from here or from the main loop, goes through one mapping,
 * rest_http_status(), and one body shape: {"error": KIND, "detail": TEXT}.
 *
 * If a client disconnects before its answer, evhttp detaches the request
 * and frees it when it is answered, so a late answer is safe. */
#define _GNU_SOURCE 1
#include "rest-server.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <jansson.h>

#include "api.h"
#include "sha256.h"

/* Largest request body accepted; larger gets 413 with a JSON body.  evhttp
 * itself drops bodies over REST_HARD_MAX_BODY (with its own 413) so that a
 * huge upload is never buffered. */
#define REST_MAX_BODY (64 * 1024)
#define REST_HARD_MAX_BODY (1024 * 1024)

/* ?wait=installed: default and maximum ?timeout=, in seconds. */
#define REST_WAIT_TIMEOUT_DEFAULT 30
#define REST_WAIT_TIMEOUT_MAX 3600

struct rest_server {
    struct api *api;            /* Executes calls (main thread). */
    char *path;                 /* Socket file. */
    struct event_base *base;
    struct evhttp *http;
    struct event *done_ev;      /* Activated by rest_call_done(). */
    pthread_t thread;

    pthread_mutex_t mutex;      /* Protects 'done'. */
    struct api_call *done_head; /* Finished calls, to answer. */
    struct api_call **done_tail;
};

/* The route table: one entry per resource shape.  '*' matches one name. */
struct route {
    const char *pattern;
    enum api_resource resource;
    bool item;                  /* Ends in a name: GET, DELETE.  Otherwise a
                                 * collection: GET, POST. */
};

static const struct route routes[] = {
    { "/v1/status", API_STATUS, false },
    { "/v1/hosts", API_HOSTS, false },
    { "/v1/hosts/*", API_HOSTS, true },
    { "/v1/tenants", API_TENANTS, false },
    { "/v1/tenants/*", API_TENANTS, true },
    { "/v1/tenants/*/networks", API_NETWORKS, false },
    { "/v1/tenants/*/networks/*", API_NETWORKS, true },
    { "/v1/tenants/*/networks/*/ports", API_PORTS, false },
    { "/v1/tenants/*/networks/*/ports/*", API_PORTS, true },
};

/* Maps an error kind to its HTTP status: the only place that does. */
static int
rest_http_status(enum weft_err_kind kind)
{
    switch (kind) {
    case WEFT_ERR_INVALID: return 400;
    case WEFT_ERR_UNAUTHORIZED: return 401;
    case WEFT_ERR_FORBIDDEN: return 403;
    case WEFT_ERR_NOT_FOUND: return 404;
    case WEFT_ERR_METHOD: return 405;
    case WEFT_ERR_CONFLICT: return 409;
    case WEFT_ERR_TOO_LARGE: return 413;
    case WEFT_ERR_INTERNAL: return 500;
    case WEFT_ERR_UNAVAILABLE: return 503;
    case WEFT_ERR_TIMEOUT: return 504;
    }
    return 500;
}

static const char *
reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Internal Server Error";
    }
}

/* Sends 'json' (takes ownership; may be NULL for no body) with 'status'. */
static void
send_json(struct evhttp_request *req, int status, json_t *json)
{
    struct evbuffer *body = evbuffer_new();
    if (json) {
        char *s = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);
        if (s) {
            evbuffer_add_printf(body, "%s\n", s);
            free(s);
        }
        json_decref(json);
        evhttp_add_header(evhttp_request_get_output_headers(req),
                          "Content-Type", "application/json");
    }
    evhttp_send_reply(req, status, reason_phrase(status), body);
    evbuffer_free(body);
}

static void
send_error(struct evhttp_request *req, enum weft_err_kind kind,
           const char *detail)
{
    send_json(req, rest_http_status(kind),
              json_pack("{s:s, s:s}", "error", weft_err_kind_name(kind),
                        "detail", detail));
}

static void
send_errorf(struct evhttp_request *req, enum weft_err_kind kind,
            const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void
send_errorf(struct evhttp_request *req, enum weft_err_kind kind,
            const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *detail;
    if (vasprintf(&detail, format, args) < 0) {
        detail = NULL;
    }
    va_end(args);
    send_error(req, kind, detail ? detail : "out of memory");
    free(detail);
}

/* ------------------------------------------------------------------------
 * Responses from the main loop. */

static json_t *
string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *
host_json(const struct api_host_view *v)
{
    json_t *o = json_pack("{s:s, s:b, s:b, s:I, s:o}",
                          "name", v->name,
                          "ovsdb_connected", v->ovsdb_connected,
                          "openflow_connected", v->openflow_connected,
                          "cur_cfg", (json_int_t) v->cur_cfg,
                          "openflow_state", string_or_null(v->openflow_state));
    if (v->ovsdb_remote) {      /* Admins only. */
        json_object_set_new(o, "ovsdb_remote", json_string(v->ovsdb_remote));
        json_object_set_new(o, "openflow_remote",
                            string_or_null(v->openflow_remote));
        json_object_set_new(o, "tunnel_ip", string_or_null(v->tunnel_ip));
        json_object_set_new(o, "datapath_type",
                            string_or_null(v->datapath_type));
        json_object_set_new(o, "uplink", string_or_null(v->uplink));
    }
    return o;
}

static json_t *
tenant_json(const struct api_tenant_view *v)
{
    return json_pack("{s:s, s:I}", "name", v->name, "key",
                     (json_int_t) v->key);
}

static json_t *
network_json(const struct api_network_view *v)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:b, s:I}",
                     "tenant", v->tenant, "name", v->name, "type", v->type,
                     "segment_id", (json_int_t) v->segment_id,
                     "mtu", (json_int_t) v->mtu,
                     "mtu_default", v->mtu_default,
                     "key", (json_int_t) v->key);
}

static json_t *
port_json(const struct api_port_view *v)
{
    json_t *ips = json_array();
    for (size_t i = 0; i < v->n_ips; i++) {
        json_array_append_new(ips, json_string(v->ips[i]));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:o, s:o}",
                     "tenant", v->tenant, "network", v->network,
                     "name", v->name, "host", v->host, "iface", v->iface,
                     "mac", v->mac, "ips", ips, "key", (json_int_t) v->key,
                     "ofport", (v->ofport >= 0
                                ? json_integer(v->ofport) : json_null()),
                     "up", v->up >= 0 ? json_boolean(v->up) : json_null());
}

/* Returns the objects in 'call' (of its resource) as a JSON array. */
static json_t *
objects_json(const struct api_call *call)
{
    json_t *a = json_array();
    switch (call->resource) {
    case API_STATUS:
    case API_HOSTS:
        for (size_t i = 0; i < call->n_hosts; i++) {
            json_array_append_new(a, host_json(&call->hosts[i]));
        }
        break;
    case API_TENANTS:
        for (size_t i = 0; i < call->n_tenants; i++) {
            json_array_append_new(a, tenant_json(&call->tenants[i]));
        }
        break;
    case API_NETWORKS:
        for (size_t i = 0; i < call->n_networks; i++) {
            json_array_append_new(a, network_json(&call->networks[i]));
        }
        break;
    case API_PORTS:
        for (size_t i = 0; i < call->n_ports; i++) {
            json_array_append_new(a, port_json(&call->ports[i]));
        }
        break;
    }
    return a;
}

/* Answers the finished 'call'. */
static void
respond(struct api_call *call)
{
    struct evhttp_request *req = call->http_req;
    if (call->error) {
        send_error(req, call->error->kind, call->error->message);
        return;
    }

    if (call->verb == API_WRITE) {
        char nb_cfg[32];
        snprintf(nb_cfg, sizeof nb_cfg, "%lld", call->nb_cfg);
        evhttp_add_header(evhttp_request_get_output_headers(req),
                          "X-Weft-Nb-Cfg", nb_cfg);
    }
    json_t *objects = objects_json(call);
    if (call->resource == API_STATUS) {
        send_json(req, 200, json_pack("{s:I, s:o}", "nb_cfg",
                                      (json_int_t) call->nb_cfg,
                                      "hosts", objects));
    } else if (call->verb == API_LIST) {
        send_json(req, 200, objects);
    } else if (call->verb == API_WRITE && call->req.op % 2) {
        /* The *_DEL ops are odd in WEFT_OPS. */
        json_decref(objects);
        send_json(req, 204, NULL);
    } else {
        json_t *object = json_array_get(objects, 0);
        object = object ? json_incref(object) : json_object();
        json_decref(objects);
        if (call->token) {
            json_object_set_new(object, "token", json_string(call->token));
        }
        send_json(req, call->verb == API_WRITE ? 201 : 200, object);
    }
}

/* Main thread: see the top of this file. */
static void
rest_call_done(struct api_call *call)
{
    struct rest_server *server = call->aux;
    pthread_mutex_lock(&server->mutex);
    call->next = NULL;
    *server->done_tail = call;
    server->done_tail = &call->next;
    pthread_mutex_unlock(&server->mutex);
    event_active(server->done_ev, EV_READ, 0);
}

/* HTTP thread: answers every finished call. */
static void
on_done(evutil_socket_t fd, short what, void *server_)
{
    struct rest_server *server = server_;
    (void) fd;
    (void) what;
    pthread_mutex_lock(&server->mutex);
    struct api_call *call = server->done_head;
    server->done_head = NULL;
    server->done_tail = &server->done_head;
    pthread_mutex_unlock(&server->mutex);

    while (call) {
        struct api_call *next = call->next;
        respond(call);
        api_call_destroy(call);
        call = next;
    }
}

/* ------------------------------------------------------------------------
 * Requests. */

/* Matches 'path' against 'pattern', storing the names matched by '*' (at
 * most 3) in 'names' (pointers into 'buf', a copy of 'path' split in
 * place) and their count in '*n_names'. */
static bool
match_route(const char *pattern, const char *path, char *names[3],
            size_t *n_names)
{
    size_t n = 0;
    const char *p = pattern, *s = path;
    while (*p) {
        if (*p == '*') {
            size_t len = strcspn(s, "/");
            if (!len || n >= 3) {
                return false;
            }
            names[n++] = strndup(s, len);
            s += len;
            p++;
        } else if (*p == *s) {
            p++;
            s++;
        } else {
            goto mismatch;
        }
    }
    if (*s) {
        goto mismatch;
    }
    *n_names = n;
    return true;

mismatch:
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        names[i] = NULL;
    }
    return false;
}

/* Returns true if the peer of 'req' is an admin: root or weftd's own
 * user. */
static bool
peer_is_admin(struct evhttp_request *req)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon)
                                    : NULL;
    int fd = bev ? bufferevent_getfd(bev) : -1;
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
        return false;
    }
    return cred.uid == 0 || cred.uid == geteuid();
}

/* Errors while parsing a body: malloc'd message, or NULL. */
static char *
errorf(const char *format, ...) __attribute__((format(printf, 1, 2)));

static char *
errorf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *s;
    if (vasprintf(&s, format, args) < 0) {
        s = NULL;
    }
    va_end(args);
    return s;
}

/* Checks that every member of 'obj' is in the null-terminated 'allowed'. */
static char *
check_members(json_t *obj, const char *const allowed[])
{
    const char *key;
    json_t *value;
    json_object_foreach (obj, key, value) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++) {
            ok = ok || !strcmp(*a, key);
        }
        if (!ok) {
            return errorf("unknown member \"%s\"", key);
        }
    }
    return NULL;
}

/* Stores a copy of string member 'name' of 'obj' in '*dst'. */
static char *
get_string(json_t *obj, const char *name, bool required, char **dst)
{
    json_t *value = json_object_get(obj, name);
    if (!value || json_is_null(value)) {
        return required ? errorf("member \"%s\" is required", name) : NULL;
    }
    if (!json_is_string(value)) {
        return errorf("member \"%s\" must be a string", name);
    }
    if (strlen(json_string_value(value)) != json_string_length(value)) {
        return errorf("member \"%s\" must not contain NUL", name);
    }
    *dst = strdup(json_string_value(value));
    return NULL;
}

/* Stores integer member 'name' of 'obj' in '*dst' as decimal text, so that
 * weft_request_check() checks its range with weftctl's messages. */
static char *
get_integer(json_t *obj, const char *name, bool required, char **dst)
{
    json_t *value = json_object_get(obj, name);
    if (!value || json_is_null(value)) {
        return required ? errorf("member \"%s\" is required", name) : NULL;
    }
    if (!json_is_integer(value)) {
        return errorf("member \"%s\" must be an integer", name);
    }
    json_int_t i = json_integer_value(value);
    if (i < 0) {
        return errorf("member \"%s\" must not be negative", name);
    }
    *dst = errorf("%" JSON_INTEGER_FORMAT, i);
    return NULL;
}

/* Fills 'r' (a *_ADD request) from the JSON object 'body'. */
static char *
parse_create_body(json_t *body, struct weft_request *r)
{
    static const char *const host_members[] = {
        "name", "ovsdb_remote", "openflow_remote", "tunnel_ip",
        "datapath_type", "uplink", NULL,
    };
    static const char *const tenant_members[] = { "name", NULL };
    static const char *const network_members[] = {
        "name", "type", "segment_id", "mtu", NULL,
    };
    static const char *const port_members[] = {
        "name", "host", "iface", "mac", "ips", NULL,
    };
    size_t n = weft_op_path_len(r->op);
    char *error = get_string(body, "name", true, &r->path[n - 1]);

    switch (r->op) {
    case WEFT_OP_HOST_ADD:
        error = error ? error : check_members(body, host_members);
        error = error ? error : get_string(body, "ovsdb_remote", true,
                                           &r->remote);
        error = error ? error : get_string(body, "openflow_remote", false,
                                           &r->openflow_remote);
        error = error ? error : get_string(body, "tunnel_ip", false,
                                           &r->tunnel_ip);
        error = error ? error : get_string(body, "datapath_type", false,
                                           &r->datapath_type);
        error = error ? error : get_string(body, "uplink", false,
                                           &r->uplink);
        break;
    case WEFT_OP_TENANT_ADD:
        error = error ? error : check_members(body, tenant_members);
        break;
    case WEFT_OP_NET_ADD:
        error = error ? error : check_members(body, network_members);
        error = error ? error : get_string(body, "type", true, &r->type);
        error = error ? error : get_integer(body, "segment_id", true,
                                            &r->segment);
        error = error ? error : get_integer(body, "mtu", false, &r->mtu);
        break;
    case WEFT_OP_PORT_ADD: {
        error = error ? error : check_members(body, port_members);
        error = error ? error : get_string(body, "host", true, &r->host);
        error = error ? error : get_string(body, "iface", true, &r->iface);
        error = error ? error : get_string(body, "mac", true, &r->mac);
        json_t *ips = json_object_get(body, "ips");
        if (!error && ips && !json_is_null(ips)) {
            if (!json_is_array(ips)) {
                return errorf("member \"ips\" must be an array of strings");
            }
            size_t i;
            json_t *ip;
            json_array_foreach (ips, i, ip) {
                if (!json_is_string(ip)) {
                    return errorf("member \"ips\" must be an array of "
                                  "strings");
                }
                weft_request_add_ip(r, json_string_value(ip));
            }
        }
        break;
    }
    default:
        abort();
    }
    return error;
}

/* Generates a new tenant token (64 hex digits) into 'token'. */
static bool
new_token(char token[SHA256_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t random[SHA256_DIGEST_LEN];
    if (getrandom(random, sizeof random, 0) != sizeof random) {
        return false;
    }
    for (size_t i = 0; i < sizeof random; i++) {
        token[2 * i] = digits[random[i] >> 4];
        token[2 * i + 1] = digits[random[i] & 15];
    }
    token[SHA256_HEX_LEN] = '\0';
    return true;
}

static const enum weft_op create_ops[] = {
    [API_HOSTS] = WEFT_OP_HOST_ADD,
    [API_TENANTS] = WEFT_OP_TENANT_ADD,
    [API_NETWORKS] = WEFT_OP_NET_ADD,
    [API_PORTS] = WEFT_OP_PORT_ADD,
};

/* Builds the write request of a POST or DELETE into 'call'.  Returns NULL
 * or an error to answer with (and the kind in '*kindp'). */
static char *
parse_write(struct evhttp_request *req, struct api_call *call, bool create,
            enum weft_err_kind *kindp)
{
    enum weft_op op = create_ops[call->resource] + !create;
    weft_request_init(&call->req, op);
    for (size_t i = 0; i < call->n_path; i++) {
        call->req.path[i] = strdup(call->path[i]);
    }
    *kindp = WEFT_ERR_INVALID;

    if (create) {
        struct evbuffer *buf = evhttp_request_get_input_buffer(req);
        size_t len = evbuffer_get_length(buf);
        if (len > REST_MAX_BODY) {
            *kindp = WEFT_ERR_TOO_LARGE;
            return errorf("request body is %zu bytes (maximum %d)", len,
                          REST_MAX_BODY);
        }
        json_error_t jerr;
        json_t *body = json_loadb((const char *) evbuffer_pullup(buf, -1),
                                  len, JSON_REJECT_DUPLICATES, &jerr);
        if (!body) {
            return errorf("malformed JSON: %s (line %d, column %d)",
                          jerr.text, jerr.line, jerr.column);
        }
        char *error = (json_is_object(body)
                       ? parse_create_body(body, &call->req)
                       : errorf("request body must be a JSON object"));
        json_decref(body);
        if (error) {
            return error;
        }
        if (op == WEFT_OP_TENANT_ADD) {
            char token[SHA256_HEX_LEN + 1];
            char hash[SHA256_HEX_LEN + 1];
            if (!new_token(token)) {
                *kindp = WEFT_ERR_INTERNAL;
                return errorf("no randomness for a token");
            }
            sha256_hex(token, strlen(token), hash);
            call->token = strdup(token);
            call->req.token_hash = strdup(hash);
        }
    }

    /* Step 1 of the write layer, the same as weftctl's. */
    struct weft_error *error = weft_request_check(&call->req);
    if (error) {
        char *msg = strdup(error->message);
        weft_error_destroy(error);
        return msg;
    }
    return NULL;
}

/* Parses the query string: ?wait=installed[&timeout=SECONDS]. */
static char *
parse_query(struct evhttp_request *req, struct api_call *call)
{
    const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(
                                                 req));
    call->timeout_ms = REST_WAIT_TIMEOUT_DEFAULT * 1000;
    if (!query) {
        return NULL;
    }
    struct evkeyvalq params;
    if (evhttp_parse_query_str(query, &params)) {
        return errorf("malformed query string");
    }
    char *error = NULL;
    struct evkeyval *kv;
    for (kv = params.tqh_first; kv; kv = kv->next.tqe_next) {
        if (!strcmp(kv->key, "wait")) {
            if (strcmp(kv->value, "installed")) {
                error = errorf("wait=%s: expected wait=installed", kv->value);
                break;
            }
            call->wait_installed = true;
        } else if (!strcmp(kv->key, "timeout")) {
            char *end;
            long t = strtol(kv->value, &end, 10);
            if (!kv->value[0] || *end || t < 1
                || t > REST_WAIT_TIMEOUT_MAX) {
                error = errorf("timeout=%s: expected seconds, 1-%d",
                               kv->value, REST_WAIT_TIMEOUT_MAX);
                break;
            }
            call->timeout_ms = t * 1000;
        } else {
            error = errorf("unknown query parameter \"%s\"", kv->key);
            break;
        }
    }
    evhttp_clear_headers(&params);
    return error;
}

static void
handle_request(struct evhttp_request *req, void *server_)
{
    struct rest_server *server = server_;
    const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(
                                               req));
    path = path ? path : "";

    const struct route *route = NULL;
    char *names[3] = { NULL, NULL, NULL };
    size_t n_names = 0;
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        if (match_route(routes[i].pattern, path, names, &n_names)) {
            route = &routes[i];
            break;
        }
    }
    if (!route) {
        send_errorf(req, WEFT_ERR_NOT_FOUND, "no such resource %s", path);
        return;
    }

    enum evhttp_cmd_type method = evhttp_request_get_command(req);
    enum api_verb verb;
    bool create = false;
    if (method == EVHTTP_REQ_GET) {
        verb = route->item ? API_GET : API_LIST;
    } else if (method == EVHTTP_REQ_POST && !route->item
               && route->resource != API_STATUS) {
        verb = API_WRITE;
        create = true;
    } else if (method == EVHTTP_REQ_DELETE && route->item) {
        verb = API_WRITE;
    } else {
        for (size_t i = 0; i < n_names; i++) {
            free(names[i]);
        }
        const char *allow = (route->resource == API_STATUS ? "GET"
                             : route->item ? "GET, DELETE" : "GET, POST");
        evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
                          allow);
        send_errorf(req, WEFT_ERR_METHOD, "%s allows only %s", path, allow);
        return;
    }

    struct api_call *call = api_call_create(verb, route->resource);
    memcpy(call->path, names, sizeof names);
    call->n_path = n_names;
    call->admin = peer_is_admin(req);
    call->http_req = req;
    call->done = rest_call_done;
    call->aux = server;

    const char *auth = evhttp_find_header(evhttp_request_get_input_headers(
                                              req), "Authorization");
    enum weft_err_kind kind = WEFT_ERR_INVALID;
    char *error = NULL;
    if (auth) {
        if (strncmp(auth, "Bearer ", 7) || !auth[7]) {
            kind = WEFT_ERR_UNAUTHORIZED;
            error = errorf("expected \"Authorization: Bearer TOKEN\"");
        } else {
            char hash[SHA256_HEX_LEN + 1];
            sha256_hex(auth + 7, strlen(auth + 7), hash);
            call->token_hash = strdup(hash);
        }
    }
    if (!error) {
        error = parse_query(req, call);
    }
    if (!error && verb == API_WRITE) {
        error = parse_write(req, call, create, &kind);
    }
    if (error) {
        send_error(req, kind, error);
        free(error);
        api_call_destroy(call);
        return;
    }
    api_submit(server->api, call);
}

/* ------------------------------------------------------------------------
 * Thread and lifecycle. */

static void *
rest_thread(void *server_)
{
    struct rest_server *server = server_;

    /* Signals are the main thread's business (OVS's fatal-signal). */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);

    event_base_loop(server->base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

/* Creates the listening unix socket 'path' with mode 0660. */
static int
listen_unix(const char *path, int *fdp, char **errorp)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sun.sun_path) {
        *errorp = errorf("%s: socket path too long", path);
        return ENAMETOOLONG;
    }
    strcpy(sun.sun_path, path);

    /* A socket file that still answers belongs to a live server: do not
     * steal it.  Otherwise it is stale and goes. */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
        bool live = !connect(probe, (struct sockaddr *) &sun, sizeof sun);
        close(probe);
        if (live) {
            *errorp = errorf("%s: another server is listening", path);
            return EADDRINUSE;
        }
    }

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *errorp = errorf("socket: %s", strerror(errno));
        return errno;
    }
    unlink(path);
    /* Create the file with no permissions, then open it up: no window in
     * which anyone could connect. */
    mode_t old = umask(0777);
    int retval = bind(fd, (struct sockaddr *) &sun, sizeof sun);
    umask(old);
    if (!retval) {
        retval = chmod(path, 0660);
    }
    if (!retval) {
        retval = listen(fd, 128);
    }
    if (retval) {
        int error = errno;
        *errorp = errorf("%s: %s", path, strerror(error));
        close(fd);
        return error;
    }
    *fdp = fd;
    return 0;
}

int
rest_server_create(const char *path, struct api *api,
                   struct rest_server **serverp, char **errorp)
{
    *serverp = NULL;
    *errorp = NULL;
    if (evthread_use_pthreads()) {
        *errorp = errorf("libevent: no pthreads support");
        return EINVAL;
    }

    int fd = -1;
    int error = listen_unix(path, &fd, errorp);
    if (error) {
        return error;
    }

    struct rest_server *server = calloc(1, sizeof *server);
    server->api = api;
    server->path = strdup(path);
    pthread_mutex_init(&server->mutex, NULL);
    server->done_tail = &server->done_head;
    server->base = event_base_new();
    server->http = evhttp_new(server->base);
    server->done_ev = event_new(server->base, -1, 0, on_done, server);
    evhttp_set_allowed_methods(server->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST
                               | EVHTTP_REQ_DELETE | EVHTTP_REQ_PUT
                               | EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD);
    evhttp_set_max_body_size(server->http, REST_HARD_MAX_BODY);
    evhttp_set_gencb(server->http, handle_request, server);
    if (!evhttp_accept_socket_with_handle(server->http, fd)) {
        *errorp = errorf("%s: evhttp cannot accept", path);
        close(fd);
        rest_server_destroy(server);
        return EINVAL;
    }

    error = pthread_create(&server->thread, NULL, rest_thread, server);
    if (error) {
        *errorp = errorf("pthread_create: %s", strerror(error));
        server->thread = 0;
        rest_server_destroy(server);
        return error;
    }
    *serverp = server;
    return 0;
}

void
rest_server_destroy(struct rest_server *server)
{
    if (!server) {
        return;
    }
    if (server->thread) {
        /* Not loopbreak(): a break requested before the loop starts would
         * be forgotten, a loopexit timer is not. */
        event_base_loopexit(server->base, NULL);
        pthread_join(server->thread, NULL);
    }
    /* Frees every connection, with any request still waiting for the main
     * loop; their calls are freed by api_destroy() or below. */
    evhttp_free(server->http);
    event_free(server->done_ev);
    event_base_free(server->base);

    struct api_call *call = server->done_head;
    while (call) {
        struct api_call *next = call->next;
        api_call_destroy(call);
        call = next;
    }
    pthread_mutex_destroy(&server->mutex);
    unlink(server->path);
    free(server->path);
    free(server);
    libevent_global_shutdown();
}
