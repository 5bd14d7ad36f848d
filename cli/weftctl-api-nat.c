/* weftctl-api-nat: the commands for the ways in and out (issue #13) in
 * weftctl's --api backend: host-set, host-show, router-set, pool-add,
 * pool-del, pool-list, fip-add, fip-del, fip-set, fip-list, map-add,
 * map-del, map-list.  See weftctl-api.h.
 *
 * Paths as in docs/openapi.json: /v1/hosts/H (PATCH), /v1/pools[/P],
 * /v1/tenants/T/routers/R (PATCH), /v1/tenants/T/floating-ips[/IP],
 * /v1/tenants/T/port-mappings[/HOST/PROTO/HOST_PORT].  The table output is
 * database mode's (cli/db-nat.c), so that scripts may use either.  Also the
 * syntax of these commands' arguments, for both modes (weftctl-commands.h).
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

/* ------------------------------------------------------------------------
 * Argument syntax, both modes. */

char *
ctl_parse_net_port(const char *arg, char **network, char **port)
{
    const char *slash = strchr(arg, '/');
    if (!slash || slash == arg || !slash[1] || strchr(slash + 1, '/')) {
        return plain_xasprintf("--port: \"%s\": expected NET/PORT (a port of "
                               "the floating IP's tenant)", arg);
    }
    *network = plain_xasprintf("%.*s", (int) (slash - arg), arg);
    *port = plain_xstrdup(slash + 1);
    return NULL;
}

char *
ctl_parse_mapping(const char *spec, bool with_to_port, char **host_port,
                  char **to_port, char **proto)
{
    const char *slash = strchr(spec, '/');
    size_t len = slash ? (size_t) (slash - spec) : strlen(spec);
    char *ports = plain_xasprintf("%.*s", (int) len, spec);
    char *colon = strchr(ports, ':');
    char *error = NULL;
    if (!len || (with_to_port ? !colon || colon == ports || !colon[1]
                 || strchr(colon + 1, ':') : colon != NULL)
        || (slash && (!slash[1] || strchr(slash + 1, '/')))) {
        error = plain_xasprintf("\"%s\": expected %s", spec,
                                with_to_port
                                ? "HOST_PORT:PORT[/tcp|udp], e.g. 8080:80/tcp"
                                : "HOST_PORT[/tcp|udp], e.g. 8080/tcp");
    } else {
        if (colon) {
            *colon = '\0';
            *to_port = plain_xstrdup(colon + 1);
        }
        *host_port = plain_xstrdup(ports);
        *proto = plain_xstrdup(slash ? slash + 1 : "tcp");
    }
    free(ports);
    return error;
}

/* ------------------------------------------------------------------------
 * The commands. */

/* Prints a usage error 'error' (malloc'd, freed) and returns the status. */
static int
usage_error(char *error)
{
    fprintf(stderr, "%s: %s\n", api_program_name, error);
    free(error);
    return EXIT_API_USAGE;
}

/* The external side of a host object, as database mode prints it after
 * 'lead' ("  external" or "external"), or " -" if it has none. */
void
api_print_external(json_t *host, const char *lead, bool dash)
{
    json_t *ext = json_object_get(host, "external");
    if (json_is_object(ext)) {
        printf("%s %s  ip %s  gateway %s  gateway-mac %s", lead,
               api_str(ext, "iface"), api_str(ext, "ip"),
               api_str(ext, "gateway"), api_str(ext, "gateway_mac"));
    } else if (dash) {
        printf("%s -", lead);
    }
}

int
api_host_set(const struct ctl_options *o)
{
    json_t *body = json_object();
    if (o->given & CO_BIT(NO_EXTERNAL)) {
        json_object_set_new(body, "external", json_null());
    } else {
        json_object_set_new(body, "external", json_pack(
                                "{s:s, s:s, s:s}",
                                "iface", o->values[CO_EXTERNAL_IFACE],
                                "ip", o->values[CO_EXTERNAL_IP],
                                "gateway", o->values[CO_EXTERNAL_GATEWAY]));
    }
    char *name = api_escape(o->args[1]);
    char *path = plain_xasprintf("/v1/hosts/%s", name);
    int status = api_run_write(o, "PATCH", path, body, 200);
    free(path);
    free(name);
    return status;
}

int
api_host_show(const struct ctl_options *o)
{
    char *name = api_escape(o->args[1]);
    char *path = plain_xasprintf("/v1/hosts/%s", name);
    json_t *h;
    bool ok = api_get(o, path, &h);
    free(path);
    free(name);
    if (!ok) {
        return EXIT_API_ERROR;
    }
    if (o->json) {
        api_print_json(h);
    } else {
        printf("host %s\n", api_str(h, "name"));
        if (json_object_get(h, "ovsdb_remote")) {   /* Admins only. */
            printf("    remote %s  datapath %s  tunnel-ip %s  uplink %s  "
                   "openflow %s\n", api_str(h, "ovsdb_remote"),
                   api_str(h, "datapath_type"), api_str(h, "tunnel_ip"),
                   api_str(h, "uplink"), api_str(h, "openflow_remote"));
            api_print_external(h, "    external", true);
            putchar('\n');
        }
        printf("    ovsdb_connected %s  openflow_connected %s  cur_cfg %lld\n",
               json_is_true(json_object_get(h, "ovsdb_connected"))
               ? "true" : "false",
               json_is_true(json_object_get(h, "openflow_connected"))
               ? "true" : "false", api_num(h, "cur_cfg"));
    }
    json_decref(h);
    return 0;
}

int
api_router_set(const struct ctl_options *o)
{
    const char *snat = o->values[CO_SNAT] ? o->values[CO_SNAT] : "true";
    if (strcmp(snat, "true") && strcmp(snat, "false")) {
        return usage_error(plain_xasprintf("--snat: \"%s\": expected true or "
                                           "false", snat));
    }
    char *names[3] = { NULL, NULL, NULL };
    if (!api_split_names(o->args[1], 2, "TENANT/ROUTER", names)) {
        return EXIT_API_USAGE;
    }
    char *path = plain_xasprintf("/v1/tenants/%s/routers/%s", names[0],
                                 names[1]);
    int status = api_run_write(o, "PATCH", path,
                               json_pack("{s:b}", "snat",
                                         !strcmp(snat, "true")), 200);
    free(path);
    free(names[0]);
    free(names[1]);
    return status;
}

int
api_pool_add(const struct ctl_options *o)
{
    return api_run_write(o, "POST", "/v1/pools",
                         json_pack("{s:s, s:s}", "name", o->args[1],
                                   "cidr", o->args[2]), 201);
}

int
api_pool_del(const struct ctl_options *o)
{
    char *name = api_escape(o->args[1]);
    char *path = plain_xasprintf("/v1/pools/%s", name);
    int status = api_run_write(o, "DELETE", path, NULL, 204);
    free(path);
    free(name);
    return status;
}

int
api_pool_list(const struct ctl_options *o)
{
    json_t *list;
    if (!api_get(o, "/v1/pools", &list)) {
        return EXIT_API_ERROR;
    }
    if (o->json) {
        api_print_json(list);
    } else {
        int width = 0;
        size_t i;
        json_t *p;
        json_array_foreach (list, i, p) {
            int len = strlen(api_str(p, "name"));
            width = len > width ? len : width;
        }
        json_array_foreach (list, i, p) {
            printf("%-*s  cidr %s  floating-ips %lld\n", width,
                   api_str(p, "name"), api_str(p, "cidr"),
                   api_num(p, "floating_ips"));
        }
    }
    json_decref(list);
    return 0;
}

/* "/v1/tenants/T/floating-ips" of o->args[1], and '/' 'ip' if nonnull;
 * or NULL after a usage error. */
static char *
fip_path(const struct ctl_options *o, const char *ip)
{
    char *names[3] = { NULL, NULL, NULL };
    if (!api_split_names(o->args[1], 1, "TENANT", names)) {
        return NULL;
    }
    char *ip_e = ip ? api_escape(ip) : NULL;
    char *path = plain_xasprintf("/v1/tenants/%s/floating-ips%s%s", names[0],
                                 ip ? "/" : "", ip ? ip_e : "");
    free(ip_e);
    free(names[0]);
    return path;
}

/* Adds --port's "network" and "port" to 'body'.  Returns false after a
 * usage error. */
static bool
set_target_port(const struct ctl_options *o, json_t *body)
{
    char *net = NULL, *port = NULL;
    char *error = ctl_parse_net_port(o->values[CO_PORT], &net, &port);
    if (error) {
        usage_error(error);
        return false;
    }
    json_object_set_new(body, "network", json_string(net));
    json_object_set_new(body, "port", json_string(port));
    free(net);
    free(port);
    return true;
}

/* Sends 'body' (its reference is taken) with 'method' to fip_path(). */
static int
fip_write(const struct ctl_options *o, const char *ip, const char *method,
          json_t *body, int want)
{
    char *path = fip_path(o, ip);
    if (!path) {
        json_decref(body);
        return EXIT_API_USAGE;
    }
    int status = api_run_write(o, method, path, body, want);
    free(path);
    return status;
}

int
api_fip_add(const struct ctl_options *o)
{
    json_t *body = json_pack("{s:s}", "pool", o->values[CO_POOL]);
    if (o->n_ips) {
        json_object_set_new(body, "ip", json_string(o->ips[0]));
    }
    if ((o->given & CO_BIT(PORT)) && !set_target_port(o, body)) {
        json_decref(body);
        return EXIT_API_USAGE;
    }
    /* api_run_write() prints the answer's "ip". */
    return fip_write(o, NULL, "POST", body, 201);
}

int
api_fip_del(const struct ctl_options *o)
{
    return fip_write(o, o->args[2], "DELETE", NULL, 204);
}

int
api_fip_set(const struct ctl_options *o)
{
    json_t *body = json_object();
    if (o->given & CO_BIT(NO_PORT)) {
        json_object_set_new(body, "port", json_null());
    } else if (!set_target_port(o, body)) {
        json_decref(body);
        return EXIT_API_USAGE;
    }
    return fip_write(o, o->args[2], "PATCH", body, 200);
}

/* "pool P  port NET/PORT  host H" (or "port -  host -"). */
static void
print_fip(json_t *f)
{
    printf("pool %s  ", api_str(f, "pool"));
    if (json_is_string(json_object_get(f, "port"))) {
        printf("port %s/%s  host %s", api_str(f, "network"),
               api_str(f, "port"), api_str(f, "host"));
    } else {
        printf("port -  host -");
    }
}

/* "HOST_IP:HOST_PORT/PROTO -> T/NET/PORT ENDPOINT_IP:PORT". */
static void
print_mapping(json_t *m)
{
    printf("%s:%lld/%s -> %s/%s/%s %s:%lld", api_str(m, "host_ip"),
           api_num(m, "host_port"), api_str(m, "proto"),
           api_str(m, "tenant"), api_str(m, "network"), api_str(m, "port"),
           api_str(m, "endpoint_ip"), api_num(m, "to_port"));
}

void
api_print_nat_show(json_t *fips, json_t *maps)
{
    size_t i;
    json_t *v;
    json_array_foreach (fips, i, v) {
        printf("floating-ip %s: tenant %s  ", api_str(v, "ip"),
               api_str(v, "tenant"));
        print_fip(v);
        putchar('\n');
    }
    json_array_foreach (maps, i, v) {
        printf("port-mapping %s: ", api_str(v, "host"));
        print_mapping(v);
        putchar('\n');
    }
}

int
api_fip_list(const struct ctl_options *o)
{
    json_t *list;
    int status;
    if (!api_list_per_tenant(o, "floating-ips", &list, &status)) {
        return status;
    }
    size_t i;
    json_t *f;
    json_array_foreach (list, i, f) {
        printf("%-15s  tenant %s  ", api_str(f, "ip"), api_str(f, "tenant"));
        print_fip(f);
        putchar('\n');
    }
    json_decref(list);
    return 0;
}

int
api_map_add(const struct ctl_options *o)
{
    char *names[3] = { NULL, NULL, NULL };
    if (!api_split_names(o->args[1], 3, "TENANT/NETWORK/PORT", names)) {
        return EXIT_API_USAGE;
    }
    char *host_port = NULL, *to_port = NULL, *proto = NULL;
    char *error = ctl_parse_mapping(o->args[2], true, &host_port, &to_port,
                                    &proto);
    int status = EXIT_API_USAGE;
    if (error) {
        usage_error(error);
    } else {
        /* The names go unescaped into the body. */
        const char *net = strchr(o->args[1], '/') + 1;
        const char *port = strchr(net, '/') + 1;
        json_t *body = json_pack("{s:s%, s:s, s:s}",
                                 "network", net, (size_t) (port - 1 - net),
                                 "port", port, "proto", proto);
        if (api_set_number(body, "host_port", "HOST_PORT", host_port)
            && api_set_number(body, "to_port", "PORT", to_port)) {
            char *path = plain_xasprintf("/v1/tenants/%s/port-mappings",
                                         names[0]);
            status = api_run_write(o, "POST", path, body, 201);
            free(path);
        } else {
            json_decref(body);
        }
    }
    for (int i = 0; i < 3; i++) {
        free(names[i]);
    }
    free(host_port);
    free(to_port);
    free(proto);
    return status;
}

/* Finds in 'list' (the tenant's mappings) the one of port NET/PORT
 * ('names' 1 and 2, unescaped) with 'proto' and 'host_port'. */
static json_t *
find_mapping(json_t *list, const char *net, const char *port,
             const char *proto, const char *host_port)
{
    size_t i;
    json_t *m;
    json_array_foreach (list, i, m) {
        char number[24];
        snprintf(number, sizeof number, "%lld", api_num(m, "host_port"));
        if (!strcmp(api_str(m, "network"), net)
            && !strcmp(api_str(m, "port"), port)
            && !strcmp(api_str(m, "proto"), proto)
            && !strcmp(number, host_port)) {
            return m;
        }
    }
    return NULL;
}

/* The API deletes a mapping by its host: the tenant's list says which host
 * the port's mapping is on. */
int
api_map_del(const struct ctl_options *o)
{
    char *names[3] = { NULL, NULL, NULL };
    if (!api_split_names(o->args[1], 3, "TENANT/NETWORK/PORT", names)) {
        return EXIT_API_USAGE;
    }
    char *host_port = NULL, *to_port = NULL, *proto = NULL;
    char *error = ctl_parse_mapping(o->args[2], false, &host_port, &to_port,
                                    &proto);
    int status = EXIT_API_USAGE;
    json_t *list = NULL;
    char *path = plain_xasprintf("/v1/tenants/%s/port-mappings", names[0]);
    if (error) {
        usage_error(error);
    } else if (!api_get(o, path, &list)) {
        status = EXIT_API_ERROR;
    } else {
        char *copy = plain_xstrdup(strchr(o->args[1], '/') + 1);
        char *port = strchr(copy, '/');
        *port++ = '\0';
        json_t *m = find_mapping(list, copy, port, proto, host_port);
        if (!m) {
            fprintf(stderr, "%s: port %s has no mapping of %s/%s\n",
                    api_program_name, o->args[1], proto, host_port);
            status = EXIT_API_ERROR;
        } else {
            char *host = api_escape(api_str(m, "host"));
            char *target = plain_xasprintf("%s/%s/%s/%s", path, host, proto,
                                           host_port);
            status = api_run_write(o, "DELETE", target, NULL, 204);
            free(target);
            free(host);
        }
        free(copy);
        json_decref(list);
    }
    free(path);
    for (int i = 0; i < 3; i++) {
        free(names[i]);
    }
    free(host_port);
    free(to_port);
    free(proto);
    return status;
}

int
api_map_list(const struct ctl_options *o)
{
    json_t *list;
    int status;
    if (!api_list_per_tenant(o, "port-mappings", &list, &status)) {
        return status;
    }
    int width = 0;
    size_t i;
    json_t *m;
    json_array_foreach (list, i, m) {
        int len = strlen(api_str(m, "host"));
        width = len > width ? len : width;
    }
    json_array_foreach (list, i, m) {
        printf("%-*s  ", width, api_str(m, "host"));
        print_mapping(m);
        putchar('\n');
    }
    json_decref(list);
    return 0;
}
