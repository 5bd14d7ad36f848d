#!/bin/bash
# test-alloc: address allocation under concurrent clients (#12).
#
# A port created without an IP on a network with a cidr gets the lowest free
# address of the network (topology/validate-subnet.c), chosen while the
# write is validated; the write verifies and bumps the network's
# external_ids:weft-ip-gen (ovsdb/weft-write.c), so of two clients that
# picked the same address the second one's commit fails with TRY_AGAIN and
# its retry picks the next.  Checks, against a private ovsdb-server and a
# weftd with the REST API (no hosts need to exist: the ports' host is a
# host row nobody runs):
#   - 4 weftctl clients (database mode) and 2 REST clients add 8 ports each
#     at once, without IPs: all 48 succeed, with 48 distinct addresses,
#     exactly the lowest 48 free ones (10.1.0.2-10.1.0.49: .1 is the
#     gateway), and weft-ip-gen counted every add;
#   - the REST API's 201 shows the allocated address;
#   - a deleted port's address is the next one handed out (lowest first);
#   - a /29 with room for 5 ports, 7 concurrent adds: 5 distinct addresses,
#     and 2 clients told "no free address in 10.2.0.0/29 of network
#     red/small", nothing written for them.
#
# Needs: root (none of it touches the host's network, but the lab scripts
# run as root), WEFT_BUILD_DIR, WEFT_SOURCE_DIR, ovsdb-tool, ovsdb-server,
# ovsdb-client, curl and jq in PATH.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "$0")/../testlib.sh"

weftd_test_init t7al
cleanup() { weftd_test_cleanup $? test-alloc; }
trap cleanup EXIT

start_weft_db "$dir"
db=unix:$dir/weft.sock
ctl() { "$weftctl" --db="$db" --timeout=120 "$@"; }
ctl init
ctl host-add h1 --remote=unix:"$dir/nothing.sock" --datapath-type=netdev
ctl tenant-add red
ctl net-add red/net --type=vxlan --segment=100
ctl net-add red/small --type=gre --segment=101

# Subnets, raw: weftctl's --cidr is the front ends' part of #12.  The
# gateway is written as net-add writes it, the default included.
set_subnet() {  # set_subnet NET CIDR GATEWAY
    ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"update\",\"table\":\"Network\",\
\"where\":[[\"name\",\"==\",\"$1\"]],\"row\":{\"cidr\":\"$2\",\"gateway\":\"$3\"}}]" \
        | jq -e 'all(.[]; has("error") | not)' >/dev/null
}
set_subnet net 10.1.0.0/24 10.1.0.1
set_subnet small 10.2.0.0/29 10.2.0.1

"$weftd" --db="$db" --api="$api" --pidfile="$dir/weftd.pid" \
    --unixctl="$dir/weftd.ctl" --log-file="$dir/weftd.log" --detach \
    $WEFT_WEFTD_OPTS 2>/dev/null
check "weftd's API answers" wait_for 60 \
    curl -sf --unix-socket "$api" http://weft/v1/status -o /dev/null

# The IPs of NET's ports, one per line, sorted.
net_ips() {
    local uuid
    uuid=$(ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"select\",\"table\":\"Network\",\
\"where\":[[\"name\",\"==\",\"$1\"]],\"columns\":[\"_uuid\"]}]" | jq -r '.[0].rows[0]._uuid[1]')
    ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"select\",\"table\":\"Port\",\
\"where\":[[\"network\",\"==\",[\"uuid\",\"$uuid\"]]],\"columns\":[\"ips\"]}]" \
        | jq -r '.[0].rows[].ips | if type == "string" then . else "BAD:\(tostring)" end' \
        | sort -t. -k4,4n
}
# 10.1.0.FROM .. 10.1.0.TO, one per line.
seq_ips() { local i; for i in $(seq "$2" "$3"); do echo "$1.$i"; done; }

# --- 4 weftctl + 2 REST clients, 8 ports each, at once ---------------------
client_ctl() {  # client_ctl N: 8 port-adds without --ip
    local n=$1 i
    for i in 1 2 3 4 5 6 7 8; do
        ctl port-add "red/net/c$n-$i" --host=h1 --iface="c$n-$i" \
            --mac="02:00:00:00:0$n:0$i" || return 1
    done
}
client_api() {  # client_api N: 8 POSTs without "ips"; the 201 bodies in $dir/apiN
    local n=$1 i code
    for i in 1 2 3 4 5 6 7 8; do
        code=$(curl -s --unix-socket "$api" -o "$dir/api$n-$i.json" -w '%{http_code}' \
               -X POST -d "{\"name\":\"c$n-$i\",\"host\":\"h1\",\"iface\":\"c$n-$i\",\"mac\":\"02:00:00:00:0$n:0$i\"}" \
               http://weft/v1/tenants/red/networks/net/ports)
        [ "$code" = 201 ] || { cat "$dir/api$n-$i.json" >&2; return 1; }
    done
}
pids=()
for n in 1 2 3 4; do client_ctl "$n" 2>"$dir/ctl$n.err" & pids+=($!); done
for n in 5 6; do client_api "$n" 2>"$dir/api$n.err" & pids+=($!); done
n_ok=0
for pid in "${pids[@]}"; do
    if wait "$pid"; then n_ok=$((n_ok + 1)); fi
done
check "6 concurrent clients (4 weftctl, 2 REST) all succeeded ($n_ok)" [ "$n_ok" = 6 ]
cat "$dir"/ctl*.err "$dir"/api*.err >&2

got=$(net_ips net)
check "48 ports, each with one address" [ "$(grep -c . <<<"$got")" = 48 ]
check "no address given twice" [ -z "$(uniq -d <<<"$got")" ]
check "exactly the 48 lowest free addresses, 10.1.0.2-10.1.0.49 (.1 is the gateway)" \
    [ "$got" = "$(seq_ips 10.1.0 2 49)" ]
gen=$(ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Network","where":[["name","==","net"]],"columns":["external_ids"]}]' \
      | jq -r '.[0].rows[0].external_ids[1][] | select(.[0] == "weft-ip-gen") | .[1]')
check "every add bumped the network's weft-ip-gen (48, got ${gen:-none})" [ "$gen" = 48 ]
api_ip_ok() {
    jq -e '(.ips | length) == 1 and (.ips[0] | test("^10\\.1\\.0\\.[0-9]+$"))' \
        "$dir/api5-1.json" >/dev/null
}
check "the REST API's 201 shows the allocated address" api_ip_ok
check "weftctl show lists the allocated addresses" \
    bash -c "'$weftctl' --db='$db' show | grep -q 10.1.0.49"

# --- lowest first: a freed address is the next one -----------------------
ctl port-del red/net/c1-1
ctl port-add red/net/again --host=h1 --iface=again --mac=02:00:00:00:09:01
check "after a port-del, the next port gets the lowest free address" \
    [ "$(net_ips net)" = "$(seq_ips 10.1.0 2 49)" ]

# --- a full subnet ----------------------------------------------------------
pids=()
for i in 1 2 3 4 5 6 7; do
    ctl port-add "red/small/s$i" --host=h1 --iface="s$i" \
        --mac="02:00:00:00:0a:0$i" 2>"$dir/s$i.err" & pids+=($!)
done
n_ok=0
for pid in "${pids[@]}"; do
    if wait "$pid"; then n_ok=$((n_ok + 1)); fi
done
n_full=$(cat "$dir"/s*.err | grep -c "no free address in 10.2.0.0/29 of network red/small" || true)
check "a /29 with 7 concurrent adds: 5 succeed ($n_ok), 2 are told it is full ($n_full)" \
    [ "$n_ok/$n_full" = 5/2 ]
check "...with 5 distinct addresses 10.2.0.2-10.2.0.6" \
    [ "$(net_ips small)" = "$(seq_ips 10.2.0 2 6)" ]

report
