/* rest-server: weftd's REST API, HTTP side (jansson; no OVS headers).
 *
 * One thread runs a libevent event_base with an evhttp bound to a unix
 * socket.  For each request it:
 *
 *   1. identifies the caller: a request with "Authorization: Bearer TOKEN"
 *      is that token's tenant, whoever the peer is (the token is hashed,
 *      SHA-256, and matched against Tenant.token_hash by the main loop);
 *      without one, SO_PEERCRED uid 0 (or weftd's own uid) is an admin and
 *      anyone else is refused;
 *   2. routes, parses and checks the request with rest_parse_request()
 *      (rest-parse.c: the route table, JSON bodies, weft_request_check(),
 *      the same step 1 weftctl runs), answering its errors at once;
 *   3. hands the 'struct api_call' to api_submit() and returns to libevent.
 *
 * The main loop executes the call (executor.c; handoff.c draws the whole
 * hand-off) and calls rest_call_done() from the main thread; that appends
 * the call to 'done' under 'mutex' and wakes this thread with
 * event_active(), which is thread-safe because evthread_use_pthreads() is
 * called before the event_base exists.  on_done() then writes the response
 * with evhttp and frees the call.
 *
 * Every error, from here or from the main loop, goes through one mapping,
 * rest_http_status() (render.c), and one body shape: {"error": KIND,
 * "detail": TEXT}.
 * Every answer is counted by status for /metrics ('n_by_status', touched only
 * by this thread).
 *
 * If a client disconnects before its answer, evhttp detaches the request
 * and frees it when it is answered, so a late answer is safe.  While a call
 * is in the main loop, an EV_CLOSED event on its socket (a 'struct
 * rest_watch') marks it api_call_set_client_gone(), so that a write whose
 * client left is never sent (executor.c).
 *
 * Limits (rest_server_create()'s 'limits'): a request header over
 * REST_MAX_HEADERS bytes and a body over REST_HARD_MAX_BODY are refused by
 * evhttp as soon as it has read that much; a connection idle for the idle
 * timeout (no byte in or out while weftd is not working on one of its
 * requests) is closed; and at most 'max_connections' are open at once
 * (rest-conn.c, which also turns evhttp's own HTML error pages into this
 * API's JSON errors).
 *
 * Optionally a second evhttp, on the same event_base and thread, listens on
 * a TCP address for Prometheus (rest_server_set_metrics_address()): it
 * answers GET /metrics as the socket answers an admin, and 404 or 405 to
 * anything else, so TCP peers reach nothing but the metrics. */
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <jansson.h>

#include "api.h"
#include "plain-util.h"
#include "rest-conn.h"
#include "rest-parse.h"
#include "render.h"

/* evhttp itself refuses bodies over REST_HARD_MAX_BODY (rest-conn.c turns
 * its answer into a JSON 413) so that a huge upload is never buffered; up to
 * that, rest-parse.c answers 413 over REST_MAX_BODY. */
#define REST_HARD_MAX_BODY (1024 * 1024)

/* Largest request line plus header that evhttp reads. */
#define REST_MAX_HEADERS (8 * 1024)

/* Connections the TCP /metrics listener keeps open at once (a Prometheus
 * scraper needs one); others wait in its listen backlog. */
#define REST_METRICS_MAX_CONNECTIONS 16

/* Statuses counted for /metrics: 100-599. */
#define REST_MIN_STATUS 100
#define REST_MAX_STATUS 599

/* Watches the socket of a call that is in the main loop (HTTP thread). */
struct rest_watch {
    struct rest_watch *prev, *next;     /* In 'watches'. */
    struct event *ev;                   /* EV_CLOSED on the client socket. */
    struct api_call *call;
};

struct rest_server {
    struct api *api;            /* Executes calls (main thread). */
    char *path;                 /* Socket file. */
    struct event_base *base;
    struct evhttp *http;
    struct evhttp *metrics_http;    /* TCP /metrics listener, or NULL. */
    struct rest_conns *metrics_conns; /* Caps its connections. */
    struct event *done_ev;      /* Activated by rest_call_done(). */
    pthread_t thread;

    pthread_mutex_t mutex;      /* Protects 'done'. */
    struct api_call *done_head; /* Finished calls, to answer. */
    struct api_call **done_tail;

    /* HTTP thread only. */
    unsigned long long n_by_status[REST_MAX_STATUS - REST_MIN_STATUS + 1];
    struct rest_conns *conns;   /* Counts connections; evhttp's errors. */
    struct rest_watch watches;  /* List head. */
};

/* Sends 'json' (takes ownership; may be NULL for no body) with 'status'. */
static void
send_json(struct rest_server *server, struct evhttp_request *req, int status,
          json_t *json)
{
    if (status >= REST_MIN_STATUS && status <= REST_MAX_STATUS) {
        server->n_by_status[status - REST_MIN_STATUS]++;
    }
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
    evhttp_send_reply(req, status, rest_reason_phrase(status), body);
    evbuffer_free(body);
}

/* Returns the JSON body of an error (malloc'd). */
static char *
error_body(enum weft_err_kind kind, const char *detail)
{
    json_t *json = rest_error_json(kind, detail);
    char *s = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(json);
    return s;
}

static void
send_error(struct rest_server *server, struct evhttp_request *req,
           enum weft_err_kind kind, const char *detail)
{
    if (kind == WEFT_ERR_UNAUTHORIZED) {
        evhttp_add_header(evhttp_request_get_output_headers(req),
                          "WWW-Authenticate", "Bearer realm=\"weft\"");
    }
    send_json(server, req, rest_http_status(kind),
              rest_error_json(kind, detail));
}

/* rest_refusal_func: the JSON answer to a request that evhttp refused
 * itself (rest-conn.c). */
static void
answer_refusal(enum rest_refusal why, struct evbuffer *out, void *server_)
{
    struct rest_server *server = server_;
    enum weft_err_kind kind;
    char *detail;
    switch (why) {
    case REST_REFUSED_HEADER:
        kind = WEFT_ERR_TOO_LARGE;
        detail = plain_xasprintf("request line and header over %d bytes",
                                 REST_MAX_HEADERS);
        break;
    case REST_REFUSED_BODY:
        kind = WEFT_ERR_TOO_LARGE;
        detail = plain_xasprintf("request body over %d bytes",
                                 REST_HARD_MAX_BODY);
        break;
    case REST_REFUSED_METHOD:
        kind = WEFT_ERR_METHOD;
        detail = plain_xasprintf("unknown HTTP method");
        break;
    case REST_REFUSED_MALFORMED:
    default:
        kind = WEFT_ERR_INVALID;
        detail = plain_xasprintf("malformed HTTP request");
        break;
    }
    int status = rest_http_status(kind);
    server->n_by_status[status - REST_MIN_STATUS]++;
    char *body = error_body(kind, detail);
    evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n"
                        "Content-Type: application/json\r\n"
                        "Content-Length: %zu\r\n"
                        "Connection: close\r\n\r\n%s\n",
                        status, rest_reason_phrase(status), strlen(body) + 1,
                        body);
    free(body);
    free(detail);
}

/* ------------------------------------------------------------------------
 * Responses from the main loop. */

/* Answers /metrics: the main loop's part, then this thread's counters. */
static void
send_metrics(struct rest_server *server, struct evhttp_request *req,
             const char *text)
{
    /* Count this answer first, so that it is in its own body. */
    server->n_by_status[200 - REST_MIN_STATUS]++;
    struct evbuffer *body = evbuffer_new();
    evbuffer_add_printf(body, "%s", text ? text : "");
    evbuffer_add_printf(body,
                        "# HELP weft_api_requests_total REST API requests "
                        "answered, by HTTP status.\n"
                        "# TYPE weft_api_requests_total counter\n");
    for (int i = 0; i <= REST_MAX_STATUS - REST_MIN_STATUS; i++) {
        if (server->n_by_status[i]) {
            evbuffer_add_printf(body,
                                "weft_api_requests_total{code=\"%d\"} %llu\n",
                                i + REST_MIN_STATUS, server->n_by_status[i]);
        }
    }
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/plain; version=0.0.4");
    evhttp_send_reply(req, 200, "OK", body);
    evbuffer_free(body);
}

/* Answers the finished 'call'. */
static void
respond(struct rest_server *server, struct api_call *call)
{
    struct evhttp_request *req = call->http_req;
    if (call->error) {
        send_error(server, req, call->error->kind, call->error->message);
        return;
    }
    if (call->resource == API_METRICS) {
        send_metrics(server, req, call->text);
        return;
    }

    if (call->verb == API_WRITE) {
        char nb_cfg[32];
        snprintf(nb_cfg, sizeof nb_cfg, "%lld", call->nb_cfg);
        evhttp_add_header(evhttp_request_get_output_headers(req),
                          "X-Weft-Nb-Cfg", nb_cfg);
    }
    int status;
    json_t *body = rest_render_call(call, &status);
    send_json(server, req, status, body);
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

/* Stops watching the client of 'call'. */
static void
unwatch_client(struct api_call *call)
{
    struct rest_watch *w = call->watch;
    if (w) {
        w->prev->next = w->next;
        w->next->prev = w->prev;
        event_free(w->ev);
        free(w);
        call->watch = NULL;
    }
}

static void
on_client_gone(evutil_socket_t fd, short what, void *w_)
{
    struct rest_watch *w = w_;
    (void) fd;
    (void) what;
    api_call_set_client_gone(w->call);
}

/* Marks 'call' api_call_set_client_gone() if the client of 'req' closes its
 * connection before the answer.  evhttp does not read from the socket
 * meanwhile, so only an EV_CLOSED event (EPOLLRDHUP) sees it. */
static void
watch_client(struct rest_server *server, struct evhttp_request *req,
             struct api_call *call)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon)
                                    : NULL;
    int fd = bev ? bufferevent_getfd(bev) : -1;
    if (fd < 0 || !(event_base_get_features(server->base)
                    & EV_FEATURE_EARLY_CLOSE)) {
        return;                 /* The call's deadline still bounds it. */
    }
    struct rest_watch *w = calloc(1, sizeof *w);
    if (!w) {
        abort();
    }
    w->call = call;
    w->ev = event_new(server->base, fd, EV_CLOSED, on_client_gone, w);
    if (!w->ev || event_add(w->ev, NULL)) {
        if (w->ev) {
            event_free(w->ev);
        }
        free(w);
        return;
    }
    w->next = server->watches.next;
    w->prev = &server->watches;
    w->next->prev = w;
    server->watches.next = w;
    call->watch = w;
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
        unwatch_client(call);
        respond(server, call);
        api_call_destroy(call);
        call = next;
    }
}

/* ------------------------------------------------------------------------
 * Requests. */

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

static enum rest_method
rest_method_from_evhttp(enum evhttp_cmd_type method)
{
    switch (method) {
    case EVHTTP_REQ_GET: return REST_GET;
    case EVHTTP_REQ_POST: return REST_POST;
    case EVHTTP_REQ_DELETE: return REST_DELETE;
    case EVHTTP_REQ_PATCH: return REST_PATCH;
    default: return REST_OTHER;
    }
}

static void
handle_request(struct evhttp_request *req, void *server_)
{
    struct rest_server *server = server_;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    struct evbuffer *buf = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(buf);
    struct rest_input in = {
        .method = rest_method_from_evhttp(evhttp_request_get_command(req)),
        .path = evhttp_uri_get_path(uri),
        .query = evhttp_uri_get_query(uri),
        .authorization = evhttp_find_header(
            evhttp_request_get_input_headers(req), "Authorization"),
        .body = len ? (const char *) evbuffer_pullup(buf, -1) : NULL,
        .body_len = len,
        .admin = peer_is_admin(req),
    };
    struct rest_failure failure;
    struct api_call *call = rest_parse_request(&in, &failure);
    if (!call) {
        if (failure.allow) {
            evhttp_add_header(evhttp_request_get_output_headers(req),
                              "Allow", failure.allow);
        }
        send_error(server, req, failure.kind, failure.detail);
        free(failure.detail);
        return;
    }
    if (call->resource == API_VERSION) {
        /* Needs nothing from the main loop. */
        send_json(server, req, 200, json_pack("{s:s, s:s}",
                                              "version", WEFT_VERSION,
                                              "api", "v1"));
        api_call_destroy(call);
        return;
    }
    call->http_req = req;
    call->done = rest_call_done;
    call->aux = server;
    watch_client(server, req, call);
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
        *errorp = plain_xasprintf("%s: socket path too long", path);
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
            *errorp = plain_xasprintf("%s: another server is listening", path);
            return EADDRINUSE;
        }
    }

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *errorp = plain_xasprintf("socket: %s", strerror(errno));
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
        *errorp = plain_xasprintf("%s: %s", path, strerror(error));
        close(fd);
        return error;
    }
    *fdp = fd;
    return 0;
}

/* ------------------------------------------------------------------------
 * /metrics over TCP. */

/* rest_server_set_metrics_address(): IPv4 address and port, or none. */
static char metrics_ip[INET_ADDRSTRLEN];
static unsigned short metrics_port;

char *
rest_server_set_metrics_address(const char *ip_port)
{
    metrics_port = 0;
    if (!ip_port) {
        return NULL;
    }
    const char *colon = strrchr(ip_port, ':');
    char ip[INET_ADDRSTRLEN];
    struct in_addr addr;
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : 0;
    if (!colon || (size_t) (colon - ip_port) >= sizeof ip
        || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1)
        || *end || port < 1 || port > 65535) {
        return plain_xasprintf("\"%s\": expected IP:PORT (IPv4 address, "
                               "port 1-65535)", ip_port);
    }
    memcpy(ip, ip_port, colon - ip_port);
    ip[colon - ip_port] = '\0';
    if (inet_pton(AF_INET, ip, &addr) != 1) {
        return plain_xasprintf("\"%s\": expected IP:PORT (IPv4 address, "
                               "port 1-65535)", ip_port);
    }
    strcpy(metrics_ip, ip);
    metrics_port = port;
    return NULL;
}

/* HTTP thread: a request on the TCP listener. */
static void
handle_metrics_request(struct evhttp_request *req, void *server_)
{
    struct rest_server *server = server_;
    const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
    if (!path || strcmp(path, "/metrics")) {
        send_error(server, req, WEFT_ERR_NOT_FOUND,
                   "only /metrics is served on this address");
        return;
    }
    if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
        evhttp_add_header(evhttp_request_get_output_headers(req),
                          "Allow", "GET");
        send_error(server, req, WEFT_ERR_METHOD, "/metrics allows only GET");
        return;
    }
    /* As an admin: /metrics holds no tenant data, and no token is read. */
    struct api_call *call = api_call_create(API_GET, API_METRICS);
    call->admin = true;
    call->http_req = req;
    call->done = rest_call_done;
    call->aux = server;
    api_submit(server->api, call);
}

/* Binds the TCP /metrics listener, if one was asked for. */
static int
listen_metrics(struct rest_server *server, char **errorp)
{
    if (!metrics_port) {
        return 0;
    }
    server->metrics_http = evhttp_new(server->base);
    /* A scraper sends a small GET: bound what a peer can make us hold. */
    evhttp_set_allowed_methods(server->metrics_http, EVHTTP_REQ_GET
                               | EVHTTP_REQ_POST | EVHTTP_REQ_DELETE
                               | EVHTTP_REQ_PUT | EVHTTP_REQ_PATCH
                               | EVHTTP_REQ_HEAD);
    evhttp_set_max_headers_size(server->metrics_http, 8192);
    evhttp_set_max_body_size(server->metrics_http, 4096);
    evhttp_set_timeout(server->metrics_http, 10);
    evhttp_set_gencb(server->metrics_http, handle_metrics_request, server);
    struct evhttp_bound_socket *bound
        = evhttp_bind_socket_with_handle(server->metrics_http, metrics_ip,
                                         metrics_port);
    if (!bound) {
        int error = errno ? errno : EADDRNOTAVAIL;
        *errorp = plain_xasprintf("/metrics on %s:%u: %s", metrics_ip,
                                  metrics_port, strerror(error));
        return error;
    }
    /* Any TCP peer can connect here: like the API's socket, it may never
     * hold the file descriptors weftd needs for its hosts.  A scraper uses
     * one connection. */
    server->metrics_conns = rest_conns_create(
        server->metrics_http, evhttp_bound_socket_get_listener(bound),
        REST_METRICS_MAX_CONNECTIONS, 8192, answer_refusal, server);
    return 0;
}

int
rest_server_create(const char *path, struct api *api,
                   const struct rest_server_limits *limits,
                   struct rest_server **serverp, char **errorp)
{
    *serverp = NULL;
    *errorp = NULL;
    if (evthread_use_pthreads()) {
        *errorp = plain_xasprintf("libevent: no pthreads support");
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
    server->watches.next = server->watches.prev = &server->watches;
    server->base = event_base_new();
    server->http = evhttp_new(server->base);
    server->done_ev = event_new(server->base, -1, 0, on_done, server);
    /* Every method evhttp knows reaches handle_request(), which answers
     * the ones no route has with a JSON 405. */
    evhttp_set_allowed_methods(server->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST
                               | EVHTTP_REQ_DELETE | EVHTTP_REQ_PUT
                               | EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD
                               | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE
                               | EVHTTP_REQ_CONNECT);
    evhttp_set_max_body_size(server->http, REST_HARD_MAX_BODY);
    evhttp_set_max_headers_size(server->http, REST_MAX_HEADERS);
    if (limits->idle_timeout_ms > 0) {
        struct timeval tv = {
            .tv_sec = limits->idle_timeout_ms / 1000,
            .tv_usec = limits->idle_timeout_ms % 1000 * 1000,
        };
        evhttp_set_timeout_tv(server->http, &tv);
    }
    evhttp_set_gencb(server->http, handle_request, server);
    struct evhttp_bound_socket *bound
        = evhttp_accept_socket_with_handle(server->http, fd);
    if (!bound) {
        *errorp = plain_xasprintf("%s: evhttp cannot accept", path);
        close(fd);
        rest_server_destroy(server);
        return EINVAL;
    }
    server->conns = rest_conns_create(server->http,
                                      evhttp_bound_socket_get_listener(bound),
                                      limits->max_connections,
                                      REST_MAX_HEADERS, answer_refusal,
                                      server);

    error = listen_metrics(server, errorp);
    if (error) {
        rest_server_destroy(server);
        return error;
    }

    error = pthread_create(&server->thread, NULL, rest_thread, server);
    if (error) {
        *errorp = plain_xasprintf("pthread_create: %s", strerror(error));
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
    /* Calls still in the main loop are freed by api_destroy(): only their
     * watches go here. */
    while (server->watches.next != &server->watches) {
        struct rest_watch *w = server->watches.next;
        w->prev->next = w->next;
        w->next->prev = w->prev;
        event_free(w->ev);
        free(w);
    }
    rest_conns_destroy(server->conns);
    /* Frees every connection, with any request still waiting for the main
     * loop; their calls are freed by api_destroy() or below. */
    evhttp_free(server->http);
    if (server->metrics_http) {
        rest_conns_destroy(server->metrics_conns);
        evhttp_free(server->metrics_http);
    }
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
