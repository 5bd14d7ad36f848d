/* host-bridge: br-int itself on one host's Open_vSwitch database.  See
 * host-bridge.h. */
#include <config.h>

#include "host-bridge.h"

#include <string.h>

#include "ovsdb-idl.h"
#include "openvswitch/vlog.h"
#include "pipeline.h"
#include "smap.h"
#include "topology.h"
#include "util.h"
#include "host-idl.h"

VLOG_DEFINE_THIS_MODULE(host_bridge);

#define BRIDGE_NAME TOPO_BRIDGE_NAME
#define BRIDGE_OWNER_KEY "weft-bridge"  /* external_ids key on br-int. */
#define CONTROLLER_OWNER_KEY "weft-controller"

static const char *bridge_protocols[] = {
    "OpenFlow13", "OpenFlow14", "OpenFlow15",
};

const struct hostrec_bridge *
host_bridge_find(const struct hostrec_open_vswitch *cfg)
{
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        if (!strcmp(cfg->bridges[i]->name, BRIDGE_NAME)) {
            return cfg->bridges[i];
        }
    }
    return NULL;
}

const struct hostrec_bridge *
host_bridge_create(const struct host_bridge_config *db, struct ovsdb_idl_txn *txn,
              const struct hostrec_open_vswitch *cfg)
{
    struct hostrec_interface *iface = hostrec_interface_insert(txn);
    hostrec_interface_set_name(iface, BRIDGE_NAME);
    hostrec_interface_set_type(iface, "internal");

    struct hostrec_port *port = hostrec_port_insert(txn);
    hostrec_port_set_name(port, BRIDGE_NAME);
    hostrec_port_set_interfaces(port, &iface, 1);

    struct hostrec_bridge *br = hostrec_bridge_insert(txn);
    hostrec_bridge_set_name(br, BRIDGE_NAME);
    hostrec_bridge_set_ports(br, &port, 1);
    const struct smap ids = SMAP_CONST1(&ids, BRIDGE_OWNER_KEY, "true");
    hostrec_bridge_set_external_ids(br, &ids);
    hostrec_open_vswitch_update_bridges_addvalue(cfg, br);
    VLOG_INFO("%s: creating %s", db->name, BRIDGE_NAME);
    return br;
}

static bool
protocols_match(const struct hostrec_bridge *br)
{
    if (br->n_protocols != ARRAY_SIZE(bridge_protocols)) {
        return false;
    }
    for (size_t i = 0; i < br->n_protocols; i++) {
        bool found = false;
        for (size_t j = 0; j < ARRAY_SIZE(bridge_protocols); j++) {
            found = found || !strcmp(br->protocols[i], bridge_protocols[j]);
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

/* br-int is weft's integration bridge by definition, so its settings are
 * weft's to fix even if someone created it by hand. */
static void
reconcile_bridge_settings(const struct host_bridge_config *db,
                          const struct hostrec_bridge *br)
{
    if (!br->datapath_type || strcmp(br->datapath_type, db->datapath_type)) {
        hostrec_bridge_set_datapath_type(br, db->datapath_type);
    }
    if (!br->fail_mode || strcmp(br->fail_mode, "secure")) {
        hostrec_bridge_set_fail_mode(br, "secure");
    }
    if (!protocols_match(br)) {
        hostrec_bridge_set_protocols(br, bridge_protocols,
                                    ARRAY_SIZE(bridge_protocols));
    }
}

/* Names br-int's OpenFlow tables after the pipeline stages (OVS Flow_Table
 * rows), so that ovs-ofctl and ofproto/trace can print "classify" or
 * "l2_lookup" instead of bare numbers.  Entries for other tables are kept. */
static void
reconcile_table_names(struct ovsdb_idl_txn *txn,
                      const struct hostrec_bridge *br)
{
    int64_t keys[256];
    struct hostrec_flow_table *values[256];
    size_t n = 0;
    bool changed = false;

    for (size_t i = 0; i < br->n_flow_tables; i++) {
        if (!weft_table_name(br->key_flow_tables[i])) {
            keys[n] = br->key_flow_tables[i];
            values[n++] = br->value_flow_tables[i];
        }
    }
    for (int id = 0; id < 255; id++) {
        const char *name = weft_table_name(id);
        if (!name) {
            continue;
        }
        struct hostrec_flow_table *ft = NULL;
        for (size_t i = 0; i < br->n_flow_tables; i++) {
            if (br->key_flow_tables[i] == id) {
                ft = br->value_flow_tables[i];
            }
        }
        if (!ft || !ft->name || strcmp(ft->name, name)) {
            ft = hostrec_flow_table_insert(txn);
            hostrec_flow_table_set_name(ft, name);
            changed = true;
        }
        keys[n] = id;
        values[n++] = ft;
    }
    if (changed) {
        hostrec_bridge_set_flow_tables(br, keys, values, n);
    }
}

static void
reconcile_controller(const struct host_bridge_config *db,
                     struct ovsdb_idl_txn *txn,
                     const struct hostrec_bridge *br)
{
    bool have = false;
    for (size_t i = 0; i < br->n_controller; i++) {
        const struct hostrec_controller *c = br->controller[i];
        if (!smap_get(&c->external_ids, CONTROLLER_OWNER_KEY)) {
            continue;           /* Not ours: leave it alone. */
        }
        if (db->controller_target && !have
            && !strcmp(c->target, db->controller_target)) {
            have = true;
            if (!c->n_inactivity_probe
                || *c->inactivity_probe != db->controller_probe_msec) {
                hostrec_controller_set_inactivity_probe(
                    c, &db->controller_probe_msec, 1);
            }
        } else {
            hostrec_bridge_update_controller_delvalue(br, c);
        }
    }
    if (db->controller_target && !have) {
        struct hostrec_controller *c = hostrec_controller_insert(txn);
        hostrec_controller_set_target(c, db->controller_target);
        hostrec_controller_set_inactivity_probe(c, &db->controller_probe_msec,
                                               1);
        const struct smap ids = SMAP_CONST1(&ids, CONTROLLER_OWNER_KEY,
                                            "true");
        hostrec_controller_set_external_ids(c, &ids);
        hostrec_bridge_update_controller_addvalue(br, c);
    }
}

/* Makes 'iface', of a port weft owns, request 'ofport' (if nonzero).  An
 * interface that exists was given its own number (its request, else its
 * ofport), so this changes nothing on it unless that number clashed with
 * another interface's. */
void
host_bridge_reconcile(const struct host_bridge_config *cfg,
                      struct ovsdb_idl_txn *txn,
                      const struct hostrec_bridge *br)
{
    reconcile_bridge_settings(cfg, br);
    reconcile_table_names(txn, br);
    reconcile_controller(cfg, txn, br);
}
