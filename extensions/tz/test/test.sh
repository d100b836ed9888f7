#!/usr/bin/env bash
# TZ, /etc/timezone and /etc/localtime agree.
set -euo pipefail
test -n "$TZ"
test "$(cat /etc/timezone)" = "$TZ"
test "$(readlink -f /etc/localtime)" = "/usr/share/zoneinfo/$TZ"
echo "time zone: $TZ ($(date +%Z))"
