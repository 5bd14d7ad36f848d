/* views-services: the read side of weftd's REST API for services (issue
 * #14): a tenant's services with their backends, read from the executor's
 * IDL through ovsdb/service-rows.h (the rows weftctl reads too), and a
 * service's counters, which weftd's hosts read from their switches
 * ('api_hooks' service_stats).  See views.h.
 *
 * Tenant scoping: a service belongs to the tenant of its URL or is "not
 * found", for an admin as for a tenant (authorize.c has already refused
 * another tenant's URL to a tenant admin).  OVS side; main thread only. */
#include <config.h>

#include "views.h"

#include <stdlib.h>
#include <string.h>

#include "ovsdb-idl.h"
#include "service-rows.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"

static void
service_view_fill(struct api_service_view *v,
                  const struct service_rows_service *s)
{
    v->tenant = xstrdup(s->tenant);
    v->name = xstrdup(s->name);
    v->router = xstrdup(s->router);
    v->vip = xstrdup(s->vip);
    v->port = s->port;
    v->proto = xstrdup(s->proto);
    v->node_port = s->node_port;
    v->key = s->key;
    v->backends = xcalloc(s->n_backends + 1, sizeof *v->backends);
    for (size_t i = 0; i < s->n_backends; i++) {
        const struct service_rows_backend *b = &s->backends[i];
        struct api_backend_view *bv = &v->backends[i];
        bv->network = xstrdup(b->network);
        bv->port = xstrdup(b->port);
        bv->ip = nullable_xstrdup(b->ip);
        bv->to_port = b->to_port;
        bv->bucket_id = b->key;
        bv->weight = b->weight;
        bv->down = b->down;
    }
    v->n_backends = s->n_backends;
}

struct weft_error *
api_read_service(const struct api_reader *r, struct api_call *call,
                 char *const path[])
{
    const struct weftrec_tenant *tenant;
    struct weft_error *error = api_find_tenant(r->idl, path[0], &tenant);
    if (error) {
        return error;
    }
    const struct weftrec_service *row = service_rows_find(r->idl, tenant,
                                                          path[1]);
    if (!row) {
        return weft_error_format(WEFT_ERR_NOT_FOUND,
                                 "service %s/%s does not exist",
                                 path[0], path[1]);
    }
    struct service_rows_service s;
    service_rows_fill(&s, row);
    call->services = xzalloc(sizeof *call->services);
    service_view_fill(call->services, &s);
    call->n_services = 1;
    service_rows_clear(&s);

    if (call->resource == API_SERVICE_STATS && r->hooks->service_stats) {
        r->hooks->service_stats(tenant->flow_key, row->flow_key,
                                call->services->backends,
                                call->services->n_backends, r->hooks->aux);
    }
    return NULL;
}

struct weft_error *
api_read_service_list(const struct api_reader *r, struct api_call *call)
{
    const struct weftrec_tenant *tenant;
    struct weft_error *error = api_find_tenant(r->idl, call->path[0],
                                               &tenant);
    if (error) {
        return error;
    }
    size_t n;
    struct service_rows_service *list = service_rows_list(r->idl, tenant,
                                                          &n);
    call->services = xcalloc(n + 1, sizeof *call->services);
    for (size_t i = 0; i < n; i++) {
        service_view_fill(&call->services[i], &list[i]);
    }
    call->n_services = n;
    service_rows_free(list, n);
    return NULL;
}
