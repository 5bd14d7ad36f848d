/* pipeline: the one place that says what each OpenFlow table, register and
 * cookie bit of weft's integration bridge means.  README.md mirrors it in
 * "The pipeline"; keep the two in step.
 *
 * A packet's path on br-int:
 *
 *   0 CLASSIFY     in_port + eth_src of a weft port -> metadata := network key.
 *                  A frame whose source MAC is not its port's is dropped here.
 *                  From a tunnel: in_port + tun_id of a network shared with
 *                  that remote host; from the uplink: in_port + VLAN ID of a
 *                  local VLAN network (tag popped).  Both set the
 *                  from-remote flag and go straight to L2_LOOKUP: the sending
 *                  host already enforced port security and answered ARP.
 *  10 PORT_SEC     ARP sender MAC/IP and IPv4 source must be the port's;
 *                  IPv6 source its link-local address (fe80::/64 + the
 *                  EUI-64 of its MAC) or one of its own IPv6 addresses
 *                  (:: for duplicate address detection's NS and MLD
 *                  report); a Neighbour Advertisement only for those
 *                  addresses; Router Advertisements and Redirects from
 *                  tenant ports dropped (see "IPv6" below).  A port with
 *                  egress policy goes on to ACL_OUT through conntrack.
 *  12 ACL_OUT      security groups, egress (see "Policy" below).
 *  13 ACL_OUT_VERDICT  commit what ACL_OUT allowed, and pass it.
 *  20 ARP_RESPOND  broadcast ARP request for a known IP in the network is
 *                  answered from the switch and sent back out IN_PORT, and
 *                  so is an IPv6 Neighbour Solicitation for a port's
 *                  link-local or own IPv6 address (rewritten in place into
 *                  the Neighbour Advertisement); so
 *                  is any ARP request (broadcast or unicast) for the
 *                  gateway IP of a network with a router, with the
 *                  router's MAC on that network.
 *  22 L3_ADMIT     (metadata, eth_dst) = a router's MAC on the network:
 *                  an ICMP echo request to the gateway IP is answered
 *                  (back out IN_PORT, TTL 64); other IPv4 with TTL 0 or 1
 *                  is dropped, other IPv4 gets
 *                  ROUTER := router key, dec_ttl and goes to L3_ROUTE;
 *                  anything else to a router MAC is dropped.  Every other
 *                  frame goes on to L2_LOOKUP.
 *  24 L3_ROUTE     (ROUTER, ip_dst) longest prefix first: an attached
 *                  subnet M, or a static route via a next hop in M ->
 *                  metadata := M, NEXTHOP := ip_dst or the next hop,
 *                  eth_src := the router's MAC on M.  No route: drop.
 *  26 L3_NEIGHBOR  (metadata, NEXTHOP) = an IP of a port of the network
 *                  -> eth_dst := that port's MAC, goto L2_LOOKUP, which
 *                  delivers the routed frame like any other (local port,
 *                  tunnel with the egress network's key, or the uplink).
 *                  Unknown next hop: drop.
 *  30 L2_LOOKUP    (metadata, eth_dst) of a known port -> output to it:
 *                  local ports directly, ports on other hosts through the
 *                  tunnel to their host (tun_id := segment id) or the uplink
 *                  (VLAN tag pushed).  Never from remote back to remote.
 *                  IP to a local port with ingress policy goes through
 *                  conntrack to ACL_IN instead of straight out.
 *  34 ACL_IN       security groups, ingress (see "Policy" below).
 *  35 ACL_IN_VERDICT  commit what ACL_IN allowed, and deliver it.
 *  40 FLOOD        broadcast, multicast, unknown unicast -> every port of the
 *                  network on this host (OpenFlow never outputs to in_port)
 *                  and, head-end replicated, every other host with a port
 *                  in the network; frames from remote go to local ports only
 *                  (split horizon: a full mesh would otherwise loop). 
 *
 * Every later lookup is keyed by metadata, so nothing crosses networks even
 * when two tenants use the same MACs and IPs; only a router's L3_ROUTE
 * changes metadata, and only to a network attached to that same router
 * (ROUTER keeps routers, and so tenants, apart).
 *
 * Routing is distributed: it happens on the host where the packet enters,
 * with no packet-in, and the frame leaves that host already addressed to
 * the destination port.  So a host "serves" router R when it has a port in
 * any network attached to R, and then it also serves every network of R:
 *
 *   - it gets R's flows (gateway ARP, L3_ADMIT, L3_ROUTE: the ROUTER owner);
 *   - for every network M of R, the L2_LOOKUP entries of M's remote ports
 *     and the L3_NEIGHBOR entries of all of M's ports (their PORT owners),
 *     and the tunnels (or uplink) to the hosts with ports in M;
 *   - a host with a port in M accepts M's tun_id (or VLAN) in CLASSIFY from
 *     every host that serves M, not only from those with a port in M.
 *
 * ARP answers, FLOOD and the ingress from remote stay with the hosts that
 * have a port in the network.  Frames from remote never reach L3_ADMIT:
 * they were routed, if at all, on the host they entered.
 *
 * NAT: the ways in and out (compile-nat.c).  A host may have an external
 * side (topo_host.ext): an interface EXT on br-int toward its LAN, its
 * address HOST_IP there and a next hop GW whose MAC weftd resolves (ARP,
 * packet-in).  Everything NATed goes through conntrack in OVS, with zones:
 *
 *   zone R      router R's (R = its key, 1..65534): every connection of R's
 *               endpoints with the outside.  ct_mark 1: a DNAT'd (port
 *               mapping) or floating IP connection, whose replies go
 *               straight out; ct_mark 2: SNAT stage 1, whose packets go on
 *               through zone Z.
 *   zone Z      65535, shared by the host's routers: only SNAT to HOST_IP.
 *               Stage 1 rewrote the source to R's transit address
 *               100.64.0.0 + R (never seen outside br-int), so that two
 *               tenants with the same addresses stay distinct in Z.
 *
 * Egress, on the endpoint's own host (distributed, like docker0's
 * MASQUERADE), after L3_ADMIT:
 *
 *  24 L3_ROUTE     reg11=R, ip, below every real route (a tenant's own
 *                  0.0.0.0/0 wins) -> EXT_OUT; only on a host with an
 *                  external side where R needs NAT (R.snat, or a port of
 *                  R's on that host with a floating IP or a mapping).
 *  50 EXT_OUT      ct(zone=R, nat) -> EXT_SNAT.
 *  51 EXT_SNAT     reply or later packet, ct_mark 1 -> EXT_SEND; ct_mark 2
 *                  -> EXT_SNAT_HOST; new from an endpoint E with floating
 *                  IP F: commit, nat(src=F), ct_mark 1 -> EXT_SEND; other
 *                  new (R.snat): commit, nat(src=100.64.0.0+R), ct_mark 2
 *                  -> EXT_SNAT_HOST.  Anything else (invalid, no SNAT):
 *                  drop.
 *  52 EXT_SNAT_HOST  ct(commit, zone=Z, nat(src=HOST_IP)) -> EXT_SEND.
 *  53 EXT_SEND     eth_src := F's MAC (from F) or the host's external MAC,
 *                  eth_dst := GW's MAC, output EXT.  GW unresolved: drop.
 *
 * Ingress, only on the host that owns the address:
 *
 *   0 CLASSIFY     in_port=EXT -> EXT_IN.
 *  60 EXT_IN       ARP request for HOST_IP or a floating IP homed here:
 *                  answered from the switch (IN_PORT); ARP reply from GW
 *                  to HOST_IP: controller (weftd learns GW's MAC); to F:
 *                  reg11 := R, ct(zone=R, nat) -> EXT_IN_ROUTER; to
 *                  HOST_IP: ct(zone=Z, nat) -> EXT_IN_HOST.  Else drop.
 *  61 EXT_IN_HOST  a reply of SNAT (its destination now a transit address
 *                  100.64.0.0+R): reg11 := R, ct(zone=R, nat) ->
 *                  EXT_IN_ROUTER; new to a mapped port: reg11 := R,
 *                  commit, nat(dst=E:PORT), ct_mark 1 -> EXT_DELIVER.
 *                  Else drop: unmapped ports are unreachable.
 *  62 EXT_IN_ROUTER  reply or later packet -> EXT_DELIVER; new to F:
 *                  commit, nat(dst=E), ct_mark 1 -> EXT_DELIVER.  Else drop.
 *  63 EXT_DELIVER  reg11=R, nw_dst in R's subnet M: dec_ttl (TTL 0 and 1
 *                  dropped first), metadata := M, reg12 := nw_dst,
 *                  eth_src := R's MAC on M, resubmit to L3_NEIGHBOR.
 *
 * MACs are derived, never typed: the host's external side sends from
 * 0a:57:AA:BB:CC:DD where AA.BB.CC.DD is HOST_IP, a floating IP F from
 * 0a:57: + F's four bytes (weft_ext_mac()).  Owners: the host's external
 * side (CLASSIFY from EXT, its ARP, EXT_SNAT_HOST, EXT_SEND's default, its
 * EXT_IN rows and the table-miss drops of 50..63) is the EXTERNAL owner; a
 * router's NAT rows on a host (L3_ROUTE to EXT_OUT, EXT_OUT, EXT_SNAT but
 * for floating IPs, the SNAT replies in EXT_IN_HOST, EXT_IN_ROUTER's
 * replies, EXT_DELIVER) its ROUTER owner; a port's floating IP and
 * mappings rows its PORT owner.
 *
 * Services (compile-lb.c): a virtual IP VIP:PORT/proto of router R,
 * load-balanced in the switch.  The source host picks the backend: the
 * client's host, where the packet is routed (L3_ADMIT set ROUTER := R).
 * Conntrack zone R holds the DNAT to the backend, zone 16384 + R
 * (weft_zone_hairpin()) the SNAT of a backend calling its own VIP:
 *
 *  24 L3_ROUTE     above every route: a hairpin reply (reg11=R, proto,
 *                  nw_src=B, tp_src=BP, nw_dst=VIP), per service and
 *                  backend B:BP -> ct(zone=16384+R, nat) -> LB_HAIRPIN;
 *                  to the VIP (reg11=R, proto, nw_dst=VIP, tp_dst=PORT) ->
 *                  ct(zone=R, nat) -> LB_SELECT.
 *  70 LB_SELECT    new, to the VIP -> the service's select group (group id
 *                  = its key), one bucket per live (not down) backend with
 *                  its weight: ct(commit, zone=R, nat(dst=B:BP)) ->
 *                  LB_BACKEND; no live backend: drop.  Established (the
 *                  ct nat above applied the DNAT) -> LB_BACKEND.  Else drop.
 *  71 LB_BACKEND   per backend, by the connection's original destination
 *                  (ct_nw_dst=VIP, ct_tp_dst=PORT, ct_nw_proto): from B to
 *                  B (hairpin) -> ct(commit, zone=16384+R, nat(src=VIP))
 *                  -> LB_HAIRPIN; other -> resubmit to L3_ROUTE (its
 *                  n_packets: packets to that backend through the VIP).
 *                  Default: resubmit to L3_ROUTE, so a connection to a
 *                  backend since removed or marked down keeps flowing
 *                  until it ends (conntrack keeps its DNAT); it gets no
 *                  new connection.
 *  72 LB_HAIRPIN   a hairpin reply (+rpl, un-SNATed: dst back to B:C) ->
 *                  ct(zone=ROUTER, nat) (un-DNAT: src := VIP:PORT) ->
 *                  LB_OUT; else -> LB_OUT.  The zone is read from ROUTER
 *                  (R on every path here), so the row serves every router.
 *  73 LB_OUT       in_port := 0 (a hairpin packet leaves by the port it
 *                  came in: OpenFlow never outputs to in_port), resubmit
 *                  to L3_ROUTE: routed like any packet to its destination.
 *  30 L2_LOOKUP    on every host, before delivery, per (network M of R
 *                  with a port on the host) x backend B:BP: a packet from
 *                  B:BP, not yet un-DNATed (reg10 bit WEFT_FLAG_LB_UNNAT
 *                  clear) -> set it, ct(zone=R, nat) -> L2_LOOKUP: a reply
 *                  of a VIP connection gets its source back to VIP:PORT on
 *                  the client's host, where the DNAT is, whichever way it
 *                  came (routed, same network, tunnel).
 *
 * Policy: security groups (compile-acl.c).  A port that is a member of a
 * group with a rule of direction D (egress: from the port; ingress: to it)
 * is under policy in D: in D it passes only IP that a rule of one of its
 * groups allows, and replies.  ARP, and IPv6 neighbour discovery, always
 * pass; other non-IP frames are not filtered.  Stateful, with conntrack
 * zone 32768 + N (weft_zone_acl()) for the port's network N: one zone per
 * network keeps two tenants' (or two networks') equal addresses apart;
 * egress (on the sender's host) and ingress (on the receiver's) use the
 * same zone, so on one host the two checks see one connection.
 *
 *  10 PORT_SEC     a port P with egress policy: its allowed IPv4 and IPv6
 *                  -> reg13 := 32768 + N, ct(zone=reg13) -> ACL_OUT.  A
 *                  port without addresses has an explicit in_port=P,ip
 *                  (and ipv6) row for it (PORT_DROP's priority), so that
 *                  nothing skips ACL_OUT by the table miss.
 *  30 L2_LOOKUP    to a local port P with ingress policy, ip or ipv6 (a
 *                  higher priority than its output row, which still
 *                  takes everything else) -> reg13 := 32768 + N, reg14 :=
 *                  P's ofport, ct(zone=reg13) -> ACL_IN.
 *                  Stateful both ways: a port under policy in one
 *                  direction only has the other direction committed in
 *                  zone 32768 + N without a check (PORT_SEC:
 *                  ct(commit,zone) -> ARP_RESPOND; L2_LOOKUP:
 *                  ct(commit,zone), output), so that the replies of the
 *                  connections it opens (or accepts) are +rpl where they
 *                  are checked.
 *  12 ACL_OUT, 34 ACL_IN (one layout; "pass" is goto ARP_RESPOND in
 *                  ACL_OUT and output:reg14 in ACL_IN), highest first:
 *                  ICMPv6 RS, NS, NA: pass.  ct_state +inv: drop.  A reply
 *                  (+est+rpl) or related (+rel) packet of a connection not
 *                  blocked (ct_mark bit WEFT_CT_MARK_BLOCKED clear): pass;
 *                  other replies drop.  Then each rule of the member's
 *                  groups, at its own priority WEFT_PRIO_ACL_RULE_TOP -
 *                  its key (so a packet two rules allow counts on the
 *                  older): a conjunction over its dimensions - the member
 *                  (ACL_OUT in_port=P, ACL_IN reg14=P's ofport), the
 *                  remote (nw_src/ipv6_src in ingress, nw_dst/ipv6_dst in
 *                  egress: the prefix, or each address of the remote
 *                  group's members) and the protocol and destination ports
 *                  (tp_dst ranges as bitwise prefixes) - whose conj_id row
 *                  (conj_id = the rule's key) sets the allow flag
 *                  (WEFT_FLAG_ACL_ALLOW) and goes to the verdict table
 *                  (13 or 35); its n_packets is the rule's counter.  A
 *                  rule with one dimension (any remote, any protocol) is
 *                  one plain row per member, the same.  Every
 *                  original-direction packet is checked, not only the
 *                  first, so a rule removed stops its established
 *                  connections too: the member's default deny (priority
 *                  WEFT_PRIO_ACL_DENY, one row per port P and direction,
 *                  the port's cookie; its n_packets is the port's deny
 *                  counter) clears the flag and goes to the verdict table.
 *  13 ACL_OUT_VERDICT, 35 ACL_IN_VERDICT (HOST rows, where 12 or 34 has
 *                  any): the one place that splits the families, as
 *                  ct() needs: allowed, ip (or ipv6) -> commit with the
 *                  blocked bit cleared, pass; not allowed and
 *                  +est, ip (or ipv6) -> commit with the blocked bit set
 *                  (which then drops its replies), drop; else drop.
 * The rule's rows carry weft_cookie_sg_rule() (tenant, the rule's id): one
 * rule's flows are "cookie=C/-1".  Owners: a group's rule rows on a host
 * are its SG owner's, on every host with a member of the group; a port's
 * ct rows and default deny are its PORT owner's; the fixed rows of 12 and
 * 34, and 13 and 35, the HOST owner's where a local port is under policy.
 *
 * IPv6 (compile-port.c, compile-arp.c): ports carry IPv6 addresses (Port
 * 'ips' holds both families; no IPv6 subnet, routing or NAT).  Port
 * security holds a port with any address to its link-local address and
 * its own IPv6 addresses (a port without any address, like for IPv4, only
 * to its MAC); NA's nd_target must be one of them and its nd_tll the
 * port's MAC or absent; RA (134) and Redirect (137) from any tenant port
 * are dropped (HOST owner rows).  The switch answers NS (nd_sll set,
 * source not ::) for any port's link-local or own address in the network,
 * like ARP: the NS becomes the NA in place (eth and IPv6 source and
 * destination swapped to the owner's, icmp_type 136, nd_reserved Solicited
 * + Override, option type 2 = target link-layer address := the owner's
 * MAC, hop limit 255), sent back out IN_PORT; DAD probes (source ::) are
 * not answered.  OVS sets nd_tll only in a flow matching an NA, so the
 * NS row flags the packet WEFT_FLAG_ND_REPLY and resubmits it to
 * ARP_RESPOND, where a HOST row copies eth_src into nd_tll and outputs it.
 * Only on hosts with the userspace datapath (netdev): the kernel's cannot
 * set nd_reserved or nd_options_type; elsewhere the NS floods to its
 * target like any other.
 *
 * NodePort-like exposure (policy "Local"): on a host with an external side
 * and a live local backend of a service with node_port NP, EXT_IN_HOST
 * sends a new connection to HOST_IP:NP to ROUTER := R and the select group
 * 0x10000 | key of the local live backends (ct(commit, zone=R,
 * nat(dst=B:BP), ct_mark 1) -> EXT_DELIVER); its replies leave like a port
 * mapping's (R's NAT rows are on that host: compile_router_nat_needed()).
 * A host without a local backend does not answer on NP.
 *
 * Owners: a service's rows and groups on a host are its SERVICE owner's,
 * on every host that serves its router; the node port's only where above.
 * The rows of tables 70..73 that no service owns (LB_SELECT's established
 * and default rows, LB_BACKEND's default, LB_HAIRPIN, LB_OUT) are the
 * HOST owner's, on a host that serves a router with a service. */
#ifndef WEFT_PIPELINE_H
#define WEFT_PIPELINE_H 1

#include <stdint.h>

#include "openvswitch/meta-flow.h"
#include "packets.h"

enum weft_table {
    WEFT_TABLE_CLASSIFY = 0,
    WEFT_TABLE_PORT_SEC = 10,
    WEFT_TABLE_ACL_OUT = 12,
    WEFT_TABLE_ACL_OUT_VERDICT = 13,
    WEFT_TABLE_ARP_RESPOND = 20,
    WEFT_TABLE_L3_ADMIT = 22,
    WEFT_TABLE_L3_ROUTE = 24,
    WEFT_TABLE_L3_NEIGHBOR = 26,
    WEFT_TABLE_L2_LOOKUP = 30,
    WEFT_TABLE_ACL_IN = 34,
    WEFT_TABLE_ACL_IN_VERDICT = 35,
    WEFT_TABLE_FLOOD = 40,
    WEFT_TABLE_EXT_OUT = 50,
    WEFT_TABLE_EXT_SNAT = 51,
    WEFT_TABLE_EXT_SNAT_HOST = 52,
    WEFT_TABLE_EXT_SEND = 53,
    WEFT_TABLE_EXT_IN = 60,
    WEFT_TABLE_EXT_IN_HOST = 61,
    WEFT_TABLE_EXT_IN_ROUTER = 62,
    WEFT_TABLE_EXT_DELIVER = 63,
    WEFT_TABLE_LB_SELECT = 70,
    WEFT_TABLE_LB_BACKEND = 71,
    WEFT_TABLE_LB_HAIRPIN = 72,
    WEFT_TABLE_LB_OUT = 73,
};

/* Every table is reached only by goto_table from a lower one. */
_Static_assert(WEFT_TABLE_CLASSIFY < WEFT_TABLE_PORT_SEC
               && WEFT_TABLE_PORT_SEC < WEFT_TABLE_ACL_OUT
               && WEFT_TABLE_ACL_OUT < WEFT_TABLE_ACL_OUT_VERDICT
               && WEFT_TABLE_ACL_OUT_VERDICT < WEFT_TABLE_ARP_RESPOND
               && WEFT_TABLE_L2_LOOKUP < WEFT_TABLE_ACL_IN
               && WEFT_TABLE_ACL_IN < WEFT_TABLE_ACL_IN_VERDICT
               && WEFT_TABLE_ARP_RESPOND < WEFT_TABLE_L3_ADMIT
               && WEFT_TABLE_L3_ADMIT < WEFT_TABLE_L3_ROUTE
               && WEFT_TABLE_L3_ROUTE < WEFT_TABLE_L3_NEIGHBOR
               && WEFT_TABLE_L3_NEIGHBOR < WEFT_TABLE_L2_LOOKUP
               && WEFT_TABLE_L2_LOOKUP < WEFT_TABLE_FLOOD
               && WEFT_TABLE_L3_ROUTE < WEFT_TABLE_EXT_OUT
               && WEFT_TABLE_EXT_OUT < WEFT_TABLE_EXT_SNAT
               && WEFT_TABLE_EXT_SNAT < WEFT_TABLE_EXT_SNAT_HOST
               && WEFT_TABLE_EXT_SNAT_HOST < WEFT_TABLE_EXT_SEND
               && WEFT_TABLE_EXT_IN < WEFT_TABLE_EXT_IN_HOST
               && WEFT_TABLE_EXT_IN_HOST < WEFT_TABLE_EXT_IN_ROUTER
               && WEFT_TABLE_EXT_IN_ROUTER < WEFT_TABLE_EXT_DELIVER
               && WEFT_TABLE_L3_ROUTE < WEFT_TABLE_LB_SELECT
               && WEFT_TABLE_LB_SELECT < WEFT_TABLE_LB_BACKEND
               && WEFT_TABLE_LB_BACKEND < WEFT_TABLE_LB_HAIRPIN
               && WEFT_TABLE_LB_HAIRPIN < WEFT_TABLE_LB_OUT,
               "goto_table must go forward (EXT_DELIVER goes back to "
               "L3_NEIGHBOR, LB_BACKEND and LB_OUT to L3_ROUTE with "
               "resubmit, which may)");

const char *weft_table_name(int table_id);

/* OpenFlow versions weft speaks; bundles need at least 1.3 (as an ONF
 * extension) and are native from 1.4.  weftd's sessions and weftctl's flow
 * reads both use it, so flows read back are normalized like weftd's desired
 * flows.  (OFPnn_VERSION: OVS's openflow/openflow-common.h, included by the
 * user.) */
#define WEFT_OF_VERSIONS ((1u << OFP13_VERSION) | (1u << OFP14_VERSION) \
                          | (1u << OFP15_VERSION))

/* Registers.  metadata carries the network key (1..65535) from CLASSIFY on;
 * reg10 holds flags.  The compiler sets and matches them by field id (the
 * *_ID names); the text names are what OVS's formatter shows for them. */
#define WEFT_MFF_NETWORK "metadata"
#define WEFT_MFF_NETWORK_ID MFF_METADATA
#define WEFT_MFF_FLAGS "reg10"
#define WEFT_MFF_FLAGS_ID MFF_REG10
#define WEFT_FLAG_FROM_REMOTE 0x1   /* Came in from a tunnel or the uplink. */
#define WEFT_FLAG_LB_UNNAT 0x2      /* L2_LOOKUP: a service's reply un-DNAT
                                     * done (services, see the top). */
#define WEFT_FLAG_ND_REPLY 0x4      /* ARP_RESPOND: an NS rewritten into
                                     * the NA, resubmitted for its TLL
                                     * (compile-arp.c). */
#define WEFT_FLAG_ACL_ALLOW 0x8     /* ACL_OUT, ACL_IN: a rule allowed the
                                     * packet (read by their verdict
                                     * tables; "Policy" at the top). */
/* Routing: reg11 holds the key of the router routing the packet (set by
 * L3_ADMIT, matched by L3_ROUTE), reg12 the IPv4 address of the next hop
 * (set by L3_ROUTE, matched by L3_NEIGHBOR).  Both are 0 on a packet that
 * is not being routed. */
#define WEFT_MFF_ROUTER "reg11"
#define WEFT_MFF_ROUTER_ID MFF_REG11
#define WEFT_MFF_NEXTHOP "reg12"
#define WEFT_MFF_NEXTHOP_ID MFF_REG12
/* Policy: reg13 holds the conntrack zone of the port's network (32768 +
 * N, set before ct(zone=reg13[0..15])), reg14 the ofport ACL_IN delivers
 * to (output:reg14[0..15]).  See "Policy" at the top. */
#define WEFT_MFF_ACL_ZONE "reg13"
#define WEFT_MFF_ACL_ZONE_ID MFF_REG13
#define WEFT_MFF_ACL_PORT "reg14"
#define WEFT_MFF_ACL_PORT_ID MFF_REG14

/* NAT (see the top of this file).  Router R's conntrack zone is R's key;
 * WEFT_ZONE_EXTERNAL is the host's shared SNAT zone (TOPO_ROUTER_KEY_MAX
 * keeps router keys below it).  ct_mark values in zone R. */
#define WEFT_ZONE_EXTERNAL 65535
#define WEFT_CT_MARK_PASS 1         /* DNAT'd or floating IP connection. */
#define WEFT_CT_MARK_SNAT 2         /* SNAT stage 1: on through zone Z. */
/* Router R's hairpin zone (services): where a backend calling its own VIP
 * is SNATed to the VIP.  Zones: R 1..16383, hairpin 16385..32767, policy
 * 32769..65534, external 65535 (topology.h's key limits). */
#define WEFT_ZONE_HAIRPIN_BASE 16384
static inline uint16_t
weft_zone_hairpin(uint32_t router_key)
{
    return WEFT_ZONE_HAIRPIN_BASE + router_key;
}
/* Network N's policy zone (security groups). */
#define WEFT_ZONE_ACL_BASE 32768
static inline uint16_t
weft_zone_acl(uint32_t network_key)
{
    return WEFT_ZONE_ACL_BASE + network_key;
}
/* ct_mark bit in a policy zone: the connection was denied after it was
 * established (its rule removed): its replies drop too. */
#define WEFT_CT_MARK_BLOCKED 0x1
/* A service's node-port group: 0x10000 | its key (its own group id is its
 * key, 1..65535). */
#define WEFT_GROUP_NODE_PORT 0x10000u
/* Router R's SNAT transit address, 100.64.0.0 + R (host byte order). */
#define WEFT_TRANSIT_BASE 0x64400000u
static inline uint32_t
weft_transit_ip(uint32_t router_key)
{
    return WEFT_TRANSIT_BASE + router_key;
}
/* The external MAC of address 'ip' (network byte order): 0a:57 and its
 * four bytes; the host's external side and each floating IP. */
static inline struct eth_addr
weft_ext_mac(ovs_be32 ip)
{
    uint32_t h = ntohl(ip);
    struct eth_addr mac = { .ea = { 0x0a, 0x57, h >> 24, (h >> 16) & 0xff,
                                    (h >> 8) & 0xff, h & 0xff } };
    return mac;
}

/* Cookie layout (64 bits):
 *
 *   63..56  0x57 ('W'), marks every flow weft installs
 *   55..40  tenant key      (0 for flows of no tenant)
 *   39..24  network key     (0 for flows of no network)
 *   23..0   port key        (0 for flows of no single port)
 *
 * so "ovs-ofctl dump-flows br-int cookie=C/M" selects a tenant with
 * M = 0xffffff0000000000, a network with M = 0xffffffffff000000 and a port
 * with M = 0xffffffffffffffff (see weft_cookie_*()).
 *
 * A router's flows have network key 0 and the router key (1..65535) in bits
 * 23..0 (weft_cookie_router()): no other flow has a network key of 0 and a
 * non-zero low field, so M = 0xffffffffffffffff selects a router too.
 *
 * NAT rows: a router's carry weft_cookie_router(), a port's floating IP and
 * mapping rows the port's weft_cookie(); the host's external side (the
 * EXTERNAL owner) has tenant 0, network 0 and port key 0, like the
 * table-miss flows.
 *
 * A service's rows and groups: network key 0 and 0x10000 | its key in the
 * low field (weft_cookie_service()); a router's low field is < 0x8000, so
 * M = 0xffffffffffffffff selects one service.
 *
 * A security group rule's rows: network key 0 and 0x20000 | its id (unique
 * within its tenant) in the low field (weft_cookie_sg_rule()), so
 * M = 0xffffffffffffffff selects one rule. */
#define WEFT_COOKIE_MAGIC 0x57ULL
#define WEFT_COOKIE_TENANT_MASK  0xffffff0000000000ULL
#define WEFT_COOKIE_NETWORK_MASK 0xffffffffff000000ULL
#define WEFT_COOKIE_PORT_MASK    0xffffffffffffffffULL

static inline uint64_t
weft_cookie(uint32_t tenant_key, uint32_t network_key, uint32_t port_key)
{
    return (WEFT_COOKIE_MAGIC << 56)
           | ((uint64_t) (tenant_key & 0xffff) << 40)
           | ((uint64_t) (network_key & 0xffff) << 24)
           | (port_key & 0xffffff);
}

static inline uint64_t
weft_cookie_router(uint32_t tenant_key, uint32_t router_key)
{
    return weft_cookie(tenant_key, 0, router_key & 0xffff);
}

static inline uint64_t
weft_cookie_service(uint32_t tenant_key, uint32_t service_key)
{
    return weft_cookie(tenant_key, 0, 0x10000 | (service_key & 0xffff));
}

static inline uint64_t
weft_cookie_sg_rule(uint32_t tenant_key, uint32_t rule_id)
{
    return weft_cookie(tenant_key, 0, 0x20000 | (rule_id & 0xffff));
}

/* Priorities, highest first within each table. */
enum {
    WEFT_PRIO_PORT_ALLOW = 100,     /* CLASSIFY, PORT_SEC: the port's own. */
    WEFT_PRIO_PORT_DROP = 90,       /* PORT_SEC: the port's other ARP/IPv4. */
    WEFT_PRIO_SPOOF_DROP = 50,      /* CLASSIFY: the port's other eth_src. */
    WEFT_PRIO_ARP_OWN = 110,        /* ARP_RESPOND: request from the owner. */
    WEFT_PRIO_ARP_REPLY = 100,      /* ARP_RESPOND: answer from the switch. */
    WEFT_PRIO_L2_KNOWN = 100,       /* L2_LOOKUP: known destination MAC. */
    WEFT_PRIO_FLOOD = 100,          /* FLOOD: the network's flood list. */
    WEFT_PRIO_FLOOD_REMOTE = 110,   /* FLOOD: from remote, local ports only. */
    WEFT_PRIO_REMOTE_IN = 100,      /* CLASSIFY: tunnel or uplink ingress. */
    WEFT_PRIO_L2_REMOTE = 100,      /* L2_LOOKUP: MAC on another host. */
    WEFT_PRIO_GW_ARP_REPLY = 100,   /* ARP_RESPOND: the router's gateway IP
                                     * (no port may hold it). */
    WEFT_PRIO_L3_ECHO = 120,        /* L3_ADMIT: ping of the gateway IP. */
    WEFT_PRIO_L3_TTL_DROP = 110,    /* L3_ADMIT: TTL 0 or 1 to a router. */
    WEFT_PRIO_L3_ADMIT = 100,       /* L3_ADMIT: IPv4 to a router MAC. */
    WEFT_PRIO_L3_NON_IP_DROP = 90,  /* L3_ADMIT: anything else to it. */
    WEFT_PRIO_L3_ROUTE_BASE = 100,  /* L3_ROUTE: base + 2 * plen, + 1 for a
                                     * connected subnet (longest prefix
                                     * first; connected beats static on a
                                     * tie). */
    WEFT_PRIO_L3_NEIGHBOR = 100,    /* L3_NEIGHBOR: a port's IP. */
    WEFT_PRIO_EXT_IN = 100,         /* CLASSIFY: from the external side. */
    WEFT_PRIO_EXT_ROUTE = 99,       /* L3_ROUTE: to the outside, below
                                     * every real route. */
    WEFT_PRIO_EXT = 100,            /* 50..63: the NAT rows. */
    WEFT_PRIO_EXT_FIP = 120,        /* EXT_SNAT: a floating IP's new
                                     * connection, before the SNAT. */
    WEFT_PRIO_EXT_PASS = 110,       /* EXT_SNAT: ct_mark 1 and 2; EXT_SEND:
                                     * from a floating IP. */
    WEFT_PRIO_EXT_DELIVER = 100,    /* EXT_DELIVER: + prefix length. */
    WEFT_PRIO_EXT_TTL_DROP = 140,   /* EXT_DELIVER: TTL 0 or 1, before
                                     * dec_ttl. */
    WEFT_PRIO_LB_HAIRPIN_REPLY = 310, /* L3_ROUTE: a hairpin reply, above
                                     * the VIP and every route. */
    WEFT_PRIO_LB_VIP = 300,         /* L3_ROUTE: to a service's VIP. */
    WEFT_PRIO_LB_UNNAT = 200,       /* L2_LOOKUP: a backend's reply, before
                                     * any delivery. */
    WEFT_PRIO_LB_HAIRPIN = 110,     /* LB_BACKEND: from a backend to
                                     * itself. */
    WEFT_PRIO_LB = 100,             /* 70..73: the other service rows. */
    WEFT_PRIO_ND_DROP = 120,        /* PORT_SEC: RA, Redirect (HOST). */
    WEFT_PRIO_ND_ALLOW = 110,       /* PORT_SEC: a port's own NA; DAD. */
    WEFT_PRIO_NA_DROP = 105,        /* PORT_SEC: any other NA (HOST). */
    WEFT_PRIO_ND_DAD = 120,         /* ARP_RESPOND: NS from :: goes on. */
    WEFT_PRIO_ND_REPLY = 100,       /* ARP_RESPOND: NS answered. */
    WEFT_PRIO_ND_TLL = 130,         /* ARP_RESPOND: the answer's TLL. */
    WEFT_PRIO_ACL_CT = 150,         /* L2_LOOKUP: IP to a port with
                                     * ingress policy, above its output. */
    WEFT_PRIO_ACL_ND = 65000,       /* 12, 34: neighbour discovery. */
    WEFT_PRIO_ACL_INVALID = 64900,  /* 12, 34: ct_state +inv. */
    WEFT_PRIO_ACL_REPLY = 64800,    /* 12, 34: replies, related. */
    WEFT_PRIO_ACL_REPLY_DROP = 64700, /* 12, 34: blocked replies. */
    WEFT_PRIO_ACL_RULE_TOP = 62000, /* 12, 34: minus the rule's key. */
    WEFT_PRIO_ACL_DENY = 1000,      /* 12, 34: default deny. */
    WEFT_PRIO_ACL_ALLOWED = 110,    /* 13, 35: allowed: commit, pass. */
    WEFT_PRIO_ACL_BLOCK = 100,      /* 13, 35: not allowed, established:
                                     * commit blocked. */
    WEFT_PRIO_DEFAULT = 0,          /* Table miss: drop or go on. */
};

#endif /* ofproto/pipeline.h */
