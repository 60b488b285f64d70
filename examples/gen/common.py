"""Shared bits of the example generators (Debian's /usr/bin/python3 + numpy)."""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.dirname(HERE)
DATA = os.path.join(EXAMPLES, "data")


def write_model(name, text, resources):
    with open(os.path.join(EXAMPLES, name + ".mlir"), "w") as f:
        f.write(text)
        if resources.blobs:
            f.write("\n" + resources.section())


def save(name, **arrays):
    os.makedirs(DATA, exist_ok=True)
    for key, value in arrays.items():
        np.save(os.path.join(DATA, f"{name}_{key}.npy"), value)


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def layer_norm(x, g, b, eps):
    m = x.mean(axis=-1, keepdims=True)
    v = ((x - m) ** 2).mean(axis=-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b


def gelu(x):
    from math import erf, sqrt
    verf = np.vectorize(lambda t: erf(t / sqrt(2.0)))
    return 0.5 * x * (1.0 + verf(x.astype(np.float64)))


def conv2d(x, w, b, stride=1, pad=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    out = np.zeros((n, f, oh, ow), dtype=np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return out + b[None, :, None, None]


def max_pool2(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


# --- Helpers for the generators whose reference is computed with PyTorch
# (Debian's python3-torch). Each such generator has `build()` returning
# (params, inputs) as float32 numpy arrays and `forward(params, *inputs)`
# computing the model with torch ops in the inputs' dtype, so the same code
# gives the float64 reference and a float32 timing baseline.


def to_torch(arrays, dtype):
    """numpy arrays (dict or sequence) -> torch tensors of `dtype`."""
    import torch
    conv = lambda a: torch.from_numpy(np.asarray(a)).to(dtype)  # noqa: E731
    if isinstance(arrays, dict):
        return {k: conv(v) for k, v in arrays.items()}
    return [conv(a) for a in arrays]


def torch_reference(forward, params, inputs):
    """forward() in float64, the result as a float32 numpy array."""
    import torch
    with torch.no_grad():
        y = forward(to_torch(params, torch.float64),
                    *to_torch(inputs, torch.float64))
    return y.numpy().astype(np.float32)


def constants(res, prefix, params):
    """One `%name = loom.constant` line per parameter, blobs named
    prefix_name."""
    return "\n".join(f"  %{k} = loom.constant {res.add(prefix + '_' + k, v)}"
                     for k, v in params.items())


def linear_line(out, inp, w, b, in_shape, w_shape):
    """`%out = loom.linear %inp, %w, %b` for a weight of w_shape (out, in)."""
    from mlir_writer import tensor_type as T
    out_shape = tuple(in_shape[:-1]) + (w_shape[0],)
    return (f"  %{out} = loom.linear %{inp}, %{w}, %{b} : ({T(in_shape)}, "
            f"{T(w_shape)}, {T(w_shape[:1])}) -> {T(out_shape)}")


def export_onnx(forward, params, inputs, name, input_names, output_names):
    """Exports forward(params, *inputs) as a float32 torch module to
    examples/onnx/NAME.onnx (the TorchScript exporter of Debian's torch,
    opset 17)."""
    import warnings

    import torch

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.p = to_torch(params, torch.float32)

        def forward(self, *xs):
            return forward(self.p, *xs)

    path = os.path.join(EXAMPLES, "onnx", name + ".onnx")
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    torch.onnx.export(Model().eval(), tuple(to_torch(inputs, torch.float32)),
                      path, input_names=input_names,
                      output_names=output_names, opset_version=17)
    return path


def tensor_network_layer(out, x, spec, cores, batch, in_modes, out_modes, bias):
    """Lines for a factorized linear layer y = x W + b whose weight W is the
    network `cores` ({name: shape}): reshape x (batch x prod(in_modes)) to its
    modes, one loom.contract SPEC with the cores, reshape back, add %bias."""
    from mlir_writer import tensor_type as T
    n_in, n_out = int(np.prod(in_modes)), int(np.prod(out_modes))
    xm, ym = T((batch,) + tuple(in_modes)), T((batch,) + tuple(out_modes))
    Y = T((batch, n_out))
    names = ", ".join("%" + c for c in cores)
    types = ", ".join([xm] + [T(s) for s in cores.values()])
    return f"""  %{out}_xm = loom.reshape %{x} : {T((batch, n_in))} -> {xm}
  %{out}_ym = loom.contract "{spec}" %{out}_xm, {names} : ({types}) -> {ym}
  %{out}_y = loom.reshape %{out}_ym : {ym} -> {Y}
  %{out} = loom.add %{out}_y, %{bias} : ({Y}, {T((n_out,))}) -> {Y}"""
