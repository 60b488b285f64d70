#!/usr/bin/env bash
# Installs dependencies, builds everything and runs every test:
#   1. the lit suite (dialect, passes, tools, end-to-end) and the GoogleTest
#      unit tests through lit, on the full build;
#   2. the runtime-only configuration (no LLVM/MLIR) and its unit tests;
#   3. the embedding example built against the installed runtime package;
#   4. scripts/hardening.sh: the runtime built with clang-22, ASan + UBSan and
#      its libFuzzer targets, its unit tests under the sanitizers, and each
#      fuzz target for LOOM_FUZZ_SECONDS (default: 60 under CI=true, else 15);
#      its "N passed, M failed" is added to this script's.
# Ends with one line: "N passed, M failed". Exit status 0 iff M == 0.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${LOOM_BUILD_DIR:-$ROOT/build}"
RT_BUILD="${BUILD}-runtime-only"
LIT=/usr/lib/llvm-22/bin/lit
passed=0
failed=0
step_fail() { echo "FAILED: $*"; failed=$((failed + 1)); }

"$ROOT/scripts/install-deps.sh" || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

echo "== build"
if ! "$ROOT/scripts/build.sh"; then
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== lit: $BUILD/test $BUILD/test/unit"
LIT_OUT="$(mktemp)"
"$LIT" -sv --no-progress-bar "$BUILD/test" "$BUILD/test/unit" 2>&1 | tee "$LIT_OUT" | grep -E "^(FAIL|XPASS|UNRESOLVED|TIMEOUT)|^\*\*\*\*|Total Discovered|^  [A-Z]" || true
# lit pads the labels when several kinds appear ("  Passed           : 284").
count() { grep -E "^  $1 *:" "$LIT_OUT" | sed -E 's/^  [^:]*: *([0-9]+).*/\1/' | tail -1; }
p=$(count "Passed"); xf=$(count "Expectedly Failed"); f=$(count "Failed"); u=$(count "Unresolved"); xp=$(count "Unexpectedly Passed"); t=$(count "Timed Out")
passed=$((passed + ${p:-0} + ${xf:-0}))
failed=$((failed + ${f:-0} + ${u:-0} + ${xp:-0} + ${t:-0}))
if ! grep -q "Total Discovered Tests" "$LIT_OUT"; then step_fail "lit did not run"; fi
rm -f "$LIT_OUT"

echo "== runtime-only build (no LLVM/MLIR) and its unit tests"
if cmake -G Ninja -S "$ROOT" -B "$RT_BUILD" -DCMAKE_BUILD_TYPE=Release \
     -DLOOM_BUILD_COMPILER=OFF >/dev/null && ninja -C "$RT_BUILD" >/dev/null; then
  CTEST_OUT="$(mktemp)"
  (cd "$RT_BUILD" && ctest --output-on-failure) >"$CTEST_OUT" 2>&1
  tail -n 3 "$CTEST_OUT"
  n=$(grep -oE "out of [0-9]+" "$CTEST_OUT" | grep -oE "[0-9]+" | tail -1)
  nf=$(grep -oE "[0-9]+ tests failed" "$CTEST_OUT" | grep -oE "^[0-9]+" | tail -1)
  if [[ -z "$n" ]]; then step_fail "ctest (runtime-only)"; cat "$CTEST_OUT";
  else passed=$((passed + n - ${nf:-0})); failed=$((failed + ${nf:-0})); fi
  rm -f "$CTEST_OUT"
else
  step_fail "runtime-only build"
fi

echo "== embedding example built against the installed runtime, running the compiled MLP"
EMBED_WORK="$(mktemp -d)"
if "$BUILD/bin/loom-compile" "$ROOT/examples/mlp.mlir" -o "$EMBED_WORK/mlp.loom" &&
   "$ROOT/examples/embed/build_and_run.sh" "$RT_BUILD" "$EMBED_WORK/mlp.loom" "$EMBED_WORK" >"$EMBED_WORK/log" 2>&1; then
  tail -n 3 "$EMBED_WORK/log"
  passed=$((passed + 1))
else
  cat "$EMBED_WORK/log" 2>/dev/null
  step_fail "embedding example"
fi
rm -rf "$EMBED_WORK"

echo "== hardening: sanitizer build of the runtime, its tests, fuzzing (scripts/hardening.sh)"
if [[ "${CI:-}" == "true" ]]; then FUZZ_SECONDS="${LOOM_FUZZ_SECONDS:-60}"; else FUZZ_SECONDS="${LOOM_FUZZ_SECONDS:-15}"; fi
HARD_OUT="$(mktemp)"
LOOM_BUILD_DIR="$BUILD" "$ROOT/scripts/hardening.sh" "$FUZZ_SECONDS" 2>&1 | tee "$HARD_OUT" |
  grep -E "^(PASSED|FAILED|==)|executions|tests (passed|failed)|ERROR: [A-Za-z]+Sanitizer|runtime error:" || true
hp=$(tail -n 1 "$HARD_OUT" | grep -oE "^[0-9]+ passed" | grep -oE "^[0-9]+")
hf=$(tail -n 1 "$HARD_OUT" | grep -oE "[0-9]+ failed$" | grep -oE "^[0-9]+")
if [[ -z "$hp" ]]; then step_fail "scripts/hardening.sh did not finish"; tail -n 20 "$HARD_OUT";
else passed=$((passed + hp)); failed=$((failed + ${hf:-0})); fi
rm -f "$HARD_OUT"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
