/* hosts: weftd's set of hosts, the per-host lifecycle (see hosts.h).
 * Pipeline place: desired state (topology) in, one 'struct host' per host
 * row out, each compiling and pushing its own flows; status back to weft's
 * database through ovsdb/weft-status. */
#include <config.h>

#include "hosts.h"

#include <stdlib.h>

#include "changes.h"
#include "hash.h"
#include "hmapx.h"
#include "host.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weft-status.h"

VLOG_DEFINE_THIS_MODULE(hosts);

/* A host connection, in 'struct hosts' 'map', by host row UUID. */
struct host_node {
    struct hmap_node node;
    struct host *host;
};

/* --self-check: after each update, compare the patched topology with a full
 * load of the database. */
static bool self_check;

void
hosts_set_self_check(bool enable)
{
    self_check = enable;
}

void
hosts_init(struct hosts *hosts)
{
    topology_init(&hosts->topo);
    hosts->nb_cfg = 0;
    hmap_init(&hosts->map);
    hosts->status_sig = 0;
    uuidset_init(&hosts->status_ports);
    hosts->status_full = true;
    hosts->n_status_full = 0;
    hosts->n_status_partial = 0;
    hosts->n_status_port_rows = 0;
    hosts->start_msec = time_msec();
    hosts->loaded_msec = 0;
    hosts->load_usec = 0;
    hosts->synced_msec = 0;
    hosts->role_set = false;
    hosts->role_primary = false;
    hosts->role_generation = 0;
    hosts->shared_targets = false;
}

void
hosts_destroy(struct hosts *hosts)
{
    struct host_node *hn;
    HMAP_FOR_EACH_POP (hn, node, &hosts->map) {
        host_destroy(hn->host);
        free(hn);
    }
    hmap_destroy(&hosts->map);
    uuidset_destroy(&hosts->status_ports);
    topology_destroy(&hosts->topo);
}

static struct host_node *
find_host_node(const struct hosts *hosts, const struct uuid *uuid)
{
    struct host_node *hn;
    HMAP_FOR_EACH_WITH_HASH (hn, node, uuid_hash(uuid), &hosts->map) {
        if (uuid_equals(host_uuid(hn->host), uuid)) {
            return hn;
        }
    }
    return NULL;
}

struct host *
hosts_find(const struct hosts *hosts, const struct uuid *uuid)
{
    struct host_node *hn = find_host_node(hosts, uuid);
    return hn ? hn->host : NULL;
}

struct host *
hosts_find_by_name(const struct hosts *hosts, const char *name)
{
    const struct topo_host *th = topology_find_host_by_name(&hosts->topo,
                                                            name);
    return th ? hosts_find(hosts, &th->uuid) : NULL;
}

size_t
hosts_count(const struct hosts *hosts)
{
    return hmap_count(&hosts->map);
}

/* True if 'a' should take its switch's role rather than 'b': one whose
 * OVSDB is connected (it really is that switch's host), then the first by
 * name. */
static bool
host_role_before(const struct host *a, const struct host *b)
{
    bool ca = host_ovsdb_connected(a), cb = host_ovsdb_connected(b);
    return ca != cb ? ca : strcmp(host_name(a), host_name(b)) < 0;
}

/* Puts in 'owners' the hosts that take a controller role: of the hosts
 * that name one OpenFlow target, the one host_role_before() puts first.
 * Two Host rows may name the same switch (the tests' unreachable host
 * shares the real one's directory), and two sessions of one weftd asking
 * primary with one generation would demote each other for ever; the
 * others stay secondary, so they never write to that switch. */
static void
hosts_role_owners(const struct hosts *hosts, struct hmapx *owners)
{
    struct shash by_target = SHASH_INITIALIZER(&by_target);
    struct host_node *hn;
    HMAP_FOR_EACH (hn, node, &hosts->map) {
        const char *target = host_of_target(hn->host);
        const struct host *first = shash_find_data(&by_target, target);
        if (!first || host_role_before(hn->host, first)) {
            shash_replace(&by_target, target, hn->host);
        }
    }
    struct shash_node *sn;
    SHASH_FOR_EACH (sn, &by_target) {
        hmapx_add(owners, sn->data);
    }
    shash_destroy(&by_target);
}

/* Applies the role set (if any) to every host: the owners of their switch
 * get it, the others secondary.  Setting a host's role again is a no-op. */
static void
hosts_apply_roles(struct hosts *hosts)
{
    if (!hosts->role_set) {
        return;
    }
    struct hmapx owners = HMAPX_INITIALIZER(&owners);
    hosts_role_owners(hosts, &owners);
    hosts->shared_targets = hmapx_count(&owners) < hmap_count(&hosts->map);
    struct host_node *hn;
    HMAP_FOR_EACH (hn, node, &hosts->map) {
        bool owner = hmapx_contains(&owners, hn->host);
        host_set_role(hn->host, hosts->role_primary && owner,
                      hosts->role_generation);
    }
    hmapx_destroy(&owners);
}

void
hosts_set_role(struct hosts *hosts, bool primary, uint64_t generation)
{
    hosts->role_set = true;
    hosts->role_primary = primary;
    hosts->role_generation = generation;
    hosts_apply_roles(hosts);
}

size_t
hosts_count_role(const struct hosts *hosts, enum of_session_role role)
{
    size_t n = 0;
    struct host_node *hn;
    HMAP_FOR_EACH (hn, node, &hosts->map) {
        n += (host_openflow_connected(hn->host)
              && host_role(hn->host) == role);
    }
    return n;
}

size_t
hosts_count_role_owners(const struct hosts *hosts)
{
    struct hmapx owners = HMAPX_INITIALIZER(&owners);
    hosts_role_owners(hosts, &owners);
    size_t n = 0;
    struct hmapx_node *node;
    HMAPX_FOR_EACH (node, &owners) {
        n += host_openflow_connected(node->data);
    }
    hmapx_destroy(&owners);
    return n;
}

uint64_t
hosts_max_switch_generation(const struct hosts *hosts)
{
    uint64_t max = 0;
    struct host_node *hn;
    HMAP_FOR_EACH (hn, node, &hosts->map) {
        max = MAX(max, host_switch_generation(hn->host));
    }
    return max;
}

/* Removes the host connections whose rows are gone, creates those of new
 * rows and passes changed rows' remotes on.  Only the hosts in 'changes'
 * (every one with 'all'). */
static void
hosts_update_set(struct hosts *hosts, const struct topo_changes *changes)
{
    struct host_node *hn;
    HMAP_FOR_EACH_SAFE (hn, node, &hosts->map) {
        if ((changes->all
             || uuidset_contains(&changes->hosts, host_uuid(hn->host)))
            && !topology_find_host(&hosts->topo, host_uuid(hn->host))) {
            VLOG_INFO("%s: host removed", host_name(hn->host));
            hmap_remove(&hosts->map, &hn->node);
            host_destroy(hn->host);
            free(hn);
        }
    }

    const struct topo_host *th;
    TOPOLOGY_FOR_EACH_HOST (th, &hosts->topo) {
        if (!changes->all && !uuidset_contains(&changes->hosts, &th->uuid)) {
            continue;
        }
        hn = find_host_node(hosts, &th->uuid);
        if (!hn) {
            hn = xmalloc(sizeof *hn);
            hn->host = host_create(th);
            hmap_insert(&hosts->map, &hn->node, uuid_hash(&th->uuid));
        } else {
            host_update_config(hn->host, th);
        }
    }
    hosts_apply_roles(hosts);   /* New hosts, and owners that changed. */
}

/* Adds to 'touched' every host whose flows 'changes' may change
 * (topo_changes_hosts(): routed with the topology's indexes). */
static void
hosts_route_changes(const struct hosts *hosts,
                    const struct topo_changes *changes, struct hmapx *touched)
{
    struct uuidset uuids = UUIDSET_INITIALIZER(&uuids);
    topo_changes_hosts(&hosts->topo, changes, &uuids);
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, &uuids) {
        struct host *host = hosts_find(hosts, &node->uuid);
        if (host) {
            hmapx_add(touched, host);
        }
    }
    uuidset_destroy(&uuids);
}

/* Notes which Port rows the next status write must look at: the ports
 * 'changes' inserted or modified (a new row, a new host or interface name),
 * or all of them if it cannot tell, or if a host row changed (a host
 * connection created or destroyed, a host renamed: its name is in its ports'
 * refusal messages).  Host changes are rare; port changes are the common
 * case and cost O(1) each. */
static void
hosts_note_status_changes(struct hosts *hosts,
                          const struct topo_changes *changes)
{
    if (changes->all || !uuidset_is_empty(&changes->hosts)) {
        hosts->status_full = true;
    }
    if (!hosts->status_full) {
        const struct uuidset_node *node;
        UUIDSET_FOR_EACH (node, &changes->ports) {
            uuidset_insert(&hosts->status_ports, &node->uuid);
        }
    }
}

void
hosts_apply(struct hosts *hosts, const struct topo_changes *changes,
            int64_t nb_cfg)
{
    if (topo_changes_is_empty(changes) && nb_cfg == hosts->nb_cfg) {
        return;                 /* E.g. weftd's own status write-back. */
    }
    hosts->nb_cfg = nb_cfg;
    hosts_note_status_changes(hosts, changes);
    hosts_update_set(hosts, changes);

    struct hmapx touched = HMAPX_INITIALIZER(&touched);
    if (!changes->all) {
        hosts_route_changes(hosts, changes, &touched);
    }
    struct host_node *hn;
    HMAP_FOR_EACH (hn, node, &hosts->map) {
        if (changes->all || hmapx_contains(&touched, hn->host)) {
            host_apply_changes(hn->host, &hosts->topo, changes, nb_cfg);
        } else {
            /* Neither compile nor diff: only cur_cfg moves on. */
            host_skip_changes(hn->host, &hosts->topo, nb_cfg);
        }
    }
    hmapx_destroy(&touched);
}

void
hosts_reload(struct hosts *hosts, struct ovsdb_idl *idl)
{
    /* The loader patches the topology in place from the IDL's tracked
     * changes and says what it touched (a full load, with changes->all, when
     * it cannot): only the hosts those changes reach compile anything. */
    long long int start = time_usec();
    struct topo_changes changes;
    topo_changes_init(&changes);
    weft_db_update_topology(idl, &hosts->topo, &changes);
    if (self_check) {
        char *error = weft_db_check_topology(idl, &hosts->topo);
        if (error) {
            VLOG_ERR("--self-check: %s", error);
            abort();
        }
    }
    const struct weftrec_weft_global *global = weftrec_weft_global_first(idl);
    hosts_apply(hosts, &changes, global ? global->nb_cfg : 0);
    topo_changes_destroy(&changes);
    if (!hosts->loaded_msec) {
        hosts->loaded_msec = time_msec();
        hosts->load_usec = time_usec() - start;
        VLOG_INFO("weft database loaded after %lld ms (load: %lld ms), "
                  "%"PRIuSIZE" hosts", hosts->loaded_msec - hosts->start_msec,
                  hosts->load_usec / 1000, hosts_count(hosts));
    }
}

void
hosts_prestart(struct hosts *hosts, struct ovsdb_idl *hosts_idl)
{
    if (hosts->loaded_msec) {
        return;                 /* hosts_reload() rules from now on. */
    }
    struct topology topo;
    topology_init(&topo);
    weft_db_load_hosts(hosts_idl, &topo);
    const struct topo_host *th;
    TOPOLOGY_FOR_EACH_HOST (th, &topo) {
        if (!find_host_node(hosts, &th->uuid)) {
            struct host_node *hn = xmalloc(sizeof *hn);
            hn->host = host_create(th);
            hmap_insert(&hosts->map, &hn->node, uuid_hash(&th->uuid));
        }
    }
    topology_destroy(&topo);
    hosts_apply_roles(hosts);   /* Before any of them connects. */
}

/* Notes when every host was first synced (host_get_startup()), and logs
 * it once. */
static void
hosts_note_startup(struct hosts *hosts)
{
    if (hosts->synced_msec || !hosts->loaded_msec
        || hmap_is_empty(&hosts->map)) {
        return;
    }
    struct host_node *hn;
    HMAP_FOR_EACH (hn, node, &hosts->map) {
        if (!host_get_startup(hn->host)->synced) {
            return;
        }
    }
    hosts->synced_msec = time_msec();
    VLOG_INFO("every host synced %lld ms after start (database loaded at "
              "%lld ms)", hosts->synced_msec - hosts->start_msec,
              hosts->loaded_msec - hosts->start_msec);
}

bool
hosts_started(const struct hosts *hosts)
{
    return hosts->synced_msec
           || (hosts->loaded_msec && hmap_is_empty(&hosts->map));
}

void
hosts_format_startup_stats(const struct hosts *hosts, struct ds *s)
{
    long long int base = hosts->start_msec;
    ds_put_format(s, "loaded=%lld load_ms=%.1f synced=%lld\n",
                  hosts->loaded_msec ? hosts->loaded_msec - base : -1,
                  hosts->load_usec / 1000.0,
                  hosts->synced_msec ? hosts->synced_msec - base : -1);
    size_t n;
    struct host **sorted = hosts_sorted(hosts, &n);
    for (size_t i = 0; i < n; i++) {
        host_format_startup(sorted[i], base, s);
    }
    free(sorted);
}

void
hosts_set_gateway_mac(struct hosts *hosts, struct host *host,
                      struct eth_addr mac)
{
    struct topo_host *th = topology_find_host(&hosts->topo, host_uuid(host));
    if (!th || !topo_host_has_external(th)
        || !topology_set_host_gateway_mac(th, mac)) {
        return;
    }
    /* Only this host's flows use it, and no row changed: the host
     * recompiles the owners that send to the gateway, nobody else. */
    host_note_gateway_mac(host);
}

void
hosts_run(struct hosts *hosts)
{
    struct host_node *hn;
    HMAP_FOR_EACH (hn, node, &hosts->map) {
        host_run(hn->host);
        struct eth_addr mac;
        if (host_take_gateway_mac(hn->host, &mac)) {
            hosts_set_gateway_mac(hosts, hn->host, mac);
        }
    }
    if (hosts->shared_targets) {
        hosts_apply_roles(hosts);   /* Their OVSDB connections moved? */
    }
    hosts_note_startup(hosts);
}

void
hosts_wait(struct hosts *hosts)
{
    struct host_node *hn;
    HMAP_FOR_EACH (hn, node, &hosts->map) {
        host_wait(hn->host);
    }
}

void
hosts_force_resync(struct hosts *hosts)
{
    struct host_node *hn;
    HMAP_FOR_EACH (hn, node, &hosts->map) {
        host_force_resync(hn->host);
    }
}

struct host **
hosts_sorted(const struct hosts *hosts, size_t *n)
{
    /* By the topology's names: the hmap is in UUID order. */
    struct sset names = SSET_INITIALIZER(&names);
    const struct topo_host *th;
    TOPOLOGY_FOR_EACH_HOST (th, &hosts->topo) {
        sset_add(&names, th->name);
    }
    const char **sorted = sset_sort(&names);
    struct host **result = xcalloc(sset_count(&names) + 1, sizeof *result);
    *n = 0;
    for (size_t i = 0; i < sset_count(&names); i++) {
        struct host *host = hosts_find_by_name(hosts, sorted[i]);
        if (host) {
            result[(*n)++] = host;
        }
    }
    free(sorted);
    sset_destroy(&names);
    return result;
}

/* weft_status_source's callbacks. */

static bool
status_host(const struct uuid *uuid, struct weft_host_status *st,
            void *hosts_)
{
    const struct host *host = hosts_find(hosts_, uuid);
    if (!host) {
        return false;
    }
    st->ovsdb_connected = host_ovsdb_connected(host);
    st->openflow_connected = host_openflow_connected(host);
    st->cur_cfg = host_cur_cfg(host);
    st->openflow_state = host_of_state_name(host_of_state(host));
    const struct hosts *hosts = hosts_;
    const struct topo_host *th = topology_find_host(&hosts->topo, uuid);
    st->external_gateway_mac = (th && topo_host_has_external(th)
                                ? th->ext.gateway_mac : eth_addr_zero);
    return true;
}

static bool
status_port(const struct uuid *uuid, const char *iface,
            struct weft_port_status *st, void *hosts_)
{
    const struct host *host = hosts_find(hosts_, uuid);
    if (!host || !host_status_known(host)) {
        /* Unknown yet: the row keeps what it says until it is known
         * (hosts_note_status_known()). */
        return false;
    }
    st->ofport = host_iface_ofport(host, iface, &st->up);
    st->refused = host_iface_refused(host, iface);
    st->host_name = host_name(host);
    return true;
}

/* Adds to 'hosts->status_ports' the ports of 'host' whose interface
 * host_take_changed_ifaces() reports.  O(the host's ports) when any did,
 * O(1) otherwise: the topology has no index by interface name. */
static void
hosts_note_changed_ifaces(struct hosts *hosts, struct host *host)
{
    struct sset names = SSET_INITIALIZER(&names);
    host_take_changed_ifaces(host, &names);
    if (!sset_is_empty(&names) && !hosts->status_full) {
        const struct topo_host *th = topology_find_host(&hosts->topo,
                                                        host_uuid(host));
        const struct topo_port *port;
        if (th) {
            TOPO_HOST_FOR_EACH_PORT (port, th) {
                if (sset_contains(&names, port->iface)) {
                    uuidset_insert(&hosts->status_ports, &port->uuid);
                }
            }
        }
    }
    sset_destroy(&names);
}

/* Adds every port of 'host' to 'hosts->status_ports' when its interface
 * status first becomes known (host_take_status_known()): until then the
 * status write left its Port rows as they were. */
static void
hosts_note_status_known(struct hosts *hosts, struct host *host)
{
    if (!host_take_status_known(host) || hosts->status_full) {
        return;
    }
    const struct topo_host *th = topology_find_host(&hosts->topo,
                                                    host_uuid(host));
    const struct topo_port *port;
    if (th) {
        TOPO_HOST_FOR_EACH_PORT (port, th) {
            uuidset_insert(&hosts->status_ports, &port->uuid);
        }
    }
}

void
hosts_write_status(struct hosts *hosts, struct ovsdb_idl *idl,
                   struct ovsdb_idl_txn *txn)
{
    /* Host rows: written when a host's status seqno moved.  Port rows: only
     * those noted since the last write (see hosts.h). */
    unsigned int status_sig = 0;
    struct host_node *hn;
    HMAP_FOR_EACH (hn, node, &hosts->map) {
        status_sig = hash_int(host_status_seqno(hn->host), status_sig);
        hosts_note_status_known(hosts, hn->host);
        hosts_note_changed_ifaces(hosts, hn->host);
    }
    if (!txn || (status_sig == hosts->status_sig && !hosts->status_full
                 && uuidset_is_empty(&hosts->status_ports))) {
        return;                 /* Kept for when a transaction is open. */
    }
    hosts->status_sig = status_sig;
    struct weft_status_source source = {
        .host = status_host,
        .port = status_port,
        .aux = hosts,
    };
    if (hosts->status_full) {
        hosts->n_status_port_rows += weft_status_write(idl, &source);
        hosts->n_status_full++;
        hosts->status_full = false;
    } else {
        hosts->n_status_port_rows += weft_status_write_ports(
            idl, &source, &hosts->status_ports);
        hosts->n_status_partial++;
    }
    uuidset_clear(&hosts->status_ports);
}

void
hosts_status_failed(struct hosts *hosts)
{
    hosts->status_full = true;
}

void
hosts_format_status_stats(const struct hosts *hosts, struct ds *s)
{
    ds_put_format(s, "full=%"PRIu64" partial=%"PRIu64" port_rows=%"PRIu64
                  "\n", hosts->n_status_full, hosts->n_status_partial,
                  hosts->n_status_port_rows);
}
