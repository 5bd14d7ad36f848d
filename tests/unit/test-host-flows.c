/* test-host-flows: the incremental compile of one host
 * (controller/host-flows.h), in the style of OVN's "no recompute" tests.
 *
 * Three hosts h1..h3 and four networks:
 *
 *   A  vxlan 1001  p0 on h1, p1 on h2
 *   B  vxlan 1002  p2 on h3
 *   C  vxlan 1003  p3 h1, p4 h2, p5 h3   (so every tunnel exists already)
 *   D  vlan  101   p6 h1, p7 h3          (uplinks)
 *
 * Every network has a subnet 10.0.N.0/24; a router R joins the networks
 * the spec marks routed, with a static route if the spec says so.
 *
 * Each step builds the next topology from a small spec, finds the changes
 * with topo_changes_diff() (as weftd does until the loader reports them),
 * and gives them to every host as weftd does: note the changes, note the
 * ofports, update.  After every step each host's kept flows must equal a
 * full compile (host_flows_check()), and the counters say exactly which
 * owners were compiled: a port added on h1 in A costs h1 and h2 that port
 * and A's network owner, and h3 nothing.  Each host also patches a flow
 * table (ofproto/flow-state.h) with only the differences of the owners it
 * recompiled: its desired side must equal the full compile too, and a push
 * looks only at the keys that changed. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "compiler.h"
#include "flow-state.h"
#include "flow-table.h"
#include "host-flows.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "random.h"
#include "simap.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"

enum { N_HOSTS = 3, N_NETS = 4, MAX_PORTS = 16 };

struct spec_port {
    bool on;
    int net, host;
    int ip;                     /* Last octet of its IP. */
    bool ofport;                /* Its interface has an ofport. */
    int ofport_base;            /* Added to its ofport. */
};

struct spec {
    struct spec_port ports[MAX_PORTS];
    uint32_t segment[N_NETS];
    int tip[N_HOSTS];           /* Last octet of each host's tunnel IP. */
    bool routed[N_NETS];        /* Attached to router R. */
    int route_via;              /* 10.9.0.0/16 via 10.0.0.V (in A), or 0. */
};

static const enum topo_net_type net_types[N_NETS] = {
    TOPO_NET_VXLAN, TOPO_NET_VXLAN, TOPO_NET_VXLAN, TOPO_NET_VLAN,
};

static struct uuid
mk_uuid(uint32_t kind, uint32_t index)
{
    return (struct uuid) { .parts = { kind, index, 0x4f, 0x4f } };
}

static void
spec_init(struct spec *s)
{
    static const int nets[] = { 0, 0, 1, 2, 2, 2, 3, 3 };
    static const int hosts[] = { 0, 1, 2, 0, 1, 2, 0, 2 };
    memset(s, 0, sizeof *s);
    for (int i = 0; i < (int) ARRAY_SIZE(nets); i++) {
        s->ports[i] = (struct spec_port) { true, nets[i], hosts[i], i + 1,
                                           true, 0 };
    }
    s->segment[0] = 1001;
    s->segment[1] = 1002;
    s->segment[2] = 1003;
    s->segment[3] = 101;
    for (int i = 0; i < N_HOSTS; i++) {
        s->tip[i] = i + 1;
    }
}

static void
build(const struct spec *s, struct topology *topo)
{
    topology_init(topo);
    const struct topo_host *h[N_HOSTS];
    for (int i = 0; i < N_HOSTS; i++) {
        struct uuid uuid = mk_uuid(1, i);
        char name[8], remote[32], tip[16];
        snprintf(name, sizeof name, "h%d", i + 1);
        snprintf(remote, sizeof remote, "unix:/run/%s/db.sock", name);
        snprintf(tip, sizeof tip, "192.0.2.%d", s->tip[i]);
        h[i] = topology_add_host(topo, &uuid, name, remote, NULL, tip,
                                 "netdev", "up");
    }
    struct uuid tu = mk_uuid(2, 0);
    const struct topo_tenant *t = topology_add_tenant(topo, &tu, "red", 1);
    const struct topo_network *n[N_NETS];
    for (int i = 0; i < N_NETS; i++) {
        struct uuid uuid = mk_uuid(3, i);
        char name[4] = { 'A' + i, 0 };
        n[i] = topology_add_network(topo, &uuid, t, name, net_types[i],
                                    s->segment[i], 0, i + 1);
    }
    for (int i = 0; i < MAX_PORTS; i++) {
        const struct spec_port *sp = &s->ports[i];
        if (!sp->on) {
            continue;
        }
        struct uuid uuid = mk_uuid(4, i);
        char name[8], iface[8];
        snprintf(name, sizeof name, "p%d", i);
        snprintf(iface, sizeof iface, "t%d", i);
        struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
        mac.ea[5] = i + 1;
        ovs_be32 ip = htonl(0x0a000000 | (sp->net << 8) | sp->ip);
        topology_add_port(topo, &uuid, n[sp->net], h[sp->host], name, iface,
                          mac, &ip, 1, i + 1);
    }

    /* Subnets, and router R on the routed networks. */
    const struct topo_network *routed[N_NETS];
    struct eth_addr macs[N_NETS];
    size_t n_routed = 0;
    for (int i = 0; i < N_NETS; i++) {
        struct topo_subnet subnet = { .prefix = htonl(0x0a000000 | (i << 8)),
                                      .plen = 24,
                                      .gateway = htonl(0x0a0000fe | (i << 8)) };
        bool changed;
        topology_set_network_subnet(topo, CONST_CAST(struct topo_network *,
                                                     n[i]), &subnet, &changed);
        if (s->routed[i]) {
            macs[n_routed] = (struct eth_addr) ETH_ADDR_C(02, 57, 00, 01,
                                                           00, 00);
            macs[n_routed].ea[5] = i + 1;
            routed[n_routed++] = n[i];
        }
    }
    struct uuid ru = mk_uuid(5, 0);
    struct topo_router *r = topology_add_router(topo, &ru, t, "R", 1);
    ovs_assert(topology_set_router_networks(topo, r, routed, macs, n_routed));
    if (s->route_via && s->routed[0]) {
        struct topo_route route = { .prefix = htonl(0x0a090000), .plen = 16,
                                    .nexthop = htonl(0x0a000000
                                                     | s->route_via) };
        topology_set_router_routes(topo, r, &route, 1);
    }
}

/* The loader's report of a changed router (as topo_changes_diff() will, the
 * Router rows being new): R with every network it has in 'a' or 'b' if its
 * attachments or routes differ. */
static void
diff_router(const struct topology *a, const struct topology *b,
            struct topo_changes *changes)
{
    struct uuid ru = mk_uuid(5, 0);
    const struct topo_router *ra = topology_find_router(a, &ru);
    const struct topo_router *rb = topology_find_router(b, &ru);
    bool same = ra->n_ports == rb->n_ports && ra->n_routes == rb->n_routes
                && (!ra->n_routes
                    || !memcmp(ra->routes, rb->routes,
                               ra->n_routes * sizeof *ra->routes));
    const struct topo_router_port *pa, *pb;
    TOPO_ROUTER_FOR_EACH_PORT (pa, ra) {
        same = same && topo_router_find_port(
            rb, topology_find_network(b, &pa->network->uuid));
    }
    if (same) {
        return;
    }
    uuidset_insert(&changes->routers, &ru);
    TOPO_ROUTER_FOR_EACH_PORT (pa, ra) {
        uuidset_insert(&changes->networks, &pa->network->uuid);
    }
    TOPO_ROUTER_FOR_EACH_PORT (pb, rb) {
        uuidset_insert(&changes->networks, &pb->network->uuid);
    }
}

/* What host 'hi''s switch reports: ports with 'ofport', every tunnel (by
 * remote host, stable), the uplink. */
static void
ofports_for(const struct spec *s, const struct topology *topo, int hi,
            struct simap *ofports)
{
    simap_init(ofports);
    for (int i = 0; i < MAX_PORTS; i++) {
        const struct spec_port *sp = &s->ports[i];
        if (sp->on && sp->host == hi && sp->ofport) {
            char iface[8];
            snprintf(iface, sizeof iface, "t%d", i);
            simap_put(ofports, iface, i + 1 + sp->ofport_base);
        }
    }
    struct uuid uuid = mk_uuid(1, hi);
    const struct topo_host *host = topology_find_host(topo, &uuid);
    struct weft_tunnel *tunnels;
    size_t n = compile_host_tunnels(topo, host, &tunnels);
    for (size_t i = 0; i < n; i++) {
        simap_put(ofports, tunnels[i].name,
                  100 + tunnels[i].remote->uuid.parts[1]);
    }
    free(tunnels);
    simap_put(ofports, "up", 200);
}

struct world {
    struct spec spec;
    struct topology topo;
    struct host_flows hf[N_HOSTS];
    bool touched[N_HOSTS];          /* By the last step's changes. */
    uint64_t owners[N_HOSTS];       /* The last step's counter deltas. */
    uint64_t fulls[N_HOSTS];
    struct flow_state table[N_HOSTS];   /* Patched by host_flows_update(). */
    size_t mods[N_HOSTS];           /* The last step's flow_mods... */
    uint64_t visited[N_HOSTS];      /* ...and keys the push looked at. */
};

/* The desired side of 't' must be 'hf''s flows; then pushes and confirms
 * them, noting the flow_mods and the keys visited. */
static void
check_table(struct world *w, int i)
{
    struct weft_flows all;
    weft_flows_init(&all);
    host_flows_collect(&w->hf[i], &all);
    struct flow_table t;
    flow_table_init(&t);
    flow_table_build(&t, &all, NULL, 0);
    struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
    flow_table_format(&t, &a);
    flow_state_format(&w->table[i], false, 0, 0, &b);
    if (strcmp(ds_cstr(&a), ds_cstr(&b))) {
        fail_msg("h%d: table's desired side != kept flows:\n%s\n---\n%s",
                 i + 1, ds_cstr(&b), ds_cstr(&a));
    }
    ds_destroy(&a);
    ds_destroy(&b);
    flow_table_destroy(&t);
    weft_flows_destroy(&all);

    struct flow_state *fs = &w->table[i];
    uint64_t visited = fs->n_visited;
    w->mods[i] = flow_state_begin_push(fs);
    uint16_t command;
    const struct weft_flow *f;
    size_t n = 0;
    while (flow_state_next_change(fs, &command, &f)) {
        n++;
    }
    assert_int_equal(n, w->mods[i]);
    flow_state_push_done(fs);
    w->visited[i] = fs->n_visited - visited;
    assert_int_equal(flow_state_count_installed(fs),
                     flow_state_count_desired(fs));
}

/* Gives 'changes' to every host, as weftd does, and checks every host
 * against a full compile unless 'no_check'. */
static void
world_run(struct world *w, const struct topo_changes *changes, bool no_check)
{
    struct uuidset routed = UUIDSET_INITIALIZER(&routed);
    topo_changes_hosts(&w->topo, changes, &routed);
    for (int i = 0; i < N_HOSTS; i++) {
        struct host_flows *hf = &w->hf[i];
        struct uuid uuid = mk_uuid(1, i);
        const struct topo_host *self = topology_find_host(&w->topo, &uuid);
        uint64_t owners = hf->n_owner_compiles, fulls = hf->n_full_compiles;

        w->touched[i] = host_flows_note_changes(hf, &w->topo, self, changes);
        /* topo_changes_hosts() hands the change to every host it touches
         * (weftd skips the others). */
        if (w->touched[i] && !uuidset_contains(&routed, &uuid)) {
            fail_msg("h%d has work that topo_changes_hosts() did not route "
                     "to it", i + 1);
        }
        struct simap ofports;
        ofports_for(&w->spec, &w->topo, i, &ofports);
        host_flows_note_ofports(hf, self, &ofports);
        if (host_flows_pending(hf)) {
            host_flows_update(hf, &w->topo, self, &ofports, &w->table[i]);
        }
        w->owners[i] = hf->n_owner_compiles - owners;
        w->fulls[i] = hf->n_full_compiles - fulls;
        check_table(w, i);

        struct ds diff = DS_EMPTY_INITIALIZER;
        if (!no_check && !host_flows_check(hf, &w->topo, self, &ofports,
                                           &diff)) {
            fail_msg("h%d: incremental != full:\n%s", i + 1, ds_cstr(&diff));
        }
        ds_destroy(&diff);
        simap_destroy(&ofports);
    }
    uuidset_destroy(&routed);
}

/* Moves the world to 'next'. */
static void
world_step(struct world *w, const struct spec *next)
{
    struct topology fresh;
    build(next, &fresh);
    struct topo_changes changes;
    topo_changes_init(&changes);
    topo_changes_diff(&w->topo, &fresh, &changes);
    diff_router(&w->topo, &fresh, &changes);
    topology_swap(&w->topo, &fresh);
    topology_destroy(&fresh);
    w->spec = *next;
    world_run(w, &changes, false);
    topo_changes_destroy(&changes);
}

static void
world_init(struct world *w)
{
    spec_init(&w->spec);
    build(&w->spec, &w->topo);
    for (int i = 0; i < N_HOSTS; i++) {
        host_flows_init(&w->hf[i]);
        flow_state_init(&w->table[i]);
    }
    struct topo_changes all;
    topo_changes_init(&all);
    all.all = true;
    world_run(w, &all, false);
    topo_changes_destroy(&all);
    for (int i = 0; i < N_HOSTS; i++) {
        assert_int_equal(w->fulls[i], 1);
    }
}

static void
world_destroy(struct world *w)
{
    for (int i = 0; i < N_HOSTS; i++) {
        host_flows_destroy(&w->hf[i]);
        flow_state_destroy(&w->table[i]);
    }
    topology_destroy(&w->topo);
}

/* Each host: touched?, owners compiled, whole-host compiles. */
static void
expect(const struct world *w, const bool touched[N_HOSTS],
       const int owners[N_HOSTS], const int fulls[N_HOSTS])
{
    for (int i = 0; i < N_HOSTS; i++) {
        if (w->touched[i] != touched[i] || w->owners[i] != owners[i]
            || w->fulls[i] != fulls[i]) {
            fail_msg("h%d: touched %d owners %"PRIu64" full %"PRIu64
                     ", expected %d %d %d", i + 1, w->touched[i],
                     w->owners[i], w->fulls[i], touched[i], owners[i],
                     fulls[i]);
        }
    }
}

#define EXPECT(W, T1, T2, T3, O1, O2, O3, F1, F2, F3)                   \
    expect(W, (const bool[]) { T1, T2, T3 }, (const int[]) { O1, O2, O3 }, \
           (const int[]) { F1, F2, F3 })

static void
test_port_add_delete(void **state OVS_UNUSED)
{
    struct world w;
    world_init(&w);
    struct spec s = w.spec;

    /* A port on h1 in A (on h1 and h2): its owner and A's, on h1 and h2. */
    s.ports[10] = (struct spec_port) { true, 0, 0, 11, true, 0 };
    world_step(&w, &s);
    EXPECT(&w, true, true, false, 2, 2, 0, 0, 0, 0);
    /* Only its flows reach the tables, and a push looks at nothing else
     * (h1 holds far more flows than it changed). */
    size_t added = w.mods[0];
    assert_true(added > 0 && w.mods[1] > 0);
    assert_int_equal(w.mods[2], 0);
    assert_int_equal(w.visited[0], added);
    assert_true(added * 4 < flow_state_count_desired(&w.table[0]));
    assert_int_equal(w.visited[2], 0);

    /* Deleted: the same. */
    s.ports[10].on = false;
    world_step(&w, &s);
    EXPECT(&w, true, true, false, 2, 2, 0, 0, 0, 0);
    assert_int_equal(w.mods[0], added);
    assert_int_equal(w.visited[0], added);
    assert_int_equal(w.mods[2], 0);

    /* Added without an ofport, which comes later: h1 compiles its owner
     * and A's once more then, and nobody else does. */
    s.ports[10] = (struct spec_port) { true, 0, 0, 11, false, 0 };
    world_step(&w, &s);
    EXPECT(&w, true, true, false, 2, 2, 0, 0, 0, 0);
    s.ports[10].ofport = true;
    world_step(&w, &s);
    EXPECT(&w, false, false, false, 2, 0, 0, 0, 0, 0);

    world_destroy(&w);
}

static void
test_network_arrives_and_leaves(void **state OVS_UNUSED)
{
    struct world w;
    world_init(&w);
    struct spec s = w.spec;

    /* A port on h3 in A: A becomes present on h3, which compiles all of
     * A's owners (A, p0, p1, the new port); h1 and h2 compile the new
     * (remote) port and A. */
    s.ports[11] = (struct spec_port) { true, 0, 2, 12, true, 0 };
    world_step(&w, &s);
    EXPECT(&w, true, true, true, 2, 2, 4, 0, 0, 0);

    /* It leaves again: h3 drops A's four owners. */
    s.ports[11].on = false;
    world_step(&w, &s);
    EXPECT(&w, true, true, true, 2, 2, 4, 0, 0, 0);

    /* p2 (B's only port, on h3) moves to network A on h1: B leaves h3 (B
     * and p2 dropped), A gains p2 on h1 and h2 (p2 and A). */
    s.ports[2].net = 0;
    s.ports[2].host = 0;
    world_step(&w, &s);
    EXPECT(&w, true, true, true, 2, 2, 2, 0, 0, 0);

    world_destroy(&w);
}

static void
test_rows_that_recompile_more(void **state OVS_UNUSED)
{
    struct world w;
    world_init(&w);
    struct spec s = w.spec;

    /* A's segment: every owner of A on h1 and h2 (A, p0, p1), not h3. */
    s.segment[0] = 1009;
    world_step(&w, &s);
    EXPECT(&w, true, true, false, 3, 3, 0, 0, 0, 0);

    /* h2's tunnel IP: h2 and every host sharing a network with it. */
    s.tip[1] = 22;
    world_step(&w, &s);
    EXPECT(&w, true, true, true, 0, 0, 0, 1, 1, 1);

    /* p3's (C, h1) ofport: p3 and C on h1 only. */
    s.ports[3].ofport_base = 40;
    world_step(&w, &s);
    EXPECT(&w, false, false, false, 2, 0, 0, 0, 0, 0);

    /* Nothing changed: nothing compiled. */
    world_step(&w, &s);
    EXPECT(&w, false, false, false, 0, 0, 0, 0, 0, 0);

    world_destroy(&w);
}

/* Routing, "no recompute" style.  R joins A (p0 h1, p1 h2) and B (p2 h3):
 * every host serves both, h3 A only through R, h1 and h2 B only so. */
static void
test_router_changes(void **state OVS_UNUSED)
{
    struct world w;
    spec_init(&w.spec);
    w.spec.routed[0] = w.spec.routed[1] = true;
    build(&w.spec, &w.topo);
    for (int i = 0; i < N_HOSTS; i++) {
        host_flows_init(&w.hf[i]);
        flow_state_init(&w.table[i]);
    }
    struct topo_changes all;
    topo_changes_init(&all);
    all.all = true;
    world_run(&w, &all, false);
    topo_changes_destroy(&all);
    struct spec s = w.spec;

    /* A port in B on h3, where B is: on every host (all serve B) that port
     * and B's network owner; R is looked at, not compiled. */
    s.ports[10] = (struct spec_port) { true, 1, 2, 11, true, 0 };
    world_step(&w, &s);
    EXPECT(&w, true, true, true, 2, 2, 2, 0, 0, 0);
    /* And it goes again: the same. */
    s.ports[10].on = false;
    world_step(&w, &s);
    EXPECT(&w, true, true, true, 2, 2, 2, 0, 0, 0);

    /* A port in C (no router) on h1: C's hosts only, as without routers. */
    s.ports[10] = (struct spec_port) { true, 2, 0, 11, true, 0 };
    world_step(&w, &s);
    EXPECT(&w, true, true, true, 2, 2, 2, 0, 0, 0);

    /* A route: R's owner, and the network owners of A and B that the
     * router's change names (the loader names a changed router's
     * networks), on every host; no port. */
    s.route_via = 1;
    world_step(&w, &s);
    EXPECT(&w, true, true, true, 3, 3, 3, 0, 0, 0);

    /* D (vlan, p6 h1, p7 h3) attached: every host serves D now.  h1 and h3
     * recompile D's owners (it has a router: its ports' L3_NEIGHBOR), R's,
     * and A's and B's network owners (their ingress: R's hosts changed);
     * h2 gets D's owners new (D, p6, p7), R, A and B. */
    s.routed[3] = true;
    world_step(&w, &s);
    EXPECT(&w, true, true, true, 6, 6, 6, 0, 0, 0);

    /* Detached again: h2 drops D's three owners. */
    s.routed[3] = false;
    world_step(&w, &s);
    EXPECT(&w, true, true, true, 6, 6, 6, 0, 0, 0);

    /* p2, B's only port, leaves: h3 serves no network of R any more (R, A
     * with p0, p1, B with p2 dropped: 6), h1 and h2 drop p2 and recompile B
     * and A (R's hosts changed). */
    s.ports[2].on = false;
    world_step(&w, &s);
    EXPECT(&w, true, true, true, 3, 3, 6, 0, 0, 0);

    world_destroy(&w);
}

/* Random steps: whatever changes, each host's flows equal a full compile
 * (world_step() checks it). */
static void
test_random_steps(void **state OVS_UNUSED)
{
    random_set_seed(0x1c);
    struct world w;
    world_init(&w);
    for (int step = 0; step < 400; step++) {
        struct spec s = w.spec;
        int n_edits = 1 + random_range(3);
        for (int e = 0; e < n_edits; e++) {
            /* IPs and segments stay unique (validation's rules), so that no
             * two flows collide. */
            int pi = random_range(MAX_PORTS);
            int ip = 10 + pi * 12 + random_range(12);
            int k = random_range(N_NETS - 1);
            struct spec_port *sp = &s.ports[pi];
            switch (random_range(11)) {
            case 0: case 1:
                *sp = (struct spec_port) {
                    !sp->on, random_range(N_NETS), random_range(N_HOSTS),
                    ip, random_range(4) != 0, 0 };
                break;
            case 2:
                sp->host = random_range(N_HOSTS);
                break;
            case 3:
                sp->net = random_range(N_NETS);
                break;
            case 4:
                sp->ip = ip;
                break;
            case 5:
                sp->ofport = !sp->ofport;
                break;
            case 6:
                sp->ofport_base = random_range(3) * 50;
                break;
            case 7:
                s.segment[k] = 2000 + 10 * k + random_range(10);
                break;
            case 8:
                s.tip[random_range(N_HOSTS)] = 1 + random_range(50);
                break;
            case 9:
                s.routed[k] = !s.routed[k];
                break;
            case 10:
                s.route_via = random_range(3) ? 10 + random_range(200) : 0;
                break;
            }
        }
        world_step(&w, &s);
    }
    world_destroy(&w);
}

/* The check can fail: a change the host is not told of leaves its flows
 * different from a full compile, and host_flows_check() says which. */
static void
test_check_catches_missed_change(void **state OVS_UNUSED)
{
    struct world w;
    world_init(&w);
    struct spec s = w.spec;
    s.ports[10] = (struct spec_port) { true, 0, 0, 11, false, 0 };

    struct topology fresh;
    build(&s, &fresh);
    topology_swap(&w.topo, &fresh);
    topology_destroy(&fresh);
    w.spec = s;
    struct topo_changes none;
    topo_changes_init(&none);
    world_run(&w, &none, true);
    topo_changes_destroy(&none);

    struct uuid uuid = mk_uuid(1, 0);
    const struct topo_host *h1 = topology_find_host(&w.topo, &uuid);
    struct simap ofports;
    ofports_for(&w.spec, &w.topo, 0, &ofports);
    struct ds diff = DS_EMPTY_INITIALIZER;
    assert_false(host_flows_check(&w.hf[0], &w.topo, h1, &ofports, &diff));
    assert_non_null(strstr(ds_cstr(&diff), "+table="));
    ds_destroy(&diff);
    simap_destroy(&ofports);
    world_destroy(&w);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_port_add_delete),
        cmocka_unit_test(test_network_arrives_and_leaves),
        cmocka_unit_test(test_rows_that_recompile_more),
        cmocka_unit_test(test_router_changes),
        cmocka_unit_test(test_random_steps),
        cmocka_unit_test(test_check_catches_missed_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
