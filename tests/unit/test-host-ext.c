/* test-host-ext: a host's external side joined to its OpenFlow session
 * (controller/host-ext.h), against a fake connection: frames go out as
 * packet-outs of the external port only once the session is synced, and
 * only the gateway's reply that came in on the external port is taken, once
 * per new MAC (an unchanged MAC is never handed up). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dp-packet.h"
#include "ext-arp.h"
#include "flow.h"
#include "host-ext.h"
#include "host-fixture.h"
#include "of-session.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-connection.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-packet.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "simap.h"
#include "topology.h"
#include "util.h"

#define OF_VERSION OFP15_VERSION
#define EXT_OFPORT 5
#define IP(A, B, C, D) htonl(((uint32_t) (A) << 24) | ((B) << 16) | ((C) << 8) | (D))

static const struct eth_addr gw_mac = ETH_ADDR_C(52, 54, 00, 12, 34, 56);
static const struct eth_addr new_mac = ETH_ADDR_C(52, 54, 00, 65, 43, 21);

struct fx {
    struct topology topo;
    struct topo_host *h1;
    struct ovs_list sent;           /* What the session sent. */
    struct of_session *s;
    struct host_ext he;
    struct simap ofports;
};

static int
wire_send(void *aux, struct ofpbuf *msg)
{
    struct fx *fx = aux;
    ovs_list_push_back(&fx->sent, &msg->list_node);
    return 0;
}

static void
wire_drain(struct fx *fx)
{
    struct ofpbuf *msg;
    LIST_FOR_EACH_POP (msg, list_node, &fx->sent) {
        ofpbuf_delete(msg);
    }
}

/* h1 with external side ext1 (192.168.100.11/24 via .1) and a floating IP
 * .100 on its port; the session not connected yet. */
static void
fx_init(struct fx *fx)
{
    int n = 0;
#define UUID() ((struct uuid) { .parts = { ++n, 0x55, 0, 0 } })
    topology_init(&fx->topo);
    struct uuid u = UUID();
    fx->h1 = host_fixture_add(&fx->topo, &u, 1, NULL);
    topology_set_host_external(&fx->topo, fx->h1, "ext1",
                               IP(192, 168, 100, 11), 24,
                               IP(192, 168, 100, 1));
    u = UUID();
    struct topo_tenant *t = topology_add_tenant(&fx->topo, &u, "red", 1);
    u = UUID();
    struct topo_network *net = topology_add_network(&fx->topo, &u, t, "vx",
                                                    TOPO_NET_VXLAN, 1001, 0,
                                                    1);
    ovs_be32 pip = IP(10, 0, 0, 11);
    u = UUID();
    struct topo_port *p1 = topology_add_port(
        &fx->topo, &u, net, fx->h1, "a1", "ea1",
        (struct eth_addr) ETH_ADDR_C(02, 00, 00, 00, 00, 01), &pip, 1, 1);
    u = UUID();
    struct topo_pool *pool = topology_add_pool(&fx->topo, &u, "ext",
                                               IP(192, 168, 100, 0), 24);
    u = UUID();
    struct topo_fip *fip = topology_add_fip(&fx->topo, &u, t, pool,
                                            IP(192, 168, 100, 100));
    assert_true(topology_set_fip_port(&fx->topo, fip, p1));
#undef UUID

    ovs_list_init(&fx->sent);
    struct of_session_io io = { .send = wire_send, .aux = fx };
    fx->s = of_session_create_io("h1", &io);
    host_ext_init(&fx->he, "h1", fx->s);
    host_ext_apply_changes(&fx->he, &fx->topo, fx->h1, NULL);
    simap_init(&fx->ofports);
    simap_put(&fx->ofports, "ext1", EXT_OFPORT);
}

static void
fx_destroy(struct fx *fx)
{
    wire_drain(fx);
    host_ext_destroy(&fx->he);
    of_session_destroy(fx->s);
    simap_destroy(&fx->ofports);
    topology_destroy(&fx->topo);
}

/* Connects the session and answers its dump with no flow: SYNCED. */
static void
fx_connect(struct fx *fx)
{
    of_session_connected(fx->s, OF_VERSION);
    host_ext_connected(&fx->he);
    struct ofpbuf *req = NULL, *msg;
    LIST_FOR_EACH_POP (msg, list_node, &fx->sent) {
        enum ofptype type;
        assert_int_equal(ofptype_decode(&type, msg->data), 0);
        if (type == OFPTYPE_FLOW_STATS_REQUEST) {
            req = msg;
        } else {
            ofpbuf_delete(msg);
        }
    }
    assert_non_null(req);
    struct ovs_list replies;
    ofpmp_init(&replies, req->data);
    LIST_FOR_EACH_POP (msg, list_node, &replies) {
        ofpmsg_update_length(msg);
        of_session_receive(fx->s, msg->data);
        ofpbuf_delete(msg);
    }
    ofpbuf_delete(req);
    /* The groups next (of-groups.h): none. */
    req = CONTAINER_OF(ovs_list_pop_front(&fx->sent), struct ofpbuf,
                       list_node);
    ofpmp_init(&replies, req->data);
    LIST_FOR_EACH_POP (msg, list_node, &replies) {
        ofpmsg_update_length(msg);
        of_session_receive(fx->s, msg->data);
        ofpbuf_delete(msg);
    }
    ofpbuf_delete(req);
    assert_int_equal(of_session_state(fx->s), OF_SESSION_SYNCED);
}

/* Pops the next packet-out: checks it goes from CONTROLLER out of the
 * external port only, and returns its ARP target and sender address. */
static void
expect_packet_out(struct fx *fx, ovs_be32 *tpa, ovs_be32 *spa)
{
    assert_false(ovs_list_is_empty(&fx->sent));
    struct ofpbuf *msg = CONTAINER_OF(ovs_list_pop_front(&fx->sent),
                                      struct ofpbuf, list_node);
    ofpmsg_update_length(msg);
    struct ofputil_packet_out po;
    struct ofpbuf ofpacts;
    ofpbuf_init(&ofpacts, 64);
    assert_int_equal(ofputil_decode_packet_out(&po, msg->data, NULL,
                                               &ofpacts), 0);
    assert_int_equal(po.flow_metadata.flow.in_port.ofp_port, OFPP_CONTROLLER);
    assert_int_equal(po.ofpacts_len, sizeof(struct ofpact_output));
    assert_int_equal(po.ofpacts->type, OFPACT_OUTPUT);
    assert_int_equal(ofpact_get_OUTPUT(po.ofpacts)->port, EXT_OFPORT);
    assert_int_equal(po.packet_len, 60);
    const struct arp_eth_header *arp
        = (const void *) ((const uint8_t *) po.packet + ETH_HEADER_LEN);
    *tpa = get_16aligned_be32(&arp->ar_tpa);
    *spa = get_16aligned_be32(&arp->ar_spa);
    ofpbuf_uninit(&ofpacts);
    ofpbuf_delete(msg);
}

/* A packet-in of the gateway's reply from 'mac', as ovs-vswitchd sends it
 * for the EXT_IN flow, arriving on 'in_port'. */
static void
receive_reply(struct fx *fx, struct eth_addr mac, uint16_t in_port)
{
    struct dp_packet b;
    dp_packet_init(&b, 128);
    compose_arp(&b, ARP_OP_REPLY, mac, ext_arp_mac(IP(192, 168, 100, 11)),
                false, IP(192, 168, 100, 1), IP(192, 168, 100, 11));
    struct ofputil_packet_in pin = {
        .packet = dp_packet_data(&b),
        .packet_len = dp_packet_size(&b),
        .reason = OFPR_ACTION,
        .table_id = 60,
        .cookie = htonll(0),
    };
    match_init_catchall(&pin.flow_metadata);
    match_set_in_port(&pin.flow_metadata, u16_to_ofp(in_port));
    struct ofputil_packet_in_private pp = { .base = pin };
    struct ofpbuf *msg = ofputil_encode_packet_in_private(
        &pp, ofputil_protocol_from_ofp_version(OF_VERSION),
        OFPUTIL_PACKET_IN_STD);
    of_session_receive(fx->s, msg->data);
    ofpbuf_delete(msg);
    dp_packet_uninit(&b);
}

/* Nothing goes out before the session is synced or without the external
 * port's ofport; then the two announcements and the request, each a
 * packet-out of the external port. */
static void
test_sends_when_synced(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    host_ext_run(&fx.he, &fx.ofports);          /* Disconnected. */
    assert_true(ovs_list_is_empty(&fx.sent));

    of_session_connected(fx.s, OF_VERSION);     /* DUMPING. */
    wire_drain(&fx);
    host_ext_run(&fx.he, &fx.ofports);
    assert_true(ovs_list_is_empty(&fx.sent));
    of_session_disconnected(fx.s);

    fx_connect(&fx);
    struct simap none = SIMAP_INITIALIZER(&none);
    host_ext_run(&fx.he, &none);                /* No external port yet. */
    assert_true(ovs_list_is_empty(&fx.sent));

    host_ext_run(&fx.he, &fx.ofports);
    ovs_be32 tpa, spa;
    expect_packet_out(&fx, &tpa, &spa);         /* GARP, host address. */
    assert_int_equal(tpa, IP(192, 168, 100, 11));
    assert_int_equal(spa, IP(192, 168, 100, 11));
    expect_packet_out(&fx, &tpa, &spa);         /* GARP, floating IP. */
    assert_int_equal(tpa, IP(192, 168, 100, 100));
    expect_packet_out(&fx, &tpa, &spa);         /* The request. */
    assert_int_equal(tpa, IP(192, 168, 100, 1));
    assert_int_equal(spa, IP(192, 168, 100, 11));
    assert_true(ovs_list_is_empty(&fx.sent));

    host_ext_run(&fx.he, &fx.ofports);          /* Nothing due. */
    assert_true(ovs_list_is_empty(&fx.sent));
    fx_destroy(&fx);
}

/* Only the reply that came in on the external port counts; a new MAC is
 * handed up once; the same MAC again never. */
static void
test_learns_once(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    fx_connect(&fx);
    host_ext_run(&fx.he, &fx.ofports);
    wire_drain(&fx);

    struct eth_addr mac;
    receive_reply(&fx, gw_mac, EXT_OFPORT + 1);     /* An endpoint's port. */
    assert_false(host_ext_take_gateway_mac(&fx.he, &mac));

    receive_reply(&fx, gw_mac, EXT_OFPORT);
    assert_true(host_ext_take_gateway_mac(&fx.he, &mac));
    assert_true(eth_addr_equals(mac, gw_mac));
    assert_false(host_ext_take_gateway_mac(&fx.he, &mac));
    /* hosts.c stores it; the host's next configure sees it. */
    topology_set_host_gateway_mac(fx.h1, mac);

    receive_reply(&fx, gw_mac, EXT_OFPORT);         /* Unchanged. */
    assert_false(host_ext_take_gateway_mac(&fx.he, &mac));
    host_ext_run(&fx.he, &fx.ofports);              /* Known: no request. */
    assert_true(ovs_list_is_empty(&fx.sent));

    receive_reply(&fx, new_mac, EXT_OFPORT);        /* Gateway replaced. */
    assert_true(host_ext_take_gateway_mac(&fx.he, &mac));
    assert_true(eth_addr_equals(mac, new_mac));

    /* The external side removed: nothing is taken any more. */
    topology_set_host_external(&fx.topo, fx.h1, NULL, 0, 0, 0);
    host_ext_apply_changes(&fx.he, &fx.topo, fx.h1, NULL);
    receive_reply(&fx, gw_mac, EXT_OFPORT);
    assert_false(host_ext_take_gateway_mac(&fx.he, &mac));
    host_ext_run(&fx.he, &fx.ofports);
    assert_true(ovs_list_is_empty(&fx.sent));
    fx_destroy(&fx);
}

/* Answers what the session sent as a switch would, until it sent nothing
 * more: role requests (primary granted), flow and group dumps (empty);
 * anything else is dropped.  Returns the packet-outs dropped. */
static size_t
fx_answer_all(struct fx *fx)
{
    size_t n_outs = 0;
    while (!ovs_list_is_empty(&fx->sent)) {
        struct ofpbuf *req = CONTAINER_OF(ovs_list_pop_front(&fx->sent),
                                          struct ofpbuf, list_node);
        ofpmsg_update_length(req);
        enum ofptype type;
        assert_int_equal(ofptype_decode(&type, req->data), 0);
        struct ovs_list replies;
        ovs_list_init(&replies);
        if (type == OFPTYPE_ROLE_REQUEST) {
            struct ofputil_role_request rr;
            assert_int_equal(ofputil_decode_role_message(req->data, &rr), 0);
            if (rr.role == OFPCR12_ROLE_NOCHANGE) {
                rr.role = OFPCR12_ROLE_EQUAL;
            }
            ovs_list_push_back(&replies, &ofputil_encode_role_reply(
                                   req->data, &rr)->list_node);
        } else if (type == OFPTYPE_FLOW_STATS_REQUEST
                   || type == OFPTYPE_GROUP_DESC_STATS_REQUEST) {
            ofpmp_init(&replies, req->data);
        } else if (type == OFPTYPE_PACKET_OUT) {
            n_outs++;
        }
        struct ofpbuf *msg;
        LIST_FOR_EACH_POP (msg, list_node, &replies) {
            ofpmsg_update_length(msg);
            of_session_receive(fx->s, msg->data);
            ofpbuf_delete(msg);
        }
        ofpbuf_delete(req);
    }
    return n_outs;
}

/* A standby (OpenFlow role secondary, issue #16) sends no frame but learns
 * the gateway's MAC from the packet-ins; once primary, it sends the
 * announcements that were due, and no request (the MAC is known). */
static void
test_standby_sends_on_takeover(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    of_session_set_role(fx.s, false, 0);
    of_session_connected(fx.s, OF_VERSION);
    host_ext_connected(&fx.he);
    assert_int_equal(fx_answer_all(&fx), 0);
    assert_int_equal(of_session_state(fx.s), OF_SESSION_SYNCED);
    assert_int_equal(of_session_role(fx.s), OF_ROLE_STANDBY);
    host_ext_run(&fx.he, &fx.ofports);
    assert_true(ovs_list_is_empty(&fx.sent));

    receive_reply(&fx, gw_mac, EXT_OFPORT);     /* The active's request. */
    struct eth_addr mac;
    assert_true(host_ext_take_gateway_mac(&fx.he, &mac));
    assert_true(eth_addr_equals(mac, gw_mac));

    of_session_set_role(fx.s, true, 1);
    assert_int_equal(fx_answer_all(&fx), 0);
    assert_int_equal(of_session_role(fx.s), OF_ROLE_PRIMARY);
    assert_int_equal(of_session_state(fx.s), OF_SESSION_SYNCED);
    host_ext_run(&fx.he, &fx.ofports);
    ovs_be32 tpa, spa;
    expect_packet_out(&fx, &tpa, &spa);         /* GARP, host address. */
    assert_int_equal(tpa, IP(192, 168, 100, 11));
    expect_packet_out(&fx, &tpa, &spa);         /* GARP, floating IP. */
    assert_int_equal(tpa, IP(192, 168, 100, 100));
    assert_true(ovs_list_is_empty(&fx.sent));
    fx_destroy(&fx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sends_when_synced),
        cmocka_unit_test(test_learns_once),
        cmocka_unit_test(test_standby_sends_on_takeover),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
