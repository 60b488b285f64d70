#!/usr/bin/env bash
# Proves scripts/install-deps.sh on a machine where nothing was installed by
# hand: makes a minimal Debian 12 root with debootstrap (--variant=minbase),
# runs install-deps.sh inside it, and checks that what the build and every
# CPU-runnable backend need is there afterwards (the LLVM/MLIR 22 toolchain,
# lit and FileCheck, spirv-val, the Vulkan loader, lavapipe's ICD, the
# validation layer, Debian's numpy/torch/onnx). Then runs install-deps.sh a
# second time (it must do nothing) and `apt-get update` (apt must still read
# its sources).
#
#   scripts/fresh-deps.sh          the check above (about 3-5 minutes)
#   scripts/fresh-deps.sh --full   also copies the committed checkout (HEAD)
#                                  into the root and runs the README's two
#                                  commands there:
#                                  scripts/demo.sh, then scripts/test.sh
#                                  (a cold build: most of an hour on 2 cores)
#
#   LOOM_FRESH_SOURCES=host        (default) the root uses this machine's apt
#                                  sources, as CI's machine would
#   LOOM_FRESH_SOURCES=debootstrap the root keeps debootstrap's own
#                                  `bookworm main`, so install-deps.sh must
#                                  add bookworm-security itself
#   LOOM_FRESH_DIR=DIR             where to make the root (default: a new
#                                  directory under /var/tmp); removed at the
#                                  end unless LOOM_FRESH_KEEP=1
#
# Needs root (or sudo) and the Debian mirror. Ends with "N passed, M failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/steps.sh"

FULL=0
case "${1:-}" in
  "") ;;
  --full) FULL=1 ;;
  *) echo "usage: scripts/fresh-deps.sh [--full]" >&2; exit 2 ;;
esac
SOURCES="${LOOM_FRESH_SOURCES:-host}"
if [[ "$SOURCES" != host && "$SOURCES" != debootstrap ]]; then
  echo "fresh-deps: LOOM_FRESH_SOURCES must be 'host' or 'debootstrap'" >&2
  exit 2
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}
if ! installed debootstrap; then
  echo "fresh-deps: installing debootstrap"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
      debootstrap >/dev/null 2>&1 ||
    { $SUDO apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
        debootstrap >/dev/null; } ||
    { step_fail "installing debootstrap"; summary; }
fi

# The mirror the host itself uses for bookworm (deb822 or one-line sources).
MIRROR="$(sed -n -E 's/^URIs: *(\S+\/debian)\/?$/\1/p; s/^deb +(\[[^]]*\] +)?(\S+\/debian)\/? +bookworm .*/\2/p' \
    /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n 1 || true)"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

WORK="${LOOM_FRESH_DIR:-$(mktemp -d /var/tmp/loom-fresh.XXXXXX)}"
mkdir -p "$WORK"
R="$WORK/root"
cleanup() {
  for m in "$R/proc" "$R/dev/pts" "$R/dev/shm" "$R/sys"; do
    mountpoint -q "$m" 2>/dev/null && $SUDO umount -l "$m"
  done
  if [[ "${LOOM_FRESH_KEEP:-0}" != 1 ]]; then $SUDO rm -rf "$WORK"; fi
}
trap cleanup EXIT
in_root() { $SUDO chroot "$R" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

echo "fresh-deps: debootstrap --variant=minbase bookworm $R $MIRROR"
start=$(date +%s)
if ! $SUDO debootstrap --variant=minbase bookworm "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
  tail -n 20 "$WORK/debootstrap.log"
  step_fail "debootstrap"
  summary
fi
step_pass "debootstrap: a minimal Debian 12 root in $(( $(date +%s) - start )) s"

$SUDO mount -t proc proc "$R/proc"
$SUDO mount -t sysfs sysfs "$R/sys"
$SUDO cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
# Services must not start inside the root.
printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$R/usr/sbin/policy-rc.d" >/dev/null
$SUDO chmod +x "$R/usr/sbin/policy-rc.d"
if [[ "$SOURCES" == host ]]; then
  # The host's sources replace debootstrap's, with the keyrings they name
  # and any proxy the host's apt is configured with.
  $SUDO rm -f "$R/etc/apt/sources.list"
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && $SUDO cp "$f" "$R$f"
  done
  $SUDO cp -rn /usr/share/keyrings/. "$R/usr/share/keyrings/" 2>/dev/null || true
  $SUDO cp -rn /etc/apt/trusted.gpg.d/. "$R/etc/apt/trusted.gpg.d/" 2>/dev/null || true
  for f in /etc/apt/apt.conf.d/*; do
    [[ -f "$f" ]] && grep -qi "proxy" "$f" && $SUDO cp "$f" "$R$f"
  done
fi

$SUDO mkdir -p "$R/loom/scripts"
$SUDO cp "$ROOT/scripts/install-deps.sh" "$R/loom/scripts/"
start=$(date +%s)
if in_root /loom/scripts/install-deps.sh >"$WORK/install.log" 2>&1; then
  step_pass "install-deps.sh in the fresh root in $(( $(date +%s) - start )) s"
else
  tail -n 30 "$WORK/install.log"
  step_fail "install-deps.sh in the fresh root"
  summary
fi

echo "fresh-deps: apt sources in the root after install-deps.sh ($SOURCES):"
for f in "$R"/etc/apt/sources.list "$R"/etc/apt/sources.list.d/*.list "$R"/etc/apt/sources.list.d/*.sources; do
  [[ -f "$f" ]] && sed -E '/^\s*(#|$)/d; s|^|    '"${f#$R}"': |' "$f"
done
check() {  # check WHAT CMD...: CMD runs inside the root
  local what=$1
  shift
  if in_root "$@" >/dev/null 2>&1; then step_pass "fresh root has $what"; else step_fail "fresh root lacks $what ($*)"; fi
}
check "clang-22, lld-22 and CMake's MLIR 22.1 package" sh -c \
  'clang-22 --version && ld.lld-22 --version && cmake --version && ninja --version &&
   test -f /usr/lib/llvm-22/lib/cmake/mlir/MLIRConfig.cmake && test -f /usr/lib/llvm-22/lib/libMLIR.so'
check "lit and FileCheck" sh -c '/usr/lib/llvm-22/bin/lit --version && test -x /usr/lib/llvm-22/bin/FileCheck'
check "the ONNX, flatbuffers, METIS, Eigen and GoogleTest headers" sh -c \
  'test -f /usr/include/onnx/onnx_pb.h && command -v flatc && test -f /usr/include/metis.h &&
   test -d /usr/include/eigen3 && test -d /usr/include/gtest'
check "spirv-val" spirv-val --version
check "the Vulkan loader and headers" sh -c \
  'ldconfig -p | grep -F libvulkan.so.1 && test -f /usr/include/vulkan/vulkan_core.h'
check "lavapipe's ICD" sh -c 'ls /usr/share/vulkan/icd.d/lvp_icd.*.json'
check "the Khronos validation layer" test -f /usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json
check "numpy, torch, torchvision and onnx for /usr/bin/python3" /usr/bin/python3 -c 'import numpy, torch, torchvision, onnx'
check "pybind11's CMake package, Python's headers and pytest (the loom package)" sh -c \
  'test -f /usr/lib/cmake/pybind11/pybind11Config.cmake &&
   test -f "$(/usr/bin/python3 -c "import sysconfig; print(sysconfig.get_paths()[\"include\"])")/Python.h" &&
   /usr/bin/python3 -c "import pytest, pybind11"'
check "OpenMPI: mpirun and the MPI C headers (libloom_runtime_mpi)" sh -c \
  'mpirun --version && test -f /usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h -o -f /usr/include/mpi.h -o -n "$(find /usr/lib -name mpi.h -path "*openmpi*" | head -1)"'

start=$(date +%s)
if in_root /loom/scripts/install-deps.sh >"$WORK/again.log" 2>&1 && [[ ! -s "$WORK/again.log" ]]; then
  step_pass "install-deps.sh a second time: nothing to do ($(( $(date +%s) - start )) s)"
else
  cat "$WORK/again.log"
  step_fail "install-deps.sh a second time should do nothing and say nothing"
fi
if in_root apt-get update -q >"$WORK/update.log" 2>&1 && ! grep -qE "^(E|W):" "$WORK/update.log"; then
  step_pass "apt-get update still reads the root's sources"
else
  cat "$WORK/update.log"
  step_fail "apt-get update in the root after install-deps.sh"
fi

if [[ $FULL -eq 1 ]]; then
  echo "fresh-deps: the committed checkout ($(cd "$ROOT" && git rev-parse --short HEAD)) into the root; the README's two commands there"
  $SUDO rm -rf "$R/loom"
  $SUDO mkdir -p "$R/loom"
  (cd "$ROOT" && git archive --format=tar HEAD) | $SUDO tar -xf - -C "$R/loom"
  $SUDO mount --bind /dev/pts "$R/dev/pts" 2>/dev/null || true
  $SUDO mkdir -p "$R/dev/shm" && $SUDO mount -t tmpfs tmpfs "$R/dev/shm" 2>/dev/null || true
  start=$(date +%s)
  if in_root sh -c 'cd /loom && scripts/demo.sh' 2>&1 | tee "$WORK/demo.log" | tail -n 12; then
    step_pass "scripts/demo.sh in the fresh root ($(( $(date +%s) - start )) s, including the cold build)"
  else
    step_fail "scripts/demo.sh in the fresh root"
  fi
  # The README's Python one-liner, after the demo's build.
  if in_root sh -c 'cd /loom && PYTHONPATH=build/python /usr/bin/python3 -c "
import loom, numpy as np
m = loom.compile(\"examples/mlp.mlir\")
print(m.signature)
print(m(np.load(\"examples/data/mlp_input.npy\")).argmax(1))"' 2>&1 | tee "$WORK/python.log" | tail -n 2; then
    step_pass "the README's Python one-liner in the fresh root"
  else
    step_fail "the README's Python one-liner in the fresh root"
  fi
  start=$(date +%s)
  in_root sh -c "cd /loom && CI=${CI:-} scripts/test.sh build lit python runtime-only embed hardening fuzz-compiler" 2>&1 |
    tee "$WORK/test.log" | grep -E "^(==|FAILED|PASSED|unsupported:|  lacking|features present)|Total Discovered|^  [A-Z][a-z]+ *:|passed, [0-9]+ failed$"
  last=$(tail -n 1 "$WORK/test.log")
  if [[ "$last" =~ ^([0-9]+)\ passed,\ 0\ failed$ ]]; then
    step_pass "scripts/test.sh in the fresh root: $last ($(( $(date +%s) - start )) s)"
  else
    step_fail "scripts/test.sh in the fresh root: ${last:-no summary}"
  fi
fi
summary
