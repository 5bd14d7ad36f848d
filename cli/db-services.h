/* db-services: database mode's commands for services (issue #14):
 * service-add, service-del, service-set, service-list, service-show,
 * backend-add, backend-del, backend-set.  Step 1 (parse) and step 3 (run)
 * as in db-write.h and db-read.h; the lists print tables or, with
 * --format=json, the REST API's objects, read through ovsdb/service-rows.h
 * as the API reads them.  It also gives db-read.c what "show" prints of
 * services. */
#ifndef DB_SERVICES_H
#define DB_SERVICES_H 1

struct ctl_context;
struct ctl_options;
struct ctl_parsed;
struct ds;
struct json;
struct ovsdb_idl;
struct weftrec_tenant;

/* Step 1. */
char *db_parse_service_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_service_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_service_set(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_service_show(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_backend_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_backend_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_backend_set(const struct ctl_options *, struct ctl_parsed *);

/* Step 3: the list and show (with counters read from the switches). */
char *db_read_service_list(struct ctl_context *);
char *db_read_service_show(struct ctl_context *);

/* For "show": a tenant's services, two lines and more each ("    service
 * NAME  VIP:PORT/PROTO  router R  node-port N|-", then "        backend
 * NET/PORT  IP:PORT  weight W  up|down"); and with --format=json, member
 * "services" of 'show' (every tenant's, as the API's objects). */
void db_services_show_tenant(struct ds *, struct ovsdb_idl *,
                             const struct weftrec_tenant *);
void db_services_show_json(struct json *show, struct ovsdb_idl *);

#endif /* cli/db-services.h */
