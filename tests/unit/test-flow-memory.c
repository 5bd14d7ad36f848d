/* test-flow-memory: the heap bytes one compiled flow costs weftd, measured
 * with glibc's mallinfo2() (so malloc's own overhead counts too).
 *
 * The hosts of a bench-like topology (bench/run: networks of 3 consecutive
 * hosts, cycling through vxlan, geneve, gre and vlan, ports rotating over
 * the network's hosts) are compiled by owner (controller/host-flows.h) into
 * their flow tables (ofproto/flow-state.h), then
 *
 *   - pushed and confirmed, as at bring-up: each flow is held by its
 *     owner's set, as desired and as installed;
 *   - for one host, read back from the switch into a table before
 *     compiling, as after a weftd restart: the installed flows come from
 *     the dump.
 *
 * The figures are printed (README "Benchmark" quotes them) and bounded, so
 * that a change that holds a flow twice again fails here.  Under valgrind
 * or a sanitizer mallinfo2() does not see the heap; the bound is then
 * skipped. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byte-order.h"
#include "compiler.h"
#include "flow-state.h"
#include "flow-table.h"
#include "host-flows.h"
#include "openvswitch/ofp-flow.h"
#include "packets.h"
#include "simap.h"
#include "topology.h"
#include "util.h"

enum { N_HOSTS = 4, N_NETS = 40, PORTS_PER_NET = 25, SPAN = 3 };

/* The bound, in heap bytes per flow, all included: the flow (one block:
 * 88 bytes of header, a miniflow and a minimask of about 4 values each),
 * its share of the interned actions (about 76 bytes a list, 8 flows in 9
 * share theirs), its table entry (48) and its share of the owners' sets and
 * of the hash tables: about 320 bytes.  Without interned actions it was
 * about 370; with each flow held twice (a copy in the owner's set and one
 * in the table, each in three blocks), about 700. */
#define MAX_BYTES_PER_FLOW 350

static const enum topo_net_type types[] = {
    TOPO_NET_VXLAN, TOPO_NET_GENEVE, TOPO_NET_GRE, TOPO_NET_VLAN,
};

static struct uuid
mk_uuid(uint32_t kind, uint32_t index)
{
    return (struct uuid) { .parts = { kind, index, 0x6d, 0x6d } };
}

static void
build(struct topology *topo)
{
    topology_init(topo);
    const struct topo_host *h[N_HOSTS];
    for (int i = 0; i < N_HOSTS; i++) {
        struct uuid uuid = mk_uuid(1, i);
        char name[8], remote[32], tip[16];
        snprintf(name, sizeof name, "h%d", i);
        snprintf(remote, sizeof remote, "unix:/run/%s/db.sock", name);
        snprintf(tip, sizeof tip, "192.0.2.%d", i + 1);
        h[i] = topology_add_host(topo, &uuid, name, remote, NULL, tip,
                                 "netdev", "up0");
    }
    struct uuid tu = mk_uuid(2, 0);
    const struct topo_tenant *t = topology_add_tenant(topo, &tu, "t0", 1);
    int port = 0;
    for (int n = 0; n < N_NETS; n++) {
        struct uuid uuid = mk_uuid(3, n);
        char name[8];
        snprintf(name, sizeof name, "n%d", n);
        enum topo_net_type type = types[n % ARRAY_SIZE(types)];
        uint32_t segment = type == TOPO_NET_VLAN ? 100 + n : 5000 + n;
        const struct topo_network *net
            = topology_add_network(topo, &uuid, t, name, type, segment, 0,
                                   n + 1);
        for (int p = 0; p < PORTS_PER_NET; p++, port++) {
            struct uuid pu = mk_uuid(4, port);
            char pname[16], iface[16];
            snprintf(pname, sizeof pname, "p%d", port);
            snprintf(iface, sizeof iface, "t%d", port);
            struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
            mac.ea[4] = port >> 8;
            mac.ea[5] = port;
            ovs_be32 ip = htonl(0x0a000000 | (n << 8) | (p + 1));
            topology_add_port(topo, &pu, net, h[(n + p % SPAN) % N_HOSTS],
                              pname, iface, mac, &ip, 1, p + 1);
        }
    }
}

/* Every interface of host 0 has an ofport. */
static void
ofports_for(const struct topology *topo, const struct topo_host *host,
            struct simap *ofports)
{
    simap_init(ofports);
    const struct topo_port *port;
    int ofport = 1;
    TOPO_HOST_FOR_EACH_PORT (port, host) {
        simap_put(ofports, port->iface, ofport++);
    }
    struct weft_tunnel *tunnels;
    size_t n = compile_host_tunnels(topo, host, &tunnels);
    for (size_t i = 0; i < n; i++) {
        simap_put(ofports, tunnels[i].name, 10000 + i);
    }
    free(tunnels);
    simap_put(ofports, "up0", 20000);
}

static size_t
heap_used(void)
{
    return mallinfo2().uordblks;
}

static void
push_all(struct flow_state *fs)
{
    size_t n = flow_state_begin_push(fs);
    size_t sent = 0;
    uint16_t command;
    const struct weft_flow *f;
    while (flow_state_next_change(fs, &command, &f)) {
        sent++;
    }
    assert_int_equal(sent, n);
    flow_state_push_done(fs);
}

/* Reports every flow of 'flows' to 'fs' as the switch's dump would. */
static void
dump_into(struct flow_state *fs, const struct weft_flows *flows)
{
    flow_state_begin_dump(fs);
    const struct weft_flow *wf;
    HMAP_FOR_EACH (wf, node, &flows->flows) {
        struct ofputil_flow_stats st = {
            .cookie = htonll(wf->cookie),
            .table_id = wf->table_id,
            .priority = wf->priority,
            .idle_age = -1, .hard_age = -1,
            .ofpacts = wf->ofpacts,
            .ofpacts_len = wf->ofpacts_len,
        };
        minimatch_expand(&wf->match, &st.match);
        flow_state_dumped(fs, &st);
    }
    flow_state_end_dump(fs);
}

static void
check_bound(const char *what, size_t bytes, size_t n_flows)
{
    double per_flow = (double) bytes / n_flows;
    printf("%s: %zu flows, %zu heap bytes, %.0f bytes per flow\n",
           what, n_flows, bytes, per_flow);
    if (!bytes) {
        printf("(mallinfo2() sees no heap here: bound not checked)\n");
        return;
    }
    if (per_flow > MAX_BYTES_PER_FLOW) {
        fail_msg("%s: %.0f bytes per flow > %d", what, per_flow,
                 MAX_BYTES_PER_FLOW);
    }
}

/* Bring-up: every host compiled, pushed and confirmed. */
static void
test_bring_up(void **state OVS_UNUSED)
{
    struct topology topo;
    build(&topo);
    struct simap ofports[N_HOSTS];
    const struct topo_host *hosts[N_HOSTS];
    for (int i = 0; i < N_HOSTS; i++) {
        struct uuid hu = mk_uuid(1, i);
        hosts[i] = topology_find_host(&topo, &hu);
        ofports_for(&topo, hosts[i], &ofports[i]);
    }

    /* Warm up OVS's lazily built tables (field maps, raw actions). */
    struct weft_flows warm;
    weft_flows_init(&warm);
    compile_host_flows(&topo, hosts[0], &ofports[0], &warm);
    weft_flows_destroy(&warm);

    size_t before = heap_used();
    struct host_flows hf[N_HOSTS];
    struct flow_state fs[N_HOSTS];
    size_t n = 0;
    for (int i = 0; i < N_HOSTS; i++) {
        host_flows_init(&hf[i]);
        flow_state_init(&fs[i]);
        host_flows_update(&hf[i], &topo, hosts[i], &ofports[i], &fs[i]);
        n += host_flows_count(&hf[i]);
    }
    size_t compiled = heap_used();
    for (int i = 0; i < N_HOSTS; i++) {
        push_all(&fs[i]);
        size_t n_host = host_flows_count(&hf[i]);
        assert_int_equal(flow_state_count_desired(&fs[i]), n_host);
        assert_int_equal(flow_state_count_installed(&fs[i]), n_host);
    }
    size_t pushed = heap_used();
    assert_true(n > 10000);

    check_bound("compiled (owner sets + desired)", compiled - before, n);
    check_bound("installed after push", pushed - before, n);

    for (int i = 0; i < N_HOSTS; i++) {
        flow_state_destroy(&fs[i]);
        host_flows_destroy(&hf[i]);
        simap_destroy(&ofports[i]);
    }
    topology_destroy(&topo);
}

/* After a restart: the switch's flows are read back first, then the
 * compile finds them installed. */
static void
test_restart(void **state OVS_UNUSED)
{
    struct topology topo;
    build(&topo);
    struct uuid hu = mk_uuid(1, 0);
    const struct topo_host *host = topology_find_host(&topo, &hu);
    struct simap ofports;
    ofports_for(&topo, host, &ofports);
    struct weft_flows on_switch;
    weft_flows_init(&on_switch);
    compile_host_flows(&topo, host, &ofports, &on_switch);
    size_t n = weft_flows_count(&on_switch);

    size_t before = heap_used();
    struct host_flows hf;
    struct flow_state fs;
    host_flows_init(&hf);
    flow_state_init(&fs);
    dump_into(&fs, &on_switch);
    host_flows_update(&hf, &topo, host, &ofports, &fs);
    assert_int_equal(flow_state_begin_push(&fs), 0);
    assert_int_equal(flow_state_count_installed(&fs), n);
    size_t after = heap_used();
    check_bound("read back, then compiled", after - before, n);

    flow_state_destroy(&fs);
    host_flows_destroy(&hf);
    weft_flows_destroy(&on_switch);
    simap_destroy(&ofports);
    topology_destroy(&topo);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bring_up),
        cmocka_unit_test(test_restart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
