/* validate-security: the request ops of security groups (request.h:
 * SG_ADD, SG_DEL, SG_RULE_ADD, SG_RULE_DEL, SG_MEMBER_ADD, SG_MEMBER_DEL)
 * in the two steps of validate-request.c: weft_request_check_security()
 * checks the values alone, weft_request_validate_security() checks an op
 * against the topology and fills the plan that
 * ovsdb/weft-write-security.c writes.  Also the IPv6 addresses of a port
 * (PORT_ADD's 'ips' hold both families), whose checks are port security's
 * ground: an address a port may send from.  Pure: no I/O, no globals.
 *
 * Error kinds as everywhere: INVALID for a bad value, NOT_FOUND for a
 * named object that does not exist or (tenant view) is another tenant's,
 * CONFLICT for what is taken or in use.  A group, its rules and its
 * members are all of one tenant, so no message here names another
 * tenant's object to a tenant: a remote group is looked up in the
 * request's tenant only, and a member's network of another tenant does
 * not exist for a tenant (the same answer whether it exists or not). */
#include <config.h>

#include "validate.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

/* ------------------------------------------------------------------------
 * Values. */

char *
parse_sg_direction(const char *s, enum topo_sg_dir *dir)
{
    return (topo_sg_dir_from_string(s, dir) ? NULL
            : xasprintf("invalid direction \"%s\": expected ingress or "
                        "egress", s));
}

char *
parse_sg_proto(const char *s, uint8_t *proto)
{
    if (!strcmp(s, "tcp")) {
        *proto = IPPROTO_TCP;
    } else if (!strcmp(s, "udp")) {
        *proto = IPPROTO_UDP;
    } else if (!strcmp(s, "icmp")) {
        *proto = IPPROTO_ICMP;
    } else if (!strcmp(s, "any")) {
        *proto = 0;
    } else {
        return xasprintf("invalid proto \"%s\": expected tcp, udp, icmp or "
                         "any", s);
    }
    return NULL;
}

const char *
topo_sg_proto_name(uint8_t proto)
{
    return (proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp"
            : proto == IPPROTO_ICMP ? "icmp" : "any");
}

char *
parse_sg_ports(const char *s, uint16_t *min, uint16_t *max)
{
    const char *dash = strchr(s, '-');
    char *first = dash ? xmemdup0(s, dash - s) : xstrdup(s);
    const char *last = dash ? dash + 1 : first;
    uint16_t lo = 0, hi = 0;
    char *error = NULL;
    if (!first[0] || !last[0] || strspn(first, "0123456789") != strlen(first)
        || strspn(last, "0123456789") != strlen(last)) {
        error = xasprintf("invalid ports \"%s\": expected N or N-M "
                          "(1..65535)", s);
    }
    error = error ? error : parse_l4_port("port", first, &lo);
    error = error ? error : parse_l4_port("port", last, &hi);
    if (!error && lo > hi) {
        error = xasprintf("invalid ports \"%s\": the first port is above "
                          "the last", s);
    }
    free(first);
    if (!error) {
        *min = lo;
        *max = hi;
    }
    return error;
}

/* Parses "ADDRESS/LEN" (or a bare address: a host) of either family into
 * 'addr' (IPv4 v4-mapped) and '*plen'; '*family' AF_INET or AF_INET6.
 * False if it does not parse. */
static bool
parse_prefix__(const char *s, int *family, struct in6_addr *addr, int *plen)
{
    const char *slash = strchr(s, '/');
    char *a = slash ? xmemdup0(s, slash - s) : xstrdup(s);
    bool v6 = strchr(a, ':') != NULL;
    int max = v6 ? 128 : 32;
    int len = max;
    bool ok;
    if (v6) {
        ok = inet_pton(AF_INET6, a, addr) == 1;
    } else {
        ovs_be32 ip;
        ok = inet_pton(AF_INET, a, &ip) == 1;
        if (ok) {
            in6_addr_set_mapped_ipv4(addr, ip);
        }
    }
    free(a);
    if (ok && slash) {
        const char *p = slash + 1;
        size_t n = strspn(p, "0123456789");
        ok = n && n <= 3 && !p[n] && atoi(p) <= max;
        len = ok ? atoi(p) : 0;
    }
    *family = v6 ? AF_INET6 : AF_INET;
    *plen = len;
    return ok;
}

/* 'addr' ('family' AF_INET: v4-mapped) with only its first 'plen' bits. */
static struct in6_addr
prefix_masked__(int family, const struct in6_addr *addr, int plen)
{
    struct in6_addr mask = ipv6_create_mask(family == AF_INET ? 96 + plen
                                                              : plen);
    return ipv6_addr_bitand(addr, &mask);
}

char *
topo_sg_prefix_to_string(int family, const struct in6_addr *addr, int plen)
{
    char buf[INET6_ADDRSTRLEN];
    if (family == AF_INET) {
        ovs_be32 ip = in6_addr_get_mapped_ipv4(addr);
        return xasprintf(IP_FMT"/%d", IP_ARGS(ip), plen);
    }
    inet_ntop(AF_INET6, addr, buf, sizeof buf);
    return xasprintf("%s/%d", buf, plen);
}

char *
parse_sg_remote_cidr(const char *s, int *family, struct in6_addr *prefix,
                     int *plen)
{
    struct in6_addr addr;
    int fam, len;
    if (!parse_prefix__(s, &fam, &addr, &len)) {
        return xasprintf("invalid remote CIDR \"%s\": expected an IPv4 or "
                         "IPv6 prefix (A.B.C.D/LEN or X:X::/LEN)", s);
    }
    if (fam == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&addr)) {
        /* One spelling per prefix: the rule's family says which packets
         * it matches (ofproto/pipeline.h "Policy"). */
        return xasprintf("remote CIDR %s is IPv4-mapped (give the IPv4 "
                         "prefix itself)", s);
    }
    struct in6_addr masked = prefix_masked__(fam, &addr, len);
    if (!ipv6_addr_equals(&masked, &addr)) {
        char *want = topo_sg_prefix_to_string(fam, &masked, len);
        char *error = xasprintf("%s has host bits set; did you mean %s?",
                                s, want);
        free(want);
        return error;
    }
    *family = fam;
    *prefix = addr;
    *plen = len;
    return NULL;
}

char *
parse_sg_rule_id(const char *s, uint32_t *id)
{
    uint16_t v;
    char *error = NULL;
    size_t n = strspn(s, "0123456789");
    if (!n || s[n] || (error = parse_l4_port("rule id", s, &v))) {
        free(error);
        return xasprintf("invalid rule id \"%s\": expected a number "
                         "1..65535", s);
    }
    *id = v;
    return NULL;
}

/* ------------------------------------------------------------------------
 * IPv6 addresses of ports. */

char *
parse_port_ipv6(const char *s, struct in6_addr *ip6)
{
    struct in6_addr addr;
    int family, plen;
    if (!parse_prefix__(s, &family, &addr, &plen) || family != AF_INET6) {
        return xasprintf("invalid IP \"%s\": expected an IPv6 address "
                         "X:X::X or X:X::X/LEN", s);
    }
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &addr, buf, sizeof buf);
    const char *what = NULL;
    if (ipv6_addr_equals(&addr, &in6addr_any)) {
        what = "the unspecified address";
    } else if (ipv6_addr_equals(&addr, &in6addr_loopback)) {
        what = "the loopback address";
    } else if (ipv6_addr_is_multicast(&addr)) {
        what = "multicast";
    } else if (addr.s6_addr[0] == 0xfe && (addr.s6_addr[1] & 0xc0) == 0x80) {
        what = "link-local (fe80::/10; a port's link-local address comes "
               "from its MAC)";
    } else if (IN6_IS_ADDR_V4MAPPED(&addr)) {
        what = "IPv4-mapped (give the IPv4 address itself)";
    }
    if (what) {
        return xasprintf("IP %s is %s", buf, what);
    }
    *ip6 = addr;
    return NULL;
}

bool
topo_ip_is_ipv6(const char *s)
{
    return strchr(s, ':') != NULL;
}

char *
validate_port_ip6s(const struct topo_network *net,
                   const struct in6_addr *ip6s, size_t n_ip6s)
{
    const char *tenant = net->tenant->name;
    const struct topo_port *port;
    TOPO_NETWORK_FOR_EACH_PORT (port, net) {
        for (size_t i = 0; i < n_ip6s; i++) {
            for (size_t j = 0; j < port->n_ip6s; j++) {
                if (ipv6_addr_equals(&ip6s[i], &port->ip6s[j])) {
                    char buf[INET6_ADDRSTRLEN];
                    inet_ntop(AF_INET6, &ip6s[i], buf, sizeof buf);
                    return xasprintf("duplicate IP %s in network %s/%s "
                                     "(port %s/%s/%s)", buf, tenant,
                                     net->name, tenant, net->name,
                                     port->name);
                }
            }
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Step 1. */

static char *
check_rule_add__(const struct weft_request *req, struct weft_plan *plan)
{
    struct topo_sg_rule r;
    memset(&r, 0, sizeof r);
    char *error = validate_require(req->direction, "direction");
    error = error ? error : parse_sg_direction(req->direction, &r.direction);
    if (!error && req->proto) {
        error = parse_sg_proto(req->proto, &r.proto);
    }
    if (!error && req->ports) {
        error = (r.proto != IPPROTO_TCP && r.proto != IPPROTO_UDP
                 ? xstrdup("ports need proto tcp or udp")
                 : parse_sg_ports(req->ports, &r.port_min, &r.port_max));
    }
    if (!error && req->remote_cidr && req->remote_group) {
        error = xstrdup("give a remote CIDR or a remote group, not both");
    }
    if (!error && req->remote_cidr) {
        error = parse_sg_remote_cidr(req->remote_cidr, &r.remote_family,
                                     &r.remote_prefix, &r.remote_plen);
    }
    if (!error && req->remote_group) {
        error = parse_name("security group", req->remote_group);
    }
    if (!error && plan) {
        plan->sg_rule = r;
    }
    return error;
}

/* A member's port: 'network' ("NAME", or "TENANT/NAME" for an
 * administrator's clear answer) and 'port_name'. */
static char *
check_member__(const struct weft_request *req)
{
    char *error = validate_network_ref(req);
    error = error ? error : validate_require(req->port_name, "port");
    return error ? error : parse_name("port", req->port_name);
}

char *
weft_request_check_security(const struct weft_request *req,
                            struct weft_plan *plan)
{
    switch (req->op) {
    case WEFT_OP_SG_RULE_ADD:
        return check_rule_add__(req, plan);
    case WEFT_OP_SG_RULE_DEL: {
        uint32_t id = 0;
        char *error = validate_require(req->rule_id, "rule id");
        error = error ? error : parse_sg_rule_id(req->rule_id, &id);
        if (!error && plan) {
            plan->sg_rule.id = id;
        }
        return error;
    }
    case WEFT_OP_SG_MEMBER_ADD:
    case WEFT_OP_SG_MEMBER_DEL:
        return check_member__(req);
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------------------
 * Step 2: against the topology. */

uint32_t
topology_next_sg_rule_key(const struct topology *topo)
{
    return topo_keys_lowest_free(&topo->sg_rule_keys);
}

uint32_t
topo_tenant_next_sg_rule_id(const struct topo_tenant *tenant)
{
    return topo_keys_lowest_free(&tenant->sg_rule_ids);
}

/* The request's tenant into 'plan->tenant' and, unless 'adding', its
 * group into 'plan->sg'. */
static struct weft_error *
find_sg__(const struct topology *topo, struct weft_plan *plan, bool adding)
{
    char *const *path = plan->req->path;
    plan->tenant = topology_find_tenant_by_name(topo, path[0]);
    if (!plan->tenant) {
        return weft_error_format(WEFT_ERR_NOT_FOUND, "tenant %s does not "
                                 "exist", path[0]);
    }
    plan->sg = topology_find_sg_by_name(topo, plan->tenant, path[1]);
    if (adding) {
        return (plan->sg
                ? weft_error_format(WEFT_ERR_CONFLICT, "security group %s/%s "
                                    "already exists", path[0], path[1])
                : NULL);
    }
    return (plan->sg ? NULL
            : weft_error_format(WEFT_ERR_NOT_FOUND, "security group %s/%s "
                                "does not exist", path[0], path[1]));
}

char *
validate_del_sg(const struct topo_sg *sg)
{
    const char *t = sg->tenant->name;
    size_t n = hmapx_count(&sg->members);
    if (n) {
        return xasprintf("security group %s/%s has %"PRIuSIZE" member%s: "
                         "remove %s first", t, sg->name, n, n == 1 ? "" : "s",
                         n == 1 ? "it" : "them");
    }
    const struct topo_sg *other;
    TOPO_TENANT_FOR_EACH_SG (other, sg->tenant) {
        for (size_t i = 0; other != sg && i < other->n_rules; i++) {
            if (other->rules[i].remote_group == sg) {
                return xasprintf("security group %s/%s is the remote of rule "
                                 "%s/%s#%"PRIu32, t, sg->name, t, other->name,
                                 other->rules[i].id);
            }
        }
    }
    return NULL;
}

static bool
sg_rules_same__(const struct topo_sg_rule *a, const struct topo_sg_rule *b)
{
    return (a->direction == b->direction && a->proto == b->proto
            && a->port_min == b->port_min && a->port_max == b->port_max
            && a->remote_family == b->remote_family
            && a->remote_plen == b->remote_plen
            && ipv6_addr_equals(&a->remote_prefix, &b->remote_prefix)
            && a->remote_group == b->remote_group);
}

char *
validate_new_sg_rule(const struct topology *topo, const struct topo_sg *sg,
                     struct topo_sg_rule *rule)
{
    for (size_t i = 0; i < sg->n_rules; i++) {
        if (sg_rules_same__(&sg->rules[i], rule)) {
            return xasprintf("security group %s/%s already has this rule "
                             "(rule %"PRIu32")", sg->tenant->name, sg->name,
                             sg->rules[i].id);
        }
    }
    rule->key = topology_next_sg_rule_key(topo);
    if (!rule->key) {
        return xasprintf("no free security rule key (all %d are in use)",
                         TOPO_SG_RULE_KEY_MAX);
    }
    rule->id = topo_tenant_next_sg_rule_id(sg->tenant);
    if (!rule->id) {
        return xasprintf("no free security rule id in tenant %s (all %d are "
                         "in use)", sg->tenant->name, TOPO_SG_RULE_ID_MAX);
    }
    return NULL;
}

static struct weft_error *
validate_rule_add__(const struct topology *topo, struct weft_plan *plan)
{
    const struct weft_request *req = plan->req;
    struct topo_sg_rule *r = &plan->sg_rule;
    if (req->remote_group) {
        r->remote_group = topology_find_sg_by_name(topo, plan->tenant,
                                                   req->remote_group);
        if (!r->remote_group) {
            return weft_error_format(WEFT_ERR_NOT_FOUND, "security group "
                                     "%s/%s does not exist", req->path[0],
                                     req->remote_group);
        }
    }
    r->group = plan->sg;
    return validate_wrap(WEFT_ERR_CONFLICT,
                         validate_new_sg_rule(topo, plan->sg, r));
}

/* The member's port, 'network' ("NAME" or "TENANT/NAME") + 'port_name',
 * into 'plan->net' and 'plan->port'.  Another tenant's network does not
 * exist for a tenant; an administrator is told whose the port is (not
 * found either: a group's member is a port of its tenant). */
static struct weft_error *
find_member_port__(const struct topology *topo, struct weft_plan *plan)
{
    struct weft_error *error = validate_find_port_ref(topo, plan);
    const struct topo_tenant *tenant = error ? NULL : plan->net->tenant;
    if (!error && tenant != plan->tenant) {
        error = weft_error_format(WEFT_ERR_NOT_FOUND, "port %s/%s/%s "
                                  "belongs to tenant %s, not %s",
                                  tenant->name, plan->net->name,
                                  plan->req->port_name, tenant->name,
                                  plan->tenant->name);
    }
    return error;
}

static struct weft_error *
validate_member__(const struct topology *topo, struct weft_plan *plan)
{
    struct weft_error *error = find_member_port__(topo, plan);
    if (error) {
        return error;
    }
    const struct topo_port *p = plan->port;
    bool member = hmapx_contains(&plan->sg->members, p);
    bool adding = plan->req->op == WEFT_OP_SG_MEMBER_ADD;
    if (member == adding) {
        const char *t = plan->tenant->name;
        return weft_error_format(adding ? WEFT_ERR_CONFLICT
                                        : WEFT_ERR_NOT_FOUND,
                                 "port %s/%s/%s is %s a member of security "
                                 "group %s/%s", t, p->network->name, p->name,
                                 adding ? "already" : "not", t,
                                 plan->sg->name);
    }
    return NULL;
}

struct weft_error *
weft_request_validate_security(const struct weft_request *req,
                               const struct topology *topo,
                               struct weft_plan *plan)
{
    struct weft_error *error = find_sg__(topo, plan,
                                         req->op == WEFT_OP_SG_ADD);
    if (error) {
        return error;
    }
    switch (req->op) {
    case WEFT_OP_SG_ADD:
        return NULL;
    case WEFT_OP_SG_DEL:
        return validate_wrap(WEFT_ERR_CONFLICT, validate_del_sg(plan->sg));
    case WEFT_OP_SG_RULE_ADD:
        return validate_rule_add__(topo, plan);
    case WEFT_OP_SG_RULE_DEL: {
        const struct topo_sg_rule *r = topo_sg_find_rule(plan->sg,
                                                         plan->sg_rule.id);
        if (!r) {
            return weft_error_format(WEFT_ERR_NOT_FOUND, "rule %"PRIu32" not "
                                     "found in security group %s/%s",
                                     plan->sg_rule.id, req->path[0],
                                     req->path[1]);
        }
        plan->sg_rule = *r;
        return NULL;
    }
    case WEFT_OP_SG_MEMBER_ADD:
    case WEFT_OP_SG_MEMBER_DEL:
        return validate_member__(topo, plan);
    default:
        OVS_NOT_REACHED();
    }
}
