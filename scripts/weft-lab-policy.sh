# shellcheck shell=bash disable=SC2154
# (SC2154: prefix, dir and the rest are weft-lab's)
# weft-lab-policy.sh: the lab's security groups demo (issue #15), sourced by
# scripts/weft-lab; it uses weft-lab's helpers and variables (prefix, dir,
# weftctl, ep_name, net_cidr, nat_ask, reach, warn, say, ...).
#
#   policy demo       per tenant a security group "web": ingress tcp/80 from
#                     each of the tenant's subnets and ingress icmp from
#                     them (so pings still work); egress stays open, and the
#                     replies of what members start pass (policy is
#                     stateful both ways).  Members: <t>-gre-h1 (with 2 hosts
#                     or more: with one, it holds the floating IP) and
#                     <t>-vlan-h3; with one host <t>-vlan-h1.  Never a
#                     service backend, port mapping or floating IP target:
#                     what reaches those comes from the VIP (hairpin) or
#                     from the outside, which "web" does not allow.
#   policy table      for each member, from a non-member of its tenant on
#                     another host and one on its own host: tcp/80, tcp/8080,
#                     udp/80 and a ping, each expected allowed or denied by
#                     the group's rules (as status --json lists them).

SG_DEMO_NAME=web

# The demo's groups, built up by demo_policy: a JSON array for state.json
# (tenant, name, rules[] {direction, proto, ports, remote}, members[]).
SGS_JSON='[]'

# policy_members N: the demo members' "NET-INDEX HOST-INDEX", one a line.
policy_members() {
    local n=$1
    if [ "$n" -eq 1 ]; then
        echo "2 1"
        return
    fi
    echo "1 1"
    [ "$n" -lt 3 ] || echo "2 3"
}

# sg_rule_json JSON-ARRAY DIRECTION PROTO PORTS REMOTE: the array with the
# rule added (an empty PORTS or REMOTE is null).
sg_rule_json() {
    jq -c --arg d "$2" --arg p "$3" --arg ports "$4" --arg r "$5" \
        '. + [{direction: $d, proto: $p,
               ports: (if $ports == "" then null else $ports end),
               remote: (if $r == "" then null else $r end)}]' <<<"$1"
}

# demo_policy_rules T: group T/web's rules in weft; prints their JSON.
demo_policy_rules() {
    local tn=$1 k rules='[]' err="$dir/sg.err"
    for k in "${!NETS[@]}"; do
        weftctl sg-rule-add "$tn/$SG_DEMO_NAME" --direction=ingress --proto=tcp \
            --ports=80 --remote-cidr="$(net_cidr "$k")" >/dev/null 2>"$err" \
            || die "sg-rule-add $tn/$SG_DEMO_NAME tcp/80: $(tail -n1 "$err")"
        rules=$(sg_rule_json "$rules" ingress tcp 80 "$(net_cidr "$k")")
    done
    for k in "${!NETS[@]}"; do
        weftctl sg-rule-add "$tn/$SG_DEMO_NAME" --direction=ingress --proto=icmp \
            --remote-cidr="$(net_cidr "$k")" >/dev/null 2>"$err" \
            || die "sg-rule-add $tn/$SG_DEMO_NAME icmp: $(tail -n1 "$err")"
        rules=$(sg_rule_json "$rules" ingress icmp "" "$(net_cidr "$k")")
    done
    rm -f "$err"
    echo "$rules"
}

# demo_policy N: group "web" per tenant, its rules and members (in weft).
# Skipped, with a warning, if weft refuses security groups (an older weft).
demo_policy() {
    local n=$1 t tn k i rules members names err="$dir/sg.err"
    for t in "${!TENANTS[@]}"; do
        tn=${TENANTS[$t]}
        if ! weftctl sg-add "$tn/$SG_DEMO_NAME" >/dev/null 2>"$err"; then
            warn "no security groups in the demo: sg-add $tn/$SG_DEMO_NAME failed: $(tail -n1 "$err")"
            rm -f "$err"
            return 0
        fi
        rules=$(demo_policy_rules "$tn")
        members='[]'
        names=()
        while read -r k i; do
            if ! weftctl sg-member-add "$tn/$SG_DEMO_NAME" "${NETS[$k]}/h$i" 2>"$err"; then
                warn "sg-member-add $tn/$SG_DEMO_NAME ${NETS[$k]}/h$i failed: $(tail -n1 "$err")"
                continue
            fi
            members=$(jq -c --arg e "$(ep_name "$t" "$k" "$i")" '. + [$e]' <<<"$members")
            names+=("$(ep_name "$t" "$k" "$i")")
        done < <(policy_members "$n")
        SGS_JSON=$(jq -c --arg t "$tn" --arg n "$SG_DEMO_NAME" --argjson r "$rules" \
            --argjson m "$members" '. + [{tenant: $t, name: $n, rules: $r, members: $m}]' \
            <<<"$SGS_JSON")
        say "security group $tn/$SG_DEMO_NAME: ingress tcp/80 and icmp from $tn's subnets; members ${names[*]:-none}"
    done
    rm -f "$err"
}

# ip_in_cidr IP CIDR: true if the IPv4 address IP is inside CIDR.
ip_in_cidr() {
    local ip=$1 net=${2%/*} len=${2#*/} a b c d x y m
    IFS=. read -r a b c d <<<"$ip"
    x=$(( (a << 24) | (b << 16) | (c << 8) | d ))
    IFS=. read -r a b c d <<<"$net"
    y=$(( (a << 24) | (b << 16) | (c << 8) | d ))
    m=$(( len == 0 ? 0 : (0xffffffff << (32 - len)) & 0xffffffff ))
    [ $(( x & m )) -eq $(( y & m )) ]
}

# sg_allows MEMBER PROTO PORT SRC-IP: true if an ingress rule of a group of
# MEMBER (state.json's security_groups) allows PROTO/PORT from SRC-IP.
sg_allows() {
    local m=$1 proto=$2 port=$3 src=$4 rp ports remote lo hi
    while read -r rp ports remote; do
        [ "$rp" = any ] || [ "$rp" = "$proto" ] || continue
        if [ "$ports" != - ]; then
            lo=${ports%-*} hi=${ports#*-}
            if [ "$port" -lt "$lo" ] || [ "$port" -gt "$hi" ]; then continue; fi
        fi
        [ "$remote" = - ] || ip_in_cidr "$src" "$remote" || continue
        return 0
    done < <(jq -r --arg m "$m" '.security_groups // [] | .[]
        | select(.members | index($m)) | .rules[] | select(.direction == "ingress")
        | "\(.proto) \(.ports // "-") \(.remote // "-")"' "$dir/state.json")
    return 1
}

# policy_try CLIENT-NETNS MEMBER MEMBER-NETNS IP PROTO PORT: "allowed" if
# MEMBER itself answered (a ping: its InEchos grew), else "denied".  An
# expected denial is asked once (policy_row asks the allowed ones first,
# which warms the path up); an allowed one gets nat_ask's retry.
policy_try() {
    local cns=$1 m=$2 mns=$3 ip=$4 proto=$5 port=$6 a
    if [ "$proto" = icmp ]; then
        if reach "$cns" "$mns" "$ip"; then echo allowed; else echo denied; fi
        return
    fi
    if [ "$EXPECT" = allowed ]; then
        a=$(nat_ask "$cns" "$proto" "$ip" "$port") || a=
    else
        a=$(ip netns exec "$cns" python3 "$LAB_SERVER" ask "$proto" "$ip" "$port" \
            --timeout 1.5 2>/dev/null) || a=
    fi
    if [ "${a%% *}" = "$m" ]; then echo allowed; else echo denied; fi
}

# policy_matrix: the allowed/denied table of the demo's groups.  Returns 1
# if something is unexpected.
policy_matrix() {
    local st="$dir/state.json" m mns mhost ip tn cl cns cip where proto port got
    local ok=0 all=0 bad=() mark
    if [ "$(jq '.security_groups // [] | length' "$st")" -eq 0 ]; then
        echo
        echo "== policy: no security groups in this lab (skipped)"
        return 0
    fi
    echo
    echo "== policy: members of the security groups, from a non-member of the tenant (other host, same host)"
    while read -r m mns mhost ip tn; do
        while read -r cl cns cip where; do
            for proto in tcp/80 tcp/8080 udp/80 icmp; do
                [ "$where" = "other host" ] || [ "$proto" = tcp/80 ] \
                    || [ "$proto" = tcp/8080 ] || continue
                port=${proto#*/}
                [ "$proto" != icmp ] || port=0
                if sg_allows "$m" "${proto%/*}" "$port" "$cip"; then EXPECT=allowed; else EXPECT=denied; fi
                got=$(policy_try "$cns" "$m" "$mns" "$ip" "${proto%/*}" "$port")
                all=$((all + 1))
                if [ "$got" = "$EXPECT" ]; then ok=$((ok + 1)); mark='✓'; else
                    mark='✗'; bad+=("$cl->$m:$proto"); fi
                printf '  %s %-13s -> %-14s %-10s %-9s %-8s (expected %s; %s)\n' "$mark" \
                    "$cl" "$m" "$ip" "$proto" "$got" "$EXPECT" "$where"
            done
        done < <(jq -r --arg m "$m" --arg t "$tn" --arg h "$mhost" '
            ([.security_groups[] | .members[]]) as $in
            | [.endpoints[] | select(.tenant == $t and (.name as $e | $in | index($e) | not))]
            | ([map(select(.host != $h))[0] | select(. != null) | . + {w: "other host"}]
               + [map(select(.host == $h))[0] | select(. != null) | . + {w: "same host"}])
            | .[] | "\(.name) \(.netns) \(.ip) \(.w)"' "$st")
    done < <(jq -r '. as $s | [.security_groups[] | .tenant as $t | .members[] | {t: $t, m: .}]
        | to_entries | unique_by(.value) | sort_by(.key) | .[].value
        | .t as $t | .m as $m | $s.endpoints[] | select(.name == $m)
        | "\(.name) \(.netns) \(.host) \(.ip) \($t)"' "$st")
    printf 'Summary policy: %d/%d as expected; %s\n' "$ok" "$all" \
        "$([ ${#bad[@]} -eq 0 ] && echo OK || echo "${#bad[@]} UNEXPECTED: ${bad[*]:0:4}${bad[4]:+ ...}")"
    [ ${#bad[@]} -eq 0 ]
}

# policy_status: the human-readable status lines of the security groups.
policy_status() {
    local st="$dir/state.json"
    [ "$(jq '.security_groups // [] | length' "$st")" -gt 0 ] || return 0
    echo "  security groups:"
    jq -r '.security_groups[] | "    \(.tenant)/\(.name)\tmembers \(.members | join(" "))\n\([.rules[] | "      \(.direction) \(.proto)\(if .ports then "/" + .ports else "" end) \(if .direction == "ingress" then "from" else "to" end) \(.remote // "any")"] | join("\n"))"' "$st"
}
