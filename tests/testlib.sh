# shellcheck shell=bash
# testlib.sh: what every weft shell test shares (source it; it runs nothing).
#
#   check DESCRIPTION COMMAND...  runs COMMAND; prints and counts PASS/FAIL
#   ok MESSAGE / bad MESSAGE      counts a result decided by the caller
#   report                        prints "N passed, M failed" (the line CI
#                                 reads); returns non-zero if any failed
#   wait_for SECONDS COMMAND...   retries COMMAND every 0.2 s until it
#                                 succeeds, or fails after SECONDS
#   test_prefix DEFAULT           prints the prefix of this test's names
#                                 (namespaces, veths, /tmp directories):
#                                 $WEFT_TEST_PREFIX + DEFAULT
#   pidfile_pid FILE              prints the pid FILE holds; fails (never
#                                 aborts a set -e script) if FILE is gone,
#                                 empty or not a pid
#   pidfile_wait FILE [SECONDS]   waits (default 30 s) for FILE to hold a pid
#   pid_alive PID                 PID exists and is not a zombie
#   kill_pids PID...              TERM, wait (up to 10 s) until each is gone,
#                                 then KILL those left
#                                 (these four: scripts/pid-lib.sh)
#   raft_member_joined CTL, raft_leader CTL...
#                                 a DB cluster member (by its unixctl
#                                 socket) has joined; which one leads
#                                 (scripts/raft-lib.sh)
#   kill_pidfiles FILE...         kill_pids of the processes the files hold
#                                 (only those: a test never kills by name)
#   keep_logs RC NAME DIR...      if RC is non-zero or a check failed, copies
#                                 every *.log (and weftd's unixctl views) under
#                                 DIR... to $WEFT_TEST_LOGDIR/NAME, so a red
#                                 run can be diagnosed after the cleanup
#   start_weft_db DIR             weft's database, socket DIR/weft.sock
#   $WEFT_WEFTD_OPTS              options every test's weftd gets (the lab's
#                                 through weft-lab, which reads it): by
#                                 default --self-check, which aborts weftd if
#                                 the desired state it patched from the
#                                 database's changes differs from a full load
#   start_ovs_vswitchd NETNS DIR  (again) the ovs-vswitchd of a host that
#                                 start_ovs_host made, e.g. after a restart
#   start_ovs_host NETNS DIR [REMOTE...]
#                                 one simulated host: ovsdb-server (extra
#                                 remotes REMOTE..., e.g. ptcp:6640:127.0.0.1)
#                                 and ovs-vswitchd inside NETNS, database, run
#                                 and log files in DIR, unix socket DIR/db.sock
#   weftd_test_init DEFAULT       the start of a test that runs its own weft
#                                 database and weftd: sets src, build, weftd,
#                                 weftctl, p (test_prefix DEFAULT), dir (a
#                                 fresh /tmp/weft-$p.XXXXXX), ns ($p-h1, the
#                                 host's namespace) and api ($dir/api.sock)
#   weftd_test_host NETNS [REMOTE...]
#                                 then its host and database: NETNS (lo up),
#                                 start_ovs_host NETNS $dir REMOTE...,
#                                 start_weft_db $dir, weftctl init
#   weftd_test_cleanup RC NAME [NETNS...]
#                                 the end of such a test (from its EXIT trap):
#                                 keep_logs RC NAME $dir, weftd's clean exit,
#                                 kill_pidfiles $dir/*.pid, then the
#                                 namespaces NETNS... and $dir are removed
#   expect CODE [JQ-FILTER] DESCRIPTION -- CURL-ARGS... PATH
#                                 one REST check: calls the test's own
#                                 req CURL-ARGS... PATH (which sets $code and
#                                 $body); ok if the status is CODE and the body
#                                 passes JQ-FILTER (if not empty)
#   weftd_sockets                 how many sockets the weftd of $dir/weftd.pid
#                                 holds
#   hold_connections PIDFILE COUNT ADDRESS [NETNS]
#                                 COUNT connections to ADDRESS (a unix socket's
#                                 path, or IP:PORT), from NETNS if given, held
#                                 by a background process (pid in PIDFILE)
#                                 until it is killed; prints how many connected
#   lab_test_start DEFAULT [UP-ARGS...]
#                                 the start of a test on weft-lab (for scripts
#                                 that source scripts/lab-lib.sh): sets P
#                                 ($WEFT_LAB_PREFIX or test_prefix DEFAULT),
#                                 TMP (a scratch directory) and BG_PIDS=(); an
#                                 EXIT trap kills BG_PIDS and runs lab_teardown;
#                                 then a fresh lab: weft-lab up UP-ARGS...
#
# Waits are for events (a pidfile, a flow, a counter) with generous deadlines:
# on a busy machine an event comes late, and only a deadline that is never
# reached on a working system keeps a test from failing there.

T_PASS=0
T_FAIL=0

# Set but empty keeps weftd without the self-check (a timing test, say).
export WEFT_WEFTD_OPTS=${WEFT_WEFTD_OPTS---self-check}

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

# WEFT_TEST_PREFIX tags every name one test run makes, so that two runs (say
# the test command and a load generator running the same tests) never share
# a namespace, an interface or a directory name.  Interface names are
# "<prefix><3 chars>" at most in the lab: the tag may have 4 characters.
test_prefix() {
    local tag=${WEFT_TEST_PREFIX:-}
    if ! [[ $tag =~ ^([a-z][a-z0-9]{0,3})?$ ]]; then
        echo "testlib: WEFT_TEST_PREFIX='$tag': a letter, then at most 3 of [a-z0-9]" >&2
        return 1
    fi
    echo "$tag$1"
}

# pidfile_pid, pidfile_wait, pid_alive and kill_pids: one copy, shared with
# scripts/weft-lab.
# shellcheck source-path=SCRIPTDIR source=../scripts/pid-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/pid-lib.sh"
# raft_member_status, raft_member_joined, raft_member_role, raft_leader: the
# DB cluster's members, shared with scripts/weft-lab.
# shellcheck source-path=SCRIPTDIR source=../scripts/raft-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/raft-lib.sh"

kill_pidfiles() {
    local f pid pids=()
    for f in "$@"; do
        # A daemon that is shutting down removes its pidfile at any moment:
        # read each file once, and skip it if it is gone.
        pid=$(pidfile_pid "$f") && pids+=("$pid")
    done
    kill_pids "${pids[@]}"
}

keep_logs() {
    local rc=$1 name=$2 out d f
    shift 2
    [ "$rc" -ne 0 ] || [ "$T_FAIL" -gt 0 ] || return 0
    [ -n "${WEFT_TEST_LOGDIR:-}" ] || return 0
    out=$WEFT_TEST_LOGDIR/$name
    mkdir -p "$out"
    for d in "$@"; do
        [ -d "$d" ] || continue
        # weftd's own views while it still runs: hosts, connection states.
        # A dead weftd leaves its socket behind: ovs-appctl then fails, and
        # under set -e that must not end the cleanup that called us.
        for f in "$d"/weftd.ctl "$d"/*/weftd.ctl; do
            if [ -S "$f" ]; then
                ovs-appctl --timeout=5 -t "$f" weft/hosts > "$out/weftd-hosts.txt" 2>&1 || true
            fi
        done
        (cd "$d" && find . -name '*.log' -print0 \
            | xargs -0 -r cp --parents -t "$out") 2>/dev/null || true
    done
    echo "$name: failed (rc $rc, $T_FAIL failed checks); logs kept in $out" >&2
    return 0
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
    )
    start_ovs_vswitchd "$ns" "$dir"
}

start_ovs_vswitchd() {
    local ns=$1 dir=$2
    OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir \
    ip netns exec "$ns" ovs-vswitchd unix:"$dir/db.sock" \
        --pidfile="$dir/ovs-vswitchd.pid" --unixctl="$dir/ovs-vswitchd.ctl" \
        --log-file="$dir/ovs-vswitchd.log" --detach 2>/dev/null
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

# weftd_test_init DEFAULT: the variables of a test that runs its own weft
# database and weftd (not weft-lab's).  The build may be elsewhere than the
# source: WEFT_BUILD_DIR, WEFT_SOURCE_DIR.
# shellcheck disable=SC2034    # for the test that calls it
weftd_test_init() {
    src=${WEFT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
    build=${WEFT_BUILD_DIR:-$src/build}
    weftd=$build/controller/weftd
    weftctl=$build/controller/weftctl
    p=$(test_prefix "$1")
    dir=$(mktemp -d "/tmp/weft-$p.XXXXXX")
    ns=$p-h1
    api=$dir/api.sock
}

# weftd_test_host NETNS [REMOTE...]: one host in NETNS and weft's database,
# initialized, all in $dir (weftd_test_init).
weftd_test_host() {
    local ns=$1
    shift
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    start_ovs_host "$ns" "$dir" "$@"
    start_weft_db "$dir"
    "$weftctl" --db=unix:"$dir/weft.sock" init
}

# weftd_test_cleanup RC NAME [NETNS...]: see above.  weftd exits cleanly
# first, so that a sanitizer build of weftd reports leaks.
weftd_test_cleanup() {
    local rc=$1 name=$2 n
    shift 2
    keep_logs "$rc" "$name" "$dir"
    ovs-appctl --timeout=10 -t "$dir/weftd.ctl" exit 2>/dev/null || true
    kill_pidfiles "$dir"/*.pid
    for n in "$@"; do
        ip netns del "$n" 2>/dev/null || true
    done
    rm -rf "$dir"
}

# expect CODE [JQ-FILTER] DESCRIPTION -- CURL-ARGS... PATH: see above.
# shellcheck disable=SC2154    # code and body: set by the test's req
expect() {
    local want=$1 filter=$2 what=$3
    shift 4
    req "$@"
    if [ "$code" = "$want" ] \
       && { [ -z "$filter" ] || jq -e "$filter" >/dev/null 2>&1 <<<"$body"; }; then
        ok "$what"
    else
        bad "$what (got $code: $body)"
    fi
}

weftd_sockets() {
    find "/proc/$(pidfile_pid "$dir/weftd.pid")/fd" -lname 'socket:*' 2>/dev/null | wc -l
}

# hold_connections PIDFILE COUNT ADDRESS [NETNS]: see above.  A TCP connect
# still in progress counts as connected (the peer has it in its backlog); a
# unix one that would block does not (the backlog is full).  Fails if the
# holder has not tried them all within 30 s.
hold_connections() {
    local pidfile=$1 count=$2 address=$3 netns=${4:-} ready=$1.ready prog
    prog=$(cat <<'EOF'
import signal, socket, sys
count, address, ready = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if address.startswith("/"):
    family = socket.AF_UNIX
else:
    host, port = address.rsplit(":", 1)
    family, address = socket.AF_INET, (host, int(port))
socks = []
for i in range(count):
    s = socket.socket(family)
    s.setblocking(False)
    try:
        s.connect(address)
    except BlockingIOError:
        if family == socket.AF_UNIX:
            s.close()
            continue
    except OSError:
        s.close()
        continue
    socks.append(s)
with open(ready, "w") as f:
    f.write("%d\n" % len(socks))
signal.pause()
EOF
)
    rm -f "$ready"
    (
        if [ -n "$netns" ]; then set -- ip netns exec "$netns"; else set --; fi
        exec "$@" python3 -c "$prog" "$count" "$address" "$ready"
    ) >/dev/null &
    echo $! >"$pidfile"
    wait_for 30 test -s "$ready" || return 1
    cat "$ready"
}

# lab_test_start DEFAULT [UP-ARGS...]: see above.  A stale lab with the same
# prefix (a killed run's) goes down first.
# shellcheck disable=SC2034    # for the test that calls it
lab_test_start() {
    P=${WEFT_LAB_PREFIX:-$(test_prefix "$1")}   # override to run beside another copy
    shift
    TMP=$(mktemp -d "/tmp/weft-$P.XXXXXX")
    BG_PIDS=()
    trap lab_test_cleanup EXIT
    "$WEFT_LAB" --prefix "$P" down >/dev/null 2>&1 || true
    "$WEFT_LAB" --prefix "$P" up "$@"
}

# The EXIT trap of lab_test_start: the background processes the test started
# (BG_PIDS), then the lab and TMP.
lab_test_cleanup() {
    local rc=$? pid
    for pid in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do
        kill "$pid" 2>/dev/null || true
    done
    lab_teardown "$P" "$TMP" "$rc"
}
