/* weft-write: checks and writes one change to weft's desired state.  See
 * weft-request.h (step 1, no database) and weft-write.h (step 2). */
#include <config.h>

#include "weft-write.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb-idl.h"
#include "packets.h"
#include "svec.h"
#include "topology.h"
#include "util.h"
#include "validate.h"
#include "weft-idl.h"

const char *
weft_op_name(enum weft_op op)
{
    switch (op) {
#define WEFT_OP(ENUM, NAME) case WEFT_OP_##ENUM: return NAME;
        WEFT_OPS
#undef WEFT_OP
    }
    return "unknown";
}

const char *
weft_err_kind_name(enum weft_err_kind kind)
{
    switch (kind) {
#define WEFT_ERR(ENUM, NAME) case WEFT_ERR_##ENUM: return NAME;
        WEFT_ERRS
#undef WEFT_ERR
    }
    return "unknown";
}

struct weft_error *
weft_error_create(enum weft_err_kind kind, char *message)
{
    struct weft_error *error = xmalloc(sizeof *error);
    error->kind = kind;
    error->message = message;
    return error;
}

struct weft_error *
weft_error_format(enum weft_err_kind kind, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *message = xvasprintf(format, args);
    va_end(args);
    return weft_error_create(kind, message);
}

void
weft_error_destroy(struct weft_error *error)
{
    if (error) {
        free(error->message);
        free(error);
    }
}

/* Wraps the malloc'd message 'msg' (which may be NULL) as an error of
 * 'kind'. */
static struct weft_error *
wrap__(enum weft_err_kind kind, char *msg)
{
    return msg ? weft_error_create(kind, msg) : NULL;
}

void
weft_request_init(struct weft_request *req, enum weft_op op)
{
    memset(req, 0, sizeof *req);
    req->op = op;
}

void
weft_request_destroy(struct weft_request *req)
{
    if (!req) {
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(req->path); i++) {
        free(req->path[i]);
    }
    free(req->remote);
    free(req->openflow_remote);
    free(req->tunnel_ip);
    free(req->datapath_type);
    free(req->uplink);
    free(req->token_hash);
    free(req->type);
    free(req->segment);
    free(req->mtu);
    free(req->host);
    free(req->iface);
    free(req->mac);
    for (size_t i = 0; i < req->n_ips; i++) {
        free(req->ips[i]);
    }
    free(req->ips);
    for (size_t i = 0; i < req->n_quotas; i++) {
        free(req->quota_names[i]);
        free(req->quota_values[i]);
    }
    free(req->quota_names);
    free(req->quota_values);
}

void
weft_request_add_ip(struct weft_request *req, const char *ip)
{
    req->ips = xrealloc(req->ips, (req->n_ips + 1) * sizeof *req->ips);
    req->ips[req->n_ips++] = xstrdup(ip);
}

void
weft_request_add_quota(struct weft_request *req, const char *name,
                       const char *value)
{
    size_t n = req->n_quotas + 1;
    req->quota_names = xrealloc(req->quota_names,
                                n * sizeof *req->quota_names);
    req->quota_values = xrealloc(req->quota_values,
                                 n * sizeof *req->quota_values);
    req->quota_names[req->n_quotas] = xstrdup(name);
    req->quota_values[req->n_quotas] = nullable_xstrdup(value);
    req->n_quotas = n;
}

size_t
weft_op_path_len(enum weft_op op)
{
    switch (op) {
    case WEFT_OP_HOST_ADD: case WEFT_OP_HOST_DEL:
    case WEFT_OP_TENANT_ADD: case WEFT_OP_TENANT_DEL:
    case WEFT_OP_TENANT_TOKEN: case WEFT_OP_TENANT_SET:
        return 1;
    case WEFT_OP_NET_ADD: case WEFT_OP_NET_DEL:
        return 2;
    case WEFT_OP_PORT_ADD: case WEFT_OP_PORT_DEL:
        return 3;
    }
    OVS_NOT_REACHED();
}

/* Returns an error if the required value 'value' named 'what' is missing. */
static char *
require__(const char *value, const char *what)
{
    return value ? NULL : xasprintf("%s is required", what);
}

static char *
check_path__(const struct weft_request *req)
{
    static const char *const what[] = { "tenant", "network", "port" };
    size_t n = weft_op_path_len(req->op);
    bool is_host = req->op == WEFT_OP_HOST_ADD || req->op == WEFT_OP_HOST_DEL;
    for (size_t i = 0; i < n; i++) {
        const char *kind = is_host ? "host" : what[i];
        char *error = require__(req->path[i], kind);
        if (!error) {
            error = parse_name(kind, req->path[i]);
        }
        if (error) {
            return error;
        }
    }
    return NULL;
}

static char *
check_host_add__(const struct weft_request *req)
{
    char *error = require__(req->remote, "OVSDB remote");
    if (!error) {
        error = parse_ovsdb_remote(req->remote);
    }
    if (!error && req->tunnel_ip) {
        ovs_be32 ip;
        error = parse_ipv4(req->tunnel_ip, &ip);
    }
    if (!error && req->datapath_type) {
        error = parse_datapath_type(req->datapath_type);
    }
    if (!error && req->uplink) {
        error = parse_iface_name(req->uplink);
        if (!error && validate_iface_is_reserved(NULL, req->uplink)) {
            error = xasprintf("uplink %s is a name of weft's own (%s, or a "
                              "tunnel: "TOPO_TUNNEL_PREFIX_VXLAN"..., "
                              TOPO_TUNNEL_PREFIX_GRE"..., "
                              TOPO_TUNNEL_PREFIX_GENEVE"...)", req->uplink,
                              TOPO_BRIDGE_NAME);
        }
    }
    if (!error && req->openflow_remote) {
        /* Same syntax as an OVSDB remote, but say which value is wrong. */
        char *e = parse_ovsdb_remote(req->openflow_remote);
        if (e) {
            free(e);
            error = xasprintf("invalid OpenFlow remote \"%s\": expected "
                              "unix:PATH, tcp:IP:PORT or ssl:IP:PORT",
                              req->openflow_remote);
        }
    }
    return error;
}

static char *
check_token_hash__(const char *hash)
{
    if (hash && (strlen(hash) != 64 || strspn(hash, "0123456789abcdef")
                                       != 64)) {
        return xstrdup("token hash must be 64 lowercase hex digits");
    }
    return NULL;
}

static char *
check_net_add__(const struct weft_request *req)
{
    enum topo_net_type type;
    uint32_t segment_id;
    int mtu;
    char *error = require__(req->type, "network type");
    if (!error) {
        error = parse_net_type(req->type, &type);
    }
    if (!error) {
        error = require__(req->segment, "segment id");
    }
    if (!error) {
        error = parse_segment_id(type, req->segment, &segment_id);
    }
    if (!error && req->mtu) {
        error = parse_mtu(req->mtu, &mtu);
    }
    return error;
}

/* Parses 'req''s IPs into a malloc'd array stored in '*ipsp'. */
static char *
parse_ips__(const struct weft_request *req, ovs_be32 **ipsp)
{
    ovs_be32 *ips = xmalloc((req->n_ips + 1) * sizeof *ips);
    char *error = NULL;
    for (size_t i = 0; !error && i < req->n_ips; i++) {
        error = parse_ipv4(req->ips[i], &ips[i]);
    }
    *ipsp = ips;
    return error;
}

static char *
check_port_add__(const struct weft_request *req)
{
    char *error = require__(req->host, "host");
    if (!error) {
        error = parse_name("host", req->host);
    }
    if (!error) {
        error = require__(req->iface, "interface");
    }
    if (!error) {
        error = parse_iface_name(req->iface);
    }
    if (!error) {
        error = require__(req->mac, "MAC");
    }
    if (!error) {
        struct eth_addr mac;
        error = parse_mac(req->mac, &mac);
    }
    if (!error) {
        ovs_be32 *ips;
        error = parse_ips__(req, &ips);
        for (size_t i = 0; !error && i < req->n_ips; i++) {
            for (size_t j = 0; j < i; j++) {
                if (ips[i] == ips[j]) {
                    error = xasprintf("IP "IP_FMT" is given twice",
                                      IP_ARGS(ips[i]));
                    break;
                }
            }
        }
        free(ips);
    }
    return error;
}

static char *
check_tenant_set__(const struct weft_request *req)
{
    if (!req->n_quotas) {
        return xstrdup("no quota to set (expected ports, networks or "
                       "ips_per_port)");
    }
    bool seen[N_TOPO_QUOTAS] = { false };
    for (size_t i = 0; i < req->n_quotas; i++) {
        enum topo_quota q;
        char *error = parse_quota(req->quota_names[i], req->quota_values[i],
                                  &q, NULL);
        if (error) {
            return error;
        }
        if (seen[q]) {
            return xasprintf("quota %s is given twice", topo_quota_name(q));
        }
        seen[q] = true;
    }
    return NULL;
}

struct weft_error *
weft_request_check(const struct weft_request *req)
{
    char *error = check_path__(req);
    if (!error) {
        switch (req->op) {
        case WEFT_OP_HOST_ADD:
            error = check_host_add__(req);
            break;
        case WEFT_OP_TENANT_ADD:
            error = check_token_hash__(req->token_hash);
            break;
        case WEFT_OP_TENANT_TOKEN:
            error = require__(req->token_hash, "token hash");
            error = error ? error : check_token_hash__(req->token_hash);
            break;
        case WEFT_OP_TENANT_SET:
            error = check_tenant_set__(req);
            break;
        case WEFT_OP_NET_ADD:
            error = check_net_add__(req);
            break;
        case WEFT_OP_PORT_ADD:
            error = check_port_add__(req);
            break;
        case WEFT_OP_HOST_DEL:
        case WEFT_OP_TENANT_DEL:
        case WEFT_OP_NET_DEL:
        case WEFT_OP_PORT_DEL:
            break;
        }
    }
    return wrap__(WEFT_ERR_INVALID, error);
}

/* ------------------------------------------------------------------------
 * Step 2. */

static struct weft_error *
find_host__(const struct topology *topo, const char *name,
            const struct topo_host **hostp)
{
    *hostp = topology_find_host_by_name(topo, name);
    return *hostp ? NULL : weft_error_format(WEFT_ERR_NOT_FOUND,
                                             "host %s does not exist", name);
}

static struct weft_error *
find_tenant__(const struct topology *topo, const char *name,
              const struct topo_tenant **tenantp)
{
    *tenantp = topology_find_tenant_by_name(topo, name);
    return *tenantp ? NULL : weft_error_format(WEFT_ERR_NOT_FOUND,
                                               "tenant %s does not exist",
                                               name);
}

static struct weft_error *
find_network__(const struct topology *topo, char *const path[],
               const struct topo_network **netp)
{
    const struct topo_tenant *tenant;
    struct weft_error *error = find_tenant__(topo, path[0], &tenant);
    if (error) {
        *netp = NULL;
        return error;
    }
    *netp = topology_find_network_by_name(topo, tenant, path[1]);
    return *netp ? NULL : weft_error_format(WEFT_ERR_NOT_FOUND,
                                            "network %s/%s does not exist",
                                            path[0], path[1]);
}

static struct weft_error *
find_port__(const struct topology *topo, char *const path[],
            const struct topo_port **portp)
{
    const struct topo_network *net;
    struct weft_error *error = find_network__(topo, path, &net);
    if (error) {
        *portp = NULL;
        return error;
    }
    *portp = topology_find_port_by_name(topo, net, path[2]);
    return *portp ? NULL : weft_error_format(WEFT_ERR_NOT_FOUND,
                                             "port %s/%s/%s does not exist",
                                             path[0], path[1], path[2]);
}

static struct weft_error *
host_add__(const struct weft_request *req, struct ovsdb_idl_txn *txn,
           const struct topology *topo)
{
    const char *name = req->path[0];
    struct weft_error *error = wrap__(WEFT_ERR_CONFLICT,
                                      validate_new_host(topo, name));
    if (error) {
        return error;
    }

    const struct weftrec_host *row = weftrec_host_insert(txn);
    weftrec_host_set_name(row, name);
    weftrec_host_set_ovsdb_remote(row, req->remote);
    if (req->openflow_remote) {
        weftrec_host_set_openflow_remote(row, req->openflow_remote);
    }
    if (req->tunnel_ip) {
        ovs_be32 ip = 0;
        free(parse_ipv4(req->tunnel_ip, &ip));
        char *s = xasprintf(IP_FMT, IP_ARGS(ip));
        weftrec_host_set_tunnel_ip(row, s);
        free(s);
    }
    weftrec_host_set_datapath_type(row, req->datapath_type
                                        ? req->datapath_type
                                        : TOPO_DATAPATH_DEFAULT);
    if (req->uplink) {
        weftrec_host_set_uplink(row, req->uplink);
    }
    /* weftd owns these; start them at "nothing known yet". */
    weftrec_host_set_ovsdb_connected(row, false);
    weftrec_host_set_openflow_connected(row, false);
    weftrec_host_set_cur_cfg(row, 0);
    return NULL;
}

static struct weft_error *
host_del__(const struct weft_request *req, struct ovsdb_idl *idl,
           const struct topology *topo)
{
    const struct topo_host *host;
    struct weft_error *error = find_host__(topo, req->path[0], &host);
    if (!error) {
        error = wrap__(WEFT_ERR_CONFLICT, validate_del_host(topo, host));
    }
    if (!error) {
        weftrec_host_delete(weftrec_host_get_for_uuid(idl, &host->uuid));
    }
    return error;
}

static struct weft_error *
tenant_add__(const struct weft_request *req, struct ovsdb_idl_txn *txn,
             const struct topology *topo)
{
    const char *name = req->path[0];
    struct weft_error *error = wrap__(WEFT_ERR_CONFLICT,
                                      validate_new_tenant(topo, name));
    if (error) {
        return error;
    }
    uint32_t key = topology_next_tenant_key(topo);
    if (!key) {
        return weft_error_format(WEFT_ERR_CONFLICT, "no free tenant key (all "
                                 "%d are in use)", TOPO_TENANT_KEY_MAX);
    }

    const struct weftrec_tenant *row = weftrec_tenant_insert(txn);
    weftrec_tenant_set_name(row, name);
    weftrec_tenant_set_flow_key(row, key);
    if (req->token_hash) {
        weftrec_tenant_set_token_hash(row, req->token_hash);
    }
    return NULL;
}

/* Token rotation: the tenant's old token stops working at once. */
static struct weft_error *
tenant_token__(const struct weft_request *req, struct ovsdb_idl *idl,
               const struct topology *topo)
{
    const struct topo_tenant *tenant;
    struct weft_error *error = find_tenant__(topo, req->path[0], &tenant);
    if (!error) {
        weftrec_tenant_set_token_hash(
            weftrec_tenant_get_for_uuid(idl, &tenant->uuid),
            req->token_hash);
    }
    return error;
}

/* Quota overrides: an admin raises or lowers a tenant's limits.  Lowering
 * one below the usage deletes nothing; it refuses new objects. */
static struct weft_error *
tenant_set__(const struct weft_request *req, struct ovsdb_idl *idl,
             const struct topology *topo)
{
    const struct topo_tenant *tenant;
    struct weft_error *error = find_tenant__(topo, req->path[0], &tenant);
    if (error) {
        return error;
    }
    const struct weftrec_tenant *row
        = weftrec_tenant_get_for_uuid(idl, &tenant->uuid);

    /* The new map: the row's overrides, each replaced or removed by the
     * request's, then the request's new ones. */
    size_t max = row->n_quota + req->n_quotas;
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
        bool keep = true;
        int64_t value = row->value_quota[i];
        for (size_t j = 0; j < req->n_quotas; j++) {
            if (!strcmp(req->quota_names[j], topo_quota_name(q))) {
                uint32_t limit = 0;
                free(parse_quota(req->quota_names[j], req->quota_values[j],
                                 &q, &limit));
                keep = req->quota_values[j] != NULL;  /* NULL: default. */
                value = limit;
            }
        }
        if (keep) {
            keys[n] = topo_quota_name(q);
            values[n++] = value;
        }
    }
    for (size_t j = 0; j < req->n_quotas; j++) {
        enum topo_quota q;
        uint32_t limit = 0;
        free(parse_quota(req->quota_names[j], req->quota_values[j], &q,
                         &limit));
        if (!done[q] && req->quota_values[j]) {
            keys[n] = topo_quota_name(q);
            values[n++] = limit;
        }
    }
    weftrec_tenant_set_quota(row, keys, values, n);
    free(keys);
    free(values);
    return NULL;
}

static struct weft_error *
tenant_del__(const struct weft_request *req, struct ovsdb_idl *idl,
             const struct topology *topo)
{
    const struct topo_tenant *tenant;
    struct weft_error *error = find_tenant__(topo, req->path[0], &tenant);
    if (!error) {
        error = wrap__(WEFT_ERR_CONFLICT, validate_del_tenant(topo, tenant));
    }
    if (!error) {
        weftrec_tenant_delete(weftrec_tenant_get_for_uuid(idl,
                                                          &tenant->uuid));
    }
    return error;
}

static struct weft_error *
net_add__(const struct weft_request *req, struct ovsdb_idl *idl,
          struct ovsdb_idl_txn *txn, const struct topology *topo)
{
    const struct topo_tenant *tenant;
    struct weft_error *error = find_tenant__(topo, req->path[0], &tenant);
    if (error) {
        return error;
    }

    enum topo_net_type type = TOPO_NET_VLAN;
    uint32_t segment_id = 0;
    int mtu = 0;
    free(parse_net_type(req->type, &type));
    free(parse_segment_id(type, req->segment, &segment_id));
    if (req->mtu) {
        free(parse_mtu(req->mtu, &mtu));
    }
    error = wrap__(WEFT_ERR_CONFLICT,
                   validate_new_network(topo, tenant, req->path[1], type,
                                        segment_id, req->tenant_view));
    if (!error) {
        /* Inside the transaction that verifies nb_cfg: two concurrent
         * creates cannot both pass the limit (see weft-write.h). */
        error = wrap__(WEFT_ERR_CONFLICT,
                       validate_quota_new_network(topo, tenant));
    }
    if (error) {
        return error;
    }
    uint32_t key = topology_next_network_key(topo);
    if (!key) {
        return weft_error_format(WEFT_ERR_CONFLICT, "no free network key (all "
                                 "%d are in use)", TOPO_NETWORK_KEY_MAX);
    }

    const struct weftrec_network *row = weftrec_network_insert(txn);
    weftrec_network_set_tenant(row, weftrec_tenant_get_for_uuid(
                                        idl, &tenant->uuid));
    weftrec_network_set_name(row, req->path[1]);
    weftrec_network_set_type(row, topo_net_type_to_string(type));
    weftrec_network_set_segment_id(row, segment_id);
    if (mtu) {
        int64_t mtu64 = mtu;
        weftrec_network_set_mtu(row, &mtu64, 1);
    }
    weftrec_network_set_flow_key(row, key);
    return NULL;
}

static struct weft_error *
net_del__(const struct weft_request *req, struct ovsdb_idl *idl,
          const struct topology *topo)
{
    const struct topo_network *net;
    struct weft_error *error = find_network__(topo, req->path, &net);
    if (!error) {
        error = wrap__(WEFT_ERR_CONFLICT, validate_del_network(topo, net));
    }
    if (!error) {
        weftrec_network_delete(weftrec_network_get_for_uuid(idl, &net->uuid));
    }
    return error;
}

static struct weft_error *
port_add__(const struct weft_request *req, struct ovsdb_idl *idl,
           struct ovsdb_idl_txn *txn, const struct topology *topo)
{
    const struct topo_network *net;
    const struct topo_host *host;
    struct weft_error *error = find_network__(topo, req->path, &net);
    if (!error) {
        error = find_host__(topo, req->host, &host);
    }
    if (error) {
        return error;
    }

    struct eth_addr mac = eth_addr_zero;
    free(parse_mac(req->mac, &mac));
    ovs_be32 *ips;
    free(parse_ips__(req, &ips));
    error = wrap__(WEFT_ERR_CONFLICT,
                   validate_new_port(topo, net, host, req->path[2],
                                     req->iface, mac, ips, req->n_ips,
                                     req->tenant_view));
    if (!error) {
        error = wrap__(WEFT_ERR_CONFLICT,
                       validate_quota_new_port(topo, net->tenant,
                                               req->n_ips));
    }
    uint32_t key = error ? 0 : topology_next_port_key(topo);
    if (!error && !key) {
        error = weft_error_format(WEFT_ERR_CONFLICT, "no free port key (all "
                                  "%d are in use)", TOPO_PORT_KEY_MAX);
    }
    if (error) {
        free(ips);
        return error;
    }

    const struct weftrec_port *row = weftrec_port_insert(txn);
    weftrec_port_set_network(row, weftrec_network_get_for_uuid(idl,
                                                               &net->uuid));
    weftrec_port_set_host(row, weftrec_host_get_for_uuid(idl, &host->uuid));
    weftrec_port_set_name(row, req->path[2]);
    weftrec_port_set_iface(row, req->iface);

    /* Store canonical text, so the database never holds two spellings of
     * one address. */
    char mac_s[ETH_ADDR_STRLEN + 1];
    snprintf(mac_s, sizeof mac_s, ETH_ADDR_FMT, ETH_ADDR_ARGS(mac));
    weftrec_port_set_mac(row, mac_s);

    struct svec ip_strings = SVEC_EMPTY_INITIALIZER;
    for (size_t i = 0; i < req->n_ips; i++) {
        svec_add_nocopy(&ip_strings, xasprintf(IP_FMT, IP_ARGS(ips[i])));
    }
    weftrec_port_set_ips(row, (const char **) ip_strings.names,
                         ip_strings.n);
    svec_destroy(&ip_strings);
    free(ips);

    weftrec_port_set_flow_key(row, key);
    return NULL;
}

static struct weft_error *
port_del__(const struct weft_request *req, struct ovsdb_idl *idl,
           const struct topology *topo)
{
    const struct topo_port *port;
    struct weft_error *error = find_port__(topo, req->path, &port);
    if (!error) {
        weftrec_port_delete(weftrec_port_get_for_uuid(idl, &port->uuid));
    }
    return error;
}

struct weft_error *
weft_write_build(const struct weft_request *req, struct ovsdb_idl *idl,
                 struct ovsdb_idl_txn *txn, const struct topology *topo)
{
    switch (req->op) {
    case WEFT_OP_HOST_ADD:
        return host_add__(req, txn, topo);
    case WEFT_OP_HOST_DEL:
        return host_del__(req, idl, topo);
    case WEFT_OP_TENANT_ADD:
        return tenant_add__(req, txn, topo);
    case WEFT_OP_TENANT_DEL:
        return tenant_del__(req, idl, topo);
    case WEFT_OP_TENANT_TOKEN:
        return tenant_token__(req, idl, topo);
    case WEFT_OP_TENANT_SET:
        return tenant_set__(req, idl, topo);
    case WEFT_OP_NET_ADD:
        return net_add__(req, idl, txn, topo);
    case WEFT_OP_NET_DEL:
        return net_del__(req, idl, topo);
    case WEFT_OP_PORT_ADD:
        return port_add__(req, idl, txn, topo);
    case WEFT_OP_PORT_DEL:
        return port_del__(req, idl, topo);
    }
    OVS_NOT_REACHED();
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
