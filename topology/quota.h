/* quota: per-tenant limits on how much of weft a tenant may use.
 *
 * One tenant's API token must not be able to exhaust what every tenant
 * shares: a single 64 KiB request used to add 4,300 flows to every host.
 * Each tenant therefore has a limit per quota below.  Tenant.quota in
 * weft's database holds a tenant's overrides, keyed by the quota's name; a
 * quota that has no override uses its default.  An admin sets overrides
 * with "weftctl tenant-set" or PATCH /v1/tenants/{t}/quota.
 *
 *   name          default  counts
 *   ports         1000     the tenant's ports, in all its networks
 *   networks      100      the tenant's networks
 *   ips_per_port  16       the IPs of one port ("used": its largest port)
 *
 * The limits are checked by weft_request_validate() (validate-request.c),
 * which the write layer (ovsdb/weft-write.c) runs inside the transaction
 * that creates the object; since every write verifies nb_cfg,
 * two concurrent creates cannot both pass the same limit.  Lowering a limit
 * below the usage deletes nothing: it only refuses new objects.
 *
 * Errors read "quota exceeded: tenant red may have at most 1000 ports" and
 * name only the caller's own tenant.
 *
 * A new quota (routers, say) is one TOPO_QUOTA line below, the key in the
 * schema's Tenant.quota enum (tests/unit/test-schema.c checks that they
 * agree), its usage in topo_tenant_usage() and its check in
 * validate-request.c.
 *
 * The first half of this header is plain C (no OVS headers) so that the
 * schema test and the write layer share one list. */
#ifndef WEFT_QUOTA_H
#define WEFT_QUOTA_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest value ovsdb/weft.ovsschema allows in Tenant.quota (the port key
 * space; tests/unit/test-schema.c checks it).  Each quota has its own,
 * smaller or equal, maximum: topo_quota_max(). */
#define TOPO_QUOTA_VALUE_MAX 16777215

/* TOPO_QUOTA(ENUM, NAME, DEFAULT, MAX). */
#define TOPO_QUOTAS                                             \
    TOPO_QUOTA(PORTS, "ports", 1000, 16777215)                  \
    TOPO_QUOTA(NETWORKS, "networks", 100, 32766)                \
    TOPO_QUOTA(IPS_PER_PORT, "ips_per_port", 16, 4096)

enum topo_quota {
#define TOPO_QUOTA(ENUM, NAME, DEFAULT, MAX) TOPO_QUOTA_##ENUM,
    TOPO_QUOTAS
#undef TOPO_QUOTA
    N_TOPO_QUOTAS
};

const char *topo_quota_name(enum topo_quota);
bool topo_quota_from_string(const char *, enum topo_quota *);
uint32_t topo_quota_default(enum topo_quota);
uint32_t topo_quota_max(enum topo_quota);

/* Parses a limit for the quota named 'name' from the decimal text 'value'
 * (0 to topo_quota_max()).  Stores the quota in '*quotap' and, if 'value'
 * is nonnull, the limit in '*limitp'.  Returns NULL or a malloc'd error,
 * e.g. "unknown quota \"flows\" (expected ports, networks or
 * ips_per_port)". */
char *parse_quota(const char *name, const char *value,
                  enum topo_quota *quotap, uint32_t *limitp);

/* ------------------------------------------------------------------------
 * Against a topology (topology.h).  Pure: no I/O. */

struct topology;
struct topo_tenant;

/* How much of quota 'q' 'tenant' uses in 'topo': its ports, its networks,
 * or the number of IPs of its port with the most. */
uint32_t topo_tenant_usage(const struct topology *,
                           const struct topo_tenant *, enum topo_quota);

/* NULL if 'tenant' may have one more network in 'topo', else the "quota
 * exceeded" message (malloc'd). */
char *validate_quota_new_network(const struct topology *,
                                 const struct topo_tenant *);
/* NULL if 'tenant' may have one more port in 'topo', with 'n_ips' IPs,
 * else the "quota exceeded" message (malloc'd). */
char *validate_quota_new_port(const struct topology *,
                              const struct topo_tenant *, size_t n_ips);

#endif /* topology/quota.h */
