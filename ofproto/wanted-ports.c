/* wanted-ports: the ports weft must own on one host.  See wanted-ports.h. */
#include <config.h>

#include "wanted-ports.h"

#include <string.h>

#include "bitmap.h"
#include "changes.h"
#include "compiler.h"
#include "uuid.h"
#include "topology.h"
#include "util.h"
#include "validate.h"

static struct wanted_port *
wanted_port_create(char *owner, const char *type)
{
    struct wanted_port *w = xmalloc(sizeof *w);
    w->owner = owner;
    w->name = NULL;
    w->type = xstrdup(type);
    smap_init(&w->options);
    w->endpoint = false;
    return w;
}

static void
wanted_port_destroy(struct wanted_port *w)
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
wanted_port_equal(const struct wanted_port *a, const struct wanted_port *b)
{
    return !strcmp(a->owner, b->owner) && !strcmp(a->type, b->type)
           && nullable_string_is_equal(a->name, b->name)
           && smap_equal(&a->options, &b->options);
}

static void
wanted_ports_clear(struct wanted_ports *wp)
{
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &wp->ports) {
        wanted_port_destroy(node->data);
        shash_delete(&wp->ports, node);
    }
    sset_clear(&wp->refused);
    hmap_clear(&wp->by_port);
}

void
wanted_ports_init(struct wanted_ports *wp)
{
    shash_init(&wp->ports);
    sset_init(&wp->refused);
    hmap_init(&wp->by_port);
}

void
wanted_ports_destroy(struct wanted_ports *wp)
{
    if (wp) {
        wanted_ports_clear(wp);
        shash_destroy(&wp->ports);
        sset_destroy(&wp->refused);
        hmap_destroy(&wp->by_port);
    }
}

void
wanted_ports_swap(struct wanted_ports *a, struct wanted_ports *b)
{
    shash_swap(&a->ports, &b->ports);
    sset_swap(&a->refused, &b->refused);
    hmap_swap(&a->by_port, &b->by_port);
}

/* The tunnels 'th' needs, unless the uplink already has the name (a bad host
 * row). */
static void
add_tunnels(const struct topology *topo, const struct topo_host *th,
            struct wanted_ports *out)
{
    struct weft_tunnel *tunnels;
    size_t n_tunnels = compile_host_tunnels(topo, th, &tunnels);
    for (size_t i = 0; i < n_tunnels; i++) {
        const struct weft_tunnel *t = &tunnels[i];
        if (shash_find(&out->ports, t->name)) {
            continue;
        }
        struct wanted_port *w = wanted_port_create(
            xasprintf("tunnel:%s", t->remote->name),
            weft_tunnel_iface_type(t->type));
        smap_add(&w->options, "remote_ip", t->remote->tunnel_ip);
        smap_add(&w->options, "local_ip", th->tunnel_ip);
        smap_add(&w->options, "key", "flow");
        shash_add(&out->ports, t->name, w);
    }
    if (n_tunnels) {
        free(tunnels);
    }
}

/* The uplink, the external interface and the tunnels.  The external
 * interface is attached exactly like the uplink: a system interface weft
 * owns by name ("external"), which the compiler finds with iface_ofport(). */
static void
add_infrastructure(const struct topology *topo, const struct topo_host *th,
                   struct wanted_ports *out)
{
    if (th->uplink) {
        shash_add(&out->ports, th->uplink,
                  wanted_port_create(xstrdup("uplink"), ""));
    }
    if (th->ext.iface && !shash_find(&out->ports, th->ext.iface)) {
        shash_add(&out->ports, th->ext.iface,
                  wanted_port_create(xstrdup("external"), ""));
    }
    add_tunnels(topo, th, out);
}

static struct wanted_port *
endpoint_create(const struct topo_port *port)
{
    struct wanted_port *w = wanted_port_create(
        xasprintf(UUID_FMT, UUID_ARGS(&port->uuid)), "");
    w->name = xasprintf("%s/%s/%s", port->network->tenant->name,
                        port->network->name, port->name);
    w->endpoint = true;
    w->port = port->uuid;
    return w;
}

static void
endpoint_add(struct wanted_ports *wp, const struct topo_port *port,
             struct wanted_port *w)
{
    w->ports_node = shash_add(&wp->ports, port->iface, w);
    hmap_insert(&wp->by_port, &w->port_node, uuid_hash(&w->port));
}

void
wanted_ports_compute(const struct topology *topo, const struct topo_host *th,
                     struct wanted_ports *out)
{
    wanted_ports_clear(out);
    if (!th) {
        return;
    }

    /* weft's own infrastructure first (the uplink, the tunnels), so that an
     * endpoint can never take one of its names. */
    add_infrastructure(topo, th, out);

    /* The host's own ports, from the index ('th' may come from another
     * snapshot of the same topology). */
    const struct topo_host *self = topology_find_host(topo, &th->uuid);
    if (!self) {
        return;
    }
    const struct topo_port *port;
    TOPO_HOST_FOR_EACH_PORT (port, self) {
        if (validate_iface_is_reserved(th, port->iface)) {
            sset_add(&out->refused, port->iface);
        } else if (!shash_find(&out->ports, port->iface)) {
            endpoint_add(out, port, endpoint_create(port));
        }
    }
}

static struct wanted_port *
endpoint_find(const struct wanted_ports *wp, const struct uuid *port)
{
    struct wanted_port *w;
    HMAP_FOR_EACH_WITH_HASH (w, port_node, uuid_hash(port), &wp->by_port) {
        if (uuid_equals(&w->port, port)) {
            return w;
        }
    }
    return NULL;
}

/* True if 'wp''s uplink and tunnels are exactly those 'th' needs in
 * 'topo'.  O(tunnels). */
static bool
infrastructure_unchanged(const struct topology *topo,
                         const struct topo_host *th,
                         const struct wanted_ports *wp)
{
    struct wanted_ports infra;
    wanted_ports_init(&infra);
    add_infrastructure(topo, th, &infra);
    bool same = (shash_count(&infra.ports)
                 == shash_count(&wp->ports) - hmap_count(&wp->by_port));
    struct shash_node *node;
    SHASH_FOR_EACH (node, &infra.ports) {
        const struct wanted_port *have = shash_find_data(&wp->ports,
                                                         node->name);
        if (!same || !have || have->endpoint
            || !wanted_port_equal(have, node->data)) {
            same = false;
            break;
        }
    }
    wanted_ports_destroy(&infra);
    return same;
}

/* Adds to 'todo' the ports 'changes' names and every port that a network
 * it names has on 'self'. */
static void
collect_changed_ports(const struct topology *topo,
                      const struct topo_host *self,
                      const struct topo_changes *changes,
                      struct uuidset *todo)
{
    const struct uuidset_node *u;
    UUIDSET_FOR_EACH (u, &changes->ports) {
        uuidset_insert(todo, &u->uuid);
    }
    UUIDSET_FOR_EACH (u, &changes->networks) {
        const struct topo_network *net = topology_find_network(topo,
                                                               &u->uuid);
        if (!net) {
            continue;           /* Deleted: its ports are in 'ports'. */
        }
        const struct topo_net_host *nh;
        HMAP_FOR_EACH_WITH_HASH (nh, net_node, uuid_hash(&self->uuid),
                                 &net->hosts) {
            if (nh->host == self) {
                const struct topo_port *port;
                TOPO_NET_HOST_FOR_EACH_PORT (port, nh) {
                    uuidset_insert(todo, &port->uuid);
                }
            }
        }
    }
}

/* False if one of the ports in 'todo' that are 'self''s in 'topo' is
 * refused, or two of them share an interface name, or one takes a name
 * that weft's infrastructure or a port not in 'todo' holds in 'wp'. */
static bool
check_changed_ports(const struct topology *topo, const struct topo_host *th,
                    const struct topo_host *self, const struct uuidset *todo,
                    const struct wanted_ports *wp)
{
    struct sset names = SSET_INITIALIZER(&names);
    bool ok = true;
    const struct uuidset_node *u;
    UUIDSET_FOR_EACH (u, todo) {
        const struct topo_port *port = topology_find_port(topo, &u->uuid);
        if (!port || port->host != self) {
            continue;
        }
        const struct wanted_port *have = shash_find_data(&wp->ports,
                                                         port->iface);
        if (validate_iface_is_reserved(th, port->iface)
            || !sset_add(&names, port->iface)
            || (have && (!have->endpoint
                         || !uuidset_contains(todo, &have->port)))) {
            ok = false;
            break;
        }
    }
    sset_destroy(&names);
    return ok;
}

bool
wanted_ports_update(const struct topology *topo, const struct topo_host *th,
                    const struct topo_changes *changes,
                    struct wanted_ports *wp, struct sset *changed)
{
    const struct topo_host *self = th ? topology_find_host(topo, &th->uuid)
                                      : NULL;
    if (!self || changes->all || !uuidset_is_empty(&changes->hosts)
        || !sset_is_empty(&wp->refused)
        || !infrastructure_unchanged(topo, th, wp)) {
        return false;
    }
    struct uuidset todo = UUIDSET_INITIALIZER(&todo);
    collect_changed_ports(topo, self, changes, &todo);
    if (!check_changed_ports(topo, th, self, &todo, wp)) {
        uuidset_destroy(&todo);
        return false;
    }

    /* Take out the old entries, put in the new ones, report the names
     * whose entry differs. */
    struct shash old = SHASH_INITIALIZER(&old);
    const struct uuidset_node *u;
    UUIDSET_FOR_EACH (u, &todo) {
        struct wanted_port *w = endpoint_find(wp, &u->uuid);
        if (w) {
            shash_add(&old, w->ports_node->name, w);
            hmap_remove(&wp->by_port, &w->port_node);
            shash_delete(&wp->ports, w->ports_node);
        }
    }
    UUIDSET_FOR_EACH (u, &todo) {
        const struct topo_port *port = topology_find_port(topo, &u->uuid);
        if (port && port->host == self) {
            struct wanted_port *w = endpoint_create(port);
            endpoint_add(wp, port, w);
            struct wanted_port *prev = shash_find_and_delete(&old,
                                                             port->iface);
            if (!prev || !wanted_port_equal(prev, w)) {
                sset_add(changed, port->iface);
            }
            wanted_port_destroy(prev);
        }
    }
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &old) {
        sset_add(changed, node->name);
        wanted_port_destroy(node->data);
        shash_delete(&old, node);
    }
    shash_destroy(&old);
    uuidset_destroy(&todo);
    return true;
}

bool
wanted_ports_equal(const struct wanted_ports *a, const struct wanted_ports *b)
{
    if (shash_count(&a->ports) != shash_count(&b->ports)) {
        return false;
    }
    struct shash_node *node;
    SHASH_FOR_EACH (node, &a->ports) {
        const struct wanted_port *other = shash_find_data(&b->ports,
                                                          node->name);
        if (!other || !wanted_port_equal(node->data, other)) {
            return false;
        }
    }
    return true;
}

bool
wanted_ports_diff(const struct wanted_ports *a, const struct wanted_ports *b,
                  struct sset *changed)
{
    bool any = false;
    struct shash_node *node;
    SHASH_FOR_EACH (node, &a->ports) {
        const struct wanted_port *other = shash_find_data(&b->ports,
                                                          node->name);
        if (!other || !wanted_port_equal(node->data, other)) {
            sset_add(changed, node->name);
            any = true;
        }
    }
    SHASH_FOR_EACH (node, &b->ports) {
        if (!shash_find(&a->ports, node->name)) {
            sset_add(changed, node->name);
            any = true;
        }
    }
    return any;
}

static bool
ofport_in_range(unsigned int n)
{
    return n >= WANTED_OFPORT_MIN && n <= WANTED_OFPORT_MAX;
}

/* Gives 'name' number 'n' from 'source' if it is in range and free. */
static bool
claim_ofport(const struct simap *source, const char *name,
             unsigned long *used, struct simap *out)
{
    const struct simap_node *node = source ? simap_find(source, name) : NULL;
    if (!node || !ofport_in_range(node->data)
        || bitmap_is_set(used, node->data)) {
        return false;
    }
    bitmap_set1(used, node->data);
    simap_put(out, name, node->data);
    return true;
}

void
wanted_ports_assign_ofports(const struct shash *wanted,
                            const struct simap *have,
                            const struct simap *prev,
                            const unsigned long *taken, struct simap *out)
{
    simap_clear(out);
    unsigned long *used = bitmap_clone(taken, WANTED_OFPORT_MAX + 1);
    const struct shash_node **names = shash_sort(wanted);
    size_t n = shash_count(wanted);

    /* An interface weft no longer wants still holds its number until it is
     * deleted: a new port must not be given it in the same transaction. */
    const struct simap_node *h;
    SIMAP_FOR_EACH (h, have) {
        if (!shash_find(wanted, h->name)
            && ofport_in_range(h->data)) {
            bitmap_set1(used, h->data);
        }
    }

    bool *done = xcalloc(n ? n : 1, sizeof *done);
    for (size_t i = 0; i < n; i++) {
        done[i] = claim_ofport(have, names[i]->name, used, out);
    }
    for (size_t i = 0; i < n; i++) {
        if (!done[i] && !simap_contains(have, names[i]->name)) {
            done[i] = claim_ofport(prev, names[i]->name, used, out);
        }
    }
    unsigned int next = WANTED_OFPORT_MIN;
    for (size_t i = 0; i < n; i++) {
        if (done[i]) {
            continue;
        }
        next = bitmap_scan(used, 0, next, WANTED_OFPORT_MAX + 1);
        if (next > WANTED_OFPORT_MAX) {
            break;              /* All used: OVS will choose. */
        }
        bitmap_set1(used, next);
        simap_put(out, names[i]->name, next);
    }
    free(done);
    free(names);
    free(used);
}
