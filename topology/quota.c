/* quota: per-tenant limits.  See quota.h. */
#include <config.h>

#include "quota.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "topology.h"
#include "util.h"

static const struct {
    const char *name;
    uint32_t default_;
    uint32_t max;
} quotas[N_TOPO_QUOTAS] = {
#define TOPO_QUOTA(ENUM, NAME, DEFAULT, MAX) \
    [TOPO_QUOTA_##ENUM] = { NAME, DEFAULT, MAX },
    TOPO_QUOTAS
#undef TOPO_QUOTA
};

const char *
topo_quota_name(enum topo_quota q)
{
    return (size_t) q < N_TOPO_QUOTAS ? quotas[q].name : "unknown";
}

bool
topo_quota_from_string(const char *s, enum topo_quota *qp)
{
    for (size_t q = 0; q < N_TOPO_QUOTAS; q++) {
        if (!strcmp(s, quotas[q].name)) {
            *qp = q;
            return true;
        }
    }
    return false;
}

uint32_t
topo_quota_default(enum topo_quota q)
{
    ovs_assert((size_t) q < N_TOPO_QUOTAS);
    return quotas[q].default_;
}

uint32_t
topo_quota_max(enum topo_quota q)
{
    ovs_assert((size_t) q < N_TOPO_QUOTAS);
    return quotas[q].max;
}

char *
parse_quota(const char *name, const char *value, enum topo_quota *quotap,
            uint32_t *limitp)
{
    if (!topo_quota_from_string(name, quotap)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        ds_put_format(&s, "unknown quota \"%s\" (expected ", name);
        for (size_t q = 0; q < N_TOPO_QUOTAS; q++) {
            ds_put_format(&s, "%s%s", (!q ? ""
                                       : q == N_TOPO_QUOTAS - 1 ? " or "
                                       : ", "), quotas[q].name);
        }
        ds_put_char(&s, ')');
        return ds_steal_cstr(&s);
    }
    if (!value) {
        return NULL;
    }

    /* Digits only (no sign, no space), at most 10 of them, so that the
     * value cannot overflow before it is compared. */
    uint32_t max = quotas[*quotap].max;
    size_t len = strlen(value);
    bool ok = len && len <= 10 && strspn(value, "0123456789") == len;
    unsigned long long limit = ok ? strtoull(value, NULL, 10) : 0;
    if (!ok || limit > max) {
        return xasprintf("invalid %s quota \"%s\": expected a number "
                         "0-%"PRIu32, name, value, max);
    }
    if (limitp) {
        *limitp = limit;
    }
    return NULL;
}

uint32_t
topo_tenant_usage(const struct topology *topo OVS_UNUSED,
                  const struct topo_tenant *tenant, enum topo_quota q)
{
    uint32_t n = 0;
    switch (q) {
    /* Through the tenant's network index: O(its networks) for a count,
     * O(its ports) only for the largest number of IPs. */
    case TOPO_QUOTA_NETWORKS:
        return tenant->n_networks;
    case TOPO_QUOTA_PORTS: {
        const struct topo_network *net;
        TOPO_TENANT_FOR_EACH_NETWORK (net, tenant) {
            n += net->n_ports;
        }
        return n;
    }
    case TOPO_QUOTA_IPS_PER_PORT: {
        const struct topo_network *net;
        TOPO_TENANT_FOR_EACH_NETWORK (net, tenant) {
            const struct topo_port *port;
            TOPO_NETWORK_FOR_EACH_PORT (port, net) {
                n = MAX(n, port->n_ips);
            }
        }
        return n;
    }
    case N_TOPO_QUOTAS:
    default:
        OVS_NOT_REACHED();
    }
}

static char *
quota_exceeded__(const struct topo_tenant *tenant, enum topo_quota q)
{
    static const char *const what[N_TOPO_QUOTAS][2] = {
        [TOPO_QUOTA_PORTS] = { "port", "ports" },
        [TOPO_QUOTA_NETWORKS] = { "network", "networks" },
        [TOPO_QUOTA_IPS_PER_PORT] = { "IP per port", "IPs per port" },
    };
    uint32_t limit = tenant->quota[q];
    return xasprintf("quota exceeded: tenant %s may have at most %"PRIu32
                     " %s", tenant->name, limit, what[q][limit != 1]);
}

char *
validate_quota_new_network(const struct topology *topo,
                           const struct topo_tenant *tenant)
{
    uint32_t used = topo_tenant_usage(topo, tenant, TOPO_QUOTA_NETWORKS);
    return (used >= tenant->quota[TOPO_QUOTA_NETWORKS]
            ? quota_exceeded__(tenant, TOPO_QUOTA_NETWORKS) : NULL);
}

char *
validate_quota_new_port(const struct topology *topo,
                        const struct topo_tenant *tenant, size_t n_ips)
{
    if (n_ips > tenant->quota[TOPO_QUOTA_IPS_PER_PORT]) {
        return quota_exceeded__(tenant, TOPO_QUOTA_IPS_PER_PORT);
    }
    uint32_t used = topo_tenant_usage(topo, tenant, TOPO_QUOTA_PORTS);
    return (used >= tenant->quota[TOPO_QUOTA_PORTS]
            ? quota_exceeded__(tenant, TOPO_QUOTA_PORTS) : NULL);
}
