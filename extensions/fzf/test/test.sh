#!/usr/bin/env bash
# Checks the fzf extension inside the built image, as the non-root user.
set -euo pipefail

fail() { echo "fzf test: $*" >&2; exit 1; }

[ "$(command -v fzf)" = /usr/local/bin/fzf ] || fail "fzf resolves to '$(command -v fzf)', expected /usr/local/bin/fzf"
version_line="$(fzf --version)"
echo "fzf $version_line"
expected="${ROCKTS_TEST_OPTION_fzfVersion:?}"
[[ "$version_line" == "$expected" || "$version_line" == "$expected "* ]] || fail "expected fzf $expected, got '$version_line'"

# The filter mode works without a terminal.
[ "$(printf 'apple\nbanana\ncherry\n' | fzf --filter nan)" = banana ] || fail "fzf --filter did not pick banana"

# The key bindings script loads in bash and defines the CTRL-R widget.
fzf --bash | grep -q __fzf_history__ || fail "fzf --bash does not define the history widget"
if [ "${ROCKTS_TEST_OPTION_keyBindings:?}" = true ]; then
    grep -qxF 'eval "$(fzf --bash)"' "$HOME/.bashrc" || fail "$HOME/.bashrc does not load the key bindings"
    bash -ic 'declare -F __fzf_history__ >/dev/null' 2>/dev/null || fail "an interactive bash has no fzf key bindings"
fi
echo "fzf test: ok"
