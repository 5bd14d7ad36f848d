#!/usr/bin/env bash
# Builds weft into BUILD_DIR (default: <repo>/build).  The pinned
# libopenvswitch is built once into BUILD_DIR/ovs-cache and reused.
#   scripts/build.sh [BUILD_DIR] [extra cmake args...]
# A first build takes minutes on 2 cores: each stage prints a "build:" line
# (build-ovs.sh its own), then cmake prints its progress.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
shift || true
"$repo/scripts/install-deps.sh"
echo "build: configuring weft in $build"
cmake -S "$repo" -B "$build" "$@" >/dev/null
echo "build: compiling weftd, weftctl and the tests"
cmake --build "$build" -j"$(nproc)"
echo "build: done: $build/controller/weftd and $build/controller/weftctl"
