#!/usr/bin/env bash
# test-install: what "cmake --install" puts on a real host, checked in a
# scratch prefix (no root needed, nothing outside the prefix is touched).
#
#   - the files: weftd, weftctl, the schema, weft-db-prepare, the two systemd
#     units and the two man pages;
#   - the units name the installed files (written at install time from the
#     prefix), and "systemd-analyze verify" accepts them (it also checks that
#     every Exec* program exists); a unit with a missing program must fail
#     the same check, so the check is known to work here;
#   - the man pages render with "man -l" and "groff -ww -z" without a
#     warning, and name every option the binaries' --help lists;
#   - weft-db-prepare creates the database, leaves an up-to-date one alone,
#     and converts one made with an older schema, keeping its rows.
#
# Run by ctest (label "install") with WEFT_BUILD_DIR and WEFT_SOURCE_DIR.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../testlib.sh
. "$(dirname "$0")/../testlib.sh"

src=${WEFT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${WEFT_BUILD_DIR:-$src/build}
tmp=$(mktemp -d /tmp/weft-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/usr

check "cmake --install --prefix puts weft in a scratch prefix" \
    bash -c "cmake --install '$build' --prefix '$prefix' >'$tmp/install.log' 2>&1"
units=$prefix/lib/systemd/system
for f in bin/weftd bin/weftctl libexec/weft/weft-db-prepare; do
    check "installed, executable: $f" [ -x "$prefix/$f" ]
done
for f in share/weft/weft.ovsschema lib/systemd/system/weft-db.service \
         lib/systemd/system/weftd.service share/man/man8/weftd.8 \
         share/man/man8/weftctl.8; do
    check "installed: $f" [ -s "$prefix/$f" ]
done
check "the installed schema is weft's" cmp -s "$src/ovsdb/weft.ovsschema" \
    "$prefix/share/weft/weft.ovsschema"

# --- the units -------------------------------------------------------------
check "weftd.service runs the installed weftd" \
    grep -q "^ExecStart=$prefix/bin/weftd --db=unix:/run/weft/weft.sock" "$units/weftd.service"
check "weft-db.service prepares /var/lib/weft/weft.db from the installed schema" \
    grep -qx "ExecStartPre=$prefix/libexec/weft/weft-db-prepare /var/lib/weft/weft.db $prefix/share/weft/weft.ovsschema" \
    "$units/weft-db.service"
check "weft-db.service serves /var/lib/weft/weft.db (not tmpfs)" \
    grep -q "^ExecStart=.*ovsdb-server /var/lib/weft/weft.db " "$units/weft-db.service"
check "weftd.service requires and follows weft-db.service" \
    bash -c "grep -qx 'Requires=weft-db.service' '$units/weftd.service' &&
             grep -q '^After=weft-db.service' '$units/weftd.service'"
check "no @VARIABLE@ left in the units" \
    bash -c "! grep -n '@[A-Z_]*@' '$units'/*.service"

verify() {  # verify UNIT...: systemd-analyze verify, man pages from the prefix
    MANPATH=$prefix/share/man systemd-analyze verify "$@" >"$tmp/verify.log" 2>&1
}
if ! command -v systemd-analyze >/dev/null; then
    echo "SKIP: systemd-analyze verify (systemd-analyze not installed)"
elif ! verify "$units/weft-db.service" "$units/weftd.service" \
        && grep -qiE 'Failed to (initialize|setup|connect)|not booted|Permission denied' "$tmp/verify.log"; then
    echo "SKIP: systemd-analyze verify cannot run here: $(head -1 "$tmp/verify.log")"
else
    check "systemd-analyze verify accepts weft-db.service and weftd.service" \
        verify "$units/weft-db.service" "$units/weftd.service"
    [ "$T_FAIL" -eq 0 ] || cat "$tmp/verify.log"
    mkdir -p "$tmp/broken"
    sed "s#$prefix/bin/weftd #$prefix/bin/no-such-weftd #" "$units/weftd.service" \
        >"$tmp/broken/weftd.service"
    cp "$units/weft-db.service" "$tmp/broken/"
    check "...and refuses a unit whose program is missing (the check works)" \
        bash -c "$(declare -f verify); prefix='$prefix' tmp='$tmp';
                 ! verify '$tmp/broken/weft-db.service' '$tmp/broken/weftd.service' &&
                 grep -q 'no-such-weftd is not executable' '$tmp/verify.log'"
fi

# The units' command lines, run as systemd would run them but with the
# unit's directories moved into the scratch directory: they must start a
# database that weftctl can write and a weftd that serves its API.
unit_cmd() {    # unit_cmd UNIT KEY: KEY's command line, paths moved, words
    awk '/\\$/ { sub(/\\$/, ""); printf "%s", $0; next } { print }' "$units/$1" \
        | sed -n "s/^$2=//p" \
        | sed -e "s#/var/lib/weft#$tmp/lib#g" -e "s#/run/weft#$tmp/run#g" \
              -e "s#/var/log/weft#$tmp/log#g" -e 's/\$[A-Z_]*//g'
}
mkdir -p "$tmp/run" "$tmp/log"
rm -rf "${tmp:?}/lib"
daemons_cleanup() {
    ovs-appctl -t "$tmp/run/weftd.ctl" exit 2>/dev/null || true
    kill_pidfiles "$tmp"/run/*.pid
    rm -rf "$tmp"
}
trap daemons_cleanup EXIT
read -ra cmd <<<"$(unit_cmd weft-db.service ExecStartPre)"
check "weft-db.service's ExecStartPre creates the database" \
    bash -c "$(printf '%q ' "${cmd[@]}") >/dev/null && [ -s '$tmp/lib/weft.db' ]"
read -ra cmd <<<"$(unit_cmd weft-db.service ExecStart)"
check "weft-db.service's ExecStart starts ovsdb-server on it" "${cmd[@]}"
read -ra cmd <<<"$(unit_cmd weftd.service ExecStart)"
check "weftd.service's ExecStart starts weftd" env WEFT_RUNDIR="$tmp/run" "${cmd[@]}"
check "...which reaches the database and serves its API" \
    bash -c "'$prefix/bin/weftctl' --db=unix:$tmp/run/weft.sock init &&
             curl -sf --unix-socket '$tmp/run/weft-api.sock' http://weft/v1/status | grep -q nb_cfg"

# --- the man pages ---------------------------------------------------------
for page in weftd weftctl; do
    f=$prefix/share/man/man8/$page.8
    check "man -l $page.8 renders, NAME first" \
        bash -c "MANWIDTH=80 man -l '$f' 2>'$tmp/man.err' | grep -A1 '^NAME' | grep -q '$page' && [ ! -s '$tmp/man.err' ]"
    check "groff -ww -z: $page.8 without warnings" \
        bash -c "[ -z \"\$(groff -ww -z -man '$f' 2>&1)\" ]"
    # Every option of --help (and weftctl --api's help) is in the page.
    helps=$("$prefix/bin/$page" --help 2>&1 || true)
    [ "$page" = weftctl ] && helps+=$("$prefix/bin/weftctl" --api=/nonexistent --help 2>&1 || true)
    missing=
    text=$(sed 's/\\-/-/g' "$f")
    # shellcheck disable=SC2013  # options are single words
    for o in $(grep -oE -- '--[a-z][a-z-]*' <<<"$helps" | sort -u); do
        grep -qF -- "$o" <<<"$text" || missing+=" $o"
    done
    check "$page.8 names every option of $page --help${missing:+ (missing:$missing)}" \
        [ -z "$missing" ]
done

# --- weft-db-prepare: create, no-op, convert --------------------------------
prep=$prefix/libexec/weft/weft-db-prepare
schema=$prefix/share/weft/weft.ovsschema
db=$tmp/lib/weft/weft.db
check "weft-db-prepare creates a missing database (and its directory)" \
    bash -c "'$prep' '$db' '$schema' | grep -q 'created' && [ -s '$db' ]"
check "...whose schema version is the installed one" \
    [ "$(ovsdb-tool db-version "$db")" = "$(ovsdb-tool schema-version "$schema")" ]
sum=$(sha256sum <"$db")
check "weft-db-prepare leaves an up-to-date database alone" \
    bash -c "[ -z \"\$('$prep' '$db' '$schema')\" ] && [ \"\$(sha256sum <'$db')\" = '$sum' ]"

# An older schema: version 0.0.1 and Host without one column.
old=$tmp/old.ovsschema
jq '.version = "0.0.1" | del(.tables.Host.columns.openflow_remote)' "$schema" >"$old"
rm -f "$db"
ovsdb-tool create "$db" "$old"
ovsdb-tool transact "$db" '["Weft", {"op": "insert", "table": "Host",
    "row": {"name": "h-old", "ovsdb_remote": "tcp:192.0.2.1:6640",
            "datapath_type": "system"}}]' >/dev/null
out=$("$prep" "$db" "$schema" 2>&1) || true
check "weft-db-prepare converts a database made with an older schema ($out)" \
    bash -c "[ \"\$(ovsdb-tool db-version '$db')\" = \"\$(ovsdb-tool schema-version '$schema')\" ]"
check "...keeping its rows" \
    bash -c "ovsdb-tool query '$db' '[\"Weft\", {\"op\": \"select\", \"table\": \"Host\", \"where\": []}]' | grep -q h-old"
check "...and a copy of the old file" \
    bash -c "[ \"\$(ovsdb-tool db-version '$db.backup-0.0.1')\" = 0.0.1 ]"
check "weft-db-prepare refuses a missing schema" \
    bash -c "! '$prep' '$db' '$tmp/none.ovsschema' 2>/dev/null"

report
