#!/usr/bin/env bash
# Install Debian's Docker engine (`docker.io`), Compose (`docker-compose`, Compose v1: bookworm
# has no v2 plugin) and `debootstrap` (for the base image), once; then make sure the daemon runs.
# No systemd here: the daemon is started in the background with the `vfs` storage driver (no
# overlay mounts needed), logging to /var/log/fc-dockerd.log. FC_DOCKERD_ARGS adds options.
set -euo pipefail

LOG=${FC_DOCKERD_LOG:-/var/log/fc-dockerd.log}

if ! [ -x /usr/sbin/dockerd ] || ! command -v docker-compose >/dev/null 2>&1 \
    || ! command -v debootstrap >/dev/null 2>&1; then
    source "$(dirname "$0")/apt-install.sh"
    apt_install_stopped install-docker docker docker.io docker-compose debootstrap
fi

daemon_up() { /usr/bin/docker info >/dev/null 2>&1; }

if daemon_up; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-docker: the Docker daemon is not running, and starting it needs root" >&2
    exit 1
fi
echo "install-docker: starting dockerd --storage-driver=vfs (log: $LOG)"
# setsid: the daemon outlives the make or test run that started it, and none of its signals.
# shellcheck disable=SC2086
setsid /usr/sbin/dockerd --storage-driver=vfs ${FC_DOCKERD_ARGS:-} >>"$LOG" 2>&1 </dev/null &
for _ in $(seq 1 60); do
    if daemon_up; then
        /usr/bin/docker version --format 'install-docker: Docker engine {{.Server.Version}}'
        exit 0
    fi
    sleep 0.5
done
echo "install-docker: dockerd did not come up in 30 s; its log ends:" >&2
tail -n 20 "$LOG" >&2
exit 1
