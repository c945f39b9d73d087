#!/usr/bin/env bash
# The one script for a lent GPU machine: run from the repository root, with gpu-bundle/ carried
# (made by kernels/gpu-prepare.sh on the build machine: no network, Maven or Java is needed here).
#
#   gpu       nvidia-smi (and nvidia-smi -q to a file), the cuBLAS libraries found   ~5 s
#   ptx       kernels/check-ptx.sh, where nvcc exists (committed PTX up to date,
#             ptxas register/spill report for sm_90)                                 ~30 s
#   tests     every test of the kernels module (JUnit's console launcher in place of
#             surefire: emulator and GPU targets; GPU tests now run), XML report     ~1-2 min
#   bench     the GPU JMH benchmarks (dev.jbert.bench.gpu: GEMM beside cuBLAS,
#             attention, LayerNorm, elementwise, embedding, AdamW/grad norm,
#             DistilBERT training step), -f 1, warm-up 2 x 150 ms, 5 x 150 ms
#             measured (training step: 3 x 1 s, 5 x 1 s), medians                    ~4 min
#   baseline  benchmarks/python/hf_baseline.py (PyTorch / Hugging Face, same shapes)  ~1 min
#
# Everything raw goes to "${OUT:-benchmarks/results/gpu-<date>}" (at most 8 files, as the device
# tool brings back): gpu-check.log (all output), nvidia-smi-q.txt, tests-junit.xml,
# jmh-gpu.json, hf-baseline.json, summary.txt (benchmarks/python/summarize.py of the last two).
#
# Usage: kernels/gpu-check.sh [--quick] [--only PART[,PART...]] [--out DIR] [--force] [--help]
#   --quick   shorter measurements (JMH -f 0 -wi 1 -i 3 x 100 ms, in one JVM; fewer baseline
#             repetitions): about 5 minutes in all; figures for a smoke run, not for the docs
#   --only    run only these parts of gpu, ptx, tests, bench, baseline (gpu always runs)
#   --out     where the results go (default: $OUT, else benchmarks/results/gpu-<date>)
#   --force   run tests, bench and baseline even where no GPU is found (checks the machinery)
# Budget: the parts stop at GPU_CHECK_BUDGET_S seconds in all (default 540 = 9 minutes); a part
# that would start with less than 30 s left is skipped, saying so.
# For checking this script itself on a machine without a GPU: GPU_CHECK_JAVA_OPTS is added to
# every java command (e.g. -Djbert.bench.device=emulator) and GPU_CHECK_JMH_ARGS to every JMH run
# (e.g. small -p sizes), with --force.
# Exit status: 0 when every part that ran passed; 1 when a part failed or found no GPU (each says
# so in one line, and the other parts still run); 2 for bad arguments.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
started=$(date +%s)
budget=${GPU_CHECK_BUDGET_S:-540}
quick=0
force=0
only="gpu,ptx,tests,bench,baseline"
results=${OUT:-}
usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --force) force=1 ;;
    --only) [ $# -ge 2 ] || { echo "gpu-check: --only needs a part list (gpu,ptx,tests,bench,baseline)" >&2; exit 2; }
            only="gpu,$2"; shift ;;
    --only=*) only="gpu,${1#--only=}" ;;
    --out) [ $# -ge 2 ] || { echo "gpu-check: --out needs a folder" >&2; exit 2; }
           results=$2; shift ;;
    --out=*) results=${1#--out=} ;;
    -h|--help) usage; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for p in ${only//,/ }; do
  case "$p" in gpu|ptx|tests|bench|baseline) ;; *) echo "gpu-check: unknown part '$p' (expected gpu, ptx, tests, bench, baseline)" >&2; exit 2 ;; esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }
results=${results:-benchmarks/results/gpu-$(date +%F)}
mkdir -p "$results" || { echo "gpu-check: cannot create $results" >&2; exit 2; }
results=$(cd "$results" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$results/gpu-check.log
: > "$log"
exec > >(tee -a "$log") 2>&1
tee_pid=$!
# ends the run once tee has written everything (the last lines are the ones a reader needs)
finish() {
  exec 1>&- 2>&-
  wait "$tee_pid" 2>/dev/null
  exit "$1"
}

failed_parts=()
declare -A status
note() { printf '%s\n' "$*"; }
elapsed() { echo $(( $(date +%s) - started )); }
part_start() { note ""; note "== $1 ($(elapsed) s into the run)"; }
part_end() { # part, status line
  status[$1]=$2
  note "-- $1: $2"
  case "$2" in ok*|skipped*) ;; *) failed_parts+=("$1") ;; esac
}
time_left() { echo $(( budget - $(elapsed) )); }
# runs "$@" for at most $1 seconds and never past the budget (exit status 124 when cut short)
bounded() {
  local cap=$1; shift
  local left; left=$(time_left)
  [ "$left" -lt "$cap" ] && cap=$left
  [ "$cap" -lt 1 ] && return 124
  timeout --kill-after=10 "$cap" "$@"
}
# true when a part may start: at least 30 s of the budget left (else the part says it was skipped)
may_start() {
  [ "$(time_left)" -ge 30 ] && return 0
  part_end "$1" "NOT RUN: only $(time_left) s of the ${budget} s budget left"
  return 1
}

note "gpu-check: $(date -u +%FT%TZ), $(uname -n), parts: $only$( [ $quick = 1 ] && echo ', quick')$( [ $force = 1 ] && echo ', forced'), results: $results"
note "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
note "bundle: $( [ -f gpu-bundle/BUNDLE.txt ] && sed -n 's/^\(built\|commit\): *//p' gpu-bundle/BUNDLE.txt | paste -sd'|' - | sed 's/|/; /' || echo 'none (run kernels/gpu-prepare.sh on the build machine)')"

# ---------------------------------------------------------------------------------------- gpu
part_start gpu
gpu=""
if ! command -v nvidia-smi >/dev/null 2>&1; then
  gpu="no GPU: nvidia-smi not found (no NVIDIA driver on this machine)"
elif ! nvidia-smi > "$work/smi.txt" 2>&1; then
  gpu="no GPU: nvidia-smi failed: $(head -1 "$work/smi.txt")"
else
  cat "$work/smi.txt"
  nvidia-smi -q > "$results/nvidia-smi-q.txt" 2>&1 || true
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,power.limit,temperature.gpu \
    --format=csv 2>/dev/null || true
fi
# cuBLAS for the GEMM baseline: JCublas 12.6 links libcublas.so.12; put any copy found on the path
cublas_libs=$(find /usr/local /opt /usr/lib /usr/lib64 -name 'libcublas.so.1[0-9]*' 2>/dev/null | sort -u)
if [ -n "$cublas_libs" ]; then
  note "cuBLAS libraries found:"; printf '  %s\n' $cublas_libs
  for d in $(printf '%s\n' $cublas_libs | grep 'libcublas\.so\.12' | xargs -r -n1 dirname | sort -u); do
    export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  done
fi
printf '%s\n' $cublas_libs | grep -q 'libcublas\.so\.12' \
  || note "no libcublas.so.12 here: the GEMM benchmarks' impl=cublas rows will fail with one line; hf_baseline.py's torch.matmul is the cuBLAS figure"
if [ -n "$gpu" ]; then part_end gpu "$gpu"; else part_end gpu ok; fi
gpu_ok() { [ -z "$gpu" ] || [ "$force" = 1 ]; }

# ---------------------------------------------------------------------------------------- java
java=""
java_problem=""
find_java() {
  [ -n "$java" ] || [ -n "$java_problem" ] && return
  if [ -f gpu-bundle/jre.tar.xz ]; then
    local dir=${JBERT_JRE_DIR:-${TMPDIR:-/tmp}/jbert-jre}
    local stamp; stamp=$(cksum < gpu-bundle/jre.tar.xz | cut -d' ' -f1)
    if [ ! -x "$dir/jre/bin/java" ] || [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
      rm -rf "$dir" && mkdir -p "$dir"
      if command -v xz >/dev/null 2>&1; then
        tar -C "$dir" -xJf gpu-bundle/jre.tar.xz
      else
        python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' gpu-bundle/jre.tar.xz "$dir"
      fi || { java_problem="could not unpack gpu-bundle/jre.tar.xz into $dir"; return; }
      echo "$stamp" > "$dir/stamp"
    fi
    java=$dir/jre/bin/java
  else
    local jdk
    if jdk=$(. bin/find-jdk >/dev/null 2>&1; jbert_find_jdk 2>/dev/null); then
      java=$jdk/bin/java
    else
      java_problem="no Java 25 here and no gpu-bundle/jre.tar.xz: run kernels/gpu-prepare.sh on the build machine and carry gpu-bundle"
      return
    fi
  fi
  if ! compgen -G "gpu-bundle/lib/*.jar" >/dev/null; then
    java_problem="gpu-bundle/lib is missing: run kernels/gpu-prepare.sh on the build machine and carry gpu-bundle"
    java=""
    return
  fi
  note "java: $("$java" -version 2>&1 | head -1) ($java)"
}
jvm_flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${GPU_CHECK_JAVA_OPTS:-})

# ---------------------------------------------------------------------------------------- ptx
if wants ptx && part_start ptx && may_start ptx; then
  if ! command -v nvcc >/dev/null 2>&1 && [ ! -x /usr/local/cuda/bin/nvcc ]; then
    part_end ptx "skipped: no nvcc here"
  else
    bounded 120 bash kernels/check-ptx.sh
    rc=$?
    case $rc in
      0) part_end ptx ok ;;
      124|137) part_end ptx "FAILED: timed out" ;;
      *) part_end ptx "FAILED: kernels/check-ptx.sh exited with $rc (see above)" ;;
    esac
  fi
fi

# ---------------------------------------------------------------------------------------- tests
if wants tests && part_start tests && may_start tests; then
  if ! gpu_ok; then
    part_end tests "no GPU (see the gpu part): not run (--force runs them, GPU tests skipped)"
  else
    find_java
    if [ -n "$java_problem" ]; then
      part_end tests "FAILED: $java_problem"
    else
      tests_jar=$(ls gpu-bundle/lib/jbert-kernels-*-tests.jar | head -1)
      shared=${JBERT_SHARED_DIR:-$root/../shared}
      [ -d gpu-bundle/shared ] && shared=$root/gpu-bundle/shared
      note "kernels tests from $tests_jar (working folder kernels/, jbert.shared.dir=$shared)"
      (cd kernels && bounded 240 "$java" "${jvm_flags[@]}" -Xmx6g -Djbert.shared.dir="$shared" \
          -cp "$root/gpu-bundle/lib/*" org.junit.platform.console.ConsoleLauncher execute \
          --scan-class-path="$root/$tests_jar" --reports-dir="$work/tests" --details=tree --details-theme=ascii \
          --disable-banner --disable-ansi-colors --fail-if-no-tests)
      rc=$?
      xml=$(ls "$work"/tests/TEST-junit-jupiter.xml "$work"/tests/TEST-*.xml 2>/dev/null | head -1)
      [ -n "$xml" ] && cp "$xml" "$results/tests-junit.xml"
      case $rc in
        0) part_end tests ok ;;
        124|137) part_end tests "FAILED: timed out (see the tree above for how far it got)" ;;
        1) part_end tests "FAILED: some tests failed (see above and tests-junit.xml)" ;;
        *) part_end tests "FAILED: the test launcher exited with $rc" ;;
      esac
    fi
  fi
fi

# ---------------------------------------------------------------------------------------- bench
if wants bench && part_start bench && may_start bench; then
  if ! gpu_ok; then
    part_end bench "no GPU (see the gpu part): not run"
  else
    find_java
    if [ -n "$java_problem" ]; then
      part_end bench "FAILED: $java_problem"
    else
      cp_bench="gpu-bundle/lib/*"
      "$java" "${jvm_flags[@]}" -cp "$cp_bench" dev.jbert.bench.gpu.GpuPreflight > "$work/preflight.txt"
      rc=$?
      cat "$work/preflight.txt"
      if [ $rc != 0 ]; then
        part_end bench "no GPU: the benchmarks cannot open one (the line above says why)"
      else
        if [ "$quick" = 1 ]; then
          kernel_opts=(-f 0 -wi 1 -w 100ms -i 3 -r 100ms)
          step_opts=(-f 0 -wi 1 -w 1s -i 3 -r 1s)
          jmh_jvm=(-Xmx6g)
        else
          kernel_opts=(-f 1 -wi 2 -w 150ms -i 5 -r 150ms)
          step_opts=(-f 1 -wi 3 -w 1s -i 5 -r 1s)
          jmh_jvm=()
        fi
        gemm_opts=()
        bench_note=""
        if ! grep -q '^cuBLAS: available' "$work/preflight.txt"; then
          gemm_opts=(-p impl=jbert)
          bench_note=" (without the impl=cublas rows: cuBLAS is unavailable, see above; hf-baseline.json's torch.matmul stands in)"
        fi
        bench_rc=0
        jmh() { # name, cap in seconds, regex, options...: one JMH run, its JSON kept even if a later one is cut short
          local name=$1 cap=$2 regex=$3; shift 3
          if [ "$(time_left)" -lt 30 ]; then
            note "JMH $regex: skipped, the time budget is spent"; bench_rc=124; return
          fi
          note "JMH $regex $*"
          bounded "$cap" "$java" "${jvm_flags[@]}" "${jmh_jvm[@]}" -cp "$cp_bench" org.openjdk.jmh.Main "$regex" "$@" \
            ${GPU_CHECK_JMH_ARGS:-} -rf json -rff "$work/jmh-$name.json"
          local rc=$?
          [ $rc = 0 ] || { note "JMH $regex exited with $rc"; bench_rc=$rc; }
        }
        jmh gemm 200 'gpu\.GemmGpuBenchmark' "${kernel_opts[@]}" "${gemm_opts[@]}"
        jmh attention 150 'gpu\.AttentionGpuBenchmark' "${kernel_opts[@]}"
        jmh memory 90 'gpu\.(LayerNorm|Elementwise|Embedding|Optimizer)GpuBenchmark' "${kernel_opts[@]}"
        jmh step 90 'gpu\.TrainStepGpuBenchmark' "${step_opts[@]}"
        python3 - "$results/jmh-gpu.json" "$work"/jmh-*.json <<'PY' || note "could not merge the JMH results"
import json, sys
runs = []
for path in sys.argv[2:]:
    try:
        with open(path) as f:
            runs.extend(json.load(f))
    except (OSError, ValueError):
        pass
with open(sys.argv[1], "w") as f:
    json.dump(runs, f, indent=2)
print("JMH results: %d benchmark runs in %s" % (len(runs), sys.argv[1]))
PY
        failed=$(grep -c '<failure>' "$log" || true)
        if [ "$bench_rc" != 0 ]; then
          part_end bench "FAILED: a JMH run exited with $bench_rc (124/137: cut short by the time budget)$bench_note"
        elif [ "$failed" != 0 ]; then
          part_end bench "FAILED: $failed benchmark(s) reported <failure> (see the log)$bench_note"
        else
          part_end bench "ok$bench_note"
        fi
      fi
    fi
  fi
fi

# ---------------------------------------------------------------------------------------- baseline
if wants baseline && part_start baseline && may_start baseline; then
  if ! gpu_ok; then
    part_end baseline "no GPU (see the gpu part): not run"
  elif ! command -v python3 >/dev/null 2>&1; then
    part_end baseline "FAILED: no python3 here"
  else
    PYTHONUNBUFFERED=1 bounded 200 python3 benchmarks/python/hf_baseline.py $( [ $quick = 1 ] && echo --quick ) \
      --out "$results/hf-baseline.json" > "$work/hf-baseline.stdout"
    rc=$?
    case $rc in
      0) part_end baseline ok ;;
      3) part_end baseline "no GPU: hf_baseline.py found no PyTorch or no CUDA GPU (the line above says which)" ;;
      124|137) part_end baseline "FAILED: timed out" ;;
      *) part_end baseline "FAILED: hf_baseline.py exited with $rc (errors are listed in hf-baseline.json)" ;;
    esac
  fi
fi

# ---------------------------------------------------------------------------------------- summary
if [ -f "$results/jmh-gpu.json" ] || [ -f "$results/hf-baseline.json" ]; then
  args=()
  [ -f "$results/jmh-gpu.json" ] && args+=(--jmh "$results/jmh-gpu.json")
  [ -f "$results/hf-baseline.json" ] && args+=(--baseline "$results/hf-baseline.json")
  python3 benchmarks/python/summarize.py "${args[@]}" > "$results/summary.txt" 2>&1
  note ""
  note "== summary (medians; $results/summary.txt)"
  cat "$results/summary.txt"
fi

note ""
note "== gpu-check finished in $(elapsed) s; results in $results:"
(cd "$results" && find . -maxdepth 1 -type f -printf '  %10s  %P\n' | sort -k2)
files=$(find "$results" -type f | wc -l)
[ "$files" -gt 8 ] && note "note: $files files in $results; the device tool brings back 8 at most"
for p in ${only//,/ }; do note "  $p: ${status[$p]:-not run}"; done
if [ ${#failed_parts[@]} -gt 0 ]; then
  note "gpu-check: FAILED: ${failed_parts[*]} did not pass (each part's line above says why)"
  finish 1
fi
note "gpu-check: all parts passed"
finish 0
