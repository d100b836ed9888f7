#!/usr/bin/env bash
# Tools the tests need besides the container engines: shellcheck, which
# `rockts extension test --static` runs over extensions' shell (its tests need it).
# Installs it from the machine's Debian sources (bookworm: ShellCheck 0.9), without
# recommends; apt's plan is checked first: it must not remove anything.
# Idempotent: skips a tool that is already on PATH. Run it as root.
set -euo pipefail
SCRIPT_NAME="tools-up"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

PKGS=(shellcheck)
shellcheck_version() { shellcheck --version | awk '$1 == "version:" { print $2 }'; }

missing=()
for p in "${PKGS[@]}"; do command -v "$p" >/dev/null || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  log "shellcheck $(shellcheck_version) already installed, skipping"
  exit 0
fi

require_root
export DEBIAN_FRONTEND=noninteractive
t0=$(now)
# A fresh machine may have no package lists yet: update only when apt cannot find the packages.
if ! plan=$(apt-get install -s --no-install-recommends "${missing[@]}" 2>/dev/null); then
  log "apt-get update (system sources)"
  apt-get update -qq
  plan=$(apt-get install -s --no-install-recommends "${missing[@]}")
fi
if grep -q '^Remv ' <<<"$plan"; then
  grep '^Remv ' <<<"$plan" >&2; die "installing ${missing[*]} would remove packages; not doing it"
fi
log "installing ${missing[*]}: $(awk '$1 == "Inst" { printf "%s ", $2 }' <<<"$plan")"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
command -v shellcheck >/dev/null || die "shellcheck is not on PATH after install"
log "shellcheck $(shellcheck_version) installed in $(( $(now) - t0 ))s"
