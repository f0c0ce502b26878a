#!/usr/bin/env bash
# Build the containers' base image from Debian's packages, once per machine: a minimal bookworm
# root filesystem made by debootstrap (Python 3.11 is bookworm's python3), imported into Docker.
# For machines that reach no image registry; elsewhere the image builds FROM python:3.11-slim.
#
#   scripts/make-debian-base.sh            # skip if the image exists
#   FC_BASE_REBUILD=1 scripts/make-debian-base.sh
#
# FC_BASE_IMAGE names the image (fc-debian-base:bookworm); DEBIAN_MIRROR the mirror (else the one
# this machine's apt uses).
set -euo pipefail

IMAGE=${FC_BASE_IMAGE:-fc-debian-base:bookworm}
SUITE=bookworm
# Runtime only: the app's wheels carry their own libraries (psycopg's libpq, Pillow's codecs).
PACKAGES=python3,ca-certificates,tzdata
DOCKER=${DOCKER:-docker}

if [ -z "${FC_BASE_REBUILD:-}" ] && "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
    echo "make-debian-base: $IMAGE exists (FC_BASE_REBUILD=1 makes it again)"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "make-debian-base: debootstrap needs root" >&2
    exit 1
fi
command -v debootstrap >/dev/null 2>&1 || { echo "make-debian-base: run scripts/install-docker.sh first (debootstrap)" >&2; exit 1; }

# The mirror this machine's apt already uses, so the base comes from where packages come from.
mirror=${DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
    mirror=$(grep -hs -m1 -E '^URIs:' /etc/apt/sources.list.d/debian.sources | awk '{print $2}' || true)
fi
if [ -z "$mirror" ]; then
    mirror=$(grep -hs -m1 -E '^deb .*debian/? ' /etc/apt/sources.list | awk '{print $2}' || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}
security=${mirror%/debian}/debian-security

root=$(mktemp -d /var/tmp/fc-debian-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
started=$(date +%s)
echo "make-debian-base: debootstrap $SUITE from $mirror into $root"
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$root" "$mirror" \
    >"$root.log" 2>&1 || { tail -n 30 "$root.log" >&2; exit 1; }
rm -f "$root.log"

# Fixes keep coming through updates and security, for images built FROM this one.
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb $security $SUITE-security main
SOURCES
# No recommends, no docs, no caches: what derived images install stays small too.
cat >"$root/etc/apt/apt.conf.d/90-fc-small" <<'CONF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
CONF
cat >"$root/etc/dpkg/dpkg.cfg.d/90-fc-nodoc" <<'CONF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
CONF
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/usr/share/doc/*/changelog* \
    "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/var/log/*
# The build host's name and resolver are not the image's.
: >"$root/etc/hostname"
: >"$root/etc/resolv.conf"
# mktemp made the folder 0700, and it becomes the image's `/`: non-root users must traverse it.
chmod 755 "$root"

tar --numeric-owner -C "$root" -c . | "$DOCKER" import \
    -c 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["/bin/bash"]' \
    -m "debootstrap --variant=minbase $SUITE + $PACKAGES" - "$IMAGE" >/dev/null
echo "make-debian-base: $IMAGE built in $(($(date +%s) - started)) s," \
    "$("$DOCKER" image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
