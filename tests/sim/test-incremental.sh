#!/usr/bin/env bash
# test-incremental: a change recompiles only the flow owners it touches, on
# only the hosts it touches (OVN's "no recompute" tests, with weftd's
# "weft/compile-stats" counters), on three simulated hosts (sim-lib.sh;
# weftd runs with --self-check, so every incremental compile is also
# compared with a full one and weftd would abort on a difference).
#
#   red/a  vxlan 1001  a1 on h1, a2 on h2
#   red/b  vxlan 1002  b3 on h3
#   red/c  vxlan 1003  c1 h1, c2 h2, c3 h3   (every tunnel exists already,
#                                              so no tunnel comes or goes)
#
# Owners counted (weft/compile-stats "owners="): a port, a network on a
# host; a port added on h1 costs h1 its owner and red/a's twice (once for
# the change, once when its interface gets an ofport), h2 once, and h3
# nothing: the routing on the topology's indexes does not even hand it the
# change ("applied=" stays, "skipped=" moves).  No host compiles everything
# ("full=").
# Each step also runs one "weftctl sync", itself a write (nb_cfg + 1) that
# touches no host: one more skip on every host.
set -euo pipefail

. "$(dirname "$0")/sim-lib.sh"

sim_start 3

mac() { printf '02:00:00:00:%02x:%02x\n' "$1" "$2"; }
ctl tenant-add red
ctl net-add red/a --type=vxlan --segment=1001
ctl net-add red/b --type=vxlan --segment=1002
ctl net-add red/c --type=vxlan --segment=1003
ctl port-add red/a/a1 --host=h1 --iface=a1 --mac="$(mac 1 1)" --ip=10.1.0.1
ctl port-add red/a/a2 --host=h2 --iface=a2 --mac="$(mac 1 2)" --ip=10.1.0.2
ctl port-add red/b/b3 --host=h3 --iface=b3 --mac="$(mac 2 3)" --ip=10.2.0.3
for h in 1 2 3; do
    ctl port-add "red/c/c$h" --host="h$h" --iface="c$h" --mac="$(mac 3 "$h")" \
        --ip="10.3.0.$h"
done
check "weftctl sync: every host installed the configuration" ctl --timeout=120 sync
sim_wait_ports 1 a1 c1
sim_wait_ports 2 a2 c2
sim_wait_ports 3 b3 c3

stats() { ovs-appctl -t "$SIM_DIR/weftd.ctl" weft/compile-stats; }
# stat HOST KEY: one counter of "weft/compile-stats".
stat() {
    stats | awk -v h="$1" -v k="$2" '$1 == h {
        for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) print a[2] } }'
}
declare -A before
snapshot() {
    local h k
    for h in h1 h2 h3; do
        for k in full owners skipped applied; do
            before[$h.$k]=$(stat "$h" "$k")
        done
    done
}
# expect_delta DESC HOST FULL OWNERS SKIPPED APPLIED: the counters moved by
# exactly that much since snapshot().  OWNERS may be "A|B": either is right
# (a port's owners are compiled once more when its ofport comes, unless the
# ofport came before the compile, e.g. if the switch reconnected between).
expect_delta() {
    local desc=$1 h=$2 got k w ok_=
    got=""
    for k in full owners skipped applied; do
        got="$got$(( $(stat "$h" "$k") - ${before[$h.$k]} )) "
    done
    got=${got% }
    for w in ${4//|/ }; do
        [ "$got" = "$3 $w $5 $6" ] && ok_=1
    done
    if [ -n "$ok_" ]; then
        ok "$desc"
    else
        bad "$desc"
        echo "      $h: full/owners/skipped/applied moved by '$got', want '$3 $4 $5 $6'"
        stats | sed 's/^/      /'
    fi
}
# Wait until weftd has installed everything (sync) and the interfaces have
# ofports, and their flows are in (the port's cur_cfg waits for them).
settle() { ctl --timeout=60 sync && sim_wait_ports "$@"; }

eth() { echo "dl_src=$1,dl_dst=$2"; }
ip4() { echo "ip,nw_src=$1,nw_dst=$2"; }

# 1. A port on h1 in red/a (h1 + h2).
snapshot
ctl port-add red/a/a1b --host=h1 --iface=a1b --mac="$(mac 1 11)" --ip=10.1.0.11
settle 1 a1b
check "weftd is still running (no self-check abort)" \
    kill -0 "$(cat "$SIM_DIR/weftd.pid")"
expect_delta "port add on h1: h1 compiled that port and red/a, twice (change, ofport)" \
    h1 0 "4|2" 1 1
expect_delta "port add on h1: h2 compiled that port and red/a once" h2 0 2 1 1
expect_delta "port add on h1: h3 was not even handed the change (skip)" h3 0 0 2 0
sim_expect_path "h1: a1 to a1b is delivered locally" \
    1 "in_port=a1,$(eth "$(mac 1 1)" "$(mac 1 11)"),$(ip4 10.1.0.1 10.1.0.11)" a1b
sim_expect_path "h2: a2 to a1b goes to h1 with key 1001" \
    2 "in_port=a2,$(eth "$(mac 1 2)" "$(mac 1 11)"),$(ip4 10.1.0.2 10.1.0.11)" \
    "tnl:192.0.2.1:1001"

# 2. Deleted again.
snapshot
ctl port-del red/a/a1b
ctl --timeout=60 sync
check "a1b is gone from h1's switch" \
    wait_for 30 bash -c "! ovs-vsctl --db=unix:$(sim_hdir 1)/db.sock get interface a1b name >/dev/null 2>&1"
expect_delta "port del on h1: h1 dropped that port, recompiled red/a" h1 0 2 1 1
expect_delta "port del on h1: h2 the same" h2 0 2 1 1
expect_delta "port del on h1: h3 was not even handed the change (skip)" h3 0 0 2 0
sim_expect_path "h1: a1 to a1b's MAC now floods (to h2 only)" \
    1 "in_port=a1,$(eth "$(mac 1 1)" "$(mac 1 11)"),$(ip4 10.1.0.1 10.1.0.11)" \
    "tnl:192.0.2.2:1001"

# 3. A port on h3 in red/a: red/a becomes present on h3.
snapshot
ctl port-add red/a/a3 --host=h3 --iface=a3 --mac="$(mac 1 3)" --ip=10.1.0.3
settle 3 a3
check "weftd is still running (no self-check abort)" \
    kill -0 "$(cat "$SIM_DIR/weftd.pid")"
expect_delta "red/a arrives on h3: h3 compiled red/a's 4 owners, then a3 and red/a (ofport)" \
    h3 0 "6|4" 1 1
expect_delta "red/a arrives on h3: h1 compiled a3 and red/a" h1 0 2 1 1
expect_delta "red/a arrives on h3: h2 compiled a3 and red/a" h2 0 2 1 1
sim_expect_path "h3: a3 to a1 goes to h1 with key 1001" \
    3 "in_port=a3,$(eth "$(mac 1 3)" "$(mac 1 1)"),$(ip4 10.1.0.3 10.1.0.1)" \
    "tnl:192.0.2.1:1001"
sim_expect_path "h1: a1 to a3 goes to h3 with key 1001" \
    1 "in_port=a1,$(eth "$(mac 1 1)" "$(mac 1 3)"),$(ip4 10.1.0.1 10.1.0.3)" \
    "tnl:192.0.2.3:1001"
sim_expect_path "h1: a1's broadcast floods to h2 and h3" \
    1 "in_port=a1,$(eth "$(mac 1 1)" ff:ff:ff:ff:ff:ff),$(ip4 10.1.0.1 10.1.0.255)" \
    "tnl:192.0.2.2:1001 tnl:192.0.2.3:1001"
sim_expect_path "h3: red/b's b3 still cannot reach red/a's a1 (flood within red/b: nowhere)" \
    3 "in_port=b3,$(eth "$(mac 2 3)" "$(mac 1 1)"),$(ip4 10.2.0.3 10.1.0.1)" drop

# The desired flows equal what a full compile gives: weftd checked it after
# every step (--self-check) and is still running; its log says no more.
check "weftd's log has no self-check failure" \
    bash -c "! grep -q 'self-check' '$SIM_DIR/weftd.log'"

sim_finish
