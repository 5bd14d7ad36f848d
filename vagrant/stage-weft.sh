#!/bin/bash
# stage-weft.sh: builds weft once, on this machine, and stages the install
# tree the lab's VMs copy (Vagrantfile provisioner "install"), so that no VM
# compiles anything.
#
#   stage-weft.sh [BUILD_DIR]
#
# BUILD_DIR defaults to $WEFT_BUILD_DIR, else the repository's build/; it is
# built with scripts/build.sh (the README's install script) if it holds no
# weftd.  The tree is `cmake --install BUILD_DIR --prefix /usr/local` with
# DESTDIR=vagrant/stage ($WEFT_STAGE_OUT if set: tests/lab/test-provision.sh): /usr/local/bin/{weftd,weftctl}, the schema, the
# systemd units and weft-db-prepare.  `vagrant up` rsyncs the repository,
# vagrant/stage included, to /weft on every VM.
#
# The binaries link Debian 12's libraries (libopenvswitch is static): build
# them on Debian 12 (this machine, or a Debian 12 container) to run them on
# the lab's Debian 12 boxes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:-${WEFT_BUILD_DIR:-$repo/build}}
stage=${WEFT_STAGE_OUT:-$here/stage}
say() { echo "stage-weft: $*"; }

# shellcheck disable=SC1091
. /etc/os-release
if [ "${ID:-}" != debian ] || [ "${VERSION_ID:-}" != 12 ]; then
    say "warning: this is ${PRETTY_NAME:-not Debian}, the VMs run Debian 12:" \
        "the binaries may need libraries the boxes do not have" >&2
fi
if [ ! -x "$build/controller/weftd" ] || [ ! -x "$build/controller/weftctl" ]; then
    say "building weft into $build"
    "$repo/scripts/build.sh" "$build"
fi
rm -rf "$stage"
DESTDIR=$stage cmake --install "$build" --prefix /usr/local >/dev/null
[ -x "$stage/usr/local/bin/weftd" ] || { echo "stage-weft: nothing installed into $stage" >&2; exit 1; }
say "staged $(find "$stage" -type f | wc -l) files from $build into $stage (usr/local)"
