/* sg-counters: a security group's counters (issue #15), read from one
 * switch over OpenFlow.  Used by weftctl's sg-show (database mode) and by
 * weftd for GET /v1/tenants/T/security-groups/G/stats; both sum them over
 * the connected hosts' switches, each OpenFlow target once (a group's rows
 * are only on hosts with a member of it, so the other switches add
 * nothing).
 *
 *   - per rule: the n_packets and n_bytes of the flows of tables 12
 *     ACL_OUT and 34 ACL_IN with exactly the rule's cookie
 *     (weft_cookie_sg_rule()), except the conjunction() dimension rows:
 *     a packet that a rule allows hits several of those (one per
 *     dimension) but exactly one of the rows that count, the rule's
 *     conj_id row, or one plain row of a rule with only the member
 *     dimension;
 *   - default deny: the n_packets of the members' default-deny rows
 *     (priority WEFT_PRIO_ACL_DENY, the member port's cookie, one per
 *     port and direction), in 12 (egress) and 34 (ingress).  A port in
 *     two groups has one default deny, which both groups count.  The
 *     verdict tables 13 and 35 (HOST rows, cookies of no group) are not
 *     read: every packet there was counted in 12 or 34 already.
 *
 * The summing is pure (tests/unit/test-sg-counters.c);
 * sg_counters_read_switch() does the blocking exchange.  OVS side;
 * single-threaded. */
#ifndef WEFT_SG_COUNTERS_H
#define WEFT_SG_COUNTERS_H 1

#include <stddef.h>
#include <stdint.h>

struct ofputil_flow_stats;

/* One rule: 'cookie' filled by the caller, the counters added to. */
struct sg_rule_counters {
    uint64_t cookie;
    uint64_t packets;
    uint64_t bytes;
};

/* A group: its rules and its members' port cookies (weft_cookie(tenant,
 * network, port key)) filled by the caller; the counters added to. */
struct sg_counters {
    struct sg_rule_counters *rules;
    size_t n_rules;
    const uint64_t *member_cookies;
    size_t n_members;
    uint64_t deny_ingress;      /* Packets dropped by the members' */
    uint64_t deny_egress;       /* default deny, per direction. */
};

/* Adds to 'c' the counters of the flows in 'fses' (any tables: those of
 * other tables are ignored). */
void sg_counters_add_flows(const struct ofputil_flow_stats *fses,
                           size_t n_fses, struct sg_counters *c);

/* Connects to the switch at OpenFlow 'target', dumps tables 12 and 34 and
 * adds their counters to 'c'.  Returns NULL, or a malloc'd error (nothing
 * added).  Blocks for up to 'timeout_ms'. */
char *sg_counters_read_switch(const char *target, int timeout_ms,
                              struct sg_counters *c);

#endif /* ofproto/sg-counters.h */
