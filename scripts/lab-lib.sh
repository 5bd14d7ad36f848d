# shellcheck shell=bash
# lab-lib.sh: helpers shared by tests/lab/*.sh (sourced, not executed).
#
# Expects: nothing.  Provides: WEFT_LAB, lab_*, check/report helpers.

LAB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WEFT_REPO=$(cd "$LAB_LIB_DIR/.." && pwd)
WEFT_LAB="$LAB_LIB_DIR/weft-lab"
export WEFT_BUILD_DIR="${WEFT_BUILD_DIR:-$WEFT_REPO/build}"

# shellcheck source-path=SCRIPTDIR source=../tests/testlib.sh
. "$WEFT_REPO/tests/testlib.sh"

info() { printf '  .. %s\n' "$*"; }

# lab_teardown PREFIX TMPDIR [RC]: a test's lab goes down (unless
# WEFT_LAB_KEEP=1, to look at it afterwards) and its scratch directory goes
# away; if RC is non-zero or a check failed, the lab's and the test's logs are
# kept first (keep_logs).
lab_teardown() {
    local labdir
    labdir=$("$WEFT_LAB" --prefix "$1" status --json 2>/dev/null | jq -r .dir 2>/dev/null) || labdir=
    keep_logs "${3:-0}" "$(basename "$0" .sh)" ${labdir:+"$labdir"} "$2"
    if [ "${WEFT_LAB_KEEP:-0}" = 1 ]; then
        echo "WEFT_LAB_KEEP=1: lab $1 left up; weft-lab --prefix $1 down when done"
    else
        "$WEFT_LAB" --prefix "$1" down >/dev/null 2>&1 || true
    fi
    rm -rf "$2"
}

# lab_json PREFIX JQ-FILTER: query `weft-lab status --json`.
lab_json() {
    "$WEFT_LAB" --prefix "$1" status --json | jq -r "$2"
}

# of_flows MGMT-SOCKET [ARGS...]: dump-flows with stats.
of_flows() {
    local mgmt=$1; shift
    ovs-ofctl -O OpenFlow15 --no-names dump-flows "unix:$mgmt" "$@"
}

# of_flowset MGMT-SOCKET: normalized flow set (cookie, table, priority,
# match, actions), one per line, sorted.
of_flowset() {
    ovs-ofctl -O OpenFlow15 --no-names --no-stats dump-flows "unix:$1" \
        | grep -v '^OFPST_FLOW\|^NXST_FLOW' | sed 's/^ *//' | LC_ALL=C sort
}

# sum_npackets: sum n_packets of dump-flows lines on stdin.
sum_npackets() {
    sed -n 's/.*n_packets=\([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}'
}

# icmp_in_echos NETNS: the netns' Icmp InEchos counter.
icmp_in_echos() {
    # shellcheck disable=SC2016
    ip netns exec "$1" awk '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["InEchos"] }' /proc/net/snmp
}
