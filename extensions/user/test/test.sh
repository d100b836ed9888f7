#!/usr/bin/env bash
# Runs inside the built image as the mapped user: the user has a name, a home it can
# write, and is the one the image switched to.
set -euo pipefail
name="$(id -un)"
test -n "$name"
test "$(getent passwd "$(id -u)" | cut -d: -f1)" = "$name"
test -d "$HOME"
test -w "$HOME"
echo "user: $name ($(id -u):$(id -g)), home $HOME"
if [ "${ROCKTS_TEST_OPTION_sudo:-false}" = true ]; then
  test "$(sudo -n id -u)" = 0
  echo "sudo: $name may run commands as root"
fi
