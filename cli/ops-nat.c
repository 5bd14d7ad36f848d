/* ops-nat: NAT in weftctl's operator commands.  See ops-nat.h. */
#include <config.h>

#include "ops-nat.h"
#include "ops-lb.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "pipeline.h"
#include "util.h"

static const struct topo_router *
router_by_key(const struct ops_ctx *ctx, uint32_t key)
{
    const struct topo_router *r;
    TOPOLOGY_FOR_EACH_ROUTER (r, &ctx->topo) {
        if (r->key == key) {
            return r;
        }
    }
    return NULL;
}

static const char *
proto_name(uint8_t proto)
{
    return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* "net/port" of 'port'. */
static void
put_port(const struct topo_port *port, struct ds *s)
{
    ds_put_format(s, "%s/%s", port->network ? port->network->name : "?",
                  port->name);
}

/* A port's rows: its floating IP's or its mapping's. */
static void
port_label(const struct ops_ctx *ctx, int table, uint32_t key,
           const char *text, struct ds *s)
{
    const struct topo_port *port = ops_port_by_key(ctx, key);
    if (!port) {
        return;
    }
    int tp_dst;
    const char *tp = strstr(text, "tp_dst=");
    if (table == WEFT_TABLE_EXT_IN_HOST && tp
        && sscanf(tp, "tp_dst=%d", &tp_dst) == 1) {
        for (size_t i = 0; i < port->n_mappings; i++) {
            const struct topo_mapping *m = &port->mappings[i];
            if (m->host_port == tp_dst) {
                ds_put_format(s, ", map %s/%d -> ", proto_name(m->proto),
                              tp_dst);
                put_port(port, s);
                ds_put_format(s, ":%d", m->port);
                return;
            }
        }
    } else if (port->fip) {
        ds_put_format(s, ", fip "IP_FMT" -> ", IP_ARGS(port->fip->ip));
        put_port(port, s);
    }
}

/* The host's external side's rows. */
static void
external_label(const struct topo_host *th, int table, const char *text,
               struct ds *s)
{
    const struct topo_external *ext = &th->ext;
    if (table == WEFT_TABLE_CLASSIFY) {
        ds_put_format(s, ", from the external side %s", ext->iface);
    } else if (table == WEFT_TABLE_EXT_SNAT_HOST) {
        ds_put_format(s, ", snat via "IP_FMT" (zone %d)", IP_ARGS(ext->ip),
                      WEFT_ZONE_EXTERNAL);
    } else if (table == WEFT_TABLE_EXT_SEND && strstr(text, "output")) {
        ds_put_format(s, ", out via gateway "IP_FMT, IP_ARGS(ext->gateway));
    } else if (table == WEFT_TABLE_EXT_IN && strstr(text, "arp_op=2")) {
        ds_put_format(s, ", gateway "IP_FMT"'s MAC to weftd",
                      IP_ARGS(ext->gateway));
    } else if (table == WEFT_TABLE_EXT_IN && strstr(text, "arp_op=1")) {
        ds_put_format(s, ", ARP for the host's external IP "IP_FMT,
                      IP_ARGS(ext->ip));
    } else if (table == WEFT_TABLE_EXT_IN && strstr(text, "ct(")) {
        ds_put_format(s, ", to the host's external IP "IP_FMT" (zone %d)",
                      IP_ARGS(ext->ip), WEFT_ZONE_EXTERNAL);
    }
}

void
ops_nat_flow_label(const struct ops_ctx *ctx, const struct topo_host *th,
                   int table, uint64_t cookie, const char *text, struct ds *s)
{
    bool nat_table = table >= WEFT_TABLE_EXT_OUT;
    bool ext_route = table == WEFT_TABLE_L3_ROUTE
                     && (strstr(text, "goto_table:50")
                         || strstr(text, "goto_table:ext_out"));
    bool ext_in = (table == WEFT_TABLE_CLASSIFY && th->ext.iface
                   && (strstr(text, "goto_table:60")
                       || strstr(text, "goto_table:ext_in")));
    if (cookie >> 56 != WEFT_COOKIE_MAGIC || ops_lb_is_service_cookie(cookie)
        || table >= WEFT_TABLE_LB_SELECT
        || !(nat_table || ext_route || ext_in)) {
        return;
    }
    uint32_t net_key = (cookie >> 24) & 0xffff;
    uint32_t low = cookie & 0xffffff;
    if (low && net_key) {
        port_label(ctx, table, low, text, s);
    } else if (low) {
        const struct topo_router *r = router_by_key(ctx, low);
        char *transit = xasprintf(IP_FMT,
                                  IP_ARGS(htonl(weft_transit_ip(low))));
        if (ext_route) {
            ds_put_format(s, ", to the outside (zone %"PRIu32")", low);
        } else if (strstr(text, transit) && th->ext.iface) {
            ds_put_format(s, ", snat via "IP_FMT" (transit %s)",
                          IP_ARGS(th->ext.ip), transit);
        } else {
            ds_put_format(s, ", nat zone %"PRIu32"%s", low,
                          r && r->snat ? ", snat" : "");
        }
        free(transit);
    } else if (th->ext.iface) {
        external_label(th, table, text, s);
    }
}

/* The value of "KEY=" in 'text' up to the next ',' or ')', or NULL. */
static char *
field_value(const char *text, const char *key)
{
    const char *p = text ? strstr(text, key) : NULL;
    if (!p || (p != text && !strchr(",(", p[-1]))) {
        return NULL;
    }
    p += strlen(key);
    return xmemdup0(p, strcspn(p, ",)"));
}

bool
ops_nat_trace_action(const struct ops_ctx *ctx, const struct topo_host *th,
                     const char *action, const char *fields, struct ds *note)
{
    if (strncmp(action, "ct(", 3)) {
        return false;
    }
    char *zone_s = field_value(action, "zone=");
    int zone = zone_s ? atoi(zone_s) : 0;
    free(zone_s);
    if (zone == WEFT_ZONE_EXTERNAL) {
        ds_put_format(note, "conntrack zone %d (host %s's external SNAT)",
                      zone, th->name);
    } else if (strstr(action, "zone=NXM_NX_REG11[0..15]")) {
        ds_put_cstr(note, "conntrack zone of the routing router (reg11)");
    } else if (zone > WEFT_ZONE_HAIRPIN_BASE) {
        const struct topo_router *r = router_by_key(
            ctx, zone - WEFT_ZONE_HAIRPIN_BASE);
        ds_put_format(note, "conntrack zone %d (router %s/%s's hairpin)",
                      zone, r && r->tenant ? r->tenant->name : "?",
                      r ? r->name : "?");
    } else {
        const struct topo_router *r = router_by_key(ctx, zone);
        ds_put_format(note, "conntrack zone %d (router %s/%s)", zone,
                      r && r->tenant ? r->tenant->name : "?",
                      r ? r->name : "?");
    }
    if (strstr(action, "commit")) {
        ds_put_cstr(note, ", commit");
    }
    const char *nat = strstr(action, "nat(");
    if (nat) {
        bool src = !strncmp(nat, "nat(src=", 8);
        char *to = xmemdup0(nat + 8, strcspn(nat + 8, ")"));
        char *was = field_value(fields, src ? "nw_src=" : "nw_dst=");
        ds_put_format(note, ", %s %s -> %s", src ? "SNAT nw_src" : "DNAT "
                      "nw_dst", was ? was : "?", to);
        free(was);
        free(to);
    } else if (strstr(action, ",nat") || strstr(action, "(nat")) {
        ds_put_cstr(note, ", un-NAT of a known connection (addresses as "
                    "it was NATed; a trace shows them unchanged)");
    }
    if (strstr(action, "0x1->ct_mark")) {
        ds_put_cstr(note, ", mark 1 (straight out)");
    } else if (strstr(action, "0x2->ct_mark")) {
        ds_put_cstr(note, ", mark 2 (on through zone 65535)");
    }
    return true;
}
