/* metrics: weftd's part of GET /metrics, in Prometheus text format.
 *
 * Pipeline place: beside it, for monitoring.  weftd's main loop collects
 * each host's counters (host_get_stats()) and this module renders them; the
 * REST server's HTTP thread adds its own request counters and serves the
 * result (on the API socket and, with --metrics-listen, over TCP).
 *
 * Pure: no I/O, no globals, so tests/unit/test-metrics.c checks the text. */
#ifndef WEFT_METRICS_H
#define WEFT_METRICS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"

/* One host's series. */
struct metrics_host {
    const char *name;       /* A validated host name: needs no escaping. */
    struct host_stats stats;
};

/* Returns the text (malloc'd) for configuration 'nb_cfg', 'n_managed' hosts
 * managed by weftd and the series of the 'n' hosts in 'hosts', in that
 * order. */
char *metrics_render(int64_t nb_cfg, size_t n_managed,
                     const struct metrics_host *hosts, size_t n);

/* Appends the controller's series to 's': 'active' (0/1), the database's
 * 'generation' and this process's 'takeovers' (controller/ha.h). */
struct ds;
void metrics_render_controller(struct ds *s, bool active, int64_t generation,
                               uint64_t takeovers);

#endif /* controller/metrics.h */
