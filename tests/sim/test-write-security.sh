#!/usr/bin/env bash
# test-write-security: the security group requests (#15) and IPv6 port
# addresses through the shared write layer (topology/validate-security.c,
# ovsdb/weft-write-security.c, weft-txn.c), without a front end:
# tests/weft-req runs one 'struct weft_request' as weftctl and the REST API
# do.  For each op: the rows it writes, in canonical text (rule ids lowest
# free per tenant, flow keys lowest free overall, remote_cidr "N/LEN");
# every bad input refused with its kind and message and nothing written; a
# tenant never told about another tenant's objects; the refusals while in
# use (sg-del with members or named as a remote, tenant-del with groups);
# concurrent rule adds, to one tenant and to two, all get distinct ids and
# keys (Tenant weft-sg-gen, and every write's nb_cfg).  weftd
# runs with --self-check and patches every change in place.
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

export WEFT_WEFTD_OPTS=--self-check
sim_start 2

db=unix:$SIM_DIR/weft.sock
log=$SIM_DIR/weftd.log
req() { "$sim_build/tests/weft-req" "$db" "$@"; }

# What security state the database holds (and what the refusals touch).
sg_rows() {
    ovsdb-client dump "$db" Weft Security_Group name rules external_ids
    ovsdb-client dump "$db" Weft Security_Rule rule_id flow_key direction \
        proto port_min port_max remote_cidr remote_group
    ovsdb-client dump "$db" Weft Port name ips security_groups
    ovsdb-client dump "$db" Weft Tenant name external_ids
}
# refused KIND MESSAGE REQ-ARGS...: the request fails with exactly
# "KIND: MESSAGE" and the database is unchanged.
refused() {
    local want="$1: $2" got before after
    shift 2
    before=$(sg_rows)
    if got=$(req "$@" 2>&1); then
        bad "refused: $* (it was accepted: $got)"
        return
    fi
    after=$(sg_rows)
    if [ "$got" != "$want" ]; then
        bad "refused: $*: \"$want\" (got \"$got\")"
    elif [ "$before" != "$after" ]; then
        bad "refused: $*: but something was written"
    else
        ok "refused: $*: $want"
    fi
}
accepted() {    # accepted REQ-ARGS...: the request succeeds
    local got
    if got=$(req "$@" 2>&1); then ok "accepted: $*"; else bad "accepted: $* ($got)"; fi
}
# rule_add EXPECTED-ID REQ-ARGS...: sg-rule-add prints the new rule's id.
rule_add() {
    local want=$1 got
    shift
    if got=$(req sg-rule-add "$@" 2>&1) && [ "$got" = "$want" ]; then
        ok "sg-rule-add $*: rule $want"
    else
        bad "sg-rule-add $*: rule $want (got: $got)"
    fi
}
col() {         # col TABLE WHERE-COLUMN VALUE COLUMN: one value, as JSON
    ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"select\",\"table\":\"$1\",\
\"where\":[[\"$2\",\"==\",$3]],\"columns\":[\"$4\"]}]" | jq -c ".[0].rows[0].$4"
}
uuid_of() { col "$1" name "\"$2\"" _uuid | jq -r '.[1]'; }
# rule ID-JSON-WHERE: "direction proto port_min port_max remote_cidr
# remote_group-name rule_id" of the rule with flow_key KEY.
rule_by_key() {
    local k=$1 g
    g=$(col Security_Rule flow_key "$k" remote_group | jq -r 'if .[0]=="uuid" then .[1] else "" end')
    if [ -n "$g" ]; then
        g=$(ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"select\",\"table\":\"Security_Group\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"$g\"]]],\"columns\":[\"name\"]}]" | jq -r '.[0].rows[0].name')
    fi
    echo "$(col Security_Rule flow_key "$k" direction) $(col Security_Rule flow_key "$k" proto)" \
         "$(col Security_Rule flow_key "$k" port_min) $(col Security_Rule flow_key "$k" port_max)" \
         "$(col Security_Rule flow_key "$k" remote_cidr) ${g:--} $(col Security_Rule flow_key "$k" rule_id)"
}
sg_n_rules() {  # sg_n_rules TENANT GROUP: how many rules the group holds
    ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"select\",\"table\":\"Security_Group\",\
\"where\":[[\"name\",\"==\",\"$2\"],[\"tenant\",\"==\",[\"uuid\",\"$(uuid_of Tenant "$1")\"]]],\
\"columns\":[\"rules\"]}]" | jq '.[0].rows[0].rules | if .[0]=="set" then (.[1]|length) else 1 end'
}
n_rules() { ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Security_Rule","where":[],"columns":["flow_key"]}]' | jq '.[0].rows|length'; }
members() {     # members GROUP-NAME: the names of the ports that hold red's
    local t g   # group of that name, sorted (blue has groups of the same names)
    t=$(uuid_of Tenant red)
    g=$(ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"select\",\"table\":\"Security_Group\",\"where\":[[\"name\",\"==\",\"$1\"],[\"tenant\",\"==\",[\"uuid\",\"$t\"]]],\"columns\":[\"_uuid\"]}]" \
        | jq -r '.[0].rows[0]._uuid[1] // empty')
    [ -n "$g" ] || return 0
    ovsdb-client transact "$db" "[\"Weft\",{\"op\":\"select\",\"table\":\"Port\",\"where\":[[\"security_groups\",\"includes\",[\"uuid\",\"$g\"]]],\"columns\":[\"name\"]}]" \
        | jq -r '[.[0].rows[].name]|sort|join(",")'
}
weftd_ok() {
    pid_alive "$(pidfile_pid "$SIM_DIR/weftd.pid")" \
        && ctl --timeout=120 sync >/dev/null \
        && ! grep -q -- '--self-check:' "$log"
}

ctl tenant-add red
ctl tenant-add blue
ctl net-add red/vx --type=vxlan --segment=100 --cidr=10.0.0.0/24
ctl net-add red/l2 --type=vxlan --segment=101
ctl net-add blue/bx --type=vxlan --segment=200 --cidr=10.0.0.0/24
ctl port-add red/vx/a1 --host=h1 --iface=a1 --mac=02:00:00:00:0a:01 >/dev/null
ctl port-add red/vx/a2 --host=h2 --iface=a2 --mac=02:00:00:00:0a:02 >/dev/null
ctl port-add blue/bx/b1 --host=h1 --iface=b1 --mac=02:00:00:00:0b:01 >/dev/null

# --- IPv6 addresses of ports (PORT_ADD) -------------------------------------
p6=(port-add red vx v1 host=h1 iface=v1 mac=02:00:00:00:0a:11)
refused invalid "invalid IP \"2001:db8::zz\": expected an IPv6 address X:X::X or X:X::X/LEN" "${p6[@]}" ip=2001:db8::zz
refused invalid "IP fe80::1 is link-local (fe80::/10; a port's link-local address comes from its MAC)" "${p6[@]}" ip=fe80::1
refused invalid "IP ff02::1 is multicast" "${p6[@]}" ip=ff02::1
refused invalid "IP :: is the unspecified address" "${p6[@]}" ip=::
refused invalid "IP ::1 is the loopback address" "${p6[@]}" ip=::1
refused invalid "IP ::ffff:10.0.0.9 is IPv4-mapped (give the IPv4 address itself)" "${p6[@]}" ip=::ffff:10.0.0.9
refused invalid "IP 2001:db8::5 is given twice" "${p6[@]}" ip=2001:db8::5 ip=2001:DB8:0::5
accepted "${p6[@]}" ip=2001:DB8:0:0::5/64
check "v1: an IPv6 address given, IPv4 still allocated, canonical text" \
    [ "$(col Port name '"v1"' ips)" = '["set",["10.0.0.4","2001:db8::5"]]' ]
refused conflict "duplicate IP 2001:db8::5 in network red/vx (port red/vx/v1)" \
    port-add red vx v2 host=h2 iface=v2 mac=02:00:00:00:0a:12 ip=2001:db8::5
accepted port-add red vx v2 host=h2 iface=v2 mac=02:00:00:00:0a:12 ip=10.0.0.20 ip=2001:db8::6 ip=2001:db8::7
check "v2: both families kept" \
    [ "$(col Port name '"v2"' ips | jq -c '.[1]|sort')" = '["10.0.0.20","2001:db8::6","2001:db8::7"]' ]
accepted port-add red l2 v3 host=h1 iface=v3 mac=02:00:00:00:0a:13 ip=2001:db8::5
check "v3 (no subnet): only its IPv6 address" [ "$(col Port name '"v3"' ips)" = '"2001:db8::5"' ]
ctl tenant-set red --max-ips-per-port=2
refused conflict "quota exceeded: tenant red may have at most 2 IPs per port" \
    port-add red vx v4 host=h1 iface=v4 mac=02:00:00:00:0a:14 ip=10.0.0.30 ip=2001:db8::8 ip=2001:db8::9
ctl tenant-set red --max-ips-per-port=default
check "weftd patched the IPv6 ports, its self-check passed" weftd_ok

# --- sg-add / sg-del ---------------------------------------------------------
refused invalid "invalid security group name \"-x\": must not start with '-'" sg-add red -x
refused "not found" "tenant green does not exist" sg-add green web
accepted sg-add red web
accepted sg-add red db
accepted sg-add blue web
check "groups written with their tenant" \
    [ "$(col Security_Group name '"db"' tenant | jq -r '.[1]')" = "$(uuid_of Tenant red)" ]
refused conflict "security group red/web already exists" sg-add red web
refused "not found" "security group red/nope does not exist" sg-del red nope

# --- sg-rule-add: values -------------------------------------------------------
refused invalid "direction is required" sg-rule-add red web
refused invalid "invalid direction \"in\": expected ingress or egress" sg-rule-add red web direction=in
refused invalid "invalid proto \"sctp\": expected tcp, udp, icmp or any" sg-rule-add red web direction=ingress proto=sctp
refused invalid "ports need proto tcp or udp" sg-rule-add red web direction=ingress ports=80
refused invalid "ports need proto tcp or udp" sg-rule-add red web direction=ingress proto=icmp ports=80
refused invalid "invalid ports \"80-\": expected N or N-M (1..65535)" sg-rule-add red web direction=ingress proto=tcp ports=80-
refused invalid "invalid ports \"x\": expected N or N-M (1..65535)" sg-rule-add red web direction=ingress proto=tcp ports=x
refused invalid "port 0 is out of range 1..65535" sg-rule-add red web direction=ingress proto=tcp ports=0
refused invalid "port 70000 is out of range 1..65535" sg-rule-add red web direction=ingress proto=udp ports=1-70000
refused invalid "invalid ports \"90-80\": the first port is above the last" sg-rule-add red web direction=ingress proto=tcp ports=90-80
refused invalid "10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24?" sg-rule-add red web direction=ingress remote_cidr=10.0.0.1/24
refused invalid "2001:db8::1/64 has host bits set; did you mean 2001:db8::/64?" sg-rule-add red web direction=ingress remote_cidr=2001:db8::1/64
refused invalid "invalid remote CIDR \"10.0.0.0/33\": expected an IPv4 or IPv6 prefix (A.B.C.D/LEN or X:X::/LEN)" \
    sg-rule-add red web direction=ingress remote_cidr=10.0.0.0/33
refused invalid "invalid remote CIDR \"banana\": expected an IPv4 or IPv6 prefix (A.B.C.D/LEN or X:X::/LEN)" \
    sg-rule-add red web direction=ingress remote_cidr=banana
refused invalid "give a remote CIDR or a remote group, not both" sg-rule-add red web direction=ingress remote_cidr=10.0.0.0/24 remote_group=db
refused "not found" "security group red/nope does not exist" sg-rule-add red nope direction=ingress
refused "not found" "security group red/nope does not exist" sg-rule-add red web direction=ingress remote_group=nope
# blue has a group "web"; red's rule cannot name it, and is not told it exists.
refused "not found" "security group red/bweb does not exist" sg-rule-add red web direction=ingress remote_group=bweb --tenant-view

# --- sg-rule-add: rows ---------------------------------------------------------
rule_add 1 red web direction=ingress proto=tcp ports=80 remote_cidr=10.0.0.0/24
check "rule 1: key 1, canonical" [ "$(rule_by_key 1)" = '"ingress" "tcp" 80 80 "10.0.0.0/24" - 1' ]
rule_add 2 red web direction=ingress proto=udp ports=8000-8080 remote_cidr=2001:DB8:0::/48
check "rule 2: key 2, IPv6 prefix canonical" [ "$(rule_by_key 2)" = '"ingress" "udp" 8000 8080 "2001:db8::/48" - 2' ]
rule_add 3 red web direction=egress
check "rule 3: proto any, no port, no remote" \
    [ "$(rule_by_key 3)" = '"egress" "any" ["set",[]] ["set",[]] ["set",[]] - 3' ]
rule_add 4 red db direction=ingress proto=tcp ports=5432 remote_group=web
check "rule 4 (red/db): remote group web" [ "$(rule_by_key 4)" = '"ingress" "tcp" 5432 5432 ["set",[]] web 4' ]
rule_add 5 red web direction=ingress proto=icmp remote_group=web
check "rule 5: a group may be its own remote" [ "$(rule_by_key 5)" = '"ingress" "icmp" ["set",[]] ["set",[]] ["set",[]] web 5' ]
rule_add 6 red web direction=ingress remote_cidr=10.0.0.7
check "rule 6: a bare address is a host prefix" [ "$(col Security_Rule rule_id 6 remote_cidr)" = '"10.0.0.7/32"' ]
# Ids are per tenant, keys overall.
rule_add 1 blue web direction=ingress proto=tcp ports=80
check "blue's rule 1 has key 7" [ "$(col Security_Rule flow_key 7 rule_id)" = 1 ]
refused conflict "security group red/web already has this rule (rule 1)" \
    sg-rule-add red web direction=ingress proto=tcp ports=80-80 remote_cidr=10.0.0.0/24
refused conflict "security group red/web already has this rule (rule 3)" \
    sg-rule-add red web direction=egress proto=any
check "group red/web holds its 5 rules" [ "$(sg_n_rules red web)" = 5 ]

# --- sg-rule-del ---------------------------------------------------------------
refused invalid "rule id is required" sg-rule-del red web
refused invalid "invalid rule id \"x\": expected a number 1..65535" sg-rule-del red web rule_id=x
refused invalid "invalid rule id \"0\": expected a number 1..65535" sg-rule-del red web rule_id=0
refused "not found" "rule 7 not found in security group red/web" sg-rule-del red web rule_id=7
refused "not found" "rule 4 not found in security group red/web" sg-rule-del red web rule_id=4
accepted sg-rule-del red web rule_id=2
check "rule 2's row is gone" [ "$(col Security_Rule rule_id 2 flow_key)" = null ]
rule_add 2 red web direction=egress proto=tcp ports=443
check "the freed id and key are taken again" [ "$(col Security_Rule flow_key 2 rule_id)" = 2 ]

# --- members -------------------------------------------------------------------
refused invalid "network is required" sg-member-add red web port_name=a1
refused invalid "port is required" sg-member-add red web network=vx
refused "not found" "port red/vx/zz does not exist" sg-member-add red web network=vx port_name=zz
refused "not found" "network red/nope does not exist" sg-member-add red web network=nope port_name=a1
refused "not found" "port blue/bx/b1 belongs to tenant blue, not red" sg-member-add red web network=blue/bx port_name=b1
refused "not found" "network blue/bx does not exist" sg-member-add red web network=blue/bx port_name=b1 --tenant-view
refused "not found" "security group red/nope does not exist" sg-member-add red nope network=vx port_name=a1
accepted sg-member-add red web network=vx port_name=a1
accepted sg-member-add red web network=red/vx port_name=a2
accepted sg-member-add red db network=vx port_name=a1
check "web's members a1, a2" [ "$(members web)" = a1,a2 ]
refused conflict "port red/vx/a1 is already a member of security group red/web" sg-member-add red web network=vx port_name=a1
refused "not found" "port red/vx/v1 is not a member of security group red/web" sg-member-del red web network=vx port_name=v1
check "weftd patched groups, rules and members, its self-check passed" weftd_ok

# --- in use ----------------------------------------------------------------------
refused conflict "security group red/web has 2 members: remove them first" sg-del red web
refused conflict "tenant red still has 2 networks and 2 security groups" tenant-del red
accepted sg-member-del red web network=vx port_name=a2
check "web's member a1 only" [ "$(members web)" = a1 ]
accepted port-del red vx a1
check "a deleted port leaves its groups" [ "$(members web)$(members db)" = "" ]
refused conflict "security group red/web is the remote of rule red/db#4" sg-del red web
accepted sg-del red db
accepted sg-del red web
check "sg-del deleted the groups' rule rows (blue's one left)" [ "$(n_rules)" = 1 ]
accepted sg-del blue web
check "weftd patched all of it, its self-check passed" weftd_ok

# --- concurrent writers ----------------------------------------------------------
# Six rule adds to red and four to blue at once: ids per tenant, keys
# overall, none taken twice (each retry validates again).
accepted sg-add red par
accepted sg-add blue par
pids=()
for i in 1 2 3 4 5 6; do
    req sg-rule-add red par direction=ingress proto=tcp ports=$((1000 + i)) >"$SIM_DIR/par.$i" 2>&1 &
    pids+=($!)
done
for i in 1 2 3 4; do
    req sg-rule-add blue par direction=egress proto=udp ports=$((2000 + i)) >"$SIM_DIR/bpar.$i" 2>&1 &
    pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
check "10 concurrent sg-rule-adds all succeeded" [ "$fails" = 0 ]
check "red's got ids 1..6, each once" [ "$(cat "$SIM_DIR"/par.* | sort -n | tr '\n' ' ')" = "1 2 3 4 5 6 " ]
check "blue's got ids 1..4, each once" [ "$(cat "$SIM_DIR"/bpar.* | sort -n | tr '\n' ' ')" = "1 2 3 4 " ]
check "the 10 rules have 10 distinct flow keys, 1..10" \
    [ "$(ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Security_Rule","where":[],"columns":["flow_key"]}]' | jq -c '[.[0].rows[].flow_key]|sort')" = '[1,2,3,4,5,6,7,8,9,10]' ]
check "the tenant's weft-sg-gen counts every write" \
    [ "$(col Tenant name '"red"' external_ids | jq -r '.[1][]|select(.[0]=="weft-sg-gen")|.[1]')" -ge 6 ]
check "weftd patched all of it, its self-check passed" weftd_ok

sim_finish
