#!/usr/bin/env bash
# Checks the gitui extension inside the built image, as the non-root user.
set -euo pipefail

fail() { echo "gitui test: $*" >&2; exit 1; }

[ "$(command -v gitui)" = /usr/local/bin/gitui ] || fail "gitui resolves to '$(command -v gitui)', expected /usr/local/bin/gitui"
command -v git >/dev/null || fail "git is not on PATH ($PATH)"
version_line="$(gitui --version)"
echo "$version_line"
expected="${ROCKTS_TEST_OPTION_gituiVersion:?}"
[[ "$version_line" == "gitui $expected" || "$version_line" == "gitui $expected "* ]] || fail "expected gitui $expected, got '$version_line'"
# The binary is static: it runs whatever the image's libraries are.
if ldd /usr/local/bin/gitui 2>&1 | grep -q 'not found'; then fail "gitui misses a shared library"; fi
echo "gitui test: ok"
