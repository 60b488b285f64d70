#!/usr/bin/python3
"""Writes the recurrent.test models (Debian's python3-onnx + numpy): ONNX
GRU / LSTM / RNN nodes in the directions and options the ONNX backend
suite does not cover, with their inputs and expected outputs from ONNX's
own numpy references (onnx.backend.test.case.node.*_Helper, which run one
forward direction: a reverse direction runs them on the reversed sequence,
sequence_lens on each batch element's prefix).

    /usr/bin/python3 gen_recurrent.py     # in test/import/Inputs/
"""
import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx.backend.test.case.node.gru import GRU_Helper
from onnx.backend.test.case.node.lstm import LSTM_Helper
from onnx.backend.test.case.node.rnn import RNN_Helper

SEQ, BATCH, INPUT, HIDDEN = 5, 3, 4, 6
HELPERS = dict(GRU=(GRU_Helper, 3), LSTM=(LSTM_Helper, 4), RNN=(RNN_Helper, 1))


def one_direction(op, x, w, r, b, reverse, **extra):
    """Y (seq, batch, hidden) and Y_h (batch, hidden) of one direction."""
    cls = HELPERS[op][0]
    xs = x[::-1] if reverse else x
    y, yh = cls(X=xs, W=w[None], R=r[None], B=b[None], **extra).step()
    y = y[:, 0]
    return (y[::-1] if reverse else y), yh[0]


def make(name, op, direction, seq_lens=None, **attrs):
    rng = np.random.default_rng(sum(map(ord, name)))
    gates = HELPERS[op][1]
    dirs = 2 if direction == "bidirectional" else 1
    f32 = np.float32
    x = rng.standard_normal((SEQ, BATCH, INPUT)).astype(f32)
    w = (0.5 * rng.standard_normal((dirs, gates * HIDDEN, INPUT))).astype(f32)
    r = (0.5 * rng.standard_normal((dirs, gates * HIDDEN, HIDDEN))).astype(f32)
    b = (0.2 * rng.standard_normal((dirs, 2 * gates * HIDDEN))).astype(f32)
    ys, yhs = [], []
    for d in range(dirs):
        rev = direction == "reverse" or d == 1
        y = np.zeros((SEQ, BATCH, HIDDEN), f32)
        yh = np.zeros((BATCH, HIDDEN), f32)
        lens = seq_lens if seq_lens is not None else [SEQ] * BATCH
        for k in range(BATCH):  # batch elements are independent
            yk, yhk = one_direction(op, x[:lens[k], k:k + 1], w[d], r[d], b[d],
                                    rev, **attrs)
            y[:lens[k], k], yh[k] = yk[:, 0], yhk[0]
        ys.append(y)
        yhs.append(yh)
    expected_y = np.stack(ys, 1)  # seq, dirs, batch, hidden
    expected_h = np.stack(yhs, 0)
    inputs = ["x", "w", "r", "b"] + (["seq_lens"] if seq_lens is not None else [])
    node = helper.make_node(op, inputs, ["y", "y_h"], hidden_size=HIDDEN,
                            direction=direction, **attrs)
    inits = [helper.make_tensor(n, TensorProto.FLOAT, v.shape, v.flatten())
             for n, v in (("w", w), ("r", r), ("b", b))]
    if seq_lens is not None:
        inits.append(helper.make_tensor("seq_lens", TensorProto.INT32,
                                        [BATCH], seq_lens))
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, expected_y.shape),
         helper.make_tensor_value_info("y_h", TensorProto.FLOAT, expected_h.shape)],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    onnx.save(model, f"{name}.onnx")
    np.save(f"{name}_x.npy", x)
    np.save(f"{name}_y.npy", expected_y.astype(f32))
    np.save(f"{name}_y_h.npy", expected_h.astype(f32))


def main():
    make("gru_bidirectional", "GRU", "bidirectional")  # linear_before_reset 0
    make("gru_reverse_lbr", "GRU", "reverse", linear_before_reset=1)
    make("lstm_bidirectional", "LSTM", "bidirectional")
    make("rnn_seq_lens", "RNN", "forward", seq_lens=[5, 2, 4])
    make("lstm_seq_lens", "LSTM", "forward", seq_lens=[3, 5, 1])


if __name__ == "__main__":
    main()
