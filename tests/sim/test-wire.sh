#!/usr/bin/env bash
# test-wire: what weft's tunnels put on the wire, and what h1 accepts from it.
#
# Two simulated hosts (sim-lib.sh), one network per tunnel type with a port
# on each host.  The underlay links record what they send (options:tx_pcap,
# on the underlay bridge, which is not weft's).  For each type:
#   - a packet injected on h2's port is encapsulated, crosses the underlay
#     and reaches h1's port;
#   - the captured frame has the right outer header: UDP 4789 + VNI (VXLAN),
#     IP protocol 47 + GRE key (GRE), UDP 6081 + VNI (Geneve), the key being
#     the network's segment id, from 192.0.2.2 to 192.0.2.1;
#   - the captured frame, replayed into h1's underlay link with
#     netdev-dummy/receive, is decapsulated and delivered again;
#   - the same frame with an unknown key is dropped.
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

sim_start 2

types=(vxlan gre geneve)
prefixes=(vx gr gv)
segs=(1001 2001 3001)
mac() { printf '02:00:00:%02x:00:%02x\n' "$1" "$2"; }

ctl tenant-add red
for k in 1 2 3; do
    t=${types[$((k - 1))]} p=${prefixes[$((k - 1))]}
    ctl net-add "red/$p" --type="$t" --segment="${segs[$((k - 1))]}"
    ctl port-add "red/$p/a" --host=h1 --iface="${p}a" --mac="$(mac $k 1)" --ip="10.$k.0.1"
    ctl port-add "red/$p/b" --host=h2 --iface="${p}b" --mac="$(mac $k 2)" --ip="10.$k.0.2"
done
check "weftctl sync: both hosts installed the configuration" ctl --timeout=120 sync
sim_wait_ports 1 vxa gra gva
sim_wait_ports 2 vxb grb gvb
pcap=$SIM_DIR/h2-l-1.pcap
sim_vsctl 2 set interface l-1 options:tx_pcap="$pcap"

tx_reaches() { [ "$(sim_tx "$1" "$2")" -ge "$3" ]; }
last_frame() { ovs-pcap "$pcap" | tail -1; }
frames() { ovs-pcap "$pcap" 2>/dev/null | wc -l; }
phy_rx() {  # phy_rx N J: packets hN's underlay link l-J has received
    ovs-ofctl dump-ports unix:"$(sim_hdir "$1")/$SIM_PHY.mgmt" "$2" \
        | sed -n 's/.*rx pkts=\([0-9]*\).*/\1/p' | head -1
}
byte() { echo "${1:$(($2 * 2)):$(($3 * 2))}"; }     # byte HEX OFFSET LEN

for k in 1 2 3; do
    t=${types[$((k - 1))]} p=${prefixes[$((k - 1))]} s=${segs[$((k - 1))]}
    key=$(printf '%06x' "$s")
    before=$(frames)
    a=$(sim_tx 1 "${p}a")
    sim_appctl 2 netdev-dummy/receive "${p}b" \
        "in_port(1),eth(src=$(mac $k 2),dst=$(mac $k 1)),eth_type(0x0800),ipv4(src=10.$k.0.2,dst=10.$k.0.1,proto=17,tos=0,ttl=64,frag=no),udp(src=1234,dst=5678)"
    check "$t: h2 -> h1 over the underlay: delivered to ${p}a" \
        wait_for 30 tx_reaches 1 "${p}a" $((a + 1))
    check "$t: h2 sent exactly one frame on the underlay" \
        wait_for 20 eval '[ "$(frames)" -eq $((before + 1)) ]'
    f=$(last_frame)
    check "$t: outer Ethernet h2 -> h1, IPv4 192.0.2.2 -> 192.0.2.1" eval \
        '[ "$(byte "$f" 0 12)" = 0200c00002010200c0000202 ] &&
         [ "$(byte "$f" 12 2)" = 0800 ] && [ "$(byte "$f" 26 8)" = c0000202c0000201 ]'
    case $t in
    vxlan)
        check "vxlan: UDP port 4789, VNI $s (0x$key)" eval \
            '[ "$(byte "$f" 23 1)" = 11 ] && [ "$(byte "$f" 36 2)" = 12b5 ] &&
             [ "$(byte "$f" 42 1)" = 08 ] && [ "$(byte "$f" 46 3)" = "$key" ]'
        koff=46 ;;
    gre)
        check "gre: IP protocol 47, key bit set, GRE key $s (0x$key)" eval \
            '[ "$(byte "$f" 23 1)" = 2f ] && [ "$(byte "$f" 34 4)" = 20006558 ] &&
             [ "$(byte "$f" 38 4)" = "00$key" ]'
        koff=39 ;;
    geneve)
        check "geneve: UDP port 6081, VNI $s (0x$key)" eval \
            '[ "$(byte "$f" 23 1)" = 11 ] && [ "$(byte "$f" 36 2)" = 17c1 ] &&
             [ "$(byte "$f" 46 3)" = "$key" ]'
        koff=46 ;;
    esac

    # Replay the frame into h1's underlay link, as if it came from h2 again.
    a=$(sim_tx 1 "${p}a")
    sim_appctl 1 netdev-dummy/receive l-2 "$f" >/dev/null
    check "$t: the captured frame, replayed into h1's underlay, is delivered to ${p}a" \
        wait_for 30 tx_reaches 1 "${p}a" $((a + 1))
    bad=${f:0:$((koff * 2))}000fa0${f:$(((koff + 3) * 2))}
    a=$(sim_tx 1 "${p}a") r=$(phy_rx 1 2)
    sim_appctl 1 netdev-dummy/receive l-2 "$bad" >/dev/null
    wait_for 30 eval '[ "$(phy_rx 1 2)" -gt "$r" ]'
    sleep 0.2
    check "$t: the same frame with unknown key 4000 is dropped" \
        [ "$(sim_tx 1 "${p}a")" -eq "$a" ]
done

sim_finish
