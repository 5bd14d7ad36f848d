#!/bin/bash
# test-ipv6: IPv6 port security and the NS responder (pipeline.h "IPv6") on
# a 2-host weft-lab (userspace datapath).  Three namespaces attached with
# "weftctl attach --ip=IPv4,IPv6" to red/vx: a and b on h1, c on h2.
#   - attach gives eth0 the port's IPv6 address (nodad), refuses a bad
#     --ip list before it makes anything;
#   - genuine ping6 passes, own and link-local addresses, on one host and
#     across hosts;
#   - the switch answers an NS for b's address itself (b's eth0 down): the
#     NA has b's MAC as TLL, S and O set, hop limit 255 and a valid ICMPv6
#     checksum, and a's kernel neighbour entry for b becomes REACHABLE;
#     a DAD probe (from ::) and an NS without SLL are not answered;
#   - spoof6.py attacks from a are dropped and not seen by the neighbour,
#     while the same frames with a's own addresses are delivered: IPv6 with
#     a foreign source, an NA for b's address, an RA.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab-lib.sh disable=SC1091
source "$HERE/../../scripts/lab-lib.sh"

P=${WEFT_LAB_PREFIX:-$(test_prefix v6)}
NSA=${P}-a
NSB=${P}-b
NSC=${P}-c
NSX=${P}-x          # the namespace of the attaches that must fail
TMP=$(mktemp -d "/tmp/weft-$P.XXXXXX")
CAP_PID=

cleanup() {
    local rc=$?
    [ -z "$CAP_PID" ] || kill "$CAP_PID" 2>/dev/null || true
    for ns in "$NSA" "$NSB" "$NSC" "$NSX"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    lab_teardown "$P" "$TMP" "$rc"
}
trap cleanup EXIT

"$WEFT_LAB" --prefix "$P" down >/dev/null 2>&1 || true   # a stale run's
"$WEFT_LAB" --prefix "$P" up --hosts 2 --no-matrix

D=$(lab_json "$P" .dir)
wctl() { "$WEFT_BUILD_DIR/controller/weftctl" --db="unix:$D/weft.sock" "$@"; }
PYTHON=${WEFT_LAB_PYTHON:-/usr/bin/python3}   # the one with python3-scapy
spoof6() { local ns=$1; shift; ip netns exec "$ns" "$PYTHON" "$HERE/spoof6.py" "$@"; }
quiet() { "$@" >/dev/null 2>&1; }
# flows_sum HOST PATTERN [DUMP-FLOWS-ARGS...]: n_packets summed over the
# flows of HOST's br-int that match PATTERN.
flows_sum() {
    local h=$1 pat=$2; shift 2
    of_flows "$D/$h/br-int.mgmt" "$@" | { grep -E -- "$pat" || true; } | sum_npackets
}
# flows_sum_reaches MIN HOST PATTERN [ARGS...]: waits until flows_sum >= MIN
# (the datapath pushes statistics late); prints the last sum either way.
flows_sum_reaches() {
    local min=$1 n; shift
    # shellcheck disable=SC2317    # called through wait_for
    reached() { n=$(flows_sum "$@"); [ "$n" -ge "$min" ]; }
    wait_for 20 reached "$@" || true
    echo "$n"
}
# cap_start NS FILTER; cap_stop [MIN] -> frames captured on NS's eth0.
cap_start() {
    : > "$TMP/cap.err"
    ip netns exec "$1" tcpdump -i eth0 -n -U -w "$TMP/cap.pcap" "$2" 2>"$TMP/cap.err" &
    CAP_PID=$!
    wait_for 30 grep -q listening "$TMP/cap.err" || true
}
cap_frames() { tcpdump -r "$TMP/cap.pcap" -n 2>/dev/null | wc -l; }
cap_stop() {
    local min=${1:-}
    if [ -n "$min" ]; then
        # shellcheck disable=SC2016    # expanded by eval, each try
        wait_for 20 eval '[ "$(cap_frames)" -ge "$min" ]' || true
    fi
    sleep 0.5
    kill "$CAP_PID" 2>/dev/null || true
    wait "$CAP_PID" 2>/dev/null || true
    CAP_PID=
    cap_frames
}
mac_of() { ip -n "$1" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
lla_of() { ip -n "$1" -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1; }

echo "== attach with IPv6"
ip netns add "$NSX"
rc=0
wctl attach red/vx --netns "$NSX" --host h1 --ip 10.0.0.69/24,fd00:6::zz \
    --name v6x > "$TMP/out" 2>&1 || rc=$?
check "attach --ip with a bad IPv6 address: exit 1, names it ($(cat "$TMP/out"))" \
    bash -c "[ $rc = 1 ] && grep -q 'fd00:6::zz is not an IPv6 address' '$TMP/out'"
rc=0
wctl attach red/vx --netns "$NSX" --host h1 --ip 10.0.0.69,10.0.0.68 \
    --name v6x > "$TMP/out" 2>&1 || rc=$?
check "attach --ip with two IPv4 addresses: exit 1 ($(cat "$TMP/out"))" \
    bash -c "[ $rc = 1 ] && grep -q 'at most one IPv4 address' '$TMP/out'"
check "  ... neither made a port or an interface" \
    bash -c "! '$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock port-list red/vx | grep -q v6x && ! ip -n $NSX link show eth0 2>/dev/null"
ip netns del "$NSX"
A6=fd00:6::61 B6=fd00:6::62 C6=fd00:6::63
for x in a:h1:10.0.0.61:$A6 b:h1:10.0.0.62:$B6 c:h2:10.0.0.63:$C6; do
    IFS=: read -r n h ip4 _ <<<"$x"
    ip6=${x#*:*:*:}
    ns=${P}-$n
    ip netns add "$ns"
    wctl attach red/vx --netns "$ns" --host "$h" --ip "$ip4/24,$ip6" \
        --name "v6$n" > "$TMP/out"
    cat "$TMP/out"
    check "attach $n: reports its IPv6 address" grep -q " ip $ip6 " "$TMP/out"
    check "attach $n: eth0 has $ip6/64, not tentative (nodad)" \
        bash -c "ip -n $ns -6 -o addr show dev eth0 | grep '$ip6/64' | grep -vq tentative"
    check "attach $n: the port row holds it" \
        bash -c "'$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock --format=json port-list red/vx | grep -q '$ip6'"
done
A_MAC=$(mac_of "$NSA") B_MAC=$(mac_of "$NSB") C_MAC=$(mac_of "$NSC")
A_LL=$(lla_of "$NSA") B_LL=$(lla_of "$NSB")
info "a $A_MAC $A_LL; b $B_MAC $B_LL; c $C_MAC"

echo "== genuine IPv6"
check "a pings6 b ($B6, same host)" \
    wait_for 60 quiet ip netns exec "$NSA" ping -6 -c1 -W1 "$B6"
check "a pings6 c ($C6, across hosts)" \
    wait_for 60 quiet ip netns exec "$NSA" ping -6 -c1 -W1 "$C6"
check "c pings6 a ($A6, across hosts)" \
    wait_for 60 quiet ip netns exec "$NSC" ping -6 -c1 -W1 "$A6"
check "a pings6 b's link-local address ($B_LL)" \
    wait_for 60 quiet ip netns exec "$NSA" ping -6 -c1 -W1 "$B_LL%eth0"

echo "== NS answered by the switch"
ns0=$(flows_sum h1 "nd_target=$B6 actions=")
ip -n "$NSB" link set eth0 down
spoof6 "$NSA" ns --src-mac "$A_MAC" --src-ip "$A6" --target "$B6" > "$TMP/na"
cat "$TMP/na"
check "NS for b's $B6 (b down): exactly one NA comes back" \
    [ "$(grep -c '^answered' "$TMP/na")" = 1 ]
check "  ... from b's MAC, TLL b's MAC, checksum valid" \
    grep -q "^answered $B_MAC $B6 $B_MAC csum-ok " "$TMP/na"
check "  ... Solicited + Override, hop limit 255, to a's address" \
    grep -q " SO hlim=255 dst=$A6\$" "$TMP/na"
ns1=$(flows_sum_reaches $((ns0 + 1)) h1 "nd_target=$B6 actions=")
check "  ... counted by the NS answer flow ($ns0 -> $ns1)" [ "$ns1" -gt "$ns0" ]
spoof6 "$NSA" ns --src-mac "$A_MAC" --src-ip "$A_LL" --target "$B_LL" > "$TMP/na"
check "NS for b's link-local $B_LL: answered, TLL b's MAC, checksum valid" \
    grep -q "^answered $B_MAC $B_LL $B_MAC csum-ok SO hlim=255" "$TMP/na"
u0=$(flows_sum h1 'priority=120,icmp6,.*icmp_type=135' table=20)
spoof6 "$NSA" ns --src-mac "$A_MAC" --src-ip "$A6" --target "$B6" --no-sll > "$TMP/na"
check "NS without a source link-layer address: not answered" grep -qx unanswered "$TMP/na"
spoof6 "$NSA" ns --src-mac "$A_MAC" --src-ip :: --target "$B6" > "$TMP/na"
check "DAD probe (from ::): not answered" grep -qx unanswered "$TMP/na"
u1=$(flows_sum_reaches $((u0 + 2)) h1 'priority=120,icmp6,.*icmp_type=135' table=20)
check "  ... both passed on by the HOST's no-answer rows ($u0 -> $u1)" [ "$u1" -ge $((u0 + 2)) ]
ip -n "$NSA" -6 neigh flush dev eth0
ip netns exec "$NSA" ping -6 -c1 -W1 "$B6" >/dev/null 2>&1 || true
neigh=$(ip -n "$NSA" -6 neigh show "$B6" dev eth0)
info "a's neighbour entry for $B6 (b down): $neigh"
check "a's kernel resolved $B6 to b's MAC from the switch's NA: REACHABLE" \
    bash -c "grep -q 'lladdr $B_MAC' <<<'$neigh' && grep -q REACHABLE <<<'$neigh'"
ip -n "$NSB" link set eth0 up
check "b back up: a pings6 b again" \
    wait_for 60 quiet ip netns exec "$NSA" ping -6 -c1 -W1 "$B6"

echo "== port security"
# 1. IPv6 with a foreign source, and the control with a's own.
cap_start "$NSB" "icmp6 and ip6[40] == 128"
spoof6 "$NSA" icmp6 --src-mac "$A_MAC" --dst-mac "$B_MAC" --src-ip "$A6" --dst-ip "$B6"
n=$(cap_stop 3)
check "control: echo request from a's own $A6 reaches b ($n frames)" [ "$n" -ge 3 ]
d0=$(flows_sum h1 'priority=90,ipv6,' table=10)
cap_start "$NSB" "icmp6 and ip6[40] == 128"
spoof6 "$NSA" icmp6 --src-mac "$A_MAC" --dst-mac "$B_MAC" --src-ip fd00:6::99 --dst-ip "$B6"
n=$(cap_stop)
d1=$(flows_sum_reaches $((d0 + 3)) h1 'priority=90,ipv6,' table=10)
check "IPv6 from a foreign source fd00:6::99: nothing reaches b ($n frames)" [ "$n" -eq 0 ]
check "  ... a's IPv6 drop flow counted it ($d0 -> $d1)" [ "$d1" -ge $((d0 + 3)) ]

# 2. An NA for b's address from a (to c, across hosts), and a's own NA.
cap_start "$NSC" "icmp6 and ip6[40] == 136"
spoof6 "$NSA" na --src-mac "$A_MAC" --dst-mac "$C_MAC" --src-ip "$A6" --dst-ip "$C6" --target "$A6"
n=$(cap_stop 3)
check "control: a's NA for its own $A6 reaches c ($n frames)" [ "$n" -ge 3 ]
d0=$(flows_sum h1 'priority=105,icmp6' table=10)
cap_start "$NSC" "icmp6 and ip6[40] == 136"
spoof6 "$NSA" na --src-mac "$A_MAC" --dst-mac "$C_MAC" --src-ip "$A6" --dst-ip "$C6" --target "$B6"
spoof6 "$NSA" na --src-mac "$A_MAC" --dst-mac "$C_MAC" --src-ip "$A6" --dst-ip "$C6" --target "$A6" --tll 02:de:ad:be:ef:06
n=$(cap_stop)
d1=$(flows_sum_reaches $((d0 + 6)) h1 'priority=105,icmp6' table=10)
check "spoofed NA (b's $B6; own address with a foreign TLL): nothing reaches c ($n frames)" [ "$n" -eq 0 ]
check "  ... the NA drop flow counted them ($d0 -> $d1)" [ "$d1" -ge $((d0 + 6)) ]
neigh=$(ip -n "$NSC" -6 neigh show "$B6" dev eth0)
check "  ... c has no entry for $B6 with a's MAC ($neigh)" \
    bash -c "! grep -q 'lladdr $A_MAC' <<<'$neigh'"

# 3. An RA from a: dropped on h1, seen neither by b (same host) nor c.
d0=$(flows_sum h1 'priority=120,icmp6,icmp_type=134' table=10)
cap_start "$NSB" "icmp6 and ip6[40] == 134"
spoof6 "$NSA" ra --src-mac "$A_MAC" --src-ip "$A_LL"
n=$(cap_stop)
d1=$(flows_sum_reaches $((d0 + 3)) h1 'priority=120,icmp6,icmp_type=134' table=10)
check "RA from a: nothing reaches b ($n frames)" [ "$n" -eq 0 ]
check "  ... the RA drop flow counted it ($d0 -> $d1)" [ "$d1" -ge $((d0 + 3)) ]
check "  ... c took no address from its prefix" \
    bash -c "! ip -n $NSC -6 addr show dev eth0 | grep -q 2001:db8:66"

echo "== detach"
for n in a b c; do
    check "detach $n" quiet wctl detach "red/vx/v6$n"
done

report
