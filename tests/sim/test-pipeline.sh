#!/usr/bin/env bash
# test-pipeline: the pipeline matrix on three simulated hosts (sim-lib.sh),
# for each network type: vxlan, gre, geneve and vlan.
#
# Per type T (prefix p = vx|gr|gv|vl, index k = 1..4, subnet 10.k.0.0/24):
#   red/T   (tenant red)   pr1 h1 .1 A1, pr1b h1 .3 A3, pr2 h2 .2 A2
#   blue/T  (tenant blue)  pb1 h1 .1 A1, pb2 h3 .2 A2   (red's MACs and IPs)
#   red/Tg  (tenant red)   pg1 h1, pg2 h2, pg3 h3       (on every host)
# so h3 has no red/T port, and blue's twin of pr2 lives on h3, not h2.
#
# Paths are checked with ofproto/trace (datapath actions summarised by
# sim_summary); for the tunnel types, real packets are also injected with
# netdev-dummy/receive and counted at the far end after crossing the
# simulated underlay encapsulated.  VLAN uplinks cannot be wired together
# (weftd owns the uplink interface and its options), so VLAN paths are
# checked by trace and by injecting tagged frames on the uplink.
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

SIM_UPLINK=up0
sim_start 3

types=(vxlan gre geneve vlan)
prefixes=(vx gr gv vl)
seg() {     # seg TYPE_INDEX NET_INDEX(1 red, 2 blue, 3 green)
    if [ "$1" -eq 4 ]; then echo $((100 + $2)); else echo $((1000 * $1 + $2)); fi
}
mac() { printf '02:00:00:%02x:%02x:%02x\n' "$1" "$2" "$3"; }   # k net n

ctl tenant-add red
ctl tenant-add blue
for k in 1 2 3 4; do
    t=${types[$((k - 1))]} p=${prefixes[$((k - 1))]}
    ctl net-add "red/$p" --type="$t" --segment="$(seg $k 1)"
    ctl net-add "blue/$p" --type="$t" --segment="$(seg $k 2)"
    ctl net-add "red/${p}g" --type="$t" --segment="$(seg $k 3)"
    ctl port-add "red/$p/r1" --host=h1 --iface="${p}r1" --mac="$(mac $k 1 1)" --ip="10.$k.0.1"
    ctl port-add "red/$p/r1b" --host=h1 --iface="${p}r1b" --mac="$(mac $k 1 3)" --ip="10.$k.0.3"
    ctl port-add "red/$p/r2" --host=h2 --iface="${p}r2" --mac="$(mac $k 1 2)" --ip="10.$k.0.2"
    ctl port-add "blue/$p/b1" --host=h1 --iface="${p}b1" --mac="$(mac $k 1 1)" --ip="10.$k.0.1"
    ctl port-add "blue/$p/b2" --host=h3 --iface="${p}b2" --mac="$(mac $k 1 2)" --ip="10.$k.0.2"
    for h in 1 2 3; do
        ctl port-add "red/${p}g/g$h" --host="h$h" --iface="${p}g$h" \
            --mac="$(mac $k 3 $h)" --ip="10.$k.0.$h"
    done
done
check "weftctl sync: every host installed the configuration" ctl --timeout=120 sync
for k in 1 2 3 4; do
    p=${prefixes[$((k - 1))]}
    sim_wait_ports 1 "${p}r1" "${p}r1b" "${p}b1" "${p}g1"
    sim_wait_ports 2 "${p}r2" "${p}g2"
    sim_wait_ports 3 "${p}b2" "${p}g3"
done
tunnels_of() {  # the tunnel interfaces on hN, sorted, space-separated
    sim_vsctl "$1" --bare --columns=name,type list interface \
        | paste -d' ' - - - | awk '$2 ~ /^(vxlan|gre|geneve)$/ { print $1 }' | sort | tr '\n' ' '
}
check "weftd created the tunnel meshes (h1: vx/gr/gv to h2 and h3)" \
    wait_for 30 eval '[ "$(tunnels_of 1)" = "gr-h2 gr-h3 gv-h2 gv-h3 vx-h2 vx-h3 " ]'
check "h2 has tunnels to h1 and h3 (green), h3 to h1 and h2" \
    eval '[ "$(tunnels_of 2)" = "gr-h1 gr-h3 gv-h1 gv-h3 vx-h1 vx-h3 " ] &&
          [ "$(tunnels_of 3)" = "gr-h1 gr-h2 gv-h1 gv-h2 vx-h1 vx-h2 " ]'

eth() { echo "dl_src=$1,dl_dst=$2"; }
BC=ff:ff:ff:ff:ff:ff
ip4() { echo "ip,nw_src=$1,nw_dst=$2"; }

for k in 1 2 3 4; do
    t=${types[$((k - 1))]} p=${prefixes[$((k - 1))]}
    A1=$(mac $k 1 1) A2=$(mac $k 1 2) A3=$(mac $k 1 3)
    G1=$(mac $k 3 1) G2=$(mac $k 3 2) G3=$(mac $k 3 3)
    n=10.$k.0
    sr=$(seg $k 1) sb=$(seg $k 2) sg=$(seg $k 3)
    if [ "$t" = vlan ]; then
        via_h2="tagged $sr on the uplink" via_h3="tagged $sb on the uplink"
        via_g="tagged $sg on the uplink"
        to_h2_red="vlan:$sr up0" to_h3_blue="vlan:$sb up0"
        to_h2_green="vlan:$sg up0" to_h3_green="vlan:$sg up0"
        flood_green="vlan:$sg up0"
    else
        via_h2="to h2 with key $sr" via_h3="to h3 with key $sb" via_g="to h3 with key $sg"
        to_h2_red="tnl:192.0.2.2:$sr" to_h3_blue="tnl:192.0.2.3:$sb"
        to_h2_green="tnl:192.0.2.2:$sg" to_h3_green="tnl:192.0.2.3:$sg"
        flood_green="$to_h2_green $to_h3_green"
    fi

    sim_expect_path "$t: same network, same host: delivered to the local port" \
        1 "in_port=${p}r1,$(eth $A1 $A3),$(ip4 $n.1 $n.3)" "${p}r1b"
    sim_expect_path "$t: same network, other host: $via_h2" \
        1 "in_port=${p}r1,$(eth $A1 $A2),$(ip4 $n.1 $n.2)" "$to_h2_red"
    sim_expect_path "$t: other tenant, same MAC and IP: blue goes $via_h3" \
        1 "in_port=${p}b1,$(eth $A1 $A2),$(ip4 $n.1 $n.2)" "$to_h3_blue"
    sim_expect_path "$t: other network of the same tenant: green goes $via_g" \
        1 "in_port=${p}g1,$(eth $G1 $G3),$(ip4 $n.1 $n.3)" "$to_h3_green"

    # ARP responder: for a remote port's IP, answered on h1 out of in_port.
    flow="in_port=${p}r1,$(eth $A1 $BC),arp,arp_op=1,arp_sha=$A1,arp_spa=$n.1,arp_tpa=$n.2"
    sim_expect_path "$t: ARP request for a remote IP: answered out of in_port" 1 "$flow" "${p}r1"
    check "$t: ARP reply has op=2, the remote port's MAC as sender" \
        bash -c "ovs-appctl -t $(sim_hdir 1)/ovs-vswitchd.ctl ofproto/trace br-int '$flow' \
                 | grep '^Final flow:' | grep 'arp_spa=$n.2' | grep 'arp_op=2' \
                 | grep -q 'arp_sha=$A2'"
    sim_expect_path "$t: ARP request from blue for the same IP: answered with blue's twin" \
        1 "in_port=${p}b1,$(eth $A1 $BC),arp,arp_op=1,arp_sha=$A1,arp_spa=$n.1,arp_tpa=$n.2" "${p}b1"

    # Port security.
    sim_expect_path "$t: spoofed source MAC: dropped" \
        1 "in_port=${p}r1,$(eth 02:00:00:99:99:99 $A2),$(ip4 $n.1 $n.2)" "drop"
    sim_expect_path "$t: spoofed source IP: dropped" \
        1 "in_port=${p}r1,$(eth $A1 $A2),$(ip4 $n.99 $n.2)" "drop"
    sim_expect_path "$t: ARP with a spoofed sender IP: dropped" \
        1 "in_port=${p}r1,$(eth $A1 $BC),arp,arp_op=1,arp_sha=$A1,arp_spa=$n.3,arp_tpa=$n.2" "drop"

    # Flooding: head-end replication only to hosts with ports in the network.
    if [ "$t" = vlan ]; then
        want_red="${p}r1b vlan:$sr up0" want_blue="vlan:$sb up0"
    else
        want_red="${p}r1b tnl:192.0.2.2:$sr" want_blue="tnl:192.0.2.3:$sb"
    fi
    sim_expect_path "$t: other tenant: blue to red's local MAC is unknown in blue (flooded to h3), never red's port" \
        1 "in_port=${p}b1,$(eth $A1 $A3),$(ip4 $n.1 $n.3)" "$want_blue"
    sim_expect_path "$t: broadcast in red: local ports and h2 only (h3 has no red port)" \
        1 "in_port=${p}r1,$(eth $A1 $BC),$(ip4 $n.1 $n.255)" "$want_red"
    sim_expect_path "$t: broadcast in blue: h3 only" \
        1 "in_port=${p}b1,$(eth $A1 $BC),$(ip4 $n.1 $n.255)" "$want_blue"
    sim_expect_path "$t: broadcast in green: both other hosts" \
        1 "in_port=${p}g1,$(eth $G1 $BC),$(ip4 $n.1 $n.255)" "$flood_green"
    sim_expect_path "$t: unknown unicast in green: flooded the same way" \
        1 "in_port=${p}g1,$(eth $G1 02:00:00:99:99:98),$(ip4 $n.1 $n.77)" "$flood_green"

    # From remote: tunnel (tun_id) or uplink (VLAN ID) ingress on h1.
    if [ "$t" = vlan ]; then
        from_h2() { echo "in_port=up0,dl_vlan=$1"; }
        from_h3() { echo "in_port=up0,dl_vlan=$1"; }
        pop="pop_vlan "
    else
        from_h2() { echo "in_port=${p:0:2}-h2,tun_id=$1,tun_src=192.0.2.2,tun_dst=192.0.2.1"; }
        from_h3() { echo "in_port=${p:0:2}-h3,tun_id=$1,tun_src=192.0.2.3,tun_dst=192.0.2.1"; }
        pop=""
    fi
    sim_expect_path "$t: from h2, red key, to red's local MAC: delivered" \
        1 "$(from_h2 $sr),$(eth $A2 $A1),$(ip4 $n.2 $n.1)" "${pop}${p}r1"
    sim_expect_path "$t: from h3, blue key, to the same MAC: blue's port, not red's" \
        1 "$(from_h3 $sb),$(eth $A2 $A1),$(ip4 $n.2 $n.1)" "${pop}${p}b1"
    sim_expect_path "$t: split horizon: broadcast from h2 in green goes to local ports only" \
        1 "$(from_h2 $sg),$(eth $G2 $BC),$(ip4 $n.2 $n.255)" "${pop}${p}g1"
    sim_expect_path "$t: split horizon: unicast from h2 to a MAC on h3 is not sent on (local flood only)" \
        1 "$(from_h2 $sg),$(eth $G2 $G3),$(ip4 $n.2 $n.3)" "${pop}${p}g1"
    sim_expect_path "$t: unknown key from remote: dropped" \
        1 "$(from_h2 4000),$(eth $A2 $A1),$(ip4 $n.2 $n.1)" "drop"
    if [ "$t" != vlan ]; then
        sim_expect_path "$t: red key from h3 (red/$p not shared with h3): dropped" \
            1 "$(from_h3 $sr),$(eth $A2 $A1),$(ip4 $n.2 $n.1)" "drop"
    fi
done

# Real packets: injected on a port, encapsulated, carried over the
# simulated underlay, decapsulated and delivered; counted by port stats.
rx_pkt() {  # rx_pkt SRC_MAC DST_MAC SRC_IP DST_IP
    echo "in_port(1),eth(src=$1,dst=$2),eth_type(0x0800),ipv4(src=$3,dst=$4,proto=17,tos=0,ttl=64,frag=no),udp(src=1234,dst=5678)"
}
tx_reaches() {  # tx_reaches HOST IFACE COUNT
    [ "$(sim_tx "$1" "$2")" -ge "$3" ]
}
for k in 1 2 3; do
    t=${types[$((k - 1))]} p=${prefixes[$((k - 1))]}
    A1=$(mac $k 1 1) A2=$(mac $k 1 2) G1=$(mac $k 3 1)
    n=10.$k.0
    r2=$(sim_tx 2 "${p}r2") b2=$(sim_tx 3 "${p}b2")
    sim_appctl 1 netdev-dummy/receive "${p}r1" "$(rx_pkt $A1 $A2 $n.1 $n.2)"
    check "$t: packet: red h1 -> h2 crosses the underlay and reaches ${p}r2" \
        wait_for 30 tx_reaches 2 "${p}r2" $((r2 + 1))
    sim_appctl 1 netdev-dummy/receive "${p}b1" "$(rx_pkt $A1 $A2 $n.1 $n.2)"
    check "$t: packet: blue h1 -> twin MAC reaches ${p}b2 on h3" \
        wait_for 30 tx_reaches 3 "${p}b2" $((b2 + 1))
    check "$t: packet: red's ${p}r2 got exactly one packet (none of blue's)" \
        bash -c "sleep 0.2; [ \"\$(ovs-ofctl -O OpenFlow15 dump-ports unix:$(sim_hdir 2)/br-int.mgmt \
                  \$(ovs-vsctl --db=unix:$(sim_hdir 2)/db.sock get interface ${p}r2 ofport) \
                  | sed -n 's/.*tx pkts=\([0-9]*\).*/\1/p')\" -eq $((r2 + 1)) ]"

    g2=$(sim_tx 2 "${p}g2") g3=$(sim_tx 3 "${p}g3") b2=$(sim_tx 3 "${p}b2")
    r2=$(sim_tx 2 "${p}r2")
    sim_appctl 1 netdev-dummy/receive "${p}g1" "$(rx_pkt $G1 $BC $n.1 $n.255)"
    check "$t: packet: green broadcast reaches h2 and h3" \
        wait_for 30 bash -c "[ \$(ovs-ofctl -O OpenFlow15 dump-ports unix:$(sim_hdir 2)/br-int.mgmt \
            \$(ovs-vsctl --db=unix:$(sim_hdir 2)/db.sock get interface ${p}g2 ofport) | sed -n 's/.*tx pkts=\([0-9]*\).*/\1/p') -gt $g2 ] \
            && [ \$(ovs-ofctl -O OpenFlow15 dump-ports unix:$(sim_hdir 3)/br-int.mgmt \
            \$(ovs-vsctl --db=unix:$(sim_hdir 3)/db.sock get interface ${p}g3 ofport) | sed -n 's/.*tx pkts=\([0-9]*\).*/\1/p') -gt $g3 ]"
    sleep 0.2
    check "$t: packet: the green broadcast leaked into no other network" eval \
        '[ "$(sim_tx 2 "${p}r2")" -eq "$r2" ] && [ "$(sim_tx 3 "${p}b2")" -eq "$b2" ]'
done

# VLAN: a tagged frame arriving on h2's uplink is delivered untagged.
k=4 p=vl
A1=$(mac $k 1 1) A2=$(mac $k 1 2)
r2=$(sim_tx 2 vlr2)
sim_appctl 2 netdev-dummy/receive up0 \
    "in_port(1),eth(src=$A1,dst=$A2),eth_type(0x8100),vlan(vid=$(seg 4 1),pcp=0),encap(eth_type(0x0800),ipv4(src=10.4.0.1,dst=10.4.0.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1,dst=2))"
check "vlan: packet: tagged frame on h2's uplink reaches vlr2" \
    wait_for 30 tx_reaches 2 vlr2 $((r2 + 1))

sim_finish
