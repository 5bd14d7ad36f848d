#!/usr/bin/env bash
# Builds weft into BUILD_DIR (default: <repo>/build).  The pinned
# libopenvswitch is built once into BUILD_DIR/ovs-cache and reused.
#   scripts/build.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
shift || true
"$repo/scripts/install-deps.sh"
cmake -S "$repo" -B "$build" "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
