/* weft-db-update: patches weftd's topology in place from the IDL's tracked
 * changes to weft's database, and checks the result against a full load.
 * See weft_db_update_topology() in weft-db.h.
 *
 * In the pipeline: database change -> this patch of the desired state (and
 * what it changed, topology/changes.h) -> each host's compile -> push.
 *
 * The columns followed, and the signs that the tracked changes cannot be
 * applied in place (a full load instead), are in weft-db-track.c. */
#include <config.h>

#include "weft-db.h"

#include <string.h>

#include "changes.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"
#include "uuidset.h"
#include "weft-db-rows.h"
#include "weft-idl.h"

VLOG_DEFINE_THIS_MODULE(weft_db_update);

/* Removes 'port' from 'topo'.  Its floating IP, if any, is unassigned and
 * goes into 'c->fips', so that weft_db_update_fips() assigns it again to
 * the port that replaces it, if its row says so. */
static void
remove_port(struct topology *topo, struct topo_port *port,
            struct topo_changes *c)
{
    if (port->fip) {
        uuidset_insert(&c->fips, &port->fip->uuid);
    }
    weft_db_forget_backend_port(topo, port, c);
    weft_db_note_port_sgs(port, c);     /* It leaves its groups. */
    topology_remove_port(topo, port);
}

/* Records that 'port' (as the topology holds it) changed. */
static void
note_port(struct topo_changes *c, const struct topo_port *port)
{
    uuidset_insert(&c->ports, &port->uuid);
    uuidset_insert(&c->networks, &port->network->uuid);
    uuidset_insert(&c->port_hosts, &port->host->uuid);
}

/* Records that 'router' changed and, if 'networks', that every network
 * attached to it now is attached or detached (each network's gateway is
 * the router's). */
static void
note_router(struct topo_changes *c, const struct topo_router *router,
            bool networks)
{
    uuidset_insert(&c->routers, &router->uuid);
    if (networks) {
        const struct topo_router_port *rp;
        TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
            uuidset_insert(&c->networks, &rp->network->uuid);
        }
    }
}

/* Phase 1: deletions, ports first, then what they referenced.  A port whose
 * network or host changed leaves too (update_ports() puts it back), so that
 * its old network or host can go in the same transaction.  Returns NULL, or
 * why a full load is needed. */
static const char *
delete_ports(struct ovsdb_idl *idl, struct topology *topo,
             struct topo_changes *c)
{
    const struct weftrec_port *row;
    WEFTREC_PORT_FOR_EACH_TRACKED (row, idl) {
        struct topo_port *port = topology_find_port(topo, &row->header_.uuid);
        if (!port) {
            continue;
        }
        bool moved = !weftrec_port_is_deleted(row)
            && (!row->network || !row->host
                || !uuid_equals(&row->network->header_.uuid,
                                &port->network->uuid)
                || !uuid_equals(&row->host->header_.uuid,
                                &port->host->uuid));
        if (weftrec_port_is_deleted(row) || moved) {
            note_port(c, port);
            remove_port(topo, port, c);
        }
    }
    return NULL;
}

/* True if 'router''s attachments are those of 'row', by network UUID and
 * MAC text, in the row's order (a row the loader filters compares unequal,
 * which costs only a spurious change). */
static bool
router_networks_match(const struct topo_router *router,
                      const struct weftrec_router *row)
{
    if (router->n_ports != row->n_networks) {
        return false;
    }
    size_t i = 0;
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
        struct eth_addr mac;
        if (!uuid_equals(&rp->network->uuid,
                         &row->key_networks[i]->header_.uuid)
            || !eth_addr_from_string(row->value_networks[i], &mac)
            || !eth_addr_equals(mac, rp->mac)) {
            return false;
        }
        i++;
    }
    return true;
}

/* Deleted routers leave, and a router whose attachments changed is
 * detached from all of them (update_routers() attaches it again), so that
 * a network it left can be deleted, lose its subnet or join another router
 * in the same transaction. */
static const char *
delete_routers(struct ovsdb_idl *idl, struct topology *topo,
               struct topo_changes *c)
{
    const struct weftrec_router *row;
    WEFTREC_ROUTER_FOR_EACH_TRACKED (row, idl) {
        struct topo_router *router = topology_find_router(
            topo, &row->header_.uuid);
        if (!router) {
            continue;
        }
        if (weftrec_router_is_deleted(row)) {
            note_router(c, router, true);
            topology_remove_router(topo, router);
        } else if (!router_networks_match(router, row)) {
            note_router(c, router, true);
            topology_set_router_networks(topo, router, NULL, NULL, 0);
        }
    }
    return NULL;
}

static const char *
delete_others(struct ovsdb_idl *idl, struct topology *topo,
              struct topo_changes *c)
{
    const struct weftrec_network *nrow;
    WEFTREC_NETWORK_FOR_EACH_TRACKED (nrow, idl) {
        struct topo_network *net;
        if (weftrec_network_is_deleted(nrow)
            && (net = topology_find_network(topo, &nrow->header_.uuid))) {
            uuidset_insert(&c->networks, &net->uuid);
            if (!topology_remove_network(topo, net)) {
                return "a deleted network still has ports";
            }
        }
    }

    const struct weftrec_tenant *trow;
    WEFTREC_TENANT_FOR_EACH_TRACKED (trow, idl) {
        struct topo_tenant *tenant;
        if (weftrec_tenant_is_deleted(trow)
            && (tenant = topology_find_tenant(topo, &trow->header_.uuid))) {
            uuidset_insert(&c->tenants, &tenant->uuid);
            if (!topology_remove_tenant(topo, tenant)) {
                return "a deleted tenant still has networks or routers";
            }
        }
    }

    const struct weftrec_host *hrow;
    WEFTREC_HOST_FOR_EACH_TRACKED (hrow, idl) {
        struct topo_host *host;
        if (weftrec_host_is_deleted(hrow)
            && (host = topology_find_host(topo, &hrow->header_.uuid))) {
            uuidset_insert(&c->hosts, &host->uuid);
            if (!topology_remove_host(topo, host)) {
                return "a deleted host still has ports";
            }
        }
    }
    return NULL;
}

/* Phase 2: insertions and modifications, referenced objects first.  Hosts and
 * tenants are never skipped, so a modified one the topology lacks means it
 * is out of step with the database. */
static const char *
update_hosts(struct ovsdb_idl *idl, struct topology *topo,
             struct topo_changes *c)
{
    const struct weftrec_host *row;
    WEFTREC_HOST_FOR_EACH_TRACKED (row, idl) {
        if (weftrec_host_is_deleted(row)) {
            continue;
        }
        struct topo_host *host = topology_find_host(topo, &row->header_.uuid);
        if (host) {
            bool changed = topology_update_host(
                topo, host, row->name, row->ovsdb_remote,
                row->openflow_remote, row->tunnel_ip, row->datapath_type,
                row->uplink);
            if (weft_db_host_set_external(topo, host, row) || changed) {
                uuidset_insert(&c->hosts, &host->uuid);
            }
        } else if (weftrec_host_is_new(row)) {
            host = topology_add_host(topo, &row->header_.uuid, row->name,
                                     row->ovsdb_remote, row->openflow_remote,
                                     row->tunnel_ip, row->datapath_type,
                                     row->uplink);
            weft_db_host_set_external(topo, host, row);
            uuidset_insert(&c->hosts, &row->header_.uuid);
        } else {
            return "a modified host is missing";
        }
    }
    return NULL;
}

static const char *
update_tenants(struct ovsdb_idl *idl, struct topology *topo,
               struct topo_changes *c)
{
    const struct weftrec_tenant *row;
    WEFTREC_TENANT_FOR_EACH_TRACKED (row, idl) {
        if (weftrec_tenant_is_deleted(row)) {
            continue;
        }
        uint32_t quota[N_TOPO_QUOTAS];
        weft_db_tenant_quota(row, quota);

        struct topo_tenant *tenant = topology_find_tenant(topo,
                                                          &row->header_.uuid);
        if (tenant) {
            bool changed = topology_update_tenant(topo, tenant, row->name,
                                                  row->flow_key);
            if (memcmp(tenant->quota, quota, sizeof quota)) {
                memcpy(tenant->quota, quota, sizeof quota);
                changed = true;
            }
            if (changed) {
                /* Its networks' flows carry its key. */
                uuidset_insert(&c->tenants, &tenant->uuid);
                const struct topo_network *net;
                TOPO_TENANT_FOR_EACH_NETWORK (net, tenant) {
                    uuidset_insert(&c->networks, &net->uuid);
                }
                const struct topo_router *router;
                TOPO_TENANT_FOR_EACH_ROUTER (router, tenant) {
                    uuidset_insert(&c->routers, &router->uuid);
                }
            }
        } else if (weftrec_tenant_is_new(row)) {
            tenant = topology_add_tenant(topo, &row->header_.uuid, row->name,
                                         row->flow_key);
            memcpy(tenant->quota, quota, sizeof quota);
            uuidset_insert(&c->tenants, &tenant->uuid);
        } else {
            return "a modified tenant is missing";
        }
    }
    return NULL;
}

/* A network the loader skips takes its ports with it, and one it no longer
 * skips brings rows that did not change: both need a full load. */
static const char *
update_networks(struct ovsdb_idl *idl, struct topology *topo,
                struct topo_changes *c)
{
    const struct weftrec_network *row;
    WEFTREC_NETWORK_FOR_EACH_TRACKED (row, idl) {
        if (weftrec_network_is_deleted(row)) {
            continue;
        }
        const struct topo_tenant *tenant;
        enum topo_net_type type;
        if (!weft_db_network_from_row(topo, row, &tenant, &type)) {
            return "a network is skipped";
        }

        struct topo_network *net = topology_find_network(topo,
                                                         &row->header_.uuid);
        if (net) {
            if (net->router_port && net->tenant != tenant) {
                return "a network attached to a router changed tenant";
            }
            if (topology_update_network(topo, net, tenant, row->name, type,
                                        row->segment_id,
                                        weft_db_network_mtu(row),
                                        row->flow_key)) {
                uuidset_insert(&c->networks, &net->uuid);
            }
        } else if (weftrec_network_is_new(row)) {
            net = topology_add_network(topo, &row->header_.uuid, tenant,
                                       row->name, type, row->segment_id,
                                       weft_db_network_mtu(row),
                                       row->flow_key);
            uuidset_insert(&c->networks, &row->header_.uuid);
        } else {
            return "a modified network is missing";
        }

        struct topo_subnet subnet;
        bool changed;
        weft_db_network_subnet(row, &subnet);
        if (!topology_set_network_subnet(topo, net, &subnet, &changed)) {
            return "a network attached to a router lost its subnet";
        }
        if (changed) {
            /* The router's connected route and gateway change too. */
            uuidset_insert(&c->networks, &net->uuid);
            if (net->router_port) {
                note_router(c, net->router_port->router, false);
            }
        }
    }
    return NULL;
}

/* A port is skipped or kept exactly as the loader would; a modified port is
 * replaced (nothing points to a port). */
static const char *
update_ports(struct ovsdb_idl *idl, struct topology *topo,
             struct topo_changes *c)
{
    const struct weftrec_port *row;
    WEFTREC_PORT_FOR_EACH_TRACKED (row, idl) {
        if (weftrec_port_is_deleted(row)) {
            continue;
        }
        struct topo_port *port = topology_find_port(topo, &row->header_.uuid);
        struct weft_db_port spec;
        if (!weft_db_port_from_row(topo, row, &spec)) {
            if (port) {
                note_port(c, port);
                remove_port(topo, port, c);
            }
            continue;
        }
        if (port && weft_db_port_equals(port, row, &spec)) {
            weft_db_port_destroy(&spec);
            if (weft_db_port_set_mappings(topo, port, row)
                | weft_db_port_set_sgs(topo, port, row, c)) {
                note_port(c, port);
            }
            continue;
        }
        if (port) {
            note_port(c, port);
            remove_port(topo, port, c);
        }
        port = weft_db_port_add(topo, row, &spec);
        note_port(c, port);
        weft_db_note_port_sgs(port, c);
        weft_db_port_destroy(&spec);
    }
    return NULL;
}

/* Routers after the networks they attach to.  A router the loader skips
 * (no tenant: not possible through the schema) needs a full load. */
static const char *
update_routers(struct ovsdb_idl *idl, struct topology *topo,
               struct topo_changes *c)
{
    const struct weftrec_router *row;
    WEFTREC_ROUTER_FOR_EACH_TRACKED (row, idl) {
        if (weftrec_router_is_deleted(row)) {
            continue;
        }
        const struct topo_tenant *tenant;
        if (!weft_db_router_from_row(topo, row, &tenant)) {
            return "a router is skipped";
        }
        struct topo_router *router = topology_find_router(
            topo, &row->header_.uuid);
        bool changed = false;
        if (router) {
            changed = topology_update_router(topo, router, tenant, row->name,
                                             row->flow_key);
        } else if (weftrec_router_is_new(row)) {
            router = topology_add_router(topo, &row->header_.uuid, tenant,
                                         row->name, row->flow_key);
            changed = true;
        } else {
            return "a modified router is missing";
        }

        struct topo_route *routes;
        size_t n = weft_db_router_routes(row, &routes);
        changed |= topology_set_router_routes(topo, router, routes, n);
        free(routes);
        changed |= topology_set_router_snat(router, row->snat);

        if (!router_networks_match(router, row)) {
            const struct topo_network **nets;
            struct eth_addr *macs;
            n = weft_db_router_networks(topo, router, row, &nets, &macs);
            note_router(c, router, true);       /* The networks it leaves. */
            bool ok = topology_set_router_networks(topo, router, nets, macs,
                                                   n);
            free(nets);
            free(macs);
            if (!ok) {
                return "a router's attachments cannot be set";
            }
            note_router(c, router, true);       /* The networks it joins. */
        }
        if (changed) {
            note_router(c, router, false);
        }
    }
    return NULL;
}

static const char *
patch_topology(struct ovsdb_idl *idl, struct topology *topo,
               struct topo_changes *c)
{
    const char *(*const phases[])(struct ovsdb_idl *, struct topology *,
                                  struct topo_changes *) = {
        delete_ports, weft_db_delete_services, delete_routers,
        weft_db_delete_fips, weft_db_delete_sgs, delete_others,
        weft_db_delete_pools, update_hosts, update_tenants,
        weft_db_update_sgs, update_networks, update_ports,
        update_routers, weft_db_update_pools, weft_db_update_fips,
        weft_db_update_services,
    };
    const char *reason = weft_db_full_load_reason(idl, topo);
    for (size_t i = 0; !reason && i < ARRAY_SIZE(phases); i++) {
        reason = phases[i](idl, topo, c);
    }
    if (!reason) {
        reason = weft_db_check_emptied(idl, topo);
    }
    if (!reason) {
        int mtu = weft_db_underlay_mtu(idl);
        if (mtu != topo->underlay_mtu) {
            /* Every network's default MTU follows it. */
            topo->underlay_mtu = mtu;
            c->all = true;
        }
    }
    return reason;
}

void
weft_db_update_topology(struct ovsdb_idl *idl, struct topology *topo,
                        struct topo_changes *changes)
{
    weft_db_update_copy(idl, topo, changes, NULL);
}

void
weft_db_update_copy(struct ovsdb_idl *idl, struct topology *topo,
                    struct topo_changes *changes, const char *copy)
{
    topo_changes_clear(changes);
    const char *reason = patch_topology(idl, topo, changes);
    if (reason) {
        if (copy) {
            VLOG_INFO("%s: full load: %s", copy, reason);
        } else {
            VLOG_INFO("full load of the desired state: %s", reason);
        }
        topology_destroy(topo);
        topology_init(topo);
        weft_db_load_topology(idl, topo);
        topo_changes_clear(changes);
        changes->all = true;
    } else if (!topo_changes_is_empty(changes) && !copy) {
        /* tests/sim/test-db-update.sh reads these (the routers only when
         * some changed, so that the other lines keep their form). */
        size_t n_routers = uuidset_count(&changes->routers);
        size_t n_pools = uuidset_count(&changes->pools);
        size_t n_fips = uuidset_count(&changes->fips);
        size_t n_services = uuidset_count(&changes->services);
        size_t n_sgs = uuidset_count(&changes->sgs);
        char *routers = (n_routers
                         ? xasprintf(", %"PRIuSIZE" routers", n_routers)
                         : xstrdup(""));
        char *nat = (n_pools || n_fips
                     ? xasprintf(", %"PRIuSIZE" pools, %"PRIuSIZE" fips",
                                 n_pools, n_fips)
                     : xstrdup(""));
        char *svcs = (n_services
                      ? xasprintf(", %"PRIuSIZE" services", n_services)
                      : xstrdup(""));
        char *sgs = (n_sgs ? xasprintf(", %"PRIuSIZE" sgs", n_sgs)
                           : xstrdup(""));
        VLOG_DBG("desired state patched: changed %"PRIuSIZE" hosts, "
                 "%"PRIuSIZE" tenants, %"PRIuSIZE" networks, %"PRIuSIZE
                 " ports, %"PRIuSIZE" port hosts%s%s%s%s%s",
                 uuidset_count(&changes->hosts),
                 uuidset_count(&changes->tenants),
                 uuidset_count(&changes->networks),
                 uuidset_count(&changes->ports),
                 uuidset_count(&changes->port_hosts),
                 changes->all ? ", all (underlay MTU)" : "",
                 routers, nat, svcs, sgs);
        free(sgs);
        free(svcs);
        free(routers);
        free(nat);
    }
    ovsdb_idl_track_clear(idl);
}

char *
weft_db_check_topology(struct ovsdb_idl *idl, const struct topology *topo)
{
    struct topology fresh;
    topology_init(&fresh);
    weft_db_load_topology(idl, &fresh);
    char *want = topology_format(&fresh);
    char *have = topology_format(topo);
    topology_destroy(&fresh);

    char *error = NULL;
    if (strcmp(want, have)) {
        /* The first line that differs, from each. */
        size_t i = 0, line = 0;
        while (want[i] && want[i] == have[i]) {
            if (want[i++] == '\n') {
                line = i;
            }
        }
        error = xasprintf("patched topology differs from a full load:\n"
                          "  full load: %.*s\n  patched:   %.*s",
                          (int) strcspn(want + line, "\n"), want + line,
                          (int) strcspn(have + line, "\n"), have + line);
    }
    free(want);
    free(have);
    return error;
}
