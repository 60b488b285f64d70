#!/usr/bin/python3
"""Writes dynamic_encoder.onnx, a PyTorch nn.TransformerEncoder exported with
a dynamic batch and a dynamic sequence length, and PyTorch's results at five
(batch, sequence) pairs (Debian's python3 with python3-torch, python3-onnx
and python3-numpy).

Two layers, d_model 32, 4 heads, feed-forward 64, GELU, batch first. The
export is traced in training mode with dropout 0 (the same function; torch
1.13 cannot export the eval fast path), so the graph holds the Shape ->
Gather -> Mul -> Concat -> Reshape chains that compute the head split from
the run-time sizes."""
import numpy as np
import torch

torch.manual_seed(7)
layer = torch.nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0,
                                         activation="gelu", batch_first=True)
model = torch.nn.TransformerEncoder(layer, 2).train()
torch.onnx.export(model, torch.zeros(2, 5, 32), "dynamic_encoder.onnx",
                  input_names=["x"], output_names=["y"], opset_version=17,
                  dynamic_axes={"x": {0: "batch", 1: "seq"},
                                "y": {0: "batch", 1: "seq"}})
rng = np.random.default_rng(11)
for batch, seq in ((1, 1), (3, 17), (2, 128), (1, 512), (64, 2)):
    x = rng.standard_normal((batch, seq, 32)).astype(np.float32)
    np.save(f"dynamic_encoder_x{batch}_{seq}.npy", x)
    with torch.no_grad():
        np.save(f"dynamic_encoder_y{batch}_{seq}.npy",
                model(torch.from_numpy(x)).numpy())
