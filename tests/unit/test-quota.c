/* test-quota: unit tests for topology/quota.c, the per-tenant limits the
 * write layer checks before it creates a network or a port.
 *
 * Checks the names and defaults, parse_quota()'s bounds, usage counting
 * (per tenant, never another tenant's objects) and both sides of every
 * limit, with the exact message a tenant sees. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "packets.h"
#include "quota.h"
#include "topology.h"
#include "unit-fixture.h"

static void
test_names_and_defaults(void **state OVS_UNUSED)
{
    enum topo_quota q;
    assert_true(topo_quota_from_string("ports", &q));
    assert_int_equal(q, TOPO_QUOTA_PORTS);
    assert_true(topo_quota_from_string("networks", &q));
    assert_int_equal(q, TOPO_QUOTA_NETWORKS);
    assert_true(topo_quota_from_string("ips_per_port", &q));
    assert_int_equal(q, TOPO_QUOTA_IPS_PER_PORT);
    assert_false(topo_quota_from_string("flows", &q));
    assert_false(topo_quota_from_string("", &q));

    assert_int_equal(topo_quota_default(TOPO_QUOTA_PORTS), 1000);
    assert_int_equal(topo_quota_default(TOPO_QUOTA_NETWORKS), 100);
    assert_int_equal(topo_quota_default(TOPO_QUOTA_IPS_PER_PORT), 16);

    /* A quota can never allow more objects than there are keys for. */
    assert_int_equal(topo_quota_max(TOPO_QUOTA_PORTS), TOPO_PORT_KEY_MAX);
    assert_int_equal(topo_quota_max(TOPO_QUOTA_NETWORKS),
                     TOPO_NETWORK_KEY_MAX);
    for (size_t i = 0; i < N_TOPO_QUOTAS; i++) {
        assert_true(topo_quota_default(i) <= topo_quota_max(i));
        assert_true(topo_quota_max(i) <= TOPO_QUOTA_VALUE_MAX);
        assert_true(topo_quota_from_string(topo_quota_name(i), &q));
        assert_int_equal(q, i);
    }

    /* A new tenant starts with the defaults. */
    struct topology topo;
    topology_init(&topo);
    struct uuid u = next_uuid();
    struct topo_tenant *t = topology_add_tenant(&topo, &u, "red", 1);
    for (size_t i = 0; i < N_TOPO_QUOTAS; i++) {
        assert_int_equal(t->quota[i], topo_quota_default(i));
    }
    topology_destroy(&topo);
}

static void
test_parse_quota(void **state OVS_UNUSED)
{
    enum topo_quota q;
    uint32_t limit = 12345;

    assert_ok(parse_quota("ports", "0", &q, &limit));
    assert_int_equal(q, TOPO_QUOTA_PORTS);
    assert_int_equal(limit, 0);
    assert_ok(parse_quota("ports", "16777215", &q, &limit));
    assert_int_equal(limit, 16777215);
    assert_ok(parse_quota("networks", "32766", &q, &limit));
    assert_int_equal(limit, 32766);
    assert_ok(parse_quota("ips_per_port", "4096", &q, &limit));
    assert_int_equal(limit, 4096);

    /* Without a value: only the name is checked ("back to the default"). */
    limit = 7;
    assert_ok(parse_quota("networks", NULL, &q, &limit));
    assert_int_equal(q, TOPO_QUOTA_NETWORKS);
    assert_int_equal(limit, 7);

    assert_error_is(parse_quota("flows", "1", &q, &limit),
                    "unknown quota \"flows\" (expected ports, networks or "
                    "ips_per_port)");
    assert_error_is(parse_quota("ports", "16777216", &q, &limit),
                    "invalid ports quota \"16777216\": expected a number "
                    "0-16777215");
    assert_error_is(parse_quota("networks", "65536", &q, &limit),
                    "invalid networks quota \"65536\": expected a number "
                    "0-32766");
    assert_error_is(parse_quota("ips_per_port", "4097", &q, &limit),
                    "invalid ips_per_port quota \"4097\": expected a number "
                    "0-4096");
    static const char *const bad[] = {
        "", "-1", "+1", " 1", "1 ", "1x", "0x10", "99999999999999999999",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *error = parse_quota("ports", bad[i], &q, &limit);
        assert_non_null(error);
        assert_non_null(strstr(error, "invalid ports quota"));
        free(error);
    }
}

/* The fixture: tenants red and blue; red has networks r1 and r2, blue has
 * b1; red has 2 ports (one with 3 IPs), blue 1 port. */
struct fixture {
    struct topology topo;       /* First: see unit-fixture.h. */
    struct topo_tenant *red, *blue;
};

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    struct uuid u;
    topology_init(&f->topo);
    u = next_uuid();
    struct topo_host *h = topology_add_host(&f->topo, &u, "h1", "unix:/x",
                                            NULL, NULL, NULL, NULL);
    u = next_uuid();
    f->red = topology_add_tenant(&f->topo, &u, "red", 1);
    u = next_uuid();
    f->blue = topology_add_tenant(&f->topo, &u, "blue", 2);
    u = next_uuid();
    struct topo_network *r1 = topology_add_network(&f->topo, &u, f->red, "r1",
                                                   TOPO_NET_VXLAN, 1, 0, 1);
    u = next_uuid();
    topology_add_network(&f->topo, &u, f->red, "r2", TOPO_NET_VXLAN, 2, 0, 2);
    u = next_uuid();
    struct topo_network *b1 = topology_add_network(&f->topo, &u, f->blue,
                                                   "b1", TOPO_NET_VXLAN, 3, 0,
                                                   3);
    ovs_be32 ips[3] = { htonl(0x0a000001), htonl(0x0a000002),
                        htonl(0x0a000003) };
    struct eth_addr ea = ETH_ADDR_C(02, 00, 00, 00, 00, 01);
    u = next_uuid();
    topology_add_port(&f->topo, &u, r1, h, "a", "va", ea, ips, 3, 1);
    ea.ea[5] = 2;
    u = next_uuid();
    topology_add_port(&f->topo, &u, r1, h, "b", "vb", ea, ips, 1, 2);
    ea.ea[5] = 3;
    u = next_uuid();
    topology_add_port(&f->topo, &u, b1, h, "c", "vc", ea, ips, 2, 3);
    *state = f;
    return 0;
}

static void
test_usage(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(topo_tenant_usage(&f->topo, f->red, TOPO_QUOTA_PORTS), 2);
    assert_int_equal(topo_tenant_usage(&f->topo, f->red,
                                       TOPO_QUOTA_NETWORKS), 2);
    assert_int_equal(topo_tenant_usage(&f->topo, f->red,
                                       TOPO_QUOTA_IPS_PER_PORT), 3);
    assert_int_equal(topo_tenant_usage(&f->topo, f->blue, TOPO_QUOTA_PORTS),
                     1);
    assert_int_equal(topo_tenant_usage(&f->topo, f->blue,
                                       TOPO_QUOTA_NETWORKS), 1);
    assert_int_equal(topo_tenant_usage(&f->topo, f->blue,
                                       TOPO_QUOTA_IPS_PER_PORT), 2);
}

static void
test_network_quota(void **state)
{
    struct fixture *f = *state;

    /* Defaults: far from the limit. */
    assert_ok(validate_quota_new_network(&f->topo, f->red));

    /* red has 2 networks: a limit of 3 allows one more, 2 none. */
    f->red->quota[TOPO_QUOTA_NETWORKS] = 3;
    assert_ok(validate_quota_new_network(&f->topo, f->red));
    f->red->quota[TOPO_QUOTA_NETWORKS] = 2;
    assert_error_is(validate_quota_new_network(&f->topo, f->red),
                    "quota exceeded: tenant red may have at most 2 "
                    "networks");
    /* Below the usage (lowered by an admin): still refused, not broken. */
    f->red->quota[TOPO_QUOTA_NETWORKS] = 0;
    assert_error_is(validate_quota_new_network(&f->topo, f->red),
                    "quota exceeded: tenant red may have at most 0 "
                    "networks");

    /* blue's limit counts only blue's network. */
    f->blue->quota[TOPO_QUOTA_NETWORKS] = 2;
    assert_ok(validate_quota_new_network(&f->topo, f->blue));
    f->blue->quota[TOPO_QUOTA_NETWORKS] = 1;
    assert_error_is(validate_quota_new_network(&f->topo, f->blue),
                    "quota exceeded: tenant blue may have at most 1 "
                    "network");
}

static void
test_port_quota(void **state)
{
    struct fixture *f = *state;

    assert_ok(validate_quota_new_port(&f->topo, f->red, 16));
    assert_error_is(validate_quota_new_port(&f->topo, f->red, 17),
                    "quota exceeded: tenant red may have at most 16 IPs per "
                    "port");

    /* red has 2 ports, blue 1. */
    f->red->quota[TOPO_QUOTA_PORTS] = 3;
    assert_ok(validate_quota_new_port(&f->topo, f->red, 0));
    f->red->quota[TOPO_QUOTA_PORTS] = 2;
    assert_error_is(validate_quota_new_port(&f->topo, f->red, 0),
                    "quota exceeded: tenant red may have at most 2 ports");
    f->blue->quota[TOPO_QUOTA_PORTS] = 2;
    assert_ok(validate_quota_new_port(&f->topo, f->blue, 1));

    /* IPs per port: the new port's count against the limit. */
    f->blue->quota[TOPO_QUOTA_IPS_PER_PORT] = 1;
    assert_ok(validate_quota_new_port(&f->topo, f->blue, 1));
    assert_error_is(validate_quota_new_port(&f->topo, f->blue, 2),
                    "quota exceeded: tenant blue may have at most 1 IP per "
                    "port");
    f->blue->quota[TOPO_QUOTA_IPS_PER_PORT] = 0;
    assert_ok(validate_quota_new_port(&f->topo, f->blue, 0));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_defaults),
        cmocka_unit_test(test_parse_quota),
        UNIT_TOPOLOGY_TEST(test_usage),
        UNIT_TOPOLOGY_TEST(test_network_quota),
        UNIT_TOPOLOGY_TEST(test_port_quota),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
