/* test-of-role: OpenFlow controller roles in the OpenFlow session
 * (of-session.h "roles", of-role.h) against a fake switch that follows OVS's
 * rules (ofproto.c handle_role_request(), connmgr.c ofconn_set_role() and
 * ofconn_set_primary_election_id(), reject_secondary_controller()).
 *
 * Two sessions (two weftds) share one fake switch: each has its own fake
 * connection (an of_session_io that queues what the session sends); the
 * switch takes the messages off each queue in order and answers them:
 * role requests, flow and group dumps, bundles (applied at commit),
 * barriers, packet-outs; any write of a secondary connection is refused with
 * OFPBRC_IS_SECONDARY and counted, so a test can check that a session that is
 * not primary never even tries. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "byte-order.h"
#include "compiler.h"
#include "flow-state.h"
#include "of-packet.h"
#include "of-session.h"
#include "of-wire-fake.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-connection.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

#define OF_VERSION OFP15_VERSION
#define MAX_FLOWS 32

/* One controller connection to the fake switch. */
struct conn {
    struct of_wire wire;                /* What the session sent. */
    struct of_session *s;
    enum ofp12_controller_role role;    /* The switch's view. */
    bool bundle_open;
    struct ofputil_flow_mod staged[MAX_FLOWS];  /* The open bundle's. */
    struct ofpbuf staged_acts[MAX_FLOWS];
    size_t n_staged;
    size_t n_refused;                   /* Writes refused as secondary. */
    size_t n_flow_mods;                 /* Applied from this connection. */
    size_t n_packet_outs;
    size_t n_role_requests;
};

/* The switch: its flows (adds only, the tests produce no other command) and
 * the primary election id, shared by its connections. */
struct fsw {
    struct conn conns[2];
    struct match match[MAX_FLOWS];
    uint16_t priority[MAX_FLOWS];
    uint8_t table_id[MAX_FLOWS];
    ovs_be64 cookie[MAX_FLOWS];
    struct ofpbuf acts[MAX_FLOWS];
    size_t n;
    bool election_defined;
    uint64_t election_id;
};

/* Hands 'msg' (the switch's answer) to connection 'c''s session. */
static void
deliver(struct conn *c, struct ofpbuf *msg)
{
    of_wire_deliver(c->s, msg);
}

static void
refuse(struct conn *c, const struct ofp_header *oh, enum ofperr error)
{
    deliver(c, ofperr_encode_reply(error, oh));
}

/* As ofproto.c handle_role_request() and connmgr.c ofconn_set_role(). */
static void
fsw_role_request(struct fsw *sw, struct conn *c, const struct ofp_header *oh)
{
    struct ofputil_role_request rr;
    assert_int_equal(ofputil_decode_role_message(oh, &rr), 0);
    c->n_role_requests++;
    if (rr.role != OFPCR12_ROLE_NOCHANGE) {
        if (rr.role != OFPCR12_ROLE_EQUAL && rr.have_generation_id) {
            if (sw->election_defined
                && (int64_t) (rr.generation_id - sw->election_id) < 0) {
                refuse(c, oh, OFPERR_OFPRRFC_STALE);
                return;
            }
            sw->election_defined = true;
            sw->election_id = rr.generation_id;
        }
        if (rr.role == OFPCR12_ROLE_PRIMARY && c->role != rr.role) {
            for (int i = 0; i < 2; i++) {
                struct conn *other = &sw->conns[i];
                if (other->s && other->role == OFPCR12_ROLE_PRIMARY) {
                    other->role = OFPCR12_ROLE_SECONDARY;
                    struct ofputil_role_status rs = {
                        .role = OFPCR12_ROLE_SECONDARY,
                        .reason = OFPCRR_PRIMARY_REQUEST,
                        .generation_id = sw->election_id,
                    };
                    deliver(other, ofputil_encode_role_status(
                                &rs, ofputil_protocol_from_ofp_version(
                                    OF_VERSION)));
                }
            }
        }
        c->role = rr.role;
    }
    struct ofputil_role_request reply = {
        .role = c->role,
        .have_generation_id = sw->election_defined,
        .generation_id = sw->election_id,
    };
    deliver(c, ofputil_encode_role_reply(oh, &reply));
}

static void
fsw_dump_flows(struct fsw *sw, struct conn *c, const struct ofp_header *oh)
{
    struct ovs_list replies;
    ofpmp_init(&replies, oh);
    for (size_t i = 0; i < sw->n; i++) {
        struct ofputil_flow_stats fs = {
            .match = sw->match[i],
            .cookie = sw->cookie[i],
            .table_id = sw->table_id[i],
            .priority = sw->priority[i],
            .idle_age = -1, .hard_age = -1,
            .ofpacts = sw->acts[i].data,
            .ofpacts_len = sw->acts[i].size,
        };
        ofputil_append_flow_stats_reply(&fs, &replies, NULL);
    }
    of_wire_deliver_all(c->s, &replies);
}

/* An empty group desc reply: these switches hold no group. */
static void
fsw_dump_groups(struct conn *c, const struct ofp_header *oh)
{
    struct ovs_list replies;
    ofpmp_init(&replies, oh);
    of_wire_deliver_all(c->s, &replies);
}

static void
fsw_bundle_add(struct conn *c, const struct ofp_header *oh)
{
    struct ofputil_bundle_add_msg bam;
    enum ofptype type;
    assert_int_equal(ofputil_decode_bundle_add(oh, &bam, &type), 0);
    assert_int_equal(type, OFPTYPE_FLOW_MOD);
    assert_true(c->bundle_open);
    assert_true(c->n_staged < MAX_FLOWS);
    struct ofpbuf *acts = &c->staged_acts[c->n_staged];
    ofpbuf_init(acts, 64);
    struct ofputil_flow_mod *fm = &c->staged[c->n_staged++];
    assert_int_equal(ofputil_decode_flow_mod(
                         fm, bam.msg,
                         ofputil_protocol_from_ofp_version(OF_VERSION),
                         NULL, NULL, acts, OFPP_MAX, 255), 0);
    assert_int_equal(fm->command, OFPFC_ADD);
}

/* Commits the staged flow adds (or, 'commit' false, discards them). */
static void
fsw_bundle_close(struct fsw *sw, struct conn *c, bool commit)
{
    for (size_t i = 0; i < c->n_staged; i++) {
        struct ofputil_flow_mod *fm = &c->staged[i];
        if (commit) {
            assert_true(sw->n < MAX_FLOWS);
            minimatch_expand(&fm->match, &sw->match[sw->n]);
            sw->priority[sw->n] = fm->priority;
            sw->table_id[sw->n] = fm->table_id;
            sw->cookie[sw->n] = fm->new_cookie;
            sw->acts[sw->n] = c->staged_acts[i];
            sw->n++;
            c->n_flow_mods++;
        } else {
            ofpbuf_uninit(&c->staged_acts[i]);
        }
        minimatch_destroy(&fm->match);
    }
    c->n_staged = 0;
    c->bundle_open = false;
}

static void
fsw_bundle_ctrl(struct fsw *sw, struct conn *c, const struct ofp_header *oh)
{
    struct ofputil_bundle_ctrl_msg bc;
    assert_int_equal(ofputil_decode_bundle_ctrl(oh, &bc), 0);
    if (bc.type == OFPBCT_OPEN_REQUEST) {
        c->bundle_open = true;
    } else {
        fsw_bundle_close(sw, c, bc.type == OFPBCT_COMMIT_REQUEST);
    }
}

/* Takes the next message off 'c''s queue and answers it as OVS would.
 * Returns false if there was none. */
static bool
fsw_process_one(struct fsw *sw, struct conn *c)
{
    if (!of_wire_count(&c->wire)) {
        return false;
    }
    struct ofpbuf *msg = of_wire_pop(&c->wire);
    const struct ofp_header *oh = msg->data;
    enum ofptype type = of_wire_type(msg);
    bool is_write = (type == OFPTYPE_BUNDLE_CONTROL
                     || type == OFPTYPE_BUNDLE_ADD_MESSAGE
                     || type == OFPTYPE_PACKET_OUT
                     || type == OFPTYPE_FLOW_MOD);
    if (is_write && c->role == OFPCR12_ROLE_SECONDARY) {
        c->n_refused++;
        refuse(c, oh, OFPERR_OFPBRC_IS_SECONDARY);
        ofpbuf_delete(msg);
        return true;
    }
    switch (type) {
    case OFPTYPE_ROLE_REQUEST:
        fsw_role_request(sw, c, oh);
        break;
    case OFPTYPE_FLOW_STATS_REQUEST:
        fsw_dump_flows(sw, c, oh);
        break;
    case OFPTYPE_GROUP_DESC_STATS_REQUEST:
        fsw_dump_groups(c, oh);
        break;
    case OFPTYPE_BUNDLE_CONTROL:
        fsw_bundle_ctrl(sw, c, oh);
        break;
    case OFPTYPE_BUNDLE_ADD_MESSAGE:
        fsw_bundle_add(c, oh);
        break;
    case OFPTYPE_BARRIER_REQUEST:
        deliver(c, ofpraw_alloc_reply(OFPRAW_OFPT11_BARRIER_REPLY, oh, 0));
        break;
    case OFPTYPE_PACKET_OUT:
        c->n_packet_outs++;
        break;
    case OFPTYPE_SET_ASYNC_CONFIG:
    case OFPTYPE_SET_CONFIG:
        break;
    default:
        fail_msg("unexpected message type %d", (int) type);
    }
    ofpbuf_delete(msg);
    return true;
}

/* Pushes both sessions and answers everything until both are quiet. */
static void
fsw_pump(struct fsw *sw)
{
    bool busy;
    do {
        busy = false;
        for (int i = 0; i < 2; i++) {
            struct conn *c = &sw->conns[i];
            if (c->s) {
                of_session_push(c->s);
                while (fsw_process_one(sw, c)) {
                    busy = true;
                }
            }
        }
    } while (busy);
}

static void
fsw_init(struct fsw *sw)
{
    memset(sw, 0, sizeof *sw);
    for (int i = 0; i < 2; i++) {
        struct conn *c = &sw->conns[i];
        of_wire_init(&c->wire);
        c->role = OFPCR12_ROLE_EQUAL;
        struct of_session_io io = of_wire_io(&c->wire);
        c->s = of_session_create_io(i ? "b" : "a", &io);
    }
}

static void
fsw_destroy(struct fsw *sw)
{
    for (int i = 0; i < 2; i++) {
        struct conn *c = &sw->conns[i];
        of_session_destroy(c->s);
        of_wire_clear(&c->wire);
        fsw_bundle_close(sw, c, false);
    }
    for (size_t i = 0; i < sw->n; i++) {
        ofpbuf_uninit(&sw->acts[i]);
    }
}

/* Makes 's' desire 'n' flows at configuration 'cfg'. */
static void
set_desired(struct of_session *s, int n, int64_t cfg)
{
    struct weft_flows compiled;
    weft_flows_init(&compiled);
    for (int i = 0; i < n; i++) {
        char match[64], actions[32];
        snprintf(match, sizeof match, "in_port=%d,dl_src=02:00:00:00:00:%02x",
                 i + 1, i + 1);
        snprintf(actions, sizeof actions, "output:%d", i + 100);
        assert_true(weft_flows_add_text(&compiled, 0, 100, 0x10 + i, match,
                                        actions));
    }
    flow_state_replace_desired(of_session_flows(s), &compiled);
    of_session_set_desired_cfg(s, cfg, 0, true);
    weft_flows_destroy(&compiled);
}

static struct of_session_stats
stats(const struct of_session *s)
{
    struct of_session_stats st;
    of_session_get_stats(s, &st);
    return st;
}

/* 'c' claims primary with 'generation', connects and desires 'n' flows at
 * 'cfg'; then every message is exchanged. */
static void
claim_and_pump(struct fsw *sw, struct conn *c, uint64_t generation, int n,
               int64_t cfg)
{
    of_session_set_role(c->s, true, generation);
    of_session_connected(c->s, OF_VERSION);
    set_desired(c->s, n, cfg);
    fsw_pump(sw);
}

static struct ofpbuf *
packet_out(void)
{
    static const uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    return of_packet_encode_out(OF_VERSION, 3, frame, sizeof frame);
}

/* The role request goes first on a new connection, before the
 * asynchronous setup and the dump; without a role, none is sent. */
static void
test_role_request_first(void **state)
{
    (void) state;
    struct fsw sw;
    fsw_init(&sw);
    struct conn *a = &sw.conns[0], *b = &sw.conns[1];
    assert_int_equal(of_session_role(a->s), OF_ROLE_NONE);
    assert_string_equal(of_session_role_name(OF_ROLE_NONE), "none");

    of_session_set_role(a->s, true, 7);
    assert_int_equal(of_session_role(a->s), OF_ROLE_CLAIMING);
    assert_true(!of_wire_count(&a->wire));       /* Not connected. */
    of_session_connected(a->s, OF_VERSION);
    struct ofpbuf *first = CONTAINER_OF(ovs_list_front(&a->wire.sent),
                                        struct ofpbuf, list_node);
    assert_int_equal(of_wire_type(first), OFPTYPE_ROLE_REQUEST);
    struct ofputil_role_request rr;
    assert_int_equal(ofputil_decode_role_message(first->data, &rr), 0);
    assert_int_equal(rr.role, OFPCR12_ROLE_PRIMARY);
    assert_true(rr.have_generation_id);
    assert_int_equal(rr.generation_id, 7);
    struct ofpbuf *last = CONTAINER_OF(ovs_list_back(&a->wire.sent),
                                       struct ofpbuf, list_node);
    assert_int_equal(of_wire_type(last), OFPTYPE_FLOW_STATS_REQUEST);

    /* A standby asks the switch's generation first ("nochange"). */
    of_session_set_role(b->s, false, 0);
    assert_int_equal(of_session_role(b->s), OF_ROLE_STANDBY);
    of_session_connected(b->s, OF_VERSION);
    first = CONTAINER_OF(ovs_list_front(&b->wire.sent), struct ofpbuf,
                         list_node);
    assert_int_equal(of_wire_type(first), OFPTYPE_ROLE_REQUEST);
    assert_int_equal(ofputil_decode_role_message(first->data, &rr), 0);
    assert_int_equal(rr.role, OFPCR12_ROLE_NOCHANGE);

    fsw_pump(&sw);
    assert_int_equal(of_session_role(a->s), OF_ROLE_PRIMARY);
    assert_int_equal(of_session_role(b->s), OF_ROLE_STANDBY);
    assert_int_equal(b->role, OFPCR12_ROLE_SECONDARY);
    assert_int_equal(of_session_switch_generation(b->s), 7);
    assert_int_equal(of_session_switch_generation(a->s), 7);
    fsw_destroy(&sw);

    /* No role: no role request at all. */
    fsw_init(&sw);
    of_session_connected(sw.conns[0].s, OF_VERSION);
    fsw_pump(&sw);
    assert_int_equal(sw.conns[0].n_role_requests, 0);
    assert_int_equal(of_session_role(sw.conns[0].s), OF_ROLE_NONE);
    assert_int_equal(of_session_switch_generation(sw.conns[0].s), 0);
    fsw_destroy(&sw);
}

/* A standby reads but never writes: no bundle, no packet-out, cur_cfg stays,
 * even for a configuration that changed nothing. */
static void
test_standby_writes_nothing(void **state)
{
    (void) state;
    struct fsw sw;
    fsw_init(&sw);
    struct conn *b = &sw.conns[1];
    of_session_set_role(b->s, false, 0);
    of_session_connected(b->s, OF_VERSION);
    set_desired(b->s, 4, 3);
    fsw_pump(&sw);
    assert_int_equal(of_session_role(b->s), OF_ROLE_STANDBY);
    assert_int_equal(of_session_state(b->s), OF_SESSION_SYNCED);
    assert_int_equal(stats(b->s).n_dumps, 1);
    assert_int_equal(stats(b->s).n_bundles, 0);
    assert_int_equal(of_session_cur_cfg(b->s), 0);
    assert_false(of_session_send(b->s, packet_out()));
    of_session_set_unchanged_cfg(b->s, 4, 0);
    fsw_pump(&sw);
    assert_int_equal(of_session_cur_cfg(b->s), 0);
    assert_int_equal(sw.n, 0);
    assert_int_equal(b->n_refused, 0);
    assert_int_equal(b->n_packet_outs, 0);

    /* A periodic read-back is a read: allowed, and still no bundle. */
    of_session_force_resync(b->s);
    fsw_pump(&sw);
    assert_int_equal(stats(b->s).n_dumps, 2);
    assert_int_equal(stats(b->s).n_bundles, 0);
    fsw_destroy(&sw);
}

/* Claiming on a live connection: nothing is written before the switch
 * confirms; then a fresh read-back, then the differences. */
static void
test_claim_then_primary(void **state)
{
    (void) state;
    struct fsw sw;
    fsw_init(&sw);
    struct conn *a = &sw.conns[0];
    of_session_set_role(a->s, false, 0);
    of_session_connected(a->s, OF_VERSION);
    set_desired(a->s, 3, 5);
    fsw_pump(&sw);
    assert_int_equal(stats(a->s).n_dumps, 1);

    of_session_set_role(a->s, true, 1);
    assert_int_equal(of_session_role(a->s), OF_ROLE_CLAIMING);
    of_session_push(a->s);
    assert_int_equal(of_wire_count(&a->wire), 1);   /* The request only. */
    assert_false(of_session_send(a->s, packet_out()));
    assert_true(fsw_process_one(&sw, a));
    assert_int_equal(of_session_role(a->s), OF_ROLE_PRIMARY);
    assert_int_equal(of_session_state(a->s), OF_SESSION_DUMPING);
    assert_int_equal(stats(a->s).n_dumps, 2);
    fsw_pump(&sw);
    assert_int_equal(sw.n, 3);
    assert_int_equal(stats(a->s).n_flow_mods, 3);
    assert_int_equal(of_session_cur_cfg(a->s), 5);
    assert_true(of_session_send(a->s, packet_out()));
    fsw_pump(&sw);
    assert_int_equal(a->n_packet_outs, 1);

    /* Same role and generation again: no new request. */
    size_t n = stats(a->s).n_role_requests;
    of_session_set_role(a->s, true, 1);
    assert_int_equal(stats(a->s).n_role_requests, n);
    assert_int_equal(a->n_refused, 0);
    fsw_destroy(&sw);
}

/* The standby takes over: the old primary is demoted (role status, STALE),
 * the new one reads the flows back and, with the same desired flows, sends
 * 0 flow_mods; the stale one writes nothing any more. */
static void
test_takeover_zero_flow_mods(void **state)
{
    (void) state;
    struct fsw sw;
    fsw_init(&sw);
    struct conn *a = &sw.conns[0], *b = &sw.conns[1];
    of_session_set_role(a->s, true, 1);
    of_session_set_role(b->s, false, 0);
    of_session_connected(a->s, OF_VERSION);
    of_session_connected(b->s, OF_VERSION);
    set_desired(a->s, 5, 10);
    set_desired(b->s, 5, 10);
    fsw_pump(&sw);
    assert_int_equal(sw.n, 5);
    assert_int_equal(of_session_cur_cfg(a->s), 10);
    assert_int_equal(stats(b->s).n_bundles, 0);

    of_session_set_role(b->s, true, 2);
    fsw_pump(&sw);
    assert_int_equal(of_session_role(b->s), OF_ROLE_PRIMARY);
    assert_int_equal(of_session_role(a->s), OF_ROLE_STALE);
    assert_string_equal(of_session_role_name(OF_ROLE_STALE), "stale");
    assert_int_equal(stats(a->s).n_demotions, 1);
    assert_int_equal(of_session_switch_generation(a->s), 2);
    assert_int_equal(stats(b->s).n_flow_mods, 0);
    assert_int_equal(stats(b->s).n_bundles, 0);
    assert_int_equal(of_session_cur_cfg(b->s), 10);     /* Confirmed. */

    /* A change: only the new primary installs it; the stale one keeps it
     * pending and its cur_cfg does not move. */
    set_desired(a->s, 6, 11);
    set_desired(b->s, 6, 11);
    fsw_pump(&sw);
    assert_int_equal(sw.n, 6);
    assert_int_equal(b->n_flow_mods, 1);
    assert_int_equal(a->n_flow_mods, 5);
    assert_int_equal(of_session_cur_cfg(a->s), 10);
    assert_int_equal(of_session_cur_cfg(b->s), 11);
    assert_false(of_session_send(a->s, packet_out()));
    assert_int_equal(a->n_refused + b->n_refused, 0);
    fsw_destroy(&sw);
}

/* A claim older than the switch's newest is refused (STALE); the session
 * then learns the switch's generation; a claim above it succeeds. */
static void
test_stale_claim(void **state)
{
    (void) state;
    struct fsw sw;
    fsw_init(&sw);
    struct conn *a = &sw.conns[0], *b = &sw.conns[1];
    claim_and_pump(&sw, a, 5, 2, 1);
    assert_int_equal(of_session_role(a->s), OF_ROLE_PRIMARY);

    claim_and_pump(&sw, b, 3, 4, 1);
    assert_int_equal(of_session_role(b->s), OF_ROLE_STALE);
    assert_int_equal(of_session_switch_generation(b->s), 5);
    assert_int_equal(of_session_role(a->s), OF_ROLE_PRIMARY);
    assert_int_equal(stats(b->s).n_bundles, 0);
    assert_int_equal(sw.n, 2);

    of_session_set_role(b->s, true, 6);
    fsw_pump(&sw);
    assert_int_equal(of_session_role(b->s), OF_ROLE_PRIMARY);
    assert_int_equal(of_session_role(a->s), OF_ROLE_STALE);
    assert_int_equal(sw.n, 4);
    assert_int_equal(b->n_flow_mods, 2);
    assert_int_equal(a->n_refused + b->n_refused, 0);
    fsw_destroy(&sw);
}

/* Demoted with a bundle on the wire: the switch refuses what it had not
 * processed yet; the session drops the bundle, reads back, stays quiet. */
static void
test_demoted_mid_bundle(void **state)
{
    (void) state;
    struct fsw sw;
    fsw_init(&sw);
    struct conn *a = &sw.conns[0], *b = &sw.conns[1];
    of_session_set_role(a->s, true, 1);
    of_session_set_role(b->s, false, 0);
    of_session_connected(a->s, OF_VERSION);
    of_session_connected(b->s, OF_VERSION);
    fsw_pump(&sw);

    set_desired(a->s, 3, 2);
    of_session_push(a->s);
    assert_int_equal(of_session_state(a->s), OF_SESSION_BUNDLE_SENT);
    /* b claims before the switch reads a's bundle. */
    of_session_set_role(b->s, true, 2);
    while (fsw_process_one(&sw, b)) {
        continue;
    }
    assert_int_equal(of_session_role(a->s), OF_ROLE_STALE);
    assert_int_equal(of_session_state(a->s), OF_SESSION_DUMPING);
    fsw_pump(&sw);
    assert_true(a->n_refused > 0);      /* The bundle, refused by the switch. */
    assert_int_equal(stats(a->s).n_bundles, 1);     /* No new one. */
    assert_int_equal(a->n_flow_mods, 0);
    assert_int_equal(sw.n, 0);
    assert_int_equal(of_session_state(a->s), OF_SESSION_SYNCED);
    assert_int_equal(of_session_cur_cfg(a->s), 0);
    /* Nothing more from a, whatever changes. */
    size_t refused = a->n_refused;
    set_desired(a->s, 4, 3);
    fsw_pump(&sw);
    assert_int_equal(a->n_refused, refused);
    assert_int_equal(sw.n, 0);
    fsw_destroy(&sw);
}

/* This weftd steps down by itself (lost its lock): a bundle not yet handed
 * over is dropped at once, and the session reads back. */
static void
test_step_down_drops_bundle(void **state)
{
    (void) state;
    struct fsw sw;
    fsw_init(&sw);
    struct conn *a = &sw.conns[0];
    of_session_set_role(a->s, true, 1);
    of_session_connected(a->s, OF_VERSION);
    fsw_pump(&sw);
    of_session_set_tx_limit(a->s, 1);   /* One message per push. */
    set_desired(a->s, 3, 2);
    of_session_push(a->s);
    assert_int_equal(of_session_state(a->s), OF_SESSION_BUNDLE_SENT);
    of_session_set_role(a->s, false, 0);
    assert_int_equal(of_session_state(a->s), OF_SESSION_DUMPING);
    fsw_pump(&sw);
    assert_int_equal(sw.n, 0);
    assert_int_equal(a->n_refused, 0);      /* Dropped before the switch. */
    assert_int_equal(of_session_role(a->s), OF_ROLE_STANDBY);
    assert_int_equal(of_session_cur_cfg(a->s), 0);
    fsw_destroy(&sw);
}

/* A standby's secondary request races with a new claim: refused as stale,
 * it asks again with the newer generation. */
static void
test_secondary_race(void **state)
{
    (void) state;
    struct fsw sw;
    fsw_init(&sw);
    struct conn *a = &sw.conns[0], *b = &sw.conns[1];
    of_session_set_role(a->s, true, 4);
    of_session_connected(a->s, OF_VERSION);
    fsw_pump(&sw);
    of_session_set_role(b->s, false, 0);
    of_session_connected(b->s, OF_VERSION);
    assert_true(fsw_process_one(&sw, b));   /* nochange: 4. */
    of_session_set_role(a->s, true, 9);
    while (fsw_process_one(&sw, a)) {
        continue;
    }
    fsw_pump(&sw);
    assert_int_equal(of_session_role(b->s), OF_ROLE_STANDBY);
    assert_int_equal(b->role, OFPCR12_ROLE_SECONDARY);
    assert_int_equal(of_session_switch_generation(b->s), 9);
    assert_int_equal(of_session_role(a->s), OF_ROLE_PRIMARY);
    fsw_destroy(&sw);
}

/* The switch of a primary goes down: a configuration that changes none of
 * its flows is still confirmed (weftctl sync does not wait for a switch that
 * has nothing to install), as before roles; a stale session confirms
 * nothing. */
static void
test_unchanged_cfg_while_down(void **state)
{
    (void) state;
    struct fsw sw;
    fsw_init(&sw);
    struct conn *a = &sw.conns[0];
    claim_and_pump(&sw, a, 3, 2, 5);
    assert_int_equal(of_session_role(a->s), OF_ROLE_PRIMARY);
    assert_int_equal(of_session_cur_cfg(a->s), 5);

    of_session_disconnected(a->s);
    assert_int_equal(of_session_role(a->s), OF_ROLE_CLAIMING);
    of_session_set_unchanged_cfg(a->s, 6, 0);
    assert_int_equal(of_session_cur_cfg(a->s), 6);

    fsw_destroy(&sw);

    /* Demoted by a newer claim: stale, confirms nothing, down or not. */
    fsw_init(&sw);
    a = &sw.conns[0];
    claim_and_pump(&sw, a, 3, 2, 5);
    assert_int_equal(of_session_cur_cfg(a->s), 5);
    struct conn *b = &sw.conns[1];
    claim_and_pump(&sw, b, 4, 2, 5);
    assert_int_equal(of_session_role(a->s), OF_ROLE_STALE);
    of_session_set_unchanged_cfg(a->s, 6, 0);
    assert_int_equal(of_session_cur_cfg(a->s), 5);
    of_session_disconnected(a->s);
    of_session_set_unchanged_cfg(a->s, 7, 0);
    assert_int_equal(of_session_cur_cfg(a->s), 5);
    fsw_destroy(&sw);
}

/* Reconnecting asks the role again; a session without a role ignores role
 * status messages. */
static void
test_reconnect_asks_again(void **state)
{
    (void) state;
    struct fsw sw;
    fsw_init(&sw);
    struct conn *a = &sw.conns[0];
    of_session_set_role(a->s, true, 3);
    of_session_connected(a->s, OF_VERSION);
    fsw_pump(&sw);
    assert_int_equal(of_session_role(a->s), OF_ROLE_PRIMARY);
    of_session_disconnected(a->s);
    assert_int_equal(of_session_role(a->s), OF_ROLE_CLAIMING);
    a->role = OFPCR12_ROLE_EQUAL;           /* A new connection. */
    of_session_connected(a->s, OF_VERSION);
    fsw_pump(&sw);
    assert_int_equal(of_session_role(a->s), OF_ROLE_PRIMARY);
    assert_int_equal(a->n_role_requests, 2);

    /* Stale, then the switch restarts (it forgets every generation): the
     * stale session does not claim its old generation again. */
    struct conn *b0 = &sw.conns[1];
    of_session_set_role(b0->s, true, 4);
    of_session_connected(b0->s, OF_VERSION);
    fsw_pump(&sw);
    assert_int_equal(of_session_role(a->s), OF_ROLE_STALE);
    of_session_disconnected(a->s);
    of_session_disconnected(b0->s);
    assert_int_equal(of_session_role(a->s), OF_ROLE_STALE);
    sw.election_defined = false;
    a->role = b0->role = OFPCR12_ROLE_EQUAL;
    set_desired(a->s, 2, 7);
    of_session_connected(a->s, OF_VERSION);
    fsw_pump(&sw);
    assert_int_equal(of_session_role(a->s), OF_ROLE_STALE);
    assert_int_equal(a->n_flow_mods, 0);
    assert_int_equal(sw.n, 0);
    of_session_connected(b0->s, OF_VERSION);
    fsw_pump(&sw);
    assert_int_equal(of_session_role(b0->s), OF_ROLE_PRIMARY);
    assert_int_equal(of_session_role(a->s), OF_ROLE_STALE);
    fsw_destroy(&sw);
    fsw_init(&sw);

    struct conn *b = &sw.conns[1];
    of_session_connected(b->s, OF_VERSION);
    fsw_pump(&sw);
    struct ofputil_role_status rs = { .role = OFPCR12_ROLE_SECONDARY,
                                      .generation_id = 8 };
    deliver(b, ofputil_encode_role_status(
                &rs, ofputil_protocol_from_ofp_version(OF_VERSION)));
    assert_int_equal(of_session_role(b->s), OF_ROLE_NONE);
    assert_true(of_session_send(b->s, packet_out()));
    fsw_pump(&sw);
    assert_int_equal(b->n_packet_outs, 1);
    fsw_destroy(&sw);
}

int
main(void)
{
    of_session_set_verify_interval(0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_request_first),
        cmocka_unit_test(test_standby_writes_nothing),
        cmocka_unit_test(test_claim_then_primary),
        cmocka_unit_test(test_takeover_zero_flow_mods),
        cmocka_unit_test(test_stale_claim),
        cmocka_unit_test(test_demoted_mid_bundle),
        cmocka_unit_test(test_step_down_drops_bundle),
        cmocka_unit_test(test_secondary_race),
        cmocka_unit_test(test_unchanged_cfg_while_down),
        cmocka_unit_test(test_reconnect_asks_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
