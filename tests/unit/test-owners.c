/* test-owners: the owner every compiled flow records (struct weft_owner in
 * ofproto/compiler.h), the unit that an incremental compile recomputes.
 *
 * One small topology over three hosts, built from a table so that it can be
 * rebuilt with any one port left out (same UUIDs, same keys).  The tests
 * check that every flow has an owner that agrees with its cookie, and that
 * deleting a port changes the flows of that port and of its network on each
 * host, and of nothing else, except on a host that the deletion takes out
 * of the network, where the network's other ports lose their flows too.
 * The owners whose flows change are reported per case (cmocka's
 * print_message), as "kind:name" lists. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "flow-text.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "pipeline.h"
#include "simap.h"
#include "sset.h"
#include "svec.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"

/* The topology.
 *
 *   A  red  vxlan 1001: a1 a2 a4 on hv1 (a4 not on the switch yet), a3 hv2
 *   B  blue gre   2001: b1 on hv1, b2 on hv3
 *   V  red  vlan  101 : v1 hv1, v2 hv2, v3 hv3 (hv3 has no uplink)
 *   S  blue vxlan 1004: s1 on hv1, s2 s3 on hv2 */
enum { N_HOSTS = 3, N_TENANTS = 2, N_NETS = 4 };

static const struct {
    const char *name, *tip, *uplink;
} hosts[N_HOSTS] = {
    { "hv1", "192.0.2.1", "up1" },
    { "hv2", "192.0.2.2", "up2" },
    { "hv3", "192.0.2.3", NULL },
};

static const struct {
    const char *name;
    int tenant;
    enum topo_net_type type;
    uint32_t segment_id;
} nets[N_NETS] = {
    { "A", 0, TOPO_NET_VXLAN, 1001 },
    { "B", 1, TOPO_NET_GRE, 2001 },
    { "V", 0, TOPO_NET_VLAN, 101 },
    { "S", 1, TOPO_NET_VXLAN, 1004 },
};

static const struct {
    const char *name;
    int net, host;
    int ofport;                 /* 0: interface not on the switch yet. */
} ports[] = {
    { "a1", 0, 0, 1 }, { "a2", 0, 0, 2 }, { "a3", 0, 1, 1 },
    { "a4", 0, 0, 0 }, { "b1", 1, 0, 3 }, { "b2", 1, 2, 1 },
    { "v1", 2, 0, 4 }, { "v2", 2, 1, 2 }, { "v3", 2, 2, 2 },
    { "s1", 3, 0, 5 }, { "s2", 3, 1, 3 }, { "s3", 3, 1, 4 },
};
enum { N_PORTS = ARRAY_SIZE(ports) };

static struct uuid
fixed_uuid(uint32_t kind, uint32_t index)
{
    struct uuid uuid = { .parts = { kind, index, 0x57, 0x57 } };
    return uuid;
}

/* Builds the topology into 'topo', leaving out ports[skip] (no port if
 * 'skip' is negative). */
static void
build(struct topology *topo, int skip)
{
    topology_init(topo);

    const struct topo_host *h[N_HOSTS];
    for (int i = 0; i < N_HOSTS; i++) {
        struct uuid uuid = fixed_uuid(1, i);
        char remote[32];
        snprintf(remote, sizeof remote, "unix:/run/%s/db.sock",
                 hosts[i].name);
        h[i] = topology_add_host(topo, &uuid, hosts[i].name, remote, NULL,
                                 hosts[i].tip, "netdev", hosts[i].uplink);
    }
    const struct topo_tenant *t[N_TENANTS];
    for (int i = 0; i < N_TENANTS; i++) {
        struct uuid uuid = fixed_uuid(2, i);
        t[i] = topology_add_tenant(topo, &uuid, i ? "blue" : "red", i + 1);
    }
    const struct topo_network *n[N_NETS];
    for (int i = 0; i < N_NETS; i++) {
        struct uuid uuid = fixed_uuid(3, i);
        n[i] = topology_add_network(topo, &uuid, t[nets[i].tenant],
                                    nets[i].name, nets[i].type,
                                    nets[i].segment_id, 0, i + 1);
    }
    for (int i = 0; i < N_PORTS; i++) {
        if (i == skip) {
            continue;
        }
        struct uuid uuid = fixed_uuid(4, i);
        char iface[16];
        snprintf(iface, sizeof iface, "tap-%s", ports[i].name);
        struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
        mac.ea[5] = i + 1;
        ovs_be32 ip = htonl(0x0a000000 | ((ports[i].net + 1) << 16) | (i + 1));
        topology_add_port(topo, &uuid, n[ports[i].net], h[ports[i].host],
                          ports[i].name, iface, mac, &ip, 1, i + 1);
    }
}

/* Fills 'ofports' with what 'host''s switch would report for 'topo': its
 * ports' interfaces, the tunnels it needs (numbered by type and remote host,
 * so that a tunnel keeps its number when another one goes) and its uplink. */
static void
host_ofports(const struct topology *topo, const struct topo_host *host,
             struct simap *ofports)
{
    simap_init(ofports);
    const struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        int ofport = ports[port->key - 1].ofport;
        if (port->host == host && ofport) {
            simap_put(ofports, port->iface, ofport);
        }
    }

    struct weft_tunnel *tunnels;
    size_t n = compile_host_tunnels(topo, host, &tunnels);
    for (size_t i = 0; i < n; i++) {
        simap_put(ofports, tunnels[i].name,
                  100 + 10 * tunnels[i].type + tunnels[i].remote->uuid.parts[1]);
    }
    free(tunnels);
    if (host->uplink) {
        simap_put(ofports, host->uplink, 200);
    }
}

static void
compile(const struct topology *topo, const char *host_name,
        struct weft_flows *flows)
{
    const struct topo_host *host = topology_find_host_by_name(topo, host_name);
    assert_non_null(host);
    struct simap ofports;
    host_ofports(topo, host, &ofports);
    weft_flows_init(flows);
    compile_host_flows(topo, host, &ofports, flows);
    simap_destroy(&ofports);
}

/* "kind:name" of 'owner', looked up in 'a' or else 'b' (an owner may exist
 * in only one of the two topologies). */
static char *
owner_name(const struct weft_owner *owner, const struct topology *a,
           const struct topology *b)
{
    const char *kind = weft_owner_kind_to_string(owner->kind);
    const char *name = NULL;
    for (int i = 0; i < 2 && !name; i++) {
        const struct topology *topo = i ? b : a;
        if (owner->kind == WEFT_OWNER_PORT) {
            const struct topo_port *p = topology_find_port(topo, &owner->uuid);
            name = p ? p->name : NULL;
        } else if (owner->kind == WEFT_OWNER_NETWORK) {
            const struct topo_network *n = topology_find_network(
                topo, &owner->uuid);
            name = n ? n->name : NULL;
        } else if (owner->kind == WEFT_OWNER_HOST) {
            const struct topo_host *h = topology_find_host(topo,
                                                           &owner->uuid);
            name = h ? h->name : NULL;
        }
    }
    assert_non_null(name);
    return xasprintf("%s:%s", kind, name);
}

/* Appends to 'lines' one "kind:name TEXT" line per flow of 'flows', so that
 * two sets compare owner by owner. */
static void
owner_lines(const struct weft_flows *flows, const struct topology *a,
            const struct topology *b, struct svec *lines)
{
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &flows->flows) {
        char *name = owner_name(&flow->owner, a, b);
        struct weft_flows one;
        weft_flows_init(&one);
        struct match match;
        minimatch_expand(&flow->match, &match);
        weft_flows_add(&one, NULL, flow->table_id, flow->priority,
                       flow->cookie, &match, flow->ofpacts,
                       flow->ofpacts_len);
        struct ds text = DS_EMPTY_INITIALIZER;
        weft_flows_format(&one, &text);
        svec_add_nocopy(lines, xasprintf("%s %s", name, ds_cstr(&text)));
        ds_destroy(&text);
        weft_flows_destroy(&one);
        free(name);
    }
}

/* Returns the owners whose flows on 'host' differ between 'before' and
 * 'after', as a sorted, space-separated list of "kind:name" ("" if none). */
static char *
changed_owners(const struct topology *before, const struct topology *after,
               const char *host)
{
    struct weft_flows old_flows, new_flows;
    compile(before, host, &old_flows);
    compile(after, host, &new_flows);

    struct svec old_lines = SVEC_EMPTY_INITIALIZER;
    struct svec new_lines = SVEC_EMPTY_INITIALIZER;
    owner_lines(&old_flows, before, after, &old_lines);
    owner_lines(&new_flows, before, after, &new_lines);
    svec_sort(&old_lines);
    svec_sort(&new_lines);

    /* A line in one set only: its owner's flows changed. */
    struct sset changed = SSET_INITIALIZER(&changed);
    const struct svec *sets[2] = { &old_lines, &new_lines };
    for (int i = 0; i < 2; i++) {
        const struct svec *other = sets[!i];
        for (size_t j = 0; j < sets[i]->n; j++) {
            const char *line = sets[i]->names[j];
            if (!svec_contains(other, line)) {
                sset_add_and_free(&changed,
                                  xmemdup0(line, strcspn(line, " ")));
            }
        }
    }

    struct ds list = DS_EMPTY_INITIALIZER;
    const char **names = sset_sort(&changed);
    for (size_t i = 0; i < sset_count(&changed); i++) {
        ds_put_format(&list, "%s%s", i ? " " : "", names[i]);
    }
    free(names);

    sset_destroy(&changed);
    svec_destroy(&old_lines);
    svec_destroy(&new_lines);
    weft_flows_destroy(&old_flows);
    weft_flows_destroy(&new_flows);
    return ds_steal_cstr(&list);
}

static int
port_index(const char *name)
{
    for (int i = 0; i < N_PORTS; i++) {
        if (!strcmp(ports[i].name, name)) {
            return i;
        }
    }
    fail_msg("no port %s", name);
    return -1;
}

/* ------------------------------------------------------------------------ */

/* Every compiled flow has an owner, and the owner agrees with the cookie:
 * the flows owned by port P are exactly those whose cookie carries P's key,
 * a network's are those with its key and port key 0, the host's defaults
 * those with cookie weft_cookie(0, 0, 0). */
static void
test_every_flow_owned(void **state OVS_UNUSED)
{
    struct topology topo;
    build(&topo, -1);

    for (int h = 0; h < N_HOSTS; h++) {
        const struct topo_host *host = topology_find_host_by_name(
            &topo, hosts[h].name);
        struct weft_flows flows;
        compile(&topo, hosts[h].name, &flows);

        size_t n_kind[WEFT_OWNER_SERVICE + 1] = { 0 };
        const struct weft_flow *flow;
        HMAP_FOR_EACH (flow, node, &flows.flows) {
            const struct weft_owner *owner = &flow->owner;
            uint32_t port_key = flow->cookie & 0xffffff;
            uint32_t net_key = (flow->cookie >> 24) & 0xffff;
            n_kind[owner->kind]++;

            if (port_key) {
                /* The cookie names a port: that port owns the flow. */
                const struct topo_port *port = topology_find_port(
                    &topo, &owner->uuid);
                assert_int_equal(owner->kind, WEFT_OWNER_PORT);
                assert_non_null(port);
                assert_int_equal(port->key, port_key);
                assert_int_equal(port->network->key, net_key);
                assert_int_equal(flow->cookie >> 40 & 0xffff,
                                 port->network->tenant->key);
            } else if (net_key) {
                const struct topo_network *net = topology_find_network(
                    &topo, &owner->uuid);
                assert_int_equal(owner->kind, WEFT_OWNER_NETWORK);
                assert_non_null(net);
                assert_int_equal(net->key, net_key);
                assert_true(flow->table_id == WEFT_TABLE_CLASSIFY
                            || flow->table_id == WEFT_TABLE_FLOOD);
            } else {
                assert_int_equal(owner->kind, WEFT_OWNER_HOST);
                assert_true(uuid_equals(&owner->uuid, &host->uuid));
                /* Table-miss, or IPv6's rows of PORT_SEC, ARP_RESPOND. */
                assert_true(flow->priority == WEFT_PRIO_DEFAULT
                            || flow->table_id == WEFT_TABLE_PORT_SEC
                            || flow->table_id == WEFT_TABLE_ARP_RESPOND);
            }
        }
        /* Each kind shows up, so every branch above ran; none is NONE. */
        assert_int_equal(n_kind[WEFT_OWNER_NONE], 0);
        assert_int_equal(n_kind[WEFT_OWNER_HOST], 8 + 6);
        assert_true(n_kind[WEFT_OWNER_NETWORK] > 0);
        assert_true(n_kind[WEFT_OWNER_PORT] > 0);
        weft_flows_destroy(&flows);
    }
    topology_destroy(&topo);
}

/* Owners print as "kind UUID"; weft_flows_add_text() records none. */
static void
test_owner_helpers(void **state OVS_UNUSED)
{
    struct weft_owner port = { WEFT_OWNER_PORT, fixed_uuid(4, 1) };
    struct weft_owner net = { WEFT_OWNER_NETWORK, fixed_uuid(4, 1) };
    struct ds s = DS_EMPTY_INITIALIZER;
    weft_owner_format(&port, &s);
    assert_string_equal(ds_cstr(&s),
                        "port 00000004-0000-0001-0000-005700000057");
    ds_clear(&s);
    weft_owner_format(&net, &s);
    assert_string_equal(ds_cstr(&s),
                        "network 00000004-0000-0001-0000-005700000057");
    assert_false(weft_owner_equals(&port, &net));
    struct weft_owner copy = port;
    assert_true(weft_owner_equals(&port, &copy));
    assert_int_equal(weft_owner_hash(&port), weft_owner_hash(&copy));

    struct weft_flows flows;
    weft_flows_init(&flows);
    struct match catchall;
    match_init_catchall(&catchall);
    assert_true(weft_flows_add_text(&flows, 0, 1, 0, "", "drop"));
    assert_false(weft_flows_add(&flows, &port, 0, 1, 0, &catchall, NULL, 0));
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &flows.flows) {
        assert_int_equal(flow->owner.kind, WEFT_OWNER_NONE);
        ds_clear(&s);
        weft_owner_format(&flow->owner, &s);
        assert_string_equal(ds_cstr(&s), "none");
    }
    weft_flows_destroy(&flows);
    ds_destroy(&s);
}

/* Deleting one port, checked by hand on each host: the owners whose flows
 * change, as the incremental core would have to recompute them. */
static void
test_delete_port_cases(void **state OVS_UNUSED)
{
    static const struct {
        const char *port;
        const char *changed[N_HOSTS];   /* On hv1, hv2, hv3. */
    } cases[] = {
        /* A local port: its flows, its network's flood list on its host;
         * elsewhere its ARP answer and L2 forwarding. */
        { "a2", { "network:A port:a2", "port:a2", "" } },
        /* A port without an ofport is in no flood list. */
        { "a4", { "port:a4", "port:a4", "" } },
        /* hv2's only port of A: hv1 no longer floods to or accepts A from
         * hv2; hv2 leaves A, so every port of A loses its flows there. */
        { "a3", { "network:A port:a3",
                  "network:A port:a1 port:a2 port:a3 port:a4", "" } },
        { "s1", { "network:S port:s1 port:s2 port:s3", "network:S port:s1",
                  "" } },
        { "b2", { "network:B port:b2", "", "network:B port:b1 port:b2" } },
        /* hv3 has no uplink: hv1 and hv2 never reached v3 but by ARP. */
        { "v3", { "port:v3", "port:v3", "network:V port:v1 port:v2 port:v3" } },
    };

    struct topology before;
    build(&before, -1);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct topology after;
        build(&after, port_index(cases[i].port));
        for (int h = 0; h < N_HOSTS; h++) {
            char *changed = changed_owners(&before, &after, hosts[h].name);
            print_message("delete %s: %s changes [%s]\n", cases[i].port,
                          hosts[h].name, changed);
            assert_string_equal(changed, cases[i].changed[h]);
            free(changed);
        }
        topology_destroy(&after);
    }
    topology_destroy(&before);
}

/* Returns true if 'net' has a port on 'host' in 'topo'. */
static bool
net_on_host(const struct topology *topo, const char *net, const char *host)
{
    const struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (!strcmp(port->network->name, net)
            && !strcmp(port->host->name, host)) {
            return true;
        }
    }
    return false;
}

/* Deleting any port, on every host: the owners that change are the port,
 * its network, and only if the host leaves the network by it, the
 * network's other ports; never another network, another network's port or
 * the host's defaults.  The port's own flows change wherever its network
 * was (every port here has an IP, so an ARP answer on every such host). */
static void
test_delete_any_port(void **state OVS_UNUSED)
{
    struct topology before;
    build(&before, -1);
    for (int i = 0; i < N_PORTS; i++) {
        struct topology after;
        build(&after, i);
        const char *net = nets[ports[i].net].name;

        for (int h = 0; h < N_HOSTS; h++) {
            const char *host = hosts[h].name;
            bool was_on = net_on_host(&before, net, host);
            bool leaves = was_on && !net_on_host(&after, net, host);
            char *changed = changed_owners(&before, &after, host);

            struct sset owners = SSET_INITIALIZER(&owners);
            sset_from_delimited_string(&owners, changed, " ");
            char *self = xasprintf("port:%s", ports[i].name);
            char *own_net = xasprintf("network:%s", net);
            assert_int_equal(sset_contains(&owners, self), was_on);

            const char *owner;
            SSET_FOR_EACH (owner, &owners) {
                if (!strcmp(owner, self) || !strcmp(owner, own_net)) {
                    continue;
                }
                /* Another port: only one of the network this host left. */
                if (!leaves || strncmp(owner, "port:", 5)
                    || ports[port_index(owner + 5)].net != ports[i].net) {
                    fail_msg("delete %s: %s changes %s [%s]", ports[i].name,
                             host, owner, changed);
                }
            }
            free(self);
            free(own_net);
            sset_destroy(&owners);
            free(changed);
        }
        topology_destroy(&after);
    }
    topology_destroy(&before);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner_helpers),
        cmocka_unit_test(test_every_flow_owned),
        cmocka_unit_test(test_delete_port_cases),
        cmocka_unit_test(test_delete_any_port),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    flow_text_free();
    return rc;
}
