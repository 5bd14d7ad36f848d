# shellcheck shell=bash disable=SC2154
# (SC2154: prefix, dir and the rest are weft-lab's)
# weft-lab-services.sh: the lab's name servers and services demo (issue #14),
# sourced by scripts/weft-lab; it uses weft-lab's helpers and variables
# (prefix, dir, weftctl, start_server, ep_name, warn, say, ...).
#
#   name servers      every demo endpoint runs scripts/lab-server.py on TCP
#                     ports 80 and 8080 (and UDP 80), answering with the
#                     endpoint's name and the client's address as it sees it
#                     ("red-vx-h2 10.0.0.11:40312"); pidfile, log (a line per
#                     connection) and error output $D/server-<endpoint>.*
#   services demo     per tenant a service "web" on its router rtr, VIP
#                     10.96.0.10:80/tcp (the same in both tenants), backends
#                     <t>-vx-h2 and <t>-vx-h3 port 80 (with 3 hosts or more:
#                     h1 keeps no local backend, so that it shows a node port
#                     without one; 2 hosts: h1 and h2; 1 host: vx-h1 and
#                     gre-h1), node port 30080 (red) and 30081 (blue): a
#                     node port is unique per protocol over all tenants.
# Every server is a recorded pid: `down` stops exactly those.

SVC_NAME=web
SVC_VIP=10.96.0.10
SVC_PORT=80
SVC_PROTO=tcp
SVC_NODE_PORT=30080          # red's; blue's is the next one
EP_ALT_PORT=8080             # the endpoints' servers' second TCP port
SVC_ASKS=10                  # connections per service in the services table

# The demo's services, built up by demo_services: a JSON array for
# state.json (tenant, name, vip, port, proto, backends[] {endpoint, port}).
SVCS_JSON='[]'

# demo_servers: a name server in every demo endpoint (EPS_JSON).
demo_servers() {
    local name ns
    say "name servers: every endpoint, tcp/$NAT_EP_PORT tcp/$EP_ALT_PORT udp/$NAT_EP_PORT"
    while read -r name ns; do
        start_server "$ns" "$name/server" "$dir/server-$name" --name "$name"
    done < <(jq -r '.[] | "\(.name) \(.netns)"' <<<"$EPS_JSON")
}

# svc_backends N: the demo backends' "NET-INDEX HOST-INDEX", one a line.
svc_backends() {
    local n=$1 i
    if [ "$n" -ge 3 ]; then
        for ((i = 2; i <= n && i <= 3; i++)); do echo "0 $i"; done
    elif [ "$n" -eq 2 ]; then
        echo "0 1"; echo "0 2"
    else
        echo "0 1"; echo "1 1"
    fi
}

# demo_services N: one service per tenant (in weft) and its backends.
# Skipped, with a warning, if weft refuses services (an older weft).
demo_services() {
    local n=$1 t tn np k i err="$dir/svc.err" bks names
    if ! weftctl router-show "${TENANTS[0]}/$ROUTER" >/dev/null 2>&1; then
        warn "no services in the demo: they need the demo's routers"
        return 0
    fi
    for t in "${!TENANTS[@]}"; do
        tn=${TENANTS[$t]}
        np=$((SVC_NODE_PORT + t))
        if ! weftctl service-add "$tn/$SVC_NAME" --router="$ROUTER" --vip="$SVC_VIP" \
                --port="$SVC_PORT" --proto="$SVC_PROTO" --node-port="$np" 2>"$err"; then
            warn "no services in the demo: service-add $tn/$SVC_NAME failed: $(tail -n1 "$err")"
            rm -f "$err"
            return 0
        fi
        bks='[]'
        names=()
        while read -r k i; do
            if ! weftctl backend-add "$tn/$SVC_NAME" "${NETS[$k]}/h$i" --port="$SVC_PORT" 2>"$err"; then
                warn "backend-add $tn/$SVC_NAME ${NETS[$k]}/h$i failed: $(tail -n1 "$err")"
                continue
            fi
            bks=$(jq -c --arg e "$(ep_name "$t" "$k" "$i")" --argjson p "$SVC_PORT" \
                '. + [{endpoint: $e, port: $p}]' <<<"$bks")
            names+=("$(ep_name "$t" "$k" "$i"):$SVC_PORT")
        done < <(svc_backends "$n")
        SVCS_JSON=$(jq -c --arg t "$tn" --arg n "$SVC_NAME" --arg vip "$SVC_VIP" \
            --argjson port "$SVC_PORT" --arg proto "$SVC_PROTO" --argjson b "$bks" \
            '. + [{tenant: $t, name: $n, vip: $vip, port: $port, proto: $proto,
                   backends: $b}]' <<<"$SVCS_JSON")
        say "service $tn/$SVC_NAME $SVC_VIP:$SVC_PORT/$SVC_PROTO -> ${names[*]:-no backend}; node port $np"
    done
    rm -f "$err"
}

# svc_node_port TENANT NAME: the service's node port from weft (REST, as
# admin), empty if none.
svc_node_port() {
    curl -sf --unix-socket "$dir/weft-api.sock" "http://weft/v1/tenants/$1/services/$2" \
        | jq -r '.node_port // empty' 2>/dev/null || true
}

# svc_matrix: each service asked SVC_ASKS times (after a warm-up) from an
# endpoint of its tenant that is not a backend (h1's if any), and each node port
# from the outside at every host: who answers.  Returns 1 if something is
# unexpected (an answer from outside the service's backends, a backend never
# reached, a node port answered by a host without a local backend).
svc_matrix() {
    local st="$dir/state.json" tn name vip port proto client cns want got a k ok=0 all=0 bad=()
    local np h hip local_eps
    if [ "$(jq '.services // [] | length' "$st")" -eq 0 ]; then
        echo
        echo "== services: none in this lab (skipped)"
        return 0
    fi
    echo
    echo "== services: $SVC_ASKS connections from a client of the tenant, who answers"
    while read -r tn name vip port proto; do
        want=$(jq -r --arg t "$tn" --arg n "$name" '.services[] | select(.tenant == $t
                 and .name == $n) | .backends[].endpoint' "$st" | sort)
        client=$(jq -r --arg t "$tn" --arg n "$name" '. as $s | [$s.services[]
                 | select(.tenant == $t and .name == $n) | .backends[].endpoint] as $b
                 | [.endpoints[] | select(.tenant == $t and (.name as $e | $b | index($e) | not))]
                 | (map(select(.host == "h1")) + .)[0] | "\(.name) \(.netns)"' "$st")
        read -r client cns <<<"$client"
        # Warm-up, not counted: the first packets through a new tunnel may
        # be dropped by the userspace datapath.
        for ((k = 0; k < 10; k++)); do
            nat_ask "$cns" "$proto" "$vip" "$port" >/dev/null && break
        done
        got=()
        for ((k = 0; k < SVC_ASKS; k++)); do
            a=$(nat_ask "$cns" "$proto" "$vip" "$port") || a='-'
            got+=("${a%% *}")
        done
        all=$((all + 1))
        a=$(printf '%s\n' "${got[@]}" | sort | uniq -c | awk '{printf "%s%s x%d", s, $2, $1; s = ", "}')
        if [ -z "$(comm -23 <(printf '%s\n' "${got[@]}" | sort -u) <(echo "$want"))" ] \
           && [ -z "$(comm -13 <(printf '%s\n' "${got[@]}" | sort -u) <(echo "$want"))" ]; then
            ok=$((ok + 1)); k='✓'
        else
            bad+=("$tn/$name"); k='✗'
        fi
        printf '  %s %-10s %-20s from %-12s answered by: %s\n' "$k" "$tn/$name" \
            "$vip:$port/$proto" "$client" "$a"
        np=$(svc_node_port "$tn" "$name")
        if [ -z "$np" ] || [ "$(jq -r '.hosts[0].external_ip' "$st")" = null ]; then
            continue
        fi
        while read -r h hip; do
            local_eps=$(jq -r --arg t "$tn" --arg n "$name" --arg h "$h" '. as $s
                | .services[] | select(.tenant == $t and .name == $n) | .backends[].endpoint
                | . as $e | $s.endpoints[] | select(.name == $e and .host == $h) | .name' "$st")
            a=$(nat_ask "$prefix-out" "$proto" "$hip" "$np") || a='-'
            all=$((all + 1))
            if { [ -z "$local_eps" ] && [ "$a" = - ]; } \
               || { [ -n "$local_eps" ] && grep -qxF -- "${a%% *}" <<<"$local_eps"; }; then
                ok=$((ok + 1)); k='✓'
            else
                bad+=("$hip:$np"); k='✗'
            fi
            printf '  %s   outside -> %-22s (%s; local backend: %s) answered by: %s\n' "$k" \
                "$hip:$np/$proto" "$h" "${local_eps:-none}" "${a%% *}"
        done < <(jq -r '.hosts[] | "\(.name) \(.external_ip)"' "$st")
    done < <(jq -r '.services[] | "\(.tenant) \(.name) \(.vip) \(.port) \(.proto)"' "$st")
    printf 'Summary services: %d/%d as expected; %s\n' "$ok" "$all" \
        "$([ ${#bad[@]} -eq 0 ] && echo OK || echo "${#bad[@]} UNEXPECTED: ${bad[*]:0:4}${bad[4]:+ ...}")"
    [ ${#bad[@]} -eq 0 ]
}

# svc_status: the human-readable status lines of the services.
svc_status() {
    local st="$dir/state.json"
    [ "$(jq '.services // [] | length' "$st")" -gt 0 ] || return 0
    echo "  services (every endpoint answers its name on tcp/$NAT_EP_PORT and tcp/$EP_ALT_PORT):"
    jq -r '.services[] | "    \(.tenant)/\(.name)\t\(.vip):\(.port)/\(.proto)\t-> \([.backends[] | "\(.endpoint):\(.port)"] | join(" "))"' "$st" \
        | column -t -s $'\t'
}
