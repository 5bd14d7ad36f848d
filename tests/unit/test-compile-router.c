/* test-compile-router: unit tests of distributed routing in the flow
 * compiler (ofproto/compile-router.c, pipeline.h's L3 stages).
 *
 * A sibling of test-compiler.c (which is past 800 lines): the topology is
 * built in C with topology_add_router() and friends, one host's flows are
 * compiled and checked as text (OVS's formatter): a golden text for a host
 * that routes between two networks and has another tenant's twin network,
 * then which hosts serve which networks and routers (pipeline.h), the
 * tunnels and remote ingress that serving brings, route priorities, and
 * that a router only ever sends into its own networks.  Every flow is also
 * fed to OVS's flow parser, so the text is installable. */
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
    struct topo_network *net1, *net2, *net3, *netb;
    struct topo_router *r1, *rb;
};

static struct uuid
next_uuid(struct fixture *f)
{
    return compile_fixture_uuid(&f->c);
}

static struct topo_network *
add_net(struct fixture *f, const struct topo_tenant *t, const char *name,
        uint32_t key, const char *cidr, const char *gw)
{
    struct uuid uuid = next_uuid(f);
    struct topo_network *net = topology_add_network(
        &f->c.topo, &uuid, t, name, TOPO_NET_VXLAN, 100 + key, 0, key);
    struct topo_subnet subnet;
    unsigned int plen;
    assert_null(ip_parse_cidr(cidr, &subnet.prefix, &plen));
    subnet.plen = plen;
    assert_true(ip_parse(gw, &subnet.gateway));
    bool changed;
    assert_true(topology_set_network_subnet(&f->c.topo, net, &subnet,
                                            &changed));
    assert_true(changed);
    return net;
}

static struct topo_port *
add_port(struct fixture *f, const struct topo_network *net, int h,
         const char *name, const char *mac_s, const char *ip_s, uint32_t key,
         int ofport)
{
    struct eth_addr mac;
    ovs_be32 ip;
    assert_true(eth_addr_from_string(mac_s, &mac));
    assert_true(ip_parse(ip_s, &ip));
    char iface[16];
    snprintf(iface, sizeof iface, "tap%s", name);
    simap_put(&f->c.ofports[h], iface, ofport);
    struct uuid uuid = next_uuid(f);
    return topology_add_port(&f->c.topo, &uuid, net, f->c.hv[h], name, iface,
                             mac, &ip, 1, key);
}

static void
attach(struct fixture *f, struct topo_router *r,
       struct topo_network **nets, const char **macs_s, size_t n)
{
    struct eth_addr macs[4];
    for (size_t i = 0; i < n; i++) {
        assert_true(eth_addr_from_string(macs_s[i], &macs[i]));
    }
    assert_true(topology_set_router_networks(
                    &f->c.topo, r, (const struct topo_network *const *) nets,
                    macs, n));
}

/* Tenant acme: net1 10.1.0.0/24 (a1 on hv1), net2 10.2.0.0/24 (a2 on hv2),
 * router r1 joining both with a route 10.9.0.0/16 via a2; net3 10.3.0.0/24
 * (a3 on hv3) without router.  Tenant bolt: netb, the same subnet as net1,
 * with b1 on hv1 at a1's very address, and its own router rb. */
static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    compile_fixture_init(&f->c, 3, NULL, 0x57, 0x57, 0x57);

    struct uuid uuid = next_uuid(f);
    struct topo_tenant *acme = topology_add_tenant(&f->c.topo, &uuid, "acme",
                                                   1);
    uuid = next_uuid(f);
    struct topo_tenant *bolt = topology_add_tenant(&f->c.topo, &uuid, "bolt",
                                                   2);
    f->net1 = add_net(f, acme, "net1", 3, "10.1.0.0/24", "10.1.0.1");
    f->net2 = add_net(f, acme, "net2", 5, "10.2.0.0/24", "10.2.0.1");
    f->net3 = add_net(f, acme, "net3", 6, "10.3.0.0/24", "10.3.0.1");
    f->netb = add_net(f, bolt, "netb", 4, "10.1.0.0/24", "10.1.0.1");

    add_port(f, f->net1, 0, "a1", "02:00:00:00:00:01", "10.1.0.5", 1, 1);
    add_port(f, f->net2, 1, "a2", "02:00:00:00:00:02", "10.2.0.5", 2, 1);
    add_port(f, f->net3, 2, "a3", "02:00:00:00:00:03", "10.3.0.5", 3, 1);
    add_port(f, f->netb, 0, "b1", "02:00:00:00:00:01", "10.1.0.5", 4, 2);

    uuid = next_uuid(f);
    f->r1 = topology_add_router(&f->c.topo, &uuid, acme, "r1", 7);
    struct topo_network *nets[] = { f->net1, f->net2 };
    const char *macs[] = { "02:57:00:07:00:03", "02:57:00:07:00:05" };
    attach(f, f->r1, nets, macs, 2);
    struct topo_route route = { .plen = 16 };
    assert_true(ip_parse("10.9.0.0", &route.prefix));
    assert_true(ip_parse("10.2.0.5", &route.nexthop));
    assert_true(topology_set_router_routes(&f->c.topo, f->r1, &route, 1));

    uuid = next_uuid(f);
    f->rb = topology_add_router(&f->c.topo, &uuid, bolt, "rb", 8);
    struct topo_network *netsb[] = { f->netb };
    const char *macsb[] = { "02:57:00:08:00:04" };
    attach(f, f->rb, netsb, macsb, 1);

    *state = f;
    return 0;
}

/* The lines of 'f->c.flows' in tables 'min'..'max'. */
static char *
format_tables(const struct fixture *f, int min, int max)
{
    struct ds all = DS_EMPTY_INITIALIZER, out = DS_EMPTY_INITIALIZER;
    weft_flows_format(&f->c.flows, &all);
    char *save = NULL;
    for (char *line = strtok_r(ds_cstr(&all), "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        int table = atoi(line + strlen("table="));
        if (table >= min && table <= max) {
            ds_put_format(&out, "%s\n", line);
        }
    }
    ds_destroy(&all);
    return ds_steal_cstr(&out);
}

/* hv1's tables ARP_RESPOND to L2_LOOKUP: r1's gateway ARP, echo, admit and
 * routes on net1 (key 3) and net2 (key 5, no port on hv1: served), bolt's
 * rb on netb (key 4, the same subnet and addresses as net1), and the
 * neighbor entries of a1, a2 (on hv2) and b1.  a2's L2_LOOKUP entry sends a
 * frame routed into net2 through the tunnel to hv2 with net2's key. */
static const char golden_hv1_l3[] =
"table=20, priority=130, cookie=0x5700000000000000, icmp6,reg10=0x4/0x4,icmp_type=136,icmp_code=0 actions=move:NXM_OF_ETH_SRC[]->NXM_NX_ND_TLL[],IN_PORT\n"
"table=20, priority=120, cookie=0x5700000000000000, icmp6,icmp_type=135,icmp_code=0,nd_sll=00:00:00:00:00:00 actions=goto_table:22\n"
"table=20, priority=120, cookie=0x5700000000000000, icmp6,ipv6_src=::,icmp_type=135 actions=goto_table:22\n"
"table=20, priority=110, cookie=0x5700010003000001, arp,metadata=0x3,in_port=1,arp_tpa=10.1.0.5,arp_op=1 actions=goto_table:30\n"
"table=20, priority=110, cookie=0x5700020004000004, arp,metadata=0x4,in_port=2,arp_tpa=10.1.0.5,arp_op=1 actions=goto_table:30\n"
"table=20, priority=100, cookie=0x5700010000000007, arp,metadata=0x3,arp_tpa=10.1.0.1,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:57:00:07:00:03->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:02:57:00:07:00:03->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:10.1.0.1->arp_spa,IN_PORT\n"
"table=20, priority=100, cookie=0x5700010003000001, arp,metadata=0x3,dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa=10.1.0.5,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:01->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:02:00:00:00:00:01->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:10.1.0.5->arp_spa,IN_PORT\n"
"table=20, priority=100, cookie=0x5700020000000008, arp,metadata=0x4,arp_tpa=10.1.0.1,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:57:00:08:00:04->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:02:57:00:08:00:04->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:10.1.0.1->arp_spa,IN_PORT\n"
"table=20, priority=100, cookie=0x5700020004000004, arp,metadata=0x4,dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa=10.1.0.5,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:01->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:02:00:00:00:00:01->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:10.1.0.5->arp_spa,IN_PORT\n"
"table=20, priority=100, cookie=0x5700010000000007, arp,metadata=0x5,arp_tpa=10.2.0.1,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:57:00:07:00:05->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:02:57:00:07:00:05->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:10.2.0.1->arp_spa,IN_PORT\n"
"table=20, priority=100, cookie=0x5700010003000001, icmp6,metadata=0x3,icmp_type=135,icmp_code=0,nd_target=fe80::ff:fe00:1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:01->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fe80::ff:fe00:1->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,set_field:255->nw_ttl,set_field:0x4/0x4->reg10,resubmit(,20)\n"
"table=20, priority=100, cookie=0x5700020004000004, icmp6,metadata=0x4,icmp_type=135,icmp_code=0,nd_target=fe80::ff:fe00:1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:01->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fe80::ff:fe00:1->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,set_field:255->nw_ttl,set_field:0x4/0x4->reg10,resubmit(,20)\n"
"table=20, priority=0, cookie=0x5700000000000000, actions=goto_table:22\n"
"table=22, priority=120, cookie=0x5700010000000007, icmp,metadata=0x3,dl_dst=02:57:00:07:00:03,nw_dst=10.1.0.1,icmp_type=8 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:57:00:07:00:03->eth_src,move:NXM_OF_IP_SRC[]->NXM_OF_IP_DST[],set_field:10.1.0.1->ip_src,set_field:64->nw_ttl,set_field:0->icmp_type,IN_PORT\n"
"table=22, priority=120, cookie=0x5700020000000008, icmp,metadata=0x4,dl_dst=02:57:00:08:00:04,nw_dst=10.1.0.1,icmp_type=8 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:57:00:08:00:04->eth_src,move:NXM_OF_IP_SRC[]->NXM_OF_IP_DST[],set_field:10.1.0.1->ip_src,set_field:64->nw_ttl,set_field:0->icmp_type,IN_PORT\n"
"table=22, priority=120, cookie=0x5700010000000007, icmp,metadata=0x5,dl_dst=02:57:00:07:00:05,nw_dst=10.2.0.1,icmp_type=8 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:57:00:07:00:05->eth_src,move:NXM_OF_IP_SRC[]->NXM_OF_IP_DST[],set_field:10.2.0.1->ip_src,set_field:64->nw_ttl,set_field:0->icmp_type,IN_PORT\n"
"table=22, priority=110, cookie=0x5700010000000007, ip,metadata=0x3,dl_dst=02:57:00:07:00:03,nw_ttl=0 actions=drop\n"
"table=22, priority=110, cookie=0x5700010000000007, ip,metadata=0x3,dl_dst=02:57:00:07:00:03,nw_ttl=1 actions=drop\n"
"table=22, priority=110, cookie=0x5700020000000008, ip,metadata=0x4,dl_dst=02:57:00:08:00:04,nw_ttl=0 actions=drop\n"
"table=22, priority=110, cookie=0x5700020000000008, ip,metadata=0x4,dl_dst=02:57:00:08:00:04,nw_ttl=1 actions=drop\n"
"table=22, priority=110, cookie=0x5700010000000007, ip,metadata=0x5,dl_dst=02:57:00:07:00:05,nw_ttl=0 actions=drop\n"
"table=22, priority=110, cookie=0x5700010000000007, ip,metadata=0x5,dl_dst=02:57:00:07:00:05,nw_ttl=1 actions=drop\n"
"table=22, priority=100, cookie=0x5700010000000007, ip,metadata=0x3,dl_dst=02:57:00:07:00:03 actions=set_field:0x7->reg11,dec_ttl,goto_table:24\n"
"table=22, priority=100, cookie=0x5700020000000008, ip,metadata=0x4,dl_dst=02:57:00:08:00:04 actions=set_field:0x8->reg11,dec_ttl,goto_table:24\n"
"table=22, priority=100, cookie=0x5700010000000007, ip,metadata=0x5,dl_dst=02:57:00:07:00:05 actions=set_field:0x7->reg11,dec_ttl,goto_table:24\n"
"table=22, priority=90, cookie=0x5700010000000007, metadata=0x3,dl_dst=02:57:00:07:00:03 actions=drop\n"
"table=22, priority=90, cookie=0x5700020000000008, metadata=0x4,dl_dst=02:57:00:08:00:04 actions=drop\n"
"table=22, priority=90, cookie=0x5700010000000007, metadata=0x5,dl_dst=02:57:00:07:00:05 actions=drop\n"
"table=22, priority=0, cookie=0x5700000000000000, actions=goto_table:30\n"
"table=24, priority=149, cookie=0x5700010000000007, ip,reg11=0x7,nw_dst=10.1.0.0/24 actions=set_field:0x3->metadata,move:NXM_OF_IP_DST[]->NXM_NX_REG12[],set_field:02:57:00:07:00:03->eth_src,goto_table:26\n"
"table=24, priority=149, cookie=0x5700010000000007, ip,reg11=0x7,nw_dst=10.2.0.0/24 actions=set_field:0x5->metadata,move:NXM_OF_IP_DST[]->NXM_NX_REG12[],set_field:02:57:00:07:00:05->eth_src,goto_table:26\n"
"table=24, priority=149, cookie=0x5700020000000008, ip,reg11=0x8,nw_dst=10.1.0.0/24 actions=set_field:0x4->metadata,move:NXM_OF_IP_DST[]->NXM_NX_REG12[],set_field:02:57:00:08:00:04->eth_src,goto_table:26\n"
"table=24, priority=132, cookie=0x5700010000000007, ip,reg11=0x7,nw_dst=10.9.0.0/16 actions=set_field:0x5->metadata,set_field:0xa020005->reg12,set_field:02:57:00:07:00:05->eth_src,goto_table:26\n"
"table=24, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=26, priority=100, cookie=0x5700010003000001, reg12=0xa010005,metadata=0x3 actions=set_field:02:00:00:00:00:01->eth_dst,goto_table:30\n"
"table=26, priority=100, cookie=0x5700020004000004, reg12=0xa010005,metadata=0x4 actions=set_field:02:00:00:00:00:01->eth_dst,goto_table:30\n"
"table=26, priority=100, cookie=0x5700010005000002, reg12=0xa020005,metadata=0x5 actions=set_field:02:00:00:00:00:02->eth_dst,goto_table:30\n"
"table=26, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=30, priority=100, cookie=0x5700010003000001, metadata=0x3,dl_dst=02:00:00:00:00:01 actions=output:1\n"
"table=30, priority=100, cookie=0x5700020004000004, metadata=0x4,dl_dst=02:00:00:00:00:01 actions=output:2\n"
"table=30, priority=100, cookie=0x5700010005000002, reg10=0/0x1,metadata=0x5,dl_dst=02:00:00:00:00:02 actions=set_field:0x69->tun_id,output:12\n"
"table=30, priority=0, cookie=0x5700000000000000, actions=goto_table:40\n";

/* (1) hv1 routes for r1 (a1's net1 to net2, whose a2 is on hv2) and for
 * bolt's rb, at the same addresses, apart. */
static void
test_golden_hv1(void **state)
{
    struct fixture *f = *state;
    compile_fixture_run(&f->c, 0);
    compile_fixture_check_parses(&f->c);
    char *text = format_tables(f, 20, 30);
    if (strcmp(text, golden_hv1_l3)) {
        fprintf(stderr, "got:\n%s", text);
    }
    assert_string_equal(text, golden_hv1_l3);
    free(text);
}

static bool
has_line(const struct fixture *f, const char *needle)
{
    struct ds all = DS_EMPTY_INITIALIZER;
    weft_flows_format(&f->c.flows, &all);
    bool found = strstr(ds_cstr(&all), needle) != NULL;
    ds_destroy(&all);
    return found;
}

/* The number of flows whose cookie is a router's (network key 0, low field
 * nonzero: pipeline.h). */
static size_t
n_router_flows(const struct fixture *f)
{
    size_t n = 0;
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &f->c.flows.flows) {
        n += !((flow->cookie >> 24) & 0xffff) && (flow->cookie & 0xffffff);
    }
    return n;
}

/* (2) Who serves what: hv1 and hv2 serve r1 (a port in one of its networks
 * each) and both its networks; hv3 (net3 only) serves neither, and gets no
 * router flow and no L3 entry. */
static void
test_serves(void **state)
{
    struct fixture *f = *state;
    assert_true(compile_host_serves_router(f->c.hv[0], f->r1));
    assert_true(compile_host_serves_router(f->c.hv[1], f->r1));
    assert_false(compile_host_serves_router(f->c.hv[2], f->r1));
    assert_true(compile_host_serves_network(f->c.hv[0], f->net2));
    assert_true(compile_host_serves_network(f->c.hv[1], f->net1));
    assert_false(compile_host_serves_network(f->c.hv[2], f->net1));
    assert_false(compile_host_serves_network(f->c.hv[1], f->netb));
    assert_false(compile_host_serves_router(f->c.hv[1], f->rb));

    /* r1: per network 1 gateway ARP + 1 gateway echo + 4 admit + 1
     * connected route; one static route.  rb: 7. */
    compile_fixture_run(&f->c, 0);
    assert_int_equal(n_router_flows(f), 15 + 7);
    compile_fixture_run(&f->c, 1);
    assert_int_equal(n_router_flows(f), 15);
    compile_fixture_run(&f->c, 2);
    assert_int_equal(n_router_flows(f), 0);
    char *l3 = format_tables(f, 21, 29);
    assert_string_equal(l3,
        "table=22, priority=0, cookie=0x5700000000000000, "
        "actions=goto_table:30\n"
        "table=24, priority=0, cookie=0x5700000000000000, actions=drop\n"
        "table=26, priority=0, cookie=0x5700000000000000, actions=drop\n");
    free(l3);
}

/* (3) Serving brings tunnels and ingress: hv1 has no port in net2 but
 * sends routed frames to hv2 in it, so each has a tunnel to the other and
 * hv2 accepts net2's key (0x69) from hv1; hv3 none. */
static void
test_tunnels_and_ingress(void **state)
{
    struct fixture *f = *state;
    const char *want[] = { "vx-hv2", "vx-hv1", NULL };
    for (int h = 0; h < 3; h++) {
        struct weft_tunnel *tunnels;
        size_t n = compile_host_tunnels(&f->c.topo, f->c.hv[h], &tunnels);
        if (want[h]) {
            assert_int_equal(n, 1);
            assert_string_equal(tunnels[0].name, want[h]);
        } else {
            assert_int_equal(n, 0);
        }
        free(tunnels);
    }

    compile_fixture_run(&f->c, 1);
    compile_fixture_check_parses(&f->c);
    assert_true(has_line(f, "table=0, priority=100, cookie=0x5700010005000000, "
                         "tun_id=0x69,in_port=11 actions=set_field:0x5->"
                         "metadata,set_field:0x1/0x1->reg10,goto_table:30"));
    /* And the reply's way back: a1's entries, through the tunnel to hv1. */
    assert_true(has_line(f, "reg12=0xa010005,metadata=0x3 actions="
                         "set_field:02:00:00:00:00:01->eth_dst"));
    assert_true(has_line(f, "reg10=0/0x1,metadata=0x3,dl_dst=02:00:00:00:00:01"
                         " actions=set_field:0x67->tun_id,output:11"));
    /* No ARP answers for a network without a port here. */
    assert_false(has_line(f, "arp,metadata=0x3,dl_dst=ff:ff:ff:ff:ff:ff,"
                          "arp_tpa=10.1.0.5"));

    /* Without the router, hv1 and hv2 share nothing. */
    assert_true(topology_set_router_networks(&f->c.topo, f->r1, NULL, NULL,
                                             0));
    for (int h = 0; h < 2; h++) {
        struct weft_tunnel *tunnels;
        assert_int_equal(compile_host_tunnels(&f->c.topo, f->c.hv[h],
                                              &tunnels), 0);
        free(tunnels);
    }
    compile_fixture_run(&f->c, 1);
    assert_false(has_line(f, "tun_id=0x69,in_port=11"));
    assert_false(has_line(f, "metadata=0x3"));
    assert_false(has_line(f, "table=26, priority=100"));
}

/* (4) Longest prefix first, a connected subnet before a static route of the
 * same length; a static route whose next hop no attached subnet holds (a
 * row validation would refuse) gets no flow. */
static void
test_route_priorities(void **state)
{
    struct fixture *f = *state;
    struct topo_route routes[4];
    const char *spec[][3] = {
        { "10.9.0.0", "16", "10.2.0.5" },
        { "10.2.0.0", "24", "10.1.0.5" },
        { "10.9.9.9", "32", "10.1.0.5" },
        { "0.0.0.0", "0", "10.7.0.1" },
    };
    for (size_t i = 0; i < 4; i++) {
        assert_true(ip_parse(spec[i][0], &routes[i].prefix));
        routes[i].plen = atoi(spec[i][1]);
        assert_true(ip_parse(spec[i][2], &routes[i].nexthop));
    }
    assert_true(topology_set_router_routes(&f->c.topo, f->r1, routes, 4));
    compile_fixture_run(&f->c, 0);
    compile_fixture_check_parses(&f->c);
    assert_true(has_line(f, "table=24, priority=164, cookie=0x5700010000000007"
                         ", ip,reg11=0x7,nw_dst=10.9.9.9 actions=set_field:"
                         "0x3->metadata,set_field:0xa010005->reg12,"));
    assert_true(has_line(f, "table=24, priority=149, cookie=0x5700010000000007"
                         ", ip,reg11=0x7,nw_dst=10.2.0.0/24 actions=set_field:"
                         "0x5->metadata,move:NXM_OF_IP_DST[]->NXM_NX_REG12[]"));
    assert_true(has_line(f, "table=24, priority=148, cookie=0x5700010000000007"
                         ", ip,reg11=0x7,nw_dst=10.2.0.0/24 actions=set_field:"
                         "0x3->metadata,set_field:0xa010005->reg12,"));
    assert_true(has_line(f, "table=24, priority=132, "));
    assert_false(has_line(f, "0xa070001"));
    assert_false(has_line(f, "table=24, priority=100, "));
}

/* (5) Isolation: every route of a router sends into one of its own
 * networks (metadata), under its own key, with its tenant's cookie; the
 * neighbor entries of a network are its own ports'. */
static void
test_router_isolation(void **state)
{
    struct fixture *f = *state;
    for (int h = 0; h < 3; h++) {
        compile_fixture_run(&f->c, h);
        const struct weft_flow *flow;
        HMAP_FOR_EACH (flow, node, &f->c.flows.flows) {
            const char *m = flow_match_s(flow);
            const char *a = flow_actions_s(flow);
            if (flow->table_id == WEFT_TABLE_L3_ROUTE && flow->priority) {
                bool r1 = strstr(m, "reg11=0x7") != NULL;
                assert_true(r1 || strstr(m, "reg11=0x8"));
                assert_int_equal(flow->cookie,
                                 r1 ? weft_cookie_router(1, 7)
                                    : weft_cookie_router(2, 8));
                if (r1) {
                    assert_true(strstr(a, "set_field:0x3->metadata")
                                || strstr(a, "set_field:0x5->metadata"));
                } else {
                    assert_non_null(strstr(a, "set_field:0x4->metadata"));
                }
            } else if (flow->table_id == WEFT_TABLE_L3_NEIGHBOR
                       && flow->priority) {
                const struct topo_port *port;
                bool found = false;
                TOPOLOGY_FOR_EACH_PORT (port, &f->c.topo) {
                    if (flow->cookie == weft_cookie(
                            port->network->tenant->key, port->network->key,
                            port->key)) {
                        char md[32];
                        snprintf(md, sizeof md, "metadata=%#"PRIx32,
                                 port->network->key);
                        assert_non_null(strstr(m, md));
                        found = true;
                    }
                }
                assert_true(found);
            }
        }
    }
}

/* (6) The router is an owner: compile_host_owners() lists it on the hosts
 * that serve it, with the served network's ports, and the union of
 * compile_owner_flows() over them is compile_host_flows(). */
static void
test_router_owner(void **state)
{
    struct fixture *f = *state;
    for (int h = 0; h < 3; h++) {
        size_t n_routers = compile_fixture_check_owners(&f->c, h,
                                                        WEFT_OWNER_ROUTER);
        assert_int_equal(n_routers, h == 0 ? 2 : h == 1 ? 1 : 0);
    }
    /* A router owner on a host that does not serve it: no flows. */
    struct weft_owner r1 = { WEFT_OWNER_ROUTER, f->r1->uuid };
    weft_flows_clear(&f->c.flows);
    compile_owner_flows(&f->c.topo, f->c.hv[2], &f->c.ofports[2], &r1,
                        &f->c.flows);
    assert_int_equal(weft_flows_count(&f->c.flows), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        COMPILE_TEST(test_golden_hv1),
        COMPILE_TEST(test_serves),
        COMPILE_TEST(test_tunnels_and_ingress),
        COMPILE_TEST(test_route_priorities),
        COMPILE_TEST(test_router_isolation),
        COMPILE_TEST(test_router_owner),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    flow_text_free();
    return rc;
}
