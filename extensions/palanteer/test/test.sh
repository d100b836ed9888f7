#!/usr/bin/env bash
# Checks the palanteer extension inside the built image, as the non-root user.
#
# No environment variables. Needs no network and no display: the viewer is not
# started (it needs X11 and OpenGL); instead every shared library it links must
# resolve, and the C++ header must compile when a C++ compiler is present.
set -euo pipefail

fail() { echo "palanteer test: $*" >&2; exit 1; }

viewer="$(command -v palanteer || true)"
[ -n "$viewer" ] || fail "palanteer (the viewer) is not on PATH ($PATH)"
[ -x "$viewer" ] || fail "$viewer is not executable"

# Every library the viewer needs is in the image (final.apt is complete).
libraries="$(ldd "$viewer")"
echo "$libraries"
if grep -q 'not found' <<<"$libraries"; then
    fail "the viewer has unresolved libraries:
$(grep 'not found' <<<"$libraries")"
fi

header=/usr/local/include/palanteer.h
[ -r "$header" ] || fail "$header is missing"
grep -q 'PALANTEER_VERSION' "$header" || fail "$header does not look like palanteer.h"

# Instrumented C++ compiles against the installed header (only if the image has g++,
# which this extension does not install).
if command -v c++ >/dev/null; then
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    cat >"$work/example.cpp" <<'EOF'
#define PL_IMPLEMENTATION 1
#include "palanteer.h"
int main() {
    plDeclareThread("Main");
    plBegin("rockts test");
    plData("answer", 42);
    plEnd("rockts test");
    return 0;
}
EOF
    c++ -std=c++11 -DUSE_PL=1 -o "$work/example" "$work/example.cpp" -lpthread \
        || fail "a program including palanteer.h did not compile"
    echo "palanteer.h compiles with $(c++ --version | head -n 1)"
else
    echo "no C++ compiler in the image: header compile check skipped"
fi

echo "palanteer test: ok"
