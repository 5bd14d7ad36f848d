#!/bin/bash
# test-weftctl: weftctl against a real ovsdb-server holding weft's database.
#
# Starts a private ovsdb-server on a fresh database in a temporary directory
# (no weftd: Host.cur_cfg is advanced by hand where a test needs it), then
# checks that:
#   - good commands produce the expected list and show output;
#   - every bad command exits non-zero with the expected message on stderr,
#     prints nothing on stdout, and leaves "weftctl show" unchanged;
#   - concurrent writers are serialized (unique keys, one winner per MAC);
#   - quotas: defaults, tenant-set overrides, "quota exceeded" with nothing
#     written, and concurrent creates that cannot both pass a limit;
#   - --wait and sync wait for Host.cur_cfg (--wait: of the hosts whose flows
#     the change touches) and time out with a clear message;
#   - --format=json prints the REST API's objects, --format=table the usual
#     lines;
#   - the ways in and out (#13): a host's external side (with the gateway
#     MAC weftd would write), router SNAT, pools, floating IPs and port
#     mappings, in lists, show and JSON; their bad input is refused;
#   - services (#14): service-* and backend-* round trips, in lists,
#     service-show (counters 0: no switch connected), show and JSON; bad
#     input (ports 0 and 65536, a backend of another tenant or off the
#     router, duplicates, a node port taken) is refused with nothing written;
#   - security groups (#15): sg-* round trips, lists, port-list/port-show
#     with a port's groups and IPv6 addresses, sg-show's counters from a
#     switch holding hand-made ACL rows; bad input is refused with nothing
#     written;
#   - "help COMMAND" and "COMMAND --help" print every command's usage line
#     (the synopsis "weftctl --help" lists) and options; --version prints
#     CMake's project version.
#
# Needs: WEFT_BUILD_DIR (with controller/weftctl), WEFT_SOURCE_DIR, and
# ovsdb-tool, ovsdb-server and ovsdb-client in PATH.
set -euo pipefail

: "${WEFT_BUILD_DIR:?set WEFT_BUILD_DIR to the build directory}"
: "${WEFT_SOURCE_DIR:?set WEFT_SOURCE_DIR to the source directory}"
WEFTCTL=$WEFT_BUILD_DIR/controller/weftctl
[ -x "$WEFTCTL" ] || { echo "test-weftctl: $WEFTCTL not found" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "$0")/../testlib.sh"   # kill_pidfiles, keep_logs (its ok() is redefined below)

dir=$(mktemp -d "/tmp/weft-$(test_prefix t5ctl).XXXXXX")
passed=0
failed=0
cleanup() {
    local rc=$?
    T_FAIL=$failed keep_logs "$rc" test-weftctl "$dir"
    # Stop only the ovsdb-server this script started.
    kill_pidfiles "$dir/ovsdb.pid" "$dir/ovsdb-first.pid" \
        "$dir/run/weft/weftd.pid" "$dir/sw/vswitchd.pid" "$dir/sw/ovsdb.pid"
    rm -rf "$dir"
}
trap cleanup EXIT

ovsdb-tool create "$dir/weft.db" "$WEFT_SOURCE_DIR/ovsdb/weft.ovsschema"
ovsdb-server "$dir/weft.db" --remote="punix:$dir/weft.sock" \
    --pidfile="$dir/ovsdb.pid" --detach --log-file="$dir/ovsdb.log" \
    --unixctl="$dir/ovsdb.ctl"
export WEFT_DB="unix:$dir/weft.sock"
unset WEFT_RUNDIR


pass() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }

ctl() { "$WEFTCTL" --timeout=60 "$@"; }

# Runs weftctl with "$@", storing stdout in $out, stderr in $err and the exit
# status in $rc.
run() {
    rc=0
    out=$(ctl "$@" 2>"$dir/stderr") || rc=$?
    err=$(cat "$dir/stderr")
}

# ok ARGS...: the command succeeds and prints nothing.
ok() {
    run "$@"
    if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
        fail "weftctl $*: status $rc, stdout '$out', stderr '$err'"
    else
        pass
    fi
}

# expect_out EXPECTED ARGS...: the command succeeds and prints EXPECTED.
expect_out() {
    local expected=$1
    shift
    run "$@"
    if [ "$rc" -ne 0 ]; then
        fail "weftctl $*: status $rc, stderr '$err'"
    elif [ "$out" != "$expected" ]; then
        fail "weftctl $*: output differs:
--- expected
$expected
--- got
$out"
    else
        pass
    fi
}

# expect_err STATUS MESSAGE ARGS...: the command exits with STATUS, stderr
# contains "weftctl: MESSAGE", stdout is empty, and "weftctl show" is
# unchanged.
expect_err() {
    local status=$1 message=$2
    shift 2
    local before after
    before=$(ctl show)
    run "$@"
    after=$(ctl show)
    if [ "$rc" -ne "$status" ]; then
        fail "weftctl $*: status $rc, expected $status (stderr '$err')"
    elif [[ "$err" != *"weftctl: $message"* ]]; then
        fail "weftctl $*: stderr '$err' lacks 'weftctl: $message'"
    elif [ -n "$out" ]; then
        fail "weftctl $*: printed '$out' on error"
    elif [ "$before" != "$after" ]; then
        fail "weftctl $*: database changed on error"
    else
        pass
    fi
}

# Sets every Host's cur_cfg, standing in for weftd.
set_cur_cfg() {
    ovsdb-client -t 10 transact "$WEFT_DB" \
        "[\"Weft\", {\"op\": \"update\", \"table\": \"Host\", \"where\": [],
                     \"row\": {\"cur_cfg\": $1}}]" >/dev/null
}

# --- Empty database, usage errors. ---------------------------------------
expect_out "nb_cfg - (not initialized)" show
ok init
ok init
expect_out "nb_cfg 0" show
expect_out "" host-list

# --- weftd's run directory (no hosts yet: weftd writes nothing). ----------
# `weftd --pidfile --detach` creates weft's run directory ($WEFT_RUNDIR, which
# does not exist yet) and puts its pidfile, control socket and API socket
# there, where weftctl and the lab look, never in OVS's run directory.
rundir=$dir/run/weft
rc=0
# shellcheck disable=SC2086 # $WEFT_WEFTD_OPTS: words
WEFT_RUNDIR=$rundir "$WEFT_BUILD_DIR/controller/weftd" --pidfile --detach \
    --log-file="$dir/weftd.log" $WEFT_WEFTD_OPTS 2>"$dir/weftd.err" || rc=$?
if [ "$rc" -ne 0 ]; then
    fail "weftd --pidfile --detach: status $rc: $(cat "$dir/weftd.err")"
elif ! [ -s "$rundir/weftd.pid" ] || ! [ -S "$rundir/weftd.ctl" ] \
        || ! [ -S "$rundir/weft-api.sock" ]; then
    fail "weftd --pidfile --detach: not in $rundir: $(find "$rundir" -mindepth 1 -printf "%f " 2>&1)"
elif [ "$(ovs-appctl -t "$rundir/weftd.ctl" weft/hosts)" != "nb_cfg 0, 0 hosts" ]; then
    fail "weftd in $rundir does not answer weft/hosts"
else
    pass
fi
kill_pidfiles "$rundir/weftd.pid"

expect_err 2 "missing command name"
expect_err 2 "unknown command 'frobnicate'" frobnicate
expect_err 2 "tenant-add: wrong number of arguments" tenant-add
expect_err 2 "tenant-add: wrong number of arguments" tenant-add a b
expect_err 2 "host-add requires --remote" host-add h1
expect_err 2 "net-add requires --segment" net-add red/net1 --type=vlan
expect_err 2 "option --mac is not valid for net-add" \
    net-add red/net1 --type=vlan --segment=10 --mac=02:00:00:00:00:01
expect_err 2 "option --mtu given twice" \
    net-add red/net1 --type=vlan --segment=10 --mtu=1500 --mtu=1400
expect_err 2 "unrecognized option" tenant-add red --colour=blue
expect_err 2 "--timeout: \"-1\" is not a number" --timeout=-1 show
expect_err 2 "--timeout: \"5s\" is not a number" --timeout=5s show
# The operator commands check --timeout with the same function: digits only.
expect_err 2 "--timeout: \"+5\" is not a number of seconds" flows --timeout=+5
run --help
if [ "$rc" -eq 0 ] && [[ "$out" == *"port-add TENANT/NET/PORT"* ]]; then
    pass
else
    fail "weftctl --help: status $rc"
fi

# --- Per-command help and --version. ---------------------------------------
version=$(sed -n 's/^project(weft VERSION \([0-9.]*\).*/\1/p' \
          "$WEFT_SOURCE_DIR/CMakeLists.txt")
run --version
if [ "$rc" -eq 0 ] && [ -n "$version" ] && [ "$out" = "weftctl (weft) $version" ]; then
    pass
else
    fail "weftctl --version: status $rc, '$out', expected 'weftctl (weft) $version'"
fi
# Every synopsis that --help lists is the usage line of "help COMMAND" and
# of "COMMAND --help", and both exit 0.
n_synopses=0
while read -r synopsis; do
    n_synopses=$((n_synopses + 1))
    cmd=${synopsis%% *}
    run help "$cmd"
    help_out=$out
    help_rc=$rc
    run "$cmd" --help
    if [ "$help_rc" -ne 0 ] || [ "$rc" -ne 0 ] \
       || [ "$(head -n1 <<<"$help_out")" != "usage: weftctl [OPTIONS] $synopsis" ] \
       || [ "$out" != "$help_out" ] || [ "$(wc -l <<<"$help_out")" -lt 3 ]; then
        fail "weftctl help $cmd / $cmd --help: status $help_rc/$rc, '$(head -n1 <<<"$help_out")'"
    else
        pass
    fi
done < <(ctl --help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z].*\)/\1/p')
if [ "$n_synopses" -ge 19 ]; then pass; else fail "--help lists $n_synopses commands"; fi
run port-add red/net/a --host=h1 -h
if [ "$rc" -eq 0 ] && [[ "$out" == *"--mac=MAC"*"its MAC"* ]]; then
    pass
else
    fail "weftctl port-add ... -h: status $rc"
fi
run --api=/nonexistent.sock tenant-token --help
if [ "$rc" -eq 0 ] && [[ "$out" == "usage: weftctl [OPTIONS] tenant-token NAME"* ]]; then
    pass
else
    fail "weftctl --api=... tenant-token --help: status $rc"
fi
# --api's HTTP client (libcurl) reports a missing socket and a refused
# connection as the socket's path and errno's text, exit status 1; a command
# that exists only in database mode is unknown there (exit status 2).
expect_err 1 "$dir/none.sock: No such file or directory" --api="$dir/none.sock" tenant-list
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$dir/refused.sock"
expect_err 1 "$dir/refused.sock: Connection refused" --api="$dir/refused.sock" tenant-list
expect_err 2 "unknown command 'init' with --api" --api="$dir/none.sock" init
expect_err 2 "--timeout: \"4000\" is not a number of seconds (0-3600)" \
    --api="$dir/none.sock" --timeout=4000 tenant-list
run help
if [ "$rc" -eq 0 ] && [[ "$out" == *"Commands:"* ]]; then
    pass
else
    fail "weftctl help: status $rc"
fi
expect_err 2 "help: unknown command 'frobnicate'" help frobnicate

# --- Hosts. ---------------------------------------------------------------
# Without --datapath-type a host gets the kernel's datapath, "system" (h1).
ok host-add h1 --remote=unix:/run/h1/db.sock --tunnel-ip=192.0.2.1
ok host-add h2 --remote=tcp:192.0.2.2:6640 --tunnel-ip=192.0.2.2/24 \
    --datapath-type=system --uplink=eth1 --openflow-remote=tcp:192.0.2.2:6653
# Options may come before the command.
ok --remote=unix:/run/h3/db.sock --datapath-type=netdev host-add h3
expect_out "h1  remote unix:/run/h1/db.sock  datapath system  tunnel-ip 192.0.2.1  uplink -  openflow -
h2  remote tcp:192.0.2.2:6640  datapath system  tunnel-ip 192.0.2.2  uplink eth1  openflow tcp:192.0.2.2:6653
h3  remote unix:/run/h3/db.sock  datapath netdev  tunnel-ip -  uplink -  openflow -" \
    host-list
ok host-del h3

expect_err 1 "host h1 already exists" host-add h1 --remote=unix:/x
expect_err 1 "invalid host name \"h 4\"" host-add "h 4" --remote=unix:/x
expect_err 1 "invalid OVSDB remote \"ssl:1.2.3.4\": expected ssl:IP:PORT" \
    host-add h4 --remote=ssl:1.2.3.4
expect_err 1 "invalid OVSDB remote \"tcp:1.2.3.4:99999\"" \
    host-add h4 --remote=tcp:1.2.3.4:99999
expect_err 1 "invalid IP \"192.0.2\"" \
    host-add h4 --remote=unix:/x --tunnel-ip=192.0.2
expect_err 1 "datapath type \"dummy\" unknown (expected netdev or system)" \
    host-add h4 --remote=unix:/x --datapath-type=dummy
expect_err 1 "interface name \"averyveryverylongname\" is too long" \
    host-add h4 --remote=unix:/x --uplink=averyveryverylongname
expect_err 1 "invalid OpenFlow remote \"foo\"" \
    host-add h4 --remote=unix:/x --openflow-remote=foo
expect_err 1 "host h9 does not exist" host-del h9

# --- Tenants. -------------------------------------------------------------
ok tenant-add red
ok tenant-add blue
ok tenant-add green
ok tenant-del blue
ok tenant-add yellow            # Reuses the smallest free key, 2.
expect_out "green   key 3
red     key 1
yellow  key 2" tenant-list
ok tenant-del yellow
expect_err 1 "tenant red already exists" tenant-add red
expect_err 1 "invalid tenant name \"-red\": must not start with '-'" \
    tenant-add -- -red
expect_err 1 "tenant name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is too long" \
    tenant-add aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
expect_err 1 "tenant blue does not exist" tenant-del blue

# --- Networks. ------------------------------------------------------------
ok net-add red/net1 --type=vxlan --segment=1001
ok net-add red/net2 --type=vlan --segment=4094 --mtu=1400
ok net-add green/net1 --type=vlan --segment=1 --mtu=68
ok net-add green/net2 --type=geneve --segment=16777215 --mtu=65535
ok net-add green/net3 --type=gre --segment=1001      # Same id, other type.
expect_out "green/net1  vlan 1  mtu 68  key 3
green/net2  geneve 16777215  mtu 65535  key 4
green/net3  gre 1001  mtu 1454 (default)  key 5
red/net1    vxlan 1001  mtu 1450 (default)  key 1
red/net2    vlan 4094  mtu 1400  key 2" net-list
expect_out "red/net1  vxlan 1001  mtu 1450 (default)  key 1
red/net2  vlan 4094  mtu 1400  key 2" net-list red
ok net-del green/net3

expect_err 1 "invalid VLAN ID 4095 (must be 1-4094)" \
    net-add red/x --type=vlan --segment=4095
expect_err 1 "invalid VLAN ID 0 (must be 1-4094)" \
    net-add red/x --type=vlan --segment=0
expect_err 1 "invalid VNI 16777216 for vxlan (must be 1-16777215)" \
    net-add red/x --type=vxlan --segment=16777216
expect_err 1 "invalid VNI 0 for geneve" net-add red/x --type=geneve --segment=0
expect_err 1 "invalid GRE key 16777216" net-add red/x --type=gre --segment=16777216
expect_err 1 "invalid VLAN ID \"12abc\"" net-add red/x --type=vlan --segment=12abc
expect_err 1 "invalid VLAN ID \"-1\"" net-add red/x --type=vlan --segment=-1
expect_err 1 "invalid VLAN ID \"\"" net-add red/x --type=vlan --segment=
expect_err 1 "invalid VNI 99999999999999999999999 for vxlan" \
    net-add red/x --type=vxlan --segment=99999999999999999999999
expect_err 1 "network type \"foo\" unknown (expected vlan, vxlan, gre or geneve)" \
    net-add red/x --type=foo --segment=1
expect_err 1 "invalid MTU 67 (must be 68-65535)" \
    net-add red/x --type=vlan --segment=5 --mtu=67
expect_err 1 "invalid MTU 65536 (must be 68-65535)" \
    net-add red/x --type=vlan --segment=5 --mtu=65536
expect_err 1 "invalid MTU \"1500x\"" net-add red/x --type=vlan --segment=5 --mtu=1500x
expect_err 1 "network red/net1 already exists" \
    net-add red/net1 --type=vxlan --segment=2000
expect_err 1 "vxlan segment 1001 is already used by network red/net1" \
    net-add green/x --type=vxlan --segment=1001
expect_err 1 "tenant blue does not exist" net-add blue/x --type=vlan --segment=5
expect_err 1 "invalid path \"red\": expected TENANT/NETWORK" \
    net-add red --type=vlan --segment=5
expect_err 1 "invalid path \"red/x/y\": expected TENANT/NETWORK" \
    net-add red/x/y --type=vlan --segment=5
expect_err 1 "network red/nope does not exist" net-del red/nope
expect_err 1 "tenant blue does not exist" net-list blue

# --- Ports. ---------------------------------------------------------------
ok port-add red/net1/a --host=h1 --iface=veth1 --mac=02:00:00:00:00:01 \
    --ip=10.0.0.1 --ip=10.0.0.2
ok port-add red/net1/b --host=h2 --iface=veth1 --mac=02:00:00:00:00:0B \
    --ip=10.0.0.3/24
ok port-add red/net1/c --host=h2 --iface=veth2 --mac=02:00:00:00:00:0c
# Same MAC and IP in another network, same interface name on another host.
ok port-add red/net2/a --host=h2 --iface=veth3 --mac=02:00:00:00:00:01 \
    --ip=10.0.0.1
ok port-add green/net1/a --host=h1 --iface=veth2 --mac=02:00:00:00:00:01 \
    --ip=10.0.0.1
expect_out "green/net1/a  host h1  iface veth2  mac 02:00:00:00:00:01  ips 10.0.0.1  key 5
red/net1/a    host h1  iface veth1  mac 02:00:00:00:00:01  ips 10.0.0.1,10.0.0.2  key 1
red/net1/b    host h2  iface veth1  mac 02:00:00:00:00:0b  ips 10.0.0.3  key 2
red/net1/c    host h2  iface veth2  mac 02:00:00:00:00:0c  ips -  key 3
red/net2/a    host h2  iface veth3  mac 02:00:00:00:00:01  ips 10.0.0.1  key 4" \
    port-list
expect_out "red/net1/a  host h1  iface veth1  mac 02:00:00:00:00:01  ips 10.0.0.1,10.0.0.2  key 1
red/net1/b  host h2  iface veth1  mac 02:00:00:00:00:0b  ips 10.0.0.3  key 2
red/net1/c  host h2  iface veth2  mac 02:00:00:00:00:0c  ips -  key 3" \
    port-list red/net1
expect_out "red/net1/a  host h1  iface veth1  mac 02:00:00:00:00:01  ips 10.0.0.1,10.0.0.2  key 1
red/net1/b  host h2  iface veth1  mac 02:00:00:00:00:0b  ips 10.0.0.3  key 2
red/net1/c  host h2  iface veth2  mac 02:00:00:00:00:0c  ips -  key 3
red/net2/a  host h2  iface veth3  mac 02:00:00:00:00:01  ips 10.0.0.1  key 4" \
    port-list red

P="--host=h1 --iface=veth9"
expect_err 1 "duplicate MAC 02:00:00:00:00:01 in network red/net1 (port red/net1/a)" \
    port-add red/net1/x $P --mac=02:00:00:00:00:01
expect_err 1 "duplicate IP 10.0.0.1 in network red/net1 (port red/net1/a)" \
    port-add red/net1/x $P --mac=02:00:00:00:00:99 --ip=10.0.0.1
expect_err 1 "IP 10.0.0.9 is given twice" \
    port-add red/net1/x $P --mac=02:00:00:00:00:99 --ip=10.0.0.9 --ip=10.0.0.9
expect_err 1 "interface veth1 is already used on host h1 by port red/net1/a" \
    port-add red/net2/x --host=h1 --iface=veth1 --mac=02:00:00:00:00:99
expect_err 1 "port red/net1/a already exists" \
    port-add red/net1/a $P --mac=02:00:00:00:00:99
expect_err 1 "invalid MAC \"zz:00:00:00:00:01\": expected xx:xx:xx:xx:xx:xx" \
    port-add red/net1/x $P --mac=zz:00:00:00:00:01
expect_err 1 "invalid MAC \"02:00:00:00:00:01:ff\"" \
    port-add red/net1/x $P --mac=02:00:00:00:00:01:ff
expect_err 1 "MAC 01:00:5e:00:00:01 is multicast" \
    port-add red/net1/x $P --mac=01:00:5e:00:00:01
expect_err 1 "MAC ff:ff:ff:ff:ff:ff is the broadcast address" \
    port-add red/net1/x $P --mac=ff:ff:ff:ff:ff:ff
expect_err 1 "MAC 00:00:00:00:00:00 is all zeros" \
    port-add red/net1/x $P --mac=00:00:00:00:00:00
expect_err 1 "invalid IP \"10.0.0.256\"" \
    port-add red/net1/x $P --mac=02:00:00:00:00:99 --ip=10.0.0.256
expect_err 1 "IP 224.0.0.5 is multicast" \
    port-add red/net1/x $P --mac=02:00:00:00:00:99 --ip=224.0.0.5
expect_err 1 "IP 0.0.0.0 is the unspecified address" \
    port-add red/net1/x $P --mac=02:00:00:00:00:99 --ip=0.0.0.0
expect_err 1 "invalid interface name \"a/b\"" \
    port-add red/net1/x --host=h1 --iface=a/b --mac=02:00:00:00:00:99
expect_err 1 "host h9 does not exist" \
    port-add red/net1/x --host=h9 --iface=veth9 --mac=02:00:00:00:00:99
expect_err 1 "network red/nope does not exist" \
    port-add red/nope/x $P --mac=02:00:00:00:00:99
expect_err 1 "tenant blue does not exist" \
    port-add blue/net1/x $P --mac=02:00:00:00:00:99
expect_err 1 "invalid port name \"x y\"" \
    port-add "red/net1/x y" $P --mac=02:00:00:00:00:99
expect_err 1 "port red/net1/nope does not exist" port-del red/net1/nope
expect_err 1 "network red/nope does not exist" port-list red/nope

# --- Deleting objects still in use. ---------------------------------------
expect_err 1 "network red/net1 still has 3 ports" net-del red/net1
expect_err 1 "network green/net1 still has 1 port" net-del green/net1
expect_err 1 "tenant red still has 2 networks" tenant-del red
expect_err 1 "tenant green still has 2 networks" tenant-del green
expect_err 1 "host h2 still has 3 ports" host-del h2
expect_err 1 "host h1 still has 2 ports" host-del h1

# --- show. ----------------------------------------------------------------
expect_out "nb_cfg 21
host h1
    remote unix:/run/h1/db.sock  datapath system  tunnel-ip 192.0.2.1  uplink -  openflow -
    ovsdb_connected false  openflow_connected false  cur_cfg 0
host h2
    remote tcp:192.0.2.2:6640  datapath system  tunnel-ip 192.0.2.2  uplink eth1  openflow tcp:192.0.2.2:6653
    ovsdb_connected false  openflow_connected false  cur_cfg 0
tenant green  key 3
    network net1  vlan 1  mtu 68  key 3
        port a  host h1  iface veth2  mac 02:00:00:00:00:01  ips 10.0.0.1  key 5
            ofport -  up -
    network net2  geneve 16777215  mtu 65535  key 4
tenant red  key 1
    network net1  vxlan 1001  mtu 1450 (default)  key 1
        port a  host h1  iface veth1  mac 02:00:00:00:00:01  ips 10.0.0.1,10.0.0.2  key 1
            ofport -  up -
        port b  host h2  iface veth1  mac 02:00:00:00:00:0b  ips 10.0.0.3  key 2
            ofport -  up -
        port c  host h2  iface veth2  mac 02:00:00:00:00:0c  ips -  key 3
            ofport -  up -
    network net2  vlan 4094  mtu 1400  key 2
        port a  host h2  iface veth3  mac 02:00:00:00:00:01  ips 10.0.0.1  key 4
            ofport -  up -" show

# --- --format=json: the REST API's objects (rest-server.c). ---------------
# json_is EXPECTED ARGS...: the command succeeds and prints JSON that jq -cS
# turns into EXPECTED.
json_is() {
    local expected=$1 got
    shift
    run "$@"
    got=$(jq -cS . <<<"$out" 2>/dev/null) || got="(not JSON) $out"
    if [ "$rc" -ne 0 ] || [ "$got" != "$expected" ]; then
        fail "weftctl $*: status $rc
--- expected
$expected
--- got
$got"
    else
        pass
    fi
}
json_is '[{"key":3,"name":"green"},{"key":1,"name":"red"}]' \
    --format=json tenant-list
json_is '[{"cur_cfg":0,"datapath_type":"system","external":null,"name":"h1","openflow_connected":false,"openflow_remote":null,"openflow_state":null,"ovsdb_connected":false,"ovsdb_remote":"unix:/run/h1/db.sock","tunnel_ip":"192.0.2.1","uplink":null},{"cur_cfg":0,"datapath_type":"system","external":null,"name":"h2","openflow_connected":false,"openflow_remote":"tcp:192.0.2.2:6653","openflow_state":null,"ovsdb_connected":false,"ovsdb_remote":"tcp:192.0.2.2:6640","tunnel_ip":"192.0.2.2","uplink":"eth1"}]' \
    host-list --format=json
json_is '[{"cidr":null,"gateway":null,"key":1,"mtu":1450,"mtu_default":true,"name":"net1","router":null,"segment_id":1001,"tenant":"red","type":"vxlan"},{"cidr":null,"gateway":null,"key":2,"mtu":1400,"mtu_default":false,"name":"net2","router":null,"segment_id":4094,"tenant":"red","type":"vlan"}]' \
    --format=json net-list red
json_is '[{"error":null,"host":"h1","iface":"veth1","ips":["10.0.0.1","10.0.0.2"],"key":1,"mac":"02:00:00:00:00:01","name":"a","network":"net1","ofport":null,"security_groups":[],"tenant":"red","up":null},{"error":null,"host":"h2","iface":"veth1","ips":["10.0.0.3"],"key":2,"mac":"02:00:00:00:00:0b","name":"b","network":"net1","ofport":null,"security_groups":[],"tenant":"red","up":null},{"error":null,"host":"h2","iface":"veth2","ips":[],"key":3,"mac":"02:00:00:00:00:0c","name":"c","network":"net1","ofport":null,"security_groups":[],"tenant":"red","up":null}]' \
    --format=json port-list red/net1
# --json is --format=json, as with --api.
json_is "$(ctl --format=json port-list | jq -cS .)" --json port-list
run --format=json show
if [ "$rc" -eq 0 ] && jq -e '.status.nb_cfg == 21
        and (.status.hosts | map(.name)) == ["h1", "h2"]
        and (.networks | map(.tenant + "/" + .name)) == ["green/net1", "green/net2", "red/net1", "red/net2"]
        and (.ports | map(.tenant + "/" + .network + "/" + .name)) == ["green/net1/a", "red/net1/a", "red/net1/b", "red/net1/c", "red/net2/a"]
        and .routers == [] and .floating_ips == [] and .port_mappings == []
        and .services == []
        and (keys == ["floating_ips", "networks", "port_mappings", "ports", "routers", "services", "status"])' <<<"$out" >/dev/null; then
    pass
else
    fail "weftctl --format=json show: status $rc, '$out'"
fi
expect_out "$(ctl port-list)" --format=table port-list
expect_out "$(ctl show)" show --format=table
expect_err 2 "--format: \"xml\" is not a format (expected json or table)" \
    --format=xml show

# --- Deletes in order. ----------------------------------------------------
ok port-del red/net1/c
ok port-del green/net1/a
ok net-del green/net1
ok net-del green/net2
ok tenant-del green
ok host-add h3 --remote=unix:/run/h3/db.sock
ok host-del h3
expect_out "red  key 1" tenant-list

# --- --wait and sync (no weftd: cur_cfg is set by hand). ------------------
# sync writes (it bumps nb_cfg), so it cannot use expect_err.
run --timeout=5 sync
if [ "$rc" -eq 1 ] && [ -z "$out" ] \
   && [[ "$err" == "weftctl: timeout waiting for hosts h1, h2 to install nb_cfg "* ]]; then
    pass
else
    fail "sync without weftd: status $rc, stderr '$err'"
fi
set_cur_cfg 1000
ok sync
ok --wait tenant-add blue
ok tenant-del blue --wait
set_cur_cfg 0
# --wait waits for the hosts whose flows the change touches, and only those:
# none for a new tenant, h2 for a port in red/net2 (on h2 alone), h1 and h2
# for a port on h1 in red/net1 (which has a port on h2).
ok --timeout=30 --wait tenant-add blue   # (no weftd: a wait would time out)
ok tenant-del blue
wait_timeout() {    # wait_timeout HOSTS ARGS...
    local hosts=$1
    shift
    run --timeout=5 --wait "$@"
    if [ "$rc" -eq 1 ] && [ -z "$out" ] \
       && [[ "$err" == "weftctl: timeout waiting for $hosts to install nb_cfg "* ]]; then
        pass
    else
        fail "--wait $* without weftd: status $rc, stderr '$err'"
    fi
}
wait_timeout "host h2" port-add red/net2/w --host=h2 --iface=vw1 \
    --mac=02:00:00:00:00:77
wait_timeout "hosts h1, h2" port-add red/net1/w --host=h1 --iface=vw2 \
    --mac=02:00:00:00:00:78
ok port-del red/net2/w          # The writes themselves went through.
ok port-del red/net1/w

# --- Connection errors. ---------------------------------------------------
run --db="unix:$dir/nonexistent.sock" --timeout=1 show
if [ "$rc" -eq 1 ] && [[ "$err" == "weftctl: timeout after 1 s connecting to unix:$dir/nonexistent.sock"* ]] \
   && [ -z "$out" ]; then
    pass
else
    fail "unreachable database: status $rc, stderr '$err'"
fi

# --- Concurrent writers are serialized through nb_cfg. ---------------------
pids=()
for i in 1 2 3 4 5 6; do
    ctl tenant-add "c$i" 2>"$dir/c$i.err" & pids+=($!)
done
for pid in "${pids[@]}"; do
    wait "$pid" || fail "concurrent tenant-add failed: $(cat "$dir"/c*.err)"
done
keys=$(ctl tenant-list | awk '{print $3}' | sort -n | tr '\n' ' ')
if [ "$keys" = "1 2 3 4 5 6 7 " ]; then
    pass
else
    fail "concurrent tenant-add: keys '$keys', expected 1 to 7"
fi

pids=()
for i in 1 2 3 4 5 6; do
    ctl port-add "red/net1/m$i" --host=h1 --iface="vm$i" \
        --mac=02:00:00:00:ab:cd 2>"$dir/m$i.err" & pids+=($!)
done
n_ok=0
for pid in "${pids[@]}"; do
    if wait "$pid"; then n_ok=$((n_ok + 1)); fi
done
n_dup=$(cat "$dir"/m*.err | grep -c "duplicate MAC 02:00:00:00:ab:cd" || true)
if [ "$n_ok" -eq 1 ] && [ "$n_dup" -eq 5 ]; then
    pass
else
    fail "concurrent port-add with one MAC: $n_ok succeeded, $n_dup duplicates"
fi

# --- First writers race: on a database without Weft_Global, each inserts
# it; one wins and the others' TXN_ERROR is retried with the winner's row
# (ovsdb/weft-txn.c), so every write lands, each with its own nb_cfg. -------
ovsdb-tool create "$dir/first.db" "$WEFT_SOURCE_DIR/ovsdb/weft.ovsschema"
ovsdb-server "$dir/first.db" --remote="punix:$dir/first.sock" \
    --pidfile="$dir/ovsdb-first.pid" --detach \
    --log-file="$dir/ovsdb-first.log" --unixctl="$dir/ovsdb-first.ctl"
pids=()
for i in 1 2 3 4 5 6; do
    WEFT_DB="unix:$dir/first.sock" ctl tenant-add "f$i" 2>"$dir/f$i.err" &
    pids+=($!)
done
n_ok=0
for pid in "${pids[@]}"; do
    if wait "$pid"; then n_ok=$((n_ok + 1)); fi
done
nb_cfg=$(ovsdb-client dump --format=csv --no-headings "unix:$dir/first.sock" \
             Weft Weft_Global nb_cfg | tail -1)
if [ "$n_ok" -eq 6 ] && [ "$nb_cfg" = 6 ]; then
    pass
else
    fail "first writers race: $n_ok of 6 succeeded, nb_cfg '$nb_cfg':" \
         "$(cat "$dir"/f*.err)"
fi

# --- Quotas: defaults, overrides, enforced inside the write. --------------
expect_out "ports         limit 1000 (default)  used 4
networks      limit 100 (default)  used 2
ips_per_port  limit 16 (default)  used 2" tenant-quota red
ok tenant-set red --max-networks=2 --max-ports=5 --max-ips-per-port=2
expect_out "ports         limit 5  used 4
networks      limit 2  used 2
ips_per_port  limit 2  used 2" tenant-quota red
expect_err 1 "quota exceeded: tenant red may have at most 2 networks" \
    net-add red/net3 --type=vxlan --segment=3003
expect_err 1 "quota exceeded: tenant red may have at most 2 IPs per port" \
    port-add red/net2/q1 --host=h1 --iface=vq1 --mac=02:00:00:00:99:01 \
    --ip=10.9.0.1 --ip=10.9.0.2 --ip=10.9.0.3
ok port-add red/net2/q1 --host=h1 --iface=vq1 --mac=02:00:00:00:99:01 \
    --ip=10.9.0.1 --ip=10.9.0.2
expect_err 1 "quota exceeded: tenant red may have at most 5 ports" \
    port-add red/net2/q2 --host=h1 --iface=vq2 --mac=02:00:00:00:99:02
ok net-add c1/n1 --type=vxlan --segment=3101     # c1's limits are its own.
# An override raises a limit; "default" removes the override.
ok tenant-set red --max-ports=6 --max-networks=default
ok net-add red/net3 --type=vxlan --segment=3003
ok port-add red/net2/q2 --host=h1 --iface=vq2 --mac=02:00:00:00:99:02
expect_out "ports         limit 6  used 6
networks      limit 100 (default)  used 3
ips_per_port  limit 2  used 2" tenant-quota red
# Lowering a limit below the usage deletes nothing; it refuses new objects.
ok tenant-set red --max-ports=0
expect_err 1 "quota exceeded: tenant red may have at most 0 ports" \
    port-add red/net2/q3 --host=h1 --iface=vq3 --mac=02:00:00:00:99:03
expect_out "ports         limit 0  used 6
networks      limit 100 (default)  used 3
ips_per_port  limit 2  used 2" tenant-quota red
expect_err 1 "invalid ports quota \"-1\": expected a number 0-16777215" \
    tenant-set red --max-ports=-1
expect_err 1 "invalid networks quota \"65536\": expected a number 0-32766" \
    tenant-set red --max-networks=65536
expect_err 1 "invalid ips_per_port quota \"many\": expected a number 0-4096" \
    tenant-set red --max-ips-per-port=many
expect_err 1 "no quota to set (expected ports, networks or ips_per_port)" \
    tenant-set red
expect_err 1 "tenant nope does not exist" tenant-set nope --max-ports=1
expect_err 1 "tenant nope does not exist" tenant-quota nope
expect_err 2 "option --max-ports is not valid for tenant-add" \
    tenant-add purple --max-ports=1
ok tenant-set red --max-ports=default --max-ips-per-port=default
expect_out "ports         limit 1000 (default)  used 6
networks      limit 100 (default)  used 3
ips_per_port  limit 16 (default)  used 2" tenant-quota red

# Concurrent creates cannot both pass a limit: each verifies nb_cfg, so the
# losers re-check against the winners' networks.  8 writers, room for 3.
ok tenant-set c2 --max-networks=3
pids=()
for i in 1 2 3 4 5 6 7 8; do
    ctl net-add "c2/n$i" --type=vxlan --segment=$((3200 + i)) \
        2>"$dir/q$i.err" & pids+=($!)
done
n_ok=0
for pid in "${pids[@]}"; do
    if wait "$pid"; then n_ok=$((n_ok + 1)); fi
done
n_quota=$(cat "$dir"/q*.err \
          | grep -c "quota exceeded: tenant c2 may have at most 3 networks" || true)
n_nets=$(ctl net-list c2 | wc -l)
if [ "$n_ok" -eq 3 ] && [ "$n_quota" -eq 5 ] && [ "$n_nets" -eq 3 ]; then
    pass
else
    fail "concurrent net-add with room for 3: $n_ok succeeded, $n_quota quota" \
         "errors, $n_nets networks"
fi

# --- "." and ".." are not names. --------------------------------------------
expect_err 1 "invalid tenant name \"..\": \".\" and \"..\" are not names" \
    tenant-add ..
expect_err 1 "invalid network name \".\"" net-add red/. --type=vlan --segment=7
expect_err 1 "invalid port name \"..\"" \
    port-add red/net1/.. --host=h1 --iface=vdot --mac=02:00:00:00:99:09
expect_err 1 "invalid host name \".\"" host-add . --remote=unix:/x

# --- Routing: subnets, allocation, routers (#12). ---------------------------
# The command line, checked before weftctl connects.
expect_err 2 "router-attach: wrong number of arguments" router-attach red/r1
expect_err 2 "route-add requires --via" route-add red/r1 10.9.0.0/16
expect_err 2 "option --via is not valid for net-add" \
    net-add red/x --type=vlan --segment=9 --via=10.0.0.1
expect_err 2 "option --cidr is not valid for port-add" \
    port-add red/net1/x --host=h1 --iface=vx9 --mac=02:00:00:00:99:01 --cidr=10.0.0.0/24
expect_err 1 "\"red\": expected TENANT/ROUTER" router-add red
expect_err 1 "\"red/r1/x\": expected TENANT/ROUTER" router-show red/r1/x
expect_err 1 "tenant nobody does not exist" router-list nobody
expect_err 1 "router red/nope does not exist" router-show red/nope
expect_out "" router-list
# Writes (validated by topology/validate*.c).
ok net-add red/sub --type=vxlan --segment=4001 --cidr=10.7.0.0/24
expect_out "10.7.0.2" port-add red/sub/p1 --host=h1 --iface=vsub1 \
    --mac=02:00:00:00:07:01
ok port-add red/sub/p2 --host=h1 --iface=vsub2 --mac=02:00:00:00:07:02 \
    --ip=10.7.0.9
expect_out "10.7.0.3" port-add red/sub/p3 --host=h1 --iface=vsub3 \
    --mac=02:00:00:00:07:03
ok router-add red/r1
ok router-attach red/r1 sub --mac=02:00:00:00:07:fe
ok route-add red/r1 10.9.0.0/16 --via=10.7.0.9
expect_out "red/r1  key 1  networks sub  routes 1" router-list red
expect_out "router red/r1  key 1
    network sub  ip 10.7.0.1  mac 02:00:00:00:07:fe
    route 10.9.0.0/16 via 10.7.0.9" router-show red/r1
run net-list red
if grep -Eq '^red/sub +vxlan 4001  mtu 1450 \(default\)  key [0-9]+  cidr 10\.7\.0\.0/24  gateway 10\.7\.0\.1  router r1$' <<<"$out"; then
    pass
else
    fail "net-list red: no line for red/sub with its cidr, gateway and router: '$out'"
fi
run --format=json net-list red
if jq -e '.[] | select(.name == "sub") | .cidr == "10.7.0.0/24" and .gateway == "10.7.0.1" and .router == "r1"' <<<"$out" >/dev/null \
   && jq -e '.[] | select(.name == "net1") | .cidr == null and .gateway == null and .router == null' <<<"$out" >/dev/null; then
    pass
else
    fail "net-list --format=json: cidr, gateway, router: '$out'"
fi
run --format=json router-show red/r1
if jq -e '. == {"tenant": "red", "name": "r1", "key": 1, "snat": false,
               "networks": [{"network": "sub", "ip": "10.7.0.1", "mac": "02:00:00:00:07:fe"}],
               "routes": [{"prefix": "10.9.0.0/16", "nexthop": "10.7.0.9"}]}' <<<"$out" >/dev/null; then
    pass
else
    fail "router-show --format=json: '$out'"
fi
run --format=json show
if jq -e '.routers | map(.name) == ["r1"]' <<<"$out" >/dev/null; then
    pass
else
    fail "show --format=json: no routers: '$out'"
fi
expect_err 1 "router red/r1 still has" router-del red/r1
ok route-del red/r1 10.9.0.0/16
ok router-detach red/r1 sub
ok router-del red/r1
expect_out "" router-list red
for p in p1 p2 p3; do ok port-del "red/sub/$p"; done
ok net-del red/sub

# --- The ways in and out (#13): external side, snat, pools, floating IPs,
# port mappings; bad input exits non-zero and writes nothing. -------------
# The command line, checked before weftctl connects.
expect_err 2 "host-set: --external-iface, --external-ip and --external-gateway go together" \
    host-set h1 --external-ip=192.168.100.11/24
expect_err 2 "host-set: nothing to change" host-set h1
expect_err 2 "host-set: --no-external excludes the --external-* options" \
    host-set h1 --no-external --external-iface=e --external-ip=192.168.100.11/24 \
    --external-gateway=192.168.100.1
expect_err 2 "fip-set: give --port=NET/PORT (assign or move) or --no-port" \
    fip-set nt 192.168.100.97
expect_err 2 "fip-set: --port and --no-port exclude each other" \
    fip-set nt 192.168.100.97 --port=ext/e1 --no-port
expect_err 2 "fip-add requires --pool" fip-add nt
expect_err 2 "fip-add: --ip given twice" fip-add nt --pool=ext --ip=192.168.100.98 --ip=192.168.100.99
expect_err 2 "option --snat is not valid for net-add" net-add nt/x --type=vlan --segment=9 --snat
expect_err 2 "router-set requires --snat" router-set nt/r
expect_err 1 "\"8080\": expected HOST_PORT:PORT[/tcp|udp]" map-add nt/ext/e1 8080
expect_err 1 "\"8080:80/\": expected HOST_PORT:PORT" map-add nt/ext/e1 8080:80/
expect_err 1 "--port: \"ext\": expected NET/PORT" fip-add nt --pool=ext --port=ext
# The external side of a host.
expect_err 1 "external gateway 10.0.0.1 is not inside the external LAN 192.168.100.0/24" \
    host-set h1 --external-iface=ext1 --external-ip=192.168.100.11/24 --external-gateway=10.0.0.1
ok host-set h1 --external-iface=ext1 --external-ip=192.168.100.11/24 \
    --external-gateway=192.168.100.1
run host-show h1
if [ "$rc" = 0 ] && [ "$(sed -n 3p <<<"$out")" = "    external ext1  ip 192.168.100.11/24  gateway 192.168.100.1  gateway-mac -" ] \
   && [ "$(sed -n 1p <<<"$out")" = "host h1" ]; then
    pass
else
    fail "host-show h1: '$out' ($err)"
fi
# weftd writes the next hop's MAC it resolved to Host.status; stand in.
ovsdb-client -t 10 transact "$WEFT_DB" \
    '["Weft", {"op": "mutate", "table": "Host", "where": [["name", "==", "h1"]],
               "mutations": [["status", "insert", ["map", [["external_gateway_mac", "52:54:00:00:00:01"]]]]]}]' >/dev/null
run host-list
if grep -q '^h1  remote unix:/run/h1/db.sock  datapath system  tunnel-ip 192.0.2.1  uplink -  openflow -  external ext1  ip 192.168.100.11/24  gateway 192.168.100.1  gateway-mac 52:54:00:00:00:01$' <<<"$out" \
   && grep -q '^h2  remote tcp:192.0.2.2:6640  .*openflow tcp:192.0.2.2:6653$' <<<"$out"; then
    pass
else
    fail "host-list: the external side of h1 (and none for h2): '$out'"
fi
run --format=json host-show h1
if jq -e '.external == {"iface": "ext1", "ip": "192.168.100.11/24", "gateway": "192.168.100.1", "gateway_mac": "52:54:00:00:00:01"}' <<<"$out" >/dev/null; then
    pass
else
    fail "host-show --format=json h1: '$out'"
fi
expect_err 1 "host h9 does not exist" host-show h9
# A tenant with a routed network, an endpoint on h1 (external side) and one
# on h2 (none).
ok tenant-add nt
ok tenant-add nb
ok net-add nt/ext --type=vxlan --segment=4101 --cidr=10.8.0.0/24
ok router-add nt/r --snat
ok router-attach nt/r ext
expect_out "10.8.0.2" port-add nt/ext/e1 --host=h1 --iface=vnt1 --mac=02:00:00:00:08:01
expect_out "10.8.0.3" port-add nt/ext/e2 --host=h2 --iface=vnt2 --mac=02:00:00:00:08:02
expect_out "10.8.0.4" port-add nt/ext/e3 --host=h1 --iface=vnt3 --mac=02:00:00:00:08:03
run router-show nt/r
if [ "$rc" = 0 ] && grep -q '^router nt/r  key [0-9]*  snat on$' <<<"$out"; then pass; else fail "router-show nt/r: '$out'"; fi
ok router-set nt/r --snat=false
run router-show nt/r
if [ "$rc" = 0 ] && grep -q '^router nt/r  key [0-9]*$' <<<"$out"; then pass; else fail "router-show nt/r after --snat=false: '$out'"; fi
expect_err 1 "invalid snat \"maybe\": expected true or false" router-set nt/r --snat=maybe
ok router-set nt/r --snat=true
run --format=json router-list nt
if jq -e '.[0].snat == true' <<<"$out" >/dev/null; then pass; else fail "router-list --format=json: '$out'"; fi
# Pools (an administrator's).
ok pool-add ext 192.168.100.96/27
expect_err 1 "pool cidr 192.168.100.64/26 overlaps pool ext" pool-add ext2 192.168.100.64/26
expect_out "ext  cidr 192.168.100.96/27  floating-ips 0" pool-list
# Floating IPs.
expect_out "192.168.100.97" fip-add nt --pool=ext
expect_out "192.168.100.100" fip-add nt --pool=ext --ip=192.168.100.100 --port=ext/e1
expect_err 1 "address 192.168.100.50 is not in pool ext" fip-add nt --pool=ext --ip=192.168.100.50
expect_err 1 "pool nope does not exist" fip-add nt --pool=nope
expect_err 1 "address 192.168.100.100 is already in use" fip-add nb --pool=ext --ip=192.168.100.100
expect_err 1 "host h2 has no external side" fip-set nt 192.168.100.97 --port=ext/e2
expect_err 1 "floating IP 192.168.100.100 belongs to tenant nt, not nb" fip-del nb 192.168.100.100
expect_err 1 "floating IP 192.168.100.100 belongs to tenant nt, not nb" \
    fip-set nb 192.168.100.100 --no-port
expect_out "192.168.100.97   tenant nt  pool ext  port -  host -
192.168.100.100  tenant nt  pool ext  port ext/e1  host h1" fip-list
expect_out "" fip-list nb
expect_err 1 "tenant nobody does not exist" fip-list nobody
ok fip-set nt 192.168.100.100 --port=ext/e3
ok fip-set nt 192.168.100.97 --port=ext/e1
expect_out "192.168.100.97   tenant nt  pool ext  port ext/e1  host h1
192.168.100.100  tenant nt  pool ext  port ext/e3  host h1" fip-list nt
ok fip-set nt 192.168.100.100 --no-port
run --format=json fip-list nt
if jq -e '. == [{"ip": "192.168.100.97", "pool": "ext", "tenant": "nt", "network": "ext", "port": "e1", "host": "h1"},
                {"ip": "192.168.100.100", "pool": "ext", "tenant": "nt", "network": null, "port": null, "host": null}]' <<<"$out" >/dev/null; then
    pass
else
    fail "fip-list --format=json: '$out'"
fi
expect_out "ext  cidr 192.168.100.96/27  floating-ips 2" pool-list
expect_err 1 "pool ext still has 2 floating IPs" pool-del ext
# Port mappings.
ok map-add nt/ext/e1 8080:80/tcp
ok map-add nt/ext/e3 5353:53/udp
ok map-add nt/ext/e3 8080:8080/udp       # The same number, the other protocol.
expect_err 1 "host h1 port udp/8080 is already mapped" map-add nt/ext/e1 8080:81/udp
expect_err 1 "host h1 port tcp/8080 is already mapped" map-add nt/ext/e3 8080:81
expect_err 1 "host port 0 is out of range 1..65535" map-add nt/ext/e1 0:80/tcp
expect_err 1 "host port 65536 is out of range 1..65535" map-add nt/ext/e1 65536:80
expect_err 1 "port 0 is out of range 1..65535" map-add nt/ext/e1 8081:0
expect_err 1 "invalid protocol \"sctp\": expected tcp or udp" map-add nt/ext/e1 8081:80/sctp
expect_err 1 "host h2 has no external side" map-add nt/ext/e2 8081:80
expect_err 1 "port nt/ext/e1 has no mapping of tcp/9999" map-del nt/ext/e1 9999/tcp
expect_out "h1  192.168.100.11:8080/tcp -> nt/ext/e1 10.8.0.2:80
h1  192.168.100.11:5353/udp -> nt/ext/e3 10.8.0.4:53
h1  192.168.100.11:8080/udp -> nt/ext/e3 10.8.0.4:8080" map-list
expect_out "" map-list nb
run --format=json map-list nt
if jq -e 'length == 3 and .[0] == {"host": "h1", "host_ip": "192.168.100.11", "host_port": 8080, "proto": "tcp", "tenant": "nt", "network": "ext", "port": "e1", "endpoint_ip": "10.8.0.2", "to_port": 80}' <<<"$out" >/dev/null; then
    pass
else
    fail "map-list --format=json: '$out'"
fi
run show
if grep -q '^    floating-ip 192.168.100.97  pool ext  port ext/e1  host h1$' <<<"$out" \
   && grep -q '^    floating-ip 192.168.100.100  pool ext  port -  host -$' <<<"$out" \
   && grep -q '^    port-mapping h1  192.168.100.11:8080/tcp -> nt/ext/e1 10.8.0.2:80$' <<<"$out"; then
    pass
else
    fail "show: nt's floating IPs and port mappings: '$out'"
fi
run --format=json show
if jq -e '(.floating_ips | map(.ip)) == ["192.168.100.97", "192.168.100.100"]
          and (.port_mappings | length) == 3' <<<"$out" >/dev/null; then
    pass
else
    fail "show --format=json: floating_ips, port_mappings: '$out'"
fi
expect_err 1 "host h1 still has 3 port mappings and 1 floating IP: delete them first" \
    host-set h1 --no-external
# Delete it all again.
ok map-del nt/ext/e1 8080/tcp
ok map-del nt/ext/e3 5353/udp
ok map-del nt/ext/e3 8080/udp
expect_out "" map-list
ok fip-del nt 192.168.100.97
ok fip-del nt 192.168.100.100
ok pool-del ext
expect_out "" pool-list
ok host-set h1 --no-external
run host-show h1
if grep -q '^    external -$' <<<"$out"; then pass; else fail "host-show h1 after --no-external: '$out'"; fi
for p in e1 e2 e3; do ok port-del "nt/ext/$p"; done
ok router-detach nt/r ext
ok router-del nt/r
ok net-del nt/ext
ok tenant-del nt
ok tenant-del nb

# --- Services (#14): a VIP load-balanced over backends; bad input exits
# non-zero and writes nothing. --------------------------------------------
# The command line, checked before weftctl connects.
expect_err 2 "service-add requires --router" service-add st/web --vip=10.96.0.10 --port=80
expect_err 2 "service-set: give --node-port=N or --no-node-port" service-set st/web
expect_err 2 "service-set: --node-port and --no-node-port exclude each other" \
    service-set st/web --node-port=30080 --no-node-port
expect_err 2 "backend-set: --down and --up exclude each other" backend-set st/web vx/a --down --up
expect_err 2 "backend-set: nothing to change" backend-set st/web vx/a
expect_err 2 "option --weight is not valid for backend-del" backend-del st/web vx/a --weight=2
expect_err 1 "\"st\": expected TENANT/SERVICE" service-del st
expect_err 1 "\"vx\": expected NET/PORT" backend-add st/web vx
ok tenant-add st
ok tenant-add so
ok net-add st/vx --type=vxlan --segment=4201 --cidr=10.9.0.0/24
ok net-add st/lone --type=vxlan --segment=4202 --cidr=10.9.1.0/24
ok net-add so/vx --type=vxlan --segment=4203 --cidr=10.9.0.0/24
ok router-add st/r
ok router-attach st/r vx
expect_out "10.9.0.2" port-add st/vx/a --host=h1 --iface=vst1 --mac=02:00:00:00:09:01
expect_out "10.9.0.3" port-add st/vx/b --host=h2 --iface=vst2 --mac=02:00:00:00:09:02
expect_out "10.9.1.2" port-add st/lone/c --host=h1 --iface=vst3 --mac=02:00:00:00:09:03
expect_out "10.9.0.2" port-add so/vx/a --host=h1 --iface=vso1 --mac=02:00:00:00:09:04
# Bad services.
expect_err 1 "port 0 is out of range 1..65535" service-add st/web --router=r --vip=10.96.0.10 --port=0
expect_err 1 "port 65536 is out of range 1..65535" service-add st/web --router=r --vip=10.96.0.10 --port=65536
expect_err 1 "node port 0 is out of range 1..65535" \
    service-add st/web --router=r --vip=10.96.0.10 --port=80 --node-port=0
expect_err 1 "invalid protocol \"icmp\": expected tcp or udp" \
    service-add st/web --router=r --vip=10.96.0.10 --port=80 --proto=icmp
expect_err 1 "VIP 10.9.0.50 is inside subnet 10.9.0.0/24 of network st/vx, attached to router st/r" \
    service-add st/web --router=r --vip=10.9.0.50 --port=80
expect_err 1 "router st/nope does not exist" service-add st/web --router=nope --vip=10.96.0.10 --port=80
# Good ones.
ok service-add st/web --router=r --vip=10.96.0.10 --port=80
ok service-add st/dns --router=r --vip=10.96.0.10 --port=53 --proto=udp --node-port=30053
expect_err 1 "service st/web already exists" service-add st/web --router=r --vip=10.96.0.11 --port=80
expect_err 1 "10.96.0.10:80/tcp is already a service of router st/r" \
    service-add st/web2 --router=r --vip=10.96.0.10 --port=80
expect_err 1 "node port udp/30053 is already used by service st/dns" \
    service-add st/dns2 --router=r --vip=10.96.0.12 --port=53 --proto=udp --node-port=30053
# Backends.
ok backend-add st/web vx/a
ok backend-add st/web vx/b --port=8080 --weight=3 --down
expect_err 1 "port st/vx/a is already a backend of service st/web" backend-add st/web vx/a
expect_err 1 "port so/vx/a belongs to tenant so, not st" backend-add st/web so/vx/a
expect_err 1 "network st/lone of port st/lone/c is not attached to router st/r of service st/web" \
    backend-add st/web lone/c
expect_err 1 "target port 0 is out of range 1..65535" backend-add st/dns vx/a --port=0
expect_err 1 "weight 257 is out of range 1..256" backend-add st/dns vx/a --weight=257
expect_err 1 "service st/nope does not exist" backend-add st/nope vx/a
expect_out "st/dns  10.96.0.10:53/udp  router r  node-port 30053  backends 0
st/web  10.96.0.10:80/tcp  router r  node-port -  backends 2" service-list
expect_out "" service-list so
expect_err 1 "tenant nobody does not exist" service-list nobody
# No switch is connected here: the counters are zero.
expect_out "service st/web  10.96.0.10:80/tcp  router r  node-port -
    backend vx/a  10.9.0.2:80  weight 1  up  connections 0  packets 0
    backend vx/b  10.9.0.3:8080  weight 3  down  connections 0  packets 0" service-show st/web
expect_err 1 "service so/web does not exist" service-show so/web
ok backend-set st/web vx/b --up --weight=2
ok service-set st/web --node-port=30080
ok service-set st/dns --no-node-port
expect_out "st/dns  10.96.0.10:53/udp  router r  node-port -  backends 0
st/web  10.96.0.10:80/tcp  router r  node-port 30080  backends 2" service-list st
run --format=json service-list st
if jq -e '.[1] == {"name": "web", "tenant": "st", "router": "r", "vip": "10.96.0.10", "port": 80, "proto": "tcp", "node_port": 30080,
                   "backends": [{"network": "vx", "port": "a", "ip": "10.9.0.2", "to_port": 80, "weight": 1, "down": false},
                                {"network": "vx", "port": "b", "ip": "10.9.0.3", "to_port": 8080, "weight": 2, "down": false}]}' \
       <<<"$out" >/dev/null; then
    pass
else
    fail "service-list --format=json: '$out'"
fi
run --format=json service-show st/web
if jq -e '.stats == [{"network": "vx", "port": "a", "ip": "10.9.0.2", "to_port": 80, "connections": 0, "packets": 0},
                     {"network": "vx", "port": "b", "ip": "10.9.0.3", "to_port": 8080, "connections": 0, "packets": 0}]' \
       <<<"$out" >/dev/null; then
    pass
else
    fail "service-show --format=json: '$out'"
fi
run show
if grep -q '^    service web  10.96.0.10:80/tcp  router r  node-port 30080$' <<<"$out" \
   && grep -q '^        backend vx/b  10.9.0.3:8080  weight 2  up$' <<<"$out"; then
    pass
else
    fail "show: st's services: '$out'"
fi
run --format=json show
if jq -e '(.services | map(.name)) == ["dns", "web"]' <<<"$out" >/dev/null; then
    pass
else
    fail "show --format=json: services: '$out'"
fi
expect_err 1 "router st/r still has services st/dns, st/web: delete them first" router-del st/r
# The counters, read from a switch: one ovs-vswitchd (dummy datapath) whose
# br-int holds what weft would install for st/web (key 1, the first
# service): its select group, a bucket per backend whose id is the port's
# key, and table 71's rows with the service's cookie; packets go through
# the group.  Host hs is marked connected, as weftd would.
sw=$dir/sw
mkdir -p "$sw"
ovsdb-tool create "$sw/conf.db" /usr/share/openvswitch/vswitch.ovsschema
(
    export OVS_RUNDIR=$sw OVS_DBDIR=$sw OVS_LOGDIR=$sw OVS_SYSCONFDIR=$sw
    ovsdb-server "$sw/conf.db" --remote=punix:"$sw/db.sock" --pidfile="$sw/ovsdb.pid" \
        --unixctl="$sw/ovsdb.ctl" --log-file="$sw/ovsdb.log" --detach --no-chdir 2>/dev/null
    ovs-vsctl --db=unix:"$sw/db.sock" --no-wait init
    ovs-vswitchd unix:"$sw/db.sock" --enable-dummy=system --pidfile="$sw/vswitchd.pid" \
        --unixctl="$sw/vswitchd.ctl" --log-file="$sw/vswitchd.log" --detach --no-chdir 2>/dev/null
    ovs-vsctl --timeout=30 --db=unix:"$sw/db.sock" add-br br-int \
        -- add-port br-int p1 -- set interface p1 type=dummy ofport_request=1
)
swof=unix:$sw/br-int.mgmt
ok host-add hs --remote=unix:"$sw/db.sock" --openflow-remote="$swof"
ovsdb-client -t 10 transact "$WEFT_DB" \
    '["Weft", {"op": "update", "table": "Host", "where": [["name", "==", "hs"]],
               "row": {"openflow_connected": true}}]' >/dev/null
tkey=$(ctl --format=json tenant-list | jq '.[] | select(.name == "st") | .key')
ka=$(ctl --format=json port-list st/vx | jq '.[] | select(.name == "a") | .key')
kb=$(ctl --format=json port-list st/vx | jq '.[] | select(.name == "b") | .key')
cookie=$(printf '0x57%04x0000%06x' "$tkey" $((0x10000 | 1)))
other=$(printf '0x57%04x0000%06x' "$tkey" $((0x10000 | 2)))
ovs-ofctl -O OpenFlow15 add-group "$swof" \
    "group_id=1,type=select,bucket=bucket_id:$kb,weight:2,actions=resubmit(,71),bucket=bucket_id:$ka,weight:1,actions=resubmit(,71)"
ovs-ofctl -O OpenFlow15 add-flow "$swof" "table=0,ip,actions=group:1"
ovs-ofctl -O OpenFlow15 add-flow "$swof" "table=71,priority=100,cookie=$cookie,tcp,nw_dst=10.9.0.2,tp_dst=80,actions=drop"
ovs-ofctl -O OpenFlow15 add-flow "$swof" "table=71,priority=100,cookie=$cookie,tcp,nw_dst=10.9.0.3,tp_dst=8080,actions=drop"
# Another service's row for the same backend counts nothing here.
ovs-ofctl -O OpenFlow15 add-flow "$swof" "table=71,priority=90,cookie=$other,tcp,nw_dst=10.9.0.2,actions=drop"
for i in $(seq 1 24); do
    ovs-appctl -t "$sw/vswitchd.ctl" netdev-dummy/receive p1 \
        "in_port(1),eth(src=02:00:00:00:09:09,dst=02:00:00:00:09:01),eth_type(0x0800),ipv4(src=10.9.0.9,dst=10.9.0.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=$((40000 + i)),dst=80)"
done
ovs-appctl -t "$sw/vswitchd.ctl" revalidator/wait
# The switch's own view: bucket0 is b's (listed first), bucket1 a's.
group_stats() { ovs-ofctl -O OpenFlow15 dump-group-stats "$swof"; }
wait_for 30 bash -c "ovs-ofctl -O OpenFlow15 dump-group-stats $swof | grep -q 'group_id=1,.*packet_count=24,'" || :
cb=$(group_stats | grep -o 'bucket0:packet_count=[0-9]*' | cut -d= -f2)
ca=$(group_stats | grep -o 'bucket1:packet_count=[0-9]*' | cut -d= -f2)
expect_out "service st/web  10.96.0.10:80/tcp  router r  node-port 30080
    backend vx/a  10.9.0.2:80  weight 1  up  connections $ca  packets 24
    backend vx/b  10.9.0.3:8080  weight 2  up  connections $cb  packets 0" service-show st/web
if [ $((ca + cb)) = 24 ]; then pass; else fail "bucket counters $ca + $cb != 24"; fi
run --format=json service-show st/web
if jq -e ".stats | map(.connections) == [$ca, $cb] and map(.packets) == [24, 0]" <<<"$out" >/dev/null; then
    pass
else
    fail "service-show --format=json with counters: '$out'"
fi

# --- Security groups (#15): groups, rules, members, their counters read from
# the same switch; bad input exits non-zero and writes nothing. -----------
expect_err 2 "sg-rule-add requires --direction" sg-rule-add st/web
expect_err 2 "option --ports is not valid for sg-add" sg-add st/web --ports=80
expect_err 1 "\"st\": expected TENANT/GROUP" sg-add st
expect_err 1 "\"vx\": expected NET/PORT" sg-member-add st/web vx
ok sg-add st/web
ok sg-add st/db
ok sg-add so/web
expect_err 1 "security group st/web already exists" sg-add st/web
expect_out "1" sg-rule-add st/web --direction=ingress --proto=tcp --ports=80 --remote-cidr=10.9.0.9/32
expect_out "2" sg-rule-add st/web --direction=egress --proto=udp
expect_out "3" sg-rule-add st/web --direction=ingress --proto=udp --ports=8000-8080 --remote-group=db
expect_out "4" sg-rule-add st/db --direction=ingress --proto=icmp --remote-cidr=fd00:9::/64
expect_out "1" sg-rule-add so/web --direction=ingress
expect_err 1 "ports need proto tcp or udp" sg-rule-add st/web --direction=ingress --proto=icmp --ports=80
expect_err 1 "10.9.0.1/24 has host bits set; did you mean 10.9.0.0/24?" \
    sg-rule-add st/web --direction=ingress --remote-cidr=10.9.0.1/24
expect_err 1 "security group st/web already has this rule (rule 1)" sg-rule-add st/web --direction=ingress --proto=tcp --ports=80 --remote-cidr=10.9.0.9/32
expect_err 1 "" sg-rule-add st/web --direction=ingress --remote-group=nope
expect_err 1 "" sg-rule-add st/web --direction=ingress --remote-cidr=10.9.0.0/24 --remote-group=db
expect_err 1 "" sg-rule-add st/web --direction=sideways
expect_err 1 "" sg-rule-add st/web --direction=ingress --proto=tcp --ports=90-80
ok sg-member-add st/web vx/a
expect_err 1 "" sg-member-add st/web vx/a
expect_err 1 "" sg-member-add st/web so/vx/a
expect_err 1 "" sg-member-del st/web vx/b
expect_err 1 "rule 9 not found in security group st/web" sg-rule-del st/web 9
expect_err 1 "security group st/nope does not exist" sg-show st/nope
expect_err 1 "security group st/web has 1 member: remove it first" sg-del st/web
expect_err 1 "security group st/db is the remote of rule st/web#3" sg-del st/db
expect_out "so/web  rules 1  members 0
st/db  rules 1  members 0
st/web  rules 3  members 1" sg-list
expect_out "st/db  rules 1  members 0
st/web  rules 3  members 1" sg-list st
expect_err 1 "tenant nobody does not exist" sg-list nobody
run port-list st/vx
if grep -q '^st/vx/a  .*  groups web$' <<<"$out" && grep -q '^st/vx/b  .*  key [0-9]*$' <<<"$out"; then
    pass
else
    fail "port-list shows a port's groups: '$out'"
fi
run port-show st/vx/a
if [ "$rc" = 0 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q '^st/vx/a  host h1 .*  groups web$' <<<"$out"; then
    pass
else
    fail "port-show st/vx/a: '$out'"
fi
run --format=json port-show st/vx/a
if jq -e '.name == "a" and .security_groups == ["web"]' <<<"$out" >/dev/null; then
    pass
else
    fail "port-show --format=json: '$out'"
fi
expect_err 1 "port st/vx/nope does not exist" port-show st/vx/nope
run --format=json sg-list st
if jq -e '.[1] == {"name": "web", "tenant": "st",
                   "rules": [{"id": 1, "direction": "ingress", "proto": "tcp", "ports": "80", "remote_cidr": "10.9.0.9/32", "remote_group": null},
                             {"id": 2, "direction": "egress", "proto": "udp", "ports": null, "remote_cidr": null, "remote_group": null},
                             {"id": 3, "direction": "ingress", "proto": "udp", "ports": "8000-8080", "remote_cidr": null, "remote_group": "db"}],
                   "members": [{"network": "vx", "port": "a"}]}' <<<"$out" >/dev/null; then
    pass
else
    fail "sg-list --format=json: '$out'"
fi
# The counters, from the switch: rows shaped as pipeline.h's "Policy" lays
# them out, with the rules' cookies and the member's (vx/a's) cookie.
# Table 0 sends tcp to ACL_IN (34), udp and icmp to ACL_OUT (12).  In 34,
# rule 1 is a conjunction (port x remote) whose dimension rows count
# nothing; in 12, rule 2 is a plain row; the rest meets the default deny
# (one row per direction), which goes on to the verdict table 13, whose
# rows (the HOST's cookie) count toward no group.
nkey=$(ctl --format=json net-list st | jq '.[] | select(.name == "vx") | .key')
rc1=$(printf '0x57%04x0000%06x' "$tkey" $((0x20000 | 1)))
rc2=$(printf '0x57%04x0000%06x' "$tkey" $((0x20000 | 2)))
pc=$(printf '0x57%04x%04x%06x' "$tkey" "$nkey" "$ka")
of() { ovs-ofctl -O OpenFlow15 add-flow "$swof" "$1"; }
of "table=0,priority=40000,tcp,actions=goto_table:34"
of "table=0,priority=40000,udp,actions=goto_table:12"
of "table=0,priority=40000,icmp,actions=goto_table:12"
of "table=34,priority=61999,cookie=$rc1,tcp,tp_dst=80,actions=conjunction(1,1/2)"
of "table=34,priority=61999,cookie=$rc1,ip,nw_src=10.9.0.9,actions=conjunction(1,2/2)"
of "table=34,priority=61999,cookie=$rc1,conj_id=1,ip,actions=drop"
of "table=34,priority=1000,cookie=$pc,ip,actions=drop"
of "table=12,priority=61998,cookie=$rc2,udp,actions=drop"
of "table=12,priority=1000,cookie=$pc,ip,actions=load:0->NXM_NX_REG10[3],goto_table:13"
of "table=13,priority=0,cookie=0x5700000000000000,actions=drop"
pkt() {     # pkt SRC PROTO L4: one packet from SRC to vx/a
    ovs-appctl -t "$sw/vswitchd.ctl" netdev-dummy/receive p1 \
        "in_port(1),eth(src=02:00:00:00:09:09,dst=02:00:00:00:09:01),eth_type(0x0800),ipv4(src=$1,dst=10.9.0.2,proto=$2,tos=0,ttl=64,frag=no),$3"
}
for i in $(seq 1 5); do pkt 10.9.0.9 6 "tcp(src=$((41000 + i)),dst=80)"; done
for i in $(seq 1 3); do pkt 10.9.0.8 6 "tcp(src=$((42000 + i)),dst=80)"; done
for i in $(seq 1 4); do pkt 10.9.0.9 17 "udp(src=$((43000 + i)),dst=53)"; done
for i in $(seq 1 2); do pkt 10.9.0.9 1 "icmp(type=8,code=$i)"; done
ovs-appctl -t "$sw/vswitchd.ctl" revalidator/wait
acl_counted() {
    ovs-ofctl -O OpenFlow15 dump-flows "$swof" "table=12,cookie=$pc/-1" | grep -q 'n_packets=2,' \
        && ovs-ofctl -O OpenFlow15 dump-flows "$swof" "table=34,cookie=$pc/-1" | grep -q 'n_packets=3,' \
        && ovs-ofctl -O OpenFlow15 dump-flows "$swof" "table=12,cookie=$rc2/-1" | grep -q 'n_packets=4,'
}
wait_for 30 acl_counted || :
expect_out "security group st/web
    rule 1  ingress  tcp/80  from 10.9.0.9/32  cookie $rc1  packets 5
    rule 2  egress  udp  to any  cookie $rc2  packets 4
    rule 3  ingress  udp/8000-8080  from group db  cookie $(printf '0x57%04x0000%06x' "$tkey" $((0x20000 | 3)))  packets 0
    member vx/a
    default deny  ingress packets 3  egress packets 2" sg-show st/web
run --format=json sg-show st/web
if jq -e '.name == "web" and .members == [{"network": "vx", "port": "a"}]
          and (.stats.rules | map([.id, .packets])) == [[1, 5], [2, 4], [3, 0]]
          and .stats.rules[0].bytes > 0
          and .stats.default_deny == {"ingress": 3, "egress": 2}' <<<"$out" >/dev/null; then
    pass
else
    fail "sg-show --format=json with counters: '$out'"
fi
# Another tenant's group of the same name counts nothing of st's.
expect_out "security group so/web
    rule 1  ingress  any  from any  cookie $(printf '0x57%04x0000%06x' "$(ctl --format=json tenant-list | jq '.[] | select(.name == "so") | .key')" $((0x20000 | 1)))  packets 0
    default deny  ingress packets 0  egress packets 0" sg-show so/web
# IPv6 addresses: port-add takes them, an IPv4 address is still allocated.
expect_out "10.9.0.4" port-add st/vx/d --host=h1 --iface=vst6 --mac=02:00:00:00:09:06 --ip=fd00:9::6
run port-show st/vx/d
if grep -q 'ips .*fd00:9::6' <<<"$out" && grep -q 'ips .*10\.9\.0\.4' <<<"$out"; then
    pass
else
    fail "port-show of a port with an IPv6 address: '$out'"
fi
expect_err 1 "" port-add st/vx/e --host=h1 --iface=vst7 --mac=02:00:00:00:09:07 --ip=ff02::1
ok port-del st/vx/d
# Round trip back to nothing.
ok sg-member-del st/web vx/a
expect_err 1 "" sg-member-del st/web vx/a
ok sg-rule-del st/web 3
expect_err 1 "rule 3 not found in security group st/web" sg-rule-del st/web 3
ok sg-del st/db
ok sg-del st/web
ok sg-del so/web
expect_out "" sg-list
ok host-del hs
kill_pidfiles "$sw/vswitchd.pid" "$sw/ovsdb.pid"
# A port deleted leaves its services.
ok port-del st/vx/b
run service-show st/web
if [ "$rc" = 0 ] && ! grep -q 'vx/b' <<<"$out" && grep -q 'backend vx/a' <<<"$out"; then
    pass
else
    fail "service-show after port-del: '$out'"
fi
ok backend-del st/web vx/a
expect_err 1 "port st/vx/a is not a backend of service st/web" backend-del st/web vx/a
ok service-del st/web
ok service-del st/dns
expect_out "" service-list
for p in st/vx/a st/lone/c so/vx/a; do ok port-del "$p"; done
ok router-detach st/r vx
ok router-del st/r
for n in st/vx st/lone so/vx; do ok net-del "$n"; done
ok tenant-del st
ok tenant-del so

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
