#!/usr/bin/env bash
# Install a Docker 26 engine with buildx from Debian trixie's packages on a
# Debian bookworm machine, plus debootstrap from bookworm.
#
# trixie is NEVER added to the system's apt sources: its package lists live in
# a private temporary folder, used only to download three .debs
# (docker.io, docker-cli, docker-buildx). Their other dependencies (containerd,
# runc, tini, iptables, ...) come from bookworm. Recommends are not installed
# (they would pull apparmor, criu and needrestart, none of which is needed).
#
# The machine image ships a standalone docker 28 client in /usr/local/bin/docker,
# which shadows /usr/bin/docker on PATH and has no buildx. This script moves it
# aside (to /usr/local/lib/rockts-ci/docker-standalone) and puts a symlink to
# /usr/bin/docker in its place, so a plain `docker` is the packaged 26 client
# that matches the engine. Set ROCKTS_KEEP_LOCAL_DOCKER=1 to leave it alone.
#
# Idempotent: every step is skipped when already done.
set -euo pipefail
SCRIPT_NAME="install-engine"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

require_root
export DEBIAN_FRONTEND=noninteractive

MIN_DOCKER_MAJOR=26
TRIXIE_PKGS=(docker.io docker-cli docker-buildx)

pkg_version() { dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null | awk '$1 == "ii" { print $2 }'; }

engine_installed() {
  local v p
  for p in "${TRIXIE_PKGS[@]}"; do
    v=$(pkg_version "$p")
    [ -n "$v" ] || return 1
  done
  v=$(pkg_version docker.io)
  [ "${v%%.*}" -ge "$MIN_DOCKER_MAJOR" ] 2>/dev/null || return 1
  [ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] && [ -x /usr/libexec/docker/cli-plugins/docker-buildx ]
}

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update (system sources)"
    apt-get update -qq
    apt_updated=1
  fi
}

# --- debootstrap (bookworm) -------------------------------------------------
if [ -n "$(pkg_version debootstrap)" ]; then
  log "debootstrap already installed ($(pkg_version debootstrap)), skipping"
else
  apt_update_once
  log "installing debootstrap from bookworm"
  apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

# --- docker 26 + buildx (trixie .debs) --------------------------------------
if engine_installed; then
  log "docker.io $(pkg_version docker.io), docker-cli $(pkg_version docker-cli), docker-buildx $(pkg_version docker-buildx) already installed, skipping"
else
  if [ -n "$(pkg_version docker.io)" ]; then
    log "docker.io $(pkg_version docker.io) is installed but older than $MIN_DOCKER_MAJOR; it will be upgraded"
  fi
  mirror=$(debian_mirror)
  log "Debian mirror: $mirror"
  work=$(mktemp -d /tmp/rockts-trixie.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  chmod 755 "$work"
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
  chown _apt "$work/debs" 2>/dev/null || true
  cat >"$work/trixie.sources" <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  # Only the private sources file, private lists and a private package cache:
  # the system's apt state is never touched by trixie.
  APT_TRIXIE=(
    -o "Dir::Etc::SourceList=$work/trixie.sources"
    -o "Dir::Etc::SourceParts=-"
    -o "Dir::State::Lists=$work/lists"
    -o "Dir::Cache=$work/cache"
    -o "APT::Get::List-Cleanup=0"
  )
  log "apt-get update (private trixie lists in $work)"
  apt-get "${APT_TRIXIE[@]}" update -qq
  log "downloading ${TRIXIE_PKGS[*]} from trixie"
  (cd "$work/debs" && apt-get -qq "${APT_TRIXIE[@]}" download "${TRIXIE_PKGS[@]}")
  find "$work/debs" -name '*.deb' -printf '%f\n' | sort | sed "s/^/[$SCRIPT_NAME]   /" >&2
  apt_update_once
  log "installing the trixie .debs (dependencies from bookworm)"
  (cd "$work/debs" && apt-get install -y -qq --no-install-recommends ./docker.io_*.deb ./docker-cli_*.deb ./docker-buildx_*.deb) >/dev/null
  engine_installed || die "docker engine packages did not install as expected"
  log "installed docker.io $(pkg_version docker.io), docker-cli $(pkg_version docker-cli), docker-buildx $(pkg_version docker-buildx)"
fi

# --- make `docker` on PATH the packaged client ------------------------------
if [ "${ROCKTS_KEEP_LOCAL_DOCKER:-0}" = 1 ]; then
  log "ROCKTS_KEEP_LOCAL_DOCKER=1: leaving /usr/local/bin/docker alone"
elif [ -L /usr/local/bin/docker ] && [ "$(readlink /usr/local/bin/docker)" = /usr/bin/docker ]; then
  log "/usr/local/bin/docker already points to /usr/bin/docker, skipping"
elif [ -e /usr/local/bin/docker ]; then
  mkdir -p /usr/local/lib/rockts-ci
  if [ ! -e /usr/local/lib/rockts-ci/docker-standalone ]; then
    mv /usr/local/bin/docker /usr/local/lib/rockts-ci/docker-standalone
  else
    rm -f /usr/local/bin/docker
  fi
  ln -s /usr/bin/docker /usr/local/bin/docker
  log "moved the standalone client /usr/local/bin/docker to /usr/local/lib/rockts-ci/docker-standalone; /usr/local/bin/docker -> /usr/bin/docker"
fi

log "client: $(/usr/bin/docker --version); buildx: $(/usr/bin/docker buildx version 2>&1 | head -1)"
log "done"
