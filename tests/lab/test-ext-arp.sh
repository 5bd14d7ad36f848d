#!/usr/bin/env bash
# test-ext-arp: a host's external side against a real Linux neighbour.
#
# One host in its own network namespace (ovsdb-server, ovs-vswitchd, netdev
# datapath) whose external interface is a veth to an "outside" namespace
# holding the gateway's address, 192.168.100.1/24: the outside's own kernel
# answers weft's ARP requests, nothing is injected by hand.  Checks that
#  1. weftd attaches the veth to br-int as weft's external port;
#  2. the outside kernel's reply lands in Host.status:external_gateway_mac
#     as the outside interface's MAC, and the outside learnt the host's
#     address at 0a:57:c0:a8:64:0b from weft's request;
#  3. a floating IP assigned to a port on the host is announced (gratuitous
#     ARP): the outside, accepting gratuitous ARP, learns it at
#     0a:57:c0:a8:64:64.
# (Rows are written raw with ovsdb-client: the front ends are tested in
# test-api.sh and test-weftctl.sh.)
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "$0")/../testlib.sh"

weftd_test_init t9ea
out=$p-out
ext=${p}x

cleanup() { weftd_test_cleanup $? test-ext-arp "$ns" "$out"; }
trap cleanup EXIT

weftd_test_host "$ns"
db=unix:$dir/weft.sock
ctl() { "$weftctl" --db="$db" "$@"; }

# transact OP...: one raw transaction, plus a bump of nb_cfg so that
# `weftctl sync` waits for it.
transact() {
    local ops
    ops=$(IFS=,; echo "$*")
    ovsdb-client transact "$db" "[\"Weft\",$ops,{\"op\":\"mutate\",\
\"table\":\"Weft_Global\",\"where\":[],\"mutations\":[[\"nb_cfg\",\"+=\",1]]}]" \
        | jq -e 'all(.[]; has("error") | not)' >/dev/null
}
uuid_of() {     # uuid_of TABLE NAME
    ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"select\",\"table\":\"$1\",\
\"where\":[[\"name\",\"==\",\"$2\"]],\"columns\":[\"_uuid\"]}]" \
        | jq -r '.[0].rows[0]._uuid[1]'
}
gateway_mac() {
    ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Host",
"where":[["name","==","h1"]],"columns":["status"]}]' \
        | jq -r '.[0].rows[0].status[1][] | select(.[0] == "external_gateway_mac") | .[1]'
}
gateway_mac_is() { [ "$(gateway_mac)" = "$1" ]; }
# outside_knows IP MAC: the outside namespace's neighbour table has IP at MAC.
outside_knows() {
    ip -n "$out" neigh show "$1" dev eth0 | grep -q "lladdr $2"
}

# The outside: the gateway's address, gratuitous ARP accepted.
ip netns add "$out"
ip link add "$ext" type veth peer name eth0 netns "$out"
ip link set "$ext" netns "$ns"
ip -n "$ns" link set "$ext" up
ip -n "$out" link set lo up
ip -n "$out" addr add 192.168.100.1/24 dev eth0
ip netns exec "$out" sysctl -qw net.ipv4.conf.eth0.arp_accept=1
ip -n "$out" link set eth0 up
gw_mac=$(ip -n "$out" -j link show eth0 | jq -r '.[0].address')

ctl host-add h1 --remote=unix:"$dir/db.sock" --datapath-type=netdev
ctl tenant-add red
ctl net-add red/a --type=vxlan --segment=1001 --cidr=10.1.0.0/24
ctl port-add red/a/p1 --host=h1 --iface="${p}p1" --mac=02:00:00:00:01:01 --ip=10.1.0.11
check "the external side set on h1's row" transact \
    "{\"op\":\"update\",\"table\":\"Host\",\"where\":[[\"name\",\"==\",\"h1\"]],\"row\":{\"external_iface\":\"$ext\",\"external_ip\":\"192.168.100.11/24\",\"external_gateway\":\"192.168.100.1\"}}"

# shellcheck disable=SC2086 # $WEFT_WEFTD_OPTS: words
"$weftd" --db="$db" --pidfile="$dir/weftd.pid" --unixctl="$dir/weftd.ctl" \
    --log-file="$dir/weftd.log" --detach $WEFT_WEFTD_OPTS 2>/dev/null

check "weftctl sync" ctl --timeout=120 sync
check "the veth is weft's external port on br-int" \
    test "$(ovs-vsctl --db=unix:"$dir/db.sock" get interface "$ext" external_ids:weft-port)" = external
check "the outside's reply: Host.status:external_gateway_mac = $gw_mac" \
    wait_for 60 gateway_mac_is "$gw_mac"
check "the outside learnt 192.168.100.11 at 0a:57:c0:a8:64:0b from weft's request" \
    outside_knows 192.168.100.11 0a:57:c0:a8:64:0b

check "a pool and a floating IP on red/a/p1" transact \
    '{"op":"insert","table":"Pool","row":{"name":"ext","cidr":"192.168.100.0/24"},"uuid-name":"pool"}' \
    "{\"op\":\"insert\",\"table\":\"Floating_IP\",\"row\":{\"tenant\":[\"uuid\",\"$(uuid_of Tenant red)\"],\"pool\":[\"named-uuid\",\"pool\"],\"ip\":\"192.168.100.100\",\"port\":[\"uuid\",\"$(uuid_of Port p1)\"]}}"
check "weftctl sync" ctl --timeout=120 sync
check "the outside learnt 192.168.100.100 at 0a:57:c0:a8:64:64 (gratuitous ARP)" \
    wait_for 60 outside_knows 192.168.100.100 0a:57:c0:a8:64:64

report
