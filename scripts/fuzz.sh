#!/usr/bin/env bash
# fuzz.sh: builds the REST request-parsing fuzz target (tests/fuzz/fuzz-rest.c)
# with clang's libFuzzer, ASan and UBSan, and runs it for a bounded time.
#
# Usage: fuzz.sh [BUILD_DIR] [SECONDS]
#   BUILD_DIR  a configured and built weft build tree (default $WEFT_BUILD_DIR
#              or ./build): its OVS cache is reused;
#   SECONDS    -max_total_time (default 30).
#
# The main build uses gcc, so this compiles the parse path itself with clang:
# rest/rest-parse.c, routes.c, api-call.c, token-hash.c, plain-util.c
# (jansson side), and topology/, where weft_request_check() is (OVS side: OVS
# include dirs and the json rename header, as cmake/OVS.cmake sets them),
# instrumented; libopenvswitch is linked as built.  New inputs
# go to a scratch copy of tests/fuzz/corpus; crashes and leaks fail the run.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${WEFT_BUILD_DIR:-$repo/build}}" && pwd)
secs=${2:-30}

command -v clang >/dev/null || { echo "fuzz.sh: clang not found (apt-get install clang)" >&2; exit 1; }
cache=$(sed -n 's/^WEFT_OVS_CACHE:PATH=//p' "$build/CMakeCache.txt")
ovs=$("$repo/scripts/build-ovs.sh" "$cache" | tail -1)
libs=$(cat "$(dirname "$ovs")/libs-private.txt")
out=$build/fuzz
mkdir -p "$out"

# shellcheck disable=SC2054  # -fsanitize=a,b is one argument.
cflags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
        -fno-omit-frame-pointer -Wall -Wno-unused-parameter -Wno-sign-compare)
read -ra pc_cflags <<<"$(pkg-config --cflags jansson libevent)"
read -ra pc_libs <<<"$(pkg-config --libs jansson libevent libcrypto)"
jansson_side=(-I"$repo/controller/rest" -I"$repo/controller" -I"$repo/topology" "${pc_cflags[@]}")
ovs_side=(-I"$ovs" -I"$ovs/include" -I"$ovs/lib"
          -I"$repo/topology" -include "$repo/ovsdb/ovs-json-rename.h"
          -Wno-missing-field-initializers)

objs=()
for f in controller/rest/rest-parse.c controller/rest/routes.c controller/rest/api-call.c controller/rest/token-hash.c controller/plain-util.c tests/fuzz/fuzz-rest.c; do
    o=$out/$(basename "${f%.c}").o
    clang "${cflags[@]}" "${jansson_side[@]}" -c "$repo/$f" -o "$o"
    objs+=("$o")
done
for f in topology/*.c; do
    o=$out/$(basename "${f%.c}").o
    clang "${cflags[@]}" "${ovs_side[@]}" -c "$repo/$f" -o "$o"
    objs+=("$o")
done
# shellcheck disable=SC2086
clang "${cflags[@]}" "${objs[@]}" "$ovs/lib/.libs/libopenvswitch.a" $libs \
    "${pc_libs[@]}" -lpthread -o "$out/fuzz-rest"

corpus=$(mktemp -d /tmp/weft-fuzz.XXXXXX)
trap 'rm -rf "$corpus"' EXIT
cp "$repo"/tests/fuzz/corpus/* "$corpus/"
echo "fuzz.sh: fuzz-rest for ${secs}s"
status=0
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
"$out/fuzz-rest" -max_total_time="$secs" -max_len=4096 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$out/" "$corpus" \
    >"$out/fuzz.log" 2>&1 || status=$?
if [ $status -ne 0 ]; then
    grep -v '^#[0-9]' "$out/fuzz.log" | tail -60 >&2
    echo "fuzz.sh: FAILED (log: $out/fuzz.log; reproducer in $out/)" >&2
else
    grep -E '^#[0-9]+ *DONE|^stat::(number_of_executed_units|peak_rss_mb)' "$out/fuzz.log"
    echo "fuzz.sh: no crash, no leak; $(find "$corpus" -type f | wc -l) corpus inputs"
fi
exit $status
