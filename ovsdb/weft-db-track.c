/* weft-db-track: what weftd follows of weft's database (the IDL's change
 * tracking, weft_db_track_changes() in weft-db.h) and whether the tracked
 * changes can be applied to the topology in place: the signs of a resync
 * that dropped deletions (a row the topology holds reported new again, a
 * table whose rows are all new, a table emptied), after which
 * weft-db-update.c loads the topology whole instead of patching it.
 *
 * In the pipeline: database change -> (this check) -> weft-db-update.c's
 * patch of the desired state. */
#include <config.h>

#include "weft-db.h"

#include "openvswitch/hmap.h"
#include "ovsdb-idl.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"
#include "weft-db-rows.h"
#include "weft-idl.h"

/* Incremental update.
 *
 * weft_db_update_topology() reads the IDL's change tracking.  The columns it
 * follows are those the loader reads, plus all of Weft_Global (one row),
 * except Host status:external_gateway_mac (weftd resolves that MAC and
 * keeps its own topology's copy: the loader reads it at a full load only).
 * A change to any other column (weftd's status, external_ids, a tenant's token)
 * is not tracked, so it costs nothing here.  A change to a followed column
 * also marks every row that references the changed row (OVS's IDL does
 * that): the update compares those with the topology and ignores them when
 * nothing the topology holds changed. */
static const struct ovsdb_idl_column *const tracked_columns[] = {
    &weftrec_host_col_name,
    &weftrec_host_col_ovsdb_remote,
    &weftrec_host_col_openflow_remote,
    &weftrec_host_col_tunnel_ip,
    &weftrec_host_col_datapath_type,
    &weftrec_host_col_uplink,
    &weftrec_host_col_external_iface,
    &weftrec_host_col_external_ip,
    &weftrec_host_col_external_gateway,
    &weftrec_tenant_col_name,
    &weftrec_tenant_col_flow_key,
    &weftrec_tenant_col_quota,
    &weftrec_network_col_tenant,
    &weftrec_network_col_name,
    &weftrec_network_col_type,
    &weftrec_network_col_segment_id,
    &weftrec_network_col_mtu,
    &weftrec_network_col_flow_key,
    &weftrec_network_col_cidr,
    &weftrec_network_col_gateway,
    &weftrec_port_col_network,
    &weftrec_port_col_host,
    &weftrec_port_col_name,
    &weftrec_port_col_iface,
    &weftrec_port_col_mac,
    &weftrec_port_col_ips,
    &weftrec_port_col_flow_key,
    &weftrec_port_col_mappings,
    &weftrec_port_col_security_groups,
    &weftrec_router_col_tenant,
    &weftrec_router_col_name,
    &weftrec_router_col_flow_key,
    &weftrec_router_col_networks,
    &weftrec_router_col_routes,
    &weftrec_router_col_snat,
    &weftrec_pool_col_name,
    &weftrec_pool_col_cidr,
    &weftrec_floating_ip_col_tenant,
    &weftrec_floating_ip_col_pool,
    &weftrec_floating_ip_col_ip,
    &weftrec_floating_ip_col_port,
    &weftrec_service_col_tenant,
    &weftrec_service_col_router,
    &weftrec_service_col_name,
    &weftrec_service_col_flow_key,
    &weftrec_service_col_vip,
    &weftrec_service_col_port,
    &weftrec_service_col_proto,
    &weftrec_service_col_node_port,
    &weftrec_service_col_backends,
    &weftrec_service_col_weights,
    &weftrec_service_col_down,
    &weftrec_security_group_col_tenant,
    &weftrec_security_group_col_name,
    &weftrec_security_group_col_rules,
    &weftrec_security_rule_col_rule_id,
    &weftrec_security_rule_col_flow_key,
    &weftrec_security_rule_col_direction,
    &weftrec_security_rule_col_proto,
    &weftrec_security_rule_col_port_min,
    &weftrec_security_rule_col_port_max,
    &weftrec_security_rule_col_remote_cidr,
    &weftrec_security_rule_col_remote_group,
    &weftrec_weft_global_col_nb_cfg,
    &weftrec_weft_global_col_options,
    &weftrec_weft_global_col_external_ids,
};

void
weft_db_track_changes(struct ovsdb_idl *idl)
{
    for (size_t i = 0; i < ARRAY_SIZE(tracked_columns); i++) {
        ovsdb_idl_track_add_column(idl, tracked_columns[i]);
    }
}

static bool
row_is_new(const struct ovsdb_idl_row *row)
{
    return ovsdb_idl_row_get_seqno(row, OVSDB_IDL_CHANGE_INSERT) > 0;
}

static bool
row_is_deleted(const struct ovsdb_idl_row *row)
{
    return ovsdb_idl_row_get_seqno(row, OVSDB_IDL_CHANGE_DELETE) > 0;
}

static bool
topo_holds_host(const struct topology *t, const struct uuid *u)
{
    return topology_find_host(t, u) != NULL;
}

static bool
topo_holds_tenant(const struct topology *t, const struct uuid *u)
{
    return topology_find_tenant(t, u) != NULL;
}

static bool
topo_holds_network(const struct topology *t, const struct uuid *u)
{
    return topology_find_network(t, u) != NULL;
}

static bool
topo_holds_port(const struct topology *t, const struct uuid *u)
{
    return topology_find_port(t, u) != NULL;
}

static bool
topo_holds_router(const struct topology *t, const struct uuid *u)
{
    return topology_find_router(t, u) != NULL;
}

static bool
topo_holds_pool(const struct topology *t, const struct uuid *u)
{
    return topology_find_pool(t, u) != NULL;
}

static bool
topo_holds_fip(const struct topology *t, const struct uuid *u)
{
    return topology_find_fip(t, u) != NULL;
}

static bool
topo_holds_service(const struct topology *t, const struct uuid *u)
{
    return topology_find_service(t, u) != NULL;
}

static bool
topo_holds_sg(const struct topology *t, const struct uuid *u)
{
    return topology_find_sg(t, u) != NULL;
}

static const struct {
    const struct ovsdb_idl_table_class *class;
    bool (*holds)(const struct topology *, const struct uuid *);
} topo_tables[] = {
    { &weftrec_table_host, topo_holds_host },
    { &weftrec_table_tenant, topo_holds_tenant },
    { &weftrec_table_network, topo_holds_network },
    { &weftrec_table_port, topo_holds_port },
    { &weftrec_table_router, topo_holds_router },
    { &weftrec_table_pool, topo_holds_pool },
    { &weftrec_table_floating_ip, topo_holds_fip },
    { &weftrec_table_service, topo_holds_service },
    { &weftrec_table_security_group, topo_holds_sg },
    { &weftrec_table_weft_global, NULL },
};

/* True if 'class''s rows in 'idl' are all new since the tracking was last
 * cleared, and there is at least one.  Stops at the first old row: cheap
 * unless most rows are new. */
static bool
all_rows_new(struct ovsdb_idl *idl, const struct ovsdb_idl_table_class *class)
{
    const struct ovsdb_idl_row *row = ovsdb_idl_first_row(idl, class);
    if (!row) {
        return false;
    }
    for (; row; row = ovsdb_idl_next_row(row)) {
        if (!row_is_new(row)) {
            return false;
        }
    }
    return true;
}

/* Number of rows of 'class' that 'topo' holds. */
static size_t
table_count(const struct topology *topo,
            const struct ovsdb_idl_table_class *class)
{
    return (class == &weftrec_table_host ? hmap_count(&topo->hosts)
            : class == &weftrec_table_tenant ? hmap_count(&topo->tenants)
            : class == &weftrec_table_network ? hmap_count(&topo->networks)
            : class == &weftrec_table_port ? hmap_count(&topo->ports)
            : class == &weftrec_table_router ? hmap_count(&topo->routers)
            : class == &weftrec_table_pool ? hmap_count(&topo->pools)
            : class == &weftrec_table_floating_ip ? hmap_count(&topo->fips)
            : class == &weftrec_table_service ? hmap_count(&topo->services)
            : class == &weftrec_table_security_group ? hmap_count(&topo->sgs)
            : 0);
}

/* Why the tracked changes in 'idl' cannot be applied to 'topo' in place, or
 * NULL.  When the IDL reconnects to a server that cannot send only what
 * changed meanwhile, it drops every row and receives them all again as new,
 * and the rows deleted meanwhile are never reported.  A new row that the
 * topology already holds tells that, and so does a table whose rows are all
 * new while the topology holds some of them (that one also catches a
 * database replaced while weftd was away; a table the topology holds no row
 * of has nothing to miss, and its first rows are patched in). */
const char *
weft_db_full_load_reason(struct ovsdb_idl *idl, const struct topology *topo)
{
    if (!hmap_count(&topo->hosts) && !hmap_count(&topo->tenants)
        && !hmap_count(&topo->networks) && !hmap_count(&topo->ports)
        && !hmap_count(&topo->routers) && !hmap_count(&topo->pools)
        && !hmap_count(&topo->fips) && !hmap_count(&topo->services)) {
        return "first load";
    }
    for (size_t i = 0; i < ARRAY_SIZE(topo_tables); i++) {
        const struct ovsdb_idl_row *row;
        for (row = ovsdb_idl_track_get_first(idl, topo_tables[i].class); row;
             row = ovsdb_idl_track_get_next(row)) {
            if (topo_tables[i].holds && row_is_new(row)
                && !row_is_deleted(row)
                && topo_tables[i].holds(topo, &row->uuid)) {
                return "a row the topology holds came again (resync)";
            }
        }
        /* Only if the topology holds rows of the table: when a table's
         * first rows are created (the first port, say), they are patched
         * in; a full load would report every host as changed, and the REST
         * API's ?wait=installed would wait for all of them. */
        if ((!topo_tables[i].holds
             || table_count(topo, topo_tables[i].class))
            && all_rows_new(idl, topo_tables[i].class)) {
            return "all rows of a table are new";
        }
    }
    return NULL;
}

/* A table the database has emptied must be empty in the topology too (the
 * deletions may have happened while the IDL was away). */
const char *
weft_db_check_emptied(struct ovsdb_idl *idl, const struct topology *topo)
{
    if ((!weftrec_host_first(idl) && hmap_count(&topo->hosts))
        || (!weftrec_tenant_first(idl) && hmap_count(&topo->tenants))
        || (!weftrec_network_first(idl) && hmap_count(&topo->networks))
        || (!weftrec_port_first(idl) && hmap_count(&topo->ports))
        || (!weftrec_router_first(idl) && hmap_count(&topo->routers))
        || (!weftrec_pool_first(idl) && hmap_count(&topo->pools))
        || (!weftrec_floating_ip_first(idl) && hmap_count(&topo->fips))
        || (!weftrec_service_first(idl) && hmap_count(&topo->services))
        || (!weftrec_security_group_first(idl) && hmap_count(&topo->sgs))) {
        return "the topology holds rows of a table the database emptied";
    }
    return NULL;
}
