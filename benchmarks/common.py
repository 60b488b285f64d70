"""Shared helpers of Loom's benchmark programs.

Loom is measured by `loom-run --benchmark --benchmark-format=json` on a module
compiled by `loom-compile` in the same run as the peers (PyTorch CPU from
Debian's python3-torch, numpy/OpenBLAS, and ONNX Runtime from PyPI), all with
the same number of threads. Latencies are medians in milliseconds.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "examples", "gen"))
from mlir_writer import Resources, tensor_type  # noqa: E402,F401


def build_dir():
    return os.environ.get("LOOM_BUILD_DIR", os.path.join(ROOT, "build"))


def tool(name):
    path = os.path.join(build_dir(), "bin", name)
    if not os.path.exists(path):
        sys.exit(f"benchmark: {path} not found (build Loom first or set "
                 f"LOOM_BUILD_DIR)")
    return path


class Workdir:
    """A temporary folder for the models, modules and .npy files of a run."""

    def __init__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="loom-bench-")
        self.path = self._dir.name

    def file(self, name):
        return os.path.join(self.path, name)


def compile_model(work, name, source_path, extra_args=()):
    """loom-compile SOURCE --cpu=host [--cpu-threads=THREADS] -> NAME.loom
    (tuned for the machine and the thread count that run the benchmark, as
    a user deploying here would); returns the module path and the number of
    kernels (dispatches) in its schedule."""
    out = work.file(name + ".loom")
    threads = [f"--cpu-threads={THREADS}"] if THREADS else []
    result = subprocess.run(
        [tool("loom-compile"), source_path, "-o", out, "--cpu=host", *threads,
         "--print-memory-plan", *extra_args],
        capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"loom-compile {name} failed:\n{result.stderr}")
    kernels = 0
    for line in result.stderr.splitlines():
        if line.startswith("memory plan for"):
            kernels += int(line.split(":")[1].split()[0])
    return out, kernels


def write_mlir(work, name, text, resources=None):
    path = work.file(name + ".mlir")
    with open(path, "w") as f:
        f.write(text)
        if resources is not None and resources.blobs:
            f.write("\n" + resources.section())
    return path


def save_inputs(work, name, arrays):
    paths = []
    for i, a in enumerate(arrays):
        p = work.file(f"{name}_in{i}.npy")
        np.save(p, np.ascontiguousarray(a))
        paths.append(p)
    return paths


def loom_run(module, input_paths, threads, iterations=None, output=None):
    """Runs the module once (writing result 0 to `output`) or benchmarks it;
    returns the median latency in ms for a benchmark."""
    args = [tool("loom-run"), module, f"--threads={threads}"]
    args += [f"--input=@{p}" for p in input_paths]
    if output is not None:
        args.append(f"--output=@{output}")
    if iterations:
        args += [f"--benchmark={iterations}", "--benchmark-format=json"]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"loom-run failed:\n{result.stderr}")
    if iterations:
        return json.loads(result.stdout)["median_ms"]
    return None


def loom_output(work, module, input_paths, threads):
    out = work.file("out.npy")
    loom_run(module, input_paths, threads, output=out)
    return np.load(out)


def median_ms(fn, iterations, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


# Time for measuring one peer at one workload, split across the rounds.
BUDGET_MS = 1500.0


def iterations_for(first_ms, budget_ms=BUDGET_MS, lo=5, hi=200):
    """How many timed calls fit a time budget, from one call's latency."""
    return int(max(lo, min(hi, budget_ms / max(first_ms, 1e-3))))


# The threads every peer runs on (set_threads); Loom compiles for them.
THREADS = None


def set_threads(threads):
    global THREADS
    THREADS = threads
    import torch
    torch.set_num_threads(threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)


def ort_session(onnx_path, threads):
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(onnx_path, options,
                                providers=["CPUExecutionProvider"])


def export_onnx(module, example_inputs, path, opset=13, traced_in_training=False,
                dynamic_axes=None):
    """traced_in_training: export in training mode (for modules without
    dropout, the same function): torch's nn.TransformerEncoder runs a fused
    native op in eval mode that torch 1.13 cannot export. dynamic_axes:
    torch.onnx.export's, for inputs named in0, in1, ... and the output
    out0."""
    import torch
    mode = torch.onnx.TrainingMode.EVAL
    if traced_in_training:
        module.train()
        mode = torch.onnx.TrainingMode.PRESERVE
    with torch.no_grad():
        torch.onnx.export(module, tuple(example_inputs), path,
                          opset_version=opset, do_constant_folding=True,
                          training=mode,
                          input_names=[f"in{i}" for i in range(len(example_inputs))],
                          output_names=["out0"], dynamic_axes=dynamic_axes)
    module.eval()


class Table:
    """Collects rows and prints them with ratios peer / Loom (> 1: Loom is
    faster)."""

    PEERS = ("torch", "ort", "numpy")

    def __init__(self):
        self.rows = []

    def add(self, name, loom_ms, kernels=None, note="", **peers):
        peers = {k: v for k, v in peers.items() if k in self.PEERS}
        self.rows.append((name, loom_ms, kernels, peers, note))

    def print(self, out=sys.stdout):
        head = (f"{'benchmark':<38} {'kernels':>7} {'loom ms':>9} "
                + " ".join(f"{p + ' ms':>9} {p + '/loom':>10}"
                           for p in self.PEERS) + "  note")
        print(head, file=out)
        print("-" * len(head), file=out)
        for name, loom_ms, kernels, peers, note in self.rows:
            cells = []
            for p in self.PEERS:
                v = peers.get(p)
                if v is None:
                    cells.append(f"{'-':>9} {'-':>10}")
                else:
                    cells.append(f"{v:9.3f} {v / loom_ms:10.2f}")
            k = "-" if kernels is None else str(kernels)
            print(f"{name:<38} {k:>7} {loom_ms:9.3f} " + " ".join(cells)
                  + ("  " + note if note else ""), file=out)


def check_close(name, got, expected, rtol, atol):
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=rtol,
                                                       atol=atol):
        err = np.abs(got - expected).max() if got.shape == expected.shape else None
        raise AssertionError(f"{name}: Loom's output differs from the peer's "
                             f"(shape {got.shape} vs {expected.shape}, "
                             f"max abs error {err})")
