#!/usr/bin/env bash
# Installs every Debian 12 package Loom needs to build and test, skipping what
# is already there. Idempotent; run as root (or with sudo).
#
#   scripts/install-deps.sh            build + test dependencies, including
#                                      what runs the Vulkan backend on the CPU
#                                      (the loader, Mesa's lavapipe,
#                                      SPIRV-Tools, the validation layer)
#   scripts/install-deps.sh --bench    also what the benchmarks use
#   scripts/install-deps.sh --list     print the packages and exit
#
# LLVM/MLIR 22 come from Debian's bookworm-security suite. Only when apt
# serves no such suite at all (a minimal debootstrap root, say) is one added,
# as its own deb822 file; a suite apt already has is never added twice, and
# a source that apt cannot read back is removed again before the script
# fails. Every failure names the step and the packages.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache git pkg-config ca-certificates file
  # LLVM / MLIR 22 (compiler), lld as a library (links kernel libraries)
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  liblld-22-dev zlib1g-dev libzstd-dev
  # module file format, path finding, tests
  libflatbuffers-dev flatbuffers-compiler libmetis-dev libeigen3-dev libgtest-dev
  # Vulkan: headers for the runtime's device, the loader it opens at run time,
  # Mesa's lavapipe (a Vulkan device on the CPU, so the Vulkan tests run on
  # any machine), spirv-val for every emitted SPIR-V binary, and the Khronos
  # validation layer (the `vulkan-validation` tests)
  libvulkan-dev libvulkan1 mesa-vulkan-drivers spirv-tools vulkan-validationlayers
  # references for end-to-end tests
  python3 python3-numpy
  # ONNX import (libonnx, protobuf) and ONNX's backend test cases; python3-onnx
  # regenerates the import tests' small models
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata python3-onnx
  # the benchmarks' peers, run in reduced form by the test suite, and
  # torchvision's CNNs (random weights, no downloads)
  python3-torch python3-torchvision
  # the loom Python package (pybind11 bindings for /usr/bin/python3) and its
  # pytest suite
  python3-dev pybind11-dev python3-pybind11 python3-pytest
  # libloom_runtime_mpi and `mpirun -n N loom-run` (sliced contractions over
  # ranks; the `mpi` tests)
  openmpi-bin libopenmpi-dev
)
BENCH=0
LIST=0
for arg in "$@"; do
  case "$arg" in
    --bench) BENCH=1 ;;
    --list) LIST=1 ;;
    *) echo "usage: scripts/install-deps.sh [--bench] [--list]" >&2; exit 2 ;;
  esac
done
if [[ $BENCH -eq 1 ]]; then
  # numpy through OpenBLAS (the reference BLAS is 30x slower), and a venv
  # for PyPI's peers (onnxruntime, opt_einsum, cotengra)
  PACKAGES+=(libopenblas0-pthread python3-venv python3-pip)
fi
if [[ $LIST -eq 1 ]]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

fail() { echo "install-deps: $*" >&2; exit 1; }

installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}
# The version apt would install, or nothing. (sed reads all of apt-cache's
# output: `grep -q` would stop early and, under pipefail, fail the pipeline.)
candidate() {
  local v
  v="$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p')"
  [[ "$v" == "(none)" ]] && v=""
  echo "$v"
}
# True when some apt source (one-line or deb822 format) names SUITE.
suite_configured() {
  local files=()
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  [[ ${#files[@]} -gt 0 ]] || return 1
  grep -Eq "^[^#]*[[:space:]]$1([[:space:]]|$)" "${files[@]}"
}
apt_update() {
  $SUDO apt-get update -q >/dev/null || fail "step 'apt-get update' failed (see apt's message above)"
}

missing=()
for p in "${PACKAGES[@]}"; do
  installed "$p" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
apt_update

# LLVM 22 is only in bookworm-security. Add the suite only where apt serves
# none (a root made by debootstrap has just `bookworm`).
if [[ -z "$(candidate llvm-22-dev)" ]]; then
  codename="$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")"
  if suite_configured bookworm-security; then
    fail "llvm-22-dev has no installation candidate although bookworm-security is among apt's sources; check that suite's mirror (apt-cache policy llvm-22-dev)"
  elif [[ "$codename" != "bookworm" ]]; then
    fail "llvm-22-dev has no installation candidate, and this is not Debian 12 (bookworm) but '${codename:-unknown}': install LLVM/MLIR 22 (llvm-22-dev libmlir-22-dev mlir-22-tools) by hand"
  fi
  list=/etc/apt/sources.list.d/loom-bookworm-security.sources
  echo "install-deps: apt serves no bookworm-security suite; adding $list for LLVM 22"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  {
    echo "Types: deb"
    echo "URIs: http://deb.debian.org/debian-security"
    echo "Suites: bookworm-security"
    echo "Components: main"
    if [[ -f "$keyring" ]]; then echo "Signed-By: $keyring"; fi
  } | $SUDO tee "$list" >/dev/null
  if ! $SUDO apt-get update -q >/dev/null; then
    $SUDO rm -f "$list"
    fail "apt could not use the added bookworm-security source; removed $list again"
  fi
  [[ -n "$(candidate llvm-22-dev)" ]] ||
    fail "llvm-22-dev still has no installation candidate after adding bookworm-security"
fi

# Name every package apt cannot find before asking it to install anything.
unknown=()
for p in "${missing[@]}"; do
  [[ -n "$(candidate "$p")" ]] || unknown+=("$p")
done
[[ ${#unknown[@]} -eq 0 ]] ||
  fail "no installation candidate for: ${unknown[*]} (apt-cache policy PACKAGE shows the sources apt searched)"

$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
  fail "step 'apt-get install' failed for: ${missing[*]}"
still=()
for p in "${missing[@]}"; do
  installed "$p" || still+=("$p")
done
[[ ${#still[@]} -eq 0 ]] || fail "not installed after apt-get install: ${still[*]}"
echo "install-deps: done"
