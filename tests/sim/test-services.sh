#!/usr/bin/env bash
# test-services: virtual IPs load-balanced in the switch (ofproto/pipeline.h's
# services, tables 70..73) across simulated hosts (sim-lib.sh), checked with
# ofproto/trace, "weftctl trace" and "weftctl flows".
#
#   red/n1   vxlan 1001  10.1.0.0/24 gw .1   a1 on h1 (10.1.0.5), a2 on h2
#            (10.1.0.6), client c1 on h1 (10.1.0.7)
#   red/rr   router, key 1: n1 (02:57:00:01:00:01)
#   blue/n1  vxlan 2001  the same subnet and addresses: b1 on h1, b2 on h2,
#            client d1 on h1 (red's twins)
#   blue/rb  router, key 2: blue/n1 (02:57:00:02:00:01)
#   red/web  10.96.0.10:80/tcp (key 1) -> a1:8080, a2:8080; later a2 down,
#            and node port 30080 with h1's external side (ext0,
#            192.168.100.11/24, gateway 192.168.100.1)
#   blue/web the same VIP (key 2) -> b1:8080, b2:8080
#
# ofproto/trace follows conntrack's NAT (every connection is new to it) and
# the select group: OVS selects a bucket by the datapath's hash of the
# 5-tuple (dp_hash), which a trace cannot compute, so each trace gives one
# (dp_hash=N, as the datapath would) and the group's bucket for it is
# taken; a client's packet to the VIP leaves toward that backend with its
# destination rewritten.  The
# Service rows are written with ovsdb-client on weft's database, as
# test-nat.sh does; weftd's loader must load them (with --self-check).
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

sim_start 2

ctl tenant-add red
ctl tenant-add blue
ctl net-add red/n1 --type=vxlan --segment=1001
ctl net-add blue/n1 --type=vxlan --segment=2001
A1=02:00:00:00:01:05 A2=02:00:00:00:01:06 C1=02:00:00:00:01:07
ctl port-add red/n1/a1 --host=h1 --iface=ra1 --mac=$A1 --ip=10.1.0.5
ctl port-add red/n1/a2 --host=h2 --iface=ra2 --mac=$A2 --ip=10.1.0.6
ctl port-add red/n1/c1 --host=h1 --iface=rc1 --mac=$C1 --ip=10.1.0.7
ctl port-add blue/n1/b1 --host=h1 --iface=bb1 --mac=$A1 --ip=10.1.0.5
ctl port-add blue/n1/b2 --host=h2 --iface=bb2 --mac=$A2 --ip=10.1.0.6
ctl port-add blue/n1/d1 --host=h1 --iface=bd1 --mac=$C1 --ip=10.1.0.7

DB=unix:$SIM_DIR/weft.sock
uuid_of() {     # uuid_of TABLE WHERE-JSON
    ovsdb-client transact "$DB" "[\"Weft\", {\"op\": \"select\", \"table\": \"$1\",
        \"where\": $2, \"columns\": [\"_uuid\"]}]" | jq -r '.[0].rows[0]._uuid[1]'
}
transact() {
    local out
    out=$(ovsdb-client transact "$DB" "$1")
    if grep -q '"error"' <<<"$out"; then
        echo "ovsdb-client: $out" >&2
        exit 1
    fi
}
RED=$(uuid_of Tenant '[["name", "==", "red"]]')
BLUE=$(uuid_of Tenant '[["name", "==", "blue"]]')
net_uuid() { uuid_of Network "[[\"name\", \"==\", \"n1\"], [\"tenant\", \"==\", [\"uuid\", \"$1\"]]]"; }
port_uuid() { uuid_of Port "[[\"name\", \"==\", \"$1\"]]"; }
RN1=$(net_uuid "$RED") BN1=$(net_uuid "$BLUE")
A1U=$(port_uuid a1) A2U=$(port_uuid a2) B1U=$(port_uuid b1) B2U=$(port_uuid b2)
RMAC=02:57:00:01:00:01 BMAC=02:57:00:02:00:01
for net in "$RN1" "$BN1"; do
    transact "[\"Weft\", {\"op\": \"update\", \"table\": \"Network\",
        \"where\": [[\"_uuid\", \"==\", [\"uuid\", \"$net\"]]],
        \"row\": {\"cidr\": \"10.1.0.0/24\", \"gateway\": \"10.1.0.1\"}}]"
done
service_row() {  # service_row TENANT ROUTER KEY BACKEND1 BACKEND2
    echo "{\"op\": \"insert\", \"table\": \"Service\", \"row\": {
        \"tenant\": [\"uuid\", \"$1\"], \"router\": [\"named-uuid\", \"$2\"],
        \"name\": \"web\", \"flow_key\": $3, \"vip\": \"10.96.0.10\",
        \"port\": 80, \"proto\": \"tcp\",
        \"backends\": [\"map\", [[[\"uuid\", \"$4\"], 8080],
                                [[\"uuid\", \"$5\"], 8080]]]}}"
}
transact "[\"Weft\",
    {\"op\": \"insert\", \"table\": \"Router\", \"uuid-name\": \"rr\", \"row\": {
        \"tenant\": [\"uuid\", \"$RED\"], \"name\": \"rr\", \"flow_key\": 1,
        \"networks\": [\"map\", [[[\"uuid\", \"$RN1\"], \"$RMAC\"]]]}},
    {\"op\": \"insert\", \"table\": \"Router\", \"uuid-name\": \"rb\", \"row\": {
        \"tenant\": [\"uuid\", \"$BLUE\"], \"name\": \"rb\", \"flow_key\": 2,
        \"networks\": [\"map\", [[[\"uuid\", \"$BN1\"], \"$BMAC\"]]]}},
    $(service_row "$RED" rr 1 "$A1U" "$A2U"),
    $(service_row "$BLUE" rb 2 "$B1U" "$B2U")]"

check "weftctl sync: every host installed the configuration" ctl --timeout=120 sync
sim_wait_ports 1 ra1 rc1 bb1 bd1
sim_wait_ports 2 ra2 bb2
has_group() { sim_ofctl "$1" dump-groups | grep -q "group_id=$2,type=select"; }
check "h1 holds red's select group 1" wait_for 30 has_group 1 1
check "h1 holds blue's select group 2" wait_for 30 has_group 1 2
check "h2 (serves both routers) holds both groups" \
    eval 'has_group 2 1 && has_group 2 2'
sim_ofctl 1 dump-groups > "$SIM_DIR/groups-h1.txt"
check "red's group has a bucket per backend, to its DNAT" \
    eval "grep 'group_id=1,' $SIM_DIR/groups-h1.txt | grep 'nat(dst=10.1.0.5:8080)' | grep -q 'nat(dst=10.1.0.6:8080)'"

last_actions() { grep '^Datapath actions:' <<<"$1" | tail -1; }
to_vip() {      # to_vip IN_PORT ROUTER_MAC HASH
    echo "dp_hash=$3,in_port=$1,dl_src=$C1,dl_dst=$2,tcp,nw_src=10.1.0.7,nw_dst=10.96.0.10,nw_ttl=64,tp_src=40000,tp_dst=80"
}
in_c1=$(sim_ofport 1 rc1) in_d1=$(sim_ofport 1 bd1)
a1_dp=$(sim_dp_port 1 ra1) b1_dp=$(sim_dp_port 1 bb1)
# Which backend a connection goes to: a1 (here) or a2 (through the tunnel
# to h2, with red's key 1001).
backend_of() {  # backend_of TRACE -> local DP port or "tunnel:VNI"
    local last
    last=$(last_actions "$1")
    if grep -q 'tnl_push' <<<"$last"; then
        sed -n 's/.*vni=0x\([0-9a-f]*\).*/tunnel:\1/p' <<<"$last" | head -1
    else
        sed -n 's/.*,\([0-9]*\)$/\1/p' <<<"$last"
    fi
}
declare -A red_seen=() blue_seen=()
sim_trace 1 "$(to_vip "$in_c1" "$RMAC" 40000)" > /tmp/sf-trace.txt
for hash in $(seq 1 16); do
    t=$(sim_trace 1 "$(to_vip "$in_c1" "$RMAC" "$hash")")
    if ! grep -q 'group:1' <<<"$t"; then
        bad "red c1 (hash $hash) -> VIP: through red's group 1"
        echo "$t" | tail -20
        break
    fi
    red_seen[$(backend_of "$t")]=1
    t=$(sim_trace 1 "$(to_vip "$in_d1" "$BMAC" "$hash")")
    blue_seen[$(backend_of "$t")]=1
done
check "red's connections reach a1 (here) and a2 (on h2, red's VNI 0x3e9)" \
    test "${!red_seen[*]}" = "$a1_dp tunnel:3e9" -o "${!red_seen[*]}" = "tunnel:3e9 $a1_dp"
check "blue's (same VIP, same addresses) reach only b1 and b2 (VNI 0x7d1)" \
    test "${!blue_seen[*]}" = "$b1_dp tunnel:7d1" -o "${!blue_seen[*]}" = "tunnel:7d1 $b1_dp"

t=$(sim_trace 1 "$(to_vip "$in_c1" "$RMAC" 40000)")
check "the VIP goes through red's zone 1" \
    grep -q 'ct(table=70,zone=1,nat)' <<<"$t"
check "the bucket DNATs in zone 1 to a backend :8080" \
    grep -qE 'ct\(commit,table=71,zone=1,nat\(dst=10\.1\.0\.[56]:8080\)\)' <<<"$t"
check "the packet leaves with its destination rewritten to the backend" \
    grep -qE '^Final flow: .*nw_dst=10\.1\.0\.[56],.*tp_dst=8080' <<<"$t"
t=$(sim_trace 1 "$(to_vip "$in_d1" "$BMAC" 40000)")
check "blue's VIP goes through blue's zone 2 and group 2" \
    eval "grep -q 'ct(table=70,zone=2,nat)' <<<\"\$t\" && grep -q 'group:2' <<<\"\$t\""

# Real packets through the userspace datapath (its conntrack keeps the
# original destination, which ofproto/trace does not): c1's SYN to the VIP
# reaches a backend and counts on its LB_BACKEND row; the backend's SYN-ACK
# reaches c1 un-DNATed, from the VIP.
recv() {        # recv HOST IFACE SRC_MAC DST_MAC SRC DST SPORT DPORT FLAGS
    sim_appctl "$1" netdev-dummy/receive "$2" \
        "eth(src=$3,dst=$4),eth_type(0x0800),ipv4(src=$5,dst=$6,proto=6,tos=0,ttl=64,frag=no),tcp(src=$7,dst=$8),tcp_flags($9)" >/dev/null
}
pcap_sources() {  # pcap_sources FILE: "SRC:SPORT>DST:DPORT" of each IPv4 TCP packet
    python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
off = 24
while off + 16 <= len(data):
    incl = struct.unpack('<I', data[off + 8:off + 12])[0]
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    if len(pkt) >= 38 and pkt[12:14] == b'\x08\x00' and pkt[23] == 6:
        ihl = (pkt[14] & 15) * 4
        sp, dp = struct.unpack('>HH', pkt[14 + ihl:18 + ihl])
        print('%d.%d.%d.%d:%d>%d.%d.%d.%d:%d' % (*pkt[26:30], sp,
              *pkt[30:34], dp))
PY
}
sim_vsctl 1 set interface rc1 options:tx_pcap="$SIM_DIR/rc1.pcap"
tx_a1=$(sim_tx 1 ra1) tx_a2=$(sim_tx 2 ra2)
recv 1 rc1 "$C1" "$RMAC" 10.1.0.7 10.96.0.10 40000 80 syn
to_a1() { test "$(sim_tx 1 ra1)" -gt "$tx_a1"; }
to_a2() { test "$(sim_tx 2 ra2)" -gt "$tx_a2"; }
check "c1's SYN to the VIP reaches a backend (a1 on h1 or a2 on h2)" \
    wait_for 30 eval 'to_a1 || to_a2'
if to_a1; then
    bhost=1 biface=ra1 bmac=$A1 bip=10.1.0.5
else
    bhost=2 biface=ra2 bmac=$A2 bip=10.1.0.6
fi
counted() {
    sim_ofctl 1 dump-flows "table=71,tcp,reg11=1,nw_dst=$bip,tp_dst=8080" \
        | grep -q 'n_packets=[1-9]'
}
check "and counts on that backend's LB_BACKEND row ($bip) on h1" \
    wait_for 30 counted
recv "$bhost" "$biface" "$bmac" "$C1" "$bip" 10.1.0.7 8080 40000 syn\|ack
from_vip() { pcap_sources "$SIM_DIR/rc1.pcap" | grep -qx '10.96.0.10:80>10.1.0.7:40000'; }
check "the backend's SYN-ACK reaches c1 from the VIP 10.96.0.10:80" \
    wait_for 30 from_vip
check "and never from the backend's own address" \
    eval "! pcap_sources $SIM_DIR/rc1.pcap | grep -q '^$bip:'"

# Hairpin: a1 calls its own VIP.  Of 16 connections some reach a1 itself
# (SNATed to the VIP in red's hairpin zone 16385, back out of a1's port).
sim_vsctl 1 set interface ra1 options:tx_pcap="$SIM_DIR/ra1.pcap"
tx_a1=$(sim_tx 1 ra1) tx_a2=$(sim_tx 2 ra2)
for sport in $(seq 41000 41015); do
    recv 1 ra1 "$A1" "$RMAC" 10.1.0.5 10.96.0.10 "$sport" 80 syn
done
all_sent() { test $(( $(sim_tx 1 ra1) - tx_a1 + $(sim_tx 2 ra2) - tx_a2 )) -ge 16; }
check "hairpin: a1's 16 connections to its VIP all reach a backend" \
    wait_for 30 all_sent
check "some come back out of a1's own port" test "$(sim_tx 1 ra1)" -gt "$tx_a1"
hairpinned() {
    sim_ofctl 1 dump-flows "table=71,tcp,reg11=1,nw_src=10.1.0.5,nw_dst=10.1.0.5" \
        | grep 'nat(src=10.96.0.10)' | grep -q 'n_packets=[1-9]'
}
check "through the hairpin row (SNAT to the VIP in zone 16385)" hairpinned
# One that came back: from the VIP (SNAT) to a1:8080 (DNAT).  a1 answers it.
hp=$(pcap_sources "$SIM_DIR/ra1.pcap" | grep '^10\.96\.0\.10:[0-9]*>10\.1\.0\.5:8080$' | sed -n 1p)
check "a hairpinned SYN reaches a1 from the VIP, to a1:8080" test -n "$hp"
hsport=${hp#10.96.0.10:}
hsport=${hsport%%>*}
recv 1 ra1 "$A1" "$RMAC" 10.1.0.5 10.96.0.10 8080 "${hsport:-1}" syn\|ack
hairpin_reply() {
    pcap_sources "$SIM_DIR/ra1.pcap" | grep -qx "10.96.0.10:80>10.1.0.5:$hsport"
}
check "a1's SYN-ACK comes back to a1 from the VIP 10.96.0.10:80 (un-SNAT, un-DNAT)" \
    wait_for 30 hairpin_reply

# A backend marked down gets no bucket.
transact "[\"Weft\", {\"op\": \"update\", \"table\": \"Service\",
    \"where\": [[\"flow_key\", \"==\", 1]],
    \"row\": {\"down\": [\"set\", [[\"uuid\", \"$A2U\"]]]}}]"
check "weftctl sync" ctl --timeout=120 sync
check "a2 down: red's group has a1's bucket only" \
    eval "sim_ofctl 1 dump-groups | grep 'group_id=1,' | grep -v -q '10.1.0.6'"
check "blue's group keeps both" \
    eval "sim_ofctl 1 dump-groups | grep 'group_id=2,' | grep -q 'nat(dst=10.1.0.6:8080)'"

# weftctl names it.
flows=$(ctl flows --host=h1 2>&1 || true)
check "weftctl flows: the service's VIP row" \
    grep -q 'service red/web 10.96.0.10:80/tcp' <<<"$flows"
check "weftctl flows: a backend's row" \
    grep -q 'backend red/n1/a1 10.1.0.5:8080' <<<"$flows"
out=$(ctl trace red/n1/c1 tcp,nw_dst=10.96.0.10,tp_dst=80 2>&1 || true)
check "weftctl trace: the VIP" grep -q 'service red/web 10.96.0.10:80/tcp' <<<"$out"
check "weftctl trace: the backend chosen" \
    grep -q 'bucket .*backend red/n1/a1 10.1.0.5:8080' <<<"$out"

# Node port 30080 on red's web, h1 given an external side: h1 (a1, red's
# only live backend, is there) answers on 192.168.100.11:30080; h2 (no
# external side) does not.
GWMAC=52:54:00:00:01:01 EXTMAC=0a:57:c0:a8:64:0b
transact "[\"Weft\",
    {\"op\": \"update\", \"table\": \"Host\", \"where\": [[\"name\", \"==\", \"h1\"]],
     \"row\": {\"external_iface\": \"ext0\", \"external_ip\": \"192.168.100.11/24\",
               \"external_gateway\": \"192.168.100.1\"}},
    {\"op\": \"update\", \"table\": \"Service\", \"where\": [[\"flow_key\", \"==\", 1]],
     \"row\": {\"node_port\": 30080}}]"
check "weftctl sync" ctl --timeout=120 sync
sim_wait_ports 1 ext0
hex() { tr -d ':.' <<<"$1"; }
hexip() { local IFS=.; # shellcheck disable=SC2086 # the four bytes
    printf %02x $1; }
arp_reply=$(hex $EXTMAC)$(hex $GWMAC)0806000108000604$(printf %04x 2)
arp_reply+=$(hex $GWMAC)$(hexip 192.168.100.1)$(hex $EXTMAC)$(hexip 192.168.100.11)
sim_appctl 1 netdev-dummy/receive ext0 "$arp_reply" >/dev/null
sends() { sim_ofctl 1 dump-flows table=53 | grep -q "set_field:$GWMAC->eth_dst"; }
check "h1 learnt the gateway's MAC" wait_for 30 sends
check "h1: the node port's row and its group of local backends (65537)" \
    eval 'sim_ofctl 1 dump-flows table=61 | grep -q "tp_dst=30080.*group:65537" && has_group 1 65537'
check "h2 (no external side) has no node port" \
    eval '! has_group 2 65537 && ! sim_ofctl 2 dump-flows | grep -q 30080'
sim_vsctl 1 set interface ext0 options:tx_pcap="$SIM_DIR/ext0.pcap"
recv 1 ext0 "$GWMAC" "$EXTMAC" 203.0.113.7 192.168.100.11 50000 30080 syn
np_in() {
    pcap_sources "$SIM_DIR/ra1.pcap" | grep -qx '203.0.113.7:50000>10.1.0.5:8080'
}
check "outside -> 192.168.100.11:30080 reaches a1:8080 (DNAT in zone 1)" \
    wait_for 30 np_in
recv 1 ra1 "$A1" "$RMAC" 10.1.0.5 203.0.113.7 8080 50000 syn\|ack
np_out() {
    pcap_sources "$SIM_DIR/ext0.pcap" | grep -qx '192.168.100.11:30080>203.0.113.7:50000'
}
check "a1's reply leaves ext0 from 192.168.100.11:30080" wait_for 30 np_out
flows=$(ctl flows --host=h1 2>&1 || true)
check "weftctl flows: the node port row" \
    grep -q 'service red/web 10.96.0.10:80/tcp, node port tcp/30080' <<<"$flows"

# weftd restarted: every row and group read back equals the compiled one,
# so nothing is sent (flows and groups are compared natively).
hosts_line() { ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/hosts | grep "^h$1 "; }
host_field() { hosts_line "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
pid=$(pidfile_pid "$SIM_DIR/weftd.pid")
ovs-appctl --timeout=10 -t "$SIM_DIR/weftd.ctl" exit
wait_for 30 eval '! kill -0 '"$pid"' 2>/dev/null'
(
    export OVS_RUNDIR=$SIM_DIR OVS_DBDIR=$SIM_DIR OVS_LOGDIR=$SIM_DIR
    # shellcheck disable=SC2086 # $WEFT_WEFTD_OPTS: words
    "$sim_weftd" --db=unix:"$SIM_DIR/weft.sock" \
        --pidfile="$SIM_DIR/weftd.pid" --unixctl="$SIM_DIR/weftd.ctl" \
        --log-file="$SIM_DIR/weftd.log" --detach --no-chdir \
        $WEFT_WEFTD_OPTS 2>/dev/null
)
check "weftctl sync after a weftd restart" ctl --timeout=120 sync
for h in 1 2; do
    check "restart: h$h got 0 flow_mods and no bundle (group_mods go in one)" \
        eval '[ "$(host_field '"$h"' flow_mods)" = 0 ] && [ "$(host_field '"$h"' bundles)" = 0 ]'
done

# Both services deleted: no service row nor group is left.
transact "[\"Weft\", {\"op\": \"delete\", \"table\": \"Service\", \"where\": []}]"
check "weftctl sync" ctl --timeout=120 sync
check "no group is left on h1" eval '! sim_ofctl 1 dump-groups | grep -q group_id'
check "no row of tables 70..73 is left on h1" \
    eval '! sim_ofctl 1 dump-flows | grep -qE "table=(7[0-3]|lb_[a-z]*),"'
check "weftd's log has no self-check failure" \
    bash -c "! grep -q 'self-check failed' $SIM_DIR/weftd.log"
check "weftd is still running" bash -c "kill -0 \$(cat $SIM_DIR/weftd.pid)"

sim_finish
