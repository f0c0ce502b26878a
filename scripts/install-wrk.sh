#!/usr/bin/env bash
# Install the `wrk` load generator (with its LuaJIT scripting) from Debian's packages, once.
set -euo pipefail

bash "$(dirname "$0")/apt-install.sh" wrk wrk
wrk --version 2>&1 | head -n 1 || true
