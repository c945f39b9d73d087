#!/usr/bin/env bash
# Regenerates the PTX of the jbert CUDA kernels, deterministically:
#   kernels/src/main/cuda/<family>.cu  ->  kernels/src/main/resources/dev/jbert/kernels/ptx/<family>.ptx
#
# Usage: kernels/build-ptx.sh [OUTPUT_DIR]      (from any directory; default output: the resources folder)
#
# Target: virtual architecture compute_80 (PTX `.target sm_80`). It is the lowest target with
# everything the kernels use (mma.sync m16n8k8 tf32 and m16n8k16 bf16, cvt.rna.tf32.f32,
# bf16 conversions), so the same PTX is JIT-compiled by the driver for A100 (sm_80), A10/L4/RTX
# (sm_86/89) and H100/H200 (sm_90). Nothing here needs sm_90 features (wgmma, TMA, clusters):
# those are only reachable through the arch-specific sm_90a target, which would run on Hopper
# alone; they are the next step (docs/kernels-cuda.md).
#
# Floating point: NOT --use_fast_math. Its -ftz=true flushes denormals (gradients live there),
# -prec-div=false / -prec-sqrt=false make / and sqrt approximate (AdamW, LayerNorm, GradClip must
# round like the CPU), and it swaps expf/logf/erff for approximations. We ask for IEEE division and
# square root and keep denormals; -fmad=true (the default) lets nvcc fuse a·b+c where the source
# does not pin the rounding; kernels that must round like the CPU use the _rn intrinsics, which are
# never fused (common.cuh).
#
# Determinism: sources are compiled from their own folder by relative name, without -G/-lineinfo,
# and keep their helpers in named namespaces (see the _INTERNAL_ check below), so no path, user,
# host or time ends up in the PTX; the output depends only on the sources and on the nvcc release (named in each PTX header: "Cuda compilation tools, release 13.0, V13.0.88").
# The committed PTX was produced by nvcc 13.0.88 and declares `.version 9.0` (PTX ISA 9.0): a
# driver >= 580 is needed to load it (docs/kernels-cuda.md).
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/src/main/cuda"
out="${1:-$here/src/main/resources/dev/jbert/kernels/ptx}"

find_nvcc() {
    if [[ -n "${NVCC:-}" && -x "${NVCC}" ]]; then echo "$NVCC"; return 0; fi
    if command -v nvcc >/dev/null 2>&1; then command -v nvcc; return 0; fi
    local d
    for d in /usr/local/cuda/bin /usr/local/cuda-13.0/bin $(ls -d /usr/local/cuda-*/bin 2>/dev/null | sort -rV); do
        if [[ -x "$d/nvcc" ]]; then echo "$d/nvcc"; return 0; fi
    done
    return 1
}

if ! nvcc="$(find_nvcc)"; then
    echo "build-ptx: nvcc not found (looked at \$NVCC, the PATH, /usr/local/cuda/bin, /usr/local/cuda-13.0/bin," >&2
    echo "build-ptx: /usr/local/cuda-*/bin). Install the CUDA toolkit 13.0 or set NVCC=/path/to/nvcc." >&2
    exit 2
fi

# Flags: keep in sync with the comment above and docs/kernels-cuda.md.
flags=(-ptx -arch=compute_80 -O3 -std=c++17 -ftz=false -prec-div=true -prec-sqrt=true -fmad=true)

mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$src"
shopt -s nullglob
sources=(*.cu)
if (( ${#sources[@]} == 0 )); then
    echo "build-ptx: no .cu sources in $src" >&2
    exit 2
fi
for cu in "${sources[@]}"; do
    name="${cu%.cu}"
    tmp="$out/.$name.ptx.tmp"
    "$nvcc" "${flags[@]}" -o "$tmp" "$cu"
    # No absolute path may leak into a committed file, nor a path hash: nvcc mangles names of
    # internal linkage (anonymous namespaces, static device functions and variables) as
    # _INTERNAL_<hash of the source path>_..., so the sources use named namespaces instead.
    if grep -q -F -e "$here" "$tmp"; then
        echo "build-ptx: $name.ptx mentions a local path; refusing to write it" >&2
        rm -f "$tmp"
        exit 1
    fi
    if grep -q -F -e "_INTERNAL_" "$tmp"; then
        echo "build-ptx: $name.ptx has names mangled with a source-path hash (_INTERNAL_...): put the" >&2
        echo "build-ptx: helpers of $cu in a named namespace, not an anonymous one or static; refusing to write it" >&2
        rm -f "$tmp"
        exit 1
    fi
    mv -f "$tmp" "$out/$name.ptx"
    echo "build-ptx: $cu -> $out/$name.ptx" >&2
done
