#!/usr/bin/env bash
# Runs HERE (the build machine, which has Maven, JDK 25 and the Maven repository) before a call
# to the lent GPU machine, which has a GPU, CUDA, PyTorch and Python but no network, no Maven and
# no Java. Builds jbert and assembles in gpu-bundle/ (git-ignored) everything kernels/gpu-check.sh
# needs there:
#
#   gpu-bundle/jre.tar.xz   a Java 25 runtime cut down by jlink to the modules the jars use
#                           (jdeps), modules uncompressed so that xz packs them well (~22 MB;
#                           gpu-check.sh unpacks it under /tmp)
#   gpu-bundle/lib/         the class path: jbert's module jars (kernels and engine with their
#                           test jars, benchmarks without the CPU peers OpenBLAS and DJL), JCuda and
#                           its Linux natives, Jackson, JMH, and JUnit's console launcher, which
#                           runs the kernels module's tests in place of Maven's surefire
#   gpu-bundle/BUNDLE.txt   what was built: commit, date, JDK, modules, every file with its size
#
# and prints the exact arguments of the device tool's `run` call. The bundle and the working tree
# travel together under the tool's 64 MiB limit; this script fails if they would not fit.
#
# Usage: kernels/gpu-prepare.sh [--skip-build]
#   --skip-build   reuse the jars of the last build (in the $JBERT_TARGET folders)
# Environment: JBERT_TARGET (build folder name, default target-gpu), JAVA_HOME (a JDK 25).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
target=${JBERT_TARGET:-target-gpu}
bundle=$root/gpu-bundle
limit=$((64 * 1024 * 1024))
build=1
for arg in "$@"; do
  case "$arg" in
    --skip-build) build=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-prepare: unknown argument '$arg' (expected --skip-build or --help)" >&2; exit 2 ;;
  esac
done

. "$root/bin/find-jdk"
JAVA_HOME=$(jbert_find_jdk); export JAVA_HOME
command -v mvn >/dev/null || { echo "gpu-prepare: Maven (mvn) is not installed" >&2; exit 1; }
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
mvn_q() { mvn -B -q -Dstyle.color=never -Djbert.target="$target" "$@"; }
# offline first (everything is usually in ~/.m2); online once if something is missing
mvn_any() { mvn_q -o "$@" || { echo "gpu-prepare: offline Maven failed; trying once with the network" >&2; mvn_q "$@"; }; }
step() { printf '\n== %s\n' "$*"; }

if [ "$build" = 1 ]; then
  step "building jbert (tests compiled, not run) into the '$target' folders"
  mvn_any -pl benchmarks,kernels -am -DskipTests install
fi

step "assembling $bundle"
rm -rf "$bundle"
mkdir -p "$bundle/lib"
# third-party jars; jbert's own jars come from this build's folders below (not from ~/.m2, which
# parallel builds may overwrite). The CPU peers of the benchmarks (OpenBLAS, DJL) are left out.
mvn_any -pl benchmarks dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$bundle/lib" \
  -DexcludeGroupIds=dev.jbert,org.bytedeco,ai.djl,ai.djl.huggingface,net.java.dev.jna,com.google.code.gson,com.google.errorprone,org.slf4j,commons-io,commons-codec \
  -DexcludeArtifactIds=commons-compress
mvn_any -pl kernels dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$bundle/lib" \
  -DexcludeGroupIds=dev.jbert,org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian
jupiter=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' "$root/pom.xml" | head -1)
case "$jupiter" in 5.*) platform="1.${jupiter#5.}" ;; *) platform="$jupiter" ;; esac
mvn_any dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" \
  -DoutputDirectory="$bundle/lib"
for jar in tokenizer/$target/jbert-tokenizer-*.jar engine/$target/jbert-engine-*.jar \
           kernels/$target/jbert-kernels-*.jar benchmarks/$target/jbert-benchmarks-*.jar; do
  [ -f "$jar" ] || { echo "gpu-prepare: $jar is missing: build first (without --skip-build)" >&2; exit 1; }
  cp "$jar" "$bundle/lib/"
done
for need in jbert-engine-*-tests.jar jbert-kernels-*-tests.jar junit-platform-console-standalone-*.jar \
            jmh-core-*.jar jcuda-natives-*.jar; do
  compgen -G "$bundle/lib/$need" >/dev/null || { echo "gpu-prepare: no $need in the bundle" >&2; exit 1; }
done
unzip -l "$bundle"/lib/jbert-benchmarks-*.jar | grep -q META-INF/BenchmarkList \
  || { echo "gpu-prepare: the benchmarks jar has no META-INF/BenchmarkList (JMH annotation processing did not run)" >&2; exit 1; }

step "cutting a Java runtime with jlink"
mods=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 \
        --class-path "$bundle/lib/*" "$bundle"/lib/*.jar 2>/dev/null | tail -1)
# plus what is loaded reflectively or as a service: logging (JCuda), management (JMH), XML (JUnit's
# reports), the jar file system (JUnit scans the test jar through it)
mods="$mods,java.logging,java.management,jdk.management,java.xml,jdk.unsupported,jdk.incubator.vector,jdk.zipfs"
mods=$(echo "$mods" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)
echo "modules: $mods"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$JAVA_HOME/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages \
  --compress zip-0 --output "$work/jre" 2>&1 | grep -v 'incubator modules' || true
"$work/jre/bin/java" -version 2>&1 | head -1
tar -C "$work" -cf - jre | xz -6 -T0 > "$bundle/jre.tar.xz"

{
  echo "gpu-bundle for kernels/gpu-check.sh"
  echo "built:   $(date -u +%FT%TZ) on $(uname -n)"
  echo "commit:  $(git rev-parse HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
  echo "jdk:     $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  echo "modules: $mods"
  echo "files:"
  (cd "$bundle" && find . -type f ! -name BUNDLE.txt -printf '  %10s  %P\n' | sort -k2)
} > "$bundle/BUNDLE.txt"

step "size check (the device tool carries the working tree and the bundle, 64 MiB at most)"
tree=$(cd "$root" && { git ls-files -z; git ls-files -z --others --exclude-standard; } \
        | xargs -0 -r stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')
shared=0
[ -d "$root/shared" ] && shared=$(du -sb "$root/shared" | cut -f1)
bsize=$(du -sb "$bundle" | cut -f1)
total=$((tree + shared + bsize))
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
echo "working tree $(mib "$tree"), shared/ $(mib "$shared"), gpu-bundle $(mib "$bsize"): $(mib "$total") of 64 MiB"
if [ "$total" -gt "$limit" ]; then
  echo "gpu-prepare: too large for one call: untracked files or the bundle must shrink" >&2
  exit 1
fi

cat <<EOF

== ready. On a session with a lent GPU, call the device tool's run with:

  carry:     ["gpu-bundle"]
  timeout_s: 600
  command:   bash kernels/gpu-check.sh

(≈ 7 minutes: nvidia-smi, check-ptx ≈ 0.5, tests ≈ 1-2, benchmarks ≈ 4, baseline ≈ 1; it stops
itself at 9; the raw outputs come back under the reply's files_at.) To split it over two calls, each with the same
carry:

  command:   bash kernels/gpu-check.sh --only ptx,tests
  command:   bash kernels/gpu-check.sh --only bench,baseline

Then: python3 benchmarks/python/summarize.py --jmh <files_at>/jmh-gpu.json --baseline <files_at>/hf-baseline.json
EOF
