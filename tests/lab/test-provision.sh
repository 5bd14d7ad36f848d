#!/bin/bash
# test-provision: the Vagrant lab's provisioning scripts (vagrant/), run on
# this machine: everything but the VM boot.
#
# Three namespaces stand in for the VMs h1..h3, each with an "eth1" on the
# underlay (a Linux bridge in namespace $p-ul, 172.31.254.0/24; namespace
# $p-c, at .1, plays the controller) and an "eth2" on the VLAN trunk
# (a second bridge there), as the Vagrantfile wires the VMs.  Inside each,
# vagrant/provision-host.sh starts a private OVS (WEFT_OVS_RUNDIR; netdev
# datapath, where the VMs use the kernel's), builds br-phy with the tunnel IP
# 172.31.254.1I and opens OVSDB on ptcp:6640:IP; then
# vagrant/provision-controller.sh starts weft's database and weftd and
# registers the hosts with tcp: remotes and eth2 as uplink.  Then
# vagrant/demo.sh runs in every "VM" as the Vagrantfile's demo provisioners
# do: phase 1 (attach: red and blue on vxlan, gre and vlan, identical
# subnets) on all three at once, phase 2 (matrix) on each; every
# same-network pair must be reached across VMs, no cross-tenant pair.
# Also: `vagrant validate --ignore-provider` (no provider plugin or
# hypervisor here; skipped with a note if vagrant is missing) and shellcheck.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "$0")/../testlib.sh"

src=${WEFT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${WEFT_BUILD_DIR:-$src/build}
p=$(test_prefix t7p)
dir=$(mktemp -d "/tmp/weft-$p.XXXXXX")
n=3
ul=$p-ul
cns=$p-c            # the controller "VM"
db=tcp:172.31.254.1:6641

cleanup() {
    local rc=$?
    keep_logs "$rc" test-provision "$dir"
    ovs-appctl --timeout=10 -t "$dir/weft/weftd.ctl" exit 2>/dev/null || true
    kill_pidfiles "$dir"/weft/*.pid "$dir"/h*/*.pid
    # The VMs, the underlay and the demo's endpoints ($p-hI-<tenant>-<net>).
    for f in /run/netns/"$p"-*; do
        if [ -e "$f" ]; then ip netns del "${f##*/}" 2>/dev/null || true; fi
    done
    rm -rf "$dir"
}
trap cleanup EXIT

# The underlay and the trunk: bridges in their own namespace.  The
# controller is a "VM" of its own too (netns $cns, eth1 = 172.31.254.1), so
# that nothing of this test is in the machine's namespace and two runs with
# different prefixes never share an address.
ip netns add "$ul"
ip -n "$ul" link set lo up
ip -n "$ul" link add br0 type bridge
ip -n "$ul" link add brv type bridge
ip -n "$ul" link set br0 up
ip -n "$ul" link set brv up
ip netns add "$cns"
ip -n "$cns" link set lo up
ip -n "$ul" link add "${p}r" type veth peer name eth1 netns "$cns"
ip -n "$ul" link set "${p}r" master br0 up
ip -n "$cns" addr add 172.31.254.1/24 dev eth1
ip -n "$cns" link set eth1 up
ip netns exec "$cns" ethtool -K eth1 tx off >/dev/null

# The "VMs": hI with eth1 (underlay, 172.31.254.1I/24 as Vagrant would set
# it) and eth2 (trunk, unaddressed and down).
hosts=()
for ((i = 1; i <= n; i++)); do
    ns=$p-h$i
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip link add "${p}u$i" netns "$ul" type veth peer name eth1 netns "$ns"
    ip link add "${p}v$i" netns "$ul" type veth peer name eth2 netns "$ns"
    ip -n "$ul" link set "${p}u$i" master br0 up
    ip -n "$ul" link set "${p}v$i" master brv up
    for d in eth1 eth2; do ip netns exec "$ns" ethtool -K "$d" tx off >/dev/null; done
    ip -n "$ns" addr add "172.31.254.1$i/24" dev eth1
    ip -n "$ns" link set eth1 up
    mkdir -p "$dir/h$i"
    hosts+=("h$i=172.31.254.1$i:eth2")
done
mkdir -p "$dir/weft"

provision_host() {  # provision_host I
    ip netns exec "$p-h$1" env WEFT_OVS_RUNDIR="$dir/h$1" \
        bash "$src/vagrant/provision-host.sh" "172.31.254.1$1/24" eth1 netdev eth2
}
for ((i = 1; i <= n; i++)); do
    check "provision-host.sh runs in h$i" provision_host "$i"
done
ns=$p-h1
check "br-phy holds the tunnel IP, eth1 does not" \
    bash -c "ip -n $ns -4 -o addr show dev br-phy | grep -q 172.31.254.11/24 && ! ip -n $ns -4 -o addr show dev eth1 | grep -q 172.31.254.11"
check "the underlay interface is a port of br-phy" \
    bash -c "ovs-vsctl --db=unix:$dir/h1/db.sock list-ports br-phy | grep -qx eth1"
check "OVSDB listens for weftd on ptcp:6640:172.31.254.11" \
    bash -c "[ \"\$(ovs-vsctl --db=unix:$dir/h1/db.sock get-manager)\" = ptcp:6640:172.31.254.11 ]"
check "the uplink eth2 is up" \
    bash -c "ip -n $ns -o link show eth2 | grep -q '[<,]UP[,>]'"
check "provision-host.sh is idempotent" provision_host 1

# The run directory (a tmpfs on the VM), the database's directory
# (/var/lib/weft there) and the logs' are redirected into $dir: the script
# then starts the daemons directly, as weft-db.service and weftd.service
# would.
provision_controller() {
    ip netns exec "$cns" env WEFT_STAGE_DIR="$dir/stage" WEFT_RUNDIR="$dir/weft" WEFT_STATEDIR="$dir/lib" \
        WEFT_LOGDIR="$dir/log" WEFT_DATAPATH=netdev \
        bash "$src/vagrant/provision-controller.sh" 172.31.254.1 "${hosts[@]}"
}
# The VMs' weft: built once (here: WEFT_BUILD_DIR) and staged by
# stage-weft.sh; provision-controller.sh runs the staged binaries.
check "stage-weft.sh stages weftd, weftctl, the schema and the units" \
    bash -c "WEFT_STAGE_OUT='$dir/stage' bash '$src/vagrant/stage-weft.sh' '$build' >/dev/null &&
             for f in bin/weftd bin/weftctl share/weft/weft.ovsschema lib/systemd/system/weftd.service \
                      lib/systemd/system/weft-db.service libexec/weft/weft-db-prepare; do
                 [ -s '$dir/stage/usr/local/'\$f ] || exit 1; done"
check "provision-controller.sh starts weft and registers h1..h$n over tcp (sync)" \
    provision_controller
ctl() { "$build/controller/weftctl" --db="unix:$dir/weft/weft.sock" "$@"; }
check "h1 is registered with tcp:172.31.254.11:6640, netdev, uplink eth2" \
    bash -c "'$build/controller/weftctl' --db=unix:$dir/weft/weft.sock host-list | grep -q '^h1 *remote tcp:172.31.254.11:6640  datapath netdev  tunnel-ip 172.31.254.11  uplink eth2'"
check "weft's database answers on ptcp:6641:172.31.254.1 (for the other VMs)" \
    bash -c "ip netns exec '$cns' '$build/controller/weftctl' --db=$db host-list | grep -q '^h1 '"
connected() {   # (with the name: dump prints identical rows once)
    [ "$(ovsdb-client dump "unix:$dir/weft/weft.sock" Host name ovsdb_connected openflow_connected \
        | grep -c 'true *true')" -eq "$n" ]
}
check "weftd is connected to every host over OVSDB and OpenFlow (tcp)" wait_for 60 connected
check "br-int listens for OpenFlow on ptcp:6653:172.31.254.11" \
    bash -c "ovs-vsctl --db=unix:$dir/h1/db.sock get-controller br-int | grep -qx ptcp:6653:172.31.254.11"
check "provision-controller.sh is idempotent" provision_controller
check "weft's database is in WEFT_STATEDIR (/var/lib/weft), not the run directory" \
    bash -c "[ -s '$dir/lib/weft.db' ] && [ ! -e '$dir/weft/weft.db' ]"

# A reboot: the daemons go and so does the run directory (a tmpfs); the
# database must not.  Provisioning again finds every host registered.
for d in weftd weft-db; do
    kill_pidfiles "$dir/weft/$d.pid"
done
rm -rf "$dir/weft"
provision_controller >"$dir/reprovision.log" 2>&1 && rc=0 || rc=$?
cat "$dir/reprovision.log"
check "after a \"reboot\", provision-controller.sh finds h1..h$n still registered" \
    bash -c "[ $rc = 0 ] && [ \$(grep -c 'already registered' '$dir/reprovision.log') = $n ]"
check "...and weftd is connected to every host again" wait_for 60 connected

# The demo, as the Vagrantfile's demo-attach and demo-matrix provisioners
# run it (they pass --db=tcp:WEFT1:6641): inside each "VM" (nsenter, not
# "ip netns exec": the endpoints' namespaces that demo.sh adds must outlive
# its private mount namespace).
demo() {    # demo PHASE I
    nsenter --net="/run/netns/$p-h$2" bash "$src/vagrant/demo.sh" "$1" "h$2" --db="$db" \
        --weftctl="$build/controller/weftctl" --netns-prefix="$p-h$2-" --wait=60
}
pids=()
for ((i = 1; i <= n; i++)); do
    demo attach "$i" >"$dir/attach-$i.log" 2>&1 &
    pids+=($!)
done
for ((i = 1; i <= n; i++)); do
    if ! check "demo.sh attach in h$i (all VMs at once)" wait "${pids[i - 1]}"; then
        cat "$dir/attach-$i.log"
    fi
done
check "the demo's 18 ports are registered" \
    bash -c "[ \$('$build/controller/weftctl' --db=unix:$dir/weft/weft.sock port-list | wc -l) -eq $((n * 6)) ]"
check "endpoint red-vx in h2 has its IP, MAC and TTL" \
    bash -c "ip -n $p-h2-red-vx -o addr show dev eth0 | grep -q 10.0.0.12/24 &&
             ip -n $p-h2-red-vx -o link show dev eth0 | grep -q 02:77:00:00:00:02 &&
             [ \$(ip netns exec $p-h2-red-vx sysctl -n net.ipv4.ip_default_ttl) = 102 ]"
check "demo.sh attach is idempotent" \
    bash -c "$(declare -f demo); p=$p src=$src db=$db build=$build; demo attach 1 | grep -c 'already attached' | grep -qx 6"
for ((i = 1; i <= n; i++)); do
    demo matrix "$i" >"$dir/matrix-$i.log" 2>&1 && rc=0 || rc=$?
    cat "$dir/matrix-$i.log"
    check "demo.sh matrix in h$i exits 0" [ "$rc" -eq 0 ]
    for ty in vxlan gre vlan; do
        check "h$i $ty: same network 4/4 reached across VMs, other tenant 6/6 isolated" \
            grep -q "^Summary $ty on h$i: same network 4/4 reachable; other tenant 6/6 isolated (identical IPs); OK$" "$dir/matrix-$i.log"
    done
done

# The matrix must notice an unreachable endpoint: with red-vx-h3's eth0
# down, h1's vxlan row misses it and demo.sh exits 1.
ip -n "$p-h3-red-vx" link set eth0 down
demo matrix 1 >"$dir/matrix-down.log" 2>&1 && rc=0 || rc=$?
check "demo.sh matrix exits 1 and names the pair when an endpoint is down" \
    bash -c "[ $rc -eq 1 ] && grep -q '^Summary vxlan on h1: same network 3/4 reachable; .*1 UNEXPECTED: red-vx-h1->red-vx-h3$' '$dir/matrix-down.log'"
ip -n "$p-h3-red-vx" link set eth0 up

if command -v vagrant >/dev/null; then
    check "vagrant validate accepts vagrant/Vagrantfile" \
        bash -c "cd '$src/vagrant' && VAGRANT_HOME=$dir/vagrant-home vagrant validate --ignore-provider >/dev/null"
    check "vagrant validate accepts the low-resource profile (WEFT_VAGRANT_PROFILE=low, 2 VMs)" \
        bash -c "cd '$src/vagrant' && WEFT_VAGRANT_PROFILE=low WEFT_VMS=2 VAGRANT_HOME=$dir/vagrant-home vagrant validate --ignore-provider >/dev/null"
    check "the Vagrantfile refuses a bad setting, naming it (WEFT_VMS=1)" \
        bash -c "cd '$src/vagrant' && ! WEFT_VMS=1 VAGRANT_HOME=$dir/vagrant-home vagrant validate --ignore-provider >'$dir/validate.log' 2>&1 &&
                 grep -q 'WEFT_VMS=1: want a number in 2..9' '$dir/validate.log'"
else
    echo "SKIP: vagrant validate (vagrant not installed: scripts/install-deps.sh)"
fi
if command -v shellcheck >/dev/null; then
    check "provisioning scripts are shellcheck-clean" \
        shellcheck -x "$src/vagrant/provision-host.sh" "$src/vagrant/provision-controller.sh" \
            "$src/vagrant/demo.sh" "$src/vagrant/build-box.sh" "$src/vagrant/stage-weft.sh" \
            "$src/vagrant/boot-test.sh" "$src/vagrant/apt-missing.sh"
fi

report
