#!/usr/bin/env bash
# Make the local base images that rockts' real-build tests use as FROM:
#
#   rockts-test/bookworm:base  a Debian bookworm minbase rootfs (debootstrap),
#                              imported with `docker import`
#   rockts-test/bookworm:alt   :base plus one small file (/etc/rockts-test-alt),
#                              a different image for "the user's final base
#                              image changed" tests
#
# apt inside both uses this machine's Debian mirror (deb822 sources in
# /etc/apt/sources.list.d/debian.sources), so `apt-get update && apt-get
# install` works in builds and containers run with --network=host.
#
# Needs a running engine (start-engine.sh). Images that exist are skipped. The
# debootstrap rootfs is kept as a tarball in $ROCKTS_ROOTFS_CACHE (default
# /var/cache/rockts-ci) so that re-importing (e.g. after switching image
# store) does not run debootstrap again; ROCKTS_REBUILD_ROOTFS=1 redoes it.
set -euo pipefail
SCRIPT_NAME="make-base-images"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

require_root
command -v debootstrap >/dev/null || die "debootstrap missing: run install-engine.sh first"
docker_cmd info >/dev/null 2>&1 || die "no engine answers 'docker info': run start-engine.sh first"

BASE=${ROCKTS_BASE_IMAGE:-rockts-test/bookworm:base}
ALT=${ROCKTS_ALT_IMAGE:-rockts-test/bookworm:alt}
CACHE=${ROCKTS_ROOTFS_CACHE:-/var/cache/rockts-ci}
ROOTFS_TAR=$CACHE/bookworm-minbase.tar

image_exists() { docker_cmd image inspect "$1" >/dev/null 2>&1; }

make_rootfs_tar() {
  local mirror security dir
  mirror=$(debian_mirror)
  security=$(debian_security_mirror)
  dir=$(mktemp -d /tmp/rockts-rootfs.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -rf '$dir'" EXIT
  log "debootstrap --variant=minbase bookworm $dir $mirror"
  debootstrap --variant=minbase bookworm "$dir" "$mirror" >"$dir.log" 2>&1 || {
    tail -n 30 "$dir.log" >&2; rm -f "$dir.log"; die "debootstrap failed"
  }
  rm -f "$dir.log"

  # apt sources like the official debian:bookworm image, on this machine's mirrors.
  rm -f "$dir/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror"
    if [ -n "$security" ]; then
      printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$security"
    fi
  } >"$dir/etc/apt/sources.list.d/debian.sources"
  # Image hygiene: no package lists or .debs, no host-specific files.
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/archives/*.deb \
         "$dir"/var/cache/apt/*.bin "$dir"/var/log/apt/* "$dir"/var/log/dpkg.log
  mkdir -p "$dir/var/lib/apt/lists/partial"
  : >"$dir/etc/resolv.conf"
  : >"$dir/etc/hostname"
  # debootstrap may leave a policy-rc.d or diversions behind; it does not for
  # minbase, but make sure nothing under /proc, /sys or /dev is captured.
  mkdir -p "$CACHE"
  log "packing the rootfs to $ROOTFS_TAR"
  tar --numeric-owner --xattrs --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* \
      -C "$dir" -cf "$ROOTFS_TAR.tmp" .
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$dir"
  trap - EXIT
}

# --- :base ------------------------------------------------------------------
if image_exists "$BASE"; then
  log "$BASE exists ($(docker_cmd image inspect -f '{{.Id}}' "$BASE")), skipping"
else
  if [ "${ROCKTS_REBUILD_ROOTFS:-0}" = 1 ] || [ ! -s "$ROOTFS_TAR" ]; then
    make_rootfs_tar
  else
    log "reusing the rootfs tarball $ROOTFS_TAR"
  fi
  log "docker import -> $BASE"
  if ! docker_cmd import --change 'CMD ["bash"]' - "$BASE" <"$ROOTFS_TAR" >/dev/null; then
    # A failed unpack can still leave the tag behind: drop it, so that the
    # next run does not skip a broken image.
    docker_cmd image rm -f "$BASE" >/dev/null 2>&1 || true
    die "docker import of $BASE failed"
  fi
  if ! docker_cmd run --rm --network=host "$BASE" sh -c 'test -s /etc/apt/sources.list.d/debian.sources'; then
    docker_cmd image rm -f "$BASE" >/dev/null 2>&1 || true
    die "$BASE does not run"
  fi
  log "$BASE: $(docker_cmd image inspect -f '{{.Id}} {{.Size}} bytes' "$BASE")"
fi

# --- :alt -------------------------------------------------------------------
if image_exists "$ALT"; then
  log "$ALT exists ($(docker_cmd image inspect -f '{{.Id}}' "$ALT")), skipping"
else
  log "docker build --network=host -> $ALT (FROM $BASE plus /etc/rockts-test-alt)"
  printf 'FROM %s\nRUN echo "rockts-test alt base image" > /etc/rockts-test-alt\n' "$BASE" |
    docker_cmd buildx build --network=host --progress=plain --provenance=false --load -t "$ALT" - 2>&1 |
    sed "s/^/[$SCRIPT_NAME]   /" >&2
  image_exists "$ALT" || die "building $ALT failed"
  log "$ALT: $(docker_cmd image inspect -f '{{.Id}}' "$ALT")"
fi

log "done: $(docker_cmd image ls --format '{{.Repository}}:{{.Tag}} {{.ID}}' | grep -F "${BASE%%:*}" | tr '\n' ' ')"
