/* db-nat: database mode's backend of the commands for the ways in and out
 * (issue #13): a host's external side (host-set, host-show), a router's
 * SNAT (router-set), address pools (pool-add, pool-del, pool-list),
 * floating IPs (fip-add, fip-del, fip-set, fip-list) and port mappings
 * (map-add, map-del, map-list).  Step 1 (parse) and step 3 (run) as in
 * db-write.h and db-read.h; lists print tables or, with --format=json, the
 * REST API's objects, read through ovsdb/nat-rows.h as the API reads them.
 *
 * It also gives db-read.c what host-list, show and router-list print of
 * the new columns. */
#ifndef DB_NAT_H
#define DB_NAT_H 1

struct ctl_context;
struct ctl_options;
struct ctl_parsed;
struct ds;
struct json;
struct ovsdb_idl;
struct weftrec_host;
struct weftrec_tenant;

/* Step 1. */
char *db_parse_host_set(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_host_show(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_router_set(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_pool_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_pool_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_fip_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_fip_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_fip_set(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_map_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_map_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_tenant_filter(const struct ctl_options *,
                             struct ctl_parsed *);

/* Step 3: fip-add prints the address it took; the lists and host-show. */
char *db_write_fip_add(struct ctl_context *);
char *db_read_host_show(struct ctl_context *);
char *db_read_pool_list(struct ctl_context *);
char *db_read_fip_list(struct ctl_context *);
char *db_read_map_list(struct ctl_context *);

/* For db-read.c: "  external IFACE  ip A.B.C.D/LEN  gateway A.B.C.D
 * gateway-mac MAC|-" if 'host' has an external side, else nothing; and its
 * "external" member of the API's host object. */
void db_nat_format_external(struct ds *, const struct weftrec_host *);
struct json *db_nat_external_json(const struct weftrec_host *);

/* For "show": a tenant's floating IPs and port mappings, a line each
 * ("    floating-ip IP  pool P  port NET/PORT  host H", "    port-mapping
 * HOST  HOST_IP:HOST_PORT/PROTO -> T/NET/PORT IP:PORT"); and with
 * --format=json, members "floating_ips" and "port_mappings" of 'show' (every
 * tenant's, tenant by tenant, as the API's objects). */
void db_nat_show_tenant(struct ds *, struct ovsdb_idl *,
                        const struct weftrec_tenant *);
void db_nat_show_json(struct json *show, struct ovsdb_idl *);

#endif /* cli/db-nat.h */
