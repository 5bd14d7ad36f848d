#!/usr/bin/env bash
# test-ext-arp: the switch side of a host's external interface, end to end on
# two simulated hosts (sim-lib.sh).  Place in the pipeline: the push, and back
# (controller/host-ext.c, controller/ext-arp.c, ofproto/of-packet.c).
#
#  1. The external side set on the Host row (raw rows: the front ends are
#     tested elsewhere): weftd attaches ext1 to br-int as weft's "external"
#     port, and sends ARP requests for the gateway out of it, from
#     0a:57:c0:a8:64:0b / 192.168.100.11 (captured with netdev-dummy's
#     tx_pcap), again and again while nobody answers.
#  2. A neighbour's ARP reply is not the gateway's: ignored.  The gateway's
#     reply (injected on ext1, sent to weftd by the EXT_IN flow as a
#     packet-in): its MAC lands in Host.status:external_gateway_mac and in
#     the flows that send to the gateway (EXT_SEND's eth_dst).
#  3. The same reply again changes nothing (no bundle, no log line); a
#     new MAC (the gateway replaced) is picked up, in one bundle.
#  4. A floating IP assigned to a port on the host: a gratuitous ARP for it
#     goes out of ext1, from 0a:57 + its address.  Moved to a port on h2
#     (external side ext2 on the same LAN): h2 announces it out of ext2.
#     h2 then learns its gateway with the floating IP homed there: its
#     port's EXT_SEND row follows (and --self-check holds).
#  5. weftd restarted: the MAC comes back from Host.status, the flows are the
#     same (0 flow_mods), and the restart announces the host's addresses
#     again.
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

sim_start 2

db=unix:$SIM_DIR/weft.sock
log=$SIM_DIR/weftd.log
pcap=$SIM_DIR/ext1.pcap
pcap2=$SIM_DIR/ext2.pcap
GW_MAC=52:54:00:12:34:56
NEW_MAC=52:54:00:65:43:21

# transact OP...: one transaction, plus a bump of nb_cfg, so that `weftctl
# sync` waits until weftd applied it (as in test-db-update.sh).
transact() {
    local ops
    ops=$(IFS=,; echo "$*")
    ovsdb-client transact "$db" "[\"Weft\",$ops,{\"op\":\"mutate\",\
\"table\":\"Weft_Global\",\"where\":[],\"mutations\":[[\"nb_cfg\",\"+=\",1]]}]" \
        | jq -e 'all(.[]; has("error") | not)' >/dev/null
}
uuid_of() {     # uuid_of TABLE NAME
    ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"select\",\"table\":\"$1\",\
\"where\":[[\"name\",\"==\",\"$2\"]],\"columns\":[\"_uuid\"]}]" \
        | jq -r '.[0].rows[0]._uuid[1]'
}
# gateway_mac: Host h1's status:external_gateway_mac ("" if none).
gateway_mac() {
    ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Host",
"where":[["name","==","h1"]],"columns":["status"]}]' \
        | jq -r '.[0].rows[0].status[1][] | select(.[0] == "external_gateway_mac") | .[1]'
}
gateway_mac_is() { [ "$(gateway_mac)" = "$1" ]; }
# hosts_field KEY [HOST]: one counter of weft/hosts (flow_mods, bundles)
# for HOST (default h1).
hosts_field() {
    ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/hosts \
        | awk -v h="${2:-h1}" '$1 == h' | tr ' ' '\n' | sed -n "s/^$1=//p"
}
# captured PATTERN [PCAP]: a frame tcpdump shows as PATTERN went out of
# ext1 (or the interface PCAP captures).
captured() {
    tcpdump -r "${2:-$pcap}" -n -e 2>/dev/null | grep -q -- "$1"
}
n_captured() {
    tcpdump -r "$pcap" -n -e 2>/dev/null | grep -c -- "$1" || true
}
# captured_more N PATTERN: more than N frames showing as PATTERN went out.
captured_more() { [ "$(n_captured "$2")" -gt "$1" ]; }
# reply SENDER_MAC SENDER_IP [N]: an ARP reply to hN's external address
# (default h1: 192.168.100.11) arriving on its external port extN.
reply() {
    local n=${3:-1} ip mac
    ip=192.168.100.$((10 + n))
    mac=$(printf '0a:57:c0:a8:64:%02x' $((10 + n)))
    sim_appctl "$n" netdev-dummy/receive "ext$n" \
        "eth(src=$1,dst=$mac),eth_type(0x0806),arp(sip=$2,tip=$ip,op=2,sha=$1,tha=$mac)" \
        >/dev/null
}
# gateway_mac_of N: Host hN's status:external_gateway_mac.
gateway_mac_of() {
    ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"select\",\"table\":\"Host\",
\"where\":[[\"name\",\"==\",\"h$1\"]],\"columns\":[\"status\"]}]" \
        | jq -r '.[0].rows[0].status[1][] | select(.[0] == "external_gateway_mac") | .[1]'
}
gateway_mac_of_is() { [ "$(gateway_mac_of "$1")" = "$2" ]; }
# to_controller_packets: n_packets of the EXT_IN flow that sends the
# gateway's replies to weftd.
to_controller_packets() {
    sim_ofctl 1 dump-flows 'arp,arp_op=2' \
        | grep 'CONTROLLER' | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p' | head -1
}
# to_controller_more N: that counter went past N.
to_controller_more() { [ "$(to_controller_packets)" -gt "$1" ]; }
# flows_have TEXT: a flow on h1's br-int shows TEXT.
flows_have() { sim_ofctl 1 dump-flows | grep -q -- "$1"; }

echo "== 1. the external side set: ext1 attached, ARP requests for the gateway"
ctl tenant-add red
ctl net-add red/a --type=vxlan --segment=1001 --cidr=10.1.0.0/24
ctl port-add red/a/p1 --host=h1 --iface=p1 --mac=02:00:00:00:01:01 --ip=10.1.0.11
ctl port-add red/a/p2 --host=h2 --iface=p2 --mac=02:00:00:00:02:01 --ip=10.1.0.12
ctl router-add red/r
ctl router-attach red/r a
check "the external side set on h1's row" transact \
    '{"op":"update","table":"Host","where":[["name","==","h1"]],"row":{"external_iface":"ext1","external_ip":"192.168.100.11/24","external_gateway":"192.168.100.1"}}'
check "weftctl sync" ctl --timeout=60 sync
sim_wait_ports 1 ext1 p1
check "ext1 is weft's, as the external port" \
    test "$(sim_vsctl 1 get interface ext1 external_ids:weft-port)" = external
sim_vsctl 1 set interface ext1 options:tx_pcap="$pcap"
check "ARP requests for the gateway go out of ext1, from 0a:57:c0:a8:64:0b" \
    wait_for 30 captured '0a:57:c0:a8:64:0b > ff:ff:ff:ff:ff:ff, ethertype ARP.*Request who-has 192.168.100.1 tell 192.168.100.11'
check "...again while nobody answers (every 5 s)" \
    wait_for 30 captured_more 1 'who-has 192.168.100.1 tell'
check "no gateway MAC in status yet" test -z "$(gateway_mac)"

echo "== 2. a neighbour's reply ignored, the gateway's learned"
pk0=$(to_controller_packets)
reply 52:54:00:00:00:02 192.168.100.2
reply "$GW_MAC" 192.168.100.1
check "the gateway's reply went to the controller" \
    wait_for 30 to_controller_more "$pk0"
check "Host.status:external_gateway_mac is the gateway's MAC" \
    wait_for 30 gateway_mac_is "$GW_MAC"
check "weftctl sync" ctl --timeout=60 sync
check "the flows send to the gateway's MAC" \
    wait_for 30 flows_have "$GW_MAC"

echo "== 3. the same MAC again: nothing; a new one: picked up"
bundles0=$(hosts_field bundles)
pk0=$(to_controller_packets)
reply "$GW_MAC" 192.168.100.1
check "the repeated reply reached the controller" \
    wait_for 30 to_controller_more "$pk0"
reply "$NEW_MAC" 192.168.100.1
check "a new gateway MAC lands in status" wait_for 30 gateway_mac_is "$NEW_MAC"
check "weftctl sync" ctl --timeout=60 sync
check "the flows follow the new MAC" \
    wait_for 30 flows_have "$NEW_MAC"
check "only the new MAC cost a bundle (the repeat none)" \
    test "$(hosts_field bundles)" -eq $((bundles0 + 1))
# The neighbour's reply went in before the gateway's first: had it been
# taken, weftd would have logged it.
check "weftd logged each MAC once, never the neighbour's" \
    test "$(grep -c "is at $GW_MAC" "$log")" -eq 1 \
         -a "$(grep -c "is at $NEW_MAC" "$log")" -eq 1 \
         -a "$(grep -c 'is at 52:54:00:00:00:02' "$log" || true)" -eq 0

echo "== 4. a floating IP assigned on h1: announced"
check "a pool and a floating IP on red/a/p1" transact \
    '{"op":"insert","table":"Pool","row":{"name":"ext","cidr":"192.168.100.0/24"},"uuid-name":"pool"}' \
    "{\"op\":\"insert\",\"table\":\"Floating_IP\",\"row\":{\"tenant\":[\"uuid\",\"$(uuid_of Tenant red)\"],\"pool\":[\"named-uuid\",\"pool\"],\"ip\":\"192.168.100.100\",\"port\":[\"uuid\",\"$(uuid_of Port p1)\"]}}"
check "weftctl sync" ctl --timeout=60 sync
check "a gratuitous ARP for 192.168.100.100 from 0a:57:c0:a8:64:64" \
    wait_for 30 captured '0a:57:c0:a8:64:64 > ff:ff:ff:ff:ff:ff, ethertype ARP.*Request who-has 192.168.100.100 tell 192.168.100.100'

check "h2's external side set" transact \
    '{"op":"update","table":"Host","where":[["name","==","h2"]],"row":{"external_iface":"ext2","external_ip":"192.168.100.12/24","external_gateway":"192.168.100.1"}}'
check "weftctl sync" ctl --timeout=60 sync
sim_wait_ports 2 ext2
sim_vsctl 2 set interface ext2 options:tx_pcap="$pcap2"
check "h2 asks for the gateway out of ext2" \
    wait_for 30 captured 'who-has 192.168.100.1 tell 192.168.100.12' "$pcap2"
check "the floating IP moved to red/a/p2 on h2" transact \
    "{\"op\":\"update\",\"table\":\"Floating_IP\",\"where\":[[\"ip\",\"==\",\"192.168.100.100\"]],\"row\":{\"port\":[\"uuid\",\"$(uuid_of Port p2)\"]}}"
check "weftctl sync" ctl --timeout=60 sync
check "h2 announces it out of ext2, from 0a:57:c0:a8:64:64" \
    wait_for 30 captured '0a:57:c0:a8:64:64 > ff:ff:ff:ff:ff:ff, ethertype ARP.*Request who-has 192.168.100.100 tell 192.168.100.100' "$pcap2"
# With the floating IP homed on h2, its port's EXT_SEND rows use the MAC
# too: weftd --self-check compares the partial recompile with a full one.
reply "$GW_MAC" 192.168.100.1 2
check "h2 learns its gateway's MAC with a floating IP homed there" \
    wait_for 30 gateway_mac_of_is 2 "$GW_MAC"
check "weftctl sync (weftd alive: the self-check held)" ctl --timeout=60 sync
fip_sent_to_gateway() {
    sim_ofctl 2 dump-flows | grep 'nw_src=192.168.100.100' | grep -q "$GW_MAC"
}
check "h2 sends the floating IP's packets to the gateway's MAC" \
    wait_for 30 fip_sent_to_gateway
check "h1's gateway MAC is untouched by h2's" gateway_mac_is "$NEW_MAC"

echo "== 5. weftd restarted: the MAC from status, 0 flow_mods, announced again"
garps0=$(n_captured 'who-has 192.168.100.11 tell 192.168.100.11')
pid=$(pidfile_pid "$SIM_DIR/weftd.pid")
ovs-appctl -t "$SIM_DIR/weftd.ctl" exit
check "weftd exited" wait_for 30 sh -c "! kill -0 $pid 2>/dev/null"
(
    export OVS_RUNDIR=$SIM_DIR OVS_DBDIR=$SIM_DIR OVS_LOGDIR=$SIM_DIR
    # shellcheck disable=SC2086 # $WEFT_WEFTD_OPTS: words
    "$sim_weftd" --db=unix:"$SIM_DIR/weft.sock" \
        --pidfile="$SIM_DIR/weftd.pid" --unixctl="$SIM_DIR/weftd.ctl" \
        --log-file="$SIM_DIR/weftd.log" --detach --no-chdir \
        $WEFT_WEFTD_OPTS 2>/dev/null
)
pidfile_wait "$SIM_DIR/weftd.pid" >/dev/null
check "weftctl sync after the restart" ctl --timeout=60 sync
check "the restarted weftd sent 0 flow_mods" \
    test "$(hosts_field flow_mods h1) $(hosts_field flow_mods h2)" = "0 0"
check "the gateway MAC is still the one learned" gateway_mac_is "$NEW_MAC"
check "the restart announced the host's address again" \
    wait_for 30 captured_more "$garps0" 'who-has 192.168.100.11 tell 192.168.100.11'

sim_finish
