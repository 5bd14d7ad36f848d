/* weftctl-api-services: the commands for services (issue #14) in weftctl's
 * --api backend: service-add, service-del, service-set, service-list,
 * service-show, backend-add, backend-del, backend-set.  See weftctl-api.h.
 *
 * Paths as in docs/openapi.json: /v1/tenants/T/services[/S[/stats]],
 * /v1/tenants/T/services/S/backends[/NET/PORT].  The table output is
 * database mode's (cli/db-services.c), so that scripts may use either.
 * Also the syntax of a backend argument, for both modes
 * (weftctl-commands.h).
 *
 * jansson side: no OVS headers. */
#define _GNU_SOURCE 1
#include "weftctl-api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api-client.h"
#include "plain-util.h"
#include "weftctl-api-int.h"
#include "weftctl-commands.h"

char *
ctl_parse_backend(const char *arg, char **network, char **port)
{
    /* NET/PORT, or T/NET/PORT: another tenant's port, which validation
     * refuses with a clear message (an administrator's mistake). */
    const char *slash = strrchr(arg, '/');
    const char *first = strchr(arg, '/');
    if (!slash || slash == arg || !slash[1] || slash[-1] == '/'
        || (first != slash && (first == arg || strchr(first + 1, '/')
                               != slash))) {
        return plain_xasprintf("\"%s\": expected NET/PORT (a port of the "
                               "service's tenant)", arg);
    }
    *network = plain_xasprintf("%.*s", (int) (slash - arg), arg);
    *port = plain_xstrdup(slash + 1);
    return NULL;
}

/* api_object_path() and api_object_write() for a service ("T/S" in
 * o->args[1]). */
static char *
service_path(const struct ctl_options *o, const char *suffix)
{
    return api_object_path(o, "services", "TENANT/SERVICE", suffix);
}

static int
service_write(const struct ctl_options *o, const char *suffix,
              const char *method, json_t *body, int want)
{
    return api_object_write(o, "services", "TENANT/SERVICE", suffix, method,
                            body, want);
}

int
api_service_add(const struct ctl_options *o)
{
    const char *slash = strchr(o->args[1], '/');
    json_t *body = json_pack("{s:s, s:s, s:s}",
                             "name", slash ? slash + 1 : o->args[1],
                             "router", o->values[CO_ROUTER],
                             "vip", o->values[CO_VIP]);
    if (o->values[CO_PROTO]) {
        json_object_set_new(body, "proto", json_string(o->values[CO_PROTO]));
    }
    if (!api_set_number(body, "port", "--port", o->values[CO_PORT])
        || (o->values[CO_NODE_PORT]
            && !api_set_number(body, "node_port", "--node-port",
                           o->values[CO_NODE_PORT]))) {
        json_decref(body);
        return EXIT_API_USAGE;
    }
    char *path = api_collection_path(o, "services", "TENANT/SERVICE");
    if (!path) {
        json_decref(body);
        return EXIT_API_USAGE;
    }
    int status = api_run_write(o, "POST", path, body, 201);
    free(path);
    return status;
}

int
api_service_del(const struct ctl_options *o)
{
    return service_write(o, "", "DELETE", NULL, 204);
}

int
api_service_set(const struct ctl_options *o)
{
    json_t *body = json_object();
    if (o->given & CO_BIT(NO_NODE_PORT)) {
        json_object_set_new(body, "node_port", json_null());
    } else if (!api_set_number(body, "node_port", "--node-port",
                           o->values[CO_NODE_PORT])) {
        json_decref(body);
        return EXIT_API_USAGE;
    }
    return service_write(o, "", "PATCH", body, 200);
}

/* The backend options of backend-add and backend-set into 'body'.  Returns
 * false after a usage error. */
static bool
set_backend_options(const struct ctl_options *o, json_t *body)
{
    if ((o->values[CO_PORT]
         && !api_set_number(body, "to_port", "--port", o->values[CO_PORT]))
        || (o->values[CO_WEIGHT]
            && !api_set_number(body, "weight", "--weight",
                           o->values[CO_WEIGHT]))) {
        return false;
    }
    if (o->given & (CO_BIT(DOWN) | CO_BIT(UP))) {
        json_object_set_new(body, "down",
                            json_boolean(o->given & CO_BIT(DOWN)));
    }
    return true;
}

/* backend-add, backend-del, backend-set: "T/S NET/PORT". */
static int
backend_write(const struct ctl_options *o, const char *method, int want)
{
    char *net = NULL, *port = NULL;
    char *error = ctl_parse_backend(o->args[2], &net, &port);
    if (error) {
        fprintf(stderr, "%s: %s\n", api_program_name, error);
        free(error);
        return EXIT_API_USAGE;
    }
    bool add = !strcmp(method, "POST");
    json_t *body = NULL;
    char *suffix;
    if (add) {
        body = json_pack("{s:s, s:s}", "network", net, "port", port);
        suffix = plain_xstrdup("/backends");
    } else {
        char *net_e = api_escape(net), *port_e = api_escape(port);
        suffix = plain_xasprintf("/backends/%s/%s", net_e, port_e);
        free(net_e);
        free(port_e);
        body = !strcmp(method, "PATCH") ? json_object() : NULL;
    }
    int status = EXIT_API_USAGE;
    if (!body || set_backend_options(o, body)) {
        status = service_write(o, suffix, method, body, want);
    } else {
        json_decref(body);
    }
    free(suffix);
    free(net);
    free(port);
    return status;
}

int
api_backend_add(const struct ctl_options *o)
{
    return backend_write(o, "POST", 201);
}

int
api_backend_del(const struct ctl_options *o)
{
    return backend_write(o, "DELETE", 204);
}

int
api_backend_set(const struct ctl_options *o)
{
    return backend_write(o, "PATCH", 200);
}

/* "VIP:PORT/PROTO  router R  node-port N|-", as database mode. */
static void
print_service(json_t *s)
{
    printf("%s:%lld/%s  router %s  node-port ", api_str(s, "vip"),
           api_num(s, "port"), api_str(s, "proto"), api_str(s, "router"));
    if (json_is_integer(json_object_get(s, "node_port"))) {
        printf("%lld", api_num(s, "node_port"));
    } else {
        putchar('-');
    }
}

/* "backend NET/PORT  IP:PORT  weight W  up|down". */
static void
print_backend(json_t *b)
{
    printf("backend %s/%s  %s:%lld  weight %lld  %s", api_str(b, "network"),
           api_str(b, "port"), api_str(b, "ip"), api_num(b, "to_port"),
           api_num(b, "weight"),
           json_is_true(json_object_get(b, "down")) ? "down" : "up");
}

int
api_service_list(const struct ctl_options *o)
{
    json_t *list;
    int status;
    if (!api_list_per_tenant(o, "services", &list, &status)) {
        return status;
    }
    size_t i;
    json_t *s;
    json_array_foreach (list, i, s) {
        printf("%s/%s  ", api_str(s, "tenant"), api_str(s, "name"));
        print_service(s);
        printf("  backends %zu\n",
               json_array_size(json_object_get(s, "backends")));
    }
    json_decref(list);
    return 0;
}

int
api_service_show(const struct ctl_options *o)
{
    char *path = service_path(o, "");
    if (!path) {
        return EXIT_API_USAGE;
    }
    char *stats_path = plain_xasprintf("%s/stats", path);
    json_t *s = NULL, *stats = NULL;
    bool ok = api_get(o, path, &s) && api_get(o, stats_path, &stats);
    free(path);
    free(stats_path);
    if (!ok) {
        json_decref(s);
        return EXIT_API_ERROR;
    }
    json_t *counters = json_object_get(stats, "backends");
    if (o->json) {
        json_object_set(s, "stats", counters);
        api_print_json(s);
    } else {
        printf("service %s/%s  ", api_str(s, "tenant"), api_str(s, "name"));
        print_service(s);
        putchar('\n');
        size_t i;
        json_t *b;
        json_array_foreach (json_object_get(s, "backends"), i, b) {
            json_t *c = json_array_get(counters, i);
            printf("    ");
            print_backend(b);
            printf("  connections %lld  packets %lld\n",
                   api_num(c, "connections"), api_num(c, "packets"));
        }
    }
    json_decref(s);
    json_decref(stats);
    return 0;
}

void
api_print_services_show(json_t *services)
{
    size_t i, j;
    json_t *s, *b;
    json_array_foreach (services, i, s) {
        printf("service %s/%s: ", api_str(s, "tenant"), api_str(s, "name"));
        print_service(s);
        putchar('\n');
        json_array_foreach (json_object_get(s, "backends"), j, b) {
            printf("    ");
            print_backend(b);
            putchar('\n');
        }
    }
}
