# Sourced by scripts/test.sh, scripts/hardening.sh and scripts/fuzz-compiler.sh:
# the pass/fail counting that each of them ends with ("N passed, M failed"),
# and what their clang builds share.
#
#   step_pass MSG / step_fail MSG   count one passed / failed check
#   summary                         print "N passed, M failed"; exit 0 iff M == 0
#   run_counted NAME FILTER CMD...  run CMD (a script that ends with its own
#                                   "N passed, M failed"), show the lines of
#                                   its output matching the ERE FILTER, add
#                                   its counts (a failure if it did not finish)
#   use_shared_ccache ROOT          ccache keyed on paths relative to ROOT, so
#                                   every clone (CI's are fresh) shares one cache
#   need_clang_rt WHO               install libclang-rt-22-dev (libFuzzer and
#                                   the sanitizer runtimes) if missing
passed=0
failed=0
step_pass() { echo "PASSED: $*"; passed=$((passed + 1)); }
step_fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
summary() { echo "$passed passed, $failed failed"; [[ $failed -eq 0 ]]; exit $?; }

run_counted() {
  local name=$1 filter=$2 out last p f
  shift 2
  out="$(mktemp)"
  "$@" 2>&1 | tee "$out" | grep -E "$filter" || true
  last=$(tail -n 1 "$out")
  p=$(grep -oE "^[0-9]+ passed" <<<"$last" | grep -oE "^[0-9]+")
  f=$(grep -oE "[0-9]+ failed$" <<<"$last" | grep -oE "^[0-9]+")
  if [[ -z "$p" ]]; then
    step_fail "$name did not finish"
    tail -n 20 "$out"
  else
    passed=$((passed + p))
    failed=$((failed + ${f:-0}))
  fi
  rm -f "$out"
}

use_shared_ccache() {
  export CCACHE_BASEDIR="$1"
  export CCACHE_NOHASHDIR=1
}

need_clang_rt() {
  [[ "$(dpkg-query -W -f='${Status}' libclang-rt-22-dev 2>/dev/null || true)" == "install ok installed" ]] &&
    return 0
  echo "$1: installing libclang-rt-22-dev (libFuzzer, sanitizer runtimes)"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  # (apt's lists may be absent when every other package was already there.)
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
      libclang-rt-22-dev >/dev/null 2>&1 ||
    { $sudo apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
        libclang-rt-22-dev >/dev/null; }
}
