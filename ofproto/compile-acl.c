/* compile-acl: security groups in flows (pipeline.h "Policy"): the ct rows
 * that send a port's traffic under policy to ACL_OUT and ACL_IN, and those
 * tables' rows.
 *
 * Owners: the fixed rows of tables 12 and 34, and their verdict tables 13
 * and 35, are the HOST owner's (on a host with a local port under policy
 * in that direction), a member's ct rows and default deny its PORT
 * owner's, a group's rule rows its SG owner's (on each host with a local
 * member).
 *
 * A rule's rows and a member's default deny are one row each, of no
 * family: they only set or clear WEFT_FLAG_ACL_ALLOW and go to the
 * verdict table, whose few HOST rows do the ct(commit) (which needs an ip
 * or ipv6 match) for every port of the host.
 *
 * Policy is stateful in both directions: a port under policy in only one
 * direction still has the other direction's traffic committed to its
 * policy zone (no check, no mark), so that the replies of the connections
 * it opens, or accepts, are known to conntrack where they are checked. */
#include <config.h>

#include <sys/socket.h>

#include "compile-internal.h"
#include "hash.h"
#include "hmapx.h"
#include "openvswitch/hmap.h"
#include "packets.h"

/* ct(commit or not, zone='zone' (0: NXM_NX_REG13[0..15]), 'table' (or none:
 * NX_CT_RECIRC_NONE), exec(set_field:'mark'/0x1->ct_mark) if 'set_mark'),
 * as OVS's parser builds it. */
static void
put_ct_acl(struct ofpbuf *ofpacts, bool commit, uint16_t zone, uint8_t table,
           bool set_mark, uint32_t mark)
{
    size_t ct_ofs = ofpacts->size;
    struct ofpact_conntrack *ct = ofpact_put_CT(ofpacts);
    ct->flags = commit ? NX_CT_F_COMMIT : 0;
    if (zone) {
        ct->zone_imm = zone;
    } else {
        ct->zone_src.field = mf_from_id(WEFT_MFF_ACL_ZONE_ID);
        ct->zone_src.ofs = 0;
        ct->zone_src.n_bits = 16;
    }
    ct->recirc_table = table;
    if (set_mark) {
        union mf_value value = { .be32 = htonl(mark) };
        union mf_value mask = { .be32 = htonl(WEFT_CT_MARK_BLOCKED) };
        put_set_field_masked(ofpacts, MFF_CT_MARK, &value, &mask);
    }
    ct = ofpbuf_at_assert(ofpacts, ct_ofs, sizeof *ct);
    ofpacts->header = ct;
    ofpact_finish_CT(ofpacts, &ct);
}

static void
put_set_zone(struct ofpbuf *ofpacts, const struct topo_port *port)
{
    union mf_value value = { .be32 = htonl(weft_zone_acl(port->network->key)) };
    put_set_field(ofpacts, WEFT_MFF_ACL_ZONE_ID, &value);
}

/* What a packet that passed table 'table' does: ACL_OUT goes on to
 * ARP_RESPOND, ACL_IN delivers to output:reg14[0..15]. */
static void
put_pass(struct ofpbuf *ofpacts, uint8_t table)
{
    if (table == WEFT_TABLE_ACL_OUT) {
        put_goto_table(ofpacts, WEFT_TABLE_ARP_RESPOND);
    } else {
        struct ofpact_output_reg *out = ofpact_put_OUTPUT_REG(ofpacts);
        out->max_len = UINT16_MAX;
        out->src.field = mf_from_id(WEFT_MFF_ACL_PORT_ID);
        out->src.ofs = 0;
        out->src.n_bits = 16;
    }
}

static uint8_t
acl_table(enum topo_sg_dir dir)
{
    return dir == TOPO_SG_EGRESS ? WEFT_TABLE_ACL_OUT : WEFT_TABLE_ACL_IN;
}

static uint8_t
verdict_table(enum topo_sg_dir dir)
{
    return dir == TOPO_SG_EGRESS ? WEFT_TABLE_ACL_OUT_VERDICT
                                 : WEFT_TABLE_ACL_IN_VERDICT;
}

/* A rule's or a default deny's decision: the allow flag set ('allow') or
 * cleared (a packet ACL_OUT allowed may come to ACL_IN with it still set),
 * then the verdict table of 'dir'. */
static void
put_decide(struct ofpbuf *ofpacts, enum topo_sg_dir dir, bool allow)
{
    put_set_flags(ofpacts, allow ? WEFT_FLAG_ACL_ALLOW : 0,
                  WEFT_FLAG_ACL_ALLOW);
    put_goto_table(ofpacts, verdict_table(dir));
}

static void
match_acl_port(struct match *match, enum topo_sg_dir dir, int ofport)
{
    if (dir == TOPO_SG_EGRESS) {
        match_set_in_port(match, u16_to_ofp(ofport));
    } else {
        match_set_reg(match, WEFT_MFF_ACL_PORT_ID - MFF_REG0, ofport);
    }
}

static bool
port_under_policy(const struct topo_port *port)
{
    return topo_port_sg_covers(port, TOPO_SG_INGRESS)
           || topo_port_sg_covers(port, TOPO_SG_EGRESS);
}

void
compile_put_port_sec_next(struct ofpbuf *ofpacts,
                          const struct topo_port *port)
{
    if (topo_port_sg_covers(port, TOPO_SG_EGRESS)) {
        uint16_t zone = weft_zone_acl(port->network->key);
        put_set_zone(ofpacts, port);
        put_ct(ofpacts, false, zone, WEFT_TABLE_ACL_OUT, NULL, 0);
    } else if (topo_port_sg_covers(port, TOPO_SG_INGRESS)) {
        /* Egress unchecked, but known: the replies it gets are +rpl. */
        put_ct_acl(ofpacts, true, weft_zone_acl(port->network->key),
                   NX_CT_RECIRC_NONE, false, 0);
        put_goto_table(ofpacts, WEFT_TABLE_ARP_RESPOND);
    } else {
        put_goto_table(ofpacts, WEFT_TABLE_ARP_RESPOND);
    }
}

bool
compile_host_has_policy(const struct topo_host *host, enum topo_sg_dir dir)
{
    const struct topo_port *port;
    TOPO_HOST_FOR_EACH_PORT (port, host) {
        if (topo_port_sg_covers(port, dir)) {
            return true;
        }
    }
    return false;
}

bool
compile_host_has_sg(const struct topo_host *host, const struct topo_sg *sg)
{
    struct hmapx_node *node;
    TOPO_SG_FOR_EACH_MEMBER (node, sg) {
        const struct topo_port *port = node->data;
        if (port->host && uuid_equals(&port->host->uuid, &host->uuid)) {
            return true;
        }
    }
    return false;
}

/* HOST owner: the verdict table of direction 'dir' (pipeline.h "Policy"):
 * per family, an allowed packet is committed with the blocked bit cleared
 * and passes; an established connection no rule allowed (any more) is
 * committed with the blocked bit set and dropped; the rest drops. */
static void
compile_acl_verdict(struct compile_ctx *ctx, enum topo_sg_dir dir,
                    const struct flow_origin *origin)
{
    static const ovs_be16 types[] = { CONSTANT_HTONS(ETH_TYPE_IP),
                                      CONSTANT_HTONS(ETH_TYPE_IPV6) };
    uint8_t table = verdict_table(dir);
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        match_flags(&ctx->match, WEFT_FLAG_ACL_ALLOW, WEFT_FLAG_ACL_ALLOW);
        match_set_dl_type(&ctx->match, types[i]);
        put_ct_acl(&ctx->ofpacts, true, 0, NX_CT_RECIRC_NONE, true, 0);
        put_pass(&ctx->ofpacts, acl_table(dir));
        emit(ctx, table, WEFT_PRIO_ACL_ALLOWED, origin);

        uint32_t est = CS_ESTABLISHED | CS_TRACKED;
        match_flags(&ctx->match, 0, WEFT_FLAG_ACL_ALLOW);
        match_set_ct_state_masked(&ctx->match, est, est);
        match_set_dl_type(&ctx->match, types[i]);
        put_ct_acl(&ctx->ofpacts, true, 0, NX_CT_RECIRC_NONE, true,
                   WEFT_CT_MARK_BLOCKED);
        emit(ctx, table, WEFT_PRIO_ACL_BLOCK, origin);
    }
    emit(ctx, table, WEFT_PRIO_DEFAULT, origin);
}

/* HOST owner: the fixed rows of ACL_OUT and ACL_IN, and their verdict
 * tables', where a local port is under policy in that direction. */
void
compile_acl_defaults(struct compile_ctx *ctx, const struct flow_origin *origin)
{
    static const uint8_t nd_types[] = { 133, 135, 136 };
    for (int d = 0; d < TOPO_SG_N_DIRS; d++) {
        if (!compile_host_has_policy(ctx->host, d)) {
            continue;
        }
        uint8_t table = acl_table(d);
        for (size_t i = 0; i < ARRAY_SIZE(nd_types); i++) {
            match_set_dl_type(&ctx->match, htons(ETH_TYPE_IPV6));
            match_set_nw_proto(&ctx->match, IPPROTO_ICMPV6);
            match_set_icmp_type(&ctx->match, nd_types[i]);
            put_pass(&ctx->ofpacts, table);
            emit(ctx, table, WEFT_PRIO_ACL_ND, origin);
        }
        match_set_ct_state_masked(&ctx->match, CS_INVALID | CS_TRACKED,
                                  CS_INVALID | CS_TRACKED);
        emit(ctx, table, WEFT_PRIO_ACL_INVALID, origin);

        uint32_t est = CS_ESTABLISHED | CS_REPLY_DIR | CS_TRACKED;
        match_set_ct_state_masked(&ctx->match, est, est);
        match_set_ct_mark_masked(&ctx->match, 0, WEFT_CT_MARK_BLOCKED);
        put_pass(&ctx->ofpacts, table);
        emit(ctx, table, WEFT_PRIO_ACL_REPLY, origin);

        uint32_t rel = CS_RELATED | CS_TRACKED;
        match_set_ct_state_masked(&ctx->match, rel, rel);
        match_set_ct_mark_masked(&ctx->match, 0, WEFT_CT_MARK_BLOCKED);
        put_pass(&ctx->ofpacts, table);
        emit(ctx, table, WEFT_PRIO_ACL_REPLY, origin);

        uint32_t rpl = CS_REPLY_DIR | CS_TRACKED;
        match_set_ct_state_masked(&ctx->match, rpl, rpl);
        emit(ctx, table, WEFT_PRIO_ACL_REPLY_DROP, origin);

        emit(ctx, table, WEFT_PRIO_DEFAULT, origin);
        compile_acl_verdict(ctx, d, origin);
    }
}

/* PORT owner, local 'port' with 'ofport': PORT_SEC's way on for the IP of a
 * port without addresses (nothing else admits it, and PORT_SEC's table
 * miss would skip ACL_OUT), and the default deny of each direction it is
 * under policy in. */
void
compile_acl_port(struct compile_ctx *ctx, const struct topo_port *port,
                 int ofport)
{
    if (!port_under_policy(port)) {
        return;
    }
    struct flow_origin origin = port_origin(port);
    if (!port->n_ips) {
        match_set_in_port(&ctx->match, u16_to_ofp(ofport));
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IP));
        compile_put_port_sec_next(&ctx->ofpacts, port);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, &origin);
    }
    if (!port->n_ips && !port->n_ip6s) {
        match_set_in_port(&ctx->match, u16_to_ofp(ofport));
        match_set_dl_type(&ctx->match, htons(ETH_TYPE_IPV6));
        compile_put_port_sec_next(&ctx->ofpacts, port);
        emit(ctx, WEFT_TABLE_PORT_SEC, WEFT_PRIO_PORT_DROP, &origin);
    }

    for (int d = 0; d < TOPO_SG_N_DIRS; d++) {
        if (!topo_port_sg_covers(port, d)) {
            continue;
        }
        match_acl_port(&ctx->match, d, ofport);
        put_decide(&ctx->ofpacts, d, false);
        emit(ctx, acl_table(d), WEFT_PRIO_ACL_DENY, &origin);
    }
}

/* PORT owner, L2_LOOKUP, local 'port' with 'ofport' (compile_l2_local()):
 * its IP goes through its network's policy zone, to ACL_IN if it has
 * ingress policy, else only committed (see the top) and out. */
void
compile_acl_l2_local(struct compile_ctx *ctx, const struct topo_port *port,
                     int ofport)
{
    if (!port_under_policy(port)) {
        return;
    }
    struct flow_origin origin = port_origin(port);
    bool ingress = topo_port_sg_covers(port, TOPO_SG_INGRESS);
    uint16_t zone = weft_zone_acl(port->network->key);
    static const ovs_be16 types[] = { CONSTANT_HTONS(ETH_TYPE_IP),
                                      CONSTANT_HTONS(ETH_TYPE_IPV6) };
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        match_network(&ctx->match, port->network->key);
        match_set_dl_dst(&ctx->match, port->mac);
        match_set_dl_type(&ctx->match, types[i]);
        if (ingress) {
            union mf_value value = { .be32 = htonl(ofport) };
            put_set_zone(&ctx->ofpacts, port);
            put_set_field(&ctx->ofpacts, WEFT_MFF_ACL_PORT_ID, &value);
            put_ct(&ctx->ofpacts, false, zone, WEFT_TABLE_ACL_IN, NULL, 0);
        } else {
            put_ct_acl(&ctx->ofpacts, true, zone, NX_CT_RECIRC_NONE, false,
                       0);
            put_output(&ctx->ofpacts, u16_to_ofp(ofport));
        }
        emit(ctx, WEFT_TABLE_L2_LOOKUP, WEFT_PRIO_ACL_CT, &origin);
    }
}

/* ------------------------------------------------------------------------ */
/* SG owner: a group's rules. */

/* One rule being compiled: its dimensions' rows are emitted as they are
 * found, each with conjunction(key, i/n). */
struct rule_ctx {
    struct compile_ctx *ctx;
    const struct topo_sg_rule *rule;
    struct flow_origin origin;
    uint8_t table;
    uint16_t priority;
    int n_dims;                 /* 1..3. */
    bool v4, v6;                /* Families the rule can match. */
    struct hmap seen;           /* Remote addresses emitted ("struct
                                 * seen_addr"), each once. */
};

struct seen_addr {
    struct hmap_node node;
    struct in6_addr addr;
};

static bool
seen_add(struct rule_ctx *rc, const struct in6_addr *addr)
{
    uint32_t hash = hash_bytes(addr, sizeof *addr, 0);
    struct seen_addr *s;
    HMAP_FOR_EACH_WITH_HASH (s, node, hash, &rc->seen) {
        if (ipv6_addr_equals(&s->addr, addr)) {
            return false;
        }
    }
    s = xmalloc(sizeof *s);
    s->addr = *addr;
    hmap_insert(&rc->seen, &s->node, hash);
    return true;
}

static void
put_conjunction(struct ofpbuf *ofpacts, uint32_t id, int clause, int n)
{
    struct ofpact_conjunction *c = ofpact_put_CONJUNCTION(ofpacts);
    c->id = id;
    c->clause = clause;
    c->n_clauses = n;
}

/* Emits ctx's match as a row of dimension 'clause' (0-based). */
static void
emit_dim(struct rule_ctx *rc, int clause)
{
    put_conjunction(&rc->ctx->ofpacts, rc->rule->key, clause, rc->n_dims);
    emit(rc->ctx, rc->table, rc->priority, &rc->origin);
}

/* What an allowed packet does: the allow flag, on to the verdict table
 * (which commits it and passes it).  The match is the caller's. */
static void
emit_allow(struct rule_ctx *rc)
{
    put_decide(&rc->ctx->ofpacts, rc->rule->direction, true);
    emit(rc->ctx, rc->table, rc->priority, &rc->origin);
}

/* Matches the remote 'addr'/'plen' ('v4': a v4-mapped IPv4 prefix). */
static void
match_remote(struct match *match, enum topo_sg_dir dir, bool v4,
             const struct in6_addr *addr, int plen)
{
    if (v4) {
        ovs_be32 ip = in6_addr_get_mapped_ipv4(addr);
        ovs_be32 mask = be32_prefix_mask(plen);
        match_set_dl_type(match, htons(ETH_TYPE_IP));
        if (dir == TOPO_SG_INGRESS) {
            match_set_nw_src_masked(match, ip, mask);
        } else {
            match_set_nw_dst_masked(match, ip, mask);
        }
    } else {
        struct in6_addr mask = ipv6_create_mask(plen);
        match_set_dl_type(match, htons(ETH_TYPE_IPV6));
        if (dir == TOPO_SG_INGRESS) {
            match_set_ipv6_src_masked(match, addr, &mask);
        } else {
            match_set_ipv6_dst_masked(match, addr, &mask);
        }
    }
}

/* The remote group's members' addresses, each once, as rows of dimension
 * 'clause' ('clause' < 0: only find the families).  Returns the number. */
static size_t
remote_group_rows(struct rule_ctx *rc, int clause)
{
    size_t n = 0;
    struct hmapx_node *node;
    TOPO_SG_FOR_EACH_MEMBER (node, rc->rule->remote_group) {
        const struct topo_port *port = node->data;
        for (size_t i = 0; i < port->n_ips + port->n_ip6s; i++) {
            struct in6_addr addr;
            if (i < port->n_ips) {
                in6_addr_set_mapped_ipv4(&addr, port->ips[i]);
            } else {
                addr = port->ip6s[i - port->n_ips];
            }
            if (clause < 0) {
                rc->v4 |= i < port->n_ips;
                rc->v6 |= i >= port->n_ips;
                n++;
            } else if (seen_add(rc, &addr)) {
                bool v4 = i < port->n_ips;
                match_remote(&rc->ctx->match, rc->rule->direction, v4,
                             &addr, v4 ? 32 : 128);
                emit_dim(rc, clause);
                n++;
            }
        }
    }
    return n;
}

/* tp_dst rows of dimension 'clause': port_min..port_max as bitwise
 * prefixes, for protocol 'proto' of ethertype 'type'. */
static void
port_range_rows(struct rule_ctx *rc, int clause, ovs_be16 type)
{
    const struct topo_sg_rule *r = rc->rule;
    uint32_t lo = r->port_min, hi = r->port_max;
    if (!lo && !hi) {
        match_set_dl_type(&rc->ctx->match, type);
        match_set_nw_proto(&rc->ctx->match, r->proto);
        emit_dim(rc, clause);
        return;
    }
    while (lo <= hi) {
        /* The largest aligned block at 'lo' that stays within 'hi'. */
        uint32_t size = lo ? lo & -lo : 0x10000;
        while (lo + size - 1 > hi) {
            size >>= 1;
        }
        match_set_dl_type(&rc->ctx->match, type);
        match_set_nw_proto(&rc->ctx->match, r->proto);
        match_set_tp_dst_masked(&rc->ctx->match, htons(lo),
                                htons(~(size - 1) & 0xffff));
        emit_dim(rc, clause);
        lo += size;
    }
}

/* The protocol dimension's rows, in the families the rule can match. */
static void
proto_rows(struct rule_ctx *rc, int clause)
{
    const struct topo_sg_rule *r = rc->rule;
    static const ovs_be16 types[] = { CONSTANT_HTONS(ETH_TYPE_IP),
                                      CONSTANT_HTONS(ETH_TYPE_IPV6) };
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        if (!(i ? rc->v6 : rc->v4)) {
            continue;
        }
        if (r->proto == IPPROTO_ICMP) {
            match_set_dl_type(&rc->ctx->match, types[i]);
            match_set_nw_proto(&rc->ctx->match,
                               i ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
            emit_dim(rc, clause);
        } else {
            port_range_rows(rc, clause, types[i]);
        }
    }
}

/* The rows of one rule of 'sg' (see pipeline.h): nothing without a local
 * member with an ofport, or with an empty remote group. */
static void
compile_sg_rule(struct compile_ctx *ctx, const struct topo_sg *sg,
                const struct topo_sg_rule *rule)
{
    struct rule_ctx rc = {
        .ctx = ctx,
        .rule = rule,
        .origin = {
            .owner = { .kind = WEFT_OWNER_SG, .uuid = sg->uuid },
            .cookie = weft_cookie_sg_rule(sg->tenant->key, rule->id),
        },
        .table = acl_table(rule->direction),
        .priority = WEFT_PRIO_ACL_RULE_TOP - rule->key,
        .v4 = true,
        .v6 = true,
    };
    hmap_init(&rc.seen);

    /* The local members with an ofport. */
    int *members = NULL;
    size_t n_members = 0;
    struct hmapx_node *node;
    TOPO_SG_FOR_EACH_MEMBER (node, sg) {
        const struct topo_port *port = node->data;
        int ofport = port_is_local(ctx, port) ? port_ofport(ctx, port) : 0;
        if (ofport) {
            members = xrealloc(members, (n_members + 1) * sizeof *members);
            members[n_members++] = ofport;
        }
    }

    bool remote = rule->remote_family || rule->remote_group;
    if (rule->remote_family) {
        rc.v4 = rule->remote_family == AF_INET;
        rc.v6 = !rc.v4;
    } else if (rule->remote_group) {
        rc.v4 = rc.v6 = false;
        if (!remote_group_rows(&rc, -1)) {
            n_members = 0;      /* Matches nothing: no rows. */
        }
    }
    rc.n_dims = 1 + remote + (rule->proto != 0);

    for (size_t m = 0; n_members && m < n_members; m++) {
        match_acl_port(&ctx->match, rule->direction, members[m]);
        if (rc.n_dims == 1) {
            emit_allow(&rc);
        } else {
            emit_dim(&rc, 0);
        }
    }
    if (n_members && rc.n_dims > 1) {
        int clause = 1;
        if (rule->remote_family) {
            match_remote(&ctx->match, rule->direction,
                         rule->remote_family == AF_INET, &rule->remote_prefix,
                         rule->remote_plen);
            emit_dim(&rc, clause++);
        } else if (rule->remote_group) {
            remote_group_rows(&rc, clause++);
        }
        if (rule->proto) {
            proto_rows(&rc, clause);
        }
        /* Of no family: the other dimensions hold it to the families
         * the rule can match. */
        match_set_conj_id(&ctx->match, rule->key);
        emit_allow(&rc);
    }

    struct seen_addr *s;
    HMAP_FOR_EACH_POP (s, node, &rc.seen) {
        free(s);
    }
    hmap_destroy(&rc.seen);
    free(members);
}

/* SG owner: every rule of 'sg' on this host. */
void
compile_sg(struct compile_ctx *ctx, const struct topo_sg *sg)
{
    for (size_t i = 0; i < sg->n_rules; i++) {
        compile_sg_rule(ctx, sg, &sg->rules[i]);
    }
}
