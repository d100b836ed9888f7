#!/bin/sh
# git runs; when the host's ~/.gitconfig was mounted, its settings are visible.
# ROCKTS_EXPECT_GIT_USER_NAME (optional): the user.name the mounted config sets.
set -eu
git --version
if [ -n "${ROCKTS_EXPECT_GIT_USER_NAME:-}" ]; then
    test "$(git config --system user.name)" = "$ROCKTS_EXPECT_GIT_USER_NAME"
    test "$(git config user.name)" = "$ROCKTS_EXPECT_GIT_USER_NAME"
fi
