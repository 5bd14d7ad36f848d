#!/bin/bash
# test-nat: NAT (issue #13) on the namespace lab, three hosts.  The lab joins
# every host's external side (ext0, 192.168.100.1<i>/24) to an "outside"
# namespace whose server (scripts/lab-server.py, 192.168.100.1, TCP and UDP
# port 9000) answers with the client's address as it sees it; its demo
# gives both tenants (identical subnets and IPs) SNAT on their router, port
# mappings of <t>-vx-h1:80 on h1 (red 8080, blue 8081, tcp and udp) and a
# floating IP for <t>-gre-h2, whose servers answer with their name.  Checks:
#   - `weft-lab status --json`: outside, hosts[].external_ip, port_mappings[],
#     floating_ips[] (one of each per tenant), every older field kept; the
#     hosts' external side is in weft's database;
#   - egress: red-vx-h1 and blue-vx-h1 (same IP, same MAC) hold TCP
#     connections from the same source port to the outside at once, and send
#     UDP from the same source port at once: the outside sees both, from h1's
#     external IP, on distinct ports, and both get their answers; then every
#     endpoint reaches the outside over TCP and UDP, seen from its host's
#     external IP (its floating IP if it has one);
#   - outside -> each port mapping reaches its endpoint (its name comes back),
#     with the outside's own address as the source; unmapped host ports and
#     endpoint IPs (routed to the host) get nothing, and nothing reaches the
#     endpoints' servers although the packets arrive at ext0;
#   - a floating IP works both ways (the outside sees it as the source, and
#     reaches the endpoint through it), then moves (fip-set to an endpoint on
#     another host): the outside reaches the new endpoint, which now goes out
#     as the FIP, and the old one goes out as its host again;
#   - established TCP connections (egress SNAT, and ingress through a port
#     mapping) survive a weftd restart: 0 flow_mods on every host, the same
#     flows, the same conntrack entries (dpctl/dump-conntrack), and data
#     still flows on both afterwards;
#   - bad input -> 4xx (REST) / an error (weftctl), nothing written (a dump
#     of weft's configuration tables before and after): port 0, port 65536,
#     a duplicate mapping (same tenant; and another tenant, whose 409 does
#     not name the owner), a floating IP outside the pool, another tenant's
#     floating IP through a tenant's token (404);
#   - `weft-lab down` stops the outside's and the endpoints' servers and
#     removes the outside namespace.
# Waits end on events (weftctl sync, an answer); the first packets of a path
# may wait for the gateway's MAC (weftd resolves it) or for a new tunnel
# neighbour, so each path is warmed up with wait_for before it is counted.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab-lib.sh disable=SC1091
source "$HERE/../../scripts/lab-lib.sh"

lab_test_start t13n --hosts 3 --no-matrix

lab() { "$WEFT_LAB" --prefix "$P" "$@"; }
ST="$TMP/state.json"
lab status --json > "$ST"
D=$(jq -r .dir "$ST")
API="$D/weft-api.sock"
DB="unix:$D/weft.sock"
SRV="$WEFT_REPO/scripts/lab-server.py"
OUT_NS=$(jq -r .outside.netns "$ST")
OUT_IP=$(jq -r .outside.ip "$ST")
OUT_TCP=$(jq -r .outside.tcp_port "$ST")
OUT_UDP=$(jq -r .outside.udp_port "$ST")
EP_PORT=80     # the port the demo's servers behind mappings and FIPs use
ep() { jq -r --arg n "$1" ".endpoints[] | select(.name == \$n) | .$2" "$ST"; }
ns() { ep "$1" netns; }
ext_of() { jq -r --arg h "$1" '.hosts[] | select(.name == $h) | .external_ip' "$ST"; }
fip_of() { jq -r --arg t "$1" '. as $s | [.floating_ips[] | . as $f
             | select(any($s.endpoints[]; .name == $f.endpoint and .tenant == $t))][0] | .ip' "$ST"; }
fip_ep() { jq -r --arg ip "$1" '.floating_ips[] | select(.ip == $ip) | .endpoint' "$ST"; }
token() { jq -r --arg t "$1" '.tenants[] | select(.name == $t) | .token' "$ST"; }
api() {       # api TOKEN|- METHOD PATH [BODY]: prints the body, then the status
    local tok=$1 m=$2 path=$3 body=${4:-} auth=()
    [ "$tok" = - ] || auth=(-H "Authorization: Bearer $tok")
    curl -s -w '\n%{http_code}\n' --unix-socket "$API" -X "$m" \
        ${auth[@]+"${auth[@]}"} ${body:+-d "$body"} "http://weft$path"
}
status_of() { tail -n1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }
jqt() { jq -e "$@" >/dev/null; }
not() { ! "$@"; }
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }   # same A B: A is not empty and B is A

# ask NETNS PROTO IP PORT [ARGS...]: the server's first line, or fails.
ask() {
    local n=$1; shift
    ip netns exec "$n" python3 "$SRV" ask "$@" 2>/dev/null
}
# asked NETNS PROTO IP PORT [ARGS...]: ask, with one more try (a datagram
# lost under load is not a NAT failure); prints the answer or "none".
asked() {
    ask "$@" --timeout 2 || ask "$@" --timeout 2 || echo none
}
# warm NETNS PROTO IP PORT: wait until the path answers.  The warm-ups share
# one generous deadline, so that a weft without NAT fails in minutes.
WARM_UNTIL=
warm() {
    local left
    WARM_UNTIL=${WARM_UNTIL:-$((SECONDS + 180))}
    left=$((WARM_UNTIL - SECONDS))
    [ "$left" -ge 10 ] || left=10
    wait_for "$left" ask "$@" --timeout 2 >/dev/null
}
# served NAME: connections and datagrams the server of endpoint NAME had.
served() { if [ -f "$D/server-$1.log" ]; then wc -l < "$D/server-$1.log"; else echo 0; fi; }
rx_ext() {    # rx_ext HOST: packets ext0 received on HOST
    ip -n "$P-$1" -s -j link show ext0 | jq '.[0].stats64.rx.packets'
}
# session NAME NETNS IP PORT [SPORT]: a held TCP connection (lab-server.py
# session), its output in $TMP/NAME.sess, its pid in SESS_NAME.
session() {
    local name=$1 n=$2 ip=$3 port=$4 sport=${5:-0}
    : > "$TMP/$name.sess"
    ip netns exec "$n" python3 "$SRV" session "$ip" "$port" --sport "$sport" \
        --out "$TMP/$name.sess" >/dev/null 2>&1 &
    BG_PIDS+=("$!")
    printf -v "SESS_$name" %s "$!"
}
sess_reply() { sed -n 's/^reply //p' "$TMP/$1.sess"; }
sess_local() { sed -n 's/^local //p' "$TMP/$1.sess"; }
echoes() { grep -c '^echo ping' "$TMP/$1.sess" || true; }
# poke NAME: one line through session NAME; waits for its echo.
poke() {
    local pid=SESS_$1 n
    n=$(echoes "$1")
    kill -USR1 "${!pid}" 2>/dev/null || return 1
    wait_for 20 more_echoes "$1" "$n"
}
more_echoes() { [ "$(echoes "$1")" -gt "$2" ]; }

echo "== status --json: the NAT fields, and every older field still there"
check "outside: exactly netns, ip, tcp_port, udp_port ($(jq -c .outside "$ST"))" \
    jqt '.outside | keys == ["ip", "netns", "tcp_port", "udp_port"]
           and (.tcp_port | type) == "number" and (.udp_port | type) == "number"' "$ST"
check "outside netns $OUT_NS exists and has $OUT_IP" \
    bash -c "ip -n '$OUT_NS' -4 -o addr show | grep -q ' $OUT_IP/'"
check "hosts[].external_ip: 192.168.100.1<i> for h<i>" \
    jqt 'all(.hosts[]; .external_ip == ("192.168.100.1" + (.name | ltrimstr("h"))))' "$ST"
# shellcheck disable=SC2016
check "port_mappings[]: host, host_ip, host_port, proto, endpoint, port; at least one per tenant" \
    jqt '. as $s | (.port_mappings | length > 0) and all(.port_mappings[];
             (keys == ["endpoint", "host", "host_ip", "host_port", "port", "proto"]))
           and ([.port_mappings[].endpoint as $e | $s.endpoints[] | select(.name == $e)
                 | .tenant] | unique == ["blue", "red"])' "$ST"
# shellcheck disable=SC2016
check "floating_ips[]: ip, endpoint; at least one per tenant" \
    jqt '. as $s | all(.floating_ips[]; keys == ["endpoint", "ip"])
           and ([.floating_ips[].endpoint as $e | $s.endpoints[] | select(.name == $e)
                 | .tenant] | unique == ["blue", "red"])' "$ST"
check "hosts[]: name, netns, ovsdb_remote, tunnel_ip, uplink, dir, vswitchd_ctl kept" \
    jqt 'all(.hosts[]; [has("name", "netns", "ovsdb_remote", "tunnel_ip", "uplink",
             "dir", "underlay_iface", "vswitchd_ctl", "openflow_remote")] | all)' "$ST"
check "top level: endpoints, networks, routers, tenants, underlay, api_socket kept" \
    jqt 'has("endpoints") and has("networks") and has("routers") and has("tenants")
           and has("underlay") and has("vlan_underlay") and has("api_socket")
           and has("weftd_cmd")' "$ST"
hosts_db=$(ovsdb-client transact "$DB" '["Weft", {"op": "select", "table": "Host", "where": [],
    "columns": ["name", "external_iface", "external_ip", "external_gateway"]}]' \
    | jq -c '.[0].rows | sort_by(.name) | map([.name, .external_iface, .external_ip, .external_gateway])')
check "weft's Host rows have the external side ($hosts_db)" [ "$hosts_db" = \
    '[["h1","ext0","192.168.100.11/24","192.168.100.1"],["h2","ext0","192.168.100.12/24","192.168.100.1"],["h3","ext0","192.168.100.13/24","192.168.100.1"]]' ]

echo "== egress: red and blue with identical IPs, at once"
for h in h1 h2 h3; do
    warm "$(ns "red-vx-$h")" tcp "$OUT_IP" "$OUT_TCP" || true
done
session red "$(ns red-vx-h1)" "$OUT_IP" "$OUT_TCP" 40000
session blue "$(ns blue-vx-h1)" "$OUT_IP" "$OUT_TCP" 40000
wait_for 30 grep -q '^reply ' "$TMP/red.sess" || true
wait_for 30 grep -q '^reply ' "$TMP/blue.sess" || true
r=$(sess_reply red) b=$(sess_reply blue)
check "red-vx-h1 and blue-vx-h1 (both 10.0.0.11, source port 40000) connected: the outside saw $r and $b" \
    bash -c "[ '${r%:*}' = '$(ext_of h1)' ] && [ '${b%:*}' = '$(ext_of h1)' ]"
distinct() { [ -n "$1" ] && [ "$1" != "$2" ]; }
check "  ... as two connections (distinct ports)" distinct "$r" "$b"
poke_both() { poke red && poke blue; }
check "  ... both carry data (a line echoed through each)" poke_both
# (asked: a second try from the same source port meets the first's NAT.)
asked "$(ns red-vx-h1)" udp "$OUT_IP" "$OUT_UDP" --sport 40001 > "$TMP/udp-red" &
ur=$!
asked "$(ns blue-vx-h1)" udp "$OUT_IP" "$OUT_UDP" --sport 40001 > "$TMP/udp-blue" &
ub=$!
wait "$ur" || true
wait "$ub" || true
r=$(cat "$TMP/udp-red") b=$(cat "$TMP/udp-blue")
check "UDP from both, source port 40001, at once: both answered, from $(ext_of h1), distinct ports ($r, $b)" \
    bash -c "[ '${r%:*}' = '$(ext_of h1)' ] && [ '${b%:*}' = '$(ext_of h1)' ] && [ '$r' != '$b' ]"

echo "== egress: every endpoint, TCP and UDP"
while read -r name host; do
    want=$(jq -r --arg n "$name" '[.floating_ips[] | select(.endpoint == $n) | .ip][0] // empty' "$ST")
    [ -n "$want" ] || want=$(ext_of "$host")
    t=$(asked "$(ns "$name")" tcp "$OUT_IP" "$OUT_TCP")
    u=$(asked "$(ns "$name")" udp "$OUT_IP" "$OUT_UDP")
    check "$name -> outside: seen as $want (tcp $t, udp $u)" \
        bash -c "[ '${t%:*}' = '$want' ] && [ '${u%:*}' = '$want' ]"
done < <(jq -r '.endpoints[] | "\(.name) \(.host)"' "$ST")

echo "== ingress: port mappings"
first=$(jq -r '.port_mappings[0] | "\(.proto) \(.host_ip) \(.host_port)"' "$ST")
# shellcheck disable=SC2086
warm "$OUT_NS" $first || true
while read -r hip hp proto want port; do
    a=$(asked "$OUT_NS" "$proto" "$hip" "$hp")
    check "outside -> $hip:$hp/$proto: answered by $want:$port, which sees the outside's address ($a)" \
        bash -c "[ '${a%% *}' = '$want' ] && [ '$(cut -d' ' -f2 <<<"$a" | cut -d: -f1)' = '$OUT_IP' ]"
done < <(jq -r '.port_mappings[] | "\(.host_ip) \(.host_port) \(.proto) \(.endpoint) \(.port)"' "$ST")

echo "== ingress: what is not mapped is unreachable"
H1=$(ext_of h1)
mapped_eps=$(jq -r '[.port_mappings[] | select(.host == "h1") | .endpoint] | unique | .[]' "$ST")
before_served=$(for e in $mapped_eps; do served "$e"; done | awk '{s += $1} END {print s + 0}')
rx0=$(rx_ext h1)
for probe in "tcp $H1 8082" "udp $H1 8082" "tcp $H1 $EP_PORT" "udp $H1 $EP_PORT" "tcp $H1 22"; do
    # shellcheck disable=SC2086
    a=$(ask "$OUT_NS" $probe --timeout 2 || echo none)
    check "outside -> $probe (not mapped): no answer ($a)" [ "$a" = none ]
done
ip -n "$OUT_NS" route add 10.0.0.0/16 via "$H1"
for probe in "tcp 10.0.0.11 $EP_PORT" "udp 10.0.0.11 $EP_PORT"; do
    # shellcheck disable=SC2086
    a=$(ask "$OUT_NS" $probe --timeout 2 || echo none)
    check "outside -> endpoint address $probe, routed to h1's external side: no answer ($a)" [ "$a" = none ]
done
ip -n "$OUT_NS" route del 10.0.0.0/16 via "$H1"
rx1=$(rx_ext h1)
after_served=$(for e in $mapped_eps; do served "$e"; done | awk '{s += $1} END {print s + 0}')
check "  ... the probes arrived at h1's ext0 (+$((rx1 - rx0)) packets), none reached the endpoints' servers ($before_served -> $after_served)" \
    bash -c "[ $((rx1 - rx0)) -ge 7 ] && [ '$before_served' = '$after_served' ]"

echo "== floating IPs: both ways"
for t in red blue; do
    F=$(fip_of "$t")
    E=$(fip_ep "$F")
    warm "$OUT_NS" tcp "$F" "$EP_PORT" || true
    a=$(asked "$OUT_NS" tcp "$F" "$EP_PORT")
    u=$(asked "$OUT_NS" udp "$F" "$EP_PORT")
    check "outside -> $t's floating IP $F: answered by $E over tcp ($a) and udp ($u)" \
        bash -c "[ '${a%% *}' = '$E' ] && [ '${u%% *}' = '$E' ]"
    check "  ... $E sees the outside's own address" [ "$(cut -d' ' -f2 <<<"$a" | cut -d: -f1)" = "$OUT_IP" ]
    a=$(asked "$(ns "$E")" tcp "$OUT_IP" "$OUT_TCP")
    check "$E -> outside: seen as its floating IP $F ($a)" [ "${a%:*}" = "$F" ]
done

echo "== floating IPs: a move to another host"
F=$(fip_of red)
OLD=$(fip_ep "$F")
OLD_HOST=$(ep "$OLD" host)
NEW=$(jq -r --arg o "$OLD" --arg h "$OLD_HOST" '.endpoints[] | select(.tenant == "red"
        and .network == "gre" and .name != $o and .host != $h) | .name' "$ST" | tail -n1)
NEW_NET=$(ep "$NEW" network)
NEW_PORT=$(ep "$NEW" port)
# (Every demo endpoint runs a name server; a lab without one gets it here.)
if ! pidfile_pid "$D/server-$NEW.pid" >/dev/null; then
    ip netns exec "$(ns "$NEW")" python3 "$SRV" serve --tcp "$EP_PORT" --udp "$EP_PORT" \
        --name "$NEW" --pidfile "$TMP/new.pid" --log "$TMP/new.log" >/dev/null 2>&1 &
    BG_PIDS+=("$!")
    wait_for 30 test -s "$TMP/new.pid" || true
fi
old_served=$(served "$OLD")
if lab ctl fip-set red "$F" --port="$NEW_NET/$NEW_PORT" >"$TMP/fipset.out" 2>&1 \
   && timeout 180 "$WEFT_LAB" --prefix "$P" ctl sync; then r=ok; else r="failed: $(cat "$TMP/fipset.out")"; fi
check "fip-set red $F --port=$NEW_NET/$NEW_PORT ($NEW, on $(ep "$NEW" host)), weftctl sync: $r" [ "$r" = ok ]
# The outside's switch (a Linux bridge) learns the FIP's MAC on the new
# host's port from the gratuitous ARP, or from the first packet the FIP sends.
moved() { [ "$(ask "$OUT_NS" tcp "$F" "$EP_PORT" --timeout 2 | cut -d' ' -f1)" = "$NEW" ]; }
wait_for 90 moved || true
a=$(asked "$OUT_NS" tcp "$F" "$EP_PORT")
check "outside -> $F: now answered by $NEW ($a)" [ "${a%% *}" = "$NEW" ]
a=$(asked "$(ns "$NEW")" tcp "$OUT_IP" "$OUT_TCP")
check "$NEW -> outside: seen as $F ($a)" [ "${a%:*}" = "$F" ]
a=$(asked "$(ns "$OLD")" tcp "$OUT_IP" "$OUT_TCP")
check "$OLD -> outside: seen as its host's address $(ext_of "$OLD_HOST") again ($a)" \
    [ "${a%:*}" = "$(ext_of "$OLD_HOST")" ]
check "  ... and $OLD's server got nothing through $F after the move ($old_served -> $(served "$OLD"))" \
    [ "$(served "$OLD")" = "$old_served" ]

echo "== established connections survive a weftd restart"
MAP=$(jq -r '.port_mappings[] | select(.proto == "tcp") | "\(.host_ip) \(.host_port) \(.endpoint)"' "$ST" | head -n1)
read -r MAP_IP MAP_PORT MAP_EP <<<"$MAP"
MAP_HOST=$(ep "$MAP_EP" host)
session egress "$(ns red-vx-h1)" "$OUT_IP" "$OUT_TCP" 41000
session ingress "$OUT_NS" "$MAP_IP" "$MAP_PORT"
wait_for 30 grep -q '^reply ' "$TMP/egress.sess" || true
wait_for 30 grep -q '^reply ' "$TMP/ingress.sess" || true
check "egress session red-vx-h1:41000 -> outside up ($(sess_reply egress))" \
    [ "$(sess_reply egress | cut -d: -f1)" = "$(ext_of h1)" ]
check "ingress session outside -> $MAP_IP:$MAP_PORT up ($(sess_reply ingress))" \
    same "$MAP_EP" "$(sess_reply ingress | cut -d' ' -f1)"
poke egress || true
poke ingress || true
in_sport=$(sess_local ingress | cut -d: -f2)
ct() {        # ct HOST: the conntrack entries of both sessions on HOST
    { ovs-appctl -t "$D/$1/ovs-vswitchd.ctl" dpctl/dump-conntrack || true; } \
        | { grep -E "sport=41000,|sport=${in_sport:-x}," || true; } | LC_ALL=C sort
}
ct h1 > "$TMP/ct-h1.before"
ct "$MAP_HOST" > "$TMP/ct-map.before"
check "conntrack on h1 has the egress connection in its router's zone and the external zone ($(grep -c 'sport=41000,' "$TMP/ct-h1.before") entries)" \
    [ "$(grep -c 'sport=41000,' "$TMP/ct-h1.before")" -ge 2 ]
check "conntrack on $MAP_HOST has the ingress connection ($(grep -c "sport=$in_sport," "$TMP/ct-map.before") entries)" \
    [ "$(grep -c "sport=$in_sport," "$TMP/ct-map.before")" -ge 1 ]
for h in h1 h2 h3; do of_flowset "$D/$h/br-int.mgmt" > "$TMP/flows-$h.before"; done
wpid=$(pidfile_pid "$D/weftd.pid")
kill "$wpid"
wait_for 60 not pid_alive "$wpid" || true
lab start-weftd >/dev/null
if timeout 180 "$WEFT_LAB" --prefix "$P" ctl sync; then r=ok; else r=fail; fi
check "weftd restarted (pid $wpid -> $(pidfile_pid "$D/weftd.pid")), weftctl sync: $r" [ "$r" = ok ]
hosts_out=$(ovs-appctl -t "$D/weftd.ctl" weft/hosts)
for h in h1 h2 h3; do
    mods=$(sed -n "s/^$h .*flow_mods=\([0-9]*\).*/\1/p" <<<"$hosts_out")
    of_flowset "$D/$h/br-int.mgmt" > "$TMP/flows-$h.after"
    check "$h: the restarted weftd sent no flow_mods (${mods:-?}), the flow set is the same" \
        bash -c "[ '${mods:-x}' = 0 ] && cmp -s '$TMP/flows-$h.before' '$TMP/flows-$h.after'"
done
ct h1 > "$TMP/ct-h1.after"
ct "$MAP_HOST" > "$TMP/ct-map.after"
check "h1's conntrack entries of the egress connection are unchanged" \
    cmp -s "$TMP/ct-h1.before" "$TMP/ct-h1.after"
check "$MAP_HOST's conntrack entries of the ingress connection are unchanged" \
    cmp -s "$TMP/ct-map.before" "$TMP/ct-map.after"
n=$(echoes egress)
check "data still flows on the egress connection" poke egress
check "data still flows on the ingress connection" poke ingress
check "  ... and neither session saw an error" \
    bash -c "! grep -q '^error' '$TMP/egress.sess' '$TMP/ingress.sess'"
info "egress echoes: $n before the restart, $(echoes egress) after"

echo "== bad input: an error, and nothing written"
db_dump() {
    local spec
    for spec in "Pool name cidr external_ids" "Floating_IP ip pool port tenant external_ids" \
                "Port name mappings ips host external_ids" "Network name cidr external_ids" \
                "Router name snat networks routes external_ids" \
                "Host name external_iface external_ip external_gateway" \
                "Tenant name external_ids" "Weft_Global external_ids"; do
        # shellcheck disable=SC2086
        ovsdb-client dump --format=csv "$DB" Weft $spec
    done
}
db_dump > "$TMP/db.before"
refused() {   # refused DESCRIPTION weftctl-ARGS...: weftctl fails with a message
    local what=$1 out rc=0
    shift
    out=$(lab ctl "$@" 2>&1) || rc=$?
    if [ "$rc" -ne 0 ] && [ -n "$out" ]; then ok "weftctl $what: refused ($(tail -n1 <<<"$out"))"
    else bad "weftctl $what: refused (rc $rc: $(tail -n1 <<<"$out"))"; fi
}
F_RED=$(fip_of red)
refused "map-add red/vx/h2 0:80/tcp" map-add red/vx/h2 0:80/tcp
refused "map-add red/vx/h2 8090:65536/tcp" map-add red/vx/h2 8090:65536/tcp
refused "map-add red/vx/h2 65536:80/udp" map-add red/vx/h2 65536:80/udp
refused "map-add red/gre/h1 8080:80/tcp (h1 tcp/8080 is red-vx-h1's)" map-add red/gre/h1 8080:80/tcp
refused "fip-add red --pool=ext --ip=192.168.100.50 (outside the pool)" fip-add red --pool=ext --ip=192.168.100.50
refused "fip-add blue --pool=ext --ip=$F_RED (red's)" fip-add blue --pool=ext --ip="$F_RED"
RED=$(token red) BLUE=$(token blue)
matches() { [[ $1 =~ ^$2$ ]]; }
names() { grep -qiw "$1" <<<"$2"; }
rest() {      # rest WANT DESCRIPTION TOKEN METHOD PATH [BODY]
    local want=$1 what=$2 out code
    shift 2
    out=$(api "$@")
    code=$(status_of "$out")
    REST_BODY=$(body_of "$out")
    check "$what: $want ($code $(tr -d '\n' <<<"$REST_BODY" | cut -c1-120))" matches "$code" "$want"
}
rest 400 "POST red port-mapping host_port 0" "$RED" POST /v1/tenants/red/port-mappings \
    '{"network":"vx","port":"h2","proto":"tcp","host_port":0,"to_port":80}'
rest 400 "POST red port-mapping to_port 65536" "$RED" POST /v1/tenants/red/port-mappings \
    '{"network":"vx","port":"h2","proto":"tcp","host_port":8090,"to_port":65536}'
rest 400 "POST red port-mapping host_port 65536" "$RED" POST /v1/tenants/red/port-mappings \
    '{"network":"vx","port":"h2","proto":"udp","host_port":65536,"to_port":80}'
rest 409 "POST red port-mapping h1 tcp/8080 again" "$RED" POST /v1/tenants/red/port-mappings \
    '{"network":"gre","port":"h1","proto":"tcp","host_port":8080,"to_port":80}'
rest 409 "POST blue port-mapping h1 tcp/8080 (red's)" "$BLUE" POST /v1/tenants/blue/port-mappings \
    '{"network":"gre","port":"h1","proto":"tcp","host_port":8080,"to_port":80}'
check "  ... blue's error does not name red's objects ($REST_BODY)" \
    not names red "$REST_BODY"
rest '4[0-9][0-9]' "POST red floating IP 192.168.100.50 (outside the pool)" "$RED" \
    POST /v1/tenants/red/floating-ips '{"pool":"ext","ip":"192.168.100.50"}'
rest '4[0-9][0-9]' "POST red floating IP 10.0.0.200 (outside the pool)" "$RED" \
    POST /v1/tenants/red/floating-ips '{"pool":"ext","ip":"10.0.0.200"}'
rest 409 "POST blue floating IP $F_RED (red's)" "$BLUE" \
    POST /v1/tenants/blue/floating-ips "{\"pool\":\"ext\",\"ip\":\"$F_RED\"}"
check "  ... blue's error does not name red ($REST_BODY)" not names red "$REST_BODY"
rest 404 "blue's token: GET /v1/tenants/blue/floating-ips/$F_RED (red's)" "$BLUE" \
    GET "/v1/tenants/blue/floating-ips/$F_RED"
rest 404 "blue's token: PATCH /v1/tenants/blue/floating-ips/$F_RED to blue's port" "$BLUE" \
    PATCH "/v1/tenants/blue/floating-ips/$F_RED" '{"network":"gre","port":"h1"}'
rest 404 "blue's token: DELETE /v1/tenants/blue/floating-ips/$F_RED" "$BLUE" \
    DELETE "/v1/tenants/blue/floating-ips/$F_RED"
rest '40[34]' "blue's token: DELETE /v1/tenants/red/floating-ips/$F_RED" "$BLUE" \
    DELETE "/v1/tenants/red/floating-ips/$F_RED"
rest '40[34]' "blue's token: PATCH /v1/tenants/red/floating-ips/$F_RED" "$BLUE" \
    PATCH "/v1/tenants/red/floating-ips/$F_RED" '{"port":null}'
rest 200 "control: red's token: GET /v1/tenants/red/floating-ips/$F_RED" "$RED" \
    GET "/v1/tenants/red/floating-ips/$F_RED"
db_dump > "$TMP/db.after"
if cmp -s "$TMP/db.before" "$TMP/db.after"; then ok "weft's database is unchanged by the refused requests"; else
    bad "weft's database is unchanged by the refused requests"; diff "$TMP/db.before" "$TMP/db.after" | head -20 || true
fi
a=$(asked "$OUT_NS" tcp "$F_RED" "$EP_PORT")
check "control: red's floating IP $F_RED still answers ($a)" [ "${a%% *}" = "$NEW" ]

echo "== weft-lab down stops the servers and removes the outside"
if [ "${WEFT_LAB_KEEP:-0}" = 1 ]; then
    info "WEFT_LAB_KEEP=1: not taken down here"
else
    spids=()
    for f in "$D"/outside-server.pid "$D"/server-*.pid; do
        if p=$(pidfile_pid "$f"); then spids+=("$p"); fi
    done
    alive=0
    for p in "${spids[@]}"; do pid_alive "$p" && alive=$((alive + 1)); done
    want=$((1 + $(jq '.endpoints | length' "$ST")))
    check "before down: the outside server and every endpoint's name server run ($alive of ${#spids[@]}, want $want)" \
        [ "$alive" -eq "$want" ]
    lab down >/dev/null
    alive=0
    for p in "${spids[@]}"; do pid_alive "$p" && alive=$((alive + 1)); done
    check "after down: none of them runs ($alive), $OUT_NS is gone" \
        bash -c "[ $alive -eq 0 ] && ! ip netns list | grep -qw '$OUT_NS'"
fi

report
