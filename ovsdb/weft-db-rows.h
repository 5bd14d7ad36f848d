/* weft-db-rows: one row of weft's database -> one topology object, shared by
 * the full load (weft-db.c) and the incremental update (weft-db-update.c) so
 * that both keep and skip exactly the same rows.  Internal to ovsdb/.
 *
 * Hosts and tenants are never skipped.  A network is skipped without a
 * tenant or with an unknown type (neither is possible through the schema); a
 * port without its network or host in the topology, or with a bad MAC or IP
 * (a database written by hand).  A network's bad cidr or gateway leaves it
 * without a subnet; a router without its tenant is skipped, and so are its
 * bad routes and the attachments the topology cannot hold (another
 * tenant's network, one without a subnet or with another router, a bad
 * MAC).  Each skip is logged, rate-limited.  The NAT rows' skips are
 * weft-db-nat.c's. */
#ifndef WEFT_DB_ROWS_H
#define WEFT_DB_ROWS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/types.h"
#include "packets.h"
#include "topology.h"

struct ovsdb_idl;
struct topo_changes;
struct weftrec_host;
struct weftrec_network;
struct weftrec_port;
struct weftrec_router;
struct weftrec_tenant;

/* A tenant's quotas: its overrides, else the defaults; a value above a
 * quota's own maximum (written by hand) is capped there. */
void weft_db_tenant_quota(const struct weftrec_tenant *,
                          uint32_t quota[N_TOPO_QUOTAS]);

/* A Network row's tenant (looked up in 'topo') and type, or false if the
 * network is skipped. */
bool weft_db_network_from_row(const struct topology *topo,
                              const struct weftrec_network *,
                              const struct topo_tenant **,
                              enum topo_net_type *);
int weft_db_network_mtu(const struct weftrec_network *);
/* A Network row's subnet: plen 0 without a cidr or with a bad one; the
 * gateway column, or the first host address without one. */
void weft_db_network_subnet(const struct weftrec_network *,
                            struct topo_subnet *);

/* A Router row's tenant (looked up in 'topo'), or false if the router is
 * skipped. */
bool weft_db_router_from_row(const struct topology *,
                             const struct weftrec_router *,
                             const struct topo_tenant **);
/* The attachments of 'row' that 'router' (in 'topo', of the row's tenant)
 * can hold, in the row's order: stores them in 'nets' and 'macs' (malloc'd,
 * the caller frees both) and returns how many. */
size_t weft_db_router_networks(const struct topology *,
                               const struct topo_router *,
                               const struct weftrec_router *,
                               const struct topo_network ***nets,
                               struct eth_addr **macs);
/* The routes of 'row' that parse, in '*routes' (malloc'd); returns how
 * many. */
size_t weft_db_router_routes(const struct weftrec_router *,
                             struct topo_route **routes);

/* A Port row as the topology holds it. */
struct weft_db_port {
    const struct topo_network *net;
    const struct topo_host *host;
    struct eth_addr mac;
    ovs_be32 *ips;              /* Malloc'd, 'n_ips' of them. */
    size_t n_ips;
    struct in6_addr *ip6s;      /* Malloc'd, 'n_ip6s' of them, sorted. */
    size_t n_ip6s;
};

/* Fills 'spec' from the row, or returns false (nothing to free) if the port
 * is skipped.  On success the caller frees it with
 * weft_db_port_destroy(). */
bool weft_db_port_from_row(const struct topology *topo,
                           const struct weftrec_port *,
                           struct weft_db_port *spec);
void weft_db_port_destroy(struct weft_db_port *);
/* Adds the port to 'topo', with its groups (weft_db_port_set_sgs()). */
struct topo_port *weft_db_port_add(struct topology *,
                                   const struct weftrec_port *,
                                   const struct weft_db_port *);
/* True if 'port' already holds what the row and 'spec' say (but for its
 * mappings and groups, which change in place). */
bool weft_db_port_equals(const struct topo_port *,
                         const struct weftrec_port *,
                         const struct weft_db_port *);

/* NAT (weft-db-nat.c).  A Host row's external side (none if it does not
 * parse), set on 'host' by weft_db_host_set_external() (true if it
 * changed); the next hop's MAC weftd resolved, from the row's status, set
 * at a full load only (weftd keeps it up to date itself).  A Port row's
 * mappings that parse, in '*maps' (malloc'd), and set on 'port' by
 * weft_db_port_set_mappings() (true if they changed). */
void weft_db_host_external(const struct weftrec_host *,
                           struct topo_external *);
bool weft_db_host_set_external(struct topology *, struct topo_host *,
                               const struct weftrec_host *);
void weft_db_host_gateway_mac(struct topo_host *,
                              const struct weftrec_host *);
size_t weft_db_port_mappings(const struct weftrec_port *,
                             struct topo_mapping **maps);
bool weft_db_port_set_mappings(struct topology *, struct topo_port *,
                               const struct weftrec_port *);
/* The Pool and Floating_IP tables, after everything else. */
void weft_db_load_nat(struct ovsdb_idl *, struct topology *);
/* Patch phases (weft-db-update.c's order): floating IPs deleted (before
 * tenants), pools deleted (after them), pools added or modified, floating
 * IPs added or modified and (re)assigned (after ports, tenants, pools).
 * Each returns NULL or why a full load is needed. */
const char *weft_db_delete_fips(struct ovsdb_idl *, struct topology *,
                                struct topo_changes *);
const char *weft_db_delete_pools(struct ovsdb_idl *, struct topology *,
                                 struct topo_changes *);
const char *weft_db_update_pools(struct ovsdb_idl *, struct topology *,
                                 struct topo_changes *);
const char *weft_db_update_fips(struct ovsdb_idl *, struct topology *,
                                struct topo_changes *);

/* Services (weft-db-services.c).  The Service table after everything else
 * at a full load.  Patch phases: services deleted (before routers and
 * tenants), services added or modified and their backends set again (after
 * ports, routers and floating IPs).  A port the patch removes (deleted or
 * replaced) first leaves the services it backs through
 * weft_db_forget_backend_port(), which puts them in 'c->services' so that
 * weft_db_update_services() sets their backends again. */
void weft_db_load_services(struct ovsdb_idl *, struct topology *);
void weft_db_forget_backend_port(struct topology *, const struct topo_port *,
                                 struct topo_changes *);
const char *weft_db_delete_services(struct ovsdb_idl *, struct topology *,
                                    struct topo_changes *);
const char *weft_db_update_services(struct ovsdb_idl *, struct topology *,
                                    struct topo_changes *);

/* Whether the IDL's tracked changes can be patched in (weft-db-track.c).
 * weft_db_full_load_reason(), before the patch phases: why the tracked
 * changes in 'idl' cannot be applied to 'topo' in place (a resync that
 * dropped deletions, the first load), or NULL.  weft_db_check_emptied(),
 * after them: why 'topo' still holds rows of a table the database emptied,
 * or NULL. */
const char *weft_db_full_load_reason(struct ovsdb_idl *,
                                     const struct topology *);
const char *weft_db_check_emptied(struct ovsdb_idl *,
                                  const struct topology *);

/* Security groups (weft-db-security.c).  The Security_Group and
 * Security_Rule tables at a full load, after the tenants and before the
 * ports (whose 'security_groups' name the groups).  Patch phases: groups
 * deleted (after the ports, before the tenants; their members leave them
 * first), groups added or modified and their rules set again (after the
 * tenants, before the ports).  weft_db_port_set_sgs() sets a port's groups
 * from its row (those the topology holds) and, when 'c' is nonnull and they
 * changed, puts its old and new groups in 'c->sgs'; it returns true if they
 * changed.  weft_db_note_port_sgs() puts 'port''s groups in 'c->sgs' (a port
 * that leaves or joins them whole). */
void weft_db_load_sgs(struct ovsdb_idl *, struct topology *);
bool weft_db_port_set_sgs(struct topology *, struct topo_port *,
                          const struct weftrec_port *, struct topo_changes *);
void weft_db_note_port_sgs(const struct topo_port *, struct topo_changes *);
const char *weft_db_delete_sgs(struct ovsdb_idl *, struct topology *,
                               struct topo_changes *);
const char *weft_db_update_sgs(struct ovsdb_idl *, struct topology *,
                               struct topo_changes *);

#endif /* ovsdb/weft-db-rows.h */
