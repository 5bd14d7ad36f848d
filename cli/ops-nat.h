/* ops-nat: NAT in weftctl's operator commands: what a NAT flow is for
 * ("weftctl flows") and what a NAT action does ("weftctl trace").  Names
 * come from the topology in ctx->topo (hosts' external sides, routers,
 * ports' floating IPs and mappings) and pipeline.h's zones and transit
 * addresses; nothing here fails. */
#ifndef OPS_NAT_H
#define OPS_NAT_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ops-common.h"

struct ds;

/* For a flow of host 'th' in table 'table' with 'cookie' whose text
 * (ovs-ofctl's dump line, or match and actions) is 'text': if it is a NAT
 * row (pipeline.h's tables 50..63, CLASSIFY from the external side,
 * L3_ROUTE to the outside), appends ", " and what it is for ("snat via
 * 192.168.100.11", "fip 192.168.100.100 -> vx/a1", "map tcp/8080 ->
 * vx/a1:80", ...) to 's'. */
void ops_nat_flow_label(const struct ops_ctx *, const struct topo_host *th,
                        int table, uint64_t cookie, const char *text,
                        struct ds *s);

/* For an action of ofproto/trace's output ("ct(commit,table=52,zone=7,
 * nat(src=100.64.0.7),exec(...))") on host 'th', with the packet's fields
 * before it 'fields' (or NULL): appends which zone and the NAT it applies
 * (addresses before and after) and returns true; false if 'action' is no
 * ct(). */
bool ops_nat_trace_action(const struct ops_ctx *, const struct topo_host *th,
                          const char *action, const char *fields,
                          struct ds *note);

#endif /* cli/ops-nat.h */
