/* trace-route: routing in "weftctl trace" (trace.c; ops-common.h has the
 * context).  Everything here reads weft's database through ctx->idl and
 * appends notes; nothing fails. */
#ifndef TRACE_ROUTE_H
#define TRACE_ROUTE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ops-common.h"
#include "openvswitch/types.h"

struct ds;
struct ovsdb_idl;
struct weftrec_network;

/* For an L3_ROUTE line of ofproto/trace ("24. ip,reg11=0x7,nw_dst=10.9.0.0/16,
 * priority 132, cookie 0x...") with router cookie 'cookie': appends the
 * route it is, from the router's row: ", route PREFIX via NEXTHOP" for a
 * static route, ", route PREFIX: connected, network T/N" for an attached
 * subnet. */
void trace_note_route(struct ops_ctx *, const char *line, uint64_t cookie,
                      struct ds *note);

/* For an action line of an L3 stage (the router key or next hop set):
 * appends what it means and returns true, else returns false. */
bool trace_note_l3_action(struct ops_ctx *, const char *action,
                          struct ds *note);

/* The MAC an endpoint of 'net' sends a packet for 'dst' to when 'dst' is
 * outside its subnet: its gateway's, the MAC of the router attached to
 * 'net'.  NULL if 'dst' is inside the subnet or 'net' has no router. */
const char *trace_gateway_mac(struct ovsdb_idl *,
                              const struct weftrec_network *, ovs_be32 dst);

#endif /* cli/trace-route.h */
