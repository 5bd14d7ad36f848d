#!/bin/bash
# soak.sh: the fault suite's soak (issue #16), run on demand, not in CI:
# random faults, one at a time, for --minutes M (default 30) on its own lab
# (3-member weft DB cluster, two weftds), under the same bounded load as
# tests/faults/test-faults.sh: one ping pair per network type plus a routed
# pair at 10/s each, and ~5 weftctl writes/s, checked and deleted after every
# fault so that the DB stays small.  Prints the same per-fault report, then
# one summary line per kind of fault.
#
#   sudo tests/faults/soak.sh [--minutes M] [--faults "weftd-kill host-ovsdb ..."]
#                             [--seed N]
#
# Exits non-zero if an acknowledged write was lost, a controller or DB fault
# lost a ping, or a fault did not recover within 60 s.  Names start with
# $WEFT_TEST_PREFIX + "sk"; everything goes down at the end (WEFT_LAB_KEEP=1
# keeps the lab).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab-lib.sh disable=SC1091
source "$HERE/../../scripts/lab-lib.sh"
# shellcheck source-path=SCRIPTDIR source=fault-lib.sh
source "$HERE/fault-lib.sh"

minutes=30
faults="weftd-kill db-leader-kill host-ovsdb host-vswitchd underlay-down openflow-cut"
seed=$$
while [ $# -gt 0 ]; do
    case $1 in
        --minutes) minutes=${2:?}; shift 2 ;;
        --faults) faults=${2:?}; shift 2 ;;
        --seed) seed=${2:?}; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "soak: unknown option $1" >&2; exit 1 ;;
    esac
done
[[ $minutes =~ ^[1-9][0-9]*$ ]] || { echo "soak: --minutes: a positive number" >&2; exit 1; }
read -ra FAULTS <<<"$faults"
RANDOM=$seed

fl_suite_start sk "--db-cluster 3 --controllers 2"
echo "soak: ${minutes} min of random faults among: ${FAULTS[*]} (seed $seed)"

end=$((SECONDS + minutes * 60))
fl_writer_start
while [ $SECONDS -lt $end ]; do
    f=${FAULTS[RANDOM % ${#FAULTS[@]}]}
    echo "== $f ($(( (end - SECONDS) / 60 )) min left, t+${SECONDS}s)"
    fn=$(fl_fault_fn "$f") || { bad "unknown fault $f"; break; }
    "$fn"
    fl_writes_verify || bad "reading the writes back after $f"
done
fl_writer_stop
fl_writes_verify || bad "reading the writes back at the end"
check "h2's OpenFlow remote back to its default" fl_relay_teardown

echo "== report"
fl_report
echo "== summary"
printf '%-16s %6s %10s %10s %11s\n' fault count max_ms pings_lost over_60s
awk -F'\t' '{ n[$1]++; split($6, a, " "); for (i in a) p[$1] += a[i]
              if ($4 < 0) bad[$1]++; else if ($4 > mx[$1]) mx[$1] = $4 }
            END { for (f in n) printf "%-16s %6d %10d %10d %11d\n", f, n[f], mx[f], p[f], bad[f] }' \
    "$TMP/windows.tsv" | sort

lost=$(wc -l < "$TMP/lost.txt")
check "every acknowledged write is in the DB ($(awk '$4 == "ok"' "$TMP/writes.log" | wc -l) acknowledged, $lost lost)" \
    [ "$lost" -eq 0 ]
never=$(awk -F'\t' '$4 < 0' "$TMP/windows.tsv" | wc -l)
check "every fault recovered within ${FL_DEADLINE} s ($never did not)" [ "$never" -eq 0 ]
cp_lost=$(awk -F'\t' '$1 == "weftd-kill" || $1 == "db-leader-kill" {
              split($6, a, " "); for (i in a) s += a[i] } END {print s + 0}' "$TMP/windows.tsv")
check "no ping lost in the controller and DB faults ($cp_lost)" [ "$cp_lost" -eq 0 ]
probs=$(wc -l < "$TMP/problems.txt")
check "no problem around the faults ($probs: $(head -c 300 "$TMP/problems.txt" | tr '\n' ';'))" \
    [ "$probs" -eq 0 ]
report
