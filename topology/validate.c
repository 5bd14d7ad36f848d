/* validate: parsers for user input and semantic checks of proposed changes
 * against the current topology.  See validate.h.
 *
 * Everything here is pure: the functions read their arguments and 'topo' and
 * return either NULL or a malloc'd message.  Numbers are parsed strictly
 * (decimal digits only: no sign, no whitespace, no trailing junk, no
 * overflow) because a silently truncated "4095x" or a wrapped "-1" would put
 * a different segment on the wire than the operator asked for. */
#include <config.h>

#include "validate.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "util.h"

/* Parses 's' as a decimal number made only of digits into '*value'.  Returns
 * false for an empty string, any non-digit (including a sign or whitespace),
 * or a value that does not fit in unsigned long long. */
static bool
parse_decimal__(const char *s, unsigned long long *value)
{
    if (!s[0]) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char) *p)) {
            return false;
        }
    }

    char *end;
    errno = 0;
    *value = strtoull(s, &end, 10);
    return !errno && !*end;
}

/* Parses 's' as a decimal integer in 'min'..'max' into '*value'.  On failure
 * returns a message that starts with 'what' (e.g. "VLAN ID") and ends with
 * 'suffix' (e.g. " for vxlan"), e.g. "invalid VLAN ID 4095 (must be
 * 1-4094)". */
static char *
parse_ranged__(const char *what, const char *suffix, const char *s,
               unsigned long long min, unsigned long long max,
               unsigned long long *value)
{
    if (!parse_decimal__(s, value)) {
        bool all_digits = s[0] && strspn(s, "0123456789") == strlen(s);
        if (!all_digits) {
            return xasprintf("invalid %s \"%s\"%s: expected a decimal "
                             "number %llu-%llu", what, s, suffix, min, max);
        }
        /* Only digits, but too large for unsigned long long. */
    } else if (*value >= min && *value <= max) {
        return NULL;
    }
    return xasprintf("invalid %s %s%s (must be %llu-%llu)",
                     what, s, suffix, min, max);
}

char *
parse_name(const char *what, const char *s)
{
    size_t len = strlen(s);
    if (!len) {
        return xasprintf("%s name must not be empty", what);
    }
    if (len > TOPO_NAME_MAX) {
        return xasprintf("%s name \"%s\" is too long (%"PRIuSIZE" characters,"
                         " maximum %d)", what, s, len, TOPO_NAME_MAX);
    }
    if (s[0] == '-') {
        return xasprintf("invalid %s name \"%s\": must not start with '-'",
                         what, s);
    }
    /* Names become path segments (REST URLs, "red/net/a"): "." and ".."
     * would read as the current or the parent object. */
    if (!strcmp(s, ".") || !strcmp(s, "..")) {
        return xasprintf("invalid %s name \"%s\": \".\" and \"..\" are "
                         "not names", what, s);
    }
    for (const char *p = s; *p; p++) {
        unsigned char c = *p;
        if (!isalnum(c) && c != '_' && c != '.' && c != '-') {
            return xasprintf("invalid %s name \"%s\": only letters, digits, "
                             "'_', '.' and '-' are allowed", what, s);
        }
    }
    return NULL;
}

char *
parse_iface_name(const char *s)
{
    size_t len = strlen(s);
    if (!len) {
        return xstrdup("interface name must not be empty");
    }
    if (len > TOPO_IFACE_MAX) {
        return xasprintf("interface name \"%s\" is too long (%"PRIuSIZE
                         " characters, maximum %d)", s, len, TOPO_IFACE_MAX);
    }
    /* The kernel refuses these two as network device names. */
    if (!strcmp(s, ".") || !strcmp(s, "..")) {
        return xasprintf("invalid interface name \"%s\"", s);
    }
    for (const char *p = s; *p; p++) {
        unsigned char c = *p;
        if (c == '/' || isspace(c) || !isprint(c)) {
            return xasprintf("invalid interface name \"%s\": must not contain "
                             "'/', whitespace or control characters", s);
        }
    }
    return NULL;
}

char *
parse_mac(const char *s, struct eth_addr *mac)
{
    /* Exactly "xx:xx:xx:xx:xx:xx": eth_addr_from_string() would also accept
     * trailing text, which we do not want. */
    struct eth_addr ea;
    bool ok = strlen(s) == 17;
    bool hex_ok = true;
    for (int i = 0; ok && i < 6; i++) {
        const char *p = &s[i * 3];
        if (!isxdigit((unsigned char) p[0]) || !isxdigit((unsigned char) p[1])
            || (i < 5 && p[2] != ':')) {
            ok = false;
        } else {
            ea.ea[i] = hexits_value(p, 2, &hex_ok);
        }
    }
    if (!ok) {
        return xasprintf("invalid MAC \"%s\": expected xx:xx:xx:xx:xx:xx", s);
    }

    if (eth_addr_is_broadcast(ea)) {
        return xasprintf("MAC "ETH_ADDR_FMT" is the broadcast address",
                         ETH_ADDR_ARGS(ea));
    }
    if (eth_addr_is_multicast(ea)) {
        return xasprintf("MAC "ETH_ADDR_FMT" is multicast", ETH_ADDR_ARGS(ea));
    }
    if (eth_addr_is_zero(ea)) {
        return xasprintf("MAC "ETH_ADDR_FMT" is all zeros", ETH_ADDR_ARGS(ea));
    }
    *mac = ea;
    return NULL;
}

/* Parses a strict dotted quad (four decimal octets 0-255, no leading zeros,
 * which some parsers read as octal) from 's', which must end at 'end'. */
static bool
parse_dotted_quad__(const char *s, const char *end, ovs_be32 *ip)
{
    uint32_t addr = 0;
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        if (i > 0) {
            if (p >= end || *p != '.') {
                return false;
            }
            p++;
        }
        int n_digits = 0;
        unsigned int octet = 0;
        while (p < end && isdigit((unsigned char) *p) && n_digits < 4) {
            octet = octet * 10 + (*p - '0');
            n_digits++;
            p++;
        }
        if (!n_digits || n_digits > 3 || octet > 255
            || (n_digits > 1 && p[-n_digits] == '0')) {
            return false;
        }
        addr = (addr << 8) | octet;
    }
    if (p != end) {
        return false;
    }
    *ip = htonl(addr);
    return true;
}

char *
parse_ipv4(const char *s, ovs_be32 *ip)
{
    const char *slash = strchr(s, '/');
    const char *end = slash ? slash : s + strlen(s);
    ovs_be32 addr;
    unsigned long long plen;
    if (!parse_dotted_quad__(s, end, &addr)
        || (slash && (!parse_decimal__(slash + 1, &plen) || plen > 32))) {
        return xasprintf("invalid IP \"%s\": expected A.B.C.D or "
                         "A.B.C.D/LEN", s);
    }

    if (!addr) {
        return xasprintf("IP "IP_FMT" is the unspecified address",
                         IP_ARGS(addr));
    }
    if (addr == htonl(UINT32_MAX)) {
        return xasprintf("IP "IP_FMT" is the broadcast address",
                         IP_ARGS(addr));
    }
    if (ip_is_multicast(addr)) {
        return xasprintf("IP "IP_FMT" is multicast", IP_ARGS(addr));
    }
    *ip = addr;
    return NULL;
}

char *
parse_net_type(const char *s, enum topo_net_type *type)
{
    if (!topo_net_type_from_string(s, type)) {
        return xasprintf("network type \"%s\" unknown (expected vlan, vxlan, "
                         "gre or geneve)", s);
    }
    return NULL;
}

char *
parse_segment_id(enum topo_net_type type, const char *s, uint32_t *segment_id)
{
    unsigned long long value;
    char *error;
    switch (type) {
    case TOPO_NET_VLAN:
        error = parse_ranged__("VLAN ID", "", s, TOPO_VLAN_MIN, TOPO_VLAN_MAX,
                               &value);
        break;
    case TOPO_NET_GRE:
        error = parse_ranged__("GRE key", "", s, TOPO_VNI_MIN, TOPO_VNI_MAX,
                               &value);
        break;
    case TOPO_NET_VXLAN:
    case TOPO_NET_GENEVE: {
        char *suffix = xasprintf(" for %s", topo_net_type_to_string(type));
        error = parse_ranged__("VNI", suffix, s, TOPO_VNI_MIN, TOPO_VNI_MAX,
                               &value);
        free(suffix);
        break;
    }
    default:
        return xasprintf("network type %d unknown", (int) type);
    }
    if (!error) {
        *segment_id = value;
    }
    return error;
}

char *
parse_mtu(const char *s, int *mtu)
{
    unsigned long long value;
    char *error = parse_ranged__("MTU", "", s, TOPO_MTU_MIN, TOPO_MTU_MAX,
                                 &value);
    if (!error) {
        *mtu = value;
    }
    return error;
}

char *
parse_ovsdb_remote(const char *s)
{
    if (!strncmp(s, "unix:", 5)) {
        if (!s[5]) {
            return xasprintf("invalid OVSDB remote \"%s\": unix: needs a "
                             "socket path", s);
        }
        return NULL;
    } else if (!strncmp(s, "tcp:", 4) || !strncmp(s, "ssl:", 4)) {
        /* ssl: is tcp: with OVS's stream-ssl (weftd's --private-key,
         * --certificate and --ca-cert). */
        const char *host = s + 4;
        const char *colon = strrchr(host, ':');
        ovs_be32 ip;
        unsigned long long port;
        if (!colon || !parse_dotted_quad__(host, colon, &ip)
            || !parse_decimal__(colon + 1, &port) || !port || port > 65535) {
            return xasprintf("invalid OVSDB remote \"%s\": expected "
                             "%.4sIP:PORT with an IPv4 address and a port "
                             "1-65535", s, s);
        }
        return NULL;
    }
    return xasprintf("invalid OVSDB remote \"%s\": expected unix:PATH, "
                     "tcp:IP:PORT or ssl:IP:PORT", s);
}

char *
parse_datapath_type(const char *s)
{
    if (strcmp(s, "netdev") && strcmp(s, "system")) {
        return xasprintf("datapath type \"%s\" unknown (expected netdev or "
                         "system)", s);
    }
    return NULL;
}

/* On error, stores NULL in every element of 'parts'. */
char *
parse_path(const char *s, size_t n_parts, char *parts[])
{
    static const char *const what[] = { "tenant", "network", "port" };
    ovs_assert(n_parts >= 1 && n_parts <= ARRAY_SIZE(what));

    for (size_t i = 0; i < n_parts; i++) {
        parts[i] = NULL;
    }

    size_t n_slashes = 0;
    for (const char *p = s; *p; p++) {
        n_slashes += *p == '/';
    }
    if (n_slashes != n_parts - 1) {
        return xasprintf("invalid path \"%s\": expected %s", s,
                         n_parts == 1 ? "TENANT"
                         : n_parts == 2 ? "TENANT/NETWORK"
                         : "TENANT/NETWORK/PORT");
    }

    const char *start = s;
    for (size_t i = 0; i < n_parts; i++) {
        size_t len = strcspn(start, "/");
        parts[i] = xmemdup0(start, len);
        char *error = parse_name(what[i], parts[i]);
        if (error) {
            for (size_t j = 0; j <= i; j++) {
                free(parts[j]);
                parts[j] = NULL;
            }
            return error;
        }
        start += len + 1;
    }
    return NULL;
}

char *
validate_new_host(const struct topology *topo, const char *name)
{
    char *error = parse_name("host", name);
    if (error) {
        return error;
    }
    if (topology_find_host_by_name(topo, name)) {
        return xasprintf("host %s already exists", name);
    }
    return NULL;
}

char *
validate_new_tenant(const struct topology *topo, const char *name)
{
    char *error = parse_name("tenant", name);
    if (error) {
        return error;
    }
    if (topology_find_tenant_by_name(topo, name)) {
        return xasprintf("tenant %s already exists", name);
    }
    return NULL;
}

char *
validate_new_network(const struct topology *topo,
                     const struct topo_tenant *tenant, const char *name,
                     enum topo_net_type type, uint32_t segment_id,
                     bool tenant_view)
{
    char *error = parse_name("network", name);
    if (error) {
        return error;
    }
    if (topology_find_network_by_name(topo, tenant, name)) {
        return xasprintf("network %s/%s already exists", tenant->name, name);
    }

    /* Re-check the range: callers other than weftctl may build 'segment_id'
     * without parse_segment_id(). */
    char *s = xasprintf("%"PRIu32, segment_id);
    uint32_t parsed;
    error = parse_segment_id(type, s, &parsed);
    free(s);
    if (error) {
        return error;
    }

    const struct topo_network *net;
    TOPOLOGY_FOR_EACH_NETWORK (net, topo) {
        if (net->type == type && net->segment_id == segment_id) {
            if (tenant_view && net->tenant != tenant) {
                return xasprintf("%s segment %"PRIu32" is already in use",
                                 topo_net_type_to_string(type), segment_id);
            }
            return xasprintf("%s segment %"PRIu32" is already used by "
                             "network %s/%s", topo_net_type_to_string(type),
                             segment_id, net->tenant->name, net->name);
        }
    }
    return NULL;
}

bool
validate_iface_is_reserved(const struct topo_host *host, const char *iface)
{
    static const char *const tunnel_prefixes[] = {
        TOPO_TUNNEL_PREFIX_VXLAN,
        TOPO_TUNNEL_PREFIX_GRE,
        TOPO_TUNNEL_PREFIX_GENEVE,
    };
    if (!strcmp(iface, TOPO_BRIDGE_NAME)) {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(tunnel_prefixes); i++) {
        if (!strncmp(iface, tunnel_prefixes[i],
                     strlen(tunnel_prefixes[i]))) {
            return true;
        }
    }
    return host && ((host->uplink && !strcmp(iface, host->uplink))
                    || (host->ext.iface && !strcmp(iface, host->ext.iface)));
}

char *
validate_new_port(const struct topology *topo, const struct topo_network *net,
                  const struct topo_host *host, const char *name,
                  const char *iface, struct eth_addr mac,
                  const ovs_be32 *ips, size_t n_ips, bool tenant_view)
{
    const char *tenant = net->tenant->name;
    char *error = parse_name("port", name);
    if (!error) {
        error = parse_iface_name(iface);
    }
    if (error) {
        return error;
    }
    if (topology_find_port_by_name(topo, net, name)) {
        return xasprintf("port %s/%s/%s already exists",
                         tenant, net->name, name);
    }

    /* Which piece of infrastructure holds the name is nobody's business
     * but the administrator's: the message is the same for all of them,
     * and the one weftd reports for a name held by something else on the
     * host (see controller/host.c). */
    if (validate_iface_is_reserved(host, iface)) {
        return xasprintf("interface name %s is not available on host %s%s",
                         iface, host->name,
                         strcmp(iface, TOPO_BRIDGE_NAME)
                         && (!host->uplink || strcmp(iface, host->uplink))
                         && (!host->ext.iface
                             || strcmp(iface, host->ext.iface))
                         ? " (names starting with "TOPO_TUNNEL_PREFIX_VXLAN
                           ", "TOPO_TUNNEL_PREFIX_GRE" or "
                           TOPO_TUNNEL_PREFIX_GENEVE" are weft's tunnels)"
                         : "");
    }

    /* Through the host's and the network's port indexes: O(their ports),
     * not O(all ports). */
    const struct topo_port *port;
    if (host) {
        TOPO_HOST_FOR_EACH_PORT (port, host) {
            if (strcmp(port->iface, iface)) {
                continue;
            }
            if (tenant_view && port->network->tenant != net->tenant) {
                return xasprintf("interface %s is already in use on host %s",
                                 iface, host->name);
            }
            return xasprintf("interface %s is already used on host %s by "
                             "port %s/%s/%s", iface, host->name,
                             port->network->tenant->name,
                             port->network->name, port->name);
        }
    }
    TOPO_NETWORK_FOR_EACH_PORT (port, net) {
        if (eth_addr_equals(port->mac, mac)) {
            return xasprintf("duplicate MAC "ETH_ADDR_FMT" in network %s/%s "
                             "(port %s/%s/%s)", ETH_ADDR_ARGS(mac),
                             tenant, net->name, tenant, net->name,
                             port->name);
        }
        for (size_t i = 0; i < n_ips; i++) {
            for (size_t j = 0; j < port->n_ips; j++) {
                if (ips[i] == port->ips[j]) {
                    return xasprintf("duplicate IP "IP_FMT" in network %s/%s "
                                     "(port %s/%s/%s)", IP_ARGS(ips[i]),
                                     tenant, net->name, tenant, net->name,
                                     port->name);
                }
            }
        }
    }
    return NULL;
}

/* Returns "N noun" or "N nouns" as a malloc'd string. */
static char *
count_noun__(size_t n, const char *noun)
{
    return xasprintf("%"PRIuSIZE" %s%s", n, noun, n == 1 ? "" : "s");
}

char *
validate_del_host(const struct topology *topo OVS_UNUSED,
                  const struct topo_host *host)
{
    size_t n = host->n_ports;          /* The host's port index. */
    if (n) {
        char *count = count_noun__(n, "port");
        char *error = xasprintf("host %s still has %s", host->name, count);
        free(count);
        return error;
    }
    return NULL;
}

char *
validate_del_tenant(const struct topology *topo OVS_UNUSED,
                    const struct topo_tenant *tenant)
{
    /* The tenant's network, router and floating IP indexes. */
    const size_t counts[] = { tenant->n_networks, tenant->n_routers,
                              tenant->n_fips, tenant->n_services,
                              tenant->n_sgs };
    static const char *const nouns[] = { "network", "router", "floating IP",
                                         "service", "security group" };
    size_t n_held = 0, left = 0;
    for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
        left += counts[i] != 0;
    }
    struct ds held = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
        if (counts[i]) {
            char *count = count_noun__(counts[i], nouns[i]);
            left--;
            ds_put_format(&held, "%s%s", !n_held++ ? "" : left ? ", "
                          : " and ", count);
            free(count);
        }
    }
    if (held.length) {
        char *error = xasprintf("tenant %s still has %s", tenant->name,
                                ds_cstr(&held));
        ds_destroy(&held);
        return error;
    }
    return NULL;
}

char *
validate_del_network(const struct topology *topo OVS_UNUSED,
                     const struct topo_network *net)
{
    size_t n = net->n_ports;           /* The network's port index. */
    if (n) {
        char *count = count_noun__(n, "port");
        char *error = xasprintf("network %s/%s still has %s",
                                net->tenant->name, net->name, count);
        free(count);
        return error;
    }
    if (net->router_port) {
        /* The router's tenant is the network's. */
        return xasprintf("network %s/%s is attached to router %s/%s: detach "
                         "it first", net->tenant->name, net->name,
                         net->tenant->name, net->router_port->router->name);
    }
    return NULL;
}

/* The lowest free key of each kind, from the topology's key indexes
 * (keys.h): O(log64 of the key space), not a sort of every key. */
uint32_t
topology_next_tenant_key(const struct topology *topo)
{
    return topo_keys_lowest_free(&topo->tenant_keys);
}

uint32_t
topology_next_network_key(const struct topology *topo)
{
    return topo_keys_lowest_free(&topo->network_keys);
}

uint32_t
topology_next_port_key(const struct topology *topo)
{
    return topo_keys_lowest_free(&topo->port_keys);
}
