/* validate-fixture: what the tests of topology/'s validation share
 * (test-validate.c: the parsers and checks; test-validate-request.c: whole
 * requests): value helpers and one small topology to check changes against;
 * the assertions and next_uuid() are unit-fixture.h's.  Include after
 * <cmocka.h>. */
#ifndef WEFT_VALIDATE_FIXTURE_H
#define WEFT_VALIDATE_FIXTURE_H 1

#include "packets.h"
#include "topology.h"
#include "unit-fixture.h"
#include "validate.h"

/* 's' parsed with parse_mac() or parse_ipv4(), which must accept it. */
struct eth_addr mac(const char *s);
ovs_be32 ip(const char *s);

/* The fixture: hosts h1 and h2; tenants red and blue; networks red/net1
 * (vxlan 1001, key 1), red/net2 (vlan 10, key 2) and blue/net1 (vxlan 1002,
 * key 3); port red/net1/a on h1 (veth1, 02:00:00:00:00:01, 10.0.0.1 and
 * 10.0.0.2, key 1).  Tenant keys: red 1, blue 2.  setup() and teardown()
 * are cmocka's group-less setup and teardown of one test. */
struct fixture {
    struct topology topo;
    struct topo_host *h1, *h2;
    struct topo_tenant *red, *blue;
    struct topo_network *red_net1, *red_net2, *blue_net1;
    struct topo_port *a;
};

int setup(void **state);
int teardown(void **state);

/* The NAT world (test-validate-nat*.c), on top of the fixture above:
 *   red/net1 has subnet 10.0.0.0/24 (gateway 10.0.0.254) and router red/r;
 *   blue/net1 has subnet 10.0.0.0/24 and router blue/r;
 *   h1 has external side ext0 192.168.100.11/24 via 192.168.100.1, h2 none;
 *   pool "ext" is 192.168.100.0/24;
 *   ports red/net1/b on h2 (10.0.0.3), red/net2/c on h1 (no IP),
 *   blue/net1/x on h1 (10.0.0.5);
 *   floating IP 192.168.100.2 of blue, on blue/net1/x.
 * build_nat() builds it into 'f', which setup() made. */
struct nat_fixture {
    struct fixture *f;
    struct topo_pool *pool;
    struct topo_port *b, *c, *x;
    struct topo_fip *blue_fip;
};

void build_nat(struct nat_fixture *, struct fixture *f);

#endif /* validate-fixture.h */
