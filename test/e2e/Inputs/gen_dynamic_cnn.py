#!/usr/bin/python3
"""Writes dynamic_cnn.onnx, a small CNN exported from PyTorch with a dynamic
batch, and PyTorch's results at batch 1, 3 and 8 (Debian's python3 with
python3-torch, python3-onnx and python3-numpy).

conv 3x3 + batch norm + ReLU, max pool, depthwise conv + ReLU6, 1x1 conv,
average pool, global average pool, flatten, linear: the layers of a
ResNet or a MobileNet, on 3 x 16 x 16 images."""
import numpy as np
import torch

torch.manual_seed(3)
model = torch.nn.Sequential(
    torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8),
    torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(8, 8, 3, padding=1, groups=8), torch.nn.ReLU6(),
    torch.nn.Conv2d(8, 16, 1), torch.nn.AvgPool2d(2),
    torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
    torch.nn.Linear(16, 10))
with torch.no_grad():
    model[1].running_mean.uniform_(-0.5, 0.5)
    model[1].running_var.uniform_(0.5, 2.0)
model.eval()
torch.onnx.export(model, torch.zeros(2, 3, 16, 16), "dynamic_cnn.onnx",
                  input_names=["x"], output_names=["y"], opset_version=13,
                  dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
rng = np.random.default_rng(5)
for batch in (1, 3, 8):
    x = rng.standard_normal((batch, 3, 16, 16)).astype(np.float32)
    np.save(f"dynamic_cnn_x{batch}.npy", x)
    with torch.no_grad():
        np.save(f"dynamic_cnn_y{batch}.npy", model(torch.from_numpy(x)).numpy())
