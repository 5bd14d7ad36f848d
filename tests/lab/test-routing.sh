#!/bin/bash
# test-routing: tenant routing on the namespace lab, three hosts.  The demo
# gives each tenant (red, blue: identical subnets and IPs) a router "rtr"
# attached to its vx, gre and vlan networks (10.0.0.0/24, 10.1.0.0/24,
# 10.2.0.0/24, gateways .1), and every endpoint a default route via its
# network's gateway.  Checks:
#   - `weft-lab status --json`: networks[] cidr, gateway, router;
#     endpoints[] gateway; routers[] name, tenant, networks; and that no
#     older field went away;
#   - the front ends agree: weftctl router-show, --api router-show, the
#     REST router object; a tenant's token sees its own router only;
#   - routed pings between every pair of a tenant's networks across hosts,
#     answered by the destination itself, the reply's TTL one hop down (63);
#   - nothing between tenants: an address that exists only in blue is not
#     reachable from red through red's router (identical subnets);
#   - a spoofed gateway ARP from an endpoint is dropped, and the gateway
#     still resolves to the router's MAC;
#   - a static route whose next hop is an endpoint acting as a router
#     (ip_forward on in its namespace) carries packets to the prefix behind
#     it (TTL two hops down), and route-del stops them;
#   - port-add without --ip allocates the lowest free address, and weftctl
#     attach without --ip sets it with the subnet's length and a default
#     route via the gateway.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab-lib.sh disable=SC1091
source "$HERE/../../scripts/lab-lib.sh"

lab_test_start t8rt --hosts 3 --no-matrix

lab() { "$WEFT_LAB" --prefix "$P" "$@"; }
ST="$TMP/state.json"
lab status --json > "$ST"
D=$(jq -r .dir "$ST")
API="$D/weft-api.sock"
WEFTCTL=$WEFT_BUILD_DIR/controller/weftctl
ep() { jq -r --arg n "$1" ".endpoints[] | select(.name == \$n) | .$2" "$ST"; }
ns() { ep "$1" netns; }
in_ep() { local e=$1; shift; ip netns exec "$(ns "$e")" "$@"; }
token() { jq -r --arg t "$1" '.tenants[] | select(.name == $t) | .token' "$ST"; }
api() {       # api TOKEN|- METHOD PATH [BODY]: prints the body, then the status
    local tok=$1 m=$2 path=$3 body=${4:-} auth=()
    [ "$tok" = - ] || auth=(-H "Authorization: Bearer $tok")
    curl -s -w '\n%{http_code}\n' --unix-socket "$API" -X "$m" \
        ${auth[@]+"${auth[@]}"} ${body:+-d "$body"} "http://weft$path"
}
status_of() { tail -n1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }
has() { grep -qE -- "$2" <<<"$1"; }
jqt() { jq -e "$@" >/dev/null; }   # jqt FILTER FILE: true if FILTER is

# routed_ping SRC DST COUNT: COUNT pings answered, DST's own InEchos grew by
# COUNT, every reply with TTL 63 (one hop: routed on the source's host).
# One warm-up ping first (a new tunnel neighbour may lose the first packet).
routed_ping() {
    local src=$1 dst=$2 c=$3 b a out
    in_ep "$src" ping -c1 -W1 -q "$(ep "$dst" ip)" >/dev/null 2>&1 || true
    b=$(icmp_in_echos "$(ns "$dst")")
    out=$(in_ep "$src" ping -c "$c" -i 0.2 -W 1 "$(ep "$dst" ip)" 2>&1) || return 1
    a=$(icmp_in_echos "$(ns "$dst")")
    [ $((a - b)) -ge "$c" ] || { echo "InEchos +$((a - b))"; return 1; }
    [ "$(grep -c 'ttl=63 ' <<<"$out")" -eq "$c" ] \
        || { grep 'ttl=' <<<"$out" | head -n1; return 1; }
}

echo "== status --json: the routing fields, and every older field still there"
check "networks[]: each demo network has its cidr, gateway .1 and router rtr" \
    jqt '[.networks[] | select(.tenant == "red" or .tenant == "blue")]
           | length == 6 and all(.[];
               .cidr == ("10." + ({"vx": "0", "gre": "1", "vlan": "2"}[.name]) + ".0.0/24")
               and .gateway == ("10." + ({"vx": "0", "gre": "1", "vlan": "2"}[.name]) + ".0.1")
               and .router == "rtr")' "$ST"
check "networks[]: name, tenant, path, type, segment_id, mtu kept" \
    jqt 'all(.networks[]; has("name") and has("tenant") and has("path")
                           and has("type") and has("segment_id") and has("mtu"))' "$ST"
# shellcheck disable=SC2016
check "endpoints[]: gateway = their network's gateway" \
    jqt '. as $s | all(.endpoints[]; . as $e
             | .gateway == ([$s.networks[] | select(.tenant == $e.tenant
                                and .name == $e.network)][0].gateway))' "$ST"
check "endpoints[]: name, netns, host, tenant, network, port, ip, prefixlen, mac, iface, mtu, network_type, segment_id kept" \
    jqt 'all(.endpoints[]; [has("name", "netns", "host", "tenant", "network",
             "port", "ip", "prefixlen", "mac", "iface", "mtu", "network_type",
             "segment_id")] | all)' "$ST"
check "routers[]: red/rtr and blue/rtr, each with networks gre, vlan, vx" \
    jqt '[.routers[] | {tenant, name, networks: (.networks | sort)}] | sort_by(.tenant)
           == [{tenant: "blue", name: "rtr", networks: ["gre", "vlan", "vx"]},
               {tenant: "red", name: "rtr", networks: ["gre", "vlan", "vx"]}]' "$ST"
check "top level: hosts, underlay, api_socket, tenants kept" \
    jqt 'has("hosts") and has("underlay") and has("api_socket") and has("tenants")
           and has("vlan_underlay") and has("weftd_cmd")' "$ST"
check "endpoints have their default route via the gateway" \
    bash -c "ip -n $(ns red-gre-h2) route show default | grep -q 'via 10.1.0.1 dev eth0'"

echo "== front ends"
lab ctl router-show red/rtr > "$TMP/show.txt"
check "weftctl router-show red/rtr: vx at 10.0.0.1, gre at 10.1.0.1, vlan at 10.2.0.1" \
    bash -c "grep -q '^    network vx  ip 10.0.0.1  mac 02:' $TMP/show.txt \
             && grep -q '^    network gre  ip 10.1.0.1  mac 02:' $TMP/show.txt \
             && grep -q '^    network vlan  ip 10.2.0.1  mac 02:' $TMP/show.txt"
"$WEFTCTL" --api="$API" router-show red/rtr > "$TMP/show-api.txt"
check "weftctl --api router-show prints the same" diff "$TMP/show.txt" "$TMP/show-api.txt"
lab ctl --format=json router-show red/rtr | jq -S . > "$TMP/r-db.json"
out=$(api "$(token red)" GET /v1/tenants/red/routers/rtr)
body_of "$out" | jq -S . > "$TMP/r-api.json"
check "GET /v1/tenants/red/routers/rtr with red's token: 200, the JSON of weftctl --format=json" \
    bash -c "[ $(status_of "$out") = 200 ] && diff $TMP/r-db.json $TMP/r-api.json"
out=$(api "$(token blue)" GET /v1/tenants/red/routers/rtr)
check "blue's token: red's router is 404" [ "$(status_of "$out")" = 404 ]
out=$(api "$(token blue)" GET /v1/tenants/blue/routers)
tenants=$(body_of "$out" | jq -r '[.[].tenant] | unique | join(",")')
check "blue's token: GET /v1/tenants/blue/routers lists blue's router only ($tenants)" \
    bash -c "[ $(status_of "$out") = 200 ] && [ '$tenants' = blue ]"
out=$(api "$(token blue)" POST /v1/tenants/blue/routers/rtr/networks '{"network":"nosuch"}')
check "blue attaching a network it does not have: 404" [ "$(status_of "$out")" = 404 ]
vx_mac=$(jq -r '.networks[] | select(.network == "vx") | .mac' "$TMP/r-db.json")

echo "== routed pings: every pair of a tenant's networks, across hosts"
for t in red blue; do
    for a in vx gre vlan; do
        for b in vx gre vlan; do
            [ "$a" = "$b" ] && continue
            if routed_ping "$t-$a-h1" "$t-$b-h2" 3 > "$TMP/why" 2>&1; then r=ok; else r="fail ($(cat "$TMP/why"))"; fi
            check "$t-$a-h1 -> $t-$b-h2 ($(ep "$t-$b-h2" ip)): answered by it, ttl=63: $r" [ "$r" = ok ]
        done
    done
done
if routed_ping red-vlan-h3 red-vx-h1 3 > "$TMP/why" 2>&1; then r=ok; else r="fail ($(cat "$TMP/why"))"; fi
check "red-vlan-h3 -> red-vx-h1 (vlan to vxlan, h3 to h1): $r" [ "$r" = ok ]

echo "== nothing between tenants"
# 10.1.0.50 exists only in blue/gre; red's router must not reach it.
lab attach blue-gre-x --net blue/gre --host h2 --ip 10.1.0.50/24 >/dev/null
lab status --json > "$ST"
b=$(icmp_in_echos "$(ns blue-gre-x)")
out=$(in_ep red-vx-h1 ping -c3 -i0.3 -W1 10.1.0.50 2>&1 || true)
a=$(icmp_in_echos "$(ns blue-gre-x)")
check "red-vx-h1 -> 10.1.0.50 (only in blue/gre): 100% loss" grep -q ' 100% packet loss' <<<"$out"
check "  ... blue-gre-x saw no echo (+$((a - b)))" [ "$a" -eq "$b" ]
if routed_ping blue-vx-h1 blue-gre-x 2 > "$TMP/why" 2>&1; then r=ok; else r="fail ($(cat "$TMP/why"))"; fi
check "control: blue-vx-h1 -> blue-gre-x through blue's router: $r" [ "$r" = ok ]
# Red's twin of a blue endpoint down: red's router has nowhere to send it.
ip -n "$(ns red-gre-h2)" link set eth0 down
b=$(icmp_in_echos "$(ns blue-gre-h2)")
out=$(in_ep red-vx-h1 ping -c3 -i0.3 -W1 "$(ep blue-gre-h2 ip)" 2>&1 || true)
a=$(icmp_in_echos "$(ns blue-gre-h2)")
ip -n "$(ns red-gre-h2)" link set eth0 up
check "red-vx-h1 -> 10.1.0.12 with red-gre-h2 down: no answer, blue-gre-h2 (same IP) saw nothing (+$((a - b)))" \
    bash -c "grep -q ' 100% packet loss' <<<'$out' && [ $a -eq $b ]"

echo "== a spoofed gateway ARP from an endpoint is dropped"
PYTHON=${WEFT_LAB_PYTHON:-/usr/bin/python3}   # the one with python3-scapy
spoof() { local e=$1; shift; lab exec "$e" -- "$PYTHON" "$HERE/spoof.py" "$@"; }
CAP_PID=
cap_start() {   # cap_start EP FILTER
    : > "$TMP/cap.err"
    ip netns exec "$(ns "$1")" tcpdump -i eth0 -n -U -w "$TMP/cap.pcap" "$2" 2>"$TMP/cap.err" &
    CAP_PID=$!
    BG_PIDS=("$CAP_PID")
    wait_for 30 grep -q listening "$TMP/cap.err" || true
}
cap_frames() { tcpdump -r "$TMP/cap.pcap" -n 2>/dev/null | wc -l; }
cap_stop() {    # cap_stop [MIN]: the frame count
    local min=${1:-}
    # shellcheck disable=SC2016   # 'min' is read by the eval
    [ -z "$min" ] || wait_for 20 eval '[ "$(cap_frames)" -ge "$min" ]' || true
    sleep 0.5
    kill "$CAP_PID" 2>/dev/null || true
    wait "$CAP_PID" 2>/dev/null || true
    BG_PIDS=()
    cap_frames
}
SRC_MAC=$(ep red-vx-h1 mac)
DST_MAC=$(ep red-vx-h2 mac)
cap_start red-vx-h2 arp
spoof red-vx-h1 arp --src-mac "$SRC_MAC" --dst-mac "$DST_MAC" --psrc 10.0.0.11 --pdst 10.0.0.12
n=$(cap_stop 1)
check "control: a legitimate unicast ARP from red-vx-h1 reaches red-vx-h2 ($n frames)" [ "$n" -ge 1 ]
cap_start red-vx-h2 arp
spoof red-vx-h1 arp --src-mac "$SRC_MAC" --dst-mac "$DST_MAC" --psrc 10.0.0.1 --pdst 10.0.0.12
spoof red-vx-h1 arp --src-mac "$SRC_MAC" --psrc 10.0.0.1 --pdst 10.0.0.1
n=$(cap_stop)
check "ARP claiming the gateway 10.0.0.1 (unicast and gratuitous): nothing at red-vx-h2 ($n frames)" [ "$n" -eq 0 ]
in_ep red-vx-h2 ip neigh flush dev eth0
in_ep red-vx-h2 ping -c1 -W2 -q 10.1.0.11 >/dev/null 2>&1 || true
gw=$(in_ep red-vx-h2 ip neigh show 10.0.0.1 dev eth0 | awk '{print $3}')
check "red-vx-h2 resolves its gateway 10.0.0.1 to red/rtr's MAC on vx ($gw = $vx_mac)" \
    [ "${gw,,}" = "${vx_mac,,}" ]

echo "== a static route via an endpoint acting as a router"
# red-vx-h3 (10.0.0.13) forwards to 10.9.0.0/24 behind it: a namespace
# $P-behind with 10.9.0.2, reached through a veth from red-vx-h3.
BEHIND="$P-behind"
ip netns add "$BEHIND"
ip -n "$BEHIND" link set lo up
ip -n "$(ns red-vx-h3)" link add bh0 type veth peer name eth0 netns "$BEHIND"
ip -n "$(ns red-vx-h3)" addr add 10.9.0.1/24 dev bh0
ip -n "$(ns red-vx-h3)" link set bh0 up
ip -n "$BEHIND" addr add 10.9.0.2/24 dev eth0
ip -n "$BEHIND" link set eth0 up
ip -n "$BEHIND" route add default via 10.9.0.1
ip netns exec "$(ns red-vx-h3)" sysctl -qw net.ipv4.ip_forward=1
lab ctl --wait route-add red/rtr 10.9.0.0/24 --via=10.0.0.13
check "router-show lists the route" \
    bash -c "'$WEFT_LAB' --prefix '$P' ctl router-show red/rtr | grep -q '^    route 10.9.0.0/24 via 10.0.0.13$'"
# The echo reaches 10.9.0.2 (its InEchos), two hops down (weft's router,
# then red-vx-h3).  Its reply leaves red-vx-h3 with source 10.9.0.2, which
# port security drops (red-vx-h3's port may only use 10.0.0.13): the
# forward path is what a static route adds, and what this checks.
: > "$TMP/bh.err"
ip netns exec "$BEHIND" tcpdump -i eth0 -n -v -U -c 3 icmp > "$TMP/bh.txt" 2>"$TMP/bh.err" &
BG_PIDS=("$!")
wait_for 30 grep -q listening "$TMP/bh.err" || true
b=$(icmp_in_echos "$BEHIND")
in_ep red-gre-h1 ping -c3 -i0.3 -W1 -q 10.9.0.2 >/dev/null 2>&1 || true
# shellcheck disable=SC2016
wait_for 20 eval '[ $(( $(icmp_in_echos "$BEHIND") - b )) -ge 2 ]' || true
a=$(icmp_in_echos "$BEHIND")
check "red-gre-h1 -> 10.9.0.2 via route 10.9.0.0/24 -> 10.0.0.13 (red-vx-h3, on h3): the echoes arrive (+$((a - b)))" \
    [ $((a - b)) -ge 2 ]
wait_for 10 grep -q 'ttl 62' "$TMP/bh.txt" || true
check "  ... with TTL 62: weft's router, then red-vx-h3" grep -q 'ttl 62' "$TMP/bh.txt"
kill "${BG_PIDS[0]}" 2>/dev/null || true
BG_PIDS=()
lab ctl --wait route-del red/rtr 10.9.0.0/24
b=$(icmp_in_echos "$BEHIND")
in_ep red-gre-h1 ping -c3 -i0.3 -W1 -q 10.9.0.2 >/dev/null 2>&1 || true
a=$(icmp_in_echos "$BEHIND")
check "after route-del: nothing reaches 10.9.0.2 (+$((a - b)))" [ "$a" -eq "$b" ]
ip netns del "$BEHIND"

echo "== allocation: port-add and attach without --ip"
ip=$(lab ctl port-add red/vx/alloc1 --host=h1 --iface="${P}al1" --mac=02:00:aa:00:00:01)
check "port-add red/vx/alloc1 without --ip prints the lowest free address: $ip" \
    [ "$ip" = 10.0.0.2 ]
ip=$(lab ctl port-add red/vx/alloc2 --host=h1 --iface="${P}al2" --mac=02:00:aa:00:00:02)
check "the next one gets the next address: $ip" [ "$ip" = 10.0.0.3 ]
lab ctl port-del red/vx/alloc1
ATT="$P-att"
ip netns add "$ATT"
out=$(lab ctl attach red/vx --netns="$ATT" --host=h2 --name=att 2>&1) || true
check "attach without --ip: reports the allocated address and the gateway ($out)" \
    has "$out" '^attached red/vx/att: .* ip 10\.0\.0\.2/24 gateway 10\.0\.0\.1 '
check "  ... eth0 has 10.0.0.2/24, the default route is via 10.0.0.1" \
    bash -c "ip -n $ATT -4 -o addr show dev eth0 | grep -q ' 10.0.0.2/24 ' \
             && ip -n $ATT route show default | grep -q 'via 10.0.0.1 dev eth0'"
# The userspace datapath's native tunnels drop the first packet to a remote
# host whose underlay MAC is not in the tunnel neighbor cache yet (it sends
# an ARP instead, `ovs-appctl tnl/neigh/show`), and h2 may never have heard
# from h3 so far: one answered ping first, then the counted ones.
wait_for 10 ip netns exec "$ATT" ping -c1 -W1 10.1.0.13 >/dev/null || true
b=$(icmp_in_echos "$(ns red-gre-h3)")
out=$(ip netns exec "$ATT" ping -c3 -i0.2 -W1 10.1.0.13 2>&1 || true)
a=$(icmp_in_echos "$(ns red-gre-h3)")
check "  ... and it reaches red-gre-h3 through the router (+$((a - b)), ttl=63)" \
    bash -c "[ $((a - b)) -ge 3 ] && grep -q 'ttl=63 ' <<<'$out'"
lab ctl detach red/vx/att >/dev/null 2>&1 || true
ip netns del "$ATT"
lab ctl port-del red/vx/alloc2

report
