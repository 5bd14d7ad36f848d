/* db-write: database mode's backend functions for the command table
 * (weftctl-commands.c): step 1, which checks a command's arguments and
 * options without the database, and step 3 for the write commands.  The
 * read-only commands' step 3 is db-read.h; steps 2 and 4 (load, commit,
 * wait) are weftctl.c's.
 *
 * Step 1 functions fill 'struct ctl_parsed' (weftctl.h) and return NULL, or
 * a malloc'd error; ctl_parsed_destroy() frees what they filled. */
#ifndef DB_WRITE_H
#define DB_WRITE_H 1

#include <stddef.h>

#include "request.h"
#include "weftctl-commands.h"

struct ctl_context;
struct ctl_options;
struct ctl_parsed;

/* Step 1's helpers, shared with db-nat.c, db-services.c and db-sg.c: 'arg'
 * as a path of 'n' names into 'parsed'; "TENANT/NAME" in o->args[1] into
 * 'parsed' ('what', e.g. "TENANT/GROUP", in its error), and that into a new
 * request for 'op'; a new request for 'op' that takes the names in
 * 'parsed->path'; "TENANT/ROUTER" in o->args[1] into a new request; the
 * request's step 1 errors (malloc'd, or NULL); a copy of an option's value
 * (or NULL). */
char *db_parse_path_arg(const char *arg, size_t n, struct ctl_parsed *);
char *db_parse_object_path(const struct ctl_options *, struct ctl_parsed *,
                           const char *what);
char *db_parse_object_request(const struct ctl_options *, struct ctl_parsed *,
                              const char *what, enum weft_op,
                              struct weft_request **reqp);
struct weft_request *db_start_request(struct ctl_parsed *, enum weft_op);
char *db_parse_router_request(const struct ctl_options *, struct ctl_parsed *,
                              enum weft_op, struct weft_request **reqp);
char *db_check_request(const struct weft_request *);
char *db_opt_value(const struct ctl_options *, enum cmd_option);

/* Step 1. */
char *db_parse_host_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_host_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_tenant_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_tenant_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_tenant_set(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_tenant_quota(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_net_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_net_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_net_list(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_port_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_port_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_port_list(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_port_show(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_router_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_router_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_router_attach(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_router_detach(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_route_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_route_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_router_list(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_router_show(const struct ctl_options *, struct ctl_parsed *);
void ctl_parsed_destroy(struct ctl_parsed *);

/* Step 3: "init" and "sync" (nothing beyond the commit), and every other
 * write command (the shared write layer, ovsdb/weft-write.h). */
char *db_write_nothing(struct ctl_context *);
char *db_write_request(struct ctl_context *);

/* After the commit of port-add: the addresses allocated, if any. */
char *db_after_port_add(struct ctl_context *);

#endif /* cli/db-write.h */
