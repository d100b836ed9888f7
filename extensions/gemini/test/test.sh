#!/usr/bin/env bash
# Checks the gemini extension inside the built image, as the non-root user.
#
# Needs no network and no login: only the version is asked for.
set -euo pipefail

fail() { echo "gemini test: $*" >&2; exit 1; }

[ "$(command -v gemini)" = /usr/local/bin/gemini ] || fail "gemini resolves to '$(command -v gemini)', expected /usr/local/bin/gemini"
version_line="$(gemini --version)"
echo "$version_line"
expected="${ROCKTS_TEST_OPTION_geminiVersion:?}"
[ "$version_line" = "$expected" ] || fail "expected gemini $expected, got '$version_line'"
# A mounted config folder must be this user's to write.
if [ -d "$HOME/.gemini" ]; then [ -w "$HOME/.gemini" ] || fail "$HOME/.gemini is mounted but not writable"; fi
echo "gemini test: ok"
