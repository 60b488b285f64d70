"""Helpers for writing loom-dialect model files with numpy weights.

Run with Debian's /usr/bin/python3 (it has numpy). Weights are written as
dense_resource blobs so the IR text stays readable.
"""
import numpy as np

_DTYPES = {np.float32: "f32", np.float16: "f16", np.int32: "i32",
           np.int64: "i64", np.bool_: "i1"}


def tensor_type(shape, dtype=np.float32):
    et = _DTYPES[np.dtype(dtype).type]
    if len(shape) == 0:
        return f"tensor<{et}>"
    return "tensor<" + "x".join(str(d) for d in shape) + "x" + et + ">"


class Resources:
    """Collects named blobs for the {-# dialect_resources #-} section."""

    def __init__(self):
        self.blobs = []

    def add(self, name, array):
        array = np.ascontiguousarray(array)
        self.blobs.append((name, array))
        return f"dense_resource<{name}> : {tensor_type(array.shape, array.dtype)}"

    def section(self):
        lines = ["{-#", "  dialect_resources: {", "    builtin: {"]
        for i, (name, array) in enumerate(self.blobs):
            # Blob = 4-byte little-endian alignment, then the raw bytes.
            hexdata = (np.uint32(64).tobytes() + array.tobytes()).hex().upper()
            comma = "," if i + 1 < len(self.blobs) else ""
            lines.append(f'      {name}: "0x{hexdata}"{comma}')
        lines += ["    }", "  }", "#-}"]
        return "\n".join(lines) + "\n"
