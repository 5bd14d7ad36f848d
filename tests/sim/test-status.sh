#!/usr/bin/env bash
# test-status: weftd's status write-back (controller/hosts.c
# hosts_write_status(), ovsdb/weft-status.c) is incremental, on two
# simulated hosts (sim-lib.sh).  Place in the pipeline: the last step, what
# the hosts report goes back to weft's Port rows (ofport, up, error).
#
# "weft/status-stats" counts status writes that looked at every Port row
# ("full"), those that looked only at the ports noted as changed
# ("partial"), and the Port rows looked at ("port_rows").  With 24 ports up:
#  1. one port add looks at a handful of Port rows (the new port, when its
#     row arrives and when its interface gets an ofport), never all 24, and
#     writes its right ofport and up; a "weftctl sync" looks at none;
#  2. its interface deleted by hand and replaced by a foreign one of the
#     same name: its Port row loses ofport and up and gets the refusal in
#     error; the foreign port deleted: weft creates it again and the row
#     gets its ofport back and loses the error; still no full walk;
#  3. weftd restarted after a Port row's status was spoiled by hand while it
#     was down: the first write walks every row and repairs it, and no other
#     row is ever written down meanwhile (a restarted weftd used to write
#     every port down before its host's database was read, then back up).
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

sim_start 2

N=12    # ports per host
mac() { printf '02:00:00:00:%02x:%02x\n' "$1" "$2"; }
ctl tenant-add red
ctl net-add red/a --type=vxlan --segment=1001
for h in 1 2; do
    for i in $(seq 1 $N); do
        ctl port-add "red/a/p$h-$i" --host="h$h" --iface="p$h-$i" \
            --mac="$(mac "$h" "$i")" --ip="10.1.$h.$i"
    done
done
check "weftctl sync: both hosts installed the configuration" ctl --timeout=120 sync
sim_wait_ports 1 p1-$N
sim_wait_ports 2 p2-$N

stat() {    # stat KEY: one counter of weft/status-stats
    ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/status-stats \
        | tr ' ' '\n' | sed -n "s/^$1=//p"
}
# port_status NAME: "OFPORT UP ERROR" of Port row NAME in weft's database
# (ovsdb-client's CSV, columns sorted by name: error,name,ofport,up; an
# empty set is [], a string with spaces is quoted).
port_status() {
    ovsdb-client dump -f csv unix:"$SIM_DIR/weft.sock" Weft Port name ofport up error \
        | awk -F, -v n="$1" '$2 == n { print $3, $4, $1 }'
}
link_up() {  # link_up N IFACE: "true" if its link is up on hN, else "false"
    [ "$(sim_vsctl "$1" get interface "$2" link_state 2>/dev/null)" = up ] \
        && echo true || echo false
}
# status_right N NAME: Port row NAME holds hN's ofport and link state of
# its interface, and no error.
status_right() {
    local want
    want="$(sim_ofport "$1" "$2" 2>/dev/null) $(link_up "$1" "$2") []"
    [ "$(port_status "$2")" = "$want" ]
}

all_right() {
    local i
    for i in $(seq 1 $N); do
        status_right 1 "p1-$i" && status_right 2 "p2-$i" || return 1
    done
}
check "every port's row got its ofport and link state" wait_for 60 all_right

echo "== 1. one port add"
full0=$(stat full) rows0=$(stat port_rows)
ctl port-add red/a/new --host=h1 --iface=new --mac="$(mac 1 99)" --ip=10.1.1.99
ctl --timeout=60 sync
sim_wait_ports 1 new
check "the new port's row got its ofport and up, no error" \
    wait_for 30 status_right 1 new
rows=$(( $(stat port_rows) - rows0 ))
check "port add: no status write walked every Port row" \
    [ "$(stat full)" = "$full0" ]
check "port add: 1..5 Port rows looked at, not all $((2 * N + 1)) (got $rows)" \
    eval '[ "$rows" -ge 1 ] && [ "$rows" -le 5 ]'
rows0=$(stat port_rows)
ctl --timeout=60 sync
check "weftctl sync alone looks at no Port row" [ "$(stat port_rows)" = "$rows0" ]

echo "== 2. its interface replaced by hand with a foreign one"
sim_vsctl 1 -- del-port br-int new -- add-port br-int new \
    -- set interface new type=internal
check "its row lost ofport and up and says the name is not available" \
    wait_for 30 eval '[[ "$(port_status new)" == "[] false "*"\"interface name new is not available on host h1\""* ]]'
sim_vsctl 1 del-port br-int new
sim_wait_ports 1 new
check "the foreign port deleted: weft's is back, with its ofport and up" \
    wait_for 30 status_right 1 new
check "hand edits: still no status write walked every Port row" \
    [ "$(stat full)" = "$full0" ]

echo "== 3. weftd restart, a row spoiled while it was down"
pid=$(pidfile_pid "$SIM_DIR/weftd.pid")
ovs-appctl --timeout=10 -t "$SIM_DIR/weftd.ctl" exit
wait_for 30 eval '! kill -0 '"$pid"' 2>/dev/null'
ovsdb-client transact unix:"$SIM_DIR/weft.sock" \
    '["Weft", {"op": "update", "table": "Port",
               "where": [["name", "==", "p2-3"]],
               "row": {"ofport": 4242, "up": false, "error": "stale"}}]' >/dev/null
# weft.db is a log of transactions: what the restarted weftd writes is
# appended after this offset.
db_size=$(wc -c <"$SIM_DIR/weft.db")
(
    export OVS_RUNDIR=$SIM_DIR OVS_DBDIR=$SIM_DIR OVS_LOGDIR=$SIM_DIR
    # shellcheck disable=SC2086 # $WEFT_WEFTD_OPTS: words
    "$sim_weftd" --db=unix:"$SIM_DIR/weft.sock" \
        --pidfile="$SIM_DIR/weftd.pid" --unixctl="$SIM_DIR/weftd.ctl" \
        --log-file="$SIM_DIR/weftd.log" --detach --no-chdir \
        $WEFT_WEFTD_OPTS 2>/dev/null
)
check "weftctl sync after the restart" ctl --timeout=120 sync
check "the spoiled row is repaired" \
    wait_for 30 eval 'status_right 2 p2-3 && status_right 1 new'
check "the restarted weftd's first status write walked every Port row" \
    [ "$(stat full)" -ge 1 ]
# written_down: rows the restarted weftd wrote with up=false since the
# restart.
written_down() {
    tail -c +"$((db_size + 1))" "$SIM_DIR/weft.db" | grep -o '"up":false' | wc -l
}
check "the restart wrote no port down (their hosts' status was not known yet)" \
    [ "$(written_down)" -eq 0 ]

sim_finish
