#!/usr/bin/env bash
# Builds a local Debian 12 base image with debootstrap and `docker import`,
# for machines that reach Debian's package mirror but no image registry.
#   docker/make-base-image.sh [TAG]   (default asyncfetch-base:bookworm)
set -euo pipefail
tag=${1:-asyncfetch-base:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
root=$(mktemp -d /tmp/asyncfetch-rootfs-XXXXXX)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.log" 2>&1 ||
  { tail -20 "$root.log" >&2; exit 1; }
rm -f "$root.log"
echo "deb $mirror bookworm main" > "$root/etc/apt/sources.list"
echo "deb $mirror bookworm-updates main" >> "$root/etc/apt/sources.list"
echo "deb http://security.debian.org/debian-security bookworm-security main" >> "$root/etc/apt/sources.list"
tar -C "$root" -c . | docker import - "$tag" > /dev/null
echo "$tag"
