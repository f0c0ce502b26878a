#!/usr/bin/env bash
# Install what the across-hosts test needs from Debian's packages, once: iproute2 (network
# namespaces, veth, bridges) and iptables (its legacy binary reaches the NFQUEUE target that
# cluster/delay.py uses in place of netem, which this machine's kernel lacks).
set -euo pipefail

if command -v ip >/dev/null 2>&1 && command -v iptables-legacy >/dev/null 2>&1; then
    exit 0
fi

source "$(dirname "$0")/apt-install.sh"
apt_install install-netns iproute2 iptables
