/* validate-request-nat: the request ops of NAT (request.h: HOST_SET,
 * ROUTER_SET, POOL_ADD, POOL_DEL, FIP_ADD, FIP_DEL, FIP_SET, MAP_ADD,
 * MAP_DEL) and the NAT values of HOST_ADD and ROUTER_ADD, in the two steps
 * of validate-request.c: weft_request_check_nat() checks the values alone,
 * weft_request_validate_nat() checks a NAT op against the topology and
 * fills the plan that ovsdb/weft-write.c writes.  The checks themselves are
 * validate-nat.c's.  Pure: no I/O, no globals.
 *
 * Error kinds as everywhere: INVALID for a bad value (an address outside
 * its pool included), NOT_FOUND for a named object that does not exist or
 * (tenant view) is another tenant's, CONFLICT for what is taken or in use. */
#include <config.h>

#include "validate.h"

#include <stdlib.h>
#include <string.h>

#include "packets.h"
#include "util.h"

/* ------------------------------------------------------------------------
 * Step 1. */

/* A floating IP's address: a dotted quad without a length. */
static char *
parse_fip__(const char *s, ovs_be32 *ip)
{
    char *error = strchr(s, '/') ? xstrdup("") : parse_ipv4(s, ip);
    if (error) {
        free(error);
        return xasprintf("invalid floating IP \"%s\": expected A.B.C.D", s);
    }
    return NULL;
}

/* The port a floating IP is assigned to: 'network' and 'port_name', both
 * or neither. */
static char *
check_fip_target__(const struct weft_request *req)
{
    if (!req->network != !req->port_name) {
        return xstrdup(req->network ? "a network needs a port"
                                    : "a port needs its network");
    }
    char *error = req->network ? parse_name("network", req->network) : NULL;
    return error || !req->port_name ? error
                                    : parse_name("port", req->port_name);
}

static char *
check_host_external__(const struct weft_request *req, struct weft_plan *plan)
{
    struct topo_external ext;
    char *error = NULL;
    bool given = (req->external_iface || req->external_ip
                  || req->external_gateway);
    if (req->op == WEFT_OP_HOST_SET && req->external_iface
        && !req->external_iface[0]) {
        /* Removal. */
        memset(&ext, 0, sizeof ext);
        if (req->external_ip || req->external_gateway) {
            error = xstrdup("removing the external side takes no IP or "
                            "gateway");
        }
    } else {
        error = parse_external(req->external_iface, req->external_ip,
                               req->external_gateway, &ext);
    }
    if (!error && plan) {
        plan->ext = ext;
        plan->ext_given = given;
    }
    return error;
}

static char *
check_snat__(const struct weft_request *req, struct weft_plan *plan)
{
    bool snat = false;
    char *error = req->snat ? parse_snat(req->snat, &snat) : NULL;
    if (!error && plan) {
        plan->snat = req->snat ? snat : -1;
    }
    return error;
}

static char *
check_fip__(const struct weft_request *req, struct weft_plan *plan)
{
    ovs_be32 ip = 0;
    char *error = NULL;
    if (req->op == WEFT_OP_FIP_ADD) {
        error = validate_require(req->pool, "pool");
        error = error ? error : parse_name("pool", req->pool);
    } else {
        error = validate_require(req->fip, "floating IP");
    }
    if (!error && req->fip) {
        error = parse_fip__(req->fip, &ip);
    }
    if (!error && req->op != WEFT_OP_FIP_DEL) {
        error = check_fip_target__(req);
    }
    if (!error && plan) {
        plan->fip_ip = ip;
    }
    return error;
}

static char *
check_map__(const struct weft_request *req, struct weft_plan *plan)
{
    struct topo_mapping m = { .proto = 0 };
    char *error = validate_require(req->proto, "protocol");
    error = error ? error : parse_proto(req->proto, &m.proto);
    error = error ? error : validate_require(req->host_port, "host port");
    error = error ? error : parse_l4_port("host port", req->host_port,
                                          &m.host_port);
    if (!error && req->op == WEFT_OP_MAP_ADD) {
        error = validate_require(req->to_port, "port");
        error = error ? error : parse_l4_port("port", req->to_port, &m.port);
    }
    if (!error && plan) {
        plan->mapping = m;
    }
    return error;
}

char *
weft_request_check_nat(const struct weft_request *req, struct weft_plan *plan)
{
    switch (req->op) {
    case WEFT_OP_HOST_ADD:
    case WEFT_OP_HOST_SET:
        return check_host_external__(req, plan);
    case WEFT_OP_ROUTER_ADD:
    case WEFT_OP_ROUTER_SET:
        return check_snat__(req, plan);
    case WEFT_OP_POOL_ADD: {
        ovs_be32 prefix = 0;
        int plen = 0;
        char *error = validate_require(req->cidr, "cidr");
        error = error ? error : parse_pool_cidr(req->cidr, &prefix, &plen);
        if (!error && plan) {
            plan->pool_prefix = prefix;
            plan->pool_plen = plen;
        }
        return error;
    }
    case WEFT_OP_FIP_ADD:
    case WEFT_OP_FIP_DEL:
    case WEFT_OP_FIP_SET:
        return check_fip__(req, plan);
    case WEFT_OP_MAP_ADD:
    case WEFT_OP_MAP_DEL:
        return check_map__(req, plan);
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------------------
 * Step 2. */

static struct weft_error *
find_tenant__(const struct topology *topo, const char *name,
              const struct topo_tenant **tenantp)
{
    *tenantp = topology_find_tenant_by_name(topo, name);
    return *tenantp ? NULL : weft_error_format(WEFT_ERR_NOT_FOUND,
                                               "tenant %s does not exist",
                                               name);
}

/* Port 'net_name'/'port_name' of 'tenant'. */
static struct weft_error *
find_port__(const struct topology *topo, const struct topo_tenant *tenant,
            const char *net_name, const char *port_name,
            const struct topo_port **portp)
{
    const struct topo_network *net = topology_find_network_by_name(
        topo, tenant, net_name);
    if (!net) {
        return weft_error_format(WEFT_ERR_NOT_FOUND, "network %s/%s does not "
                                 "exist", tenant->name, net_name);
    }
    *portp = topology_find_port_by_name(topo, net, port_name);
    return *portp ? NULL : weft_error_format(WEFT_ERR_NOT_FOUND,
                                             "port %s/%s/%s does not exist",
                                             tenant->name, net_name,
                                             port_name);
}

static struct weft_error *
find_pool__(const struct topology *topo, const char *name,
            const struct topo_pool **poolp)
{
    *poolp = topology_find_pool_by_name(topo, name);
    return *poolp ? NULL : weft_error_format(WEFT_ERR_NOT_FOUND,
                                             "pool %s does not exist", name);
}

/* The floating IP 'plan->fip_ip' of 'plan->tenant'.  Another tenant's does
 * not exist for a tenant; an administrator is told whose it is. */
static struct weft_error *
find_fip__(const struct topology *topo, struct weft_plan *plan)
{
    const struct topo_fip *fip = topology_find_fip_by_ip(topo, plan->fip_ip);
    if (!fip || (fip->tenant != plan->tenant && plan->req->tenant_view)) {
        return weft_error_format(WEFT_ERR_NOT_FOUND, "floating IP "IP_FMT
                                 " does not exist", IP_ARGS(plan->fip_ip));
    }
    if (fip->tenant != plan->tenant) {
        return weft_error_format(WEFT_ERR_CONFLICT, "floating IP "IP_FMT
                                 " belongs to tenant %s, not %s",
                                 IP_ARGS(plan->fip_ip), fip->tenant->name,
                                 plan->tenant->name);
    }
    plan->fip = fip;
    return NULL;
}

static struct weft_error *
validate_fip_add__(const struct topology *topo, struct weft_plan *plan)
{
    const struct weft_request *req = plan->req;
    struct weft_error *error = find_pool__(topo, req->pool, &plan->pool);
    if (error) {
        return error;
    }
    if (req->fip) {
        error = validate_wrap(WEFT_ERR_INVALID,
                       validate_fip_in_pool(plan->pool, plan->fip_ip));
        error = error ? error : validate_wrap(WEFT_ERR_CONFLICT,
                                       validate_fip_address(
                                           topo, plan->pool, plan->fip_ip,
                                           req->tenant_view));
    } else {
        /* The write layer verifies and bumps the pool's weft-fip-gen, so
         * that of two clients that picked the same address, the second
         * validates again and picks the next one. */
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       topo_fip_allocate(topo, plan->pool, &plan->fip_ip));
        plan->fip_allocated = !error;
    }
    if (!error && req->port_name) {
        error = find_port__(topo, plan->tenant, req->network, req->port_name,
                            &plan->target);
        error = error ? error : validate_wrap(WEFT_ERR_CONFLICT,
                                       validate_fip_target(
                                           NULL, plan->pool, plan->fip_ip,
                                           plan->target));
    }
    return error;
}

static struct weft_error *
validate_fip__(const struct topology *topo, struct weft_plan *plan)
{
    const struct weft_request *req = plan->req;
    struct weft_error *error = find_tenant__(topo, req->path[0],
                                             &plan->tenant);
    if (error) {
        return error;
    }
    if (req->op == WEFT_OP_FIP_ADD) {
        return validate_fip_add__(topo, plan);
    }
    error = find_fip__(topo, plan);
    if (error || req->op == WEFT_OP_FIP_DEL || !req->port_name) {
        return error;
    }
    error = find_port__(topo, plan->tenant, req->network, req->port_name,
                        &plan->target);
    return error ? error : validate_wrap(WEFT_ERR_CONFLICT,
                                  validate_fip_target(plan->fip,
                                                      plan->fip->pool,
                                                      plan->fip->ip,
                                                      plan->target));
}

static struct weft_error *
validate_map__(const struct topology *topo, struct weft_plan *plan)
{
    char *const *path = plan->req->path;
    struct weft_error *error = find_tenant__(topo, path[0], &plan->tenant);
    error = error ? error : find_port__(topo, plan->tenant, path[1], path[2],
                                        &plan->port);
    if (error) {
        return error;
    }
    plan->net = plan->port->network;
    struct topo_mapping *m = &plan->mapping;
    if (plan->req->op == WEFT_OP_MAP_ADD) {
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_new_mapping(plan->port, m));
        /* A node port is on every host (validate-service.c). */
        return error ? error : validate_wrap(WEFT_ERR_CONFLICT,
                                      validate_mapping_not_node_port(
                                          topo, plan->tenant, m->proto,
                                          m->host_port,
                                          plan->req->tenant_view));
    }
    for (size_t i = 0; i < plan->port->n_mappings; i++) {
        const struct topo_mapping *have = &plan->port->mappings[i];
        if (have->proto == m->proto && have->host_port == m->host_port) {
            m->port = have->port;
            return NULL;
        }
    }
    return weft_error_format(WEFT_ERR_NOT_FOUND, "port %s/%s/%s has no "
                             "mapping of %s/%u", path[0], path[1], path[2],
                             topo_proto_name(m->proto), m->host_port);
}

struct weft_error *
weft_request_validate_nat(const struct weft_request *req,
                          const struct topology *topo, struct weft_plan *plan)
{
    struct weft_error *error;
    switch (req->op) {
    case WEFT_OP_HOST_ADD:
        return validate_wrap(WEFT_ERR_CONFLICT,
                      validate_host_external(topo, NULL, req->uplink,
                                             &plan->ext));
    case WEFT_OP_HOST_SET:
        plan->host = topology_find_host_by_name(topo, req->path[0]);
        if (!plan->host) {
            return weft_error_format(WEFT_ERR_NOT_FOUND, "host %s does not "
                                     "exist", req->path[0]);
        }
        return (plan->ext_given
                ? validate_wrap(WEFT_ERR_CONFLICT,
                         validate_host_external(topo, plan->host, NULL,
                                                &plan->ext))
                : NULL);
    case WEFT_OP_ROUTER_SET:
        error = find_tenant__(topo, req->path[0], &plan->tenant);
        if (!error) {
            plan->router = topology_find_router_by_name(topo, plan->tenant,
                                                        req->path[1]);
            if (!plan->router) {
                error = weft_error_format(WEFT_ERR_NOT_FOUND, "router %s/%s "
                                          "does not exist", req->path[0],
                                          req->path[1]);
            }
        }
        return error;
    case WEFT_OP_POOL_ADD:
        return validate_wrap(WEFT_ERR_CONFLICT,
                      validate_new_pool(topo, req->path[0],
                                        plan->pool_prefix, plan->pool_plen));
    case WEFT_OP_POOL_DEL:
        error = find_pool__(topo, req->path[0], &plan->pool);
        return error ? error : validate_wrap(WEFT_ERR_CONFLICT,
                                      validate_del_pool(plan->pool));
    case WEFT_OP_FIP_ADD:
    case WEFT_OP_FIP_DEL:
    case WEFT_OP_FIP_SET:
        return validate_fip__(topo, plan);
    case WEFT_OP_MAP_ADD:
    case WEFT_OP_MAP_DEL:
        return validate_map__(topo, plan);
    default:
        OVS_NOT_REACHED();
    }
}
