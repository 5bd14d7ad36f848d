/* weftctl-api-sg: the commands for security groups (issue #15) in
 * weftctl's --api backend: sg-add, sg-del, sg-list, sg-show, sg-rule-add,
 * sg-rule-del, sg-member-add, sg-member-del.  See weftctl-api.h.
 *
 * Paths as in docs/openapi.json: /v1/tenants/T/security-groups[/G[/stats]],
 * .../G/rules[/ID], .../G/members[/NET/PORT].  The table output is database
 * mode's (cli/db-sg.c), so that scripts may use either.  Also the syntax of
 * a member argument, for both modes (weftctl-commands.h), and port-show,
 * which prints a port's groups.
 *
 * jansson side: no OVS headers. */
#define _GNU_SOURCE 1
#include "weftctl-api.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api-client.h"
#include "plain-util.h"
#include "weftctl-api-int.h"
#include "weftctl-commands.h"

char *
ctl_parse_member(const char *arg, char **network, char **port)
{
    /* The same syntax as a backend's: NET/PORT (or T/NET/PORT). */
    char *error = ctl_parse_backend(arg, network, port);
    if (error) {
        free(error);
        return plain_xasprintf("\"%s\": expected NET/PORT (a port of the "
                               "group's tenant)", arg);
    }
    return NULL;
}

static int
sg_write(const struct ctl_options *o, const char *suffix, const char *method,
         json_t *body, int want)
{
    return api_object_write(o, "security-groups", "TENANT/GROUP", suffix,
                            method, body, want);
}

int
api_sg_add(const struct ctl_options *o)
{
    char *path = api_collection_path(o, "security-groups", "TENANT/GROUP");
    if (!path) {
        return EXIT_API_USAGE;
    }
    const char *slash = strchr(o->args[1], '/');
    json_t *body = json_pack("{s:s}", "name", slash + 1);
    int status = api_run_write(o, "POST", path, body, 201);
    free(path);
    return status;
}

int
api_sg_del(const struct ctl_options *o)
{
    return sg_write(o, "", "DELETE", NULL, 204);
}

int
api_sg_rule_add(const struct ctl_options *o)
{
    json_t *body = json_pack("{s:s}", "direction", o->values[CO_DIRECTION]);
    static const struct {
        enum cmd_option co;
        const char *member;
    } members[] = {
        { CO_PROTO, "proto" },
        { CO_PORTS, "ports" },
        { CO_REMOTE_CIDR, "remote_cidr" },
        { CO_REMOTE_GROUP, "remote_group" },
    };
    for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
        const char *value = o->values[members[i].co];
        if (value) {
            json_object_set_new(body, members[i].member, json_string(value));
        }
    }
    /* api_run_write() prints the answer's "id". */
    return sg_write(o, "/rules", "POST", body, 201);
}

int
api_sg_rule_del(const struct ctl_options *o)
{
    char *id = api_escape(o->args[2]);
    char *suffix = plain_xasprintf("/rules/%s", id);
    int status = sg_write(o, suffix, "DELETE", NULL, 204);
    free(suffix);
    free(id);
    return status;
}

/* sg-member-add, sg-member-del: "T/G NET/PORT". */
static int
member_write(const struct ctl_options *o, bool add)
{
    char *net = NULL, *port = NULL;
    char *error = ctl_parse_member(o->args[2], &net, &port);
    if (error) {
        fprintf(stderr, "%s: %s\n", api_program_name, error);
        free(error);
        return EXIT_API_USAGE;
    }
    int status;
    if (add) {
        json_t *body = json_pack("{s:s, s:s}", "network", net, "port", port);
        status = sg_write(o, "/members", "POST", body, 201);
    } else {
        char *net_e = api_escape(net), *port_e = api_escape(port);
        char *suffix = plain_xasprintf("/members/%s/%s", net_e, port_e);
        status = sg_write(o, suffix, "DELETE", NULL, 204);
        free(suffix);
        free(net_e);
        free(port_e);
    }
    free(net);
    free(port);
    return status;
}

int
api_sg_member_add(const struct ctl_options *o)
{
    return member_write(o, true);
}

int
api_sg_member_del(const struct ctl_options *o)
{
    return member_write(o, false);
}

int
api_sg_list(const struct ctl_options *o)
{
    json_t *list;
    int status;
    if (!api_list_per_tenant(o, "security-groups", &list, &status)) {
        return status;
    }
    size_t i;
    json_t *g;
    json_array_foreach (list, i, g) {
        printf("%s/%s  rules %zu  members %zu\n", api_str(g, "tenant"),
               api_str(g, "name"),
               json_array_size(json_object_get(g, "rules")),
               json_array_size(json_object_get(g, "members")));
    }
    json_decref(list);
    return 0;
}

/* pipeline.h's weft_cookie_sg_rule() (this side has no OVS headers). */
static uint64_t
rule_cookie(long long tenant_key, long long id)
{
    return (UINT64_C(0x57) << 56) | ((uint64_t) (tenant_key & 0xffff) << 40)
           | 0x20000 | (uint64_t) (id & 0xffff);
}

/* "rule ID  DIRECTION  PROTO[/PORTS]  from|to REMOTE  cookie C", as
 * database mode prints it. */
static void
print_rule(json_t *r, long long tenant_key)
{
    json_t *ports = json_object_get(r, "ports");
    const char *direction = api_str(r, "direction");
    printf("rule %lld  %s  %s%s%s  %s ", api_num(r, "id"), direction,
           api_str(r, "proto"), json_is_string(ports) ? "/" : "",
           json_is_string(ports) ? json_string_value(ports) : "",
           !strcmp(direction, "egress") ? "to" : "from");
    if (json_is_string(json_object_get(r, "remote_cidr"))) {
        printf("%s", api_str(r, "remote_cidr"));
    } else if (json_is_string(json_object_get(r, "remote_group"))) {
        printf("group %s", api_str(r, "remote_group"));
    } else {
        printf("any");
    }
    printf("  cookie %#"PRIx64, rule_cookie(tenant_key, api_num(r, "id")));
}

int
api_sg_show(const struct ctl_options *o)
{
    char *path = api_object_path(o, "security-groups", "TENANT/GROUP", "");
    if (!path) {
        return EXIT_API_USAGE;
    }
    char *stats_path = plain_xasprintf("%s/stats", path);
    const char *slash = strchr(path + strlen("/v1/tenants/"), '/');
    char *tenant_path = plain_xasprintf("%.*s", (int) (slash - path), path);
    json_t *g = NULL, *stats = NULL, *tenant = NULL;
    bool ok = (api_get(o, path, &g) && api_get(o, stats_path, &stats)
               && api_get(o, tenant_path, &tenant));
    free(path);
    free(stats_path);
    free(tenant_path);
    if (!ok) {
        json_decref(g);
        json_decref(stats);
        return EXIT_API_ERROR;
    }
    if (o->json) {
        json_object_set(g, "stats", stats);
        api_print_json(g);
    } else {
        printf("security group %s/%s\n", api_str(g, "tenant"),
               api_str(g, "name"));
        json_t *counters = json_object_get(stats, "rules");
        size_t i;
        json_t *r;
        json_array_foreach (json_object_get(g, "rules"), i, r) {
            printf("    ");
            print_rule(r, api_num(tenant, "key"));
            printf("  packets %lld\n",
                   api_num(json_array_get(counters, i), "packets"));
        }
        json_array_foreach (json_object_get(g, "members"), i, r) {
            printf("    member %s/%s\n", api_str(r, "network"),
                   api_str(r, "port"));
        }
        json_t *deny = json_object_get(stats, "default_deny");
        printf("    default deny  ingress packets %lld  egress packets "
               "%lld\n", api_num(deny, "ingress"), api_num(deny, "egress"));
    }
    json_decref(g);
    json_decref(stats);
    json_decref(tenant);
    return 0;
}

/* "port-show T/N/P": port-list's line of one port, or with --json its
 * object. */
int
api_port_show(const struct ctl_options *o)
{
    char *names[3] = { NULL, NULL, NULL };
    if (!api_split_names(o->args[1], 3, "TENANT/NET/PORT", names)) {
        return EXIT_API_USAGE;
    }
    char *path = plain_xasprintf("/v1/tenants/%s/networks/%s/ports/%s",
                                 names[0], names[1], names[2]);
    for (int i = 0; i < 3; i++) {
        free(names[i]);
    }
    json_t *port = NULL;
    bool ok = api_get(o, path, &port);
    free(path);
    if (!ok) {
        return EXIT_API_ERROR;
    }
    if (o->json) {
        api_print_json(port);
    } else {
        json_t *list = json_pack("[O]", port);
        api_print_ports(list);
        json_decref(list);
    }
    json_decref(port);
    return 0;
}
