#!/usr/bin/env bash
# test-cluster: weft's database as a 3-member Raft cluster (issue #16), seen
# and used through the comma-separated remote list:
#   - a standalone database: weftctl status says "standalone", 1 member;
#   - the cluster (ovsdb-tool create-cluster / join-cluster, raft on
#     tcp:127.0.0.1:664[123] inside a network namespace of the test's own,
#     clients on each member's unix socket): weftctl status (database mode
#     and --api) and GET /v1/status list the 3 members and the leader that
#     ovsdb-server's cluster/status names; the controller view and the last
#     failover from Weft_Global (first written by hand as if weftd c2 held
#     the lock, then weftd c1's own claim);
#   - a write acknowledged before kill -9 of the leader is read after it;
#     writes go on through the list; writes made while the leader dies are
#     each acknowledged (and then in the database) or fail with an error,
#     none hangs; status shows the dead member as not answering and a new
#     leader; the killed member restarted on its file rejoins;
#   - REST writes to weftd's API issued continuously while the leader is
#     killed: each one waits for the API's IDL to reach the new leader and
#     is acknowledged (201), then in the database exactly once; without a
#     quorum a REST write answers a clear 503 at its 10 s deadline.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "$0")/../testlib.sh"

weftd_test_init clu
ns=$p-ctl
schema=$src/ovsdb/weft.ovsschema

cleanup() {
    local rc=$?
    [ -n "${writer:-}" ] && kill "$writer" 2>/dev/null
    [ -n "${apiwriter:-}" ] && kill "$apiwriter" 2>/dev/null
    # The members' pidfiles are in their own directories, which
    # weftd_test_cleanup does not look into.
    kill_pidfiles "$dir"/db*/weft-db.pid
    weftd_test_cleanup "$rc" test-cluster "$ns"
}
trap cleanup EXIT

ctl() { "$weftctl" --timeout=30 "$@"; }
req() {     # req PATH: GET from weftd's API into $code and $body
    local out
    out=$(curl -s --max-time 60 --unix-socket "$api" -w '\n%{http_code}' \
          "http://weft$1") || true
    code=${out##*$'\n'}
    body=${out%$'\n'*}
}

# --- standalone -----------------------------------------------------------
mkdir "$dir/sa"
start_weft_db "$dir/sa"
sa=unix:$dir/sa/weft.sock
ctl --db="$sa" init
out=$(ctl --db="$sa" status)
check "standalone: weftctl status says standalone, 1 member, its leader ($out)" \
    grep -qx "database: standalone, 1 member, leader $sa" <<<"$out"
check "standalone: the member line" grep -qx "  member $sa: standalone" <<<"$out"
check "standalone: no controller and no failover yet" \
    bash -c "grep -qx 'controller: none (generation 0)' <<<'$out' &&
             grep -qx 'last failover: none' <<<'$out'"
check "standalone: --format=json has cluster.model standalone" \
    bash -c "ctl() { \"$weftctl\" --timeout=30 \"\$@\"; };
             ctl --db='$sa' --format=json status \
             | jq -e '.cluster.model == \"standalone\" and
                      (.cluster.members | length) == 1 and
                      .cluster.members[0].leader and
                      .controller.active == null' >/dev/null"
kill_pidfiles "$dir/sa/weft-db.pid"

# --- the cluster ----------------------------------------------------------
ip netns add "$ns"
ip -n "$ns" link set lo up
start_member() {    # start_member I: member I on its file (joined or not)
    local d=$dir/db$1
    ip netns exec "$ns" ovsdb-server "$d/weft.db" \
        --remote=punix:"$d/weft.sock" \
        --pidfile="$d/weft-db.pid" --unixctl="$d/weft-db.ctl" \
        --log-file="$d/weft-db.log" --detach 2>/dev/null
}
raft() { echo "tcp:127.0.0.1:$((6640 + $1))"; }
for i in 1 2 3; do mkdir "$dir/db$i"; done
ovsdb-tool create-cluster "$dir/db1/weft.db" "$schema" "$(raft 1)"
for i in 2 3; do
    ovsdb-tool join-cluster "$dir/db$i/weft.db" Weft "$(raft "$i")" "$(raft 1)"
done
for i in 1 2 3; do start_member "$i"; done
list=unix:$dir/db1/weft.sock,unix:$dir/db2/weft.sock,unix:$dir/db3/weft.sock

all_joined() {
    local i
    for i in 1 2 3; do
        raft_member_joined "$dir/db$i/weft-db.ctl" || return 1
    done
}
leader() {          # the number of the member that says it leads
    raft_leader "$dir"/db{1,2,3}/weft-db.ctl
}
check "the 3 members joined the cluster" wait_for 60 all_joined
wait_for 30 leader >/dev/null
check "weftctl init through the remote list" ctl --db="$list" init

L=$(leader)
out=$(ctl --db="$list" status)
check "weftctl status: clustered, 3 members, the leader cluster/status names ($out)" \
    grep -qx "database: clustered, 3 members, leader unix:$dir/db$L/weft.sock" <<<"$out"
check "weftctl status: one line per member, one leader and two followers" \
    bash -c "[ \$(grep -c '^  member unix:.*: \(leader\|follower\), connected, sid [0-9a-f]\{4\}, index [0-9]*$' <<<'$out') = 3 ] &&
             [ \$(grep -c ': leader, connected' <<<'$out') = 1 ]"
check "weftctl status: no weftd claimed yet" \
    bash -c "grep -qx 'controller: none (generation 0)' <<<'$out' &&
             grep -qx 'last failover: none' <<<'$out'"

# Weft_Global's HA columns as a weftd that took over from c1 writes them.
since=1764637323456     # 2025-12-02T01:02:03.456Z
ovsdb-client transact "unix:$dir/db$L/weft.sock" "[\"Weft\",
    {\"op\": \"update\", \"table\": \"Weft_Global\", \"where\": [],
     \"row\": {\"controller_generation\": 5, \"active_controller\": \"c2\",
               \"active_since\": $since, \"previous_controller\": \"c1\"}}]" >/dev/null
out=$(ctl --db="$list" status)
check "weftctl status: the active weftd from Weft_Global ($out)" \
    grep -qx "controller: c2 (active, generation 5, since 2025-12-02T01:02:03.456Z)" <<<"$out"
check "weftctl status: the last failover" \
    grep -qx "last failover: c1 -> c2 at 2025-12-02T01:02:03.456Z" <<<"$out"

# --- weftd's REST API on the remote list ----------------------------------
# shellcheck disable=SC2086     # WEFT_WEFTD_OPTS: options, split
"$weftd" --db="$list" --name=c1 --api="$api" --pidfile="$dir/weftd.pid" \
    --unixctl="$dir/weftd.ctl" --log-file="$dir/weftd.log" --detach \
    $WEFT_WEFTD_OPTS 2>/dev/null
rest_sees_cluster() {   # rest_sees_cluster LEADER-NUMBER N-CONNECTED
    req /v1/status
    [ "$code" = 200 ] && jq -e --arg l "unix:$dir/db$1/weft.sock" --argjson n "$2" '
        .cluster.model == "clustered" and .cluster.leader == $l and
        (.cluster.members | length) == 3 and
        ([.cluster.members[] | select(.connected)] | length) == $n and
        ([.cluster.members[] | select(.leader)] | length) == 1 and
        (.nb_cfg | type) == "number" and (.hosts | type) == "array"' \
        >/dev/null <<<"$body"
}
check "GET /v1/status: 3 connected members, the leader" \
    wait_for 60 rest_sees_cluster "$L" 3
# weftd may claim the lock and rewrite the controller columns (weftd's HA):
# the API shows what the database has, as weftctl reads it.
same_controller() {
    local db
    req /v1/status
    db=$(ctl --db="$list" --format=json status | jq -c .controller)
    [ "$(jq -c .controller <<<"$body")" = "$db" ] && [ "$db" != null ]
}
check "GET /v1/status: controller as in Weft_Global" wait_for 30 same_controller
# weftd c1 takes the lock from the c2 written above: its claim, the failover.
claimed() {
    out=$(ctl --db="$list" status)
    grep -q '^controller: c1 (active, generation [0-9]*, since ' <<<"$out" &&
        grep -q '^last failover: c2 -> c1 at ' <<<"$out"
}
check "weftctl status: weftd c1 active, the failover c2 -> c1 ($out)" \
    wait_for 60 claimed
gen=$(ctl --db="$list" --format=json status | jq .controller.generation)
check "weftd c1's claim is above the generation written by hand ($gen > 5)" \
    [ "$gen" -gt 5 ]
check "GET /v1/status: the same controller" wait_for 30 same_controller
out=$(ctl --api="$api" status)
check "weftctl --api status: the same lines ($out)" \
    bash -c "grep -q '^database: clustered, 3 members, leader unix:$dir/db$L/weft.sock$' <<<'$out' &&
             [ \$(grep -c '^  member ' <<<'$out') = 3 ] &&
             grep -q '^controller: ' <<<'$out' && grep -q '^last failover: ' <<<'$out' &&
             grep -q '^nb_cfg ' <<<'$out'"

# --- kill -9 the leader ---------------------------------------------------
ctl --db="$list" tenant-add red >/dev/null
# A tenant's /v1/status has its hosts' progress, never the database's
# members or weftd's names.
tok=$(curl -s --max-time 60 --unix-socket "$api" -X POST \
      http://weft/v1/tenants/red/token | jq -r .token)
check "GET /v1/status as a tenant: no cluster, no controller" \
    bash -c "curl -s --max-time 60 --unix-socket '$api' \
             -H 'Authorization: Bearer $tok' http://weft/v1/status \
             | jq -e 'has(\"nb_cfg\") and (has(\"cluster\") or has(\"controller\") | not)' >/dev/null"
check "a write acknowledged before the leader dies" \
    ctl --db="$list" net-add red/before --type=vxlan --segment=2001

# Writes during the leader change, in the background: each one exits 0
# (acknowledged) or non-zero with a message; `timeout` (124) would mean a
# hang past weftctl's own --timeout.
: >"$dir/writes"
(
    for n in $(seq 1 12); do
        rc=0
        timeout 90 "$weftctl" --db="$list" --timeout=30 \
            net-add "red/during$n" --type=vxlan --segment=$((3000 + n)) \
            >/dev/null 2>"$dir/write$n.err" || rc=$?
        echo "$n $rc" >>"$dir/writes"
        sleep 0.2
    done
) &
writer=$!
# The same through weftd's REST API, one after the other: "N CODE SECONDS".
n_api=40
: >"$dir/apiwrites"
(
    for n in $(seq 1 $n_api); do
        out=$(curl -s --max-time 60 --unix-socket "$api" -o "$dir/apiwrite$n.body" \
              -w '%{http_code} %{time_total}' -X POST \
              -d "{\"name\":\"api$n\",\"type\":\"vxlan\",\"segment_id\":$((5000 + n))}" \
              http://weft/v1/tenants/red/networks) || true
        echo "$n ${out:-000 0}" >>"$dir/apiwrites"
        sleep 0.1
    done
) &
apiwriter=$!
wait_for 30 test -s "$dir/writes"
wait_for 30 test -s "$dir/apiwrites"
kill -9 "$(pidfile_pid "$dir/db$L/weft-db.pid")"
rm -f "$dir/db$L/weft-db.pid"
killed=$L
wait "$writer"; writer=
wait "$apiwriter"; apiwriter=

check "the write acknowledged before the kill is read after it" \
    bash -c "'$weftctl' --db='$list' --timeout=30 --format=json net-list \
             | jq -e '[.[] | select(.name == \"before\")] | length == 1' >/dev/null"
ok_writes=0
while read -r n rc; do
    if [ "$rc" = 0 ]; then
        ok_writes=$((ok_writes + 1))
        check "write $n during the leader change: acknowledged and in the database" \
            bash -c "'$weftctl' --db='$list' --timeout=30 --format=json net-list \
                     | jq -e '[.[] | select(.name == \"during$n\")] | length == 1' >/dev/null"
    else
        check "write $n during the leader change: a clear error, no hang (rc $rc: $(head -c 200 "$dir/write$n.err"))" \
            bash -c "[ '$rc' != 124 ] && [ -s '$dir/write$n.err' ]"
    fi
done <"$dir/writes"
check "12 writes ran during the leader change, $ok_writes acknowledged" \
    bash -c "[ \$(wc -l <'$dir/writes') = 12 ] && [ $ok_writes -ge 1 ]"
check "a write after the leader's death goes through the remote list" \
    ctl --db="$list" net-add red/after --type=vxlan --segment=2002

# The REST writes made while the leader died: a write that meets the API's
# IDL between two leaders waits for the new one (executor.c), within its
# 10 s deadline, so each is acknowledged; a reply lost with the old leader
# is found by the write's mark, never written twice (a second attempt of a
# committed create would answer 409).
api_names=$("$weftctl" --db="$list" --timeout=30 --format=json net-list \
            | jq -r '.[].name' | grep '^api' || true)
slowest=0
while read -r n code secs; do
    slowest=$(awk -v a="$slowest" -v b="$secs" 'BEGIN { print (b > a) ? b : a }')
    if [ "$code" = 201 ]; then
        check "REST write $n during the leader change: acknowledged (in ${secs}s), in the database once" \
            [ "$(grep -cx "api$n" <<<"$api_names")" = 1 ]
    else
        # At worst (a new leader slower than the deadline: the IDL's
        # reconnection backoff grows to 8 s) a 503 that waited its whole
        # deadline and wrote nothing.
        check "REST write $n during the leader change: 201, or a 503 after waiting its deadline with nothing written ($code in ${secs}s: $(head -c 200 "$dir/apiwrite$n.body"))" \
            bash -c "[ '$code' = 503 ] && awk 'BEGIN { exit !($secs >= 9.5) }' &&
                     grep -q 'nothing was written' '$dir/apiwrite$n.body' &&
                     ! grep -qx 'api$n' <<<'$api_names'"
    fi
done <"$dir/apiwrites"
echo "test-cluster: the slowest REST write during the leader change took ${slowest}s;" \
     "writes found committed after a lost reply: $(grep -c 'reply was lost is in the database' "$dir/weftd.log" || true)"
check "$n_api REST writes ran across the leader change (the slowest ${slowest}s)" \
    [ "$(wc -l <"$dir/apiwrites")" = "$n_api" ]
check "...and a REST write after it is acknowledged at once" \
    "$weftctl" --api="$api" net-add red/viaapi --type=vxlan --segment=2003
# The write's mark: weftd's API key in Weft_Global external_ids, whose
# value names the nb_cfg that write set (the latest one).
mark_ok() {
    local l
    l=$(leader) || return 1
    ovsdb-client transact "unix:$dir/db$l/weft.sock" '["Weft", {"op": "select",
        "table": "Weft_Global", "where": [], "columns": ["nb_cfg", "external_ids"]}]' \
    | jq -e '.[0].rows[0] as $r
             | [$r.external_ids[1][] | select(.[0] | startswith("weft-api-write:"))]
             | length == 1 and (.[0][1] | split(" ") | .[1] | tonumber) == $r.nb_cfg' >/dev/null
}
check "the API's write mark in Weft_Global carries its write's nb_cfg" wait_for 30 mark_ok

new_leader() { L=$(leader) && [ "$L" != "$killed" ]; }
check "the two others elect a new leader" wait_for 60 new_leader
out=$(ctl --db="$list" status)
check "weftctl status: the killed member does not answer, the new leader ($out)" \
    bash -c "grep -q '^  member unix:$dir/db$killed/weft.sock: not answering (' <<<'$out' &&
             grep -qx 'database: clustered, 3 members, leader unix:$dir/db$L/weft.sock' <<<'$out'"
check "GET /v1/status: 2 connected members, the new leader" \
    wait_for 30 rest_sees_cluster "$L" 2
reclaimed() {   # weftd lost its lock with the leader: c1 again, above $gen
    local c
    c=$(ctl --db="$list" --format=json status | jq -c .controller)
    jq -e --argjson g "$gen" '.active == "c1" and .generation >= $g' \
        >/dev/null <<<"$c"
}
check "after the leader change weftd c1 is still the active one" \
    wait_for 60 reclaimed
req /v1/status
# shellcheck disable=SC2016     # $r: jq's variable
check "GET /v1/status: the killed member's error" \
    jq -e --arg r "unix:$dir/db$killed/weft.sock" \
        '.cluster.members[] | select(.remote == $r) |
         (.connected | not) and (.error | type) == "string" and .model == null' \
        >/dev/null <<<"$body"

# --- the killed member rejoins on its file --------------------------------
start_member "$killed"
check "the killed member rejoins the cluster" wait_for 60 all_joined
rejoined() {
    out=$(ctl --db="$list" status)
    [ "$(grep -c ', connected, sid ' <<<"$out")" = 3 ]
}
check "weftctl status: 3 connected members again" wait_for 60 rejoined
check "GET /v1/status: 3 connected members again" \
    wait_for 60 rest_sees_cluster "$(leader)" 3
check "the restarted member has every acknowledged write" \
    wait_for 30 bash -c "ovsdb-client dump 'unix:$dir/db$killed/weft.sock' Weft Network name \
             | grep -qw after"

# --- no quorum: 2 of 3 members gone --------------------------------------
L=$(leader)
for i in 1 2 3; do
    [ "$i" = "$L" ] && continue
    kill -9 "$(pidfile_pid "$dir/db$i/weft-db.pid")"
    rm -f "$dir/db$i/weft-db.pid"
done
# Whether the last one still takes the write (it has not yet noticed that it
# lost its quorum) or not: a timeout error, saying whether it may have been
# written.
rc=0
timeout 60 "$weftctl" --db="$list" --timeout=3 net-add red/noquorum \
    --type=vxlan --segment=2004 2>"$dir/noquorum.err" >/dev/null || rc=$?
check "without a quorum a write fails within --timeout with an error (rc $rc: $(cat "$dir/noquorum.err"))" \
    bash -c "[ $rc != 0 ] && [ $rc != 124 ] && grep -q \"^weftctl: timeout waiting \\(to retry\\|for the transaction\\)\" '$dir/noquorum.err'"
no_leader() {   # weftctl status fails but prints the members: no leader
    local rc=0
    out=$("$weftctl" --db="$list" --timeout=3 status 2>"$dir/status.err") || rc=$?
    [ $rc != 0 ] && grep -q '^database: clustered, 3 members, leader none$' <<<"$out"
}
check "status without a quorum: an error, and the members with no leader" \
    wait_for 60 no_leader
check "...the two killed members do not answer, the third one does ($out)" \
    bash -c "[ \$(grep -c ': not answering (' <<<'$out') = 2 ] &&
             grep -q '^  member unix:$dir/db$L/weft.sock: \(leader\|follower\), ' <<<'$out' &&
             grep -q 'timeout' '$dir/status.err'"

# A REST write without a quorum waits for a leader until its deadline and
# answers a clear 503, never a false 201 (nothing is committed without a
# quorum).
out=$(curl -s --max-time 90 --unix-socket "$api" -w '\n%{http_code}' -X POST \
      -d '{"name":"noquorumapi","type":"vxlan","segment_id":2005}' \
      http://weft/v1/tenants/red/networks) || true
code=${out##*$'\n'}
body=${out%$'\n'*}
jq_true() { jq -e "$@" >/dev/null; }     # jq_true ARGS... <JSON
check "REST write without a quorum: 503 at its deadline, saying so ($code $body)" \
    jq_true --arg code "$code" '$code == "503" and .error == "unavailable" and
        (.detail | test("within 10000 ms; (nothing was written|.*may have been written)"))' \
        <<<"$body"
report
