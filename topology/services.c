/* services: a tenant's load-balanced virtual IPs (Service table) as plain
 * data in the topology (desired state).  The adders, setters and removers
 * keep the service indexes of topology.h (tenant -> services, router ->
 * services) and the service keys up to date; validation
 * (topology/validate-service.c) decides what may be stored, these only
 * store it.  No I/O. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"

struct topo_service *
topology_add_service(struct topology *topo, const struct uuid *uuid,
                     const struct topo_tenant *tenant,
                     const struct topo_router *router, const char *name,
                     uint32_t key, ovs_be32 vip, uint16_t port, uint8_t proto,
                     uint16_t node_port)
{
    ovs_assert(tenant && router);
    struct topo_service *svc = xzalloc(sizeof *svc);
    svc->uuid = *uuid;
    svc->tenant = tenant;
    struct topo_tenant *t = CONST_CAST(struct topo_tenant *, tenant);
    ovs_list_push_back(&t->services, &svc->tenant_node);
    t->n_services++;
    svc->router = router;
    struct topo_router *r = CONST_CAST(struct topo_router *, router);
    ovs_list_push_back(&r->services, &svc->router_node);
    r->n_services++;
    svc->name = xstrdup(name);
    svc->key = key;
    topo_keys_add(&topo->service_keys, key);
    svc->vip = vip;
    svc->port = port;
    svc->proto = proto;
    svc->node_port = node_port;
    hmap_insert(&topo->services, &svc->node, uuid_hash(uuid));
    return svc;
}

bool
topology_update_service(struct topology *topo, struct topo_service *svc,
                        const struct topo_tenant *tenant,
                        const struct topo_router *router, const char *name,
                        uint32_t key, ovs_be32 vip, uint16_t port,
                        uint8_t proto, uint16_t node_port)
{
    ovs_assert(tenant && router);
    bool changed = false;
    if (svc->tenant != tenant) {
        struct topo_tenant *old = CONST_CAST(struct topo_tenant *,
                                             svc->tenant);
        struct topo_tenant *new = CONST_CAST(struct topo_tenant *, tenant);
        ovs_list_remove(&svc->tenant_node);
        old->n_services--;
        ovs_list_push_back(&new->services, &svc->tenant_node);
        new->n_services++;
        svc->tenant = tenant;
        changed = true;
    }
    if (svc->router != router) {
        struct topo_router *old = CONST_CAST(struct topo_router *,
                                             svc->router);
        struct topo_router *new = CONST_CAST(struct topo_router *, router);
        ovs_list_remove(&svc->router_node);
        old->n_services--;
        ovs_list_push_back(&new->services, &svc->router_node);
        new->n_services++;
        svc->router = router;
        changed = true;
    }
    if (strcmp(svc->name, name)) {
        free(svc->name);
        svc->name = xstrdup(name);
        changed = true;
    }
    if (svc->key != key) {
        topo_keys_remove(&topo->service_keys, svc->key);
        topo_keys_add(&topo->service_keys, key);
        svc->key = key;
        changed = true;
    }
    if (svc->vip != vip || svc->port != port || svc->proto != proto
        || svc->node_port != node_port) {
        svc->vip = vip;
        svc->port = port;
        svc->proto = proto;
        svc->node_port = node_port;
        changed = true;
    }
    return changed;
}

static int
compare_backends(const void *a_, const void *b_)
{
    const struct topo_backend *a = a_, *b = b_;
    return uuid_compare_3way(&a->port->uuid, &b->port->uuid);
}

static bool
backends_equal(const struct topo_backend *a, const struct topo_backend *b,
               size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i].port != b[i].port || a[i].port_num != b[i].port_num
            || a[i].weight != b[i].weight || a[i].down != b[i].down) {
            return false;
        }
    }
    return true;
}

bool
topology_set_service_backends(struct topology *topo OVS_UNUSED,
                              struct topo_service *svc,
                              const struct topo_backend *backends, size_t n)
{
    struct topo_backend *sorted = NULL;
    if (n) {
        sorted = xmalloc(n * sizeof *sorted);
        for (size_t i = 0; i < n; i++) {
            /* Field by field: no padding bytes reach a comparison. */
            sorted[i] = (struct topo_backend) {
                .port = backends[i].port,
                .port_num = backends[i].port_num,
                .weight = backends[i].weight,
                .down = backends[i].down,
            };
        }
        qsort(sorted, n, sizeof *sorted, compare_backends);
    }
    if (n == svc->n_backends && backends_equal(sorted, svc->backends, n)) {
        free(sorted);
        return false;
    }
    free(svc->backends);
    svc->backends = sorted;
    svc->n_backends = n;
    return true;
}

void
topology_remove_service(struct topology *topo, struct topo_service *svc)
{
    struct topo_tenant *t = CONST_CAST(struct topo_tenant *, svc->tenant);
    ovs_list_remove(&svc->tenant_node);
    t->n_services--;
    struct topo_router *r = CONST_CAST(struct topo_router *, svc->router);
    ovs_list_remove(&svc->router_node);
    r->n_services--;
    topo_keys_remove(&topo->service_keys, svc->key);
    hmap_remove(&topo->services, &svc->node);
    free(svc->backends);
    free(svc->name);
    free(svc);
}

/* Drops 'port' from every service it backs.  Only a network attached to a
 * router holds backends, and only that router's services. */
void
topo_services_drop_port(struct topology *topo OVS_UNUSED,
                        const struct topo_port *port)
{
    const struct topo_router_port *rp = port->network->router_port;
    if (!rp) {
        return;
    }
    struct topo_service *svc;
    TOPO_ROUTER_FOR_EACH_SERVICE (svc, rp->router) {
        size_t j = 0;
        for (size_t i = 0; i < svc->n_backends; i++) {
            if (svc->backends[i].port != port) {
                svc->backends[j++] = svc->backends[i];
            }
        }
        svc->n_backends = j;
    }
}

struct topo_service *
topology_find_service(const struct topology *topo, const struct uuid *uuid)
{
    struct topo_service *svc;
    HMAP_FOR_EACH_WITH_HASH (svc, node, uuid_hash(uuid), &topo->services) {
        if (uuid_equals(&svc->uuid, uuid)) {
            return svc;
        }
    }
    return NULL;
}

struct topo_service *
topology_find_service_by_name(const struct topology *topo OVS_UNUSED,
                              const struct topo_tenant *tenant,
                              const char *name)
{
    struct topo_service *svc;
    TOPO_TENANT_FOR_EACH_SERVICE (svc, tenant) {
        if (!strcmp(svc->name, name)) {
            return svc;
        }
    }
    return NULL;
}
