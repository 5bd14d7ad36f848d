/* views: the read side of weftd's REST API: rows of the executor's IDL, as
 * the caller may see them, filled into a 'struct api_call' for the HTTP
 * thread to render (rest-server.c).
 *
 * Place in the pipeline: the way back: desired state (weft's database) and
 * installed flows (weftd's hosts, through 'api_hooks') -> here -> response.
 * Reads never wait behind a write.
 *
 * A tenant admin's views hide how weft reaches a host, and list only the
 * tenant's own objects; the caller has authorized the call first
 * (authorize.h).  OVS side; main thread only. */
#ifndef WEFT_VIEWS_H
#define WEFT_VIEWS_H 1

#include <stddef.h>

#include "api.h"

struct cluster_view;

struct ovsdb_idl;
struct sset;
struct weft_topo_cache;
struct weftrec_tenant;

/* What the read side reads from. */
struct api_reader {
    struct ovsdb_idl *idl;
    struct weft_topo_cache *topo;   /* Loaded from 'idl' (quota usage). */
    const struct api_hooks *hooks;  /* weftd's hosts. */
    const struct cluster_view *cluster; /* Each database member's latest
                                         * answer (cluster-status.h). */
};

/* Tenant 'name' into '*tenantp', or NOT_FOUND with the write layer's
 * message (views*.c). */
struct weft_error *api_find_tenant(struct ovsdb_idl *, const char *name,
                                   const struct weftrec_tenant **tenantp);

/* Fills 'call' with one object, named by 'path' ('n' elements) of
 * 'resource'.  Returns NOT_FOUND if there is no such object. */
struct weft_error *api_read_object(const struct api_reader *,
                                   struct api_call *,
                                   enum api_resource resource,
                                   char *const path[], size_t n);

/* Executes a GET of a collection into 'call'.  'own' is the caller's
 * tenant, or NULL for an admin. */
struct weft_error *api_read_list(const struct api_reader *,
                                 struct api_call *,
                                 const struct weftrec_tenant *own);

/* The ways in and out (views-nat.c).  api_read_object() and api_read_list()
 * hand API_POOLS, API_FIPS and API_MAPPINGS to the first two. */
struct weft_error *api_read_nat_object(const struct api_reader *,
                                       struct api_call *,
                                       enum api_resource resource,
                                       char *const path[], size_t n);
struct weft_error *api_read_nat_list(const struct api_reader *,
                                     struct api_call *);

/* Services (views-services.c): one service, named by 'path' (tenant,
 * service), with its counters if call->resource is API_SERVICE_STATS; and
 * the services of the tenant call->path[0].  NOT_FOUND if there is no such
 * tenant or service. */
struct weft_error *api_read_service(const struct api_reader *,
                                    struct api_call *, char *const path[]);
struct weft_error *api_read_service_list(const struct api_reader *,
                                         struct api_call *);

/* Security groups (views-sg.c): one group, named by 'path' (tenant,
 * group), with its counters if call->resource is API_SG_STATS; and the
 * groups of the tenant call->path[0].  NOT_FOUND if there is no such tenant
 * or group (another tenant's group is not the path's tenant's: not
 * found).  After an SG_RULE_ADD of 'req' (or NULL), the group's
 * 'new_rule' is the rule it added. */
struct weft_error *api_read_sg(const struct api_reader *, struct api_call *,
                               char *const path[]);
struct weft_error *api_read_sg_list(const struct api_reader *,
                                    struct api_call *);
void api_sg_mark_new_rule(const struct api_reader *, struct api_call *,
                          const struct weft_request *req);

/* Fills 'call' with the mapping of 'proto'/'host_port' of the port that
 * 'path' names (tenant, network, port).  Returns NOT_FOUND if it has no
 * such mapping. */
struct weft_error *api_read_mapping(const struct api_reader *,
                                    struct api_call *, char *const path[],
                                    const char *proto,
                                    const char *host_port);

/* The port of tenant 'tenant' with the mapping of 'proto'/'host_port' on
 * host 'host': returns its name and stores its network's in '*networkp'
 * (pointers into the rows), or returns NULL if there is none (or it is
 * another tenant's). */
const char *api_find_tenant_mapping(struct ovsdb_idl *, const char *tenant,
                                    const char *host, const char *proto,
                                    const char *host_port,
                                    const char **networkp);

/* Adds to 'ips' the addresses of tenant 'tenant''s floating IPs; returns the
 * address of one of its floating IPs that is not in 'before', or NULL.
 * Together: the address a FIP_ADD's transaction wrote. */
void api_tenant_fips(struct ovsdb_idl *, const char *tenant,
                     struct sset *ips);
const char *api_tenant_fip_after(struct ovsdb_idl *, const char *tenant,
                                 const struct sset *before);

#endif /* controller/rest/views.h */
