/* weftctl-ops: "debugging with names" and attaching namespaces.  See
 * weftctl-ops.h for the commands.
 *
 * Where each command gets its facts:
 *
 *   - names: weft's database (the same IDL as the rest of weftctl).  A
 *     cookie's tenant, network and port keys (ofproto/pipeline.h) map to
 *     Tenant/Network/Port rows by flow_key; a table number to its pipeline
 *     stage (weft_table_name()); an OpenFlow port number to an interface
 *     name through the switch's port description, and an interface name to
 *     a weft port (Port.host + Port.iface) or to the remote host behind a
 *     tunnel port (weft_tunnel_name()).
 *
 *   - the switch's flows: weftctl reads them itself, over OpenFlow, from the
 *     same target weftd uses (topo_host_openflow_targets()), so
 *     "flows" shows the truth even when weftd is confused or down.
 *
 *   - the desired flows, for "flows --diff": weftd, through its unixctl
 *     socket ("weft/flows HOST desired").  Both sides are normalized the
 *     same way (ofproto/flow-table.h), so comparing them is comparing text.
 *
 *   - traces: the host's ovs-vswitchd, through its unixctl socket
 *     ("ofproto/trace"); see vswitchd_ctl() for how the socket is found.
 *
 * attach/detach run "ip", "ethtool" and "nsenter" (a namespace other than
 * weftctl's own is entered with nsenter --net=PATH), and write the Port row
 * through ovsdb/weft-write.h, the same layer as port-add and port-del. */
#include <config.h>

#include "weftctl-ops.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler.h"
#include "flow-table.h"
#include "flow.h"
#include "hash.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-table.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "stream-ssl.h"
#include "ovsdb-idl.h"
#include "packets.h"
#include "pipeline.h"
#include "simap.h"
#include "smap.h"
#include "socket-util.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "topology.h"
#include "unixctl.h"
#include "util.h"
#include "validate.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weft-write.h"

VLOG_DEFINE_THIS_MODULE(weftctl_ops);

#define OPS_EXIT_ERROR 1
#define OPS_EXIT_USAGE 2
#define OPS_EXIT_DIFFERS 1      /* flows --diff found differences. */
#define OPS_EXIT_TROUBLE 2      /* flows --diff could not compare. */
#define OPS_DEFAULT_TIMEOUT 30
#define BRIDGE "br-int"
#define MAX_TRACE_HOPS 4        /* Hosts one trace may visit. */

/* OpenFlow versions, as weftd (host.c) speaks them, so that flows read back
 * here are normalized exactly like weftd's desired flows. */
#define OPS_OF_VERSIONS ((1u << OFP13_VERSION) | (1u << OFP14_VERSION) \
                         | (1u << OFP15_VERSION))

struct ops_options {
    const char *db;             /* --db, or NULL for the default. */
    const char *weftd;          /* --weftd, or NULL for the default. */
    int timeout;                /* Seconds, 0 for none. */
    const char *host;           /* --host. */
    const char *tenant;         /* --tenant (flows). */
    bool diff;                  /* --diff (flows). */
    struct svec vswitchd_ctls;  /* --vswitchd-ctl=[HOST=]PATH (trace). */
    const char *netns;          /* --netns (attach). */
    const char *ip;             /* --ip=A[/LEN] (attach). */
    const char *mac;            /* --mac (attach). */
    const char *name;           /* --name (attach). */
    const char *host_netns;     /* --host-netns (attach, detach). */
    char **args;                /* Command name, then its arguments. */
    int n_args;
};

/* A host's switch, as read over OpenFlow. */
struct ops_switch {
    char *target;               /* OpenFlow target. */
    struct vconn *vconn;
    int version;
    struct simap ofports;       /* Interface name -> OpenFlow port. */
    struct ofputil_port_map ifaces;   /* OpenFlow port -> interface name. */
    struct ofputil_port_map labels;   /* OpenFlow port -> weft's name. */
};

/* A tunnel interface name ("vx-h2"), with what is behind it. */
struct ops_tunnel {
    const struct topo_host *remote;
    enum topo_net_type type;
};

struct ops_ctx {
    const struct ops_options *opts;
    long long int deadline;     /* time_msec() limit for everything. */
    struct ovsdb_idl *idl;
    struct topology topo;
    struct smap names;          /* "t1" / "n3" / "p7" (kind + key) -> name. */
    struct shash tunnels;       /* Interface name -> struct ops_tunnel. */
    struct shash switches;      /* Host name -> struct ops_switch. */
    struct ds *out;             /* Printed on success. */
    bool differs;               /* flows --diff printed a difference. */
};

/* ------------------------------------------------------------------------
 * Helpers. */

static const char *
weftd_ctl_path(const struct ops_options *opts, char **freep)
{
    if (opts->weftd) {
        *freep = NULL;
        return opts->weftd;
    }
    *freep = weft_rundir_file("weftd.ctl");
    return *freep;
}

/* Runs 'command' with 'argc' arguments on the unixctl server at 'path'.  On
 * success stores the malloc'd reply in '*resultp' and returns NULL. */
static char *
unixctl_call(const char *path, const char *what, const char *command,
             int argc, char *argv[], char **resultp)
{
    struct jsonrpc *client;
    *resultp = NULL;
    int error = unixctl_client_create(path, &client);
    if (error) {
        return xasprintf("cannot connect to %s at %s (%s)", what, path,
                         ovs_strerror(error));
    }
    char *result = NULL, *err = NULL;
    error = unixctl_client_transact(client, command, argc, argv, &result,
                                    &err);
    jsonrpc_close(client);
    if (error) {
        free(result);
        free(err);
        return xasprintf("%s: %s failed (%s)", what, command,
                         ovs_strerror(error));
    }
    if (err) {
        char *msg = xasprintf("%s: %s: %s", what, command, err);
        free(result);
        free(err);
        return msg;
    }
    *resultp = result ? result : xstrdup("");
    return NULL;
}

/* Reads a decimal pid from 'file'; returns 0 if there is none. */
static pid_t
read_pidfile(const char *file)
{
    FILE *f = fopen(file, "r");
    long pid = 0;
    if (f) {
        if (fscanf(f, "%ld", &pid) != 1) {
            pid = 0;
        }
        fclose(f);
    }
    return pid > 0 && pid < INT_MAX ? pid : 0;
}

/* Returns the directory of a "unix:DIR/SOCK" remote, malloc'd, or NULL. */
static char *
unix_remote_dir(const char *remote)
{
    if (!remote || strncmp(remote, "unix:", 5)) {
        return NULL;
    }
    const char *path = remote + 5;
    const char *slash = strrchr(path, '/');
    return slash ? xmemdup0(path, slash - path) : xstrdup(".");
}

/* The OpenFlow target weftd uses for 'th'.  Mirrors derive_targets() in
 * host.c: keep the two in step. */
static char *
of_target(const struct topo_host *th)
{
    char *target, *controller_target;
    topo_host_openflow_targets(th, &target, &controller_target);
    free(controller_target);
    return target;
}

static const struct weftrec_network *
find_network_row(struct ovsdb_idl *idl, char *const path[2])
{
    const struct weftrec_tenant *tenant = weft_db_find_tenant(idl, path[0]);
    return tenant ? weft_db_find_network(idl, tenant, path[1]) : NULL;
}

static const struct weftrec_port *
find_port_row(struct ovsdb_idl *idl, char *const path[3])
{
    const struct weftrec_network *net = find_network_row(idl, path);
    return net ? weft_db_find_port(idl, net, path[2]) : NULL;
}

/* ------------------------------------------------------------------------
 * Names. */

static const char *
name_of(const struct ops_ctx *ctx, char kind, uint64_t key)
{
    char k[32];
    snprintf(k, sizeof k, "%c%"PRIu64, kind, key);
    return smap_get(&ctx->names, k);
}

static void
build_names(struct ops_ctx *ctx)
{
    const struct weftrec_tenant *t;
    WEFTREC_TENANT_FOR_EACH (t, ctx->idl) {
        char k[32];
        snprintf(k, sizeof k, "t%"PRId64, t->flow_key);
        smap_add(&ctx->names, k, t->name);
    }
    const struct weftrec_network *n;
    WEFTREC_NETWORK_FOR_EACH (n, ctx->idl) {
        char k[32];
        snprintf(k, sizeof k, "n%"PRId64, n->flow_key);
        smap_add_format(&ctx->names, k, "%s/%s",
                        n->tenant ? n->tenant->name : "?", n->name);
    }
    const struct weftrec_port *p;
    WEFTREC_PORT_FOR_EACH (p, ctx->idl) {
        char k[32];
        snprintf(k, sizeof k, "p%"PRId64, p->flow_key);
        smap_add_format(&ctx->names, k, "%s/%s/%s",
                        p->network && p->network->tenant
                        ? p->network->tenant->name : "?",
                        p->network ? p->network->name : "?", p->name);
    }

    static const enum topo_net_type types[] = {
        TOPO_NET_VXLAN, TOPO_NET_GRE, TOPO_NET_GENEVE,
    };
    const struct topo_host *th;
    TOPOLOGY_FOR_EACH_HOST (th, &ctx->topo) {
        for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
            char name[16];
            weft_tunnel_name(types[i], th, name);
            struct ops_tunnel *tun = xmalloc(sizeof *tun);
            tun->remote = th;
            tun->type = types[i];
            if (!shash_add_once(&ctx->tunnels, name, tun)) {
                free(tun);
            }
        }
    }
}

/* Appends who owns a flow with 'cookie': "red/vx/h1", "red/vx", "red", or
 * "pipeline" for flows of no tenant. */
static void
put_cookie_owner(const struct ops_ctx *ctx, uint64_t cookie, struct ds *s)
{
    if (cookie >> 56 != WEFT_COOKIE_MAGIC) {
        ds_put_cstr(s, "not weft's");
        return;
    }
    uint64_t t = (cookie >> 40) & 0xffff;
    uint64_t n = (cookie >> 24) & 0xffff;
    uint64_t p = cookie & 0xffffff;
    char kind = p ? 'p' : n ? 'n' : t ? 't' : 0;
    uint64_t key = p ? p : n ? n : t;
    if (!kind) {
        ds_put_cstr(s, "pipeline");
        return;
    }
    const char *name = name_of(ctx, kind, key);
    if (name) {
        ds_put_cstr(s, name);
    } else {
        ds_put_format(s, "deleted %s %"PRIu64, kind == 'p' ? "port"
                      : kind == 'n' ? "network" : "tenant", key);
    }
}

static uint64_t
cookie_tenant(uint64_t cookie)
{
    return cookie >> 56 == WEFT_COOKIE_MAGIC ? (cookie >> 40) & 0xffff : 0;
}

/* Returns the flow_key of the tenant named by --tenant, or 0. */
static char *
tenant_filter(const struct ops_ctx *ctx, uint64_t *keyp)
{
    *keyp = 0;
    if (!ctx->opts->tenant) {
        return NULL;
    }
    const struct topo_tenant *t
        = topology_find_tenant_by_name(&ctx->topo, ctx->opts->tenant);
    if (!t) {
        return xasprintf("tenant %s does not exist", ctx->opts->tenant);
    }
    *keyp = t->key;
    return NULL;
}

/* Appends a description of interface 'iface' on host 'th'. */
static void
put_iface_label(const struct ops_ctx *ctx, const struct topo_host *th,
                const char *iface, bool long_form, struct ds *s)
{
    const struct weftrec_port *p;
    WEFTREC_PORT_FOR_EACH (p, ctx->idl) {
        if (p->host && !strcmp(p->host->name, th->name)
            && !strcmp(p->iface, iface)) {
            ds_put_format(s, "%s/%s/%s",
                          p->network && p->network->tenant
                          ? p->network->tenant->name : "?",
                          p->network ? p->network->name : "?", p->name);
            return;
        }
    }
    const struct ops_tunnel *tun = shash_find_data(&ctx->tunnels, iface);
    if (tun && long_form) {
        ds_put_format(s, "%s: %s tunnel to host %s (%s)", iface,
                      topo_net_type_to_string(tun->type), tun->remote->name,
                      tun->remote->tunnel_ip ? tun->remote->tunnel_ip : "?");
    } else if (long_form && th->uplink && !strcmp(th->uplink, iface)) {
        ds_put_format(s, "%s: uplink", iface);
    } else {
        ds_put_cstr(s, iface);
    }
}

/* ------------------------------------------------------------------------
 * Reading a switch over OpenFlow. */

static void
ops_switch_destroy(struct ops_switch *sw)
{
    if (sw) {
        vconn_close(sw->vconn);
        free(sw->target);
        simap_destroy(&sw->ofports);
        ofputil_port_map_destroy(&sw->ifaces);
        ofputil_port_map_destroy(&sw->labels);
        free(sw);
    }
}

static long long int
remaining_ms(const struct ops_ctx *ctx)
{
    if (ctx->deadline == LLONG_MAX) {
        return -1;
    }
    long long int left = ctx->deadline - time_msec();
    return left > 0 ? left : 1;
}

/* Connects to 'th''s switch (once) and reads its port description. */
static char *
switch_open(struct ops_ctx *ctx, const struct topo_host *th,
            struct ops_switch **swp)
{
    struct ops_switch *sw = shash_find_data(&ctx->switches, th->name);
    if (sw) {
        *swp = sw;
        return NULL;
    }
    *swp = NULL;
    sw = xzalloc(sizeof *sw);
    sw->target = of_target(th);
    simap_init(&sw->ofports);
    ofputil_port_map_init(&sw->ifaces);
    ofputil_port_map_init(&sw->labels);

    int error = vconn_open_block(sw->target, OPS_OF_VERSIONS, DSCP_DEFAULT,
                                 remaining_ms(ctx), &sw->vconn);
    if (error) {
        char *msg = xasprintf("host %s: cannot connect to its switch at %s "
                              "(%s)", th->name, sw->target,
                              ovs_retval_to_string(error));
        ops_switch_destroy(sw);
        return msg;
    }
    sw->version = vconn_get_version(sw->vconn);

    struct ovs_list requests, replies;
    ovs_list_init(&requests);
    struct ofpbuf *req = ofputil_encode_port_desc_stats_request(sw->version,
                                                                OFPP_ANY);
    ovs_list_push_back(&requests, &req->list_node);
    error = vconn_transact_multipart(sw->vconn, &requests, &replies);
    if (error) {
        char *msg = xasprintf("host %s: reading ports from %s failed (%s)",
                              th->name, sw->target,
                              ovs_retval_to_string(error));
        ops_switch_destroy(sw);
        return msg;
    }
    struct ofpbuf *reply;
    LIST_FOR_EACH (reply, list_node, &replies) {
        struct ofpbuf b = ofpbuf_const_initializer(reply->data, reply->size);
        enum ofptype type;
        if (ofptype_decode(&type, b.data)
            || type != OFPTYPE_PORT_DESC_STATS_REPLY) {
            continue;
        }
        ofpraw_pull_assert(&b);
        struct ofputil_phy_port pp;
        while (!ofputil_pull_phy_port(sw->version, &b, &pp)) {
            struct ds label = DS_EMPTY_INITIALIZER;
            put_iface_label(ctx, th, pp.name, false, &label);
            simap_put(&sw->ofports, pp.name, ofp_to_u16(pp.port_no));
            ofputil_port_map_put(&sw->ifaces, pp.port_no, pp.name);
            ofputil_port_map_put(&sw->labels, pp.port_no, ds_cstr(&label));
            ds_destroy(&label);
        }
    }
    ofpbuf_list_delete(&replies);
    shash_add(&ctx->switches, th->name, sw);
    *swp = sw;
    return NULL;
}

/* Reads every flow of 'sw'.  The caller frees with free_flow_stats(). */
static char *
switch_dump(const struct topo_host *th, struct ops_switch *sw,
            struct ofputil_flow_stats **fsesp, size_t *n_fsesp)
{
    struct ofputil_flow_stats_request fsr = {
        .aggregate = false,
        .table_id = 0xff,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
    };
    match_init_catchall(&fsr.match);
    int error = vconn_dump_flows(sw->vconn, &fsr,
                                 ofputil_protocol_from_ofp_version(
                                     sw->version), fsesp, n_fsesp);
    return error ? xasprintf("host %s: dumping flows from %s failed (%s)",
                             th->name, sw->target,
                             ovs_retval_to_string(error)) : NULL;
}

static void
free_flow_stats(struct ofputil_flow_stats *fses, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(CONST_CAST(struct ofpact *, fses[i].ofpacts));
    }
    free(fses);
}

static int
compare_flow_stats(const void *a_, const void *b_)
{
    const struct ofputil_flow_stats *a = a_, *b = b_;
    if (a->table_id != b->table_id) {
        return a->table_id < b->table_id ? -1 : 1;
    }
    if (a->priority != b->priority) {
        return a->priority > b->priority ? -1 : 1;
    }
    uint64_t ca = ntohll(a->cookie), cb = ntohll(b->cookie);
    return ca < cb ? -1 : ca > cb;
}

static void
table_map_init(struct ofputil_table_map *map)
{
    ofputil_table_map_init(map);
    for (int id = 0; id < 255; id++) {
        const char *name = weft_table_name(id);
        if (name) {
            ofputil_table_map_put(map, id, name);
        }
    }
}

/* Hosts selected by --host, sorted by name. */
static char *
selected_hosts(const struct ops_ctx *ctx, const struct topo_host ***hostsp,
               size_t *np)
{
    struct sset names = SSET_INITIALIZER(&names);
    const struct topo_host *th;
    TOPOLOGY_FOR_EACH_HOST (th, &ctx->topo) {
        if (!ctx->opts->host || !strcmp(ctx->opts->host, th->name)) {
            sset_add(&names, th->name);
        }
    }
    if (ctx->opts->host && sset_is_empty(&names)) {
        sset_destroy(&names);
        return xasprintf("host %s does not exist", ctx->opts->host);
    }
    const char **sorted = sset_sort(&names);
    size_t n = sset_count(&names);
    const struct topo_host **hosts = xmalloc((n + 1) * sizeof *hosts);
    for (size_t i = 0; i < n; i++) {
        hosts[i] = topology_find_host_by_name(&ctx->topo, sorted[i]);
    }
    free(sorted);
    sset_destroy(&names);
    *hostsp = hosts;
    *np = n;
    return NULL;
}

/* ------------------------------------------------------------------------
 * flows. */

static char *
flows_show_host(struct ops_ctx *ctx, const struct topo_host *th,
                uint64_t tenant_key)
{
    struct ops_switch *sw;
    char *error = switch_open(ctx, th, &sw);
    if (error) {
        return error;
    }
    struct ofputil_flow_stats *fses;
    size_t n;
    error = switch_dump(th, sw, &fses, &n);
    if (error) {
        return error;
    }
    qsort(fses, n, sizeof *fses, compare_flow_stats);

    struct ofputil_table_map tables;
    table_map_init(&tables);
    size_t shown = 0;
    struct ds lines = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        uint64_t cookie = ntohll(fses[i].cookie);
        if (tenant_key && cookie_tenant(cookie) != tenant_key) {
            continue;
        }
        ofputil_flow_stats_format(&lines, &fses[i], &sw->labels, &tables,
                                  true);
        ds_put_cstr(&lines, "  # ");
        put_cookie_owner(ctx, cookie, &lines);
        ds_put_char(&lines, '\n');
        shown++;
    }
    ds_put_format(ctx->out, "host %s (%s): %"PRIuSIZE" flows\n", th->name,
                  sw->target, shown);
    ds_put_cstr(ctx->out, ds_cstr(&lines));
    ds_destroy(&lines);
    ofputil_table_map_destroy(&tables);
    free_flow_stats(fses, n);
    return NULL;
}

/* Splits flow_table_format() lines ("KEY cookie=C actions=A") of 'text'
 * into 'flows': KEY -> "cookie=C actions=A". */
static void
parse_flow_lines(char *text, struct shash *flows)
{
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *value = strstr(line, " cookie=");
        if (value) {
            *value = '\0';
            shash_replace_nocopy(flows, xstrdup(line), xstrdup(value + 1));
        }
    }
}

static uint64_t
value_cookie(const char *value)
{
    return strtoull(value + strlen("cookie="), NULL, 16);
}

/* Appends 'text', a flow_table_format() line or part of one, with the
 * pipeline's table numbers as stage names ("table=l2_lookup",
 * "goto_table:flood"), as "flows" prints them.  Numbers that are no stage of
 * weft's stay numbers. */
static void
put_table_names(const char *text, struct ds *s)
{
    static const char *const prefixes[] = { "table=", "goto_table:" };
    const char *p = text;
    while (*p) {
        size_t skip = 0;
        for (size_t i = 0; i < ARRAY_SIZE(prefixes) && !skip; i++) {
            size_t len = strlen(prefixes[i]);
            bool at_start = p == text || strchr(" ,=", p[-1]);
            if (at_start && !strncmp(p, prefixes[i], len)
                && isdigit((unsigned char) p[len])) {
                char *end;
                long id = strtol(p + len, &end, 10);
                const char *name = (id >= 0 && id < 255
                                    ? weft_table_name(id) : NULL);
                if (name && (!*end || strchr(" ,", *end))) {
                    ds_put_format(s, "%s%s", prefixes[i], name);
                    skip = end - p;
                }
            }
        }
        if (skip) {
            p += skip;
        } else {
            ds_put_char(s, *p++);
        }
    }
}

struct diff_line {
    const char *kind;           /* "missing", "extra", "different". */
    const char *key;
    const char *desired;        /* NULL for "extra". */
    const char *installed;      /* NULL for "missing". */
};

static int
compare_diff_lines(const void *a_, const void *b_)
{
    const struct diff_line *a = a_, *b = b_;
    return strcmp(a->key, b->key);
}

/* Compares weftd's desired flows for 'th' with its switch's. */
static char *
flows_diff_host(struct ops_ctx *ctx, const struct topo_host *th,
                uint64_t tenant_key)
{
    char *ctl_free;
    const char *ctl = weftd_ctl_path(ctx->opts, &ctl_free);
    char *argv[] = { CONST_CAST(char *, th->name), "desired" };
    char *desired_text;
    char *error = unixctl_call(ctl, "weftd", "weft/flows", 2, argv,
                               &desired_text);
    free(ctl_free);
    if (error) {
        return error;
    }

    struct ops_switch *sw;
    error = switch_open(ctx, th, &sw);
    if (error) {
        free(desired_text);
        return error;
    }
    struct ofputil_flow_stats *fses;
    size_t n;
    error = switch_dump(th, sw, &fses, &n);
    if (error) {
        free(desired_text);
        return error;
    }
    struct flow_table installed;
    flow_table_init(&installed);
    for (size_t i = 0; i < n; i++) {
        flow_table_add_stats(&installed, &fses[i]);
    }
    free_flow_stats(fses, n);
    struct ds installed_text = DS_EMPTY_INITIALIZER;
    flow_table_format(&installed, &installed_text);
    flow_table_destroy(&installed);

    struct shash want = SHASH_INITIALIZER(&want);
    struct shash have = SHASH_INITIALIZER(&have);
    parse_flow_lines(desired_text, &want);
    parse_flow_lines(ds_cstr(&installed_text), &have);

    struct diff_line *lines = xmalloc((shash_count(&want)
                                       + shash_count(&have) + 1)
                                      * sizeof *lines);
    size_t n_lines = 0;
    struct shash_node *node;
    SHASH_FOR_EACH (node, &want) {
        const char *other = shash_find_data(&have, node->name);
        if (!other || strcmp(other, node->data)) {
            lines[n_lines++] = (struct diff_line) {
                other ? "different" : "missing", node->name, node->data,
                other,
            };
        }
    }
    SHASH_FOR_EACH (node, &have) {
        if (!shash_find(&want, node->name)) {
            lines[n_lines++] = (struct diff_line) {
                "extra", node->name, NULL, node->data,
            };
        }
    }
    qsort(lines, n_lines, sizeof *lines, compare_diff_lines);
    for (size_t i = 0; i < n_lines; i++) {
        const struct diff_line *d = &lines[i];
        const char *value = d->desired ? d->desired : d->installed;
        uint64_t cookie = value_cookie(value);
        if (tenant_key && cookie_tenant(cookie) != tenant_key) {
            continue;
        }
        ctx->differs = true;
        ds_put_format(ctx->out, "%s %-9s ", th->name, d->kind);
        put_table_names(d->key, ctx->out);
        if (strcmp(d->kind, "different")) {
            ds_put_char(ctx->out, ' ');
            put_table_names(value, ctx->out);
        }
        ds_put_cstr(ctx->out, "  # ");
        put_cookie_owner(ctx, cookie, ctx->out);
        ds_put_char(ctx->out, '\n');
        if (!strcmp(d->kind, "different")) {
            ds_put_cstr(ctx->out, "    desired: ");
            put_table_names(d->desired, ctx->out);
            ds_put_cstr(ctx->out, "\n    switch:  ");
            put_table_names(d->installed, ctx->out);
            ds_put_char(ctx->out, '\n');
        }
    }
    free(lines);
    shash_destroy_free_data(&want);
    shash_destroy_free_data(&have);
    ds_destroy(&installed_text);
    free(desired_text);
    return NULL;
}

static char *
cmd_flows(struct ops_ctx *ctx)
{
    uint64_t tenant_key;
    char *error = tenant_filter(ctx, &tenant_key);
    if (error) {
        return error;
    }
    const struct topo_host **hosts = NULL;
    size_t n = 0;
    error = selected_hosts(ctx, &hosts, &n);
    if (error) {
        return error;
    }
    for (size_t i = 0; i < n && !error; i++) {
        error = (ctx->opts->diff ? flows_diff_host : flows_show_host)(
            ctx, hosts[i], tenant_key);
    }
    free(hosts);
    return error;
}

/* ------------------------------------------------------------------------
 * trace. */

/* Finds the unixctl socket of 'th''s ovs-vswitchd, in this order:
 *
 *   1. --vswitchd-ctl=HOST=PATH, or --vswitchd-ctl=PATH for the traced
 *      port's own host ('first');
 *   2. the Host row's external_ids:vswitchd-ctl;
 *   3. for a "unix:DIR/db.sock" remote: DIR/ovs-vswitchd.ctl if it exists
 *      (ovs-vswitchd --unixctl=...), else DIR/ovs-vswitchd.PID.ctl with PID
 *      from DIR/ovs-vswitchd.pid (OVS's default name when DIR is its run
 *      directory);
 *   4. for the traced port's own host only, the local OVS run directory
 *      ($OVS_RUNDIR or /var/run/openvswitch): weftctl trace is run on the
 *      port's host.  For a host reached through a tunnel, NULL: its
 *      ovs-vswitchd is on another machine, and tracing the local one under
 *      its name would be a lie. */
static char *
vswitchd_ctl(const struct ops_ctx *ctx, const struct topo_host *th,
             bool first)
{
    const struct svec *ctls = &ctx->opts->vswitchd_ctls;
    size_t len = strlen(th->name);
    for (size_t i = 0; i < ctls->n; i++) {
        const char *v = ctls->names[i];
        if (!strncmp(v, th->name, len) && v[len] == '=') {
            return xstrdup(v + len + 1);
        }
    }
    for (size_t i = 0; first && i < ctls->n; i++) {
        const char *eq = strchr(ctls->names[i], '=');
        if (!eq || memchr(ctls->names[i], '/', eq - ctls->names[i])) {
            return xstrdup(ctls->names[i]);
        }
    }
    const struct weftrec_host *row = weft_db_find_host(ctx->idl, th->name);
    const char *hint = row ? smap_get(&row->external_ids, "vswitchd-ctl")
                       : NULL;
    if (hint) {
        return xstrdup(hint);
    }
    char *dir = unix_remote_dir(th->ovsdb_remote);
    if (!dir) {
        if (!first) {
            return NULL;
        }
        const char *rundir = getenv("OVS_RUNDIR");
        dir = xstrdup(rundir && rundir[0] ? rundir : "/var/run/openvswitch");
    }
    char *path = xasprintf("%s/ovs-vswitchd.ctl", dir);
    struct stat st;
    if (stat(path, &st)) {
        free(path);
        char *pidfile = xasprintf("%s/ovs-vswitchd.pid", dir);
        path = xasprintf("%s/ovs-vswitchd.%ld.ctl", dir,
                         (long) read_pidfile(pidfile));
        free(pidfile);
    }
    free(dir);
    return path;
}

/* ofproto/trace prints every L4 port as tp_src/tp_dst and ICMPv6's type and
 * code under ICMPv4's names, but its parser takes tp_src/tp_dst for TCP only
 * and icmp_type/icmp_code for ICMPv4 only.  Returns the name under which
 * field 'name' of a flow of protocol 'proto' ("udp", "icmp6", ...) parses. */
static const char *
field_for_protocol(const char *proto, const char *name)
{
    bool src = !strcmp(name, "tp_src"), dst = !strcmp(name, "tp_dst");
    bool type = !strcmp(name, "icmp_type"), code = !strcmp(name, "icmp_code");
    if ((src || dst) && (!strcmp(proto, "udp") || !strcmp(proto, "udp6"))) {
        return src ? "udp_src" : "udp_dst";
    } else if ((src || dst)
               && (!strcmp(proto, "sctp") || !strcmp(proto, "sctp6"))) {
        return src ? "sctp_src" : "sctp_dst";
    } else if ((type || code) && !strcmp(proto, "icmp6")) {
        return type ? "icmpv6_type" : "icmpv6_code";
    }
    return name;
}

/* The packet fields of an ofproto/trace "Flow:" or "Final flow:" line, as
 * the next host's ofproto/trace parses them: without the fields that belong
 * to one bridge (in_port, metadata, registers, tunnel metadata, conntrack
 * state) or to the link it crosses (VLAN tags: weft tags frames for the
 * uplink only, and that hop sets the tag itself), with
 * L4 fields under their protocol's names (field_for_protocol()), and
 * without any field the parser would still refuse (tp_src=0 of a protocol
 * without ports, say), so that one odd field never stops the trace. */
static char *
packet_fields(const char *flow)
{
    static const char *const drop[] = {
        "in_port=", "metadata=", "reg", "xreg", "xxreg", "tun_", "recirc_id=",
        "dp_hash=", "skb_priority=", "pkt_mark=", "ct_", "packet_type=",
        "actset_output=", "vlan_tci", "dl_vlan",
    };
    char *copy = xstrdup(flow);
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *proto = "";
    char *save = NULL;
    for (char *f = strtok_r(copy, ",", &save); f;
         f = strtok_r(NULL, ",", &save)) {
        bool keep = true;
        for (size_t i = 0; i < ARRAY_SIZE(drop); i++) {
            keep = keep && strncmp(f, drop[i], strlen(drop[i]));
        }
        if (!keep) {
            continue;
        }
        char *eq = strchr(f, '=');
        if (!eq && !s.length) {
            proto = f;          /* "udp", "arp", ...: always first. */
        }
        size_t length = s.length;
        if (length) {
            ds_put_char(&s, ',');
        }
        if (eq) {
            *eq = '\0';
            ds_put_format(&s, "%s=%s", field_for_protocol(proto, f), eq + 1);
        } else {
            ds_put_cstr(&s, f);
        }
        struct flow parsed;
        char *error = parse_ofp_exact_flow(&parsed, NULL, NULL, ds_cstr(&s),
                                           NULL);
        if (error) {
            free(error);
            ds_truncate(&s, length);
        }
    }
    free(copy);
    return ds_steal_cstr(&s);
}

/* Where a traced packet leaves its host for another one: through a tunnel,
 * or tagged through the uplink (a VLAN network). */
struct trace_hop {
    const struct ops_tunnel *tunnel;   /* NULL for the uplink. */
    char *iface;                /* The port it leaves through. */
    char *tun_id;               /* Tunnel: "0x3e9", as the trace printed it. */
    int vlan;                   /* Uplink: the VLAN ID of its tag. */
};

static void
trace_hops_destroy(struct trace_hop *hops, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(hops[i].tun_id);
        free(hops[i].iface);
    }
    free(hops);
}

/* Appends the note for a line of ofproto/trace output 'p' (leading blanks
 * stripped) inside bridge 'bridge', which is not weft's br-int.  Its flows
 * are not weft's: naming them after br-int's stages would be a lie. */
static void
note_other_bridge(const char *bridge, const char *p, struct ds *note)
{
    int table, n = 0;
    if (sscanf(p, "%d. %n", &table, &n) == 1 && n) {
        ds_put_format(note, "bridge %s, not weft's", bridge);
    } else if (!strcmp(p, "NORMAL")) {
        ds_put_format(note, "%s's own L2 switching (NORMAL), outside weft's "
                      "pipeline", bridge);
    }
}

/* Appends ofproto/trace output 'text' from host 'th' to ctx->out with
 * weft's names, collects where the packet leaves for other hosts in
 * '*hopsp', and stores the packet's fields after br-int (packet_fields())
 * in '*flowp'. */
static void
annotate_trace(struct ops_ctx *ctx, const struct topo_host *th,
               const struct ops_switch *sw, char *text,
               struct trace_hop **hopsp, size_t *n_hopsp, char **flowp)
{
    struct trace_hop *hops = NULL;
    size_t n_hops = 0, allocated = 0;
    char *tun_id = NULL;
    int vlan = 0;               /* VID of the tag br-int's actions pushed. */
    struct svec verdict = SVEC_EMPTY_INITIALIZER;
    bool hop_added = false;     /* The last output added a hop. */
    *flowp = NULL;

    char *bridge = xstrdup(BRIDGE);
    bool in_br_int = false;     /* Annotate only br-int's tables. */
    for (char *next = text, *line; (line = strsep(&next, "\n")) != NULL;) {
        if (!next && !line[0]) {
            break;              /* After the final newline. */
        }
        struct ds note = DS_EMPTY_INITIALIZER;
        const char *p = line + strspn(line, " ");
        int table;
        unsigned long long value;
        int n = 0;

        if (!strncmp(p, "bridge(\"", 8)) {
            free(bridge);
            bridge = xstrdup(p + 8);
            bridge[strcspn(bridge, "\"")] = '\0';
            in_br_int = !strcmp(bridge, BRIDGE);
        } else if (!in_br_int
                   && (line[0] == ' ' || isdigit((unsigned char) line[0]))) {
            note_other_bridge(bridge, p, &note);
        } else if (!strncmp(line, "Flow: ", 6) || !strncmp(line, "Final flow: ", 12)) {
            const char *flow = strchr(line, ':') + 2;
            if (strcmp(flow, "unchanged")) {
                free(*flowp);
                *flowp = packet_fields(flow);
            }
            const char *in = strstr(line, "in_port=");
            int port;
            if (!strncmp(line, "Flow: ", 6) && in
                && sscanf(in, "in_port=%d", &port) == 1) {
                const char *iface = ofputil_port_map_get_name(
                    &sw->ifaces, u16_to_ofp(port));
                if (iface) {
                    ds_put_cstr(&note, "in_port ");
                    put_iface_label(ctx, th, iface, true, &note);
                }
            }
        } else if (sscanf(p, "%d. No match%n", &table, &n) == 1 && n) {
            const char *stage = weft_table_name(table);
            ds_put_format(&note, "%s: no flow matched (dropped)",
                          stage ? stage : "not weft's table");
        } else if (sscanf(p, "%d. %n", &table, &n) == 1 && n) {
            const char *stage = weft_table_name(table);
            ds_put_format(&note, "%s, ", stage ? stage : "not weft's table");
            const char *cookie = strstr(p, "cookie 0x");
            if (cookie && sscanf(cookie + 7, "%llx", &value) == 1) {
                put_cookie_owner(ctx, value, &note);
            } else {
                ds_put_cstr(&note, "not weft's (no cookie)");
            }
        } else if (!strncmp(p, "goto_table:", 11)) {
            const char *stage = weft_table_name(atoi(p + 11));
            if (stage) {
                ds_put_format(&note, "-> %s", stage);
            }
        } else if (!strncmp(p, "set_field:", 10)
                   && strstr(p, "->metadata")
                   && sscanf(p, "set_field:%llx", &value) == 1) {
            const char *net = name_of(ctx, 'n', value);
            ds_put_format(&note, "network %s", net ? net : "?");
        } else if (!strncmp(p, "set_field:", 10) && strstr(p, "->tun_id")) {
            free(tun_id);
            tun_id = xmemdup0(p + 10, strstr(p, "->tun_id") - (p + 10));
        } else if (!strncmp(p, "set_field:", 10) && strstr(p, "->vlan_vid")) {
            vlan = strtol(p + 10, NULL, 0) & VLAN_VID_MASK;
            ds_put_format(&note, "VLAN %d", vlan);
        } else if (!strncmp(p, "mod_vlan_vid:", 13)) {
            vlan = atoi(p + 13) & VLAN_VID_MASK;
        } else if (!strcmp(p, "pop_vlan") || !strcmp(p, "strip_vlan")) {
            vlan = 0;
        } else if (!strncmp(p, "output:", 7)) {
            int port = atoi(p + 7);
            const char *iface = ofputil_port_map_get_name(
                &sw->ifaces, u16_to_ofp(port));
            hop_added = false;
            if (iface) {
                ds_put_cstr(&note, "-> ");
                put_iface_label(ctx, th, iface, true, &note);
                const struct ops_tunnel *tun = shash_find_data(&ctx->tunnels,
                                                               iface);
                bool uplink = th->uplink && !strcmp(th->uplink, iface);
                struct ds label = DS_EMPTY_INITIALIZER;
                put_iface_label(ctx, th, iface, false, &label);
                if (uplink) {
                    ds_put_format(&label, " (uplink, %s)",
                                  vlan ? "tagged" : "untagged");
                }
                svec_add_nocopy(&verdict, ds_steal_cstr(&label));

                if (uplink && vlan) {
                    ds_put_format(&note, ", VLAN %d", vlan);
                } else if (uplink) {
                    ds_put_cstr(&note, ", untagged: no host takes it");
                }
                if ((tun && tun_id) || (uplink && vlan)) {
                    if (n_hops >= allocated) {
                        hops = x2nrealloc(hops, &allocated, sizeof *hops);
                    }
                    hops[n_hops++] = (struct trace_hop) {
                        .tunnel = uplink ? NULL : tun,
                        .iface = xstrdup(iface),
                        .tun_id = uplink ? NULL : xstrdup(tun_id),
                        .vlan = uplink ? vlan : 0,
                    };
                    hop_added = true;
                }
            }
        } else if (!strncmp(p, ">> skipping output to input port", 32)
                   && verdict.n) {
            /* The output just before was not done after all. */
            svec_pop_back(&verdict);
            if (hop_added) {
                n_hops--;
                free(hops[n_hops].iface);
                free(hops[n_hops].tun_id);
                hop_added = false;
            }
        } else if (in_br_int
                   && (!strcmp(p, "IN_PORT") || !strncmp(p, "in_port", 7))) {
            ds_put_cstr(&note, "-> back out of the port it came from");
            svec_add(&verdict, "IN_PORT (back where it came from)");
        }

        if (note.length) {
            ds_put_format(ctx->out, "%s    # %s\n", line, ds_cstr(&note));
        } else {
            ds_put_format(ctx->out, "%s\n", line);
        }
        ds_destroy(&note);
    }
    ds_put_format(ctx->out, "=== host %s: ", th->name);
    if (verdict.n) {
        ds_put_cstr(ctx->out, "output to ");
        for (size_t i = 0; i < verdict.n; i++) {
            ds_put_format(ctx->out, "%s%s", i ? "; " : "", verdict.names[i]);
        }
        ds_put_char(ctx->out, '\n');
    } else {
        ds_put_cstr(ctx->out, "dropped (no output)\n");
    }
    svec_destroy(&verdict);
    free(bridge);
    free(tun_id);
    *hopsp = hops;
    *n_hopsp = n_hops;
}

static char *trace_host(struct ops_ctx *, const struct topo_host *,
                        const char *flow, bool first, struct sset *visited);

/* Follows the packet 'packet' (packet_fields()) from host 'from' to host
 * 'next', where it enters br-int through interface 'in_iface' with the
 * fields in 'encap' (the tunnel's, or the VLAN tag).  'how' says how it
 * leaves 'from', for the reader. */
static char *
trace_follow(struct ops_ctx *ctx, const struct topo_host *from,
             const struct topo_host *next, const char *in_iface,
             const char *encap, const char *packet, const char *how,
             struct sset *visited)
{
    if (sset_contains(visited, next->name)
        || sset_count(visited) >= MAX_TRACE_HOPS) {
        return NULL;
    }
    struct ops_switch *next_sw;
    char *error = switch_open(ctx, next, &next_sw);
    if (error) {
        return error;
    }
    const struct simap_node *port = simap_find(&next_sw->ofports, in_iface);
    if (!port) {
        ds_put_format(ctx->out, "\n=== host %s has no port %s (%s): the "
                      "packet is dropped there\n", next->name, in_iface,
                      encap);
        return NULL;
    }
    char *next_flow = xasprintf("in_port=%u,%s,%s", port->data, encap,
                                packet);
    ds_put_format(ctx->out, "\n--> leaves host %s %s; following it on host "
                  "%s (in_port %s)\n\n", from->name, how, next->name,
                  in_iface);
    error = trace_host(ctx, next, next_flow, false, visited);
    free(next_flow);
    return error;
}

/* Stores in 'names' the hosts that take a frame that leaves 'th''s uplink
 * with VLAN ID 'vid' and the fields in 'packet': for a unicast destination
 * MAC, the host of the port that has it in the VLAN network; otherwise (or
 * if no port has it: the trunk floods it) every other host with a port in
 * that network and an uplink.  Returns the network, or NULL if no VLAN
 * network has that ID. */
static const struct topo_network *
vlan_hop_hosts(const struct ops_ctx *ctx, const struct topo_host *th,
               int vid, const char *packet, struct sset *names)
{
    const struct topo_network *net = NULL, *n;
    TOPOLOGY_FOR_EACH_NETWORK (n, &ctx->topo) {
        if (n->type == TOPO_NET_VLAN && n->segment_id == vid) {
            net = n;
        }
    }
    if (!net) {
        return NULL;
    }
    struct eth_addr dst;
    const char *f = strstr(packet, "dl_dst=");
    bool unicast = (f && (f == packet || f[-1] == ',')
                    && ovs_scan(f, "dl_dst="ETH_ADDR_SCAN_FMT,
                                ETH_ADDR_SCAN_ARGS(dst))
                    && !eth_addr_is_multicast(dst));
    for (int pass = 0; pass < 2 && sset_is_empty(names); pass++) {
        const struct topo_port *p;
        TOPOLOGY_FOR_EACH_PORT (p, &ctx->topo) {
            if (p->network == net && p->host != th && p->host->uplink
                && (pass || !unicast || eth_addr_equals(p->mac, dst))) {
                sset_add(names, p->host->name);
            }
        }
    }
    return net;
}

static char *
trace_host(struct ops_ctx *ctx, const struct topo_host *th, const char *flow,
           bool first, struct sset *visited)
{
    sset_add(visited, th->name);
    char *ctl = vswitchd_ctl(ctx, th, first);
    if (!ctl) {
        ds_put_format(ctx->out, "=== host %s: its ovs-vswitchd cannot be "
                      "reached from here (give --vswitchd-ctl=%s=PATH, or "
                      "set Host external_ids:vswitchd-ctl); to follow the "
                      "packet, run there: ovs-appctl ofproto/trace %s '%s'\n",
                      th->name, th->name, BRIDGE, flow);
        return NULL;
    }
    struct ops_switch *sw;
    char *error = switch_open(ctx, th, &sw);
    if (error) {
        free(ctl);
        return error;
    }
    char *argv[] = { BRIDGE, CONST_CAST(char *, flow) };
    char *result;
    char *what = xasprintf("ovs-vswitchd of host %s", th->name);
    error = unixctl_call(ctl, what, "ofproto/trace", 2, argv, &result);
    free(what);
    if (error) {
        free(ctl);
        return error;
    }
    ds_put_format(ctx->out, "=== host %s: ovs-appctl -t %s ofproto/trace "
                  "%s '%s'\n", th->name, ctl, BRIDGE, flow);
    free(ctl);

    struct trace_hop *hops;
    size_t n_hops;
    char *packet;
    annotate_trace(ctx, th, sw, result, &hops, &n_hops, &packet);
    free(result);

    for (size_t i = 0; i < n_hops && !error && packet; i++) {
        const struct trace_hop *hop = &hops[i];
        if (hop->tunnel) {
            const struct topo_host *next = hop->tunnel->remote;
            char back[16];
            weft_tunnel_name(hop->tunnel->type, th, back);
            char *encap = xasprintf("tun_id=%s,tun_src=%s,tun_dst=%s",
                                    hop->tun_id,
                                    th->tunnel_ip ? th->tunnel_ip : "0.0.0.0",
                                    next->tunnel_ip ? next->tunnel_ip
                                    : "0.0.0.0");
            char *how = xasprintf("through %s with tun_id %s", hop->iface,
                                  hop->tun_id);
            error = trace_follow(ctx, th, next, back, encap, packet, how,
                                 visited);
            free(how);
            free(encap);
            continue;
        }

        /* The uplink: the trunk carries the tagged frame to every host. */
        struct sset names = SSET_INITIALIZER(&names);
        const struct topo_network *net = vlan_hop_hosts(ctx, th, hop->vlan,
                                                        packet, &names);
        if (!net || sset_is_empty(&names)) {
            ds_put_format(ctx->out, "\n--> leaves host %s through the uplink "
                          "%s with VLAN %d: %s\n", th->name, hop->iface,
                          hop->vlan, net ? "no other host has a port in "
                          "that network" : "no VLAN network has that ID");
        }
        const char **sorted = sset_sort(&names);
        for (size_t j = 0; sorted[j] && !error; j++) {
            const struct topo_host *next
                = topology_find_host_by_name(&ctx->topo, sorted[j]);
            char *encap = xasprintf("dl_vlan=%d", hop->vlan);
            char *how = xasprintf("through the uplink %s with VLAN %d "
                                  "(network %s/%s)", hop->iface, hop->vlan,
                                  net->tenant->name, net->name);
            error = trace_follow(ctx, th, next, next->uplink, encap, packet,
                                 how, visited);
            free(how);
            free(encap);
        }
        free(sorted);
        sset_destroy(&names);
    }
    trace_hops_destroy(hops, n_hops);
    free(packet);
    return error;
}

/* Returns the first IPv4 address of 'port', or NULL. */
static const char *
port_ip(const struct weftrec_port *port)
{
    return port->n_ips ? port->ips[0] : NULL;
}

/* Returns the MAC of the port of 'net' that has IP 'ip', or NULL. */
static const char *
mac_of_ip(struct ovsdb_idl *idl, const struct weftrec_network *net,
          ovs_be32 ip)
{
    const struct weftrec_port *p;
    WEFTREC_PORT_FOR_EACH (p, idl) {
        for (size_t i = 0; p->network == net && i < p->n_ips; i++) {
            ovs_be32 a;
            if (ip_parse(p->ips[i], &a) && a == ip) {
                return p->mac;
            }
        }
    }
    return NULL;
}

/* Builds the flow to trace for a packet that 'port' sends: the user's
 * 'spec' with in_port and dl_src filled in, and what an endpoint would put
 * there itself unless 'spec' says otherwise: its IP as source, the
 * destination's MAC (as ARP would have resolved it), an ARP request's
 * sender fields and broadcast destination. */
static char *
trace_flow(struct ops_ctx *ctx, const struct weftrec_port *port,
           const char *spec, char **flowp)
{
    struct flow flow;
    struct flow_wildcards wc;
    char *error = parse_ofp_exact_flow(&flow, &wc, NULL, spec, NULL);
    if (error) {
        char *msg = xasprintf("bad flow \"%s\": %s", spec, error);
        free(error);
        return msg;
    }
    if (wc.masks.in_port.ofp_port || !eth_addr_is_zero(wc.masks.dl_src)) {
        return xstrdup("in_port and dl_src come from the port: leave them "
                       "out of the flow");
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "%s,in_port=%"PRId64",dl_src=%s", spec,
                  port->ofport[0], port->mac);
    const char *ip = port_ip(port);
    if (flow.dl_type == htons(ETH_TYPE_IP)) {
        if (!wc.masks.nw_src && ip) {
            ds_put_format(&s, ",nw_src=%s", ip);
        }
        if (eth_addr_is_zero(wc.masks.dl_dst)) {
            const char *mac = mac_of_ip(ctx->idl, port->network, flow.nw_dst);
            if (mac) {
                ds_put_format(&s, ",dl_dst=%s", mac);
            }
        }
    } else if (flow.dl_type == htons(ETH_TYPE_ARP)) {
        if (!wc.masks.nw_proto) {
            ds_put_cstr(&s, ",arp_op=1");
        }
        if (!wc.masks.nw_src && ip) {
            ds_put_format(&s, ",arp_spa=%s", ip);
        }
        if (eth_addr_is_zero(wc.masks.arp_sha)) {
            ds_put_format(&s, ",arp_sha=%s", port->mac);
        }
        if (eth_addr_is_zero(wc.masks.dl_dst)) {
            ds_put_cstr(&s, ",dl_dst=ff:ff:ff:ff:ff:ff");
        }
    }
    *flowp = ds_steal_cstr(&s);
    return NULL;
}

static char *
cmd_trace(struct ops_ctx *ctx)
{
    char *path[3] = { NULL, NULL, NULL };
    char *error = parse_path(ctx->opts->args[1], 3, path);
    if (error) {
        return error;
    }
    const struct weftrec_port *port = find_port_row(ctx->idl, path);
    if (!port) {
        error = xasprintf("port %s/%s/%s does not exist", path[0], path[1],
                          path[2]);
    } else if (!port->host || !port->n_ofport || port->ofport[0] <= 0) {
        error = xasprintf("port %s has no OpenFlow port number yet (is "
                          "weftd running, and does interface %s exist?)",
                          ctx->opts->args[1], port->iface);
    }
    const struct topo_host *th = error ? NULL
        : topology_find_host_by_name(&ctx->topo, port->host->name);
    if (!error && !th) {
        error = xasprintf("host %s is not usable", port->host->name);
    }
    char *flow = NULL;
    if (!error) {
        error = trace_flow(ctx, port, ctx->opts->args[2], &flow);
    }
    if (!error) {
        struct sset visited = SSET_INITIALIZER(&visited);
        ds_put_format(ctx->out, "port %s: host %s, interface %s, ofport "
                      "%"PRId64", mac %s\n", ctx->opts->args[1], th->name,
                      port->iface, port->ofport[0], port->mac);
        error = trace_host(ctx, th, flow, true, &visited);
        sset_destroy(&visited);
    }
    free(flow);
    for (size_t i = 0; i < 3; i++) {
        free(path[i]);
    }
    return error;
}

/* ------------------------------------------------------------------------
 * attach and detach. */

/* A network namespace, as two commands want it. */
struct nsref {
    char *ip_arg;               /* For "ip link set DEV netns X": a name or a
                                 * pid; NULL for weftctl's own namespace. */
    char *path;                 /* For "nsenter --net=PATH", or NULL. */
};

static void
nsref_destroy(struct nsref *ns)
{
    free(ns->ip_arg);
    free(ns->path);
}

static void
nsref_named(struct nsref *ns, const char *name)
{
    ns->ip_arg = xstrdup(name);
    ns->path = xasprintf("/run/netns/%s", name);
}

static bool
same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return !stat(a, &sa) && !stat(b, &sb)
           && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The namespace that holds 'host''s interfaces: --host-netns, else the Host
 * row's external_ids:netns, else the namespace of the host's ovs-vswitchd
 * when its pidfile is next to a "unix:" remote (a namespace lab host), else
 * weftctl's own. */
static void
host_netns(const struct ops_ctx *ctx, const struct weftrec_host *host,
           struct nsref *ns)
{
    ns->ip_arg = ns->path = NULL;
    const char *hint = smap_get(&host->external_ids, "netns");
    if (ctx->opts->host_netns || hint) {
        nsref_named(ns, ctx->opts->host_netns ? ctx->opts->host_netns : hint);
        return;
    }
    char *dir = unix_remote_dir(host->ovsdb_remote);
    if (dir) {
        char *pidfile = xasprintf("%s/ovs-vswitchd.pid", dir);
        pid_t pid = read_pidfile(pidfile);
        free(pidfile);
        free(dir);
        char *path = xasprintf("/proc/%ld/ns/net", (long) pid);
        if (pid && !same_file(path, "/proc/self/ns/net")) {
            ns->ip_arg = xasprintf("%ld", (long) pid);
            ns->path = path;
            return;
        }
        free(path);
    }
}

/* Runs the NULL-terminated command line that follows 'ns', inside namespace
 * 'ns' (NULL: weftctl's own).  Returns NULL, or a malloc'd error that quotes
 * the command.  'quiet' sends the command's stdout and stderr to
 * /dev/null. */
static char * __attribute__((sentinel))
run(const struct nsref *ns, bool quiet, ...)
{
    struct svec argv = SVEC_EMPTY_INITIALIZER;
    if (ns && ns->path) {
        svec_add(&argv, "nsenter");
        svec_add_nocopy(&argv, xasprintf("--net=%s", ns->path));
        svec_add(&argv, "--");
    }
    va_list args;
    va_start(args, quiet);
    for (const char *a; (a = va_arg(args, const char *)) != NULL;) {
        svec_add(&argv, a);
    }
    va_end(args);
    svec_terminate(&argv);

    char *error = NULL;
    pid_t pid = fork();
    if (pid < 0) {
        error = xasprintf("fork failed (%s)", ovs_strerror(errno));
    } else if (!pid) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            if (quiet) {
                dup2(null, STDERR_FILENO);
            }
        }
        execvp(argv.names[0], argv.names);
        _exit(127);
    } else {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            continue;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status)) {
            struct ds cmd = DS_EMPTY_INITIALIZER;
            for (size_t i = 0; i < argv.n; i++) {
                ds_put_format(&cmd, "%s%s", i ? " " : "", argv.names[i]);
            }
            error = xasprintf("\"%s\" failed (%s)", ds_cstr(&cmd),
                              WIFEXITED(status) && WEXITSTATUS(status) == 127
                              ? "command not found or not runnable"
                              : "see its message above");
            ds_destroy(&cmd);
        }
    }
    svec_destroy(&argv);
    return error;
}

/* Commits 'req' like weftctl's write commands (verify and bump nb_cfg,
 * retry on a conflicting writer) before 'ctx->deadline'; with 'dry_run',
 * only checks it.  Stores in '*nb_cfgp' the nb_cfg the write carries and
 * adds to 'changed' the hosts whose flows it touches (compile_changed_hosts():
 * the topology it was checked against, then the one after the commit).
 * Sets '*sentp' if the write was committed, or may have been (a timeout
 * while committing), so that a caller undoing it knows to look. */
static char *
ops_write(struct ops_ctx *ctx, const struct weft_request *req, bool dry_run,
          int64_t *nb_cfgp, struct sset *changed, bool *sentp)
{
    *sentp = false;
    for (;;) {
        unsigned int seqno = ovsdb_idl_get_seqno(ctx->idl);
        struct topology topo;
        topology_init(&topo);
        weft_db_load_topology(ctx->idl, &topo);
        struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(ctx->idl);
        ovsdb_idl_txn_add_comment(txn, "weftctl: %s %s", ctx->opts->args[0],
                                  ctx->opts->args[1]);
        bool inserting;
        *nb_cfgp = weft_write_next_cfg(ctx->idl, txn, 1, &inserting);
        struct weft_error *werr = weft_write_build(req, ctx->idl, txn, &topo);
        if (werr || dry_run) {
            char *msg = werr ? xstrdup(werr->message) : NULL;
            weft_error_destroy(werr);
            ovsdb_idl_txn_destroy(txn);
            topology_destroy(&topo);
            return msg;
        }
        enum ovsdb_idl_txn_status status;
        while ((status = ovsdb_idl_txn_commit(txn)) == TXN_INCOMPLETE
               && time_msec() < ctx->deadline) {
            ovsdb_idl_run(ctx->idl);
            ovsdb_idl_wait(ctx->idl);
            ovsdb_idl_txn_wait(txn);
            poll_timer_wait_until(ctx->deadline);
            poll_block();
        }
        if (status == TXN_SUCCESS || status == TXN_UNCHANGED) {
            /* The IDL has the commit: ovsdb-server sends a transaction's
             * update before its reply. */
            *sentp = true;
            struct topology now;
            topology_init(&now);
            weft_db_load_topology(ctx->idl, &now);
            compile_changed_hosts(&topo, &now, changed);
            topology_destroy(&now);
            topology_destroy(&topo);
            ovsdb_idl_txn_destroy(txn);
            return NULL;
        }
        topology_destroy(&topo);
        char *msg = (status == TXN_TRY_AGAIN ? NULL
                     : status == TXN_INCOMPLETE
                     ? xstrdup("timeout waiting for the transaction to commit")
                     : xasprintf("transaction failed: %s (%s)",
                                 ovsdb_idl_txn_status_to_string(status),
                                 ovsdb_idl_txn_get_error(txn)));
        *sentp = status == TXN_INCOMPLETE;
        ovsdb_idl_txn_destroy(txn);
        if (msg) {
            return msg;
        }
        while (ovsdb_idl_get_seqno(ctx->idl) == seqno) {
            if (time_msec() >= ctx->deadline) {
                return xstrdup("timeout waiting to retry the transaction");
            }
            ovsdb_idl_run(ctx->idl);
            ovsdb_idl_wait(ctx->idl);
            poll_timer_wait_until(ctx->deadline);
            poll_block();
        }
    }
}

/* Waits until every host in 'hosts' has installed 'nb_cfg' (Host.cur_cfg),
 * or 'ctx->deadline'.  A host deleted meanwhile has nothing to install. */
static char *
ops_wait_hosts(struct ops_ctx *ctx, int64_t nb_cfg, const struct sset *hosts)
{
    for (;;) {
        ovsdb_idl_run(ctx->idl);
        struct ds lagging = DS_EMPTY_INITIALIZER;
        const char **names = sset_sort(hosts);
        for (size_t i = 0; names[i]; i++) {
            const struct weftrec_host *h = weft_db_find_host(ctx->idl,
                                                             names[i]);
            if (h && h->cur_cfg < nb_cfg) {
                ds_put_format(&lagging, "%s%s", lagging.length ? ", " : "",
                              names[i]);
            }
        }
        free(names);
        if (!lagging.length) {
            ds_destroy(&lagging);
            return NULL;
        }
        if (time_msec() >= ctx->deadline) {
            char *error = xasprintf("timeout waiting for host%s %s to "
                                    "install nb_cfg %"PRId64,
                                    strchr(ds_cstr(&lagging), ',') ? "s" : "",
                                    ds_cstr(&lagging), nb_cfg);
            ds_destroy(&lagging);
            return error;
        }
        ds_destroy(&lagging);
        ovsdb_idl_wait(ctx->idl);
        poll_timer_wait_until(ctx->deadline);
        poll_block();
    }
}

/* Host-side interface name for port 'path': "wf" and 8 hex digits of a
 * hash of the path, so that detach finds it from the Port row alone. */
static void
attach_ifname(char *const path[3], const char *prefix, char name[16])
{
    char *full = xasprintf("%s/%s/%s", path[0], path[1], path[2]);
    snprintf(name, 16, "%s%08"PRIx32, prefix, hash_string(full, 0));
    free(full);
}

/* A locally administered unicast MAC from 'path' that no port of 'net'
 * has. */
static void
attach_mac(struct ops_ctx *ctx, const struct weftrec_network *net,
           char *const path[3], char mac[ETH_ADDR_STRLEN + 1])
{
    char *full = xasprintf("%s/%s/%s", path[0], path[1], path[2]);
    for (uint32_t basis = 0;; basis++) {
        uint32_t h = hash_string(full, basis);
        snprintf(mac, ETH_ADDR_STRLEN + 1, "02:%02x:%02x:%02x:%02x:%02x",
                 basis & 0xff, h >> 24, (h >> 16) & 0xff, (h >> 8) & 0xff,
                 h & 0xff);
        bool used = false;
        const struct weftrec_port *p;
        WEFTREC_PORT_FOR_EACH (p, ctx->idl) {
            used = used || (p->network == net && !strcmp(p->mac, mac));
        }
        if (!used) {
            break;
        }
    }
    free(full);
}

/* Looks for interface 'ifname' in the namespace of 'host' or, if 'host' is
 * NULL (a Port row is gone), of every host, and in weftctl's own.  If it
 * exists, stores where in '*ns' (the caller destroys it) and returns true. */
static bool
attach_find_iface(const struct ops_ctx *ctx, const struct weftrec_host *host,
                  const char *ifname, struct nsref *ns)
{
    const struct weftrec_host *h;
    WEFTREC_HOST_FOR_EACH (h, ctx->idl) {
        if (host && h != host) {
            continue;
        }
        host_netns(ctx, h, ns);
        char *error = run(ns, true, "ip", "link", "show", ifname, NULL);
        if (!error) {
            return true;
        }
        free(error);
        nsref_destroy(ns);
    }
    ns->ip_arg = ns->path = NULL;
    char *error = run(ns, true, "ip", "link", "show", ifname, NULL);
    free(error);
    return !error;
}

/* Undoing a failed attach gets this long on top of --timeout: an attach that
 * timed out must still leave nothing behind. */
#define ATTACH_UNDO_MSEC 10000

/* Undoes what a failed attach of 'path' made: deletes interface 'hostif'
 * (in 'hns' or weftctl's own namespace) and, if 'nb_cfg' is not -1 (a write
 * of the Port row with that nb_cfg committed, or may have), the Port row.
 * The row is only deleted if it is the attach's own (its interface is
 * 'hostif'): before its write the attach checked that no such row existed.
 * Returns NULL, or what could not be undone. */
static char *
attach_undo(struct ops_ctx *ctx, char *const path[3], const char *hostif,
            const struct nsref *hns, int64_t nb_cfg)
{
    ctx->deadline = time_msec() + ATTACH_UNDO_MSEC;
    char *error = NULL;
    while (nb_cfg >= 0) {
        ovsdb_idl_run(ctx->idl);
        const struct weftrec_port *port = find_port_row(ctx->idl, path);
        if (port && !strcmp(port->iface, hostif)) {
            struct weft_request req;
            weft_request_init(&req, WEFT_OP_PORT_DEL);
            for (size_t i = 0; i < 3; i++) {
                req.path[i] = xstrdup(path[i]);
            }
            int64_t del_cfg;
            struct sset changed = SSET_INITIALIZER(&changed);
            bool written;
            error = ops_write(ctx, &req, false, &del_cfg, &changed, &written);
            sset_destroy(&changed);
            weft_request_destroy(&req);
            if (error) {
                char *e = xasprintf("port row %s/%s/%s not deleted (%s)",
                                    path[0], path[1], path[2], error);
                free(error);
                error = e;
            }
            break;
        }
        /* No such row: certain once the database is at or past the
         * write's nb_cfg (it either committed or lost to another
         * writer). */
        const struct weftrec_weft_global *g
            = weftrec_weft_global_first(ctx->idl);
        if (g && g->nb_cfg >= nb_cfg) {
            break;
        }
        if (time_msec() >= ctx->deadline) {
            error = xasprintf("cannot tell whether port row %s/%s/%s was "
                              "written (see weftctl port-list)", path[0],
                              path[1], path[2]);
            break;
        }
        ovsdb_idl_wait(ctx->idl);
        poll_timer_wait_until(ctx->deadline);
        poll_block();
    }

    /* Deleting either end deletes the pair, wherever it is by now. */
    char *del_error = run(hns, true, "ip", "link", "del", hostif, NULL);
    if (del_error) {
        free(del_error);
        del_error = run(NULL, true, "ip", "link", "del", hostif, NULL);
    }
    if (del_error) {
        /* Gone already (never made, or moved away and deleted) is fine. */
        free(del_error);
        struct nsref where;
        if (attach_find_iface(ctx, NULL, hostif, &where)) {
            nsref_destroy(&where);
            char *e = xasprintf("%s%sinterface %s not deleted",
                                error ? error : "", error ? "; " : "",
                                hostif);
            free(error);
            error = e;
        }
    }
    return error;
}

static char *
cmd_attach(struct ops_ctx *ctx)
{
    const struct ops_options *opts = ctx->opts;
    char *path[3] = { NULL, NULL, NULL };
    char *error = parse_path(opts->args[1], 2, path);
    if (error) {
        return error;
    }
    if (!opts->netns) {
        error = xstrdup("attach requires --netns=NAME");
        goto out;
    }
    path[2] = xstrdup(opts->name ? opts->name : opts->netns);

    const struct weftrec_network *net = find_network_row(ctx->idl, path);
    if (!net) {
        error = xasprintf("network %s/%s does not exist", path[0], path[1]);
        goto out;
    }
    const struct weftrec_host *host = NULL;
    if (opts->host) {
        host = weft_db_find_host(ctx->idl, opts->host);
        if (!host) {
            error = xasprintf("host %s does not exist", opts->host);
            goto out;
        }
    } else {
        const struct weftrec_host *h;
        size_t n = 0;
        WEFTREC_HOST_FOR_EACH (h, ctx->idl) {
            host = h;
            n++;
        }
        if (n != 1) {
            error = xstrdup("there is not exactly one host: say which with "
                            "--host=HOST");
            goto out;
        }
    }

    char *ns_path = xasprintf("/run/netns/%s", opts->netns);
    struct stat st;
    bool ns_exists = !stat(ns_path, &st);
    free(ns_path);
    if (!ns_exists) {
        error = xasprintf("no network namespace %s (ip netns list; for a "
                          "container: ip netns attach %s PID)", opts->netns,
                          opts->netns);
        goto out;
    }

    /* Address, MAC, MTU, names. */
    char ip[INET_ADDRSTRLEN + 4] = "";
    char cidr[INET_ADDRSTRLEN + 8] = "";
    if (opts->ip) {
        const char *slash = strchr(opts->ip, '/');
        size_t len = slash ? (size_t) (slash - opts->ip) : strlen(opts->ip);
        if (len >= sizeof ip || (slash && strlen(slash) > 3)) {
            error = xasprintf("bad --ip %s (expected A.B.C.D[/LEN])",
                              opts->ip);
            goto out;
        }
        memcpy(ip, opts->ip, len);
        ip[len] = '\0';
        snprintf(cidr, sizeof cidr, "%s%s", opts->ip, slash ? "" : "/24");
    }
    char mac[ETH_ADDR_STRLEN + 1];
    if (opts->mac) {
        ovs_strlcpy(mac, opts->mac, sizeof mac);
    } else {
        attach_mac(ctx, net, path, mac);
    }
    int mtu;
    enum topo_net_type type;
    if (net->n_mtu) {
        mtu = net->mtu[0];
    } else if (topo_net_type_from_string(net->type, &type)) {
        mtu = weft_db_underlay_mtu(ctx->idl) - topo_encap_overhead(type);
    } else {
        mtu = 1500;
    }
    char mtu_s[16];
    snprintf(mtu_s, sizeof mtu_s, "%d", mtu);
    char hostif[16], tmpif[16];
    attach_ifname(path, "wf", hostif);
    attach_ifname(path, "wt", tmpif);

    /* The port row, checked before anything is created. */
    struct weft_request req;
    weft_request_init(&req, WEFT_OP_PORT_ADD);
    for (size_t i = 0; i < 3; i++) {
        req.path[i] = xstrdup(path[i]);
    }
    req.host = xstrdup(host->name);
    req.iface = xstrdup(hostif);
    req.mac = xstrdup(mac);
    if (ip[0]) {
        weft_request_add_ip(&req, ip);
    }
    int64_t nb_cfg;
    struct sset changed = SSET_INITIALIZER(&changed);
    bool written = false;
    struct weft_error *werr = weft_request_check(&req);
    if (werr) {
        error = xstrdup(werr->message);
        weft_error_destroy(werr);
    } else {
        error = ops_write(ctx, &req, true, &nb_cfg, &changed, &written);
        const struct weftrec_port *old = find_port_row(ctx->idl, path);
        if (error && old && !strcmp(old->iface, hostif)) {
            char *e = xasprintf("%s (left by an attach that failed? weftctl "
                                "detach %s/%s/%s removes it)", error,
                                path[0], path[1], path[2]);
            free(error);
            error = e;
        }
    }

    struct nsref ns, hns;
    nsref_named(&ns, opts->netns);
    host_netns(ctx, host, &hns);
    char *absent = error ? NULL : run(&ns, true, "ip", "link", "show", "eth0",
                                      NULL);
    if (!error && !absent) {
        error = xasprintf("namespace %s already has an eth0", opts->netns);
    }
    free(absent);
    absent = error ? NULL : run(&hns, true, "ip", "link", "show", hostif,
                                NULL);
    if (!error && !absent) {
        error = xasprintf("interface %s already exists on host %s (left by "
                          "an attach that failed? weftctl detach %s/%s/%s "
                          "removes it)", hostif, host->name, path[0],
                          path[1], path[2]);
    }
    free(absent);

    /* The veth pair: created here, one end moved into the namespace and
     * renamed eth0, the other into the host's namespace. */
    bool created = false;
    if (!error) {
        error = run(NULL, false, "ip", "link", "add", hostif, "type", "veth",
                    "peer", "name", tmpif, NULL);
        created = !error;
    }
    if (!error) {
        error = run(NULL, false, "ip", "link", "set", tmpif, "netns",
                    ns.ip_arg, NULL);
    }
    if (!error && hns.ip_arg) {
        error = run(NULL, false, "ip", "link", "set", hostif, "netns",
                    hns.ip_arg, NULL);
    }
    if (!error) {
        error = run(&ns, false, "ip", "link", "set", tmpif, "name", "eth0",
                    NULL);
    }
    if (!error) {
        error = run(&ns, false, "ip", "link", "set", "eth0", "address", mac,
                    "mtu", mtu_s, NULL);
    }
    if (!error && cidr[0]) {
        error = run(&ns, false, "ip", "addr", "add", cidr, "dev", "eth0",
                    NULL);
    }
    if (!error) {
        error = run(&ns, false, "ip", "link", "set", "eth0", "up", NULL);
    }
    if (!error) {
        error = run(&ns, false, "ethtool", "-K", "eth0", "tx", "off", NULL);
    }
    if (!error) {
        error = run(&hns, false, "ip", "link", "set", hostif, "mtu", mtu_s,
                    "up", NULL);
    }
    if (!error) {
        error = run(&hns, false, "ethtool", "-K", hostif, "tx", "off", NULL);
    }

    /* The port row last, then the wait for every host whose flows it
     * changes: whatever fails from here on is undone. */
    if (!error) {
        error = ops_write(ctx, &req, false, &nb_cfg, &changed, &written);
    }
    if (!error) {
        error = ops_wait_hosts(ctx, nb_cfg, &changed);
    }
    if (error && (created || written)) {
        char *undo_error = attach_undo(ctx, path, hostif, &hns,
                                       written ? nb_cfg : -1);
        char *e = (undo_error
                   ? xasprintf("%s; undoing the attach failed too: %s",
                               error, undo_error)
                   : xasprintf("%s (attach undone: no port row and no "
                               "interface left)", error));
        free(undo_error);
        free(error);
        error = e;
    }
    if (!error) {
        ds_put_format(ctx->out, "attached %s/%s/%s: namespace %s eth0 mac %s"
                      "%s%s mtu %d; host %s interface %s\n", path[0],
                      path[1], path[2], opts->netns, mac, cidr[0] ? " ip " : "",
                      cidr, mtu, host->name, hostif);
    }
    sset_destroy(&changed);
    weft_request_destroy(&req);
    nsref_destroy(&ns);
    nsref_destroy(&hns);

out:
    for (size_t i = 0; i < 3; i++) {
        free(path[i]);
    }
    return error;
}

/* detach TENANT/NET/PORT: deletes the Port row, then the veth (deleting the
 * host end deletes eth0 in the namespace too), then waits for the hosts
 * whose flows change.  It also cleans up what an interrupted or older
 * attach left half made: a Port row whose interface is gone, or an
 * interface without its Port row. */
static char *
cmd_detach(struct ops_ctx *ctx)
{
    char *path[3] = { NULL, NULL, NULL };
    char *error = parse_path(ctx->opts->args[1], 3, path);
    if (error) {
        return error;
    }
    char hostif[16];
    attach_ifname(path, "wf", hostif);
    const struct weftrec_port *port = find_port_row(ctx->idl, path);
    if (port && strcmp(port->iface, hostif)) {
        error = xasprintf("port %s was not made by weftctl attach (its "
                          "interface is %s): use port-del", ctx->opts->args[1],
                          port->iface);
        goto out;
    }
    struct nsref hns;
    bool found = attach_find_iface(ctx, port ? port->host : NULL, hostif,
                                   &hns);
    if (!port && !found) {
        error = xasprintf("port %s does not exist", ctx->opts->args[1]);
        goto out;
    }

    int64_t nb_cfg = -1;
    struct sset changed = SSET_INITIALIZER(&changed);
    if (port) {
        struct weft_request req;
        weft_request_init(&req, WEFT_OP_PORT_DEL);
        for (size_t i = 0; i < 3; i++) {
            req.path[i] = xstrdup(path[i]);
        }
        bool written;
        error = ops_write(ctx, &req, false, &nb_cfg, &changed, &written);
        weft_request_destroy(&req);
    }
    if (!error && found) {
        error = run(&hns, false, "ip", "link", "del", hostif, NULL);
    }
    if (!error) {
        ds_put_format(ctx->out, "detached %s (%sinterface %s %s)\n",
                      ctx->opts->args[1], port ? "" : "it had no port row; ",
                      hostif, found ? "deleted" : "was already gone");
    }
    if (!error && port) {
        char *e = ops_wait_hosts(ctx, nb_cfg, &changed);
        if (e) {
            error = xasprintf("%s (the port row and its interface are "
                              "removed; the flows go when the hosts "
                              "catch up)", e);
            free(e);
        }
    }
    sset_destroy(&changed);
    if (found) {
        nsref_destroy(&hns);
    }

out:
    for (size_t i = 0; i < 3; i++) {
        free(path[i]);
    }
    return error;
}

/* ------------------------------------------------------------------------
 * Command line. */

struct ops_command {
    const char *name;
    const char *synopsis;
    int n_args;                 /* Not counting the name. */
    char *(*run)(struct ops_ctx *);
};

static const struct ops_command ops_commands[] = {
    { "flows", "flows [--host=HOST] [--tenant=TENANT] [--diff]", 0,
      cmd_flows },
    { "trace", "trace TENANT/NET/PORT FLOW [--vswitchd-ctl=[HOST=]PATH]...",
      2, cmd_trace },
    { "attach", "attach TENANT/NET --netns=NAME [--ip=A.B.C.D[/LEN]] "
      "[--mac=MAC] [--host=HOST] [--name=PORT] [--host-netns=NAME]", 1,
      cmd_attach },
    { "detach", "detach TENANT/NET/PORT [--host-netns=NAME]", 1,
      cmd_detach },
};

void
weftctl_ops_usage(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(ops_commands); i++) {
        printf("  %s\n", ops_commands[i].synopsis);
    }
    printf("  (flows --diff and trace also take --weftd=CTL: weftd's unixctl"
           " socket,\n   default $WEFT_RUNDIR/weftd.ctl)\n");
}

/* Returns true if option "--'name'" (no "=VALUE") takes the next argument
 * as its value in weftctl's command line. */
static bool
takes_value(const char *name)
{
    static const char *const flags[] = {
        "wait", "help", "diff", "verbose", "log-file", "no-wait", "json",
        "version",
    };
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
        if (!strcmp(name, flags[i])) {
            return false;
        }
    }
    return true;
}

/* Returns the command name in 'argv' (its first non-option argument). */
static const char *
command_name(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            return i + 1 < argc ? argv[i + 1] : NULL;
        } else if (a[0] != '-' || !a[1]) {
            return a;
        } else if (a[1] == '-' && !strchr(a, '=') && takes_value(a + 2)) {
            i++;
        }
    }
    return NULL;
}

static int
parse_ops_options(int argc, char *argv[], struct ops_options *opts)
{
    enum {
        OPT_DB = UCHAR_MAX + 1, OPT_WEFTD, OPT_TIMEOUT, OPT_HOST, OPT_TENANT,
        OPT_DIFF, OPT_VSWITCHD_CTL, OPT_NETNS, OPT_IP, OPT_MAC, OPT_NAME,
        OPT_HOST_NETNS, VLOG_OPTION_ENUMS, SSL_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"weftd", required_argument, NULL, OPT_WEFTD},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"host", required_argument, NULL, OPT_HOST},
        {"tenant", required_argument, NULL, OPT_TENANT},
        {"diff", no_argument, NULL, OPT_DIFF},
        {"vswitchd-ctl", required_argument, NULL, OPT_VSWITCHD_CTL},
        {"netns", required_argument, NULL, OPT_NETNS},
        {"ip", required_argument, NULL, OPT_IP},
        {"mac", required_argument, NULL, OPT_MAC},
        {"name", required_argument, NULL, OPT_NAME},
        {"host-netns", required_argument, NULL, OPT_HOST_NETNS},
        VLOG_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    opts->timeout = OPS_DEFAULT_TIMEOUT;
    opterr = 0;
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, "v::", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_DB: opts->db = optarg; break;
        case OPT_WEFTD: opts->weftd = optarg; break;
        case OPT_TIMEOUT:
            if (!str_to_int(optarg, 10, &opts->timeout)
                || opts->timeout < 0 || opts->timeout > INT_MAX / 1000) {
                fprintf(stderr, "%s: --timeout: \"%s\" is not a number of "
                        "seconds\n", program_name, optarg);
                return OPS_EXIT_USAGE;
            }
            break;
        case OPT_HOST: opts->host = optarg; break;
        case OPT_TENANT: opts->tenant = optarg; break;
        case OPT_DIFF: opts->diff = true; break;
        case OPT_VSWITCHD_CTL: svec_add(&opts->vswitchd_ctls, optarg); break;
        case OPT_NETNS: opts->netns = optarg; break;
        case OPT_IP: opts->ip = optarg; break;
        case OPT_MAC: opts->mac = optarg; break;
        case OPT_NAME: opts->name = optarg; break;
        case OPT_HOST_NETNS: opts->host_netns = optarg; break;
        VLOG_OPTION_HANDLERS
        STREAM_SSL_OPTION_HANDLERS
        default:
            fprintf(stderr, "%s: unrecognized option or missing argument "
                    "'%s' for %s (use --help for help)\n", program_name,
                    argv[optind - 1], command_name(argc, argv));
            return OPS_EXIT_USAGE;
        }
        /* Command options may follow the command and its arguments. */
    }
    opts->args = argv + optind;
    opts->n_args = argc - optind;
    return 0;
}

/* Which options each command accepts, checked after parsing. */
static char *
check_options(const struct ops_command *cmd, const struct ops_options *o)
{
    bool flows = !strcmp(cmd->name, "flows");
    bool trace = !strcmp(cmd->name, "trace");
    bool attach = !strcmp(cmd->name, "attach");
    bool detach = !strcmp(cmd->name, "detach");
    const char *bad = (o->tenant && !flows ? "--tenant"
                       : o->diff && !flows ? "--diff"
                       : o->host && !(flows || attach) ? "--host"
                       : o->vswitchd_ctls.n && !trace ? "--vswitchd-ctl"
                       : o->netns && !attach ? "--netns"
                       : o->ip && !attach ? "--ip"
                       : o->mac && !attach ? "--mac"
                       : o->name && !attach ? "--name"
                       : o->host_netns && !(attach || detach) ? "--host-netns"
                       : NULL);
    return bad ? xasprintf("option %s is not valid for %s (usage: %s)", bad,
                           cmd->name, cmd->synopsis) : NULL;
}

static char *
ops_connect(struct ops_ctx *ctx)
{
    const char *remote = ctx->opts->db ? ctx->opts->db
                                       : weft_db_default_remote();
    char *error = weft_db_check_ssl(remote);
    if (error) {
        return error;
    }
    ctx->idl = ovsdb_idl_create(remote, &weftrec_idl_class, true, true);
    for (;;) {
        ovsdb_idl_run(ctx->idl);
        if (ovsdb_idl_has_ever_connected(ctx->idl)) {
            break;
        }
        if (!ovsdb_idl_is_alive(ctx->idl)) {
            return xasprintf("%s: database connection failed (%s)", remote,
                             ovs_retval_to_string(
                                 ovsdb_idl_get_last_error(ctx->idl)));
        }
        if (time_msec() >= ctx->deadline) {
            return xasprintf("timeout connecting to %s", remote);
        }
        ovsdb_idl_wait(ctx->idl);
        poll_timer_wait_until(ctx->deadline);
        poll_block();
    }
    weft_db_load_topology(ctx->idl, &ctx->topo);
    build_names(ctx);
    return NULL;
}

bool
weftctl_ops_main(int argc, char *argv[], int *statusp)
{
    const char *name = command_name(argc, argv);
    const struct ops_command *cmd = NULL;
    for (size_t i = 0; name && i < ARRAY_SIZE(ops_commands); i++) {
        if (!strcmp(ops_commands[i].name, name)) {
            cmd = &ops_commands[i];
        }
    }
    if (!cmd) {
        return false;
    }

    struct ops_options opts = { .vswitchd_ctls = SVEC_EMPTY_INITIALIZER };
    *statusp = parse_ops_options(argc, argv, &opts);
    if (*statusp) {
        svec_destroy(&opts.vswitchd_ctls);
        return true;
    }
    char *error = NULL;
    if (opts.n_args - 1 != cmd->n_args) {
        error = xasprintf("%s: wrong number of arguments (usage: %s)",
                          cmd->name, cmd->synopsis);
    } else {
        error = check_options(cmd, &opts);
    }
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, error);
        free(error);
        svec_destroy(&opts.vswitchd_ctls);
        *statusp = OPS_EXIT_USAGE;
        return true;
    }

    struct ds out = DS_EMPTY_INITIALIZER;
    struct ops_ctx ctx = {
        .opts = &opts,
        .deadline = (opts.timeout ? time_msec() + opts.timeout * 1000LL
                     : LLONG_MAX),
        .out = &out,
    };
    topology_init(&ctx.topo);
    smap_init(&ctx.names);
    shash_init(&ctx.tunnels);
    shash_init(&ctx.switches);
    error = ops_connect(&ctx);
    if (!error) {
        error = cmd->run(&ctx);
    }
    fputs(ds_cstr(&out), stdout);
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, error);
        /* flows --diff exits like diff(1): 1 means "they differ", so
         * trouble is 2. */
        *statusp = opts.diff ? OPS_EXIT_TROUBLE : OPS_EXIT_ERROR;
    } else {
        *statusp = ctx.differs ? OPS_EXIT_DIFFERS : 0;
    }

    free(error);
    ds_destroy(&out);
    struct shash_node *node;
    SHASH_FOR_EACH (node, &ctx.switches) {
        ops_switch_destroy(node->data);
    }
    shash_destroy(&ctx.switches);
    shash_destroy_free_data(&ctx.tunnels);
    smap_destroy(&ctx.names);
    topology_destroy(&ctx.topo);
    ovsdb_idl_destroy(ctx.idl);
    svec_destroy(&opts.vswitchd_ctls);
    return true;
}
