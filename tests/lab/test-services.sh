#!/bin/bash
# test-services: services (issue #14) on the namespace lab, three hosts.
# Every demo endpoint runs a name server (scripts/lab-server.py, TCP 80 and
# 8080) answering "NAME CLIENT-IP:PORT"; the demo gives each tenant (red and
# blue: identical subnets, IPs and VIP) a service web, 10.96.0.10:80/tcp on
# its router, backends <t>-vx-h2 and <t>-vx-h3 (h1 has no local backend),
# node port 30080 (red) / 30081 (blue).  Checks:
#   - `weft-lab status --json` gains services[] (tenant, name, vip, port,
#     proto, backends[] {endpoint, port}), one per tenant, >= 2 backends on
#     different hosts, every older field kept; weft holds the same (REST);
#   - every endpoint's name server answers on both ports;
#   - 30 connections from red-vx-h1 reach every backend and only backends;
#     the counters (REST .../stats) grew by exactly the connections each
#     backend answered, 30 in all, and weftctl service-show shows the same;
#   - a removed backend (backend-del) gets no new connection (its server's
#     log does not grow), and gets them again once added back; a backend
#     marked down (backend-set --down) gets none either, until --up, and a
#     connection established before goes on (conntrack keeps its DNAT and
#     the backend's reply rows stay: "down" drains).  backend-del removes
#     the reply rows too, so it cuts such a connection (README "Services");
#   - blue-vx-h1 (red-vx-h1's IP and MAC) reaching 10.96.0.10 gets only
#     blue's backends, and red's servers see nothing of it;
#   - hairpin: a backend connecting to its own VIP is answered, sometimes by
#     itself (which then sees the VIP as the source);
#   - node port: the outside reaching <host external IP>:30080 is answered by
#     that host's local backend (and the backend sees the outside's own
#     address); h1, without a local backend, does not answer although the
#     packets arrive at its ext0; blue's node port leads to blue's backends;
#   - bad input -> 4xx (REST) / an error (weftctl), nothing written (a dump
#     of weft's configuration tables before and after): port 0 and 65536, a
#     duplicate VIP:port, a VIP inside an attached subnet, another tenant's
#     node port (409 that does not name the owner), a backend that is a port
#     of another tenant (404, not named), a duplicate backend, weight 0,
#     another tenant's token on the service.
# Waits end on events (weftctl sync, an answer); the first packets through a
# new tunnel may be dropped by the userspace datapath, so every path is
# warmed up with wait_for before anything is counted.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab-lib.sh disable=SC1091
source "$HERE/../../scripts/lab-lib.sh"

lab_test_start t14s --hosts 3 --no-matrix

lab() { "$WEFT_LAB" --prefix "$P" "$@"; }
ST="$TMP/state.json"
lab status --json > "$ST"
D=$(jq -r .dir "$ST")
API="$D/weft-api.sock"
DB="unix:$D/weft.sock"
SRV="$WEFT_REPO/scripts/lab-server.py"
OUT_NS=$(jq -r .outside.netns "$ST")
OUT_IP=$(jq -r .outside.ip "$ST")
ep() { jq -r --arg n "$1" ".endpoints[] | select(.name == \$n) | .$2" "$ST"; }
ns() { ep "$1" netns; }
ext_of() { jq -r --arg h "$1" '.hosts[] | select(.name == $h) | .external_ip' "$ST"; }
token() { jq -r --arg t "$1" '.tenants[] | select(.name == $t) | .token' "$ST"; }
svc() { jq -r --arg t "$1" ".services[] | select(.tenant == \$t) | .$2" "$ST"; }
backends() { jq -r --arg t "$1" '.services[] | select(.tenant == $t) | .backends[].endpoint' "$ST"; }
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
sync_weft() { timeout 180 "$WEFT_LAB" --prefix "$P" ctl sync >/dev/null; }

# ask NETNS PROTO IP PORT [ARGS...]: the server's first line, or fails.
ask() {
    local n=$1; shift
    ip netns exec "$n" python3 "$SRV" ask "$@" 2>/dev/null
}
# asked NETNS IP PORT: one TCP ask, with one more try; the answer or "none".
asked() {
    ask "$1" tcp "$2" "$3" --timeout 2 || ask "$1" tcp "$2" "$3" --timeout 2 || echo none
}
# warm NETNS IP PORT: wait until the path answers.  The warm-ups share one
# generous deadline, so that a weft without services fails in minutes.
WARM_UNTIL=
warm() {
    local left
    WARM_UNTIL=${WARM_UNTIL:-$((SECONDS + 240))}
    left=$((WARM_UNTIL - SECONDS))
    [ "$left" -ge 10 ] || left=10
    wait_for "$left" ask "$1" tcp "$2" "$3" --timeout 2 >/dev/null
}
# served NAME: connections and datagrams the server of endpoint NAME had.
served() { if [ -f "$D/server-$1.log" ]; then wc -l < "$D/server-$1.log"; else echo 0; fi; }
rx_ext() {    # rx_ext HOST: packets ext0 received on HOST
    ip -n "$P-$1" -s -j link show ext0 | jq '.[0].stats64.rx.packets'
}
# connect_n COUNT NETNS IP PORT: COUNT connections, one answer's first word
# (the endpoint's name, or "none") a line, in $TMP/answers.
connect_n() {
    local k
    : > "$TMP/answers"
    for ((k = 0; k < $1; k++)); do
        asked "$2" "$3" "$4" >> "$TMP/answers"
    done
    ANSWERS=$(cut -d' ' -f1 "$TMP/answers" | sort | uniq -c | awk '{printf "%s%s x%d", s, $2, $1; s = ", "}')
}
answered_by() { awk -v n="$1" '$1 == n' "$TMP/answers" | wc -l; }
# only_from LIST: every answer in $TMP/answers came from an endpoint of LIST.
only_from() { ! cut -d' ' -f1 "$TMP/answers" | grep -qvxF -f <(echo "$1"); }
# stats TENANT TOKEN: "NETWORK/PORT CONNECTIONS PACKETS" per backend, sorted.
stats() {
    api "$2" GET "/v1/tenants/$1/services/$(svc "$1" name)/stats" | sed '$d' \
        | jq -r '.backends[] | "\(.network)/\(.port) \(.connections) \(.packets)"' | sort
}
ep_path() { echo "$(ep "$1" network)/$(ep "$1" port)"; }
# session NAME NETNS IP PORT: a held TCP connection (lab-server.py session),
# its output in $TMP/NAME.sess, its pid in SESS_NAME; poke NAME sends a line
# through it and waits for its echo.
session() {
    : > "$TMP/$1.sess"
    ip netns exec "$2" python3 "$SRV" session "$3" "$4" --out "$TMP/$1.sess" >/dev/null 2>&1 &
    BG_PIDS+=("$!")
    printf -v "SESS_$1" %s "$!"
}
sess_reply() { sed -n 's/^reply //p' "$TMP/$1.sess"; }
echoes() { grep -c '^echo ping' "$TMP/$1.sess" || true; }
more_echoes() { [ "$(echoes "$1")" -gt "$2" ]; }
poke() {
    local pid=SESS_$1 n
    n=$(echoes "$1")
    kill -USR1 "${!pid}" 2>/dev/null || return 1
    wait_for 20 more_echoes "$1" "$n"
}

VIP=$(svc red vip)
VPORT=$(svc red port)
mapfile -t RB < <(backends red)
mapfile -t BB < <(backends blue)
RED=$(token red) BLUE=$(token blue)
declare -A NODE_PORT=()

echo "== status --json: services[], and every older field still there"
# shellcheck disable=SC2016
check "services[]: exactly tenant, name, vip, port, proto, backends[] {endpoint, port} ($(jq -c .services "$ST" | cut -c1-200))" \
    jqt 'all(.services[]; keys == ["backends", "name", "port", "proto", "tenant", "vip"]
             and all(.backends[]; keys == ["endpoint", "port"]
                     and (.port | type) == "number") and (.port | type) == "number")' "$ST"
check "one service per tenant, the same VIP:port/proto in both" \
    jqt '([.services[].tenant] | sort == ["blue", "red"])
           and ([.services[] | "\(.vip):\(.port)/\(.proto)"] | unique | length == 1)' "$ST"
# shellcheck disable=SC2016
check "each service: >= 2 backends, endpoints of its tenant, on different hosts" \
    jqt '. as $s | all(.services[]; . as $v | (.backends | length >= 2)
           and ([.backends[].endpoint as $e | $s.endpoints[] | select(.name == $e
                 and .tenant == $v.tenant) | .host] | unique | length == ($v.backends | length)))' "$ST"
check "top level: endpoints, networks, routers, tenants, outside, port_mappings, floating_ips kept" \
    jqt 'has("endpoints") and has("networks") and has("routers") and has("tenants")
           and has("outside") and has("port_mappings") and has("floating_ips")
           and has("underlay") and has("api_socket") and has("weftd_cmd")' "$ST"
for t in red blue; do
    out=$(api - GET "/v1/tenants/$t/services/$(svc "$t" name)")
    want=$(jq -c --arg t "$t" '. as $s | .services[] | select(.tenant == $t)
             | [.vip, .port, .proto, ([.backends[] | .endpoint as $e | [($s.endpoints[]
                | select(.name == $e) | .ip), .port]] | sort)]' "$ST")
    got=$(body_of "$out" | jq -c '[.vip, .port, .proto, ([.backends[] | [.ip, .to_port]] | sort)]' 2>/dev/null || echo none)
    check "weft holds $t's service as status says ($got)" [ "$got" = "$want" ]
    NODE_PORT[$t]=$(body_of "$out" | jq -r '.node_port // empty' 2>/dev/null || true)
done
check "node ports: red ${NODE_PORT[red]:-none}, blue ${NODE_PORT[blue]:-none}, distinct" \
    bash -c "[ -n '${NODE_PORT[red]}' ] && [ -n '${NODE_PORT[blue]}' ] && [ '${NODE_PORT[red]}' != '${NODE_PORT[blue]}' ]"

echo "== every endpoint runs a name server"
alive=0 n_eps=$(jq '.endpoints | length' "$ST")
while read -r name; do
    if p=$(pidfile_pid "$D/server-$name.pid") && pid_alive "$p"; then alive=$((alive + 1)); fi
done < <(jq -r '.endpoints[].name' "$ST")
check "name servers running: $alive of $n_eps endpoints" [ "$alive" -eq "$n_eps" ]
for b in "${RB[@]}"; do
    warm "$(ns red-vx-h1)" "$(ep "$b" ip)" 80 || true
    for port in 80 8080; do
        a=$(asked "$(ns red-vx-h1)" "$(ep "$b" ip)" "$port")
        check "red-vx-h1 -> $b $(ep "$b" ip):$port directly: its name comes back ($a)" \
            [ "${a%% *}" = "$b" ]
    done
done

echo "== 30 connections from one client reach every backend; counters"
CL=red-vx-h1
warm "$(ns "$CL")" "$VIP" "$VPORT" || true
stats red "$RED" > "$TMP/stats.before"
connect_n 30 "$(ns "$CL")" "$VIP" "$VPORT"
# The switches count a bucket's packets that hit an existing datapath flow
# when their revalidators next run: wait until 30 more are counted (or the
# deadline; the checks below then say what is missing).
grown() {     # grown: connections counted since stats.before, stats.after kept
    stats red "$RED" > "$TMP/stats.after"
    [ "$(join "$TMP/stats.before" "$TMP/stats.after" | awk '{s += $4 - $2} END {print s + 0}')" -ge 30 ]
}
wait_for 30 grown || true
check "$CL -> $VIP:$VPORT x30: all answered ($ANSWERS)" [ "$(answered_by none)" -eq 0 ]
check "  ... only by red's backends (${RB[*]})" only_from "$(printf '%s\n' "${RB[@]}")"
for b in "${RB[@]}"; do
    check "  ... $b answered ($(answered_by "$b") of 30)" [ "$(answered_by "$b")" -gt 0 ]
done
sum=0
for b in "${RB[@]}"; do
    c0=$(awk -v k="$(ep_path "$b")" '$1 == k {print $2}' "$TMP/stats.before")
    c1=$(awk -v k="$(ep_path "$b")" '$1 == k {print $2}' "$TMP/stats.after")
    p0=$(awk -v k="$(ep_path "$b")" '$1 == k {print $3}' "$TMP/stats.before")
    p1=$(awk -v k="$(ep_path "$b")" '$1 == k {print $3}' "$TMP/stats.after")
    d=$(( ${c1:-0} - ${c0:-0} ))
    sum=$((sum + d))
    check "  ... stats: $b's connections grew by what it answered ($c0 -> $c1, +$d, answered $(answered_by "$b"))" \
        bash -c "[ -n '$c1' ] && [ '$d' -eq '$(answered_by "$b")' ]"
    check "  ... stats: $b's packets grew ($p0 -> $p1)" bash -c "[ -n '$p1' ] && [ '${p1:-0}' -gt '${p0:-0}' ]"
done
check "  ... connections over all backends grew by 30 (+$sum)" [ "$sum" -eq 30 ]
out=$(lab ctl service-show red/web 2>&1) || out="failed: $out"
for b in "${RB[@]}"; do
    check "weftctl service-show red/web shows $b ($(ep "$b" ip))" grep -qwF "$(ep "$b" ip)" <<<"$out"
done
# shellcheck disable=SC2016
ctl_sum=$(awk '{for (i = 1; i < NF; i++) if ($i == "connections") s += $(i + 1)} END {print s + 0}' <<<"$out")
rest_sum=$(awk '{s += $2} END {print s + 0}' "$TMP/stats.after")
check "  ... its connections add up to the REST stats' ($ctl_sum, REST $rest_sum)" \
    bash -c "[ '$ctl_sum' -eq '$rest_sum' ] && [ '$ctl_sum' -ge 30 ]"

echo "== a removed backend gets no new connection"
session held "$(ns "$CL")" "$VIP" "$VPORT"
wait_for 30 grep -q '^reply ' "$TMP/held.sess" || true
GONE=$(sess_reply held | cut -d' ' -f1)
check "a connection held from $CL to the VIP, answered by $GONE" grep -qxF "${GONE:-x}" <(printf '%s\n' "${RB[@]}")
grep -qxF "${GONE:-x}" <(printf '%s\n' "${RB[@]}") || GONE=${RB[-1]}
KEEP=$(printf '%s\n' "${RB[@]}" | grep -vxF "$GONE")
if lab ctl backend-del red/web "$(ep_path "$GONE")" >"$TMP/out" 2>&1 && sync_weft; then r=ok; else r="failed: $(cat "$TMP/out")"; fi
check "backend-del red/web $(ep_path "$GONE") ($GONE), weftctl sync: $r" [ "$r" = ok ]
s0=$(served "$GONE")
connect_n 20 "$(ns "$CL")" "$VIP" "$VPORT"
check "$CL -> VIP x20: all answered, only by ${KEEP//$'\n'/ } ($ANSWERS)" \
    bash -c "[ $(answered_by none) -eq 0 ] && [ $(answered_by "$GONE") -eq 0 ]"
check "  ... $GONE's server saw no connection ($s0 -> $(served "$GONE"))" [ "$(served "$GONE")" = "$s0" ]
if lab ctl backend-add red/web "$(ep_path "$GONE")" --port="$VPORT" >"$TMP/out" 2>&1 && sync_weft; then r=ok; else r="failed: $(cat "$TMP/out")"; fi
check "backend-add red/web $(ep_path "$GONE") again, weftctl sync: $r" [ "$r" = ok ]
reached() { [ "$(asked "$(ns "$CL")" "$VIP" "$VPORT" | cut -d' ' -f1)" = "$1" ]; }
check "  ... $GONE gets connections again" wait_for 60 reached "$GONE"

echo "== a backend marked down gets no new connection; its established ones go on"
session held2 "$(ns "$CL")" "$VIP" "$VPORT"
wait_for 30 grep -q '^reply ' "$TMP/held2.sess" || true
DOWN=$(sess_reply held2 | cut -d' ' -f1)
check "a connection held from $CL to the VIP, answered by $DOWN" grep -qxF "${DOWN:-x}" <(printf '%s\n' "${RB[@]}")
grep -qxF "${DOWN:-x}" <(printf '%s\n' "${RB[@]}") || DOWN=${RB[0]}
if lab ctl backend-set red/web "$(ep_path "$DOWN")" --down >"$TMP/out" 2>&1 && sync_weft; then r=ok; else r="failed: $(cat "$TMP/out")"; fi
check "backend-set red/web $(ep_path "$DOWN") --down ($DOWN), weftctl sync: $r" [ "$r" = ok ]
check "  ... the service says so" \
    bash -c "curl -s --unix-socket '$API' -H 'Authorization: Bearer $RED' http://weft/v1/tenants/red/services/web \
             | jq -e --arg ip '$(ep "$DOWN" ip)' 'any(.backends[]; .ip == \$ip and .down == true)' >/dev/null"
s0=$(served "$DOWN")
connect_n 20 "$(ns "$CL")" "$VIP" "$VPORT"
check "$CL -> VIP x20: all answered, none by $DOWN ($ANSWERS)" \
    bash -c "[ $(answered_by none) -eq 0 ] && [ $(answered_by "$DOWN") -eq 0 ]"
check "  ... $DOWN's server saw no connection ($s0 -> $(served "$DOWN"))" [ "$(served "$DOWN")" = "$s0" ]
check "  ... the connection held with $DOWN still carries data (conntrack keeps its DNAT)" poke held2
if lab ctl backend-set red/web "$(ep_path "$DOWN")" --up >"$TMP/out" 2>&1 && sync_weft; then r=ok; else r="failed: $(cat "$TMP/out")"; fi
check "backend-set red/web $(ep_path "$DOWN") --up, weftctl sync: $r" [ "$r" = ok ]
check "  ... $DOWN gets connections again" wait_for 60 reached "$DOWN"

echo "== the other tenant: identical client IP and MAC, identical VIP"
BCL=blue-vx-h1
check "$BCL has $CL's IP and MAC" \
    bash -c "[ '$(ep "$BCL" ip)' = '$(ep "$CL" ip)' ] && [ '$(ep "$BCL" mac)' = '$(ep "$CL" mac)' ]"
warm "$(ns "$BCL")" "$VIP" "$VPORT" || true
red_served() { for b in "${RB[@]}"; do served "$b"; done | awk '{s += $1} END {print s + 0}'; }
s0=$(red_served)
connect_n 20 "$(ns "$BCL")" "$VIP" "$VPORT"
check "$BCL -> $VIP:$VPORT x20: all answered ($ANSWERS)" [ "$(answered_by none)" -eq 0 ]
check "  ... only by blue's backends (${BB[*]})" only_from "$(printf '%s\n' "${BB[@]}")"
for b in "${BB[@]}"; do
    check "  ... $b answered ($(answered_by "$b") of 20)" [ "$(answered_by "$b")" -gt 0 ]
done
check "  ... red's backends' servers saw nothing ($s0 -> $(red_served))" [ "$(red_served)" = "$s0" ]

echo "== hairpin: a backend connecting to its own VIP"
HB=${RB[0]}
warm "$(ns "$HB")" "$VIP" "$VPORT" || true
connect_n 20 "$(ns "$HB")" "$VIP" "$VPORT"
check "$HB -> $VIP:$VPORT x20: all answered ($ANSWERS)" [ "$(answered_by none)" -eq 0 ]
check "  ... only by red's backends" only_from "$(printf '%s\n' "${RB[@]}")"
check "  ... sometimes by $HB itself ($(answered_by "$HB") of 20)" [ "$(answered_by "$HB")" -gt 0 ]
self_src=$(awk -v b="$HB" '$1 == b {split($2, a, ":"); print a[1]}' "$TMP/answers" | sort -u | tr '\n' ' ')
check "  ... $HB, answering itself, sees the VIP as the source ($self_src)" [ "$self_src" = "$VIP " ]

echo "== node port: the outside, at each host's external IP"
for t in red blue; do
    np=${NODE_PORT[$t]:-0}
    mapfile -t bs < <(backends "$t")
    first=""
    for h in h1 h2 h3; do
        lb=$(for b in "${bs[@]}"; do [ "$(ep "$b" host)" = "$h" ] && echo "$b"; done || true)
        if [ -n "$lb" ]; then
            [ -n "$first" ] || { first=$h; warm "$OUT_NS" "$(ext_of "$h")" "$np" || true; }
            a=$(asked "$OUT_NS" "$(ext_of "$h")" "$np")
            check "outside -> $(ext_of "$h"):$np ($t, $h): answered by its local backend $lb ($a)" \
                [ "${a%% *}" = "$lb" ]
            check "  ... which sees the outside's own address" \
                [ "$(cut -d' ' -f2 <<<"$a" | cut -d: -f1)" = "$OUT_IP" ]
        else
            rx0=$(rx_ext "$h")
            a=$(ask "$OUT_NS" tcp "$(ext_of "$h")" "$np" --timeout 2 || echo none)
            check "outside -> $(ext_of "$h"):$np ($t, $h, no local backend): no answer ($a)" [ "$a" = none ]
            check "  ... although the packets arrived at $h's ext0 (+$(( $(rx_ext "$h") - rx0 )))" \
                [ "$(rx_ext "$h")" -gt "$rx0" ]
        fi
    done
done

echo "== bad input: an error, and nothing written"
# A network and a port that only blue has (red's names are blue's too).
lab ctl net-add blue/bonly --type=vxlan --segment=3099 --cidr=10.9.0.0/24 >/dev/null
lab ctl port-add blue/bonly/p1 --host=h1 --iface="${P}zz" --mac=02:00:99:00:00:01 --ip=10.9.0.5 >/dev/null
db_dump() {
    local spec
    for spec in "Service name vip port proto node_port flow_key backends weights down router tenant external_ids" \
                "Port name mappings ips host network external_ids" "Network name cidr external_ids" \
                "Router name snat networks routes external_ids" "Tenant name external_ids" \
                "Weft_Global external_ids"; do
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
refused "service-add red/web2 --port=0" service-add red/web2 --router=rtr --vip=10.96.0.11 --port=0
refused "service-add red/web2 10.96.0.10:80/tcp (red/web's)" service-add red/web2 --router=rtr \
    --vip="$VIP" --port="$VPORT" --proto=tcp
refused "backend-add red/web bonly/p1 (no such network in red: blue's)" backend-add red/web bonly/p1
refused "backend-add red/web $(ep_path "${RB[0]}") (already a backend)" backend-add red/web "$(ep_path "${RB[0]}")"
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
S=/v1/tenants/red/services
rest 400 "POST red service port 0" "$RED" POST $S \
    '{"name":"web2","router":"rtr","vip":"10.96.0.11","port":0,"proto":"tcp"}'
rest 400 "POST red service port 65536" "$RED" POST $S \
    '{"name":"web2","router":"rtr","vip":"10.96.0.11","port":65536,"proto":"tcp"}'
rest 400 "POST red service proto icmp" "$RED" POST $S \
    '{"name":"web2","router":"rtr","vip":"10.96.0.11","port":80,"proto":"icmp"}'
rest 409 "POST red service web2 at $VIP:$VPORT/tcp (web's)" "$RED" POST $S \
    "{\"name\":\"web2\",\"router\":\"rtr\",\"vip\":\"$VIP\",\"port\":$VPORT,\"proto\":\"tcp\"}"
rest '4[0-9][0-9]' "POST red service with a VIP inside an attached subnet (10.0.0.50)" "$RED" POST $S \
    '{"name":"web2","router":"rtr","vip":"10.0.0.50","port":80,"proto":"tcp"}'
rest 409 "POST red service on blue's node port ${NODE_PORT[blue]}" "$RED" POST $S \
    "{\"name\":\"web2\",\"router\":\"rtr\",\"vip\":\"10.96.0.11\",\"port\":80,\"proto\":\"tcp\",\"node_port\":${NODE_PORT[blue]:-1}}"
check "  ... red's error does not name blue ($REST_BODY)" not names blue "$REST_BODY"
rest 404 "POST red/web backend bonly/p1 (a port of blue)" "$RED" POST $S/web/backends \
    '{"network":"bonly","port":"p1"}'
check "  ... red's error does not name blue ($REST_BODY)" not names blue "$REST_BODY"
rest 409 "POST red/web backend $(ep_path "${RB[0]}") again" "$RED" POST $S/web/backends \
    "{\"network\":\"$(ep "${RB[0]}" network)\",\"port\":\"$(ep "${RB[0]}" port)\"}"
rest 400 "POST red/web backend with weight 0" "$RED" POST $S/web/backends \
    '{"network":"gre","port":"h1","weight":0}'
rest 400 "POST red/web backend with to_port 0" "$RED" POST $S/web/backends \
    '{"network":"gre","port":"h1","to_port":0}'
rest '40[34]' "blue's token: GET red's service" "$BLUE" GET $S/web
rest '40[34]' "blue's token: POST a backend to red's service" "$BLUE" POST $S/web/backends \
    '{"network":"gre","port":"h1"}'
rest '40[34]' "blue's token: DELETE red's service" "$BLUE" DELETE $S/web
rest 200 "control: red's token: GET red's service" "$RED" GET $S/web
db_dump > "$TMP/db.after"
if cmp -s "$TMP/db.before" "$TMP/db.after"; then ok "weft's database is unchanged by the refused requests"; else
    bad "weft's database is unchanged by the refused requests"; diff "$TMP/db.before" "$TMP/db.after" | head -20 || true
fi
a=$(asked "$(ns "$CL")" "$VIP" "$VPORT")
check "control: red's VIP still answers ($a)" grep -qxF "${a%% *}" <(printf '%s\n' "${RB[@]}")

report
