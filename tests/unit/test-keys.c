/* test-keys: the flow key indexes (topology/keys.h) that validation
 * allocates the lowest free tenant, network and port key from.  Checked
 * against a brute-force "lowest unused key" over random adds and removes,
 * at the edges of the key space, and at 100,000 port keys, where a lookup
 * must still read one word per level (counted, not timed). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "random.h"
#include "topology.h"
#include "util.h"
#include "validate.h"

/* The rule, the slow way. */
static uint32_t
brute_lowest_free(const bool *used, uint32_t max)
{
    for (uint32_t k = 1; k <= max; k++) {
        if (!used[k]) {
            return k;
        }
    }
    return 0;
}

static void
test_keys_random(void **state)
{
    (void) state;
    enum { MAX = 5000 };
    struct topo_keys k;
    topo_keys_init(&k, MAX);
    bool *used = xcalloc(MAX + 1, sizeof *used);
    assert_int_equal(topo_keys_lowest_free(&k), 1);

    random_set_seed(42);
    for (int i = 0; i < 50000; i++) {
        uint32_t key = 1 + random_range(MAX);
        /* Mostly adds, so that the space fills up and words fill. */
        if (!used[key] && random_range(4)) {
            topo_keys_add(&k, key);
            used[key] = true;
        } else if (used[key]) {
            topo_keys_remove(&k, key);
            used[key] = false;
        }
        assert_int_equal(topo_keys_contains(&k, key), used[key]);
        assert_int_equal(topo_keys_lowest_free(&k),
                         brute_lowest_free(used, MAX));
    }
    free(used);
    topo_keys_destroy(&k);
}

/* Every key in use: 0; then one freed at the top, at a word edge. */
static void
test_keys_full(void **state)
{
    (void) state;
    struct topo_keys k;
    topo_keys_init(&k, TOPO_TENANT_KEY_MAX);
    for (uint32_t key = 1; key <= TOPO_TENANT_KEY_MAX; key++) {
        topo_keys_add(&k, key);
    }
    assert_int_equal(topo_keys_lowest_free(&k), 0);
    topo_keys_remove(&k, TOPO_TENANT_KEY_MAX);
    assert_int_equal(topo_keys_lowest_free(&k), TOPO_TENANT_KEY_MAX);
    topo_keys_remove(&k, 64);
    assert_int_equal(topo_keys_lowest_free(&k), 64);
    topo_keys_add(&k, 64);
    topo_keys_add(&k, TOPO_TENANT_KEY_MAX);
    assert_int_equal(topo_keys_lowest_free(&k), 0);

    /* Out of range keys are ignored; 0 is never handed out. */
    topo_keys_remove(&k, 0);
    topo_keys_remove(&k, TOPO_TENANT_KEY_MAX + 1);
    assert_int_equal(topo_keys_lowest_free(&k), 0);
    topo_keys_destroy(&k);
}

/* A repeated key (only a hand-made topology has one) is never handed out
 * while a copy remains, at the cost of keeping removed keys. */
static void
test_keys_repeated(void **state)
{
    (void) state;
    struct topo_keys k;
    topo_keys_init(&k, 100);
    topo_keys_add(&k, 1);
    topo_keys_add(&k, 1);
    topo_keys_add(&k, 2);
    topo_keys_remove(&k, 1);
    assert_true(topo_keys_contains(&k, 1));
    assert_int_equal(topo_keys_lowest_free(&k), 3);
    topo_keys_destroy(&k);
}

/* 100,000 ports in a topology: the next port key is found in one word read
 * per level of the 24-bit key space, whatever the count. */
static void
test_keys_100k_ports(void **state)
{
    (void) state;
    enum { N = 100000 };
    struct topology topo;
    topology_init(&topo);
    struct uuid u = { .parts = { 1, 0x55, 0, 0 } };
    struct topo_host *h = topology_add_host(&topo, &u, "h1", "unix:/x",
                                            NULL, NULL, "netdev", NULL);
    u.parts[0]++;
    struct topo_tenant *t = topology_add_tenant(&topo, &u, "t", 1);
    u.parts[0]++;
    struct topo_network *net = topology_add_network(&topo, &u, t, "n",
                                                    TOPO_NET_VXLAN, 1, 0, 1);
    struct topo_port **ports = xmalloc(N * sizeof *ports);
    for (uint32_t i = 0; i < N; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%"PRIu32, i);
        u.parts[0]++;
        struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
        uint32_t key = topology_next_port_key(&topo);
        assert_int_equal(key, i + 1);
        ports[i] = topology_add_port(&topo, &u, net, h, name, name, mac,
                                     NULL, 0, key);
    }
    size_t reads = topo.port_keys.n_word_reads;
    assert_int_equal(topology_next_port_key(&topo), N + 1);
    assert_int_equal(topo.port_keys.n_word_reads - reads,
                     topo.port_keys.n_levels);
    assert_int_equal(topo.port_keys.n_levels, 4);

    /* The lowest freed key comes back first. */
    topology_remove_port(&topo, ports[49999]);      /* Key 50000. */
    topology_remove_port(&topo, ports[6]);          /* Key 7. */
    assert_int_equal(topology_next_port_key(&topo), 7);
    u.parts[0]++;
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 01);
    topology_add_port(&topo, &u, net, h, "again", "again", mac, NULL, 0, 7);
    assert_int_equal(topology_next_port_key(&topo), 50000);

    /* Network and tenant keys follow their own indexes, also through an
     * in-place key change (weftd's patcher). */
    assert_int_equal(topology_next_network_key(&topo), 2);
    topology_update_network(&topo, net, t, "n", TOPO_NET_VXLAN, 1, 0, 5);
    assert_int_equal(topology_next_network_key(&topo), 1);
    assert_int_equal(topology_next_tenant_key(&topo), 2);
    topology_update_tenant(&topo, t, "t", 2);
    assert_int_equal(topology_next_tenant_key(&topo), 1);

    /* topology_swap() takes the indexes along. */
    struct topology other;
    topology_init(&other);
    topology_swap(&topo, &other);
    assert_int_equal(topology_next_port_key(&topo), 1);
    assert_int_equal(topology_next_port_key(&other), 50000);
    free(ports);
    topology_destroy(&other);
    topology_destroy(&topo);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_random),
        cmocka_unit_test(test_keys_full),
        cmocka_unit_test(test_keys_repeated),
        cmocka_unit_test(test_keys_100k_ports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
