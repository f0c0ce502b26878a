#!/usr/bin/env bash
# Install the `wrk` load generator (with its LuaJIT scripting) from Debian's packages, once.
set -euo pipefail

if command -v wrk >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-wrk: wrk is missing and installing it needs root (apt-get install wrk)" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-wrk: no apt-get here; install wrk (4.x, with Lua) by hand" >&2
    exit 1
fi

echo "install-wrk: installing wrk from Debian's packages"
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends wrk >/dev/null
wrk --version 2>&1 | head -n 1 || true
