/* of-packet: the OpenFlow messages for weftd's own packets.  See
 * of-packet.h. */
#include <config.h>

#include "of-packet.h"

#include "openflow/openflow.h"
#include "openvswitch/ofp-connection.h"
#include "openvswitch/ofp-packet.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-switch.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "byte-order.h"
#include "flow.h"
#include "openvswitch/ofp-port.h"
#include "util.h"

void
of_packet_encode_async_setup(int ofp_version, struct ovs_list *msgs)
{
    /* Only a controller action's packet-ins (OF1.4 splits "action" into
     * apply-action, action-set, group and packet-out; the encoder keeps the
     * bits the version knows).  Primary and secondary alike: weftd's role
     * is never changed, but a connection made secondary would otherwise go
     * deaf. */
    uint32_t pin = (1u << OFPR_ACTION) | OFPR14_ACTION_BITS;
    struct ofputil_async_cfg ac = OFPUTIL_ASYNC_CFG_INIT;
    ac.primary[OAM_PACKET_IN] = pin;
    ac.secondary[OAM_PACKET_IN] = pin;
    uint32_t oams = ((1u << OAM_PACKET_IN) | (1u << OAM_PORT_STATUS)
                     | (1u << OAM_FLOW_REMOVED));
    struct ofpbuf *msg = ofputil_encode_set_async_config(&ac, oams,
                                                         ofp_version);
    ovs_list_push_back(msgs, &msg->list_node);

    struct ofputil_switch_config config = {
        .frag = OFPUTIL_FRAG_NORMAL,
        .invalid_ttl_to_controller = -1,
        .miss_send_len = OFPCML12_NO_BUFFER,
    };
    msg = ofputil_encode_set_config(&config, ofp_version);
    ovs_list_push_back(msgs, &msg->list_node);
}

struct ofpbuf *
of_packet_encode_out(int ofp_version, uint32_t out_port, const void *frame,
                     size_t len)
{
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    ofpact_put_OUTPUT(&ofpacts)->port = u16_to_ofp(out_port);

    struct ofputil_packet_out po = {
        .packet = frame,
        .packet_len = len,
        .buffer_id = UINT32_MAX,
        .ofpacts = ofpacts.data,
        .ofpacts_len = ofpacts.size,
    };
    match_init_catchall(&po.flow_metadata);
    match_set_in_port(&po.flow_metadata, OFPP_CONTROLLER);
    struct ofpbuf *msg = ofputil_encode_packet_out(
        &po, ofputil_protocol_from_ofp_version(ofp_version));
    ofpbuf_uninit(&ofpacts);
    return msg;
}

int
of_packet_decode_in(const struct ofp_header *oh, struct of_packet_in *pin)
{
    struct ofputil_packet_in opi;
    size_t total_len;
    uint32_t buffer_id;
    enum ofperr error = ofputil_decode_packet_in(oh, true, NULL, NULL, &opi,
                                                 &total_len, &buffer_id,
                                                 NULL);
    if (error) {
        return error;
    }
    *pin = (struct of_packet_in) {
        .frame = opi.packet,
        .len = opi.packet_len,
        .in_port = ofp_to_u16(opi.flow_metadata.flow.in_port.ofp_port),
        .table_id = opi.table_id,
        .cookie = ntohll(opi.cookie),
    };
    return 0;
}

void
of_packet_xids_note(struct of_packet_xids *x, const struct ofpbuf *msg)
{
    const struct ofp_header *oh = msg->data;
    x->xids[x->n++ % OF_PACKET_OWN_XIDS] = oh->xid;
}

bool
of_packet_xids_contains(const struct of_packet_xids *x, ovs_be32 xid)
{
    size_t n = MIN(x->n, OF_PACKET_OWN_XIDS);
    for (size_t i = 0; i < n; i++) {
        if (x->xids[i] == xid) {
            return true;
        }
    }
    return false;
}
