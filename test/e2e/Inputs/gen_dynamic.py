#!/usr/bin/python3
"""Writes dynamic_mlp.onnx (a dynamic batch) and its numpy references.

Debian's python3 with python3-onnx and python3-numpy. Inputs x [batch, 16]
and m [batch, 10] share the symbol 'batch'; outputs:
  y = softmax(relu(x W1^T + b1) W2 + b2 + m)   [batch, 10]
  h = mean over the features of relu(...)      [batch, 1]
  c = mean over the batch of y                 [1, 10]  (a reduction over
                                                         the dynamic size)
References for batch 1, 3, 8 and 64 (float64 numpy, stored as float32).
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
w1 = (rng.standard_normal((32, 16)) * 0.3).astype(np.float32)
b1 = (rng.standard_normal(32) * 0.1).astype(np.float32)
w2 = (rng.standard_normal((32, 10)) * 0.3).astype(np.float32)
b2 = (rng.standard_normal(10) * 0.1).astype(np.float32)

nodes = [
    helper.make_node("Gemm", ["x", "w1", "b1"], ["g"], transB=1, name="fc1"),
    helper.make_node("Relu", ["g"], ["r"], name="act"),
    helper.make_node("MatMul", ["r", "w2"], ["l0"], name="fc2"),
    helper.make_node("Add", ["l0", "b2"], ["l1"], name="bias2"),
    helper.make_node("Add", ["l1", "m"], ["l"], name="mask"),
    helper.make_node("Softmax", ["l"], ["y"], axis=-1, name="softmax"),
    helper.make_node("ReduceMean", ["r"], ["h"], axes=[1], keepdims=1,
                     name="feature_mean"),
    helper.make_node("ReduceMean", ["y"], ["c"], axes=[0], keepdims=1,
                     name="batch_mean"),
]
F = TensorProto.FLOAT
graph = helper.make_graph(
    nodes, "dynamic_mlp",
    [helper.make_tensor_value_info("x", F, ["batch", 16]),
     helper.make_tensor_value_info("m", F, ["batch", 10])],
    [helper.make_tensor_value_info("y", F, ["batch", 10]),
     helper.make_tensor_value_info("h", F, ["batch", 1]),
     helper.make_tensor_value_info("c", F, [1, 10])],
    [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
     numpy_helper.from_array(w2, "w2"), numpy_helper.from_array(b2, "b2")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, "dynamic_mlp.onnx")

for batch in (1, 3, 8, 64):
    x = rng.standard_normal((batch, 16)).astype(np.float32)
    m = (rng.standard_normal((batch, 10)) * 0.5).astype(np.float32)
    r = np.maximum(x.astype(np.float64) @ w1.T.astype(np.float64) + b1, 0)
    l = r @ w2.astype(np.float64) + b2 + m
    e = np.exp(l - l.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    np.save(f"dynamic_x{batch}.npy", x)
    np.save(f"dynamic_m{batch}.npy", m)
    np.save(f"dynamic_y{batch}.npy", y.astype(np.float32))
    np.save(f"dynamic_h{batch}.npy", r.mean(axis=1, keepdims=True).astype(np.float32))
    np.save(f"dynamic_c{batch}.npy", y.mean(axis=0, keepdims=True).astype(np.float32))
