#!/usr/bin/env bash
# test-db-update: weftd patches its desired state in place from the
# database's tracked changes (ovsdb/weft-db-update.c), and
# the patched state always equals a full load.
#
# weftd runs with --self-check: after every change it compares the topology
# it patched with a fresh full load of the database and aborts on any
# difference.  Every kind of change is made, each followed by `weftctl sync`
# (raw transactions bump nb_cfg too), which only returns once weftd applied
# it and every host installed it:
#   - hosts: delete, add, modify (uplink set and cleared);
#   - tenants: add, quota change, flow key change, delete; a network moved
#     to a new tenant while its old one is deleted (a full load: the one
#     change here that the patch leaves to a full load);
#   - networks: add, modify (MTU), delete (with its last port, in one
#     transaction);
#   - ports: add, delete, two inserted in one transaction, IPs changed, MAC
#     changed, moved to another host, moved to another network, one the
#     loader skips (bad MAC) and then fixes, and a port that leaves a host
#     deleted in the same transaction;
#   - Weft_Global options:underlay_mtu;
#   - subnets and routers (#12): a network's cidr and gateway set and
#     changed, a port added without an IP on it (an address is allocated),
#     a router added, attached to two networks, given a route, renamed, the
#     attached network's gateway changed, a network detached and deleted in
#     one transaction, the router deleted while still attached;
#   - NAT (#13): a router with snat added, snat off and on; a host's
#     external side set, its gateway changed, an IP that does not parse and
#     is fixed, removed; a pool added; a floating IP added, assigned, moved
#     to another host, kept while its port is modified, unassigned, assigned
#     again and unassigned by its port's deletion (weak reference), two
#     swapping ports in one transaction, its port moved to another host
#     and back (it keeps it), deleted; a pool deleted with its
#     last floating IP in one transaction; port mappings added, one that
#     does not parse, deleted;
#   - services (#14): a service added, backends added (with a weight), a
#     backend's port skipped by the loader and fixed, a backend marked
#     down, weight 1 and up again, a backend's port replaced and one
#     deleted (weak reference), a backend removed, node port set and
#     cleared, the service deleted (and one the loader skips: a full
#     load, like the tenant case below);
#   - security groups and IPv6 (#15): groups added, rules added (one with a
#     remote group, one naming its own group, one that does not parse:
#     skipped as a full load skips it), a rule changed in place and
#     deleted, a group renamed, members added and moved between groups, a
#     member's IPv6 address added (both families in Port.ips), a port with
#     only an IPv6 address and one with a link-local one (skipped, then
#     fixed), a member port deleted, a group deleted in the same
#     transaction as its last member leaves it (and one moved to another
#     tenant: a full load).
# None of the others needs a full load (weftd logs each, with its reason),
# and each patch reports what it changed (topology/changes.h's sets, logged
# at debug level): e.g. a port moved to another host changes one port, its
# network, and two port hosts.
# Then weft's database restarts with a port deleted while it was down: the
# IDL resyncs, and weftd must notice and load the whole state again (a
# patch would keep the deleted port, and the self-check would abort).
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

# This test is about the self-check: always on, whatever the caller set.
export WEFT_WEFTD_OPTS=--self-check
sim_start 3

db=unix:$SIM_DIR/weft.sock
log=$SIM_DIR/weftd.log

full_loads() { grep -c 'full load of the desired state' "$log" || true; }

# transact OP...: one transaction of the JSON operations OP..., plus a bump
# of nb_cfg, so that `weftctl sync` waits until weftd applied it.
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
update() {      # update TABLE NAME ROW_JSON: the operation
    printf '{"op":"update","table":"%s","where":[["name","==","%s"]],"row":%s}' "$1" "$2" "$3"
}
delete() {      # delete TABLE NAME: the operation
    printf '{"op":"delete","table":"%s","where":[["name","==","%s"]]}' "$1" "$2"
}
# insert_port NAME NET HOST IFACE MAC KEY IP: the operation (raw: no
# validation, as a hand-written database would).
insert_port() {
    printf '{"op":"insert","table":"Port","row":{"name":"%s","network":["uuid","%s"],"host":["uuid","%s"],"iface":"%s","mac":"%s","flow_key":%d,"ips":"%s"}}' \
        "$1" "$(uuid_of Network "$2")" "$(uuid_of Host "$3")" "$4" "$5" "$6" "$7"
}

weftd_alive() { pid_alive "$(pidfile_pid "$SIM_DIR/weftd.pid")"; }
weftd_ok() {
    weftd_alive && ctl --timeout=120 sync >/dev/null && weftd_alive \
        && ! grep -q -- '--self-check:' "$log"
}
# What each patch changed (topology/changes.h), as weftd logs it at debug
# level: the non-empty patches since the last step, ';'-separated.
mark=0
patches() {
    tail -n +"$((mark + 1))" "$log" \
        | sed -n 's/.*desired state patched: changed //p' | paste -sd';'
}
ch() { echo "$1 hosts, $2 tenants, $3 networks, $4 ports, $5 port hosts${6:-}"; }
# chr N...: ch with ", R routers" (weftd adds it when routers changed).
chr() { ch "$1" "$2" "$3" "$4" "$5" ", $6 routers"; }

# step DESCRIPTION [CHANGES]: the change just made was applied, checked, and
# (if given) patched with these changes.  A weftd that aborted would only
# make every later step time out: then the test stops.
step() {
    check "$1: weftd applied it, its self-check passed, hosts synced" weftd_ok
    if ! weftd_alive; then
        grep -A2 -- '--self-check:' "$log" || true
        bad "weftd died: the remaining steps are skipped"
        sim_finish
        exit 1
    fi
    if [ $# -ge 2 ]; then
        local got
        got=$(patches)
        if [ "$got" = "$2" ]; then
            ok "$1: changes: ${2:-none}"
        else
            bad "$1: changes: ${2:-none} (got: ${got:-none})"
        fi
    fi
    mark=$(wc -l < "$log")
}

has_iface() { sim_vsctl "$1" --bare --columns=name list interface | grep -qx "$2"; }
no_iface() { ! has_iface "$@"; }

pid=$(pidfile_pid "$SIM_DIR/weftd.pid")
check "weftd runs with --self-check" \
    grep -q -- --self-check <(tr '\0' ' ' < "/proc/$pid/cmdline")
ovs-appctl -t "$SIM_DIR/weftd.ctl" vlog/set weft_db_update:file:dbg >/dev/null

ctl tenant-add red
ctl net-add red/a --type=vxlan --segment=5001
ctl net-add red/b --type=geneve --segment=5002
ctl port-add red/a/a1 --host=h1 --iface=a1 --mac=02:00:00:00:0a:01 --ip=10.0.0.1
ctl port-add red/a/a2 --host=h2 --iface=a2 --mac=02:00:00:00:0a:02 --ip=10.0.0.2
step "set-up (tenant, two networks, two ports)"
check "the ports' interfaces exist" wait_for 60 eval 'has_iface 1 a1 && has_iface 2 a2'
f0=$(full_loads)
check "weftd's first load was a full load ($f0)" [ "$f0" -ge 1 ]

# --- hosts ---------------------------------------------------------------
ctl host-del h3
step "host deleted" "$(ch 1 0 0 0 0)"
ctl host-add h3 --remote=unix:"$(sim_hdir 3)/db.sock" \
    --tunnel-ip="$(sim_tunnel_ip 3)" --datapath-type=system
step "host added" "$(ch 1 0 0 0 0)"
transact "$(update Host h3 '{"uplink":"upx"}')"
step "host modified (uplink set)" "$(ch 1 0 0 0 0)"
transact "$(update Host h3 '{"uplink":["set",[]]}')"
step "host modified (uplink cleared)" "$(ch 1 0 0 0 0)"

# --- tenants -------------------------------------------------------------
ctl tenant-add blue
step "tenant added" "$(ch 0 1 0 0 0)"
ctl tenant-set blue --max-ports=7
step "tenant quota changed" "$(ch 0 1 0 0 0)"
ctl tenant-del blue
step "tenant deleted" "$(ch 0 1 0 0 0)"
transact "$(update Tenant red '{"flow_key":4321}')"
step "tenant flow key changed (its networks' cookies)" "$(ch 0 1 2 0 0)"

# --- networks ------------------------------------------------------------
ctl net-add red/c --type=gre --segment=5003
step "network added" "$(ch 0 0 1 0 0)"
transact "$(update Network a '{"mtu":1400}')"
step "network modified (MTU)" "$(ch 0 0 1 0 0)"

# --- ports ---------------------------------------------------------------
ctl port-add red/a/a3 --host=h3 --iface=a3 --mac=02:00:00:00:0a:03 --ip=10.0.0.3
step "port added" "$(ch 0 0 1 1 1)"
check "its interface appears on h3" wait_for 60 has_iface 3 a3
ctl port-del red/a/a3
step "port deleted" "$(ch 0 0 1 1 1)"
check "its interface leaves h3" wait_for 60 no_iface 3 a3

transact "$(insert_port t1 a h2 t1 02:00:00:00:0a:11 900001 10.0.0.11)" \
         "$(insert_port t2 a h3 t2 02:00:00:00:0a:12 900002 10.0.0.12)"
step "two ports inserted in one transaction" "$(ch 0 0 1 2 2)"
check "both interfaces appear" wait_for 60 eval 'has_iface 2 t1 && has_iface 3 t2'

transact "$(update Port t1 '{"ips":["set",["10.0.0.21","10.0.0.22"]]}')"
step "port modified (IPs)" "$(ch 0 0 1 1 1)"
transact "$(update Port t1 '{"mac":"02:00:00:00:0a:21"}')"
step "port modified (MAC)" "$(ch 0 0 1 1 1)"

transact "$(update Port t1 "{\"host\":[\"uuid\",\"$(uuid_of Host h3)\"]}")"
step "port moved to another host" "$(ch 0 0 1 1 2)"
check "its interface moves from h2 to h3" \
    wait_for 60 eval 'has_iface 3 t1 && no_iface 2 t1'

transact "$(update Port t2 "{\"network\":[\"uuid\",\"$(uuid_of Network b)\"]}")"
step "port moved to another network" "$(ch 0 0 2 1 1)"

transact "$(insert_port bad a h1 bad1 not-a-mac 900003 10.0.0.31)"
step "port with a bad MAC (skipped, as a full load skips it)" ""
check "weftd made no interface for it" no_iface 1 bad1
transact "$(update Port bad '{"mac":"02:00:00:00:0a:31"}')"
step "that port's MAC fixed (no longer skipped)" "$(ch 0 0 1 1 1)"
check "its interface appears" wait_for 60 has_iface 1 bad1

ctl port-add red/c/c1 --host=h1 --iface=c1 --mac=02:00:00:00:0c:01 --ip=10.0.3.1
step "port added to the third network" "$(ch 0 0 1 1 1)"
transact "$(delete Port c1)" "$(delete Network c)"
step "network deleted with its last port, in one transaction" \
    "$(ch 0 0 1 1 1)"

# h3 keeps t1 and t2 only: both leave it, and h3 goes, in one transaction.
transact "$(update Port t1 "{\"host\":[\"uuid\",\"$(uuid_of Host h1)\"]}")" \
         "$(delete Port t2)" "$(delete Host h3)"
step "a port moved off a host that is deleted in the same transaction" \
    "$(ch 1 0 2 2 2)"
check "the moved port's interface is on h1" wait_for 60 has_iface 1 t1

transact '{"op":"mutate","table":"Weft_Global","where":[],"mutations":[["options","insert",["map",[["underlay_mtu","9000"]]]]]}'
step "Weft_Global options:underlay_mtu changed" \
    "$(ch 0 0 0 0 0 ", all (underlay MTU)")"

# --- subnets and routers (#12) -------------------------------------------
# Written raw (weftctl's router commands are the front ends'), so the
# loader sees exactly these rows.
transact "$(update Network a '{"cidr":"10.0.0.0/24","gateway":"10.0.0.254"}')"
step "network subnet set (cidr, gateway)" "$(ch 0 0 1 0 0)"
transact "$(update Network b '{"cidr":"10.0.2.0/24","gateway":"10.0.2.1"}')"
step "another network's subnet set" "$(ch 0 0 1 0 0)"
ctl port-add red/a/al --host=h2 --iface=al --mac=02:00:00:00:0a:41
step "port added without an IP (allocated)" "$(ch 0 0 1 1 1)"
# a has a1 10.0.0.1, a2 10.0.0.2, t1 10.0.0.21/.22 and bad 10.0.0.31: .3
# is the lowest free address.
check "the port got the lowest free address of 10.0.0.0/24" \
    [ "$(ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Port","where":[["name","==","al"]],"columns":["ips"]}]' | jq -r '.[0].rows[0].ips')" = 10.0.0.3 ]
ctl port-del red/a/al
step "that port deleted" "$(ch 0 0 1 1 1)"

red=$(uuid_of Tenant red)
neta=$(uuid_of Network a)
netb=$(uuid_of Network b)
transact "{\"op\":\"insert\",\"table\":\"Router\",\"row\":{\"name\":\"r1\",\"tenant\":[\"uuid\",\"$red\"],\"flow_key\":1}}"
step "router added" "$(chr 0 0 0 0 0 1)"
rmut() {    # rmut COLUMN OP MAP_JSON: mutate router r1's map column
    printf '{"op":"mutate","table":"Router","where":[["name","==","r1"]],"mutations":[["%s","%s",%s]]}' "$1" "$2" "$3"
}
transact "$(rmut networks insert "[\"map\",[[[\"uuid\",\"$neta\"],\"02:57:00:01:00:01\"]]]")"
step "router attached to a network" "$(chr 0 0 1 0 0 1)"
transact "$(rmut networks insert "[\"map\",[[[\"uuid\",\"$netb\"],\"02:57:00:01:00:02\"]]]")"
step "router attached to a second network" "$(chr 0 0 2 0 0 1)"
transact "$(rmut routes insert '["map",[["10.9.0.0/16","10.0.0.5"]]]')"
step "route added" "$(chr 0 0 0 0 0 1)"
transact "$(update Router r1 '{"name":"r9"}')"
step "router renamed" "$(chr 0 0 0 0 0 1)"
transact "$(update Router r9 '{"name":"r1"}')"
step "router renamed back" "$(chr 0 0 0 0 0 1)"
transact "$(update Network a '{"gateway":"10.0.0.253"}')"
step "attached network's gateway changed (the network and its router)" \
    "$(chr 0 0 1 0 0 1)"
transact "$(rmut networks delete "[\"set\",[[\"uuid\",\"$netb\"]]]")" \
         "$(update Network b '{"cidr":["set",[]],"gateway":["set",[]]}')"
step "network detached and its subnet removed in one transaction" \
    "$(chr 0 0 2 0 0 1)"
transact "$(delete Router r1)"
step "router deleted while still attached" "$(chr 0 0 1 0 0 1)"

# --- NAT (#13): external sides, snat, pools, floating IPs, mappings ------
# Raw rows again (the front ends' commands are weftctl's and the REST
# API's).  A floating IP's flows are its port's: assigning, moving or
# unassigning one changes its old and its new port (and their hosts).
pool_uuid=
transact "{\"op\":\"insert\",\"table\":\"Router\",\"row\":{\"name\":\"r2\",\"tenant\":[\"uuid\",\"$red\"],\"flow_key\":2,\"snat\":true,\"networks\":[\"map\",[[[\"uuid\",\"$neta\"],\"02:57:00:02:00:01\"]]]}}"
step "router added with snat, attached" "$(chr 0 0 1 0 0 1)"
transact "$(update Router r2 '{"snat":false}')"
step "router snat off" "$(chr 0 0 0 0 0 1)"
transact "$(update Router r2 '{"snat":true}')"
step "router snat on" "$(chr 0 0 0 0 0 1)"
transact "$(update Host h1 '{"external_iface":"ext0","external_ip":"192.168.100.11/24","external_gateway":"192.168.100.1"}')"
step "host external side set" "$(ch 1 0 0 0 0)"
transact "$(update Host h2 '{"external_iface":"ext0","external_ip":"192.168.100.12/24","external_gateway":"192.168.100.1"}')"
step "another host's external side set" "$(ch 1 0 0 0 0)"
transact "$(update Host h2 '{"external_gateway":"192.168.100.254"}')"
step "host external gateway changed" "$(ch 1 0 0 0 0)"
transact "$(update Host h2 '{"external_ip":"bogus"}')"
step "host external IP that does not parse (no external side, as a full load)" \
    "$(ch 1 0 0 0 0)"
transact "$(update Host h2 '{"external_ip":"192.168.100.12/24"}')"
step "host external IP fixed" "$(ch 1 0 0 0 0)"

nat() { ch "$1" 0 "$2" "$3" "$4" ", $5 pools, $6 fips"; }
transact '{"op":"insert","table":"Pool","row":{"name":"ext","cidr":"192.168.100.0/24"}}'
step "pool added" "$(nat 0 0 0 0 1 0)"
pool_uuid=$(uuid_of Pool ext)
fip_op() {      # fip_op IP ROW_JSON: update of floating IP IP
    printf '{"op":"update","table":"Floating_IP","where":[["ip","==","%s"]],"row":%s}' "$1" "$2"
}
port_ref() { printf '{"port":["uuid","%s"]}' "$(uuid_of Port "$1")"; }
insert_fip() {  # insert_fip IP: unassigned, of tenant red, pool ext
    printf '{"op":"insert","table":"Floating_IP","row":{"tenant":["uuid","%s"],"pool":["uuid","%s"],"ip":"%s"}}' \
        "$red" "$pool_uuid" "$1"
}
transact "$(insert_fip 192.168.100.100)"
step "floating IP added, unassigned" "$(nat 0 0 0 0 0 1)"
transact "$(fip_op 192.168.100.100 "$(port_ref a1)")"
step "floating IP assigned (its port's change)" "$(nat 0 1 1 1 0 1)"
transact "$(fip_op 192.168.100.100 "$(port_ref a2)")"
step "floating IP moved to a port on another host (old and new port)" \
    "$(nat 0 1 2 2 0 1)"
transact "$(update Port a2 '{"ips":["set",["10.0.0.2","10.0.0.42"]]}')"
step "the port holding a floating IP modified (it keeps it)" \
    "$(nat 0 1 1 1 0 1)"
transact "$(fip_op 192.168.100.100 '{"port":["set",[]]}')"
step "floating IP unassigned" "$(nat 0 1 1 1 0 1)"
transact "$(fip_op 192.168.100.100 "$(port_ref t1)")"
step "floating IP assigned to another port" "$(nat 0 1 1 1 0 1)"
transact "$(delete Port t1)"
step "its port deleted (the weak reference unassigns it)" \
    "$(nat 0 1 1 1 0 1)"
check "the floating IP stayed, unassigned" \
    [ "$(ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Floating_IP","where":[],"columns":["port"]}]' | jq -c '.[0].rows[0].port')" = '["set",[]]' ]

transact "$(fip_op 192.168.100.100 "$(port_ref a1)")" \
         "$(insert_fip 192.168.100.101)"
step "floating IP assigned and another added, in one transaction" \
    "$(nat 0 1 1 1 0 2)"
transact "$(fip_op 192.168.100.101 "$(port_ref a2)")"
step "that one assigned: two floating IPs on two ports" "$(nat 0 1 1 1 0 1)"
transact "$(fip_op 192.168.100.100 "$(port_ref a2)")" \
         "$(fip_op 192.168.100.101 "$(port_ref a1)")"
step "the two floating IPs swap ports in one transaction" \
    "$(nat 0 1 2 2 0 2)"
transact "$(update Port a1 "{\"host\":[\"uuid\",\"$(uuid_of Host h2)\"]}")"
step "a port holding a floating IP moved to another host (it keeps it)" \
    "$(nat 0 1 1 2 0 1)"
transact "$(update Port a1 "{\"host\":[\"uuid\",\"$(uuid_of Host h1)\"]}")"
step "and moved back" "$(nat 0 1 1 2 0 1)"

mapop() {       # mapop PORT OP MAP_JSON: mutate the port's mappings
    printf '{"op":"mutate","table":"Port","where":[["name","==","%s"]],"mutations":[["mappings","%s",%s]]}' "$1" "$2" "$3"
}
transact "$(mapop a1 insert '["map",[["tcp/8080",80]]]')"
step "port mapping added" "$(ch 0 0 1 1 1)"
transact "$(mapop a1 insert '["map",[["udp/5353",53]]]')"
step "second port mapping added" "$(ch 0 0 1 1 1)"
transact "$(mapop a1 insert '["map",[["tcp/08080",81]]]')"
step "a mapping key that does not parse (skipped, as a full load skips it)" ""
transact "$(mapop a1 delete '["set",["tcp/8080","tcp/08080"]]')"
step "port mapping deleted" "$(ch 0 0 1 1 1)"

transact '{"op":"delete","table":"Floating_IP","where":[["ip","==","192.168.100.100"]]}'
step "floating IP deleted (its port's change)" "$(nat 0 1 1 1 0 1)"
transact '{"op":"delete","table":"Floating_IP","where":[["ip","==","192.168.100.101"]]}' \
         "$(delete Pool ext)"
step "pool deleted with its last floating IP, in one transaction" \
    "$(nat 0 1 1 1 1 1)"
transact "$(update Host h1 '{"external_iface":["set",[]],"external_ip":["set",[]],"external_gateway":["set",[]]}')"
step "host external side removed" "$(ch 1 0 0 0 0)"
# --- services (#14): a Service row and its backends ---------------------------
# Raw rows, on router r2 (attached to network a: ports a1 and a2).  A
# service's change is its own ("N services"); a port replaced or deleted
# while a backend changes its services too (the weak reference).
svc() { ch 0 0 0 0 0 ", $1 services"; }
svcop() {       # svcop COLUMN OP VALUE_JSON: mutate service web's column
    printf '{"op":"mutate","table":"Service","where":[["name","==","web"]],"mutations":[["%s","%s",%s]]}' "$1" "$2" "$3"
}
pref() { printf '["uuid","%s"]' "$(uuid_of Port "$1")"; }
transact "{\"op\":\"insert\",\"table\":\"Service\",\"row\":{\"name\":\"web\",\"tenant\":[\"uuid\",\"$red\"],\"router\":[\"uuid\",\"$(uuid_of Router r2)\"],\"flow_key\":1,\"vip\":\"10.96.0.10\",\"port\":80,\"proto\":\"tcp\"}}"
step "service added" "$(svc 1)"
transact "$(svcop backends insert "[\"map\",[[$(pref a1),80]]]")"
step "backend added" "$(svc 1)"
transact "$(svcop backends insert "[\"map\",[[$(pref a2),8080]]]")" \
         "$(svcop weights insert "[\"map\",[[$(pref a2),3]]]")"
step "second backend added with a weight" "$(svc 1)"
transact "$(update Port a1 '{"mac":"not-a-mac"}')"
step "a backend's port the loader skips (it leaves the service)" \
    "$(ch 0 0 1 1 1 ", 1 services")"
transact "$(update Port a1 '{"mac":"02:00:00:00:0a:01"}')"
step "and fixed (a backend again)" "$(ch 0 0 1 1 1 ", 1 services")"
transact "$(svcop down insert "[\"set\",[$(pref a2)]]")"
step "backend marked down" "$(svc 1)"
transact "$(svcop weights delete "[\"set\",[$(pref a2)]]")" \
         "$(svcop down delete "[\"set\",[$(pref a2)]]")"
step "backend weight 1 again and up" "$(svc 1)"
transact "$(update Port a2 '{"ips":["set",["10.0.0.2"]]}')"
step "a backend's port modified (replaced: the service's backends set again)" \
    "$(ch 0 0 1 1 1 ", 1 services")"
transact "$(insert_port t2 a h1 t2 02:00:00:00:0a:22 901 10.0.0.22)"
step "port added" "$(ch 0 0 1 1 1)"
transact "$(svcop backends insert "[\"map\",[[$(pref t2),80]]]")"
step "it becomes a backend" "$(svc 1)"
transact "$(delete Port t2)"
step "a backend's port deleted (the weak reference drops it)" \
    "$(ch 0 0 1 1 1 ", 1 services")"
check "the service kept its two other backends" \
    [ "$(ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Service","where":[],"columns":["backends"]}]' | jq -c '.[0].rows[0].backends[1]|length')" = 2 ]
transact "$(svcop backends delete "[\"set\",[$(pref a1)]]")"
step "backend removed" "$(svc 1)"
transact "$(update Service web '{"node_port":30080}')"
step "node port set" "$(svc 1)"
transact "$(update Service web '{"node_port":["set",[]]}')"
step "node port cleared" "$(svc 1)"
transact "$(delete Service web)"
step "service deleted" "$(svc 1)"

# --- security groups and IPv6 (#15) ---------------------------------------------
# Raw rows.  A group's change is its own ("N sgs"); a member joining or
# leaving changes the group and the port (its network and host).
sgc() { ch 0 0 0 0 0 ", $1 sgs"; }
sgp() { ch 0 0 1 1 1 ", $1 sgs"; }
gref() { printf '["uuid","%s"]' "$(uuid_of Security_Group "$1")"; }
# rule_row ID KEY DIR PROTO EXTRA_JSON: a Security_Rule row, as JSON.
rule_row() {
    printf '{"rule_id":%d,"flow_key":%d,"direction":"%s","proto":"%s"%s}' "$1" "$2" "$3" "$4" "${5:-}"
}
# add_rule GROUP ROW_JSON: the operations that insert the rule into GROUP.
add_rule() {
    printf '{"op":"insert","table":"Security_Rule","row":%s,"uuid-name":"r"},{"op":"mutate","table":"Security_Group","where":[["name","==","%s"]],"mutations":[["rules","insert",["set",[["named-uuid","r"]]]]]}' "$2" "$1"
}
members() {     # members PORT OP GROUP...: mutate the port's groups
    local p=$1 op=$2 refs=""
    shift 2
    for g in "$@"; do refs="$refs${refs:+,}$(gref "$g")"; done
    printf '{"op":"mutate","table":"Port","where":[["name","==","%s"]],"mutations":[["security_groups","%s",["set",[%s]]]]}' "$p" "$op" "$refs"
}
transact "{\"op\":\"insert\",\"table\":\"Security_Group\",\"row\":{\"name\":\"web\",\"tenant\":[\"uuid\",\"$red\"]}}"
step "security group added" "$(sgc 1)"
transact "$(add_rule web "$(rule_row 1 1 ingress tcp ',"port_min":80,"port_max":80,"remote_cidr":"10.0.0.0/24"')")"
step "rule added" "$(sgc 1)"
transact "{\"op\":\"insert\",\"table\":\"Security_Group\",\"row\":{\"name\":\"db\",\"tenant\":[\"uuid\",\"$red\"]}}"
step "second group added" "$(sgc 1)"
transact "$(add_rule db "$(rule_row 2 2 ingress tcp ",\"port_min\":5432,\"port_max\":5432,\"remote_group\":$(gref web)")")"
step "rule with a remote group added" "$(sgc 1)"
transact "$(add_rule web "$(rule_row 3 3 ingress icmp ",\"remote_group\":$(gref web)")")"
step "rule naming its own group added" "$(sgc 1)"
transact "$(add_rule web "$(rule_row 4 4 egress any ',"remote_cidr":"10.0.0.1/24"')")"
step "a rule that does not parse (skipped, as a full load skips it)" ""
transact '{"op":"update","table":"Security_Rule","where":[["rule_id","==",1]],"row":{"port_max":8080}}'
step "a rule changed in place (its group is patched)" "$(sgc 1)"
transact "$(members a1 insert web)"
step "member added" "$(sgp 1)"
transact "$(members a2 insert web db)"
step "a port joins two groups" "$(sgp 2)"
transact "$(members a2 delete web)"
step "and leaves one" "$(sgp 1)"
transact "$(members a1 delete web)" "$(members a1 insert db)"
step "a member moved to another group" "$(sgp 2)"
transact "$(update Port a1 '{"ips":["set",["10.0.0.1","2001:db8::a1"]]}')"
step "a member's IPv6 address added (the port is replaced: its group too)" "$(sgp 1)"
transact "$(insert_port s6 a h2 s6 02:00:00:00:0a:36 903 2001:db8::36)"
step "a port with only an IPv6 address added" "$(ch 0 0 1 1 1)"
transact "$(insert_port l6 a h2 l6 02:00:00:00:0a:37 904 fe80::37)"
step "a port with a link-local address (skipped, as a full load skips it)" ""
transact "$(update Port l6 '{"ips":"2001:db8::37"}')"
step "and fixed" "$(ch 0 0 1 1 1)"
transact "$(members l6 insert db)"
step "it joins a group" "$(sgp 1)"
transact "$(delete Port l6)"
step "a member port deleted (it leaves its group)" "$(sgp 1)"
transact "$(update Security_Group db '{"name":"db2"}')"
step "group renamed" "$(sgc 1)"
transact '{"op":"mutate","table":"Security_Group","where":[["name","==","web"]],"mutations":[["rules","delete",["set",['"$(ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Security_Rule","where":[["rule_id","==",4]],"columns":["_uuid"]}]' | jq -c '.[0].rows[0]._uuid')"']]]]}'
step "the rule that did not parse deleted" ""
transact '{"op":"mutate","table":"Security_Group","where":[["name","==","web"]],"mutations":[["rules","delete",["set",['"$(ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Security_Rule","where":[["rule_id","==",1]],"columns":["_uuid"]}]' | jq -c '.[0].rows[0]._uuid')"']]]]}'
step "rule deleted" "$(sgc 1)"
check "the deleted rules' rows are gone (garbage collected)" \
    [ "$(ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Security_Rule","where":[],"columns":["rule_id"]}]' | jq -c '[.[0].rows[].rule_id]|sort')" = '[2,3]' ]
transact "$(members a1 delete db2)" "$(members a2 delete db2)" "$(delete Security_Group db2)"
step "a group deleted as its last members leave it, in one transaction" "$(ch 0 0 1 2 2 ", 1 sgs")"
transact '{"op":"update","table":"Security_Rule","where":[["rule_id","==",3]],"row":{"remote_group":["set",[]]}}' \
         "$(delete Security_Group web)"
step "the last group deleted (its rules with it)" "$(sgc 1)"

transact "$(delete Router r2)"
step "snat router deleted" "$(chr 0 0 1 0 0 1)"

f1=$(full_loads)
check "every change above was patched in place, none was a full load ($f0 -> $f1)" \
    [ "$f1" = "$f0" ]

# A change the patch does not handle: a network moves to a new tenant while
# its old tenant is deleted, in one transaction (the old tenant cannot go
# before the network leaves it, nor the network move before the new tenant
# exists): weftd loads the whole state instead.
ctl tenant-add green
ctl net-add green/g --type=vxlan --segment=5007
step "tenant and network added" "$(ch 0 1 0 0 0);$(ch 0 0 1 0 0)"
transact '{"op":"insert","table":"Tenant","row":{"name":"yellow","flow_key":4000},"uuid-name":"y"}' \
         "$(update Network g '{"tenant":["named-uuid","y"]}')" "$(delete Tenant green)"
step "a network moved off a tenant deleted in the same transaction" ""
check "that one was a full load ($f1 -> $(full_loads))" [ "$(full_loads)" = $((f1 + 1)) ]
f1=$(full_loads)
# Another: a service the loader skips (its VIP does not parse).
transact "{\"op\":\"insert\",\"table\":\"Router\",\"row\":{\"name\":\"r3\",\"tenant\":[\"uuid\",\"$red\"],\"flow_key\":3}}"
step "router added" "$(chr 0 0 0 0 0 1)"
transact "{\"op\":\"insert\",\"table\":\"Service\",\"row\":{\"name\":\"bad\",\"tenant\":[\"uuid\",\"$red\"],\"router\":[\"uuid\",\"$(uuid_of Router r3)\"],\"flow_key\":1,\"vip\":\"bogus\",\"port\":80,\"proto\":\"tcp\"}}"
step "a service with a VIP that does not parse (skipped)" ""
check "that one was a full load ($f1 -> $(full_loads))" [ "$(full_loads)" = $((f1 + 1)) ]
f1=$(full_loads)
transact "$(delete Service bad)" "$(delete Router r3)"
step "the skipped service and its router deleted" "$(chr 0 0 0 0 0 1)"
check "and patched ($f1 -> $(full_loads))" [ "$(full_loads)" = "$f1" ]
# Another: a security group moved to another tenant (by hand: its members
# and the rules naming it would all have to be checked again).
transact "{\"op\":\"insert\",\"table\":\"Security_Group\",\"row\":{\"name\":\"mv\",\"tenant\":[\"uuid\",\"$red\"]}}"
step "security group added" "$(sgc 1)"
transact "$(update Security_Group mv "{\"tenant\":[\"uuid\",\"$(uuid_of Tenant yellow)\"]}")"
step "a security group moved to another tenant" ""
check "that one was a full load ($f1 -> $(full_loads))" [ "$(full_loads)" = $((f1 + 1)) ]
f1=$(full_loads)
transact "$(delete Security_Group mv)"
step "and deleted" "$(sgc 1)"

# --- resync: the database changed while weftd was away ------------------
kill_pidfiles "$SIM_DIR/weft-db.pid"
ovsdb-tool transact "$SIM_DIR/weft.db" \
    '["Weft",{"op":"delete","table":"Port","where":[["name","==","a1"]]},
      {"op":"mutate","table":"Weft_Global","where":[],"mutations":[["nb_cfg","+=",1]]}]' \
    >/dev/null
(
    export OVS_RUNDIR=$SIM_DIR OVS_DBDIR=$SIM_DIR OVS_LOGDIR=$SIM_DIR
    ovsdb-server "$SIM_DIR/weft.db" --remote=punix:"$SIM_DIR/weft.sock" \
        --pidfile="$SIM_DIR/weft-db.pid" --unixctl="$SIM_DIR/weft-db.ctl" \
        --log-file="$SIM_DIR/weft-db.log" --detach --no-chdir 2>/dev/null
)
step "weft's database restarted without port a1" ""
check "weftd noticed the resync and loaded the whole state ($f1 -> $(full_loads))" \
    [ "$(full_loads)" -gt "$f1" ]
check "a1's interface left h1" wait_for 60 no_iface 1 a1

f2=$(full_loads)
transact "$(update Port a2 '{"ips":["set",["10.0.0.42"]]}')"
step "a port modified after the resync" "$(ch 0 0 1 1 1)"
check "and it was patched, not loaded whole ($f2 -> $(full_loads))" \
    [ "$(full_loads)" = "$f2" ]

sim_finish
