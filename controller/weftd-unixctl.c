/* weftd-unixctl: weftd's control commands (see weftd-unixctl.h).  Pipeline
 * place: beside it; they read and poke the per-host state of hosts.h. */
#include <config.h>

#include "weftd-unixctl.h"

#include <inttypes.h>
#include <string.h>

#include "ha.h"
#include "host.h"
#include "hosts.h"
#include "openvswitch/dynamic-string.h"
#include "unixctl.h"
#include "util.h"

static void
weftd_unixctl_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
                   const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;
    *exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
weftd_unixctl_hosts(struct unixctl_conn *conn, int argc OVS_UNUSED,
                    const char *argv[] OVS_UNUSED, void *hosts_)
{
    struct hosts *hosts = hosts_;
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "nb_cfg %"PRId64", %"PRIuSIZE" hosts\n", hosts->nb_cfg,
                  hosts_count(hosts));
    size_t n;
    struct host **sorted = hosts_sorted(hosts, &n);
    for (size_t i = 0; i < n; i++) {
        host_format_summary(sorted[i], &s);
    }
    free(sorted);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* "weft/compile-stats": per host, how often its flows were compiled whole,
 * how many flow owners were compiled one by one, and how many changes did
 * not touch it at all (tests/sim/test-incremental.sh reads it). */
static void
weftd_unixctl_compile_stats(struct unixctl_conn *conn, int argc OVS_UNUSED,
                            const char *argv[] OVS_UNUSED, void *hosts_)
{
    struct hosts *hosts = hosts_;
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n;
    struct host **sorted = hosts_sorted(hosts, &n);
    for (size_t i = 0; i < n; i++) {
        host_format_compile_stats(sorted[i], &s);
    }
    free(sorted);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* "weft/status-stats": how incremental the status write-back is (see
 * hosts_format_status_stats(); tests/sim/test-status.sh reads it). */
static void
weftd_unixctl_status_stats(struct unixctl_conn *conn, int argc OVS_UNUSED,
                           const char *argv[] OVS_UNUSED, void *hosts_)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    hosts_format_status_stats(hosts_, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* "weft/startup-stats": when weftd's start-up phases ended, overall and per
 * host (hosts_format_startup_stats()). */
static void
weftd_unixctl_startup_stats(struct unixctl_conn *conn, int argc OVS_UNUSED,
                            const char *argv[] OVS_UNUSED, void *hosts_)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    hosts_format_startup_stats(hosts_, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* "weft/host-db-stats": per host, how many interfaces its OVSDB session
 * looked at (ovsdb/host-db.h; tests/sim/test-host-db-incr.sh reads it). */
static void
weftd_unixctl_host_db_stats(struct unixctl_conn *conn, int argc OVS_UNUSED,
                            const char *argv[] OVS_UNUSED, void *hosts_)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n;
    struct host **sorted = hosts_sorted(hosts_, &n);
    for (size_t i = 0; i < n; i++) {
        host_format_db_stats(sorted[i], &s);
    }
    free(sorted);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static struct host *
unixctl_find_host(struct hosts *hosts, struct unixctl_conn *conn,
                  const char *name)
{
    struct host *host = hosts_find_by_name(hosts, name);
    if (!host) {
        unixctl_command_reply_error(conn, "no such host");
    }
    return host;
}

/* "weft/flows" and "weft/groups". */
static void
unixctl_flows__(struct unixctl_conn *conn, int argc, const char *argv[],
                struct hosts *hosts, bool groups)
{
    bool installed = argc > 2 && !strcmp(argv[2], "installed");
    if (argc > 2 && !installed && strcmp(argv[2], "desired")) {
        unixctl_command_reply_error(conn, "expected \"desired\" or "
                                    "\"installed\"");
        return;
    }
    struct host *host = unixctl_find_host(hosts, conn, argv[1]);
    if (host) {
        struct ds s = DS_EMPTY_INITIALIZER;
        (groups ? host_format_groups : host_format_flows)(host, installed,
                                                          &s);
        unixctl_command_reply(conn, ds_cstr(&s));
        ds_destroy(&s);
    }
}

static void
weftd_unixctl_flows(struct unixctl_conn *conn, int argc,
                    const char *argv[], void *hosts)
{
    unixctl_flows__(conn, argc, argv, hosts, false);
}

static void
weftd_unixctl_groups(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *hosts)
{
    unixctl_flows__(conn, argc, argv, hosts, true);
}

static void
weftd_unixctl_resync(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *hosts_)
{
    struct hosts *hosts = hosts_;
    if (argc > 1) {
        struct host *host = unixctl_find_host(hosts, conn, argv[1]);
        if (!host) {
            return;
        }
        host_force_resync(host);
    } else {
        hosts_force_resync(hosts);
    }
    unixctl_command_reply(conn, NULL);
}

void
weftd_unixctl_register(struct hosts *hosts, bool *exiting)
{
    unixctl_command_register("exit", "", 0, 0, weftd_unixctl_exit, exiting);
    unixctl_command_register("weft/hosts", "", 0, 0, weftd_unixctl_hosts,
                             hosts);
    unixctl_command_register("weft/compile-stats", "", 0, 0,
                             weftd_unixctl_compile_stats, hosts);
    unixctl_command_register("weft/status-stats", "", 0, 0,
                             weftd_unixctl_status_stats, hosts);
    unixctl_command_register("weft/startup-stats", "", 0, 0,
                             weftd_unixctl_startup_stats, hosts);
    unixctl_command_register("weft/host-db-stats", "", 0, 0,
                             weftd_unixctl_host_db_stats, hosts);
    unixctl_command_register("weft/flows", "HOST [desired|installed]", 1, 2,
                             weftd_unixctl_flows, hosts);
    unixctl_command_register("weft/groups", "HOST [desired|installed]", 1, 2,
                             weftd_unixctl_groups, hosts);
    unixctl_command_register("weft/resync", "[HOST]", 0, 1,
                             weftd_unixctl_resync, hosts);
}

/* "weftd/ha-status": this weftd's role and the controller view of
 * Weft_Global, one JSON object (ha_format_status()). */
struct ha_status_aux {
    struct ha *ha;
    struct hosts *hosts;
};

static void
weftd_unixctl_ha_status(struct unixctl_conn *conn, int argc OVS_UNUSED,
                        const char *argv[] OVS_UNUSED, void *aux_)
{
    const struct ha_status_aux *aux = aux_;
    struct ds s = DS_EMPTY_INITIALIZER;
    ha_format_status(aux->ha, aux->hosts, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

void
weftd_unixctl_register_ha(struct ha *ha, struct hosts *hosts)
{
    static struct ha_status_aux aux;
    aux = (struct ha_status_aux) { .ha = ha, .hosts = hosts };
    unixctl_command_register("weftd/ha-status", "", 0, 0,
                             weftd_unixctl_ha_status, &aux);
}
