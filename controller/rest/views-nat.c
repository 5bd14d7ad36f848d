/* views-nat: the read side of weftd's REST API for the ways in and out
 * (issue #13): address pools (admins only), a tenant's floating IPs and
 * port mappings, read from the executor's IDL through ovsdb/nat-rows.h, the
 * rows weftctl's lists read too.  See views.h.
 *
 * Tenant scoping: a floating IP or a port mapping belongs to the tenant of
 * its URL or is "not found", for an admin as for a tenant, so that no
 * answer says whether another tenant holds an address or a host port.
 * OVS side; main thread only. */
#include <config.h>

#include "views.h"

#include <stdlib.h>
#include <string.h>

#include "nat-rows.h"
#include "ovsdb-idl.h"
#include "sset.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"

static void
pool_view_fill(struct api_pool_view *v, struct ovsdb_idl *idl,
               const struct weftrec_pool *row)
{
    v->name = xstrdup(row->name);
    v->cidr = xstrdup(row->cidr);
    v->n_fips = nat_rows_pool_fips(idl, row);
}

static void
fip_view_fill(struct api_fip_view *v, const struct weftrec_floating_ip *row)
{
    const struct weftrec_port *port = row->port;
    v->ip = xstrdup(row->ip);
    v->pool = xstrdup(row->pool ? row->pool->name : "?");
    v->tenant = xstrdup(row->tenant ? row->tenant->name : "?");
    v->network = (port ? xstrdup(port->network ? port->network->name : "?")
                  : NULL);
    v->port = port ? xstrdup(port->name) : NULL;
    v->host = (port ? xstrdup(port->host ? port->host->name : "?")
               : NULL);
}

static void
mapping_view_fill(struct api_mapping_view *v,
                  const struct nat_rows_mapping *m)
{
    v->host = xstrdup(m->host);
    v->host_ip = nullable_xstrdup(m->host_ip);
    v->host_port = m->host_port;
    v->proto = xstrdup(m->proto);
    v->tenant = xstrdup(m->tenant);
    v->network = xstrdup(m->network);
    v->port = xstrdup(m->name);
    v->endpoint_ip = nullable_xstrdup(m->endpoint_ip);
    v->to_port = m->to_port;
}


/* GET /v1/pools/P, /v1/tenants/T/floating-ips/IP. */
struct weft_error *
api_read_nat_object(const struct api_reader *r, struct api_call *call,
                    enum api_resource resource, char *const path[],
                    size_t n OVS_UNUSED)
{
    if (resource == API_POOLS) {
        const struct weftrec_pool *pool = nat_rows_find_pool(r->idl,
                                                             path[0]);
        if (!pool) {
            return weft_error_format(WEFT_ERR_NOT_FOUND,
                                     "pool %s does not exist", path[0]);
        }
        call->pools = xzalloc(sizeof *call->pools);
        pool_view_fill(call->pools, r->idl, pool);
        call->n_pools = 1;
        return NULL;
    }
    ovs_assert(resource == API_FIPS);
    const struct weftrec_tenant *tenant;
    struct weft_error *error = api_find_tenant(r->idl, path[0], &tenant);
    if (error) {
        return error;
    }
    const struct weftrec_floating_ip *fip = nat_rows_find_fip(r->idl,
                                                              path[1]);
    if (!fip || fip->tenant != tenant) {
        return weft_error_format(WEFT_ERR_NOT_FOUND,
                                 "floating IP %s does not exist", path[1]);
    }
    call->fips = xzalloc(sizeof *call->fips);
    fip_view_fill(call->fips, fip);
    call->n_fips = 1;
    return NULL;
}

struct weft_error *
api_read_mapping(const struct api_reader *r, struct api_call *call,
                 char *const path[], const char *proto,
                 const char *host_port)
{
    const struct weftrec_tenant *tenant;
    struct weft_error *error = api_find_tenant(r->idl, path[0], &tenant);
    const struct weftrec_network *net
        = error ? NULL : weft_db_find_network(r->idl, tenant, path[1]);
    const struct weftrec_port *port
        = net ? weft_db_find_port(r->idl, net, path[2]) : NULL;
    struct nat_rows_mapping m;
    if (!error && (!port || !port->host
                   || !nat_rows_find_mapping(r->idl, port->host->name, proto,
                                             host_port, &m)
                   || m.port != port)) {
        error = weft_error_format(WEFT_ERR_NOT_FOUND, "port %s/%s/%s has no "
                                  "mapping of %s/%s", path[0], path[1],
                                  path[2], proto, host_port);
    }
    if (!error) {
        call->mappings = xzalloc(sizeof *call->mappings);
        mapping_view_fill(call->mappings, &m);
        call->n_mappings = 1;
    }
    return error;
}

/* GET /v1/pools, /v1/tenants/T/floating-ips, /v1/tenants/T/port-mappings. */
struct weft_error *
api_read_nat_list(const struct api_reader *r, struct api_call *call)
{
    size_t n;
    if (call->resource == API_POOLS) {
        const struct weftrec_pool **pools = nat_rows_pools(r->idl, &n);
        call->pools = xcalloc(n + 1, sizeof *call->pools);
        for (size_t i = 0; i < n; i++) {
            pool_view_fill(&call->pools[i], r->idl, pools[i]);
        }
        call->n_pools = n;
        free(pools);
        return NULL;
    }
    const struct weftrec_tenant *tenant;
    struct weft_error *error = api_find_tenant(r->idl, call->path[0], &tenant);
    if (error) {
        return error;
    }
    if (call->resource == API_FIPS) {
        const struct weftrec_floating_ip **fips = nat_rows_fips(r->idl,
                                                                tenant, &n);
        call->fips = xcalloc(n + 1, sizeof *call->fips);
        for (size_t i = 0; i < n; i++) {
            fip_view_fill(&call->fips[i], fips[i]);
        }
        call->n_fips = n;
        free(fips);
        return NULL;
    }
    ovs_assert(call->resource == API_MAPPINGS);
    struct nat_rows_mapping *maps = nat_rows_mappings(r->idl, tenant, &n);
    call->mappings = xcalloc(n + 1, sizeof *call->mappings);
    for (size_t i = 0; i < n; i++) {
        mapping_view_fill(&call->mappings[i], &maps[i]);
    }
    call->n_mappings = n;
    free(maps);
    return NULL;
}

const char *
api_find_tenant_mapping(struct ovsdb_idl *idl, const char *tenant,
                        const char *host, const char *proto,
                        const char *host_port, const char **networkp)
{
    struct nat_rows_mapping m;
    if (!nat_rows_find_mapping(idl, host, proto, host_port, &m)
        || strcmp(m.tenant, tenant)) {
        return NULL;
    }
    *networkp = m.network;
    return m.name;
}

const char *
api_tenant_fip_after(struct ovsdb_idl *idl, const char *tenant,
                     const struct sset *before)
{
    const struct weftrec_tenant *t = weft_db_find_tenant(idl, tenant);
    const struct weftrec_floating_ip *fip;
    WEFTREC_FLOATING_IP_FOR_EACH (fip, idl) {
        if (t && fip->tenant == t && !sset_contains(before, fip->ip)) {
            return fip->ip;
        }
    }
    return NULL;
}

void
api_tenant_fips(struct ovsdb_idl *idl, const char *tenant, struct sset *ips)
{
    const struct weftrec_tenant *t = weft_db_find_tenant(idl, tenant);
    const struct weftrec_floating_ip *fip;
    WEFTREC_FLOATING_IP_FOR_EACH (fip, idl) {
        if (t && fip->tenant == t) {
            sset_add(ips, fip->ip);
        }
    }
}
