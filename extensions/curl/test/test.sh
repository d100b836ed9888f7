#!/bin/sh
# curl runs and the CA bundle it verifies with is in place.
set -eu
curl --version | head -n 1
test -s /etc/ssl/certs/ca-certificates.crt
