#!/usr/bin/env bash
# A registry for the registry-cache tests: Debian's `docker-registry` package (the CNCF
# Distribution registry 2.8), listening on loopback only, with its own storage.
#
#   ROCKTS_REGISTRY_PORT   port on 127.0.0.1 (default 5510)
#   ROCKTS_REGISTRY_DIR    config, storage, pid file and log (default /var/lib/rockts-ci/registry-<port>)
#
# Idempotent: installs the package only when /usr/bin/docker-registry is missing (apt's
# plan is checked first: it must not remove anything; the package's own service is not
# started, policy-rc.d or not: this script runs its own instance), and starts the
# registry only when nothing answers on the port. Docker treats 127.0.0.0/8 registries
# as insecure (plain HTTP) without configuration. Run it as root.
set -euo pipefail
SCRIPT_NAME="registry-up"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

PORT=${ROCKTS_REGISTRY_PORT:-5510}
DIR=${ROCKTS_REGISTRY_DIR:-/var/lib/rockts-ci/registry-$PORT}
URL="http://127.0.0.1:$PORT/v2/"

answers() { curl -fsS --max-time 2 -o /dev/null "$URL" 2>/dev/null; }

if answers; then
  log "a registry already answers on 127.0.0.1:$PORT, nothing to do"
  exit 0
fi
require_root

if [ ! -x /usr/bin/docker-registry ]; then
  export DEBIAN_FRONTEND=noninteractive
  if ! plan=$(apt-get install -s --no-install-recommends docker-registry 2>/dev/null); then
    log "apt-get update (system sources)"
    apt-get update -qq
    plan=$(apt-get install -s --no-install-recommends docker-registry)
  fi
  if grep -q '^Remv ' <<<"$plan"; then
    grep '^Remv ' <<<"$plan" >&2; die "installing docker-registry would remove packages; not doing it"
  fi
  log "installing docker-registry: $(awk '$1 == "Inst" { printf "%s ", $2 }' <<<"$plan")"
  # RUNLEVEL=1 keeps the package's init script from starting a registry on all interfaces.
  RUNLEVEL=1 apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
  [ -x /usr/bin/docker-registry ] || die "/usr/bin/docker-registry missing after install"
fi

mkdir -p "$DIR/storage"
cat >"$DIR/config.yml" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $DIR/storage }
  delete: { enabled: true }
http:
  addr: 127.0.0.1:$PORT
YAML
clear_stale_pidfile "$DIR/registry.pid" docker-registry
if pid=$(cat "$DIR/registry.pid" 2>/dev/null) && [ -n "$pid" ]; then
  die "registry (pid $pid) is running but does not answer $URL; see $DIR/registry.log"
fi
log "starting docker-registry on 127.0.0.1:$PORT (storage $DIR/storage)"
setsid /usr/bin/docker-registry serve "$DIR/config.yml" >>"$DIR/registry.log" 2>&1 </dev/null &
rpid=$!
echo "$rpid" >"$DIR/registry.pid"
wait_for_daemon "the registry" "$rpid" "$DIR/registry.log" 10 answers
log "registry up on 127.0.0.1:$PORT (pid $rpid)"
