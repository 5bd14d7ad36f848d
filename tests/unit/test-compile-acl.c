/* test-compile-acl: unit tests of the policy stage of the flow compiler
 * (ofproto/compile-acl.c, pipeline.h "Policy": tables 12 ACL_OUT and 34
 * ACL_IN, the PORT_SEC and L2_LOOKUP ct rows), of the SG owners
 * (compiler.c, controller/host-sgs.c) and of their change routing
 * (topo_changes_hosts()).
 *
 * The topology is built in C: hosts hv1 and hv2, tenant red (key 1) with
 * network vx (key 3, 10.0.0.0/24).  Ports: w1 (hv1, 10.0.0.5 and
 * fd00::5, ofport 1), w2 (hv2, 10.0.0.6), d1 (hv1, 10.0.0.7, ofport 2), n1
 * (hv1, no address, ofport 3).  Group web (w1, w2): rule 3 ingress tcp/80
 * from 10.0.0.0/24, rule 4 ingress tcp/8000-8080 from group db, rule 5
 * ingress icmp, rule 6 ingress any from fd00::/64.  Group db (d1, n1):
 * rule 7 egress any (one dimension: plain rows).  hv1's policy rows are
 * checked against a golden text, then each rule of the contract on its
 * own. */
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
#include <sys/socket.h>

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
    struct topo_tenant *red;
    struct topo_network *vx;
    struct topo_port *w1, *w2, *d1, *n1;
    struct topo_sg *web, *db;
};

static struct uuid
next_uuid(struct fixture *f)
{
    return compile_fixture_uuid(&f->c);
}

static struct topo_port *
add_port(struct fixture *f, int h, const char *name, const char *mac_s,
         const char *ip_s, uint32_t key, int ofport)
{
    struct eth_addr mac;
    assert_true(eth_addr_from_string(mac_s, &mac));
    ovs_be32 addr = ip_s ? ip(ip_s) : 0;
    char iface[16];
    snprintf(iface, sizeof iface, "tap%s", name);
    simap_put(&f->c.ofports[h], iface, ofport);
    struct uuid uuid = next_uuid(f);
    return topology_add_port(&f->c.topo, &uuid, f->vx, f->c.hv[h], name, iface,
                             mac, &addr, ip_s ? 1 : 0, key);
}

static struct topo_sg_rule
rule(uint32_t id, uint32_t key, enum topo_sg_dir dir, uint8_t proto,
     uint16_t lo, uint16_t hi)
{
    struct topo_sg_rule r = {
        .id = id, .key = key, .direction = dir, .proto = proto,
        .port_min = lo, .port_max = hi,
    };
    r.uuid = (struct uuid) { .parts = { id, key, 0x5e, 0x1 } };
    return r;
}

static void
set_web_rules(struct fixture *f, bool with_rule4)
{
    struct topo_sg_rule rules[4];
    size_t n = 0;
    rules[n] = rule(3, 5, TOPO_SG_INGRESS, IPPROTO_TCP, 80, 80);
    rules[n].remote_family = AF_INET;
    in6_addr_set_mapped_ipv4(&rules[n].remote_prefix, ip("10.0.0.0"));
    rules[n++].remote_plen = 24;
    if (with_rule4) {
        rules[n] = rule(4, 6, TOPO_SG_INGRESS, IPPROTO_UDP, 8000, 8080);
        rules[n].proto = IPPROTO_TCP;
        rules[n++].remote_group = f->db;
    }
    rules[n++] = rule(5, 7, TOPO_SG_INGRESS, IPPROTO_ICMP, 0, 0);
    rules[n] = rule(6, 8, TOPO_SG_INGRESS, 0, 0, 0);
    rules[n].remote_family = AF_INET6;
    assert_true(ipv6_parse("fd00::", &rules[n].remote_prefix));
    rules[n++].remote_plen = 64;
    assert_true(topology_set_sg_rules(&f->c.topo, f->web, rules, n));
}

static void
join(struct fixture *f, struct topo_port *port, struct topo_sg *sg)
{
    const struct topo_sg *sgs[] = { sg };
    assert_true(topology_set_port_sgs(&f->c.topo, port, sgs, 1));
}

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    compile_fixture_init(&f->c, 2, NULL, 0x57, 0xac, 0x1);
    struct uuid uuid = next_uuid(f);
    f->red = topology_add_tenant(&f->c.topo, &uuid, "red", 1);
    uuid = next_uuid(f);
    f->vx = topology_add_network(&f->c.topo, &uuid, f->red, "vx",
                                 TOPO_NET_VXLAN, 100, 0, 3);
    f->w1 = add_port(f, 0, "w1", "02:00:00:00:00:05", "10.0.0.5", 1, 1);
    f->w2 = add_port(f, 1, "w2", "02:00:00:00:00:06", "10.0.0.6", 2, 1);
    f->d1 = add_port(f, 0, "d1", "02:00:00:00:00:07", "10.0.0.7", 3, 2);
    f->n1 = add_port(f, 0, "n1", "02:00:00:00:00:08", NULL, 4, 3);
    struct in6_addr a6;
    assert_true(ipv6_parse("fd00::5", &a6));
    assert_true(topology_set_port_ip6s(&f->c.topo, f->w1, &a6, 1));

    uuid = next_uuid(f);
    f->web = topology_add_sg(&f->c.topo, &uuid, f->red, "web");
    uuid = next_uuid(f);
    f->db = topology_add_sg(&f->c.topo, &uuid, f->red, "db");
    set_web_rules(f, true);
    struct topo_sg_rule r7 = rule(7, 9, TOPO_SG_EGRESS, 0, 0, 0);
    assert_true(topology_set_sg_rules(&f->c.topo, f->db, &r7, 1));
    join(f, f->w1, f->web);
    join(f, f->w2, f->web);
    join(f, f->d1, f->db);
    join(f, f->n1, f->db);
    *state = f;
    return 0;
}

/* A flow of the policy: tables 12, 13, 34 and 35, the L2_LOOKUP ct rows and
 * PORT_SEC's rows into the policy zones. */
static bool
is_acl_flow(const struct weft_flow *flow)
{
    return flow->table_id == WEFT_TABLE_ACL_OUT
           || flow->table_id == WEFT_TABLE_ACL_IN
           || flow->table_id == WEFT_TABLE_ACL_OUT_VERDICT
           || flow->table_id == WEFT_TABLE_ACL_IN_VERDICT
           || (flow->table_id == WEFT_TABLE_L2_LOOKUP
               && flow->priority == WEFT_PRIO_ACL_CT)
           || (flow->table_id == WEFT_TABLE_PORT_SEC
               && strstr(flow_actions_s(flow), "zone="));
}

#include "test-compile-acl-golden.h"

static void
test_golden_hv1(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    char *text = compile_fixture_format(&f->c, is_acl_flow);
    if (strcmp(text, golden_hv1_acl)) {
        fprintf(stderr, "got:\n%s", text);
    }
    assert_string_equal(text, golden_hv1_acl);
    free(text);
}

/* One rule's rows, by its cookie. */
static char *
rule_rows(struct fixture *f, uint32_t id)
{
    char *cookie = xasprintf("cookie=%#"PRIx64",",
                             weft_cookie_sg_rule(f->red->key, id));
    struct ds out = DS_EMPTY_INITIALIZER;
    char *text = compile_fixture_format(&f->c, is_acl_flow);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (strstr(line, cookie)) {
            ds_put_format(&out, "%s\n", line);
        }
    }
    free(text);
    free(cookie);
    return ds_steal_cstr(&out);
}

/* A rule matches only the families its remote has: the IPv4 prefix rule
 * has no IPv6 row, the IPv6 prefix rule no IPv4 row; a rule without a
 * remote has both (icmp and icmp6).  Its conj_id row is one, of no family
 * (the verdict table splits them). */
static void
test_families(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    char *r3 = rule_rows(f, 3);
    assert_int_equal(count_lines(r3, "ipv6"), 0);
    assert_int_equal(count_lines(r3, "tcp6"), 0);
    assert_int_equal(count_lines(r3, "conj_id=5 actions="), 1);
    assert_int_equal(count_lines(r3, "conj_id=5,"), 0);
    free(r3);
    char *r6 = rule_rows(f, 6);
    assert_int_equal(count_lines(r6, "nw_src"), 0);
    assert_int_equal(count_lines(r6, "ipv6_src=fd00::/64"), 1);
    assert_int_equal(count_lines(r6, "conj_id=8 actions="), 1);
    assert_int_equal(count_lines(r6, "conj_id=8,"), 0);
    free(r6);
    char *r5 = rule_rows(f, 5);
    assert_int_equal(count_lines(r5, "icmp actions=conjunction"), 1);
    assert_int_equal(count_lines(r5, "icmp6 actions=conjunction"), 1);
    free(r5);
}

/* The rows of hv1's flows in 'table' with 'priority' that have 'has'. */
static size_t
count_rows(struct fixture *f, uint8_t table, int priority, const char *has)
{
    size_t n = 0;
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &f->c.flows.flows) {
        if (flow->table_id == table && flow->priority == priority
            && (strstr(flow_match_s(flow), has)
                || strstr(flow_actions_s(flow), has))) {
            n++;
        }
    }
    return n;
}

/* Per member, one row of each kind (no family split): one default deny per
 * direction, with the port's cookie, that clears the allow flag; one plain
 * row per member of a one-dimension rule (rule 7: d1, n1); the verdict
 * tables hold the ip/ipv6 commits, 5 rows each (allowed and blocked per
 * family, the miss), and only in the directions under policy. */
static void
test_one_row_per_member(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    /* w1 (reg14=0x1) ingress; d1 (in_port=2) and n1 (in_port=3) egress. */
    assert_int_equal(count_rows(f, WEFT_TABLE_ACL_IN, WEFT_PRIO_ACL_DENY,
                                "set_field:0/0x8->reg10,goto_table:35"), 1);
    assert_int_equal(count_rows(f, WEFT_TABLE_ACL_OUT, WEFT_PRIO_ACL_DENY,
                                "set_field:0/0x8->reg10,goto_table:13"), 2);
    assert_int_equal(count_rows(f, WEFT_TABLE_ACL_OUT, WEFT_PRIO_ACL_DENY,
                                ""), 2);
    assert_int_equal(count_rows(f, WEFT_TABLE_ACL_OUT,
                                WEFT_PRIO_ACL_RULE_TOP - 9,
                                "set_field:0x8/0x8->reg10,goto_table:13"), 2);
    assert_int_equal(count_rows(f, WEFT_TABLE_ACL_OUT,
                                WEFT_PRIO_ACL_RULE_TOP - 9, "ip"), 0);
    for (int i = 0; i < 2; i++) {
        uint8_t table = i ? WEFT_TABLE_ACL_IN_VERDICT
                          : WEFT_TABLE_ACL_OUT_VERDICT;
        assert_int_equal(count_rows(f, table, WEFT_PRIO_ACL_ALLOWED,
                                    "reg10=0x8/0x8"), 2);
        assert_int_equal(count_rows(f, table, WEFT_PRIO_ACL_ALLOWED,
                                    "exec(set_field:0/0x1->ct_mark)"), 2);
        assert_int_equal(count_rows(f, table, WEFT_PRIO_ACL_BLOCK,
                                    "ct_state=+est+trk"), 2);
        assert_int_equal(count_rows(f, table, WEFT_PRIO_ACL_BLOCK,
                                    "reg10=0/0x8"), 2);
        assert_int_equal(count_rows(f, table, WEFT_PRIO_DEFAULT, ""), 1);
    }
    /* hv2: w2 is under ingress policy only, so no ACL_OUT_VERDICT. */
    compile_fixture_run(&f->c, 1);
    assert_int_equal(count_rows(f, WEFT_TABLE_ACL_IN_VERDICT,
                                WEFT_PRIO_DEFAULT, ""), 1);
    assert_int_equal(count_rows(f, WEFT_TABLE_ACL_OUT_VERDICT,
                                WEFT_PRIO_DEFAULT, ""), 0);
}

/* The remote group db's members' addresses are rule 4's remote rows on
 * every host with a member of web (hv2 too, where db has none); with db
 * empty, rule 4 has no row at all. */
static void
test_remote_group(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 1);
    char *r4 = rule_rows(f, 4);
    /* w2 (member), 10.0.0.7 (d1; n1 has no address), 3 port prefixes,
     * the conj_id row: db is IPv4 only, so no tcp6. */
    assert_int_equal(count_lines(r4, "\n"), 1 + 1 + 3 + 1);
    assert_int_equal(count_lines(r4, "nw_src=10.0.0.7"), 1);
    assert_int_equal(count_lines(r4, "tcp6"), 0);
    free(r4);
    char *r7 = rule_rows(f, 7);     /* db has no member on hv2. */
    assert_string_equal(r7, "");
    free(r7);

    assert_true(topology_set_port_sgs(&f->c.topo, f->d1, NULL, 0));
    assert_true(topology_set_port_sgs(&f->c.topo, f->n1, NULL, 0));
    compile_fixture_run(&f->c, 1);
    r4 = rule_rows(f, 4);
    assert_string_equal(r4, "");
    free(r4);
    char *r3 = rule_rows(f, 3);
    assert_int_not_equal(strlen(r3), 0);
    free(r3);
}

/* Without any member under policy the host has no policy row at all, and
 * a port's flows are as before groups existed. */
static void
test_no_policy(void **state)
{
    struct fixture *f = *state;
    topology_set_port_sgs(&f->c.topo, f->w1, NULL, 0);
    topology_set_port_sgs(&f->c.topo, f->d1, NULL, 0);
    topology_set_port_sgs(&f->c.topo, f->n1, NULL, 0);
    compile_fixture_run(&f->c, 0);
    char *text = compile_fixture_format(&f->c, is_acl_flow);
    assert_string_equal(text, "");
    free(text);
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &f->c.flows.flows) {
        assert_null(strstr(flow_actions_s(flow), "ct("));
    }
    assert_false(compile_host_has_policy(f->c.hv[0], TOPO_SG_INGRESS));
}

/* compile_host_flows() is the union of the owners' flows; every rule row
 * is its group's SG owner's, with its rule's cookie. */
static void
test_owners(void **state)
{
    struct fixture *f = *state;
    for (int h = 0; h < 2; h++) {
        size_t n_sgs = compile_fixture_check_owners(&f->c, h, WEFT_OWNER_SG);
        assert_int_equal(n_sgs, h == 0 ? 2 : 1);

        const struct weft_flow *flow;
        HMAP_FOR_EACH (flow, node, &f->c.flows.flows) {
            if (flow->owner.kind == WEFT_OWNER_SG) {
                const struct topo_sg *sg = topology_find_sg(
                    &f->c.topo, &flow->owner.uuid);
                assert_non_null(sg);
                bool found = false;
                for (size_t i = 0; i < sg->n_rules; i++) {
                    found |= flow->cookie == weft_cookie_sg_rule(
                        1, sg->rules[i].id);
                }
                assert_true(found);
            }
        }
    }
}

/* Incremental == full after each change, which recompiles only what it
 * must: a rule removed changes only that rule's flows; a remote member's
 * address changes the referring group's rows on its members' hosts; the
 * last member leaving takes the HOST rows of 34 away. */
static void
check_hosts(struct fixture *f, struct host_flows hf[2],
            const struct topo_changes *c, const char *expect_hosts)
{
    struct uuidset hosts = UUIDSET_INITIALIZER(&hosts);
    topo_changes_hosts(&f->c.topo, c, &hosts);
    char got[3] = "";
    for (int h = 0; h < 2; h++) {
        if (uuidset_contains(&hosts, &f->c.hv[h]->uuid)) {
            strcat(got, h ? "2" : "1");
        }
    }
    assert_string_equal(got, expect_hosts);
    uuidset_destroy(&hosts);
    for (int h = 0; h < 2; h++) {
        host_flows_note_changes(&hf[h], &f->c.topo, f->c.hv[h], c);
        host_flows_update(&hf[h], &f->c.topo, f->c.hv[h], &f->c.ofports[h],
                          NULL);
        struct ds diff = DS_EMPTY_INITIALIZER;
        if (!host_flows_check(&hf[h], &f->c.topo, f->c.hv[h], &f->c.ofports[h],
                              &diff)) {
            fail_msg("hv%d:\n%s", h + 1, ds_cstr(&diff));
        }
        ds_destroy(&diff);
    }
}

static void
test_incremental(void **state)
{
    struct fixture *f = *state;
    struct host_flows hf[2];
    for (int h = 0; h < 2; h++) {
        host_flows_init(&hf[h]);
        host_flows_update(&hf[h], &f->c.topo, f->c.hv[h], &f->c.ofports[h],
                          NULL);
    }
    struct topo_changes c;
    topo_changes_init(&c);

    /* Rule 4 removed: on hv1 only its rows differ, one owner compiled. */
    compile_fixture_run(&f->c, 0);
    char *before = compile_fixture_format(&f->c, is_acl_flow);
    set_web_rules(f, false);
    uuidset_insert(&c.sgs, &f->web->uuid);
    uint64_t n = hf[0].n_owner_compiles;
    check_hosts(f, hf, &c, "12");
    assert_int_equal(hf[0].n_owner_compiles - n, 1);
    compile_fixture_run(&f->c, 0);
    char *after = compile_fixture_format(&f->c, is_acl_flow);
    char *cookie4 = xasprintf("cookie=%#"PRIx64",",
                              weft_cookie_sg_rule(1, 4));
    char *save = NULL;
    size_t n_gone = 0;
    for (char *line = strtok_r(before, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        bool kept = strstr(after, line) != NULL;
        assert_true(kept == !strstr(line, cookie4));
        n_gone += !kept;
    }
    assert_int_equal(n_gone, 1 + 1 + 3 + 1);
    free(cookie4);
    free(before);
    free(after);

    /* Rule 4 back; d1 (a member of db, web's remote) gets an IPv6 address:
     * web's rows change on hv2 too, where db has no member. */
    set_web_rules(f, true);
    check_hosts(f, hf, &c, "12");
    topo_changes_clear(&c);
    struct in6_addr a6;
    assert_true(ipv6_parse("fd00::7", &a6));
    assert_true(topology_set_port_ip6s(&f->c.topo, f->d1, &a6, 1));
    uuidset_insert(&c.ports, &f->d1->uuid);
    uuidset_insert(&c.port_hosts, &f->c.hv[0]->uuid);
    uuidset_insert(&c.networks, &f->vx->uuid);
    check_hosts(f, hf, &c, "12");
    compile_fixture_run(&f->c, 1);
    char *r4 = rule_rows(f, 4);
    assert_int_equal(count_lines(r4, "ipv6_src=fd00::7"), 1);
    assert_int_equal(count_lines(r4, "tcp6"), 3);
    free(r4);

    /* w2 leaves web: hv2 has no policy left. */
    topo_changes_clear(&c);
    assert_true(topology_set_port_sgs(&f->c.topo, f->w2, NULL, 0));
    uuidset_insert(&c.sgs, &f->web->uuid);
    uuidset_insert(&c.ports, &f->w2->uuid);
    uuidset_insert(&c.port_hosts, &f->c.hv[1]->uuid);
    uuidset_insert(&c.networks, &f->vx->uuid);
    check_hosts(f, hf, &c, "12");
    struct weft_flows all;
    weft_flows_init(&all);
    host_flows_collect(&hf[1], &all);
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &all.flows) {
        assert_false(is_acl_flow(flow));
    }
    weft_flows_destroy(&all);

    /* Rule 7 becomes ingress: db's covers change, so d1's and n1's PORT
     * owners (default deny, ct rows) are recompiled with it. */
    topo_changes_clear(&c);
    struct topo_sg_rule r7 = rule(7, 9, TOPO_SG_INGRESS, 0, 0, 0);
    assert_true(topology_set_sg_rules(&f->c.topo, f->db, &r7, 1));
    uuidset_insert(&c.sgs, &f->db->uuid);
    check_hosts(f, hf, &c, "1");

    /* db's members leave and web's rule 4 goes, then db is deleted: a
     * deleted group reaches every host (its members are unknown). */
    topo_changes_clear(&c);
    set_web_rules(f, false);
    assert_true(topology_set_port_sgs(&f->c.topo, f->d1, NULL, 0));
    assert_true(topology_set_port_sgs(&f->c.topo, f->n1, NULL, 0));
    struct uuid db_uuid = f->db->uuid;
    assert_true(topology_remove_sg(&f->c.topo, f->db));
    f->db = NULL;
    uuidset_insert(&c.sgs, &db_uuid);
    uuidset_insert(&c.sgs, &f->web->uuid);
    uuidset_insert(&c.ports, &f->d1->uuid);
    uuidset_insert(&c.ports, &f->n1->uuid);
    uuidset_insert(&c.port_hosts, &f->c.hv[0]->uuid);
    check_hosts(f, hf, &c, "12");
    HMAP_FOR_EACH (flow, node, &hf[0].defaults.flows) {
        assert_false(flow->table_id == WEFT_TABLE_ACL_OUT
                     || flow->table_id == WEFT_TABLE_ACL_OUT_VERDICT);
    }

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
        COMPILE_TEST(test_families),
        COMPILE_TEST(test_one_row_per_member),
        COMPILE_TEST(test_remote_group),
        COMPILE_TEST(test_no_policy),
        COMPILE_TEST(test_owners),
        COMPILE_TEST(test_incremental),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    flow_text_free();
    return rc;
}
