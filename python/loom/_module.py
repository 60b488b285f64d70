"""Compiled modules: loom.compile, loom.load and what they return."""

import os
import tempfile
import threading

import numpy as np

from . import _loom

CompileError = _loom.CompileError
RuntimeError = _loom.RuntimeError  # noqa: A001 (loom.RuntimeError by design)


class TensorSpec:
    """One input or result of a function: its name, shape and dtype.

    A dynamic dimension (a model exported with a dynamic batch) is None in
    `shape`: a call takes any size there, and inputs that share the
    dimension's name must agree.

    `dtype` is numpy's dtype (bf16 tensors are uint16 arrays holding the
    upper 16 bits of each float32, as in .npy files); `loom_dtype` is Loom's
    name for it ("f32", "bf16", ...)."""

    __slots__ = ("name", "shape", "dtype", "loom_dtype")

    def __init__(self, name, shape, dtype, loom_dtype):
        self.name, self.shape, self.dtype = name, shape, dtype
        self.loom_dtype = loom_dtype

    def __repr__(self):
        return (f"TensorSpec(name={self.name!r}, shape={self.shape}, "
                f"dtype={self.dtype})")

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and
                (self.name, self.shape, self.dtype) ==
                (other.name, other.shape, other.dtype))


class Signature:
    """A function's inputs and results (tuples of TensorSpec)."""

    __slots__ = ("name", "inputs", "outputs", "text")

    def __init__(self, name, inputs, outputs, text):
        self.name, self.inputs, self.outputs, self.text = (
            name, inputs, outputs, text)

    def __repr__(self):
        def specs(items):
            return ", ".join(f"{t.name}: tensor<" +
                             "".join(f"{'?' if d is None else d}x"
                                     for d in t.shape) +
                             f"{t.loom_dtype}>" for t in items)
        return (f"Signature({self.name}({specs(self.inputs)}) -> "
                f"({specs(self.outputs)}))")

    __str__ = __repr__


def _specs(types, prefix):
    """TensorSpecs; unnamed inputs and results (a module compiled from MLIR
    without `loom.name` attributes) are called input0, output0, ..."""
    return tuple(TensorSpec(t.name or f"{prefix}{i}", t.shape, t.numpy_dtype,
                            t.dtype)
                 for i, t in enumerate(types))


def _as_array(value, spec, index, fn_name):
    """`value` as a numpy array, without a copy where it can be read in
    place: numpy arrays as they are, DLPack producers (torch tensors) and
    buffer-protocol objects viewed; Python scalars and lists converted to the
    input's dtype."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "__dlpack__"):
        if getattr(value, "requires_grad", False) and hasattr(value, "detach"):
            value = value.detach()
        try:
            return np.from_dlpack(value)
        except (TypeError, ValueError, BufferError, RuntimeError) as error:
            # numpy's DLPack importer lacks some dtypes (bool before numpy
            # 1.25); torch tensors still offer a zero-copy .numpy().
            if hasattr(value, "numpy"):
                try:
                    return value.numpy()
                except Exception:  # noqa: BLE001 - reported below
                    pass
            raise TypeError(
                f"input {index} of function '{fn_name}' "
                f"({type(value).__name__}) cannot be read as a host array: "
                f"{error}") from None
    try:
        memoryview(value)
        return np.asarray(value)
    except TypeError:
        pass
    if isinstance(value, (int, float, bool, list, tuple)):
        try:
            return np.asarray(value, dtype=spec.dtype)
        except (TypeError, ValueError, OverflowError) as error:
            raise TypeError(
                f"input {index} of function '{fn_name}' cannot be converted "
                f"to {spec.dtype}: {error}") from None
    raise TypeError(
        f"input {index} of function '{fn_name}' is a {type(value).__name__}, "
        f"not an array (numpy array, torch tensor, DLPack or buffer-protocol "
        f"object)")


class Function:
    """One function of a loaded module; call it with arrays."""

    __slots__ = ("_fn", "name", "signature", "_module", "_convert")

    def __init__(self, fn, module):
        self._fn = fn
        self._module = module
        self._convert = self._convert_input
        self.name = fn.name
        self.signature = Signature(fn.name, _specs(fn.inputs, "input"),
                                   _specs(fn.outputs, "output"), fn.signature)

    def __call__(self, *args, **kwargs):
        """Runs the function. Inputs, by position or by name: numpy arrays
        (or torch tensors, DLPack or buffer-protocol objects) of the
        signature's dtypes and shapes, read in place when C-contiguous.
        Returns a numpy array, or a tuple of them for several results; they
        own the runtime's buffers (no copy). The GIL is released while the
        function runs."""
        if kwargs:
            args = tuple(self._bind(args, kwargs))
        return self._fn.call(args, self._convert)

    def _convert_input(self, value, index):
        return _as_array(value, self.signature.inputs[index], index, self.name)

    def _bind(self, args, kwargs):
        specs = self.signature.inputs
        names = [s.name for s in specs]
        # (More positional inputs than the signature has: the count error
        # is the C++ call's.)
        bound = list(args) + [None] * (len(specs) - len(args))
        for key, value in kwargs.items():
            if key not in names:
                raise TypeError(f"function '{self.name}' has no input named "
                                f"'{key}' (inputs: {', '.join(names)})")
            i = names.index(key)
            if i < len(args):
                raise TypeError(f"input {i} ('{key}') of function "
                                f"'{self.name}' given by position and by name")
            bound[i] = value
        missing = [names[i] for i, v in enumerate(bound[:len(specs)])
                   if v is None]
        if missing:
            raise TypeError(f"function '{self.name}' is missing input"
                            f"{'' if len(missing) == 1 else 's'} "
                            f"{', '.join(repr(m) for m in missing)}; "
                            f"signature: {self.signature.text}")
        return bound

    def __repr__(self):
        return f"<loom.Function {self.signature.text}>"


class Module:
    """A compiled module loaded on a device.

    Calling the module calls its function `main` (or its only function);
    `module.functions` holds them all by name."""

    def __init__(self, native, data, runtime):
        self._native = native
        self._data = data
        self.runtime = runtime
        self.functions = {f.name: Function(f, self)
                          for f in native.functions}
        if "main" in self.functions:
            self._default = self.functions["main"]
        elif len(self.functions) == 1:
            self._default = next(iter(self.functions.values()))
        else:
            self._default = None

    @property
    def target(self):
        """The target the module was compiled for ("cpu", "vulkan", "cuda")."""
        return self._native.target

    @property
    def device(self):
        return self.runtime.device

    @property
    def threads(self):
        return self.runtime.threads

    def _main(self):
        if self._default is None:
            raise TypeError(
                "the module has several functions and none is named 'main': "
                f"call one of module.functions ({', '.join(self.functions)})")
        return self._default

    @property
    def signature(self):
        """The signature of `main` (or of the only function)."""
        return self._main().signature

    def __call__(self, *args, **kwargs):
        return self._main()(*args, **kwargs)

    def save(self, path):
        """Writes the module file (.loom) that loom.load and loom-run read."""
        with open(os.fspath(path), "wb") as f:
            f.write(self._data)

    def to_bytes(self):
        """The module file's bytes."""
        return self._data

    def __repr__(self):
        names = ", ".join(self.functions)
        return (f"<loom.Module target={self.target} device={self.device} "
                f"functions=[{names}]>")


_runtimes = {}
_runtimes_lock = threading.Lock()


def _runtime(device, threads, max_call_memory):
    """One runtime (device, thread pool) per configuration, shared by the
    modules loaded on it."""
    if not isinstance(device, str):
        raise TypeError(f"device must be a string, not {type(device).__name__}")
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
        raise ValueError(f"threads must be an integer >= 0 (0: one per CPU), "
                         f"not {threads!r}")
    if (isinstance(max_call_memory, bool) or not isinstance(max_call_memory, int)
            or max_call_memory < 0):
        raise ValueError(f"max_call_memory must be a number of bytes >= 0 "
                         f"(0: unlimited), not {max_call_memory!r}")
    key = (device, threads, max_call_memory)
    with _runtimes_lock:
        runtime = _runtimes.get(key)
        if runtime is None:
            runtime = _loom.Runtime(device, threads, max_call_memory)
            _runtimes[key] = runtime
        return runtime


def _option_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_mlir_text(text):
    return "\n" in text or "func.func" in text or text.lstrip().startswith(
        ("module", "//", "#"))


def compile(model, *, target="cpu", device=None, threads=0,  # noqa: A001
            max_call_memory=0, opt_level=3, contraction_optimizer="auto",
            contraction_memory_limit=0, **target_options):
    """Compiles a model and loads it on a device.

    model: a path (str or os.PathLike) to a .mlir file in the loom dialect or
        an .onnx file; MLIR text (a str holding the model itself); an
        onnx.ModelProto; or the bytes of a serialized ONNX model.
    target: "cpu", "vulkan" or "cuda" (what loom-compile --target= takes).
    device: the device to load it on (default: the target's, "cpu",
        "vulkan" or "cuda"; "vulkan:1" picks a device).
    threads: CPU threads per call, the calling thread included (0: one per
        CPU this process may use).
    max_call_memory: bytes one call may allocate (0: unlimited).
    opt_level: 0-3, as loom-compile -O.
    contraction_optimizer, contraction_memory_limit: the tensor-network path
        finder ("auto", "optimal", "greedy", "random-greedy", "partition")
        and the largest intermediate allowed, in elements (0: no limit;
        larger ones are sliced).
    target_options: the target's own options, by their loom-compile names
        with '_' for '-': cpu="znver3", cuda_arch="sm_90",
        cuda_cubin=True, ... (`loom-compile --help` lists them).

    Returns a loom.Module. Raises loom.CompileError with the compiler's
    diagnostics (file:line:col) when the model does not compile, and
    loom.RuntimeError when the device refuses the module. The GIL is
    released while compiling."""
    if device is None:  # each target's device has the target's name
        device = target if isinstance(target, str) else "cpu"
    runtime = _runtime(device, threads, max_call_memory)
    data = compile_to_bytes(
        model, target=target, opt_level=opt_level,
        contraction_optimizer=contraction_optimizer,
        contraction_memory_limit=contraction_memory_limit, **target_options)
    return Module(_loom.Module.from_bytes(runtime, data), data, runtime)


def compile_to_bytes(model, *, target="cpu", opt_level=3,
                     contraction_optimizer="auto", contraction_memory_limit=0,
                     **target_options):
    """Compiles a model into the bytes of a .loom module file without
    loading it: for a device this machine lacks (target="cuda" without a
    GPU), or to ship the module. Arguments and errors as loom.compile's;
    loom.load takes the bytes."""
    if not _loom.has_compiler:
        raise CompileError("this loom package was built without the compiler "
                           "(LOOM_BUILD_COMPILER=OFF): use loom.load")
    if not isinstance(target, str):
        raise TypeError(f"target must be a string, not {type(target).__name__}")
    options = {
        "target": target,
        "opt_level": opt_level,
        "contraction_optimizer": contraction_optimizer,
        "contraction_memory_limit": float(contraction_memory_limit),
        "target_options": {k.replace("_", "-"): _option_value(v)
                           for k, v in target_options.items()},
    }
    return _compile_bytes(model, options)


def _compile_bytes(model, options):
    if isinstance(model, os.PathLike):
        model = os.fspath(model)
    if type(model).__name__ == "ModelProto" and hasattr(
            model, "SerializeToString"):
        model = model.SerializeToString()
    if isinstance(model, (bytes, bytearray, memoryview)):
        # A serialized ONNX model: compiled through a temporary file (the
        # importer resolves external data relative to the model's path;
        # onnx.load has already read it into the model).
        with tempfile.TemporaryDirectory(prefix="loom-") as tmp:
            path = os.path.join(tmp, "model.onnx")
            with open(path, "wb") as f:
                f.write(bytes(model))
            return _loom.compile_file(path, options)
    if isinstance(model, str):
        if _is_mlir_text(model) and not os.path.exists(model):
            return _loom.compile_text(model, "<string>", options)
        if not os.path.exists(model):
            raise FileNotFoundError(f"no model file '{model}'")
        return _loom.compile_file(model, options)
    raise TypeError(
        f"model must be a path, MLIR text, an onnx.ModelProto or ONNX bytes, "
        f"not {type(model).__name__}")


def load(module, *, device="cpu", threads=0, max_call_memory=0):
    """Loads a compiled module: a .loom file's path or its bytes.

    device, threads, max_call_memory: as for loom.compile. Raises
    loom.RuntimeError for a missing, corrupt or incompatible module (its
    `code` names the runtime's status: NOT_FOUND, DATA_LOSS,
    INCOMPATIBLE, ...)."""
    runtime = _runtime(device, threads, max_call_memory)
    if isinstance(module, (bytes, bytearray, memoryview)):
        data = bytes(module)
    elif isinstance(module, (str, os.PathLike)):
        path = os.fspath(module)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise FileNotFoundError(f"no module file '{path}'") from None
    else:
        raise TypeError(f"module must be a path or bytes, not "
                        f"{type(module).__name__}")
    return Module(_loom.Module.from_bytes(runtime, data), data, runtime)
