/* wanted-ports: the ports weft must own on one host.  See wanted-ports.h. */
#include <config.h>

#include "wanted-ports.h"

#include <string.h>

#include "bitmap.h"
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
}

void
wanted_ports_init(struct wanted_ports *wp)
{
    shash_init(&wp->ports);
    sset_init(&wp->refused);
}

void
wanted_ports_destroy(struct wanted_ports *wp)
{
    if (wp) {
        wanted_ports_clear(wp);
        shash_destroy(&wp->ports);
        sset_destroy(&wp->refused);
    }
}

void
wanted_ports_swap(struct wanted_ports *a, struct wanted_ports *b)
{
    shash_swap(&a->ports, &b->ports);
    sset_swap(&a->refused, &b->refused);
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
    if (th->uplink) {
        shash_add(&out->ports, th->uplink,
                  wanted_port_create(xstrdup("uplink"), ""));
    }
    add_tunnels(topo, th, out);

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
            struct wanted_port *w = wanted_port_create(
                xasprintf(UUID_FMT, UUID_ARGS(&port->uuid)), "");
            w->name = xasprintf("%s/%s/%s", port->network->tenant->name,
                                port->network->name, port->name);
            shash_add(&out->ports, port->iface, w);
        }
    }
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
