#!/usr/bin/env bash
# Install a Debian package when its command is missing, once: apt-install.sh <command> <package>.
set -euo pipefail

command_name="$1"
package="$2"

if command -v "$command_name" >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "apt-install: $command_name is missing and installing it needs root (apt-get install $package)" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-install: no apt-get here; install $package by hand" >&2
    exit 1
fi

echo "apt-install: installing $package from Debian's packages"
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$package" >/dev/null
