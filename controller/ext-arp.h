/* ext-arp: a host's external side on its LAN: who the next hop is, and who
 * weft's external addresses are.
 *
 * Place in the pipeline: beside the push (controller/host.c drives it
 * through the host's OpenFlow session, ofproto/of-packet.h).  Two duties:
 *
 *   - Next-hop resolution.  Everything a host sends out of its external
 *     interface goes to its gateway (Host.external_gateway), whose MAC weft
 *     learns, never an operator: an ARP request for the gateway from the
 *     host's external address (MAC 0a:57 + the address's 4 bytes,
 *     ext_arp_mac()) goes out of the external port, and the reply comes
 *     back through a flow that sends ARP replies from the gateway to the
 *     host's address to the controller (the EXT_IN table, pipeline.h).
 *     Requests go out at once while the MAC is unknown (on connect, when
 *     the external side or its gateway changes), then every
 *     EXT_ARP_RETRY_MSEC until answered and every EXT_ARP_REFRESH_MSEC
 *     afterwards, so that a gateway replaced on the LAN is picked up.
 *
 *   - Announcements.  A gratuitous ARP for each address the host answers
 *     for on its LAN, the host's external address and every floating IP
 *     homed on it (assigned to one of its ports), when it appears there
 *     (assigned or moved to this host, external side set) and after every
 *     new OpenFlow connection, so that the LAN's switches and neighbours
 *     learn at once where it lives now.
 *
 * Pure: no I/O and no clock of its own.  The caller gives the time, sends
 * the frames ext_arp_run() produces and feeds it the packet-ins.  The MAC
 * learned goes to the caller, which stores it in the topology
 * (topology_set_host_gateway_mac()), recompiles the host and writes it to
 * Host.status:external_gateway_mac; the topology's MAC is what the module
 * is configured with, so a MAC loaded from status after a restart counts as
 * known (refresh cadence, no hurry). */
#ifndef WEFT_EXT_ARP_H
#define WEFT_EXT_ARP_H 1

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/types.h"
#include "packets.h"

struct dp_packet;
struct topology;
struct topo_host;

#define EXT_ARP_RETRY_MSEC 5000
#define EXT_ARP_REFRESH_MSEC 60000

/* The MAC weft uses for external address 'ip': 0a:57 followed by its four
 * bytes (locally administered, unicast; distinct from router MACs 02:57:...
 * and endpoint MACs). */
struct eth_addr ext_arp_mac(ovs_be32 ip);

/* Replace 'b''s contents by an ARP request, broadcast, for 'target' from
 * 'ip' (with ext_arp_mac(ip)), padded to the Ethernet minimum. */
void ext_arp_compose_request(struct dp_packet *b, ovs_be32 ip,
                             ovs_be32 target);
/* Replace 'b''s contents by a gratuitous ARP for 'ip': a broadcast request
 * whose sender and target address are both 'ip', sender MAC
 * ext_arp_mac(ip). */
void ext_arp_compose_garp(struct dp_packet *b, ovs_be32 ip);

/* If 'frame' ('len' bytes) is an ARP reply from 'gateway' to 'ip' with a
 * usable sender MAC (unicast, nonzero), stores that MAC in '*mac' and
 * returns true; otherwise returns false (another sender or target, a
 * request, a truncated or malformed frame). */
bool ext_arp_parse_reply(const void *frame, size_t len, ovs_be32 gateway,
                         ovs_be32 ip, struct eth_addr *mac);

/* One host's state. */
struct ext_arp {
    ovs_be32 ip;                /* External address, 0 if no external side. */
    ovs_be32 gateway;           /* Its next hop. */
    bool known;                 /* The gateway's MAC is known. */
    long long int next_request; /* When the next request is due. */

    /* The addresses announced (the host's, its floating IPs), sorted, and
     * which of them still need a gratuitous ARP. */
    ovs_be32 *homed;
    bool *announce;
    size_t n_homed;
};

void ext_arp_init(struct ext_arp *);
void ext_arp_destroy(struct ext_arp *);

/* Brings 'ea' up to host 'self' of 'topo' (NULL: the host is gone) at time
 * 'now': its external address and gateway, whether the gateway's MAC is
 * known (self->ext.gateway_mac nonzero), and the floating IPs homed on it.
 * A new external address or gateway without a known MAC makes a request
 * due now; an address homed here that was not is announced.  O(floating
 * IPs). */
void ext_arp_configure(struct ext_arp *, const struct topology *topo,
                       const struct topo_host *self, long long int now);

/* A new OpenFlow connection at 'now': every homed address is announced
 * again, and the request is due now if the MAC is unknown. */
void ext_arp_connected(struct ext_arp *, long long int now);

/* Calls 'send' for every frame due at 'now' (the request, the gratuitous
 * ARPs pending) and schedules the next request.  Call only when the frames
 * can go out (the host connected, the external port exists): nothing due
 * is lost by waiting. */
typedef void ext_arp_send_cb(void *aux, const void *frame, size_t len);
void ext_arp_run(struct ext_arp *, long long int now, ext_arp_send_cb *send,
                 void *aux);

/* When ext_arp_run() next has something to send (LLONG_MAX: never, no
 * external side). */
long long int ext_arp_next_wake(const struct ext_arp *);

/* A frame the external port sent to the controller, at 'now': if it is the
 * gateway's reply to the host's address, stores the sender's MAC in '*mac',
 * makes the MAC known (the next request in EXT_ARP_REFRESH_MSEC) and
 * returns true.  The caller compares it with the MAC it has. */
bool ext_arp_packet_in(struct ext_arp *, const void *frame, size_t len,
                       long long int now, struct eth_addr *mac);

#endif /* controller/ext-arp.h */
