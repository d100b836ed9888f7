#!/usr/bin/env bash
# One entry point for CI: install the engine, start it, make the base images.
# Each step is idempotent (skips what is done). Prints each step's time.
# Environment is passed through (ROCKTS_CONTAINERD_STORE, ...: see the scripts).
#   ROCKTS_ENGINE_SMOKE=1  also run smoke-test.sh at the end.
set -euo pipefail
SCRIPT_NAME="engine-up"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

timings=()
step() {
  local name=$1 t0 t1
  shift
  t0=$(now)
  log "--- $name"
  "$@"
  t1=$(now)
  timings+=("$name=$((t1 - t0))s")
}

t_all=$(now)
step install "$HERE/install-engine.sh"
step start "$HERE/start-engine.sh"
step images "$HERE/make-base-images.sh"
if [ "${ROCKTS_ENGINE_SMOKE:-0}" = 1 ]; then
  step smoke "$HERE/smoke-test.sh"
fi
log "engine ready in $(( $(now) - t_all ))s (${timings[*]}); use: docker buildx build --network=host ..., docker run --network=host ..."
