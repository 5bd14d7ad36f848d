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

static struct topo_network *
with_router(struct topology *topo, struct topo_network *net, uint32_t key)
{
    struct topo_subnet sn = { ip("10.0.0.0"), 24, ip("10.0.0.254") };
    bool changed;
    assert_true(topology_set_network_subnet(topo, net, &sn, &changed));
    struct uuid u = next_uuid();
    struct topo_router *r = topology_add_router(topo, &u, net->tenant, "r",
                                                key);
    const struct topo_network *nets[] = { net };
    struct eth_addr macs[] = { mac("02:57:00:01:00:01") };
    macs[0].ea[3] = key;
    assert_true(topology_set_router_networks(topo, r, nets, macs, 1));
    return net;
}

static struct topo_port *
port(struct topology *topo, struct topo_network *net, struct topo_host *h,
     const char *name, const char *ip_s, int id)
{
    ovs_be32 addr = ip_s ? ip(ip_s) : 0;
    struct eth_addr ea = mac("02:00:00:00:01:00");
    ea.ea[5] = id;
    struct uuid u = next_uuid();
    return topology_add_port(topo, &u, net, h, name, name, ea, &addr,
                             ip_s ? 1 : 0, 100 + id);
}

void
build_nat(struct nat_fixture *n, struct fixture *f)
{
    struct topology *t = &f->topo;
    n->f = f;
    with_router(t, f->red_net1, 1);
    with_router(t, f->blue_net1, 2);
    topology_set_host_external(t, f->h1, "ext0", ip("192.168.100.11"), 24,
                               ip("192.168.100.1"));
    struct uuid u = next_uuid();
    n->pool = topology_add_pool(t, &u, "ext", ip("192.168.100.0"), 24);
    n->b = port(t, f->red_net1, f->h2, "b", "10.0.0.3", 1);
    n->c = port(t, f->red_net2, f->h1, "c", NULL, 2);
    n->x = port(t, f->blue_net1, f->h1, "x", "10.0.0.5", 3);
    u = next_uuid();
    n->blue_fip = topology_add_fip(t, &u, f->blue, n->pool,
                                   ip("192.168.100.2"));
    assert_true(topology_set_fip_port(t, n->blue_fip, n->x));
}


struct weft_request *
req_new(enum weft_op op, const char *p0, const char *p1, const char *p2)
{
    struct weft_request *req = xmalloc(sizeof *req);
    weft_request_init(req, op);
    req->path[0] = nullable_xstrdup(p0);
    req->path[1] = nullable_xstrdup(p1);
    req->path[2] = nullable_xstrdup(p2);
    return req;
}

void
req_free(struct weft_request *req)
{
    weft_request_destroy(req);
    free(req);
}

void
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

void
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

void
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

void
assert_accepted(const struct topology *topo, struct weft_request *req,
                struct weft_plan *plan)
{
    struct weft_error *error = weft_request_check(req);
    if (!error) {
        error = weft_request_validate(req, topo, plan);
    }
    if (error) {
        fail_msg("refused: %s", error->message);
    }
}

void
accept_and_free(const struct topology *topo, struct weft_request *req)
{
    struct weft_plan plan;
    assert_accepted(topo, req, &plan);
    weft_plan_destroy(&plan);
    req_free(req);
}
