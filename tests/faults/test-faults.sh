#!/bin/bash
# test-faults: the fault suite of issue #16, once each, on a lab with a
# 3-member weft DB cluster and two weftds (c1, c2), two hosts.
#
# During every fault window: pings between red's endpoints on h1 and h2 for
# every network type and one routed pair, and a stream of acknowledged
# writes (tests/faults/fault-lib.sh).  The faults, one at a time:
#   baseline        none (the harness itself: no ping lost, writes acked)
#   weftd-kill      kill -9 the active weftd, then it restarts as standby
#   db-leader-kill  kill -9 the DB's Raft leader, then it rejoins
#   host-ovsdb      restart h2's ovsdb-server
#   host-vswitchd   restart h2's ovs-vswitchd
#   underlay-down   h2's underlay links down 3 s, then up
#   openflow-cut    every weftd cut off from h2's switch for 10 s
# Checks: no acknowledged write lost (per window and in total); no ping lost
# in the baseline, controller and DB windows; every fault recovered within
# FL_DEADLINE (60 s).  Times and flow_mods are printed (the report), never
# asserted.
#
# WEFT_FAULTS_LAB_ARGS replaces the lab's size options (e.g. "" for the
# default lab: the controller and DB faults then fail, having nothing to
# kill); WEFT_FAULTS_ONLY="host-ovsdb openflow-cut" runs only those faults.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab-lib.sh disable=SC1091
source "$HERE/../../scripts/lab-lib.sh"
# shellcheck source-path=SCRIPTDIR source=fault-lib.sh
source "$HERE/fault-lib.sh"

# Two hosts are enough: every pair runs between h1 and h2.
fl_suite_start flt "--hosts 2 --db-cluster 3 --controllers 2"

ALL="baseline weftd-kill db-leader-kill host-ovsdb host-vswitchd underlay-down openflow-cut"
read -ra FAULTS <<<"${WEFT_FAULTS_ONLY:-$ALL}"

fl_writer_start
for f in "${FAULTS[@]}"; do
    echo "== $f (t+${SECONDS}s)"
    if [ "$f" = baseline ]; then
        fl_window_begin baseline
        fl_window_end 0
    elif fn=$(fl_fault_fn "$f"); then
        "$fn"
    else
        bad "unknown fault $f"
    fi
done
fl_writer_stop
check "h2's OpenFlow remote back to its default" fl_relay_teardown

echo "== writes (t+${SECONDS}s)"
acked=$(awk '$4 == "ok"' "$TMP/writes.log" | wc -l)
failed=$(awk '$4 != "ok"' "$TMP/writes.log" | wc -l)
check "writes acknowledged during the suite ($acked; $failed not acknowledged)" \
    [ "$acked" -gt 0 ]
if fl_writes_verify; then
    lost=$(wc -l < "$TMP/lost.txt")
    check "every acknowledged write is in the DB ($lost lost${lost:+: $(head -c 200 "$TMP/lost.txt" | tr '\n' ' ')})" \
        [ "$lost" -eq 0 ]
    left=$(fl_writes_left || true)
    check "the suite's writes deleted again (${left:-?} left)" [ "${left:-1}" -eq 0 ]
else
    bad "reading the writes back from the DB"
fi

echo "== report"
fl_report
if [ -n "${WEFT_TEST_LOGDIR:-}" ]; then
    cp "$TMP/report.txt" "$WEFT_TEST_LOGDIR/faults-report.txt" 2>/dev/null || true
fi
for f in "${FAULTS[@]}"; do
    rec=$(fl_window_field "$f" recover)
    pings=$(fl_window_field "$f" pings)
    check "$f: recovered within ${FL_DEADLINE} s (${rec} ms)" [ "${rec:--1}" -ge 0 ]
    case $f in
        baseline|weftd-kill|db-leader-kill)
            check "$f: no ping lost ($pings)" [ "${pings:-1}" -eq 0 ] ;;
    esac
done
# Lost writes per window: the report's w_lost column (the total is checked above).
probs=$(wc -l < "$TMP/problems.txt")
check "no problem around the faults ($probs: $(head -c 300 "$TMP/problems.txt" | tr '\n' ';'))" \
    [ "$probs" -eq 0 ]
report
