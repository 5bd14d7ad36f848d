/* ops-sg: security groups in weftctl's operator commands: which rule a
 * flow of ACL_OUT or ACL_IN is ("weftctl flows": "rule red/web#3 ingress
 * tcp/80 from 10.0.0.0/24", "default deny red/vx/a1 ingress"), and what the
 * policy did to a traced packet ("weftctl trace": "allowed by rule ...",
 * "dropped by default deny of red/vx/a1 (groups web)").  Names come from
 * the topology in ctx->topo (groups, rules, ports) and pipeline.h's rule
 * cookies (weft_cookie_sg_rule()); nothing here fails. */
#ifndef OPS_SG_H
#define OPS_SG_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ops-common.h"

struct ds;

/* If a flow of table 'table' with 'priority' and 'cookie' is a rule's row
 * or a port's default deny, appends its name (see above) to 's' and
 * returns true; else false (the caller names its owner otherwise).  A rule
 * since deleted: "deleted rule TENANT#ID". */
bool ops_sg_put_label(const struct ops_ctx *, int table, int priority,
                      uint64_t cookie, struct ds *s);

/* The same for a table line of ofproto/trace's output, as a verdict:
 * "allowed by rule T/G#ID (DIR PROTO... from REMOTE)" for a rule's row that
 * passes the packet, "dropped by default deny of T/N/P (groups G,...)" for
 * a default deny row; a verdict table's row (13, 35), which only carries
 * out that decision, says so ("committed (allowed above)", "established
 * connection committed blocked (denied above)", "denied above"); false for
 * any other row. */
bool ops_sg_put_verdict(const struct ops_ctx *, int table, int priority,
                        uint64_t cookie, struct ds *s);

#endif /* cli/ops-sg.h */
