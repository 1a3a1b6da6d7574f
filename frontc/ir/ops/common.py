"""Shape arithmetic shared by the op families."""
from __future__ import annotations

import math
from collections.abc import Sequence

from frontc.ir.errors import ShapeError
from frontc.ir.schema import AttrSpec, In

FLOAT_TYPES = ("float16", "float32", "float64")
# the integer dtypes of quantized tensors: activations, weights, biases and accumulators
QUANT_INT_TYPES = ("int8", "uint8", "int16", "int32")

ACTIVATION_ATTRS = {
    "activation": AttrSpec("str", ""),
    "activation_params": AttrSpec("floats", ()),
}


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ShapeError(message)


def need(ins: Sequence[In | None], i: int, what: str) -> In:
    spec = ins[i] if i < len(ins) else None
    require(spec is not None, f"missing input {what}")
    return spec  # type: ignore[return-value]


def broadcast(*shapes: Sequence[int]) -> tuple[int, ...]:
    """Numpy/ONNX multidirectional broadcasting of shapes."""
    rank = max(len(s) for s in shapes)
    out = []
    for axis in range(rank):
        dims = {s[axis - rank + len(s)] for s in shapes if axis - rank + len(s) >= 0}
        dims.discard(1)
        require(len(dims) <= 1, f"shapes {[tuple(s) for s in shapes]} do not broadcast")
        out.append(dims.pop() if dims else 1)
    return tuple(out)


def norm_axis(axis: int, rank: int) -> int:
    require(-rank <= axis < rank or (rank == 0 and axis in (0, -1)),
            f"axis {axis} is out of range for rank {rank}")
    return axis % rank if rank else 0


def spatial(attr: list[int], n: int, default: int, name: str) -> list[int]:
    """A per-spatial-axis attribute, filled with ``default`` when empty."""
    if not attr:
        return [default] * n
    require(len(attr) == n, f"{name} has {len(attr)} values, expected {n}")
    return list(attr)


def pads_for(attr: list[int], n: int) -> list[int]:
    if not attr:
        return [0] * (2 * n)
    require(len(attr) == 2 * n, f"pads has {len(attr)} values, expected {2 * n} "
                                "(all begins, then all ends)")
    require(all(p >= 0 for p in attr), f"pads must be >= 0, got {attr}")
    return list(attr)


def window_out(size: int, kernel: int, stride: int, pad_begin: int, pad_end: int,
               dilation: int = 1, ceil_mode: bool = False) -> int:
    """Output length of a sliding window (conv, pool); ceil mode drops a window
    that would start inside the end padding, as PyTorch and ONNX Runtime do."""
    effective = dilation * (kernel - 1) + 1
    span = size + pad_begin + pad_end - effective
    require(span >= 0, f"window {effective} is larger than the padded input {size + pad_begin + pad_end}")
    if ceil_mode:
        out = math.ceil(span / stride) + 1
        if (out - 1) * stride >= size + pad_begin:
            out -= 1
        return out
    return span // stride + 1


def numeric_input(spec: In, op: str) -> None:
    """A floating-point or quantized-integer (int8/uint8/int16/int32) input."""
    require(spec.dtype in FLOAT_TYPES + QUANT_INT_TYPES,
            f"{op} needs a floating-point or int8/uint8/int16/int32 input, got {spec.dtype}")
