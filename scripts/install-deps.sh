#!/usr/bin/env bash
# Installs, from Debian 12's packages, everything weft needs to build, run its
# lab and run its tests.  Idempotent: does nothing if all are present.
set -euo pipefail

packages=(
    # build
    build-essential cmake pkg-config python3 binutils
    libevent-dev libjansson-dev libcmocka-dev
    libssl-dev                  # libcrypto: constant-time token checks
    libcurl4-openssl-dev        # weftctl --api's HTTP client
    openvswitch-source          # libopenvswitch + OVSDB IDL are built from it
    libunbound-dev              # auto-detected by OVS's configure
    libssl-dev                  # OVS's stream-ssl: ssl:/pssl: remotes
    # lab and tests
    openvswitch-switch openvswitch-common
    iproute2 ethtool iputils-ping curl tcpdump python3-scapy jq procps
    bsdextrautils               # column (weft-lab status); not in a minimal Debian 12
    iperf3 iputils-arping       # overlay test: TCP across tunnels, broadcasts
    valgrind
    vagrant shellcheck          # tests/lab/test-provision: vagrant validate, lint
    clang                       # libFuzzer target (scripts/fuzz.sh)
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}; run as root" >&2
    exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

# The Debian package starts the system's own OVS daemons; weft's lab runs its
# own per-host daemons and does not need them.
