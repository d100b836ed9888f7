#!/bin/sh
# byobu and emacs are installed and start, as the non-root user. Needs no network.
set -eu
fail() { echo "dev-helpers test: $*" >&2; exit 1; }
command -v byobu >/dev/null || fail "byobu is not on PATH ($PATH)"
command -v emacs >/dev/null || fail "emacs is not on PATH ($PATH)"
byobu --version | head -n 1
# emacs evaluates an expression in batch mode (no terminal, no display needed).
[ "$(emacs --batch --eval '(princ (* 6 7))' 2>/dev/null)" = 42 ] || fail "emacs --batch did not evaluate (* 6 7)"
echo "dev-helpers test: ok"
