/* rest-parse: turns one HTTP request of weftd's REST API into a checked
 * 'struct api_call', without sockets or libevent's event loop.
 *
 * rest-server.c calls rest_parse_request() in its HTTP thread for every
 * request; tests/fuzz/fuzz-rest.c calls it with arbitrary input.  It routes
 * with the API's one route table (routes.h).
 *
 * jansson side: includes no OVS headers.  Thread-safe (no shared state). */
#ifndef WEFT_REST_PARSE_H
#define WEFT_REST_PARSE_H 1

#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "routes.h"

/* Largest request body accepted; larger gets 413. */
#define REST_MAX_BODY (64 * 1024)

/* ?wait=installed: default and maximum ?timeout=, in seconds. */
#define REST_WAIT_TIMEOUT_DEFAULT 30
#define REST_WAIT_TIMEOUT_MAX 3600

/* One request, as the HTTP layer received it.  All strings may be NULL. */
struct rest_input {
    enum rest_method method;
    const char *path;           /* Decoded URI path, without the query. */
    const char *query;          /* Query string, without '?'. */
    const char *authorization;  /* "Authorization" header.  If present, the
                                 * caller is that token's tenant, whatever
                                 * 'admin' says. */
    const char *body;           /* Not NUL-terminated. */
    size_t body_len;
    bool admin;                 /* Peer is root or weftd's user. */
};

/* The result of parsing a request that fails: what to answer. */
struct rest_failure {
    enum weft_err_kind kind;
    char *detail;               /* Malloc'd. */
    const char *allow;          /* For 405: the "Allow" header, static. */
};

/* Parses 'in'.  On success returns a new call (the caller owns it; the
 * caller still fills 'http_req', 'done' and 'aux').  On failure returns NULL
 * and fills '*failure' (the caller frees 'failure->detail').  For a new
 * tenant, or a token rotation, generates the token ('call->token') and
 * stores its hash in the request. */
struct api_call *rest_parse_request(const struct rest_input *in,
                                    struct rest_failure *failure);

#endif /* controller/rest/rest-parse.h */
