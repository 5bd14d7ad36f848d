#!/usr/bin/env bash
# test-ha: two weftds on one weft database, one active, one warm standby
# (issue #16: controller/ha.c, ha-decide.c), on two simulated hosts
# (sim-lib.sh).  Place in the pipeline: before everything that writes; only
# the weftd holding the database's lock "weftd" writes status and claims the
# controller generation, and only its OpenFlow sessions are primary on the
# switches, so a stale active is fenced off by the switches themselves.
#
# Both weftds (--name c1, c2) reach weft's database over tcp:127.0.0.1
# inside the simulation's own namespace: the server probes tcp clients, so
# a stopped weftd loses its session, and the lock, after ~10 s (a unix
# socket would keep it for ever).
#  1. exactly one is active, every host primary for it, the standby has no
#     primary host and sent no flow_mod; neither changed the flows the first
#     weftd installed; /metrics and weftd/ha-status agree;
#  2. kill -9 the active: the standby takes over (the measured time is
#     printed, not asserted), sends 0 flow_mods, the flows are identical,
#     Weft_Global names it active with a newer generation and the killed one
#     as previous; a change made after the takeover is installed;
#  3. the killed one restarted comes back as standby and sends nothing;
#  4. SIGSTOP the active: the other takes over; SIGCONT: the old one ends as
#     standby, and no flow changed meanwhile (it sent nothing the switches
#     took); a last change is installed by the new active.
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

sim_start 2

mac() { printf '02:00:00:00:%02x:%02x\n' "$1" "$2"; }
ctl tenant-add red
ctl net-add red/a --type=vxlan --segment=1001
for h in 1 2; do
    for i in 1 2 3; do
        ctl port-add "red/a/p$h-$i" --host="h$h" --iface="p$h-$i" \
            --mac="$(mac "$h" "$i")" --ip="10.1.$h.$i"
    done
done
check "weftctl sync: the first weftd installed the configuration" \
    ctl --timeout=120 sync

# flows: every host's br-int flows and groups without counters, sorted.
flows() {
    local n
    for n in 1 2; do
        echo "h$n"
        ovs-ofctl -O OpenFlow15 --no-stats dump-flows \
            unix:"$(sim_hdir "$n")/br-int.mgmt" | sort
        ovs-ofctl -O OpenFlow15 dump-groups \
            unix:"$(sim_hdir "$n")/br-int.mgmt" | sort
    done
}
f0=$(flows)

# The simulation's own weftd gives way to c1 and c2, on tcp.
ovs-appctl --timeout=30 -t "$SIM_DIR/weftd.ctl" exit
wait_for 30 bash -c "! [ -e '$SIM_DIR/weftd.pid' ]"
ovs-appctl -t "$SIM_DIR/weft-db.ctl" ovsdb-server/add-remote ptcp:6640:127.0.0.1
DB=tcp:127.0.0.1:6640

start_c() {     # start_c NAME: weftd --name=NAME, files $SIM_DIR/NAME.*
    local c=$1
    (
        export OVS_RUNDIR=$SIM_DIR OVS_DBDIR=$SIM_DIR OVS_LOGDIR=$SIM_DIR
        # shellcheck disable=SC2086 # $WEFT_WEFTD_OPTS: words
        "$sim_weftd" --name="$c" --db="$DB" \
            --pidfile="$SIM_DIR/$c.pid" --unixctl="$SIM_DIR/$c.ctl" \
            --api="$SIM_DIR/$c-api.sock" --log-file="$SIM_DIR/$c.log" \
            --detach --no-chdir $WEFT_WEFTD_OPTS 2>/dev/null
    )
}
ha() {          # ha NAME [JQ-FILTER]: a field of NAME's weftd/ha-status
    ovs-appctl --timeout=10 -t "$SIM_DIR/$1.ctl" weftd/ha-status 2>/dev/null \
        | jq -r "${2:-.}"
}
# is_active NAME: active with every one of the 2 hosts primary.
is_active() {
    [ "$(ha "$1" '"\(.role) \(.hosts_primary)"')" = "active 2" ]
}
# is_standby NAME: standby, both hosts known and none primary.
is_standby() {
    [ "$(ha "$1" '"\(.role) \(.hosts) \(.hosts_primary)"')" = "standby 2 0" ]
}
# sent NAME: flow_mods + group_mods NAME's weftd sent, over all hosts.
sent() {
    ovs-appctl --timeout=10 -t "$SIM_DIR/$1.ctl" weft/hosts \
        | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(flow|group)_mods=/) {
                     split($i, a, "="); n += a[2] } } END { print n + 0 }'
}
metric() {      # metric NAME SERIES: one value of NAME's /metrics
    curl -s --unix-socket "$SIM_DIR/$1-api.sock" http://weft/metrics \
        | awk -v s="$2" '$1 == s { print $2 }'
}
global() {      # global COLUMN: Weft_Global's COLUMN (empty if unset)
    ovsdb-client dump -f csv "$DB" Weft Weft_Global "$1" | sed -n '3p'
}
now_ms() { date +%s%3N; }
gen0=$(global controller_generation)

start_c c1
start_c c2
some_active() { is_active c1 || is_active c2; }
wait_for 60 some_active || true
if is_active c1; then A=c1 B=c2; else A=c2 B=c1; fi
check "one weftd is active, every host primary for it" wait_for 60 is_active $A
check "the other ($B) is a standby with no primary host" wait_for 60 is_standby $B
check "exactly one is active" \
    test "$(ha c1 .role) $(ha c2 .role)" != "active active"
gen1=$(global controller_generation)
check "the active claimed a newer generation ($gen0 -> $gen1)" \
    test "$gen1" -gt "$gen0"
check "ha-status: the standby sees $A active, generation $gen1" \
    test "$(ha $B '"\(.active_controller) \(.generation)"')" = "$A $gen1"
check "Weft_Global active_controller is $A" \
    test "$(global active_controller)" = "$A"
check "weftctl sync: the active writes the hosts' status" ctl --timeout=120 sync
check "/metrics: $A weft_controller_active 1, generation $gen1" \
    test "$(metric $A weft_controller_active) $(metric $A weft_controller_generation)" = "1 $gen1"
check "/metrics: $B weft_controller_active 0, no takeover" \
    test "$(metric $B weft_controller_active) $(metric $B weft_controller_takeovers_total)" = "0 0"
check "neither weftd sent a flow_mod (restart: no change)" \
    test "$(sent $A) $(sent $B)" = "0 0"
check "flows unchanged by the two weftds" test "$(flows)" = "$f0"

# --- 2. kill -9 the active ------------------------------------------------
t0=$(now_ms)
kill -9 "$(pidfile_pid "$SIM_DIR/$A.pid")"
check "kill -9 $A: $B takes over, every host primary" wait_for 60 is_active $B
t1=$(now_ms)
echo "takeover after kill -9: $((t1 - t0)) ms by the test's clock," \
     "$(ha $B .last_takeover_ms) ms from lock to every host primary ($B)"
check "the new active sent 0 flow_mods" test "$(sent $B)" = 0
check "flows identical before and after the takeover" test "$(flows)" = "$f0"
gen2=$(global controller_generation)
check "a newer generation ($gen1 -> $gen2), $B active, $A previous" \
    test "$gen2" -gt "$gen1" -a "$(global active_controller)" = "$B" \
         -a "$(global previous_controller)" = "$A"
check "/metrics: $B active, one takeover" \
    test "$(metric $B weft_controller_active) $(metric $B weft_controller_takeovers_total)" = "1 1"
ctl port-add red/a/p1-9 --host=h1 --iface=p1-9 --mac="$(mac 1 9)" --ip=10.1.1.9
check "a change after the takeover is installed (weftctl sync)" \
    ctl --timeout=120 sync
check "its flows are on h1" bash -c "flows() { ovs-ofctl -O OpenFlow15 \
    --no-stats dump-flows unix:$(sim_hdir 1)/br-int.mgmt; }; flows | grep -i '$(mac 1 9)' >/dev/null"
f1=$(flows)
sent_b=$(sent $B)
check "the new active sent the change's flow_mods" test "$sent_b" -gt 0

# --- 3. the killed one comes back as standby ------------------------------
start_c $A
check "$A restarted: standby, no primary host" wait_for 60 is_standby $A
check "$B still active" is_active $B
check "$A sent nothing" test "$(sent $A)" = 0

# --- 4. SIGSTOP the active, SIGCONT it ------------------------------------
pid_b=$(pidfile_pid "$SIM_DIR/$B.pid")
t0=$(now_ms)
kill -STOP "$pid_b"
if wait_for 120 is_active $A; then
    ok "SIGSTOP $B: $A takes over, every host primary"
    echo "takeover after SIGSTOP: $(($(now_ms) - t0)) ms (the server drops" \
         "a stopped client after its probe, ~10 s)"
else
    bad "SIGSTOP $B: $A takes over, every host primary"
fi
kill -CONT "$pid_b"
check "SIGCONT $B: it ends as standby" wait_for 60 is_standby $B
check "$A stays active" is_active $A
check "no flow changed: the old active's writes were refused or never sent" \
    test "$(flows)" = "$f1"
check "$A sent 0 flow_mods on taking over" test "$(sent $A)" = 0
check "Weft_Global: $A active, $B previous" \
    test "$(global active_controller) $(global previous_controller)" = "$A $B"
ctl port-del red/a/p1-9
check "a last change is installed by $A (weftctl sync)" ctl --timeout=120 sync
check "$A sent its flow_mods" test "$(sent $A)" -gt 0
check "$B sent nothing more after SIGCONT" test "$(sent $B)" = "$sent_b"

sim_finish
