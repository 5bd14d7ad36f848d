/* validate-fixture: see validate-fixture.h. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "validate-fixture.h"

struct eth_addr
mac(const char *s)
{
    struct eth_addr ea;
    assert_ok(parse_mac(s, &ea));
    return ea;
}

ovs_be32
ip(const char *s)
{
    ovs_be32 addr;
    assert_ok(parse_ipv4(s, &addr));
    return addr;
}

int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    struct uuid u;

    topology_init(&f->topo);
    u = next_uuid();
    f->h1 = topology_add_host(&f->topo, &u, "h1", "unix:/h1.sock", NULL,
                              "192.0.2.1", "netdev", NULL);
    u = next_uuid();
    f->h2 = topology_add_host(&f->topo, &u, "h2", "unix:/h2.sock", NULL,
                              "192.0.2.2", "netdev", NULL);
    u = next_uuid();
    f->red = topology_add_tenant(&f->topo, &u, "red", 1);
    u = next_uuid();
    f->blue = topology_add_tenant(&f->topo, &u, "blue", 2);
    u = next_uuid();
    f->red_net1 = topology_add_network(&f->topo, &u, f->red, "net1",
                                       TOPO_NET_VXLAN, 1001, 0, 1);
    u = next_uuid();
    f->red_net2 = topology_add_network(&f->topo, &u, f->red, "net2",
                                       TOPO_NET_VLAN, 10, 1400, 2);
    u = next_uuid();
    f->blue_net1 = topology_add_network(&f->topo, &u, f->blue, "net1",
                                        TOPO_NET_VXLAN, 1002, 0, 3);
    ovs_be32 ips[2] = { ip("10.0.0.1"), ip("10.0.0.2") };
    u = next_uuid();
    f->a = topology_add_port(&f->topo, &u, f->red_net1, f->h1, "a", "veth1",
                             mac("02:00:00:00:00:01"), ips, 2, 1);
    *state = f;
    return 0;
}

int
teardown(void **state)
{
    struct fixture *f = *state;
    topology_destroy(&f->topo);
    free(f);
    return 0;
}
