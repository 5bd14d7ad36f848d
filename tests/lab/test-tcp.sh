#!/usr/bin/env bash
# test-tcp: weftd drives a host over tcp: remotes (the VM case).
#
# One host in its own network namespace: ovsdb-server listening on
# ptcp:6640:127.0.0.1 inside it, ovs-vswitchd, and weftd started in the same
# namespace so that 127.0.0.1 is the host's.  Checks that weftd creates br-int
# with a passive controller bound to that address, connects over OpenFlow,
# installs the pipeline, reports the host connected in weft's database, and
# that two endpoints on the host can ping.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "$0")/../testlib.sh"

weftd_test_init t2tcp

cleanup() {
    local rc=$?
    if [ -n "${WEFT_TEST_KEEP:-}" ]; then
        keep_logs "$rc" test-tcp "$dir"
        return
    fi
    weftd_test_cleanup "$rc" test-tcp "$ns" "$p-ea" "$p-eb"
}
trap cleanup EXIT

weftd_test_host "$ns" ptcp:6640:127.0.0.1

ctl() { "$weftctl" --db=unix:"$dir/weft.sock" "$@"; }
ctl host-add h1 --remote=tcp:127.0.0.1:6640 --datapath-type=netdev
ctl tenant-add red
ctl net-add red/net --type=gre --segment=77
i=0
for e in a b; do
    i=$((i + 1))
    ip netns add "$p-e$e"
    ip link add "${p}v$e" type veth peer name eth0 netns "$p-e$e"
    ip link set "${p}v$e" netns "$ns"
    ip -n "$ns" link set "${p}v$e" up
    ip -n "$p-e$e" link set eth0 address "02:00:00:00:77:0$i"
    ip -n "$p-e$e" addr add "10.7.0.$i/24" dev eth0
    ip -n "$p-e$e" link set eth0 up
    ip netns exec "$p-e$e" ethtool -K eth0 tx off >/dev/null
    ip netns exec "$ns" ethtool -K "${p}v$e" tx off >/dev/null
    ctl port-add "red/net/$e" --host=h1 --iface="${p}v$e" \
        --mac="02:00:00:00:77:0$i" --ip="10.7.0.$i"
done

ip netns exec "$ns" "$weftd" --db=unix:"$dir/weft.sock" \
    --pidfile="$dir/weftd.pid" --unixctl="$dir/weftd.ctl" \
    --log-file="$dir/weftd.log" --verify-interval=1 --detach 2>/dev/null

check "weftctl sync returns once h1 installed the config over tcp" \
    ctl --timeout=120 sync
check "br-int listens for OpenFlow on ptcp:6653:127.0.0.1 only" \
    bash -c "ovs-vsctl --db=unix:$dir/db.sock get-controller br-int \
             | grep -qx 'ptcp:6653:127.0.0.1'"
check "br-int is fail_mode=secure, netdev" \
    bash -c "[ \"\$(ovs-vsctl --db=unix:$dir/db.sock get bridge br-int fail_mode datapath_type | tr '\n' ' ')\" = 'secure netdev ' ]"
check "weft database reports h1 connected over OVSDB and OpenFlow" \
    bash -c "ovsdb-client dump unix:$dir/weft.sock Host ovsdb_connected openflow_connected \
             | grep -q 'true *true'"
check "flows installed via tcp: pipeline present" \
    bash -c "ip netns exec $ns ovs-ofctl -O OpenFlow15 dump-flows tcp:127.0.0.1:6653 \
             | grep -q 'table=20.*arp_tpa=10.7.0.2'"
tables_named() {
    ip netns exec "$ns" ovs-ofctl -O OpenFlow15 --names dump-flows \
        tcp:127.0.0.1:6653 | grep -Eq 'table="?arp_respond"?,.*arp_tpa=10.7.0.2'
}
check "OpenFlow tables carry the pipeline's names" tables_named
# A flow deleted by hand comes back within the verify interval (1 s here).
of() { ip netns exec "$ns" ovs-ofctl -O OpenFlow15 "$@"; }
responder='table=20,arp,metadata=0x1,dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa=10.7.0.2,arp_op=1'
n_responder() { of dump-flows tcp:127.0.0.1:6653 "$responder" | grep -c cookie || true; }
of --strict del-flows tcp:127.0.0.1:6653 "priority=100,$responder"
check "flow deleted by hand is gone" [ "$(n_responder)" = 0 ]
check "weftd puts the deleted flow back by itself" \
    wait_for 60 bash -c "[ \"\$(ip netns exec $ns ovs-ofctl -O OpenFlow15 dump-flows tcp:127.0.0.1:6653 '$responder' | grep -c cookie)\" = 1 ]"
check "weftd logged the repair" grep -q "changed outside weft" "$dir/weftd.log"
check "same-network endpoints ping" \
    wait_for 60 ip netns exec "$p-ea" ping -q -c1 -W1 10.7.0.2 >/dev/null

report
