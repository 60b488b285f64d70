#!/usr/bin/python3
"""Matmuls by constant weights (which the CPU compiler stores as column
panels: passes/codegen/CpuPackWeights.cpp) against numpy (Debian's python3 +
numpy): matrix-vector and matrix products with a bias and relu epilogue, a
weight shared by two layers, a weight that is also read as data, a K that no
cache tile divides, widths that are not packed (N = 128, N = 200), and
products of two run-time operands (B packed by a kernel from 512 rows
and K = 256).

  packed_weights.py --bin BUILD/bin --work DIR

Prints one line per case ("... ok" or the error) and exits non-zero on a
failure.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

F32 = np.float32


def tensor(shape):
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


def constant(name, value):
    hexdata = value.astype("<f4").tobytes().hex().upper()
    return f'    %{name} = loom.constant dense<"0x{hexdata}"> : {tensor(value.shape)}\n'


def layer(out, x, w, b, xs, ws, relu=True):
    """out = relu(x w + b), as loom ops; returns the text."""
    ys = (xs[0], ws[1])
    text = (f"    %{out}_mm = loom.matmul %{x}, %{w} : ({tensor(xs)}, "
            f"{tensor(ws)}) -> {tensor(ys)}\n"
            f"    %{out}_b = loom.add %{out}_mm, %{b} : ({tensor(ys)}, "
            f"{tensor(ys[1:])}) -> {tensor(ys)}\n")
    if relu:
        text += f"    %{out} = loom.relu %{out}_b : {tensor(ys)}\n"
    else:
        text = text.replace(f"%{out}_b =", f"%{out} =")
    return text


def run(bin_dir, work, name, text, inputs, threads, results=1):
    src = os.path.join(work, name + ".mlir")
    with open(src, "w") as f:
        f.write(text)
    module = os.path.join(work, name + ".loom")
    subprocess.run([os.path.join(bin_dir, "loom-compile"), src, "-o", module],
                   check=True)
    per_thread = []
    for t in threads:
        args = [os.path.join(bin_dir, "loom-run"), module, f"--threads={t}"]
        for i, a in enumerate(inputs):
            p = os.path.join(work, f"{name}_in{i}.npy")
            np.save(p, a)
            args.append(f"--input=@{p}")
        outs = []
        for i in range(results):
            outs.append(os.path.join(work, f"{name}_out{i}_{t}.npy"))
            args.append(f"--output=@{outs[-1]}")
        subprocess.run(args, check=True)
        per_thread.append([np.load(o) for o in outs])
    return per_thread


def relu(v):
    return np.maximum(v, 0)


def check(name, got_per_thread, want, scales):
    """Errors relative to the sum of the magnitudes of each result's terms
    (|x| |W| + |b|): what float32 rounding is proportional to."""
    worst = 0.0
    for got in got_per_thread:
        for g, w, scale in zip(got, want, scales):
            if g.shape != w.shape:
                print(f"{name}: shape {g.shape}, expected {w.shape}")
                return False
            err = np.abs(g.astype(np.float64) - w) / scale
            worst = max(worst, float(err.max()))
    ok = worst <= 1e-5
    print(f"{name}: max rel error {worst:.1e} {'ok' if ok else 'FAILED'}")
    return ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--work", required=True)
    a = p.parse_args()
    rng = np.random.default_rng(7)
    ok = True
    threads = [1, 2]

    # One layer per (M, K, N): packed when N is a multiple of 128 >= 256.
    for m, k, n in [(1, 512, 384), (40, 300, 256), (64, 256, 1024),
                    (3, 256, 128), (8, 64, 200)]:
        x = rng.standard_normal((m, k)).astype(F32)
        w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(F32)
        b = rng.standard_normal(n).astype(F32)
        text = (f"func.func @main(%x: {tensor((m, k))}) -> {tensor((m, n))} {{\n"
                + constant("w", w) + constant("b", b)
                + layer("y", "x", "w", "b", (m, k), (k, n))
                + f"    return %y : {tensor((m, n))}\n}}\n")
        got = run(a.bin, a.work, f"layer_{m}x{k}x{n}", text, [x], threads)
        want = relu(x.astype(np.float64) @ w + b)
        scale = np.abs(x.astype(np.float64)) @ np.abs(w) + np.abs(b)
        ok &= check(f"layer {m}x{k}x{n}", got, [want], [scale])

    # Both operands computed at run time: B is packed by a kernel of its own
    # when the product has at least 512 rows and K is at least 256.
    for m, k, n in [(512, 256, 384), (256, 64, 256)]:
        x = rng.standard_normal((m, k)).astype(F32)
        y = rng.standard_normal((k, n)).astype(F32)
        text = (f"func.func @main(%x: {tensor((m, k))}, %y: {tensor((k, n))})"
                f" -> {tensor((m, n))} {{\n"
                f"    %0 = loom.matmul %x, %y : ({tensor((m, k))}, "
                f"{tensor((k, n))}) -> {tensor((m, n))}\n"
                f"    return %0 : {tensor((m, n))}\n}}\n")
        got = run(a.bin, a.work, f"runtime_{m}x{k}x{n}", text, [x, y], threads)
        want = x.astype(np.float64) @ y
        scale = np.abs(x.astype(np.float64)) @ np.abs(y)
        ok &= check(f"runtime operands {m}x{k}x{n}", got, [want], [scale])

    # A weight shared by two layers, and a weight also returned as data.
    m, d = 8, 256
    x = rng.standard_normal((m, d)).astype(F32)
    w = (rng.standard_normal((d, d)) / np.sqrt(d)).astype(F32)
    b = rng.standard_normal(d).astype(F32)
    ts = tensor((m, d))
    text = (f"func.func @main(%x: {ts}) -> ({ts}, {tensor((d, d))}) {{\n"
            + constant("w", w) + constant("b", b)
            + layer("h", "x", "w", "b", (m, d), (d, d))
            + layer("y", "h", "w", "b", (m, d), (d, d), relu=False)
            + f"    %wr = loom.relu %w : {tensor((d, d))}\n"
            + f"    return %y, %wr : {ts}, {tensor((d, d))}\n}}\n")
    got = run(a.bin, a.work, "shared", text, [x], threads, results=2)
    h = relu(x.astype(np.float64) @ w + b)
    scale1 = np.abs(x.astype(np.float64)) @ np.abs(w) + np.abs(b)
    scale2 = np.abs(h) @ np.abs(w) + np.abs(b) + scale1 @ np.abs(w)
    ok &= check("shared weight, also read as data", got,
                [h @ w + b, relu(w.astype(np.float64))],
                [scale2, np.abs(w) + 1e-30])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
