#!/usr/bin/env bash
# Check the side-by-side Docker 20.10 daemon of engine20-up.sh for real, on
# DOCKER_HOST=unix:///var/run/rockts-docker20.sock:
#   a. `docker buildx build --load` (Docker 26 client + buildx, docker driver) of
#      a multi-stage Dockerfile FROM rockts-test/bookworm:base with
#      RUN --mount=type=cache, a plain COPY --from=stage and apt-get install hello;
#      then `docker run --network=host` it.
#   b. the same with `DOCKER_BUILDKIT=1 docker build`, using the 20.10 client.
#   c. that COPY --link and a RUN heredoc FAIL to parse in 20.10's built-in
#      frontend (no "# syntax=" line), with both clients; prints the errors.
#   d. `rockts build` of a small composition (fixture extensions hello, tool,
#      links + a gcc builder), checks that rockts says it uses the plain forms,
#      and that `hello` runs in the image. Skipped if the project is not built
#      (dist/ missing) or ROCKTS_DOCKER20_ROCKTS=0.
# Removes its own images at the end (the build cache stays).
set -euo pipefail
SCRIPT_NAME="engine20-smoke"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
# shellcheck source-path=SCRIPTDIR source=engine20-env.sh
. "$HERE/engine20-env.sh"

REPO=$(cd "$HERE/../.." && pwd)
BASE=${ROCKTS_BASE_IMAGE:-rockts-test/bookworm:base}
d20_docker version >/dev/null 2>&1 || die "no docker 20.10 daemon answers on $D20_SOCK: run engine20-up.sh first"
[ -x "$D20_CLIENT" ] || die "$D20_CLIENT missing: run engine20-up.sh first"
# The 20.10 client against the 20.10 daemon.
d20_client() { DOCKER_HOST=$D20_HOST "$D20_CLIENT" "$@"; }

ctx=$(mktemp -d /tmp/rockts-smoke20.XXXXXX)
IMAGES=(rockts-test/smoke20:buildx rockts-test/smoke20:client20 rockts-test/smoke20:neg rockts-smoke20-dev)
cleanup() {
  rm -rf "$ctx"
  d20_docker image rm -f "${IMAGES[@]}" >/dev/null 2>&1 || true
}
trap cleanup EXIT

timings=()
mark() { timings+=("$1=$(( $(now) - $2 ))s"); }

# No "# syntax=" line: that would pull docker/dockerfile from Docker Hub.
mkdir -p "$ctx/ok"
cat >"$ctx/ok/Dockerfile" <<DOCKERFILE
FROM $BASE AS build
RUN --mount=type=cache,target=/var/cache/rockts-smoke20,id=rockts-smoke20 \\
    date +%s%N >> /var/cache/rockts-smoke20/runs && mkdir -p /out \\
    && cp /var/cache/rockts-smoke20/runs /out/runs && echo "copied from stage build" > /out/msg.txt

FROM $BASE AS final
RUN apt-get update && apt-get install -y --no-install-recommends hello && rm -rf /var/lib/apt/lists/*
COPY --from=build /out /opt/out
CMD ["sh", "-c", "hello && cat /opt/out/msg.txt"]
DOCKERFILE

check_image() { # tag
  local out
  out=$(d20_docker run --rm --network=host "$1")
  printf '%s\n' "$out" | sed "s/^/[$SCRIPT_NAME]   /" >&2
  grep -q 'Hello, world!' <<<"$out" || die "'hello' did not run in $1"
  grep -q 'copied from stage' <<<"$out" || die "the COPY --from file is missing in $1"
}

# --- a. buildx (Docker 26 client) ---------------------------------------------
t0=$(now)
log "a. docker buildx build --load (26 client, docker driver) on docker 20.10"
d20_docker buildx build --network=host --progress=plain --load \
  -t rockts-test/smoke20:buildx "$ctx/ok" >"$ctx/a.log" 2>&1 || {
  tail -n 40 "$ctx/a.log" >&2; die "buildx build on docker 20.10 failed"
}
check_image rockts-test/smoke20:buildx
mark buildx "$t0"

# --- b. DOCKER_BUILDKIT=1 docker build (20.10 client) ---------------------------
t0=$(now)
log "b. DOCKER_BUILDKIT=1 docker build with the 20.10 client ($D20_CLIENT)"
DOCKER_BUILDKIT=1 d20_client build --network=host --progress=plain \
  -t rockts-test/smoke20:client20 "$ctx/ok" >"$ctx/b.log" 2>&1 || {
  tail -n 40 "$ctx/b.log" >&2; die "DOCKER_BUILDKIT=1 docker build (20.10 client) failed"
}
check_image rockts-test/smoke20:client20
mark client20 "$t0"

# --- c. COPY --link and heredocs must not parse -----------------------------------
t0=$(now)
mkdir -p "$ctx/neg"
printf 'FROM %s AS build\nRUN mkdir -p /out && echo x > /out/x\nFROM %s\nCOPY --link --from=build /out /opt/out\n' \
  "$BASE" "$BASE" >"$ctx/neg/Dockerfile.link"
printf 'FROM %s\nRUN <<EOT\nset -e\necho heredoc > /heredoc.txt\nEOT\n' "$BASE" >"$ctx/neg/Dockerfile.heredoc"
expect_parse_error() { # name client-label command...
  local name=$1 label=$2 err
  shift 2
  if "$@" -f "$ctx/neg/Dockerfile.$name" -t rockts-test/smoke20:neg "$ctx/neg" >"$ctx/c-$name-$label.log" 2>&1; then
    die "c. a Dockerfile with $name built on docker 20.10 ($label); expected a parse error"
  fi
  err=$(grep -m1 'dockerfile parse error' "$ctx/c-$name-$label.log" || true)
  [ -n "$err" ] || { tail -n 20 "$ctx/c-$name-$label.log" >&2; die "c. $name ($label) failed, but not with a Dockerfile parse error"; }
  log "c. $name ($label) fails as expected: $err"
}
expect_parse_error link buildx d20_docker buildx build --network=host --progress=plain --load
expect_parse_error heredoc buildx d20_docker buildx build --network=host --progress=plain --load
export DOCKER_BUILDKIT=1
expect_parse_error link client20 d20_client build --network=host --progress=plain
expect_parse_error heredoc client20 d20_client build --network=host --progress=plain
unset DOCKER_BUILDKIT
mark negative "$t0"

# --- d. rockts build ---------------------------------------------------------------
if [ "${ROCKTS_DOCKER20_ROCKTS:-1}" = 0 ]; then
  log "d. rockts build skipped (ROCKTS_DOCKER20_ROCKTS=0)"
elif [ ! -d "$REPO/dist" ] || ! command -v node >/dev/null 2>&1; then
  log "d. rockts build skipped: $REPO/dist or node missing (run npm run build)"
else
  t0=$(now)
  proj=$ctx/rockts-smoke20 # image name: rockts-smoke20-dev
  mkdir -p "$proj"
  cat >"$proj/rockerc.yaml" <<YAML
image: $BASE
extensions: [hello, tool, links]
builder:
  baseImage: $BASE
  apt: [gcc, libc6-dev]
YAML
  log "d. rockts build (fixture extensions hello, tool, links) on docker 20.10"
  (cd "$proj" && DOCKER_HOST=$D20_HOST ROCKTS_BUILTIN_EXTENSIONS="$REPO/test/fixtures/extensions" \
    node "$REPO/bin/run.js" build --network host --progress plain) >"$ctx/d.log" 2>&1 || {
    tail -n 40 "$ctx/d.log" >&2; die "rockts build on docker 20.10 failed"
  }
  grep '^rockts:' "$ctx/d.log" | sed "s/^/[$SCRIPT_NAME]   /" >&2 || true
  grep -q 'predates COPY --link' "$ctx/d.log" || die "rockts did not say it uses the plain forms on docker 20.10"
  # BuildKit's step lines ("#12 [stage 2/3] COPY ...") show the instructions.
  if grep -E '^#[0-9]+ \[' "$ctx/d.log" | grep -Eq 'COPY --link|RUN <<'; then
    die "rockts's build on docker 20.10 used COPY --link or a heredoc"
  fi
  grep -Eq '^#[0-9]+ \[.*\] COPY --from=' "$ctx/d.log" || die "no plain COPY --from=<builder> step in rockts's build"
  out=$(d20_docker run --rm --network=host rockts-smoke20-dev hello)
  [ "$out" = hello ] || die "'hello' in rockts-smoke20-dev printed '$out', not 'hello'"
  log "d. docker run --rm --network=host rockts-smoke20-dev hello -> $out"
  mark rockts "$t0"
fi

log "ok: docker $(d20_docker version -f '{{.Server.Version}}') (${timings[*]})"
