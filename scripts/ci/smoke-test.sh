#!/usr/bin/env bash
# Check that the engine really builds and runs: a multi-stage Dockerfile with
# RUN --mount=type=cache, a heredoc RUN, apt-get install from the Debian
# mirror and COPY --link --from=stage, built FROM rockts-test/bookworm:base and
# again FROM rockts-test/bookworm:alt, each run with `docker run`.
# With the containerd image store it also checks that the COPY --link layer is
# the same on both bases (independent of the lines before it).
# Removes its own images (rockts-test/smoke:*) at the end.
set -euo pipefail
SCRIPT_NAME="smoke-test"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

BASE=${ROCKTS_BASE_IMAGE:-rockts-test/bookworm:base}
ALT=${ROCKTS_ALT_IMAGE:-rockts-test/bookworm:alt}
docker_cmd info >/dev/null 2>&1 || die "no engine answers 'docker info': run start-engine.sh first"

ctx=$(mktemp -d /tmp/rockts-smoke.XXXXXX)
cleanup() { rm -rf "$ctx"; docker_cmd image rm -f rockts-test/smoke:base rockts-test/smoke:alt >/dev/null 2>&1 || true; }
trap cleanup EXIT

# No "# syntax=" line: that would pull docker/dockerfile from Docker Hub.
# The frontend built into the engine handles heredocs, cache mounts and --link.
cat >"$ctx/Dockerfile" <<DOCKERFILE
ARG BASE=$BASE
FROM $BASE AS build
RUN --mount=type=cache,target=/var/cache/rockts-smoke,id=rockts-smoke \\
    date +%s%N >> /var/cache/rockts-smoke/runs && mkdir -p /out && cp /var/cache/rockts-smoke/runs /out/runs
RUN <<EOT
set -e
echo "hello from a heredoc RUN" > /out/heredoc.txt
EOT

FROM \${BASE} AS final
RUN apt-get update && apt-get install -y --no-install-recommends hello && rm -rf /var/lib/apt/lists/*
COPY --link --from=build /out /opt/out
CMD ["sh", "-c", "hello && cat /opt/out/heredoc.txt"]
DOCKERFILE

for tag in base alt; do
  from=$BASE; [ "$tag" = alt ] && from=$ALT
  log "building rockts-test/smoke:$tag FROM $from"
  docker_cmd buildx build --network=host --progress=plain --provenance=false \
    --build-arg "BASE=$from" -t "rockts-test/smoke:$tag" "$ctx" >"$ctx/build-$tag.log" 2>&1 || {
    tail -n 40 "$ctx/build-$tag.log" >&2; die "build FROM $from failed"
  }
  out=$(docker_cmd run --rm --network=host "rockts-test/smoke:$tag")
  printf '%s\n' "$out" | sed "s/^/[$SCRIPT_NAME]   /" >&2
  grep -q 'Hello, world!' <<<"$out" || die "'hello' did not run in rockts-test/smoke:$tag"
  grep -q 'heredoc' <<<"$out" || die "COPY --link'ed file missing in rockts-test/smoke:$tag"
done

last_layer() { docker_cmd image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$1" | sed '/^$/d' | tail -n 1; }
link_base=$(last_layer rockts-test/smoke:base)
link_alt=$(last_layer rockts-test/smoke:alt)
cd_store=false
docker_cmd info -f '{{range .DriverStatus}}{{index . 1}} {{end}}' | grep -q io.containerd.snapshotter && cd_store=true
if [ "$link_base" = "$link_alt" ]; then
  log "COPY --link layer is the same on both bases ($link_base): independent of earlier lines"
elif [ "$cd_store" = true ]; then
  die "containerd image store, yet the COPY --link layer differs between bases ($link_base vs $link_alt)"
else
  log "classic image store: the COPY --link layer differs between bases ($link_base vs $link_alt), as expected there"
fi
log "ok (containerd image store: $cd_store)"
