#!/bin/sh
# The build-cache scenario: the image build's second compile was a ccache hit, so the
# cache mount kept what the first compile stored.
set -eu
fail() { echo "ccache build-cache test: $*" >&2; exit 1; }
./test.sh
stats=/opt/ccache-demo/stats.txt
[ -f "$stats" ] || fail "$stats is missing"
hits="$(awk '$1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" { n += $2 } END { print n + 0 }' "$stats")"
[ "$hits" -ge 1 ] || fail "the second compile during the build was not a cache hit: $(tr '\n' ' ' < "$stats")"
echo "ccache build-cache test: ok ($hits hit)"
