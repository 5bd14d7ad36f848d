/* nat-rows: the ways in and out (issue #13) as the front ends show them,
 * read from IDL rows of weft's database: a host's external side (Host
 * external_* and status:external_gateway_mac), pools, floating IPs and port
 * mappings (Port.mappings).
 *
 * weftctl's lists (cli/db-read-nat.c) and the REST API's views
 * (controller/rest/views-nat.c) both read rows rather than the topology, so
 * that they show what the database holds, as routing-rows.h does for
 * routers; this is the one place that works out what they show, so that
 * "weftctl --format=json" and the API print the same objects:
 *
 *   - a floating IP: its address, pool, tenant, and the port it is assigned
 *     to (network, port, and that port's host), or none;
 *   - a port mapping: the port's host and that host's external address, the
 *     protocol and host port, the endpoint (tenant, network, port), its
 *     address (the port's first IP) and the port on it.
 *
 * OVS side; single-threaded (the caller's IDL).  Nothing here writes. */
#ifndef WEFT_NAT_ROWS_H
#define WEFT_NAT_ROWS_H 1

#include <stdbool.h>
#include <stddef.h>

struct ovsdb_idl;
struct weftrec_floating_ip;
struct weftrec_host;
struct weftrec_pool;
struct weftrec_port;
struct weftrec_tenant;

/* "255.255.255.255" and its NUL. */
#define NAT_ROWS_IP_LEN 16

/* The address part of 'host''s external_ip ("A.B.C.D/LEN" -> "A.B.C.D"),
 * stored in 'buf', or NULL if the host has no external side. */
const char *nat_rows_host_ip(const struct weftrec_host *host,
                             char buf[NAT_ROWS_IP_LEN]);

/* The next hop's MAC that weftd resolved (status:external_gateway_mac), or
 * NULL while unknown. */
const char *nat_rows_gateway_mac(const struct weftrec_host *host);

/* The pool named 'name', or NULL. */
const struct weftrec_pool *nat_rows_find_pool(struct ovsdb_idl *,
                                              const char *name);

/* The number of floating IPs taken from 'pool'. */
size_t nat_rows_pool_fips(struct ovsdb_idl *, const struct weftrec_pool *);

/* The floating IP with address 'ip' (as the row holds it, canonical), or
 * NULL. */
const struct weftrec_floating_ip *nat_rows_find_fip(struct ovsdb_idl *,
                                                    const char *ip);

/* Every pool, sorted by name (malloc'd array), their number in '*n'. */
const struct weftrec_pool **nat_rows_pools(struct ovsdb_idl *, size_t *n);

/* The floating IPs of 'tenant' (NULL: every tenant), sorted by tenant name
 * and address (numerically), malloc'd, their number in '*n'. */
const struct weftrec_floating_ip **nat_rows_fips(
    struct ovsdb_idl *, const struct weftrec_tenant *tenant, size_t *n);

/* One port mapping, for display.  Pointers are into the rows, except the
 * buffers. */
struct nat_rows_mapping {
    const struct weftrec_port *port;
    const char *host;               /* The port's host ("?" if none). */
    const char *host_ip;            /* Its external address, or NULL. */
    char host_ip_buf[NAT_ROWS_IP_LEN];
    char proto[4];                  /* "tcp" or "udp". */
    int host_port;
    const char *tenant;
    const char *network;
    const char *name;               /* The port's name. */
    const char *endpoint_ip;        /* The port's first IP, or NULL. */
    int to_port;
};

/* The port mappings of 'tenant' (NULL: every tenant), sorted by tenant
 * name, host name, protocol and host port, malloc'd, their number in '*n'.
 * A mapping key that is not "tcp/N" or "udp/N" is left out. */
struct nat_rows_mapping *nat_rows_mappings(struct ovsdb_idl *,
                                           const struct weftrec_tenant *,
                                           size_t *n);

/* Finds the mapping of 'proto' ("tcp", "udp") and 'host_port' (decimal
 * text) on host 'host' into '*m'.  Returns false if there is none. */
bool nat_rows_find_mapping(struct ovsdb_idl *, const char *host,
                           const char *proto, const char *host_port,
                           struct nat_rows_mapping *m);

/* The name of the tenant of 'port' ("?" if unknown). */
const char *nat_rows_port_tenant(const struct weftrec_port *);

#endif /* ovsdb/nat-rows.h */
