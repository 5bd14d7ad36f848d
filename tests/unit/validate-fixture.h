/* validate-fixture: what the tests of topology/'s validation share
 * (test-validate.c and test-validate-nat.c: the parsers and checks;
 * test-validate-request.c, test-validate-nat-request.c,
 * test-validate-service.c and test-validate-security.c: whole requests):
 * value helpers, one small topology to check changes against, and the
 * request helpers and asserts; the error asserts and next_uuid() are
 * unit-fixture.h's.  Include after <cmocka.h>. */
#ifndef WEFT_VALIDATE_FIXTURE_H
#define WEFT_VALIDATE_FIXTURE_H 1

#include "packets.h"
#include "topology.h"
#include "unit-fixture.h"
#include "validate.h"

/* 's' parsed with parse_mac() or parse_ipv4(), which must accept it. */
struct eth_addr mac(const char *s);
ovs_be32 ip(const char *s);

/* The fixture: hosts h1 and h2; tenants red and blue; networks red/net1
 * (vxlan 1001, key 1), red/net2 (vlan 10, key 2) and blue/net1 (vxlan 1002,
 * key 3); port red/net1/a on h1 (veth1, 02:00:00:00:00:01, 10.0.0.1 and
 * 10.0.0.2, key 1).  Tenant keys: red 1, blue 2.  setup() and teardown()
 * are cmocka's group-less setup and teardown of one test. */
struct fixture {
    struct topology topo;
    struct topo_host *h1, *h2;
    struct topo_tenant *red, *blue;
    struct topo_network *red_net1, *red_net2, *blue_net1;
    struct topo_port *a;
};

int setup(void **state);
int teardown(void **state);

/* The NAT world (test-validate-nat*.c), on top of the fixture above:
 *   red/net1 has subnet 10.0.0.0/24 (gateway 10.0.0.254) and router red/r;
 *   blue/net1 has subnet 10.0.0.0/24 and router blue/r;
 *   h1 has external side ext0 192.168.100.11/24 via 192.168.100.1, h2 none;
 *   pool "ext" is 192.168.100.0/24;
 *   ports red/net1/b on h2 (10.0.0.3), red/net2/c on h1 (no IP),
 *   blue/net1/x on h1 (10.0.0.5);
 *   floating IP 192.168.100.2 of blue, on blue/net1/x.
 * build_nat() builds it into 'f', which setup() made. */
struct nat_fixture {
    struct fixture *f;
    struct topo_pool *pool;
    struct topo_port *b, *c, *x;
    struct topo_fip *blue_fip;
};

void build_nat(struct nat_fixture *, struct fixture *f);

/* Requests (validate-request.c), as weftctl and the REST API run them: step 1
 * (weft_request_check(), the values alone) and step 2
 * (weft_request_validate(), against a topology).  Messages and kinds are
 * checked exactly: the kind is the REST status (INVALID 400, NOT_FOUND 404,
 * CONFLICT 409) and tests/lab checks both. */

/* A new request for 'op' on the path 'p0'/'p1'/'p2' (NULLs for fewer); the
 * caller frees it with req_free(). */
struct weft_request *req_new(enum weft_op op, const char *p0, const char *p1,
                             const char *p2);
void req_free(struct weft_request *);

/* Asserts that 'error' is an error of 'kind' whose message is 'msg', and
 * frees it. */
void assert_werr(struct weft_error *error, enum weft_err_kind kind,
                 const char *msg);

/* Step 1 of 'req' must fail with the INVALID 'msg'; so must step 2 (which
 * runs step 1 again for callers that skipped it).  Frees 'req'. */
void assert_invalid(const struct topology *, struct weft_request *req,
                    const char *msg);

/* Step 1 of 'req' must pass and step 2 fail with 'kind' and 'msg'.  Frees
 * 'req'. */
void assert_refused(const struct topology *, struct weft_request *req,
                    enum weft_err_kind kind, const char *msg);

/* Both steps of 'req' must pass; the plan is left in '*plan' (the caller
 * destroys it and frees 'req' after reading it). */
void assert_accepted(const struct topology *, struct weft_request *req,
                     struct weft_plan *plan);

/* assert_accepted(), then destroys the plan and frees 'req'. */
void accept_and_free(const struct topology *, struct weft_request *req);

#endif /* validate-fixture.h */
