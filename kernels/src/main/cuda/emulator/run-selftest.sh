#!/usr/bin/env bash
# Builds the CPU emulator and every kernel .cu as C++ (-DJB_EMULATE), then runs selftest.cpp:
# each kernel against a double-precision reference on random inputs. Needs only g++ (no GPU, no
# nvcc). Usage: kernels/src/main/cuda/emulator/run-selftest.sh [--quick] [GROUP...]
# (groups: elementwise gemm layernorm attention loss embedding optimizer; default all)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(dirname "$here")"
out="${TMPDIR:-/tmp}/jbert-kernels-emu"
mkdir -p "$out"
cxx="${CXX:-g++}"
flags=(-std=c++17 -O2 -ffp-contract=off -fno-strict-aliasing -fno-fast-math -w)
objs=()
for cu in "$src"/*.cu; do
    o="$out/$(basename "${cu%.cu}").o"
    "$cxx" "${flags[@]}" -DJB_EMULATE -include "$here/cuda_emu.hpp" -x c++ -c "$cu" -o "$o"
    objs+=("$o")
done
"$cxx" "${flags[@]}" -c "$here/cuda_emu.cpp" -o "$out/cuda_emu.o"
"$cxx" "${flags[@]}" -c "$here/selftest.cpp" -o "$out/selftest.o"
"$cxx" -o "$out/selftest" "$out/selftest.o" "$out/cuda_emu.o" "${objs[@]}" -lm
exec "$out/selftest" "$@"
