/* test-flow-shapes: every flow shape the compiler emits, built natively
 * (compile -> push), equals what a switch reports back.
 *
 * The compiler builds flows as OVS's minimatch + ofpacts (compiler.h) and
 * flow-table.c compares them with the flows a switch reports without any
 * normalization at run time.  That is only right if a native flow survives
 * the trip through the switch unchanged, which this test shows for each
 * shape and each OpenFlow version weftd may speak (1.3, 1.4, 1.5): the flow
 * is encoded as a flow_mod, decoded as ovs-vswitchd decodes it, encoded in
 * a flow stats reply and decoded as weftd decodes it; at both steps its
 * match must be minimatch_equal() and its actions ofpacts_equal() to the
 * native flow (after weft_ofpacts_canonicalize(), as
 * flow_table_add_stats() does).  It also equals the flow that OVS's text
 * parser makes of its formatted text, so that "weftctl flows" shows what
 * "ovs-ofctl add-flow" would install.  A mutant flow (a field set without
 * its prerequisite, a value outside its mask) must fail the same check, so
 * the check can fail. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "byte-order.h"
#include "compiler.h"
#include "flow-table.h"
#include "flow-text.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "pipeline.h"
#include "simap.h"
#include "topology.h"
#include "util.h"

static const int versions[] = { OFP13_VERSION, OFP14_VERSION, OFP15_VERSION };

/* ------------------------------------------------------------------------ */
/* A topology that makes every shape on host h1. */

struct fx {
    struct topology topo;
    struct topo_host *h1, *h2;
    struct simap ofports;           /* h1's. */
    struct weft_flows flows;        /* h1's compiled flows. */
    int n_uuids;
};

static struct uuid
next_uuid(struct fx *fx)
{
    struct uuid u = { .parts = { ++fx->n_uuids, 0x5e, 0, 0x57 } };
    return u;
}

static void
add_port(struct fx *fx, const struct topo_network *net,
         struct topo_host *host, int n, int n_ips, int ofport)
{
    char name[16], iface[16];
    snprintf(name, sizeof name, "p%d", n);
    snprintf(iface, sizeof iface, "if%d", n);
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
    mac.ea[5] = n;
    ovs_be32 ips[2] = { htonl(0x0a000000 | n), htonl(0x0a010000 | n) };
    if (host == fx->h1 && ofport) {
        simap_put(&fx->ofports, iface, ofport);
    }
    struct uuid u = next_uuid(fx);
    topology_add_port(&fx->topo, &u, net, host, name, iface, mac, ips, n_ips,
                      n);
}

/* vx: VXLAN, a port with two IPs and one without on h1, one on h2.  vl: VLAN
 * 101 over the uplinks, one port on each host.  lone: VXLAN, on h1 only a
 * port without ofport, one port on h2 (its from-remote flood drops). */
static void
fx_init(struct fx *fx)
{
    memset(fx, 0, sizeof *fx);
    topology_init(&fx->topo);
    simap_init(&fx->ofports);
    weft_flows_init(&fx->flows);

    struct uuid u = next_uuid(fx);
    fx->h1 = topology_add_host(&fx->topo, &u, "h1", "unix:/run/h1.sock", NULL,
                               "192.0.2.1", "netdev", "up1");
    u = next_uuid(fx);
    fx->h2 = topology_add_host(&fx->topo, &u, "h2", "unix:/run/h2.sock", NULL,
                               "192.0.2.2", "netdev", "up2");
    simap_put(&fx->ofports, "vx-h2", 20);
    simap_put(&fx->ofports, "up1", 40);

    u = next_uuid(fx);
    struct topo_tenant *t = topology_add_tenant(&fx->topo, &u, "red", 1);
    u = next_uuid(fx);
    struct topo_network *vx = topology_add_network(
        &fx->topo, &u, t, "vx", TOPO_NET_VXLAN, 1001, 0, 1);
    u = next_uuid(fx);
    struct topo_network *vl = topology_add_network(
        &fx->topo, &u, t, "vl", TOPO_NET_VLAN, 101, 0, 2);
    u = next_uuid(fx);
    struct topo_network *lone = topology_add_network(
        &fx->topo, &u, t, "lone", TOPO_NET_VXLAN, 1003, 0, 3);

    add_port(fx, vx, fx->h1, 1, 2, 1);
    add_port(fx, vx, fx->h1, 2, 0, 2);
    add_port(fx, vx, fx->h2, 3, 1, 1);
    add_port(fx, vl, fx->h1, 4, 1, 4);
    add_port(fx, vl, fx->h2, 5, 1, 2);
    add_port(fx, lone, fx->h1, 6, 1, 0);
    add_port(fx, lone, fx->h2, 7, 1, 3);

    /* Router r joins vx (10.0.0.0/16) and vl (10.1.0.0/16), with a route
     * 10.9.0.0/16 via p3: the L3 shapes. */
    struct topo_network *routed[] = { vx, vl };
    const char *cidrs[] = { "10.0.0.0/16", "10.1.0.0/16" };
    struct eth_addr macs[] = { ETH_ADDR_C(02, 57, 00, 01, 00, 01),
                               ETH_ADDR_C(02, 57, 00, 01, 00, 02) };
    for (size_t i = 0; i < 2; i++) {
        struct topo_subnet subnet;
        unsigned int plen;
        ovs_assert(!ip_parse_cidr(cidrs[i], &subnet.prefix, &plen));
        subnet.plen = plen;
        subnet.gateway = subnet.prefix | htonl(0xfffe);
        bool changed;
        ovs_assert(topology_set_network_subnet(&fx->topo, routed[i], &subnet,
                                               &changed));
    }
    u = next_uuid(fx);
    struct topo_router *r = topology_add_router(&fx->topo, &u, t, "r", 1);
    ovs_assert(topology_set_router_networks(
                   &fx->topo, r, (const struct topo_network *const *) routed,
                   macs, 2));
    struct topo_route route = { .prefix = htonl(0x0a090000), .plen = 16,
                                .nexthop = htonl(0x0a000003) };
    ovs_assert(topology_set_router_routes(&fx->topo, r, &route, 1));

    /* NAT: h1's external side ext1 (ofport 50), r SNATs, p1 has a floating
     * IP and p4 a mapping: the shapes of tables 50..63. */
    ovs_be32 ext_ip, gw, fip_ip, pool_ip;
    ovs_assert(ip_parse("192.168.100.11", &ext_ip));
    ovs_assert(ip_parse("192.168.100.1", &gw));
    ovs_assert(ip_parse("192.168.100.100", &fip_ip));
    ovs_assert(ip_parse("192.168.100.0", &pool_ip));
    ovs_assert(topology_set_host_external(&fx->topo, fx->h1, "ext1", ext_ip,
                                          24, gw));
    ovs_assert(topology_set_host_gateway_mac(
                   fx->h1, (struct eth_addr) ETH_ADDR_C(52, 54, 0, 0, 1, 1)));
    simap_put(&fx->ofports, "ext1", 50);
    ovs_assert(topology_set_router_snat(r, true));
    u = next_uuid(fx);
    struct topo_pool *pool = topology_add_pool(&fx->topo, &u, "ext", pool_ip,
                                               24);
    u = next_uuid(fx);
    struct topo_fip *fip = topology_add_fip(&fx->topo, &u, t, pool, fip_ip);
    struct topo_port *p1 = NULL, *p4 = NULL, *p;
    TOPOLOGY_FOR_EACH_PORT (p, &fx->topo) {
        if (!strcmp(p->name, "p1")) {
            p1 = p;
        } else if (!strcmp(p->name, "p4")) {
            p4 = p;
        }
    }
    ovs_assert(topology_set_fip_port(&fx->topo, fip, p1));

    /* IPv6: p1 has an own address (besides its link-local one). */
    struct in6_addr ip6;
    ovs_assert(ipv6_parse("fd00::1", &ip6));
    ovs_assert(topology_set_port_ip6s(&fx->topo, p1, &ip6, 1));
    struct topo_mapping map = { IPPROTO_UDP, 5353, 53 };
    ovs_assert(topology_set_port_mappings(&fx->topo, p4, &map, 1));

    /* Services: r's 10.96.0.10:80/tcp over p1 (here) and p3 (on h2), node
     * port 30080: the shapes of tables 70..73 and their L3_ROUTE, L2_LOOKUP
     * and EXT_IN_HOST rows. */
    struct topo_port *p3 = NULL;
    TOPOLOGY_FOR_EACH_PORT (p, &fx->topo) {
        if (!strcmp(p->name, "p3")) {
            p3 = p;
        }
    }
    ovs_be32 vip;
    ovs_assert(ip_parse("10.96.0.10", &vip));
    u = next_uuid(fx);
    struct topo_service *svc = topology_add_service(
        &fx->topo, &u, t, r, "web", 1, vip, 80, IPPROTO_TCP, 30080);
    struct topo_backend backends[] = {
        { p1, 8080, 1, false }, { p3, 8080, 2, false },
    };
    ovs_assert(topology_set_service_backends(&fx->topo, svc, backends, 2));

    /* Security groups: g1 (p4 on vl: ingress tcp/80-81 from 10.0.0.0/16,
     * a conjunction of three; egress any, plain rows) and g2 (p2, no
     * address: egress icmp, two dimensions; its ingress only committed):
     * the shapes of tables 12 and 34 and their PORT_SEC and L2_LOOKUP
     * rows.  p1 stays without policy (its PORT_SEC shapes above). */
    struct topo_port *p2 = NULL;
    TOPOLOGY_FOR_EACH_PORT (p, &fx->topo) {
        if (!strcmp(p->name, "p2")) {
            p2 = p;
        }
    }
    u = next_uuid(fx);
    struct topo_sg *g1 = topology_add_sg(&fx->topo, &u, t, "g1");
    u = next_uuid(fx);
    struct topo_sg *g2 = topology_add_sg(&fx->topo, &u, t, "g2");
    struct topo_sg_rule r1[] = {
        { .id = 1, .key = 1, .direction = TOPO_SG_INGRESS,
          .proto = IPPROTO_TCP, .port_min = 80, .port_max = 81,
          .remote_family = AF_INET, .remote_plen = 16 },
        { .id = 2, .key = 2, .direction = TOPO_SG_EGRESS },
    };
    in6_addr_set_mapped_ipv4(&r1[0].remote_prefix, htonl(0x0a000000));
    ovs_assert(topology_set_sg_rules(&fx->topo, g1, r1, 2));
    struct topo_sg_rule r2 = { .id = 3, .key = 3,
                               .direction = TOPO_SG_EGRESS,
                               .proto = IPPROTO_ICMP };
    ovs_assert(topology_set_sg_rules(&fx->topo, g2, &r2, 1));
    const struct topo_sg *sgs1[] = { g1 }, *sgs2[] = { g2 };
    ovs_assert(topology_set_port_sgs(&fx->topo, p4, sgs1, 1));
    ovs_assert(topology_set_port_sgs(&fx->topo, p2, sgs2, 1));

    compile_host_flows(&fx->topo, fx->h1, &fx->ofports, &fx->flows);

    /* The services' select groups are no flows (tests/unit/test-groups.c
     * checks their round trip); the shapes are the flows'. */
    struct weft_flow *flow;
    size_t n_groups = 0;
    HMAP_FOR_EACH_SAFE (flow, node, &fx->flows.flows) {
        if (weft_flow_is_group(flow)) {
            hmap_remove(&fx->flows.flows, &flow->node);
            weft_flow_unref(flow);
            n_groups++;
        }
    }
    ovs_assert(n_groups == 2);
}

static void
fx_destroy(struct fx *fx)
{
    weft_flows_destroy(&fx->flows);
    simap_destroy(&fx->ofports);
    topology_destroy(&fx->topo);
}

/* ------------------------------------------------------------------------ */
/* Shapes: each flow of h1 is one of these, and each of these occurs. */

struct shape {
    const char *name;
    uint8_t table_id;
    uint16_t priority;
    const char *match_has;      /* Substring of the formatted match... */
    const char *actions_has;    /* ...and of the formatted actions. */
};

static const struct shape shapes[] = {
    { "classify allow", 0, WEFT_PRIO_PORT_ALLOW, "dl_src=", "->metadata" },
    { "classify drop", 0, WEFT_PRIO_SPOOF_DROP, "in_port=", "drop" },
    { "remote ingress overlay", 0, WEFT_PRIO_REMOTE_IN, "tun_id=",
      "set_field:0x1/0x1->reg10" },
    { "remote ingress vlan", 0, WEFT_PRIO_REMOTE_IN, "dl_vlan=",
      "pop_vlan," },
    { "port-sec arp allow", 10, WEFT_PRIO_PORT_ALLOW, "arp_spa=",
      "goto_table:20" },
    { "port-sec arp allow, no IPs", 10, WEFT_PRIO_PORT_ALLOW,
      "arp,in_port=2,arp_sha=", "goto_table:20" },
    { "port-sec ip allow", 10, WEFT_PRIO_PORT_ALLOW, "nw_src=",
      "goto_table:20" },
    { "port-sec ipv6 link-local allow", 10, WEFT_PRIO_PORT_ALLOW,
      ",ipv6_src=fe80::ff:fe00:", "goto_table:20" },
    { "port-sec ipv6 own allow", 10, WEFT_PRIO_PORT_ALLOW,
      "ipv6,in_port=1,ipv6_src=fd00::1", "goto_table:20" },
    { "port-sec dad", 10, WEFT_PRIO_ND_ALLOW, "ipv6_src=::,",
      "goto_table:20" },
    { "port-sec rs/ns", 10, WEFT_PRIO_ND_ALLOW, "ipv6_src=",
      "goto_table:20" },
    { "port-sec own na", 10, WEFT_PRIO_ND_ALLOW, "nd_tll=",
      "goto_table:20" },
    { "port-sec na, no address", 10, WEFT_PRIO_ND_ALLOW,
      "icmp6,in_port=2,icmp_type=136", "goto_table:20" },
    { "port-sec ra/redirect drop", 10, WEFT_PRIO_ND_DROP, "icmp6,icmp_type=",
      "drop" },
    { "port-sec na drop", 10, WEFT_PRIO_NA_DROP, "icmp6,icmp_type=136",
      "drop" },
    { "port-sec ipv6 drop", 10, WEFT_PRIO_PORT_DROP, "ipv6,in_port=",
      "drop" },
    { "ns not answered", 20, WEFT_PRIO_ND_DAD, "icmp_type=135",
      "goto_table:22" },
    { "ns answer", 20, WEFT_PRIO_ND_REPLY, "nd_target=",
      "set_field:2->nd_options_type,set_field:255->nw_ttl,"
      "set_field:0x4/0x4->reg10,resubmit(,20)" },
    { "ns answer tll", 20, WEFT_PRIO_ND_TLL, "reg10=0x4/0x4",
      "move:NXM_OF_ETH_SRC[]->NXM_NX_ND_TLL[],IN_PORT" },
    { "port-sec arp drop", 10, WEFT_PRIO_PORT_DROP, "arp,", "drop" },
    { "port-sec ip drop", 10, WEFT_PRIO_PORT_DROP, "ip,", "drop" },
    { "gateway arp reply", 20, WEFT_PRIO_GW_ARP_REPLY,
      "arp_op=1", "set_field:02:57:00:01:00:0" },  /* Any dl_dst. */
    { "arp reply", 20, WEFT_PRIO_ARP_REPLY, "dl_dst=ff:ff:ff:ff:ff:ff",
      "IN_PORT" },
    { "own arp pass", 20, WEFT_PRIO_ARP_OWN, "in_port=", "goto_table:30" },
    { "l2 remote overlay", 30, WEFT_PRIO_L2_REMOTE, "reg10=0/0x1",
      "->tun_id,output:20" },
    { "l2 remote vlan", 30, WEFT_PRIO_L2_REMOTE, "reg10=0/0x1",
      "push_vlan:0x8100,set_field:4197->vlan_vid,output:40" },
    { "l2 local", 30, WEFT_PRIO_L2_KNOWN, "dl_dst=", "output:" },
    { "flood overlay", 40, WEFT_PRIO_FLOOD, "metadata=0x1",
      "output:1,output:2,set_field:0x3e9->tun_id,output:20" },
    { "flood overlay, no local port", 40, WEFT_PRIO_FLOOD, "metadata=0x3",
      "set_field:0x3eb->tun_id,output:20" },
    { "flood vlan", 40, WEFT_PRIO_FLOOD, "metadata=0x2",
      "output:4,push_vlan:0x8100,set_field:4197->vlan_vid,output:40" },
    { "flood from remote", 40, WEFT_PRIO_FLOOD_REMOTE, "reg10=0x1/0x1",
      "output:" },
    { "flood from remote, no local port", 40, WEFT_PRIO_FLOOD_REMOTE,
      "reg10=0x1/0x1", "drop" },
    { "l3 gateway echo reply", 22, WEFT_PRIO_L3_ECHO, "icmp_type=8",
      "set_field:0->icmp_type,IN_PORT" },
    { "l3 ttl drop", 22, WEFT_PRIO_L3_TTL_DROP, "nw_ttl=", "drop" },
    { "l3 admit", 22, WEFT_PRIO_L3_ADMIT, "ip,",
      "set_field:0x1->reg11,dec_ttl,goto_table:24" },
    { "l3 non-ip drop", 22, WEFT_PRIO_L3_NON_IP_DROP, "dl_dst=", "drop" },
    { "l3 route connected", 24, WEFT_PRIO_L3_ROUTE_BASE + 2 * 16 + 1,
      "reg11=0x1", "move:NXM_OF_IP_DST[]->NXM_NX_REG12[],set_field:" },
    { "l3 route static", 24, WEFT_PRIO_L3_ROUTE_BASE + 2 * 16, "reg11=0x1",
      "set_field:0xa000003->reg12,set_field:02:57:00:01:00:01->eth_src" },
    { "l3 neighbor", 26, WEFT_PRIO_L3_NEIGHBOR, "reg12=",
      "->eth_dst,goto_table:30" },
    { "ext classify", 0, WEFT_PRIO_EXT_IN, "in_port=50", "goto_table:60" },
    { "ext route", 24, WEFT_PRIO_EXT_ROUTE, "reg11=0x1", "goto_table:50" },
    { "ext out", 50, WEFT_PRIO_EXT, "reg11=0x1", "ct(table=51,zone=1,nat)" },
    { "ext snat mark", 51, WEFT_PRIO_EXT_PASS, "ct_mark=", "goto_table:5" },
    { "ext snat", 51, WEFT_PRIO_EXT, "ct_state=+new",
      "ct(commit,table=52,zone=1,nat(src=100.64.0.1),exec(set_field:0x2->" },
    { "ext fip snat", 51, WEFT_PRIO_EXT_FIP, "nw_src=10.0.0.1",
      "nat(src=192.168.100.100),exec(set_field:0x1->ct_mark))" },
    { "ext snat host", 52, WEFT_PRIO_EXT, "ip",
      "ct(commit,table=53,zone=65535,nat(src=192.168.100.11))" },
    { "ext send fip", 53, WEFT_PRIO_EXT_PASS, "nw_src=192.168.100.100",
      "set_field:0a:57:c0:a8:64:64->eth_src,set_field:52:54:00:00:01:01->"
      "eth_dst,output:50" },
    { "ext send", 53, WEFT_PRIO_EXT, "ip",
      "set_field:0a:57:c0:a8:64:0b->eth_src,set_field:52:54:00:00:01:01->"
      "eth_dst,output:50" },
    { "ext arp reply", 60, WEFT_PRIO_EXT, "arp_op=1", "IN_PORT" },
    { "ext gateway arp", 60, WEFT_PRIO_EXT, "arp_op=2", "CONTROLLER:65535" },
    { "ext in fip", 60, WEFT_PRIO_EXT, "nw_dst=192.168.100.100",
      "set_field:0x1->reg11,ct(table=62,zone=1,nat)" },
    { "ext in host", 60, WEFT_PRIO_EXT, "nw_dst=192.168.100.11",
      "ct(table=61,zone=65535,nat)" },
    { "ext in snat reply", 61, WEFT_PRIO_EXT, "nw_dst=100.64.0.1",
      "set_field:0x1->reg11,ct(table=62,zone=1,nat)" },
    { "ext in mapping", 61, WEFT_PRIO_EXT, "udp,tp_dst=5353",
      "ct(commit,table=63,zone=1,nat(dst=10.0.0.4:53),exec(" },
    { "ext in router reply", 62, WEFT_PRIO_EXT, "ct_state=-new",
      "goto_table:63" },
    { "ext in fip dnat", 62, WEFT_PRIO_EXT, "ct_state=+new",
      "nat(dst=10.0.0.1),exec(set_field:0x1->ct_mark))" },
    { "ext deliver", 63, WEFT_PRIO_EXT_DELIVER + 16, "nw_dst=10.",
      "->metadata,move:NXM_OF_IP_DST[]->NXM_NX_REG12[],"
      "set_field:02:57:00:01:00:0" },
    { "ext ttl drop", 63, WEFT_PRIO_EXT_TTL_DROP, "nw_ttl=", "drop" },
    { "lb hairpin reply", 24, WEFT_PRIO_LB_HAIRPIN_REPLY, "tp_src=8080",
      "ct(table=72,zone=16385,nat)" },
    { "lb vip", 24, WEFT_PRIO_LB_VIP, "nw_dst=10.96.0.10,tp_dst=80",
      "ct(table=70,zone=1,nat)" },
    { "lb unnat", 30, WEFT_PRIO_LB_UNNAT, "reg10=0/0x2",
      "set_field:0x2/0x2->reg10,ct(table=30,zone=1,nat)" },
    { "lb select", 70, WEFT_PRIO_LB, "ct_state=+new", "group:1" },
    { "lb established", 70, WEFT_PRIO_LB, "ct_state=-new",
      "goto_table:71" },
    { "lb hairpin", 71, WEFT_PRIO_LB_HAIRPIN, "ct_nw_dst=10.96.0.10",
      "ct(commit,table=72,zone=16385,nat(src=10.96.0.10))" },
    { "lb backend", 71, WEFT_PRIO_LB, "ct_tp_dst=80", "resubmit(,24)" },
    { "lb hairpin unsnat", 72, WEFT_PRIO_LB, "+rpl+trk,ip",
      "ct(table=73,zone=NXM_NX_REG11[0..15],nat)" },
    { "lb node port", 61, WEFT_PRIO_EXT, "tp_dst=30080",
      "set_field:0x1->reg11,group:65537" },
    { "lb out", 73, WEFT_PRIO_DEFAULT, "", "->in_port,resubmit(,24)" },
    { "port-sec ip to acl", 10, WEFT_PRIO_PORT_ALLOW, "_src=",
      "set_field:0x8002->reg13,ct(table=12,zone=32770)" },
    { "port-sec no address to acl", 10, WEFT_PRIO_PORT_DROP, "in_port=2",
      "set_field:0x8001->reg13,ct(table=12,zone=32769)" },
    { "l2 acl ct", 30, WEFT_PRIO_ACL_CT, "dl_dst=02:00:00:00:00:04",
      "set_field:0x8002->reg13,set_field:0x4->reg14,ct(table=34,"
      "zone=32770)" },
    { "l2 acl commit", 30, WEFT_PRIO_ACL_CT, "dl_dst=02:00:00:00:00:02",
      "ct(commit,zone=32769),output:2" },
    { "acl out nd", 12, WEFT_PRIO_ACL_ND, "icmp_type=13", "goto_table:20" },
    { "acl in nd", 34, WEFT_PRIO_ACL_ND, "icmp_type=13",
      "output:NXM_NX_REG14[0..15]" },
    { "acl out invalid", 12, WEFT_PRIO_ACL_INVALID, "+inv", "drop" },
    { "acl in invalid", 34, WEFT_PRIO_ACL_INVALID, "+inv", "drop" },
    { "acl out reply", 12, WEFT_PRIO_ACL_REPLY, "ct_mark=0/0x1",
      "goto_table:20" },
    { "acl in reply", 34, WEFT_PRIO_ACL_REPLY, "ct_mark=0/0x1",
      "output:NXM_NX_REG14[0..15]" },
    { "acl out reply drop", 12, WEFT_PRIO_ACL_REPLY_DROP, "+rpl", "drop" },
    { "acl in reply drop", 34, WEFT_PRIO_ACL_REPLY_DROP, "+rpl", "drop" },
    { "acl conj_id in", 34, WEFT_PRIO_ACL_RULE_TOP - 1, "conj_id=1",
      "set_field:0x8/0x8->reg10,goto_table:35" },
    { "acl member in", 34, WEFT_PRIO_ACL_RULE_TOP - 1, "reg14=0x4",
      "conjunction(1,1/3)" },
    { "acl remote prefix", 34, WEFT_PRIO_ACL_RULE_TOP - 1,
      "ip,nw_src=10.0.0.0/16", "conjunction(1,2/3)" },
    { "acl port range", 34, WEFT_PRIO_ACL_RULE_TOP - 1,
      "tcp,tp_dst=0x50/0xfffe", "conjunction(1,3/3)" },
    { "acl plain rule", 12, WEFT_PRIO_ACL_RULE_TOP - 2, "in_port=4",
      "set_field:0x8/0x8->reg10,goto_table:13" },
    { "acl member out", 12, WEFT_PRIO_ACL_RULE_TOP - 3, "in_port=2",
      "conjunction(3,1/2)" },
    { "acl icmp", 12, WEFT_PRIO_ACL_RULE_TOP - 3, "icmp",
      "conjunction(3,2/2)" },
    { "acl conj_id out", 12, WEFT_PRIO_ACL_RULE_TOP - 3, "conj_id=3",
      "set_field:0x8/0x8->reg10,goto_table:13" },
    { "acl out deny", 12, WEFT_PRIO_ACL_DENY, "in_port=",
      "set_field:0/0x8->reg10,goto_table:13" },
    { "acl in deny", 34, WEFT_PRIO_ACL_DENY, "reg14=0x4",
      "set_field:0/0x8->reg10,goto_table:35" },
    { "acl out allowed", 13, WEFT_PRIO_ACL_ALLOWED, "reg10=0x8/0x8",
      "ct(commit,zone=NXM_NX_REG13[0..15],exec(set_field:0/0x1->ct_mark)),"
      "goto_table:20" },
    { "acl in allowed", 35, WEFT_PRIO_ACL_ALLOWED, "reg10=0x8/0x8",
      "ct(commit,zone=NXM_NX_REG13[0..15],exec(set_field:0/0x1->ct_mark)),"
      "output:NXM_NX_REG14[0..15]" },
    { "acl out block", 13, WEFT_PRIO_ACL_BLOCK, "ct_state=+est+trk",
      "exec(set_field:0x1/0x1->ct_mark))" },
    { "acl in block", 35, WEFT_PRIO_ACL_BLOCK, "ct_state=+est+trk",
      "exec(set_field:0x1/0x1->ct_mark))" },
    { "table-miss resubmit", 71, WEFT_PRIO_DEFAULT, "", "resubmit(,24)" },
    { "table-miss goto", 10, WEFT_PRIO_DEFAULT, "", "goto_table:" },
    { "table-miss drop", 0, WEFT_PRIO_DEFAULT, "", "drop" },
};

/* Returns the index in 'shapes' of the first shape 'flow' has, or -1. */
static int
flow_shape(const struct weft_flow *flow)
{
    const char *match = flow_match_s(flow);
    const char *actions = flow_actions_s(flow);
    for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
        const struct shape *s = &shapes[i];
        bool any_table = s->priority == WEFT_PRIO_DEFAULT;
        if ((any_table || s->table_id == flow->table_id)
            && s->priority == flow->priority
            && strstr(match, s->match_has)
            && strstr(actions, s->actions_has)
            && (!any_table || !match[0])) {
            return i;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------------ */
/* The round trips. */

static bool
same_flow(const char *what, const struct weft_flow *flow,
          const struct minimatch *match, struct ofpact *ofpacts,
          size_t ofpacts_len, struct ds *why)
{
    bool ok = true;
    if (!minimatch_equal(match, &flow->match)) {
        ds_put_format(why, "%s: match differs: ", what);
        minimatch_format(match, NULL, NULL, why, OFP_DEFAULT_PRIORITY);
        ds_put_char(why, '\n');
        ok = false;
    }
    weft_ofpacts_canonicalize(ofpacts, ofpacts_len);
    if (!ofpacts_equal(ofpacts, ofpacts_len, flow->ofpacts,
                       flow->ofpacts_len)) {
        struct ofpact_format_params fp = { .s = why };
        ds_put_format(why, "%s: actions differ: ", what);
        ofpacts_format(ofpacts, ofpacts_len, &fp);
        ds_put_char(why, '\n');
        ds_put_hex_dump(why, ofpacts, ofpacts_len, 0, false);
        ds_put_cstr(why, "native:\n");
        ds_put_hex_dump(why, flow->ofpacts, flow->ofpacts_len, 0, false);
        ok = false;
    }
    return ok;
}

/* Sends 'flow' through a switch speaking 'version': flow_mod encode and
 * decode (what the switch holds), then a flow stats reply encode and decode
 * (what weftd reads back).  Returns true if both equal 'flow', else false
 * with the reasons in 'why'. */
static bool
switch_round_trip(const struct weft_flow *flow, int version, struct ds *why)
{
    enum ofputil_protocol protocol
        = ofputil_protocol_from_ofp_version(version);
    struct ofputil_flow_mod fm = {
        .priority = flow->priority,
        .table_id = flow->table_id,
        .command = OFPFC_ADD,
        .new_cookie = htonll(flow->cookie),
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .ofpacts = flow->ofpacts,
        .ofpacts_len = flow->ofpacts_len,
    };
    fm.match = flow->match;
    struct ofpbuf *msg = ofputil_encode_flow_mod(&fm, protocol);

    struct ofputil_flow_mod fm2;
    struct ofpbuf ofpacts;
    ofpbuf_init(&ofpacts, 0);
    enum ofperr error = ofputil_decode_flow_mod(&fm2, msg->data, protocol,
                                               NULL, NULL, &ofpacts, OFPP_MAX,
                                               255);
    ofpbuf_delete(msg);
    if (error) {
        ds_put_format(why, "flow_mod rejected: %s\n",
                      ofperr_to_string(error));
        ofpbuf_uninit(&ofpacts);
        return false;
    }
    assert_int_equal(fm2.table_id, flow->table_id);
    assert_int_equal(fm2.priority, flow->priority);
    assert_true(ntohll(fm2.new_cookie) == flow->cookie);

    /* The switch reports the actions it decoded, as they are. */
    struct ofpbuf held;
    ofpbuf_init(&held, 0);
    ofpbuf_put(&held, fm2.ofpacts, fm2.ofpacts_len);
    bool ok = same_flow("flow_mod", flow, &fm2.match, ofpacts.data,
                        ofpacts.size, why);

    struct ofputil_flow_stats_request fsr = {
        .table_id = 0xff, .out_port = OFPP_ANY, .out_group = OFPG_ANY,
    };
    match_init_catchall(&fsr.match);
    struct ofpbuf *req = ofputil_encode_flow_stats_request(&fsr, protocol);
    struct ovs_list replies;
    ofpmp_init(&replies, req->data);
    ofpbuf_delete(req);
    struct ofputil_flow_stats fs = {
        .cookie = fm2.new_cookie,
        .table_id = fm2.table_id,
        .priority = fm2.priority,
        .idle_age = -1, .hard_age = -1,
        .ofpacts = held.data,
        .ofpacts_len = held.size,
    };
    minimatch_expand(&fm2.match, &fs.match);
    ofputil_append_flow_stats_reply(&fs, &replies, NULL);
    minimatch_destroy(&fm2.match);

    struct ofpbuf *reply = CONTAINER_OF(ovs_list_pop_front(&replies),
                                        struct ofpbuf, list_node);
    assert_true(ovs_list_is_empty(&replies));
    struct ofpbuf b = ofpbuf_const_initializer(reply->data, reply->size);
    struct ofputil_flow_stats got;
    ofpbuf_clear(&ofpacts);
    assert_int_equal(ofputil_decode_flow_stats_reply(&got, &b, false,
                                                     &ofpacts), 0);
    struct minimatch got_match;
    minimatch_init(&got_match, &got.match);
    ok &= same_flow("flow stats", flow, &got_match, ofpacts.data,
                    ofpacts.size, why);
    minimatch_destroy(&got_match);
    ofpbuf_clear(&ofpacts);
    assert_int_equal(ofputil_decode_flow_stats_reply(&got, &b, false,
                                                     &ofpacts), EOF);

    ofpbuf_delete(reply);
    ofpbuf_uninit(&held);
    ofpbuf_uninit(&ofpacts);
    return ok;
}

/* Parses 'flow''s formatted text as "ovs-ofctl add-flow" would. */
static bool
text_round_trip(const struct weft_flow *flow, struct ds *why)
{
    const char *match = flow_match_s(flow);
    char *text = xasprintf("table=%d,priority=%d,cookie=%#"PRIx64",%s%s"
                           "actions=%s", flow->table_id, flow->priority,
                           flow->cookie, match, match[0] ? "," : "",
                           flow_actions_s(flow));
    struct ofputil_flow_mod fm;
    enum ofputil_protocol usable;
    char *error = parse_ofp_flow_mod_str(&fm, text, NULL, NULL, OFPFC_ADD,
                                         &usable);
    if (error) {
        fail_msg("\"%s\": %s", text, error);
    }
    for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
        assert_true(usable & ofputil_protocol_from_ofp_version(versions[i]));
    }
    bool ok = same_flow("parsed text", flow, &fm.match, fm.ofpacts,
                        fm.ofpacts_len, why);
    minimatch_destroy(&fm.match);
    free(fm.ofpacts);
    free(text);
    return ok;
}

/* ------------------------------------------------------------------------ */
/* Tests. */

/* Every compiled flow has a known shape, and every shape is there. */
static void
test_every_shape_present(void **state OVS_UNUSED)
{
    struct fx fx;
    fx_init(&fx);

    size_t seen[ARRAY_SIZE(shapes)] = { 0 };
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &fx.flows.flows) {
        int i = flow_shape(flow);
        if (i < 0) {
            fail_msg("flow of no known shape: table=%d priority=%d %s "
                     "actions=%s", flow->table_id, flow->priority,
                     flow_match_s(flow), flow_actions_s(flow));
        }
        seen[i]++;
    }
    for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
        if (!seen[i]) {
            fail_msg("no flow of shape \"%s\"", shapes[i].name);
        }
    }
    fx_destroy(&fx);
}

/* Every compiled flow, in every version, is what the switch reports. */
static void
test_switch_reports_native_flows(void **state OVS_UNUSED)
{
    struct fx fx;
    fx_init(&fx);

    size_t n = 0;
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &fx.flows.flows) {
        for (size_t v = 0; v < ARRAY_SIZE(versions); v++) {
            struct ds why = DS_EMPTY_INITIALIZER;
            if (!switch_round_trip(flow, versions[v], &why)) {
                fail_msg("OpenFlow %#x, shape \"%s\", table=%d "
                         "priority=%d %s actions=%s:\n%s", versions[v],
                         shapes[flow_shape(flow)].name, flow->table_id,
                         flow->priority, flow_match_s(flow),
                         flow_actions_s(flow), ds_cstr(&why));
            }
            ds_destroy(&why);
            n++;
        }
    }
    assert_int_equal(n, 3 * weft_flows_count(&fx.flows));
    fx_destroy(&fx);
}

/* Every compiled flow is what OVS's parser makes of its text. */
static void
test_text_parses_to_native_flows(void **state OVS_UNUSED)
{
    struct fx fx;
    fx_init(&fx);

    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &fx.flows.flows) {
        struct ds why = DS_EMPTY_INITIALIZER;
        if (!text_round_trip(flow, &why)) {
            fail_msg("shape \"%s\", table=%d priority=%d %s actions=%s:\n%s",
                     shapes[flow_shape(flow)].name, flow->table_id,
                     flow->priority, flow_match_s(flow),
                     flow_actions_s(flow), ds_cstr(&why));
        }
        ds_destroy(&why);
    }
    fx_destroy(&fx);
}

/* The whole table, the way weftd uses it: flow_table_build() of the native
 * flows against flow_table_add_stats() of what the switch reports, for each
 * version: no difference either way. */
static void
test_flow_table_sees_no_difference(void **state OVS_UNUSED)
{
    struct fx fx;
    fx_init(&fx);

    for (size_t v = 0; v < ARRAY_SIZE(versions); v++) {
        enum ofputil_protocol protocol
            = ofputil_protocol_from_ofp_version(versions[v]);
        struct flow_table desired, reported;
        flow_table_init(&desired);
        flow_table_init(&reported);
        assert_int_equal(flow_table_build(&desired, &fx.flows, NULL,
                                          versions[v]), 0);

        const struct weft_flow *flow;
        HMAP_FOR_EACH (flow, node, &fx.flows.flows) {
            struct ofputil_flow_stats fs = {
                .cookie = htonll(flow->cookie),
                .table_id = flow->table_id,
                .priority = flow->priority,
                .idle_age = -1, .hard_age = -1,
                .ofpacts = flow->ofpacts,
                .ofpacts_len = flow->ofpacts_len,
            };
            minimatch_expand(&flow->match, &fs.match);
            struct ofpbuf *req;
            struct ofputil_flow_stats_request fsr = {
                .table_id = 0xff, .out_port = OFPP_ANY, .out_group = OFPG_ANY,
            };
            match_init_catchall(&fsr.match);
            req = ofputil_encode_flow_stats_request(&fsr, protocol);
            struct ovs_list replies;
            ofpmp_init(&replies, req->data);
            ofpbuf_delete(req);
            ofputil_append_flow_stats_reply(&fs, &replies, NULL);

            struct ofpbuf *reply = CONTAINER_OF(ovs_list_pop_front(&replies),
                                                struct ofpbuf, list_node);
            struct ofpbuf b = ofpbuf_const_initializer(reply->data,
                                                       reply->size);
            struct ofputil_flow_stats got;
            struct ofpbuf ofpacts;
            ofpbuf_init(&ofpacts, 0);
            assert_int_equal(ofputil_decode_flow_stats_reply(&got, &b, false,
                                                             &ofpacts), 0);
            flow_table_add_stats(&reported, &got);
            ofpbuf_uninit(&ofpacts);
            ofpbuf_delete(reply);
        }
        assert_int_equal(flow_table_count(&reported),
                         weft_flows_count(&fx.flows));
        assert_int_equal(flow_table_count_differences(&desired, &reported),
                         0);
        assert_int_equal(flow_table_count_differences(&reported, &desired),
                         0);

        struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
        flow_table_format(&desired, &a);
        flow_table_format(&reported, &b);
        assert_string_equal(ds_cstr(&a), ds_cstr(&b));
        ds_destroy(&a);
        ds_destroy(&b);

        struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
        assert_int_equal(flow_table_sync(&reported, &desired, versions[v], 1,
                                         0, &msgs), 0);
        assert_true(ovs_list_is_empty(&msgs));
        flow_table_destroy(&desired);
        flow_table_destroy(&reported);
    }
    fx_destroy(&fx);
}

/* Adds to 'flows' a copy of 'flow' with 'match' as its match. */
static const struct weft_flow *
add_mutant(struct weft_flows *flows, const struct weft_flow *flow,
           const struct match *match)
{
    assert_true(weft_flows_add(flows, NULL, flow->table_id, flow->priority,
                               flow->cookie, match, flow->ofpacts,
                               flow->ofpacts_len));
    const struct weft_flow *m;
    HMAP_FOR_EACH (m, node, &flows->flows) {
        return m;
    }
    OVS_NOT_REACHED();
}

/* The checks above can fail: flows that a compiler bug could build and
 * that the switch would not report as they are. */
static void
test_mutants_fail(void **state OVS_UNUSED)
{
    struct fx fx;
    fx_init(&fx);

    /* Find a port-sec "ip,nw_src" allow flow and an L2 remote flow. */
    const struct weft_flow *ip_allow = NULL, *l2_remote = NULL, *flow;
    HMAP_FOR_EACH (flow, node, &fx.flows.flows) {
        int i = flow_shape(flow);
        if (i >= 0 && !strcmp(shapes[i].name, "port-sec ip allow")) {
            ip_allow = flow;
        } else if (i >= 0 && !strcmp(shapes[i].name, "l2 remote overlay")) {
            l2_remote = flow;
        }
    }
    assert_non_null(ip_allow);
    assert_non_null(l2_remote);

    /* nw_src without its prerequisite dl_type=0x0800: the encoder leaves
     * it out, so the switch would hold (and report) a wider flow. */
    struct match m;
    minimatch_expand(&ip_allow->match, &m);
    m.flow.dl_type = 0;
    m.wc.masks.dl_type = 0;
    struct weft_flows mutants;
    weft_flows_init(&mutants);
    const struct weft_flow *mutant = add_mutant(&mutants, ip_allow, &m);
    for (size_t v = 0; v < ARRAY_SIZE(versions); v++) {
        struct ds why = DS_EMPTY_INITIALIZER;
        assert_false(switch_round_trip(mutant, versions[v], &why));
        assert_non_null(strstr(ds_cstr(&why), "match differs"));
        ds_destroy(&why);
    }
    weft_flows_clear(&mutants);

    /* The from-remote flag matched with a wrong mask: value bits outside
     * the mask, which a switch rejects. */
    minimatch_expand(&l2_remote->match, &m);
    m.flow.regs[WEFT_MFF_FLAGS_ID - MFF_REG0] = htonl(0x3);
    m.wc.masks.regs[WEFT_MFF_FLAGS_ID - MFF_REG0] = htonl(0x1);
    mutant = add_mutant(&mutants, l2_remote, &m);
    for (size_t v = 0; v < ARRAY_SIZE(versions); v++) {
        struct ds why = DS_EMPTY_INITIALIZER;
        assert_false(switch_round_trip(mutant, versions[v], &why));
        ds_destroy(&why);
    }
    weft_flows_destroy(&mutants);
    fx_destroy(&fx);
}

/* Canonicalization touches only what the compiler's own actions need: a
 * foreign flow read back from the switch is shown as the switch shows it
 * ("load:", "resubmit"; OpenFlow 1.1+ has no strip_vlan, so pop_vlan),
 * not rewritten. */
static void
test_foreign_actions_keep_their_names(void **state OVS_UNUSED)
{
    static const char text[] = "table=0,priority=7,cookie=0x1,ip,"
        "actions=load:0x1->NXM_NX_REG0[],strip_vlan,resubmit(,10)";
    for (size_t v = 0; v < ARRAY_SIZE(versions); v++) {
        enum ofputil_protocol protocol
            = ofputil_protocol_from_ofp_version(versions[v]);
        struct ofputil_flow_mod fm;
        enum ofputil_protocol usable;
        char *error = parse_ofp_flow_mod_str(&fm, text, NULL, NULL, OFPFC_ADD,
                                             &usable);
        assert_null(error);

        struct ofputil_flow_stats_request fsr = {
            .table_id = 0xff, .out_port = OFPP_ANY, .out_group = OFPG_ANY,
        };
        match_init_catchall(&fsr.match);
        struct ofpbuf *req = ofputil_encode_flow_stats_request(&fsr,
                                                               protocol);
        struct ovs_list replies;
        ofpmp_init(&replies, req->data);
        ofpbuf_delete(req);
        struct ofputil_flow_stats fs = {
            .cookie = fm.new_cookie, .table_id = fm.table_id,
            .priority = fm.priority, .idle_age = -1, .hard_age = -1,
            .ofpacts = fm.ofpacts, .ofpacts_len = fm.ofpacts_len,
        };
        minimatch_expand(&fm.match, &fs.match);
        ofputil_append_flow_stats_reply(&fs, &replies, NULL);

        struct ofpbuf *reply = CONTAINER_OF(ovs_list_pop_front(&replies),
                                            struct ofpbuf, list_node);
        struct ofpbuf b = ofpbuf_const_initializer(reply->data, reply->size);
        struct ofputil_flow_stats got;
        struct ofpbuf ofpacts;
        ofpbuf_init(&ofpacts, 0);
        assert_int_equal(ofputil_decode_flow_stats_reply(&got, &b, false,
                                                         &ofpacts), 0);
        /* What the switch reports, formatted as it is... */
        struct ds expected = DS_EMPTY_INITIALIZER;
        struct ofpact_format_params fp = { .s = &expected };
        ds_put_cstr(&expected, "table=0 priority=7 ip cookie=0x1 actions=");
        ofpacts_format(got.ofpacts, got.ofpacts_len, &fp);
        ds_put_char(&expected, '\n');
        if (versions[v] == OFP13_VERSION) {
            assert_string_equal(ds_cstr(&expected),
                                "table=0 priority=7 ip cookie=0x1 "
                                "actions=load:0x1->NXM_NX_REG0[],pop_vlan,"
                                "resubmit(,10)\n");
        }

        /* ...is what flow_table_format() shows. */
        struct flow_table t;
        flow_table_init(&t);
        flow_table_add_stats(&t, &got);
        struct ds s = DS_EMPTY_INITIALIZER;
        flow_table_format(&t, &s);
        assert_string_equal(ds_cstr(&s), ds_cstr(&expected));
        ds_destroy(&s);
        ds_destroy(&expected);
        flow_table_destroy(&t);
        ofpbuf_uninit(&ofpacts);
        ofpbuf_delete(reply);
        minimatch_destroy(&fm.match);
        free(fm.ofpacts);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_shape_present),
        cmocka_unit_test(test_switch_reports_native_flows),
        cmocka_unit_test(test_text_parses_to_native_flows),
        cmocka_unit_test(test_flow_table_sees_no_difference),
        cmocka_unit_test(test_mutants_fail),
        cmocka_unit_test(test_foreign_actions_keep_their_names),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    flow_text_free();
    return rc;
}
