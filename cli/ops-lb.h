/* ops-lb: services in weftctl's operator commands: which service a flow
 * or group is for and which backend ("weftctl flows"), and the VIP and the
 * bucket (backend) an ofproto/trace chose ("weftctl trace").  Names come
 * from the topology in ctx->topo (services, their backends' ports) and
 * pipeline.h's service cookies and group ids; nothing here fails. */
#ifndef OPS_LB_H
#define OPS_LB_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ops-common.h"

struct ds;

/* If 'cookie' is a service's (weft_cookie_service()), appends "service
 * TENANT/NAME VIP:PORT/PROTO" (or "deleted service KEY") to 's' and returns
 * true; else false. */
bool ops_lb_put_owner(const struct ops_ctx *, uint64_t cookie, struct ds *s);

/* For a flow with 'cookie' whose text (ovs-ofctl's dump line, or match and
 * actions) is 'text': if it is a service's row for one backend, appends
 * ", backend TENANT/NET/PORT IP:PORT" ('hairpin' rows and replies say so);
 * a node port row ", node port PROTO/NP". */
void ops_lb_flow_label(const struct ops_ctx *, int table, uint64_t cookie,
                       const char *text, struct ds *s);

/* For a line of ofproto/trace's output: "group:ID" (a service's select
 * group: stores ID in '*group' and names the service) or "bucket N" / "->
 * using bucket N" (the backend of bucket N of '*group').  Appends the
 * note and returns true, or returns false if 'line' is neither. */
bool ops_lb_trace_line(const struct ops_ctx *, const char *line,
                       uint32_t *group, struct ds *note);

/* True if 'cookie' is a service's. */
static inline bool
ops_lb_is_service_cookie(uint64_t cookie)
{
    return cookie >> 56 == 0x57 && !((cookie >> 24) & 0xffff)
           && (cookie & 0xff0000) == 0x10000;
}

#endif /* cli/ops-lb.h */
