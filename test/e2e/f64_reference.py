"""Inputs and float64 numpy references for f64-cpu.test (Debian's
/usr/bin/python3 with numpy): writes PREFIX.{x,w,b,softmax,sums}.npy."""
import sys

import numpy as np

prefix = sys.argv[1]
rng = np.random.default_rng(0)
x, w, b = (rng.standard_normal((4, 8)), rng.standard_normal((8, 16)),
           rng.standard_normal(16))
e = np.exp(np.tanh(x @ w + b))
q = np.exp(e - e.max(1, keepdims=True))
for name, value in [("x", x), ("w", w), ("b", b),
                    ("softmax", q / q.sum(1, keepdims=True)),
                    ("sums", e.sum(1))]:
    np.save(f"{prefix}.{name}.npy", value)
