#!/usr/bin/python3
"""Checks the CPU's exp and softmax against numpy (float64) on special
values and on a dense sweep (Debian's python3 + numpy).

  exp_softmax_numerics.py --bin BUILD/bin --work DIR

Prints one line per check ("... ok" or what went wrong) and exits non-zero
on a failure.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

F32 = np.float32


def run(bin_dir, work, name, text, inputs):
    src = os.path.join(work, name + ".mlir")
    with open(src, "w") as f:
        f.write(text)
    args = [os.path.join(bin_dir, "loom-run"), src]
    for i, a in enumerate(inputs):
        p = os.path.join(work, f"{name}_in{i}.npy")
        np.save(p, a)
        args.append(f"--input=@{p}")
    out = os.path.join(work, name + "_out.npy")
    args.append(f"--output=@{out}")
    subprocess.run(args, check=True)
    return np.load(out)


def unary(op, n):
    t = f"tensor<{n}xf32>"
    return (f"func.func @main(%x: {t}) -> {t} {{\n"
            f"  %0 = loom.{op} %x : {t}\n  return %0 : {t}\n}}\n")


def ulps(got, want):
    """|got - want| in units of the last place of float32 at want."""
    want32 = want.astype(F32)
    spacing = np.spacing(np.abs(want32)).astype(np.float64)
    return np.abs(got.astype(np.float64) - want) / spacing


def check_exp(bin_dir, work):
    ok = True
    # Dense sweep over the range where exp is a normal float, plus the
    # inputs of a typical softmax.
    sweep = np.concatenate([
        np.linspace(-86.9, 88.72, 1 << 20, dtype=F32),
        np.random.default_rng(0).standard_normal(1 << 16).astype(F32) * 8,
    ])
    got = run(bin_dir, work, "exp_sweep", unary("exp", sweep.size), [sweep])
    err = ulps(got, np.exp(sweep.astype(np.float64)))
    worst = float(err.max())
    if worst <= 2.0:
        print(f"exp sweep: max error {worst:.2f} ulp ok")
    else:
        i = int(np.argmax(err))
        print(f"exp sweep: FAIL {worst:.2f} ulp at x={sweep[i]!r}: "
              f"{got[i]!r} vs {np.exp(np.float64(sweep[i]))!r}")
        ok = False

    special = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 88.72,
                        88.73, 100.0, 1e30, -87.6, -100.0, -1e30],
                       dtype=F32)
    got = run(bin_dir, work, "exp_special", unary("exp", special.size),
              [special])
    with np.errstate(over="ignore", invalid="ignore"):
        want = np.exp(special.astype(np.float64)).astype(F32)
    # Below about -87 the result is flushed to +0 (as with flush-to-zero).
    want[special < -87.5] = 0.0
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    with np.errstate(over="ignore", invalid="ignore"):
        close = np.isfinite(want) & (want > 0) & (
            ulps(got, np.exp(special.astype(np.float64))) <= 2.0)
    if np.all(same | close):
        print("exp special values (0, +-1, +-inf, nan, overflow, underflow): ok")
    else:
        for x, g, w in zip(special[~(same | close)], got[~(same | close)],
                           want[~(same | close)]):
            print(f"exp special values: FAIL exp({x!r}) = {g!r}, want {w!r}")
        ok = False
    return ok


def check_softmax(bin_dir, work):
    rows, n = 6, 1024
    rng = np.random.default_rng(1)
    x = rng.standard_normal((rows, n)).astype(F32) * 4
    x[1, 17] = np.nan           # a NaN: the whole row is NaN
    x[2, ::3] = -np.inf         # masked entries: exactly 0
    x[3, :] = -np.inf           # all masked: NaN (as numpy and PyTorch)
    x[4, 5] = np.inf            # +inf: NaN
    x[5, :] = 30.0 + rng.standard_normal(n).astype(F32) * 40  # wide range
    t = f"tensor<{rows}x{n}xf32>"
    text = (f"func.func @main(%x: {t}) -> {t} {{\n"
            f"  %0 = loom.softmax %x axis = 1 : {t}\n  return %0 : {t}\n}}\n")
    got = run(bin_dir, work, "softmax", text, [x]).astype(np.float64)
    xd = x.astype(np.float64)
    with np.errstate(invalid="ignore"):
        e = np.exp(xd - xd.max(axis=1, keepdims=True))
        want = e / e.sum(axis=1, keepdims=True)
    nan_same = np.array_equal(np.isnan(got), np.isnan(want))
    finite = ~np.isnan(want)
    err = np.abs(got[finite] - want[finite]) / np.maximum(want[finite], 1e-30)
    zeros_exact = bool(np.all(got[2, ::3] == 0.0))
    close = bool(np.all(np.abs(got[finite] - want[finite])
                        <= 5e-6 * want[finite] + 1e-37))
    if nan_same and zeros_exact and close:
        print(f"softmax with nan, -inf, +inf and wide rows: max rel error "
              f"{err.max():.1e} ok")
        return True
    print(f"softmax: FAIL (NaNs where numpy has them: {nan_same}, masked "
          f"entries exactly 0: {zeros_exact}, within 5e-6: {close}, max rel "
          f"error {err.max():.1e})")
    return False


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--work", required=True)
    a = p.parse_args()
    ok = check_exp(a.bin, a.work)
    ok = check_softmax(a.bin, a.work) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
