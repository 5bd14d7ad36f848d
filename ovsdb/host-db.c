/* host-db: weftd's OVSDB session to one host's Open_vSwitch database.  See
 * host-db.h. */
#include <config.h>

#include "host-db.h"

#include <string.h>

#include "bitmap.h"
#include "host-bridge.h"
#include "ovsdb-idl.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "pipeline.h"
#include "simap.h"
#include "smap.h"
#include "sset.h"
#include "topology.h"
#include "util.h"
#include "vswitch-idl.h"
#include "wanted-ports.h"

VLOG_DEFINE_THIS_MODULE(host_db);

#define BRIDGE_NAME TOPO_BRIDGE_NAME
#define OWNER_KEY "weft-port"           /* external_ids key on owned rows. */
#define NAME_KEY "weft-name"            /* ...and "TENANT/NET/PORT" on a
                                         * tenant's, for the host's operator. */

struct host_db {
    char *name;
    char *remote;
    char *datapath_type;
    char *controller_target;        /* Passive target set on br-int, or NULL
                                     * (unix: hosts use br-int.mgmt). */
    int64_t controller_probe_msec;  /* Its inactivity_probe. */

    struct ovsdb_idl *idl;
    struct ovsdb_idl_loop idl_loop;
    unsigned int idl_seqno;         /* Last seqno reconciled. */
    bool reconcile;                 /* Wanted ports or settings changed since
                                     * then. */
    const struct shash *wanted;     /* Interface name -> struct wanted_port,
                                     * owned by the caller. */
    struct sset blocked;            /* Wanted names that a bridge, port or
                                     * interface weft does not own holds in
                                     * the host's database: never created,
                                     * since one such name would fail the
                                     * whole reconcile transaction. */
    unsigned int blocked_seqno;     /* IDL seqno 'blocked' was found at. */
    struct simap ofports;           /* Interface name -> ofport > 0, of the
                                     * ports weft owns only. */
    struct simap requested;         /* Wanted interface name -> the
                                     * ofport_request weft chose for it
                                     * (wanted_ports_assign_ofports()). */
    unsigned int requested_seqno;   /* IDL seqno 'requested' was chosen at. */
    unsigned int ofports_seqno;     /* IDL seqno 'ofports' were read at. */
    struct simap flow_ofports;      /* Wanted interface name -> the ofport
                                     * its flows use: see
                                     * host_db_flow_ofports(). */
    struct sset up;                 /* Interfaces whose link is up. */
    bool ports_resolved;            /* Every wanted interface has an ofport
                                     * (or the switch said it cannot). */
    unsigned int seqno;             /* See host_db_seqno(). */
    struct sset changed;            /* Interface names whose ofport, link
                                     * state or blocked state changed since
                                     * host_db_take_changed_ifaces(). */
    uint64_t n_connects;
    bool was_connected;
    struct host_db_stats stats;     /* See host_db_get_stats(). */
};

/* Initializes 'ids' to the external_ids a row weft owns must have: all of
 * them, since weft sets them together and replaces them together. */
static void
wanted_port_ids(const struct wanted_port *w, struct smap *ids)
{
    smap_init(ids);
    smap_add(ids, OWNER_KEY, w->owner);
    if (w->name) {
        smap_add(ids, NAME_KEY, w->name);
    }
}

/* True if 'ids', of a row weft owns, already are what 'w' wants. */
static bool
wanted_port_ids_match(const struct wanted_port *w, const struct smap *ids)
{
    const char *owner = smap_get(ids, OWNER_KEY);
    return owner && !strcmp(owner, w->owner)
           && nullable_string_is_equal(smap_get(ids, NAME_KEY), w->name);
}

static void
host_db_connect(struct host_db *db)
{
    db->idl = ovsdb_idl_create(db->remote, &ovsrec_idl_class, false, true);
    ovsdb_idl_set_leader_only(db->idl, false);
    ovsdb_idl_add_column(db->idl, &ovsrec_open_vswitch_col_bridges);
    ovsdb_idl_add_table(db->idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_name);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_ports);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_datapath_type);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_fail_mode);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_protocols);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_controller);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_external_ids);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_flow_tables);
    ovsdb_idl_add_table(db->idl, &ovsrec_table_flow_table);
    ovsdb_idl_add_column(db->idl, &ovsrec_flow_table_col_name);
    ovsdb_idl_add_table(db->idl, &ovsrec_table_port);
    ovsdb_idl_add_column(db->idl, &ovsrec_port_col_name);
    ovsdb_idl_add_column(db->idl, &ovsrec_port_col_interfaces);
    ovsdb_idl_add_column(db->idl, &ovsrec_port_col_external_ids);
    ovsdb_idl_add_table(db->idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(db->idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(db->idl, &ovsrec_interface_col_type);
    ovsdb_idl_add_column(db->idl, &ovsrec_interface_col_options);
    ovsdb_idl_add_column(db->idl, &ovsrec_interface_col_ofport);
    ovsdb_idl_add_column(db->idl, &ovsrec_interface_col_ofport_request);
    ovsdb_idl_add_column(db->idl, &ovsrec_interface_col_link_state);
    ovsdb_idl_add_column(db->idl, &ovsrec_interface_col_external_ids);
    ovsdb_idl_add_table(db->idl, &ovsrec_table_controller);
    ovsdb_idl_add_column(db->idl, &ovsrec_controller_col_target);
    ovsdb_idl_add_column(db->idl, &ovsrec_controller_col_external_ids);
    ovsdb_idl_add_column(db->idl, &ovsrec_controller_col_inactivity_probe);
    db->idl_loop = (struct ovsdb_idl_loop) OVSDB_IDL_LOOP_INITIALIZER(db->idl);
    db->idl_seqno = 0;
    db->was_connected = false;
}

static void
host_db_disconnect(struct host_db *db)
{
    ovsdb_idl_loop_destroy(&db->idl_loop);  /* Destroys 'idl' too. */
    db->idl = NULL;
}

static void
reconcile_ofport_request(const struct ovsrec_interface *iface, int64_t ofport)
{
    if (ofport && (!iface->n_ofport_request
                   || *iface->ofport_request != ofport)) {
        ovsrec_interface_set_ofport_request(iface, &ofport, 1);
    }
}

/* Makes 'iface', of a port weft owns, what 'w' wants. */
static void
reconcile_iface(const struct ovsrec_interface *iface,
                const struct wanted_port *w)
{
    const char *type = iface->type && strcmp(iface->type, "system")
                       ? iface->type : "";
    if (strcmp(type, w->type)) {
        ovsrec_interface_set_type(iface, w->type);
    }
    /* Only the option keys weft sets are weft's: an operator may add
     * others (a tunnel's csum, say) and they are kept. */
    struct smap_node *node;
    SMAP_FOR_EACH (node, &w->options) {
        const char *have = smap_get(&iface->options, node->key);
        if (!have || strcmp(have, node->value)) {
            ovsrec_interface_update_options_setkey(iface, node->key,
                                                   node->value);
        }
    }
    if (!wanted_port_ids_match(w, &iface->external_ids)) {
        struct smap ids;
        wanted_port_ids(w, &ids);
        ovsrec_interface_set_external_ids(iface, &ids);
        smap_destroy(&ids);
    }
}

static void
create_port(struct host_db *db, struct ovsdb_idl_txn *txn,
            const struct ovsrec_bridge *br, const char *name,
            const struct wanted_port *w)
{
    struct smap ids;
    wanted_port_ids(w, &ids);

    struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
    ovsrec_interface_set_name(iface, name);
    ovsrec_interface_set_type(iface, w->type);
    ovsrec_interface_set_options(iface, &w->options);
    ovsrec_interface_set_external_ids(iface, &ids);
    reconcile_ofport_request(iface, simap_get(&db->requested, name));

    struct ovsrec_port *port = ovsrec_port_insert(txn);
    ovsrec_port_set_name(port, name);
    ovsrec_port_set_interfaces(port, &iface, 1);
    ovsrec_port_set_external_ids(port, &ids);
    ovsrec_bridge_update_ports_addvalue(br, port);
    smap_destroy(&ids);
    VLOG_INFO("%s: adding port %s%s%s", db->name, name,
              w->type[0] ? " type " : "", w->type);
}

/* Makes br-int's weft-owned ports exactly 'db->wanted': creates what is
 * missing, fixes what drifted (in place, so the ofport survives), deletes
 * what weft owns and no longer wants.  Ports without weft's mark are never
 * touched, and a wanted name that something else holds ('blocked') is not
 * created, so that one bad name cannot fail the transaction that creates
 * every other port of the host. */
static void
reconcile_ports(struct host_db *db, struct ovsdb_idl_txn *txn,
                const struct ovsrec_bridge *br)
{
    struct sset present = SSET_INITIALIZER(&present);

    for (size_t i = 0; i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];
        const char *owner = smap_get(&port->external_ids, OWNER_KEY);
        const struct wanted_port *w = shash_find_data(db->wanted,
                                                       port->name);
        sset_add(&present, port->name);
        if (!owner) {
            continue;           /* Not ours ('blocked' if wanted). */
        }
        if (!w) {
            VLOG_INFO("%s: removing stale port %s", db->name, port->name);
            ovsrec_bridge_update_ports_delvalue(br, port);
            continue;
        }
        if (port->n_interfaces != 1
            || strcmp(port->interfaces[0]->name, port->name)) {
            VLOG_INFO("%s: port %s has foreign interfaces, replacing them",
                      db->name, port->name);
            struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
            ovsrec_interface_set_name(iface, port->name);
            ovsrec_port_set_interfaces(port, &iface, 1);
            reconcile_iface(iface, w);
            reconcile_ofport_request(iface, simap_get(&db->requested,
                                                      port->name));
        } else {
            reconcile_iface(port->interfaces[0], w);
            reconcile_ofport_request(port->interfaces[0],
                                     simap_get(&db->requested, port->name));
        }
        if (!wanted_port_ids_match(w, &port->external_ids)) {
            struct smap ids;
            wanted_port_ids(w, &ids);
            ovsrec_port_set_external_ids(port, &ids);
            smap_destroy(&ids);
        }
    }

    struct shash_node *node;
    SHASH_FOR_EACH (node, db->wanted) {
        if (!sset_contains(&present, node->name)
            && !sset_contains(&db->blocked, node->name)) {
            create_port(db, txn, br, node->name, node->data);
        }
    }
    sset_destroy(&present);
}

/* The ofport the compiler should use for each wanted interface: the real
 * one once ovs-vswitchd has made it; before that the one weft requested, so
 * that a port's flows are compiled once, at its creation, and not again when
 * the port appears with the number requested.  An interface the switch
 * could not make (ofport -1) and a blocked name have none. */
static void
compute_flow_ofports(const struct host_db *db, const struct sset *failed,
                     struct simap *flow_ofports)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, db->wanted) {
        const char *name = node->name;
        const struct simap_node *real = simap_find(&db->ofports, name);
        if (real) {
            simap_put(flow_ofports, name, real->data);
        } else if (!sset_contains(failed, name)
                   && !sset_contains(&db->blocked, name)
                   && simap_contains(&db->requested, name)) {
            simap_put(flow_ofports, name, simap_get(&db->requested, name));
        }
    }
}

/* Adds to 'changed' the names in exactly one of 'a' and 'b'. */
static void
note_changed_names(struct sset *changed, const struct sset *a,
                   const struct sset *b)
{
    const char *name;
    SSET_FOR_EACH (name, a) {
        if (!sset_contains(b, name)) {
            sset_add(changed, name);
        }
    }
    SSET_FOR_EACH (name, b) {
        if (!sset_contains(a, name)) {
            sset_add(changed, name);
        }
    }
}

/* Adds to 'db->changed' the names whose ofport differs between 'ofports'
 * and 'db->ofports' (present in one only included). */
static void
note_changed_ofports(struct host_db *db, const struct simap *ofports)
{
    const struct simap_node *node;
    SIMAP_FOR_EACH (node, ofports) {
        const struct simap_node *old = simap_find(&db->ofports, node->name);
        if (!old || old->data != node->data) {
            sset_add(&db->changed, node->name);
        }
    }
    SIMAP_FOR_EACH (node, &db->ofports) {
        if (!simap_contains(ofports, node->name)) {
            sset_add(&db->changed, node->name);
        }
    }
}

/* Reads the ofports of the interfaces of br-int's weft-owned ports; returns
 * true if the ofports the flows use (host_db_flow_ofports()) changed.  A
 * blocked name never gets created, so it does not keep the host from being
 * "resolved" (and every other port's wait from completing). */
static bool
read_ofports(struct host_db *db, const struct ovsrec_bridge *br)
{
    struct simap ofports = SIMAP_INITIALIZER(&ofports);
    struct sset up = SSET_INITIALIZER(&up);
    struct sset failed = SSET_INITIALIZER(&failed);
    bool resolved = true;

    struct sset seen = SSET_INITIALIZER(&seen);
    for (size_t i = 0; br && i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];
        if (!smap_get(&port->external_ids, OWNER_KEY)) {
            /* Not weft's: br-int's own LOCAL port, or one added by hand.
             * Its ofport must never become an endpoint's. */
            continue;
        }
        for (size_t j = 0; j < port->n_interfaces; j++) {
            const struct ovsrec_interface *iface = port->interfaces[j];
            db->stats.n_ifaces++;
            sset_add(&seen, iface->name);
            if (!iface->n_ofport) {
                if (shash_find(db->wanted, iface->name)) {
                    resolved = false;   /* vswitchd has not got to it yet. */
                }
            } else if (*iface->ofport > 0) {
                simap_put(&ofports, iface->name, *iface->ofport);
                if (iface->link_state && !strcmp(iface->link_state, "up")) {
                    sset_add(&up, iface->name);
                }
            } else {
                sset_add(&failed, iface->name);
            }
        }
    }
    struct shash_node *node;
    SHASH_FOR_EACH (node, db->wanted) {
        if (!sset_contains(&seen, node->name)
            && !sset_contains(&db->blocked, node->name)) {
            resolved = false;           /* Port not created yet. */
        }
    }
    sset_destroy(&seen);

    if (!simap_equal(&ofports, &db->ofports)
        || !sset_equals(&up, &db->up)) {
        db->seqno++;
        note_changed_ofports(db, &ofports);
        note_changed_names(&db->changed, &up, &db->up);
    }
    simap_swap(&ofports, &db->ofports);
    simap_destroy(&ofports);
    sset_swap(&up, &db->up);
    sset_destroy(&up);
    db->ports_resolved = resolved;

    struct simap flow_ofports = SIMAP_INITIALIZER(&flow_ofports);
    compute_flow_ofports(db, &failed, &flow_ofports);
    bool changed = !simap_equal(&flow_ofports, &db->flow_ofports);
    simap_swap(&flow_ofports, &db->flow_ofports);
    simap_destroy(&flow_ofports);
    sset_destroy(&failed);
    return changed;
}

/* Chooses the ofport_request of every wanted interface, from what br-int
 * holds now and from the previous choice (see
 * wanted_ports_assign_ofports()). */
static void
update_requested(struct host_db *db, const struct ovsrec_bridge *br)
{
    struct simap have = SIMAP_INITIALIZER(&have);
    unsigned long *taken = bitmap_allocate(WANTED_OFPORT_MAX + 1);
    struct sset held = SSET_INITIALIZER(&held);
    for (size_t i = 0; br && i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];
        bool ours = smap_get(&port->external_ids, OWNER_KEY) != NULL;
        for (size_t j = 0; j < port->n_interfaces; j++) {
            const struct ovsrec_interface *iface = port->interfaces[j];
            db->stats.n_ifaces++;
            int64_t req = iface->n_ofport_request ? *iface->ofport_request
                                                  : 0;
            int64_t real = iface->n_ofport ? *iface->ofport : 0;
            if (ours) {
                /* The number it has, else the one it asked for.  If the
                 * switch gave it another (a clash), that one is kept: its
                 * flows already use it, and renumbering would change them
                 * twice. */
                int64_t n = real > 0 ? real : req;
                if (n > 0 && n <= WANTED_OFPORT_MAX) {
                    simap_put(&have, iface->name, n);
                    if (real > 0) {
                        sset_add(&held, iface->name);
                    }
                }
                continue;
            }
            if (req > 0 && req <= WANTED_OFPORT_MAX) {
                bitmap_set1(taken, req);
            }
            if (real > 0 && real <= WANTED_OFPORT_MAX) {
                bitmap_set1(taken, real);
            }
        }
    }
    /* A foreign interface that asks for a number one of weft's holds did
     * not get it: weft's keeps it. */
    const char *name;
    SSET_FOR_EACH (name, &held) {
        bitmap_set0(taken, simap_get(&have, name));
    }
    sset_destroy(&held);
    struct simap requested = SIMAP_INITIALIZER(&requested);
    wanted_ports_assign_ofports(db->wanted, &have, &db->requested, taken,
                                &requested);
    simap_swap(&requested, &db->requested);
    simap_destroy(&requested);
    simap_destroy(&have);
    free(taken);
}

/* Adds to 'names' the name of every bridge, port and interface in the
 * host's database that weft does not own.  weft owns the ports that carry
 * its mark (on br-int) and their interfaces; br-int's own internal port has
 * no mark (and its name is reserved anyway). */
static void
collect_foreign_names(const struct host_db *db, struct sset *names)
{
    const struct ovsrec_bridge *br;
    OVSREC_BRIDGE_FOR_EACH (br, db->idl) {
        sset_add(names, br->name);
    }
    const struct ovsrec_port *port;
    OVSREC_PORT_FOR_EACH (port, db->idl) {
        if (!smap_get(&port->external_ids, OWNER_KEY)) {
            sset_add(names, port->name);
            for (size_t i = 0; i < port->n_interfaces; i++) {
                sset_add(names, port->interfaces[i]->name);
            }
        }
    }
}

/* Finds the wanted names that something else holds on the host.  OVS
 * indexes bridge, port and interface names: creating one of them would fail
 * the host's whole reconcile transaction, and with it every later port of
 * every tenant on the host. */
static void
update_blocked(struct host_db *db)
{
    struct sset foreign = SSET_INITIALIZER(&foreign);
    collect_foreign_names(db, &foreign);

    struct sset blocked = SSET_INITIALIZER(&blocked);
    struct shash_node *node;
    SHASH_FOR_EACH (node, db->wanted) {
        if (sset_contains(&foreign, node->name)) {
            sset_add(&blocked, node->name);
            if (!sset_contains(&db->blocked, node->name)) {
                VLOG_WARN("%s: interface name %s is held by a bridge, port "
                          "or interface weft does not own; not creating "
                          "it", db->name, node->name);
            }
        }
    }
    if (!sset_equals(&blocked, &db->blocked)) {
        note_changed_names(&db->changed, &blocked, &db->blocked);
        sset_swap(&blocked, &db->blocked);
        db->seqno++;
    }
    sset_destroy(&blocked);
    sset_destroy(&foreign);
}

bool
host_db_run(struct host_db *db)
{
    bool changed = false;
    struct ovsdb_idl_txn *txn = ovsdb_idl_loop_run(&db->idl_loop);
    unsigned int seqno = ovsdb_idl_get_seqno(db->idl);
    bool connected = ovsdb_idl_is_connected(db->idl);
    if (connected && !db->was_connected) {
        db->n_connects++;
    }
    db->was_connected = connected;
    const struct ovsrec_open_vswitch *cfg = ovsrec_open_vswitch_first(db->idl);
    const struct ovsrec_bridge *br = cfg ? host_bridge_find(cfg) : NULL;

    /* Read ofports before this run's changes: rows written in an open
     * transaction show uncommitted (and, for partial updates, stale)
     * contents. */
    if (seqno != db->blocked_seqno || db->reconcile) {
        db->stats.n_runs++;
        db->stats.n_full++;
        db->stats.n_assign_full++;
        update_blocked(db);
        db->blocked_seqno = seqno;
    }
    if (seqno != db->requested_seqno || db->reconcile) {
        update_requested(db, br);
        db->requested_seqno = seqno;
    }
    /* Only when the database or the wanted ports changed: reading every
     * interface of every host on each main loop pass made weftd's CPU grow
     * with the topology for any event. */
    if (seqno != db->ofports_seqno || db->reconcile) {
        db->ofports_seqno = seqno;
        if (read_ofports(db, br)) {
            changed = true;
        }
    }

    if (seqno != db->idl_seqno || db->reconcile) {
        if (txn && cfg) {
            struct host_bridge_config bc = {
                .name = db->name,
                .datapath_type = db->datapath_type,
                .controller_target = db->controller_target,
                .controller_probe_msec = db->controller_probe_msec,
            };
            if (!br) {
                br = host_bridge_create(&bc, txn, cfg);
            }
            host_bridge_reconcile(&bc, txn, br);
            reconcile_ports(db, txn, br);
            ovsdb_idl_txn_add_comment(txn, "weft: reconcile %s", db->name);
            db->idl_seqno = seqno;
            db->reconcile = false;
        } else if (!cfg && ovsdb_idl_has_ever_connected(db->idl)) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
            VLOG_WARN_RL(&rl, "%s: Open_vSwitch table is empty (run "
                         "\"ovs-vsctl init\" on the host)", db->name);
        }
    }
    ovsdb_idl_loop_commit_and_wait(&db->idl_loop);
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
    sset_init(&db->blocked);
    simap_init(&db->ofports);
    simap_init(&db->requested);
    simap_init(&db->flow_ofports);
    sset_init(&db->up);
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
    sset_destroy(&db->blocked);
    simap_destroy(&db->ofports);
    simap_destroy(&db->requested);
    simap_destroy(&db->flow_ofports);
    sset_destroy(&db->up);
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
    db->reconcile = true;
}

void
host_db_reconnect(struct host_db *db)
{
    host_db_disconnect(db);
    host_db_connect(db);
}

void
host_db_set_wanted(struct host_db *db, const struct wanted_ports *wanted)
{
    db->wanted = &wanted->ports;
    db->reconcile = true;
}

void
host_db_force_reconcile(struct host_db *db)
{
    db->reconcile = true;
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
           && ovsrec_open_vswitch_first(db->idl) != NULL;
}

bool
host_db_has_read(const struct host_db *db)
{
    return ovsdb_idl_has_ever_connected(db->idl)
           && ovsrec_open_vswitch_first(db->idl) != NULL;
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
    struct sset foreign = SSET_INITIALIZER(&foreign);
    collect_foreign_names(db, &foreign);
    bool available = !sset_contains(&foreign, iface);
    sset_destroy(&foreign);
    return available;
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
