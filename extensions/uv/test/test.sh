#!/usr/bin/env bash
# Checks the uv extension inside the built image, as the non-root user.
#
# Needs no network (no package or Python is downloaded).
set -euo pipefail

fail() { echo "uv test: $*" >&2; exit 1; }

for tool in uv uvx; do
    [ "$(command -v "$tool")" = "/usr/local/bin/$tool" ] || fail "$tool resolves to '$(command -v "$tool")', expected /usr/local/bin/$tool"
done
version_line="$(uv --version)"
echo "$version_line"
uvx --version
expected="${ROCKTS_TEST_OPTION_uvVersion:?}"
[[ "$version_line" == "uv $expected" || "$version_line" == "uv $expected "* ]] || fail "expected uv $expected, got '$version_line'"

if [ "${ROCKTS_TEST_OPTION_bashCompletion:?}" = true ]; then
    grep -qxF 'eval "$(uv generate-shell-completion bash)"' ~/.bashrc || fail "$HOME/.bashrc lacks the uv completion line"
fi
uv generate-shell-completion bash | grep -q uv || fail "uv generate-shell-completion bash printed nothing useful"

# uv's own folders (the cache, installed Pythons and tools) are in this user's home,
# where the user can write; nothing under /usr/local has to be writable.
for dir in "$(uv cache dir)" "$(uv python dir)" "$(uv tool dir)"; do
    case "$dir" in
        "$HOME"/*) ;;
        *) fail "uv uses $dir, outside $HOME" ;;
    esac
done

echo "uv test: ok"
