/* service-rows: services (issue #14) as the front ends show them, read from
 * IDL rows of weft's database (Service and the Port rows it refers to).
 *
 * weftctl (cli/db-services.c) and the REST API's views
 * (controller/rest/views-services.c) both read rows through here, as
 * nat-rows.h does for NAT, so that "weftctl --format=json" and the API print
 * the same objects:
 *
 *   - a service: tenant, name, router, VIP, port, protocol, node port (or
 *     none), its key (the select group's id), and its backends;
 *   - a backend: the endpoint (network and port names of the service's
 *     tenant), its address (the port's first IP), the target port, weight
 *     (1 when the row has none) and whether it is marked down.
 *
 * OVS side; single-threaded (the caller's IDL).  Nothing here writes. */
#ifndef WEFT_SERVICE_ROWS_H
#define WEFT_SERVICE_ROWS_H 1

#include <stdbool.h>
#include <stddef.h>

struct ovsdb_idl;
struct weftrec_service;
struct weftrec_tenant;

struct service_rows_backend {
    const char *network;        /* Pointers into the rows ("?" if the row */
    const char *port;           /* is inconsistent). */
    const char *ip;             /* The port's first IP, or NULL. */
    int key;                    /* The port's flow key (its bucket id). */
    int to_port;
    int weight;
    bool down;
};

struct service_rows_service {
    const struct weftrec_service *row;
    const char *tenant;
    const char *name;
    const char *router;
    const char *vip;
    const char *proto;
    int port;
    int node_port;              /* 0: none. */
    int key;
    struct service_rows_backend *backends;  /* Sorted by network, port. */
    size_t n_backends;
};

/* The service 'name' of 'tenant', or NULL. */
const struct weftrec_service *service_rows_find(
    struct ovsdb_idl *, const struct weftrec_tenant *, const char *name);

/* Fills 's' from 'row'; service_rows_clear() frees what it allocated. */
void service_rows_fill(struct service_rows_service *s,
                       const struct weftrec_service *row);
void service_rows_clear(struct service_rows_service *);

/* The services of 'tenant' (NULL: every tenant), sorted by tenant and name,
 * filled (malloc'd), their number in '*n'.  service_rows_free() frees. */
struct service_rows_service *service_rows_list(
    struct ovsdb_idl *, const struct weftrec_tenant *, size_t *n);
void service_rows_free(struct service_rows_service *, size_t n);

#endif /* ovsdb/service-rows.h */
