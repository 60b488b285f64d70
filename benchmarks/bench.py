#!/usr/bin/python3
"""Loom's benchmark suite: every workload run by Loom and its peers in the
same run, with the same thread count; prints one table of median latencies
and ratios peer/Loom (> 1 means Loom is faster).

    benchmarks/run.sh [--threads N] [--smoke] [--only NAME,...] [--rounds R]

Peers and Loom take turns at each workload for R rounds (default 3), each
keeping its best round's median (see interleaved()).

(run.sh makes the venv with ONNX Runtime and opt_einsum; this script runs
with Debian's /usr/bin/python3 + numpy + torch, or that venv's python.)

--smoke: small sizes and few iterations; checks that every benchmark runs
and that Loom's outputs match the peer's (used by the test suite; no timing
assertions anywhere).
"""

import argparse
import math
import os
import sys


def _threads_from_argv(argv):
    for i, a in enumerate(argv):
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
        if a == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
    return str(os.cpu_count())


# OpenBLAS (numpy) and OpenMP read their thread counts when they load: set
# them before numpy is imported so the peers use --threads too.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, _threads_from_argv(sys.argv))

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Resources, tensor_type as T  # noqa: E402


def timed(fn, smoke, budget_ms=common.BUDGET_MS):
    first = common.median_ms(fn, 1, warmup=1)
    return common.median_ms(
        fn, 3 if smoke else common.iterations_for(first, budget_ms))


def loom_bench(module, inputs, threads, smoke, budget_ms=common.BUDGET_MS):
    iters = 5 if smoke else common.iterations_for(
        common.loom_run(module, inputs, threads, 3), budget_ms)
    return common.loom_run(module, inputs, threads, iters)


def interleaved(ctx, runs):
    """The median latency of each peer, from `runs`: peer name -> function
    of a time budget (ms) returning a median latency, or None (the peer is
    missing).

    The peers take turns for ctx.rounds rounds, each with a share of the
    time budget, and each peer keeps its best round. On a machine whose
    cores are sometimes shared with other work (this VM's second core comes
    and goes) every peer then gets its turn at the quiet moments, instead
    of whichever happened to be measured during them. A peer slower than
    a second per call runs one round."""
    best = {}
    for r in range(ctx.rounds):
        for name, run in runs.items():
            if run is None or (r > 0 and best[name] > 1000.0):
                continue
            ms = run(common.BUDGET_MS / ctx.rounds)
            best[name] = min(best.get(name, math.inf), ms)
    return best


def run_torch_model(ctx, name, model, inputs, rtol=1e-4, atol=1e-4, note="",
                    flop=0, opset=13, traced_in_training=False):
    """A torch.nn.Module exported to ONNX: Loom compiles the ONNX file; the
    peers are PyTorch (eager, no_grad) and ONNX Runtime on the same file."""
    import torch
    work, threads, smoke = ctx.work, ctx.threads, ctx.smoke
    model.eval()
    onnx_path = work.file(name + ".onnx")
    common.export_onnx(model, [torch.from_numpy(a) for a in inputs], onnx_path,
                       opset, traced_in_training)
    module, kernels = common.compile_model(work, name, onnx_path)
    in_paths = common.save_inputs(work, name, inputs)
    t_in = [torch.from_numpy(a) for a in inputs]
    with torch.no_grad():
        expected = model(*t_in).numpy()
    got = common.loom_output(work, module, in_paths, threads)
    common.check_close(name, got, expected, rtol, atol)

    def run_torch(budget):
        with torch.no_grad():
            return timed(lambda: model(*t_in), smoke, budget)

    sess = common.ort_session(onnx_path, threads)
    feed = {f"in{i}": a for i, a in enumerate(inputs)}
    t = interleaved(ctx, {
        "torch": run_torch,
        "ort": (lambda b: timed(lambda: sess.run(None, feed), smoke, b))
        if sess is not None else None,
        "loom": lambda b: loom_bench(module, in_paths, threads, smoke, b)})
    if flop:
        rates = ", ".join(f"{p} {flop / (t[p] * 1e6):.0f}" for p in ("loom", "ort", "torch")
                          if t.get(p))
        note = (note + "; " if note else "") + f"{flop / 1e9:.2f} GFLOP; GFLOP/s: {rates}"
    ctx.table.add(name, t["loom"], kernels, torch=t["torch"], ort=t.get("ort"),
                  note=note)


# --------------------------------------------------------------------------
# Workloads
# --------------------------------------------------------------------------

def bench_sgemm(ctx):
    import torch
    sizes = [64, 128] if ctx.smoke else [256, 1024, 2048]
    for n in sizes:
        rng = np.random.default_rng(n)
        a = rng.standard_normal((n, n)).astype(np.float32)
        b = rng.standard_normal((n, n)).astype(np.float32)
        text = (f"func.func @main(%a: {T((n, n))}, %b: {T((n, n))}) -> {T((n, n))} {{\n"
                f"  %0 = loom.matmul %a, %b : ({T((n, n))}, {T((n, n))}) -> {T((n, n))}\n"
                f"  return %0 : {T((n, n))}\n}}\n")
        name = f"sgemm {n}^3"
        src = common.write_mlir(ctx.work, f"sgemm{n}", text)
        module, kernels = common.compile_model(ctx.work, f"sgemm{n}", src)
        paths = common.save_inputs(ctx.work, f"sgemm{n}", [a, b])
        got = common.loom_output(ctx.work, module, paths, ctx.threads)
        common.check_close(name, got, a.astype(np.float64) @ b, 1e-3, 1e-3 * n)
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        t = interleaved(ctx, {
            "numpy": lambda budget: timed(lambda: a @ b, ctx.smoke, budget),
            "torch": lambda budget: timed(lambda: ta @ tb, ctx.smoke, budget),
            "loom": lambda budget: loom_bench(module, paths, ctx.threads,
                                              ctx.smoke, budget)})
        numpy_ms, torch_ms, loom_ms = t["numpy"], t["torch"], t["loom"]
        gflops = 2 * n ** 3 / (loom_ms * 1e6)
        ctx.table.add(name, loom_ms, kernels, torch=torch_ms, numpy=numpy_ms,
                      note=f"{gflops:.1f} GFLOP/s, {numpy_ms / loom_ms:.2f}x OpenBLAS")


def bench_mlp(ctx):
    import torch
    dims = (64, 128, 128, 10) if ctx.smoke else (784, 1024, 1024, 10)
    for batch in (1, 64):
        torch.manual_seed(0)
        model = torch.nn.Sequential(
            torch.nn.Linear(dims[0], dims[1]), torch.nn.ReLU(),
            torch.nn.Linear(dims[1], dims[2]), torch.nn.ReLU(),
            torch.nn.Linear(dims[2], dims[3]))
        x = np.random.default_rng(batch).standard_normal(
            (batch, dims[0])).astype(np.float32)
        run_torch_model(ctx, f"mlp {'-'.join(map(str, dims))} b{batch}",
                        model, [x])


class EncoderBlock:
    """Post-norm transformer encoder block built from plain torch ops."""

    @staticmethod
    def make(d_model, heads, ffn):
        import torch

        class Block(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.qkv = torch.nn.Linear(d_model, 3 * d_model)
                self.out = torch.nn.Linear(d_model, d_model)
                self.ln1 = torch.nn.LayerNorm(d_model)
                self.ff1 = torch.nn.Linear(d_model, ffn)
                self.ff2 = torch.nn.Linear(ffn, d_model)
                self.ln2 = torch.nn.LayerNorm(d_model)

            def forward(self, x):
                b, s, d = x.shape
                q, k, v = self.qkv(x).split(d_model, dim=-1)
                split = lambda t: t.reshape(b, s, heads, d // heads).transpose(1, 2)  # noqa: E731
                q, k, v = split(q), split(k), split(v)
                att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // heads), -1)
                o = (att @ v).transpose(1, 2).reshape(b, s, d)
                x = self.ln1(x + self.out(o))
                return self.ln2(x + self.ff2(torch.nn.functional.gelu(self.ff1(x))))

        return Block()


def dynamic_rows(ctx, name, model, onnx_path, inputs, tol,
                 label=lambda x: f"b{x.shape[0]}"):
    """Rows of a model exported with dynamic dimensions: one Loom module for
    every input in `inputs`, beside the module compiled for that input's
    shape (--input-shape=in0:DIMS) and the peers on the same ONNX file."""
    import torch
    dynamic, kernels = common.compile_model(ctx.work, name + "_dynamic",
                                            onnx_path)
    sess = common.ort_session(onnx_path, ctx.threads)
    for x in inputs:
        tag = label(x)
        dims = "x".join(map(str, x.shape))
        static, _ = common.compile_model(
            ctx.work, f"{name}_static_{tag}", onnx_path,
            [f"--input-shape=in0:{dims}"])
        paths = common.save_inputs(ctx.work, f"{name}_dynamic_{tag}", [x])
        tx = torch.from_numpy(x)
        with torch.no_grad():
            expected = model(tx).numpy()
        for module in (dynamic, static):
            common.check_close(name, common.loom_output(
                ctx.work, module, paths, ctx.threads), expected, tol, tol)

        def run_torch(budget):
            with torch.no_grad():
                return timed(lambda: model(tx), ctx.smoke, budget)

        t = interleaved(ctx, {
            "torch": run_torch,
            "ort": (lambda b: timed(lambda: sess.run(None, {"in0": x}),
                                    ctx.smoke, b)) if sess else None,
            "static": lambda b: loom_bench(static, paths, ctx.threads,
                                           ctx.smoke, b),
            "loom": lambda b: loom_bench(dynamic, paths, ctx.threads,
                                         ctx.smoke, b)})
        ctx.table.add(f"{name} {tag} dynamic", t["loom"], kernels,
                      torch=t["torch"], ort=t.get("ort"),
                      note=f"static {t['static']:.3f} ms: dynamic/static "
                           f"{t['loom'] / t['static']:.2f}")


def bench_dynamic(ctx):
    """Models exported with a dynamic batch (and sequence) (issue 22): Loom
    compiles each once and runs it at each size; beside it the same model
    compiled for that size (--input-shape) and the peers on the dynamic ONNX
    file."""
    import torch
    dims = (64, 128, 128, 10) if ctx.smoke else (784, 1024, 1024, 10)
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(
        torch.nn.Linear(dims[0], dims[1]), torch.nn.ReLU(),
        torch.nn.Linear(dims[1], dims[2]), torch.nn.ReLU(),
        torch.nn.Linear(dims[2], dims[3])).eval()
    batch_axes = {"in0": {0: "batch"}, "out0": {0: "batch"}}
    path = ctx.work.file("mlp_dynamic.onnx")
    common.export_onnx(mlp, [torch.zeros(2, dims[0])], path, 13,
                       dynamic_axes=batch_axes)
    rng = np.random.default_rng(1)
    dynamic_rows(ctx, f"mlp {'-'.join(map(str, dims))}", mlp, path,
                 [rng.standard_normal((b, dims[0])).astype(np.float32)
                  for b in (1, 8, 64)], 1e-4)
    # A transformer encoder with a dynamic batch and sequence: the issue's
    # 4-layer d 256 encoder (nn.TransformerEncoder, GELU), exported traced
    # in training mode (no dropout: the same function) like the encoder
    # group's.
    d, heads, ffn, layers = (32, 4, 64, 1) if ctx.smoke else (256, 4, 1024, 4)
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(
        d, heads, ffn, dropout=0.0, activation="gelu", batch_first=True)
    encoder = torch.nn.TransformerEncoder(layer, layers,
                                          enable_nested_tensor=False)
    path = ctx.work.file("encoder_dynamic.onnx")
    common.export_onnx(encoder, [torch.zeros(2, 5, d)], path, 13,
                       traced_in_training=True,
                       dynamic_axes={"in0": {0: "batch", 1: "seq"},
                                     "out0": {0: "batch", 1: "seq"}})
    shapes = [(1, 16), (2, 5)] if ctx.smoke else [(1, 128), (8, 128), (1, 17)]
    dynamic_rows(ctx, f"encoder {layers}x d{d}", encoder, path,
                 [rng.standard_normal((b, s, d)).astype(np.float32)
                  for b, s in shapes], 1e-3,
                 label=lambda x: f"b{x.shape[0]} s{x.shape[1]}")
    if ctx.smoke:
        return
    # A CNN: torchvision ResNet-18 (random weights), 224 x 224.
    import torchvision
    cnn = torchvision.models.resnet18().eval()
    path = ctx.work.file("resnet18_dynamic.onnx")
    common.export_onnx(cnn, [torch.zeros(1, 3, 224, 224)], path, 13,
                       dynamic_axes=batch_axes)
    dynamic_rows(ctx, "resnet18", cnn, path,
                 [rng.standard_normal((b, 3, 224, 224)).astype(np.float32)
                  for b in (1, 8)], 1e-3)


def bench_transformer(ctx):
    import torch
    seq, d, heads, ffn = (16, 32, 4, 64) if ctx.smoke else (128, 256, 4, 1024)
    for batch in (1, 8):
        torch.manual_seed(0)
        model = EncoderBlock.make(d, heads, ffn)
        x = np.random.default_rng(batch).standard_normal(
            (batch, seq, d)).astype(np.float32)
        run_torch_model(ctx, f"encoder s{seq} d{d} h{heads} f{ffn} b{batch}",
                        model, [x])


class RecurrentHead:
    """A stacked nn.LSTM/nn.GRU over a batch-first sequence and a linear
    head on its last step (the model PyTorch users export)."""

    @staticmethod
    def make(cell, inputs, hidden, layers, outputs, bidirectional=False):
        import torch

        class Model(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = getattr(torch.nn, cell)(
                    inputs, hidden, layers, batch_first=True,
                    bidirectional=bidirectional)
                self.head = torch.nn.Linear(hidden * (2 if bidirectional else 1),
                                            outputs)

            def forward(self, x):
                return self.head(self.rnn(x)[0][:, -1])

        return Model()


def bench_recurrent(ctx):
    """Stacked LSTMs and GRUs (batch-first, + a linear head on the last
    step) at hidden sizes people deploy, exported to ONNX (LSTM/GRU nodes)."""
    import torch
    if ctx.smoke:
        cases = [("LSTM", 16, 32, 2, 4, 10, False), ("GRU", 16, 32, 1, 4, 10, False)]
    else:
        cases = [("LSTM", 64, 256, 2, 8, 50, False),
                 ("GRU", 64, 256, 2, 8, 50, False),
                 ("LSTM", 256, 512, 2, 16, 100, False),
                 ("GRU", 256, 512, 2, 16, 100, False),
                 ("LSTM", 512, 1024, 1, 8, 64, False),
                 ("LSTM", 128, 256, 1, 8, 64, True)]
    for cell, inputs, hidden, layers, batch, steps, bidir in cases:
        torch.manual_seed(0)
        model = RecurrentHead.make(cell, inputs, hidden, layers, 10, bidir)
        x = np.random.default_rng(hidden).standard_normal(
            (batch, steps, inputs)).astype(np.float32)
        # 2 FLOP per multiply-add of the gate products (input and recurrent).
        gates = {"LSTM": 4, "GRU": 3}[cell]
        flop = 0
        for layer in range(layers):
            width = inputs if layer == 0 else hidden * (2 if bidir else 1)
            flop += 2 * batch * steps * gates * hidden * (width + hidden)
        flop *= 2 if bidir else 1
        run_torch_model(
            ctx, f"{cell.lower()} {inputs}->{hidden} x{layers}{' bidir' if bidir else ''}"
            f" b{batch} t{steps}", model, [x], rtol=1e-4, atol=1e-4, flop=flop)


class GraphConv:
    """Two-layer GCN (Kipf & Welling) on an edge list: each layer gathers
    the source nodes' features, scales them by the edge's normalization,
    sums them into the destination nodes with scatter_add (ONNX
    ScatterElements, reduction add), then applies a linear layer."""

    @staticmethod
    def make(features, hidden, outputs):
        import torch

        class Model(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.l1 = torch.nn.Linear(features, hidden)
                self.l2 = torch.nn.Linear(hidden, outputs)

            @staticmethod
            def propagate(x, src, dst, norm):
                msg = x.index_select(0, src) * norm.unsqueeze(1)
                index = dst.unsqueeze(1).expand(-1, x.shape[1])
                return torch.zeros_like(x).scatter_add(0, index, msg)

            def forward(self, x, src, dst, norm):
                h = torch.relu(self.l1(self.propagate(x, src, dst, norm)))
                return self.l2(self.propagate(h, src, dst, norm))

        return Model()


def bench_graph(ctx):
    """Graph convolutions on random graphs (node ids uniform, int64 edge
    lists, symmetric degree normalization): sparse (edge list) and dense
    (normalized adjacency matrix) GCNs. The sparse one is exported at opset
    17: below 16, ScatterElements has no reduction and PyTorch exports
    scatter_add as a scatter that drops repeated indices."""
    import torch
    cases = [(200, 1000, 16)] if ctx.smoke else [(10_000, 100_000, 64),
                                                  (100_000, 1_000_000, 64)]
    for nodes, edges, features in cases:
        rng = np.random.default_rng(nodes)
        src = rng.integers(0, nodes, edges, dtype=np.int64)
        dst = rng.integers(0, nodes, edges, dtype=np.int64)
        deg = np.bincount(dst, minlength=nodes).astype(np.float64) + 1
        norm = (1 / np.sqrt(deg[src] * deg[dst])).astype(np.float32)
        x = rng.standard_normal((nodes, features)).astype(np.float32)
        torch.manual_seed(0)
        hidden = 2 * features
        model = GraphConv.make(features, hidden, 16)
        # Gathers and scatter-adds: 2 FLOP per edge and feature (scale,
        # add) per layer, plus the linear layers.
        flop = 2 * edges * (features + hidden) + 2 * nodes * (
            features * hidden + hidden * 16)
        run_torch_model(ctx, f"gcn sparse {nodes} nodes {edges} edges f{features}",
                        model, [x, src, dst, norm], rtol=1e-4, atol=1e-4,
                        flop=flop, opset=17)
    nodes, features = (64, 16) if ctx.smoke else (2000, 64)
    rng = np.random.default_rng(3)
    adj = (rng.random((nodes, nodes)) < 0.005).astype(np.float32)
    adj = np.maximum(adj, adj.T) + np.eye(nodes, dtype=np.float32)
    d = 1 / np.sqrt(adj.sum(1))
    a_hat = (adj * d[:, None] * d[None, :]).astype(np.float32)
    x = rng.standard_normal((nodes, features)).astype(np.float32)

    class DenseGcn(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.l1 = torch.nn.Linear(features, 2 * features)
            self.l2 = torch.nn.Linear(2 * features, 8)

        def forward(self, a, x):
            return self.l2(a @ torch.relu(self.l1(a @ x)))

    torch.manual_seed(0)
    run_torch_model(ctx, f"gcn dense {nodes} nodes f{features}", DenseGcn(),
                    [a_hat, x], rtol=1e-4, atol=1e-4,
                    flop=2 * nodes * nodes * (features + 2 * features)
                    + 2 * nodes * (features * 2 * features + 2 * features * 8))


def bench_encoder(ctx):
    """PyTorch's nn.TransformerEncoder (post-norm, GELU, no dropout): BERT-
    base's layer (d 768, 12 heads, ff 3072; 2 of its 12 layers, to keep the
    run short) at batch 1 x seq 128 and 512, and the 4-layer d 256 encoder
    at batch 4 x seq 128. PyTorch runs its fused fast path (eval mode);
    the export traces the same layers in training mode (no dropout: the
    same function), which torch 1.13 can export."""
    import torch
    if ctx.smoke:
        cases = [(32, 4, 64, 1, 1, 16)]
    else:
        cases = [(768, 12, 3072, 2, 1, 128), (768, 12, 3072, 2, 1, 512),
                 (256, 4, 1024, 4, 4, 128)]
    for d, heads, ffn, layers, batch, seq in cases:
        torch.manual_seed(0)
        layer = torch.nn.TransformerEncoderLayer(
            d, heads, ffn, dropout=0.0, activation="gelu", batch_first=True)
        model = torch.nn.TransformerEncoder(layer, layers,
                                            enable_nested_tensor=False)
        x = np.random.default_rng(seq).standard_normal(
            (batch, seq, d)).astype(np.float32)
        tokens = batch * seq
        flop = layers * (2 * tokens * d * (4 * d + 2 * ffn) +
                         4 * batch * seq * seq * d)
        run_torch_model(ctx, f"encoder {layers}x d{d} h{heads} f{ffn} b{batch} s{seq}",
                        model, [x], rtol=1e-3, atol=1e-3, flop=flop,
                        traced_in_training=True)


def bench_chains(ctx):
    import torch
    rows, cols = (64, 128) if ctx.smoke else (4096, 1024)
    torch.manual_seed(0)

    class GeluLinear(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(cols, cols)

        def forward(self, x):
            return torch.nn.functional.gelu(self.lin(x))

    class LayerNorm(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.ln = torch.nn.LayerNorm(cols)

        def forward(self, x):
            return self.ln(x)

    class Softmax(torch.nn.Module):
        def forward(self, x):
            return torch.softmax(x, -1)

    class AddOne(torch.nn.Module):
        def forward(self, x):
            return x + 1.0

    x = np.random.default_rng(7).standard_normal((rows, cols)).astype(np.float32)
    gl_rows = 64 if ctx.smoke else 512
    run_torch_model(ctx, f"gelu(x W + b) {gl_rows}x{cols}x{cols}", GeluLinear(),
                    [x[:gl_rows]], rtol=1e-3, atol=1e-3)
    run_torch_model(ctx, f"layer_norm {rows}x{cols}", LayerNorm(), [x])
    run_torch_model(ctx, f"softmax {rows}x{cols}", Softmax(), [x], atol=1e-6)
    # The memory floor of the two rows above: the same bytes read and
    # written with one add per element. This VM streams at two speeds (for
    # minutes at a time); this row says which one the run above met.
    run_torch_model(ctx, f"x + 1 {rows}x{cols}", AddOne(), [x],
                    note="memory floor of layer_norm and softmax")


def bench_convnet(ctx):
    import torch
    size = 32 if ctx.smoke else 224
    torch.manual_seed(0)
    layers, c = [], 3
    for out in (16, 32, 64):
        layers += [torch.nn.Conv2d(c, out, 3, padding=1), torch.nn.ReLU(),
                   torch.nn.MaxPool2d(2)]
        c = out
    model = torch.nn.Sequential(*layers, torch.nn.Flatten(),
                                torch.nn.Linear(64 * (size // 8) ** 2, 10))
    x = np.random.default_rng(3).standard_normal((1, 3, size, size)).astype(np.float32)
    run_torch_model(ctx, f"convnet 3x(conv3x3+relu+pool) {size}^2", model, [x],
                    rtol=1e-3, atol=1e-3)


def conv_linear_flops(model, x):
    """2 x the multiply-adds of the model's convolutions and linear layers
    on input `x` (a torch tensor), counted with forward hooks."""
    import torch
    total = [0]

    def hook(mod, inputs, output):
        if isinstance(mod, torch.nn.Conv2d):
            per_out = (mod.in_channels // mod.groups) * mod.kernel_size[0] * mod.kernel_size[1]
            total[0] += 2 * output.numel() * per_out
        elif isinstance(mod, torch.nn.Linear):
            total[0] += 2 * output.numel() * mod.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return total[0]


def bench_cnns(ctx):
    """The CNNs people deploy, from torchvision (random weights, no
    downloads): ResNet-18/50 and MobileNetV2 at 224x224, exported to ONNX
    (opset 13) and run by Loom, ONNX Runtime and PyTorch."""
    import torch
    try:
        import torchvision.models as tvm
    except ImportError:
        print("cnns: torchvision is not installed (scripts/install-deps.sh "
              "installs python3-torchvision)", file=sys.stderr)
        raise
    if ctx.smoke:
        cases = [("resnet18", tvm.resnet18, 1, 64), ("mobilenet_v2", tvm.mobilenet_v2, 1, 64)]
    else:
        cases = [("resnet18", tvm.resnet18, 1, 224), ("resnet18", tvm.resnet18, 8, 224),
                 ("mobilenet_v2", tvm.mobilenet_v2, 1, 224),
                 ("mobilenet_v2", tvm.mobilenet_v2, 8, 224),
                 ("resnet50", tvm.resnet50, 1, 224)]
    for name, build, batch, size in cases:
        torch.manual_seed(0)
        model = build().eval()
        x = np.random.default_rng(5).standard_normal(
            (batch, 3, size, size)).astype(np.float32)
        flop = conv_linear_flops(model, torch.from_numpy(x))
        run_torch_model(ctx, f"{name} b{batch} {size}^2", model, [x],
                        rtol=1e-3, atol=1e-3, flop=flop)


def contraction_case(ctx, name, spec, runtime_inputs, weights, peers):
    """One loom.contract over runtime inputs and constant weights; `peers`
    maps a peer name to a function computing the result from the arrays."""
    work, threads, smoke = ctx.work, ctx.threads, ctx.smoke
    res = Resources()
    args, types, operands, consts = [], [], [], []
    for i, a in enumerate(runtime_inputs):
        args.append(f"%x{i}: {T(a.shape)}")
        operands.append(f"%x{i}")
        types.append(T(a.shape))
    for i, w in enumerate(weights):
        consts.append(f"  %w{i} = loom.constant {res.add(f'w{i}', w)}")
        operands.append(f"%w{i}")
        types.append(T(w.shape))
    arrays = list(runtime_inputs) + list(weights)
    peers = dict(peers)
    note = peers.pop("note", "")
    ref = peers["numpy"](arrays)
    text = (f"func.func @main({', '.join(args)}) -> {T(ref.shape)} {{\n"
            + "\n".join(consts) +
            f"\n  %y = loom.contract \"{spec}\" {', '.join(operands)} : "
            f"({', '.join(types)}) -> {T(ref.shape)}\n"
            f"  return %y : {T(ref.shape)}\n}}\n")
    key = name.split()[0].lower()
    src = common.write_mlir(work, key, text, res)
    module, kernels = common.compile_model(work, key, src)
    paths = common.save_inputs(work, key, runtime_inputs)
    got = common.loom_output(work, module, paths, threads)
    scale = max(1.0, float(np.abs(ref).max()))
    common.check_close(name, got, ref, 1e-3, 1e-4 * scale)
    runs = {p: (lambda budget, f=f: timed(lambda: f(arrays), smoke, budget))
            for p, f in peers.items()}
    runs["loom"] = lambda budget: loom_bench(module, paths, threads, smoke,
                                             budget)
    times = interleaved(ctx, runs)
    loom_ms = times.pop("loom")
    ctx.table.add(name, loom_ms, kernels, note=note, **times)


def einsum_peers(spec):
    import torch
    return {
        "numpy": lambda arrays: np.einsum(spec, *arrays, optimize="optimal"),
        "torch": lambda arrays: torch.einsum(
            spec, *[torch.from_numpy(a) for a in arrays]).numpy(),
    }


def bench_contractions(ctx):
    import torch
    rng = np.random.default_rng(11)
    smoke = ctx.smoke

    # Tensor-train layer 4096 -> 4096 (modes 8x8x8x8, rank 16), batch 64.
    n, r, batch = (4, 4, 8) if smoke else (8, 16, 64)
    x = rng.standard_normal((batch, n, n, n, n)).astype(np.float32)
    cores = [rng.standard_normal((n, n, r)) / math.sqrt(n),
             rng.standard_normal((r, n, n, r)) / math.sqrt(n * r),
             rng.standard_normal((r, n, n, r)) / math.sqrt(n * r),
             rng.standard_normal((r, n, n)) / math.sqrt(n * r)]
    cores = [c.astype(np.float32) for c in cores]
    spec = "bijkl,ioa,ajpc,ckqd,dls->bopqs"
    contraction_case(ctx, f"TT layer {n**4}->{n**4} r{r} b{batch}", spec, [x],
                     cores, einsum_peers(spec))

    # Tucker reconstruction of 64^3 tensors from 16^3 cores, batch 8.
    n, k, batch = (8, 4, 2) if smoke else (64, 16, 8)
    core = rng.standard_normal((batch, k, k, k)).astype(np.float32)
    factors = [rng.standard_normal((n, k)).astype(np.float32) for _ in range(3)]
    spec = "zabc,ia,jb,kc->zijk"
    contraction_case(ctx, f"Tucker reconstruction {n}^3 from {k}^3 b{batch}",
                     spec, [core], factors, einsum_peers(spec))

    # MPS classifier forward pass: L sites, bond chi, local map (1, x), 10
    # classes at the middle site, batch 64: one loom.contract with labels in
    # braces (more indices than einsum letters). numpy and torch take at most
    # 52 labels, so their version is the usual sweep along the chain.
    L, chi, batch = (12, 4, 4) if smoke else (196, 32, 64)
    mid = L // 2
    x = rng.uniform(0, 1, (batch, L)).astype(np.float32)
    feats = [np.ascontiguousarray(np.stack([np.ones(batch, np.float32), x[:, s]], -1))
             for s in range(L)]
    sites, terms = [], []
    for s in range(L):
        eye = np.eye(chi, dtype=np.float32)
        noise = lambda *shape: (0.02 * rng.standard_normal(shape)).astype(np.float32)  # noqa: E731
        if s == 0:
            t = np.stack([np.ones(chi, np.float32) / chi, noise(chi)], 0)
            term = f"{{p{s}}}{{a{s + 1}}}"
        elif s == L - 1:
            t = np.stack([np.ones(chi, np.float32), noise(chi)], 1)
            term = f"{{a{s}}}{{p{s}}}"
        elif s == mid:
            t = np.stack([eye[:, None, :].repeat(10, 1) + noise(chi, 10, chi),
                          noise(chi, 10, chi)], 1)
            term = f"{{a{s}}}{{p{s}}}c{{a{s + 1}}}"
        else:
            t = np.stack([eye + noise(chi, chi), noise(chi, chi)], 1)
            term = f"{{a{s}}}{{p{s}}}{{a{s + 1}}}"
        sites.append(t.astype(np.float32))
        terms.append(term)
    spec = ",".join([f"z{{p{s}}}" for s in range(L)] + terms) + "->zc"

    def sweep_numpy(arrays):
        f, g = arrays[:L], arrays[L:]
        v = np.einsum("zp,pa->za", f[0], g[0])
        for s in range(1, L - 1):
            if s == mid:
                v = np.einsum("za,zp,apcb->zcb", v, f[s], g[s])
            elif s < mid:
                v = np.einsum("za,zp,apb->zb", v, f[s], g[s])
            else:
                v = np.einsum("zcb,zp,bpd->zcd", v, f[s], g[s])
        return np.einsum("zca,zp,ap->zc", v, f[L - 1], g[L - 1])

    def sweep_torch(arrays):
        t = [torch.from_numpy(a) for a in arrays]
        f, g = t[:L], t[L:]
        v = torch.einsum("zp,pa->za", f[0], g[0])
        for s in range(1, L - 1):
            if s == mid:
                v = torch.einsum("za,zp,apcb->zcb", v, f[s], g[s])
            elif s < mid:
                v = torch.einsum("za,zp,apb->zb", v, f[s], g[s])
            else:
                v = torch.einsum("zcb,zp,bpd->zcd", v, f[s], g[s])
        return torch.einsum("zca,zp,ap->zc", v, f[L - 1], g[L - 1]).numpy()

    contraction_case(ctx, f"MPS classifier L{L} chi{chi} b{batch}", spec,
                     feats, sites,
                     {"numpy": sweep_numpy, "torch": sweep_torch,
                      "note": "peers: einsum sweep along the chain"})


def spec_letters(spec):
    """Renames labels (letters or {names}) to single letters for numpy and
    torch (which take at most 52 labels)."""
    import re
    labels = {}
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def sub(m):
        key = m.group(0)
        if key not in labels:
            if len(labels) == len(letters):
                raise ValueError("too many labels for numpy/torch einsum")
            labels[key] = letters[len(labels)]
        return labels[key]

    return re.sub(r"\{[A-Za-z0-9_]+\}|[A-Za-z]", sub, spec)


def bench_tt_compress(ctx):
    """A dense MLP layer whose weight has tensor-train structure (modes
    4x8x8x4 by 4x8x8x4, ranks 8, plus 1% noise), compiled dense and with
    --loom-tt-compress=tol=0.05; PyTorch runs the dense layer."""
    import torch
    sys.path.insert(0, os.path.join(common.ROOT, "examples", "gen"))
    from tt_dense import tt_matrix
    batch, n = (8, 256) if ctx.smoke else (64, 1024)
    modes = [4, 4, 4, 4] if ctx.smoke else [4, 8, 8, 4]
    rng = np.random.default_rng(5)
    w = tt_matrix(rng, modes, modes, 8)
    w /= np.linalg.norm(w) / np.sqrt(n)
    w += 0.01 * np.linalg.norm(w) / np.sqrt(w.size) * rng.standard_normal(w.shape)
    w = w.astype(np.float32)
    b = (0.1 * rng.standard_normal(n)).astype(np.float32)
    x = rng.standard_normal((batch, n)).astype(np.float32)
    res = Resources()
    tx, tw, tb = T((batch, n)), T((n, n)), T((n,))
    text = (f"func.func @main(%x: {tx}) -> {tx} {{\n"
            f"  %w = loom.constant {res.add('w', w)}\n"
            f"  %b = loom.constant {res.add('b', b)}\n"
            f"  %y = loom.linear %x, %w, %b : ({tx}, {tw}, {tb}) -> {tx}\n"
            f"  %r = loom.relu %y : {tx}\n"
            f"  return %r : {tx}\n}}\n")
    src = common.write_mlir(ctx.work, "tt_layer", text, res)
    paths = common.save_inputs(ctx.work, "tt_layer", [x])
    tx_t, tw_t, tb_t = (torch.from_numpy(a) for a in (x, w, b))
    dense = np.maximum(x.astype(np.float64) @ w.T + b, 0)
    runs = {"torch": lambda budget: timed(
        lambda: torch.relu(torch.nn.functional.linear(tx_t, tw_t, tb_t)),
        ctx.smoke, budget)}
    rows = []
    for label, args in (("dense", ()), ("TT tol=0.05", ("--loom-tt-compress=tol=0.05",))):
        key = "tt_layer_" + ("tt" if args else "dense")
        module, kernels = common.compile_model(ctx.work, key, src, extra_args=args)
        got = common.loom_output(ctx.work, module, paths, ctx.threads)
        err = np.linalg.norm(got - dense) / np.linalg.norm(dense)
        runs[label] = lambda budget, m=module: loom_bench(
            m, paths, ctx.threads, ctx.smoke, budget)
        rows.append((label, kernels, err))
    t = interleaved(ctx, runs)
    for label, kernels, err in rows:
        ctx.table.add(f"linear {n}x{n}+relu b{batch} {label}", t[label], kernels,
                      torch=t["torch"], note=f"output error {err:.1e} vs dense")


BENCHMARKS = {
    "sgemm": bench_sgemm,
    "mlp": bench_mlp,
    "dynamic": bench_dynamic,
    "transformer": bench_transformer,
    "encoder": bench_encoder,
    "recurrent": bench_recurrent,
    "graph": bench_graph,
    "chains": bench_chains,
    "convnet": bench_convnet,
    "cnns": bench_cnns,
    "contractions": bench_contractions,
    "tt-compress": bench_tt_compress,
}


class Context:
    pass


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--only", default="")
    p.add_argument("--rounds", type=int, default=3,
                   help="turns each peer takes at a workload (its best counts)")
    args = p.parse_args()
    common.set_threads(args.threads)
    ctx = Context()
    ctx.threads, ctx.smoke = args.threads, args.smoke
    ctx.rounds = 1 if args.smoke else max(1, args.rounds)
    ctx.work = common.Workdir()
    ctx.table = common.Table()
    selected = [s for s in args.only.split(",") if s] or list(BENCHMARKS)
    failures = 0
    for name in selected:
        if name not in BENCHMARKS:
            sys.exit(f"unknown benchmark '{name}' (have {', '.join(BENCHMARKS)})")
        try:
            BENCHMARKS[name](ctx)
        except Exception as e:  # report and go on with the others
            failures += 1
            print(f"FAILED {name}: {e}", file=sys.stderr)
    print(f"\nthreads: {args.threads}{'  (smoke run: small sizes, timings not meaningful)' if args.smoke else ''}")
    ctx.table.print()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
