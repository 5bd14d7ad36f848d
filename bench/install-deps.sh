#!/usr/bin/env bash
# install-deps: what the benchmark needs on top of scripts/install-deps.sh:
# OVN 23.03 (ovn-central, ovn-host) for the OVN baseline and gnuplot-nox for
# the plot.  The benchmark starts its own ovn-northd, NB/SB ovsdb-servers and
# ovn-controllers in a temporary directory; the packages' system services must
# not run.  Debian's postinst would start them, so a policy-rc.d that forbids
# service starts is put in place for the install (unless one already exists),
# and any ovn daemon the packages managed to start is stopped afterwards.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "install-deps: run as root" >&2; exit 1; }

pkgs=(ovn-central ovn-host gnuplot-nox)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: ${pkgs[*]} already installed"
    exit 0
fi

ours=
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    ours=1
fi
cleanup() { [ -n "$ours" ] && rm -f /usr/sbin/policy-rc.d; true; }
trap cleanup EXIT

echo "install-deps: installing ${missing[*]} (service starts disabled)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Make sure the packages left no daemon of theirs running.
for svc in ovn-central ovn-host ovn-northd ovn-controller \
           ovn-ovsdb-server-nb ovn-ovsdb-server-sb; do
    if command -v systemctl >/dev/null && systemctl is-active -q "$svc" 2>/dev/null; then
        echo "install-deps: stopping $svc (started by the package)"
        systemctl stop "$svc"
        systemctl disable -q "$svc" 2>/dev/null || true
    fi
done
if [ -x /usr/share/ovn/scripts/ovn-ctl ]; then
    for f in /var/run/ovn/ovn-northd.pid /var/run/ovn/ovn-controller.pid \
             /var/run/ovn/ovnnb_db.pid /var/run/ovn/ovnsb_db.pid; do
        if [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then
            echo "install-deps: stopping $(basename "$f" .pid) (started by the package)"
            case $f in
                *northd*) /usr/share/ovn/scripts/ovn-ctl stop_northd ;;
                *controller*) /usr/share/ovn/scripts/ovn-ctl stop_controller ;;
                *nb_db*) /usr/share/ovn/scripts/ovn-ctl stop_nb_ovsdb ;;
                *sb_db*) /usr/share/ovn/scripts/ovn-ctl stop_sb_ovsdb ;;
            esac
        fi
    done
fi
echo "install-deps: done"
