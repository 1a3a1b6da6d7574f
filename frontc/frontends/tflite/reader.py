"""Read a .tflite flatbuffer with TensorFlow's own schema (``tensorflow.lite.tools.flatbuffer_utils``):
tensors (shape, dtype, constant data, quantization) and operators (builtin name, inputs, outputs,
options) of the main subgraph."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from frontc.ir.errors import ModelLoadError

DTYPES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 6: "bool", 7: "int16", 9: "int8"}


@dataclass
class Tensor:
    """One tensor: name, shape, dtype, constant data (or None) and quantization (or None)."""

    index: int
    name: str
    shape: tuple[int, ...]
    dtype: str
    data: np.ndarray | None
    scale: np.ndarray | None = None
    zero_point: np.ndarray | None = None
    axis: int = 0


@dataclass
class Operator:
    op: str
    inputs: list[int]
    outputs: list[int]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class TFLiteModel:
    path: str
    tensors: list[Tensor]
    operators: list[Operator]
    inputs: list[int]
    outputs: list[int]
    version: str


def read(path: str | os.PathLike) -> TFLiteModel:
    """The main subgraph of the .tflite file at ``path``; ModelLoadError when it is not one."""
    where = str(path)
    if not os.path.isfile(where):
        raise ModelLoadError("no such TFLite model file", path=where, hint="check the path")
    with open(where, "rb") as handle:
        head = handle.read(8)
    if len(head) < 8 or head[4:8] != b"TFL3":
        raise ModelLoadError("not a TFLite flatbuffer (no 'TFL3' identifier)", path=where,
                             hint="convert the model with tf.lite.TFLiteConverter")
    import tensorflow as tf  # after the cheap checks: a wrong file is refused without loading TensorFlow
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    try:
        model = flatbuffer_utils.read_model(where)
    except Exception as exc:  # the flatbuffer reader raises many types on a damaged file
        raise ModelLoadError(f"unreadable TFLite flatbuffer ({type(exc).__name__})", path=where,
                             hint="the file is truncated or corrupted") from None
    if len(model.subgraphs) != 1:
        raise ModelLoadError(f"{len(model.subgraphs)} subgraphs; frontc reads single-subgraph models", path=where)
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    graph = model.subgraphs[0]
    tensors = []
    for index, t in enumerate(graph.tensors):
        name = t.name.decode() if isinstance(t.name, bytes) else str(t.name)
        dtype = DTYPES.get(t.type)
        if dtype is None:
            raise ModelLoadError(f"tensor '{name}' has TFLite type {t.type}, which frontc does not compute in",
                                 path=where)
        shape = tuple(int(d) for d in (t.shape if t.shape is not None else ()))
        buffer = model.buffers[t.buffer].data if t.buffer < len(model.buffers) else None
        data = None
        if buffer is not None and len(buffer):
            data = np.frombuffer(np.asarray(buffer, np.uint8).tobytes(), dtype).reshape(shape).copy()
        q = t.quantization
        tensor = Tensor(index, name, shape, dtype, data)
        if q is not None and q.scale is not None and len(q.scale):
            tensor.scale = np.asarray(q.scale, np.float32)
            tensor.zero_point = np.asarray(q.zeroPoint, np.int64)
            tensor.axis = int(q.quantizedDimension)
        tensors.append(tensor)
    operators = []
    for op in graph.operators:
        code = model.operatorCodes[op.opcodeIndex]
        builtin = max(code.builtinCode, code.deprecatedBuiltinCode)
        opts = vars(op.builtinOptions) if op.builtinOptions is not None else {}
        operators.append(Operator(names.get(builtin, f"CUSTOM({code.customCode})"), list(op.inputs),
                                  list(op.outputs), opts))
    return TFLiteModel(where, tensors, operators, list(graph.inputs), list(graph.outputs), tf.__version__)
