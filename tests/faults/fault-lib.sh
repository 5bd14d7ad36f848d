# shellcheck shell=bash
# fault-lib.sh: the fault suite's machinery (issue #16), shared by
# tests/faults/test-faults.sh (CI: each fault once) and tests/faults/soak.sh
# (on demand: random faults for N minutes).  Source it after
# scripts/lab-lib.sh, on a lab that is up (weft-lab up --no-matrix; the
# controller and DB faults need --db-cluster 3 --controllers 2).
#
# What runs during every fault window:
#   - traffic: one `ping -i 0.1` per network type (tenant red, h1 -> h2) and
#     one routed pair (red's gre on h2 -> red's vx on h1), so that every pair
#     crosses the faulted host h$FL_HOST;
#   - writes: a background stream (~5/s, each its own process, at most 8 in
#     flight) of `weftctl --db=<remote list> sg-add red/fwN`, security groups
#     without members or rules, so they change no flow; each is logged with
#     its start and end time and ok/fail.
#
#   fl_suite_start TAG "DEFAULT LAB OPTIONS"
#                           the suite's own lab (lab_test_start TAG; the size
#                           options: $WEFT_FAULTS_LAB_ARGS if set, else the
#                           default), fl_init, h$FL_HOST's OpenFlow through
#                           the suite's relay (a check); exits with the
#                           report if the lab cannot be read
#   fl_init PREFIX TMP      reads the lab (status --json) into FL_* variables
#   fl_writer_start / fl_writer_stop
#   fl_window_begin NAME    starts the pings, samples the flow_mod counters
#   fl_window_end RECOVER_MS
#                           waits for ~2 s of answered pings, stops them and
#                           records the window (RECOVER_MS: -1 = never)
#   fl_fault_* [ARGS]       inject one fault and wait for recovery; each one
#                           prints the time to recover in ms (-1: not within
#                           FL_DEADLINE s); see the functions below
#   fl_writes_verify        every acknowledged write is in the DB (per window
#                           counts in the report); then deletes them all
#   fl_report               prints the per-fault table (also to $FL_TMP/report.txt)
#   $FL_TMP/problems.txt    what went wrong besides the numbers (fl_problem)
#
# Never asserts a time: recovery times are figures.  Assertions are the
# caller's (test-faults.sh), on the numbers in $FL_TMP/windows.tsv.

FL_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FL_HOST=${FL_HOST:-2}           # the host the host faults hit
FL_DEADLINE=${FL_DEADLINE:-60}  # seconds a fault may take to recover
FL_WTENANT=red                  # the writes' tenant and name prefix
FL_WPREFIX=fw

now_ms() { date +%s%3N; }

# fl_problem MESSAGE: something that went wrong around a fault (a daemon that
# did not come back, a path that did not ping before it): printed, and kept
# in $FL_TMP/problems.txt, which the caller checks is empty.
fl_problem() {
    echo "fault-lib: $*" >&2
    echo "$*" >> "$FL_TMP/problems.txt"
}

fl_suite_start() {
    local tag=$1 lab_args
    read -ra lab_args <<<"${WEFT_FAULTS_LAB_ARGS-$2}"
    lab_test_start "$tag" ${lab_args[@]+"${lab_args[@]}"} --no-matrix
    fl_init "$P" "$TMP" || { bad "fault suite: reading the lab"; report; exit 1; }
    info "pairs: ${FL_PAIR_LABEL[*]}; controllers: ${FL_C_NAME[*]}; DB members: ${FL_M_NAME[*]}"
    check "h$FL_HOST's OpenFlow goes through the suite's relay" fl_relay_setup
}

# fl_init PREFIX TMP: FL_P, FL_TMP, FL_DIR, FL_DB (the remote list),
# FL_WEFTCTL, the controllers FL_C_* and DB members FL_M_* (one of each, the
# lab's top-level files, on a lab without the HA fields), the ping pairs.
fl_init() {
    local st k
    FL_P=$1 FL_TMP=$2
    st=$("$WEFT_LAB" --prefix "$FL_P" status --json) || return 1
    FL_DIR=$(jq -r .dir <<<"$st")
    FL_DB=$(jq -r .db <<<"$st")
    FL_WEFTCTL=$(jq -r .weftctl <<<"$st")
    mapfile -t FL_C_NAME < <(jq -r '(.controllers // [{name: "c1", pidfile: .weftd_pidfile,
        ctl: .weftd_ctl, api_socket: .api_socket}])[] | .name' <<<"$st")
    mapfile -t FL_C_PIDFILE < <(jq -r '(.controllers // [{pidfile: .weftd_pidfile}])[] | .pidfile' <<<"$st")
    mapfile -t FL_C_CTL < <(jq -r '(.controllers // [{ctl: .weftd_ctl}])[] | .ctl' <<<"$st")
    mapfile -t FL_C_API < <(jq -r '(.controllers // [{api_socket: .api_socket}])[] | .api_socket' <<<"$st")
    mapfile -t FL_M_PIDFILE < <(jq -r --arg d "$FL_DIR" \
        '(.db_members // [{pidfile: ($d + "/weft-db.pid")}])[] | .pidfile' <<<"$st")
    mapfile -t FL_M_CTL < <(jq -r --arg d "$FL_DIR" \
        '(.db_members // [{ctl: ($d + "/weft-db.ctl")}])[] | .ctl' <<<"$st")
    mapfile -t FL_M_NAME < <(jq -r '(.db_members // [{name: "db1"}])[] | .name' <<<"$st")
    mapfile -t FL_M_REMOTE < <(jq -r '(.db_members // [{remote: .db}])[] | .remote' <<<"$st")
    FL_PAIR_LABEL=() FL_PAIR_NS=() FL_PAIR_DST=()
    for k in vxlan gre geneve vlan; do
        fl_pair_add "$st" "$k" "$k" 1 "$FL_HOST" || true
    done
    fl_pair_add "$st" routed gre "$FL_HOST" 1 vxlan || return 1
    : > "$FL_TMP/writes.log"
    : > "$FL_TMP/lost.txt"
    : > "$FL_TMP/checked.txt"
    : > "$FL_TMP/problems.txt"
    : > "$FL_TMP/windows.tsv"
    [ ${#FL_PAIR_LABEL[@]} -ge 4 ]
}

# fl_pair_add STATE LABEL TYPE SRC-HOST DST-HOST [DST-TYPE]: red's endpoint
# of TYPE on SRC-HOST pings red's endpoint of DST-TYPE (default TYPE) on
# DST-HOST.  Fails if the demo has no such endpoints (geneve, say).
fl_pair_add() {
    local st=$1 label=$2 ty=$3 from=h$4 to=h$5 dty=${6:-$3} ns dst
    ns=$(jq -r --arg t "$ty" --arg h "$from" '[.endpoints[] | select(.tenant == "red"
        and .network_type == $t and .host == $h)][0].netns // empty' <<<"$st")
    dst=$(jq -r --arg t "$dty" --arg h "$to" '[.endpoints[] | select(.tenant == "red"
        and .network_type == $t and .host == $h)][0].ip // empty' <<<"$st")
    [ -n "$ns" ] && [ -n "$dst" ] || return 1
    FL_PAIR_LABEL+=("$label") FL_PAIR_NS+=("$ns") FL_PAIR_DST+=("$dst")
}

fl_weftctl() { "$FL_WEFTCTL" --db="$FL_DB" "$@"; }

# ------------------------------------------------------------- writes

# fl_write_one I: write number I; one line "I START-MS END-MS ok|fail".
fl_write_one() {
    local t0 rc
    t0=$(now_ms)
    if fl_weftctl --timeout=20 sg-add "$FL_WTENANT/$FL_WPREFIX$1" \
            >/dev/null 2>>"$FL_TMP/writer.err"; then rc=ok; else rc=fail; fi
    echo "$1 $t0 $(now_ms) $rc" >> "$FL_TMP/writes.log"
}

# fl_writer_loop: a write every 0.2 s, each in its own process so that one
# that waits for a new leader does not hold back the next (which tells when
# writes are acknowledged again); at most 8 at once.
fl_writer_loop() {
    local i=0
    while [ ! -e "$FL_TMP/writer.stop" ]; do
        i=$((i + 1))
        fl_write_one "$i" &
        while [ "$(jobs -pr | wc -l)" -ge 8 ]; do wait -n || true; done
        # Pacing of a load generator (not a wait for an event): ~5 writes/s.
        sleep 0.2
    done
    wait
}

fl_writer_start() {
    rm -f "$FL_TMP/writer.stop"
    fl_writer_loop &
    FL_WRITER_PID=$!
    BG_PIDS+=("$FL_WRITER_PID")
}

fl_writer_stop() {
    : > "$FL_TMP/writer.stop"
    wait "$FL_WRITER_PID" 2>/dev/null || true
    fl_bg_forget "$FL_WRITER_PID"
}

# fl_write_acked_after MS: a write that started after MS was acknowledged.
fl_write_acked_after() {
    awk -v t="$1" '$2 > t && $4 == "ok" {f = 1} END {exit !f}' "$FL_TMP/writes.log"
}

# fl_writes_verify: reads every security group of the writes' tenant once.
# Each write that ended before that read and was not checked by an earlier
# call is checked now: if it was acknowledged and is missing, it goes to
# $FL_TMP/lost.txt.  Then the checked writes the read found (acknowledged or
# not: a failed one may have committed) are deleted in one transaction, so
# that a long soak keeps the DB small; a write still in flight, or one that
# ended after the read, waits for the next call.  Fails if the DB could not
# be read.
fl_writes_verify() {
    local t
    t=$(now_ms)
    fl_weftctl --timeout=60 --format=json sg-list "$FL_WTENANT" > "$FL_TMP/sgs.json" \
        || return 1
    jq -r '.[].name' "$FL_TMP/sgs.json" > "$FL_TMP/sgs.txt"
    # shellcheck disable=SC2016    # awk's $ fields
    awk -v t="$t" -v p="$FL_WPREFIX" -v lost="$FL_TMP/lost.txt" -v del="$FL_TMP/del.txt" '
        FILENAME == ARGV[1] { checked[$1] = 1; next }
        FILENAME == ARGV[2] { present[$1] = 1; next }
        $3 < t && !((p $1) in checked) {
            n = p $1; print n
            if ($4 == "ok" && !(n in present)) print n >> lost
            if (n in present) print n > del }' \
        "$FL_TMP/checked.txt" "$FL_TMP/sgs.txt" "$FL_TMP/writes.log" > "$FL_TMP/new.txt"
    cat "$FL_TMP/new.txt" >> "$FL_TMP/checked.txt"
    fl_writes_delete
}

# fl_writes_delete: deletes the groups listed in $FL_TMP/del.txt.
fl_writes_delete() {
    local ops
    [ -s "$FL_TMP/del.txt" ] || return 0
    ops=$(jq -R '{op: "delete", table: "Security_Group", where: [["name", "==", .]]}' \
          "$FL_TMP/del.txt" | jq -sc '["Weft"] + .')
    rm -f "$FL_TMP/del.txt"
    ovsdb-client transact "$(fl_db_leader_remote)" "$ops" >/dev/null
}

# fl_writes_left: how many of the writes' groups the DB still holds.
fl_writes_left() {
    fl_weftctl --timeout=60 --format=json sg-list "$FL_WTENANT" \
        | jq -r '.[].name' | grep -c "^${FL_WPREFIX}[0-9]*$"
}

# ------------------------------------------------------------- pings

fl_pings_start() {
    local k
    FL_PING_PIDS=()
    for k in "${!FL_PAIR_LABEL[@]}"; do
        ip netns exec "${FL_PAIR_NS[$k]}" ping -n -i 0.1 -W 2 "${FL_PAIR_DST[$k]}" \
            > "$FL_TMP/ping.$k" 2>&1 &
        FL_PING_PIDS+=($!)
        BG_PIDS+=($!)
    done
}

# fl_ping_maxseq K: the highest icmp_seq pair K got an answer for.
fl_ping_maxseq() {
    sed -n 's/.*bytes from.*icmp_seq=\([0-9]*\).*/\1/p' "$FL_TMP/ping.$1" \
        | sort -n | tail -n 1 | grep . || echo 0
}

# fl_pings_settled MARKS...: every pair answered 20 sequence numbers (2 s)
# past its mark.
fl_pings_settled() {
    local k marks=("$@")
    for k in "${!FL_PAIR_LABEL[@]}"; do
        [ "$(fl_ping_maxseq "$k")" -ge $((marks[k] + 20)) ] || return 1
    done
}

# fl_pings_stop: SIGINT (ping prints its summary), then per pair the number
# of sequence numbers sent and never answered, except the last 10 (1 s, maybe
# still in flight), into FL_LOST[].
fl_pings_stop() {
    local k pid
    for pid in "${FL_PING_PIDS[@]}"; do
        kill -INT "$pid" 2>/dev/null || true
    done
    for pid in "${FL_PING_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
        fl_bg_forget "$pid"
    done
    FL_LOST=()
    for k in "${!FL_PAIR_LABEL[@]}"; do
        FL_LOST+=("$(awk '/bytes from/ && match($0, /icmp_seq=[0-9]+/) {
                              seen[substr($0, RSTART + 9, RLENGTH - 9) + 0] = 1 }
                          /packets transmitted/ { tx = $1 }
                          END { n = 0; for (s = 1; s <= tx - 10; s++) if (!(s in seen)) n++
                                print n }' "$FL_TMP/ping.$k")")
    done
}

# fl_pings_pass: one probe per pair answered within 1 s (the window's own
# pings are counted, not waited on).
fl_pings_pass() {
    local k
    for k in "${!FL_PAIR_LABEL[@]}"; do
        ip netns exec "${FL_PAIR_NS[$k]}" ping -n -q -c 1 -W 1 "${FL_PAIR_DST[$k]}" \
            >/dev/null 2>&1 || return 1
    done
}

fl_bg_forget() {
    local i
    for i in "${!BG_PIDS[@]}"; do
        if [ "${BG_PIDS[$i]}" = "$1" ]; then unset 'BG_PIDS[i]'; fi
    done
}

# ------------------------------------------------------------- counters

# fl_flow_mods_sample: "PID SUM" per controller (SUM: weft_host_flow_mods_total
# over its hosts, from its /metrics; PID "-" if it does not run).
fl_flow_mods_sample() {
    local j pid sum
    for j in "${!FL_C_NAME[@]}"; do
        pid=$(pidfile_pid "${FL_C_PIDFILE[$j]}") && pid_alive "$pid" || pid=-
        sum=$(curl -sf --max-time 5 --unix-socket "${FL_C_API[$j]}" http://weft/metrics \
              2>/dev/null | awk '/^weft_host_flow_mods_total/ {s += $NF} END {print s + 0}')
        echo "$pid ${sum:-0}"
    done
}

# fl_flow_mods_delta BEFORE AFTER: flow_mods sent between two samples, summed
# over the controllers (a restarted weftd counts from 0; what a killed one
# sent between the first sample and its death is not known: 0).
fl_flow_mods_delta() {
    paste -d' ' "$1" "$2" | awk '{ if ($3 == "-") d = 0; else if ($1 == $3) d = $4 - $2;
                                   else d = $4; s += d } END {print s + 0}'
}

# ------------------------------------------------------------- windows

fl_window_begin() {
    FL_WIN=$1
    # Every path is warm before the window's pings start (a userspace tunnel
    # drops the packet that makes OVS resolve the underlay's next hop): the
    # probes are not counted.
    wait_for "$FL_DEADLINE" fl_pings_pass \
        || fl_problem "$FL_WIN: some pair does not ping before the fault"
    fl_flow_mods_sample > "$FL_TMP/fm.before"
    FL_WIN_T0=$(now_ms)
    fl_pings_start
    # Every pair answers before the fault (ARP and the path are warm).
    FL_MARKS=()
    local k
    for k in "${!FL_PAIR_LABEL[@]}"; do FL_MARKS+=(0); done
    wait_for "$FL_DEADLINE" fl_pings_settled "${FL_MARKS[@]}" \
        || fl_problem "$FL_WIN: pings not all answered before the fault"
}

# fl_window_end RECOVER_MS: a tail of 2 s answered pings (or FL_DEADLINE s),
# then one line in windows.tsv: name t0 t1 recover_ms flow_mods lost...
fl_window_end() {
    local rec=$1 k marks=() t1 fm
    for k in "${!FL_PAIR_LABEL[@]}"; do marks+=("$(fl_ping_maxseq "$k")"); done
    wait_for "$FL_DEADLINE" fl_pings_settled "${marks[@]}" || true
    fl_pings_stop
    t1=$(now_ms)
    fl_flow_mods_sample > "$FL_TMP/fm.after"
    fm=$(fl_flow_mods_delta "$FL_TMP/fm.before" "$FL_TMP/fm.after")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$FL_WIN" "$FL_WIN_T0" "$t1" "$rec" "$fm" \
        "${FL_LOST[*]}" >> "$FL_TMP/windows.tsv"
    echo "  .. $FL_WIN: recovered in ${rec} ms, pings lost ${FL_LOST[*]}, flow_mods $fm"
}

# fl_wait_recovery T0 COMMAND...: waits (FL_DEADLINE s) for COMMAND; prints
# the ms from T0 to its success, or -1.
fl_wait_recovery() {
    local t0=$1
    shift
    if wait_for "$FL_DEADLINE" "$@"; then echo $(($(now_ms) - t0)); else echo -1; fi
}

# ------------------------------------------------------------- report

# fl_report: one line per window: pings lost per pair, recovery, writes
# acknowledged / failed / lost (acknowledged, missing from the DB), flow_mods.
fl_report() {
    local out=$FL_TMP/report.txt
    {
        printf '%-16s' fault
        printf ' %7s' "${FL_PAIR_LABEL[@]}"
        printf ' %10s %7s %7s %7s %9s\n' recover_ms w_acked w_fail w_lost flow_mods
        while IFS=$'\t' read -r name t0 t1 rec fm lost; do
            local acked failed wlost
            acked=$(awk -v a="$t0" -v b="$t1" '$2 >= a && $2 < b && $4 == "ok"' "$FL_TMP/writes.log" | wc -l)
            failed=$(awk -v a="$t0" -v b="$t1" '$2 >= a && $2 < b && $4 != "ok"' "$FL_TMP/writes.log" | wc -l)
            wlost=$(awk -v a="$t0" -v b="$t1" -v p="$FL_WPREFIX" 'NR == FNR {lost[$1] = 1; next}
                    $2 >= a && $2 < b && $4 == "ok" && ((p $1) in lost)' \
                    "$FL_TMP/lost.txt" "$FL_TMP/writes.log" | wc -l)
            printf '%-16s' "$name"
            # shellcheck disable=SC2086    # one number per pair
            printf ' %7s' $lost
            printf ' %10s %7s %7s %7s %9s\n' "$rec" "$acked" "$failed" "$wlost" "$fm"
        done < "$FL_TMP/windows.tsv"
    } > "$out"
    cat "$out"
}

# fl_window_field NAME COLUMN: a number of the window NAME (first match):
# recover, flow_mods, pings (the sum over the pairs).
fl_window_field() {
    awk -F'\t' -v n="$1" -v c="$2" '$1 == n {
        if (c == "recover") print $4; else if (c == "flow_mods") print $5;
        else { split($6, a, " "); s = 0; for (i in a) s += a[i]; print s }
        exit }' "$FL_TMP/windows.tsv"
}

# shellcheck source-path=SCRIPTDIR source=fault-inject.sh
. "$FL_HERE/fault-inject.sh"
