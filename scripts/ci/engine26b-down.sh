#!/usr/bin/env bash
# Stops the second Docker 26 daemon of engine26b-up.sh (by its pid file, only when that
# pid is still its dockerd); its data root stays. The shared engine is not touched.
set -euo pipefail
SCRIPT_NAME="engine26b-down"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
require_root
PIDFILE=/var/run/rockts-docker26b.pid
if ! pid=$(our_pid "$PIDFILE" dockerd /var/run/rockts-docker26b.sock); then
  log "the second dockerd is not running (pid file $PIDFILE: '$(cat "$PIDFILE" 2>/dev/null || true)')"
  exit 0
fi
kill "$pid"
wait_gone "$pid" 20 || die "dockerd $pid did not stop within 20 s"
log "stopped dockerd $pid"
