#!/usr/bin/env bash
# Without .repos files, git-clone gives git and git-lfs (its filters configured for every
# user) and an empty clone root.
set -euo pipefail
git --version
git lfs version
git config --system --get filter.lfs.process
root=/opt/rockts/repos
[ -d /srv/underlay/src ] && root=/srv/underlay/src
test -d "$root"
test -z "$(ls -A "$root")"
echo "git-clone: git, git-lfs and an empty $root"
