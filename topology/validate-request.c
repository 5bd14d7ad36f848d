/* validate-request: every check of a 'struct weft_request' (request.h), the
 * first stage of weft's pipeline (request -> desired state -> compile ->
 * push).  Both front ends, weftctl and weftd's REST API, run these before the
 * write layer (ovsdb/weft-write.c) turns the request into an OVSDB
 * transaction, so they accept and refuse exactly the same changes with the
 * same messages:
 *
 *   step 1, weft_request_check(): the values alone, without the database;
 *   step 2, weft_request_validate(): step 1 again, then the request against
 *           the current topology (what must or must not exist, conflicts,
 *           quotas, the new object's key), giving a 'struct weft_plan' that
 *           holds everything the write layer needs, parsed and resolved.
 *
 * Each value is parsed by one function, used by both steps (the check_*__()
 * functions below store what they parse when given a plan), and each check
 * against the topology is one validate_*() function of validate.c,
 * validate-subnet.c (subnets, port addresses, allocation), validate-router.c
 * (routers, attachments, routes), validate-nat.c (external sides, pools,
 * floating IPs, mappings; the NAT ops' steps are validate-request-nat.c's)
 * or quota.c.  Everything here is pure: no I/O, no globals. */
#include <config.h>

#include "validate.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "packets.h"
#include "quota.h"
#include "topology.h"
#include "util.h"

struct weft_error *
validate_wrap(enum weft_err_kind kind, char *msg)
{
    return msg ? weft_error_create(kind, msg) : NULL;
}

/* ------------------------------------------------------------------------
 * Step 1: values.  Each check_*__() function takes an optional 'plan': if it
 * is nonnull, the values it parses are stored there (step 2). */

char *
validate_require(const char *value, const char *what)
{
    return value ? NULL : xasprintf("%s is required", what);
}

/* True for the ops whose path is TENANT/ROUTER. */
static bool
weft_op_is_router(enum weft_op op)
{
    return (op == WEFT_OP_ROUTER_ADD || op == WEFT_OP_ROUTER_DEL
            || op == WEFT_OP_ROUTER_ATTACH || op == WEFT_OP_ROUTER_DETACH
            || op == WEFT_OP_ROUTE_ADD || op == WEFT_OP_ROUTE_DEL
            || op == WEFT_OP_ROUTER_SET);
}

/* True for the ops whose path is TENANT/GROUP (security groups). */
static bool
weft_op_is_sg(enum weft_op op)
{
    return (op == WEFT_OP_SG_ADD || op == WEFT_OP_SG_DEL
            || op == WEFT_OP_SG_RULE_ADD || op == WEFT_OP_SG_RULE_DEL
            || op == WEFT_OP_SG_MEMBER_ADD || op == WEFT_OP_SG_MEMBER_DEL);
}

/* True for the ops whose path is TENANT/SERVICE. */
static bool
weft_op_is_service(enum weft_op op)
{
    return (op == WEFT_OP_SERVICE_ADD || op == WEFT_OP_SERVICE_DEL
            || op == WEFT_OP_SERVICE_SET || op == WEFT_OP_BACKEND_ADD
            || op == WEFT_OP_BACKEND_DEL || op == WEFT_OP_BACKEND_SET);
}

static char *
check_path__(const struct weft_request *req)
{
    static const char *const what[] = { "tenant", "network", "port" };
    size_t n = weft_op_path_len(req->op);
    bool is_host = (req->op == WEFT_OP_HOST_ADD || req->op == WEFT_OP_HOST_DEL
                    || req->op == WEFT_OP_HOST_SET);
    bool is_pool = req->op == WEFT_OP_POOL_ADD || req->op == WEFT_OP_POOL_DEL;
    for (size_t i = 0; i < n; i++) {
        const char *kind = (is_host ? "host" : is_pool ? "pool"
                            : i == 1 && weft_op_is_router(req->op) ? "router"
                            : i == 1 && weft_op_is_service(req->op)
                            ? "service"
                            : i == 1 && weft_op_is_sg(req->op)
                            ? "security group"
                            : what[i]);
        char *error = validate_require(req->path[i], kind);
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
check_host_add__(const struct weft_request *req, struct weft_plan *plan)
{
    char *error = validate_require(req->remote, "OVSDB remote");
    if (!error) {
        error = parse_ovsdb_remote(req->remote);
    }
    if (!error && req->tunnel_ip) {
        ovs_be32 ip;
        error = parse_ipv4(req->tunnel_ip, &ip);
        if (!error && plan) {
            plan->tunnel_ip = ip;
        }
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
check_net_add__(const struct weft_request *req, struct weft_plan *plan)
{
    enum topo_net_type type = TOPO_NET_VLAN;
    uint32_t segment_id = 0;
    int mtu = 0;
    char *error = validate_require(req->type, "network type");
    if (!error) {
        error = parse_net_type(req->type, &type);
    }
    if (!error) {
        error = validate_require(req->segment, "segment id");
    }
    if (!error) {
        error = parse_segment_id(type, req->segment, &segment_id);
    }
    if (!error && req->mtu) {
        error = parse_mtu(req->mtu, &mtu);
    }
    struct topo_subnet subnet = { .plen = 0 };
    if (!error && req->cidr) {
        error = parse_cidr(req->cidr, &subnet);
        if (!error) {
            error = parse_gateway(req->gateway, &subnet);
        }
    } else if (!error && req->gateway) {
        error = xstrdup("a gateway needs a cidr");
    }
    if (!error && plan) {
        plan->type = type;
        plan->segment_id = segment_id;
        plan->mtu = mtu;
        plan->subnet = subnet;
    }
    return error;
}

char *
validate_network_ref(const struct weft_request *req)
{
    char *error = validate_require(req->network, "network");
    if (!error && strchr(req->network, '/')) {
        char *parts[2];
        error = parse_path(req->network, 2, parts);
        free(parts[0]);
        free(parts[1]);
    } else if (!error) {
        error = parse_name("network", req->network);
    }
    return error;
}

/* The values of the router ops. */
static char *
check_router__(const struct weft_request *req, struct weft_plan *plan)
{
    char *error = NULL;
    struct eth_addr mac = eth_addr_zero;
    struct topo_route route = { .plen = 0 };
    switch (req->op) {
    case WEFT_OP_ROUTER_ATTACH:
        error = validate_network_ref(req);
        if (!error && req->mac) {
            error = parse_mac(req->mac, &mac);
        }
        break;
    case WEFT_OP_ROUTER_DETACH:
        error = validate_network_ref(req);
        break;
    case WEFT_OP_ROUTE_ADD:
    case WEFT_OP_ROUTE_DEL:
        error = validate_require(req->prefix, "prefix");
        if (!error) {
            error = parse_route_prefix(req->prefix, &route);
        }
        if (!error && req->op == WEFT_OP_ROUTE_ADD) {
            error = validate_require(req->nexthop, "next hop");
            char *e = error ? NULL : parse_ipv4(req->nexthop, &route.nexthop);
            if (e || (!error && strchr(req->nexthop, '/'))) {
                free(e);
                error = xasprintf("invalid next hop \"%s\": expected "
                                  "A.B.C.D", req->nexthop);
            }
        }
        break;
    default:
        break;
    }
    if (!error && plan) {
        plan->mac = mac;
        plan->route = route;
    }
    return error;
}

/* The port's IPs, IPv4 into 'ips' and IPv6 into 'ip6s': each one parsed,
 * none given twice.  (That an IP is unique in its network is
 * validate_new_port()'s and validate_port_ip6s()'s check, in step 2.) */
static char *
check_ips__(const struct weft_request *req, struct weft_plan *plan)
{
    ovs_be32 *ips = xmalloc((req->n_ips + 1) * sizeof *ips);
    struct in6_addr *ip6s = xmalloc((req->n_ips + 1) * sizeof *ip6s);
    size_t n4 = 0, n6 = 0;
    char *error = NULL;
    for (size_t i = 0; !error && i < req->n_ips; i++) {
        if (topo_ip_is_ipv6(req->ips[i])) {
            error = parse_port_ipv6(req->ips[i], &ip6s[n6++]);
        } else {
            error = parse_ipv4(req->ips[i], &ips[n4++]);
        }
    }
    for (size_t i = 0; !error && i < n4; i++) {
        for (size_t j = 0; !error && j < i; j++) {
            if (ips[i] == ips[j]) {
                error = xasprintf("IP "IP_FMT" is given twice",
                                  IP_ARGS(ips[i]));
            }
        }
    }
    for (size_t i = 0; !error && i < n6; i++) {
        for (size_t j = 0; !error && j < i; j++) {
            if (ipv6_addr_equals(&ip6s[i], &ip6s[j])) {
                char text[INET6_ADDRSTRLEN];
                inet_ntop(AF_INET6, &ip6s[i], text, sizeof text);
                error = xasprintf("IP %s is given twice", text);
            }
        }
    }
    if (!error && plan) {
        plan->ips = ips;
        plan->n_ips = n4;
        plan->ip6s = ip6s;
        plan->n_ip6s = n6;
    } else {
        free(ips);
        free(ip6s);
    }
    return error;
}

static char *
check_port_add__(const struct weft_request *req, struct weft_plan *plan)
{
    char *error = validate_require(req->host, "host");
    if (!error) {
        error = parse_name("host", req->host);
    }
    if (!error) {
        error = validate_require(req->iface, "interface");
    }
    if (!error) {
        error = parse_iface_name(req->iface);
    }
    if (!error) {
        error = validate_require(req->mac, "MAC");
    }
    if (!error) {
        struct eth_addr mac;
        error = parse_mac(req->mac, &mac);
        if (!error && plan) {
            plan->mac = mac;
        }
    }
    if (!error) {
        error = check_ips__(req, plan);
    }
    return error;
}

static char *
check_tenant_set__(const struct weft_request *req, struct weft_plan *plan)
{
    if (!req->n_quotas) {
        return xstrdup("no quota to set (expected ports, networks or "
                       "ips_per_port)");
    }
    bool seen[N_TOPO_QUOTAS] = { false };
    for (size_t i = 0; i < req->n_quotas; i++) {
        enum topo_quota q;
        uint32_t limit = 0;
        char *error = parse_quota(req->quota_names[i], req->quota_values[i],
                                  &q, &limit);
        if (error) {
            return error;
        }
        if (seen[q]) {
            return xasprintf("quota %s is given twice", topo_quota_name(q));
        }
        seen[q] = true;
        if (plan) {
            plan->quota_change[q] = (req->quota_values[i] ? WEFT_QUOTA_SET
                                     : WEFT_QUOTA_DEFAULT);
            plan->quota_limit[q] = limit;
        }
    }
    return NULL;
}

/* Step 1, storing what it parses into 'plan' if it is nonnull. */
static struct weft_error *
check_values__(const struct weft_request *req, struct weft_plan *plan)
{
    char *error = check_path__(req);
    if (!error) {
        switch (req->op) {
        case WEFT_OP_HOST_ADD:
            error = check_host_add__(req, plan);
            error = error ? error : weft_request_check_nat(req, plan);
            break;
        case WEFT_OP_TENANT_ADD:
            error = check_token_hash__(req->token_hash);
            break;
        case WEFT_OP_TENANT_TOKEN:
            error = validate_require(req->token_hash, "token hash");
            error = error ? error : check_token_hash__(req->token_hash);
            break;
        case WEFT_OP_TENANT_SET:
            error = check_tenant_set__(req, plan);
            break;
        case WEFT_OP_NET_ADD:
            error = check_net_add__(req, plan);
            break;
        case WEFT_OP_PORT_ADD:
            error = check_port_add__(req, plan);
            break;
        case WEFT_OP_ROUTER_ATTACH:
        case WEFT_OP_ROUTER_DETACH:
        case WEFT_OP_ROUTE_ADD:
        case WEFT_OP_ROUTE_DEL:
            error = check_router__(req, plan);
            break;
        case WEFT_OP_ROUTER_ADD:
        case WEFT_OP_HOST_SET:
        case WEFT_OP_ROUTER_SET:
        case WEFT_OP_POOL_ADD:
        case WEFT_OP_POOL_DEL:
        case WEFT_OP_FIP_ADD:
        case WEFT_OP_FIP_DEL:
        case WEFT_OP_FIP_SET:
        case WEFT_OP_MAP_ADD:
        case WEFT_OP_MAP_DEL:
            error = weft_request_check_nat(req, plan);
            break;
        case WEFT_OP_SERVICE_ADD:
        case WEFT_OP_SERVICE_DEL:
        case WEFT_OP_SERVICE_SET:
        case WEFT_OP_BACKEND_ADD:
        case WEFT_OP_BACKEND_DEL:
        case WEFT_OP_BACKEND_SET:
            error = weft_request_check_service(req, plan);
            break;
        case WEFT_OP_SG_ADD:
        case WEFT_OP_SG_DEL:
        case WEFT_OP_SG_RULE_ADD:
        case WEFT_OP_SG_RULE_DEL:
        case WEFT_OP_SG_MEMBER_ADD:
        case WEFT_OP_SG_MEMBER_DEL:
            error = weft_request_check_security(req, plan);
            break;
        case WEFT_OP_HOST_DEL:
        case WEFT_OP_TENANT_DEL:
        case WEFT_OP_NET_DEL:
        case WEFT_OP_PORT_DEL:
        case WEFT_OP_ROUTER_DEL:
            break;
        }
    }
    return validate_wrap(WEFT_ERR_INVALID, error);
}

struct weft_error *
weft_request_check(const struct weft_request *req)
{
    return check_values__(req, NULL);
}

/* ------------------------------------------------------------------------
 * Step 2: against the topology. */

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

/* Also stores the network's tenant in '*tenantp'. */
static struct weft_error *
find_network__(const struct topology *topo, char *const path[],
               const struct topo_tenant **tenantp,
               const struct topo_network **netp)
{
    *netp = NULL;
    struct weft_error *error = find_tenant__(topo, path[0], tenantp);
    if (error) {
        return error;
    }
    *netp = topology_find_network_by_name(topo, *tenantp, path[1]);
    return *netp ? NULL : weft_error_format(WEFT_ERR_NOT_FOUND,
                                            "network %s/%s does not exist",
                                            path[0], path[1]);
}

static struct weft_error *
find_port__(const struct topology *topo, char *const path[],
            struct weft_plan *plan)
{
    struct weft_error *error = find_network__(topo, path, &plan->tenant,
                                              &plan->net);
    if (error) {
        return error;
    }
    plan->port = topology_find_port_by_name(topo, plan->net, path[2]);
    return plan->port ? NULL : weft_error_format(WEFT_ERR_NOT_FOUND,
                                                 "port %s/%s/%s does not "
                                                 "exist", path[0], path[1],
                                                 path[2]);
}

/* Stores in 'plan->key' the new object's key, from 'next_key' (one of
 * topology_next_*_key()), or returns the error that none is free. */
static struct weft_error *
allocate_key__(const struct topology *topo, struct weft_plan *plan,
               uint32_t (*next_key)(const struct topology *),
               const char *what, int max)
{
    plan->key = next_key(topo);
    return plan->key ? NULL : weft_error_format(WEFT_ERR_CONFLICT, "no free "
                                                "%s key (all %d are in use)",
                                                what, max);
}

static struct weft_error *
validate_tenant_add__(const struct topology *topo, struct weft_plan *plan)
{
    struct weft_error *error = validate_wrap(
        WEFT_ERR_CONFLICT, validate_new_tenant(topo, plan->req->path[0]));
    return error ? error : allocate_key__(topo, plan,
                                          topology_next_tenant_key, "tenant",
                                          TOPO_TENANT_KEY_MAX);
}

static struct weft_error *
validate_net_add__(const struct topology *topo, struct weft_plan *plan)
{
    const struct weft_request *req = plan->req;
    struct weft_error *error = find_tenant__(topo, req->path[0],
                                             &plan->tenant);
    if (!error) {
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_new_network(topo, plan->tenant, req->path[1],
                                            plan->type, plan->segment_id,
                                            req->tenant_view));
    }
    if (!error) {
        /* The write layer runs this inside the transaction that verifies
         * nb_cfg: two concurrent creates cannot both pass the limit. */
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_quota_new_network(topo, plan->tenant));
    }
    return error ? error : allocate_key__(topo, plan,
                                          topology_next_network_key,
                                          "network", TOPO_NETWORK_KEY_MAX);
}

static struct weft_error *
validate_port_add__(const struct topology *topo, struct weft_plan *plan)
{
    const struct weft_request *req = plan->req;
    struct weft_error *error = find_network__(topo, req->path, &plan->tenant,
                                              &plan->net);
    if (!error) {
        error = find_host__(topo, req->host, &plan->host);
    }
    if (!error) {
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_new_port(topo, plan->net, plan->host,
                                         req->path[2], req->iface, plan->mac,
                                         plan->ips, plan->n_ips,
                                         req->tenant_view));
    }
    if (!error) {
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_port_ip6s(plan->net, plan->ip6s,
                                          plan->n_ip6s));
    }
    if (!error) {
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_port_in_subnet(plan->net, plan->mac,
                                               plan->ips, plan->n_ips));
    }
    if (!error && !plan->n_ips && plan->net->subnet.plen) {
        /* check_ips__() left room for one.  The write layer makes two
         * concurrent allocations conflict (weft-write.c), so a retry
         * validates again and picks the next free address. */
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       topo_subnet_allocate(plan->net, &plan->ips[0]));
        plan->n_ips = !error;
        plan->allocated = !error;
    }
    if (!error) {
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_quota_new_port(topo, plan->tenant,
                                               plan->n_ips + plan->n_ip6s));
    }
    return error ? error : allocate_key__(topo, plan, topology_next_port_key,
                                          "port", TOPO_PORT_KEY_MAX);
}

static struct weft_error *
find_router__(const struct topology *topo, char *const path[],
              struct weft_plan *plan)
{
    struct weft_error *error = find_tenant__(topo, path[0], &plan->tenant);
    if (error) {
        return error;
    }
    plan->router = topology_find_router_by_name(topo, plan->tenant, path[1]);
    return plan->router ? NULL : weft_error_format(WEFT_ERR_NOT_FOUND,
                                                   "router %s/%s does not "
                                                   "exist", path[0], path[1]);
}

/* ROUTER_ATTACH's and _DETACH's network, "NAME" or "TENANT/NAME", into
 * 'plan->attach_net'.  Another tenant's network does not exist for a
 * tenant (the same answer whether it exists or not); an administrator gets
 * it, and validate_router_attach() refuses it. */
static struct weft_error *
find_router_network__(const struct topology *topo, struct weft_plan *plan)
{
    char *tenant_name;
    const char *name;
    plan->attach_net = validate_find_network_ref(topo, plan, &tenant_name,
                                                 &name);
    struct weft_error *error = (plan->attach_net ? NULL
                                : weft_error_format(WEFT_ERR_NOT_FOUND,
                                                    "network %s/%s does not "
                                                    "exist", tenant_name,
                                                    name));
    free(tenant_name);
    return error;
}

/* The router ops, once step 1 passed. */
static struct weft_error *
validate_router__(const struct topology *topo, struct weft_plan *plan)
{
    const struct weft_request *req = plan->req;
    struct weft_error *error;
    if (req->op == WEFT_OP_ROUTER_ADD) {
        error = find_tenant__(topo, req->path[0], &plan->tenant);
        if (!error) {
            error = validate_wrap(WEFT_ERR_CONFLICT,
                           validate_new_router(topo, plan->tenant,
                                               req->path[1]));
        }
        return error ? error : allocate_key__(topo, plan,
                                              topology_next_router_key,
                                              "router", TOPO_ROUTER_KEY_MAX);
    }
    error = find_router__(topo, req->path, plan);
    if (!error && (req->op == WEFT_OP_ROUTER_ATTACH
                   || req->op == WEFT_OP_ROUTER_DETACH)) {
        error = find_router_network__(topo, plan);
    }
    if (error) {
        return error;
    }
    const struct topo_router *router = plan->router;
    switch (req->op) {
    case WEFT_OP_ROUTER_DEL:
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_router_services(router, NULL));
        return error ? error : validate_wrap(WEFT_ERR_CONFLICT,
                                      validate_del_router(router));
    case WEFT_OP_ROUTER_ATTACH:
        if (!req->mac) {
            plan->mac = topo_router_default_mac(router->key,
                                                plan->attach_net->key);
        }
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_router_attach(router, plan->attach_net,
                                              plan->mac));
        return error ? error : validate_wrap(WEFT_ERR_CONFLICT,
                                      validate_attach_vips(router,
                                                           plan->attach_net));
    case WEFT_OP_ROUTER_DETACH:
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_router_detach(router, plan->attach_net));
        return error ? error : validate_wrap(WEFT_ERR_CONFLICT,
                                      validate_router_services(
                                          router, plan->attach_net));
    case WEFT_OP_ROUTE_ADD:
        return validate_wrap(WEFT_ERR_CONFLICT,
                      validate_new_route(router, &plan->route));
    case WEFT_OP_ROUTE_DEL:
        for (size_t i = 0; i < router->n_routes; i++) {
            if (router->routes[i].prefix == plan->route.prefix
                && router->routes[i].plen == plan->route.plen) {
                plan->route.nexthop = router->routes[i].nexthop;
                return NULL;
            }
        }
        return weft_error_format(WEFT_ERR_NOT_FOUND, "router %s/%s has no "
                                 "route to "IP_FMT"/%d", req->path[0],
                                 req->path[1], IP_ARGS(plan->route.prefix),
                                 plan->route.plen);
    default:
        OVS_NOT_REACHED();
    }
}

/* The deletions: the object must exist and hold nothing. */
static struct weft_error *
validate_del__(const struct topology *topo, struct weft_plan *plan)
{
    char *const *path = plan->req->path;
    struct weft_error *error;
    switch (plan->req->op) {
    case WEFT_OP_HOST_DEL:
        error = find_host__(topo, path[0], &plan->host);
        return error ? error : validate_wrap(WEFT_ERR_CONFLICT,
                                      validate_del_host(topo, plan->host));
    case WEFT_OP_TENANT_DEL:
        error = find_tenant__(topo, path[0], &plan->tenant);
        return error ? error : validate_wrap(WEFT_ERR_CONFLICT,
                                      validate_del_tenant(topo,
                                                          plan->tenant));
    case WEFT_OP_NET_DEL:
        error = find_network__(topo, path, &plan->tenant, &plan->net);
        return error ? error : validate_wrap(WEFT_ERR_CONFLICT,
                                      validate_del_network(topo, plan->net));
    case WEFT_OP_PORT_DEL:
        return find_port__(topo, path, plan);
    default:
        OVS_NOT_REACHED();
    }
}

struct weft_error *
weft_request_validate(const struct weft_request *req,
                      const struct topology *topo, struct weft_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->req = req;

    /* Step 1 again: the plan never rests on a value nobody checked, even
     * for a caller that skipped it. */
    struct weft_error *error = check_values__(req, plan);
    if (error) {
        return error;
    }
    switch (req->op) {
    case WEFT_OP_HOST_ADD:
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_new_host(topo, req->path[0]));
        return error ? error : weft_request_validate_nat(req, topo, plan);
    case WEFT_OP_TENANT_ADD:
        return validate_tenant_add__(topo, plan);
    case WEFT_OP_TENANT_TOKEN:
    case WEFT_OP_TENANT_SET:
        return find_tenant__(topo, req->path[0], &plan->tenant);
    case WEFT_OP_NET_ADD:
        return validate_net_add__(topo, plan);
    case WEFT_OP_PORT_ADD:
        return validate_port_add__(topo, plan);
    case WEFT_OP_HOST_DEL:
    case WEFT_OP_TENANT_DEL:
    case WEFT_OP_NET_DEL:
    case WEFT_OP_PORT_DEL:
        return validate_del__(topo, plan);
    case WEFT_OP_ROUTER_ADD:
    case WEFT_OP_ROUTER_DEL:
    case WEFT_OP_ROUTER_ATTACH:
    case WEFT_OP_ROUTER_DETACH:
    case WEFT_OP_ROUTE_ADD:
    case WEFT_OP_ROUTE_DEL:
        return validate_router__(topo, plan);
    case WEFT_OP_HOST_SET:
    case WEFT_OP_ROUTER_SET:
    case WEFT_OP_POOL_ADD:
    case WEFT_OP_POOL_DEL:
    case WEFT_OP_FIP_ADD:
    case WEFT_OP_FIP_DEL:
    case WEFT_OP_FIP_SET:
    case WEFT_OP_MAP_ADD:
    case WEFT_OP_MAP_DEL:
        return weft_request_validate_nat(req, topo, plan);
    case WEFT_OP_SERVICE_ADD:
    case WEFT_OP_SERVICE_DEL:
    case WEFT_OP_SERVICE_SET:
    case WEFT_OP_BACKEND_ADD:
    case WEFT_OP_BACKEND_DEL:
    case WEFT_OP_BACKEND_SET:
        return weft_request_validate_service(req, topo, plan);
    case WEFT_OP_SG_ADD:
    case WEFT_OP_SG_DEL:
    case WEFT_OP_SG_RULE_ADD:
    case WEFT_OP_SG_RULE_DEL:
    case WEFT_OP_SG_MEMBER_ADD:
    case WEFT_OP_SG_MEMBER_DEL:
        return weft_request_validate_security(req, topo, plan);
    }
    OVS_NOT_REACHED();
}

void
weft_plan_destroy(struct weft_plan *plan)
{
    if (plan) {
        free(plan->ips);
        plan->ips = NULL;
        plan->n_ips = 0;
        free(plan->ip6s);
        plan->ip6s = NULL;
        plan->n_ip6s = 0;
    }
}
