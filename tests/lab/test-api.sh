#!/usr/bin/env bash
# test-api: weftd's REST API over its unix socket, with curl --unix-socket.
#
# A real weft database and weftd; one real host (ovsdb-server + ovs-vswitchd
# in a network namespace, as in test-tcp.sh) for ?wait=installed, and one
# host whose OVSDB remote does not exist, for the 504 case.  Checks every
# resource, every error status, tenant separation (a tenant's token sees
# only its own tenant; others answer 404), that rejected requests change
# nothing, and a bounded burst of concurrent port creations (throughput is
# printed).  NAT (#13): hosts' external side, router snat, pools, floating
# IPs and port mappings, tenant-scoped (404 for another tenant's, 403 on
# pools and hosts), bad input refused with nothing written, concurrent
# floating IP allocation, and weftctl --api's NAT commands.  Services (#14):
# round trips, stats, tenant scoping (404), bad input refused with nothing
# written, weftctl --api's service commands.  Security groups (#15): groups,
# rules, members, stats, port's groups and IPv6 addresses, tenant scoping
# (404), bad input refused with nothing written, weftctl --api's sg-*
# commands.  Prefix "t4".
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "$0")/../testlib.sh"

weftd_test_init t4api
chmod 755 "$dir"
burst=${WEFT_API_BURST:-1000}

cleanup() { weftd_test_cleanup $? test-api "$ns"; }
trap cleanup EXIT

# req [CURL ARGS...] URL-PATH: stores the status in $code and the body in
# $body (for testlib's expect).  Runs as root (an admin) unless $as is
# "tenant" (uid nobody, group nogroup, with the bearer token $tok if set) or
# "root-token" (root, with the bearer token $tok).
as=admin
tok=
req() {
    local path=${*: -1}
    local args=("${@:1:$#-1}")
    local out
    if [ "$as" = tenant ]; then
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
              curl -s --unix-socket "$api" ${tok:+-H "Authorization: Bearer $tok"} \
              -w '\n%{http_code}' "${args[@]}" "http://weft$path")
    elif [ "$as" = root-token ]; then
        out=$(curl -s --unix-socket "$api" -H "Authorization: Bearer $tok" \
              -w '\n%{http_code}' "${args[@]}" "http://weft$path")
    else
        out=$(curl -s --unix-socket "$api" -D "$dir/headers" \
              -w '\n%{http_code}' "${args[@]}" "http://weft$path")
    fi
    code=${out##*$'\n'}
    body=${out%$'\n'*}
}

post() { echo -X POST -d; }

# --- set-up: one real host in a namespace, weft's database, weftd ---------
weftd_test_host "$ns"

# Options weftd must refuse before it starts anything.
weftd_refuses() {   # weftd_refuses MESSAGE ARGS...: exits 1 with MESSAGE
    local want=$1 out rc=0
    shift
    out=$("$weftd" --db=unix:"$dir/weft.sock" --unixctl="$dir/refused.ctl" "$@" 2>&1) || rc=$?
    [ "$rc" -ne 0 ] && grep -qF -- "$want" <<<"$out" && [ ! -e "$dir/refused.ctl" ]
}
check "weftd --api-group=GROUP refuses an unknown group" \
    weftd_refuses '--api-group: no group "weft-no-such-group"' --api="$dir/x.sock" \
    --api-group=weft-no-such-group
check "weftd --metrics-listen refuses a malformed address" \
    weftd_refuses '--metrics-listen: "localhost:9464": expected IP:PORT' \
    --api="$dir/x.sock" --metrics-listen=localhost:9464
check "weftd --metrics-listen refuses port 0" \
    weftd_refuses 'expected IP:PORT' --api="$dir/x.sock" --metrics-listen=127.0.0.1:0
check "weftd --metrics-listen needs the API" \
    weftd_refuses '--metrics-listen needs the REST API' --api=none \
    --metrics-listen=127.0.0.1:9464

# In the host's namespace, so that --metrics-listen's 127.0.0.1 is private
# to this test.  Tenant admins are in the socket's group (--api-group).
# shellcheck disable=SC2086 # $WEFT_WEFTD_OPTS: words
ip netns exec "$ns" "$weftd" --db=unix:"$dir/weft.sock" --api="$api" \
    --api-group=nogroup --metrics-listen=127.0.0.1:9464 \
    --pidfile="$dir/weftd.pid" --unixctl="$dir/weftd.ctl" \
    --log-file="$dir/weftd.log" --detach $WEFT_WEFTD_OPTS 2>/dev/null

check "API socket is mode 0660" \
    bash -c "[ \"\$(stat -c %a $api)\" = 660 ]"
check "API socket's group is --api-group's (nogroup)" \
    bash -c "[ \"\$(stat -c %G $api)\" = nogroup ]"
expect 200 '.nb_cfg == 0 and .hosts == []' "GET /v1/status" -- /v1/status

# --- hosts (admin) -------------------------------------------------------
expect 201 '.name == "h1" and .datapath_type == "netdev"' \
    "POST /v1/hosts creates a host" -- \
    $(post) '{"name":"h1","ovsdb_remote":"unix:'"$dir"'/db.sock","datapath_type":"netdev"}' /v1/hosts
expect 201 '.tunnel_ip == "10.9.0.1" and .datapath_type == "system"' \
    "POST /v1/hosts: a host that does not exist; datapath_type defaults to system" -- \
    $(post) '{"name":"ghost","ovsdb_remote":"unix:'"$dir"'/nothing.sock","tunnel_ip":"10.9.0.1"}' /v1/hosts
expect 409 '.error == "conflict" and .detail == "host h1 already exists"' \
    "duplicate host: 409" -- \
    $(post) '{"name":"h1","ovsdb_remote":"unix:/x"}' /v1/hosts
expect 400 '.error == "invalid" and (.detail | test("invalid OVSDB remote"))' \
    "bad remote: 400 with weftctl's message" -- \
    $(post) '{"name":"h2","ovsdb_remote":"udp:1.2.3.4"}' /v1/hosts
expect 400 '.detail == "member \"ovsdb_remote\" is required"' \
    "missing member: 400" -- $(post) '{"name":"h2"}' /v1/hosts
expect 400 '.detail == "unknown member \"colour\""' \
    "unknown member: 400" -- \
    $(post) '{"name":"h2","ovsdb_remote":"unix:/x","colour":"red"}' /v1/hosts
expect 200 'length == 2 and .[0].name == "ghost" and .[1].name == "h1"' \
    "GET /v1/hosts lists sorted" -- /v1/hosts
expect 200 '.name == "h1" and .ovsdb_remote != null' "GET /v1/hosts/h1" -- /v1/hosts/h1
expect 404 '.detail == "host nope does not exist"' "GET unknown host: 404" -- /v1/hosts/nope

# --- tenants -------------------------------------------------------------
expect 201 '.name == "red" and .key == 1 and (.token | test("^[0-9a-f]{64}$"))' \
    "POST /v1/tenants returns a token" -- $(post) '{"name":"red"}' /v1/tenants
red_tok=$(jq -r .token <<<"$body")
expect 201 '.name == "blue"' "second tenant" -- $(post) '{"name":"blue"}' /v1/tenants
blue_tok=$(jq -r .token <<<"$body")
check "tokens are stored only as SHA-256 hashes" \
    bash -c "! ovsdb-client dump unix:$dir/weft.sock Tenant | grep -q $red_tok \
             && ovsdb-client dump unix:$dir/weft.sock Tenant \
                | grep -q \$(printf %s $red_tok | sha256sum | cut -c1-64)"
expect 409 '.detail == "tenant red already exists"' "duplicate tenant: 409" -- \
    $(post) '{"name":"red"}' /v1/tenants
expect 400 '.error == "invalid" and (.detail | startswith("malformed JSON"))' \
    "malformed JSON: 400" -- $(post) '{"name":' /v1/tenants
expect 400 '.detail == "request body must be a JSON object"' \
    "JSON that is not an object: 400" -- $(post) '[1]' /v1/tenants
expect 400 '.detail | test("invalid tenant name")' "bad tenant name: 400" -- \
    $(post) '{"name":"a b"}' /v1/tenants
expect 400 '.detail == "member \"name\" must be a string"' "name not a string: 400" -- \
    $(post) '{"name":7}' /v1/tenants
head -c 70000 /dev/zero | tr '\0' ' ' >"$dir/big.json"
expect 413 '.error == "too large"' "body over 64 KiB: 413" -- \
    -X POST --data-binary @"$dir/big.json" /v1/tenants
expect 200 'map(.name) == ["blue","red"]' "GET /v1/tenants" -- /v1/tenants
expect 200 '.name == "red"' "GET /v1/tenants/red" -- /v1/tenants/red
expect 404 '.detail == "tenant nope does not exist"' "GET unknown tenant: 404" -- /v1/tenants/nope

# --- networks ------------------------------------------------------------
expect 201 '.name == "net" and .type == "vxlan" and .segment_id == 1001 and .mtu_default' \
    "POST network" -- \
    $(post) '{"name":"net","type":"vxlan","segment_id":1001}' /v1/tenants/red/networks
expect 400 '.detail == "invalid VLAN ID 4095 (must be 1-4094)"' "VLAN 4095: 400" -- \
    $(post) '{"name":"v","type":"vlan","segment_id":4095}' /v1/tenants/red/networks
expect 400 '.detail == "member \"segment_id\" must be an integer"' \
    "segment_id as a string: 400" -- \
    $(post) '{"name":"v","type":"vlan","segment_id":"7"}' /v1/tenants/red/networks
expect 400 '.detail | test("network type \"ppp\" unknown")' "bad type: 400" -- \
    $(post) '{"name":"v","type":"ppp","segment_id":7}' /v1/tenants/red/networks
expect 409 '.detail | test("segment 1001 is already used")' "duplicate VNI: 409" -- \
    $(post) '{"name":"other","type":"vxlan","segment_id":1001}' /v1/tenants/blue/networks
expect 409 '.detail == "network red/net already exists"' "duplicate network: 409" -- \
    $(post) '{"name":"net","type":"gre","segment_id":5}' /v1/tenants/red/networks
expect 404 '.detail == "tenant nope does not exist"' "network of unknown tenant: 404" -- \
    $(post) '{"name":"n","type":"gre","segment_id":5}' /v1/tenants/nope/networks
expect 201 '.mtu == 1400 and (.mtu_default | not)' "network with MTU" -- \
    $(post) '{"name":"net","type":"gre","segment_id":77,"mtu":1400}' /v1/tenants/blue/networks
expect 200 'length == 1 and .[0].name == "net"' "GET networks" -- /v1/tenants/red/networks
expect 200 '.segment_id == 1001' "GET one network" -- /v1/tenants/red/networks/net
expect 404 '.detail == "network red/nope does not exist"' "GET unknown network: 404" -- \
    /v1/tenants/red/networks/nope

# --- ports ---------------------------------------------------------------
port() {    # port NAME HOST IFACE MAC IP
    echo "{\"name\":\"$1\",\"host\":\"$2\",\"iface\":\"$3\",\"mac\":\"$4\",\"ips\":[\"$5\"]}"
}
# A real interface for port a, inside h1's namespace.
ip -n "$ns" link add t4a type veth peer name t4a-peer
ip -n "$ns" link set t4a up
ip -n "$ns" link set t4a-peer up
expect 201 '.name == "a" and .host == "h1" and .ips == ["10.0.0.1"]
            and (.ofport | type == "number") and .ofport > 0 and .up == true' \
    "POST port (?wait=installed on a real host): the 201 shows it installed" -- \
    $(post) "$(port a h1 t4a 02:00:00:00:00:01 10.0.0.1)" \
    '/v1/tenants/red/networks/net/ports?wait=installed&timeout=120'
port_cfg=$(tr -d '\r' <"$dir/headers" | awk 'tolower($1) == "x-weft-nb-cfg:" { print $2 }')
check "?wait=installed answered only after h1's flows are in br-int" \
    bash -c "ovs-ofctl -O OpenFlow15 dump-flows unix:$dir/br-int.mgmt \
             | grep -q 'arp_tpa=10.0.0.1'"
expect 200 ".cur_cfg >= ${port_cfg:-999999}" \
    "h1's cur_cfg had reached the port's nb_cfg ($port_cfg, X-Weft-Nb-Cfg)" -- /v1/hosts/h1
expect 200 '(.cookie | test("^0x57")) and (.hosts | map(.host) == ["ghost","h1"])
            and (.hosts[1].openflow_state == "synced")
            and (.hosts[1].flows | any(test("arp_tpa=10.0.0.1")))' \
    "GET .../networks/net/flows: h1's installed flows, as ovs-ofctl text" -- \
    /v1/tenants/red/networks/net/flows
net_cookie=$(jq -r .cookie <<<"$body")
api_flows=$(jq -r '.hosts[1].flows | length' <<<"$body")
check "...only the network's cookie, and as many as ovs-ofctl shows ($api_flows)" \
    bash -c "jq -e --arg c $net_cookie '[.hosts[].flows[] | capture(\"cookie=(?<c>0x[0-9a-f]+)\").c
                 | select(.[0:12] != \$c[0:12])] == []' <<<'$body' >/dev/null \
             && [ \"\$(ovs-ofctl -O OpenFlow15 dump-flows unix:$dir/br-int.mgmt \
                  cookie=$net_cookie/0xffffffffff000000 | grep -c cookie=)\" = $api_flows ]"
expect 200 '.hosts[1].flows == []' "flows of a network without ports: none" -- \
    /v1/tenants/blue/networks/net/flows
expect 405 '' "POST .../flows: 405" -- $(post) '{}' /v1/tenants/red/networks/net/flows
expect 409 '.detail | test("duplicate MAC 02:00:00:00:00:01")' "duplicate MAC: 409" -- \
    $(post) "$(port b h1 t4b 02:00:00:00:00:01 10.0.0.2)" /v1/tenants/red/networks/net/ports
expect 409 '.detail | test("duplicate IP 10.0.0.1")' "duplicate IP: 409" -- \
    $(post) "$(port b h1 t4b 02:00:00:00:00:02 10.0.0.1)" /v1/tenants/red/networks/net/ports
expect 409 '.detail | test("interface t4a is already used")' "duplicate interface: 409" -- \
    $(post) "$(port b h1 t4a 02:00:00:00:00:02 10.0.0.2)" /v1/tenants/red/networks/net/ports
expect 400 '.detail == "invalid MAC \"02:00\": expected xx:xx:xx:xx:xx:xx"' "bad MAC: 400" -- \
    $(post) "$(port b h1 t4b 02:00 10.0.0.2)" /v1/tenants/red/networks/net/ports
expect 400 '.detail | test("is multicast")' "multicast IP: 400" -- \
    $(post) "$(port b h1 t4b 02:00:00:00:00:02 224.0.0.1)" /v1/tenants/red/networks/net/ports
expect 400 '.detail == "IP 10.0.0.2 is given twice"' "IP twice: 400" -- \
    $(post) '{"name":"b","host":"h1","iface":"t4b","mac":"02:00:00:00:00:02","ips":["10.0.0.2","10.0.0.2"]}' \
    /v1/tenants/red/networks/net/ports
expect 404 '.detail == "host nope does not exist"' "port on unknown host: 404" -- \
    $(post) "$(port b nope t4b 02:00:00:00:00:02 10.0.0.2)" /v1/tenants/red/networks/net/ports
expect 504 '.error == "timeout" and (.detail | test("host ghost did not install it"))' \
    "?wait=installed on an unreachable host: 504" -- \
    $(post) "$(port g ghost t4g 02:00:00:00:00:09 10.0.0.9)" \
    '/v1/tenants/red/networks/net/ports?wait=installed&timeout=1'
expect 200 '.name == "g"' "...but the change was committed" -- \
    /v1/tenants/red/networks/net/ports/g
expect 400 '.detail == "wait=soon: expected wait=installed"' "bad ?wait: 400" -- \
    '/v1/tenants/red/networks/net/ports?wait=soon'
expect 200 'map(.name) == ["a","g"]' "GET ports" -- /v1/tenants/red/networks/net/ports
expect 200 '.mac == "02:00:00:00:00:01"' "GET one port" -- /v1/tenants/red/networks/net/ports/a
expect 409 '.detail == "network red/net still has 2 ports"' \
    "delete a network with ports: 409" -- -X DELETE /v1/tenants/red/networks/net
expect 409 '.detail | test("host h1 still has")' "delete a host with ports: 409" -- \
    -X DELETE /v1/hosts/h1
expect 405 '.error == "method not allowed"' "PUT: 405" -- -X PUT /v1/tenants/red
expect 404 '.error == "not found"' "unknown path: 404" -- /v2/tenants
expect 204 '' "DELETE port" -- -X DELETE /v1/tenants/red/networks/net/ports/g
expect 404 '' "deleted port is gone" -- /v1/tenants/red/networks/net/ports/g

# --- tenant admins -------------------------------------------------------
as=tenant
tok=
expect 401 '.error == "unauthorized"' "tenant without token: 401" -- /v1/tenants
tok=nonsense
expect 401 '.detail == "invalid token"' "wrong token: 401" -- /v1/tenants
tok=$red_tok
expect 200 'map(.name) == ["red"]' "red sees only red in /v1/tenants" -- /v1/tenants
expect 404 '.detail == "tenant blue does not exist"' "red: blue's tenant is 404" -- \
    /v1/tenants/blue
expect 404 '.detail == "tenant blue does not exist"' "red: blue's networks are 404" -- \
    /v1/tenants/blue/networks
expect 404 '.detail == "tenant blue does not exist"' "red: blue's network is 404" -- \
    /v1/tenants/blue/networks/net
expect 404 '.detail == "tenant blue does not exist"' "red: creating in blue is 404" -- \
    $(post) "$(port x h1 t4x 02:00:00:00:00:0a 10.0.0.10)" /v1/tenants/blue/networks/net/ports
expect 404 '.detail == "tenant blue does not exist"' "red: deleting blue's network is 404" -- \
    -X DELETE /v1/tenants/blue/networks/net
expect 404 '' "red: deleting tenant blue is 404" -- -X DELETE /v1/tenants/blue
expect 403 '' "red: deleting itself is 403" -- -X DELETE /v1/tenants/red
expect 403 '' "red: creating a tenant is 403" -- $(post) '{"name":"green"}' /v1/tenants
expect 403 '' "red: creating a host is 403" -- \
    $(post) '{"name":"h9","ovsdb_remote":"unix:/x"}' /v1/hosts
expect 403 '' "red: deleting a host is 403" -- -X DELETE /v1/hosts/ghost
expect 200 'length == 2 and all(.[]; .ovsdb_remote == null)' \
    "red: hosts are read-only, without remotes" -- /v1/hosts
expect 200 '.name == "red"' "red: GET its own tenant" -- /v1/tenants/red
ip -n "$ns" link add t4b type veth peer name t4b-peer
ip -n "$ns" link set t4b up
ip -n "$ns" link set t4b-peer up
expect 201 '.name == "b" and .ofport > 0 and .up == true' \
    "red: creates a port in its network (?wait=installed: shown installed)" -- \
    $(post) "$(port b h1 t4b 02:00:00:00:00:02 10.0.0.2)" \
    '/v1/tenants/red/networks/net/ports?wait=installed&timeout=120'
expect 204 '' "red: deletes it" -- -X DELETE /v1/tenants/red/networks/net/ports/b
tok=$blue_tok
expect 200 'map(.name) == ["blue"]' "blue sees only blue" -- /v1/tenants
expect 404 '.detail == "tenant red does not exist"' "blue: red's ports are 404" -- \
    /v1/tenants/red/networks/net/ports
expect 404 '.detail == "tenant red does not exist"' "blue: red's flows are 404" -- \
    /v1/tenants/red/networks/net/flows
expect 200 '.hosts | length == 2' "blue: its own flows" -- /v1/tenants/blue/networks/net/flows
as=admin

# Rejected requests wrote nothing: after the 40-odd errors above, nb_cfg
# counts exactly the 11 successful writes.
expect 200 '.nb_cfg == 11' "rejected requests changed nothing (nb_cfg counts only successes)" \
    -- /v1/status

# --- tokens for tenants made with weftctl; rotation ----------------------
"$weftctl" --db=unix:"$dir/weft.sock" tenant-add green
expect 200 '.name == "green" and (.token | test("^[0-9a-f]{64}$"))' \
    "POST /v1/tenants/green/token: a token for a weftctl tenant" -- -X POST /v1/tenants/green/token
green_tok=$(jq -r .token <<<"$body")
expect 404 '.detail == "tenant nope does not exist"' "token of an unknown tenant: 404" -- \
    -X POST /v1/tenants/nope/token
expect 405 '' "GET .../token: 405" -- /v1/tenants/green/token
as=tenant
tok=$green_tok
expect 200 'map(.name) == ["green"]' "green's new token works" -- /v1/tenants
expect 403 '' "green: rotating its own token is 403 (admin only)" -- -X POST /v1/tenants/green/token
expect 404 '' "green: rotating red's token is 404" -- -X POST /v1/tenants/red/token
as=admin
expect 200 '.token != "'"$green_tok"'"' "rotation issues a different token" -- \
    -X POST /v1/tenants/green/token
green_tok2=$(jq -r .token <<<"$body")
as=tenant
expect 401 '.detail == "invalid token"' "the old token no longer works" -- /v1/tenants
tok=$green_tok2
expect 200 'map(.name) == ["green"]' "the new one does" -- /v1/tenants
as=admin
check "only the new token's hash is stored" \
    bash -c "ovsdb-client dump unix:$dir/weft.sock Tenant \
             | grep -q \$(printf %s $green_tok2 | sha256sum | cut -c1-64) \
             && ! ovsdb-client dump unix:$dir/weft.sock Tenant | grep -q $green_tok2"

# --- root with a tenant's token acts as that tenant ----------------------
as=root-token
tok=$red_tok
expect 200 'map(.name) == ["red"]' "root with red's token sees only red" -- /v1/tenants
expect 404 '.detail == "tenant blue does not exist"' \
    "root with red's token: blue is 404" -- /v1/tenants/blue/networks
expect 403 '' "root with red's token: creating a tenant is 403" -- \
    $(post) '{"name":"mallow"}' /v1/tenants
expect 200 'all(.[]; .ovsdb_remote == null)' \
    "root with red's token: hosts without remotes" -- /v1/hosts
expect 403 '' "root with red's token: /metrics is 403" -- /metrics
tok=nonsense
expect 401 '.detail == "invalid token"' "root with a bad token: 401" -- /v1/tenants
as=admin
expect 404 '' "...and wrote nothing" -- /v1/tenants/mallow

# --- quotas ---------------------------------------------------------------
# red: network net (port a).  Defaults, read by the tenant itself.
as=tenant
tok=$red_tok
expect 200 '.tenant == "red"
            and .quotas.ports == {"limit":1000,"used":1,"default":true}
            and .quotas.networks == {"limit":100,"used":1,"default":true}
            and .quotas.ips_per_port == {"limit":16,"used":1,"default":true}' \
    "red reads its quotas and usage (defaults)" -- /v1/tenants/red/quota
expect 404 '.detail == "tenant blue does not exist"' "red: blue's quota is 404" -- \
    /v1/tenants/blue/quota
expect 403 '.detail == "only an administrator can change quotas"' \
    "red: changing its own quota is 403" -- \
    -X PATCH -d '{"networks":1000}' /v1/tenants/red/quota
as=admin
expect 200 '' "status before the refused creates" -- /v1/status
cfg0=$(jq .nb_cfg <<<"$body")
expect 200 '.quotas.networks == {"limit":1,"used":1,"default":false}
            and .quotas.ips_per_port.limit == 2 and .quotas.ports.default' \
    "PATCH /v1/tenants/red/quota (admin): networks 1, ips_per_port 2" -- \
    -X PATCH -d '{"networks":1,"ips_per_port":2}' /v1/tenants/red/quota
cfg1=$((cfg0 + 1))
expect 409 '.error == "conflict"
            and .detail == "quota exceeded: tenant red may have at most 1 network"' \
    "a network over the quota: 409 quota exceeded" -- \
    $(post) '{"name":"q1","type":"vxlan","segment_id":3001}' /v1/tenants/red/networks
expect 409 '.detail == "quota exceeded: tenant red may have at most 2 IPs per port"' \
    "a port with more IPs than the quota: 409" -- \
    $(post) '{"name":"q","host":"ghost","iface":"t4q","mac":"02:00:00:00:00:71","ips":["10.0.7.1","10.0.7.2","10.0.7.3"]}' \
    /v1/tenants/red/networks/net/ports
expect 200 '.quotas.ports.limit == 1' "PATCH ports 1" -- \
    -X PATCH -d '{"ports":1}' /v1/tenants/red/quota
expect 409 '.detail == "quota exceeded: tenant red may have at most 1 port"' \
    "a port over the quota: 409" -- \
    $(post) "$(port q ghost t4q 02:00:00:00:00:71 10.0.7.1)" /v1/tenants/red/networks/net/ports
expect 200 ".nb_cfg == $((cfg1 + 1))" "the refused creates wrote nothing (nb_cfg)" -- /v1/status
expect 404 '' "...no network q1" -- /v1/tenants/red/networks/q1
expect 404 '' "...no port q" -- /v1/tenants/red/networks/net/ports/q
expect 400 '.detail == "member \"ports\" must not be negative"' "quota -1: 400" -- \
    -X PATCH -d '{"ports":-1}' /v1/tenants/red/quota
expect 400 '.detail | startswith("unknown quota \"flows\"")' "unknown quota: 400" -- \
    -X PATCH -d '{"flows":1}' /v1/tenants/red/quota
expect 400 '.detail == "invalid networks quota \"65536\": expected a number 0-32766"' \
    "networks quota over its maximum: 400" -- \
    -X PATCH -d '{"networks":65536}' /v1/tenants/red/quota
expect 404 '.detail == "tenant nope does not exist"' "quota of an unknown tenant: 404" -- \
    /v1/tenants/nope/quota
# The override raises a limit; null goes back to the default.
expect 200 '.quotas.networks.limit == 2 and .quotas.ports.default' \
    "PATCH networks 2, ports null" -- \
    -X PATCH -d '{"networks":2,"ports":null}' /v1/tenants/red/quota
expect 201 '.name == "q1"' "raised: the network is created" -- \
    $(post) '{"name":"q1","type":"vxlan","segment_id":3001}' /v1/tenants/red/networks
expect 201 '.name == "q"' "default again: the port is created" -- \
    $(post) "$(port q ghost t4q 02:00:00:00:00:71 10.0.7.1)" /v1/tenants/red/networks/net/ports
expect 200 '.quotas.networks == {"limit":2,"used":2,"default":false}
            and .quotas.ports == {"limit":1000,"used":2,"default":true}' \
    "GET quota: limits and usage" -- /v1/tenants/red/quota
expect 204 '' "delete the port" -- -X DELETE /v1/tenants/red/networks/net/ports/q
expect 204 '' "delete the network" -- -X DELETE /v1/tenants/red/networks/q1
expect 200 '[.quotas[].default] == [true,true,true]' "PATCH all null: defaults" -- \
    -X PATCH -d '{"networks":null,"ips_per_port":null}' /v1/tenants/red/quota

# Writers that race (the API and two weftctl processes, each its own
# transaction verifying nb_cfg) cannot together pass a limit: green may
# have 2 networks, 6 writers try.
expect 200 '.quotas.networks.limit == 2' "green: networks 2" -- \
    -X PATCH -d '{"networks":2}' /v1/tenants/green/quota
for i in 1 2 3 4; do
    if [ $((i % 2)) = 0 ]; then
        "$weftctl" --db=unix:"$dir/weft.sock" net-add "green/r$i" --type=gre \
            --segment=$((3300 + i)) >/dev/null 2>"$dir/race.$i" &
    else
        curl -s -o "$dir/race.$i" --unix-socket "$api" -X POST \
            -d "{\"name\":\"r$i\",\"type\":\"gre\",\"segment_id\":$((3300 + i))}" \
            http://weft/v1/tenants/green/networks &
    fi
done
wait
expect 200 'length == 2' "racing creates: green has exactly 2 networks" -- \
    /v1/tenants/green/networks
check "...and the other 2 writers were told \"quota exceeded\"" \
    [ "$(cat "$dir"/race.* | grep -c 'quota exceeded: tenant green may have at most 2 networks')" = 2 ]
for n in $(jq -r '.[].name' <<<"$body"); do
    req -X DELETE "/v1/tenants/green/networks/$n"
done
expect 200 'length == 0' "green's racing networks deleted" -- /v1/tenants/green/networks

# The burst below needs blue's port quota raised past the default.
expect 200 ".quotas.ports.limit == $((burst + 10))" "blue: ports $((burst + 10)) for the burst" -- \
    -X PATCH -d "{\"ports\":$((burst + 10))}" /v1/tenants/blue/quota

# --- interface names are a host resource; 409s say nothing of others ----
vs() { ovs-vsctl --db=unix:"$dir/db.sock" "$@"; }
ctl_db() { "$weftctl" --db=unix:"$dir/weft.sock" "$@"; }
expect 201 '' "host with an uplink (never reached)" -- \
    $(post) '{"name":"upl","ovsdb_remote":"unix:'"$dir"'/nothing.sock","uplink":"t4up"}' /v1/hosts
as=tenant
tok=$red_tok
for name in vx-h1 gr-ghost gv-later br-int; do
    expect 409 '.error == "conflict" and (.detail | startswith("interface name '"$name"' is not available on host h1"))' \
        "red: a port named like weft's infrastructure ($name) is refused (409)" -- \
        $(post) "$(port x h1 "$name" 02:00:00:00:00:0a 10.0.0.10)" /v1/tenants/red/networks/net/ports
done
expect 409 '.detail == "interface name t4up is not available on host upl"' \
    "red: a port named like its host's uplink is refused, without saying so" -- \
    $(post) "$(port x upl t4up 02:00:00:00:00:0a 10.0.0.10)" /v1/tenants/red/networks/net/ports
as=admin
rc=0; out=$(ctl_db port-add red/net/x --host=h1 --iface=vx-h1 --mac=02:00:00:00:00:0a 2>&1) || rc=$?
refused_db() { [ $rc = 1 ] && grep -q 'interface name vx-h1 is not available on host h1' <<<"$out"; }
check "weftctl (database mode) refuses it too: '$out'" refused_db
expect 204 '' "(host upl deleted)" -- -X DELETE /v1/hosts/upl
expect 400 '.detail | test("uplink vx-h1 is a name of weft.s own")' \
    "a host's uplink may not be a tunnel's name either (400)" -- \
    $(post) '{"name":"upl","ovsdb_remote":"unix:/x","uplink":"vx-h1"}' /v1/hosts

# Names that the host's OVS already has and weft does not own: a bridge (its
# internal port) and a port on it.
vs add-br t4phy -- set bridge t4phy datapath_type=netdev \
   -- add-port t4phy t4nic -- set interface t4nic type=internal
as=tenant
tok=$red_tok
for name in t4phy t4nic; do
    expect 409 '.detail == "interface name '"$name"' is not available on host h1"' \
        "red: $name, which OVS has on h1, is refused (409, nothing said of what holds it)" -- \
        $(post) "$(port x h1 "$name" 02:00:00:00:00:0a 10.0.0.10)" /v1/tenants/red/networks/net/ports
done
as=admin
# weftctl's database mode cannot know the host's names: the row goes in,
# and weftd must not let it block the host for everyone else.
ctl_db port-add red/net/evil --host=h1 --iface=t4phy --mac=02:00:00:00:00:0e --ip=10.0.0.14
ip -n "$ns" link add t4e type veth peer name t4e-peer
ip -n "$ns" link set t4e up
ip -n "$ns" link set t4e-peer up
as=tenant
tok=$blue_tok
expect 201 '.error == null' \
    "blue: a port on h1 after red's bad row is installed (?wait=installed, not 504)" -- \
    $(post) "$(port e h1 t4e 02:00:00:00:00:1e 10.0.0.24)" \
    '/v1/tenants/blue/networks/net/ports?wait=installed&timeout=120'
check "...and its flows are on br-int" \
    bash -c "ovs-ofctl -O OpenFlow15 dump-flows unix:$dir/br-int.mgmt | grep -q 'dl_src=02:00:00:00:00:1e'"
e_ofport() {
    req /v1/tenants/blue/networks/net/ports/e
    jq -e '.ofport > 0 and .error == null' <<<"$body" >/dev/null
}
check "...and it has an ofport" wait_for 60 e_ofport
tok=$red_tok
evil_error() {
    req /v1/tenants/red/networks/net/ports/evil
    jq -e '.error == "interface name t4phy is not available on host h1" and .ofport == null' \
        <<<"$body" >/dev/null
}
check "red: the bad port's status says why it is not there" wait_for 60 evil_error
as=admin
untouched() {
    ! vs list-ports br-int | grep -qx t4phy && vs br-exists t4phy \
        && [ "$(vs port-to-br t4nic)" = t4phy ]
}
check "weftd created no OVS port for it, and left bridge t4phy alone" untouched
out=$(ctl_db port-list red/net 2>&1)
check "weftctl port-list shows the error" \
    grep -q '^red/net/evil .* error "interface name t4phy is not available on host h1"$' <<<"$out"
out=$("$weftctl" --api "$api" port-list red/net 2>&1)
check "weftctl --api port-list shows it too" \
    grep -q '^red/net/evil .* error "interface name t4phy is not available on host h1"$' <<<"$out"
ctl_db port-del red/net/evil
ctl_db port-del blue/net/e
vs del-br t4phy

# 409s for a tenant never name another tenant's objects (red holds vxlan
# 1001 and interface t4a on h1); the administrator's name them.
as=tenant
tok=$blue_tok
expect 409 '.detail == "vxlan segment 1001 is already in use"' \
    "blue: red's segment is 'already in use', red not named" -- \
    $(post) '{"name":"v2","type":"vxlan","segment_id":1001}' /v1/tenants/blue/networks
expect 409 '.detail == "interface t4a is already in use on host h1"' \
    "blue: red's interface is 'already in use', red's port not named" -- \
    $(post) "$(port y h1 t4a 02:00:00:00:00:0f 10.0.0.15)" /v1/tenants/blue/networks/net/ports
tok=$red_tok
expect 409 '.detail | test("used on host h1 by port red/net/a")' \
    "red: its own port may be named" -- \
    $(post) "$(port y h1 t4a 02:00:00:00:00:0f 10.0.0.15)" /v1/tenants/red/networks/net/ports
as=admin
expect 409 '.detail == "vxlan segment 1001 is already used by network red/net"' \
    "admin: the detailed message" -- \
    $(post) '{"name":"v2","type":"vxlan","segment_id":1001}' /v1/tenants/blue/networks

# --- burst: $burst port creations from 4 parallel clients ----------------
expect 201 '' "network for the burst" -- \
    $(post) '{"name":"burst","type":"vlan","segment_id":300}' /v1/tenants/blue/networks
# The API validates writes against one topology patched in place from its
# IDL's tracked changes: loaded whole at its first load (and on a resync),
# never per write.
api_loads() { grep -c 'validation topology: full load' "$dir/weftd.log" || true; }
loads0=$(api_loads)
check "the API's validation topology was loaded whole at first ($loads0)" \
    [ "$loads0" -ge 1 ]
start=$(date +%s.%N)
for c in 0 1 2 3; do
    (
        for ((i = c; i < burst; i += 4)); do
            mac=$(printf '02:00:00:%02x:%02x:%02x' $((i >> 16)) $(((i >> 8) & 255)) $((i & 255)))
            ip=10.$(((i >> 8) & 255)).$((i & 255)).1
            curl -s -o /dev/null -w '%{http_code}\n' --unix-socket "$api" \
                -X POST -d "{\"name\":\"p$i\",\"host\":\"ghost\",\"iface\":\"b$i\",\"mac\":\"$mac\",\"ips\":[\"$ip\"]}" \
                http://weft/v1/tenants/blue/networks/burst/ports
        done >"$dir/burst.$c"
    ) &
done
wait
end=$(date +%s.%N)
secs=$(awk "BEGIN { printf \"%.2f\", $end - $start }")
n201=$(cat "$dir"/burst.* | grep -c '^201$' || true)
check "burst: all $burst creations answered 201 (got $n201)" [ "$n201" = "$burst" ]
req /v1/tenants/blue/networks/burst/ports
check "burst: the network has exactly $burst ports" \
    [ "$(jq length <<<"$body")" = "$burst" ]
check "burst: every port key is distinct" \
    [ "$(jq '[.[].key] | unique | length' <<<"$body")" = "$burst" ]
check "burst: no write loaded the topology whole ($loads0 -> $(api_loads))" \
    [ "$(api_loads)" = "$loads0" ]
echo "burst: $burst port creations from 4 clients in $secs s:" \
     "$(awk "BEGIN { printf \"%.0f\", $burst / $secs }") requests/s"

# --- /metrics: Prometheus text; counters move -----------------------------
metric() {  # metric 'NAME{LABELS}': its value in $body, or "none"
    awk -v m="$1" '$1 == m { v = $2 } END { print (v == "" ? "none" : v) }' <<<"$body"
}
h1='{host="h1"}'
expect 200 '' "GET /metrics" -- /metrics
printf '%s\n' "$body" >"$dir/metrics"
check "/metrics is Prometheus text (HELP/TYPE, per-host series)" \
    bash -c "grep -q '^# TYPE weft_host_flow_mods_total counter' $dir/metrics \
             && grep -q '^weft_host_openflow_state{host=\"h1\",state=\"synced\"} 1' $dir/metrics \
             && grep -q '^weft_host_ovsdb_connected{host=\"h1\"} 1' $dir/metrics \
             && grep -q '^weft_host_convergence_seconds{host=\"h1\"} [0-9.]*$' $dir/metrics"
mods0=$(metric "weft_host_flow_mods_total$h1")
bundles0=$(metric "weft_host_bundles_total$h1")
desired0=$(metric "weft_host_flows{host=\"h1\",table=\"desired\"}")
n404_0=$(metric 'weft_api_requests_total{code="404"}')
n200_0=$(metric 'weft_api_requests_total{code="200"}')
ip -n "$ns" link add t4c type veth peer name t4c-peer
ip -n "$ns" link set t4c up
ip -n "$ns" link set t4c-peer up
expect 201 '' "a port on h1 (?wait=installed)" -- \
    $(post) "$(port c h1 t4c 02:00:00:00:00:03 10.0.0.3)" \
    '/v1/tenants/red/networks/net/ports?wait=installed&timeout=120'
expect 404 '' "one more 404" -- /v1/nothing
expect 200 '' "GET /metrics again" -- /metrics
reconnects0=$(metric 'weft_host_reconnects_total{host="h1",channel="openflow"}')
mods1=$(metric "weft_host_flow_mods_total$h1")
bundles1=$(metric "weft_host_bundles_total$h1")
desired1=$(metric "weft_host_flows{host=\"h1\",table=\"desired\"}")
installed1=$(metric "weft_host_flows{host=\"h1\",table=\"installed\"}")
conv=$(metric "weft_host_convergence_seconds$h1")
check "flow_mods moved ($mods0 -> $mods1)" [ "$mods1" -gt "$mods0" ]
check "bundles moved ($bundles0 -> $bundles1)" [ "$bundles1" -gt "$bundles0" ]
check "desired flows grew ($desired0 -> $desired1) and all are installed ($installed1)" \
    bash -c "[ $desired1 -gt $desired0 ] && [ $desired1 = $installed1 ]"
check "convergence latency measured: ${conv}s" \
    awk "BEGIN { exit !($conv > 0 && $conv < 120) }"
check "API requests counted by status: 404 $n404_0 -> $(metric 'weft_api_requests_total{code="404"}'), 200 $n200_0 -> $(metric 'weft_api_requests_total{code="200"}')" \
    bash -c "[ $(metric 'weft_api_requests_total{code="404"}') = $((n404_0 + 1)) ] \
             && [ $(metric 'weft_api_requests_total{code="200"}') -gt $n200_0 ] \
             && [ $(metric 'weft_api_requests_total{code="201"}') -ge $burst ]"
as=tenant
tok=$red_tok
expect 403 '' "red: /metrics is for admins (403)" -- /metrics
as=admin

# --metrics-listen: the same text over TCP, and nothing else there.
tcp() {     # tcp [CURL ARGS...] PATH: $code, $body from 127.0.0.1:9464 in $ns
    local path=${*: -1} out
    out=$(ip netns exec "$ns" curl -s -m 10 -w '\n%{http_code}' "${@:1:$#-1}" \
          "http://127.0.0.1:9464$path") || true
    code=${out##*$'\n'}
    body=${out%$'\n'*}
}
tcp /metrics
tcp_metrics_ok() {
    [ "$code" = 200 ] && grep -q '^weft_host_ovsdb_connected{host="h1"} 1$' <<<"$body" \
        && grep -q '^# TYPE weft_api_requests_total counter' <<<"$body"
}
check "GET /metrics over --metrics-listen (TCP): 200, Prometheus text" tcp_metrics_ok
check "...with the socket's values (flow_mods $(metric "weft_host_flow_mods_total$h1"))" \
    [ "$(metric "weft_host_flow_mods_total$h1")" = "$mods1" ]
tcp /v1/tenants
check "TCP: /v1/tenants is 404 (only /metrics is served there)" \
    bash -c "[ $code = 404 ] && ! grep -q red <<<\"\$1\"" _ "$body"
tcp -H "Authorization: Bearer $red_tok" /v1/tenants/red/networks
check "TCP: a tenant's path with its token is 404 too" [ "$code" = 404 ]
tcp /v1/status
check "TCP: /v1/status is 404" [ "$code" = 404 ]
tcp -X POST -d '{}' /metrics
check "TCP: POST /metrics is 405" [ "$code" = 405 ]

# Any TCP peer can connect there: 60 connections held open take at most the
# listener's cap (16) of weftd's sockets, and /metrics answers again once
# they go.
sock0=$(weftd_sockets)
hold_connections "$dir/mholder.pid" 60 127.0.0.1:9464 "$ns" >/dev/null
# Give weftd the time to accept all 60, which only an uncapped one does.
all_taken() { [ "$(weftd_sockets)" -ge $((sock0 + 60)) ]; }
wait_for 8 all_taken || true
sock1=$(weftd_sockets)
check "TCP: 60 connections held: weftd holds $((sock1 - sock0)) more sockets (cap 16)" \
    [ $((sock1 - sock0)) -le 16 ]
kill_pidfiles "$dir/mholder.pid"
metrics_back() { tcp /metrics; tcp_metrics_ok; }
check "TCP: /metrics answers again once they go" wait_for 60 metrics_back

# A restarted ovs-vswitchd: one OpenFlow reconnect, and weftd resyncs.
# The old process must be gone (its pidfile lock released) before the new
# one starts.
kill_pids "$(pidfile_pid "$dir/ovs-vswitchd.pid")"
start_ovs_vswitchd "$ns" "$dir"
for _ in $(seq 300); do
    req /metrics
    [ "$(metric 'weft_host_reconnects_total{host="h1",channel="openflow"}')" != "$reconnects0" ] \
        && [ "$(metric 'weft_host_openflow_state{host="h1",state="synced"}')" = 1 ] && break
    sleep 0.2
done
check "reconnects counted after an ovs-vswitchd restart ($reconnects0 -> $(metric 'weft_host_reconnects_total{host="h1",channel="openflow"}'))" \
    [ "$(metric 'weft_host_reconnects_total{host="h1",channel="openflow"}')" = $((reconnects0 + 1)) ]

# --- weftctl --api: the same commands over the socket --------------------
ctl_api() {     # ctl_api [TOKEN] -- ARGS...: as tenant with TOKEN, else root
    local t=$1
    shift 2
    if [ -n "$t" ]; then
        WEFT_TOKEN=$t setpriv --reuid=65534 --regid=65534 --clear-groups \
            "$weftctl" --api="$api" "$@"
    else
        "$weftctl" --api "$api" "$@"
    fi
}
ip -n "$ns" link add t4d type veth peer name t4d-peer
ip -n "$ns" link set t4d up
ip -n "$ns" link set t4d-peer up
out=$(ctl_api "" -- tenant-list 2>&1)
check "weftctl --api tenant-list (root)" \
    [ "$(awk '{ print $1 }' <<<"$out" | tr '\n' ' ')" = 'blue green red ' ]
rc=0; out=$(ctl_api "$red_tok" -- net-add red/n2 --type=vlan --segment=42 2>&1) || rc=$?
check "weftctl --api net-add as red's tenant admin" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- --wait port-add red/n2/d --host=h1 --iface=t4d \
      --mac=02:00:00:00:00:0d --ip=10.1.0.1 2>&1) || rc=$?
check "weftctl --api --wait port-add" [ $rc = 0 ]
check "...and its flows are on br-int when it returns" \
    bash -c "ovs-ofctl -O OpenFlow15 dump-flows unix:$dir/br-int.mgmt | grep -q 'arp_tpa=10.1.0.1'"
out=$(ctl_api "$red_tok" -- port-list red/n2 2>&1)
check "weftctl --api port-list: '$out'" \
    grep -q '^red/n2/d  host h1  iface t4d  mac 02:00:00:00:00:0d  ips 10.1.0.1  key' <<<"$out"
out=$(ctl_api "$red_tok" -- net-list 2>&1)
net_list_ok() { grep -q '^red/n2 *vlan 42' <<<"$out" && ! grep -q '^blue' <<<"$out"; }
check "weftctl --api net-list shows only red's networks" net_list_ok
out=$(ctl_api "$red_tok" -- --json port-list red 2>&1)
check "weftctl --api --json: the API's JSON" \
    jq -e 'map(.name) | sort == ["a","c","d"]' <<<"$out" >/dev/null
rc=0; out=$(ctl_api "$red_tok" -- net-add red/n3 --type=vlan --segment=4095 2>&1) || rc=$?
check "weftctl --api: a bad VLAN exits 1 with the API's message ($out)" \
    bash -c "[ $rc = 1 ] && grep -q 'invalid VLAN ID 4095 (must be 1-4094) (HTTP 400)' <<<'$out'"
rc=0; out=$(ctl_api "$red_tok" -- net-list blue 2>&1) || rc=$?
check "weftctl --api: blue is 404 for red ($out)" \
    bash -c "[ $rc = 1 ] && grep -q 'tenant blue does not exist' <<<'$out'"
rc=0; out=$(ctl_api "$red_tok" -- port-add red/n2 --host=h1 2>&1) || rc=$?
check "weftctl --api: a malformed command line exits 2 ($out)" [ $rc = 2 ]
out=$(ctl_api "" -- tenant-token green 2>&1)
check "weftctl --api tenant-token prints a new token" grep -Eq '^[0-9a-f]{64}$' <<<"$out"
out=$(ctl_api "" -- show 2>&1)
show_ok() { grep -q '^network red/n2: vlan 42' <<<"$out" && grep -q '^    port d: host h1' <<<"$out"; }
check "weftctl --api show" show_ok
# Database mode's --format=json prints the API's objects: a script can use
# either.  (Files: the burst's 1,000 ports are too long for an argument.
# Fetched again if a host's state changed between the two reads.)
same_json() {
    # shellcheck disable=SC2086 # $1 is a command and its argument
    { ctl_api "" -- --json $1 | jq -S . > "$dir/api.json"; } || : > "$dir/api.json"
    # shellcheck disable=SC2086
    { "$weftctl" --db=unix:"$dir/weft.sock" --format=json $1 | jq -S . > "$dir/db.json"; } \
        || : > "$dir/db.json"
    cmp -s "$dir/api.json" "$dir/db.json" && [ -s "$dir/api.json" ] \
        && [ "$(cat "$dir/api.json")" != "[]" ]
}
for args in show host-list tenant-list net-list "port-list red"; do
    check "weftctl --format=json $args: the same JSON as weftctl --api --json" \
        wait_for 30 same_json "$args"
done
check "weftctl --api --format=json is --json" \
    bash -c '[ "$1" = "$2" ]' _ "$(ctl_api "" -- --format=json tenant-list)" "$(ctl_api "" -- --json tenant-list)"
out=$(ctl_api "$red_tok" -- net-flows red/n2 2>&1)
check "weftctl --api net-flows" grep -q 'arp_tpa=10.1.0.1' <<<"$out"
rc=0; { ctl_api "$red_tok" -- port-del red/n2/d && ctl_api "$red_tok" -- net-del red/n2; } || rc=$?
check "weftctl --api port-del, net-del" [ $rc = 0 ]
expect 404 '' "...the network is gone" -- /v1/tenants/red/networks/n2
out=$(ctl_api "$red_tok" -- tenant-quota red 2>&1)
check "weftctl --api tenant-quota as red: '$(head -1 <<<"$out")'" \
    bash -c "grep -Eq '^ports +limit 1000 \(default\)  used 2$' <<<'$out' \
             && grep -Eq '^networks +limit 100 \(default\)  used 1$' <<<'$out'"
rc=0; out=$(ctl_api "$red_tok" -- tenant-set red --max-networks=50 2>&1) || rc=$?
check "weftctl --api tenant-set as red: 403 ($out)" \
    bash -c "[ $rc = 1 ] && grep -q 'only an administrator can change quotas (HTTP 403)' <<<'$out'"
rc=0; ctl_api "" -- tenant-set red --max-networks=1 || rc=$?
check "weftctl --api tenant-set (root)" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- net-add red/n9 --type=vlan --segment=49 2>&1) || rc=$?
check "weftctl --api net-add over the quota: exit 1 ($out)" \
    bash -c "[ $rc = 1 ] && grep -q 'quota exceeded: tenant red may have at most 1 network (HTTP 409)' <<<'$out'"
rc=0; out=$(ctl_api "" -- --json tenant-set red --max-networks=default 2>&1) || rc=$?
check "weftctl --api tenant-set back to the default" \
    bash -c "[ $rc = 0 ] && jq -e '.quotas.networks.default' <<<'$out' >/dev/null"
rc=0; out=$(ctl_api "" -- tenant-set red --max-ports=lots 2>&1) || rc=$?
check "weftctl --api tenant-set --max-ports=lots: exit 2 ($out)" [ $rc = 2 ]

# --- routing: subnets, allocation, routers, routes; tenants kept apart -----
# (The flows are tests/lab/test-routing.sh's; this is the API's side.)
expect 201 '.cidr == "10.5.0.0/24" and .gateway == "10.5.0.1" and .router == null' \
    "POST a network with a cidr: the default gateway is its first address" -- \
    $(post) '{"name":"sub","type":"vxlan","segment_id":3001,"cidr":"10.5.0.0/24"}' \
    /v1/tenants/red/networks
expect 201 '.cidr == null and .gateway == null and .router == null' \
    "a network without a cidr: cidr, gateway and router are null" -- \
    $(post) '{"name":"l2","type":"vxlan","segment_id":3003}' /v1/tenants/red/networks
expect 201 '.cidr == "10.6.0.0/24" and .gateway == "10.6.0.254"' \
    "a network with a cidr and a gateway" -- \
    $(post) '{"name":"rsub","type":"vxlan","segment_id":3002,"cidr":"10.6.0.0/24","gateway":"10.6.0.254"}' \
    /v1/tenants/red/networks
expect 201 '.ips == ["10.5.0.2"]' "POST a port without ips: the lowest free address" -- \
    $(post) '{"name":"s1","host":"h1","iface":"t4s1","mac":"02:00:00:00:05:01"}' \
    /v1/tenants/red/networks/sub/ports
expect 201 '.ips == ["10.5.0.3"]' "...the next one the next address" -- \
    $(post) '{"name":"s2","host":"h1","iface":"t4s2","mac":"02:00:00:00:05:02","ips":[]}' \
    /v1/tenants/red/networks/sub/ports
expect 201 '.name == "r1" and .tenant == "red" and .networks == [] and .routes == []' \
    "POST /v1/tenants/red/routers" -- $(post) '{"name":"r1"}' /v1/tenants/red/routers
expect 409 '' "a second router r1: 409" -- $(post) '{"name":"r1"}' /v1/tenants/red/routers
expect 400 '.detail == "unknown member \"routes\""' "router with an unknown member: 400" -- \
    $(post) '{"name":"r2","routes":[]}' /v1/tenants/red/routers
expect 201 '.networks == [{"network":"sub","ip":"10.5.0.1","mac":.networks[0].mac}]' \
    "POST .../routers/r1/networks: the router takes the gateway" -- \
    $(post) '{"network":"sub"}' /v1/tenants/red/routers/r1/networks
expect 201 '(.networks | map(.network)) == ["rsub","sub"] and .networks[0].ip == "10.6.0.254" and .networks[0].mac == "02:00:00:00:06:fe"' \
    "attach with a MAC of our own" -- \
    $(post) '{"network":"rsub","mac":"02:00:00:00:06:fe"}' /v1/tenants/red/routers/r1/networks
req $(post) '{"network":"l2"}' /v1/tenants/red/routers/r1/networks
check "attach a network without a cidr: refused, 400 or 409 ($code: $body)" \
    bash -c "[ $code = 400 ] || [ $code = 409 ]"
expect 200 '.router == "r1"' "GET the network: its router" -- /v1/tenants/red/networks/sub
expect 201 '.routes == [{"prefix":"10.9.0.0/16","nexthop":"10.5.0.2"}]' \
    "POST .../routers/r1/routes" -- \
    $(post) '{"prefix":"10.9.0.0/16","nexthop":"10.5.0.2"}' /v1/tenants/red/routers/r1/routes
expect 400 '.detail == "member \"nexthop\" is required"' "a route without a next hop: 400" -- \
    $(post) '{"prefix":"10.8.0.0/16"}' /v1/tenants/red/routers/r1/routes
expect 200 '.name == "r1" and (.routes | length) == 1' "GET /v1/tenants/red/routers/r1" -- \
    /v1/tenants/red/routers/r1
expect 409 '' "DELETE a router with networks and routes: 409, no cascade" -- \
    -X DELETE /v1/tenants/red/routers/r1
expect 405 '' "GET .../routers/r1/routes: 405" -- /v1/tenants/red/routers/r1/routes
expect 201 '.cidr == "10.5.0.0/24"' "blue: the same subnet in another tenant is fine" -- \
    $(post) '{"name":"sub","type":"gre","segment_id":3001,"cidr":"10.5.0.0/24"}' \
    /v1/tenants/blue/networks
expect 201 '.name == "b1"' "blue's router b1" -- $(post) '{"name":"b1"}' /v1/tenants/blue/routers
as=tenant
tok=$blue_tok
expect 404 '.detail == "tenant red does not exist"' "blue: red's routers are 404" -- \
    /v1/tenants/red/routers
expect 404 '.detail == "tenant red does not exist"' "blue: red's router is 404" -- \
    /v1/tenants/red/routers/r1
expect 404 '.detail == "tenant red does not exist"' "blue: attaching to red's router is 404" -- \
    $(post) '{"network":"sub"}' /v1/tenants/red/routers/r1/networks
expect 404 '.detail == "tenant red does not exist"' "blue: a route on red's router is 404" -- \
    $(post) '{"prefix":"10.7.0.0/16","nexthop":"10.5.0.2"}' /v1/tenants/red/routers/r1/routes
expect 404 '.detail == "tenant red does not exist"' "blue: deleting red's route is 404" -- \
    -X DELETE /v1/tenants/red/routers/r1/routes/10.9.0.0/16
expect 404 '.detail == "tenant red does not exist"' "blue: detaching red's network is 404" -- \
    -X DELETE /v1/tenants/red/routers/r1/networks/sub
expect 404 '(.detail | test("red") | not)' \
    "blue: attaching red's network rsub to b1 is 404, naming nothing of red's" -- \
    $(post) '{"network":"rsub"}' /v1/tenants/blue/routers/b1/networks
expect 201 '.networks[0].network == "sub" and .networks[0].ip == "10.5.0.1"' \
    "blue attaches its own sub (red's subnet, identical)" -- \
    $(post) '{"network":"sub"}' /v1/tenants/blue/routers/b1/networks
req $(post) '{"prefix":"10.9.0.0/16","nexthop":"10.6.0.5"}' /v1/tenants/blue/routers/b1/routes
check "blue: a next hop only red's subnet has (10.6.0.5) is refused (400 or 409), naming nothing of red's ($code: $body)" \
    bash -c "{ [ $code = 400 ] || [ $code = 409 ]; } && ! grep -q red <<<'$body'"
expect 200 'map(.name) == ["b1"] and .[0].networks == [{"network":"sub","ip":"10.5.0.1","mac":.[0].networks[0].mac}]' \
    "blue lists its router only" -- /v1/tenants/blue/routers
as=admin
rc=0; out=$(ctl_api "$red_tok" -- router-show red/r1 2>&1) || rc=$?
check "weftctl --api router-show as red ($out)" \
    bash -c "[ $rc = 0 ] && grep -q '^    network sub  ip 10.5.0.1  mac ' <<<'$out' \
             && grep -q '^    route 10.9.0.0/16 via 10.5.0.2\$' <<<'$out'"
rc=0; out=$(ctl_api "$blue_tok" -- router-show red/r1 2>&1) || rc=$?
check "weftctl --api router-show red/r1 as blue: exit 1, not found ($out)" \
    bash -c "[ $rc = 1 ] && grep -q 'tenant red does not exist (HTTP 404)' <<<'$out'"
check "weftctl --format=json router-list: the same JSON as weftctl --api --json" \
    wait_for 30 same_json router-list
rc=0; out=$(ctl_api "$red_tok" -- port-add red/sub/s3 --host=h1 --iface=t4s3 \
      --mac=02:00:00:00:05:03 2>&1) || rc=$?
check "weftctl --api port-add without --ip prints the address allocated ($out)" \
    bash -c "[ $rc = 0 ] && [ '$out' = 10.5.0.4 ]"
rc=0; { ctl_api "$red_tok" -- route-del red/r1 10.9.0.0/16 \
        && ctl_api "$red_tok" -- router-detach red/r1 sub \
        && ctl_api "$red_tok" -- router-detach red/r1 rsub \
        && ctl_api "$red_tok" -- router-del red/r1; } || rc=$?
check "weftctl --api route-del, router-detach, router-del" [ $rc = 0 ]
expect 404 '' "...the router is gone" -- /v1/tenants/red/routers/r1
expect 200 '.router == null' "...and sub has no router" -- /v1/tenants/red/networks/sub
rc=0; { ctl_api "$blue_tok" -- router-add blue/b2 \
        && ctl_api "$blue_tok" -- router-attach blue/b2 net --mac=02:00:00:00:0b:02; } \
    >/dev/null 2>&1 || rc=$?
check "weftctl --api router-add blue/b2, then router-attach of net (no cidr) fails" [ $rc = 1 ]
expect 204 '' "DELETE blue's router b2" -- -X DELETE /v1/tenants/blue/routers/b2
expect 204 '' "DELETE blue's attachment" -- -X DELETE /v1/tenants/blue/routers/b1/networks/sub
expect 204 '' "DELETE blue's router b1" -- -X DELETE /v1/tenants/blue/routers/b1

# --- the ways in and out (issue #13): external side, snat, pools, floating
# IPs, port mappings; tenants kept apart; bad input writes nothing ---------
ext='{"iface":"t4ext","ip":"192.168.100.11/24","gateway":"192.168.100.1"}'
expect 200 '.external == {"iface":"t4ext","ip":"192.168.100.11/24","gateway":"192.168.100.1"}' \
    "PATCH /v1/hosts/h1: an external side (no gateway_mac until weftd resolves it)" -- \
    -X PATCH -d '{"external":'"$ext"'}' /v1/hosts/h1
expect 200 '.external.iface == "t4ext" and .name == "h1"' "GET /v1/hosts/h1 shows it" -- /v1/hosts/h1
expect 200 '.external == null' "ghost has none: external is null" -- /v1/hosts/ghost
expect 400 '.detail | test("external: member \"gateway\" is required")' \
    "PATCH an external side without a gateway: 400" -- \
    -X PATCH -d '{"external":{"iface":"t4ext","ip":"192.168.100.12/24"}}' /v1/hosts/ghost
expect 201 '.name == "ext" and .cidr == "192.168.100.96/27" and .floating_ips == 0' \
    "POST /v1/pools" -- $(post) '{"name":"ext","cidr":"192.168.100.96/27"}' /v1/pools
expect 200 'map(.name) == ["ext"]' "GET /v1/pools" -- /v1/pools
expect 201 '.name == "nsub" and .cidr == "10.7.0.0/24"' "red's network nsub" -- \
    $(post) '{"name":"nsub","type":"vxlan","segment_id":3101,"cidr":"10.7.0.0/24"}' \
    /v1/tenants/red/networks
expect 201 '.name == "rn" and .snat == true' "POST a router with snat: true" -- \
    $(post) '{"name":"rn","snat":true}' /v1/tenants/red/routers
expect 201 '.networks[0].network == "nsub"' "attach nsub to rn" -- \
    $(post) '{"network":"nsub"}' /v1/tenants/red/routers/rn/networks
expect 201 '.ips == ["10.7.0.2"]' "red's endpoint e1 on h1" -- \
    $(post) '{"name":"e1","host":"h1","iface":"t4e1","mac":"02:00:00:00:07:01"}' \
    /v1/tenants/red/networks/nsub/ports
expect 201 '.ips == ["10.7.0.3"]' "red's endpoint g1 on ghost (no external side)" -- \
    $(post) '{"name":"g1","host":"ghost","iface":"t4g1","mac":"02:00:00:00:07:02"}' \
    /v1/tenants/red/networks/nsub/ports
expect 201 '.ips == ["10.7.0.4"]' "red's endpoint e2 on h1" -- \
    $(post) '{"name":"e2","host":"h1","iface":"t4e2","mac":"02:00:00:00:07:03"}' \
    /v1/tenants/red/networks/nsub/ports
expect 201 '.name == "nsub"' "blue's network nsub (the same subnet)" -- \
    $(post) '{"name":"nsub","type":"vxlan","segment_id":3102,"cidr":"10.7.0.0/24"}' \
    /v1/tenants/blue/networks
expect 201 '.name == "bn" and .snat == false' "blue's router bn, snat off by default" -- \
    $(post) '{"name":"bn"}' /v1/tenants/blue/routers
expect 201 '' "attach blue's nsub to bn" -- \
    $(post) '{"network":"nsub"}' /v1/tenants/blue/routers/bn/networks
expect 201 '.ips == ["10.7.0.2"]' "blue's endpoint e1 on h1" -- \
    $(post) '{"name":"e1","host":"h1","iface":"t4b1","mac":"02:00:00:00:07:01"}' \
    /v1/tenants/blue/networks/nsub/ports

as=tenant
tok=$red_tok
expect 200 '.snat == false' "red: PATCH its router {\"snat\": false}" -- \
    -X PATCH -d '{"snat":false}' /v1/tenants/red/routers/rn
expect 200 '.snat == true' "red: ...and back on" -- \
    -X PATCH -d '{"snat":true}' /v1/tenants/red/routers/rn
expect 403 '' "red: PATCH a host's external side: 403" -- \
    -X PATCH -d '{"external":null}' /v1/hosts/h1
expect 200 '(.[] | select(.name == "h1") | has("external")) == false' \
    "red: hosts show no external side to a tenant" -- /v1/hosts
expect 403 '' "red: GET /v1/pools: 403" -- /v1/pools
expect 403 '' "red: POST /v1/pools: 403" -- $(post) '{"name":"mine","cidr":"10.99.0.0/24"}' /v1/pools
expect 201 '.ip == "192.168.100.97" and .pool == "ext" and .tenant == "red" and .port == null and .host == null' \
    "red: POST a floating IP: the pool's lowest free address, unassigned" -- \
    $(post) '{"pool":"ext"}' /v1/tenants/red/floating-ips
expect 201 '.ip == "192.168.100.100" and .network == "nsub" and .port == "e1" and .host == "h1"' \
    "red: a floating IP of its choice, assigned at once" -- \
    $(post) '{"pool":"ext","ip":"192.168.100.100","network":"nsub","port":"e1"}' \
    /v1/tenants/red/floating-ips
expect 200 'map(.ip) == ["192.168.100.97","192.168.100.100"]' "red: GET its floating IPs" -- \
    /v1/tenants/red/floating-ips
expect 201 '.host == "h1" and .host_ip == "192.168.100.11" and .host_port == 8080 and .proto == "tcp" and .network == "nsub" and .port == "e1" and .endpoint_ip == "10.7.0.2" and .to_port == 80' \
    "red: POST a port mapping (8080:80/tcp on e1)" -- \
    $(post) '{"network":"nsub","port":"e1","proto":"tcp","host_port":8080,"to_port":80}' \
    /v1/tenants/red/port-mappings
expect 200 'length == 1 and .[0].host_port == 8080' "red: GET its port mappings" -- \
    /v1/tenants/red/port-mappings

# Bad input: 4xx, and nothing written (nb_cfg does not move).
as=admin
req /v1/status
nat_cfg=$(jq .nb_cfg <<<"$body")
as=tenant
tok=$red_tok
expect 400 '.detail == "host port 0 is out of range 1..65535"' "red: host port 0: 400" -- \
    $(post) '{"network":"nsub","port":"e2","proto":"tcp","host_port":0,"to_port":80}' \
    /v1/tenants/red/port-mappings
expect 400 '.detail == "host port 65536 is out of range 1..65535"' "red: host port 65536: 400" -- \
    $(post) '{"network":"nsub","port":"e2","proto":"tcp","host_port":65536,"to_port":80}' \
    /v1/tenants/red/port-mappings
expect 400 '.detail == "port 0 is out of range 1..65535"' "red: endpoint port 0: 400" -- \
    $(post) '{"network":"nsub","port":"e2","proto":"udp","host_port":5353,"to_port":0}' \
    /v1/tenants/red/port-mappings
expect 400 '.detail | test("protocol")' "red: protocol sctp: 400" -- \
    $(post) '{"network":"nsub","port":"e2","proto":"sctp","host_port":5353,"to_port":53}' \
    /v1/tenants/red/port-mappings
expect 409 '.detail == "host h1 port tcp/8080 is already mapped"' \
    "red: the same host port twice on h1: 409" -- \
    $(post) '{"network":"nsub","port":"e2","proto":"tcp","host_port":8080,"to_port":81}' \
    /v1/tenants/red/port-mappings
req $(post) '{"network":"nsub","port":"g1","proto":"tcp","host_port":8081,"to_port":80}' \
    /v1/tenants/red/port-mappings
check "red: a mapping for an endpoint whose host has no external side: 4xx ($code: $body)" \
    bash -c "[ $code = 400 ] || [ $code = 409 ]"
expect 400 '.detail | test("not in pool ext")' "red: a floating IP outside the pool: 400" -- \
    $(post) '{"pool":"ext","ip":"192.168.100.50"}' /v1/tenants/red/floating-ips
expect 404 '.detail == "pool nope does not exist"' "red: an unknown pool: 404" -- \
    $(post) '{"pool":"nope"}' /v1/tenants/red/floating-ips
expect 409 '.detail == "address 192.168.100.100 is already in use"' \
    "red: an address already in use: 409" -- \
    $(post) '{"pool":"ext","ip":"192.168.100.100"}' /v1/tenants/red/floating-ips
req $(post) '{"pool":"ext","network":"nsub","port":"g1"}' /v1/tenants/red/floating-ips
check "red: a floating IP for an endpoint whose host has no external side: 4xx ($code: $body)" \
    bash -c "[ $code = 400 ] || [ $code = 409 ]"
tok=$blue_tok
expect 404 '.detail == "floating IP 192.168.100.100 does not exist"' \
    "blue: GET red's floating IP: 404" -- /v1/tenants/blue/floating-ips/192.168.100.100
expect 404 '.detail == "floating IP 192.168.100.100 does not exist"' \
    "blue: PATCH red's floating IP onto its own port: 404" -- \
    -X PATCH -d '{"network":"nsub","port":"e1"}' /v1/tenants/blue/floating-ips/192.168.100.100
expect 404 '.detail == "floating IP 192.168.100.100 does not exist"' \
    "blue: DELETE red's floating IP: 404" -- -X DELETE /v1/tenants/blue/floating-ips/192.168.100.100
expect 404 '.detail == "tenant red does not exist"' "blue: red's floating IPs are 404" -- \
    /v1/tenants/red/floating-ips
expect 404 '.detail == "tenant red does not exist"' "blue: red's port mappings are 404" -- \
    /v1/tenants/red/port-mappings
expect 404 '.detail == "port mapping h1 tcp/8080 does not exist"' \
    "blue: DELETE red's mapping through its own tenant: 404" -- \
    -X DELETE /v1/tenants/blue/port-mappings/h1/tcp/8080
expect 404 '.detail == "tenant red does not exist"' "blue: DELETE red's mapping: 404" -- \
    -X DELETE /v1/tenants/red/port-mappings/h1/tcp/8080
expect 409 '(.detail | test("red|e1|nsub") | not)' \
    "blue: host port tcp/8080 on h1, taken by red: 409 naming nothing of red's" -- \
    $(post) '{"network":"nsub","port":"e1","proto":"tcp","host_port":8080,"to_port":80}' \
    /v1/tenants/blue/port-mappings
expect 409 '.detail == "address 192.168.100.100 is already in use"' \
    "blue: red's address: 409, not saying whose" -- \
    $(post) '{"pool":"ext","ip":"192.168.100.100"}' /v1/tenants/blue/floating-ips
expect 200 '. == []' "blue: no floating IPs of its own" -- /v1/tenants/blue/floating-ips
expect 200 '. == []' "blue: no port mappings of its own" -- /v1/tenants/blue/port-mappings
as=admin
expect 409 '' "admin: pool-del while floating IPs of it exist: 409" -- -X DELETE /v1/pools/ext
expect 409 '.detail | test("still has")' \
    "admin: removing h1's external side while a floating IP and a mapping use it: 409" -- \
    -X PATCH -d '{"external":null}' /v1/hosts/h1
expect 409 '' "admin: a pool overlapping ext: 409" -- \
    $(post) '{"name":"ext2","cidr":"192.168.100.64/26"}' /v1/pools
expect 200 ".nb_cfg == $nat_cfg" "the refused NAT requests wrote nothing (nb_cfg)" -- /v1/status
expect 200 '.floating_ips == 2' "GET /v1/pools/ext: 2 floating IPs taken" -- /v1/pools/ext

# Assign, move, unassign; weftctl --api does the same.
as=tenant
tok=$red_tok
expect 200 '.port == "e2" and .host == "h1"' "red: PATCH moves 192.168.100.100 to e2" -- \
    -X PATCH -d '{"network":"nsub","port":"e2"}' /v1/tenants/red/floating-ips/192.168.100.100
expect 200 '.port == null and .network == null and .host == null' "red: {\"port\": null} unassigns it" -- \
    -X PATCH -d '{"port":null}' /v1/tenants/red/floating-ips/192.168.100.100
expect 400 '' "red: a PATCH without \"port\": 400" -- \
    -X PATCH -d '{}' /v1/tenants/red/floating-ips/192.168.100.100
rc=0; out=$(ctl_api "$red_tok" -- fip-set red 192.168.100.97 --port=nsub/e1 2>&1) || rc=$?
check "weftctl --api fip-set assigns ($out)" [ $rc = 0 ]
out=$(ctl_api "$red_tok" -- fip-list 2>&1)
check "weftctl --api fip-list: '$out'" bash -c "
    grep -Eq '^192.168.100.97 +tenant red  pool ext  port nsub/e1  host h1$' <<<'$out' \
    && grep -Eq '^192.168.100.100 +tenant red  pool ext  port -  host -$' <<<'$out'"
rc=0; out=$(ctl_api "$red_tok" -- fip-add red --pool=ext --port=nsub/e2 2>&1) || rc=$?
check "weftctl --api fip-add prints the address taken ($out)" \
    bash -c "[ $rc = 0 ] && [ '$out' = 192.168.100.98 ]"
# (g1's host, ghost, never installs anything: a port's change is waited for
# on every host of its network.)
expect 204 '' "red: DELETE g1 (on ghost)" -- -X DELETE /v1/tenants/red/networks/nsub/ports/g1
rc=0; out=$(ctl_api "$red_tok" -- --wait map-add red/nsub/e2 5353:53/udp 2>&1) || rc=$?
check "weftctl --api --wait map-add: h1 installs it ($out)" [ $rc = 0 ]
out=$(ctl_api "$red_tok" -- map-list red 2>&1)
check "weftctl --api map-list: '$out'" bash -c "
    grep -q '^h1  192.168.100.11:8080/tcp -> red/nsub/e1 10.7.0.2:80$' <<<'$out' \
    && grep -q '^h1  192.168.100.11:5353/udp -> red/nsub/e2 10.7.0.4:53$' <<<'$out'"
rc=0; out=$(ctl_api "$blue_tok" -- map-del blue/nsub/e1 8080/tcp 2>&1) || rc=$?
check "weftctl --api map-del as blue of red's host port: exit 1 ($out)" [ $rc = 1 ]
rc=0; out=$(ctl_api "$red_tok" -- map-del red/nsub/e2 5353/udp 2>&1) || rc=$?
check "weftctl --api map-del ($out)" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- map-add red/nsub/e2 0:53/udp 2>&1) || rc=$?
check "weftctl --api map-add host port 0: exit 1 with the API's message ($out)" \
    bash -c "[ $rc = 1 ] && grep -q 'host port 0 is out of range 1..65535 (HTTP 400)' <<<'$out'"
rc=0; out=$(ctl_api "$red_tok" -- router-show red/rn 2>&1) || rc=$?
check "weftctl --api router-show: snat on ($out)" \
    bash -c "[ $rc = 0 ] && grep -q '^router red/rn  key [0-9]*  snat on$' <<<'$out'"
as=admin
out=$(ctl_api "" -- host-show h1 2>&1)
check "weftctl --api host-show h1: its external side ($out)" \
    grep -q '^    external t4ext  ip 192.168.100.11/24  gateway 192.168.100.1  gateway-mac -$' <<<"$out"
out=$(ctl_api "" -- pool-list 2>&1)
check "weftctl --api pool-list ($out)" grep -q '^ext  cidr 192.168.100.96/27  floating-ips 3$' <<<"$out"
# (A file: the burst's ports make "show" too long for an argument.)
ctl_api "" -- show >"$dir/show.txt" 2>&1 || :
check "weftctl --api show: floating IPs and port mappings" bash -c "
    grep -q '^floating-ip 192.168.100.97: tenant red  pool ext  port nsub/e1  host h1$' $dir/show.txt \
    && grep -q '^port-mapping h1: 192.168.100.11:8080/tcp -> red/nsub/e1 10.7.0.2:80$' $dir/show.txt"
for args in "host-show h1" "pool-list" "fip-list" "map-list" "router-show red/rn" show; do
    check "weftctl --format=json $args: the same JSON as weftctl --api --json" \
        wait_for 30 same_json "$args"
done

# weftctl --api's other NAT commands: host-add with an external side,
# host-set --no-external, router-add --snat, router-set, pool-add, pool-del.
rc=0; ctl_api "" -- host-add h9 --remote=unix:/nothing --external-iface=t4e9 \
    --external-ip=192.168.100.19/24 --external-gateway=192.168.100.1 || rc=$?
check "weftctl --api host-add with an external side" [ $rc = 0 ]
expect 200 '.external == {"iface":"t4e9","ip":"192.168.100.19/24","gateway":"192.168.100.1"}' \
    "...GET shows it" -- /v1/hosts/h9
rc=0; ctl_api "" -- host-set h9 --no-external || rc=$?
expect 200 '.external == null' "weftctl --api host-set --no-external ($rc)" -- /v1/hosts/h9
rc=0; out=$(ctl_api "$red_tok" -- host-set h9 --external-iface=t4e9 \
    --external-ip=192.168.100.19/24 --external-gateway=192.168.100.1 2>&1) || rc=$?
check "weftctl --api host-set as red: 403 ($out)" \
    bash -c "[ $rc = 1 ] && grep -q '(HTTP 403)' <<<'$out'"
expect 204 '' "DELETE h9" -- -X DELETE /v1/hosts/h9
rc=0; ctl_api "$red_tok" -- router-add red/rs --snat || rc=$?
expect 200 '.snat == true' "weftctl --api router-add --snat ($rc)" -- /v1/tenants/red/routers/rs
rc=0; ctl_api "$red_tok" -- router-set red/rs --snat=false || rc=$?
expect 200 '.snat == false' "weftctl --api router-set --snat=false ($rc)" -- /v1/tenants/red/routers/rs
rc=0; out=$(ctl_api "$red_tok" -- router-set red/rs --snat=maybe 2>&1) || rc=$?
check "weftctl --api router-set --snat=maybe: exit 2 ($out)" [ $rc = 2 ]
expect 204 '' "DELETE red's router rs" -- -X DELETE /v1/tenants/red/routers/rs
rc=0; { ctl_api "" -- pool-add p9 10.99.0.0/24 && ctl_api "" -- pool-del p9; } || rc=$?
check "weftctl --api pool-add, pool-del" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- pool-list 2>&1) || rc=$?
check "weftctl --api pool-list as red: 403 ($out)" \
    bash -c "[ $rc = 1 ] && grep -q 'only an administrator can manage address pools (HTTP 403)' <<<'$out'"

# Concurrent allocations: 3 clients of the API and 2 of the database take
# floating IPs from ext at once (Pool weft-fip-gen serializes them); each
# gets an address of its own and prints the one it got.
pids=()
for i in 1 2 3; do
    ctl_api "$red_tok" -- fip-add red --pool=ext >"$dir/fip-api$i.out" 2>&1 & pids+=($!)
done
for i in 1 2; do
    "$weftctl" --db=unix:"$dir/weft.sock" fip-add red --pool=ext >"$dir/fip-db$i.out" 2>&1 \
        & pids+=($!)
done
rc=0
for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
cat "$dir"/fip-api?.out "$dir"/fip-db?.out | sort >"$dir/fip-printed"
req /v1/tenants/red/floating-ips
jq -r '.[].ip' <<<"$body" | grep -vx -e 192.168.100.97 -e 192.168.100.98 -e 192.168.100.100 \
    | sort >"$dir/fip-listed"
check "5 concurrent fip-add (3 API, 2 database): 5 distinct addresses, each printed by its client ($(tr '\n' ' ' <"$dir/fip-printed"))" \
    bash -c "[ $rc = 0 ] && [ \$(sort -u $dir/fip-printed | grep -c '^192\.168\.100\.') = 5 ] \
             && cmp -s $dir/fip-printed $dir/fip-listed"

# --- services (issue #14): VIPs load-balanced over backends; tenants kept
# apart (another tenant's service: 404); bad input writes nothing ---------
as=tenant
tok=$red_tok
expect 201 '. == {"name":"web","tenant":"red","router":"rn","vip":"10.96.0.10","port":80,"proto":"tcp","node_port":null,"backends":[]}' \
    "red: POST a service" -- \
    $(post) '{"name":"web","router":"rn","vip":"10.96.0.10","port":80}' /v1/tenants/red/services
expect 201 '.backends == [{"network":"nsub","port":"e1","ip":"10.7.0.2","to_port":80,"weight":1,"down":false}]' \
    "red: POST a backend: the service with it" -- \
    $(post) '{"network":"nsub","port":"e1"}' /v1/tenants/red/services/web/backends
expect 201 '.backends[1] == {"network":"nsub","port":"e2","ip":"10.7.0.4","to_port":8080,"weight":3,"down":true}' \
    "red: POST a backend with to_port, weight, down" -- \
    $(post) '{"network":"nsub","port":"e2","to_port":8080,"weight":3,"down":true}' \
    /v1/tenants/red/services/web/backends
expect 200 '.backends[1].down == false and .backends[1].weight == 2 and .backends[1].to_port == 8080' \
    "red: PATCH a backend up, weight 2" -- \
    -X PATCH -d '{"down":false,"weight":2}' /v1/tenants/red/services/web/backends/nsub/e2
expect 200 '.node_port == 30080' "red: PATCH the service's node port" -- \
    -X PATCH -d '{"node_port":30080}' /v1/tenants/red/services/web
expect 200 'map(.name) == ["web"] and .[0].node_port == 30080' "red: GET its services" -- \
    /v1/tenants/red/services
expect 200 '.name == "web" and (.backends | length) == 2' "red: GET its service" -- \
    /v1/tenants/red/services/web
expect 200 '.tenant == "red" and .name == "web"
            and (.backends | map(.port + ":" + (.to_port | tostring) + ":" + (.connections | tostring) + ":" + (.packets | tostring)))
                == ["e1:80:0:0", "e2:8080:0:0"]' \
    "red: GET its service's stats (no traffic yet: zeros)" -- /v1/tenants/red/services/web/stats

# Bad input: 4xx, and nothing written (nb_cfg does not move).
as=admin
req /v1/status
svc_cfg=$(jq .nb_cfg <<<"$body")
as=tenant
tok=$red_tok
expect 400 '.detail == "port 0 is out of range 1..65535"' "red: service port 0: 400" -- \
    $(post) '{"name":"w0","router":"rn","vip":"10.96.0.11","port":0}' /v1/tenants/red/services
expect 400 '.detail == "port 65536 is out of range 1..65535"' "red: service port 65536: 400" -- \
    $(post) '{"name":"w0","router":"rn","vip":"10.96.0.11","port":65536}' /v1/tenants/red/services
expect 400 '.detail == "target port 0 is out of range 1..65535"' "red: backend to_port 0: 400" -- \
    -X PATCH -d '{"to_port":0}' /v1/tenants/red/services/web/backends/nsub/e1
expect 409 '.detail == "10.96.0.10:80/tcp is already a service of router red/rn (red/web)"' \
    "red: a duplicate VIP:port/proto: 409" -- \
    $(post) '{"name":"web2","router":"rn","vip":"10.96.0.10","port":80,"proto":"tcp"}' \
    /v1/tenants/red/services
expect 409 '.detail | test("node port tcp/8080")' \
    "red: a node port that is a port mapping's host port: 409" -- \
    $(post) '{"name":"w8","router":"rn","vip":"10.96.0.12","port":80,"node_port":8080}' \
    /v1/tenants/red/services
expect 409 '.detail == "port red/nsub/e1 is already a backend of service red/web"' \
    "red: the same backend twice: 409" -- \
    $(post) '{"network":"nsub","port":"e1"}' /v1/tenants/red/services/web/backends
expect 404 '.detail == "network blue/nsub does not exist"' \
    "red: a backend in another tenant: 404" -- \
    $(post) '{"network":"blue/nsub","port":"e1"}' /v1/tenants/red/services/web/backends
expect 400 '.detail | test("unknown member")' "red: an unknown member: 400" -- \
    $(post) '{"name":"w1","router":"rn","vip":"10.96.0.13","port":80,"colour":"red"}' \
    /v1/tenants/red/services
tok=$blue_tok
expect 404 '.detail == "tenant red does not exist"' "blue: red's services are 404" -- \
    /v1/tenants/red/services/web
expect 404 '.detail == "tenant red does not exist"' "blue: red's service stats are 404" -- \
    /v1/tenants/red/services/web/stats
expect 404 '.detail == "tenant red does not exist"' "blue: DELETE red's service: 404" -- \
    -X DELETE /v1/tenants/red/services/web
expect 404 '.detail == "tenant red does not exist"' "blue: PATCH red's backend: 404" -- \
    -X PATCH -d '{"down":true}' /v1/tenants/red/services/web/backends/nsub/e1
expect 404 '.detail == "service blue/web does not exist"' "blue: no service web of its own" -- \
    /v1/tenants/blue/services/web
expect 409 '(.detail | test("red|web|rn") | not)' \
    "blue: red's node port: 409 naming nothing of red's" -- \
    $(post) '{"name":"web","router":"bn","vip":"10.96.0.10","port":80,"node_port":30080}' \
    /v1/tenants/blue/services
expect 200 '. == []' "blue: no services of its own" -- /v1/tenants/blue/services
as=admin
expect 409 '.detail == "port blue/nsub/e1 belongs to tenant blue, not red"' \
    "admin: a backend in another tenant: 409, named" -- \
    $(post) '{"network":"blue/nsub","port":"e1"}' /v1/tenants/red/services/web/backends
expect 200 ".nb_cfg == $svc_cfg" "the refused service requests wrote nothing (nb_cfg)" -- /v1/status

# weftctl --api: the same commands and output as database mode.
rc=0; out=$(ctl_api "$red_tok" -- service-add red/dns --router=rn --vip=10.96.0.10 \
    --port=53 --proto=udp 2>&1) || rc=$?
check "weftctl --api service-add ($out)" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- backend-add red/dns nsub/e2 --weight=5 --down 2>&1) || rc=$?
check "weftctl --api backend-add ($out)" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- backend-set red/dns nsub/e2 --up --port=5353 2>&1) || rc=$?
check "weftctl --api backend-set ($out)" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- service-set red/dns --node-port=30053 2>&1) || rc=$?
check "weftctl --api service-set ($out)" [ $rc = 0 ]
out=$(ctl_api "$red_tok" -- service-list red 2>&1)
check "weftctl --api service-list: '$out'" [ "$out" = "red/dns  10.96.0.10:53/udp  router rn  node-port 30053  backends 1
red/web  10.96.0.10:80/tcp  router rn  node-port 30080  backends 2" ]
out=$(ctl_api "$red_tok" -- service-show red/dns 2>&1)
check "weftctl --api service-show: '$out'" [ "$out" = "service red/dns  10.96.0.10:53/udp  router rn  node-port 30053
    backend nsub/e2  10.7.0.4:5353  weight 5  up  connections 0  packets 0" ]
rc=0; out=$(ctl_api "$red_tok" -- service-add red/bad --router=rn --vip=10.96.0.14 --port=0 2>&1) || rc=$?
check "weftctl --api service-add port 0: exit 1 with the API's message ($out)" \
    bash -c "[ $rc = 1 ] && grep -q 'port 0 is out of range 1..65535 (HTTP 400)' <<<'$out'"
rc=0; out=$(ctl_api "$blue_tok" -- service-show red/web 2>&1) || rc=$?
check "weftctl --api service-show as blue of red's service: exit 1, 404 ($out)" \
    bash -c "[ $rc = 1 ] && grep -q '(HTTP 404)' <<<'$out'"
ctl_api "" -- show >"$dir/show.txt" 2>&1 || :
check "weftctl --api show: services" bash -c "
    grep -q '^service red/web: 10.96.0.10:80/tcp  router rn  node-port 30080$' $dir/show.txt \
    && grep -q '^    backend nsub/e1  10.7.0.2:80  weight 1  up$' $dir/show.txt"
for args in "service-list" "service-list red" "service-show red/web"; do
    check "weftctl --format=json $args: the same JSON as weftctl --api --json" \
        wait_for 30 same_json "$args"
done
rc=0; out=$(ctl_api "$red_tok" -- backend-del red/dns nsub/e2 2>&1) || rc=$?
check "weftctl --api backend-del ($out)" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- service-del red/dns 2>&1) || rc=$?
check "weftctl --api service-del ($out)" [ $rc = 0 ]
as=tenant
tok=$red_tok
expect 204 '' "red: DELETE a backend" -- -X DELETE /v1/tenants/red/services/web/backends/nsub/e2
expect 404 '' "red: ...again: 404" -- -X DELETE /v1/tenants/red/services/web/backends/nsub/e2
expect 200 '.node_port == null' "red: PATCH {\"node_port\": null} removes it" -- \
    -X PATCH -d '{"node_port":null}' /v1/tenants/red/services/web
expect 204 '' "red: DELETE its service" -- -X DELETE /v1/tenants/red/services/web
expect 200 '. == []' "red: no services left" -- /v1/tenants/red/services
as=admin

# --- security groups (issue #15): groups, rules, members; tenants kept
# apart (another tenant's group: 404); bad input writes nothing -----------
as=tenant
tok=$red_tok
expect 201 '. == {"name":"web","tenant":"red","rules":[],"members":[]}' \
    "red: POST a security group" -- $(post) '{"name":"web"}' /v1/tenants/red/security-groups
expect 201 '. == {"name":"db","tenant":"red","rules":[],"members":[]}' \
    "red: POST a second group" -- $(post) '{"name":"db"}' /v1/tenants/red/security-groups
expect 201 '. == {"id":1,"direction":"ingress","proto":"tcp","ports":"80","remote_cidr":"10.7.0.0/24","remote_group":null}' \
    "red: POST a rule: 201 with the rule and its id" -- \
    $(post) '{"direction":"ingress","proto":"tcp","ports":"80","remote_cidr":"10.7.0.0/24"}' \
    /v1/tenants/red/security-groups/web/rules
expect 201 '. == {"id":2,"direction":"egress","proto":"any","ports":null,"remote_cidr":null,"remote_group":null}' \
    "red: POST a rule with defaults (proto any, every port, any remote)" -- \
    $(post) '{"direction":"egress"}' /v1/tenants/red/security-groups/web/rules
expect 201 '. == {"id":3,"direction":"ingress","proto":"udp","ports":"8000-8080","remote_cidr":null,"remote_group":"db"}' \
    "red: POST a rule with a port range and a remote group" -- \
    $(post) '{"direction":"ingress","proto":"udp","ports":"8000-8080","remote_group":"db"}' \
    /v1/tenants/red/security-groups/web/rules
expect 201 '.id == 4 and .remote_cidr == "fd00:7::/64" and .proto == "icmp"' \
    "red: POST a rule with an IPv6 prefix, in the other group (ids are the tenant's)" -- \
    $(post) '{"direction":"ingress","proto":"icmp","remote_cidr":"fd00:7::/64"}' \
    /v1/tenants/red/security-groups/db/rules
expect 201 '.members == [{"network":"nsub","port":"e1"}]' "red: POST a member: the group" -- \
    $(post) '{"network":"nsub","port":"e1"}' /v1/tenants/red/security-groups/web/members
expect 200 '.security_groups == ["web"]' "red: the port lists its group" -- \
    /v1/tenants/red/networks/nsub/ports/e1
expect 200 '.security_groups == []' "red: a port in no group lists none" -- \
    /v1/tenants/red/networks/nsub/ports/e2
expect 200 'map(.name) == ["db","web"] and (.[1].rules | map(.id)) == [1,2,3]' \
    "red: GET its groups" -- /v1/tenants/red/security-groups
expect 200 '.name == "web" and (.rules | length) == 3 and .members == [{"network":"nsub","port":"e1"}]' \
    "red: GET its group" -- /v1/tenants/red/security-groups/web
expect 200 '(.rules | map([.id, .packets, .bytes])) == [[1,0,0],[2,0,0],[3,0,0]]
            and .default_deny == {"ingress":0,"egress":0}' \
    "red: GET its group's stats (no traffic: zeros)" -- /v1/tenants/red/security-groups/web/stats

# Bad input: 4xx, and nothing written (nb_cfg does not move).
as=admin
req /v1/status
sg_cfg=$(jq .nb_cfg <<<"$body")
as=tenant
tok=$red_tok
sg_bad() {  # sg_bad STATUS JQ NAME BODY: a refused rule of red/web
    expect "$1" "$2" "red: $3: $1" -- $(post) "$4" /v1/tenants/red/security-groups/web/rules
}
expect 409 '.detail == "security group red/web already exists"' "red: a duplicate group: 409" -- \
    $(post) '{"name":"web"}' /v1/tenants/red/security-groups
expect 400 '.detail | test("invalid .*name")' "red: a bad group name: 400" -- \
    $(post) '{"name":"a b"}' /v1/tenants/red/security-groups
sg_bad 409 '.detail | test("(^|[^0-9])1([^0-9]|$)")' "an identical rule (409 with its id)" \
    '{"direction":"ingress","proto":"tcp","ports":"80","remote_cidr":"10.7.0.0/24"}'
sg_bad 400 '.detail == "member \"direction\" is required"' "no direction" '{"proto":"tcp"}'
sg_bad 400 '.detail | test("sideways")' "direction sideways" '{"direction":"sideways"}'
sg_bad 400 '.detail | test("sctp")' "proto sctp" '{"direction":"ingress","proto":"sctp"}'
sg_bad 400 '.detail == "ports need proto tcp or udp"' "ports with icmp" \
    '{"direction":"ingress","proto":"icmp","ports":"80"}'
sg_bad 400 '.detail == "ports need proto tcp or udp"' "ports without a proto" \
    '{"direction":"ingress","ports":"80"}'
sg_bad 400 '.detail | test("0")' "port 0" '{"direction":"ingress","proto":"tcp","ports":"0"}'
sg_bad 400 '.detail | test("65536")' "port 65536" \
    '{"direction":"ingress","proto":"tcp","ports":"65536"}'
sg_bad 400 '.detail | test("90-80")' "ports 90-80 (reversed)" \
    '{"direction":"ingress","proto":"tcp","ports":"90-80"}'
sg_bad 400 '.detail | test("eighty")' "ports eighty" \
    '{"direction":"ingress","proto":"tcp","ports":"eighty"}'
sg_bad 400 '.detail == "10.7.0.1/24 has host bits set; did you mean 10.7.0.0/24?"' \
    "a prefix with host bits" '{"direction":"ingress","remote_cidr":"10.7.0.1/24"}'
sg_bad 400 '.detail | test("10.7.0.0/33")' "a prefix /33" \
    '{"direction":"ingress","remote_cidr":"10.7.0.0/33"}'
sg_bad 400 '.detail | test("remote")' "both remotes" \
    '{"direction":"ingress","remote_cidr":"10.7.0.0/24","remote_group":"db"}'
sg_bad 404 '.detail | test("nope")' "an unknown remote group" \
    '{"direction":"ingress","remote_group":"nope"}'
sg_bad 400 '.detail == "unknown member \"port\""' "an unknown member" \
    '{"direction":"ingress","port":80}'
expect 409 '.detail | test("member")' "red: the same member twice: 409" -- \
    $(post) '{"network":"nsub","port":"e1"}' /v1/tenants/red/security-groups/web/members
expect 404 '.detail == "network blue/nsub does not exist"' "red: a member in another tenant: 404" -- \
    $(post) '{"network":"blue/nsub","port":"e1"}' /v1/tenants/red/security-groups/web/members
expect 404 '' "red: a port that does not exist: 404" -- \
    $(post) '{"network":"nsub","port":"nope"}' /v1/tenants/red/security-groups/web/members
expect 404 '.detail == "rule 9 not found in security group red/web"' "red: DELETE rule 9: 404" -- \
    -X DELETE /v1/tenants/red/security-groups/web/rules/9
expect 404 '' "red: DELETE rule 4 through the wrong group: 404" -- \
    -X DELETE /v1/tenants/red/security-groups/web/rules/4
expect 404 '' "red: DELETE a member that is not one: 404" -- \
    -X DELETE /v1/tenants/red/security-groups/web/members/nsub/e2
expect 409 '.detail | test("has 1 member")' "red: DELETE a group with members: 409" -- \
    -X DELETE /v1/tenants/red/security-groups/web
expect 409 '.detail | test("remote of rule red/web#3")' "red: DELETE a group that is a rule's remote: 409" -- \
    -X DELETE /v1/tenants/red/security-groups/db
tok=$blue_tok
expect 404 '.detail == "tenant red does not exist"' "blue: red's group is 404" -- \
    /v1/tenants/red/security-groups/web
expect 404 '.detail == "tenant red does not exist"' "blue: red's group stats are 404" -- \
    /v1/tenants/red/security-groups/web/stats
expect 404 '.detail == "tenant red does not exist"' "blue: POST a rule to red's group: 404" -- \
    $(post) '{"direction":"ingress"}' /v1/tenants/red/security-groups/web/rules
expect 404 '.detail == "tenant red does not exist"' "blue: DELETE red's member: 404" -- \
    -X DELETE /v1/tenants/red/security-groups/web/members/nsub/e1
expect 404 '.detail == "tenant red does not exist"' "blue: DELETE red's group: 404" -- \
    -X DELETE /v1/tenants/red/security-groups/web
expect 404 '.detail == "security group blue/web does not exist"' "blue: no group web of its own" -- \
    /v1/tenants/blue/security-groups/web
expect 200 '. == []' "blue: no groups of its own" -- /v1/tenants/blue/security-groups
expect 201 '.tenant == "blue"' "blue: a group of its own" -- \
    $(post) '{"name":"x"}' /v1/tenants/blue/security-groups
expect 404 '(.detail | test("red") | not)' \
    "blue: a rule whose remote is red's group web: 404, naming nothing of red's" -- \
    $(post) '{"direction":"ingress","remote_group":"web"}' /v1/tenants/blue/security-groups/x/rules
expect 404 '.detail == "network red/nsub does not exist"' "blue: red's port as a member: 404" -- \
    $(post) '{"network":"red/nsub","port":"e1"}' /v1/tenants/blue/security-groups/x/members
expect 201 '.rules == []' "blue: the same group name as red's is its own" -- \
    $(post) '{"name":"web"}' /v1/tenants/blue/security-groups
as=admin
expect 200 ".nb_cfg == $((sg_cfg + 2))" "the refused group requests wrote nothing (nb_cfg: only blue's groups)" -- /v1/status

# weftctl --api: the same commands and output as database mode.
rc=0; out=$(ctl_api "$red_tok" -- sg-add red/app 2>&1) || rc=$?
check "weftctl --api sg-add ($out)" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- sg-rule-add red/app --direction=ingress --proto=tcp \
    --ports=8080 --remote-group=app 2>&1) || rc=$?
check "weftctl --api sg-rule-add prints the new id: '$out'" [ $rc = 0 -a "$out" = 5 ]
rc=0; out=$(ctl_api "$red_tok" -- sg-member-add red/app nsub/e2 2>&1) || rc=$?
check "weftctl --api sg-member-add ($out)" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- sg-rule-add red/app --direction=ingress --proto=icmp \
    --ports=80 2>&1) || rc=$?
check "weftctl --api sg-rule-add --proto=icmp --ports=80: exit 1, 400 ($out)" \
    bash -c "[ $rc = 1 ] && grep -q 'ports need proto tcp or udp (HTTP 400)' <<<'$out'"
rc=0; out=$(ctl_api "$red_tok" -- sg-member-add red/app nsub 2>&1) || rc=$?
check "weftctl --api sg-member-add red/app nsub: usage error ($out)" \
    bash -c '[ "$1" = 2 ] && grep -q "expected NET/PORT" <<<"$2"' _ "$rc" "$out"
out=$(ctl_api "$red_tok" -- sg-list red 2>&1)
check "weftctl --api sg-list: '$out'" [ "$out" = "red/app  rules 1  members 1
red/db  rules 1  members 0
red/web  rules 3  members 1" ]
out=$(ctl_api "$red_tok" -- sg-show red/web 2>&1)
check "weftctl --api sg-show: '$out'" [ "$out" = "security group red/web
    rule 1  ingress  tcp/80  from 10.7.0.0/24  cookie 0x5700010000020001  packets 0
    rule 2  egress  any  to any  cookie 0x5700010000020002  packets 0
    rule 3  ingress  udp/8000-8080  from group db  cookie 0x5700010000020003  packets 0
    member nsub/e1
    default deny  ingress packets 0  egress packets 0" ]
out=$(ctl_api "$red_tok" -- port-show red/nsub/e2 2>&1)
check "weftctl --api port-show lists the port's groups: '$out'" \
    bash -c "grep -q '^red/nsub/e2  host h1 .*  groups app$' <<<'$out'"
rc=0; out=$(ctl_api "$blue_tok" -- sg-show red/web 2>&1) || rc=$?
check "weftctl --api sg-show as blue of red's group: exit 1, 404 ($out)" \
    bash -c "[ $rc = 1 ] && grep -q '(HTTP 404)' <<<'$out'"
for args in "sg-list" "sg-list red" "sg-show red/web" "port-show red/nsub/e1"; do
    check "weftctl --format=json $args: the same JSON as weftctl --api --json" \
        wait_for 30 same_json "$args"
done
rc=0; out=$(ctl_api "$red_tok" -- sg-member-del red/app nsub/e2 2>&1) || rc=$?
check "weftctl --api sg-member-del ($out)" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- sg-rule-del red/app 5 2>&1) || rc=$?
check "weftctl --api sg-rule-del ($out)" [ $rc = 0 ]
rc=0; out=$(ctl_api "$red_tok" -- sg-del red/app 2>&1) || rc=$?
check "weftctl --api sg-del ($out)" [ $rc = 0 ]

# IPv6 addresses on a port: in "ips", beside the allocated IPv4 address.
as=tenant
tok=$red_tok
expect 201 '(.ips | length) == 2 and (.ips | index("fd00:7::6")) != null
            and (.ips | map(select(test("^10\\.7\\.0\\."))) | length) == 1' \
    "red: a port with an IPv6 address gets an IPv4 one allocated too" -- \
    $(post) '{"name":"e6","host":"h1","iface":"t4e6","mac":"02:00:00:00:07:06","ips":["fd00:7::6"]}' \
    /v1/tenants/red/networks/nsub/ports
expect 400 '.detail | test("fe80::1")' "red: a link-local IPv6 address: 400" -- \
    $(post) '{"name":"e7","host":"h1","iface":"t4e7","mac":"02:00:00:00:07:07","ips":["fe80::1"]}' \
    /v1/tenants/red/networks/nsub/ports
expect 204 '' "red: DELETE it" -- -X DELETE /v1/tenants/red/networks/nsub/ports/e6

# The counters, end to end: red/net/a (a real veth on h1) joins group cnt,
# whose one rule lets icmp out; frames sent from a: the icmp ones count on
# the rule (its conj_id row), the udp ones on a's default deny (egress).
send_from_a() {     # send_from_a icmp|udp N: N IPv4 frames from a's MAC and IP
    ip netns exec "$ns" python3 - "$1" "$2" <<'PY'
import socket, struct, sys
proto, n = sys.argv[1], int(sys.argv[2])
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind(('t4a-peer', 0))
for i in range(n):
    if proto == 'icmp':
        l4 = struct.pack('!BBHHH', 8, 0, 0, 0x77, i) + b'weft'
        l4 = l4[:2] + struct.pack('!H', csum(l4)) + l4[4:]
    else:
        l4 = struct.pack('!HHHH', 40000 + i, 9999, 12, 0) + b'weft'
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), i, 0, 64,
                     1 if proto == 'icmp' else 17, 0,
                     socket.inet_aton('10.0.0.1'), socket.inet_aton('10.0.0.2'))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    sock.send(bytes.fromhex('ffffffffffff020000000001') + b'\x08\x00' + ip + l4)
PY
}
expect 201 '.name == "cnt"' "red: POST group cnt" -- $(post) '{"name":"cnt"}' /v1/tenants/red/security-groups
expect 201 '.direction == "egress" and .proto == "icmp"' "red: POST cnt's rule: egress icmp" -- \
    $(post) '{"direction":"egress","proto":"icmp"}' /v1/tenants/red/security-groups/cnt/rules
cnt_id=$(jq .id <<<"$body")
expect 201 '.members == [{"network":"net","port":"a"}]' "red: POST member net/a, ?wait=installed" -- \
    $(post) '{"network":"net","port":"a"}' \
    '/v1/tenants/red/security-groups/cnt/members?wait=installed&timeout=120'
send_from_a icmp 3
send_from_a udp 2
cnt_counted() {
    req /v1/tenants/red/security-groups/cnt/stats
    jq -e --argjson id "$cnt_id" '(.rules | map([.id, .packets])) == [[$id, 3]] and .rules[0].bytes > 0
                                   and .default_deny == {"ingress": 0, "egress": 2}' \
        <<<"$body" >/dev/null
}
rc=0; wait_for 60 cnt_counted || rc=$?
check "red: GET cnt's stats: 3 packets on the rule, 2 on the default deny ($body)
$(ovs-ofctl -O OpenFlow15 dump-flows unix:"$dir/br-int.mgmt" | grep -v 'n_packets=0,')" [ $rc = 0 ]
out=$(ctl_api "$red_tok" -- sg-show red/cnt 2>&1)
check "weftctl --api sg-show: the same counters: '$out'" \
    bash -c 'grep -q "^    rule $1  egress  icmp  to any  cookie 0x57000100000200.*  packets 3$" <<<"$2" \
             && grep -q "^    default deny  ingress packets 0  egress packets 2$" <<<"$2"' _ "$cnt_id" "$out"
out=$("$weftctl" --db=unix:"$dir/weft.sock" sg-show red/cnt 2>&1)
check "weftctl sg-show (database mode): the same counters: '$out'" \
    bash -c 'grep -q "packets 3$" <<<"$2" && grep -q "egress packets 2$" <<<"$2"' _ "$cnt_id" "$out"
expect 204 '' "red: DELETE cnt's member" -- -X DELETE /v1/tenants/red/security-groups/cnt/members/net/a
expect 204 '' "red: DELETE cnt" -- -X DELETE /v1/tenants/red/security-groups/cnt

# Delete the groups: members first, then the group that others name last.
expect 204 '' "red: DELETE a member" -- -X DELETE /v1/tenants/red/security-groups/web/members/nsub/e1
expect 404 '' "red: ...again: 404" -- -X DELETE /v1/tenants/red/security-groups/web/members/nsub/e1
expect 200 '.security_groups == []' "red: the port lists no group" -- \
    /v1/tenants/red/networks/nsub/ports/e1
expect 204 '' "red: DELETE a rule" -- -X DELETE /v1/tenants/red/security-groups/web/rules/3
expect 404 '.detail == "rule 3 not found in security group red/web"' "red: ...again: 404" -- \
    -X DELETE /v1/tenants/red/security-groups/web/rules/3
expect 204 '' "red: DELETE group web (with its rules)" -- -X DELETE /v1/tenants/red/security-groups/web
expect 204 '' "red: DELETE group db" -- -X DELETE /v1/tenants/red/security-groups/db
expect 200 '. == []' "red: no groups left" -- /v1/tenants/red/security-groups
check "...and no Security_Rule rows of red's left (blue has none)" \
    bash -c "[ \$(ovsdb-client dump unix:$dir/weft.sock Security_Rule | grep -c ingress) = 0 ]"
tok=$blue_tok
expect 204 '' "blue: DELETE its groups" -- -X DELETE /v1/tenants/blue/security-groups/web
expect 204 '' "blue: ...both" -- -X DELETE /v1/tenants/blue/security-groups/x
as=admin

# Delete it all again: the mapping, the floating IPs, the pool, the
# external side.
as=tenant
tok=$red_tok
expect 204 '' "red: DELETE its port mapping by host, protocol and host port" -- \
    -X DELETE /v1/tenants/red/port-mappings/h1/tcp/8080
expect 404 '' "red: ...again: 404" -- -X DELETE /v1/tenants/red/port-mappings/h1/tcp/8080
req /v1/tenants/red/floating-ips
for fip in $(jq -r '.[].ip' <<<"$body"); do
    expect 204 '' "red: DELETE floating IP $fip" -- -X DELETE /v1/tenants/red/floating-ips/$fip
done
expect 404 '' "red: ...gone" -- /v1/tenants/red/floating-ips/192.168.100.97
as=admin
expect 204 '' "DELETE /v1/pools/ext" -- -X DELETE /v1/pools/ext
expect 200 '.external == null' "PATCH {\"external\": null} removes h1's external side" -- \
    -X PATCH -d '{"external":null}' /v1/hosts/h1

report
