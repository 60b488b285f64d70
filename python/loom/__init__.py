"""Loom: compile models to native modules and run them; contract tensor
networks with Loom's path finder and kernels.

    import loom
    m = loom.compile("model.onnx")          # or .mlir, MLIR text, ModelProto
    y = m(x)                                # numpy arrays / torch tensors in
    m.save("model.loom"); m = loom.load("model.loom", device="cpu", threads=2)
    loom.einsum("ij,jk->ik", a, b)
    path, info = loom.einsum_path("ab,bc,cd->ad", a, b, c)

Errors: loom.CompileError (the compiler's diagnostics), loom.RuntimeError
(the runtime's status; `code` names it), TypeError/ValueError for arguments
of the wrong kind, dtype or shape.
"""

from . import _loom
from ._einsum import (EinsumPathInfo, einsum, einsum_path, get_num_threads,
                      set_num_threads)
from ._module import (CompileError, Function, Module, RuntimeError, Signature,
                      TensorSpec, compile, compile_to_bytes, load)

__version__ = _loom.runtime_version
module_format_version = _loom.module_format_version

__all__ = [
    "CompileError", "EinsumPathInfo", "Function", "Module", "RuntimeError",
    "Signature", "TensorSpec", "compile", "compile_to_bytes", "einsum",
    "einsum_path",
    "get_num_threads", "load", "set_num_threads",
]
