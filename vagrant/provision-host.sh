#!/bin/bash
# provision-host.sh: makes a machine a weft host.  Run as root on every VM
# of the Vagrant lab (vagrant/Vagrantfile), and by tests/lab/test-provision.sh
# inside a namespace host, so that the VM path is the tested path.
#
#   provision-host.sh TUNNEL_IP/LEN UNDERLAY_IFACE [DATAPATH [UPLINK_IFACE]]
#
# 1. installs Open vSwitch and weft's run-time libraries from Debian
#    (those missing);
# 2. starts it: the system's openvswitch-switch service, or, if
#    WEFT_OVS_RUNDIR is set, a private ovsdb-server + ovs-vswitchd with all
#    their files in that directory (how the lab test runs it);
# 3. creates br-phy (DATAPATH: "system", the default, or "netdev"), plugs
#    UNDERLAY_IFACE into it and moves the tunnel IP onto br-phy;
# 4. lets weftd in: the Open_vSwitch database listens on ptcp:6640:TUNNEL_IP
#    (only on the underlay address);
# 5. brings UPLINK_IFACE (the VLAN trunk, host-add --uplink) up, unaddressed:
#    weftd plugs it into br-int, but neither OVS nor weftd sets it up.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 TUNNEL_IP/LEN UNDERLAY_IFACE [DATAPATH [UPLINK_IFACE]]" >&2; exit 2; }
cidr=$1
iface=$2
datapath=${3:-system}
uplink=${4:-}
ip_only=${cidr%/*}
[ "$ip_only" != "$cidr" ] || { echo "$0: TUNNEL_IP needs a /LEN" >&2; exit 2; }

say() { echo "provision-host[$ip_only]: $*"; }

# 1. Packages: OVS, and what weft's binaries (vagrant/stage-weft.sh) and
# demo.sh need.  The low profile's box (build-box.sh) has them all.
# shellcheck source-path=SCRIPTDIR source=apt-missing.sh
. "$(dirname "$0")/apt-missing.sh"
apt_install_missing "provision-host[$ip_only]" \
    openvswitch-switch openvswitch-common iproute2 ethtool jq iputils-ping \
    libjansson4 libevent-2.1-7 libevent-pthreads-2.1-7 libcurl4 libunbound8

# 2. Daemons.
vsctl=(ovs-vsctl --timeout=10)
if [ -n "${WEFT_OVS_RUNDIR:-}" ]; then
    d=$WEFT_OVS_RUNDIR
    export OVS_RUNDIR=$d OVS_DBDIR=$d OVS_LOGDIR=$d OVS_SYSCONFDIR=$d
    vsctl+=(--db="unix:$d/db.sock")
    if [ ! -s "$d/ovsdb-server.pid" ] || ! kill -0 "$(cat "$d/ovsdb-server.pid")" 2>/dev/null; then
        say "starting a private ovsdb-server and ovs-vswitchd in $d"
        [ -f "$d/conf.db" ] || ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema
        ovsdb-server "$d/conf.db" --remote=punix:"$d/db.sock" \
            --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
            --pidfile="$d/ovsdb-server.pid" --unixctl="$d/ovsdb-server.ctl" \
            --log-file="$d/ovsdb-server.log" --detach
        "${vsctl[@]}" --no-wait init
        ovs-vswitchd unix:"$d/db.sock" --pidfile="$d/ovs-vswitchd.pid" \
            --unixctl="$d/ovs-vswitchd.ctl" --log-file="$d/ovs-vswitchd.log" --detach
    fi
else
    say "starting openvswitch-switch"
    systemctl enable --now openvswitch-switch >/dev/null
fi

# 3. br-phy with the tunnel IP.
say "br-phy ($datapath) on $iface, $cidr"
"${vsctl[@]}" --may-exist add-br br-phy -- set bridge br-phy datapath_type="$datapath" \
    -- --may-exist add-port br-phy "$iface"
ip link set "$iface" up
ip addr del "$cidr" dev "$iface" 2>/dev/null || true
ip addr replace "$cidr" dev br-phy
ip link set br-phy up

# 4. The database for weftd, on the underlay address only.
"${vsctl[@]}" set-manager "ptcp:6640:$ip_only"

# 5. The VLAN uplink.
if [ -n "$uplink" ]; then
    ip addr flush dev "$uplink"
    ip link set "$uplink" up
fi
say "ready: register with weftctl host-add NAME --remote=tcp:$ip_only:6640 --tunnel-ip=$ip_only --datapath-type=$datapath${uplink:+ --uplink=$uplink}"
