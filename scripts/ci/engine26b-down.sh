#!/usr/bin/env bash
# Stops the second Docker 26 daemon of engine26b-up.sh (by its pid file); its data root
# stays. The shared engine is not touched.
set -euo pipefail
SCRIPT_NAME="engine26b-down"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
require_root
PIDFILE=/var/run/rockts-docker26b.pid
pid=$(cat "$PIDFILE" 2>/dev/null || true)
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
  log "the second dockerd is not running"
  exit 0
fi
kill "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { log "stopped dockerd $pid"; exit 0; }; sleep 0.2; done
die "dockerd $pid did not stop within 20 s"
