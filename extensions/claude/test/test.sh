#!/usr/bin/env bash
# Checks the claude extension inside the built image, as the non-root user.
#
# Needs no network and no login: only the version is asked for.
set -euo pipefail

fail() { echo "claude test: $*" >&2; exit 1; }

[ "$(command -v claude)" = /usr/local/bin/claude ] || fail "claude resolves to '$(command -v claude)', expected /usr/local/bin/claude"
version_line="$(claude --version)"
echo "$version_line"
expected="${ROCKTS_TEST_OPTION_claudeVersion:?}"
[[ "$version_line" == "$expected "* ]] || fail "expected claude $expected, got '$version_line'"
[ "${DISABLE_AUTOUPDATER:-}" = 1 ] || fail "DISABLE_AUTOUPDATER is '${DISABLE_AUTOUPDATER:-}', expected 1"
# A mounted config folder must be this user's to write.
if [ -d "$HOME/.claude" ]; then [ -w "$HOME/.claude" ] || fail "$HOME/.claude is mounted but not writable"; fi
echo "claude test: ok"
