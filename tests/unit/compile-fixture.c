/* compile-fixture: see compile-fixture.h. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile-fixture.h"
#include "flow-text.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "packets.h"
#include "util.h"

void
compile_fixture_init(struct compile_fixture *c, int n_hosts,
                     const char *const dp_types[],
                     uint32_t tag0, uint32_t tag1, uint32_t tag2)
{
    ovs_assert(n_hosts >= 2 && n_hosts <= COMPILE_FIXTURE_MAX_HOSTS);
    memset(c, 0, sizeof *c);
    c->n_hosts = n_hosts;
    c->uuid_tag[0] = tag0;
    c->uuid_tag[1] = tag1;
    c->uuid_tag[2] = tag2;
    topology_init(&c->topo);
    weft_flows_init(&c->flows);
    for (int i = 0; i < n_hosts; i++) {
        char name[8], remote[32], tip[16];
        snprintf(name, sizeof name, "hv%d", i + 1);
        snprintf(remote, sizeof remote, "unix:/tmp/hv%d.sock", i + 1);
        snprintf(tip, sizeof tip, "192.168.0.%d", i + 1);
        struct uuid uuid = compile_fixture_uuid(c);
        c->hv[i] = topology_add_host(&c->topo, &uuid, name, remote, NULL,
                                     tip, dp_types ? dp_types[i] : "netdev",
                                     NULL);
        simap_init(&c->ofports[i]);
        for (int j = 0; j < n_hosts; j++) {
            if (j != i) {
                char tun[16];
                snprintf(tun, sizeof tun, "vx-hv%d", j + 1);
                simap_put(&c->ofports[i], tun, n_hosts == 2 ? 10 : 11 + j);
            }
        }
    }
}

struct uuid
compile_fixture_uuid(struct compile_fixture *c)
{
    return (struct uuid) { .parts = { ++c->n_uuids, c->uuid_tag[0],
                                      c->uuid_tag[1], c->uuid_tag[2] } };
}

ovs_be32
ip(const char *s)
{
    ovs_be32 addr;
    assert_true(ip_parse(s, &addr));
    return addr;
}

size_t
count_lines(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p++) {
        n++;
    }
    return n;
}

struct topo_network *
compile_fixture_add_net(struct compile_fixture *c, const struct topo_tenant *t,
                        const char *name, uint32_t key)
{
    struct uuid uuid = compile_fixture_uuid(c);
    struct topo_network *net = topology_add_network(
        &c->topo, &uuid, t, name, TOPO_NET_VXLAN, 100 + key, 0, key);
    struct topo_subnet subnet = { ip("10.1.0.0"), 24, ip("10.1.0.1") };
    bool changed;
    assert_true(topology_set_network_subnet(&c->topo, net, &subnet,
                                            &changed));
    return net;
}

struct topo_port *
compile_fixture_add_port(struct compile_fixture *c,
                         const struct topo_network *net, int h,
                         const char *name, const char *mac_s,
                         const char *ip_s, uint32_t key, int ofport)
{
    struct eth_addr mac;
    assert_true(eth_addr_from_string(mac_s, &mac));
    ovs_be32 addr = ip(ip_s);
    char iface[16];
    snprintf(iface, sizeof iface, "tap%s", name);
    simap_put(&c->ofports[h], iface, ofport);
    struct uuid uuid = compile_fixture_uuid(c);
    return topology_add_port(&c->topo, &uuid, net, c->hv[h], name, iface,
                             mac, &addr, 1, key);
}

char *
compile_fixture_format(const struct compile_fixture *c,
                       bool (*keep)(const struct weft_flow *))
{
    struct weft_flows some;
    weft_flows_init(&some);
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &c->flows.flows) {
        if (keep(flow)) {
            weft_flows_add_copy(&some, flow);
        }
    }
    struct ds out = DS_EMPTY_INITIALIZER;
    weft_flows_format(&some, &out);
    weft_flows_destroy(&some);
    return ds_steal_cstr(&out);
}

size_t
compile_fixture_check_owners__(struct compile_fixture *c, int h,
                               enum weft_owner_kind kind,
                               const char *file, int line)
{
    compile_fixture_run(c, h);
    struct weft_owner_list owners = WEFT_OWNER_LIST_INITIALIZER;
    compile_host_owners(&c->topo, c->hv[h], &owners);
    struct weft_flows sum;
    weft_flows_init(&sum);
    size_t n_kind = 0;
    for (size_t i = 0; i < owners.n; i++) {
        n_kind += owners.owners[i].kind == kind;
        compile_owner_flows(&c->topo, c->hv[h], &c->ofports[h],
                            &owners.owners[i], &sum);
    }
    struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
    weft_flows_format(&sum, &a);
    weft_flows_format(&c->flows, &b);
    _assert_string_equal(ds_cstr(&a), ds_cstr(&b), file, line);
    ds_destroy(&a);
    ds_destroy(&b);
    weft_flows_destroy(&sum);
    weft_owner_list_destroy(&owners);
    return n_kind;
}

void
compile_fixture_run(struct compile_fixture *c, int h)
{
    compile_host_flows(&c->topo, c->hv[h], &c->ofports[h], &c->flows);
}

void
compile_fixture_check_parses(const struct compile_fixture *c)
{
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &c->flows.flows) {
        const char *match = flow_match_s(flow);
        char *text = xasprintf("table=%d,priority=%d,%s%sactions=%s",
                               flow->table_id, flow->priority, match,
                               match[0] ? "," : "", flow_actions_s(flow));
        struct ofputil_flow_mod fm;
        enum ofputil_protocol usable;
        char *error = parse_ofp_flow_mod_str(&fm, text, NULL, NULL,
                                             OFPFC_ADD, &usable);
        if (error) {
            fail_msg("%s: %s", text, error);
        }
        minimatch_destroy(&fm.match);
        free(fm.ofpacts);
        free(text);
    }
}

int
compile_fixture_teardown(void **state)
{
    struct compile_fixture *c = *state;
    weft_flows_destroy(&c->flows);
    for (int i = 0; i < c->n_hosts; i++) {
        simap_destroy(&c->ofports[i]);
    }
    topology_destroy(&c->topo);
    free(c);
    return 0;
}
