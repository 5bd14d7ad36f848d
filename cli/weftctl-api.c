/* weftctl-api: weftctl's commands over weftd's REST API.  See weftctl-api.h.
 *
 * HTTP is libcurl's, on weftd's unix socket (CURLOPT_UNIX_SOCKET_PATH): one
 * easy handle per request.  Each command is one or a few requests; the
 * lists that span tenants (net-list, port-list, show) walk the tree. */
#define _GNU_SOURCE 1
#include "weftctl-api.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "plain-util.h"

#define EXIT_API_ERROR 1
#define EXIT_API_USAGE 2

struct api_opts {
    const char *socket;         /* --api. */
    const char *token;          /* --token or $WEFT_TOKEN. */
    bool json;                  /* --json. */
    bool wait;                  /* --wait. */
    int timeout;                /* --timeout, seconds. */
    const char *remote, *tunnel_ip, *datapath_type, *uplink;
    const char *openflow_remote, *type, *segment, *mtu;
    const char *host, *iface, *mac;
    const char *max_ports, *max_networks, *max_ips_per_port; /* tenant-set */
    const char **ips;
    size_t n_ips;
    char **args;                /* Command, then its arguments. */
    int n_args;
};

/* An HTTP answer. */
struct answer {
    int status;
    char *body;                 /* NUL-terminated. */
    json_t *json;               /* 'body' parsed, or NULL. */
};

static const char *program = "weftctl";

static void
answer_destroy(struct answer *a)
{
    free(a->body);
    json_decref(a->json);
    memset(a, 0, sizeof *a);
}

/* Percent-encodes 'name' for a URL path segment (malloc'd). */
static char *
escape(const char *name)
{
    char *out = malloc(3 * strlen(name) + 1), *p = out;
    for (const unsigned char *s = (const unsigned char *) name; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
            || (*s >= '0' && *s <= '9') || strchr("-_.~", *s)) {
            *p++ = *s;
        } else {
            p += sprintf(p, "%%%02X", *s);
        }
    }
    *p = '\0';
    return out;
}

/* A growing buffer for an answer's body (libcurl's write callback). */
struct body_buf {
    char *data;
    size_t len;
};

static size_t
body_append(char *ptr, size_t size, size_t nmemb, void *buf_)
{
    struct body_buf *buf = buf_;
    size_t n = size * nmemb;
    char *data = realloc(buf->data, buf->len + n + 1);
    if (!data) {
        return 0;               /* libcurl then fails with a write error. */
    }
    memcpy(data + buf->len, ptr, n);
    buf->len += n;
    data[buf->len] = '\0';
    buf->data = data;
    return n;
}

/* The request's headers: JSON, the token if there is one, and no "Expect:
 * 100-continue" (weftd answers the whole request at once). */
static struct curl_slist *
request_headers(const struct api_opts *o)
{
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
    if (o->token) {
        char *auth = plain_xasprintf("Authorization: Bearer %s", o->token);
        headers = curl_slist_append(headers, auth);
        free(auth);
    }
    return headers;
}

/* Turns libcurl's 'code' for a request on 'curl' into the messages of
 * weftctl's own client: "SOCKET: strerror" for a socket that is missing or
 * refuses, "no answer in time", "malformed HTTP answer".  Malloc'd. */
static char *
request_error(const struct api_opts *o, CURL *curl, CURLcode code)
{
    long os_errno = 0;
    curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        return plain_xasprintf("%s: no answer in time", o->socket);
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return plain_xasprintf("%s: malformed HTTP answer", o->socket);
    default:
        return plain_xasprintf("%s: %s", o->socket,
                               os_errno ? strerror(os_errno)
                               : curl_easy_strerror(code));
    }
}

/* Sends 'method' 'target' with 'body' (may be NULL) over the unix socket
 * and fills 'a'.  Returns NULL or a malloc'd error (connection or
 * protocol). */
static char *
http_request(const struct api_opts *o, const char *method, const char *target,
             const char *body, struct answer *a)
{
    memset(a, 0, sizeof *a);
    struct sockaddr_un sun;
    if (strlen(o->socket) >= sizeof sun.sun_path) {
        return plain_xasprintf("%s: socket path too long", o->socket);
    }
    CURL *curl = curl_easy_init();
    if (!curl) {
        return plain_xasprintf("%s: libcurl failed to start", o->socket);
    }
    char *url = plain_xasprintf("http://weft%s", target);
    struct curl_slist *headers = request_headers(o);
    struct body_buf buf = { .data = NULL, .len = 0 };
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, o->socket);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, body_append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &buf);
    if (strcmp(method, "GET")) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
    }
    /* The server answers ?wait=installed by its own deadline; allow a
     * little more. */
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, o->timeout ? o->timeout + 10L
                                                      : 0L);

    char *error = NULL;
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    if (code == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        a->status = status;
        a->body = buf.data ? buf.data : strdup("");
        a->json = json_loads(a->body, JSON_DECODE_ANY, NULL);
    } else {
        error = request_error(o, curl, code);
        free(buf.data);
    }
    curl_slist_free_all(headers);
    free(url);
    curl_easy_cleanup(curl);
    return error;
}

/* Runs one request and checks that it answered 'want'; otherwise prints
 * the API's error and returns false. */
static bool
call(const struct api_opts *o, const char *method, const char *target,
     const char *body, int want, struct answer *a)
{
    char *error = http_request(o, method, target, body, a);
    if (error) {
        fprintf(stderr, "%s: %s\n", program, error);
        free(error);
        return false;
    }
    if (a->status != want) {
        const char *detail = json_string_value(json_object_get(a->json,
                                                               "detail"));
        fprintf(stderr, "%s: %s (HTTP %d)\n", program,
                detail ? detail : a->body, a->status);
        answer_destroy(a);
        return false;
    }
    return true;
}

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
    char *copy = strdup(arg), *save = NULL;
    int i = 0;
    for (char *p = strtok_r(copy, "/", &save); p;
         p = strtok_r(NULL, "/", &save)) {
        if (i < 3) {
            names[i] = escape(p);
        }
        i++;
    }
    bool ok = i == n && !strstr(arg, "//") && arg[0] != '/'
              && arg[strlen(arg) - 1] != '/';
    if (!ok) {
        fprintf(stderr, "%s: \"%s\": expected %s\n", program, arg,
                n == 1 ? "NAME" : n == 2 ? "TENANT/NETWORK"
                : "TENANT/NETWORK/PORT");
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
wait_query(const struct api_opts *o)
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
        fprintf(stderr, "%s: --%s: \"%s\" is not a number\n", program,
                strcmp(key, "segment_id") ? key : "segment", value);
        return false;
    }
    json_object_set_new(body, key, json_integer(i));
    return true;
}

/* A POST, PATCH or DELETE; prints what it answers. */
static int
run_write(const struct api_opts *o, const char *method, const char *path,
          json_t *body, int want)
{
    char *query = wait_query(o);
    char *target = plain_xasprintf("%s%s", path, query);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    struct answer a;
    bool ok = call(o, method, target, text, want, &a);
    if (ok && o->json && a.json) {
        print_json(a.json);
    } else if (ok && json_object_get(a.json, "token")) {
        /* The only time anyone sees it. */
        printf("%s\n", str(a.json, "token"));
    }
    if (ok) {
        answer_destroy(&a);
    }
    free(text);
    free(target);
    free(query);
    json_decref(body);
    return ok ? 0 : EXIT_API_ERROR;
}

/* Returns the values of 'keys' of 'v' joined by '/' (malloc'd). */
static char *
label(json_t *v, const char *const keys[])
{
    size_t len = 1;
    for (const char *const *k = keys; *k; k++) {
        len += strlen(str(v, *k)) + 1;
    }
    char *s = malloc(len);
    s[0] = '\0';
    for (const char *const *k = keys; *k; k++) {
        if (k != keys) {
            strcat(s, "/");
        }
        strcat(s, str(v, *k));
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

static void
print_hosts(json_t *hosts)
{
    static const char *const keys[] = { "name", NULL };
    int width = max_width(hosts, keys);
    size_t i;
    json_t *h;
    json_array_foreach (hosts, i, h) {
        put_label(h, keys, width);
        if (json_object_get(h, "ovsdb_remote")) {
            printf("remote %s  datapath %s  tunnel-ip %s  uplink %s  "
                   "openflow %s  ", str(h, "ovsdb_remote"),
                   str(h, "datapath_type"), str(h, "tunnel_ip"),
                   str(h, "uplink"), str(h, "openflow_remote"));
        }
        printf("ovsdb %s  openflow %s  cur_cfg %lld\n",
               json_is_true(json_object_get(h, "ovsdb_connected"))
               ? "connected" : "disconnected",
               str(h, "openflow_state"), num(h, "cur_cfg"));
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
        printf("%s %lld  mtu %lld%s  key %lld\n", str(n, "type"),
               num(n, "segment_id"), num(n, "mtu"),
               json_is_true(json_object_get(n, "mtu_default"))
               ? " (default)" : "", num(n, "key"));
    }
}

static void
print_ports(json_t *ports)
{
    static const char *const keys[] = { "tenant", "network", "name", NULL };
    int width = max_width(ports, keys);
    size_t i;
    json_t *p;
    json_array_foreach (ports, i, p) {
        put_label(p, keys, width);
        printf("host %s  iface %s  mac %s  ips ", str(p, "host"),
               str(p, "iface"), str(p, "mac"));
        json_t *ips = json_object_get(p, "ips");
        size_t j;
        json_t *ip;
        json_array_foreach (ips, j, ip) {
            printf("%s%s", j ? "," : "", json_string_value(ip));
        }
        if (!json_array_size(ips)) {
            putchar('-');
        }
        printf("  key %lld", num(p, "key"));
        if (json_is_string(json_object_get(p, "error"))) {
            printf("  error \"%s\"", str(p, "error"));
        }
        putchar('\n');
    }
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
                program, option, value);
        return false;
    }
    json_object_set_new(body, key, json_integer(i));
    return true;
}

/* GETs 'target' into '*json' (a new reference). */
static bool
get(const struct api_opts *o, const char *target, json_t **json)
{
    struct answer a;
    if (!call(o, "GET", target, NULL, 200, &a)) {
        return false;
    }
    *json = json_incref(a.json);
    answer_destroy(&a);
    return *json != NULL;
}

/* Appends to 'out' every network (of 'tenant', or of every tenant the
 * caller sees if NULL); with 'ports', every port instead (of 'net' if
 * nonnull). */
static bool
collect(const struct api_opts *o, const char *tenant, const char *net,
        bool ports, json_t *out)
{
    json_t *tenants;
    if (tenant) {
        tenants = json_pack("[{s:s}]", "name", tenant);
    } else if (!get(o, "/v1/tenants", &tenants)) {
        return false;
    }
    bool ok = true;
    size_t i;
    json_t *t;
    json_array_foreach (tenants, i, t) {
        char *te = escape(str(t, "name"));
        char *target = plain_xasprintf("/v1/tenants/%s/networks", te);
        json_t *nets;
        ok = get(o, target, &nets);
        free(target);
        size_t j;
        json_t *n;
        json_array_foreach (ok ? nets : NULL, j, n) {
            if (net && strcmp(net, str(n, "name"))) {
                continue;
            }
            if (!ports) {
                json_array_append(out, n);
                continue;
            }
            char *ne = escape(str(n, "name"));
            target = plain_xasprintf("/v1/tenants/%s/networks/%s/ports", te, ne);
            json_t *list;
            ok = ok && get(o, target, &list);
            if (ok) {
                json_array_extend(out, list);
                json_decref(list);
            }
            free(target);
            free(ne);
        }
        json_decref(ok ? nets : NULL);
        free(te);
        if (!ok) {
            break;
        }
    }
    json_decref(tenants);
    return ok;
}

static int
run_list(const struct api_opts *o, const char *cmd)
{
    json_t *list = json_array();
    bool ok;
    if (!strcmp(cmd, "host-list") || !strcmp(cmd, "tenant-list")) {
        json_decref(list);
        ok = get(o, cmd[0] == 'h' ? "/v1/hosts" : "/v1/tenants", &list);
    } else {
        char *names[3] = { NULL, NULL, NULL };
        if (o->n_args > 1) {
            int n = strchr(o->args[1], '/') ? 2 : 1;
            if (!strcmp(cmd, "net-list") && n == 2) {
                fprintf(stderr, "%s: net-list: expected TENANT\n", program);
                json_decref(list);
                return EXIT_API_USAGE;
            }
            if (!split_path(o->args[1], n, names)) {
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
            print_json(list);
        } else if (!strcmp(cmd, "host-list")) {
            print_hosts(list);
        } else if (!strcmp(cmd, "tenant-list")) {
            size_t i;
            json_t *t;
            static const char *const keys[] = { "name", NULL };
            int width = max_width(list, keys);
            json_array_foreach (list, i, t) {
                put_label(t, keys, width);
                printf("key %lld\n", num(t, "key"));
            }
        } else if (!strcmp(cmd, "net-list")) {
            print_networks(list);
        } else {
            print_ports(list);
        }
    }
    json_decref(list);
    return ok ? 0 : EXIT_API_ERROR;
}

/* "show": the status, then tenants, networks and ports as a tree. */
static int
run_show(const struct api_opts *o)
{
    json_t *status, *nets = json_array(), *ports = json_array();
    bool ok = (get(o, "/v1/status", &status)
               && collect(o, NULL, NULL, false, nets)
               && collect(o, NULL, NULL, true, ports));
    if (ok && o->json) {
        print_json(json_pack("{s:O, s:O, s:O}", "status", status,
                             "networks", nets, "ports", ports));
    } else if (ok) {
        printf("nb_cfg %lld\n", num(status, "nb_cfg"));
        print_hosts(json_object_get(status, "hosts"));
        size_t i, j;
        json_t *n, *p;
        json_array_foreach (nets, i, n) {
            printf("network %s/%s: %s %lld  mtu %lld\n", str(n, "tenant"),
                   str(n, "name"), str(n, "type"), num(n, "segment_id"),
                   num(n, "mtu"));
            json_array_foreach (ports, j, p) {
                if (!strcmp(str(p, "tenant"), str(n, "tenant"))
                    && !strcmp(str(p, "network"), str(n, "name"))) {
                    printf("    port %s: host %s  iface %s  mac %s  "
                           "ofport %lld  %s\n", str(p, "name"),
                           str(p, "host"), str(p, "iface"), str(p, "mac"),
                           num(p, "ofport"),
                           json_is_true(json_object_get(p, "up"))
                           ? "up" : "down");
                    if (json_is_string(json_object_get(p, "error"))) {
                        printf("        error \"%s\"\n", str(p, "error"));
                    }
                }
            }
        }
    }
    if (ok) {
        json_decref(status);
    }
    json_decref(nets);
    json_decref(ports);
    return ok ? 0 : EXIT_API_ERROR;
}

static void
usage(void)
{
    printf("%s --api=SOCKET [--token=TOKEN] [--format=table|json] [--json] "
           "[--wait] [--timeout=SECS] COMMAND...\n"
           "  weftctl's commands through weftd's REST API (token: --token "
           "or $WEFT_TOKEN):\n"
           "  host-add NAME --remote=R [--tunnel-ip=IP] [--datapath-type=T] "
           "[--uplink=IF] [--openflow-remote=T]\n"
           "  host-del NAME | host-list | tenant-add NAME | tenant-del NAME "
           "| tenant-list\n"
           "  tenant-token NAME (a new token, printed once)\n"
           "  tenant-quota NAME | tenant-set NAME [--max-ports=N|default] "
           "[--max-networks=N|default]\n"
           "                                  [--max-ips-per-port=N|default]"
           "\n"
           "  net-add T/N --type=TYPE --segment=ID [--mtu=N] | net-del T/N "
           "| net-list [T]\n"
           "  port-add T/N/P --host=H --iface=I --mac=M [--ip=A]... "
           "| port-del T/N/P | port-list [T[/N]]\n"
           "  net-flows T/N | status | show\n", program);
}

/* Runs the command in 'o'. */
static int
run(struct api_opts *o)
{
    if (!o->n_args) {
        fprintf(stderr, "%s: missing command name (use --help for help)\n",
                program);
        return EXIT_API_USAGE;
    }
    const char *cmd = o->args[0];
    static const struct { const char *name; int min, max, path; } cmds[] = {
        { "host-add", 1, 1, 1 }, { "host-del", 1, 1, 1 },
        { "host-list", 0, 0, 0 }, { "tenant-add", 1, 1, 1 },
        { "tenant-del", 1, 1, 1 }, { "tenant-list", 0, 0, 0 },
        { "tenant-token", 1, 1, 1 }, { "net-add", 1, 1, 2 },
        { "net-del", 1, 1, 2 }, { "net-list", 0, 1, 0 },
        { "port-add", 1, 1, 3 }, { "port-del", 1, 1, 3 },
        { "port-list", 0, 1, 0 }, { "net-flows", 1, 1, 2 },
        { "status", 0, 0, 0 }, { "show", 0, 0, 0 },
        { "tenant-quota", 1, 1, 1 }, { "tenant-set", 1, 1, 1 },
    };
    int found = -1;
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        if (!strcmp(cmds[i].name, cmd)) {
            found = i;
        }
    }
    if (found < 0) {
        fprintf(stderr, "%s: unknown command '%s' with --api (use --help "
                "for help)\n", program, cmd);
        return EXIT_API_USAGE;
    }
    int n_args = o->n_args - 1;
    if (n_args < cmds[found].min || n_args > cmds[found].max) {
        fprintf(stderr, "%s: %s: wrong number of arguments\n", program, cmd);
        return EXIT_API_USAGE;
    }
    if (strstr(cmd, "-list")) {
        return run_list(o, cmd);
    } else if (!strcmp(cmd, "show")) {
        return run_show(o);
    } else if (!strcmp(cmd, "status")) {
        json_t *status;
        if (!get(o, "/v1/status", &status)) {
            return EXIT_API_ERROR;
        }
        if (o->json) {
            print_json(status);
        } else {
            printf("nb_cfg %lld\n", num(status, "nb_cfg"));
            print_hosts(json_object_get(status, "hosts"));
        }
        json_decref(status);
        return 0;
    }

    char *names[3] = { NULL, NULL, NULL };
    if (!split_path(o->args[1], cmds[found].path, names)) {
        return EXIT_API_USAGE;
    }
    char *path = NULL;
    json_t *body = NULL;
    int status = 0;
    bool del = strstr(cmd, "-del") != NULL;
    const char *last = strrchr(o->args[1], '/');
    last = last ? last + 1 : o->args[1];

    if (!strncmp(cmd, "host-", 5)) {
        path = del ? plain_xasprintf("/v1/hosts/%s", names[0])
                   : strdup("/v1/hosts");
        if (!del) {
            if (!o->remote) {
                fprintf(stderr, "%s: host-add requires --remote\n", program);
                status = EXIT_API_USAGE;
                goto out;
            }
            body = json_pack("{s:s}", "name", last);
            set_string(body, "ovsdb_remote", o->remote);
            set_string(body, "tunnel_ip", o->tunnel_ip);
            set_string(body, "datapath_type", o->datapath_type);
            set_string(body, "uplink", o->uplink);
            set_string(body, "openflow_remote", o->openflow_remote);
        }
    } else if (!strcmp(cmd, "tenant-token")) {
        path = plain_xasprintf("/v1/tenants/%s/token", names[0]);
        status = run_write(o, "POST", path, NULL, 200);
        goto out;
    } else if (!strcmp(cmd, "tenant-quota")) {
        path = plain_xasprintf("/v1/tenants/%s/quota", names[0]);
        json_t *quota;
        if (!get(o, path, &quota)) {
            status = EXIT_API_ERROR;
            goto out;
        }
        if (o->json) {
            print_json(quota);
        } else {
            print_quotas(json_object_get(quota, "quotas"));
        }
        json_decref(quota);
        goto out;
    } else if (!strcmp(cmd, "tenant-set")) {
        path = plain_xasprintf("/v1/tenants/%s/quota", names[0]);
        body = json_object();
        if (!set_quota(body, "ports", "max-ports", o->max_ports)
            || !set_quota(body, "networks", "max-networks", o->max_networks)
            || !set_quota(body, "ips_per_port", "max-ips-per-port",
                          o->max_ips_per_port)) {
            status = EXIT_API_USAGE;
            goto out;
        }
        /* The answer is the quotas as they are now: shown with --json. */
        status = run_write(o, "PATCH", path, body, 200);
        body = NULL;
        goto out;
    } else if (!strncmp(cmd, "tenant-", 7)) {
        path = del ? plain_xasprintf("/v1/tenants/%s", names[0])
                   : strdup("/v1/tenants");
        body = del ? NULL : json_pack("{s:s}", "name", last);
    } else if (!strncmp(cmd, "net-", 4)) {
        if (!strcmp(cmd, "net-flows")) {
            path = plain_xasprintf("/v1/tenants/%s/networks/%s/flows", names[0],
                              names[1]);
            json_t *flows;
            if (!get(o, path, &flows)) {
                status = EXIT_API_ERROR;
                goto out;
            }
            size_t i, j;
            json_t *h, *f;
            json_array_foreach (o->json ? NULL : json_object_get(flows,
                                                                 "hosts"),
                                i, h) {
                printf("%s (%s):\n", str(h, "host"),
                       str(h, "openflow_state"));
                json_array_foreach (json_object_get(h, "flows"), j, f) {
                    printf("  %s\n", json_string_value(f));
                }
            }
            if (o->json) {
                print_json(flows);
            }
            json_decref(flows);
            goto out;
        }
        path = (del ? plain_xasprintf("/v1/tenants/%s/networks/%s", names[0],
                                 names[1])
                : plain_xasprintf("/v1/tenants/%s/networks", names[0]));
        if (!del) {
            if (!o->type || !o->segment) {
                fprintf(stderr, "%s: net-add requires --type and "
                        "--segment\n", program);
                status = EXIT_API_USAGE;
                goto out;
            }
            body = json_pack("{s:s, s:s}", "name", last, "type", o->type);
            if (!set_integer(body, "segment_id", o->segment)
                || !set_integer(body, "mtu", o->mtu)) {
                status = EXIT_API_USAGE;
                goto out;
            }
        }
    } else {
        path = (del ? plain_xasprintf("/v1/tenants/%s/networks/%s/ports/%s",
                                 names[0], names[1], names[2])
                : plain_xasprintf("/v1/tenants/%s/networks/%s/ports", names[0],
                             names[1]));
        if (!del) {
            if (!o->host || !o->iface || !o->mac) {
                fprintf(stderr, "%s: port-add requires --host, --iface and "
                        "--mac\n", program);
                status = EXIT_API_USAGE;
                goto out;
            }
            body = json_pack("{s:s, s:s, s:s, s:s, s:[]}", "name", last,
                             "host", o->host, "iface", o->iface,
                             "mac", o->mac, "ips");
            json_t *ips = json_object_get(body, "ips");
            for (size_t i = 0; i < o->n_ips; i++) {
                json_array_append_new(ips, json_string(o->ips[i]));
            }
        }
    }
    status = run_write(o, del ? "DELETE" : "POST", path, body,
                       del ? 204 : 201);
    body = NULL;

out:
    json_decref(body);
    free(path);
    for (int i = 0; i < 3; i++) {
        free(names[i]);
    }
    return status;
}

bool
weftctl_api_main(int argc, char *argv[], int *statusp)
{
    bool api = false;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        api = api || !strcmp(argv[i], "--api")
              || !strncmp(argv[i], "--api=", 6);
    }
    if (!api) {
        return false;
    }
    const char *slash = strrchr(argv[0], '/');
    program = slash ? slash + 1 : argv[0];

    enum {
        OPT_API = 256, OPT_TOKEN, OPT_JSON, OPT_WAIT, OPT_TIMEOUT, OPT_REMOTE,
        OPT_TUNNEL_IP, OPT_DATAPATH_TYPE, OPT_UPLINK, OPT_OPENFLOW_REMOTE,
        OPT_TYPE, OPT_SEGMENT, OPT_MTU, OPT_HOST, OPT_IFACE, OPT_MAC, OPT_IP,
        OPT_MAX_PORTS, OPT_MAX_NETWORKS, OPT_MAX_IPS_PER_PORT, OPT_FORMAT,
    };
    static const struct option options[] = {
        {"api", required_argument, NULL, OPT_API},
        {"token", required_argument, NULL, OPT_TOKEN},
        {"json", no_argument, NULL, OPT_JSON},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"wait", no_argument, NULL, OPT_WAIT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"remote", required_argument, NULL, OPT_REMOTE},
        {"tunnel-ip", required_argument, NULL, OPT_TUNNEL_IP},
        {"datapath-type", required_argument, NULL, OPT_DATAPATH_TYPE},
        {"uplink", required_argument, NULL, OPT_UPLINK},
        {"openflow-remote", required_argument, NULL, OPT_OPENFLOW_REMOTE},
        {"type", required_argument, NULL, OPT_TYPE},
        {"segment", required_argument, NULL, OPT_SEGMENT},
        {"mtu", required_argument, NULL, OPT_MTU},
        {"host", required_argument, NULL, OPT_HOST},
        {"iface", required_argument, NULL, OPT_IFACE},
        {"mac", required_argument, NULL, OPT_MAC},
        {"ip", required_argument, NULL, OPT_IP},
        {"max-ports", required_argument, NULL, OPT_MAX_PORTS},
        {"max-networks", required_argument, NULL, OPT_MAX_NETWORKS},
        {"max-ips-per-port", required_argument, NULL, OPT_MAX_IPS_PER_PORT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct api_opts o = { .timeout = 30 };
    o.token = getenv("WEFT_TOKEN");
    o.token = o.token && o.token[0] ? o.token : NULL;
    o.ips = calloc(argc + 1, sizeof *o.ips);
    *statusp = 0;
    opterr = 0;
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, "h", options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_API: o.socket = optarg; break;
        case OPT_TOKEN: o.token = optarg; break;
        case OPT_JSON: o.json = true; break;
        case OPT_FORMAT:
            /* As in database mode: --json is --format=json. */
            if (strcmp(optarg, "json") && strcmp(optarg, "table")) {
                fprintf(stderr, "%s: --format: \"%s\" is not a format "
                        "(expected json or table)\n", program, optarg);
                *statusp = EXIT_API_USAGE;
                goto out;
            }
            o.json = !strcmp(optarg, "json");
            break;
        case OPT_WAIT: o.wait = true; break;
        case OPT_TIMEOUT: {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (!*optarg || *end || t < 0 || t > 3600) {
                fprintf(stderr, "%s: --timeout: \"%s\" is not a number of "
                        "seconds (0-3600)\n", program, optarg);
                *statusp = EXIT_API_USAGE;
                goto out;
            }
            o.timeout = t;
            break;
        }
        case OPT_REMOTE: o.remote = optarg; break;
        case OPT_TUNNEL_IP: o.tunnel_ip = optarg; break;
        case OPT_DATAPATH_TYPE: o.datapath_type = optarg; break;
        case OPT_UPLINK: o.uplink = optarg; break;
        case OPT_OPENFLOW_REMOTE: o.openflow_remote = optarg; break;
        case OPT_TYPE: o.type = optarg; break;
        case OPT_SEGMENT: o.segment = optarg; break;
        case OPT_MTU: o.mtu = optarg; break;
        case OPT_HOST: o.host = optarg; break;
        case OPT_IFACE: o.iface = optarg; break;
        case OPT_MAC: o.mac = optarg; break;
        case OPT_IP: o.ips[o.n_ips++] = optarg; break;
        case OPT_MAX_PORTS: o.max_ports = optarg; break;
        case OPT_MAX_NETWORKS: o.max_networks = optarg; break;
        case OPT_MAX_IPS_PER_PORT: o.max_ips_per_port = optarg; break;
        case 'h':
            usage();
            goto out;
        default:
            fprintf(stderr, "%s: unrecognized option or missing argument "
                    "'%s' with --api (use --help for help)\n", program,
                    argv[optind - 1]);
            *statusp = EXIT_API_USAGE;
            goto out;
        }
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    o.args = argv + optind;
    o.n_args = argc - optind;
    *statusp = run(&o);

out:
    free(o.ips);
    return true;
}
