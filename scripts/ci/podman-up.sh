#!/usr/bin/env bash
# Prepare Podman (Debian bookworm's podman 4.3, buildah 1.28 inside) as a second
# engine for the end-to-end tests, next to the Docker engine of engine-up.sh.
# Run it as root, after engine-up.sh (it copies the base images from Docker).
#
# - Installs podman and catatonit (podman's --init binary) from bookworm, without
#   recommends. The overlay driver is native on ext4 and runc is already there
#   (a docker.io dependency), so neither fuse-overlayfs, crun, slirp4netns nor
#   buildah is needed. apt's plan is checked first: it must not remove anything
#   nor touch docker.io, docker-cli, docker-buildx or containerd.
# - Copies rockts-test/bookworm:base and :alt from Docker into podman's store
#   (`docker save | podman load`), skipping images whose layers already match,
#   and names them localhost/rockts-test/bookworm:{base,alt}; the short name
#   `rockts-test/bookworm:base` resolves to them locally, without any registry.
# - Only where the machine cannot raise rlimits (no CAP_SYS_RESOURCE, as in some
#   sandboxes), podman's rootful default (nofile and nproc 1048576) makes every
#   `podman run` fail with "error setting rlimit type 7". Then it writes
#   /etc/containers/containers.conf.d/50-rockts-ulimits.conf with limits that
#   work. That file is read by podman only; Docker is not affected.
#   ROCKTS_PODMAN_NO_ULIMITS_CONF=1 skips it (pass --ulimit yourself then).
#
# Nothing else is configured: no registries, no network. Build and run with
# --network=host always; the default "podman" CNI network would create a bridge.
# Idempotent: every step is skipped when already done.
set -euo pipefail
SCRIPT_NAME="podman-up"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

require_root
export DEBIAN_FRONTEND=noninteractive

IMAGES=("${ROCKTS_BASE_IMAGE:-rockts-test/bookworm:base}" "${ROCKTS_ALT_IMAGE:-rockts-test/bookworm:alt}")
PKGS=(podman catatonit)
PROTECTED='docker\.io|docker-cli|docker-buildx|containerd'
ULIMITS_CONF=/etc/containers/containers.conf.d/50-rockts-ulimits.conf

t_all=$(now)
pkg_version() { dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null | awk '$1 == "ii" { print $2 }'; }

# --- packages ----------------------------------------------------------------
missing=()
for p in "${PKGS[@]}"; do [ -n "$(pkg_version "$p")" ] || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  log "podman $(pkg_version podman), catatonit $(pkg_version catatonit) already installed, skipping"
else
  t0=$(now)
  log "apt-get update (system sources)"
  apt-get update -qq
  plan=$(apt-get install -s --no-install-recommends "${missing[@]}")
  if grep -q '^Remv ' <<<"$plan"; then
    grep '^Remv ' <<<"$plan" >&2; die "installing ${missing[*]} would remove packages; not doing it"
  fi
  if grep -E "^(Inst|Remv) ($PROTECTED) " <<<"$plan" >&2; then
    die "installing ${missing[*]} would replace engine packages; not doing it"
  fi
  log "installing ${missing[*]} from bookworm: $(awk '$1 == "Inst" { printf "%s ", $2 }' <<<"$plan")"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "installed in $(( $(now) - t0 ))s"
fi
command -v podman >/dev/null || die "podman is not on PATH after install"
[ -x /usr/libexec/podman/catatonit ] || die "catatonit missing: podman run --init would fail"
log "podman $(podman info --format '{{.Version.Version}}'), buildah $(podman info --format '{{.Host.BuildahVersion}}'), runtime $(podman info --format '{{.Host.OCIRuntime.Name}}'), storage $(podman info --format '{{.Store.GraphDriverName}}')"

# --- base images from Docker -------------------------------------------------
layers_docker() { docker_cmd image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' "$1" 2>/dev/null; }
layers_podman() { podman image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' "localhost/$1" 2>/dev/null; }
to_load=()
for img in "${IMAGES[@]}"; do
  d=$(layers_docker "$img") || die "Docker has no $img: run engine-up.sh first"
  if [ "$(layers_podman "$img" || true)" = "$d" ]; then
    log "localhost/$img already in podman with the same layers, skipping"
  else
    to_load+=("$img")
  fi
done
if [ ${#to_load[@]} -gt 0 ]; then
  t0=$(now)
  log "docker save ${to_load[*]} | podman load"
  docker_cmd save "${to_load[@]}" | podman load -q | sed "s/^/[$SCRIPT_NAME]   /" >&2
  for img in "${to_load[@]}"; do
    # podman 4.3 names images from a multi-image archive localhost/NAME, but the
    # image of a single-image archive docker.io/NAME. Keep one name: localhost/.
    if podman image exists "docker.io/$img"; then
      podman tag "docker.io/$img" "localhost/$img"
      podman untag "docker.io/$img" "docker.io/$img"
      log "renamed docker.io/$img to localhost/$img"
    fi
    [ "$(layers_podman "$img" || true)" = "$(layers_docker "$img")" ] || die "localhost/$img did not load as expected"
  done
  log "loaded in $(( $(now) - t0 ))s"
fi
# The short name must resolve to the local copy (registries.conf has no
# unqualified-search registries: a short name never goes to a registry).
for img in "${IMAGES[@]}"; do
  podman image exists "$img" || die "podman does not resolve the short name $img locally"
done

# --- rlimits -----------------------------------------------------------------
run_ok() { podman run --rm --network=host "$@" "${IMAGES[0]}" true 2>"$err"; }
err=$(mktemp /tmp/rockts-podman-up.XXXXXX)
trap 'rm -f "$err"' EXIT
if run_ok; then
  if [ -f "$ULIMITS_CONF" ]; then log "podman run works (rlimits from $ULIMITS_CONF)"; else log "podman run works with podman's default rlimits"; fi
elif ! grep -q 'error setting rlimit' "$err"; then
  cat "$err" >&2; die "podman run --network=host ${IMAGES[0]} true failed"
elif [ "${ROCKTS_PODMAN_NO_ULIMITS_CONF:-0}" = 1 ]; then
  log "podman run fails on rlimits ($(tail -n 1 "$err")); ROCKTS_PODMAN_NO_ULIMITS_CONF=1: not writing $ULIMITS_CONF"
else
  log "podman run fails on rlimits here ($(grep -o 'error setting rlimit type [0-9]*' "$err" | head -n 1)); probing limits that work"
  nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] && nofile=1048576
  chosen=
  for nproc in "$(ulimit -Hu)" 32768 16384 4096; do
    [ "$nproc" = unlimited ] && nproc=1048576
    if run_ok --ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc"; then chosen=$nproc; break; fi
  done
  [ -n "$chosen" ] || { cat "$err" >&2; die "no rlimits found that podman run accepts"; }
  mkdir -p "$(dirname "$ULIMITS_CONF")"
  cat >"$ULIMITS_CONF" <<CONF
# Written by rockts scripts/ci/podman-up.sh: this machine cannot raise rlimits,
# so podman's rootful default (1048576) fails in runc. Podman only.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$chosen:$chosen"]
CONF
  run_ok || { cat "$err" >&2; die "podman run still fails with $ULIMITS_CONF"; }
  log "wrote $ULIMITS_CONF (nofile=$nofile, nproc=$chosen)"
fi

log "podman ready in $(( $(now) - t_all ))s; use: podman build --network=host --iidfile F --tag T -f Dockerfile CTX, podman run --network=host ..."
