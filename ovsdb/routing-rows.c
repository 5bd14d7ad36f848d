/* routing-rows: routers and subnets as the front ends show them.  See
 * routing-rows.h. */
#include <config.h>

#include "routing-rows.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smap.h"
#include "util.h"
#include "weft-idl.h"

const char *
routing_rows_gateway(const struct weftrec_network *net,
                     char buf[ROUTING_ROWS_IP_LEN])
{
    if (!net->cidr) {
        return NULL;
    }
    if (net->gateway) {
        ovs_strlcpy(buf, net->gateway, ROUTING_ROWS_IP_LEN);
        return buf;
    }
    /* The default: the first host address of the cidr. */
    char addr[ROUTING_ROWS_IP_LEN];
    const char *slash = strchr(net->cidr, '/');
    size_t len = slash ? (size_t) (slash - net->cidr) : 0;
    struct in_addr in;
    if (!slash || len >= sizeof addr) {
        return NULL;
    }
    memcpy(addr, net->cidr, len);
    addr[len] = '\0';
    if (inet_pton(AF_INET, addr, &in) != 1) {
        return NULL;
    }
    in.s_addr = htonl(ntohl(in.s_addr) + 1);
    return inet_ntop(AF_INET, &in, buf, ROUTING_ROWS_IP_LEN);
}

const struct weftrec_router *
routing_rows_network_router(struct ovsdb_idl *idl,
                            const struct weftrec_network *net,
                            const char **macp)
{
    const struct weftrec_router *router;
    WEFTREC_ROUTER_FOR_EACH (router, idl) {
        for (size_t i = 0; i < router->n_networks; i++) {
            if (router->key_networks[i] == net) {
                if (macp) {
                    *macp = router->value_networks[i];
                }
                return router;
            }
        }
    }
    return NULL;
}

const struct weftrec_router *
routing_rows_find_router(struct ovsdb_idl *idl,
                         const struct weftrec_tenant *tenant,
                         const char *name)
{
    const struct weftrec_router *router;
    WEFTREC_ROUTER_FOR_EACH (router, idl) {
        if (router->tenant == tenant && !strcmp(router->name, name)) {
            return router;
        }
    }
    return NULL;
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct routing_rows_port *a = a_, *b = b_;
    return strcmp(a->network, b->network);
}

struct routing_rows_port *
routing_rows_ports(const struct weftrec_router *router, size_t *n)
{
    struct routing_rows_port *ports = xcalloc(router->n_networks + 1,
                                              sizeof *ports);
    for (size_t i = 0; i < router->n_networks; i++) {
        ports[i].row = router->key_networks[i];
        ports[i].network = ports[i].row->name;
        ports[i].mac = router->value_networks[i];
    }
    qsort(ports, router->n_networks, sizeof *ports, compare_ports);
    /* After sorting: 'ip' points into its own element. */
    for (size_t i = 0; i < router->n_networks; i++) {
        ports[i].ip = routing_rows_gateway(ports[i].row, ports[i].ip_buf);
    }
    *n = router->n_networks;
    return ports;
}

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

const char **
routing_rows_route_prefixes(const struct weftrec_router *router, size_t *n)
{
    const char **prefixes = xmalloc((smap_count(&router->routes) + 1)
                                    * sizeof *prefixes);
    size_t i = 0;
    const struct smap_node *node;
    SMAP_FOR_EACH (node, &router->routes) {
        prefixes[i++] = node->key;
    }
    qsort(prefixes, i, sizeof *prefixes, compare_strings);
    *n = i;
    return prefixes;
}

int
routing_rows_compare_routers(const void *a_, const void *b_)
{
    const struct weftrec_router *const *a = a_, *const *b = b_;
    int cmp = strcmp((*a)->tenant ? (*a)->tenant->name : "?",
                     (*b)->tenant ? (*b)->tenant->name : "?");
    return cmp ? cmp : strcmp((*a)->name, (*b)->name);
}
