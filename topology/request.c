/* request: the plain data of one change to weft's desired state (request.h):
 * names of operations and error kinds, errors, and building and freeing a
 * 'struct weft_request'.  The checks are in validate-request.c. */
#include <config.h>

#include "request.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *
weft_op_name(enum weft_op op)
{
    switch (op) {
#define WEFT_OP(ENUM, NAME) case WEFT_OP_##ENUM: return NAME;
        WEFT_OPS
#undef WEFT_OP
    }
    return "unknown";
}

const char *
weft_err_kind_name(enum weft_err_kind kind)
{
    switch (kind) {
#define WEFT_ERR(ENUM, NAME) case WEFT_ERR_##ENUM: return NAME;
        WEFT_ERRS
#undef WEFT_ERR
    }
    return "unknown";
}

struct weft_error *
weft_error_create(enum weft_err_kind kind, char *message)
{
    struct weft_error *error = xmalloc(sizeof *error);
    error->kind = kind;
    error->message = message;
    return error;
}

struct weft_error *
weft_error_format(enum weft_err_kind kind, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *message = xvasprintf(format, args);
    va_end(args);
    return weft_error_create(kind, message);
}

void
weft_error_destroy(struct weft_error *error)
{
    if (error) {
        free(error->message);
        free(error);
    }
}

void
weft_request_init(struct weft_request *req, enum weft_op op)
{
    memset(req, 0, sizeof *req);
    req->op = op;
}

void
weft_request_destroy(struct weft_request *req)
{
    if (!req) {
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(req->path); i++) {
        free(req->path[i]);
    }
    free(req->remote);
    free(req->openflow_remote);
    free(req->tunnel_ip);
    free(req->datapath_type);
    free(req->uplink);
    free(req->token_hash);
    free(req->type);
    free(req->segment);
    free(req->mtu);
    free(req->cidr);
    free(req->gateway);
    free(req->host);
    free(req->iface);
    free(req->mac);
    free(req->network);
    free(req->prefix);
    free(req->nexthop);
    free(req->external_iface);
    free(req->external_ip);
    free(req->external_gateway);
    free(req->snat);
    free(req->pool);
    free(req->fip);
    free(req->port_name);
    free(req->proto);
    free(req->host_port);
    free(req->to_port);
    free(req->router);
    free(req->vip);
    free(req->svc_port);
    free(req->node_port);
    free(req->weight);
    free(req->down);
    free(req->direction);
    free(req->ports);
    free(req->remote_cidr);
    free(req->remote_group);
    free(req->rule_id);
    for (size_t i = 0; i < req->n_ips; i++) {
        free(req->ips[i]);
    }
    free(req->ips);
    for (size_t i = 0; i < req->n_quotas; i++) {
        free(req->quota_names[i]);
        free(req->quota_values[i]);
    }
    free(req->quota_names);
    free(req->quota_values);
}

void
weft_request_add_ip(struct weft_request *req, const char *ip)
{
    req->ips = xrealloc(req->ips, (req->n_ips + 1) * sizeof *req->ips);
    req->ips[req->n_ips++] = xstrdup(ip);
}

void
weft_request_add_quota(struct weft_request *req, const char *name,
                       const char *value)
{
    size_t n = req->n_quotas + 1;
    req->quota_names = xrealloc(req->quota_names,
                                n * sizeof *req->quota_names);
    req->quota_values = xrealloc(req->quota_values,
                                 n * sizeof *req->quota_values);
    req->quota_names[req->n_quotas] = xstrdup(name);
    req->quota_values[req->n_quotas] = nullable_xstrdup(value);
    req->n_quotas = n;
}

size_t
weft_op_path_len(enum weft_op op)
{
    switch (op) {
    case WEFT_OP_HOST_ADD: case WEFT_OP_HOST_DEL:
    case WEFT_OP_TENANT_ADD: case WEFT_OP_TENANT_DEL:
    case WEFT_OP_TENANT_TOKEN: case WEFT_OP_TENANT_SET:
    case WEFT_OP_HOST_SET: case WEFT_OP_POOL_ADD: case WEFT_OP_POOL_DEL:
    case WEFT_OP_FIP_ADD: case WEFT_OP_FIP_DEL: case WEFT_OP_FIP_SET:
        return 1;
    case WEFT_OP_NET_ADD: case WEFT_OP_NET_DEL:
    case WEFT_OP_ROUTER_ADD: case WEFT_OP_ROUTER_DEL:
    case WEFT_OP_ROUTER_ATTACH: case WEFT_OP_ROUTER_DETACH:
    case WEFT_OP_ROUTE_ADD: case WEFT_OP_ROUTE_DEL:
    case WEFT_OP_ROUTER_SET:
    case WEFT_OP_SERVICE_ADD: case WEFT_OP_SERVICE_DEL:
    case WEFT_OP_SERVICE_SET: case WEFT_OP_BACKEND_ADD:
    case WEFT_OP_BACKEND_DEL: case WEFT_OP_BACKEND_SET:
    case WEFT_OP_SG_ADD: case WEFT_OP_SG_DEL:
    case WEFT_OP_SG_RULE_ADD: case WEFT_OP_SG_RULE_DEL:
    case WEFT_OP_SG_MEMBER_ADD: case WEFT_OP_SG_MEMBER_DEL:
        return 2;
    case WEFT_OP_PORT_ADD: case WEFT_OP_PORT_DEL:
    case WEFT_OP_MAP_ADD: case WEFT_OP_MAP_DEL:
        return 3;
    }
    OVS_NOT_REACHED();
}
