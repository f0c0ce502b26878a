#!/usr/bin/env bash
# Install Debian's `prometheus` package (for `promtool` and the e2e test's Prometheus), once.
# The package would start a system service on :9090; nothing of the project uses it (tests run
# their own Prometheus on a free port with its own data dir), so it is kept from starting.
set -euo pipefail

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
    exit 0
fi

source "$(dirname "$0")/apt-install.sh"
apt_install_stopped install-prometheus prometheus prometheus
promtool --version 2>&1 | head -n 1 || true
