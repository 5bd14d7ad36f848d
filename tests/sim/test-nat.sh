#!/usr/bin/env bash
# test-nat: the ways in and out (ofproto/pipeline.h's NAT, tables 50..63)
# across simulated hosts (sim-lib.sh), checked with ofproto/trace,
# "weftctl trace" and "weftctl flows".
#
#   red/n1   vxlan 1001  10.1.0.0/24 gw .1   a1 on h1 (10.1.0.5), a2 on h2
#   red/rr   router, key 1, SNAT: n1 (02:57:00:01:00:01)
#   blue/n1  vxlan 2001  10.1.0.0/24 gw .1   b1 on h1 (10.1.0.5, a1's twin)
#   blue/rb  router, key 2, SNAT: blue/n1 (02:57:00:02:00:01)
#   h1       external side ext0, 192.168.100.11/24, gateway 192.168.100.1
#   pool     ext 192.168.100.0/24; floating IP 192.168.100.100 -> red a1
#   mapping  h1 tcp/8080 -> blue b1:80
#
# weftd attaches ext0 to h1's br-int; the gateway's ARP reply, injected on
# ext0, is learnt over a packet-in and gives EXT_SEND its destination MAC.
# ofproto/trace runs conntrack's actions as recirculations with ct_state
# new|trk (every connection is new to it) and applies their NAT to the
# packet it traces on: the addresses after each ct() are in the trace.
#
# The NAT rows are written with ovsdb-client on weft's database, as
# test-routing.sh does for routers; weftd's loader must load them (with
# --self-check, as every sim test).
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

sim_start 2

ctl tenant-add red
ctl tenant-add blue
ctl net-add red/n1 --type=vxlan --segment=1001
ctl net-add blue/n1 --type=vxlan --segment=2001
A1=02:00:00:00:01:05 A2=02:00:00:00:01:06 B1=02:00:00:00:01:05
ctl port-add red/n1/a1 --host=h1 --iface=ra1 --mac=$A1 --ip=10.1.0.5
ctl port-add red/n1/a2 --host=h2 --iface=ra2 --mac=$A2 --ip=10.1.0.6
ctl port-add blue/n1/b1 --host=h1 --iface=bb1 --mac=$B1 --ip=10.1.0.5

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
RN1=$(net_uuid "$RED") BN1=$(net_uuid "$BLUE")
A1U=$(uuid_of Port '[["name", "==", "a1"]]')
B1U=$(uuid_of Port '[["name", "==", "b1"]]')
RMAC=02:57:00:01:00:01 BMAC=02:57:00:02:00:01
GWMAC=52:54:00:00:01:01 EXTMAC=0a:57:c0:a8:64:0b FIPMAC=0a:57:c0:a8:64:64
for net in "$RN1" "$BN1"; do
    transact "[\"Weft\", {\"op\": \"update\", \"table\": \"Network\",
        \"where\": [[\"_uuid\", \"==\", [\"uuid\", \"$net\"]]],
        \"row\": {\"cidr\": \"10.1.0.0/24\", \"gateway\": \"10.1.0.1\"}}]"
done
transact "[\"Weft\",
    {\"op\": \"insert\", \"table\": \"Router\", \"row\": {
        \"tenant\": [\"uuid\", \"$RED\"], \"name\": \"rr\", \"flow_key\": 1,
        \"snat\": true,
        \"networks\": [\"map\", [[[\"uuid\", \"$RN1\"], \"$RMAC\"]]]}},
    {\"op\": \"insert\", \"table\": \"Router\", \"row\": {
        \"tenant\": [\"uuid\", \"$BLUE\"], \"name\": \"rb\", \"flow_key\": 2,
        \"snat\": true,
        \"networks\": [\"map\", [[[\"uuid\", \"$BN1\"], \"$BMAC\"]]]}},
    {\"op\": \"update\", \"table\": \"Host\", \"where\": [[\"name\", \"==\", \"h1\"]],
     \"row\": {\"external_iface\": \"ext0\", \"external_ip\": \"192.168.100.11/24\",
               \"external_gateway\": \"192.168.100.1\"}},
    {\"op\": \"insert\", \"table\": \"Pool\", \"uuid-name\": \"pool\",
     \"row\": {\"name\": \"ext\", \"cidr\": \"192.168.100.0/24\"}},
    {\"op\": \"insert\", \"table\": \"Floating_IP\", \"row\": {
        \"tenant\": [\"uuid\", \"$RED\"], \"pool\": [\"named-uuid\", \"pool\"],
        \"ip\": \"192.168.100.100\", \"port\": [\"uuid\", \"$A1U\"]}},
    {\"op\": \"update\", \"table\": \"Port\", \"where\": [[\"_uuid\", \"==\", [\"uuid\", \"$B1U\"]]],
     \"row\": {\"mappings\": [\"map\", [[\"tcp/8080\", 80]]]}}]"

check "weftctl sync: every host installed the configuration" ctl --timeout=120 sync
sim_wait_ports 1 ra1 bb1 ext0
sim_wait_ports 2 ra2
ext_classified() {
    sim_ofctl 1 dump-flows table=0 \
        | grep -qE "in_port=(\"?ext0\"?|$(sim_ofport 1 ext0)) .*goto_table:(60|ext_in)"
}
check "h1 has its external side's flows: ext0 classified to ext_in" \
    wait_for 30 ext_classified
no_nat_flows() { ! sim_ofctl "$1" dump-flows | grep -qE "table=(5[0-3]|6[0-3]|ext_[a-z_]*),"; }
check "h2 (no external side) has no NAT flow" no_nat_flows 2
sends() { sim_ofctl 1 dump-flows table=53 | grep -q "$1"; }
check "until the gateway's MAC is known, EXT_SEND only drops" \
    eval '! sends output'

# The gateway answers weftd's ARP request: a packet-in, its MAC learnt.
ext=$(sim_ofport 1 ext0)
hex() { tr -d ':.' <<<"$1"; }
hexip() { local IFS=.; # shellcheck disable=SC2086 # the four bytes
    printf %02x $1; }
arp_reply=$(hex $EXTMAC)$(hex $GWMAC)0806000108000604$(printf %04x 2)
arp_reply+=$(hex $GWMAC)$(hexip 192.168.100.1)$(hex $EXTMAC)$(hexip 192.168.100.11)
sim_appctl 1 netdev-dummy/receive ext0 "$arp_reply" >/dev/null
check "the gateway's ARP reply is learnt: EXT_SEND sends to its MAC" \
    wait_for 30 sends "set_field:$GWMAC->eth_dst"

in_b1=$(sim_ofport 1 bb1) in_a1=$(sim_ofport 1 ra1)
out_to() {      # out_to IN_PORT SRC_MAC ROUTER_MAC: TCP to 203.0.113.7:80
    echo "in_port=$1,dl_src=$2,dl_dst=$3,tcp,nw_src=10.1.0.5,nw_dst=203.0.113.7,nw_ttl=64,tp_src=40000,tp_dst=80"
}
trace_b1=$(sim_trace 1 "$(out_to "$in_b1" "$B1" "$BMAC")")
check "blue b1 -> outside: zone 2, SNAT to blue's transit address 100.64.0.2" \
    grep -q 'ct(commit,table=52,zone=2,nat(src=100.64.0.2),exec(set_field:0x2->ct_mark))' <<<"$trace_b1"
check "then zone 65535, SNAT to h1's external IP" \
    grep -q 'ct(commit,table=53,zone=65535,nat(src=192.168.100.11))' <<<"$trace_b1"
ext_dp=$(sim_dp_port 1 ext0)
last_actions() { grep '^Datapath actions:' <<<"$1" | tail -1; }
check "and out of ext0 from h1's external MAC to the gateway's" \
    grep -q "set(eth(src=$EXTMAC,dst=$GWMAC)).*,$ext_dp\$" <<<"$(last_actions "$trace_b1")"
check "with h1's external IP as its source" \
    grep -q "^Final flow: .*nw_src=192.168.100.11,nw_dst=203.0.113.7" <<<"$trace_b1"
trace_a1=$(sim_trace 1 "$(out_to "$in_a1" "$A1" "$RMAC")")
check "red a1 (its twin, floating IP) -> outside: zone 1, SNAT to 192.168.100.100" \
    grep -q 'ct(commit,table=53,zone=1,nat(src=192.168.100.100),exec(set_field:0x1->ct_mark))' <<<"$trace_a1"
check "and out of ext0 from the floating IP's own MAC" \
    grep -q "set(eth(src=$FIPMAC,dst=$GWMAC)).*,$ext_dp\$" <<<"$(last_actions "$trace_a1")"
check "not through zone 65535" test "$(grep -c zone=65535 <<<"$trace_a1")" = 0

# From the outside.
in_from() {     # in_from DST_IP DST_PORT
    echo "in_port=$ext,dl_src=$GWMAC,dl_dst=$EXTMAC,tcp,nw_src=203.0.113.7,nw_dst=$1,nw_ttl=64,tp_src=50000,tp_dst=$2"
}
trace_un=$(sim_trace 1 "$(in_from 192.168.100.11 9999)")
check "outside -> h1's external IP, an unmapped port: zone 65535, then dropped" \
    test "$(grep -c 'ct(table=61,zone=65535,nat)' <<<"$trace_un"):$(last_actions "$trace_un")" \
         = "1:Datapath actions: drop"
trace_map=$(sim_trace 1 "$(in_from 192.168.100.11 8080)")
check "outside -> h1:8080 (mapped): blue's zone 2, DNAT to 10.1.0.5:80" \
    grep -q 'ct(commit,table=63,zone=2,nat(dst=10.1.0.5:80),exec(set_field:0x1->ct_mark))' <<<"$trace_map"
b1_dp=$(sim_dp_port 1 bb1) a1_dp=$(sim_dp_port 1 ra1)
check "delivered to blue's b1 (not red's twin a1), routed by rb, TTL 63" \
    test "$(last_actions "$trace_map")" \
         = "Datapath actions: set(eth(src=$BMAC,dst=$B1)),set(ipv4(ttl=63)),$b1_dp"
trace_fip=$(sim_trace 1 "$(in_from 192.168.100.100 22)")
check "outside -> the floating IP: red's zone 1, DNAT to 10.1.0.5" \
    grep -q 'ct(commit,table=63,zone=1,nat(dst=10.1.0.5),exec(set_field:0x1->ct_mark))' <<<"$trace_fip"
check "delivered to red's a1, routed by rr" \
    test "$(last_actions "$trace_fip")" \
         = "Datapath actions: set(eth(src=$RMAC,dst=$A1)),set(ipv4(ttl=63)),$a1_dp"
arp_fip="in_port=$ext,dl_src=$GWMAC,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1,arp_spa=192.168.100.1,arp_sha=$GWMAC,arp_tpa=192.168.100.100"
check "ARP for the floating IP is answered on ext0 with its own MAC" \
    grep -q "^Final flow: .*dl_src=$FIPMAC.*arp_sha=$FIPMAC" <<<"$(sim_trace 1 "$arp_fip")"
sim_expect_path "outside -> an endpoint's own address is dropped" 1 \
    "in_port=$ext,dl_src=$GWMAC,dl_dst=$EXTMAC,tcp,nw_src=203.0.113.7,nw_dst=10.1.0.5,nw_ttl=64,tp_dst=80" \
    "drop"

# weftctl names it.
out=$(ctl trace blue/n1/b1 tcp,nw_dst=203.0.113.7,tp_dst=80 2>&1 || true)
check "weftctl trace: blue's zone and the SNAT to the transit address" \
    grep -q 'conntrack zone 2 (router blue/rb), commit, SNAT nw_src 10.1.0.5 -> 100.64.0.2' <<<"$out"
check "weftctl trace: the shared zone and the SNAT to h1's external IP" \
    grep -q "conntrack zone 65535 (host h1's external SNAT), commit, SNAT nw_src 100.64.0.2 -> 192.168.100.11" <<<"$out"
check "weftctl trace: out of the external side" \
    grep -q -- '-> ext0.*(the external side)' <<<"$out"
flows=$(ctl flows --host=h1 2>&1 || true)
check "weftctl flows: the SNAT rows" grep -q 'snat via 192.168.100.11' <<<"$flows"
check "weftctl flows: the floating IP's rows" \
    grep -q 'fip 192.168.100.100 -> n1/a1' <<<"$flows"
check "weftctl flows: the mapping" grep -q 'map tcp/8080 -> n1/b1:80' <<<"$flows"

# The mapping goes: no row for it any more, and the router keeps SNAT.
transact "[\"Weft\", {\"op\": \"update\", \"table\": \"Port\",
    \"where\": [[\"_uuid\", \"==\", [\"uuid\", \"$B1U\"]]],
    \"row\": {\"mappings\": [\"map\", []]}}]"
check "weftctl sync" ctl --timeout=120 sync
check "the mapping's row is gone" eval '! sim_ofctl 1 dump-flows table=61 | grep -q tp_dst=8080'
check "blue's SNAT stays" \
    eval 'sim_ofctl 1 dump-flows table=51 | grep -q "nat(src=100.64.0.2)"'
check "weftd's log has no self-check failure" \
    bash -c "! grep -q 'self-check failed' $SIM_DIR/weftd.log"
check "weftd is still running" bash -c "kill -0 \$(cat $SIM_DIR/weftd.pid)"

sim_finish
