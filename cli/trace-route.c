/* trace-route: what "weftctl trace" (trace.c) says about routing: the
 * router and the route an L3_ROUTE flow is (ofproto/pipeline.h), the next
 * hop and router key the L3 actions set, and the MAC an endpoint sends a
 * packet for another subnet to (its gateway's: the router's).  Names come
 * from weft's database (Router rows, by flow key), so a trace reads in
 * weft's terms.  See trace-route.h. */
#include <config.h>

#include "trace-route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "pipeline.h"
#include "util.h"
#include "weft-idl.h"

/* The Router row whose flow key is 'key', or NULL. */
static const struct weftrec_router *
router_by_key(struct ovsdb_idl *idl, uint64_t key)
{
    const struct weftrec_router *r;
    WEFTREC_ROUTER_FOR_EACH (r, idl) {
        if (r->flow_key == key) {
            return r;
        }
    }
    return NULL;
}

void
trace_note_route(struct ops_ctx *ctx, const char *p, uint64_t cookie,
                 struct ds *note)
{
    const struct weftrec_router *r = router_by_key(ctx->idl,
                                                   cookie & 0xffffff);
    const char *dst = strstr(p, "nw_dst=");
    char *prefix = (dst ? xmemdup0(dst + 7, strcspn(dst + 7, ", "))
                    : xstrdup("0.0.0.0/0"));
    if (!strchr(prefix, '/')) {
        char *full = xasprintf("%s/32", prefix);
        free(prefix);
        prefix = full;
    }
    int priority = 0;
    const char *prio = strstr(p, "priority ");
    if (prio) {
        priority = atoi(prio + 9);
    }
    /* Odd priorities are connected subnets (pipeline.h). */
    const char *via = r && !(priority & 1) ? smap_get(&r->routes, prefix)
                      : NULL;
    if (via) {
        ds_put_format(note, ", route %s via %s", prefix, via);
        free(prefix);
        return;
    }
    for (size_t i = 0; r && i < r->n_networks; i++) {
        const struct weftrec_network *n = r->key_networks[i];
        if (n->cidr && !strcmp(n->cidr, prefix)) {
            ds_put_format(note, ", route %s: connected, network %s/%s",
                          prefix, n->tenant ? n->tenant->name : "?",
                          n->name);
            free(prefix);
            return;
        }
    }
    ds_put_format(note, ", route %s", prefix);
    free(prefix);
}

bool
trace_note_l3_action(struct ops_ctx *ctx, const char *p, struct ds *note)
{
    unsigned long long value;
    if (!strncmp(p, "set_field:", 10)
        && strstr(p, "->"WEFT_MFF_NEXTHOP)
        && sscanf(p, "set_field:%llx", &value) == 1) {
        ds_put_format(note, "next hop "IP_FMT,
                      IP_ARGS(htonl((uint32_t) value)));
    } else if (!strncmp(p, "move:NXM_OF_IP_DST[]->", 22)) {
        ds_put_cstr(note, "next hop: the destination itself");
    } else if (!strncmp(p, "set_field:", 10)
               && strstr(p, "->"WEFT_MFF_ROUTER)
               && sscanf(p, "set_field:%llx", &value) == 1) {
        const struct weftrec_router *r = router_by_key(ctx->idl, value);
        ds_put_format(note, "routed by router %s/%s",
                      r && r->tenant ? r->tenant->name : "?",
                      r ? r->name : "?");
    } else {
        return false;
    }
    return true;
}

/* True if 'ip' is inside "A.B.C.D/LEN" 'cidr' (false for NULL). */
static bool
in_cidr(const char *cidr, ovs_be32 ip)
{
    ovs_be32 prefix;
    unsigned int plen;
    char *error = cidr ? ip_parse_cidr(cidr, &prefix, &plen) : xstrdup("");
    if (error) {
        free(error);
        return false;
    }
    return !((ip ^ prefix) & be32_prefix_mask(plen));
}

const char *
trace_gateway_mac(struct ovsdb_idl *idl, const struct weftrec_network *net,
                  ovs_be32 dst)
{
    if (in_cidr(net->cidr, dst)) {
        return NULL;        /* On the link: ARP would find it or nothing. */
    }
    const struct weftrec_router *r;
    WEFTREC_ROUTER_FOR_EACH (r, idl) {
        for (size_t i = 0; i < r->n_networks; i++) {
            if (r->key_networks[i] == net) {
                return r->value_networks[i];
            }
        }
    }
    return NULL;
}
