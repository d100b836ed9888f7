#!/usr/bin/env bash
# Stop the dockerd started by start-engine.sh (by its pid file), and wait
# until it and its managed containerd are gone. Does nothing if none runs.
set -euo pipefail
SCRIPT_NAME="stop-engine"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

require_root
PIDFILE=/var/run/docker.pid
CD_PIDFILE=/var/run/docker/containerd/containerd.pid

pid=$(cat "$PIDFILE" 2>/dev/null || true)
if [ -z "$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" != dockerd ]; then
  log "no dockerd running (pid file: '${pid}'), nothing to do"
  exit 0
fi
cdpid=$(cat "$CD_PIDFILE" 2>/dev/null || true)
log "stopping dockerd pid $pid"
kill -TERM "$pid"
for _ in $(seq 60); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
if kill -0 "$pid" 2>/dev/null; then
  die "dockerd pid $pid still running after 30s"
fi
if [ -n "$cdpid" ] && [ "$(cat "/proc/$cdpid/comm" 2>/dev/null || true)" = containerd ]; then
  for _ in $(seq 20); do
    kill -0 "$cdpid" 2>/dev/null || break
    sleep 0.5
  done
fi
log "stopped"
