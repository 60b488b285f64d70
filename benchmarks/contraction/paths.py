#!/usr/bin/python3
"""Contraction-path quality and path-finding time: Loom vs numpy, opt_einsum
and cotengra.

Run with Debian's Python (it has numpy):

    /usr/bin/python3 benchmarks/contraction/paths.py [--loom PATH] [--quick]

The first run creates a virtual environment next to this script
(benchmarks/contraction/.venv, git-ignored) with

    /usr/bin/python3 -m venv --system-site-packages benchmarks/contraction/.venv

and pip-installs opt_einsum, cotengra, kahypar (cotengra's hypergraph
partitioner; it has wheels on PyPI) and cmaes + optuna (cotengra's
hyper-parameter optimisers) into it, then re-runs itself with the venv's
interpreter. numpy is Debian's (python3-numpy, seen through
--system-site-packages).

Loom is run as `loom-einsum-path --network=FILE --format=json` (default
optimizer `auto`, default time budget 0.3 s); its path is found by --loom
PATH, the LOOM_EINSUM_PATH environment variable or build/bin/ in the repo.

Compared finders (each in a forked child with a time limit; "-" = skipped
or timed out):
  np-greedy   numpy.einsum_path 'greedy' with the memory cap lifted
              (numpy.core.einsumfunc._greedy_path(..., memory_limit=1e30),
              exactly what einsum_path(optimize=('greedy', 1e30)) runs; called
              directly because einsum subscripts are limited to 52 letters)
  np-optimal  numpy 'optimal' likewise (only for <= 7 tensors: it is a
              brute force, ~90 s for 8 tensors)
  oe-auto, oe-dp, oe-rg128, oe-autohq   opt_einsum presets 'auto', 'dp',
              'random-greedy-128', 'auto-hq'
  ctg-auto, ctg-autohq   cotengra's AutoOptimizer / AutoHQOptimizer presets
              with minimize='flops' (their default objective is 'combo') and
              parallel=False (one core, as Loom)
  loom        loom-einsum-path --optimize=auto (default 0.3 s budget)
  loom-eq     the same with --time-budget equal to the time ctg-auto took
              (at least 0.3 s): Loom and cotengra at an equal time budget

Every path is costed by the same function (cost_of_path below), which is
opt_einsum's convention: a step over the indices I costs prod(sizes of I)
times (2 if it sums an index else 1); Loom's own count (include/loom/
contraction/Cost.h) is the same, and the script checks that Loom's reported
FLOPs equal the recomputed ones. numpy's printed "Optimized FLOP count" is
this number plus 1.

Columns: log10 FLOPs per finder, then ratios Loom / other (< 1: Loom is
better), then Loom's path-finding time (in-process seconds as reported, and
the wall time of the whole process).
"""

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
VENV = os.path.join(HERE, ".venv")
VENV_PY = os.path.join(VENV, "bin", "python")
PIP_PACKAGES = ["opt_einsum", "cotengra", "kahypar", "cmaes", "optuna"]


def ensure_venv():
    """Creates the venv on first use and re-executes inside it."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(VENV_PY):
        print(f"creating {VENV} and installing {' '.join(PIP_PACKAGES)}",
              file=sys.stderr)
        subprocess.check_call(["/usr/bin/python3", "-m", "venv",
                               "--system-site-packages", VENV])
        subprocess.check_call([VENV_PY, "-m", "pip", "install", "-q",
                               "opt_einsum", "cotengra"])
        # Optional extras: cotengra works without them, with worse paths.
        for extra in ["kahypar", "cmaes", "optuna"]:
            if subprocess.call([VENV_PY, "-m", "pip", "install", "-q",
                                extra]) != 0:
                print(f"warning: could not pip install {extra}",
                      file=sys.stderr)
    os.execv(VENV_PY, [VENV_PY] + sys.argv)


# ---------------------------------------------------------------------------
# Network families. A network is (inputs, output, sizes): lists of index-name
# lists, the output list, and {name: size}.


def random_network(n, seed, dmin=3, dmax=5, smin=2, smax=9, n_out=2):
    """Random graph with tensor degrees in [dmin, dmax] (configuration model,
    no self loops), bond sizes in [smin, smax], n_out open output legs."""
    rng = random.Random(seed)
    deg = [rng.randint(dmin, dmax) for _ in range(n)]
    if sum(deg) % 2:
        deg[0] += 1 if deg[0] < dmax else -1
    for _ in range(1000):
        stubs = [t for t in range(n) for _ in range(deg[t])]
        rng.shuffle(stubs)
        pairs = list(zip(stubs[::2], stubs[1::2]))
        if all(a != b for a, b in pairs):
            break
    inputs = [[] for _ in range(n)]
    sizes = {}
    for k, (a, b) in enumerate(pairs):
        name = f"e{k}"
        inputs[a].append(name)
        inputs[b].append(name)
        sizes[name] = rng.randint(smin, smax)
    output = []
    for k in range(n_out):
        name = f"o{k}"
        inputs[rng.randrange(n)].append(name)
        output.append(name)
        sizes[name] = rng.randint(smin, smax)
    return inputs, output, sizes


def lattice(rows, cols, bond):
    inputs = [[] for _ in range(rows * cols)]
    sizes = {}
    for r in range(rows):
        for c in range(cols):
            t = r * cols + c
            if c + 1 < cols:
                name = f"h{r}_{c}"
                inputs[t].append(name)
                inputs[t + 1].append(name)
                sizes[name] = bond
            if r + 1 < rows:
                name = f"v{r}_{c}"
                inputs[t].append(name)
                inputs[t + cols].append(name)
                sizes[name] = bond
    return inputs, [], sizes


def mps_mpo_expectation(length, chi, phys=2, mpo_bond=4):
    """<psi|H|psi>: bra MPS, MPO, ket MPS (3 * length tensors)."""
    inputs, sizes = [], {}

    def bond(name, size):
        sizes[name] = size
        return name

    for row, d in (("k", chi), ("w", mpo_bond), ("b", chi)):
        for i in range(length):
            t = []
            if i > 0:
                t.append(bond(f"{row}{i - 1}_{i}", d))
            if row == "k":
                t.append(bond(f"p{i}", phys))
            elif row == "w":
                t.append(bond(f"p{i}", phys))
                t.append(bond(f"q{i}", phys))
            else:
                t.append(bond(f"q{i}", phys))
            if i + 1 < length:
                t.append(bond(f"{row}{i}_{i + 1}", d))
            inputs.append(t)
    return inputs, [], sizes


def mps_norm(length, chi, phys=2):
    inputs, sizes = [], {}
    for row in ("k", "b"):
        for i in range(length):
            t = []
            if i > 0:
                t.append(f"{row}{i - 1}_{i}")
            t.append(f"p{i}")
            if i + 1 < length:
                t.append(f"{row}{i}_{i + 1}")
            inputs.append(t)
            for name in t:
                sizes[name] = phys if name.startswith("p") else chi
    return inputs, [], sizes


def random_tree(n, seed, smin=2, smax=9, n_out=3):
    rng = random.Random(seed)
    inputs = [[] for _ in range(n)]
    sizes = {}
    for t in range(1, n):
        parent = rng.randrange(t)
        name = f"t{t}"
        inputs[t].append(name)
        inputs[parent].append(name)
        sizes[name] = rng.randint(smin, smax)
    output = []
    for k in range(n_out):
        name = f"o{k}"
        inputs[rng.randrange(n)].append(name)
        output.append(name)
        sizes[name] = rng.randint(smin, smax)
    return inputs, output, sizes


def ttn_norm(depth, chi, phys=2):
    """<psi|psi> for a binary tree tensor network state: two copies of a
    binary tree whose leaves carry the physical legs."""
    inputs, sizes = [], {}
    leaves = 2 ** depth
    for copy in ("k", "b"):
        # Node ids: heap order, 1 = root; leaves are leaves..2*leaves-1.
        for node in range(1, 2 * leaves):
            t = []
            if node > 1:
                t.append(f"{copy}{node}")
            if node < leaves:
                t += [f"{copy}{2 * node}", f"{copy}{2 * node + 1}"]
            else:
                t.append(f"p{node}")
            inputs.append(t)
    for t in inputs:
        for name in t:
            sizes[name] = phys if name.startswith("p") else chi
    return inputs, [], sizes


def families(quick):
    seeds = [1] if quick else [1, 2]
    out = []
    for n in (5, 6, 7):
        for s in seeds:
            out.append((f"rand{n}-s{s}", random_network(n, 100 * n + s)))
    out.append(("lattice2x3-b4", lattice(2, 3, 4)))
    out.append(("mps-mpo-L2-chi8", mps_mpo_expectation(2, 8)))
    for n in (10, 20, 30, 50, 100):
        for s in seeds:
            out.append((f"rand{n}-s{s}", random_network(n, 100 * n + s)))
    out.append(("lattice4x4-b4", lattice(4, 4, 4)))
    out.append(("lattice6x6-b3", lattice(6, 6, 3)))
    out.append(("lattice8x8-b2", lattice(8, 8, 2)))
    out.append(("mps-mpo-L16-chi32", mps_mpo_expectation(16, 32)))
    out.append(("mps-norm-L50-chi16", mps_norm(50, 16)))
    out.append(("tree60", random_tree(60, 7)))
    out.append(("ttn-norm-d4-chi8", ttn_norm(4, 8)))
    return out


# ---------------------------------------------------------------------------
# Costing (opt_einsum's convention) and the finders.


def cost_of_path(inputs, output, sizes, path):
    """FLOPs of a linear (numpy/opt_einsum) path, opt_einsum's convention."""
    ops = [set(t) for t in inputs]
    out = set(output)
    total = 0
    for step in path:
        step = sorted(step, reverse=True)
        taken = [ops.pop(i) for i in step]
        involved = set().union(*taken)
        keep = out.union(*ops) if ops else out
        result = involved & keep
        volume = math.prod(sizes[i] for i in involved)
        factor = max(1, len(taken) - 1) + (1 if involved - result else 0)
        total += volume * factor
        ops.append(result)
    return total


def symbols(inputs, output):
    import opt_einsum as oe
    names = sorted({i for t in inputs for i in t} | set(output))
    sym = {n: oe.get_symbol(k) for k, n in enumerate(names)}
    eq = ",".join("".join(sym[i] for i in t) for t in inputs)
    return eq + "->" + "".join(sym[i] for i in output), sym


def run_numpy(kind, inputs, output, sizes):
    from numpy.core import einsumfunc as ef
    sets = [set(t) for t in inputs]
    fn = ef._greedy_path if kind == "greedy" else ef._optimal_path
    return fn(sets, set(output), dict(sizes), 1e30)


def run_opt_einsum(preset, inputs, output, sizes):
    import opt_einsum as oe
    eq, sym = symbols(inputs, output)
    shapes = [tuple(sizes[i] for i in t) for t in inputs]
    path, _ = oe.contract_path(eq, *shapes, shapes=True, optimize=preset)
    return path


def run_cotengra(preset, inputs, output, sizes):
    import cotengra as ctg
    # parallel=False: one core, as Loom (and no process pool outliving a
    # timed-out child).
    opt = (ctg.AutoHQOptimizer if preset == "auto-hq" else
           ctg.AutoOptimizer)(minimize="flops", parallel=False)
    return ctg.array_contract_path(inputs, output, size_dict=sizes,
                                   optimize=opt)


def timed_child(fn, args, timeout):
    """Runs fn(*args) in a forked child; returns (result, seconds) or None."""
    import multiprocessing as mp
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def target():
        os.setpgrp()  # own process group: killed with everything it spawns
        try:
            t0 = time.perf_counter()
            res = fn(*args)
            child.send(([tuple(int(x) for x in s) for s in res],
                        time.perf_counter() - t0))
        except Exception as exc:  # reported as a failed finder
            child.send(("error", repr(exc)))

    proc = ctx.Process(target=target)
    proc.start()
    result = None
    if parent.poll(timeout):
        result = parent.recv()
    try:
        os.killpg(proc.pid, 9)  # the child and any pool it started
    except ProcessLookupError:
        pass
    proc.join()
    if result is None or result[0] == "error":
        if result is not None:
            print(f"    finder failed: {result[1]}", file=sys.stderr)
        return None
    return result


def run_loom(binary, inputs, output, sizes, extra=()):
    with tempfile.NamedTemporaryFile("w", suffix=".json",
                                     delete=False) as f:
        json.dump({"inputs": inputs, "output": output, "sizes": sizes}, f)
        name = f.name
    try:
        t0 = time.perf_counter()
        proc = subprocess.run([binary, f"--network={name}", "--format=json",
                               *extra], capture_output=True, text=True)
        wall = time.perf_counter() - t0
    finally:
        os.unlink(name)
    if proc.returncode != 0:
        raise RuntimeError(f"loom-einsum-path failed: {proc.stderr.strip()}")
    res = json.loads(proc.stdout)
    return [tuple(p) for p in res["path"]], res, wall


def main():
    ensure_venv()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--loom", default=os.environ.get(
        "LOOM_EINSUM_PATH", os.path.join(REPO, "build", "bin",
                                         "loom-einsum-path")))
    ap.add_argument("--quick", action="store_true",
                    help="one seed per random family")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds per finder and instance")
    ap.add_argument("--only", default="",
                    help="comma-separated instance-name prefixes")
    ap.add_argument("--json", default="", help="also write results here")
    args = ap.parse_args()
    if not os.path.exists(args.loom):
        sys.exit(f"loom-einsum-path not found at {args.loom} (use --loom)")

    import cotengra  # noqa: F401  (fail early if the venv is broken)
    import importlib.util
    kahypar = importlib.util.find_spec("kahypar") is not None
    print(f"cotengra with kahypar: {'yes' if kahypar else 'NO'}")

    finders = [
        ("np-greedy", lambda i, o, s: run_numpy("greedy", i, o, s), None),
        ("np-optimal", lambda i, o, s: run_numpy("optimal", i, o, s), 7),
        ("oe-auto", lambda i, o, s: run_opt_einsum("auto", i, o, s), None),
        ("oe-dp", lambda i, o, s: run_opt_einsum("dp", i, o, s), None),
        ("oe-rg128", lambda i, o, s: run_opt_einsum(
            "random-greedy-128", i, o, s), None),
        ("oe-autohq", lambda i, o, s: run_opt_einsum("auto-hq", i, o, s),
         None),
        ("ctg-auto", lambda i, o, s: run_cotengra("auto", i, o, s), None),
        ("ctg-autohq", lambda i, o, s: run_cotengra("auto-hq", i, o, s),
         None),
    ]
    names = [f[0] for f in finders] + ["loom", "loom-eq"]
    header = f"{'instance':22s} {'N':>4s} " + " ".join(
        f"{n:>10s}" for n in names)
    print("\nlog10 FLOPs (opt_einsum convention), seconds in brackets")
    print(header)
    rows = []
    for label, (inputs, output, sizes) in families(args.quick):
        if args.only and not any(label.startswith(p)
                                 for p in args.only.split(",")):
            continue
        row = {"instance": label, "tensors": len(inputs), "flops": {},
               "seconds": {}}
        for name, fn, max_n in finders:
            if max_n is not None and len(inputs) > max_n:
                continue
            res = timed_child(fn, (inputs, output, sizes), args.timeout)
            if res is None:
                continue
            path, secs = res
            row["flops"][name] = cost_of_path(inputs, output, sizes, path)
            row["seconds"][name] = secs
        path, res, wall = run_loom(args.loom, inputs, output, sizes)
        flops = cost_of_path(inputs, output, sizes, path)
        if abs(flops - res["flops"]) > 1e-9 * flops:
            print(f"  WARNING: Loom reports {res['flops']} FLOPs, "
                  f"recomputed {flops}", file=sys.stderr)
        row["flops"]["loom"] = flops
        row["seconds"]["loom"] = res["seconds"]
        row["loom_wall"] = wall
        row["loom_method"] = res["method"]
        budget = max(0.3, row["seconds"].get("ctg-auto", 0.3))
        path, res, _ = run_loom(args.loom, inputs, output, sizes,
                                [f"--time-budget={budget:.3f}"])
        row["flops"]["loom-eq"] = cost_of_path(inputs, output, sizes, path)
        row["seconds"]["loom-eq"] = res["seconds"]
        rows.append(row)

        def cell(n):
            if n not in row["flops"]:
                return f"{'-':>10s}"
            return f"{math.log10(max(row['flops'][n], 1)):10.3f}"
        print(f"{label:22s} {len(inputs):4d} " + " ".join(cell(n)
                                                         for n in names))
        print(f"{'':22s} {'':4s} " + " ".join(
            f"{'[' + format(row['seconds'][n], '.2g') + ']':>10s}"
            if n in row["seconds"] else f"{'':>10s}" for n in names))
        sys.stdout.flush()

    print("\nratios Loom / other (<= 1 means Loom is at least as good), "
          "Loom time")
    others = [f[0] for f in finders]
    print(f"{'instance':22s} " + " ".join(f"{n:>10s}" for n in others) +
          f" {'loom s':>8s} {'wall s':>7s}  method")
    for row in rows:
        loom = row["flops"]["loom"]
        cells = []
        for n in others:
            if n in row["flops"]:
                cells.append(f"{loom / row['flops'][n]:10.3g}")
            else:
                cells.append(f"{'-':>10s}")
        print(f"{row['instance']:22s} " + " ".join(cells) +
              f" {row['seconds']['loom']:8.3f} {row['loom_wall']:7.3f}  "
              f"{row['loom_method']}")

    # Goals of issue 4.
    print("\ngoals:")
    small = [r for r in rows if "np-optimal" in r["flops"]]
    ok = all(r["flops"]["loom"] <= r["flops"]["np-optimal"] * (1 + 1e-12)
             for r in small)
    print(f"  Loom <= numpy optimal on all {len(small)} small instances: "
          f"{'yes' if ok else 'NO'}")
    for n in (30, 50, 100):
        rs = [r for r in rows if r["instance"].startswith(f"rand{n}-")]
        for r in rs:
            f = r["flops"]
            msg = f"  {r['instance']}: numpy-greedy/Loom = " + (
                f"{f['np-greedy'] / f['loom']:.3g}x" if "np-greedy" in f
                else "-")
            for other in ("oe-autohq", "ctg-autohq", "ctg-auto"):
                if other in f:
                    msg += f", Loom/{other} = {f['loom'] / f[other]:.3g}"
            if "ctg-auto" in f:
                msg += (f"; Loom at ctg-auto's time "
                        f"({r['seconds']['loom-eq']:.2g} s): "
                        f"Loom/ctg-auto = {f['loom-eq'] / f['ctg-auto']:.3g}")
                if "ctg-autohq" in f:
                    msg += (f", Loom/ctg-autohq = "
                            f"{f['loom-eq'] / f['ctg-autohq']:.3g}")
            print(msg)
    slowest = max(r["seconds"]["loom"] for r in rows)
    print(f"  slowest Loom auto search: {slowest:.3f} s "
          f"(wall incl. process start: "
          f"{max(r['loom_wall'] for r in rows):.3f} s)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
