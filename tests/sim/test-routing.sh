#!/usr/bin/env bash
# test-routing: distributed routing across simulated hosts (sim-lib.sh),
# checked with ofproto/trace and "weftctl trace" (ofproto/pipeline.h's
# L3_ADMIT, L3_ROUTE, L3_NEIGHBOR and the gateway ARP answers).
#
#   red/n1   vxlan 1001  10.1.0.0/24 gw .1   a1 on h1 (10.1.0.5)
#   red/n2   vxlan 1002  10.2.0.0/24 gw .1   a2 on h2 (10.2.0.5)
#   red/rr   router, key 1: n1 (02:57:00:01:00:01), n2 (02:57:00:01:00:02),
#            route 10.9.0.0/16 via 10.2.0.5
#   blue/n1  vxlan 2001  10.1.0.0/24 gw .1   b1 on h1 (10.1.0.5, a1's twin)
#   blue/n3  vxlan 2003  10.3.0.0/24 gw .1   b3 on h2 (10.3.0.5)
#   blue/rb  router, key 2: blue/n1, blue/n3
#   h3 has a port of neither tenant's routed networks: no router flows.
#
# A packet from a1 to red's MAC on n1 for a2 leaves h1 (which has no port
# in n2) through the tunnel to h2 with n2's key, source MAC the router's on
# n2, destination a2's, TTL - 1; h2 takes it (it accepts n2's key from h1,
# which serves n2 through the router) and delivers it to a2.  TTL 1 is
# dropped; blue's 10.3.0.5 is nowhere for red's router.
#
# Until weftctl has router commands, the Router rows and the networks'
# cidr/gateway are written with ovsdb-client on weft's database; weftd's
# loader must load them (with --self-check, as every sim test).
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

sim_start 3

ctl tenant-add red
ctl tenant-add blue
ctl net-add red/n1 --type=vxlan --segment=1001
ctl net-add red/n2 --type=vxlan --segment=1002
ctl net-add blue/n1 --type=vxlan --segment=2001
ctl net-add blue/n3 --type=vxlan --segment=2003
ctl net-add red/n9 --type=vxlan --segment=1009
A1=02:00:00:00:01:05 A2=02:00:00:00:02:05 B1=02:00:00:00:01:05
B3=02:00:00:00:03:05
ctl port-add red/n1/a1 --host=h1 --iface=ra1 --mac=$A1 --ip=10.1.0.5
ctl port-add red/n2/a2 --host=h2 --iface=ra2 --mac=$A2 --ip=10.2.0.5
ctl port-add blue/n1/b1 --host=h1 --iface=bb1 --mac=$B1 --ip=10.1.0.5
ctl port-add blue/n3/b3 --host=h2 --iface=bb3 --mac=$B3 --ip=10.3.0.5
ctl port-add red/n9/c3 --host=h3 --iface=rc3 --mac=02:00:00:00:09:03 \
    --ip=10.9.0.3

# Subnets and routers, straight into weft's database.
DB=unix:$SIM_DIR/weft.sock
uuid_of() {     # uuid_of TABLE WHERE-JSON
    ovsdb-client transact "$DB" "[\"Weft\", {\"op\": \"select\", \"table\": \"$1\",
        \"where\": $2, \"columns\": [\"_uuid\"]}]" | jq -r '.[0].rows[0]._uuid[1]'
}
RED=$(uuid_of Tenant '[["name", "==", "red"]]')
BLUE=$(uuid_of Tenant '[["name", "==", "blue"]]')
net_uuid() { uuid_of Network "[[\"name\", \"==\", \"$2\"], [\"tenant\", \"==\", [\"uuid\", \"$1\"]]]"; }
RN1=$(net_uuid "$RED" n1) RN2=$(net_uuid "$RED" n2)
BN1=$(net_uuid "$BLUE" n1) BN3=$(net_uuid "$BLUE" n3)
set_subnet() {  # set_subnet NET_UUID CIDR GATEWAY
    echo "[\"Weft\", {\"op\": \"update\", \"table\": \"Network\",
        \"where\": [[\"_uuid\", \"==\", [\"uuid\", \"$1\"]]],
        \"row\": {\"cidr\": \"$2\", \"gateway\": \"$3\"}}]"
}
RMAC1=02:57:00:01:00:01 RMAC2=02:57:00:01:00:02 BMAC1=02:57:00:02:00:01
BMAC3=02:57:00:02:00:03
for txn in "$(set_subnet "$RN1" 10.1.0.0/24 10.1.0.1)" \
           "$(set_subnet "$RN2" 10.2.0.0/24 10.2.0.1)" \
           "$(set_subnet "$BN1" 10.1.0.0/24 10.1.0.1)" \
           "$(set_subnet "$BN3" 10.3.0.0/24 10.3.0.1)" \
           "[\"Weft\", {\"op\": \"insert\", \"table\": \"Router\", \"row\": {
               \"tenant\": [\"uuid\", \"$RED\"], \"name\": \"rr\", \"flow_key\": 1,
               \"networks\": [\"map\", [[[\"uuid\", \"$RN1\"], \"$RMAC1\"],
                                       [[\"uuid\", \"$RN2\"], \"$RMAC2\"]]],
               \"routes\": [\"map\", [[\"10.9.0.0/16\", \"10.2.0.5\"]]]}}]" \
           "[\"Weft\", {\"op\": \"insert\", \"table\": \"Router\", \"row\": {
               \"tenant\": [\"uuid\", \"$BLUE\"], \"name\": \"rb\", \"flow_key\": 2,
               \"networks\": [\"map\", [[[\"uuid\", \"$BN1\"], \"$BMAC1\"],
                                       [[\"uuid\", \"$BN3\"], \"$BMAC3\"]]]}}]"; do
    out=$(ovsdb-client transact "$DB" "$txn")
    if grep -q '"error"' <<<"$out"; then
        echo "ovsdb-client: $out" >&2
        exit 1
    fi
done
check "weftctl sync: every host installed the configuration" ctl --timeout=120 sync
sim_wait_ports 1 ra1 bb1
sim_wait_ports 2 ra2 bb3
sim_wait_ports 3 rc3

check "weftd loaded the routers: h1 has red's and blue's L3_ADMIT flows" \
    wait_for 30 bash -c "ovs-ofctl -O OpenFlow15 dump-flows unix:$(sim_hdir 1)/br-int.mgmt table=22 \
        | grep -q 'dl_dst=$RMAC1' && ovs-ofctl -O OpenFlow15 dump-flows \
        unix:$(sim_hdir 1)/br-int.mgmt table=22 | grep -q 'dl_dst=$BMAC1'"
tunnels_of() {
    sim_vsctl "$1" --bare --columns=name,type list interface \
        | paste -d' ' - - - | awk '$2 == "vxlan" { print $1 }' | sort | tr '\n' ' '
}
check "h1 and h2 share no network but serve each other's: tunnels vx-h2 and vx-h1" \
    wait_for 30 eval '[ "$(tunnels_of 1)" = "vx-h2 " ] && [ "$(tunnels_of 2)" = "vx-h1 " ]'
check "h3 (no routed network) has no tunnel and no router flow" \
    eval '[ -z "$(tunnels_of 3)" ] && ! sim_ofctl 3 dump-flows table=24 | grep -q reg11'

in1=$(sim_ofport 1 ra1) in2=$(sim_ofport 2 ra2) inb1=$(sim_ofport 1 bb1)
# (ICMP, not bare "ip": OVS commits a changed TTL to the datapath only for
# a packet with an IP protocol.)
red_to() {      # red_to DST TTL: a1's IPv4 packet to red's router on n1
    echo "in_port=$in1,dl_src=$A1,dl_dst=$RMAC1,icmp,nw_src=10.1.0.5,nw_dst=$1,nw_ttl=$2"
}

# Gateway ARP, answered on h1 with the router's MAC on n1.
arp="in_port=$in1,dl_src=$A1,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1,arp_spa=10.1.0.5,arp_sha=$A1,arp_tpa=10.1.0.1"
sim_expect_path "ARP for red/n1's gateway 10.1.0.1 is answered back to a1" 1 "$arp" "ra1"
check "the answer carries the router's MAC on n1" \
    bash -c "ovs-appctl -t $(sim_hdir 1)/ovs-vswitchd.ctl ofproto/trace br-int '$arp' \
             | grep -q '^Final flow: .*dl_src=$RMAC1.*arp_sha=$RMAC1'"
uarp="in_port=$in1,dl_src=$A1,dl_dst=$RMAC1,arp,arp_op=1,arp_spa=10.1.0.5,arp_sha=$A1,arp_tpa=10.1.0.1"
sim_expect_path "a unicast ARP refresh to the router's MAC is answered too" 1 "$uarp" "ra1"
ping_gw="in_port=$in1,dl_src=$A1,dl_dst=$RMAC1,icmp,icmp_type=8,nw_src=10.1.0.5,nw_dst=10.1.0.1,nw_ttl=1"
sim_expect_path "a ping of the gateway (even with TTL 1) is answered back to a1" 1 "$ping_gw" "ra1"
check "the echo reply comes from the gateway: router MAC, 10.1.0.1, type 0, TTL 64" \
    bash -c "ovs-appctl -t $(sim_hdir 1)/ovs-vswitchd.ctl ofproto/trace br-int '$ping_gw' \
             | grep -q '^Final flow: .*dl_src=$RMAC1,dl_dst=$A1,nw_src=10.1.0.1,nw_dst=10.1.0.5,.*nw_ttl=64.*icmp_type=0'"

# Routed across hosts, with net2's key.
sim_expect_path "a1 -> 10.2.0.5 via the router leaves h1 to h2 with n2's key 1002" \
    1 "$(red_to 10.2.0.5 64)" "tnl:192.0.2.2:1002"
acts=$(sim_dp_actions 1 "$(red_to 10.2.0.5 64)")
check "routed frame: source MAC the router's on n2, destination a2's, TTL 63" \
    bash -c "grep -q 'set(eth(src=$RMAC2,dst=$A2))' <<<'$acts' && grep -q 'ttl=63' <<<'$acts'"
sim_expect_path "a1 -> 10.9.1.1 (static route via a2) goes the same way" \
    1 "$(red_to 10.9.1.1 64)" "tnl:192.0.2.2:1002"
sim_expect_path "TTL 1 to the router is dropped" 1 "$(red_to 10.2.0.5 1)" "drop"
sim_expect_path "TTL 0 to the router is dropped" 1 "$(red_to 10.2.0.5 0)" "drop"
sim_expect_path "blue's 10.3.0.5 is nowhere for red's router" \
    1 "$(red_to 10.3.0.5 64)" "drop"
sim_expect_path "a1 -> an address of no route is dropped" 1 "$(red_to 10.7.0.1 64)" "drop"
sim_expect_path "blue's b1 (a1's twin) reaches b3 through blue's router, key 2003" \
    1 "in_port=$inb1,dl_src=$B1,dl_dst=$BMAC1,ip,nw_src=10.1.0.5,nw_dst=10.3.0.5,nw_ttl=64" \
    "tnl:192.0.2.2:2003"
sim_expect_path "b1 -> red's router MAC goes nowhere (not on blue/n1)" \
    1 "in_port=$inb1,dl_src=$B1,dl_dst=$RMAC1,ip,nw_src=10.1.0.5,nw_dst=10.2.0.5,nw_ttl=64" \
    "drop"

# The receiving host takes n2's key from h1, which has no port in n2.
tun2=$(sim_ofport 2 vx-h1)
sim_expect_path "h2 takes the routed frame from h1 (n2's key) and delivers it to a2" \
    2 "in_port=$tun2,tun_id=1002,tun_src=192.0.2.1,tun_dst=192.0.2.2,dl_src=$RMAC2,dl_dst=$A2,ip,nw_src=10.1.0.5,nw_dst=10.2.0.5,nw_ttl=63" \
    "ra2"
# And the reply, routed on h2.
sim_expect_path "a2 -> 10.1.0.5 via the router leaves h2 to h1 with n1's key 1001" \
    2 "in_port=$in2,dl_src=$A2,dl_dst=$RMAC2,ip,nw_src=10.2.0.5,nw_dst=10.1.0.5,nw_ttl=64" \
    "tnl:192.0.2.1:1001"

# weftctl trace names the router and the route, and follows the packet.
out=$(ctl trace red/n1/a1 icmp,nw_dst=10.2.0.5 2>&1 || true)
check "weftctl trace: names the router and the connected route" \
    grep -q '# l3_route, router red/rr, route 10.2.0.0/24: connected, network red/n2' <<<"$out"
check "weftctl trace: follows the routed packet to h2, output to red/n2/a2" \
    grep -q '^=== host h2: output to red/n2/a2' <<<"$out"
out=$(ctl trace red/n1/a1 icmp,nw_dst=10.9.0.7 2>&1 || true)
check "weftctl trace: a static route is named with its next hop" \
    grep -q 'route 10.9.0.0/16 via 10.2.0.5' <<<"$out"
flows=$(ctl flows --host=h1 2>&1 || true)
check "weftctl flows: router flows are the router's" \
    grep -q 'table="\?l3_route"\?.*# router red/rr' <<<"$flows"

# Detaching n2: h1 no longer routes there.
out=$(ovsdb-client transact "$DB" "[\"Weft\", {\"op\": \"mutate\", \"table\": \"Router\",
    \"where\": [[\"name\", \"==\", \"rr\"]], \"mutations\": [[\"networks\", \"delete\",
    [\"set\", [[\"uuid\", \"$RN2\"]]]], [\"routes\", \"delete\", [\"set\", [\"10.9.0.0/16\"]]]]}]")
check "router rr detached from n2 (route removed)" bash -c "! grep -q error <<<'$out'"
check "weftctl sync" ctl --timeout=120 sync
sim_expect_path "after detach: a1 -> 10.2.0.5 is dropped" 1 "$(red_to 10.2.0.5 64)" "drop"
check "weftd's log has no self-check failure" \
    bash -c "! grep -q 'self-check failed' $SIM_DIR/weftd.log"
check "weftd is still running" bash -c "kill -0 \$(cat $SIM_DIR/weftd.pid)"

sim_finish
