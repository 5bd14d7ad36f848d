#!/bin/bash
# boot-test.sh: the Vagrant lab booted for real, end to end.  On demand, not
# in CI (tens of minutes under emulation).  Run as root from anywhere:
#
#   vagrant/boot-test.sh [--keep] [--no-reload] [--log FILE]
#
#   1. libvirt: installs what is missing (vagrant, vagrant-libvirt, libvirt,
#      QEMU, debootstrap...: Debian packages); starts virtlogd and libvirtd
#      by hand where systemd is not PID 1 (containers), and stops them again
#      at the end;
#   2. the box: vagrant/build-box.sh if $WEFT_BOX (the profile's box) is
#      not in `vagrant box list`;
#   3. weft: vagrant/stage-weft.sh (built once, here);
#   4. `vagrant up` of the VMs ($WEFT_VMS, default 3), provisioner
#      "controller" on weft1 (weft's DB and weftd as systemd units, every VM
#      registered with the kernel datapath);
#   5. the kernel datapath on every VM: the openvswitch module loaded,
#      ovs-system in ovs-dpctl, br-int of datapath_type system;
#   6. the demo (demo-attach on every VM, then demo-matrix): every VM's rows
#      of the connectivity matrix over VXLAN, GRE and the VLAN trunk must say
#      OK: every same-network pair across VMs reached, every pair with the
#      other tenant isolated;
#   7. unless --no-reload: `vagrant reload weft1`; weft-db and weftd come back
#      as services with the same hosts, networks and ports (the DB is in
#      /var/lib/weft), and after demo-attach on weft1 (its endpoint
#      namespaces died with the reboot) the whole matrix is OK again;
#   8. `vagrant destroy -f` (unless --keep), and the libvirt networks the lab
#      made are removed.
#
# Settings: the Vagrantfile's (WEFT_VAGRANT_PROFILE, default "low" here,
# WEFT_BOX, WEFT_LIBVIRT_DRIVER, WEFT_VM_CPUS, WEFT_VM_MEMORY, WEFT_VMS).
# Prints each step's time and a summary; exit 0 only if every check passed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
keep=false
reload=true
log=
while [ $# -gt 0 ]; do
    case $1 in
        --keep) keep=true; shift ;;
        --no-reload) reload=false; shift ;;
        --log) log=$2; shift 2 ;;
        --log=*) log=${1#*=}; shift ;;
        *) echo "usage: $0 [--keep] [--no-reload] [--log FILE]" >&2; exit 2 ;;
    esac
done
if [ -n "$log" ]; then
    exec > >(tee "$log") 2>&1
fi
[ "$(id -u)" = 0 ] || { echo "$0: run as root (libvirt's system connection)" >&2; exit 1; }

export WEFT_VAGRANT_PROFILE=${WEFT_VAGRANT_PROFILE:-low}
export VAGRANT_DEFAULT_PROVIDER=libvirt
n_vms=${WEFT_VMS:-3}
box=${WEFT_BOX:-}
if [ -z "$box" ]; then
    case $WEFT_VAGRANT_PROFILE in
        low) box=weft/debian12 ;;
        *) box=debian/bookworm64 ;;
    esac
fi
vms=()
for i in $(seq 1 "$n_vms"); do vms+=("weft$i"); done

t_start=$(date +%s)
t_step=$t_start
times=()
step() {        # step NAME: closes the previous step's clock
    local now
    now=$(date +%s)
    echo "boot-test[$(date +%T)]: $*"
    t_step=$now
}
took() {        # took LABEL: records the time since the last step()
    local s=$(( $(date +%s) - t_step ))
    times+=("$(printf '%-34s %4d s (%d min %02d s)' "$1" "$s" $((s / 60)) $((s % 60)))")
}
n_pass=0
n_fail=0
check() {       # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then
        echo "PASS: $what"
        n_pass=$((n_pass + 1))
    else
        echo "FAIL: $what"
        n_fail=$((n_fail + 1))
    fi
}

# vagrant ARGS, without the box upload's progress bar (one line per percent).
vq() {
    vagrant "$@" 2>&1 | sed -u -e 's/\x1b\[K//g' -e 's/Progress: [0-9]*%//g' \
        | awk 'NF { print; fflush() }'
}

# 1. libvirt.
started=()
start_daemon() {    # start_daemon NAME: by hand, pid from its pidfile
    local name=$1 pidfile=/run/$1.pid
    if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        return 0
    fi
    "$name" -d
    local i
    for i in $(seq 50); do
        [ -s "$pidfile" ] && break
        sleep 0.2
    done
    started+=("$(cat "$pidfile")")
    echo "boot-test: started $name (pid $(cat "$pidfile"))"
}
cleanup_networks() {
    local n
    for n in weft-underlay weft-trunk vagrant-libvirt; do
        if virsh -q net-info "$n" >/dev/null 2>&1; then
            virsh -q net-destroy "$n" >/dev/null 2>&1 || true
            virsh -q net-undefine "$n" >/dev/null 2>&1 || true
        fi
    done
}
finish() {
    local rc=$?
    cd "$here"
    local pid
    if ! $keep; then        # --keep: the VMs stay, and libvirt with them
        step "vagrant destroy -f"
        vagrant destroy -f >/dev/null 2>&1 || rc=1
        took "destroy"
        cleanup_networks
        for pid in "${started[@]}"; do
            kill "$pid" 2>/dev/null || true
        done
    fi
    echo
    echo "== boot test: $n_pass passed, $n_fail failed (exit $rc)"
    printf '  %s\n' "${times[@]}"
    local total=$(( $(date +%s) - t_start ))
    printf '  %-34s %4d s (%d min %02d s)\n' "total" "$total" $((total / 60)) $((total % 60))
    if [ "$rc" = 0 ] && [ "$n_fail" -gt 0 ]; then
        rc=1
    fi
    exit "$rc"
}
trap finish EXIT

step "libvirt (profile $WEFT_VAGRANT_PROFILE: driver ${WEFT_LIBVIRT_DRIVER:-of the profile}, $n_vms VMs)"
# What it needs, from Debian (like the README's test command, it installs
# what is missing).
# shellcheck source-path=SCRIPTDIR source=apt-missing.sh
. "$here/apt-missing.sh"
apt_install_missing boot-test vagrant vagrant-libvirt libvirt-daemon-system \
    qemu-system-x86 qemu-utils debootstrap grub-pc-bin fdisk rsync dnsmasq-base iptables
if [ -d /run/systemd/system ]; then
    systemctl start virtlogd.socket libvirtd.socket 2>/dev/null || systemctl start libvirtd
else
    start_daemon virtlogd
    start_daemon libvirtd
fi
export LIBVIRT_DEFAULT_URI=qemu:///system
virsh -q version >/dev/null
cd "$here"
# A stale run's VMs and networks.
vagrant destroy -f >/dev/null 2>&1 || true
cleanup_networks

# 2. The box.
step "box $box"
if ! vagrant box list 2>/dev/null | grep -q "^$box "; then
    [ "$box" = weft/debian12 ] \
        || { echo "boot-test: box $box is missing and only weft/debian12 is built here" >&2; exit 1; }
    "$here/build-box.sh" --name "$box"
fi
took "box (build-box.sh if missing)"

# 3. weft, built once.
step "weft for the VMs (stage-weft.sh)"
"$here/stage-weft.sh"
took "stage weft"

# 4. The VMs and the controller.
step "vagrant up (${vms[*]})"
vq up
took "vagrant up ($n_vms VMs)"
step "controller on weft1"
vq provision weft1 --provision-with controller
took "controller (weft-db, weftd, hosts)"

on() {          # on VM COMMAND: runs COMMAND as root on VM
    local vm=$1
    shift
    vagrant ssh "$vm" -c "sudo bash -c '$*'" -- -q 2>/dev/null
}
shows() {       # shows VM COMMAND ERE: COMMAND's output on VM has a line matching ERE
    on "$1" "$2" | grep -qE "$3"
}

# 5. The kernel datapath.
step "kernel datapath"
for vm in "${vms[@]}"; do
    check "$vm: the openvswitch kernel module is loaded" \
        shows "$vm" lsmod '^openvswitch '
    check "$vm: ovs-dpctl shows the kernel datapath ovs-system" \
        shows "$vm" "ovs-dpctl show" '^system@ovs-system:'
    check "$vm: br-int is datapath_type system" \
        shows "$vm" "ovs-vsctl get bridge br-int datapath_type" '^"?system"?$'
done
check "weft1: weft-db and weftd are active systemd units" \
    on weft1 "systemctl is-active -q weft-db weftd"

# 6. The demo and its matrix.
matrix() {      # matrix OUTFILE: demo-matrix on every VM, checked
    local out=$1 vm ok=true
    vagrant provision --provision-with demo-matrix >"$out" 2>&1 || ok=false
    sed -n 's/^ *weft[0-9]*: //p' "$out" | grep -E '^(==|red-|blue-|Summary| {14})' || true
    for vm in "${vms[@]}"; do
        for t in vxlan gre vlan; do
            check "matrix $t on $vm: every same-network pair reached, the other tenant isolated" \
                grep -qE "Summary $t on $vm: same network ([0-9]+)/\\1 reachable; other tenant ([0-9]+)/\\2 isolated .*OK" "$out"
        done
    done
    check "demo-matrix exited 0 on every VM" $ok
}
step "demo: attach"
vq provision --provision-with demo-attach
took "demo attach"
step "demo: matrix"
matrix /tmp/weft-boot-matrix.$$
took "demo matrix"

# 7. Reload of the controller VM.
if $reload; then
    # shellcheck disable=SC2016 # expanded on the VM
    inventory='for l in host-list tenant-list net-list port-list; do weftctl $l | cut -d" " -f1; done'
    before=$(on weft1 "$inventory")
    step "vagrant reload weft1"
    vq reload weft1
    took "reload weft1"
    check "after reload: weft-db and weftd are active again" \
        on weft1 "systemctl is-active -q weft-db weftd"
    check "after reload: the database kept every host, tenant, network and port ($(echo "$before" | wc -l))" \
        test "$(on weft1 "$inventory")" = "$before"
    check "after reload: weftctl sync (every host programmed)" \
        on weft1 "weftctl --timeout=300 sync"
    step "demo after reload: attach on weft1, matrix everywhere"
    vq provision weft1 --provision-with demo-attach
    matrix /tmp/weft-boot-matrix2.$$
    took "reload demo"
fi
rm -f /tmp/weft-boot-matrix.$$ /tmp/weft-boot-matrix2.$$
