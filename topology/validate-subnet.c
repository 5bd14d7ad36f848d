/* validate-subnet: a network's IPv4 subnet (its cidr and gateway), the
 * addresses of its ports, and address allocation.  See validate.h.
 *
 * Pure, like the rest of validation: no I/O, no globals.  Allocation scans
 * the network's ports once (its port index, topology.h), so adding the
 * 10,000th port of a network costs what checking its MAC already costs, not
 * a walk over the subnet's addresses. */
#include <config.h>

#include "validate.h"

#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "packets.h"
#include "util.h"

/* Network prefix lengths weft accepts for a subnet: /8 to /30 (a /31 or
 * /32 has no room for a gateway and a port beside the network and
 * broadcast addresses). */
#define SUBNET_PLEN_MIN 8
#define SUBNET_PLEN_MAX 30

/* Parses "A.B.C.D/LEN" with LEN in 'min'..'max' and host bits zero.
 * 'what' names the value in messages ("cidr", "prefix"). */
static char *
parse_prefix__(const char *what, const char *s, int min, int max,
               ovs_be32 *prefix, int *plen)
{
    const char *slash = strchr(s, '/');
    if (!slash || !slash[1]) {
        return xasprintf("invalid %s \"%s\": expected A.B.C.D/LEN", what, s);
    }
    char *addr_s = xmemdup0(s, slash - s);
    ovs_be32 addr;
    char *error = parse_ipv4(addr_s, &addr);
    free(addr_s);
    if (error) {
        /* A route's prefix may be 0.0.0.0 (the default route, 0.0.0.0/0). */
        bool zero = !min && !strncmp(s, "0.0.0.0/", 8);
        free(error);
        if (!zero) {
            return xasprintf("invalid %s \"%s\": expected A.B.C.D/LEN",
                             what, s);
        }
        addr = 0;
    }
    const char *len_s = slash + 1;
    size_t n = strspn(len_s, "0123456789");
    if (!n || n > 2 || len_s[n] || (n > 1 && len_s[0] == '0')) {
        return xasprintf("invalid %s \"%s\": expected A.B.C.D/LEN", what, s);
    }
    int len = atoi(len_s);
    if (len < min || len > max) {
        return xasprintf("invalid %s \"%s\": prefix length must be %d-%d",
                         what, s, min, max);
    }
    ovs_be32 mask = be32_prefix_mask(len);
    if (addr & ~mask) {
        return xasprintf("%s %s has host bits set (did you mean "IP_FMT"/%d?)",
                         what, s, IP_ARGS(addr & mask), len);
    }
    *prefix = addr;
    *plen = len;
    return NULL;
}

char *
parse_cidr(const char *s, struct topo_subnet *subnet)
{
    memset(subnet, 0, sizeof *subnet);
    return parse_prefix__("cidr", s, SUBNET_PLEN_MIN, SUBNET_PLEN_MAX,
                          &subnet->prefix, &subnet->plen);
}

char *
parse_route_prefix(const char *s, struct topo_route *route)
{
    return parse_prefix__("prefix", s, 0, 32, &route->prefix, &route->plen);
}

ovs_be32
topo_subnet_broadcast(const struct topo_subnet *subnet)
{
    return subnet->prefix | ~be32_prefix_mask(subnet->plen);
}

char *
parse_gateway(const char *gw, struct topo_subnet *subnet)
{
    if (!gw) {
        subnet->gateway = htonl(ntohl(subnet->prefix) + 1);
        return NULL;
    }
    ovs_be32 ip;
    char *error = parse_ipv4(gw, &ip);
    if (error) {
        free(error);
        return xasprintf("invalid gateway \"%s\": expected A.B.C.D", gw);
    }
    if (strchr(gw, '/')) {
        return xasprintf("invalid gateway \"%s\": expected A.B.C.D", gw);
    }
    if (!topo_subnet_contains(subnet, ip)) {
        return xasprintf("gateway "IP_FMT" is outside "IP_FMT"/%d",
                         IP_ARGS(ip), IP_ARGS(subnet->prefix), subnet->plen);
    }
    if (ip == subnet->prefix || ip == topo_subnet_broadcast(subnet)) {
        return xasprintf("gateway "IP_FMT" is the %s address of "IP_FMT"/%d",
                         IP_ARGS(ip), ip == subnet->prefix ? "network"
                                                           : "broadcast",
                         IP_ARGS(subnet->prefix), subnet->plen);
    }
    subnet->gateway = ip;
    return NULL;
}

bool
topo_mac_is_router_range(struct eth_addr mac)
{
    return mac.ea[0] == 0x02 && mac.ea[1] == 0x57;
}

char *
validate_port_in_subnet(const struct topo_network *net, struct eth_addr mac,
                        const ovs_be32 *ips, size_t n_ips)
{
    const char *t = net->tenant->name;
    if (net->router_port && (topo_mac_is_router_range(mac)
                             || eth_addr_equals(mac, net->router_port->mac))) {
        /* Either would answer for the gateway, or later for a router
         * attached with a generated MAC. */
        return xasprintf("MAC "ETH_ADDR_FMT" is the router's: network %s/%s "
                         "is attached to router %s/%s, which takes %s",
                         ETH_ADDR_ARGS(mac), t, net->name, t,
                         net->router_port->router->name,
                         eth_addr_equals(mac, net->router_port->mac)
                         ? "that MAC" : "MACs 02:57:xx:xx:xx:xx");
    }
    const struct topo_subnet *sn = &net->subnet;
    if (!sn->plen) {
        return NULL;
    }
    for (size_t i = 0; i < n_ips; i++) {
        ovs_be32 ip = ips[i];
        if (!topo_subnet_contains(sn, ip)) {
            return xasprintf("IP "IP_FMT" is outside network %s/%s's subnet "
                             IP_FMT"/%d", IP_ARGS(ip), t, net->name,
                             IP_ARGS(sn->prefix), sn->plen);
        }
        const char *which = (ip == sn->prefix ? "network address"
                             : ip == topo_subnet_broadcast(sn)
                             ? "broadcast address"
                             : ip == sn->gateway ? "gateway" : NULL);
        if (which) {
            return xasprintf("IP "IP_FMT" is the %s of network %s/%s ("
                             IP_FMT"/%d)", IP_ARGS(ip), which, t, net->name,
                             IP_ARGS(sn->prefix), sn->plen);
        }
    }
    return NULL;
}

char *
topo_subnet_allocate(const struct topo_network *net, ovs_be32 *ip)
{
    const struct topo_subnet *sn = &net->subnet;
    if (!sn->plen) {
        return xasprintf("network %s/%s has no cidr: give the port an IP",
                         net->tenant->name, net->name);
    }

    /* The lowest free offset is at most the number of addresses taken (the
     * ports' IPs, the network address and the gateway): only offsets up to
     * there need a bit, whatever the subnet's size. */
    const struct topo_port *port;
    size_t n_taken = 2;
    TOPO_NETWORK_FOR_EACH_PORT (port, net) {
        n_taken += port->n_ips;
    }
    uint64_t size = UINT64_C(1) << (32 - sn->plen);
    size_t n_bits = MIN(size, n_taken + 1);
    unsigned long *used = bitmap_allocate(n_bits);
    uint32_t base = ntohl(sn->prefix);
    bitmap_set1(used, 0);                               /* Network. */
    uint32_t gw = ntohl(sn->gateway) - base;
    if (topo_subnet_contains(sn, sn->gateway) && gw < n_bits) {
        bitmap_set1(used, gw);
    }
    TOPO_NETWORK_FOR_EACH_PORT (port, net) {
        for (size_t i = 0; i < port->n_ips; i++) {
            uint32_t off = ntohl(port->ips[i]) - base;
            if (topo_subnet_contains(sn, port->ips[i]) && off < n_bits) {
                bitmap_set1(used, off);
            }
        }
    }
    size_t off = bitmap_scan(used, 0, 0, n_bits);
    free(used);
    if (off >= size - 1) {
        /* Past the end, or the broadcast address. */
        return xasprintf("no free address in "IP_FMT"/%d of network %s/%s",
                         IP_ARGS(sn->prefix), sn->plen, net->tenant->name,
                         net->name);
    }
    *ip = htonl(base + off);
    return NULL;
}

char *
parse_pool_cidr(const char *s, ovs_be32 *prefix, int *plen)
{
    return parse_prefix__("pool cidr", s, TOPO_POOL_PLEN_MIN,
                          TOPO_POOL_PLEN_MAX, prefix, plen);
}
