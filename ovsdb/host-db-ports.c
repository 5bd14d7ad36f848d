/* host-db-ports: the ports weft owns on one host's br-int, made what weft
 * wants (≈ OVN's encaps.c): each wanted name created, a drifted one fixed in
 * place (so its ofport survives), one weft owns and no longer wants deleted,
 * and a port without weft's mark ('external_ids:weft-port') never touched.
 * Part of the host-db module (host-db.h): host-db.c runs the session and
 * calls this from its transaction, with the state in host-db-private.h. */
#include <config.h>

#include "host-db-private.h"

#include <string.h>

#include "host-ifaces.h"
#include "ovsdb-idl.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "smap.h"
#include "sset.h"
#include "util.h"
#include "host-idl.h"
#include "wanted-ports.h"

VLOG_DEFINE_THIS_MODULE(host_db_ports);

#define OWNER_KEY "weft-port"           /* external_ids key on owned rows. */
#define NAME_KEY "weft-name"            /* ...and "TENANT/NET/PORT" on a
                                         * tenant's, for the host's operator. */

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
reconcile_ofport_request(const struct hostrec_interface *iface, int64_t ofport)
{
    if (ofport && (!iface->n_ofport_request
                   || *iface->ofport_request != ofport)) {
        hostrec_interface_set_ofport_request(iface, &ofport, 1);
    }
}

/* Makes 'iface', of a port weft owns, what 'w' wants. */
static void
reconcile_iface(const struct hostrec_interface *iface,
                const struct wanted_port *w)
{
    const char *type = iface->type && strcmp(iface->type, "system")
                       ? iface->type : "";
    if (strcmp(type, w->type)) {
        hostrec_interface_set_type(iface, w->type);
    }
    /* Only the option keys weft sets are weft's: an operator may add
     * others (a tunnel's csum, say) and they are kept. */
    struct smap_node *node;
    SMAP_FOR_EACH (node, &w->options) {
        const char *have = smap_get(&iface->options, node->key);
        if (!have || strcmp(have, node->value)) {
            hostrec_interface_update_options_setkey(iface, node->key,
                                                   node->value);
        }
    }
    if (!wanted_port_ids_match(w, &iface->external_ids)) {
        struct smap ids;
        wanted_port_ids(w, &ids);
        hostrec_interface_set_external_ids(iface, &ids);
        smap_destroy(&ids);
    }
}

static void
create_port(struct host_db *db, struct ovsdb_idl_txn *txn,
            const struct hostrec_bridge *br, const char *name,
            const struct wanted_port *w)
{
    struct smap ids;
    wanted_port_ids(w, &ids);

    struct hostrec_interface *iface = hostrec_interface_insert(txn);
    hostrec_interface_set_name(iface, name);
    hostrec_interface_set_type(iface, w->type);
    hostrec_interface_set_options(iface, &w->options);
    hostrec_interface_set_external_ids(iface, &ids);
    reconcile_ofport_request(iface, simap_get(&db->hi.requested, name));

    struct hostrec_port *port = hostrec_port_insert(txn);
    hostrec_port_set_name(port, name);
    hostrec_port_set_interfaces(port, &iface, 1);
    hostrec_port_set_external_ids(port, &ids);
    hostrec_bridge_update_ports_addvalue(br, port);
    smap_destroy(&ids);
    VLOG_INFO("%s: adding port %s%s%s", db->name, name,
              w->type[0] ? " type " : "", w->type);
}

/* Makes port 'name' on br-int what 'db->wanted' says: creates it if it is
 * missing, fixes it if it drifted (in place, so the ofport survives),
 * deletes it if weft owns it and no longer wants it.  A port without weft's
 * mark is never touched, and a wanted name that something else holds
 * ('blocked') is not created, so that one bad name cannot fail the
 * transaction that creates every other port of the host. */
void
host_db_ports_reconcile_name(struct host_db *db, struct ovsdb_idl_txn *txn,
                             const struct hostrec_bridge *br, const char *name)
{
    const struct hif_port *p = host_ifaces_port(&db->hi, name);
    const struct wanted_port *w = shash_find_data(db->wanted, name);
    if (!p || !p->on_br) {
        if (w && !sset_contains(&db->blocked, name)) {
            create_port(db, txn, br, name, w);
        }
        return;
    }
    const struct hostrec_port *port = hostrec_port_get_for_uuid(db->idl,
                                                              &p->uuid);
    if (!p->owned || !port) {
        return;                 /* Not ours ('blocked' if wanted). */
    }
    if (!w) {
        VLOG_INFO("%s: removing stale port %s", db->name, port->name);
        hostrec_bridge_update_ports_delvalue(br, port);
        return;
    }
    int64_t request = simap_get(&db->hi.requested, name);
    if (port->n_interfaces != 1
        || strcmp(port->interfaces[0]->name, port->name)) {
        VLOG_INFO("%s: port %s has foreign interfaces, replacing them",
                  db->name, port->name);
        struct hostrec_interface *iface = hostrec_interface_insert(txn);
        hostrec_interface_set_name(iface, port->name);
        hostrec_port_set_interfaces(port, &iface, 1);
        reconcile_iface(iface, w);
        reconcile_ofport_request(iface, request);
    } else {
        reconcile_iface(port->interfaces[0], w);
        reconcile_ofport_request(port->interfaces[0], request);
    }
    if (!wanted_port_ids_match(w, &port->external_ids)) {
        struct smap ids;
        wanted_port_ids(w, &ids);
        hostrec_port_set_external_ids(port, &ids);
        smap_destroy(&ids);
    }
}

/* Reconciles every name weft wants or owns on br-int. */
void
host_db_ports_reconcile_all(struct host_db *db, struct ovsdb_idl_txn *txn,
                            const struct hostrec_bridge *br)
{
    struct sset names = SSET_INITIALIZER(&names);
    struct shash_node *node;
    SHASH_FOR_EACH (node, db->wanted) {
        sset_add(&names, node->name);
    }
    const struct hif_port *p;
    HMAP_FOR_EACH (p, node, &db->hi.ports) {
        if (p->on_br && p->owned) {
            sset_add(&names, p->name);
        }
    }
    const char *name;
    SSET_FOR_EACH (name, &names) {
        host_db_ports_reconcile_name(db, txn, br, name);
    }
    db->stats.n_ifaces += sset_count(&names);
    sset_destroy(&names);
}
