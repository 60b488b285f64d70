"""Loom's Python API against the Python peers, in one process.

* loom.einsum against opt_einsum.contract (numpy backend, its path searched
  on every call, as `contract` does), opt_einsum.contract_expression (the
  path found once, then reused) with the numpy and the torch backends,
  torch.einsum (torch 1.13 contracts its operands left to right: not run
  where that needs an intermediate above 2^27 elements) and numpy.einsum
  (optimize="optimal" up to 8 operands, "greedy" beyond: "optimal" is
  exhaustive) on tensor-network workloads: a tensor-train layer,
  an MPS classifier, a Tucker reconstruction and a random 3-regular network.
  loom.einsum compiles on its first call (reported separately) and runs the
  cached kernels afterwards.
* The Python call overhead of a tiny model: a compiled loom.Module called
  from Python against onnxruntime.InferenceSession.run on the same ONNX
  model.

All peers use the same number of threads and take turns (each keeps its
best round's median). Results are checked against numpy before timing.

  benchmarks/run.sh --python-api [--threads N] [--smoke]
  LOOM_BUILD_DIR=build benchmarks/.venv/bin/python benchmarks/python_api.py

Run with the benchmark venv's python (Debian's /usr/bin/python3 with
--system-site-packages, plus PyPI's onnxruntime and opt_einsum); a missing
peer is shown as "-". The loom package is taken from $LOOM_BUILD_DIR/python.
"""

import argparse
import math
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--smoke", action="store_true",
                   help="small sizes and few iterations (tests the script)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--only", default="", help="einsum,overhead")
    return p.parse_args()


ARGS = parse_args()
# Before numpy loads OpenBLAS.
os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.environ.get(
    "LOOM_BUILD_DIR", os.path.join(ROOT, "build")), "python"))
import loom  # noqa: E402

try:
    import torch
    torch.set_num_threads(ARGS.threads)
except ImportError:
    torch = None
try:
    import opt_einsum
except ImportError:
    opt_einsum = None
try:
    import onnxruntime
except ImportError:
    onnxruntime = None

BUDGET_S = 0.1 if ARGS.smoke else 1.5


def median_ms(fn, budget_s):
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    if first > 2.0:  # one call says enough
        return first * 1e3
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    iterations = 3 if ARGS.smoke else int(max(5, min(2000, budget_s / max(first, 1e-6))))
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2] * 1e3


def take_turns(runs):
    """peer -> best median ms over the rounds (None for a missing peer)."""
    best = {name: math.inf for name, fn in runs.items() if fn is not None}
    rounds = 1 if ARGS.smoke else ARGS.rounds
    for r in range(rounds):
        for name, fn in runs.items():
            if fn is None or (r > 0 and best[name] > 1000.0):
                continue
            best[name] = min(best[name], median_ms(fn, BUDGET_S / rounds))
    return {name: best.get(name) for name in runs}


ROWS = []


def add_row(name, loom_ms, peers, note=""):
    ROWS.append((name, loom_ms, peers, note))


def print_table(peer_names, title):
    head = (f"{'benchmark':<40} {'loom ms':>9} " +
            " ".join(f"{p + ' ms':>12} {p + '/loom':>13}" for p in peer_names))
    print(f"\n{title}")
    print(head + "  note")
    print("-" * (len(head) + 6))
    for name, loom_ms, peers, note in ROWS:
        cells = []
        for p in peer_names:
            v = peers.get(p)
            cells.append(f"{'-':>12} {'-':>13}" if v is None else
                         f"{v:12.4f} {v / loom_ms:13.2f}")
        print(f"{name:<40} {loom_ms:9.4f} " + " ".join(cells) +
              ("  " + note if note else ""))
    ROWS.clear()


def check(name, got, want):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    scale = max(1.0, float(np.abs(want).max()))
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-3,
                                                  atol=1e-4 * scale):
        raise AssertionError(f"{name}: loom.einsum differs from numpy")


def left_to_right_largest(spec, shapes):
    """Elements of the largest intermediate when the operands are contracted
    left to right (torch 1.13's einsum without opt_einsum), as numpy
    keeps only labels still needed."""
    lhs, out = spec.split("->")
    terms = lhs.split(",")
    size = {c: d for t, sh in zip(terms, shapes) for c, d in zip(t, sh)}
    current, largest = set(terms[0]), 0
    for k in range(1, len(terms)):
        rest = set(out).union(*map(set, terms[k + 1:]))
        current = (current | set(terms[k])) & rest if k + 1 < len(terms) \
            else current | set(terms[k])
        largest = max(largest, math.prod(size[c] for c in current))
    return largest


def guarded(fn):
    """fn, or None when one call fails (numpy's greedy path can need an
    iterator too large for it)."""
    try:
        fn()
        return fn
    except (ValueError, MemoryError, RuntimeError) as error:
        print(f"  (peer skipped: {str(error)[:80]})", file=sys.stderr)
        return None


def einsum_case(name, spec, ops):
    print(f"einsum: {name}", file=sys.stderr, flush=True)
    if opt_einsum is not None:
        want = opt_einsum.contract(spec, *[o.astype(np.float64) for o in ops])
    else:
        want = np.einsum(spec, *[o.astype(np.float64) for o in ops],
                         optimize="greedy")
    t0 = time.perf_counter()
    got = loom.einsum(spec, *ops)
    compile_s = time.perf_counter() - t0
    check(name, got, want)
    runs = {"loom": lambda: loom.einsum(spec, *ops)}
    runs["oe.contract"] = runs["oe.expr"] = runs["oe.torch"] = None
    runs["torch"] = None
    notes = [f"first call (compile) {compile_s:.2f} s"]
    tops = [torch.from_numpy(o) for o in ops] if torch is not None else None
    if opt_einsum is not None:
        expr = opt_einsum.contract_expression(spec, *[o.shape for o in ops])
        runs["oe.contract"] = lambda: opt_einsum.contract(spec, *ops,
                                                          backend="numpy")
        runs["oe.expr"] = lambda: expr(*ops, backend="numpy")
        if torch is not None:
            runs["oe.torch"] = lambda: expr(*tops, backend="torch")
    if torch is not None:
        largest = left_to_right_largest(spec, [o.shape for o in ops])
        if largest <= 2 ** 27:
            runs["torch"] = lambda: torch.einsum(spec, *tops)
        else:
            notes.append(f"torch.einsum not run: left to right its largest "
                         f"intermediate is {largest:.1e} elements")
    # numpy's "optimal" is exhaustive (fine for a few operands); its greedy
    # path leaves multi-operand steps that c_einsum loops over (a minute per
    # call for the TT layer) or cannot iterate.
    if len(ops) <= 8:
        runs["numpy"] = guarded(
            lambda: np.einsum(spec, *ops, optimize="optimal"))
    else:
        runs["numpy"] = guarded(
            lambda: np.einsum(spec, *ops, optimize="greedy"))
        if runs["numpy"] is None:
            notes.append("numpy's greedy path fails")
    times = take_turns(runs)
    loom_ms = times.pop("loom")
    add_row(name, loom_ms, times, "; ".join(notes))


def random_regular_network(rng, n, degree, bond, open_legs, open_size):
    """A random `degree`-regular graph on n tensors (configuration model,
    no self-loops or double edges), one letter per edge, plus open legs."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while True:
        stubs = np.repeat(np.arange(n), degree)
        rng.shuffle(stubs)
        pairs = stubs.reshape(-1, 2)
        if all(a != b for a, b in pairs) and len({tuple(sorted(p)) for p in pairs}) == len(pairs):
            break
    terms = [[] for _ in range(n)]
    sizes = {}
    for k, (a, b) in enumerate(pairs):
        terms[a].append(letters[k])
        terms[b].append(letters[k])
        sizes[letters[k]] = bond
    out = []
    for j in range(open_legs):
        ch = letters[len(pairs) + j]
        terms[int(rng.integers(n))].append(ch)
        sizes[ch] = open_size
        out.append(ch)
    spec = ",".join("".join(t) for t in terms) + "->" + "".join(out)
    ops = [(rng.standard_normal([sizes[c] for c in t]) / math.sqrt(bond))
           .astype(np.float32) for t in terms]
    return spec, ops


def bench_einsum():
    rng = np.random.default_rng(11)
    s = ARGS.smoke
    # Tensor-train layer 4096 -> 4096 (modes 8^4, rank 16), batch 64.
    n, r, b = (4, 4, 8) if s else (8, 16, 64)
    x = rng.standard_normal((b, n, n, n, n)).astype(np.float32)
    cores = [rng.standard_normal(sh).astype(np.float32) / math.sqrt(n * r)
             for sh in [(n, n, r), (r, n, n, r), (r, n, n, r), (r, n, n)]]
    einsum_case(f"TT layer {n**4}->{n**4} r{r} b{b}",
                "bijkl,ioa,ajpc,ckqd,dls->bopqs", [x] + cores)

    # MPS classifier: L sites (letters: z batch, c class, p* physical,
    # a* bonds), bond chi, 10 classes at the middle site.
    L, chi, b = (8, 4, 4) if s else (24, 32, 64)
    phys = "defghijklmnopqrstuvwxyzA"[:L]
    bonds = "BCDEFGHIJKLMNOPQRSTUVWXY"[:L - 1]
    mid = L // 2
    feats, sites, terms = [], [], []
    xs = rng.uniform(0, 1, (b, L)).astype(np.float32)
    for k in range(L):
        feats.append(np.ascontiguousarray(np.stack([np.ones(b, np.float32),
                                                    xs[:, k]], -1)))
        left = bonds[k - 1] if k > 0 else ""
        right = bonds[k] if k < L - 1 else ""
        cls = "c" if k == mid else ""
        shape = [chi] * len(left) + [2] + [10] * len(cls) + [chi] * len(right)
        t = rng.standard_normal(shape).astype(np.float32) * 0.05
        eye = np.eye(chi, dtype=np.float32)
        if left and right and not cls:
            t[:, 0, :] += eye
        elif left and right:
            t[:, 0, :, :] += eye[:, None, :]
        elif right:
            t[0, :] += 1.0 / chi
        else:
            t[:, 0] += 1.0
        sites.append(t)
        terms.append(left + phys[k] + cls + right)
    spec = (",".join("a" + phys[k] for k in range(L)) + "," + ",".join(terms)
            + "->ac")
    einsum_case(f"MPS classifier L{L} chi{chi} b{b}", spec, feats + sites)

    # Tucker reconstruction of 64^3 tensors from 16^3 cores, batch 8.
    n, k, b = (8, 4, 2) if s else (64, 16, 8)
    core = rng.standard_normal((b, k, k, k)).astype(np.float32)
    factors = [rng.standard_normal((n, k)).astype(np.float32) for _ in range(3)]
    einsum_case(f"Tucker reconstruction {n}^3 from {k}^3 b{b}",
                "zabc,ia,jb,kc->zijk", [core] + factors)

    # Random 3-regular network: 24 tensors, bond 8, 4 open legs of 8.
    count, bond = (8, 3) if s else (24, 8)
    spec, ops = random_regular_network(rng, count, 3, bond, 4, bond)
    einsum_case(f"random 3-regular net {count} tensors bond {bond}", spec, ops)

    print_table(["oe.contract", "oe.expr", "oe.torch", "torch", "numpy"],
                f"loom.einsum vs opt_einsum (numpy backend), torch.einsum, "
                f"numpy.einsum; threads {ARGS.threads}")


def bench_overhead():
    if torch is None:
        print("overhead: needs torch to export the model", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory(prefix="loom-pyapi-") as tmp:
        path = os.path.join(tmp, "tiny.onnx")
        model = torch.nn.Sequential(torch.nn.Linear(16, 16), torch.nn.ReLU(),
                                    torch.nn.Linear(16, 4)).eval()
        x = np.random.default_rng(1).standard_normal((1, 16)).astype(np.float32)
        with torch.no_grad():
            torch.onnx.export(model, (torch.from_numpy(x),), path,
                              input_names=["x"], output_names=["y"],
                              opset_version=13)
        m = loom.compile(path, threads=ARGS.threads)
        want = model(torch.from_numpy(x)).detach().numpy()
        check("tiny model", m(x), want)
        runs = {"loom": lambda: m(x)}
        if onnxruntime is not None:
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = ARGS.threads
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(
                path, options, providers=["CPUExecutionProvider"])
            check("tiny model (ORT)", session.run(None, {"x": x})[0], want)
            runs["ort"] = lambda: session.run(None, {"x": x})
        else:
            runs["ort"] = None
        tx = torch.from_numpy(x)

        def torch_call():
            with torch.no_grad():
                return model(tx)
        runs["torch"] = torch_call
        times = take_turns(runs)
        loom_ms = times.pop("loom")
        add_row("tiny MLP 16-16-4 b1 (call overhead)", loom_ms, times,
                "Module.__call__ vs InferenceSession.run vs eager module")
        print_table(["ort", "torch"],
                    f"Python call overhead; threads {ARGS.threads}")


def main():
    selected = [s for s in ARGS.only.split(",") if s] or ["einsum", "overhead"]
    loom.set_num_threads(ARGS.threads)
    for name in selected:
        {"einsum": bench_einsum, "overhead": bench_overhead}[name]()
    if ARGS.smoke:
        print("\n(smoke run: small sizes, timings not meaningful)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
