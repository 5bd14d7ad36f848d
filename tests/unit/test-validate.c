/* test-validate: unit tests for topology/validate.c, the parsers and checks
 * every write to weft's desired state goes through.  (A whole request's
 * checks, validate-request.c: test-validate-request.c.)
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

#include "validate-fixture.h"

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
 * Semantic checks, against the fixture (validate-fixture.h): hosts h1 and
 * h2; tenants red and blue; networks red/net1 (vxlan 1001), red/net2 (vlan
 * 10) and blue/net1 (vxlan 1002); port red/net1/a on h1 (veth1,
 * 02:00:00:00:00:01, 10.0.0.1 and 10.0.0.2). */

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

/* ------------------------------------------------------------------------
 * Subnets, addresses and routers (validate-subnet.c, validate-router.c). */

static void
test_parse_cidr(void **state OVS_UNUSED)
{
    struct topo_subnet sn;
    assert_ok(parse_cidr("10.1.0.0/24", &sn));
    assert_int_equal(sn.plen, 24);
    assert_true(sn.prefix == ip("10.1.0.0"));
    assert_ok(parse_cidr("10.0.0.0/8", &sn));
    assert_ok(parse_cidr("10.1.0.4/30", &sn));
    assert_error_is(parse_cidr("10.1.0.5/24", &sn),
                    "cidr 10.1.0.5/24 has host bits set (did you mean "
                    "10.1.0.0/24?)");
    assert_error_is(parse_cidr("10.1.0.0/31", &sn),
                    "invalid cidr \"10.1.0.0/31\": prefix length must be "
                    "8-30");
    assert_error(parse_cidr("10.0.0.0/7", &sn), "prefix length must be 8-30");
    assert_error_is(parse_cidr("10.1.0.0", &sn),
                    "invalid cidr \"10.1.0.0\": expected A.B.C.D/LEN");
    assert_error(parse_cidr("10.1.0.0/", &sn), "expected A.B.C.D/LEN");
    assert_error(parse_cidr("10.1.0.0/024", &sn), "expected A.B.C.D/LEN");
    assert_error(parse_cidr("10.1.0.0/2x", &sn), "expected A.B.C.D/LEN");
    assert_error(parse_cidr("10.1.0/24", &sn), "expected A.B.C.D/LEN");
    assert_error(parse_cidr("0.0.0.0/8", &sn), "expected A.B.C.D/LEN");
    assert_error(parse_cidr("fd00::/64", &sn), "expected A.B.C.D/LEN");

    /* The gateway: default, inside, not network or broadcast. */
    assert_ok(parse_cidr("10.1.0.0/24", &sn));
    assert_ok(parse_gateway(NULL, &sn));
    assert_true(sn.gateway == ip("10.1.0.1"));
    assert_ok(parse_gateway("10.1.0.254", &sn));
    assert_true(sn.gateway == ip("10.1.0.254"));
    assert_error_is(parse_gateway("10.1.1.1", &sn),
                    "gateway 10.1.1.1 is outside 10.1.0.0/24");
    assert_error_is(parse_gateway("10.1.0.0", &sn),
                    "gateway 10.1.0.0 is the network address of 10.1.0.0/24");
    assert_error_is(parse_gateway("10.1.0.255", &sn),
                    "gateway 10.1.0.255 is the broadcast address of "
                    "10.1.0.0/24");
    assert_error_is(parse_gateway("10.1.0.1/24", &sn),
                    "invalid gateway \"10.1.0.1/24\": expected A.B.C.D");
    assert_error(parse_gateway("x", &sn), "invalid gateway \"x\"");
}

static void
test_parse_route_prefix(void **state OVS_UNUSED)
{
    struct topo_route r;
    assert_ok(parse_route_prefix("0.0.0.0/0", &r));
    assert_int_equal(r.plen, 0);
    assert_ok(parse_route_prefix("10.9.0.0/16", &r));
    assert_true(r.prefix == ip("10.9.0.0"));
    assert_ok(parse_route_prefix("10.9.0.7/32", &r));
    assert_error_is(parse_route_prefix("10.9.0.5/16", &r),
                    "prefix 10.9.0.5/16 has host bits set (did you mean "
                    "10.9.0.0/16?)");
    assert_error(parse_route_prefix("10.9.0.0/33", &r),
                 "prefix length must be 0-32");
    assert_error(parse_route_prefix("10.9.0.0", &r), "expected A.B.C.D/LEN");
    assert_error(parse_route_prefix("1.2.3.4/0", &r), "host bits set");
}

/* red/net1 gets 10.0.0.0/24 with gateway 10.0.0.254 (its port a has .1 and
 * .2), red/net2 10.2.0.0/24 with the default gateway. */
static void
set_subnets(struct fixture *f)
{
    struct topo_subnet sn;
    bool changed;
    assert_ok(parse_cidr("10.0.0.0/24", &sn));
    assert_ok(parse_gateway("10.0.0.254", &sn));
    assert_true(topology_set_network_subnet(&f->topo, f->red_net1, &sn,
                                            &changed));
    assert_ok(parse_cidr("10.2.0.0/24", &sn));
    assert_ok(parse_gateway(NULL, &sn));
    assert_true(topology_set_network_subnet(&f->topo, f->red_net2, &sn,
                                            &changed));
}

static void
test_validate_port_in_subnet(void **state)
{
    struct fixture *f = *state;
    set_subnets(f);
    const struct topo_network *n = f->red_net1;
    struct eth_addr m = mac("02:00:00:00:00:09");
    ovs_be32 ips[2] = { ip("10.0.0.3"), ip("10.0.0.253") };
    assert_ok(validate_port_in_subnet(n, m, ips, 2));
    assert_ok(validate_port_in_subnet(n, m, NULL, 0));
    ips[1] = ip("10.0.1.3");
    assert_error_is(validate_port_in_subnet(n, m, ips, 2),
                    "IP 10.0.1.3 is outside network red/net1's subnet "
                    "10.0.0.0/24");
    ips[1] = ip("10.0.0.254");
    assert_error_is(validate_port_in_subnet(n, m, ips, 2),
                    "IP 10.0.0.254 is the gateway of network red/net1 "
                    "(10.0.0.0/24)");
    ips[1] = ip("10.0.0.0");
    assert_error_is(validate_port_in_subnet(n, m, ips, 2),
                    "IP 10.0.0.0 is the network address of network red/net1 "
                    "(10.0.0.0/24)");
    ips[1] = ip("10.0.0.255");
    assert_error_is(validate_port_in_subnet(n, m, ips, 2),
                    "IP 10.0.0.255 is the broadcast address of network "
                    "red/net1 (10.0.0.0/24)");
    /* Without a subnet, any IP. */
    ips[1] = ip("192.168.0.1");
    assert_ok(validate_port_in_subnet(f->blue_net1, m, ips, 2));

    /* Attached to a router: its MAC and the generated range are the
     * router's. */
    struct uuid u = next_uuid();
    struct topo_router *r = topology_add_router(&f->topo, &u, f->red, "r1",
                                                1);
    const struct topo_network *nets[1] = { n };
    struct eth_addr rmac = mac("0a:00:00:00:00:99");
    assert_true(topology_set_router_networks(&f->topo, r, nets, &rmac, 1));
    ips[1] = ip("10.0.0.4");
    assert_ok(validate_port_in_subnet(n, m, ips, 2));
    assert_error_is(validate_port_in_subnet(n, rmac, ips, 2),
                    "MAC 0a:00:00:00:00:99 is the router's: network "
                    "red/net1 is attached to router red/r1, which takes "
                    "that MAC");
    assert_error_is(validate_port_in_subnet(n, mac("02:57:00:09:00:01"), ips,
                                            2),
                    "MAC 02:57:00:09:00:01 is the router's: network "
                    "red/net1 is attached to router red/r1, which takes "
                    "MACs 02:57:xx:xx:xx:xx");
    /* Not attached: the range is free. */
    assert_ok(validate_port_in_subnet(f->red_net2, mac("02:57:00:09:00:01"),
                                      NULL, 0));
}

static void
test_subnet_allocate(void **state)
{
    struct fixture *f = *state;
    ovs_be32 a;
    assert_error_is(topo_subnet_allocate(f->red_net1, &a),
                    "network red/net1 has no cidr: give the port an IP");
    set_subnets(f);

    /* .0 network, .1 and .2 port a, .254 gateway: .3, then the next. */
    assert_ok(topo_subnet_allocate(f->red_net1, &a));
    assert_true(a == ip("10.0.0.3"));
    struct uuid u = next_uuid();
    topology_add_port(&f->topo, &u, f->red_net1, f->h2, "b", "veth2",
                      mac("02:00:00:00:00:02"), &a, 1, 2);
    assert_ok(topo_subnet_allocate(f->red_net1, &a));
    assert_true(a == ip("10.0.0.4"));

    /* A hole is filled first; the default gateway (.1) is skipped. */
    assert_ok(topo_subnet_allocate(f->red_net2, &a));
    assert_true(a == ip("10.2.0.2"));

    /* A full /30: .0 network, .1 gateway, .2 a port, .3 broadcast. */
    struct topo_subnet sn;
    bool changed;
    assert_ok(parse_cidr("10.5.0.0/30", &sn));
    assert_ok(parse_gateway(NULL, &sn));
    topology_set_network_subnet(&f->topo, f->blue_net1, &sn, &changed);
    assert_ok(topo_subnet_allocate(f->blue_net1, &a));
    assert_true(a == ip("10.5.0.2"));
    u = next_uuid();
    topology_add_port(&f->topo, &u, f->blue_net1, f->h2, "c", "veth3",
                      mac("02:00:00:00:00:03"), &a, 1, 3);
    assert_error_is(topo_subnet_allocate(f->blue_net1, &a),
                    "no free address in 10.5.0.0/30 of network blue/net1");

    /* 1,000 ports in a /16: each allocation is the next address. */
    assert_ok(parse_cidr("10.7.0.0/16", &sn));
    assert_ok(parse_gateway(NULL, &sn));
    topology_set_network_subnet(&f->topo, f->red_net2, &sn, &changed);
    for (int i = 0; i < 1000; i++) {
        assert_ok(topo_subnet_allocate(f->red_net2, &a));
        assert_int_equal(ntohl(a), 0x0a070002 + i);
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        u = next_uuid();
        struct eth_addr m = ETH_ADDR_C(02, 00, 00, 01, 00, 00);
        m.ea[4] = i >> 8;
        m.ea[5] = i;
        topology_add_port(&f->topo, &u, f->red_net2, f->h1, name, name, m,
                          &a, 1, 100 + i);
    }
}

static void
test_validate_routers(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    set_subnets(f);

    assert_ok(validate_new_router(t, f->red, "r1"));
    assert_error(validate_new_router(t, f->red, "r 1"),
                 "invalid router name \"r 1\"");
    struct uuid u = next_uuid();
    struct topo_router *r = topology_add_router(t, &u, f->red, "r1", 1);
    assert_error_is(validate_new_router(t, f->red, "r1"),
                    "router red/r1 already exists");
    assert_ok(validate_new_router(t, f->blue, "r1"));
    assert_int_equal(topology_next_router_key(t), 2);
    assert_ok(validate_del_router(r));

    /* Attach. */
    struct eth_addr m = topo_router_default_mac(1, 2);
    assert_true(eth_addr_equals(m, mac("02:57:00:01:00:02")));
    assert_true(topo_mac_is_router_range(m));
    assert_false(topo_mac_is_router_range(mac("02:00:00:00:00:01")));
    assert_ok(validate_router_attach(r, f->red_net2, m));
    assert_error_is(validate_router_attach(r, f->blue_net1, m),
                    "network blue/net1 belongs to another tenant than router "
                    "red/r1: a router joins only its own tenant's networks");
    assert_error_is(validate_router_attach(r, f->red_net1,
                                           mac("02:00:00:00:00:01")),
                    "MAC 02:00:00:00:00:01 is already used by port "
                    "red/net1/a");
    const struct topo_network *nets[1] = { f->red_net2 };
    assert_true(topology_set_router_networks(t, r, nets, &m, 1));
    assert_error_is(validate_router_attach(r, f->red_net2, m),
                    "network red/net2 is already attached to router red/r1");
    assert_error_is(validate_del_router(r),
                    "router red/r1 still has 1 network: detach them first");

    /* Overlap with an attached subnet; no subnet. */
    u = next_uuid();
    struct topo_network *n3 = topology_add_network(t, &u, f->red, "net3",
                                                   TOPO_NET_GRE, 7, 0, 9);
    assert_error_is(validate_router_attach(r, n3, m),
                    "network red/net3 has no cidr: a router joins only "
                    "networks with a subnet");
    struct topo_subnet sn;
    bool changed;
    assert_ok(parse_cidr("10.2.0.128/25", &sn));
    assert_ok(parse_gateway(NULL, &sn));
    topology_set_network_subnet(t, n3, &sn, &changed);
    assert_error_is(validate_router_attach(r, n3, m),
                    "subnet 10.2.0.128/25 of network red/net3 overlaps "
                    "subnet 10.2.0.0/24 of network red/net2, also attached "
                    "to router red/r1");
    /* Identical subnets on networks of different routers are fine. */
    u = next_uuid();
    struct topo_router *r2 = topology_add_router(t, &u, f->red, "r2", 2);
    assert_ok(validate_router_attach(r2, n3, m));

    /* Routes. */
    struct topo_route rt = { ip("10.9.0.0"), 16, ip("10.2.0.5") };
    assert_ok(validate_new_route(r, &rt));
    rt.nexthop = ip("10.0.0.5");
    assert_error_is(validate_new_route(r, &rt),
                    "next hop 10.0.0.5 is outside every subnet attached to "
                    "router red/r1");
    rt.nexthop = ip("10.2.0.1");
    assert_error_is(validate_new_route(r, &rt),
                    "next hop 10.2.0.1 is the router's own address on "
                    "network red/net2");
    rt.nexthop = ip("10.2.0.255");
    assert_error(validate_new_route(r, &rt), "is the broadcast address");
    rt.nexthop = ip("10.2.0.5");
    assert_true(topology_set_router_routes(t, r, &rt, 1));
    struct topo_route dup = { ip("10.9.0.0"), 16, ip("10.2.0.6") };
    assert_error_is(validate_new_route(r, &dup),
                    "router red/r1 already has a route to 10.9.0.0/16 (via "
                    "10.2.0.5)");
    dup.plen = 24;
    assert_ok(validate_new_route(r, &dup));
    assert_error_is(validate_del_router(r),
                    "router red/r1 still has 1 network and 1 route: detach "
                    "and delete them first");

    /* Detach: not while a route needs it; not one it does not have. */
    assert_error_is(validate_router_detach(r, f->red_net2),
                    "route 10.9.0.0/16 via 10.2.0.5 of router red/r1 needs "
                    "network red/net2: delete the route first");
    assert_error_is(validate_router_detach(r, f->red_net1),
                    "network red/net1 is not attached to router red/r1");
    topology_set_router_routes(t, r, NULL, 0);
    assert_ok(validate_router_detach(r, f->red_net2));

    /* Deletions that the router blocks. */
    assert_error_is(validate_del_network(t, f->red_net2),
                    "network red/net2 is attached to router red/r1: detach "
                    "it first");
    assert_error_is(validate_del_tenant(t, f->red),
                    "tenant red still has 3 networks and 2 routers");
    u = next_uuid();
    struct topo_tenant *green = topology_add_tenant(t, &u, "green", 3);
    u = next_uuid();
    topology_add_router(t, &u, green, "g", 3);
    assert_error_is(validate_del_tenant(t, green),
                    "tenant green still has 1 router");
    topology_set_router_networks(t, r, NULL, NULL, 0);
    assert_ok(validate_del_router(r));
    assert_ok(validate_del_network(t, f->red_net2));
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
        cmocka_unit_test(test_next_keys),
        cmocka_unit_test(test_parse_cidr),
        cmocka_unit_test(test_parse_route_prefix),
        cmocka_unit_test_setup_teardown(test_validate_port_in_subnet, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_subnet_allocate, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_routers, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
