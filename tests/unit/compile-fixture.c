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
#include "openvswitch/match.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
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
