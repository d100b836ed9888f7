#!/bin/sh
# The display settings reached the container: DISPLAY is set and, for a local display,
# its socket is there. Run with a display on the host (or under Xvfb).
set -eu
test -n "${DISPLAY:-}"
echo "DISPLAY=$DISPLAY"
case "$DISPLAY" in
    :*)
        number="${DISPLAY#:}"
        number="${number%%.*}"
        test -S "/tmp/.X11-unix/X$number"
        ;;
esac
if [ -n "${XAUTHORITY:-}" ]; then test -r "$XAUTHORITY"; fi
