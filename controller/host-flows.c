/* host-flows: one host's compiled flows, kept by owner.  See host-flows.h
 * for what a change recompiles.
 *
 * Pipeline place: compile, for one host.  Owners are held as
 *
 *   'defaults'   the host's table-miss flows;
 *   'nets'       one 'struct hf_net' per network present on the host (with
 *                a port here): the network owner's flows and the list of
 *                its ports' entries;
 *   'ports'      one 'struct hf_port' per port of those networks, local or
 *                remote, in its network's list and indexed by port UUID;
 *   'routers'    one 'struct hf_router' per router the host serves.
 *
 * A network "present" here is one the host serves (pipeline.h): one with a
 * port here, or one of a router of such a network.
 *
 * so that dropping a network that left the host costs its own owners only,
 * and a port found by UUID knows the network it was compiled under (a port
 * that moved to another network must leave the old one's list).
 *
 * Which owners a change makes pending is decided in host-flows-note.c; this
 * file compiles them (host_flows_update()) and reads the result back. */
#include <config.h>

#include "host-flows.h"

#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "flow-state.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-actions.h"
#include "sset.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"
#include "validate.h"

/* A network present on the host, with the flows of its network owner. */
struct hf_net {
    struct hmap_node node;      /* In host_flows 'nets', by uuid_hash(). */
    struct uuid uuid;
    uint32_t sig;               /* net_sig() it was compiled with. */
    struct weft_flows flows;
    struct ovs_list ports;      /* "struct hf_port"s, via 'net_node'. */
};

/* A port of a present network, with its owner's flows. */
struct hf_port {
    struct hmap_node node;      /* In host_flows 'ports', by uuid_hash(). */
    struct ovs_list net_node;   /* In 'net''s 'ports'. */
    struct uuid uuid;
    struct hf_net *net;
    struct weft_flows flows;
};

/* A router served here, with its owner's flows. */
struct hf_router {
    struct hmap_node node;      /* In host_flows 'routers', by uuid_hash(). */
    struct uuid uuid;
    uint32_t sig;               /* router_sig() it was compiled with. */
    uint32_t hosts_sig;         /* router_hosts_sig() when last looked at. */
    struct weft_flows flows;
};

/* What of a network's own row its owners' flows on every host depend on:
 * a change here recompiles all of them.  On 'self': whether the network
 * has a port here (else it is only served through its router) and whether
 * it has a router (its ports' L3_NEIGHBOR entries). */
static uint32_t
net_sig(const struct topo_network *net, const struct topo_host *self)
{
    uint32_t hash = hash_int(net->type, 0);
    hash = hash_int(net->segment_id, hash);
    hash = hash_int(net->key, hash);
    hash = hash_boolean(topo_network_find_host(net, self) != NULL, hash);
    hash = hash_boolean(net->router_port != NULL, hash);
    return hash_int(net->tenant ? net->tenant->key : 0, hash);
}

/* What a router owner's flows on 'self' depend on (compile-router.c,
 * compile-nat.c). */
static uint32_t
router_sig(const struct topo_router *r, const struct topo_host *self)
{
    uint32_t hash = hash_int(r->key, r->tenant ? r->tenant->key : 0);
    hash = hash_boolean(r->snat, hash);
    hash = hash_boolean(compile_router_nat_needed(self, r), hash);
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, r) {
        const struct topo_network *net = rp->network;
        hash = hash_int(net->key, hash);
        hash = hash_bytes(&net->subnet, sizeof net->subnet, hash);
        hash = hash_bytes(&rp->mac, sizeof rp->mac, hash);
    }
    return hash_bytes(r->routes, r->n_routes * sizeof *r->routes, hash);
}

/* Which hosts have a port in which network of 'r': what the remote ingress
 * of its networks, and which networks a host serves, depend on.  A sum, so
 * that the order of the indexes does not matter. */
static uint32_t
router_hosts_sig(const struct topo_router *r)
{
    uint32_t sum = 0;
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, r) {
        const struct topo_net_host *nh;
        TOPO_NETWORK_FOR_EACH_HOST (nh, rp->network) {
            sum += hash_2words(uuid_hash(&rp->network->uuid),
                               uuid_hash(&nh->host->uuid));
        }
    }
    return sum;
}

struct hf_net *
hf_net_find(const struct host_flows *hf, const struct uuid *uuid)
{
    struct hf_net *g;
    HMAP_FOR_EACH_WITH_HASH (g, node, uuid_hash(uuid), &hf->nets) {
        if (uuid_equals(&g->uuid, uuid)) {
            return g;
        }
    }
    return NULL;
}

struct hf_router *
hf_router_find(const struct host_flows *hf, const struct uuid *uuid)
{
    struct hf_router *r;
    HMAP_FOR_EACH_WITH_HASH (r, node, uuid_hash(uuid), &hf->routers) {
        if (uuid_equals(&r->uuid, uuid)) {
            return r;
        }
    }
    return NULL;
}

struct hf_port *
hf_port_find(const struct host_flows *hf, const struct uuid *uuid)
{
    struct hf_port *p;
    HMAP_FOR_EACH_WITH_HASH (p, node, uuid_hash(uuid), &hf->ports) {
        if (uuid_equals(&p->uuid, uuid)) {
            return p;
        }
    }
    return NULL;
}

/* Returns the flow of 'flows' with the key of 'f', or NULL. */
static const struct weft_flow *
flows_find(const struct weft_flows *flows, const struct weft_flow *f)
{
    const struct weft_flow *g;
    HMAP_FOR_EACH_WITH_HASH (g, node, f->node.hash, &flows->flows) {
        if (g->table_id == f->table_id && g->priority == f->priority
            && minimatch_equal(&g->match, &f->match)) {
            return g;
        }
    }
    return NULL;
}

/* Tells the host's flow table (if any) that an owner's flows went from
 * 'old' to 'new' (NULL: none): only the flows that differ are touched, so a
 * change costs O(the owner's flows), not O(the host's). */
static void
sink_diff(struct host_flows *hf, const struct weft_flows *old,
          const struct weft_flows *new)
{
    if (!hf->sink) {
        return;
    }
    const struct weft_flow *f;
    HMAP_FOR_EACH (f, node, &old->flows) {
        if (!new || !flows_find(new, f)) {
            flow_state_clear_desired(hf->sink, f);
        }
    }
    if (new) {
        HMAP_FOR_EACH (f, node, &new->flows) {
            const struct weft_flow *was = flows_find(old, f);
            if (!was || !weft_flow_value_equal(was, f)) {
                flow_state_set_desired(hf->sink, f);
            }
        }
    }
}

static void
hf_port_remove(struct host_flows *hf, struct hf_port *p)
{
    sink_diff(hf, &p->flows, NULL);
    hmap_remove(&hf->ports, &p->node);
    ovs_list_remove(&p->net_node);
    weft_flows_destroy(&p->flows);
    free(p);
}

static void
hf_net_remove(struct host_flows *hf, struct hf_net *g)
{
    struct hf_port *p;
    LIST_FOR_EACH_SAFE (p, net_node, &g->ports) {
        hf_port_remove(hf, p);
    }
    /* Not counted as owner compiles: host_flows_clear() uses it too. */
    hmap_remove(&hf->nets, &g->node);
    sink_diff(hf, &g->flows, NULL);
    weft_flows_destroy(&g->flows);
    free(g);
}

static void
hf_router_remove(struct host_flows *hf, struct hf_router *r)
{
    sink_diff(hf, &r->flows, NULL);
    hmap_remove(&hf->routers, &r->node);
    weft_flows_destroy(&r->flows);
    free(r);
}

static void
host_flows_clear(struct host_flows *hf)
{
    struct hf_net *g;
    HMAP_FOR_EACH_SAFE (g, node, &hf->nets) {
        hf_net_remove(hf, g);
    }
    struct hf_router *r;
    HMAP_FOR_EACH_SAFE (r, node, &hf->routers) {
        hf_router_remove(hf, r);
    }
    sink_diff(hf, &hf->defaults, NULL);
    weft_flows_clear(&hf->defaults);
    sink_diff(hf, &hf->external, NULL);
    weft_flows_clear(&hf->external);
    hf_services_clear(hf);
    hf_sgs_clear(hf);
}

void
host_flows_init(struct host_flows *hf)
{
    memset(hf, 0, sizeof *hf);
    weft_flows_init(&hf->defaults);
    weft_flows_init(&hf->external);
    hmap_init(&hf->nets);
    hmap_init(&hf->ports);
    hmap_init(&hf->routers);
    simap_init(&hf->ofports);
    uuidset_init(&hf->pending_nets);
    uuidset_init(&hf->pending_ports);
    uuidset_init(&hf->pending_routers);
    hf_services_init(hf);
    hf_sgs_init(hf);
}

void
host_flows_destroy(struct host_flows *hf)
{
    host_flows_clear(hf);
    weft_flows_destroy(&hf->defaults);
    weft_flows_destroy(&hf->external);
    hmap_destroy(&hf->nets);
    hmap_destroy(&hf->ports);
    hmap_destroy(&hf->routers);
    simap_destroy(&hf->ofports);
    uuidset_destroy(&hf->pending_nets);
    uuidset_destroy(&hf->pending_ports);
    uuidset_destroy(&hf->pending_routers);
    hf_services_destroy(hf);
    hf_sgs_destroy(hf);
}

/* Moves into 'fresh' each flow of 'old' that 'fresh' holds unchanged (same
 * key, cookie and actions), in place of the new copy, which is dropped: the
 * host's flow table keeps referring to the flow it has, so each flow exists
 * once (flow-state.h), and the table sees no change for it. */
static void
keep_unchanged(struct weft_flows *old, struct weft_flows *fresh)
{
    struct weft_flow *f;
    HMAP_FOR_EACH_SAFE (f, node, &fresh->flows) {
        struct weft_flow *was = CONST_CAST(struct weft_flow *,
                                           flows_find(old, f));
        if (was && weft_flow_value_equal(was, f)) {
            hmap_remove(&old->flows, &was->node);
            hmap_replace(&fresh->flows, &f->node, &was->node);
            weft_flow_unref(f);
        }
    }
}

/* Replaces 'flows' by those of owner (KIND, UUID). */
static void
compile_one(struct host_flows *hf, const struct topology *topo,
            const struct topo_host *self, const struct simap *ofports,
            enum weft_owner_kind kind, const struct uuid *uuid,
            struct weft_flows *flows)
{
    struct weft_owner owner = { .kind = kind, .uuid = *uuid };
    struct weft_flows fresh;
    weft_flows_init(&fresh);
    compile_owner_flows(topo, self, ofports, &owner, &fresh);
    keep_unchanged(flows, &fresh);
    sink_diff(hf, flows, &fresh);
    hmap_swap(&flows->flows, &fresh.flows);
    weft_flows_destroy(&fresh);
    hf->n_owner_compiles++;
}

void
host_flows_compile_owner(struct host_flows *hf, const struct topology *topo,
                         const struct topo_host *self,
                         const struct simap *ofports,
                         enum weft_owner_kind kind, const struct uuid *uuid,
                         struct weft_flows *flows)
{
    compile_one(hf, topo, self, ofports, kind, uuid, flows);
}

void
host_flows_drop_owner(struct host_flows *hf, struct weft_flows *flows)
{
    sink_diff(hf, flows, NULL);
    weft_flows_clear(flows);
}

/* Compiles 'port' into network entry 'g', moving its entry there if it was
 * kept under another network. */
static void
update_port_in(struct host_flows *hf, const struct topology *topo,
               const struct topo_host *self, const struct simap *ofports,
               struct hf_net *g, const struct topo_port *port)
{
    struct hf_port *p = hf_port_find(hf, &port->uuid);
    if (p && p->net != g) {
        hf_port_remove(hf, p);
        p = NULL;
    }
    if (!p) {
        p = xzalloc(sizeof *p);
        p->uuid = port->uuid;
        p->net = g;
        weft_flows_init(&p->flows);
        hmap_insert(&hf->ports, &p->node, uuid_hash(&p->uuid));
        ovs_list_push_back(&g->ports, &p->net_node);
    }
    compile_one(hf, topo, self, ofports, WEFT_OWNER_PORT, &port->uuid,
                &p->flows);
}

/* Compiles every owner of network 'net', served here, into a fresh entry;
 * adds its ports to 'done'. */
static void
add_net(struct host_flows *hf, const struct topology *topo,
        const struct topo_host *self, const struct simap *ofports,
        const struct topo_network *net, struct uuidset *done)
{
    struct hf_net *g = xzalloc(sizeof *g);
    g->uuid = net->uuid;
    g->sig = net_sig(net, self);
    weft_flows_init(&g->flows);
    ovs_list_init(&g->ports);
    hmap_insert(&hf->nets, &g->node, uuid_hash(&g->uuid));

    compile_one(hf, topo, self, ofports, WEFT_OWNER_NETWORK, &net->uuid,
                &g->flows);
    const struct topo_port *port;
    TOPO_NETWORK_FOR_EACH_PORT (port, net) {
        update_port_in(hf, topo, self, ofports, g, port);
        if (done) {
            uuidset_insert(done, &port->uuid);
        }
    }
}

/* Network 'uuid' is pending: drop it, add it whole, or recompile its
 * network owner (see host-flows.h). */
static void
update_net(struct host_flows *hf, const struct topology *topo,
           const struct topo_host *self, const struct simap *ofports,
           const struct uuid *uuid, struct uuidset *done)
{
    const struct topo_network *net = topology_find_network(topo, uuid);
    bool served = net && compile_host_serves_network(self, net);
    struct hf_net *g = hf_net_find(hf, uuid);

    if (g && (!served || g->sig != net_sig(net, self))) {
        if (!served) {
            /* Its owners are recomputed, to no flows. */
            hf->n_owner_compiles += 1 + ovs_list_size(&g->ports);
        }
        hf_net_remove(hf, g);
        g = NULL;
    }
    if (!served) {
        return;
    } else if (!g) {
        add_net(hf, topo, self, ofports, net, done);
    } else {
        compile_one(hf, topo, self, ofports, WEFT_OWNER_NETWORK, uuid,
                    &g->flows);
    }
}

/* Port 'uuid' is pending: recompile its owner, or drop it. */
static void
update_port(struct host_flows *hf, const struct topology *topo,
            const struct topo_host *self, const struct simap *ofports,
            const struct uuid *uuid, struct uuidset *done)
{
    if (uuidset_contains(done, uuid)) {
        return;                 /* Compiled with its network just now. */
    }
    const struct topo_port *port = topology_find_port(topo, uuid);
    if (!port || !port->network
        || !compile_host_serves_network(self, port->network)) {
        struct hf_port *p = hf_port_find(hf, uuid);
        if (p) {
            hf_port_remove(hf, p);
            hf->n_owner_compiles++;     /* Recomputed: it has none here. */
        }
        return;
    }
    struct hf_net *g = hf_net_find(hf, &port->network->uuid);
    if (!g) {
        /* Its network is here but was not noted: compile it whole. */
        add_net(hf, topo, self, ofports, port->network, done);
    } else {
        update_port_in(hf, topo, self, ofports, g, port);
    }
}

static struct hf_router *
add_router(struct host_flows *hf, const struct topology *topo,
           const struct topo_host *self, const struct simap *ofports,
           const struct topo_router *r)
{
    struct hf_router *hr = xzalloc(sizeof *hr);
    hr->uuid = r->uuid;
    hr->sig = router_sig(r, self);
    hr->hosts_sig = router_hosts_sig(r);
    weft_flows_init(&hr->flows);
    hmap_insert(&hf->routers, &hr->node, uuid_hash(&hr->uuid));
    compile_one(hf, topo, self, ofports, WEFT_OWNER_ROUTER, &r->uuid,
                &hr->flows);
    return hr;
}

/* Router 'uuid' is pending (see host-flows.h): drop it, add it, or
 * recompile its owner if its inputs changed; notes its networks if the
 * hosts it serves changed.  Runs before the networks' updates. */
static void
update_router(struct host_flows *hf, const struct topology *topo,
              const struct topo_host *self, const struct simap *ofports,
              const struct uuid *uuid)
{
    const struct topo_router *r = topology_find_router(topo, uuid);
    struct hf_router *hr = hf_router_find(hf, uuid);
    bool served = r && compile_host_serves_router(self, r);
    if (!served) {
        if (hr) {
            hf_router_remove(hf, hr);
            hf->n_owner_compiles++;     /* Recomputed: none here. */
        }
        if (!r) {
            return;     /* Its networks were detached: in the changes. */
        }
        /* Its networks are no longer served through it: noted below. */
    } else if (!hr) {
        add_router(hf, topo, self, ofports, r);
    } else {
        if (hr->sig != router_sig(r, self)) {
            hr->sig = router_sig(r, self);
            hf_services_note_router(hf, r);
            compile_one(hf, topo, self, ofports, WEFT_OWNER_ROUTER, uuid,
                        &hr->flows);
        }
        uint32_t hosts_sig = router_hosts_sig(r);
        if (hr->hosts_sig == hosts_sig) {
            return;
        }
        hr->hosts_sig = hosts_sig;
    }
    hf_services_note_router(hf, r);
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, r) {
        uuidset_insert(&hf->pending_nets, &rp->network->uuid);
    }
}

/* Every owner of the host, from scratch. */
static void
update_full(struct host_flows *hf, const struct topology *topo,
            const struct topo_host *self, const struct simap *ofports)
{
    host_flows_clear(hf);
    uint64_t n_owner_compiles = hf->n_owner_compiles;

    compile_one(hf, topo, self, ofports, WEFT_OWNER_HOST, &self->uuid,
                &hf->defaults);
    compile_one(hf, topo, self, ofports, WEFT_OWNER_EXTERNAL, &self->uuid,
                &hf->external);
    /* The networks it serves (their ports come with them) and routers. */
    struct weft_owner_list owners = WEFT_OWNER_LIST_INITIALIZER;
    compile_host_owners(topo, self, &owners);
    for (size_t i = 0; i < owners.n; i++) {
        const struct weft_owner *o = &owners.owners[i];
        if (o->kind == WEFT_OWNER_NETWORK) {
            add_net(hf, topo, self, ofports,
                    topology_find_network(topo, &o->uuid), NULL);
        } else if (o->kind == WEFT_OWNER_ROUTER) {
            add_router(hf, topo, self, ofports,
                       topology_find_router(topo, &o->uuid));
        }
    }
    weft_owner_list_destroy(&owners);
    hf_services_update(hf, topo, self, ofports, true);
    hf_sgs_update(hf, topo, self, ofports, true);
    hf->n_owner_compiles = n_owner_compiles;    /* Counted as one. */
    hf->n_full_compiles++;
}

bool
host_flows_update(struct host_flows *hf, const struct topology *topo,
                  const struct topo_host *self, const struct simap *ofports,
                  struct flow_state *table)
{
    bool full = hf->pending_full || !hf->valid;
    hf->sink = table;
    if (!self) {
        host_flows_clear(hf);
    } else if (full) {
        update_full(hf, topo, self, ofports);
    } else {
        struct uuidset done = UUIDSET_INITIALIZER(&done);
        const struct uuidset_node *un;
        UUIDSET_FOR_EACH (un, &hf->pending_routers) {
            update_router(hf, topo, self, ofports, &un->uuid);
        }
        UUIDSET_FOR_EACH (un, &hf->pending_nets) {
            update_net(hf, topo, self, ofports, &un->uuid, &done);
        }
        UUIDSET_FOR_EACH (un, &hf->pending_ports) {
            update_port(hf, topo, self, ofports, &un->uuid, &done);
        }
        uuidset_destroy(&done);
        hf_services_update(hf, topo, self, ofports, false);
        hf_sgs_update(hf, topo, self, ofports, false);
        if (hf->pending_external) {
            compile_one(hf, topo, self, ofports, WEFT_OWNER_EXTERNAL,
                        &self->uuid, &hf->external);
        }
    }

    simap_clear(&hf->ofports);
    const struct simap_node *node;
    SIMAP_FOR_EACH (node, ofports) {
        simap_put(&hf->ofports, node->name, node->data);
    }
    hf->pending_full = false;
    hf->pending_external = false;
    hf->valid = true;
    uuidset_clear(&hf->pending_nets);
    uuidset_clear(&hf->pending_ports);
    uuidset_clear(&hf->pending_routers);
    uuidset_clear(&hf->pending_services);
    uuidset_clear(&hf->pending_sgs);
    hf->sink = NULL;
    return full;
}

/* Adds the flows of 'src' to 'dst'. */
static void
flows_append(struct weft_flows *dst, const struct weft_flows *src)
{
    const struct weft_flow *f;
    HMAP_FOR_EACH (f, node, &src->flows) {
        weft_flows_add_copy(dst, f);
    }
}

void
host_flows_collect(const struct host_flows *hf, struct weft_flows *out)
{
    flows_append(out, &hf->defaults);
    flows_append(out, &hf->external);
    const struct hf_net *g;
    HMAP_FOR_EACH (g, node, &hf->nets) {
        flows_append(out, &g->flows);
    }
    const struct hf_port *p;
    HMAP_FOR_EACH (p, node, &hf->ports) {
        flows_append(out, &p->flows);
    }
    const struct hf_router *r;
    HMAP_FOR_EACH (r, node, &hf->routers) {
        flows_append(out, &r->flows);
    }
    hf_services_collect(hf, out);
    hf_sgs_collect(hf, out);
}

size_t
host_flows_count(const struct host_flows *hf)
{
    size_t n = weft_flows_count(&hf->defaults)
               + weft_flows_count(&hf->external);
    const struct hf_net *g;
    HMAP_FOR_EACH (g, node, &hf->nets) {
        n += weft_flows_count(&g->flows);
    }
    const struct hf_port *p;
    HMAP_FOR_EACH (p, node, &hf->ports) {
        n += weft_flows_count(&p->flows);
    }
    const struct hf_router *r;
    HMAP_FOR_EACH (r, node, &hf->routers) {
        n += weft_flows_count(&r->flows);
    }
    return n + hf_services_count(hf) + hf_sgs_count(hf);
}

/* Appends to 'diff' the lines of 'a' that 'b' lacks, prefixed by 'sign'. */
static void
lines_missing(const struct ds *a, const struct ds *b, char sign,
              struct ds *diff)
{
    struct sset lines_a, lines_b;
    sset_from_delimited_string(&lines_a, ds_cstr_ro(a), "\n");
    sset_from_delimited_string(&lines_b, ds_cstr_ro(b), "\n");
    const char *line;
    SSET_FOR_EACH (line, &lines_a) {
        if (!sset_contains(&lines_b, line)) {
            ds_put_format(diff, "%c%s\n", sign, line);
        }
    }
    sset_destroy(&lines_a);
    sset_destroy(&lines_b);
}

bool
host_flows_check(const struct host_flows *hf, const struct topology *topo,
                 const struct topo_host *self, const struct simap *ofports,
                 struct ds *diff)
{
    struct weft_flows kept, full;
    weft_flows_init(&kept);
    weft_flows_init(&full);
    host_flows_collect(hf, &kept);
    if (self) {
        compile_host_flows(topo, self, ofports, &full);
    }

    struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
    weft_flows_format(&kept, &a);
    weft_flows_format(&full, &b);
    bool equal = !strcmp(ds_cstr(&a), ds_cstr(&b));
    if (!equal) {
        lines_missing(&a, &b, '-', diff);
        lines_missing(&b, &a, '+', diff);
    }
    ds_destroy(&a);
    ds_destroy(&b);
    weft_flows_destroy(&kept);
    weft_flows_destroy(&full);
    return equal;
}
