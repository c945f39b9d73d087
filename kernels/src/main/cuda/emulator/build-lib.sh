#!/usr/bin/env bash
# Builds libjbemu.so: every kernel .cu compiled as C++ against the CPU emulator (-DJB_EMULATE,
# as run-selftest.sh does) plus cuda_emu_lib.cpp, the C ABI that Java tests load through the FFM
# API (dev.jbert.kernels.emulator.Emulator does this by itself). Needs only a C++17 compiler.
#
# Usage: kernels/src/main/cuda/emulator/build-lib.sh OUTPUT_DIR     (CXX overrides g++)
# Writes OUTPUT_DIR/libjbemu.so atomically (built under a temporary name, then renamed), so
# concurrent builds into the same folder are safe. Exit status: 0 built, 1 a compile or link
# error, 2 no compiler or bad usage.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(dirname "$here")"

if (( $# != 1 )); then
    echo "build-lib: usage: build-lib.sh OUTPUT_DIR" >&2
    exit 2
fi
cxx="${CXX:-g++}"
if ! command -v "$cxx" >/dev/null 2>&1; then
    echo "build-lib: C++ compiler '$cxx' not found (install g++, or set CXX to a C++17 compiler)" >&2
    exit 2
fi
mkdir -p "$1"
out="$(cd "$1" && pwd)"
work="$(mktemp -d "$out/.build-lib.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Same floating-point flags as run-selftest.sh (keep in sync): IEEE float and double, no FMA
# contraction, as the CUDA kernels round; plus position-independent code for a shared library.
flags=(-std=c++17 -O2 -ffp-contract=off -fno-strict-aliasing -fno-fast-math -w -fPIC -pthread)

# Compile in parallel, one job per source.
pids=()
objs=()
for cu in "$src"/*.cu; do
    o="$work/$(basename "${cu%.cu}").o"
    "$cxx" "${flags[@]}" -DJB_EMULATE -include "$here/cuda_emu.hpp" -x c++ -c "$cu" -o "$o" 2>"$o.log" &
    pids+=($!)
    objs+=("$o")
done
for cpp in cuda_emu cuda_emu_lib; do
    o="$work/$cpp.o"
    "$cxx" "${flags[@]}" -c "$here/$cpp.cpp" -o "$o" 2>"$o.log" &
    pids+=($!)
    objs+=("$o")
done
failed=0
for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
        cat "${objs[$i]}.log" >&2
        echo "build-lib: FAILED to compile $(basename "${objs[$i]%.o}")" >&2
        failed=1
    fi
done
if (( failed )); then exit 1; fi

"$cxx" -shared -fPIC -pthread -Wl,--no-undefined -o "$work/libjbemu.so" "${objs[@]}" -lm
mv -f "$work/libjbemu.so" "$out/libjbemu.so"
echo "build-lib: $out/libjbemu.so" >&2
