/* lb-counters: a service's per-backend counters (issue #14), read from one
 * switch over OpenFlow.  Used by weftctl's service-show (database mode) and
 * by weftd for GET /v1/tenants/T/services/S/stats; both sum them over the
 * hosts.
 *
 *   - connections: the packet_count of the backend's bucket in the
 *     service's select group (group id = the service key): a bucket
 *     counts only a connection's first packet, since established packets
 *     skip the group (pipeline.h, LB_SELECT).  Group stats list bucket
 *     counters in bucket order without ids, so the group's description
 *     (OFPST_GROUP_DESC) gives the order: the i-th counter is the i-th
 *     bucket's, whose bucket_id is the backend's port flow key.  Bucket
 *     ids are on the wire from OpenFlow 1.5 on, so the switch is read with
 *     1.5.
 *   - packets: the n_packets of the service's rows in table 71 LB_BACKEND
 *     (cookie lb_counters_cookie()) that match nw_dst=IP, tp_dst=PORT of
 *     the backend: its counter row and its hairpin row.
 *
 * The decoding is pure (tests/unit/test-lb-counters.c);
 * lb_counters_read_switch() does the blocking exchange.  OVS side;
 * single-threaded. */
#ifndef WEFT_LB_COUNTERS_H
#define WEFT_LB_COUNTERS_H 1

#include <stddef.h>
#include <stdint.h>

#include "openvswitch/list.h"

struct ofputil_flow_stats;

/* Table LB_BACKEND of pipeline.h. */
#define LB_COUNTERS_TABLE 71

/* One backend: filled by the caller ('ip', 'to_port', 'bucket_id'); the
 * counters are added to. */
struct lb_backend_counters {
    const char *ip;             /* "A.B.C.D", or NULL: no packets counted. */
    int to_port;
    uint32_t bucket_id;         /* Its bucket's id: the port's flow key. */
    uint64_t connections;
    uint64_t packets;
};

/* The cookie of service 'service_key''s flows of tenant 'tenant_key': the
 * same as pipeline.h's weft_cookie_service(), tenant key in bits 55-40 and
 * 0x10000 | service key in the low field. */
uint64_t lb_counters_cookie(uint32_t tenant_key, uint32_t service_key);

/* Adds to 'b' the bucket counters of group 'group_id' in 'stats_replies'
 * (OFPST_GROUP replies, 'struct ofpbuf's), matched to 'b''s bucket ids by
 * the bucket order in 'desc_replies' (OFPST_GROUP_DESC replies, of
 * 'ofp_version' 1.5 for the ids to be the switch's).  Replies
 * of other groups, and buckets whose id no backend has, are ignored. */
void lb_counters_add_groups(struct ovs_list *desc_replies,
                            struct ovs_list *stats_replies, int ofp_version,
                            uint32_t group_id,
                            struct lb_backend_counters *b, size_t n);

/* Adds to 'b' the n_packets of the flows in 'fses' of table
 * LB_COUNTERS_TABLE with exactly 'cookie' that match a backend's nw_dst and
 * tp_dst. */
void lb_counters_add_flows(const struct ofputil_flow_stats *fses,
                           size_t n_fses, uint64_t cookie,
                           struct lb_backend_counters *b, size_t n);

/* Connects to the switch at OpenFlow 'target' at OpenFlow 1.5 (earlier
 * versions carry no bucket ids: a decoder numbers the buckets 0, 1, ...
 * instead), blocking for up to 'timeout_ms', into '*vconnp'.  Returns NULL,
 * or a malloc'd error.  Also sg-counters.c's way to a switch. */
struct vconn;
char *lb_counters_open_switch(const char *target, int timeout_ms,
                              struct vconn **vconnp);

/* Connects to the switch at OpenFlow 'target' and adds the counters of
 * service 'service_key' of tenant 'tenant_key' to 'b'.  Returns NULL, or a
 * malloc'd error (nothing added).  Blocks for up to 'timeout_ms'. */
char *lb_counters_read_switch(const char *target, int timeout_ms,
                              uint32_t tenant_key, uint32_t service_key,
                              struct lb_backend_counters *b, size_t n);

#endif /* ofproto/lb-counters.h */
