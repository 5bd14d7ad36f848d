/* views-sg: the read side of weftd's REST API for security groups (issue
 * #15): a tenant's groups with their rules and members, read from the
 * executor's IDL through ovsdb/sg-rows.h (the rows weftctl reads too), and
 * a group's counters, which weftd's hosts read from their switches
 * ('api_hooks' sg_stats).  See views.h.
 *
 * Tenant scoping: a group belongs to the tenant of its URL or is "not
 * found", for an admin as for a tenant (authorize.c has already refused
 * another tenant's URL to a tenant admin), so another tenant's group of the
 * same name is never seen.  OVS side; main thread only. */
#include <config.h>

#include "views.h"

#include <stdlib.h>
#include <string.h>

#include "ovsdb-idl.h"
#include "request.h"
#include "sg-rows.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"

static void
sg_view_fill(struct api_sg_view *v, const struct sg_rows_group *g)
{
    v->tenant = xstrdup(g->tenant);
    v->name = xstrdup(g->name);
    v->tenant_key = g->tenant_key;
    v->new_rule = -1;
    v->rules = xcalloc(g->n_rules + 1, sizeof *v->rules);
    for (size_t i = 0; i < g->n_rules; i++) {
        const struct sg_rows_rule *r = &g->rules[i];
        struct api_sg_rule_view *rv = &v->rules[i];
        rv->id = r->id;
        rv->direction = xstrdup(r->direction);
        rv->proto = xstrdup(r->proto);
        rv->ports = nullable_xstrdup(r->ports);
        rv->remote_cidr = nullable_xstrdup(r->remote_cidr);
        rv->remote_group = nullable_xstrdup(r->remote_group);
    }
    v->n_rules = g->n_rules;
    v->members = xcalloc(g->n_members + 1, sizeof *v->members);
    for (size_t i = 0; i < g->n_members; i++) {
        const struct sg_rows_member *m = &g->members[i];
        struct api_sg_member_view *mv = &v->members[i];
        mv->network = xstrdup(m->network);
        mv->port = xstrdup(m->port);
        mv->network_key = m->network_key;
        mv->port_key = m->port_key;
    }
    v->n_members = g->n_members;
}

/* The group 'path' names (tenant, group), or NULL with '*errorp' set. */
static const struct weftrec_security_group *
find_group(const struct api_reader *r, char *const path[],
           struct weft_error **errorp)
{
    const struct weftrec_tenant *tenant;
    *errorp = api_find_tenant(r->idl, path[0], &tenant);
    if (*errorp) {
        return NULL;
    }
    const struct weftrec_security_group *row = sg_rows_find(r->idl, tenant,
                                                            path[1]);
    if (!row) {
        *errorp = weft_error_format(WEFT_ERR_NOT_FOUND,
                                    "security group %s/%s does not exist",
                                    path[0], path[1]);
    }
    return row;
}

struct weft_error *
api_read_sg(const struct api_reader *r, struct api_call *call,
            char *const path[])
{
    struct weft_error *error = NULL;
    const struct weftrec_security_group *row = find_group(r, path, &error);
    if (!row) {
        return error;
    }
    struct sg_rows_group g;
    sg_rows_fill(&g, r->idl, row);
    call->sgs = xzalloc(sizeof *call->sgs);
    sg_view_fill(call->sgs, &g);
    call->n_sgs = 1;
    sg_rows_clear(&g);

    if (call->resource == API_SG_STATS && r->hooks->sg_stats) {
        r->hooks->sg_stats(call->sgs, r->hooks->aux);
    }
    return NULL;
}

struct weft_error *
api_read_sg_list(const struct api_reader *r, struct api_call *call)
{
    const struct weftrec_tenant *tenant;
    struct weft_error *error = api_find_tenant(r->idl, call->path[0],
                                               &tenant);
    if (error) {
        return error;
    }
    size_t n;
    struct sg_rows_group *list = sg_rows_list(r->idl, tenant, &n);
    call->sgs = xcalloc(n + 1, sizeof *call->sgs);
    for (size_t i = 0; i < n; i++) {
        sg_view_fill(&call->sgs[i], &list[i]);
    }
    call->n_sgs = n;
    sg_rows_free(list, n);
    return NULL;
}

void
api_sg_mark_new_rule(const struct api_reader *r, struct api_call *call,
                     const struct weft_request *req)
{
    struct weft_error *error = NULL;
    const struct weftrec_security_group *row = find_group(r, req->path,
                                                          &error);
    weft_error_destroy(error);
    if (!row || call->n_sgs != 1) {
        return;
    }
    struct sg_rows_group g;
    sg_rows_fill(&g, r->idl, row);
    const struct sg_rows_rule *rule = sg_rows_find_rule(&g, req);
    if (rule) {
        call->sgs->new_rule = rule - g.rules;
    }
    sg_rows_clear(&g);
}
