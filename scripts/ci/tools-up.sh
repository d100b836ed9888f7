#!/usr/bin/env bash
# Tools the tests need besides the container engines: shellcheck, which
# `rockts extension test --static` runs over extensions' shell (its tests need it), and
# ssh-agent, which the ssh extension's end-to-end tests forward into containers.
# Installs it from the machine's Debian sources (bookworm: ShellCheck 0.9), without
# recommends; apt's plan is checked first: it must not remove anything.
# Idempotent: skips a tool that is already on PATH. Run it as root.
set -euo pipefail
SCRIPT_NAME="tools-up"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

# command:package
TOOLS=(shellcheck:shellcheck ssh-agent:openssh-client)
shellcheck_version() { shellcheck --version | awk '$1 == "version:" { print $2 }'; }

missing=()
for tool in "${TOOLS[@]}"; do command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}"); done
if [ ${#missing[@]} -eq 0 ]; then
  log "shellcheck $(shellcheck_version) and ssh-agent already installed, skipping"
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
for tool in "${TOOLS[@]}"; do command -v "${tool%%:*}" >/dev/null || die "${tool%%:*} is not on PATH after install"; done
log "installed ${missing[*]} in $(( $(now) - t0 ))s (shellcheck $(shellcheck_version))"
