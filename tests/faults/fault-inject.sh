# shellcheck shell=bash
# fault-inject.sh: the six faults of the fault suite (issue #16), sourced by
# tests/faults/fault-lib.sh.  Each fl_fault_* runs one whole window: starts the
# pings (fl_window_begin), injects the fault, waits for recovery (a figure:
# ms, -1 if not within FL_DEADLINE s), puts back what it broke, and records
# the window (fl_window_end).
#
#   fl_fault_weftd_kill   kill -9 the active weftd; recovered when another one
#                         is active, every host confirmed it primary and
#                         `weftctl sync` passes; the killed one comes back as
#                         standby (weft-lab start-weftd --controller J)
#   fl_fault_db_leader    kill -9 the weft DB's Raft leader; recovered when a
#                         write started after the kill is acknowledged; the
#                         member comes back (weft-lab start-db-member I)
#   fl_fault_host_ovsdb   restart h$FL_HOST's ovsdb-server  } recovered when
#   fl_fault_host_vswitchd  restart its ovs-vswitchd        } weft shows the
#   fl_fault_underlay     its underlay links down 3 s, up   } host connected,
#   fl_fault_of_cut       weftd cut off from its switch for } `weftctl sync`
#                         10 s (fl_relay_setup first)       } passes and every
#                                                             pair pings
# Host-fault times count from the end of the fault (restart, link up, relay
# back), controller and DB times from the kill.
#
#
#   fl_fault_fn NAME      prints the fl_fault_* function of the fault named
#                         NAME (weftd-kill, db-leader-kill, host-ovsdb,
#                         host-vswitchd, underlay-down, openflow-cut: the
#                         names of the suite's report); fails for any other
#                         name.  (The caller runs it as a plain command, so
#                         that set -e still holds inside.)

fl_fault_fn() {
    case $1 in
        weftd-kill) echo fl_fault_weftd_kill ;;
        db-leader-kill) echo fl_fault_db_leader ;;
        host-ovsdb) echo fl_fault_host_ovsdb ;;
        host-vswitchd) echo fl_fault_host_vswitchd ;;
        underlay-down) echo fl_fault_underlay ;;
        openflow-cut) echo fl_fault_of_cut ;;
        *) return 1 ;;
    esac
}

# ------------------------------------------------------------- controllers

# fl_ha J: weftd J's `weftd/ha-status` (one JSON object), or fails.
fl_ha() {
    ovs-appctl --timeout=5 -t "${FL_C_CTL[$1]}" weftd/ha-status 2>/dev/null
}

# fl_active: the index of the one controller that says it is active.
fl_active() {
    local j found=()
    for j in "${!FL_C_NAME[@]}"; do
        [ "$(fl_ha "$j" | jq -r .role 2>/dev/null)" = active ] && found+=("$j")
    done
    [ ${#found[@]} -eq 1 ] && echo "${found[0]}"
}

fl_is_role() {
    [ "$(fl_ha "$1" | jq -r .role 2>/dev/null)" = "$2" ]
}

fl_synced() {
    timeout 30 "$FL_WEFTCTL" --db="$FL_DB" --timeout=20 sync >/dev/null 2>&1
}

# fl_controller_ready: exactly one weftd is active and every host it knows
# confirmed it primary.
fl_controller_ready() {
    local j
    j=$(fl_active) || return 1
    fl_ha "$j" | jq -e '.hosts > 0 and .hosts_primary == .hosts' >/dev/null 2>&1
}

# fl_takeover_done OLD: a controller other than OLD is active, every host it
# knows confirmed it primary, and the hosts are synced.
fl_takeover_done() {
    fl_controller_ready && [ "$(fl_active)" != "$1" ] && fl_synced
}

fl_fault_weftd_kill() {
    local a pid t0 rec=-1
    fl_window_begin weftd-kill
    # A fault just before (a DB leader change) may leave the weftds still
    # finding the new leader: wait for one active before killing it.
    if [ ${#FL_C_NAME[@]} -lt 2 ] || ! wait_for "$FL_DEADLINE" fl_controller_ready \
            || ! a=$(fl_active); then
        fl_problem "weftd-kill: needs 2 controllers, exactly one active"
    elif pid=$(pidfile_pid "${FL_C_PIDFILE[$a]}"); then
        echo "  .. kill -9 the active weftd ${FL_C_NAME[$a]} (pid $pid)"
        t0=$(now_ms)
        kill -9 "$pid"
        rec=$(fl_wait_recovery "$t0" fl_takeover_done "$a")
        wait_for 30 eval '! pid_alive '"$pid"
        "$WEFT_LAB" --prefix "$FL_P" start-weftd --controller $((a + 1)) >/dev/null \
            || fl_problem "start-weftd --controller $((a + 1)) failed"
        wait_for "$FL_DEADLINE" fl_is_role "$a" standby \
            || fl_problem "${FL_C_NAME[$a]} is not standby after its restart"
    fi
    fl_window_end "$rec"
}

# ------------------------------------------------------------- weft's DB

# fl_db_leader: the index of the member whose cluster/status says leader
# (0 for a standalone DB).
fl_db_leader() {
    local n
    if [ ${#FL_M_CTL[@]} -eq 1 ]; then echo 0; return; fi
    n=$(raft_leader "${FL_M_CTL[@]}") || return 1
    echo $((n - 1))
}

# fl_db_leader_remote: one remote to send a raw transaction to (the leader's,
# else the first of the list).
fl_db_leader_remote() {
    local i
    if i=$(fl_db_leader) && [ -n "${FL_M_REMOTE[$i]:-}" ]; then
        echo "${FL_M_REMOTE[$i]}"
    else
        echo "${FL_DB%%,*}"
    fi
}

fl_db_member_back() {
    raft_member_joined "${FL_M_CTL[$1]}"
}

# fl_db_recovered T0: a write started after T0 was acknowledged, and a weftd
# is active again on the new leader with every host primary (a leader change
# drops every weftd's lock: the active one claims again).
fl_db_recovered() {
    fl_write_acked_after "$1" && fl_controller_ready
}

fl_fault_db_leader() {
    local l pid t0 rec=-1
    fl_window_begin db-leader-kill
    if [ ${#FL_M_CTL[@]} -lt 3 ] || ! l=$(fl_db_leader); then
        fl_problem "db-leader-kill: needs a 3-member cluster with a leader"
    elif pid=$(pidfile_pid "${FL_M_PIDFILE[$l]}"); then
        echo "  .. kill -9 the DB leader ${FL_M_NAME[$l]} (pid $pid)"
        t0=$(now_ms)
        kill -9 "$pid"
        rec=$(fl_wait_recovery "$t0" fl_db_recovered "$t0")
        wait_for 30 eval '! pid_alive '"$pid"
        "$WEFT_LAB" --prefix "$FL_P" start-db-member $((l + 1)) >/dev/null \
            || fl_problem "start-db-member $((l + 1)) failed"
        wait_for "$FL_DEADLINE" fl_db_member_back "$l" \
            || fl_problem "${FL_M_NAME[$l]} did not rejoin"
    fi
    fl_window_end "$rec"
}

# ------------------------------------------------------------- hosts

# fl_host_back: weft shows the host connected (OVSDB and OpenFlow), the hosts
# are synced, and every pair pings.
fl_host_back() {
    fl_weftctl --timeout=10 --format=json host-show "h$FL_HOST" 2>/dev/null \
        | jq -e '.ovsdb_connected and .openflow_connected
            and .openflow_state == "synced"' >/dev/null \
        && fl_synced && fl_pings_pass
}

# fl_restart_host ovsdb|vswitchd: weft-lab restart-host, the lab's own stop
# and start of that daemon.
fl_restart_host() {
    "$WEFT_LAB" --prefix "$FL_P" restart-host "$FL_HOST" "$1" >/dev/null
}

fl_fault_host_restart() {
    local what=$1 t0 rec
    fl_window_begin "host-$what"
    echo "  .. restart h$FL_HOST's $what"
    fl_restart_host "$what" || fl_problem "restarting $what failed"
    t0=$(now_ms)
    rec=$(fl_wait_recovery "$t0" fl_host_back)
    fl_window_end "$rec"
}

fl_fault_host_ovsdb() { fl_fault_host_restart ovsdb; }
fl_fault_host_vswitchd() { fl_fault_host_restart vswitchd; }

fl_fault_underlay() {
    local ns=$FL_P-h$FL_HOST t0 rec l
    fl_window_begin underlay-down
    echo "  .. h$FL_HOST's underlay links down for 3 s"
    for l in u v; do ip -n "$ns" link set "${FL_P}h$FL_HOST$l" down; done
    # The fault's length, not a wait for an event.
    sleep 3
    for l in u v; do ip -n "$ns" link set "${FL_P}h$FL_HOST$l" up; done
    t0=$(now_ms)
    rec=$(fl_wait_recovery "$t0" fl_host_back)
    fl_window_end "$rec"
}

# ------------------------------------------------------------- OpenFlow cut

# fl_relay_setup: h$FL_HOST's OpenFlow remote becomes a relay of the suite's
# own (of-relay.py) in front of its br-int.mgmt, so that killing the relay
# cuts every weftd off from that switch, and from nothing else.  weftd sees
# a changed remote and reconnects through it; waits until it is synced.
fl_relay_setup() {
    FL_RELAY_SOCK=$FL_TMP/of-h$FL_HOST.sock
    fl_relay_start || return 1
    fl_host_of_remote "$(jq -n --arg r "unix:$FL_RELAY_SOCK" '$r')" || return 1
    wait_for "$FL_DEADLINE" grep -q relaying "$FL_TMP/relay.log" && fl_synced
}

# fl_relay_teardown: h$FL_HOST's OpenFlow remote back to the default, the
# relay stopped.
fl_relay_teardown() {
    fl_host_of_remote '["set", []]' || return 1
    if [ -n "${FL_RELAY_PID:-}" ]; then
        fl_relay_stop TERM
    fi
    rm -f "${FL_RELAY_SOCK:-}"
}

# fl_host_of_remote JSON: sets h$FL_HOST's openflow_remote in weft's DB to
# JSON (an OVSDB datum: a string, or ["set", []] for the default).
fl_host_of_remote() {
    ovsdb-client transact "$(fl_db_leader_remote)" "$(jq -nc --arg h "h$FL_HOST" \
        --argjson r "$1" '["Weft", {op: "update", table: "Host",
        where: [["name", "==", $h]], row: {openflow_remote: $r}}]')" >/dev/null
}

# fl_relay_stop SIGNAL: the relay killed with SIGNAL and reaped.
fl_relay_stop() {
    kill -s "$1" "$FL_RELAY_PID" 2>/dev/null || true
    wait "$FL_RELAY_PID" 2>/dev/null || true
    fl_bg_forget "$FL_RELAY_PID"
}

fl_relay_start() {
    python3 "$FL_HERE/of-relay.py" "$FL_RELAY_SOCK" "$FL_DIR/h$FL_HOST/br-int.mgmt" \
        >> "$FL_TMP/relay.log" 2>&1 &
    FL_RELAY_PID=$!
    BG_PIDS+=("$FL_RELAY_PID")
    wait_for 30 test -S "$FL_RELAY_SOCK"
}

# fl_relay_reconnected N: the relay relayed more than N connections (weftd
# came back through it).
fl_relay_reconnected() {
    [ "$(grep -c relaying "$FL_TMP/relay.log")" -gt "$1" ]
}

fl_fault_of_cut() {
    local t0 rec n
    fl_window_begin openflow-cut
    echo "  .. weftd cut off from h$FL_HOST's switch for 10 s"
    fl_relay_stop KILL
    rm -f "$FL_RELAY_SOCK"
    # The fault's length, not a wait for an event.
    sleep 10
    n=$(grep -c relaying "$FL_TMP/relay.log")
    fl_relay_start || fl_problem "the relay did not come back"
    t0=$(now_ms)
    rec=$(fl_wait_recovery "$t0" eval "fl_relay_reconnected $n && fl_host_back")
    fl_window_end "$rec"
}
