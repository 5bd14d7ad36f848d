/* test-rest-parse: who a REST request acts as, and the quota PATCH body,
 * through rest_parse_request() (controller/rest/rest-parse.c) without a socket.
 *
 * - A bearer token makes the request its tenant's even when the peer is
 *   root: root is an admin only without a token.
 * - PATCH /v1/tenants/{t}/quota becomes a TENANT_SET request, checked with
 *   weftctl's messages.
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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_hash),
        cmocka_unit_test(test_root_with_token_is_the_tenant),
        cmocka_unit_test(test_quota_patch),
        cmocka_unit_test(test_dot_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
