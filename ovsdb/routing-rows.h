/* routing-rows: routers and subnets as the front ends show them, read from
 * IDL rows of weft's database (Router, Network.cidr, Network.gateway).
 *
 * weftctl's lists (cli/db-read*.c) and the REST API's views
 * (controller/rest/views.c) both read rows rather than the topology, so that
 * they show what the database holds; this is the one place that works out
 * what they show of routing, so that "weftctl --format=json" and the API
 * print the same objects:
 *
 *   - a network's gateway: its 'gateway' column, or the first host address
 *     of its 'cidr' (the default, topology/validate.h), or none without a
 *     cidr;
 *   - the router attached to a network (at most one), and its MAC there;
 *   - a router's attachments (network name, the router's IP there, which is
 *     the network's gateway, and its MAC) sorted by network name, and its
 *     routes sorted by prefix text.
 *
 * OVS side; single-threaded (the caller's IDL).  Nothing here writes. */
#ifndef WEFT_ROUTING_ROWS_H
#define WEFT_ROUTING_ROWS_H 1

#include <stddef.h>

struct ovsdb_idl;
struct weftrec_network;
struct weftrec_router;
struct weftrec_tenant;

/* "255.255.255.255" and its NUL. */
#define ROUTING_ROWS_IP_LEN 16

/* Stores 'net''s gateway in 'buf' and returns 'buf', or returns NULL if
 * 'net' has no (parsable) cidr. */
const char *routing_rows_gateway(const struct weftrec_network *net,
                                 char buf[ROUTING_ROWS_IP_LEN]);

/* The router attached to 'net', or NULL.  Stores its MAC on 'net' in
 * '*macp' if 'macp' is nonnull.  Linear in the routers' attachments. */
const struct weftrec_router *routing_rows_network_router(
    struct ovsdb_idl *, const struct weftrec_network *net, const char **macp);

/* Tenant 'tenant''s router named 'name', or NULL. */
const struct weftrec_router *routing_rows_find_router(
    struct ovsdb_idl *, const struct weftrec_tenant *tenant,
    const char *name);

/* One attachment of a router, for display.  Pointers are into the rows,
 * except 'ip' (NULL if the network has no cidr). */
struct routing_rows_port {
    const struct weftrec_network *row;
    const char *network;
    const char *mac;
    char ip_buf[ROUTING_ROWS_IP_LEN];
    const char *ip;
};

/* Returns 'router''s attachments sorted by network name, malloc'd, their
 * number in '*n'. */
struct routing_rows_port *routing_rows_ports(const struct weftrec_router *,
                                             size_t *n);

/* Returns the prefixes of 'router''s routes sorted (malloc'd array of
 * pointers into the row; smap_get() gives each next hop), their number in
 * '*n'. */
const char **routing_rows_route_prefixes(const struct weftrec_router *,
                                         size_t *n);

/* qsort() comparator of 'const struct weftrec_router *'s: by tenant name,
 * then name. */
int routing_rows_compare_routers(const void *, const void *);

#endif /* ovsdb/routing-rows.h */
