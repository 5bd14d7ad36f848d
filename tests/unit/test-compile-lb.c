/* test-compile-lb: unit tests of the services stage of the flow compiler
 * (ofproto/compile-lb.c, pipeline.h's tables 70..73 and the service rows of
 * L3_ROUTE, L2_LOOKUP and EXT_IN_HOST).
 *
 * The topology is built in C: host hv1 with an external side (ext0 at
 * ofport 30), hv2 without; tenants acme (key 1) and bolt (key 2) with the
 * same subnet 10.1.0.0/24 and the same addresses, each network behind its
 * own router (r1 key 7, rb key 8); each tenant has a service "web" with the
 * same VIP 10.96.0.10:80/tcp over two backends (10.1.0.5 on hv1 and
 * 10.1.0.6 on hv2, target port 8080), acme's with node port 30080 and
 * weights 1 and 2.  hv1's service rows are checked against a golden text,
 * then each rule of services.md on its own: two tenants apart, a down
 * backend, no live backend, hairpin, node port, owners and the incremental
 * compile. */
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
    struct topo_network *neta, *netb;
    struct topo_router *ra, *rb;
    struct topo_port *a1, *a2, *a3, *b1, *b2;
    struct topo_service *sa, *sb;
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
    return r;
}

static struct topo_service *
add_service(struct fixture *f, const struct topo_tenant *t,
            const struct topo_router *r, uint32_t key, uint16_t node_port,
            const struct topo_port *p1, const struct topo_port *p2,
            uint16_t w2)
{
    struct uuid uuid = next_uuid(f);
    struct topo_service *svc = topology_add_service(
        &f->c.topo, &uuid, t, r, "web", key, ip("10.96.0.10"), 80, IPPROTO_TCP,
        node_port);
    assert_non_null(svc);
    struct topo_backend backends[] = {
        { p1, 8080, 1, false },
        { p2, 8080, w2, false },
    };
    assert_true(topology_set_service_backends(&f->c.topo, svc, backends, 2));
    return svc;
}

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    compile_fixture_init(&f->c, 2, NULL, 0x57, 0x4c, 0x42);
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
    f->neta = compile_fixture_add_net(&f->c, acme, "neta", 3);
    f->netb = compile_fixture_add_net(&f->c, bolt, "netb", 4);
    f->a1 = compile_fixture_add_port(&f->c, f->neta, 0, "a1",
                                     "02:00:00:00:00:05", "10.1.0.5", 1, 1);
    f->a2 = compile_fixture_add_port(&f->c, f->neta, 1, "a2",
                                     "02:00:00:00:00:06", "10.1.0.6", 2, 1);
    f->a3 = compile_fixture_add_port(&f->c, f->neta, 0, "a3",
                                     "02:00:00:00:00:07", "10.1.0.7", 3, 3);
    f->b1 = compile_fixture_add_port(&f->c, f->netb, 0, "b1",
                                     "02:00:00:00:00:05", "10.1.0.5", 4, 2);
    f->b2 = compile_fixture_add_port(&f->c, f->netb, 1, "b2",
                                     "02:00:00:00:00:06", "10.1.0.6", 5, 2);
    f->ra = add_router(f, acme, "ra", 7, f->neta, "02:57:00:07:00:03");
    f->rb = add_router(f, bolt, "rb", 8, f->netb, "02:57:00:08:00:04");
    f->sa = add_service(f, acme, f->ra, 1, 30080, f->a1, f->a2, 2);
    f->sb = add_service(f, bolt, f->rb, 2, 0, f->b1, f->b2, 1);
    *state = f;
    return 0;
}

static bool
is_lb_flow(const struct weft_flow *flow)
{
    return flow->owner.kind == WEFT_OWNER_SERVICE
           || (flow->table_id >= WEFT_TABLE_LB_SELECT
               && flow->table_id <= WEFT_TABLE_LB_OUT);
}

/* The service rows (and groups) of 'f->c.flows' as weft_flows_format()
 * prints them; the caller frees the string. */
static char *
format_lb(const struct fixture *f)
{
    return compile_fixture_format(&f->c, is_lb_flow);
}

/* The line of 'text' that contains 'a' and 'b', or NULL; the caller frees
 * it. */
static char *
find_line(const char *text, const char *a, const char *b)
{
    char *copy = xstrdup(text), *save = NULL, *found = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (strstr(line, a) && (!b || strstr(line, b))) {
            found = xstrdup(line);
            break;
        }
    }
    free(copy);
    return found;
}

#include "test-compile-lb-golden.h"

static void
test_golden_hv1(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    char *text = format_lb(f);
    if (strcmp(text, golden_hv1_lb)) {
        fprintf(stderr, "got:\n%s", text);
    }
    assert_string_equal(text, golden_hv1_lb);
    free(text);
}

/* Two tenants with the same VIP, subnet and addresses stay apart: every
 * row of a service matches and sets only its own router's reg11, its own
 * networks' metadata, its own zones (R, 16384 + R) and its own groups. */
static void
test_tenants_apart(void **state)
{
    struct fixture *f = *state;
    for (int h = 0; h < 2; h++) {
        compile_fixture_run(&f->c, h);
        const struct weft_flow *flow;
        size_t n[2] = { 0, 0 };
        HMAP_FOR_EACH (flow, node, &f->c.flows.flows) {
            if (flow->owner.kind != WEFT_OWNER_SERVICE) {
                continue;
            }
            bool acme = uuid_equals(&flow->owner.uuid, &f->sa->uuid);
            assert_true(acme || uuid_equals(&flow->owner.uuid,
                                            &f->sb->uuid));
            const struct topo_service *svc = acme ? f->sa : f->sb;
            uint32_t r = svc->router->key;
            if (weft_flow_is_group(flow)) {
                uint32_t id = weft_group_id(flow);
                assert_true(id == svc->key
                            || id == (WEFT_GROUP_NODE_PORT | svc->key));
            } else {
                assert_true(flow->cookie == weft_cookie_service(
                                svc->tenant->key, svc->key));
            }
            char *text;
            if (weft_flow_is_group(flow)) {
                struct ds g = DS_EMPTY_INITIALIZER;
                weft_group_format(flow, &g);
                text = ds_steal_cstr(&g);
            } else {
                text = xasprintf("%s %s", flow_match_s(flow),
                                 flow_actions_s(flow));
            }
            char *reg = xasprintf("reg11=0x%"PRIx32, r);
            char *setreg = xasprintf("0x%"PRIx32"->reg11", r);
            assert_int_equal(count_lines(text, "reg11"),
                             count_lines(text, reg)
                             + count_lines(text, setreg));
            char *zone = xasprintf("zone=%"PRIu32",", r);
            char *hzone = xasprintf("zone=%"PRIu32",",
                                    weft_zone_hairpin(r));
            assert_int_equal(count_lines(text, "zone="),
                             count_lines(text, zone)
                             + count_lines(text, hzone));
            char *meta = xasprintf("metadata=0x%"PRIx32,
                                   acme ? f->neta->key : f->netb->key);
            assert_int_equal(count_lines(text, "metadata"),
                             count_lines(text, meta));
            char *group = xasprintf("group:%"PRIu32, svc->key);
            char *npgroup = xasprintf("group:%"PRIu32,
                                      WEFT_GROUP_NODE_PORT | svc->key);
            assert_int_equal(count_lines(text, "group:"),
                             count_lines(text, group)
                             + count_lines(text, npgroup));
            free(text);
            free(reg);
            free(setreg);
            free(zone);
            free(hzone);
            free(meta);
            free(group);
            free(npgroup);
            n[!acme]++;
        }
        /* Each: the VIP row, LB_SELECT, its group, per backend the hairpin
         * reply, the hairpin and the counter rows, and the un-DNAT row (one
         * network here); acme's node port row and group on hv1. */
        assert_int_equal(n[1], 3 + 2 * 4);
        assert_int_equal(n[0], 3 + 2 * 4 + (h == 0 ? 2 : 0));
    }
}

/* A backend marked down keeps its rows (its connections keep flowing) but
 * is no bucket; with no live backend the VIP's new connections drop and
 * there is no group. */
static void
test_down_backend(void **state)
{
    struct fixture *f = *state;
    struct topo_backend backends[] = {
        { f->a1, 8080, 1, false },
        { f->a2, 8080, 2, true },
    };
    assert_true(topology_set_service_backends(&f->c.topo, f->sa, backends, 2));
    compile_fixture_run(&f->c, 1);
    char *text = format_lb(f);
    char *select = find_line(text, "table=70, priority=100",
                             "reg11=0x7");
    assert_non_null(select);
    assert_non_null(strstr(select, "actions=group:1"));
    char *group = find_line(text, "group_id=1,", NULL);
    assert_non_null(group);
    assert_string_equal(group, "group_id=1,type=select,bucket=bucket_id:1,"
                        "weight:1,actions=ct(commit,table=71,zone=7,"
                        "nat(dst=10.1.0.5:8080))");
    /* Its hairpin and counter rows stay. */
    assert_int_equal(count_lines(text, "reg11=0x7,nw_dst=10.1.0.6,"
                                 "tp_dst=8080"), 1);
    assert_int_equal(count_lines(text, "reg11=0x7,nw_src=10.1.0.6,"
                                 "nw_dst=10.1.0.6,tp_dst=8080"), 1);
    free(group);
    free(select);
    free(text);

    backends[0].down = true;
    assert_true(topology_set_service_backends(&f->c.topo, f->sa, backends, 2));
    compile_fixture_run(&f->c, 1);
    text = format_lb(f);
    select = find_line(text, "table=70, priority=100", "reg11=0x7");
    assert_non_null(select);
    assert_non_null(strstr(select, "actions=drop"));
    assert_int_equal(count_lines(text, "group:1 "), 0);
    assert_int_equal(count_lines(text, "group_id=1,"), 0);
    assert_int_equal(count_lines(text, "group_id=2,"), 1);  /* bolt's */
    free(select);
    free(text);
}

/* Hairpin: a backend calling its own VIP is SNATed to the VIP in the
 * hairpin zone, and its reply comes back through it. */
static void
test_hairpin(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    char *text = format_lb(f);
    char *reply = find_line(text, "table=24, priority=310",
                            "reg11=0x7,nw_src=10.1.0.5");
    assert_non_null(reply);
    assert_non_null(strstr(reply, "nw_dst=10.96.0.10,tp_src=8080 "
                           "actions=ct(table=72,zone=16391,nat)"));
    char *snat = find_line(text, "table=71, priority=110",
                           "nw_src=10.1.0.5,nw_dst=10.1.0.5");
    assert_non_null(snat);
    assert_non_null(strstr(snat, "ct(commit,table=72,zone=16391,"
                           "nat(src=10.96.0.10))"));
    assert_int_equal(count_lines(text, "table=72, "), 2);
    assert_int_equal(count_lines(text, "table=73, "), 1);
    free(reply);
    free(snat);
    free(text);
}

/* The node port is exposed only on a host with an external side and a live
 * local backend; R's NAT rows come with it (its replies leave by them). */
static void
test_node_port(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    char *text = format_lb(f);
    char *np = find_line(text, "table=61, ", "tp_dst=30080");
    assert_non_null(np);
    assert_non_null(strstr(np, "set_field:0x7->reg11,group:65537"));
    free(np);
    free(text);
    assert_true(compile_router_nat_needed(f->c.hv[0], f->ra));
    assert_false(compile_router_nat_needed(f->c.hv[0], f->rb));

    compile_fixture_run(&f->c, 1);                      /* No external side. */
    text = format_lb(f);
    assert_int_equal(count_lines(text, "30080"), 0);
    free(text);

    /* hv1's only local backend down: nothing on hv1 either. */
    struct topo_backend backends[] = {
        { f->a1, 8080, 1, true },
        { f->a2, 8080, 2, false },
    };
    assert_true(topology_set_service_backends(&f->c.topo, f->sa, backends, 2));
    compile_fixture_run(&f->c, 0);
    text = format_lb(f);
    assert_int_equal(count_lines(text, "30080"), 0);
    assert_int_equal(count_lines(text, "65537"), 0);
    free(text);
    assert_false(compile_router_nat_needed(f->c.hv[0], f->ra));
}

/* Without a service the host has no row of tables 70..73. */
static void
test_no_service(void **state)
{
    struct fixture *f = *state;
    topology_remove_service(&f->c.topo, f->sa);
    topology_remove_service(&f->c.topo, f->sb);
    compile_fixture_run(&f->c, 0);
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &f->c.flows.flows) {
        assert_false(is_lb_flow(flow));
    }
    assert_false(compile_host_has_services(f->c.hv[0]));
}

/* The union of compile_owner_flows() over compile_host_owners() is the
 * host; a backend added recompiles only its service's owner on the hosts
 * that serve its router, and the result equals a full compile. */
static void
test_owners_incremental(void **state)
{
    struct fixture *f = *state;
    for (int h = 0; h < 2; h++) {
        size_t n_services = compile_fixture_check_owners(&f->c, h,
                                                         WEFT_OWNER_SERVICE);
        assert_int_equal(n_services, 2);
    }

    struct host_flows hf[2];
    for (int h = 0; h < 2; h++) {
        host_flows_init(&hf[h]);
        host_flows_update(&hf[h], &f->c.topo, f->c.hv[h], &f->c.ofports[h],
                          NULL);
    }
    struct topo_backend backends[] = {
        { f->a1, 8080, 1, false },
        { f->a2, 8080, 2, false },
        { f->a3, 8080, 1, false },
    };
    assert_true(topology_set_service_backends(&f->c.topo, f->sa, backends, 3));
    struct topo_changes c;
    topo_changes_init(&c);
    uuidset_insert(&c.services, &f->sa->uuid);

    struct uuidset hosts = UUIDSET_INITIALIZER(&hosts);
    topo_changes_hosts(&f->c.topo, &c, &hosts);
    assert_int_equal(uuidset_count(&hosts), 2);
    uuidset_destroy(&hosts);

    for (int h = 0; h < 2; h++) {
        uint64_t owners = hf[h].n_owner_compiles;
        uint64_t fulls = hf[h].n_full_compiles;
        assert_true(host_flows_note_changes(&hf[h], &f->c.topo, f->c.hv[h],
                                            &c));
        host_flows_update(&hf[h], &f->c.topo, f->c.hv[h], &f->c.ofports[h],
                          NULL);
        assert_int_equal(hf[h].n_full_compiles, fulls);
        assert_int_equal(hf[h].n_owner_compiles - owners, 1);
        struct ds diff = DS_EMPTY_INITIALIZER;
        if (!host_flows_check(&hf[h], &f->c.topo, f->c.hv[h], &f->c.ofports[h],
                              &diff)) {
            fail_msg("hv%d:\n%s", h + 1, ds_cstr(&diff));
        }
        ds_destroy(&diff);
    }

    /* Both services deleted: their owners and the HOST owner's rows of
     * 70..73 go; a deleted service reaches every host. */
    topo_changes_clear(&c);
    uuidset_insert(&c.services, &f->sa->uuid);
    uuidset_insert(&c.services, &f->sb->uuid);
    topology_remove_service(&f->c.topo, f->sa);
    topology_remove_service(&f->c.topo, f->sb);
    for (int h = 0; h < 2; h++) {
        assert_true(host_flows_note_changes(&hf[h], &f->c.topo, f->c.hv[h],
                                            &c));
        host_flows_update(&hf[h], &f->c.topo, f->c.hv[h], &f->c.ofports[h],
                          NULL);
        struct ds diff = DS_EMPTY_INITIALIZER;
        if (!host_flows_check(&hf[h], &f->c.topo, f->c.hv[h], &f->c.ofports[h],
                              &diff)) {
            fail_msg("hv%d:\n%s", h + 1, ds_cstr(&diff));
        }
        ds_destroy(&diff);
        struct weft_flows all;
        weft_flows_init(&all);
        host_flows_collect(&hf[h], &all);
        const struct weft_flow *flow;
        HMAP_FOR_EACH (flow, node, &all.flows) {
            assert_false(is_lb_flow(flow));
        }
        weft_flows_destroy(&all);
    }
    topo_changes_destroy(&c);
    for (int h = 0; h < 2; h++) {
        host_flows_destroy(&hf[h]);
    }
}

/* Two services of one router with the same backends: the rows they would
 * share (table 30's un-DNAT) are the lower key's only, no flow is two
 * owners'; when that service goes, the other takes them over. */
static void
test_shared_backends(void **state)
{
    struct fixture *f = *state;
    struct uuid uuid = next_uuid(f);
    struct topo_service *s2 = topology_add_service(
        &f->c.topo, &uuid, f->sa->tenant, f->ra, "api", 3, ip("10.96.0.11"),
        80, IPPROTO_TCP, 0);
    struct topo_backend backends[] = {
        { f->a1, 8080, 1, false }, { f->a2, 8080, 1, false },
    };
    assert_true(topology_set_service_backends(&f->c.topo, s2, backends, 2));

    struct host_flows hf;
    host_flows_init(&hf);
    host_flows_update(&hf, &f->c.topo, f->c.hv[0], &f->c.ofports[0], NULL);
    struct weft_owner_list owners = WEFT_OWNER_LIST_INITIALIZER;
    compile_host_owners(&f->c.topo, f->c.hv[0], &owners);
    size_t sum = 0;
    for (size_t i = 0; i < owners.n; i++) {
        struct weft_flows one;
        weft_flows_init(&one);
        compile_owner_flows(&f->c.topo, f->c.hv[0], &f->c.ofports[0],
                            &owners.owners[i], &one);
        sum += weft_flows_count(&one);
        weft_flows_destroy(&one);
    }
    weft_owner_list_destroy(&owners);
    compile_fixture_run(&f->c, 0);
    assert_int_equal(sum, weft_flows_count(&f->c.flows));
    char *text = format_lb(f);
    assert_int_equal(count_lines(text, "table=30, priority=200, "
                                 "cookie=0x5700010000010001"), 2);
    assert_int_equal(count_lines(text, "table=30, priority=200, "
                                 "cookie=0x5700010000010003"), 0);
    free(text);

    struct topo_changes c;
    topo_changes_init(&c);
    uuidset_insert(&c.services, &f->sa->uuid);
    topology_remove_service(&f->c.topo, f->sa);
    assert_true(host_flows_note_changes(&hf, &f->c.topo, f->c.hv[0], &c));
    host_flows_update(&hf, &f->c.topo, f->c.hv[0], &f->c.ofports[0], NULL);
    struct ds diff = DS_EMPTY_INITIALIZER;
    if (!host_flows_check(&hf, &f->c.topo, f->c.hv[0], &f->c.ofports[0],
                          &diff)) {
        fail_msg("%s", ds_cstr(&diff));
    }
    ds_destroy(&diff);
    compile_fixture_run(&f->c, 0);
    text = format_lb(f);
    assert_int_equal(count_lines(text, "table=30, priority=200, "
                                 "cookie=0x5700010000010003"), 2);
    free(text);
    topo_changes_destroy(&c);
    host_flows_destroy(&hf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        COMPILE_TEST(test_golden_hv1),
        COMPILE_TEST(test_tenants_apart),
        COMPILE_TEST(test_down_backend),
        COMPILE_TEST(test_hairpin),
        COMPILE_TEST(test_node_port),
        COMPILE_TEST(test_no_service),
        COMPILE_TEST(test_owners_incremental),
        COMPILE_TEST(test_shared_backends),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    flow_text_free();
    return rc;
}
