/* test-compile-nat: unit tests of the NAT stages of the flow compiler
 * (ofproto/compile-nat.c, pipeline.h's tables 50..63).
 *
 * The topology is built in C: host hv1 with an external side (ext0,
 * 192.168.100.11/24, gateway 192.168.100.1, its MAC resolved), host hv2
 * without; tenants acme and bolt with the same subnet 10.1.0.0/24 and the
 * same endpoint address 10.1.0.5 on hv1, each with a SNAT router; acme's a1
 * holds floating IP 192.168.100.100, bolt's b1 a mapping tcp/8080 -> 80.
 * hv1's NAT flows are checked against a golden text, then each rule of
 * pipeline.h on its own: no external side, no SNAT, no gateway MAC, two
 * tenants apart (metadata, reg11, zone, transit address), owners and
 * cookies.  Every flow is also fed to OVS's flow parser. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "compile-fixture.h"
#include "compiler.h"
#include "flow-text.h"
#include "host-flows.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "pipeline.h"
#include "simap.h"
#include "topology.h"
#include "util.h"

struct fixture {
    struct compile_fixture c;   /* First: see compile-fixture.h. */
    struct topo_network *net1, *netb;
    struct topo_router *r1, *rb;
    struct topo_port *a1, *b1, *a2;
    struct topo_fip *fip;
};

static struct uuid
next_uuid(struct fixture *f)
{
    return compile_fixture_uuid(&f->c);
}

static struct topo_router *
add_router(struct fixture *f, const struct topo_tenant *t, const char *name,
           uint32_t key, struct topo_network *net, const char *mac_s)
{
    struct uuid uuid = next_uuid(f);
    struct topo_router *r = topology_add_router(&f->c.topo, &uuid, t, name,
                                                key);
    struct eth_addr mac;
    assert_true(eth_addr_from_string(mac_s, &mac));
    const struct topo_network *nets[] = { net };
    assert_true(topology_set_router_networks(&f->c.topo, r, nets, &mac, 1));
    assert_true(topology_set_router_snat(r, true));
    return r;
}

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    compile_fixture_init(&f->c, 2, NULL, 0x57, 0x4e, 0x41);
    assert_true(topology_set_host_external(&f->c.topo, f->c.hv[0], "ext0",
                                           ip("192.168.100.11"), 24,
                                           ip("192.168.100.1")));
    struct eth_addr gw_mac = ETH_ADDR_C(52, 54, 00, 00, 01, 01);
    assert_true(topology_set_host_gateway_mac(f->c.hv[0], gw_mac));
    simap_put(&f->c.ofports[0], "ext0", 30);

    struct uuid uuid = next_uuid(f);
    struct topo_tenant *acme = topology_add_tenant(&f->c.topo, &uuid, "acme",
                                                   1);
    uuid = next_uuid(f);
    struct topo_tenant *bolt = topology_add_tenant(&f->c.topo, &uuid, "bolt",
                                                   2);
    f->net1 = compile_fixture_add_net(&f->c, acme, "net1", 3);
    f->netb = compile_fixture_add_net(&f->c, bolt, "netb", 4);
    f->a1 = compile_fixture_add_port(&f->c, f->net1, 0, "a1",
                                     "02:00:00:00:00:01", "10.1.0.5", 1, 1);
    f->b1 = compile_fixture_add_port(&f->c, f->netb, 0, "b1",
                                     "02:00:00:00:00:01", "10.1.0.5", 2, 2);
    f->a2 = compile_fixture_add_port(&f->c, f->net1, 1, "a2",
                                     "02:00:00:00:00:02", "10.1.0.6", 3, 1);
    f->r1 = add_router(f, acme, "r1", 7, f->net1, "02:57:00:07:00:03");
    f->rb = add_router(f, bolt, "rb", 8, f->netb, "02:57:00:08:00:04");

    uuid = next_uuid(f);
    struct topo_pool *pool = topology_add_pool(&f->c.topo, &uuid, "ext",
                                               ip("192.168.100.0"), 24);
    uuid = next_uuid(f);
    f->fip = topology_add_fip(&f->c.topo, &uuid, acme, pool,
                              ip("192.168.100.100"));
    assert_true(topology_set_fip_port(&f->c.topo, f->fip, f->a1));
    struct topo_mapping map = { IPPROTO_TCP, 8080, 80 };
    assert_true(topology_set_port_mappings(&f->c.topo, f->b1, &map, 1));

    *state = f;
    return 0;
}

/* The lines of 'f->c.flows' that are NAT's: tables 50..63, CLASSIFY from the
 * external port (in_port=30) and L3_ROUTE's priority 99. */
static char *
format_nat(const struct fixture *f)
{
    struct ds all = DS_EMPTY_INITIALIZER, out = DS_EMPTY_INITIALIZER;
    weft_flows_format(&f->c.flows, &all);
    char *save = NULL;
    for (char *line = strtok_r(ds_cstr(&all), "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        int table = atoi(line + strlen("table="));
        if (table >= 50 || strstr(line, "in_port=30")
            || (table == 24 && strstr(line, "priority=99,"))) {
            ds_put_format(&out, "%s\n", line);
        }
    }
    ds_destroy(&all);
    return ds_steal_cstr(&out);
}

/* All of 'f->c.flows' as text (valid until the next call). */
static const char *
flows_text(const struct fixture *f)
{
    static struct ds s = DS_EMPTY_INITIALIZER;
    ds_clear(&s);
    weft_flows_format(&f->c.flows, &s);
    return ds_cstr(&s);
}

#include "test-compile-nat-golden.h"

static void
test_golden_hv1(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    compile_fixture_check_parses(&f->c);
    char *text = format_nat(f);
    if (strcmp(text, golden_hv1_nat)) {
        fprintf(stderr, "got:\n%s", text);
    }
    assert_string_equal(text, golden_hv1_nat);
    free(text);
}

/* hv2 has no external side: no NAT row at all, although it serves r1. */
static void
test_no_external(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 1);
    assert_true(count_lines(flows_text(f), "reg11=0x7") > 0);
    char *text = format_nat(f);
    assert_string_equal(text, "");
    free(text);

    /* Nor on hv1 once its external side is gone. */
    assert_true(topology_set_host_external(&f->c.topo, f->c.hv[0], NULL, 0, 0,
                                           0));
    compile_fixture_run(&f->c, 0);
    text = format_nat(f);
    assert_string_equal(text, "");
    free(text);
}

/* Without SNAT a router keeps the rows its floating IPs and mappings need,
 * not the SNAT; with neither, none. */
static void
test_no_snat(void **state)
{
    struct fixture *f = *state;
    assert_true(topology_set_router_snat(f->r1, false));
    assert_true(topology_set_router_snat(f->rb, false));
    compile_fixture_run(&f->c, 0);
    compile_fixture_check_parses(&f->c);
    char *text = format_nat(f);
    assert_int_equal(count_lines(text, "100.64."), 0);
    assert_int_equal(count_lines(text, "priority=99, cookie=0x5700010000000007"),
                     1);
    assert_int_equal(count_lines(text, "priority=99, cookie=0x5700020000000008"),
                     1);
    assert_int_equal(count_lines(text, "tp_dst=8080"), 1);
    free(text);

    assert_true(topology_set_port_mappings(&f->c.topo, f->b1, NULL, 0));
    compile_fixture_run(&f->c, 0);
    text = format_nat(f);
    assert_int_equal(count_lines(text, "reg11=0x8"), 0);
    assert_int_equal(count_lines(text, "zone=8"), 0);
    assert_int_equal(count_lines(text, "tp_dst=8080"), 0);
    assert_int_equal(count_lines(text, "reg11=0x7"), 8);
    free(text);
}

/* Until the gateway's MAC is known, nothing is sent out (EXT_SEND drops)
 * but its ARP reply still reaches the controller; without ext0's ofport,
 * nothing comes in either. */
static void
test_no_gateway_mac(void **state)
{
    struct fixture *f = *state;
    assert_true(topology_set_host_gateway_mac(f->c.hv[0], eth_addr_zero));
    compile_fixture_run(&f->c, 0);
    char *text = format_nat(f);
    assert_int_equal(count_lines(text, "output:30"), 0);
    assert_int_equal(count_lines(text, "table=53, "), 1);
    assert_non_null(strstr(text, "table=53, priority=0, cookie=0x5700000000000000, actions=drop\n"));
    assert_int_equal(count_lines(text, "actions=CONTROLLER:65535"), 1);
    assert_int_equal(count_lines(text, "in_port=30"), 1);
    free(text);

    simap_find_and_delete(&f->c.ofports[0], "ext0");
    assert_true(topology_set_host_gateway_mac(
                    f->c.hv[0],
                    (struct eth_addr) ETH_ADDR_C(52, 54, 0, 0, 1, 1)));
    compile_fixture_run(&f->c, 0);
    text = format_nat(f);
    assert_int_equal(count_lines(text, "in_port=30"), 0);
    assert_int_equal(count_lines(text, "output:"), 0);
    assert_int_equal(count_lines(text, "actions=CONTROLLER:65535"), 1);
    free(text);
}

/* The key of the router a NAT flow of 'f' works for, from its cookie (a
 * router's) or its port's network, or 0 for the host's own. */
static uint32_t
flow_router_key(const struct fixture *f, const struct weft_flow *flow)
{
    uint32_t low = flow->cookie & 0xffffff;
    uint32_t net_key = (flow->cookie >> 24) & 0xffff;
    if (!low) {
        return 0;
    }
    if (!net_key) {
        return low;
    }
    const struct topo_port *port = low == f->a1->key ? f->a1 : f->b1;
    return port->network->router_port->router->key;
}

/* Two tenants with the same subnet and address stay apart: every NAT flow
 * of a router matches or sets only its own reg11, uses only its own zone
 * and transit address, and delivers only into its own networks. */
static void
test_tenants_apart(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    const struct weft_flow *flow;
    size_t n = 0;
    HMAP_FOR_EACH (flow, node, &f->c.flows.flows) {
        uint32_t key = flow_router_key(f, flow);
        if (flow->table_id < 50 || !key) {
            continue;
        }
        char *text = xasprintf("%s %s", flow_match_s(flow),
                               flow_actions_s(flow));
        char *reg = xasprintf("0x%"PRIx32, key);
        char *zone = xasprintf("zone=%"PRIu32",", key);
        if (!((flow->cookie >> 24) & 0xffff)) {
            assert_non_null(strstr(text, reg));     /* A router's row. */
        }
        assert_int_equal(count_lines(text, "reg11"),
                         count_lines(text, reg));
        if (strstr(text, "zone=")) {
            assert_non_null(strstr(text, zone));
        }
        if (strstr(text, "100.64.")) {
            char *transit = xasprintf("100.64.0.%"PRIu32, key);
            assert_non_null(strstr(text, transit));
            free(transit);
        }
        if (strstr(text, "->metadata")) {
            char *meta = xasprintf("set_field:0x%x->metadata",
                                   key == f->r1->key ? 3 : 4);
            assert_non_null(strstr(text, meta));
            free(meta);
        }
        free(text);
        free(reg);
        free(zone);
        n++;
    }
    /* Each router's 7 (EXT_OUT, 3 in EXT_SNAT, the SNAT reply, the
     * EXT_IN_ROUTER reply, EXT_DELIVER), a1's floating IP's 5 and b1's
     * mapping. */
    assert_int_equal(n, 20);
}

/* Owners and cookies: the host's external side (cookie 0) is the EXTERNAL
 * owner, a router's rows its ROUTER owner, a port's its PORT owner; the
 * union of compile_owner_flows() over compile_host_owners() is the host. */
static void
test_owners(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    const struct weft_flow *flow;
    size_t n_external = 0;
    HMAP_FOR_EACH (flow, node, &f->c.flows.flows) {
        if (flow->owner.kind == WEFT_OWNER_EXTERNAL) {
            assert_true(uuid_equals(&flow->owner.uuid, &f->c.hv[0]->uuid));
            assert_true(flow->cookie == weft_cookie(0, 0, 0));
            n_external++;
        } else if (flow->table_id >= 50 && flow->cookie & 0xffffff) {
            bool port = (flow->cookie >> 24) & 0xffff;
            assert_int_equal(flow->owner.kind,
                             port ? WEFT_OWNER_PORT : WEFT_OWNER_ROUTER);
        } else if (flow->table_id >= 50) {
            fail_msg("table %d: a flow of no NAT owner", flow->table_id);
        }
    }
    assert_int_equal(n_external, 16);

    compile_fixture_check_owners(&f->c, 0, WEFT_OWNER_EXTERNAL);
}

/* A floating IP moved from a1 to a3 (both on hv1) recompiles exactly the
 * two ports' owners (and looks at their routers, whose flows stay), and
 * leaves hv2 alone; the gateway's MAC resolved recompiles the EXTERNAL
 * owner and a3's. */
static void
test_fip_move_recompiles_ports(void **state)
{
    struct fixture *f = *state;
    struct topo_port *a3 = compile_fixture_add_port(
        &f->c, f->net1, 0, "a3", "02:00:00:00:00:03", "10.1.0.7", 9, 3);
    struct host_flows hf[2];
    for (int h = 0; h < 2; h++) {
        host_flows_init(&hf[h]);
        host_flows_update(&hf[h], &f->c.topo, f->c.hv[h], &f->c.ofports[h],
                          NULL);
    }

    assert_true(topology_set_fip_port(&f->c.topo, f->fip, a3));
    struct topo_changes c;
    topo_changes_init(&c);
    uuidset_insert(&c.fips, &f->fip->uuid);
    uuidset_insert(&c.ports, &f->a1->uuid);
    uuidset_insert(&c.ports, &a3->uuid);
    uuidset_insert(&c.port_hosts, &f->c.hv[0]->uuid);

    struct uuidset hosts = UUIDSET_INITIALIZER(&hosts);
    topo_changes_hosts(&f->c.topo, &c, &hosts);
    assert_int_equal(uuidset_count(&hosts), 1);
    assert_true(uuidset_contains(&hosts, &f->c.hv[0]->uuid));
    uuidset_destroy(&hosts);

    for (int h = 0; h < 2; h++) {
        uint64_t owners = hf[h].n_owner_compiles;
        uint64_t fulls = hf[h].n_full_compiles;
        host_flows_note_changes(&hf[h], &f->c.topo, f->c.hv[h], &c);
        host_flows_update(&hf[h], &f->c.topo, f->c.hv[h], &f->c.ofports[h],
                          NULL);
        assert_int_equal(hf[h].n_full_compiles, fulls);
        /* hv2 serves net1 (a2): it recompiles the two ports (their L2 and
         * L3_NEIGHBOR rows are its too), never a NAT row. */
        assert_int_equal(hf[h].n_owner_compiles - owners, 2);
        struct ds diff = DS_EMPTY_INITIALIZER;
        if (!host_flows_check(&hf[h], &f->c.topo, f->c.hv[h], &f->c.ofports[h],
                              &diff)) {
            fail_msg("hv%d:\n%s", h + 1, ds_cstr(&diff));
        }
        ds_destroy(&diff);
    }
    compile_fixture_run(&f->c, 0);
    char *text = format_nat(f);
    assert_int_equal(count_lines(text, "cookie=0x5700010003000001"), 0);
    assert_int_equal(count_lines(text, "cookie=0x5700010003000009"), 5);
    free(text);

    /* The gateway's MAC changes (weftd resolved it anew). */
    assert_true(topology_set_host_gateway_mac(
                    f->c.hv[0],
                    (struct eth_addr) ETH_ADDR_C(52, 54, 0, 0, 2, 2)));
    uint64_t owners = hf[0].n_owner_compiles;
    host_flows_note_external(&hf[0], f->c.hv[0]);
    assert_true(host_flows_pending(&hf[0]));
    host_flows_update(&hf[0], &f->c.topo, f->c.hv[0], &f->c.ofports[0], NULL);
    assert_int_equal(hf[0].n_owner_compiles - owners, 2);
    struct ds diff = DS_EMPTY_INITIALIZER;
    assert_true(host_flows_check(&hf[0], &f->c.topo, f->c.hv[0],
                                 &f->c.ofports[0], &diff));
    ds_destroy(&diff);

    topo_changes_destroy(&c);
    for (int h = 0; h < 2; h++) {
        host_flows_destroy(&hf[h]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        COMPILE_TEST(test_golden_hv1),
        COMPILE_TEST(test_no_external),
        COMPILE_TEST(test_no_snat),
        COMPILE_TEST(test_no_gateway_mac),
        COMPILE_TEST(test_tenants_apart),
        COMPILE_TEST(test_owners),
        COMPILE_TEST(test_fip_move_recompiles_ports),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    flow_text_free();
    return rc;
}
