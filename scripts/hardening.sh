#!/usr/bin/env bash
# The runtime's hardening checks (issue 10), bounded to about 8 minutes on 2
# cores:
#   1. the runtime-only configuration built with clang-22, AddressSanitizer +
#      UndefinedBehaviorSanitizer (LOOM_ENABLE_SANITIZERS) and the libFuzzer
#      targets (LOOM_BUILD_FUZZERS); every runtime unit test run under the
#      sanitizers, LeakSanitizer included (LoomRuntimeTests, LoomRunToolTests,
#      LoomFuzzReplayTests, LoomRuntimeBadInputTests);
#   2. each fuzz target of test/fuzz for FUZZ_SECONDS (60 by default; the
#      first argument overrides it, e.g. `scripts/hardening.sh 3600` by hand),
#      seeded from test/fuzz/seeds, examples/data and loom-test-module-gen.
# A crash is saved under BUILD/fuzz-artifacts/: check it in under
# test/fuzz/regressions/TARGET/ with the fix (LoomFuzzReplayTests replays it).
# The build goes through ccache keyed relative to the checkout, shared by
# every clone (scripts/lib/steps.sh, which also holds the pass/fail helpers
# this script shares with scripts/test.sh and scripts/fuzz-compiler.sh).
# Ends with one line: "N passed, M failed". Exit status 0 iff M == 0.
#
#   LOOM_BUILD_DIR   base of the build folders (default: ./build); this
#                    script builds in "$LOOM_BUILD_DIR-hardening"
#   JOBS             parallel build jobs (default: the number of CPUs)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${LOOM_BUILD_DIR:-$ROOT/build}-hardening"
FUZZ_SECONDS="${1:-60}"
JOBS="${JOBS:-$(nproc)}"
source "$ROOT/scripts/lib/steps.sh"

if ! [[ "$FUZZ_SECONDS" =~ ^[0-9]+$ ]] || [[ "$FUZZ_SECONDS" -lt 1 ]]; then
  echo "usage: scripts/hardening.sh [SECONDS_PER_FUZZ_TARGET]" >&2
  exit 2
fi

# --- Dependencies: the project's, then libFuzzer and the sanitizer runtimes
"$ROOT/scripts/install-deps.sh" || { echo "dependency installation failed"; step_fail "dependencies"; summary; }
need_clang_rt hardening || { step_fail "installing libclang-rt-22-dev"; summary; }

# --- 1. Sanitizer + fuzzer build of the runtime, and its unit tests --------
echo "== runtime-only build with clang-22, ASan + UBSan and libFuzzer targets: $BUILD"
use_shared_ccache "$ROOT"
mkdir -p "$BUILD"
if ! CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$ROOT" -B "$BUILD" \
       -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOOM_BUILD_COMPILER=OFF \
       -DLOOM_ENABLE_SANITIZERS=ON -DLOOM_BUILD_FUZZERS=ON >"$BUILD/cmake.log" 2>&1 ||
   ! ninja -C "$BUILD" -j"$JOBS" >"$BUILD/ninja.log" 2>&1; then
  tail -n 30 "$BUILD/cmake.log" "$BUILD/ninja.log" 2>/dev/null
  step_fail "sanitizer build"
  summary
fi
step_pass "sanitizer build"

echo "== runtime unit tests under ASan + UBSan + LeakSanitizer"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
CTEST_OUT="$(mktemp)"
(cd "$BUILD" && ctest -j"$JOBS" --output-on-failure --timeout 120) >"$CTEST_OUT" 2>&1
grep -E "ERROR: [A-Za-z]+Sanitizer|runtime error:|\*\*\*(Failed|Exception)" "$CTEST_OUT" | head -n 40
tail -n 3 "$CTEST_OUT"
n=$(grep -oE "out of [0-9]+" "$CTEST_OUT" | grep -oE "[0-9]+" | tail -1)
nf=$(grep -oE "[0-9]+ tests failed" "$CTEST_OUT" | grep -oE "^[0-9]+" | tail -1)
if [[ -z "$n" ]]; then
  step_fail "ctest (sanitizers) did not run"; cat "$CTEST_OUT"
else
  passed=$((passed + n - ${nf:-0})); failed=$((failed + ${nf:-0}))
fi
rm -f "$CTEST_OUT"

# --- 2. Fuzzing -------------------------------------------------------------
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ARTIFACTS="$BUILD/fuzz-artifacts"
mkdir -p "$ARTIFACTS"

# Module seeds: the compiled and hand-written seeds, and every test module
# (valid and damaged) of loom-test-module-gen. Valid seeds' kernel libraries
# are the only ones the target may load (LOOM_FUZZ_TRUSTED_MODULES).
mkdir -p "$WORK/module-seeds" "$WORK/module-corpus" "$WORK/npy-corpus"
cp "$ROOT"/test/fuzz/seeds/module/*.loom "$BUILD"/test/unit/fuzz/seeds/module/*.loom \
   "$WORK/module-seeds/"
for kind in valid bad-version bad-identifier truncated wrong-target oob-binding \
            bad-kernel-index missing-kernel bad-abi; do
  "$BUILD/bin/loom-test-module-gen" "$kind" "$WORK/module-seeds/test-$kind.loom"
done

# run_fuzzer NAME CORPUS SEED_DIR...: FUZZ_SECONDS of fuzzing; prints the
# executions and fails the step on a crash, leak, timeout or violated check.
run_fuzzer() {
  local name=$1 corpus=$2; shift 2
  local log="$WORK/$name.log" seeds=() dir
  for dir in "$@"; do [[ -d "$dir" ]] && seeds+=("$dir"); done
  echo "== fuzzing $name for ${FUZZ_SECONDS}s"
  "$BUILD/bin/${name}_fuzzer" "$corpus" "${seeds[@]}" -max_total_time="$FUZZ_SECONDS" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$ARTIFACTS/$name-" >"$log" 2>&1
  local rc=$?
  local execs units
  execs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$")
  units=$(ls "$corpus" | wc -l)
  echo "$name: ${execs:-?} executions, corpus of $units inputs, exit status $rc"
  if [[ $rc -ne 0 ]]; then
    grep -E "ERROR|runtime error|invariant violated|SUMMARY|Test unit written" "$log" | head -n 20
    echo "(crash input saved under $ARTIFACTS/; check it in under" \
         "test/fuzz/regressions/$name/ with the fix)"
    step_fail "fuzzing $name"
  else
    step_pass "fuzzing $name (${execs:-?} executions, no crash)"
  fi
}

LOOM_FUZZ_TRUSTED_MODULES="$WORK/module-seeds" \
  run_fuzzer module_loader "$WORK/module-corpus" "$WORK/module-seeds" \
    "$ROOT/test/fuzz/regressions/module_loader"
run_fuzzer npy_reader "$WORK/npy-corpus" "$ROOT/test/fuzz/seeds/npy" \
  "$ROOT/examples/data" "$ROOT/test/fuzz/regressions/npy_reader"

summary
