/* rest-conn: the REST API's connections.  See rest-conn.h.
 *
 * A connection's life, as this module sees it:
 *
 *   evhttp accepts a socket
 *     -> on_new_bev() (evhttp_set_bevcb): makes its bufferevent, counts it,
 *        disables the listener at the cap, watches its buffers, and holds a
 *        reference to it; evhttp then builds its evhttp_connection around it
 *     -> run_fixups(), right after the accept callback returns: finds that
 *        evhttp_connection (the bufferevent's callback argument) and sets
 *        its closecb; if evhttp freed it meanwhile, the argument is NULL
 *   requests and answers; on_output() flags each answer as it starts, and
 *     run_fixups() replaces evhttp's own HTML error pages before they are
 *     written (the socket is written only on a later loop pass)
 *   evhttp frees the connection -> on_close(): uncounted, listener enabled.
 */
#define _GNU_SOURCE 1
#include "rest-conn.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

struct rest_conn {
    struct rest_conns *conns;
    struct rest_conn *prev, *next;      /* In 'conns->live' or 'adopting'. */
    struct bufferevent *bev;
    struct evhttp_connection *evcon;    /* NULL until adopted. */
    struct evbuffer_cb_entry *in_cb, *out_cb;
    size_t in_bytes;            /* Received since the last answer began. */
    bool check;                 /* An answer began: check it. */
};

struct rest_conns {
    struct evhttp *http;
    struct evconnlistener *listener;
    size_t max_conns;
    size_t max_headers;
    rest_refusal_func *refusal;
    void *aux;

    size_t n_conns;             /* Open, adopted or not. */
    bool disabled;              /* 'listener' is disabled (at the cap). */
    struct rest_conn adopting;  /* List head: accepted, not yet adopted. */
    struct rest_conn live;      /* List head: adopted. */
    struct event *fixup_ev;     /* Runs run_fixups(). */
};

static void
list_init(struct rest_conn *head)
{
    head->prev = head->next = head;
}

static void
list_push(struct rest_conn *head, struct rest_conn *conn)
{
    conn->prev = head->prev;
    conn->next = head;
    head->prev->next = conn;
    head->prev = conn;
}

static void
list_remove(struct rest_conn *conn)
{
    conn->prev->next = conn->next;
    conn->next->prev = conn->prev;
    conn->prev = conn->next = conn;
}

/* Counts bytes received: a refused request with more than 'max_headers' of
 * them was refused for its header's size. */
static void
on_input(struct evbuffer *buf, const struct evbuffer_cb_info *info,
         void *conn_)
{
    struct rest_conn *conn = conn_;
    (void) buf;
    conn->in_bytes += info->n_added;
}

/* Flags the start of each answer for run_fixups(). */
static void
on_output(struct evbuffer *buf, const struct evbuffer_cb_info *info,
          void *conn_)
{
    struct rest_conn *conn = conn_;
    (void) buf;
    if (info->orig_size == 0 && info->n_added > 0 && !conn->check) {
        conn->check = true;
        event_active(conn->conns->fixup_ev, EV_TIMEOUT, 0);
    }
}

/* Stops watching 'conn''s bufferevent and frees 'conn'. */
static void
conn_free(struct rest_conn *conn)
{
    evbuffer_remove_cb_entry(bufferevent_get_input(conn->bev), conn->in_cb);
    evbuffer_remove_cb_entry(bufferevent_get_output(conn->bev),
                             conn->out_cb);
    list_remove(conn);
    conn->conns->n_conns--;
    free(conn);
}

/* Enables the listener again once below the cap. */
static void
maybe_enable(struct rest_conns *conns)
{
    if (conns->disabled && conns->n_conns < conns->max_conns) {
        evconnlistener_enable(conns->listener);
        conns->disabled = false;
    }
}

static void
on_close(struct evhttp_connection *evcon, void *conn_)
{
    struct rest_conn *conn = conn_;
    struct rest_conns *conns = conn->conns;
    (void) evcon;
    conn_free(conn);
    maybe_enable(conns);
}

/* evhttp's bufferevent callback: see the top of this file. */
static struct bufferevent *
on_new_bev(struct event_base *base, void *conns_)
{
    struct rest_conns *conns = conns_;
    struct bufferevent *bev = bufferevent_socket_new(base, -1,
                                                     BEV_OPT_CLOSE_ON_FREE);
    if (!bev) {
        return NULL;            /* evhttp tries itself, and fails alike. */
    }
    struct rest_conn *conn = calloc(1, sizeof *conn);
    if (!conn) {
        abort();
    }
    conn->conns = conns;
    conn->bev = bev;
    conn->in_cb = evbuffer_add_cb(bufferevent_get_input(bev), on_input, conn);
    conn->out_cb = evbuffer_add_cb(bufferevent_get_output(bev), on_output,
                                   conn);
    bufferevent_incref(bev);    /* Until run_fixups() has looked at it. */
    list_push(&conns->adopting, conn);
    if (++conns->n_conns >= conns->max_conns && !conns->disabled) {
        /* Also ends the listener's accept loop at once. */
        evconnlistener_disable(conns->listener);
        conns->disabled = true;
    }
    event_active(conns->fixup_ev, EV_TIMEOUT, 0);
    return bev;
}

/* Returns evhttp's status of the answer at the start of 'out' if it is one
 * of evhttp's own HTML pages, else -1. */
static int
evhttp_page_status(struct evbuffer *out)
{
    struct evbuffer_ptr end = evbuffer_search(out, "\r\n\r\n", 4, NULL);
    if (end.pos < 0) {
        return -1;
    }
    size_t len = end.pos + 2;
    char *head = malloc(len + 1);
    if (!head) {
        abort();
    }
    evbuffer_copyout(out, head, len);
    head[len] = '\0';
    int status = -1;
    if (strcasestr(head, "\r\nContent-Type: text/html\r\n")
        && sscanf(head, "HTTP/%*d.%*d %d", &status) != 1) {
        status = 0;
    }
    free(head);
    return status;
}

/* Replaces evhttp's own error page in 'conn''s output, if that is what it
 * holds. */
static void
check_answer(struct rest_conn *conn)
{
    struct rest_conns *conns = conn->conns;
    struct evbuffer *out = bufferevent_get_output(conn->bev);
    int status = evhttp_page_status(out);
    size_t in_bytes = conn->in_bytes;
    /* Bytes already received belong to the next request. */
    conn->in_bytes = evbuffer_get_length(bufferevent_get_input(conn->bev));
    if (status < 0) {
        return;
    }

    /* evhttp answers 400 to a malformed request and to a header over the
     * limit alike, 413 to a body over the limit, and 501, or 0 when it
     * could not parse the method, to a method it does not serve. */
    enum rest_refusal why = (status == 413 ? REST_REFUSED_BODY
                             : status == 501 || status == 0
                             ? REST_REFUSED_METHOD
                             : in_bytes > conns->max_headers
                             ? REST_REFUSED_HEADER
                             : REST_REFUSED_MALFORMED);
    /* Drain and refill without flagging the refill as a new answer. */
    conn->check = true;
    evbuffer_drain(out, evbuffer_get_length(out));
    conns->refusal(why, out, conns->aux);
}

static void
run_fixups(evutil_socket_t fd, short what, void *conns_)
{
    struct rest_conns *conns = conns_;
    (void) fd;
    (void) what;

    while (conns->adopting.next != &conns->adopting) {
        struct rest_conn *conn = conns->adopting.next;
        struct bufferevent *bev = conn->bev;
        void *evcon = NULL;
        bufferevent_getcb(bev, NULL, NULL, NULL, &evcon);
        if (evcon) {
            list_remove(conn);
            list_push(&conns->live, conn);
            conn->evcon = evcon;
            evhttp_connection_set_closecb(evcon, on_close, conn);
        } else {
            /* evhttp gave up on it while setting it up. */
            conn_free(conn);
            maybe_enable(conns);
        }
        bufferevent_decref(bev);
    }

    for (struct rest_conn *conn = conns->live.next; conn != &conns->live;
         conn = conn->next) {
        if (conn->check) {
            check_answer(conn);
            conn->check = false;
        }
    }
}

struct rest_conns *
rest_conns_create(struct evhttp *http, struct evconnlistener *listener,
                  size_t max_conns, size_t max_headers,
                  rest_refusal_func *refusal, void *aux)
{
    struct rest_conns *conns = calloc(1, sizeof *conns);
    if (!conns) {
        abort();
    }
    conns->http = http;
    conns->listener = listener;
    conns->max_conns = max_conns ? max_conns : 1;
    conns->max_headers = max_headers;
    conns->refusal = refusal;
    conns->aux = aux;
    list_init(&conns->adopting);
    list_init(&conns->live);
    conns->fixup_ev = event_new(evconnlistener_get_base(listener), -1, 0,
                                run_fixups, conns);
    evhttp_set_bevcb(http, on_new_bev, conns);
    return conns;
}

void
rest_conns_destroy(struct rest_conns *conns)
{
    if (!conns) {
        return;
    }
    evhttp_set_bevcb(conns->http, NULL, NULL);
    while (conns->live.next != &conns->live) {
        struct rest_conn *conn = conns->live.next;
        evhttp_connection_set_closecb(conn->evcon, NULL, NULL);
        conn_free(conn);
    }
    while (conns->adopting.next != &conns->adopting) {
        struct rest_conn *conn = conns->adopting.next;
        struct bufferevent *bev = conn->bev;
        conn_free(conn);
        bufferevent_decref(bev);
    }
    event_free(conns->fixup_ev);
    free(conns);
}
