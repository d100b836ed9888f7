#!/usr/bin/env bash
# Checks the npm extension inside the built image, as the non-root user.
#
# Needs no network.
set -euo pipefail

fail() { echo "npm test: $*" >&2; exit 1; }

for tool in node npm npx; do
    command -v "$tool" >/dev/null || fail "$tool is not on PATH ($PATH)"
done
[ "$(command -v node)" = /usr/local/bin/node ] || fail "node resolves to $(command -v node), expected /usr/local/bin/node"
[ -d /usr/local/lib/node_modules/npm ] || fail "/usr/local/lib/node_modules/npm is missing"

node_version="$(node --version)"
echo "node $node_version"
echo "npm $(npm --version)"
echo "npx $(npx --version)"

expected="${ROCKTS_TEST_OPTION_nodeVersion:?}"
[ "$node_version" = "v$expected" ] || fail "expected node v$expected, got $node_version"

[ "$(node -e 'process.stdout.write(String(6 * 7))')" = 42 ] || fail "node could not run a script"

# A project-local npm workflow works for this user without network access.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
[ "$(node -p 'require("./package.json").version')" = 1.0.0 ] || fail "npm init did not write a usable package.json"

echo "npm test: ok"
