# shellcheck shell=bash disable=SC2154
# (SC2154: prefix, dir and the rest are weft-lab's)
# weft-lab-ha.sh: the lab's control plane, standalone or highly available
# (issue #16), sourced by scripts/weft-lab; it uses weft-lab's helpers and
# variables (prefix, dir, record_netns, record_pid, die, say, ...).
#
#   up --db-cluster N  weft's DB as a Raft cluster of N (1, 3 or 5) members;
#                      1 (the default) is today's standalone ovsdb-server
#                      with its files in $D (weft.db, weft.sock, weft-db.pid,
#                      weft-db.ctl, weft-db.log).  With N > 1, member i has
#                      the same files in $D/db$i and runs in netns $p-ctl
#                      (lo only), Raft on tcp:127.0.0.1:(6640+i) there, so
#                      two labs never collide (`exec ctl -- CMD` runs there);
#                      clients use the members' unix sockets, the remote
#                      list "unix:...,unix:...".
#   up --controllers M M weftd (1..3), all on the whole remote list; the
#                      first keeps today's files in $D (weftd.pid, weftd.ctl,
#                      weftd.log, weft-api.sock), controller j >= 2 has them
#                      in $D/c$j; each is --name=c$j (if weftd has --name,
#                      which M > 1 needs).  weft's DB lock makes one active.
#   start-weftd [--controller J]   (again) a stopped controller, with the
#                      command recorded in state.json
#   start-db-member I  (again) a stopped member on its own file: it rejoins
#   restart-host I ovsdb|vswitchd  stop that daemon of host hI (its pid,
#                      TERM, then KILL) and start it again
# status --json: "db" is the remote list (a valid --db for weftctl/weftd);
# db_members[] {name, pidfile, remote, ctl, raft (null if standalone), log};
# controllers[] {name, pidfile, ctl, active (weftd/ha-status says "active";
# false if it does not answer), api_socket, log, cmd (its argv)}.

HA_DB_N=1                 # --db-cluster
HA_CTL_M=1                # --controllers
HA_RAFT_BASE=6640         # member i's Raft port: HA_RAFT_BASE + i
DB_REMOTE=                # the remote list every weftctl/weftd of the lab uses

# ha_init: after --prefix/--dir, the DB layout of an existing lab (a lab
# of before issue #16 has no db_members: standalone).
ha_init() {
    DB_REMOTE="unix:$dir/weft.sock"
    if [ -f "$dir/state.json" ]; then
        HA_DB_N=$(jq '.db_members // [] | length | if . == 0 then 1 else . end' "$dir/state.json")
        HA_CTL_M=$(jq '.controllers // [] | length | if . == 0 then 1 else . end' "$dir/state.json")
        DB_REMOTE=$(jq -r '.db // empty' "$dir/state.json")
        [ -n "$DB_REMOTE" ] || DB_REMOTE="unix:$dir/weft.sock"
    fi
}

# ha_set_layout N M: up's --db-cluster and --controllers, checked.
ha_set_layout() {
    [[ $1 =~ ^[135]$ ]] || die "--db-cluster must be 1, 3 or 5 (got '$1')"
    [[ $2 =~ ^[123]$ ]] || die "--controllers must be 1..3 (got '$2')"
    HA_DB_N=$1
    HA_CTL_M=$2
    DB_REMOTE=$(ha_db_remotes)
}

ha_ctl_netns() {          # the DB cluster's namespace, if the lab has one
    [ "$HA_DB_N" -gt 1 ] && echo "$prefix-ctl"
    return 0
}

db_member_dir() {         # db_member_dir I: member I's run directory
    if [ "$HA_DB_N" -eq 1 ]; then echo "$dir"; else echo "$dir/db$1"; fi
}

ctl_dir() {               # ctl_dir J: controller J's run directory
    if [ "$1" -eq 1 ]; then echo "$dir"; else echo "$dir/c$1"; fi
}

ha_raft() { echo "tcp:127.0.0.1:$((HA_RAFT_BASE + $1))"; }

ha_db_remotes() {         # the comma-separated remote list
    local i out=
    for ((i = 1; i <= HA_DB_N; i++)); do
        out+="${out:+,}unix:$(db_member_dir "$i")/weft.sock"
    done
    echo "$out"
}

# ha_start_db_member I: member I's ovsdb-server on its existing database
# file (standalone: in the root namespace, as always; clustered: in $p-ctl).
ha_start_db_member() {
    local i=$1 d pid ns=()
    d=$(db_member_dir "$i")
    [ "$HA_DB_N" -gt 1 ] && ns=(ip netns exec "$prefix-ctl")
    rm -f "$d/weft-db.pid"
    ${ns[@]+"${ns[@]}"} env OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" \
        ovsdb-server "$d/weft.db" --remote="punix:$d/weft.sock" \
        --pidfile="$d/weft-db.pid" --unixctl="$d/weft-db.ctl" \
        --log-file="$d/weft-db.log" --detach 2>>"$d/start.log" \
        || die "weft DB member $i: ovsdb-server failed (see $d/start.log)"
    pid=$(pidfile_wait "$d/weft-db.pid") || die "weft DB member $i did not start"
    if [ "$HA_DB_N" -eq 1 ]; then record_pid "$pid" weft-db; else record_pid "$pid" "db$i"; fi
}

# db_member_joined I: member I's server says it is a member of the cluster
# (not still joining).
db_member_joined() {
    raft_member_joined "$(db_member_dir "$1")/weft-db.ctl"
}

# start_weft_db: weft's database, standalone or a cluster of HA_DB_N.
start_weft_db() {
    local i d k peers=()
    if [ "$HA_DB_N" -eq 1 ]; then
        ovsdb-tool create "$dir/weft.db" "$REPO/ovsdb/weft.ovsschema"
        ha_start_db_member 1
        return
    fi
    record_netns "$prefix-ctl"
    for ((i = 1; i <= HA_DB_N; i++)); do
        d=$(db_member_dir "$i")
        mkdir -p "$d"
        if [ "$i" -eq 1 ]; then
            ovsdb-tool create-cluster "$d/weft.db" "$REPO/ovsdb/weft.ovsschema" "$(ha_raft 1)"
        else
            ovsdb-tool join-cluster "$d/weft.db" Weft "$(ha_raft "$i")" "${peers[@]}"
        fi
        peers+=("$(ha_raft "$i")")
        ha_start_db_member "$i"
    done
    for ((i = 1; i <= HA_DB_N; i++)); do
        for ((k = 0; k < 600; k++)); do
            db_member_joined "$i" && break
            sleep 0.1
        done
        db_member_joined "$i" || die "weft DB member $i did not join the cluster (see $(db_member_dir "$i")/weft-db.log)"
    done
}

weftd_has_name() {        # this weftd takes --name (HA, issue #16)
    "$WEFTD" --help 2>&1 | grep -q -- '--name'
}

weftd_cmd() {             # weftd_cmd [J]: controller J's argv, one per line
    # weftd's default file names in the controller's run directory:
    # weftd.pid, weftd.ctl (where `ctl flows --diff` looks), weft-api.sock.
    # $WEFT_WEFTD_OPTS: what the tests add (tests/testlib.sh), one word each.
    local j=${1:-1} d opts name=()
    d=$(ctl_dir "$j")
    read -ra opts <<<"${WEFT_WEFTD_OPTS:-}"
    weftd_has_name && name=("--name=c$j")
    printf '%s\n' "$WEFTD" "--rundir=$d" "--db=$DB_REMOTE" --pidfile \
        "--log-file=$d/weftd.log" --api=weft-api.sock --detach \
        ${name[@]+"${name[@]}"} ${opts[@]+"${opts[@]}"}
}

# start_weftd [J [ARGV...]]: controller J (default 1), with ARGV or a fresh
# weftd_cmd; prints its pid.
start_weftd() {
    local j=${1:-1} d pid cmd=()
    shift || true
    if [ $# -gt 0 ]; then cmd=("$@"); else mapfile -t cmd < <(weftd_cmd "$j"); fi
    d=$(ctl_dir "$j")
    mkdir -p "$d"
    rm -f "$d/weftd.pid"
    OVS_RUNDIR=$d OVS_DBDIR=$d OVS_LOGDIR=$d "${cmd[@]}" 2>>"$d/start.log" \
        || { tail -n 20 "$d/start.log" >&2; die "weftd (controller $j) failed to start"; }
    pid=$(pidfile_wait "$d/weftd.pid") || die "weftd wrote no pidfile $d/weftd.pid"
    if [ "$j" -eq 1 ]; then record_pid "$pid" weftd; else record_pid "$pid" "c$j/weftd"; fi
    echo "$pid"
}

# controller_role J: weftd/ha-status's role of controller J, "" if it does
# not answer (stopped, or a weftd without HA).
controller_role() {
    local ctl
    ctl="$(ctl_dir "$1")/weftd.ctl"
    [ -S "$ctl" ] || return 0
    ovs-appctl --timeout=2 -t "$ctl" weftd/ha-status 2>/dev/null | jq -r '.role // empty' 2>/dev/null || true
}

# start_controllers: the first controller (before `weftctl init`: the
# lab's first weftd has always started on an empty database).
start_controllers() {
    if [ "$HA_CTL_M" -gt 1 ] && ! weftd_has_name; then
        die "--controllers $HA_CTL_M: this weftd has no --name (no HA); build one with issue #16's HA"
    fi
    start_weftd 1 >/dev/null
}

# start_standbys: after `weftctl init`, the other controllers, once the
# first one is active (if its weftd has HA), so that c1 starts as the
# active one and the others as standbys.
start_standbys() {
    local j k
    [ "$HA_CTL_M" -gt 1 ] || return 0
    for ((k = 0; k < 600; k++)); do
        [ "$(controller_role 1)" = active ] && break
        sleep 0.1
    done
    [ "$(controller_role 1)" = active ] || warn "c1 is not active after 60 s (see $dir/weftd.log)"
    for ((j = 2; j <= HA_CTL_M; j++)); do
        start_weftd "$j" >/dev/null
    done
}

# ha_db_members_json WEFT / ha_controllers_json WEFT: state.json's arrays
# (empty without weft).
ha_db_members_json() {
    local i d raft out='[]'
    [ "$1" = 1 ] || { echo '[]'; return; }
    for ((i = 1; i <= HA_DB_N; i++)); do
        d=$(db_member_dir "$i")
        raft=
        [ "$HA_DB_N" -gt 1 ] && raft=$(ha_raft "$i")
        out=$(jq -c --arg name "db$i" --arg d "$d" --arg raft "$raft" \
            '. + [{name: $name, pidfile: ($d + "/weft-db.pid"),
                   remote: ("unix:" + $d + "/weft.sock"), ctl: ($d + "/weft-db.ctl"),
                   raft: (if $raft == "" then null else $raft end),
                   log: ($d + "/weft-db.log"), db_file: ($d + "/weft.db")}]' <<<"$out")
    done
    echo "$out"
}

ha_controllers_json() {
    local j d out='[]' cmd
    [ "$1" = 1 ] || { echo '[]'; return; }
    for ((j = 1; j <= HA_CTL_M; j++)); do
        d=$(ctl_dir "$j")
        cmd=$(weftd_cmd "$j" | jq -R . | jq -sc .)
        out=$(jq -c --arg name "c$j" --arg d "$d" --argjson cmd "$cmd" \
            '. + [{name: $name, pidfile: ($d + "/weftd.pid"), ctl: ($d + "/weftd.ctl"),
                   active: false, api_socket: ($d + "/weft-api.sock"),
                   log: ($d + "/weftd.log"), cmd: $cmd}]' <<<"$out")
    done
    echo "$out"
}

# ha_state_json: state.json with each controller's "active" asked now.
ha_state_json() {
    local j roles='[]'
    for ((j = 1; j <= HA_CTL_M; j++)); do
        roles=$(jq -c --arg r "$(controller_role "$j")" '. + [$r]' <<<"$roles")
    done
    jq --argjson roles "$roles" \
        'if .controllers then .controllers |= [to_entries[]
            | .value + {active: ($roles[.key] == "active")}] else . end' "$dir/state.json"
}

# ha_status: the human status's lines for the DB members and controllers.
ha_status() {
    local st=$1 name pidf raft role j=0
    while read -r name pidf raft; do
        echo "  weft db $name: $(alive_pidfile "$pidf")${raft:+, raft $raft}"
    done < <(jq -r '.db_members // [] | .[] | "\(.name) \(.pidfile) \(.raft // "")"' "$st")
    while read -r name pidf; do
        j=$((j + 1))
        role=$(controller_role "$j")
        echo "  weftd $name: $(alive_pidfile "$pidf")${role:+, $role}"
    done < <(jq -r '.controllers // [] | .[] | "\(.name) \(.pidfile)"' "$st")
}

# pidfile_running FILE: FILE names a live process of this lab.
pidfile_running() {
    local pid
    pid=$(pidfile_pid "$1") && pid_is_ours "$pid"
}

cmd_start_weftd() {       # start-weftd [--controller J]
    local j=1 cmd=() d
    case ${1:-} in
        --controller) j=${2:?--controller needs J}; shift 2 ;;
        --controller=*) j=${1#*=}; shift ;;
        '') ;;
        *) die "start-weftd: unknown option $1" ;;
    esac
    need_state
    if ! [[ $j =~ ^[1-9]$ ]] || [ "$j" -gt "$HA_CTL_M" ]; then
        die "start-weftd: --controller must be 1..$HA_CTL_M"
    fi
    if [ "$j" -eq 1 ]; then
        mapfile -t cmd < <(jq -r '.weftd_cmd[]' "$dir/state.json")
    else
        mapfile -t cmd < <(jq -r --argjson k $((j - 1)) '.controllers[$k].cmd[]' "$dir/state.json")
    fi
    [ ${#cmd[@]} -gt 0 ] || die "no weftd in this lab"
    d=$(ctl_dir "$j")
    if pidfile_running "$d/weftd.pid"; then
        die "weftd c$j already running (pid $(cat "$d/weftd.pid"))"
    fi
    start_weftd "$j" "${cmd[@]}"
}

cmd_start_db_member() {   # start-db-member I
    local i=${1:-} d
    need_state
    if ! [[ $i =~ ^[1-9]$ ]] || [ "$i" -gt "$HA_DB_N" ]; then
        die "start-db-member: I must be 1..$HA_DB_N"
    fi
    [ "$(jq -r .weft "$dir/state.json")" = true ] || die "this lab has no weft (--no-weft)"
    d=$(db_member_dir "$i")
    [ -f "$d/weft.db" ] || die "no database file $d/weft.db"
    if pidfile_running "$d/weft-db.pid"; then
        die "weft DB member $i already running (pid $(cat "$d/weft-db.pid"))"
    fi
    ha_start_db_member "$i"
    cat "$d/weft-db.pid"
}

cmd_restart_host() {      # restart-host I ovsdb|vswitchd
    local i=${1:-} what=${2:-} h pidf pid k
    need_state
    [[ $i =~ ^h?([1-9])$ ]] || die "restart-host: I must be 1..9 (or h1..h9)"
    i=${BASH_REMATCH[1]}
    h="$dir/h$i"
    [ -d "$h" ] || die "restart-host: no host h$i"
    case $what in
        ovsdb) pidf="$h/ovsdb-server.pid" ;;
        vswitchd) pidf="$h/ovs-vswitchd.pid" ;;
        *) die "restart-host: what must be ovsdb or vswitchd" ;;
    esac
    if pid=$(pidfile_pid "$pidf") && pid_is_ours "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((k = 0; k < 100; k++)); do
            pid_alive "$pid" || break
            sleep 0.1
        done
        if pid_alive "$pid"; then
            warn "pid $pid ignored SIGTERM; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            for ((k = 0; k < 50; k++)); do pid_alive "$pid" || break; sleep 0.1; done
        fi
    fi
    rm -f "$pidf"
    if [ "$what" = ovsdb ]; then start_ovsdb "$i"; else start_vswitchd "$i"; fi
    cat "$pidf"
}
