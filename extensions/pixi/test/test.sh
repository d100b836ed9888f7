#!/usr/bin/env bash
# Checks the pixi extension inside the built image, as the non-root user.
#
# Needs no network (no environment is solved or installed).
set -euo pipefail

fail() { echo "pixi test: $*" >&2; exit 1; }

command -v pixi >/dev/null || fail "pixi is not on PATH ($PATH)"
[ "$(command -v pixi)" = /usr/local/bin/pixi ] || fail "pixi resolves to $(command -v pixi), expected /usr/local/bin/pixi"

version_line="$(pixi --version)"
echo "$version_line"
expected="${ROCKTS_TEST_OPTION_pixiVersion:?}"
[ "$version_line" = "pixi $expected" ] || fail "expected 'pixi $expected', got '$version_line'"

# The completion script generates (what the optional ~/.bashrc line evaluates).
pixi completion --shell bash | grep -q pixi || fail "pixi completion --shell bash printed nothing useful"

# pixi can create a workspace manifest for this user without network access.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
pixi init --channel conda-forge demo >/dev/null 2>&1 || fail "pixi init failed"
[ -f demo/pixi.toml ] || fail "pixi init did not write demo/pixi.toml"

echo "pixi test: ok"
