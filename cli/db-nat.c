/* db-nat: database mode's commands for the ways in and out.  See db-nat.h.
 *
 * The write commands become a 'struct weft_request' (topology/request.h)
 * checked by the same steps as every other write (db-write.c); what they
 * may do is decided there (topology/validate-nat.c), not here.  Only the
 * command line's own syntax is parsed in weftctl, here and in --api mode
 * alike (ctl_parse_net_port(), ctl_parse_mapping()). */
#include <config.h>

#include "db-nat.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "db-read.h"
#include "db-write.h"
#include "nat-rows.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "sset.h"
#include "util.h"
#include "validate.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weftctl.h"

/* ------------------------------------------------------------------------
 * Step 1. */

/* "host-set NAME [--external-iface=I --external-ip=A/L
 * --external-gateway=G] [--no-external]" (weftctl-options.c has checked
 * that the three come together, or --no-external alone). */
char *
db_parse_host_set(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = db_start_request(parsed, WEFT_OP_HOST_SET);
    req->path[0] = xstrdup(opts->args[1]);
    if (opts->given & CO_BIT(NO_EXTERNAL)) {
        req->external_iface = xstrdup("");
    } else {
        req->external_iface = db_opt_value(opts, CO_EXTERNAL_IFACE);
        req->external_ip = db_opt_value(opts, CO_EXTERNAL_IP);
        req->external_gateway = db_opt_value(opts, CO_EXTERNAL_GATEWAY);
    }
    return db_check_request(req);
}

/* "host-show NAME". */
char *
db_parse_host_show(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    parsed->path[0] = xstrdup(opts->args[1]);
    parsed->n_path = 1;
    return NULL;
}

/* "router-set T/R --snat[=true|false]". */
char *
db_parse_router_set(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = NULL;
    char *error = db_parse_router_request(opts, parsed, WEFT_OP_ROUTER_SET,
                                          &req);
    if (error) {
        return error;
    }
    req->snat = xstrdup(opts->values[CO_SNAT] ? opts->values[CO_SNAT]
                        : "true");
    return db_check_request(req);
}

/* "pool-add NAME CIDR". */
char *
db_parse_pool_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = db_start_request(parsed, WEFT_OP_POOL_ADD);
    req->path[0] = xstrdup(opts->args[1]);
    req->cidr = xstrdup(opts->args[2]);
    return db_check_request(req);
}

/* "pool-del NAME". */
char *
db_parse_pool_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = db_start_request(parsed, WEFT_OP_POOL_DEL);
    req->path[0] = xstrdup(opts->args[1]);
    return db_check_request(req);
}

/* Splits --port's "NET/PORT" into 'req''s 'network' and 'port_name'. */
static char *
parse_net_port(const char *arg, struct weft_request *req)
{
    return ctl_parse_net_port(arg, &req->network, &req->port_name);
}

/* A floating IP command: "TENANT" first, then for some its address. */
static char *
parse_fip(const struct ctl_options *opts, struct ctl_parsed *parsed,
          enum weft_op op, struct weft_request **reqp)
{
    char *error = db_parse_path_arg(opts->args[1], 1, parsed);
    if (error) {
        return error;
    }
    struct weft_request *req = db_start_request(parsed, op);
    if (opts->n_args > 2) {
        req->fip = xstrdup(opts->args[2]);
    }
    if (opts->given & CO_BIT(PORT)) {
        error = parse_net_port(opts->values[CO_PORT], req);
    }
    *reqp = req;
    return error;
}

/* "fip-add TENANT --pool=P [--ip=A] [--port=NET/PORT]". */
char *
db_parse_fip_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req;
    char *error = parse_fip(opts, parsed, WEFT_OP_FIP_ADD, &req);
    if (error) {
        return error;
    }
    req->pool = db_opt_value(opts, CO_POOL);
    req->fip = opts->n_ips ? xstrdup(opts->ips[0]) : NULL;
    return db_check_request(req);
}

/* "fip-del TENANT IP". */
char *
db_parse_fip_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req;
    char *error = parse_fip(opts, parsed, WEFT_OP_FIP_DEL, &req);
    return error ? error : db_check_request(req);
}

/* "fip-set TENANT IP --port=NET/PORT | --no-port": neither network nor
 * port unassigns it. */
char *
db_parse_fip_set(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req;
    char *error = parse_fip(opts, parsed, WEFT_OP_FIP_SET, &req);
    return error ? error : db_check_request(req);
}

static char *
parse_map(const struct ctl_options *opts, struct ctl_parsed *parsed,
          enum weft_op op)
{
    char *error = db_parse_path_arg(opts->args[1], 3, parsed);
    if (error) {
        return error;
    }
    struct weft_request *req = db_start_request(parsed, op);
    error = ctl_parse_mapping(opts->args[2], op == WEFT_OP_MAP_ADD,
                              &req->host_port, &req->to_port, &req->proto);
    return error ? error : db_check_request(req);
}

/* "map-add T/NET/PORT HOST_PORT:PORT[/PROTO]". */
char *
db_parse_map_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_map(opts, parsed, WEFT_OP_MAP_ADD);
}

/* "map-del T/NET/PORT HOST_PORT[/PROTO]". */
char *
db_parse_map_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_map(opts, parsed, WEFT_OP_MAP_DEL);
}

/* "fip-list [TENANT]", "map-list [TENANT]". */
char *
db_parse_tenant_filter(const struct ctl_options *opts,
                       struct ctl_parsed *parsed)
{
    return (opts->n_args < 2 ? NULL
            : db_parse_path_arg(opts->args[1], 1, parsed));
}

/* ------------------------------------------------------------------------
 * Step 3. */

/* The addresses of tenant 'name''s floating IPs in 'idl' into 'ips'. */
static void
tenant_fips(struct ovsdb_idl *idl, const char *name, struct sset *ips)
{
    const struct weftrec_tenant *tenant = weft_db_find_tenant(idl, name);
    size_t n = 0;
    const struct weftrec_floating_ip **fips
        = tenant ? nat_rows_fips(idl, tenant, &n) : NULL;
    for (size_t i = 0; i < n; i++) {
        sset_add(ips, fips[i]->ip);
    }
    free(fips);
}

/* fip-add: the write, then the address it took (given or allocated), which
 * is the tenant's one floating IP that was not there before: the
 * transaction's new row is in the IDL already.  Run again on every
 * attempt, so the output is this attempt's. */
char *
db_write_fip_add(struct ctl_context *ctx)
{
    const char *tenant = ctx->parsed->req.path[0];
    struct sset before = SSET_INITIALIZER(&before);
    struct sset after = SSET_INITIALIZER(&after);
    tenant_fips(ctx->idl, tenant, &before);
    char *error = db_write_request(ctx);
    if (!error) {
        tenant_fips(ctx->idl, tenant, &after);
        ds_clear(ctx->output);
        const char *ip;
        SSET_FOR_EACH (ip, &after) {
            if (!sset_contains(&before, ip)) {
                ds_put_format(ctx->output, "%s\n", ip);
            }
        }
    }
    sset_destroy(&before);
    sset_destroy(&after);
    return error;
}

void
db_nat_format_external(struct ds *s, const struct weftrec_host *host)
{
    if (host->external_iface) {
        const char *mac = nat_rows_gateway_mac(host);
        ds_put_format(s, "  external %s  ip %s  gateway %s  gateway-mac %s",
                      host->external_iface,
                      host->external_ip ? host->external_ip : "-",
                      host->external_gateway ? host->external_gateway : "-",
                      mac ? mac : "-");
    }
}

struct json *
db_nat_external_json(const struct weftrec_host *host)
{
    if (!host->external_iface) {
        return json_null_create();
    }
    struct json *o = json_object_create();
    json_object_put_string(o, "iface", host->external_iface);
    json_object_put(o, "ip", (host->external_ip
                              ? json_string_create(host->external_ip)
                              : json_null_create()));
    json_object_put(o, "gateway", (host->external_gateway
                                   ? json_string_create(host->external_gateway)
                                   : json_null_create()));
    const char *mac = nat_rows_gateway_mac(host);
    if (mac) {
        json_object_put_string(o, "gateway_mac", mac);
    }
    return o;
}

static struct json *
nullable_json(const char *s)
{
    return s ? json_string_create(s) : json_null_create();
}

/* "host-show NAME": every column of the host, as "show" prints a host, with
 * its external side on a line of its own ("external -": none). */
char *
db_read_host_show(struct ctl_context *ctx)
{
    const char *name = ctx->parsed->path[0];
    const struct weftrec_host *host = weft_db_find_host(ctx->idl, name);
    if (!host) {
        return xasprintf("host %s does not exist", name);
    }
    if (ctx->opts->json) {
        db_put_json(ctx->output, db_read_host_json(host, ctx->idl));
        return NULL;
    }
    struct ds *s = ctx->output;
    ds_put_format(s, "host %s\n    remote %s  datapath %s  tunnel-ip %s  "
                  "uplink %s  openflow %s\n    external", host->name,
                  host->ovsdb_remote, host->datapath_type,
                  host->tunnel_ip ? host->tunnel_ip : "-",
                  host->uplink ? host->uplink : "-",
                  host->openflow_remote ? host->openflow_remote : "-");
    if (host->external_iface) {
        struct ds ext = DS_EMPTY_INITIALIZER;
        db_nat_format_external(&ext, host);
        /* Without its leading "  external". */
        ds_put_cstr(s, ds_cstr(&ext) + strlen("  external"));
        ds_destroy(&ext);
    } else {
        ds_put_cstr(s, " -");
    }
    ds_put_format(s, "\n    ovsdb_connected %s  openflow_connected %s  "
                  "cur_cfg %"PRId64"\n",
                  host->ovsdb_connected ? "true" : "false",
                  host->openflow_connected ? "true" : "false",
                  host->cur_cfg);
    return NULL;
}

/* "pool-list": NAME  cidr CIDR  floating-ips N. */
char *
db_read_pool_list(struct ctl_context *ctx)
{
    size_t n;
    const struct weftrec_pool **pools = nat_rows_pools(ctx->idl, &n);
    struct json *array = ctx->opts->json ? json_array_create_empty() : NULL;
    int width = 0;
    for (size_t i = 0; i < n; i++) {
        width = MAX(width, (int) strlen(pools[i]->name));
    }
    for (size_t i = 0; i < n; i++) {
        size_t n_fips = nat_rows_pool_fips(ctx->idl, pools[i]);
        if (array) {
            struct json *o = json_object_create();
            json_object_put_string(o, "name", pools[i]->name);
            json_object_put_string(o, "cidr", pools[i]->cidr);
            json_object_put(o, "floating_ips", json_integer_create(n_fips));
            json_array_add(array, o);
        } else {
            ds_put_format(ctx->output, "%-*s  cidr %s  floating-ips %zu\n",
                          width, pools[i]->name, pools[i]->cidr, n_fips);
        }
    }
    if (array) {
        db_put_json(ctx->output, array);
    }
    free(pools);
    return NULL;
}

/* The tenant of the list filter, or NULL for every tenant; an error if the
 * filter names none. */
static char *
filter_tenant(struct ctl_context *ctx, const struct weftrec_tenant **tenantp)
{
    *tenantp = NULL;
    if (ctx->parsed->n_path < 1) {
        return NULL;
    }
    *tenantp = weft_db_find_tenant(ctx->idl, ctx->parsed->path[0]);
    return (*tenantp ? NULL : xasprintf("tenant %s does not exist",
                                        ctx->parsed->path[0]));
}

/* A floating IP as the API's object. */
static struct json *
fip_to_json(const struct weftrec_floating_ip *fip)
{
    const struct weftrec_port *port = fip->port;
    struct json *o = json_object_create();
    json_object_put_string(o, "ip", fip->ip);
    json_object_put_string(o, "pool", fip->pool ? fip->pool->name : "?");
    json_object_put_string(o, "tenant", fip->tenant ? fip->tenant->name : "?");
    json_object_put(o, "network", nullable_json(
                        !port ? NULL : port->network ? port->network->name
                        : "?"));
    json_object_put(o, "port", nullable_json(port ? port->name : NULL));
    json_object_put(o, "host", nullable_json(
                        !port ? NULL : port->host ? port->host->name : "?"));
    return o;
}

/* "pool P  port NET/PORT  host H" (or "port -  host -"). */
static void
format_fip(struct ds *s, const struct weftrec_floating_ip *fip)
{
    const struct weftrec_port *port = fip->port;
    ds_put_format(s, "pool %s  ", fip->pool ? fip->pool->name : "?");
    if (port) {
        ds_put_format(s, "port %s/%s  host %s",
                      port->network ? port->network->name : "?", port->name,
                      port->host ? port->host->name : "?");
    } else {
        ds_put_cstr(s, "port -  host -");
    }
}

/* "fip-list [TENANT]": IP  tenant T  pool P  port NET/PORT|-  host H|-. */
char *
db_read_fip_list(struct ctl_context *ctx)
{
    const struct weftrec_tenant *tenant;
    char *error = filter_tenant(ctx, &tenant);
    if (error) {
        return error;
    }
    size_t n;
    const struct weftrec_floating_ip **fips = nat_rows_fips(ctx->idl, tenant,
                                                            &n);
    struct json *array = ctx->opts->json ? json_array_create_empty() : NULL;
    for (size_t i = 0; i < n; i++) {
        if (array) {
            json_array_add(array, fip_to_json(fips[i]));
        } else {
            ds_put_format(ctx->output, "%-15s  tenant %s  ", fips[i]->ip,
                          fips[i]->tenant ? fips[i]->tenant->name : "?");
            format_fip(ctx->output, fips[i]);
            ds_put_char(ctx->output, '\n');
        }
    }
    if (array) {
        db_put_json(ctx->output, array);
    }
    free(fips);
    return NULL;
}

/* A port mapping as the API's object. */
static struct json *
mapping_to_json(const struct nat_rows_mapping *m)
{
    struct json *o = json_object_create();
    json_object_put_string(o, "host", m->host);
    json_object_put(o, "host_ip", nullable_json(m->host_ip));
    json_object_put(o, "host_port", json_integer_create(m->host_port));
    json_object_put_string(o, "proto", m->proto);
    json_object_put_string(o, "tenant", m->tenant);
    json_object_put_string(o, "network", m->network);
    json_object_put_string(o, "port", m->name);
    json_object_put(o, "endpoint_ip", nullable_json(m->endpoint_ip));
    json_object_put(o, "to_port", json_integer_create(m->to_port));
    return o;
}

/* "HOST_IP:HOST_PORT/PROTO -> T/NET/PORT ENDPOINT_IP:PORT". */
static void
format_mapping(struct ds *s, const struct nat_rows_mapping *m)
{
    ds_put_format(s, "%s:%d/%s -> %s/%s/%s %s:%d",
                  m->host_ip ? m->host_ip : "-", m->host_port, m->proto,
                  m->tenant, m->network, m->name,
                  m->endpoint_ip ? m->endpoint_ip : "-", m->to_port);
}

/* "map-list [TENANT]": HOST  HOST_IP:HOST_PORT/PROTO -> T/NET/PORT
 * ENDPOINT_IP:PORT. */
char *
db_read_map_list(struct ctl_context *ctx)
{
    const struct weftrec_tenant *tenant;
    char *error = filter_tenant(ctx, &tenant);
    if (error) {
        return error;
    }
    size_t n;
    struct nat_rows_mapping *maps = nat_rows_mappings(ctx->idl, tenant, &n);
    struct json *array = ctx->opts->json ? json_array_create_empty() : NULL;
    int width = 0;
    for (size_t i = 0; i < n; i++) {
        width = MAX(width, (int) strlen(maps[i].host));
    }
    for (size_t i = 0; i < n; i++) {
        if (array) {
            json_array_add(array, mapping_to_json(&maps[i]));
        } else {
            ds_put_format(ctx->output, "%-*s  ", width, maps[i].host);
            format_mapping(ctx->output, &maps[i]);
            ds_put_char(ctx->output, '\n');
        }
    }
    if (array) {
        db_put_json(ctx->output, array);
    }
    free(maps);
    return NULL;
}

void
db_nat_show_tenant(struct ds *s, struct ovsdb_idl *idl,
                   const struct weftrec_tenant *tenant)
{
    size_t n;
    const struct weftrec_floating_ip **fips = nat_rows_fips(idl, tenant, &n);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "    floating-ip %s  ", fips[i]->ip);
        format_fip(s, fips[i]);
        ds_put_char(s, '\n');
    }
    free(fips);
    struct nat_rows_mapping *maps = nat_rows_mappings(idl, tenant, &n);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "    port-mapping %s  ", maps[i].host);
        format_mapping(s, &maps[i]);
        ds_put_char(s, '\n');
    }
    free(maps);
}

void
db_nat_show_json(struct json *show, struct ovsdb_idl *idl)
{
    size_t n;
    const struct weftrec_floating_ip **fips = nat_rows_fips(idl, NULL, &n);
    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < n; i++) {
        json_array_add(array, fip_to_json(fips[i]));
    }
    free(fips);
    json_object_put(show, "floating_ips", array);

    struct nat_rows_mapping *maps = nat_rows_mappings(idl, NULL, &n);
    array = json_array_create_empty();
    for (size_t i = 0; i < n; i++) {
        json_array_add(array, mapping_to_json(&maps[i]));
    }
    free(maps);
    json_object_put(show, "port_mappings", array);
}
