/* test-validate-request: unit tests for topology/validate-request.c, the
 * checks of a whole request that weftctl and weftd's REST API run before
 * anything is written: step 1 (weft_request_check(), the values alone) and
 * step 2 (weft_request_validate(), against a topology), without any
 * database.  Every error and plan is freed, so that the tests stay clean
 * under valgrind and ASan. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "validate-fixture.h"

/* ------------------------------------------------------------------------
 * Requests (validate-request.c): step 1, the values alone, and step 2,
 * against the fixture's topology, as weftctl and the REST API run them.
 * Messages and kinds are checked exactly: the kind is the REST status
 * (INVALID 400, NOT_FOUND 404, CONFLICT 409) and tests/lab checks both.
 * req_new() and the request asserts are validate-fixture.h's. */

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

/* A request for a router op on red/'router'. */
static struct weft_request *
router_req(enum weft_op op, const char *router, const char *network,
           const char *prefix, const char *nexthop)
{
    struct weft_request *req = req_new(op, "red", router, NULL);
    req->network = nullable_xstrdup(network);
    req->prefix = nullable_xstrdup(prefix);
    req->nexthop = nullable_xstrdup(nexthop);
    return req;
}

/* Validates 'req', which must pass both steps, against 't' into 'plan'.
 * The caller destroys 'plan' and frees 'req'. */
static void
assert_passes(const struct topology *t, struct weft_request *req,
              struct weft_plan *plan)
{
    struct weft_error *error = weft_request_validate(req, t, plan);
    if (error) {
        fail_msg("refused: %s", error->message);
    }
}

/* Routing: the values of net-add's cidr and gateway and of the router ops
 * (step 1), and every op against a topology (step 2), through the same
 * entry points weftctl and the REST API use. */
static void
test_request_routing(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    struct weft_request *req;
    struct weft_plan plan;

    /* net-add: cidr, gateway (default and given). */
    req = req_new(WEFT_OP_NET_ADD, "red", "net3", NULL);
    req->type = xstrdup("gre");
    req->segment = xstrdup("7");
    req->cidr = xstrdup("10.1.0.5/24");
    assert_invalid(t, req, "cidr 10.1.0.5/24 has host bits set (did you mean "
                   "10.1.0.0/24?)");
    req = req_new(WEFT_OP_NET_ADD, "red", "net3", NULL);
    req->type = xstrdup("gre");
    req->segment = xstrdup("7");
    req->gateway = xstrdup("10.1.0.1");
    assert_invalid(t, req, "a gateway needs a cidr");
    req = req_new(WEFT_OP_NET_ADD, "red", "net3", NULL);
    req->type = xstrdup("gre");
    req->segment = xstrdup("7");
    req->cidr = xstrdup("10.1.0.0/24");
    req->gateway = xstrdup("10.1.1.1");
    assert_invalid(t, req, "gateway 10.1.1.1 is outside 10.1.0.0/24");
    req = req_new(WEFT_OP_NET_ADD, "red", "net3", NULL);
    req->type = xstrdup("gre");
    req->segment = xstrdup("7");
    req->cidr = xstrdup("10.1.0.0/24");
    assert_passes(t, req, &plan);
    assert_int_equal(plan.subnet.plen, 24);
    assert_true(plan.subnet.prefix == ip("10.1.0.0"));
    assert_true(plan.subnet.gateway == ip("10.1.0.1"));
    weft_plan_destroy(&plan);
    free(req->gateway);
    req->gateway = xstrdup("10.1.0.254");
    assert_passes(t, req, &plan);
    assert_true(plan.subnet.gateway == ip("10.1.0.254"));
    weft_plan_destroy(&plan);
    req_free(req);

    /* Router ops, step 1. */
    assert_invalid(t, router_req(WEFT_OP_ROUTER_ADD, "r 1", NULL, NULL, NULL),
                   "invalid router name \"r 1\": only letters, digits, '_', "
                   "'.' and '-' are allowed");
    assert_invalid(t, router_req(WEFT_OP_ROUTER_DEL, NULL, NULL, NULL, NULL),
                   "router is required");
    assert_invalid(t, router_req(WEFT_OP_ROUTER_ATTACH, "r1", NULL, NULL,
                                 NULL), "network is required");
    assert_invalid(t, router_req(WEFT_OP_ROUTER_DETACH, "r1", "a/b/c", NULL,
                                 NULL),
                   "invalid path \"a/b/c\": expected TENANT/NETWORK");
    req = router_req(WEFT_OP_ROUTER_ATTACH, "r1", "net1", NULL, NULL);
    req->mac = xstrdup("01:00:00:00:00:01");
    assert_invalid(t, req, "MAC 01:00:00:00:00:01 is multicast");
    assert_invalid(t, router_req(WEFT_OP_ROUTE_ADD, "r1", NULL, NULL,
                                 "10.0.0.5"), "prefix is required");
    assert_invalid(t, router_req(WEFT_OP_ROUTE_ADD, "r1", NULL, "10.9.0.0/16",
                                 NULL), "next hop is required");
    assert_invalid(t, router_req(WEFT_OP_ROUTE_ADD, "r1", NULL, "10.9.0.0/16",
                                 "10.0.0.5/24"),
                   "invalid next hop \"10.0.0.5/24\": expected A.B.C.D");
    assert_invalid(t, router_req(WEFT_OP_ROUTE_DEL, "r1", NULL, "10.9.0.1/16",
                                 NULL),
                   "prefix 10.9.0.1/16 has host bits set (did you mean "
                   "10.9.0.0/16?)");

    /* Subnets for red/net1 (10.0.0.0/24, gateway .254) and red/net2
     * (10.2.0.0/24, gateway .1), as the loader would set them. */
    struct topo_subnet sn;
    bool changed;
    assert_ok(parse_cidr("10.0.0.0/24", &sn));
    assert_ok(parse_gateway("10.0.0.254", &sn));
    topology_set_network_subnet(t, f->red_net1, &sn, &changed);
    assert_ok(parse_cidr("10.2.0.0/24", &sn));
    assert_ok(parse_gateway(NULL, &sn));
    topology_set_network_subnet(t, f->red_net2, &sn, &changed);

    /* router-add: tenant, name, key. */
    assert_refused(t, req_new(WEFT_OP_ROUTER_ADD, "green", "r1", NULL),
                   WEFT_ERR_NOT_FOUND, "tenant green does not exist");
    req = router_req(WEFT_OP_ROUTER_ADD, "r1", NULL, NULL, NULL);
    assert_passes(t, req, &plan);
    assert_int_equal(plan.key, 1);
    assert_ptr_equal(plan.tenant, f->red);
    weft_plan_destroy(&plan);
    req_free(req);
    struct uuid u = next_uuid();
    struct topo_router *r = topology_add_router(t, &u, f->red, "r1", 1);
    assert_refused(t, router_req(WEFT_OP_ROUTER_ADD, "r1", NULL, NULL, NULL),
                   WEFT_ERR_CONFLICT, "router red/r1 already exists");
    assert_refused(t, router_req(WEFT_OP_ROUTER_DEL, "r9", NULL, NULL, NULL),
                   WEFT_ERR_NOT_FOUND, "router red/r9 does not exist");

    /* router-attach: the network by name or TENANT/NAME; another tenant's
     * is a conflict for the administrator, not found for a tenant. */
    assert_refused(t, router_req(WEFT_OP_ROUTER_ATTACH, "r1", "net9", NULL,
                                 NULL),
                   WEFT_ERR_NOT_FOUND, "network red/net9 does not exist");
    assert_refused(t, router_req(WEFT_OP_ROUTER_ATTACH, "r1", "blue/net1",
                                 NULL, NULL),
                   WEFT_ERR_CONFLICT, "network blue/net1 belongs to another "
                   "tenant than router red/r1: a router joins only its own "
                   "tenant's networks");
    req = router_req(WEFT_OP_ROUTER_ATTACH, "r1", "blue/net1", NULL, NULL);
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_NOT_FOUND,
                   "network blue/net1 does not exist");
    req = router_req(WEFT_OP_ROUTER_ATTACH, "r1", "blue/zz", NULL, NULL);
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_NOT_FOUND,
                   "network blue/zz does not exist");
    req = router_req(WEFT_OP_ROUTER_ATTACH, "r1", "red/net2", NULL, NULL);
    assert_passes(t, req, &plan);
    assert_ptr_equal(plan.router, r);
    assert_ptr_equal(plan.attach_net, f->red_net2);
    assert_true(eth_addr_equals(plan.mac, mac("02:57:00:01:00:02")));
    weft_plan_destroy(&plan);
    req_free(req);
    req = router_req(WEFT_OP_ROUTER_ATTACH, "r1", "net1", NULL, NULL);
    req->mac = xstrdup("02:00:00:00:00:01");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "MAC 02:00:00:00:00:01 is "
                   "already used by port red/net1/a");
    req = router_req(WEFT_OP_ROUTER_ATTACH, "r1", "net1", NULL, NULL);
    req->mac = xstrdup("0A:00:00:00:00:FE");
    assert_passes(t, req, &plan);
    assert_true(eth_addr_equals(plan.mac, mac("0a:00:00:00:00:fe")));
    weft_plan_destroy(&plan);
    req_free(req);
    const struct topo_network *nets[1] = { f->red_net2 };
    struct eth_addr rmac = mac("02:57:00:01:00:02");
    topology_set_router_networks(t, r, nets, &rmac, 1);

    /* Port adds on an attached network: the router's MAC range and its
     * gateway are refused. */
    req = req_new(WEFT_OP_PORT_ADD, "red", "net2", "p");
    req->host = xstrdup("h1");
    req->iface = xstrdup("vp");
    req->mac = xstrdup("02:57:00:01:00:02");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "MAC 02:57:00:01:00:02 is the "
                   "router's: network red/net2 is attached to router red/r1, "
                   "which takes that MAC");
    req = req_new(WEFT_OP_PORT_ADD, "red", "net2", "p");
    req->host = xstrdup("h1");
    req->iface = xstrdup("vp");
    req->mac = xstrdup("02:00:00:00:00:07");
    weft_request_add_ip(req, "10.2.0.1");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "IP 10.2.0.1 is the gateway of "
                   "network red/net2 (10.2.0.0/24)");

    /* route-add, route-del. */
    assert_refused(t, router_req(WEFT_OP_ROUTE_ADD, "r1", NULL, "10.9.0.0/16",
                                 "10.0.0.5"),
                   WEFT_ERR_CONFLICT, "next hop 10.0.0.5 is outside every "
                   "subnet attached to router red/r1");
    req = router_req(WEFT_OP_ROUTE_ADD, "r1", NULL, "10.9.0.0/16",
                     "10.2.0.5");
    assert_passes(t, req, &plan);
    assert_true(plan.route.prefix == ip("10.9.0.0"));
    assert_int_equal(plan.route.plen, 16);
    assert_true(plan.route.nexthop == ip("10.2.0.5"));
    topology_set_router_routes(t, r, &plan.route, 1);
    weft_plan_destroy(&plan);
    req_free(req);
    assert_refused(t, router_req(WEFT_OP_ROUTE_ADD, "r1", NULL, "10.9.0.0/16",
                                 "10.2.0.6"),
                   WEFT_ERR_CONFLICT, "router red/r1 already has a route to "
                   "10.9.0.0/16 (via 10.2.0.5)");
    assert_refused(t, router_req(WEFT_OP_ROUTE_DEL, "r1", NULL, "10.8.0.0/16",
                                 NULL),
                   WEFT_ERR_NOT_FOUND, "router red/r1 has no route to "
                   "10.8.0.0/16");
    req = router_req(WEFT_OP_ROUTE_DEL, "r1", NULL, "10.9.0.0/16", NULL);
    assert_passes(t, req, &plan);
    assert_true(plan.route.nexthop == ip("10.2.0.5"));
    weft_plan_destroy(&plan);
    req_free(req);

    /* Refusals the router causes. */
    assert_refused(t, router_req(WEFT_OP_ROUTER_DETACH, "r1", "net2", NULL,
                                 NULL),
                   WEFT_ERR_CONFLICT, "route 10.9.0.0/16 via 10.2.0.5 of "
                   "router red/r1 needs network red/net2: delete the route "
                   "first");
    assert_refused(t, router_req(WEFT_OP_ROUTER_DETACH, "r1", "net1", NULL,
                                 NULL),
                   WEFT_ERR_CONFLICT, "network red/net1 is not attached to "
                   "router red/r1");
    assert_refused(t, router_req(WEFT_OP_ROUTER_DEL, "r1", NULL, NULL, NULL),
                   WEFT_ERR_CONFLICT, "router red/r1 still has 1 network and "
                   "1 route: detach and delete them first");
    assert_refused(t, req_new(WEFT_OP_NET_DEL, "red", "net2", NULL),
                   WEFT_ERR_CONFLICT, "network red/net2 is attached to "
                   "router red/r1: detach it first");
    assert_refused(t, req_new(WEFT_OP_TENANT_DEL, "red", NULL, NULL),
                   WEFT_ERR_CONFLICT, "tenant red still has 2 networks and "
                   "1 router");
    topology_set_router_routes(t, r, NULL, 0);
    req = router_req(WEFT_OP_ROUTER_DETACH, "r1", "net2", NULL, NULL);
    assert_passes(t, req, &plan);
    assert_ptr_equal(plan.attach_net, f->red_net2);
    weft_plan_destroy(&plan);
    req_free(req);
}

/* port-add without IPs on a network with a cidr: the lowest free address,
 * in the plan; with IPs, the given ones; without a cidr, none. */
static void
test_request_allocation(void **state)
{
    struct fixture *f = *state;
    struct topology *t = &f->topo;
    struct weft_plan plan;

    struct weft_request *req = port_req("net1", "h2", "veth2",
                                        "02:00:00:00:00:0a");
    assert_passes(t, req, &plan);
    assert_int_equal(plan.n_ips, 0);
    assert_false(plan.allocated);
    weft_plan_destroy(&plan);

    struct topo_subnet sn;
    bool changed;
    assert_ok(parse_cidr("10.0.0.0/30", &sn));
    assert_ok(parse_gateway(NULL, &sn));
    topology_set_network_subnet(t, f->red_net2, &sn, &changed);
    assert_ok(parse_cidr("10.0.0.0/24", &sn));
    assert_ok(parse_gateway("10.0.0.3", &sn));
    topology_set_network_subnet(t, f->red_net1, &sn, &changed);

    /* .1 and .2 port a, .3 gateway. */
    assert_passes(t, req, &plan);
    assert_int_equal(plan.n_ips, 1);
    assert_true(plan.allocated);
    assert_true(plan.ips[0] == ip("10.0.0.4"));
    weft_plan_destroy(&plan);

    /* Given IPs: kept (and checked against the subnet). */
    weft_request_add_ip(req, "10.0.0.9");
    assert_passes(t, req, &plan);
    assert_int_equal(plan.n_ips, 1);
    assert_false(plan.allocated);
    assert_true(plan.ips[0] == ip("10.0.0.9"));
    weft_plan_destroy(&plan);
    req_free(req);

    /* A full subnet. */
    req = port_req("net2", "h2", "veth2", "02:00:00:00:00:0a");
    ovs_be32 two = ip("10.0.0.2");
    struct uuid u = next_uuid();
    topology_add_port(t, &u, f->red_net2, f->h1, "x", "vx",
                      mac("02:00:00:00:00:0b"), &two, 1, 9);
    assert_refused(t, req, WEFT_ERR_CONFLICT,
                   "no free address in 10.0.0.0/30 of network red/net2");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_request_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_validate_refusals,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_validate_plans, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_request_routing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_request_allocation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_request_validate_no_key, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
