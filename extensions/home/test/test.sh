#!/bin/sh
# The host home is mounted at the same path.
# ROCKTS_EXPECT_HOME_MARKER (optional): a path in the host home that must be visible and
# writable in the container (the CI test creates it).
set -eu
fail() { echo "home test: $*" >&2; exit 1; }
marker="${ROCKTS_EXPECT_HOME_MARKER:-}"
if [ -n "$marker" ]; then
    [ -f "$marker" ] || fail "$marker from the host home is not visible"
    echo "seen from the container" >> "$marker" || fail "$marker is not writable"
fi
echo "home test: ok"
