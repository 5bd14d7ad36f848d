/* routes: the REST API's one route table, first step of a request's way
 * (request -> desired state -> compile -> push): which resource a path names
 * and which methods it has.
 *
 * rest-parse.c routes every request with rest_route_find();
 * tests/unit/test-openapi.c compares the table with docs/openapi.json, so
 * the two cannot drift apart.
 *
 * jansson side: includes no OVS headers.  Thread-safe (constant data). */
#ifndef WEFT_ROUTES_H
#define WEFT_ROUTES_H 1

#include <stdbool.h>
#include <stddef.h>

#include "api.h"

enum rest_method {
    REST_GET = 1 << 0,
    REST_POST = 1 << 1,
    REST_DELETE = 1 << 2,
    REST_OTHER = 1 << 3,        /* PUT, HEAD...: always 405. */
    REST_PATCH = 1 << 4,
};

/* One resource of the API.  '*' in 'pattern' matches one name; in a pattern
 * with four, the last two are one name joined by '/' (a route's prefix,
 * "A.B.C.D/LEN", a port mapping's "PROTO/HOST_PORT"), so that a route has at
 * most 3 names. */
struct rest_route {
    const char *pattern;
    enum api_resource resource;
    unsigned int methods;       /* Bitmap of 'enum rest_method'. */
    enum api_verb get;          /* What GET means: API_LIST or API_GET. */
    int post_op;                /* 'enum weft_op' of POST or PATCH (no
                                 * route has both), or -1. */
    int delete_op;              /* 'enum weft_op' of DELETE, or -1. */
    const char *allow;          /* "Allow" header for a 405. */
};

/* Returns the route that 'path' matches, storing malloc'd copies of the
 * names its '*'s matched in 'names' (at most 3, see above) and their count
 * in '*n_names'; or NULL (then 'names' is untouched) if none does. */
const struct rest_route *rest_route_find(const char *path, char *names[3],
                                         size_t *n_names);

/* The route table, for tests: route 'i' (0 <= i < rest_route_count()) as
 * its pattern ('*' for a name) and a bitmap of 'enum rest_method'. */
size_t rest_route_count(void);
const char *rest_route_pattern(size_t i);
unsigned int rest_route_methods(size_t i);

#endif /* controller/rest/routes.h */
