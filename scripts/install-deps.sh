#!/usr/bin/env bash
# Installs every Debian 12 package Loom needs to build and test, quietly
# skipping what is already there. Idempotent; run as root (or with sudo).
#
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --bench    also what the benchmarks use
#
# LLVM/MLIR 22 come from Debian's bookworm-security suite; on a minimal
# install (e.g. a debootstrap root) without that suite, it is added.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache git pkg-config ca-certificates file
  # LLVM / MLIR 22 (compiler), lld as a library (links kernel libraries)
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  liblld-22-dev zlib1g-dev libzstd-dev
  # module file format, path finding, tests
  libflatbuffers-dev flatbuffers-compiler libmetis-dev libeigen3-dev libgtest-dev
  # references for end-to-end tests
  python3 python3-numpy
  # ONNX import (libonnx, protobuf) and ONNX's backend test cases; python3-onnx
  # regenerates the import tests' small models
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata python3-onnx
  # the benchmarks' peers, run in reduced form by the test suite
  python3-torch
)
if [[ "${1:-}" == "--bench" ]]; then
  # numpy through OpenBLAS (the reference BLAS is 30x slower), and a venv
  # for PyPI's onnxruntime/opt_einsum
  PACKAGES+=(libopenblas0-pthread python3-venv python3-pip)
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null

# LLVM 22 is only in bookworm-security: add the suite if apt cannot see it.
if ! apt-cache policy llvm-22-dev 2>/dev/null | grep -q "Candidate: [0-9]"; then
  echo "install-deps: adding the bookworm-security suite for LLVM 22"
  echo "deb http://deb.debian.org/debian-security bookworm-security main" |
    $SUDO tee /etc/apt/sources.list.d/loom-bookworm-security.list >/dev/null
  $SUDO apt-get update -q >/dev/null
fi

$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
