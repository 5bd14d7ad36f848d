/* nat: the desired state of the ways in and out of tenant networks, as
 * plain data in the topology: each host's external side, the external
 * address pools, floating IPs, port mappings and a router's SNAT switch.
 * The adders, setters and removers keep the indexes of topology.h (tenant
 * -> floating IPs, port -> its floating IP, pool -> count) up to date;
 * validation (topology/validate-nat.c) decides what may be stored, these
 * only store it.  No I/O. */
#include <config.h>

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"

bool
topology_set_host_external(struct topology *topo OVS_UNUSED,
                           struct topo_host *host, const char *iface,
                           ovs_be32 ip, int plen, ovs_be32 gateway)
{
    struct topo_external *ext = &host->ext;
    if (!iface) {
        if (!ext->iface) {
            return false;
        }
        free(ext->iface);
        memset(ext, 0, sizeof *ext);
        return true;
    }
    bool changed = !ext->iface || strcmp(ext->iface, iface)
                   || ext->ip != ip || ext->plen != plen
                   || ext->gateway != gateway;
    if (!changed) {
        return false;
    }
    if (!ext->iface || ext->gateway != gateway) {
        /* A MAC resolved for another next hop means nothing for this one. */
        ext->gateway_mac = eth_addr_zero;
    }
    free(ext->iface);
    ext->iface = xstrdup(iface);
    ext->ip = ip;
    ext->plen = plen;
    ext->gateway = gateway;
    return true;
}

bool
topology_set_host_gateway_mac(struct topo_host *host, struct eth_addr mac)
{
    if (eth_addr_equals(host->ext.gateway_mac, mac)) {
        return false;
    }
    host->ext.gateway_mac = mac;
    return true;
}

bool
topology_set_router_snat(struct topo_router *router, bool snat)
{
    if (router->snat == snat) {
        return false;
    }
    router->snat = snat;
    return true;
}

static int
compare_mappings(const void *a_, const void *b_)
{
    const struct topo_mapping *a = a_, *b = b_;
    if (a->proto != b->proto) {
        return a->proto < b->proto ? -1 : 1;
    }
    if (a->host_port != b->host_port) {
        return a->host_port < b->host_port ? -1 : 1;
    }
    return a->port < b->port ? -1 : a->port > b->port;
}

bool
topology_set_port_mappings(struct topology *topo OVS_UNUSED,
                           struct topo_port *port,
                           const struct topo_mapping *maps, size_t n)
{
    struct topo_mapping *sorted = n ? xmemdup(maps, n * sizeof *maps) : NULL;
    if (n) {
        qsort(sorted, n, sizeof *sorted, compare_mappings);
    }
    /* Field by field: memcmp() would compare the structs' padding. */
    bool same = n == port->n_mappings;
    for (size_t i = 0; same && i < n; i++) {
        same = !compare_mappings(&sorted[i], &port->mappings[i]);
    }
    if (same) {
        free(sorted);
        return false;
    }
    free(port->mappings);
    port->mappings = sorted;
    port->n_mappings = n;
    return true;
}

const struct topo_port *
topo_host_find_mapping(const struct topo_host *host, uint8_t proto,
                       uint16_t host_port)
{
    const struct topo_port *port;
    TOPO_HOST_FOR_EACH_PORT (port, host) {
        for (size_t i = 0; i < port->n_mappings; i++) {
            const struct topo_mapping *m = &port->mappings[i];
            if (m->proto == proto && m->host_port == host_port) {
                return port;
            }
        }
    }
    return NULL;
}

struct topo_pool *
topology_add_pool(struct topology *topo, const struct uuid *uuid,
                  const char *name, ovs_be32 prefix, int plen)
{
    struct topo_pool *pool = xzalloc(sizeof *pool);
    pool->uuid = *uuid;
    pool->name = xstrdup(name);
    pool->prefix = prefix;
    pool->plen = plen;
    hmap_insert(&topo->pools, &pool->node, uuid_hash(uuid));
    return pool;
}

bool
topology_update_pool(struct topology *topo OVS_UNUSED, struct topo_pool *pool,
                     const char *name, ovs_be32 prefix, int plen)
{
    bool changed = strcmp(pool->name, name) || pool->prefix != prefix
                   || pool->plen != plen;
    if (strcmp(pool->name, name)) {
        free(pool->name);
        pool->name = xstrdup(name);
    }
    pool->prefix = prefix;
    pool->plen = plen;
    return changed;
}

bool
topology_remove_pool(struct topology *topo, struct topo_pool *pool)
{
    if (pool->n_fips) {
        return false;
    }
    hmap_remove(&topo->pools, &pool->node);
    free(pool->name);
    free(pool);
    return true;
}

struct topo_fip *
topology_add_fip(struct topology *topo, const struct uuid *uuid,
                 const struct topo_tenant *tenant,
                 const struct topo_pool *pool, ovs_be32 ip)
{
    ovs_assert(tenant && pool);
    struct topo_fip *fip = xzalloc(sizeof *fip);
    fip->uuid = *uuid;
    fip->tenant = tenant;
    struct topo_tenant *t = CONST_CAST(struct topo_tenant *, tenant);
    ovs_list_push_back(&t->fips, &fip->tenant_node);
    t->n_fips++;
    fip->pool = pool;
    CONST_CAST(struct topo_pool *, pool)->n_fips++;
    fip->ip = ip;
    hmap_insert(&topo->fips, &fip->node, uuid_hash(uuid));
    return fip;
}

bool
topology_update_fip(struct topology *topo OVS_UNUSED, struct topo_fip *fip,
                    const struct topo_tenant *tenant,
                    const struct topo_pool *pool, ovs_be32 ip)
{
    ovs_assert(tenant && pool);
    bool changed = false;
    if (fip->tenant != tenant) {
        struct topo_tenant *old = CONST_CAST(struct topo_tenant *,
                                             fip->tenant);
        struct topo_tenant *new = CONST_CAST(struct topo_tenant *, tenant);
        ovs_list_remove(&fip->tenant_node);
        old->n_fips--;
        ovs_list_push_back(&new->fips, &fip->tenant_node);
        new->n_fips++;
        fip->tenant = tenant;
        changed = true;
    }
    if (fip->pool != pool) {
        CONST_CAST(struct topo_pool *, fip->pool)->n_fips--;
        CONST_CAST(struct topo_pool *, pool)->n_fips++;
        fip->pool = pool;
        changed = true;
    }
    if (fip->ip != ip) {
        fip->ip = ip;
        changed = true;
    }
    return changed;
}

bool
topology_set_fip_port(struct topology *topo OVS_UNUSED, struct topo_fip *fip,
                      const struct topo_port *port)
{
    if (fip->port == port) {
        return true;
    }
    if (port && port->fip) {
        return false;
    }
    if (fip->port) {
        CONST_CAST(struct topo_port *, fip->port)->fip = NULL;
    }
    fip->port = port;
    if (port) {
        CONST_CAST(struct topo_port *, port)->fip = fip;
    }
    return true;
}

void
topology_remove_fip(struct topology *topo, struct topo_fip *fip)
{
    topology_set_fip_port(topo, fip, NULL);
    struct topo_tenant *t = CONST_CAST(struct topo_tenant *, fip->tenant);
    ovs_list_remove(&fip->tenant_node);
    t->n_fips--;
    CONST_CAST(struct topo_pool *, fip->pool)->n_fips--;
    hmap_remove(&topo->fips, &fip->node);
    free(fip);
}

struct topo_pool *
topology_find_pool(const struct topology *topo, const struct uuid *uuid)
{
    struct topo_pool *pool;
    HMAP_FOR_EACH_WITH_HASH (pool, node, uuid_hash(uuid), &topo->pools) {
        if (uuid_equals(&pool->uuid, uuid)) {
            return pool;
        }
    }
    return NULL;
}

struct topo_pool *
topology_find_pool_by_name(const struct topology *topo, const char *name)
{
    struct topo_pool *pool;
    TOPOLOGY_FOR_EACH_POOL (pool, topo) {
        if (!strcmp(pool->name, name)) {
            return pool;
        }
    }
    return NULL;
}

struct topo_fip *
topology_find_fip(const struct topology *topo, const struct uuid *uuid)
{
    struct topo_fip *fip;
    HMAP_FOR_EACH_WITH_HASH (fip, node, uuid_hash(uuid), &topo->fips) {
        if (uuid_equals(&fip->uuid, uuid)) {
            return fip;
        }
    }
    return NULL;
}

/* O(floating IPs): there are few, and validation is its only caller. */
struct topo_fip *
topology_find_fip_by_ip(const struct topology *topo, ovs_be32 ip)
{
    struct topo_fip *fip;
    TOPOLOGY_FOR_EACH_FIP (fip, topo) {
        if (fip->ip == ip) {
            return fip;
        }
    }
    return NULL;
}
