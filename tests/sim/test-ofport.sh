#!/usr/bin/env bash
# test-ofport: OpenFlow port numbers and a stopped switch, on two simulated
# hosts (sim-lib.sh).  Place in the pipeline: push (host-db's ofport_request,
# of-session's inactivity probe), seen through weft/hosts' counters.
#
#  1. Bring-up with weftd's ports requested: weftd is stopped, a tenant's
#     ports are written, weftd starts.  Every interface weft creates carries
#     Interface.ofport_request, equal to the ofport the switch gave it, never
#     a number a foreign interface holds (as ofport or as ofport_request),
#     and each host is compiled exactly once (compiles=1): the first compile
#     already used the requested numbers, so the ports' appearing changed
#     nothing.
#  2. A restart with unchanged state chooses the same numbers, compiles once
#     and sends 0 flow_mods; weft/startup-stats shows its phases, and the
#     REST API read its copy of the database only after every host synced.  A port add compiles its host once more.  A
#     foreign interface that requests a weft port's number does not move it
#     (OVS gives the foreign one another) and costs no compile.
#  2b. A restart with changed state: while weftd is down a port is added on
#     h1 and another deleted.  After the restart h1 has the new interface
#     (requesting its ofport) and not the old one, desired equals installed,
#     and each host got exactly the flow_mods that its flow table's change
#     needs: one per key added, removed or given new actions (two for a new
#     cookie), counted from the switch's own flows before and after.
#  3. A stopped switch: h2 reaches weftd over tcp: (--openflow-remote), where
#     OpenFlow inactivity probes run.  Its ovs-vswitchd is stopped (SIGSTOP)
#     for longer than the old 5 s + 5 s probe; meanwhile a write for h1 is
#     confirmed (weftctl sync).  After SIGCONT weftd never reconnected to h2
#     (of_reconnects=0) and sent it nothing (flow_mods unchanged).
#  4. With a 5 s probe (--openflow-probe-interval=5) the same stop drops the
#     connection; after SIGCONT weftd reconnects, reads the flows back and
#     sends nothing (0 flow_mods).
#  5. Restarted ovs-vswitchds (h1 unix:, h2 tcp:): when a connection drops
#     weftd bumps the host's Open_vSwitch next_cfg.  The switches are started
#     again only after weftd's 3 s of fast retries, and weftd connects on
#     the switch's word, not after rconn's backoff: h1 when br-int.mgmt
#     appears (inotify), h2 when ovs-vswitchd writes cur_cfg.  The flows come
#     back as one bundle each, with no compile: the ports kept their
#     ofports.
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

OF_PORT=16653
SIM_HOST_ARGS=([2]="--openflow-remote=tcp:127.0.0.1:$OF_PORT")
sim_start 2
check "weftd made br-int on both hosts" ctl --timeout=120 sync

hosts_line() { ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/hosts | grep "^h$1 "; }
# host_field N KEY: KEY=VALUE of hN's weft/hosts line.
host_field() { hosts_line "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

weftd_stop() {
    local pid
    pid=$(pidfile_pid "$SIM_DIR/weftd.pid")
    ovs-appctl --timeout=10 -t "$SIM_DIR/weftd.ctl" exit
    wait_for 30 eval '! kill -0 '"$pid"' 2>/dev/null'
}
weftd_start() {   # weftd_start [OPTION...]
    (
        export OVS_RUNDIR=$SIM_DIR OVS_DBDIR=$SIM_DIR OVS_LOGDIR=$SIM_DIR
        "$sim_weftd" --db=unix:"$SIM_DIR/weft.sock" --verify-interval=0 "$@" \
            --pidfile="$SIM_DIR/weftd.pid" --unixctl="$SIM_DIR/weftd.ctl" \
            --log-file="$SIM_DIR/weftd.log" --detach --no-chdir 2>/dev/null
    )
}

# Interfaces on hN that weft owns: "NAME OFPORT OFPORT_REQUEST" lines.
weft_ifaces() {
    sim_vsctl "$1" --bare --columns=name,ofport,ofport_request,external_ids \
        list interface | paste -d' ' - - - - - | grep 'weft-port=' \
        | awk '{ print $1, $2, $3 }' | sort
}
# Every weft interface on hN has an ofport_request equal to its ofport.
requests_match() {
    local lines
    lines=$(weft_ifaces "$1")
    [ -n "$lines" ] && ! awk '$2 != $3 || $3 == "" { bad = 1 } END { exit !bad }' <<< "$lines"
}

# Foreign interfaces on h1's br-int: one requests 1, one takes what OVS
# gives it.  weft must not take either number.
sim_vsctl 1 add-port br-int fa -- set interface fa type=internal ofport_request=1
sim_vsctl 1 add-port br-int fb -- set interface fb type=internal
sim_wait_ports 1 fa fb
fb_ofport=$(sim_ofport 1 fb)

echo "== 1. bring-up with ofport_request"
weftd_stop
ctl tenant-add red
ctl net-add red/vx --type=vxlan --segment=1001
ctl net-add red/loc --type=vxlan --segment=1002
for i in 1 2 3; do
    ctl port-add "red/vx/a$i" --host=h1 --iface="a$i" --mac="02:00:00:00:01:0$i" --ip="10.0.0.$i"
done
ctl port-add red/vx/b1 --host=h2 --iface=b1 --mac=02:00:00:00:02:01 --ip=10.0.0.11
weftd_start
check "weftctl sync after the bring-up" ctl --timeout=120 sync
sim_wait_ports 1 a1 a2 a3 vx-h2
sim_wait_ports 2 b1 vx-h1
check "h1: every weft interface has ofport_request = ofport" requests_match 1
check "h2: every weft interface has ofport_request = ofport" requests_match 2
check "h1: weft took neither foreign number (1, $fb_ofport)" \
    eval '! weft_ifaces 1 | awk "\$2 == 1 || \$2 == $fb_ofport || \$3 == 1 || \$3 == $fb_ofport" | grep -q .'
check "h1 compiled once at bring-up" eval '[ "$(host_field 1 compiles)" = 1 ]'
check "h2 compiled once at bring-up" eval '[ "$(host_field 2 compiles)" = 1 ]'
before=$(weft_ifaces 1)

echo "== 2. restart with unchanged state; a port add"
weftd_stop
weftd_start
check "weftctl sync after the restart" ctl --timeout=120 sync
check "the restarted weftd chose the same numbers" eval '[ "$(weft_ifaces 1)" = "$before" ]'
check "restart: h1 compiled once, 0 flow_mods" \
    eval '[ "$(host_field 1 compiles)" = 1 ] && [ "$(host_field 1 flow_mods)" = 0 ]'
check "restart: h2 compiled once, 0 flow_mods" \
    eval '[ "$(host_field 2 compiles)" = 1 ] && [ "$(host_field 2 flow_mods)" = 0 ]'
# weft/startup-stats: "loaded=MS load_ms=MS synced=MS", then per host
# "NAME created=MS ... synced=MS" (-1: not yet).
startup_field() {   # startup_field LINE-START KEY
    ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/startup-stats \
        | awk -v l="$1" -v k="$2" 'index($0, l) == 1 {
            for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == k) print a[2] } }'
}
check "restart: weft/startup-stats has the database loaded, then every host synced" \
    eval '[ "$(startup_field loaded= loaded)" -ge 0 ] && [ "$(startup_field loaded= synced)" -ge "$(startup_field loaded= loaded)" ]'
phases_known() {
    local h k
    for h in h1 h2; do
        for k in ovsdb_read of_connected dumped compiled synced; do
            [ "$(startup_field "$h " $k)" -ge 0 ] || return 1
        done
    done
}
check "restart: weft/startup-stats has each host's phases" phases_known
# The REST API's own copy of the database (its full load is logged as the
# "validation topology") is read only after every host is synced.
check "restart: the REST API loaded its copy after every host was synced" \
    wait_for 30 eval 'awk "/weftd starting/ { s = 0 } /every host synced/ { s = 1 }
               /validation topology: full load/ { v = s } END { exit !v }" "$SIM_DIR/weftd.log"'
ctl port-add red/vx/a4 --host=h1 --iface=a4 --mac=02:00:00:00:01:04 --ip=10.0.0.4
check "weftctl sync after a port add" ctl --timeout=120 sync
sim_wait_ports 1 a4
check "the new port requests its ofport" requests_match 1
check "a port add compiled h1 once more" eval '[ "$(host_field 1 compiles)" = 2 ]'
# A foreign interface asks for a number a weft port holds: OVS gives it
# another, and weft neither renumbers its port nor gives that number away.
a1=$(sim_ofport 1 a1)
sim_vsctl 1 add-port br-int fc -- set interface fc type=internal ofport_request="$a1"
sim_wait_ports 1 fc
ctl port-add red/vx/a5 --host=h1 --iface=a5 --mac=02:00:00:00:01:05 --ip=10.0.0.5
check "weftctl sync after another port add" ctl --timeout=120 sync
sim_wait_ports 1 a5
check "a1 kept its ofport $a1, the foreign fc got another" \
    eval '[ "$(sim_ofport 1 a1)" = "$a1" ] && [ "$(sim_ofport 1 fc)" != "$a1" ]'
check "weft's requests still equal their ofports" requests_match 1
check "h1 compiled once for a5, not for fc" eval '[ "$(host_field 1 compiles)" = 3 ]'

echo "== 2b. restart with changed state"
# flows_of N: hN's flows, one "KEY ACTIONS" line each (KEY: cookie, table,
# priority, match), without the statistics.
flows_of() {
    sim_ofctl "$1" dump-flows | grep -v '^OFPST_FLOW\|^NXST_FLOW' \
        | sed -E 's/^ +//; s/(duration|n_packets|n_bytes|idle_age|hard_age)=[^,]*, //g' \
        | LC_ALL=C sort
}
# mods_needed BEFORE AFTER: the flow_mods that turn one flow set into the
# other: a key (table, priority, match) on one side only costs one, one whose
# actions changed one, and one whose cookie changed two (delete, add).
mods_needed() {
    awk '
        function key(l,   k) { k = l; sub(/ actions=.*/, "", k); sub(/^cookie=[^,]*, /, "", k); return k }
        function ck(l) { return substr(l, 1, index(l, ",")) }
        FNR == NR { a[key($0)] = $0; next }
        { b[key($0)] = $0 }
        END {
            for (k in a) if (!(k in b)) n++; else if (a[k] != b[k]) n += (ck(a[k]) != ck(b[k])) ? 2 : 1
            for (k in b) if (!(k in a)) n++
            print n + 0
        }' "$1" "$2"
}
flows_of 1 >"$SIM_DIR/h1.before"
flows_of 2 >"$SIM_DIR/h2.before"
weftd_stop
ctl port-add red/vx/a6 --host=h1 --iface=a6 --mac=02:00:00:00:01:06 --ip=10.0.0.6
ctl port-del red/vx/a2
weftd_start
check "weftctl sync after a restart with changed state" ctl --timeout=120 sync
sim_wait_ports 1 a6
check "h1 has the new port's interface, requesting its ofport, and not the deleted one's" \
    eval 'weft_ifaces 1 | grep -q "^a6 " && ! weft_ifaces 1 | grep -q "^a2 " && requests_match 1'
flows_of 1 >"$SIM_DIR/h1.after"
flows_of 2 >"$SIM_DIR/h2.after"
for h in 1 2; do
    need=$(mods_needed "$SIM_DIR/h$h.before" "$SIM_DIR/h$h.after")
    check "h$h: desired = installed after the restart" \
        eval '[ "$(host_field '"$h"' desired)" = "$(host_field '"$h"' installed)" ]'
    check "h$h: flow_mods after the restart: the $need that its flows needed" \
        eval '[ "$need" -gt 0 ] && [ "$(host_field '"$h"' flow_mods)" = "$need" ]'
done

echo "== 3. a stopped switch (tcp: OpenFlow) is ridden out"
check "h2 is reached over tcp:" eval 'grep -q "h2: ovsdb .* openflow tcp:127.0.0.1:$OF_PORT" "$SIM_DIR/weftd.log"'
check "br-int's controller on h2 has weftd's inactivity probe (60 s)" \
    eval '[ "$(sim_vsctl 2 --bare --columns=inactivity_probe list controller)" = 60000 ]'
check "h2 synced" wait_for 60 eval '[ "$(host_field 2 openflow)" = synced ]'
mods2=$(host_field 2 flow_mods)
rec2=$(host_field 2 of_reconnects)
vpid=$(pidfile_pid "$(sim_hdir 2)/ovs-vswitchd.pid")
kill -STOP "$vpid"
t0=$SECONDS
ctl port-add red/loc/c1 --host=h1 --iface=c1 --mac=02:00:00:00:03:01 --ip=10.0.1.1
check "a write for h1 is confirmed while h2's switch is stopped" ctl --timeout=60 sync
# The stop must outlast the old probe (5 s idle + 5 s unanswered): this wait
# is the condition under test, not a wait for an event.
sleep $((t0 + 12 - SECONDS > 0 ? t0 + 12 - SECONDS : 0))
kill -CONT "$vpid"
check "h2's switch answers again" wait_for 30 eval "sim_ofctl 2 dump-flows >/dev/null 2>&1"
check "weftctl sync with h2 back" ctl --timeout=60 sync
check "weftd never reconnected to h2 (of_reconnects $rec2)" \
    eval '[ "$(host_field 2 of_reconnects)" = "$rec2" ]'
check "nothing was re-sent to h2 (flow_mods $mods2)" \
    eval '[ "$(host_field 2 flow_mods)" = "$mods2" ]'
check "h2 still synced" eval '[ "$(host_field 2 openflow)" = synced ]'

echo "== 4. with a 5 s probe, a reconnect that sends nothing"
weftd_stop
weftd_start --openflow-probe-interval=5
check "weftctl sync after a restart with a 5 s probe" ctl --timeout=60 sync
check "h2 synced, nothing sent" wait_for 60 eval \
    '[ "$(host_field 2 openflow)" = synced ] && [ "$(host_field 2 flow_mods)" = 0 ]'
check "br-int's controller on h2 probes after 5 s" \
    eval '[ "$(sim_vsctl 2 --bare --columns=inactivity_probe list controller)" = 5000 ]'
# Read-backs so far: one per connection, and with controller roles (issue
# #16) one more when weftd becomes primary.
dumps2=$(host_field 2 dumps)
kill -STOP "$vpid"
check "weftd drops h2 after 5 s silent + 5 s unanswered" \
    wait_for 60 eval '[ "$(host_field 2 openflow)" = disconnected ]'
kill -CONT "$vpid"
check "weftctl sync with h2 back" ctl --timeout=60 sync
check "h2 reconnected once and synced" wait_for 60 eval \
    '[ "$(host_field 2 of_reconnects)" = 1 ] && [ "$(host_field 2 openflow)" = synced ]'
check "the reconnect read the flows back (dumps $dumps2 + 1) and sent 0 flow_mods" \
    eval '[ "$(host_field 2 dumps)" = $((dumps2 + 1)) ] && [ "$(host_field 2 flow_mods)" = 0 ]'

echo "== 5. restarted ovs-vswitchds: weftd reconnects on the switch's word"
flows_back() {   # flows_back N COUNT: hN synced, COUNT flows on br-int
    [ "$(host_field "$1" openflow)" = synced ] \
        && [ "$(host_field "$1" installed)" = "$2" ] \
        && sim_ofctl "$1" dump-aggregate | grep -q "flow_count=$2\$"
}
vswitchd_start() {   # vswitchd_start N: hN's ovs-vswitchd, as sim_start did
    local d
    d=$(sim_hdir "$1")
    OVS_RUNDIR=$d OVS_DBDIR=$d OVS_LOGDIR=$d OVS_SYSCONFDIR=$d \
    ovs-vswitchd unix:"$d/db.sock" --enable-dummy=system \
        --pidfile="$d/ovs-vswitchd.pid" --unixctl="$d/ovs-vswitchd.ctl" \
        --log-file="$d/ovs-vswitchd.log" --detach --no-chdir 2>/dev/null
}
host_is() { [ "$(host_field "$1" "$2")" = "$3" ]; }   # host_is N KEY VALUE
# resent_all N: since the restart, hN got one bundle of all its flows and
# compiled nothing.
resent_all() {
    host_is "$1" flow_mods $((mods[$1] + want[$1])) && host_is "$1" compiles "${comp[$1]}"
}
declare -A mods comp want next
for n in 1 2; do
    check "h$n synced" wait_for 60 host_is $n openflow synced
    mods[$n]=$(host_field $n flow_mods)
    comp[$n]=$(host_field $n compiles)
    want[$n]=$(host_field $n desired)
    next[$n]=$(sim_vsctl $n get open_vswitch . next_cfg)
done
kill_pids "$(pidfile_pid "$(sim_hdir 1)/ovs-vswitchd.pid")" \
          "$(pidfile_pid "$(sim_hdir 2)/ovs-vswitchd.pid")"
check "weftd sees both switches gone" wait_for 30 eval \
    'host_is 1 openflow disconnected && host_is 2 openflow disconnected'
t0=$SECONDS
for n in 1 2; do
    check "weftd bumped h$n's next_cfg (was ${next[$n]})" wait_for 30 eval \
        "[ \"\$(sim_vsctl $n get open_vswitch . next_cfg)\" -gt ${next[$n]} ]"
done
# weftd retries every 100 ms for 3 s after a drop, then rconn backs off:
# attempts about 4, 6, 10 and 18 s after it.  Starting the switches 11 s
# after the drop puts them in the longest gap, so that only the switch's
# own word brings weftd back before 18 s.  This wait is the condition under
# test, not a wait for an event.
sleep $((t0 + 11 - SECONDS > 0 ? t0 + 11 - SECONDS : 0))
vswitchd_start 1
vswitchd_start 2
for n in 1 2; do
    check "h$n's flows are back (${want[$n]})" wait_for 60 flows_back $n "${want[$n]}"
    check "h$n: one bundle of ${want[$n]} flow_mods, no compile" resent_all $n
done
check "h1 (unix:) connected when br-int.mgmt appeared" \
    grep -q "h1: br-int's socket appeared, connecting now" "$SIM_DIR/weftd.log"
check "h2 (tcp:) connected when ovs-vswitchd wrote cur_cfg" \
    grep -q "h2: ovs-vswitchd applied its configuration, connecting now" "$SIM_DIR/weftd.log"
check "weftctl sync after the switch restarts" ctl --timeout=60 sync

sim_finish
