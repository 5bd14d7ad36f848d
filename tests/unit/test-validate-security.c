/* test-validate-security: unit tests for topology/validate-security.c, the
 * security group ops (SG_ADD, SG_DEL, SG_RULE_ADD, SG_RULE_DEL,
 * SG_MEMBER_ADD, SG_MEMBER_DEL) and IPv6 addresses in PORT_ADD, as whole
 * requests, as weftctl and the REST API run them: step 1 and step 2, each
 * refusal's kind (INVALID 400, NOT_FOUND 404, CONFLICT 409) and message,
 * what a tenant is told about another tenant's groups and ports (nothing),
 * rule ids (lowest free in the tenant) and keys (lowest free overall), the
 * plans the write layer gets; and tenant-del refused while the tenant has
 * groups.  Every error and plan is freed. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "validate-fixture.h"

/* ------------------------------------------------------------------------
 * Requests: the builders of the SG ops; req_new() and the request asserts are
 * validate-fixture.h's. */

/* SG_RULE_ADD on TENANT/GROUP with the given values (NULL: not given). */
static struct weft_request *
rule_add(const char *tenant, const char *group, const char *direction,
         const char *proto, const char *ports, const char *cidr,
         const char *remote_group)
{
    struct weft_request *req = req_new(WEFT_OP_SG_RULE_ADD, tenant, group,
                                       NULL);
    req->direction = nullable_xstrdup(direction);
    req->proto = nullable_xstrdup(proto);
    req->ports = nullable_xstrdup(ports);
    req->remote_cidr = nullable_xstrdup(cidr);
    req->remote_group = nullable_xstrdup(remote_group);
    return req;
}

static struct weft_request *
rule_del(const char *tenant, const char *group, const char *id)
{
    struct weft_request *req = req_new(WEFT_OP_SG_RULE_DEL, tenant, group,
                                       NULL);
    req->rule_id = nullable_xstrdup(id);
    return req;
}

static struct weft_request *
member(enum weft_op op, const char *tenant, const char *group,
       const char *network, const char *port, bool tenant_view)
{
    struct weft_request *req = req_new(op, tenant, group, NULL);
    req->network = nullable_xstrdup(network);
    req->port_name = nullable_xstrdup(port);
    req->tenant_view = tenant_view;
    return req;
}

static struct topo_sg *
add_sg(struct fixture *f, struct topo_tenant *t, const char *name)
{
    struct uuid u = next_uuid();
    return topology_add_sg(&f->topo, &u, t, name);
}

/* Adds to 'sg' a rule with 'id' and 'key': ingress tcp 'port', from
 * 'remote' (or anything). */
static void
add_rule(struct fixture *f, struct topo_sg *sg, uint32_t id, uint32_t key,
         uint16_t port, const struct topo_sg *remote)
{
    struct topo_sg_rule *rules = xcalloc(sg->n_rules + 1, sizeof *rules);
    if (sg->n_rules) {
        memcpy(rules, sg->rules, sg->n_rules * sizeof *rules);
    }
    struct topo_sg_rule *r = &rules[sg->n_rules];
    r->uuid = next_uuid();
    r->id = id;
    r->key = key;
    r->direction = TOPO_SG_INGRESS;
    r->proto = IPPROTO_TCP;
    r->port_min = r->port_max = port;
    r->remote_group = remote;
    topology_set_sg_rules(&f->topo, sg, rules, sg->n_rules + 1);
    free(rules);
}

/* ------------------------------------------------------------------------
 * Values (step 1, and the parsers on their own). */

static void
test_sg_values(void **state OVS_UNUSED)
{
    struct topology empty;
    topology_init(&empty);
    const struct topology *t = &empty;

    assert_invalid(t, req_new(WEFT_OP_SG_ADD, "red", "-x", NULL),
                   "invalid security group name \"-x\": must not start "
                   "with '-'");
    assert_invalid(t, req_new(WEFT_OP_SG_DEL, "red", NULL, NULL),
                   "security group is required");
    assert_invalid(t, rule_add("red", "web", NULL, NULL, NULL, NULL, NULL),
                   "direction is required");
    assert_invalid(t, rule_add("red", "web", "in", NULL, NULL, NULL, NULL),
                   "invalid direction \"in\": expected ingress or egress");
    assert_invalid(t, rule_add("red", "web", "ingress", "sctp", NULL, NULL,
                               NULL),
                   "invalid proto \"sctp\": expected tcp, udp, icmp or any");
    assert_invalid(t, rule_add("red", "web", "ingress", NULL, "80", NULL,
                               NULL), "ports need proto tcp or udp");
    assert_invalid(t, rule_add("red", "web", "ingress", "icmp", "80", NULL,
                               NULL), "ports need proto tcp or udp");
    assert_invalid(t, rule_add("red", "web", "ingress", "any", "80", NULL,
                               NULL), "ports need proto tcp or udp");
    static const char *const bad_ports[] = { "", "-", "80-", "-80", "a",
                                             "80-90-100", "8 0", "+80" };
    for (size_t i = 0; i < ARRAY_SIZE(bad_ports); i++) {
        char *msg = xasprintf("invalid ports \"%s\": expected N or N-M "
                              "(1..65535)", bad_ports[i]);
        assert_invalid(t, rule_add("red", "web", "ingress", "tcp",
                                   bad_ports[i], NULL, NULL), msg);
        free(msg);
    }
    assert_invalid(t, rule_add("red", "web", "ingress", "tcp", "0", NULL,
                               NULL), "port 0 is out of range 1..65535");
    assert_invalid(t, rule_add("red", "web", "ingress", "udp", "1-65536",
                               NULL, NULL),
                   "port 65536 is out of range 1..65535");
    assert_invalid(t, rule_add("red", "web", "ingress", "tcp", "90-80",
                               NULL, NULL),
                   "invalid ports \"90-80\": the first port is above the "
                   "last");
    assert_invalid(t, rule_add("red", "web", "ingress", NULL, NULL,
                               "10.0.0.1/24", NULL),
                   "10.0.0.1/24 has host bits set; did you mean "
                   "10.0.0.0/24?");
    assert_invalid(t, rule_add("red", "web", "egress", NULL, NULL,
                               "2001:db8::1/64", NULL),
                   "2001:db8::1/64 has host bits set; did you mean "
                   "2001:db8::/64?");
    static const char *const bad_cidrs[] = { "10.0.0.0/33", "banana",
                                             "10.0.0/24", "2001:db8::/129",
                                             "10.0.0.0/", "10.0.0.0/2x",
                                             "fe80::%eth0/64" };
    for (size_t i = 0; i < ARRAY_SIZE(bad_cidrs); i++) {
        char *msg = xasprintf("invalid remote CIDR \"%s\": expected an IPv4 "
                              "or IPv6 prefix (A.B.C.D/LEN or X:X::/LEN)",
                              bad_cidrs[i]);
        assert_invalid(t, rule_add("red", "web", "ingress", NULL, NULL,
                                   bad_cidrs[i], NULL), msg);
        free(msg);
    }
    assert_invalid(t, rule_add("red", "web", "ingress", NULL, NULL,
                               "::ffff:10.0.0.0/120", NULL),
                   "remote CIDR ::ffff:10.0.0.0/120 is IPv4-mapped (give "
                   "the IPv4 prefix itself)");
    assert_invalid(t, rule_add("red", "web", "ingress", NULL, NULL,
                               "10.0.0.0/24", "db"),
                   "give a remote CIDR or a remote group, not both");
    assert_invalid(t, rule_add("red", "web", "ingress", NULL, NULL, NULL,
                               ".."),
                   "invalid security group name \"..\": \".\" and \"..\" "
                   "are not names");
    assert_invalid(t, rule_del("red", "web", NULL), "rule id is required");
    static const char *const bad_ids[] = { "x", "0", "65536", "-1", "" };
    for (size_t i = 0; i < ARRAY_SIZE(bad_ids); i++) {
        char *msg = xasprintf("invalid rule id \"%s\": expected a number "
                              "1..65535", bad_ids[i]);
        assert_invalid(t, rule_del("red", "web", bad_ids[i]), msg);
        free(msg);
    }
    assert_invalid(t, member(WEFT_OP_SG_MEMBER_ADD, "red", "web", NULL, "a",
                             false), "network is required");
    assert_invalid(t, member(WEFT_OP_SG_MEMBER_DEL, "red", "web", "net1",
                             NULL, false), "port is required");
    assert_invalid(t, member(WEFT_OP_SG_MEMBER_ADD, "red", "web", "net1",
                             "-a", false),
                   "invalid port name \"-a\": must not start with '-'");

    /* The parsers' canonical forms. */
    int family, plen;
    struct in6_addr prefix;
    assert_ok(parse_sg_remote_cidr("10.1.0.0/16", &family, &prefix, &plen));
    assert_int_equal(family, AF_INET);
    assert_int_equal(plen, 16);
    char *s = topo_sg_prefix_to_string(family, &prefix, plen);
    assert_string_equal(s, "10.1.0.0/16");
    free(s);
    assert_ok(parse_sg_remote_cidr("2001:DB8:0::/48", &family, &prefix,
                                   &plen));
    assert_int_equal(family, AF_INET6);
    s = topo_sg_prefix_to_string(family, &prefix, plen);
    assert_string_equal(s, "2001:db8::/48");
    free(s);
    assert_ok(parse_sg_remote_cidr("0.0.0.0/0", &family, &prefix, &plen));
    assert_int_equal(plen, 0);
    assert_ok(parse_sg_remote_cidr("10.0.0.7", &family, &prefix, &plen));
    assert_int_equal(plen, 32);
    uint16_t lo, hi;
    assert_ok(parse_sg_ports("8000-8080", &lo, &hi));
    assert_int_equal(lo, 8000);
    assert_int_equal(hi, 8080);
    assert_ok(parse_sg_ports("443", &lo, &hi));
    assert_int_equal(lo, 443);
    assert_int_equal(hi, 443);
    uint8_t proto = 99;
    assert_ok(parse_sg_proto("any", &proto));
    assert_int_equal(proto, 0);
    assert_string_equal(topo_sg_proto_name(IPPROTO_ICMP), "icmp");
    assert_string_equal(topo_sg_proto_name(0), "any");
    topology_destroy(&empty);
}

/* ------------------------------------------------------------------------
 * Groups. */

static void
test_sg_add_del(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;

    assert_refused(t, req_new(WEFT_OP_SG_ADD, "green", "web", NULL),
                   WEFT_ERR_NOT_FOUND, "tenant green does not exist");
    struct weft_request *req = req_new(WEFT_OP_SG_ADD, "red", "web", NULL);
    struct weft_plan plan;
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.tenant, f->red);
    assert_null(plan.sg);
    weft_plan_destroy(&plan);
    req_free(req);

    struct topo_sg *web = add_sg(f, f->red, "web");
    assert_refused(t, req_new(WEFT_OP_SG_ADD, "red", "web", NULL),
                   WEFT_ERR_CONFLICT, "security group red/web already "
                   "exists");
    /* The same name in another tenant is another group. */
    accept_and_free(t, req_new(WEFT_OP_SG_ADD, "blue", "web", NULL));
    assert_refused(t, req_new(WEFT_OP_SG_DEL, "red", "nope", NULL),
                   WEFT_ERR_NOT_FOUND, "security group red/nope does not "
                   "exist");
    assert_refused(t, req_new(WEFT_OP_SG_DEL, "blue", "web", NULL),
                   WEFT_ERR_NOT_FOUND, "security group blue/web does not "
                   "exist");

    /* Members. */
    const struct topo_sg *sgs[] = { web };
    topology_set_port_sgs(t, f->a, sgs, 1);
    assert_refused(t, req_new(WEFT_OP_SG_DEL, "red", "web", NULL),
                   WEFT_ERR_CONFLICT, "security group red/web has 1 "
                   "member: remove it first");
    struct uuid u = next_uuid();
    ovs_be32 bip = ip("10.0.0.9");
    struct topo_port *b = topology_add_port(t, &u, f->red_net2, f->h2, "b",
                                            "veth2", mac("02:00:00:00:00:02"),
                                            &bip, 1, 2);
    topology_set_port_sgs(t, b, sgs, 1);
    assert_refused(t, req_new(WEFT_OP_SG_DEL, "red", "web", NULL),
                   WEFT_ERR_CONFLICT, "security group red/web has 2 "
                   "members: remove them first");
    topology_set_port_sgs(t, f->a, NULL, 0);
    topology_remove_port(t, b);                 /* Leaves its groups. */
    assert_int_equal(hmapx_count(&web->members), 0);

    /* Its own rule may name it; another group's may not. */
    add_rule(f, web, 1, 1, 80, web);
    req = req_new(WEFT_OP_SG_DEL, "red", "web", NULL);
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.sg, web);
    weft_plan_destroy(&plan);
    req_free(req);
    struct topo_sg *db = add_sg(f, f->red, "db");
    add_rule(f, db, 4, 2, 5432, web);
    assert_refused(t, req_new(WEFT_OP_SG_DEL, "red", "web", NULL),
                   WEFT_ERR_CONFLICT, "security group red/web is the "
                   "remote of rule red/db#4");
    accept_and_free(t, req_new(WEFT_OP_SG_DEL, "red", "db", NULL));

    /* A tenant with groups is not removable. */
    assert_refused(t, req_new(WEFT_OP_TENANT_DEL, "red", NULL, NULL),
                   WEFT_ERR_CONFLICT, "tenant red still has 2 networks and "
                   "2 security groups");
}

/* ------------------------------------------------------------------------
 * Rules. */

static void
test_sg_rule_add(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    struct topo_sg *web = add_sg(f, f->red, "web");
    struct topo_sg *bweb = add_sg(f, f->blue, "bweb");

    assert_refused(t, rule_add("red", "nope", "ingress", NULL, NULL, NULL,
                               NULL),
                   WEFT_ERR_NOT_FOUND, "security group red/nope does not "
                   "exist");
    /* Another tenant's group is not found, and not named. */
    struct weft_request *req = rule_add("red", "web", "ingress", NULL, NULL,
                                        NULL, "bweb");
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_NOT_FOUND, "security group red/bweb "
                   "does not exist");

    /* The first rule: id 1, key 1, values parsed. */
    req = rule_add("red", "web", "ingress", "udp", "8000-8080",
                   "2001:db8::/32", NULL);
    struct weft_plan plan;
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.sg, web);
    assert_ptr_equal(plan.sg_rule.group, web);
    assert_int_equal(plan.sg_rule.id, 1);
    assert_int_equal(plan.sg_rule.key, 1);
    assert_int_equal(plan.sg_rule.direction, TOPO_SG_INGRESS);
    assert_int_equal(plan.sg_rule.proto, IPPROTO_UDP);
    assert_int_equal(plan.sg_rule.port_min, 8000);
    assert_int_equal(plan.sg_rule.port_max, 8080);
    assert_int_equal(plan.sg_rule.remote_family, AF_INET6);
    assert_int_equal(plan.sg_rule.remote_plen, 32);
    assert_null(plan.sg_rule.remote_group);
    weft_plan_destroy(&plan);
    req_free(req);

    /* Ids per tenant, keys overall, both the lowest free. */
    add_rule(f, web, 1, 1, 80, NULL);
    add_rule(f, web, 3, 2, 81, NULL);
    add_rule(f, bweb, 1, 3, 80, NULL);
    req = rule_add("red", "web", "egress", NULL, NULL, NULL, "web");
    assert_accepted(t, req, &plan);
    assert_int_equal(plan.sg_rule.id, 2);
    assert_int_equal(plan.sg_rule.key, 4);
    assert_int_equal(plan.sg_rule.direction, TOPO_SG_EGRESS);
    assert_int_equal(plan.sg_rule.proto, 0);
    assert_ptr_equal(plan.sg_rule.remote_group, web);
    weft_plan_destroy(&plan);
    req_free(req);
    req = rule_add("blue", "bweb", "ingress", "icmp", NULL, "10.0.0.0/8",
                   NULL);
    assert_accepted(t, req, &plan);
    assert_int_equal(plan.sg_rule.id, 2);
    assert_int_equal(plan.sg_rule.key, 4);
    assert_int_equal(plan.sg_rule.remote_family, AF_INET);
    weft_plan_destroy(&plan);
    req_free(req);

    /* An identical rule: 409 with its id ("80" is "80-80"). */
    assert_refused(t, rule_add("red", "web", "ingress", "tcp", "80-80", NULL,
                               NULL),
                   WEFT_ERR_CONFLICT, "security group red/web already has "
                   "this rule (rule 1)");
    /* The same ports toward another remote is another rule. */
    accept_and_free(t, rule_add("red", "web", "ingress", "tcp", "80", NULL,
                                "web"));

    /* No free key, then no free id. */
    for (uint32_t k = 1; k <= TOPO_SG_RULE_KEY_MAX; k++) {
        if (!topo_keys_contains(&t->sg_rule_keys, k)) {
            topo_keys_add(&t->sg_rule_keys, k);
        }
    }
    assert_refused(t, rule_add("red", "web", "egress", "tcp", NULL, NULL,
                               NULL),
                   WEFT_ERR_CONFLICT, "no free security rule key (all 60000 "
                   "are in use)");
    topo_keys_remove(&t->sg_rule_keys, 77);
    for (uint32_t id = 1; id <= TOPO_SG_RULE_ID_MAX; id++) {
        if (!topo_keys_contains(&f->red->sg_rule_ids, id)) {
            topo_keys_add(&f->red->sg_rule_ids, id);
        }
    }
    assert_refused(t, rule_add("red", "web", "egress", "tcp", NULL, NULL,
                               NULL),
                   WEFT_ERR_CONFLICT, "no free security rule id in tenant "
                   "red (all 65535 are in use)");
}

static void
test_sg_rule_del(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    struct topo_sg *web = add_sg(f, f->red, "web");
    struct topo_sg *db = add_sg(f, f->red, "db");
    add_rule(f, web, 3, 10, 80, NULL);
    add_rule(f, db, 4, 11, 5432, NULL);

    assert_refused(t, rule_del("red", "web", "7"), WEFT_ERR_NOT_FOUND,
                   "rule 7 not found in security group red/web");
    /* A rule of another group of the tenant is not this group's. */
    assert_refused(t, rule_del("red", "web", "4"), WEFT_ERR_NOT_FOUND,
                   "rule 4 not found in security group red/web");
    assert_refused(t, rule_del("blue", "web", "3"), WEFT_ERR_NOT_FOUND,
                   "security group blue/web does not exist");
    struct weft_request *req = rule_del("red", "web", "3");
    struct weft_plan plan;
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.sg, web);
    assert_true(uuid_equals(&plan.sg_rule.uuid, &web->rules[0].uuid));
    assert_int_equal(plan.sg_rule.key, 10);
    weft_plan_destroy(&plan);
    req_free(req);
}

/* ------------------------------------------------------------------------
 * Members. */

static void
test_sg_members(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    struct topo_sg *web = add_sg(f, f->red, "web");
    add_sg(f, f->blue, "web");
    struct uuid u = next_uuid();
    ovs_be32 xip = ip("10.0.0.5");
    topology_add_port(t, &u, f->blue_net1, f->h1, "x", "vethx",
                      mac("02:00:00:00:00:05"), &xip, 1, 5);

    assert_refused(t, member(WEFT_OP_SG_MEMBER_ADD, "red", "web", "net1",
                             "zz", false),
                   WEFT_ERR_NOT_FOUND, "port red/net1/zz does not exist");
    assert_refused(t, member(WEFT_OP_SG_MEMBER_ADD, "red", "web", "nope",
                             "a", false),
                   WEFT_ERR_NOT_FOUND, "network red/nope does not exist");
    assert_refused(t, member(WEFT_OP_SG_MEMBER_ADD, "red", "nope", "net1",
                             "a", false),
                   WEFT_ERR_NOT_FOUND, "security group red/nope does not "
                   "exist");
    /* Another tenant's port: an administrator is told whose it is... */
    assert_refused(t, member(WEFT_OP_SG_MEMBER_ADD, "red", "web",
                             "blue/net1", "x", false),
                   WEFT_ERR_NOT_FOUND, "port blue/net1/x belongs to tenant "
                   "blue, not red");
    /* ...a tenant gets the answer it gets for a network that does not
     * exist, whether it exists or not. */
    assert_refused(t, member(WEFT_OP_SG_MEMBER_ADD, "red", "web",
                             "blue/net1", "x", true),
                   WEFT_ERR_NOT_FOUND, "network blue/net1 does not exist");
    assert_refused(t, member(WEFT_OP_SG_MEMBER_ADD, "red", "web",
                             "blue/none", "x", true),
                   WEFT_ERR_NOT_FOUND, "network blue/none does not exist");

    struct weft_request *req = member(WEFT_OP_SG_MEMBER_ADD, "red", "web",
                                      "red/net1", "a", true);
    struct weft_plan plan;
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.sg, web);
    assert_ptr_equal(plan.port, f->a);
    assert_ptr_equal(plan.net, f->red_net1);
    weft_plan_destroy(&plan);
    req_free(req);
    assert_refused(t, member(WEFT_OP_SG_MEMBER_DEL, "red", "web", "net1",
                             "a", false),
                   WEFT_ERR_NOT_FOUND, "port red/net1/a is not a member of "
                   "security group red/web");

    const struct topo_sg *sgs[] = { web };
    topology_set_port_sgs(t, f->a, sgs, 1);
    assert_refused(t, member(WEFT_OP_SG_MEMBER_ADD, "red", "web", "net1",
                             "a", false),
                   WEFT_ERR_CONFLICT, "port red/net1/a is already a member "
                   "of security group red/web");
    accept_and_free(t, member(WEFT_OP_SG_MEMBER_DEL, "red", "web", "net1",
                              "a", false));
    /* Blue's group of the same name is another group. */
    assert_refused(t, member(WEFT_OP_SG_MEMBER_DEL, "blue", "web", "net1",
                             "x", false),
                   WEFT_ERR_NOT_FOUND, "port blue/net1/x is not a member of "
                   "security group blue/web");
}

/* ------------------------------------------------------------------------
 * IPv6 addresses in PORT_ADD. */

static struct weft_request *
port_add(const char *net, const char *name, const char *mac_s,
         const char *ip1, const char *ip2, const char *ip3)
{
    struct weft_request *req = req_new(WEFT_OP_PORT_ADD, "red", net, name);
    req->host = xstrdup("h1");
    req->iface = xasprintf("v%s", name);
    req->mac = xstrdup(mac_s);
    const char *ips[] = { ip1, ip2, ip3 };
    for (size_t i = 0; i < ARRAY_SIZE(ips); i++) {
        if (ips[i]) {
            weft_request_add_ip(req, ips[i]);
        }
    }
    return req;
}

static void
test_port_ipv6(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    const char *m = "02:00:00:00:00:11";

    assert_invalid(t, port_add("net1", "p", m, "2001:db8::zz", NULL, NULL),
                   "invalid IP \"2001:db8::zz\": expected an IPv6 address "
                   "X:X::X or X:X::X/LEN");
    assert_invalid(t, port_add("net1", "p", m, "2001:db8::1/129", NULL,
                               NULL),
                   "invalid IP \"2001:db8::1/129\": expected an IPv6 "
                   "address X:X::X or X:X::X/LEN");
    assert_invalid(t, port_add("net1", "p", m, "fe80::1", NULL, NULL),
                   "IP fe80::1 is link-local (fe80::/10; a port's "
                   "link-local address comes from its MAC)");
    assert_invalid(t, port_add("net1", "p", m, "febf::1", NULL, NULL),
                   "IP febf::1 is link-local (fe80::/10; a port's "
                   "link-local address comes from its MAC)");
    assert_invalid(t, port_add("net1", "p", m, "ff02::1", NULL, NULL),
                   "IP ff02::1 is multicast");
    assert_invalid(t, port_add("net1", "p", m, "::", NULL, NULL),
                   "IP :: is the unspecified address");
    assert_invalid(t, port_add("net1", "p", m, "::1", NULL, NULL),
                   "IP ::1 is the loopback address");
    assert_invalid(t, port_add("net1", "p", m, "::ffff:10.0.0.9", NULL,
                               NULL),
                   "IP ::ffff:10.0.0.9 is IPv4-mapped (give the IPv4 "
                   "address itself)");
    assert_invalid(t, port_add("net1", "p", m, "2001:db8::5", "10.0.0.7",
                               "2001:DB8:0::5/64"),
                   "IP 2001:db8::5 is given twice");

    /* Both families, no subnet: nothing allocated. */
    struct weft_request *req = port_add("net1", "p", m, "2001:db8::5/64",
                                        "10.0.0.7", "fec0::1");
    struct weft_plan plan;
    assert_accepted(t, req, &plan);
    assert_int_equal(plan.n_ips, 1);
    assert_int_equal(plan.ips[0], ip("10.0.0.7"));
    assert_int_equal(plan.n_ip6s, 2);
    assert_false(plan.allocated);
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &plan.ip6s[0], buf, sizeof buf);
    assert_string_equal(buf, "2001:db8::5");
    weft_plan_destroy(&plan);
    req_free(req);

    /* Unique within the network. */
    struct in6_addr held;
    inet_pton(AF_INET6, "2001:db8::5", &held);
    topology_set_port_ip6s(t, f->a, &held, 1);
    assert_refused(t, port_add("net1", "p", m, "2001:db8::5", NULL, NULL),
                   WEFT_ERR_CONFLICT, "duplicate IP 2001:db8::5 in network "
                   "red/net1 (port red/net1/a)");
    accept_and_free(t, port_add("net2", "p", m, "2001:db8::5", NULL, NULL));

    /* The quota of IPs per port counts both families. */
    f->red->quota[TOPO_QUOTA_IPS_PER_PORT] = 2;
    assert_refused(t, port_add("net1", "p", m, "10.0.0.7", "2001:db8::6",
                               "2001:db8::7"),
                   WEFT_ERR_CONFLICT, "quota exceeded: tenant red may have "
                   "at most 2 IPs per port");
    accept_and_free(t, port_add("net1", "p", m, "10.0.0.7", "2001:db8::6",
                                NULL));

    /* With a subnet and no IPv4 given, IPv4 is still allocated; the IPv6
     * addresses count toward the quota with it. */
    struct topo_subnet sn = { ip("10.0.0.0"), 24, ip("10.0.0.254") };
    bool changed;
    assert_true(topology_set_network_subnet(t, f->red_net1, &sn, &changed));
    req = port_add("net1", "p", m, "2001:db8::6", NULL, NULL);
    assert_accepted(t, req, &plan);
    assert_true(plan.allocated);
    assert_int_equal(plan.n_ips, 1);
    assert_int_equal(plan.ips[0], ip("10.0.0.3"));
    assert_int_equal(plan.n_ip6s, 1);
    weft_plan_destroy(&plan);
    req_free(req);
    assert_refused(t, port_add("net1", "p", m, "2001:db8::6", "2001:db8::7",
                               NULL),
                   WEFT_ERR_CONFLICT, "quota exceeded: tenant red may have "
                   "at most 2 IPs per port");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sg_values),
        cmocka_unit_test_setup_teardown(test_sg_add_del, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sg_rule_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sg_rule_del, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sg_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_ipv6, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
