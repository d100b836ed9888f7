#!/bin/sh
# vcs imports a workspace from a .repos file, offline: the repository is a local one
# made by this test.
set -eu
fail() { echo "vcstool test: $*" >&2; exit 1; }
command -v vcs >/dev/null || fail "vcs is not on PATH ($PATH)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git init -q "$work/upstream"
git -C "$work/upstream" -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m first
cat > "$work/test.repos" <<REPOS
repositories:
  demo:
    type: git
    url: file://$work/upstream
REPOS
mkdir "$work/ws"
vcs import --input "$work/test.repos" "$work/ws" >/dev/null || fail "vcs import failed"
[ "$(git -C "$work/ws/demo" log --format=%s -1)" = first ] || fail "vcs import did not clone the repository"
vcs status "$work/ws" >/dev/null || fail "vcs status failed"
echo "vcstool test: ok"
