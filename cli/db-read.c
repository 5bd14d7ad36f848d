/* db-read: weftctl's read-only database commands (host-list, tenant-list,
 * tenant-quota, net-list, port-list, show).  See db-read.h; the command table
 * and the write commands are in weftctl.c.
 *
 * Rows are read from weft's database through weftctl's IDL, like every
 * database-mode command (the four steps at the top of weftctl.c); nothing
 * here writes. */
#include <config.h>

#include "db-read.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db-nat.h"
#include "db-services.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "ovsdb-idl.h"
#include "routing-rows.h"
#include "sg-rows.h"
#include "svec.h"
#include "topology.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weftctl.h"

static char *
find_tenant(const struct topology *topo, const char *name,
            const struct topo_tenant **tenantp)
{
    *tenantp = topology_find_tenant_by_name(topo, name);
    return *tenantp ? NULL : xasprintf("tenant %s does not exist", name);
}

/* Finds the network named by 'path' ("TENANT", "NET"). */
static char *
find_network(const struct topology *topo, char *const path[],
             const struct topo_network **netp)
{
    const struct topo_tenant *tenant;
    char *error = find_tenant(topo, path[0], &tenant);
    if (error) {
        *netp = NULL;
        return error;
    }
    *netp = topology_find_network_by_name(topo, tenant, path[1]);
    return *netp ? NULL : xasprintf("network %s/%s does not exist",
                                    path[0], path[1]);
}

/* Listing.  Rows are read from the IDL rather than the topology so that the
 * status columns weftd writes (and rows the loader had to skip) show too.
 * Everything is sorted by name so that output is stable. */

static const char *
str_or_dash(const char *s)
{
    return s && s[0] ? s : "-";
}

static const char *
tenant_name(const struct weftrec_tenant *tenant)
{
    return tenant ? tenant->name : "?";
}

static const char *
network_tenant_name(const struct weftrec_network *net)
{
    return net ? tenant_name(net->tenant) : "?";
}

int
db_read_compare_hosts(const void *a_, const void *b_)
{
    const struct weftrec_host *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static int
compare_tenants(const void *a_, const void *b_)
{
    const struct weftrec_tenant *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static int
compare_networks(const void *a_, const void *b_)
{
    const struct weftrec_network *const *a = a_, *const *b = b_;
    int cmp = strcmp(network_tenant_name(*a), network_tenant_name(*b));
    return cmp ? cmp : strcmp((*a)->name, (*b)->name);
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct weftrec_port *const *a = a_, *const *b = b_;
    int cmp = compare_networks(&(*a)->network, &(*b)->network);
    return cmp ? cmp : strcmp((*a)->name, (*b)->name);
}

/* Sets '*rowsp' to a malloc'd array of every row in 'table' of 'idl', sorted
 * with 'compare', and returns how many there are. */
size_t
db_read_sorted_rows(struct ovsdb_idl *idl,
                    const struct ovsdb_idl_table_class *table,
                    int (*compare)(const void *, const void *),
                    const void ***rowsp)
{
    size_t n = 0, allocated = 0;
    const void **rows = NULL;
    const struct ovsdb_idl_row *row;
    for (row = ovsdb_idl_first_row(idl, table); row;
         row = ovsdb_idl_next_row(row)) {
        if (n >= allocated) {
            rows = x2nrealloc(rows, &allocated, sizeof *rows);
        }
        /* Every generated row struct starts with its 'header_'. */
        rows[n++] = row;
    }
    if (n) {
        qsort(rows, n, sizeof *rows, compare);
    }
    *rowsp = rows;
    return n;
}

/* Prints the MTU endpoints must use: the network's own, or the default
 * derived from the underlay MTU (see topo_network_mtu()). */
static void
format_network(struct ds *s, const void *net_, struct ovsdb_idl *idl)
{
    const struct weftrec_network *net = net_;
    ds_put_format(s, "%s %"PRId64"  mtu ", net->type, net->segment_id);
    enum topo_net_type type;
    if (net->n_mtu) {
        ds_put_format(s, "%"PRId64, net->mtu[0]);
    } else if (topo_net_type_from_string(net->type, &type)) {
        ds_put_format(s, "%d (default)",
                      weft_db_underlay_mtu(idl) - topo_encap_overhead(type));
    } else {
        ds_put_char(s, '-');
    }
    ds_put_format(s, "  key %"PRId64, net->flow_key);
    char gw[ROUTING_ROWS_IP_LEN];
    if (routing_rows_gateway(net, gw)) {
        const struct weftrec_router *router
            = routing_rows_network_router(idl, net, NULL);
        ds_put_format(s, "  cidr %s  gateway %s  router %s", net->cidr, gw,
                      router ? router->name : "-");
    }
}

static void
format_port(struct ds *s, const void *port_, struct ovsdb_idl *idl OVS_UNUSED)
{
    const struct weftrec_port *port = port_;
    ds_put_format(s, "host %s  iface %s  mac %s  ips ",
                  port->host ? port->host->name : "?", port->iface,
                  port->mac);
    for (size_t i = 0; i < port->n_ips; i++) {
        ds_put_format(s, "%s%s", i ? "," : "", port->ips[i]);
    }
    if (!port->n_ips) {
        ds_put_char(s, '-');
    }
    ds_put_format(s, "  key %"PRId64, port->flow_key);
    if (port->error) {
        ds_put_format(s, "  error \"%s\"", port->error);
    }
    const char **sgs;
    size_t n_sgs = sg_rows_port_groups(port, &sgs);
    for (size_t i = 0; i < n_sgs; i++) {
        ds_put_format(s, "%s%s", i ? "," : "  groups ", sgs[i]);
    }
    free(sgs);
}

static void
format_host(struct ds *s, const void *host_, struct ovsdb_idl *idl OVS_UNUSED)
{
    const struct weftrec_host *host = host_;
    ds_put_format(s, "remote %s  datapath %s  tunnel-ip %s  uplink %s  "
                  "openflow %s", host->ovsdb_remote, host->datapath_type,
                  str_or_dash(host->tunnel_ip), str_or_dash(host->uplink),
                  str_or_dash(host->openflow_remote));
    db_nat_format_external(s, host);
}

static void
format_tenant(struct ds *s, const void *tenant_,
              struct ovsdb_idl *idl OVS_UNUSED)
{
    const struct weftrec_tenant *tenant = tenant_;
    ds_put_format(s, "key %"PRId64, tenant->flow_key);
}

/* Appends 'label' padded to 'width' columns, then two spaces. */
static void
put_label(struct ds *s, const char *label, int width)
{
    ds_put_format(s, "%-*s  ", width, label);
}

/* --format=json: the objects in the REST API's shapes (host_json() and its
 * siblings in rest-server.c, as an admin sees them), so that a script gets
 * the same JSON from database mode as from "weftctl --api --json". */

static struct json *
nullable_string(const char *s)
{
    return s ? json_string_create(s) : json_null_create();
}

struct json *
db_read_host_json(const void *host_, struct ovsdb_idl *idl OVS_UNUSED)
{
    const struct weftrec_host *host = host_;
    struct json *o = json_object_create();
    json_object_put_string(o, "name", host->name);
    json_object_put(o, "ovsdb_connected",
                    json_boolean_create(host->ovsdb_connected));
    json_object_put(o, "openflow_connected",
                    json_boolean_create(host->openflow_connected));
    json_object_put(o, "cur_cfg", json_integer_create(host->cur_cfg));
    json_object_put(o, "openflow_state",
                    nullable_string(smap_get(&host->status,
                                             "openflow_state")));
    json_object_put_string(o, "ovsdb_remote", host->ovsdb_remote);
    json_object_put(o, "openflow_remote",
                    nullable_string(host->openflow_remote));
    json_object_put(o, "tunnel_ip", nullable_string(host->tunnel_ip));
    json_object_put(o, "datapath_type",
                    nullable_string(host->datapath_type));
    json_object_put(o, "uplink", nullable_string(host->uplink));
    json_object_put(o, "external", db_nat_external_json(host));
    return o;
}

static struct json *
tenant_to_json(const void *tenant_, struct ovsdb_idl *idl OVS_UNUSED)
{
    const struct weftrec_tenant *tenant = tenant_;
    struct json *o = json_object_create();
    json_object_put_string(o, "name", tenant->name);
    json_object_put(o, "key", json_integer_create(tenant->flow_key));
    return o;
}

/* The MTU as format_network() prints it: the network's own, or the one
 * derived from the underlay MTU ('mtu_default'). */
static struct json *
network_to_json(const void *net_, struct ovsdb_idl *idl)
{
    const struct weftrec_network *net = net_;
    struct json *o = json_object_create();
    json_object_put_string(o, "tenant", network_tenant_name(net));
    json_object_put_string(o, "name", net->name);
    json_object_put_string(o, "type", net->type);
    json_object_put(o, "segment_id", json_integer_create(net->segment_id));
    long long int mtu = 0;
    bool mtu_default = false;
    enum topo_net_type type;
    if (net->n_mtu) {
        mtu = net->mtu[0];
    } else if (topo_net_type_from_string(net->type, &type)) {
        mtu = weft_db_underlay_mtu(idl) - topo_encap_overhead(type);
        mtu_default = true;
    }
    json_object_put(o, "mtu", json_integer_create(mtu));
    json_object_put(o, "mtu_default", json_boolean_create(mtu_default));
    json_object_put(o, "key", json_integer_create(net->flow_key));
    char gw[ROUTING_ROWS_IP_LEN];
    const char *gateway = routing_rows_gateway(net, gw);
    const struct weftrec_router *router
        = routing_rows_network_router(idl, net, NULL);
    json_object_put(o, "cidr", nullable_string(gateway ? net->cidr : NULL));
    json_object_put(o, "gateway", nullable_string(gateway));
    json_object_put(o, "router", nullable_string(router ? router->name
                                                 : NULL));
    return o;
}

/* As the API's router_json() (controller/rest/render.c). */
static struct json *
router_to_json(const void *router_, struct ovsdb_idl *idl OVS_UNUSED)
{
    const struct weftrec_router *router = router_;
    struct json *o = json_object_create();
    json_object_put_string(o, "tenant", tenant_name(router->tenant));
    json_object_put_string(o, "name", router->name);
    json_object_put(o, "key", json_integer_create(router->flow_key));
    json_object_put(o, "snat", json_boolean_create(router->snat));
    size_t n;
    struct routing_rows_port *ports = routing_rows_ports(router, &n);
    struct json *nets = json_array_create_empty();
    for (size_t i = 0; i < n; i++) {
        struct json *p = json_object_create();
        json_object_put_string(p, "network", ports[i].network);
        json_object_put(p, "ip", nullable_string(ports[i].ip));
        json_object_put_string(p, "mac", ports[i].mac);
        json_array_add(nets, p);
    }
    free(ports);
    json_object_put(o, "networks", nets);
    const char **prefixes = routing_rows_route_prefixes(router, &n);
    struct json *routes = json_array_create_empty();
    for (size_t i = 0; i < n; i++) {
        struct json *r = json_object_create();
        json_object_put_string(r, "prefix", prefixes[i]);
        json_object_put_string(r, "nexthop",
                               smap_get(&router->routes, prefixes[i]));
        json_array_add(routes, r);
    }
    free(prefixes);
    json_object_put(o, "routes", routes);
    return o;
}

/* "key K  networks A,B  routes N". */
static void
format_router(struct ds *s, const void *router_,
              struct ovsdb_idl *idl OVS_UNUSED)
{
    const struct weftrec_router *router = router_;
    ds_put_format(s, "key %"PRId64"  networks ", router->flow_key);
    size_t n;
    struct routing_rows_port *ports = routing_rows_ports(router, &n);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "%s%s", i ? "," : "", ports[i].network);
    }
    if (!n) {
        ds_put_char(s, '-');
    }
    free(ports);
    ds_put_format(s, "  routes %zu%s", smap_count(&router->routes),
                  router->snat ? "  snat on" : "");
}

struct json *
db_read_port_json(const void *port_, struct ovsdb_idl *idl OVS_UNUSED)
{
    const struct weftrec_port *port = port_;
    struct json *o = json_object_create();
    json_object_put_string(o, "tenant", network_tenant_name(port->network));
    json_object_put_string(o, "network",
                           port->network ? port->network->name : "?");
    json_object_put_string(o, "name", port->name);
    json_object_put_string(o, "host", port->host ? port->host->name : "?");
    json_object_put_string(o, "iface", port->iface);
    json_object_put_string(o, "mac", port->mac);
    struct json *ips = json_array_create_empty();
    for (size_t i = 0; i < port->n_ips; i++) {
        json_array_add(ips, json_string_create(port->ips[i]));
    }
    json_object_put(o, "ips", ips);
    json_object_put(o, "key", json_integer_create(port->flow_key));
    /* As the API: only a real OpenFlow port number (OVS reports a failure
     * as -1). */
    json_object_put(o, "ofport",
                    (port->n_ofport && port->ofport[0] > 0
                     && port->ofport[0] < 0xff00
                     ? json_integer_create(port->ofport[0])
                     : json_null_create()));
    json_object_put(o, "up", (port->n_up ? json_boolean_create(port->up[0])
                              : json_null_create()));
    const char **sgs;
    size_t n_sgs = sg_rows_port_groups(port, &sgs);
    struct json *sg_names = json_array_create_empty();
    for (size_t i = 0; i < n_sgs; i++) {
        json_array_add(sg_names, json_string_create(sgs[i]));
    }
    free(sgs);
    json_object_put(o, "security_groups", sg_names);
    json_object_put(o, "error", (port->error ? json_string_create(port->error)
                                 : json_null_create()));
    return o;
}

/* Appends 'json' to 's' as the API's clients print it, and frees it. */
void
db_put_json(struct ds *s, struct json *json)
{
    json_to_ds(json, JSSF_PRETTY | JSSF_SORT, s);
    ds_put_char(s, '\n');
    json_destroy(json);
}

/* A list of the rows of one table: "host-list", "tenant-list", "net-list",
 * "port-list".  The row callbacks take a row of 'table'. */
struct row_list {
    const struct ovsdb_idl_table_class *table;
    int (*compare)(const void *, const void *);
    /* The row's label (malloc'd), or NULL if the command's filter 'p'
     * hides the row. */
    char *(*label)(const void *row, const struct ctl_parsed *p);
    /* The row with --json, and its line after the label without it. */
    struct json *(*to_json)(const void *row, struct ovsdb_idl *);
    void (*format)(struct ds *, const void *row, struct ovsdb_idl *);
};

/* Prints the rows of 'list' that its filter shows, sorted: with --json as
 * one JSON array, else one line each, the labels padded to the same
 * width. */
static char *
list_rows(struct ctl_context *ctx, const struct row_list *list)
{
    const void **rows;
    size_t n = db_read_sorted_rows(ctx->idl, list->table, list->compare,
                                   &rows);
    struct svec labels = SVEC_EMPTY_INITIALIZER;
    int width = 0;
    const void **shown = xmalloc((n + 1) * sizeof *shown);
    size_t n_shown = 0;
    for (size_t i = 0; i < n; i++) {
        char *label = list->label(rows[i], ctx->parsed);
        if (label) {
            width = MAX(width, (int) strlen(label));
            svec_add_nocopy(&labels, label);
            shown[n_shown++] = rows[i];
        }
    }
    if (ctx->opts->json) {
        struct json *array = json_array_create_empty();
        for (size_t i = 0; i < n_shown; i++) {
            json_array_add(array, list->to_json(shown[i], ctx->idl));
        }
        db_put_json(ctx->output, array);
    } else {
        for (size_t i = 0; i < n_shown; i++) {
            put_label(ctx->output, labels.names[i], width);
            list->format(ctx->output, shown[i], ctx->idl);
            ds_put_char(ctx->output, '\n');
        }
    }
    free(shown);
    svec_destroy(&labels);
    free(rows);
    return NULL;
}

static char *
host_label(const void *host_, const struct ctl_parsed *p OVS_UNUSED)
{
    const struct weftrec_host *host = host_;
    return xstrdup(host->name);
}

char *
db_read_host_list(struct ctl_context *ctx)
{
    static const struct row_list hosts = {
        &weftrec_table_host, db_read_compare_hosts, host_label,
        db_read_host_json, format_host,
    };
    return list_rows(ctx, &hosts);
}

static char *
tenant_label(const void *tenant_, const struct ctl_parsed *p OVS_UNUSED)
{
    const struct weftrec_tenant *tenant = tenant_;
    return xstrdup(tenant->name);
}

char *
db_read_tenant_list(struct ctl_context *ctx)
{
    static const struct row_list tenants = {
        &weftrec_table_tenant, compare_tenants, tenant_label,
        tenant_to_json, format_tenant,
    };
    return list_rows(ctx, &tenants);
}

/* Prints each quota of a tenant: its limit, whether that is the default,
 * and how much the tenant uses. */
char *
db_read_tenant_quota(struct ctl_context *ctx)
{
    const struct topo_tenant *tenant;
    char *error = find_tenant(ctx->topo, ctx->parsed->path[0], &tenant);
    if (error) {
        return error;
    }
    const struct weftrec_tenant *row
        = weftrec_tenant_get_for_uuid(ctx->idl, &tenant->uuid);
    for (size_t q = 0; q < N_TOPO_QUOTAS; q++) {
        bool is_default = true;
        for (size_t i = 0; row && i < row->n_quota; i++) {
            is_default &= strcmp(row->key_quota[i], topo_quota_name(q)) != 0;
        }
        ds_put_format(ctx->output, "%-12s  limit %"PRIu32"%s  used %"PRIu32
                      "\n", topo_quota_name(q), tenant->quota[q],
                      is_default ? " (default)" : "",
                      topo_tenant_usage(ctx->topo, tenant, q));
    }
    return NULL;
}

/* Checks that the "net-list"/"port-list" filter names something that
 * exists. */
static char *
check_list_filter(struct ctl_context *ctx)
{
    const struct ctl_parsed *p = ctx->parsed;
    if (p->n_path == 1) {
        const struct topo_tenant *tenant;
        return find_tenant(ctx->topo, p->path[0], &tenant);
    } else if (p->n_path == 2) {
        const struct topo_network *net;
        return find_network(ctx->topo, p->path, &net);
    }
    return NULL;
}

/* Returns true if the network of tenant 'tenant' named 'net' passes the
 * "net-list"/"port-list" filter. */
static bool
match_filter(const struct ctl_parsed *p, const char *tenant, const char *net)
{
    return (p->n_path < 1 || !strcmp(p->path[0], tenant))
           && (p->n_path < 2 || !strcmp(p->path[1], net));
}

/* "port-show": 'p''s third name is the port's. */
static bool
match_port(const struct ctl_parsed *p, const char *port)
{
    return p->n_path < 3 || !strcmp(p->path[2], port);
}

/* "tenant/net", if the filter shows it. */
static char *
network_label(const void *net_, const struct ctl_parsed *p)
{
    const struct weftrec_network *net = net_;
    const char *tenant = network_tenant_name(net);
    return (match_filter(p, tenant, net->name)
            ? xasprintf("%s/%s", tenant, net->name)
            : NULL);
}

char *
db_read_net_list(struct ctl_context *ctx)
{
    static const struct row_list networks = {
        &weftrec_table_network, compare_networks, network_label,
        network_to_json, format_network,
    };
    char *error = check_list_filter(ctx);
    return error ? error : list_rows(ctx, &networks);
}

/* "tenant/net/port", if the filter shows it. */
static char *
port_label(const void *port_, const struct ctl_parsed *p)
{
    const struct weftrec_port *port = port_;
    const char *tenant = network_tenant_name(port->network);
    const char *net = port->network ? port->network->name : "?";
    return (match_filter(p, tenant, net) && match_port(p, port->name)
            ? xasprintf("%s/%s/%s", tenant, net, port->name)
            : NULL);
}

char *
db_read_port_list(struct ctl_context *ctx)
{
    static const struct row_list ports = {
        &weftrec_table_port, compare_ports, port_label,
        db_read_port_json, format_port,
    };
    char *error = check_list_filter(ctx);
    return error ? error : list_rows(ctx, &ports);
}

/* "tenant/router", if the "router-list" filter shows it. */
static char *
router_label(const void *router_, const struct ctl_parsed *p)
{
    const struct weftrec_router *router = router_;
    const char *tenant = tenant_name(router->tenant);
    return (p->n_path < 1 || !strcmp(p->path[0], tenant)
            ? xasprintf("%s/%s", tenant, router->name)
            : NULL);
}

char *
db_read_router_list(struct ctl_context *ctx)
{
    static const struct row_list routers = {
        &weftrec_table_router, routing_rows_compare_routers, router_label,
        router_to_json, format_router,
    };
    char *error = check_list_filter(ctx);
    return error ? error : list_rows(ctx, &routers);
}

/* "router-show T/R": each attachment, then each route. */
char *
db_read_router_show(struct ctl_context *ctx)
{
    char *const *path = ctx->parsed->path;
    const struct weftrec_tenant *tenant = weft_db_find_tenant(ctx->idl,
                                                              path[0]);
    const struct weftrec_router *router
        = (tenant ? routing_rows_find_router(ctx->idl, tenant, path[1])
           : NULL);
    if (!tenant) {
        return xasprintf("tenant %s does not exist", path[0]);
    } else if (!router) {
        return xasprintf("router %s/%s does not exist", path[0], path[1]);
    }
    if (ctx->opts->json) {
        db_put_json(ctx->output, router_to_json(router, ctx->idl));
        return NULL;
    }
    struct ds *s = ctx->output;
    ds_put_format(s, "router %s/%s  key %"PRId64"%s\n", path[0],
                  router->name, router->flow_key,
                  router->snat ? "  snat on" : "");
    size_t n;
    struct routing_rows_port *ports = routing_rows_ports(router, &n);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "    network %s  ip %s  mac %s\n", ports[i].network,
                      str_or_dash(ports[i].ip), ports[i].mac);
    }
    free(ports);
    const char **prefixes = routing_rows_route_prefixes(router, &n);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "    route %s via %s\n", prefixes[i],
                      smap_get(&router->routes, prefixes[i]));
    }
    free(prefixes);
    return NULL;
}

/* "show --format=json": like "weftctl --api --json show", the API's status
 * and every network and port. */
static void
show_json(struct ctl_context *ctx)
{
    const struct weftrec_weft_global *global
        = weftrec_weft_global_first(ctx->idl);
    const void **rows;
    struct json *hosts = json_array_create_empty();
    size_t n = db_read_sorted_rows(ctx->idl, &weftrec_table_host,
                                   db_read_compare_hosts, &rows);
    for (size_t i = 0; i < n; i++) {
        json_array_add(hosts, db_read_host_json(rows[i], ctx->idl));
    }
    free(rows);
    struct json *status = json_object_create();
    json_object_put(status, "nb_cfg",
                    json_integer_create(global ? global->nb_cfg : 0));
    json_object_put(status, "hosts", hosts);

    struct json *nets = json_array_create_empty();
    n = db_read_sorted_rows(ctx->idl, &weftrec_table_network, compare_networks,
                            &rows);
    for (size_t i = 0; i < n; i++) {
        json_array_add(nets, network_to_json(rows[i], ctx->idl));
    }
    free(rows);

    struct json *ports = json_array_create_empty();
    n = db_read_sorted_rows(ctx->idl, &weftrec_table_port, compare_ports,
                            &rows);
    for (size_t i = 0; i < n; i++) {
        json_array_add(ports, db_read_port_json(rows[i], ctx->idl));
    }
    free(rows);

    struct json *routers = json_array_create_empty();
    n = db_read_sorted_rows(ctx->idl, &weftrec_table_router,
                            routing_rows_compare_routers, &rows);
    for (size_t i = 0; i < n; i++) {
        json_array_add(routers, router_to_json(rows[i], ctx->idl));
    }
    free(rows);

    struct json *show = json_object_create();
    json_object_put(show, "status", status);
    json_object_put(show, "networks", nets);
    json_object_put(show, "ports", ports);
    json_object_put(show, "routers", routers);
    db_nat_show_json(show, ctx->idl);
    db_services_show_json(show, ctx->idl);
    db_put_json(ctx->output, show);
}

/* "show": the routers of 'tenant', one line each. */
static void
show_tenant_routers(struct ctl_context *ctx,
                    const struct weftrec_tenant *tenant)
{
    const void **routers;
    size_t n = db_read_sorted_rows(ctx->idl, &weftrec_table_router,
                                   routing_rows_compare_routers, &routers);
    for (size_t i = 0; i < n; i++) {
        const struct weftrec_router *router = routers[i];
        if (router->tenant == tenant) {
            ds_put_format(ctx->output, "    router %s  ", router->name);
            format_router(ctx->output, router, ctx->idl);
            ds_put_char(ctx->output, '\n');
        }
    }
    free(routers);
}

char *
db_read_show(struct ctl_context *ctx)
{
    struct ds *s = ctx->output;
    if (ctx->opts->json) {
        show_json(ctx);
        return NULL;
    }
    const struct weftrec_weft_global *global
        = weftrec_weft_global_first(ctx->idl);
    if (global) {
        ds_put_format(s, "nb_cfg %"PRId64"\n", global->nb_cfg);
    } else {
        ds_put_cstr(s, "nb_cfg - (not initialized)\n");
    }

    const void **hosts;
    size_t n_hosts = db_read_sorted_rows(ctx->idl, &weftrec_table_host,
                                         db_read_compare_hosts, &hosts);
    for (size_t i = 0; i < n_hosts; i++) {
        const struct weftrec_host *host = hosts[i];
        ds_put_format(s, "host %s\n    ", host->name);
        format_host(s, host, ctx->idl);
        ds_put_format(s, "\n    ovsdb_connected %s  openflow_connected %s  "
                      "cur_cfg %"PRId64"\n",
                      host->ovsdb_connected ? "true" : "false",
                      host->openflow_connected ? "true" : "false",
                      host->cur_cfg);
    }
    free(hosts);

    const void **tenants, **nets, **ports;
    size_t n_tenants = db_read_sorted_rows(ctx->idl, &weftrec_table_tenant,
                                           compare_tenants, &tenants);
    size_t n_nets = db_read_sorted_rows(ctx->idl, &weftrec_table_network,
                                        compare_networks, &nets);
    size_t n_ports = db_read_sorted_rows(ctx->idl, &weftrec_table_port,
                                         compare_ports, &ports);
    for (size_t t = 0; t < n_tenants; t++) {
        const struct weftrec_tenant *tenant = tenants[t];
        ds_put_format(s, "tenant %s  key %"PRId64"\n",
                      tenant->name, tenant->flow_key);
        for (size_t n = 0; n < n_nets; n++) {
            const struct weftrec_network *net = nets[n];
            if (net->tenant != tenant) {
                continue;
            }
            ds_put_format(s, "    network %s  ", net->name);
            format_network(s, net, ctx->idl);
            ds_put_char(s, '\n');
            for (size_t p = 0; p < n_ports; p++) {
                const struct weftrec_port *port = ports[p];
                if (port->network != net) {
                    continue;
                }
                ds_put_format(s, "        port %s  ", port->name);
                format_port(s, port, ctx->idl);
                ds_put_cstr(s, "\n            ofport ");
                if (port->n_ofport) {
                    ds_put_format(s, "%"PRId64, port->ofport[0]);
                } else {
                    ds_put_char(s, '-');
                }
                ds_put_format(s, "  up %s\n",
                              !port->n_up ? "-"
                              : port->up[0] ? "true" : "false");
            }
        }
        show_tenant_routers(ctx, tenant);
        db_nat_show_tenant(s, ctx->idl, tenant);
        db_services_show_tenant(s, ctx->idl, tenant);
    }
    free(tenants);
    free(nets);
    free(ports);
    return NULL;
}
