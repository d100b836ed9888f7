# shellcheck shell=bash disable=SC2034
# Paths of the side-by-side Docker 20.10 daemon (engine20-up.sh,
# engine20-down.sh, engine20-smoke.sh). Source it after lib.sh; do not run it.
# It does not export DOCKER_HOST; the 20.10 daemon is at
#   DOCKER_HOST=unix:///var/run/rockts-docker20.sock

D20_DIR=${ROCKTS_DOCKER20_DIR:-/opt/rockts-ci/docker20}
D20_ROOT=$D20_DIR/root                       # dpkg -x of bookworm's docker.io
D20_DOCKERD=$D20_ROOT/usr/sbin/dockerd
D20_CLIENT=$D20_ROOT/usr/bin/docker          # the 20.10 client
D20_SOCK=/var/run/rockts-docker20.sock
D20_HOST=unix://$D20_SOCK
D20_DATA=/var/lib/rockts-docker20            # --data-root
D20_EXEC=/var/run/rockts-docker20            # --exec-root (its containerd lives in containerd/)
D20_PIDFILE=/var/run/rockts-docker20.pid

# The Docker 26 client (with buildx) against the 20.10 daemon.
d20_docker() { DOCKER_HOST=$D20_HOST "$DOCKER_BIN" "$@"; }
