#!/bin/bash
# test-ops: the operators' commands of weftctl (cli/weftctl-ops.c and the
# commands' files cli/flows.c, cli/trace.c, cli/attach.c) on a 2-host weft-lab.
#
#   - flows: the switch's flows with names (stages, tenant/network/port
#     owners, port names), --host and --tenant filters;
#   - flows --diff: empty and exit 0 after convergence; after a flow is
#     deleted and another changed by hand with ovs-ofctl, and a foreign flow
#     added, it reports missing/different/extra with table names and exits
#     1 (like diff(1)); 2 when weftd cannot be asked; empty and 0 again
#     after weft/resync;
#   - trace: a cross-host ping is named (classify, red/vx/h1, l2_lookup,
#     the vx-h2 tunnel, br-phy's NORMAL as br-phy's) and followed to h2,
#     where it reaches red/vx/h2 and not blue's twin; a UDP flow is followed
#     to h2 with its ports; a VLAN network's packet is followed over the
#     uplink trunk to h2; an ARP request is answered on the first host;
#   - a port named like a tunnel (vx-h2) is refused by the API and by
#     weftctl; one written behind validation's back is not created, its
#     status says why, and both tenants' cross-host pings keep working;
#   - waits: "?wait=installed" and "weftctl --wait" answer only once every
#     host whose flows the change touches has them (h2 holds h1's new port's
#     MAC when the answer comes, checked once, without retrying), and the
#     201 shows the port's ofport and link; with h2's ovs-vswitchd stopped, a
#     change h2 has no part in still succeeds at once (and "sync" too: h2
#     has nothing to install), while one that h2 must install answers 504
#     naming h2 (weftctl: a timeout naming h2);
#   - attach/detach: a fresh namespace gets eth0 (MAC, IP, network MTU, tx
#     checksumming off), the port is registered and pings across hosts;
#     detach leaves no interface, OVS port or Port row behind.  An attach
#     that times out (h2's ovs-vswitchd stopped) leaves no Port row, veth or
#     OVS port and can be run again; detach also removes a half-made attach
#     (a Port row without its veth, a veth without its Port row);
#   - the lab's wrappers agree with weftd on one run directory: `weft-lab ctl
#     flows --diff` finds weftd, `weft-lab exec h1 -- ovs-vsctl show` finds
#     h1's OVS;
#   - a tenant's port says whose it is in the host's OVSDB
#     (external_ids:weft-name=TENANT/NET/PORT on its Interface and Port).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab-lib.sh disable=SC1091
source "$HERE/../../scripts/lab-lib.sh"

P=${WEFT_LAB_PREFIX:-$(test_prefix t6x)}
NS=${P}-att         # the namespace attach plugs in
NSH=${P}-half       # the namespace of the attaches that fail or half-fail
TMP=$(mktemp -d "/tmp/weft-$P.XXXXXX")

cleanup() {
    local rc=$?
    ip netns del "$NS" 2>/dev/null || true
    ip netns del "$NSH" 2>/dev/null || true
    lab_teardown "$P" "$TMP" "$rc"
}
trap cleanup EXIT

"$WEFT_LAB" --prefix "$P" down >/dev/null 2>&1 || true   # a stale run's
"$WEFT_LAB" --prefix "$P" up --hosts 2 --no-matrix

ST="$TMP/state.json"
"$WEFT_LAB" --prefix "$P" status --json > "$ST"
D=$(jq -r .dir "$ST")
hf() { jq -r --arg n "$1" ".hosts[] | select(.name == \$n) | .$2" "$ST"; }
ctl() { "$WEFT_BUILD_DIR/controller/weftctl" --db="unix:$D/weft.sock" \
        --weftd="$D/weftd.ctl" "$@"; }
# ctl without --weftd: attach/detach do not take it.
wctl() { "$WEFT_BUILD_DIR/controller/weftctl" --db="unix:$D/weft.sock" "$@"; }
of() { ovs-ofctl -O OpenFlow15 "$1" "unix:$D/$2/br-int.mgmt" "${@:3}"; }
out() { cat "$TMP/out"; }
quiet() { "$@" >/dev/null 2>&1; }
has() { grep -qE -- "$1" "$TMP/out"; }
lacks() { ! grep -qE -- "$1" "$TMP/out"; }
empty() { [ ! -s "$TMP/out" ]; }

# --- flows ----------------------------------------------------------------
ctl flows --host h1 > "$TMP/out"
check "flows: one header, for h1 only" \
    bash -c "[ \$(grep -c '^host ' $TMP/out) = 1 ] && grep -q '^host h1 ' $TMP/out"
check "flows: tables named after the pipeline stages" \
    has 'table="?l2_lookup"?,'
check "flows: cookies name their port, network or pipeline" \
    bash -c "grep -q 'in_port=\"red/vx/h1\".*# red/vx/h1\$' $TMP/out && grep -q 'tun_id=0x3e9.*# red/vx\$' $TMP/out && grep -q '# pipeline\$' $TMP/out"
check "flows: tunnel ports by name" has 'in_port="?vx-h2"?'
n_all=$(grep -c '^cookie=' "$TMP/out")
ctl flows --host h1 --tenant blue > "$TMP/out"
check "flows --tenant blue: only blue's flows" \
    bash -c "grep -q '# blue/' $TMP/out && ! grep -q '# red' $TMP/out && ! grep -q '# pipeline' $TMP/out"
check "flows --tenant: fewer flows than without ($n_all)" \
    [ "$(grep -c '^cookie=' "$TMP/out")" -lt "$n_all" ]
check "flows --tenant of an unknown tenant fails" \
    bash -c "! '$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock flows --tenant nosuch 2>/dev/null"

# --- flows --diff -----------------------------------------------------------
# Exit status like diff(1): 0 same, 1 different, 2 trouble.
diff_rc=0
ctl flows --diff > "$TMP/out" || diff_rc=$?
check "flows --diff: empty after convergence" empty
check "weft-lab ctl flows --diff finds weftd in the lab's run directory (empty)" \
    bash -c "'$WEFT_LAB' --prefix $P ctl flows --diff > $TMP/out 2>&1 && [ ! -s $TMP/out ] || { cat $TMP/out; false; }"
check "flows --diff: exit 0 when the switches have the desired flows" \
    [ "$diff_rc" = 0 ]
red_vx_h2_if=$(jq -r '.endpoints[] | select(.name == "red-vx-h2") | .iface' "$ST")
of del-flows h2 --strict "table=30,priority=100,reg10=0/1,metadata=0x1,dl_dst=02:00:01:01:00:01"
of mod-flows h2 --strict "table=10,priority=100,ip,in_port=$red_vx_h2_if,nw_src=10.0.0.12,actions=goto_table:40"
of add-flow h2 "table=40,priority=5,cookie=0x1234,actions=drop"
diff_rc=0
ctl flows --diff > "$TMP/out" || diff_rc=$?
out
check "flows --diff: exit 1 when flows differ" [ "$diff_rc" = 1 ]
check "flows --diff: the deleted flow is missing on h2, named, with its table's name" \
    has '^h2 missing +table=l2_lookup priority=100 .*dl_dst=02:00:01:01:00:01.*# red/vx/h1$'
check "flows --diff: the foreign flow is extra on h2" \
    has '^h2 extra +table=flood priority=5 .*# not weft.s$'
check "flows --diff: the flow changed by hand is different, tables named" \
    bash -c "grep -qE '^h2 different +table=port_sec priority=100 .*nw_src=10.0.0.12  # red/vx/h2\$' $TMP/out && grep -qE '^    desired: .*actions=goto_table:arp_respond\$' $TMP/out && grep -qE '^    switch: .*actions=goto_table:flood\$' $TMP/out"
check "flows --diff: nothing reported for h1" lacks '^h1 '
diff_rc=0
ctl flows --diff --host h2 --tenant blue > "$TMP/out" || diff_rc=$?
check "flows --diff --tenant blue: red's missing flow not shown, exit 0" \
    bash -c "! grep -q missing $TMP/out && [ $diff_rc = 0 ]"
diff_rc=0
"$WEFT_BUILD_DIR/controller/weftctl" --db="unix:$D/weft.sock" \
    --weftd="$TMP/no-weftd.ctl" flows --diff >/dev/null 2>"$TMP/err" || diff_rc=$?
check "flows --diff: exit 2 when weftd cannot be asked" \
    bash -c "[ $diff_rc = 2 ] && grep -q 'cannot connect to weftd' $TMP/err"
ovs-appctl -t "$D/weftd.ctl" weft/resync h2 >/dev/null
repaired() { ctl flows --diff > "$TMP/out" && empty; }
check "flows --diff: empty and exit 0 again after weft/resync h2" \
    wait_for 60 repaired

# --- trace ------------------------------------------------------------------
# One real packet first, so that h1 knows h2's underlay MAC and the trace
# goes on through br-phy (before that, the tunnel output stops at an ARP).
check "trace: red/vx/h1 pings red/vx/h2" \
    wait_for 60 quiet "$WEFT_LAB" --prefix "$P" exec red-vx-h1 -- ping -q -c1 -W1 10.0.0.12
ctl trace red/vx/h1 icmp,nw_dst=10.0.0.12 > "$TMP/out"
check "trace: starts on h1 with in_port/dl_src/nw_src/dl_dst filled in" \
    has "^=== host h1: .*in_port=[0-9]+,dl_src=02:00:01:01:00:01,nw_src=10.0.0.11,dl_dst=02:00:01:01:00:02'"
check "trace: classify names the sending port" has '^ 0\. .*# classify, red/vx/h1$'
check "trace: metadata is named as the network" has 'set_field:0x1->metadata +# network red/vx$'
check "trace: l2_lookup names the destination port" has '^30\. .*# l2_lookup, red/vx/h2$'
check "trace: leaves through the vxlan tunnel to h2" \
    has 'output:[0-9]+ +# -> vx-h2: vxlan tunnel to host h2'
check "trace: follows to h2 with tun_id 0x3e9" \
    has "^=== host h2: .*in_port=[0-9]+,tun_id=0x3e9,tun_src=172.31.255.1,tun_dst=172.31.255.2,"
check "trace: on h2 it enters from the tunnel and is delivered to red/vx/h2" \
    bash -c "grep -q '# in_port vx-h1: vxlan tunnel to host h1' $TMP/out && grep -q '^=== host h2: output to red/vx/h2\$' $TMP/out"
check "trace: never reaches blue" lacks 'blue'
check "trace: br-phy's NORMAL flow is br-phy's, not a stage of weft's" \
    bash -c "grep -qE '^ 0\. priority 0 +# bridge br-phy, not weft.s\$' $TMP/out && grep -qE '^ +NORMAL +# br-phy.s own L2 switching' $TMP/out"
check "trace: only br-int's flows are named after weft's stages" \
    bash -c "[ \$(grep -c '# classify' $TMP/out) = 2 ]"

# UDP: ofproto/trace prints its ports as tp_src/tp_dst, which it then
# refuses for UDP; the hop to h2 must carry them as udp_src/udp_dst.
ctl trace red/vx/h1 udp,nw_dst=10.0.0.12,udp_src=5353,udp_dst=53 > "$TMP/out"
check "trace udp: followed to h2 with its ports" \
    has "^=== host h2: .*in_port=[0-9]+,tun_id=0x3e9,.*,udp,.*udp_src=5353,udp_dst=53'\$"
check "trace udp: delivered to red/vx/h2" has '^=== host h2: output to red/vx/h2$'
ctl trace red/vx/h1 udp,nw_dst=10.0.0.12 > "$TMP/out"
check "trace udp without ports: delivered to red/vx/h2" \
    has '^=== host h2: output to red/vx/h2$'

# VLAN: the packet leaves h1 tagged through the uplink and is followed over
# the trunk to h2, which pops the tag and delivers it.
ctl trace red/vlan/h1 icmp,nw_dst=10.2.0.12 > "$TMP/out"
out
check "trace vlan: leaves h1 through the uplink with VLAN 101" \
    has '^=== host h1: output to [^ ]+ \(uplink, tagged\)$'
check "trace vlan: followed to h2 over the trunk" \
    has "^=== host h2: .*ofproto/trace br-int 'in_port=[0-9]+,dl_vlan=101,icmp,"
check "trace vlan: h2 classifies it into red/vlan and delivers it to red/vlan/h2" \
    bash -c "grep -q '# classify, red/vlan\$' $TMP/out && grep -q '^=== host h2: output to red/vlan/h2\$' $TMP/out"
ctl trace red/vlan/h1 arp,arp_tpa=10.2.0.99 > "$TMP/out"
check "trace vlan: a broadcast is flooded to h2, not counted as sent back to its own port" \
    bash -c "grep -q '^=== host h1: output to [^ ;]* (uplink, tagged)\$' $TMP/out && grep -q '^=== host h2: output to red/vlan/h2\$' $TMP/out"
ctl trace blue/gre/h2 arp,arp_tpa=10.1.0.11 > "$TMP/out"
check "trace: an ARP request is answered by h2's switch, not sent on" \
    bash -c "grep -q '^20\..*# arp_respond, blue/gre/h1\$' $TMP/out && grep -q '^=== host h2: output to IN_PORT' $TMP/out && ! grep -q '=== host h1' $TMP/out"
check "trace: unknown port fails" \
    bash -c "! '$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock trace red/vx/nosuch icmp 2>/dev/null"

# --- the host's own tools ----------------------------------------------------
"$WEFT_LAB" --prefix "$P" exec h1 -- ovs-vsctl show > "$TMP/out" 2>&1 || true
check "weft-lab exec h1 -- ovs-vsctl show: h1's OVS, with br-int and br-phy" \
    bash -c "grep -q 'Bridge br-int' $TMP/out && grep -q 'Bridge br-phy' $TMP/out"
rvx1=$(jq -r '.endpoints[] | select(.name == "red-vx-h1") | .iface' "$ST")
vsctl1() { ovs-vsctl --db="unix:$D/h1/db.sock" "$@"; }
check "external_ids:weft-name on red/vx/h1's Interface ($rvx1) in h1's OVSDB" \
    [ "$(vsctl1 get Interface "$rvx1" external_ids:weft-name 2>&1)" = '"red/vx/h1"' ]
check "external_ids:weft-name on its Port row too" \
    [ "$(vsctl1 get Port "$rvx1" external_ids:weft-name 2>&1)" = '"red/vx/h1"' ]
check "a tunnel port has no weft-name (it is no tenant's)" \
    bash -c "! ovs-vsctl --db=unix:$D/h1/db.sock get Interface vx-h2 external_ids:weft-name 2>/dev/null"

# --- a tenant port may not take a tunnel's name ------------------------------
API=$(jq -r .api_socket "$ST")
red_tok=$(jq -r '.tenants[] | select(.name == "red") | .token' "$ST")
code=$(curl -s -o "$TMP/out" -w '%{http_code}' --unix-socket "$API" \
       -H "Authorization: Bearer $red_tok" -X POST \
       -d '{"name":"evil","host":"h1","iface":"vx-h2","mac":"02:00:01:09:00:09","ips":["10.0.0.99"]}' \
       http://weft/v1/tenants/red/networks/vx/ports)
check "REST: red's port named vx-h2 on h1 is refused (409)" \
    bash -c "[ $code = 409 ] && grep -q 'interface name vx-h2 is not available on host h1' $TMP/out"
check "weftctl: refused too" \
    bash -c "! '$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock port-add blue/vx/evil --host=h1 --iface=vx-h2 --mac=02:00:02:09:00:09 2>/dev/null"

# A row that validation would refuse, written behind its back (or before it
# checked names): weftd must not let it take the tunnel over.
wdb() { ovsdb-client transact "unix:$D/weft.sock" "$1"; }
uuid_of() {     # uuid_of JSON-TRANSACTION: the first row's _uuid
    wdb "$1" | jq -r '.[0].rows[0]._uuid[1]'
}
blue_uuid=$(uuid_of '["Weft",{"op":"select","table":"Tenant","where":[["name","==","blue"]],"columns":["_uuid"]}]')
net_uuid=$(uuid_of '["Weft",{"op":"select","table":"Network","where":[["name","==","vx"],["tenant","==",["uuid","'"$blue_uuid"'"]]],"columns":["_uuid"]}]')
h1_uuid=$(uuid_of '["Weft",{"op":"select","table":"Host","where":[["name","==","h1"]],"columns":["_uuid"]}]')
wdb '["Weft",{"op":"insert","table":"Port","row":{"network":["uuid","'"$net_uuid"'"],"host":["uuid","'"$h1_uuid"'"],"name":"evil","iface":"vx-h2","mac":"02:00:02:09:00:09","ips":"10.0.0.99","flow_key":4242}},{"op":"mutate","table":"Weft_Global","where":[],"mutations":[["nb_cfg","+=",1]]}]' >/dev/null
check "a blue/vx port named vx-h2 written behind validation's back: weftctl sync still completes" \
    timeout 180 "$WEFT_BUILD_DIR/controller/weftctl" --db="unix:$D/weft.sock" sync
evil_reported() {
    wctl port-list blue/vx > "$TMP/out" \
        && has '^blue/vx/evil .* error "interface name vx-h2 is not available on host h1"$'
}
check "...its status says why it is not there" wait_for 60 evil_reported
check "...vx-h2 on h1 is still weft's vxlan tunnel to h2" \
    bash -c "[ \"\$(ovs-vsctl --db=unix:$D/h1/db.sock get interface vx-h2 type)\" = vxlan ] \
             && ovs-vsctl --db=unix:$D/h1/db.sock get interface vx-h2 external_ids | grep -q 'tunnel:h2'"
check "...red's cross-host ping over it still works" \
    wait_for 60 quiet "$WEFT_LAB" --prefix "$P" exec red-vx-h1 -- ping -q -c1 -W1 10.0.0.12
check "...and blue's own" \
    wait_for 60 quiet "$WEFT_LAB" --prefix "$P" exec blue-vx-h1 -- ping -q -c1 -W1 10.0.0.12
ctl flows --host h1 > "$TMP/out"
no_port_flows() { lacks 'dl_src=02:00:02:09:00:09' && lacks 'dl_dst=02:00:02:09:00:09'; }
check "...and h1 has no classify or l2_lookup flow for it" no_port_flows
wctl port-del blue/vx/evil
ctl flows --diff > "$TMP/out"
check "flows --diff still empty" empty

# --- waits: every host the change touches, and only those ------------------
API=$(jq -r .api_socket "$ST")
H1NS=$(hf h1 netns)
H2NS=$(hf h2 netns)
# apipost PATH JSON: POSTs as the admin; status in $code, body in $TMP/body.
apipost() {
    code=$(curl -s --unix-socket "$API" -o "$TMP/body" -w '%{http_code}' \
           -X POST -d "$2" "http://weft$1")
}
body() { jq -e "$1" "$TMP/body" >/dev/null; }
portjson() {    # portjson NAME IFACE MAC IP: a port on h1
    echo "{\"name\":\"$1\",\"host\":\"h1\",\"iface\":\"$2\",\"mac\":\"$3\",\"ips\":[\"$4\"]}"
}
h2_has_mac() { of dump-flows h2 | grep -q "dl_dst=$1"; }
for i in 1 2 3 4; do        # real interfaces on h1, so that h1 can confirm
    ip -n "$H1NS" link add "${P}a$i" type veth peer name "${P}b$i"
    ip -n "$H1NS" link set "${P}a$i" up
    ip -n "$H1NS" link set "${P}b$i" up
done

apipost '/v1/tenants/red/networks/vx/ports?wait=installed&timeout=120' \
    "$(portjson w61 "${P}a1" 02:00:0d:00:00:61 10.0.0.61)"
check "?wait=installed: 201" [ "$code" = 201 ]
check "?wait=installed: h2 (red/vx's other host) already has the new port's MAC" \
    h2_has_mac 02:00:0d:00:00:61
check "?wait=installed: the 201 shows the port installed (ofport, up)" \
    body '(.ofport | type == "number") and .ofport > 0 and .up == true'
wctl --wait --timeout=120 port-add red/vx/w62 --host=h1 --iface="${P}a2" \
    --mac=02:00:0d:00:00:62 --ip=10.0.0.62
check "weftctl --wait: h2 already has the new port's MAC" h2_has_mac 02:00:0d:00:00:62

echo "== stop ovs-vswitchd of h2"
kill_pidfiles "$D/h2/ovs-vswitchd.pid"
wctl net-add red/solo --type=vxlan --segment=1999
apipost '/v1/tenants/red/networks/solo/ports?wait=installed&timeout=120' \
    "$(portjson w63 "${P}a3" 02:00:0d:00:00:63 10.0.0.63)"
check "h2 down, a change it has no part in: ?wait=installed still 201 ($code)" \
    [ "$code" = 201 ]
check "h2 down, nothing for it to install: sync succeeds" \
    quiet wctl --timeout=180 sync
apipost '/v1/tenants/red/networks/vx/ports?wait=installed&timeout=3' \
    "$(portjson w64 "${P}a4" 02:00:0d:00:00:64 10.0.0.64)"
check "h2 down, a port in red/vx (h2 has one): ?wait=installed answers 504 ($code)" \
    [ "$code" = 504 ]
check "...naming h2, and only h2" \
    body '(.detail | test("host h2 did not install")) and (.detail | test("h1") | not)'
if wctl --wait --timeout=3 port-del red/vx/w62 2>"$TMP/out"; then
    bad "h2 down, weftctl --wait port-del of a red/vx port: should time out"
else
    check "h2 down, weftctl --wait port-del of a red/vx port: times out naming h2" \
        has 'timeout waiting for host h2 to install'
fi

# An attach that times out is undone.
ip netns add "$NSH"
if wctl attach red/vx --netns "$NSH" --host h2 --host-netns "$H2NS" \
        --ip 10.0.0.70/24 --name half --timeout 3 >/dev/null 2>"$TMP/out"; then
    bad "attach on h2 with its ovs-vswitchd stopped: should time out"
else
    out
    check "attach that times out: says it was undone" \
        has 'timeout waiting for host.*h2.*attach undone'
fi
check "attach that timed out: no Port row left" \
    bash -c "! '$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock port-list red/vx | grep -q '^red/vx/half '"
check "attach that timed out: no veth left (h2, here, the namespace)" \
    bash -c "! ip -n $H2NS -o link | grep -q ' wf' && ! ip -o link | grep -q ' w[ft][0-9a-f]' && ! ip -n $NSH link show eth0 2>/dev/null"
no_wf_port() { ! ovs-vsctl --db="unix:$D/h2/db.sock" list-ports br-int | grep -q '^wf'; }
check "attach that timed out: no OVS port left on h2" wait_for 60 no_wf_port

echo "== start ovs-vswitchd of h2"
"$WEFT_LAB" --prefix "$P" start-vswitchd h2 >/dev/null
check "h2 back: sync succeeds" quiet wctl --timeout=180 sync
wctl attach red/vx --netns "$NSH" --host h2 --ip 10.0.0.70/24 --name half \
    > "$TMP/out" 2>&1 || true
out
check "the same attach, run again: succeeds" has '^attached red/vx/half: '
half_if=$(sed -n 's/.*interface \(wf[0-9a-f]*\)$/\1/p' "$TMP/out")
check "...and pings red/vx/h1" \
    wait_for 60 quiet ip netns exec "$NSH" ping -q -c1 -W1 10.0.0.11

# detach of a half-made attach: the Port row without its veth...
ip -n "$H2NS" link del "${half_if:-none}" || true
wctl detach red/vx/half > "$TMP/out" 2>&1 || true
out
check "detach of a port row whose veth is gone: succeeds" \
    has '^detached red/vx/half \(interface wf[0-9a-f]+ was already gone\)'
check "...and the row is gone" \
    bash -c "! '$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock port-list red/vx | grep -q '^red/vx/half '"
# ...and a veth without its Port row.
wctl attach red/vx --netns "$NSH" --host h2 --ip 10.0.0.70/24 --name half \
    > "$TMP/out" 2>&1 || true
half_if=$(sed -n 's/.*interface \(wf[0-9a-f]*\)$/\1/p' "$TMP/out")
wctl port-del red/vx/half || true
wctl detach red/vx/half > "$TMP/out" 2>&1 || true
out
check "detach of a veth whose port row is gone: succeeds" \
    has '^detached red/vx/half \(it had no port row; interface wf[0-9a-f]+ deleted\)'
# "here": only a veth of this run (its peer in this run's namespace): a
# concurrent run (another WEFT_TEST_PREFIX) may attach the same name.
check "...and the veth is gone (h2, here, the namespace)" \
    bash -c "[ -n '$half_if' ] && ! ip -n $H2NS link show '$half_if' 2>/dev/null && ! ip link show '$half_if' 2>/dev/null | grep -q 'link-netns $NSH\\b' && ! ip -n $NSH link show eth0 2>/dev/null"
check "detach of something that never was: fails" \
    bash -c "! '$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock detach red/vx/half 2>/dev/null"

# Back to the demo's state for the checks below.
wctl port-del red/vx/w61
wctl port-del red/vx/w64
wctl port-del red/solo/w63
wctl net-del red/solo
for i in 1 2 3 4; do ip -n "$H1NS" link del "${P}a$i"; done
ip netns del "$NSH"
check "demo state back: sync succeeds" quiet wctl --timeout=180 sync

# --- attach / detach --------------------------------------------------------
ip netns add "$NS"
wctl attach red/vx --netns "$NS" --host h2 --ip 10.0.0.50/24 --name att > "$TMP/out"
out
check "attach: reports the port" has '^attached red/vx/att: namespace '"$NS"' eth0 mac 02:'
check "attach: eth0 has the IP and the network's MTU (1450)" \
    bash -c "ip -n $NS -o addr show dev eth0 | grep -q 10.0.0.50/24 && ip -n $NS link show eth0 | grep -q 'mtu 1450'"
check "attach: eth0 is up, tx checksumming off" \
    bash -c "ip -n $NS link show eth0 | grep -q 'state UP' && ip netns exec $NS ethtool -k eth0 | grep -q 'tx-checksumming: off'"
hostif=$(sed -n 's/.*interface \(wf[0-9a-f]*\)$/\1/p' "$TMP/out")
check "attach: host end $hostif is in h2's namespace and in br-int" \
    bash -c "ip -n $(hf h2 netns) link show $hostif >/dev/null && ovs-vsctl --db=unix:$D/h2/db.sock list-ports br-int | grep -qx $hostif"
check "attach: port registered" bash -c "'$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock port-list red/vx | grep -q '^red/vx/att '"
check "attach: h2's Interface $hostif says it is red/vx/att (external_ids:weft-name)" \
    [ "$(ovs-vsctl --db="unix:$D/h2/db.sock" get Interface "$hostif" external_ids:weft-name 2>&1)" = '"red/vx/att"' ]
check "attach: the namespace pings red/vx/h1 on h1" \
    wait_for 60 quiet ip netns exec "$NS" ping -q -c1 -W1 10.0.0.11
check "attach: a second attach of the same namespace fails (eth0 exists)" \
    bash -c "! '$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock attach red/vx --netns $NS --host h2 --name att2 2>/dev/null"
check "attach: the failed attach left no interface behind" \
    bash -c "[ \$(ip -n $(hf h2 netns) -o link | grep -c ' wf') = 1 ] && [ \$(ip -o link | grep -c ' w[ft][0-9a-f]') = 0 ]"
# attach's commands run through OVS's process_start(): one that is not on
# PATH is named in the error, and nothing is left behind.
rc=0
env PATH=/nonexistent "$WEFT_BUILD_DIR/controller/weftctl" --db="unix:$D/weft.sock" \
    attach red/vx --netns "$NS" --host h2 --name att3 >/dev/null 2>"$TMP/out" || rc=$?
check "attach without ip on PATH: exit 1, '\"ip link add ...\" failed (command not found or not runnable)'" \
    bash -c "[ $rc = 1 ] && grep -q '\"ip link add wf[0-9a-f]* type veth peer name wt[0-9a-f]*\" failed (command not found or not runnable)' '$TMP/out'"
check "attach without ip on PATH: no Port row" \
    bash -c "! '$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock port-list red/vx | grep -q '^red/vx/att3 '"
ctl flows --diff > "$TMP/out"
check "attach: flows --diff still empty" empty
wctl detach red/vx/att > "$TMP/out"
check "detach: reports" has '^detached red/vx/att'
check "detach: no eth0 left in the namespace" bash -c "! ip -n $NS link show eth0 2>/dev/null"
check "detach: no host interface left" bash -c "! ip -n $(hf h2 netns) link show $hostif 2>/dev/null && ! ip link show $hostif 2>/dev/null"
gone() { ! ovs-vsctl --db="unix:$D/h2/db.sock" list-ports br-int | grep -qx "$hostif"; }
check "detach: OVS port removed by weftd" wait_for 60 gone
check "detach: Port row gone" bash -c "! '$WEFT_BUILD_DIR/controller/weftctl' --db=unix:$D/weft.sock port-list red/vx | grep -q '^red/vx/att '"
ctl flows --diff > "$TMP/out"
check "detach: flows --diff still empty" empty

report
