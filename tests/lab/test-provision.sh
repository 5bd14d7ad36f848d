#!/bin/bash
# test-provision: the Vagrant lab's provisioning scripts (vagrant/), run on
# this machine: everything but the VM boot.
#
# A namespace stands in for a VM: a veth pair is its "eth1" on the underlay
# (the root namespace plays the first VM, the controller).  Inside it,
# vagrant/provision-host.sh starts a private OVS (WEFT_OVS_RUNDIR), builds
# br-phy with the tunnel IP and opens OVSDB on ptcp:6640:IP; then
# vagrant/provision-controller.sh starts weft's database and weftd and
# registers the host with a tcp: remote, as on the VMs.  Checks the host
# converges over tcp, weftctl attach plugs two namespaces into it and they
# ping, and that `vagrant validate` accepts the Vagrantfile (Debian's
# vagrant package; skipped with a note if it is not installed).
set -euo pipefail

src=${WEFT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${WEFT_BUILD_DIR:-$src/build}
p=${WEFT_TEST_PREFIX:-t6p}
dir=$(mktemp -d "/tmp/weft-$p.XXXXXX")
ns=$p-h1
pass=0
fail=0

cleanup() {
    ovs-appctl -t "$dir/weft/weftd.ctl" exit 2>/dev/null || true
    for f in "$dir"/weft/*.pid "$dir"/h1/*.pid; do
        if [ -f "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; fi
    done
    sleep 0.5
    for f in "$dir"/weft/*.pid "$dir"/h1/*.pid; do
        if [ -f "$f" ]; then kill -9 "$(cat "$f")" 2>/dev/null || true; fi
    done
    for n in "$ns" "$p-a" "$p-b"; do
        ip netns del "$n" 2>/dev/null || true
    done
    ip link del "${p}r" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

check() {   # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then
        echo "PASS: $what"
        pass=$((pass + 1))
    else
        echo "FAIL: $what"
        fail=$((fail + 1))
    fi
}

wait_for() {    # wait_for SECONDS COMMAND...
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.2
    done
}

# The "VM": a namespace with eth1 on an underlay shared with the controller.
ip netns add "$ns"
ip -n "$ns" link set lo up
ip link add "${p}r" type veth peer name "${p}u" netns "$ns"
ip addr add 172.31.254.1/24 dev "${p}r"
ip link set "${p}r" up
ethtool -K "${p}r" tx off >/dev/null
ip netns exec "$ns" ethtool -K "${p}u" tx off >/dev/null
ip -n "$ns" addr add 172.31.254.2/24 dev "${p}u"   # as Vagrant would
mkdir -p "$dir/h1" "$dir/weft"

check "provision-host.sh runs in the host" \
    ip netns exec "$ns" env WEFT_OVS_RUNDIR="$dir/h1" \
    bash "$src/vagrant/provision-host.sh" 172.31.254.2/24 "${p}u" netdev
vsctl() { ovs-vsctl --db="unix:$dir/h1/db.sock" --timeout=10 "$@"; }
check "br-phy holds the tunnel IP, eth1 does not" \
    bash -c "ip -n $ns -4 -o addr show dev br-phy | grep -q 172.31.254.2/24 && ! ip -n $ns -4 -o addr show dev ${p}u | grep -q 172.31.254.2"
check "the underlay interface is a port of br-phy" \
    bash -c "ovs-vsctl --db=unix:$dir/h1/db.sock list-ports br-phy | grep -qx ${p}u"
check "OVSDB listens for weftd on ptcp:6640:172.31.254.2" \
    bash -c "[ \"\$(ovs-vsctl --db=unix:$dir/h1/db.sock get-manager)\" = ptcp:6640:172.31.254.2 ]"
check "provision-host.sh is idempotent" \
    ip netns exec "$ns" env WEFT_OVS_RUNDIR="$dir/h1" \
    bash "$src/vagrant/provision-host.sh" 172.31.254.2/24 "${p}u" netdev

check "provision-controller.sh starts weft and registers h1 over tcp (sync)" \
    env WEFT_BUILD_DIR="$build" WEFT_RUNDIR="$dir/weft" WEFT_DATAPATH=netdev \
    bash "$src/vagrant/provision-controller.sh" 172.31.254.1 h1=172.31.254.2
ctl() { "$build/controller/weftctl" --db="unix:$dir/weft/weft.sock" "$@"; }
check "h1 is registered with tcp:172.31.254.2:6640" \
    bash -c "'$build/controller/weftctl' --db=unix:$dir/weft/weft.sock host-list | grep -q '^h1 *remote tcp:172.31.254.2:6640'"
check "weft's database answers on ptcp:6641:172.31.254.1 (for the other VMs)" \
    bash -c "'$build/controller/weftctl' --db=tcp:172.31.254.1:6641 host-list | grep -q '^h1 '"
connected() {
    ovsdb-client dump "unix:$dir/weft/weft.sock" Host ovsdb_connected openflow_connected \
        | grep -q 'true *true'
}
check "weftd is connected to h1 over OVSDB and OpenFlow (tcp)" wait_for 20 connected
check "br-int listens for OpenFlow on ptcp:6653:172.31.254.2" \
    bash -c "ovs-vsctl --db=unix:$dir/h1/db.sock get-controller br-int | grep -qx ptcp:6653:172.31.254.2"

ctl tenant-add red
ctl net-add red/net --type=vxlan --segment=42
ip netns add "$p-a"
ip netns add "$p-b"
check "weftctl attach plugs namespace a into h1" \
    ctl attach red/net --netns "$p-a" --host h1 --host-netns "$ns" --ip 10.9.0.1/24
check "weftctl attach plugs namespace b into h1" \
    ctl attach red/net --netns "$p-b" --host h1 --host-netns "$ns" --ip 10.9.0.2/24
check "a pings b through weft's flows" \
    wait_for 10 ip netns exec "$p-a" ping -q -c1 -W1 10.9.0.2
check "provision-controller.sh is idempotent" \
    env WEFT_BUILD_DIR="$build" WEFT_RUNDIR="$dir/weft" WEFT_DATAPATH=netdev \
    bash "$src/vagrant/provision-controller.sh" 172.31.254.1 h1=172.31.254.2

if command -v vagrant >/dev/null; then
    check "vagrant validate accepts vagrant/Vagrantfile" \
        bash -c "cd '$src/vagrant' && VAGRANT_HOME=$dir/vagrant-home vagrant validate --ignore-provider >/dev/null"
else
    echo "SKIP: vagrant validate (vagrant not installed: scripts/install-deps.sh)"
fi
if command -v shellcheck >/dev/null; then
    check "provisioning scripts are shellcheck-clean" \
        shellcheck "$src/vagrant/provision-host.sh" "$src/vagrant/provision-controller.sh"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
