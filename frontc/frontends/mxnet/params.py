"""Read MXNet ``.params`` files (a list of NDArrays with names) with numpy alone.

Layout, little-endian (see ``NDArray::Save`` in mxnet/src/ndarray/ndarray.cc):
u64 list magic 0x112, u64 reserved, u64 array count, the arrays, u64 name count,
names as u64 length + bytes. Each dense array: u32 magic (V2 0xF993FAC9 or V3
0xF993FACA), i32 storage type, shape (i32 ndim + int64 dims), context (i32 device
type, i32 device id), i32 dtype flag, raw data. A V2 array of ndim 0 and a V3
array of unknown shape are "none" arrays: nothing follows their shape.
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from frontc.ir.errors import ModelLoadError

LIST_MAGIC = 0x112
NDARRAY_V2_MAGIC = 0xF993FAC9
NDARRAY_V3_MAGIC = 0xF993FACA
DENSE_STORAGE = 0
BFLOAT16_FLAG = 12
DTYPES = {0: np.dtype("<f4"), 1: np.dtype("<f8"), 2: np.dtype("<f2"), 3: np.dtype("u1"),
          4: np.dtype("<i4"), 5: np.dtype("i1"), 6: np.dtype("<i8"), 7: np.dtype("?"),
          BFLOAT16_FLAG: np.dtype("<u2")}
STORAGE_NAMES = {1: "row_sparse", 2: "csr"}


class _Reader:
    """A cursor over the file's bytes that fails with the file's name on truncation."""

    def __init__(self, data: bytes, path: str) -> None:
        self.data, self.pos, self.path = data, 0, path

    def take(self, size: int, what: str) -> memoryview:
        if size < 0 or self.pos + size > len(self.data):
            raise ModelLoadError(f"truncated MXNet params file: {what} needs {size} bytes at offset "
                                 f"{self.pos}, the file has {len(self.data)}", path=self.path,
                                 hint="re-export the model")
        view = memoryview(self.data)[self.pos:self.pos + size]
        self.pos += size
        return view

    def unpack(self, fmt: str, what: str) -> tuple:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))

    def u64(self, what: str) -> int:
        return self.unpack("<Q", what)[0]


def _array(reader: _Reader, index: int) -> np.ndarray:
    """One NDArray; bfloat16 is widened to float32 exactly (its bits are float32's top half)."""
    where = f"array {index}"
    magic, storage = reader.unpack("<Ii", f"{where} header")
    if magic not in (NDARRAY_V2_MAGIC, NDARRAY_V3_MAGIC):
        raise ModelLoadError(f"{where} has unknown NDArray magic 0x{magic:08X} (expected "
                             f"0x{NDARRAY_V2_MAGIC:08X} or 0x{NDARRAY_V3_MAGIC:08X})",
                             path=reader.path, hint="re-save it with mxnet >= 1.0")
    if storage != DENSE_STORAGE:
        kind = STORAGE_NAMES.get(storage, f"storage type {storage}")
        raise ModelLoadError(f"{where} is a sparse ({kind}) NDArray; only dense arrays are supported",
                             path=reader.path, hint="save the weights with .tostype('default')")
    (ndim,) = reader.unpack("<i", f"{where} ndim")
    shape = reader.unpack(f"<{max(ndim, 0)}q", f"{where} shape")
    if (magic == NDARRAY_V2_MAGIC and ndim == 0) or ndim < 0 or any(d < 0 for d in shape):
        raise ModelLoadError(f"{where} is an empty ('none') NDArray without data", path=reader.path)
    _dev_type, _dev_id, flag = reader.unpack("<iii", f"{where} context and dtype")
    if flag not in DTYPES:
        raise ModelLoadError(f"{where} has unknown dtype flag {flag}", path=reader.path,
                             hint=f"known flags: {sorted(DTYPES)}")
    dtype = DTYPES[flag]
    count = int(np.prod(shape, dtype=np.int64))
    raw = reader.take(count * dtype.itemsize, f"{where} data")
    values = np.frombuffer(raw, dtype=dtype, count=count).reshape(shape)
    if flag == BFLOAT16_FLAG:
        return (values.astype(np.uint32) << 16).view(np.float32)
    return values.astype(dtype.newbyteorder("="))


def read_params(path: str | Path) -> dict[str, np.ndarray]:
    """Every array of an MXNet ``.params`` file by its stored name (``arg:``/``aux:`` kept).

    A file saved from a list has no names; its arrays are named ``"0"``, ``"1"``, ...
    """
    path = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ModelLoadError(f"cannot read MXNet params file: {exc.strerror}", path=path) from None
    reader = _Reader(data, path)
    magic, _reserved = reader.unpack("<QQ", "file header")
    if magic != LIST_MAGIC:
        raise ModelLoadError(f"not an MXNet params file: magic 0x{magic:X}, expected 0x{LIST_MAGIC:X}",
                             path=path)
    arrays = [_array(reader, i) for i in range(reader.u64("array count"))]
    count = reader.u64("name count")
    names = [bytes(reader.take(reader.u64(f"name {i} length"), f"name {i}")).decode("utf-8", "replace")
             for i in range(count)]
    if names and len(names) != len(arrays):
        raise ModelLoadError(f"{len(arrays)} arrays but {len(names)} names", path=path)
    if reader.pos != len(data):
        raise ModelLoadError(f"{len(data) - reader.pos} unexpected bytes after the names", path=path)
    return dict(zip(names or [str(i) for i in range(len(arrays))], arrays))


def split_params(params: dict[str, np.ndarray], path: str = "") -> dict[str, np.ndarray]:
    """Strip the ``arg:``/``aux:`` prefixes that ``export()`` writes; a clash is an error."""
    out: dict[str, np.ndarray] = {}
    for name, value in params.items():
        key = name.split(":", 1)[1] if name.startswith(("arg:", "aux:")) else name
        if key in out:
            raise ModelLoadError(f"parameter '{key}' is stored twice (arg: and aux:)", path=path or None)
        out[key] = value
    return out
