/* test-validate-nat-request: unit tests for topology/validate-request-nat.c,
 * the NAT ops (HOST_SET, ROUTER_SET, POOL_*, FIP_*, MAP_*) and the NAT
 * values of HOST_ADD and ROUTER_ADD as whole requests, as weftctl and the
 * REST API run them: step 1 and step 2, each refusal's kind (the REST
 * status: INVALID 400, NOT_FOUND 404, CONFLICT 409) and message, what a
 * tenant is told about another tenant's floating IPs and host ports, and
 * the plans the write layer gets.  The rules themselves are
 * test-validate-nat.c's.  Every error and plan is freed. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>

#include "validate-fixture.h"

/* ------------------------------------------------------------------------
 * Whole requests (req_new() and the request asserts are
 * validate-fixture.h's). */

static void
test_nat_requests_hosts_routers(void **state)
{
    struct nat_fixture n;
    build_nat(&n, *state);
    struct fixture *f = n.f;
    const struct topology *t = &f->topo;
    struct weft_request *req;
    struct weft_plan plan;

    req = req_new(WEFT_OP_HOST_ADD, "h3", NULL, NULL);
    req->remote = xstrdup("unix:/h3.sock");
    req->external_ip = xstrdup("192.168.100.13/24");
    assert_invalid(t, req, "the external side needs an interface, an IP and "
                   "a gateway (interface missing)");

    req = req_new(WEFT_OP_HOST_ADD, "h3", NULL, NULL);
    req->remote = xstrdup("unix:/h3.sock");
    req->uplink = xstrdup("eth1");
    req->external_iface = xstrdup("eth1");
    req->external_ip = xstrdup("192.168.100.13/24");
    req->external_gateway = xstrdup("192.168.100.1");
    assert_refused(t, req, WEFT_ERR_CONFLICT,
                   "external interface eth1 is the host's uplink");

    req = req_new(WEFT_OP_HOST_ADD, "h3", NULL, NULL);
    req->remote = xstrdup("unix:/h3.sock");
    req->external_iface = xstrdup("ext0");
    req->external_ip = xstrdup("192.168.100.13/24");
    req->external_gateway = xstrdup("192.168.100.1");
    assert_accepted(t, req, &plan);
    assert_string_equal(plan.ext.iface, "ext0");
    assert_int_equal(plan.ext.ip, ip("192.168.100.13"));
    weft_plan_destroy(&plan);
    req_free(req);

    req = req_new(WEFT_OP_HOST_SET, "h1", NULL, NULL);
    req->external_iface = xstrdup("");
    req->external_ip = xstrdup("192.168.100.13/24");
    assert_invalid(t, req, "removing the external side takes no IP or "
                   "gateway");
    req = req_new(WEFT_OP_HOST_SET, "h9", NULL, NULL);
    req->external_iface = xstrdup("");
    assert_refused(t, req, WEFT_ERR_NOT_FOUND, "host h9 does not exist");
    req = req_new(WEFT_OP_HOST_SET, "h1", NULL, NULL);
    req->external_iface = xstrdup("");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "host h1 still has 1 floating "
                   "IP: delete them first");
    req = req_new(WEFT_OP_HOST_SET, "h2", NULL, NULL);
    req->external_iface = xstrdup("");
    assert_accepted(t, req, &plan);
    assert_true(plan.ext_given);
    assert_null(plan.ext.iface);
    assert_ptr_equal(plan.host, f->h2);
    weft_plan_destroy(&plan);
    req_free(req);
    req = req_new(WEFT_OP_HOST_SET, "h2", NULL, NULL);
    assert_accepted(t, req, &plan);
    assert_false(plan.ext_given);
    weft_plan_destroy(&plan);
    req_free(req);

    req = req_new(WEFT_OP_ROUTER_SET, "red", "r", NULL);
    req->snat = xstrdup("yes");
    assert_invalid(t, req, "invalid snat \"yes\": expected true or false");
    req = req_new(WEFT_OP_ROUTER_SET, "red", "nope", NULL);
    req->snat = xstrdup("true");
    assert_refused(t, req, WEFT_ERR_NOT_FOUND, "router red/nope does not "
                   "exist");
    req = req_new(WEFT_OP_ROUTER_SET, "red", "r", NULL);
    req->snat = xstrdup("true");
    assert_accepted(t, req, &plan);
    assert_int_equal(plan.snat, 1);
    assert_non_null(plan.router);
    weft_plan_destroy(&plan);
    req_free(req);
    req = req_new(WEFT_OP_ROUTER_ADD, "red", "r2", NULL);
    req->snat = xstrdup("TRUE");
    assert_invalid(t, req, "invalid snat \"TRUE\": expected true or false");
    req = req_new(WEFT_OP_ROUTER_ADD, "red", "r2", NULL);
    assert_accepted(t, req, &plan);
    assert_int_equal(plan.snat, -1);
    weft_plan_destroy(&plan);
    req_free(req);
}

static void
test_nat_requests_pools_fips(void **state)
{
    struct nat_fixture n;
    build_nat(&n, *state);
    struct fixture *f = n.f;
    const struct topology *t = &f->topo;
    struct weft_request *req;
    struct weft_plan plan;

    req = req_new(WEFT_OP_POOL_ADD, "p2", NULL, NULL);
    assert_invalid(t, req, "cidr is required");
    req = req_new(WEFT_OP_POOL_ADD, "bad name", NULL, NULL);
    req->cidr = xstrdup("10.9.0.0/24");
    assert_invalid(t, req, "invalid pool name \"bad name\": only letters, "
                   "digits, '_', '.' and '-' are allowed");
    req = req_new(WEFT_OP_POOL_ADD, "p2", NULL, NULL);
    req->cidr = xstrdup("192.168.100.64/26");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "pool cidr 192.168.100.64/26 "
                   "overlaps pool ext (192.168.100.0/24)");
    req = req_new(WEFT_OP_POOL_DEL, "ext", NULL, NULL);
    assert_refused(t, req, WEFT_ERR_CONFLICT,
                   "pool ext still has 1 floating IP");
    req = req_new(WEFT_OP_POOL_DEL, "nope", NULL, NULL);
    assert_refused(t, req, WEFT_ERR_NOT_FOUND, "pool nope does not exist");

    req = req_new(WEFT_OP_FIP_ADD, "red", NULL, NULL);
    assert_invalid(t, req, "pool is required");
    req = req_new(WEFT_OP_FIP_ADD, "red", NULL, NULL);
    req->pool = xstrdup("ext");
    req->fip = xstrdup("192.168.100.7/24");
    assert_invalid(t, req, "invalid floating IP \"192.168.100.7/24\": "
                   "expected A.B.C.D");
    req = req_new(WEFT_OP_FIP_ADD, "red", NULL, NULL);
    req->pool = xstrdup("ext");
    req->port_name = xstrdup("a");
    assert_invalid(t, req, "a port needs its network");
    req = req_new(WEFT_OP_FIP_ADD, "red", NULL, NULL);
    req->pool = xstrdup("nope");
    assert_refused(t, req, WEFT_ERR_NOT_FOUND, "pool nope does not exist");
    req = req_new(WEFT_OP_FIP_ADD, "red", NULL, NULL);
    req->pool = xstrdup("ext");
    req->fip = xstrdup("10.1.1.1");
    assert_refused(t, req, WEFT_ERR_INVALID, "address 10.1.1.1 is not in "
                   "pool ext (192.168.100.0/24)");
    req = req_new(WEFT_OP_FIP_ADD, "red", NULL, NULL);
    req->pool = xstrdup("ext");
    req->fip = xstrdup("192.168.100.2");
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_CONFLICT,
                   "address 192.168.100.2 is already in use");
    req = req_new(WEFT_OP_FIP_ADD, "red", NULL, NULL);
    req->pool = xstrdup("ext");
    req->network = xstrdup("net1");
    req->port_name = xstrdup("b");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "host h2 has no external side");
    req = req_new(WEFT_OP_FIP_ADD, "red", NULL, NULL);
    req->pool = xstrdup("ext");
    req->network = xstrdup("net1");
    req->port_name = xstrdup("zz");
    assert_refused(t, req, WEFT_ERR_NOT_FOUND,
                   "port red/net1/zz does not exist");
    req = req_new(WEFT_OP_FIP_ADD, "red", NULL, NULL);
    req->pool = xstrdup("ext");
    req->network = xstrdup("net1");
    req->port_name = xstrdup("a");
    assert_accepted(t, req, &plan);
    assert_true(plan.fip_allocated);
    assert_int_equal(plan.fip_ip, ip("192.168.100.3"));
    assert_ptr_equal(plan.target, f->a);
    assert_ptr_equal(plan.pool, n.pool);
    weft_plan_destroy(&plan);
    req_free(req);
}

static void
test_nat_requests_fip_del_set(void **state)
{
    struct nat_fixture n;
    build_nat(&n, *state);
    struct fixture *f = n.f;
    const struct topology *t = &f->topo;
    struct weft_request *req;
    struct weft_plan plan;

    /* Another tenant's floating IP: not found for a tenant, a conflict
     * naming it for an administrator. */
    req = req_new(WEFT_OP_FIP_DEL, "red", NULL, NULL);
    req->fip = xstrdup("192.168.100.2");
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_NOT_FOUND,
                   "floating IP 192.168.100.2 does not exist");
    req = req_new(WEFT_OP_FIP_SET, "red", NULL, NULL);
    req->fip = xstrdup("192.168.100.2");
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_NOT_FOUND,
                   "floating IP 192.168.100.2 does not exist");
    req = req_new(WEFT_OP_FIP_DEL, "red", NULL, NULL);
    req->fip = xstrdup("192.168.100.2");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "floating IP 192.168.100.2 "
                   "belongs to tenant blue, not red");
    req = req_new(WEFT_OP_FIP_DEL, "red", NULL, NULL);
    assert_invalid(t, req, "floating IP is required");
    req = req_new(WEFT_OP_FIP_DEL, "blue", NULL, NULL);
    req->fip = xstrdup("192.168.100.2");
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.fip, n.blue_fip);
    weft_plan_destroy(&plan);
    req_free(req);
    /* Unassign, then a port without an IP. */
    req = req_new(WEFT_OP_FIP_SET, "blue", NULL, NULL);
    req->fip = xstrdup("192.168.100.2");
    assert_accepted(t, req, &plan);
    assert_null(plan.target);
    weft_plan_destroy(&plan);
    req_free(req);
    req = req_new(WEFT_OP_FIP_SET, "blue", NULL, NULL);
    req->fip = xstrdup("192.168.100.2");
    req->network = xstrdup("net1");
    assert_invalid(t, req, "a network needs a port");

    /* tenant-del while it holds floating IPs. */
    req = req_new(WEFT_OP_TENANT_DEL, "blue", NULL, NULL);
    assert_refused(t, req, WEFT_ERR_CONFLICT, "tenant blue still has "
                   "1 network, 1 router and 1 floating IP");
}

static void
test_nat_requests_mappings(void **state)
{
    struct nat_fixture n;
    build_nat(&n, *state);
    struct fixture *f = n.f;
    const struct topology *t = &f->topo;
    struct weft_request *req;
    struct weft_plan plan;

    req = req_new(WEFT_OP_MAP_ADD, "red", "net1", "a");
    req->proto = xstrdup("tcp");
    req->host_port = xstrdup("8080");
    req->to_port = xstrdup("0");
    assert_invalid(t, req, "port 0 is out of range 1..65535");
    req = req_new(WEFT_OP_MAP_ADD, "red", "net1", "a");
    req->proto = xstrdup("tcp");
    req->host_port = xstrdup("65536");
    req->to_port = xstrdup("80");
    assert_invalid(t, req, "host port 65536 is out of range 1..65535");
    req = req_new(WEFT_OP_MAP_ADD, "red", "net1", "a");
    req->proto = xstrdup("sctp");
    req->host_port = xstrdup("8080");
    req->to_port = xstrdup("80");
    assert_invalid(t, req, "invalid protocol \"sctp\": expected tcp or udp");
    req = req_new(WEFT_OP_MAP_ADD, "red", "net1", "a");
    req->proto = xstrdup("tcp");
    req->host_port = xstrdup("8080");
    assert_invalid(t, req, "port is required");
    req = req_new(WEFT_OP_MAP_ADD, "red", "net1", "nope");
    req->proto = xstrdup("tcp");
    req->host_port = xstrdup("8080");
    req->to_port = xstrdup("80");
    assert_refused(t, req, WEFT_ERR_NOT_FOUND,
                   "port red/net1/nope does not exist");

    req = req_new(WEFT_OP_MAP_ADD, "red", "net1", "a");
    req->proto = xstrdup("tcp");
    req->host_port = xstrdup("8080");
    req->to_port = xstrdup("80");
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.port, f->a);
    assert_int_equal(plan.mapping.proto, IPPROTO_TCP);
    assert_int_equal(plan.mapping.host_port, 8080);
    assert_int_equal(plan.mapping.port, 80);
    weft_plan_destroy(&plan);

    /* Now taken on h1, whoever asks. */
    topology_set_port_mappings(&f->topo, n.x, &plan.mapping, 1);
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_CONFLICT,
                   "host h1 port tcp/8080 is already mapped");

    req = req_new(WEFT_OP_MAP_DEL, "red", "net1", "a");
    req->proto = xstrdup("tcp");
    req->host_port = xstrdup("8080");
    assert_refused(t, req, WEFT_ERR_NOT_FOUND,
                   "port red/net1/a has no mapping of tcp/8080");
    req = req_new(WEFT_OP_MAP_DEL, "blue", "net1", "x");
    req->proto = xstrdup("tcp");
    req->host_port = xstrdup("8080");
    assert_accepted(t, req, &plan);
    assert_int_equal(plan.mapping.port, 80);
    weft_plan_destroy(&plan);
    req_free(req);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nat_requests_hosts_routers,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_nat_requests_pools_fips, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_nat_requests_fip_del_set, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_nat_requests_mappings, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
