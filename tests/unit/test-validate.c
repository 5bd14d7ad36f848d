/* test-validate: unit tests for topology/validate.c and
 * validate-request.c, the parsers and checks every write to weft's desired
 * state goes through (both steps of a request, without any database).
 *
 * Each test checks good values, both sides of every boundary and, for a few
 * cases, the exact wording an operator sees.  Every returned message is freed
 * so that the tests stay clean under valgrind and ASan. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "packets.h"
#include "topology.h"
#include "util.h"
#include "validate.h"

/* Asserts that 'error' is NULL; if not, shows it. */
#define assert_ok(ERROR)                                                \
    do {                                                                \
        char *error__ = (ERROR);                                        \
        if (error__) {                                                  \
            fail_msg("unexpected error: %s", error__);                  \
        }                                                               \
    } while (0)

/* Asserts that 'error' is non-NULL and contains 'substring', then frees
 * it. */
#define assert_error(ERROR, SUBSTRING)                                  \
    do {                                                                \
        char *error__ = (ERROR);                                        \
        if (!error__) {                                                 \
            fail_msg("expected an error containing \"%s\"", SUBSTRING); \
        }                                                               \
        if (!strstr(error__, SUBSTRING)) {                              \
            char *copy__ = xstrdup(error__);                            \
            free(error__);                                              \
            fail_msg("error \"%s\" lacks \"%s\"", copy__, SUBSTRING);   \
        }                                                               \
        assert_null(strchr(error__, '\n'));                             \
        free(error__);                                                  \
    } while (0)

static struct uuid
next_uuid(void)
{
    static uint32_t counter;
    struct uuid uuid = { .parts = { ++counter, 0, 0, 0 } };
    return uuid;
}

static struct eth_addr
mac(const char *s)
{
    struct eth_addr ea;
    assert_ok(parse_mac(s, &ea));
    return ea;
}

static ovs_be32
ip(const char *s)
{
    ovs_be32 addr;
    assert_ok(parse_ipv4(s, &addr));
    return addr;
}

/* ------------------------------------------------------------------------
 * Parsers. */

static void
test_parse_name(void **state OVS_UNUSED)
{
    assert_ok(parse_name("tenant", "red"));
    assert_ok(parse_name("tenant", "a"));
    assert_ok(parse_name("tenant", "Red_1.x-y"));
    assert_ok(parse_name("tenant", "1"));

    char name[TOPO_NAME_MAX + 2];
    memset(name, 'a', sizeof name);
    name[TOPO_NAME_MAX] = '\0';
    assert_ok(parse_name("port", name));
    name[TOPO_NAME_MAX] = 'a';
    name[TOPO_NAME_MAX + 1] = '\0';
    assert_error(parse_name("port", name), "too long");

    assert_error(parse_name("tenant", ""), "tenant name must not be empty");
    assert_error(parse_name("network", "-x"), "must not start with '-'");
    assert_error(parse_name("network", "a/b"), "invalid network name \"a/b\"");
    assert_error(parse_name("host", "a b"), "invalid host name");
    assert_error(parse_name("host", "h\xc3\xa9"), "invalid host name");

    /* "." and "..": path segments, not names. */
    assert_error(parse_name("tenant", "."),
                 "invalid tenant name \".\": \".\" and \"..\" are not names");
    assert_error(parse_name("network", ".."), "invalid network name \"..\"");
    assert_ok(parse_name("port", "..."));
    assert_ok(parse_name("port", ".a"));
    assert_ok(parse_name("port", "a.."));
}

static void
test_parse_iface_name(void **state OVS_UNUSED)
{
    assert_ok(parse_iface_name("veth1"));
    assert_ok(parse_iface_name("e"));
    assert_ok(parse_iface_name("abcdefghijklmno"));     /* 15 */
    assert_error(parse_iface_name("abcdefghijklmnop"), "too long");
    assert_error(parse_iface_name(""), "must not be empty");
    assert_error(parse_iface_name("a/b"), "invalid interface name \"a/b\"");
    assert_error(parse_iface_name("a b"), "invalid interface name");
    assert_error(parse_iface_name("a\tb"), "invalid interface name");
    assert_error(parse_iface_name("."), "invalid interface name");
    assert_error(parse_iface_name(".."), "invalid interface name");
}

static void
test_parse_mac(void **state OVS_UNUSED)
{
    static const struct eth_addr mac1 = ETH_ADDR_C(02, 00, 00, 00, 00, 01);
    static const struct eth_addr mac2 = ETH_ADDR_C(0a, bc, de, f0, 12, 34);
    struct eth_addr ea;
    assert_ok(parse_mac("02:00:00:00:00:01", &ea));
    assert_true(eth_addr_equals(ea, mac1));
    assert_ok(parse_mac("0A:bC:dE:F0:12:34", &ea));
    assert_true(eth_addr_equals(ea, mac2));

    assert_error(parse_mac("zz:00:00:00:00:01", &ea),
                 "invalid MAC \"zz:00:00:00:00:01\": expected "
                 "xx:xx:xx:xx:xx:xx");
    assert_error(parse_mac("", &ea), "invalid MAC");
    assert_error(parse_mac("02:00:00:00:00", &ea), "invalid MAC");
    assert_error(parse_mac("02:00:00:00:00:01:", &ea), "invalid MAC");
    assert_error(parse_mac("02:00:00:00:00:01x", &ea), "invalid MAC");
    assert_error(parse_mac("02-00-00-00-00-01", &ea), "invalid MAC");
    assert_error(parse_mac("2:0:0:0:0:1", &ea), "invalid MAC");
    assert_error(parse_mac("020000000001", &ea), "invalid MAC");

    assert_error(parse_mac("01:00:5e:00:00:01", &ea),
                 "MAC 01:00:5e:00:00:01 is multicast");
    assert_error(parse_mac("03:00:00:00:00:01", &ea), "is multicast");
    assert_error(parse_mac("ff:ff:ff:ff:ff:ff", &ea), "broadcast");
    assert_error(parse_mac("00:00:00:00:00:00", &ea), "all zeros");
}

static void
test_parse_ipv4(void **state OVS_UNUSED)
{
    ovs_be32 addr;
    assert_ok(parse_ipv4("10.0.0.1", &addr));
    assert_int_equal(addr, htonl(0x0a000001));
    assert_ok(parse_ipv4("10.0.0.1/24", &addr));
    assert_int_equal(addr, htonl(0x0a000001));
    assert_ok(parse_ipv4("255.255.255.254", &addr));
    assert_ok(parse_ipv4("1.2.3.4/0", &addr));
    assert_ok(parse_ipv4("1.2.3.4/32", &addr));

    assert_error(parse_ipv4("10.0.0", &addr),
                 "invalid IP \"10.0.0\": expected A.B.C.D");
    assert_error(parse_ipv4("", &addr), "invalid IP");
    assert_error(parse_ipv4("10.0.0.256", &addr), "invalid IP");
    assert_error(parse_ipv4("10.0.0.1.", &addr), "invalid IP");
    assert_error(parse_ipv4("10.0.0.1x", &addr), "invalid IP");
    assert_error(parse_ipv4(" 10.0.0.1", &addr), "invalid IP");
    assert_error(parse_ipv4("10.0.0.-1", &addr), "invalid IP");
    assert_error(parse_ipv4("010.0.0.1", &addr), "invalid IP");
    assert_error(parse_ipv4("1.2.3.4/33", &addr), "invalid IP");
    assert_error(parse_ipv4("1.2.3.4/", &addr), "invalid IP");
    assert_error(parse_ipv4("1.2.3.4/x", &addr), "invalid IP");
    assert_error(parse_ipv4("1.2.3.4/-1", &addr), "invalid IP");

    assert_error(parse_ipv4("0.0.0.0", &addr), "unspecified");
    assert_error(parse_ipv4("255.255.255.255", &addr), "broadcast");
    assert_error(parse_ipv4("224.0.0.1", &addr), "IP 224.0.0.1 is multicast");
    assert_error(parse_ipv4("239.255.255.255", &addr), "multicast");
}

static void
test_parse_net_type(void **state OVS_UNUSED)
{
    static const enum topo_net_type types[] = {
        TOPO_NET_VLAN, TOPO_NET_VXLAN, TOPO_NET_GRE, TOPO_NET_GENEVE,
    };
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        enum topo_net_type type;
        assert_ok(parse_net_type(topo_net_type_to_string(types[i]), &type));
        assert_int_equal(type, types[i]);
    }

    enum topo_net_type type;
    assert_error(parse_net_type("foo", &type),
                 "network type \"foo\" unknown (expected vlan, vxlan, gre "
                 "or geneve)");
    assert_error(parse_net_type("", &type), "unknown");
    assert_error(parse_net_type("VLAN", &type), "unknown");
}

static void
test_parse_segment_id(void **state OVS_UNUSED)
{
    uint32_t id;

    assert_ok(parse_segment_id(TOPO_NET_VLAN, "1", &id));
    assert_int_equal(id, 1);
    assert_ok(parse_segment_id(TOPO_NET_VLAN, "4094", &id));
    assert_int_equal(id, 4094);
    assert_error(parse_segment_id(TOPO_NET_VLAN, "0", &id),
                 "invalid VLAN ID 0 (must be 1-4094)");
    assert_error(parse_segment_id(TOPO_NET_VLAN, "4095", &id),
                 "invalid VLAN ID 4095 (must be 1-4094)");

    assert_ok(parse_segment_id(TOPO_NET_VXLAN, "1", &id));
    assert_ok(parse_segment_id(TOPO_NET_VXLAN, "16777215", &id));
    assert_int_equal(id, 16777215);
    assert_error(parse_segment_id(TOPO_NET_VXLAN, "0", &id),
                 "invalid VNI 0 for vxlan (must be 1-16777215)");
    assert_error(parse_segment_id(TOPO_NET_VXLAN, "16777216", &id),
                 "invalid VNI 16777216 for vxlan (must be 1-16777215)");
    assert_ok(parse_segment_id(TOPO_NET_GENEVE, "16777215", &id));
    assert_error(parse_segment_id(TOPO_NET_GENEVE, "16777216", &id),
                 "for geneve");
    assert_ok(parse_segment_id(TOPO_NET_GRE, "16777215", &id));
    assert_error(parse_segment_id(TOPO_NET_GRE, "16777216", &id),
                 "invalid GRE key 16777216");
    assert_ok(parse_segment_id(TOPO_NET_VLAN, "4000", &id));

    /* Strictness: junk, signs, whitespace, empty, overflow. */
    id = 77;
    assert_error(parse_segment_id(TOPO_NET_VLAN, "12abc", &id),
                 "invalid VLAN ID \"12abc\"");
    assert_error(parse_segment_id(TOPO_NET_VLAN, "-1", &id),
                 "invalid VLAN ID \"-1\"");
    assert_error(parse_segment_id(TOPO_NET_VLAN, "+1", &id), "invalid");
    assert_error(parse_segment_id(TOPO_NET_VLAN, " 1", &id), "invalid");
    assert_error(parse_segment_id(TOPO_NET_VLAN, "1 ", &id), "invalid");
    assert_error(parse_segment_id(TOPO_NET_VLAN, "0x10", &id), "invalid");
    assert_error(parse_segment_id(TOPO_NET_VLAN, "", &id),
                 "invalid VLAN ID \"\"");
    assert_error(parse_segment_id(TOPO_NET_VXLAN, "4294967297", &id),
                 "must be 1-16777215");
    assert_error(parse_segment_id(TOPO_NET_VXLAN,
                                  "99999999999999999999999", &id),
                 "must be 1-16777215");
    assert_int_equal(id, 77);       /* Untouched on error. */
}

static void
test_parse_mtu(void **state OVS_UNUSED)
{
    int mtu;
    assert_ok(parse_mtu("68", &mtu));
    assert_int_equal(mtu, 68);
    assert_ok(parse_mtu("65535", &mtu));
    assert_int_equal(mtu, 65535);
    assert_ok(parse_mtu("1500", &mtu));
    assert_error(parse_mtu("67", &mtu), "invalid MTU 67 (must be 68-65535)");
    assert_error(parse_mtu("65536", &mtu), "(must be 68-65535)");
    assert_error(parse_mtu("0", &mtu), "invalid MTU 0");
    assert_error(parse_mtu("-1500", &mtu), "invalid MTU \"-1500\"");
    assert_error(parse_mtu("1500x", &mtu), "invalid MTU \"1500x\"");
    assert_error(parse_mtu("", &mtu), "invalid MTU");
}

static void
test_parse_ovsdb_remote(void **state OVS_UNUSED)
{
    assert_ok(parse_ovsdb_remote("unix:/var/run/openvswitch/db.sock"));
    assert_ok(parse_ovsdb_remote("tcp:192.0.2.1:6640"));
    assert_ok(parse_ovsdb_remote("tcp:127.0.0.1:1"));
    assert_ok(parse_ovsdb_remote("tcp:127.0.0.1:65535"));

    assert_error(parse_ovsdb_remote("unix:"), "invalid OVSDB remote");
    assert_error(parse_ovsdb_remote("tcp:192.0.2.1"), "tcp:IP:PORT");
    assert_error(parse_ovsdb_remote("tcp:192.0.2.1:0"), "tcp:IP:PORT");
    assert_error(parse_ovsdb_remote("tcp:192.0.2.1:65536"), "tcp:IP:PORT");
    assert_error(parse_ovsdb_remote("tcp:192.0.2.1:66x"), "tcp:IP:PORT");
    /* ssl: as tcp:, for stream-ssl. */
    assert_ok(parse_ovsdb_remote("ssl:192.0.2.1:6640"));
    assert_error(parse_ovsdb_remote("ssl:192.0.2.1"), "ssl:IP:PORT");
    assert_error(parse_ovsdb_remote("ssl:192.0.2.1:0"), "ssl:IP:PORT");
    assert_error(parse_ovsdb_remote("ssl:host:6640"), "ssl:IP:PORT");
    assert_error(parse_ovsdb_remote("pssl:6640"), "unix:PATH, tcp:IP:PORT "
                 "or ssl:IP:PORT");
    assert_error(parse_ovsdb_remote("tcp:host:6640"), "tcp:IP:PORT");
    assert_error(parse_ovsdb_remote(""), "invalid OVSDB remote");
    assert_error(parse_ovsdb_remote("/var/run/db.sock"),
                 "invalid OVSDB remote");
}

static void
test_parse_datapath_type(void **state OVS_UNUSED)
{
    assert_ok(parse_datapath_type("netdev"));
    assert_ok(parse_datapath_type("system"));
    assert_error(parse_datapath_type("dummy"),
                 "datapath type \"dummy\" unknown (expected netdev or "
                 "system)");
    assert_error(parse_datapath_type(""), "unknown");
}

static void
test_parse_path(void **state OVS_UNUSED)
{
    char *parts[3];

    assert_ok(parse_path("red/net1", 2, parts));
    assert_string_equal(parts[0], "red");
    assert_string_equal(parts[1], "net1");
    free(parts[0]);
    free(parts[1]);

    assert_ok(parse_path("red/net1/a", 3, parts));
    assert_string_equal(parts[0], "red");
    assert_string_equal(parts[1], "net1");
    assert_string_equal(parts[2], "a");
    for (int i = 0; i < 3; i++) {
        free(parts[i]);
    }

    assert_ok(parse_path("red", 1, parts));
    assert_string_equal(parts[0], "red");
    free(parts[0]);

    assert_error(parse_path("red", 2, parts),
                 "invalid path \"red\": expected TENANT/NETWORK");
    assert_null(parts[0]);
    assert_error(parse_path("red/net1", 3, parts),
                 "expected TENANT/NETWORK/PORT");
    assert_error(parse_path("red/net1/a/b", 3, parts), "invalid path");
    assert_error(parse_path("red/", 2, parts),
                 "network name must not be empty");
    assert_null(parts[0]);
    assert_null(parts[1]);
    assert_error(parse_path("/net1", 2, parts), "tenant name");
    assert_error(parse_path("red/net 1", 2, parts), "invalid network name");
    assert_error(parse_path("red/net1/-a", 3, parts), "invalid port name");
    assert_error(parse_path("red/..", 2, parts), "invalid network name");
    assert_error(parse_path("./net1/a", 3, parts), "invalid tenant name");
    assert_null(parts[2]);
}

/* ------------------------------------------------------------------------
 * Semantic checks.
 *
 * The fixture: hosts h1 and h2; tenants red and blue; networks red/net1
 * (vxlan 1001), red/net2 (vlan 10) and blue/net1 (vxlan 1002); port
 * red/net1/a on h1 (veth1, 02:00:00:00:00:01, 10.0.0.1 and 10.0.0.2). */
struct fixture {
    struct topology topo;
    struct topo_host *h1, *h2;
    struct topo_tenant *red, *blue;
    struct topo_network *red_net1, *red_net2, *blue_net1;
    struct topo_port *a;
};

static int
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

static int
teardown(void **state)
{
    struct fixture *f = *state;
    topology_destroy(&f->topo);
    free(f);
    return 0;
}

static void
test_validate_new_host(void **state)
{
    struct fixture *f = *state;
    assert_ok(validate_new_host(&f->topo, "h3"));
    assert_error(validate_new_host(&f->topo, "h1"), "host h1 already exists");
    assert_error(validate_new_host(&f->topo, "h 3"), "invalid host name");
}

static void
test_validate_new_tenant(void **state)
{
    struct fixture *f = *state;
    assert_ok(validate_new_tenant(&f->topo, "green"));
    assert_error(validate_new_tenant(&f->topo, "red"),
                 "tenant red already exists");
    assert_error(validate_new_tenant(&f->topo, ""), "must not be empty");
    assert_error(validate_new_tenant(&f->topo, ".."), "are not names");
}

static void
test_validate_new_network(void **state)
{
    struct fixture *f = *state;

    /* Same name in another tenant is fine; in the same tenant it is not. */
    assert_ok(validate_new_network(&f->topo, f->blue, "net2",
                                   TOPO_NET_VXLAN, 2000, false));
    assert_error(validate_new_network(&f->topo, f->red, "net1",
                                      TOPO_NET_VXLAN, 2000, false),
                 "network red/net1 already exists");

    /* Segment ids are unique per type, across tenants. */
    assert_error(validate_new_network(&f->topo, f->blue, "net2",
                                      TOPO_NET_VXLAN, 1001, false),
                 "vxlan segment 1001 is already used by network red/net1");
    assert_ok(validate_new_network(&f->topo, f->blue, "net2",
                                   TOPO_NET_GENEVE, 1001, false));
    assert_ok(validate_new_network(&f->topo, f->blue, "net2",
                                   TOPO_NET_VLAN, 1001, false));
    assert_error(validate_new_network(&f->topo, f->blue, "net2",
                                      TOPO_NET_VLAN, 10, false),
                 "vlan segment 10 is already used by network red/net2");

    /* Ranges are re-checked for callers that skipped the parser. */
    assert_error(validate_new_network(&f->topo, f->blue, "net2",
                                      TOPO_NET_VLAN, 4095, false),
                 "invalid VLAN ID 4095");
    assert_error(validate_new_network(&f->topo, f->blue, "net2",
                                      TOPO_NET_VXLAN, 0, false),
                 "invalid VNI 0");
    assert_error(validate_new_network(&f->topo, f->blue, "bad/name",
                                      TOPO_NET_VXLAN, 5, false),
                 "invalid network");
}

static void
test_validate_new_port(void **state)
{
    struct fixture *f = *state;
    ovs_be32 ip3 = ip("10.0.0.3");
    ovs_be32 ip1 = ip("10.0.0.1");

    assert_ok(validate_new_port(&f->topo, f->red_net1, f->h1, "b", "veth2",
                                mac("02:00:00:00:00:02"), &ip3, 1, false));
    assert_ok(validate_new_port(&f->topo, f->red_net1, f->h1, "b", "veth2",
                                mac("02:00:00:00:00:02"), NULL, 0, false));

    /* Name. */
    assert_error(validate_new_port(&f->topo, f->red_net1, f->h1, "a", "veth2",
                                   mac("02:00:00:00:00:02"), NULL, 0, false),
                 "port red/net1/a already exists");
    assert_ok(validate_new_port(&f->topo, f->red_net2, f->h1, "a", "veth2",
                                mac("02:00:00:00:00:02"), NULL, 0, false));

    /* MAC: unique within the network only. */
    assert_error(validate_new_port(&f->topo, f->red_net1, f->h1, "b", "veth2",
                                   mac("02:00:00:00:00:01"), NULL, 0, false),
                 "duplicate MAC 02:00:00:00:00:01 in network red/net1 "
                 "(port red/net1/a)");
    assert_ok(validate_new_port(&f->topo, f->red_net2, f->h1, "b", "veth2",
                                mac("02:00:00:00:00:01"), NULL, 0, false));
    assert_ok(validate_new_port(&f->topo, f->blue_net1, f->h2, "b", "veth1",
                                mac("02:00:00:00:00:01"), &ip1, 1, false));

    /* IP: unique within the network only.  (Not given twice: step 1,
     * test_request_check().) */
    assert_error(validate_new_port(&f->topo, f->red_net1, f->h1, "b", "veth2",
                                   mac("02:00:00:00:00:02"), &ip1, 1, false),
                 "duplicate IP 10.0.0.1 in network red/net1 "
                 "(port red/net1/a)");
    assert_ok(validate_new_port(&f->topo, f->red_net2, f->h1, "b", "veth2",
                                mac("02:00:00:00:00:02"), &ip1, 1, false));

    /* Interface: unique per host, across networks. */
    assert_error(validate_new_port(&f->topo, f->red_net2, f->h1, "b", "veth1",
                                   mac("02:00:00:00:00:02"), NULL, 0, false),
                 "interface veth1 is already used on host h1 by port "
                 "red/net1/a");
    assert_ok(validate_new_port(&f->topo, f->red_net1, f->h2, "b", "veth1",
                                mac("02:00:00:00:00:02"), NULL, 0, false));

    /* Bad names from callers that skipped the parsers.  (A MAC or IP comes
     * parsed: step 1, test_request_check().) */
    assert_error(validate_new_port(&f->topo, f->red_net1, f->h1, "b c",
                                   "veth2", mac("02:00:00:00:00:02"), NULL,
                                   0, false), "invalid port name");
    assert_error(validate_new_port(&f->topo, f->red_net1, f->h1, "b",
                                   "veth/2", mac("02:00:00:00:00:02"), NULL,
                                   0, false), "invalid interface name");
}

/* Interface names that weft's own infrastructure takes on a host: br-int,
 * every tunnel name (also of hosts not added yet), the host's uplink. */
static void
test_validate_reserved_iface(void **state)
{
    struct fixture *f = *state;
    struct uuid u = next_uuid();
    struct topo_host *h3 = topology_add_host(&f->topo, &u, "h3",
                                             "unix:/h3.sock", NULL,
                                             "192.0.2.3", "netdev", "eth1");

    assert_true(validate_iface_is_reserved(f->h1, "br-int"));
    assert_true(validate_iface_is_reserved(f->h1, "vx-h2"));
    assert_true(validate_iface_is_reserved(f->h1, "gr-h2"));
    assert_true(validate_iface_is_reserved(f->h1, "gv-h9"));
    assert_true(validate_iface_is_reserved(f->h1, "vx-1a2b3c4d"));
    assert_true(validate_iface_is_reserved(h3, "eth1"));
    assert_true(validate_iface_is_reserved(NULL, "vx-h2"));
    assert_false(validate_iface_is_reserved(f->h1, "eth1"));
    assert_false(validate_iface_is_reserved(NULL, "eth1"));
    assert_false(validate_iface_is_reserved(f->h1, "vxh2"));
    assert_false(validate_iface_is_reserved(f->h1, "br-int0"));
    assert_false(validate_iface_is_reserved(f->h1, "br-phy"));

    /* validate_new_port() refuses them with one message that does not say
     * what holds the name. */
    static const char *const names[] = { "br-int", "vx-h2", "gv-h1",
                                         "eth1" };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char *want = xasprintf("interface name %s is not available on host "
                               "h3", names[i]);
        for (int tv = 0; tv < 2; tv++) {
            char *error = validate_new_port(&f->topo, f->red_net1, h3, "b",
                                            names[i],
                                            mac("02:00:00:00:00:02"), NULL,
                                            0, tv);
            assert_non_null(error);
            assert_non_null(strstr(error, want));
            assert_null(strstr(error, "uplink"));
            free(error);
        }
        free(want);
    }
    /* The uplink's name is only the uplink's host's. */
    assert_ok(validate_new_port(&f->topo, f->red_net1, f->h1, "b", "eth1",
                                mac("02:00:00:00:00:02"), NULL, 0, true));
}

/* A tenant admin's conflicts never name another tenant's objects; the
 * administrator's do, and conflicts within one's own tenant may. */
static void
test_validate_tenant_view(void **state)
{
    struct fixture *f = *state;
    char *error;

    /* red's net1 holds vxlan 1001; blue asks for it. */
    error = validate_new_network(&f->topo, f->blue, "net2", TOPO_NET_VXLAN,
                                 1001, true);
    assert_non_null(error);
    assert_string_equal(error, "vxlan segment 1001 is already in use");
    free(error);
    assert_error(validate_new_network(&f->topo, f->blue, "net2",
                                      TOPO_NET_VXLAN, 1001, false),
                 "vxlan segment 1001 is already used by network red/net1");
    assert_error(validate_new_network(&f->topo, f->red, "net3",
                                      TOPO_NET_VXLAN, 1001, true),
                 "already used by network red/net1");

    /* red's port a holds veth1 on h1; blue asks for it. */
    error = validate_new_port(&f->topo, f->blue_net1, f->h1, "b", "veth1",
                              mac("02:00:00:00:00:02"), NULL, 0, true);
    assert_non_null(error);
    assert_string_equal(error, "interface veth1 is already in use on host h1");
    free(error);
    assert_error(validate_new_port(&f->topo, f->blue_net1, f->h1, "b",
                                   "veth1", mac("02:00:00:00:00:02"), NULL,
                                   0, false),
                 "interface veth1 is already used on host h1 by port "
                 "red/net1/a");
    assert_error(validate_new_port(&f->topo, f->red_net2, f->h1, "b",
                                   "veth1", mac("02:00:00:00:00:02"), NULL,
                                   0, true),
                 "by port red/net1/a");
}

static void
test_validate_del(void **state)
{
    struct fixture *f = *state;
    struct uuid u;

    assert_ok(validate_del_host(&f->topo, f->h2));
    assert_error(validate_del_host(&f->topo, f->h1), "host h1 still has "
                 "1 port");
    assert_ok(validate_del_network(&f->topo, f->red_net2));
    assert_error(validate_del_network(&f->topo, f->red_net1),
                 "network red/net1 still has 1 port");
    assert_error(validate_del_tenant(&f->topo, f->red),
                 "tenant red still has 2 networks");
    assert_error(validate_del_tenant(&f->topo, f->blue),
                 "tenant blue still has 1 network");

    u = next_uuid();
    topology_add_port(&f->topo, &u, f->red_net1, f->h1, "b", "veth2",
                      mac("02:00:00:00:00:02"), NULL, 0, 2);
    u = next_uuid();
    topology_add_port(&f->topo, &u, f->blue_net1, f->h1, "c", "veth3",
                      mac("02:00:00:00:00:03"), NULL, 0, 3);
    assert_error(validate_del_network(&f->topo, f->red_net1),
                 "network red/net1 still has 2 ports");
    assert_error(validate_del_host(&f->topo, f->h1),
                 "host h1 still has 3 ports");
    assert_ok(validate_del_host(&f->topo, f->h2));

    u = next_uuid();
    struct topo_tenant *green = topology_add_tenant(&f->topo, &u, "green", 9);
    assert_ok(validate_del_tenant(&f->topo, green));
}

/* ------------------------------------------------------------------------
 * Requests (validate-request.c): step 1, the values alone, and step 2,
 * against the fixture's topology, as weftctl and the REST API run them.
 * Messages and kinds are checked exactly: the kind is the REST status
 * (INVALID 400, NOT_FOUND 404, CONFLICT 409) and tests/lab checks both. */

/* A new request for 'op' on the path 'p0'/'p1'/'p2' (NULLs for fewer). */
static struct weft_request *
req_new(enum weft_op op, const char *p0, const char *p1, const char *p2)
{
    struct weft_request *req = xmalloc(sizeof *req);
    weft_request_init(req, op);
    req->path[0] = nullable_xstrdup(p0);
    req->path[1] = nullable_xstrdup(p1);
    req->path[2] = nullable_xstrdup(p2);
    return req;
}

static void
req_free(struct weft_request *req)
{
    weft_request_destroy(req);
    free(req);
}

/* A port-add request for red/net1/b on h1, veth2, 02:00:00:00:00:02. */
static struct weft_request *
port_req(const char *net, const char *host, const char *iface,
         const char *mac_s)
{
    struct weft_request *req = req_new(WEFT_OP_PORT_ADD, "red", net, "b");
    req->host = nullable_xstrdup(host);
    req->iface = nullable_xstrdup(iface);
    req->mac = nullable_xstrdup(mac_s);
    return req;
}

/* Asserts that 'error' is an error of 'kind' whose message is 'msg', and
 * frees it. */
static void
assert_werr(struct weft_error *error, enum weft_err_kind kind,
            const char *msg)
{
    if (!error) {
        fail_msg("expected %s error \"%s\"", weft_err_kind_name(kind), msg);
    }
    if (error->kind != kind || strcmp(error->message, msg)) {
        char *got = xasprintf("%s \"%s\"", weft_err_kind_name(error->kind),
                              error->message);
        weft_error_destroy(error);
        fail_msg("expected %s \"%s\", got %s", weft_err_kind_name(kind), msg,
                 got);
    }
    weft_error_destroy(error);
}

/* Step 1 of 'req' must fail with the INVALID 'msg'; so must step 2 (which
 * runs step 1 again for callers that skipped it).  Frees 'req'. */
static void
assert_invalid(const struct topology *topo, struct weft_request *req,
               const char *msg)
{
    assert_werr(weft_request_check(req), WEFT_ERR_INVALID, msg);
    struct weft_plan plan;
    assert_werr(weft_request_validate(req, topo, &plan), WEFT_ERR_INVALID,
                msg);
    weft_plan_destroy(&plan);
    req_free(req);
}

/* Step 1 of 'req' must pass and step 2 fail with 'kind' and 'msg'.  Frees
 * 'req'. */
static void
assert_refused(const struct topology *topo, struct weft_request *req,
               enum weft_err_kind kind, const char *msg)
{
    struct weft_error *error = weft_request_check(req);
    if (error) {
        fail_msg("step 1 refused: %s", error->message);
    }
    struct weft_plan plan;
    assert_werr(weft_request_validate(req, topo, &plan), kind, msg);
    weft_plan_destroy(&plan);
    req_free(req);
}

static void
test_request_check(void **state)
{
    struct fixture *f = *state;
    const struct topology *t = &f->topo;
    struct weft_request *req;

    /* Paths, for every op. */
    assert_invalid(t, req_new(WEFT_OP_HOST_DEL, "h 1", NULL, NULL),
                   "invalid host name \"h 1\": only letters, digits, '_', "
                   "'.' and '-' are allowed");
    assert_invalid(t, req_new(WEFT_OP_TENANT_DEL, NULL, NULL, NULL),
                   "tenant is required");
    assert_invalid(t, req_new(WEFT_OP_NET_DEL, "red", NULL, NULL),
                   "network is required");
    assert_invalid(t, req_new(WEFT_OP_PORT_DEL, "red", "net1", ".."),
                   "invalid port name \"..\": \".\" and \"..\" are not "
                   "names");

    /* host-add. */
    assert_invalid(t, req_new(WEFT_OP_HOST_ADD, "h3", NULL, NULL),
                   "OVSDB remote is required");
    req = req_new(WEFT_OP_HOST_ADD, "h3", NULL, NULL);
    req->remote = xstrdup("unix:/h3.sock");
    req->uplink = xstrdup("vx-h1");
    assert_invalid(t, req, "uplink vx-h1 is a name of weft's own (br-int, "
                   "or a tunnel: vx-..., gr-..., gv-...)");
    req = req_new(WEFT_OP_HOST_ADD, "h3", NULL, NULL);
    req->remote = xstrdup("unix:/h3.sock");
    req->openflow_remote = xstrdup("tcp:1.2.3.4");
    assert_invalid(t, req, "invalid OpenFlow remote \"tcp:1.2.3.4\": "
                   "expected unix:PATH, tcp:IP:PORT or ssl:IP:PORT");
    req = req_new(WEFT_OP_HOST_ADD, "h3", NULL, NULL);
    req->remote = xstrdup("unix:/h3.sock");
    req->tunnel_ip = xstrdup("10.0.0.256");
    assert_invalid(t, req, "invalid IP \"10.0.0.256\": expected A.B.C.D or "
                   "A.B.C.D/LEN");

    /* Tokens. */
    req = req_new(WEFT_OP_TENANT_ADD, "green", NULL, NULL);
    req->token_hash = xstrdup("ABCD");
    assert_invalid(t, req, "token hash must be 64 lowercase hex digits");
    assert_invalid(t, req_new(WEFT_OP_TENANT_TOKEN, "red", NULL, NULL),
                   "token hash is required");

    /* tenant-set. */
    assert_invalid(t, req_new(WEFT_OP_TENANT_SET, "red", NULL, NULL),
                   "no quota to set (expected ports, networks or "
                   "ips_per_port)");
    req = req_new(WEFT_OP_TENANT_SET, "red", NULL, NULL);
    weft_request_add_quota(req, "ports", "5");
    weft_request_add_quota(req, "ports", NULL);
    assert_invalid(t, req, "quota ports is given twice");

    /* net-add. */
    req = req_new(WEFT_OP_NET_ADD, "red", "net3", NULL);
    req->type = xstrdup("vxlan");
    assert_invalid(t, req, "segment id is required");
    req = req_new(WEFT_OP_NET_ADD, "red", "net3", NULL);
    req->type = xstrdup("vlan");
    req->segment = xstrdup("4095");
    assert_invalid(t, req, "invalid VLAN ID 4095 (must be 1-4094)");

    /* port-add: each value, in the order they are checked. */
    assert_invalid(t, port_req("net1", NULL, "veth2", "02:00:00:00:00:02"),
                   "host is required");
    assert_invalid(t, port_req("net1", "h1", "veth/2", "02:00:00:00:00:02"),
                   "invalid interface name \"veth/2\": must not contain "
                   "'/', whitespace or control characters");
    assert_invalid(t, port_req("net1", "h1", "veth2", NULL),
                   "MAC is required");
    assert_invalid(t, port_req("net1", "h1", "veth2", "01:00:5e:00:00:01"),
                   "MAC 01:00:5e:00:00:01 is multicast");
    assert_invalid(t, port_req("net1", "h1", "veth2", "00:00:00:00:00:00"),
                   "MAC 00:00:00:00:00:00 is all zeros");
    /* An IP given twice: the one check, here (not in validate_new_port()),
     * after every IP is parsed. */
    req = port_req("net1", "h1", "veth2", "02:00:00:00:00:02");
    weft_request_add_ip(req, "10.0.0.3");
    weft_request_add_ip(req, "10.0.0.3/24");
    assert_invalid(t, req, "IP 10.0.0.3 is given twice");
    req = port_req("net1", "h1", "veth2", "02:00:00:00:00:02");
    weft_request_add_ip(req, "10.0.0.3");
    weft_request_add_ip(req, "10.0.0.3");
    weft_request_add_ip(req, "10.0.0.x");
    assert_invalid(t, req, "invalid IP \"10.0.0.x\": expected A.B.C.D or "
                   "A.B.C.D/LEN");

    /* What passes. */
    req = port_req("net1", "h1", "veth2", "02:00:00:00:00:02");
    weft_request_add_ip(req, "10.0.0.3");
    assert_null(weft_request_check(req));
    req_free(req);
}

static void
test_request_validate_refusals(void **state)
{
    struct fixture *f = *state;
    const struct topology *t = &f->topo;
    struct weft_request *req;

    /* Hosts. */
    req = req_new(WEFT_OP_HOST_ADD, "h1", NULL, NULL);
    req->remote = xstrdup("unix:/h1.sock");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "host h1 already exists");
    assert_refused(t, req_new(WEFT_OP_HOST_DEL, "h9", NULL, NULL),
                   WEFT_ERR_NOT_FOUND, "host h9 does not exist");
    assert_refused(t, req_new(WEFT_OP_HOST_DEL, "h1", NULL, NULL),
                   WEFT_ERR_CONFLICT, "host h1 still has 1 port");

    /* Tenants. */
    assert_refused(t, req_new(WEFT_OP_TENANT_ADD, "red", NULL, NULL),
                   WEFT_ERR_CONFLICT, "tenant red already exists");
    assert_refused(t, req_new(WEFT_OP_TENANT_DEL, "red", NULL, NULL),
                   WEFT_ERR_CONFLICT, "tenant red still has 2 networks");
    assert_refused(t, req_new(WEFT_OP_TENANT_DEL, "green", NULL, NULL),
                   WEFT_ERR_NOT_FOUND, "tenant green does not exist");
    req = req_new(WEFT_OP_TENANT_TOKEN, "green", NULL, NULL);
    req->token_hash = xasprintf("%064d", 0);
    assert_refused(t, req, WEFT_ERR_NOT_FOUND, "tenant green does not exist");
    req = req_new(WEFT_OP_TENANT_SET, "green", NULL, NULL);
    weft_request_add_quota(req, "ports", "5");
    assert_refused(t, req, WEFT_ERR_NOT_FOUND, "tenant green does not exist");

    /* Networks. */
    req = req_new(WEFT_OP_NET_ADD, "green", "net1", NULL);
    req->type = xstrdup("vxlan");
    req->segment = xstrdup("3000");
    assert_refused(t, req, WEFT_ERR_NOT_FOUND, "tenant green does not exist");
    req = req_new(WEFT_OP_NET_ADD, "red", "net1", NULL);
    req->type = xstrdup("vxlan");
    req->segment = xstrdup("3000");
    assert_refused(t, req, WEFT_ERR_CONFLICT,
                   "network red/net1 already exists");
    req = req_new(WEFT_OP_NET_ADD, "blue", "net2", NULL);
    req->type = xstrdup("vxlan");
    req->segment = xstrdup("1001");
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_CONFLICT,
                   "vxlan segment 1001 is already in use");
    f->red->quota[TOPO_QUOTA_NETWORKS] = 2;
    req = req_new(WEFT_OP_NET_ADD, "red", "net3", NULL);
    req->type = xstrdup("vxlan");
    req->segment = xstrdup("3000");
    assert_refused(t, req, WEFT_ERR_CONFLICT,
                   "quota exceeded: tenant red may have at most 2 networks");
    assert_refused(t, req_new(WEFT_OP_NET_DEL, "red", "net9", NULL),
                   WEFT_ERR_NOT_FOUND, "network red/net9 does not exist");
    assert_refused(t, req_new(WEFT_OP_NET_DEL, "red", "net1", NULL),
                   WEFT_ERR_CONFLICT, "network red/net1 still has 1 port");

    /* Ports. */
    assert_refused(t, port_req("net9", "h1", "veth2", "02:00:00:00:00:02"),
                   WEFT_ERR_NOT_FOUND, "network red/net9 does not exist");
    assert_refused(t, port_req("net1", "h9", "veth2", "02:00:00:00:00:02"),
                   WEFT_ERR_NOT_FOUND, "host h9 does not exist");
    assert_refused(t, port_req("net1", "h1", "veth2", "02:00:00:00:00:01"),
                   WEFT_ERR_CONFLICT, "duplicate MAC 02:00:00:00:00:01 in "
                   "network red/net1 (port red/net1/a)");
    req = port_req("net1", "h1", "veth2", "02:00:00:00:00:02");
    weft_request_add_ip(req, "10.0.0.2/24");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "duplicate IP 10.0.0.2 in "
                   "network red/net1 (port red/net1/a)");
    assert_refused(t, port_req("net2", "h1", "veth1", "02:00:00:00:00:02"),
                   WEFT_ERR_CONFLICT, "interface veth1 is already used on "
                   "host h1 by port red/net1/a");
    assert_refused(t, port_req("net1", "h1", "br-int", "02:00:00:00:00:02"),
                   WEFT_ERR_CONFLICT, "interface name br-int is not "
                   "available on host h1");
    f->red->quota[TOPO_QUOTA_IPS_PER_PORT] = 1;
    req = port_req("net1", "h1", "veth2", "02:00:00:00:00:02");
    weft_request_add_ip(req, "10.0.0.3");
    weft_request_add_ip(req, "10.0.0.4");
    assert_refused(t, req, WEFT_ERR_CONFLICT,
                   "quota exceeded: tenant red may have at most 1 IP per "
                   "port");
    f->red->quota[TOPO_QUOTA_PORTS] = 1;
    assert_refused(t, port_req("net1", "h1", "veth2", "02:00:00:00:00:02"),
                   WEFT_ERR_CONFLICT,
                   "quota exceeded: tenant red may have at most 1 port");
    assert_refused(t, req_new(WEFT_OP_PORT_DEL, "red", "net1", "zz"),
                   WEFT_ERR_NOT_FOUND, "port red/net1/zz does not exist");
    assert_refused(t, req_new(WEFT_OP_PORT_DEL, "red", "net9", "a"),
                   WEFT_ERR_NOT_FOUND, "network red/net9 does not exist");
}

/* What passes both steps comes out parsed, resolved and with a free key. */
static void
test_request_validate_plans(void **state)
{
    struct fixture *f = *state;
    const struct topology *t = &f->topo;
    struct weft_request *req;
    struct weft_plan plan;

    req = port_req("net1", "h2", "veth2", "02:00:00:00:00:0A");
    weft_request_add_ip(req, "10.0.0.3/24");
    weft_request_add_ip(req, "10.0.0.4");
    assert_null(weft_request_validate(req, t, &plan));
    assert_ptr_equal(plan.req, req);
    assert_ptr_equal(plan.net, f->red_net1);
    assert_ptr_equal(plan.tenant, f->red);
    assert_ptr_equal(plan.host, f->h2);
    assert_int_equal(plan.key, 2);          /* Port a has key 1. */
    assert_true(eth_addr_equals(plan.mac, mac("02:00:00:00:00:0a")));
    assert_int_equal(plan.ips[0], ip("10.0.0.3"));
    assert_int_equal(plan.ips[1], ip("10.0.0.4"));
    weft_plan_destroy(&plan);
    req_free(req);

    req = req_new(WEFT_OP_NET_ADD, "blue", "net2", NULL);
    req->type = xstrdup("gre");
    req->segment = xstrdup("7");
    req->mtu = xstrdup("1400");
    assert_null(weft_request_validate(req, t, &plan));
    assert_ptr_equal(plan.tenant, f->blue);
    assert_int_equal(plan.type, TOPO_NET_GRE);
    assert_int_equal(plan.segment_id, 7);
    assert_int_equal(plan.mtu, 1400);
    assert_int_equal(plan.key, 4);          /* Networks have 1, 2, 3. */
    weft_plan_destroy(&plan);
    req_free(req);

    req = req_new(WEFT_OP_HOST_ADD, "h3", NULL, NULL);
    req->remote = xstrdup("tcp:192.0.2.3:6640");
    req->tunnel_ip = xstrdup("192.0.2.3/24");
    assert_null(weft_request_validate(req, t, &plan));
    assert_int_equal(plan.tunnel_ip, ip("192.0.2.3"));
    weft_plan_destroy(&plan);
    req_free(req);

    req = req_new(WEFT_OP_TENANT_ADD, "green", NULL, NULL);
    assert_null(weft_request_validate(req, t, &plan));
    assert_int_equal(plan.key, 3);          /* red 1, blue 2. */
    weft_plan_destroy(&plan);
    req_free(req);

    req = req_new(WEFT_OP_TENANT_SET, "blue", NULL, NULL);
    weft_request_add_quota(req, "networks", "7");
    weft_request_add_quota(req, "ports", NULL);
    assert_null(weft_request_validate(req, t, &plan));
    assert_ptr_equal(plan.tenant, f->blue);
    assert_int_equal(plan.quota_change[TOPO_QUOTA_NETWORKS], WEFT_QUOTA_SET);
    assert_int_equal(plan.quota_limit[TOPO_QUOTA_NETWORKS], 7);
    assert_int_equal(plan.quota_change[TOPO_QUOTA_PORTS],
                     WEFT_QUOTA_DEFAULT);
    assert_int_equal(plan.quota_change[TOPO_QUOTA_IPS_PER_PORT],
                     WEFT_QUOTA_KEEP);
    weft_plan_destroy(&plan);
    req_free(req);

    req = req_new(WEFT_OP_PORT_DEL, "red", "net1", "a");
    assert_null(weft_request_validate(req, t, &plan));
    assert_ptr_equal(plan.port, f->a);
    weft_plan_destroy(&plan);
    req_free(req);
}

/* The last free key taken, a create is a conflict. */
static void
test_request_validate_no_key(void **state)
{
    struct fixture *f = *state;
    for (uint32_t key = 3; key <= TOPO_TENANT_KEY_MAX; key++) {
        char name[16];
        snprintf(name, sizeof name, "t%"PRIu32, key);
        struct uuid u = next_uuid();
        topology_add_tenant(&f->topo, &u, name, key);
    }
    assert_refused(&f->topo, req_new(WEFT_OP_TENANT_ADD, "green", NULL, NULL),
                   WEFT_ERR_CONFLICT,
                   "no free tenant key (all 65535 are in use)");
}

static void
test_next_keys(void **state OVS_UNUSED)
{
    struct topology topo;
    struct uuid u;

    topology_init(&topo);
    assert_int_equal(topology_next_tenant_key(&topo), 1);
    assert_int_equal(topology_next_network_key(&topo), 1);
    assert_int_equal(topology_next_port_key(&topo), 1);

    /* Tenants 1, 2, 4, 7 (inserted out of order): next is 3. */
    static const uint32_t tenant_keys[] = { 4, 1, 7, 2 };
    struct topo_tenant *tenant = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(tenant_keys); i++) {
        char name[16];
        snprintf(name, sizeof name, "t%"PRIuSIZE, i);
        u = next_uuid();
        tenant = topology_add_tenant(&topo, &u, name, tenant_keys[i]);
    }
    assert_int_equal(topology_next_tenant_key(&topo), 3);
    u = next_uuid();
    topology_add_tenant(&topo, &u, "t3", 3);
    assert_int_equal(topology_next_tenant_key(&topo), 5);

    /* Networks 2, 3: next is 1 (gap at the start). */
    u = next_uuid();
    struct topo_network *net = topology_add_network(&topo, &u, tenant, "n2",
                                                    TOPO_NET_VLAN, 2, 0, 2);
    u = next_uuid();
    topology_add_network(&topo, &u, tenant, "n3", TOPO_NET_VLAN, 3, 0, 3);
    assert_int_equal(topology_next_network_key(&topo), 1);

    /* Ports 1, 2, 3: next is 4 (no gap). */
    u = next_uuid();
    struct topo_host *host = topology_add_host(&topo, &u, "h", "unix:/x",
                                               NULL, NULL, NULL, NULL);
    for (uint32_t key = 1; key <= 3; key++) {
        char name[16];
        snprintf(name, sizeof name, "p%"PRIu32, key);
        struct eth_addr ea = ETH_ADDR_C(02, 00, 00, 00, 00, 00);
        ea.ea[5] = key;
        u = next_uuid();
        topology_add_port(&topo, &u, net, host, name, name, ea, NULL, 0, key);
    }
    assert_int_equal(topology_next_port_key(&topo), 4);

    /* The top of the range: TOPO_TENANT_KEY_MAX in use, then all taken. */
    topology_destroy(&topo);
    topology_init(&topo);
    for (uint32_t key = 1; key <= TOPO_TENANT_KEY_MAX; key++) {
        char name[16];
        snprintf(name, sizeof name, "t%"PRIu32, key);
        u = next_uuid();
        if (key != TOPO_TENANT_KEY_MAX) {
            topology_add_tenant(&topo, &u, name, key);
        }
    }
    assert_int_equal(topology_next_tenant_key(&topo), TOPO_TENANT_KEY_MAX);
    u = next_uuid();
    topology_add_tenant(&topo, &u, "last", TOPO_TENANT_KEY_MAX);
    assert_int_equal(topology_next_tenant_key(&topo), 0);
    topology_destroy(&topo);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_name),
        cmocka_unit_test(test_parse_iface_name),
        cmocka_unit_test(test_parse_mac),
        cmocka_unit_test(test_parse_ipv4),
        cmocka_unit_test(test_parse_net_type),
        cmocka_unit_test(test_parse_segment_id),
        cmocka_unit_test(test_parse_mtu),
        cmocka_unit_test(test_parse_ovsdb_remote),
        cmocka_unit_test(test_parse_datapath_type),
        cmocka_unit_test(test_parse_path),
        cmocka_unit_test_setup_teardown(test_validate_new_host, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_new_tenant, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_new_network, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_new_port, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_reserved_iface, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_tenant_view, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_del, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_validate_refusals,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_validate_plans, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_request_validate_no_key, setup,
                                        teardown),
        cmocka_unit_test(test_next_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
