/* weftctl-api: weftctl's commands over weftd's REST API.  See weftctl-api.h.
 *
 * Each command is one or a few requests (api-client.h); the lists that span
 * tenants (net-list, port-list, show) walk the tree. */
#define _GNU_SOURCE 1
#include "weftctl-api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api-client.h"
#include "cluster-status.h"
#include "plain-util.h"
#include "weftctl-api-int.h"
#include "weftctl-commands.h"

/* Prints 'json' as the API gave it. */
static void
print_json(json_t *json)
{
    char *s = json_dumps(json, JSON_INDENT(2) | JSON_SORT_KEYS
                               | JSON_ENCODE_ANY);
    if (s) {
        puts(s);
        free(s);
    }
}

static const char *
str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "-";
}

static long long
num(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* Splits "A/B/C" into exactly 'n' non-empty names (malloc'd, escaped for a
 * URL).  Returns false after printing a usage error. */
static bool
split_path(const char *arg, int n, char *names[3])
{
    return api_split_names(arg, n, (n == 1 ? "NAME" : n == 2
                                    ? "TENANT/NETWORK"
                                    : "TENANT/NETWORK/PORT"), names);
}

bool
api_split_names(const char *arg, int n, const char *what, char *names[3])
{
    char *copy = strdup(arg), *save = NULL;
    int i = 0;
    for (char *p = strtok_r(copy, "/", &save); p;
         p = strtok_r(NULL, "/", &save)) {
        if (i < 3) {
            names[i] = api_escape(p);
        }
        i++;
    }
    bool ok = i == n && !strstr(arg, "//") && arg[0] != '/'
              && arg[strlen(arg) - 1] != '/';
    if (!ok) {
        fprintf(stderr, "%s: \"%s\": expected %s\n", api_program_name, arg,
                what);
        for (int j = 0; j < i && j < 3; j++) {
            free(names[j]);
            names[j] = NULL;
        }
    }
    free(copy);
    return ok;
}

/* "?wait=installed&timeout=N" for writes with --wait, else "". */
static char *
wait_query(const struct ctl_options *o)
{
    return (o->wait
            ? plain_xasprintf("?wait=installed&timeout=%d",
                         o->timeout ? o->timeout : 3600)
            : strdup(""));
}

static bool
set_string(json_t *body, const char *key, const char *value)
{
    if (value) {
        json_object_set_new(body, key, json_string(value));
    }
    return true;
}

static bool
set_integer(json_t *body, const char *key, const char *value)
{
    if (!value) {
        return true;
    }
    char *end;
    errno = 0;
    long long i = strtoll(value, &end, 10);
    if (!*value || *end || errno) {
        fprintf(stderr, "%s: --%s: \"%s\" is not a number\n", api_program_name,
                strcmp(key, "segment_id") ? key : "segment", value);
        return false;
    }
    json_object_set_new(body, key, json_integer(i));
    return true;
}

/* Whether port-add's --ip options give an IPv4 address (then none is
 * allocated; IPv6 addresses never are). */
static bool
given_ipv4(const struct ctl_options *o)
{
    for (size_t i = 0; i < o->n_ips; i++) {
        if (strchr(o->ips[i], '.')) {
            return true;
        }
    }
    return false;
}

/* A POST, PATCH or DELETE; prints what it answers. */
static int
run_write(const struct ctl_options *o, const char *method, const char *path,
          json_t *body, int want)
{
    char *query = wait_query(o);
    char *target = plain_xasprintf("%s%s", path, query);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    struct api_answer a;
    bool ok = api_call(o, method, target, text, want, &a);
    if (ok && o->json && a.json) {
        print_json(a.json);
    } else if (ok && json_object_get(a.json, "token")) {
        /* The only time anyone sees it. */
        printf("%s\n", str(a.json, "token"));
    } else if (ok && !strcmp(o->args[0], "sg-rule-add")) {
        /* The new rule's id, as database mode prints it. */
        printf("%lld\n", num(a.json, "id"));
    } else if (ok && !strcmp(o->args[0], "fip-add")) {
        /* The address taken, as database mode prints it. */
        printf("%s\n", str(a.json, "ip"));
    } else if (ok && !strcmp(o->args[0], "port-add") && !given_ipv4(o)) {
        /* The addresses allocated, as database mode prints them. */
        size_t i;
        json_t *ip;
        json_array_foreach (json_object_get(a.json, "ips"), i, ip) {
            if (!strchr(json_string_value(ip), ':')) {
                printf("%s\n", json_string_value(ip));
            }
        }
    }
    if (ok) {
        api_answer_destroy(&a);
    }
    free(text);
    free(target);
    free(query);
    json_decref(body);
    return ok ? 0 : EXIT_API_ERROR;
}

bool
api_set_number(json_t *body, const char *key, const char *option,
               const char *text)
{
    char *end;
    errno = 0;
    long long i = strtoll(text, &end, 10);
    if (!*text || *end || errno) {
        fprintf(stderr, "%s: %s: \"%s\" is not a number\n", api_program_name,
                option, text);
        return false;
    }
    json_object_set_new(body, key, json_integer(i));
    return true;
}

char *
api_object_path(const struct ctl_options *o, const char *collection,
                const char *what, const char *suffix)
{
    char *names[3] = { NULL, NULL, NULL };
    if (!api_split_names(o->args[1], 2, what, names)) {
        return NULL;
    }
    char *path = plain_xasprintf("/v1/tenants/%s/%s/%s%s", names[0],
                                 collection, names[1], suffix);
    free(names[0]);
    free(names[1]);
    return path;
}

char *
api_collection_path(const struct ctl_options *o, const char *collection,
                    const char *what)
{
    char *names[3] = { NULL, NULL, NULL };
    if (!api_split_names(o->args[1], 2, what, names)) {
        return NULL;
    }
    char *path = plain_xasprintf("/v1/tenants/%s/%s", names[0], collection);
    free(names[0]);
    free(names[1]);
    return path;
}

int
api_object_write(const struct ctl_options *o, const char *collection,
                 const char *what, const char *suffix, const char *method,
                 json_t *body, int want)
{
    char *path = api_object_path(o, collection, what, suffix);
    if (!path) {
        json_decref(body);
        return EXIT_API_USAGE;
    }
    int status = api_run_write(o, method, path, body, want);
    free(path);
    return status;
}

int
api_run_write(const struct ctl_options *o, const char *method,
              const char *path, json_t *body, int want)
{
    return run_write(o, method, path, body, want);
}

void
api_print_json(json_t *json)
{
    print_json(json);
}

const char *
api_str(json_t *o, const char *key)
{
    return str(o, key);
}

long long
api_num(json_t *o, const char *key)
{
    return num(o, key);
}

/* tenant-quota: the same lines as database mode. */
static void
print_quotas(json_t *quotas)
{
    static const char *const names[] = { "ports", "networks",
                                         "ips_per_port" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        json_t *q = json_object_get(quotas, names[i]);
        printf("%-12s  limit %lld%s  used %lld\n", names[i], num(q, "limit"),
               json_is_true(json_object_get(q, "default")) ? " (default)" : "",
               num(q, "used"));
    }
}

/* tenant-set: sets member 'key' of 'body' to the limit 'value' of option
 * --'option', or to null for "default".  Returns false after a usage
 * error. */
static bool
set_quota(json_t *body, const char *key, const char *option,
          const char *value)
{
    if (!value) {
        return true;
    }
    if (!strcmp(value, "default")) {
        json_object_set_new(body, key, json_null());
        return true;
    }
    char *end;
    errno = 0;
    long long i = strtoll(value, &end, 10);
    if (!*value || *end || errno) {
        fprintf(stderr, "%s: --%s: \"%s\" is not a number or \"default\"\n",
                api_program_name, option, value);
        return false;
    }
    json_object_set_new(body, key, json_integer(i));
    return true;
}

/* ------------------------------------------------------------------------
 * The commands: each is the API backend of its row in weftctl-commands.c,
 * which has already checked the argument count and the options. */

void
weftctl_api_usage(const char *program_)
{
    printf("%s --api=SOCKET [--token=TOKEN] [--format=table|json] [--json] "
           "[--wait] [--timeout=SECS] COMMAND...\n"
           "  weftctl's commands through weftd's REST API (token: --token "
           "or $WEFT_TOKEN):\n", program_);
    for (size_t i = 0; i < n_ctl_commands; i++) {
        if (ctl_commands[i].api) {
            printf("  %s\n", ctl_commands[i].synopsis);
        }
    }
    printf("  (%s help COMMAND: a command's help)\n", program_);
}

/* The API path of the object that o->args[1] names, as a path of as many
 * names as the command's kind of object has (hosts and tenants 1, networks
 * 2, ports 3): "/v1/hosts/H", "/v1/tenants/T/networks/N", ...  With
 * 'collection', the path of the collection that holds the object instead
 * ("/v1/tenants/T/networks").  'suffix' is appended ("/quota").  Returns a
 * malloc'd path, or NULL after a usage error. */
static char *
object_path(const struct ctl_options *o, bool collection,
            const char *suffix)
{
    static const char *const kinds[] = { "tenants", "networks", "ports" };
    const char *cmd = o->args[0];
    bool host = !strncmp(cmd, "host-", 5);
    int n = (host || !strncmp(cmd, "tenant-", 7) ? 1
             : !strncmp(cmd, "net-", 4) ? 2 : 3);
    char *names[3] = { NULL, NULL, NULL };
    if (!split_path(o->args[1], n, names)) {
        return NULL;
    }
    char *path = strdup("/v1");
    for (int i = 0; i < n; i++) {
        const char *kind = host ? "hosts" : kinds[i];
        char *longer = (collection && i == n - 1
                        ? plain_xasprintf("%s/%s", path, kind)
                        : plain_xasprintf("%s/%s/%s", path, kind, names[i]));
        free(path);
        free(names[i]);
        path = longer;
    }
    char *full = plain_xasprintf("%s%s", path, suffix);
    free(path);
    return full;
}

/* The new object's name: the last name of o->args[1], unescaped (it goes
 * into a JSON body). */
static const char *
new_name(const struct ctl_options *o)
{
    const char *last = strrchr(o->args[1], '/');
    return last ? last + 1 : o->args[1];
}

/* Sends 'method' with 'body' (may be NULL; its reference is taken) to
 * object_path(o, 'collection', 'suffix') and prints what it answers, which
 * must be HTTP 'want'. */
static int
write_object(const struct ctl_options *o, bool collection,
             const char *suffix, const char *method, json_t *body, int want)
{
    char *path = object_path(o, collection, suffix);
    int status = (path ? run_write(o, method, path, body, want)
                  : (json_decref(body), EXIT_API_USAGE));
    free(path);
    return status;
}

/* POSTs 'body' (its reference is taken) to the collection of o->args[1]. */
static int
post_object(const struct ctl_options *o, json_t *body)
{
    return write_object(o, true, "", "POST", body, 201);
}

/* GETs the object of o->args[1] with 'suffix' (e.g. "/quota") into '*json'
 * (a new reference).  Returns 0 or an exit status. */
static int
get_object(const struct ctl_options *o, const char *suffix, json_t **json)
{
    char *path = object_path(o, false, suffix);
    int status = (!path ? EXIT_API_USAGE
                  : api_get(o, path, json) ? 0 : EXIT_API_ERROR);
    free(path);
    return status;
}

int
api_list(const struct ctl_options *o)
{
    return api_run_list(o, o->args[0]);
}

int
api_show(const struct ctl_options *o)
{
    return api_run_show(o);
}

static char *
opt_strdup(json_t *object, const char *key)
{
    const char *s = json_string_value(json_object_get(object, key));
    return s ? plain_xstrdup(s) : NULL;
}

static long long
opt_num(json_t *object, const char *key, long long none)
{
    json_t *v = json_object_get(object, key);
    return json_is_integer(v) ? json_integer_value(v) : none;
}

/* /v1/status's "cluster" and "controller", printed as weftctl status does in
 * database mode (cluster_status_format()).  Nothing from a weftd that has
 * neither. */
static void
print_cluster(json_t *status)
{
    json_t *cluster = json_object_get(status, "cluster");
    json_t *controller = json_object_get(status, "controller");
    if (!json_is_object(cluster) || !json_is_object(controller)) {
        return;
    }
    json_t *members = json_object_get(cluster, "members");
    struct cluster_view view = {
        .n = json_array_size(members),
    };
    view.members = calloc(view.n + 1, sizeof *view.members);
    if (!view.members) {
        abort();
    }
    size_t i;
    json_t *m;
    json_array_foreach (members, i, m) {
        struct cluster_member *cm = &view.members[i];
        cm->remote = opt_strdup(m, "remote");
        cm->model = opt_strdup(m, "model");
        cm->answered = cm->model != NULL;
        cm->error = opt_strdup(m, "error");
        cm->connected = json_is_true(json_object_get(m, "connected"));
        cm->leader = json_is_true(json_object_get(m, "leader"));
        cm->sid = opt_strdup(m, "sid");
        cm->cid = opt_strdup(m, "cid");
        cm->index = opt_num(m, "index", -1);
        if (!cm->remote) {
            cm->remote = plain_xstrdup("?");
        }
    }
    struct cluster_controller ctl = {
        .active = opt_strdup(controller, "active"),
        .generation = opt_num(controller, "generation", 0),
        .active_since = opt_num(controller, "active_since", -1),
        .previous = opt_strdup(controller, "previous"),
    };
    char *text = cluster_status_format(&view, &ctl);
    fputs(text, stdout);
    free(text);
    cluster_controller_destroy(&ctl);
    cluster_view_destroy(&view);
}

int
api_status(const struct ctl_options *o)
{
    json_t *status;
    if (!api_get(o, "/v1/status", &status)) {
        return EXIT_API_ERROR;
    }
    if (o->json) {
        print_json(status);
    } else {
        print_cluster(status);
        printf("nb_cfg %lld\n", num(status, "nb_cfg"));
        api_print_hosts(json_object_get(status, "hosts"));
    }
    json_decref(status);
    return 0;
}

int
api_host_add(const struct ctl_options *o)
{
    json_t *body = json_pack("{s:s}", "name", new_name(o));
    set_string(body, "ovsdb_remote", o->values[CO_REMOTE]);
    set_string(body, "tunnel_ip", o->values[CO_TUNNEL_IP]);
    set_string(body, "datapath_type", o->values[CO_DATAPATH_TYPE]);
    set_string(body, "uplink", o->values[CO_UPLINK]);
    set_string(body, "openflow_remote", o->values[CO_OPENFLOW_REMOTE]);
    if (o->given & CO_BIT(EXTERNAL_IFACE)) {
        /* weftctl-options.c has checked that the three come together. */
        json_object_set_new(body, "external", json_pack(
                                "{s:s, s:s, s:s}",
                                "iface", o->values[CO_EXTERNAL_IFACE],
                                "ip", o->values[CO_EXTERNAL_IP],
                                "gateway", o->values[CO_EXTERNAL_GATEWAY]));
    }
    return post_object(o, body);
}

int
api_tenant_add(const struct ctl_options *o)
{
    return post_object(o, json_pack("{s:s}", "name", new_name(o)));
}

int
api_net_add(const struct ctl_options *o)
{
    json_t *body = json_pack("{s:s, s:s}", "name", new_name(o),
                             "type", o->values[CO_TYPE]);
    if (!set_integer(body, "segment_id", o->values[CO_SEGMENT])
        || !set_integer(body, "mtu", o->values[CO_MTU])) {
        json_decref(body);
        return EXIT_API_USAGE;
    }
    return post_object(o, body);
}

int
api_port_add(const struct ctl_options *o)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:[]}", "name",
                             new_name(o), "host", o->values[CO_HOST],
                             "iface", o->values[CO_IFACE],
                             "mac", o->values[CO_MAC], "ips");
    json_t *ips = json_object_get(body, "ips");
    for (size_t i = 0; i < o->n_ips; i++) {
        json_array_append_new(ips, json_string(o->ips[i]));
    }
    return post_object(o, body);
}

int
api_delete(const struct ctl_options *o)
{
    return write_object(o, false, "", "DELETE", NULL, 204);
}

int
api_tenant_token(const struct ctl_options *o)
{
    return write_object(o, false, "/token", "POST", NULL, 200);
}

int
api_tenant_quota(const struct ctl_options *o)
{
    json_t *quota;
    int status = get_object(o, "/quota", &quota);
    if (status) {
        return status;
    }
    if (o->json) {
        print_json(quota);
    } else {
        print_quotas(json_object_get(quota, "quotas"));
    }
    json_decref(quota);
    return 0;
}

int
api_tenant_set(const struct ctl_options *o)
{
    json_t *body = json_object();
    if (!set_quota(body, "ports", "max-ports", o->values[CO_MAX_PORTS])
        || !set_quota(body, "networks", "max-networks",
                      o->values[CO_MAX_NETWORKS])
        || !set_quota(body, "ips_per_port", "max-ips-per-port",
                      o->values[CO_MAX_IPS_PER_PORT])) {
        json_decref(body);
        return EXIT_API_USAGE;
    }
    /* The answer is the quotas as they are now: shown with --json. */
    return write_object(o, false, "/quota", "PATCH", body, 200);
}

int
api_net_flows(const struct ctl_options *o)
{
    json_t *flows;
    int status = get_object(o, "/flows", &flows);
    if (status) {
        return status;
    }
    if (o->json) {
        print_json(flows);
    } else {
        size_t i, j;
        json_t *h, *f;
        json_array_foreach (json_object_get(flows, "hosts"), i, h) {
            printf("%s (%s):\n", str(h, "host"), str(h, "openflow_state"));
            json_array_foreach (json_object_get(h, "flows"), j, f) {
                printf("  %s\n", json_string_value(f));
            }
        }
    }
    json_decref(flows);
    return 0;
}
