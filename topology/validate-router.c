/* validate-router: the checks of a tenant's routers, their attachments to
 * networks and their static routes against the current topology.  See
 * validate.h ("Routers").
 *
 * A router joins only networks of its own tenant, so every object these
 * messages name belongs to the tenant being written to: they never tell a
 * tenant about another tenant's objects (validate-request.c resolves the
 * network's name and answers "does not exist" for another tenant's in a
 * tenant's view).  Pure: no I/O, no globals. */
#include <config.h>

#include "validate.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

struct eth_addr
topo_router_default_mac(uint32_t router_key, uint32_t network_key)
{
    return (struct eth_addr) { .ea = {
        0x02, 0x57, router_key >> 8, router_key, network_key >> 8,
        network_key } };
}

uint32_t
topology_next_router_key(const struct topology *topo)
{
    return topo_keys_lowest_free(&topo->router_keys);
}

char *
validate_new_router(const struct topology *topo,
                    const struct topo_tenant *tenant, const char *name)
{
    char *error = parse_name("router", name);
    if (error) {
        return error;
    }
    if (topology_find_router_by_name(topo, tenant, name)) {
        return xasprintf("router %s/%s already exists", tenant->name, name);
    }
    return NULL;
}

char *
validate_del_router(const struct topo_router *router)
{
    if (!router->n_ports && !router->n_routes) {
        return NULL;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "router %s/%s still has ", router->tenant->name,
                  router->name);
    if (router->n_ports) {
        ds_put_format(&s, "%"PRIuSIZE" network%s", router->n_ports,
                      router->n_ports == 1 ? "" : "s");
    }
    if (router->n_ports && router->n_routes) {
        ds_put_cstr(&s, " and ");
    }
    if (router->n_routes) {
        ds_put_format(&s, "%"PRIuSIZE" route%s", router->n_routes,
                      router->n_routes == 1 ? "" : "s");
    }
    ds_put_format(&s, ": %s first",
                  !router->n_routes ? "detach them"
                  : !router->n_ports ? "delete them"
                  : "detach and delete them");
    return ds_steal_cstr(&s);
}

/* True if the two subnets share an address. */
static bool
subnets_overlap(const struct topo_subnet *a, const struct topo_subnet *b)
{
    int plen = MIN(a->plen, b->plen);
    ovs_be32 mask = be32_prefix_mask(plen);
    return (a->prefix & mask) == (b->prefix & mask);
}

char *
validate_router_attach(const struct topo_router *router,
                       const struct topo_network *net, struct eth_addr mac)
{
    const char *t = router->tenant->name;
    if (net->tenant != router->tenant) {
        /* Only an administrator gets here (see validate-request.c). */
        return xasprintf("network %s/%s belongs to another tenant than "
                         "router %s/%s: a router joins only its own "
                         "tenant's networks", net->tenant->name, net->name,
                         t, router->name);
    }
    if (!net->subnet.plen) {
        return xasprintf("network %s/%s has no cidr: a router joins only "
                         "networks with a subnet", t, net->name);
    }
    if (net->router_port) {
        return xasprintf("network %s/%s is already attached to router %s/%s",
                         t, net->name, t, net->router_port->router->name);
    }
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
        const struct topo_subnet *o = &rp->network->subnet;
        if (subnets_overlap(&net->subnet, o)) {
            return xasprintf("subnet "IP_FMT"/%d of network %s/%s overlaps "
                             "subnet "IP_FMT"/%d of network %s/%s, also "
                             "attached to router %s/%s",
                             IP_ARGS(net->subnet.prefix), net->subnet.plen,
                             t, net->name, IP_ARGS(o->prefix), o->plen, t,
                             rp->network->name, t, router->name);
        }
    }
    const struct topo_port *port;
    TOPO_NETWORK_FOR_EACH_PORT (port, net) {
        if (eth_addr_equals(port->mac, mac)) {
            return xasprintf("MAC "ETH_ADDR_FMT" is already used by port "
                             "%s/%s/%s", ETH_ADDR_ARGS(mac), t, net->name,
                             port->name);
        }
    }
    return NULL;
}

char *
validate_router_detach(const struct topo_router *router,
                       const struct topo_network *net)
{
    const char *t = router->tenant->name;
    if (!topo_router_find_port(router, net)) {
        return xasprintf("network %s/%s is not attached to router %s/%s",
                         t, net->name, t, router->name);
    }
    for (size_t i = 0; i < router->n_routes; i++) {
        const struct topo_route *r = &router->routes[i];
        if (topo_subnet_contains(&net->subnet, r->nexthop)) {
            return xasprintf("route "IP_FMT"/%d via "IP_FMT" of router %s/%s "
                             "needs network %s/%s: delete the route first",
                             IP_ARGS(r->prefix), r->plen, IP_ARGS(r->nexthop),
                             t, router->name, t, net->name);
        }
    }
    /* Floating IPs and mappings need their network routed (the NAT is the
     * router's, ofproto/pipeline.h). */
    size_t n_fips = 0, n_maps = 0;
    const struct topo_port *port;
    TOPO_NETWORK_FOR_EACH_PORT (port, net) {
        n_fips += port->fip != NULL;
        n_maps += port->n_mappings;
    }
    if (n_fips || n_maps) {
        return xasprintf("network %s/%s still has %"PRIuSIZE" floating "
                         "IP%s and %"PRIuSIZE" port mapping%s: unassign and "
                         "delete them first", t, net->name, n_fips,
                         n_fips == 1 ? "" : "s", n_maps,
                         n_maps == 1 ? "" : "s");
    }
    return NULL;
}

char *
validate_new_route(const struct topo_router *router,
                   const struct topo_route *route)
{
    const char *t = router->tenant->name;
    for (size_t i = 0; i < router->n_routes; i++) {
        const struct topo_route *r = &router->routes[i];
        if (r->prefix == route->prefix && r->plen == route->plen) {
            return xasprintf("router %s/%s already has a route to "IP_FMT"/%d "
                             "(via "IP_FMT")", t, router->name,
                             IP_ARGS(r->prefix), r->plen,
                             IP_ARGS(r->nexthop));
        }
    }
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
        const struct topo_subnet *sn = &rp->network->subnet;
        if (!topo_subnet_contains(sn, route->nexthop)) {
            continue;
        }
        ovs_be32 nh = route->nexthop;
        const char *which = (nh == sn->gateway ? "router's own address"
                             : nh == sn->prefix ? "network address"
                             : nh == topo_subnet_broadcast(sn)
                             ? "broadcast address" : NULL);
        if (which) {
            return xasprintf("next hop "IP_FMT" is the %s on network %s/%s",
                             IP_ARGS(nh), which, t, rp->network->name);
        }
        return NULL;
    }
    return xasprintf("next hop "IP_FMT" is outside every subnet attached to "
                     "router %s/%s", IP_ARGS(route->nexthop), t,
                     router->name);
}
