#!/usr/bin/env bash
# Start the Docker engine (dockerd) in the background, if it is not running.
#
#   dockerd --storage-driver=overlay2 --bridge=none --iptables=false
#
# No bridge and no iptables rules: the engine never creates a network. Build
# and run everything with --network=host.
#
# Environment:
#   ROCKTS_CONTAINERD_STORE=1  use the containerd image store
#                              (features.containerd-snapshotter=true), with
#                              which BuildKit's COPY --link keeps layers
#                              independent of earlier lines. 0 = the classic
#                              overlay2 graph-driver store. Default: 1.
#   ROCKTS_DOCKERD_LOG         dockerd's log file (default /var/log/rockts-dockerd.log)
#   ROCKTS_DOCKERD_WAIT        seconds to wait for `docker info` (default 60)
#
# With the containerd store the storage driver is containerd's "overlayfs"
# snapshotter, otherwise the overlay2 graph driver (see below).
#
# The daemon config is generated at /etc/rockts-ci/daemon.json and passed with
# --config-file; /etc/docker/daemon.json is not used or touched. dockerd starts
# and supervises its own containerd (bookworm's 1.6), which the containerd
# store uses.
#
# If an engine already answers, nothing is started (a warning is printed if its
# image store differs from the one asked for; run stop-engine.sh first to switch).
set -euo pipefail
SCRIPT_NAME="start-engine"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

require_root
[ -x /usr/sbin/dockerd ] || die "/usr/sbin/dockerd missing: run install-engine.sh first"

WANT_CD=${ROCKTS_CONTAINERD_STORE:-1}
LOG=${ROCKTS_DOCKERD_LOG:-/var/log/rockts-dockerd.log}
WAIT=${ROCKTS_DOCKERD_WAIT:-60}
CONF_DIR=/etc/rockts-ci
CONF=$CONF_DIR/daemon.json
PIDFILE=/var/run/docker.pid
CD_PIDFILE=/var/run/docker/containerd/containerd.pid

# "true"/"false": whether the running engine uses the containerd image store.
engine_cd_store() {
  if docker_cmd info -f '{{range .DriverStatus}}{{index . 1}} {{end}}' 2>/dev/null | grep -q 'io.containerd.snapshotter'; then
    echo true
  else
    echo false
  fi
}

want_bool() { [ "$WANT_CD" = 1 ] && echo true || echo false; }

if docker_cmd info >/dev/null 2>&1; then
  have=$(engine_cd_store)
  log "engine already running (containerd image store: $have), nothing to do"
  if [ "$have" != "$(want_bool)" ]; then
    log "WARNING: asked for containerd image store=$(want_bool), but the running engine has $have; run stop-engine.sh then start-engine.sh to switch"
  fi
  exit 0
fi

clear_stale_pidfile "$PIDFILE" dockerd
clear_stale_pidfile "$CD_PIDFILE" containerd
if pid=$(cat "$PIDFILE" 2>/dev/null) && [ -n "$pid" ]; then
  die "a dockerd (pid $pid) is running but does not answer 'docker info'; see $LOG"
fi

# With the containerd store, dockerd 26 passes --storage-driver to containerd
# as the snapshotter name: containerd's overlay snapshotter is "overlayfs"
# ("overlay2" there fails at the first unpack: "snapshotter not loaded:
# overlay2"). The classic store uses the overlay2 graph driver.
if [ "$WANT_CD" = 1 ]; then STORAGE_DRIVER=overlayfs; else STORAGE_DRIVER=overlay2; fi

mkdir -p "$CONF_DIR" "$(dirname "$LOG")"
cat >"$CONF.tmp" <<JSON
{
  "features": { "containerd-snapshotter": $(want_bool) }
}
JSON
mv "$CONF.tmp" "$CONF"

log "starting dockerd --storage-driver=$STORAGE_DRIVER (containerd image store: $(want_bool)); log: $LOG"
printf '\n==== %s start-engine.sh: starting dockerd ====\n' "$(date -u +%FT%TZ)" >>"$LOG"
# setsid + nohup: the engine outlives this script and the calling shell.
setsid nohup /usr/sbin/dockerd \
  --config-file "$CONF" \
  --storage-driver="$STORAGE_DRIVER" \
  --bridge=none \
  --iptables=false \
  --ip6tables=false \
  </dev/null >>"$LOG" 2>&1 &
dpid=$!

start=$(now)
wait_for_daemon dockerd "$dpid" "$LOG" "$WAIT" docker_cmd info

have=$(engine_cd_store)
[ "$have" = "$(want_bool)" ] || die "engine started, but its containerd image store is $have, not $(want_bool)"
log "engine up after $(( $(now) - start ))s: pid $dpid, $(docker_cmd version -f 'server {{.Server.Version}}, API {{.Server.APIVersion}}'), containerd image store: $have"
