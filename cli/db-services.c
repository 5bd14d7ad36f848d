/* db-services: database mode's commands for services.  See db-services.h.
 *
 * The write commands become a 'struct weft_request' (topology/request.h)
 * checked by the same steps as every other write (db-write.c); what they
 * may do is decided there (topology/validate-service.c), not here.  Only
 * the command line's own syntax is parsed in weftctl ("T/S", "NET/PORT"),
 * here and in --api mode alike. */
#include <config.h>

#include "db-services.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "db-read.h"
#include "db-write.h"
#include "lb-counters.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "ovsdb-idl.h"
#include "service-rows.h"
#include "topology.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weftctl.h"

/* ------------------------------------------------------------------------
 * Step 1. */

/* "T/S" of o->args[1] into a new request for 'op'. */
static char *
parse_service(const struct ctl_options *opts, struct ctl_parsed *parsed,
              enum weft_op op, struct weft_request **reqp)
{
    return db_parse_object_request(opts, parsed, "TENANT/SERVICE", op, reqp);
}

/* "service-add T/S --router=R --vip=A --port=P [--proto=tcp|udp]
 * [--node-port=N]". */
char *
db_parse_service_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = NULL;
    char *error = parse_service(opts, parsed, WEFT_OP_SERVICE_ADD, &req);
    if (error) {
        return error;
    }
    req->router = db_opt_value(opts, CO_ROUTER);
    req->vip = db_opt_value(opts, CO_VIP);
    req->svc_port = db_opt_value(opts, CO_PORT);
    req->proto = db_opt_value(opts, CO_PROTO);
    req->node_port = db_opt_value(opts, CO_NODE_PORT);
    return db_check_request(req);
}

/* "service-del T/S". */
char *
db_parse_service_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = NULL;
    char *error = parse_service(opts, parsed, WEFT_OP_SERVICE_DEL, &req);
    return error ? error : db_check_request(req);
}

/* "service-set T/S --node-port=N | --no-node-port". */
char *
db_parse_service_set(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = NULL;
    char *error = parse_service(opts, parsed, WEFT_OP_SERVICE_SET, &req);
    if (error) {
        return error;
    }
    req->node_port = (opts->given & CO_BIT(NO_NODE_PORT) ? xstrdup("")
                      : db_opt_value(opts, CO_NODE_PORT));
    return db_check_request(req);
}

/* "service-show T/S" (and "service-list [T]" uses the tenant filter). */
char *
db_parse_service_show(const struct ctl_options *opts,
                      struct ctl_parsed *parsed)
{
    return db_parse_object_path(opts, parsed, "TENANT/SERVICE");
}

/* A backend command: "T/S NET/PORT", then the options of backend-add and
 * backend-set. */
static char *
parse_backend(const struct ctl_options *opts, struct ctl_parsed *parsed,
              enum weft_op op)
{
    struct weft_request *req = NULL;
    char *error = parse_service(opts, parsed, op, &req);
    if (error) {
        return error;
    }
    error = ctl_parse_backend(opts->args[2], &req->network, &req->port_name);
    if (error) {
        return error;
    }
    if (op != WEFT_OP_BACKEND_DEL) {
        req->to_port = db_opt_value(opts, CO_PORT);
        req->weight = db_opt_value(opts, CO_WEIGHT);
        req->down = (opts->given & CO_BIT(DOWN) ? xstrdup("true")
                     : opts->given & CO_BIT(UP) ? xstrdup("false") : NULL);
    }
    return db_check_request(req);
}

/* "backend-add T/S NET/PORT [--port=P] [--weight=W] [--down]". */
char *
db_parse_backend_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_backend(opts, parsed, WEFT_OP_BACKEND_ADD);
}

/* "backend-del T/S NET/PORT". */
char *
db_parse_backend_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_backend(opts, parsed, WEFT_OP_BACKEND_DEL);
}

/* "backend-set T/S NET/PORT [--port=P] [--weight=W] [--down|--up]". */
char *
db_parse_backend_set(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_backend(opts, parsed, WEFT_OP_BACKEND_SET);
}

/* ------------------------------------------------------------------------
 * Step 3. */

/* A service as the API's object; with counters ('counters' nonnull, one
 * per backend) as the API's stats object instead. */
static struct json *
service_to_json(const struct service_rows_service *s,
                const struct lb_backend_counters *counters)
{
    struct json *backends = json_array_create_empty();
    for (size_t i = 0; i < s->n_backends; i++) {
        const struct service_rows_backend *b = &s->backends[i];
        struct json *o = json_object_create();
        json_object_put_string(o, "network", b->network);
        json_object_put_string(o, "port", b->port);
        json_object_put(o, "ip", (b->ip ? json_string_create(b->ip)
                                  : json_null_create()));
        json_object_put(o, "to_port", json_integer_create(b->to_port));
        if (counters) {
            json_object_put(o, "connections",
                            json_integer_create(counters[i].connections));
            json_object_put(o, "packets",
                            json_integer_create(counters[i].packets));
        } else {
            json_object_put(o, "weight", json_integer_create(b->weight));
            json_object_put(o, "down", json_boolean_create(b->down));
        }
        json_array_add(backends, o);
    }
    struct json *o = json_object_create();
    json_object_put_string(o, "name", s->name);
    json_object_put_string(o, "tenant", s->tenant);
    if (!counters) {
        json_object_put_string(o, "router", s->router);
        json_object_put_string(o, "vip", s->vip);
        json_object_put(o, "port", json_integer_create(s->port));
        json_object_put_string(o, "proto", s->proto);
        json_object_put(o, "node_port", (s->node_port
                                         ? json_integer_create(s->node_port)
                                         : json_null_create()));
    }
    json_object_put(o, "backends", backends);
    return o;
}

/* "VIP:PORT/PROTO  router R  node-port N|-". */
static void
format_service(struct ds *s, const struct service_rows_service *svc)
{
    ds_put_format(s, "%s:%d/%s  router %s  node-port ", svc->vip, svc->port,
                  svc->proto, svc->router);
    if (svc->node_port) {
        ds_put_format(s, "%d", svc->node_port);
    } else {
        ds_put_char(s, '-');
    }
}

/* "backend NET/PORT  IP:PORT  weight W  up|down". */
static void
format_backend(struct ds *s, const struct service_rows_backend *b)
{
    ds_put_format(s, "backend %s/%s  %s:%d  weight %d  %s", b->network,
                  b->port, b->ip ? b->ip : "-", b->to_port, b->weight,
                  b->down ? "down" : "up");
}

/* "service-list [TENANT]": T/S  VIP:PORT/PROTO  router R  node-port N|-
 * backends N. */
char *
db_read_service_list(struct ctl_context *ctx)
{
    const struct weftrec_tenant *tenant = NULL;
    if (ctx->parsed->n_path >= 1) {
        tenant = weft_db_find_tenant(ctx->idl, ctx->parsed->path[0]);
        if (!tenant) {
            return xasprintf("tenant %s does not exist",
                             ctx->parsed->path[0]);
        }
    }
    size_t n;
    struct service_rows_service *list = service_rows_list(ctx->idl, tenant,
                                                          &n);
    struct json *array = ctx->opts->json ? json_array_create_empty() : NULL;
    for (size_t i = 0; i < n; i++) {
        if (array) {
            json_array_add(array, service_to_json(&list[i], NULL));
        } else {
            ds_put_format(ctx->output, "%s/%s  ", list[i].tenant,
                          list[i].name);
            format_service(ctx->output, &list[i]);
            ds_put_format(ctx->output, "  backends %"PRIuSIZE"\n",
                          list[i].n_backends);
        }
    }
    if (array) {
        db_put_json(ctx->output, array);
    }
    service_rows_free(list, n);
    return NULL;
}

/* Reads the counters of 's' from every host's switch into 'counters' (one
 * per backend); a host that cannot be read is reported in 'notes'. */
static void
read_counters(struct ctl_context *ctx, const struct service_rows_service *s,
              struct lb_backend_counters *counters, struct ds *notes)
{
    const struct weftrec_tenant *tenant = s->row->tenant;
    for (size_t i = 0; i < s->n_backends; i++) {
        const struct service_rows_backend *b = &s->backends[i];
        counters[i].ip = b->ip;
        counters[i].to_port = b->to_port;
        counters[i].bucket_id = b->key;
    }
    const struct topo_host *th;
    TOPOLOGY_FOR_EACH_HOST (th, ctx->topo) {
        /* Only the switches weftd is connected to, as the API reads them. */
        const struct weftrec_host *row = weft_db_find_host(ctx->idl,
                                                           th->name);
        if (!row || !row->openflow_connected) {
            continue;
        }
        char *target, *controller_target;
        topo_host_openflow_targets(th, &target, &controller_target);
        free(controller_target);
        int timeout = ctx->opts->timeout ? ctx->opts->timeout * 1000 : 5000;
        char *error = lb_counters_read_switch(
            target, MIN(timeout, 5000),
            tenant ? tenant->flow_key : 0, s->key, counters, s->n_backends);
        if (error) {
            ds_put_format(notes, "    (host %s: %s)\n", th->name, error);
            free(error);
        }
        free(target);
    }
}

/* "service-show T/S": the service, then its backends with their counters
 * summed over the hosts. */
char *
db_read_service_show(struct ctl_context *ctx)
{
    char *const *path = ctx->parsed->path;
    const struct weftrec_tenant *tenant = weft_db_find_tenant(ctx->idl,
                                                              path[0]);
    const struct weftrec_service *row
        = tenant ? service_rows_find(ctx->idl, tenant, path[1]) : NULL;
    if (!row) {
        return xasprintf("service %s/%s does not exist", path[0], path[1]);
    }
    struct service_rows_service s;
    service_rows_fill(&s, row);
    struct lb_backend_counters *counters
        = xcalloc(s.n_backends + 1, sizeof *counters);
    struct ds notes = DS_EMPTY_INITIALIZER;
    read_counters(ctx, &s, counters, &notes);
    if (ctx->opts->json) {
        struct json *o = service_to_json(&s, NULL);
        struct json *stats = service_to_json(&s, counters);
        json_object_put(o, "stats", json_clone(
                            shash_find_data(json_object(stats), "backends")));
        json_destroy(stats);
        db_put_json(ctx->output, o);
    } else {
        struct ds *out = ctx->output;
        ds_put_format(out, "service %s/%s  ", s.tenant, s.name);
        format_service(out, &s);
        ds_put_char(out, '\n');
        for (size_t i = 0; i < s.n_backends; i++) {
            ds_put_cstr(out, "    ");
            format_backend(out, &s.backends[i]);
            ds_put_format(out, "  connections %"PRIu64"  packets %"PRIu64
                          "\n", counters[i].connections,
                          counters[i].packets);
        }
        ds_put_cstr(out, ds_cstr(&notes));
    }
    ds_destroy(&notes);
    free(counters);
    service_rows_clear(&s);
    return NULL;
}

void
db_services_show_tenant(struct ds *s, struct ovsdb_idl *idl,
                        const struct weftrec_tenant *tenant)
{
    size_t n;
    struct service_rows_service *list = service_rows_list(idl, tenant, &n);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "    service %s  ", list[i].name);
        format_service(s, &list[i]);
        ds_put_char(s, '\n');
        for (size_t j = 0; j < list[i].n_backends; j++) {
            ds_put_cstr(s, "        ");
            format_backend(s, &list[i].backends[j]);
            ds_put_char(s, '\n');
        }
    }
    service_rows_free(list, n);
}

void
db_services_show_json(struct json *show, struct ovsdb_idl *idl)
{
    size_t n;
    struct service_rows_service *list = service_rows_list(idl, NULL, &n);
    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < n; i++) {
        json_array_add(array, service_to_json(&list[i], NULL));
    }
    service_rows_free(list, n);
    json_object_put(show, "services", array);
}
