/* weftctl-api-routers: the routing commands of weftctl's --api backend
 * (router-add, router-del, router-attach, router-detach, route-add,
 * route-del, router-list, router-show).  See weftctl-api.h.
 *
 * Paths: /v1/tenants/T/routers[/R[/networks[/NET]|/routes[/A.B.C.D/LEN]]],
 * as in docs/openapi.json.  The table output is database mode's
 * (cli/db-read.c), so that scripts may use either.
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

/* api_object_path() and api_object_write() for a router ("T/R" in
 * o->args[1]). */
static char *
router_path(const struct ctl_options *o, const char *suffix)
{
    return api_object_path(o, "routers", "TENANT/ROUTER", suffix);
}

static int
router_write(const struct ctl_options *o, const char *suffix,
             const char *method, json_t *body, int want)
{
    return api_object_write(o, "routers", "TENANT/ROUTER", suffix, method,
                            body, want);
}

int
api_router_add(const struct ctl_options *o)
{
    char *path = api_collection_path(o, "routers", "TENANT/ROUTER");
    if (!path) {
        return EXIT_API_USAGE;
    }
    const char *name = strchr(o->args[1], '/') + 1;
    json_t *body = json_pack("{s:s}", "name", name);
    if (o->given & CO_BIT(SNAT)) {
        /* "--snat" alone turns it on. */
        const char *snat = o->values[CO_SNAT] ? o->values[CO_SNAT] : "true";
        if (strcmp(snat, "true") && strcmp(snat, "false")) {
            fprintf(stderr, "%s: --snat: \"%s\": expected true or false\n",
                    api_program_name, snat);
            json_decref(body);
            free(path);
            return EXIT_API_USAGE;
        }
        json_object_set_new(body, "snat", json_boolean(!strcmp(snat,
                                                               "true")));
    }
    int status = api_run_write(o, "POST", path, body, 201);
    free(path);
    return status;
}

int
api_router_del(const struct ctl_options *o)
{
    return router_write(o, "", "DELETE", NULL, 204);
}

int
api_router_attach(const struct ctl_options *o)
{
    json_t *body = json_pack("{s:s}", "network", o->args[2]);
    if (o->values[CO_MAC]) {
        json_object_set_new(body, "mac", json_string(o->values[CO_MAC]));
    }
    return router_write(o, "/networks", "POST", body, 201);
}

int
api_router_detach(const struct ctl_options *o)
{
    char *net = api_escape(o->args[2]);
    char *suffix = plain_xasprintf("/networks/%s", net);
    int status = router_write(o, suffix, "DELETE", NULL, 204);
    free(suffix);
    free(net);
    return status;
}

int
api_route_add(const struct ctl_options *o)
{
    return router_write(o, "/routes", "POST",
                        json_pack("{s:s, s:s}", "prefix", o->args[2],
                                  "nexthop", o->values[CO_VIA]), 201);
}

/* The prefix goes into the path as it is written, "A.B.C.D/LEN": two
 * segments. */
int
api_route_del(const struct ctl_options *o)
{
    const char *prefix = o->args[2];
    const char *slash = strchr(prefix, '/');
    if (!slash || slash == prefix || !slash[1] || strchr(slash + 1, '/')) {
        fprintf(stderr, "%s: \"%s\": expected A.B.C.D/LEN\n",
                api_program_name, prefix);
        return EXIT_API_USAGE;
    }
    char *addr = strndup(prefix, slash - prefix);
    char *addr_e = api_escape(addr);
    char *len_e = api_escape(slash + 1);
    char *suffix = plain_xasprintf("/routes/%s/%s", addr_e, len_e);
    int status = router_write(o, suffix, "DELETE", NULL, 204);
    free(suffix);
    free(len_e);
    free(addr_e);
    free(addr);
    return status;
}

void
api_print_router_summary(json_t *r)
{
    printf("key %lld  networks ", api_num(r, "key"));
    json_t *nets = json_object_get(r, "networks");
    size_t i;
    json_t *n;
    json_array_foreach (nets, i, n) {
        printf("%s%s", i ? "," : "", api_str(n, "network"));
    }
    if (!json_array_size(nets)) {
        putchar('-');
    }
    printf("  routes %zu%s", json_array_size(json_object_get(r, "routes")),
           json_is_true(json_object_get(r, "snat")) ? "  snat on" : "");
}

int
api_router_list(const struct ctl_options *o)
{
    json_t *list;
    int status;
    if (!api_list_per_tenant(o, "routers", &list, &status)) {
        return status;
    }
    int width = 0;
    size_t i;
    json_t *r;
    json_array_foreach (list, i, r) {
        int len = strlen(api_str(r, "tenant")) + 1
                  + strlen(api_str(r, "name"));
        width = len > width ? len : width;
    }
    json_array_foreach (list, i, r) {
        char *label = plain_xasprintf("%s/%s", api_str(r, "tenant"),
                                      api_str(r, "name"));
        printf("%-*s  ", width, label);
        free(label);
        api_print_router_summary(r);
        putchar('\n');
    }
    json_decref(list);
    return 0;
}

int
api_router_show(const struct ctl_options *o)
{
    char *path = router_path(o, "");
    if (!path) {
        return EXIT_API_USAGE;
    }
    json_t *r;
    bool ok = api_get(o, path, &r);
    free(path);
    if (!ok) {
        return EXIT_API_ERROR;
    }
    if (o->json) {
        api_print_json(r);
    } else {
        printf("router %s/%s  key %lld%s\n", api_str(r, "tenant"),
               api_str(r, "name"), api_num(r, "key"),
               json_is_true(json_object_get(r, "snat")) ? "  snat on" : "");
        size_t i;
        json_t *v;
        json_array_foreach (json_object_get(r, "networks"), i, v) {
            printf("    network %s  ip %s  mac %s\n", api_str(v, "network"),
                   api_str(v, "ip"), api_str(v, "mac"));
        }
        json_array_foreach (json_object_get(r, "routes"), i, v) {
            printf("    route %s via %s\n", api_str(v, "prefix"),
                   api_str(v, "nexthop"));
        }
    }
    json_decref(r);
    return 0;
}
