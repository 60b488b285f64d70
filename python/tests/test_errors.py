"""Every error path of the Python API: a Python exception with a message
that names the problem, never a crash of the interpreter."""
import os

import numpy as np
import pytest

import loom
from conftest import DATA, EXAMPLES

MLP = os.path.join(EXAMPLES, "mlp.mlir")


@pytest.fixture(scope="module")
def mlp():
    return loom.compile(MLP)


def test_compile_error_has_locations():
    with pytest.raises(loom.CompileError) as info:
        loom.compile("func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {\n"
                     "  %r = loom.frobnicate %x : tensor<2xf32>\n"
                     "  return %r : tensor<2xf32>\n}\n")
    assert "<string>:2:" in str(info.value)
    assert "frobnicate" in str(info.value)


def test_compile_error_from_file(tmp_path):
    bad = tmp_path / "bad.mlir"
    bad.write_text("func.func @main(%x: tensor<2xf32>) -> tensor<3xf32> {\n"
                   "  return %x : tensor<2xf32>\n}\n")
    with pytest.raises(loom.CompileError, match=r"bad\.mlir:2:"):
        loom.compile(bad)


def test_compile_bad_onnx_bytes():
    with pytest.raises(loom.CompileError):
        loom.compile(b"this is not an ONNX model")


def test_compile_missing_file():
    with pytest.raises(FileNotFoundError, match="no-such-model.onnx"):
        loom.compile("no-such-model.onnx")


def test_compile_bad_arguments():
    with pytest.raises(TypeError, match="model must be"):
        loom.compile(42)
    with pytest.raises(loom.CompileError, match="unknown target 'tpu'"):
        loom.compile(MLP, target="tpu", device="cpu")
    with pytest.raises(loom.CompileError, match="unknown target option"):
        loom.compile(MLP, no_such_option=1)
    with pytest.raises(loom.CompileError, match="--cuda-arch is for --target=cuda"):
        loom.compile(MLP, cuda_arch="sm_90")
    with pytest.raises(ValueError, match="opt_level"):
        loom.compile(MLP, opt_level=7)
    with pytest.raises(ValueError, match="threads"):
        loom.compile(MLP, threads=-1)


def test_f64_refused_on_gpu_targets():
    text = ("func.func @main(%x: tensor<2xf64>) -> tensor<2xf64> {\n"
            "  %r = loom.add %x, %x : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>\n"
            "  return %r : tensor<2xf64>\n}\n")
    with pytest.raises(loom.CompileError, match="f64 tensors are supported by "
                                                "--target=cpu only"):
        loom.compile(text, target="vulkan", device="cpu")
    m = loom.compile(text)
    np.testing.assert_array_equal(m(np.array([1.5, 2.0])), [3.0, 4.0])


def test_unknown_device():
    with pytest.raises(loom.RuntimeError) as info:
        loom.load(os.path.join(DATA, "..", "mlp.mlir"), device="tpu")
    assert info.value.code in ("INVALID_ARGUMENT", "UNAVAILABLE", "NOT_FOUND")
    assert "tpu" in str(info.value)


def test_wrong_dtype(mlp):
    x = np.load(os.path.join(DATA, "mlp_input.npy")).astype(np.float64)
    with pytest.raises(TypeError) as info:
        mlp(x)
    text = str(info.value)
    assert "input 0" in text and "float64" in text
    assert "tensor<8x784xf32>" in text and "signature: main(" in text


def test_wrong_shape(mlp):
    with pytest.raises(ValueError) as info:
        mlp(np.zeros((4, 784), np.float32))
    text = str(info.value)
    assert "input 0" in text and "(4, 784)" in text
    assert "tensor<8x784xf32>" in text


def test_wrong_count_and_non_arrays(mlp):
    with pytest.raises(TypeError, match="takes 1 input, got 2"):
        mlp(np.zeros((8, 784), np.float32), np.zeros(3))
    with pytest.raises(TypeError, match="takes 1 input, got 0"):
        mlp()
    with pytest.raises(TypeError, match="input 0 .* is a object, not an array"):
        mlp(object())
    with pytest.raises(TypeError, match="cannot be converted to float32"):
        mlp([["not", "numbers"]])
    with pytest.raises(ValueError, match="input 0"):
        mlp([1.0, 2.0])  # a list of the wrong shape


def test_corrupt_and_truncated_modules(mlp, tmp_path):
    data = mlp.to_bytes()
    with pytest.raises(loom.RuntimeError) as info:
        loom.load(data[: len(data) // 2])
    assert info.value.code == "DATA_LOSS"
    flipped = bytearray(data)
    flipped[100] ^= 0xFF  # inside the FlatBuffers tables
    with pytest.raises(loom.RuntimeError) as info:
        loom.load(bytes(flipped))
    assert info.value.code == "DATA_LOSS"
    with pytest.raises(loom.RuntimeError):
        loom.load(b"")
    with pytest.raises(loom.RuntimeError):
        loom.load(os.urandom(4096))
    bad = tmp_path / "garbage.loom"
    bad.write_bytes(b"LOOM" * 100)
    with pytest.raises(loom.RuntimeError):
        loom.load(bad)
    with pytest.raises(FileNotFoundError, match="nothing.loom"):
        loom.load(tmp_path / "nothing.loom")
    with pytest.raises(TypeError):
        loom.load(3.5)


def test_max_call_memory(tmp_path):
    with pytest.raises(loom.RuntimeError) as info:
        loom.compile(MLP, max_call_memory=64)
    assert info.value.code == "RESOURCE_EXHAUSTED"


def test_exceptions_are_python_classes():
    assert issubclass(loom.RuntimeError, RuntimeError)
    assert issubclass(loom.CompileError, Exception)
    assert loom.CompileError.__module__ == "loom"


def test_einsum_errors():
    a = np.ones((2, 3), np.float32)
    with pytest.raises(ValueError, match="2 operand terms but 1 operand"):
        loom.einsum("ij,jk->ik", a)
    with pytest.raises(ValueError, match="operand 0 has 2 dimensions"):
        loom.einsum("ijk->i", a)
    with pytest.raises(ValueError, match="subscript 'j' has size 3"):
        loom.einsum("ij,jk->ik", a, np.ones((4, 2), np.float32))
    with pytest.raises(ValueError, match="invalid subscript '1'"):
        loom.einsum("i1->i", a)
    with pytest.raises(ValueError, match="does not appear"):
        loom.einsum("ij->iz", a)
    with pytest.raises(ValueError, match="more than once"):
        loom.einsum("ij->ii", a)
    with pytest.raises(ValueError, match="invalid ellipsis"):
        loom.einsum("i..j->i", a)
    with pytest.raises(TypeError, match="complex128 are not supported"):
        loom.einsum("ij->i", a.astype(np.complex128))
    with pytest.raises(TypeError, match="bool are not supported"):
        loom.einsum("ij->i", a.astype(bool))
    with pytest.raises(TypeError, match="subscripts must be a string"):
        loom.einsum(3, a)
    with pytest.raises(ValueError, match="unknown optimize"):
        loom.einsum("ij->i", a, optimize="fastest")
    with pytest.raises(ValueError, match="memory_limit"):
        loom.einsum("ij->i", a, memory_limit=0)
    with pytest.raises(TypeError, match="not an array"):
        loom.einsum("ij->i", object())


def test_einsum_path_errors():
    with pytest.raises(ValueError, match="minimize|objective"):
        loom.einsum_path("ij,jk->ik", (2, 3), (3, 4), shapes=True,
                         minimize="beauty")
    with pytest.raises(ValueError, match="subscript 'b' has size 8"):
        loom.einsum_path("ab,bc->ac", (8, 8), (4, 8), shapes=True)
    with pytest.raises(ValueError, match="memory_limit"):
        loom.einsum_path("ab,bc->ac", (8, 8), (8, 8), shapes=True,
                         memory_limit=-3)
