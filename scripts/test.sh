#!/usr/bin/env bash
# Installs dependencies, builds everything and runs every test:
#   1. build: the full build (scripts/build.sh);
#   2. lit: the lit suite (dialect, passes, tools, end-to-end) and the
#      GoogleTest unit tests through lit, on the full build;
#   3. python: the loom Python package's pytest suite (python/tests), with
#      Debian's /usr/bin/python3 and PYTHONPATH=build/python;
#   4. runtime-only: the runtime-only configuration (no LLVM/MLIR) and its
#      unit tests;
#   5. embed: the embedding example built against the installed runtime
#      package;
#   6. hardening: scripts/hardening.sh: the runtime built with clang-22,
#      ASan + UBSan and its libFuzzer targets, its unit tests under the
#      sanitizers, and each fuzz target for LOOM_FUZZ_SECONDS (default: 60
#      under CI=true, else 15);
#   7. fuzz-compiler: scripts/fuzz-compiler.sh: the compiler's fuzz targets
#      (ONNX importer, MLIR front end) built with clang-22, ASan + UBSan, the
#      checked-in crash inputs replayed, each target fuzzed for
#      LOOM_FUZZ_COMPILER_SECONDS (default: LOOM_FUZZ_SECONDS's);
#   8. fresh-deps: scripts/fresh-deps.sh: a minimal Debian 12 root made with
#      debootstrap, scripts/install-deps.sh run inside it, and a check that
#      the toolchain, spirv-val, the Vulkan loader and lavapipe are there
#      (needs root or sudo and the Debian mirror; a few minutes).
# Steps 6, 7 and 8 add their own "N passed, M failed" to this script's.
#
# The lit step prints how many tests were UNSUPPORTED and which features they
# lacked. Under CI=true a feature this kind of machine can always have is
# required instead: a Vulkan device (lavapipe), spirv-val, the validation
# layer, Debian's numpy/torch/onnx, and ptxas where the CUDA toolkit is
# installed; lit stops, naming what is missing. LOOM_REQUIRED_FEATURES=a,b
# sets the list by hand (empty: nothing required).
#
#   scripts/test.sh [STEP...]   only those steps (after the dependencies), e.g.
#                               `scripts/test.sh fuzz-compiler`; lit and embed
#                               need the build of a previous run
# Ends with one line: "N passed, M failed". Exit status 0 iff M == 0.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${LOOM_BUILD_DIR:-$ROOT/build}"
RT_BUILD="${BUILD}-runtime-only"
LIT=/usr/lib/llvm-22/bin/lit
source "$ROOT/scripts/lib/steps.sh"
ALL_STEPS=(build lit python runtime-only embed hardening fuzz-compiler fresh-deps)
STEPS=("$@")
[[ ${#STEPS[@]} -eq 0 ]] && STEPS=("${ALL_STEPS[@]}")
for step in "${STEPS[@]}"; do
  if [[ " ${ALL_STEPS[*]} " != *" $step "* ]]; then
    echo "usage: scripts/test.sh [$(IFS='|'; echo "${ALL_STEPS[*]}")]..." >&2
    exit 2
  fi
done
want() { [[ " ${STEPS[*]} " == *" $1 "* ]]; }
if [[ "${CI:-}" == "true" ]]; then FUZZ_SECONDS="${LOOM_FUZZ_SECONDS:-60}"; else FUZZ_SECONDS="${LOOM_FUZZ_SECONDS:-15}"; fi
COMPILER_FUZZ_SECONDS="${LOOM_FUZZ_COMPILER_SECONDS:-$FUZZ_SECONDS}"
if [[ -z "${LOOM_REQUIRED_FEATURES+set}" && "${CI:-}" == "true" ]]; then
  LOOM_REQUIRED_FEATURES="vulkan,spirv-val,vulkan-validation,numpy,torch,torchvision,loom-python,mpi"
  if [[ -x /usr/local/cuda/bin/ptxas ]] || command -v nvcc >/dev/null 2>&1; then
    LOOM_REQUIRED_FEATURES+=",ptxas"
  fi
fi
export LOOM_REQUIRED_FEATURES="${LOOM_REQUIRED_FEATURES:-}"

"$ROOT/scripts/install-deps.sh" || { echo "dependency installation failed"; step_fail "dependencies"; summary; }

if want build; then
  echo "== build"
  "$ROOT/scripts/build.sh" || { step_fail "build"; summary; }
fi

if want lit; then
  echo "== lit: $BUILD/test $BUILD/test/unit"
  LIT_OUT="$(mktemp)"
  [[ -n "$LOOM_REQUIRED_FEATURES" ]] && echo "   required features: $LOOM_REQUIRED_FEATURES"
  "$LIT" -sv --no-progress-bar --show-unsupported "$BUILD/test" "$BUILD/test/unit" 2>&1 | tee "$LIT_OUT" |
    grep -E "^(FAIL|XPASS|UNRESOLVED|TIMEOUT)|^\*\*\*\*|Total Discovered|^  [A-Z]|fatal:" || true
  # lit pads the labels when several kinds appear ("  Passed           : 284").
  count() { grep -E "^  $1 *:" "$LIT_OUT" | sed -E 's/^  [^:]*: *([0-9]+).*/\1/' | tail -1; }
  p=$(count "Passed"); xf=$(count "Expectedly Failed"); f=$(count "Failed"); u=$(count "Unresolved"); xp=$(count "Unexpectedly Passed"); t=$(count "Timed Out")
  passed=$((passed + ${p:-0} + ${xf:-0}))
  failed=$((failed + ${f:-0} + ${u:-0} + ${xp:-0} + ${t:-0}))
  if ! grep -q "Total Discovered Tests" "$LIT_OUT"; then step_fail "lit did not run"; fi
  /usr/bin/env python3 "$ROOT/scripts/lib/lit_unsupported.py" "$LIT_OUT" "$BUILD/test/lit-features.txt"
  rm -f "$LIT_OUT"
fi

if want python; then
  echo "== python: the loom package's pytest suite (python/tests) with /usr/bin/python3"
  if ! compgen -G "$BUILD/python/loom/_loom*.so" >/dev/null; then
    step_fail "python: the loom package was not built ($BUILD/python/loom; needs python3-dev and pybind11-dev)"
  else
    PY_OUT="$(mktemp)"
    PYTHONPATH="$BUILD/python" PYTHONDONTWRITEBYTECODE=1 \
      /usr/bin/python3 -m pytest -q -p no:cacheprovider "$ROOT/python/tests" >"$PY_OUT" 2>&1
    grep -E "^(FAILED|ERROR)|No module named" "$PY_OUT" || true
    last=$(grep -E "[0-9]+ (passed|failed|error)" "$PY_OUT" | tail -n 1)
    echo "   ${last:-pytest printed no summary}"
    pp=$(grep -oE "[0-9]+ passed" <<<"$last" | grep -oE "^[0-9]+")
    pf=$(grep -oE "[0-9]+ failed" <<<"$last" | grep -oE "^[0-9]+")
    pe=$(grep -oE "[0-9]+ errors?" <<<"$last" | grep -oE "^[0-9]+")
    if [[ -z "$pp$pf$pe" ]]; then
      tail -n 20 "$PY_OUT"
      step_fail "python: pytest did not run"
    else
      passed=$((passed + ${pp:-0}))
      failed=$((failed + ${pf:-0} + ${pe:-0}))
    fi
    rm -f "$PY_OUT"
  fi
fi

if want runtime-only; then
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
fi

if want embed; then
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
fi

if want hardening; then
  echo "== hardening: sanitizer build of the runtime, its tests, fuzzing (scripts/hardening.sh)"
  run_counted "scripts/hardening.sh" \
    "^(PASSED|FAILED|==)|executions|tests (passed|failed)|ERROR: [A-Za-z]+Sanitizer|runtime error:" \
    env LOOM_BUILD_DIR="$BUILD" "$ROOT/scripts/hardening.sh" "$FUZZ_SECONDS"
fi

if want fuzz-compiler; then
  echo "== compiler fuzzing: ONNX importer and MLIR front end under ASan + UBSan (scripts/fuzz-compiler.sh)"
  run_counted "scripts/fuzz-compiler.sh" \
    "^(PASSED|FAILED|==|seeds:|  )|executions" \
    env LOOM_BUILD_DIR="$BUILD" "$ROOT/scripts/fuzz-compiler.sh" "$COMPILER_FUZZ_SECONDS"
fi

if want fresh-deps; then
  echo "== fresh-deps: scripts/install-deps.sh in a minimal debootstrap root (scripts/fresh-deps.sh)"
  run_counted "scripts/fresh-deps.sh" "^(PASSED|FAILED|fresh-deps:)" "$ROOT/scripts/fresh-deps.sh"
fi

summary
