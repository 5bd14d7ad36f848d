#!/usr/bin/env bash
# test-write-services: the service requests (#14) through the shared write
# layer (topology/validate-service.c, ovsdb/weft-write-services.c,
# weft-txn.c), without a front end: tests/weft-req runs one 'struct
# weft_request' as weftctl and the REST API do.  For each op: the rows it
# writes, in canonical text (a weight only when it is not 1); bad input
# refused with its kind and message and nothing written; a tenant never
# told whose a node port is; the refusals while in use (router-del,
# router-detach, tenant-del) and node ports against port mappings in both
# directions.  weftd runs with --self-check and patches every change in
# place.
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

export WEFT_WEFTD_OPTS=--self-check
sim_start 2

db=unix:$SIM_DIR/weft.sock
log=$SIM_DIR/weftd.log
req() { "$sim_build/tests/weft-req" "$db" "$@"; }

# What service state the database holds (and what the refusals touch).
svc_rows() {
    ovsdb-client dump "$db" Weft Service name flow_key vip port proto \
        node_port backends weights down
    ovsdb-client dump "$db" Weft Port name mappings
    ovsdb-client dump "$db" Weft Router name networks
    ovsdb-client dump "$db" Weft Tenant name
}
# refused KIND MESSAGE REQ-ARGS...: the request fails with exactly
# "KIND: MESSAGE" and the database is unchanged.
refused() {
    local want="$1: $2" got before after
    shift 2
    before=$(svc_rows)
    if got=$(req "$@" 2>&1); then
        bad "refused: $* (it was accepted: $got)"
        return
    fi
    after=$(svc_rows)
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
# svc NAME COLUMN: a column of service NAME (the tests give every service
# a name no other tenant uses).
svc() { col Service name "$1" "$2"; }
uuid_of() { col "$1" name "$2" _uuid | jq -r '.[1]'; }
weftd_ok() {
    pid_alive "$(pidfile_pid "$SIM_DIR/weftd.pid")" \
        && ctl --timeout=120 sync >/dev/null \
        && ! grep -q -- '--self-check:' "$log"
}

ctl tenant-add red
ctl tenant-add blue
ctl net-add red/vx --type=vxlan --segment=100 --cidr=10.0.0.0/24
ctl net-add blue/bx --type=vxlan --segment=200 --cidr=10.0.0.0/24
ctl net-add red/other --type=vxlan --segment=101 --cidr=10.1.0.0/24
ctl net-add red/svcnet --type=vxlan --segment=102 --cidr=10.96.0.0/24
ctl port-add red/vx/a1 --host=h1 --iface=a1 --mac=02:00:00:00:0a:01 >/dev/null
ctl port-add red/vx/a2 --host=h2 --iface=a2 --mac=02:00:00:00:0a:02 >/dev/null
ctl port-add blue/bx/b1 --host=h1 --iface=b1 --mac=02:00:00:00:0b:01 >/dev/null
ctl port-add red/other/o1 --host=h1 --iface=o1 --mac=02:00:00:00:0a:03 >/dev/null
ctl router-add red/r
ctl router-attach red/r vx
ctl router-add blue/rb
ctl router-attach blue/rb bx
accepted host-set h1 external_iface=ext0 external_ip=192.168.100.11/24 external_gateway=192.168.100.1
a1=$(uuid_of Port a1)
a2=$(uuid_of Port a2)

# --- service-add -------------------------------------------------------------
web=(service-add red web router=r vip=10.96.0.10)
refused invalid "port 0 is out of range 1..65535" "${web[@]}" svc_port=0
refused invalid "port is required" "${web[@]}"
refused invalid "router is required" service-add red web vip=10.96.0.10 svc_port=80
refused invalid "invalid VIP \"10.96.0.10/32\": expected a unicast A.B.C.D" \
    service-add red web router=r vip=10.96.0.10/32 svc_port=80
refused invalid "VIP 127.0.0.1 is a loopback address" \
    service-add red web router=r vip=127.0.0.1 svc_port=80
refused invalid "VIP 100.64.0.7 is in 100.64.0.0/16 (weft's transit addresses)" \
    service-add red web router=r vip=100.64.0.7 svc_port=80
refused invalid "IP 224.0.0.5 is multicast" \
    service-add red web router=r vip=224.0.0.5 svc_port=80
refused invalid "invalid protocol \"sctp\": expected tcp or udp" "${web[@]}" svc_port=80 proto=sctp
refused invalid "node port 70000 is out of range 1..65535" "${web[@]}" svc_port=80 node_port=70000
refused invalid "invalid service name \"-x\": must not start with '-'" \
    service-add red -x router=r vip=10.96.0.10 svc_port=80
refused conflict "VIP 10.0.0.50 is inside subnet 10.0.0.0/24 of network red/vx, attached to router red/r" \
    service-add red web router=r vip=10.0.0.50 svc_port=80
refused "not found" "router red/rb does not exist" service-add red web router=rb vip=10.96.0.10 svc_port=80
refused "not found" "tenant green does not exist" service-add green web router=r vip=10.96.0.10 svc_port=80
accepted "${web[@]}" svc_port=80
check "service red/web is written in canonical form" \
    [ "$(svc web flow_key)$(svc web vip)$(svc web port)$(svc web proto)$(svc web node_port)" = '1"10.96.0.10"80"tcp"["set",[]]' ]
refused conflict "service red/web already exists" "${web[@]}" svc_port=81
refused conflict "10.96.0.10:80/tcp is already a service of router red/r (red/web)" \
    service-add red web2 router=r vip=10.96.0.10 svc_port=80
accepted service-add red dns router=r vip=10.96.0.10 svc_port=80 proto=udp
check "service red/dns: udp, the next key" [ "$(svc dns flow_key)$(svc dns proto)" = '2"udp"' ]
# The same VIP on another tenant's router is another service.
accepted service-add blue bweb router=rb vip=10.96.0.10 svc_port=80 node_port=30080
check "service blue/bweb has node port 30080" [ "$(svc bweb node_port)" = 30080 ]

# --- node ports and port mappings ----------------------------------------------
refused conflict "node port tcp/30080 is already used by service blue/bweb" \
    service-set red web node_port=30080
refused conflict "node port tcp/30080 is already in use" \
    service-set red web node_port=30080 --tenant-view
refused conflict "host port tcp/30080 is already used by service blue/bweb as its node port" \
    map-add red vx a1 proto=tcp host_port=30080 to_port=80
refused conflict "host port tcp/30080 is already in use" \
    map-add red vx a1 proto=tcp host_port=30080 to_port=80 --tenant-view
accepted map-add red vx a1 proto=udp host_port=30080 to_port=80
accepted map-add red vx a1 proto=tcp host_port=8080 to_port=80
refused conflict "node port tcp/8080 is already used by a port mapping of red/vx/a1 on host h1" \
    service-set blue bweb node_port=8080
refused conflict "node port tcp/8080 is already in use" \
    service-set blue bweb node_port=8080 --tenant-view
refused invalid "node port (or its removal) is required" service-set red web
accepted map-del red vx a1 proto=tcp host_port=8080
accepted map-del red vx a1 proto=udp host_port=30080
accepted service-set red web node_port=30081
check "service red/web has node port 30081" [ "$(svc web node_port)" = 30081 ]
accepted service-set red web node_port=
check "service red/web has no node port" [ "$(svc web node_port)" = '["set",[]]' ]

# --- backends ------------------------------------------------------------------
accepted backend-add red web network=vx port_name=a1
check "backend a1 -> 80, weight 1 not stored, up" \
    [ "$(svc web backends)$(svc web weights)$(svc web down)" = "[\"map\",[[[\"uuid\",\"$a1\"],80]]][\"map\",[]][\"set\",[]]" ]
accepted backend-add red web network=vx port_name=a2 to_port=8080 weight=3 down=true
check "backend a2 -> 8080, weight 3, down" \
    [ "$(svc web weights)$(svc web down)" = "[\"map\",[[[\"uuid\",\"$a2\"],3]]][\"uuid\",\"$a2\"]" ]
refused conflict "port red/vx/a1 is already a backend of service red/web" \
    backend-add red web network=vx port_name=a1
refused conflict "network red/other of port red/other/o1 is not attached to router red/r of service red/web" \
    backend-add red web network=other port_name=o1
refused conflict "port blue/bx/b1 belongs to tenant blue, not red" \
    backend-add red web network=blue/bx port_name=b1
refused "not found" "network blue/bx does not exist" \
    backend-add red web network=blue/bx port_name=b1 --tenant-view
refused "not found" "port red/vx/zz does not exist" backend-add red web network=vx port_name=zz
refused "not found" "service red/nope does not exist" backend-add red nope network=vx port_name=a1
refused invalid "weight 0 is out of range 1..256" backend-add red dns network=vx port_name=a1 weight=0
refused invalid "weight 257 is out of range 1..256" backend-add red dns network=vx port_name=a1 weight=257
refused invalid "target port 0 is out of range 1..65535" backend-add red dns network=vx port_name=a1 to_port=0
refused invalid "invalid down \"maybe\": expected true or false" backend-add red dns network=vx port_name=a1 down=maybe
refused invalid "nothing to change: give a target port, a weight or down" backend-set red web network=vx port_name=a2
refused "not found" "port red/vx/a1 is not a backend of service red/dns" backend-del red dns network=vx port_name=a1
accepted backend-set red web network=vx port_name=a2 weight=1 down=false
check "backend a2: weight 1 and up: neither stored" \
    [ "$(svc web weights)$(svc web down)$(svc web backends | jq -c '.[1]|length')" = '["map",[]]["set",[]]2' ]
accepted backend-set red web network=vx port_name=a1 to_port=81
check "backend a1 -> 81" [ "$(svc web backends | jq -c ".[1][]|select(.[0][1]==\"$a1\")|.[1]")" = 81 ]
accepted backend-add red dns network=vx port_name=a1

# --- in use ----------------------------------------------------------------------
refused conflict "network red/vx holds backends of services red/dns, red/web of router red/r: remove them first" \
    router-detach red r network=vx
refused conflict "router red/r still has services red/dns, red/web: delete them first" router-del red r
refused conflict "tenant red still has 3 networks, 1 router and 2 services" tenant-del red
refused conflict "subnet 10.96.0.0/24 of network red/svcnet contains VIP 10.96.0.10 of service red/dns" \
    router-attach red r network=svcnet
check "weftd patched all of it, its self-check passed" weftd_ok

# port-del is allowed: the port leaves its services.
accepted port-del red vx a2
check "backend a2 left service red/web with its port" \
    [ "$(svc web backends | jq -c '.[1]|length')" = 1 ]
accepted backend-del red web network=vx port_name=a1
check "service red/web has no backend" [ "$(svc web backends)" = '["map",[]]' ]
accepted service-del red web
accepted service-del red dns
refused "not found" "service red/web does not exist" service-del red web
accepted service-add red again router=r vip=10.96.0.20 svc_port=80
check "a new service gets the lowest free key (1, freed by red/web)" [ "$(svc again flow_key)" = 1 ]
accepted service-del red again
accepted router-detach red r network=vx
accepted router-del red r
check "weftd patched all of it, its self-check passed" weftd_ok

sim_finish
