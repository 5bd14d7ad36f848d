#!/bin/bash
# test-roles: OpenFlow controller roles (ofproto/of-role.h, issue #16) and
# a host's read-only OVSDB side (ovsdb/host-db.h) against a real
# ovs-vswitchd 3.1 and ovsdb-server, with tests/weft-ofrole (weftd's
# sessions alone; the two-weftd takeover is tests/sim/test-ha.sh's).
#
#  1. Two sessions on one bridge: "a" primary (generation 3), "b" standby;
#     both want the same flows; a installs them, b sends no bundle.
#  2. b claims generation 4: OVS demotes a (a role status: a is stale, it
#     learns generation 4); b reads back and sends 0 flow_mods; the flows
#     are unchanged (dump without counters).
#  3. a claims generation 2: OVS refuses it as stale.
#  4. a (stale) wants 5 flows, b 4: only b's 4 are on the switch.
#  5. weftd (the only one: active) shows role=primary in weft/hosts.
#  6. A host's OVSDB session on a database without br-int: read-only, it
#     reads and writes nothing (no br-int); writable, it creates br-int.
set -euo pipefail
. "$(dirname "$0")/sim-lib.sh"

sim_start 1
check "weftd made br-int" ctl --timeout=120 sync
tool=$sim_build/tests/weft-ofrole

echo "== 1-4. roles on bridge brr"
mgmt=$(sim_hdir 1)/brr.mgmt
sim_vsctl 1 add-br brr -- set bridge brr datapath_type=system \
    fail_mode=secure protocols=OpenFlow13,OpenFlow14,OpenFlow15
wait_for 30 test -S "$mgmt"
flows() { ovs-ofctl -O OpenFlow15 dump-flows --no-stats unix:"$mgmt" \
          | sed 's/^ *//' | sort; }
nflows() { flows | grep -c 'actions=output' || true; }

coproc ROLES { "$tool" roles unix:"$mgmt" 2>"$SIM_DIR/weft-ofrole.log"; }
step() {    # step: the tool's next line (empty on timeout or exit)
    local line=
    IFS= read -r -t 60 line <&"${ROLES[0]}" || true
    echo "$line"
}
next() { echo next >&"${ROLES[1]}"; }

out=$(step); echo "   $out"
check "a primary installed 3 flows, b standby sent no bundle" \
    [ "$out" = "a primary flow_mods=3 b standby bundles=0" ]
check "the switch holds the 3 flows" [ "$(nflows)" = 3 ]
before=$(flows)
next

out=$(step); echo "   $out"
check "b took over with 0 flow_mods; a demoted (stale) at generation 4" \
    [ "$out" = "b primary flow_mods=0 a stale switch_generation=4" ]
check "flows unchanged by the takeover" [ "$(flows)" = "$before" ]
next

out=$(step); echo "   $out"
check "a's claim with generation 2 refused as stale" \
    [ "$out" = "a stale switch_generation=4" ]
next

out=$(step); echo "   $out"
check "a stale sends no bundle, b installs its change" \
    [ "$out" = "a bundles=0 b flow_mods=1" ]
check "the switch holds b's 4 flows, none of a's" [ "$(nflows)" = 4 ]
check "no flow for a's in_port=5" eval '! flows | grep -q "in_port=5"'
next
wait "$ROLES_PID" 2>/dev/null || true

echo "== 5. weftd, the only one: primary"
check "weft/hosts says role=primary" \
    eval 'ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/hosts | grep -q " role=primary$"'

echo "== 6. a host's OVSDB side, read-only"
hdb=$SIM_DIR/hdb
mkdir -p "$hdb"
ovsdb-tool create "$hdb/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server "$hdb/conf.db" --remote=punix:"$hdb/db.sock" \
    --pidfile="$hdb/ovsdb-server.pid" --unixctl="$hdb/ovsdb-server.ctl" \
    --log-file="$hdb/ovsdb-server.log" --detach --no-chdir 2>/dev/null
hvsctl() { ovs-vsctl --timeout=10 --db=unix:"$hdb/db.sock" "$@"; }
hvsctl --no-wait init
out=$("$tool" db unix:"$hdb/db.sock" ro 2>>"$SIM_DIR/weft-ofrole.log" | tr '\n' ' ')
echo "   $out"
check "read-only: read the database, wrote no br-int" \
    [ "$out" = "read no br-int " ]
check "no br-int in the host's database" eval '! hvsctl br-exists br-int'
out=$("$tool" db unix:"$hdb/db.sock" rw 2>>"$SIM_DIR/weft-ofrole.log" | tr '\n' ' ')
echo "   $out"
check "writable: created br-int" [ "$out" = "read br-int " ]
check "br-int in the host's database" hvsctl br-exists br-int

sim_finish
