#!/usr/bin/env bash
# test-host-db-incr: weftd's OVSDB session to a host (ovsdb/host-db.c) is
# incremental, on two simulated hosts (sim-lib.sh).  Place in the pipeline:
# push, the OVSDB half: br-int's ports, the ofports read back, the names a
# foreign row holds ("blocked"), the ofport_request weft chooses.
#
# "weft/host-db-stats" counts, per host, the host_db_run() calls that had
# something to look at ("runs"), those that walked every interface and port
# of the host ("full"; "reloads": because the IDL reloaded the whole
# database), the interfaces looked at ("ifaces") and the times
# every wanted interface's ofport_request was chosen anew ("assign_full").
# With N ports on h1:
#  1. one port add on h1 looks at a handful of interfaces (the new one, as
#     the wanted ports change, as its rows arrive, as it gets its ofport),
#     not N; no full walk and no full ofport choice; the port gets its
#     ofport and ofport_request = ofport;
#  2. one port delete likewise, and the port is gone from br-int;
#  3. a foreign port takes a wanted name (added by hand first): the name is
#     blocked (the Port row says so), without a full walk; the foreign port
#     deleted, weft creates its own;
#  4. weft/resync: one full walk, and nothing changes on br-int;
#  5. h1's ovsdb-server restarted: the IDL reloads every row (deletions not
#     reported), which weftd must see as a reload: one full walk, no port
#     re-created or renumbered, and the next port add is incremental again.
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

sim_start 2

N=${WEFT_HOST_DB_PORTS:-300}
mac() { printf '02:00:00:%02x:%02x:%02x\n' "$1" $(($2 / 256)) $(($2 % 256)); }
ctl tenant-add red
ctl tenant-set red --max-ports=$((N + 100))
ctl net-add red/a --type=vxlan --segment=1001
ctl port-add red/a/b1 --host=h2 --iface=b1 --mac="$(mac 2 1)" --ip=10.2.0.1
for i in $(seq 1 "$N"); do
    ctl port-add "red/a/p$i" --host=h1 --iface="p$i" --mac="$(mac 1 "$i")" \
        --ip="10.1.$((i / 250)).$((i % 250 + 1))"
done
check "weftctl sync: $N ports on h1" ctl --timeout=300 sync
sim_wait_ports 1 "p$N"
sim_wait_ports 2 b1

stat() {    # stat HOST KEY: one counter of weft/host-db-stats
    ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/host-db-stats \
        | awk -v h="$1" -v k="$2" '$1 == h {
            for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) print a[2] } }'
}
declare -A before
snapshot() {
    local k
    for k in runs full reloads ifaces assign_full; do
        before[$k]=$(stat h1 "$k")
    done
}
delta() { echo $(( $(stat h1 "$1") - ${before[$1]} )); }
# Interface NAME on h1 has an ofport and ofport_request equal to it.
requested_right() {
    local of req
    of=$(sim_vsctl 1 get interface "$1" ofport 2>/dev/null) || return 1
    req=$(sim_vsctl 1 get interface "$1" ofport_request 2>/dev/null) || return 1
    [ "$of" -gt 0 ] 2>/dev/null && [ "$of" = "$req" ]
}
# port_error NAME: the error column of weft's Port row NAME.
port_error() {
    ovsdb-client dump -f csv unix:"$SIM_DIR/weft.sock" Weft Port name error \
        | awk -F, -v n="$1" '$2 == n { print $1 }'
}
# Interfaces examined must stay far below N: a handful per change.
MAX_IFACES=20

echo "== 1. one port add at $N ports"
snapshot
ctl port-add red/a/new --host=h1 --iface=new --mac="$(mac 1 4000)" --ip=10.1.99.1
check "weftctl sync after the port add" ctl --timeout=60 sync
sim_wait_ports 1 new
check "the new interface requests the ofport it has" wait_for 30 requested_right new
got=$(delta ifaces)
check "port add: $got interfaces looked at on h1, at most $MAX_IFACES (not $N)" \
    [ "$got" -le $MAX_IFACES ]
check "port add: no full walk (full moved by $(delta full))" [ "$(delta full)" = 0 ]
check "port add: no full ofport choice" [ "$(delta assign_full)" = 0 ]
check "port add: h1's session did run" [ "$(delta runs)" -ge 1 ]

echo "== 2. one port delete"
snapshot
ctl port-del red/a/new
check "weftctl sync after the port delete" ctl --timeout=60 sync
check "the port is gone from h1's br-int" \
    wait_for 30 eval '! sim_vsctl 1 list-ports br-int | grep -qx new'
got=$(delta ifaces)
check "port delete: $got interfaces looked at, at most $MAX_IFACES" \
    [ "$got" -le $MAX_IFACES ]
check "port delete: no full walk" [ "$(delta full)" = 0 ]

echo "== 3. a foreign port holds a wanted name"
snapshot
sim_vsctl 1 add-port br-int taken -- set interface taken type=internal
sim_wait_ports 1 taken
ctl port-add red/a/taken --host=h1 --iface=taken --mac="$(mac 1 4001)" --ip=10.1.99.2
ctl --timeout=60 sync
check "its Port row says the name is not available" \
    wait_for 30 eval '[[ "$(port_error taken)" == *"interface name taken is not available"* ]]'
check "weft did not mark the foreign port" \
    eval '[ -z "$(sim_vsctl 1 get port taken external_ids:weft-port 2>/dev/null)" ]'
sim_vsctl 1 del-port br-int taken
check "the foreign port deleted: weft creates its own" \
    wait_for 30 eval 'sim_vsctl 1 get port taken external_ids:weft-port >/dev/null 2>&1'
sim_wait_ports 1 taken
check "and it requests the ofport it has" wait_for 30 requested_right taken
check "blocked and freed: no full walk" [ "$(delta full)" = 0 ]
got=$(delta ifaces)
check "blocked and freed: $got interfaces looked at, at most $MAX_IFACES" \
    [ "$got" -le $MAX_IFACES ]

echo "== 4. weft/resync walks everything once and changes nothing"
# shellcheck disable=SC2034   # ports0 is used in the eval below
ports0=$(sim_vsctl 1 --bare --columns=_uuid,ofport_request list interface | sort)
snapshot
ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/resync h1 >/dev/null
check "weftctl sync after a resync" ctl --timeout=60 sync
check "resync: one full walk" wait_for 30 eval '[ "$(delta full)" -ge 1 ]'
check "resync: br-int's interfaces and their requests unchanged" \
    eval '[ "$(sim_vsctl 1 --bare --columns=_uuid,ofport_request list interface | sort)" = "$ports0" ]'

echo "== 5. h1's ovsdb-server restarted"
# shellcheck disable=SC2034   # ifaces0 is used in the eval below
ifaces0=$(sim_vsctl 1 --bare --columns=_uuid,name,ofport_request list interface | sort)
snapshot
d=$(sim_hdir 1)
pid=$(pidfile_pid "$d/ovsdb-server.pid")
kill "$pid"
wait_for 30 eval '! kill -0 '"$pid"' 2>/dev/null'
(
    export OVS_RUNDIR=$d OVS_DBDIR=$d OVS_LOGDIR=$d OVS_SYSCONFDIR=$d
    ovsdb-server "$d/conf.db" --remote=punix:"$d/db.sock" \
        --pidfile="$d/ovsdb-server.pid" --unixctl="$d/ovsdb-server.ctl" \
        --log-file="$d/ovsdb-server.log" --detach --no-chdir 2>/dev/null
)
check "weftd saw the reload of h1's database: a full walk" \
    wait_for 60 eval '[ "$(delta reloads)" -ge 1 ] && [ "$(delta full)" -ge 1 ]'
check "weftctl sync after the reload" ctl --timeout=60 sync
check "no interface re-created or renumbered" \
    eval '[ "$(sim_vsctl 1 --bare --columns=_uuid,name,ofport_request list interface | sort)" = "$ifaces0" ]'
snapshot
ctl port-add red/a/after --host=h1 --iface=after --mac="$(mac 1 4002)" --ip=10.1.99.3
check "weftctl sync after a port add" ctl --timeout=60 sync
sim_wait_ports 1 after
check "it requests the ofport it has" wait_for 30 requested_right after
got=$(delta ifaces)
check "port add after the reload: $got interfaces looked at, no full walk" \
    eval '[ "$got" -le $MAX_IFACES ] && [ "$(delta full)" = 0 ]'

sim_finish
