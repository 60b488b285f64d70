#!/usr/bin/env bash
# The compiler's fuzz targets (issue 10): onnx_importer (bytes -> libonnx's
# checks and shape inference -> import -> verify) and mlir_frontend (text ->
# parse -> verify -> the front-end pipeline down to linalg dispatches ->
# verify), in test/fuzz/compiler/ (test/fuzz/README.md).
#
#   scripts/fuzz-compiler.sh [SECONDS_PER_TARGET] [TARGET...]
#
# scripts/test.sh runs it as its last step, for 60 s per target under CI=true
# (LOOM_FUZZ_COMPILER_SECONDS); by hand it fuzzes for SECONDS (300 by
# default). Three parts, each counted:
#   1. the build of the two targets only (nothing else of the project):
#      clang-22, -O1 with line tables, libFuzzer coverage, ASan + UBSan (not
#      vptr) and assertions on Loom's code; Debian's libMLIR/libLLVM/libonnx
#      linked as they are. ccache keyed relative to the checkout, so clones
#      share it: about 5 minutes at -j2 cold, seconds warm;
#   2. the replay of every checked-in crash input,
#      test/fuzz/regressions/TARGET/*: each must now run clean;
#   3. fuzzing each target for SECONDS, seeded from examples/onnx,
#      test/import, test/onnx-conformance, a quarter of libonnx-testdata's
#      node models, and every small .mlir of the tests and examples (split at
#      `// -----`), going on after a crash (-fork=1 -ignore_crashes=1). Any
#      crash, timeout or out-of-memory input fails the target; it is saved
#      under BUILD/fuzz-artifacts/TARGET-{crash,timeout,oom}-SHA1 and its
#      report printed. Check it in under test/fuzz/regressions/TARGET/ with
#      the fix and a lit test in test/bad-input/.
# Ends with one line: "N passed, M failed". Exit status 0 iff M == 0.
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
source "$ROOT/scripts/lib/steps.sh"

if ! [[ "$FUZZ_SECONDS" =~ ^[0-9]+$ ]] || [[ "$FUZZ_SECONDS" -lt 1 ]]; then
  echo "usage: scripts/fuzz-compiler.sh [SECONDS_PER_TARGET] [onnx_importer|mlir_frontend]..." >&2
  exit 2
fi
for target in "${TARGETS[@]}"; do
  case $target in
    onnx_importer | mlir_frontend) ;;
    *) echo "fuzz-compiler: unknown target $target" >&2; exit 2 ;;
  esac
done

# --- Dependencies: the project's (only when something is missing), clang's
# libFuzzer and sanitizer runtimes.
if ! command -v clang++-22 >/dev/null || ! [[ -d /usr/lib/llvm-22/lib/cmake/mlir ]]; then
  "$ROOT/scripts/install-deps.sh" || { step_fail "dependencies"; summary; }
fi
need_clang_rt fuzz-compiler || { step_fail "installing libclang-rt-22-dev"; summary; }

# --- 1. Build ------------------------------------------------------------------
# -O1: -O0 compiles a little faster but fuzzes about 2.7 times slower.
SAN="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
echo "== compiler fuzz targets with clang-22, libFuzzer, ASan + UBSan: $BUILD"
use_shared_ccache "$ROOT"
start=$(date +%s)
mkdir -p "$BUILD"
if ! CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$ROOT" -B "$BUILD" \
       -DCMAKE_BUILD_TYPE=RelWithDebInfo \
       -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
       -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
       -DCMAKE_C_FLAGS="$SAN" -DCMAKE_CXX_FLAGS="$SAN" \
       -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
       -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
       -DLOOM_BUILD_FUZZERS=ON >"$BUILD/cmake.log" 2>&1 ||
   ! ninja -C "$BUILD" -j"$JOBS" "${TARGETS[@]/%/_fuzzer}" >"$BUILD/ninja.log" 2>&1; then
  tail -n 30 "$BUILD/cmake.log" "$BUILD/ninja.log" 2>/dev/null
  step_fail "compiler fuzz target build"
  summary
fi
step_pass "compiler fuzz target build ($(( $(date +%s) - start )) s)"

# libMLIR/libLLVM are not instrumented: vectors they grow look overflowed to
# ASan's container annotations, and the same holds for LLVM's bump
# allocators, which poison a new slab when the code that starts it is
# instrumented (an inline Allocate in Loom's code, e.g. uniquing a
# #loom.kernel attribute) and unpoison each allocation only where it is
# too: libMLIR's next allocation from that slab (a StringAttr) then looks
# like a use-after-poison (test/fuzz/README.md). MLIR's uniquing storage
# lives as long as the process: no leak checks.
export ASAN_OPTIONS="detect_leaks=0:detect_container_overflow=0:allow_user_poisoning=0:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# report INPUT TARGET: the sanitizer's or the target's report on one input,
# replayed alone (some crashes depend on the state earlier inputs left).
report() {
  local out
  out=$(timeout 60 "$BUILD/bin/$2_fuzzer" -rss_limit_mb=4096 "$1" 2>&1 |
    grep -E "ERROR: |SUMMARY|runtime error|Assertion|#[0-9]+ 0x|fuzzer: " |
    grep -vE " in (fuzzer::|main |_start|__libc_start|__sanitizer|__pthread_kill|raise |abort |__assert)|libc\.so" |
    head -n 14 |
    sed -E 's/0x[0-9a-f]+ //; s/ \(BuildId[^)]*\)//; s/^/    /')
  echo "${out:-    (runs clean when replayed alone; the fuzzing log has the first line of its report)}"
}

# --- 2. Checked-in crash inputs -----------------------------------------------------
for target in "${TARGETS[@]}"; do
  for input in "$ROOT/test/fuzz/regressions/$target"/*; do
    [[ -f "$input" ]] || continue
    name="regressions/$target/$(basename "$input")"
    if timeout 120 "$BUILD/bin/${target}_fuzzer" -rss_limit_mb=4096 "$input" \
         >"$WORK/replay.log" 2>&1; then
      step_pass "replay $name"
    else
      report "$input" "$target"
      step_fail "replay $name"
    fi
  done
done

# --- Seeds -------------------------------------------------------------------------
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

# --- 3. Fuzzing ------------------------------------------------------------------------
ARTIFACTS="$BUILD/fuzz-artifacts"
mkdir -p "$ARTIFACTS"
for target in "${TARGETS[@]}"; do
  case $target in
    onnx_importer) seeds="$WORK/onnx-seeds" ;;
    mlir_frontend) seeds="$WORK/mlir-seeds" ;;
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
  mapfile -t found < <(find "$ARTIFACTS" -name "$target-*" -newer "$WORK/start-$target" | sort)
  # The parent's last status line: "#EXECUTIONS: cov: ... corp: ... time: ...".
  last=$(grep -E "^#[0-9]+" "$log" | tail -1)
  execs=$(grep -oE "^#[0-9]+" <<<"$last" | tr -d '#')
  echo "$target: ${execs:-?} executions in ${FUZZ_SECONDS}s, corpus of $(ls "$corpus" | wc -l) inputs, ${#found[@]} crash/timeout/oom inputs, exit status $rc (log: $log)"
  if [[ ${#found[@]} -gt 0 ]]; then
    grep -E "ERROR: " "$log" | sed -E 's/^==[0-9]+==//; s/ \(pc .*//' | sort | uniq -c | head -n 5
    for a in "${found[@]:0:5}"; do
      echo "  $a"
      report "$a" "$target"
    done
    [[ ${#found[@]} -gt 5 ]] && echo "  ... and $(( ${#found[@]} - 5 )) more under $ARTIFACTS"
    step_fail "fuzzing $target: ${#found[@]} crash/timeout/oom inputs"
  elif [[ $rc -ne 0 || -z "$execs" ]]; then
    tail -n 20 "$log"
    step_fail "fuzzing $target (exit status $rc)"
  else
    step_pass "fuzzing $target (${execs} executions, no crash)"
  fi
done
summary
