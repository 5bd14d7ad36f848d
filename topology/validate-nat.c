/* validate-nat: the checks of the ways in and out of tenant networks: a
 * host's external side, external address pools, floating IPs (and their
 * allocation), port mappings and a router's SNAT switch.  See validate.h
 * ("NAT") and the rules in topology/nat.c's callers.
 *
 * Pure, like the rest of validation: no I/O, no globals.  A tenant is told
 * that an address or a host port is taken, never by whom ('tenant_view');
 * host names are not secret (a tenant places its ports by them), tenant
 * names are. */
#include <config.h>

#include "validate.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "packets.h"
#include "util.h"

/* ------------------------------------------------------------------------
 * Parsers. */

/* True if 'ip' lies in 'prefix'/'plen'. */
static bool
in_prefix__(ovs_be32 ip, ovs_be32 prefix, int plen)
{
    return !((ip ^ prefix) & be32_prefix_mask(plen));
}

/* For a prefix of length 30 or less (one with a network and a broadcast
 * address): "network" or "broadcast" if 'ip' is one of them, else NULL. */
static const char *
special_address__(ovs_be32 ip, ovs_be32 prefix, int plen)
{
    if (plen > 30) {
        return NULL;
    }
    ovs_be32 mask = be32_prefix_mask(plen);
    return (ip == (prefix & mask) ? "network"
            : ip == (prefix | ~mask) ? "broadcast" : NULL);
}

/* "A.B.C.D/LEN" with LEN 1..32, host bits allowed (a host's address on its
 * LAN). */
static char *
parse_external_ip__(const char *s, ovs_be32 *ip, int *plen)
{
    const char *slash = strchr(s, '/');
    const char *len_s = slash ? slash + 1 : "";
    size_t n = strspn(len_s, "0123456789");
    char *error = NULL;
    if (slash && n && n <= 2 && !len_s[n] && (n == 1 || len_s[0] != '0')) {
        char *addr_s = xmemdup0(s, slash - s);
        error = parse_ipv4(addr_s, ip);
        free(addr_s);
        *plen = atoi(len_s);
        if (!error && (*plen < 1 || *plen > 32)) {
            return xasprintf("invalid external IP \"%s\": prefix length must "
                             "be 1-32", s);
        }
    }
    if (error || !slash || !n || n > 2 || len_s[n]
        || (n > 1 && len_s[0] == '0')) {
        free(error);
        return xasprintf("invalid external IP \"%s\": expected A.B.C.D/LEN "
                         "(the host's address and its LAN's length)", s);
    }
    const char *special = special_address__(*ip, *ip, *plen);
    if (special) {
        return xasprintf("external IP %s is the %s address of its LAN", s,
                         special);
    }
    return NULL;
}

/* A dotted quad without a length. */
static char *
parse_plain_ipv4__(const char *what, const char *s, ovs_be32 *ip)
{
    char *error = strchr(s, '/') ? NULL : parse_ipv4(s, ip);
    if (error || strchr(s, '/')) {
        free(error);
        return xasprintf("invalid %s \"%s\": expected A.B.C.D", what, s);
    }
    return NULL;
}

char *
parse_external(const char *iface, const char *ip, const char *gateway,
               struct topo_external *ext)
{
    memset(ext, 0, sizeof *ext);
    if (!iface && !ip && !gateway) {
        return NULL;
    }
    if (!iface || !ip || !gateway) {
        return xasprintf("the external side needs an interface, an IP and a "
                         "gateway (%s missing)",
                         !iface ? "interface" : !ip ? "IP" : "gateway");
    }
    char *error = parse_iface_name(iface);
    if (error) {
        return error;
    }
    if (validate_iface_is_reserved(NULL, iface)) {
        return xasprintf("external interface %s is a name of weft's own (%s, "
                         "or a tunnel: "TOPO_TUNNEL_PREFIX_VXLAN"..., "
                         TOPO_TUNNEL_PREFIX_GRE"..., "
                         TOPO_TUNNEL_PREFIX_GENEVE"...)", iface,
                         TOPO_BRIDGE_NAME);
    }
    ovs_be32 addr, gw;
    int plen;
    error = parse_external_ip__(ip, &addr, &plen);
    if (!error) {
        error = parse_plain_ipv4__("external gateway", gateway, &gw);
    }
    if (error) {
        return error;
    }
    ovs_be32 prefix = addr & be32_prefix_mask(plen);
    if (!in_prefix__(gw, addr, plen)) {
        return xasprintf("external gateway "IP_FMT" is not inside the "
                         "external LAN "IP_FMT"/%d", IP_ARGS(gw),
                         IP_ARGS(prefix), plen);
    }
    if (gw == addr) {
        return xasprintf("external gateway "IP_FMT" is the host's own "
                         "external IP", IP_ARGS(gw));
    }
    const char *special = special_address__(gw, addr, plen);
    if (special) {
        return xasprintf("external gateway "IP_FMT" is the %s address of "
                         "the external LAN "IP_FMT"/%d", IP_ARGS(gw), special,
                         IP_ARGS(prefix), plen);
    }
    ext->iface = CONST_CAST(char *, iface);
    ext->ip = addr;
    ext->plen = plen;
    ext->gateway = gw;
    return NULL;
}

char *
parse_proto(const char *s, uint8_t *proto)
{
    if (!strcmp(s, "tcp")) {
        *proto = IPPROTO_TCP;
    } else if (!strcmp(s, "udp")) {
        *proto = IPPROTO_UDP;
    } else {
        return xasprintf("invalid protocol \"%s\": expected tcp or udp", s);
    }
    return NULL;
}

const char *
topo_proto_name(uint8_t proto)
{
    return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "?";
}

char *
parse_l4_port(const char *what, const char *s, uint16_t *port)
{
    size_t n = strspn(s, "0123456789");
    if (!n || s[n]) {
        return xasprintf("invalid %s \"%s\": expected a number 1..65535",
                         what, s);
    }
    /* Leading zeros are harmless here; skip them so that a long run of
     * them is not "too large". */
    while (s[0] == '0' && s[1]) {
        s++;
    }
    unsigned long v = strlen(s) > 5 ? 65536 : strtoul(s, NULL, 10);
    if (v < 1 || v > 65535) {
        return xasprintf("%s %s is out of range 1..65535", what, s);
    }
    *port = v;
    return NULL;
}

char *
parse_snat(const char *s, bool *snat)
{
    if (!strcmp(s, "true")) {
        *snat = true;
    } else if (!strcmp(s, "false")) {
        *snat = false;
    } else {
        return xasprintf("invalid snat \"%s\": expected true or false", s);
    }
    return NULL;
}

bool
topo_mapping_key_parse(const char *s, uint8_t *proto, uint16_t *host_port)
{
    const char *slash = strchr(s, '/');
    if (!slash) {
        return false;
    }
    char *proto_s = xmemdup0(s, slash - s);
    char *error = parse_proto(proto_s, proto);
    free(proto_s);
    if (!error) {
        error = parse_l4_port("host port", slash + 1, host_port);
    }
    bool ok = !error;
    free(error);
    if (ok) {
        /* Canonical text only: "tcp/08080" would be a second key for the
         * same host port. */
        char *canon = topo_mapping_key(*proto, *host_port);
        ok = !strcmp(canon, s);
        free(canon);
    }
    return ok;
}

char *
topo_mapping_key(uint8_t proto, uint16_t host_port)
{
    return xasprintf("%s/%u", topo_proto_name(proto), host_port);
}

/* ------------------------------------------------------------------------
 * External sides. */

/* "N port mappings and M floating IPs" for 'host' (the nonzero ones), or
 * NULL if it has none. */
static char *
external_use__(const struct topo_host *host)
{
    size_t n_maps = 0, n_fips = 0;
    const struct topo_port *port;
    TOPO_HOST_FOR_EACH_PORT (port, host) {
        n_maps += port->n_mappings;
        n_fips += port->fip != NULL;
    }
    if (!n_maps && !n_fips) {
        return NULL;
    }
    char *maps = xasprintf("%"PRIuSIZE" port mapping%s", n_maps,
                           n_maps == 1 ? "" : "s");
    char *fips = xasprintf("%"PRIuSIZE" floating IP%s", n_fips,
                           n_fips == 1 ? "" : "s");
    char *use = xasprintf("%s%s%s", n_maps ? maps : "",
                          n_maps && n_fips ? " and " : "",
                          n_fips ? fips : "");
    free(maps);
    free(fips);
    return use;
}

/* The interface and address of a new external side 'ext' of 'host' (NULL:
 * a new host with uplink 'uplink') against the rest of the topology. */
static char *
validate_external_names__(const struct topology *topo,
                          const struct topo_host *host, const char *uplink,
                          const struct topo_external *ext)
{
    const char *up = host ? host->uplink : uplink;
    if (up && !strcmp(up, ext->iface)) {
        return xasprintf("external interface %s is the host's uplink",
                         ext->iface);
    }
    if (host) {
        const struct topo_port *port;
        TOPO_HOST_FOR_EACH_PORT (port, host) {
            if (port->iface && !strcmp(port->iface, ext->iface)) {
                return xasprintf("interface %s is already used by port "
                                 "%s/%s/%s on host %s", ext->iface,
                                 port->network->tenant->name,
                                 port->network->name, port->name, host->name);
            }
        }
    }
    const struct topo_host *other;
    TOPOLOGY_FOR_EACH_HOST (other, topo) {
        if (other != host && topo_host_has_external(other)
            && (other->ext.ip == ext->ip
                || other->ext.gateway == ext->ip)) {
            return xasprintf("external IP "IP_FMT" is already host %s's%s",
                             IP_ARGS(ext->ip), other->name,
                             other->ext.ip == ext->ip ? ""
                             : " external gateway");
        }
    }
    const struct topo_fip *fip = topology_find_fip_by_ip(topo, ext->ip);
    if (fip) {
        return xasprintf("external IP "IP_FMT" is a floating IP of tenant %s",
                         IP_ARGS(ext->ip), fip->tenant->name);
    }
    fip = topology_find_fip_by_ip(topo, ext->gateway);
    if (fip) {
        return xasprintf("external gateway "IP_FMT" is a floating IP of "
                         "tenant %s", IP_ARGS(ext->gateway),
                         fip->tenant->name);
    }
    return NULL;
}

char *
validate_host_external(const struct topology *topo,
                       const struct topo_host *host, const char *uplink,
                       const struct topo_external *ext)
{
    if (ext->iface) {
        char *error = validate_external_names__(topo, host, uplink, ext);
        if (error) {
            return error;
        }
    }
    if (!host) {
        return NULL;
    }
    if (!ext->iface) {
        char *use = external_use__(host);
        char *error = (use ? xasprintf("host %s still has %s: delete them "
                                       "first", host->name, use)
                       : NULL);
        free(use);
        return error;
    }
    const struct topo_port *port;
    TOPO_HOST_FOR_EACH_PORT (port, host) {
        if (port->fip && !in_prefix__(port->fip->ip, ext->ip, ext->plen)) {
            return xasprintf("floating IP "IP_FMT" on host %s would be "
                             "outside its external LAN "IP_FMT"/%d: move or "
                             "delete it first", IP_ARGS(port->fip->ip),
                             host->name,
                             IP_ARGS(ext->ip & be32_prefix_mask(ext->plen)),
                             ext->plen);
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Pools and floating IPs. */

char *
validate_new_pool(const struct topology *topo, const char *name,
                  ovs_be32 prefix, int plen)
{
    char *error = parse_name("pool", name);
    if (error) {
        return error;
    }
    const struct topo_pool *pool;
    TOPOLOGY_FOR_EACH_POOL (pool, topo) {
        if (!strcmp(pool->name, name)) {
            return xasprintf("pool %s already exists", name);
        }
    }
    TOPOLOGY_FOR_EACH_POOL (pool, topo) {
        if (in_prefix__(prefix, pool->prefix, MIN(plen, pool->plen))) {
            return xasprintf("pool cidr "IP_FMT"/%d overlaps pool %s ("
                             IP_FMT"/%d)", IP_ARGS(prefix), plen, pool->name,
                             IP_ARGS(pool->prefix), pool->plen);
        }
    }
    return NULL;
}

char *
validate_del_pool(const struct topo_pool *pool)
{
    if (pool->n_fips) {
        return xasprintf("pool %s still has %"PRIuSIZE" floating IP%s",
                         pool->name, pool->n_fips,
                         pool->n_fips == 1 ? "" : "s");
    }
    return NULL;
}

char *
validate_fip_in_pool(const struct topo_pool *pool, ovs_be32 ip)
{
    if (!in_prefix__(ip, pool->prefix, pool->plen)) {
        return xasprintf("address "IP_FMT" is not in pool %s ("IP_FMT"/%d)",
                         IP_ARGS(ip), pool->name, IP_ARGS(pool->prefix),
                         pool->plen);
    }
    const char *special = special_address__(ip, pool->prefix, pool->plen);
    if (special) {
        return xasprintf("address "IP_FMT" is the %s address of pool %s",
                         IP_ARGS(ip), special, pool->name);
    }
    return NULL;
}

char *
validate_fip_address(const struct topology *topo,
                     const struct topo_pool *pool, ovs_be32 ip,
                     bool tenant_view)
{
    char *error = validate_fip_in_pool(pool, ip);
    if (error) {
        return error;
    }
    char *whose = NULL;
    const struct topo_host *host;
    TOPOLOGY_FOR_EACH_HOST (host, topo) {
        if (topo_host_has_external(host)
            && (host->ext.ip == ip || host->ext.gateway == ip)) {
            whose = xasprintf("host %s's external %s", host->name,
                              host->ext.ip == ip ? "IP" : "gateway");
            break;
        }
    }
    const struct topo_fip *fip = whose ? NULL
                                 : topology_find_fip_by_ip(topo, ip);
    if (fip) {
        whose = xasprintf("a floating IP of tenant %s", fip->tenant->name);
    }
    if (whose) {
        error = (tenant_view
                 ? xasprintf("address "IP_FMT" is already in use",
                             IP_ARGS(ip))
                 : xasprintf("address "IP_FMT" is already in use (%s)",
                             IP_ARGS(ip), whose));
        free(whose);
    }
    return error;
}

static int
compare_u32__(const void *a_, const void *b_)
{
    uint32_t a = *(const uint32_t *) a_, b = *(const uint32_t *) b_;
    return a < b ? -1 : a > b;
}

char *
topo_fip_allocate(const struct topology *topo, const struct topo_pool *pool,
                  ovs_be32 *ip)
{
    /* The addresses of the pool in use, in host order, sorted. */
    size_t n = 0, max = 2 * hmap_count(&topo->hosts)
                        + hmap_count(&topo->fips) + 1;
    uint32_t *used = xmalloc(max * sizeof *used);
    const struct topo_host *host;
    TOPOLOGY_FOR_EACH_HOST (host, topo) {
        if (topo_host_has_external(host)) {
            used[n++] = ntohl(host->ext.ip);
            used[n++] = ntohl(host->ext.gateway);
        }
    }
    const struct topo_fip *fip;
    TOPOLOGY_FOR_EACH_FIP (fip, topo) {
        used[n++] = ntohl(fip->ip);
    }
    qsort(used, n, sizeof *used, compare_u32__);

    uint32_t first = ntohl(pool->prefix);
    uint32_t last = first | ~ntohl(be32_prefix_mask(pool->plen));
    if (pool->plen <= 30) {
        first++;
        last--;
    }
    size_t i = 0;
    for (uint64_t a = first; a <= last; a++) {
        while (i < n && used[i] < a) {
            i++;
        }
        if (i == n || used[i] != a) {
            free(used);
            *ip = htonl(a);
            return NULL;
        }
    }
    free(used);
    return xasprintf("pool %s has no free address", pool->name);
}

char *
validate_nat_endpoint(const struct topo_port *port,
                      const struct topo_pool *pool, ovs_be32 fip_ip)
{
    const struct topo_network *net = port->network;
    if (!port->n_ips) {
        return xasprintf("port %s/%s/%s has no IPv4 address",
                         net->tenant->name, net->name, port->name);
    }
    if (!net->router_port) {
        return xasprintf("network %s/%s is not attached to a router",
                         net->tenant->name, net->name);
    }
    const struct topo_host *host = port->host;
    if (!topo_host_has_external(host)) {
        return xasprintf("host %s has no external side", host->name);
    }
    if (pool && !in_prefix__(fip_ip, host->ext.ip, host->ext.plen)) {
        return xasprintf("host %s has no external side on "IP_FMT"/%d",
                         host->name, IP_ARGS(pool->prefix), pool->plen);
    }
    return NULL;
}

char *
validate_fip_target(const struct topo_fip *fip, const struct topo_pool *pool,
                    ovs_be32 ip, const struct topo_port *port)
{
    char *error = validate_nat_endpoint(port, pool, ip);
    if (!error && port->fip && port->fip != fip) {
        const struct topo_network *net = port->network;
        error = xasprintf("port %s/%s/%s already has floating IP "IP_FMT,
                          net->tenant->name, net->name, port->name,
                          IP_ARGS(port->fip->ip));
    }
    return error;
}

/* ------------------------------------------------------------------------
 * Port mappings. */

char *
validate_new_mapping(const struct topo_port *port,
                     const struct topo_mapping *m)
{
    char *error = validate_nat_endpoint(port, NULL, 0);
    if (!error && topo_host_find_mapping(port->host, m->proto,
                                         m->host_port)) {
        error = xasprintf("host %s port %s/%u is already mapped",
                          port->host->name, topo_proto_name(m->proto),
                          m->host_port);
    }
    return error;
}
