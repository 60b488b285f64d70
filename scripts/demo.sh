#!/usr/bin/env bash
# The main job on the bundled example: installs dependencies, builds Loom,
# compiles examples/mlp.mlir for the CPU and runs it on a sample input.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${LOOM_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh" >/dev/null
OUT="$BUILD/demo"
mkdir -p "$OUT"
echo "== loom-compile examples/mlp.mlir --target=cpu -o $OUT/mlp.loom --print-memory-plan"
"$BUILD/bin/loom-compile" "$ROOT/examples/mlp.mlir" --target=cpu \
  -o "$OUT/mlp.loom" --print-memory-plan
echo "   wrote $(stat -c %s "$OUT/mlp.loom") bytes"
echo "== loom-run $OUT/mlp.loom --input=@examples/data/mlp_input.npy"
"$BUILD/bin/loom-run" "$OUT/mlp.loom" --input=@"$ROOT/examples/data/mlp_input.npy"
