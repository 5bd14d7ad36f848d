# shellcheck shell=bash
# testlib.sh: what every weft shell test shares (source it; it runs nothing).
#
#   check DESCRIPTION COMMAND...  runs COMMAND; prints and counts PASS/FAIL
#   ok MESSAGE / bad MESSAGE      counts a result decided by the caller
#   report                        prints "N passed, M failed" (the line CI
#                                 reads); returns non-zero if any failed
#   wait_for SECONDS COMMAND...   retries COMMAND every 0.2 s until it
#                                 succeeds, or fails after SECONDS
#   kill_pidfiles FILE...         TERM, then KILL after 0.5 s, the processes
#                                 whose pids the files hold (only those: a
#                                 test never kills by name)
#   start_weft_db DIR             weft's database, socket DIR/weft.sock
#   start_ovs_host NETNS DIR [REMOTE...]
#                                 one simulated host: ovsdb-server (extra
#                                 remotes REMOTE..., e.g. ptcp:6640:127.0.0.1)
#                                 and ovs-vswitchd inside NETNS, database, run
#                                 and log files in DIR, unix socket DIR/db.sock

T_PASS=0
T_FAIL=0

ok()  { T_PASS=$((T_PASS + 1)); printf 'PASS: %s\n' "$*"; }
bad() { T_FAIL=$((T_FAIL + 1)); printf 'FAIL: %s\n' "$*"; }

check() {
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else bad "$desc"; fi
}

report() {
    printf '%d passed, %d failed\n' "$T_PASS" "$T_FAIL"
    [ "$T_FAIL" -eq 0 ]
}

wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.2
    done
}

kill_pidfiles() {
    local f pids=()
    for f in "$@"; do
        [ -f "$f" ] && pids+=("$(cat "$f")")
    done
    [ ${#pids[@]} -gt 0 ] || return 0
    kill "${pids[@]}" 2>/dev/null || true
    sleep 0.5
    kill -9 "${pids[@]}" 2>/dev/null || true
}

start_ovs_host() {
    local ns=$1 dir=$2 remote remotes=()
    shift 2
    for remote in "$@"; do
        remotes+=("--remote=$remote")
    done
    ovsdb-tool create "$dir/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    (
        export OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir
        ip netns exec "$ns" ovsdb-server "$dir/conf.db" \
            --remote=punix:"$dir/db.sock" "${remotes[@]}" \
            --pidfile="$dir/ovsdb-server.pid" --unixctl="$dir/ovsdb-server.ctl" \
            --log-file="$dir/ovsdb-server.log" --detach 2>/dev/null
        ovs-vsctl --db=unix:"$dir/db.sock" --no-wait init
        ip netns exec "$ns" ovs-vswitchd unix:"$dir/db.sock" \
            --pidfile="$dir/ovs-vswitchd.pid" --unixctl="$dir/ovs-vswitchd.ctl" \
            --log-file="$dir/ovs-vswitchd.log" --detach 2>/dev/null
    )
}

# start_weft_db DIR: weft's own database (stock ovsdb-server), socket
# DIR/weft.sock.  Needs WEFT_SOURCE_DIR or $src for the schema.
start_weft_db() {
    local dir=$1 schema=${WEFT_SOURCE_DIR:-$src}/ovsdb/weft.ovsschema
    ovsdb-tool create "$dir/weft.db" "$schema"
    ovsdb-server "$dir/weft.db" --remote=punix:"$dir/weft.sock" \
        --pidfile="$dir/weft-db.pid" --unixctl="$dir/weft-db.ctl" \
        --log-file="$dir/weft-db.log" --detach 2>/dev/null
}
