#!/usr/bin/env bash
# Install the `wrk` load generator (with its LuaJIT scripting) from Debian's packages, once.
set -euo pipefail

if command -v wrk >/dev/null 2>&1; then
    exit 0
fi

source "$(dirname "$0")/apt-install.sh"
apt_install install-wrk wrk
wrk --version 2>&1 | head -n 1 || true
