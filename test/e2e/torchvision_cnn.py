"""End-to-end check of torchvision CNNs: export MODEL (random weights, no
downloads) to ONNX at batch BATCH and SIZE x SIZE, run it with loom-run
(compiled in memory for the host) and compare with PyTorch's output in
float64. ATOL is relative to the output's largest magnitude (random
weights make MobileNetV2's logits about 1e-9, ResNet's about 1): an
element fails when |got - expected| > ATOL * max|expected| + RTOL *
|expected|. Prints "OK <largest error / max|expected|>" or the mismatch.

Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision,
python3-onnx).
Usage: torchvision_cnn.py LOOM_RUN WORKDIR MODEL BATCH SIZE RTOL ATOL"""
import os
import subprocess
import sys

import numpy as np
import torch
import torchvision.models as tvm

loom_run, work, name = sys.argv[1], sys.argv[2], sys.argv[3]
batch, size = int(sys.argv[4]), int(sys.argv[5])
rtol, atol = float(sys.argv[6]), float(sys.argv[7])
os.makedirs(work, exist_ok=True)
torch.manual_seed(0)
model = getattr(tvm, name)().eval()
x = np.random.default_rng(3).standard_normal(
    (batch, 3, size, size)).astype(np.float32)
onnx_path = os.path.join(work, f"{name}-b{batch}.onnx")
with torch.no_grad():
    torch.onnx.export(model, (torch.from_numpy(x),), onnx_path,
                      opset_version=13, input_names=["x"])
    expected = model.double()(torch.from_numpy(x).double()).numpy()
x_path = os.path.join(work, f"{name}-b{batch}-x.npy")
y_path = os.path.join(work, f"{name}-b{batch}-y.npy")
np.save(x_path, x)
subprocess.run([loom_run, onnx_path, f"--input=@{x_path}",
                f"--output=@{y_path}"], check=True)
got = np.load(y_path)
if got.shape != expected.shape:
    sys.exit(f"MISMATCH: shape {got.shape}, expected {expected.shape}")
err = np.abs(got - expected)
scale = float(np.abs(expected).max())
if not scale > 0:
    sys.exit("MISMATCH: the reference output is all zeros")
bad = err > atol * scale + rtol * np.abs(expected)
if bad.any():
    i = np.unravel_index(np.argmax(err), err.shape)
    sys.exit(f"MISMATCH: {bad.sum()} elements, worst at {i}: got {got[i]}, "
             f"expected {expected[i]}")
print(f"OK {err.max() / scale:.2e}")
