/* weft-db-services: the Service table of weft's database -> the topology
 * (topology/services.c), for the full load (weft-db.c) and the in-place
 * patch (weft-db-update.c) alike, so that both keep and skip exactly the
 * same rows and backends (weft-db-rows.h).
 *
 * Skips, each logged (rate-limited): a service without its tenant or
 * router in the topology, with a router of another tenant, or with a bad
 * VIP or protocol.  A backend is kept only if its port is in the topology,
 * of the service's tenant, with an IPv4 address, on a network attached to
 * the service's router (validation allows nothing else; the patch
 * recomputes a service's backends whenever one of those can have changed:
 * its row, a port it names replaced, its router's attachments). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "topology.h"
#include "uuid.h"
#include "uuidset.h"
#include "validate.h"
#include "weft-db-rows.h"
#include "weft-idl.h"

VLOG_DEFINE_THIS_MODULE(weft_db_services);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

/* A Service row's values. */
struct service_spec {
    const struct topo_tenant *tenant;
    const struct topo_router *router;
    ovs_be32 vip;
    uint8_t proto;
    uint16_t port;
    uint16_t node_port;
};

static bool
service_from_row(const struct topology *topo,
                 const struct weftrec_service *row, struct service_spec *s)
{
    memset(s, 0, sizeof *s);
    s->tenant = (row->tenant
                 ? topology_find_tenant(topo, &row->tenant->header_.uuid)
                 : NULL);
    s->router = (row->router
                 ? topology_find_router(topo, &row->router->header_.uuid)
                 : NULL);
    char *error = parse_vip(row->vip, &s->vip);
    error = error ? error : parse_proto(row->proto, &s->proto);
    if (!error && (!s->tenant || !s->router || s->router->tenant != s->tenant
                   || row->port < 1 || row->port > 65535
                   || row->flow_key < 1
                   || row->flow_key > TOPO_SERVICE_KEY_MAX)) {
        error = xstrdup("no tenant or router, or another tenant's router");
    }
    if (error) {
        VLOG_WARN_RL(&rl, "service "UUID_FMT" (%s): %s, ignored",
                     UUID_ARGS(&row->header_.uuid), row->name, error);
        free(error);
        return false;
    }
    s->port = row->port;
    s->node_port = (row->n_node_port && row->node_port[0] >= 1
                    && row->node_port[0] <= 65535 ? row->node_port[0] : 0);
    return true;
}

static uint16_t
row_weight(const struct weftrec_service *row, const struct weftrec_port *p)
{
    for (size_t i = 0; i < row->n_weights; i++) {
        if (row->key_weights[i] == p) {
            int64_t w = row->value_weights[i];
            return w >= 1 && w <= TOPO_WEIGHT_MAX ? w : 1;
        }
    }
    return 1;
}

static bool
row_down(const struct weftrec_service *row, const struct weftrec_port *p)
{
    for (size_t i = 0; i < row->n_down; i++) {
        if (row->down[i] == p) {
            return true;
        }
    }
    return false;
}

/* Sets 'svc''s backends to those of 'row' that the topology can hold.
 * Returns true if they changed. */
static bool
set_backends(struct topology *topo, struct topo_service *svc,
             const struct weftrec_service *row)
{
    struct topo_backend *b = xcalloc(row->n_backends + 1, sizeof *b);
    size_t n = 0;
    for (size_t i = 0; i < row->n_backends; i++) {
        const struct weftrec_port *prow = row->key_backends[i];
        const struct topo_port *port = topology_find_port(
            topo, &prow->header_.uuid);
        int64_t num = row->value_backends[i];
        const struct topo_router_port *rp = port ? port->network->router_port
                                                 : NULL;
        if (!port || port->network->tenant != svc->tenant || !port->n_ips
            || !rp || rp->router != svc->router || num < 1 || num > 65535) {
            VLOG_WARN_RL(&rl, "service %s: backend "UUID_FMT" ignored",
                         row->name, UUID_ARGS(&prow->header_.uuid));
            continue;
        }
        b[n++] = (struct topo_backend) {
            .port = port,
            .port_num = num,
            .weight = row_weight(row, prow),
            .down = row_down(row, prow),
        };
    }
    bool changed = topology_set_service_backends(topo, svc, b, n);
    free(b);
    return changed;
}

/* ------------------------------------------------------------------------
 * Full load. */

void
weft_db_load_services(struct ovsdb_idl *idl, struct topology *topo)
{
    const struct weftrec_service *row;
    WEFTREC_SERVICE_FOR_EACH (row, idl) {
        struct service_spec s;
        if (!service_from_row(topo, row, &s)) {
            continue;
        }
        if (topo_keys_contains(&topo->service_keys, row->flow_key)) {
            VLOG_WARN_RL(&rl, "service %s: key %"PRId64" repeated, ignored",
                         row->name, row->flow_key);
            continue;
        }
        struct topo_service *svc = topology_add_service(
            topo, &row->header_.uuid, s.tenant, s.router, row->name,
            row->flow_key, s.vip, s.port, s.proto, s.node_port);
        set_backends(topo, svc, row);
    }
}

/* ------------------------------------------------------------------------
 * In-place patch. */

void
weft_db_forget_backend_port(struct topology *topo,
                            const struct topo_port *port,
                            struct topo_changes *c)
{
    struct topo_service *svc;
    TOPO_TENANT_FOR_EACH_SERVICE (svc, port->network->tenant) {
        if (!topo_service_find_backend(svc, port)) {
            continue;
        }
        struct topo_backend *b = xmalloc(svc->n_backends * sizeof *b);
        size_t n = 0;
        for (size_t i = 0; i < svc->n_backends; i++) {
            if (svc->backends[i].port != port) {
                b[n++] = svc->backends[i];
            }
        }
        topology_set_service_backends(topo, svc, b, n);
        free(b);
        uuidset_insert(&c->services, &svc->uuid);
    }
}

/* True if 'row' (not deleted) refers to another router or tenant than
 * 'svc'. */
static bool
service_moved(const struct topo_service *svc,
              const struct weftrec_service *row)
{
    return (!row->router || !row->tenant
            || !uuid_equals(&row->router->header_.uuid, &svc->router->uuid)
            || !uuid_equals(&row->tenant->header_.uuid, &svc->tenant->uuid));
}

/* Before the routers and tenants they refer to leave.  A service moved to
 * another router or tenant (only a database written by hand does that)
 * needs a full load: its old router may leave in the same transaction. */
const char *
weft_db_delete_services(struct ovsdb_idl *idl, struct topology *topo,
                        struct topo_changes *c)
{
    const struct weftrec_service *row;
    WEFTREC_SERVICE_FOR_EACH_TRACKED (row, idl) {
        struct topo_service *svc = topology_find_service(topo,
                                                         &row->header_.uuid);
        if (!svc) {
            continue;
        }
        if (weftrec_service_is_deleted(row)) {
            uuidset_insert(&c->services, &svc->uuid);
            topology_remove_service(topo, svc);
        } else if (service_moved(svc, row)) {
            return "a service moved to another router or tenant";
        }
    }
    return NULL;
}

static const char *
update_service_row(const struct weftrec_service *row, struct topology *topo,
                   struct topo_changes *c)
{
    struct service_spec s;
    if (!service_from_row(topo, row, &s)) {
        return "a service is skipped";
    }
    struct topo_service *svc = topology_find_service(topo,
                                                     &row->header_.uuid);
    if (svc) {
        if (row->flow_key != svc->key
            && topo_keys_contains(&topo->service_keys, row->flow_key)) {
            return "a service key is repeated";
        }
        if (topology_update_service(topo, svc, s.tenant, s.router, row->name,
                                    row->flow_key, s.vip, s.port, s.proto,
                                    s.node_port)) {
            uuidset_insert(&c->services, &svc->uuid);
        }
    } else if (weftrec_service_is_new(row)) {
        if (topo_keys_contains(&topo->service_keys, row->flow_key)) {
            return "a service key is repeated";
        }
        svc = topology_add_service(topo, &row->header_.uuid, s.tenant,
                                   s.router, row->name, row->flow_key, s.vip,
                                   s.port, s.proto, s.node_port);
        uuidset_insert(&c->services, &svc->uuid);
    } else {
        return "a modified service is missing";
    }
    return NULL;
}

/* After the ports, routers and tenants.  The backends are set again for
 * every tracked row, every service already in 'c->services' (a port it
 * names was replaced: weft_db_forget_backend_port()) and every service of
 * a changed router (its attachments decide which backends it can hold). */
const char *
weft_db_update_services(struct ovsdb_idl *idl, struct topology *topo,
                        struct topo_changes *c)
{
    struct uuidset todo = UUIDSET_INITIALIZER(&todo);
    const struct weftrec_service *row;
    WEFTREC_SERVICE_FOR_EACH_TRACKED (row, idl) {
        if (weftrec_service_is_deleted(row)) {
            continue;
        }
        const char *reason = update_service_row(row, topo, c);
        if (reason) {
            uuidset_destroy(&todo);
            return reason;
        }
        uuidset_insert(&todo, &row->header_.uuid);
    }
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, &c->services) {
        uuidset_insert(&todo, &node->uuid);
    }
    UUIDSET_FOR_EACH (node, &c->routers) {
        const struct topo_router *r = topology_find_router(topo,
                                                           &node->uuid);
        const struct topo_service *svc;
        if (r) {
            TOPO_ROUTER_FOR_EACH_SERVICE (svc, r) {
                uuidset_insert(&todo, &svc->uuid);
            }
        }
    }
    UUIDSET_FOR_EACH (node, &todo) {
        struct topo_service *svc = topology_find_service(topo, &node->uuid);
        row = weftrec_service_get_for_uuid(idl, &node->uuid);
        if (svc && row && set_backends(topo, svc, row)) {
            uuidset_insert(&c->services, &svc->uuid);
        }
    }
    uuidset_destroy(&todo);
    return NULL;
}
