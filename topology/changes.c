/* changes: what one update of the desired state changed.  See changes.h. */
#include <config.h>

#include "changes.h"

#include <string.h>

#include "hmapx.h"
#include "sset.h"
#include "topology.h"
#include "util.h"

void
topo_changes_init(struct topo_changes *c)
{
    c->all = false;
    uuidset_init(&c->hosts);
    uuidset_init(&c->tenants);
    uuidset_init(&c->networks);
    uuidset_init(&c->ports);
    uuidset_init(&c->port_hosts);
    uuidset_init(&c->routers);
    uuidset_init(&c->pools);
    uuidset_init(&c->fips);
    uuidset_init(&c->services);
    uuidset_init(&c->sgs);
}

void
topo_changes_destroy(struct topo_changes *c)
{
    uuidset_destroy(&c->hosts);
    uuidset_destroy(&c->tenants);
    uuidset_destroy(&c->networks);
    uuidset_destroy(&c->ports);
    uuidset_destroy(&c->port_hosts);
    uuidset_destroy(&c->routers);
    uuidset_destroy(&c->pools);
    uuidset_destroy(&c->fips);
    uuidset_destroy(&c->services);
    uuidset_destroy(&c->sgs);
}

void
topo_changes_clear(struct topo_changes *c)
{
    c->all = false;
    uuidset_clear(&c->hosts);
    uuidset_clear(&c->tenants);
    uuidset_clear(&c->networks);
    uuidset_clear(&c->ports);
    uuidset_clear(&c->port_hosts);
    uuidset_clear(&c->routers);
    uuidset_clear(&c->pools);
    uuidset_clear(&c->fips);
    uuidset_clear(&c->services);
    uuidset_clear(&c->sgs);
}

bool
topo_changes_is_empty(const struct topo_changes *c)
{
    return !c->all
           && uuidset_is_empty(&c->hosts) && uuidset_is_empty(&c->tenants)
           && uuidset_is_empty(&c->networks) && uuidset_is_empty(&c->ports)
           && uuidset_is_empty(&c->port_hosts)
           && uuidset_is_empty(&c->routers)
           && uuidset_is_empty(&c->pools) && uuidset_is_empty(&c->fips)
           && uuidset_is_empty(&c->services)
           && uuidset_is_empty(&c->sgs);
}

static void
uuidset_union__(struct uuidset *dst, const struct uuidset *src)
{
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, src) {
        uuidset_insert(dst, &node->uuid);
    }
}

void
topo_changes_merge(struct topo_changes *dst, const struct topo_changes *src)
{
    dst->all = dst->all || src->all;
    uuidset_union__(&dst->hosts, &src->hosts);
    uuidset_union__(&dst->tenants, &src->tenants);
    uuidset_union__(&dst->networks, &src->networks);
    uuidset_union__(&dst->ports, &src->ports);
    uuidset_union__(&dst->port_hosts, &src->port_hosts);
    uuidset_union__(&dst->routers, &src->routers);
    uuidset_union__(&dst->pools, &src->pools);
    uuidset_union__(&dst->fips, &src->fips);
    uuidset_union__(&dst->services, &src->services);
    uuidset_union__(&dst->sgs, &src->sgs);
}

static void
add_network_hosts__(const struct topo_network *net, struct uuidset *hosts)
{
    const struct topo_net_host *nh;
    TOPO_NETWORK_FOR_EACH_HOST (nh, net) {
        uuidset_insert(hosts, &nh->host->uuid);
    }
}

/* The hosts that serve 'router' (ofproto/pipeline.h): those with a port in
 * any of its networks. */
static void
add_router_hosts__(const struct topo_router *router, struct uuidset *hosts)
{
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, router) {
        add_network_hosts__(rp->network, hosts);
    }
}

/* The hosts that serve 'net': its own, and if it has a router, the
 * router's. */
static void
add_serving_hosts__(const struct topo_network *net, struct uuidset *hosts)
{
    if (net->router_port) {
        add_router_hosts__(net->router_port->router, hosts);
    } else {
        add_network_hosts__(net, hosts);
    }
}

/* The hosts of 'sg''s members. */
static void
add_sg_hosts__(const struct topo_sg *sg, struct uuidset *hosts)
{
    struct hmapx_node *node;
    TOPO_SG_FOR_EACH_MEMBER (node, sg) {
        const struct topo_port *port = node->data;
        if (port->host) {
            uuidset_insert(hosts, &port->host->uuid);
        }
    }
}

/* The hosts of the members of the groups whose rules name 'sg' as their
 * remote (their rows hold its members' addresses): O(the tenant's
 * rules). */
static void
add_sg_referrer_hosts__(const struct topo_sg *sg, struct uuidset *hosts)
{
    const struct topo_sg *other;
    TOPO_TENANT_FOR_EACH_SG (other, sg->tenant) {
        for (size_t i = 0; i < other->n_rules; i++) {
            if (other->rules[i].remote_group == sg) {
                add_sg_hosts__(other, hosts);
                break;
            }
        }
    }
}

void
topo_changes_hosts(const struct topology *topo,
                   const struct topo_changes *changes, struct uuidset *hosts)
{
    if (changes->all) {
        const struct topo_host *h;
        TOPOLOGY_FOR_EACH_HOST (h, topo) {
            uuidset_insert(hosts, &h->uuid);
        }
        return;
    }

    /* A changed tenant's networks are in 'networks' already (its key is in
     * their cookies), and so is every network a changed port was or is on:
     * the hosts that hold a port of theirs now. */
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, &changes->networks) {
        const struct topo_network *net = topology_find_network(topo,
                                                               &node->uuid);
        if (net) {
            add_serving_hosts__(net, hosts);
        }
    }
    /* A router's flows are on every host that serves it now; those that
     * served it through a network it left have that network in
     * 'networks'. */
    UUIDSET_FOR_EACH (node, &changes->routers) {
        const struct topo_router *r = topology_find_router(topo, &node->uuid);
        if (r) {
            add_router_hosts__(r, hosts);
        }
    }
    /* A host that lost its last port of a network is no longer in the
     * network's index: the changed ports' old hosts are here.  So are the
     * old and new hosts of a floating IP assigned, moved or unassigned
     * (its rows are its port's, on the port's host only). */
    uuidset_union__(hosts, &changes->port_hosts);
    /* A floating IP changed in place (its address) while assigned: its
     * port's host.  Pools have no flows. */
    UUIDSET_FOR_EACH (node, &changes->fips) {
        const struct topo_fip *fip = topology_find_fip(topo, &node->uuid);
        if (fip && fip->port && fip->port->host) {
            uuidset_insert(hosts, &fip->port->host->uuid);
        }
    }
    /* A service's flows are on every host that serves its router.  A
     * deleted one's router is unknown here: every host looks (those that
     * held none of its flows find nothing to do). */
    UUIDSET_FOR_EACH (node, &changes->services) {
        const struct topo_service *svc = topology_find_service(topo,
                                                               &node->uuid);
        if (svc && svc->router) {
            add_router_hosts__(svc->router, hosts);
        } else {
            const struct topo_host *h;
            TOPOLOGY_FOR_EACH_HOST (h, topo) {
                uuidset_insert(hosts, &h->uuid);
            }
        }
    }
    /* A group's rows are on the hosts of its members (a member that left
     * has its old host in 'port_hosts'), and its members' addresses in the
     * rows of the groups that name it as remote.  A deleted one: every host
     * looks, as for a service. */
    UUIDSET_FOR_EACH (node, &changes->sgs) {
        const struct topo_sg *sg = topology_find_sg(topo, &node->uuid);
        if (sg) {
            add_sg_hosts__(sg, hosts);
            add_sg_referrer_hosts__(sg, hosts);
        } else {
            const struct topo_host *h;
            TOPOLOGY_FOR_EACH_HOST (h, topo) {
                uuidset_insert(hosts, &h->uuid);
            }
        }
    }
    /* A changed member (its addresses): the groups naming its groups. */
    UUIDSET_FOR_EACH (node, &changes->ports) {
        const struct topo_port *port = topology_find_port(topo, &node->uuid);
        for (size_t i = 0; port && i < port->n_sgs; i++) {
            add_sg_referrer_hosts__(port->sgs[i], hosts);
        }
    }
    UUIDSET_FOR_EACH (node, &changes->hosts) {
        uuidset_insert(hosts, &node->uuid);
        const struct topo_host *h = topology_find_host(topo, &node->uuid);
        if (h) {
            const struct topo_net_host *nh;
            TOPO_HOST_FOR_EACH_NETWORK (nh, h) {
                add_serving_hosts__(nh->network, hosts);
            }
        }
    }
}

/* Diffing two topologies: until the loader patches the topology in place
 * and reports what it touched, weftd loads the database whole and finds
 * the changes here, in O(rows) but without compiling anything. */

static bool
host_rows_equal(const struct topo_host *a, const struct topo_host *b)
{
    return !strcmp(a->name, b->name)
           && !strcmp(a->ovsdb_remote, b->ovsdb_remote)
           && nullable_string_is_equal(a->openflow_remote, b->openflow_remote)
           && nullable_string_is_equal(a->tunnel_ip, b->tunnel_ip)
           && nullable_string_is_equal(a->datapath_type, b->datapath_type)
           && nullable_string_is_equal(a->uplink, b->uplink)
           && nullable_string_is_equal(a->ext.iface, b->ext.iface)
           && a->ext.ip == b->ext.ip && a->ext.plen == b->ext.plen
           && a->ext.gateway == b->ext.gateway
           && eth_addr_equals(a->ext.gateway_mac, b->ext.gateway_mac);
}

static bool
tenant_rows_equal(const struct topo_tenant *a, const struct topo_tenant *b)
{
    return !strcmp(a->name, b->name) && a->key == b->key
           && !memcmp(a->quota, b->quota, sizeof a->quota);
}

static bool
same_uuid(const struct uuid *a, const struct uuid *b)
{
    return (!a && !b) || (a && b && uuid_equals(a, b));
}

static bool
network_rows_equal(const struct topo_network *a, const struct topo_network *b)
{
    return !strcmp(a->name, b->name) && a->type == b->type
           && a->segment_id == b->segment_id && a->mtu == b->mtu
           && a->key == b->key
           && a->subnet.plen == b->subnet.plen
           && a->subnet.prefix == b->subnet.prefix
           && a->subnet.gateway == b->subnet.gateway
           && same_uuid(a->tenant ? &a->tenant->uuid : NULL,
                        b->tenant ? &b->tenant->uuid : NULL);
}

/* The same router fields: name, key, tenant, routes, snat. */
static bool
router_rows_equal(const struct topo_router *a, const struct topo_router *b)
{
    return (!strcmp(a->name, b->name) && a->key == b->key
            && a->snat == b->snat
            && uuid_equals(&a->tenant->uuid, &b->tenant->uuid)
            && a->n_routes == b->n_routes
            && (!a->n_routes || !memcmp(a->routes, b->routes,
                                        a->n_routes * sizeof *a->routes)));
}

/* The same attachments: networks by UUID and MACs, in order. */
static bool
router_ports_equal(const struct topo_router *a, const struct topo_router *b)
{
    if (a->n_ports != b->n_ports) {
        return false;
    }
    const struct topo_router_port *pa, *pb;
    pb = CONTAINER_OF(b->ports.next, struct topo_router_port, router_node);
    TOPO_ROUTER_FOR_EACH_PORT (pa, a) {
        if (!uuid_equals(&pa->network->uuid, &pb->network->uuid)
            || !eth_addr_equals(pa->mac, pb->mac)) {
            return false;
        }
        pb = CONTAINER_OF(pb->router_node.next, struct topo_router_port,
                          router_node);
    }
    return true;
}

/* Records changed router 'r' (from either topology) and, if its
 * attachments changed, its networks. */
static void
note_router(struct topo_changes *c, const struct topo_router *r,
            bool networks)
{
    uuidset_insert(&c->routers, &r->uuid);
    const struct topo_router_port *rp;
    if (networks) {
        TOPO_ROUTER_FOR_EACH_PORT (rp, r) {
            uuidset_insert(&c->networks, &rp->network->uuid);
        }
    }
}

/* Field by field: memcmp() would compare the structs' padding. */
static bool
mappings_equal(const struct topo_port *a, const struct topo_port *b)
{
    if (a->n_mappings != b->n_mappings) {
        return false;
    }
    for (size_t i = 0; i < a->n_mappings; i++) {
        const struct topo_mapping *ma = &a->mappings[i], *mb = &b->mappings[i];
        if (ma->proto != mb->proto || ma->host_port != mb->host_port
            || ma->port != mb->port) {
            return false;
        }
    }
    return true;
}

static bool
port_rows_equal(const struct topo_port *a, const struct topo_port *b)
{
    return !strcmp(a->name, b->name)
           && nullable_string_is_equal(a->iface, b->iface)
           && eth_addr_equals(a->mac, b->mac) && a->key == b->key
           && a->n_ips == b->n_ips
           && (!a->n_ips
               || !memcmp(a->ips, b->ips, a->n_ips * sizeof *a->ips))
           && a->n_ip6s == b->n_ip6s
           && (!a->n_ip6s
               || !memcmp(a->ip6s, b->ip6s, a->n_ip6s * sizeof *a->ip6s))
           && same_uuid(a->network ? &a->network->uuid : NULL,
                        b->network ? &b->network->uuid : NULL)
           && same_uuid(a->host ? &a->host->uuid : NULL,
                        b->host ? &b->host->uuid : NULL)
           && mappings_equal(a, b)
           /* A floating IP assigned, unassigned or moved is its port's
            * change (changes.h). */
           && same_uuid(a->fip ? &a->fip->uuid : NULL,
                        b->fip ? &b->fip->uuid : NULL);
}

static bool
pool_rows_equal(const struct topo_pool *a, const struct topo_pool *b)
{
    return !strcmp(a->name, b->name) && a->prefix == b->prefix
           && a->plen == b->plen;
}

static bool
fip_rows_equal(const struct topo_fip *a, const struct topo_fip *b)
{
    return a->ip == b->ip && uuid_equals(&a->tenant->uuid, &b->tenant->uuid)
           && uuid_equals(&a->pool->uuid, &b->pool->uuid)
           && same_uuid(a->port ? &a->port->uuid : NULL,
                        b->port ? &b->port->uuid : NULL);
}

/* The same service fields and backends (by port UUID, in their order). */
static bool
service_rows_equal(const struct topo_service *a, const struct topo_service *b)
{
    if (strcmp(a->name, b->name) || a->key != b->key || a->vip != b->vip
        || a->port != b->port || a->proto != b->proto
        || a->node_port != b->node_port
        || !uuid_equals(&a->tenant->uuid, &b->tenant->uuid)
        || !uuid_equals(&a->router->uuid, &b->router->uuid)
        || a->n_backends != b->n_backends) {
        return false;
    }
    for (size_t i = 0; i < a->n_backends; i++) {
        const struct topo_backend *x = &a->backends[i], *y = &b->backends[i];
        if (!uuid_equals(&x->port->uuid, &y->port->uuid)
            || x->port_num != y->port_num || x->weight != y->weight
            || x->down != y->down) {
            return false;
        }
    }
    return true;
}

/* The same groups (by UUID; both sorted by UUID). */
static bool
port_sgs_equal(const struct topo_port *a, const struct topo_port *b)
{
    if (a->n_sgs != b->n_sgs) {
        return false;
    }
    for (size_t i = 0; i < a->n_sgs; i++) {
        if (!uuid_equals(&a->sgs[i]->uuid, &b->sgs[i]->uuid)) {
            return false;
        }
    }
    return true;
}

/* True if 'p' is a member of the group with UUID 'sg'. */
static bool
port_in_sg(const struct topo_port *p, const struct uuid *sg)
{
    for (size_t i = 0; i < p->n_sgs; i++) {
        if (uuid_equals(&p->sgs[i]->uuid, sg)) {
            return true;
        }
    }
    return false;
}

/* The same rule values, remote group by UUID. */
static bool
sg_rules_equal(const struct topo_sg_rule *x, const struct topo_sg_rule *y)
{
    return uuid_equals(&x->uuid, &y->uuid) && x->id == y->id
           && x->key == y->key && x->direction == y->direction
           && x->proto == y->proto && x->port_min == y->port_min
           && x->port_max == y->port_max
           && x->remote_family == y->remote_family
           && x->remote_plen == y->remote_plen
           && ipv6_addr_equals(&x->remote_prefix, &y->remote_prefix)
           && same_uuid(x->remote_group ? &x->remote_group->uuid : NULL,
                        y->remote_group ? &y->remote_group->uuid : NULL);
}

/* The same group fields and rules (both sorted by key). */
static bool
sg_rows_equal(const struct topo_sg *a, const struct topo_sg *b)
{
    if (strcmp(a->name, b->name) || a->n_rules != b->n_rules
        || !uuid_equals(&a->tenant->uuid, &b->tenant->uuid)) {
        return false;
    }
    for (size_t i = 0; i < a->n_rules; i++) {
        if (!sg_rules_equal(&a->rules[i], &b->rules[i])) {
            return false;
        }
    }
    return true;
}

/* Records changed port 'p' (from either topology). */
static void
note_port(struct topo_changes *c, const struct topo_port *p)
{
    uuidset_insert(&c->ports, &p->uuid);
    if (p->network) {
        uuidset_insert(&c->networks, &p->network->uuid);
    }
    if (p->host) {
        uuidset_insert(&c->port_hosts, &p->host->uuid);
    }
}

static void
note_tenant(struct topo_changes *c, const struct topo_tenant *t)
{
    uuidset_insert(&c->tenants, &t->uuid);
    const struct topo_network *net;
    TOPO_TENANT_FOR_EACH_NETWORK (net, t) {
        uuidset_insert(&c->networks, &net->uuid);
    }
    const struct topo_router *r;
    TOPO_TENANT_FOR_EACH_ROUTER (r, t) {
        uuidset_insert(&c->routers, &r->uuid);
    }
}

/* Adds to 'c' the rows of 'a' that 'b' lacks or has with other contents,
 * with what they refer to in 'a' (a port's network and host, a tenant's
 * networks and routers, a router's networks, an attached network's
 * router). */
static void
diff_rows(const struct topology *a, const struct topology *b,
          struct topo_changes *c)
{
    const struct topo_host *h;
    TOPOLOGY_FOR_EACH_HOST (h, a) {
        const struct topo_host *o = topology_find_host(b, &h->uuid);
        if (!o || !host_rows_equal(h, o)) {
            uuidset_insert(&c->hosts, &h->uuid);
        }
    }
    const struct topo_tenant *t;
    TOPOLOGY_FOR_EACH_TENANT (t, a) {
        const struct topo_tenant *o = topology_find_tenant(b, &t->uuid);
        if (!o || !tenant_rows_equal(t, o)) {
            note_tenant(c, t);
        }
    }
    const struct topo_network *n;
    TOPOLOGY_FOR_EACH_NETWORK (n, a) {
        const struct topo_network *o = topology_find_network(b, &n->uuid);
        if (!o || !network_rows_equal(n, o)) {
            uuidset_insert(&c->networks, &n->uuid);
            if (n->router_port) {
                /* Its subnet is the router's connected route. */
                uuidset_insert(&c->routers, &n->router_port->router->uuid);
            }
        }
    }
    const struct topo_router *r;
    TOPOLOGY_FOR_EACH_ROUTER (r, a) {
        const struct topo_router *o = topology_find_router(b, &r->uuid);
        bool ports_differ = !o || !router_ports_equal(r, o);
        if (ports_differ || !router_rows_equal(r, o)) {
            note_router(c, r, ports_differ);
        }
    }
    const struct topo_port *p;
    TOPOLOGY_FOR_EACH_PORT (p, a) {
        const struct topo_port *o = topology_find_port(b, &p->uuid);
        bool sgs_differ = !o || !port_sgs_equal(p, o);
        if (sgs_differ || !port_rows_equal(p, o)) {
            note_port(c, p);
        }
        for (size_t i = 0; sgs_differ && i < p->n_sgs; i++) {
            /* A member joined or left (changes.h): the groups 'p' is in
             * in 'a' and not in 'b' (the other call does the converse). */
            if (!o || !port_in_sg(o, &p->sgs[i]->uuid)) {
                uuidset_insert(&c->sgs, &p->sgs[i]->uuid);
            }
        }
    }
    const struct topo_pool *pool;
    TOPOLOGY_FOR_EACH_POOL (pool, a) {
        const struct topo_pool *o = topology_find_pool(b, &pool->uuid);
        if (!o || !pool_rows_equal(pool, o)) {
            uuidset_insert(&c->pools, &pool->uuid);
        }
    }
    const struct topo_fip *f;
    TOPOLOGY_FOR_EACH_FIP (f, a) {
        const struct topo_fip *o = topology_find_fip(b, &f->uuid);
        if (!o || !fip_rows_equal(f, o)) {
            uuidset_insert(&c->fips, &f->uuid);
            if (f->port) {
                note_port(c, f->port);
            }
        }
    }
    const struct topo_service *svc;
    TOPOLOGY_FOR_EACH_SERVICE (svc, a) {
        const struct topo_service *o = topology_find_service(b, &svc->uuid);
        if (!o || !service_rows_equal(svc, o)) {
            uuidset_insert(&c->services, &svc->uuid);
        }
    }
    const struct topo_sg *sg;
    TOPOLOGY_FOR_EACH_SG (sg, a) {
        const struct topo_sg *o = topology_find_sg(b, &sg->uuid);
        if (!o || !sg_rows_equal(sg, o)) {
            uuidset_insert(&c->sgs, &sg->uuid);
        }
    }
}

void
topo_changes_diff(const struct topology *old, const struct topology *new,
                  struct topo_changes *c)
{
    if (old->underlay_mtu != new->underlay_mtu) {
        c->all = true;
    }
    /* Each direction: a row in one and not the other, or changed, is noted
     * with its old and its new network and host. */
    diff_rows(old, new, c);
    diff_rows(new, old, c);
}

void
topo_changes_diff_hosts(const struct topology *old, const struct topology *new,
                        struct sset *names)
{
    struct topo_changes c;
    topo_changes_init(&c);
    topo_changes_diff(old, new, &c);
    struct uuidset hosts = UUIDSET_INITIALIZER(&hosts);
    topo_changes_hosts(new, &c, &hosts);
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, &hosts) {
        /* A host the change removed has nothing to install. */
        const struct topo_host *h = topology_find_host(new, &node->uuid);
        if (h) {
            sset_add(names, h->name);
        }
    }
    uuidset_destroy(&hosts);
    topo_changes_destroy(&c);
}
