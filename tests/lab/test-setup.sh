#!/bin/bash
# test-setup: the path a new user takes, checked without building or running
# anything heavy (no lab, no root needed):
#   - the README's set-up commands run as written on a fresh Debian 12 as
#     root, where sudo is not installed: none starts with sudo;
#   - the README says where weftctl is (build/controller/weftctl) and how to
#     put it on PATH or install it;
#   - bench/run's default build directory belongs to its checkout (two
#     checkouts sharing one failed on CMake's cache): `bench/run --help`
#     names <checkout>/build-bench, a different one for each checkout.
#   - bench's --ha (issue #16): planned by --dry-run, and its row reaches
#     the CSV's HA columns and the details (benchreport, no daemons).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${WEFT_SOURCE_DIR:-$(cd "$HERE/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$SRC/tests/testlib.sh"

TMP=$(mktemp -d "/tmp/weft-$(test_prefix t9s).XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# --- README ------------------------------------------------------------------
# The set-up section: from its heading to the next "## " heading.
sed -n '/^## Set-up on a fresh Debian 12/,/^## [^S]/p' "$SRC/README.md" > "$TMP/setup.md"
# Its shell blocks' lines.
awk '/^```sh/ {in_sh = 1; next} /^```/ {in_sh = 0} in_sh' "$TMP/setup.md" > "$TMP/setup.sh"
check "README set-up: the section and its commands are there" \
    bash -c "grep -qx './scripts/weft-lab up' $TMP/setup.sh && grep -qx './scripts/test-all' $TMP/setup.sh"
check "README set-up: no command needs sudo (root on a fresh Debian 12 has none)" \
    bash -c "! grep -qE '(^|[;&|] *)sudo ' $TMP/setup.sh"
check "README set-up: says where weftctl is and how to put it on PATH or install it" \
    bash -c "grep -q 'build/controller/weftctl' $TMP/setup.md && grep -q 'export PATH=\$PWD/build/controller:\$PATH' $TMP/setup.md && grep -q 'cmake --install build' $TMP/setup.md"

# --- bench/run's build directory ---------------------------------------------
# Two checkouts (copies of bench/): each one's --help names its own directory.
for c in one two; do
    mkdir -p "$TMP/$c/bench"
    cp "$SRC/bench/run" "$SRC"/bench/*.py "$TMP/$c/bench/"
done
bench_dir() {            # bench_dir CHECKOUT: the build dir its --help names
    env -u WEFT_BENCH_BUILD "$TMP/$1/bench/run" --help 2>&1 \
        | sed -n 's/^bench\/run: weft is built in \(.*\) unless --build DIR is given$/\1/p'
}
check "bench/run --help: the default build directory is inside the checkout" \
    [ "$(bench_dir one)" = "$TMP/one/build-bench" ]
check "bench/run --help: another checkout gets another one" \
    [ "$(bench_dir two)" = "$TMP/two/build-bench" ]
check "bench/run --help: \$WEFT_BENCH_BUILD still overrides it" \
    bash -c "WEFT_BENCH_BUILD=$TMP/elsewhere '$TMP/one/bench/run' --help | grep 'built in $TMP/elsewhere unless' >/dev/null"
check "bench/run --help: runs weftbench.py's own help" \
    bash -c "'$TMP/one/bench/run' --help | grep -q -- '--scaling'"
# --dry-run prints the plan of a run: no root, no build, nothing started.
check "bench/run --scaling --dry-run: 1,000 -> 30,000 ports and 3 -> 30 hosts" \
    bash -c "'$TMP/one/bench/run' --scaling --dry-run > $TMP/plan.txt && grep -q '^  10x1000: ' $TMP/plan.txt && grep -q '^  10x30000: ' $TMP/plan.txt && grep -q '^  3x10000: ' $TMP/plan.txt && grep -q '^  30x10000: ' $TMP/plan.txt"
check "bench/run --dry-run: names the prefix, the repetitions and why OVN is left out" \
    bash -c "'$TMP/one/bench/run' --list --sizes 3x100 --reps 7 --no-ovn --prefix bnx | grep -q 'port-add x7' && '$TMP/one/bench/run' --list --sizes 3x100 --no-ovn --prefix bnx | grep -q 'OVN: left out (--no-ovn)' && '$TMP/one/bench/run' --list --sizes 3x100 --prefix bnx | grep -q '/bnx\.\*'"
check "bench/run --dry-run: a bad size is refused" \
    bash -c "! '$TMP/one/bench/run' --dry-run --sizes 3y100 2>/dev/null"
check "bench/run --dry-run --ha: adds the takeovers, --reps of them; without --ha none" \
    bash -c "'$TMP/one/bench/run' --list --sizes 2x20 --reps 3 --ha --no-ovn | grep 'ha-takeover x3' >/dev/null && ! '$TMP/one/bench/run' --list --sizes 2x20 --reps 3 --no-ovn | grep ha-takeover >/dev/null"
# The report of an ha-takeover row (benchscen.ha_row()'s figures): the CSV
# keeps its first nine columns and adds the HA ones; the details line says
# the takeover in ms, the flow_mods, the standby's RSS.
cat > "$TMP/ha-report.py" <<'PY'
import csv, io, sys
sys.path.insert(0, sys.argv[1])
from benchlab import Topo
from benchreport import COLS, combine, print_details, write_csv
w = {"scenario": "ha-takeover", "seconds": 0.25, "cpu": 0.1, "rss_kib": 2048,
     "hwm_kib": 4096, "vswitchd_cpu": 0.2, "ovsdb_cpu": 0.05, "flows": [5, 6],
     "p95": 0.4, "reps": 3, "flow_mods": 0, "fm_min": 0, "fm_max": 2,
     "ha_max_s": 0.4, "ha_standby_rss_kib": 3072, "ha_warm_s": 1.5, "ha_own_ms": 7}
rows = combine(Topo(2, 20), [w], None, [], "OVN left out (--no-ovn)")
write_csv(sys.argv[2], rows)
r = list(csv.DictReader(open(sys.argv[2])))
assert COLS[:9] == ["H", "P", "scenario", "weft_s", "limit_s", "ovn_s", "weft_flow_mods",
                    "weft_cpu_s", "weft_rss_mib"], COLS[:9]
assert r[0]["scenario"] == "ha-takeover" and r[0]["weft_s"] == "0.25", r
assert r[0]["ha_takeover_max_s"] == "0.4" and r[0]["ha_standby_rss_mib"] == "3.0", r
assert r[0]["ha_warm_s"] == "1.5" and r[0]["ha_own_ms"] == "7", r
out = io.StringIO()
print_details(rows, out)
assert "median 250 ms, max 400 ms" in out.getvalue() and "flow_mods 0-2" in out.getvalue() \
    and "standby RSS 3.0 MiB" in out.getvalue(), out.getvalue()
PY
check "bench report: an ha-takeover row goes to the CSV's HA columns and the details" \
    /usr/bin/python3 "$TMP/ha-report.py" "$TMP/one/bench" "$TMP/ha.csv"
check "bench/run --help: builds nothing" \
    bash -c "[ ! -e $TMP/one/build-bench ] && [ ! -e $TMP/two/build-bench ]"
check "bench/run --help: still shows every option (weftbench.py's help)" \
    bash -c "env -u WEFT_BENCH_BUILD '$TMP/one/bench/run' --help | grep -- '--sizes' >/dev/null"

report
