#!/bin/bash
# apt-missing.sh: sourced by vagrant/'s scripts.
#
#   apt_install_missing WHO PKG...: installs (apt-get, non-interactive) those
#   of the Debian packages PKG that are not installed, saying so as WHO; does
#   nothing, and needs no network, when all are.
apt_install_missing() {
    local who=$1 p missing=()
    shift
    for p in "$@"; do
        [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] \
            || missing+=("$p")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    echo "$who: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >/dev/null
}
