#!/usr/bin/python3
"""examples/gru.mlir: a one-layer GRU (hidden 128, input 64) over a
sequence of 32 steps, batch 4, as a loom.scan. PyTorch's gate order r, z, n:
    r = sigmoid(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)
    z = sigmoid(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)
    n = tanh(x W_inᵀ + b_in + r * (h W_hnᵀ + b_hn))
    h' = (1 - z) * n + z * h = n + z * (h - n)
Outputs: every step's h (32x4x128) and the final h. Reference: torch.nn.GRU
with the same weights in float64. Also exported to examples/onnx/gru.onnx
(an ONNX GRU node)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from recurrent import S, build, generate  # noqa: E402


def body():
    return "\n".join(f"    {line}" for line in [
        f"%rs = loom.add %xg0, %hg0 : ({S}, {S}) -> {S}",
        f"%r = loom.sigmoid %rs : {S}",
        f"%zs = loom.add %xg1, %hg1 : ({S}, {S}) -> {S}",
        f"%z = loom.sigmoid %zs : {S}",
        f"%rh = loom.mul %r, %hg2 : ({S}, {S}) -> {S}",
        f"%ns = loom.add %xg2, %rh : ({S}, {S}) -> {S}",
        f"%n = loom.tanh %ns : {S}",
        f"%d = loom.sub %h, %n : ({S}, {S}) -> {S}",
        f"%zd = loom.mul %z, %d : ({S}, {S}) -> {S}",
        f"%h_new = loom.add %n, %zd : ({S}, {S}) -> {S}"])


def main():
    import torch
    params, inputs = build(gates=3, states=1, seed=21)
    generate("gru", "A GRU (hidden 128, input 64, 32 steps, batch 4) as a "
             "loom.scan.", torch.nn.GRU, 3, ["h"], params, inputs, body())


if __name__ == "__main__":
    main()
