#!/usr/bin/env bash
# Shared by the install-*.sh scripts (sourced): install Debian packages as root or through sudo.
# `apt_install WHO PACKAGE...` says why it cannot (no root, no sudo, no apt-get) and exits 1.

apt_root() {
    local who=$1
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "$who: installing needs root (apt-get install ${*:2})" >&2
        exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$who: no apt-get here; install ${*:2} by hand" >&2
        exit 1
    fi
}

apt_install() {
    local who=$1
    shift
    apt_root "$who" "$@"
    echo "$who: installing $* from Debian's packages"
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
        "$@" >/dev/null
}
