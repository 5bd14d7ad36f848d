#!/usr/bin/env bash
# test-acl: security groups in flows (ofproto/pipeline.h "Policy", tables
# 12 ACL_OUT and 34 ACL_IN, their verdict tables 13 and 35;
# ofproto/compile-acl.c) on simulated hosts
# (sim-lib.sh), checked with ofproto/trace, packets injected into the
# dummy datapath (real userspace conntrack), "weftctl flows" and
# "weftctl trace".
#
#   red/vx   vxlan 100  10.0.0.0/24: a1 on h1 (10.0.0.5), a2 on h2
#            (10.0.0.6), c1 on h1 (10.0.0.7), d1 on h1 (10.0.0.8)
#   red/web  members a1, a2: rule 1 ingress tcp/80 from 10.0.0.0/24, rule 2
#            ingress tcp/8000-8080 from group cli, rule 3 ingress icmp
#   red/cli  member c1: rule 4 egress any (plain rows, one dimension)
#
# The groups are written through the shared write layer (tests/weft-req),
# as weftctl and the REST API write them; weftd runs with --self-check.
# The checks are strings that 'check' evals: they use variables set here.
# shellcheck disable=SC2016,SC2031,SC2034
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=sim-lib.sh
. "$(dirname "$0")/sim-lib.sh"

export WEFT_WEFTD_OPTS=--self-check
sim_start 2

db=unix:$SIM_DIR/weft.sock
log=$SIM_DIR/weftd.log
req() { "$sim_build/tests/weft-req" "$db" "$@" >/dev/null; }

ctl tenant-add red
ctl net-add red/vx --type=vxlan --segment=100 --cidr=10.0.0.0/24
A1=02:00:00:00:0a:05 A2=02:00:00:00:0a:06 C1=02:00:00:00:0a:07 D1=02:00:00:00:0a:08
ctl port-add red/vx/a1 --host=h1 --iface=a1 --mac=$A1 --ip=10.0.0.5 >/dev/null
ctl port-add red/vx/a2 --host=h2 --iface=a2 --mac=$A2 --ip=10.0.0.6 >/dev/null
ctl port-add red/vx/c1 --host=h1 --iface=c1 --mac=$C1 --ip=10.0.0.7 >/dev/null
ctl port-add red/vx/d1 --host=h1 --iface=d1 --mac=$D1 --ip=10.0.0.8 >/dev/null
sim_wait_ports 1 a1 c1 d1
sim_wait_ports 2 a2
check "weftctl sync before any group" ctl --timeout=120 sync
check "no policy row without groups" \
    eval '! sim_ofctl 1 dump-flows | grep -qE "table=(12|34),"'

req sg-add red web
req sg-add red cli
req sg-rule-add red web direction=ingress proto=tcp ports=80 remote_cidr=10.0.0.0/24
req sg-rule-add red web direction=ingress proto=tcp ports=8000-8080 remote_group=cli
req sg-rule-add red web direction=ingress proto=icmp
req sg-rule-add red cli direction=egress
req sg-member-add red web network=vx port_name=a1
req sg-member-add red web network=vx port_name=a2
req sg-member-add red cli network=vx port_name=c1
check "weftctl sync with the groups" ctl --timeout=120 sync

TKEY=$(ovsdb-client transact "$db" '["Weft",{"op":"select","table":"Tenant","where":[["name","==","red"]],"columns":["flow_key"]}]' | jq '.[0].rows[0].flow_key')
cookie() { printf '0x57%04x0000%06x' "$TKEY" $((0x20000 + $1)); }
in_a1=$(sim_ofport 1 a1) in_c1=$(sim_ofport 1 c1) in_d1=$(sim_ofport 1 d1)
a1_dp=$(sim_dp_port 1 a1) c1_dp=$(sim_dp_port 1 c1)
reg14_a1=$(printf '0x%x' "$in_a1")

# --- one rule's flows: cookie=C/-1 ------------------------------------------
r1=$(sim_ofctl 1 dump-flows "cookie=$(cookie 1)/-1")
check "cookie=C/-1 shows rule 1's 4 rows on h1 (member, remote, port, conj_id)" \
    [ "$(grep -c 'table=34' <<<"$r1")" = 4 ]
check "rule 1: member a1 x 10.0.0.0/24 x tcp/80, conj_id 1" \
    eval 'grep -q "reg14=$reg14_a1 actions=conjunction(1,1/3)" <<<"$r1" &&
          grep -q "nw_src=10.0.0.0/24 actions=conjunction(1,2/3)" <<<"$r1" &&
          grep -q "tcp,tp_dst=80 actions=conjunction(1,3/3)" <<<"$r1" &&
          grep -q "conj_id=1 actions=set_field:0x8/0x8->reg10,goto_table:35" <<<"$r1"'
check "one default deny row per member and direction (a1 ingress, c1 egress), no ip/ipv6 split" \
    eval '[ "$(sim_ofctl 1 dump-flows "table=34,reg14=$in_a1" | grep -c "priority=1000,.*actions=set_field:0/0x8->reg10,goto_table:35")" = 1 ] &&
          [ "$(sim_ofctl 1 dump-flows "table=12,in_port=$in_c1" | grep -c "priority=1000,")" = 1 ] &&
          ! sim_ofctl 1 dump-flows | grep -q "priority=1001,"'
check "rule 4 (egress any): one plain row for c1" \
    eval '[ "$(sim_ofctl 1 dump-flows "cookie=$(cookie 4)/-1" | grep -c "in_port=$in_c1 actions=set_field:0x8/0x8->reg10,goto_table:13")" = 1 ] &&
          [ "$(sim_ofctl 1 dump-flows "cookie=$(cookie 4)/-1" | grep -c table=)" = 1 ]'
check "verdict table 35 (HOST): allowed ip/ipv6 commit and deliver, established not allowed commit blocked" \
    eval 'v=$(sim_ofctl 1 dump-flows table=35) &&
          grep -q "priority=110,ip,reg10=0x8/0x8 actions=ct(commit,zone=NXM_NX_REG13\[0..15\],exec(set_field:0/0x1->ct_mark)),output:NXM_NX_REG14\[0..15\]" <<<"$v" &&
          grep -q "priority=110,ipv6,reg10=0x8/0x8 actions=ct(commit" <<<"$v" &&
          grep -q "priority=100,ct_state=+est+trk,ip,reg10=0/0x8 actions=ct(commit,zone=NXM_NX_REG13\[0..15\],exec(set_field:0x1/0x1->ct_mark))" <<<"$v" &&
          [ "$(grep -c priority= <<<"$v")" = 5 ]'
check "verdict table 13 on h1 (c1 egress), not on h2 (a2 ingress only)" \
    eval '[ "$(sim_ofctl 1 dump-flows table=13 | grep -c priority=)" = 5 ] &&
          [ "$(sim_ofctl 2 dump-flows table=13 | grep -c priority=)" = 0 ] &&
          [ "$(sim_ofctl 2 dump-flows table=35 | grep -c priority=)" = 5 ]'
r2=$(sim_ofctl 1 dump-flows "cookie=$(cookie 2)/-1")
check "rule 2: cli's member c1 (10.0.0.7) as remote, 8000-8080 as 3 prefixes" \
    eval 'grep -q "nw_src=10.0.0.7 actions=conjunction(2,2/3)" <<<"$r2" &&
          [ "$(grep -c "conjunction(2,3/3)" <<<"$r2")" = 3 ] &&
          grep -q "tp_dst=0x1f40/0xffc0" <<<"$r2"'
check "h2 (a2, no member of cli) has rule 2's rows too (cli's addresses)" \
    eval 'sim_ofctl 2 dump-flows "cookie=$(cookie 2)/-1" | grep -q "nw_src=10.0.0.7"'
check "h2 has no row of cli's rule 4 (no member there)" \
    eval '[ -z "$(sim_ofctl 2 dump-flows "cookie=$(cookie 4)/-1" | grep table=)" ]'

# --- ofproto/trace: allowed and denied per rule --------------------------------
pkt() {     # pkt IN_PORT SRC_MAC SRC_IP PROTO,L4...
    local proto=${4%%,*} l4=
    [ "$proto" = "$4" ] || l4=,${4#*,}
    echo "in_port=$1,dl_src=$2,dl_dst=$A1,$proto,nw_src=$3,nw_dst=10.0.0.5,nw_ttl=64$l4"
}
last_actions() { grep '^Datapath actions:' <<<"$1" | tail -1; }
to_a1() { last_actions "$1" | grep -qE "[ ,]$a1_dp\$"; }
trace() { sim_trace 1 "$@" --ct-next trk,new --ct-next trk,new; }
t=$(trace "$(pkt "$in_c1" $C1 10.0.0.7 tcp,tp_src=40000,tp_dst=80)")
check "c1 -> a1 tcp/80: allowed by rule 1 (its conj_id row), out to a1" \
    eval 'grep -q "conj_id=1, priority 61999, cookie $(cookie 1)" <<<"$t" &&
          grep -q "35\. ip,reg10=0x8/0x8, priority 110" <<<"$t" && to_a1 "$t"'
check "c1's egress passed cli's plain rule 4 first (table 12)" \
    eval 'grep -q "12. in_port=$in_c1, priority 61996, cookie $(cookie 4)" <<<"$t" &&
          grep -q "13\. ip,reg10=0x8/0x8, priority 110" <<<"$t"'
t=$(trace "$(pkt "$in_c1" $C1 10.0.0.7 tcp,tp_src=40000,tp_dst=8080)")
check "c1 -> a1 tcp/8080: allowed by rule 2 (remote group cli)" \
    eval 'grep -q "conj_id=2, priority 61998" <<<"$t" && to_a1 "$t"'
t=$(trace "$(pkt "$in_d1" $D1 10.0.0.8 tcp,tp_src=40000,tp_dst=8080)")
check "d1 (not in cli) -> a1 tcp/8080: dropped by a1's default deny" \
    eval 'grep -q "34. reg14=$reg14_a1, priority 1000" <<<"$t" && last_actions "$t" | grep -q "drop\$"'
t=$(trace "$(pkt "$in_c1" $C1 10.0.0.7 tcp,tp_src=40000,tp_dst=8081)")
check "c1 -> a1 tcp/8081: denied (no rule)" \
    eval 'grep -q "priority 1000" <<<"$t" && last_actions "$t" | grep -q "drop\$"'
t=$(trace "$(pkt "$in_d1" $D1 10.0.0.8 icmp,icmp_type=8)")
check "d1 -> a1 icmp: allowed by rule 3" grep -q "conj_id=3, priority 61997" <<<"$t"
t=$(trace "$(pkt "$in_d1" $D1 10.0.0.8 udp,udp_src=5,udp_dst=80)")
check "d1 -> a1 udp/80: denied" eval 'last_actions "$t" | grep -q "drop\$"'
t=$(sim_trace 1 "$(pkt "$in_d1" $D1 10.0.0.8 tcp,tp_src=80,tp_dst=40000)" --ct-next trk,est,rpl)
check "a reply (+est+rpl) to a1 passes without a rule" \
    eval 'grep -q "priority 64800" <<<"$t" && to_a1 "$t"'
t=$(sim_trace 1 "$(pkt "$in_d1" $D1 10.0.0.8 tcp,tp_src=40000,tp_dst=9000)" --ct-next trk,est)
check "an established connection no rule allows is committed blocked" \
    eval 'grep -q "34. reg14=$reg14_a1, priority 1000" <<<"$t" &&
          grep -q "35\. ct_state=+est+trk,ip,reg10=0/0x8, priority 100" <<<"$t" &&
          grep -q "mark=0x1/0x1" <<<"$t" && last_actions "$t" | grep -qv "[ ,]$a1_dp\$"'
t=$(sim_trace 1 "in_port=$in_a1,dl_src=$A1,dl_dst=$C1,tcp,nw_src=10.0.0.5,nw_dst=10.0.0.7,nw_ttl=64,tp_src=80,tp_dst=40000")
check "a1's packets (ingress policy only) are committed in red/vx's zone, c1's (egress only) too" \
    eval 'last_actions "$t" | grep -q "ct(commit,zone=32769),ct(commit,zone=32769),$c1_dp\$"'

# --- real packets: the conj_id row counts -------------------------------------
syn() {     # syn IFACE SRC_MAC SRC DPORT
    sim_appctl 1 netdev-dummy/receive "$1" \
        "eth(src=$2,dst=$A1),eth_type(0x0800),ipv4(src=$3,dst=10.0.0.5,proto=6,tos=0,ttl=64,frag=no),tcp(src=41000,dst=$4),tcp_flags(syn)" >/dev/null
}
n_packets() {   # n_packets COOKIE MATCH: of the row with MATCH
    sim_ofctl 1 dump-flows "cookie=$1/-1" | grep "$2" | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p' | head -1
}
syn c1 $C1 10.0.0.7 80
syn c1 $C1 10.0.0.7 80
syn c1 $C1 10.0.0.7 8000
syn d1 $D1 10.0.0.8 8000
check "rule 1's conj_id row counted c1's 2 SYNs to :80" \
    wait_for 30 eval '[ "$(n_packets "$(cookie 1)" conj_id=1)" = 2 ]'
check "rule 2's conj_id row counted c1's SYN to :8000 only (not d1's)" \
    wait_for 30 eval '[ "$(n_packets "$(cookie 2)" conj_id=2)" = 1 ]'
deny_n() {
    sim_ofctl 1 dump-flows "table=34,reg14=$in_a1" | grep 'priority=1000,' \
        | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p'
}
check "a1's default deny counted d1's SYN" wait_for 30 eval '[ "$(deny_n)" = 1 ]'

# --- weftctl flows and trace name the rules ------------------------------------
flows=$(ctl flows --host=h1 2>&1 || true)
check "weftctl flows: rule 1 named" grep -q '# rule red/web#1 ingress tcp/80 from 10.0.0.0/24' <<<"$flows"
check "weftctl flows: rule 2 named" grep -q '# rule red/web#2 ingress tcp/8000-8080 from group cli' <<<"$flows"
check "weftctl flows: a1's default deny named" grep -q '# default deny red/vx/a1 ingress' <<<"$flows"
check "weftctl flows: c1's egress default deny named" grep -q '# default deny red/vx/c1 egress' <<<"$flows"
out=$(ctl trace red/vx/c1 tcp,nw_dst=10.0.0.5,tp_dst=80 2>&1 || true)
check "weftctl trace: allowed by rule red/web#1" \
    grep -q 'allowed by rule red/web#1 (ingress tcp/80 from 10.0.0.0/24)' <<<"$out"
check "weftctl trace: the verdict table commits what the rule allowed" \
    grep -q 'acl_in_verdict, committed (allowed above)' <<<"$out"
out=$(ctl trace red/vx/d1 tcp,nw_dst=10.0.0.5,tp_dst=9000 2>&1 || true)
check "weftctl trace: dropped by a1's default deny" \
    grep -q 'dropped by default deny of red/vx/a1 (groups web), ingress' <<<"$out"
check "weftctl trace: the verdict table's miss is not a decision of its own" \
    eval 'grep -q "acl_in_verdict, denied above" <<<"$out" &&
          ! grep -q "acl_in_verdict.*\(allowed by\|default deny\)" <<<"$out"'

# --- a restart sends nothing ----------------------------------------------------
hosts_line() { ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/hosts | grep "^h$1 "; }
host_field() { hosts_line "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
pid=$(pidfile_pid "$SIM_DIR/weftd.pid")
ovs-appctl --timeout=10 -t "$SIM_DIR/weftd.ctl" exit
wait_for 30 eval '! kill -0 '"$pid"' 2>/dev/null'
(
    export OVS_RUNDIR=$SIM_DIR OVS_DBDIR=$SIM_DIR OVS_LOGDIR=$SIM_DIR
    # shellcheck disable=SC2086 # $WEFT_WEFTD_OPTS: words
    "$sim_weftd" --db=unix:"$SIM_DIR/weft.sock" \
        --pidfile="$SIM_DIR/weftd.pid" --unixctl="$SIM_DIR/weftd.ctl" \
        --log-file="$SIM_DIR/weftd.log" --detach --no-chdir \
        $WEFT_WEFTD_OPTS 2>/dev/null
)
check "weftctl sync after a weftd restart" ctl --timeout=120 sync
for h in 1 2; do
    check "restart: h$h got 0 flow_mods (conjunction, ct(zone=reg13), output:reg14 read back equal)" \
        eval '[ "$(host_field '"$h"' flow_mods)" = 0 ]'
done
check "rule 1's counter survived the restart" \
    [ "$(n_packets "$(cookie 1)" conj_id=1)" = 2 ]

# --- removing a rule changes only its flows --------------------------------------
nostats() { sim_ofctl "$1" dump-flows --no-stats | sed 's/^ *//' | sort; }
before1=$(nostats 1) before2=$(nostats 2)
req sg-rule-del red web rule_id=2
check "weftctl sync after sg-rule-del" ctl --timeout=120 sync
after1=$(nostats 1) after2=$(nostats 2)
gone1=$(comm -23 <(echo "$before1") <(echo "$after1"))
check "h1: no flow added" [ -z "$(comm -13 <(echo "$before1") <(echo "$after1"))" ]
check "h1: only rule 2's 6 rows went (cookie $(cookie 2))" \
    eval '[ "$(grep -c . <<<"$gone1")" = 6 ] && ! grep -v "cookie=$(cookie 2)," <<<"$gone1" | grep -q .'
check "h2: only rule 2's rows went" \
    eval '[ -z "$(comm -13 <(echo "$before2") <(echo "$after2"))" ] &&
          ! comm -23 <(echo "$before2") <(echo "$after2") | grep -v "cookie=$(cookie 2)," | grep -q .'
t=$(trace "$(pkt "$in_c1" $C1 10.0.0.7 tcp,tp_src=40000,tp_dst=8080)")
check "c1 -> a1 tcp/8080 now denied" eval 'last_actions "$t" | grep -q "drop\$"'

# --- the last member leaves: no policy row is left ------------------------------
req sg-member-del red web network=vx port_name=a1
req sg-member-del red web network=vx port_name=a2
req sg-member-del red cli network=vx port_name=c1
check "weftctl sync after the members left" ctl --timeout=120 sync
check "no row of tables 12/13/34/35 is left on h1 or h2" \
    eval '! sim_ofctl 1 dump-flows | grep -qE "table=(12|13|34|35),|zone=3276" &&
          ! sim_ofctl 2 dump-flows | grep -qE "table=(12|13|34|35),|zone=3276"'
check "weftd's log has no self-check failure" \
    bash -c "! grep -q -- '--self-check:' $log"
check "weftd is still running" bash -c "kill -0 \$(cat $SIM_DIR/weftd.pid)"

sim_finish
