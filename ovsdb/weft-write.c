/* weft-write: turns one change to weft's desired state, once validated,
 * into an OVSDB transaction on weft's database (weft-write.h).  The third
 * step of a write: the checks are all in topology/ (request.h, validate.h);
 * this file only writes the plan that weft_request_validate() made.
 * It is the end of the request stage of weft's pipeline (request ->
 * desired state -> compile -> push): weftd loads the rows it writes as the
 * topology. */
#include <config.h>

#include "weft-write.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ovsdb-idl.h"
#include "packets.h"
#include "smap.h"
#include "svec.h"
#include "topology.h"
#include "util.h"
#include "validate.h"
#include "weft-idl.h"
#include "weft-write-security.h"
#include "weft-write-services.h"

/* Writes the canonical text of external side 'ext' ('ext->iface' NULL:
 * none) into the Host row. */
static void
set_external__(const struct weftrec_host *row,
               const struct topo_external *ext)
{
    char *ip = ext->iface ? xasprintf(IP_FMT"/%d", IP_ARGS(ext->ip),
                                      ext->plen) : NULL;
    char *gw = ext->iface ? xasprintf(IP_FMT, IP_ARGS(ext->gateway)) : NULL;
    weftrec_host_set_external_iface(row, ext->iface);
    weftrec_host_set_external_ip(row, ip);
    weftrec_host_set_external_gateway(row, gw);
    free(ip);
    free(gw);
}

/* Makes 'txn' conflict with every other write that bumps the counter 'key'
 * of the same row's external_ids 'ids' (which 'verify' verifies): stores
 * in '*new' a copy of 'ids' with the counter one higher, for the caller
 * to set. */
static void
bump_gen_ids__(const struct smap *ids, const char *key, struct smap *new)
{
    unsigned long long gen = smap_get_ullong(ids, key, 0);
    smap_clone(new, ids);
    smap_replace_nocopy(new, key, xasprintf("%llu", gen + 1));
}

/* Two clients that picked the same free address of 'pool' conflict: the
 * second to commit gets TRY_AGAIN, and weft-txn's retry validates again
 * and allocates the next one (like weft-ip-gen, below). */
static void
bump_fip_gen__(const struct topo_pool *pool, struct ovsdb_idl *idl)
{
    const struct weftrec_pool *row = weftrec_pool_get_for_uuid(idl,
                                                               &pool->uuid);
    if (row) {
        struct smap ids;
        weftrec_pool_verify_external_ids(row);
        bump_gen_ids__(&row->external_ids, "weft-fip-gen", &ids);
        weftrec_pool_set_external_ids(row, &ids);
        smap_destroy(&ids);
    }
}

/* The same for the host ports of 'host': two clients mapping the same
 * (proto, host port) on ports of one host conflict. */
static void
bump_map_gen__(const struct topo_host *host, struct ovsdb_idl *idl)
{
    const struct weftrec_host *row = weftrec_host_get_for_uuid(idl,
                                                               &host->uuid);
    if (row) {
        struct smap ids;
        weftrec_host_verify_external_ids(row);
        bump_gen_ids__(&row->external_ids, "weft-map-gen", &ids);
        weftrec_host_set_external_ids(row, &ids);
        smap_destroy(&ids);
    }
}

static void
host_add__(const struct weft_plan *plan, struct ovsdb_idl_txn *txn)
{
    const struct weft_request *req = plan->req;
    const struct weftrec_host *row = weftrec_host_insert(txn);
    weftrec_host_set_name(row, req->path[0]);
    weftrec_host_set_ovsdb_remote(row, req->remote);
    if (req->openflow_remote) {
        weftrec_host_set_openflow_remote(row, req->openflow_remote);
    }
    if (req->tunnel_ip) {
        char *s = xasprintf(IP_FMT, IP_ARGS(plan->tunnel_ip));
        weftrec_host_set_tunnel_ip(row, s);
        free(s);
    }
    weftrec_host_set_datapath_type(row, req->datapath_type
                                        ? req->datapath_type
                                        : TOPO_DATAPATH_DEFAULT);
    if (req->uplink) {
        weftrec_host_set_uplink(row, req->uplink);
    }
    set_external__(row, &plan->ext);
    /* weftd owns these; start them at "nothing known yet". */
    weftrec_host_set_ovsdb_connected(row, false);
    weftrec_host_set_openflow_connected(row, false);
    weftrec_host_set_cur_cfg(row, 0);
}

/* The external side set or removed.  A next hop's MAC that weftd resolved
 * (status:external_gateway_mac) means nothing for another next hop: it is
 * removed with it, so that a restarted weftd never loads a stale one. */
static void
host_set__(const struct weft_plan *plan, struct ovsdb_idl *idl)
{
    if (!plan->ext_given) {
        return;
    }
    const struct weftrec_host *row = weftrec_host_get_for_uuid(
        idl, &plan->host->uuid);
    const struct topo_external *old = &plan->host->ext;
    set_external__(row, &plan->ext);
    /* (Only a key that exists: the IDL refuses to delete a missing one.) */
    if ((!plan->ext.iface || !old->iface
         || old->gateway != plan->ext.gateway)
        && smap_get(&row->status, "external_gateway_mac")) {
        weftrec_host_update_status_delkey(row, "external_gateway_mac");
    }
}

static void
pool_add__(const struct weft_plan *plan, struct ovsdb_idl_txn *txn)
{
    const struct weftrec_pool *row = weftrec_pool_insert(txn);
    char *cidr = xasprintf(IP_FMT"/%d", IP_ARGS(plan->pool_prefix),
                           plan->pool_plen);
    weftrec_pool_set_name(row, plan->req->path[0]);
    weftrec_pool_set_cidr(row, cidr);
    free(cidr);
}

static void
fip_add__(const struct weft_plan *plan, struct ovsdb_idl *idl,
          struct ovsdb_idl_txn *txn)
{
    const struct weftrec_floating_ip *row = weftrec_floating_ip_insert(txn);
    char *ip = xasprintf(IP_FMT, IP_ARGS(plan->fip_ip));
    weftrec_floating_ip_set_tenant(row, weftrec_tenant_get_for_uuid(
                                            idl, &plan->tenant->uuid));
    weftrec_floating_ip_set_pool(row, weftrec_pool_get_for_uuid(
                                          idl, &plan->pool->uuid));
    weftrec_floating_ip_set_ip(row, ip);
    if (plan->target) {
        weftrec_floating_ip_set_port(row, weftrec_port_get_for_uuid(
                                              idl, &plan->target->uuid));
    }
    free(ip);
    bump_fip_gen__(plan->pool, idl);
}

/* FIP_DEL, FIP_SET. */
static void
fip_modify__(const struct weft_plan *plan, struct ovsdb_idl *idl)
{
    const struct weftrec_floating_ip *row = weftrec_floating_ip_get_for_uuid(
        idl, &plan->fip->uuid);
    if (plan->req->op == WEFT_OP_FIP_DEL) {
        weftrec_floating_ip_delete(row);
        bump_fip_gen__(plan->fip->pool, idl);
    } else {
        weftrec_floating_ip_set_port(
            row, (plan->target
                  ? weftrec_port_get_for_uuid(idl, &plan->target->uuid)
                  : NULL));
    }
}

/* MAP_ADD, MAP_DEL: one key of the port's mappings, "PROTO/HOST_PORT". */
static void
map_modify__(const struct weft_plan *plan, struct ovsdb_idl *idl)
{
    const struct weftrec_port *row = weftrec_port_get_for_uuid(
        idl, &plan->port->uuid);
    const struct topo_mapping *m = &plan->mapping;
    char *key = topo_mapping_key(m->proto, m->host_port);
    if (plan->req->op == WEFT_OP_MAP_ADD) {
        weftrec_port_update_mappings_setkey(row, key, m->port);
        bump_map_gen__(plan->port->host, idl);
    } else {
        weftrec_port_update_mappings_delkey(row, key);
    }
    free(key);
}

static void
tenant_add__(const struct weft_plan *plan, struct ovsdb_idl_txn *txn)
{
    const struct weftrec_tenant *row = weftrec_tenant_insert(txn);
    weftrec_tenant_set_name(row, plan->req->path[0]);
    weftrec_tenant_set_flow_key(row, plan->key);
    if (plan->req->token_hash) {
        weftrec_tenant_set_token_hash(row, plan->req->token_hash);
    }
}

/* Quota overrides: an admin raises or lowers a tenant's limits.  Lowering
 * one below the usage deletes nothing; it refuses new objects. */
static void
tenant_set__(const struct weft_plan *plan, struct ovsdb_idl *idl)
{
    const struct weftrec_tenant *row
        = weftrec_tenant_get_for_uuid(idl, &plan->tenant->uuid);

    /* The new map: the row's overrides, each kept, replaced or removed as
     * the plan says, then the plan's new ones. */
    size_t max = row->n_quota + N_TOPO_QUOTAS;
    const char **keys = xmalloc((max + 1) * sizeof *keys);
    int64_t *values = xmalloc((max + 1) * sizeof *values);
    size_t n = 0;
    bool done[N_TOPO_QUOTAS] = { false };
    for (size_t i = 0; i < row->n_quota; i++) {
        enum topo_quota q;
        if (!topo_quota_from_string(row->key_quota[i], &q) || done[q]) {
            continue;
        }
        done[q] = true;
        if (plan->quota_change[q] != WEFT_QUOTA_DEFAULT) {
            keys[n] = topo_quota_name(q);
            values[n++] = (plan->quota_change[q] == WEFT_QUOTA_SET
                           ? plan->quota_limit[q] : row->value_quota[i]);
        }
    }
    for (enum topo_quota q = 0; q < N_TOPO_QUOTAS; q++) {
        if (!done[q] && plan->quota_change[q] == WEFT_QUOTA_SET) {
            keys[n] = topo_quota_name(q);
            values[n++] = plan->quota_limit[q];
        }
    }
    weftrec_tenant_set_quota(row, keys, values, n);
    free(keys);
    free(values);
}

static void
net_add__(const struct weft_plan *plan, struct ovsdb_idl *idl,
          struct ovsdb_idl_txn *txn)
{
    const struct weftrec_network *row = weftrec_network_insert(txn);
    weftrec_network_set_tenant(row, weftrec_tenant_get_for_uuid(
                                        idl, &plan->tenant->uuid));
    weftrec_network_set_name(row, plan->req->path[1]);
    weftrec_network_set_type(row, topo_net_type_to_string(plan->type));
    weftrec_network_set_segment_id(row, plan->segment_id);
    if (plan->mtu) {
        int64_t mtu64 = plan->mtu;
        weftrec_network_set_mtu(row, &mtu64, 1);
    }
    weftrec_network_set_flow_key(row, plan->key);
    if (plan->subnet.plen) {
        /* Canonical text: the gateway is always written, the default
         * included, so that readers need not compute it. */
        const struct topo_subnet *sn = &plan->subnet;
        char *cidr = xasprintf(IP_FMT"/%d", IP_ARGS(sn->prefix), sn->plen);
        char *gw = xasprintf(IP_FMT, IP_ARGS(sn->gateway));
        weftrec_network_set_cidr(row, cidr);
        weftrec_network_set_gateway(row, gw);
        free(cidr);
        free(gw);
    }
}

/* Makes 'txn' conflict with every other write that adds or deletes a port
 * of 'net' (a network with a subnet): it verifies the network's
 * external_ids and bumps its "weft-ip-gen" counter.  Of two clients that
 * picked the same free address, the second to commit gets TRY_AGAIN, and
 * weft-txn's retry validates again and allocates the next one. */
static void
bump_ip_gen__(const struct topo_network *net, struct ovsdb_idl *idl)
{
    if (!net->subnet.plen) {
        return;
    }
    const struct weftrec_network *row = weftrec_network_get_for_uuid(
        idl, &net->uuid);
    if (!row) {
        return;
    }
    weftrec_network_verify_external_ids(row);
    unsigned long long gen = smap_get_ullong(&row->external_ids,
                                             "weft-ip-gen", 0);
    struct smap ids;
    smap_clone(&ids, &row->external_ids);
    smap_replace_nocopy(&ids, "weft-ip-gen", xasprintf("%llu", gen + 1));
    weftrec_network_set_external_ids(row, &ids);
    smap_destroy(&ids);
}

static void
router_add__(const struct weft_plan *plan, struct ovsdb_idl *idl,
             struct ovsdb_idl_txn *txn)
{
    const struct weftrec_router *row = weftrec_router_insert(txn);
    weftrec_router_set_tenant(row, weftrec_tenant_get_for_uuid(
                                       idl, &plan->tenant->uuid));
    weftrec_router_set_name(row, plan->req->path[1]);
    weftrec_router_set_flow_key(row, plan->key);
    weftrec_router_set_snat(row, plan->snat == 1);
}

/* Attach, detach, route add and delete: one key of one of the router's
 * maps each. */
static void
router_modify__(const struct weft_plan *plan, struct ovsdb_idl *idl)
{
    const struct weftrec_router *row = weftrec_router_get_for_uuid(
        idl, &plan->router->uuid);
    const struct topo_route *r = &plan->route;
    char *prefix = xasprintf(IP_FMT"/%d", IP_ARGS(r->prefix), r->plen);
    switch (plan->req->op) {
    case WEFT_OP_ROUTER_ATTACH: {
        char mac_s[ETH_ADDR_STRLEN + 1];
        snprintf(mac_s, sizeof mac_s, ETH_ADDR_FMT, ETH_ADDR_ARGS(plan->mac));
        weftrec_router_update_networks_setkey(
            row, weftrec_network_get_for_uuid(idl, &plan->attach_net->uuid),
            mac_s);
        break;
    }
    case WEFT_OP_ROUTER_DETACH:
        weftrec_router_update_networks_delkey(
            row, weftrec_network_get_for_uuid(idl,
                                              &plan->attach_net->uuid));
        break;
    case WEFT_OP_ROUTE_ADD: {
        char *nexthop = xasprintf(IP_FMT, IP_ARGS(r->nexthop));
        weftrec_router_update_routes_setkey(row, prefix, nexthop);
        free(nexthop);
        break;
    }
    case WEFT_OP_ROUTE_DEL:
        weftrec_router_update_routes_delkey(row, prefix);
        break;
    default:
        OVS_NOT_REACHED();
    }
    free(prefix);
}

static void
port_add__(const struct weft_plan *plan, struct ovsdb_idl *idl,
           struct ovsdb_idl_txn *txn)
{
    const struct weft_request *req = plan->req;
    const struct weftrec_port *row = weftrec_port_insert(txn);
    weftrec_port_set_network(row, weftrec_network_get_for_uuid(
                                      idl, &plan->net->uuid));
    weftrec_port_set_host(row, weftrec_host_get_for_uuid(idl,
                                                         &plan->host->uuid));
    weftrec_port_set_name(row, req->path[2]);
    weftrec_port_set_iface(row, req->iface);

    /* Store canonical text, so the database never holds two spellings of
     * one address. */
    char mac_s[ETH_ADDR_STRLEN + 1];
    snprintf(mac_s, sizeof mac_s, ETH_ADDR_FMT, ETH_ADDR_ARGS(plan->mac));
    weftrec_port_set_mac(row, mac_s);

    struct svec ip_strings = SVEC_EMPTY_INITIALIZER;
    for (size_t i = 0; i < plan->n_ips; i++) {
        svec_add_nocopy(&ip_strings,
                        xasprintf(IP_FMT, IP_ARGS(plan->ips[i])));
    }
    for (size_t i = 0; i < plan->n_ip6s; i++) {
        char buf[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &plan->ip6s[i], buf, sizeof buf);
        svec_add(&ip_strings, buf);
    }
    weftrec_port_set_ips(row, (const char **) ip_strings.names,
                         ip_strings.n);
    svec_destroy(&ip_strings);

    weftrec_port_set_flow_key(row, plan->key);
    bump_ip_gen__(plan->net, idl);
}

/* Writes 'plan' into 'txn'.  Nothing here can fail. */
static void
write_plan__(const struct weft_plan *plan, struct ovsdb_idl *idl,
             struct ovsdb_idl_txn *txn)
{
    switch (plan->req->op) {
    case WEFT_OP_HOST_ADD:
        host_add__(plan, txn);
        break;
    case WEFT_OP_HOST_DEL:
        weftrec_host_delete(weftrec_host_get_for_uuid(idl,
                                                      &plan->host->uuid));
        break;
    case WEFT_OP_TENANT_ADD:
        tenant_add__(plan, txn);
        break;
    case WEFT_OP_TENANT_DEL:
        weftrec_tenant_delete(weftrec_tenant_get_for_uuid(
                                  idl, &plan->tenant->uuid));
        break;
    case WEFT_OP_TENANT_TOKEN:
        /* Token rotation: the tenant's old token stops working at once. */
        weftrec_tenant_set_token_hash(
            weftrec_tenant_get_for_uuid(idl, &plan->tenant->uuid),
            plan->req->token_hash);
        break;
    case WEFT_OP_TENANT_SET:
        tenant_set__(plan, idl);
        break;
    case WEFT_OP_NET_ADD:
        net_add__(plan, idl, txn);
        break;
    case WEFT_OP_NET_DEL:
        weftrec_network_delete(weftrec_network_get_for_uuid(
                                   idl, &plan->net->uuid));
        break;
    case WEFT_OP_PORT_ADD:
        port_add__(plan, idl, txn);
        break;
    case WEFT_OP_PORT_DEL:
        weftrec_port_delete(weftrec_port_get_for_uuid(idl,
                                                      &plan->port->uuid));
        bump_ip_gen__(plan->net, idl);
        break;
    case WEFT_OP_ROUTER_ADD:
        router_add__(plan, idl, txn);
        break;
    case WEFT_OP_ROUTER_DEL:
        weftrec_router_delete(weftrec_router_get_for_uuid(
                                  idl, &plan->router->uuid));
        break;
    case WEFT_OP_ROUTER_ATTACH:
    case WEFT_OP_ROUTER_DETACH:
    case WEFT_OP_ROUTE_ADD:
    case WEFT_OP_ROUTE_DEL:
        router_modify__(plan, idl);
        break;
    case WEFT_OP_HOST_SET:
        host_set__(plan, idl);
        break;
    case WEFT_OP_ROUTER_SET:
        if (plan->snat >= 0) {
            weftrec_router_set_snat(weftrec_router_get_for_uuid(
                                        idl, &plan->router->uuid),
                                    plan->snat);
        }
        break;
    case WEFT_OP_POOL_ADD:
        pool_add__(plan, txn);
        break;
    case WEFT_OP_POOL_DEL:
        weftrec_pool_delete(weftrec_pool_get_for_uuid(idl,
                                                      &plan->pool->uuid));
        break;
    case WEFT_OP_FIP_ADD:
        fip_add__(plan, idl, txn);
        break;
    case WEFT_OP_FIP_DEL:
    case WEFT_OP_FIP_SET:
        fip_modify__(plan, idl);
        break;
    case WEFT_OP_MAP_ADD:
    case WEFT_OP_MAP_DEL:
        map_modify__(plan, idl);
        break;
    case WEFT_OP_SERVICE_ADD:
    case WEFT_OP_SERVICE_DEL:
    case WEFT_OP_SERVICE_SET:
    case WEFT_OP_BACKEND_ADD:
    case WEFT_OP_BACKEND_DEL:
    case WEFT_OP_BACKEND_SET:
        weft_write_service_plan(plan, idl, txn);
        break;
    case WEFT_OP_SG_ADD:
    case WEFT_OP_SG_DEL:
    case WEFT_OP_SG_RULE_ADD:
    case WEFT_OP_SG_RULE_DEL:
    case WEFT_OP_SG_MEMBER_ADD:
    case WEFT_OP_SG_MEMBER_DEL:
        weft_write_security_plan(plan, idl, txn);
        break;
    }
}

struct weft_error *
weft_write_build(const struct weft_request *req, struct ovsdb_idl *idl,
                 struct ovsdb_idl_txn *txn, const struct topology *topo)
{
    struct weft_plan plan;
    struct weft_error *error = weft_write_build_plan(req, idl, txn, topo,
                                                     &plan);
    weft_plan_destroy(&plan);
    return error;
}

struct weft_error *
weft_write_build_plan(const struct weft_request *req, struct ovsdb_idl *idl,
                      struct ovsdb_idl_txn *txn, const struct topology *topo,
                      struct weft_plan *plan)
{
    struct weft_error *error = weft_request_validate(req, topo, plan);
    if (!error) {
        write_plan__(plan, idl, txn);
    }
    return error;
}

int64_t
weft_write_next_cfg(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                    int64_t initial, bool *insertedp)
{
    const struct weftrec_weft_global *global = weftrec_weft_global_first(idl);
    int64_t nb_cfg;
    if (global) {
        ovsdb_idl_txn_verify(&global->header_,
                             &weftrec_weft_global_col_nb_cfg);
        nb_cfg = global->nb_cfg + 1;
        *insertedp = false;
    } else {
        global = weftrec_weft_global_insert(txn);
        nb_cfg = initial;
        *insertedp = true;
    }
    weftrec_weft_global_set_nb_cfg(global, nb_cfg);
    return nb_cfg;
}
