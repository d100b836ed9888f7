#!/bin/sh
# ccache is installed, configured and writes its cache where CCACHE_DIR says.
# ROCKTS_EXPECT_CCACHE_MOUNT (optional): a file the host put in ~/.cache/ccache, which must
# be visible in the mounted cache folder.
set -eu
fail() { echo "ccache test: $*" >&2; exit 1; }
command -v ccache >/dev/null || fail "ccache is not on PATH ($PATH)"
[ "${CCACHE_DIR:-}" = /var/cache/ccache ] || fail "CCACHE_DIR is '${CCACHE_DIR:-}', expected /var/cache/ccache"
ccache --version | head -n 1
size="${ROCKTS_TEST_OPTION_maxSize:?}"
ccache --get-config max_size >/dev/null
grep -qx "max_size = $size" /etc/ccache.conf || fail "/etc/ccache.conf does not set max_size = $size"
if [ "$(readlink /usr/local/bin/gcc || true)" = /usr/bin/ccache ]; then masqueraded=true; else masqueraded=false; fi
[ "$masqueraded" = "${ROCKTS_TEST_OPTION_masquerade:?}" ] || fail "gcc linked to ccache is $masqueraded, expected ${ROCKTS_TEST_OPTION_masquerade}"
# The cache folder is writable by this user: ccache can store and count its statistics.
ccache --zero-stats >/dev/null || fail "ccache cannot write to $CCACHE_DIR"
if [ -n "${ROCKTS_EXPECT_CCACHE_MOUNT:-}" ]; then
    [ -f "$CCACHE_DIR/$ROCKTS_EXPECT_CCACHE_MOUNT" ] || fail "the host cache folder is not mounted at $CCACHE_DIR"
fi
echo "ccache test: ok"
