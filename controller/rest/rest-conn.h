/* rest-conn: the REST API's connections, for rest-server.c: how many may be
 * open at once, and the JSON answers to requests that evhttp refuses itself.
 *
 * libevent 2.1's evhttp has no per-connection hook (2.2's newreqcb and
 * errorcb do not exist yet), so this module works with what 2.1 has:
 *
 *   - a cap: every connection is counted from the moment evhttp accepts it
 *     (evhttp_set_bevcb()) until evhttp frees it (the connection's closecb).
 *     At the cap the listener is disabled: further clients wait in the
 *     socket's listen backlog, using none of weftd's file descriptors, and
 *     are accepted as others close (idle ones after the idle timeout);
 *   - JSON errors: evhttp answers a malformed request, a header over
 *     evhttp_set_max_headers_size(), a body over evhttp_set_max_body_size()
 *     or an unknown method with an HTML page of its own.  Such a page is
 *     recognized in the connection's output buffer (its "Content-Type:
 *     text/html"; the API's own answers are all JSON or text/plain) before
 *     it is written, and replaced by the caller's JSON answer.
 *
 * HTTP thread only, except rest_conns_destroy() (after the thread ended). */
#ifndef WEFT_REST_CONN_H
#define WEFT_REST_CONN_H 1

#include <stddef.h>

struct evbuffer;
struct evconnlistener;
struct evhttp;
struct rest_conns;

/* Why evhttp refused a request. */
enum rest_refusal {
    REST_REFUSED_MALFORMED,     /* Malformed request line or header. */
    REST_REFUSED_HEADER,        /* Header over the limit. */
    REST_REFUSED_BODY,          /* Body over evhttp's limit. */
    REST_REFUSED_METHOD,        /* A method evhttp does not know. */
};

/* Appends to 'out' a complete HTTP/1.1 answer, with "Connection: close", to
 * a request refused by evhttp for 'why'. */
typedef void rest_refusal_func(enum rest_refusal why, struct evbuffer *out,
                               void *aux);

/* Starts counting the connections of 'http', which accepts on 'listener',
 * and keeps at most 'max_conns' open.  'max_headers' is the limit given to
 * evhttp_set_max_headers_size(). */
struct rest_conns *rest_conns_create(struct evhttp *http,
                                     struct evconnlistener *listener,
                                     size_t max_conns, size_t max_headers,
                                     rest_refusal_func *, void *aux);

/* Stops tracking; call before evhttp_free() frees the connections. */
void rest_conns_destroy(struct rest_conns *);

#endif /* controller/rest/rest-conn.h */
