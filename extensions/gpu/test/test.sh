#!/bin/sh
# The NVIDIA runtime gave the container its GPUs. Needs an NVIDIA host with the
# NVIDIA Container Toolkit; elsewhere this test fails by design.
set -eu
command -v nvidia-smi >/dev/null || { echo "nvidia-smi is missing: the NVIDIA runtime did not inject the driver" >&2; exit 1; }
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
