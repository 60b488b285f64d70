#!/usr/bin/python3
"""Exports the ONNX example from PyTorch (Debian's python3-torch) and writes
its reference input and output.

    /usr/bin/python3 export_model.py      # in examples/onnx/

writes small_cnn.onnx, input.npy (2 images, 1x12x12) and expected.npy (the
class probabilities PyTorch computes for them). Run the model with
    build/bin/loom-run examples/onnx/small_cnn.onnx \
        --input=@examples/onnx/input.npy
"""
import numpy as np
import torch
from torch import nn


class SmallCNN(nn.Module):
    """conv-bn-relu-pool, conv-relu, global pooling, then an MLP head with
    layer norm and GELU: the operators exported vision models use."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Sequential(
            nn.Linear(16, 32), nn.LayerNorm(32), nn.GELU(),
            nn.Linear(32, 10), nn.Softmax(dim=-1))

    def forward(self, x):
        return self.head(self.features(x))


def main():
    torch.manual_seed(0)
    model = SmallCNN()
    # Non-trivial batch-norm statistics, as after training.
    with torch.no_grad():
        bn = model.features[1]
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 1.5)
    model.eval()
    x = torch.randn(2, 1, 12, 12)
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, x, "small_cnn.onnx", input_names=["image"],
                      output_names=["probabilities"], opset_version=13)
    np.save("input.npy", x.numpy())
    np.save("expected.npy", y.numpy())
    print("wrote small_cnn.onnx, input.npy, expected.npy")


if __name__ == "__main__":
    main()
