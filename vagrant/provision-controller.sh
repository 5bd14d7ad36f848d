#!/bin/bash
# provision-controller.sh: builds weft and runs its database and weftd.  Run
# as root on the first VM of the Vagrant lab, and by
# tests/lab/test-provision.sh.
#
#   provision-controller.sh LISTEN_IP HOST=TUNNEL_IP[:UPLINK]...
#
#   - builds weft from the repository this script is in (scripts/build.sh,
#     into $WEFT_BUILD_DIR, default /opt/weft-build), unless
#     WEFT_BUILD_DIR already holds the binaries;
#   - starts weft's database (ovsdb-server, also listening on
#     ptcp:6641:LISTEN_IP so the other VMs' weftctl can reach it) and weftd,
#     with their files in $WEFT_RUNDIR (default /var/run/weft);
#   - registers each HOST with a tcp: remote (tcp:TUNNEL_IP:6640, see
#     provision-host.sh), the system datapath unless WEFT_DATAPATH says
#     otherwise, and the VLAN uplink if given; then waits for weftctl sync.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 LISTEN_IP HOST=TUNNEL_IP[:UPLINK]..." >&2; exit 2; }
listen=$1
shift
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${WEFT_BUILD_DIR:-/opt/weft-build}
rundir=${WEFT_RUNDIR:-/var/run/weft}
datapath=${WEFT_DATAPATH:-system}
say() { echo "provision-controller: $*"; }

if [ ! -x "$build/controller/weftd" ] || [ ! -x "$build/controller/weftctl" ]; then
    say "building weft into $build"
    "$repo/scripts/build.sh" "$build" -DWEFT_OVS_CACHE="$build/ovs-cache"
fi
weftctl=("$build/controller/weftctl" --db="unix:$rundir/weft.sock")

mkdir -p "$rundir"
if [ ! -s "$rundir/weft-db.pid" ] || ! kill -0 "$(cat "$rundir/weft-db.pid")" 2>/dev/null; then
    say "starting weft's database in $rundir"
    [ -f "$rundir/weft.db" ] || ovsdb-tool create "$rundir/weft.db" "$repo/ovsdb/weft.ovsschema"
    # A database from an older weft (e.g. schema 1.1.0, before Tenant.quota)
    # is converted in place: its rows are kept, new columns start empty.
    if [ "$(ovsdb-tool needs-conversion "$rundir/weft.db" "$repo/ovsdb/weft.ovsschema")" = yes ]; then
        say "converting weft's database to $(ovsdb-tool schema-version "$repo/ovsdb/weft.ovsschema")"
        ovsdb-tool convert "$rundir/weft.db" "$repo/ovsdb/weft.ovsschema"
    fi
    ovsdb-server "$rundir/weft.db" --remote=punix:"$rundir/weft.sock" \
        --remote="ptcp:6641:$listen" \
        --pidfile="$rundir/weft-db.pid" --unixctl="$rundir/weft-db.ctl" \
        --log-file="$rundir/weft-db.log" --detach
fi
"${weftctl[@]}" init
if [ ! -s "$rundir/weftd.pid" ] || ! kill -0 "$(cat "$rundir/weftd.pid")" 2>/dev/null; then
    say "starting weftd"
    WEFT_RUNDIR=$rundir "$build/controller/weftd" --db="unix:$rundir/weft.sock" \
        --pidfile="$rundir/weftd.pid" --unixctl="$rundir/weftd.ctl" \
        --log-file="$rundir/weftd.log" --detach
fi

for spec in "$@"; do
    name=${spec%%=*}
    rest=${spec#*=}
    tip=${rest%%:*}
    uplink=
    [ "$rest" = "$tip" ] || uplink=${rest#*:}
    if "${weftctl[@]}" host-list | grep -q "^$name "; then
        say "host $name already registered"
        continue
    fi
    say "registering $name (tcp:$tip:6640)"
    "${weftctl[@]}" host-add "$name" --remote="tcp:$tip:6640" --tunnel-ip="$tip" \
        --datapath-type="$datapath" ${uplink:+--uplink="$uplink"}
done
"${weftctl[@]}" --timeout=120 sync
say "ready: ${weftctl[*]} show"
