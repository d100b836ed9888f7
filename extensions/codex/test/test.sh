#!/usr/bin/env bash
# Checks the codex extension inside the built image, as the non-root user.
#
# Needs no network and no login: only the version is asked for.
set -euo pipefail

fail() { echo "codex test: $*" >&2; exit 1; }

[ "$(command -v codex)" = /usr/local/bin/codex ] || fail "codex resolves to '$(command -v codex)', expected /usr/local/bin/codex"
version_line="$(codex --version)"
echo "$version_line"
expected="${ROCKTS_TEST_OPTION_codexVersion:?}"
[ "$version_line" = "codex-cli $expected" ] || fail "expected codex $expected, got '$version_line'"
# A mounted config folder must be this user's to write.
if [ -d "$HOME/.codex" ]; then [ -w "$HOME/.codex" ] || fail "$HOME/.codex is mounted but not writable"; fi
echo "codex test: ok"
