#!/usr/bin/env bash
# Run Debian bookworm's Docker 20.10 daemon SIDE BY SIDE with the Docker 26
# engine of start-engine.sh, to test rockts's fallback path (Docker < 23: the
# built-in Dockerfile frontend has no COPY --link and no heredocs).
#
#   1. `apt-get download docker.io=<bookworm's 20.10 version>` (never installed:
#      that would replace Docker 26's docker.io) and `dpkg -x` it into
#      $ROCKTS_DOCKER20_DIR/root (default /opt/rockts-ci/docker20/root).
#      Skipped when that tree already holds the same version.
#   2. Start its dockerd in the background (skipped when it already answers):
#        dockerd --host unix:///var/run/rockts-docker20.sock
#                --data-root /var/lib/rockts-docker20
#                --exec-root /var/run/rockts-docker20
#                --pidfile   /var/run/rockts-docker20.pid
#                --storage-driver=overlay2 (classic graph-driver store)
#                --bridge=none --iptables=false --ip6tables=false
#                --containerd-namespace=rockts-docker20 ...
#      It starts and supervises its OWN containerd (bookworm's /usr/bin/containerd)
#      with socket, state and root under its exec-root/data-root; Docker 26's
#      containerd (/var/run/docker/containerd) is never used. The daemon config
#      is /etc/rockts-ci/docker20-daemon.json (/etc/docker/daemon.json is not read).
#   3. Load rockts-test/bookworm:base and :alt from Docker 26 into it
#      (`docker save | docker -H <20.10 socket> load`), skipping images whose
#      id is already there.
#   4. With ROCKTS_DOCKER20_SMOKE=1, run engine20-smoke.sh.
#
# Use it with:
#   DOCKER_HOST=unix:///var/run/rockts-docker20.sock docker buildx build --network=host --load ...
#   DOCKER_HOST=unix:///var/run/rockts-docker20.sock docker run --rm --network=host ...
# (/usr/bin/docker, the 26 client, negotiates down to API 1.41.) The 20.10
# client is $ROCKTS_DOCKER20_DIR/root/usr/bin/docker. Stop it with engine20-down.sh.
#
# No network is ever created: build and run with --network=host.
#
# Environment:
#   ROCKTS_DOCKER20_DIR    where the .deb is extracted (default /opt/rockts-ci/docker20)
#   ROCKTS_DOCKER20_LOG    dockerd's log (default /var/log/rockts-docker20.log)
#   ROCKTS_DOCKER20_WAIT   seconds to wait for `docker version` (default 60)
#   ROCKTS_DOCKER20_IMAGES images to copy from Docker 26
#                          (default "rockts-test/bookworm:base rockts-test/bookworm:alt")
#   ROCKTS_DOCKER20_SMOKE  1 = also run engine20-smoke.sh (default 0)
set -euo pipefail
SCRIPT_NAME="engine20-up"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

require_root
export DEBIAN_FRONTEND=noninteractive

# shellcheck source-path=SCRIPTDIR source=engine20-env.sh
. "$HERE/engine20-env.sh"
LOG=${ROCKTS_DOCKER20_LOG:-/var/log/rockts-docker20.log}
WAIT=${ROCKTS_DOCKER20_WAIT:-60}
IMAGES=${ROCKTS_DOCKER20_IMAGES:-rockts-test/bookworm:base rockts-test/bookworm:alt}
CONF=/etc/rockts-ci/docker20-daemon.json

timings=()
t_all=$(now)
mark() { timings+=("$1=$(( $(now) - $2 ))s"); }

# --- 1. fetch and extract bookworm's docker.io 20.10 --------------------------
t0=$(now)
# bookworm's version of docker.io (the installed 26 from trixie is the apt
# candidate, so the version must be named explicitly).
want_version() {
  apt-cache madison docker.io 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2) } $2 ~ /^20\.10\./ { print $2; exit }'
}
have_version=$(cat "$D20_DIR/version" 2>/dev/null || true)
if [ -n "$have_version" ] && [ -x "$D20_DOCKERD" ] && [ -x "$D20_CLIENT" ]; then
  log "docker.io $have_version already extracted in $D20_ROOT, skipping download"
else
  ver=$(want_version)
  if [ -z "$ver" ]; then
    log "no docker.io 20.10 in the apt lists yet: apt-get update (system sources)"
    apt-get update -qq
    ver=$(want_version)
  fi
  [ -n "$ver" ] || die "apt-cache madison docker.io shows no 20.10.x version (is bookworm in the apt sources?)"
  work=$(mktemp -d /tmp/rockts-docker20.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  chmod 755 "$work"
  chown _apt "$work" 2>/dev/null || true
  log "apt-get download docker.io=$ver (not installed; extracted only)"
  (cd "$work" && apt-get download -qq "docker.io=$ver") || die "apt-get download docker.io=$ver failed"
  deb=$(ls "$work"/docker.io_*.deb)
  rm -rf "$D20_DIR.tmp"
  mkdir -p "$D20_DIR.tmp/root"
  dpkg -x "$deb" "$D20_DIR.tmp/root"
  # The package's /usr/bin/docker-init is a relative link to tini-static,
  # which the tini package (installed for Docker 26) provides in /usr/bin.
  if [ -L "$D20_DIR.tmp/root/usr/bin/docker-init" ]; then
    ln -sfn /usr/bin/tini-static "$D20_DIR.tmp/root/usr/bin/docker-init"
  fi
  printf '%s\n' "$ver" >"$D20_DIR.tmp/version"
  rm -rf "$D20_DIR"
  mkdir -p "$(dirname "$D20_DIR")"
  mv "$D20_DIR.tmp" "$D20_DIR"
  rm -rf "$work"
  trap - EXIT
  log "extracted docker.io $ver into $D20_ROOT ($(du -sh "$D20_ROOT" | cut -f1))"
fi
for b in /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/bin/runc /usr/bin/tini-static; do
  [ -x "$b" ] || die "$b missing (bookworm's containerd, runc and tini come with install-engine.sh)"
done
mark fetch "$t0"

# --- 2. start dockerd 20.10 ----------------------------------------------------
t0=$(now)
# "true" when the 20.10 daemon answers on its socket.
d20_answers() { d20_docker version -f '{{.Server.Version}}' >/dev/null 2>&1; }


if d20_answers; then
  log "docker 20.10 daemon already answers on $D20_SOCK ($(d20_docker version -f 'server {{.Server.Version}}, API {{.Server.APIVersion}}')), not starting"
else
  clear_stale_pidfile "$D20_PIDFILE" dockerd
  clear_stale_pidfile "$D20_EXEC/containerd/containerd.pid" containerd
  if pid=$(cat "$D20_PIDFILE" 2>/dev/null) && [ -n "$pid" ]; then
    die "a docker 20.10 dockerd (pid $pid) is running but does not answer on $D20_SOCK; see $LOG (engine20-down.sh stops it)"
  fi
  # dockerd 20.10 uses a running "system" containerd if /run/containerd/containerd.sock
  # exists, instead of starting its own; refuse, so that it never shares one.
  if [ -e /run/containerd/containerd.sock ]; then
    die "/run/containerd/containerd.sock exists: dockerd 20.10 would use that containerd instead of its own"
  fi
  rm -f "$D20_SOCK"
  mkdir -p "$(dirname "$CONF")" "$(dirname "$LOG")" "$D20_DATA" "$D20_EXEC"
  cat >"$CONF.tmp" <<'JSON'
{
  "features": { "buildkit": true }
}
JSON
  mv "$CONF.tmp" "$CONF"

  log "starting dockerd $(cat "$D20_DIR/version") on $D20_SOCK (overlay2, own containerd under $D20_EXEC/containerd); log: $LOG"
  printf '\n==== %s engine20-up.sh: starting dockerd 20.10 ====\n' "$(date -u +%FT%TZ)" >>"$LOG"
  # PATH: the package's docker-proxy/docker-init first, then bookworm's
  # containerd, containerd-shim-runc-v2 and runc from /usr/bin.
  # setsid + nohup: the daemon outlives this script and the calling shell.
  PATH="$D20_ROOT/usr/sbin:$D20_ROOT/usr/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    setsid nohup "$D20_DOCKERD" \
    --config-file "$CONF" \
    --host "unix://$D20_SOCK" \
    --data-root "$D20_DATA" \
    --exec-root "$D20_EXEC" \
    --pidfile "$D20_PIDFILE" \
    --containerd-namespace rockts-docker20 \
    --containerd-plugins-namespace rockts-docker20-plugins \
    --cgroup-parent /rockts-docker20 \
    --storage-driver=overlay2 \
    --bridge=none \
    --iptables=false \
    --ip6tables=false \
    </dev/null >>"$LOG" 2>&1 &
  dpid=$!

  start=$(now)
  wait_for_daemon "dockerd 20.10" "$dpid" "$LOG" "$WAIT" d20_answers
  log "dockerd 20.10 up after $(( $(now) - start ))s: pid $dpid, $(d20_docker version -f 'server {{.Server.Version}}, API {{.Server.APIVersion}}')"
fi

# Check that it runs its own containerd, not Docker 26's.
cdpid=$(cat "$D20_EXEC/containerd/containerd.pid" 2>/dev/null || true)
if [ -z "$cdpid" ] || [ "$(cat "/proc/$cdpid/comm" 2>/dev/null || true)" != containerd ]; then
  tail -n 20 "$LOG" >&2 || true
  die "dockerd 20.10 answers, but its own containerd ($D20_EXEC/containerd/containerd.pid) is not running"
fi
driver=$(d20_docker info -f '{{.Driver}}')
[ "$driver" = overlay2 ] || die "dockerd 20.10 storage driver is '$driver', not overlay2"
log "dockerd 20.10: pid $(cat "$D20_PIDFILE"), containerd pid $cdpid ($D20_EXEC/containerd/containerd.sock), storage driver $driver"
mark start "$t0"

# --- 3. copy the test base images from Docker 26 --------------------------------
t0=$(now)
# Layer diff ids are the same in both image stores (Docker 26's containerd
# store reports a manifest digest as .Id, the classic store a config digest).
layers() { "$@" image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' "$img" 2>/dev/null; }
for img in $IMAGES; do
  src=$(layers d26_docker) || die "$img is missing on Docker 26 ($DOCKER_BIN): run make-base-images.sh first"
  if [ "$(layers d20_docker || true)" = "$src" ]; then
    log "$img already in docker 20.10 (same layers), skipping"
    continue
  fi
  log "loading $img into docker 20.10 (docker save | docker load)"
  d26_docker save "$img" | d20_docker load -q >&2 || die "docker save $img | docker 20.10 load failed"
  [ "$(layers d20_docker || true)" = "$src" ] || die "$img loaded into docker 20.10, but its layers differ from Docker 26's"
done
mark images "$t0"

if [ "${ROCKTS_DOCKER20_SMOKE:-0}" = 1 ]; then
  t0=$(now)
  "$HERE/engine20-smoke.sh"
  mark smoke "$t0"
fi

log "docker 20.10 ready in $(( $(now) - t_all ))s (${timings[*]}); use: DOCKER_HOST=unix://$D20_SOCK docker buildx build --network=host --load ..., DOCKER_HOST=unix://$D20_SOCK docker run --rm --network=host ..."
