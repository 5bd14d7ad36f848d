#!/bin/bash
# demo.sh: the two-tenant demo of scripts/weft-lab, on the Vagrant lab, run
# as root inside each VM (vagrant/Vagrantfile: provisioners demo-attach and
# demo-matrix), and by tests/lab/test-provision.sh inside namespace "VMs".
#
#   demo.sh attach HOST [OPTIONS]   phase 1, on every VM: this VM's endpoints
#   demo.sh matrix HOST [OPTIONS]   phase 2, on every VM, after phase 1 ran
#                                   on all of them: this VM's rows of the
#                                   connectivity matrix; exit 1 if a pair
#                                   behaves unexpectedly
#
# HOST is this VM's name in weft (weftctl host-list).  Options:
#   --db=REMOTE          weft's database (default tcp:172.31.255.11:6641:
#                        provision-controller.sh's ptcp:6641:LISTEN_IP)
#   --weftctl=PATH       default $WEFT_BUILD_DIR/controller/weftctl, else
#                        /opt/weft-build/controller/weftctl, else on $PATH
#   --netns-prefix=P     prefix of the endpoints' namespaces (default none;
#                        the test runs several "VMs" on one machine)
#   --wait=SECS          matrix: how long to wait for the other VMs'
#                        endpoints (default 120)
#
# The demo: tenants red and blue, each with networks vx (vxlan, segment
# 1001/1002, 10.0.0.0/24), gre (gre, 2001/2002, 10.1.0.0/24) and vlan (vlan,
# 101/102 on the hosts' uplinks, 10.2.0.0/24): identical subnets and IPs in
# both tenants.  On the host with index I (its place in host-list, from 1),
# each tenant and network has one endpoint: namespace P<tenant>-<net>, port
# <tenant>/<net>/HOST, IP 10.<k>.0.(10+I), MAC 02:77:0<t>:0<k>:00:0I, attached
# with `weftctl attach`.  Phase 1 creates the tenants and networks if they
# are missing (whichever VM comes first; safe to run on all VMs at once) and
# is idempotent.
#
# "Reached" rule: every endpoint answers pings with its own IP TTL
# (net.ipv4.ip_default_ttl = 100 + 50*tenant + 10*net + I, set in its
# namespace), and weft's networks are layer 2 (nothing decrements it), so the
# TTL of a reply names the endpoint that sent it, on whichever VM it lives.
# A pair counts as reached (✓) only if the reply comes from the target
# itself: a ping from red-vx to blue-vx's IP that red-vx's own network
# answers (red's endpoint with that IP) is "not reached" (✗); a reply from
# another tenant's endpoint is a leak ("!").
# Each probe is one ping with a 2 s timeout, tried up to 5 times (warm-up:
# the first packets towards a new neighbour may be lost, and a busy VM
# answers late); all probes run in parallel, so an isolated pair costs 10 s
# once, not per pair.
set -euo pipefail

TENANTS=(red blue)
NETS=(vx gre vlan)
NET_TYPES=(vxlan gre vlan)
NET_SEGS=(1001 2001 101)

usage() {
    echo "usage: $0 attach|matrix HOST [--db=REMOTE] [--weftctl=PATH] [--netns-prefix=P] [--wait=SECS]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
phase=$1
host=$2
shift 2
db=tcp:172.31.255.11:6641
weftctl_bin=
nsp=
wait_s=120
for a in "$@"; do
    case $a in
        --db=*) db=${a#*=} ;;
        --weftctl=*) weftctl_bin=${a#*=} ;;
        --netns-prefix=*) nsp=${a#*=} ;;
        --wait=*) wait_s=${a#*=} ;;
        *) usage ;;
    esac
done
case $phase in attach|matrix) ;; *) usage ;; esac

say() { echo "demo[$host]: $*"; }
die() { echo "demo[$host]: $*" >&2; exit 1; }

if [ -z "$weftctl_bin" ]; then
    for c in "${WEFT_BUILD_DIR:-/opt/weft-build}/controller/weftctl" \
             /opt/weft-build/controller/weftctl "$(command -v weftctl || true)"; do
        if [ -n "$c" ] && [ -x "$c" ]; then weftctl_bin=$c; break; fi
    done
fi
if [ -z "$weftctl_bin" ] || [ ! -x "$weftctl_bin" ]; then
    die "no weftctl (build weft with scripts/build.sh, or --weftctl=PATH)"
fi
ctl() { "$weftctl_bin" --db="$db" "$@"; }

# hosts: the registered hosts, in host-list order; sets idx to HOST's, from 1.
hosts=()
idx=0
load_hosts() {
    local i
    mapfile -t hosts < <(ctl --timeout=10 host-list 2>/dev/null | awk '{ print $1 }')
    idx=0
    for i in "${!hosts[@]}"; do
        [ "${hosts[i]}" = "$host" ] && idx=$((i + 1))
    done
    [ "$idx" -gt 0 ]
}

deadline=$((SECONDS + wait_s))
until load_hosts; do
    [ $SECONDS -lt $deadline ] \
        || die "host $host is not registered in weft's database at $db (run provision-controller.sh first)"
    sleep 2
done
[ "${#hosts[@]}" -le 9 ] || die "the demo numbers hosts 1 to 9"

ep_ns()   { echo "$nsp${TENANTS[$1]}-${NETS[$2]}"; }            # T K
ep_ip()   { echo "10.$2.0.$((10 + $3))"; }                        # T K I
ep_mac()  { printf '02:77:%02x:%02x:00:%02x\n' "$1" "$2" "$3"; } # T K I
ep_ttl()  { echo $((100 + 50 * $1 + 10 * $2 + $3)); }            # T K I
ep_name() { echo "${TENANTS[$1]}-${NETS[$2]}-${hosts[$3 - 1]}"; } # T K I

# ensure LIST-COMMAND KEY ADD-COMMAND...: adds unless listed; another VM may
# add it at the same moment, so a failed add is fine if it is listed after.
ensure() {
    local list=$1 key=$2
    shift 2
    listed() { ctl "$list" | awk '{ print $1 }' | grep -qxF "$key"; }
    listed && return 0
    say "adding $key"
    ctl "$@" >/dev/null 2>&1 || listed || ctl "$@"
}

attach() {
    local t k ns port
    for t in "${!TENANTS[@]}"; do
        ensure tenant-list "${TENANTS[t]}" tenant-add "${TENANTS[t]}"
        for k in "${!NETS[@]}"; do
            ensure net-list "${TENANTS[t]}/${NETS[k]}" \
                net-add "${TENANTS[t]}/${NETS[k]}" --type="${NET_TYPES[k]}" \
                --segment=$((NET_SEGS[k] + t))
        done
    done
    for t in "${!TENANTS[@]}"; do
        for k in "${!NETS[@]}"; do
            ns=$(ep_ns "$t" "$k")
            port=${TENANTS[t]}/${NETS[k]}/$host
            if ctl port-list "${TENANTS[t]}/${NETS[k]}" | awk '{ print $1 }' | grep -qxF "$port"; then
                if ip netns exec "$ns" ip link show eth0 >/dev/null 2>&1; then
                    say "$port: already attached ($ns)"
                    continue
                fi
                # Registered, but the namespace is gone (a reboot): again.
                ctl --wait port-del "$port"
            fi
            [ -e "/run/netns/$ns" ] || ip netns add "$ns"
            ip -n "$ns" link set lo up
            ctl attach "${TENANTS[t]}/${NETS[k]}" --netns="$ns" --host="$host" \
                --name="$host" --ip="$(ep_ip "$t" "$k" "$idx")/24" \
                --mac="$(ep_mac "$t" "$k" "$idx")"
            ip netns exec "$ns" sysctl -qw net.ipv4.ip_default_ttl="$(ep_ttl "$t" "$k" "$idx")"
            say "$port: netns $ns, $(ep_ip "$t" "$k" "$idx")/24, ttl $(ep_ttl "$t" "$k" "$idx")"
        done
    done
}

# probe NETNS IP: prints the TTL of the first echo reply, or "none".
probe() {
    local out _
    for _ in 1 2 3 4 5; do
        if out=$(ip netns exec "$1" ping -n -c1 -W2 "$2" 2>/dev/null); then
            out=${out#*ttl=}
            echo "${out%% *}"
            return
        fi
    done
    echo none
}

matrix() {
    local t k i u j tmp n_ports want have rc=0 w=4 cell row ttl
    local ok_same all_same ok_other all_other bad
    n_ports=$((${#hosts[@]} * ${#TENANTS[@]} * ${#NETS[@]}))
    deadline=$((SECONDS + wait_s))
    while have=$(ctl port-list | wc -l) && [ "$have" -lt "$n_ports" ]; do
        [ $SECONDS -lt $deadline ] \
            || die "only $have of $n_ports endpoints registered: run phase 1 (attach) on every VM first"
        sleep 2
        load_hosts
        n_ports=$((${#hosts[@]} * ${#TENANTS[@]} * ${#NETS[@]}))
    done
    ctl --timeout="$wait_s" sync
    tmp=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    for k in "${!NETS[@]}"; do
        for t in "${!TENANTS[@]}"; do
            for u in "${!TENANTS[@]}"; do
                for ((j = 1; j <= ${#hosts[@]}; j++)); do
                    [ "$t.$idx" = "$u.$j" ] && continue
                    probe "$(ep_ns "$t" "$k")" "$(ep_ip "$u" "$k" "$j")" >"$tmp/$k.$t.$u.$j" &
                done
            done
        done
    done
    wait
    for ((i = 1; i <= ${#hosts[@]}; i++)); do
        for u in "${!TENANTS[@]}"; do
            n=$(ep_name "$u" 0 "$i")
            [ $((${#n} + 4)) -le "$w" ] || w=$((${#n} + 4))
        done
    done
    for k in "${!NETS[@]}"; do
        ok_same=0 all_same=0 ok_other=0 all_other=0 bad=()
        echo
        echo "== ${NET_TYPES[k]} on $host: row pings column (✓ reached, ✗ not reached, ! answered by another tenant)"
        row=$(printf '%-*s' "$w" "")
        for u in "${!TENANTS[@]}"; do
            for ((j = 1; j <= ${#hosts[@]}; j++)); do
                row+=$(printf '%-*s' "$w" "$(ep_name "$u" "$k" "$j")")
            done
        done
        echo "$row"
        for t in "${!TENANTS[@]}"; do
            row=$(printf '%-*s' "$w" "$(ep_name "$t" "$k" "$idx")")
            for u in "${!TENANTS[@]}"; do
                for ((j = 1; j <= ${#hosts[@]}; j++)); do
                    if [ "$t.$idx" = "$u.$j" ]; then
                        row+=$(printf '%s%*s' '·' $((w - 1)) '')
                        continue
                    fi
                    ttl=$(cat "$tmp/$k.$t.$u.$j")
                    want=$(ep_ttl "$u" "$k" "$j")
                    if [ "$ttl" = "$want" ]; then cell='✓'
                    elif [ "$ttl" = none ]; then cell='✗'
                    elif [ $(((ttl - 100) / 50)) = "$t" ]; then
                        cell='✗'    # its own tenant's same-IP endpoint answered
                    else cell='!'   # another tenant answered: a leak
                    fi
                    if [ "$t" = "$u" ]; then
                        all_same=$((all_same + 1))
                        if [ "$cell" = '✓' ]; then ok_same=$((ok_same + 1))
                        else bad+=("$(ep_name "$t" "$k" "$idx")->$(ep_name "$u" "$k" "$j")"); fi
                    else
                        all_other=$((all_other + 1))
                        if [ "$cell" = '✗' ]; then ok_other=$((ok_other + 1))
                        else bad+=("$(ep_name "$t" "$k" "$idx")->$(ep_name "$u" "$k" "$j")"); fi
                    fi
                    row+=$(printf '%s%*s' "$cell" $((w - 1)) '')
                done
            done
            echo "$row"
        done
        printf 'Summary %s on %s: same network %d/%d reachable; other tenant %d/%d isolated (identical IPs); %s\n' \
            "${NET_TYPES[k]}" "$host" "$ok_same" "$all_same" "$ok_other" "$all_other" \
            "$([ ${#bad[@]} -eq 0 ] && echo OK || echo "${#bad[@]} UNEXPECTED: ${bad[*]}")"
        [ ${#bad[@]} -eq 0 ] || rc=1
    done
    return "$rc"
}

"$phase"
