/* metrics: weftd's part of GET /metrics, in Prometheus text format (see
 * metrics.h).  Pipeline place: beside it, rendering what the hosts counted
 * while pushing flows. */
#include <config.h>

#include "metrics.h"

#include <inttypes.h>
#include <stddef.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"

/* One metric family's header. */
static void
metric_header(struct ds *s, const char *name, const char *type,
              const char *help)
{
    ds_put_format(s, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The offset of 'MEMBER', a uint64_t counter, in struct host_stats. */
#define HOST_COUNTER(MEMBER)                                            \
    (BUILD_ASSERT(sizeof ((struct host_stats *) NULL)->MEMBER           \
                  == sizeof (uint64_t)),                                \
     offsetof(struct host_stats, MEMBER))

/* One series of a counter family: its labels after the host's (such as
 * ",channel=\"ovsdb\"", or "") and its counter (HOST_COUNTER). */
struct counter_series {
    const char *labels;
    size_t offset;
};

/* Counter family 'name': for each host, one sample of each of the
 * 'n_series' series in 'series'. */
static void
put_host_counter(struct ds *s, const char *name, const char *help,
                 const struct metrics_host *hosts, size_t n,
                 const struct counter_series *series, size_t n_series)
{
    metric_header(s, name, "counter", help);
    for (size_t i = 0; i < n; i++) {
        const char *stats = (const char *) &hosts[i].stats;
        for (size_t j = 0; j < n_series; j++) {
            const uint64_t *value
                = (const uint64_t *) (stats + series[j].offset);
            ds_put_format(s, "%s{host=\"%s\"%s} %"PRIu64"\n", name,
                          hosts[i].name, series[j].labels, *value);
        }
    }
}

/* A family of one series, without labels of its own. */
#define ONE_SERIES(MEMBER)                                              \
    &(const struct counter_series) { "", HOST_COUNTER(MEMBER) }, 1

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
    put_host_counter(s, "weft_host_flow_mods_total",
                     "flow_mods sent to the host, in bundles.", hosts, n,
                     ONE_SERIES(n_flow_mods));
    put_host_counter(s, "weft_host_bundles_total",
                     "OpenFlow bundles committed on the host.", hosts, n,
                     ONE_SERIES(n_bundles));
    put_host_counter(s, "weft_host_flow_dumps_total",
                     "Times weftd read the host's flows back.", hosts, n,
                     ONE_SERIES(n_dumps));
    const struct counter_series compiles[] = {
        { ",kind=\"full\"", HOST_COUNTER(n_full_compiles) },
        { ",kind=\"owner\"", HOST_COUNTER(n_owner_compiles) },
    };
    put_host_counter(s, "weft_host_compiles_total",
                     "Flow compiles for the host: of the whole host, or of one "
                     "flow owner (a port, a network on the host).",
                     hosts, n, compiles, ARRAY_SIZE(compiles));
    put_host_counter(s, "weft_host_changes_skipped_total",
                     "Changes of the desired state that did not touch the "
                     "host: neither compile nor diff.", hosts, n,
                     ONE_SERIES(n_skipped));
}

/* Reconnections, and how far and how fast the host confirmed the desired
 * state. */
static void
put_convergence(struct ds *s, const struct metrics_host *hosts, size_t n)
{
    const struct counter_series reconnects[] = {
        { ",channel=\"ovsdb\"", HOST_COUNTER(n_ovsdb_reconnects) },
        { ",channel=\"openflow\"", HOST_COUNTER(n_openflow_reconnects) },
    };
    put_host_counter(s, "weft_host_reconnects_total",
                     "Connections to the host after the first, per channel.",
                     hosts, n, reconnects, ARRAY_SIZE(reconnects));
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

void
metrics_render_controller(struct ds *s, bool active, int64_t generation,
                          uint64_t takeovers)
{
    metric_header(s, "weft_controller_active", "gauge",
                  "1 if this weftd holds the lock on weft's database and "
                  "its claim is in it (active), 0 if standby.");
    ds_put_format(s, "weft_controller_active %d\n", active);
    metric_header(s, "weft_controller_generation", "gauge",
                  "Weft_Global controller_generation as this weftd sees it.");
    ds_put_format(s, "weft_controller_generation %"PRId64"\n", generation);
    metric_header(s, "weft_controller_takeovers_total", "counter",
                  "Times this weftd process became active.");
    ds_put_format(s, "weft_controller_takeovers_total %"PRIu64"\n",
                  takeovers);
}
