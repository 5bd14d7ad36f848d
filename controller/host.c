/* host: weftd's OVSDB and OpenFlow sessions to one host.  See host.h. */
#include <config.h>

#include "host.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "compiler.h"
#include "flow-table.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/rconn.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "pipeline.h"
#include "ovsdb-idl.h"
#include "simap.h"
#include "smap.h"
#include "sset.h"
#include "stream-ssl.h"
#include "timeval.h"
#include "topology.h"
#include "util.h"
#include "validate.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(host);

#define BRIDGE_NAME TOPO_BRIDGE_NAME
#define OWNER_KEY "weft-port"           /* external_ids key on owned rows. */
#define NAME_KEY "weft-name"            /* ...and "TENANT/NET/PORT" on a
                                         * tenant's, for the host's operator. */
#define BRIDGE_OWNER_KEY "weft-bridge"  /* external_ids key on br-int. */
#define CONTROLLER_OWNER_KEY "weft-controller"

/* OpenFlow versions weft speaks; bundles need at least 1.3 (as an ONF
 * extension) and are native from 1.4. */
#define WEFT_OF_VERSIONS ((1u << OFP13_VERSION) | (1u << OFP14_VERSION) \
                          | (1u << OFP15_VERSION))

static const char *bridge_protocols[] = {
    "OpenFlow13", "OpenFlow14", "OpenFlow15",
};

struct host {
    struct uuid uuid;               /* Host row in weft's database. */
    char *name;
    char *ovsdb_remote;
    char *of_target;                /* What weftd connects to. */
    char *controller_target;        /* Passive target set on br-int, or NULL
                                     * (unix: hosts use br-int.mgmt). */
    char *datapath_type;

    /* OVSDB session to the host's Open_vSwitch database. */
    struct ovsdb_idl *idl;
    struct ovsdb_idl_loop idl_loop;
    unsigned int idl_seqno;         /* Last seqno reconciled. */
    bool reconcile;                 /* Desired ports changed since then. */
    struct shash wanted;            /* Interface name -> "struct wanted_iface"
                                     * for every port weft must own on br-int:
                                     * endpoint ports, tunnels, the uplink. */
    struct sset refused;            /* Endpoint interface names refused
                                     * because weft's own infrastructure
                                     * takes them on this host (a row that
                                     * validation would refuse). */
    struct sset blocked;            /* Wanted names that a bridge, port or
                                     * interface weft does not own holds in
                                     * the host's database: never created,
                                     * since one such name would fail the
                                     * whole reconcile transaction. */
    unsigned int blocked_seqno;     /* IDL seqno 'blocked' was found at. */
    struct simap ofports;           /* Interface name -> ofport > 0, of the
                                     * ports weft owns only. */
    struct sset up;                 /* Interfaces whose link is up. */
    bool ports_resolved;            /* Every wanted interface has an ofport
                                     * (or the switch said it cannot). */

    /* Desired state. */
    const struct topology *topo;    /* Owned by weftd; valid until the next
                                     * host_set_topology(). */
    int64_t nb_cfg;                 /* Configuration 'topo' came from. */
    bool recompile;                 /* Topology or ofports changed. */
    long long int disconnected_at;  /* When the OpenFlow connection last
                                     * dropped (LLONG_MIN while up). */
    long long int next_kick;        /* Next fast reconnect attempt. */
    unsigned int status_seqno;      /* Changes when anything that
                                     * host_status_seqno() covers does. */
    unsigned int status_sig;        /* Hash of the scalar status last seen. */
    bool push_needed;               /* Desired, installed or desired_cfg
                                     * changed since the last diff: diffing
                                     * two large unchanged tables on every
                                     * main loop pass would waste the CPU. */
    char *inputs;                   /* compile_host_inputs() text the desired
                                     * flows were (or will be) built from. */

    /* OpenFlow session. */
    struct rconn *rconn;
    unsigned int conn_seqno;
    enum host_of_state state;
    int ofp_version;                /* Version 'desired' was built for. */
    ovs_be32 dump_xid;
    struct flow_table dumped;       /* Flows read back so far (DUMPING). */
    struct flow_table desired;
    struct flow_table installed;
    int64_t desired_cfg;            /* nb_cfg 'desired' was compiled from. */
    bool desired_complete;          /* Compiled with all ports resolved. */

    /* The bundle in flight, if any. */
    bool inflight;
    bool inflight_failed;
    long long int next_verify;      /* When to read the switch's flows back
                                     * again, to catch changes made outside
                                     * weft (LLONG_MAX: never). */
    bool verifying;                 /* The current dump is such a check. */
    long long int next_push;        /* After a failed bundle, no push before
                                     * this time (msec), so a flow the switch
                                     * keeps rejecting cannot spin weftd. */
    uint32_t next_bundle_id;
    ovs_be32 barrier_xid;
    int64_t inflight_cfg;
    bool inflight_complete;

    int64_t cur_cfg;                /* Highest nb_cfg confirmed installed. */

    /* Convergence latency: when weftd first saw 'nb_cfg', and the time of
     * the nb_cfg that 'desired' and the bundle in flight came from, so that
     * the barrier confirming it knows how long it took. */
    long long int nb_cfg_msec;
    long long int desired_cfg_msec;
    long long int inflight_cfg_msec;
    long long int last_latency_msec;    /* -1 until a first confirmation. */

    /* Counters, for weft/hosts and /metrics. */
    uint64_t n_flow_mods;
    uint64_t n_bundles;
    uint64_t n_dumps;
    uint64_t n_ovsdb_connects;
    uint64_t n_of_connects;
    bool ovsdb_was_connected;
};

/* A port weft must own on br-int, with its single interface. */
struct wanted_iface {
    char *owner;                    /* external_ids:weft-port value: the port's
                                     * UUID, "tunnel:HOST" or "uplink". */
    char *name;                     /* external_ids:weft-name value,
                                     * "TENANT/NET/PORT", or NULL. */
    char *type;                     /* Interface type; "" for a system one. */
    struct smap options;            /* Interface options. */
};

static struct wanted_iface *
wanted_iface_create(char *owner, const char *type)
{
    struct wanted_iface *w = xmalloc(sizeof *w);
    w->owner = owner;
    w->name = NULL;
    w->type = xstrdup(type);
    smap_init(&w->options);
    return w;
}

static void
wanted_iface_destroy(struct wanted_iface *w)
{
    if (w) {
        free(w->owner);
        free(w->name);
        free(w->type);
        smap_destroy(&w->options);
        free(w);
    }
}

static bool
wanted_iface_equal(const struct wanted_iface *a, const struct wanted_iface *b)
{
    return !strcmp(a->owner, b->owner) && !strcmp(a->type, b->type)
           && nullable_string_is_equal(a->name, b->name)
           && smap_equal(&a->options, &b->options);
}

/* Initializes 'ids' to the external_ids a row weft owns must have: all of
 * them, since weft sets them together and replaces them together. */
static void
wanted_iface_ids(const struct wanted_iface *w, struct smap *ids)
{
    smap_init(ids);
    smap_add(ids, OWNER_KEY, w->owner);
    if (w->name) {
        smap_add(ids, NAME_KEY, w->name);
    }
}

/* True if 'ids', of a row weft owns, already are what 'w' wants. */
static bool
wanted_iface_ids_match(const struct wanted_iface *w, const struct smap *ids)
{
    const char *owner = smap_get(ids, OWNER_KEY);
    return owner && !strcmp(owner, w->owner)
           && nullable_string_is_equal(smap_get(ids, NAME_KEY), w->name);
}

static void
wanted_clear(struct shash *wanted)
{
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, wanted) {
        wanted_iface_destroy(node->data);
        shash_delete(wanted, node);
    }
}

/* How often a synced host's flows are read back and compared with the
 * desired ones; 0 disables it. */
static long long int verify_interval_ms = 30 * 1000;

void
host_set_verify_interval(int seconds)
{
    verify_interval_ms = seconds > 0 ? seconds * 1000LL : 0;
}

static void
schedule_verify(struct host *h)
{
    h->next_verify = verify_interval_ms ? time_msec() + verify_interval_ms
                                        : LLONG_MAX;
}

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

static void
host_connect(struct host *h)
{
    /* Without keys OVS would only retry and log "Private key must be
     * configured": say what is missing, once per connect. */
    if ((!strncmp(h->ovsdb_remote, "ssl:", 4)
         || !strncmp(h->of_target, "ssl:", 4))
        && !stream_ssl_is_configured()) {
        VLOG_WARN("%s: ssl: remote, but weftd has no --private-key, "
                  "--certificate and --ca-cert", h->name);
    }
    h->idl = ovsdb_idl_create(h->ovsdb_remote, &ovsrec_idl_class, false,
                              true);
    ovsdb_idl_set_leader_only(h->idl, false);
    ovsdb_idl_add_column(h->idl, &ovsrec_open_vswitch_col_bridges);
    ovsdb_idl_add_table(h->idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(h->idl, &ovsrec_bridge_col_name);
    ovsdb_idl_add_column(h->idl, &ovsrec_bridge_col_ports);
    ovsdb_idl_add_column(h->idl, &ovsrec_bridge_col_datapath_type);
    ovsdb_idl_add_column(h->idl, &ovsrec_bridge_col_fail_mode);
    ovsdb_idl_add_column(h->idl, &ovsrec_bridge_col_protocols);
    ovsdb_idl_add_column(h->idl, &ovsrec_bridge_col_controller);
    ovsdb_idl_add_column(h->idl, &ovsrec_bridge_col_external_ids);
    ovsdb_idl_add_column(h->idl, &ovsrec_bridge_col_flow_tables);
    ovsdb_idl_add_table(h->idl, &ovsrec_table_flow_table);
    ovsdb_idl_add_column(h->idl, &ovsrec_flow_table_col_name);
    ovsdb_idl_add_table(h->idl, &ovsrec_table_port);
    ovsdb_idl_add_column(h->idl, &ovsrec_port_col_name);
    ovsdb_idl_add_column(h->idl, &ovsrec_port_col_interfaces);
    ovsdb_idl_add_column(h->idl, &ovsrec_port_col_external_ids);
    ovsdb_idl_add_table(h->idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(h->idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(h->idl, &ovsrec_interface_col_type);
    ovsdb_idl_add_column(h->idl, &ovsrec_interface_col_options);
    ovsdb_idl_add_column(h->idl, &ovsrec_interface_col_ofport);
    ovsdb_idl_add_column(h->idl, &ovsrec_interface_col_link_state);
    ovsdb_idl_add_column(h->idl, &ovsrec_interface_col_external_ids);
    ovsdb_idl_add_table(h->idl, &ovsrec_table_controller);
    ovsdb_idl_add_column(h->idl, &ovsrec_controller_col_target);
    ovsdb_idl_add_column(h->idl, &ovsrec_controller_col_external_ids);
    h->idl_loop = (struct ovsdb_idl_loop) OVSDB_IDL_LOOP_INITIALIZER(h->idl);
    h->idl_seqno = 0;
    h->ovsdb_was_connected = false;

    h->rconn = rconn_create(5, 8, 0, WEFT_OF_VERSIONS);
    rconn_connect(h->rconn, h->of_target, h->name);
    h->disconnected_at = LLONG_MIN;
    h->conn_seqno = 0;
    h->state = HOST_OF_DISCONNECTED;
    h->inflight = false;
    flow_table_clear(&h->installed);
    flow_table_clear(&h->dumped);
}

static void
host_disconnect(struct host *h)
{
    ovsdb_idl_loop_destroy(&h->idl_loop);  /* Destroys 'idl' too. */
    h->idl = NULL;
    rconn_destroy(h->rconn);
    h->rconn = NULL;
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
    host_set_config__(h, th);
    shash_init(&h->wanted);
    sset_init(&h->refused);
    sset_init(&h->blocked);
    simap_init(&h->ofports);
    sset_init(&h->up);
    flow_table_init(&h->dumped);
    flow_table_init(&h->desired);
    flow_table_init(&h->installed);
    h->next_bundle_id = 1;
    h->last_latency_msec = -1;
    host_connect(h);
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
    host_disconnect(h);
    wanted_clear(&h->wanted);
    shash_destroy(&h->wanted);
    sset_destroy(&h->refused);
    sset_destroy(&h->blocked);
    simap_destroy(&h->ofports);
    sset_destroy(&h->up);
    flow_table_destroy(&h->dumped);
    flow_table_destroy(&h->desired);
    flow_table_destroy(&h->installed);
    free(h->name);
    free(h->ovsdb_remote);
    free(h->of_target);
    free(h->controller_target);
    free(h->datapath_type);
    free(h->inputs);
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
        h->reconcile = true;
    }
    if (reconnect) {
        VLOG_INFO("%s: remotes changed, reconnecting to ovsdb %s, "
                  "openflow %s", h->name, h->ovsdb_remote, h->of_target);
        host_disconnect(h);
        host_connect(h);
    }
    return changed;
}

void
host_set_topology(struct host *h, const struct topology *topo, int64_t nb_cfg)
{
    h->topo = topo;
    if (nb_cfg != h->nb_cfg) {
        h->nb_cfg_msec = time_msec();
    }
    h->nb_cfg = nb_cfg;

    /* Recompile only if something this host's flows depend on changed: a
     * port added in a network on two hosts must not cost the other hosts
     * anything.  An untouched host is at the new nb_cfg as soon as what it
     * had is installed. */
    const struct topo_host *self = topology_find_host(topo, &h->uuid);
    struct ds inputs = DS_EMPTY_INITIALIZER;
    if (self) {
        compile_host_inputs(topo, self, &inputs);
    }
    if (!h->inputs || strcmp(h->inputs, ds_cstr(&inputs))) {
        free(h->inputs);
        h->inputs = ds_steal_cstr(&inputs);
        h->recompile = true;
    } else {
        ds_destroy(&inputs);
        if (!h->recompile) {
            /* Nothing to install, and nothing pending from before: the
             * confirmed flows are this nb_cfg's too, so a host that is down
             * or busy does not hold up "weftctl sync" for a change that is
             * not its own. */
            if (h->desired_complete && !h->inflight
                && h->cur_cfg >= h->desired_cfg && nb_cfg > h->cur_cfg) {
                h->cur_cfg = nb_cfg;
            }
            h->desired_cfg = nb_cfg;
            h->desired_cfg_msec = h->nb_cfg_msec;
            h->push_needed = true;
        }
    }

    /* The interfaces weft must own on this host: its own infrastructure
     * (the uplink, the tunnels) first, then the endpoints.  An endpoint
     * never takes an infrastructure name: it would be given the tunnel (and
     * other tenants' traffic), the VLAN trunk or br-int's LOCAL port. */
    struct shash wanted = SHASH_INITIALIZER(&wanted);
    const struct topo_host *th = topology_find_host(topo, &h->uuid);
    if (th && th->uplink) {
        shash_add(&wanted, th->uplink,
                  wanted_iface_create(xstrdup("uplink"), ""));
    }

    struct weft_tunnel *tunnels;
    size_t n_tunnels = th ? compile_host_tunnels(topo, th, &tunnels) : 0;
    for (size_t i = 0; i < n_tunnels; i++) {
        const struct weft_tunnel *t = &tunnels[i];
        if (shash_find(&wanted, t->name)) {
            continue;       /* The uplink has the name (a bad host row). */
        }
        struct wanted_iface *w = wanted_iface_create(
            xasprintf("tunnel:%s", t->remote->name),
            weft_tunnel_iface_type(t->type));
        smap_add(&w->options, "remote_ip", t->remote->tunnel_ip);
        smap_add(&w->options, "local_ip", th->tunnel_ip);
        smap_add(&w->options, "key", "flow");
        shash_add(&wanted, t->name, w);
    }
    if (n_tunnels) {
        free(tunnels);
    }

    struct sset refused = SSET_INITIALIZER(&refused);
    const struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (!uuid_equals(&port->host->uuid, &h->uuid)) {
            continue;
        }
        if (validate_iface_is_reserved(th, port->iface)) {
            sset_add(&refused, port->iface);
        } else if (!shash_find(&wanted, port->iface)) {
            struct wanted_iface *w = wanted_iface_create(
                xasprintf(UUID_FMT, UUID_ARGS(&port->uuid)), "");
            w->name = xasprintf("%s/%s/%s", port->network->tenant->name,
                                port->network->name, port->name);
            shash_add(&wanted, port->iface, w);
        }
    }
    if (!sset_equals(&refused, &h->refused)) {
        const char *name;
        SSET_FOR_EACH (name, &refused) {
            if (!sset_contains(&h->refused, name)) {
                VLOG_WARN("%s: a port's interface name %s belongs to weft's "
                          "infrastructure; port not created", h->name, name);
            }
        }
        sset_swap(&refused, &h->refused);
        h->status_seqno++;
    }
    sset_destroy(&refused);

    bool same = shash_count(&wanted) == shash_count(&h->wanted);
    struct shash_node *node;
    SHASH_FOR_EACH (node, &wanted) {
        const struct wanted_iface *old = shash_find_data(&h->wanted,
                                                         node->name);
        if (!old || !wanted_iface_equal(old, node->data)) {
            same = false;
            break;
        }
    }
    shash_swap(&h->wanted, &wanted);
    wanted_clear(&wanted);
    shash_destroy(&wanted);
    if (!same) {
        h->reconcile = true;
    }
}

/* ------------------------------------------------------------------ */
/* OVSDB: br-int and the ports weft owns. */

static const struct ovsrec_bridge *
find_bridge(const struct ovsrec_open_vswitch *cfg)
{
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        if (!strcmp(cfg->bridges[i]->name, BRIDGE_NAME)) {
            return cfg->bridges[i];
        }
    }
    return NULL;
}

static const struct ovsrec_bridge *
create_bridge(struct host *h, struct ovsdb_idl_txn *txn,
              const struct ovsrec_open_vswitch *cfg)
{
    struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
    ovsrec_interface_set_name(iface, BRIDGE_NAME);
    ovsrec_interface_set_type(iface, "internal");

    struct ovsrec_port *port = ovsrec_port_insert(txn);
    ovsrec_port_set_name(port, BRIDGE_NAME);
    ovsrec_port_set_interfaces(port, &iface, 1);

    struct ovsrec_bridge *br = ovsrec_bridge_insert(txn);
    ovsrec_bridge_set_name(br, BRIDGE_NAME);
    ovsrec_bridge_set_ports(br, &port, 1);
    const struct smap ids = SMAP_CONST1(&ids, BRIDGE_OWNER_KEY, "true");
    ovsrec_bridge_set_external_ids(br, &ids);
    ovsrec_open_vswitch_update_bridges_addvalue(cfg, br);
    VLOG_INFO("%s: creating %s", h->name, BRIDGE_NAME);
    return br;
}

static bool
protocols_match(const struct ovsrec_bridge *br)
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
reconcile_bridge_settings(struct host *h, const struct ovsrec_bridge *br)
{
    if (!br->datapath_type || strcmp(br->datapath_type, h->datapath_type)) {
        ovsrec_bridge_set_datapath_type(br, h->datapath_type);
    }
    if (!br->fail_mode || strcmp(br->fail_mode, "secure")) {
        ovsrec_bridge_set_fail_mode(br, "secure");
    }
    if (!protocols_match(br)) {
        ovsrec_bridge_set_protocols(br, bridge_protocols,
                                    ARRAY_SIZE(bridge_protocols));
    }
}

/* Names br-int's OpenFlow tables after the pipeline stages (OVS Flow_Table
 * rows), so that ovs-ofctl and ofproto/trace can print "classify" or
 * "l2_lookup" instead of bare numbers.  Entries for other tables are kept. */
static void
reconcile_table_names(struct ovsdb_idl_txn *txn,
                      const struct ovsrec_bridge *br)
{
    int64_t keys[256];
    struct ovsrec_flow_table *values[256];
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
        struct ovsrec_flow_table *ft = NULL;
        for (size_t i = 0; i < br->n_flow_tables; i++) {
            if (br->key_flow_tables[i] == id) {
                ft = br->value_flow_tables[i];
            }
        }
        if (!ft || !ft->name || strcmp(ft->name, name)) {
            ft = ovsrec_flow_table_insert(txn);
            ovsrec_flow_table_set_name(ft, name);
            changed = true;
        }
        keys[n] = id;
        values[n++] = ft;
    }
    if (changed) {
        ovsrec_bridge_set_flow_tables(br, keys, values, n);
    }
}

static void
reconcile_controller(struct host *h, struct ovsdb_idl_txn *txn,
                     const struct ovsrec_bridge *br)
{
    bool have = false;
    for (size_t i = 0; i < br->n_controller; i++) {
        const struct ovsrec_controller *c = br->controller[i];
        if (!smap_get(&c->external_ids, CONTROLLER_OWNER_KEY)) {
            continue;           /* Not ours: leave it alone. */
        }
        if (h->controller_target && !have
            && !strcmp(c->target, h->controller_target)) {
            have = true;
        } else {
            ovsrec_bridge_update_controller_delvalue(br, c);
        }
    }
    if (h->controller_target && !have) {
        struct ovsrec_controller *c = ovsrec_controller_insert(txn);
        ovsrec_controller_set_target(c, h->controller_target);
        const struct smap ids = SMAP_CONST1(&ids, CONTROLLER_OWNER_KEY,
                                            "true");
        ovsrec_controller_set_external_ids(c, &ids);
        ovsrec_bridge_update_controller_addvalue(br, c);
    }
}

/* Makes 'iface', of a port weft owns, what 'w' wants. */
static void
reconcile_iface(const struct ovsrec_interface *iface,
                const struct wanted_iface *w)
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
    if (!wanted_iface_ids_match(w, &iface->external_ids)) {
        struct smap ids;
        wanted_iface_ids(w, &ids);
        ovsrec_interface_set_external_ids(iface, &ids);
        smap_destroy(&ids);
    }
}

static void
create_port(struct host *h, struct ovsdb_idl_txn *txn,
            const struct ovsrec_bridge *br, const char *name,
            const struct wanted_iface *w)
{
    struct smap ids;
    wanted_iface_ids(w, &ids);

    struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
    ovsrec_interface_set_name(iface, name);
    ovsrec_interface_set_type(iface, w->type);
    ovsrec_interface_set_options(iface, &w->options);
    ovsrec_interface_set_external_ids(iface, &ids);

    struct ovsrec_port *port = ovsrec_port_insert(txn);
    ovsrec_port_set_name(port, name);
    ovsrec_port_set_interfaces(port, &iface, 1);
    ovsrec_port_set_external_ids(port, &ids);
    ovsrec_bridge_update_ports_addvalue(br, port);
    smap_destroy(&ids);
    VLOG_INFO("%s: adding port %s%s%s", h->name, name,
              w->type[0] ? " type " : "", w->type);
}

/* Makes br-int's weft-owned ports exactly 'h->wanted': creates what is
 * missing, fixes what drifted (in place, so the ofport survives), deletes
 * what weft owns and no longer wants.  Ports without weft's mark are never
 * touched, and a wanted name that something else holds ('blocked') is not
 * created, so that one bad name cannot fail the transaction that creates
 * every other port of the host. */
static void
reconcile_ports(struct host *h, struct ovsdb_idl_txn *txn,
                const struct ovsrec_bridge *br)
{
    struct sset present = SSET_INITIALIZER(&present);

    for (size_t i = 0; i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];
        const char *owner = smap_get(&port->external_ids, OWNER_KEY);
        const struct wanted_iface *w = shash_find_data(&h->wanted,
                                                       port->name);
        sset_add(&present, port->name);
        if (!owner) {
            continue;           /* Not ours ('blocked' if wanted). */
        }
        if (!w) {
            VLOG_INFO("%s: removing stale port %s", h->name, port->name);
            ovsrec_bridge_update_ports_delvalue(br, port);
            continue;
        }
        if (port->n_interfaces != 1
            || strcmp(port->interfaces[0]->name, port->name)) {
            VLOG_INFO("%s: port %s has foreign interfaces, replacing them",
                      h->name, port->name);
            struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
            ovsrec_interface_set_name(iface, port->name);
            ovsrec_port_set_interfaces(port, &iface, 1);
            reconcile_iface(iface, w);
        } else {
            reconcile_iface(port->interfaces[0], w);
        }
        if (!wanted_iface_ids_match(w, &port->external_ids)) {
            struct smap ids;
            wanted_iface_ids(w, &ids);
            ovsrec_port_set_external_ids(port, &ids);
            smap_destroy(&ids);
        }
    }

    struct shash_node *node;
    SHASH_FOR_EACH (node, &h->wanted) {
        if (!sset_contains(&present, node->name)
            && !sset_contains(&h->blocked, node->name)) {
            create_port(h, txn, br, node->name, node->data);
        }
    }
    sset_destroy(&present);
}

/* Reads the ofports of the interfaces of br-int's weft-owned ports; returns
 * true if they changed.  A blocked name never gets created, so it does not
 * keep the host from being "resolved" (and every other port's wait from
 * completing). */
static bool
read_ofports(struct host *h, const struct ovsrec_bridge *br)
{
    struct simap ofports = SIMAP_INITIALIZER(&ofports);
    struct sset up = SSET_INITIALIZER(&up);
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
            sset_add(&seen, iface->name);
            if (!iface->n_ofport) {
                if (shash_find(&h->wanted, iface->name)) {
                    resolved = false;   /* vswitchd has not got to it yet. */
                }
            } else if (*iface->ofport > 0) {
                simap_put(&ofports, iface->name, *iface->ofport);
                if (iface->link_state && !strcmp(iface->link_state, "up")) {
                    sset_add(&up, iface->name);
                }
            }
        }
    }
    struct shash_node *node;
    SHASH_FOR_EACH (node, &h->wanted) {
        if (!sset_contains(&seen, node->name)
            && !sset_contains(&h->blocked, node->name)) {
            resolved = false;           /* Port not created yet. */
        }
    }
    sset_destroy(&seen);

    bool changed = !simap_equal(&ofports, &h->ofports);
    simap_swap(&ofports, &h->ofports);
    simap_destroy(&ofports);
    if (changed || !sset_equals(&up, &h->up)) {
        h->status_seqno++;
    }
    sset_swap(&up, &h->up);
    sset_destroy(&up);
    if (resolved != h->ports_resolved) {
        h->ports_resolved = resolved;
        changed = true;
    }
    return changed;
}

/* Adds to 'names' the name of every bridge, port and interface in the
 * host's database that weft does not own.  weft owns the ports that carry
 * its mark (on br-int) and their interfaces; br-int's own internal port has
 * no mark (and its name is reserved anyway). */
static void
collect_foreign_names(const struct host *h, struct sset *names)
{
    const struct ovsrec_bridge *br;
    OVSREC_BRIDGE_FOR_EACH (br, h->idl) {
        sset_add(names, br->name);
    }
    const struct ovsrec_port *port;
    OVSREC_PORT_FOR_EACH (port, h->idl) {
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
update_blocked(struct host *h)
{
    struct sset foreign = SSET_INITIALIZER(&foreign);
    collect_foreign_names(h, &foreign);

    struct sset blocked = SSET_INITIALIZER(&blocked);
    struct shash_node *node;
    SHASH_FOR_EACH (node, &h->wanted) {
        if (sset_contains(&foreign, node->name)) {
            sset_add(&blocked, node->name);
            if (!sset_contains(&h->blocked, node->name)) {
                VLOG_WARN("%s: interface name %s is held by a bridge, port "
                          "or interface weft does not own; not creating "
                          "it", h->name, node->name);
            }
        }
    }
    if (!sset_equals(&blocked, &h->blocked)) {
        sset_swap(&blocked, &h->blocked);
        h->status_seqno++;
    }
    sset_destroy(&blocked);
    sset_destroy(&foreign);
}

static void
host_run_ovsdb(struct host *h)
{
    struct ovsdb_idl_txn *txn = ovsdb_idl_loop_run(&h->idl_loop);
    unsigned int seqno = ovsdb_idl_get_seqno(h->idl);
    bool connected = ovsdb_idl_is_connected(h->idl);
    if (connected && !h->ovsdb_was_connected) {
        h->n_ovsdb_connects++;
    }
    h->ovsdb_was_connected = connected;
    const struct ovsrec_open_vswitch *cfg = ovsrec_open_vswitch_first(h->idl);
    const struct ovsrec_bridge *br = cfg ? find_bridge(cfg) : NULL;

    /* Read ofports before this run's changes: rows written in an open
     * transaction show uncommitted (and, for partial updates, stale)
     * contents. */
    if (seqno != h->blocked_seqno || h->reconcile) {
        update_blocked(h);
        h->blocked_seqno = seqno;
    }
    if (read_ofports(h, br)) {
        h->recompile = true;
    }

    if (seqno != h->idl_seqno || h->reconcile) {
        if (txn && cfg) {
            if (!br) {
                br = create_bridge(h, txn, cfg);
            }
            reconcile_bridge_settings(h, br);
            reconcile_table_names(txn, br);
            reconcile_controller(h, txn, br);
            reconcile_ports(h, txn, br);
            ovsdb_idl_txn_add_comment(txn, "weft: reconcile %s", h->name);
            h->idl_seqno = seqno;
            h->reconcile = false;
        } else if (!cfg && ovsdb_idl_has_ever_connected(h->idl)) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
            VLOG_WARN_RL(&rl, "%s: Open_vSwitch table is empty (run "
                         "\"ovs-vsctl init\" on the host)", h->name);
        }
    }
    ovsdb_idl_loop_commit_and_wait(&h->idl_loop);
}

/* ------------------------------------------------------------------ */
/* OpenFlow: read back, diff, bundle, barrier. */

static void
send_msg(struct host *h, struct ofpbuf *msg)
{
    int error = rconn_send(h->rconn, msg, NULL);
    if (error) {
        /* rconn_send() took ownership either way; the connection dropped
         * and the next connection starts over from a dump. */
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_DBG_RL(&rl, "%s: send failed (%s)", h->name,
                    ovs_strerror(error));
    }
}

static ovs_be32
msg_xid(const struct ofpbuf *msg)
{
    return ((const struct ofp_header *) msg->data)->xid;
}

/* Asks the switch for all of its flows, to learn what is installed. */
static void
start_dump(struct host *h)
{
    struct ofputil_flow_stats_request fsr = {
        .aggregate = false,
        .table_id = 0xff,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
    };
    match_init_catchall(&fsr.match);
    struct ofpbuf *msg = ofputil_encode_flow_stats_request(
        &fsr, ofputil_protocol_from_ofp_version(h->ofp_version));
    h->dump_xid = msg_xid(msg);
    flow_table_clear(&h->dumped);
    h->state = HOST_OF_DUMPING;
    h->inflight = false;
    h->n_dumps++;
    send_msg(h, msg);
}

static void
handle_flow_stats_reply(struct host *h, const struct ofp_header *oh)
{
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    for (;;) {
        struct ofputil_flow_stats fs;
        uint64_t stub[1024 / 8];
        struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
        int retval = ofputil_decode_flow_stats_reply(&fs, &b, false,
                                                     &ofpacts);
        if (!retval) {
            flow_table_add_stats(&h->dumped, &fs);
        }
        ofpbuf_uninit(&ofpacts);
        if (retval) {
            if (retval != EOF) {
                VLOG_WARN("%s: bad flow stats reply (%s), reading again",
                          h->name, ofperr_to_string(retval));
                start_dump(h);
                return;
            }
            break;
        }
    }
    if (!ofpmp_more(oh)) {
        flow_table_swap(&h->installed, &h->dumped);
        flow_table_clear(&h->dumped);
        VLOG_INFO("%s: switch holds %"PRIuSIZE" flows", h->name,
                  flow_table_count(&h->installed));
        h->state = HOST_OF_SYNCED;
        h->push_needed = true;
        schedule_verify(h);
    }
}

static void
handle_barrier_reply(struct host *h)
{
    h->inflight = false;
    if (h->inflight_failed) {
        h->next_push = time_msec() + 1000;
        /* We no longer know what the switch holds: read it again. */
        start_dump(h);
    } else if (h->inflight_complete && h->inflight_cfg > h->cur_cfg) {
        h->cur_cfg = h->inflight_cfg;
        h->last_latency_msec = time_msec() - h->inflight_cfg_msec;
    }
}

static void
handle_msg(struct host *h, const struct ofp_header *oh)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    enum ofptype type;
    if (ofptype_decode(&type, oh)) {
        return;
    }
    switch (type) {
    case OFPTYPE_ECHO_REQUEST:
        send_msg(h, ofputil_encode_echo_reply(oh));
        break;
    case OFPTYPE_FLOW_STATS_REPLY:
        if (h->state == HOST_OF_DUMPING && oh->xid == h->dump_xid) {
            handle_flow_stats_reply(h, oh);
        }
        break;
    case OFPTYPE_BARRIER_REPLY:
        if (h->inflight && oh->xid == h->barrier_xid) {
            handle_barrier_reply(h);
        }
        break;
    case OFPTYPE_ERROR: {
        enum ofperr error = ofperr_decode_msg(oh, NULL);
        VLOG_WARN_RL(&rl, "%s: switch reported error: %s", h->name,
                     ofperr_to_string(error));
        if (h->inflight) {
            h->inflight_failed = true;
        } else if (h->state == HOST_OF_DUMPING && oh->xid == h->dump_xid) {
            start_dump(h);
        }
        break;
    }
    default:
        break;
    }
}

static void
recompile(struct host *h)
{
    const struct topo_host *th = topology_find_host(h->topo, &h->uuid);
    if (!th) {
        return;
    }
    struct weft_flows compiled;
    weft_flows_init(&compiled);
    compile_host_flows(h->topo, th, &h->ofports, &compiled);

    struct flow_table fresh;
    flow_table_init(&fresh);
    flow_table_build(&fresh, &compiled, &h->desired, h->ofp_version);
    flow_table_swap(&fresh, &h->desired);
    flow_table_destroy(&fresh);
    weft_flows_destroy(&compiled);

    h->desired_cfg = h->nb_cfg;
    h->desired_cfg_msec = h->nb_cfg_msec;
    h->desired_complete = h->ports_resolved;
    h->recompile = false;
    h->push_needed = true;
}

/* Sends the difference between desired and installed as one bundle. */
static void
push_flows(struct host *h)
{
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    uint32_t bundle_id = h->next_bundle_id++;
    uint16_t flags = OFPBF_ATOMIC | OFPBF_ORDERED;
    size_t n = flow_table_sync(&h->installed, &h->desired, h->ofp_version,
                               bundle_id, flags, &msgs);
    if (h->verifying) {
        h->verifying = false;
        if (n) {
            VLOG_WARN("%s: %"PRIuSIZE" flows on the switch were changed "
                      "outside weft; repairing", h->name, n);
        }
    }
    if (!n) {
        if (h->desired_complete && h->desired_cfg > h->cur_cfg) {
            h->cur_cfg = h->desired_cfg;
            h->last_latency_msec = time_msec() - h->desired_cfg_msec;
        }
        return;
    }

    struct ofputil_bundle_ctrl_msg bc = {
        .bundle_id = bundle_id,
        .type = OFPBCT_OPEN_REQUEST,
        .flags = flags,
    };
    send_msg(h, ofputil_encode_bundle_ctrl_request(h->ofp_version, &bc));
    struct ofpbuf *msg;
    LIST_FOR_EACH_POP (msg, list_node, &msgs) {
        send_msg(h, msg);
    }
    bc.type = OFPBCT_COMMIT_REQUEST;
    send_msg(h, ofputil_encode_bundle_ctrl_request(h->ofp_version, &bc));
    struct ofpbuf *barrier = ofputil_encode_barrier_request(h->ofp_version);
    h->barrier_xid = msg_xid(barrier);
    send_msg(h, barrier);

    h->inflight = true;
    h->inflight_failed = false;
    h->inflight_cfg = h->desired_cfg;
    h->inflight_cfg_msec = h->desired_cfg_msec;
    h->inflight_complete = h->desired_complete;
    h->n_flow_mods += n;
    h->n_bundles++;
    VLOG_INFO("%s: bundle %"PRIu32": %"PRIuSIZE" flow_mods for nb_cfg "
              "%"PRId64, h->name, bundle_id, n, h->desired_cfg);
}

/* rconn waits at least 1 s before reconnecting, and 2 s, 4 s... after
 * that.  A restarted ovs-vswitchd is back well within that, and its flows
 * are gone until weftd reconnects, so for the first seconds after a drop
 * weftd retries every 100 ms itself; after that rconn's backoff rules, so
 * a host that is really down costs nothing. */
#define FAST_RECONNECT_MSEC 3000
#define FAST_RECONNECT_EVERY_MSEC 100

static void
kick_reconnect(struct host *h)
{
    long long int now = time_msec();
    if (h->disconnected_at == LLONG_MIN) {
        h->disconnected_at = now;
        h->next_kick = now + FAST_RECONNECT_EVERY_MSEC;
    }
    if (now - h->disconnected_at < FAST_RECONNECT_MSEC
        && now >= h->next_kick
        && !strcmp(rconn_get_state(h->rconn), "BACKOFF")) {
        rconn_connect(h->rconn, h->of_target, h->name);
        h->next_kick = now + FAST_RECONNECT_EVERY_MSEC;
    }
}

static void
host_run_openflow(struct host *h)
{
    rconn_run(h->rconn);

    if (!rconn_is_connected(h->rconn)) {
        h->state = HOST_OF_DISCONNECTED;
        h->inflight = false;
        kick_reconnect(h);
        return;
    }
    h->disconnected_at = LLONG_MIN;

    unsigned int seqno = rconn_get_connection_seqno(h->rconn);
    if (seqno != h->conn_seqno) {
        h->conn_seqno = seqno;
        h->n_of_connects++;
        int version = rconn_get_version(h->rconn);
        if (version != h->ofp_version) {
            /* Normalized text depends on the version: start afresh. */
            flow_table_clear(&h->desired);
            h->ofp_version = version;
        }
        h->recompile = true;
        start_dump(h);
    }

    for (int i = 0; i < 200; i++) {
        struct ofpbuf *msg = rconn_recv(h->rconn);
        if (!msg) {
            break;
        }
        handle_msg(h, msg->data);
        ofpbuf_delete(msg);
    }

    /* Until the host's database has been read, its ofports are unknown and
     * a compile would leave out every port's flows: a restarted weftd would
     * delete them and add them back a moment later, resetting counters. */
    if (!ovsdb_idl_has_ever_connected(h->idl)
        || !ovsrec_open_vswitch_first(h->idl)) {
        return;
    }

    if (h->topo && h->recompile) {
        recompile(h);
    }
    if (h->next_push && time_msec() >= h->next_push) {
        h->next_push = 0;
    }
    if (h->state == HOST_OF_SYNCED && !h->inflight
        && time_msec() >= h->next_verify) {
        h->verifying = true;
        start_dump(h);
    }
    if (h->state == HOST_OF_SYNCED && !h->inflight && h->topo
        && !h->next_push && h->push_needed) {
        h->push_needed = false;
        push_flows(h);
    }
}

void
host_run(struct host *h)
{
    host_run_ovsdb(h);
    host_run_openflow(h);

    unsigned int sig = hash_int(host_ovsdb_connected(h)
                                | host_openflow_connected(h) << 1
                                | h->state << 2,
                                hash_uint64(h->cur_cfg));
    if (sig != h->status_sig) {
        h->status_sig = sig;
        h->status_seqno++;
    }
}

unsigned int
host_status_seqno(const struct host *h)
{
    return h->status_seqno;
}

void
host_wait(struct host *h)
{
    ovsdb_idl_wait(h->idl);
    rconn_run_wait(h->rconn);
    rconn_recv_wait(h->rconn);
    if (h->disconnected_at != LLONG_MIN
        && time_msec() - h->disconnected_at < FAST_RECONNECT_MSEC) {
        poll_timer_wait_until(h->next_kick);
    }
    if (h->recompile && h->topo && rconn_is_connected(h->rconn)) {
        poll_immediate_wake();
    }
    if (h->state == HOST_OF_SYNCED && !h->inflight && h->next_push) {
        poll_timer_wait_until(h->next_push);
    }
    if (h->state == HOST_OF_SYNCED && !h->inflight
        && h->next_verify != LLONG_MAX) {
        poll_timer_wait_until(h->next_verify);
    }
}

void
host_force_resync(struct host *h)
{
    h->reconcile = true;
    h->recompile = true;
    if (rconn_is_connected(h->rconn)) {
        start_dump(h);
    }
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

bool
host_ovsdb_connected(const struct host *h)
{
    return ovsdb_idl_is_connected(h->idl)
           && ovsrec_open_vswitch_first(h->idl) != NULL;
}

bool
host_openflow_connected(const struct host *h)
{
    return rconn_is_connected(h->rconn);
}

int64_t
host_cur_cfg(const struct host *h)
{
    return h->cur_cfg;
}

enum host_of_state
host_of_state(const struct host *h)
{
    return h->state;
}

bool
host_iface_refused(const struct host *h, const char *iface)
{
    return sset_contains(&h->refused, iface)
           || sset_contains(&h->blocked, iface);
}

bool
host_iface_available(const struct host *h, const char *iface)
{
    struct sset foreign = SSET_INITIALIZER(&foreign);
    collect_foreign_names(h, &foreign);
    bool available = !sset_contains(&foreign, iface);
    sset_destroy(&foreign);
    return available;
}

int64_t
host_iface_ofport(const struct host *h, const char *iface, bool *up)
{
    if (host_iface_refused(h, iface)) {
        *up = false;
        return -1;
    }
    const struct simap_node *node = simap_find(&h->ofports, iface);
    *up = node && sset_contains(&h->up, iface);
    return node ? node->data : -1;
}

void
host_format_summary(const struct host *h, struct ds *s)
{
    ds_put_format(s, "%-12s ovsdb=%-12s openflow=%-13s desired=%-7"PRIuSIZE
                  " installed=%-7"PRIuSIZE" cur_cfg=%-5"PRId64
                  " nb_cfg=%-5"PRId64" flow_mods=%"PRIu64" bundles=%"PRIu64
                  " dumps=%"PRIu64"\n",
                  h->name,
                  host_ovsdb_connected(h) ? "connected" : "disconnected",
                  host_of_state_name(h->state),
                  flow_table_count(&h->desired),
                  h->state == HOST_OF_SYNCED
                  ? flow_table_count(&h->installed) : 0,
                  h->cur_cfg, h->nb_cfg, h->n_flow_mods, h->n_bundles,
                  h->n_dumps);
}

void
host_format_flows(const struct host *h, bool installed, struct ds *s)
{
    flow_table_format(installed ? &h->installed : &h->desired, s);
}

void
host_format_flows_by_cookie(const struct host *h, uint64_t cookie,
                            uint64_t mask, bool installed, struct ds *out)
{
    if (!installed) {
        flow_table_format_cookie(&h->desired, cookie, mask, out);
    } else if (h->state == HOST_OF_SYNCED) {
        flow_table_format_cookie(&h->installed, cookie, mask, out);
    }
}

void
host_get_stats(const struct host *h, struct host_stats *stats)
{
    stats->ovsdb_connected = host_ovsdb_connected(h);
    stats->openflow_connected = host_openflow_connected(h);
    stats->state = h->state;
    stats->n_desired = flow_table_count(&h->desired);
    stats->n_installed = (h->state == HOST_OF_SYNCED
                          ? flow_table_count(&h->installed) : 0);
    stats->n_flow_mods = h->n_flow_mods;
    stats->n_bundles = h->n_bundles;
    stats->n_dumps = h->n_dumps;
    stats->n_ovsdb_reconnects = (h->n_ovsdb_connects
                                 ? h->n_ovsdb_connects - 1 : 0);
    stats->n_openflow_reconnects = (h->n_of_connects
                                    ? h->n_of_connects - 1 : 0);
    stats->nb_cfg = h->nb_cfg;
    stats->cur_cfg = h->cur_cfg;
    stats->last_latency_msec = h->last_latency_msec;
}
