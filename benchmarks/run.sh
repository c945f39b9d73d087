#!/usr/bin/env bash
# Builds the benchmark jar and runs JMH benchmarks with the settings recorded in
# docs/performance.md. Usage: benchmarks/run.sh [JMH regex] [extra JMH args...]
# Results (JSON) go to benchmarks/results/<date>-<regex>.json.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/find-jdk"
jdk=$(jbert_find_jdk)
"$root/bin/build" -pl benchmarks -am
mkdir -p "$root/benchmarks/results"
regex=${1:-.}
shift || true
if [[ "$regex" == *gpu* ]]; then
  # the GPU benchmarks (dev.jbert.bench.gpu): one line and exit status 3 where there is no
  # usable GPU, instead of one failed JMH fork per benchmark
  "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$root/benchmarks/target/benchmarks.jar" \
    dev.jbert.bench.gpu.GpuPreflight || exit $?
fi
out="$root/benchmarks/results/$(date -u +%Y%m%dT%H%M%SZ)-$(echo "$regex" | tr -c 'A-Za-z0-9' '_' | cut -c1-40).json"
exec "$jdk/bin/java" --add-modules jdk.incubator.vector -jar "$root/benchmarks/target/benchmarks.jar" \
  "$regex" -rf json -rff "$out" "$@"
