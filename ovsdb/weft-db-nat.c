/* weft-db-nat: the NAT rows of weft's database -> the topology (topology/
 * nat.c): a host's external side, a port's mappings, the Pool and
 * Floating_IP tables; for the full load (weft-db.c) and the in-place patch
 * (weft-db-update.c) alike, so that both keep and skip exactly the same
 * rows (weft-db-rows.h).
 *
 * Skips, each logged (rate-limited): an external side whose values do not
 * parse (the host then has none), a mapping whose key or value does not, a
 * pool with a bad cidr, a floating IP without its tenant or pool in the
 * topology or with a bad address; a floating IP's port that the topology
 * lacks, or that already has a floating IP, leaves it unassigned. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "topology.h"
#include "uuidset.h"
#include "validate.h"
#include "weft-db-rows.h"
#include "weft-idl.h"

VLOG_DEFINE_THIS_MODULE(weft_db_nat);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

/* ------------------------------------------------------------------------
 * Rows. */

void
weft_db_host_external(const struct weftrec_host *row,
                      struct topo_external *ext)
{
    char *error = parse_external(row->external_iface, row->external_ip,
                                 row->external_gateway, ext);
    if (error) {
        VLOG_WARN_RL(&rl, "host %s: external side ignored: %s", row->name,
                     error);
        free(error);
        memset(ext, 0, sizeof *ext);
    }
}

bool
weft_db_host_set_external(struct topology *topo, struct topo_host *host,
                          const struct weftrec_host *row)
{
    struct topo_external ext;
    weft_db_host_external(row, &ext);
    return topology_set_host_external(topo, host, ext.iface, ext.ip, ext.plen,
                                      ext.gateway);
}

void
weft_db_host_gateway_mac(struct topo_host *host,
                         const struct weftrec_host *row)
{
    const char *s = smap_get(&row->status, "external_gateway_mac");
    struct eth_addr mac;
    if (s && topo_host_has_external(host) && eth_addr_from_string(s, &mac)) {
        topology_set_host_gateway_mac(host, mac);
    }
}

size_t
weft_db_port_mappings(const struct weftrec_port *row,
                      struct topo_mapping **mapsp)
{
    /* Zeroed, padding included: nothing uninitialized reaches the
     * topology. */
    struct topo_mapping *maps = xcalloc(row->n_mappings + 1, sizeof *maps);
    size_t n = 0;
    for (size_t i = 0; i < row->n_mappings; i++) {
        struct topo_mapping *m = &maps[n];
        int64_t to = row->value_mappings[i];
        if (!topo_mapping_key_parse(row->key_mappings[i], &m->proto,
                                    &m->host_port) || to < 1 || to > 65535) {
            VLOG_WARN_RL(&rl, "port "UUID_FMT" (%s): mapping %s -> %"PRId64
                         " ignored", UUID_ARGS(&row->header_.uuid),
                         row->name, row->key_mappings[i], to);
            continue;
        }
        m->port = to;
        n++;
    }
    *mapsp = maps;
    return n;
}

bool
weft_db_port_set_mappings(struct topology *topo, struct topo_port *port,
                          const struct weftrec_port *row)
{
    struct topo_mapping *maps;
    size_t n = weft_db_port_mappings(row, &maps);
    bool changed = topology_set_port_mappings(topo, port, maps, n);
    free(maps);
    return changed;
}

static bool
pool_from_row(const struct weftrec_pool *row, ovs_be32 *prefix, int *plen)
{
    char *error = parse_pool_cidr(row->cidr, prefix, plen);
    if (error) {
        VLOG_WARN_RL(&rl, "pool %s: %s, ignored", row->name, error);
        free(error);
        return false;
    }
    return true;
}

static bool
fip_from_row(const struct topology *topo, const struct weftrec_floating_ip *row,
             const struct topo_tenant **tenant, const struct topo_pool **pool,
             ovs_be32 *ip)
{
    *tenant = row->tenant ? topology_find_tenant(topo,
                                                 &row->tenant->header_.uuid)
                          : NULL;
    *pool = row->pool ? topology_find_pool(topo, &row->pool->header_.uuid)
                      : NULL;
    char *error = parse_ipv4(row->ip, ip);
    if (!*tenant || !*pool || error || strchr(row->ip, '/')) {
        VLOG_WARN_RL(&rl, "floating IP "UUID_FMT" (%s): no tenant or pool, "
                     "or a bad address, ignored",
                     UUID_ARGS(&row->header_.uuid), row->ip);
        free(error);
        return false;
    }
    return true;
}

/* The port 'row' is assigned to, as the topology holds it, or NULL. */
static const struct topo_port *
fip_port(const struct topology *topo, const struct weftrec_floating_ip *row)
{
    return row->port ? topology_find_port(topo, &row->port->header_.uuid)
                     : NULL;
}

/* ------------------------------------------------------------------------
 * Full load. */

void
weft_db_load_nat(struct ovsdb_idl *idl, struct topology *topo)
{
    const struct weftrec_pool *prow;
    WEFTREC_POOL_FOR_EACH (prow, idl) {
        ovs_be32 prefix;
        int plen;
        if (pool_from_row(prow, &prefix, &plen)) {
            topology_add_pool(topo, &prow->header_.uuid, prow->name, prefix,
                              plen);
        }
    }
    const struct weftrec_floating_ip *frow;
    WEFTREC_FLOATING_IP_FOR_EACH (frow, idl) {
        const struct topo_tenant *tenant;
        const struct topo_pool *pool;
        ovs_be32 ip;
        if (!fip_from_row(topo, frow, &tenant, &pool, &ip)) {
            continue;
        }
        struct topo_fip *fip = topology_add_fip(topo, &frow->header_.uuid,
                                                tenant, pool, ip);
        const struct topo_port *port = fip_port(topo, frow);
        if (port && !topology_set_fip_port(topo, fip, port)) {
            VLOG_WARN_RL(&rl, "floating IP %s: its port has another one, "
                         "left unassigned", frow->ip);
        }
    }
}

/* ------------------------------------------------------------------------
 * In-place patch.  Each returns NULL or why a full load is needed. */

/* Records that 'port' (as the topology holds it, or NULL) changed because
 * a floating IP left or joined it: its flows carry the floating IP. */
static void
note_fip_port(struct topo_changes *c, const struct topo_port *port)
{
    if (port) {
        uuidset_insert(&c->ports, &port->uuid);
        uuidset_insert(&c->networks, &port->network->uuid);
        uuidset_insert(&c->port_hosts, &port->host->uuid);
    }
}

/* Before the tenants and pools they refer to leave. */
const char *
weft_db_delete_fips(struct ovsdb_idl *idl, struct topology *topo,
                    struct topo_changes *c)
{
    const struct weftrec_floating_ip *row;
    WEFTREC_FLOATING_IP_FOR_EACH_TRACKED (row, idl) {
        struct topo_fip *fip;
        if (weftrec_floating_ip_is_deleted(row)
            && (fip = topology_find_fip(topo, &row->header_.uuid))) {
            note_fip_port(c, fip->port);
            uuidset_insert(&c->fips, &fip->uuid);
            topology_remove_fip(topo, fip);
        }
    }
    return NULL;
}

const char *
weft_db_delete_pools(struct ovsdb_idl *idl, struct topology *topo,
                     struct topo_changes *c)
{
    const struct weftrec_pool *row;
    WEFTREC_POOL_FOR_EACH_TRACKED (row, idl) {
        struct topo_pool *pool;
        if (weftrec_pool_is_deleted(row)
            && (pool = topology_find_pool(topo, &row->header_.uuid))) {
            uuidset_insert(&c->pools, &pool->uuid);
            if (!topology_remove_pool(topo, pool)) {
                return "a deleted pool still has floating IPs";
            }
        }
    }
    return NULL;
}

const char *
weft_db_update_pools(struct ovsdb_idl *idl, struct topology *topo,
                     struct topo_changes *c)
{
    const struct weftrec_pool *row;
    WEFTREC_POOL_FOR_EACH_TRACKED (row, idl) {
        if (weftrec_pool_is_deleted(row)) {
            continue;
        }
        struct topo_pool *pool = topology_find_pool(topo, &row->header_.uuid);
        ovs_be32 prefix;
        int plen;
        if (!pool_from_row(row, &prefix, &plen)) {
            return "a pool is skipped";
        }
        if (pool) {
            if (topology_update_pool(topo, pool, row->name, prefix, plen)) {
                /* Its floating IPs' flows do not depend on it, but a
                 * host's might some day: say so. */
                uuidset_insert(&c->pools, &pool->uuid);
            }
        } else if (weftrec_pool_is_new(row)) {
            topology_add_pool(topo, &row->header_.uuid, row->name, prefix,
                              plen);
            uuidset_insert(&c->pools, &row->header_.uuid);
        } else {
            return "a modified pool is missing";
        }
    }
    return NULL;
}

/* Adds or updates the floating IP of 'row' (tenant, pool, address), not
 * its port. */
static const char *
update_fip_row(const struct weftrec_floating_ip *row, struct topology *topo,
               struct topo_changes *c)
{
    const struct topo_tenant *tenant;
    const struct topo_pool *pool;
    ovs_be32 ip;
    struct topo_fip *fip = topology_find_fip(topo, &row->header_.uuid);
    if (!fip_from_row(topo, row, &tenant, &pool, &ip)) {
        return "a floating IP is skipped";
    }
    if (fip) {
        if (topology_update_fip(topo, fip, tenant, pool, ip)) {
            uuidset_insert(&c->fips, &fip->uuid);
            note_fip_port(c, fip->port);
        }
    } else if (weftrec_floating_ip_is_new(row)) {
        topology_add_fip(topo, &row->header_.uuid, tenant, pool, ip);
        uuidset_insert(&c->fips, &row->header_.uuid);
    } else {
        return "a modified floating IP is missing";
    }
    return NULL;
}

/* The floating IPs to bring in line with their rows' ports: the tracked
 * rows and those in 'c->fips' (a floating IP whose port the patch replaced
 * lost it: weft-db-update.c puts it there). */
static void
collect_fips(struct ovsdb_idl *idl, const struct topo_changes *c,
             struct uuidset *todo)
{
    const struct weftrec_floating_ip *row;
    WEFTREC_FLOATING_IP_FOR_EACH_TRACKED (row, idl) {
        if (!weftrec_floating_ip_is_deleted(row)) {
            uuidset_insert(todo, &row->header_.uuid);
        }
    }
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, &c->fips) {
        uuidset_insert(todo, &node->uuid);
    }
}

/* After the ports, tenants and pools.  Ports in two passes: every floating
 * IP leaves the port it no longer has, then joins its new one, so that two
 * floating IPs can swap ports in one transaction. */
const char *
weft_db_update_fips(struct ovsdb_idl *idl, struct topology *topo,
                    struct topo_changes *c)
{
    const struct weftrec_floating_ip *row;
    WEFTREC_FLOATING_IP_FOR_EACH_TRACKED (row, idl) {
        const char *reason = (weftrec_floating_ip_is_deleted(row) ? NULL
                              : update_fip_row(row, topo, c));
        if (reason) {
            return reason;
        }
    }

    struct uuidset todo = UUIDSET_INITIALIZER(&todo);
    collect_fips(idl, c, &todo);
    const char *reason = NULL;
    for (int pass = 0; pass < 2 && !reason; pass++) {
        const struct uuidset_node *node;
        UUIDSET_FOR_EACH (node, &todo) {
            struct topo_fip *fip = topology_find_fip(topo, &node->uuid);
            row = weftrec_floating_ip_get_for_uuid(idl, &node->uuid);
            if (!fip || !row) {
                continue;
            }
            const struct topo_port *want = fip_port(topo, row);
            if (fip->port == want || (!pass && !fip->port)
                || (pass && !want)) {
                continue;
            }
            note_fip_port(c, fip->port);
            note_fip_port(c, want);
            uuidset_insert(&c->fips, &fip->uuid);
            if (!topology_set_fip_port(topo, fip, pass ? want : NULL)) {
                reason = "a port has two floating IPs";
                break;
            }
        }
    }
    uuidset_destroy(&todo);
    return reason;
}
