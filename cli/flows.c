/* flows: "weftctl flows" and "weftctl flows --diff", operator commands
 * (weftctl-ops.h; the command line is weftctl-ops.c, the shared helpers
 * ops-common.h).
 *
 * "flows" dumps each selected host's switch over OpenFlow and prints every
 * flow with weft's names: table numbers as pipeline stages, ports as weft's
 * port names, each flow's owner from its cookie, and a NAT row what it is
 * for (ops-nat.h).  "flows --diff" compares
 * weftd's desired flows, read from weftd's unixctl socket ("weft/flows HOST
 * desired"), with the switch's; both sides are normalized the same way
 * (ofproto/flow-table.h), so comparing them is comparing text. */
#include <config.h>

#include "ops-common.h"
#include "ops-nat.h"
#include "ops-lb.h"
#include "ops-sg.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow-table.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-table.h"
#include "openvswitch/shash.h"
#include "openvswitch/vconn.h"
#include "pipeline.h"
#include "sset.h"
#include "util.h"
#include "weft-db.h"

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

/* Reads every flow of 'sw'.  The caller frees with free_flow_stats(). */
static char *
switch_dump(const struct topo_host *th, struct ops_switch *sw,
            struct ofputil_flow_stats **fsesp, size_t *n_fsesp)
{
    struct ofputil_flow_stats_request fsr;
    flow_table_dump_request(&fsr);
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

static char *
flows_show_host(struct ops_ctx *ctx, const struct topo_host *th,
                uint64_t tenant_key)
{
    struct ops_switch *sw;
    char *error = ops_switch_open(ctx, th, &sw);
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
        size_t start = lines.length;
        ofputil_flow_stats_format(&lines, &fses[i], &sw->labels, &tables,
                                  true);
        char *text = xstrdup(ds_cstr(&lines) + start);
        ds_put_cstr(&lines, "  # ");
        if (!ops_sg_put_label(ctx, fses[i].table_id, fses[i].priority, cookie,
                              &lines)) {
            ops_put_cookie_owner(ctx, cookie, &lines);
        }
        ops_nat_flow_label(ctx, th, fses[i].table_id, cookie, text, &lines);
        ops_lb_flow_label(ctx, fses[i].table_id, cookie, text, &lines);
        free(text);
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
    char *error = ops_unixctl_call(ctl, "weftd", "weft/flows", 2, argv,
                                   &desired_text);
    free(ctl_free);
    if (error) {
        return error;
    }

    struct ops_switch *sw;
    error = ops_switch_open(ctx, th, &sw);
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
        ops_put_cookie_owner(ctx, cookie, ctx->out);
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

char *
ops_cmd_flows(struct ops_ctx *ctx)
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
