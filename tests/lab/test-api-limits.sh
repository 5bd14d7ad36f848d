#!/usr/bin/env bash
# test-api-limits: weftd's REST API bounds its clients, and a database outage
# neither hangs it nor commits writes behind the clients' backs.
#
# Same set-up as test-api.sh: weft's database, one real host (ovsdb-server +
# ovs-vswitchd in a network namespace) and weftd with a short
# --api-idle-timeout.  Checks:
#   - /v1/version; JSON errors for OPTIONS, an unknown method, a malformed
#     request, a body over 1 MiB; WWW-Authenticate on 401;
#   - a 200 MiB header is refused fast (413), without growing weftd's RSS;
#   - an idle connection is closed after the idle timeout;
#   - weft's database killed: a write answers 503 at once, and is not in the
#     database once it is back; database stopped (SIGSTOP): a read answers
#     while a write is pending, a write whose client left and a write whose
#     deadline passed are never committed;
#   - weftd under a 96-file limit with 150 API connections held open: a
#     restarted ovs-vswitchd still gets its flows back.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "$0")/../testlib.sh"

weftd_test_init t9lim
chmod 755 "$dir"

cleanup() {
    local rc=$?
    # The database may be stopped (SIGSTOP) when a check fails.
    kill -CONT "$(pidfile_pid "$dir/weft-db.pid")" 2>/dev/null || true
    weftd_test_cleanup "$rc" test-api-limits "$ns"
}
trap cleanup EXIT

# req [CURL ARGS...] URL-PATH: $code, $body (for testlib's expect), headers
# in $dir/headers.
req() {
    local path=${*: -1}
    local args=("${@:1:$#-1}")
    local out
    out=$(curl -s --max-time 60 --unix-socket "$api" -D "$dir/headers" \
          -w '\n%{http_code}' "${args[@]}" "http://weft$path") || true
    code=${out##*$'\n'}
    body=${out%$'\n'*}
}

is_json_error() {   # the body of the last req is {"error": ..., "detail": ...}
    jq -e '(.error | type) == "string" and (.detail | type) == "string"' \
        >/dev/null 2>&1 <<<"$body"
}

start_weftd() {     # start_weftd [PRLIMIT ARGS] -- WEFTD ARGS
    local pre=()
    while [ "$1" != -- ]; do pre+=("$1"); shift; done
    shift
    ${pre[@]+"${pre[@]}"} "$weftd" --db=unix:"$dir/weft.sock" --api="$api" \
        --pidfile="$dir/weftd.pid" --unixctl="$dir/weftd.ctl" \
        --log-file="$dir/weftd.log" --detach "$@" 2>/dev/null
}

stop_weftd() {
    ovs-appctl --timeout=10 -t "$dir/weftd.ctl" exit 2>/dev/null || true
    kill_pidfiles "$dir/weftd.pid"
}

start_db() {
    ovsdb-server "$dir/weft.db" --remote=punix:"$dir/weft.sock" \
        --pidfile="$dir/weft-db.pid" --unixctl="$dir/weft-db.ctl" \
        --log-file="$dir/weft-db.log" --detach 2>/dev/null
}

# timed COMMAND...: runs COMMAND, then sets $secs to the seconds it took
# (two decimals).
timed() {
    local start
    start=$(date +%s.%N)
    "$@"
    secs=$(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $start }")
}

api_up() { req /v1/status; [ "$code" = 200 ]; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$(pidfile_pid "$dir/weftd.pid")/status"; }
has_flow() { ovs-ofctl -O OpenFlow15 dump-flows unix:"$dir/br-int.mgmt" 2>/dev/null | grep -q "$1"; }

# --- set-up ----------------------------------------------------------------
weftd_test_host "$ns"
start_weftd -- --api-idle-timeout=2
wait_for 20 api_up

expect 201 '' "host h1" -- -X POST \
    -d '{"name":"h1","ovsdb_remote":"unix:'"$dir"'/db.sock","datapath_type":"netdev"}' /v1/hosts
expect 201 '' "tenant red" -- -X POST -d '{"name":"red"}' /v1/tenants
expect 201 '' "network red/net" -- -X POST \
    -d '{"name":"net","type":"vxlan","segment_id":1001}' /v1/tenants/red/networks
ip -n "$ns" link add t9a type veth peer name t9a-peer
ip -n "$ns" link set t9a up
ip -n "$ns" link set t9a-peer up
expect 201 '' "port red/net/a, installed on h1" -- -X POST \
    -d '{"name":"a","host":"h1","iface":"t9a","mac":"02:00:00:00:00:01","ips":["10.0.0.1"]}' \
    '/v1/tenants/red/networks/net/ports?wait=installed&timeout=120'

# --- /v1/version and JSON for every error -----------------------------------
expect 200 '.api == "v1" and (.version | test("^[0-9]+\\.[0-9]+\\.[0-9]+$"))' \
    "GET /v1/version" -- /v1/version
expect 405 '.error == "method not allowed"' "OPTIONS: a JSON 405 (was an HTML 501)" -- \
    -X OPTIONS /v1/status
check "...with an Allow header" grep -qi '^Allow: GET' "$dir/headers"
expect 405 '.detail == "unknown HTTP method"' "an unknown method: a JSON 405" -- \
    -X FROB /v1/status
expect 405 '.error == "method not allowed"' "TRACE: a JSON 405" -- -X TRACE /v1/status
expect 404 '.error == "not found"' "an unknown route: a JSON 404" -- /v1/nothing
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$dir/huge.json"
expect 413 '.error == "too large"' "a 2 MiB body: a JSON 413" -- \
    -X POST -H 'Expect:' --data-binary @"$dir/huge.json" /v1/tenants
out=$(printf 'GET /v1/status HTTP/1.1\r\nHost weft\r\n\r\n' \
      | python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
s.settimeout(10)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.decode(errors="replace"))' "$api" 2>&1) || true
code=$(head -1 <<<"$out" | awk '{ print $2 }')
body=$(tail -1 <<<"$out")
check "a malformed header line: a JSON 400 ($code $body)" \
    bash -c "[ '$code' = 400 ] && jq -e '.error == \"invalid\"' <<<'$body' >/dev/null"
chgrp nogroup "$api"
code=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
       curl -s -D - -o /dev/null --unix-socket "$api" http://weft/v1/tenants \
       | tr -d '\r' | tee "$dir/headers-t" | awk 'NR == 1 { print $2 }')
check "a 401 ($code) carries WWW-Authenticate: Bearer" \
    bash -c "[ '$code' = 401 ] && grep -qi '^WWW-Authenticate: Bearer' $dir/headers-t"

# --- a 200 MiB header -------------------------------------------------------
rss0=$(rss_kb)
out=$(python3 - "$api" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(60)
start = time.time()
sent = 0
try:
    s.sendall(b"GET /v1/status HTTP/1.1\r\nX-Big: ")
    chunk = b"a" * (1 << 20)
    while sent < 200 << 20:
        s.sendall(chunk)
        sent += len(chunk)
except OSError:
    pass
data = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
except OSError:
    pass
lines = data.decode(errors="replace").split("\r\n")
print("%.2f %d %s %s" % (time.time() - start, sent >> 20,
                         lines[0].split(" ")[1] if lines[0] else "none",
                         lines[-1].strip() or "none"))
EOF
)
read -r secs mib status json <<<"$out"
rss1=$(rss_kb)
check "a 200 MiB header is refused with a JSON 413 ($status $json)" \
    bash -c "[ '$status' = 413 ] && jq -e '.error == \"too large\"' <<<'$json' >/dev/null"
check "...fast: ${secs}s, after ${mib} MiB of it" \
    awk "BEGIN { exit !($secs < 10 && $mib < 16) }"
check "...and weftd's RSS grew by $((rss1 - rss0)) KiB (< 8 MiB)" \
    [ $((rss1 - rss0)) -lt 8192 ]

# --- idle connections -------------------------------------------------------
out=$(python3 - "$api" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(30)
start = time.time()
try:
    data = s.recv(100)
except OSError as e:
    data = b"error"
print("%.2f %d" % (time.time() - start, len(data)))
EOF
)
read -r secs n <<<"$out"
check "an idle connection is closed after --api-idle-timeout=2 (${secs}s)" \
    awk "BEGIN { exit !($secs >= 1.5 && $secs < 20 && $n == 0) }"

# --- weft's database killed -------------------------------------------------
kill_pidfiles "$dir/weft-db.pid"
timed expect 503 '.error == "unavailable" and (.detail | test("not reachable \\(no leader\\?\\) within 10000 ms; nothing was written"))' \
    "database down: a write answers 503" -- \
    -X POST -d '{"name":"lost"}' /v1/tenants
# (It waits for the database, as for a cluster's new leader, until its
# deadline.)
check "...at its 10 s deadline (${secs}s)" awk "BEGIN { exit !($secs >= 8 && $secs < 30) }"
expect 503 '.error == "unavailable"' "database down: a read answers 503 too" -- /v1/tenants
expect 200 '.api == "v1"' "database down: /v1/version still answers" -- /v1/version
start_db
wait_for 30 api_up
expect 404 '' "database back: the 503'd write is not in it" -- /v1/tenants/lost
check "...nor in the database itself" \
    bash -c "! ovsdb-client dump unix:$dir/weft.sock Tenant name | grep -q lost"

# --- weft's database stopped: writes pending --------------------------------
dbpid=$(pidfile_pid "$dir/weft-db.pid")
# A transaction is pending when the stopped server has unread bytes.
db_unread() {
    ss -xHnp 2>/dev/null | awk -v p="pid=$dbpid," 'index($0, p) && $3 > 0 { f = 1 } END { exit !f }'
}
bg_write() {    # bg_write NAME: POSTs tenant NAME in the background
    curl -s -o /dev/null -w '%{http_code}' --max-time 60 --unix-socket "$api" \
        -X POST -d "{\"name\":\"$1\"}" http://weft/v1/tenants >"$dir/$1.code" &
}
kill -STOP "$dbpid"
bg_write first
w1=$!
check "a write is pending on the stopped database" wait_for 30 db_unread
timed expect 200 'map(.name) == ["red"]' "a read answers while the write is pending" -- /v1/tenants
# (Behind the write, it would wait for the database to come back.)
check "...at once (${secs}s)" awk "BEGIN { exit !($secs < 6) }"
curl -s -o /dev/null --max-time 1 --unix-socket "$api" \
    -X POST -d '{"name":"gaveup"}' http://weft/v1/tenants || true
kill -CONT "$dbpid"     # well before the 10 s deadline of "gaveup"
wait "$w1" || true
check "the pending write commits once the database runs ($(cat "$dir/first.code"))" \
    [ "$(cat "$dir/first.code")" = 201 ]
expect 200 'map(.name) == ["first","red"]' \
    "the write whose client left (curl --max-time 1) was never sent" -- /v1/tenants

kill -STOP "$dbpid"
bg_write second
w2=$!
wait_for 30 db_unread
timed expect 503 '.error == "unavailable" and (.detail | test("within 10000 ms; nothing was written"))' \
    "a write queued behind it past its deadline answers 503" -- \
    -X POST -d '{"name":"late"}' /v1/tenants
check "...after its 10 s deadline (${secs}s)" awk "BEGIN { exit !($secs >= 8 && $secs < 30) }"
kill -CONT "$dbpid"
wait "$w2" || true
check "the write in flight commits ($(cat "$dir/second.code"))" [ "$(cat "$dir/second.code")" = 201 ]
expect 200 'map(.name) == ["first","red","second"]' "the late write was never sent" -- /v1/tenants

# --- 150 held connections under a 96-file limit ------------------------------
stop_weftd
start_weftd prlimit --nofile=96:96 -- --api-idle-timeout=600
wait_for 20 api_up
wait_for 30 has_flow 'arp_tpa=10.0.0.1'
held=$(hold_connections "$dir/holder.pid" 150 "$api")
nsock=$(weftd_sockets)
check "150 connections held ($held connected): weftd holds $nsock sockets (cap 24)" \
    [ "$nsock" -le 40 ]
kill_pidfiles "$dir/ovs-vswitchd.pid"
start_ovs_vswitchd "$ns" "$dir"
check "a restarted ovs-vswitchd gets its flows back while the API is full" \
    wait_for 60 has_flow 'arp_tpa=10.0.0.1'
kill_pidfiles "$dir/holder.pid"
check "the API answers again once the clients let go" wait_for 30 api_up

report
