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

# `apt_install_stopped WHO SERVICE PACKAGE...`: install packages whose system service (SERVICE)
# the project never uses (it runs its own instances with their own config), keeping it stopped.
apt_install_stopped() {
    local who=$1 service=$2
    shift 2
    apt_root "$who" "$@"
    # A policy-rc.d that answers 101 keeps dpkg from starting the packaged service.
    local policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
        "${SUDO[@]}" chmod +x "$policy"
        trap '"${SUDO[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt_install "$who" "$@"
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        "${SUDO[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true
    fi
}
