/* rest-parse: one HTTP request to a checked 'struct api_call'.  See
 * rest-parse.h.
 *
 *   1. route the path with rest_route_find() (routes.c: 404 if none, 405
 *      for a method the route does not have);
 *   2. hash the bearer token, if any (SHA-256; the main loop matches it
 *      against Tenant.token_hash).  A request with a token acts as that
 *      token's tenant even if its peer is root: a script that sends a
 *      tenant's token gets that tenant's view, never everyone's;
 *   3. parse the query string (?wait=installed[&timeout=SECONDS]);
 *   4. for POST, PATCH and DELETE, parse the JSON body (if any) (413 over
 *      REST_MAX_BODY, 400 if malformed) into a 'struct weft_request' and
 *      check it with weft_request_check(), the same step 1 weftctl runs
 *      (400). */
#define _GNU_SOURCE 1
#include "rest-parse.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "plain-util.h"
#include "token-hash.h"

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
            return plain_xasprintf("unknown member \"%s\"", key);
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
        return required ? plain_xasprintf("member \"%s\" is required", name) : NULL;
    }
    if (!json_is_string(value)) {
        return plain_xasprintf("member \"%s\" must be a string", name);
    }
    if (strlen(json_string_value(value)) != json_string_length(value)) {
        return plain_xasprintf("member \"%s\" must not contain NUL", name);
    }
    *dst = plain_xstrdup(json_string_value(value));
    return NULL;
}

/* Stores integer member 'name' of 'obj' in '*dst' as decimal text, so that
 * weft_request_check() checks its range with weftctl's messages. */
static char *
get_integer(json_t *obj, const char *name, bool required, char **dst)
{
    json_t *value = json_object_get(obj, name);
    if (!value || json_is_null(value)) {
        return required ? plain_xasprintf("member \"%s\" is required", name) : NULL;
    }
    if (!json_is_integer(value)) {
        return plain_xasprintf("member \"%s\" must be an integer", name);
    }
    json_int_t i = json_integer_value(value);
    if (i < 0) {
        return plain_xasprintf("member \"%s\" must not be negative", name);
    }
    *dst = plain_xasprintf("%" JSON_INTEGER_FORMAT, i);
    return NULL;
}

/* Stores boolean member 'name' of 'obj', if present and not null, in
 * '*dst' as "true" or "false", the request's text. */
static char *
get_boolean(json_t *obj, const char *name, char **dst)
{
    json_t *value = json_object_get(obj, name);
    if (!value || json_is_null(value)) {
        return NULL;
    }
    if (!json_is_boolean(value)) {
        return plain_xasprintf("member \"%s\" must be true or false", name);
    }
    *dst = plain_xstrdup(json_is_true(value) ? "true" : "false");
    return NULL;
}

/* Member "external" of a host's POST or PATCH 'body': an object {"iface",
 * "ip", "gateway"} (all three required), or null, which on a PATCH
 * (HOST_SET) removes the host's external side. */
static char *
parse_external(json_t *body, struct weft_request *r)
{
    static const char *const members[] = { "iface", "ip", "gateway", NULL };
    json_t *ext = json_object_get(body, "external");
    if (!ext) {
        return NULL;
    }
    if (json_is_null(ext)) {
        if (r->op == WEFT_OP_HOST_SET) {
            r->external_iface = plain_xstrdup("");
        }
        return NULL;
    }
    if (!json_is_object(ext)) {
        return plain_xasprintf("member \"external\" must be an object "
                               "{\"iface\", \"ip\", \"gateway\"} or null");
    }
    char *error = check_members(ext, members);
    error = error ? error : get_string(ext, "iface", true,
                                       &r->external_iface);
    error = error ? error : get_string(ext, "ip", true, &r->external_ip);
    error = error ? error : get_string(ext, "gateway", true,
                                       &r->external_gateway);
    if (error) {
        char *full = plain_xasprintf("external: %s", error);
        free(error);
        error = full;
    }
    return error;
}

/* Fills 'r' from the JSON object 'body' for the ops of the ways in and out
 * whose objects have no name of their own: FIP_ADD (POST of a floating IP),
 * MAP_ADD (POST of a port mapping: its port into the path), and the PATCHes
 * HOST_SET, ROUTER_SET and FIP_SET. */
static char *
parse_nat_body(json_t *body, struct weft_request *r)
{
    static const char *const host_set[] = { "external", NULL };
    static const char *const router_set[] = { "snat", NULL };
    static const char *const fip_add[] = {
        "pool", "ip", "network", "port", NULL,
    };
    static const char *const fip_set[] = { "network", "port", NULL };
    static const char *const map_add[] = {
        "network", "port", "proto", "host_port", "to_port", NULL,
    };
    char *error = NULL;
    switch (r->op) {
    case WEFT_OP_HOST_SET:
        error = check_members(body, host_set);
        return error ? error : parse_external(body, r);
    case WEFT_OP_ROUTER_SET:
        error = check_members(body, router_set);
        return error ? error : get_boolean(body, "snat", &r->snat);
    case WEFT_OP_FIP_ADD:
    case WEFT_OP_FIP_SET:
        error = check_members(body, r->op == WEFT_OP_FIP_ADD
                              ? fip_add : fip_set);
        if (!error && r->op == WEFT_OP_FIP_ADD) {
            error = get_string(body, "pool", true, &r->pool);
            error = error ? error : get_string(body, "ip", false, &r->fip);
        } else if (!error && !json_object_get(body, "port")) {
            error = plain_xasprintf("member \"port\" is required (null "
                                    "unassigns the floating IP)");
        }
        error = error ? error : get_string(body, "network", false,
                                           &r->network);
        error = error ? error : get_string(body, "port", false,
                                           &r->port_name);
        if (!error && !r->network != !r->port_name) {
            error = plain_xasprintf("members \"network\" and \"port\" "
                                    "go together: the port the floating IP "
                                    "is assigned to");
        }
        return error;
    case WEFT_OP_MAP_ADD:
        error = check_members(body, map_add);
        error = error ? error : get_string(body, "network", true,
                                           &r->path[1]);
        error = error ? error : get_string(body, "port", true, &r->path[2]);
        error = error ? error : get_string(body, "proto", true, &r->proto);
        error = error ? error : get_integer(body, "host_port", true,
                                            &r->host_port);
        error = error ? error : get_integer(body, "to_port", true,
                                            &r->to_port);
        return error;
    default:
        abort();
    }
}

/* Fills 'r' (ROUTER_ATTACH, ROUTE_ADD: the router is named by the path)
 * from the JSON object 'body'. */
static char *
parse_router_body(json_t *body, struct weft_request *r)
{
    static const char *const attach_members[] = { "network", "mac", NULL };
    static const char *const route_members[] = { "prefix", "nexthop", NULL };
    char *error;
    if (r->op == WEFT_OP_ROUTER_ATTACH) {
        error = check_members(body, attach_members);
        error = error ? error : get_string(body, "network", true,
                                           &r->network);
        error = error ? error : get_string(body, "mac", false, &r->mac);
    } else {
        error = check_members(body, route_members);
        error = error ? error : get_string(body, "prefix", true, &r->prefix);
        error = error ? error : get_string(body, "nexthop", true,
                                           &r->nexthop);
    }
    return error;
}

/* Fills 'r' from the JSON object 'body' for the services' ops (the
 * service and, for a backend's PATCH, the backend are named by the path):
 * SERVICE_ADD {"name", "router", "vip", "port", "proto"?, "node_port"?},
 * SERVICE_SET {"node_port": N|null}, BACKEND_ADD {"network", "port",
 * "to_port"?, "weight"?, "down"?}, BACKEND_SET {"to_port"?, "weight"?,
 * "down"?}. */
static char *
parse_service_body(json_t *body, struct weft_request *r)
{
    static const char *const service_add[] = {
        "name", "router", "vip", "port", "proto", "node_port", NULL,
    };
    static const char *const service_set[] = { "node_port", NULL };
    static const char *const backend_add[] = {
        "network", "port", "to_port", "weight", "down", NULL,
    };
    static const char *const backend_set[] = {
        "to_port", "weight", "down", NULL,
    };
    char *error = NULL;
    switch (r->op) {
    case WEFT_OP_SERVICE_ADD:
        error = check_members(body, service_add);
        error = error ? error : get_string(body, "name", true, &r->path[1]);
        error = error ? error : get_string(body, "router", true, &r->router);
        error = error ? error : get_string(body, "vip", true, &r->vip);
        error = error ? error : get_integer(body, "port", true,
                                            &r->svc_port);
        error = error ? error : get_string(body, "proto", false, &r->proto);
        error = error ? error : get_integer(body, "node_port", false,
                                            &r->node_port);
        return error;
    case WEFT_OP_SERVICE_SET:
        error = check_members(body, service_set);
        if (!error && !json_object_get(body, "node_port")) {
            error = plain_xasprintf("member \"node_port\" is required (null "
                                    "removes the node port)");
        }
        error = error ? error : get_integer(body, "node_port", false,
                                            &r->node_port);
        if (!error && !r->node_port) {
            r->node_port = plain_xstrdup("");
        }
        return error;
    case WEFT_OP_BACKEND_ADD:
    case WEFT_OP_BACKEND_SET:
        error = check_members(body, r->op == WEFT_OP_BACKEND_ADD
                              ? backend_add : backend_set);
        if (!error && r->op == WEFT_OP_BACKEND_ADD) {
            error = get_string(body, "network", true, &r->network);
            error = error ? error : get_string(body, "port", true,
                                               &r->port_name);
        }
        error = error ? error : get_integer(body, "to_port", false,
                                            &r->to_port);
        error = error ? error : get_integer(body, "weight", false,
                                            &r->weight);
        error = error ? error : get_boolean(body, "down", &r->down);
        return error;
    default:
        abort();
    }
}

/* Fills 'r' from the JSON object 'body' for a security group's rule or
 * member (the group is named by the path): SG_RULE_ADD {"direction",
 * "proto"?, "ports"?, "remote_cidr"?, "remote_group"?} ("ports" "80" or
 * "8000-8080", or an integer), SG_MEMBER_ADD {"network", "port"}. */
static char *
parse_sg_body(json_t *body, struct weft_request *r)
{
    static const char *const rule_add[] = {
        "direction", "proto", "ports", "remote_cidr", "remote_group", NULL,
    };
    static const char *const member_add[] = { "network", "port", NULL };
    char *error;
    if (r->op == WEFT_OP_SG_MEMBER_ADD) {
        error = check_members(body, member_add);
        error = error ? error : get_string(body, "network", true,
                                           &r->network);
        error = error ? error : get_string(body, "port", true,
                                           &r->port_name);
        return error;
    }
    error = check_members(body, rule_add);
    error = error ? error : get_string(body, "direction", true,
                                       &r->direction);
    error = error ? error : get_string(body, "proto", false, &r->proto);
    if (!error && json_is_integer(json_object_get(body, "ports"))) {
        error = get_integer(body, "ports", false, &r->ports);
    } else if (!error) {
        error = get_string(body, "ports", false, &r->ports);
    }
    error = error ? error : get_string(body, "remote_cidr", false,
                                       &r->remote_cidr);
    error = error ? error : get_string(body, "remote_group", false,
                                       &r->remote_group);
    return error;
}

/* Fills 'r' (a *_ADD request, or a PATCH) from the JSON object 'body'. */
static char *
parse_create_body(json_t *body, struct weft_request *r)
{
    if (r->op == WEFT_OP_SERVICE_ADD || r->op == WEFT_OP_SERVICE_SET
        || r->op == WEFT_OP_BACKEND_ADD || r->op == WEFT_OP_BACKEND_SET) {
        return parse_service_body(body, r);
    }
    if (r->op == WEFT_OP_ROUTER_ATTACH || r->op == WEFT_OP_ROUTE_ADD) {
        return parse_router_body(body, r);
    }
    if (r->op == WEFT_OP_SG_RULE_ADD || r->op == WEFT_OP_SG_MEMBER_ADD) {
        return parse_sg_body(body, r);
    }
    if (r->op == WEFT_OP_HOST_SET || r->op == WEFT_OP_ROUTER_SET
        || r->op == WEFT_OP_FIP_ADD || r->op == WEFT_OP_FIP_SET
        || r->op == WEFT_OP_MAP_ADD) {
        return parse_nat_body(body, r);
    }
    static const char *const host_members[] = {
        "name", "ovsdb_remote", "openflow_remote", "tunnel_ip",
        "datapath_type", "uplink", "external", NULL,
    };
    static const char *const tenant_members[] = { "name", NULL };
    static const char *const network_members[] = {
        "name", "type", "segment_id", "mtu", "cidr", "gateway", NULL,
    };
    static const char *const router_members[] = { "name", "snat", NULL };
    static const char *const pool_members[] = { "name", "cidr", NULL };
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
        error = error ? error : parse_external(body, r);
        break;
    case WEFT_OP_TENANT_ADD:
    case WEFT_OP_SG_ADD:        /* {"name"} too. */
        error = error ? error : check_members(body, tenant_members);
        break;
    case WEFT_OP_NET_ADD:
        error = error ? error : check_members(body, network_members);
        error = error ? error : get_string(body, "type", true, &r->type);
        error = error ? error : get_integer(body, "segment_id", true,
                                            &r->segment);
        error = error ? error : get_integer(body, "mtu", false, &r->mtu);
        error = error ? error : get_string(body, "cidr", false, &r->cidr);
        error = error ? error : get_string(body, "gateway", false,
                                           &r->gateway);
        break;
    case WEFT_OP_ROUTER_ADD:
        error = error ? error : check_members(body, router_members);
        error = error ? error : get_boolean(body, "snat", &r->snat);
        break;
    case WEFT_OP_POOL_ADD:
        error = error ? error : check_members(body, pool_members);
        error = error ? error : get_string(body, "cidr", true, &r->cidr);
        break;
    case WEFT_OP_PORT_ADD: {
        error = error ? error : check_members(body, port_members);
        error = error ? error : get_string(body, "host", true, &r->host);
        error = error ? error : get_string(body, "iface", true, &r->iface);
        error = error ? error : get_string(body, "mac", true, &r->mac);
        json_t *ips = json_object_get(body, "ips");
        if (!error && ips && !json_is_null(ips)) {
            if (!json_is_array(ips)) {
                return plain_xasprintf("member \"ips\" must be an array of strings");
            }
            size_t i;
            json_t *ip;
            json_array_foreach (ips, i, ip) {
                if (!json_is_string(ip)) {
                    return plain_xasprintf("member \"ips\" must be an array of "
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

/* Fills 'r' (TENANT_SET) from the JSON merge patch 'body' (RFC 7396):
 * each member names a quota and gives its new limit, or null for the
 * default again; quotas not named keep theirs.  weft_request_check() checks
 * the names and the ranges, with weftctl's messages. */
static char *
parse_quota_body(json_t *body, struct weft_request *r)
{
    const char *key;
    json_t *value;
    json_object_foreach (body, key, value) {
        if (json_is_null(value)) {
            weft_request_add_quota(r, key, NULL);
            continue;
        }
        char *text = NULL;
        char *error = get_integer(body, key, true, &text);
        if (error) {
            return error;
        }
        weft_request_add_quota(r, key, text);
        free(text);
    }
    return NULL;
}

/* Generates a new tenant token (256 random bits, in 64 hex digits) into
 * 'token'. */
static bool
new_token(char token[TOKEN_HASH_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t random[TOKEN_HASH_HEX_LEN / 2];
    if (getrandom(random, sizeof random, 0) != sizeof random) {
        return false;
    }
    for (size_t i = 0; i < sizeof random; i++) {
        token[2 * i] = digits[random[i] >> 4];
        token[2 * i + 1] = digits[random[i] & 15];
    }
    token[TOKEN_HASH_HEX_LEN] = '\0';
    return true;
}

/* Builds the write request 'op' of a POST or DELETE into 'call'.  Returns
 * NULL or an error (and its kind in '*kindp'). */
static char *
parse_write(const struct rest_input *in, struct api_call *call,
            enum weft_op op, bool create, enum weft_err_kind *kindp)
{
    weft_request_init(&call->req, op);
    /* A port mapping's path names its host, not its port. */
    size_t n_path = op == WEFT_OP_MAP_DEL ? 1 : weft_op_path_len(op);
    for (size_t i = 0; i < call->n_path && i < n_path; i++) {
        call->req.path[i] = plain_xstrdup(call->path[i]);
    }
    /* The object under a router, the floating IP or the port mapping that
     * the path names. */
    if (op == WEFT_OP_ROUTER_DETACH && call->n_path == 3) {
        call->req.network = plain_xstrdup(call->path[2]);
    } else if (op == WEFT_OP_ROUTE_DEL && call->n_path == 3) {
        call->req.prefix = plain_xstrdup(call->path[2]);
    } else if ((op == WEFT_OP_FIP_DEL || op == WEFT_OP_FIP_SET)
               && call->n_path == 2) {
        call->req.fip = plain_xstrdup(call->path[1]);
    } else if (op == WEFT_OP_MAP_DEL && call->n_path == 3) {
        /* The port: executor.c finds it from the host, call->path[1]. */
        const char *slash = strchr(call->path[2], '/');
        call->req.proto = plain_xasprintf("%.*s", (int) (slash - call->path[2]),
                                          call->path[2]);
        call->req.host_port = plain_xstrdup(slash + 1);
    } else if (op == WEFT_OP_SG_RULE_DEL && call->n_path == 3) {
        call->req.rule_id = plain_xstrdup(call->path[2]);
    } else if ((op == WEFT_OP_BACKEND_DEL || op == WEFT_OP_BACKEND_SET
                || op == WEFT_OP_SG_MEMBER_DEL) && call->n_path == 3) {
        /* The backend or member, "NET/PORT" (routes.c joined them). */
        const char *slash = strchr(call->path[2], '/');
        call->req.network = plain_xasprintf("%.*s",
                                            (int) (slash - call->path[2]),
                                            call->path[2]);
        call->req.port_name = plain_xstrdup(slash + 1);
    }
    *kindp = WEFT_ERR_INVALID;

    if (create) {
        size_t len = in->body ? in->body_len : 0;
        if (len > REST_MAX_BODY) {
            *kindp = WEFT_ERR_TOO_LARGE;
            return plain_xasprintf("request body is %zu bytes (maximum %d)", len,
                          REST_MAX_BODY);
        }
        json_error_t jerr;
        json_t *body = json_loadb(in->body ? in->body : "", len,
                                  JSON_REJECT_DUPLICATES, &jerr);
        if (!body) {
            return plain_xasprintf("malformed JSON: %s (line %d, column %d)",
                          jerr.text, jerr.line, jerr.column);
        }
        char *error = (!json_is_object(body)
                       ? plain_xasprintf("request body must be a JSON object")
                       : op == WEFT_OP_TENANT_SET
                       ? parse_quota_body(body, &call->req)
                       : parse_create_body(body, &call->req));
        json_decref(body);
        if (error) {
            return error;
        }
    }
    if (op == WEFT_OP_TENANT_ADD || op == WEFT_OP_TENANT_TOKEN) {
        char token[TOKEN_HASH_HEX_LEN + 1];
        char hash[TOKEN_HASH_HEX_LEN + 1];
        if (!new_token(token)) {
            *kindp = WEFT_ERR_INTERNAL;
            return plain_xasprintf("no randomness for a token");
        }
        if (!token_hash_hex(token, strlen(token), hash)) {
            *kindp = WEFT_ERR_INTERNAL;
            return plain_xasprintf("cannot hash a token (libcrypto)");
        }
        call->token = plain_xstrdup(token);
        call->req.token_hash = plain_xstrdup(hash);
    }

    /* Step 1 of the write layer, the same as weftctl's.  A port mapping's
     * DELETE names its port only once the main loop has found the mapping
     * (executor.c); the write layer runs step 1 then. */
    if (op == WEFT_OP_MAP_DEL) {
        return NULL;
    }
    struct weft_error *error = weft_request_check(&call->req);
    if (error) {
        char *msg = plain_xstrdup(error->message);
        weft_error_destroy(error);
        return msg;
    }
    return NULL;
}

/* Parses the query string: ?wait=installed[&timeout=SECONDS]. */
static char *
parse_query(const char *query, struct api_call *call)
{
    call->timeout_ms = REST_WAIT_TIMEOUT_DEFAULT * 1000;
    if (!query) {
        return NULL;
    }
    struct evkeyvalq params;
    if (evhttp_parse_query_str(query, &params)) {
        return plain_xasprintf("malformed query string");
    }
    char *error = NULL;
    struct evkeyval *kv;
    for (kv = params.tqh_first; kv; kv = kv->next.tqe_next) {
        if (!strcmp(kv->key, "wait")) {
            if (strcmp(kv->value, "installed")) {
                error = plain_xasprintf("wait=%s: expected wait=installed", kv->value);
                break;
            }
            call->wait_installed = true;
        } else if (!strcmp(kv->key, "timeout")) {
            char *end;
            long t = strtol(kv->value, &end, 10);
            if (!kv->value[0] || *end || t < 1
                || t > REST_WAIT_TIMEOUT_MAX) {
                error = plain_xasprintf("timeout=%s: expected seconds, 1-%d",
                               kv->value, REST_WAIT_TIMEOUT_MAX);
                break;
            }
            call->timeout_ms = t * 1000;
        } else {
            error = plain_xasprintf("unknown query parameter \"%s\"", kv->key);
            break;
        }
    }
    evhttp_clear_headers(&params);
    return error;
}

struct api_call *
rest_parse_request(const struct rest_input *in, struct rest_failure *failure)
{
    const char *path = in->path ? in->path : "";
    failure->detail = NULL;
    failure->allow = NULL;

    char *names[3] = { NULL, NULL, NULL };
    size_t n_names = 0;
    const struct rest_route *route = rest_route_find(path, names, &n_names);
    if (!route) {
        failure->kind = WEFT_ERR_NOT_FOUND;
        failure->detail = plain_xasprintf("no such resource %s", path);
        return NULL;
    }

    int op = (in->method == REST_POST || in->method == REST_PATCH
              ? route->post_op
              : in->method == REST_DELETE ? route->delete_op : -1);
    if (!(route->methods & in->method)) {
        for (size_t i = 0; i < n_names; i++) {
            free(names[i]);
        }
        failure->kind = WEFT_ERR_METHOD;
        failure->allow = route->allow;
        failure->detail = plain_xasprintf("%s allows only %s", path, route->allow);
        return NULL;
    }

    struct api_call *call = api_call_create(
        in->method == REST_GET ? route->get : API_WRITE, route->resource);
    memcpy(call->path, names, sizeof names);
    call->n_path = n_names;

    enum weft_err_kind kind = WEFT_ERR_INVALID;
    char *error = NULL;
    const char *auth = in->authorization;
    if (auth) {
        if (strncmp(auth, "Bearer ", 7) || !auth[7]) {
            kind = WEFT_ERR_UNAUTHORIZED;
            error = plain_xasprintf("expected \"Authorization: Bearer TOKEN\"");
        } else {
            char hash[TOKEN_HASH_HEX_LEN + 1];
            if (token_hash_hex(auth + 7, strlen(auth + 7), hash)) {
                call->token_hash = plain_xstrdup(hash);
            } else {
                kind = WEFT_ERR_INTERNAL;
                error = plain_xasprintf("cannot hash the token (libcrypto)");
            }
        }
    }
    /* A token decides, whoever the peer is; root without one is admin. */
    call->admin = in->admin && !auth;
    if (!error) {
        error = parse_query(in->query, call);
    }
    if (!error && op >= 0) {
        /* A token rotation has no body; a quota PATCH has one. */
        bool create = ((in->method == REST_POST && op != WEFT_OP_TENANT_TOKEN)
                       || in->method == REST_PATCH);
        error = parse_write(in, call, op, create, &kind);
    }
    if (error) {
        failure->kind = kind;
        failure->detail = error;
        api_call_destroy(call);
        return NULL;
    }
    return call;
}
