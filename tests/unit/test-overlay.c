/* test-overlay: the multi-host parts of the flow compiler.
 *
 * Three hosts and networks spread so that every host pair shares a different
 * set: the tunnel mesh, remote L2 forwarding, head-end replication, split
 * horizon, tunnel-key and VLAN ingress checks are all visible in the flow
 * text of one host. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "changes.h"
#include "compiler.h"
#include "flow-text.h"
#include "host-fixture.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "packets.h"
#include "pipeline.h"
#include "simap.h"
#include "sset.h"
#include "topology.h"
#include "util.h"
#include "uuidset.h"

struct fx {
    struct topology topo;
    struct topo_host *h[4];         /* h[1..3]. */
    struct topo_network *a, *b, *c, *v;
    int next_uuid;
};

static struct uuid
next_uuid(struct fx *fx)
{
    struct uuid u = { .parts = { ++fx->next_uuid, 0x77, 0, 0 } };
    return u;
}

static void
add_port(struct fx *fx, struct topo_network *net, int host, int n)
{
    char name[16], iface[16];
    snprintf(name, sizeof name, "p%d", n);
    snprintf(iface, sizeof iface, "if%d", n);
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
    mac.ea[5] = n;
    ovs_be32 ip = htonl(0x0a000000 | n);
    struct uuid u = next_uuid(fx);
    topology_add_port(&fx->topo, &u, net, fx->h[host], name, iface, mac, &ip,
                      1, n);
}

/* a: vxlan 1001 on h1, h2.  b: gre 2001 on h1, h3.  c: vxlan 1003 on h2, h3.
 * v: vlan 101 on h1, h2, h3 (h1 and h2 have uplinks, h3 has none). */
static void
fx_init(struct fx *fx)
{
    memset(fx, 0, sizeof *fx);
    topology_init(&fx->topo);
    static const char *uplinks[] = { NULL, "up1", "up2", NULL };
    for (int i = 1; i <= 3; i++) {
        struct uuid u = next_uuid(fx);
        fx->h[i] = host_fixture_add(&fx->topo, &u, i, uplinks[i]);
    }
    struct uuid u = next_uuid(fx);
    struct topo_tenant *t = topology_add_tenant(&fx->topo, &u, "red", 1);
    u = next_uuid(fx);
    fx->a = topology_add_network(&fx->topo, &u, t, "a", TOPO_NET_VXLAN, 1001,
                                 0, 1);
    u = next_uuid(fx);
    fx->b = topology_add_network(&fx->topo, &u, t, "b", TOPO_NET_GRE, 2001,
                                 0, 2);
    u = next_uuid(fx);
    fx->c = topology_add_network(&fx->topo, &u, t, "c", TOPO_NET_VXLAN, 1003,
                                 0, 3);
    u = next_uuid(fx);
    fx->v = topology_add_network(&fx->topo, &u, t, "v", TOPO_NET_VLAN, 101,
                                 0, 4);
    add_port(fx, fx->a, 1, 1);
    add_port(fx, fx->a, 2, 2);
    add_port(fx, fx->b, 1, 3);
    add_port(fx, fx->b, 3, 4);
    add_port(fx, fx->c, 2, 5);
    add_port(fx, fx->c, 3, 6);
    add_port(fx, fx->v, 1, 7);
    add_port(fx, fx->v, 2, 8);
    add_port(fx, fx->v, 3, 9);
}

static char *
tunnels_text(struct fx *fx, int host)
{
    struct weft_tunnel *t;
    size_t n = compile_host_tunnels(&fx->topo, fx->h[host], &t);
    struct ds s = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&s, "%s %s %s;", t[i].name,
                      weft_tunnel_iface_type(t[i].type), t[i].remote->name);
    }
    free(t);
    return ds_steal_cstr(&s);
}

static void
test_tunnel_mesh(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);

    /* One tunnel per (type, remote host) sharing a network; none for VLAN. */
    char *s = tunnels_text(&fx, 1);
    assert_string_equal(s, "gr-h3 gre h3;vx-h2 vxlan h2;");
    free(s);
    s = tunnels_text(&fx, 2);
    assert_string_equal(s, "vx-h1 vxlan h1;vx-h3 vxlan h3;");
    free(s);
    s = tunnels_text(&fx, 3);
    assert_string_equal(s, "gr-h1 gre h1;vx-h2 vxlan h2;");
    free(s);

    /* A host without a tunnel IP neither has nor is the end of a tunnel. */
    free(fx.h[3]->tunnel_ip);
    fx.h[3]->tunnel_ip = NULL;
    s = tunnels_text(&fx, 3);
    assert_string_equal(s, "");
    free(s);
    s = tunnels_text(&fx, 1);
    assert_string_equal(s, "vx-h2 vxlan h2;");
    free(s);
    topology_destroy(&fx.topo);
}

static void
test_tunnel_names(void **state)
{
    (void) state;
    struct topo_host h = { .name = (char *) "h1" };
    char name[16];
    weft_tunnel_name(TOPO_NET_GENEVE, &h, name);
    assert_string_equal(name, "gv-h1");

    h.name = (char *) "a-very-long-hypervisor-name";
    weft_tunnel_name(TOPO_NET_VXLAN, &h, name);
    assert_int_equal(strlen(name), 11);
    assert_memory_equal(name, "vx-", 3);
    char again[16];
    weft_tunnel_name(TOPO_NET_VXLAN, &h, again);
    assert_string_equal(name, again);
    h.name = (char *) "a-very-long-hypervisor-name2";
    weft_tunnel_name(TOPO_NET_VXLAN, &h, again);
    assert_string_not_equal(name, again);
}

/* Compiles h1's flows into 'flows' (initialized here) with the interfaces
 * in 'ofports' plugged in; returns their text (malloc'd). */
static char *
compile_h1_with(struct fx *fx, const struct simap *ofports,
                struct weft_flows *flows)
{
    weft_flows_init(flows);
    compile_host_flows(&fx->topo, fx->h[1], ofports, flows);
    struct ds s = DS_EMPTY_INITIALIZER;
    weft_flows_format(flows, &s);
    return ds_steal_cstr(&s);
}

/* h1 with every port, tunnel and the uplink plugged in. */
static char *
compile_h1(struct fx *fx, struct weft_flows *flows)
{
    struct simap ofports = SIMAP_INITIALIZER(&ofports);
    simap_put(&ofports, "if1", 1);
    simap_put(&ofports, "if3", 3);
    simap_put(&ofports, "if7", 7);
    simap_put(&ofports, "vx-h2", 20);
    simap_put(&ofports, "gr-h3", 30);
    simap_put(&ofports, "up1", 40);
    char *text = compile_h1_with(fx, &ofports, flows);
    simap_destroy(&ofports);
    return text;
}

static bool
has_line(const char *text, const char *needle)
{
    return strstr(text, needle) != NULL;
}

static void
test_remote_flows(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    struct weft_flows flows;
    char *text = compile_h1(&fx, &flows);

    /* Tunnel ingress: only the keys h1 shares with that remote host. */
    assert_true(has_line(text, "table=0, priority=100, cookie=0x5700010001000000, "
                         "tun_id=0x3e9,in_port=20 actions=set_field:0x1->metadata,"
                         "set_field:0x1/0x1->reg10,goto_table:30\n"));
    assert_true(has_line(text, "tun_id=0x7d1,in_port=30 "));
    assert_false(has_line(text, "tun_id=0x3eb"));       /* c: not on h1. */
    assert_false(has_line(text, "tun_id=0x7d1,in_port=20"));
    assert_false(has_line(text, "tun_id=0x3e9,in_port=30"));

    /* Remote unicast: straight to the owner's host, never from remote. */
    assert_true(has_line(text, "table=30, priority=100, cookie=0x5700010001000002, "
                         "reg10=0/0x1,metadata=0x1,dl_dst=02:00:00:00:00:02 "
                         "actions=set_field:0x3e9->tun_id,output:20\n"));
    assert_true(has_line(text, "reg10=0/0x1,metadata=0x2,dl_dst=02:00:00:00:00:04 "
                         "actions=set_field:0x7d1->tun_id,output:30\n"));

    /* Head-end replication to the hosts of the network only; split
     * horizon for what came from remote. */
    assert_true(has_line(text, "table=40, priority=100, cookie=0x5700010001000000, "
                         "metadata=0x1 actions=output:1,set_field:0x3e9->tun_id,"
                         "output:20\n"));
    assert_true(has_line(text, "table=40, priority=110, cookie=0x5700010001000000, "
                         "reg10=0x1/0x1,metadata=0x1 actions=output:1\n"));
    assert_true(has_line(text, "metadata=0x2 actions=output:3,"
                         "set_field:0x7d1->tun_id,output:30\n"));

    /* VLAN: ingress by VLAN ID with the tag popped; h2's port via the
     * uplink with the tag pushed; h3 has no uplink, so no way to reach its
     * port (but ARP is still answered for it). */
    assert_true(has_line(text, "table=0, priority=100, cookie=0x5700010004000000, "
                         "in_port=40,dl_vlan=101 actions=pop_vlan,"
                         "set_field:0x4->metadata,set_field:0x1/0x1->reg10,"
                         "goto_table:30\n"));
    assert_true(has_line(text, "reg10=0/0x1,metadata=0x4,dl_dst=02:00:00:00:00:08 "
                         "actions=push_vlan:0x8100,set_field:4197->vlan_vid,"
                         "output:40\n"));
    assert_false(has_line(text, "dl_dst=02:00:00:00:00:09"));
    assert_true(has_line(text, "arp_tpa=10.0.0.9,"));
    assert_true(has_line(text, "metadata=0x4 actions=output:7,push_vlan:0x8100,"
                         "set_field:4197->vlan_vid,output:40\n"));

    /* No flow ever sends from remote back to remote: every flow that
     * outputs to a tunnel or the uplink requires the flag clear, or is the
     * p100 flood whose from-remote twin at p110 outputs locally only. */
    const struct weft_flow *f;
    HMAP_FOR_EACH (f, node, &flows.flows) {
        bool to_remote = strstr(flow_actions_s(f), "output:20")
                         || strstr(flow_actions_s(f), "output:30")
                         || strstr(flow_actions_s(f), "output:40");
        if (to_remote && f->table_id == WEFT_TABLE_L2_LOOKUP) {
            assert_non_null(strstr(flow_match_s(f), "reg10=0/0x1"));
        }
        if (f->priority == WEFT_PRIO_FLOOD_REMOTE) {
            assert_false(to_remote);
        }
    }

    /* Every flow parses as OpenFlow 1.3+. */
    HMAP_FOR_EACH (f, node, &flows.flows) {
        char *s = xasprintf("table=%d,priority=%d,%s%sactions=%s",
                            f->table_id, f->priority, flow_match_s(f),
                            flow_match_s(f)[0] ? "," : "", flow_actions_s(f));
        struct ofputil_flow_mod fm;
        enum ofputil_protocol usable;
        char *error = parse_ofp_flow_mod_str(&fm, s, NULL, NULL, OFPFC_ADD,
                                             &usable);
        if (error) {
            fail_msg("%s: %s", s, error);
        }
        assert_true(usable & OFPUTIL_P_OF13_OXM);
        minimatch_destroy(&fm.match);
        free(fm.ofpacts);
        free(s);
    }

    free(text);
    weft_flows_destroy(&flows);
    topology_destroy(&fx.topo);
}

/* Until a tunnel has an ofport, the hosts behind it are unreachable and
 * nothing refers to it; the network still floods locally. */
static void
test_tunnel_without_ofport(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    struct simap ofports = SIMAP_INITIALIZER(&ofports);
    simap_put(&ofports, "if1", 1);
    struct weft_flows flows;
    char *text = compile_h1_with(&fx, &ofports, &flows);
    assert_false(has_line(text, "tun_id"));
    assert_false(has_line(text, "reg10=0x1/0x1"));
    assert_false(has_line(text, "reg10=0/0x1"));
    assert_false(has_line(text, "0x1/0x1->reg10"));
    assert_true(has_line(text, "metadata=0x1 actions=output:1\n"));
    free(text);
    weft_flows_destroy(&flows);
    simap_destroy(&ofports);
    topology_destroy(&fx.topo);
}

/* A port whose interface name is weft's own (a tunnel's, the uplink's,
 * br-int's), in a row that validation would refuse today, gets no flow that
 * uses that ofport: it would otherwise take the tunnel (other tenants'
 * traffic), the VLAN trunk or the host's own stack (LOCAL) over. */
static void
test_infrastructure_names(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    struct uuid u = next_uuid(&fx);
    struct topo_tenant *blue = topology_add_tenant(&fx.topo, &u, "blue", 2);
    u = next_uuid(&fx);
    struct topo_network *net = topology_add_network(&fx.topo, &u, blue, "x",
                                                    TOPO_NET_VXLAN, 3001, 0,
                                                    5);
    static const char *const ifaces[] = { "vx-h2", "up1", "br-int" };
    for (size_t i = 0; i < ARRAY_SIZE(ifaces); i++) {
        struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 60);
        mac.ea[5] += i + 1;
        ovs_be32 ip = htonl(0x0a000060 + i + 1);
        u = next_uuid(&fx);
        char name[8];
        snprintf(name, sizeof name, "q%"PRIuSIZE, i + 1);
        topology_add_port(&fx.topo, &u, net, fx.h[1], name, ifaces[i], mac,
                          &ip, 1, 60 + i);
    }

    struct simap ofports = SIMAP_INITIALIZER(&ofports);
    simap_put(&ofports, "if1", 1);
    simap_put(&ofports, "vx-h2", 20);
    simap_put(&ofports, "up1", 40);
    simap_put(&ofports, "br-int", 65534);       /* OFPP_LOCAL. */
    struct weft_flows flows;
    char *text = compile_h1_with(&fx, &ofports, &flows);

    const struct weft_flow *f;
    HMAP_FOR_EACH (f, node, &flows.flows) {
        if (strstr(flow_match_s(f), "dl_src=02:00:00:00:00:6")
            || (strstr(flow_match_s(f), "dl_dst=02:00:00:00:00:6")
                && f->table_id == WEFT_TABLE_L2_LOOKUP)
            || strstr(flow_match_s(f), "65534")
            || strstr(flow_actions_s(f), "65534")
            || strstr(flow_actions_s(f), "LOCAL")) {
            fail_msg("flow for an infrastructure name: table=%d %s "
                     "actions=%s", f->table_id, flow_match_s(f),
                     flow_actions_s(f));
        }
    }
    /* The tunnel itself still carries red's network a, and the blue
     * network is known (its IPs answered), just not reachable. */
    assert_true(has_line(text, "tun_id=0x3e9,in_port=20 "));
    assert_true(has_line(text, "arp_tpa=10.0.0.97,"));
    free(text);
    weft_flows_destroy(&flows);
    simap_destroy(&ofports);
    topology_destroy(&fx.topo);
}

static void
test_mtu_rule(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    assert_int_equal(topo_network_mtu(&fx.topo, fx.a), 1450);
    assert_int_equal(topo_network_mtu(&fx.topo, fx.b), 1454);
    assert_int_equal(topo_network_mtu(&fx.topo, fx.v), 1496);
    fx.topo.underlay_mtu = 9000;
    assert_int_equal(topo_network_mtu(&fx.topo, fx.a), 8950);
    fx.a->mtu = 1300;
    assert_int_equal(topo_network_mtu(&fx.topo, fx.a), 1300);
    assert_int_equal(topo_encap_overhead(TOPO_NET_GENEVE), 50);
    topology_destroy(&fx.topo);
}

/* Returns the hosts topo_changes_hosts() routes 'c' to in fx's topology, as
 * "h1 h2 " (sorted; a UUID fx does not hold as "gone "). */
static char *
routed(const struct fx *fx, const struct topo_changes *c)
{
    struct uuidset hosts = UUIDSET_INITIALIZER(&hosts);
    topo_changes_hosts(&fx->topo, c, &hosts);
    struct sset names = SSET_INITIALIZER(&names);
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, &hosts) {
        const struct topo_host *h = topology_find_host(&fx->topo,
                                                       &node->uuid);
        sset_add(&names, h ? h->name : "gone");
    }
    uuidset_destroy(&hosts);
    struct ds s = DS_EMPTY_INITIALIZER;
    const char **sorted = sset_sort(&names);
    for (size_t i = 0; sorted[i]; i++) {
        ds_put_format(&s, "%s ", sorted[i]);
    }
    free(sorted);
    sset_destroy(&names);
    return ds_steal_cstr(&s);
}

static void
check_routed(const struct fx *fx, struct topo_changes *c, const char *want)
{
    char *got = routed(fx, c);
    assert_string_equal(got, want);
    free(got);
    topo_changes_clear(c);
}

/* topo_changes_hosts(), the one routing rule of weftd (which hosts
 * recompile) and of the REST API (which hosts ?wait=installed waits for):
 * every kind of change reaches exactly the hosts whose flows it can change.
 * Networks: a on h1 h2, b on h1 h3, c on h2 h3, v on all three; h4 has no
 * port. */
static void
test_changes_hosts(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx);
    struct uuid u4 = { .parts = { 800, 0x77, 0, 0 } };
    topology_add_host(&fx.topo, &u4, "h4", "unix:/run/h4/db.sock", NULL,
                      "192.0.2.4", "netdev", NULL);
    struct topo_changes c;
    topo_changes_init(&c);

    check_routed(&fx, &c, "");                  /* Nothing changed. */
    c.all = true;                               /* Unknown extent. */
    check_routed(&fx, &c, "h1 h2 h3 h4 ");

    /* A changed network (a port added to or modified in it, or its own
     * row, or its tenant's key): the hosts with a port in it. */
    uuidset_insert(&c.networks, &fx.a->uuid);
    check_routed(&fx, &c, "h1 h2 ");
    uuidset_insert(&c.networks, &fx.c->uuid);
    check_routed(&fx, &c, "h2 h3 ");
    uuidset_insert(&c.networks, &fx.a->uuid);
    uuidset_insert(&c.networks, &fx.b->uuid);
    check_routed(&fx, &c, "h1 h2 h3 ");

    /* A deleted network: its ports' deletions name their old hosts. */
    struct uuid gone = { .parts = { 999, 0x77, 0, 0 } };
    uuidset_insert(&c.networks, &gone);
    check_routed(&fx, &c, "");
    uuidset_insert(&c.networks, &gone);
    uuidset_insert(&c.port_hosts, &fx.h[3]->uuid);
    check_routed(&fx, &c, "h3 ");

    /* A tenant change alone reaches nothing: the loader lists its
     * networks too (changes.h). */
    uuidset_insert(&c.tenants, &fx.a->tenant->uuid);
    check_routed(&fx, &c, "");

    /* A port moved from h1 (a's last port there, say) to h4: both. */
    uuidset_insert(&c.port_hosts, &fx.h[1]->uuid);
    uuidset_insert(&c.port_hosts, &u4);
    check_routed(&fx, &c, "h1 h4 ");

    /* A changed host row: itself and every host it shares a network with
     * (they reach it by its tunnel IP or uplink). */
    uuidset_insert(&c.hosts, &u4);
    check_routed(&fx, &c, "h4 ");
    uuidset_insert(&c.hosts, &fx.h[1]->uuid);
    check_routed(&fx, &c, "h1 h2 h3 ");
    /* A deleted host: only its own UUID (nothing left to install there). */
    uuidset_insert(&c.hosts, &gone);
    check_routed(&fx, &c, "gone ");

    /* The same through the diff, from a real change: c loses its only
     * port on h3 (key 6) and h2 gets a new port in c. */
    struct fx new;
    fx_init(&new);
    topology_add_host(&new.topo, &u4, "h4", "unix:/run/h4/db.sock", NULL,
                      "192.0.2.4", "netdev", NULL);
    struct topo_port *p;
    TOPOLOGY_FOR_EACH_PORT (p, &new.topo) {
        if (p->key == 6) {
            topology_remove_port(&new.topo, p);
            break;
        }
    }
    add_port(&new, new.c, 2, 40);
    topo_changes_diff(&fx.topo, &new.topo, &c);
    check_routed(&new, &c, "h2 h3 ");

    topo_changes_destroy(&c);
    topology_destroy(&new.topo);
    topology_destroy(&fx.topo);
}

/* Returns the hosts topo_changes_diff_hosts() finds from 'old' to 'new', as
 * "h1 h2 " (sorted). */
static char *
changed_hosts(const struct fx *old, const struct fx *new)
{
    struct sset hosts = SSET_INITIALIZER(&hosts);
    topo_changes_diff_hosts(&old->topo, &new->topo, &hosts);
    struct ds s = DS_EMPTY_INITIALIZER;
    const char **names = sset_sort(&hosts);
    for (size_t i = 0; names[i]; i++) {
        ds_put_format(&s, "%s ", names[i]);
    }
    free(names);
    sset_destroy(&hosts);
    return ds_steal_cstr(&s);
}

/* What "?wait=installed" and "weftctl --wait" wait for: every host whose
 * flows a change touches (a new port in a network reaches every host with a
 * port in it), and no other. */
static void
test_changed_hosts(void **state)
{
    (void) state;
    struct fx old, new;
    fx_init(&old);
    fx_init(&new);              /* Same UUIDs: the same database twice. */
    char *s = changed_hosts(&old, &new);
    assert_string_equal(s, "");
    free(s);

    add_port(&new, new.a, 1, 40);       /* a is on h1 and h2. */
    s = changed_hosts(&old, &new);
    assert_string_equal(s, "h1 h2 ");
    free(s);

    add_port(&old, old.a, 1, 40);       /* c is on h2 and h3. */
    add_port(&new, new.c, 3, 41);
    s = changed_hosts(&old, &new);
    assert_string_equal(s, "h2 h3 ");
    free(s);
    topology_destroy(&new.topo);

    /* A port of a new network on h3: h3 only, though h1 has networks. */
    fx_init(&new);
    add_port(&new, new.a, 1, 40);
    struct uuid u = { .parts = { 900, 0x77, 0, 0 } };
    struct topo_network *d = topology_add_network(
        &new.topo, &u, new.a->tenant, "d", TOPO_NET_VXLAN, 1004, 0, 9);
    add_port(&new, d, 3, 42);
    s = changed_hosts(&old, &new);
    assert_string_equal(s, "h3 ");
    free(s);

    /* A new host is changed; one the change removes is not named. */
    u.parts[0] = 901;
    topology_add_host(&new.topo, &u, "h4", "unix:/run/h4/db.sock", NULL,
                      "192.0.2.4", "netdev", NULL);
    s = changed_hosts(&old, &new);
    assert_string_equal(s, "h3 h4 ");
    free(s);
    s = changed_hosts(&new, &old);
    assert_string_equal(s, "h3 ");
    free(s);
    topology_destroy(&old.topo);
    topology_destroy(&new.topo);
}

static void
check_targets(const char *ovsdb, const char *openflow, const char *want_of,
              const char *want_ctl)
{
    struct topo_host h = {
        .ovsdb_remote = (char *) ovsdb,
        .openflow_remote = (char *) openflow,
    };
    char *of, *ctl;
    topo_host_openflow_targets(&h, &of, &ctl);
    assert_string_equal(of, want_of);
    if (want_ctl) {
        assert_non_null(ctl);
        assert_string_equal(ctl, want_ctl);
    } else {
        assert_null(ctl);
    }
    free(of);
    free(ctl);
}

/* How weftd reaches br-int: the bridge's management socket next to a unix:
 * database, or a passive listener bound to a tcp: host's address. */
static void
test_openflow_targets(void **state)
{
    (void) state;
    check_targets("unix:/run/lab/h1/db.sock", NULL,
                  "unix:/run/lab/h1/br-int.mgmt", NULL);
    check_targets("tcp:192.0.2.7:6640", NULL, "tcp:192.0.2.7:6653",
                  "ptcp:6653:192.0.2.7");
    check_targets("tcp:192.0.2.7:6640", "tcp:198.51.100.1:7000",
                  "tcp:198.51.100.1:7000", "ptcp:7000:198.51.100.1");
    /* ssl: hosts get SSL OpenFlow too, never a plain listener. */
    check_targets("ssl:192.0.2.7:6640", NULL, "ssl:192.0.2.7:6653",
                  "pssl:6653:192.0.2.7");
    check_targets("tcp:192.0.2.7:6640", "ssl:198.51.100.1:7000",
                  "ssl:198.51.100.1:7000", "pssl:7000:198.51.100.1");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tunnel_mesh),
        cmocka_unit_test(test_tunnel_names),
        cmocka_unit_test(test_remote_flows),
        cmocka_unit_test(test_tunnel_without_ofport),
        cmocka_unit_test(test_infrastructure_names),
        cmocka_unit_test(test_mtu_rule),
        cmocka_unit_test(test_openflow_targets),
        cmocka_unit_test(test_changes_hosts),
        cmocka_unit_test(test_changed_hosts),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    flow_text_free();
    return rc;
}
