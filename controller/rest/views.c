/* views: the read side of weftd's REST API.  See views.h. */
#include <config.h>

#include "views.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cluster-status.h"
#include "nat-rows.h"
#include "pipeline.h"
#include "ovsdb-idl.h"
#include "routing-rows.h"
#include "sg-rows.h"
#include "smap.h"
#include "topology.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weft-txn.h"

static void
host_view_fill(struct api_host_view *v, const struct weftrec_host *row,
               bool admin)
{
    memset(v, 0, sizeof *v);
    v->name = xstrdup(row->name);
    if (admin) {
        /* Tenant admins see a host's name and state, not how weft reaches
         * it. */
        v->ovsdb_remote = xstrdup(row->ovsdb_remote);
        v->openflow_remote = nullable_xstrdup(row->openflow_remote);
        v->tunnel_ip = nullable_xstrdup(row->tunnel_ip);
        v->datapath_type = xstrdup(row->datapath_type);
        v->uplink = nullable_xstrdup(row->uplink);
        v->external_iface = nullable_xstrdup(row->external_iface);
        v->external_ip = nullable_xstrdup(row->external_ip);
        v->external_gateway = nullable_xstrdup(row->external_gateway);
        v->external_gateway_mac = nullable_xstrdup(
            row->external_iface ? nat_rows_gateway_mac(row) : NULL);
    }
    v->openflow_state = nullable_xstrdup(smap_get(&row->status,
                                                  "openflow_state"));
    v->ovsdb_connected = row->ovsdb_connected;
    v->openflow_connected = row->openflow_connected;
    v->cur_cfg = row->cur_cfg;
}

static void
network_view_fill(struct api_network_view *v,
                  const struct weftrec_network *row, struct ovsdb_idl *idl)
{
    v->tenant = xstrdup(row->tenant ? row->tenant->name : "?");
    v->name = xstrdup(row->name);
    v->type = xstrdup(row->type);
    v->segment_id = row->segment_id;
    v->key = row->flow_key;
    enum topo_net_type type;
    if (row->n_mtu) {
        v->mtu = row->mtu[0];
        v->mtu_default = false;
    } else if (topo_net_type_from_string(row->type, &type)) {
        v->mtu = weft_db_underlay_mtu(idl) - topo_encap_overhead(type);
        v->mtu_default = true;
    }
    char gw[ROUTING_ROWS_IP_LEN];
    const char *gateway = routing_rows_gateway(row, gw);
    const struct weftrec_router *router
        = routing_rows_network_router(idl, row, NULL);
    v->cidr = gateway ? xstrdup(row->cidr) : NULL;
    v->gateway = nullable_xstrdup(gateway);
    v->router = router ? xstrdup(router->name) : NULL;
}

static void
router_view_fill(struct api_router_view *v, const struct weftrec_router *row)
{
    v->tenant = xstrdup(row->tenant ? row->tenant->name : "?");
    v->name = xstrdup(row->name);
    v->key = row->flow_key;
    v->snat = row->snat;
    struct routing_rows_port *ports = routing_rows_ports(row, &v->n_ports);
    v->ports = xcalloc(v->n_ports + 1, sizeof *v->ports);
    for (size_t i = 0; i < v->n_ports; i++) {
        v->ports[i].network = xstrdup(ports[i].network);
        v->ports[i].ip = nullable_xstrdup(ports[i].ip);
        v->ports[i].mac = xstrdup(ports[i].mac);
    }
    free(ports);
    const char **prefixes = routing_rows_route_prefixes(row, &v->n_routes);
    v->routes = xcalloc(v->n_routes + 1, sizeof *v->routes);
    for (size_t i = 0; i < v->n_routes; i++) {
        v->routes[i].prefix = xstrdup(prefixes[i]);
        v->routes[i].nexthop = xstrdup(smap_get(&row->routes, prefixes[i]));
    }
    free(prefixes);
}

static void
port_view_fill(struct api_port_view *v, const struct weftrec_port *row)
{
    const struct weftrec_network *net = row->network;
    v->tenant = xstrdup(net && net->tenant ? net->tenant->name : "?");
    v->network = xstrdup(net ? net->name : "?");
    v->name = xstrdup(row->name);
    v->host = xstrdup(row->host ? row->host->name : "?");
    v->iface = xstrdup(row->iface);
    v->mac = xstrdup(row->mac);
    v->ips = xmalloc((row->n_ips + 1) * sizeof *v->ips);
    for (size_t i = 0; i < row->n_ips; i++) {
        v->ips[i] = xstrdup(row->ips[i]);
    }
    v->n_ips = row->n_ips;
    v->key = row->flow_key;
    /* Only a real OpenFlow port number (1-0xff00); OVS reports failures
     * as -1, which may come back as 4294967295. */
    v->ofport = (row->n_ofport && row->ofport[0] > 0
                 && row->ofport[0] < 0xff00 ? row->ofport[0] : -1);
    v->up = row->n_up ? row->up[0] : -1;
    v->error = nullable_xstrdup(row->error);
    const char **sgs;
    v->n_sgs = sg_rows_port_groups(row, &sgs);
    v->sgs = xcalloc(v->n_sgs + 1, sizeof *v->sgs);
    for (size_t i = 0; i < v->n_sgs; i++) {
        v->sgs[i] = xstrdup(sgs[i]);
    }
    free(sgs);
}

static int
compare_host_views(const void *a_, const void *b_)
{
    const struct api_host_view *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static int
compare_tenant_views(const void *a_, const void *b_)
{
    const struct api_tenant_view *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static int
compare_network_views(const void *a_, const void *b_)
{
    const struct api_network_view *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static int
compare_port_views(const void *a_, const void *b_)
{
    const struct api_port_view *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

struct weft_error *
api_find_tenant(struct ovsdb_idl *idl, const char *name,
                const struct weftrec_tenant **tenantp)
{
    *tenantp = weft_db_find_tenant(idl, name);
    return (*tenantp ? NULL
            : weft_error_format(WEFT_ERR_NOT_FOUND,
                                "tenant %s does not exist", name));
}

/* Resolves 'path' (tenant[, network[, port]], 'n' of them) to rows, storing
 * each in the nonnull out parameters.  Returns NOT_FOUND with the same
 * message as the write layer's if any is missing. */
static struct weft_error *
resolve_path(struct ovsdb_idl *idl, char *const path[], size_t n,
             const struct weftrec_tenant **tenantp,
             const struct weftrec_network **netp,
             const struct weftrec_port **portp)
{
    const struct weftrec_tenant *tenant;
    struct weft_error *error = api_find_tenant(idl, path[0], &tenant);
    if (error) {
        return error;
    }
    *tenantp = tenant;
    if (n < 2) {
        return NULL;
    }
    const struct weftrec_network *net = weft_db_find_network(idl, tenant,
                                                         path[1]);
    if (!net) {
        return weft_error_format(WEFT_ERR_NOT_FOUND,
                                 "network %s/%s does not exist",
                                 path[0], path[1]);
    }
    *netp = net;
    if (n < 3) {
        return NULL;
    }
    const struct weftrec_port *port = weft_db_find_port(idl, net, path[2]);
    if (!port) {
        return weft_error_format(WEFT_ERR_NOT_FOUND,
                                 "port %s/%s/%s does not exist",
                                 path[0], path[1], path[2]);
    }
    *portp = port;
    return NULL;
}

/* Fills 'call' with the quotas of 'row' and its usage of each. */
static struct weft_error *
quota_views_fill(const struct api_reader *r, struct api_call *call,
                 const struct weftrec_tenant *row)
{
    const struct topology *topo = weft_topo_cache_refresh(r->topo, r->idl);
    const struct topo_tenant *tenant
        = topology_find_tenant(topo, &row->header_.uuid);
    if (!tenant) {
        return weft_error_format(WEFT_ERR_INTERNAL, "tenant %s is not "
                                 "loaded", row->name);
    }
    call->quotas = xcalloc(N_TOPO_QUOTAS, sizeof *call->quotas);
    call->n_quotas = N_TOPO_QUOTAS;
    for (size_t q = 0; q < N_TOPO_QUOTAS; q++) {
        struct api_quota_view *v = &call->quotas[q];
        v->name = xstrdup(topo_quota_name(q));
        v->limit = tenant->quota[q];
        v->used = topo_tenant_usage(topo, tenant, q);
        v->is_default = true;
        for (size_t i = 0; i < row->n_quota; i++) {
            v->is_default &= strcmp(row->key_quota[i], v->name) != 0;
        }
    }
    return NULL;
}

static void
list_hosts(const struct api_reader *r, struct api_call *call)
{
    size_t n = 0, allocated = 0;
    struct api_host_view *views = NULL;
    const struct weftrec_host *row;
    WEFTREC_HOST_FOR_EACH (row, r->idl) {
        if (n >= allocated) {
            views = x2nrealloc(views, &allocated, sizeof *views);
        }
        host_view_fill(&views[n++], row, call->admin);
    }
    if (n) {
        qsort(views, n, sizeof *views, compare_host_views);
    }
    call->hosts = views;
    call->n_hosts = n;
}

struct weft_error *
api_read_object(const struct api_reader *r, struct api_call *call,
                enum api_resource resource, char *const path[], size_t n)
{
    const struct weftrec_tenant *tenant = NULL;
    const struct weftrec_network *net = NULL;
    const struct weftrec_port *port = NULL;
    struct weft_error *error;

    switch (resource) {
    case API_HOSTS: {
        const struct weftrec_host *row = weft_db_find_host(r->idl, path[0]);
        if (!row) {
            return weft_error_format(WEFT_ERR_NOT_FOUND,
                                     "host %s does not exist", path[0]);
        }
        call->hosts = xmalloc(sizeof *call->hosts);
        host_view_fill(call->hosts, row, call->admin);
        call->n_hosts = 1;
        return NULL;
    }
    case API_TENANTS:
        error = resolve_path(r->idl, path, 1, &tenant, NULL, NULL);
        if (!error) {
            call->tenants = xmalloc(sizeof *call->tenants);
            call->tenants->name = xstrdup(tenant->name);
            call->tenants->key = tenant->flow_key;
            call->n_tenants = 1;
        }
        return error;
    case API_NETWORKS:
        error = resolve_path(r->idl, path, 2, &tenant, &net, NULL);
        if (!error) {
            call->networks = xzalloc(sizeof *call->networks);
            network_view_fill(call->networks, net, r->idl);
            call->n_networks = 1;
        }
        return error;
    case API_PORTS:
        error = resolve_path(r->idl, path, 3, &tenant, &net, &port);
        if (!error) {
            call->ports = xzalloc(sizeof *call->ports);
            port_view_fill(call->ports, port);
            call->n_ports = 1;
        }
        return error;
    case API_ROUTERS: {
        error = resolve_path(r->idl, path, 1, &tenant, NULL, NULL);
        const struct weftrec_router *router
            = error ? NULL : routing_rows_find_router(r->idl, tenant,
                                                      path[1]);
        if (!error && !router) {
            error = weft_error_format(WEFT_ERR_NOT_FOUND,
                                      "router %s/%s does not exist",
                                      path[0], path[1]);
        }
        if (!error) {
            call->routers = xzalloc(sizeof *call->routers);
            router_view_fill(call->routers, router);
            call->n_routers = 1;
        }
        return error;
    }
    case API_FLOWS:
        error = resolve_path(r->idl, path, 2, &tenant, &net, NULL);
        if (!error) {
            uint64_t cookie = weft_cookie(tenant->flow_key, net->flow_key, 0);
            call->cookie = xasprintf("%#"PRIx64, cookie);
            call->n_flows = r->hooks->host_flows(cookie,
                                                  WEFT_COOKIE_NETWORK_MASK,
                                                  &call->flows,
                                                  r->hooks->aux);
        }
        return error;
    case API_METRICS:
        call->text = r->hooks->metrics(r->hooks->aux);
        return NULL;
    case API_POOLS:
    case API_FIPS:
        return api_read_nat_object(r, call, resource, path, n);
    case API_QUOTA:
        error = resolve_path(r->idl, path, 1, &tenant, NULL, NULL);
        return error ? error : quota_views_fill(r, call, tenant);
    case API_SERVICES:
    case API_SERVICE_STATS:
        return api_read_service(r, call, path);
    case API_SGS:
    case API_SG_STATS:
        return api_read_sg(r, call, path);
    case API_MAPPINGS:          /* Listed (and written), never one read. */
    case API_STATUS:
    default:
        OVS_NOT_REACHED();
    }
}

/* Lists the tenants: an admin's all, a tenant's only its own ('own'). */
static void
list_tenants(const struct api_reader *r, struct api_call *call,
             const struct weftrec_tenant *own)
{
    size_t n = 0, allocated = 0;
    const struct weftrec_tenant *row;
    WEFTREC_TENANT_FOR_EACH (row, r->idl) {
        if (own && row != own) {
            continue;
        }
        if (n >= allocated) {
            call->tenants = x2nrealloc(call->tenants, &allocated,
                                       sizeof *call->tenants);
        }
        call->tenants[n].name = xstrdup(row->name);
        call->tenants[n++].key = row->flow_key;
    }
    if (n) {
        qsort(call->tenants, n, sizeof *call->tenants, compare_tenant_views);
    }
    call->n_tenants = n;
}

/* Lists the networks of the tenant named by 'call->path'. */
static struct weft_error *
list_networks(const struct api_reader *r, struct api_call *call)
{
    const struct weftrec_tenant *tenant = NULL;
    struct weft_error *error = resolve_path(r->idl, call->path, 1, &tenant,
                                            NULL, NULL);
    if (error) {
        return error;
    }
    size_t n = 0, allocated = 0;
    const struct weftrec_network *row;
    WEFTREC_NETWORK_FOR_EACH (row, r->idl) {
        if (row->tenant != tenant) {
            continue;
        }
        if (n >= allocated) {
            call->networks = x2nrealloc(call->networks, &allocated,
                                        sizeof *call->networks);
        }
        memset(&call->networks[n], 0, sizeof call->networks[n]);
        network_view_fill(&call->networks[n++], row, r->idl);
    }
    if (n) {
        qsort(call->networks, n, sizeof *call->networks,
              compare_network_views);
    }
    call->n_networks = n;
    return NULL;
}

/* Lists the routers of the tenant named by 'call->path'. */
static struct weft_error *
list_routers(const struct api_reader *r, struct api_call *call)
{
    const struct weftrec_tenant *tenant = NULL;
    struct weft_error *error = resolve_path(r->idl, call->path, 1, &tenant,
                                            NULL, NULL);
    if (error) {
        return error;
    }
    size_t n = 0, allocated = 0;
    const struct weftrec_router **rows = NULL;
    const struct weftrec_router *row;
    WEFTREC_ROUTER_FOR_EACH (row, r->idl) {
        if (row->tenant == tenant) {
            if (n >= allocated) {
                rows = x2nrealloc(rows, &allocated, sizeof *rows);
            }
            rows[n++] = row;
        }
    }
    if (n) {
        qsort(rows, n, sizeof *rows, routing_rows_compare_routers);
    }
    call->routers = xcalloc(n + 1, sizeof *call->routers);
    for (size_t i = 0; i < n; i++) {
        router_view_fill(&call->routers[i], rows[i]);
    }
    call->n_routers = n;
    free(rows);
    return NULL;
}

/* Lists the ports of the network named by 'call->path'. */
static struct weft_error *
list_ports(const struct api_reader *r, struct api_call *call)
{
    const struct weftrec_tenant *tenant = NULL;
    const struct weftrec_network *net = NULL;
    struct weft_error *error = resolve_path(r->idl, call->path, 2, &tenant,
                                            &net, NULL);
    if (error) {
        return error;
    }
    size_t n = 0, allocated = 0;
    const struct weftrec_port *row;
    WEFTREC_PORT_FOR_EACH (row, r->idl) {
        if (row->network != net) {
            continue;
        }
        if (n >= allocated) {
            call->ports = x2nrealloc(call->ports, &allocated,
                                     sizeof *call->ports);
        }
        memset(&call->ports[n], 0, sizeof call->ports[n]);
        port_view_fill(&call->ports[n++], row);
    }
    if (n) {
        qsort(call->ports, n, sizeof *call->ports, compare_port_views);
    }
    call->n_ports = n;
    return NULL;
}

/* /v1/status's "cluster" (the poller's latest answers) and "controller"
 * (Weft_Global). */
static void
fill_cluster(const struct api_reader *r, struct api_call *call)
{
    const struct cluster_view *view = r->cluster;
    const struct cluster_member *leader = cluster_view_leader(view);
    call->cluster_model = xstrdup(cluster_view_model(view));
    call->cluster_leader = leader ? xstrdup(leader->remote) : NULL;
    call->n_members = view->n;
    call->members = xcalloc(view->n + 1, sizeof *call->members);
    for (size_t i = 0; i < view->n; i++) {
        const struct cluster_member *m = &view->members[i];
        call->members[i] = (struct api_member_view) {
            .remote = xstrdup(m->remote),
            .connected = m->answered && m->connected,
            .leader = m->answered && m->leader,
            .model = nullable_xstrdup(m->model),
            .sid = nullable_xstrdup(m->sid),
            .cid = nullable_xstrdup(m->cid),
            .index = m->index,
            .error = nullable_xstrdup(m->error),
        };
    }

    struct cluster_controller ctl;
    cluster_controller_read(r->idl, &ctl);
    call->active_controller = ctl.active;
    call->previous_controller = ctl.previous;
    call->controller_generation = ctl.generation;
    call->active_since = ctl.active_since;
}

struct weft_error *
api_read_list(const struct api_reader *r, struct api_call *call,
              const struct weftrec_tenant *own)
{
    switch (call->resource) {
    case API_STATUS: {
        const struct weftrec_weft_global *global
            = weftrec_weft_global_first(r->idl);
        call->nb_cfg = global ? global->nb_cfg : 0;
        list_hosts(r, call);
        if (!own) {
            /* The database's members and weftd's names: operators only. */
            fill_cluster(r, call);
        }
        return NULL;
    }
    case API_HOSTS:
        list_hosts(r, call);
        return NULL;

    case API_FLOWS:
    case API_METRICS:
    case API_QUOTA:
    case API_VERSION:           /* Never submitted (rest-server.c). */
        return api_read_object(r, call, call->resource, call->path,
                               call->n_path);

    case API_TENANTS:
        list_tenants(r, call, own);
        return NULL;
    case API_NETWORKS:
        return list_networks(r, call);
    case API_PORTS:
        return list_ports(r, call);
    case API_ROUTERS:
        return list_routers(r, call);
    case API_POOLS:
    case API_FIPS:
    case API_MAPPINGS:
        return api_read_nat_list(r, call);
    case API_SERVICES:
        return api_read_service_list(r, call);
    case API_SERVICE_STATS:
        return api_read_service(r, call, call->path);
    case API_SGS:
        return api_read_sg_list(r, call);
    case API_SG_STATS:
        return api_read_sg(r, call, call->path);
    }
    OVS_NOT_REACHED();
}
