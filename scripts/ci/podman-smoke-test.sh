#!/usr/bin/env bash
# Check that podman (after podman-up.sh) builds and runs what rockts needs, as
# root, always with --network=host:
#   - a multi-stage build FROM the short name rockts-test/bookworm:base with
#     RUN --mount=type=cache,id=...,sharing=locked, COPY --from=stage, an apt-get
#     install of `hello` and a LABEL; --iidfile; a second build is all cache hits
#     ("--> Using cache <id>"); with the final stage FROM :alt the builder stage
#     stays cached and the cache mount keeps its contents between builds;
#   - COPY --link is refused and a RUN heredoc is not understood (buildah 1.28);
#   - podman run hello; --user 4242:4242 with a mounted folder (files are owned
#     by 4242:4242 on the host); image and container labels via inspect;
#     --init with exec into the kept container.
# Removes its own images (rockts-test/podman-smoke:*) and container at the end.
set -euo pipefail
SCRIPT_NAME="podman-smoke-test"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

require_root
BASE=${ROCKTS_BASE_IMAGE:-rockts-test/bookworm:base}
ALT=${ROCKTS_ALT_IMAGE:-rockts-test/bookworm:alt}
T=rockts-test/podman-smoke
CTR=rockts-podman-smoke
command -v podman >/dev/null || die "no podman: run podman-up.sh first"
podman image exists "$BASE" || die "podman has no $BASE: run podman-up.sh first"

ctx=$(mktemp -d /tmp/rockts-podman-smoke.XXXXXX)
cleanup() {
  podman rm -f -t 0 "$CTR" >/dev/null 2>&1 || true
  podman rmi -f "$T:base" "$T:alt" "$T:link" "$T:heredoc" >/dev/null 2>&1 || true
  rm -rf "$ctx"
}
trap cleanup EXIT
build() { # build TAG DOCKERFILE LOG [args...]
  local tag=$1 file=$2 logf=$3; shift 3
  podman build --network=host --iidfile "$ctx/iid" --tag "$T:$tag" -f "$file" "$@" "$ctx" >"$logf" 2>&1
}

# A per-run value in the cache mount shows whether the mount persists.
stamp=$(date +%s%N)
cat >"$ctx/Dockerfile" <<DOCKERFILE
ARG FINAL=$BASE
FROM $BASE AS builder
RUN mkdir -p /opt/x/usr/local/share && echo "built \$(date +%s%N)" > /opt/x/usr/local/share/x.txt

FROM \${FINAL} AS final
ARG STAMP=0
RUN --mount=type=cache,id=rockts-podman-smoke,target=/var/cache/rockts-smoke,sharing=locked \\
    echo "\$STAMP" >> /var/cache/rockts-smoke/runs && cp /var/cache/rockts-smoke/runs /runs
COPY --from=builder /opt/x/ /
RUN apt-get update && apt-get install -y --no-install-recommends hello && rm -rf /var/lib/apt/lists/*
LABEL k=v1
DOCKERFILE

log "build 1 FROM $BASE"
build base "$ctx/Dockerfile" "$ctx/b1.log" --build-arg "STAMP=$stamp-1" || { tail -n 30 "$ctx/b1.log" >&2; die "build 1 failed"; }
iid=$(cat "$ctx/iid")
[[ $iid == sha256:* ]] || die "--iidfile holds '$iid', expected sha256:..."
log "  iidfile: $iid"

log "build 2 (same inputs): every step must be a cache hit"
build base "$ctx/Dockerfile" "$ctx/b2.log" --build-arg "STAMP=$stamp-1" || { tail -n 30 "$ctx/b2.log" >&2; die "build 2 failed"; }
grep -- '--> Using cache' "$ctx/b2.log" | head -n 2 | sed "s/^/[$SCRIPT_NAME]   /" >&2
hits=$(grep -c -- '--> Using cache' "$ctx/b2.log" || true)
[ "$hits" -ge 6 ] || { cat "$ctx/b2.log" >&2; die "expected >= 6 cache hits, got $hits"; }
[ "$(cat "$ctx/iid")" = "$iid" ] || die "build 2 gave another image id"

log "build 3 with the final stage FROM $ALT: the builder stage must stay cached"
build alt "$ctx/Dockerfile" "$ctx/b3.log" --build-arg "FINAL=$ALT" --build-arg "STAMP=$stamp-2" || { tail -n 30 "$ctx/b3.log" >&2; die "build 3 failed"; }
grep -A1 '^\[1/2\] STEP 2/2' "$ctx/b3.log" | grep -q -- '--> Using cache' || { cat "$ctx/b3.log" >&2; die "builder stage re-ran"; }
runs=$(podman run --rm --network=host "$T:alt" cat /runs)
if ! grep -q -- "$stamp-1" <<<"$runs" || ! grep -q -- "$stamp-2" <<<"$runs"; then die "the cache mount did not persist: $runs"; fi
log "  builder stage cached; cache mount kept the first build's line"

log "COPY --link must be refused"
printf 'FROM %s AS b\nRUN mkdir /out\nFROM %s\nCOPY --link --from=b /out /opt/out\n' "$BASE" "$BASE" >"$ctx/Dockerfile.link"
if build link "$ctx/Dockerfile.link" "$ctx/link.log"; then die "COPY --link built; buildah got newer?"; fi
grep -o 'COPY only supports.*' "$ctx/link.log" | sed "s/^/[$SCRIPT_NAME]   /" >&2

log "RUN heredoc must not be understood"
printf 'FROM %s\nRUN <<EOT\nset -e\ntouch /heredoc\nEOT\n' "$BASE" >"$ctx/Dockerfile.heredoc"
if build heredoc "$ctx/Dockerfile.heredoc" "$ctx/heredoc.log"; then die "RUN heredoc built; buildah got newer?"; fi
grep '^Error:' "$ctx/heredoc.log" | cut -c1-120 | sed "s/^/[$SCRIPT_NAME]   /" >&2

log "podman run hello"
out=$(podman run --rm --network=host "$T:base" hello)
[ "$out" = "Hello, world!" ] || die "hello printed '$out'"

log "podman run --user 4242:4242 with a mounted workspace"
ws=$ctx/ws; mkdir -m 777 "$ws"
podman run --rm --network=host --user 4242:4242 -v "$ws:/workspaces/x" -w /workspaces/x "$T:base" touch made-here
owner=$(stat -c %u:%g "$ws/made-here")
[ "$owner" = 4242:4242 ] || die "file owned by $owner on the host"
log "  file owned by $owner on the host"

log "labels and --init"
[ "$(podman image inspect --format '{{index .Config.Labels "k"}}' "$T:base")" = v1 ] || die "image label k is not v1"
podman run --detach --init --name "$CTR" --network=host --label k=ctr "$T:base" sleep infinity >/dev/null
state=$(podman container inspect --format '{{index .Config.Labels "k"}} {{.State.Running}}' "$CTR")
[ "$state" = "ctr true" ] || die "container inspect gave '$state'"
pid1=$(podman exec "$CTR" cat /proc/1/comm)
[ "$pid1" = podman-init ] || die "PID 1 is $pid1, not podman-init"
[ "$(podman exec --user 4242:4242 "$CTR" id -u)" = 4242 ] || die "exec --user failed"
podman stop -t 5 "$CTR" >/dev/null
state=$(podman container inspect --format '{{index .Config.Labels "k"}} {{.State.Running}}' "$CTR")
[ "$state" = "ctr false" ] || die "after stop, container inspect gave '$state'"
log "  image label v1; container '$state' after stop; PID 1 $pid1"

log "ok"
