#!/usr/bin/env bash
# Checks the conda extension inside the built image, as the non-root user.
#
# Needs no network (no environment is solved).
set -euo pipefail

fail() { echo "conda test: $*" >&2; exit 1; }

[ "$(command -v conda)" = /opt/conda/condabin/conda ] || fail "conda resolves to '$(command -v conda)', expected /opt/conda/condabin/conda"
version_line="$(conda --version)"
echo "$version_line"
# Miniforge's release is <conda version>-<build number>: 26.3.2-3 brings conda 26.3.2.
miniforge="${ROCKTS_TEST_OPTION_miniforgeVersion:?}"
expected="${miniforge%-*}"
[ "$version_line" = "conda $expected" ] || fail "expected conda $expected (Miniforge $miniforge), got '$version_line'"
[ -x /opt/conda/bin/mamba ] || fail "mamba is missing from /opt/conda/bin"

# The channels are the option's, in its order.
channels="$(conda config --show channels | sed -n 's/^  - //p' | paste -sd, -)"
[ "$channels" = "${ROCKTS_TEST_OPTION_channels:?}" ] || fail "channels are '$channels', expected '$ROCKTS_TEST_OPTION_channels'"

# A non-root user's environments and package cache go to the home: conda takes the first
# writable folder of envs_dirs and pkgs_dirs, and root-owned /opt/conda is not writable.
for key in envs_dirs pkgs_dirs; do
    [ "$(id -u)" -ne 0 ] || break
    chosen=""
    while read -r candidate; do
        if [ -w "$candidate" ] || { [ ! -e "$candidate" ] && [[ "$candidate" == "$HOME"/* ]]; }; then chosen="$candidate"; break; fi
    done < <(conda config --show "$key" | sed -n 's/^  - //p')
    case "$chosen" in
        "$HOME"/*) ;;
        *) fail "the first writable folder of $key is '$chosen', not in $HOME" ;;
    esac
done
[ "$(id -u)" -eq 0 ] || [ ! -w /opt/conda ] || fail "/opt/conda is writable by $(id -un)"

# An interactive bash has `conda activate`, and base is active only when asked.
active="$(bash -ic 'type conda >/dev/null 2>&1 && echo "${CONDA_DEFAULT_ENV:-none}"' 2>/dev/null | tail -n 1)"
if [ "${ROCKTS_TEST_OPTION_activateBase:?}" = true ]; then
    [ "$active" = base ] || fail "an interactive bash has '$active' active, expected base"
else
    [ "$active" = none ] || fail "an interactive bash has '$active' active, expected none"
fi
/opt/conda/bin/python -c 'import sys; print("base python", sys.version.split()[0])'
echo "conda test: ok"
