/* nat-rows: the ways in and out as the front ends show them.  See
 * nat-rows.h. */
#include <config.h>

#include "nat-rows.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smap.h"
#include "util.h"
#include "weft-idl.h"

const char *
nat_rows_host_ip(const struct weftrec_host *host, char buf[NAT_ROWS_IP_LEN])
{
    if (!host || !host->external_ip) {
        return NULL;
    }
    size_t len = strcspn(host->external_ip, "/");
    if (!len || len >= NAT_ROWS_IP_LEN) {
        return NULL;
    }
    memcpy(buf, host->external_ip, len);
    buf[len] = '\0';
    return buf;
}

const char *
nat_rows_gateway_mac(const struct weftrec_host *host)
{
    const char *mac = smap_get(&host->status, "external_gateway_mac");
    return mac && mac[0] ? mac : NULL;
}

const struct weftrec_pool *
nat_rows_find_pool(struct ovsdb_idl *idl, const char *name)
{
    const struct weftrec_pool *pool;
    WEFTREC_POOL_FOR_EACH (pool, idl) {
        if (!strcmp(pool->name, name)) {
            return pool;
        }
    }
    return NULL;
}

size_t
nat_rows_pool_fips(struct ovsdb_idl *idl, const struct weftrec_pool *pool)
{
    size_t n = 0;
    const struct weftrec_floating_ip *fip;
    WEFTREC_FLOATING_IP_FOR_EACH (fip, idl) {
        n += fip->pool == pool;
    }
    return n;
}

const struct weftrec_floating_ip *
nat_rows_find_fip(struct ovsdb_idl *idl, const char *ip)
{
    const struct weftrec_floating_ip *fip;
    WEFTREC_FLOATING_IP_FOR_EACH (fip, idl) {
        if (!strcmp(fip->ip, ip)) {
            return fip;
        }
    }
    return NULL;
}

static int
compare_pools(const void *a_, const void *b_)
{
    const struct weftrec_pool *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

const struct weftrec_pool **
nat_rows_pools(struct ovsdb_idl *idl, size_t *n)
{
    size_t allocated = 0;
    const struct weftrec_pool **pools = NULL;
    const struct weftrec_pool *pool;
    *n = 0;
    WEFTREC_POOL_FOR_EACH (pool, idl) {
        if (*n >= allocated) {
            pools = x2nrealloc(pools, &allocated, sizeof *pools);
        }
        pools[(*n)++] = pool;
    }
    if (*n) {
        qsort(pools, *n, sizeof *pools, compare_pools);
    }
    return pools;
}

/* An address as a number for sorting; text that is not one sorts last. */
static uint64_t
ip_order(const char *ip)
{
    struct in_addr in;
    return inet_pton(AF_INET, ip, &in) == 1 ? ntohl(in.s_addr)
                                            : UINT64_C(1) << 32;
}

/* By tenant, as the API lists them (tenant by tenant), then address. */
static int
compare_fips(const void *a_, const void *b_)
{
    const struct weftrec_floating_ip *const *a = a_, *const *b = b_;
    int cmp = strcmp((*a)->tenant ? (*a)->tenant->name : "",
                     (*b)->tenant ? (*b)->tenant->name : "");
    uint64_t x = ip_order((*a)->ip), y = ip_order((*b)->ip);
    return (cmp ? cmp : x < y ? -1 : x > y ? 1
            : strcmp((*a)->ip, (*b)->ip));
}

const struct weftrec_floating_ip **
nat_rows_fips(struct ovsdb_idl *idl, const struct weftrec_tenant *tenant,
              size_t *n)
{
    size_t allocated = 0;
    const struct weftrec_floating_ip **fips = NULL;
    const struct weftrec_floating_ip *fip;
    *n = 0;
    WEFTREC_FLOATING_IP_FOR_EACH (fip, idl) {
        if (tenant && fip->tenant != tenant) {
            continue;
        }
        if (*n >= allocated) {
            fips = x2nrealloc(fips, &allocated, sizeof *fips);
        }
        fips[(*n)++] = fip;
    }
    if (*n) {
        qsort(fips, *n, sizeof *fips, compare_fips);
    }
    return fips;
}

const char *
nat_rows_port_tenant(const struct weftrec_port *port)
{
    return (port && port->network && port->network->tenant
            ? port->network->tenant->name : "?");
}

/* Fills 'm' with mapping 'i' of 'port'.  Returns false if its key is not
 * "tcp/N" or "udp/N" (N 1..65535). */
static bool
mapping_fill(const struct weftrec_port *port, size_t i,
             struct nat_rows_mapping *m)
{
    const char *key = port->key_mappings[i];
    int host_port, len = 0;
    if ((strncmp(key, "tcp/", 4) && strncmp(key, "udp/", 4))
        || sscanf(key + 4, "%d%n", &host_port, &len) != 1
        || key[4 + len] || host_port < 1 || host_port > 65535) {
        return false;
    }
    memset(m, 0, sizeof *m);
    m->port = port;
    m->host = port->host ? port->host->name : "?";
    m->host_ip = nat_rows_host_ip(port->host, m->host_ip_buf);
    memcpy(m->proto, key, 3);
    m->proto[3] = '\0';
    m->host_port = host_port;
    m->tenant = nat_rows_port_tenant(port);
    m->network = port->network ? port->network->name : "?";
    m->name = port->name;
    m->endpoint_ip = port->n_ips ? port->ips[0] : NULL;
    m->to_port = port->value_mappings[i];
    return true;
}

/* By tenant, as the API lists them, then host, protocol and host port. */
static int
compare_mappings(const void *a_, const void *b_)
{
    const struct nat_rows_mapping *a = a_, *b = b_;
    int cmp = strcmp(a->tenant, b->tenant);
    cmp = cmp ? cmp : strcmp(a->host, b->host);
    cmp = cmp ? cmp : strcmp(a->proto, b->proto);
    return cmp ? cmp : a->host_port - b->host_port;
}

struct nat_rows_mapping *
nat_rows_mappings(struct ovsdb_idl *idl, const struct weftrec_tenant *tenant,
                  size_t *n)
{
    size_t allocated = 0;
    struct nat_rows_mapping *maps = NULL;
    const struct weftrec_port *port;
    *n = 0;
    WEFTREC_PORT_FOR_EACH (port, idl) {
        if (!port->n_mappings
            || (tenant && (!port->network
                           || port->network->tenant != tenant))) {
            continue;
        }
        for (size_t i = 0; i < port->n_mappings; i++) {
            if (*n >= allocated) {
                maps = x2nrealloc(maps, &allocated, sizeof *maps);
            }
            if (mapping_fill(port, i, &maps[*n])) {
                ++*n;
            }
        }
    }
    if (*n) {
        qsort(maps, *n, sizeof *maps, compare_mappings);
        /* 'host_ip' points into each element's own buffer. */
        for (size_t i = 0; i < *n; i++) {
            if (maps[i].host_ip) {
                maps[i].host_ip = maps[i].host_ip_buf;
            }
        }
    }
    return maps;
}

bool
nat_rows_find_mapping(struct ovsdb_idl *idl, const char *host,
                      const char *proto, const char *host_port,
                      struct nat_rows_mapping *m)
{
    char key[32];
    if (snprintf(key, sizeof key, "%s/%s", proto, host_port)
        >= (int) sizeof key) {
        return false;
    }
    const struct weftrec_port *port;
    WEFTREC_PORT_FOR_EACH (port, idl) {
        if (!port->host || strcmp(port->host->name, host)) {
            continue;
        }
        for (size_t i = 0; i < port->n_mappings; i++) {
            if (!strcmp(port->key_mappings[i], key)
                && mapping_fill(port, i, m)) {
                return true;
            }
        }
    }
    return false;
}
