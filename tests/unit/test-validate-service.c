/* test-validate-service: unit tests for topology/validate-service.c, the
 * service ops (SERVICE_ADD, SERVICE_DEL, SERVICE_SET, BACKEND_ADD,
 * BACKEND_DEL, BACKEND_SET) as whole requests, as weftctl and the REST API
 * run them: step 1 and step 2, each refusal's kind (the REST status:
 * INVALID 400, NOT_FOUND 404, CONFLICT 409) and message, what a tenant is
 * told about another tenant's node ports and ports, the plans the write
 * layer gets; and the refusals of other ops because of services
 * (router-del, router-detach, router-attach, tenant-del, map-add).  Every
 * error and plan is freed. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>

#include "validate-fixture.h"

/* ------------------------------------------------------------------------
 * Requests: the builders of the service ops; req_new() and the request asserts
 * are validate-fixture.h's. */

static struct weft_request *
service_add(const char *tenant, const char *name, const char *router,
            const char *vip, const char *port)
{
    struct weft_request *req = req_new(WEFT_OP_SERVICE_ADD, tenant, name,
                                       NULL);
    req->router = nullable_xstrdup(router);
    req->vip = nullable_xstrdup(vip);
    req->svc_port = nullable_xstrdup(port);
    return req;
}

static struct weft_request *
backend(enum weft_op op, const char *svc, const char *net, const char *port)
{
    struct weft_request *req = req_new(op, "red", svc, NULL);
    req->network = nullable_xstrdup(net);
    req->port_name = nullable_xstrdup(port);
    return req;
}

/* The services world, on the NAT world (validate-fixture.h): red/web
 * 10.96.0.10:80/tcp (key 1) on red/r, blue/bweb 10.96.0.10:80/tcp with
 * node port 30080 (key 2) on blue/r; port red/net2/d (10.5.0.1, on h1: its
 * network has no router). */
struct svc_fixture {
    struct nat_fixture n;
    struct topo_router *red_r, *blue_r;
    struct topo_service *web, *bweb;
    struct topo_port *d;
};

static void
build_services(struct svc_fixture *s, struct fixture *f)
{
    struct topology *t = &f->topo;
    build_nat(&s->n, f);
    s->red_r = topology_find_router_by_name(t, f->red, "r");
    s->blue_r = topology_find_router_by_name(t, f->blue, "r");
    struct uuid u = next_uuid();
    s->web = topology_add_service(t, &u, f->red, s->red_r, "web", 1,
                                  ip("10.96.0.10"), 80, IPPROTO_TCP, 0);
    u = next_uuid();
    s->bweb = topology_add_service(t, &u, f->blue, s->blue_r, "bweb", 2,
                                   ip("10.96.0.10"), 80, IPPROTO_TCP, 30080);
    u = next_uuid();
    ovs_be32 addr = ip("10.5.0.1");
    s->d = topology_add_port(t, &u, f->red_net2, f->h1, "d", "d",
                             mac("02:00:00:00:01:0d"), &addr, 1, 99);
}

/* ------------------------------------------------------------------------
 * Values. */

static void
test_service_values(void **state OVS_UNUSED)
{
    static const struct {
        const char *s, *error;
    } vips[] = {
        { "10.96.0.10", NULL },
        { "100.65.0.1", NULL },
        { "10.96.0.10/32", "invalid VIP \"10.96.0.10/32\": expected a "
          "unicast A.B.C.D" },
        { "10.96.0", "invalid VIP \"10.96.0\": expected a unicast A.B.C.D" },
        { "0.1.2.3", "VIP 0.1.2.3 is in 0.0.0.0/8" },
        { "0.0.0.0", "IP 0.0.0.0 is the unspecified address" },
        { "127.0.0.1", "VIP 127.0.0.1 is a loopback address" },
        { "224.0.0.5", "IP 224.0.0.5 is multicast" },
        { "239.1.1.1", "IP 239.1.1.1 is multicast" },
        { "255.255.255.255", "IP 255.255.255.255 is the broadcast address" },
        { "100.64.3.4", "VIP 100.64.3.4 is in 100.64.0.0/16 (weft's transit "
          "addresses)" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(vips); i++) {
        ovs_be32 vip = 0;
        char *error = parse_vip(vips[i].s, &vip);
        if (vips[i].error) {
            assert_non_null(error);
            assert_string_equal(error, vips[i].error);
            free(error);
        } else {
            assert_null(error);
            assert_int_equal(vip, ip(vips[i].s));
        }
    }
    uint16_t w = 0;
    assert_null(parse_weight("1", &w));
    assert_int_equal(w, 1);
    assert_null(parse_weight("0256", &w));
    assert_int_equal(w, 256);
    static const char *const bad[][2] = {
        { "0", "weight 0 is out of range 1..256" },
        { "257", "weight 257 is out of range 1..256" },
        { "99999", "weight 99999 is out of range 1..256" },
        { "x", "invalid weight \"x\": expected a number 1..256" },
        { "", "invalid weight \"\": expected a number 1..256" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *error = parse_weight(bad[i][0], &w);
        assert_non_null(error);
        assert_string_equal(error, bad[i][1]);
        free(error);
    }
}

/* ------------------------------------------------------------------------
 * SERVICE_ADD, SERVICE_DEL, SERVICE_SET. */

static void
test_service_add(void **state)
{
    struct svc_fixture s;
    build_services(&s, *state);
    struct fixture *f = s.n.f;
    const struct topology *t = &f->topo;
    struct weft_request *req;
    struct weft_plan plan;

    assert_invalid(t, service_add("red", "api", "r", "10.96.0.11", "0"),
                   "port 0 is out of range 1..65535");
    assert_invalid(t, service_add("red", "api", "r", "10.96.0.11", NULL),
                   "port is required");
    assert_invalid(t, service_add("red", "api", NULL, "10.96.0.11", "80"),
                   "router is required");
    assert_invalid(t, service_add("red", "api", "r", NULL, "80"),
                   "VIP is required");
    assert_invalid(t, service_add("red", "api", "r", "127.0.0.1", "80"),
                   "VIP 127.0.0.1 is a loopback address");
    assert_invalid(t, service_add("red", "-api", "r", "10.96.0.11", "80"),
                   "invalid service name \"-api\": must not start with '-'");
    req = service_add("red", "api", "r", "10.96.0.11", "80");
    req->proto = xstrdup("sctp");
    assert_invalid(t, req, "invalid protocol \"sctp\": expected tcp or udp");
    req = service_add("red", "api", "r", "10.96.0.11", "80");
    req->node_port = xstrdup("0");
    assert_invalid(t, req, "node port 0 is out of range 1..65535");

    assert_refused(t, service_add("green", "api", "r", "10.96.0.11", "80"),
                   WEFT_ERR_NOT_FOUND, "tenant green does not exist");
    assert_refused(t, service_add("red", "api", "nope", "10.96.0.11", "80"),
                   WEFT_ERR_NOT_FOUND, "router red/nope does not exist");
    assert_refused(t, service_add("red", "api", "r", "10.0.0.77", "80"),
                   WEFT_ERR_CONFLICT, "VIP 10.0.0.77 is inside subnet "
                   "10.0.0.0/24 of network red/net1, attached to router "
                   "red/r");
    assert_refused(t, service_add("red", "web", "r", "10.96.0.11", "80"),
                   WEFT_ERR_CONFLICT, "service red/web already exists");
    assert_refused(t, service_add("red", "api", "r", "10.96.0.10", "80"),
                   WEFT_ERR_CONFLICT, "10.96.0.10:80/tcp is already a "
                   "service of router red/r (red/web)");

    /* Another port, another protocol: another service. */
    req = service_add("red", "api", "r", "10.96.0.10", "80");
    req->proto = xstrdup("udp");
    req->node_port = xstrdup("30080");
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.tenant, f->red);
    assert_ptr_equal(plan.router, s.red_r);
    assert_int_equal(plan.key, 3);              /* Lowest free. */
    assert_int_equal(plan.vip, ip("10.96.0.10"));
    assert_int_equal(plan.svc_port, 80);
    assert_int_equal(plan.svc_proto, IPPROTO_UDP);
    assert_int_equal(plan.node_port, 30080);
    weft_plan_destroy(&plan);
    req_free(req);
    req = service_add("red", "api", "r", "10.96.0.10", "8080");
    assert_accepted(t, req, &plan);
    assert_int_equal(plan.svc_proto, IPPROTO_TCP);  /* The default. */
    assert_int_equal(plan.node_port, 0);
    weft_plan_destroy(&plan);
    req_free(req);

    /* SERVICE_DEL. */
    assert_refused(t, req_new(WEFT_OP_SERVICE_DEL, "red", "bweb", NULL),
                   WEFT_ERR_NOT_FOUND, "service red/bweb does not exist");
    req = req_new(WEFT_OP_SERVICE_DEL, "red", "web", NULL);
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.service, s.web);
    weft_plan_destroy(&plan);
    req_free(req);
}

static void
test_service_node_ports(void **state)
{
    struct svc_fixture s;
    build_services(&s, *state);
    struct fixture *f = s.n.f;
    struct topology *t = &f->topo;
    struct weft_request *req;
    struct weft_plan plan;

    assert_invalid(t, req_new(WEFT_OP_SERVICE_SET, "red", "web", NULL),
                   "node port (or its removal) is required");
    req = req_new(WEFT_OP_SERVICE_SET, "red", "web", NULL);
    req->node_port = xstrdup("30080");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "node port tcp/30080 is "
                   "already used by service blue/bweb");
    req = req_new(WEFT_OP_SERVICE_SET, "red", "web", NULL);
    req->node_port = xstrdup("30080");
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_CONFLICT, "node port tcp/30080 is "
                   "already in use");
    /* Its own node port again is no conflict. */
    req = req_new(WEFT_OP_SERVICE_SET, "blue", "bweb", NULL);
    req->node_port = xstrdup("30080");
    accept_and_free(t, req);
    req = req_new(WEFT_OP_SERVICE_SET, "blue", "bweb", NULL);
    req->node_port = xstrdup("");
    assert_accepted(t, req, &plan);
    assert_int_equal(plan.node_port, 0);            /* Removed. */
    assert_ptr_equal(plan.service, s.bweb);
    weft_plan_destroy(&plan);
    req_free(req);
    /* The same number of the other protocol is free. */
    req = service_add("red", "dns", "r", "10.96.0.53", "53");
    req->proto = xstrdup("udp");
    req->node_port = xstrdup("30080");
    accept_and_free(t, req);

    /* Node ports against port mappings, both ways. */
    struct topo_mapping m = { IPPROTO_TCP, 8080, 80 };
    assert_true(topology_set_port_mappings(t, f->a, &m, 1));
    req = req_new(WEFT_OP_SERVICE_SET, "blue", "bweb", NULL);
    req->node_port = xstrdup("8080");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "node port tcp/8080 is already "
                   "used by a port mapping of red/net1/a on host h1");
    req = req_new(WEFT_OP_SERVICE_SET, "blue", "bweb", NULL);
    req->node_port = xstrdup("8080");
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_CONFLICT, "node port tcp/8080 is already "
                   "in use");
    req = req_new(WEFT_OP_SERVICE_SET, "red", "web", NULL);  /* Its own. */
    req->node_port = xstrdup("8080");
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_CONFLICT, "node port tcp/8080 is already "
                   "used by a port mapping of red/net1/a on host h1");

    req = req_new(WEFT_OP_MAP_ADD, "red", "net1", "a");
    req->proto = xstrdup("tcp");
    req->host_port = xstrdup("30080");
    req->to_port = xstrdup("80");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "host port tcp/30080 is "
                   "already used by service blue/bweb as its node port");
    req = req_new(WEFT_OP_MAP_ADD, "red", "net1", "a");
    req->proto = xstrdup("tcp");
    req->host_port = xstrdup("30080");
    req->to_port = xstrdup("80");
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_CONFLICT, "host port tcp/30080 is "
                   "already in use");
    req = req_new(WEFT_OP_MAP_ADD, "red", "net1", "a");
    req->proto = xstrdup("udp");
    req->host_port = xstrdup("30080");
    req->to_port = xstrdup("80");
    accept_and_free(t, req);
}

/* ------------------------------------------------------------------------
 * BACKEND_ADD, BACKEND_DEL, BACKEND_SET. */

static void
test_backend_add(void **state)
{
    struct svc_fixture s;
    build_services(&s, *state);
    struct fixture *f = s.n.f;
    struct topology *t = &f->topo;
    struct weft_request *req;
    struct weft_plan plan;

    assert_invalid(t, backend(WEFT_OP_BACKEND_ADD, "web", NULL, "a"),
                   "network is required");
    assert_invalid(t, backend(WEFT_OP_BACKEND_ADD, "web", "net1", NULL),
                   "port is required");
    static const char *const bad[][3] = {
        { "to_port", "0", "target port 0 is out of range 1..65535" },
        { "weight", "0", "weight 0 is out of range 1..256" },
        { "weight", "257", "weight 257 is out of range 1..256" },
        { "down", "maybe", "invalid down \"maybe\": expected true or false" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        req = backend(WEFT_OP_BACKEND_ADD, "web", "net1", "a");
        char **field = (!strcmp(bad[i][0], "to_port") ? &req->to_port
                        : !strcmp(bad[i][0], "weight") ? &req->weight
                        : &req->down);
        *field = xstrdup(bad[i][1]);
        assert_invalid(t, req, bad[i][2]);
    }

    assert_refused(t, backend(WEFT_OP_BACKEND_ADD, "nope", "net1", "a"),
                   WEFT_ERR_NOT_FOUND, "service red/nope does not exist");
    assert_refused(t, backend(WEFT_OP_BACKEND_ADD, "web", "net9", "a"),
                   WEFT_ERR_NOT_FOUND, "network red/net9 does not exist");
    assert_refused(t, backend(WEFT_OP_BACKEND_ADD, "web", "net1", "zz"),
                   WEFT_ERR_NOT_FOUND, "port red/net1/zz does not exist");
    assert_refused(t, backend(WEFT_OP_BACKEND_ADD, "web", "net2", "c"),
                   WEFT_ERR_CONFLICT, "port red/net2/c has no IPv4 address");
    assert_refused(t, backend(WEFT_OP_BACKEND_ADD, "web", "net2", "d"),
                   WEFT_ERR_CONFLICT, "network red/net2 of port red/net2/d "
                   "is not attached to router red/r of service red/web");
    /* Another tenant's port: an administrator is told whose it is, a
     * tenant that it does not exist. */
    assert_refused(t, backend(WEFT_OP_BACKEND_ADD, "web", "blue/net1", "x"),
                   WEFT_ERR_CONFLICT, "port blue/net1/x belongs to tenant "
                   "blue, not red");
    req = backend(WEFT_OP_BACKEND_ADD, "web", "blue/net1", "x");
    req->tenant_view = true;
    assert_refused(t, req, WEFT_ERR_NOT_FOUND,
                   "network blue/net1 does not exist");

    req = backend(WEFT_OP_BACKEND_ADD, "web", "net1", "a");
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.service, s.web);
    assert_ptr_equal(plan.backend.port, f->a);
    assert_int_equal(plan.backend.port_num, 80);    /* The service's. */
    assert_int_equal(plan.backend.weight, 1);
    assert_false(plan.backend.down);
    weft_plan_destroy(&plan);
    req_free(req);
    req = backend(WEFT_OP_BACKEND_ADD, "web", "red/net1", "b");
    req->to_port = xstrdup("8080");
    req->weight = xstrdup("256");
    req->down = xstrdup("true");
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.backend.port, s.n.b);
    assert_int_equal(plan.backend.port_num, 8080);
    assert_int_equal(plan.backend.weight, 256);
    assert_true(plan.backend.down);
    weft_plan_destroy(&plan);
    req_free(req);

    struct topo_backend b = { .port = f->a, .port_num = 80, .weight = 1 };
    topology_set_service_backends(t, s.web, &b, 1);
    assert_refused(t, backend(WEFT_OP_BACKEND_ADD, "web", "net1", "a"),
                   WEFT_ERR_CONFLICT, "port red/net1/a is already a backend "
                   "of service red/web");
}

static void
test_backend_set_del(void **state)
{
    struct svc_fixture s;
    build_services(&s, *state);
    struct fixture *f = s.n.f;
    struct topology *t = &f->topo;
    struct weft_request *req;
    struct weft_plan plan;

    struct topo_backend b = { .port = f->a, .port_num = 8080, .weight = 5,
                              .down = true };
    topology_set_service_backends(t, s.web, &b, 1);

    assert_invalid(t, backend(WEFT_OP_BACKEND_SET, "web", "net1", "a"),
                   "nothing to change: give a target port, a weight or down");
    req = backend(WEFT_OP_BACKEND_SET, "web", "net1", "b");
    req->weight = xstrdup("2");
    assert_refused(t, req, WEFT_ERR_NOT_FOUND, "port red/net1/b is not a "
                   "backend of service red/web");
    assert_refused(t, backend(WEFT_OP_BACKEND_DEL, "web", "net1", "b"),
                   WEFT_ERR_NOT_FOUND, "port red/net1/b is not a backend of "
                   "service red/web");

    /* What is not given stays. */
    req = backend(WEFT_OP_BACKEND_SET, "web", "net1", "a");
    req->weight = xstrdup("1");
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.backend.port, f->a);
    assert_int_equal(plan.backend.port_num, 8080);
    assert_int_equal(plan.backend.weight, 1);
    assert_true(plan.backend.down);
    weft_plan_destroy(&plan);
    req_free(req);
    req = backend(WEFT_OP_BACKEND_SET, "web", "net1", "a");
    req->down = xstrdup("false");
    req->to_port = xstrdup("81");
    assert_accepted(t, req, &plan);
    assert_int_equal(plan.backend.port_num, 81);
    assert_int_equal(plan.backend.weight, 5);
    assert_false(plan.backend.down);
    weft_plan_destroy(&plan);
    req_free(req);

    req = backend(WEFT_OP_BACKEND_DEL, "web", "net1", "a");
    assert_accepted(t, req, &plan);
    assert_ptr_equal(plan.backend.port, f->a);
    weft_plan_destroy(&plan);
    req_free(req);
}

/* ------------------------------------------------------------------------
 * Other ops, refused while services use what they change. */

static void
test_services_in_use(void **state)
{
    struct svc_fixture s;
    build_services(&s, *state);
    struct fixture *f = s.n.f;
    struct topology *t = &f->topo;
    struct weft_request *req;

    assert_refused(t, req_new(WEFT_OP_ROUTER_DEL, "red", "r", NULL),
                   WEFT_ERR_CONFLICT, "router red/r still has service "
                   "red/web: delete it first");
    struct uuid u = next_uuid();
    topology_add_service(t, &u, f->red, s.red_r, "api", 3, ip("10.96.0.11"),
                         80, IPPROTO_TCP, 0);
    assert_refused(t, req_new(WEFT_OP_ROUTER_DEL, "red", "r", NULL),
                   WEFT_ERR_CONFLICT, "router red/r still has services "
                   "red/api, red/web: delete them first");
    assert_refused(t, req_new(WEFT_OP_TENANT_DEL, "red", NULL, NULL),
                   WEFT_ERR_CONFLICT, "tenant red still has 2 networks, 1 "
                   "router and 2 services");

    /* Detaching a network: refused only while it holds backends. */
    req = req_new(WEFT_OP_ROUTER_DETACH, "red", "r", NULL);
    req->network = xstrdup("net1");
    accept_and_free(t, req);
    struct topo_backend b = { .port = s.n.b, .port_num = 80, .weight = 1 };
    topology_set_service_backends(t, s.web, &b, 1);
    req = req_new(WEFT_OP_ROUTER_DETACH, "red", "r", NULL);
    req->network = xstrdup("net1");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "network red/net1 holds "
                   "backends of service red/web of router red/r: remove "
                   "them first");
    /* A port's deletion is allowed: it leaves its services. */
    accept_and_free(t, req_new(WEFT_OP_PORT_DEL, "red", "net1", "b"));

    /* Attaching a network whose subnet holds a VIP. */
    u = next_uuid();
    struct topo_network *net3 = topology_add_network(
        t, &u, f->red, "net3", TOPO_NET_VXLAN, 1003, 0, 9);
    struct topo_subnet sn = { ip("10.96.0.0"), 24, ip("10.96.0.1") };
    bool changed;
    assert_true(topology_set_network_subnet(t, net3, &sn, &changed));
    req = req_new(WEFT_OP_ROUTER_ATTACH, "red", "r", NULL);
    req->network = xstrdup("net3");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "subnet 10.96.0.0/24 of "
                   "network red/net3 contains VIP 10.96.0.11 of service "
                   "red/api");
    /* Blue's router has no service there. */
    req = service_add("blue", "x", "r", "10.0.0.9", "80");
    assert_refused(t, req, WEFT_ERR_CONFLICT, "VIP 10.0.0.9 is inside "
                   "subnet 10.0.0.0/24 of network blue/net1, attached to "
                   "router blue/r");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_service_values),
        cmocka_unit_test_setup_teardown(test_service_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service_node_ports, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_backend_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backend_set_del, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_services_in_use, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
