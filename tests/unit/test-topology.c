/* test-topology: unit tests for topology/topology.c's indexes, removers and
 * in-place modifiers, topology/nat.c, and topology/format.c's canonical
 * text.
 *
 * The indexes (tenant -> networks, network -> ports and hosts, host -> ports
 * and networks, with per (network, host) port counts) are what the compiler
 * and weftd's incremental update use instead of scanning every port: each
 * test changes a topology and checks every index and count after it,
 * through the iteration macros. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "packets.h"
#include "topology.h"
#include "unit-fixture.h"
#include "util.h"

/* Two hosts, two tenants, three networks:
 *   red/a: ports pa1, pa2 on h1, pa3 on h2
 *   red/b: port pb1 on h2
 *   blue/c: no ports */
struct fixture {
    struct topology topo;       /* First: see unit-fixture.h. */
    struct topo_host *h1, *h2;
    struct topo_tenant *red, *blue;
    struct topo_network *a, *b, *c;
    struct topo_port *pa1, *pa2, *pa3, *pb1;
};

static struct topo_port *
add_port(struct fixture *f, uint32_t id, struct topo_network *net,
         struct topo_host *host, const char *name)
{
    struct uuid u = make_uuid(id);
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
    mac.ea[5] = id;
    ovs_be32 ip = htonl(0x0a000000 | id);
    return topology_add_port(&f->topo, &u, net, host, name, name, mac,
                             &ip, 1, id);
}

static void
build(struct fixture *f)
{
    topology_init(&f->topo);
    struct uuid u;
    u = make_uuid(1);
    f->h1 = topology_add_host(&f->topo, &u, "h1", "unix:/h1/db.sock", NULL,
                              "172.31.0.1", "netdev", NULL);
    u = make_uuid(2);
    f->h2 = topology_add_host(&f->topo, &u, "h2", "unix:/h2/db.sock", NULL,
                              "172.31.0.2", "netdev", "eth1");
    u = make_uuid(10);
    f->red = topology_add_tenant(&f->topo, &u, "red", 1);
    u = make_uuid(11);
    f->blue = topology_add_tenant(&f->topo, &u, "blue", 2);
    u = make_uuid(20);
    f->a = topology_add_network(&f->topo, &u, f->red, "a", TOPO_NET_VXLAN,
                                100, 0, 1);
    u = make_uuid(21);
    f->b = topology_add_network(&f->topo, &u, f->red, "b", TOPO_NET_VLAN,
                                10, 1400, 2);
    u = make_uuid(22);
    f->c = topology_add_network(&f->topo, &u, f->blue, "c", TOPO_NET_GRE,
                                100, 0, 3);
    f->pa1 = add_port(f, 31, f->a, f->h1, "pa1");
    f->pa2 = add_port(f, 32, f->a, f->h1, "pa2");
    f->pa3 = add_port(f, 33, f->a, f->h2, "pa3");
    f->pb1 = add_port(f, 34, f->b, f->h2, "pb1");
}

/* setup(): a fresh build() for each test (unit-fixture.h). */
UNIT_TOPOLOGY_SETUP(build)

/* The index lists' contents, as a bitmap of object ids (< 64). */
static uint64_t
network_ports(const struct topo_network *net)
{
    uint64_t set = 0;
    size_t n = 0;
    const struct topo_port *p;
    TOPO_NETWORK_FOR_EACH_PORT (p, net) {
        assert_ptr_equal(p->network, net);
        set |= UINT64_C(1) << p->uuid.parts[0];
        n++;
    }
    assert_int_equal(n, net->n_ports);
    return set;
}

static uint64_t
host_ports(const struct topo_host *host)
{
    uint64_t set = 0;
    size_t n = 0;
    const struct topo_port *p;
    TOPO_HOST_FOR_EACH_PORT (p, host) {
        assert_ptr_equal(p->host, host);
        set |= UINT64_C(1) << p->uuid.parts[0];
        n++;
    }
    assert_int_equal(n, host->n_ports);
    return set;
}

/* The hosts of 'net', each checked against its own list of ports. */
static uint64_t
network_hosts(const struct topo_network *net)
{
    uint64_t set = 0;
    size_t n_ports = 0;
    const struct topo_net_host *nh;
    TOPO_NETWORK_FOR_EACH_HOST (nh, net) {
        assert_ptr_equal(nh->network, net);
        assert_ptr_equal(topo_network_find_host(net, nh->host), nh);
        size_t n = 0;
        const struct topo_port *p;
        TOPO_NET_HOST_FOR_EACH_PORT (p, nh) {
            assert_ptr_equal(p->net_host, nh);
            assert_ptr_equal(p->host, nh->host);
            assert_ptr_equal(p->network, net);
            n++;
        }
        assert_int_equal(n, nh->n_ports);
        assert_true(n > 0);
        n_ports += n;
        set |= UINT64_C(1) << nh->host->uuid.parts[0];
    }
    assert_int_equal(n_ports, net->n_ports);
    return set;
}

static uint64_t
host_networks(const struct topo_host *host)
{
    uint64_t set = 0;
    size_t n = 0;
    const struct topo_net_host *nh;
    TOPO_HOST_FOR_EACH_NETWORK (nh, host) {
        assert_ptr_equal(nh->host, host);
        assert_ptr_equal(topo_network_find_host(nh->network, host), nh);
        set |= UINT64_C(1) << nh->network->uuid.parts[0];
        n++;
    }
    assert_int_equal(n, host->n_networks);
    return set;
}

static uint64_t
tenant_networks(const struct topo_tenant *t)
{
    uint64_t set = 0;
    size_t n = 0;
    const struct topo_network *net;
    TOPO_TENANT_FOR_EACH_NETWORK (net, t) {
        assert_ptr_equal(net->tenant, t);
        set |= UINT64_C(1) << net->uuid.parts[0];
        n++;
    }
    assert_int_equal(n, t->n_networks);
    return set;
}

#define B(N) (UINT64_C(1) << (N))

/* The canonical text holds no "BAD": every index agrees with its owner. */
static void
assert_format_sound(const struct topology *topo)
{
    char *text = topology_format(topo);
    if (strstr(text, "BAD")) {
        fail_msg("inconsistent index:\n%s", text);
    }
    free(text);
}

static void
test_add_indexes(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(tenant_networks(f->red), B(20) | B(21));
    assert_int_equal(tenant_networks(f->blue), B(22));

    assert_int_equal(network_ports(f->a), B(31) | B(32) | B(33));
    assert_int_equal(network_ports(f->b), B(34));
    assert_int_equal(network_ports(f->c), 0);
    assert_int_equal(network_hosts(f->a), B(1) | B(2));
    assert_int_equal(network_hosts(f->b), B(2));
    assert_int_equal(network_hosts(f->c), 0);
    assert_int_equal(topo_network_n_ports_on(f->a, f->h1), 2);
    assert_int_equal(topo_network_n_ports_on(f->a, f->h2), 1);
    assert_int_equal(topo_network_n_ports_on(f->b, f->h1), 0);
    assert_null(topo_network_find_host(f->c, f->h1));

    assert_int_equal(host_ports(f->h1), B(31) | B(32));
    assert_int_equal(host_ports(f->h2), B(33) | B(34));
    assert_int_equal(host_networks(f->h1), B(20));
    assert_int_equal(host_networks(f->h2), B(20) | B(21));
    assert_format_sound(&f->topo);
}

static void
test_remove_port(void **state)
{
    struct fixture *f = *state;

    /* h1 keeps one port of 'a': its entry stays, with one port. */
    topology_remove_port(&f->topo, f->pa1);
    assert_null(topology_find_port(&f->topo, &(struct uuid) { { 31 } }));
    assert_int_equal(network_ports(f->a), B(32) | B(33));
    assert_int_equal(topo_network_n_ports_on(f->a, f->h1), 1);
    assert_int_equal(network_hosts(f->a), B(1) | B(2));
    assert_int_equal(host_networks(f->h1), B(20));

    /* Its last port of 'a' gone, h1 leaves 'a' and 'a' leaves h1. */
    topology_remove_port(&f->topo, f->pa2);
    assert_int_equal(network_hosts(f->a), B(2));
    assert_int_equal(host_networks(f->h1), 0);
    assert_int_equal(host_ports(f->h1), 0);
    assert_int_equal(hmap_count(&f->topo.ports), 2);
    assert_format_sound(&f->topo);

    /* Back again: the entry is made anew. */
    f->pa1 = add_port(f, 31, f->a, f->h1, "pa1");
    assert_int_equal(network_hosts(f->a), B(1) | B(2));
    assert_int_equal(host_networks(f->h1), B(20));
    assert_int_equal(topo_network_n_ports_on(f->a, f->h1), 1);
    assert_format_sound(&f->topo);
}

static void
test_remove_refused(void **state)
{
    struct fixture *f = *state;
    char *before = topology_format(&f->topo);

    /* Each still has what it must not lose: nothing changes. */
    assert_false(topology_remove_network(&f->topo, f->b));
    assert_false(topology_remove_tenant(&f->topo, f->blue));
    assert_false(topology_remove_host(&f->topo, f->h2));
    char *after = topology_format(&f->topo);
    assert_string_equal(before, after);
    free(after);
    free(before);

    /* Emptied, each goes, and the indexes of the rest follow. */
    assert_true(topology_remove_network(&f->topo, f->c));
    assert_int_equal(tenant_networks(f->blue), 0);
    assert_true(topology_remove_tenant(&f->topo, f->blue));
    assert_null(topology_find_tenant_by_name(&f->topo, "blue"));

    topology_remove_port(&f->topo, f->pb1);
    assert_int_equal(host_networks(f->h2), B(20));
    assert_true(topology_remove_network(&f->topo, f->b));
    assert_int_equal(tenant_networks(f->red), B(20));

    topology_remove_port(&f->topo, f->pa3);
    assert_int_equal(network_hosts(f->a), B(1));
    assert_true(topology_remove_host(&f->topo, f->h2));
    assert_int_equal(hmap_count(&f->topo.hosts), 1);
    assert_false(topology_remove_host(&f->topo, f->h1));
    assert_false(topology_remove_tenant(&f->topo, f->red));
    assert_format_sound(&f->topo);
}

static void
test_update(void **state)
{
    struct fixture *f = *state;

    /* Same values: nothing changes, and it says so. */
    assert_false(topology_update_host(&f->topo, f->h2, "h2",
                                      "unix:/h2/db.sock", NULL, "172.31.0.2",
                                      "netdev", "eth1"));
    assert_false(topology_update_tenant(&f->topo, f->red, "red", 1));
    assert_false(topology_update_network(&f->topo, f->b, f->red, "b",
                                         TOPO_NET_VLAN, 10, 1400, 2));

    /* Each field: the object keeps its address, its ports their pointers. */
    struct topo_host *h2 = f->h2;
    assert_true(topology_update_host(&f->topo, f->h2, "h2",
                                     "unix:/h2/db.sock", NULL, "172.31.0.2",
                                     "netdev", NULL));
    assert_null(h2->uplink);
    assert_true(topology_update_host(&f->topo, f->h2, "h2",
                                     "unix:/h2/db.sock", "tcp:1.2.3.4:6653",
                                     "172.31.0.9", NULL, NULL));
    assert_string_equal(h2->openflow_remote, "tcp:1.2.3.4:6653");
    assert_string_equal(h2->tunnel_ip, "172.31.0.9");
    assert_string_equal(h2->datapath_type, TOPO_DATAPATH_DEFAULT);
    assert_ptr_equal(topology_find_host_by_name(&f->topo, "h2"), h2);
    assert_ptr_equal(f->pa3->host, h2);
    assert_int_equal(host_ports(h2), B(33) | B(34));

    assert_true(topology_update_tenant(&f->topo, f->red, "crimson", 7));
    assert_string_equal(f->red->name, "crimson");
    assert_int_equal(f->red->key, 7);
    assert_int_equal(tenant_networks(f->red), B(20) | B(21));

    /* A network moving to another tenant takes its ports with it. */
    assert_true(topology_update_network(&f->topo, f->b, f->blue, "b2",
                                        TOPO_NET_GENEVE, 11, 0, 9));
    assert_int_equal(tenant_networks(f->red), B(20));
    assert_int_equal(tenant_networks(f->blue), B(21) | B(22));
    assert_ptr_equal(f->pb1->network, f->b);
    assert_int_equal(network_ports(f->b), B(34));
    assert_int_equal(network_hosts(f->b), B(2));
    assert_int_equal(f->b->type, TOPO_NET_GENEVE);
    assert_int_equal(f->b->segment_id, 11);
    assert_int_equal(f->b->mtu, 0);
    assert_int_equal(f->b->key, 9);
    assert_string_equal(f->b->name, "b2");
    assert_false(topology_remove_tenant(&f->topo, f->blue));
    assert_format_sound(&f->topo);
}

/* The text is the same whatever the order of construction, and differs as
 * soon as one field or one index does. */
static void
test_format(void **state)
{
    struct fixture *f = *state;

    /* The same content, built in another order, through a removal. */
    struct fixture g;
    topology_init(&g.topo);
    struct uuid u;
    u = make_uuid(2);
    g.h2 = topology_add_host(&g.topo, &u, "h2", "unix:/h2/db.sock", NULL,
                             "172.31.0.2", "netdev", "eth1");
    u = make_uuid(1);
    g.h1 = topology_add_host(&g.topo, &u, "h1", "unix:/h1/db.sock", NULL,
                             "172.31.0.1", "netdev", NULL);
    u = make_uuid(11);
    g.blue = topology_add_tenant(&g.topo, &u, "blue", 2);
    u = make_uuid(10);
    g.red = topology_add_tenant(&g.topo, &u, "red", 1);
    u = make_uuid(22);
    g.c = topology_add_network(&g.topo, &u, g.blue, "c", TOPO_NET_GRE,
                               100, 0, 3);
    u = make_uuid(21);
    g.b = topology_add_network(&g.topo, &u, g.red, "b", TOPO_NET_VLAN,
                               10, 1400, 2);
    u = make_uuid(20);
    g.a = topology_add_network(&g.topo, &u, g.red, "a", TOPO_NET_VXLAN,
                               100, 0, 1);
    add_port(&g, 34, g.b, g.h2, "pb1");
    add_port(&g, 33, g.a, g.h2, "pa3");
    g.pa1 = add_port(&g, 40, g.a, g.h1, "pa1");
    add_port(&g, 32, g.a, g.h1, "pa2");
    topology_remove_port(&g.topo, g.pa1);
    add_port(&g, 31, g.a, g.h1, "pa1");

    char *ft = topology_format(&f->topo);
    char *gt = topology_format(&g.topo);
    assert_string_equal(ft, gt);
    assert_non_null(strstr(ft, "underlay_mtu 1500\n"));
    assert_non_null(strstr(ft, "name=pa1 iface=pa1 mac=02:00:00:00:00:1f "
                           "key=31 ips=10.0.0.31"));
    free(gt);

    /* One field differs: the texts do. */
    g.red->quota[TOPO_QUOTA_PORTS] = 5;
    gt = topology_format(&g.topo);
    assert_string_not_equal(ft, gt);
    free(gt);
    g.red->quota[TOPO_QUOTA_PORTS] = f->red->quota[TOPO_QUOTA_PORTS];

    /* A port on another host: its host's index and its network's differ. */
    struct topo_port *pa2 = topology_find_port(&g.topo,
                                               &(struct uuid) { { 32 } });
    topology_remove_port(&g.topo, pa2);
    add_port(&g, 32, g.a, g.h2, "pa2");
    gt = topology_format(&g.topo);
    assert_string_not_equal(ft, gt);
    free(gt);

    /* A broken count shows as BAD. */
    g.a->n_ports++;
    gt = topology_format(&g.topo);
    assert_non_null(strstr(gt, "BAD"));
    free(gt);
    g.a->n_ports--;

    free(ft);
    topology_destroy(&g.topo);
}

/* Sets 'net''s subnet to 'prefix'/'plen' with gateway 'gw' (host order). */
static void
set_subnet(struct topology *topo, struct topo_network *net, uint32_t prefix,
           int plen, uint32_t gw)
{
    struct topo_subnet sn = { .prefix = htonl(prefix), .plen = plen,
                              .gateway = htonl(gw) };
    bool changed;
    assert_true(topology_set_network_subnet(topo, net, &sn, &changed));
}

/* topology/routers.c: a router's add, update, attachments, routes and
 * removal, with the tenant -> routers, router -> ports and network ->
 * router indexes and the key index after each. */
static void
test_routers(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    static const struct eth_addr m1 = ETH_ADDR_C(02, 57, 00, 01, 00, 01);
    static const struct eth_addr m2 = ETH_ADDR_C(02, 57, 00, 01, 00, 02);

    /* Subnets: set, unchanged, and a network without one. */
    bool changed;
    struct topo_subnet sn = { .prefix = htonl(0x0a010000), .plen = 24,
                              .gateway = htonl(0x0a010001) };
    assert_true(topology_set_network_subnet(t, f->a, &sn, &changed));
    assert_true(changed);
    assert_true(topology_set_network_subnet(t, f->a, &sn, &changed));
    assert_false(changed);
    assert_true(topo_subnet_contains(&f->a->subnet, htonl(0x0a0100fe)));
    assert_false(topo_subnet_contains(&f->a->subnet, htonl(0x0a010100)));
    assert_false(topo_subnet_contains(&f->c->subnet, htonl(0x0a010001)));

    struct uuid u = make_uuid(50);
    struct topo_router *r = topology_add_router(t, &u, f->red, "r1", 1);
    assert_ptr_equal(topology_find_router(t, &u), r);
    assert_ptr_equal(topology_find_router_by_name(t, f->red, "r1"), r);
    assert_null(topology_find_router_by_name(t, f->blue, "r1"));
    assert_int_equal(f->red->n_routers, 1);
    assert_int_equal(topo_keys_lowest_free(&t->router_keys), 2);

    /* Attachments: refused for a network without a subnet or of another
     * tenant, or twice the same; then a and b. */
    const struct topo_network *nets[2] = { f->a, f->b };
    struct eth_addr macs[2] = { m1, m2 };
    assert_false(topology_set_router_networks(t, r, nets, macs, 2));
    assert_int_equal(r->n_ports, 0);
    set_subnet(t, f->b, 0x0a020000, 24, 0x0a020001);
    const struct topo_network *twice[2] = { f->a, f->a };
    assert_false(topology_set_router_networks(t, r, twice, macs, 2));
    const struct topo_network *other[1] = { f->c };
    set_subnet(t, f->c, 0x0a030000, 24, 0x0a030001);
    assert_false(topology_set_router_networks(t, r, other, macs, 1));
    assert_true(topology_set_router_networks(t, r, nets, macs, 2));
    assert_int_equal(r->n_ports, 2);
    assert_ptr_equal(topo_router_find_port(r, f->a), f->a->router_port);
    assert_true(eth_addr_equals(f->b->router_port->mac, m2));
    assert_null(f->c->router_port);
    assert_format_sound(t);

    /* An attached network keeps its subnet; it can neither lose it nor be
     * removed, nor its tenant while it has the router. */
    struct topo_subnet none = { .plen = 0 };
    assert_false(topology_set_network_subnet(t, f->a, &none, &changed));
    assert_int_equal(f->a->subnet.plen, 24);
    topology_remove_port(t, f->pb1);
    assert_false(topology_remove_network(t, f->b));

    /* Another router cannot take a network the first one has. */
    u = make_uuid(51);
    struct topo_router *r2 = topology_add_router(t, &u, f->red, "r2", 2);
    assert_false(topology_set_router_networks(t, r2, nets, macs, 1));

    /* Routes are kept longest prefix first. */
    struct topo_route routes[3] = {
        { htonl(0x0a090000), 16, htonl(0x0a010005) },
        { htonl(0x0a090100), 24, htonl(0x0a010006) },
        { 0, 0, htonl(0x0a020007) },
    };
    assert_true(topology_set_router_routes(t, r, routes, 3));
    assert_false(topology_set_router_routes(t, r, routes, 3));
    assert_int_equal(r->routes[0].plen, 24);
    assert_int_equal(r->routes[2].plen, 0);

    char *text = topology_format(t);
    assert_non_null(strstr(text, "name=r1 key=1 ports=["));
    assert_non_null(strstr(text, "@02:57:00:01:00:01,"));
    assert_non_null(strstr(text, " routes=[10.9.1.0/24>10.1.0.6,"
                           "10.9.0.0/16>10.1.0.5,0.0.0.0/0>10.2.0.7]"));
    assert_non_null(strstr(text, "n_routers=2"));
    free(text);

    /* Update: rename and new key (the key index follows); moving it to
     * another tenant drops its attachments. */
    assert_true(topology_update_router(t, r, f->red, "r9", 7));
    assert_false(topology_update_router(t, r, f->red, "r9", 7));
    assert_ptr_equal(topology_find_router_by_name(t, f->red, "r9"), r);
    assert_int_equal(topo_keys_lowest_free(&t->router_keys), 1);
    assert_true(topology_update_router(t, r2, f->blue, "r2", 2));
    assert_int_equal(f->red->n_routers, 1);
    assert_int_equal(f->blue->n_routers, 1);
    assert_format_sound(t);

    /* A tenant with a router is not removable; detach all, then remove. */
    assert_true(topology_set_router_networks(t, r, NULL, NULL, 0));
    assert_null(f->a->router_port);
    assert_true(topology_set_network_subnet(t, f->a, &none, &changed));
    assert_true(changed);
    topology_remove_router(t, r2);
    assert_int_equal(f->blue->n_routers, 0);
    assert_true(topology_set_router_networks(t, r, nets, macs, 1) == false);
    set_subnet(t, f->a, 0x0a010000, 24, 0x0a010001);
    assert_true(topology_set_router_networks(t, r, nets, macs, 2));
    topology_remove_router(t, r);
    assert_null(f->a->router_port);
    assert_null(f->b->router_port);
    assert_int_equal(f->red->n_routers, 0);
    assert_int_equal(topo_keys_lowest_free(&t->router_keys), 1);
    assert_true(topology_remove_network(t, f->b));
    assert_format_sound(t);
}

/* topo_changes_diff() (topology/changes.c) for routers and subnets: what
 * it reports for each kind of change between two builds of the same
 * topology: "R N" = routers changed, networks changed. */
static char *
routers_networks(const struct topo_changes *c)
{
    return xasprintf("%"PRIuSIZE" %"PRIuSIZE, uuidset_count(&c->routers),
                     uuidset_count(&c->networks));
}

#define ASSERT_DIFF(OLD, NEW, WANT)                             \
    assert_topo_diff(OLD, NEW, routers_networks, WANT)

static void
test_changes_diff_routers(void **state)
{
    struct fixture *f = *state;
    struct fixture g;
    build(&g);
    struct topology *o = &f->topo, *n = &g.topo;
    static const struct eth_addr m = ETH_ADDR_C(02, 57, 00, 01, 00, 01);

    ASSERT_DIFF(o, n, "0 0");
    set_subnet(n, g.a, 0x0a010000, 24, 0x0a010001);     /* Subnet added. */
    ASSERT_DIFF(o, n, "0 1");
    set_subnet(o, f->a, 0x0a010000, 24, 0x0a010001);
    ASSERT_DIFF(o, n, "0 0");

    struct uuid u = make_uuid(50);
    struct topo_router *rn = topology_add_router(n, &u, g.red, "r", 1);
    ASSERT_DIFF(o, n, "1 0");                           /* Router added. */
    struct topo_router *ro = topology_add_router(o, &u, f->red, "r", 1);
    ASSERT_DIFF(o, n, "0 0");

    const struct topo_network *nets[1] = { g.a };
    topology_set_router_networks(n, rn, nets, &m, 1);   /* Attached. */
    ASSERT_DIFF(o, n, "1 1");
    nets[0] = f->a;
    topology_set_router_networks(o, ro, nets, &m, 1);
    ASSERT_DIFF(o, n, "0 0");

    struct topo_route rt = { htonl(0x0a090000), 16, htonl(0x0a010005) };
    topology_set_router_routes(n, rn, &rt, 1);          /* A route. */
    ASSERT_DIFF(o, n, "1 0");
    topology_set_router_routes(o, ro, &rt, 1);
    ASSERT_DIFF(o, n, "0 0");

    /* The attached network's gateway: the network and its router. */
    set_subnet(n, g.a, 0x0a010000, 24, 0x0a0100fe);
    ASSERT_DIFF(o, n, "1 1");
    set_subnet(n, g.a, 0x0a010000, 24, 0x0a010001);

    /* A changed tenant: its networks and routers. */
    topology_update_tenant(n, g.red, "red", 9);
    ASSERT_DIFF(o, n, "1 2");
    topology_update_tenant(n, g.red, "red", 1);

    topology_update_router(n, rn, g.red, "r2", 1);      /* Renamed. */
    ASSERT_DIFF(o, n, "1 0");
    topology_remove_router(n, rn);                      /* Deleted. */
    ASSERT_DIFF(o, n, "1 1");
    topology_destroy(n);
}

/* topology/nat.c: external side, snat, mappings, pools and floating IPs,
 * with their indexes and text; a floating IP's weak reference to its
 * port. */
static void
test_nat(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    const ovs_be32 ip = htonl(0xc0a8640b), gw = htonl(0xc0a86401);

    assert_false(topo_host_has_external(f->h1));
    assert_true(topology_set_host_external(t, f->h1, "ext0", ip, 24, gw));
    assert_false(topology_set_host_external(t, f->h1, "ext0", ip, 24, gw));
    struct eth_addr m = ETH_ADDR_C(aa, bb, cc, dd, ee, ff);
    assert_true(topology_set_host_gateway_mac(f->h1, m));
    assert_false(topology_set_host_gateway_mac(f->h1, m));
    /* The MAC survives another interface, not another next hop. */
    assert_true(topology_set_host_external(t, f->h1, "ext1", ip, 24, gw));
    assert_true(eth_addr_equals(f->h1->ext.gateway_mac, m));
    assert_true(topology_set_host_external(t, f->h1, "ext1", ip, 24,
                                           htonl(0xc0a864fe)));
    assert_true(eth_addr_is_zero(f->h1->ext.gateway_mac));
    char *text = topology_format(t);
    assert_non_null(strstr(text, " external=ext1:192.168.100.11/24>"
                           "192.168.100.254"));
    free(text);
    assert_true(topology_set_host_external(t, f->h1, NULL, 0, 0, 0));
    assert_false(topo_host_has_external(f->h1));
    assert_false(topology_set_host_external(t, f->h1, NULL, 0, 0, 0));
    topology_set_host_external(t, f->h1, "ext0", ip, 24, gw);

    struct uuid u = make_uuid(50);
    struct topo_router *r = topology_add_router(t, &u, f->red, "r", 1);
    assert_true(topology_set_router_snat(r, true));
    assert_false(topology_set_router_snat(r, true));

    /* Mappings are kept sorted, whatever the order given. */
    struct topo_mapping maps[] = { { IPPROTO_UDP, 53, 5353 },
                                   { IPPROTO_TCP, 8080, 80 },
                                   { IPPROTO_TCP, 443, 8443 } };
    assert_true(topology_set_port_mappings(t, f->pa1, maps, 3));
    assert_false(topology_set_port_mappings(t, f->pa1, maps, 3));
    assert_int_equal(f->pa1->mappings[0].host_port, 443);
    assert_ptr_equal(topo_host_find_mapping(f->h1, IPPROTO_UDP, 53), f->pa1);
    assert_null(topo_host_find_mapping(f->h1, IPPROTO_TCP, 53));
    assert_null(topo_host_find_mapping(f->h2, IPPROTO_UDP, 53));

    u = make_uuid(60);
    struct topo_pool *pool = topology_add_pool(t, &u, "ext",
                                               htonl(0xc0a86400), 24);
    assert_ptr_equal(topology_find_pool_by_name(t, "ext"), pool);
    assert_ptr_equal(topology_find_pool(t, &u), pool);
    assert_false(topology_update_pool(t, pool, "ext", htonl(0xc0a86400),
                                      24));
    assert_true(topology_update_pool(t, pool, "ext2", htonl(0xc0a86400),
                                     24));
    u = make_uuid(61);
    struct topo_fip *fip = topology_add_fip(t, &u, f->red, pool,
                                            htonl(0xc0a86464));
    assert_int_equal(f->red->n_fips, 1);
    assert_int_equal(pool->n_fips, 1);
    assert_ptr_equal(topology_find_fip_by_ip(t, htonl(0xc0a86464)), fip);
    assert_false(topology_remove_pool(t, pool));        /* Has a FIP. */

    assert_true(topology_set_fip_port(t, fip, f->pa1));
    assert_ptr_equal(f->pa1->fip, fip);
    u = make_uuid(62);
    struct topo_fip *fip2 = topology_add_fip(t, &u, f->red, pool,
                                             htonl(0xc0a86465));
    assert_false(topology_set_fip_port(t, fip2, f->pa1)); /* Taken. */
    assert_null(fip2->port);
    assert_true(topology_set_fip_port(t, fip, f->pa2));   /* Moved. */
    assert_null(f->pa1->fip);
    assert_ptr_equal(f->pa2->fip, fip);
    assert_true(topology_update_fip(t, fip2, f->blue, pool,
                                    htonl(0xc0a86466)));
    assert_int_equal(f->red->n_fips, 1);
    assert_int_equal(f->blue->n_fips, 1);
    text = topology_format(t);
    assert_non_null(strstr(text, " mappings=tcp/443>8443,tcp/8080>80,"
                           "udp/53>5353"));
    assert_non_null(strstr(text, " fip=192.168.100.100"));
    assert_non_null(strstr(text, "name=ext2 cidr=192.168.100.0/24 "
                           "n_fips=2"));
    assert_non_null(strstr(text, " snat "));
    free(text);
    assert_format_sound(t);

    /* The port goes: its floating IP stays, unassigned (weak reference). */
    topology_remove_port(t, f->pa2);
    assert_null(fip->port);
    assert_ptr_equal(topology_find_fip(t, &fip->uuid), fip);
    assert_format_sound(t);
    assert_false(topology_remove_tenant(t, f->blue));   /* Holds fip2. */
    topology_remove_fip(t, fip2);
    topology_remove_fip(t, fip);
    assert_int_equal(f->red->n_fips, 0);
    assert_true(topology_remove_pool(t, pool));
    assert_null(topology_find_pool_by_name(t, "ext2"));
    assert_format_sound(t);
}

/* topo_changes_diff() for the NAT state: a floating IP assigned, moved or
 * unassigned changes its old and new port; pools and floating IPs are
 * their own sets; snat is the router's, the external side the host's. */
static char *
nat_changes(const struct topo_changes *c)
{
    return xasprintf("h%"PRIuSIZE" r%"PRIuSIZE" p%"PRIuSIZE" ph%"PRIuSIZE
                     " pool%"PRIuSIZE" fip%"PRIuSIZE,
                     uuidset_count(&c->hosts), uuidset_count(&c->routers),
                     uuidset_count(&c->ports), uuidset_count(&c->port_hosts),
                     uuidset_count(&c->pools), uuidset_count(&c->fips));
}

#define ASSERT_DIFF_NAT(OLD, NEW, WANT)                         \
    assert_topo_diff(OLD, NEW, nat_changes, WANT)

static void
test_changes_diff_nat(void **state)
{
    struct fixture *f = *state;
    struct fixture g;
    build(&g);
    struct topology *o = &f->topo, *n = &g.topo;
    const char *none = "h0 r0 p0 ph0 pool0 fip0";

    ASSERT_DIFF_NAT(o, n, none);
    topology_set_host_external(n, g.h1, "ext0", htonl(0xc0a8640b), 24,
                               htonl(0xc0a86401));
    ASSERT_DIFF_NAT(o, n, "h1 r0 p0 ph0 pool0 fip0");
    topology_set_host_external(o, f->h1, "ext0", htonl(0xc0a8640b), 24,
                               htonl(0xc0a86401));
    ASSERT_DIFF_NAT(o, n, none);

    struct uuid u = make_uuid(50);
    struct topo_router *rn = topology_add_router(n, &u, g.red, "r", 1);
    topology_add_router(o, &u, f->red, "r", 1);
    topology_set_router_snat(rn, true);
    ASSERT_DIFF_NAT(o, n, "h0 r1 p0 ph0 pool0 fip0");
    topology_set_router_snat(rn, false);

    struct topo_mapping map = { IPPROTO_TCP, 8080, 80 };
    topology_set_port_mappings(n, g.pa3, &map, 1);
    ASSERT_DIFF_NAT(o, n, "h0 r0 p1 ph1 pool0 fip0");
    topology_set_port_mappings(o, f->pa3, &map, 1);

    u = make_uuid(60);
    struct topo_pool *pn = topology_add_pool(n, &u, "ext", htonl(0xc0a86400),
                                             24);
    ASSERT_DIFF_NAT(o, n, "h0 r0 p0 ph0 pool1 fip0");
    struct topo_pool *po = topology_add_pool(o, &u, "ext", htonl(0xc0a86400),
                                             24);
    u = make_uuid(61);
    struct topo_fip *fn = topology_add_fip(n, &u, g.red, pn,
                                           htonl(0xc0a86464));
    struct topo_fip *fo = topology_add_fip(o, &u, f->red, po,
                                           htonl(0xc0a86464));
    ASSERT_DIFF_NAT(o, n, none);
    topology_set_fip_port(n, fn, g.pa1);                /* Assigned. */
    ASSERT_DIFF_NAT(o, n, "h0 r0 p1 ph1 pool0 fip1");
    topology_set_fip_port(o, fo, f->pa1);
    topology_set_fip_port(n, fn, g.pb1);                /* Moved h1 -> h2. */
    ASSERT_DIFF_NAT(o, n, "h0 r0 p2 ph2 pool0 fip1");
    topology_set_fip_port(n, fn, NULL);                 /* Unassigned. */
    ASSERT_DIFF_NAT(o, n, "h0 r0 p1 ph1 pool0 fip1");
    topology_remove_fip(n, fn);                         /* Deleted. */
    ASSERT_DIFF_NAT(o, n, "h0 r0 p1 ph1 pool0 fip1");
    topology_destroy(n);
}

static void
test_swap(void **state)
{
    struct fixture *f = *state;
    struct topology other;
    topology_init(&other);

    char *before = topology_format(&f->topo);
    topology_swap(&f->topo, &other);
    assert_int_equal(hmap_count(&f->topo.ports), 0);
    char *after = topology_format(&other);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_format_sound(&other);
    topology_swap(&f->topo, &other);
    topology_destroy(&other);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TOPOLOGY_TEST(test_add_indexes),
        UNIT_TOPOLOGY_TEST(test_remove_port),
        UNIT_TOPOLOGY_TEST(test_remove_refused),
        UNIT_TOPOLOGY_TEST(test_update),
        UNIT_TOPOLOGY_TEST(test_format),
        UNIT_TOPOLOGY_TEST(test_swap),
        UNIT_TOPOLOGY_TEST(test_routers),
        UNIT_TOPOLOGY_TEST(test_changes_diff_routers),
        UNIT_TOPOLOGY_TEST(test_nat),
        UNIT_TOPOLOGY_TEST(test_changes_diff_nat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
