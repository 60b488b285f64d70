#!/usr/bin/python3
"""Writes a tensor network for the sliced-contraction tests (Debian's
python3 + numpy): MODEL.mlir (one loom.contract), its inputs in0.npy ...
and the numpy reference expected.npy, in OUT_DIR.

  sliced_network.py CASE OUT_DIR

Cases:
  ring    a ring of 6 order-3 cores (bond 8, physical 4) and a matrix
          closing two physical legs: the memory limit slices summed bonds
  rows    a chain whose output rows are sliced (the slices are written side
          by side) and a summed bond too, the output index order not the
          accumulator's (a transpose after the loop)
  diag    an input holding a sliced index twice (a diagonal)
  deep    a rank-16 tensor with every dimension 2, contracted over four
          of its dimensions that are not adjacent, the output's dimensions
          reversed: transposes of high rank (deep loop nests, coalesced)
"""
import os
import sys

import numpy as np

CASES = {
    "ring": ("abx,bcy,cdz,dew,efv,fau,xy->zwvu",
             {"a": 8, "b": 8, "c": 8, "d": 8, "e": 8, "f": 8,
              "x": 4, "y": 4, "z": 4, "w": 4, "v": 4, "u": 4}),
    "rows": ("ia,abj,bck,cl->lkji",
             {"i": 12, "a": 16, "b": 16, "c": 16, "j": 3, "k": 5, "l": 7}),
    "long": ("abx,bcy,cdz,dew,efv,fau,xy->zwvu",
             {"a": 256, "b": 256, "c": 256, "d": 256, "e": 256, "f": 256,
              "x": 4, "y": 4, "z": 4, "w": 4, "v": 4, "u": 4}),
    "diag": ("aab,bc,cd,da->",
             {"a": 16, "b": 24, "c": 24, "d": 24}),
    "deep": ("abcdefghijklmnop,aceg->ponmlkjihfdb",
             {c: 2 for c in "abcdefghijklmnopqrstuvwxyz"}),
}


def main():
    case, out = sys.argv[1], sys.argv[2]
    spec, sizes = CASES[case]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    terms, result = spec.split("->")
    inputs = []
    for t, term in enumerate(terms.split(",")):
        x = rng.uniform(-1, 1, [sizes[c] for c in term]).astype(np.float32)
        np.save(os.path.join(out, f"in{t}.npy"), x)
        inputs.append(x)
    if case == "long":
        expected = np.zeros([sizes[c] for c in result])
    else:
        expected = np.einsum(spec, *[x.astype(np.float64) for x in inputs],
                             optimize=True)
    np.save(os.path.join(out, "expected.npy"),
            np.asarray(expected, dtype=np.float32))

    def ty(shape):
        return "tensor<" + "".join(f"{d}x" for d in shape) + "f32>"

    args = ", ".join(f"%x{t}: {ty(x.shape)}" for t, x in enumerate(inputs))
    names = ", ".join(f"%x{t}" for t in range(len(inputs)))
    types = ", ".join(ty(x.shape) for x in inputs)
    rty = ty([sizes[c] for c in result])
    with open(os.path.join(out, "model.mlir"), "w") as f:
        f.write(f"func.func @main({args}) -> {rty} {{\n"
                f"  %r = loom.contract \"{spec}\" {names} : ({types}) -> {rty}\n"
                f"  return %r : {rty}\n}}\n")


if __name__ == "__main__":
    main()
