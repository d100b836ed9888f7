#!/usr/bin/env bash
# Checks the nvim extension inside the built image, as the non-root user.
set -euo pipefail

fail() { echo "nvim test: $*" >&2; exit 1; }

[ "$(command -v nvim)" = /usr/local/bin/nvim ] || fail "nvim resolves to '$(command -v nvim)', expected /usr/local/bin/nvim"
version_line="$(nvim --version | head -n 1)"
echo "$version_line"
expected="${ROCKTS_TEST_OPTION_nvimVersion:?}"
[ "$version_line" = "NVIM v$expected" ] || fail "expected NVIM v$expected, got '$version_line'"

# Headless: the runtime files are found (syntax and filetype plugins load) and Lua runs.
out="$(nvim --headless -u NONE -c 'lua io.write(tostring(6 * 7))' -c 'qa!' 2>&1)"
[ "$out" = 42 ] || fail "nvim could not run Lua: $out"
runtime="$(nvim --headless -u NONE -c 'lua io.write(vim.env.VIMRUNTIME)' -c 'qa!' 2>&1)"
[ -f "$runtime/filetype.lua" ] || fail "the runtime folder $runtime has no filetype.lua"

# Editing a file works for this user.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
nvim --headless -u NONE -c 'call setline(1, "written by nvim")' -c "write $work/out.txt" -c 'qa!' >/dev/null 2>&1
[ "$(cat "$work/out.txt")" = "written by nvim" ] || fail "nvim did not write a file"
echo "nvim test: ok"
