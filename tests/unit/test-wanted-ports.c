/* test-wanted-ports: the ports weft must own on a host (wanted-ports.h).
 *
 * Three hosts: h1 with an uplink, and networks so that h1 needs one tunnel
 * of each type.  Each test checks one kind of wanted port, or a name that an
 * endpoint may not take. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "bitmap.h"
#include "host-fixture.h"
#include "packets.h"
#include "topology.h"
#include "changes.h"
#include "util.h"
#include "uuid.h"
#include "wanted-ports.h"

struct fx {
    struct topology topo;
    struct topo_host *h[4];         /* h[1..3]. */
    struct topo_tenant *t;
    struct topo_network *vx, *gre, *gv, *vlan;
    int next_uuid;
    struct wanted_ports wp;
};

static struct uuid
next_uuid(struct fx *fx)
{
    struct uuid u = { .parts = { ++fx->next_uuid, 0x99, 0, 0 } };
    return u;
}

static struct topo_port *
add_port(struct fx *fx, struct topo_network *net, int host, const char *name,
         const char *iface)
{
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
    mac.ea[5] = fx->next_uuid;
    ovs_be32 ip = htonl(0x0a000000 | fx->next_uuid);
    struct uuid u = next_uuid(fx);
    return topology_add_port(&fx->topo, &u, net, fx->h[host], name, iface,
                             mac, &ip, 1, fx->next_uuid);
}

static struct topo_network *
add_net(struct fx *fx, const char *name, enum topo_net_type type,
        uint32_t segment)
{
    struct uuid u = next_uuid(fx);
    return topology_add_network(&fx->topo, &u, fx->t, name, type, segment, 0,
                                fx->next_uuid);
}

/* vx (vxlan): h1, h2.  gre: h1, h3.  gv (geneve): h1, h2.  vlan: h1, h3.
 * Each with one port per host, named "<net>-h<host>" on iface "e<net><h>".
 * h1's uplink is 'uplink1'. */
static void
fx_init(struct fx *fx, const char *uplink1)
{
    memset(fx, 0, sizeof *fx);
    topology_init(&fx->topo);
    wanted_ports_init(&fx->wp);
    for (int i = 1; i <= 3; i++) {
        struct uuid u = next_uuid(fx);
        fx->h[i] = host_fixture_add(&fx->topo, &u, i,
                                    i == 1 ? uplink1 : NULL);
    }
    struct uuid u = next_uuid(fx);
    fx->t = topology_add_tenant(&fx->topo, &u, "red", 1);
    fx->vx = add_net(fx, "vx", TOPO_NET_VXLAN, 1001);
    fx->gre = add_net(fx, "gre", TOPO_NET_GRE, 2001);
    fx->gv = add_net(fx, "gv", TOPO_NET_GENEVE, 3001);
    fx->vlan = add_net(fx, "vlan", TOPO_NET_VLAN, 101);
    add_port(fx, fx->vx, 1, "p1", "evx1");
    add_port(fx, fx->vx, 2, "p2", "evx2");
    add_port(fx, fx->gre, 1, "p3", "egre1");
    add_port(fx, fx->gre, 3, "p4", "egre3");
    add_port(fx, fx->gv, 1, "p5", "egv1");
    add_port(fx, fx->gv, 2, "p6", "egv2");
    add_port(fx, fx->vlan, 1, "p7", "evlan1");
    add_port(fx, fx->vlan, 3, "p8", "evlan3");
}

static void
fx_destroy(struct fx *fx)
{
    wanted_ports_destroy(&fx->wp);
    topology_destroy(&fx->topo);
}

static const struct wanted_port *
find(const struct fx *fx, const char *iface)
{
    return shash_find_data(&fx->wp.ports, iface);
}

static void
assert_tunnel(const struct fx *fx, const char *iface, const char *type,
              const char *remote, const char *remote_ip)
{
    const struct wanted_port *w = find(fx, iface);
    assert_non_null(w);
    assert_string_equal(w->type, type);
    char *owner = xasprintf("tunnel:%s", remote);
    assert_string_equal(w->owner, owner);
    free(owner);
    assert_null(w->name);
    assert_int_equal(smap_count(&w->options), 3);
    assert_string_equal(smap_get(&w->options, "remote_ip"), remote_ip);
    assert_string_equal(smap_get(&w->options, "local_ip"), "192.0.2.1");
    assert_string_equal(smap_get(&w->options, "key"), "flow");
}

static void
test_uplink(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx, "up1");
    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    const struct wanted_port *w = find(&fx, "up1");
    assert_non_null(w);
    assert_string_equal(w->owner, "uplink");
    assert_string_equal(w->type, "");
    assert_null(w->name);
    assert_int_equal(smap_count(&w->options), 0);

    /* h3 has no uplink: nothing of the kind. */
    wanted_ports_compute(&fx.topo, fx.h[3], &fx.wp);
    assert_null(find(&fx, "up1"));
    fx_destroy(&fx);
}

static void
test_tunnels_per_type(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx, "up1");
    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    assert_tunnel(&fx, "vx-h2", "vxlan", "h2", "192.0.2.2");
    assert_tunnel(&fx, "gr-h3", "gre", "h3", "192.0.2.3");
    assert_tunnel(&fx, "gv-h2", "geneve", "h2", "192.0.2.2");
    /* No network of that type joins these hosts; VLAN needs no tunnel. */
    assert_null(find(&fx, "vx-h3"));
    assert_null(find(&fx, "gr-h2"));
    /* 1 uplink + 3 tunnels + 4 endpoints. */
    assert_int_equal(shash_count(&fx.wp.ports), 8);
    assert_int_equal(sset_count(&fx.wp.refused), 0);
    fx_destroy(&fx);
}

static void
test_endpoint(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx, "up1");
    struct topo_port *p = add_port(&fx, fx.vx, 1, "web", "tap-web");
    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    const struct wanted_port *w = find(&fx, "tap-web");
    assert_non_null(w);
    char *owner = xasprintf(UUID_FMT, UUID_ARGS(&p->uuid));
    assert_string_equal(w->owner, owner);
    free(owner);
    assert_string_equal(w->name, "red/vx/web");
    assert_string_equal(w->type, "");
    assert_int_equal(smap_count(&w->options), 0);
    /* Another host's endpoints are not this host's. */
    assert_null(find(&fx, "evx2"));
    assert_non_null(find(&fx, "evx1"));
    fx_destroy(&fx);
}

static void
test_reserved_refused(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx, "up1");
    add_port(&fx, fx.vx, 1, "evil-tunnel", "vx-h2");
    add_port(&fx, fx.vx, 1, "evil-bridge", "br-int");
    add_port(&fx, fx.vx, 1, "evil-uplink", "up1");
    add_port(&fx, fx.vx, 1, "evil-later", "gr-h9");   /* A host to come. */
    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);

    assert_int_equal(sset_count(&fx.wp.refused), 4);
    assert_true(sset_contains(&fx.wp.refused, "vx-h2"));
    assert_true(sset_contains(&fx.wp.refused, "br-int"));
    assert_true(sset_contains(&fx.wp.refused, "up1"));
    assert_true(sset_contains(&fx.wp.refused, "gr-h9"));
    /* The infrastructure keeps its names. */
    assert_tunnel(&fx, "vx-h2", "vxlan", "h2", "192.0.2.2");
    assert_string_equal(find(&fx, "up1")->owner, "uplink");
    assert_null(find(&fx, "br-int"));
    assert_null(find(&fx, "gr-h9"));
    assert_int_equal(shash_count(&fx.wp.ports), 8);
    fx_destroy(&fx);
}

static void
test_uplink_collision(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx, "vx-h2");          /* A bad host row: uplink = a tunnel. */
    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    const struct wanted_port *w = find(&fx, "vx-h2");
    assert_non_null(w);
    assert_string_equal(w->owner, "uplink");
    assert_string_equal(w->type, "");
    assert_int_equal(smap_count(&w->options), 0);
    assert_tunnel(&fx, "gr-h3", "gre", "h3", "192.0.2.3");
    fx_destroy(&fx);
}

static void
test_equal_and_unknown_host(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx, "up1");
    struct wanted_ports other;
    wanted_ports_init(&other);

    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    wanted_ports_compute(&fx.topo, fx.h[1], &other);
    assert_true(wanted_ports_equal(&fx.wp, &other));

    /* A tunnel IP change changes a tunnel's options. */
    free(fx.h[2]->tunnel_ip);
    fx.h[2]->tunnel_ip = xstrdup("192.0.2.22");
    wanted_ports_compute(&fx.topo, fx.h[1], &other);
    assert_false(wanted_ports_equal(&fx.wp, &other));
    assert_false(wanted_ports_equal(&other, &fx.wp));

    /* A host not in the topology wants nothing. */
    wanted_ports_compute(&fx.topo, NULL, &other);
    assert_int_equal(shash_count(&other.ports), 0);
    assert_int_equal(sset_count(&other.refused), 0);

    wanted_ports_destroy(&other);
    fx_destroy(&fx);
}

/* The names that differ between two hosts' wanted ports: one port added,
 * one removed, one tunnel's options changed; none between equal ones. */
static void
test_diff(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx, "up1");
    struct wanted_ports other;
    wanted_ports_init(&other);
    struct sset changed = SSET_INITIALIZER(&changed);

    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    wanted_ports_compute(&fx.topo, fx.h[1], &other);
    assert_false(wanted_ports_diff(&fx.wp, &other, &changed));
    assert_int_equal(sset_count(&changed), 0);

    /* h2's tunnel IP changes the options of h1's tunnels to h2 only. */
    free(fx.h[2]->tunnel_ip);
    fx.h[2]->tunnel_ip = xstrdup("192.0.2.22");
    wanted_ports_compute(&fx.topo, fx.h[1], &other);
    assert_true(wanted_ports_diff(&fx.wp, &other, &changed));
    assert_int_equal(sset_count(&changed), 2);
    assert_true(sset_contains(&changed, "vx-h2"));
    assert_true(sset_contains(&changed, "gv-h2"));

    /* A port only in 'other' and one only in 'fx.wp': both names, either
     * way round. */
    struct wanted_port *w = xzalloc(sizeof *w);
    w->owner = xstrdup("uplink");
    w->type = xstrdup("");
    smap_init(&w->options);
    shash_add(&other.ports, "extra", w);
    struct shash_node *up1 = shash_find(&other.ports, "up1");
    assert_non_null(up1);
    free(((struct wanted_port *) up1->data)->owner);
    free(((struct wanted_port *) up1->data)->type);
    smap_destroy(&((struct wanted_port *) up1->data)->options);
    free(up1->data);
    shash_delete(&other.ports, up1);
    sset_clear(&changed);
    assert_true(wanted_ports_diff(&other, &fx.wp, &changed));
    assert_int_equal(sset_count(&changed), 4);
    assert_true(sset_contains(&changed, "extra"));
    assert_true(sset_contains(&changed, "up1"));
    assert_true(sset_contains(&changed, "vx-h2"));
    assert_true(sset_contains(&changed, "gv-h2"));

    sset_destroy(&changed);
    wanted_ports_destroy(&other);
    fx_destroy(&fx);
}

/* wanted_ports_update(fx, host, changes) must give what a fresh compute
 * gives, and report exactly the names whose entry differs. */
static void
assert_update(struct fx *fx, int host, const struct topo_changes *changes,
              const char *const *want_changed)
{
    struct wanted_ports fresh;
    wanted_ports_init(&fresh);
    wanted_ports_compute(&fx->topo, fx->h[host], &fresh);
    struct sset expect = SSET_INITIALIZER(&expect);
    wanted_ports_diff(&fx->wp, &fresh, &expect);

    struct sset changed = SSET_INITIALIZER(&changed);
    assert_true(wanted_ports_update(&fx->topo, fx->h[host], changes,
                                    &fx->wp, &changed));
    assert_true(wanted_ports_equal(&fx->wp, &fresh));
    assert_true(sset_equals(&changed, &expect));
    size_t n = 0;
    for (; want_changed[n]; n++) {
        assert_true(sset_contains(&changed, want_changed[n]));
    }
    assert_int_equal(sset_count(&changed), n);
    sset_destroy(&changed);
    sset_destroy(&expect);
    wanted_ports_destroy(&fresh);
}

/* wanted_ports_update() cannot: 'fx->wp' is left as it was. */
static void
assert_no_update(struct fx *fx, int host, const struct topo_changes *changes)
{
    struct wanted_ports before;
    wanted_ports_init(&before);
    struct sset changed = SSET_INITIALIZER(&changed);
    wanted_ports_diff(&fx->wp, &before, &changed);    /* Every name. */
    size_t n_before = sset_count(&changed);
    sset_clear(&changed);
    assert_false(wanted_ports_update(&fx->topo, fx->h[host], changes,
                                     &fx->wp, &changed));
    assert_int_equal(sset_count(&changed), 0);
    assert_int_equal(shash_count(&fx->wp.ports), n_before);
    sset_destroy(&changed);
    wanted_ports_destroy(&before);
}

static void
changes_reset(struct topo_changes *c, const struct topo_port *port)
{
    topo_changes_clear(c);
    if (port) {
        uuidset_insert(&c->ports, &port->uuid);
        uuidset_insert(&c->networks, &port->network->uuid);
        uuidset_insert(&c->port_hosts, &port->host->uuid);
    }
}

/* A port added, deleted, its network renamed, a port on another host: only
 * those names, equal to a fresh compute.  A new tunnel, a refused name, a
 * clash or a host row change: not incrementally. */
static void
test_update(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx, "up1");
    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    struct topo_changes c;
    topo_changes_init(&c);

    struct topo_port *p = add_port(&fx, fx.vx, 1, "new", "enew");
    changes_reset(&c, p);
    assert_update(&fx, 1, &c, (const char *[]) { "enew", NULL });

    /* Deleted: the port's UUID stays in the changes. */
    struct topo_port *old = topology_find_port_by_name(&fx.topo, fx.vx,
                                                       "p1");
    assert_non_null(old);
    changes_reset(&c, old);
    char *old_iface = xstrdup(old->iface);
    topology_remove_port(&fx.topo, old);
    assert_update(&fx, 1, &c, (const char *[]) { old_iface, NULL });
    free(old_iface);

    /* The network renamed: its ports' weft-name changes. */
    free(fx.gre->name);
    fx.gre->name = xstrdup("gre2");
    changes_reset(&c, NULL);
    uuidset_insert(&c.networks, &fx.gre->uuid);
    assert_update(&fx, 1, &c, (const char *[]) { "egre1", NULL });

    /* A port on h2 in a network h1 shares with it already: nothing. */
    p = add_port(&fx, fx.gv, 2, "gv-h2b", "egv2b");
    changes_reset(&c, p);
    assert_update(&fx, 1, &c, (const char *[]) { NULL });

    /* vx gets a port on h3: h1 needs a tunnel to h3. */
    p = add_port(&fx, fx.vx, 3, "vx-h3", "evx3");
    changes_reset(&c, p);
    assert_no_update(&fx, 1, &c);
    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);

    /* A name weft's tunnels use: refused. */
    p = add_port(&fx, fx.vx, 1, "bad", "vx-x");
    changes_reset(&c, p);
    assert_no_update(&fx, 1, &c);
    topology_remove_port(&fx.topo, p);

    /* Two ports with one interface name on h1. */
    p = add_port(&fx, fx.gv, 1, "twin", "egv1");
    changes_reset(&c, p);
    assert_no_update(&fx, 1, &c);
    topology_remove_port(&fx.topo, p);

    /* A host row changed. */
    changes_reset(&c, NULL);
    uuidset_insert(&c.hosts, &fx.h[2]->uuid);
    assert_no_update(&fx, 1, &c);

    topo_changes_destroy(&c);
    fx_destroy(&fx);
}

/* Makes 'wp' want ports named by 'names' (NULL-terminated). */
static void
want_names(struct wanted_ports *wp, const char *const *names)
{
    wanted_ports_init(wp);
    for (; *names; names++) {
        struct wanted_port *w = xzalloc(sizeof *w);
        w->owner = xstrdup("uplink");
        w->type = xstrdup("");
        smap_init(&w->options);
        shash_add(&wp->ports, *names, w);
    }
}

static unsigned int
ofport_of(const struct simap *out, const char *name)
{
    assert_true(simap_contains(out, name));
    return simap_get(out, name);
}

/* Existing numbers are kept, numbers held by foreign interfaces or by
 * weft's unwanted ones are never chosen, new names get the lowest free ones
 * in sorted order, and a previous choice survives until the database shows
 * it. */
static void
test_assign_ofports(void **state)
{
    (void) state;
    static const char *const names[] = { "d", "b", "a", "c", "e", NULL };
    struct wanted_ports wp;
    want_names(&wp, names);

    struct simap have = SIMAP_INITIALIZER(&have);
    simap_put(&have, "c", 7);           /* Existing: kept. */
    simap_put(&have, "stale", 2);       /* weft's, unwanted: still held. */
    unsigned long *taken = bitmap_allocate(WANTED_OFPORT_MAX + 1);
    bitmap_set1(taken, 1);              /* Foreign ofport. */
    bitmap_set1(taken, 4);              /* Foreign ofport_request. */
    struct simap out = SIMAP_INITIALIZER(&out);

    wanted_ports_assign_ofports(&wp.ports, &have, NULL, taken, &out);
    assert_int_equal(simap_count(&out), 5);
    assert_int_equal(ofport_of(&out, "c"), 7);
    assert_int_equal(ofport_of(&out, "a"), 3);
    assert_int_equal(ofport_of(&out, "b"), 5);
    assert_int_equal(ofport_of(&out, "d"), 6);
    assert_int_equal(ofport_of(&out, "e"), 8);

    /* The same inputs choose the same (a restarted weftd). */
    struct simap again = SIMAP_INITIALIZER(&again);
    wanted_ports_assign_ofports(&wp.ports, &have, NULL, taken, &again);
    assert_true(simap_equal(&out, &again));

    /* A choice in flight ('prev') is kept even when a name sorting before
     * it arrives, and the newcomer takes the lowest free number. */
    struct wanted_ports wp2;
    static const char *const names2[] = { "0", "a", NULL };
    want_names(&wp2, names2);
    struct simap prev = SIMAP_INITIALIZER(&prev);
    simap_put(&prev, "a", 3);
    wanted_ports_assign_ofports(&wp2.ports, &have, &prev, taken, &again);
    assert_int_equal(ofport_of(&again, "a"), 3);
    assert_int_equal(ofport_of(&again, "0"), 5);

    /* A number claimed twice, or taken by a foreign interface, or out of
     * range, is given up: the first name in order keeps it. */
    simap_put(&have, "a", 7);
    simap_put(&have, "b", 1);
    simap_put(&have, "d", 0);
    simap_put(&have, "e", 70000);
    wanted_ports_assign_ofports(&wp.ports, &have, NULL, taken, &out);
    assert_int_equal(ofport_of(&out, "a"), 7);
    assert_int_equal(ofport_of(&out, "b"), 3);
    assert_int_equal(ofport_of(&out, "c"), 5);
    assert_int_equal(ofport_of(&out, "d"), 6);
    assert_int_equal(ofport_of(&out, "e"), 8);

    /* Every number taken: no number, OVS chooses. */
    bitmap_set_multiple(taken, 0, WANTED_OFPORT_MAX + 1, true);
    simap_clear(&have);
    wanted_ports_assign_ofports(&wp.ports, &have, NULL, taken, &out);
    assert_int_equal(simap_count(&out), 0);

    simap_destroy(&prev);
    simap_destroy(&again);
    simap_destroy(&out);
    simap_destroy(&have);
    free(taken);
    wanted_ports_destroy(&wp2);
    wanted_ports_destroy(&wp);
}

/* h1's external interface is a wanted port like the uplink: a system
 * interface owned as "external"; h2, without an external side, has none.
 * A port may not take its name on h1 (it would get the host's LAN), and may
 * on a host whose external interface it is not. */
static void
test_external(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx, "up1");
    topology_set_host_external(&fx.topo, fx.h[1], "ext1",
                               htonl(0xc0a8640b), 24, htonl(0xc0a86401));
    add_port(&fx, fx.vx, 1, "evil-ext", "ext1");
    add_port(&fx, fx.vx, 2, "fine-ext", "ext1");

    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    const struct wanted_port *w = find(&fx, "ext1");
    assert_non_null(w);
    assert_string_equal(w->owner, "external");
    assert_string_equal(w->type, "");
    assert_null(w->name);
    assert_false(w->endpoint);
    assert_int_equal(smap_count(&w->options), 0);
    assert_int_equal(sset_count(&fx.wp.refused), 1);
    assert_true(sset_contains(&fx.wp.refused, "ext1"));
    assert_string_equal(find(&fx, "up1")->owner, "uplink");
    /* 1 uplink + 1 external + 3 tunnels + 4 endpoints. */
    assert_int_equal(shash_count(&fx.wp.ports), 9);

    wanted_ports_compute(&fx.topo, fx.h[2], &fx.wp);
    w = find(&fx, "ext1");
    assert_non_null(w);
    assert_true(w->endpoint);
    assert_string_equal(w->name, "red/vx/fine-ext");
    assert_int_equal(sset_count(&fx.wp.refused), 0);

    /* The external side removed: no such port on h1, and the endpoint gets
     * its name back. */
    topology_set_host_external(&fx.topo, fx.h[1], NULL, 0, 0, 0);
    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    w = find(&fx, "ext1");
    assert_non_null(w);
    assert_true(w->endpoint);
    assert_int_equal(sset_count(&fx.wp.refused), 0);
    fx_destroy(&fx);
}

/* An external side with the same name as the uplink (a bad host row): the
 * uplink keeps it, once. */
static void
test_external_collision(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx, "up1");
    topology_set_host_external(&fx.topo, fx.h[1], "up1",
                               htonl(0xc0a8640b), 24, htonl(0xc0a86401));
    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    assert_string_equal(find(&fx, "up1")->owner, "uplink");
    assert_int_equal(shash_count(&fx.wp.ports), 8);
    fx_destroy(&fx);
}

/* The incremental path: an external side that appeared since the last
 * compute, or a changed port taking its name, is not patched in place. */
static void
test_external_update(void **state)
{
    (void) state;
    struct fx fx;
    fx_init(&fx, "up1");
    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    struct topo_changes c;
    topo_changes_init(&c);

    /* The external side set behind the changes' back: the infrastructure
     * differs, so no in-place update. */
    topology_set_host_external(&fx.topo, fx.h[1], "ext1",
                               htonl(0xc0a8640b), 24, htonl(0xc0a86401));
    struct topo_port *p = add_port(&fx, fx.vx, 1, "new", "enew");
    changes_reset(&c, p);
    assert_no_update(&fx, 1, &c);
    wanted_ports_compute(&fx.topo, fx.h[1], &fx.wp);
    assert_string_equal(find(&fx, "ext1")->owner, "external");

    /* A port taking the external interface's name: refused, not patched. */
    p = add_port(&fx, fx.vx, 1, "bad", "ext1");
    changes_reset(&c, p);
    assert_no_update(&fx, 1, &c);
    topology_remove_port(&fx.topo, p);

    /* An ordinary port: patched, the external port untouched. */
    p = add_port(&fx, fx.vx, 1, "ok", "eok");
    changes_reset(&c, p);
    assert_update(&fx, 1, &c, (const char *[]) { "eok", NULL });
    assert_string_equal(find(&fx, "ext1")->owner, "external");

    topo_changes_destroy(&c);
    fx_destroy(&fx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uplink),
        cmocka_unit_test(test_tunnels_per_type),
        cmocka_unit_test(test_endpoint),
        cmocka_unit_test(test_reserved_refused),
        cmocka_unit_test(test_uplink_collision),
        cmocka_unit_test(test_equal_and_unknown_host),
        cmocka_unit_test(test_assign_ofports),
        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_update),
        cmocka_unit_test(test_external),
        cmocka_unit_test(test_external_collision),
        cmocka_unit_test(test_external_update),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
