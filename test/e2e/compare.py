#!/usr/bin/python3
"""Compares a result .npy with a reference .npy (Debian's python3 + numpy).

  compare.py ACTUAL.npy EXPECTED.npy [--rtol R] [--atol A]

Passes when |actual - expected| <= atol + rtol * |expected| everywhere (the
numpy.allclose rule) and shapes and dtypes agree. Prints the worst errors.
"""
import argparse
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("actual")
    p.add_argument("expected")
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--atol", type=float, default=1e-5)
    a = p.parse_args()
    actual, expected = np.load(a.actual), np.load(a.expected)
    if actual.shape != expected.shape or actual.dtype != expected.dtype:
        print(f"MISMATCH: got {actual.dtype}{list(actual.shape)}, "
              f"expected {expected.dtype}{list(expected.shape)}")
        return 1
    x, y = actual.astype(np.float64), expected.astype(np.float64)
    err = np.abs(x - y)
    bound = a.atol + a.rtol * np.abs(y)
    bad = err > bound
    print(f"max abs error {err.max():.3e}, max rel error "
          f"{(err / np.maximum(np.abs(y), 1e-30)).max():.3e}, "
          f"{int(bad.sum())} of {err.size} outside rtol={a.rtol} atol={a.atol}")
    if bad.any() or np.isnan(x).any() != np.isnan(y).any():
        i = np.unravel_index(np.argmax(err - bound), err.shape)
        print(f"MISMATCH at {tuple(int(k) for k in i)}: got {x[i]}, expected {y[i]}")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
