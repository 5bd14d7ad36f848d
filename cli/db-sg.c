/* db-sg: database mode's commands for security groups.  See db-sg.h.
 *
 * The write commands become a 'struct weft_request' (topology/request.h)
 * checked by the same steps as every other write (db-write.c); what they
 * may do is decided there (topology/validate-security.c), not here.  Only
 * the command line's own syntax is parsed in weftctl ("T/G", "NET/PORT"),
 * here and in --api mode (weftctl-api-sg.c) alike, and both print the same
 * lines. */
#include <config.h>

#include "db-sg.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "db-read.h"
#include "db-write.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "ovsdb-idl.h"
#include "pipeline.h"
#include "sg-counters.h"
#include "sg-rows.h"
#include "sset.h"
#include "topology.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weftctl.h"

/* ------------------------------------------------------------------------
 * Step 1. */

/* "T/G" of o->args[1] into 'parsed''s path. */
static char *
parse_group_path(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return db_parse_object_path(opts, parsed, "TENANT/GROUP");
}

/* "T/G" of o->args[1] into a new request for 'op'. */
static char *
parse_group(const struct ctl_options *opts, struct ctl_parsed *parsed,
            enum weft_op op, struct weft_request **reqp)
{
    return db_parse_object_request(opts, parsed, "TENANT/GROUP", op, reqp);
}

/* "sg-add T/G". */
char *
db_parse_sg_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = NULL;
    char *error = parse_group(opts, parsed, WEFT_OP_SG_ADD, &req);
    return error ? error : db_check_request(req);
}

/* "sg-del T/G". */
char *
db_parse_sg_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = NULL;
    char *error = parse_group(opts, parsed, WEFT_OP_SG_DEL, &req);
    return error ? error : db_check_request(req);
}

/* "sg-show T/G". */
char *
db_parse_sg_show(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_group_path(opts, parsed);
}

/* "sg-rule-add T/G --direction=D [--proto=P] [--ports=N[-M]]
 * [--remote-cidr=PREFIX | --remote-group=G2]". */
char *
db_parse_sg_rule_add(const struct ctl_options *opts,
                     struct ctl_parsed *parsed)
{
    struct weft_request *req = NULL;
    char *error = parse_group(opts, parsed, WEFT_OP_SG_RULE_ADD, &req);
    if (error) {
        return error;
    }
    req->direction = db_opt_value(opts, CO_DIRECTION);
    req->proto = db_opt_value(opts, CO_PROTO);
    req->ports = db_opt_value(opts, CO_PORTS);
    req->remote_cidr = db_opt_value(opts, CO_REMOTE_CIDR);
    req->remote_group = db_opt_value(opts, CO_REMOTE_GROUP);
    return db_check_request(req);
}

/* "sg-rule-del T/G ID". */
char *
db_parse_sg_rule_del(const struct ctl_options *opts,
                     struct ctl_parsed *parsed)
{
    struct weft_request *req = NULL;
    char *error = parse_group(opts, parsed, WEFT_OP_SG_RULE_DEL, &req);
    if (error) {
        return error;
    }
    req->rule_id = xstrdup(opts->args[2]);
    return db_check_request(req);
}

/* "sg-member-add T/G NET/PORT", "sg-member-del T/G NET/PORT". */
static char *
parse_member(const struct ctl_options *opts, struct ctl_parsed *parsed,
             enum weft_op op)
{
    struct weft_request *req = NULL;
    char *error = parse_group(opts, parsed, op, &req);
    if (error) {
        return error;
    }
    error = ctl_parse_member(opts->args[2], &req->network, &req->port_name);
    return error ? error : db_check_request(req);
}

char *
db_parse_sg_member_add(const struct ctl_options *opts,
                       struct ctl_parsed *parsed)
{
    return parse_member(opts, parsed, WEFT_OP_SG_MEMBER_ADD);
}

char *
db_parse_sg_member_del(const struct ctl_options *opts,
                       struct ctl_parsed *parsed)
{
    return parse_member(opts, parsed, WEFT_OP_SG_MEMBER_DEL);
}

/* ------------------------------------------------------------------------
 * Step 3. */

static struct json *
nullable_json(const char *s)
{
    return s ? json_string_create(s) : json_null_create();
}

static struct json *
rule_to_json(const struct sg_rows_rule *r)
{
    struct json *o = json_object_create();
    json_object_put(o, "id", json_integer_create(r->id));
    json_object_put_string(o, "direction", r->direction);
    json_object_put_string(o, "proto", r->proto);
    json_object_put(o, "ports", nullable_json(r->ports));
    json_object_put(o, "remote_cidr", nullable_json(r->remote_cidr));
    json_object_put(o, "remote_group", nullable_json(r->remote_group));
    return o;
}

/* A group as the API's object. */
static struct json *
group_to_json(const struct sg_rows_group *g)
{
    struct json *rules = json_array_create_empty();
    for (size_t i = 0; i < g->n_rules; i++) {
        json_array_add(rules, rule_to_json(&g->rules[i]));
    }
    struct json *members = json_array_create_empty();
    for (size_t i = 0; i < g->n_members; i++) {
        struct json *m = json_object_create();
        json_object_put_string(m, "network", g->members[i].network);
        json_object_put_string(m, "port", g->members[i].port);
        json_array_add(members, m);
    }
    struct json *o = json_object_create();
    json_object_put_string(o, "name", g->name);
    json_object_put_string(o, "tenant", g->tenant);
    json_object_put(o, "rules", rules);
    json_object_put(o, "members", members);
    return o;
}

/* The API's stats object of 'g' with counters 'c'. */
static struct json *
stats_to_json(const struct sg_rows_group *g, const struct sg_counters *c)
{
    struct json *rules = json_array_create_empty();
    for (size_t i = 0; i < g->n_rules; i++) {
        struct json *r = json_object_create();
        json_object_put(r, "id", json_integer_create(g->rules[i].id));
        json_object_put(r, "packets",
                        json_integer_create(c->rules[i].packets));
        json_object_put(r, "bytes", json_integer_create(c->rules[i].bytes));
        json_array_add(rules, r);
    }
    struct json *deny = json_object_create();
    json_object_put(deny, "ingress", json_integer_create(c->deny_ingress));
    json_object_put(deny, "egress", json_integer_create(c->deny_egress));
    struct json *o = json_object_create();
    json_object_put(o, "rules", rules);
    json_object_put(o, "default_deny", deny);
    return o;
}

/* "rule ID  DIRECTION  PROTO[/PORTS]  from|to REMOTE  cookie C", as
 * weftctl-api-sg.c prints it too. */
static void
format_rule(struct ds *s, const struct sg_rows_rule *r, uint32_t tenant_key)
{
    ds_put_format(s, "rule %d  %s  %s%s%s  %s ", r->id, r->direction,
                  r->proto, r->ports ? "/" : "", r->ports ? r->ports : "",
                  !strcmp(r->direction, "egress") ? "to" : "from");
    if (r->remote_cidr) {
        ds_put_cstr(s, r->remote_cidr);
    } else if (r->remote_group) {
        ds_put_format(s, "group %s", r->remote_group);
    } else {
        ds_put_cstr(s, "any");
    }
    ds_put_format(s, "  cookie %#"PRIx64,
                  weft_cookie_sg_rule(tenant_key, r->id));
}

/* "sg-list [TENANT]": T/G  rules N  members M. */
char *
db_read_sg_list(struct ctl_context *ctx)
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
    struct sg_rows_group *list = sg_rows_list(ctx->idl, tenant, &n);
    struct json *array = ctx->opts->json ? json_array_create_empty() : NULL;
    for (size_t i = 0; i < n; i++) {
        if (array) {
            json_array_add(array, group_to_json(&list[i]));
        } else {
            ds_put_format(ctx->output, "%s/%s  rules %"PRIuSIZE"  members %"
                          PRIuSIZE"\n", list[i].tenant, list[i].name,
                          list[i].n_rules, list[i].n_members);
        }
    }
    if (array) {
        db_put_json(ctx->output, array);
    }
    sg_rows_free(list, n);
    return NULL;
}

/* Reads the counters of 'g' from every connected host's switch into 'c';
 * a host that cannot be read is reported in 'notes'. */
static void
read_counters(struct ctl_context *ctx, const struct sg_rows_group *g,
              struct sg_counters *c, struct ds *notes)
{
    c->rules = xcalloc(g->n_rules + 1, sizeof *c->rules);
    c->n_rules = g->n_rules;
    for (size_t i = 0; i < g->n_rules; i++) {
        c->rules[i].cookie = weft_cookie_sg_rule(g->tenant_key,
                                                 g->rules[i].id);
    }
    uint64_t *members = xcalloc(g->n_members + 1, sizeof *members);
    for (size_t i = 0; i < g->n_members; i++) {
        members[i] = weft_cookie(g->tenant_key, g->members[i].network_key,
                                 g->members[i].port_key);
    }
    c->member_cookies = members;
    c->n_members = g->n_members;
    /* Each switch once, as weftd reads them. */
    struct sset targets = SSET_INITIALIZER(&targets);
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
        if (!sset_add(&targets, target)) {
            free(target);
            continue;
        }
        int timeout = ctx->opts->timeout ? ctx->opts->timeout * 1000 : 5000;
        char *error = sg_counters_read_switch(target, MIN(timeout, 5000), c);
        if (error) {
            ds_put_format(notes, "    (host %s: %s)\n", th->name, error);
            free(error);
        }
        free(target);
    }
    sset_destroy(&targets);
}

/* "sg-show T/G": the group, each rule with its cookie and counter summed
 * over the hosts, the members and their default deny's counters. */
char *
db_read_sg_show(struct ctl_context *ctx)
{
    char *const *path = ctx->parsed->path;
    const struct weftrec_tenant *tenant = weft_db_find_tenant(ctx->idl,
                                                              path[0]);
    const struct weftrec_security_group *row
        = tenant ? sg_rows_find(ctx->idl, tenant, path[1]) : NULL;
    if (!row) {
        return xasprintf("security group %s/%s does not exist", path[0],
                         path[1]);
    }
    struct sg_rows_group g;
    sg_rows_fill(&g, ctx->idl, row);
    struct sg_counters c;
    memset(&c, 0, sizeof c);
    struct ds notes = DS_EMPTY_INITIALIZER;
    read_counters(ctx, &g, &c, &notes);
    struct ds *out = ctx->output;
    if (ctx->opts->json) {
        struct json *o = group_to_json(&g);
        json_object_put(o, "stats", stats_to_json(&g, &c));
        db_put_json(out, o);
    } else {
        ds_put_format(out, "security group %s/%s\n", g.tenant, g.name);
        for (size_t i = 0; i < g.n_rules; i++) {
            ds_put_cstr(out, "    ");
            format_rule(out, &g.rules[i], g.tenant_key);
            ds_put_format(out, "  packets %"PRIu64"\n", c.rules[i].packets);
        }
        for (size_t i = 0; i < g.n_members; i++) {
            ds_put_format(out, "    member %s/%s\n", g.members[i].network,
                          g.members[i].port);
        }
        ds_put_format(out, "    default deny  ingress packets %"PRIu64
                      "  egress packets %"PRIu64"\n", c.deny_ingress,
                      c.deny_egress);
        ds_put_cstr(out, ds_cstr(&notes));
    }
    ds_destroy(&notes);
    free(c.rules);
    free(CONST_CAST(uint64_t *, c.member_cookies));
    sg_rows_clear(&g);
    return NULL;
}

char *
db_after_sg_rule_add(struct ctl_context *ctx)
{
    const struct weft_request *req = &ctx->parsed->req;
    const struct weftrec_tenant *tenant = weft_db_find_tenant(ctx->idl,
                                                              req->path[0]);
    const struct weftrec_security_group *row
        = tenant ? sg_rows_find(ctx->idl, tenant, req->path[1]) : NULL;
    if (!row) {
        return NULL;
    }
    struct sg_rows_group g;
    sg_rows_fill(&g, ctx->idl, row);
    const struct sg_rows_rule *rule = sg_rows_find_rule(&g, req);
    if (rule) {
        ds_put_format(ctx->output, "%d\n", rule->id);
    }
    sg_rows_clear(&g);
    return NULL;
}

char *
db_read_port_show(struct ctl_context *ctx)
{
    char *const *path = ctx->parsed->path;
    const struct weftrec_tenant *tenant = weft_db_find_tenant(ctx->idl,
                                                              path[0]);
    const struct weftrec_network *net
        = tenant ? weft_db_find_network(ctx->idl, tenant, path[1]) : NULL;
    const struct weftrec_port *row
        = net ? weft_db_find_port(ctx->idl, net, path[2]) : NULL;
    if (!row) {
        return xasprintf("port %s/%s/%s does not exist", path[0], path[1],
                         path[2]);
    }
    if (ctx->opts->json) {
        db_put_json(ctx->output, db_read_port_json(row, ctx->idl));
        return NULL;
    }
    /* port-list's filter shows exactly this port (its three names). */
    return db_read_port_list(ctx);
}
