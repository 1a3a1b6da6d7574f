"""Write MXNet ``.params`` files with numpy alone (the layout ``frontc.frontends.mxnet.params``
reads): u64 magic 0x112, u64 reserved, u64 count, V2 dense arrays, u64 name count, names."""
from __future__ import annotations

import struct

import numpy as np

from frontc.frontends.mxnet.params import LIST_MAGIC, NDARRAY_V2_MAGIC
from frontc.ir.errors import UnsupportedOpError

DTYPE_FLAGS = {"float32": 0, "float64": 1, "float16": 2, "uint8": 3, "int32": 4, "int8": 5, "int64": 6,
               "bool": 7}
CPU_DEVICE = 1


def _array(value: np.ndarray) -> bytes:
    flag = DTYPE_FLAGS.get(str(value.dtype))
    if flag is None:
        raise UnsupportedOpError(f"MXNet params cannot hold dtype {value.dtype}",
                                 hint=f"cast the param to one of {sorted(DTYPE_FLAGS)}")
    shape = value.shape if value.ndim else (1,)  # a V2 array of ndim 0 means "none"
    head = struct.pack("<Iii", NDARRAY_V2_MAGIC, 0, len(shape)) + struct.pack(f"<{len(shape)}q", *shape)
    head += struct.pack("<iii", CPU_DEVICE, 0, flag)
    return head + np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<")).tobytes()


def params_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """The bytes of a ``.params`` file holding ``arrays`` in order (names as given, e.g. ``arg:w``)."""
    out = [struct.pack("<QQQ", LIST_MAGIC, 0, len(arrays))]
    out += [_array(np.asarray(v)) for v in arrays.values()]
    out.append(struct.pack("<Q", len(arrays)))
    for name in arrays:
        raw = name.encode()
        out.append(struct.pack("<Q", len(raw)) + raw)
    return b"".join(out)
