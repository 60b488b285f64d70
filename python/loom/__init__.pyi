"""Type stubs of the loom package (python/loom)."""
import builtins
import os
from typing import Any, Dict, List, Literal, Optional, Sequence, Tuple, Union

import numpy as np

__version__: str
module_format_version: int

_Optimizer = Literal["auto", "optimal", "greedy", "random-greedy", "partition"]
ArrayLike = Any  # numpy arrays, torch tensors, DLPack / buffer-protocol objects

class CompileError(Exception):
    """The model did not compile; the message holds the diagnostics."""

class RuntimeError(builtins.RuntimeError):
    """The runtime refused a call, a module or a device."""
    code: str

class TensorSpec:
    name: str
    shape: Tuple[Optional[int], ...]
    dtype: np.dtype
    loom_dtype: str

class Signature:
    name: str
    inputs: Tuple[TensorSpec, ...]
    outputs: Tuple[TensorSpec, ...]
    text: str

class Function:
    name: str
    signature: Signature
    def __call__(self, *args: ArrayLike, **kwargs: ArrayLike) -> Union[np.ndarray, Tuple[np.ndarray, ...]]: ...

class Module:
    functions: Dict[str, Function]
    @property
    def target(self) -> str: ...
    @property
    def device(self) -> str: ...
    @property
    def threads(self) -> int: ...
    @property
    def signature(self) -> Signature: ...
    def __call__(self, *args: ArrayLike, **kwargs: ArrayLike) -> Union[np.ndarray, Tuple[np.ndarray, ...]]: ...
    def save(self, path: Union[str, os.PathLike]) -> None: ...
    def to_bytes(self) -> bytes: ...

def compile(model: Union[str, os.PathLike, bytes, Any], *,
            target: str = ..., device: Optional[str] = ...,
            threads: int = ..., max_call_memory: int = ...,
            opt_level: int = ..., contraction_optimizer: _Optimizer = ...,
            contraction_memory_limit: float = ...,
            **target_options: Any) -> Module: ...

def compile_to_bytes(model: Union[str, os.PathLike, bytes, Any], *,
                     target: str = ..., opt_level: int = ...,
                     contraction_optimizer: _Optimizer = ...,
                     contraction_memory_limit: float = ...,
                     **target_options: Any) -> bytes: ...

def load(module: Union[str, os.PathLike, bytes], *, device: str = ...,
         threads: int = ..., max_call_memory: int = ...) -> Module: ...

def einsum(subscripts: str, *operands: ArrayLike,
           optimize: Union[_Optimizer, bool] = ...,
           memory_limit: Optional[float] = ...) -> np.ndarray: ...

class EinsumPathInfo:
    eq: str
    size_dict: Dict[str, int]
    path: List[Tuple[int, int]]
    opt_cost: float
    naive_cost: float
    speedup: float
    largest_intermediate: float
    total_write: float
    sliced: List[str]
    num_slices: float
    optimizer: str
    method: str
    seconds: float

def einsum_path(subscripts: str, *operands: Any,
                optimize: Union[_Optimizer, bool] = ...,
                minimize: Literal["flops", "size", "write", "combo"] = ...,
                memory_limit: Optional[float] = ..., time_budget: float = ...,
                shapes: bool = ...) -> Tuple[List[Tuple[int, int]], EinsumPathInfo]: ...

def set_num_threads(threads: int) -> None: ...
def get_num_threads() -> int: ...
