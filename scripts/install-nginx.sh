#!/usr/bin/env bash
# Install Debian's `nginx` package (the cluster's load balancer and TLS terminator), once.
# The package would start a system service on :80; the cluster runs its own nginx with its own
# config and prefix, so the packaged service is kept from starting.
set -euo pipefail

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    exit 0
fi

source "$(dirname "$0")/apt-install.sh"
apt_root install-nginx nginx
# A policy-rc.d that answers 101 keeps dpkg from starting the packaged service.
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod +x "$POLICY"
    trap '"${SUDO[@]}" rm -f "$POLICY"' EXIT
fi
apt_install install-nginx nginx openssl
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    "${SUDO[@]}" systemctl disable --now nginx >/dev/null 2>&1 || true
fi
/usr/sbin/nginx -v 2>&1 | head -n 1
