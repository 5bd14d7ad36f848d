#!/usr/bin/env bash
# test-testlib: the shell test library itself (tests/testlib.sh), where a
# race in it once failed a green run: a daemon that removed its pidfile
# between "[ -f ]" and "cat" ended a set -e test in its cleanup.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "$0")/../testlib.sh"

dir=$(mktemp -d "/tmp/weft-$(test_prefix t0lib).XXXXXX")
started=()
cleanup() {
    local pid
    for pid in "${started[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT

# A pidfile that passes "[ -f ]" but cannot be read (as one that vanishes
# between the two): a symlink to /proc/self/mem, a regular file whose read
# fails.  Also a missing, an empty and a garbage one: all skipped, and the
# (set -e) caller goes on.  The old kill_pidfiles died on the first.
ln -s /proc/self/mem "$dir/racy.pid"
echo 12x > "$dir/garbage.pid"
: > "$dir/empty.pid"
check "kill_pidfiles skips unreadable, missing, empty and garbage pidfiles under set -e" \
    bash -c "set -euo pipefail; . '$(dirname "$0")/../testlib.sh'
             kill_pidfiles '$dir/racy.pid' '$dir/gone.pid' '$dir/empty.pid' '$dir/garbage.pid'" 
check "pidfile_pid fails (without aborting) for a missing file" \
    bash -c "set -euo pipefail; . '$(dirname "$0")/../testlib.sh'
             if pid=\$(pidfile_pid '$dir/gone.pid'); then exit 1; fi; exit 0"

# pidfile_wait: a daemon starting up writes its pidfile late; a pidfile that
# never comes is a failure once the deadline is over, not an abort.
(sleep 0.5; echo 4242 > "$dir/late.pid") &
started+=($!)
check "pidfile_wait waits for a pidfile written later" \
    bash -c "set -euo pipefail; . '$(dirname "$0")/../testlib.sh'
             [ \"\$(pidfile_wait '$dir/late.pid' 60)\" = 4242 ]"
check "pidfile_wait fails (without aborting) when no pidfile comes" \
    bash -c "set -euo pipefail; . '$(dirname "$0")/../testlib.sh'
             if pid=\$(pidfile_wait '$dir/gone.pid' 1); then exit 1; fi; exit 0"
# One copy (scripts/pid-lib.sh), which weft-lab uses too.
check "the pidfile helpers are defined once, in scripts/pid-lib.sh" \
    bash -c "cd '$(dirname "$0")/../..'
             [ \"\$(grep -lE '^(pidfile_pid|pidfile_wait|pid_alive|kill_pids|read_pidfile)\(\)' \
                   scripts/* tests/*.sh tests/*/*.sh)\" = scripts/pid-lib.sh ]"

# A daemon that removes its pidfile as it exits, TERMed while the caller
# reads: the pid is read once, the process goes, nothing aborts.
bash -c "echo \$\$ > '$dir/d1.pid'; trap 'rm -f $dir/d1.pid; exit 0' TERM; while :; do sleep 0.05; done" &
started+=($!)
wait_for 10 test -s "$dir/d1.pid"
d1=$(pidfile_pid "$dir/d1.pid")
check "kill_pidfiles stops a daemon that removes its pidfile" \
    bash -c "set -euo pipefail; . '$(dirname "$0")/../testlib.sh'
             kill_pidfiles '$dir/d1.pid' '$dir/d1.pid'; ! pid_alive $d1"

# A process that ignores TERM is KILLed once the wait is over.
bash -c "trap '' TERM; while :; do sleep 0.05; done" &
stubborn=$!
started+=("$stubborn")
kill_pids "$stubborn"
check "kill_pids KILLs a process that ignores TERM" bash -c ". '$(dirname "$0")/../testlib.sh'; ! pid_alive $stubborn"

# test_prefix: the run's tag goes first; bad tags are refused.
check "test_prefix puts WEFT_TEST_PREFIX first" \
    bash -c "WEFT_TEST_PREFIX=ld; . '$(dirname "$0")/../testlib.sh'; [ \"\$(test_prefix t1iso)\" = ldt1iso ]"
check "test_prefix refuses a tag that would make names too long" \
    bash -c "WEFT_TEST_PREFIX=abcdef; . '$(dirname "$0")/../testlib.sh'; ! test_prefix t1iso 2>/dev/null"

# keep_logs: copies logs (keeping the tree) only when something failed.
mkdir -p "$dir/run/h1" "$dir/logs"
echo w > "$dir/run/weftd.log"
echo v > "$dir/run/h1/ovs-vswitchd.log"
echo n > "$dir/run/conf.db"
check "keep_logs keeps nothing after a green test" \
    bash -c "WEFT_TEST_LOGDIR='$dir/logs'; . '$(dirname "$0")/../testlib.sh'
             keep_logs 0 green '$dir/run'; [ ! -e '$dir/logs/green' ]"
check "keep_logs keeps every *.log of a test with a failed check" \
    bash -c "WEFT_TEST_LOGDIR='$dir/logs'; . '$(dirname "$0")/../testlib.sh'; T_FAIL=1
             keep_logs 0 red '$dir/run' 2>/dev/null
             [ -f '$dir/logs/red/weftd.log' ] && [ -f '$dir/logs/red/h1/ovs-vswitchd.log' ] \
             && [ ! -e '$dir/logs/red/conf.db' ]"
check "keep_logs keeps the logs of a test that exited non-zero" \
    bash -c "WEFT_TEST_LOGDIR='$dir/logs'; . '$(dirname "$0")/../testlib.sh'
             keep_logs 3 crashed '$dir/run' 2>/dev/null; [ -f '$dir/logs/crashed/weftd.log' ]"
# A crashed weftd leaves its control socket behind, with nobody listening:
# keep_logs, called by a set -e cleanup, must still return and go on.
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
    "$dir/run/weftd.ctl"
check "keep_logs goes on past a dead weftd's socket under set -e" \
    bash -c "set -e; WEFT_TEST_LOGDIR='$dir/logs'; . '$(dirname "$0")/../testlib.sh'
             keep_logs 3 dead '$dir/run' 2>/dev/null
             [ -f '$dir/logs/dead/weftd.log' ]"

# hold_connections: counts what connected, and the pid in its pidfile is the
# holder itself (not a shell around it), so that kill_pidfiles ends it.
python3 -c 'import signal, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(64)
open(sys.argv[2], "w").write("up")
signal.pause()' "$dir/listen.sock" "$dir/listen.ready" &
listener=$!
started+=("$listener")
wait_for 10 test -s "$dir/listen.ready"
check "hold_connections: 5 connections to a unix socket, 5 connected" \
    [ "$(hold_connections "$dir/holder.pid" 5 "$dir/listen.sock")" = 5 ]
holder=$(pidfile_pid "$dir/holder.pid")
started+=("$holder")
check "...held by the python3 process whose pid is in the pidfile" \
    grep -qa 'signal.pause' "/proc/$holder/cmdline"
kill_pidfiles "$dir/holder.pid"
check "...which kill_pidfiles ends" bash -c ". '$(dirname "$0")/../testlib.sh'; ! pid_alive $holder"
kill "$listener"
wait "$listener" 2>/dev/null || true

report
