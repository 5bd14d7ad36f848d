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
#   red/web  10.96.0.10:80/tcp (key 1) -> a1:8080, a2:8080
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
check "red's group has a bucket per backend, to its DNAT" \
    eval "sim_ofctl 1 dump-groups | grep 'group_id=1,' | grep -q 'nat(dst=10.1.0.5:8080).*nat(dst=10.1.0.6:8080)'"

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
sim_trace 1 "$(to_vip "$in_c1" "$RMAC" 1)" > /tmp/sf-trace.txt
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

# Hairpin: a1 calls its own VIP; whichever backend it gets, a packet to
# itself is SNATed to the VIP in red's hairpin zone 32769.
hairpin=0
for hash in $(seq 1 16); do
    t=$(sim_trace 1 "dp_hash=$hash,in_port=$(sim_ofport 1 ra1),dl_src=$A1,dl_dst=$RMAC,tcp,nw_src=10.1.0.5,nw_dst=10.96.0.10,nw_ttl=64,tp_src=41000,tp_dst=80")
    if grep -q 'nat(dst=10.1.0.5:8080)' <<<"$t"; then
        hairpin=1
        break
    fi
done
check "hairpin: a1 -> VIP -> a1 is SNATed to the VIP in zone 32769" \
    grep -q 'ct(commit,table=72,zone=32769,nat(src=10.96.0.10))' <<<"$t"
check "and goes back out a1's own port" \
    eval "test $hairpin = 1 && grep -qE ',$a1_dp\$' <<<\"\$(last_actions \"\$t\")\""

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
