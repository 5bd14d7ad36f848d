/* of-packet: the OpenFlow messages for weftd's own packets.
 *
 * Place in the pipeline: push (beside of-session.h, which sends them).
 * weftd answers nothing itself on the data path; it only needs to send a
 * few frames of its own out of a port (ARP requests for a host's next hop,
 * gratuitous ARP: controller/ext-arp.h) and to receive the frames a flow
 * sends to the controller (ARP replies of that next hop).  Pure encoding
 * and decoding, no I/O: unit-tested in tests/unit/test-ext-arp.c.
 *
 * weftd's OpenFlow connection is a service connection (br-int.mgmt or a
 * ptcp: listener), and OVS sends a service connection no asynchronous
 * message until it sets a nonzero miss_send_len (ofproto/connmgr.c,
 * ofconn_receives_async_msg()); what it then receives is chosen by its
 * asynchronous configuration.  of_packet_encode_async_setup() gives both
 * messages, as "ovs-ofctl monitor BRIDGE 65535" does the first: packet-ins
 * for reason "action" (a flow's controller action) only, no port status, no
 * flow removed, no table miss. */
#ifndef WEFT_OF_PACKET_H
#define WEFT_OF_PACKET_H 1

#include <stddef.h>
#include <stdint.h>

#include "openvswitch/list.h"
#include "openvswitch/types.h"

struct ofp_header;
struct ofpbuf;

/* Appends to 'msgs' (struct ofpbuf's, via 'list_node') the messages that
 * make a service connection of OpenFlow version 'ofp_version' receive the
 * packet-ins of controller actions and no other asynchronous message:
 * OFPT_SET_ASYNC (OF1.3: the fixed masks; OF1.4+: properties), then
 * OFPT_SET_CONFIG with miss_send_len OFPCML_NO_BUFFER and fragment handling
 * "normal" (the default, which weft never changes: the setting is the
 * bridge's, not the connection's). */
void of_packet_encode_async_setup(int ofp_version, struct ovs_list *msgs);

/* Returns an OFPT_PACKET_OUT of version 'ofp_version' that sends the
 * Ethernet frame 'frame' ('len' bytes) out of OpenFlow port 'out_port',
 * as if it came from the controller (in_port CONTROLLER), without going
 * through the flow table. */
struct ofpbuf *of_packet_encode_out(int ofp_version, uint32_t out_port,
                                    const void *frame, size_t len);

/* A packet-in, decoded: the frame points into the message. */
struct of_packet_in {
    const void *frame;
    size_t len;                 /* Bytes in 'frame' (maybe truncated). */
    uint32_t in_port;           /* OpenFlow port it arrived on. */
    uint8_t table_id;           /* Table of the flow that sent it. */
    uint64_t cookie;            /* That flow's cookie (host order). */
};

/* Decodes OFPT_PACKET_IN (or NXT_PACKET_IN/NXT_PACKET_IN2) 'oh' into 'pin'.
 * Returns 0 or an OpenFlow error code (enum ofperr).  'pin''s frame points
 * into 'oh'. */
int of_packet_decode_in(const struct ofp_header *oh,
                        struct of_packet_in *pin);

/* The xids of the latest OF_PACKET_OWN_XIDS messages of weftd's own sent
 * on a connection (the asynchronous setup, packet-outs), so that the
 * switch's error about one of them is told from an error about a bundle.
 * Zero-initialized is empty. */
#define OF_PACKET_OWN_XIDS 32
struct of_packet_xids {
    ovs_be32 xids[OF_PACKET_OWN_XIDS];
    unsigned int n;                 /* Noted so far (the ring wraps). */
};
void of_packet_xids_note(struct of_packet_xids *, const struct ofpbuf *msg);
bool of_packet_xids_contains(const struct of_packet_xids *, ovs_be32 xid);

#endif /* ofproto/of-packet.h */
