"""The constant data of a C model (integer weights, biases, requantization, tables, gather indices)
as one binary blob: each array at a 64-byte-aligned offset, in its C type, little-endian."""
from __future__ import annotations

import numpy as np

from frontc.cmodel.plan import ALIGN

MAGIC = b"FRONTCCM"
HEADER = 64  # MAGIC, the blob's byte size (uint64), a checksum of the payload (uint64), zeros
C_TYPES = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "uint16": "uint16_t", "int32": "int32_t",
           "int64": "int64_t"}


def c_type(dtype: np.dtype | str) -> str:
    """The C99 type of an integer numpy dtype."""
    return C_TYPES[str(np.dtype(dtype))]


class Blob:
    """Arrays appended once each (identical arrays shared), addressed by byte offset."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = HEADER
        self._seen: dict[tuple[str, bytes], int] = {}

    def add(self, array: np.ndarray, dtype: str) -> str:
        """Append ``array`` as ``dtype`` (values must fit); returns the C expression of a pointer to it."""
        value = np.asarray(array)
        cast = value.astype(dtype)
        if not np.array_equal(cast.astype(np.int64), value.astype(np.int64)):
            raise ValueError(f"values do not fit {dtype}")
        data = np.ascontiguousarray(cast).astype(cast.dtype.newbyteorder("<")).tobytes()
        key = (dtype, data)
        if key not in self._seen:
            pad = -self.size % ALIGN
            self.parts.append(b"\0" * pad)
            self._seen[key] = self.size + pad
            self.parts.append(data)
            self.size += pad + len(data)
        return f"((const {c_type(dtype)} *)(cm_blob + {self._seen[key]}))"

    def payload(self) -> bytes:
        return b"".join(self.parts)

    def checksum(self) -> int:
        return checksum(self.payload())

    def to_bytes(self) -> bytes:
        """The blob file: header then payload."""
        head = MAGIC + self.size.to_bytes(8, "little") + self.checksum().to_bytes(8, "little")
        return head + b"\0" * (HEADER - len(head)) + self.payload()


def checksum(data: bytes) -> int:
    """sum((2 i + 1) * word_i) mod 2**64 over the little-endian 64-bit words of ``data`` (zero-padded):
    what the C loader recomputes to refuse a blob that does not belong to its code."""
    words = np.frombuffer(data + b"\0" * (-len(data) % 8), "<u8")
    weights = np.arange(1, 2 * len(words) + 1, 2, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return int(np.sum(words * weights, dtype=np.uint64))
