/* test-rest-parse: who a REST request acts as, and the quota PATCH body,
 * through rest_parse_request() (controller/rest/rest-parse.c) without a socket.
 *
 * - A bearer token makes the request its tenant's even when the peer is
 *   root: root is an admin only without a token.
 * - PATCH /v1/tenants/{t}/quota becomes a TENANT_SET request, checked with
 *   weftctl's messages.
 * - Routing: a network's cidr and gateway, a port without IPs, and the
 *   router routes (create, attach, detach, routes, a route's prefix as two
 *   path segments) become the requests weftctl makes.
 * - The ways in and out (issue #13): a host's external side (POST and
 *   PATCH, null removes it), a router's snat, pools, floating IPs (create,
 *   assign/move/unassign by PATCH, delete by address) and port mappings
 *   (create; delete by host, protocol and host port, whose port the main
 *   loop finds) become the requests of topology/request.h.
 * - Security groups (issue #15): a group by name under its tenant, a rule
 *   (its body; deleted by id), a member (its body; deleted by network and
 *   port, two segments), the counters a GET only.
 * jansson side: no OVS headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api.h"
#include "rest-parse.h"
#include "token-hash.h"

/* Parses a request; returns the call, or NULL with '*failure' filled in. */
static struct api_call *
parse(enum rest_method method, const char *path, const char *auth,
      const char *body, bool admin, struct rest_failure *failure)
{
    struct rest_input in = {
        .method = method,
        .path = path,
        .authorization = auth,
        .body = body,
        .body_len = body ? strlen(body) : 0,
        .admin = admin,
    };
    return rest_parse_request(&in, failure);
}

/* Parses a request; fails the test unless it succeeds. */
static struct api_call *
parse_ok(enum rest_method method, const char *path, const char *auth,
         const char *body, bool admin)
{
    struct rest_failure failure;
    struct api_call *call = parse(method, path, auth, body, admin, &failure);
    if (!call) {
        fail_msg("%s: unexpected failure: %s", path, failure.detail);
    }
    return call;
}

/* Parses a request; fails the test unless it fails with 'kind' and a detail
 * that contains 'detail'. */
static void
parse_fails(enum rest_method method, const char *path, const char *auth,
            const char *body, bool admin, enum weft_err_kind kind,
            const char *detail)
{
    struct rest_failure failure;
    struct api_call *call = parse(method, path, auth, body, admin, &failure);
    if (call) {
        api_call_destroy(call);
        fail_msg("%s %s: expected a failure", path, body ? body : "");
    }
    bool ok = failure.kind == kind && strstr(failure.detail, detail);
    if (!ok) {
        fprintf(stderr, "got %s \"%s\", expected %s \"%s\"\n",
                weft_err_kind_name(failure.kind), failure.detail,
                weft_err_kind_name(kind), detail);
    }
    free(failure.detail);
    assert_true(ok);
}

/* The stored hash of a token is its SHA-256 in lowercase hex: FIPS 180-4's
 * examples, so hashes stored by earlier weft versions still match. */
static void
test_token_hash(void **state)
{
    (void) state;
    char hash[TOKEN_HASH_HEX_LEN + 1];
    assert_true(token_hash_hex("abc", 3, hash));
    assert_string_equal(hash, "ba7816bf8f01cfea414140de5dae2223"
                              "b00361a396177a9cb410ff61f20015ad");
    assert_true(token_hash_hex("", 0, hash));
    assert_string_equal(hash, "e3b0c44298fc1c149afbf4c8996fb924"
                              "27ae41e4649b934ca495991b7852b855");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_true(token_hash_hex(two, strlen(two), hash));
    assert_string_equal(hash, "248d6a61d20638b8e5c026930c3e6039"
                              "a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_root_with_token_is_the_tenant(void **state)
{
    (void) state;
    char hash[TOKEN_HASH_HEX_LEN + 1];
    assert_true(token_hash_hex("abc", 3, hash));

    /* Root without a token: an admin. */
    struct api_call *call = parse_ok(REST_GET, "/v1/tenants", NULL, NULL,
                                     true);
    assert_true(call->admin);
    assert_null(call->token_hash);
    api_call_destroy(call);

    /* Root with a token: that token's tenant, not an admin. */
    call = parse_ok(REST_GET, "/v1/tenants", "Bearer abc", NULL, true);
    assert_false(call->admin);
    assert_string_equal(call->token_hash, hash);
    api_call_destroy(call);

    /* Anyone else with a token: the same. */
    call = parse_ok(REST_GET, "/v1/tenants", "Bearer abc", NULL, false);
    assert_false(call->admin);
    assert_string_equal(call->token_hash, hash);
    api_call_destroy(call);

    /* Anyone else without one: not an admin (the main loop says 401). */
    call = parse_ok(REST_GET, "/v1/tenants", NULL, NULL, false);
    assert_false(call->admin);
    api_call_destroy(call);

    /* A malformed header is 401, root or not. */
    parse_fails(REST_GET, "/v1/tenants", "Basic abc", NULL, true,
                WEFT_ERR_UNAUTHORIZED, "expected \"Authorization: Bearer");
    parse_fails(REST_GET, "/v1/tenants", "Bearer ", NULL, true,
                WEFT_ERR_UNAUTHORIZED, "expected \"Authorization: Bearer");
}

static void
test_quota_patch(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(REST_PATCH, "/v1/tenants/red/quota",
                                     NULL,
                                     "{\"ports\": 5, \"networks\": null}",
                                     true);
    assert_int_equal(call->verb, API_WRITE);
    assert_int_equal(call->resource, API_QUOTA);
    assert_int_equal(call->req.op, WEFT_OP_TENANT_SET);
    assert_string_equal(call->req.path[0], "red");
    assert_int_equal(call->req.n_quotas, 2);
    for (size_t i = 0; i < 2; i++) {
        if (!strcmp(call->req.quota_names[i], "ports")) {
            assert_string_equal(call->req.quota_values[i], "5");
        } else {
            assert_string_equal(call->req.quota_names[i], "networks");
            assert_null(call->req.quota_values[i]);
        }
    }
    api_call_destroy(call);

    call = parse_ok(REST_GET, "/v1/tenants/red/quota", NULL, NULL, true);
    assert_int_equal(call->verb, API_GET);
    assert_int_equal(call->resource, API_QUOTA);
    api_call_destroy(call);

    const char *path = "/v1/tenants/red/quota";
    parse_fails(REST_PATCH, path, NULL, "{\"ports\": -1}", true,
                WEFT_ERR_INVALID, "member \"ports\" must not be negative");
    parse_fails(REST_PATCH, path, NULL, "{\"ports\": \"5\"}", true,
                WEFT_ERR_INVALID, "member \"ports\" must be an integer");
    parse_fails(REST_PATCH, path, NULL, "{\"flows\": 1}", true,
                WEFT_ERR_INVALID, "unknown quota \"flows\"");
    parse_fails(REST_PATCH, path, NULL, "{\"ports\": 16777216}", true,
                WEFT_ERR_INVALID, "invalid ports quota \"16777216\"");
    parse_fails(REST_PATCH, path, NULL, "{\"ips_per_port\": 4097}", true,
                WEFT_ERR_INVALID, "expected a number 0-4096");
    parse_fails(REST_PATCH, path, NULL, "{}", true,
                WEFT_ERR_INVALID, "no quota to set");
    parse_fails(REST_PATCH, path, NULL, "[]", true,
                WEFT_ERR_INVALID, "must be a JSON object");
    parse_fails(REST_POST, path, NULL, "{}", true, WEFT_ERR_METHOD,
                "allows only GET, PATCH");
    parse_fails(REST_PATCH, "/v1/tenants/red", NULL, "{}", true,
                WEFT_ERR_METHOD, "allows only GET, DELETE");
}

static void
test_dot_names(void **state)
{
    (void) state;
    parse_fails(REST_POST, "/v1/tenants", NULL, "{\"name\": \"..\"}", true,
                WEFT_ERR_INVALID, "\".\" and \"..\" are not names");
    parse_fails(REST_POST, "/v1/tenants/red/networks", NULL,
                "{\"name\": \".\", \"type\": \"vlan\", \"segment_id\": 5}",
                true, WEFT_ERR_INVALID, "invalid network name \".\"");
}

/* A network's subnet, and a port without IPs (allocation). */
static void
test_subnet_fields(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(
        REST_POST, "/v1/tenants/red/networks", NULL,
        "{\"name\": \"n1\", \"type\": \"vxlan\", \"segment_id\": 5, "
        "\"cidr\": \"10.1.0.0/24\", \"gateway\": \"10.1.0.254\"}", true);
    assert_int_equal(call->req.op, WEFT_OP_NET_ADD);
    assert_string_equal(call->req.path[1], "n1");
    assert_string_equal(call->req.cidr, "10.1.0.0/24");
    assert_string_equal(call->req.gateway, "10.1.0.254");
    api_call_destroy(call);

    call = parse_ok(REST_POST, "/v1/tenants/red/networks", NULL,
                    "{\"name\": \"n2\", \"type\": \"vlan\", "
                    "\"segment_id\": 5}", true);
    assert_null(call->req.cidr);
    assert_null(call->req.gateway);
    api_call_destroy(call);

    parse_fails(REST_POST, "/v1/tenants/red/networks", NULL,
                "{\"name\": \"n1\", \"type\": \"vlan\", \"segment_id\": 5, "
                "\"cidr\": 24}", true, WEFT_ERR_INVALID,
                "member \"cidr\" must be a string");

    call = parse_ok(REST_POST, "/v1/tenants/red/networks/n1/ports", NULL,
                    "{\"name\": \"p\", \"host\": \"h1\", \"iface\": \"e1\", "
                    "\"mac\": \"02:00:00:00:00:01\"}", true);
    assert_int_equal(call->req.op, WEFT_OP_PORT_ADD);
    assert_int_equal(call->req.n_ips, 0);
    api_call_destroy(call);
}

static void
test_router_create_delete(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(REST_POST, "/v1/tenants/red/routers",
                                     NULL, "{\"name\": \"r1\"}", true);
    assert_int_equal(call->resource, API_ROUTERS);
    assert_int_equal(call->req.op, WEFT_OP_ROUTER_ADD);
    assert_string_equal(call->req.path[0], "red");
    assert_string_equal(call->req.path[1], "r1");
    api_call_destroy(call);

    parse_fails(REST_POST, "/v1/tenants/red/routers", NULL,
                "{\"name\": \"r1\", \"networks\": []}", true,
                WEFT_ERR_INVALID, "unknown member \"networks\"");
    parse_fails(REST_POST, "/v1/tenants/red/routers", NULL, "{}", true,
                WEFT_ERR_INVALID, "member \"name\" is required");

    call = parse_ok(REST_DELETE, "/v1/tenants/red/routers/r1", NULL, NULL,
                    true);
    assert_int_equal(call->req.op, WEFT_OP_ROUTER_DEL);
    assert_string_equal(call->req.path[1], "r1");
    assert_null(call->req.path[2]);
    api_call_destroy(call);

    call = parse_ok(REST_GET, "/v1/tenants/red/routers/r1", NULL, NULL,
                    false);
    assert_int_equal(call->verb, API_GET);
    assert_int_equal(call->resource, API_ROUTERS);
    assert_int_equal(call->n_path, 2);
    api_call_destroy(call);

    call = parse_ok(REST_GET, "/v1/tenants/red/routers", NULL, NULL, false);
    assert_int_equal(call->verb, API_LIST);
    api_call_destroy(call);
}

static void
test_router_attach_detach(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(
        REST_POST, "/v1/tenants/red/routers/r1/networks", NULL,
        "{\"network\": \"vx\", \"mac\": \"02:57:00:01:00:01\"}", true);
    assert_int_equal(call->req.op, WEFT_OP_ROUTER_ATTACH);
    assert_string_equal(call->req.path[0], "red");
    assert_string_equal(call->req.path[1], "r1");
    assert_string_equal(call->req.network, "vx");
    assert_string_equal(call->req.mac, "02:57:00:01:00:01");
    api_call_destroy(call);

    call = parse_ok(REST_POST, "/v1/tenants/red/routers/r1/networks", NULL,
                    "{\"network\": \"vx\"}", true);
    assert_null(call->req.mac);
    api_call_destroy(call);

    parse_fails(REST_POST, "/v1/tenants/red/routers/r1/networks", NULL,
                "{\"name\": \"vx\"}", true, WEFT_ERR_INVALID,
                "unknown member \"name\"");
    parse_fails(REST_POST, "/v1/tenants/red/routers/r1/networks", NULL,
                "{}", true, WEFT_ERR_INVALID,
                "member \"network\" is required");
    parse_fails(REST_GET, "/v1/tenants/red/routers/r1/networks", NULL,
                NULL, true, WEFT_ERR_METHOD, "allows only POST");

    call = parse_ok(REST_DELETE, "/v1/tenants/red/routers/r1/networks/vx",
                    NULL, NULL, true);
    assert_int_equal(call->req.op, WEFT_OP_ROUTER_DETACH);
    assert_string_equal(call->req.path[1], "r1");
    assert_null(call->req.path[2]);
    assert_string_equal(call->req.network, "vx");
    api_call_destroy(call);
}

static void
test_routes(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(
        REST_POST, "/v1/tenants/red/routers/r1/routes", NULL,
        "{\"prefix\": \"10.9.0.0/16\", \"nexthop\": \"10.1.0.5\"}", true);
    assert_int_equal(call->req.op, WEFT_OP_ROUTE_ADD);
    assert_string_equal(call->req.path[1], "r1");
    assert_string_equal(call->req.prefix, "10.9.0.0/16");
    assert_string_equal(call->req.nexthop, "10.1.0.5");
    api_call_destroy(call);

    parse_fails(REST_POST, "/v1/tenants/red/routers/r1/routes", NULL,
                "{\"prefix\": \"10.9.0.0/16\"}", true, WEFT_ERR_INVALID,
                "member \"nexthop\" is required");

    /* The prefix is two path segments, joined again. */
    call = parse_ok(REST_DELETE,
                    "/v1/tenants/red/routers/r1/routes/10.9.0.0/16", NULL,
                    NULL, true);
    assert_int_equal(call->req.op, WEFT_OP_ROUTE_DEL);
    assert_int_equal(call->n_path, 3);
    assert_string_equal(call->path[2], "10.9.0.0/16");
    assert_string_equal(call->req.prefix, "10.9.0.0/16");
    assert_null(call->req.path[2]);
    assert_null(call->req.nexthop);
    api_call_destroy(call);

    parse_fails(REST_DELETE, "/v1/tenants/red/routers/r1/routes/10.9.0.0",
                NULL, NULL, true, WEFT_ERR_NOT_FOUND, "no such resource");
    parse_fails(REST_DELETE,
                "/v1/tenants/red/routers/r1/routes/10.9.0.0/16/1", NULL,
                NULL, true, WEFT_ERR_NOT_FOUND, "no such resource");
}

static void
test_host_external(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(
        REST_POST, "/v1/hosts", NULL,
        "{\"name\": \"h1\", \"ovsdb_remote\": \"unix:/x/db.sock\", "
        "\"external\": {\"iface\": \"ext0\", \"ip\": \"192.168.100.11/24\", "
        "\"gateway\": \"192.168.100.1\"}}", true);
    assert_int_equal(call->req.op, WEFT_OP_HOST_ADD);
    assert_string_equal(call->req.external_iface, "ext0");
    assert_string_equal(call->req.external_ip, "192.168.100.11/24");
    assert_string_equal(call->req.external_gateway, "192.168.100.1");
    api_call_destroy(call);

    /* Without it, or null on a create: none. */
    call = parse_ok(REST_POST, "/v1/hosts", NULL,
                    "{\"name\": \"h1\", \"ovsdb_remote\": \"unix:/x\", "
                    "\"external\": null}", true);
    assert_null(call->req.external_iface);
    api_call_destroy(call);

    parse_fails(REST_POST, "/v1/hosts", NULL,
                "{\"name\": \"h1\", \"ovsdb_remote\": \"unix:/x\", "
                "\"external\": {\"iface\": \"ext0\"}}", true,
                WEFT_ERR_INVALID, "external: member \"ip\" is required");
    parse_fails(REST_POST, "/v1/hosts", NULL,
                "{\"name\": \"h1\", \"ovsdb_remote\": \"unix:/x\", "
                "\"external\": \"ext0\"}", true, WEFT_ERR_INVALID,
                "member \"external\" must be an object");
    parse_fails(REST_POST, "/v1/hosts", NULL,
                "{\"name\": \"h1\", \"ovsdb_remote\": \"unix:/x\", "
                "\"external\": {\"iface\": \"e\", \"ip\": \"1.2.3.4/24\", "
                "\"gateway\": \"1.2.3.1\", \"mac\": \"x\"}}", true,
                WEFT_ERR_INVALID, "unknown member \"mac\"");

    call = parse_ok(REST_PATCH, "/v1/hosts/h1", NULL,
                    "{\"external\": {\"iface\": \"ext0\", "
                    "\"ip\": \"192.168.100.11/24\", "
                    "\"gateway\": \"192.168.100.1\"}}", true);
    assert_int_equal(call->req.op, WEFT_OP_HOST_SET);
    assert_int_equal(call->resource, API_HOSTS);
    assert_string_equal(call->req.path[0], "h1");
    assert_string_equal(call->req.external_iface, "ext0");
    api_call_destroy(call);

    /* null removes it: external_iface "". */
    call = parse_ok(REST_PATCH, "/v1/hosts/h1", NULL,
                    "{\"external\": null}", true);
    assert_int_equal(call->req.op, WEFT_OP_HOST_SET);
    assert_string_equal(call->req.external_iface, "");
    assert_null(call->req.external_ip);
    api_call_destroy(call);

    parse_fails(REST_PATCH, "/v1/hosts/h1", NULL,
                "{\"tunnel_ip\": \"1.2.3.4\"}", true, WEFT_ERR_INVALID,
                "unknown member \"tunnel_ip\"");
    parse_fails(REST_OTHER, "/v1/hosts/h1", NULL, "{}", true,
                WEFT_ERR_METHOD, "allows only GET, DELETE, PATCH");
}

static void
test_router_snat(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(REST_POST, "/v1/tenants/red/routers",
                                     NULL, "{\"name\": \"r1\", "
                                     "\"snat\": true}", true);
    assert_int_equal(call->req.op, WEFT_OP_ROUTER_ADD);
    assert_string_equal(call->req.snat, "true");
    api_call_destroy(call);

    call = parse_ok(REST_POST, "/v1/tenants/red/routers", NULL,
                    "{\"name\": \"r1\"}", true);
    assert_null(call->req.snat);
    api_call_destroy(call);

    call = parse_ok(REST_PATCH, "/v1/tenants/red/routers/r1", NULL,
                    "{\"snat\": false}", false);
    assert_int_equal(call->req.op, WEFT_OP_ROUTER_SET);
    assert_string_equal(call->req.path[0], "red");
    assert_string_equal(call->req.path[1], "r1");
    assert_string_equal(call->req.snat, "false");
    api_call_destroy(call);

    parse_fails(REST_PATCH, "/v1/tenants/red/routers/r1", NULL,
                "{\"snat\": \"yes\"}", true, WEFT_ERR_INVALID,
                "member \"snat\" must be true or false");
    parse_fails(REST_PATCH, "/v1/tenants/red/routers/r1", NULL,
                "{\"name\": \"r2\"}", true, WEFT_ERR_INVALID,
                "unknown member \"name\"");
}

static void
test_pools(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(
        REST_POST, "/v1/pools", NULL,
        "{\"name\": \"ext\", \"cidr\": \"192.168.100.96/27\"}", true);
    assert_int_equal(call->resource, API_POOLS);
    assert_int_equal(call->req.op, WEFT_OP_POOL_ADD);
    assert_string_equal(call->req.path[0], "ext");
    assert_string_equal(call->req.cidr, "192.168.100.96/27");
    api_call_destroy(call);

    parse_fails(REST_POST, "/v1/pools", NULL, "{\"name\": \"ext\"}", true,
                WEFT_ERR_INVALID, "member \"cidr\" is required");

    call = parse_ok(REST_DELETE, "/v1/pools/ext", NULL, NULL, true);
    assert_int_equal(call->req.op, WEFT_OP_POOL_DEL);
    assert_string_equal(call->req.path[0], "ext");
    api_call_destroy(call);

    call = parse_ok(REST_GET, "/v1/pools", NULL, NULL, true);
    assert_int_equal(call->verb, API_LIST);
    assert_int_equal(call->resource, API_POOLS);
    api_call_destroy(call);
}

static void
test_floating_ips(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(
        REST_POST, "/v1/tenants/red/floating-ips", NULL,
        "{\"pool\": \"ext\", \"ip\": \"192.168.100.100\", "
        "\"network\": \"vx\", \"port\": \"a1\"}", false);
    assert_int_equal(call->resource, API_FIPS);
    assert_int_equal(call->req.op, WEFT_OP_FIP_ADD);
    assert_string_equal(call->req.path[0], "red");
    assert_null(call->req.path[1]);
    assert_string_equal(call->req.pool, "ext");
    assert_string_equal(call->req.fip, "192.168.100.100");
    assert_string_equal(call->req.network, "vx");
    assert_string_equal(call->req.port_name, "a1");
    api_call_destroy(call);

    /* Only the pool: the lowest free address, unassigned. */
    call = parse_ok(REST_POST, "/v1/tenants/red/floating-ips", NULL,
                    "{\"pool\": \"ext\"}", false);
    assert_null(call->req.fip);
    assert_null(call->req.network);
    assert_null(call->req.port_name);
    api_call_destroy(call);

    parse_fails(REST_POST, "/v1/tenants/red/floating-ips", NULL,
                "{\"ip\": \"192.168.100.100\"}", false, WEFT_ERR_INVALID,
                "member \"pool\" is required");
    parse_fails(REST_POST, "/v1/tenants/red/floating-ips", NULL,
                "{\"pool\": \"ext\", \"port\": \"a1\"}", false,
                WEFT_ERR_INVALID, "go together");

    call = parse_ok(REST_PATCH,
                    "/v1/tenants/red/floating-ips/192.168.100.100", NULL,
                    "{\"network\": \"vx\", \"port\": \"a2\"}", false);
    assert_int_equal(call->req.op, WEFT_OP_FIP_SET);
    assert_string_equal(call->req.path[0], "red");
    assert_null(call->req.path[1]);
    assert_string_equal(call->req.fip, "192.168.100.100");
    assert_string_equal(call->req.network, "vx");
    assert_string_equal(call->req.port_name, "a2");
    api_call_destroy(call);

    /* {"port": null} unassigns; an empty body is refused, not taken for
     * an unassignment. */
    call = parse_ok(REST_PATCH,
                    "/v1/tenants/red/floating-ips/192.168.100.100", NULL,
                    "{\"port\": null}", false);
    assert_int_equal(call->req.op, WEFT_OP_FIP_SET);
    assert_null(call->req.network);
    assert_null(call->req.port_name);
    api_call_destroy(call);
    parse_fails(REST_PATCH, "/v1/tenants/red/floating-ips/192.168.100.100",
                NULL, "{}", false, WEFT_ERR_INVALID,
                "member \"port\" is required");

    call = parse_ok(REST_DELETE,
                    "/v1/tenants/red/floating-ips/192.168.100.100", NULL,
                    NULL, false);
    assert_int_equal(call->req.op, WEFT_OP_FIP_DEL);
    assert_string_equal(call->req.fip, "192.168.100.100");
    api_call_destroy(call);

    call = parse_ok(REST_GET, "/v1/tenants/red/floating-ips/192.168.100.100",
                    NULL, NULL, false);
    assert_int_equal(call->verb, API_GET);
    assert_int_equal(call->n_path, 2);
    assert_string_equal(call->path[1], "192.168.100.100");
    api_call_destroy(call);
}

static void
test_port_mappings(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(
        REST_POST, "/v1/tenants/red/port-mappings", NULL,
        "{\"network\": \"vx\", \"port\": \"a1\", \"proto\": \"tcp\", "
        "\"host_port\": 8080, \"to_port\": 80}", false);
    assert_int_equal(call->resource, API_MAPPINGS);
    assert_int_equal(call->req.op, WEFT_OP_MAP_ADD);
    assert_string_equal(call->req.path[0], "red");
    assert_string_equal(call->req.path[1], "vx");
    assert_string_equal(call->req.path[2], "a1");
    assert_string_equal(call->req.proto, "tcp");
    assert_string_equal(call->req.host_port, "8080");
    assert_string_equal(call->req.to_port, "80");
    api_call_destroy(call);

    parse_fails(REST_POST, "/v1/tenants/red/port-mappings", NULL,
                "{\"network\": \"vx\", \"port\": \"a1\", "
                "\"proto\": \"tcp\", \"host_port\": \"8080\", "
                "\"to_port\": 80}", false, WEFT_ERR_INVALID,
                "member \"host_port\" must be an integer");
    parse_fails(REST_POST, "/v1/tenants/red/port-mappings", NULL,
                "{\"network\": \"vx\", \"port\": \"a1\", "
                "\"proto\": \"tcp\", \"host_port\": 8080}", false,
                WEFT_ERR_INVALID, "member \"to_port\" is required");
    parse_fails(REST_POST, "/v1/tenants/red/port-mappings", NULL,
                "{\"port\": \"a1\", \"proto\": \"tcp\", "
                "\"host_port\": 8080, \"to_port\": 80}", false,
                WEFT_ERR_INVALID, "member \"network\" is required");

    /* By host, protocol and host port: the port is the main loop's to
     * find. */
    call = parse_ok(REST_DELETE, "/v1/tenants/red/port-mappings/h1/udp/5353",
                    NULL, NULL, false);
    assert_int_equal(call->req.op, WEFT_OP_MAP_DEL);
    assert_int_equal(call->n_path, 3);
    assert_string_equal(call->path[1], "h1");
    assert_string_equal(call->req.path[0], "red");
    assert_null(call->req.path[1]);
    assert_null(call->req.path[2]);
    assert_string_equal(call->req.proto, "udp");
    assert_string_equal(call->req.host_port, "5353");
    api_call_destroy(call);

    parse_fails(REST_GET, "/v1/tenants/red/port-mappings/h1/udp/5353", NULL,
                NULL, false, WEFT_ERR_METHOD, "allows only DELETE");
    parse_fails(REST_DELETE, "/v1/tenants/red/port-mappings/h1/udp", NULL,
                NULL, false, WEFT_ERR_NOT_FOUND, "no such resource");
}

/* Services: a service by name under its tenant, a backend by its network
 * and port (two segments, one name), the counters a GET only. */
static void
test_services(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(
        REST_POST, "/v1/tenants/red/services", NULL,
        "{\"name\": \"web\", \"router\": \"rtr\", "
        "\"vip\": \"10.96.0.10\", \"port\": 80, \"proto\": \"udp\", "
        "\"node_port\": 30080}", false);
    assert_int_equal(call->resource, API_SERVICES);
    assert_int_equal(call->req.op, WEFT_OP_SERVICE_ADD);
    assert_string_equal(call->req.path[0], "red");
    assert_string_equal(call->req.path[1], "web");
    assert_string_equal(call->req.router, "rtr");
    assert_string_equal(call->req.vip, "10.96.0.10");
    assert_string_equal(call->req.svc_port, "80");
    assert_string_equal(call->req.proto, "udp");
    assert_string_equal(call->req.node_port, "30080");
    api_call_destroy(call);

    /* proto and node_port are optional. */
    call = parse_ok(REST_POST, "/v1/tenants/red/services", NULL,
                    "{\"name\": \"web\", \"router\": \"rtr\", "
                    "\"vip\": \"10.96.0.10\", \"port\": 80}", false);
    assert_null(call->req.proto);
    assert_null(call->req.node_port);
    api_call_destroy(call);

    parse_fails(REST_POST, "/v1/tenants/red/services", NULL,
                "{\"name\": \"web\", \"router\": \"rtr\", "
                "\"vip\": \"10.96.0.10\", \"port\": \"80\"}", false,
                WEFT_ERR_INVALID, "member \"port\" must be an integer");
    parse_fails(REST_POST, "/v1/tenants/red/services", NULL,
                "{\"name\": \"web\", \"vip\": \"10.96.0.10\", "
                "\"port\": 80}", false,
                WEFT_ERR_INVALID, "member \"router\" is required");
    parse_fails(REST_POST, "/v1/tenants/red/services", NULL,
                "{\"name\": \"web\", \"router\": \"rtr\", "
                "\"vip\": \"10.96.0.10\", \"port\": 80, \"weight\": 2}",
                false, WEFT_ERR_INVALID, "unknown member \"weight\"");

    /* PATCH: a node port, or null to remove it ("" in the request). */
    call = parse_ok(REST_PATCH, "/v1/tenants/red/services/web", NULL,
                    "{\"node_port\": 30081}", false);
    assert_int_equal(call->req.op, WEFT_OP_SERVICE_SET);
    assert_string_equal(call->req.path[1], "web");
    assert_string_equal(call->req.node_port, "30081");
    api_call_destroy(call);
    call = parse_ok(REST_PATCH, "/v1/tenants/red/services/web", NULL,
                    "{\"node_port\": null}", false);
    assert_string_equal(call->req.node_port, "");
    api_call_destroy(call);
    parse_fails(REST_PATCH, "/v1/tenants/red/services/web", NULL, "{}",
                false, WEFT_ERR_INVALID, "member \"node_port\" is required");

    call = parse_ok(REST_DELETE, "/v1/tenants/red/services/web", NULL, NULL,
                    false);
    assert_int_equal(call->req.op, WEFT_OP_SERVICE_DEL);
    assert_string_equal(call->req.path[1], "web");
    api_call_destroy(call);

    call = parse_ok(REST_GET, "/v1/tenants/red/services/web/stats", NULL,
                    NULL, false);
    assert_int_equal(call->resource, API_SERVICE_STATS);
    assert_int_equal(call->verb, API_GET);
    assert_int_equal(call->n_path, 2);
    api_call_destroy(call);
    parse_fails(REST_POST, "/v1/tenants/red/services/web/stats", NULL, "{}",
                false, WEFT_ERR_METHOD, "allows only GET");

    /* Backends. */
    call = parse_ok(REST_POST, "/v1/tenants/red/services/web/backends", NULL,
                    "{\"network\": \"vx\", \"port\": \"a1\", "
                    "\"to_port\": 8080, \"weight\": 3, \"down\": true}",
                    false);
    assert_int_equal(call->req.op, WEFT_OP_BACKEND_ADD);
    assert_string_equal(call->req.path[0], "red");
    assert_string_equal(call->req.path[1], "web");
    assert_string_equal(call->req.network, "vx");
    assert_string_equal(call->req.port_name, "a1");
    assert_string_equal(call->req.to_port, "8080");
    assert_string_equal(call->req.weight, "3");
    assert_string_equal(call->req.down, "true");
    api_call_destroy(call);
    parse_fails(REST_POST, "/v1/tenants/red/services/web/backends", NULL,
                "{\"network\": \"vx\"}", false, WEFT_ERR_INVALID,
                "member \"port\" is required");
    parse_fails(REST_POST, "/v1/tenants/red/services/web/backends", NULL,
                "{\"network\": \"vx\", \"port\": \"a1\", "
                "\"down\": \"yes\"}", false, WEFT_ERR_INVALID,
                "member \"down\" must be true or false");

    call = parse_ok(REST_PATCH, "/v1/tenants/red/services/web/backends/vx/a1",
                    NULL, "{\"weight\": 5, \"down\": false}", false);
    assert_int_equal(call->req.op, WEFT_OP_BACKEND_SET);
    assert_string_equal(call->req.path[1], "web");
    assert_string_equal(call->req.network, "vx");
    assert_string_equal(call->req.port_name, "a1");
    assert_string_equal(call->req.weight, "5");
    assert_string_equal(call->req.down, "false");
    assert_null(call->req.to_port);
    api_call_destroy(call);
    parse_fails(REST_PATCH, "/v1/tenants/red/services/web/backends/vx/a1",
                NULL, "{\"network\": \"gre\"}", false, WEFT_ERR_INVALID,
                "unknown member \"network\"");

    call = parse_ok(REST_DELETE,
                    "/v1/tenants/red/services/web/backends/vx/a1", NULL, NULL,
                    false);
    assert_int_equal(call->req.op, WEFT_OP_BACKEND_DEL);
    assert_string_equal(call->req.network, "vx");
    assert_string_equal(call->req.port_name, "a1");
    api_call_destroy(call);
    parse_fails(REST_GET, "/v1/tenants/red/services/web/backends/vx/a1",
                NULL, NULL, false, WEFT_ERR_METHOD,
                "allows only DELETE, PATCH");
}

/* Security groups: the group, its rules and members become the requests
 * of topology/request.h; "ports" as text or a number. */
static void
test_security_groups(void **state)
{
    (void) state;
    struct api_call *call = parse_ok(REST_POST,
                                     "/v1/tenants/red/security-groups", NULL,
                                     "{\"name\": \"web\"}", false);
    assert_int_equal(call->resource, API_SGS);
    assert_int_equal(call->req.op, WEFT_OP_SG_ADD);
    assert_string_equal(call->req.path[0], "red");
    assert_string_equal(call->req.path[1], "web");
    api_call_destroy(call);
    parse_fails(REST_POST, "/v1/tenants/red/security-groups", NULL,
                "{\"name\": \"web\", \"rules\": []}", false,
                WEFT_ERR_INVALID, "unknown member \"rules\"");
    parse_fails(REST_POST, "/v1/tenants/red/security-groups", NULL, "{}",
                false, WEFT_ERR_INVALID, "member \"name\" is required");

    call = parse_ok(REST_GET, "/v1/tenants/red/security-groups", NULL, NULL,
                    false);
    assert_int_equal(call->resource, API_SGS);
    assert_int_equal(call->verb, API_LIST);
    api_call_destroy(call);
    call = parse_ok(REST_GET, "/v1/tenants/red/security-groups/web", NULL,
                    NULL, false);
    assert_int_equal(call->verb, API_GET);
    assert_int_equal(call->n_path, 2);
    api_call_destroy(call);
    call = parse_ok(REST_DELETE, "/v1/tenants/red/security-groups/web", NULL,
                    NULL, false);
    assert_int_equal(call->req.op, WEFT_OP_SG_DEL);
    assert_string_equal(call->req.path[1], "web");
    api_call_destroy(call);
    parse_fails(REST_PATCH, "/v1/tenants/red/security-groups/web", NULL,
                "{}", false, WEFT_ERR_METHOD, "allows only GET, DELETE");

    call = parse_ok(REST_GET, "/v1/tenants/red/security-groups/web/stats",
                    NULL, NULL, false);
    assert_int_equal(call->resource, API_SG_STATS);
    assert_int_equal(call->verb, API_GET);
    assert_string_equal(call->path[1], "web");
    api_call_destroy(call);
    parse_fails(REST_DELETE, "/v1/tenants/red/security-groups/web/stats",
                NULL, NULL, false, WEFT_ERR_METHOD, "allows only GET");

    /* Rules. */
    call = parse_ok(REST_POST, "/v1/tenants/red/security-groups/web/rules",
                    NULL, "{\"direction\": \"ingress\", \"proto\": \"tcp\", "
                    "\"ports\": \"8000-8080\", "
                    "\"remote_cidr\": \"10.0.0.0/24\"}", false);
    assert_int_equal(call->req.op, WEFT_OP_SG_RULE_ADD);
    assert_string_equal(call->req.path[1], "web");
    assert_string_equal(call->req.direction, "ingress");
    assert_string_equal(call->req.proto, "tcp");
    assert_string_equal(call->req.ports, "8000-8080");
    assert_string_equal(call->req.remote_cidr, "10.0.0.0/24");
    assert_null(call->req.remote_group);
    api_call_destroy(call);
    call = parse_ok(REST_POST, "/v1/tenants/red/security-groups/web/rules",
                    NULL, "{\"direction\": \"egress\", \"proto\": \"udp\", "
                    "\"ports\": 53, \"remote_group\": \"db\", "
                    "\"remote_cidr\": null}", false);
    assert_string_equal(call->req.ports, "53");
    assert_string_equal(call->req.remote_group, "db");
    assert_null(call->req.remote_cidr);
    api_call_destroy(call);
    call = parse_ok(REST_POST, "/v1/tenants/red/security-groups/web/rules",
                    NULL, "{\"direction\": \"ingress\"}", false);
    assert_null(call->req.proto);
    assert_null(call->req.ports);
    api_call_destroy(call);
    parse_fails(REST_POST, "/v1/tenants/red/security-groups/web/rules",
                NULL, "{\"proto\": \"tcp\"}", false, WEFT_ERR_INVALID,
                "member \"direction\" is required");
    parse_fails(REST_POST, "/v1/tenants/red/security-groups/web/rules",
                NULL, "{\"direction\": \"ingress\", \"ports\": [80]}",
                false, WEFT_ERR_INVALID, "member \"ports\" must be a string");
    parse_fails(REST_POST, "/v1/tenants/red/security-groups/web/rules",
                NULL, "{\"direction\": \"ingress\", \"ports\": -1}",
                false, WEFT_ERR_INVALID, "must not be negative");
    parse_fails(REST_POST, "/v1/tenants/red/security-groups/web/rules",
                NULL, "{\"direction\": \"ingress\", \"port\": 80}",
                false, WEFT_ERR_INVALID, "unknown member \"port\"");
    call = parse_ok(REST_DELETE,
                    "/v1/tenants/red/security-groups/web/rules/7", NULL,
                    NULL, false);
    assert_int_equal(call->req.op, WEFT_OP_SG_RULE_DEL);
    assert_string_equal(call->req.path[1], "web");
    assert_string_equal(call->req.rule_id, "7");
    api_call_destroy(call);
    parse_fails(REST_GET, "/v1/tenants/red/security-groups/web/rules/7",
                NULL, NULL, false, WEFT_ERR_METHOD, "allows only DELETE");

    /* Members. */
    call = parse_ok(REST_POST, "/v1/tenants/red/security-groups/web/members",
                    NULL, "{\"network\": \"vx\", \"port\": \"a1\"}", false);
    assert_int_equal(call->req.op, WEFT_OP_SG_MEMBER_ADD);
    assert_string_equal(call->req.network, "vx");
    assert_string_equal(call->req.port_name, "a1");
    api_call_destroy(call);
    parse_fails(REST_POST, "/v1/tenants/red/security-groups/web/members",
                NULL, "{\"network\": \"vx\"}", false, WEFT_ERR_INVALID,
                "member \"port\" is required");
    call = parse_ok(REST_DELETE,
                    "/v1/tenants/red/security-groups/web/members/vx/a1", NULL,
                    NULL, false);
    assert_int_equal(call->req.op, WEFT_OP_SG_MEMBER_DEL);
    assert_string_equal(call->req.path[0], "red");
    assert_string_equal(call->req.path[1], "web");
    assert_string_equal(call->req.network, "vx");
    assert_string_equal(call->req.port_name, "a1");
    api_call_destroy(call);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_hash),
        cmocka_unit_test(test_root_with_token_is_the_tenant),
        cmocka_unit_test(test_quota_patch),
        cmocka_unit_test(test_dot_names),
        cmocka_unit_test(test_subnet_fields),
        cmocka_unit_test(test_router_create_delete),
        cmocka_unit_test(test_router_attach_detach),
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_host_external),
        cmocka_unit_test(test_router_snat),
        cmocka_unit_test(test_pools),
        cmocka_unit_test(test_floating_ips),
        cmocka_unit_test(test_port_mappings),
        cmocka_unit_test(test_services),
        cmocka_unit_test(test_security_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
