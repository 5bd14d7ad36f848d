/* weftd: the weft controller daemon.
 *
 * The main loop only sequences modules, in the OVS style: every *_run(),
 * then every *_wait(), then poll_block().
 *
 *   weft database (IDL) --> topology --> per host: compile flows,
 *                                        reconcile br-int ports (OVSDB),
 *                                        push flow diffs (OpenFlow bundles)
 *   per host status (connection states, cur_cfg, port ofport/up)
 *                   --> written back to the weft database
 *
 * weftd keeps no desired state of its own: everything comes from the
 * database, so it can be killed at any moment and restarted; on restart it
 * reads each switch's flows back and sends only differences (none, if the
 * desired state did not change meanwhile).
 *
 * The REST API (--api) is served by rest-server.c in its own thread; its
 * calls are executed here, in api_run() (see the top of api.c). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/resource.h>

#include "api.h"
#include "changes.h"
#include "command-line.h"
#include "compiler.h"
#include "daemon.h"
#include "fatal-signal.h"
#include "hash.h"
#include "host.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "rest-server.h"
#include "sset.h"
#include "stream-ssl.h"
#include "svec.h"
#include "topology.h"
#include "unixctl.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"

VLOG_DEFINE_THIS_MODULE(weftd);

/* A host connection, by host row UUID. */
struct host_node {
    struct hmap_node node;
    struct host *host;
};

struct weftd {
    struct ovsdb_idl *idl;
    struct ovsdb_idl_loop idl_loop;
    unsigned int idl_seqno;

    struct topology topo;           /* Current desired state. */
    int64_t nb_cfg;                 /* Weft_Global nb_cfg it came from. */
    struct hmap hosts;              /* "struct host_node"s. */

    bool exiting;
    unsigned int status_sig;        /* Inputs of the last write_status(). */
};

static char *db_remote;
static char *unixctl_path;      /* Absolute, or "none", after parse_options. */
static char *pidfile_path;      /* --pidfile, absolute; NULL without it. */
static char *api_path;          /* --api: NULL for the default, "none". */
static gid_t api_gid = (gid_t) -1; /* --api-group: the socket's group. */
static bool metrics_listen;     /* --metrics-listen was given. */
static bool self_check;         /* --self-check: tests' check of updates. */
static struct rest_server_limits api_limits = {
    .idle_timeout_ms = 60 * 1000,       /* --api-idle-timeout */
    .max_connections = 256,             /* --api-max-connections */
};

static void parse_options(int argc, char *argv[]);
static void make_rundir(void);

static struct host_node *
find_host_node(const struct weftd *d, const struct uuid *uuid)
{
    struct host_node *hn;
    HMAP_FOR_EACH_WITH_HASH (hn, node, uuid_hash(uuid), &d->hosts) {
        if (uuid_equals(host_uuid(hn->host), uuid)) {
            return hn;
        }
    }
    return NULL;
}

/* Patches the topology with the database's changes (a full load when it
 * cannot: see weft_db_update_topology()) and brings the set of host
 * connections in line with it.  With --self-check, aborts if the patched
 * topology differs from a full load. */
static void
reload_topology(struct weftd *d)
{
    /* Every host still gets the whole topology (host_set_topology() below);
     * 'changes' is what a per-host incremental compile will route. */
    struct topo_changes changes;
    topo_changes_init(&changes);
    weft_db_update_topology(d->idl, &d->topo, &changes);
    topo_changes_destroy(&changes);
    if (self_check) {
        char *error = weft_db_check_topology(d->idl, &d->topo);
        if (error) {
            VLOG_ERR("--self-check: %s", error);
            abort();
        }
    }
    const struct weftrec_weft_global *global
        = weftrec_weft_global_first(d->idl);
    d->nb_cfg = global ? global->nb_cfg : 0;

    struct host_node *hn;
    HMAP_FOR_EACH_SAFE (hn, node, &d->hosts) {
        if (!topology_find_host(&d->topo, host_uuid(hn->host))) {
            VLOG_INFO("%s: host removed", host_name(hn->host));
            hmap_remove(&d->hosts, &hn->node);
            host_destroy(hn->host);
            free(hn);
        }
    }

    const struct topo_host *th;
    TOPOLOGY_FOR_EACH_HOST (th, &d->topo) {
        hn = find_host_node(d, &th->uuid);
        if (!hn) {
            hn = xmalloc(sizeof *hn);
            hn->host = host_create(th);
            hmap_insert(&d->hosts, &hn->node, uuid_hash(&th->uuid));
        } else {
            host_update_config(hn->host, th);
        }
        host_set_topology(hn->host, &d->topo, d->nb_cfg);
    }
}

/* Returns the hosts' names, sorted (free with free()). */
static const char **
sorted_host_names(const struct weftd *d, size_t *n)
{
    struct sset names = SSET_INITIALIZER(&names);
    const struct topo_host *th;
    TOPOLOGY_FOR_EACH_HOST (th, &d->topo) {
        sset_add(&names, th->name);
    }
    *n = sset_count(&names);
    const char **sorted = sset_sort(&names);
    for (size_t i = 0; i < *n; i++) {
        sorted[i] = topology_find_host_by_name(&d->topo, sorted[i])->name;
    }
    sset_destroy(&names);
    return sorted;
}

/* api_hooks' iface_available, for a port's creation: false if something
 * weft does not own holds 'iface' on host 'name' now. */
static bool
weftd_iface_available(const char *name, const char *iface, void *d_)
{
    struct weftd *d = d_;
    const struct topo_host *th = topology_find_host_by_name(&d->topo, name);
    struct host_node *hn = th ? find_host_node(d, &th->uuid) : NULL;
    return !hn || host_iface_available(hn->host, iface);
}

/* api_hooks' host_flows, for GET .../networks/N/flows: each host's
 * installed flows with the network's cookie. */
static size_t
weftd_host_flows(unsigned long long cookie, unsigned long long mask,
                 struct api_flows_view **viewsp, void *d_)
{
    struct weftd *d = d_;
    size_t n_names;
    const char **names = sorted_host_names(d, &n_names);
    struct api_flows_view *views = xcalloc(n_names + 1, sizeof *views);
    size_t n = 0;
    for (size_t i = 0; i < n_names; i++) {
        const struct topo_host *th = topology_find_host_by_name(&d->topo,
                                                                names[i]);
        struct host_node *hn = find_host_node(d, &th->uuid);
        if (!hn) {
            continue;
        }
        struct api_flows_view *v = &views[n++];
        v->host = xstrdup(names[i]);
        v->openflow_state = xstrdup(host_of_state_name(
                                        host_of_state(hn->host)));
        struct ds s = DS_EMPTY_INITIALIZER;
        host_format_flows_by_cookie(hn->host, cookie, mask, true, &s);
        struct svec lines = SVEC_EMPTY_INITIALIZER;
        char *save = NULL;
        for (char *line = strtok_r(ds_cstr(&s), "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            svec_add(&lines, line);
        }
        v->flows = lines.names;         /* Takes the strings and array. */
        v->n_flows = lines.n;
        ds_destroy(&s);
    }
    free(names);
    *viewsp = views;
    return n;
}

/* One metric family's header. */
static void
metric_header(struct ds *s, const char *name, const char *type,
              const char *help)
{
    ds_put_format(s, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* api_hooks' metrics: weftd's part of /metrics, in Prometheus text format
 * (the HTTP thread adds the API's own request counters).  Host names are
 * validated names (letters, digits, '-', '_', '.'), so they need no label
 * escaping. */
static char *
weftd_metrics(void *d_)
{
    struct weftd *d = d_;
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n;
    const char **names = sorted_host_names(d, &n);
    struct host_stats *stats = xcalloc(n + 1, sizeof *stats);
    bool *known = xcalloc(n + 1, sizeof *known);
    for (size_t i = 0; i < n; i++) {
        const struct topo_host *th = topology_find_host_by_name(&d->topo,
                                                                names[i]);
        struct host_node *hn = find_host_node(d, &th->uuid);
        if (hn) {
            host_get_stats(hn->host, &stats[i]);
            known[i] = true;
        }
    }

    metric_header(&s, "weft_nb_cfg", "gauge",
                  "Configuration sequence number of the desired state.");
    ds_put_format(&s, "weft_nb_cfg %"PRId64"\n", d->nb_cfg);
    metric_header(&s, "weft_hosts", "gauge", "Hosts weftd manages.");
    ds_put_format(&s, "weft_hosts %"PRIuSIZE"\n", hmap_count(&d->hosts));

#define FOR_EACH_KNOWN_HOST(I) \
    for (size_t I = 0; I < n; I++) if (known[I])
    metric_header(&s, "weft_host_ovsdb_connected", "gauge",
                  "1 if weftd is connected to the host's Open_vSwitch "
                  "database.");
    FOR_EACH_KNOWN_HOST (i) {
        ds_put_format(&s, "weft_host_ovsdb_connected{host=\"%s\"} %d\n",
                      names[i], stats[i].ovsdb_connected);
    }
    metric_header(&s, "weft_host_openflow_connected", "gauge",
                  "1 if weftd's OpenFlow connection to br-int is up.");
    FOR_EACH_KNOWN_HOST (i) {
        ds_put_format(&s, "weft_host_openflow_connected{host=\"%s\"} %d\n",
                      names[i], stats[i].openflow_connected);
    }
    metric_header(&s, "weft_host_openflow_state", "gauge",
                  "1 for the OpenFlow session's current state.");
    FOR_EACH_KNOWN_HOST (i) {
#define HOST_OF_STATE(ENUM, NAME)                                           \
        ds_put_format(&s, "weft_host_openflow_state{host=\"%s\",state=\"%s\"}" \
                      " %d\n", names[i], NAME,                               \
                      stats[i].state == HOST_OF_##ENUM);
        HOST_OF_STATES
#undef HOST_OF_STATE
    }
    metric_header(&s, "weft_host_flows", "gauge",
                  "Flows on br-int: desired by weft, or known installed.");
    FOR_EACH_KNOWN_HOST (i) {
        ds_put_format(&s, "weft_host_flows{host=\"%s\",table=\"desired\"} "
                      "%"PRIuSIZE"\n", names[i], stats[i].n_desired);
        ds_put_format(&s, "weft_host_flows{host=\"%s\",table=\"installed\"} "
                      "%"PRIuSIZE"\n", names[i], stats[i].n_installed);
    }
    metric_header(&s, "weft_host_flow_mods_total", "counter",
                  "flow_mods sent to the host, in bundles.");
    FOR_EACH_KNOWN_HOST (i) {
        ds_put_format(&s, "weft_host_flow_mods_total{host=\"%s\"} %"PRIu64
                      "\n", names[i], stats[i].n_flow_mods);
    }
    metric_header(&s, "weft_host_bundles_total", "counter",
                  "OpenFlow bundles committed on the host.");
    FOR_EACH_KNOWN_HOST (i) {
        ds_put_format(&s, "weft_host_bundles_total{host=\"%s\"} %"PRIu64
                      "\n", names[i], stats[i].n_bundles);
    }
    metric_header(&s, "weft_host_flow_dumps_total", "counter",
                  "Times weftd read the host's flows back.");
    FOR_EACH_KNOWN_HOST (i) {
        ds_put_format(&s, "weft_host_flow_dumps_total{host=\"%s\"} %"PRIu64
                      "\n", names[i], stats[i].n_dumps);
    }
    metric_header(&s, "weft_host_reconnects_total", "counter",
                  "Connections to the host after the first, per channel.");
    FOR_EACH_KNOWN_HOST (i) {
        ds_put_format(&s, "weft_host_reconnects_total{host=\"%s\","
                      "channel=\"ovsdb\"} %"PRIu64"\n", names[i],
                      stats[i].n_ovsdb_reconnects);
        ds_put_format(&s, "weft_host_reconnects_total{host=\"%s\","
                      "channel=\"openflow\"} %"PRIu64"\n", names[i],
                      stats[i].n_openflow_reconnects);
    }
    metric_header(&s, "weft_host_cur_cfg", "gauge",
                  "Highest nb_cfg the host confirmed installed (barrier).");
    FOR_EACH_KNOWN_HOST (i) {
        ds_put_format(&s, "weft_host_cur_cfg{host=\"%s\"} %"PRId64"\n",
                      names[i], stats[i].cur_cfg);
    }
    metric_header(&s, "weft_host_convergence_seconds", "gauge",
                  "Last convergence latency: from a new nb_cfg seen by "
                  "weftd to the barrier reply that confirmed it.");
    FOR_EACH_KNOWN_HOST (i) {
        if (stats[i].last_latency_msec >= 0) {
            ds_put_format(&s, "weft_host_convergence_seconds{host=\"%s\"} "
                          "%.3f\n", names[i],
                          stats[i].last_latency_msec / 1000.0);
        }
    }
#undef FOR_EACH_KNOWN_HOST

    free(known);
    free(stats);
    free(names);
    return ds_steal_cstr(&s);
}

/* Raises the soft limit on open files to the hard one, and returns the
 * limit.  Every host costs weftd two sockets (OVSDB and OpenFlow), and the
 * API's clients must never take those away. */
static rlim_t
raise_nofile_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl)) {
        return 1024;
    }
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t old = rl.rlim_cur;
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl)) {
            rl.rlim_cur = old;
        }
    }
    return rl.rlim_cur;
}

/* Raises the open files limit (raise_nofile_limit()), then starts the REST
 * API server, or returns NULL if it is disabled.  Failing to serve an
 * explicitly given --api path is fatal; the default path (in weft's run
 * directory, weft_rundir()) only gets a warning. */
static struct rest_server *
start_rest_server(struct api *api)
{
    rlim_t nofile = raise_nofile_limit();
    if (api_path && !strcmp(api_path, "none")) {
        return NULL;
    }
    /* The API's connections may use at most a quarter of the file
     * descriptors: the rest stays for the hosts, whatever the clients do. */
    struct rest_server_limits limits = api_limits;
    if (nofile != RLIM_INFINITY && limits.max_connections > nofile / 4) {
        limits.max_connections = nofile / 4 ? nofile / 4 : 1;
        VLOG_INFO("REST API: at most %"PRIuSIZE" connections (a quarter of "
                  "the open files limit, %llu)", limits.max_connections,
                  (unsigned long long) nofile);
    }
    char *path = api_path ? xstrdup(api_path)
                          : weft_rundir_file("weft-api.sock");
    struct rest_server *rest;
    char *msg;
    int error = rest_server_create(path, api, &limits, &rest, &msg);
    if (error && (api_path || metrics_listen || api_gid != (gid_t) -1)) {
        ovs_fatal(0, "REST API: %s", msg);
    } else if (error) {
        VLOG_WARN("REST API disabled: %s", msg);
    } else {
        VLOG_INFO("REST API on %s", path);
        /* The socket is 0660 root's: handing it to the group only widens
         * access, so there is no window in which anyone else gets in. */
        if (api_gid != (gid_t) -1 && chown(path, (uid_t) -1, api_gid)) {
            ovs_fatal(errno, "--api-group: cannot change %s's group", path);
        }
    }
    free(msg);
    free(path);
    return rest;
}

/* Writes each host's and port's status back to the weft database, only where
 * it differs, so that an idle weftd writes nothing. */
static void
write_status(struct weftd *d, struct ovsdb_idl_txn *txn)
{
    const struct weftrec_host *hrow;
    WEFTREC_HOST_FOR_EACH (hrow, d->idl) {
        struct host_node *hn = find_host_node(d, &hrow->header_.uuid);
        if (!hn) {
            continue;
        }
        bool ovsdb = host_ovsdb_connected(hn->host);
        bool of = host_openflow_connected(hn->host);
        int64_t cur_cfg = host_cur_cfg(hn->host);
        if (hrow->ovsdb_connected != ovsdb) {
            weftrec_host_set_ovsdb_connected(hrow, ovsdb);
        }
        if (hrow->openflow_connected != of) {
            weftrec_host_set_openflow_connected(hrow, of);
        }
        if (hrow->cur_cfg != cur_cfg) {
            weftrec_host_set_cur_cfg(hrow, cur_cfg);
        }
        const char *state = host_of_state_name(host_of_state(hn->host));
        const char *old = smap_get(&hrow->status, "openflow_state");
        if (!old || strcmp(old, state)) {
            weftrec_host_update_status_setkey(hrow, "openflow_state", state);
        }
    }

    const struct weftrec_port *prow;
    WEFTREC_PORT_FOR_EACH (prow, d->idl) {
        struct host_node *hn = prow->host
            ? find_host_node(d, &prow->host->header_.uuid) : NULL;
        if (!hn) {
            continue;
        }
        bool up;
        int64_t ofport = host_iface_ofport(hn->host, prow->iface, &up);
        if (ofport > 0) {
            if (!prow->n_ofport || *prow->ofport != ofport) {
                weftrec_port_set_ofport(prow, &ofport, 1);
            }
        } else if (prow->n_ofport) {
            weftrec_port_set_ofport(prow, NULL, 0);
        }
        if (!prow->n_up || *prow->up != up) {
            weftrec_port_set_up(prow, &up, 1);
        }

        /* The port's owner reads this: it must not say what holds the
         * name (another tenant's tunnel, the operator's NIC...). */
        char *error = (host_iface_refused(hn->host, prow->iface)
                       ? xasprintf("interface name %s is not available on "
                                   "host %s", prow->iface,
                                   host_name(hn->host))
                       : NULL);
        if (!nullable_string_is_equal(error, prow->error)) {
            weftrec_port_set_error(prow, error);
        }
        free(error);
    }
}

/* unixctl commands. */

static void
weftd_unixctl_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
                   const char *argv[] OVS_UNUSED, void *d_)
{
    struct weftd *d = d_;
    d->exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
weftd_unixctl_hosts(struct unixctl_conn *conn, int argc OVS_UNUSED,
                    const char *argv[] OVS_UNUSED, void *d_)
{
    struct weftd *d = d_;
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "nb_cfg %"PRId64", %"PRIuSIZE" hosts\n", d->nb_cfg,
                  hmap_count(&d->hosts));

    /* Sorted by name: the hmap is in UUID order. */
    const struct topo_host *th;
    struct sset names = SSET_INITIALIZER(&names);
    TOPOLOGY_FOR_EACH_HOST (th, &d->topo) {
        sset_add(&names, th->name);
    }
    const char **sorted = sset_sort(&names);
    for (size_t i = 0; i < sset_count(&names); i++) {
        const struct topo_host *h = topology_find_host_by_name(&d->topo,
                                                               sorted[i]);
        struct host_node *hn = h ? find_host_node(d, &h->uuid) : NULL;
        if (hn) {
            host_format_summary(hn->host, &s);
        }
    }
    free(sorted);
    sset_destroy(&names);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static struct host_node *
unixctl_find_host(struct weftd *d, struct unixctl_conn *conn,
                  const char *name)
{
    const struct topo_host *th = topology_find_host_by_name(&d->topo, name);
    struct host_node *hn = th ? find_host_node(d, &th->uuid) : NULL;
    if (!hn) {
        unixctl_command_reply_error(conn, "no such host");
    }
    return hn;
}

static void
weftd_unixctl_flows(struct unixctl_conn *conn, int argc,
                    const char *argv[], void *d_)
{
    struct weftd *d = d_;
    bool installed = argc > 2 && !strcmp(argv[2], "installed");
    if (argc > 2 && !installed && strcmp(argv[2], "desired")) {
        unixctl_command_reply_error(conn, "expected \"desired\" or "
                                    "\"installed\"");
        return;
    }
    struct host_node *hn = unixctl_find_host(d, conn, argv[1]);
    if (hn) {
        struct ds s = DS_EMPTY_INITIALIZER;
        host_format_flows(hn->host, installed, &s);
        unixctl_command_reply(conn, ds_cstr(&s));
        ds_destroy(&s);
    }
}

static void
weftd_unixctl_resync(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *d_)
{
    struct weftd *d = d_;
    if (argc > 1) {
        struct host_node *hn = unixctl_find_host(d, conn, argv[1]);
        if (!hn) {
            return;
        }
        host_force_resync(hn->host);
    } else {
        struct host_node *hn;
        HMAP_FOR_EACH (hn, node, &d->hosts) {
            host_force_resync(hn->host);
        }
    }
    unixctl_command_reply(conn, NULL);
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    service_start(&argc, &argv);
    fatal_ignore_sigpipe();
    parse_options(argc, argv);
    make_rundir();

    daemonize_start(false);

    struct weftd d = { .exiting = false };
    struct unixctl_server *unixctl;
    int error = unixctl_server_create(unixctl_path, &unixctl);
    if (error) {
        ovs_fatal(error, "could not create unixctl server");
    }
    unixctl_command_register("exit", "", 0, 0, weftd_unixctl_exit, &d);
    unixctl_command_register("weft/hosts", "", 0, 0, weftd_unixctl_hosts,
                             &d);
    unixctl_command_register("weft/flows", "HOST [desired|installed]", 1, 2,
                             weftd_unixctl_flows, &d);
    unixctl_command_register("weft/resync", "[HOST]", 0, 1,
                             weftd_unixctl_resync, &d);

    struct api_hooks hooks = {
        .host_flows = weftd_host_flows,
        .iface_available = weftd_iface_available,
        .metrics = weftd_metrics,
        .aux = &d,
    };
    struct api *api = api_create(db_remote, &hooks);
    struct rest_server *rest = start_rest_server(api);

    daemonize_complete();

    d.idl = ovsdb_idl_create(db_remote, &weftrec_idl_class, true, true);
    /* weftd's own status writes must not look like desired-state changes. */
    ovsdb_idl_omit_alert(d.idl, &weftrec_host_col_ovsdb_connected);
    ovsdb_idl_omit_alert(d.idl, &weftrec_host_col_openflow_connected);
    ovsdb_idl_omit_alert(d.idl, &weftrec_host_col_cur_cfg);
    ovsdb_idl_omit_alert(d.idl, &weftrec_host_col_status);
    ovsdb_idl_omit_alert(d.idl, &weftrec_port_col_ofport);
    ovsdb_idl_omit_alert(d.idl, &weftrec_port_col_up);
    weft_db_track_changes(d.idl);
    d.idl_loop = (struct ovsdb_idl_loop) OVSDB_IDL_LOOP_INITIALIZER(d.idl);
    topology_init(&d.topo);
    hmap_init(&d.hosts);
    VLOG_INFO("weftd starting, database %s", db_remote);

    while (!d.exiting) {
        struct ovsdb_idl_txn *txn = ovsdb_idl_loop_run(&d.idl_loop);
        unsigned int seqno = ovsdb_idl_get_seqno(d.idl);
        if (seqno != d.idl_seqno && ovsdb_idl_has_ever_connected(d.idl)) {
            d.idl_seqno = seqno;
            reload_topology(&d);
        }

        struct host_node *hn;
        HMAP_FOR_EACH (hn, node, &d.hosts) {
            host_run(hn->host);
        }
        /* Status is rewritten only when a host reports a change or the
         * database changed (new rows, or a write of ours was lost): walking
         * every Port row on every loop pass would cost more than the rest
         * of an idle weftd. */
        unsigned int status_sig = ovsdb_idl_get_seqno(d.idl);
        HMAP_FOR_EACH (hn, node, &d.hosts) {
            status_sig = hash_int(host_status_seqno(hn->host), status_sig);
        }
        if (txn && status_sig != d.status_sig) {
            d.status_sig = status_sig;
            write_status(&d, txn);
        }
        api_run(api);
        unixctl_server_run(unixctl);

        ovsdb_idl_loop_commit_and_wait(&d.idl_loop);
        HMAP_FOR_EACH (hn, node, &d.hosts) {
            host_wait(hn->host);
        }
        api_wait(api);
        unixctl_server_wait(unixctl);
        if (d.exiting) {
            poll_immediate_wake();
        }
        poll_block();
        if (should_service_stop()) {
            d.exiting = true;
        }
    }

    rest_server_destroy(rest);     /* Stops the HTTP thread first. */
    api_destroy(api);
    struct host_node *hn;
    HMAP_FOR_EACH_POP (hn, node, &d.hosts) {
        host_destroy(hn->host);
        free(hn);
    }
    hmap_destroy(&d.hosts);
    topology_destroy(&d.topo);
    ovsdb_idl_loop_destroy(&d.idl_loop);   /* Destroys 'd.idl' too. */
    unixctl_server_destroy(unixctl);
    service_stop();
    free(db_remote);
    free(unixctl_path);
    free(pidfile_path);
    free(api_path);
    return 0;
}

/* True if 'path' names a file inside directory 'dir'. */
static bool
path_is_in(const char *path, const char *dir)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') {
        len--;
    }
    return path && !strncmp(path, dir, len) && path[len] == '/';
}

/* Creates weft's run directory and its missing parents (mode 0755) if one of
 * weftd's files goes there: on a fresh machine nothing else makes it, and
 * `weftd --pidfile --detach` must not die for want of a directory.  Not
 * being able to create it is fatal only then. */
static void
make_rundir(void)
{
    const char *dir = weft_rundir();
    bool needed = path_is_in(unixctl_path, dir)
                  || path_is_in(pidfile_path, dir)
                  || path_is_in(api_path, dir)
                  || !api_path;     /* The API's default socket. */
    if (!needed) {
        return;
    }
    char *copy = xstrdup(dir);
    for (char *p = copy + 1; ; p++) {
        if (*p != '/' && *p != '\0') {
            continue;
        }
        char c = *p;
        *p = '\0';
        if (mkdir(copy, 0755) && errno != EEXIST) {
            ovs_fatal(errno, "cannot create weft's run directory %s "
                      "(--rundir or $WEFT_RUNDIR choose another)", copy);
        }
        *p = c;
        if (!c) {
            break;
        }
    }
    free(copy);
}

static void
usage(void)
{
    printf("%s: weft SDN controller daemon\n"
           "usage: %s [OPTIONS]\n"
           "\nOptions:\n"
           "  --db=REMOTE         weft database (default: %s)\n"
           "  --rundir=DIR        weft's run directory, created if missing "
           "(default:\n"
           "                      $WEFT_RUNDIR, else %s); relative\n"
           "                      --pidfile, --unixctl and --api names are in it\n"
           "  --unixctl=SOCKET    control socket (default: RUNDIR/weftd.ctl)\n"
           "  --api=SOCKET|none   REST API socket (default: "
           "RUNDIR/weft-api.sock)\n"
           "  --api-group=GROUP   give the API socket (mode 0660) to GROUP,\n"
           "                      whose members may then connect\n"
           "  --metrics-listen=IP:PORT  also serve GET /metrics, and nothing\n"
           "                      else, over plain HTTP on this TCP address\n"
           "  --verify-interval=SECS  read every switch's flows back and repair\n"
           "                      changes made outside weft (default 30, 0: never)\n"
           "  --api-idle-timeout=SECS  close API connections idle that long\n"
           "                      (default 60, 0: never)\n"
           "  --api-max-connections=N  API connections open at once (default\n"
           "                      256, at most a quarter of the open files limit)\n"
           "  --self-check        for tests: after each database change, check\n"
           "                      the patched desired state against a full load\n"
           "                      and abort on a difference (slow)\n"
           "  -h, --help          display this help message\n"
           "  -V, --version       display version information\n",
           program_name, program_name, weft_db_default_remote(),
           WEFT_RUNDIR_DEFAULT);
    printf("\nSSL (for ssl: database and host remotes):\n"
           "  -p, --private-key=FILE  file with private key\n"
           "  -c, --certificate=FILE  file with certificate for private key\n"
           "  -C, --ca-cert=FILE      file with peer CA certificate\n");
    /* daemon_usage() names --pidfile's default in OVS's run directory;
     * weftd's is in weft's (parse_options()). */
    setenv("OVS_RUNDIR", weft_rundir(), 1);
    daemon_usage();
    vlog_usage();
    exit(EXIT_SUCCESS);
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_DB = UCHAR_MAX + 1,
        OPT_UNIXCTL,
        OPT_API,
        OPT_RUNDIR,
        OPT_VERIFY_INTERVAL,
        OPT_API_GROUP,
        OPT_METRICS_LISTEN,
        OPT_API_IDLE_TIMEOUT,
        OPT_API_MAX_CONNECTIONS,
        OPT_SELF_CHECK,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"api", required_argument, NULL, OPT_API},
        {"rundir", required_argument, NULL, OPT_RUNDIR},
        {"verify-interval", required_argument, NULL, OPT_VERIFY_INTERVAL},
        {"api-group", required_argument, NULL, OPT_API_GROUP},
        {"metrics-listen", required_argument, NULL, OPT_METRICS_LISTEN},
        {"api-idle-timeout", required_argument, NULL, OPT_API_IDLE_TIMEOUT},
        {"api-max-connections", required_argument, NULL,
         OPT_API_MAX_CONNECTIONS},
        {"self-check", no_argument, NULL, OPT_SELF_CHECK},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        if (c == OPT_PIDFILE) {
            /* Also handled by OVS (DAEMON_OPTION_HANDLERS), which would put
             * it in OVS's run directory: redone below in weft's. */
            free(pidfile_path);
            pidfile_path = xstrdup(optarg ? optarg : "weftd.pid");
        }
        switch (c) {
        case OPT_SELF_CHECK:
            self_check = true;
            break;
        case OPT_DB:
            free(db_remote);
            db_remote = xstrdup(optarg);
            break;
        case OPT_UNIXCTL:
            free(unixctl_path);
            unixctl_path = xstrdup(optarg);
            break;
        case OPT_API:
            free(api_path);
            api_path = xstrdup(optarg);
            break;
        case OPT_RUNDIR:
            weft_rundir_set(optarg);
            break;
        case OPT_VERIFY_INTERVAL: {
            int secs;
            if (!str_to_int(optarg, 10, &secs) || secs < 0) {
                ovs_fatal(0, "--verify-interval: \"%s\" is not a number of "
                          "seconds >= 0", optarg);
            }
            host_set_verify_interval(secs);
            break;
        }
        case OPT_API_GROUP: {
            struct group *gr = getgrnam(optarg);
            if (!gr) {
                ovs_fatal(0, "--api-group: no group \"%s\"", optarg);
            }
            api_gid = gr->gr_gid;
            break;
        }
        case OPT_METRICS_LISTEN: {
            char *error = rest_server_set_metrics_address(optarg);
            if (error) {
                ovs_fatal(0, "--metrics-listen: %s", error);
            }
            metrics_listen = true;
            break;
        }
        case OPT_API_IDLE_TIMEOUT: {
            int secs;
            if (!str_to_int(optarg, 10, &secs) || secs < 0
                || secs > 24 * 3600) {
                ovs_fatal(0, "--api-idle-timeout: \"%s\" is not a number of "
                          "seconds, 0-86400", optarg);
            }
            api_limits.idle_timeout_ms = secs * 1000;
            break;
        }
        case OPT_API_MAX_CONNECTIONS: {
            int n;
            if (!str_to_int(optarg, 10, &n) || n < 1) {
                ovs_fatal(0, "--api-max-connections: \"%s\" is not a "
                          "number >= 1", optarg);
            }
            api_limits.max_connections = n;
            break;
        }
        case 'h':
            usage();
            OVS_NOT_REACHED();
        case 'V':
            printf("weftd (weft) %s\n", "0.1.0");
            exit(EXIT_SUCCESS);
        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        STREAM_SSL_OPTION_HANDLERS
        case '?':
            exit(EXIT_FAILURE);
        default:
            abort();
        }
    }
    free(short_options);

    if (optind < argc) {
        ovs_fatal(0, "unexpected argument \"%s\" (use --help for help)",
                  argv[optind]);
    }

    /* Absolute, since --detach changes directory. */
    if (weft_rundir()[0] != '/') {
        char *abs = abs_file_name(NULL, weft_rundir());
        if (!abs) {
            ovs_fatal(errno, "--rundir: cannot make %s absolute",
                      weft_rundir());
        }
        weft_rundir_set(abs);
        free(abs);
    }
    if (!db_remote) {
        db_remote = xstrdup(weft_db_default_remote());
    }

    /* weftd's files go to weft's run directory, never to OVS's: weftctl and
     * the lab look for them there, and OVS's need not exist on a controller
     * host. */
    if (pidfile_path) {
        char *path = weft_rundir_file(pidfile_path);
        set_pidfile(path);
        free(pidfile_path);
        pidfile_path = path;
    }
    if (!unixctl_path || strcmp(unixctl_path, "none")) {
        char *path = weft_rundir_file(unixctl_path ? unixctl_path
                                                   : "weftd.ctl");
        free(unixctl_path);
        unixctl_path = path;
    }
    if (api_path && strcmp(api_path, "none")) {
        char *path = weft_rundir_file(api_path);
        free(api_path);
        api_path = path;
    }

    char *error = weft_db_check_ssl(db_remote);
    if (error) {
        ovs_fatal(0, "--db=%s", error);
    }
    if (metrics_listen && api_path && !strcmp(api_path, "none")) {
        ovs_fatal(0, "--metrics-listen needs the REST API (--api=none)");
    }
}
