#!/usr/bin/env bash
# Builds libopenvswitch (static) and ovsdb-idlc from Debian's openvswitch-source
# tarball into a cache directory keyed on the tarball's SHA-256, so a rebuild of
# weft never rebuilds OVS unless the pinned source changes.
#
# Usage: build-ovs.sh CACHE_ROOT
# Prints the path of the OVS build tree on its last line of stdout.
#
# The archive is post-processed: libopenvswitch exports json_object, json_array,
# json_string, json_integer, json_real and json_equal, the same names jansson
# exports.  In one static link the first definition wins silently, so jansson
# callers would run OVS code and abort.  We rename OVS's definitions and every
# reference to them inside the archive (objcopy --redefine-syms) to ovs_json_*;
# weft's OVS-side sources are compiled with ovsdb/ovs-json-rename.h force-included
# so their calls follow the rename.  tests/unit/test-json-symbols.c guards it.
set -euo pipefail

cache_root=${1:?usage: build-ovs.sh CACHE_ROOT}
tarball=${OVS_SOURCE_TARBALL:-/usr/src/openvswitch/openvswitch.tar.gz}
expected_version=3.1.0

if [ ! -r "$tarball" ]; then
    echo "build-ovs: $tarball not found; install Debian's openvswitch-source" >&2
    exit 1
fi

# configure's options are part of the cache key: a cache built with other
# options (e.g. without OpenSSL, before stream-ssl was needed) is not reused.
configure_args=(--prefix=/usr --localstatedir=/var --sysconfdir=/etc
    --enable-static --disable-shared --enable-ssl --disable-libcapng)
sum=$( { sha256sum "$tarball" | cut -c1-64; echo "${configure_args[*]}"; } \
    | sha256sum | cut -c1-16)
dest="$cache_root/ovs-$sum"
if [ -f "$dest/.weft-built" ]; then
    echo "$dest/openvswitch"
    exit 0
fi

# Progress goes to stderr: stdout is for the path (cmake reads it).
echo "build-ovs: building libopenvswitch $expected_version (about a minute, once) into $dest" >&2
rm -rf "$dest"
mkdir -p "$dest"
tar -xzf "$tarball" -C "$dest"
src="$dest/openvswitch"
version=$(sed -n 's/^AC_INIT(openvswitch, *\([^,]*\),.*/\1/p' "$src/configure.ac")
if [ "$version" != "$expected_version" ]; then
    echo "build-ovs: tarball is OVS $version, weft is pinned to $expected_version" >&2
    exit 1
fi

jobs=$(nproc)
(
    cd "$src"
    echo "build-ovs: 1/3 configure" >&2
    # Debian's directory layout (so ovs_rundir() agrees with the packaged
    # daemons), and OpenSSL for ssl:/pssl: remotes (stream-ssl; libssl-dev).
    ./configure "${configure_args[@]}" \
        PYTHON3=/usr/bin/python3 CFLAGS="-O2 -g -fPIC" >"$dest/configure.log" 2>&1 \
        || { tail -30 "$dest/configure.log" >&2; exit 1; }
    echo "build-ovs: 2/3 generated headers" >&2
    # Generated headers (odp-netlink.h, ...) are BUILT_SOURCES: build them first.
    printf 'weft-built-sources: $(BUILT_SOURCES)\n' \
        | make -f Makefile -f - -j"$jobs" weft-built-sources >"$dest/make.log" 2>&1 \
        || { tail -30 "$dest/make.log" >&2; exit 1; }
    echo "build-ovs: 3/3 libopenvswitch and ovsdb-idlc (log: $dest/make.log)" >&2
    make -j"$jobs" lib/libopenvswitch.la ovsdb/ovsdb-idlc >>"$dest/make.log" 2>&1 \
        || { tail -30 "$dest/make.log" >&2; exit 1; }
)

# Rename the symbols that collide with jansson, in both archives.
renames="$dest/json-renames.txt"
for s in json_object json_array json_string json_integer json_real json_equal; do
    echo "$s ovs_$s"
done >"$renames"
for a in "$src/lib/.libs/libopenvswitch.a" "$src/lib/.libs/libopenvswitchavx512.a"; do
    objcopy --redefine-syms="$renames" "$a"
done
# Link flags libopenvswitch needs (it records them in its .pc file).
sed -n 's/^Libs.private: *//p' "$src/lib/libopenvswitch.pc" >"$dest/libs-private.txt"

touch "$dest/.weft-built"
echo "build-ovs: libopenvswitch built" >&2
echo "$src"
