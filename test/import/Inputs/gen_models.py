#!/usr/bin/python3
"""Writes the small ONNX models of the import tests (test/import/*.test).

Run with Debian's python3-onnx from this directory:
    /usr/bin/python3 gen_models.py
The .onnx files are checked in; rerun after changing this script.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def init(name, array):
    return numpy_helper.from_array(array, name)


def save(graph, name, opset=17, ir_version=8, check=True):
    model = helper.make_model(graph, producer_name="loom-tests",
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = ir_version
    if check:
        onnx.checker.check_model(model)
    onnx.save(model, name)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


F = TensorProto.FLOAT

# An MLP: Gemm (transB) + Relu, MatMul + Add, Softmax.
save(helper.make_graph(
    [helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1", transB=1),
     helper.make_node("Relu", ["h"], ["r"], name="relu1"),
     helper.make_node("MatMul", ["r", "w2"], ["m"], name="fc2"),
     helper.make_node("Add", ["m", "b2"], ["logits"], name="bias2"),
     helper.make_node("Softmax", ["logits"], ["y"], name="softmax", axis=-1)],
    "mlp", [vi("x", F, [2, 4])], [vi("y", F, [2, 3])],
    [init("w1", f32(8, 4)), init("b1", f32(8)), init("w2", f32(8, 3)),
     init("b2", f32(3))]), "mlp.onnx")

# A shape computation that must be folded at import time.
save(helper.make_graph(
    [helper.make_node("Shape", ["x"], ["s"], name="shape"),
     helper.make_node("Gather", ["s", "zero"], ["n"], name="batch", axis=0),
     helper.make_node("Unsqueeze", ["n", "zero1"], ["n1"], name="unsq"),
     helper.make_node("Concat", ["n1", "minus1"], ["target"], name="cat",
                      axis=0),
     helper.make_node("Reshape", ["x", "target"], ["y"], name="flatten")],
    "shapes", [vi("x", F, [2, 3, 4])], [vi("y", F, [2, 12])],
    [init("zero", np.array(0, np.int64)), init("zero1", np.array([0], np.int64)),
     init("minus1", np.array([-1], np.int64))]), "shape_chain.onnx")

# Convolutions and pooling: SAME padding, folded batch norm, dilated max
# pooling (N-D op), 1-D and grouped 3-D convolution, global pooling.
save(helper.make_graph(
    [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv",
                      auto_pad="SAME_UPPER", strides=[2, 2]),
     helper.make_node("BatchNormalization", ["c", "g", "beta", "mu", "var"],
                      ["n"], name="bn", epsilon=1e-3),
     helper.make_node("MaxPool", ["n"], ["p"], name="pool", kernel_shape=[2, 2],
                      dilations=[2, 2], pads=[1, 1, 1, 1]),
     helper.make_node("GlobalAveragePool", ["p"], ["y"], name="gap"),
     helper.make_node("Conv", ["x1", "w1"], ["y1"], name="conv1d",
                      pads=[1, 1]),
     helper.make_node("Conv", ["x3", "w3"], ["y3"], name="conv3d", group=2)],
    "conv", [vi("x", F, [1, 3, 8, 8]), vi("x1", F, [1, 2, 10]),
             vi("x3", F, [1, 4, 5, 5, 5])],
    [vi("y", F, [1, 4, 1, 1]), vi("y1", F, [1, 3, 10]),
     vi("y3", F, [1, 2, 3, 3, 3])],
    [init("w", f32(4, 3, 3, 3)), init("b", f32(4)), init("g", f32(4)),
     init("beta", f32(4)), init("mu", f32(4)),
     init("var", np.abs(f32(4)) + 0.5), init("w1", f32(3, 2, 3)),
     init("w3", f32(2, 2, 3, 3, 3))]), "conv.onnx")

# Einsum (explicit and implicit output, ellipsis) and ConvTranspose.
save(helper.make_graph(
    [helper.make_node("Einsum", ["a", "b"], ["ab"], name="bmm",
                      equation="bij,bjk->bik"),
     helper.make_node("Einsum", ["t"], ["tt"], name="swap",
                      equation="...ij->...ji"),
     helper.make_node("Einsum", ["u", "v"], ["uv"], name="outer",
                      equation="i,j"),
     helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up",
                      strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])],
    "contract", [vi("a", F, [2, 3, 4]), vi("b", F, [2, 4, 5]),
                 vi("t", F, [2, 3, 4]), vi("u", F, [3]), vi("v", F, [4]),
                 vi("x", F, [1, 2, 3, 3])],
    [vi("ab", F, [2, 3, 5]), vi("tt", F, [2, 4, 3]), vi("uv", F, [3, 4]),
     vi("y", F, [1, 1, 6, 6])],
    [init("w", f32(2, 1, 3, 3))]), "contract.onnx")

# An opset-9 model: Slice takes starts/ends as attributes there; the
# version converter turns them into inputs.
save(helper.make_graph(
    [helper.make_node("Slice", ["x"], ["y"], name="crop", starts=[1, 0],
                      ends=[3, 2], axes=[0, 1])],
    "old", [vi("x", F, [4, 4])], [vi("y", F, [2, 2])]), "opset9.onnx",
    opset=9, ir_version=4)

# A large weight (kept out of the IR text as a dense resource).
save(helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["y"], name="proj")],
    "large", [vi("x", F, [1, 64])], [vi("y", F, [1, 64])],
    [init("w", f32(64, 64))]), "large_weight.onnx")

# The same weight stored as external data next to the model (onnx.save
# appends to an existing data file: start afresh).
if os.path.exists("external_weight.data"):
    os.remove("external_weight.data")
model = helper.make_model(helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["y"], name="proj")],
    "external", [vi("x", F, [1, 64])], [vi("y", F, [1, 64])],
    [init("w", np.arange(64 * 64, dtype=np.float32).reshape(64, 64))]),
    producer_name="loom-tests", opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.save(model, "external_weight.onnx", save_as_external_data=True,
          all_tensors_to_one_file=True, location="external_weight.data",
          size_threshold=1024)

# Errors.
save(helper.make_graph(
    [helper.make_node("NonZero", ["x"], ["nz"], name="find"),
     helper.make_node("Unique", ["x"], ["u"], name="dedup"),
     helper.make_node("Dropout", ["img", "ratio", "train"], ["d"],
                      name="drop"),
     helper.make_node("Relu", ["d"], ["r"], name="after_drop"),
     helper.make_node("ReduceMean", ["counts"], ["avg"], name="average"),
     helper.make_node("Relu", ["img"], ["fine"], name="fine")],
    "unsupported", [vi("x", F, [6]), vi("img", F, [1, 1, 4, 4]),
                    vi("counts", TensorProto.INT32, [3])],
    [vi("nz", TensorProto.INT64, [1, "n"]), vi("u", F, ["m"]),
     vi("r", F, [1, 1, 4, 4]), vi("avg", TensorProto.INT32, [1]),
     vi("fine", F, [1, 1, 4, 4])],
    [init("ratio", np.array(0.5, np.float32)),
     init("train", np.array(True))]),
    "unsupported.onnx")

save(helper.make_graph(
    [helper.make_node("Relu", ["x"], ["y"], name="act")],
    "dynamic", [vi("x", F, ["N", 4])], [vi("y", F, ["N", 4])]),
    "dynamic.onnx")

# An operator that does not take dynamic dimensions yet (e2e/dynamic-batch).
save(helper.make_graph(
    [helper.make_node("Shape", ["x"], ["y"], name="size")],
    "dyn_shape", [vi("x", F, ["N", 4])], [vi("y", TensorProto.INT64, [2])]),
    "dynamic_shape_of.onnx")

# The head split PyTorch exports for a dynamic batch: the target shape of a
# Reshape computed from Shape at run time (Gather, Mul, Unsqueeze, Concat),
# then a Reshape with -1 and a Slice that keeps the dynamic dimension whole.
save(helper.make_graph(
    [helper.make_node("Shape", ["x"], ["s"], name="shape"),
     helper.make_node("Gather", ["s", "zero"], ["n"], name="n", axis=0),
     helper.make_node("Mul", ["n", "two"], ["n2"], name="n2"),
     helper.make_node("Unsqueeze", ["n2", "axis0"], ["n2v"], name="n2v"),
     helper.make_node("Concat", ["n2v", "three"], ["spec"], name="spec",
                      axis=0),
     helper.make_node("Reshape", ["x", "spec"], ["y"], name="split"),
     helper.make_node("Reshape", ["x", "flat"], ["z"], name="flatten"),
     helper.make_node("Slice", ["x", "s0", "s1", "s2"], ["w"], name="cols"),
     helper.make_node("Range", ["zero", "n", "one"], ["p"], name="positions")],
    "dyn_reshape", [vi("x", F, ["N", 6])],
    [vi("y", F, ["M", 3]), vi("z", F, ["K"]), vi("w", F, ["N", 3]),
     vi("p", TensorProto.INT64, ["N"])],
    [init("zero", np.array(0, np.int64)), init("two", np.array(2, np.int64)),
     init("axis0", np.array([0], np.int64)),
     init("three", np.array([3], np.int64)),
     init("flat", np.array([-1], np.int64)),
     init("s0", np.array([2], np.int64)), init("s1", np.array([5], np.int64)),
     init("s2", np.array([1], np.int64)), init("one", np.array(1, np.int64))]),
    "dynamic_reshape.onnx")

# A size computed at run time given to an operator that cannot take one,
# and a slice of the dynamic dimension itself.
save(helper.make_graph(
    [helper.make_node("Shape", ["x"], ["s"], name="shape"),
     helper.make_node("Gather", ["s", "zero"], ["n"], name="n", axis=0),
     helper.make_node("Unsqueeze", ["n", "axis0"], ["nv"], name="nv"),
     helper.make_node("Concat", ["one1", "nv"], ["reps"], name="reps", axis=0),
     helper.make_node("Tile", ["x", "reps"], ["y"], name="tiles"),
     helper.make_node("Slice", ["x", "s0", "s1", "s0"], ["w"], name="rows")],
    "dyn_not_yet", [vi("x", F, ["N", 4])],
    [vi("y", F, ["N", "M"]), vi("w", F, [2, 4])],
    [init("s0", np.array([0], np.int64)), init("s1", np.array([2], np.int64)),
     init("zero", np.array(0, np.int64)), init("axis0", np.array([0], np.int64)),
     init("one1", np.array([1], np.int64))]),
    "dynamic_not_yet.onnx")

save(helper.make_graph(
    [helper.make_node("Add", ["x", "x"], ["y"], name="twice")],
    "bytes", [vi("x", TensorProto.UINT8, [4])],
    [vi("y", TensorProto.UINT8, [4])]), "uint8.onnx")

save(helper.make_graph(
    [helper.make_node("Relu", ["x"], ["y"], name="act")],
    "empty", [vi("x", F, [0, 4])], [vi("y", F, [0, 4])]), "empty.onnx")

# Fails the checker: a node reads a value nothing defines.
save(helper.make_graph(
    [helper.make_node("Add", ["x", "ghost"], ["y"], name="haunted")],
    "broken", [vi("x", F, [2])], [vi("y", F, [2])]), "checker.onnx",
    check=False)

save(helper.make_graph(
    [helper.make_node("Relu", ["x"], ["y"], name="act")],
    "future", [vi("x", F, [2])], [vi("y", F, [2])]), "opset18.onnx",
    opset=18, check=False)

with open("not-onnx.onnx", "w") as f:
    f.write("hello, I am not a model\n")
