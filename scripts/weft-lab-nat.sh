# shellcheck shell=bash disable=SC2154
# (SC2154: prefix, dir and the rest are weft-lab's)
# weft-lab-nat.sh: the lab's outside world and NAT demo (issue #13), sourced
# by scripts/weft-lab; it uses weft-lab's helpers and variables (prefix,
# dir, record_netns, record_pid, weftctl, warn, die, ...).
#
#   netns $p-out      the "outside": a LAN/internet stand-in, Linux bridge
#                     br0 with 192.168.100.1/24 (every host's external
#                     gateway) and a veth ${p}x$i per host, whose peer is
#                     ext0 in host i's namespace (left unaddressed for weftd
#                     to plug into br-int as the host's external side, whose
#                     address is 192.168.100.(10+i)/24); a server
#                     (scripts/lab-server.py) on TCP and UDP port 9000 that
#                     answers with the client's address as it sees it
#   NAT demo          pool "ext" 192.168.100.128/25; each tenant's router rtr
#                     with SNAT; per tenant a port mapping of <t>-vx-h1's
#                     port 80 (tcp and udp) on h1, host port 8080 (red) and
#                     8081 (blue): two endpoints with the same IP behind one
#                     host; a floating IP for <t>-gre-h2 (h1 with one host).
#                     Behind them, the endpoints' name servers (TCP and UDP
#                     port 80, scripts/weft-lab-services.sh).
# Every server is a recorded pid: `down` stops exactly those.

OUT_IP=192.168.100.1
OUT_LEN=24
OUT_PORT=9000                # the outside server's TCP and UDP port
EXT_IFACE=ext0
NAT_POOL=ext
NAT_POOL_CIDR=192.168.100.128/25
NAT_EP_PORT=80               # the port the demo's endpoint servers listen on
NAT_HOST_PORT=8080           # red's mapped host port; blue's is the next one
LAB_SERVER="$SCRIPT_DIR/lab-server.py"

# The demo's NAT, built up by demo_nat: JSON arrays for state.json.
PMAPS_JSON='[]'
FIPS_JSON='[]'
# 1 once weft took every host's external side (an older weft refuses it);
# else status --json says hosts[].external_ip null.
NAT_HOSTS=0

ext_ip() { echo "192.168.100.$((10 + $1))"; }    # ext_ip I: host I's

# up_outside N: the outside namespace, its bridge, a veth to each host and
# the outside server.
up_outside() {
    local n=$1 i out="$prefix-out" hns
    record_netns "$out"
    no_ipv6 "$out"
    ip -n "$out" link add br0 type bridge
    ip -n "$out" link set br0 up
    ip -n "$out" addr add "$OUT_IP/$OUT_LEN" dev br0
    for ((i = 1; i <= n; i++)); do
        hns="$prefix-h$i"
        ip -n "$out" link add "${prefix}x$i" type veth peer name "$EXT_IFACE" netns "$hns"
        ip -n "$out" link set "${prefix}x$i" master br0 up
        ip -n "$hns" link set "$EXT_IFACE" up
        tx_off "$out" "${prefix}x$i"
        tx_off "$hns" "$EXT_IFACE"
    done
    start_server "$out" outside-server "$dir/outside-server"
}

# start_server NETNS NAME BASE [--name ENDPOINT]: lab-server.py serve on
# TCP and UDP port 9000 (outside), or with --name on TCP ports 80 and 8080
# and UDP port 80 (an endpoint's name server), in NETNS, detached from our
# output; pidfile BASE.pid, log BASE.log (a line per client); its pid is
# recorded for `down` (its command line names $dir, as pid_is_ours wants).
start_server() {
    local ns=$1 name=$2 base=$3 pid ports=(--tcp "$OUT_PORT" --udp "$OUT_PORT")
    shift 3
    [ $# -eq 0 ] || ports=(--tcp "$NAT_EP_PORT" --tcp "$EP_ALT_PORT" --udp "$NAT_EP_PORT")
    rm -f "$base.pid"
    ip netns exec "$ns" python3 "$LAB_SERVER" serve "${ports[@]}" \
        --pidfile "$base.pid" --log "$base.log" "$@" \
        </dev/null >>"$base.err" 2>&1 &
    pid=$(pidfile_wait "$base.pid") || die "$name: lab-server.py did not start (see $base.err)"
    record_pid "$pid" "$name"
}

# host_add_external I ARGS...: weftctl host-add ARGS with host I's external
# side; a weft that refuses it gets the host without one (and no NAT demo).
host_add_external() {
    local i=$1 err="$dir/host-add.err"
    shift
    if weftctl host-add "$@" --external-iface="$EXT_IFACE" \
            --external-ip="$(ext_ip "$i")/$OUT_LEN" --external-gateway="$OUT_IP" 2>"$err"; then
        [ "$i" -gt 1 ] || NAT_HOSTS=1
    else
        warn "no external side for h$i: $(tail -n1 "$err")"
        NAT_HOSTS=0
        weftctl host-add "$@"
    fi
    rm -f "$err"
}

# demo_nat N: the pool, SNAT, port mappings and floating IPs (in weft), and
# the servers behind them.  Skipped, with a warning, if weft refuses them.
demo_nat() {
    local n=$1 t tn hp ep fh fip proto err="$dir/nat.err"
    if [ "$NAT_HOSTS" != 1 ]; then
        warn "no NAT in the demo: the hosts have no external side"
        return 0
    fi
    if ! weftctl router-show "${TENANTS[0]}/$ROUTER" >/dev/null 2>&1; then
        warn "no NAT in the demo: it needs the demo's routers"
        return 0
    fi
    say "NAT: pool $NAT_POOL $NAT_POOL_CIDR, SNAT, port mappings, floating IPs"
    if ! weftctl pool-add "$NAT_POOL" "$NAT_POOL_CIDR" 2>"$err"; then
        warn "no NAT in the demo: pool-add failed: $(tail -n1 "$err")"
        return 0
    fi
    fh=$((n >= 2 ? 2 : 1))
    for t in "${!TENANTS[@]}"; do
        tn=${TENANTS[$t]}
        weftctl router-set "$tn/$ROUTER" --snat=true
        hp=$((NAT_HOST_PORT + t))
        ep=$(ep_name "$t" 0 1)
        for proto in tcp udp; do
            weftctl map-add "$tn/${NETS[0]}/h1" "$hp:$NAT_EP_PORT/$proto"
            PMAPS_JSON=$(jq -c --arg host h1 --arg hip "$(ext_ip 1)" --argjson hp "$hp" \
                --arg proto "$proto" --arg ep "$ep" --argjson port "$NAT_EP_PORT" \
                '. + [{host: $host, host_ip: $hip, host_port: $hp, proto: $proto,
                       endpoint: $ep, port: $port}]' <<<"$PMAPS_JSON")
        done
        ep=$(ep_name "$t" 1 "$fh")
        fip=$(weftctl fip-add "$tn" --pool="$NAT_POOL" --port="${NETS[1]}/h$fh")
        fip=$(grep -Eom1 '([0-9]{1,3}\.){3}[0-9]{1,3}' <<<"$fip") \
            || die "fip-add $tn printed no address"
        FIPS_JSON=$(jq -c --arg ip "$fip" --arg ep "$ep" \
            '. + [{ip: $ip, endpoint: $ep}]' <<<"$FIPS_JSON")
    done
    rm -f "$err"
}

# nat_ask NETNS PROTO IP PORT: the first line the server at IP:PORT answers
# from NETNS, empty if none.  One retry: the very first packet towards the
# outside may wait for the gateway's MAC (weftd resolves it).
nat_ask() {
    local ns=$1 out
    shift
    for _ in 1 2; do
        if out=$(ip netns exec "$ns" python3 "$LAB_SERVER" ask "$@" --timeout 2 2>/dev/null); then
            echo "$out"
            return 0
        fi
    done
    return 1
}

# nat_matrix: what NAT does, seen from both ends: each endpoint asks the
# outside server (TCP and UDP) which address it comes from (its floating IP
# if it has one, else its host's external IP); the outside asks each port
# mapping and floating IP who answers.  Returns 1 if something is unexpected.
nat_matrix() {
    local st="$dir/state.json" name ns host ip want tcp udp ok=0 all=0 bad=() out row
    if [ "$(jq '.port_mappings // [] | length' "$st")" -eq 0 ]; then
        echo
        echo "== NAT: none in this lab (skipped)"
        return 0
    fi
    echo
    echo "== NAT: endpoint -> outside $OUT_IP:$OUT_PORT, the source address the outside sees"
    out="$prefix-out"
    while read -r name ns host ip; do
        want=$(jq -r --arg n "$name" --arg h "$host" \
            '([.floating_ips[] | select(.endpoint == $n) | .ip][0])
             // ([.hosts[] | select(.name == $h) | .external_ip][0])' "$st")
        tcp=$(nat_ask "$ns" tcp "$OUT_IP" "$OUT_PORT") || tcp='-'
        udp=$(nat_ask "$ns" udp "$OUT_IP" "$OUT_PORT") || udp='-'
        all=$((all + 1))
        if [ "${tcp%:*}" = "$want" ] && [ "${udp%:*}" = "$want" ]; then
            row='✓'; ok=$((ok + 1))
        else
            row='✗'; bad+=("$name")
        fi
        printf '  %s %-14s %-10s tcp %-22s udp %-22s (expected %s)\n' \
            "$row" "$name" "$ip" "$tcp" "$udp" "$want"
    done < <(jq -r '.endpoints[] | "\(.name) \(.netns) \(.host) \(.ip)"' "$st")
    echo "== NAT: outside -> port mappings and floating IPs: who answers"
    while read -r ip port proto want; do
        all=$((all + 1))
        tcp=$(nat_ask "$out" "$proto" "$ip" "$port") || tcp='-'
        if [ "${tcp%% *}" = "$want" ]; then row='✓'; ok=$((ok + 1)); else row='✗'; bad+=("$ip:$port/$proto"); fi
        printf '  %s %-22s -> %-14s answered: %s\n' "$row" "$ip:$port/$proto" "$want" "$tcp"
    done < <(jq -r --argjson p "$NAT_EP_PORT" \
        '(.port_mappings[] | "\(.host_ip) \(.host_port) \(.proto) \(.endpoint)"),
         (.floating_ips[] | "\(.ip) \($p) tcp \(.endpoint)", "\(.ip) \($p) udp \(.endpoint)")' "$st")
    printf 'Summary nat: %d/%d as expected; %s\n' "$ok" "$all" \
        "$([ ${#bad[@]} -eq 0 ] && echo OK || echo "${#bad[@]} UNEXPECTED: ${bad[*]:0:4}${bad[4]:+ ...}")"
    [ ${#bad[@]} -eq 0 ]
}

# nat_status: the human-readable status lines of the outside and the NAT.
nat_status() {
    local st="$dir/state.json"
    jq -e '.outside' "$st" >/dev/null || return 0
    echo "  outside:  $(jq -r '"netns \(.outside.netns), \(.outside.ip), server tcp \(.outside.tcp_port) udp \(.outside.udp_port)"' "$st") ($(alive_pidfile "$dir/outside-server.pid"))"
    if [ "$(jq '.port_mappings | length' "$st")" -gt 0 ]; then
        echo "  port mappings:"
        jq -r '.port_mappings[] | "    \(.host)\t\(.host_ip):\(.host_port)/\(.proto)\t-> \(.endpoint):\(.port)"' "$st" \
            | column -t -s $'\t'
    fi
    if [ "$(jq '.floating_ips | length' "$st")" -gt 0 ]; then
        echo "  floating IPs:"
        jq -r '.floating_ips[] | "    \(.ip)\t-> \(.endpoint)"' "$st" | column -t -s $'\t'
    fi
}
