/* test-metrics: unit tests for controller/metrics.c, weftd's part of
 * GET /metrics.
 *
 * The whole text is compared: family names, HELP and TYPE lines, label
 * order, number formats and which series are left out (a convergence
 * latency not measured yet) are what Prometheus scrapes and dashboards
 * query, so none of them may change by accident. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

static void
test_metrics_no_hosts(void **state OVS_UNUSED)
{
    char *text = metrics_render(0, 0, NULL, 0);
    assert_string_equal(text,
        "# HELP weft_nb_cfg Configuration sequence number of the desired "
        "state.\n"
        "# TYPE weft_nb_cfg gauge\n"
        "weft_nb_cfg 0\n"
        "# HELP weft_hosts Hosts weftd manages.\n"
        "# TYPE weft_hosts gauge\n"
        "weft_hosts 0\n"
        "# HELP weft_host_ovsdb_connected 1 if weftd is connected to the "
        "host's Open_vSwitch database.\n"
        "# TYPE weft_host_ovsdb_connected gauge\n"
        "# HELP weft_host_openflow_connected 1 if weftd's OpenFlow "
        "connection to br-int is up.\n"
        "# TYPE weft_host_openflow_connected gauge\n"
        "# HELP weft_host_openflow_state 1 for the OpenFlow session's "
        "current state.\n"
        "# TYPE weft_host_openflow_state gauge\n"
        "# HELP weft_host_flows Flows on br-int: desired by weft, or known "
        "installed.\n"
        "# TYPE weft_host_flows gauge\n"
        "# HELP weft_host_flow_mods_total flow_mods sent to the host, in "
        "bundles.\n"
        "# TYPE weft_host_flow_mods_total counter\n"
        "# HELP weft_host_bundles_total OpenFlow bundles committed on the "
        "host.\n"
        "# TYPE weft_host_bundles_total counter\n"
        "# HELP weft_host_flow_dumps_total Times weftd read the host's flows "
        "back.\n"
        "# TYPE weft_host_flow_dumps_total counter\n"
        "# HELP weft_host_compiles_total Flow compiles for the host: of the "
        "whole host, or of one flow owner (a port, a network on the "
        "host).\n"
        "# TYPE weft_host_compiles_total counter\n"
        "# HELP weft_host_changes_skipped_total Changes of the desired state "
        "that did not touch the host: neither compile nor diff.\n"
        "# TYPE weft_host_changes_skipped_total counter\n"
        "# HELP weft_host_reconnects_total Connections to the host after the "
        "first, per channel.\n"
        "# TYPE weft_host_reconnects_total counter\n"
        "# HELP weft_host_cur_cfg Highest nb_cfg the host confirmed "
        "installed (barrier).\n"
        "# TYPE weft_host_cur_cfg gauge\n"
        "# HELP weft_host_convergence_seconds Last convergence latency: from "
        "a new nb_cfg seen by weftd to the barrier reply that confirmed "
        "it.\n"
        "# TYPE weft_host_convergence_seconds gauge\n");
    free(text);
}

/* Returns the lines of 'text' that do not start with '#' (malloc'd). */
static char *
samples(const char *text)
{
    char *out = xzalloc(strlen(text) + 1);
    for (const char *p = text; *p; ) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? eol - p + 1 : strlen(p);
        if (*p != '#') {
            strncat(out, p, len);
        }
        p += len;
    }
    return out;
}

static void
test_metrics_two_hosts(void **state OVS_UNUSED)
{
    struct metrics_host hosts[2] = {
        { .name = "h1", .stats = {
            .ovsdb_connected = true, .openflow_connected = true,
            .state = HOST_OF_SYNCED, .n_desired = 42, .n_installed = 41,
            .n_flow_mods = 100, .n_bundles = 3, .n_dumps = 2,
            .n_ovsdb_reconnects = 1, .n_openflow_reconnects = 4,
            .nb_cfg = 9, .cur_cfg = 9, .last_latency_msec = 1234,
            .n_full_compiles = 2, .n_owner_compiles = 17, .n_skipped = 5,
        } },
        { .name = "h2", .stats = {
            .state = HOST_OF_DUMPING, .n_desired = 7,
            .nb_cfg = 9, .cur_cfg = 5, .last_latency_msec = -1,
        } },
    };
    char *text = metrics_render(9, 3, hosts, 2);
    char *s = samples(text);
    assert_string_equal(s,
        "weft_nb_cfg 9\n"
        "weft_hosts 3\n"
        "weft_host_ovsdb_connected{host=\"h1\"} 1\n"
        "weft_host_ovsdb_connected{host=\"h2\"} 0\n"
        "weft_host_openflow_connected{host=\"h1\"} 1\n"
        "weft_host_openflow_connected{host=\"h2\"} 0\n"
        "weft_host_openflow_state{host=\"h1\",state=\"disconnected\"} 0\n"
        "weft_host_openflow_state{host=\"h1\",state=\"reading-flows\"} 0\n"
        "weft_host_openflow_state{host=\"h1\",state=\"synced\"} 1\n"
        "weft_host_openflow_state{host=\"h2\",state=\"disconnected\"} 0\n"
        "weft_host_openflow_state{host=\"h2\",state=\"reading-flows\"} 1\n"
        "weft_host_openflow_state{host=\"h2\",state=\"synced\"} 0\n"
        "weft_host_flows{host=\"h1\",table=\"desired\"} 42\n"
        "weft_host_flows{host=\"h1\",table=\"installed\"} 41\n"
        "weft_host_flows{host=\"h2\",table=\"desired\"} 7\n"
        "weft_host_flows{host=\"h2\",table=\"installed\"} 0\n"
        "weft_host_flow_mods_total{host=\"h1\"} 100\n"
        "weft_host_flow_mods_total{host=\"h2\"} 0\n"
        "weft_host_bundles_total{host=\"h1\"} 3\n"
        "weft_host_bundles_total{host=\"h2\"} 0\n"
        "weft_host_flow_dumps_total{host=\"h1\"} 2\n"
        "weft_host_flow_dumps_total{host=\"h2\"} 0\n"
        "weft_host_compiles_total{host=\"h1\",kind=\"full\"} 2\n"
        "weft_host_compiles_total{host=\"h1\",kind=\"owner\"} 17\n"
        "weft_host_compiles_total{host=\"h2\",kind=\"full\"} 0\n"
        "weft_host_compiles_total{host=\"h2\",kind=\"owner\"} 0\n"
        "weft_host_changes_skipped_total{host=\"h1\"} 5\n"
        "weft_host_changes_skipped_total{host=\"h2\"} 0\n"
        "weft_host_reconnects_total{host=\"h1\",channel=\"ovsdb\"} 1\n"
        "weft_host_reconnects_total{host=\"h1\",channel=\"openflow\"} 4\n"
        "weft_host_reconnects_total{host=\"h2\",channel=\"ovsdb\"} 0\n"
        "weft_host_reconnects_total{host=\"h2\",channel=\"openflow\"} 0\n"
        "weft_host_cur_cfg{host=\"h1\"} 9\n"
        "weft_host_cur_cfg{host=\"h2\"} 5\n"
        "weft_host_convergence_seconds{host=\"h1\"} 1.234\n");
    free(s);
    free(text);
}

/* The controller's series (issue #16): a standby and an active weftd. */
static void
test_metrics_controller(void **state OVS_UNUSED)
{
    static const char *const head[] = {
        "# HELP weft_controller_active 1 if this weftd holds the lock on "
        "weft's database and its claim is in it (active), 0 if standby.\n"
        "# TYPE weft_controller_active gauge\n",
        "# HELP weft_controller_generation Weft_Global controller_generation "
        "as this weftd sees it.\n"
        "# TYPE weft_controller_generation gauge\n",
        "# HELP weft_controller_takeovers_total Times this weftd process "
        "became active.\n"
        "# TYPE weft_controller_takeovers_total counter\n",
    };
    struct ds s = DS_EMPTY_INITIALIZER;
    metrics_render_controller(&s, false, 0, 0);
    char *want = xasprintf("%sweft_controller_active 0\n"
                           "%sweft_controller_generation 0\n"
                           "%sweft_controller_takeovers_total 0\n",
                           head[0], head[1], head[2]);
    assert_string_equal(ds_cstr(&s), want);
    free(want);

    ds_clear(&s);
    metrics_render_controller(&s, true, 7, 2);
    want = xasprintf("%sweft_controller_active 1\n"
                     "%sweft_controller_generation 7\n"
                     "%sweft_controller_takeovers_total 2\n",
                     head[0], head[1], head[2]);
    assert_string_equal(ds_cstr(&s), want);
    free(want);
    ds_destroy(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_no_hosts),
        cmocka_unit_test(test_metrics_two_hosts),
        cmocka_unit_test(test_metrics_controller),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
