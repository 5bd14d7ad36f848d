/* db-write: database mode's step 1 (parse) for every command, and step 3
 * (build the transaction) for the write commands.  See the four steps at the
 * top of weftctl.c and db-write.h.
 *
 * Where it sits: at the start of the pipeline (request -> desired state ->
 * compile -> push).  A command line becomes a 'struct weft_request' checked
 * with topology/validate.h before weftctl connects; step 3 hands it to the
 * shared write layer (ovsdb/weft-write.h), as weftd's REST API does. */
#include <config.h>

#include "db-write.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"
#include "validate.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weft-write.h"
#include "weftctl.h"

/* ------------------------------------------------------------------------
 * Step 1: parsing arguments. */

/* Parses 'arg' as a path of 'n' names into 'parsed'. */
char *
db_parse_path_arg(const char *arg, size_t n, struct ctl_parsed *parsed)
{
    char *error = parse_path(arg, n, parsed->path);
    parsed->n_path = error ? 0 : n;
    return error;
}

/* "TENANT/NAME" of a tenant's object in opts->args[1] into 'parsed''s
 * path; the error names it as 'what' ("TENANT/GROUP"), since parse_path()
 * would say "network" for the second name. */
char *
db_parse_object_path(const struct ctl_options *opts, struct ctl_parsed *parsed,
                     const char *what)
{
    char *error = db_parse_path_arg(opts->args[1], 2, parsed);
    if (error) {
        free(error);
        return xasprintf("\"%s\": expected %s", opts->args[1], what);
    }
    return NULL;
}

/* db_parse_object_path(), then a new request for 'op' into '*reqp'. */
char *
db_parse_object_request(const struct ctl_options *opts,
                        struct ctl_parsed *parsed, const char *what,
                        enum weft_op op, struct weft_request **reqp)
{
    char *error = db_parse_object_path(opts, parsed, what);
    if (!error) {
        *reqp = db_start_request(parsed, op);
    }
    return error;
}

/* Moves the names in 'parsed->path' into a new request for 'op'. */
struct weft_request *
db_start_request(struct ctl_parsed *parsed, enum weft_op op)
{
    struct weft_request *req = &parsed->req;
    weft_request_init(req, op);
    parsed->has_req = true;
    for (size_t i = 0; i < parsed->n_path; i++) {
        req->path[i] = parsed->path[i];
        parsed->path[i] = NULL;
    }
    parsed->n_path = 0;
    return req;
}

/* Returns 'req''s step 1 errors as a malloc'd string. */
char *
db_check_request(const struct weft_request *req)
{
    struct weft_error *error = weft_request_check(req);
    char *msg = error ? xstrdup(error->message) : NULL;
    weft_error_destroy(error);
    return msg;
}

/* "host-del NAME". */
char *
db_parse_host_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = db_start_request(parsed, WEFT_OP_HOST_DEL);
    req->path[0] = xstrdup(opts->args[1]);
    return db_check_request(req);
}

/* "tenant-add NAME", "tenant-del NAME", "net-del T/N", "port-del T/N/P". */
static char *
parse_path_request(const struct ctl_options *opts, struct ctl_parsed *parsed,
                   enum weft_op op)
{
    char *error = db_parse_path_arg(opts->args[1], weft_op_path_len(op), parsed);
    if (error) {
        return error;
    }
    return db_check_request(db_start_request(parsed, op));
}

char *
db_parse_tenant_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_path_request(opts, parsed, WEFT_OP_TENANT_ADD);
}

char *
db_parse_tenant_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_path_request(opts, parsed, WEFT_OP_TENANT_DEL);
}

char *
db_parse_net_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_path_request(opts, parsed, WEFT_OP_NET_DEL);
}

char *
db_parse_port_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_path_request(opts, parsed, WEFT_OP_PORT_DEL);
}

/* "net-list [TENANT]". */
char *
db_parse_net_list(const struct ctl_options *opts,
                      struct ctl_parsed *parsed)
{
    return opts->n_args < 2 ? NULL : db_parse_path_arg(opts->args[1], 1, parsed);
}

/* "port-list [TENANT[/NET]]". */
char *
db_parse_port_list(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    if (opts->n_args < 2) {
        return NULL;
    }
    const char *arg = opts->args[1];
    return db_parse_path_arg(arg, strchr(arg, '/') ? 2 : 1, parsed);
}

/* "port-show TENANT/NET/PORT". */
char *
db_parse_port_show(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return db_parse_path_arg(opts->args[1], 3, parsed);
}

char *
db_opt_value(const struct ctl_options *opts, enum cmd_option co)
{
    return nullable_xstrdup(opts->values[co]);
}

char *
db_parse_host_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = db_start_request(parsed, WEFT_OP_HOST_ADD);
    req->path[0] = xstrdup(opts->args[1]);
    req->remote = db_opt_value(opts, CO_REMOTE);
    req->tunnel_ip = db_opt_value(opts, CO_TUNNEL_IP);
    req->datapath_type = db_opt_value(opts, CO_DATAPATH_TYPE);
    req->uplink = db_opt_value(opts, CO_UPLINK);
    req->openflow_remote = db_opt_value(opts, CO_OPENFLOW_REMOTE);
    req->external_iface = db_opt_value(opts, CO_EXTERNAL_IFACE);
    req->external_ip = db_opt_value(opts, CO_EXTERNAL_IP);
    req->external_gateway = db_opt_value(opts, CO_EXTERNAL_GATEWAY);
    return db_check_request(req);
}

char *
db_parse_net_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    char *error = db_parse_path_arg(opts->args[1], 2, parsed);
    if (error) {
        return error;
    }
    struct weft_request *req = db_start_request(parsed, WEFT_OP_NET_ADD);
    req->type = db_opt_value(opts, CO_TYPE);
    req->segment = db_opt_value(opts, CO_SEGMENT);
    req->mtu = db_opt_value(opts, CO_MTU);
    req->cidr = db_opt_value(opts, CO_CIDR);
    req->gateway = db_opt_value(opts, CO_GATEWAY);
    return db_check_request(req);
}

char *
db_parse_port_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    char *error = db_parse_path_arg(opts->args[1], 3, parsed);
    if (error) {
        return error;
    }
    struct weft_request *req = db_start_request(parsed, WEFT_OP_PORT_ADD);
    req->host = db_opt_value(opts, CO_HOST);
    req->iface = db_opt_value(opts, CO_IFACE);
    req->mac = db_opt_value(opts, CO_MAC);
    for (size_t i = 0; i < opts->n_ips; i++) {
        weft_request_add_ip(req, opts->ips[i]);
    }
    return db_check_request(req);
}

/* The routing commands: "TENANT/ROUTER" first, then for some a network's
 * name or a prefix. */
char *
db_parse_router_request(const struct ctl_options *opts, struct ctl_parsed *parsed,
                     enum weft_op op, struct weft_request **reqp)
{
    return db_parse_object_request(opts, parsed, "TENANT/ROUTER", op, reqp);
}

char *
db_parse_router_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = NULL;
    char *error = db_parse_router_request(opts, parsed, WEFT_OP_ROUTER_ADD, &req);
    if (!error && opts->given & CO_BIT(SNAT)) {
        /* "--snat" alone turns it on. */
        req->snat = xstrdup(opts->values[CO_SNAT] ? opts->values[CO_SNAT]
                            : "true");
    }
    return error ? error : db_check_request(req);
}

char *
db_parse_router_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = NULL;
    char *error = db_parse_router_request(opts, parsed, WEFT_OP_ROUTER_DEL, &req);
    return error ? error : db_check_request(req);
}

/* "router-attach T/R NET [--mac=MAC]", "router-detach T/R NET". */
static char *
parse_router_network(const struct ctl_options *opts,
                     struct ctl_parsed *parsed, enum weft_op op)
{
    struct weft_request *req = NULL;
    char *error = db_parse_router_request(opts, parsed, op, &req);
    if (error) {
        return error;
    }
    req->network = xstrdup(opts->args[2]);
    req->mac = db_opt_value(opts, CO_MAC);
    return db_check_request(req);
}

char *
db_parse_router_attach(const struct ctl_options *opts,
                       struct ctl_parsed *parsed)
{
    return parse_router_network(opts, parsed, WEFT_OP_ROUTER_ATTACH);
}

char *
db_parse_router_detach(const struct ctl_options *opts,
                       struct ctl_parsed *parsed)
{
    return parse_router_network(opts, parsed, WEFT_OP_ROUTER_DETACH);
}

/* "route-add T/R PREFIX --via=NH", "route-del T/R PREFIX". */
static char *
parse_route(const struct ctl_options *opts, struct ctl_parsed *parsed,
            enum weft_op op)
{
    struct weft_request *req = NULL;
    char *error = db_parse_router_request(opts, parsed, op, &req);
    if (error) {
        return error;
    }
    req->prefix = xstrdup(opts->args[2]);
    req->nexthop = db_opt_value(opts, CO_VIA);
    return db_check_request(req);
}

char *
db_parse_route_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_route(opts, parsed, WEFT_OP_ROUTE_ADD);
}

char *
db_parse_route_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_route(opts, parsed, WEFT_OP_ROUTE_DEL);
}

/* "router-list [TENANT]". */
char *
db_parse_router_list(const struct ctl_options *opts,
                     struct ctl_parsed *parsed)
{
    return opts->n_args < 2 ? NULL : db_parse_path_arg(opts->args[1], 1, parsed);
}

/* "router-show TENANT/ROUTER". */
char *
db_parse_router_show(const struct ctl_options *opts,
                     struct ctl_parsed *parsed)
{
    return db_parse_object_path(opts, parsed, "TENANT/ROUTER");
}

/* "tenant-set NAME [--max-ports=N|default] [--max-networks=N|default]
 * [--max-ips-per-port=N|default]": an admin's quota overrides. */
char *
db_parse_tenant_set(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    static const struct {
        enum cmd_option co;
        const char *quota;
    } map[] = {
        { CO_MAX_PORTS, "ports" },
        { CO_MAX_NETWORKS, "networks" },
        { CO_MAX_IPS_PER_PORT, "ips_per_port" },
    };
    char *error = db_parse_path_arg(opts->args[1], 1, parsed);
    if (error) {
        return error;
    }
    struct weft_request *req = db_start_request(parsed, WEFT_OP_TENANT_SET);
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        const char *value = opts->values[map[i].co];
        if (opts->given & (1ull << map[i].co)) {
            weft_request_add_quota(req, map[i].quota,
                                   strcmp(value, "default") ? value : NULL);
        }
    }
    return db_check_request(req);
}

/* "tenant-quota NAME". */
char *
db_parse_tenant_quota(const struct ctl_options *opts,
                      struct ctl_parsed *parsed)
{
    return db_parse_path_arg(opts->args[1], 1, parsed);
}

void
ctl_parsed_destroy(struct ctl_parsed *parsed)
{
    for (size_t i = 0; i < ARRAY_SIZE(parsed->path); i++) {
        free(parsed->path[i]);
    }
    if (parsed->has_req) {
        weft_request_destroy(&parsed->req);
    }
}

/* ------------------------------------------------------------------------
 * Step 3: the write commands; the read-only ones (the lists and show) are
 * in db-read.c. */

/* "init" and "sync" need nothing beyond what run_write_command() (weftctl.c)
 * does. */
char *
db_write_nothing(struct ctl_context *ctx OVS_UNUSED)
{
    return NULL;
}

/* port-add, once committed: without --ip, the addresses allocated, read
 * back from the new Port row (the IDL has the commit). */
char *
db_after_port_add(struct ctl_context *ctx)
{
    const struct weft_request *req = &ctx->parsed->req;
    /* Only an IPv4 address given means nothing was allocated (IPv6 ones
     * are never allocated). */
    for (size_t i = 0; i < req->n_ips; i++) {
        if (strchr(req->ips[i], '.')) {
            return NULL;
        }
    }
    const struct weftrec_tenant *tenant = weft_db_find_tenant(ctx->idl,
                                                              req->path[0]);
    const struct weftrec_network *net
        = tenant ? weft_db_find_network(ctx->idl, tenant, req->path[1]) : NULL;
    const struct weftrec_port *port
        = net ? weft_db_find_port(ctx->idl, net, req->path[2]) : NULL;
    for (size_t i = 0; port && i < port->n_ips; i++) {
        if (!strchr(port->ips[i], ':')) {
            ds_put_format(ctx->output, "%s\n", port->ips[i]);
        }
    }
    return NULL;
}

/* Every other write command: the shared write layer, weft-write.h. */
char *
db_write_request(struct ctl_context *ctx)
{
    struct weft_error *error = weft_write_build(&ctx->parsed->req, ctx->idl,
                                                ctx->txn, ctx->topo);
    char *msg = error ? xstrdup(error->message) : NULL;
    weft_error_destroy(error);
    return msg;
}

