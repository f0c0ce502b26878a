#!/usr/bin/env bash
# Install Debian's Chromium for the GraphiQL browser test; a no-op once /usr/bin/chromium exists.
# Playwright drives this system browser (never `playwright install`: only Debian's packages are
# reachable from the machines this project runs on).
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [[ -x "$CHROMIUM" ]]; then
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
    SUDO=sudo
else
    SUDO=
fi

echo "Installing Debian's chromium (needed by the browser test)..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null

if [[ ! -x "$CHROMIUM" ]]; then
    echo "chromium was installed but $CHROMIUM is missing" >&2
    exit 1
fi
"$CHROMIUM" --version
