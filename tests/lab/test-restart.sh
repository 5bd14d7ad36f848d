#!/bin/bash
# test-restart: the data plane survives weftd and ovs-vswitchd restarts.
#
#  1. kill -9 weftd: pings between two red endpoints keep flowing (<= 1 lost
#     over ~3 s) and the flows stay (fail_mode=secure).
#  2. restart weftd (same command), weftctl sync: the flow set (cookie,
#     table, priority, match, actions) is identical and counters were not
#     reset (the flows were not replaced).
#  3. restart ovs-vswitchd of h1: weftd puts the same flow set back within
#     30 s and the pings flow again.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab-lib.sh disable=SC1091
source "$HERE/../../scripts/lab-lib.sh"

lab_test_start t1rst --hosts 1
# A second endpoint in red/vx on h1, next to the demo's red-vx-h1.
"$WEFT_LAB" --prefix "$P" attach red-vx-h1b --net red/vx --host h1 --ip 10.0.0.21/24 >/dev/null

D=$(lab_json "$P" .dir)
MGMT="$D/h1/br-int.mgmt"
ep() { lab_json "$P" ".endpoints[] | select(.name == \"$1\") | .$2"; }
SRC_NS=$(ep red-vx-h1 netns)
DST_IP=$(ep red-vx-h1b ip)

# norm_flows: dump-flows without the statistics that change by themselves.
norm_flows() {
    of_flows "$MGMT" | grep -v '^OFPST_FLOW\|^NXST_FLOW' \
        | sed -E 's/^ +//; s/(duration|n_packets|n_bytes|idle_age|hard_age)=[^,]*, //g' \
        | LC_ALL=C sort
}
# npackets_of NORMALIZED-FLOW: n_packets of that flow now (empty if absent).
npackets_of() {
    local want=$1 line
    while IFS= read -r line; do
        local n
        n=$(sed -E 's/^ +//; s/(duration|n_packets|n_bytes|idle_age|hard_age)=[^,]*, //g' <<<"$line")
        if [ "$n" = "$want" ]; then
            sed -n 's/.*n_packets=\([0-9]*\).*/\1/p' <<<"$line"
            return
        fi
    done < <(of_flows "$MGMT" | grep -v '^OFPST_FLOW\|^NXST_FLOW')
}
# ping_window SECONDS: ping DST every 0.2 s for SECONDS; prints lost count.
ping_window() {
    local n=$(( $1 * 5 )) out rx
    out=$(ip netns exec "$SRC_NS" ping -n -q -c "$n" -i 0.2 -W 1 "$DST_IP" 2>&1 || true)
    rx=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out")
    echo $(( n - ${rx:-0} ))
}
same_flows() { norm_flows > "$TMP/now.flows"; cmp -s "$TMP/before.flows" "$TMP/now.flows"; }

# A long ping in the background for the whole test.
ip netns exec "$SRC_NS" ping -n -D -O -i 0.2 "$DST_IP" > "$TMP/long-ping.log" 2>&1 &
PING_PID=$!
# shellcheck disable=SC2034    # for lab_test_cleanup (tests/testlib.sh)
BG_PIDS=("$PING_PID")
replies() { rx=$(grep -c 'bytes from' "$TMP/long-ping.log" || true); [ "$rx" -ge 5 ]; }
wait_for 30 replies || true
check "background ping red-vx-h1 -> red-vx-h1b flowing ($rx replies)" [ "$rx" -ge 5 ]

norm_flows > "$TMP/before.flows"
nflows=$(wc -l < "$TMP/before.flows")
check "flows installed ($nflows)" [ "$nflows" -gt 0 ]
# The busiest CLASSIFY flow of a port (the ping's own path) is our counter
# witness.
witness_line=$(of_flows "$MGMT" table=0 | grep 'priority=100,' | awk 'match($0, /n_packets=[0-9]+/) {
        n = substr($0, RSTART + 10, RLENGTH - 10) + 0
        if (n > max) { max = n; best = $0 } } END { print best }')
witness=$(sed -E 's/^ +//; s/(duration|n_packets|n_bytes|idle_age|hard_age)=[^,]*, //g' <<<"$witness_line")
info "witness flow: $witness"

echo "== kill -9 weftd"
wpid=$(pidfile_pid "$D/weftd.pid")
kill -9 "$wpid"
for _ in $(seq 300); do pid_alive "$wpid" || break; sleep 0.1; done
dead() { ! pid_alive "$1"; }
check "weftd (pid $wpid) is dead" dead "$wpid"
lost=$(ping_window 3)
check "pings keep flowing while weftd is dead: $lost of 15 lost (<= 1)" [ "$lost" -le 1 ]
check "flows unchanged while weftd is dead" same_flows
n_before=$(npackets_of "$witness")
info "witness n_packets before restart: $n_before"

echo "== restart weftd"
"$WEFT_LAB" --prefix "$P" start-weftd >/dev/null
if timeout 180 "$WEFT_LAB" --prefix "$P" ctl sync; then r=ok; else r=fail; fi
check "weftctl sync after weftd restart: $r" [ "$r" = ok ]
if same_flows; then ok "flow set identical after weftd restart"; else
    bad "flow set identical after weftd restart"; diff "$TMP/before.flows" "$TMP/now.flows" | head -20 || true
fi
# No wait here: a flow's counter never goes down unless the flow was
# replaced, so any read after the restart tells (a wait until it grows past
# the old value would hide a reset under a long enough ping).
n_after=$(npackets_of "$witness")
not_reset() { [ -n "$n_after" ] && [ -n "$n_before" ] && [ "$n_after" -ge "$n_before" ]; }
check "witness flow's n_packets not reset (${n_before:-?} -> ${n_after:-gone})" not_reset
lost=$(ping_window 2)
check "pings flow after weftd restart: $lost of 10 lost" [ "$lost" -le 1 ]
# The restarted weftd read the flows back and found nothing to change.
mods=$(ovs-appctl -t "$D/weftd.ctl" weft/hosts | sed -n 's/^h1 .*flow_mods=\([0-9]*\).*/\1/p')
check "restarted weftd sent no flow_mods to h1 (${mods:-?})" [ "${mods:-x}" = 0 ]

echo "== restart ovs-vswitchd of h1"
vpid=$(pidfile_pid "$D/h1/ovs-vswitchd.pid")
kill_pids "$vpid"
"$WEFT_LAB" --prefix "$P" start-vswitchd h1 >/dev/null
back=no
start=$SECONDS
while [ $((SECONDS - start)) -lt 90 ]; do
    if same_flows 2>/dev/null; then back=yes; break; fi
    sleep 0.5
done
if [ "$back" = yes ]; then ok "same flow set back $((SECONDS - start)) s after ovs-vswitchd restart"; else
    bad "same flow set back within 90 s of ovs-vswitchd restart"; diff "$TMP/before.flows" "$TMP/now.flows" | head -20 || true
fi
ok_again=no
for _ in $(seq 10); do
    if ip netns exec "$SRC_NS" ping -c1 -W1 -q "$DST_IP" >/dev/null 2>&1; then ok_again=yes; break; fi
done
check "red-vx-h1 -> red-vx-h1b reachable after ovs-vswitchd restart" [ "$ok_again" = yes ]

kill "$PING_PID" 2>/dev/null || true
wait "$PING_PID" 2>/dev/null || true
PING_PID=
# shellcheck disable=SC2034
BG_PIDS=()
info "background ping: $(grep -c 'bytes from' "$TMP/long-ping.log" || true) replies," \
    "$(grep -c 'no answer yet' "$TMP/long-ping.log" || true) unanswered"

report
