/* test-owner-compile: compiling by owner (compile_owner_flows(),
 * ofproto/compiler.h), the unit of weftd's incremental compile.
 *
 * On pseudo-random topologies (fixed seeds: reproducible), for every host:
 *   - the union of compile_owner_flows() over compile_host_owners() is
 *     exactly compile_host_flows();
 *   - each owner's flows are exactly the subset of compile_host_flows()
 *     that records that owner, and every owner seen there is listed by
 *     compile_host_owners() once;
 *   - an owner with nothing on the host (a port of a network the host is
 *     not in, another host's defaults) compiles to nothing;
 * and the same again after ports are removed one by one, so that the
 * indexes the compiler now walks are checked as they shrink.  Most
 * topologies have up to two routers, each on a random set of networks, so
 * that hosts also serve networks they have no port in (pipeline.h), and
 * NAT: external sides, a SNAT router, floating IPs and mappings, and
 * security groups (random rules and members: the SG owners). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "compiler.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "random.h"
#include "simap.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"

enum { MAX_HOSTS = 5, MAX_NETS = 6, MAX_PORTS = 40 };

static struct uuid
mk_uuid(uint32_t kind, uint32_t index)
{
    return (struct uuid) { .parts = { kind, index, 0x0c, 0x0c } };
}

/* NAT, without drawing random numbers (the draws of build_random() stay
 * as they were): even hosts get an external side (ext0 at ofport 300, the
 * gateway's MAC known on h0 only), router r0 SNATs, every fifth port with
 * an IP a floating IP and every seventh a mapping. */
static void
add_nat(struct topology *topo, const struct topo_tenant *t,
        const struct topo_host *h[], int n_hosts, struct simap ofports[])
{
    for (int i = 0; i < n_hosts; i += 2) {
        struct topo_host *host = CONST_CAST(struct topo_host *, h[i]);
        topology_set_host_external(topo, host, "ext0",
                                   htonl(0xc0a86400 | (11 + i)), 24,
                                   htonl(0xc0a86401));
        if (!i) {
            topology_set_host_gateway_mac(
                host, (struct eth_addr) ETH_ADDR_C(52, 54, 00, 00, 00, 01));
        }
        simap_put(&ofports[i], "ext0", 300);
    }
    struct uuid uuid = mk_uuid(5, 0);
    struct topo_router *r0 = topology_find_router(topo, &uuid);
    if (r0) {
        topology_set_router_snat(r0, true);
    }
    uuid = mk_uuid(6, 0);
    const struct topo_pool *pool = topology_add_pool(topo, &uuid, "ext",
                                                     htonl(0xc0a86400), 24);
    for (int i = 0; i < MAX_PORTS; i++) {
        uuid = mk_uuid(4, i);
        struct topo_port *port = topology_find_port(topo, &uuid);
        if (!port || !port->n_ips) {
            continue;
        }
        if (!(i % 5)) {
            struct uuid fu = mk_uuid(7, i);
            struct topo_fip *fip = topology_add_fip(
                topo, &fu, t, pool, htonl(0xc0a86480 | i));
            topology_set_fip_port(topo, fip, port);
        }
        if (!(i % 7)) {
            struct topo_mapping map = { IPPROTO_TCP, 8000 + i, 80 };
            topology_set_port_mappings(topo, port, &map, 1);
        }
    }
}

/* A random topology; '*ofports' gets, per host, what its switch reports:
 * most ports' interfaces (some not yet), every tunnel, the uplink. */
/* Security groups: up to two, each with up to three random rules
 * (direction, protocol, a port range, a remote prefix or group) and a
 * random set of the ports as members. */
static void
add_sgs(struct topology *topo, const struct topo_tenant *t)
{
    int n_sgs = random_range(3);
    struct topo_sg *sgs[2];
    uint32_t key = 0;
    for (int g = 0; g < n_sgs; g++) {
        struct uuid uuid = mk_uuid(8, g);
        sgs[g] = topology_add_sg(topo, &uuid, t, g ? "g1" : "g0");
    }
    for (int g = 0; g < n_sgs; g++) {
        static const uint8_t protos[] = { 0, IPPROTO_TCP, IPPROTO_UDP,
                                          IPPROTO_ICMP };
        struct topo_sg_rule rules[3];
        int n_rules = random_range(4);
        for (int i = 0; i < n_rules; i++) {
            struct topo_sg_rule *r = &rules[i];
            *r = (struct topo_sg_rule) {
                .uuid = mk_uuid(9, ++key), .id = key, .key = key,
                .direction = random_range(2) ? TOPO_SG_INGRESS
                                             : TOPO_SG_EGRESS,
                .proto = protos[random_range(4)],
            };
            if ((r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP)
                && random_range(2)) {
                r->port_min = 1 + random_range(9000);
                r->port_max = r->port_min + random_range(300);
            }
            switch (random_range(4)) {
            case 1:
                r->remote_family = AF_INET;
                in6_addr_set_mapped_ipv4(&r->remote_prefix,
                                         htonl(0x0a000000));
                r->remote_plen = 8;
                break;
            case 2:
                r->remote_family = AF_INET6;
                ovs_assert(ipv6_parse("fd00::", &r->remote_prefix));
                r->remote_plen = 16;
                break;
            case 3:
                r->remote_group = sgs[random_range(n_sgs)];
                break;
            }
        }
        topology_set_sg_rules(topo, sgs[g], rules, n_rules);
    }
    struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (n_sgs && random_range(3)) {
            const struct topo_sg *mine[] = { sgs[random_range(n_sgs)] };
            topology_set_port_sgs(topo, port, mine, 1);
        }
    }
}

static void
build_random(struct topology *topo, struct simap ofports[MAX_HOSTS],
             int *n_hostsp)
{
    static const enum topo_net_type types[] = {
        TOPO_NET_VXLAN, TOPO_NET_GRE, TOPO_NET_VLAN, TOPO_NET_GENEVE,
    };
    topology_init(topo);
    int n_hosts = 2 + random_range(MAX_HOSTS - 1);
    const struct topo_host *h[MAX_HOSTS];
    for (int i = 0; i < n_hosts; i++) {
        struct uuid uuid = mk_uuid(1, i);
        char name[8], remote[32], tip[16], uplink[8];
        snprintf(name, sizeof name, "h%d", i);
        snprintf(remote, sizeof remote, "unix:/run/%s/db.sock", name);
        snprintf(tip, sizeof tip, "192.0.2.%d", i + 1);
        snprintf(uplink, sizeof uplink, "up%d", i);
        /* Some hosts lack a tunnel IP or an uplink. */
        h[i] = topology_add_host(topo, &uuid, name, remote, NULL,
                                 random_range(5) ? tip : NULL, "netdev",
                                 random_range(4) ? uplink : NULL);
    }
    struct uuid tu = mk_uuid(2, 0);
    const struct topo_tenant *t = topology_add_tenant(topo, &tu, "t", 1);

    int n_nets = 1 + random_range(MAX_NETS);
    const struct topo_network *n[MAX_NETS];
    for (int i = 0; i < n_nets; i++) {
        struct uuid uuid = mk_uuid(3, i);
        char name[8];
        snprintf(name, sizeof name, "n%d", i);
        n[i] = topology_add_network(topo, &uuid, t, name,
                                    types[random_range(ARRAY_SIZE(types))],
                                    100 + i, 0, i + 1);
    }

    for (int i = 0; i < n_hosts; i++) {
        simap_init(&ofports[i]);
    }
    int n_ports = random_range(MAX_PORTS);
    for (int i = 0; i < n_ports; i++) {
        struct uuid uuid = mk_uuid(4, i);
        char name[8], iface[16];
        snprintf(name, sizeof name, "p%d", i);
        snprintf(iface, sizeof iface, "tap%d", i);
        struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
        mac.ea[5] = i + 1;
        ovs_be32 ips[2] = { htonl(0x0a000000 | (i + 1)),
                            htonl(0x0a100000 | (i + 1)) };
        int hi = random_range(n_hosts);
        topology_add_port(topo, &uuid, n[random_range(n_nets)], h[hi],
                          name, iface, mac, ips, random_range(3), i + 1);
        if (random_range(5)) {
            simap_put(&ofports[hi], iface, i + 1);
        }
    }
    /* Subnets 172.16.N.0/24 (gateway .254) and routers on some of them. */
    for (int i = 0; i < n_nets; i++) {
        struct topo_subnet subnet = { .prefix = htonl(0xac100000 | (i << 8)),
                                      .plen = 24,
                                      .gateway = htonl(0xac1000fe
                                                       | (i << 8)) };
        bool changed;
        topology_set_network_subnet(topo, CONST_CAST(struct topo_network *,
                                                     n[i]), &subnet, &changed);
    }
    int n_routers = random_range(3);
    int owner_of[MAX_NETS];
    for (int i = 0; i < n_nets; i++) {
        owner_of[i] = random_range(n_routers + 1) - 1;  /* -1: none. */
    }
    for (int r = 0; r < n_routers; r++) {
        struct uuid uuid = mk_uuid(5, r);
        struct topo_router *router = topology_add_router(topo, &uuid, t,
                                                         r ? "r1" : "r0",
                                                         r + 1);
        const struct topo_network *nets[MAX_NETS];
        struct eth_addr macs[MAX_NETS];
        size_t k = 0;
        for (int i = 0; i < n_nets; i++) {
            if (owner_of[i] == r) {
                macs[k] = (struct eth_addr) ETH_ADDR_C(02, 57, 00, 00, 00, 00);
                macs[k].ea[3] = r + 1;
                macs[k].ea[5] = i + 1;
                nets[k++] = n[i];
            }
        }
        ovs_assert(topology_set_router_networks(topo, router, nets, macs, k));
        if (k) {
            struct topo_route route = {
                .prefix = htonl(0x0a630000), .plen = 16,
                .nexthop = nets[0]->subnet.prefix | htonl(7),
            };
            topology_set_router_routes(topo, router, &route, 1);
        }
    }

    add_nat(topo, t, h, n_hosts, ofports);
    add_sgs(topo, t);

    for (int i = 0; i < n_hosts; i++) {
        struct weft_tunnel *tunnels;
        size_t nt = compile_host_tunnels(topo, h[i], &tunnels);
        for (size_t j = 0; j < nt; j++) {
            simap_put(&ofports[i], tunnels[j].name, 100 + j);
        }
        free(tunnels);
        if (h[i]->uplink) {
            simap_put(&ofports[i], h[i]->uplink, 200);
        }
    }
    *n_hostsp = n_hosts;
}

static char *
format_flows(const struct weft_flows *flows)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    weft_flows_format(flows, &s);
    return ds_steal_cstr(&s);
}

/* The flows of 'all' that record 'owner'. */
static char *
format_subset(const struct weft_flows *all, const struct weft_owner *owner)
{
    struct weft_flows subset;
    weft_flows_init(&subset);
    const struct weft_flow *f;
    HMAP_FOR_EACH (f, node, &all->flows) {
        if (weft_owner_equals(&f->owner, owner)) {
            weft_flows_add_copy(&subset, f);
        }
    }
    char *s = format_flows(&subset);
    weft_flows_destroy(&subset);
    return s;
}

static bool
owner_listed(const struct weft_owner_list *list,
             const struct weft_owner *owner)
{
    for (size_t i = 0; i < list->n; i++) {
        if (weft_owner_equals(&list->owners[i], owner)) {
            return true;
        }
    }
    return false;
}

/* Checks one host: union, per-owner subsets, owner list. */
static void
check_host(const struct topology *topo, const struct topo_host *host,
           const struct simap *ofports)
{
    struct weft_flows full, uni, one;
    weft_flows_init(&full);
    weft_flows_init(&uni);
    weft_flows_init(&one);
    compile_host_flows(topo, host, ofports, &full);

    struct weft_owner_list owners = WEFT_OWNER_LIST_INITIALIZER;
    compile_host_owners(topo, host, &owners);
    for (size_t i = 0; i < owners.n; i++) {
        const struct weft_owner *owner = &owners.owners[i];
        for (size_t j = 0; j < i; j++) {
            assert_false(weft_owner_equals(&owners.owners[j], owner));
        }
        compile_owner_flows(topo, host, ofports, owner, &uni);

        weft_flows_clear(&one);
        compile_owner_flows(topo, host, ofports, owner, &one);
        const struct weft_flow *f;
        HMAP_FOR_EACH (f, node, &one.flows) {
            assert_true(weft_owner_equals(&f->owner, owner));
        }
        char *a = format_flows(&one);
        char *b = format_subset(&full, owner);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }

    const struct weft_flow *f;
    HMAP_FOR_EACH (f, node, &full.flows) {
        assert_true(owner_listed(&owners, &f->owner));
    }
    char *a = format_flows(&full);
    char *b = format_flows(&uni);
    assert_string_equal(a, b);
    free(a);
    free(b);

    /* Owners with nothing here. */
    const struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (!compile_host_serves_network(host, port->network)) {
            struct weft_owner o = { WEFT_OWNER_PORT, port->uuid };
            struct weft_owner no = { WEFT_OWNER_NETWORK,
                                     port->network->uuid };
            weft_flows_clear(&one);
            compile_owner_flows(topo, host, ofports, &o, &one);
            compile_owner_flows(topo, host, ofports, &no, &one);
            assert_int_equal(weft_flows_count(&one), 0);
        }
    }
    const struct topo_router *router;
    TOPOLOGY_FOR_EACH_ROUTER (router, topo) {
        if (!compile_host_serves_router(host, router)) {
            struct weft_owner o = { WEFT_OWNER_ROUTER, router->uuid };
            weft_flows_clear(&one);
            compile_owner_flows(topo, host, ofports, &o, &one);
            assert_int_equal(weft_flows_count(&one), 0);
        }
    }
    const struct topo_host *other;
    TOPOLOGY_FOR_EACH_HOST (other, topo) {
        if (other != host) {
            struct weft_owner o = { WEFT_OWNER_HOST, other->uuid };
            weft_flows_clear(&one);
            compile_owner_flows(topo, host, ofports, &o, &one);
            assert_int_equal(weft_flows_count(&one), 0);
        }
    }

    weft_owner_list_destroy(&owners);
    weft_flows_destroy(&full);
    weft_flows_destroy(&uni);
    weft_flows_destroy(&one);
}

static void
check_all_hosts(const struct topology *topo, const struct simap *ofports)
{
    const struct topo_host *host;
    TOPOLOGY_FOR_EACH_HOST (host, topo) {
        check_host(topo, host, &ofports[host->uuid.parts[1]]);
    }
}

static void
test_owner_union_random(void **state OVS_UNUSED)
{
    for (int seed = 1; seed <= 60; seed++) {
        random_set_seed(seed);
        struct topology topo;
        struct simap ofports[MAX_HOSTS];
        int n_hosts;
        build_random(&topo, ofports, &n_hosts);
        check_all_hosts(&topo, ofports);

        /* Remove ports one by one (some hosts leave networks). */
        for (int i = 0; i < 4 && hmap_count(&topo.ports); i++) {
            struct topo_port *port;
            HMAP_FOR_EACH (port, node, &topo.ports) {
                break;
            }
            topology_remove_port(&topo, port);
            check_all_hosts(&topo, ofports);
        }
        for (int i = 0; i < n_hosts; i++) {
            simap_destroy(&ofports[i]);
        }
        topology_destroy(&topo);
    }
}

/* The union contains something: the random topologies are not all empty
 * (else the test above would prove nothing). */
static void
test_random_not_trivial(void **state OVS_UNUSED)
{
    size_t total = 0, n_remote_l2 = 0, n_routed = 0, n_fip = 0, n_map = 0;
    size_t n_conj = 0;
    for (int seed = 1; seed <= 60; seed++) {
        random_set_seed(seed);
        struct topology topo;
        struct simap ofports[MAX_HOSTS];
        int n_hosts;
        build_random(&topo, ofports, &n_hosts);
        const struct topo_host *host;
        TOPOLOGY_FOR_EACH_HOST (host, &topo) {
            struct weft_flows flows;
            weft_flows_init(&flows);
            compile_host_flows(&topo, host, &ofports[host->uuid.parts[1]],
                               &flows);
            total += weft_flows_count(&flows);
            char *s = format_flows(&flows);
            for (const char *p = s; (p = strstr(p, "tun_id")); p++) {
                n_remote_l2++;
            }
            for (const char *p = s; (p = strstr(p, "reg12=")); p++) {
                n_routed++;
            }
            for (const char *p = s; (p = strstr(p, "conj_id=")); p++) {
                n_conj++;
            }
            for (const char *p = s; (p = strstr(p, "nat(dst=")); p++) {
                *(strstr(p, ":80)") && strstr(p, ":80)") < strchr(p, '\n')
                  ? &n_map : &n_fip) += 1;
            }
            free(s);
            weft_flows_destroy(&flows);
        }
        for (int i = 0; i < n_hosts; i++) {
            simap_destroy(&ofports[i]);
        }
        topology_destroy(&topo);
    }
    assert_true(total > 2000);
    assert_true(n_remote_l2 > 50);
    assert_true(n_routed > 50);     /* L3_NEIGHBOR entries. */
    assert_true(n_fip > 10);        /* NAT: floating IPs' DNAT... */
    assert_true(n_map > 5);         /* ...and mappings'. */
    assert_true(n_conj > 10);       /* Security groups' rules. */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner_union_random),
        cmocka_unit_test(test_random_not_trivial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
