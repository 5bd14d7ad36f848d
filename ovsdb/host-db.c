/* host-db: weftd's OVSDB session to one host's Open_vSwitch database.  See
 * host-db.h.  This file runs the session (connection, reads, the
 * transaction loop, outputs); the ports it writes on br-int are made what
 * weft wants in host-db-ports.c, through the state both share in
 * host-db-private.h. */
#include <config.h>

#include "host-db.h"
#include "host-db-private.h"

#include <string.h>

#include "host-bridge.h"
#include "host-ifaces.h"
#include "ovsdb-idl.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "pipeline.h"
#include "simap.h"
#include "smap.h"
#include "sset.h"
#include "topology.h"
#include "util.h"
#include "host-idl.h"
#include "wanted-ports.h"

VLOG_DEFINE_THIS_MODULE(host_db);

#define BRIDGE_NAME TOPO_BRIDGE_NAME

static void
host_db_connect(struct host_db *db)
{
    db->idl = ovsdb_idl_create(db->remote, &hostrec_idl_class, false, true);
    ovsdb_idl_set_leader_only(db->idl, false);
    ovsdb_idl_add_column(db->idl, &hostrec_open_vswitch_col_bridges);
    /* Read on every pass (host_db_switch_cfg()): no alert, so that neither
     * column's change makes a reconcile pass over every port. */
    ovsdb_idl_add_column(db->idl, &hostrec_open_vswitch_col_cur_cfg);
    ovsdb_idl_omit_alert(db->idl, &hostrec_open_vswitch_col_cur_cfg);
    ovsdb_idl_add_column(db->idl, &hostrec_open_vswitch_col_next_cfg);
    ovsdb_idl_omit_alert(db->idl, &hostrec_open_vswitch_col_next_cfg);
    ovsdb_idl_add_table(db->idl, &hostrec_table_bridge);
    ovsdb_idl_add_column(db->idl, &hostrec_bridge_col_name);
    ovsdb_idl_add_column(db->idl, &hostrec_bridge_col_ports);
    ovsdb_idl_add_column(db->idl, &hostrec_bridge_col_datapath_type);
    ovsdb_idl_add_column(db->idl, &hostrec_bridge_col_fail_mode);
    ovsdb_idl_add_column(db->idl, &hostrec_bridge_col_protocols);
    ovsdb_idl_add_column(db->idl, &hostrec_bridge_col_controller);
    ovsdb_idl_add_column(db->idl, &hostrec_bridge_col_external_ids);
    ovsdb_idl_add_column(db->idl, &hostrec_bridge_col_flow_tables);
    ovsdb_idl_add_table(db->idl, &hostrec_table_flow_table);
    ovsdb_idl_add_column(db->idl, &hostrec_flow_table_col_name);
    ovsdb_idl_add_table(db->idl, &hostrec_table_port);
    ovsdb_idl_add_column(db->idl, &hostrec_port_col_name);
    ovsdb_idl_add_column(db->idl, &hostrec_port_col_interfaces);
    ovsdb_idl_add_column(db->idl, &hostrec_port_col_external_ids);
    ovsdb_idl_add_table(db->idl, &hostrec_table_interface);
    ovsdb_idl_add_column(db->idl, &hostrec_interface_col_name);
    ovsdb_idl_add_column(db->idl, &hostrec_interface_col_type);
    ovsdb_idl_add_column(db->idl, &hostrec_interface_col_options);
    ovsdb_idl_add_column(db->idl, &hostrec_interface_col_ofport);
    ovsdb_idl_add_column(db->idl, &hostrec_interface_col_ofport_request);
    ovsdb_idl_add_column(db->idl, &hostrec_interface_col_link_state);
    ovsdb_idl_add_column(db->idl, &hostrec_interface_col_external_ids);
    ovsdb_idl_add_table(db->idl, &hostrec_table_controller);
    ovsdb_idl_add_column(db->idl, &hostrec_controller_col_target);
    ovsdb_idl_add_column(db->idl, &hostrec_controller_col_external_ids);
    ovsdb_idl_add_column(db->idl, &hostrec_controller_col_inactivity_probe);
    /* Every column read is tracked: host_db_run() looks only at the rows
     * that changed. */
    ovsdb_idl_track_add_all(db->idl);
    db->idl_loop = (struct ovsdb_idl_loop) OVSDB_IDL_LOOP_INITIALIZER(db->idl);
    db->full = true;
    db->was_connected = false;
}

static void
host_db_disconnect(struct host_db *db)
{
    ovsdb_idl_loop_destroy(&db->idl_loop);  /* Destroys 'idl' too. */
    db->idl = NULL;
}

/* Sets 'name' in 'set' if 'in', else clears it; returns true if that
 * changed it. */
static bool
sset_set(struct sset *set, const char *name, bool in)
{
    return in ? sset_add(set, name) != NULL
              : sset_find_and_delete(set, name);
}

/* Finds whether wanted name 'name' is held by something else on the host.
 * OVS indexes bridge, port and interface names: creating one of them would
 * fail the host's whole reconcile transaction, and with it every later port
 * of every tenant on the host. */
static void
refresh_blocked(struct host_db *db, const char *name, bool wanted)
{
    bool blocked = wanted && host_ifaces_foreign(&db->hi, name);
    if (sset_set(&db->blocked, name, blocked)) {
        if (blocked) {
            VLOG_WARN("%s: interface name %s is held by a bridge, port or "
                      "interface weft does not own; not creating it",
                      db->name, name);
        }
        sset_add(&db->changed, name);
        db->seqno++;
    }
}

/* Brings the outputs for 'name' up to date: its ofport and link state if
 * weft owns it on br-int, whether it is resolved, and the ofport its flows
 * use: the real one once ovs-vswitchd has made it; before that the one weft
 * requested, so that a port's flows are compiled once, at its creation, and
 * not again when the port appears with the number requested.  An interface
 * the switch could not make (ofport -1) and a blocked name have none.
 * Returns true if the ofport its flows use changed. */
static bool
refresh_outputs(struct host_db *db, const char *name)
{
    /* Not weft's: br-int's own LOCAL port, or one added by hand.  Its
     * ofport must never become an endpoint's. */
    const struct hif_iface *i = host_ifaces_owned(&db->hi, name);
    bool wanted = shash_find(db->wanted, name) != NULL;
    bool blocked = sset_contains(&db->blocked, name);
    int64_t ofport = i && i->has_ofport && i->ofport > 0 ? i->ofport : 0;
    bool failed = i && i->has_ofport && i->ofport <= 0;

    const struct simap_node *old = simap_find(&db->ofports, name);
    bool ofport_changed = ofport ? !old || old->data != ofport : old != NULL;
    if (ofport_changed) {
        if (ofport) {
            simap_put(&db->ofports, name, ofport);
        } else {
            simap_find_and_delete(&db->ofports, name);
        }
    }
    if (sset_set(&db->up, name, ofport && i->up) || ofport_changed) {
        sset_add(&db->changed, name);
        db->seqno++;
    }
    /* Unresolved: vswitchd has not got to it yet, or the port is not
     * created yet.  A blocked name never gets created, so it does not keep
     * the host from being resolved (and every other port's wait from
     * completing). */
    sset_set(&db->unresolved, name,
             wanted && (i ? !i->has_ofport : !blocked));

    int64_t flow = 0;
    if (wanted) {
        flow = (ofport ? ofport
                : !failed && !blocked ? simap_get(&db->hi.requested, name)
                : 0);
    }
    old = simap_find(&db->flow_ofports, name);
    if (flow ? old && old->data == flow : !old) {
        return false;
    } else if (flow) {
        simap_put(&db->flow_ofports, name, flow);
    } else {
        simap_find_and_delete(&db->flow_ofports, name);
    }
    return true;
}

/* Brings everything host_db exports up to date for the names in 'dirty'
 * (the rows behind them changed, or their wanted port did), and queues them
 * for the next reconcile.  Returns true if host_db_flow_ofports()
 * changed. */
static bool
refresh_names(struct host_db *db, const struct sset *dirty, bool full)
{
    const char *name;
    SSET_FOR_EACH (name, dirty) {
        bool wanted = shash_find(db->wanted, name) != NULL;
        refresh_blocked(db, name, wanted);
        host_ifaces_refresh_numbers(&db->hi, name, wanted);
    }
    struct sset names = SSET_INITIALIZER(&names);
    if (host_ifaces_assign(&db->hi, db->wanted, dirty, full, &names)) {
        db->stats.n_assign_full++;
    }
    SSET_FOR_EACH (name, dirty) {
        sset_add(&names, name);
    }

    bool changed = false;
    SSET_FOR_EACH (name, &names) {
        changed |= refresh_outputs(db, name);
        sset_add(&db->to_reconcile, name);
    }
    db->stats.n_ifaces += sset_count(&names);
    db->ports_resolved = sset_is_empty(&db->unresolved);
    sset_destroy(&names);
    return changed;
}

/* Every bridge's name and br-int's ports to 'db->hi'. */
static void
update_bridges(struct host_db *db, const struct hostrec_bridge *br,
               struct sset *dirty)
{
    struct sset names = SSET_INITIALIZER(&names);
    const struct hostrec_bridge *b;
    HOSTREC_BRIDGE_FOR_EACH (b, db->idl) {
        sset_add(&names, b->name);
    }
    host_ifaces_update_bridges(&db->hi, &names, br, dirty);
    sset_destroy(&names);
}

/* Feeds the rows the IDL reports changed since the last run to 'db->hi',
 * adding the names they touch to 'dirty'.  Sets '*bridge' if br-int's own
 * settings may need a reconcile.  Returns false if only a full walk is
 * right: the IDL reloaded the database (after a reconnect without
 * monitor_cond_since, every row comes again as new, and deletions are not
 * reported). */
static bool
collect_tracked(struct host_db *db, const struct hostrec_bridge *br,
                struct sset *dirty, bool *bridge)
{
    const struct hostrec_open_vswitch *ovs;
    HOSTREC_OPEN_VSWITCH_FOR_EACH_TRACKED (ovs, db->idl) {
        if (hostrec_open_vswitch_is_new(ovs)) {
            return false;
        }
        *bridge = true;
    }
    const struct hostrec_interface *iface;
    HOSTREC_INTERFACE_FOR_EACH_TRACKED (iface, db->idl) {
        if (!host_ifaces_update_iface(&db->hi, iface,
                                      hostrec_interface_is_deleted(iface),
                                      dirty)) {
            return false;
        }
    }
    const struct hostrec_port *port;
    HOSTREC_PORT_FOR_EACH_TRACKED (port, db->idl) {
        if (!host_ifaces_update_port(&db->hi, port,
                                     hostrec_port_is_deleted(port), dirty)) {
            return false;
        }
    }
    if (ovsdb_idl_track_get_first(db->idl, &hostrec_table_bridge)) {
        update_bridges(db, br, dirty);
        *bridge = true;
    }
    if (ovsdb_idl_track_get_first(db->idl, &hostrec_table_controller)
        || ovsdb_idl_track_get_first(db->idl, &hostrec_table_flow_table)) {
        *bridge = true;
    }
    return true;
}

/* Reads every row of the host's database again, adding to 'dirty' every
 * name it holds, every wanted name and every name host_db reports on. */
static void
collect_all(struct host_db *db, const struct hostrec_bridge *br,
            struct sset *dirty)
{
    host_ifaces_clear(&db->hi);
    const struct hostrec_interface *iface;
    HOSTREC_INTERFACE_FOR_EACH (iface, db->idl) {
        host_ifaces_update_iface(&db->hi, iface, false, dirty);
    }
    const struct hostrec_port *port;
    HOSTREC_PORT_FOR_EACH (port, db->idl) {
        host_ifaces_update_port(&db->hi, port, false, dirty);
    }
    update_bridges(db, br, dirty);

    struct shash_node *node;
    SHASH_FOR_EACH (node, db->wanted) {
        sset_add(dirty, node->name);
    }
    const struct simap *maps[] = {
        &db->ofports, &db->flow_ofports, &db->hi.requested,
    };
    for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
        const struct simap_node *sn;
        SIMAP_FOR_EACH (sn, maps[i]) {
            sset_add(dirty, sn->name);
        }
    }
    const struct sset *sets[] = { &db->blocked, &db->up, &db->unresolved };
    for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
        const char *name;
        SSET_FOR_EACH (name, sets[i]) {
            sset_add(dirty, name);
        }
    }
}

/* Writes what is queued (br-int's settings, the names in 'to_reconcile', or
 * everything) into 'txn'. */
static void
reconcile(struct host_db *db, struct ovsdb_idl_txn *txn,
          const struct hostrec_open_vswitch *cfg,
          const struct hostrec_bridge *br)
{
    struct host_bridge_config bc = {
        .name = db->name,
        .datapath_type = db->datapath_type,
        .controller_target = db->controller_target,
        .controller_probe_msec = db->controller_probe_msec,
    };
    if (!br) {
        br = host_bridge_create(&bc, txn, cfg);
        db->reconcile_all = true;
    }
    if (db->reconcile_all || db->reconcile_bridge) {
        host_bridge_reconcile(&bc, txn, br);
    }
    if (db->reconcile_all) {
        host_db_ports_reconcile_all(db, txn, br);
    } else {
        const char *name;
        SSET_FOR_EACH (name, &db->to_reconcile) {
            host_db_ports_reconcile_name(db, txn, br, name);
        }
    }
    ovsdb_idl_txn_add_comment(txn, "weft: reconcile %s", db->name);
    sset_clear(&db->to_reconcile);
    db->reconcile_all = db->reconcile_bridge = false;
}

bool
host_db_run(struct host_db *db)
{
    struct ovsdb_idl_txn *txn = ovsdb_idl_loop_run(&db->idl_loop);
    if (db->read_only) {
        txn = NULL;     /* Nothing goes in: the loop commits it empty, which
                         * sends nothing; what is due waits. */
    }
    bool connected = ovsdb_idl_is_connected(db->idl);
    if (connected && !db->was_connected) {
        db->n_connects++;
    }
    db->was_connected = connected;
    const struct hostrec_open_vswitch *cfg
        = hostrec_open_vswitch_first(db->idl);
    const struct hostrec_bridge *br = cfg ? host_bridge_find(cfg) : NULL;

    /* Only the rows that changed, unless the IDL reloaded or a full walk is
     * due (first read, reconnect, forced reconcile, failed transaction). */
    struct sset dirty = SSET_INITIALIZER(&dirty);
    bool bridge = false;
    bool full = db->full || (!cfg && !host_ifaces_is_empty(&db->hi));
    if (!full && !collect_tracked(db, br, &dirty, &bridge)) {
        full = true;
        db->stats.n_reloads++;
    }
    if (full) {
        sset_clear(&dirty);
        collect_all(db, br, &dirty);
        db->full = false;
        db->reconcile_all = true;
        db->stats.n_full++;
    }
    const char *name;
    SSET_FOR_EACH (name, &db->wanted_changed) {
        sset_add(&dirty, name);
    }
    sset_clear(&db->wanted_changed);
    db->reconcile_bridge |= bridge;

    bool changed = false;
    if (full || bridge || !sset_is_empty(&dirty)) {
        db->stats.n_runs++;
        changed = refresh_names(db, &dirty, full);
    }
    sset_destroy(&dirty);

    if (txn && cfg && db->wanted_set
        && (db->reconcile_all || db->reconcile_bridge || !br
                       || !sset_is_empty(&db->to_reconcile))) {
        reconcile(db, txn, cfg, br);
    } else if (!cfg && ovsdb_idl_has_ever_connected(db->idl)) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        VLOG_WARN_RL(&rl, "%s: Open_vSwitch table is empty (run "
                     "\"ovs-vsctl init\" on the host)", db->name);
    }
    if (db->poke_switch && txn && cfg) {
        ovsdb_idl_txn_increment(txn, &cfg->header_,
                                &hostrec_open_vswitch_col_next_cfg, true);
        db->poke_switch = false;
    }
    if (!ovsdb_idl_loop_commit_and_wait(&db->idl_loop)) {
        /* What it would have written is unknown now: look at everything
         * again. */
        db->full = true;
    }
    ovsdb_idl_track_clear(db->idl);
    return changed;
}


static void
host_db_set_config__(struct host_db *db, const struct host_db_config *cfg)
{
    free(db->name);
    free(db->remote);
    free(db->datapath_type);
    free(db->controller_target);
    db->name = xstrdup(cfg->name);
    db->remote = xstrdup(cfg->remote);
    db->datapath_type = xstrdup(cfg->datapath_type);
    db->controller_target = nullable_xstrdup(cfg->controller_target);
    db->controller_probe_msec = cfg->controller_probe_msec;
}

/* What 'wanted' points to until host_db_set_wanted(). */
static struct shash no_ports = SHASH_INITIALIZER(&no_ports);

struct host_db *
host_db_create(const struct host_db_config *cfg)
{
    struct host_db *db = xzalloc(sizeof *db);
    host_db_set_config__(db, cfg);
    db->wanted = &no_ports;
    host_ifaces_init(&db->hi);
    sset_init(&db->to_reconcile);
    sset_init(&db->wanted_changed);
    sset_init(&db->blocked);
    simap_init(&db->ofports);
    simap_init(&db->flow_ofports);
    sset_init(&db->up);
    sset_init(&db->unresolved);
    sset_init(&db->changed);
    host_db_connect(db);
    return db;
}

void
host_db_destroy(struct host_db *db)
{
    if (!db) {
        return;
    }
    host_db_disconnect(db);
    host_ifaces_destroy(&db->hi);
    sset_destroy(&db->to_reconcile);
    sset_destroy(&db->wanted_changed);
    sset_destroy(&db->blocked);
    simap_destroy(&db->ofports);
    simap_destroy(&db->flow_ofports);
    sset_destroy(&db->up);
    sset_destroy(&db->unresolved);
    sset_destroy(&db->changed);
    free(db->name);
    free(db->remote);
    free(db->datapath_type);
    free(db->controller_target);
    free(db);
}

void
host_db_set_config(struct host_db *db, const struct host_db_config *cfg)
{
    host_db_set_config__(db, cfg);
    db->full = true;
}

void
host_db_reconnect(struct host_db *db)
{
    host_db_disconnect(db);
    host_db_connect(db);
}

void
host_db_set_wanted(struct host_db *db, const struct wanted_ports *wanted,
                   const struct sset *changed)
{
    db->wanted = &wanted->ports;
    db->wanted_set = true;
    if (changed) {
        const char *name;
        SSET_FOR_EACH (name, changed) {
            sset_add(&db->wanted_changed, name);
        }
    } else {
        db->full = true;
    }
}

void
host_db_set_read_only(struct host_db *db, bool read_only)
{
    if (db->read_only && !read_only) {
        /* Another weftd may have written meanwhile: look at everything. */
        db->full = true;
        poll_immediate_wake();
    }
    db->read_only = read_only;
}

bool
host_db_is_read_only(const struct host_db *db)
{
    return db->read_only;
}

void
host_db_force_reconcile(struct host_db *db)
{
    db->full = true;
}

void
host_db_wait(struct host_db *db)
{
    ovsdb_idl_wait(db->idl);
}

bool
host_db_connected(const struct host_db *db)
{
    return ovsdb_idl_is_connected(db->idl)
           && hostrec_open_vswitch_first(db->idl) != NULL;
}

bool
host_db_has_read(const struct host_db *db)
{
    return ovsdb_idl_has_ever_connected(db->idl)
           && hostrec_open_vswitch_first(db->idl) != NULL;
}

uint64_t
host_db_n_connects(const struct host_db *db)
{
    return db->n_connects;
}

const struct simap *
host_db_ofports(const struct host_db *db)
{
    return &db->ofports;
}

const struct simap *
host_db_flow_ofports(const struct host_db *db)
{
    return &db->flow_ofports;
}

bool
host_db_iface_up(const struct host_db *db, const char *iface)
{
    return sset_contains(&db->up, iface);
}

void
host_db_poke_switch(struct host_db *db)
{
    db->poke_switch = true;
}

int64_t
host_db_switch_cfg(const struct host_db *db)
{
    const struct hostrec_open_vswitch *cfg
        = hostrec_open_vswitch_first(db->idl);
    return cfg ? cfg->cur_cfg : -1;
}

bool
host_db_ports_resolved(const struct host_db *db)
{
    return db->ports_resolved;
}

const struct sset *
host_db_blocked(const struct host_db *db)
{
    return &db->blocked;
}

bool
host_db_iface_available(const struct host_db *db, const char *iface)
{
    return !host_ifaces_foreign(&db->hi, iface);
}

unsigned int
host_db_seqno(const struct host_db *db)
{
    return db->seqno;
}

void
host_db_get_stats(const struct host_db *db, struct host_db_stats *stats)
{
    *stats = db->stats;
}

void
host_db_take_changed_ifaces(struct host_db *db, struct sset *names)
{
    const char *name;
    SSET_FOR_EACH (name, &db->changed) {
        sset_add(names, name);
    }
    sset_clear(&db->changed);
}
