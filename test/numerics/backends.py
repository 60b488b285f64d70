#!/usr/bin/python3
"""Numerics across backends (issue 10): every example model with a reference
(examples/<name>.mlir with examples/data/<name>_expected.npy) is compiled for
each available backend and run on the same inputs; each result is compared
with the float64 reference AND with every other backend's result.

  backends.py --examples DIR --bin DIR --work DIR [--vulkan] [--jobs N]

Prints one line per (model, comparison), the known exceptions with their
reasons, the skipped backends with theirs, and "OK" when everything agreed.
Exit status 1 on any mismatch, failed compile/run, unexpected pass of a known
exception, or an example model with a reference but no entry in MODELS.

Tolerances are numpy.allclose's |x - y| <= atol + rtol * |y| (y: the
reference, or the CPU result when two backends are compared). f32 models get
rtol 1e-4; atol is stated per model for the scale of its outputs. A looser
tolerance is allowed only where a backend legitimately sums in a different
order; each one says why below. Backend-vs-backend comparisons use the same
tolerance as the reference comparison (both sides are f32, so this is the
stricter check).
"""
import argparse
import concurrent.futures
import glob
import os
import subprocess
import sys
import time

import numpy as np

# name: (inputs under examples/data, rtol, atol, why). The references are
# examples/data/<name>_expected.npy, or OUTPUTS[name] for several results.
MODELS = {
    "mlp": (["mlp_input.npy"], 1e-4, 1e-6,
            "784-256-10 linear+relu+softmax; softmax outputs in [0,1]"),
    "convnet": (["convnet_input.npy"], 1e-4, 1e-5,
                "conv+relu+maxpool x2, linear; sums of 72 products"),
    "transformer": (["transformer_input.npy"], 1e-4, 1e-5,
                    "attention (matmul+softmax), layer_norm, GELU FFN; O(1)"),
    "tensor_train": (["tensor_train_input.npy"], 1e-4, 1e-4,
                     "one 5-operand contract; sums of 6912 O(1) products: "
                     "atol 1e-4, as in test/e2e/tensor_train.test"),
    "ar_net": (["ar_net_input.npy"], 1e-5, 1e-5,
               "gather windows + 2 linears; sums of 16 and 32 products"),
    "bilinear": (["bilinear_x1.npy", "bilinear_x2.npy"], 1e-4, 1e-5,
                 "one bi,oij,bj->bo contract; sums of 3072 products"),
    "cp_conv": (["factorized_conv_input.npy"], 1e-4, 1e-5,
                "CP 1x1 contract, depthwise 3x1/1x3 conv, 1x1 conv"),
    "tucker_conv": (["factorized_conv_input.npy"], 1e-4, 1e-5,
                    "Tucker-2 1x1 contracts around an 8x8x3x3 conv"),
    "kan": (["kan_input.npy"], 1e-4, 1e-5,
            "RBF bases, bik,oik->bo contract + linear(silu) per layer"),
    "mps_classifier": (["mps_classifier_input.npy"], 1e-4, 1e-5,
                       "392-operand contract: 196 chained 32x32 products"),
    "se_block": (["se_block_input.npy"], 1e-4, 1e-5,
                 "conv3x3 x2, global avg pool, SE gate, residual"),
    "tensor_ring": (["tensor_ring_input.npy"], 1e-4, 1e-5,
                    "one 5-operand ring contract + bias + relu"),
    "tt_mlp": (["tt_mlp_input.npy"], 1e-4, 1e-5,
               "two TT layers (5-operand contracts) + linear"),
    "tt_dense": (["tt_dense_input.npy"], 1e-4, 1e-5,
                 "256-256-10 dense MLP (compiled dense, no --loom-tt-compress)"),
    "gcn": (["graph_x.npy", "gcn_src.npy", "gcn_dst.npy", "gcn_norm.npy"],
            1e-4, 1e-5, "graph convolution: gather + segment_sum "
            "(rows added in order on every backend) + linear"),
    "gin": (["graph_x.npy", "graph_src.npy", "graph_dst.npy"], 1e-4, 1e-5,
            "graph isomorphism network: segment_sum + MLPs, a sum over "
            "1000 nodes"),
    "gru": (["gru_x.npy", "gru_h0.npy"], 1e-5, 1e-5,
            "GRU, 32 steps as one loom.scan; states in (-1, 1)"),
    "lstm": (["lstm_x.npy", "lstm_h0.npy", "lstm_c0.npy"], 1e-5, 1e-5,
             "LSTM, 32 steps as one loom.scan; states O(1)"),
}

OUTPUTS = {
    "gru": ["gru_expected_y.npy", "gru_expected_h.npy"],
    "lstm": ["lstm_expected_y.npy", "lstm_expected_h.npy",
             "lstm_expected_c.npy"],
}

# Known wrong results: (model, backend) -> reason. They still run; a match
# is reported as XPASS and fails the test (remove the entry then).
KNOWN_EXCEPTIONS = {
}

# Extra loom-compile flags per (model, backend).
COMPILE_FLAGS = {
    # A step's [4, 512] temporaries need more than the portable 16 KiB of
    # workgroup memory, and 128 invocations would each loop just past
    # lavapipe's 65535 iterations: lavapipe's own limits (32 KiB, 1024
    # invocations) as in test/e2e/models/lstm-vulkan.test.
    ("lstm", "vulkan"): ["--vulkan-target-env=vulkan1.1,max-shared-memory=32768,"
                         "max-workgroup-invocations=256,"
                         "max-workgroup-size=256x256x64"],
}

# Backends not run for a model, with the reason.
SKIPS = {
}


def run(cmd, log):
    p = subprocess.run(cmd, capture_output=True, text=True)
    log.append(" ".join(cmd))
    if p.returncode != 0:
        log.append(p.stderr.strip()[-2000:])
    return p


def cuda_status(bindir, work):
    """Returns None when a CUDA device is usable, else the reason."""
    if not os.path.exists("/dev/nvidia0"):
        return "no NVIDIA GPU (/dev/nvidia0 absent)"
    p = subprocess.run([os.path.join(bindir, "loom-run"),
                        os.path.join(work, "nonexistent-probe.loom"),
                        "--device=cuda"], capture_output=True, text=True)
    if "--device=cuda:" in p.stderr:
        return "the runtime cannot create a CUDA device: " + \
            p.stderr.strip().splitlines()[-1]
    return None


def compile_and_run(name, backend, args):
    """Compiles examples/NAME.mlir for BACKEND, runs it; returns
    (result array or None, error text, seconds)."""
    start = time.time()
    target = {"cpu": "cpu", "vulkan": "vulkan", "cuda": "cuda"}[backend]
    module = os.path.join(args.work, f"{name}.{backend}.loom")
    outs = [os.path.join(args.work, f"{name}.{backend}.{i}.npy")
            for i in range(len(references(name)))]
    log = []
    p = run([os.path.join(args.bin, "loom-compile"),
             os.path.join(args.examples, f"{name}.mlir"),
             f"--target={target}", "-o", module]
            + COMPILE_FLAGS.get((name, backend), []), log)
    if p.returncode == 0:
        cmd = [os.path.join(args.bin, "loom-run"), module,
               f"--device={backend}"] + [f"--output=@{o}" for o in outs]
        cmd += [f"--input=@{os.path.join(args.examples, 'data', i)}"
                for i in MODELS[name][0]]
        p = run(cmd, log)
    if p.returncode != 0:
        return None, "\n".join(log), time.time() - start
    return [np.load(o) for o in outs], "", time.time() - start


def references(name):
    return OUTPUTS.get(name, [f"{name}_expected.npy"])


def compare(actuals, expecteds, rtol, atol):
    """Compares lists of results; returns (ok, summary of the worst)."""
    results = [compare_one(a, e, rtol, atol)
               for a, e in zip(actuals, expecteds)]
    bad = [r for r in results if not r[0]]
    if len(results) == 1:
        return results[0]
    if bad:
        return False, f"{len(bad)} of {len(results)} results differ; " + \
            bad[0][1]
    return True, f"{len(results)} results, worst " + max(
        (r[1] for r in results), key=lambda t: float(t.split()[2]))


def compare_one(actual, expected, rtol, atol):
    """Returns (ok, summary)."""
    if actual.shape != expected.shape:
        return False, f"shape {list(actual.shape)} != {list(expected.shape)}"
    x, y = actual.astype(np.float64), expected.astype(np.float64)
    err = np.abs(x - y)
    bound = atol + rtol * np.abs(y)
    bad = int((err > bound).sum()) + int((np.isnan(x) != np.isnan(y)).sum())
    rel = (err / np.maximum(np.abs(y), 1e-30)).max()
    text = f"max abs {err.max():.2e} max rel {rel:.2e}"
    if bad:
        i = np.unravel_index(np.argmax(err - bound), err.shape)
        text += (f", {bad} of {err.size} outside, worst at "
                 f"{tuple(int(k) for k in i)}: {x[i]:.6g} vs {y[i]:.6g}")
    return bad == 0, text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--vulkan", action="store_true",
                    help="a Vulkan device is available (lit feature vulkan)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--models", default="",
                    help="comma-separated subset (default: all)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    failures = 0

    # Every example with a reference must have a stated tolerance.
    # (<name>_expected.npy, or <name>_expected_<result>.npy for several.)
    found = sorted({os.path.basename(p).rsplit("_expected", 1)[0] for p in
                    glob.glob(os.path.join(args.examples, "data",
                                           "*_expected*.npy"))
                    if os.path.exists(os.path.join(
                        args.examples,
                        os.path.basename(p).rsplit("_expected", 1)[0] +
                        ".mlir"))})
    for name in found:
        if name not in MODELS:
            print(f"FAIL {name}: has a reference but no entry (inputs, "
                  f"tolerance) in test/numerics/backends.py")
            failures += 1
    names = [n for n in MODELS if n in found]
    if args.models:
        names = [n for n in names if n in args.models.split(",")]

    backends = ["cpu"]
    if args.vulkan:
        backends.append("vulkan")
    else:
        print("skipped backend vulkan: no Vulkan device (lit feature "
              "'vulkan' absent)")
    reason = cuda_status(args.bin, args.work)
    if reason:
        print(f"skipped backend cuda: {reason}")
    else:
        backends.append("cuda")

    print("known exceptions (run; expected to disagree):")
    for (m, b), why in sorted(KNOWN_EXCEPTIONS.items()):
        print(f"  {m} on {b}: {why}")
    for (m, b), why in sorted(SKIPS.items()):
        if b in backends:
            print(f"skipped {m} on {b}: {why}")

    jobs = [(n, b) for n in names for b in backends
            if (n, b) not in SKIPS]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {job: pool.submit(compile_and_run, *job, args)
                   for job in jobs}
        results = {job: f.result() for job, f in futures.items()}

    for name in names:
        inputs, rtol, atol, why = MODELS[name]
        ref = [np.load(os.path.join(args.examples, "data", r))
               for r in references(name)]
        tol = f"rtol {rtol:g} atol {atol:g}"
        ran = [b for b in backends if (name, b) in results]
        for i, b in enumerate(ran):
            out, err, secs = results[(name, b)]
            known = KNOWN_EXCEPTIONS.get((name, b))
            if out is None:
                ok, text = False, "compile/run failed"
            else:
                ok, text = compare(out, ref, rtol, atol)
            if known:
                status = "XPASS (remove it from KNOWN_EXCEPTIONS)" if ok \
                    else "XFAIL (known)"
                failures += ok
            else:
                status = "ok" if ok else "FAIL"
                failures += not ok
            print(f"{name} {b} vs reference: {status}: {text} ({tol}; "
                  f"{secs:.1f} s)")
            if not ok and not known and err:
                print("    " + err.replace("\n", "\n    "))
            elif not ok and err:
                print("    " + next((l for l in err.splitlines() if "error" in l),
                                  err.strip().splitlines()[-1])[:200])
            # Against each backend before it (known exceptions left out).
            for a in ran[:i]:
                if (name, a) in KNOWN_EXCEPTIONS or known:
                    continue
                xa = results[(name, a)][0]
                if xa is None or out is None:
                    continue
                ok, text = compare(out, xa, rtol, atol)
                failures += not ok
                print(f"{name} {b} vs {a}: {'ok' if ok else 'FAIL'}: {text} "
                      f"({tol})")
    print("OK" if failures == 0 else f"{failures} FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
