/* test-routing-rows: what the front ends show of routing, worked out from
 * IDL rows (ovsdb/routing-rows.c): a network's gateway (given, or the first
 * host address of its cidr), and a router's attachments sorted by network
 * name with each one's own IP, and its routes sorted.  The rows are built
 * by hand: the functions tested read their columns only. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "routing-rows.h"
#include "smap.h"
#include "weft-idl.h"

static void
test_gateway(void **state)
{
    (void) state;
    char buf[ROUTING_ROWS_IP_LEN];
    struct weftrec_network net;

    memset(&net, 0, sizeof net);
    assert_null(routing_rows_gateway(&net, buf));       /* Pure L2. */

    net.cidr = "10.1.0.0/24";
    assert_string_equal(routing_rows_gateway(&net, buf), "10.1.0.1");
    net.cidr = "192.168.255.0/30";
    assert_string_equal(routing_rows_gateway(&net, buf), "192.168.255.1");
    net.gateway = "192.168.255.2";
    assert_string_equal(routing_rows_gateway(&net, buf), "192.168.255.2");

    /* Rows written behind validation's back show no gateway. */
    net.gateway = NULL;
    net.cidr = "10.1.0.0";
    assert_null(routing_rows_gateway(&net, buf));
    net.cidr = "bogus/24";
    assert_null(routing_rows_gateway(&net, buf));
}

/* Attachments come sorted by network name, each with its own network's
 * IP (an element's 'ip' must point into that element after sorting). */
static void
test_ports_sorted(void **state)
{
    (void) state;
    struct weftrec_network vx, gre, l2;
    memset(&vx, 0, sizeof vx);
    memset(&gre, 0, sizeof gre);
    memset(&l2, 0, sizeof l2);
    vx.name = "vx";
    vx.cidr = "10.0.0.0/24";
    gre.name = "gre";
    gre.cidr = "10.1.0.0/24";
    gre.gateway = "10.1.0.254";
    l2.name = "l2";

    struct weftrec_network *nets[] = { &vx, &l2, &gre };
    char *macs[] = { "02:57:00:01:00:01", "02:57:00:01:00:03",
                     "02:57:00:01:00:02" };
    struct weftrec_router router;
    memset(&router, 0, sizeof router);
    router.name = "r1";
    router.key_networks = nets;
    router.value_networks = macs;
    router.n_networks = 3;
    smap_init(&router.routes);
    smap_add(&router.routes, "10.9.0.0/16", "10.0.0.5");
    smap_add(&router.routes, "0.0.0.0/0", "10.1.0.9");

    size_t n;
    struct routing_rows_port *ports = routing_rows_ports(&router, &n);
    assert_int_equal(n, 3);
    assert_string_equal(ports[0].network, "gre");
    assert_string_equal(ports[0].ip, "10.1.0.254");
    assert_string_equal(ports[0].mac, "02:57:00:01:00:02");
    assert_ptr_equal(ports[0].ip, ports[0].ip_buf);
    assert_string_equal(ports[1].network, "l2");
    assert_null(ports[1].ip);
    assert_string_equal(ports[2].network, "vx");
    assert_string_equal(ports[2].ip, "10.0.0.1");
    assert_string_equal(ports[2].mac, "02:57:00:01:00:01");
    free(ports);

    const char **prefixes = routing_rows_route_prefixes(&router, &n);
    assert_int_equal(n, 2);
    assert_string_equal(prefixes[0], "0.0.0.0/0");
    assert_string_equal(prefixes[1], "10.9.0.0/16");
    assert_string_equal(smap_get(&router.routes, prefixes[1]), "10.0.0.5");
    free(prefixes);
    smap_destroy(&router.routes);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gateway),
        cmocka_unit_test(test_ports_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
