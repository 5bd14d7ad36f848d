/* sg-counters: a security group's counters from one switch.  See
 * sg-counters.h. */
#include <config.h>

#include "sg-counters.h"

#include <stdlib.h>
#include <string.h>

#include "lb-counters.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/vconn.h"
#include "openvswitch/util.h"
#include "pipeline.h"
#include "socket-util.h"
#include "util.h"

/* Whether 'fs' is a conjunction() dimension row: its actions are
 * conjunction actions, which count every packet that matches the dimension
 * whether the rule then matches or not. */
static bool
is_dimension_row(const struct ofputil_flow_stats *fs)
{
    const struct ofpact *a;
    OFPACT_FOR_EACH (a, fs->ofpacts, fs->ofpacts_len) {
        if (a->type == OFPACT_CONJUNCTION) {
            return true;
        }
    }
    return false;
}

static struct sg_rule_counters *
find_rule(struct sg_counters *c, uint64_t cookie)
{
    for (size_t i = 0; i < c->n_rules; i++) {
        if (c->rules[i].cookie == cookie) {
            return &c->rules[i];
        }
    }
    return NULL;
}

static bool
is_member_cookie(const struct sg_counters *c, uint64_t cookie)
{
    for (size_t i = 0; i < c->n_members; i++) {
        if (c->member_cookies[i] == cookie) {
            return true;
        }
    }
    return false;
}

void
sg_counters_add_flows(const struct ofputil_flow_stats *fses, size_t n_fses,
                      struct sg_counters *c)
{
    for (size_t i = 0; i < n_fses; i++) {
        const struct ofputil_flow_stats *fs = &fses[i];
        bool egress = fs->table_id == WEFT_TABLE_ACL_OUT;
        if ((!egress && fs->table_id != WEFT_TABLE_ACL_IN)
            || fs->packet_count == UINT64_MAX) {
            continue;
        }
        uint64_t cookie = ntohll(fs->cookie);
        struct sg_rule_counters *rule = find_rule(c, cookie);
        if (rule) {
            if (!is_dimension_row(fs)) {
                rule->packets += fs->packet_count;
                rule->bytes += (fs->byte_count != UINT64_MAX
                                ? fs->byte_count : 0);
            }
        } else if (fs->priority == WEFT_PRIO_ACL_DENY
                   && is_member_cookie(c, cookie)) {
            *(egress ? &c->deny_egress : &c->deny_ingress)
                += fs->packet_count;
        }
    }
}

/* Dumps table 'table_id' of 'vconn' (of OpenFlow 'version') and adds its
 * counters to 'c'. */
static int
dump_table(struct vconn *vconn, int version, uint8_t table_id,
           struct sg_counters *c)
{
    struct ofputil_flow_stats_request fsr = {
        .aggregate = false,
        .table_id = table_id,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
    };
    match_init_catchall(&fsr.match);
    struct ofputil_flow_stats *fses = NULL;
    size_t n_fses = 0;
    int error = vconn_dump_flows(vconn, &fsr,
                                 ofputil_protocol_from_ofp_version(version),
                                 &fses, &n_fses);
    if (!error) {
        sg_counters_add_flows(fses, n_fses, c);
    }
    for (size_t i = 0; i < n_fses; i++) {
        free(CONST_CAST(struct ofpact *, fses[i].ofpacts));
    }
    free(fses);
    return error;
}

char *
sg_counters_read_switch(const char *target, int timeout_ms,
                        struct sg_counters *c)
{
    struct vconn *vconn;
    char *open_error = lb_counters_open_switch(target, timeout_ms, &vconn);
    if (open_error) {
        return open_error;
    }
    int version = vconn_get_version(vconn);
    /* Both tables into a scratch copy first, so that a failure adds
     * nothing. */
    struct sg_counters scratch = *c;
    scratch.rules = xmemdup(c->rules, (c->n_rules + 1) * sizeof *c->rules);
    int error = dump_table(vconn, version, WEFT_TABLE_ACL_OUT, &scratch);
    if (!error) {
        error = dump_table(vconn, version, WEFT_TABLE_ACL_IN, &scratch);
    }
    char *msg = NULL;
    if (error) {
        msg = xasprintf("dumping flows from %s failed (%s)", target,
                        ovs_retval_to_string(error));
    } else {
        memcpy(c->rules, scratch.rules, c->n_rules * sizeof *c->rules);
        c->deny_ingress = scratch.deny_ingress;
        c->deny_egress = scratch.deny_egress;
    }
    free(scratch.rules);
    vconn_close(vconn);
    return msg;
}
