#!/bin/bash
# test-groups: select groups through weftd's OpenFlow session against a real
# ovs-vswitchd 3.1 (ofproto/of-groups.h, flow-state.h), with hand-written
# flows and groups (tests/weft-ofgroups: the session alone, each run a new
# one, as a restarted weftd is), on a bridge of one simulated host.
#
#  1. Install: the groups and the flows that use them go in one bundle
#     (group_mods inside a bundle: OpenFlow 1.5, and 1.3 with the ONF
#     extension, the bridge allowing only OpenFlow13); ovs-ofctl dump-groups
#     shows them, with ct/nat buckets; a trace picks a bucket.
#  2. A restart (a new session, same spec): 0 group_mods and 0 flow_mods.
#  3. Buckets modified: one group_mod, 0 flow_mods, the flows' counters
#     survive (modified in place, not deleted).
#  4. A group and its flow deleted: the switch accepts the bundle (the
#     flow's delete before the group's), the other group stays.
#  5. Behind weft's back (ovs-ofctl mod-group, del-groups): a verify
#     repairs exactly those.
#  6. Groups installed over OpenFlow 1.3 read back over 1.5: the switch's
#     bucket ids (it numbered them) are not weft's: one modify each.
#
# Then weftd itself on br-int, with a service (rows written through the
# write layer, tests/weft-req): its group in weft/groups and on the switch,
# a weight change = 1 group_mod and no flow_mod, a weftd restart = 0
# group_mods and 0 flow_mods, a group changed behind weft's back repaired
# by weft/resync, the service deleted = no group left.
set -euo pipefail
. "$(dirname "$0")/sim-lib.sh"

sim_start 1
check "weftd made br-int" ctl --timeout=120 sync
echo "== 1. the session alone, on bridge brg"
mgmt=$(sim_hdir 1)/brg.mgmt
tool=$sim_build/tests/weft-ofgroups
spec=$SIM_DIR/spec
OFV=OpenFlow13,OpenFlow14,OpenFlow15     # ovs-ofctl: the highest the bridge allows

ofctl() { ovs-ofctl -O $OFV "$1" unix:"$mgmt" "${@:2}"; }
# The switch's groups, one per line, without the header.
groups() { ofctl dump-groups | sed -n 's/^ *group_id=/group_id=/p' | sort; }
# weft-ofgroups with the spec; prints its "sync ..." / "verify ..." lines.
run() { "$tool" unix:"$mgmt" "$spec" "$@"; }

# The test bridge, with ports 1..3 for traces.
bridge() {  # bridge PROTOCOLS
    sim_vsctl 1 --if-exists del-br brg
    sim_vsctl 1 add-br brg \
        -- set bridge brg datapath_type=system fail_mode=secure \
           protocols="$1" \
        -- add-port brg p1 -- set interface p1 type=dummy ofport_request=1 \
        -- add-port brg p2 -- set interface p2 type=dummy ofport_request=2 \
        -- add-port brg p3 -- set interface p3 type=dummy ofport_request=3
    wait_for 30 test -S "$mgmt"
}

pkt='in_port(1),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x0800),ipv4(src=10.1.0.1,dst=10.96.0.10,proto=6,tos=0,ttl=64,frag=no),tcp(src=40000,dst=80)'
ct5='ct(commit,zone=7,nat(dst=10.0.0.5:8080),table=71)'
ct6='ct(commit,zone=7,nat(dst=10.0.0.6:8080),table=71)'
write_spec() {  # write_spec BUCKETS_OF_GROUP_5 [with7]
    {
        echo "flow 0 0 - drop"
        echo "flow 0 100 in_port=1,tcp group:5"
        echo "flow 71 0 - drop"
        echo "group 5 $1"
        if [ "${2:-}" = with7 ]; then
            echo "flow 0 90 in_port=1,udp group:7"
            echo "group 7 $ct5 3:$ct6"
        fi
    } >"$spec"
}

for protocols in OpenFlow13 OpenFlow13,OpenFlow14,OpenFlow15; do
    v=${protocols##*,}
    bridge "$protocols"

    # 1. Install.
    write_spec "output:2 2:output:3" with7
    out=$(run)
    check "$v: install: 2 groups and 4 flows in one bundle ($out)" \
        [ "$out" = "sync flow_mods=4 group_mods=2" ]
    g=$(groups)
    check "$v: dump-groups shows group 5 with two weighted buckets" \
        grep -q '^group_id=5,type=select,.*bucket=.*actions=output:2,bucket=.*weight:2,actions=output:3$' <<<"$g"
    check "$v: ...and group 7 with ct/nat buckets" \
        grep -q '^group_id=7,type=select,.*actions=ct(commit,table=71,zone=7,nat(dst=10.0.0.5:8080)),bucket=.*weight:3,actions=ct(commit,table=71,zone=7,nat(dst=10.0.0.6:8080))$' <<<"$g"
    check "$v: the flows that use them are in" \
        bash -c "ovs-ofctl -O $OFV dump-flows unix:$mgmt | grep -c 'actions=group:' | grep -qx 2"
    trace=$(sim_appctl 1 ofproto/trace brg in_port=1,tcp,nw_src=10.1.0.1,nw_dst=10.96.0.10,tp_src=40000,tp_dst=80)
    check "$v: a trace goes through group 5" grep -q 'group:5' <<<"$trace"
    # A packet through the group: counted by one bucket (what "service-show"
    # reads), and by the flow, whose n_packets must survive a modify.
    sim_appctl 1 netdev-dummy/receive p1 "$pkt" >/dev/null
    check "$v: a packet is counted by one bucket of group 5" \
        wait_for 30 bash -c "ovs-ofctl -O $OFV dump-group-stats unix:$mgmt group_id=5 \
            | grep -Eq 'packet_count=1,.*bucket[01]:packet_count=1,'"

    # 2. A restart: nothing to send.
    out=$(run)
    check "$v: restart: 0 group_mods and 0 flow_mods ($out)" \
        [ "$out" = "sync flow_mods=0 group_mods=0" ]

    # 3. Buckets modified: in place.
    packets() { ofctl dump-flows "table=0,tcp,in_port=1" | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p'; }
    wait_for 30 bash -c "[ \"\$(ovs-ofctl -O $OFV dump-flows unix:$mgmt table=0,tcp,in_port=1 | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p')\" -ge 1 ]" || true
    before=$(packets)
    write_spec "output:2 2:output:3 output:1" with7
    out=$(run)
    check "$v: 3 buckets: 1 group_mod, 0 flow_mods ($out)" \
        [ "$out" = "sync flow_mods=0 group_mods=1" ]
    check "$v: dump-groups shows the third bucket" \
        bash -c "ovs-ofctl -O $OFV dump-groups unix:$mgmt | grep -q 'group_id=5,.*actions=output:1\$'"
    check "$v: the flow using the group kept its counters ($before -> $(packets))" \
        [ "$(packets)" = "$before" ] && [ "${before:-0}" -ge 1 ]

    # 4. Group 7 and its flow deleted.
    write_spec "output:2 2:output:3 output:1"
    out=$(run)
    check "$v: delete: 1 group_mod, 1 flow_mod ($out)" \
        [ "$out" = "sync flow_mods=1 group_mods=1" ]
    check "$v: only group 5 left" \
        bash -c "[ \"\$(ovs-ofctl -O $OFV dump-groups unix:$mgmt | grep -c group_id=)\" = 1 ]"

    # 5. Behind weft's back: group 5 modified, then repaired by a verify.
    write_spec "output:2 2:output:3" with7
    run >/dev/null
    tamper="ovs-ofctl -O $OFV mod-group unix:$mgmt group_id=5,type=select,bucket=output:3"
    tamper="$tamper && ovs-ofctl -O $OFV del-groups unix:$mgmt group_id=7"
    out=$(run --tamper="$tamper" | tail -1)
    # del-groups took group 7's flow with it: 2 group_mods, 1 flow_mod.
    check "$v: verify repairs the modified and the deleted group ($out)" \
        [ "$out" = "verify flow_mods=1 group_mods=2" ]
    check "$v: ...and the switch holds weft's groups again" \
        [ "$(groups)" = "$g" ]

    if [ "$protocols" = OpenFlow13 ]; then
        # Installed over 1.3 (no bucket ids on the wire: the switch numbered
        # them 0, 1, and weft's restarts over 1.3 above compared all but the
        # ids), read back over 1.5: the switch's ids are not weft's (100,
        # 101), so each group is modified once, then nothing.
        sim_vsctl 1 set bridge brg protocols=OpenFlow13,OpenFlow14,OpenFlow15
        out=$(run 2>&1)
        check "OpenFlow 1.3's groups read back over 1.5: each modified once ($out)" \
            [ "$out" = "$(printf 'weft-ofgroups: OpenFlow version 0x06\nsync flow_mods=0 group_mods=2')" ]
        out=$(run)
        check "...then nothing ($out)" [ "$out" = "sync flow_mods=0 group_mods=0" ]
        check "...and dump-groups shows weft's bucket ids" \
            bash -c "ovs-ofctl -O $OFV dump-groups unix:$mgmt | grep -q 'group_id=5,.*bucket=bucket_id:100,actions=output:2,bucket=bucket_id:101,weight:2,'"
    fi
done

echo "== 2. weftd, a service on br-int"
hosts_line() { ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/hosts | grep "^h1 "; }
host_field() { hosts_line | tr ' ' '\n' | sed -n "s/^$1=//p"; }
req() { "$sim_build/tests/weft-req" unix:"$SIM_DIR/weft.sock" "$@"; }
# br-int's groups as weft/groups shows them (OpenFlow 1.5: bucket ids), but
# for the weight 1 that weft shows and ovs-ofctl leaves out.
brint_groups() { sim_ofctl 1 dump-groups | sed -n 's/^ *group_id=/group_id=/p' | sort; }
wgroups() { ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/groups h1 "$@" | sed 's/,weight:1,/,/g'; }
synced() { ctl --timeout=120 sync >/dev/null; }

ctl tenant-add red
ctl net-add red/n1 --type=vxlan --segment=1001 --cidr=10.1.0.0/24
ctl port-add red/n1/a1 --host=h1 --iface=ra1 --mac=02:00:00:00:01:05 --ip=10.1.0.5 >/dev/null
ctl port-add red/n1/a2 --host=h1 --iface=ra2 --mac=02:00:00:00:01:06 --ip=10.1.0.6 >/dev/null
ctl router-add red/rr
ctl router-attach red/rr n1
req service-add red web router=rr vip=10.96.0.10 svc_port=80 >/dev/null
req backend-add red web network=n1 port_name=a1 to_port=8080 >/dev/null
req backend-add red web network=n1 port_name=a2 to_port=8080 >/dev/null
synced
want=$(wgroups desired)
check "weft/groups shows the service's group with 2 buckets ($want)" \
    eval '[ "$(grep -c "^group_id=1,type=select," <<<"$want")" = 1 ] && [ "$(grep -o "bucket=" <<<"$want" | wc -l)" = 2 ]'
check "br-int holds exactly that group" [ "$(brint_groups)" = "$want" ]
check "...and weft/groups installed says so" [ "$(wgroups installed)" = "$want" ]

mods0=$(host_field flow_mods) gmods0=$(host_field group_mods)
req backend-set red web network=n1 port_name=a2 weight=3 >/dev/null
synced
check "a weight change: 1 group_mod, 0 flow_mods ($gmods0 -> $(host_field group_mods), $mods0 -> $(host_field flow_mods))" \
    eval '[ "$(host_field group_mods)" = $((gmods0 + 1)) ] && [ "$(host_field flow_mods)" = "$mods0" ]'
check "br-int's group has the new weight" eval 'brint_groups | grep -q "weight:3,"'
want=$(wgroups desired)

pid=$(pidfile_pid "$SIM_DIR/weftd.pid")
ovs-appctl --timeout=10 -t "$SIM_DIR/weftd.ctl" exit
wait_for 30 eval '! kill -0 '"$pid"' 2>/dev/null'
(
    export OVS_RUNDIR=$SIM_DIR OVS_DBDIR=$SIM_DIR OVS_LOGDIR=$SIM_DIR
    "$sim_weftd" --db=unix:"$SIM_DIR/weft.sock" --verify-interval=0 \
        --pidfile="$SIM_DIR/weftd.pid" --unixctl="$SIM_DIR/weftd.ctl" \
        --log-file="$SIM_DIR/weftd.log" --detach --no-chdir 2>/dev/null
)
synced
check "weftd restart: 0 group_mods, 0 flow_mods ($(host_field group_mods), $(host_field flow_mods))" \
    eval '[ "$(host_field group_mods)" = 0 ] && [ "$(host_field flow_mods)" = 0 ]'
check "...the same groups desired" [ "$(wgroups desired)" = "$want" ]

sim_ofctl 1 mod-group "group_id=1,type=select,bucket=bucket_id:0,actions=drop"
ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/resync h1 >/dev/null
check "a group changed behind weft's back is repaired by a verify" \
    wait_for 30 eval '[ "$(brint_groups)" = "$want" ]'
check "...with 1 group_mod and no flow_mod ($(host_field group_mods), $(host_field flow_mods))" \
    eval '[ "$(host_field group_mods)" = 1 ] && [ "$(host_field flow_mods)" = 0 ]'

req service-del red web >/dev/null
synced
check "the service deleted: no group on br-int" eval '[ -z "$(brint_groups)" ]'
check "...none desired" eval '[ -z "$(wgroups desired)" ]'
check "...and no flow uses a group" eval '! sim_ofctl 1 dump-flows | grep -q "group:"'

sim_finish
