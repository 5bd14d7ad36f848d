# shellcheck shell=bash
# pid-lib.sh: the pidfile and process helpers that scripts/weft-lab and the
# tests (tests/testlib.sh) share; sourced, it runs nothing and sets nothing
# else.  Race-safe: a daemon that is exiting removes its pidfile at any
# moment, so a pidfile is read once, never tested and then read, and a
# missing, empty or garbage file is a plain failure (never an abort of a
# set -e caller).
#
#   pidfile_pid FILE              prints the pid FILE holds; fails if FILE
#                                 is gone, empty or not a pid
#   pidfile_wait FILE [SECONDS]   waits (default 30 s) until FILE holds a
#                                 pid (a daemon starting up), prints it
#   pid_alive PID                 PID exists and is not a zombie
#   kill_pids PID...              TERM, wait (up to 10 s) until each is gone,
#                                 then KILL those left

pidfile_pid() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    echo "$pid"
}

# The deadline is generous on purpose: the wait ends at its event, and a
# deadline that a busy machine can reach turns load into a failure.
pidfile_wait() {
    local deadline=$((SECONDS + ${2:-30}))
    until pidfile_pid "$1"; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.1
    done
}

pid_alive() {
    local st
    [[ $1 =~ ^[0-9]+$ ]] || return 1
    st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

kill_pids() {
    local pid left=() deadline=$((SECONDS + 10))
    [ $# -gt 0 ] || return 0
    kill "$@" 2>/dev/null || true
    while :; do
        left=()
        for pid in "$@"; do
            pid_alive "$pid" && left+=("$pid")
        done
        [ ${#left[@]} -eq 0 ] && return 0
        [ $SECONDS -ge $deadline ] && break
        sleep 0.1
    done
    kill -9 "${left[@]}" 2>/dev/null || true
}
