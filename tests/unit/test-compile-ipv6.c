/* test-compile-ipv6: unit tests of IPv6 port security and the NS responder
 * (ofproto/compile-port.c, compile-arp.c; pipeline.h "IPv6").
 *
 * The topology is built in C: tenant red's VXLAN network vx (key 1) with
 * a1 (10.0.0.5 and fd00::5, MAC 02:00:00:00:00:05) and a2 (no address) on
 * hv1 (userspace datapath), a3 (fd00::7 only) on hv2 (the kernel's).
 * hv1's IPv6 flows are checked against a golden text, then one rule of
 * pipeline.h each: the link-local address from the MAC, a port without
 * addresses, egress policy (its own addresses' way on), no NS answers where the datapath cannot rewrite
 * them, a changed address touching only its port's rows.  Every flow is
 * also fed to OVS's flow parser. */
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

#include "compile-fixture.h"
#include "compiler.h"
#include "flow-text.h"
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
    struct topo_port *a1, *a2, *a3;
};

static struct uuid
next_uuid(struct fixture *f)
{
    return compile_fixture_uuid(&f->c);
}

static struct in6_addr
ip6(const char *s)
{
    struct in6_addr addr;
    assert_true(ipv6_parse(s, &addr));
    return addr;
}

static struct topo_port *
add_port(struct fixture *f, int h, const char *name, const char *mac_s,
         const char *ip_s, const char *ip6_s, uint32_t key, int ofport)
{
    struct eth_addr mac;
    assert_true(eth_addr_from_string(mac_s, &mac));
    ovs_be32 addr;
    if (ip_s) {
        assert_true(ip_parse(ip_s, &addr));
    }
    char iface[16];
    snprintf(iface, sizeof iface, "tap%s", name);
    simap_put(&f->c.ofports[h], iface, ofport);
    struct uuid uuid = next_uuid(f);
    struct topo_port *port = topology_add_port(
        &f->c.topo, &uuid, f->vx, f->c.hv[h], name, iface, mac, &addr,
        ip_s ? 1 : 0, key);
    if (ip6_s) {
        struct in6_addr a6 = ip6(ip6_s);
        assert_true(topology_set_port_ip6s(&f->c.topo, port, &a6, 1));
    }
    return port;
}

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    static const char *dp_types[] = { "netdev", "system" };
    compile_fixture_init(&f->c, 2, dp_types, 0x57, 0x36, 0x36);
    struct uuid uuid = next_uuid(f);
    f->red = topology_add_tenant(&f->c.topo, &uuid, "red", 1);
    uuid = next_uuid(f);
    f->vx = topology_add_network(&f->c.topo, &uuid, f->red, "vx",
                                 TOPO_NET_VXLAN, 1001, 0, 1);
    f->a1 = add_port(f, 0, "a1", "02:00:00:00:00:05", "10.0.0.5", "fd00::5",
                     1, 1);
    f->a2 = add_port(f, 0, "a2", "02:00:00:00:00:06", NULL, NULL, 2, 2);
    f->a3 = add_port(f, 1, "a3", "02:00:00:00:00:07", NULL, "fd00::7", 3, 1);
    *state = f;
    return 0;
}

/* The IPv6 lines of PORT_SEC and ARP_RESPOND in 'f->c.flows' (with "ipv6"
 * or "icmp6"; policy's are test-compile-acl.c's), optionally only
 * those with 'cookie' (0: all).  The caller frees the result. */
static char *
format_ipv6(const struct fixture *f, uint64_t cookie)
{
    struct ds all = DS_EMPTY_INITIALIZER, out = DS_EMPTY_INITIALIZER;
    weft_flows_format(&f->c.flows, &all);
    char *want = cookie ? xasprintf("cookie=%#018"PRIx64",", cookie) : NULL;
    char *save = NULL;
    for (char *line = strtok_r(ds_cstr(&all), "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        int table = atoi(line + strlen("table="));
        if ((table == WEFT_TABLE_PORT_SEC || table == WEFT_TABLE_ARP_RESPOND)
            && (strstr(line, "ipv6") || strstr(line, "icmp6"))
            && (!want || strstr(line, want))) {
            ds_put_format(&out, "%s\n", line);
        }
    }
    free(want);
    ds_destroy(&all);
    return ds_steal_cstr(&out);
}

static size_t
count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p++) {
        n++;
    }
    return n;
}

static uint64_t
port_cookie(const struct topo_port *port)
{
    return weft_cookie(1, port->network->key, port->key);
}

#include "test-compile-ipv6-golden.h"

/* (1) hv1's IPv6 rows, all of them. */
static void
test_golden_hv1(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    compile_fixture_check_parses(&f->c);
    char *text = format_ipv6(f, 0);
    if (strcmp(text, golden_hv1_ipv6)) {
        fprintf(stderr, "got:\n%s", text);
    }
    assert_string_equal(text, golden_hv1_ipv6);
    free(text);
}

/* (2) The link-local address is fe80::/64 + the modified EUI-64 of the
 * MAC (the U/L bit flipped, ff:fe in the middle), written out here rather
 * than computed with the function the compiler uses. */
static void
test_link_local(void **state)
{
    struct fixture *f = *state;
    struct topo_port *a4 = add_port(f, 0, "a4", "52:54:00:12:34:56",
                                    "10.0.0.8", NULL, 4, 4);
    compile_fixture_run(&f->c, 0);
    compile_fixture_check_parses(&f->c);
    char *text = format_ipv6(f, port_cookie(a4));
    assert_int_equal(count(text, "ipv6_src=fe80::5054:ff:fe12:3456,"), 2);
    assert_int_equal(count(text, "ipv6_src=fe80::5054:ff:fe12:3456 "), 1);
    assert_int_equal(count(text, "nd_target=fe80::5054:ff:fe12:3456,"), 2);
    assert_int_equal(count(text, "nd_target=fe80::5054:ff:fe12:3456 "), 1);
    assert_int_equal(count(text, "fe80::ff:fe00:5"), 0);
    free(text);
}

/* (3) A port without any address: only its NA (any target) is let on
 * above the HOST's NA drop, nothing else of IPv6 is held. */
static void
test_no_address(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    compile_fixture_check_parses(&f->c);
    char *text = format_ipv6(f, port_cookie(f->a2));
    assert_string_equal(text,
        "table=10, priority=110, cookie=0x5700010001000002, "
        "icmp6,in_port=2,icmp_type=136 actions=goto_table:20\n");
    free(text);
}

/* (4) Egress policy on a1: its addresses' IPv6 goes through conntrack to
 * ACL_OUT, its neighbour discovery still straight to ARP_RESPOND. */
static void
test_egress_policy(void **state)
{
    struct fixture *f = *state;
    struct uuid uuid = next_uuid(f);
    struct topo_sg *sg = topology_add_sg(&f->c.topo, &uuid, f->red, "out");
    struct topo_sg_rule rule = { .id = 1, .key = 1,
                                 .direction = TOPO_SG_EGRESS };
    rule.uuid = next_uuid(f);
    assert_true(topology_set_sg_rules(&f->c.topo, sg, &rule, 1));
    const struct topo_sg *sgs[] = { sg };
    assert_true(topology_set_port_sgs(&f->c.topo, f->a1, sgs, 1));
    compile_fixture_run(&f->c, 0);
    compile_fixture_check_parses(&f->c);
    char *text = format_ipv6(f, port_cookie(f->a1));
    assert_int_equal(count(text, "ct(table=12,zone=32769)"), 2);
    assert_non_null(strstr(text, "ipv6,in_port=1,ipv6_src=fd00::5 actions="
                           "set_field:0x8001->reg13,ct(table=12,zone=32769)"));
    assert_non_null(strstr(text, "ipv6,in_port=1,ipv6_src=fe80::ff:fe00:5 "
                           "actions=set_field:0x8001->reg13,"
                           "ct(table=12,zone=32769)"));
    /* 4 NA, 4 RS/NS, 2 DAD, and the two NS answers (table 20). */
    assert_int_equal(count(text, "actions=goto_table:20\n"), 10);
    free(text);
}

/* (5) hv2's kernel datapath cannot rewrite an NS: no answers there (the
 * NS floods to its target), but port security and the HOST rows are the
 * same. */
static void
test_kernel_datapath(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 1);
    compile_fixture_check_parses(&f->c);
    char *text = format_ipv6(f, 0);
    assert_int_equal(count(text, "nd_options_type"), 0);
    assert_int_equal(count(text, "table=20, priority=100,"), 0);
    assert_int_equal(count(text, "table=20, priority=130,"), 1);
    assert_int_equal(count(text, "table=20, priority=120,"), 2);
    assert_int_equal(count(text, "icmp6,icmp_type=134 actions=drop"), 1);
    assert_int_equal(count(text, "icmp6,icmp_type=137 actions=drop"), 1);
    /* a3's own rows: fe80::ff:fe00:7 and fd00::7, 5 each, DAD, drop. */
    char *a3 = format_ipv6(f, port_cookie(f->a3));
    assert_int_equal(count(a3, "\n"), 5 * 2 + 2 + 1);
    assert_int_equal(count(a3, "ipv6_src=fd00::7,"), 2);
    assert_int_equal(count(a3, "ipv6_src=fd00::7 "), 1);
    free(a3);
    free(text);
}

/* (6) An NS answer for a3 (remote, on hv2) on hv1, in a3's network only,
 * with a3's MAC; and a changed IPv6 address changes only its port's rows. */
static void
test_answers_and_changes(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    char *before = format_ipv6(f, 0);
    char *a3 = format_ipv6(f, port_cookie(f->a3));
    assert_int_equal(count(a3, "\n"), 2);
    assert_int_equal(count(a3, "metadata=0x1,icmp_type=135,icmp_code=0,"
                           "nd_target=fd00::7 "), 1);
    assert_int_equal(count(a3, "set_field:02:00:00:00:00:07->eth_src"), 2);
    free(a3);

    struct in6_addr addr = ip6("fd00::9");
    assert_true(topology_set_port_ip6s(&f->c.topo, f->a1, &addr, 1));
    compile_fixture_run(&f->c, 0);
    char *after = format_ipv6(f, 0);
    assert_int_equal(count(before, "fd00::5"), 7);
    assert_int_equal(count(after, "fd00::5"), 0);
    assert_int_equal(count(after, "fd00::9"), 7);
    char *a1_cookie = xasprintf("cookie=%#018"PRIx64",",
                                port_cookie(f->a1));
    /* Every line that differs is a1's. */
    char *save = NULL;
    for (char *line = strtok_r(before, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (!strstr(after, line)) {
            assert_non_null(strstr(line, a1_cookie));
        }
    }
    free(a1_cookie);
    free(before);
    free(after);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        COMPILE_TEST(test_golden_hv1),
        COMPILE_TEST(test_link_local),
        COMPILE_TEST(test_no_address),
        COMPILE_TEST(test_egress_policy),
        COMPILE_TEST(test_kernel_datapath),
        COMPILE_TEST(test_answers_and_changes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    flow_text_free();
    return rc;
}
