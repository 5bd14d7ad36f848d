/* host-status: what weftd shows of one host (host.h): its OpenFlow state
 * as weftd names it, the seqno and changed interfaces behind its Host and
 * Port status rows, its accessors, counters and the text of its unixctl
 * views (summary, flows, groups, stats, start-up phases).  Read-only of
 * the lifecycle's state (host.c, host-private.h), but for the "taken"
 * marks.
 *
 * Pipeline place: status, beside host.c; no I/O of its own. */
#include <config.h>

#include "host.h"
#include "host-private.h"

#include <inttypes.h>
#include <string.h>

#include "flow-state.h"
#include "host-db.h"
#include "host-flows.h"
#include "of-session.h"
#include "openvswitch/dynamic-string.h"
#include "simap.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"

const char *
host_of_state_name(enum host_of_state state)
{
    switch (state) {
#define HOST_OF_STATE(ENUM, NAME) case HOST_OF_##ENUM: return NAME;
        HOST_OF_STATES
#undef HOST_OF_STATE
    }
    return "unknown";
}

/* The session's state as weftd shows it: a periodic verify and a bundle in
 * flight are part of being synced (what is installed stays known); only a
 * read-back after a (re)connect or a failed bundle is "reading-flows". */
enum host_of_state
host_of_state(const struct host *h)
{
    switch (of_session_state(h->of)) {
    case OF_SESSION_DISCONNECTED:
        return HOST_OF_DISCONNECTED;
    case OF_SESSION_DUMPING:
        return HOST_OF_DUMPING;
    case OF_SESSION_SYNCED:
    case OF_SESSION_VERIFYING:
    case OF_SESSION_BUNDLE_SENT:
    case OF_SESSION_BUNDLE_FAILED:
        return HOST_OF_SYNCED;
    }
    OVS_NOT_REACHED();
}

unsigned int
host_status_seqno(const struct host *h)
{
    /* Both counters only grow, so their sum changes when either does. */
    return h->status_seqno + host_db_seqno(h->db);
}

void
host_take_changed_ifaces(struct host *h, struct sset *names)
{
    host_db_take_changed_ifaces(h->db, names);
    const char *name;
    SSET_FOR_EACH (name, &h->refused_changed) {
        sset_add(names, name);
    }
    sset_clear(&h->refused_changed);
}

const struct uuid *
host_uuid(const struct host *h)
{
    return &h->uuid;
}

const char *
host_name(const struct host *h)
{
    return h->name;
}

const char *
host_of_target(const struct host *h)
{
    return h->of_target;
}

bool
host_ovsdb_connected(const struct host *h)
{
    return host_db_connected(h->db);
}

bool
host_openflow_connected(const struct host *h)
{
    return of_session_is_connected(h->of);
}

int64_t
host_cur_cfg(const struct host *h)
{
    return of_session_cur_cfg(h->of);
}

bool
host_iface_refused(const struct host *h, const char *iface)
{
    return sset_contains(&h->wanted.refused, iface)
           || sset_contains(host_db_blocked(h->db), iface);
}

bool
host_iface_available(const struct host *h, const char *iface)
{
    return host_db_iface_available(h->db, iface);
}

int64_t
host_iface_ofport(const struct host *h, const char *iface, bool *up)
{
    if (host_iface_refused(h, iface)) {
        *up = false;
        return -1;
    }
    const struct simap_node *node = simap_find(host_db_ofports(h->db), iface);
    *up = node && host_db_iface_up(h->db, iface);
    return node ? node->data : -1;
}

/* Flows known to be installed: only once the session is synced. */
static size_t
host_n_installed(const struct host *h)
{
    return (of_session_is_synced(h->of)
            ? flow_state_count_installed(of_session_flows_ro(h->of)) : 0);
}

void
host_format_summary(const struct host *h, struct ds *s)
{
    struct of_session_stats os;
    of_session_get_stats(h->of, &os);
    ds_put_format(s, "%-12s ovsdb=%-12s openflow=%-13s desired=%-7"PRIuSIZE
                  " installed=%-7"PRIuSIZE" cur_cfg=%-5"PRId64
                  " nb_cfg=%-5"PRId64" flow_mods=%"PRIu64" group_mods=%"PRIu64
                  " bundles=%"PRIu64
                  " dumps=%"PRIu64" compiles=%"PRIu64" of_reconnects=%"PRIu64
                  " role=%s\n",
                  h->name,
                  host_ovsdb_connected(h) ? "connected" : "disconnected",
                  host_of_state_name(host_of_state(h)),
                  flow_state_count_desired(of_session_flows_ro(h->of)),
                  host_n_installed(h), os.cur_cfg, h->nb_cfg,
                  os.n_flow_mods, os.n_group_mods, os.n_bundles, os.n_dumps,
                  h->n_compiles,
                  os.n_connects ? os.n_connects - 1 : 0,
                  of_session_role_name(host_role(h)));
}

void
host_format_flows(const struct host *h, bool installed, struct ds *s)
{
    flow_state_format(of_session_flows_ro(h->of), installed, 0, 0, s);
}

void
host_format_groups(const struct host *h, bool installed, struct ds *s)
{
    flow_state_format_groups(of_session_flows_ro(h->of), installed, s);
}

void
host_format_flows_by_cookie(const struct host *h, uint64_t cookie,
                            uint64_t mask, bool installed, struct ds *out)
{
    if (!installed || of_session_is_synced(h->of)) {
        flow_state_format(of_session_flows_ro(h->of), installed, cookie,
                          mask, out);
    }
}

void
host_get_stats(const struct host *h, struct host_stats *stats)
{
    struct of_session_stats os;
    of_session_get_stats(h->of, &os);
    uint64_t n_ovsdb_connects = host_db_n_connects(h->db);

    stats->ovsdb_connected = host_ovsdb_connected(h);
    stats->openflow_connected = host_openflow_connected(h);
    stats->state = host_of_state(h);
    stats->n_desired = flow_state_count_desired(of_session_flows_ro(h->of));
    stats->n_installed = host_n_installed(h);
    stats->n_flow_mods = os.n_flow_mods;
    stats->n_bundles = os.n_bundles;
    stats->n_dumps = os.n_dumps;
    stats->n_compiles = h->n_compiles;
    stats->n_ovsdb_reconnects = n_ovsdb_connects ? n_ovsdb_connects - 1 : 0;
    stats->n_openflow_reconnects = os.n_connects ? os.n_connects - 1 : 0;
    stats->nb_cfg = h->nb_cfg;
    stats->cur_cfg = os.cur_cfg;
    stats->last_latency_msec = os.last_latency_msec;
    stats->n_full_compiles = h->flows.n_full_compiles;
    stats->n_owner_compiles = h->flows.n_owner_compiles;
    stats->n_skipped = h->n_skipped;
}

void
host_format_db_stats(const struct host *h, struct ds *s)
{
    struct host_db_stats st;
    host_db_get_stats(h->db, &st);
    ds_put_format(s, "%s runs=%"PRIu64" full=%"PRIu64" reloads=%"PRIu64
                  " ifaces=%"PRIu64" assign_full=%"PRIu64"\n", h->name,
                  st.n_runs, st.n_full, st.n_reloads, st.n_ifaces,
                  st.n_assign_full);
}

void
host_format_compile_stats(const struct host *h, struct ds *s)
{
    ds_put_format(s, "%s full=%"PRIu64" owners=%"PRIu64" skipped=%"PRIu64
                  " applied=%"PRIu64" flows=%"PRIuSIZE"\n", h->name,
                  h->flows.n_full_compiles, h->flows.n_owner_compiles,
                  h->n_skipped, h->n_applied, host_flows_count(&h->flows));
}

bool
host_status_known(const struct host *h)
{
    return (host_db_has_read(h->db)
            || time_msec() >= h->startup.created + HOST_STATUS_GRACE_MSEC);
}

bool
host_take_status_known(struct host *h)
{
    if (h->status_known_taken || !host_status_known(h)) {
        return false;
    }
    h->status_known_taken = true;
    return true;
}

const struct host_startup *
host_get_startup(const struct host *h)
{
    return &h->startup;
}

static long long int
since(long long int t, long long int base)
{
    return t ? t - base : -1;
}

void
host_format_startup(const struct host *h, long long int base, struct ds *s)
{
    const struct host_startup *st = &h->startup;
    ds_put_format(s, "%s created=%lld ovsdb_read=%lld of_connected=%lld "
                  "dumped=%lld compiled=%lld compile_ms=%.1f synced=%lld\n",
                  h->name, since(st->created, base),
                  since(st->ovsdb_read, base), since(st->of_connected, base),
                  since(st->dumped, base), since(st->compiled, base),
                  st->compile_usec / 1000.0, since(st->synced, base));
}
