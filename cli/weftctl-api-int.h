/* weftctl-api-int: what weftctl-api.c shares with the other files of
 * weftctl's --api backend (weftctl-api-list.c, weftctl-api-routers.c,
 * weftctl-api-nat.c, weftctl-api-services.c, weftctl-api-sg.c).
 *
 * jansson side: no OVS headers. */
#ifndef WEFT_WEFTCTL_API_INT_H
#define WEFT_WEFTCTL_API_INT_H 1

#include <stdbool.h>

#include <jansson.h>

struct ctl_options;

/* Exit statuses, as weftctl-options.h's (that header is OVS-side). */
#define EXIT_API_ERROR 1
#define EXIT_API_USAGE 2

/* Prints 'json' as the API gave it (indented, keys sorted). */
void api_print_json(json_t *json);

/* Member 'key' of object 'o': a string ("-" if absent), an integer. */
const char *api_str(json_t *o, const char *key);
long long api_num(json_t *o, const char *key);

/* Splits "A/B/C" into exactly 'n' non-empty names (malloc'd, escaped for a
 * URL), 'what' naming them in the usage error ("TENANT/ROUTER").  Returns
 * false after printing a usage error. */
bool api_split_names(const char *arg, int n, const char *what,
                     char *names[3]);

/* Sends 'method' to 'path' (plus ?wait=installed with --wait) with 'body'
 * (may be NULL; its reference is taken); the answer must be HTTP 'want'.
 * With --json prints the answer.  Returns the exit status. */
int api_run_write(const struct ctl_options *o, const char *method,
                  const char *path, json_t *body, int want);

/* Stores in 'body' member 'key' as the integer 'text' ('option' names it in
 * the error).  Returns false after printing a usage error. */
bool api_set_number(json_t *body, const char *key, const char *option,
                    const char *text);

/* "/v1/tenants/T/COLLECTION/NAME" of o->args[1] ("T/NAME", 'what' naming
 * it in the usage error, e.g. "TENANT/ROUTER"), then 'suffix'; or NULL
 * after a usage error.  api_object_write() sends 'method' with 'body' (its
 * reference is taken; may be NULL) there, like api_run_write(). */
char *api_object_path(const struct ctl_options *o, const char *collection,
                      const char *what, const char *suffix);
int api_object_write(const struct ctl_options *o, const char *collection,
                     const char *what, const char *suffix, const char *method,
                     json_t *body, int want);

/* "/v1/tenants/T/COLLECTION", where a new object "T/NAME" of o->args[1] is
 * POSTed ('what' naming it in the usage error, e.g. "TENANT/GROUP"); or
 * NULL after a usage error. */
char *api_collection_path(const struct ctl_options *o, const char *collection,
                          const char *what);

/* Stores in '*tenants' the tenants a listing walks: [{"name": 'tenant'}] if
 * 'tenant' is nonnull, else every tenant the caller sees (GET /v1/tenants).
 * The caller json_decref()s it.  Returns false after printing an error. */
bool api_tenants(const struct ctl_options *o, const char *tenant,
                 json_t **tenants);

/* Appends to 'out' the objects of the per-tenant collection 'kind'
 * ("routers", "services", "security-groups", "floating-ips",
 * "port-mappings": GET /v1/tenants/T/'kind') of 'tenant', or of every
 * tenant the caller sees if it is NULL.  Returns false after printing an
 * error. */
bool api_collect_per_tenant(const struct ctl_options *o, const char *tenant,
                            const char *kind, json_t *out);

/* The start of a "*-list" command of collection 'kind': checks its optional
 * TENANT argument, collects (api_collect_per_tenant()) and, with --json,
 * prints the list.  Returns true with '*list' for the caller to print and
 * json_decref(), else false with the command's exit status in '*statusp'
 * (0 after --json's printing). */
bool api_list_per_tenant(const struct ctl_options *o, const char *kind,
                         json_t **list, int *statusp);

/* The line "router-list" prints after a router's label, and "show"'s. */
void api_print_router_summary(json_t *router);

/* Prints 'host''s external side after 'lead' as database mode does, or
 * 'lead' and " -" if it has none and 'dash' (weftctl-api-nat.c). */
void api_print_external(json_t *host, const char *lead, bool dash);

/* "show"'s lines for floating IPs and port mappings. */
void api_print_nat_show(json_t *fips, json_t *maps);

/* The listings (weftctl-api-list.c): "host-list", "tenant-list",
 * "net-list" and "port-list" ('cmd'), and "show"; each returns the exit
 * status.  api_print_hosts() prints 'hosts' as host-list does (and
 * "status"), api_print_ports() 'ports' (the API's port objects) as
 * port-list does. */
int api_run_list(const struct ctl_options *o, const char *cmd);
int api_run_show(const struct ctl_options *o);
void api_print_hosts(json_t *hosts);
void api_print_ports(json_t *ports);

/* Prints 'services' as "show" does (weftctl-api-services.c). */
void api_print_services_show(json_t *services);

#endif /* cli/weftctl-api-int.h */
