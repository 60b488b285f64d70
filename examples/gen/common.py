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
    """numpy arrays (dict or sequence) -> torch tensors of `dtype`; integer
    arrays (indices) become int64 tensors instead, as torch indexing wants."""
    import torch

    def conv(a):
        a = np.asarray(a)
        t = torch.from_numpy(a)
        return t.long() if np.issubdtype(a.dtype, np.integer) else t.to(dtype)
    if isinstance(arrays, dict):
        return {k: conv(v) for k, v in arrays.items()}
    return [conv(a) for a in arrays]


def torch_reference(forward, params, inputs):
    """forward() in float64, the result as a float32 numpy array (a tuple
    of them if forward() returns a tuple)."""
    import torch
    with torch.no_grad():
        y = forward(to_torch(params, torch.float64),
                    *to_torch(inputs, torch.float64))
    if isinstance(y, tuple):
        return tuple(t.numpy().astype(np.float32) for t in y)
    return y.numpy().astype(np.float32)


def torch_eager_ms(forward, params, inputs, runs=200, threads=2):
    """Median latency in ms of forward() in PyTorch eager float32 on
    `threads` threads over `runs` calls (after 10 warm-up calls): the
    baseline for the median `loom-run --benchmark=RUNS` prints."""
    import time

    import torch
    torch.set_num_threads(threads)
    p, xs = to_torch(params, torch.float32), to_torch(inputs, torch.float32)
    times = []
    with torch.no_grad():
        for i in range(10 + runs):
            t0 = time.perf_counter()
            forward(p, *xs)
            times.append(time.perf_counter() - t0)
    return float(np.median(times[10:])) * 1e3


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
    model, xs = Model().eval(), tuple(to_torch(inputs, torch.float32))
    with torch.no_grad():
        model(*xs)  # builds what forward() caches outside the trace
    torch.onnx.export(model, xs, path, input_names=input_names,
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


# --- Graph networks (gcn.py, gin.py): one random directed graph and its
# node features, shared by both examples.
GRAPH_NODES, GRAPH_EDGES, GRAPH_FEATURES = 1000, 5000, 64


def random_graph():
    """(x, src, dst): node features (nodes x features, f32) and GRAPH_EDGES
    random edges src[e] -> dst[e] without self loops (i32 ids, which Vulkan
    devices without the Int64 capability can load). Also saved as
    examples/data/graph_{x,src,dst}.npy."""
    rng = np.random.default_rng(90)
    src = rng.integers(0, GRAPH_NODES, GRAPH_EDGES)
    # A random non-zero shift keeps src != dst.
    dst = (src + rng.integers(1, GRAPH_NODES, GRAPH_EDGES)) % GRAPH_NODES
    x = rng.standard_normal((GRAPH_NODES, GRAPH_FEATURES)).astype(np.float32)
    src, dst = src.astype(np.int32), dst.astype(np.int32)
    save("graph", x=x, src=src, dst=dst)
    return x, src, dst


def message_passing(out, h, src, dst, feat, edges, weight=None):
    """Lines summing the rows of %h (nodes x feat) along the edges into
    %out: gather the source rows, scale each by %weight (edges x 1) if
    given, loom.segment_sum them into their destinations."""
    from mlir_writer import tensor_type as T
    H, M, I = T((GRAPH_NODES, feat)), T((edges, feat)), T((edges,), np.int32)
    lines = [f"  %{out}_msg = loom.gather %{h}, %{src} axis = 0 : ({H}, {I}) -> {M}"]
    msg = f"{out}_msg"
    if weight is not None:
        lines.append(f"  %{out}_scaled = loom.mul %{msg}, %{weight} : "
                     f"({M}, {T((edges, 1))}) -> {M}")
        msg = f"{out}_scaled"
    lines.append(f"  %{out} = loom.segment_sum %{msg}, %{dst} num_segments = "
                 f"{GRAPH_NODES} : ({M}, {I}) -> {H}")
    return "\n".join(lines)


def torch_message_passing(h, src, dst, weight=None):
    """The same in PyTorch: index_select the source rows, scale, index_add_
    into zeros at the destinations."""
    msg = h.index_select(0, src)
    if weight is not None:
        msg = msg * weight[:, None]
    return h.new_zeros(h.shape).index_add_(0, dst, msg)
