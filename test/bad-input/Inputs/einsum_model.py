"""Writes a one-node ONNX model: Einsum(x0: 2x3, x1: 3x4) with the given
equation, output y of the given declared shape (unknown dims if none).
Run with Debian's /usr/bin/python3 (python3-onnx).
Usage: einsum_model.py OUT.onnx EQUATION [DIM...]"""
import sys

import onnx
from onnx import TensorProto, helper

out_path, equation = sys.argv[1], sys.argv[2]
dims = [int(d) for d in sys.argv[3:]] or ["p", "q"]
inputs = [helper.make_tensor_value_info("x0", TensorProto.FLOAT, [2, 3]),
          helper.make_tensor_value_info("x1", TensorProto.FLOAT, [3, 4])]
node = helper.make_node("Einsum", ["x0", "x1"], ["y"], equation=equation,
                        name="ein")
graph = helper.make_graph(
    [node], "einsum", inputs,
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, dims)])
model = helper.make_model(graph,
                          opset_imports=[helper.make_opsetid("", 17)])
onnx.checker.check_model(model)
onnx.save(model, out_path)
