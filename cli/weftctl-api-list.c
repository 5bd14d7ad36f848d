/* weftctl-api-list: the listings of weftctl's --api backend: host-list,
 * tenant-list, net-list, port-list and show, which walk the tenants'
 * collections (api_tenants()) and print the same lines as database mode,
 * or with --json the API's objects.  See weftctl-api-int.h.
 *
 * jansson side: no OVS headers. */
#define _GNU_SOURCE 1
#include "weftctl-api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api-client.h"
#include "plain-util.h"
#include "weftctl-api-int.h"
#include "weftctl-commands.h"

/* Returns the values of 'keys' of 'v' joined by '/' (malloc'd). */
static char *
label(json_t *v, const char *const keys[])
{
    size_t len = 1;
    for (const char *const *k = keys; *k; k++) {
        len += strlen(api_str(v, *k)) + 1;
    }
    char *s = malloc(len);
    s[0] = '\0';
    for (const char *const *k = keys; *k; k++) {
        if (k != keys) {
            strcat(s, "/");
        }
        strcat(s, api_str(v, *k));
    }
    return s;
}

static int
max_width(json_t *list, const char *const keys[])
{
    int width = 0;
    size_t i;
    json_t *v;
    json_array_foreach (list, i, v) {
        char *l = label(v, keys);
        width = (int) strlen(l) > width ? (int) strlen(l) : width;
        free(l);
    }
    return width;
}

static void
put_label(json_t *v, const char *const keys[], int width)
{
    char *l = label(v, keys);
    printf("%-*s  ", width, l);
    free(l);
}

void
api_print_hosts(json_t *hosts)
{
    static const char *const keys[] = { "name", NULL };
    int width = max_width(hosts, keys);
    size_t i;
    json_t *h;
    json_array_foreach (hosts, i, h) {
        put_label(h, keys, width);
        if (json_object_get(h, "ovsdb_remote")) {
            printf("remote %s  datapath %s  tunnel-ip %s  uplink %s  "
                   "openflow %s", api_str(h, "ovsdb_remote"),
                   api_str(h, "datapath_type"), api_str(h, "tunnel_ip"),
                   api_str(h, "uplink"), api_str(h, "openflow_remote"));
            api_print_external(h, "  external", false);
            printf("  ");
        }
        printf("ovsdb %s  openflow %s  cur_cfg %lld\n",
               json_is_true(json_object_get(h, "ovsdb_connected"))
               ? "connected" : "disconnected",
               api_str(h, "openflow_state"), api_num(h, "cur_cfg"));
    }
}

static void
print_networks(json_t *nets)
{
    static const char *const keys[] = { "tenant", "name", NULL };
    int width = max_width(nets, keys);
    size_t i;
    json_t *n;
    json_array_foreach (nets, i, n) {
        put_label(n, keys, width);
        printf("%s %lld  mtu %lld%s  key %lld", api_str(n, "type"),
               api_num(n, "segment_id"), api_num(n, "mtu"),
               json_is_true(json_object_get(n, "mtu_default"))
               ? " (default)" : "", api_num(n, "key"));
        if (json_is_string(json_object_get(n, "cidr"))) {
            printf("  cidr %s  gateway %s  router %s", api_str(n, "cidr"),
                   api_str(n, "gateway"), api_str(n, "router"));
        }
        putchar('\n');
    }
}

void
api_print_ports(json_t *ports)
{
    static const char *const keys[] = { "tenant", "network", "name", NULL };
    int width = max_width(ports, keys);
    size_t i;
    json_t *p;
    json_array_foreach (ports, i, p) {
        put_label(p, keys, width);
        printf("host %s  iface %s  mac %s  ips ", api_str(p, "host"),
               api_str(p, "iface"), api_str(p, "mac"));
        json_t *ips = json_object_get(p, "ips");
        size_t j;
        json_t *ip;
        json_array_foreach (ips, j, ip) {
            printf("%s%s", j ? "," : "", json_string_value(ip));
        }
        if (!json_array_size(ips)) {
            putchar('-');
        }
        printf("  key %lld", api_num(p, "key"));
        if (json_is_string(json_object_get(p, "error"))) {
            printf("  error \"%s\"", api_str(p, "error"));
        }
        json_t *sgs = json_object_get(p, "security_groups");
        json_array_foreach (sgs, j, ip) {
            printf("%s%s", j ? "," : "  groups ", json_string_value(ip));
        }
        putchar('\n');
    }
}

bool
api_tenants(const struct ctl_options *o, const char *tenant,
            json_t **tenants)
{
    if (tenant) {
        *tenants = json_pack("[{s:s}]", "name", tenant);
        return true;
    }
    return api_get(o, "/v1/tenants", tenants);
}

bool
api_collect_per_tenant(const struct ctl_options *o, const char *tenant,
                       const char *kind, json_t *out)
{
    json_t *tenants;
    if (!api_tenants(o, tenant, &tenants)) {
        return false;
    }
    bool ok = true;
    size_t i;
    json_t *t;
    json_array_foreach (tenants, i, t) {
        char *te = api_escape(api_str(t, "name"));
        char *target = plain_xasprintf("/v1/tenants/%s/%s", te, kind);
        json_t *list;
        ok = api_get(o, target, &list);
        free(target);
        free(te);
        if (!ok) {
            break;
        }
        json_array_extend(out, list);
        json_decref(list);
    }
    json_decref(tenants);
    return ok;
}

bool
api_list_per_tenant(const struct ctl_options *o, const char *kind,
                    json_t **list, int *statusp)
{
    char *names[3] = { NULL, NULL, NULL };
    if (o->n_args > 1 && !api_split_names(o->args[1], 1, "TENANT", names)) {
        *statusp = EXIT_API_USAGE;
        return false;
    }
    free(names[0]);
    *list = json_array();
    if (!api_collect_per_tenant(o, o->n_args > 1 ? o->args[1] : NULL, kind,
                                *list)) {
        json_decref(*list);
        *statusp = EXIT_API_ERROR;
        return false;
    }
    *statusp = 0;
    if (o->json) {
        api_print_json(*list);
        json_decref(*list);
        return false;
    }
    return true;
}

/* Appends to 'out' every network (of 'tenant', or of every tenant the
 * caller sees if NULL); with 'ports', every port instead (of 'net' if
 * nonnull). */
static bool
collect(const struct ctl_options *o, const char *tenant, const char *net,
        bool ports, json_t *out)
{
    json_t *nets = json_array();
    bool ok = api_collect_per_tenant(o, tenant, "networks", nets);
    size_t i;
    json_t *n;
    json_array_foreach (ok ? nets : NULL, i, n) {
        if (net && strcmp(net, api_str(n, "name"))) {
            continue;
        }
        if (!ports) {
            json_array_append(out, n);
            continue;
        }
        char *te = api_escape(api_str(n, "tenant"));
        char *ne = api_escape(api_str(n, "name"));
        char *target = plain_xasprintf("/v1/tenants/%s/networks/%s/ports",
                                       te, ne);
        json_t *list;
        ok = api_get(o, target, &list);
        free(target);
        free(ne);
        free(te);
        if (!ok) {
            break;
        }
        json_array_extend(out, list);
        json_decref(list);
    }
    json_decref(nets);
    return ok;
}

int
api_run_list(const struct ctl_options *o, const char *cmd)
{
    json_t *list = json_array();
    bool ok;
    if (!strcmp(cmd, "host-list") || !strcmp(cmd, "tenant-list")) {
        json_decref(list);
        list = NULL;            /* api_get() leaves it alone on failure. */
        ok = api_get(o, cmd[0] == 'h' ? "/v1/hosts" : "/v1/tenants", &list);
    } else {
        char *names[3] = { NULL, NULL, NULL };
        if (o->n_args > 1) {
            int n = strchr(o->args[1], '/') ? 2 : 1;
            if (!strcmp(cmd, "net-list") && n == 2) {
                fprintf(stderr, "%s: net-list: expected TENANT\n",
                        api_program_name);
                json_decref(list);
                return EXIT_API_USAGE;
            }
            if (!api_split_names(o->args[1], n,
                                 n == 1 ? "NAME" : "TENANT/NETWORK", names)) {
                json_decref(list);
                return EXIT_API_USAGE;
            }
            /* collect() escapes names itself. */
            free(names[0]);
            free(names[1]);
            char *copy = strdup(o->args[1]), *slash = strchr(copy, '/');
            if (slash) {
                *slash++ = '\0';
            }
            ok = collect(o, copy, slash, !strcmp(cmd, "port-list"), list);
            free(copy);
        } else {
            ok = collect(o, NULL, NULL, !strcmp(cmd, "port-list"), list);
        }
    }
    if (ok) {
        if (o->json) {
            api_print_json(list);
        } else if (!strcmp(cmd, "host-list")) {
            api_print_hosts(list);
        } else if (!strcmp(cmd, "tenant-list")) {
            size_t i;
            json_t *t;
            static const char *const keys[] = { "name", NULL };
            int width = max_width(list, keys);
            json_array_foreach (list, i, t) {
                put_label(t, keys, width);
                printf("key %lld\n", api_num(t, "key"));
            }
        } else if (!strcmp(cmd, "net-list")) {
            print_networks(list);
        } else {
            api_print_ports(list);
        }
    }
    json_decref(list);
    return ok ? 0 : EXIT_API_ERROR;
}

int
api_run_show(const struct ctl_options *o)
{
    json_t *status, *nets = json_array(), *ports = json_array();
    json_t *routers = json_array();
    json_t *fips = json_array(), *maps = json_array();
    json_t *services = json_array();
    bool ok = (api_get(o, "/v1/status", &status)
               && collect(o, NULL, NULL, false, nets)
               && collect(o, NULL, NULL, true, ports)
               && api_collect_per_tenant(o, NULL, "routers", routers)
               && api_collect_per_tenant(o, NULL, "floating-ips", fips)
               && api_collect_per_tenant(o, NULL, "port-mappings", maps)
               && api_collect_per_tenant(o, NULL, "services", services));
    if (ok && o->json) {
        /* "show" is the desired state and the hosts' progress, as database
         * mode prints it: the cluster is "status"'s. */
        json_object_del(status, "cluster");
        json_object_del(status, "controller");
        json_t *show = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O}",
                                 "status", status, "networks", nets,
                                 "ports", ports, "routers", routers,
                                 "floating_ips", fips,
                                 "port_mappings", maps,
                                 "services", services);
        api_print_json(show);
        json_decref(show);
    }
    size_t i, j;
    json_t *n, *p, *r;
    if (ok && !o->json) {
        printf("nb_cfg %lld\n", api_num(status, "nb_cfg"));
        api_print_hosts(json_object_get(status, "hosts"));
        json_array_foreach (nets, i, n) {
            printf("network %s/%s: %s %lld  mtu %lld", api_str(n, "tenant"),
                   api_str(n, "name"), api_str(n, "type"),
                   api_num(n, "segment_id"), api_num(n, "mtu"));
            if (json_is_string(json_object_get(n, "cidr"))) {
                printf("  cidr %s  gateway %s  router %s", api_str(n, "cidr"),
                       api_str(n, "gateway"), api_str(n, "router"));
            }
            putchar('\n');
            json_array_foreach (ports, j, p) {
                if (!strcmp(api_str(p, "tenant"), api_str(n, "tenant"))
                    && !strcmp(api_str(p, "network"), api_str(n, "name"))) {
                    printf("    port %s: host %s  iface %s  mac %s  "
                           "ofport %lld  %s\n", api_str(p, "name"),
                           api_str(p, "host"), api_str(p, "iface"),
                           api_str(p, "mac"), api_num(p, "ofport"),
                           json_is_true(json_object_get(p, "up"))
                           ? "up" : "down");
                    if (json_is_string(json_object_get(p, "error"))) {
                        printf("        error \"%s\"\n", api_str(p, "error"));
                    }
                }
            }
        }
    }
    json_array_foreach (ok && !o->json ? routers : NULL, i, r) {
        printf("router %s/%s: ", api_str(r, "tenant"), api_str(r, "name"));
        api_print_router_summary(r);
        putchar('\n');
    }
    if (ok && !o->json) {
        api_print_nat_show(fips, maps);
        api_print_services_show(services);
    }
    if (ok) {
        json_decref(status);
    }
    json_decref(nets);
    json_decref(ports);
    json_decref(routers);
    json_decref(fips);
    json_decref(maps);
    json_decref(services);
    return ok ? 0 : EXIT_API_ERROR;
}
