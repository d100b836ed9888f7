#!/bin/sh
# The ssh client runs; when an agent was forwarded, its socket answers.
# ROCKTS_EXPECT_SSH_AGENT=1 (optional): require the forwarded agent.
set -eu
ssh -V
if [ -n "${SSH_AUTH_SOCK:-}" ]; then
    test -S "$SSH_AUTH_SOCK"
    # ssh-add -l: 0 = keys listed, 1 = agent has no keys, 2 = cannot reach the agent.
    status=0
    ssh-add -l >/dev/null 2>&1 || status=$?
    test "$status" -ne 2
elif [ "${ROCKTS_EXPECT_SSH_AGENT:-}" = 1 ]; then
    echo "SSH_AUTH_SOCK is not set in the container" >&2
    exit 1
fi
