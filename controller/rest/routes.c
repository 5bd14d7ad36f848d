/* routes: the REST API's route table and path matching.  See routes.h. */
#define _GNU_SOURCE 1           /* strndup() */
#include "routes.h"

#include <stdlib.h>
#include <string.h>

/* Every resource of the API, once.  docs/openapi.json describes the same
 * routes (tests/unit/test-openapi.c checks that they agree). */
#define GET_POST (REST_GET | REST_POST)
#define GET_DELETE (REST_GET | REST_DELETE)
#define GET_DELETE_PATCH (REST_GET | REST_DELETE | REST_PATCH)

static const struct rest_route routes[] = {
    { "/v1/version", API_VERSION, REST_GET, API_GET, -1, -1, "GET" },
    { "/v1/status", API_STATUS, REST_GET, API_LIST, -1, -1, "GET" },
    { "/v1/hosts", API_HOSTS, GET_POST, API_LIST, WEFT_OP_HOST_ADD, -1,
      "GET, POST" },
    { "/v1/hosts/*", API_HOSTS, GET_DELETE_PATCH, API_GET, WEFT_OP_HOST_SET,
      WEFT_OP_HOST_DEL, "GET, DELETE, PATCH" },
    { "/v1/pools", API_POOLS, GET_POST, API_LIST, WEFT_OP_POOL_ADD, -1,
      "GET, POST" },
    { "/v1/pools/*", API_POOLS, GET_DELETE, API_GET, -1, WEFT_OP_POOL_DEL,
      "GET, DELETE" },
    { "/v1/tenants", API_TENANTS, GET_POST, API_LIST, WEFT_OP_TENANT_ADD, -1,
      "GET, POST" },
    { "/v1/tenants/*", API_TENANTS, GET_DELETE, API_GET, -1,
      WEFT_OP_TENANT_DEL, "GET, DELETE" },
    { "/v1/tenants/*/token", API_TENANTS, REST_POST, API_GET,
      WEFT_OP_TENANT_TOKEN, -1, "POST" },
    { "/v1/tenants/*/quota", API_QUOTA, REST_GET | REST_PATCH, API_GET,
      WEFT_OP_TENANT_SET, -1, "GET, PATCH" },
    { "/v1/tenants/*/networks", API_NETWORKS, GET_POST, API_LIST,
      WEFT_OP_NET_ADD, -1, "GET, POST" },
    { "/v1/tenants/*/networks/*", API_NETWORKS, GET_DELETE, API_GET, -1,
      WEFT_OP_NET_DEL, "GET, DELETE" },
    { "/v1/tenants/*/networks/*/flows", API_FLOWS, REST_GET, API_GET, -1, -1,
      "GET" },
    { "/v1/tenants/*/networks/*/ports", API_PORTS, GET_POST, API_LIST,
      WEFT_OP_PORT_ADD, -1, "GET, POST" },
    { "/v1/tenants/*/networks/*/ports/*", API_PORTS, GET_DELETE, API_GET, -1,
      WEFT_OP_PORT_DEL, "GET, DELETE" },
    { "/v1/tenants/*/routers", API_ROUTERS, GET_POST, API_LIST,
      WEFT_OP_ROUTER_ADD, -1, "GET, POST" },
    { "/v1/tenants/*/routers/*", API_ROUTERS, GET_DELETE_PATCH, API_GET,
      WEFT_OP_ROUTER_SET, WEFT_OP_ROUTER_DEL, "GET, DELETE, PATCH" },
    { "/v1/tenants/*/routers/*/networks", API_ROUTERS, REST_POST, API_GET,
      WEFT_OP_ROUTER_ATTACH, -1, "POST" },
    { "/v1/tenants/*/routers/*/networks/*", API_ROUTERS, REST_DELETE,
      API_GET, -1, WEFT_OP_ROUTER_DETACH, "DELETE" },
    { "/v1/tenants/*/routers/*/routes", API_ROUTERS, REST_POST, API_GET,
      WEFT_OP_ROUTE_ADD, -1, "POST" },
    /* The prefix as written, "A.B.C.D/LEN": two segments, one name. */
    { "/v1/tenants/*/routers/*/routes/*/*", API_ROUTERS, REST_DELETE,
      API_GET, -1, WEFT_OP_ROUTE_DEL, "DELETE" },
    { "/v1/tenants/*/floating-ips", API_FIPS, GET_POST, API_LIST,
      WEFT_OP_FIP_ADD, -1, "GET, POST" },
    { "/v1/tenants/*/floating-ips/*", API_FIPS, GET_DELETE_PATCH, API_GET,
      WEFT_OP_FIP_SET, WEFT_OP_FIP_DEL, "GET, DELETE, PATCH" },
    { "/v1/tenants/*/port-mappings", API_MAPPINGS, GET_POST, API_LIST,
      WEFT_OP_MAP_ADD, -1, "GET, POST" },
    /* Host, protocol and host port: the last two one name, "tcp/8080". */
    { "/v1/tenants/*/port-mappings/*/*/*", API_MAPPINGS, REST_DELETE,
      API_GET, -1, WEFT_OP_MAP_DEL, "DELETE" },
    { "/v1/tenants/*/services", API_SERVICES, GET_POST, API_LIST,
      WEFT_OP_SERVICE_ADD, -1, "GET, POST" },
    { "/v1/tenants/*/services/*", API_SERVICES, GET_DELETE_PATCH, API_GET,
      WEFT_OP_SERVICE_SET, WEFT_OP_SERVICE_DEL, "GET, DELETE, PATCH" },
    { "/v1/tenants/*/services/*/stats", API_SERVICE_STATS, REST_GET,
      API_GET, -1, -1, "GET" },
    { "/v1/tenants/*/services/*/backends", API_SERVICES, REST_POST, API_GET,
      WEFT_OP_BACKEND_ADD, -1, "POST" },
    /* A backend: its network and port, one name "NET/PORT". */
    { "/v1/tenants/*/services/*/backends/*/*", API_SERVICES,
      REST_DELETE | REST_PATCH, API_GET, WEFT_OP_BACKEND_SET,
      WEFT_OP_BACKEND_DEL, "DELETE, PATCH" },
    { "/v1/tenants/*/security-groups", API_SGS, GET_POST, API_LIST,
      WEFT_OP_SG_ADD, -1, "GET, POST" },
    { "/v1/tenants/*/security-groups/*", API_SGS, GET_DELETE, API_GET, -1,
      WEFT_OP_SG_DEL, "GET, DELETE" },
    { "/v1/tenants/*/security-groups/*/stats", API_SG_STATS, REST_GET,
      API_GET, -1, -1, "GET" },
    { "/v1/tenants/*/security-groups/*/rules", API_SGS, REST_POST, API_GET,
      WEFT_OP_SG_RULE_ADD, -1, "POST" },
    { "/v1/tenants/*/security-groups/*/rules/*", API_SGS, REST_DELETE,
      API_GET, -1, WEFT_OP_SG_RULE_DEL, "DELETE" },
    { "/v1/tenants/*/security-groups/*/members", API_SGS, REST_POST,
      API_GET, WEFT_OP_SG_MEMBER_ADD, -1, "POST" },
    /* A member: its network and port, one name "NET/PORT". */
    { "/v1/tenants/*/security-groups/*/members/*/*", API_SGS, REST_DELETE,
      API_GET, -1, WEFT_OP_SG_MEMBER_DEL, "DELETE" },
    { "/metrics", API_METRICS, REST_GET, API_GET, -1, -1, "GET" },
};

#define N_ROUTES (sizeof routes / sizeof *routes)

size_t
rest_route_count(void)
{
    return N_ROUTES;
}

const char *
rest_route_pattern(size_t i)
{
    return i < N_ROUTES ? routes[i].pattern : NULL;
}

unsigned int
rest_route_methods(size_t i)
{
    return i < N_ROUTES ? routes[i].methods : 0;
}

/* Matches 'path' against 'route''s pattern, storing malloc'd copies of the
 * names matched by '*' (at most 3, after joining the last two of four, see
 * routes.h) in 'names' and their count in '*n_names'. */
static bool
match_route(const struct rest_route *route, const char *path,
            char *names[3], size_t *n_names)
{
    char *found[4] = { NULL, NULL, NULL, NULL };
    size_t n = 0;
    const char *p = route->pattern, *s = path;
    while (*p) {
        if (*p == '*') {
            size_t len = strcspn(s, "/");
            if (!len || n >= 4) {
                goto mismatch;
            }
            found[n++] = strndup(s, len);
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
    if (n == 4) {
        char *joined = malloc(strlen(found[n - 2]) + strlen(found[n - 1])
                              + 2);
        if (!joined) {
            abort();
        }
        strcpy(joined, found[n - 2]);
        strcat(joined, "/");
        strcat(joined, found[n - 1]);
        free(found[n - 2]);
        free(found[n - 1]);
        found[n - 2] = joined;
        found[--n] = NULL;
    }
    for (size_t i = 0; i < n; i++) {
        names[i] = found[i];
    }
    *n_names = n;
    return true;

mismatch:
    for (size_t i = 0; i < n; i++) {
        free(found[i]);
    }
    return false;
}

const struct rest_route *
rest_route_find(const char *path, char *names[3], size_t *n_names)
{
    for (size_t i = 0; i < N_ROUTES; i++) {
        if (match_route(&routes[i], path, names, n_names)) {
            return &routes[i];
        }
    }
    return NULL;
}
