#!/usr/bin/env bash
# Install PostgreSQL's client tools (pg_dump, pg_restore: backups of PostgreSQL databases), once.
set -euo pipefail

if command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1; then
    exit 0
fi

source "$(dirname "$0")/apt-install.sh"
apt_install install-pg-client postgresql-client
