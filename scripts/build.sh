#!/usr/bin/env bash
# Configures and builds Loom (compiler, runtime, tools, tests) in build/.
#   LOOM_BUILD_DIR   build directory (default: <repo>/build)
#   LOOM_JOBS        parallel jobs (default: all cores)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${LOOM_BUILD_DIR:-$ROOT/build}"
JOBS="${LOOM_JOBS:-$(nproc)}"
# ccache: paths relative to the checkout, so every clone shares one cache.
export CCACHE_BASEDIR="$ROOT"
export CCACHE_NOHASHDIR=1
if [[ ! -f "$BUILD/build.ninja" ]]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$BUILD" -j "$JOBS"
