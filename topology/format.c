/* format: the canonical text of a topology, for tests and weftd's
 * --self-check.
 *
 * It sits beside the desired state (topology.h), outside the pipeline: weftd
 * --self-check compares the topology it patched in place from the database's
 * changes with a fresh full load of the same database, by comparing their
 * texts.  The text therefore holds every field of every object and every
 * index, in an order that does not depend on how the topology was built
 * (sorted lines, sorted lists).  An index whose count disagrees with its
 * list, or an entry that points elsewhere than its owner, is written as
 * "BAD(...)", so that a broken index never formats like a sound one. */
#include <config.h>

#include <netinet/in.h>

#include "topology.h"

#include <inttypes.h>

#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "uuid.h"
#include "util.h"

/* Appends to 'out' the sorted 'items' joined by ',' in brackets, and empties
 * 'items'. */
static void
put_sorted(struct ds *out, struct svec *items)
{
    svec_sort(items);
    ds_put_char(out, '[');
    for (size_t i = 0; i < items->n; i++) {
        ds_put_format(out, "%s%s", i ? "," : "", items->names[i]);
    }
    ds_put_char(out, ']');
    svec_clear(items);
}

static void
put_count(struct ds *out, const char *what, size_t count, size_t n_listed)
{
    if (count == n_listed) {
        ds_put_format(out, " %s=%"PRIuSIZE, what, count);
    } else {
        ds_put_format(out, " %s=BAD(count %"PRIuSIZE", listed %"PRIuSIZE")",
                      what, count, n_listed);
    }
}

static char *
format_host(const struct topo_host *h)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct svec items = SVEC_EMPTY_INITIALIZER;

    ds_put_format(&s, "host "UUID_FMT" name=%s ovsdb_remote=%s "
                  "openflow_remote=%s tunnel_ip=%s datapath_type=%s "
                  "uplink=%s", UUID_ARGS(&h->uuid), h->name, h->ovsdb_remote,
                  h->openflow_remote ? h->openflow_remote : "-",
                  h->tunnel_ip ? h->tunnel_ip : "-", h->datapath_type,
                  h->uplink ? h->uplink : "-");
    /* The resolved gateway MAC is weftd's observation, not desired state:
     * left out, so that --self-check's full reload compares equal while a
     * status write is in flight. */
    if (h->ext.iface) {
        ds_put_format(&s, " external=%s:"IP_FMT"/%d>"IP_FMT, h->ext.iface,
                      IP_ARGS(h->ext.ip), h->ext.plen,
                      IP_ARGS(h->ext.gateway));
    }

    const struct topo_port *p;
    TOPO_HOST_FOR_EACH_PORT (p, h) {
        svec_add_nocopy(&items, p->host == h
                        ? xasprintf(UUID_FMT, UUID_ARGS(&p->uuid))
                        : xasprintf("BAD("UUID_FMT")", UUID_ARGS(&p->uuid)));
    }
    put_count(&s, "n_ports", h->n_ports, items.n);
    ds_put_cstr(&s, " ports=");
    put_sorted(&s, &items);

    const struct topo_net_host *nh;
    TOPO_HOST_FOR_EACH_NETWORK (nh, h) {
        svec_add_nocopy(&items, xasprintf(
                            "%s"UUID_FMT":%"PRIuSIZE,
                            nh->host == h
                            && topo_network_find_host(nh->network, h) == nh
                            ? "" : "BAD",
                            UUID_ARGS(&nh->network->uuid), nh->n_ports));
    }
    put_count(&s, "n_networks", h->n_networks, items.n);
    ds_put_cstr(&s, " networks=");
    put_sorted(&s, &items);

    svec_destroy(&items);
    return ds_steal_cstr(&s);
}

static char *
format_tenant(const struct topo_tenant *t)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct svec items = SVEC_EMPTY_INITIALIZER;

    ds_put_format(&s, "tenant "UUID_FMT" name=%s key=%"PRIu32" quota=",
                  UUID_ARGS(&t->uuid), t->name, t->key);
    for (size_t q = 0; q < N_TOPO_QUOTAS; q++) {
        ds_put_format(&s, "%s%"PRIu32, q ? "," : "", t->quota[q]);
    }

    const struct topo_network *n;
    TOPO_TENANT_FOR_EACH_NETWORK (n, t) {
        svec_add_nocopy(&items, xasprintf("%s"UUID_FMT,
                                          n->tenant == t ? "" : "BAD",
                                          UUID_ARGS(&n->uuid)));
    }
    put_count(&s, "n_networks", t->n_networks, items.n);
    ds_put_cstr(&s, " networks=");
    put_sorted(&s, &items);

    const struct topo_router *r;
    TOPO_TENANT_FOR_EACH_ROUTER (r, t) {
        svec_add_nocopy(&items, xasprintf("%s"UUID_FMT,
                                          r->tenant == t ? "" : "BAD",
                                          UUID_ARGS(&r->uuid)));
    }
    put_count(&s, "n_routers", t->n_routers, items.n);
    ds_put_cstr(&s, " routers=");
    put_sorted(&s, &items);

    const struct topo_fip *f;
    TOPO_TENANT_FOR_EACH_FIP (f, t) {
        svec_add_nocopy(&items, xasprintf("%s"UUID_FMT,
                                          f->tenant == t ? "" : "BAD",
                                          UUID_ARGS(&f->uuid)));
    }
    put_count(&s, "n_fips", t->n_fips, items.n);
    ds_put_cstr(&s, " fips=");
    put_sorted(&s, &items);

    const struct topo_sg *sg;
    TOPO_TENANT_FOR_EACH_SG (sg, t) {
        svec_add_nocopy(&items, xasprintf("%s"UUID_FMT,
                                          sg->tenant == t ? "" : "BAD",
                                          UUID_ARGS(&sg->uuid)));
    }
    put_count(&s, "n_sgs", t->n_sgs, items.n);
    ds_put_cstr(&s, " sgs=");
    put_sorted(&s, &items);

    svec_destroy(&items);
    return ds_steal_cstr(&s);
}

/* A router, its attachments in their order ("NETWORK@MAC") and its routes in
 * theirs ("PREFIX/LEN>NEXTHOP"). */
static char *
format_router(const struct topo_router *r)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "router "UUID_FMT" tenant="UUID_FMT" name=%s "
                  "key=%"PRIu32"%s", UUID_ARGS(&r->uuid),
                  UUID_ARGS(&r->tenant->uuid), r->name, r->key,
                  r->snat ? " snat" : "");
    size_t n = 0;
    const struct topo_router_port *rp;
    ds_put_cstr(&s, " ports=[");
    TOPO_ROUTER_FOR_EACH_PORT (rp, r) {
        bool sound = rp->router == r && rp->network->router_port == rp;
        ds_put_format(&s, "%s%s"UUID_FMT"@"ETH_ADDR_FMT, n ? "," : "",
                      sound ? "" : "BAD", UUID_ARGS(&rp->network->uuid),
                      ETH_ADDR_ARGS(rp->mac));
        n++;
    }
    ds_put_char(&s, ']');
    put_count(&s, "n_ports", r->n_ports, n);
    ds_put_cstr(&s, " routes=[");
    for (size_t i = 0; i < r->n_routes; i++) {
        const struct topo_route *rt = &r->routes[i];
        ds_put_format(&s, "%s"IP_FMT"/%d>"IP_FMT, i ? "," : "",
                      IP_ARGS(rt->prefix), rt->plen, IP_ARGS(rt->nexthop));
    }
    ds_put_char(&s, ']');
    return ds_steal_cstr(&s);
}

/* The hosts of 'n', each with its ports of 'n':
 * "HOST:COUNT:[PORT,...]". */
static void
format_network_hosts(struct ds *s, const struct topo_network *n)
{
    struct svec hosts = SVEC_EMPTY_INITIALIZER;
    struct svec ports = SVEC_EMPTY_INITIALIZER;
    size_t n_ports = 0;

    const struct topo_net_host *nh;
    TOPO_NETWORK_FOR_EACH_HOST (nh, n) {
        struct ds entry = DS_EMPTY_INITIALIZER;
        bool sound = nh->network == n && nh->n_ports > 0;
        const struct topo_port *p;
        TOPO_NET_HOST_FOR_EACH_PORT (p, nh) {
            sound = sound && p->network == n && p->host == nh->host
                    && p->net_host == nh;
            svec_add_nocopy(&ports, xasprintf(UUID_FMT, UUID_ARGS(&p->uuid)));
        }
        n_ports += nh->n_ports;
        sound = sound && nh->n_ports == ports.n;
        ds_put_format(&entry, "%s"UUID_FMT":%"PRIuSIZE":",
                      sound ? "" : "BAD", UUID_ARGS(&nh->host->uuid),
                      nh->n_ports);
        put_sorted(&entry, &ports);
        svec_add_nocopy(&hosts, ds_steal_cstr(&entry));
    }
    if (n_ports != n->n_ports) {
        ds_put_format(s, " BAD(host ports %"PRIuSIZE")", n_ports);
    }
    ds_put_cstr(s, " hosts=");
    put_sorted(s, &hosts);

    svec_destroy(&hosts);
    svec_destroy(&ports);
}

static char *
format_network(const struct topo_network *n)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct svec items = SVEC_EMPTY_INITIALIZER;

    ds_put_format(&s, "network "UUID_FMT" tenant="UUID_FMT" name=%s type=%s "
                  "segment_id=%"PRIu32" mtu=%d key=%"PRIu32,
                  UUID_ARGS(&n->uuid), UUID_ARGS(&n->tenant->uuid), n->name,
                  topo_net_type_to_string(n->type), n->segment_id, n->mtu,
                  n->key);
    if (n->subnet.plen) {
        ds_put_format(&s, " cidr="IP_FMT"/%d gateway="IP_FMT,
                      IP_ARGS(n->subnet.prefix), n->subnet.plen,
                      IP_ARGS(n->subnet.gateway));
    } else {
        ds_put_cstr(&s, " cidr=-");
    }
    if (n->router_port) {
        ds_put_format(&s, " router=%s"UUID_FMT,
                      n->router_port->network == n ? "" : "BAD",
                      UUID_ARGS(&n->router_port->router->uuid));
    }

    const struct topo_port *p;
    TOPO_NETWORK_FOR_EACH_PORT (p, n) {
        svec_add_nocopy(&items, xasprintf("%s"UUID_FMT,
                                          p->network == n ? "" : "BAD",
                                          UUID_ARGS(&p->uuid)));
    }
    put_count(&s, "n_ports", n->n_ports, items.n);
    ds_put_cstr(&s, " ports=");
    put_sorted(&s, &items);
    format_network_hosts(&s, n);

    svec_destroy(&items);
    return ds_steal_cstr(&s);
}

static char *
format_port(const struct topo_port *p)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "port "UUID_FMT" network="UUID_FMT" host="UUID_FMT
                  " name=%s iface=%s mac="ETH_ADDR_FMT" key=%"PRIu32" ips=",
                  UUID_ARGS(&p->uuid), UUID_ARGS(&p->network->uuid),
                  UUID_ARGS(&p->host->uuid), p->name, p->iface,
                  ETH_ADDR_ARGS(p->mac), p->key);
    /* The order of a port's IPs is the database's (a set, so sorted there):
     * kept as is. */
    for (size_t i = 0; i < p->n_ips; i++) {
        ds_put_format(&s, "%s"IP_FMT, i ? "," : "", IP_ARGS(p->ips[i]));
    }
    if (!p->net_host || p->net_host->network != p->network
        || p->net_host->host != p->host) {
        ds_put_cstr(&s, " BAD(net_host)");
    }
    for (size_t i = 0; i < p->n_mappings; i++) {
        const struct topo_mapping *m = &p->mappings[i];
        ds_put_format(&s, "%s%s/%u>%u", i ? "," : " mappings=",
                      m->proto == IPPROTO_TCP ? "tcp" : "udp",
                      m->host_port, m->port);
    }
    if (p->fip) {
        ds_put_format(&s, " fip="IP_FMT"%s", IP_ARGS(p->fip->ip),
                      p->fip->port == p ? "" : "BAD");
    }
    for (size_t i = 0; i < p->n_ip6s; i++) {
        ds_put_cstr(&s, i ? "," : " ip6s=");
        ipv6_format_addr(&p->ip6s[i], &s);
    }
    for (size_t i = 0; i < p->n_sgs; i++) {
        ds_put_format(&s, "%s"UUID_FMT"%s", i ? "," : " sgs=",
                      UUID_ARGS(&p->sgs[i]->uuid),
                      hmapx_contains(&p->sgs[i]->members, p) ? "" : "BAD");
    }
    return ds_steal_cstr(&s);
}

/* A security group, its rules in key order and its members, sorted. */
static char *
format_sg(const struct topo_sg *sg)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "sg "UUID_FMT" tenant="UUID_FMT" name=%s covers=%s%s"
                  " rules=[", UUID_ARGS(&sg->uuid),
                  UUID_ARGS(&sg->tenant->uuid), sg->name,
                  sg->covers[TOPO_SG_INGRESS] ? "i" : "-",
                  sg->covers[TOPO_SG_EGRESS] ? "e" : "-");
    for (size_t i = 0; i < sg->n_rules; i++) {
        const struct topo_sg_rule *r = &sg->rules[i];
        ds_put_format(&s, "%s"UUID_FMT" id=%"PRIu32" key=%"PRIu32" %s"
                      " proto=%u ports=%u-%u remote=", i ? "," : "",
                      UUID_ARGS(&r->uuid), r->id, r->key,
                      topo_sg_dir_to_string(r->direction), r->proto,
                      r->port_min, r->port_max);
        if (r->remote_family) {
            ipv6_format_mapped(&r->remote_prefix, &s);
            ds_put_format(&s, "/%d", r->remote_plen);
        } else if (r->remote_group) {
            ds_put_format(&s, "sg:"UUID_FMT, UUID_ARGS(&r->remote_group->uuid));
        } else {
            ds_put_cstr(&s, "any");
        }
        if (r->group != sg) {
            ds_put_cstr(&s, " BAD(group)");
        }
    }
    ds_put_cstr(&s, "] members=");
    struct svec items = SVEC_EMPTY_INITIALIZER;
    struct hmapx_node *node;
    TOPO_SG_FOR_EACH_MEMBER (node, sg) {
        const struct topo_port *p = node->data;
        svec_add_nocopy(&items, xasprintf(UUID_FMT, UUID_ARGS(&p->uuid)));
    }
    put_sorted(&s, &items);
    svec_destroy(&items);
    return ds_steal_cstr(&s);
}

/* A service and its backends in their order ("PORT:NUM*WEIGHT[down]"). */
static char *
format_service(const struct topo_service *svc)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "service "UUID_FMT" tenant="UUID_FMT" router="UUID_FMT
                  " name=%s key=%"PRIu32" vip="IP_FMT":%u/%s node_port=%u",
                  UUID_ARGS(&svc->uuid), UUID_ARGS(&svc->tenant->uuid),
                  UUID_ARGS(&svc->router->uuid), svc->name, svc->key,
                  IP_ARGS(svc->vip), svc->port,
                  svc->proto == IPPROTO_TCP ? "tcp" : "udp", svc->node_port);
    ds_put_cstr(&s, " backends=[");
    for (size_t i = 0; i < svc->n_backends; i++) {
        const struct topo_backend *b = &svc->backends[i];
        ds_put_format(&s, "%s"UUID_FMT":%u*%u%s", i ? "," : "",
                      UUID_ARGS(&b->port->uuid), b->port_num, b->weight,
                      b->down ? "down" : "");
    }
    ds_put_char(&s, ']');
    return ds_steal_cstr(&s);
}

static char *
format_pool(const struct topo_pool *p)
{
    return xasprintf("pool "UUID_FMT" name=%s cidr="IP_FMT"/%d n_fips=%"
                     PRIuSIZE, UUID_ARGS(&p->uuid), p->name,
                     IP_ARGS(p->prefix), p->plen, p->n_fips);
}

static char *
format_fip(const struct topo_fip *f)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "fip "UUID_FMT" tenant="UUID_FMT" pool="UUID_FMT
                  " ip="IP_FMT, UUID_ARGS(&f->uuid),
                  UUID_ARGS(&f->tenant->uuid), UUID_ARGS(&f->pool->uuid),
                  IP_ARGS(f->ip));
    if (f->port) {
        ds_put_format(&s, " port="UUID_FMT"%s", UUID_ARGS(&f->port->uuid),
                      f->port->fip == f ? "" : "BAD");
    }
    return ds_steal_cstr(&s);
}

char *
topology_format(const struct topology *topo)
{
    struct svec lines = SVEC_EMPTY_INITIALIZER;

    const struct topo_host *h;
    TOPOLOGY_FOR_EACH_HOST (h, topo) {
        svec_add_nocopy(&lines, format_host(h));
    }
    const struct topo_tenant *t;
    TOPOLOGY_FOR_EACH_TENANT (t, topo) {
        svec_add_nocopy(&lines, format_tenant(t));
    }
    const struct topo_network *n;
    TOPOLOGY_FOR_EACH_NETWORK (n, topo) {
        svec_add_nocopy(&lines, format_network(n));
    }
    const struct topo_port *p;
    TOPOLOGY_FOR_EACH_PORT (p, topo) {
        svec_add_nocopy(&lines, format_port(p));
    }
    const struct topo_router *r;
    TOPOLOGY_FOR_EACH_ROUTER (r, topo) {
        svec_add_nocopy(&lines, format_router(r));
    }
    const struct topo_pool *pool;
    TOPOLOGY_FOR_EACH_POOL (pool, topo) {
        svec_add_nocopy(&lines, format_pool(pool));
    }
    const struct topo_fip *fip;
    TOPOLOGY_FOR_EACH_FIP (fip, topo) {
        svec_add_nocopy(&lines, format_fip(fip));
    }
    const struct topo_service *svc;
    TOPOLOGY_FOR_EACH_SERVICE (svc, topo) {
        svec_add_nocopy(&lines, format_service(svc));
    }
    const struct topo_sg *sg;
    TOPOLOGY_FOR_EACH_SG (sg, topo) {
        svec_add_nocopy(&lines, format_sg(sg));
    }
    svec_sort(&lines);

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "underlay_mtu %d\n", topo->underlay_mtu);
    for (size_t i = 0; i < lines.n; i++) {
        ds_put_format(&s, "%s\n", lines.names[i]);
    }
    svec_destroy(&lines);
    return ds_steal_cstr(&s);
}
