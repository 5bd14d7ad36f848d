# shellcheck shell=bash
# sim-lib.sh: a multi-host weft simulation on dummy datapaths, no per-host namespaces.
#
# Source it from a test script.  Every simulated host is its own
# ovsdb-server and "ovs-vswitchd --enable-dummy=system", all in one network
# namespace of the test's own (sim_isolate()), not in the root
# namespace, each with its own run directory (unix sockets only) under one
# mktemp -d directory.  One weft database and one weftd drive them all.
#
# Why --enable-dummy=system: it replaces only the "system" datapath and the
# "system" netdev type with their dummy (userspace) versions.  Tunnel ports
# keep their real vport classes, so the userspace datapath does real
# tunnel push/pop.  Hosts are registered with --datapath-type=system, so
# br-int is a dummy datapath whose internal ports are "dummy-internal" (no
# tap devices in the root namespace), and the interfaces weftd creates with
# an empty type (a system device) open as netdev-dummy devices, which
# "ovs-appctl netdev-dummy/receive" can inject into.  weft needs no change.
#
# The underlay: each host has an underlay bridge (not weft's) named $SIM_PHY
# ("wsp" + a per-run suffix), whose dummy-internal port holds the host's
# tunnel IP 192.0.2.N/24 and MAC 02:00:c0:00:02:NN.  Each pair of hosts is
# joined by a netdev-dummy link (options:pstream on the lower-numbered host,
# options:stream on the other) named l-J on host I.  The underlay bridge
# forwards by destination MAC with static flows (no loops, no learning);
# neighbours are preset with tnl/neigh/set, as in OVS's
# tests/tunnel-push-pop.at.
#
# One wrinkle: weft sets options:local_ip on its tunnels, and OVS 3.1's
# native tunneling then requires a "local" route for that source address
# (ovs_router_lookup), which only the kernel routing table can supply;
# "ovs/route/add" routes are never local.  So the simulation creates one
# veth named $SIM_PHY (down, no address, with peer ${SIM_PHY}p) and the
# route "local 192.0.2.0/24 dev $SIM_PHY table 4242": a table no ip rule
# uses, so the kernel never consults it, but every ovs-vswitchd imports it,
# and since the device name equals the underlay bridge's, each one accepts
# it with its own tunnel IP as source.  Both are deleted on exit.
#
# API:
#   sim_start H            start H hosts h1..hH, the weft DB and weftd
#                          (weftd --self-check)
#                          (SIM_HOST_ARGS[N], if set: more host-add options
#                          for hN, e.g. --openflow-remote=tcp:...)
#   ctl ARGS...            weftctl against the simulation's database
#   sim_vsctl N ARGS...    ovs-vsctl on host hN
#   sim_appctl N ARGS...   ovs-appctl to hN's ovs-vswitchd
#   sim_ofctl N ARGS...    ovs-ofctl (OpenFlow15) on hN's br-int
#   sim_dp_port N IFACE    the datapath port number of IFACE on hN
#   sim_ofport N IFACE     the OpenFlow port number of IFACE on hN
#   sim_trace N FLOW       "ofproto/trace br-int FLOW" on hN
#   sim_dp_actions N FLOW  only the "Datapath actions:" of that trace
#   sim_wait_ports N IFACE...  until each IFACE has an ofport on hN
#   check DESC CMD...      count a PASS/FAIL
#   sim_finish             print "N passed, M failed", return non-zero on failure
#
# Everything started is killed by pid on EXIT.

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../testlib.sh"

sim_src=${WEFT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
sim_build=${WEFT_BUILD_DIR:-$sim_src/build}
sim_weftd=$sim_build/controller/weftd
sim_weftctl=$sim_build/controller/weftctl
SIM_DIR=
SIM_HOSTS=0
SIM_PHY=
SIM_RT_TABLE=4242

sim_cleanup() {
    local rc=$?
    [ -n "$SIM_DIR" ] && [ -d "$SIM_DIR" ] || return 0
    keep_logs "$rc" "$(basename "$0" .sh)" "$SIM_DIR"
    # A clean exit first, so that a sanitizer build of weftd reports leaks.
    ovs-appctl --timeout=10 -t "$SIM_DIR/weftd.ctl" exit 2>/dev/null || true
    [ -n "$SIM_PHY" ] && ip link del "$SIM_PHY" 2>/dev/null
    kill_pidfiles "$SIM_DIR"/*.pid "$SIM_DIR"/h*/*.pid
    if [ -n "${SIM_KEEP:-}" ]; then
        echo "sim: kept $SIM_DIR"
    else
        rm -rf "$SIM_DIR"
    fi
    return 0
}
trap sim_cleanup EXIT

sim_finish() { report; }

sim_hdir() { echo "$SIM_DIR/h$1"; }
sim_tunnel_ip() { echo "192.0.2.$1"; }
sim_phy_mac() { printf '02:00:c0:00:02:%02x\n' "$1"; }

ctl() { "$sim_weftctl" --db=unix:"$SIM_DIR/weft.sock" "$@"; }
sim_vsctl() { local n=$1; shift; ovs-vsctl --timeout=10 --db=unix:"$(sim_hdir "$n")/db.sock" "$@"; }
sim_appctl() { local n=$1; shift; ovs-appctl -t "$(sim_hdir "$n")/ovs-vswitchd.ctl" "$@"; }
sim_ofctl() {   # sim_ofctl N COMMAND [ARGS...]: on hN's br-int
    local n=$1 cmd=$2
    shift 2
    ovs-ofctl -O OpenFlow15 "$cmd" unix:"$(sim_hdir "$n")/br-int.mgmt" "$@"
}

# The datapath port number of IFACE on hN ("IFACE OFPORT/DPPORT:" in dpif/show).
sim_dp_port() {
    sim_appctl "$1" dpif/show \
        | awk -v i="$2" '$1 == i { split($2, a, "/"); sub(":", "", a[2]); print a[2] }'
}
sim_ofport() { sim_vsctl "$1" get interface "$2" ofport; }

sim_trace() { local n=$1; shift; sim_appctl "$n" ofproto/trace br-int "$@"; }
sim_dp_actions() {
    local n=$1
    shift
    sim_trace "$n" "$@" | sed -n 's/^Datapath actions: //p'
}

sim_wait_ports() {  # sim_wait_ports N IFACE...
    local n=$1 i
    shift
    for i in "$@"; do
        wait_for 60 bash -c "p=\$(ovs-vsctl --db=unix:$(sim_hdir "$n")/db.sock \
            get interface $i ofport 2>/dev/null) && [ \"\$p\" -gt 0 ] 2>/dev/null" \
            || { echo "sim: h$n: $i has no ofport" >&2; return 1; }
    done
}

sim_local_routes() {
    local n
    for n in $(seq 1 "$SIM_HOSTS"); do
        sim_appctl "$n" ovs/route/show \
            | grep -q "192.0.2.0/24 dev $SIM_PHY SRC $(sim_tunnel_ip "$n") local" \
            || return 1
    done
}

sim_start_host() {  # sim_start_host N
    local n=$1 d
    d=$(sim_hdir "$n")
    mkdir -p "$d"
    ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    (
        export OVS_RUNDIR=$d OVS_DBDIR=$d OVS_LOGDIR=$d OVS_SYSCONFDIR=$d
        ovsdb-server "$d/conf.db" --remote=punix:"$d/db.sock" \
            --pidfile="$d/ovsdb-server.pid" --unixctl="$d/ovsdb-server.ctl" \
            --log-file="$d/ovsdb-server.log" --detach --no-chdir 2>/dev/null
        ovs-vsctl --db=unix:"$d/db.sock" --no-wait init
        ovs-vswitchd unix:"$d/db.sock" --enable-dummy=system \
            --pidfile="$d/ovs-vswitchd.pid" --unixctl="$d/ovs-vswitchd.ctl" \
            --log-file="$d/ovs-vswitchd.log" --detach --no-chdir 2>/dev/null
    )
}

# $SIM_PHY on hN: the tunnel IP, one link per other host, static forwarding.
sim_underlay_host() {
    local n=$1 h=$SIM_HOSTS j d args=()
    d=$(sim_hdir "$n")
    args=(add-br "$SIM_PHY" -- set bridge "$SIM_PHY" datapath_type=system
          fail_mode=secure other-config:hwaddr="$(sim_phy_mac "$n")")
    for j in $(seq 1 "$h"); do
        [ "$j" -eq "$n" ] && continue
        local a b opt
        if [ "$n" -lt "$j" ]; then
            a=$n b=$j opt="options:pstream=punix:$SIM_DIR/link-$a-$b.sock"
        else
            a=$j b=$n opt="options:stream=unix:$SIM_DIR/link-$a-$b.sock"
        fi
        args+=(-- add-port "$SIM_PHY" "l-$j" -- set interface "l-$j" type=dummy
               ofport_request="$j" "$opt")
    done
    sim_vsctl "$n" "${args[@]}"
    local of="unix:$d/$SIM_PHY.mgmt"
    ovs-ofctl add-flow "$of" "priority=100,dl_dst=$(sim_phy_mac "$n"),actions=LOCAL"
    for j in $(seq 1 "$h"); do
        [ "$j" -eq "$n" ] && continue
        ovs-ofctl add-flow "$of" "priority=100,in_port=LOCAL,dl_dst=$(sim_phy_mac "$j"),actions=output:$j"
    done
    sim_appctl "$n" netdev-dummy/ip4addr "$SIM_PHY" "$(sim_tunnel_ip "$n")/24" >/dev/null
    sim_appctl "$n" ovs/route/add "$(sim_tunnel_ip "$n")/24" "$SIM_PHY" >/dev/null
    for j in $(seq 1 "$h"); do
        [ "$j" -eq "$n" ] && continue
        sim_appctl "$n" tnl/neigh/set "$SIM_PHY" "$(sim_tunnel_ip "$j")" "$(sim_phy_mac "$j")" >/dev/null
    done
}

# sim_start H: H hosts registered in weft (h1..hH), weft DB, weftd.
# With SIM_UPLINK=IFACE set, every host gets that uplink (VLAN networks).
# Re-runs the calling test script inside a network namespace of its own, so
# that the veth and the local route the simulated underlay needs (see above)
# never touch the machine's own namespace.  Called by sim_start(); the outer
# run waits for the inner one and deletes the namespace.
sim_isolate() {
    if [ -n "${SIM_NETNS:-}" ]; then
        ip link set lo up
        return 0
    fi
    local ns="weftsim-$$" rc=0
    ip netns add "$ns"
    SIM_NETNS=$ns ip netns exec "$ns" bash "$0" || rc=$?
    ip netns del "$ns"
    exit $rc
}

sim_start() {
    sim_isolate
    SIM_HOSTS=$1
    SIM_DIR=$(mktemp -d /tmp/weft-sim.XXXXXX)
    SIM_PHY=wsp${SIM_DIR##*.}
    ip link add "$SIM_PHY" type veth peer name "${SIM_PHY}p"
    local n
    for n in $(seq 1 "$SIM_HOSTS"); do
        sim_start_host "$n"
    done
    for n in $(seq 1 "$SIM_HOSTS"); do
        sim_underlay_host "$n"
    done
    # Every underlay bridge has its address now: each ovs-vswitchd imports
    # the kernel route when told of it.  Once more if one missed it.
    local try
    for try in 1 2 3; do
        ip route replace local 192.0.2.0/24 dev "$SIM_PHY" table $SIM_RT_TABLE
        if wait_for 10 sim_local_routes; then
            break
        fi
        ip route del local 192.0.2.0/24 dev "$SIM_PHY" table $SIM_RT_TABLE
        [ $try -eq 3 ] && { echo "sim: no local route for the tunnel IPs" >&2; return 1; }
    done
    ovsdb-tool create "$SIM_DIR/weft.db" "$sim_src/ovsdb/weft.ovsschema"
    (
        export OVS_RUNDIR=$SIM_DIR OVS_DBDIR=$SIM_DIR OVS_LOGDIR=$SIM_DIR
        ovsdb-server "$SIM_DIR/weft.db" --remote=punix:"$SIM_DIR/weft.sock" \
            --pidfile="$SIM_DIR/weft-db.pid" --unixctl="$SIM_DIR/weft-db.ctl" \
            --log-file="$SIM_DIR/weft-db.log" --detach --no-chdir 2>/dev/null
    )
    ctl init
    for n in $(seq 1 "$SIM_HOSTS"); do
        ctl host-add "h$n" --remote=unix:"$(sim_hdir "$n")/db.sock" \
            --tunnel-ip="$(sim_tunnel_ip "$n")" --datapath-type=system ${SIM_UPLINK:+--uplink="$SIM_UPLINK"} \
            ${SIM_HOST_ARGS[$n]:-}
    done
    (
        export OVS_RUNDIR=$SIM_DIR OVS_DBDIR=$SIM_DIR OVS_LOGDIR=$SIM_DIR
        # $WEFT_WEFTD_OPTS is --self-check (testlib.sh): the patched desired
        # state is checked against a full load and every incremental compile
        # against a full one; weftd aborts (and the test fails) on a
        # difference.
        # shellcheck disable=SC2086 # $WEFT_WEFTD_OPTS: words
        "$sim_weftd" --db=unix:"$SIM_DIR/weft.sock" \
            --pidfile="$SIM_DIR/weftd.pid" --unixctl="$SIM_DIR/weftd.ctl" \
            --log-file="$SIM_DIR/weftd.log" --detach --no-chdir \
            $WEFT_WEFTD_OPTS 2>/dev/null
    )
}

# sim_summary N ACTIONS: datapath actions of a trace on hN as a sorted,
# space-separated summary: local ports by name ("vxr1"), tunnel pushes as
# "tnl:REMOTE_IP:KEY" (key in decimal), pushed VLAN tags as "vlan:VID",
# "pop_vlan", or "drop".  Outputs to the underlay links (l-J) after a push
# are left out: the tunnel's remote IP already says where it goes.
sim_summary() {
    local n=$1 acts=$2 map
    map=$(sim_appctl "$n" dpif/show \
          | awk '$2 ~ /^[0-9]+\/[0-9]+:$/ { split($2, a, "/"); sub(":", "", a[2]); print a[2], $1 }')
    {
        # Each tunnel header: its outer IPv4 destination, then its key.
        grep -oE 'tnl_push\(|ipv4\(src=[0-9.]+,dst=[0-9.]+|(vni|key)=0x[0-9a-f]+' <<<"$acts" \
            | awk '/^tnl_push/ { t = 1; next }
                   t && /^ipv4/ { sub(/.*dst=/, ""); d = $0; next }
                   t && /=0x/ { sub(/.*=0x/, ""); print d, $0; t = 0 }' \
            | while read -r d k; do echo "tnl:$d:$((16#$k))"; done
        # Everything outside tunnel headers.
        awk -v s="$acts" -v map="$map" 'BEGIN {
            nm = split(map, m, "\n")
            for (i = 1; i <= nm; i++) { split(m[i], kv, " "); name[kv[1]] = kv[2] }
            out = ""; skip = 0; depth = 0
            for (i = 1; i <= length(s); i++) {
                if (!skip && substr(s, i, 9) == "tnl_push(") { skip = 1; depth = 1; i += 8; out = out ","; continue }
                c = substr(s, i, 1)
                if (skip) { if (c == "(") depth++; else if (c == ")" && --depth == 0) skip = 0; continue }
                out = out c
            }
            nt = split(out, tok, /[,()]/)
            for (i = 1; i <= nt; i++) {
                t = tok[i]
                if (t ~ /^[0-9]+$/) { t = (t in name) ? name[t] : "dp:" t; if (t !~ /^l-/) print t }
                else if (t ~ /^vid=/) { sub(/vid=/, "", t); print "vlan:" t }
                else if (t == "pop_vlan" || t == "drop") print t
            }
        }'
    } | sort | tr '\n' ' ' | sed 's/ $//'
}

# sim_path N FLOW: the summary of "ofproto/trace br-int FLOW" on hN.
sim_path() { sim_summary "$1" "$(sim_dp_actions "$1" "$2")"; }

# sim_expect_path DESC N FLOW EXPECTED: one check; EXPECTED as sim_summary
# prints it (sorted).
sim_expect_path() {
    local what=$1 n=$2 flow=$3 want got
    want=$(tr ' ' '\n' <<<"$4" | sort | tr '\n' ' ' | sed 's/ $//')
    got=$(sim_path "$n" "$flow")
    if [ "$got" = "$want" ]; then
        ok "$what"
    else
        bad "$what"
        echo "      h$n $flow"
        echo "      want: $want"
        echo "      got:  $got ($(sim_dp_actions "$n" "$flow"))"
    fi
}

# sim_tx N IFACE: packets hN has sent out of IFACE (OpenFlow port stats).
sim_tx() {
    sim_ofctl "$1" dump-ports "$(sim_ofport "$1" "$2")" \
        | sed -n 's/.*tx pkts=\([0-9]*\).*/\1/p' | head -1
}
