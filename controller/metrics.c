/* metrics: weftd's part of GET /metrics, in Prometheus text format (see
 * metrics.h).  Pipeline place: beside it, rendering what the hosts counted
 * while pushing flows. */
#include <config.h>

#include "metrics.h"

#include <inttypes.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"

/* One metric family's header. */
static void
metric_header(struct ds *s, const char *name, const char *type,
              const char *help)
{
    ds_put_format(s, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The connections: OVSDB, OpenFlow, and the OpenFlow session's state. */
static void
put_connections(struct ds *s, const struct metrics_host *hosts, size_t n)
{
    metric_header(s, "weft_host_ovsdb_connected", "gauge",
                  "1 if weftd is connected to the host's Open_vSwitch "
                  "database.");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "weft_host_ovsdb_connected{host=\"%s\"} %d\n",
                      hosts[i].name, hosts[i].stats.ovsdb_connected);
    }
    metric_header(s, "weft_host_openflow_connected", "gauge",
                  "1 if weftd's OpenFlow connection to br-int is up.");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "weft_host_openflow_connected{host=\"%s\"} %d\n",
                      hosts[i].name, hosts[i].stats.openflow_connected);
    }
    metric_header(s, "weft_host_openflow_state", "gauge",
                  "1 for the OpenFlow session's current state.");
    for (size_t i = 0; i < n; i++) {
#define HOST_OF_STATE(ENUM, NAME)                                           \
        ds_put_format(s, "weft_host_openflow_state{host=\"%s\",state=\"%s\"}" \
                      " %d\n", hosts[i].name, NAME,                          \
                      hosts[i].stats.state == HOST_OF_##ENUM);
        HOST_OF_STATES
#undef HOST_OF_STATE
    }
}

/* The flow tables and what weftd sent to or read from them. */
static void
put_flows(struct ds *s, const struct metrics_host *hosts, size_t n)
{
    metric_header(s, "weft_host_flows", "gauge",
                  "Flows on br-int: desired by weft, or known installed.");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "weft_host_flows{host=\"%s\",table=\"desired\"} "
                      "%"PRIuSIZE"\n", hosts[i].name,
                      hosts[i].stats.n_desired);
        ds_put_format(s, "weft_host_flows{host=\"%s\",table=\"installed\"} "
                      "%"PRIuSIZE"\n", hosts[i].name,
                      hosts[i].stats.n_installed);
    }
    metric_header(s, "weft_host_flow_mods_total", "counter",
                  "flow_mods sent to the host, in bundles.");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "weft_host_flow_mods_total{host=\"%s\"} %"PRIu64
                      "\n", hosts[i].name, hosts[i].stats.n_flow_mods);
    }
    metric_header(s, "weft_host_bundles_total", "counter",
                  "OpenFlow bundles committed on the host.");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "weft_host_bundles_total{host=\"%s\"} %"PRIu64
                      "\n", hosts[i].name, hosts[i].stats.n_bundles);
    }
    metric_header(s, "weft_host_flow_dumps_total", "counter",
                  "Times weftd read the host's flows back.");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "weft_host_flow_dumps_total{host=\"%s\"} %"PRIu64
                      "\n", hosts[i].name, hosts[i].stats.n_dumps);
    }
    metric_header(s, "weft_host_compiles_total", "counter",
                  "Flow compiles for the host: of the whole host, or of one "
                  "flow owner (a port, a network on the host).");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "weft_host_compiles_total{host=\"%s\",kind=\"full\"} "
                      "%"PRIu64"\n", hosts[i].name,
                      hosts[i].stats.n_full_compiles);
        ds_put_format(s, "weft_host_compiles_total{host=\"%s\",kind=\"owner\"} "
                      "%"PRIu64"\n", hosts[i].name,
                      hosts[i].stats.n_owner_compiles);
    }
    metric_header(s, "weft_host_changes_skipped_total", "counter",
                  "Changes of the desired state that did not touch the "
                  "host: neither compile nor diff.");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "weft_host_changes_skipped_total{host=\"%s\"} "
                      "%"PRIu64"\n", hosts[i].name, hosts[i].stats.n_skipped);
    }
}

/* Reconnections, and how far and how fast the host confirmed the desired
 * state. */
static void
put_convergence(struct ds *s, const struct metrics_host *hosts, size_t n)
{
    metric_header(s, "weft_host_reconnects_total", "counter",
                  "Connections to the host after the first, per channel.");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "weft_host_reconnects_total{host=\"%s\","
                      "channel=\"ovsdb\"} %"PRIu64"\n", hosts[i].name,
                      hosts[i].stats.n_ovsdb_reconnects);
        ds_put_format(s, "weft_host_reconnects_total{host=\"%s\","
                      "channel=\"openflow\"} %"PRIu64"\n", hosts[i].name,
                      hosts[i].stats.n_openflow_reconnects);
    }
    metric_header(s, "weft_host_cur_cfg", "gauge",
                  "Highest nb_cfg the host confirmed installed (barrier).");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "weft_host_cur_cfg{host=\"%s\"} %"PRId64"\n",
                      hosts[i].name, hosts[i].stats.cur_cfg);
    }
    metric_header(s, "weft_host_convergence_seconds", "gauge",
                  "Last convergence latency: from a new nb_cfg seen by "
                  "weftd to the barrier reply that confirmed it.");
    for (size_t i = 0; i < n; i++) {
        if (hosts[i].stats.last_latency_msec >= 0) {
            ds_put_format(s, "weft_host_convergence_seconds{host=\"%s\"} "
                          "%.3f\n", hosts[i].name,
                          hosts[i].stats.last_latency_msec / 1000.0);
        }
    }
}

char *
metrics_render(int64_t nb_cfg, size_t n_managed,
               const struct metrics_host *hosts, size_t n)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    metric_header(&s, "weft_nb_cfg", "gauge",
                  "Configuration sequence number of the desired state.");
    ds_put_format(&s, "weft_nb_cfg %"PRId64"\n", nb_cfg);
    metric_header(&s, "weft_hosts", "gauge", "Hosts weftd manages.");
    ds_put_format(&s, "weft_hosts %"PRIuSIZE"\n", n_managed);
    put_connections(&s, hosts, n);
    put_flows(&s, hosts, n);
    put_convergence(&s, hosts, n);
    return ds_steal_cstr(&s);
}
