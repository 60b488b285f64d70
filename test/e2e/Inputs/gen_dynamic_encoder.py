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

# A classifier over token ids: an embedding (a Gather whose indices have a
# dynamic batch and sequence), one encoder layer, the first token's state
# (a Gather of a constant index along the dynamic sequence) and a linear
# head. Its reference is the traced (training-mode, dropout 0) module, as
# exported.


class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(100, 32)
        layer = torch.nn.TransformerEncoderLayer(
            32, 4, 64, dropout=0.0, activation="gelu", batch_first=True)
        self.encoder = torch.nn.TransformerEncoder(layer, 1,
                                                   enable_nested_tensor=False)
        self.head = torch.nn.Linear(32, 5)

    def forward(self, ids):
        return self.head(self.encoder(self.embed(ids))[:, 0])


classifier = Classifier().train()
torch.onnx.export(classifier, torch.zeros(2, 7, dtype=torch.int64),
                  "dynamic_classifier.onnx", input_names=["ids"],
                  output_names=["y"], opset_version=17,
                  training=torch.onnx.TrainingMode.PRESERVE,
                  dynamic_axes={"ids": {0: "batch", 1: "seq"},
                                "y": {0: "batch"}})
for batch, seq in ((1, 1), (3, 17), (2, 64)):
    ids = rng.integers(0, 100, (batch, seq))
    np.save(f"dynamic_classifier_ids{batch}_{seq}.npy", ids)
    with torch.no_grad():
        np.save(f"dynamic_classifier_y{batch}_{seq}.npy",
                classifier(torch.from_numpy(ids)).numpy())

# The same classifier with a padding mask (src_key_padding_mask, True =
# padding): the export builds the additive attention mask from run-time
# sizes (Reshape to [batch, 1, 1, seq], Expand over the heads,
# ConstantOfShape of a Shape, Where). The second half of each sequence is
# padding.


class MaskedClassifier(Classifier):
    def forward(self, ids, pad):
        states = self.encoder(self.embed(ids), src_key_padding_mask=pad)
        return self.head(states[:, 0])


masked = MaskedClassifier().train()
torch.onnx.export(masked, (torch.zeros(2, 7, dtype=torch.int64),
                           torch.zeros(2, 7, dtype=torch.bool)),
                  "dynamic_classifier_masked.onnx",
                  input_names=["ids", "pad"], output_names=["y"],
                  opset_version=17, training=torch.onnx.TrainingMode.PRESERVE,
                  dynamic_axes={"ids": {0: "batch", 1: "seq"},
                                "pad": {0: "batch", 1: "seq"},
                                "y": {0: "batch"}})
for batch, seq in ((1, 1), (3, 17), (2, 64)):
    ids = rng.integers(0, 100, (batch, seq))
    pad = np.zeros((batch, seq), dtype=bool)
    pad[:, seq // 2 + 1:] = True
    np.save(f"dynamic_classifier_masked_ids{batch}_{seq}.npy", ids)
    np.save(f"dynamic_classifier_masked_pad{batch}_{seq}.npy", pad)
    with torch.no_grad():
        np.save(f"dynamic_classifier_masked_y{batch}_{seq}.npy",
                masked(torch.from_numpy(ids), torch.from_numpy(pad)).numpy())
