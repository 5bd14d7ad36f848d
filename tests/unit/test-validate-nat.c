/* test-validate-nat: unit tests for topology/validate-nat.c, the NAT
 * rules (a host's external side, pools, floating IPs and their
 * allocation, port mappings, snat): each rule of the design, its message,
 * and what a tenant is told about another tenant's objects (nothing).
 * Whole requests, with their error kinds, are
 * test-validate-nat-request.c's.  No database.  Every error is freed, for
 * valgrind and ASan. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>

#include "validate-fixture.h"

/* ------------------------------------------------------------------------
 * Parsers. */

static void
test_nat_parse_external(void **state OVS_UNUSED)
{
    struct topo_external ext;
    assert_ok(parse_external(NULL, NULL, NULL, &ext));
    assert_null(ext.iface);
    assert_ok(parse_external("ext0", "192.168.100.11/24", "192.168.100.1",
                             &ext));
    assert_string_equal(ext.iface, "ext0");
    assert_int_equal(ext.ip, ip("192.168.100.11"));
    assert_int_equal(ext.plen, 24);
    assert_int_equal(ext.gateway, ip("192.168.100.1"));
    /* A /31 has no network or broadcast address. */
    assert_ok(parse_external("e", "10.9.0.0/31", "10.9.0.1", &ext));

    assert_error_is(parse_external("ext0", "192.168.100.11/24", NULL, &ext),
                    "the external side needs an interface, an IP and a "
                    "gateway (gateway missing)");
    assert_error_is(parse_external(NULL, "192.168.100.11/24", "1.1.1.1",
                                   &ext),
                    "the external side needs an interface, an IP and a "
                    "gateway (interface missing)");
    assert_error(parse_external("a/b", "192.168.100.11/24", "192.168.100.1",
                                &ext), "invalid interface name");
    assert_error(parse_external("br-int", "192.168.100.11/24",
                                "192.168.100.1", &ext),
                 "external interface br-int is a name of weft's own");
    assert_error(parse_external("vx-h2", "192.168.100.11/24",
                                "192.168.100.1", &ext), "weft's own");
    assert_error_is(parse_external("e", "192.168.100.11", "192.168.100.1",
                                   &ext),
                    "invalid external IP \"192.168.100.11\": expected "
                    "A.B.C.D/LEN (the host's address and its LAN's length)");
    assert_error(parse_external("e", "192.168.100.11/33", "192.168.100.1",
                                &ext), "prefix length must be 1-32");
    assert_error(parse_external("e", "192.168.100.11/", "192.168.100.1",
                                &ext), "expected A.B.C.D/LEN");
    assert_error(parse_external("e", "192.168.100.11/024", "192.168.100.1",
                                &ext), "expected A.B.C.D/LEN");
    assert_error_is(parse_external("e", "192.168.100.11/0", "192.168.100.1",
                                   &ext),
                    "invalid external IP \"192.168.100.11/0\": prefix length "
                    "must be 1-32");
    assert_error_is(parse_external("e", "192.168.100.0/24", "192.168.100.1",
                                   &ext),
                    "external IP 192.168.100.0/24 is the network address of "
                    "its LAN");
    assert_error_is(parse_external("e", "192.168.100.255/24",
                                   "192.168.100.1", &ext),
                    "external IP 192.168.100.255/24 is the broadcast "
                    "address of its LAN");
    assert_error_is(parse_external("e", "192.168.100.11/24", "192.168.101.1",
                                   &ext),
                    "external gateway 192.168.101.1 is not inside the "
                    "external LAN 192.168.100.0/24");
    assert_error_is(parse_external("e", "192.168.100.11/24",
                                   "192.168.100.11", &ext),
                    "external gateway 192.168.100.11 is the host's own "
                    "external IP");
    assert_error_is(parse_external("e", "192.168.100.11/24",
                                   "192.168.100.0", &ext),
                    "external gateway 192.168.100.0 is the network address "
                    "of the external LAN 192.168.100.0/24");
    assert_error_is(parse_external("e", "192.168.100.11/24",
                                   "192.168.100.1/24", &ext),
                    "invalid external gateway \"192.168.100.1/24\": expected "
                    "A.B.C.D");
}

static void
test_nat_parse_values(void **state OVS_UNUSED)
{
    ovs_be32 prefix;
    int plen;
    assert_ok(parse_pool_cidr("192.168.100.0/24", &prefix, &plen));
    assert_int_equal(plen, 24);
    assert_ok(parse_pool_cidr("192.168.100.7/32", &prefix, &plen));
    assert_error_is(parse_pool_cidr("192.168.100.1/24", &prefix, &plen),
                    "pool cidr 192.168.100.1/24 has host bits set (did you "
                    "mean 192.168.100.0/24?)");
    assert_error(parse_pool_cidr("10.0.0.0/7", &prefix, &plen),
                 "prefix length must be 8-32");

    uint8_t proto;
    assert_ok(parse_proto("tcp", &proto));
    assert_int_equal(proto, IPPROTO_TCP);
    assert_ok(parse_proto("udp", &proto));
    assert_int_equal(proto, IPPROTO_UDP);
    assert_error_is(parse_proto("icmp", &proto),
                    "invalid protocol \"icmp\": expected tcp or udp");

    uint16_t p;
    assert_ok(parse_l4_port("port", "65535", &p));
    assert_int_equal(p, 65535);
    assert_ok(parse_l4_port("port", "1", &p));
    assert_error_is(parse_l4_port("port", "0", &p),
                    "port 0 is out of range 1..65535");
    assert_error_is(parse_l4_port("host port", "65536", &p),
                    "host port 65536 is out of range 1..65535");
    assert_error_is(parse_l4_port("port", "99999999999999999999999", &p),
                    "port 99999999999999999999999 is out of range 1..65535");
    assert_error_is(parse_l4_port("port", "-1", &p),
                    "invalid port \"-1\": expected a number 1..65535");
    assert_error(parse_l4_port("port", "", &p), "expected a number");

    bool snat;
    assert_ok(parse_snat("true", &snat));
    assert_true(snat);
    assert_ok(parse_snat("false", &snat));
    assert_false(snat);
    assert_error_is(parse_snat("yes", &snat),
                    "invalid snat \"yes\": expected true or false");

    uint16_t hp;
    char *key = topo_mapping_key(IPPROTO_UDP, 5353);
    assert_string_equal(key, "udp/5353");
    assert_true(topo_mapping_key_parse(key, &proto, &hp));
    assert_int_equal(proto, IPPROTO_UDP);
    assert_int_equal(hp, 5353);
    free(key);
    assert_false(topo_mapping_key_parse("tcp/08080", &proto, &hp));
    assert_false(topo_mapping_key_parse("tcp/0", &proto, &hp));
    assert_false(topo_mapping_key_parse("sctp/80", &proto, &hp));
    assert_false(topo_mapping_key_parse("tcp80", &proto, &hp));
}

/* ------------------------------------------------------------------------
 * External side. */

static void
test_nat_external(void **state)
{
    struct nat_fixture n;
    build_nat(&n, *state);
    struct fixture *f = n.f;
    const struct topology *t = &f->topo;
    struct topo_external ext;

    /* The external interface is reserved on its host, for ports too. */
    assert_true(validate_iface_is_reserved(f->h1, "ext0"));
    assert_false(validate_iface_is_reserved(f->h2, "ext0"));
    ovs_be32 addr = ip("10.0.0.9");
    assert_error_is(validate_new_port(t, f->red_net1, f->h1, "d", "ext0",
                                      mac("02:00:00:00:00:09"), &addr, 1,
                                      false),
                    "interface name ext0 is not available on host h1");

    /* h2's new external side: not its uplink, not a port's interface, not
     * another host's external IP, not a floating IP. */
    struct topo_host *h2 = f->h2;
    h2->uplink = xstrdup("eth9");
    assert_ok(parse_external("eth9", "192.168.100.12/24", "192.168.100.1",
                             &ext));
    assert_error_is(validate_host_external(t, h2, NULL, &ext),
                    "external interface eth9 is the host's uplink");
    assert_ok(parse_external("b", "192.168.100.12/24", "192.168.100.1",
                             &ext));
    assert_error_is(validate_host_external(t, h2, NULL, &ext),
                    "interface b is already used by port red/net1/b on "
                    "host h2");
    assert_ok(parse_external("ext0", "192.168.100.11/24", "192.168.100.1",
                             &ext));
    assert_error_is(validate_host_external(t, h2, NULL, &ext),
                    "external IP 192.168.100.11 is already host h1's");
    assert_ok(parse_external("ext0", "192.168.100.2/24", "192.168.100.1",
                             &ext));
    assert_error_is(validate_host_external(t, h2, NULL, &ext),
                    "external IP 192.168.100.2 is a floating IP of tenant "
                    "blue");
    assert_ok(parse_external("ext0", "192.168.100.1/24", "192.168.100.11",
                             &ext));
    assert_error_is(validate_host_external(t, h2, NULL, &ext),
                    "external IP 192.168.100.1 is already host h1's "
                    "external gateway");
    assert_ok(parse_external("ext0", "192.168.100.12/24", "192.168.100.2",
                             &ext));
    assert_error_is(validate_host_external(t, h2, NULL, &ext),
                    "external gateway 192.168.100.2 is a floating IP of "
                    "tenant blue");
    assert_ok(parse_external("ext0", "192.168.100.12/24", "192.168.100.1",
                             &ext));
    assert_ok(validate_host_external(t, h2, NULL, &ext));
    /* A new host: its uplink is the request's. */
    assert_ok(parse_external("eth1", "192.168.100.13/24", "192.168.100.1",
                             &ext));
    assert_error_is(validate_host_external(t, NULL, "eth1", &ext),
                    "external interface eth1 is the host's uplink");
    assert_ok(validate_host_external(t, NULL, NULL, &ext));

    /* h1 holds blue's floating IP: its external side stays, and its LAN
     * keeps the floating IP. */
    memset(&ext, 0, sizeof ext);
    assert_error_is(validate_host_external(t, f->h1, NULL, &ext),
                    "host h1 still has 1 floating IP: delete them first");
    struct topo_mapping maps[] = { { IPPROTO_TCP, 8080, 80 },
                                   { IPPROTO_UDP, 53, 53 } };
    topology_set_port_mappings(&f->topo, f->a, maps, 2);
    assert_error_is(validate_host_external(t, f->h1, NULL, &ext),
                    "host h1 still has 2 port mappings and 1 floating IP: "
                    "delete them first");
    assert_ok(parse_external("ext0", "192.168.200.11/24", "192.168.200.1",
                             &ext));
    assert_error_is(validate_host_external(t, f->h1, NULL, &ext),
                    "floating IP 192.168.100.2 on host h1 would be outside "
                    "its external LAN 192.168.200.0/24: move or delete it "
                    "first");
    /* Same LAN, another gateway: fine. */
    assert_ok(parse_external("ext0", "192.168.100.11/24", "192.168.100.254",
                             &ext));
    assert_ok(validate_host_external(t, f->h1, NULL, &ext));
    topology_set_fip_port(&f->topo, n.blue_fip, NULL);
    assert_error_is(validate_host_external(t, f->h1, NULL,
                                           &(struct topo_external) { 0 }),
                    "host h1 still has 2 port mappings: delete them first");
    topology_set_port_mappings(&f->topo, f->a, NULL, 0);
    assert_ok(validate_host_external(t, f->h1, NULL,
                                     &(struct topo_external) { 0 }));
}

/* ------------------------------------------------------------------------
 * Pools, floating IPs, allocation. */

static void
test_nat_pools(void **state)
{
    struct nat_fixture n;
    build_nat(&n, *state);
    const struct topology *t = &n.f->topo;

    assert_error_is(validate_new_pool(t, "ext", ip("10.9.0.0"), 24),
                    "pool ext already exists");
    assert_error_is(validate_new_pool(t, "p2", ip("192.168.100.128"), 25),
                    "pool cidr 192.168.100.128/25 overlaps pool ext "
                    "(192.168.100.0/24)");
    assert_error_is(validate_new_pool(t, "p2", ip("192.168.0.0"), 16),
                    "pool cidr 192.168.0.0/16 overlaps pool ext "
                    "(192.168.100.0/24)");
    assert_ok(validate_new_pool(t, "p2", ip("192.168.101.0"), 24));
    assert_error_is(validate_del_pool(n.pool),
                    "pool ext still has 1 floating IP");
}

static void
test_nat_fips(void **state)
{
    struct nat_fixture n;
    build_nat(&n, *state);
    struct fixture *f = n.f;
    struct topology *t = &f->topo;

    assert_error_is(validate_fip_in_pool(n.pool, ip("192.168.101.5")),
                    "address 192.168.101.5 is not in pool ext "
                    "(192.168.100.0/24)");
    assert_error_is(validate_fip_in_pool(n.pool, ip("192.168.100.0")),
                    "address 192.168.100.0 is the network address of pool "
                    "ext");
    assert_error_is(validate_fip_in_pool(n.pool, ip("192.168.100.255")),
                    "address 192.168.100.255 is the broadcast address of "
                    "pool ext");
    /* Taken: a tenant is not told by what or whom. */
    assert_error_is(validate_fip_address(t, n.pool, ip("192.168.100.11"),
                                         false),
                    "address 192.168.100.11 is already in use (host h1's "
                    "external IP)");
    assert_error_is(validate_fip_address(t, n.pool, ip("192.168.100.1"),
                                         false),
                    "address 192.168.100.1 is already in use (host h1's "
                    "external gateway)");
    assert_error_is(validate_fip_address(t, n.pool, ip("192.168.100.2"),
                                         false),
                    "address 192.168.100.2 is already in use (a floating IP "
                    "of tenant blue)");
    assert_error_is(validate_fip_address(t, n.pool, ip("192.168.100.2"),
                                         true),
                    "address 192.168.100.2 is already in use");
    assert_error_is(validate_fip_address(t, n.pool, ip("192.168.100.11"),
                                         true),
                    "address 192.168.100.11 is already in use");
    assert_ok(validate_fip_address(t, n.pool, ip("192.168.100.3"), true));

    /* Allocation: the lowest free address, skipping the network address,
     * the gateway (.1), the floating IP (.2), the host's IP (.11). */
    ovs_be32 a;
    assert_ok(topo_fip_allocate(t, n.pool, &a));
    assert_int_equal(a, ip("192.168.100.3"));
    for (int i = 3; i <= 10; i++) {
        struct uuid u = next_uuid();
        topology_add_fip(t, &u, f->red, n.pool, htonl(0xc0a86400 | i));
    }
    assert_ok(topo_fip_allocate(t, n.pool, &a));
    assert_int_equal(a, ip("192.168.100.12"));
    /* A /32 pool holds one address, network and broadcast included. */
    struct uuid u = next_uuid();
    struct topo_pool *one = topology_add_pool(t, &u, "one", ip("10.20.0.7"),
                                              32);
    assert_ok(topo_fip_allocate(t, one, &a));
    assert_int_equal(a, ip("10.20.0.7"));
    assert_ok(validate_fip_in_pool(one, ip("10.20.0.7")));
    u = next_uuid();
    topology_add_fip(t, &u, f->red, one, a);
    assert_error_is(topo_fip_allocate(t, one, &a),
                    "pool one has no free address");
    /* A /30: two usable addresses. */
    u = next_uuid();
    struct topo_pool *p30 = topology_add_pool(t, &u, "p30",
                                              ip("10.30.0.0"), 30);
    assert_ok(topo_fip_allocate(t, p30, &a));
    assert_int_equal(a, ip("10.30.0.1"));
    u = next_uuid();
    topology_add_fip(t, &u, f->red, p30, a);
    assert_ok(topo_fip_allocate(t, p30, &a));
    assert_int_equal(a, ip("10.30.0.2"));
    u = next_uuid();
    topology_add_fip(t, &u, f->red, p30, a);
    assert_error_is(topo_fip_allocate(t, p30, &a),
                    "pool p30 has no free address");

    /* Targets. */
    ovs_be32 fip = ip("192.168.100.50");
    assert_ok(validate_fip_target(NULL, n.pool, fip, f->a));
    assert_error_is(validate_fip_target(NULL, n.pool, fip, n.c),
                    "port red/net2/c has no IPv4 address");
    ovs_be32 addr = ip("10.2.0.5");
    struct uuid uc = next_uuid();
    struct topo_port *c2 = topology_add_port(t, &uc, f->red_net2, f->h1,
                                             "c2", "c2",
                                             mac("02:00:00:00:02:02"), &addr,
                                             1, 999);
    assert_error_is(validate_fip_target(NULL, n.pool, fip, c2),
                    "network red/net2 is not attached to a router");
    assert_error_is(validate_fip_target(NULL, n.pool, fip, n.b),
                    "host h2 has no external side");
    topology_set_host_external(t, f->h2, "ext0", ip("172.16.0.2"), 24,
                               ip("172.16.0.1"));
    assert_error_is(validate_fip_target(NULL, n.pool, fip, n.b),
                    "host h2 has no external side on 192.168.100.0/24");
    assert_error_is(validate_fip_target(NULL, n.pool, fip, n.x),
                    "port blue/net1/x already has floating IP "
                    "192.168.100.2");
    /* Its own floating IP again is no conflict. */
    assert_ok(validate_fip_target(n.blue_fip, n.pool, n.blue_fip->ip, n.x));
}

static void
test_nat_mappings(void **state)
{
    struct nat_fixture n;
    build_nat(&n, *state);
    struct fixture *f = n.f;
    struct topology *t = &f->topo;

    struct topo_mapping m = { IPPROTO_TCP, 8080, 80 };
    assert_ok(validate_new_mapping(f->a, &m));
    assert_error_is(validate_new_mapping(n.b, &m),
                    "host h2 has no external side");
    assert_error_is(validate_new_mapping(n.c, &m),
                    "port red/net2/c has no IPv4 address");
    /* Another tenant's port on h1 has tcp/8080: refused, without naming
     * it; udp/8080 is another host port. */
    topology_set_port_mappings(t, n.x, &m, 1);
    assert_error_is(validate_new_mapping(f->a, &m),
                    "host h1 port tcp/8080 is already mapped");
    m.proto = IPPROTO_UDP;
    assert_ok(validate_new_mapping(f->a, &m));
    assert_ptr_equal(topo_host_find_mapping(f->h1, IPPROTO_TCP, 8080), n.x);
    assert_null(topo_host_find_mapping(f->h1, IPPROTO_UDP, 8080));

    /* Their network stays routed while they exist. */
    const struct topo_router *blue_r = f->blue_net1->router_port->router;
    assert_error_is(validate_router_detach(blue_r, f->blue_net1),
                    "network blue/net1 still has 1 floating IP and 1 port "
                    "mapping: unassign and delete them first");
    topology_set_port_mappings(t, n.x, NULL, 0);
    topology_set_fip_port(t, n.blue_fip, NULL);
    assert_ok(validate_router_detach(blue_r, f->blue_net1));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nat_parse_external),
        cmocka_unit_test(test_nat_parse_values),
        cmocka_unit_test_setup_teardown(test_nat_external, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nat_pools, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nat_fips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nat_mappings, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

