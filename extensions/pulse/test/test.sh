#!/bin/sh
# The client is installed and configured; with a server on the host, it reaches it.
# ROCKTS_EXPECT_PULSE (optional, 1): PULSE_SERVER must name a socket that is there, and,
# unless it is a stand-in (ROCKTS_EXPECT_PULSE=socket), `pactl info` must succeed.
set -eu
fail() { echo "pulse test: $*" >&2; exit 1; }
command -v pactl >/dev/null || fail "pactl is not on PATH ($PATH)"
pactl --version | head -n 1
grep -qx 'autospawn = no' /etc/pulse/client.conf || fail "/etc/pulse/client.conf does not turn autospawn off"
grep -qx 'enable-shm = false' /etc/pulse/client.conf || fail "/etc/pulse/client.conf does not turn shared memory off"
case "${ROCKTS_EXPECT_PULSE:-}" in
    '') ;;
    *)
        [ -n "${PULSE_SERVER:-}" ] || fail "PULSE_SERVER is not set"
        [ -S "$PULSE_SERVER" ] || fail "PULSE_SERVER ($PULSE_SERVER) is not a socket"
        if [ "$ROCKTS_EXPECT_PULSE" != socket ]; then pactl info >/dev/null || fail "pactl info could not reach $PULSE_SERVER"; fi
        ;;
esac
echo "pulse test: ok"
