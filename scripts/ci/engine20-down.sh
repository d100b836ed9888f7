#!/usr/bin/env bash
# Stop the Docker 20.10 daemon started by engine20-up.sh (by its pid file),
# and wait until it and its own containerd are gone. Does nothing if none runs.
# Docker 26 (start-engine.sh) is not touched. Images, build cache and the
# extracted tree stay (in /var/lib/rockts-docker20 and /opt/rockts-ci/docker20);
# ROCKTS_DOCKER20_PURGE=1 also removes the data root.
set -euo pipefail
SCRIPT_NAME="engine20-down"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
# shellcheck source-path=SCRIPTDIR source=engine20-env.sh
. "$HERE/engine20-env.sh"

require_root
CD_PIDFILE=$D20_EXEC/containerd/containerd.pid

cdpid=$(our_pid "$CD_PIDFILE" containerd "$D20_EXEC/containerd/" || true)
if pid=$(our_pid "$D20_PIDFILE" dockerd "$D20_SOCK"); then
  log "stopping docker 20.10 dockerd pid $pid"
  kill -TERM "$pid"
  wait_gone "$pid" 30 || die "dockerd 20.10 pid $pid still running after 30s"
  log "dockerd 20.10 stopped"
else
  log "no docker 20.10 dockerd running (pid file $D20_PIDFILE: '$(cat "$D20_PIDFILE" 2>/dev/null || true)')"
fi
# dockerd stops its containerd on a clean exit; stop it if it is left over.
if [ -n "$cdpid" ] && kill -0 "$cdpid" 2>/dev/null; then
  if ! wait_gone "$cdpid" 10; then
    log "stopping left-over containerd pid $cdpid of docker 20.10"
    kill -TERM "$cdpid"
    wait_gone "$cdpid" 20 || die "containerd pid $cdpid of docker 20.10 still running after 20s"
  fi
fi
rm -f "$D20_SOCK"
if [ "${ROCKTS_DOCKER20_PURGE:-0}" = 1 ]; then
  log "removing $D20_DATA and $D20_EXEC (ROCKTS_DOCKER20_PURGE=1)"
  # Layers of stopped overlay2 containers are not mounted, but check anyway.
  if grep -q " $(readlink -f "$D20_DATA")[/ ]" /proc/mounts; then die "mounts remain under $D20_DATA; not removing it"; fi
  # dockerd leaves the host network namespace bind-mounted at
  # <exec-root>/netns/default; unmount what is mounted under our exec-root.
  # (/proc/mounts shows resolved paths: /var/run is a link to /run.)
  awk -v p="$(readlink -f "$D20_EXEC")/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    log "umount $m"
    umount "$m"
  done
  rm -rf "$D20_DATA" "$D20_EXEC"
fi
log "stopped"
