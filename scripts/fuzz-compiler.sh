#!/usr/bin/env bash
# The compiler's fuzz targets (issue 10), run by hand: too slow for CI (the
# clang build of Loom's compiler libraries with coverage and sanitizers is
# 65 translation units, ~16 minutes of compiling at -j1 on 2 shared cores). The crashes they found replay in the
# normal lit suite (test/bad-input/fuzz-regressions.test).
#
#   scripts/fuzz-compiler.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Targets (test/fuzz/compiler/): onnx_importer (bytes -> libonnx checks and
# shape inference -> import -> verify) and mlir_frontend (text -> parse ->
# verify -> the front-end pipeline down to linalg dispatches -> verify). Loom's
# code is built with clang-22, libFuzzer coverage, AddressSanitizer and
# UndefinedBehaviorSanitizer (not vptr) and assertions on; Debian's
# libMLIR/libLLVM/libonnx are linked as they are. SECONDS defaults to 300.
# Crashes go to BUILD/fuzz-artifacts/TARGET-*; fuzzing goes on after one
# (-fork=1 -ignore_crashes=1). Check each in under
# test/fuzz/regressions/TARGET/ with a lit test in test/bad-input/.
# Ends with one line: "N passed, M failed" (a target with a new crash
# fails; checked-in regressions that still crash are counted, not failed).
#
#   LOOM_BUILD_DIR   base of the build folders (default: ./build); this
#                    script builds in "$LOOM_BUILD_DIR-fuzz-compiler"
#   LOOM_FUZZ_COMPILER_BUILD_DIR   that build folder itself, if given
#   JOBS             parallel build jobs (default: the number of CPUs)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${LOOM_FUZZ_COMPILER_BUILD_DIR:-${LOOM_BUILD_DIR:-$ROOT/build}-fuzz-compiler}"
FUZZ_SECONDS="${1:-300}"
shift || true
TARGETS=("$@")
[[ ${#TARGETS[@]} -eq 0 ]] && TARGETS=(onnx_importer mlir_frontend)
JOBS="${JOBS:-$(nproc)}"
passed=0
failed=0
step_pass() { echo "PASSED: $*"; passed=$((passed + 1)); }
step_fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
summary() { echo "$passed passed, $failed failed"; [[ $failed -eq 0 ]]; exit $?; }

if ! [[ "$FUZZ_SECONDS" =~ ^[0-9]+$ ]] || [[ "$FUZZ_SECONDS" -lt 1 ]]; then
  echo "usage: scripts/fuzz-compiler.sh [SECONDS_PER_TARGET] [onnx_importer|mlir_frontend]..." >&2
  exit 2
fi

# --- Dependencies: the project's (only when something is missing), clang's
# libFuzzer and sanitizer runtimes.
if ! command -v clang++-22 >/dev/null || ! [[ -d /usr/lib/llvm-22/lib/cmake/mlir ]]; then
  "$ROOT/scripts/install-deps.sh" || { step_fail "dependencies"; summary; }
fi
if ! dpkg-query -W -f='${Status}' libclang-rt-22-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "fuzz-compiler: installing libclang-rt-22-dev (libFuzzer, sanitizer runtimes)"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
    libclang-rt-22-dev >/dev/null || { step_fail "installing libclang-rt-22-dev"; summary; }
fi

# --- Build ---------------------------------------------------------------------
SAN="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
echo "== compiler fuzz targets with clang-22, libFuzzer, ASan + UBSan: $BUILD"
start=$(date +%s)
if ! CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$ROOT" -B "$BUILD" \
       -DCMAKE_BUILD_TYPE=RelWithDebInfo \
       -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
       -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
       -DCMAKE_C_FLAGS="$SAN" -DCMAKE_CXX_FLAGS="$SAN" \
       -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
       -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
       -DLOOM_BUILD_FUZZERS=ON >"$BUILD.cmake.log" 2>&1 ||
   ! ninja -C "$BUILD" -j"$JOBS" "${TARGETS[@]/%/_fuzzer}" >"$BUILD.ninja.log" 2>&1; then
  tail -n 30 "$BUILD.cmake.log" "$BUILD.ninja.log" 2>/dev/null
  step_fail "fuzz target build"
  summary
fi
step_pass "fuzz target build ($(( $(date +%s) - start )) s)"

# --- Seeds -----------------------------------------------------------------------
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/onnx-seeds" "$WORK/mlir-seeds"
# ONNX: the examples, the importer's test models, and a sample of libonnx's
# own backend-test models (one or two nodes each).
n=0
for f in "$ROOT"/examples/onnx/*.onnx $(find "$ROOT/test/import" "$ROOT/test/onnx-conformance" -name '*.onnx' 2>/dev/null); do
  [[ $(stat -c %s "$f") -le 262144 ]] && cp "$f" "$WORK/onnx-seeds/seed-$((n++)).onnx"
done
if [[ -d /usr/share/libonnx-testdata/data/node ]]; then
  for f in $(find /usr/share/libonnx-testdata/data/node -name model.onnx | sort | awk 'NR % 4 == 0'); do
    cp "$f" "$WORK/onnx-seeds/seed-$((n++)).onnx"
  done
fi
# MLIR: every small .mlir of the tests and examples, split at "// -----"
# (one seed per split input), without RUN/CHECK lines.
find "$ROOT/test/dialect" "$ROOT/test/passes" "$ROOT/test/e2e/Inputs" \
     "$ROOT/test/tools" "$ROOT/test/contraction" "$ROOT/examples" \
     -name '*.mlir' -size -64k 2>/dev/null | sort >"$WORK/mlir-files"
/usr/bin/python3 - "$WORK/mlir-files" "$WORK/mlir-seeds" <<'PY'
import re, sys
files, out = open(sys.argv[1]).read().split(), sys.argv[2]
n = 0
for f in files:
    text = open(f, errors="replace").read()
    for part in re.split(r"^// -----.*$", text, flags=re.M):
        lines = [l for l in part.splitlines()
                 if not re.match(r"\s*//\s*(RUN|CHECK|[A-Z-]+:)", l)]
        body = "\n".join(lines).strip()
        if body and len(body) < 16384:
            open(f"{out}/seed-{n}.mlir", "w").write(body + "\n")
            n += 1
PY
echo "seeds: $(ls "$WORK/onnx-seeds" | wc -l) ONNX models, $(ls "$WORK/mlir-seeds" | wc -l) MLIR inputs"

# --- Fuzzing -----------------------------------------------------------------------
ARTIFACTS="$BUILD/fuzz-artifacts"
mkdir -p "$ARTIFACTS"
# libMLIR/libLLVM are not instrumented: vectors they grow look overflowed to
# ASan's container annotations.
export ASAN_OPTIONS="detect_leaks=0:detect_container_overflow=0:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
for target in "${TARGETS[@]}"; do
  case $target in
    onnx_importer) seeds="$WORK/onnx-seeds" ;;
    mlir_frontend) seeds="$WORK/mlir-seeds" ;;
    *) step_fail "unknown target $target"; continue ;;
  esac
  corpus="$BUILD/corpus/$target"
  mkdir -p "$corpus"
  regressions="$ROOT/test/fuzz/regressions/$target"
  [[ -d "$regressions" ]] || regressions=""
  log="$BUILD/$target.log"
  echo "== fuzzing $target for ${FUZZ_SECONDS}s"
  touch "$WORK/start-$target"
  "$BUILD/bin/${target}_fuzzer" "$corpus" "$seeds" ${regressions:+"$regressions"} \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$FUZZ_SECONDS" -timeout=20 -rss_limit_mb=4096 \
    -max_len=65536 -artifact_prefix="$ARTIFACTS/$target-" >"$log" 2>&1
  rc=$?
  # Artifacts are named for their SHA-1: those equal to a checked-in
  # regression are known (not fixed yet), the others are new.
  known_sums=" $(for f in "$ROOT/test/fuzz/regressions/$target"/*; do
                   [[ -f "$f" ]] && sha1sum "$f" | cut -c1-40; done | tr '\n' ' ') "
  new=() known=0
  while IFS= read -r a; do
    if [[ "$known_sums" == *" ${a##*-} "* ]]; then known=$((known + 1)); else new+=("$a"); fi
  done < <(find "$ARTIFACTS" -name "$target-*" -newer "$WORK/start-$target" | sort)
  last=$(grep -E "^#[0-9]+" "$log" | tail -1)
  echo "$target: ${last:-no stats}; ${#new[@]} new crash inputs, $known checked-in ones still crashing, exit status $rc"
  if [[ ${#new[@]} -gt 0 ]]; then
    grep -E "ERROR: |SUMMARY|runtime error|Assertion" "$log" |
      sed -E 's/==[0-9]+==//; s/0x[0-9a-f]+//g; s/ \(BuildId[^)]*\)//g' | sort | uniq -c | sort -rn | head -n 20
    printf '  %s\n' "${new[@]}"
    step_fail "fuzzing $target (new crash inputs under $ARTIFACTS)"
  elif [[ $rc -ne 0 && $known -eq 0 ]]; then
    tail -n 20 "$log"
    step_fail "fuzzing $target (exit status $rc)"
  else
    step_pass "fuzzing $target (no new crash)"
  fi
done
summary
