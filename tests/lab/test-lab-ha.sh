#!/bin/bash
# test-lab-ha: weft-lab's control-plane layouts (scripts/weft-lab-ha.sh,
# issue #16).
#
#   - the default lab (1 DB member, 1 controller) keeps today's files and
#     fields: status --json "db" is $dir/weft.sock, db_members[] has db1 on
#     $dir's weft-db.pid/weft.sock/weft-db.ctl (raft null), controllers[]
#     has c1 on $dir's weftd.pid/weftd.ctl/weft-api.sock; no db*/, c*/ or
#     -ctl netns; start-db-member 1 restarts the standalone DB on its file;
#     down stops a SIGSTOPped weftd too; bad --db-cluster/--controllers
#     values are refused;
#   - --db-cluster 3 --controllers 2 (2 hosts, the demo): "db" is the remote
#     list of 3 unix sockets and weftctl works through it; 3 members, each
#     a cluster member with its own raft address, one leader; 2 controllers,
#     exactly one active (with a weftd without HA, --controllers 2 is
#     refused with a clear error and the test goes on with 1); the ping
#     matrix passes;
#   - kill -9 the DB leader: a write through the remote list is acknowledged,
#     `start-db-member I` brings it back on its file, it rejoins and holds
#     the write;
#   - `restart-host 1 ovsdb` and `restart-host 2 vswitchd`: new pids, weftctl
#     sync, the vxlan matrix passes again;
#   - kill -9 the last controller, `start-weftd --controller J` starts it
#     again with its recorded command (standby if another is active);
#   - the standby weftd's REST API reads, and a write with ?wait=installed
#     through it answers once the active installed the change;
#   - bad subcommand arguments are refused, and `attach ctl` (the name of
#     the cluster's namespace);
#   - down leaves no namespace, directory or process of the lab.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab-lib.sh disable=SC1091
source "$HERE/../../scripts/lab-lib.sh"

P=${WEFT_LAB_PREFIX:-$(test_prefix tlha)}
TMP=$(mktemp -d "/tmp/weft-$P.XXXXXX")
trap 'lab_teardown "$P" "$TMP" $?' EXIT
LAB=("$WEFT_LAB" --prefix "$P")
D=/run/weft-lab/$P

"${LAB[@]}" down >/dev/null 2>&1 || true   # a stale run's

js() { "${LAB[@]}" status --json | jq -r "$1"; }

# lab_gone: no namespace, directory or recorded process of the lab is left.
lab_gone() {
    local pid
    while read -r pid; do
        pid_alive "$pid" && { echo "pid $pid still alive" >&2; return 1; }
    done < "$TMP/pids"
    ! ip netns list | awk '{print $1}' | grep -q "^$P-" && [ ! -e "$D" ]
}

quiet() { "$@" >/dev/null; }   # a command whose output (a pid) is not needed

save_pids() { awk '{print $1}' "$D/pids" > "$TMP/pids"; }

# replaced OLD-PID PIDFILE: PIDFILE names a live process other than OLD-PID,
# which is gone (a zombie counts as gone: pid_alive).
replaced() {
    local new
    new=$(pidfile_pid "$2") && [ "$new" != "$1" ] && pid_alive "$new" && ! pid_alive "$1"
}

# --- the default: today's files ------------------------------------------
"${LAB[@]}" up --hosts 1 --no-demo >/dev/null
check "1/1: db is the standalone socket" [ "$(js .db)" = "unix:$D/weft.sock" ]
check "1/1: db_members[] is db1 on today's files, no raft" \
    [ "$(js '.db_members | map([.name, .pidfile, .remote, .ctl, (.raft // "null"), .log] | join(" ")) | join(";")')" \
      = "db1 $D/weft-db.pid unix:$D/weft.sock $D/weft-db.ctl null $D/weft-db.log" ]
check "1/1: controllers[] is c1 on today's files, active a boolean" \
    [ "$(js '.controllers | map([.name, .pidfile, .ctl, .api_socket, .log, (.active | type)] | join(" ")) | join(";")')" \
      = "c1 $D/weftd.pid $D/weftd.ctl $D/weft-api.sock $D/weftd.log boolean" ]
check "1/1: the old fields are still there" \
    [ "$(js '[.weftd_ctl, .weftd_pidfile, .api_socket, (.weftd_cmd | length > 0)] | join(" ")')" \
      = "$D/weftd.ctl $D/weftd.pid $D/weft-api.sock true" ]
check "1/1: the DB and weftd run" \
    bash -c "kill -0 \$(cat $D/weft-db.pid) && kill -0 \$(cat $D/weftd.pid)"
check "1/1: no member or controller directories, no -ctl netns" \
    bash -c "[ ! -e $D/db1 ] && [ ! -e $D/c2 ] && ! ip netns list | grep -q '^$P-ctl '"
"${LAB[@]}" start-db-member 1 > "$TMP/err" 2>&1 || true
check "1/1: exec ctl: no such namespace without a cluster" \
    bash -c "! '$WEFT_LAB' --prefix $P exec ctl -- true 2>/dev/null"
check "1/1: start-db-member 1 refuses a running member (says so)" grep -q 'already running' "$TMP/err"
old=$(cat "$D/weft-db.pid")
kill -9 "$old"
wait_for 10 bash -c "! kill -0 $old 2>/dev/null || grep -q '^State:.*zombie' /proc/$old/status" || true
check "1/1: start-db-member 1 starts the standalone DB again on its file" \
    quiet "${LAB[@]}" start-db-member 1
check "1/1: ... and weftctl reads the DB through it" \
    bash -c "'$WEFT_LAB' --prefix $P ctl show | grep -q '^host h1'"
check "1/1: ... a new, live pid" replaced "$old" "$D/weft-db.pid"
kill -STOP "$(cat "$D/weftd.pid")"
save_pids
"${LAB[@]}" down >/dev/null
check "1/1: down leaves nothing (even with weftd stopped by SIGSTOP)" lab_gone

for bad in "--db-cluster 2" "--db-cluster 0" "--controllers 4" "--controllers x"; do
    # shellcheck disable=SC2086
    if "${LAB[@]}" up --hosts 1 --no-demo $bad > "$TMP/err" 2>&1; then
        bad "up $bad: accepted"
        "${LAB[@]}" down >/dev/null 2>&1 || true
    else
        check "up $bad: refused, saying why, nothing left" \
            bash -c "grep -q -- '${bad%% *} must be' $TMP/err && ! ip netns list | grep -q '^$P-'"
    fi
done

# --- 3 DB members, 2 controllers -----------------------------------------
M=2
if ! "$WEFT_BUILD_DIR/controller/weftd" --help 2>&1 | grep -q -- '--name'; then
    if "${LAB[@]}" up --hosts 1 --no-demo --db-cluster 3 --controllers 2 > "$TMP/err" 2>&1; then
        bad "--controllers 2 with a weftd without --name: accepted"
    else
        check "--controllers 2 with a weftd without --name: refused, saying why" \
            grep -q 'no --name' "$TMP/err"
    fi
    "${LAB[@]}" down >/dev/null 2>&1 || true
    echo "test-lab-ha: this weftd has no HA (--name): going on with --controllers 1"
    M=1
fi
"${LAB[@]}" up --hosts 2 --no-matrix --db-cluster 3 --controllers "$M"
DB=$(js .db)
check "3/$M: db is the list of the 3 members' sockets" \
    [ "$DB" = "unix:$D/db1/weft.sock,unix:$D/db2/weft.sock,unix:$D/db3/weft.sock" ]
check "3/$M: db_members[] names, pidfiles, remotes, ctls, raft addresses, logs" \
    [ "$(js '.db_members | map([.name, .pidfile, .remote, .ctl, .raft, .log] | join(" ")) | join(";")')" \
      = "db1 $D/db1/weft-db.pid unix:$D/db1/weft.sock $D/db1/weft-db.ctl tcp:127.0.0.1:6641 $D/db1/weft-db.log;db2 $D/db2/weft-db.pid unix:$D/db2/weft.sock $D/db2/weft-db.ctl tcp:127.0.0.1:6642 $D/db2/weft-db.log;db3 $D/db3/weft-db.pid unix:$D/db3/weft.sock $D/db3/weft-db.ctl tcp:127.0.0.1:6643 $D/db3/weft-db.log" ]
one_leader() {      # the 3 members' Raft roles: a leader and 2 followers
    local i
    [ "$(for i in 1 2 3; do raft_member_role "$D/db$i/weft-db.ctl"; done | sort | tr '\n' ' ')" \
      = "follower follower leader " ]
}
check "3/$M: the members are one cluster: a leader and 2 followers" wait_for 30 one_leader
check "3/$M: the members' Raft runs in $P-ctl" \
    bash -c "ip netns exec $P-ctl ss -ltn | grep -q '127.0.0.1:6641' && ! ss -ltn | grep -q '127.0.0.1:6641 '"
check "3/$M: exec ctl runs in $P-ctl" \
    bash -c "'$WEFT_LAB' --prefix $P exec ctl -- ss -ltn | grep -q '127.0.0.1:6643'"
check "3/$M: weftctl works through the remote list" \
    bash -c "'$WEFT_BUILD_DIR/controller/weftctl' --db='$DB' net-list | grep -q '^red/vx'"
check "3/$M: controllers[] has c1..c$M, c1 on today's files" \
    [ "$(js '.controllers | map(.name + " " + .pidfile) | join(";")')" \
      = "$(if [ "$M" = 2 ]; then echo "c1 $D/weftd.pid;c2 $D/c2/weftd.pid"; else echo "c1 $D/weftd.pid"; fi)" ]
if [ "$M" = 2 ]; then
    check "3/2: exactly one controller active" \
        wait_for 60 bash -c "[ \"\$('$WEFT_LAB' --prefix $P status --json | jq '[.controllers[] | select(.active)] | length')\" = 1 ]"
    check "3/2: each controller runs with its --name and the remote list" \
        [ "$(js '[.controllers[] | (.cmd | map(select(startswith("--name=") or startswith("--db="))) | join(" "))] | join(";")')" \
          = "--db=$DB --name=c1;--db=$DB --name=c2" ]
fi
check "3/$M: the ping matrix passes" "${LAB[@]}" matrix

# Kill the leader; writes go on; it comes back on its file and rejoins.
leader=$(raft_leader "$D"/db{1,2,3}/weft-db.ctl) || leader=
check "3/$M: a leader found" [ -n "$leader" ]
kill -9 "$(cat "$D/db$leader/weft-db.pid")"
check "3/$M: with the leader killed, a write through the remote list is acknowledged" \
    timeout 60 "$WEFT_BUILD_DIR/controller/weftctl" --db="$DB" tenant-add hatest
check "3/$M: start-db-member $leader starts it again" quiet "${LAB[@]}" start-db-member "$leader"
check "3/$M: member $leader is a cluster member again" \
    wait_for 60 raft_member_joined "$D/db$leader/weft-db.ctl"
check "3/$M: member $leader holds the write made while it was down" \
    wait_for 60 bash -c "ovsdb-client dump unix:$D/db$leader/weft.sock Weft Tenant name | grep -q hatest"

# Host restarts.
old=$(cat "$D/h1/ovsdb-server.pid")
check "restart-host 1 ovsdb" quiet "${LAB[@]}" restart-host 1 ovsdb
check "restart-host 1 ovsdb: a new, live pid" replaced "$old" "$D/h1/ovsdb-server.pid"
old=$(cat "$D/h2/ovs-vswitchd.pid")
check "restart-host h2 vswitchd" quiet "${LAB[@]}" restart-host h2 vswitchd
check "restart-host h2 vswitchd: a new, live pid" replaced "$old" "$D/h2/ovs-vswitchd.pid"
check "after the host restarts: weftctl sync" timeout 120 "${LAB[@]}" ctl sync
check "after the host restarts: the vxlan matrix passes" "${LAB[@]}" matrix vxlan

# A controller killed and started again with its recorded command.
cpid=$(js ".controllers[$((M - 1))].pidfile")
old=$(cat "$cpid")
kill -9 "$old"
wait_for 10 bash -c "! kill -0 $old 2>/dev/null || grep -q '^State:.*zombie' /proc/$old/status" || true
check "start-weftd --controller $M: starts c$M again" quiet "${LAB[@]}" start-weftd --controller "$M"
check "start-weftd --controller $M: it runs" replaced "$old" "$cpid"
if [ "$M" = 2 ]; then
    check "start-weftd --controller 2: still exactly one active" \
        wait_for 60 bash -c "[ \"\$('$WEFT_LAB' --prefix $P status --json | jq '[.controllers[] | select(.active)] | length')\" = 1 ]"
fi
check "after start-weftd: weftctl sync" timeout 120 "${LAB[@]}" ctl sync

# --- a standby weftd's REST API --------------------------------------------
# The standby serves its API from its own IDL on the remote list, without
# the lock: reads, and writes that the active then installs; ?wait=installed
# completes once the active did (it reads Host.cur_cfg, which only the
# active writes back, and the port's ofport and up, likewise).
if [ "$M" = 2 ]; then
    sapi=$(js '[.controllers[] | select(.active | not)][0].api_socket')
    sreq() { curl -s --max-time 150 --unix-socket "$sapi" "$@"; }
    check "standby API: a standby controller and its API socket ($sapi)" [ -S "$sapi" ]
    check "standby API: GET reads the demo's networks" \
        bash -c "curl -s --max-time 60 --unix-socket '$sapi' http://weft/v1/tenants/red/networks \
                 | jq -e 'map(.name) | index(\"vx\") != null' >/dev/null"
    h1ns=$(js '.hosts[0].netns')
    ip -n "$h1ns" link add "${P}sb" type veth peer name "${P}sbp"
    ip -n "$h1ns" link set "${P}sb" up
    ip -n "$h1ns" link set "${P}sbp" up
    out=$(sreq -w '\n%{http_code}' -X POST \
          -d "{\"name\":\"sbport\",\"host\":\"h1\",\"iface\":\"${P}sb\",\"mac\":\"02:00:00:77:00:01\",\"ips\":[\"10.0.0.77\"]}" \
          'http://weft/v1/tenants/red/networks/vx/ports?wait=installed&timeout=120') || true
    code=${out##*$'\n'}
    body=${out%$'\n'*}
    jq_true() { jq -e "$@" >/dev/null; }     # jq_true ARGS... <JSON
    check "standby API: POST port ?wait=installed answers 201 once the active installed it ($code $body)" \
        jq_true --arg code "$code" '$code == "201" and .name == "sbport" and
            (.ofport | type == "number") and .ofport > 0 and .up == true' <<<"$body"
    check "standby API: the port is in the database" \
        bash -c "'$WEFT_BUILD_DIR/controller/weftctl' --db='$DB' port-list | grep -q sbport"
    check "standby API: DELETE the port (204)" \
        [ "$(sreq -o /dev/null -w '%{http_code}' -X DELETE http://weft/v1/tenants/red/networks/vx/ports/sbport)" = 204 ]
    ip -n "$h1ns" link del "${P}sb" 2>/dev/null || true
fi

# Bad arguments.
for args in "start-db-member 4" "start-db-member x" "restart-host 1 foo" "restart-host 7 ovsdb" \
            "start-weftd --controller 4" "start-db-member 1"; do
    # shellcheck disable=SC2086
    check "$args: refused" bash -c "! '$WEFT_LAB' --prefix $P $args >/dev/null 2>&1"
done

"${LAB[@]}" attach ctl --net red/vx --host h1 --no-sync > "$TMP/err" 2>&1 || true
check "attach ctl: refused (the -ctl namespace's name), saying why" grep -q "'ctl' is reserved" "$TMP/err"
check "attach ctl: the cluster's namespace is untouched" \
    bash -c "ip netns exec $P-ctl ss -ltn | grep -q '127.0.0.1:664'"

save_pids
"${LAB[@]}" down >/dev/null
check "3/$M: down leaves nothing (the -ctl netns, members, controllers)" lab_gone

report
