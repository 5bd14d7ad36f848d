/* test-topology-services: unit tests for topology/services.c (the Service
 * table as plain data: adders, updaters, removers, the tenant and router
 * indexes, service keys, backends sorted by port UUID, a port's removal
 * dropping it from its services), services in topology/format.c's
 * canonical text and in topo_changes_diff() (topology/changes.c).  Beside
 * test-topology.c (which is near 800 lines), with the same kind of
 * fixture. */
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
#include "uuidset.h"

/* Hosts h1, h2; tenants red, blue; red/a (10.0.0.0/24) and red/b
 * (10.0.1.0/24) attached to router red/r, blue/c to blue/rb; ports pa1 (h1),
 * pa2 (h2) on red/a, pb1 (h2) on red/b, pc1 (h1) on blue/c.  Port UUIDs
 * are made so that pa2 < pa1 < pb1. */
struct fixture {
    struct topology topo;       /* First: see unit-fixture.h. */
    struct topo_host *h1, *h2;
    struct topo_tenant *red, *blue;
    struct topo_network *a, *b, *c;
    struct topo_router *r, *rb;
    struct topo_port *pa1, *pa2, *pb1, *pc1;
};

static struct topo_port *
add_port(struct fixture *f, uint32_t id, struct topo_network *net,
         struct topo_host *host, const char *name)
{
    struct uuid u = make_uuid(id);
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
    mac.ea[5] = id;
    ovs_be32 ip = net->subnet.prefix | htonl(id);
    return topology_add_port(&f->topo, &u, net, host, name, name, mac,
                             &ip, 1, id);
}

static struct topo_network *
add_net(struct fixture *f, uint32_t id, struct topo_tenant *t,
        const char *name, uint32_t prefix)
{
    struct uuid u = make_uuid(id);
    struct topo_network *net = topology_add_network(&f->topo, &u, t, name,
                                                    TOPO_NET_VXLAN, id, 0,
                                                    id);
    struct topo_subnet sn = { htonl(prefix), 24, htonl(prefix | 254) };
    bool changed;
    assert_true(topology_set_network_subnet(&f->topo, net, &sn, &changed));
    return net;
}

static void
build(struct fixture *f)
{
    topology_init(&f->topo);
    struct uuid u = make_uuid(1);
    f->h1 = topology_add_host(&f->topo, &u, "h1", "unix:/h1/db.sock", NULL,
                              "172.31.0.1", "netdev", NULL);
    u = make_uuid(2);
    f->h2 = topology_add_host(&f->topo, &u, "h2", "unix:/h2/db.sock", NULL,
                              "172.31.0.2", "netdev", NULL);
    u = make_uuid(10);
    f->red = topology_add_tenant(&f->topo, &u, "red", 1);
    u = make_uuid(11);
    f->blue = topology_add_tenant(&f->topo, &u, "blue", 2);
    f->a = add_net(f, 20, f->red, "a", 0x0a000000);
    f->b = add_net(f, 21, f->red, "b", 0x0a000100);
    f->c = add_net(f, 22, f->blue, "c", 0x0a000000);
    u = make_uuid(40);
    f->r = topology_add_router(&f->topo, &u, f->red, "r", 1);
    u = make_uuid(41);
    f->rb = topology_add_router(&f->topo, &u, f->blue, "rb", 2);
    const struct topo_network *nets[] = { f->a, f->b };
    struct eth_addr macs[] = { ETH_ADDR_C(02, 57, 00, 01, 00, 01),
                               ETH_ADDR_C(02, 57, 00, 01, 00, 02) };
    assert_true(topology_set_router_networks(&f->topo, f->r, nets, macs, 2));
    const struct topo_network *cnet[] = { f->c };
    assert_true(topology_set_router_networks(&f->topo, f->rb, cnet, macs,
                                             1));
    f->pa1 = add_port(f, 32, f->a, f->h1, "pa1");
    f->pa2 = add_port(f, 31, f->a, f->h2, "pa2");
    f->pb1 = add_port(f, 33, f->b, f->h2, "pb1");
    f->pc1 = add_port(f, 34, f->c, f->h1, "pc1");
}

/* setup(): a fresh build() for each test (unit-fixture.h). */
UNIT_TOPOLOGY_SETUP(build)

static struct topo_service *
add_service(struct topology *t, uint32_t id, const struct topo_tenant *tn,
            const struct topo_router *r, const char *name, uint32_t key)
{
    struct uuid u = make_uuid(id);
    return topology_add_service(t, &u, tn, r, name, key, htonl(0x0a60000a),
                                80, IPPROTO_TCP, 0);
}

static size_t
list_len(const struct ovs_list *l)
{
    return ovs_list_size(l);
}

static void
test_services_add_update_remove(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    struct topo_service *web = add_service(t, 50, f->red, f->r, "web", 1);
    struct topo_service *dns = add_service(t, 51, f->red, f->r, "dns", 2);
    struct topo_service *bw = add_service(t, 52, f->blue, f->rb, "web", 3);

    assert_int_equal(hmap_count(&t->services), 3);
    assert_int_equal(f->red->n_services, 2);
    assert_int_equal(list_len(&f->red->services), 2);
    assert_int_equal(f->r->n_services, 2);
    assert_int_equal(f->blue->n_services, 1);
    assert_true(topo_keys_contains(&t->service_keys, 3));
    struct uuid u = make_uuid(51);
    assert_ptr_equal(topology_find_service(t, &u), dns);
    assert_ptr_equal(topology_find_service_by_name(t, f->red, "web"), web);
    assert_ptr_equal(topology_find_service_by_name(t, f->blue, "web"), bw);
    assert_null(topology_find_service_by_name(t, f->blue, "dns"));

    /* A tenant or router with services is not removable. */
    assert_false(topology_remove_tenant(t, f->blue));

    /* Update: nothing, then each field. */
    assert_false(topology_update_service(t, dns, f->red, f->r, "dns", 2,
                                         htonl(0x0a60000a), 80, IPPROTO_TCP,
                                         0));
    assert_true(topology_update_service(t, dns, f->red, f->r, "dns", 7,
                                        htonl(0x0a60000a), 80, IPPROTO_TCP,
                                        0));
    assert_false(topo_keys_contains(&t->service_keys, 2));
    assert_true(topo_keys_contains(&t->service_keys, 7));
    assert_true(topology_update_service(t, dns, f->red, f->r, "dns2", 7,
                                        htonl(0x0a60000a), 53, IPPROTO_UDP,
                                        30053));
    assert_string_equal(dns->name, "dns2");
    assert_int_equal(dns->port, 53);
    assert_int_equal(dns->proto, IPPROTO_UDP);
    assert_int_equal(dns->node_port, 30053);
    /* Moved to the other tenant's router (a database written by hand). */
    assert_true(topology_update_service(t, dns, f->blue, f->rb, "dns2", 7,
                                        htonl(0x0a60000a), 53, IPPROTO_UDP,
                                        30053));
    assert_int_equal(f->red->n_services, 1);
    assert_int_equal(f->r->n_services, 1);
    assert_int_equal(f->blue->n_services, 2);
    assert_int_equal(list_len(&f->rb->services), 2);

    topology_remove_service(t, dns);
    topology_remove_service(t, bw);
    assert_int_equal(f->blue->n_services, 0);
    assert_int_equal(list_len(&f->rb->services), 0);
    assert_false(topo_keys_contains(&t->service_keys, 7));
    assert_int_equal(hmap_count(&t->services), 1);
    (void) web;
}

static void
test_services_backends(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    struct topo_service *web = add_service(t, 50, f->red, f->r, "web", 1);
    struct topo_service *dns = add_service(t, 51, f->red, f->r, "dns", 2);

    /* Given in any order, held sorted by port UUID: pa2 < pa1 < pb1. */
    struct topo_backend in[] = {
        { .port = f->pb1, .port_num = 8080, .weight = 1 },
        { .port = f->pa1, .port_num = 80, .weight = 3 },
        { .port = f->pa2, .port_num = 80, .weight = 1, .down = true },
    };
    assert_true(topology_set_service_backends(t, web, in, 3));
    assert_int_equal(web->n_backends, 3);
    assert_ptr_equal(web->backends[0].port, f->pa2);
    assert_true(web->backends[0].down);
    assert_ptr_equal(web->backends[1].port, f->pa1);
    assert_int_equal(web->backends[1].weight, 3);
    assert_ptr_equal(web->backends[2].port, f->pb1);
    assert_int_equal(web->backends[2].port_num, 8080);
    /* The same again, in another order: no change. */
    struct topo_backend same[] = { in[2], in[0], in[1] };
    assert_false(topology_set_service_backends(t, web, same, 3));
    /* One field differs: a change. */
    same[0].down = false;
    assert_true(topology_set_service_backends(t, web, same, 3));
    assert_false(web->backends[0].down);
    assert_true(topology_set_service_backends(t, dns, &in[1], 1));

    /* A port's removal drops it from every service it backs. */
    topology_remove_port(t, f->pa1);
    assert_int_equal(web->n_backends, 2);
    assert_ptr_equal(web->backends[0].port, f->pa2);
    assert_ptr_equal(web->backends[1].port, f->pb1);
    assert_int_equal(dns->n_backends, 0);

    assert_true(topology_set_service_backends(t, web, NULL, 0));
    assert_int_equal(web->n_backends, 0);
    assert_false(topology_set_service_backends(t, web, NULL, 0));
}

static void
test_services_format(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    struct topo_service *web = add_service(t, 50, f->red, f->r, "web", 1);
    struct topo_backend in[] = {
        { .port = f->pa1, .port_num = 80, .weight = 3 },
        { .port = f->pa2, .port_num = 8080, .weight = 1, .down = true },
    };
    topology_set_service_backends(t, web, in, 2);
    topology_update_service(t, web, f->red, f->r, "web", 1,
                            htonl(0x0a60000a), 80, IPPROTO_TCP, 30080);
    char *s = topology_format(t);
    const char *want =
        "service 00000032-0000-0000-0000-000000000000 "
        "tenant=0000000a-0000-0000-0000-000000000000 "
        "router=00000028-0000-0000-0000-000000000000 name=web key=1 "
        "vip=10.96.0.10:80/tcp node_port=30080 "
        "backends=[0000001f-0000-0000-0000-000000000000:8080*1down,"
        "00000020-0000-0000-0000-000000000000:80*3]";
    if (!strstr(s, want)) {
        fail_msg("no line \"%s\" in:\n%s", want, s);
    }
    free(s);
}

/* How many services topo_changes_diff() reports changed. */
static size_t
diff_services(const struct topology *old, const struct topology *new)
{
    struct topo_changes c;
    topo_changes_init(&c);
    topo_changes_diff(old, new, &c);
    size_t n = uuidset_count(&c.services);
    topo_changes_destroy(&c);
    return n;
}

static void
test_services_diff(void **state)
{
    struct fixture *f = *state;
    struct fixture g;
    build(&g);
    struct topology *o = &f->topo, *n = &g.topo;

    assert_int_equal(diff_services(o, n), 0);
    struct topo_service *sn = add_service(n, 50, g.red, g.r, "web", 1);
    assert_int_equal(diff_services(o, n), 1);           /* Added. */
    struct topo_service *so = add_service(o, 50, f->red, f->r, "web", 1);
    assert_int_equal(diff_services(o, n), 0);
    add_service(o, 51, f->red, f->r, "dns", 2);
    assert_int_equal(diff_services(o, n), 1);           /* Deleted. */
    add_service(n, 51, g.red, g.r, "dns", 2);

    struct topo_backend bn = { .port = g.pa1, .port_num = 80, .weight = 1 };
    struct topo_backend bo = { .port = f->pa1, .port_num = 80, .weight = 1 };
    topology_set_service_backends(n, sn, &bn, 1);
    assert_int_equal(diff_services(o, n), 1);           /* Backend added. */
    topology_set_service_backends(o, so, &bo, 1);
    assert_int_equal(diff_services(o, n), 0);
    bn.weight = 2;
    topology_set_service_backends(n, sn, &bn, 1);
    assert_int_equal(diff_services(o, n), 1);           /* Its weight. */
    bn.weight = 1;
    bn.down = true;
    topology_set_service_backends(n, sn, &bn, 1);
    assert_int_equal(diff_services(o, n), 1);           /* Down. */
    bn.down = false;
    topology_set_service_backends(n, sn, &bn, 1);
    assert_int_equal(diff_services(o, n), 0);
    topology_update_service(n, sn, g.red, g.r, "web", 1, htonl(0x0a60000a),
                            80, IPPROTO_TCP, 30080);
    assert_int_equal(diff_services(o, n), 1);           /* Node port. */
    topology_destroy(n);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TOPOLOGY_TEST(test_services_add_update_remove),
        UNIT_TOPOLOGY_TEST(test_services_backends),
        UNIT_TOPOLOGY_TEST(test_services_format),
        UNIT_TOPOLOGY_TEST(test_services_diff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
