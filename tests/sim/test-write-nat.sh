#!/usr/bin/env bash
# test-write-nat: the NAT requests (#13) through the shared write layer
# (topology/validate-request-nat.c, ovsdb/weft-write.c, weft-txn.c), without
# a front end: tests/weft-req runs one 'struct weft_request' as weftctl and
# the REST API do.  For each op: the rows it writes, in canonical text; bad
# input refused with its kind and message and nothing written; a tenant
# never told whose an address is; floating IP allocation (the lowest free
# address, and six clients allocating at once get six distinct addresses:
# Pool external_ids:weft-fip-gen); a removed external side takes the
# resolved gateway MAC with it.  weftd runs with --self-check and patches
# every change in place.
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

export WEFT_WEFTD_OPTS=--self-check
sim_start 2

db=unix:$SIM_DIR/weft.sock
log=$SIM_DIR/weftd.log
req() { "$sim_build/tests/weft-req" "$db" "$@"; }

# What NAT state the database holds: nothing else (weftd writes status).
nat_rows() {
    ovsdb-client dump "$db" Weft Pool name cidr
    ovsdb-client dump "$db" Weft Floating_IP ip port
    ovsdb-client dump "$db" Weft Host name external_iface external_ip \
        external_gateway
    ovsdb-client dump "$db" Weft Port name mappings
    ovsdb-client dump "$db" Weft Router name snat
}
# refused KIND MESSAGE REQ-ARGS...: the request fails with exactly
# "KIND: MESSAGE" and the database's NAT state is unchanged.
refused() {
    local want="$1: $2" got before after
    shift 2
    before=$(nat_rows)
    if got=$(req "$@" 2>&1); then
        bad "refused: $* (it was accepted: $got)"
        return
    fi
    after=$(nat_rows)
    if [ "$got" != "$want" ]; then
        bad "refused: $*: \"$want\" (got \"$got\")"
    elif [ "$before" != "$after" ]; then
        bad "refused: $*: but something was written"
    else
        ok "refused: $*: $want"
    fi
}
accepted() {    # accepted REQ-ARGS...: the request succeeds
    local got
    if got=$(req "$@" 2>&1); then ok "accepted: $*"; else bad "accepted: $* ($got)"; fi
}
col() {         # col TABLE WHERE-COLUMN VALUE COLUMN: one value, as JSON
    ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"select\",\"table\":\"$1\",\
\"where\":[[\"$2\",\"==\",\"$3\"]],\"columns\":[\"$4\"]}]" | jq -c ".[0].rows[0].$4"
}
uuid_of() { col "$1" name "$2" _uuid | jq -r '.[1]'; }
weftd_ok() {
    pid_alive "$(pidfile_pid "$SIM_DIR/weftd.pid")" \
        && ctl --timeout=120 sync >/dev/null \
        && ! grep -q -- '--self-check:' "$log"
}

ctl tenant-add red
ctl tenant-add blue
for t in red blue; do
    ctl net-add $t/vx --type=vxlan --segment=$([ $t = red ] && echo 100 || echo 200) \
        --cidr=10.0.0.0/24
done
ctl port-add red/vx/a1 --host=h1 --iface=a1 --mac=02:00:00:00:0a:01 >/dev/null
ctl port-add red/vx/a2 --host=h2 --iface=a2 --mac=02:00:00:00:0a:02 >/dev/null
ctl port-add blue/vx/b1 --host=h1 --iface=b1 --mac=02:00:00:00:0b:01 >/dev/null
ctl port-add red/vx/l2 --host=h1 --iface=l2 --mac=02:00:00:00:0a:03 >/dev/null
ctl router-add red/r
ctl router-attach red/r vx
ctl router-add blue/rb
ctl router-attach blue/rb vx

# --- external sides --------------------------------------------------------
refused invalid "the external side needs an interface, an IP and a gateway (interface missing)" \
    host-set h1 external_ip=192.168.100.11/24 external_gateway=192.168.100.1
refused invalid "external gateway 192.168.101.1 is not inside the external LAN 192.168.100.0/24" \
    host-set h1 external_iface=ext0 external_ip=192.168.100.11/24 external_gateway=192.168.101.1
refused conflict "interface a1 is already used by port red/vx/a1 on host h1" \
    host-set h1 external_iface=a1 external_ip=192.168.100.11/24 external_gateway=192.168.100.1
refused "not found" "host h9 does not exist" host-set h9 external_iface=
accepted host-set h1 external_iface=ext0 external_ip=192.168.100.11/24 external_gateway=192.168.100.1
check "Host h1's external side is written" \
    [ "$(col Host name h1 external_iface)$(col Host name h1 external_ip)$(col Host name h1 external_gateway)" \
      = '"ext0""192.168.100.11/24""192.168.100.1"' ]
accepted host-add h9 remote=unix:$SIM_DIR/none.sock external_iface=eth2 \
    external_ip=10.99.0.9/16 external_gateway=10.99.0.1
check "a host added with an external side has it" \
    [ "$(col Host name h9 external_iface)$(col Host name h9 external_ip)$(col Host name h9 external_gateway)" \
      = '"eth2""10.99.0.9/16""10.99.0.1"' ]
accepted host-del h9
refused conflict "external IP 192.168.100.11 is already host h1's" \
    host-set h2 external_iface=ext0 external_ip=192.168.100.11/24 external_gateway=192.168.100.1
refused conflict "interface name ext0 is not available on host h1" \
    port-add red vx a9 host=h1 iface=ext0 mac=02:00:00:00:0a:09

# --- routers: snat ---------------------------------------------------------
refused invalid "invalid snat \"on\": expected true or false" router-set red r snat=on
accepted router-set red r snat=true
check "Router red/r has snat" [ "$(col Router name r snat)" = true ]
accepted router-add red r2 snat=true
check "a router added with snat has it" [ "$(col Router name r2 snat)" = true ]

# --- pools -----------------------------------------------------------------
refused invalid "pool cidr 192.168.100.1/24 has host bits set (did you mean 192.168.100.0/24?)" \
    pool-add ext cidr=192.168.100.1/24
accepted pool-add ext cidr=192.168.100.0/24
refused conflict "pool cidr 192.168.100.128/25 overlaps pool ext (192.168.100.0/24)" \
    pool-add ext2 cidr=192.168.100.128/25
refused conflict "pool ext already exists" pool-add ext cidr=10.99.0.0/24

# --- floating IPs ----------------------------------------------------------
refused "not found" "pool nope does not exist" fip-add red pool=nope
refused invalid "address 10.9.9.9 is not in pool ext (192.168.100.0/24)" \
    fip-add red pool=ext fip=10.9.9.9
refused conflict "address 192.168.100.11 is already in use (host h1's external IP)" \
    fip-add red pool=ext fip=192.168.100.11
refused conflict "address 192.168.100.1 is already in use" \
    fip-add red pool=ext fip=192.168.100.1 --tenant-view
check "fip-add allocates the lowest free address (.0 network, .1 gateway)" \
    [ "$(req fip-add red pool=ext)" = 192.168.100.2 ]
check "the next one, assigned to red/vx/a1" \
    [ "$(req fip-add red pool=ext network=vx port_name=a1)" = 192.168.100.3 ]
check "Floating_IP 192.168.100.3 points to a1" \
    [ "$(col Floating_IP ip 192.168.100.3 port | jq -r '.[1]')" = "$(uuid_of Port a1)" ]
check "Pool ext's weft-fip-gen was bumped twice" \
    [ "$(col Pool name ext external_ids | jq -r '.[1][] | select(.[0]=="weft-fip-gen") | .[1]')" = 2 ]
refused conflict "address 192.168.100.2 is already in use" \
    fip-add blue pool=ext fip=192.168.100.2 --tenant-view
refused conflict "port red/vx/a1 already has floating IP 192.168.100.3" \
    fip-set red fip=192.168.100.2 network=vx port_name=a1
refused conflict "host h2 has no external side" \
    fip-set red fip=192.168.100.2 network=vx port_name=a2
refused "not found" "floating IP 192.168.100.2 does not exist" \
    fip-del blue fip=192.168.100.2 --tenant-view
refused "not found" "floating IP 192.168.100.2 does not exist" \
    fip-set blue fip=192.168.100.2 --tenant-view
refused conflict "floating IP 192.168.100.2 belongs to tenant red, not blue" \
    fip-del blue fip=192.168.100.2
accepted host-set h2 external_iface=ext0 external_ip=192.168.100.12/24 external_gateway=192.168.100.1
accepted fip-set red fip=192.168.100.2 network=vx port_name=a2
check "Floating_IP 192.168.100.2 points to a2" \
    [ "$(col Floating_IP ip 192.168.100.2 port | jq -r '.[1]')" = "$(uuid_of Port a2)" ]
accepted fip-set red fip=192.168.100.3 network=vx port_name=l2
accepted fip-set red fip=192.168.100.3
check "fip-set without a port unassigns" \
    [ "$(col Floating_IP ip 192.168.100.3 port)" = '["set",[]]' ]
accepted fip-set red fip=192.168.100.3 network=vx port_name=a1

# --- port mappings ---------------------------------------------------------
refused invalid "port 0 is out of range 1..65535" \
    map-add red vx a1 proto=tcp host_port=8080 to_port=0
refused invalid "host port 65536 is out of range 1..65535" \
    map-add red vx a1 proto=tcp host_port=65536 to_port=80
accepted map-add red vx a1 proto=tcp host_port=8080 to_port=80
check "Port a1's mappings hold tcp/8080 -> 80" \
    [ "$(col Port name a1 mappings)" = '["map",[["tcp/8080",80]]]' ]
check "Host h1's weft-map-gen was bumped" \
    [ "$(col Host name h1 external_ids | jq -r '.[1][] | select(.[0]=="weft-map-gen") | .[1]')" = 1 ]
refused conflict "host h1 port tcp/8080 is already mapped" \
    map-add blue vx b1 proto=tcp host_port=8080 to_port=80 --tenant-view
accepted map-add blue vx b1 proto=udp host_port=8080 to_port=53
refused "not found" "port red/vx/a1 has no mapping of tcp/9" \
    map-del red vx a1 proto=tcp host_port=9

# --- what is in use cannot go ----------------------------------------------
refused conflict "host h1 still has 2 port mappings and 1 floating IP: delete them first" \
    host-set h1 external_iface=
refused conflict "floating IP 192.168.100.3 on host h1 would be outside its external LAN 192.168.200.0/24: move or delete it first" \
    host-set h1 external_iface=ext0 external_ip=192.168.200.11/24 external_gateway=192.168.200.1
refused conflict "pool ext still has 2 floating IPs" pool-del ext
refused conflict "tenant red still has 1 network, 2 routers and 2 floating IPs" tenant-del red

# --- six clients allocate at once --------------------------------------------
pids=()
for i in 1 2 3 4 5 6; do
    req fip-add blue pool=ext > "$SIM_DIR/fip.$i" 2>&1 & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
got=$(cat "$SIM_DIR"/fip.? | sort -t. -k4 -n | paste -sd' ')
check "six concurrent fip-adds got six distinct addresses ($got)" \
    [ "$got" = "192.168.100.4 192.168.100.5 192.168.100.6 192.168.100.7 192.168.100.8 192.168.100.9" ]

check "weftd patched all of it, its self-check passed" weftd_ok

# --- and away again ----------------------------------------------------------
ovsdb-client transact "$db" '["Weft",{"op":"mutate","table":"Host","where":[["name","==","h1"]],"mutations":[["status","insert",["map",[["external_gateway_mac","02:aa:bb:cc:dd:ee"]]]]]}]' >/dev/null
accepted host-set h1 external_iface=ext0 external_ip=192.168.100.11/24 external_gateway=192.168.100.254
check "a new gateway takes the resolved MAC with it" \
    [ "$(col Host name h1 status | jq -c '.[1] | map(select(.[0]=="external_gateway_mac"))')" = '[]' ]
accepted map-del red vx a1 proto=tcp host_port=8080
accepted map-del blue vx b1 proto=udp host_port=8080
check "Port a1 has no mapping" [ "$(col Port name a1 mappings)" = '["map",[]]' ]
for ip in 2 3; do accepted fip-del red fip=192.168.100.$ip; done
for ip in 4 5 6 7 8 9; do accepted fip-del blue fip=192.168.100.$ip; done
accepted pool-del ext
accepted host-set h1 external_iface=
check "Host h1 has no external side" \
    [ "$(col Host name h1 external_iface)$(col Host name h1 external_ip)" = '["set",[]]["set",[]]' ]
accepted router-set red r snat=false
check "Router red/r has no snat" [ "$(col Router name r snat)" = false ]
check "weftd patched all of it, its self-check passed" weftd_ok

sim_finish
