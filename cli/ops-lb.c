/* ops-lb: services in weftctl's operator commands.  See ops-lb.h. */
#include <config.h>

#include "ops-lb.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "pipeline.h"
#include "util.h"

/* The service with key 'key' (keys are unique over all tenants). */
static const struct topo_service *
service_by_key(const struct ops_ctx *ctx, uint32_t key)
{
    const struct topo_service *svc;
    TOPOLOGY_FOR_EACH_SERVICE (svc, &ctx->topo) {
        if (svc->key == key) {
            return svc;
        }
    }
    return NULL;
}

static void
put_service(const struct topo_service *svc, struct ds *s)
{
    ds_put_format(s, "service %s/%s "IP_FMT":%"PRIu16"/%s",
                  svc->tenant ? svc->tenant->name : "?", svc->name,
                  IP_ARGS(svc->vip), svc->port,
                  svc->proto == IPPROTO_UDP ? "udp" : "tcp");
}

static void
put_backend(const struct topo_service *svc, const struct topo_backend *b,
            struct ds *s)
{
    const struct topo_port *p = b->port;
    ds_put_format(s, "backend %s/%s/%s "IP_FMT":%"PRIu16,
                  svc->tenant ? svc->tenant->name : "?",
                  p->network ? p->network->name : "?", p->name,
                  IP_ARGS(p->n_ips ? p->ips[0] : 0), b->port_num);
    if (b->down) {
        ds_put_cstr(s, " (down)");
    }
}

bool
ops_lb_put_owner(const struct ops_ctx *ctx, uint64_t cookie, struct ds *s)
{
    if (!ops_lb_is_service_cookie(cookie)) {
        return false;
    }
    const struct topo_service *svc = service_by_key(ctx, cookie & 0xffff);
    if (svc) {
        put_service(svc, s);
    } else {
        ds_put_format(s, "deleted service %"PRIu64, cookie & 0xffff);
    }
    return true;
}

/* True if 'text' has "FIELD=VALUE" followed by ',', ' ' or its end. */
static bool
has_field(const char *text, const char *field, const char *value)
{
    char *needle = xasprintf("%s=%s", field, value);
    size_t len = strlen(needle);
    bool found = false;
    for (const char *p = text; !found && (p = strstr(p, needle)); p++) {
        found = (p == text || strchr(", ", p[-1]))
                && (!p[len] || strchr(", ", p[len]));
    }
    free(needle);
    return found;
}

/* The backend of 'svc' that 'text' matches as destination ('dst') or
 * source, or NULL. */
static const struct topo_backend *
backend_in(const struct topo_service *svc, const char *text, bool dst)
{
    for (size_t i = 0; i < svc->n_backends; i++) {
        const struct topo_backend *b = &svc->backends[i];
        if (!b->port->n_ips) {
            continue;
        }
        char ip[16], port[8];
        snprintf(ip, sizeof ip, IP_FMT, IP_ARGS(b->port->ips[0]));
        snprintf(port, sizeof port, "%"PRIu16, b->port_num);
        if (has_field(text, dst ? "nw_dst" : "nw_src", ip)
            && has_field(text, dst ? "tp_dst" : "tp_src", port)) {
            return b;
        }
    }
    return NULL;
}

void
ops_lb_flow_label(const struct ops_ctx *ctx, int table, uint64_t cookie,
                  const char *text, struct ds *s)
{
    if (!ops_lb_is_service_cookie(cookie)) {
        return;
    }
    const struct topo_service *svc = service_by_key(ctx, cookie & 0xffff);
    if (!svc) {
        return;
    }
    const struct topo_backend *b;
    if (table == WEFT_TABLE_EXT_IN_HOST) {
        ds_put_format(s, ", node port %s/%"PRIu16,
                      svc->proto == IPPROTO_UDP ? "udp" : "tcp",
                      svc->node_port);
    } else if ((b = backend_in(svc, text, true))) {
        ds_put_cstr(s, table == WEFT_TABLE_LB_BACKEND
                       && strstr(text, "nat(src=") ? ", hairpin to " : ", ");
        put_backend(svc, b, s);
    } else if ((b = backend_in(svc, text, false))) {
        ds_put_cstr(s, table == WEFT_TABLE_L3_ROUTE
                       ? ", hairpin reply from " : ", reply from ");
        put_backend(svc, b, s);
    } else if (table == WEFT_TABLE_L3_ROUTE) {
        ds_put_cstr(s, ", to the VIP");
    } else if (table == WEFT_TABLE_LB_SELECT) {
        ds_put_cstr(s, strstr(text, "group:")
                       ? ", new connection: a backend by the select group"
                       : ", new connection: no live backend (dropped)");
    }
}

bool
ops_lb_trace_line(const struct ops_ctx *ctx, const char *line,
                  uint32_t *group, struct ds *note)
{
    unsigned int id;
    int n = 0;
    if (sscanf(line, "group:%u%n", &id, &n) == 1 && !line[n]) {
        const struct topo_service *svc
            = service_by_key(ctx, id & ~WEFT_GROUP_NODE_PORT);
        *group = id;
        if (!svc) {
            return false;
        }
        ds_put_cstr(note, "select group of ");
        put_service(svc, note);
        if (id & WEFT_GROUP_NODE_PORT) {
            ds_put_format(note, " (node port %"PRIu16", local backends)",
                          svc->node_port);
        }
        return true;
    }
    if ((sscanf(line, "-> using bucket %u%n", &id, &n) == 1
         || sscanf(line, "bucket %u%n", &id, &n) == 1) && !line[n]) {
        const struct topo_service *svc
            = service_by_key(ctx, *group & ~WEFT_GROUP_NODE_PORT);
        for (size_t i = 0; svc && i < svc->n_backends; i++) {
            if (svc->backends[i].port->key == id) {
                ds_put_format(note, "bucket %u: ", id);
                put_backend(svc, &svc->backends[i], note);
                return true;
            }
        }
    }
    return false;
}
