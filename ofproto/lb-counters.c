/* lb-counters: a service's per-backend counters from one switch.  See
 * lb-counters.h. */
#include <config.h>

#include "lb-counters.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "dp-packet.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-group.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vconn.h"
#include "openvswitch/util.h"
#include "pipeline.h"
#include "socket-util.h"
#include "util.h"

uint64_t
lb_counters_cookie(uint32_t tenant_key, uint32_t service_key)
{
    return weft_cookie(tenant_key, 0, 0x10000 | service_key);
}

/* Whether 'reply' is of 'type' (a switch without the group answers an
 * error instead, which the decoders must not see). */
static bool
is_type(const struct ofpbuf *reply, enum ofptype type)
{
    enum ofptype actual;
    return !ofptype_decode(&actual, reply->data) && actual == type;
}

static struct lb_backend_counters *
find_bucket(struct lb_backend_counters *b, size_t n, uint32_t bucket_id)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i].bucket_id == bucket_id) {
            return &b[i];
        }
    }
    return NULL;
}

/* The bucket ids of group 'group_id' in 'desc_replies', in order, into
 * '*idsp' (malloc'd); returns their number (0 if the group is absent). */
static size_t
group_bucket_ids(struct ovs_list *desc_replies, int ofp_version,
                 uint32_t group_id, uint32_t **idsp)
{
    size_t n = 0;
    *idsp = NULL;
    struct ofpbuf *reply;
    LIST_FOR_EACH (reply, list_node, desc_replies) {
        if (!is_type(reply, OFPTYPE_GROUP_DESC_STATS_REPLY)) {
            continue;
        }
        struct ofpbuf b = ofpbuf_const_initializer(reply->data, reply->size);
        for (;;) {
            struct ofputil_group_desc gd;
            if (ofputil_decode_group_desc_reply(&gd, &b, ofp_version)) {
                break;
            }
            if (gd.group_id == group_id) {
                free(*idsp);
                *idsp = xmalloc((ovs_list_size(&gd.buckets) + 1)
                                * sizeof **idsp);
                n = 0;
                const struct ofputil_bucket *bucket;
                LIST_FOR_EACH (bucket, list_node, &gd.buckets) {
                    (*idsp)[n++] = bucket->bucket_id;
                }
            }
            ofputil_uninit_group_desc(&gd);
        }
    }
    return n;
}

void
lb_counters_add_groups(struct ovs_list *desc_replies,
                       struct ovs_list *stats_replies, int ofp_version,
                       uint32_t group_id, struct lb_backend_counters *b,
                       size_t n)
{
    uint32_t *ids;
    size_t n_ids = group_bucket_ids(desc_replies, ofp_version, group_id,
                                    &ids);
    struct ofpbuf *reply;
    LIST_FOR_EACH (reply, list_node, stats_replies) {
        if (!is_type(reply, OFPTYPE_GROUP_STATS_REPLY)) {
            continue;
        }
        struct ofpbuf msg = ofpbuf_const_initializer(reply->data,
                                                     reply->size);
        for (;;) {
            struct ofputil_group_stats gs;
            if (ofputil_decode_group_stats_reply(&msg, &gs)) {
                break;
            }
            if (gs.group_id == group_id) {
                for (size_t i = 0; i < gs.n_buckets && i < n_ids; i++) {
                    struct lb_backend_counters *c = find_bucket(b, n, ids[i]);
                    uint64_t count = gs.bucket_stats[i].packet_count;
                    if (c && count != UINT64_MAX) {
                        c->connections += count;
                    }
                }
            }
            free(gs.bucket_stats);
        }
    }
    free(ids);
}

void
lb_counters_add_flows(const struct ofputil_flow_stats *fses, size_t n_fses,
                      uint64_t cookie, struct lb_backend_counters *b,
                      size_t n)
{
    for (size_t i = 0; i < n_fses; i++) {
        const struct ofputil_flow_stats *fs = &fses[i];
        const struct match *m = &fs->match;
        if (fs->table_id != LB_COUNTERS_TABLE
            || ntohll(fs->cookie) != cookie
            || m->wc.masks.nw_dst != OVS_BE32_MAX
            || m->wc.masks.tp_dst != OVS_BE16_MAX
            || fs->packet_count == UINT64_MAX) {
            continue;
        }
        for (size_t j = 0; j < n; j++) {
            struct in_addr ip;
            if (b[j].ip && inet_pton(AF_INET, b[j].ip, &ip) == 1
                && ip.s_addr == m->flow.nw_dst
                && ntohs(m->flow.tp_dst) == b[j].to_port) {
                b[j].packets += fs->packet_count;
            }
        }
    }
}

/* Sends 'request' on 'vconn' and collects its replies into 'replies'. */
static int
transact(struct vconn *vconn, struct ofpbuf *request, struct ovs_list *replies)
{
    struct ovs_list requests;
    ovs_list_init(&requests);
    ovs_list_push_back(&requests, &request->list_node);
    return vconn_transact_multipart(vconn, &requests, replies);
}

char *
lb_counters_open_switch(const char *target, int timeout_ms,
                        struct vconn **vconnp)
{
    int error = vconn_open_block(target, 1u << OFP15_VERSION, DSCP_DEFAULT,
                                 timeout_ms, vconnp);
    return (error ? xasprintf("cannot connect to %s (%s)", target,
                              ovs_retval_to_string(error))
            : NULL);
}

char *
lb_counters_read_switch(const char *target, int timeout_ms,
                        uint32_t tenant_key, uint32_t service_key,
                        struct lb_backend_counters *b, size_t n)
{
    struct vconn *vconn;
    char *open_error = lb_counters_open_switch(target, timeout_ms, &vconn);
    if (open_error) {
        return open_error;
    }
    int version = vconn_get_version(vconn);
    struct ovs_list descs, stats;
    ovs_list_init(&descs);
    ovs_list_init(&stats);
    int error = transact(vconn, ofputil_encode_group_desc_request(
                             version, service_key), &descs);
    if (!error) {
        error = transact(vconn, ofputil_encode_group_stats_request(
                             version, service_key), &stats);
    }
    /* A switch without the group answers an error: no connections. */
    struct ofputil_flow_stats *fses = NULL;
    size_t n_fses = 0;
    uint64_t cookie = lb_counters_cookie(tenant_key, service_key);
    struct ofputil_flow_stats_request fsr = {
        .aggregate = false,
        .table_id = LB_COUNTERS_TABLE,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .cookie = htonll(cookie),
        .cookie_mask = OVS_BE64_MAX,
    };
    match_init_catchall(&fsr.match);
    int flow_error = vconn_dump_flows(vconn, &fsr,
                                      ofputil_protocol_from_ofp_version(
                                          version), &fses, &n_fses);
    char *msg = NULL;
    if (flow_error) {
        msg = xasprintf("dumping flows from %s failed (%s)", target,
                        ovs_retval_to_string(flow_error));
    } else {
        if (!error) {
            lb_counters_add_groups(&descs, &stats, version, service_key, b,
                                   n);
        }
        lb_counters_add_flows(fses, n_fses, cookie, b, n);
    }
    for (size_t i = 0; i < n_fses; i++) {
        free(CONST_CAST(struct ofpact *, fses[i].ofpacts));
    }
    free(fses);
    ofpbuf_list_delete(&descs);
    ofpbuf_list_delete(&stats);
    vconn_close(vconn);
    return msg;
}
