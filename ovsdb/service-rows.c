/* service-rows: services as the front ends show them.  See
 * service-rows.h. */
#include <config.h>

#include "service-rows.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "weft-idl.h"

const struct weftrec_service *
service_rows_find(struct ovsdb_idl *idl, const struct weftrec_tenant *tenant,
                  const char *name)
{
    const struct weftrec_service *row;
    WEFTREC_SERVICE_FOR_EACH (row, idl) {
        if (row->tenant == tenant && !strcmp(row->name, name)) {
            return row;
        }
    }
    return NULL;
}

static int
compare_backends(const void *a_, const void *b_)
{
    const struct service_rows_backend *a = a_, *b = b_;
    int cmp = strcmp(a->network, b->network);
    return cmp ? cmp : strcmp(a->port, b->port);
}

/* The weight of 'port' in 'row' (1 when it has none). */
static int
backend_weight(const struct weftrec_service *row,
               const struct weftrec_port *port)
{
    for (size_t i = 0; i < row->n_weights; i++) {
        if (row->key_weights[i] == port) {
            return row->value_weights[i];
        }
    }
    return 1;
}

static bool
backend_down(const struct weftrec_service *row,
             const struct weftrec_port *port)
{
    for (size_t i = 0; i < row->n_down; i++) {
        if (row->down[i] == port) {
            return true;
        }
    }
    return false;
}

void
service_rows_fill(struct service_rows_service *s,
                  const struct weftrec_service *row)
{
    memset(s, 0, sizeof *s);
    s->row = row;
    s->tenant = row->tenant ? row->tenant->name : "?";
    s->name = row->name;
    s->router = row->router ? row->router->name : "?";
    s->vip = row->vip;
    s->proto = row->proto ? row->proto : "tcp";
    s->port = row->port;
    s->node_port = row->n_node_port ? row->node_port[0] : 0;
    s->key = row->flow_key;
    s->backends = xcalloc(row->n_backends + 1, sizeof *s->backends);
    for (size_t i = 0; i < row->n_backends; i++) {
        const struct weftrec_port *port = row->key_backends[i];
        struct service_rows_backend *b = &s->backends[s->n_backends++];
        b->network = port->network ? port->network->name : "?";
        b->port = port->name;
        b->ip = port->n_ips ? port->ips[0] : NULL;
        b->key = port->flow_key;
        b->to_port = row->value_backends[i];
        b->weight = backend_weight(row, port);
        b->down = backend_down(row, port);
    }
    if (s->n_backends) {
        qsort(s->backends, s->n_backends, sizeof *s->backends,
              compare_backends);
    }
}

void
service_rows_clear(struct service_rows_service *s)
{
    free(s->backends);
    s->backends = NULL;
    s->n_backends = 0;
}

static int
compare_services(const void *a_, const void *b_)
{
    const struct service_rows_service *a = a_, *b = b_;
    int cmp = strcmp(a->tenant, b->tenant);
    return cmp ? cmp : strcmp(a->name, b->name);
}

struct service_rows_service *
service_rows_list(struct ovsdb_idl *idl, const struct weftrec_tenant *tenant,
                  size_t *n)
{
    size_t allocated = 0;
    struct service_rows_service *list = NULL;
    const struct weftrec_service *row;
    *n = 0;
    WEFTREC_SERVICE_FOR_EACH (row, idl) {
        if (tenant && row->tenant != tenant) {
            continue;
        }
        if (*n >= allocated) {
            list = x2nrealloc(list, &allocated, sizeof *list);
        }
        service_rows_fill(&list[(*n)++], row);
    }
    if (*n) {
        qsort(list, *n, sizeof *list, compare_services);
    }
    return list;
}

void
service_rows_free(struct service_rows_service *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        service_rows_clear(&list[i]);
    }
    free(list);
}
