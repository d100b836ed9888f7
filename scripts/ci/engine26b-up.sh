#!/usr/bin/env bash
# A second Docker 26 daemon, a second "machine" for the registry-cache tests: its own
# socket, data root, exec root, containerd (under its exec root) and containerd
# namespace, so its build cache and images are its own; the shared engine of
# start-engine.sh is never touched. Containerd image store, no bridge, no iptables:
# build with --network=host.
#
#   DOCKER_HOST=unix:///var/run/rockts-docker26b.sock docker buildx build --network=host ...
#
# Idempotent: starts the daemon only when its socket does not answer; copies the test
# base images from the shared engine (docker save | docker load) only when missing.
# Run it as root, after engine-up.sh. engine26b-down.sh stops it.
set -euo pipefail
SCRIPT_NAME="engine26b-up"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

B_SOCK=/var/run/rockts-docker26b.sock
B_DATA=/var/lib/rockts-docker26b
B_EXEC=/var/run/rockts-docker26b
B_PIDFILE=/var/run/rockts-docker26b.pid
CONF=/etc/rockts-ci/docker26b.json
LOG=${ROCKTS_DOCKER26B_LOG:-/var/log/rockts-docker26b.log}
WAIT=${ROCKTS_DOCKERD_WAIT:-60}
IMAGES=${ROCKTS_DOCKER26B_IMAGES:-rockts-test/bookworm:base rockts-test/bookworm:alt}

b_docker() { DOCKER_HOST=unix://$B_SOCK "$DOCKER_BIN" "$@"; }
b_answers() { b_docker version -f '{{.Server.Version}}' >/dev/null 2>&1; }

if b_answers; then
  log "second Docker 26 daemon already answers on $B_SOCK, not starting"
else
  require_root
  [ -x /usr/sbin/dockerd ] || die "/usr/sbin/dockerd missing: run install-engine.sh first"
  clear_stale_pidfile "$B_PIDFILE" dockerd
  clear_stale_pidfile "$B_EXEC/containerd/containerd.pid" containerd
  if pid=$(cat "$B_PIDFILE" 2>/dev/null) && [ -n "$pid" ]; then
    die "a second dockerd (pid $pid) is running but does not answer on $B_SOCK; see $LOG"
  fi
  rm -f "$B_SOCK"
  mkdir -p "$(dirname "$CONF")" "$(dirname "$LOG")" "$B_DATA" "$B_EXEC"
  printf '{\n  "features": { "containerd-snapshotter": true }\n}\n' >"$CONF.tmp"
  mv "$CONF.tmp" "$CONF"
  log "starting a second dockerd on $B_SOCK (containerd image store, data root $B_DATA); log: $LOG"
  printf '\n==== %s engine26b-up.sh: starting dockerd ====\n' "$(date -u +%FT%TZ)" >>"$LOG"
  setsid nohup /usr/sbin/dockerd \
    --config-file "$CONF" \
    --host "unix://$B_SOCK" \
    --data-root "$B_DATA" \
    --exec-root "$B_EXEC" \
    --pidfile "$B_PIDFILE" \
    --containerd-namespace rockts-docker26b \
    --containerd-plugins-namespace rockts-docker26b-plugins \
    --cgroup-parent /rockts-docker26b \
    --storage-driver=overlayfs \
    --bridge=none \
    --iptables=false \
    --ip6tables=false \
    </dev/null >>"$LOG" 2>&1 &
  dpid=$!
  wait_for_daemon "second dockerd" "$dpid" "$LOG" "$WAIT" b_answers
  log "second dockerd up: pid $dpid"
fi

b_docker info -f '{{range .DriverStatus}}{{index . 1}} {{end}}' | grep -q io.containerd.snapshotter || die "the second dockerd does not use the containerd image store"
for img in $IMAGES; do
  if b_docker image inspect "$img" >/dev/null 2>&1; then
    log "$img already in the second daemon, skipping"
    continue
  fi
  d26_docker image inspect "$img" >/dev/null 2>&1 || die "$img is missing on the shared Docker 26: run make-base-images.sh first"
  log "loading $img into the second daemon (docker save | docker load)"
  d26_docker save "$img" | b_docker load -q >&2 || die "docker save $img | docker load (second daemon) failed"
done
log "second Docker 26 ready: DOCKER_HOST=unix://$B_SOCK"
