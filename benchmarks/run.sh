#!/usr/bin/env bash
# One command for every benchmark: makes a venv with the PyPI peers (ONNX
# Runtime, opt_einsum) on top of Debian's numpy/torch, then runs
# benchmarks/bench.py (Loom vs PyTorch, ONNX Runtime, numpy/OpenBLAS; one
# table). Arguments go to bench.py: --threads N, --smoke, --only a,b.
#   benchmarks/run.sh                   # the full suite (tens of minutes)
#   benchmarks/run.sh --only sgemm,mlp
#   benchmarks/run.sh --python-api      # benchmarks/python_api.py: the loom
#                                       # Python package (einsum, call overhead)
#   benchmarks/run.sh --sliced [--project]
#                                       # benchmarks/sliced_contraction.py:
#                                       # sliced networks vs cotengra, threads
#                                       # and MPI ranks
# Path-finding quality vs numpy/opt_einsum/cotengra is a separate program:
#   /usr/bin/python3 benchmarks/contraction/paths.py
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
"$ROOT/scripts/install-deps.sh" --bench
VENV="$HERE/.venv"
if [[ ! -x "$VENV/bin/python" ]]; then
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
"$VENV/bin/python" -c "import onnxruntime, opt_einsum" 2>/dev/null ||
  "$VENV/bin/pip" install -q onnxruntime opt_einsum
if [[ "${1:-}" == "--sliced" ]]; then
  shift
  "$VENV/bin/python" -c "import cotengra" 2>/dev/null ||
    "$VENV/bin/pip" install -q cotengra
  exec "$VENV/bin/python" "$HERE/sliced_contraction.py" "$@"
fi
if [[ "${1:-}" == "--python-api" ]]; then
  shift
  exec "$VENV/bin/python" "$HERE/python_api.py" "$@"
fi
exec "$VENV/bin/python" "$HERE/bench.py" "$@"
