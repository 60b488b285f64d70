#!/usr/bin/python3
"""Writes the ScatterElements models of test/import/scatter-add.test and
their numpy reference outputs.

Run with Debian's python3-onnx from this directory:
    /usr/bin/python3 gen_scatter.py
The files are checked in; rerun after changing this script.

scatter_rows.onnx: data [50, 32] + ScatterElements(axis 0, reduction add)
of updates [300, 32] at indices Expand(Unsqueeze(ids, 1), [300, 32]) (what
PyTorch exports for scatter_add(0, ids.unsqueeze(1).expand(-1, F), msg),
graph networks' message sums); the ids repeat and some are negative
(counted from the end, as ONNX allows).
scatter_elements.onnx: the same with a full [300, 32] index tensor as an
input (every element its own row), which is not a row sum.
scatter_one_row.onnx: the same with indices Expand([[-3]], [300, 32]): one
row id broadcast along the rows too (every update into row 47), also not a
column of row ids.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper

rng = np.random.default_rng(7)
N, F, E = 50, 32, 300


def save(graph, name):
    model = helper.make_model(graph, producer_name="loom-tests",
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, name)


def scatter_model(name, index_nodes, index_inputs, initializer=()):
    """data + ScatterElements(axis 0, reduction add) of updates at `index`,
    made by `index_nodes` from `index_inputs` (graph inputs between data and
    updates) and `initializer`."""
    node = helper.make_node("ScatterElements", ["data", "index", "updates"],
                            ["y"], axis=0, reduction="add")
    graph = helper.make_graph(
        [*index_nodes, node], name,
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, [N, F]),
         *index_inputs,
         helper.make_tensor_value_info("updates", TensorProto.FLOAT, [E, F])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [N, F])],
        initializer=list(initializer))
    save(graph, name + ".onnx")


def expand_shape():
    return helper.make_tensor("shape", TensorProto.INT64, [2], [E, F])


def rows_model():
    axes = helper.make_tensor("axes", TensorProto.INT64, [1], [1])
    scatter_model(
        "scatter_rows",
        [helper.make_node("Unsqueeze", ["ids", "axes"], ["column"]),
         helper.make_node("Expand", ["column", "shape"], ["index"])],
        [helper.make_tensor_value_info("ids", TensorProto.INT64, [E])],
        [expand_shape(), axes])


def elements_model():
    scatter_model(
        "scatter_elements", [],
        [helper.make_tensor_value_info("index", TensorProto.INT64, [E, F])])


def one_row_model():
    row = helper.make_tensor("row", TensorProto.INT64, [1, 1], [-3])
    scatter_model("scatter_one_row",
                  [helper.make_node("Expand", ["row", "shape"], ["index"])],
                  [], [expand_shape(), row])


def main():
    rows_model()
    elements_model()
    one_row_model()
    data = rng.standard_normal((N, F)).astype(np.float32)
    ids = rng.integers(-N, N, E).astype(np.int64)
    updates = rng.standard_normal((E, F)).astype(np.float32)
    index = rng.integers(-N, N, (E, F)).astype(np.int64)
    expected = data.astype(np.float64)
    np.add.at(expected, np.where(ids < 0, ids + N, ids), updates)
    full = data.astype(np.float64)
    np.add.at(full, (np.where(index < 0, index + N, index),
                     np.broadcast_to(np.arange(F), (E, F))), updates)
    one_row = data.astype(np.float64)
    one_row[N - 3] += updates.sum(0)
    for name, array in [("scatter_data", data), ("scatter_ids", ids),
                        ("scatter_updates", updates),
                        ("scatter_index", index),
                        ("scatter_rows_y", expected.astype(np.float32)),
                        ("scatter_elements_y", full.astype(np.float32)),
                        ("scatter_one_row_y", one_row.astype(np.float32))]:
        np.save(name + ".npy", array)


if __name__ == "__main__":
    main()
