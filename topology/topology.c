/* topology: weft's desired state as plain data.  See topology.h. */
#include <config.h>

#include "topology.h"

#include <string.h>

#include "hash.h"
#include "uuid.h"
#include "util.h"

static const char *const net_type_names[] = {
    [TOPO_NET_VLAN] = "vlan",
    [TOPO_NET_VXLAN] = "vxlan",
    [TOPO_NET_GRE] = "gre",
    [TOPO_NET_GENEVE] = "geneve",
};

const char *
topo_net_type_to_string(enum topo_net_type type)
{
    return (size_t) type < ARRAY_SIZE(net_type_names)
           ? net_type_names[type] : "unknown";
}

bool
topo_net_type_from_string(const char *s, enum topo_net_type *type)
{
    for (size_t i = 0; i < ARRAY_SIZE(net_type_names); i++) {
        if (!strcmp(s, net_type_names[i])) {
            *type = i;
            return true;
        }
    }
    return false;
}

int
topo_encap_overhead(enum topo_net_type type)
{
    switch (type) {
    case TOPO_NET_VXLAN:
        return 50;
    case TOPO_NET_GRE:
        return 46;
    case TOPO_NET_GENEVE:
        return 50;
    case TOPO_NET_VLAN:
        return 4;
    }
    OVS_NOT_REACHED();
}

int
topo_network_mtu(const struct topology *topo, const struct topo_network *net)
{
    return net->mtu ? net->mtu
                    : topo->underlay_mtu - topo_encap_overhead(net->type);
}

void
topology_init(struct topology *topo)
{
    topo->underlay_mtu = TOPO_UNDERLAY_MTU_DEFAULT;
    hmap_init(&topo->hosts);
    hmap_init(&topo->tenants);
    hmap_init(&topo->networks);
    hmap_init(&topo->ports);
    hmap_init(&topo->routers);
    hmap_init(&topo->pools);
    hmap_init(&topo->fips);
    hmap_init(&topo->services);
    hmap_init(&topo->sgs);
    topo_keys_init(&topo->tenant_keys, TOPO_TENANT_KEY_MAX);
    topo_keys_init(&topo->network_keys, TOPO_NETWORK_KEY_MAX);
    topo_keys_init(&topo->port_keys, TOPO_PORT_KEY_MAX);
    topo_keys_init(&topo->router_keys, TOPO_ROUTER_KEY_MAX);
    topo_keys_init(&topo->service_keys, TOPO_SERVICE_KEY_MAX);
    topo_keys_init(&topo->sg_rule_keys, TOPO_SG_RULE_KEY_MAX);
}

void
topology_swap(struct topology *a, struct topology *b)
{
    int mtu = a->underlay_mtu;
    a->underlay_mtu = b->underlay_mtu;
    b->underlay_mtu = mtu;
    hmap_swap(&a->hosts, &b->hosts);
    hmap_swap(&a->tenants, &b->tenants);
    hmap_swap(&a->networks, &b->networks);
    hmap_swap(&a->ports, &b->ports);
    hmap_swap(&a->routers, &b->routers);
    hmap_swap(&a->pools, &b->pools);
    hmap_swap(&a->fips, &b->fips);
    hmap_swap(&a->services, &b->services);
    hmap_swap(&a->sgs, &b->sgs);
    topo_keys_swap(&a->tenant_keys, &b->tenant_keys);
    topo_keys_swap(&a->network_keys, &b->network_keys);
    topo_keys_swap(&a->port_keys, &b->port_keys);
    topo_keys_swap(&a->router_keys, &b->router_keys);
    topo_keys_swap(&a->service_keys, &b->service_keys);
    topo_keys_swap(&a->sg_rule_keys, &b->sg_rule_keys);
}

void
topology_destroy(struct topology *topo)
{
    if (!topo) {
        return;
    }

    topo_sgs_destroy(topo);
    struct topo_service *svc;
    HMAP_FOR_EACH_SAFE (svc, node, &topo->services) {
        topology_remove_service(topo, svc);
    }
    hmap_destroy(&topo->services);
    struct topo_fip *fip;
    HMAP_FOR_EACH_SAFE (fip, node, &topo->fips) {
        topology_remove_fip(topo, fip);
    }
    hmap_destroy(&topo->fips);
    struct topo_pool *pool;
    HMAP_FOR_EACH_SAFE (pool, node, &topo->pools) {
        topology_remove_pool(topo, pool);
    }
    hmap_destroy(&topo->pools);

    struct topo_router *router;
    HMAP_FOR_EACH_SAFE (router, node, &topo->routers) {
        topology_remove_router(topo, router);
    }
    hmap_destroy(&topo->routers);

    struct topo_port *port;
    HMAP_FOR_EACH_POP (port, node, &topo->ports) {
        free(port->name);
        free(port->iface);
        free(port->ips);
        free(port->ip6s);
        free(port->mappings);
        free(port);
    }
    hmap_destroy(&topo->ports);

    struct topo_network *net;
    HMAP_FOR_EACH_POP (net, node, &topo->networks) {
        struct topo_net_host *nh;
        HMAP_FOR_EACH_POP (nh, net_node, &net->hosts) {
            free(nh);
        }
        hmap_destroy(&net->hosts);
        free(net->name);
        free(net);
    }
    hmap_destroy(&topo->networks);

    struct topo_tenant *tenant;
    HMAP_FOR_EACH_POP (tenant, node, &topo->tenants) {
        topo_keys_destroy(&tenant->sg_rule_ids);
        free(tenant->name);
        free(tenant);
    }
    hmap_destroy(&topo->tenants);

    struct topo_host *host;
    HMAP_FOR_EACH_POP (host, node, &topo->hosts) {
        free(host->name);
        free(host->ovsdb_remote);
        free(host->openflow_remote);
        free(host->tunnel_ip);
        free(host->datapath_type);
        free(host->uplink);
        free(host->ext.iface);
        free(host);
    }
    hmap_destroy(&topo->hosts);
    topo_keys_destroy(&topo->tenant_keys);
    topo_keys_destroy(&topo->network_keys);
    topo_keys_destroy(&topo->port_keys);
    topo_keys_destroy(&topo->router_keys);
    topo_keys_destroy(&topo->service_keys);
    topo_keys_destroy(&topo->sg_rule_keys);
}


struct topo_host *
topology_add_host(struct topology *topo, const struct uuid *uuid,
                  const char *name, const char *ovsdb_remote,
                  const char *openflow_remote, const char *tunnel_ip,
                  const char *datapath_type, const char *uplink)
{
    struct topo_host *host = xzalloc(sizeof *host);
    host->uuid = *uuid;
    host->name = xstrdup(name);
    host->ovsdb_remote = xstrdup(ovsdb_remote);
    host->openflow_remote = nullable_xstrdup(openflow_remote);
    host->tunnel_ip = nullable_xstrdup(tunnel_ip);
    host->datapath_type = xstrdup(datapath_type ? datapath_type
                                                : TOPO_DATAPATH_DEFAULT);
    host->uplink = nullable_xstrdup(uplink);
    ovs_list_init(&host->ports);
    ovs_list_init(&host->networks);
    hmap_insert(&topo->hosts, &host->node, uuid_hash(uuid));
    return host;
}

struct topo_tenant *
topology_add_tenant(struct topology *topo, const struct uuid *uuid,
                    const char *name, uint32_t key)
{
    struct topo_tenant *tenant = xzalloc(sizeof *tenant);
    tenant->uuid = *uuid;
    tenant->name = xstrdup(name);
    tenant->key = key;
    topo_keys_add(&topo->tenant_keys, key);
    for (size_t q = 0; q < N_TOPO_QUOTAS; q++) {
        tenant->quota[q] = topo_quota_default(q);
    }
    ovs_list_init(&tenant->networks);
    ovs_list_init(&tenant->routers);
    ovs_list_init(&tenant->fips);
    ovs_list_init(&tenant->services);
    ovs_list_init(&tenant->sgs);
    topo_keys_init(&tenant->sg_rule_ids, TOPO_SG_RULE_ID_MAX);
    hmap_insert(&topo->tenants, &tenant->node, uuid_hash(uuid));
    return tenant;
}

struct topo_network *
topology_add_network(struct topology *topo, const struct uuid *uuid,
                     const struct topo_tenant *tenant, const char *name,
                     enum topo_net_type type, uint32_t segment_id, int mtu,
                     uint32_t key)
{
    ovs_assert(tenant);
    struct topo_network *net = xzalloc(sizeof *net);
    net->uuid = *uuid;
    net->tenant = tenant;
    struct topo_tenant *t = CONST_CAST(struct topo_tenant *, tenant);
    ovs_list_push_back(&t->networks, &net->tenant_node);
    t->n_networks++;
    ovs_list_init(&net->ports);
    hmap_init(&net->hosts);
    net->name = xstrdup(name);
    net->type = type;
    net->segment_id = segment_id;
    net->mtu = mtu;
    net->key = key;
    topo_keys_add(&topo->network_keys, key);
    hmap_insert(&topo->networks, &net->node, uuid_hash(uuid));
    return net;
}

/* Puts 'port' in the indexes of its network and host. */
static void
port_index(struct topo_port *port)
{
    struct topo_network *net = CONST_CAST(struct topo_network *,
                                          port->network);
    struct topo_host *host = CONST_CAST(struct topo_host *, port->host);

    ovs_list_push_back(&net->ports, &port->net_node);
    net->n_ports++;
    ovs_list_push_back(&host->ports, &port->host_node);
    host->n_ports++;

    struct topo_net_host *nh = CONST_CAST(struct topo_net_host *,
                                          topo_network_find_host(net, host));
    if (!nh) {
        nh = xzalloc(sizeof *nh);
        nh->network = net;
        nh->host = host;
        ovs_list_init(&nh->ports);
        hmap_insert(&net->hosts, &nh->net_node, uuid_hash(&host->uuid));
        ovs_list_push_back(&host->networks, &nh->host_node);
        host->n_networks++;
    }
    ovs_list_push_back(&nh->ports, &port->net_host_node);
    nh->n_ports++;
    port->net_host = nh;
}

/* Takes 'port' out of the indexes of its network and host. */
static void
port_unindex(struct topo_port *port)
{
    struct topo_network *net = CONST_CAST(struct topo_network *,
                                          port->network);
    struct topo_host *host = CONST_CAST(struct topo_host *, port->host);
    struct topo_net_host *nh = port->net_host;

    ovs_list_remove(&port->net_node);
    net->n_ports--;
    ovs_list_remove(&port->host_node);
    host->n_ports--;
    ovs_list_remove(&port->net_host_node);
    if (!--nh->n_ports) {
        hmap_remove(&net->hosts, &nh->net_node);
        ovs_list_remove(&nh->host_node);
        host->n_networks--;
        free(nh);
    }
    port->net_host = NULL;
}

const struct topo_net_host *
topo_network_find_host(const struct topo_network *net,
                       const struct topo_host *host)
{
    const struct topo_net_host *nh;
    HMAP_FOR_EACH_WITH_HASH (nh, net_node, uuid_hash(&host->uuid),
                             &net->hosts) {
        if (nh->host == host) {
            return nh;
        }
    }
    return NULL;
}

size_t
topo_network_n_ports_on(const struct topo_network *net,
                        const struct topo_host *host)
{
    const struct topo_net_host *nh = topo_network_find_host(net, host);
    return nh ? nh->n_ports : 0;
}

struct topo_port *
topology_add_port(struct topology *topo, const struct uuid *uuid,
                  const struct topo_network *net, const struct topo_host *host,
                  const char *name, const char *iface, struct eth_addr mac,
                  const ovs_be32 *ips, size_t n_ips, uint32_t key)
{
    ovs_assert(net && host);
    struct topo_port *port = xzalloc(sizeof *port);
    port->uuid = *uuid;
    port->network = net;
    port->host = host;
    port_index(port);
    port->name = xstrdup(name);
    port->iface = xstrdup(iface);
    port->mac = mac;
    port->ips = n_ips ? xmemdup(ips, n_ips * sizeof *ips) : NULL;
    port->n_ips = n_ips;
    port->key = key;
    topo_keys_add(&topo->port_keys, key);
    hmap_insert(&topo->ports, &port->node, uuid_hash(uuid));
    return port;
}

void
topology_remove_port(struct topology *topo, struct topo_port *port)
{
    port_unindex(port);
    topo_keys_remove(&topo->port_keys, port->key);
    hmap_remove(&topo->ports, &port->node);
    if (hmap_count(&topo->services)) {
        topo_services_drop_port(topo, port);
    }
    topo_sgs_drop_port(topo, port);
    if (port->fip) {
        /* Floating_IP.port is a weak reference: the database drops it with
         * the port, and so does the topology. */
        CONST_CAST(struct topo_fip *, port->fip)->port = NULL;
    }
    free(port->name);
    free(port->iface);
    free(port->ips);
    free(port->ip6s);
    free(port->mappings);
    free(port);
}

bool
topology_remove_network(struct topology *topo, struct topo_network *net)
{
    if (net->n_ports || net->router_port) {
        return false;
    }
    struct topo_tenant *t = CONST_CAST(struct topo_tenant *, net->tenant);
    ovs_list_remove(&net->tenant_node);
    t->n_networks--;
    topo_keys_remove(&topo->network_keys, net->key);
    hmap_remove(&topo->networks, &net->node);
    hmap_destroy(&net->hosts);
    free(net->name);
    free(net);
    return true;
}

bool
topology_remove_tenant(struct topology *topo, struct topo_tenant *tenant)
{
    if (tenant->n_networks || tenant->n_routers || tenant->n_fips
        || tenant->n_services || tenant->n_sgs) {
        return false;
    }
    topo_keys_remove(&topo->tenant_keys, tenant->key);
    topo_keys_destroy(&tenant->sg_rule_ids);
    hmap_remove(&topo->tenants, &tenant->node);
    free(tenant->name);
    free(tenant);
    return true;
}

bool
topology_remove_host(struct topology *topo, struct topo_host *host)
{
    if (host->n_ports) {
        return false;
    }
    hmap_remove(&topo->hosts, &host->node);
    free(host->name);
    free(host->ovsdb_remote);
    free(host->openflow_remote);
    free(host->tunnel_ip);
    free(host->datapath_type);
    free(host->uplink);
    free(host);
    return true;
}

/* Sets '*dst' to a copy of 'src' (either may be NULL) unless they are equal;
 * returns true if it changed. */
static bool
update_string(char **dst, const char *src)
{
    if (*dst && src ? !strcmp(*dst, src) : *dst == src) {
        return false;
    }
    free(*dst);
    *dst = nullable_xstrdup(src);
    return true;
}

bool
topology_update_host(struct topology *topo OVS_UNUSED, struct topo_host *host,
                     const char *name, const char *ovsdb_remote,
                     const char *openflow_remote, const char *tunnel_ip,
                     const char *datapath_type, const char *uplink)
{
    bool changed = update_string(&host->name, name);
    changed |= update_string(&host->ovsdb_remote, ovsdb_remote);
    changed |= update_string(&host->openflow_remote, openflow_remote);
    changed |= update_string(&host->tunnel_ip, tunnel_ip);
    changed |= update_string(&host->datapath_type,
                             datapath_type ? datapath_type
                                           : TOPO_DATAPATH_DEFAULT);
    changed |= update_string(&host->uplink, uplink);
    return changed;
}

bool
topology_update_tenant(struct topology *topo,
                       struct topo_tenant *tenant, const char *name,
                       uint32_t key)
{
    bool changed = update_string(&tenant->name, name);
    if (tenant->key != key) {
        topo_keys_remove(&topo->tenant_keys, tenant->key);
        topo_keys_add(&topo->tenant_keys, key);
        changed = true;
    }
    tenant->key = key;
    return changed;
}

bool
topology_update_network(struct topology *topo,
                        struct topo_network *net,
                        const struct topo_tenant *tenant, const char *name,
                        enum topo_net_type type, uint32_t segment_id, int mtu,
                        uint32_t key)
{
    ovs_assert(tenant);
    bool changed = false;
    if (net->tenant != tenant) {
        struct topo_tenant *old = CONST_CAST(struct topo_tenant *,
                                             net->tenant);
        struct topo_tenant *new = CONST_CAST(struct topo_tenant *, tenant);
        ovs_list_remove(&net->tenant_node);
        old->n_networks--;
        ovs_list_push_back(&new->networks, &net->tenant_node);
        new->n_networks++;
        net->tenant = tenant;
        changed = true;
    }
    changed |= update_string(&net->name, name);
    if (net->key != key) {
        topo_keys_remove(&topo->network_keys, net->key);
        topo_keys_add(&topo->network_keys, key);
    }
    changed |= net->type != type || net->segment_id != segment_id
               || net->mtu != mtu || net->key != key;
    net->type = type;
    net->segment_id = segment_id;
    net->mtu = mtu;
    net->key = key;
    return changed;
}

/* The four maps hold different types, so each lookup is spelled out; they are
 * all "find by uuid_hash in one hmap". */
#define DEFINE_FIND_BY_UUID(FUNC, TYPE, MEMBER)                             \
    TYPE *                                                                  \
    FUNC(const struct topology *topo, const struct uuid *uuid)              \
    {                                                                       \
        TYPE *obj;                                                          \
        HMAP_FOR_EACH_WITH_HASH (obj, node, uuid_hash(uuid), &topo->MEMBER) { \
            if (uuid_equals(&obj->uuid, uuid)) {                            \
                return obj;                                                 \
            }                                                               \
        }                                                                   \
        return NULL;                                                        \
    }

DEFINE_FIND_BY_UUID(topology_find_host, struct topo_host, hosts)
DEFINE_FIND_BY_UUID(topology_find_tenant, struct topo_tenant, tenants)
DEFINE_FIND_BY_UUID(topology_find_network, struct topo_network, networks)
DEFINE_FIND_BY_UUID(topology_find_port, struct topo_port, ports)

struct topo_host *
topology_find_host_by_name(const struct topology *topo, const char *name)
{
    struct topo_host *host;
    TOPOLOGY_FOR_EACH_HOST (host, topo) {
        if (!strcmp(host->name, name)) {
            return host;
        }
    }
    return NULL;
}

struct topo_tenant *
topology_find_tenant_by_name(const struct topology *topo, const char *name)
{
    struct topo_tenant *tenant;
    TOPOLOGY_FOR_EACH_TENANT (tenant, topo) {
        if (!strcmp(tenant->name, name)) {
            return tenant;
        }
    }
    return NULL;
}

struct topo_network *
topology_find_network_by_name(const struct topology *topo,
                              const struct topo_tenant *tenant,
                              const char *name)
{
    struct topo_network *net;
    if (tenant) {
        /* The tenant's index: O(its networks), not O(all networks). */
        TOPO_TENANT_FOR_EACH_NETWORK (net, tenant) {
            if (!strcmp(net->name, name)) {
                return net;
            }
        }
        return NULL;
    }
    TOPOLOGY_FOR_EACH_NETWORK (net, topo) {
        if (!net->tenant && !strcmp(net->name, name)) {
            return net;
        }
    }
    return NULL;
}

struct topo_port *
topology_find_port_by_name(const struct topology *topo,
                           const struct topo_network *net, const char *name)
{
    struct topo_port *port;
    if (net) {
        /* The network's index: O(its ports), not O(all ports). */
        TOPO_NETWORK_FOR_EACH_PORT (port, net) {
            if (!strcmp(port->name, name)) {
                return port;
            }
        }
        return NULL;
    }
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (!port->network && !strcmp(port->name, name)) {
            return port;
        }
    }
    return NULL;
}

/* Derives the OpenFlow target and the controller target to configure on
 * br-int from a host's remotes:
 *
 *   - explicit openflow_remote "tcp:IP:PORT": connect there; br-int listens
 *     on ptcp:PORT:IP;
 *   - ovsdb_remote "unix:DIR/SOCK": connect to unix:DIR/br-int.mgmt, the
 *     bridge's management socket (OVS only creates unix sockets in its own
 *     run directory, which is where a lab's db.sock lives);
 *   - ovsdb_remote "tcp:IP:PORT": connect to tcp:IP:6653, br-int listens on
 *     ptcp:6653:IP.
 *
 * "ssl:" works as "tcp:" does, with "pssl:" listeners (the host's
 * ovs-vswitchd needs its own SSL settings: ovs-vsctl set-ssl).  The listener
 * is bound to the address weftd uses, not to every address of the host. */
void
topo_host_openflow_targets(const struct topo_host *th, char **of_target,
                           char **controller_target)
{
    *controller_target = NULL;
    if (th->openflow_remote) {
        *of_target = xstrdup(th->openflow_remote);
        const char *rest = th->openflow_remote + 4;
        const char *port = strrchr(rest, ':');
        bool ssl = !strncmp(th->openflow_remote, "ssl:", 4);
        if ((ssl || !strncmp(th->openflow_remote, "tcp:", 4)) && port) {
            *controller_target = xasprintf("%s:%s:%.*s",
                                           ssl ? "pssl" : "ptcp", port + 1,
                                           (int) (port - rest), rest);
        }
    } else if (!strncmp(th->ovsdb_remote, "unix:", 5)) {
        const char *path = th->ovsdb_remote + 5;
        const char *slash = strrchr(path, '/');
        *of_target = slash
            ? xasprintf("unix:%.*s/br-int.mgmt", (int) (slash - path), path)
            : xstrdup("unix:br-int.mgmt");
    } else {
        /* "tcp:IP:PORT" or "tcp:IP" (or ssl:): keep IP, use the OpenFlow
         * port. */
        const char *proto = !strncmp(th->ovsdb_remote, "ssl:", 4)
                            ? "ssl" : "tcp";
        const char *rest = th->ovsdb_remote + strcspn(th->ovsdb_remote, ":");
        rest += *rest == ':';
        const char *colon = strrchr(rest, ':');
        int len = colon ? (int) (colon - rest) : (int) strlen(rest);
        *of_target = xasprintf("%s:%.*s:%d", proto, len, rest,
                               TOPO_OPENFLOW_PORT);
        *controller_target = xasprintf("p%s:%d:%.*s", proto,
                                       TOPO_OPENFLOW_PORT, len, rest);
    }
}
