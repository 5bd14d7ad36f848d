/* ops-sg: security groups in "weftctl flows" and "weftctl trace".  See
 * ops-sg.h. */
#include <config.h>

#include "ops-sg.h"

#include <inttypes.h>
#include <sys/socket.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "pipeline.h"
#include "topology.h"

static bool
is_acl_table(int table)
{
    return table == WEFT_TABLE_ACL_OUT || table == WEFT_TABLE_ACL_IN;
}

/* The rule id of a rule's cookie (weft_cookie_sg_rule()), or 0. */
static uint32_t
cookie_rule_id(uint64_t cookie)
{
    uint32_t low = cookie & 0xffffff;
    bool rule = cookie >> 56 == WEFT_COOKIE_MAGIC
                && !((cookie >> 24) & 0xffff) && (low & 0xff0000) == 0x20000;
    return rule ? low & 0xffff : 0;
}

static const struct topo_tenant *
tenant_by_key(const struct ops_ctx *ctx, uint32_t key)
{
    const struct topo_tenant *t;
    TOPOLOGY_FOR_EACH_TENANT (t, &ctx->topo) {
        if (t->key == key) {
            return t;
        }
    }
    return NULL;
}

static const struct topo_sg_rule *
rule_by_id(const struct topo_tenant *t, uint32_t id)
{
    const struct topo_sg *sg;
    TOPO_TENANT_FOR_EACH_SG (sg, t) {
        const struct topo_sg_rule *r = topo_sg_find_rule(sg, id);
        if (r) {
            return r;
        }
    }
    return NULL;
}

/* "DIR PROTO[/PORTS] [from|to REMOTE]". */
static void
put_rule_text(const struct topo_sg_rule *r, struct ds *s)
{
    ds_put_format(s, "%s ", topo_sg_dir_to_string(r->direction));
    ds_put_cstr(s, r->proto == IPPROTO_TCP ? "tcp"
                   : r->proto == IPPROTO_UDP ? "udp"
                   : r->proto == IPPROTO_ICMP ? "icmp" : "any");
    if (r->port_min && r->port_min == r->port_max) {
        ds_put_format(s, "/%"PRIu16, r->port_min);
    } else if (r->port_min || r->port_max) {
        ds_put_format(s, "/%"PRIu16"-%"PRIu16, r->port_min, r->port_max);
    }
    const char *way = r->direction == TOPO_SG_INGRESS ? "from" : "to";
    if (r->remote_group) {
        ds_put_format(s, " %s group %s", way, r->remote_group->name);
    } else if (r->remote_family == AF_INET) {
        ds_put_format(s, " %s "IP_FMT"/%d", way,
                      IP_ARGS(in6_addr_get_mapped_ipv4(&r->remote_prefix)),
                      r->remote_plen);
    } else if (r->remote_family == AF_INET6) {
        ds_put_format(s, " %s ", way);
        ipv6_format_addr(&r->remote_prefix, s);
        ds_put_format(s, "/%d", r->remote_plen);
    }
}

/* "rule T/G#ID" and, with 'text', its text; or "deleted rule T#ID". */
static void
put_rule(const struct ops_ctx *ctx, uint64_t cookie, bool paren,
         struct ds *s)
{
    uint32_t id = cookie_rule_id(cookie);
    const struct topo_tenant *t = tenant_by_key(ctx, (cookie >> 40) & 0xffff);
    const struct topo_sg_rule *r = t ? rule_by_id(t, id) : NULL;
    if (!r) {
        ds_put_format(s, "deleted rule %s#%"PRIu32, t ? t->name : "?", id);
        return;
    }
    ds_put_format(s, "rule %s/%s#%"PRIu32" ", t->name, r->group->name, id);
    ds_put_cstr(s, paren ? "(" : "");
    put_rule_text(r, s);
    ds_put_cstr(s, paren ? ")" : "");
}

static bool
is_default_deny(int table, int priority, uint64_t cookie)
{
    return is_acl_table(table) && cookie >> 56 == WEFT_COOKIE_MAGIC
           && (cookie >> 24) & 0xffff
           && priority == WEFT_PRIO_ACL_DENY;
}

static bool
is_verdict_table(int table)
{
    return table == WEFT_TABLE_ACL_OUT_VERDICT
           || table == WEFT_TABLE_ACL_IN_VERDICT;
}

/* "T/N/P" of the port with 'cookie''s key, "(groups G,...)" if 'groups'. */
static void
put_deny_port(const struct ops_ctx *ctx, uint64_t cookie, bool groups,
              struct ds *s)
{
    const char *name = ops_name_of(ctx, 'p', cookie & 0xffffff);
    ds_put_cstr(s, name ? name : "a deleted port");
    const struct topo_port *p = ops_port_by_key(ctx, cookie & 0xffffff);
    if (groups && p && p->n_sgs) {
        ds_put_cstr(s, " (groups ");
        for (size_t i = 0; i < p->n_sgs; i++) {
            ds_put_format(s, "%s%s", i ? "," : "", p->sgs[i]->name);
        }
        ds_put_char(s, ')');
    }
}

bool
ops_sg_put_label(const struct ops_ctx *ctx, int table, int priority,
                 uint64_t cookie, struct ds *s)
{
    if (!is_acl_table(table)) {
        return false;
    }
    if (cookie_rule_id(cookie)) {
        put_rule(ctx, cookie, false, s);
        return true;
    } else if (is_default_deny(table, priority, cookie)) {
        ds_put_cstr(s, "default deny ");
        put_deny_port(ctx, cookie, false, s);
        ds_put_cstr(s, table == WEFT_TABLE_ACL_IN ? " ingress" : " egress");
        return true;
    }
    return false;
}

bool
ops_sg_put_verdict(const struct ops_ctx *ctx, int table, int priority,
                   uint64_t cookie, struct ds *s)
{
    if (is_verdict_table(table)) {
        /* Carries out the decision of 12 or 34 (the line before): none of
         * its own. */
        ds_put_cstr(s, priority == WEFT_PRIO_ACL_ALLOWED
                       ? "committed (allowed above)"
                       : priority == WEFT_PRIO_ACL_BLOCK
                       ? "established connection committed blocked "
                         "(denied above)"
                       : "denied above");
        return true;
    }
    if (!is_acl_table(table)) {
        return false;
    }
    if (cookie_rule_id(cookie)) {
        ds_put_cstr(s, "allowed by ");
        put_rule(ctx, cookie, true, s);
        return true;
    } else if (is_default_deny(table, priority, cookie)) {
        ds_put_cstr(s, "dropped by default deny of ");
        put_deny_port(ctx, cookie, true, s);
        ds_put_cstr(s, table == WEFT_TABLE_ACL_IN ? ", ingress" : ", egress");
        return true;
    }
    return false;
}
