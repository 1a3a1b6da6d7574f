"""Reduce*, ArgMax/ArgMin, TopK and CumSum."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.registry import kernel


def _l2(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))


def _extreme(fn: Any, lowest: bool):
    """np.max / np.min whose reduction over an empty set gives the identity (-inf / +inf, or the
    integer type's end), as ONNX defines it."""
    def run(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
        if x.size:
            return fn(x, axis=axis, keepdims=keepdims)
        info = np.finfo(x.dtype) if x.dtype.kind == "f" else np.iinfo(x.dtype)
        start = (-np.inf if lowest else np.inf) if x.dtype.kind == "f" else (info.min if lowest else info.max)
        return fn(x, axis=axis, keepdims=keepdims, initial=start)
    return run


_REDUCERS = {"ReduceMean": np.mean, "ReduceSum": np.sum, "ReduceMax": _extreme(np.max, True),
             "ReduceMin": _extreme(np.min, False), "ReduceProd": np.prod, "ReduceL2": _l2}

for _op, _fn in _REDUCERS.items():
    kernel(_op)(lambda ins, a, fn=_fn: np.asarray(
        fn(ins[0], axis=tuple(a["axes"]) or None, keepdims=bool(a["keepdims"]))
    ).astype(ins[0].dtype, copy=False))


def _arg(op: str):
    def run(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
        x, axis = ins[0], a["axis"] % max(ins[0].ndim, 1)
        fn = np.argmax if op == "ArgMax" else np.argmin
        if a["select_last_index"]:
            index = x.shape[axis] - 1 - fn(np.flip(x, axis), axis=axis)
        else:
            index = fn(x, axis=axis)
        index = np.asarray(index, dtype=np.int64)
        return np.expand_dims(index, axis) if a["keepdims"] else index
    return run


for _op in ("ArgMax", "ArgMin"):
    kernel(_op)(_arg(_op))


@kernel("TopK")
def top_k(ins: list[Any], a: dict[str, Any]) -> list[np.ndarray]:
    x, k = ins[0], a["k"]
    axis = a["axis"] % x.ndim
    key = x.astype(np.float64) if x.dtype.kind == "u" else x
    order = np.argsort(-key if a["largest"] else key, axis=axis, kind="stable")
    index = np.ascontiguousarray(np.take(order, np.arange(k), axis=axis)).astype(np.int64)
    return [np.ascontiguousarray(np.take_along_axis(x, index, axis=axis)), index]


@kernel("CumSum")
def cum_sum(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, axis = ins[0], a["axis"] % ins[0].ndim
    source = np.flip(x, axis) if a["reverse"] else x
    total = np.cumsum(source, axis=axis, dtype=x.dtype)
    if a["exclusive"]:
        total = total - source
    return np.ascontiguousarray(np.flip(total, axis) if a["reverse"] else total)
