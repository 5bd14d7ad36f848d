/* host: the lifecycle of one host in weftd.  See host.h.
 *
 * Place in the pipeline: between compile and push.  Given a topology and the
 * nb_cfg it came from, it computes what the host must hold, the ports
 * (ofproto/wanted-ports.h) and the flows (ofproto/compiler.h, patched into
 * the session's flow table, ofproto/flow-state.h), and hands them to the
 * two southbound sessions: the
 * OVSDB one (ovsdb/host-db.h), which gives back ofports, and the OpenFlow one
 * (ofproto/of-session.h), which gives back cur_cfg.  Neither session calls
 * the compiler; this file is the only place that joins them.  It also
 * aggregates their status and counters for weftd.
 *
 * The flows are kept by owner (controller/host-flows.h): a change noted by
 * host_apply_changes() or a changed ofport recompiles only the owners it
 * touches, when the switch is next ready for them (host_run()), and only
 * their differences reach the session's table.
 *
 * Its status, counters and formatting for weftd (unixctl, /metrics, the
 * Host rows) are in host-status.c; the struct both share in
 * host-private.h. */
#include <config.h>

#include "host.h"
#include "host-private.h"

#include <inttypes.h>
#include <string.h>

#include "changes.h"
#include "compiler.h"
#include "flow-state.h"
#include "hash.h"
#include "host-db.h"
#include "host-ext.h"
#include "host-flows.h"
#include "of-session.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "sset.h"
#include "stream-ssl.h"
#include "timeval.h"
#include "topology.h"
#include "util.h"
#include "wanted-ports.h"

VLOG_DEFINE_THIS_MODULE(host);

/* weftd --self-check: after every incremental compile, compile the whole
 * host too and abort if the two differ. */
static bool self_check;

void
host_set_self_check(bool enable)
{
    self_check = enable;
}

void
host_set_verify_interval(int seconds)
{
    of_session_set_verify_interval(seconds);
}

void
host_set_openflow_probe_interval(int seconds)
{
    of_session_set_probe_interval(seconds);
}

static void
host_db_config(const struct host *h, struct host_db_config *cfg)
{
    *cfg = (struct host_db_config) {
        .name = h->name,
        .remote = h->ovsdb_remote,
        .datapath_type = h->datapath_type,
        .controller_target = h->controller_target,
        .controller_probe_msec = of_session_get_probe_interval() * 1000,
    };
}

static void
host_warn_ssl(const struct host *h)
{
    /* Without keys OVS would only retry and log "Private key must be
     * configured": say what is missing, once per connect. */
    if ((!strncmp(h->ovsdb_remote, "ssl:", 4)
         || !strncmp(h->of_target, "ssl:", 4))
        && !stream_ssl_is_configured()) {
        VLOG_WARN("%s: ssl: remote, but weftd has no --private-key, "
                  "--certificate and --ca-cert", h->name);
    }
}

static void
host_set_config__(struct host *h, const struct topo_host *th)
{
    free(h->name);
    free(h->ovsdb_remote);
    free(h->of_target);
    free(h->controller_target);
    free(h->datapath_type);
    h->name = xstrdup(th->name);
    h->ovsdb_remote = xstrdup(th->ovsdb_remote);
    topo_host_openflow_targets(th, &h->of_target, &h->controller_target);
    h->datapath_type = xstrdup(th->datapath_type);
}

struct host *
host_create(const struct topo_host *th)
{
    struct host *h = xzalloc(sizeof *h);
    h->uuid = th->uuid;
    h->startup.created = time_msec();
    host_set_config__(h, th);
    wanted_ports_init(&h->wanted);
    host_flows_init(&h->flows);
    sset_init(&h->refused_changed);
    host_warn_ssl(h);

    struct host_db_config cfg;
    host_db_config(h, &cfg);
    h->db = host_db_create(&cfg);
    h->of = of_session_create(h->name, h->of_target);
    host_ext_init(&h->ext, h->name, h->of);
    VLOG_INFO("%s: ovsdb %s, openflow %s", h->name, h->ovsdb_remote,
              h->of_target);
    return h;
}

void
host_destroy(struct host *h)
{
    if (!h) {
        return;
    }
    host_db_destroy(h->db);
    host_ext_destroy(&h->ext);
    of_session_destroy(h->of);
    wanted_ports_destroy(&h->wanted);
    host_flows_destroy(&h->flows);
    sset_destroy(&h->refused_changed);
    free(h->name);
    free(h->ovsdb_remote);
    free(h->of_target);
    free(h->controller_target);
    free(h->datapath_type);
    free(h);
}

bool
host_update_config(struct host *h, const struct topo_host *th)
{
    char *of_target, *controller_target;
    topo_host_openflow_targets(th, &of_target, &controller_target);
    bool reconnect = strcmp(h->ovsdb_remote, th->ovsdb_remote)
                     || strcmp(h->of_target, of_target);
    bool changed = reconnect
                   || strcmp(h->name, th->name)
                   || strcmp(h->datapath_type, th->datapath_type)
                   || !nullable_string_is_equal(h->controller_target,
                                                controller_target);
    free(of_target);
    free(controller_target);
    if (changed) {
        host_set_config__(h, th);
        struct host_db_config cfg;
        host_db_config(h, &cfg);
        host_db_set_config(h->db, &cfg);
    }
    if (reconnect) {
        VLOG_INFO("%s: remotes changed, reconnecting to ovsdb %s, "
                  "openflow %s", h->name, h->ovsdb_remote, h->of_target);
        host_warn_ssl(h);
        host_db_reconnect(h->db);
        of_session_set_target(h->of, h->of_target);
    }
    return changed;
}

/* Computes the ports weft must own on this host whole, and the names that
 * changed. */
static void
host_compute_wanted(struct host *h, const struct topo_host *self,
                    struct sset *changed)
{
    struct wanted_ports wanted;
    wanted_ports_init(&wanted);
    wanted_ports_compute(h->topo, self, &wanted);

    if (!sset_equals(&wanted.refused, &h->wanted.refused)) {
        const char *name;
        SSET_FOR_EACH (name, &wanted.refused) {
            if (!sset_contains(&h->wanted.refused, name)) {
                VLOG_WARN("%s: a port's interface name %s belongs to weft's "
                          "infrastructure; port not created", h->name, name);
                sset_add(&h->refused_changed, name);
            }
        }
        SSET_FOR_EACH (name, &h->wanted.refused) {
            if (!sset_contains(&wanted.refused, name)) {
                sset_add(&h->refused_changed, name);
            }
        }
        h->status_seqno++;
    }
    wanted_ports_diff(&h->wanted, &wanted, changed);
    wanted_ports_swap(&h->wanted, &wanted);
    wanted_ports_destroy(&wanted);
}

/* Brings the ports weft must own on this host up to date after 'changes'
 * (NULL: unknown) and hands the names that changed to the OVSDB session,
 * which reconciles those alone.  Only the ports 'changes' names, unless
 * weft's own ports or a refused name are involved (wanted_ports_update()). */
static void
host_update_wanted(struct host *h, const struct topo_host *self,
                   const struct topo_changes *changes)
{
    struct sset changed = SSET_INITIALIZER(&changed);
    if (!changes || !self
        || !wanted_ports_update(h->topo, self, changes, &h->wanted,
                                &changed)) {
        sset_clear(&changed);
        host_compute_wanted(h, self, &changed);
    } else if (self_check) {
        /* weftd --self-check: the patched ports must be a whole compute's. */
        struct wanted_ports full;
        wanted_ports_init(&full);
        wanted_ports_compute(h->topo, self, &full);
        if (!wanted_ports_equal(&full, &h->wanted)) {
            struct sset names = SSET_INITIALIZER(&names);
            wanted_ports_diff(&full, &h->wanted, &names);
            char *list = sset_join(&names, ",", "");
            const char *nm;
            SSET_FOR_EACH (nm, &names) {
                const struct wanted_port *a = shash_find_data(&full.ports, nm);
                const struct wanted_port *b = shash_find_data(&h->wanted.ports,
                                                              nm);
                VLOG_ERR("%s: %s full: %s %s %s, incremental: %s %s %s",
                         h->name, nm, a ? a->owner : "-",
                         a && a->name ? a->name : "-", a ? a->type : "-",
                         b ? b->owner : "-", b && b->name ? b->name : "-",
                         b ? b->type : "-");
            }
            VLOG_ERR("%s: self-check failed: incrementally updated wanted "
                     "ports differ from a full compute in: %s (refused: "
                     "%"PRIuSIZE" vs %"PRIuSIZE")", h->name, list,
                     sset_count(&full.refused), sset_count(&h->wanted.refused));
            ovs_abort(0, "%s: self-check failed: incrementally updated "
                      "wanted ports differ from a full compute in: %s",
                      h->name, list);
        }
        wanted_ports_destroy(&full);
    }
    if (!h->wanted_given) {
        /* The first time even if empty, and whole: until then the session
         * only reads the host's database (hosts_prestart()). */
        host_db_set_wanted(h->db, &h->wanted, NULL);
        h->wanted_given = true;
    } else if (!sset_is_empty(&changed)) {
        host_db_set_wanted(h->db, &h->wanted, &changed);
    }
    sset_destroy(&changed);
}

static void
host_set_cfg(struct host *h, const struct topology *topo, int64_t nb_cfg)
{
    h->topo = topo;
    if (nb_cfg != h->nb_cfg) {
        h->nb_cfg_msec = time_msec();
    }
    h->nb_cfg = nb_cfg;
}

/* True if a compile or a new desired table is due. */
static bool
host_build_pending(const struct host *h)
{
    return host_flows_pending(&h->flows) || h->rebuild;
}

void
host_apply_changes(struct host *h, const struct topology *topo,
                   const struct topo_changes *changes, int64_t nb_cfg)
{
    bool was_pending = host_build_pending(h);
    host_set_cfg(h, topo, nb_cfg);
    h->n_applied++;

    const struct topo_host *self = topology_find_host(topo, &h->uuid);
    /* The ports weft owns here follow the topology whether or not any flow
     * owner changed: a host whose flows were never compiled (its database
     * not read yet) has no owner to note, and still loses a deleted port's
     * interface. */
    host_update_wanted(h, self, changes);
    host_ext_apply_changes(&h->ext, topo, self, changes);
    if (!host_flows_note_changes(&h->flows, topo, self, changes)) {
        h->n_skipped++;
        if (!was_pending) {
            /* Nothing to install, and nothing pending from before: a host
             * that is down or busy does not hold up "weftctl sync" for a
             * change that is not its own. */
            of_session_set_unchanged_cfg(h->of, h->nb_cfg, h->nb_cfg_msec);
        }
    }
}

void
host_skip_changes(struct host *h, const struct topology *topo,
                  int64_t nb_cfg)
{
    bool was_pending = host_build_pending(h);
    host_set_cfg(h, topo, nb_cfg);
    h->n_skipped++;
    if (!was_pending) {
        of_session_set_unchanged_cfg(h->of, h->nb_cfg, h->nb_cfg_msec);
    }
}

/* weftd --self-check: the flows kept by owner must be exactly those of a
 * whole-host compile.  A difference is a bug in the incremental compile
 * (host-flows.h): better to stop loudly than to install wrong flows. */
static void
host_self_check(const struct host *h, const struct topo_host *self,
                const struct simap *ofports)
{
    struct ds diff = DS_EMPTY_INITIALIZER;
    if (!host_flows_check(&h->flows, h->topo, self, ofports, &diff)) {
        VLOG_ERR("%s: self-check: incremental compile at nb_cfg %"PRId64
                 " differs from a full compile (-incremental only, +full "
                 "only):\n%s", h->name, h->nb_cfg, ds_cstr(&diff));
        ovs_abort(0, "%s: self-check failed: incremental flows differ "
                  "from a full compile", h->name);
    }
    ds_destroy(&diff);
}

/* Compiles what is pending (host-flows.h), patching the differences of the
 * recompiled owners into the session's flow table, and tells the session
 * which nb_cfg its desired side now stands for.  O(the flows of the owners
 * recompiled): the session then sends only the tracked differences. */
static void
host_build(struct host *h)
{
    const struct topo_host *self = topology_find_host(h->topo, &h->uuid);
    if (!self) {
        return;
    }
    /* The ofports flows use: the real ones, or those weft requested for
     * interfaces not created yet (host_db_flow_ofports()), so that a host
     * is compiled once at bring-up. */
    const struct simap *ofports = host_db_flow_ofports(h->db);
    int version = of_session_version(h->of);
    if (version != h->built_version) {
        host_flows_note_full(&h->flows);
    }
    if (h->db_changed) {
        host_flows_note_ofports(&h->flows, self, ofports);
        h->db_changed = false;
    }
    bool complete = host_db_ports_resolved(h->db);
    if (!host_build_pending(h) && complete == h->built_complete) {
        return;
    }

    if (host_flows_pending(&h->flows)) {
        long long int start = time_usec();
        h->n_compiles++;
        if (!host_flows_update(&h->flows, h->topo, self, ofports,
                               of_session_flows(h->of))
            && self_check) {
            host_self_check(h, self, ofports);
        }
        if (!h->startup.compiled) {
            h->startup.compiled = time_msec();
            h->startup.compile_usec = time_usec() - start;
        }
    }
    of_session_set_desired_cfg(h->of, h->nb_cfg, h->nb_cfg_msec, complete);
    h->built_version = version;
    h->built_complete = complete;
    h->rebuild = false;
}

/* Start-up phases (host.h): each noted the first time it is reached. */
static void
host_note_startup(struct host *h)
{
    struct host_startup *st = &h->startup;
    if (st->synced) {
        return;
    }
    long long int now = time_msec();
    if (!st->ovsdb_read && host_db_has_read(h->db)) {
        st->ovsdb_read = now;
    }
    if (!st->of_connected && of_session_is_connected(h->of)) {
        st->of_connected = now;
    }
    if (!st->dumped && st->of_connected && host_of_state(h) == HOST_OF_SYNCED) {
        st->dumped = now;
    }
    if (st->dumped && st->compiled && h->nb_cfg
        && of_session_cur_cfg(h->of) >= h->nb_cfg
        && host_of_state(h) == HOST_OF_SYNCED) {
        st->synced = now;
        VLOG_INFO("%s: synced after %lld ms: database read at %lld ms, "
                  "OpenFlow connected at %lld ms, flows read back at %lld ms, "
                  "compiled at %lld ms (in %lld ms)", h->name,
                  st->synced - st->created, st->ovsdb_read - st->created,
                  st->of_connected - st->created, st->dumped - st->created,
                  st->compiled - st->created, st->compile_usec / 1000);
    }
}

/* A restarted ovs-vswitchd holds no flows until weftd reconnects, and
 * rconn would wait out its backoff (1 s, 2 s, 4 s...) first.  So when the
 * OpenFlow connection drops, weftd asks the switch, over OVSDB, to say when
 * it has applied its configuration (host_db_poke_switch()); its cur_cfg
 * changing means br-int listens again, and weftd connects at once. */
static void
host_watch_switch(struct host *h)
{
    bool up = of_session_is_connected(h->of);
    if (h->of_was_up && !up) {
        host_db_poke_switch(h->db);
    }
    h->of_was_up = up;

    int64_t switch_cfg = host_db_switch_cfg(h->db);
    if (switch_cfg != h->switch_cfg) {
        h->switch_cfg = switch_cfg;
        if (!up && switch_cfg >= 0) {
            of_session_reconnect_now(h->of);
        }
    }
}

/* The OVSDB side writes only while this weftd is the active one and the
 * switch has not found it stale (host.h). */
static void
host_update_db_role(struct host *h)
{
    host_db_set_read_only(h->db, h->role_set
                          && (!h->role_primary
                              || of_session_role(h->of) == OF_ROLE_STALE));
}

void
host_set_role(struct host *h, bool primary, uint64_t generation)
{
    h->role_set = true;
    h->role_primary = primary;
    of_session_set_role(h->of, primary, generation);
    host_update_db_role(h);
}

enum of_session_role
host_role(const struct host *h)
{
    return of_session_role(h->of);
}

uint64_t
host_switch_generation(const struct host *h)
{
    return of_session_switch_generation(h->of);
}

void
host_run(struct host *h)
{
    host_update_db_role(h);
    if (host_db_run(h->db)) {
        h->db_changed = true;
    }
    if (of_session_run(h->of)) {
        h->rebuild = true;
        host_ext_connected(&h->ext);
    }
    host_watch_switch(h);

    /* Until the host's database has been read, its ofports are unknown and
     * a compile would leave out every port's flows: a restarted weftd would
     * delete them and add them back a moment later, resetting counters. */
    if (of_session_is_connected(h->of) && host_db_has_read(h->db)
        && h->topo) {
        if (h->db_changed || host_build_pending(h)) {
            host_build(h);
        } else if (!h->built_complete && h->built_version
                   && host_db_ports_resolved(h->db)) {
            /* The ports appeared with the ofports weft requested, which the
             * flows were compiled from: they are final as they are. */
            of_session_set_complete(h->of);
            h->built_complete = true;
        }
        of_session_push(h->of);
        host_ext_run(&h->ext, host_db_ofports(h->db));
    }

    host_note_startup(h);

    unsigned int sig = hash_int(host_ovsdb_connected(h)
                                | host_openflow_connected(h) << 1
                                | host_of_state(h) << 2
                                | host_role(h) << 4,
                                hash_uint64(host_cur_cfg(h)));
    if (sig != h->status_sig) {
        h->status_sig = sig;
        h->status_seqno++;
    }
}

void
host_wait(struct host *h)
{
    host_db_wait(h->db);
    of_session_wait(h->of);
    if (!h->status_known_taken) {
        poll_timer_wait_until(h->startup.created + HOST_STATUS_GRACE_MSEC);
    }
    /* The same condition as host_run()'s build: waking for a build that
     * host_run() will not do (the host's database never read) would spin
     * the main loop, which the REST API shares. */
    if ((h->db_changed || host_build_pending(h)) && h->topo
        && of_session_is_connected(h->of) && host_db_has_read(h->db)) {
        poll_immediate_wake();
    }
    host_ext_wait(&h->ext);
}

bool
host_take_gateway_mac(struct host *h, struct eth_addr *mac)
{
    if (!host_ext_take_gateway_mac(&h->ext, mac)) {
        return false;
    }
    h->status_seqno++;          /* Host.status:external_gateway_mac. */
    return true;
}

void
host_note_gateway_mac(struct host *h)
{
    const struct topo_host *self = (h->topo
                                    ? topology_find_host(h->topo, &h->uuid)
                                    : NULL);
    if (self) {
        host_flows_note_external(&h->flows, self);
    }
}

void
host_force_resync(struct host *h)
{
    host_db_force_reconcile(h->db);
    host_flows_note_full(&h->flows);
    of_session_force_resync(h->of);
}
