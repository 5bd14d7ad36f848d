/* sg-rows: security groups as the front ends show them.  See sg-rows.h. */
#include <config.h>

#include "sg-rows.h"

#include <stdlib.h>
#include <string.h>

#include "packets.h"
#include "request.h"
#include "util.h"
#include "weft-idl.h"

const struct weftrec_security_group *
sg_rows_find(struct ovsdb_idl *idl, const struct weftrec_tenant *tenant,
             const char *name)
{
    const struct weftrec_security_group *row;
    WEFTREC_SECURITY_GROUP_FOR_EACH (row, idl) {
        if (row->tenant == tenant && !strcmp(row->name, name)) {
            return row;
        }
    }
    return NULL;
}

static int
compare_rules(const void *a_, const void *b_)
{
    const struct sg_rows_rule *a = a_, *b = b_;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int
compare_members(const void *a_, const void *b_)
{
    const struct sg_rows_member *a = a_, *b = b_;
    int cmp = strcmp(a->network, b->network);
    return cmp ? cmp : strcmp(a->port, b->port);
}

/* "N", "N-M" or NULL (every port) for 'row''s port range. */
static char *
rule_ports(const struct weftrec_security_rule *row)
{
    if (!row->n_port_min) {
        return NULL;
    }
    int64_t min = row->port_min[0];
    int64_t max = row->n_port_max ? row->port_max[0] : min;
    return (min == max ? xasprintf("%"PRId64, min)
            : xasprintf("%"PRId64"-%"PRId64, min, max));
}

static bool
port_is_member(const struct weftrec_port *port,
               const struct weftrec_security_group *row)
{
    for (size_t i = 0; i < port->n_security_groups; i++) {
        if (port->security_groups[i] == row) {
            return true;
        }
    }
    return false;
}

void
sg_rows_fill(struct sg_rows_group *g, struct ovsdb_idl *idl,
             const struct weftrec_security_group *row)
{
    memset(g, 0, sizeof *g);
    g->row = row;
    g->tenant = row->tenant ? row->tenant->name : "?";
    g->tenant_key = row->tenant ? row->tenant->flow_key : 0;
    g->name = row->name;
    g->rules = xcalloc(row->n_rules + 1, sizeof *g->rules);
    for (size_t i = 0; i < row->n_rules; i++) {
        const struct weftrec_security_rule *r = row->rules[i];
        struct sg_rows_rule *rule = &g->rules[g->n_rules++];
        rule->id = r->rule_id;
        rule->direction = r->direction;
        rule->proto = r->proto && r->proto[0] ? r->proto : "any";
        rule->ports = rule_ports(r);
        rule->remote_cidr = r->remote_cidr;
        rule->remote_group = r->remote_group ? r->remote_group->name : NULL;
    }
    if (g->n_rules) {
        qsort(g->rules, g->n_rules, sizeof *g->rules, compare_rules);
    }
    size_t allocated = 0;
    const struct weftrec_port *port;
    WEFTREC_PORT_FOR_EACH (port, idl) {
        if (!port_is_member(port, row)) {
            continue;
        }
        if (g->n_members >= allocated) {
            g->members = x2nrealloc(g->members, &allocated,
                                    sizeof *g->members);
        }
        struct sg_rows_member *m = &g->members[g->n_members++];
        m->network = port->network ? port->network->name : "?";
        m->network_key = port->network ? port->network->flow_key : 0;
        m->port = port->name;
        m->port_key = port->flow_key;
    }
    if (g->n_members) {
        qsort(g->members, g->n_members, sizeof *g->members, compare_members);
    }
}

void
sg_rows_clear(struct sg_rows_group *g)
{
    for (size_t i = 0; i < g->n_rules; i++) {
        free(g->rules[i].ports);
    }
    free(g->rules);
    free(g->members);
    memset(g, 0, sizeof *g);
}

static int
compare_groups(const void *a_, const void *b_)
{
    const struct sg_rows_group *a = a_, *b = b_;
    int cmp = strcmp(a->tenant, b->tenant);
    return cmp ? cmp : strcmp(a->name, b->name);
}

struct sg_rows_group *
sg_rows_list(struct ovsdb_idl *idl, const struct weftrec_tenant *tenant,
             size_t *n)
{
    size_t allocated = 0;
    struct sg_rows_group *list = NULL;
    const struct weftrec_security_group *row;
    *n = 0;
    WEFTREC_SECURITY_GROUP_FOR_EACH (row, idl) {
        if (tenant && row->tenant != tenant) {
            continue;
        }
        if (*n >= allocated) {
            list = x2nrealloc(list, &allocated, sizeof *list);
        }
        sg_rows_fill(&list[(*n)++], idl, row);
    }
    if (*n) {
        qsort(list, *n, sizeof *list, compare_groups);
    }
    return list;
}

void
sg_rows_free(struct sg_rows_group *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sg_rows_clear(&list[i]);
    }
    free(list);
}

/* "N" or "N-M" (or NULL: 0, 0) into '*min', '*max'. */
static void
parse_ports(const char *s, unsigned int *min, unsigned int *max)
{
    *min = *max = 0;
    if (s) {
        char *end;
        *min = *max = strtoul(s, &end, 10);
        if (*end == '-') {
            *max = strtoul(end + 1, NULL, 10);
        }
    }
}

/* Whether prefixes 'a' and 'b' (either may be NULL) are the same. */
static bool
cidr_equal(const char *a, const char *b)
{
    if (!a || !b) {
        return !a && !b;
    }
    struct in6_addr a6, b6;
    unsigned int a_len, b_len;
    char *ea = ipv6_parse_cidr(a, &a6, &a_len);
    char *eb = ipv6_parse_cidr(b, &b6, &b_len);
    bool equal = (!ea && !eb ? ipv6_addr_equals(&a6, &b6) && a_len == b_len
                  : !strcmp(a, b));
    if (ea && eb) {
        ovs_be32 a4, b4;
        free(ea);
        free(eb);
        ea = ip_parse_cidr(a, &a4, &a_len);
        eb = ip_parse_cidr(b, &b4, &b_len);
        if (!ea && !eb) {
            equal = a4 == b4 && a_len == b_len;
        }
    }
    free(ea);
    free(eb);
    return equal;
}

const struct sg_rows_rule *
sg_rows_find_rule(const struct sg_rows_group *g,
                  const struct weft_request *req)
{
    const char *proto = req->proto ? req->proto : "any";
    unsigned int min, max;
    parse_ports(req->ports, &min, &max);
    for (size_t i = 0; i < g->n_rules; i++) {
        const struct sg_rows_rule *r = &g->rules[i];
        unsigned int rmin, rmax;
        parse_ports(r->ports, &rmin, &rmax);
        if (req->direction && !strcmp(r->direction, req->direction)
            && !strcmp(r->proto, proto) && rmin == min && rmax == max
            && cidr_equal(r->remote_cidr, req->remote_cidr)
            && !r->remote_group == !req->remote_group
            && (!r->remote_group
                || !strcmp(r->remote_group, req->remote_group))) {
            return r;
        }
    }
    return NULL;
}

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

size_t
sg_rows_port_groups(const struct weftrec_port *port, const char ***namesp)
{
    const char **names = xcalloc(port->n_security_groups + 1, sizeof *names);
    for (size_t i = 0; i < port->n_security_groups; i++) {
        names[i] = port->security_groups[i]->name;
    }
    if (port->n_security_groups) {
        qsort(names, port->n_security_groups, sizeof *names,
              compare_strings);
    }
    *namesp = names;
    return port->n_security_groups;
}
