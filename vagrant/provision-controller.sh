#!/bin/bash
# provision-controller.sh: builds weft and runs its database and weftd.  Run
# as root on the first VM of the Vagrant lab, and by
# tests/lab/test-provision.sh.
#
#   provision-controller.sh LISTEN_IP HOST=TUNNEL_IP[:UPLINK]...
#
#   - takes weft from $WEFT_STAGE_DIR if set (the VMs: the install tree
#     vagrant/stage-weft.sh made on the machine that runs Vagrant, copied to
#     / with rsync), else builds it from the repository this script is in
#     (scripts/build.sh, into $WEFT_BUILD_DIR, default /opt/weft-build)
#     unless WEFT_BUILD_DIR already holds the binaries;
#   - starts weft's database (ovsdb-server on $WEFT_STATEDIR/weft.db, default
#     /var/lib/weft/weft.db, which survives reboots; also listening on
#     ptcp:6641:LISTEN_IP so the other VMs' weftctl can reach it) and weftd,
#     with their sockets in $WEFT_RUNDIR (default /run/weft) and their logs
#     in $WEFT_LOGDIR (default /var/log/weft).  Where systemd runs and the
#     paths are the defaults (the VMs), weft is installed (the staged tree,
#     or "cmake --install", prefix /usr/local) and runs as the units
#     weft-db.service and weftd.service (their options in
#     /etc/default/weft).  Otherwise (tests/lab/test-provision.sh, in
#     namespaces, with the paths redirected) the same daemons start directly,
#     with the same options and the same database preparation
#     (systemd/weft-db-prepare);
#   - registers each HOST with a tcp: remote (tcp:TUNNEL_IP:6640, see
#     provision-host.sh), the system datapath unless WEFT_DATAPATH says
#     otherwise, and the VLAN uplink if given; then waits for weftctl sync.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 LISTEN_IP HOST=TUNNEL_IP[:UPLINK]..." >&2; exit 2; }
listen=$1
shift
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${WEFT_BUILD_DIR:-/opt/weft-build}
stage=${WEFT_STAGE_DIR:-}
rundir=${WEFT_RUNDIR:-/run/weft}
statedir=${WEFT_STATEDIR:-/var/lib/weft}
logdir=${WEFT_LOGDIR:-/var/log/weft}
datapath=${WEFT_DATAPATH:-system}
say() { echo "provision-controller: $*"; }
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [ -n "$stage" ]; then
    [ -x "$stage/usr/local/bin/weftd" ] \
        || { echo "provision-controller: no weftd in $stage (run vagrant/stage-weft.sh on the Vagrant machine)" >&2; exit 1; }
    bindir=$stage/usr/local/bin
else
    if [ ! -x "$build/controller/weftd" ] || [ ! -x "$build/controller/weftctl" ]; then
        say "building weft into $build"
        "$repo/scripts/build.sh" "$build" -DWEFT_OVS_CACHE="$build/ovs-cache"
    fi
    bindir=$build/controller
fi
weftctl=("$bindir/weftctl" --db="unix:$rundir/weft.sock")

# The units hard-code /run/weft, /var/lib/weft and /var/log/weft.
use_systemd=false
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null \
   && { [ "$rundir" = /run/weft ] || [ "$rundir" = /var/run/weft ]; } \
   && [ "$statedir" = /var/lib/weft ] && [ "$logdir" = /var/log/weft ]; then
    use_systemd=true
fi

if $use_systemd; then
    # Daemons an older version of this script started by hand (database in
    # the run directory, a tmpfs) make way for the units; their database
    # moves to /var/lib/weft.
    if ! systemctl -q is-active weft-db.service; then
        for d in weftd weft-db; do
            if alive "$rundir/$d.pid"; then
                say "stopping $d started without systemd"
                kill "$(cat "$rundir/$d.pid")"
                while alive "$rundir/$d.pid"; do sleep 0.2; done
            fi
        done
        if [ -f "$rundir/weft.db" ] && [ ! -e "$statedir/weft.db" ]; then
            mkdir -p "$statedir"
            mv "$rundir/weft.db" "$statedir/weft.db"
        fi
    fi
    [ -L /usr/local/bin/weftctl ] && rm -f /usr/local/bin/weftctl
    # A new build (after "vagrant rsync", or scripts/build.sh) restarts the
    # daemons; an unchanged one leaves them running.
    changed=false
    if [ -n "$stage" ]; then
        say "installing weft from $stage (prefix /usr/local) and its systemd units"
        if [ -n "$(rsync -a --itemize-changes "$stage/usr/local/" /usr/local/)" ]; then
            changed=true
        fi
    else
        say "installing weft (cmake --install, prefix /usr/local) and its systemd units"
        if cmake --install "$build" --prefix /usr/local | grep -q '^-- Installing:'; then
            changed=true
        fi
    fi
    opts="WEFT_DB_OPTS=\"--remote=ptcp:6641:$listen\""
    if [ "$(cat /etc/default/weft 2>/dev/null)" != "$opts" ]; then
        echo "$opts" >/etc/default/weft
        changed=true
    fi
    weftctl[0]=/usr/local/bin/weftctl     # what the units run, now on $PATH
    systemctl daemon-reload
    systemctl enable -q weft-db.service weftd.service
    if $changed; then
        systemctl restart weft-db.service weftd.service
    else
        systemctl start weft-db.service weftd.service
    fi
else
    mkdir -p "$rundir" "$statedir" "$logdir"
    if ! alive "$rundir/weft-db.pid"; then
        say "starting weft's database on $statedir/weft.db"
        "$repo/systemd/weft-db-prepare" "$statedir/weft.db" "$repo/ovsdb/weft.ovsschema"
        ovsdb-server "$statedir/weft.db" --remote=punix:"$rundir/weft.sock" \
            --remote="ptcp:6641:$listen" \
            --pidfile="$rundir/weft-db.pid" --unixctl="$rundir/weft-db.ctl" \
            --log-file="$logdir/weft-db.log" --no-chdir --detach
    fi
    if ! alive "$rundir/weftd.pid"; then
        say "starting weftd"
        WEFT_RUNDIR=$rundir "$bindir/weftd" --db="unix:$rundir/weft.sock" \
            --api="$rundir/weft-api.sock" --unixctl="$rundir/weftd.ctl" \
            --pidfile="$rundir/weftd.pid" --log-file="$logdir/weftd.log" \
            --no-chdir --detach
    fi
fi
"${weftctl[@]}" init

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
