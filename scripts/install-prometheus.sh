#!/usr/bin/env bash
# Install Debian's `prometheus` package (for `promtool` and the e2e test's Prometheus), once.
# The package enables a system service on :9090; nothing of the project uses it (tests run their
# own Prometheus on a free port with its own data dir), so it is stopped and disabled here.
set -euo pipefail

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-prometheus: prometheus is missing and installing it needs root (apt-get install prometheus)" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-prometheus: no apt-get here; install prometheus 2.x (with promtool) by hand" >&2
    exit 1
fi

echo "install-prometheus: installing prometheus from Debian's packages"
"${SUDO[@]}" apt-get update -qq
# policy-rc.d's 101 keeps dpkg from starting the packaged service during the install.
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=0
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod +x "$POLICY"
    CREATED_POLICY=1
fi
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
    prometheus >/dev/null || { [ "$CREATED_POLICY" = 1 ] && "${SUDO[@]}" rm -f "$POLICY"; exit 1; }
if [ "$CREATED_POLICY" = 1 ]; then
    "${SUDO[@]}" rm -f "$POLICY"
fi
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    "${SUDO[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
promtool --version 2>&1 | head -n 1 || true
