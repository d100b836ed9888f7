#!/usr/bin/env bash
# Checks the cuda extension inside the built image, as the non-root user.
set -euo pipefail

fail() { echo "cuda test: $*" >&2; exit 1; }

version="${ROCKTS_TEST_OPTION_cudaVersion:?}"
command -v nvcc >/dev/null || fail "nvcc is not on PATH ($PATH)"
nvcc --version | tail -n 2
nvcc --version | grep -q "release ${version}," || fail "nvcc is not release ${version}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/add.cu" <<'CU'
#include <cstdio>
__global__ void add(int *x) { *x += 40; }
int main() {
    int *d, h = 2;
    if (cudaMalloc(&d, sizeof h) != cudaSuccess) { std::puts("no device"); return 3; }
    cudaMemcpy(d, &h, sizeof h, cudaMemcpyHostToDevice);
    add<<<1, 1>>>(d);
    cudaMemcpy(&h, d, sizeof h, cudaMemcpyDeviceToHost);
    std::printf("%d\n", h);
    return h == 42 ? 0 : 1;
}
CU
nvcc -o "$work/add" "$work/add.cu" || fail "nvcc could not compile a kernel"

# With a GPU (the gpu extension on an NVIDIA host), the kernel runs.
if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
    [ "$("$work/add")" = 42 ] || fail "the kernel did not compute 42"
    echo "cuda test: a kernel ran on $(nvidia-smi -L | head -n 1)"
fi
echo "cuda test: ok"
