#!/usr/bin/env bash
# The locale in LANG exists and is the one in use.
set -euo pipefail
test -n "$LANG"
test "$LC_ALL" = "$LANG"
if locale 2>&1 | grep -q 'Cannot set'; then
  locale
  exit 1
fi
echo "locale: $LANG, charmap $(locale charmap)"
