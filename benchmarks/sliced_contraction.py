#!/usr/bin/env python3
"""Sliced tensor-network contractions: Loom against cotengra executing the
same sliced tree, on threads and on MPI ranks.

  benchmarks/run.sh --sliced [options]          (the benchmark venv: cotengra
                                                 from PyPI over Debian's
                                                 numpy and torch)

A random regular graph of tensors (every edge a bond of size --bond, no open
index: the network's value is a scalar) is given a contraction tree by
Loom's path finder (auto, --time-budget seconds) and sliced so that no
intermediate exceeds --memory-limit-gib; the model carries that tree
(loom.path, loom.sliced), so loom-compile builds exactly the tree cotengra
is given.
The unsliced tree would need more memory than this machine has. Then, taking
turns for --rounds rounds, it times:

  loom 1t / 2t        loom-run of the compiled module, 1 and 2 threads (the
                      slices split across the threads)
  loom mpi 1r / 2r    mpirun -n 1 and -n 2 loom-run --threads=1 (the slices
                      split across the ranks; strong scaling)
  ctg numpy / torch   cotengra's ContractionTree.contract of the same path
                      and sliced indices, numpy (OpenBLAS) and torch
                      backends, 2 threads

and prints medians and ratios, the memory the unsliced tree needs and the
peak resident memory of the sliced run. --project adds the projection for a
4-regular graph of --project-nodes tensors of bond 2 (132: the best tree
found in 5 s has a largest intermediate of 2^40 elements unsliced): shares
of 1 and 4 slices timed with loom-run --slice-share give the time per slice
and per call; the projection is a call's fixed time plus the slices per
rank, plus the reduction's measured cost per tree level.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import Workdir, build_dir, tool  # noqa: E402

sys.path.insert(0, os.path.join(build_dir(), "python"))
import loom  # noqa: E402

MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_btl": "self,vader",
           "OMPI_MCA_btl_vader_single_copy_mechanism": "none"}


def random_regular(n, degree, seed):
    """Edges of a random simple `degree`-regular graph (pairing model)."""
    rng = np.random.default_rng(seed)
    for _ in range(10000):
        stubs = np.repeat(np.arange(n), degree)
        rng.shuffle(stubs)
        pairs = [tuple(sorted(p)) for p in stubs.reshape(-1, 2).tolist()]
        if all(a != b for a, b in pairs) and len(set(pairs)) == len(pairs):
            return sorted(pairs)
    sys.exit("could not draw a simple regular graph")


def network(n, degree, bond, seed):
    """(sublists, arrays): tensor t holds the bonds of its edges. Entries
    are uniform on [0, 2 m) with m = bond^(-degree/2), so the value (a sum
    of bond^edges products of n entries) is of order 1."""
    edges = random_regular(n, degree, seed)
    terms = [[] for _ in range(n)]
    for k, (a, b) in enumerate(edges):
        terms[a].append(k)
        terms[b].append(k)
    rng = np.random.default_rng(seed + 1)
    m = bond ** (-degree / 2)
    arrays = [rng.uniform(0, 2 * m, [bond] * len(t)).astype(np.float32)
              for t in terms]
    return terms, arrays


def parse_spec(eq):
    """loom.contract spec ("{l0}{l1},...->") -> list of label lists."""
    inputs = []
    for term in eq.split("->")[0].split(","):
        labels, i = [], 0
        while i < len(term):
            if term[i] == "{":
                j = term.index("}", i)
                labels.append(term[i + 1:j])
                i = j + 1
            else:
                labels.append(term[i])
                i += 1
        inputs.append(labels)
    return inputs


def mlir_for(eq, arrays, path, sliced):
    """One loom.contract carrying its tree (loom.path, loom.sliced): the
    compiled module runs exactly the tree cotengra is given."""
    def ty(shape):
        return "tensor<" + "".join(f"{d}x" for d in shape) + "f32>"
    args = ", ".join(f"%x{t}: {ty(a.shape)}" for t, a in enumerate(arrays))
    names = ", ".join(f"%x{t}" for t in range(len(arrays)))
    types = ", ".join(ty(a.shape) for a in arrays)
    return (f"func.func @main({args}) -> tensor<f32> {{\n"
            f"  %r = loom.contract \"{eq}\" {names} {{loom.path = "
            f"array<i64: {', '.join(str(i) for p in path for i in p)}>, "
            f"loom.sliced = [{', '.join(json.dumps(x) for x in sliced)}]}} "
            f": ({types}) -> tensor<f32>\n"
            f"  return %r : tensor<f32>\n}}\n")


def interleaved(terms, arrays):
    args = []
    for t, a in zip(terms, arrays):
        args += [a, t]
    return args + [[]]


# --- cotengra worker (its own process: BLAS threads are set at start-up) ---

def cotengra_worker(args):
    import cotengra as ctg
    with open(args.worker_input) as f:
        job = json.load(f)
    from opt_einsum import get_symbol
    arrays = [np.load(p) for p in job["arrays"]]
    # One character per index (cotengra's contraction expressions are
    # einsum strings).
    symbol = {}
    for t in job["inputs"]:
        for ix in t:
            symbol.setdefault(ix, get_symbol(len(symbol)))
    inputs = ["".join(symbol[ix] for ix in t) for t in job["inputs"]]
    size_dict = {symbol[k]: int(v) for k, v in job["sizes"].items()}
    tree = ctg.ContractionTree.from_path(inputs, "", size_dict,
                                         path=[tuple(p) for p in job["path"]])
    for ix in job["sliced"]:
        tree.remove_ind_(symbol[ix])
    backend = args.worker
    if backend == "torch":
        import torch
        torch.set_num_threads(args.threads)
        arrays = [torch.from_numpy(a) for a in arrays]
    times, value = [], None
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        value = tree.contract(arrays, backend=backend)
        times.append(time.perf_counter() - t0)
    value = float(value)
    print(json.dumps({"seconds": sorted(times)[len(times) // 2],
                      "value": value, "nslices": int(tree.nslices),
                      "flops": float(tree.contraction_cost())}))


def run_cotengra(work, job_path, backend, threads, repeats):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads),
               OMP_NUM_THREADS=str(threads))
    out = subprocess.run(
        [sys.executable, __file__, "--worker", backend, "--worker-input",
         job_path, "--threads", str(threads), "--repeats", str(repeats)],
        capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"cotengra ({backend}) failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_loom(module, inputs, threads, repeats, ranks=0, output=None,
             share=None):
    cmd = [tool("loom-run"), module, f"--threads={threads}",
           f"--benchmark={repeats}", "--benchmark-format=json",
           "--progress=never"] + [f"--input=@{p}" for p in inputs]
    if output:
        cmd.append(f"--output=@{output}")
    if share:
        cmd.append(f"--slice-share={share}")
    env = dict(os.environ)
    if ranks:
        env.update(MPI_ENV)
        cmd = ["mpirun", "--oversubscribe", "--bind-to", "none", "-n",
               str(ranks)] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"loom-run failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])["median_ms"] / 1e3


def prepare(work, name, terms, arrays, limit, optimize, budget):
    args = interleaved(terms, arrays)
    _, free = loom.einsum_path(*args, optimize=optimize, time_budget=budget)
    _, info = loom.einsum_path(*args, optimize=optimize, memory_limit=limit,
                               time_budget=budget)
    src = work.file(name + ".mlir")
    with open(src, "w") as f:
        f.write(mlir_for(info.eq, arrays, info.path, info.sliced))
    module = work.file(name + ".loom")
    t0 = time.perf_counter()
    r = subprocess.run([tool("loom-compile"), src, "-o", module, "--cpu=host"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"loom-compile failed:\n{r.stderr}")
    compile_s = time.perf_counter() - t0
    paths = []
    for i, a in enumerate(arrays):
        p = work.file(f"{name}_in{i}.npy")
        np.save(p, a)
        paths.append(p)
    job = {"arrays": paths, "inputs": parse_spec(info.eq),
           "sizes": info.size_dict, "path": info.path, "sliced": info.sliced}
    job_path = work.file(name + "_job.json")
    with open(job_path, "w") as f:
        json.dump(job, f)
    return free, info, module, paths, job_path, compile_s


def gib(elements):
    return elements * 4 / 2**30


def live_peak(info):
    """Elements alive at the tree's widest step when it runs unsliced: the
    inputs and intermediates not yet consumed, the step's operands and its
    result (any executor holds at least these)."""
    size = lambda t: math.prod(info.size_dict[ix] for ix in t)
    live = parse_spec(info.eq)
    peak = 0
    for step in info.path:
        operands = [live[i] for i in step]
        for i in sorted(step, reverse=True):
            live.pop(i)
        kept = set().union(*[set(t) for t in live])
        result = [ix for ix in dict.fromkeys(sum(operands, [])) if ix in kept]
        peak = max(peak, sum(map(size, live)) + sum(map(size, operands)) +
                   size(result))
        live.append(result)
    return peak


def loom_unsliced_arena(work, info, arrays):
    """Bytes of the arena Loom plans for the tree run unsliced (compiled with
    no memory limit; only compiled, never run)."""
    src = work.file("unsliced.mlir")
    with open(src, "w") as f:
        f.write(mlir_for(info.eq, arrays, info.path, []))
    r = subprocess.run([tool("loom-compile"), src, "-o",
                        work.file("unsliced.loom"),
                        "--contraction-memory-limit=0", "--print-memory-plan"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"loom-compile failed:\n{r.stderr}")
    for line in r.stderr.splitlines():
        if line.startswith("memory plan for @main:"):
            return int(line.split("arena ")[1].split()[0])
    raise RuntimeError("no memory plan for @main:\n" + r.stderr)


def peak_rss_gib(module, inputs, threads):
    """Peak resident memory of one loom-run of the module (its own rusage)."""
    cmd = [tool("loom-run"), module, f"--threads={threads}",
           "--progress=never"] + [f"--input=@{p}" for p in inputs]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"loom-run failed: exit {proc.returncode}")
    return usage.ru_maxrss / 2**20


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=44)
    p.add_argument("--degree", type=int, default=4)
    p.add_argument("--bond", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--memory-limit-gib", type=float, default=1.0)
    p.add_argument("--optimize", default="auto")
    p.add_argument("--time-budget", type=float, default=2.0,
                   help="path search seconds (unsliced and sliced)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--project", action="store_true")
    p.add_argument("--project-nodes", type=int, default=132,
                   help="tensors of the projected network (4-regular, bond 2)")
    p.add_argument("--project-budget", type=float, default=5.0,
                   help="path search seconds for the projected network")
    p.add_argument("--project-only", action="store_true",
                   help="only the projection (no side-by-side runs)")
    p.add_argument("--no-mpi", action="store_true")
    p.add_argument("--only", default="",
                   help="comma-separated runs to time (default: all), e.g. "
                        "'loom mpi 1r,loom mpi 2r' for strong scaling alone")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--worker-input", help=argparse.SUPPRESS)
    p.add_argument("--threads", type=int, default=2, help=argparse.SUPPRESS)
    p.add_argument("--repeats", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        return cotengra_worker(args)

    work = Workdir()
    if args.project_only:
        return project(work, args)
    limit = args.memory_limit_gib * 2**30 / 4
    terms, arrays = network(args.nodes, args.degree, args.bond, args.seed)
    free, info, module, inputs, job, compile_s = prepare(
        work, "net", terms, arrays, limit, args.optimize, args.time_budget)
    print(f"network: random {args.degree}-regular graph, {args.nodes} "
          f"tensors, bond {args.bond}, seed {args.seed}; tree: "
          f"{args.optimize}")
    print(f"unsliced: largest intermediate {free.largest_intermediate:.3e} "
          f"elements ({gib(free.largest_intermediate):.1f} GiB), "
          f"{free.opt_cost:.3e} FLOPs; needs {gib(live_peak(free)):.1f} GiB "
          f"(tensors alive at its widest step), "
          f"{loom_unsliced_arena(work, free, arrays) / 2**30:.1f} GiB in "
          f"Loom's memory plan")
    print(f"sliced under {args.memory_limit_gib:g} GiB: {info.num_slices:g} "
          f"slices over {len(info.sliced)} indices, largest intermediate "
          f"{gib(info.largest_intermediate):.2f} GiB, {info.opt_cost:.3e} "
          f"FLOPs ({info.opt_cost / free.opt_cost:.2f}x); loom-compile "
          f"{compile_s:.1f} s")

    peers = [("loom 1t", lambda: run_loom(module, inputs, 1, 1)),
             ("loom 2t", lambda: run_loom(module, inputs, 2, 1))]
    have_mpi = shutil.which("mpirun") and not args.no_mpi
    if have_mpi:
        peers += [("loom mpi 1r", lambda: run_loom(module, inputs, 1, 1, 1)),
                  ("loom mpi 2r", lambda: run_loom(module, inputs, 1, 1, 2))]
    ctg = {}

    def cotengra(backend):
        r = run_cotengra(work, job, backend, 2, 1)
        ctg[backend] = r
        return r["seconds"]
    peers += [("ctg numpy 2t", lambda: cotengra("numpy")),
              ("ctg torch 2t", lambda: cotengra("torch"))]
    if args.only:
        wanted = args.only.split(",")
        peers = [(name, fn) for name, fn in peers if name in wanted]
    times = {name: [] for name, _ in peers}
    for _ in range(args.rounds):
        for name, fn in peers:
            times[name].append(fn())
    med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}

    print(f"loom-run peak resident memory (sliced, 2 threads): "
          f"{peak_rss_gib(module, inputs, 2):.2f} GiB")
    if "numpy" in ctg:
        out = work.file("loom.npy")
        run_loom(module, inputs, 2, 1, output=out)
        got = float(np.load(out))
        ref = ctg["numpy"]["value"]
        assert ctg["numpy"]["nslices"] == round(info.num_slices), (
            ctg["numpy"]["nslices"], info.num_slices)
        print(f"value: loom {got:.6e}, cotengra {ref:.6e} (relative "
              f"difference {abs(got - ref) / abs(ref):.1e}); cotengra's "
              f"tree {ctg['numpy']['flops']:.3e} FLOPs, "
              f"{ctg['numpy']['nslices']} slices")
    print()
    print(f"{'run':<14} {'seconds':>9} {'GFLOP/s':>9}")
    for name in med:
        print(f"{name:<14} {med[name]:9.3f} "
              f"{info.opt_cost / med[name] / 1e9:9.1f}")
    print()
    def ratio(label, a, b):
        if a in med and b in med:
            print(f"{label}: {med[a] / med[b]:.2f}x")
    for peer in ("ctg numpy 2t", "ctg torch 2t"):
        ratio(f"{peer} / loom 2t", peer, "loom 2t")
    ratio("strong scaling, 1 -> 2 ranks", "loom mpi 1r", "loom mpi 2r")
    ratio("loom 1t / loom 2t", "loom 1t", "loom 2t")

    if args.project:
        project(work, args)


def reduction_step(work):
    """Seconds one level of the ranks' reduction tree adds to a call: a
    small sliced network (16 slices of microseconds) timed over many calls
    on 2 ranks against 1 rank."""
    terms, arrays = network(12, 3, 2, 5)
    _, info, module, inputs, _, _ = prepare(work, "tiny", terms, arrays, 8,
                                            "greedy", 0.1)
    one = run_loom(module, inputs, 1, 300, ranks=1)
    two = run_loom(module, inputs, 1, 300, ranks=2)
    return max(0.0, two - one), int(round(info.num_slices)), one, two


def project(work, args):
    """Projected time for a 4-regular bond-2 network of --project-nodes
    tensors on 64 and 1024 ranks."""
    terms, arrays = network(args.project_nodes, 4, 2, args.seed)
    limit = args.memory_limit_gib * 2**30 / 4
    free, info, module, inputs, _, compile_s = prepare(
        work, "big", terms, arrays, limit, "auto", args.project_budget)
    slices = int(round(info.num_slices))
    # A call's time is a fixed part (the first touch of its scratch, the
    # work outside the slice loop) plus the slices: a share of 1 slice and
    # one of 4 separate them.
    t_one = run_loom(module, inputs, 1, 1, share=f"0/{slices}")
    t_four = run_loom(module, inputs, 1, 1, share=f"0/{slices // 4}")
    t_slice = (t_four - t_one) / 3
    fixed = max(0.0, t_one - t_slice)
    print()
    print(f"projection: random 4-regular graph, {args.project_nodes} "
          f"tensors, bond 2, seed {args.seed}: the best unsliced tree found "
          f"has a largest intermediate of 2^"
          f"{math.log2(free.largest_intermediate):.1f} elements, "
          f"{free.opt_cost:.3e} FLOPs; sliced under "
          f"{args.memory_limit_gib:g} GiB: {slices} slices, "
          f"{info.opt_cost:.3e} FLOPs (loom-compile {compile_s:.1f} s); on "
          f"one thread a call of 1 slice takes {t_one:.2f} s and one of 4 "
          f"{t_four:.2f} s: {t_slice:.2f} s per slice "
          f"({info.opt_cost / slices / t_slice / 1e9:.1f} GFLOP/s) plus "
          f"{fixed:.2f} s per call")
    step, tiny_slices, one, two = reduction_step(work)
    print(f"  reduction: a call of a {tiny_slices}-slice network takes "
          f"{one * 1e6:.0f} us on 1 rank, {two * 1e6:.0f} us on 2: "
          f"{step * 1e6:.0f} us per level of the reduction tree (and "
          f"broadcast) is assumed")
    for ranks in (64, 1024):
        per_rank = math.ceil(slices / ranks)
        total = (fixed + per_rank * t_slice +
                 math.ceil(math.log2(ranks)) * step)
        print(f"  {ranks:5d} ranks (1 thread each): {per_rank} slices per "
              f"rank, projected {total:.1f} s ({total / 3600:.2f} h)")


if __name__ == "__main__":
    main()
