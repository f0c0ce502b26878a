#!/usr/bin/env bash
# Install Debian's `nginx` package (the cluster's load balancer and TLS terminator), once.
# The package would start a system service on :80; the cluster runs its own nginx with its own
# config and prefix, so the packaged service is kept from starting.
set -euo pipefail

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    exit 0
fi

source "$(dirname "$0")/apt-install.sh"
apt_install_stopped install-nginx nginx nginx openssl
/usr/sbin/nginx -v 2>&1 | head -n 1
