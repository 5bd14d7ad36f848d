#!/bin/bash
# test-policy: security groups (issue #15) on the namespace lab, three hosts.
# Every demo endpoint runs a name server (scripts/lab-server.py, TCP 80 and
# 8080, UDP 80) answering "NAME CLIENT-IP:PORT" and logging each client.
# The demo gives each tenant (red and blue: identical subnets and IPs) a
# group "web": ingress tcp/80 and icmp from each of the tenant's subnets;
# members <t>-gre-h1 (h1) and <t>-vlan-h3 (h3).  Checks:
#   - `weft-lab status --json` gains security_groups[] (tenant, name,
#     rules[] {direction, proto, ports, remote}, members[]), every older
#     field kept; weft holds the same (REST, the tenant's token); another
#     tenant's token gets 404;
#   - the matrix: red-gre-h1 from a client in its own network on its own
#     host and on another host, and routed from another network on its own
#     host and on another host: tcp/80 and ping answered, tcp/8080 and
#     udp/80 not, and the member's server saw nothing of the denied ones; a
#     non-member answers tcp/8080 (control); red-vlan-h3 likewise; the
#     member (ingress policy only) gets the replies of what it starts;
#   - replies pass under egress policy: a group "db" (ingress tcp/8080 from
#     the members of web, egress icmp only) on red-vlan-h2: a web member
#     reaches it on 8080 (the answer goes out although db's egress allows
#     no tcp), a non-member of web does not, nor does tcp/80; red-vlan-h2
#     pings out (egress icmp) but its tcp to a neighbour is denied;
#   - a member of web added (red-vx-h1) reaches db on 8080, removed again
#     it does not (the remote group's addresses follow the members);
#   - counters: connections to tcp/80 from 10.0.0.0/24 grow that rule's
#     packets (REST .../stats and weftctl sg-show), not the 10.1.0.0/24
#     rule's; denied attempts grow default_deny.ingress;
#   - weftctl trace names the rule that allows a packet and the member's
#     default deny that drops one;
#   - `ovs-ofctl dump-flows cookie=C/-1` (C = the rule's cookie) shows that
#     rule's rows only, all at one priority, on the hosts with a member and
#     on no other;
#   - removing the rule stops an established connection through it, and
#     new ones; the other subnets' rules still allow; added back, it works;
#   - blue (same IPs and ports) is unaffected by red's changes: while red's
#     rule is gone, blue's same path answers; red-gre-h1 out of web answers
#     tcp/8080, blue-gre-h1 (same IP) still does not.
# Waits end on events (weftctl sync, an answer, a counter); the first
# packets through a new tunnel may be dropped by the userspace datapath, so
# every path is warmed up (an allowed connection) before anything denied or
# counted is asked.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lab-lib.sh disable=SC1091
source "$HERE/../../scripts/lab-lib.sh"

lab_test_start t15p --hosts 3 --no-matrix

lab() { "$WEFT_LAB" --prefix "$P" "$@"; }
ST="$TMP/state.json"
lab status --json > "$ST"
D=$(jq -r .dir "$ST")
API="$D/weft-api.sock"
SRV="$WEFT_REPO/scripts/lab-server.py"
OUT_IP=$(jq -r .outside.ip "$ST")
OUT_PORT=$(jq -r .outside.tcp_port "$ST")
ep() { jq -r --arg n "$1" ".endpoints[] | select(.name == \$n) | .$2" "$ST"; }
ns() { ep "$1" netns; }
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
sync_weft() { timeout 180 "$WEFT_LAB" --prefix "$P" ctl sync >/dev/null; }
ctl() { lab ctl "$@"; }
RED=$(token red) BLUE=$(token blue)

# ask NETNS PROTO IP PORT [ARGS...]: the server's first line, or fails.
ask() {
    local n=$1; shift
    ip netns exec "$n" python3 "$SRV" ask "$@" 2>/dev/null
}
# answer CLIENT PROTO MEMBER|IP PORT: who answers (one more try), or "none".
answer() {
    local ip=$3
    [[ $ip =~ ^[0-9.]+$ ]] || ip=$(ep "$3" ip)
    ask "$(ns "$1")" "$2" "$ip" "$4" --timeout 2 \
        || ask "$(ns "$1")" "$2" "$ip" "$4" --timeout 2 || echo none
}
who() { answer "$@" | cut -d' ' -f1; }
# warm CLIENT IP PORT: wait until a TCP path answers (shared deadline).
WARM_UNTIL=
warm() {
    local left
    WARM_UNTIL=${WARM_UNTIL:-$((SECONDS + 240))}
    left=$((WARM_UNTIL - SECONDS))
    [ "$left" -ge 10 ] || left=10
    wait_for "$left" ask "$(ns "$1")" tcp "$2" "$3" --timeout 2 >/dev/null
}
# served NAME: connections and datagrams the server of endpoint NAME had.
served() { if [ -f "$D/server-$1.log" ]; then wc -l < "$D/server-$1.log"; else echo 0; fi; }
# pings SRC DST-EP: 3 pings answered, and DST's own InEchos grew by 3.
pings() {
    local b a ip
    ip=$(ep "$2" ip)
    ip netns exec "$(ns "$1")" ping -c1 -W1 -q "$ip" >/dev/null 2>&1 || true
    b=$(icmp_in_echos "$(ns "$2")")
    ip netns exec "$(ns "$1")" ping -c3 -i0.2 -W1 -q "$ip" >/dev/null 2>&1 || return 1
    a=$(icmp_in_echos "$(ns "$2")")
    [ $((a - b)) -ge 3 ]
}
# session NAME NETNS IP PORT: a held TCP connection (lab-server.py session),
# its output in $TMP/NAME.sess; poke NAME [SECONDS] sends a line through it
# and waits (default 20 s) for its echo.
session() {
    : > "$TMP/$1.sess"
    ip netns exec "$2" python3 "$SRV" session "$3" "$4" --out "$TMP/$1.sess" >/dev/null 2>&1 &
    BG_PIDS+=("$!")
    printf -v "SESS_$1" %s "$!"
}
echoes() { grep -c '^echo ping' "$TMP/$1.sess" || true; }
more_echoes() { [ "$(echoes "$1")" -gt "$2" ]; }
poke() {
    local pid=SESS_$1 n
    n=$(echoes "$1")
    kill -USR1 "${!pid}" 2>/dev/null || return 1
    wait_for "${2:-20}" more_echoes "$1" "$n"
}

# The group's rules and stats as weft holds them (REST, red's token).
group() { api "$2" GET "/v1/tenants/$1/security-groups/$3" | sed '$d'; }
# rule_id TENANT GROUP PROTO PORTS|null CIDR|null: the rule's id.
rule_id() {
    group "$1" "$([ "$1" = red ] && echo "$RED" || echo "$BLUE")" "$2" \
        | jq -r --arg p "$3" --argjson ports "$4" --argjson c "$5" \
            '.rules[] | select(.proto == $p and .ports == $ports and .remote_cidr == $c) | .id' \
        | head -n1
}
# rule_packets ID: the rule's packets in red/web's stats, "-" if absent.
rule_packets() {
    api "$RED" GET /v1/tenants/red/security-groups/web/stats | sed '$d' \
        | jq -r --argjson id "$1" '[.rules[] | select(.id == $id) | .packets][0] // "-"'
}
deny_packets() {
    api "$RED" GET /v1/tenants/red/security-groups/web/stats | sed '$d' \
        | jq -r '.default_deny.ingress // "-"'
}
grown() { local n; n=$("$1" "${@:3}"); [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge "$2" ]; }
# cookie TENANT RULE-ID: the rule's cookie (pipeline.h weft_cookie_sg_rule).
cookie() {
    local tk
    tk=$(ovsdb-client --format=json query "unix:$D/weft.sock" \
        "[\"Weft\",{\"op\":\"select\",\"table\":\"Tenant\",\"where\":[[\"name\",\"==\",\"$1\"]],\"columns\":[\"flow_key\"]}]" \
        | jq -r '.[0].rows[0].flow_key')
    printf '0x%x\n' $(( (0x57 << 56) | (tk << 40) | 0x20000 | $2 ))
}
mgmt() { echo "$D/$1/br-int.mgmt"; }
# rows HOST COOKIE: how many flows on HOST carry exactly COOKIE.
rows() { of_flows "$(mgmt "$1")" "cookie=$2/-1" | grep -c cookie= || true; }

M=red-gre-h1            # a member of red/web on h1 (10.1.0.11)
M_IP=$(ep "$M" ip)
M3=red-vlan-h3          # the other one, on h3
BM=blue-gre-h1          # blue's twin of M: same IP, member of blue/web

echo "== status --json: security_groups[], and every older field still there"
check "security_groups[]: one group web per tenant (red, blue)" \
    jqt '[.security_groups[] | "\(.tenant)/\(.name)"] | sort == ["blue/web", "red/web"]' "$ST"
check "  ... rules: ingress tcp/80 and icmp from each of the tenant's subnets" \
    jqt 'all(.security_groups[]; [.rules[] | "\(.direction) \(.proto) \(.ports) \(.remote)"] | sort
           == ["ingress icmp null 10.0.0.0/24",
               "ingress icmp null 10.1.0.0/24", "ingress icmp null 10.2.0.0/24",
               "ingress tcp 80 10.0.0.0/24", "ingress tcp 80 10.1.0.0/24",
               "ingress tcp 80 10.2.0.0/24"])' "$ST"
# shellcheck disable=SC2016
check "  ... members: red-gre-h1 and red-vlan-h3 (and blue's), all endpoints of the lab" \
    jqt '. as $s | ([.security_groups[] | select(.tenant == "red") | .members[]] | sort
           == ["red-gre-h1", "red-vlan-h3"]) and ([.security_groups[] | .tenant as $t
           | .members[] | . as $m | any($s.endpoints[]; .name == $m and .tenant == $t)] | all)' "$ST"
# shellcheck disable=SC2016
check "  ... no member is a service backend, a port mapping or a floating IP" \
    jqt '[.security_groups[].members[]] as $m
           | ([.services[].backends[].endpoint, .port_mappings[].endpoint,
               .floating_ips[].endpoint] | all(. as $e | $m | index($e) | not))' "$ST"
check "top level: hosts, networks, endpoints, routers, tenants, outside, port_mappings, floating_ips, services kept" \
    jqt '[has("hosts", "networks", "endpoints", "routers", "tenants", "outside",
              "port_mappings", "floating_ips", "services", "api_socket", "underlay")] | all' "$ST"
out=$(api "$RED" GET /v1/tenants/red/security-groups/web)
lab_rules=$(jq -c '[.security_groups[] | select(.tenant == "red") | .rules[]
    | [.direction, .proto, .ports, .remote]] | sort' "$ST")
weft_rules=$(body_of "$out" | jq -c '[.rules[] | [.direction, .proto, .ports,
    (.remote_cidr // .remote_group)]] | sort' 2>/dev/null || echo none)
check "REST GET red/web (red's token): 200, the rules status --json lists" \
    bash -c "[ $(status_of "$out") = 200 ] && [ '$lab_rules' = '$weft_rules' ]"
weft_members=$(body_of "$out" | jq -c '[.members[] | "red-\(.network)-\(.port)"] | sort' 2>/dev/null || echo none)
check "  ... and its members ($weft_members)" [ "$weft_members" = '["red-gre-h1","red-vlan-h3"]' ]
out=$(api "$BLUE" GET /v1/tenants/red/security-groups/web)
check "blue's token: red's group is 40x" bash -c "[[ $(status_of "$out") == 40[34] ]]"

echo "== the matrix: red-gre-h1 ($M_IP) under web"
# A client in red/gre on h1 beside the member (weft allocates its address).
lab attach red-gre-c1 --net red/gre --host h1 >/dev/null
lab status --json > "$ST"
warm red-vx-h2 "$M_IP" 80 || true
for c in red-gre-c1 red-gre-h3 red-vx-h1 red-vx-h2; do
    where="$(ep "$c" network) on $(ep "$c" host)"
    warm "$c" "$M_IP" 80 || true
    check "$c ($where) -> $M tcp/80: answered by it" [ "$(who "$c" tcp "$M" 80)" = "$M" ]
    s0=$(served "$M")
    check "$c -> $M tcp/8080: no answer" [ "$(who "$c" tcp "$M" 8080)" = none ]
    check "$c -> $M udp/80: no answer" [ "$(who "$c" udp "$M" 80)" = none ]
    check "  ... $M's server saw neither ($s0 -> $(served "$M"))" [ "$(served "$M")" = "$s0" ]
    check "$c -> $M ping: answered by it" pings "$c" "$M"
done
check "control: red-vx-h1 -> red-gre-h3 (not a member) tcp/8080: answered" \
    [ "$(who red-vx-h1 tcp red-gre-h3 8080)" = red-gre-h3 ]
warm red-vlan-h1 "$(ep "$M3" ip)" 80 || true
check "red-vlan-h1 -> $M3 (vlan, h1 to h3) tcp/80: answered" [ "$(who red-vlan-h1 tcp "$M3" 80)" = "$M3" ]
check "red-vlan-h1 -> $M3 tcp/8080: no answer" [ "$(who red-vlan-h1 tcp "$M3" 8080)" = none ]
check "$M (no egress rule) -> red-vx-h2 tcp/8080 and the outside: answered (replies pass)" \
    bash -c "[ \"\$(ip netns exec $(ns "$M") python3 $SRV ask tcp $(ep red-vx-h2 ip) 8080 --timeout 3 | cut -d' ' -f1)\" = red-vx-h2 ] \
             && ip netns exec $(ns "$M") python3 $SRV ask tcp $OUT_IP $OUT_PORT --timeout 3 >/dev/null"

echo "== counters: rule tcp/80 from 10.0.0.0/24"
R80=$(rule_id red web tcp '"80"' '"10.0.0.0/24"')
R80G=$(rule_id red web tcp '"80"' '"10.1.0.0/24"')
check "rule ids from REST: tcp/80 from 10.0.0.0/24 is #$R80, from 10.1.0.0/24 #$R80G" \
    bash -c "[[ '$R80' =~ ^[0-9]+$ ]] && [[ '$R80G' =~ ^[0-9]+$ ]]"
p0=$(rule_packets "$R80") g0=$(rule_packets "$R80G") d0=$(deny_packets)
for _ in 1 2 3 4 5; do who red-vx-h2 tcp "$M" 80 >/dev/null; done
wait_for 30 grown rule_packets $((p0 + 5)) "$R80" || true
p1=$(rule_packets "$R80")
check "REST stats: rule #$R80's packets grew by >= 5 connections ($p0 -> $p1)" \
    bash -c "[[ '$p1' =~ ^[0-9]+$ ]] && [ $p1 -ge $((p0 + 5)) ]"
check "  ... rule #$R80G (10.1.0.0/24) did not grow ($g0 -> $(rule_packets "$R80G"))" \
    [ "$(rule_packets "$R80G")" = "$g0" ]
for _ in 1 2 3; do who red-vx-h2 tcp "$M" 8080 >/dev/null; done
wait_for 30 grown deny_packets $((d0 + 3)) || true
check "  ... default_deny.ingress grew with the denied tcp/8080 ($d0 -> $(deny_packets))" \
    grown deny_packets $((d0 + 3))
C80=$(cookie red "$R80")
ctl sg-show red/web > "$TMP/sg-show.txt" || true
sp=$(grep -i -- "$C80" "$TMP/sg-show.txt" | grep -oE 'packets[=: ]+[0-9]+' | grep -oE '[0-9]+$' | head -n1 || true)
check "weftctl sg-show red/web: rule #$R80's line has its cookie $C80 and packets ($sp >= $p1)" \
    bash -c "[[ '$sp' =~ ^[0-9]+$ ]] && [ $sp -ge $p1 ]"

echo "== weftctl trace names the rule or the default deny"
ctl trace red/vx/h2 "tcp,nw_dst=$M_IP,tcp_dst=80" > "$TMP/trace80.txt" 2>&1 || true
check "trace red/vx/h2 -> $M tcp/80: allowed by rule red/web#$R80" \
    grep -q "allowed by rule red/web#$R80\b" "$TMP/trace80.txt"
ctl trace red/vx/h2 "tcp,nw_dst=$M_IP,tcp_dst=8080" > "$TMP/trace8080.txt" 2>&1 || true
check "trace red/vx/h2 -> $M tcp/8080: dropped by default deny of red/gre/h1" \
    grep -q "dropped by default deny of red/gre/h1" "$TMP/trace8080.txt"

echo "== dump-flows cookie=$C80/-1: one rule's rows"
of_flows "$(mgmt h1)" "cookie=$C80/-1" | grep cookie= > "$TMP/c80-h1.txt" || true
n=$(wc -l < "$TMP/c80-h1.txt")
prios=$(grep -oE 'priority=[0-9]+' "$TMP/c80-h1.txt" | sort -u | wc -l)
check "h1 (member $M): $n rows, all with the cookie, one priority, a conjunction and its conj_id row" \
    bash -c "[ $n -ge 2 ] && [ $prios = 1 ] && ! grep -qv 'cookie=$C80,' $TMP/c80-h1.txt \
             && grep -q 'conjunction(' $TMP/c80-h1.txt && grep -q 'conj_id=' $TMP/c80-h1.txt"
check "  ... in table 34 (ACL_IN) only" bash -c "! grep -qv 'table=34,' $TMP/c80-h1.txt"
check "h3 (member $M3) has the rule too ($(rows h3 "$C80") rows)" [ "$(rows h3 "$C80")" -ge 2 ]
check "h2 (no member of web) has none of its rows" [ "$(rows h2 "$C80")" = 0 ]

echo "== replies pass under egress policy: group db on red-vlan-h2"
DB=red-vlan-h2
ctl sg-add red/db >/dev/null
ctl sg-rule-add red/db --direction=ingress --proto=tcp --ports=8080 --remote-group=web >/dev/null
ctl sg-rule-add red/db --direction=egress --proto=icmp >/dev/null
ctl --wait sg-member-add red/db vlan/h2 >/dev/null
sync_weft
check "$M (web) -> $DB tcp/8080: answered (the reply leaves although db's egress allows icmp only)" \
    wait_for 60 eval "[ \"\$(who $M tcp $DB 8080)\" = $DB ]"
check "red-vx-h1 (not in web) -> $DB tcp/8080: no answer" [ "$(who red-vx-h1 tcp "$DB" 8080)" = none ]
check "$M -> $DB tcp/80: no answer (db allows 8080 only)" [ "$(who "$M" tcp "$DB" 80)" = none ]
check "$DB pings red-vx-h1 (egress icmp), the replies come back" pings "$DB" red-vx-h1
check "$DB -> red-vx-h1 tcp/80: no answer (egress allows icmp only)" \
    not ask "$(ns "$DB")" tcp "$(ep red-vx-h1 ip)" 80 --timeout 2

echo "== a member added to web reaches db, removed it does not"
ctl --wait sg-member-add red/web vx/h1 >/dev/null
sync_weft
check "red-vx-h1 now in web -> $DB tcp/8080: answered" \
    wait_for 60 eval "[ \"\$(who red-vx-h1 tcp $DB 8080)\" = $DB ]"
ctl --wait sg-member-del red/web vx/h1 >/dev/null
sync_weft
check "red-vx-h1 out of web again -> $DB tcp/8080: no answer" [ "$(who red-vx-h1 tcp "$DB" 8080)" = none ]

echo "== removing a rule stops an established connection"
warm blue-vx-h2 "$(ep "$BM" ip)" 80 || true
session held "$(ns red-vx-h2)" "$M_IP" 80
wait_for 30 grep -q '^reply ' "$TMP/held.sess" || true
check "a connection held from red-vx-h2 to $M tcp/80" poke held
ctl --wait sg-rule-del red/web "$R80" >/dev/null
sync_weft
check "rule #$R80 deleted: the held connection carries nothing more" not poke held 5
check "  ... a new one from red-vx-h2 gets no answer" [ "$(who red-vx-h2 tcp "$M" 80)" = none ]
check "  ... from red-gre-h3 (10.1.0.0/24's rule) still answered" [ "$(who red-gre-h3 tcp "$M" 80)" = "$M" ]
check "  ... blue-vx-h2 -> $BM (same IPs, blue's own rule) still answered" \
    [ "$(who blue-vx-h2 tcp "$BM" 80)" = "$BM" ]
check "  ... dump-flows cookie=$C80/-1 on h1 is empty" [ "$(rows h1 "$C80")" = 0 ]
out=$(ctl sg-rule-add red/web --direction=ingress --proto=tcp --ports=80 --remote-cidr=10.0.0.0/24 2>&1) || true
sync_weft
check "rule added back (sg-rule-add printed its id: $out)" grep -qE '^[^0-9]*[0-9]+' <<<"$out"
check "  ... red-vx-h2 -> $M tcp/80 answered again" \
    wait_for 60 eval "[ \"\$(who red-vx-h2 tcp $M 80)\" = $M ]"

echo "== a member removed: its port is open again; blue's twin is not"
ctl --wait sg-member-del red/web gre/h1 >/dev/null
sync_weft
check "red-gre-h1 out of web: red-vx-h2 -> it tcp/8080 answered" \
    wait_for 60 eval "[ \"\$(who red-vx-h2 tcp $M 8080)\" = $M ]"
check "  ... blue-vx-h2 -> $BM (same IP, still in blue/web) tcp/8080: no answer" \
    [ "$(who blue-vx-h2 tcp "$BM" 8080)" = none ]
check "  ... h1 has no row of red/web's rules left (no member there)" \
    [ "$(rows h1 "$(cookie red "$R80G")")" = 0 ]
ctl --wait sg-member-add red/web gre/h1 >/dev/null
sync_weft
check "red-gre-h1 back in web: tcp/8080 denied again" \
    wait_for 60 eval "[ \"\$(who red-vx-h2 tcp $M 8080)\" = none ]"

report
