#!/bin/sh
# Builds examples/embed against an INSTALLED Loom runtime and runs it, both
# through the CMake package and through pkg-config.
#
#   examples/embed/build_and_run.sh BUILD_DIR MODULE.loom [WORK_DIR]
#
# BUILD_DIR is a configured and built Loom build tree; the runtime is
# installed from it into WORK_DIR/prefix (default: a new temporary folder).
set -eu

if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_DIR MODULE.loom [WORK_DIR]" >&2
  exit 1
fi
build=$1
module=$2
work=${3:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
prefix=$work/prefix

echo "== install the runtime to $prefix"
cmake --install "$build" --prefix "$prefix" --component LoomRuntime

echo "== CMake: find_package(LoomRuntime)"
cmake -S "$here" -B "$work/build-cmake" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build-cmake"
"$work/build-cmake/loom-embed" "$module"

echo "== pkg-config loom-runtime"
pcdir=$(dirname "$(find "$prefix" -name loom-runtime.pc | head -n 1)")
libdir=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=libdir loom-runtime)
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -o "$work/loom-embed-pc" "$here/main.c" \
  $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs loom-runtime) \
  -Wl,-rpath,"$libdir"
"$work/loom-embed-pc" "$module" >/dev/null
echo "pkg-config build ran OK"
