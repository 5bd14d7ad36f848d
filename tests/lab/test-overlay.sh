#!/bin/bash
# test-overlay: multi-host overlays on real packets, in a 3-host weft-lab.
#
# For each demo network type (vxlan, gre, vlan):
#   - the full ping matrix (both tenants, identical IPs) is as expected;
#   - same network across hosts: ping h1 -> h2 and h1 -> h3, a ping of the
#     network's full MTU with DF set, and an iperf3 TCP transfer h1 -> h2;
#   - the other tenant gets nothing (100% loss, its twin's counter still);
#   - a capture on the underlay shows each tenant's VNI / GRE key / VLAN ID
#     and never the other tenant's.
# Then:
#   - weftd's tunnel ports: one per peer and type, remote_ip/local_ip/key;
#     the uplink is in br-int; no geneve port while no geneve network exists;
#   - head-end replication: networks on hosts 1 and 2 only (vxlan red/hev,
#     geneve blue/heg): a broadcast from h1 reaches h2's underlay with that
#     key, never h3's; no geneve tunnel to h3;
#   - unused tunnels go away: with the gre ports of h3 deleted, h3 has no gre
#     port and h1/h2 none towards h3, and gre broadcasts skip h3.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab-lib.sh disable=SC1091
source "$HERE/../../scripts/lab-lib.sh"

P=${WEFT_LAB_PREFIX:-$(test_prefix t3ov)}   # override to run beside another copy
TMP=$(mktemp -d "/tmp/weft-$P.XXXXXX")
BG_PIDS=()

cleanup() {
    local rc=$?
    local pid
    for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    lab_teardown "$P" "$TMP" "$rc"
}
trap cleanup EXIT

command -v iperf3 >/dev/null || { echo "test-overlay: iperf3 not installed (scripts/install-deps.sh)" >&2; exit 1; }
command -v arping >/dev/null || { echo "test-overlay: arping not installed (scripts/install-deps.sh)" >&2; exit 1; }

"$WEFT_LAB" --prefix "$P" down >/dev/null 2>&1 || true   # a stale run's
"$WEFT_LAB" --prefix "$P" up --hosts 3 --no-matrix

lab() { "$WEFT_LAB" --prefix "$P" "$@"; }
ST="$TMP/state.json"
lab status --json > "$ST"
D=$(jq -r .dir "$ST")
UL=$(jq -r .underlay.netns "$ST")
ep() { jq -r --arg n "$1" ".endpoints[] | select(.name == \$n) | .$2" "$ST"; }
hf() { jq -r --arg n "$1" ".hosts[] | select(.name == \$n) | .$2" "$ST"; }
vsctl() { local h=$1; shift; ovs-vsctl --db="unix:$D/$h/db.sock" --timeout=10 "$@"; }
not() { ! "$@"; }
quiet() { "$@" >/dev/null 2>&1; }
addr_on() {   # addr_on HOST DEV CIDR
    ip -n "$(hf "$1" netns)" -4 -o addr show dev "$2" | grep -q " $3 "
}

# ping_ok SRC DST-EP COUNT: one warm-up ping (the first packet towards a new
# tunnel neighbour may be lost), then COUNT pings, all answered, and DST's
# own InEchos grew by at least COUNT.
ping_ok() {
    local src=$1 dst=$2 c=$3 b a
    ip netns exec "$(ep "$src" netns)" ping -c1 -W1 -q "$(ep "$dst" ip)" >/dev/null 2>&1 || true
    b=$(icmp_in_echos "$(ep "$dst" netns)")
    ip netns exec "$(ep "$src" netns)" ping -c "$c" -i 0.2 -W 1 -q "$(ep "$dst" ip)" >/dev/null 2>&1 || return 1
    a=$(icmp_in_echos "$(ep "$dst" netns)")
    [ $((a - b)) -ge "$c" ]
}

# Underlay capture: cap_start NAME NETNS IFACE FILTER...; cap_stop NAME
# leaves the decoded text (-nn -e -v) in $TMP/NAME.txt.
declare -A CAP=()
cap_start() {
    local name=$1 ns=$2 ifc=$3; shift 3
    : > "$TMP/$name.err"
    ip netns exec "$ns" timeout 30 tcpdump -l -nn -e -v -c 2000 -i "$ifc" "$@" \
        > "$TMP/$name.txt" 2> "$TMP/$name.err" &
    CAP[$name]=$!
    BG_PIDS+=("$!")
    wait_for 30 grep -q listening "$TMP/$name.err" && return 0
    echo "capture $name on $ifc did not start: $(cat "$TMP/$name.err")" >&2
}
# cap_stop NAME [PATTERN MIN]: stops capture NAME; with PATTERN, waits first
# (up to 20 s) until MIN lines match it, so that frames that tcpdump prints
# late on a busy machine are not missed.  Otherwise (and then) stray frames
# get 0.5 s.
cap_stop() {
    # shellcheck disable=SC2034   # pat and min are used in the eval below
    local name=$1 pat=${2:-} min=${3:-1}
    if [ -n "$pat" ]; then
        wait_for 20 eval '[ "$(grep -c -- "$pat" "$TMP/$name.txt" || true)" -ge "$min" ]' || true
    fi
    sleep 0.5
    kill "${CAP[$1]}" 2>/dev/null || true
    wait "${CAP[$1]}" 2>/dev/null || true
}
has() { grep -q -- "$2" "$TMP/$1.txt"; }
hasnt() { ! grep -q -- "$2" "$TMP/$1.txt"; }

# What tcpdump prints for a segment id: type seg -> pattern.
wire_pat() {
    case $1 in
        vxlan) echo "vni $2\$" ;;
        geneve) printf 'vni 0x%x,' "$2" ;;
        gre) printf 'key=0x%x,' "$2" ;;
        vlan) echo "vlan $2," ;;
    esac
}
wire_filter() {
    case $1 in
        vxlan) echo "udp port 4789" ;;
        geneve) echo "udp port 6081" ;;
        gre) echo "ip proto 47" ;;
        vlan) echo "vlan" ;;
    esac
}
# The underlay veth end (in $UL) of host H for network type TYPE.
ul_iface() {
    if [ "$2" = vlan ]; then hf "$1" uplink_peer; else hf "$1" underlay_peer; fi
}

for net in vx gre vlan; do
    ty=$(jq -r --arg n "$net" '[.networks[] | select(.name == $n)][0].type' "$ST")
    echo "== $ty ($net)"
    if lab matrix "$ty" > "$TMP/matrix.txt" 2>&1; then r=ok; else r=unexpected; fi
    sed -n '/^Summary/p' "$TMP/matrix.txt"
    check "full $ty matrix (both tenants, same and cross host): $r" [ "$r" = ok ]

    for t in red blue; do
        check "$t-$net-h1 -> $t-$net-h2 (cross-host): 3/3 echoes reached it" ping_ok "$t-$net-h1" "$t-$net-h2" 3
        check "$t-$net-h1 -> $t-$net-h3 (cross-host): 3/3 echoes reached it" ping_ok "$t-$net-h1" "$t-$net-h3" 3
    done
    mtu=$(ep "red-$net-h1" mtu)
    check "ping of the full MTU ($mtu) with DF, red-$net-h1 -> red-$net-h2" \
        quiet ip netns exec "$(ep "red-$net-h1" netns)" ping -c2 -i0.2 -W1 -q -M "do" \
        -s $((mtu - 28)) "$(ep "red-$net-h2" ip)"
    check "  ... one byte more does not fit (endpoint MTU is $mtu)" \
        not quiet ip netns exec "$(ep "red-$net-h1" netns)" ping -c1 -W1 -q -M "do" \
        -s $((mtu - 27)) "$(ep "red-$net-h2" ip)"

    # TCP across hosts: iperf3 for 2 s, bounded.
    sip=$(ep "red-$net-h2" ip)
    ip netns exec "$(ep "red-$net-h2" netns)" timeout 20 iperf3 -s -1 -B "$sip" \
        > "$TMP/iperf-s.txt" 2>&1 &
    spid=$!
    BG_PIDS+=("$spid")
    # The client may only start once the server listens.
    wait_for 30 eval "ip netns exec '$(ep "red-$net-h2" netns)' ss -Htln 'sport = :5201' | grep -q ." || true
    rx=0
    if ip netns exec "$(ep "red-$net-h1" netns)" timeout 15 iperf3 -c "$sip" -t 2 -J \
        > "$TMP/iperf-c.json" 2>/dev/null; then
        rx=$(jq '.end.sum_received.bytes // 0' "$TMP/iperf-c.json")
        info "iperf3 $ty: $(jq -r '"\(.end.sum_received.bytes) bytes received, \(.end.sum_received.bits_per_second / 1e6 | floor) Mbit/s, \(.end.sum_sent.retransmits) retransmits"' "$TMP/iperf-c.json")"
    fi
    wait "$spid" 2>/dev/null || true
    check "TCP transfer (iperf3 -t 2) red-$net-h1 -> red-$net-h2 over $ty: $rx bytes (>= 1 MB)" \
        [ "$rx" -ge 1000000 ]

    # The other tenant: with red's h2 endpoint off the wire its IP exists
    # only in blue; red must not reach it.
    ip -n "$(ep "red-$net-h2" netns)" link set eth0 down
    ip -n "$(ep "red-$net-h1" netns)" neigh flush dev eth0
    b=$(icmp_in_echos "$(ep "blue-$net-h2" netns)")
    out=$(ip netns exec "$(ep "red-$net-h1" netns)" ping -c3 -i0.3 -W1 "$sip" 2>&1 || true)
    a=$(icmp_in_echos "$(ep "blue-$net-h2" netns)")
    ip -n "$(ep "red-$net-h2" netns)" link set eth0 up
    check "red-$net-h1 -> $sip (only blue has it now): 100% loss" grep -q ' 100% packet loss' <<<"$out"
    check "  ... and blue-$net-h2 (same IP) saw no echo (+$((a - b)))" [ "$a" -eq "$b" ]

    # The wire: each tenant's key, never the other's.
    filter=$(wire_filter "$ty")
    ifc=$(ul_iface h2 "$ty")
    for t in red blue; do
        o=$([ "$t" = red ] && echo blue || echo red)
        seg=$(ep "$t-$net-h1" segment_id)
        oseg=$(ep "$o-$net-h1" segment_id)
        read -ra filt <<<"$filter"
        cap_start wire "$UL" "$ifc" "${filt[@]}"
        ping_ok "$t-$net-h1" "$t-$net-h2" 3 || true
        cap_stop wire "$(wire_pat "$ty" "$seg")" 6
        n=$(grep -c -- "$(wire_pat "$ty" "$seg")" "$TMP/wire.txt" || true)
        check "capture on $ifc ($filter): $t's $ty traffic carries $(wire_pat "$ty" "$seg" | tr -d '$,') ($n frames)" [ "$n" -ge 6 ]
        check "  ... and never $o's $(wire_pat "$ty" "$oseg" | tr -d '$,')" hasnt wire "$(wire_pat "$ty" "$oseg")"
        if [ "$ty" != vlan ]; then
            check "  ... outer header 172.31.255.1 <-> 172.31.255.2" has wire '172\.31\.255\.1[.:>]'
        fi
    done
done

echo "== weftd's tunnel ports and uplinks"
# tunnels H TYPE: "remote_ip local_ip key" per tunnel interface of TYPE.
tunnels() {
    vsctl "$1" --format=json --columns=options find interface "type=$2" \
        | jq -r '.data[] | .[0][1] | map({(.[0]): .[1]}) | add
                 | "\(.remote_ip) \(.local_ip) \(.key)"' | sort
}
for h in h1 h2 h3; do
    i=${h#h}
    for ty in vxlan gre; do
        want=$(for j in 1 2 3; do [ "$j" = "$i" ] || echo "172.31.255.$j 172.31.255.$i flow"; done)
        got=$(tunnels "$h" "$ty")
        check "$h: one $ty port per peer, local_ip own, key=flow: $(tr '\n' ';' <<<"$got")" \
            [ "$got" = "$want" ]
    done
    check "$h: no geneve port (no geneve network yet)" [ -z "$(tunnels "$h" geneve)" ]
    check "$h: uplink $(hf "$h" uplink) is a port of br-int" \
        [ "$(vsctl "$h" port-to-br "$(hf "$h" uplink)" 2>/dev/null)" = br-int ]
    check "$h: tunnel IP 172.31.255.$i/24 on br-phy" addr_on "$h" br-phy "172.31.255.$i/24"
    check "  ... not on the veth $(hf "$h" underlay_iface)" \
        not addr_on "$h" "$(hf "$h" underlay_iface)" "172.31.255.$i/24"
done

echo "== head-end replication: networks on h1 and h2 only"
lab ctl net-add red/hev --type=vxlan --segment=1101 >/dev/null
lab ctl net-add blue/heg --type=geneve --segment=3002 >/dev/null
for h in 1 2; do
    lab attach "hev-h$h" --net red/hev --host "h$h" --ip "10.9.0.1$h/24" --no-sync >/dev/null
    lab attach "heg-h$h" --net blue/heg --host "h$h" --ip "10.9.0.1$h/24" --no-sync >/dev/null
done
check "weftctl sync after adding red/hev and blue/heg" timeout 180 "$WEFT_LAB" --prefix "$P" ctl sync
lab status --json > "$ST"
check "hev-h1 -> hev-h2 over vxlan 1101" ping_ok hev-h1 hev-h2 3
check "heg-h1 -> heg-h2 over geneve 3002" ping_ok heg-h1 heg-h2 3
check "h1: one geneve port, to h2" [ "$(tunnels h1 geneve)" = "172.31.255.2 172.31.255.1 flow" ]
check "h2: one geneve port, to h1" [ "$(tunnels h2 geneve)" = "172.31.255.1 172.31.255.2 flow" ]
check "h3: no geneve port (no geneve network on h3)" [ -z "$(tunnels h3 geneve)" ]

# broadcast_from EP: ARP requests for an address nobody has (the responder
# cannot answer, so the request is flooded), plus a broadcast ping.
broadcast_from() {
    local ns ip
    ns=$(ep "$1" netns)
    ip=$(ep "$1" ip)
    ip netns exec "$ns" arping -c 3 -w 2 -I eth0 "${ip%.*}.99" >/dev/null 2>&1 || true
    ip netns exec "$ns" ping -b -c 2 -i 0.2 -W 1 "${ip%.*}.255" >/dev/null 2>&1 || true
}
for spec in "hev-h1 vxlan 1101" "heg-h1 geneve 3002"; do
    read -r e ty seg <<<"$spec"
    pat=$(wire_pat "$ty" "$seg")
    read -ra filt <<<"$(wire_filter "$ty")"
    cap_start u2 "$UL" "$(hf h2 underlay_peer)" "${filt[@]}"
    cap_start u3 "$UL" "$(hf h3 underlay_peer)" "${filt[@]}"
    broadcast_from "$e"
    # Control: the h3 capture is live (demo traffic to h3 of this type).
    if [ "$ty" = vxlan ]; then ping_ok red-vx-h1 red-vx-h3 2 || true; fi
    cap_stop u2 "$pat" 3
    cap_stop u3
    n2=$(grep -c -- "$pat" "$TMP/u2.txt" || true)
    n3=$(grep -c -- "$pat" "$TMP/u3.txt" || true)
    check "broadcast from $e ($ty $seg) reaches h2's underlay ($n2 frames)" [ "$n2" -ge 3 ]
    check "  ... and never h3's ($n3 frames)" [ "$n3" -eq 0 ]
    if [ "$ty" = vxlan ]; then
        check "  ... while h3's capture saw other vxlan traffic (vni 1001: $(grep -c 'vni 1001$' "$TMP/u3.txt" || true))" \
            has u3 'vni 1001$'
    fi
done

echo "== unused tunnels go away: gre ports of h3 deleted, gre detached from the routers"
lab ctl port-del red/gre/h3 >/dev/null
lab ctl port-del blue/gre/h3 >/dev/null
check "weftctl sync after deleting h3's gre ports" timeout 180 "$WEFT_LAB" --prefix "$P" ctl sync
# h3 still serves gre through each tenant's router (its vx and vlan ports
# route to gre ports on h1 and h2): its gre tunnels stay until gre leaves
# the routers.
check "h3 keeps its gre tunnels while the routers join gre (h3: $(tunnels h3 gre | tr '\n' ';'))" \
    [ "$(tunnels h3 gre | wc -l)" -eq 2 ]
# A network holding a floating IP or a port mapping stays on its router: the
# demo's floating IPs on gre ports are unassigned first.
jq -r '.floating_ips[] | select(.endpoint | test("-gre-"))
       | "\(.endpoint | split("-")[0]) \(.ip)"' "$ST" |
    while read -r t ip; do lab ctl fip-set "$t" "$ip" --no-port >/dev/null; done
lab ctl router-detach red/rtr gre >/dev/null
lab ctl router-detach blue/rtr gre >/dev/null
check "weftctl sync after detaching gre from the routers" timeout 180 "$WEFT_LAB" --prefix "$P" ctl sync
gone=no
for _ in $(seq 120); do
    if [ -z "$(tunnels h3 gre)" ] && [ "$(tunnels h1 gre)" = "172.31.255.2 172.31.255.1 flow" ] \
        && [ "$(tunnels h2 gre)" = "172.31.255.1 172.31.255.2 flow" ]; then
        gone=yes; break
    fi
    sleep 0.5
done
check "h3 has no gre port, h1 and h2 only the one between them (h1: $(tunnels h1 gre | tr '\n' ';') h3: $(tunnels h3 gre | tr '\n' ';'))" \
    [ "$gone" = yes ]
check "h3 still has its vxlan ports (red/vx, blue/vx still there)" \
    [ "$(tunnels h3 vxlan | wc -l)" -eq 2 ]
check "red-gre-h1 -> red-gre-h2 still works" ping_ok red-gre-h1 red-gre-h2 3
cap_start u3 "$UL" "$(hf h3 underlay_peer)" ip proto 47
cap_start u2 "$UL" "$(hf h2 underlay_peer)" ip proto 47
broadcast_from red-gre-h1
cap_stop u3
cap_stop u2 'key=0x7d1,' 3
n2=$(grep -c -- 'key=0x7d1,' "$TMP/u2.txt" || true)
n3=$(grep -c -- 'key=0x7d1,' "$TMP/u3.txt" || true)
check "gre broadcast from red-gre-h1 reaches h2 ($n2 frames)" [ "$n2" -ge 3 ]
check "  ... and nothing of gre reaches h3 any more ($(grep -c 'GRE' "$TMP/u3.txt" || true) GRE frames)" \
    hasnt u3 GRE

report
