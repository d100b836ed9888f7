#!/usr/bin/env bash
# Without deps files, deps adds nothing: no files of its own in the image.
# (Projects with deps files: test/golden-builtin/deps-* and test/e2e/deps.test.ts.)
set -euo pipefail
test ! -e /opt/rockts/deps
echo "deps: nothing added without deps files"
