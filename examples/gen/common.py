"""Shared bits of the example generators (Debian's /usr/bin/python3 + numpy)."""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.dirname(HERE)
DATA = os.path.join(EXAMPLES, "data")


def write_model(name, text, resources):
    with open(os.path.join(EXAMPLES, name + ".mlir"), "w") as f:
        f.write(text)
        if resources.blobs:
            f.write("\n" + resources.section())


def save(name, **arrays):
    os.makedirs(DATA, exist_ok=True)
    for key, value in arrays.items():
        np.save(os.path.join(DATA, f"{name}_{key}.npy"), value)


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def layer_norm(x, g, b, eps):
    m = x.mean(axis=-1, keepdims=True)
    v = ((x - m) ** 2).mean(axis=-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b


def gelu(x):
    from math import erf, sqrt
    verf = np.vectorize(lambda t: erf(t / sqrt(2.0)))
    return 0.5 * x * (1.0 + verf(x.astype(np.float64)))


def conv2d(x, w, b, stride=1, pad=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    out = np.zeros((n, f, oh, ow), dtype=np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return out + b[None, :, None, None]


def max_pool2(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
