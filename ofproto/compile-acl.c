/* compile-acl: security groups in flows (pipeline.h "Policy"): the ct rows
 * that send a port's traffic under policy to ACL_OUT and ACL_IN, and those
 * tables' rows. */
#include <config.h>

#include "compile-internal.h"

void
compile_put_port_sec_next(struct ofpbuf *ofpacts,
                          const struct topo_port *port)
{
    if (!topo_port_sg_covers(port, TOPO_SG_EGRESS)) {
        put_goto_table(ofpacts, WEFT_TABLE_ARP_RESPOND);
        return;
    }
    uint16_t zone = weft_zone_acl(port->network->key);
    union mf_value value = { .be32 = htonl(zone) };
    put_set_field(ofpacts, WEFT_MFF_ACL_ZONE_ID, &value);
    put_ct(ofpacts, false, zone, WEFT_TABLE_ACL_OUT, NULL, 0);
}
