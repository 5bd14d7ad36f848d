/* test-flow-table: normalization, diff and the OpenFlow round trip.
 *
 * A small simulated switch applies the bundle weft sends and answers a flow
 * stats request the way ovs-vswitchd does (same OpenFlow encoders), so the
 * tests can check the property weftd relies on at restart: flows read back
 * from a switch that already holds the desired flows produce no flow_mods. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "byte-order.h"
#include "compiler.h"
#include "flow-table.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "simap.h"
#include "topology.h"
#include "util.h"

#define OF_VERSION OFP15_VERSION

/* One flow held by the simulated switch. */
struct sw_flow {
    struct match match;
    uint8_t table_id;
    uint16_t priority;
    uint64_t cookie;
    struct ofpbuf ofpacts;
    uint64_t n_packets;
};

struct sw {
    struct sw_flow flows[256];
    size_t n;
    size_t n_add, n_modify, n_delete;
};

static struct sw_flow *
sw_find(struct sw *sw, const struct ofputil_flow_mod *fm,
        const struct match *m)
{
    for (size_t i = 0; i < sw->n; i++) {
        struct sw_flow *f = &sw->flows[i];
        if (f->table_id == fm->table_id && f->priority == fm->priority
            && match_equal(&f->match, m)) {
            return f;
        }
    }
    return NULL;
}

/* Applies one bundle_add message, as ovs-vswitchd would at commit. */
static void
sw_apply(struct sw *sw, const struct ofpbuf *msg)
{
    struct ofputil_bundle_add_msg bam;
    enum ofptype type;
    assert_int_equal(ofputil_decode_bundle_add(msg->data, &bam, &type), 0);
    assert_int_equal(type, OFPTYPE_FLOW_MOD);

    struct ofputil_flow_mod fm;
    struct ofpbuf ofpacts;
    ofpbuf_init(&ofpacts, 64);
    enum ofputil_protocol p = ofputil_protocol_from_ofp_version(OF_VERSION);
    assert_int_equal(ofputil_decode_flow_mod(&fm, bam.msg, p, NULL, NULL,
                                             &ofpacts, OFPP_MAX, 255), 0);
    struct match m;
    minimatch_expand(&fm.match, &m);
    struct sw_flow *f = sw_find(sw, &fm, &m);

    switch (fm.command) {
    case OFPFC_ADD:
        sw->n_add++;
        if (!f) {
            assert_true(sw->n < ARRAY_SIZE(sw->flows));
            f = &sw->flows[sw->n++];
            ofpbuf_init(&f->ofpacts, 0);
        }
        f->match = m;
        f->table_id = fm.table_id;
        f->priority = fm.priority;
        f->cookie = ntohll(fm.new_cookie);
        f->n_packets = 0;
        ofpbuf_clear(&f->ofpacts);
        ofpbuf_put(&f->ofpacts, fm.ofpacts, fm.ofpacts_len);
        break;
    case OFPFC_MODIFY_STRICT:
        sw->n_modify++;
        assert_non_null(f);
        ofpbuf_clear(&f->ofpacts);
        ofpbuf_put(&f->ofpacts, fm.ofpacts, fm.ofpacts_len);
        break;
    case OFPFC_DELETE_STRICT:
        sw->n_delete++;
        assert_non_null(f);
        ofpbuf_uninit(&f->ofpacts);
        *f = sw->flows[--sw->n];
        break;
    default:
        fail_msg("unexpected flow_mod command %d", fm.command);
    }
    minimatch_destroy(&fm.match);
    ofpbuf_uninit(&ofpacts);
}

static void
sw_apply_all(struct sw *sw, struct ovs_list *msgs)
{
    struct ofpbuf *msg;
    LIST_FOR_EACH_POP (msg, list_node, msgs) {
        sw_apply(sw, msg);
        ofpbuf_delete(msg);
    }
}

/* Answers a flow dump: encodes every flow in flow stats replies, decodes
 * them as weftd does, into 'installed'. */
static void
sw_dump(const struct sw *sw, struct flow_table *installed)
{
    struct ofputil_flow_stats_request fsr = {
        .table_id = 0xff, .out_port = OFPP_ANY, .out_group = OFPG_ANY,
    };
    match_init_catchall(&fsr.match);
    struct ofpbuf *req = ofputil_encode_flow_stats_request(
        &fsr, ofputil_protocol_from_ofp_version(OF_VERSION));
    struct ovs_list replies;
    ofpmp_init(&replies, req->data);
    for (size_t i = 0; i < sw->n; i++) {
        const struct sw_flow *f = &sw->flows[i];
        struct ofputil_flow_stats fs = {
            .match = f->match,
            .cookie = htonll(f->cookie),
            .table_id = f->table_id,
            .priority = f->priority,
            .idle_age = -1, .hard_age = -1,
            .packet_count = f->n_packets, .byte_count = 0,
            .ofpacts = f->ofpacts.data,
            .ofpacts_len = f->ofpacts.size,
        };
        ofputil_append_flow_stats_reply(&fs, &replies, NULL);
    }
    ofpbuf_delete(req);

    flow_table_clear(installed);
    struct ofpbuf *reply;
    LIST_FOR_EACH_POP (reply, list_node, &replies) {
        struct ofpbuf b = ofpbuf_const_initializer(reply->data, reply->size);
        for (;;) {
            struct ofputil_flow_stats fs;
            struct ofpbuf ofpacts;
            ofpbuf_init(&ofpacts, 64);
            int retval = ofputil_decode_flow_stats_reply(&fs, &b, false,
                                                         &ofpacts);
            if (!retval) {
                flow_table_add_stats(installed, &fs);
            }
            ofpbuf_uninit(&ofpacts);
            if (retval) {
                assert_int_equal(retval, EOF);
                break;
            }
        }
        ofpbuf_delete(reply);
    }
}

static void
sw_destroy(struct sw *sw)
{
    for (size_t i = 0; i < sw->n; i++) {
        ofpbuf_uninit(&sw->flows[i].ofpacts);
    }
}

/* A host with two tenants that share MACs and IPs. */
struct fixture {
    struct topology topo;
    struct topo_host *h1;
    struct topo_port *ports[4];
    struct simap ofports;
};

static struct uuid
make_uuid(int n)
{
    struct uuid u = { .parts = { n, 0, 0, 0x57 } };
    return u;
}

static void
fixture_init(struct fixture *fx, int tenant2_key)
{
    topology_init(&fx->topo);
    struct uuid u = make_uuid(1);
    fx->h1 = topology_add_host(&fx->topo, &u, "h1", "unix:/x/db.sock", NULL,
                               NULL, "netdev", NULL);
    simap_init(&fx->ofports);
    for (int t = 0; t < 2; t++) {
        u = make_uuid(10 + t);
        struct topo_tenant *tenant = topology_add_tenant(
            &fx->topo, &u, t ? "blue" : "red", t ? tenant2_key : 1);
        u = make_uuid(20 + t);
        struct topo_network *net = topology_add_network(
            &fx->topo, &u, tenant, "net", TOPO_NET_VXLAN, 1001 + t, 0, t + 1);
        for (int p = 0; p < 2; p++) {
            struct eth_addr mac = (struct eth_addr) ETH_ADDR_C(02, 00, 00, 00, 00, 00);
            mac.ea[5] = p + 1;
            ovs_be32 ip = htonl(0x0a000001 + p);
            char name[8], iface[8];
            snprintf(name, sizeof name, "p%d", p);
            snprintf(iface, sizeof iface, "v%d%d", t, p);
            u = make_uuid(30 + 2 * t + p);
            fx->ports[2 * t + p] = topology_add_port(
                &fx->topo, &u, net, fx->h1, name, iface, mac, &ip, 1,
                2 * t + p + 1);
            simap_put(&fx->ofports, iface, 2 * t + p + 1);
        }
    }
}

static void
fixture_destroy(struct fixture *fx)
{
    topology_destroy(&fx->topo);
    simap_destroy(&fx->ofports);
}

static void
build_desired(struct fixture *fx, struct flow_table *desired,
              const struct flow_table *reuse)
{
    struct weft_flows compiled;
    weft_flows_init(&compiled);
    compile_host_flows(&fx->topo, fx->h1, &fx->ofports, &compiled);
    struct flow_table fresh;
    flow_table_init(&fresh);
    assert_int_equal(flow_table_build(&fresh, &compiled, reuse, OF_VERSION), 0);
    assert_int_equal(flow_table_count(&fresh), weft_flows_count(&compiled));
    flow_table_swap(&fresh, desired);
    flow_table_destroy(&fresh);
    weft_flows_destroy(&compiled);
}

static size_t
sync_to_switch(struct flow_table *installed, const struct flow_table *desired,
               struct sw *sw)
{
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    size_t n = flow_table_sync(installed, desired, OF_VERSION, 7, 3, &msgs);
    assert_int_equal(ovs_list_size(&msgs), n);
    sw_apply_all(sw, &msgs);
    return n;
}

/* The restart property: install, read back, diff: nothing to send. */
static void
test_readback_is_identity(void **state)
{
    (void) state;
    struct fixture fx;
    fixture_init(&fx, 2);
    struct flow_table desired, installed, readback;
    flow_table_init(&desired);
    flow_table_init(&installed);
    flow_table_init(&readback);
    struct sw sw = { .n = 0 };

    build_desired(&fx, &desired, NULL);
    size_t n = sync_to_switch(&installed, &desired, &sw);
    assert_int_equal(n, flow_table_count(&desired));
    assert_int_equal(sw.n, flow_table_count(&desired));
    assert_int_equal(sw.n_add, n);

    sw_dump(&sw, &readback);
    assert_int_equal(flow_table_count(&readback), flow_table_count(&desired));
    assert_int_equal(flow_table_count_differences(&desired, &readback), 0);
    assert_int_equal(flow_table_count_differences(&readback, &desired), 0);

    /* Same text, so a second sync against the read-back sends nothing. */
    struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
    flow_table_format(&desired, &a);
    flow_table_format(&readback, &b);
    assert_string_equal(ds_cstr(&a), ds_cstr(&b));
    assert_int_equal(sync_to_switch(&readback, &desired, &sw), 0);

    ds_destroy(&a);
    ds_destroy(&b);
    sw_destroy(&sw);
    flow_table_destroy(&desired);
    flow_table_destroy(&installed);
    flow_table_destroy(&readback);
    fixture_destroy(&fx);
}

/* Removing a port deletes its flows and modifies its network's flood flow in
 * place: no flow is added, so other flows keep their counters. */
static void
test_remove_port_is_minimal(void **state)
{
    (void) state;
    struct fixture fx;
    fixture_init(&fx, 2);
    struct flow_table desired, installed;
    flow_table_init(&desired);
    flow_table_init(&installed);
    struct sw sw = { .n = 0 };
    build_desired(&fx, &desired, NULL);
    sync_to_switch(&installed, &desired, &sw);
    size_t before = sw.n;
    sw.n_add = sw.n_modify = sw.n_delete = 0;

    /* Take port v01 (red p1) off the switch: no ofport, no local flows. */
    simap_find_and_delete(&fx.ofports, "v01");
    build_desired(&fx, &desired, &desired);
    size_t n = sync_to_switch(&installed, &desired, &sw);
    assert_true(n > 0);
    assert_int_equal(sw.n_add, 0);
    assert_int_equal(sw.n_modify, 1);      /* red's flood flow. */
    assert_int_equal(sw.n_delete, n - 1);
    assert_int_equal(sw.n, before - sw.n_delete);

    struct flow_table readback;
    flow_table_init(&readback);
    sw_dump(&sw, &readback);
    assert_int_equal(flow_table_count_differences(&desired, &readback), 0);
    assert_int_equal(flow_table_count_differences(&readback, &desired), 0);

    flow_table_destroy(&readback);
    sw_destroy(&sw);
    flow_table_destroy(&desired);
    flow_table_destroy(&installed);
    fixture_destroy(&fx);
}

/* A cookie cannot change in place in OpenFlow 1.3+: delete and add. */
static void
test_cookie_change_replaces(void **state)
{
    (void) state;
    struct fixture fx, fx2;
    fixture_init(&fx, 2);
    fixture_init(&fx2, 9);          /* Same flows, blue's tenant key differs. */
    struct flow_table desired, desired2, installed;
    flow_table_init(&desired);
    flow_table_init(&desired2);
    flow_table_init(&installed);
    struct sw sw = { .n = 0 };
    build_desired(&fx, &desired, NULL);
    build_desired(&fx2, &desired2, NULL);
    sync_to_switch(&installed, &desired, &sw);
    sw.n_add = sw.n_modify = sw.n_delete = 0;

    size_t n = sync_to_switch(&installed, &desired2, &sw);
    assert_true(n > 0);
    assert_int_equal(sw.n_add, sw.n_delete);
    assert_int_equal(sw.n_modify, 0);
    assert_int_equal(flow_table_count_differences(&desired, &desired2),
                     sw.n_add);

    struct flow_table readback;
    flow_table_init(&readback);
    sw_dump(&sw, &readback);
    assert_int_equal(flow_table_count_differences(&desired2, &readback), 0);

    flow_table_destroy(&readback);
    sw_destroy(&sw);
    flow_table_destroy(&desired);
    flow_table_destroy(&desired2);
    flow_table_destroy(&installed);
    fixture_destroy(&fx);
    fixture_destroy(&fx2);
}

/* A flow that an operator (or anything else) added to br-int is removed. */
static void
test_foreign_flow_removed(void **state)
{
    (void) state;
    struct fixture fx;
    fixture_init(&fx, 2);
    struct flow_table desired, installed;
    flow_table_init(&desired);
    flow_table_init(&installed);
    build_desired(&fx, &desired, NULL);

    struct weft_flows extra;
    weft_flows_init(&extra);
    assert_true(weft_flows_add_text(&extra, 0, 1234, 0x1,
                                    "ip,nw_dst=192.0.2.1", "drop"));
    struct flow_table foreign;
    flow_table_init(&foreign);
    assert_int_equal(flow_table_build(&foreign, &extra, NULL, OF_VERSION), 0);
    assert_int_equal(flow_table_count_differences(&foreign, &desired), 1);

    struct sw sw = { .n = 0 };
    sync_to_switch(&installed, &foreign, &sw);
    assert_int_equal(sw.n, 1);
    sw.n_add = sw.n_delete = 0;
    size_t n = sync_to_switch(&installed, &desired, &sw);
    assert_int_equal(sw.n_delete, 1);
    assert_int_equal(sw.n_add, n - 1);
    assert_int_equal(sw.n, flow_table_count(&desired));

    sw_destroy(&sw);
    weft_flows_destroy(&extra);
    flow_table_destroy(&foreign);
    flow_table_destroy(&desired);
    flow_table_destroy(&installed);
    fixture_destroy(&fx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readback_is_identity),
        cmocka_unit_test(test_remove_port_is_minimal),
        cmocka_unit_test(test_cookie_change_replaces),
        cmocka_unit_test(test_foreign_flow_removed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
