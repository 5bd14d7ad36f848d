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
 * The modules: weftd-options.c (command line), hosts.c (the set of hosts
 * and their lifecycle; host.c is one host), ovsdb/weft-status.c (status
 * write-back), weftd-unixctl.c (ovs-appctl commands), metrics.c (/metrics)
 * and the REST server in rest/ (--api).  This file holds the loop and the
 * glue between them.
 *
 * weftd keeps no desired state of its own: everything comes from the
 * database, so it can be killed at any moment and restarted; on restart it
 * reads each switch's flows back and sends only differences (none, if the
 * desired state did not change meanwhile).
 *
 * The REST API (--api) is served by rest/rest-server.c in its own thread;
 * its calls are handed over (rest/handoff.c) and executed here, in
 * api_run() (rest/executor.c). */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "api.h"
#include "daemon.h"
#include "fatal-signal.h"
#include "ha.h"
#include "host.h"
#include "lb-counters.h"
#include "hosts.h"
#include "metrics.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "pipeline.h"
#include "rest-server.h"
#include "sg-counters.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weft-status.h"
#include "weftd-options.h"
#include "weftd-unixctl.h"

VLOG_DEFINE_THIS_MODULE(weftd);
static struct vlog_rate_limit stats_rl = VLOG_RATE_LIMIT_INIT(5, 5);

/* At start, the REST API reads its own copy of weft's database (api_run())
 * only once every host is synced (hosts_started()), or after this long if
 * some host is not: both downloads at once make the database server
 * serialize the whole database twice, and weftd parse it twice, while the
 * hosts wait for theirs.  REST calls wait in the hand-off queue meanwhile
 * (their deadline starts when api_run() takes them). */
#define API_START_MAX_DELAY_MSEC 3000

/* api_hooks' iface_available, for a port's creation: false if something
 * weft does not own holds 'iface' on host 'name' now. */
static bool
weftd_iface_available(const char *name, const char *iface, void *hosts)
{
    struct host *host = hosts_find_by_name(hosts, name);
    return !host || host_iface_available(host, iface);
}

/* api_hooks' host_flows, for GET .../networks/N/flows: each host's
 * installed flows with the network's cookie. */
static size_t
weftd_host_flows(unsigned long long cookie, unsigned long long mask,
                 struct api_flows_view **viewsp, void *hosts)
{
    size_t n;
    struct host **sorted = hosts_sorted(hosts, &n);
    struct api_flows_view *views = xcalloc(n + 1, sizeof *views);
    for (size_t i = 0; i < n; i++) {
        struct api_flows_view *v = &views[i];
        v->host = xstrdup(host_name(sorted[i]));
        v->openflow_state = xstrdup(host_of_state_name(
                                        host_of_state(sorted[i])));
        struct ds s = DS_EMPTY_INITIALIZER;
        host_format_flows_by_cookie(sorted[i], cookie, mask, true, &s);
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
    free(sorted);
    *viewsp = views;
    return n;
}

/* api_hooks' service_stats: each connected host's counters of the service,
 * read over a connection of its own to the host's switch (lb-counters.h).
 * It blocks the main loop, at most LB_STATS_TIMEOUT_MS per host: a local
 * switch answers in well under a millisecond. */
#define LB_STATS_TIMEOUT_MS 1000
static void
weftd_service_stats(unsigned int tenant_key, unsigned int service_key,
                    struct api_backend_view *views, size_t n, void *hosts)
{
    struct lb_backend_counters *c = xcalloc(n + 1, sizeof *c);
    for (size_t i = 0; i < n; i++) {
        c[i].ip = views[i].ip;
        c[i].to_port = views[i].to_port;
        c[i].bucket_id = views[i].bucket_id;
    }
    size_t n_hosts;
    struct host **sorted = hosts_sorted(hosts, &n_hosts);
    for (size_t i = 0; i < n_hosts; i++) {
        if (!host_openflow_connected(sorted[i])) {
            continue;
        }
        char *error = lb_counters_read_switch(host_of_target(sorted[i]),
                                              LB_STATS_TIMEOUT_MS,
                                              tenant_key, service_key, c, n);
        if (error) {
            VLOG_WARN_RL(&stats_rl, "host %s: service counters: %s",
                         host_name(sorted[i]), error);
            free(error);
        }
    }
    for (size_t i = 0; i < n; i++) {
        views[i].connections = c[i].connections;
        views[i].packets = c[i].packets;
    }
    free(sorted);
    free(c);
}

/* api_hooks' sg_stats: each connected host's counters of the group's rules
 * and of its members' default deny (sg-counters.h), like service_stats. */
static void
weftd_sg_stats(struct api_sg_view *sg, void *hosts)
{
    struct sg_rule_counters *rules = xcalloc(sg->n_rules + 1, sizeof *rules);
    for (size_t i = 0; i < sg->n_rules; i++) {
        rules[i].cookie = weft_cookie_sg_rule(sg->tenant_key,
                                              sg->rules[i].id);
    }
    uint64_t *members = xcalloc(sg->n_members + 1, sizeof *members);
    for (size_t i = 0; i < sg->n_members; i++) {
        members[i] = weft_cookie(sg->tenant_key, sg->members[i].network_key,
                                 sg->members[i].port_key);
    }
    struct sg_counters c = {
        .rules = rules, .n_rules = sg->n_rules,
        .member_cookies = members, .n_members = sg->n_members,
    };
    /* Each switch once: two Host rows may name the same OpenFlow target
     * (the tests' unreachable host shares the real one's directory). */
    struct sset targets = SSET_INITIALIZER(&targets);
    size_t n_hosts;
    struct host **sorted = hosts_sorted(hosts, &n_hosts);
    for (size_t i = 0; i < n_hosts; i++) {
        if (!host_openflow_connected(sorted[i])
            || !sset_add(&targets, host_of_target(sorted[i]))) {
            continue;
        }
        char *error = sg_counters_read_switch(host_of_target(sorted[i]),
                                              LB_STATS_TIMEOUT_MS, &c);
        if (error) {
            VLOG_WARN_RL(&stats_rl, "host %s: security group counters: %s",
                         host_name(sorted[i]), error);
            free(error);
        }
    }
    for (size_t i = 0; i < sg->n_rules; i++) {
        sg->rules[i].packets = rules[i].packets;
        sg->rules[i].bytes = rules[i].bytes;
    }
    sg->deny_ingress = c.deny_ingress;
    sg->deny_egress = c.deny_egress;
    sset_destroy(&targets);
    free(sorted);
    free(members);
    free(rules);
}

/* weftd's HA state (ha.h), for /metrics: the API's hooks see only the
 * hosts.  Set once in main() before the REST API serves anything. */
static const struct ha *weftd_ha;

/* api_hooks' metrics: weftd's part of /metrics (metrics.h), from every
 * host's counters and the HA state. */
static char *
weftd_metrics(void *hosts_)
{
    const struct hosts *hosts = hosts_;
    size_t n;
    struct host **sorted = hosts_sorted(hosts, &n);
    struct metrics_host *mh = xcalloc(n + 1, sizeof *mh);
    for (size_t i = 0; i < n; i++) {
        mh[i].name = host_name(sorted[i]);
        host_get_stats(sorted[i], &mh[i].stats);
    }
    char *text = metrics_render(hosts->nb_cfg, hosts_count(hosts), mh, n);
    free(mh);
    free(sorted);
    if (weftd_ha) {
        struct ha_metrics hm;
        ha_get_metrics(weftd_ha, &hm);
        struct ds s = DS_EMPTY_INITIALIZER;
        ds_put_cstr(&s, text);
        metrics_render_controller(&s, hm.active, hm.generation,
                                  hm.takeovers);
        free(text);
        text = ds_steal_cstr(&s);
    }
    return text;
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
start_rest_server(struct api *api, const struct weftd_options *opts)
{
    rlim_t nofile = raise_nofile_limit();
    if (opts->api_path && !strcmp(opts->api_path, "none")) {
        return NULL;
    }
    /* The API's connections may use at most a quarter of the file
     * descriptors: the rest stays for the hosts, whatever the clients do. */
    struct rest_server_limits limits = opts->api_limits;
    if (nofile != RLIM_INFINITY && limits.max_connections > nofile / 4) {
        limits.max_connections = nofile / 4 ? nofile / 4 : 1;
        VLOG_INFO("REST API: at most %"PRIuSIZE" connections (a quarter of "
                  "the open files limit, %llu)", limits.max_connections,
                  (unsigned long long) nofile);
    }
    char *path = opts->api_path ? xstrdup(opts->api_path)
                                : weft_rundir_file("weft-api.sock");
    struct rest_server *rest;
    char *msg;
    int error = rest_server_create(path, api, &limits, &rest, &msg);
    if (error && (opts->api_path || opts->metrics_listen
                  || opts->api_gid != (gid_t) -1)) {
        ovs_fatal(0, "REST API: %s", msg);
    } else if (error) {
        VLOG_WARN("REST API disabled: %s", msg);
    } else {
        VLOG_INFO("REST API on %s", path);
        /* The socket is 0660 root's: handing it to the group only widens
         * access, so there is no window in which anyone else gets in. */
        if (opts->api_gid != (gid_t) -1
            && chown(path, (uid_t) -1, opts->api_gid)) {
            ovs_fatal(errno, "--api-group: cannot change %s's group", path);
        }
    }
    free(msg);
    free(path);
    return rest;
}

/* The REST API's executor (weftd's hosts answer its flows, interface and
 * metrics questions) and its server, if enabled. */
static struct api *
start_api(struct hosts *hosts, const struct weftd_options *opts,
          struct rest_server **rest)
{
    struct api_hooks hooks = {
        .host_flows = weftd_host_flows,
        .service_stats = weftd_service_stats,
        .sg_stats = weftd_sg_stats,
        .iface_available = weftd_iface_available,
        .metrics = weftd_metrics,
        .aux = hosts,
    };
    struct api *api = api_create(opts->db_remote, &hooks);
    *rest = start_rest_server(api, opts);
    return api;
}

/* The Host rows alone, read first: each host's sessions start from them
 * while the whole database downloads (hosts_prestart()).  Its IDL is
 * created before the main one so that the server answers it first, and is
 * destroyed once the main IDL has the database (prestart_done()). */
struct prestart {
    struct ovsdb_idl *idl;      /* NULL once done. */
    unsigned int seqno;
};

static void
prestart_init(struct prestart *ps, const char *db_remote)
{
    ps->idl = ovsdb_idl_create(db_remote, &weftrec_idl_class, false, true);
    weft_db_register_host_columns(ps->idl);
    ps->seqno = 0;
    ovsdb_idl_run(ps->idl);
}

static void
prestart_run(struct prestart *ps, struct hosts *hosts)
{
    if (ps->idl) {
        ovsdb_idl_run(ps->idl);
        unsigned int seqno = ovsdb_idl_get_seqno(ps->idl);
        if (seqno != ps->seqno && ovsdb_idl_has_ever_connected(ps->idl)) {
            ps->seqno = seqno;
            hosts_prestart(hosts, ps->idl);
        }
    }
}

static void
prestart_wait(const struct prestart *ps)
{
    if (ps->idl) {
        ovsdb_idl_wait(ps->idl);
    }
}

static void
prestart_done(struct prestart *ps)
{
    ovsdb_idl_destroy(ps->idl);
    ps->idl = NULL;
}

/* The unixctl server, with weftd's commands (fatal if it cannot start). */
static struct unixctl_server *
start_unixctl(const struct weftd_options *opts, struct hosts *hosts,
              bool *exiting)
{
    struct unixctl_server *unixctl;
    int error = unixctl_server_create(opts->unixctl_path, &unixctl);
    if (error) {
        ovs_fatal(error, "could not create unixctl server");
    }
    weftd_unixctl_register(hosts, exiting);
    return unixctl;
}

/* weftd's IDL of the whole database, tracking the changes that
 * hosts_reload() patches the topology from. */
static struct ovsdb_idl *
create_main_idl(const char *db_remote)
{
    struct ovsdb_idl *idl = ovsdb_idl_create(db_remote, &weftrec_idl_class,
                                             true, true);
    weft_status_omit_alerts(idl);
    weft_db_track_changes(idl);     /* Before the IDL first runs. */
    return idl;
}

int
main(int argc, char *argv[])
{
    struct weftd_options opts;
    set_program_name(argv[0]);
    service_start(&argc, &argv);
    fatal_ignore_sigpipe();
    weftd_options_parse(argc, argv, &opts);
    weftd_options_make_rundir(&opts);

    daemonize_start(false);

    struct hosts hosts;
    hosts_init(&hosts);
    hosts_set_role(&hosts, false, 0);   /* Standby until ha.c claims. */
    bool exiting = false;
    struct unixctl_server *unixctl = start_unixctl(&opts, &hosts, &exiting);

    struct rest_server *rest;
    struct api *api = start_api(&hosts, &opts, &rest);

    daemonize_complete();

    struct prestart prestart;
    prestart_init(&prestart, opts.db_remote);
    struct ovsdb_idl *idl = create_main_idl(opts.db_remote);
    struct ha *ha = ha_create(idl, opts.name);
    weftd_ha = ha;
    weftd_unixctl_register_ha(ha, &hosts);
    struct ovsdb_idl_loop idl_loop = OVSDB_IDL_LOOP_INITIALIZER(idl);
    unsigned int idl_seqno = 0;
    VLOG_INFO("weftd %s starting, database %s", opts.name, opts.db_remote);
    long long int api_start = time_msec() + API_START_MAX_DELAY_MSEC;
    bool api_started = false;

    while (!exiting) {
        prestart_run(&prestart, &hosts);
        /* Until the database's first copy is in, read it ahead of the
         * hosts' flows and databases: the IDL reads at most 200 kB a run,
         * while each host's session reads up to 200 messages, so the
         * compile that needs it would wait behind every read-back. */
        for (int i = 0; i < 20 && !ovsdb_idl_has_ever_connected(idl); i++) {
            ovsdb_idl_run(idl);
        }
        struct ovsdb_idl_txn *txn = ovsdb_idl_loop_run(&idl_loop);
        unsigned int seqno = ovsdb_idl_get_seqno(idl);
        if (seqno != idl_seqno && ovsdb_idl_has_ever_connected(idl)) {
            idl_seqno = seqno;
            hosts_reload(&hosts, idl);
            prestart_done(&prestart);
        }
        ha_run(ha, txn, &hosts);
        hosts_run(&hosts);
        if (ha_is_active(ha)) {
            /* A standby writes nothing; its IDL would not send it anyway
             * without the lock. */
            hosts_write_status(&hosts, idl, txn);
        }
        if (!api_started
            && (hosts_started(&hosts) || time_msec() >= api_start)) {
            api_started = true;
        }
        if (api_started) {
            api_run(api);
        }
        unixctl_server_run(unixctl);

        int commit = ovsdb_idl_loop_commit_and_wait(&idl_loop);
        ha_commit_status(ha, commit);
        if (!commit) {
            /* Failed (0; -1 is still in flight, 1 done): a status write it
             * may have held is lost, and which rows it covered is not kept:
             * the next status write looks at every Port row. */
            hosts_status_failed(&hosts);
        }
        prestart_wait(&prestart);
        hosts_wait(&hosts);
        if (api_started) {
            api_wait(api);
        } else {
            poll_timer_wait_until(api_start);
        }
        unixctl_server_wait(unixctl);
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
        if (should_service_stop()) {
            exiting = true;
        }
    }

    rest_server_destroy(rest);     /* Stops the HTTP thread first. */
    api_destroy(api);
    hosts_destroy(&hosts);
    weftd_ha = NULL;
    ha_destroy(ha);
    ovsdb_idl_loop_destroy(&idl_loop);   /* Destroys 'idl' too. */
    prestart_done(&prestart);
    unixctl_server_destroy(unixctl);
    service_stop();
    weftd_options_destroy(&opts);
    return 0;
}
