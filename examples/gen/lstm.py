#!/usr/bin/python3
"""examples/lstm.mlir: a one-layer LSTM (hidden 128, input 64) over a
sequence of 32 steps, batch 4, as a loom.scan carrying h and c. PyTorch's
gate order i, f, g, o (each x W_kᵀ + b_ik + h W_hkᵀ + b_hk):
    i, f, o = sigmoid(.), g = tanh(.)
    c' = f * c + i * g,  h' = o * tanh(c')
Outputs: every step's h (32x4x128), the final h and the final c.
Reference: torch.nn.LSTM with the same weights in float64. Also exported
to examples/onnx/lstm.onnx (an ONNX LSTM node)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from recurrent import S, build, generate  # noqa: E402


def body():
    lines = []
    for k, (gate, act) in enumerate([("i", "sigmoid"), ("f", "sigmoid"),
                                     ("g", "tanh"), ("o", "sigmoid")]):
        lines += [f"%{gate}s = loom.add %xg{k}, %hg{k} : ({S}, {S}) -> {S}",
                  f"%{gate} = loom.{act} %{gate}s : {S}"]
    lines += [f"%fc = loom.mul %f, %c : ({S}, {S}) -> {S}",
              f"%ig = loom.mul %i, %g : ({S}, {S}) -> {S}",
              f"%c_new = loom.add %fc, %ig : ({S}, {S}) -> {S}",
              f"%tc = loom.tanh %c_new : {S}",
              f"%h_new = loom.mul %o, %tc : ({S}, {S}) -> {S}"]
    return "\n".join(f"    {line}" for line in lines)


def main():
    import torch
    params, inputs = build(gates=4, states=2, seed=22)
    generate("lstm", "An LSTM (hidden 128, input 64, 32 steps, batch 4) as a "
             "loom.scan carrying h and c.", torch.nn.LSTM, 4, ["h", "c"],
             params, inputs, body())


if __name__ == "__main__":
    main()
