/* test-topology-security: unit tests for topology/security.c (security
 * groups, their rules and members, ports' IPv6 addresses as plain data:
 * the tenant, member and port indexes, rule keys and ids, covers[], the
 * refusals of topology_remove_sg() and of a tenant's removal, a port's
 * removal dropping it from its groups), groups in topology/format.c's
 * canonical text and in topo_changes_diff() (topology/changes.c: groups,
 * rules, members, IPv6 addresses).  Beside test-topology.c (which is past
 * 800 lines), with the same kind of fixture. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "changes.h"
#include "packets.h"
#include "topology.h"
#include "unit-fixture.h"
#include "util.h"
#include "uuidset.h"

/* Host h1; tenants red and blue; networks red/a, blue/c; ports pa1, pa2 on
 * red/a (UUIDs so that pa2 < pa1), pc1 on blue/c; red's groups web (UUID
 * 61) and db (UUID 60: sorts first). */
struct fixture {
    struct topology topo;       /* First: see unit-fixture.h. */
    struct topo_host *h1;
    struct topo_tenant *red, *blue;
    struct topo_network *a, *c;
    struct topo_port *pa1, *pa2, *pc1;
    struct topo_sg *web, *db;
};

static struct topo_port *
add_port(struct topology *t, uint32_t id, struct topo_network *net,
         struct topo_host *host, const char *name)
{
    struct uuid u = make_uuid(id);
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
    mac.ea[5] = id;
    ovs_be32 ip = htonl(0x0a000000 | id);
    return topology_add_port(t, &u, net, host, name, name, mac, &ip, 1, id);
}

static void
build(struct fixture *f)
{
    topology_init(&f->topo);
    struct topology *t = &f->topo;
    struct uuid u = make_uuid(1);
    f->h1 = topology_add_host(t, &u, "h1", "unix:/h1/db.sock", NULL,
                              "172.31.0.1", "netdev", NULL);
    u = make_uuid(10);
    f->red = topology_add_tenant(t, &u, "red", 1);
    u = make_uuid(11);
    f->blue = topology_add_tenant(t, &u, "blue", 2);
    u = make_uuid(20);
    f->a = topology_add_network(t, &u, f->red, "a", TOPO_NET_VXLAN, 20, 0,
                                20);
    u = make_uuid(22);
    f->c = topology_add_network(t, &u, f->blue, "c", TOPO_NET_VXLAN, 22, 0,
                                22);
    f->pa1 = add_port(t, 32, f->a, f->h1, "pa1");
    f->pa2 = add_port(t, 31, f->a, f->h1, "pa2");
    f->pc1 = add_port(t, 34, f->c, f->h1, "pc1");
    u = make_uuid(61);
    f->web = topology_add_sg(t, &u, f->red, "web");
    u = make_uuid(60);
    f->db = topology_add_sg(t, &u, f->red, "db");
}

/* setup(): a fresh build() for each test (unit-fixture.h). */
UNIT_TOPOLOGY_SETUP(build)

static struct topo_sg_rule
rule(uint32_t uuid, uint32_t id, uint32_t key, enum topo_sg_dir dir,
     const struct topo_sg *remote)
{
    struct topo_sg_rule r;
    memset(&r, 0, sizeof r);
    r.uuid = make_uuid(uuid);
    r.id = id;
    r.key = key;
    r.direction = dir;
    r.proto = IPPROTO_TCP;
    r.port_min = r.port_max = 80;
    r.remote_group = remote;
    return r;
}

static void
test_sg_indexes(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;

    assert_int_equal(f->red->n_sgs, 2);
    assert_int_equal(ovs_list_size(&f->red->sgs), 2);
    assert_int_equal(hmap_count(&t->sgs), 2);
    struct uuid u = make_uuid(61);
    assert_ptr_equal(topology_find_sg(t, &u), f->web);
    assert_ptr_equal(topology_find_sg_by_name(t, f->red, "db"), f->db);
    assert_null(topology_find_sg_by_name(t, f->blue, "db"));

    /* Rules: sorted by key, keys and ids indexed, covers[]. */
    struct topo_sg_rule rules[] = {
        rule(100, 7, 9, TOPO_SG_INGRESS, NULL),
        rule(101, 2, 3, TOPO_SG_INGRESS, f->web),
    };
    assert_false(f->web->covers[TOPO_SG_INGRESS]);
    assert_true(topology_set_sg_rules(t, f->web, rules, 2));
    assert_false(topology_set_sg_rules(t, f->web, rules, 2));
    assert_int_equal(f->web->rules[0].key, 3);
    assert_ptr_equal(f->web->rules[0].group, f->web);
    assert_true(f->web->covers[TOPO_SG_INGRESS]);
    assert_false(f->web->covers[TOPO_SG_EGRESS]);
    assert_true(topo_keys_contains(&t->sg_rule_keys, 9));
    assert_true(topo_keys_contains(&f->red->sg_rule_ids, 7));
    assert_false(topo_keys_contains(&f->blue->sg_rule_ids, 7));
    assert_int_equal(topo_sg_find_rule(f->web, 7)->key, 9);
    assert_null(topo_sg_find_rule(f->web, 9));

    /* Members, both ways; a port's groups sorted by UUID, once each. */
    const struct topo_sg *sgs[] = { f->web, f->db, f->web };
    assert_true(topology_set_port_sgs(t, f->pa1, sgs, 3));
    assert_false(topology_set_port_sgs(t, f->pa1, sgs, 3));
    assert_int_equal(f->pa1->n_sgs, 2);
    assert_ptr_equal(f->pa1->sgs[0], f->db);
    assert_true(hmapx_contains(&f->web->members, f->pa1));
    assert_true(topo_port_sg_covers(f->pa1, TOPO_SG_INGRESS));
    assert_false(topo_port_sg_covers(f->pa1, TOPO_SG_EGRESS));
    assert_false(topo_port_sg_covers(f->pa2, TOPO_SG_INGRESS));

    /* Refusals: members, then a remote of another group, then the
     * tenant. */
    assert_false(topology_remove_sg(t, f->web));
    topology_remove_port(t, f->pa1);            /* Leaves its groups. */
    assert_int_equal(hmapx_count(&f->web->members), 0);
    assert_int_equal(hmapx_count(&f->db->members), 0);
    struct topo_sg_rule dbr = rule(102, 4, 1, TOPO_SG_EGRESS, f->web);
    assert_true(topology_set_sg_rules(t, f->db, &dbr, 1));
    assert_true(f->db->covers[TOPO_SG_EGRESS]);
    assert_false(topology_remove_sg(t, f->web));
    assert_true(topology_set_sg_rules(t, f->db, NULL, 0));
    assert_false(topo_keys_contains(&t->sg_rule_keys, 1));
    assert_false(topo_keys_contains(&f->red->sg_rule_ids, 4));
    /* Its own rule naming it does not hold it. */
    assert_true(topology_remove_sg(t, f->web));
    assert_false(topo_keys_contains(&t->sg_rule_keys, 9));
    assert_false(topo_keys_contains(&f->red->sg_rule_ids, 7));
    assert_int_equal(f->red->n_sgs, 1);

    topology_remove_port(t, f->pa2);
    topology_remove_network(t, f->a);
    assert_false(topology_remove_tenant(t, f->red));  /* Group db. */
    assert_true(topology_remove_sg(t, f->db));
    assert_true(topology_remove_tenant(t, f->red));
}

static void
test_sg_rename_move(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    struct topo_sg_rule r = rule(100, 5, 6, TOPO_SG_INGRESS, NULL);
    topology_set_sg_rules(t, f->db, &r, 1);
    assert_false(topology_update_sg(t, f->db, f->red, "db"));
    assert_true(topology_update_sg(t, f->db, f->red, "db2"));
    assert_string_equal(f->db->name, "db2");
    /* To another tenant: its rule ids go along. */
    assert_true(topology_update_sg(t, f->db, f->blue, "db2"));
    assert_int_equal(f->red->n_sgs, 1);
    assert_int_equal(f->blue->n_sgs, 1);
    assert_false(topo_keys_contains(&f->red->sg_rule_ids, 5));
    assert_true(topo_keys_contains(&f->blue->sg_rule_ids, 5));
}

static void
test_port_ip6s(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    struct in6_addr a6[2];
    inet_pton(AF_INET6, "2001:db8::9", &a6[0]);
    inet_pton(AF_INET6, "2001:db8::1", &a6[1]);
    assert_true(topology_set_port_ip6s(t, f->pa1, a6, 2));
    assert_false(topology_set_port_ip6s(t, f->pa1, a6, 2));
    assert_int_equal(f->pa1->n_ip6s, 2);
    assert_true(ipv6_addr_equals(&f->pa1->ip6s[0], &a6[1]));   /* Sorted. */
    char *s = topology_format(t);
    assert_non_null(strstr(s, " ip6s=2001:db8::1,2001:db8::9"));
    free(s);
    assert_true(topology_set_port_ip6s(t, f->pa1, NULL, 0));
    assert_null(f->pa1->ip6s);
}

/* "S P": how many groups and ports topo_changes_diff() reports changed. */
static char *
sgs_ports(const struct topo_changes *c)
{
    return xasprintf("%"PRIuSIZE" %"PRIuSIZE, uuidset_count(&c->sgs),
                     uuidset_count(&c->ports));
}

#define ASSERT_DIFF(OLD, NEW, WANT) assert_topo_diff(OLD, NEW, sgs_ports, WANT)

static void
test_sg_diff(void **state)
{
    struct fixture *f = *state;
    struct fixture g;
    build(&g);
    struct topology *o = &f->topo, *n = &g.topo;
    ASSERT_DIFF(o, n, "0 0");

    struct uuid u = make_uuid(62);
    struct topo_sg *sn = topology_add_sg(n, &u, g.red, "app");
    ASSERT_DIFF(o, n, "1 0");                           /* Added. */
    struct topo_sg *so = topology_add_sg(o, &u, f->red, "app");
    ASSERT_DIFF(o, n, "0 0");
    topology_update_sg(n, sn, g.red, "app2");           /* Renamed. */
    ASSERT_DIFF(o, n, "1 0");
    topology_update_sg(n, sn, g.red, "app");

    struct topo_sg_rule r = rule(100, 1, 1, TOPO_SG_INGRESS, NULL);
    topology_set_sg_rules(n, sn, &r, 1);                /* A rule. */
    ASSERT_DIFF(o, n, "1 0");
    topology_set_sg_rules(o, so, &r, 1);
    ASSERT_DIFF(o, n, "0 0");
    r.port_max = 81;                                    /* Its ports. */
    topology_set_sg_rules(n, sn, &r, 1);
    ASSERT_DIFF(o, n, "1 0");
    r.port_max = 80;
    r.remote_group = g.web;                             /* Its remote. */
    topology_set_sg_rules(n, sn, &r, 1);
    ASSERT_DIFF(o, n, "1 0");
    r.remote_group = f->web;                            /* The same UUID. */
    topology_set_sg_rules(o, so, &r, 1);
    ASSERT_DIFF(o, n, "0 0");

    /* A member joins: the group and the port. */
    const struct topo_sg *sgs[] = { g.db };
    topology_set_port_sgs(n, g.pa1, sgs, 1);
    ASSERT_DIFF(o, n, "1 1");
    sgs[0] = f->db;
    topology_set_port_sgs(o, f->pa1, sgs, 1);
    ASSERT_DIFF(o, n, "0 0");
    /* It moves to another group: both groups. */
    sgs[0] = g.web;
    topology_set_port_sgs(n, g.pa1, sgs, 1);
    ASSERT_DIFF(o, n, "2 1");
    sgs[0] = f->web;
    topology_set_port_sgs(o, f->pa1, sgs, 1);
    /* It joins a second group: that one only. */
    const struct topo_sg *two[] = { g.web, g.db };
    topology_set_port_sgs(n, g.pa1, two, 2);
    ASSERT_DIFF(o, n, "1 1");
    topology_set_port_sgs(n, g.pa1, two, 1);

    /* A port's IPv6 address: the port only. */
    struct in6_addr a6;
    inet_pton(AF_INET6, "2001:db8::1", &a6);
    topology_set_port_ip6s(n, g.pa2, &a6, 1);
    ASSERT_DIFF(o, n, "0 1");
    topology_set_port_ip6s(o, f->pa2, &a6, 1);
    ASSERT_DIFF(o, n, "0 0");

    /* Deleted (its member first): the group and the port. */
    topology_set_port_sgs(n, g.pa1, NULL, 0);
    topology_set_sg_rules(n, sn, NULL, 0);
    assert_true(topology_remove_sg(n, g.web));
    ASSERT_DIFF(o, n, "2 1");       /* web gone, app's rule changed. */
    topology_destroy(n);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TOPOLOGY_TEST(test_sg_indexes),
        UNIT_TOPOLOGY_TEST(test_sg_rename_move),
        UNIT_TOPOLOGY_TEST(test_port_ip6s),
        UNIT_TOPOLOGY_TEST(test_sg_diff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
