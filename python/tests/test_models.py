"""Every example model compiled and run from Python against its reference;
compile/load/save round trips; torch tensors and DLPack in and out; calls
from several threads."""
import os
import threading
import time

import numpy as np
import pytest

import loom
from backends import MODELS, OUTPUTS, references  # test/numerics/backends.py
from conftest import DATA, EXAMPLES


def load_inputs(names):
    return [np.load(os.path.join(DATA, n)) for n in names]


def check(actual, expected_names, rtol, atol):
    actual = actual if isinstance(actual, tuple) else (actual,)
    assert len(actual) == len(expected_names)
    for got, name in zip(actual, expected_names):
        want = np.load(os.path.join(DATA, name))
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_example_model(name):
    inputs, rtol, atol, _ = MODELS[name]
    m = loom.compile(os.path.join(EXAMPLES, f"{name}.mlir"))
    check(m(*load_inputs(inputs)), references(name), rtol, atol)


ONNX_EXAMPLES = ["ar_net", "bilinear", "gru", "lstm", "se_block"]


@pytest.mark.parametrize("name", ONNX_EXAMPLES)
def test_onnx_example(name):
    inputs, rtol, atol, _ = MODELS[name]
    m = loom.compile(os.path.join(EXAMPLES, "onnx", f"{name}.onnx"))
    check(m(*load_inputs(inputs)), references(name), rtol, atol)


def test_onnx_model_proto_and_bytes():
    onnx = pytest.importorskip("onnx")
    path = os.path.join(EXAMPLES, "onnx", "small_cnn.onnx")
    x = np.load(os.path.join(EXAMPLES, "onnx", "input.npy"))
    want = np.load(os.path.join(EXAMPLES, "onnx", "expected.npy"))
    for model in (onnx.load(path), open(path, "rb").read()):
        m = loom.compile(model)
        np.testing.assert_allclose(m(x), want, rtol=1e-4, atol=1e-5)


def test_mlir_text_and_signature():
    text = """
    func.func @main(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2xf32>) {
      %s = loom.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      %r = loom.reduce_sum %s [1] : tensor<2x3xf32> -> tensor<2xf32>
      return %s, %r : tensor<2x3xf32>, tensor<2xf32>
    }
    """
    m = loom.compile(text)
    sig = m.signature
    assert [s.shape for s in sig.inputs] == [(2, 3), (3,)]
    assert [s.dtype for s in sig.inputs] == [np.float32, np.float32]
    assert [s.shape for s in sig.outputs] == [(2, 3), (2,)]
    assert sig.inputs[0].loom_dtype == "f32"
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = np.array([1, 2, 3], np.float32)
    s, r = m(x, y)
    np.testing.assert_array_equal(s, x + y)
    np.testing.assert_array_equal(r, (x + y).sum(1))
    # Python lists and scalars take the input's dtype.
    s2, _ = m(x.tolist(), [1, 2, 3])
    np.testing.assert_array_equal(s2, s)


def test_save_load_round_trip(tmp_path):
    m = loom.compile(os.path.join(EXAMPLES, "mlp.mlir"))
    (x,) = load_inputs(["mlp_input.npy"])
    path = tmp_path / "mlp.loom"
    m.save(path)
    for loaded in (loom.load(path, device="cpu", threads=2),
                   loom.load(str(path), threads=1),
                   loom.load(m.to_bytes())):
        assert loaded.signature.text == m.signature.text
        np.testing.assert_array_equal(loaded(x), m(x))
    assert loom.load(path, threads=2).threads == 2
    assert loom.load(path, threads=1).threads == 1


def test_inputs_not_contiguous_or_aligned():
    m = loom.compile(os.path.join(EXAMPLES, "mlp.mlir"))
    (x,) = load_inputs(["mlp_input.npy"])
    want = m(x)
    # A transposed view (copied once) and a misaligned view (read in place by
    # the runtime through an aligned copy) give the same results.
    xt = np.ascontiguousarray(x.T).T
    assert not xt.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(m(xt), want)
    buf = np.empty(x.size + 1, np.float32)
    xm = buf[1:].reshape(x.shape)
    xm[...] = x
    assert xm.ctypes.data % 64 != 0
    np.testing.assert_array_equal(m(xm), want)


def test_results_own_runtime_buffers():
    m = loom.compile(os.path.join(EXAMPLES, "mlp.mlir"))
    (x,) = load_inputs(["mlp_input.npy"])
    y = m(x)
    assert not y.flags["OWNDATA"] and y.base is not None  # no copy made
    assert y.ctypes.data % 64 == 0
    del m  # the result keeps its buffer alive, not the module
    assert np.isfinite(y).all()


def test_torch_tensors_in_and_out():
    torch = pytest.importorskip("torch")
    m = loom.compile(os.path.join(EXAMPLES, "mlp.mlir"))
    (x,) = load_inputs(["mlp_input.npy"])
    want = m(x)
    xt = torch.from_numpy(x).requires_grad_(True)
    y = m(xt)
    np.testing.assert_array_equal(y, want)
    yt = torch.from_dlpack(y)  # DLPack out: no copy
    assert yt.data_ptr() == y.ctypes.data
    np.testing.assert_array_equal(yt.numpy(), want)
    # A strided tensor view.
    big = torch.from_numpy(np.repeat(x, 2, axis=1))
    np.testing.assert_array_equal(m(big[:, ::2]), want)


def test_buffer_protocol_input():
    m = loom.compile("""
    func.func @main(%x: tensor<4xi32>) -> tensor<4xi32> {
      %r = loom.add %x, %x : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
      return %r : tensor<4xi32>
    }""")
    import array
    a = array.array("i", [1, 2, 3, 4])
    np.testing.assert_array_equal(m(memoryview(a)), [2, 4, 6, 8])
    np.testing.assert_array_equal(m(a), [2, 4, 6, 8])


def test_several_python_threads_call_one_module():
    m = loom.compile(os.path.join(EXAMPLES, "transformer.mlir"), threads=1)
    inputs, rtol, atol, _ = MODELS["transformer"]
    args = load_inputs(inputs)
    want = np.load(os.path.join(DATA, "transformer_expected.npy"))
    failures = []

    def work():
        for _ in range(20):
            got = m(*args)
            if not np.allclose(got, want, rtol=rtol, atol=atol):
                failures.append(np.abs(got - want).max())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


def test_gil_released_while_compiling():
    """Another Python thread keeps running while a model compiles: the
    longest pause between its steps is far below the compile time."""
    path = os.path.join(EXAMPLES, "transformer.mlir")
    done = threading.Event()
    elapsed = []

    def compile_it():
        t = time.perf_counter()
        loom.compile(path, opt_level=3)
        elapsed.append(time.perf_counter() - t)
        done.set()

    worker = threading.Thread(target=compile_it)
    worker.start()
    longest, last = 0.0, time.perf_counter()
    while not done.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    worker.join()
    assert elapsed[0] > 0.1, "compile too quick to judge"
    assert longest < elapsed[0] / 2, (longest, elapsed[0])


def test_module_with_several_functions():
    m = loom.compile("""
    func.func @twice(%x: tensor<3xf32>) -> tensor<3xf32> {
      %r = loom.add %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
      return %r : tensor<3xf32>
    }
    func.func @square(%x: tensor<3xf32>) -> tensor<3xf32> {
      %r = loom.mul %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
      return %r : tensor<3xf32>
    }""")
    x = np.array([1, 2, 3], np.float32)
    assert sorted(m.functions) == ["square", "twice"]
    np.testing.assert_array_equal(m.functions["square"](x), x * x)
    np.testing.assert_array_equal(m.functions["twice"](x), x + x)
    with pytest.raises(TypeError, match="several functions"):
        m(x)


def test_signature_names_and_keyword_inputs():
    m = loom.compile(os.path.join(EXAMPLES, "onnx", "gru.onnx"))
    sig = m.signature
    assert [s.name for s in sig.inputs] == ["x", "h0"]
    assert [s.name for s in sig.outputs] == ["y", "h_final"]
    x, h0 = load_inputs(["gru_x.npy", "gru_h0.npy"])
    y, h = m(x, h0)
    y2, h2 = m(h0=h0, x=x)
    y3, _ = m(x, h0=h0)
    np.testing.assert_array_equal(y, y2)
    np.testing.assert_array_equal(h, h2)
    np.testing.assert_array_equal(y, y3)
    with pytest.raises(TypeError, match="no input named 'h1'"):
        m(x, h1=h0)
    with pytest.raises(TypeError, match="missing input 'h0'"):
        m(x=x)
    with pytest.raises(TypeError, match="given by position and by name"):
        m(x, x=x)
    with pytest.raises(ValueError, match=r"input 1 \('h0'\)"):
        m(x, x)
    # A module compiled from MLIR names inputs with `loom.name`, or not.
    m = loom.compile("""
    func.func @main(%a: tensor<2xf32> {loom.name = "left"}, %b: tensor<2xf32>)
        -> (tensor<2xf32> {loom.name = "sum"}) {
      %r = loom.add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      return %r : tensor<2xf32>
    }""")
    assert [s.name for s in m.signature.inputs] == ["left", "input1"]
    assert m.signature.outputs[0].name == "sum"
    one = np.ones(2, np.float32)
    np.testing.assert_array_equal(m(left=one, input1=one), [2, 2])


def test_vulkan_target_from_python():
    """target="vulkan" compiles SPIR-V kernels; device="vulkan" runs them (on
    lavapipe here). Skipped where no Vulkan device is present."""
    try:
        m = loom.compile(os.path.join(EXAMPLES, "mlp.mlir"), target="vulkan")
    except loom.RuntimeError as error:
        if error.code != "UNAVAILABLE":
            raise
        pytest.skip(f"no Vulkan device: {error}")
    assert m.target == "vulkan" and m.device == "vulkan"
    inputs, rtol, atol, _ = MODELS["mlp"]
    check(m(*load_inputs(inputs)), references("mlp"), rtol, atol)
    # A Vulkan module does not load on the CPU device.
    with pytest.raises(loom.RuntimeError) as info:
        loom.load(m.to_bytes(), device="cpu")
    assert "vulkan" in str(info.value)


def test_docstrings_tell_the_truth():
    assert "target" in loom.compile.__doc__ and "CompileError" in loom.compile.__doc__
    assert "interleaved" in loom.einsum.__doc__
    assert "opt_einsum" in loom.einsum_path.__doc__
    assert "DATA_LOSS" in loom.load.__doc__


def test_compile_for_a_device_this_machine_lacks(tmp_path):
    """target="cuda" compiles (PTX) without a GPU; loading needs one."""
    data = loom.compile_to_bytes(os.path.join(EXAMPLES, "mlp.mlir"),
                                 target="cuda", cuda_arch="sm_90")
    assert data[4:8] == b"LOOM"  # the FlatBuffers file identifier
    try:
        m = loom.load(data, device="cuda")
    except loom.RuntimeError as error:
        assert error.code == "UNAVAILABLE", error
        return
    inputs, rtol, atol, _ = MODELS["mlp"]  # a machine with a GPU runs it
    check(m(*load_inputs(inputs)), references("mlp"), rtol, atol)


def test_dynamic_batch():
    """A model with a dynamic batch (test/e2e/Inputs/dynamic_mlp.onnx):
    None in the signature, any batch at each call, inputs that share
    'batch' must agree."""
    inputs = os.path.join(os.path.dirname(EXAMPLES), "test", "e2e", "Inputs")
    m = loom.compile(os.path.join(inputs, "dynamic_mlp.onnx"))
    spec = m.signature.inputs
    assert spec[0].shape == (None, 16) and spec[1].shape == (None, 10)
    assert "tensor<?x16xf32>" in str(m.signature)
    for batch in (1, 3, 8, 64):
        x = np.load(os.path.join(inputs, f"dynamic_x{batch}.npy"))
        mask = np.load(os.path.join(inputs, f"dynamic_m{batch}.npy"))
        y, h, c = m(x, mask)
        for got, name in ((y, "y"), (h, "h"), (c, "c")):
            want = np.load(os.path.join(inputs, f"dynamic_{name}{batch}.npy"))
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    x3 = np.zeros((3, 16), np.float32)
    # Sizes that disagree with each other are the runtime's finding.
    with pytest.raises(loom.RuntimeError, match="'batch' is 3") as error:
        m(x3, np.zeros((4, 10), np.float32))
    assert error.value.code == "INVALID_ARGUMENT"
    with pytest.raises(ValueError, match=r"expects tensor<\?x16xf32>"):
        m(np.zeros((3, 15), np.float32), np.zeros((3, 10), np.float32))
