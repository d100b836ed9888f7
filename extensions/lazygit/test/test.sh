#!/usr/bin/env bash
# Checks the lazygit extension inside the built image, as the non-root user.
set -euo pipefail

fail() { echo "lazygit test: $*" >&2; exit 1; }

[ "$(command -v lazygit)" = /usr/local/bin/lazygit ] || fail "lazygit resolves to '$(command -v lazygit)', expected /usr/local/bin/lazygit"
command -v git >/dev/null || fail "git is not on PATH ($PATH)"
version_line="$(lazygit --version)"
echo "$version_line"
expected="${ROCKTS_TEST_OPTION_lazygitVersion:?}"
[[ "$version_line" == *"version=$expected,"* ]] || fail "expected lazygit $expected, got '$version_line'"
# lazygit finds (and would create) its config folder in this user's home.
config_dir="$(lazygit --print-config-dir)"
case "$config_dir" in
    "$HOME"/*) ;;
    *) fail "lazygit uses $config_dir, outside $HOME" ;;
esac
lazygit --config >/dev/null || fail "lazygit --config failed"
echo "lazygit test: ok"
