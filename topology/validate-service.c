/* validate-service: the request ops of services (request.h: SERVICE_ADD,
 * SERVICE_DEL, SERVICE_SET, BACKEND_ADD, BACKEND_DEL, BACKEND_SET) in the
 * two steps of validate-request.c: weft_request_check_service() checks the
 * values alone, weft_request_validate_service() checks an op against the
 * topology and fills the plan that ovsdb/weft-write-services.c writes; and
 * the checks other ops make because of services (a router, a tenant or a
 * network in use, a port mapping on a node port).  Pure: no I/O, no
 * globals.
 *
 * Error kinds as everywhere: INVALID for a bad value, NOT_FOUND for a
 * named object that does not exist or (tenant view) is another tenant's,
 * CONFLICT for what is taken or in use.  In tenant view a conflict with
 * another tenant's service or port names neither.
 *
 * A node port is allowed on a deployment without any external side: the
 * service is then simply not reachable from outside until a host has one. */
#include <config.h>

#include "validate.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

uint32_t
topology_next_service_key(const struct topology *topo)
{
    return topo_keys_lowest_free(&topo->service_keys);
}

/* ------------------------------------------------------------------------
 * Values. */

char *
parse_vip(const char *s, ovs_be32 *vip)
{
    ovs_be32 ip = 0;
    char *error = strchr(s, '/') ? xstrdup("invalid") : parse_ipv4(s, &ip);
    if (error && !strncmp(error, "invalid", 7)) {
        free(error);
        return xasprintf("invalid VIP \"%s\": expected a unicast A.B.C.D", s);
    } else if (error) {
        return error;           /* "IP 224.0.0.5 is multicast". */
    }
    static const struct {
        uint32_t prefix;
        int plen;
        const char *what;
    } reserved[] = {
        { 0x00000000, 8, "in 0.0.0.0/8" },
        { 0x7f000000, 8, "a loopback address" },
        { 0xe0000000, 4, "multicast" },
        { 0x64400000, 16, "in 100.64.0.0/16 (weft's transit addresses)" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
        ovs_be32 mask = be32_prefix_mask(reserved[i].plen);
        if ((ip & mask) == htonl(reserved[i].prefix)) {
            return xasprintf("VIP "IP_FMT" is %s", IP_ARGS(ip),
                             reserved[i].what);
        }
    }
    *vip = ip;
    return NULL;
}

char *
parse_weight(const char *s, uint16_t *weight)
{
    size_t n = strspn(s, "0123456789");
    if (!n || s[n]) {
        return xasprintf("invalid weight \"%s\": expected a number 1..256",
                         s);
    }
    while (s[0] == '0' && s[1]) {
        s++;
    }
    unsigned long v = strlen(s) > 3 ? 257 : strtoul(s, NULL, 10);
    if (v < 1 || v > TOPO_WEIGHT_MAX) {
        return xasprintf("weight %s is out of range 1..256", s);
    }
    *weight = v;
    return NULL;
}

static char *
parse_down__(const char *s, int *down)
{
    if (!strcmp(s, "true") || !strcmp(s, "false")) {
        *down = !strcmp(s, "true");
        return NULL;
    }
    return xasprintf("invalid down \"%s\": expected true or false", s);
}

/* ------------------------------------------------------------------------
 * Step 1. */

static char *
check_service_add__(const struct weft_request *req, struct weft_plan *plan)
{
    ovs_be32 vip = 0;
    uint16_t port = 0, node_port = 0;
    uint8_t proto = IPPROTO_TCP;
    char *error = validate_require(req->router, "router");
    error = error ? error : parse_name("router", req->router);
    error = error ? error : validate_require(req->vip, "VIP");
    error = error ? error : parse_vip(req->vip, &vip);
    error = error ? error : validate_require(req->svc_port, "port");
    error = error ? error : parse_l4_port("port", req->svc_port, &port);
    if (!error && req->proto) {
        error = parse_proto(req->proto, &proto);
    }
    if (!error && req->node_port) {
        error = parse_l4_port("node port", req->node_port, &node_port);
    }
    if (!error && plan) {
        plan->vip = vip;
        plan->svc_port = port;
        plan->svc_proto = proto;
        plan->node_port = node_port;
    }
    return error;
}

static char *
check_service_set__(const struct weft_request *req, struct weft_plan *plan)
{
    uint16_t node_port = 0;
    char *error = validate_require(req->node_port,
                                   "node port (or its removal)");
    if (!error && req->node_port[0]) {
        error = parse_l4_port("node port", req->node_port, &node_port);
    }
    if (!error && plan) {
        plan->node_port = node_port;
    }
    return error;
}

/* A backend's endpoint: 'network' ("NAME", or "TENANT/NAME" for an
 * administrator's clear answer) and 'port_name'. */
static char *
check_endpoint__(const struct weft_request *req)
{
    char *error = validate_network_ref(req);
    error = error ? error : validate_require(req->port_name, "port");
    return error ? error : parse_name("port", req->port_name);
}

static char *
check_backend__(const struct weft_request *req, struct weft_plan *plan)
{
    uint16_t to_port = 0, weight = 0;
    int down = -1;
    char *error = check_endpoint__(req);
    if (!error && req->op != WEFT_OP_BACKEND_DEL) {
        if (req->to_port) {
            error = parse_l4_port("target port", req->to_port, &to_port);
        }
        if (!error && req->weight) {
            error = parse_weight(req->weight, &weight);
        }
        if (!error && req->down) {
            error = parse_down__(req->down, &down);
        }
        if (!error && req->op == WEFT_OP_BACKEND_SET
            && !req->to_port && !req->weight && !req->down) {
            error = xstrdup("nothing to change: give a target port, a "
                            "weight or down");
        }
    }
    if (!error && plan) {
        plan->backend.port_num = to_port;
        plan->backend.weight = weight;
        plan->backend_down = down;
    }
    return error;
}

char *
weft_request_check_service(const struct weft_request *req,
                           struct weft_plan *plan)
{
    switch (req->op) {
    case WEFT_OP_SERVICE_ADD:
        return check_service_add__(req, plan);
    case WEFT_OP_SERVICE_SET:
        return check_service_set__(req, plan);
    case WEFT_OP_BACKEND_ADD:
    case WEFT_OP_BACKEND_DEL:
    case WEFT_OP_BACKEND_SET:
        return check_backend__(req, plan);
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------------------
 * Checks against the topology. */

static char *
service_addr__(const struct topo_service *svc)
{
    return xasprintf(IP_FMT":%u/%s", IP_ARGS(svc->vip), svc->port,
                     topo_proto_name(svc->proto));
}

char *
validate_new_service(const struct topology *topo,
                     const struct topo_tenant *tenant,
                     const struct topo_router *router, const char *name,
                     ovs_be32 vip, uint16_t port, uint8_t proto)
{
    char *error = parse_name("service", name);
    if (error) {
        return error;
    }
    if (topology_find_service_by_name(topo, tenant, name)) {
        return xasprintf("service %s/%s already exists", tenant->name, name);
    }
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
        if (rp->network->subnet.plen
            && topo_subnet_contains(&rp->network->subnet, vip)) {
            return xasprintf("VIP "IP_FMT" is inside subnet "IP_FMT"/%d of "
                             "network %s/%s, attached to router %s/%s",
                             IP_ARGS(vip),
                             IP_ARGS(rp->network->subnet.prefix),
                             rp->network->subnet.plen, tenant->name,
                             rp->network->name, tenant->name, router->name);
        }
    }
    const struct topo_service *svc;
    TOPO_ROUTER_FOR_EACH_SERVICE (svc, router) {
        if (svc->vip == vip && svc->port == port && svc->proto == proto) {
            char *addr = service_addr__(svc);
            error = xasprintf("%s is already a service of router %s/%s "
                              "(%s/%s)", addr, tenant->name, router->name,
                              tenant->name, svc->name);
            free(addr);
            return error;
        }
    }
    return NULL;
}

/* The message for ('proto', 'port') taken by 'what' ("service red/web",
 * "a port mapping of red/vx/a1 on host h1"), or a vague one if 'mine' is
 * false in tenant view. */
static char *
port_taken__(const char *noun, uint8_t proto, uint16_t port, bool mine,
             bool tenant_view, const char *what)
{
    if (tenant_view && !mine) {
        return xasprintf("%s %s/%u is already in use", noun,
                         topo_proto_name(proto), port);
    }
    return xasprintf("%s %s/%u is already used by %s", noun,
                     topo_proto_name(proto), port, what);
}

char *
validate_node_port(const struct topology *topo,
                   const struct topo_tenant *tenant,
                   const struct topo_service *self, uint8_t proto,
                   uint16_t node_port, bool tenant_view)
{
    const struct topo_service *svc;
    TOPOLOGY_FOR_EACH_SERVICE (svc, topo) {
        if (svc != self && svc->node_port == node_port
            && svc->proto == proto) {
            char *what = xasprintf("service %s/%s", svc->tenant->name,
                                   svc->name);
            char *error = port_taken__("node port", proto, node_port,
                                       svc->tenant == tenant, tenant_view,
                                       what);
            free(what);
            return error;
        }
    }
    const struct topo_host *host;
    TOPOLOGY_FOR_EACH_HOST (host, topo) {
        const struct topo_port *p = topo_host_find_mapping(host, proto,
                                                           node_port);
        if (p) {
            char *what = xasprintf("a port mapping of %s/%s/%s on host %s",
                                   p->network->tenant->name,
                                   p->network->name, p->name, host->name);
            char *error = port_taken__("node port", proto, node_port,
                                       p->network->tenant == tenant,
                                       tenant_view, what);
            free(what);
            return error;
        }
    }
    return NULL;
}

char *
validate_mapping_not_node_port(const struct topology *topo,
                               const struct topo_tenant *tenant,
                               uint8_t proto, uint16_t host_port,
                               bool tenant_view)
{
    const struct topo_service *svc;
    TOPOLOGY_FOR_EACH_SERVICE (svc, topo) {
        if (svc->node_port == host_port && svc->proto == proto) {
            char *what = xasprintf("service %s/%s as its node port",
                                   svc->tenant->name, svc->name);
            char *error = port_taken__("host port", proto, host_port,
                                       svc->tenant == tenant, tenant_view,
                                       what);
            free(what);
            return error;
        }
    }
    return NULL;
}

const struct topo_backend *
topo_service_find_backend(const struct topo_service *svc,
                          const struct topo_port *port)
{
    for (size_t i = 0; i < svc->n_backends; i++) {
        if (svc->backends[i].port == port) {
            return &svc->backends[i];
        }
    }
    return NULL;
}

char *
validate_backend_port(const struct topo_service *svc,
                      const struct topo_port *port)
{
    const char *t = svc->tenant->name;
    const struct topo_network *net = port->network;
    if (net->tenant != svc->tenant) {
        return xasprintf("port %s/%s/%s belongs to tenant %s, not %s",
                         net->tenant->name, net->name, port->name,
                         net->tenant->name, t);
    }
    if (!port->n_ips) {
        return xasprintf("port %s/%s/%s has no IPv4 address", t, net->name,
                         port->name);
    }
    if (!net->router_port || net->router_port->router != svc->router) {
        return xasprintf("network %s/%s of port %s/%s/%s is not attached to "
                         "router %s/%s of service %s/%s", t, net->name, t,
                         net->name, port->name, t, svc->router->name, t,
                         svc->name);
    }
    if (topo_service_find_backend(svc, port)) {
        return xasprintf("port %s/%s/%s is already a backend of service "
                         "%s/%s", t, net->name, port->name, t, svc->name);
    }
    return NULL;
}

/* Appends to 's' the names of 'router''s services (those with a backend on
 * 'net' if it is nonnull), sorted (the index's order is the load's), up to
 * three; returns how many there are. */
static size_t
put_service_names__(struct ds *s, const struct topo_router *router,
                    const struct topo_network *net)
{
    struct svec names = SVEC_EMPTY_INITIALIZER;
    const struct topo_service *svc;
    TOPO_ROUTER_FOR_EACH_SERVICE (svc, router) {
        bool uses = !net;
        for (size_t i = 0; !uses && i < svc->n_backends; i++) {
            uses = svc->backends[i].port->network == net;
        }
        if (uses) {
            svec_add_nocopy(&names, xasprintf("%s/%s", svc->tenant->name,
                                              svc->name));
        }
    }
    svec_sort(&names);
    for (size_t i = 0; i < names.n && i < 3; i++) {
        ds_put_format(s, "%s%s", i ? ", " : "", names.names[i]);
    }
    if (names.n > 3) {
        ds_put_format(s, " and %"PRIuSIZE" more", names.n - 3);
    }
    size_t n = names.n;
    svec_destroy(&names);
    return n;
}

char *
validate_router_services(const struct topo_router *router,
                         const struct topo_network *net)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n = put_service_names__(&s, router, net);
    const char *plural = n > 1 ? "s" : "";
    if (!n) {
        ds_destroy(&s);
        return NULL;
    }
    char *error = (net
                   ? xasprintf("network %s/%s holds backends of service%s "
                               "%s of router %s/%s: remove them first",
                               net->tenant->name, net->name, plural,
                               ds_cstr(&s), router->tenant->name,
                               router->name)
                   : xasprintf("router %s/%s still has service%s %s: "
                               "delete %s first", router->tenant->name,
                               router->name, plural, ds_cstr(&s),
                               n > 1 ? "them" : "it"));
    ds_destroy(&s);
    return error;
}

char *
validate_attach_vips(const struct topo_router *router,
                     const struct topo_network *net)
{
    /* The first by name, whatever the index's order. */
    const struct topo_service *svc, *first = NULL;
    TOPO_ROUTER_FOR_EACH_SERVICE (svc, router) {
        if (net->subnet.plen && topo_subnet_contains(&net->subnet, svc->vip)
            && (!first || strcmp(svc->name, first->name) < 0)) {
            first = svc;
        }
    }
    return (first
            ? xasprintf("subnet "IP_FMT"/%d of network %s/%s contains VIP "
                        IP_FMT" of service %s/%s",
                        IP_ARGS(net->subnet.prefix), net->subnet.plen,
                        net->tenant->name, net->name, IP_ARGS(first->vip),
                        first->tenant->name, first->name)
            : NULL);
}

/* ------------------------------------------------------------------------
 * Step 2. */

static struct weft_error *
find_service__(const struct topology *topo, struct weft_plan *plan)
{
    char *const *path = plan->req->path;
    plan->tenant = topology_find_tenant_by_name(topo, path[0]);
    if (!plan->tenant) {
        return weft_error_format(WEFT_ERR_NOT_FOUND, "tenant %s does not "
                                 "exist", path[0]);
    }
    plan->service = topology_find_service_by_name(topo, plan->tenant,
                                                  path[1]);
    if (plan->service) {
        plan->router = plan->service->router;
    }
    return plan->service ? NULL : weft_error_format(WEFT_ERR_NOT_FOUND,
                                                    "service %s/%s does not "
                                                    "exist", path[0],
                                                    path[1]);
}

static struct weft_error *
validate_service_add__(const struct topology *topo, struct weft_plan *plan)
{
    const struct weft_request *req = plan->req;
    plan->tenant = topology_find_tenant_by_name(topo, req->path[0]);
    if (!plan->tenant) {
        return weft_error_format(WEFT_ERR_NOT_FOUND, "tenant %s does not "
                                 "exist", req->path[0]);
    }
    /* Looked up among the tenant's own routers only: another tenant's
     * does not exist here. */
    plan->router = topology_find_router_by_name(topo, plan->tenant,
                                                req->router);
    if (!plan->router) {
        return weft_error_format(WEFT_ERR_NOT_FOUND, "router %s/%s does not "
                                 "exist", req->path[0], req->router);
    }
    struct weft_error *error = validate_wrap(
        WEFT_ERR_CONFLICT, validate_new_service(topo, plan->tenant,
                                                plan->router, req->path[1],
                                                plan->vip, plan->svc_port,
                                                plan->svc_proto));
    if (!error && plan->node_port) {
        error = validate_wrap(WEFT_ERR_CONFLICT,
                       validate_node_port(topo, plan->tenant, NULL,
                                          plan->svc_proto, plan->node_port,
                                          req->tenant_view));
    }
    if (!error) {
        plan->key = topology_next_service_key(topo);
        if (!plan->key) {
            error = weft_error_format(WEFT_ERR_CONFLICT, "no free service "
                                      "key (all %d are in use)",
                                      TOPO_SERVICE_KEY_MAX);
        }
    }
    return error;
}

static struct weft_error *
validate_backend__(const struct topology *topo, struct weft_plan *plan)
{
    struct weft_error *error = find_service__(topo, plan);
    /* The backend's port: another tenant's port does not exist for a
     * tenant; an administrator gets it, and validate_backend_port()
     * refuses it. */
    error = error ? error : validate_find_port_ref(topo, plan);
    if (error) {
        return error;
    }
    const struct topo_service *svc = plan->service;
    struct topo_backend *b = &plan->backend;
    if (plan->req->op == WEFT_OP_BACKEND_ADD) {
        b->port = plan->port;
        b->port_num = b->port_num ? b->port_num : svc->port;
        b->weight = b->weight ? b->weight : 1;
        b->down = plan->backend_down == 1;
        return validate_wrap(WEFT_ERR_CONFLICT,
                      validate_backend_port(svc, plan->port));
    }
    const struct topo_backend *have = topo_service_find_backend(svc,
                                                                plan->port);
    if (!have) {
        const struct topo_network *net = plan->port->network;
        return weft_error_format(WEFT_ERR_NOT_FOUND, "port %s/%s/%s is not "
                                 "a backend of service %s/%s",
                                 net->tenant->name, net->name,
                                 plan->port->name, svc->tenant->name,
                                 svc->name);
    }
    b->port = have->port;
    b->port_num = b->port_num ? b->port_num : have->port_num;
    b->weight = b->weight ? b->weight : have->weight;
    b->down = plan->backend_down >= 0 ? plan->backend_down : have->down;
    return NULL;
}

struct weft_error *
weft_request_validate_service(const struct weft_request *req,
                              const struct topology *topo,
                              struct weft_plan *plan)
{
    struct weft_error *error;
    switch (req->op) {
    case WEFT_OP_SERVICE_ADD:
        return validate_service_add__(topo, plan);
    case WEFT_OP_SERVICE_DEL:
        return find_service__(topo, plan);
    case WEFT_OP_SERVICE_SET:
        error = find_service__(topo, plan);
        if (!error && plan->node_port) {
            error = validate_wrap(WEFT_ERR_CONFLICT,
                           validate_node_port(topo, plan->tenant,
                                              plan->service,
                                              plan->service->proto,
                                              plan->node_port,
                                              req->tenant_view));
        }
        return error;
    case WEFT_OP_BACKEND_ADD:
    case WEFT_OP_BACKEND_DEL:
    case WEFT_OP_BACKEND_SET:
        return validate_backend__(topo, plan);
    default:
        OVS_NOT_REACHED();
    }
}
