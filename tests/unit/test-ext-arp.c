/* test-ext-arp: a host's external side on its LAN (controller/ext-arp.h):
 * the frames (ARP request for the next hop, gratuitous ARP), the reply
 * filter (only the gateway's reply to the host's address), and when each
 * frame is due: at once while the next hop is unknown, every 5 s until it
 * answers, every 60 s afterwards; a gratuitous ARP for every address that
 * appears on the host and for all of them after a new connection. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "dp-packet.h"
#include "ext-arp.h"
#include "host-fixture.h"
#include "packets.h"
#include "topology.h"
#include "util.h"

#define IP(A, B, C, D) htonl(((uint32_t) (A) << 24) | ((B) << 16) | ((C) << 8) | (D))

static const struct eth_addr gw_mac = ETH_ADDR_C(52, 54, 00, 12, 34, 56);

/* A frame as it would come back from the LAN: an ARP reply 'op' from
 * ('sha', 'spa') to ('tha', 'tpa'). */
static void
compose_reply(struct dp_packet *b, uint16_t op, struct eth_addr sha,
              ovs_be32 spa, ovs_be32 tpa)
{
    struct eth_addr tha = ext_arp_mac(tpa);
    compose_arp(b, op, sha, tha, false, spa, tpa);
}

static const struct arp_eth_header *
frame_arp(const void *frame, size_t len)
{
    assert_int_equal(len, 60);
    const struct eth_header *eth = frame;
    assert_int_equal(ntohs(eth->eth_type), ETH_TYPE_ARP);
    return (const void *) ((const uint8_t *) frame + ETH_HEADER_LEN);
}

static void
test_mac(void **state)
{
    (void) state;
    struct eth_addr mac = ext_arp_mac(IP(192, 168, 100, 11));
    struct eth_addr want = ETH_ADDR_C(0a, 57, c0, a8, 64, 0b);
    assert_true(eth_addr_equals(mac, want));
    assert_false(eth_addr_is_multicast(mac));
    assert_true(eth_addr_is_local(mac));
}

static void
test_request_and_garp(void **state)
{
    (void) state;
    struct dp_packet b;
    dp_packet_init(&b, 128);
    ovs_be32 ip = IP(192, 168, 100, 11), gw = IP(192, 168, 100, 1);

    ext_arp_compose_request(&b, ip, gw);
    const struct eth_header *eth = dp_packet_data(&b);
    const struct arp_eth_header *arp = frame_arp(dp_packet_data(&b),
                                                 dp_packet_size(&b));
    assert_true(eth_addr_is_broadcast(eth->eth_dst));
    assert_true(eth_addr_equals(eth->eth_src, ext_arp_mac(ip)));
    assert_int_equal(ntohs(arp->ar_op), ARP_OP_REQUEST);
    assert_true(eth_addr_equals(arp->ar_sha, ext_arp_mac(ip)));
    assert_true(eth_addr_is_zero(arp->ar_tha));
    assert_int_equal(get_16aligned_be32(&arp->ar_spa), ip);
    assert_int_equal(get_16aligned_be32(&arp->ar_tpa), gw);

    ovs_be32 fip = IP(192, 168, 100, 100);
    ext_arp_compose_garp(&b, fip);
    eth = dp_packet_data(&b);
    arp = frame_arp(dp_packet_data(&b), dp_packet_size(&b));
    assert_true(eth_addr_is_broadcast(eth->eth_dst));
    assert_true(eth_addr_equals(eth->eth_src, ext_arp_mac(fip)));
    assert_int_equal(ntohs(arp->ar_op), ARP_OP_REQUEST);
    assert_true(eth_addr_equals(arp->ar_sha, ext_arp_mac(fip)));
    assert_int_equal(get_16aligned_be32(&arp->ar_spa), fip);
    assert_int_equal(get_16aligned_be32(&arp->ar_tpa), fip);
    dp_packet_uninit(&b);
}

/* Only an ARP reply from the gateway to the host's address counts. */
static void
test_parse_reply(void **state)
{
    (void) state;
    struct dp_packet b;
    dp_packet_init(&b, 128);
    ovs_be32 ip = IP(192, 168, 100, 11), gw = IP(192, 168, 100, 1);
    struct eth_addr mac = eth_addr_zero;

    compose_reply(&b, ARP_OP_REPLY, gw_mac, gw, ip);
    assert_true(ext_arp_parse_reply(dp_packet_data(&b), dp_packet_size(&b),
                                    gw, ip, &mac));
    assert_true(eth_addr_equals(mac, gw_mac));

    /* Truncated. */
    assert_false(ext_arp_parse_reply(dp_packet_data(&b),
                                     dp_packet_size(&b) - 1, gw, ip, &mac));
    /* Another sender: a neighbour answering for itself. */
    compose_reply(&b, ARP_OP_REPLY, gw_mac, IP(192, 168, 100, 2), ip);
    assert_false(ext_arp_parse_reply(dp_packet_data(&b), dp_packet_size(&b),
                                     gw, ip, &mac));
    /* Another target: a reply to someone else's request. */
    compose_reply(&b, ARP_OP_REPLY, gw_mac, gw, IP(192, 168, 100, 12));
    assert_false(ext_arp_parse_reply(dp_packet_data(&b), dp_packet_size(&b),
                                     gw, ip, &mac));
    /* A request, not a reply. */
    compose_reply(&b, ARP_OP_REQUEST, gw_mac, gw, ip);
    assert_false(ext_arp_parse_reply(dp_packet_data(&b), dp_packet_size(&b),
                                     gw, ip, &mac));
    /* A multicast or zero sender MAC is no next hop. */
    compose_reply(&b, ARP_OP_REPLY, eth_addr_broadcast, gw, ip);
    assert_false(ext_arp_parse_reply(dp_packet_data(&b), dp_packet_size(&b),
                                     gw, ip, &mac));
    compose_reply(&b, ARP_OP_REPLY, eth_addr_zero, gw, ip);
    assert_false(ext_arp_parse_reply(dp_packet_data(&b), dp_packet_size(&b),
                                     gw, ip, &mac));
    /* Not ARP at all. */
    compose_reply(&b, ARP_OP_REPLY, gw_mac, gw, ip);
    ((struct eth_header *) dp_packet_data(&b))->eth_type
        = htons(ETH_TYPE_IP);
    assert_false(ext_arp_parse_reply(dp_packet_data(&b), dp_packet_size(&b),
                                     gw, ip, &mac));
    assert_true(eth_addr_equals(mac, gw_mac));      /* Untouched. */
    dp_packet_uninit(&b);
}

/* What ext_arp_run() sent: requests (by target) and gratuitous ARPs (by
 * address), in order. */
struct sent {
    int n_requests;
    ovs_be32 garps[8];
    int n_garps;
};

static void
record(void *sent_, const void *frame, size_t len)
{
    struct sent *sent = sent_;
    const struct arp_eth_header *arp = frame_arp(frame, len);
    ovs_be32 spa = get_16aligned_be32(&arp->ar_spa);
    if (spa == get_16aligned_be32(&arp->ar_tpa)) {
        assert_true(sent->n_garps < ARRAY_SIZE(sent->garps));
        sent->garps[sent->n_garps++] = spa;
    } else {
        sent->n_requests++;
    }
}

static struct sent
run_at(struct ext_arp *ea, long long int now)
{
    struct sent sent = { .n_requests = 0 };
    ext_arp_run(ea, now, record, &sent);
    return sent;
}

/* h1 with an external side on 192.168.100.0/24, h2 without; a tenant with
 * one network and a port on each host; a pool and three floating IPs: .100
 * on h1's port, .101 on h2's port, .102 unassigned. */
struct fx {
    struct topology topo;
    struct topo_host *h1, *h2;
    struct topo_port *p1, *p2;
    struct topo_fip *f100, *f101, *f102;
};

static void
fx_init(struct fx *fx)
{
    int n = 0;
#define UUID() ((struct uuid) { .parts = { ++n, 0x77, 0, 0 } })
    topology_init(&fx->topo);
    struct uuid u = UUID();
    fx->h1 = host_fixture_add(&fx->topo, &u, 1, NULL);
    u = UUID();
    fx->h2 = host_fixture_add(&fx->topo, &u, 2, NULL);
    topology_set_host_external(&fx->topo, fx->h1, "ext1", IP(192, 168, 100, 11),
                               24, IP(192, 168, 100, 1));
    u = UUID();
    struct topo_tenant *t = topology_add_tenant(&fx->topo, &u, "red", 1);
    u = UUID();
    struct topo_network *net = topology_add_network(&fx->topo, &u, t, "vx",
                                                    TOPO_NET_VXLAN, 1001, 0,
                                                    1);
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 01);
    ovs_be32 pip = IP(10, 0, 0, 11);
    u = UUID();
    fx->p1 = topology_add_port(&fx->topo, &u, net, fx->h1, "a1", "ea1", mac,
                               &pip, 1, 1);
    mac.ea[5] = 2;
    pip = IP(10, 0, 0, 12);
    u = UUID();
    fx->p2 = topology_add_port(&fx->topo, &u, net, fx->h2, "a2", "ea2", mac,
                               &pip, 1, 2);
    u = UUID();
    struct topo_pool *pool = topology_add_pool(&fx->topo, &u, "ext",
                                               IP(192, 168, 100, 0), 24);
    u = UUID();
    fx->f100 = topology_add_fip(&fx->topo, &u, t, pool,
                                IP(192, 168, 100, 100));
    u = UUID();
    fx->f101 = topology_add_fip(&fx->topo, &u, t, pool,
                                IP(192, 168, 100, 101));
    u = UUID();
    fx->f102 = topology_add_fip(&fx->topo, &u, t, pool,
                                IP(192, 168, 100, 102));
    assert_true(topology_set_fip_port(&fx->topo, fx->f100, fx->p1));
    assert_true(topology_set_fip_port(&fx->topo, fx->f101, fx->p2));
#undef UUID
}

/* Resolution: at once, every 5 s until answered, then every 60 s; only the
 * gateway's reply counts. */
static void
test_resolution_cadence(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    struct ext_arp ea;
    ext_arp_init(&ea);
    assert_int_equal(ext_arp_next_wake(&ea), LLONG_MAX);

    ext_arp_configure(&ea, &fx.topo, fx.h1, 1000);
    assert_int_equal(ext_arp_next_wake(&ea), LLONG_MIN);    /* GARPs. */
    struct sent s = run_at(&ea, 1000);
    assert_int_equal(s.n_requests, 1);
    /* The host's address and h1's floating IP, not h2's nor the free one. */
    assert_int_equal(s.n_garps, 2);
    assert_int_equal(s.garps[0], IP(192, 168, 100, 11));
    assert_int_equal(s.garps[1], IP(192, 168, 100, 100));
    assert_int_equal(ext_arp_next_wake(&ea), 1000 + EXT_ARP_RETRY_MSEC);

    s = run_at(&ea, 5999);
    assert_int_equal(s.n_requests + s.n_garps, 0);
    s = run_at(&ea, 6000);
    assert_int_equal(s.n_requests, 1);
    assert_int_equal(s.n_garps, 0);

    /* A reply from a neighbour is not the gateway's. */
    struct dp_packet b;
    dp_packet_init(&b, 128);
    struct eth_addr mac;
    compose_reply(&b, ARP_OP_REPLY, gw_mac, IP(192, 168, 100, 2),
                  IP(192, 168, 100, 11));
    assert_false(ext_arp_packet_in(&ea, dp_packet_data(&b),
                                   dp_packet_size(&b), 7000, &mac));
    assert_int_equal(ext_arp_next_wake(&ea), 6000 + EXT_ARP_RETRY_MSEC);

    /* The gateway's: known, refreshed every 60 s. */
    compose_reply(&b, ARP_OP_REPLY, gw_mac, IP(192, 168, 100, 1),
                  IP(192, 168, 100, 11));
    assert_true(ext_arp_packet_in(&ea, dp_packet_data(&b),
                                  dp_packet_size(&b), 7000, &mac));
    assert_true(eth_addr_equals(mac, gw_mac));
    assert_int_equal(ext_arp_next_wake(&ea), 7000 + EXT_ARP_REFRESH_MSEC);
    s = run_at(&ea, 66999);
    assert_int_equal(s.n_requests, 0);
    s = run_at(&ea, 67000);
    assert_int_equal(s.n_requests, 1);
    assert_int_equal(ext_arp_next_wake(&ea), 67000 + EXT_ARP_REFRESH_MSEC);

    /* A new connection: every address announced again; the MAC is known,
     * so no hurry for the request. */
    ext_arp_connected(&ea, 70000);
    s = run_at(&ea, 70000);
    assert_int_equal(s.n_garps, 2);
    assert_int_equal(s.n_requests, 0);

    /* h2 has no external side: nothing, ever, and no packet-in counts. */
    struct ext_arp ea2;
    ext_arp_init(&ea2);
    ext_arp_configure(&ea2, &fx.topo, fx.h2, 1000);
    ext_arp_connected(&ea2, 1000);
    assert_int_equal(ext_arp_next_wake(&ea2), LLONG_MAX);
    s = run_at(&ea2, 1000);
    assert_int_equal(s.n_requests + s.n_garps, 0);
    assert_false(ext_arp_packet_in(&ea2, dp_packet_data(&b),
                                   dp_packet_size(&b), 7000, &mac));

    dp_packet_uninit(&b);
    ext_arp_destroy(&ea2);
    ext_arp_destroy(&ea);
    topology_destroy(&fx.topo);
}

/* A MAC loaded from the topology (Host.status after a restart) is known:
 * no request at connect, the first after 60 s.  A new gateway (the
 * topology forgets the MAC) is asked for at once. */
static void
test_known_and_new_gateway(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    topology_set_host_gateway_mac(fx.h1, gw_mac);
    struct ext_arp ea;
    ext_arp_init(&ea);
    ext_arp_configure(&ea, &fx.topo, fx.h1, 1000);
    ext_arp_connected(&ea, 1000);
    struct sent s = run_at(&ea, 1000);
    assert_int_equal(s.n_requests, 0);
    assert_int_equal(s.n_garps, 2);
    assert_int_equal(ext_arp_next_wake(&ea), 1000 + EXT_ARP_REFRESH_MSEC);

    /* The same configuration again: nothing new. */
    ext_arp_configure(&ea, &fx.topo, fx.h1, 2000);
    s = run_at(&ea, 2000);
    assert_int_equal(s.n_requests + s.n_garps, 0);

    topology_set_host_external(&fx.topo, fx.h1, "ext1", IP(192, 168, 100, 11),
                               24, IP(192, 168, 100, 254));
    ext_arp_configure(&ea, &fx.topo, fx.h1, 3000);
    s = run_at(&ea, 3000);
    assert_int_equal(s.n_requests, 1);
    assert_int_equal(s.n_garps, 0);
    assert_int_equal(ext_arp_next_wake(&ea), 3000 + EXT_ARP_RETRY_MSEC);

    /* The external side removed: nothing more. */
    topology_set_host_external(&fx.topo, fx.h1, NULL, 0, 0, 0);
    ext_arp_configure(&ea, &fx.topo, fx.h1, 4000);
    assert_int_equal(ext_arp_next_wake(&ea), LLONG_MAX);
    s = run_at(&ea, 10000);
    assert_int_equal(s.n_requests + s.n_garps, 0);

    ext_arp_destroy(&ea);
    topology_destroy(&fx.topo);
}

/* A floating IP moved to the host, or assigned there, is announced, and
 * only it; one that leaves is not. */
static void
test_fip_appears(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    struct ext_arp ea;
    ext_arp_init(&ea);
    ext_arp_configure(&ea, &fx.topo, fx.h1, 1000);
    run_at(&ea, 1000);

    /* .101 moves from h2's port to h1's (whose .100 goes away first). */
    assert_true(topology_set_fip_port(&fx.topo, fx.f100, NULL));
    assert_true(topology_set_fip_port(&fx.topo, fx.f101, fx.p1));
    ext_arp_configure(&ea, &fx.topo, fx.h1, 2000);
    struct sent s = run_at(&ea, 2000);
    assert_int_equal(s.n_garps, 1);
    assert_int_equal(s.garps[0], IP(192, 168, 100, 101));
    assert_int_equal(s.n_requests, 0);

    /* Moved away again, to h2: nothing to announce on h1. */
    assert_true(topology_set_fip_port(&fx.topo, fx.f101, fx.p2));
    ext_arp_configure(&ea, &fx.topo, fx.h1, 3000);
    s = run_at(&ea, 3000);
    assert_int_equal(s.n_garps, 0);

    /* Announcements not sent yet stay pending across a reconfigure. */
    assert_true(topology_set_fip_port(&fx.topo, fx.f102, fx.p1));
    ext_arp_configure(&ea, &fx.topo, fx.h1, 4000);
    ext_arp_configure(&ea, &fx.topo, fx.h1, 4001);
    s = run_at(&ea, 4002);
    assert_int_equal(s.n_garps, 1);
    assert_int_equal(s.garps[0], IP(192, 168, 100, 102));

    ext_arp_destroy(&ea);
    topology_destroy(&fx.topo);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mac),
        cmocka_unit_test(test_request_and_garp),
        cmocka_unit_test(test_parse_reply),
        cmocka_unit_test(test_resolution_cadence),
        cmocka_unit_test(test_known_and_new_gateway),
        cmocka_unit_test(test_fip_appears),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
