/* db-read: weftctl's read-only database commands: host-list, tenant-list,
 * tenant-quota, net-list, port-list, router-list, router-show and show,
 * as tables or, with --format=json, as the REST API's objects.
 *
 * Each runs as a 'struct ctl_command''s step 3 (weftctl.h): it reads ctx->idl
 * (and ctx->topo where it checks a name), appends what it prints to
 * ctx->output and returns NULL, or returns a malloc'd error. */
#ifndef DB_READ_H
#define DB_READ_H 1

#include <stddef.h>

struct ctl_context;
struct ds;
struct json;
struct ovsdb_idl;
struct ovsdb_idl_table_class;

char *db_read_host_list(struct ctl_context *);
char *db_read_tenant_list(struct ctl_context *);
char *db_read_tenant_quota(struct ctl_context *);
char *db_read_net_list(struct ctl_context *);
char *db_read_port_list(struct ctl_context *);
char *db_read_show(struct ctl_context *);
char *db_read_router_list(struct ctl_context *);
char *db_read_router_show(struct ctl_context *);

/* Every row of a table, sorted: see db_read_sorted_rows() in db-read.c.
 * db_read_compare_hosts() sorts Host rows by name. */
size_t db_read_sorted_rows(struct ovsdb_idl *,
                           const struct ovsdb_idl_table_class *,
                           int (*compare)(const void *, const void *),
                           const void ***rowsp);
int db_read_compare_hosts(const void *, const void *);

/* Appends 'json' to 's' as the API's clients print it (--format=json),
 * and frees it. */
void db_put_json(struct ds *, struct json *);

/* A Port row as the API's port object. */
struct json *db_read_port_json(const void *port, struct ovsdb_idl *);

/* A Host row as the API's host object (an admin's view). */
struct json *db_read_host_json(const void *host, struct ovsdb_idl *);

#endif /* cli/db-read.h */
