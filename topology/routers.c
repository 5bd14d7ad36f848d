/* routers: a tenant's distributed routers and the subnets they join, as
 * plain data in the topology (desired state).  The adders, setters and
 * removers keep the router indexes of topology.h (tenant -> routers,
 * router -> attachments, network -> its router) up to date; validation
 * (topology/validate*.c) decides what may be stored, these only store it.
 * No I/O. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "topology.h"
#include "util.h"
#include "uuid.h"

bool
topo_subnet_contains(const struct topo_subnet *subnet, ovs_be32 ip)
{
    if (!subnet->plen) {
        return false;
    }
    ovs_be32 mask = be32_prefix_mask(subnet->plen);
    return (ip & mask) == subnet->prefix;
}

struct topo_router *
topology_add_router(struct topology *topo, const struct uuid *uuid,
                    const struct topo_tenant *tenant, const char *name,
                    uint32_t key)
{
    ovs_assert(tenant);
    struct topo_router *router = xzalloc(sizeof *router);
    router->uuid = *uuid;
    router->tenant = tenant;
    struct topo_tenant *t = CONST_CAST(struct topo_tenant *, tenant);
    ovs_list_push_back(&t->routers, &router->tenant_node);
    t->n_routers++;
    router->name = xstrdup(name);
    router->key = key;
    topo_keys_add(&topo->router_keys, key);
    ovs_list_init(&router->ports);
    ovs_list_init(&router->services);
    hmap_insert(&topo->routers, &router->node, uuid_hash(uuid));
    return router;
}

/* Frees every attachment of 'router'. */
static void
router_detach_all(struct topo_router *router)
{
    struct topo_router_port *rp;
    LIST_FOR_EACH_POP (rp, router_node, &router->ports) {
        struct topo_network *net = CONST_CAST(struct topo_network *,
                                              rp->network);
        net->router_port = NULL;
        free(rp);
    }
    router->n_ports = 0;
}

void
topology_remove_router(struct topology *topo, struct topo_router *router)
{
    router_detach_all(router);
    struct topo_tenant *t = CONST_CAST(struct topo_tenant *, router->tenant);
    ovs_list_remove(&router->tenant_node);
    t->n_routers--;
    topo_keys_remove(&topo->router_keys, router->key);
    hmap_remove(&topo->routers, &router->node);
    free(router->routes);
    free(router->name);
    free(router);
}

bool
topology_update_router(struct topology *topo, struct topo_router *router,
                       const struct topo_tenant *tenant, const char *name,
                       uint32_t key)
{
    ovs_assert(tenant);
    bool changed = false;
    if (router->tenant != tenant) {
        /* A router's networks are its tenant's: moving it drops them, and
         * the loader sets the new ones right after. */
        router_detach_all(router);
        struct topo_tenant *old = CONST_CAST(struct topo_tenant *,
                                             router->tenant);
        struct topo_tenant *new = CONST_CAST(struct topo_tenant *, tenant);
        ovs_list_remove(&router->tenant_node);
        old->n_routers--;
        ovs_list_push_back(&new->routers, &router->tenant_node);
        new->n_routers++;
        router->tenant = tenant;
        changed = true;
    }
    if (strcmp(router->name, name)) {
        free(router->name);
        router->name = xstrdup(name);
        changed = true;
    }
    if (router->key != key) {
        topo_keys_remove(&topo->router_keys, router->key);
        topo_keys_add(&topo->router_keys, key);
        router->key = key;
        changed = true;
    }
    return changed;
}

/* True if 'router''s attachments are exactly 'nets' and 'macs', in order. */
static bool
router_ports_equal(const struct topo_router *router,
                   const struct topo_network *const *nets,
                   const struct eth_addr *macs, size_t n)
{
    if (router->n_ports != n) {
        return false;
    }
    size_t i = 0;
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
        if (rp->network != nets[i] || !eth_addr_equals(rp->mac, macs[i])) {
            return false;
        }
        i++;
    }
    return true;
}

bool
topology_set_router_networks(struct topology *topo OVS_UNUSED,
                             struct topo_router *router,
                             const struct topo_network *const *nets,
                             const struct eth_addr *macs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct topo_network *net = nets[i];
        if (net->tenant != router->tenant || !net->subnet.plen
            || (net->router_port && net->router_port->router != router)) {
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (nets[j] == net) {
                return false;
            }
        }
    }
    if (router_ports_equal(router, nets, macs, n)) {
        return true;
    }
    router_detach_all(router);
    for (size_t i = 0; i < n; i++) {
        struct topo_router_port *rp = xzalloc(sizeof *rp);
        rp->router = router;
        rp->network = nets[i];
        rp->mac = macs[i];
        ovs_list_push_back(&router->ports, &rp->router_node);
        router->n_ports++;
        CONST_CAST(struct topo_network *, nets[i])->router_port = rp;
    }
    return true;
}

static int
compare_routes(const void *a_, const void *b_)
{
    const struct topo_route *a = a_, *b = b_;
    if (a->plen != b->plen) {
        return a->plen > b->plen ? -1 : 1;
    }
    uint32_t pa = ntohl(a->prefix), pb = ntohl(b->prefix);
    if (pa != pb) {
        return pa < pb ? -1 : 1;
    }
    uint32_t na = ntohl(a->nexthop), nb = ntohl(b->nexthop);
    return na < nb ? -1 : na > nb;
}

bool
topology_set_router_routes(struct topology *topo OVS_UNUSED,
                           struct topo_router *router,
                           const struct topo_route *routes, size_t n)
{
    struct topo_route *sorted = n ? xmemdup(routes, n * sizeof *routes)
                                  : NULL;
    if (n) {
        qsort(sorted, n, sizeof *sorted, compare_routes);
    }
    bool changed = n != router->n_routes
                   || (n && memcmp(sorted, router->routes,
                                   n * sizeof *sorted));
    free(router->routes);
    router->routes = sorted;
    router->n_routes = n;
    return changed;
}

bool
topology_set_network_subnet(struct topology *topo OVS_UNUSED,
                            struct topo_network *net,
                            const struct topo_subnet *subnet, bool *changed)
{
    *changed = false;
    if (net->router_port && !subnet->plen) {
        return false;
    }
    struct topo_subnet new = *subnet;
    if (!new.plen) {
        new.prefix = new.gateway = 0;
    }
    *changed = memcmp(&new, &net->subnet, sizeof new) != 0;
    net->subnet = new;
    return true;
}

struct topo_router *
topology_find_router(const struct topology *topo, const struct uuid *uuid)
{
    struct topo_router *router;
    HMAP_FOR_EACH_WITH_HASH (router, node, uuid_hash(uuid), &topo->routers) {
        if (uuid_equals(&router->uuid, uuid)) {
            return router;
        }
    }
    return NULL;
}

struct topo_router *
topology_find_router_by_name(const struct topology *topo OVS_UNUSED,
                             const struct topo_tenant *tenant,
                             const char *name)
{
    /* The tenant's index: O(its routers). */
    struct topo_router *router;
    TOPO_TENANT_FOR_EACH_ROUTER (router, tenant) {
        if (!strcmp(router->name, name)) {
            return router;
        }
    }
    return NULL;
}

const struct topo_router_port *
topo_router_find_port(const struct topo_router *router,
                      const struct topo_network *net)
{
    return net->router_port && net->router_port->router == router
           ? net->router_port : NULL;
}
