/* test-compiler: unit tests of the flow compiler (ofproto/compiler.c).
 *
 * The compiler is pure, so every test builds a topology in memory, compiles
 * one host's flows and checks them as text (OVS's formatter, via
 * weft_flows_format() and flow-text.h): one golden text for a small host,
 * and property checks (isolation between networks, cookies, what a missing
 * ofport or a remote port gets, what removing a port changes) over larger
 * topologies.  Every compiled flow is also fed to OVS's own flow parser, the
 * one "ovs-ofctl add-flow" uses, so the text is known to be installable. */
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

#include "byte-order.h"
#include "compiler.h"
#include "flow-text.h"
#include "openflow/openflow-common.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "packets.h"
#include "pipeline.h"
#include "simap.h"
#include "sset.h"
#include "topology.h"
#include "util.h"

/* Fixture: a topology with two hosts, each with the interface -> ofport map
 * its switch would report. */
struct fixture {
    struct topology topo;
    struct topo_host *hv1;
    struct topo_host *hv2;
    struct simap ofports1;      /* hv1's interfaces. */
    struct simap ofports2;      /* hv2's interfaces. */
    struct weft_flows flows;    /* Scratch output. */
    uint32_t n_uuids;           /* For fixed, distinct UUIDs. */
};

static struct uuid
next_uuid(struct fixture *f)
{
    struct uuid uuid = { .parts = { ++f->n_uuids, 0x57, 0x57, 0x57 } };
    return uuid;
}

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    topology_init(&f->topo);
    simap_init(&f->ofports1);
    simap_init(&f->ofports2);
    weft_flows_init(&f->flows);

    struct uuid uuid = next_uuid(f);
    f->hv1 = topology_add_host(&f->topo, &uuid, "hv1", "unix:/tmp/hv1.sock",
                               NULL, "192.168.0.1", "netdev", NULL);
    uuid = next_uuid(f);
    f->hv2 = topology_add_host(&f->topo, &uuid, "hv2", "unix:/tmp/hv2.sock",
                               NULL, "192.168.0.2", "netdev", NULL);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    weft_flows_destroy(&f->flows);
    simap_destroy(&f->ofports1);
    simap_destroy(&f->ofports2);
    topology_destroy(&f->topo);
    free(f);
    return 0;
}

static const struct simap *
host_ofports(const struct fixture *f, const struct topo_host *host)
{
    return host == f->hv1 ? &f->ofports1 : &f->ofports2;
}

static struct topo_tenant *
add_tenant(struct fixture *f, const char *name, uint32_t key)
{
    struct uuid uuid = next_uuid(f);
    return topology_add_tenant(&f->topo, &uuid, name, key);
}

static struct topo_network *
add_network(struct fixture *f, const struct topo_tenant *tenant,
            const char *name, uint32_t key)
{
    struct uuid uuid = next_uuid(f);
    return topology_add_network(&f->topo, &uuid, tenant, name,
                                TOPO_NET_VXLAN, key, 0, key);
}

/* Adds a port with MAC 'mac' and the space-separated IPv4 addresses in 'ips'
 * (may be ""), and records 'ofport' for its interface on its host unless it
 * is 0 (interface absent from the switch). */
static struct topo_port *
add_port(struct fixture *f, const struct topo_network *net,
         struct topo_host *host, const char *name, const char *iface,
         const char *mac_s, const char *ips_s, uint32_t key, int ofport)
{
    struct eth_addr mac;
    assert_true(eth_addr_from_string(mac_s, &mac));

    ovs_be32 ips[8];
    size_t n_ips = 0;
    char *copy = xstrdup(ips_s);
    char *save_ptr = NULL;
    for (char *tok = strtok_r(copy, " ", &save_ptr); tok;
         tok = strtok_r(NULL, " ", &save_ptr)) {
        assert_true(n_ips < ARRAY_SIZE(ips));
        assert_true(ip_parse(tok, &ips[n_ips++]));
    }
    free(copy);

    if (ofport) {
        simap_put(host == f->hv1 ? &f->ofports1 : &f->ofports2, iface,
                  (unsigned int) ofport);
    }

    struct uuid uuid = next_uuid(f);
    return topology_add_port(&f->topo, &uuid, net, host, name, iface, mac,
                             ips, n_ips, key);
}

static void
compile(struct fixture *f, const struct topo_host *host)
{
    compile_host_flows(&f->topo, host, host_ofports(f, host), &f->flows);
}

static char *
format_flows(const struct weft_flows *flows)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    weft_flows_format(flows, &s);
    return ds_steal_cstr(&s);
}

static uint64_t
port_cookie(const struct topo_port *port)
{
    return weft_cookie(port->network->tenant->key, port->network->key,
                       port->key);
}

/* Returns the value of 'key' ("in_port=", "metadata=0x", ...) in 'match' as
 * an integer in 'base', or -1 if 'match' does not have 'key'. */
static long long
match_int(const char *match, const char *key, int base)
{
    const char *p = strstr(match, key);
    return p ? strtoll(p + strlen(key), NULL, base) : -1;
}

/* Copies the value of 'key' in 'match', up to the next comma, into 'value'
 * (of 'size' bytes); returns false if 'match' lacks 'key'. */
static bool
match_str(const char *match, const char *key, char *value, size_t size)
{
    const char *p = strstr(match, key);
    if (!p) {
        return false;
    }
    p += strlen(key);
    size_t len = strcspn(p, ",");
    assert_true(len < size);
    memcpy(value, p, len);
    value[len] = '\0';
    return true;
}

/* Returns the port on 'host' whose interface has ofport 'ofport' in 'f'. */
static const struct topo_port *
find_port_by_ofport(const struct fixture *f, const struct topo_host *host,
                    long long ofport)
{
    const struct simap *ofports = host_ofports(f, host);
    const struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, &f->topo) {
        if (port->host == host) {
            const struct simap_node *node = simap_find(ofports, port->iface);
            if (node && (int) node->data > 0 && node->data == ofport) {
                return port;
            }
        }
    }
    return NULL;
}

static const struct topo_network *
find_network_by_key(const struct fixture *f, long long key)
{
    const struct topo_network *net;
    TOPOLOGY_FOR_EACH_NETWORK (net, &f->topo) {
        if (net->key == key) {
            return net;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Topologies. */

/* Two tenants on hv1 whose networks use the very same MACs and IPs.  Leaves
 * out port "a2" if 'without_a2'. */
static void
build_twins(struct fixture *f, bool without_a2)
{
    struct topo_tenant *ta = add_tenant(f, "acme", 1);
    struct topo_tenant *tb = add_tenant(f, "bolt", 2);
    struct topo_network *na = add_network(f, ta, "net", 3);
    struct topo_network *nb = add_network(f, tb, "net", 4);

    add_port(f, na, f->hv1, "a1", "tapa1", "02:00:00:00:00:01", "10.0.0.1",
             1, 1);
    if (!without_a2) {
        add_port(f, na, f->hv1, "a2", "tapa2", "02:00:00:00:00:02",
                 "10.0.0.2", 2, 2);
    }
    add_port(f, nb, f->hv1, "b1", "tapb1", "02:00:00:00:00:01", "10.0.0.1",
             3, 3);
    add_port(f, nb, f->hv1, "b2", "tapb2", "02:00:00:00:00:02", "10.0.0.2",
             4, 4);
}

/* A richer topology over two hosts: networks spanning both, one only on
 * hv2, ports without IPs, with two IPs, without an ofport. */
static void
build_mixed(struct fixture *f)
{
    struct topo_tenant *ta = add_tenant(f, "acme", 1);
    struct topo_tenant *tb = add_tenant(f, "bolt", 2);
    struct topo_network *blue = add_network(f, ta, "blue", 3);
    struct topo_network *red = add_network(f, tb, "red", 4);
    struct topo_network *green = add_network(f, ta, "green", 5);
    struct topo_network *white = add_network(f, tb, "white", 6);

    /* blue and red: same addresses, both hosts. */
    add_port(f, blue, f->hv1, "b1", "tap1", "02:00:00:00:00:01",
             "10.0.0.1", 1, 1);
    add_port(f, blue, f->hv1, "b2", "tap2", "02:00:00:00:00:02",
             "10.0.0.2 10.0.1.2", 2, 7);
    add_port(f, blue, f->hv2, "b3", "tap1", "02:00:00:00:00:03",
             "10.0.0.3", 3, 1);
    add_port(f, red, f->hv1, "r1", "tap3", "02:00:00:00:00:01",
             "10.0.0.1", 4, 3);
    add_port(f, red, f->hv2, "r2", "tap2", "02:00:00:00:00:02",
             "10.0.0.2", 5, 2);
    add_port(f, red, f->hv2, "r3", "tap3", "02:00:00:00:00:03", "",
             6, 3);

    /* green: hv2 only. */
    add_port(f, green, f->hv2, "g1", "tap4", "02:00:00:00:00:04",
             "10.0.2.4", 7, 4);

    /* white: a port without IPs, one not yet on the switch, one whose
     * interface failed (ofport -1). */
    add_port(f, white, f->hv1, "w1", "tap4", "02:00:00:00:00:05", "",
             8, 4);
    add_port(f, white, f->hv1, "w2", "tap5", "02:00:00:00:00:06",
             "10.0.3.6", 9, 0);
    add_port(f, white, f->hv1, "w3", "tap6", "02:00:00:00:00:07",
             "10.0.3.7", 10, -1);
    add_port(f, white, f->hv2, "w4", "tap5", "02:00:00:00:00:08",
             "10.0.3.8", 11, 5);
}

/* ------------------------------------------------------------------------ */
/* Tests. */

static void
test_table_names(void **state OVS_UNUSED)
{
    assert_string_equal(weft_table_name(WEFT_TABLE_CLASSIFY), "classify");
    assert_string_equal(weft_table_name(WEFT_TABLE_PORT_SEC), "port_sec");
    assert_string_equal(weft_table_name(WEFT_TABLE_ARP_RESPOND),
                        "arp_respond");
    assert_string_equal(weft_table_name(WEFT_TABLE_L2_LOOKUP), "l2_lookup");
    assert_string_equal(weft_table_name(WEFT_TABLE_FLOOD), "flood");
    assert_string_equal(weft_table_name(WEFT_TABLE_EXT_OUT), "ext_out");
    assert_string_equal(weft_table_name(WEFT_TABLE_EXT_SNAT_HOST),
                        "ext_snat_host");
    assert_string_equal(weft_table_name(WEFT_TABLE_EXT_IN), "ext_in");
    assert_string_equal(weft_table_name(WEFT_TABLE_EXT_DELIVER),
                        "ext_deliver");
    assert_null(weft_table_name(54));
    assert_null(weft_table_name(1));
    assert_null(weft_table_name(-1));
    assert_null(weft_table_name(255));
}

/* (6) A duplicate (table, priority, match) is refused and leaves the first
 * flow alone; the cookie and actions are not part of the key. */
static void
test_flows_add_duplicate(void **state)
{
    struct fixture *f = *state;
    struct weft_flows *flows = &f->flows;

    assert_true(weft_flows_add_text(flows, 0, 100, 1, "in_port=1", "drop"));
    assert_false(weft_flows_add_text(flows, 0, 100, 2, "in_port=1",
                                "goto_table:10"));
    assert_true(weft_flows_add_text(flows, 0, 90, 1, "in_port=1", "drop"));
    assert_true(weft_flows_add_text(flows, 10, 100, 1, "in_port=1", "drop"));
    assert_true(weft_flows_add_text(flows, 0, 100, 1, "in_port=2", "drop"));
    assert_true(weft_flows_add_text(flows, 0, 0, 0, "", "drop"));
    assert_false(weft_flows_add_text(flows, 0, 0, 5, "", "goto_table:10"));
    assert_int_equal(weft_flows_count(flows), 5);

    char *text = format_flows(flows);
    assert_string_equal(text,
        "table=0, priority=100, cookie=0x0000000000000001, "
        "in_port=1 actions=drop\n"
        "table=0, priority=100, cookie=0x0000000000000001, "
        "in_port=2 actions=drop\n"
        "table=0, priority=90, cookie=0x0000000000000001, "
        "in_port=1 actions=drop\n"
        "table=0, priority=0, cookie=0x0000000000000000, actions=drop\n"
        "table=10, priority=100, cookie=0x0000000000000001, "
        "in_port=1 actions=drop\n");
    free(text);

    weft_flows_clear(flows);
    assert_int_equal(weft_flows_count(flows), 0);
    assert_true(weft_flows_add_text(flows, 0, 100, 1, "in_port=1", "drop"));
    assert_int_equal(weft_flows_count(flows), 1);
}

/* (1) The complete flow table of a host with two tenants that use the same
 * MACs and IPs: everything after CLASSIFY is keyed by metadata. */
static void
test_golden_twins(void **state)
{
    struct fixture *f = *state;
    build_twins(f, false);
    compile(f, f->hv1);

    static const char expected[] =
"table=0, priority=100, cookie=0x5700010003000001, in_port=1,dl_src=02:00:00:00:00:01 actions=set_field:0x3->metadata,goto_table:10\n"
"table=0, priority=100, cookie=0x5700010003000002, in_port=2,dl_src=02:00:00:00:00:02 actions=set_field:0x3->metadata,goto_table:10\n"
"table=0, priority=100, cookie=0x5700020004000003, in_port=3,dl_src=02:00:00:00:00:01 actions=set_field:0x4->metadata,goto_table:10\n"
"table=0, priority=100, cookie=0x5700020004000004, in_port=4,dl_src=02:00:00:00:00:02 actions=set_field:0x4->metadata,goto_table:10\n"
"table=0, priority=50, cookie=0x5700010003000001, in_port=1 actions=drop\n"
"table=0, priority=50, cookie=0x5700010003000002, in_port=2 actions=drop\n"
"table=0, priority=50, cookie=0x5700020004000003, in_port=3 actions=drop\n"
"table=0, priority=50, cookie=0x5700020004000004, in_port=4 actions=drop\n"
"table=0, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=10, priority=120, cookie=0x5700000000000000, icmp6,icmp_type=134 actions=drop\n"
"table=10, priority=120, cookie=0x5700000000000000, icmp6,icmp_type=137 actions=drop\n"
"table=10, priority=110, cookie=0x5700010003000001, icmp6,in_port=1,icmp_type=136,icmp_code=0,nd_target=fe80::ff:fe00:1,nd_tll=00:00:00:00:00:00 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010003000001, icmp6,in_port=1,icmp_type=136,icmp_code=0,nd_target=fe80::ff:fe00:1,nd_tll=02:00:00:00:00:01 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010003000001, icmp6,in_port=1,ipv6_src=::,icmp_type=135 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010003000001, icmp6,in_port=1,ipv6_src=::,icmp_type=143 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010003000001, icmp6,in_port=1,ipv6_src=fe80::ff:fe00:1,icmp_type=133 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010003000001, icmp6,in_port=1,ipv6_src=fe80::ff:fe00:1,icmp_type=135 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010003000002, icmp6,in_port=2,icmp_type=136,icmp_code=0,nd_target=fe80::ff:fe00:2,nd_tll=00:00:00:00:00:00 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010003000002, icmp6,in_port=2,icmp_type=136,icmp_code=0,nd_target=fe80::ff:fe00:2,nd_tll=02:00:00:00:00:02 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010003000002, icmp6,in_port=2,ipv6_src=::,icmp_type=135 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010003000002, icmp6,in_port=2,ipv6_src=::,icmp_type=143 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010003000002, icmp6,in_port=2,ipv6_src=fe80::ff:fe00:2,icmp_type=133 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010003000002, icmp6,in_port=2,ipv6_src=fe80::ff:fe00:2,icmp_type=135 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000003, icmp6,in_port=3,icmp_type=136,icmp_code=0,nd_target=fe80::ff:fe00:1,nd_tll=00:00:00:00:00:00 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000003, icmp6,in_port=3,icmp_type=136,icmp_code=0,nd_target=fe80::ff:fe00:1,nd_tll=02:00:00:00:00:01 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000003, icmp6,in_port=3,ipv6_src=::,icmp_type=135 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000003, icmp6,in_port=3,ipv6_src=::,icmp_type=143 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000003, icmp6,in_port=3,ipv6_src=fe80::ff:fe00:1,icmp_type=133 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000003, icmp6,in_port=3,ipv6_src=fe80::ff:fe00:1,icmp_type=135 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000004, icmp6,in_port=4,icmp_type=136,icmp_code=0,nd_target=fe80::ff:fe00:2,nd_tll=00:00:00:00:00:00 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000004, icmp6,in_port=4,icmp_type=136,icmp_code=0,nd_target=fe80::ff:fe00:2,nd_tll=02:00:00:00:00:02 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000004, icmp6,in_port=4,ipv6_src=::,icmp_type=135 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000004, icmp6,in_port=4,ipv6_src=::,icmp_type=143 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000004, icmp6,in_port=4,ipv6_src=fe80::ff:fe00:2,icmp_type=133 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700020004000004, icmp6,in_port=4,ipv6_src=fe80::ff:fe00:2,icmp_type=135 actions=goto_table:20\n"
"table=10, priority=105, cookie=0x5700000000000000, icmp6,icmp_type=136 actions=drop\n"
"table=10, priority=100, cookie=0x5700010003000001, arp,in_port=1,arp_spa=10.0.0.1,arp_sha=02:00:00:00:00:01 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700010003000002, arp,in_port=2,arp_spa=10.0.0.2,arp_sha=02:00:00:00:00:02 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700020004000003, arp,in_port=3,arp_spa=10.0.0.1,arp_sha=02:00:00:00:00:01 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700020004000004, arp,in_port=4,arp_spa=10.0.0.2,arp_sha=02:00:00:00:00:02 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700010003000001, ip,in_port=1,nw_src=10.0.0.1 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700010003000002, ip,in_port=2,nw_src=10.0.0.2 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700020004000003, ip,in_port=3,nw_src=10.0.0.1 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700020004000004, ip,in_port=4,nw_src=10.0.0.2 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700010003000001, ipv6,in_port=1,ipv6_src=fe80::ff:fe00:1 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700010003000002, ipv6,in_port=2,ipv6_src=fe80::ff:fe00:2 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700020004000003, ipv6,in_port=3,ipv6_src=fe80::ff:fe00:1 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700020004000004, ipv6,in_port=4,ipv6_src=fe80::ff:fe00:2 actions=goto_table:20\n"
"table=10, priority=90, cookie=0x5700010003000001, arp,in_port=1 actions=drop\n"
"table=10, priority=90, cookie=0x5700010003000002, arp,in_port=2 actions=drop\n"
"table=10, priority=90, cookie=0x5700020004000003, arp,in_port=3 actions=drop\n"
"table=10, priority=90, cookie=0x5700020004000004, arp,in_port=4 actions=drop\n"
"table=10, priority=90, cookie=0x5700010003000001, ip,in_port=1 actions=drop\n"
"table=10, priority=90, cookie=0x5700010003000002, ip,in_port=2 actions=drop\n"
"table=10, priority=90, cookie=0x5700020004000003, ip,in_port=3 actions=drop\n"
"table=10, priority=90, cookie=0x5700020004000004, ip,in_port=4 actions=drop\n"
"table=10, priority=90, cookie=0x5700010003000001, ipv6,in_port=1 actions=drop\n"
"table=10, priority=90, cookie=0x5700010003000002, ipv6,in_port=2 actions=drop\n"
"table=10, priority=90, cookie=0x5700020004000003, ipv6,in_port=3 actions=drop\n"
"table=10, priority=90, cookie=0x5700020004000004, ipv6,in_port=4 actions=drop\n"
"table=10, priority=0, cookie=0x5700000000000000, actions=goto_table:20\n"
"table=20, priority=130, cookie=0x5700000000000000, icmp6,reg10=0x4/0x4,icmp_type=136,icmp_code=0 actions=move:NXM_OF_ETH_SRC[]->NXM_NX_ND_TLL[],IN_PORT\n"
"table=20, priority=120, cookie=0x5700000000000000, icmp6,icmp_type=135,icmp_code=0,nd_sll=00:00:00:00:00:00 actions=goto_table:22\n"
"table=20, priority=120, cookie=0x5700000000000000, icmp6,ipv6_src=::,icmp_type=135 actions=goto_table:22\n"
"table=20, priority=110, cookie=0x5700010003000001, arp,metadata=0x3,in_port=1,arp_tpa=10.0.0.1,arp_op=1 actions=goto_table:30\n"
"table=20, priority=110, cookie=0x5700010003000002, arp,metadata=0x3,in_port=2,arp_tpa=10.0.0.2,arp_op=1 actions=goto_table:30\n"
"table=20, priority=110, cookie=0x5700020004000003, arp,metadata=0x4,in_port=3,arp_tpa=10.0.0.1,arp_op=1 actions=goto_table:30\n"
"table=20, priority=110, cookie=0x5700020004000004, arp,metadata=0x4,in_port=4,arp_tpa=10.0.0.2,arp_op=1 actions=goto_table:30\n"
"table=20, priority=100, cookie=0x5700010003000001, arp,metadata=0x3,dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa=10.0.0.1,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:01->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:02:00:00:00:00:01->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:10.0.0.1->arp_spa,IN_PORT\n"
"table=20, priority=100, cookie=0x5700010003000002, arp,metadata=0x3,dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa=10.0.0.2,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:02->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:02:00:00:00:00:02->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:10.0.0.2->arp_spa,IN_PORT\n"
"table=20, priority=100, cookie=0x5700020004000003, arp,metadata=0x4,dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa=10.0.0.1,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:01->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:02:00:00:00:00:01->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:10.0.0.1->arp_spa,IN_PORT\n"
"table=20, priority=100, cookie=0x5700020004000004, arp,metadata=0x4,dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa=10.0.0.2,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:02->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:02:00:00:00:00:02->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:10.0.0.2->arp_spa,IN_PORT\n"
"table=20, priority=100, cookie=0x5700010003000001, icmp6,metadata=0x3,icmp_type=135,icmp_code=0,nd_target=fe80::ff:fe00:1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:01->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fe80::ff:fe00:1->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,set_field:255->nw_ttl,set_field:0x4/0x4->reg10,resubmit(,20)\n"
"table=20, priority=100, cookie=0x5700010003000002, icmp6,metadata=0x3,icmp_type=135,icmp_code=0,nd_target=fe80::ff:fe00:2 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:02->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fe80::ff:fe00:2->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,set_field:255->nw_ttl,set_field:0x4/0x4->reg10,resubmit(,20)\n"
"table=20, priority=100, cookie=0x5700020004000003, icmp6,metadata=0x4,icmp_type=135,icmp_code=0,nd_target=fe80::ff:fe00:1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:01->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fe80::ff:fe00:1->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,set_field:255->nw_ttl,set_field:0x4/0x4->reg10,resubmit(,20)\n"
"table=20, priority=100, cookie=0x5700020004000004, icmp6,metadata=0x4,icmp_type=135,icmp_code=0,nd_target=fe80::ff:fe00:2 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:02->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fe80::ff:fe00:2->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,set_field:255->nw_ttl,set_field:0x4/0x4->reg10,resubmit(,20)\n"
"table=20, priority=0, cookie=0x5700000000000000, actions=goto_table:22\n"
"table=22, priority=0, cookie=0x5700000000000000, actions=goto_table:30\n"
"table=24, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=26, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=30, priority=100, cookie=0x5700010003000001, metadata=0x3,dl_dst=02:00:00:00:00:01 actions=output:1\n"
"table=30, priority=100, cookie=0x5700010003000002, metadata=0x3,dl_dst=02:00:00:00:00:02 actions=output:2\n"
"table=30, priority=100, cookie=0x5700020004000003, metadata=0x4,dl_dst=02:00:00:00:00:01 actions=output:3\n"
"table=30, priority=100, cookie=0x5700020004000004, metadata=0x4,dl_dst=02:00:00:00:00:02 actions=output:4\n"
"table=30, priority=0, cookie=0x5700000000000000, actions=goto_table:40\n"
"table=40, priority=100, cookie=0x5700010003000000, metadata=0x3 actions=output:1,output:2\n"
"table=40, priority=100, cookie=0x5700020004000000, metadata=0x4 actions=output:3,output:4\n"
"table=40, priority=0, cookie=0x5700000000000000, actions=drop\n";

    char *text = format_flows(&f->flows);
    if (strcmp(text, expected)) {
        fprintf(stderr, "got:\n%s", text);
    }
    assert_string_equal(text, expected);
    free(text);
}

/* Checks that no flow of 'f->flows', compiled for 'host', lets a packet
 * cross networks: every output:P in a flow matching metadata=0xN goes to a
 * port of network N, and every CLASSIFY flow gives in_port=P the metadata of
 * P's network.  Returns the number of outputs checked. */
static size_t
check_isolation(const struct fixture *f, const struct topo_host *host)
{
    size_t n_checked = 0;
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &f->flows.flows) {
        long long net_key = match_int(flow_match_s(flow), "metadata=0x", 16);
        long long set_key = match_int(flow_actions_s(flow), "set_field:0x",
                                      16);
        if (set_key >= 0 && strstr(flow_actions_s(flow), "->metadata")) {
            assert_int_equal(flow->table_id, WEFT_TABLE_CLASSIFY);
            const struct topo_port *port = find_port_by_ofport(
                f, host, match_int(flow_match_s(flow), "in_port=", 10));
            assert_non_null(port);
            assert_int_equal(port->network->key, set_key);
            n_checked++;
        }

        for (const char *p = strstr(flow_actions_s(flow), "output:"); p;
             p = strstr(p + 1, "output:")) {
            long long ofport = strtoll(p + strlen("output:"), NULL, 10);
            const struct topo_port *port = find_port_by_ofport(f, host,
                                                               ofport);
            assert_non_null(port);
            assert_true(net_key > 0);
            assert_int_equal(port->network->key, net_key);
            n_checked++;
        }
    }
    return n_checked;
}

/* (2) Isolation, on both the twin host and the mixed topology's hosts. */
static void
test_isolation_twins(void **state)
{
    struct fixture *f = *state;
    build_twins(f, false);
    compile(f, f->hv1);
    /* 4 CLASSIFY, 4 L2_LOOKUP, 4 flood outputs. */
    assert_int_equal(check_isolation(f, f->hv1), 12);
}

static void
test_isolation_mixed(void **state)
{
    struct fixture *f = *state;
    build_mixed(f);

    compile(f, f->hv1);
    /* hv1 ports with ofport: b1, b2, r1, w1: CLASSIFY + L2 + flood each. */
    assert_int_equal(check_isolation(f, f->hv1), 12);

    compile(f, f->hv2);
    /* hv2 ports with ofport: b3, r2, r3, g1, w4. */
    assert_int_equal(check_isolation(f, f->hv2), 15);
}

/* An IPv6 flow (port security, NS answer): test-compile-ipv6.c checks
 * those; the tests here look at the IPv4 and ARP ones. */
static bool
is_ipv6_flow(const struct weft_flow *flow)
{
    const char *match = flow_match_s(flow);
    return strstr(match, "ipv6") || strstr(match, "icmp6");
}

/* Returns the flows of 'f->flows' with cookie 'cookie', in 'out' (at most
 * 'max'), IPv6 flows left out; returns how many there are. */
static size_t
flows_with_cookie(const struct fixture *f, uint64_t cookie,
                  const struct weft_flow **out, size_t max)
{
    size_t n = 0;
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &f->flows.flows) {
        if (flow->cookie == cookie && !is_ipv6_flow(flow)) {
            assert_true(n < max);
            out[n++] = flow;
        }
    }
    return n;
}

/* (3) A port without an ofport (absent or -1) gets only its ARP answers;
 * the rest of its network still works. */
static void
test_port_without_ofport(void **state)
{
    struct fixture *f = *state;
    build_mixed(f);
    compile(f, f->hv1);

    const struct topo_network *white = find_network_by_key(f, 6);
    const char *names[] = { "w2", "w3" };
    const char *ips[] = { "10.0.3.6", "10.0.3.7" };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        const struct topo_port *port
            = topology_find_port_by_name(&f->topo, white, names[i]);
        assert_non_null(port);

        const struct weft_flow *flows[8];
        size_t n = flows_with_cookie(f, port_cookie(port), flows,
                                     ARRAY_SIZE(flows));
        assert_int_equal(n, 1);
        assert_int_equal(flows[0]->table_id, WEFT_TABLE_ARP_RESPOND);
        assert_int_equal(flows[0]->priority, WEFT_PRIO_ARP_REPLY);
        char tpa[32];
        assert_true(match_str(flow_match_s(flows[0]), "arp_tpa=", tpa,
                              sizeof tpa));
        assert_string_equal(tpa, ips[i]);
        assert_null(strstr(flow_match_s(flows[0]), "in_port="));
        assert_null(strstr(flow_actions_s(flows[0]), "output:"));
    }

    /* Only w1 (ofport 4) is flooded to, and -1 shows up nowhere. */
    const struct weft_flow *flood[2];
    assert_int_equal(flows_with_cookie(f, weft_cookie(2, 6, 0), flood,
                                       ARRAY_SIZE(flood)), 1);
    assert_int_equal(flood[0]->table_id, WEFT_TABLE_FLOOD);
    assert_string_equal(flow_match_s(flood[0]), "metadata=0x6");
    assert_string_equal(flow_actions_s(flood[0]), "output:4");

    char *text = format_flows(&f->flows);
    assert_null(strstr(text, "in_port=-1"));
    assert_null(strstr(text, "output:-1"));
    assert_null(strstr(text, "in_port=0,"));
    assert_null(strstr(text, "4294967295"));
    free(text);
}

/* A port without IPs is held to its MAC in ARP; its IPv4 is unrestricted. */
static void
test_port_without_ips(void **state)
{
    struct fixture *f = *state;
    build_mixed(f);
    compile(f, f->hv1);

    const struct topo_network *white = find_network_by_key(f, 6);
    const struct topo_port *w1 = topology_find_port_by_name(&f->topo, white,
                                                            "w1");
    const struct weft_flow *flows[16];
    size_t n = flows_with_cookie(f, port_cookie(w1), flows,
                                 ARRAY_SIZE(flows));
    assert_int_equal(n, 5);

    struct weft_flows expected;
    weft_flows_init(&expected);
    uint64_t c = port_cookie(w1);
    weft_flows_add_text(&expected, 0, 100, c,
                        "in_port=4,dl_src=02:00:00:00:00:05",
                   "set_field:0x6->metadata,goto_table:10");
    weft_flows_add_text(&expected, 0, 50, c, "in_port=4", "drop");
    weft_flows_add_text(&expected, 10, 100, c,
                   "in_port=4,arp,arp_sha=02:00:00:00:00:05", "goto_table:20");
    weft_flows_add_text(&expected, 10, 90, c, "in_port=4,arp", "drop");
    weft_flows_add_text(&expected, 30, 100, c,
                   "metadata=0x6,dl_dst=02:00:00:00:00:05", "output:4");

    struct weft_flows got;
    weft_flows_init(&got);
    for (size_t i = 0; i < n; i++) {
        struct match match;
        minimatch_expand(&flows[i]->match, &match);
        assert_true(weft_flows_add(&got, NULL, flows[i]->table_id,
                                   flows[i]->priority, flows[i]->cookie,
                                   &match, flows[i]->ofpacts,
                                   flows[i]->ofpacts_len));
    }
    char *got_s = format_flows(&got);
    char *expected_s = format_flows(&expected);
    assert_string_equal(got_s, expected_s);
    free(got_s);
    free(expected_s);
    weft_flows_destroy(&got);
    weft_flows_destroy(&expected);
}

/* (4) A network with no port on a host gets no flows there; a host with no
 * ports gets only the table-miss flows. */
static void
test_network_not_on_host(void **state)
{
    struct fixture *f = *state;
    build_mixed(f);
    compile(f, f->hv1);

    const struct weft_flow *flow;
    size_t n_blue = 0;
    HMAP_FOR_EACH (flow, node, &f->flows.flows) {
        /* green is network 5, on hv2 only. */
        assert_int_not_equal(match_int(flow_match_s(flow), "metadata=0x",
                                       16), 5);
        assert_int_not_equal((flow->cookie >> 24) & 0xffff, 5);
        assert_null(strstr(flow_actions_s(flow), "0x5->metadata"));
        assert_null(strstr(flow_match_s(flow), "10.0.2.4"));
        n_blue += ((flow->cookie >> 24) & 0xffff) == 3;
    }
    /* ... while blue, on both, does (so the check above can fail). */
    assert_true(n_blue > 0);

    struct uuid uuid = next_uuid(f);
    const struct topo_host *hv3 = topology_add_host(
        &f->topo, &uuid, "hv3", "unix:/tmp/hv3.sock", NULL, NULL, NULL, NULL);
    compile_host_flows(&f->topo, hv3, NULL, &f->flows);
    char *text = format_flows(&f->flows);
    assert_string_equal(text,
        "table=0, priority=0, cookie=0x5700000000000000, actions=drop\n"
        "table=10, priority=120, cookie=0x5700000000000000, "
        "icmp6,icmp_type=134 actions=drop\n"
        "table=10, priority=120, cookie=0x5700000000000000, "
        "icmp6,icmp_type=137 actions=drop\n"
        "table=10, priority=105, cookie=0x5700000000000000, "
        "icmp6,icmp_type=136 actions=drop\n"
        "table=10, priority=0, cookie=0x5700000000000000, "
        "actions=goto_table:20\n"
        "table=20, priority=130, cookie=0x5700000000000000, "
        "icmp6,reg10=0x4/0x4,icmp_type=136,icmp_code=0 "
        "actions=move:NXM_OF_ETH_SRC[]->NXM_NX_ND_TLL[],IN_PORT\n"
        "table=20, priority=120, cookie=0x5700000000000000, "
        "icmp6,icmp_type=135,icmp_code=0,nd_sll=00:00:00:00:00:00 "
        "actions=goto_table:22\n"
        "table=20, priority=120, cookie=0x5700000000000000, "
        "icmp6,ipv6_src=::,icmp_type=135 actions=goto_table:22\n"
        "table=20, priority=0, cookie=0x5700000000000000, "
        "actions=goto_table:22\n"
        "table=22, priority=0, cookie=0x5700000000000000, "
        "actions=goto_table:30\n"
        "table=24, priority=0, cookie=0x5700000000000000, actions=drop\n"
        "table=26, priority=0, cookie=0x5700000000000000, actions=drop\n"
        "table=30, priority=0, cookie=0x5700000000000000, "
        "actions=goto_table:40\n"
        "table=40, priority=0, cookie=0x5700000000000000, actions=drop\n");
    free(text);
}

/* (5) Ports on another host appear only as ARP answers. */
static void
test_remote_ports(void **state)
{
    struct fixture *f = *state;
    build_mixed(f);

    const struct topo_host *hosts[] = { f->hv1, f->hv2 };
    for (size_t h = 0; h < ARRAY_SIZE(hosts); h++) {
        compile(f, hosts[h]);

        size_t n_remote = 0;
        const struct topo_port *port;
        TOPOLOGY_FOR_EACH_PORT (port, &f->topo) {
            if (port->host == hosts[h]
                || !strcmp(port->network->name, "green")) {
                continue;       /* Local, or green (not on hv1 at all). */
            }

            const struct weft_flow *flows[8];
            size_t n = flows_with_cookie(f, port_cookie(port), flows,
                                         ARRAY_SIZE(flows));
            assert_int_equal(n, port->n_ips);
            for (size_t i = 0; i < n; i++) {
                assert_int_equal(flows[i]->table_id, WEFT_TABLE_ARP_RESPOND);
                assert_int_equal(flows[i]->priority, WEFT_PRIO_ARP_REPLY);
                assert_null(strstr(flow_match_s(flows[i]), "in_port="));
                assert_non_null(strstr(flow_actions_s(flows[i]), "IN_PORT"));
            }
            n_remote += n;
        }
        /* hv1 answers for b3, r2 (r3 has no IP), w4; hv2 for b1, b2 (two
         * IPs), r1, and w2, w3 although they have no ofport on hv1. */
        assert_int_equal(n_remote, h == 0 ? 3 : 6);
    }
}

/* Returns how many flows the pipeline description in compiler.h and
 * pipeline.h calls for on 'host', counted independently of the compiler. */
static size_t
expected_flow_count(const struct fixture *f, const struct topo_host *host)
{
    const struct simap *ofports = host_ofports(f, host);
    size_t n = 8;               /* Table-miss flows. */
    n += 3 + 3;                 /* IPv6: PORT_SEC's RA, Redirect and NA
                                 * drops, ARP_RESPOND's DAD, no-SLL and
                                 * TLL rows. */
    bool answers_ns = host->datapath_type
                      && !strcmp(host->datapath_type, "netdev");

    const struct topo_network *net;
    TOPOLOGY_FOR_EACH_NETWORK (net, &f->topo) {
        bool local = false;
        bool flood = false;
        size_t n_net = 0;

        const struct topo_port *port;
        TOPOLOGY_FOR_EACH_PORT (port, &f->topo) {
            if (port->network != net) {
                continue;
            }
            n_net += port->n_ips;           /* ARP answers. */
            size_t n_ip6 = 1 + port->n_ip6s;    /* Link-local + own. */
            bool has_addr = port->n_ips || port->n_ip6s;
            if (answers_ns && has_addr) {
                n_net += n_ip6;                 /* NS answers. */
            }
            if (port->host != host) {
                continue;
            }
            local = true;
            const struct simap_node *node = simap_find(ofports, port->iface);
            if (node && (int) node->data > 0) {
                flood = true;
                n_net += 2;                 /* CLASSIFY. */
                n_net += port->n_ips ? 2 * port->n_ips + 2 : 2; /* PORT_SEC */
                n_net += port->n_ips;       /* ARP_RESPOND from the owner. */
                /* PORT_SEC IPv6: per address its source, NS, RS, two NA;
                 * DAD's NS and MLD; the drop.  No address: its NA. */
                n_net += has_addr ? 5 * n_ip6 + 3 : 1;
                n_net += 1;                 /* L2_LOOKUP. */
            }
        }
        if (local) {
            n += n_net + flood;
        }
    }
    return n;
}

/* (6) The compiler never produces two flows with the same key: if it did,
 * weft_flows_add() would have dropped one and the count would fall short. */
static void
test_no_duplicates(void **state)
{
    struct fixture *f = *state;
    build_mixed(f);

    compile(f, f->hv1);
    assert_int_equal(weft_flows_count(&f->flows),
                     expected_flow_count(f, f->hv1));
    assert_int_equal(weft_flows_count(&f->flows),
                     8 + 24 + 11 + 9
                     + 6 + 3 * 8 + 1 + 8); /* IPv6: HOST, PORT_SEC of b1,
                                            * b2, r1 and w1, NS answers. */

    compile(f, f->hv2);
    assert_int_equal(weft_flows_count(&f->flows),
                     expected_flow_count(f, f->hv2));

    /* Compiling again replaces rather than adds. */
    size_t n = weft_flows_count(&f->flows);
    compile(f, f->hv2);
    assert_int_equal(weft_flows_count(&f->flows), n);
}

/* Feeds every flow in 'f->flows' to OVS's flow parser, as "ovs-ofctl
 * add-flow" would, and checks it says what the flow says. */
static void
check_parses(const struct fixture *f)
{
    assert_true(weft_flows_count(&f->flows) > 0);

    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &f->flows.flows) {
        char *s = xasprintf("table=%"PRIu8",priority=%"PRIu16","
                            "cookie=0x%"PRIx64",%s%sactions=%s",
                            flow->table_id, flow->priority, flow->cookie,
                            flow_match_s(flow),
                            flow_match_s(flow)[0] ? "," : "",
                            flow_actions_s(flow));
        struct ofputil_flow_mod fm;
        enum ofputil_protocol usable = OFPUTIL_P_OF15_OXM;
        char *error = parse_ofp_flow_mod_str(&fm, s, NULL, NULL, OFPFC_ADD,
                                             &usable);
        if (error) {
            fail_msg("\"%s\": %s", s, error);
        }
        assert_true(usable & OFPUTIL_P_OF13_OXM);
        assert_true(usable & OFPUTIL_P_OF15_OXM);
        assert_int_equal(fm.table_id, flow->table_id);
        assert_int_equal(fm.priority, flow->priority);
        assert_true(ntohll(fm.new_cookie) == flow->cookie);
        /* "drop" is the empty action list; anything else must not be. */
        assert_int_equal(fm.ofpacts_len == 0,
                         !strcmp(flow_actions_s(flow), "drop"));

        minimatch_destroy(&fm.match);
        free(fm.ofpacts);
        free(s);
    }
}

/* (7) Every flow is valid OpenFlow text. */
static void
test_flows_parse(void **state)
{
    struct fixture *f = *state;
    build_mixed(f);
    compile(f, f->hv1);
    check_parses(f);
    compile(f, f->hv2);
    check_parses(f);

    /* The parser does reject bad text. */
    struct ofputil_flow_mod fm;
    enum ofputil_protocol usable;
    char *error = parse_ofp_flow_mod_str(&fm, "table=0,actions=bogus:1",
                                         NULL, NULL, OFPFC_ADD, &usable);
    assert_non_null(error);
    free(error);
}

/* Splits 'text' into its lines, in 'lines'. */
static void
lines_to_sset(const char *text, struct sset *lines)
{
    char *copy = xstrdup(text);
    char *save_ptr = NULL;
    for (char *line = strtok_r(copy, "\n", &save_ptr); line;
         line = strtok_r(NULL, "\n", &save_ptr)) {
        sset_add(lines, line);
    }
    free(copy);
}

static uint64_t
line_cookie(const char *line)
{
    const char *p = strstr(line, "cookie=0x");
    assert_non_null(p);
    return strtoull(p + strlen("cookie=0x"), NULL, 16);
}

/* (8) Removing a port removes exactly its flows and changes its network's
 * flood list, and nothing else. */
static void
test_remove_port(void **state)
{
    struct fixture *f = *state;
    build_twins(f, false);
    compile(f, f->hv1);
    char *before = format_flows(&f->flows);

    const struct topo_network *na = find_network_by_key(f, 3);
    const struct topo_port *a2 = topology_find_port_by_name(&f->topo, na,
                                                            "a2");
    uint64_t a2_cookie = port_cookie(a2);
    const struct weft_flow *a2_flows[16];
    size_t n_a2 = flows_with_cookie(f, a2_cookie, a2_flows,
                                    ARRAY_SIZE(a2_flows));
    assert_int_equal(n_a2, 9);
    size_t n_a2_ipv6 = 0;           /* 8 PORT_SEC, 1 NS answer. */
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &f->flows.flows) {
        n_a2_ipv6 += flow->cookie == a2_cookie && is_ipv6_flow(flow);
    }
    assert_int_equal(n_a2_ipv6, 9);
    n_a2 += n_a2_ipv6;

    /* The same topology, rebuilt without a2. */
    teardown(state);
    setup(state);
    f = *state;
    build_twins(f, true);
    compile(f, f->hv1);
    char *after = format_flows(&f->flows);

    struct sset old_lines = SSET_INITIALIZER(&old_lines);
    struct sset new_lines = SSET_INITIALIZER(&new_lines);
    lines_to_sset(before, &old_lines);
    lines_to_sset(after, &new_lines);

    const char *old_flood = "table=40, priority=100, "
        "cookie=0x5700010003000000, metadata=0x3 "
        "actions=output:1,output:2";
    const char *new_flood = "table=40, priority=100, "
        "cookie=0x5700010003000000, metadata=0x3 actions=output:1";

    size_t n_removed = 0;
    const char *line;
    SSET_FOR_EACH (line, &old_lines) {
        if (!sset_contains(&new_lines, line)) {
            if (line_cookie(line) == a2_cookie) {
                n_removed++;
            } else {
                assert_string_equal(line, old_flood);
            }
        }
    }
    assert_int_equal(n_removed, n_a2);

    size_t n_added = 0;
    SSET_FOR_EACH (line, &new_lines) {
        if (!sset_contains(&old_lines, line)) {
            assert_string_equal(line, new_flood);
            n_added++;
        }
    }
    assert_int_equal(n_added, 1);
    assert_int_equal(sset_count(&old_lines), sset_count(&new_lines) + n_a2);

    sset_destroy(&old_lines);
    sset_destroy(&new_lines);
    free(before);
    free(after);
}

/* (9) Each flow carries the cookie of the object it exists for, worked out
 * here from what the flow matches rather than from the cookie itself. */
static void
check_cookies(const struct fixture *f, const struct topo_host *host)
{
    size_t n_port_flows = 0;
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &f->flows.flows) {
        uint64_t cookie = flow->cookie;
        assert_int_equal(cookie >> 56, WEFT_COOKIE_MAGIC);

        if (flow->priority == WEFT_PRIO_DEFAULT) {
            assert_string_equal(flow_match_s(flow), "");
            assert_true(cookie == weft_cookie(0, 0, 0));
            continue;
        }
        if (cookie == weft_cookie(0, 0, 0)) {
            /* The HOST's IPv6 rows, of no port. */
            assert_non_null(strstr(flow_match_s(flow), "icmp6"));
            assert_null(strstr(flow_match_s(flow), "in_port="));
            assert_null(strstr(flow_match_s(flow), "metadata="));
            continue;
        }

        long long net_key = match_int(flow_match_s(flow), "metadata=0x", 16);
        const struct topo_port *owner = NULL;
        char value[32];
        if (flow->table_id == WEFT_TABLE_FLOOD) {
            const struct topo_network *net = find_network_by_key(f, net_key);
            assert_non_null(net);
            assert_int_equal(cookie & 0xffffff, 0);
            assert_int_equal((cookie >> 24) & 0xffff, net->key);
            assert_int_equal((cookie >> 40) & 0xffff, net->tenant->key);
            continue;
        } else if (strstr(flow_match_s(flow), "in_port=")) {
            owner = find_port_by_ofport(
                f, host, match_int(flow_match_s(flow), "in_port=", 10));
        } else if (match_str(flow_match_s(flow), "arp_tpa=", value,
                             sizeof value)) {
            ovs_be32 ip;
            assert_true(ip_parse(value, &ip));
            const struct topo_port *port;
            TOPOLOGY_FOR_EACH_PORT (port, &f->topo) {
                for (size_t i = 0; i < port->n_ips; i++) {
                    if (port->network->key == net_key && port->ips[i] == ip) {
                        owner = port;
                    }
                }
            }
        } else if (match_str(flow_match_s(flow), "nd_target=", value,
                             sizeof value)) {
            struct in6_addr ip6, lla;
            assert_true(ipv6_parse(value, &ip6));
            const struct topo_port *port;
            TOPOLOGY_FOR_EACH_PORT (port, &f->topo) {
                in6_generate_lla(port->mac, &lla);
                if (port->network->key == net_key
                    && ipv6_addr_equals(&lla, &ip6)) {
                    owner = port;
                }
            }
        } else if (match_str(flow_match_s(flow), "dl_dst=", value,
                             sizeof value)) {
            struct eth_addr mac;
            assert_true(eth_addr_from_string(value, &mac));
            const struct topo_port *port;
            TOPOLOGY_FOR_EACH_PORT (port, &f->topo) {
                if (port->network->key == net_key
                    && eth_addr_equals(port->mac, mac)) {
                    owner = port;
                }
            }
        }
        if (!owner) {
            fail_msg("no owner for table=%d priority=%d %s",
                     flow->table_id, flow->priority, flow_match_s(flow));
        }
        assert_int_equal(cookie & 0xffffff, owner->key);
        assert_int_equal((cookie >> 24) & 0xffff, owner->network->key);
        assert_int_equal((cookie >> 40) & 0xffff,
                         owner->network->tenant->key);
        n_port_flows++;
    }
    assert_true(n_port_flows > 0);
}

static void
test_cookies(void **state)
{
    struct fixture *f = *state;
    build_mixed(f);
    compile(f, f->hv1);
    check_cookies(f, f->hv1);
    compile(f, f->hv2);
    check_cookies(f, f->hv2);
}

/* The ofports of a host's switch may be NULL-mapped or empty: nothing that
 * needs a port number is produced, but the ARP answers are. */
static void
test_no_ofports(void **state)
{
    struct fixture *f = *state;
    build_twins(f, false);
    simap_clear(&f->ofports1);
    compile(f, f->hv1);
    /* 4 ARP answers, 4 NS answers, 8 table-miss flows, 6 HOST IPv6. */
    assert_int_equal(weft_flows_count(&f->flows), 22);
    check_parses(f);

    compile_host_flows(&f->topo, f->hv1, NULL, &f->flows);
    assert_int_equal(weft_flows_count(&f->flows), 22);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_names),
        cmocka_unit_test_setup_teardown(test_flows_add_duplicate,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_golden_twins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_isolation_twins,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_isolation_mixed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_without_ofport,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_without_ips,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_network_not_on_host,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_remote_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flows_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_ofports, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    flow_text_free();
    return rc;
}
