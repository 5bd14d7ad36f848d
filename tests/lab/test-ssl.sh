#!/usr/bin/env bash
# test-ssl: ssl: remotes (OVS's stream-ssl) for weft's database and for a
# host, with certificates from ovs-pki in a scratch directory.
#
# Everything runs in one private network namespace, on 127.0.0.1:
#   - weft's database (ovsdb-server) listens on pssl:16641 only, requiring
#     a certificate signed by the test's CA;
#   - one host: its ovsdb-server on pssl:16640, its ovs-vswitchd with the
#     same CA (ovs-vsctl set-ssl), so that br-int's pssl:6653 controller
#     listener works;
#   - weftctl --db=ssl:... with a client certificate writes the desired
#     state; without certificates it refuses with a clear message, and with
#     a certificate from another CA it is refused by the server;
#   - weftd --db=ssl:... reaches the host over ssl: (OVSDB) and ssl:6653
#     (OpenFlow, br-int's controller pssl:6653:127.0.0.1), and a port's
#     flows are installed (weftctl sync over ssl:).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "$0")/../testlib.sh"

weftd_test_init t9ssl
ns=$p           # everything in one namespace
pki=$dir/pki

cleanup() { weftd_test_cleanup $? test-ssl "$ns"; }
trap cleanup EXIT

in_ns() { ip netns exec "$ns" "$@"; }

# --- certificates: one CA for everything, and an unrelated one -------------
pki_sign() {    # pki_sign PKIDIR NAME: $dir/NAME-{privkey,cert}.pem
    (cd "$dir" && ovs-pki --dir="$1" -l "$dir/pki.log" -b req+sign "$2" switch >/dev/null)
}
ovs-pki --dir="$pki" -l "$dir/pki.log" init >/dev/null 2>&1
ovs-pki --dir="$dir/rogue-pki" -l "$dir/pki.log" init >/dev/null 2>&1
for n in db host weftd client; do pki_sign "$pki" "$n"; done
pki_sign "$dir/rogue-pki" rogue
ca=$pki/switchca/cacert.pem
ssl() {     # ssl NAME: the three stream-ssl options for NAME's files
    echo "--private-key=$dir/$1-privkey.pem --certificate=$dir/$1-cert.pem --ca-cert=$ca"
}

ip netns add "$ns"
ip -n "$ns" link set lo up
# shellcheck disable=SC2031  # (the subshells only read them)
export OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir

# --- weft's database on pssl: only ------------------------------------------
ovsdb-tool create "$dir/weft.db" "$src/ovsdb/weft.ovsschema"
# shellcheck disable=SC2046
in_ns ovsdb-server "$dir/weft.db" --remote=pssl:16641:127.0.0.1 $(ssl db) \
    --pidfile="$dir/weft-db.pid" --unixctl="$dir/weft-db.ctl" \
    --log-file="$dir/weft-db.log" --detach 2>/dev/null
db=ssl:127.0.0.1:16641
ctl() {     # ctl ARGS...: weftctl over ssl: with the client's certificate
    # shellcheck disable=SC2046
    in_ns "$weftctl" --db="$db" $(ssl client) --timeout=30 "$@"
}

check "weftctl --db=ssl: with a client certificate: init, tenant-add" \
    bash -c "$(declare -f ctl in_ns ssl); weftctl='$weftctl' db='$db' ns='$ns' dir='$dir' ca='$ca';
             ctl init && ctl tenant-add red && ctl tenant-list | grep -q '^red '"
rc=0; out=$(in_ns "$weftctl" --db="$db" --timeout=5 tenant-list 2>&1) || rc=$?
check "weftctl --db=ssl: without certificates: exit 1, says what is missing ($out)" \
    bash -c "[ $rc = 1 ] && grep -q 'an ssl: remote needs --private-key, --certificate and --ca-cert' <<<'$out'"
rc=0; out=$(in_ns "$weftctl" --db="$db" --timeout=5 flows 2>&1) || rc=$?
check "weftctl flows --db=ssl: without certificates: the same message" \
    bash -c "[ $rc = 1 ] && grep -q 'an ssl: remote needs' <<<'$out'"
rc=0
# shellcheck disable=SC2046
out=$(in_ns "$weftctl" --db="$db" --private-key="$dir/rogue-privkey.pem" \
      --certificate="$dir/rogue-cert.pem" --ca-cert="$ca" --timeout=5 tenant-add blue 2>&1) || rc=$?
tenants=$(ctl tenant-list 2>&1)
check "weftctl with a certificate from another CA is refused, writes nothing (exit $rc: $out)" \
    bash -c "[ $rc = 1 ] && grep -q '^red ' <<<'$tenants' && ! grep -q blue <<<'$tenants'"
check "weft's database has no plain listener (tcp: is refused)" \
    bash -c "! ip netns exec '$ns' '$weftctl' --db=tcp:127.0.0.1:16641 --timeout=3 tenant-list >/dev/null 2>&1"

# --- a host whose OVSDB and OpenFlow are ssl: ----------------------------------
ovsdb-tool create "$dir/conf.db" /usr/share/openvswitch/vswitch.ovsschema
# shellcheck disable=SC2046
in_ns ovsdb-server "$dir/conf.db" --remote=punix:"$dir/db.sock" \
    --remote=pssl:16640:127.0.0.1 $(ssl host) \
    --pidfile="$dir/ovsdb-server.pid" --unixctl="$dir/ovsdb-server.ctl" \
    --log-file="$dir/ovsdb-server.log" --detach 2>/dev/null
ovs-vsctl --db=unix:"$dir/db.sock" --no-wait init
ovs-vsctl --db=unix:"$dir/db.sock" --no-wait set-ssl \
    "$dir/host-privkey.pem" "$dir/host-cert.pem" "$ca"
in_ns ovs-vswitchd unix:"$dir/db.sock" \
    --pidfile="$dir/ovs-vswitchd.pid" --unixctl="$dir/ovs-vswitchd.ctl" \
    --log-file="$dir/ovs-vswitchd.log" --detach 2>/dev/null

check "host-add h1 --remote=ssl:127.0.0.1:16640 is accepted" \
    ctl host-add h1 --remote=ssl:127.0.0.1:16640 --datapath-type=netdev
rc=0; out=$(ctl host-add h2 --remote=ssl:127.0.0.1 2>&1) || rc=$?
check "host-add refuses ssl: without a port ($out)" \
    bash -c "[ $rc = 1 ] && grep -q 'expected ssl:IP:PORT' <<<'$out'"

rc=0; out=$(in_ns "$weftd" --db="$db" --api=none --unixctl="$dir/refused.ctl" 2>&1) || rc=$?
check "weftd --db=ssl: without certificates refuses to start ($out)" \
    bash -c "[ $rc != 0 ] && grep -q 'an ssl: remote needs --private-key' <<<'$out'"

# shellcheck disable=SC2046
in_ns "$weftd" --db="$db" $(ssl weftd) --api=none \
    --pidfile="$dir/weftd.pid" --unixctl="$dir/weftd.ctl" \
    --log-file="$dir/weftd.log" --detach 2>/dev/null
connected() {
    # shellcheck disable=SC2046
    in_ns ovsdb-client dump "$db" $(ssl client) Host name ovsdb_connected openflow_connected \
        | grep -q 'h1 *true *true'
}
check "weftd reaches weft's database and h1 over ssl: (OVSDB and OpenFlow)" \
    wait_for 30 connected
check "br-int's controller listener is pssl:6653:127.0.0.1" \
    bash -c "[ \"\$(ovs-vsctl --db=unix:$dir/db.sock get-controller br-int)\" = pssl:6653:127.0.0.1 ]"
in_ns ip link add "${p}a" type veth peer name "${p}b"
in_ns ip link set "${p}a" up
check "net-add, port-add and sync over ssl:" \
    bash -c "$(declare -f ctl in_ns ssl); weftctl='$weftctl' db='$db' ns='$ns' dir='$dir' ca='$ca';
             ctl net-add red/net --type=vxlan --segment=1001 &&
             ctl port-add red/net/a --host=h1 --iface=${p}a --mac=02:00:00:00:00:0a --ip=10.0.0.10 &&
             ctl sync"
check "...and the port's flows are on br-int" \
    bash -c "ovs-ofctl -O OpenFlow15 dump-flows unix:$dir/br-int.mgmt | grep -q 'arp_tpa=10.0.0.10'"
check "weftctl flows over ssl: reads h1's flows with its names" \
    bash -c "$(declare -f ctl in_ns ssl); weftctl='$weftctl' db='$db' ns='$ns' dir='$dir' ca='$ca';
             ctl flows --host=h1 | grep -q 'red/net/a'"

report
