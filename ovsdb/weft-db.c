/* weft-db: weft's own database rows -> struct topology.  See weft-db.h. */
#include <config.h>

#include "weft-db.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "packets.h"
#include "smap.h"
#include "stream-ssl.h"
#include "topology.h"
#include "validate.h"
#include "weft-db-rows.h"
#include "weft-idl.h"

VLOG_DEFINE_THIS_MODULE(weft_db);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

void
weft_db_register_columns(struct ovsdb_idl *idl)
{
    ovsdb_idl_add_table(idl, &weftrec_table_host);
    ovsdb_idl_add_table(idl, &weftrec_table_tenant);
    ovsdb_idl_add_table(idl, &weftrec_table_network);
    ovsdb_idl_add_table(idl, &weftrec_table_port);
    ovsdb_idl_add_table(idl, &weftrec_table_router);
    ovsdb_idl_add_table(idl, &weftrec_table_pool);
    ovsdb_idl_add_table(idl, &weftrec_table_floating_ip);
    ovsdb_idl_add_table(idl, &weftrec_table_service);
    ovsdb_idl_add_table(idl, &weftrec_table_security_group);
    ovsdb_idl_add_table(idl, &weftrec_table_security_rule);
    ovsdb_idl_add_table(idl, &weftrec_table_weft_global);
}

void
weft_db_register_host_columns(struct ovsdb_idl *idl)
{
    ovsdb_idl_add_table(idl, &weftrec_table_host);
    ovsdb_idl_add_column(idl, &weftrec_host_col_name);
    ovsdb_idl_add_column(idl, &weftrec_host_col_ovsdb_remote);
    ovsdb_idl_add_column(idl, &weftrec_host_col_openflow_remote);
    ovsdb_idl_add_column(idl, &weftrec_host_col_tunnel_ip);
    ovsdb_idl_add_column(idl, &weftrec_host_col_datapath_type);
    ovsdb_idl_add_column(idl, &weftrec_host_col_uplink);
    ovsdb_idl_add_column(idl, &weftrec_host_col_external_iface);
    ovsdb_idl_add_column(idl, &weftrec_host_col_external_ip);
    ovsdb_idl_add_column(idl, &weftrec_host_col_external_gateway);
}

/* Per-row conversion (weft-db-rows.h). */

/* The schema bounds the quotas' keys and values; only a database written by
 * hand exceeds a quota's own maximum. */
void
weft_db_tenant_quota(const struct weftrec_tenant *row,
                     uint32_t quota[N_TOPO_QUOTAS])
{
    for (size_t q = 0; q < N_TOPO_QUOTAS; q++) {
        quota[q] = topo_quota_default(q);
    }
    for (size_t i = 0; i < row->n_quota; i++) {
        enum topo_quota q;
        if (topo_quota_from_string(row->key_quota[i], &q)) {
            int64_t v = MAX(row->value_quota[i], 0);
            quota[q] = MIN(v, topo_quota_max(q));
        }
    }
}

bool
weft_db_network_from_row(const struct topology *topo,
                         const struct weftrec_network *row,
                         const struct topo_tenant **tenant,
                         enum topo_net_type *type)
{
    *tenant = row->tenant ? topology_find_tenant(topo,
                                                 &row->tenant->header_.uuid)
                          : NULL;
    if (!*tenant || !topo_net_type_from_string(row->type, type)) {
        VLOG_WARN_RL(&rl, "network "UUID_FMT" (%s): no tenant or bad "
                     "type \"%s\", ignored",
                     UUID_ARGS(&row->header_.uuid), row->name, row->type);
        return false;
    }
    return true;
}

int
weft_db_network_mtu(const struct weftrec_network *row)
{
    return row->mtu ? (int) *row->mtu : 0;
}

void
weft_db_network_subnet(const struct weftrec_network *row,
                       struct topo_subnet *subnet)
{
    memset(subnet, 0, sizeof *subnet);
    if (!row->cidr) {
        return;
    }
    char *error = parse_cidr(row->cidr, subnet);
    if (!error) {
        error = parse_gateway(row->gateway, subnet);
    }
    if (error) {
        VLOG_WARN_RL(&rl, "network "UUID_FMT" (%s): %s: no subnet",
                     UUID_ARGS(&row->header_.uuid), row->name, error);
        free(error);
        memset(subnet, 0, sizeof *subnet);
    }
}

bool
weft_db_router_from_row(const struct topology *topo,
                        const struct weftrec_router *row,
                        const struct topo_tenant **tenant)
{
    *tenant = row->tenant ? topology_find_tenant(topo,
                                                 &row->tenant->header_.uuid)
                          : NULL;
    if (!*tenant) {
        VLOG_WARN_RL(&rl, "router "UUID_FMT" (%s): no tenant, ignored",
                     UUID_ARGS(&row->header_.uuid), row->name);
        return false;
    }
    return true;
}

size_t
weft_db_router_networks(const struct topology *topo,
                        const struct topo_router *router,
                        const struct weftrec_router *row,
                        const struct topo_network ***netsp,
                        struct eth_addr **macsp)
{
    const struct topo_network **nets = xmalloc((row->n_networks + 1)
                                               * sizeof *nets);
    struct eth_addr *macs = xmalloc((row->n_networks + 1) * sizeof *macs);
    size_t n = 0;
    for (size_t i = 0; i < row->n_networks; i++) {
        const struct topo_network *net = topology_find_network(
            topo, &row->key_networks[i]->header_.uuid);
        if (!net || net->tenant != router->tenant || !net->subnet.plen
            || (net->router_port && net->router_port->router != router)
            || !eth_addr_from_string(row->value_networks[i], &macs[n])) {
            VLOG_WARN_RL(&rl, "router "UUID_FMT" (%s): attachment to "
                         "network "UUID_FMT" ignored (not in the topology, "
                         "another tenant's, no subnet, another router's or "
                         "bad MAC \"%s\")", UUID_ARGS(&row->header_.uuid),
                         row->name,
                         UUID_ARGS(&row->key_networks[i]->header_.uuid),
                         row->value_networks[i]);
            continue;
        }
        nets[n++] = net;
    }
    *netsp = nets;
    *macsp = macs;
    return n;
}

size_t
weft_db_router_routes(const struct weftrec_router *row,
                      struct topo_route **routesp)
{
    struct topo_route *routes = xmalloc((smap_count(&row->routes) + 1)
                                        * sizeof *routes);
    size_t n = 0;
    const struct smap_node *node;
    SMAP_FOR_EACH (node, &row->routes) {
        struct topo_route *r = &routes[n];
        char *error = parse_route_prefix(node->key, r);
        if (!error) {
            error = parse_ipv4(node->value, &r->nexthop);
        }
        if (error) {
            VLOG_WARN_RL(&rl, "router "UUID_FMT" (%s): route %s via %s "
                         "ignored: %s", UUID_ARGS(&row->header_.uuid),
                         row->name, node->key, node->value, error);
            free(error);
            continue;
        }
        n++;
    }
    *routesp = routes;
    return n;
}

static int
compare_in6__(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct in6_addr));
}

bool
weft_db_port_from_row(const struct topology *topo,
                      const struct weftrec_port *row,
                      struct weft_db_port *spec)
{
    spec->net = row->network ? topology_find_network(
                                   topo, &row->network->header_.uuid)
                             : NULL;
    spec->host = row->host ? topology_find_host(topo,
                                                &row->host->header_.uuid)
                           : NULL;
    if (!spec->net || !spec->host
        || !eth_addr_from_string(row->mac, &spec->mac)) {
        VLOG_WARN_RL(&rl, "port "UUID_FMT" (%s): missing network or "
                     "host, or bad MAC \"%s\", ignored",
                     UUID_ARGS(&row->header_.uuid), row->name, row->mac);
        return false;
    }

    /* Port.ips holds both families: IPv4 into 'ips', IPv6 into 'ip6s'. */
    spec->ips = xmalloc((row->n_ips + 1) * sizeof *spec->ips);
    spec->ip6s = xmalloc((row->n_ips + 1) * sizeof *spec->ip6s);
    spec->n_ips = spec->n_ip6s = 0;
    for (size_t i = 0; i < row->n_ips; i++) {
        char *error = (
            topo_ip_is_ipv6(row->ips[i])
            ? parse_port_ipv6(row->ips[i], &spec->ip6s[spec->n_ip6s++])
            : ip_parse_masked(row->ips[i], &spec->ips[spec->n_ips++],
                              &(ovs_be32) { 0 }));
        if (error) {
            VLOG_WARN_RL(&rl, "port "UUID_FMT" (%s): bad IP \"%s\" (%s), "
                         "port ignored", UUID_ARGS(&row->header_.uuid),
                         row->name, row->ips[i], error);
            free(error);
            weft_db_port_destroy(spec);
            return false;
        }
    }
    /* In the topology's order (topology_set_port_ip6s()), for
     * weft_db_port_equals(). */
    qsort(spec->ip6s, spec->n_ip6s, sizeof *spec->ip6s, compare_in6__);
    return true;
}

void
weft_db_port_destroy(struct weft_db_port *spec)
{
    free(spec->ips);
    free(spec->ip6s);
    spec->ips = NULL;
    spec->ip6s = NULL;
}

struct topo_port *
weft_db_port_add(struct topology *topo, const struct weftrec_port *row,
                 const struct weft_db_port *spec)
{
    struct topo_port *port = topology_add_port(
        topo, &row->header_.uuid, spec->net, spec->host, row->name,
        row->iface, spec->mac, spec->ips, spec->n_ips, row->flow_key);
    topology_set_port_ip6s(topo, port, spec->ip6s, spec->n_ip6s);
    weft_db_port_set_mappings(topo, port, row);
    weft_db_port_set_sgs(topo, port, row, NULL);
    return port;
}

bool
weft_db_port_equals(const struct topo_port *port,
                    const struct weftrec_port *row,
                    const struct weft_db_port *spec)
{
    return port->network == spec->net && port->host == spec->host
           && !strcmp(port->name, row->name)
           && !strcmp(port->iface, row->iface)
           && eth_addr_equals(port->mac, spec->mac)
           && port->n_ips == spec->n_ips
           && (!spec->n_ips
               || !memcmp(port->ips, spec->ips,
                          spec->n_ips * sizeof *spec->ips))
           && port->n_ip6s == spec->n_ip6s
           && (!spec->n_ip6s
               || !memcmp(port->ip6s, spec->ip6s,
                          spec->n_ip6s * sizeof *spec->ip6s))
           && port->key == row->flow_key;
}

static void
load_hosts(struct ovsdb_idl *idl, struct topology *topo)
{
    const struct weftrec_host *row;
    WEFTREC_HOST_FOR_EACH (row, idl) {
        struct topo_host *host = topology_add_host(
            topo, &row->header_.uuid, row->name, row->ovsdb_remote,
            row->openflow_remote, row->tunnel_ip, row->datapath_type,
            row->uplink);
        weft_db_host_set_external(topo, host, row);
        weft_db_host_gateway_mac(host, row);
    }
}

void
weft_db_load_hosts(struct ovsdb_idl *idl, struct topology *topo)
{
    load_hosts(idl, topo);
}

static void
load_tenants(struct ovsdb_idl *idl, struct topology *topo)
{
    const struct weftrec_tenant *row;
    WEFTREC_TENANT_FOR_EACH (row, idl) {
        struct topo_tenant *tenant = topology_add_tenant(
            topo, &row->header_.uuid, row->name, row->flow_key);
        weft_db_tenant_quota(row, tenant->quota);
    }
}

static void
load_networks(struct ovsdb_idl *idl, struct topology *topo)
{
    const struct weftrec_network *row;
    WEFTREC_NETWORK_FOR_EACH (row, idl) {
        const struct topo_tenant *tenant;
        enum topo_net_type type;
        if (weft_db_network_from_row(topo, row, &tenant, &type)) {
            struct topo_network *net = topology_add_network(
                topo, &row->header_.uuid, tenant, row->name, type,
                row->segment_id, weft_db_network_mtu(row), row->flow_key);
            struct topo_subnet subnet;
            bool changed;
            weft_db_network_subnet(row, &subnet);
            topology_set_network_subnet(topo, net, &subnet, &changed);
        }
    }
}

static void
load_ports(struct ovsdb_idl *idl, struct topology *topo)
{
    const struct weftrec_port *row;
    WEFTREC_PORT_FOR_EACH (row, idl) {
        struct weft_db_port spec;
        if (weft_db_port_from_row(topo, row, &spec)) {
            weft_db_port_add(topo, row, &spec);
            weft_db_port_destroy(&spec);
        }
    }
}

static void
load_routers(struct ovsdb_idl *idl, struct topology *topo)
{
    const struct weftrec_router *row;
    WEFTREC_ROUTER_FOR_EACH (row, idl) {
        const struct topo_tenant *tenant;
        if (!weft_db_router_from_row(topo, row, &tenant)) {
            continue;
        }
        struct topo_router *router = topology_add_router(
            topo, &row->header_.uuid, tenant, row->name, row->flow_key);
        topology_set_router_snat(router, row->snat);

        struct topo_route *routes;
        size_t n = weft_db_router_routes(row, &routes);
        topology_set_router_routes(topo, router, routes, n);
        free(routes);

        const struct topo_network **nets;
        struct eth_addr *macs;
        n = weft_db_router_networks(topo, router, row, &nets, &macs);
        topology_set_router_networks(topo, router, nets, macs, n);
        free(nets);
        free(macs);
    }
}

const struct weftrec_host *
weft_db_find_host(struct ovsdb_idl *idl, const char *name)
{
    const struct weftrec_host *row;
    WEFTREC_HOST_FOR_EACH (row, idl) {
        if (!strcmp(row->name, name)) {
            return row;
        }
    }
    return NULL;
}

const struct weftrec_tenant *
weft_db_find_tenant(struct ovsdb_idl *idl, const char *name)
{
    const struct weftrec_tenant *row;
    WEFTREC_TENANT_FOR_EACH (row, idl) {
        if (!strcmp(row->name, name)) {
            return row;
        }
    }
    return NULL;
}

const struct weftrec_network *
weft_db_find_network(struct ovsdb_idl *idl,
                     const struct weftrec_tenant *tenant, const char *name)
{
    const struct weftrec_network *row;
    WEFTREC_NETWORK_FOR_EACH (row, idl) {
        if (row->tenant == tenant && !strcmp(row->name, name)) {
            return row;
        }
    }
    return NULL;
}

const struct weftrec_port *
weft_db_find_port(struct ovsdb_idl *idl, const struct weftrec_network *net,
                  const char *name)
{
    const struct weftrec_port *row;
    WEFTREC_PORT_FOR_EACH (row, idl) {
        if (row->network == net && !strcmp(row->name, name)) {
            return row;
        }
    }
    return NULL;
}

int
weft_db_underlay_mtu(struct ovsdb_idl *idl)
{
    const struct weftrec_weft_global *global = weftrec_weft_global_first(idl);
    int mtu = global ? smap_get_int(&global->options, "underlay_mtu", 0) : 0;
    if (mtu && (mtu < TOPO_MTU_MIN + 50 || mtu > TOPO_MTU_MAX)) {
        VLOG_WARN_RL(&rl, "ignoring invalid options:underlay_mtu %d", mtu);
        mtu = 0;
    }
    return mtu ? mtu : TOPO_UNDERLAY_MTU_DEFAULT;
}

void
weft_db_load_topology(struct ovsdb_idl *idl, struct topology *topo)
{
    topo->underlay_mtu = weft_db_underlay_mtu(idl);
    load_hosts(idl, topo);
    load_tenants(idl, topo);
    weft_db_load_sgs(idl, topo);        /* Before the ports, their members. */
    load_networks(idl, topo);
    load_ports(idl, topo);
    load_routers(idl, topo);
    weft_db_load_nat(idl, topo);
    weft_db_load_services(idl, topo);
}

static char *rundir_override;

const char *
weft_rundir(void)
{
    if (rundir_override) {
        return rundir_override;
    }
    const char *env = getenv("WEFT_RUNDIR");
    return env && env[0] ? env : WEFT_RUNDIR_DEFAULT;
}

void
weft_rundir_set(const char *dir)
{
    free(rundir_override);
    rundir_override = dir && dir[0] ? xstrdup(dir) : NULL;
}

char *
weft_rundir_file(const char *name)
{
    return name[0] == '/' ? xstrdup(name)
                          : xasprintf("%s/%s", weft_rundir(), name);
}

const char *
weft_db_default_remote(void)
{
    static char *remote;
    if (!remote) {
        const char *env = getenv("WEFT_DB");
        if (env && env[0]) {
            remote = xstrdup(env);
        } else {
            char *sock = weft_rundir_file("weft.sock");
            remote = xasprintf("unix:%s", sock);
            free(sock);
        }
    }
    return remote;
}

char *
weft_db_check_ssl(const char *remote)
{
    /* 'remote' may be a comma-separated list (a cluster's members): any
     * ssl: one in it needs the keys. */
    for (const char *p = remote; *p; ) {
        p += strspn(p, ", \t");
        size_t len = strcspn(p, ",");
        if (!strncmp(p, "ssl:", 4) && !stream_ssl_is_configured()) {
            return xasprintf("%.*s: an ssl: remote needs --private-key, "
                             "--certificate and --ca-cert", (int) len, p);
        }
        p += len;
    }
    return NULL;
}
