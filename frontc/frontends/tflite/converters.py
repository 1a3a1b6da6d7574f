"""TFLite operators -> IR nodes. 4-D tensors are NHWC in TFLite and NCHW in the IR (weights are
transposed once); a Reshape of a 4-D tensor goes through NHWC order (explicit Transposes). Quantized
constants enter as their float values (q - zp) * scale; the grids of quantized activations, weights
and biases are collected for ``frontc.quant.importers`` (a float model has none)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from frontc.frontends.builder import GraphBuilder
from frontc.frontends.tflite.reader import Tensor, TFLiteModel
from frontc.ir.errors import ModelLoadError, UnsupportedOpError
from frontc.ir.graph import Graph
from frontc.quant.annotations import TensorQuant

NHWC_TO_NCHW = (0, 3, 1, 2)
NCHW_TO_NHWC = (0, 2, 3, 1)
FUSED = {0: "", 1: "Relu", 3: "Relu6"}
UNARY = {"RELU": "Relu", "RELU6": "Relu6", "LOGISTIC": "Sigmoid", "TANH": "Tanh", "HARD_SWISH": "HardSwish"}
BINARY = {"ADD": "Add", "MUL": "Mul", "SUB": "Sub"}
BITS = {"int8": (8, True), "uint8": (8, False), "int16": (16, True), "int32": (32, True)}


@dataclass
class Conversion:
    """The IR graph and what the file declared: activation grids and (weight, bias) grids by IR tensor,
    and each quantized TFLite tensor's IR name (to read the interpreter's own integers)."""

    graph: Graph
    acts: dict[str, TensorQuant] = field(default_factory=dict)
    weights: dict[str, tuple[TensorQuant, TensorQuant | None]] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)


def grid(t: Tensor, model: TFLiteModel) -> TensorQuant | None:
    """The grid of a quantized tensor (scales checked positive and finite), None for a float one."""
    if t.scale is None or t.dtype not in BITS:
        return None
    if t.scale.size == 0 or not np.all(np.isfinite(t.scale)) or not np.all(t.scale > 0):
        raise ModelLoadError(f"tensor '{t.name}' has scale {t.scale.ravel()[:4].tolist()}: scales must be positive "
                             "and finite", path=model.path, node=t.name, hint="re-convert the model")
    bits, signed = BITS[t.dtype]
    if t.scale.size == 1:
        return TensorQuant(np.float32(t.scale[0]), int(t.zero_point.ravel()[0]) if t.zero_point.size else 0,
                           bits, signed)
    zp = t.zero_point if t.zero_point.size == t.scale.size else np.zeros(t.scale.shape, np.int64)
    return TensorQuant(t.scale, zp, bits, signed, axis=t.axis)


def _pads(size: int, kernel: int, stride: int, dilation: int, same: bool) -> tuple[int, int]:
    if not same:
        return 0, 0
    total = max((math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


class Converter:
    """Walks the operators in order, emitting IR nodes (see the module docstring)."""

    def __init__(self, model: TFLiteModel, name: str) -> None:
        self.model, self.t = model, model.tensors
        self.b = GraphBuilder(name, "tflite", model.version)
        self.values: dict[int, str] = {}
        self.out = Conversion(self.b.graph)

    def fail(self, message: str, op: Any = None) -> ModelLoadError:
        return ModelLoadError(message, path=self.model.path, node=self.t[op.outputs[0]].name if op else None)

    def const(self, index: int) -> np.ndarray:
        t = self.t[index]
        if t.data is None:
            raise self.fail(f"tensor '{t.name}' must be a constant")
        tq = grid(t, self.model)
        if tq is None:
            return t.data.astype(np.float32) if t.dtype == "float16" else t.data
        zp = tq.broadcast(np.asarray(tq.zero_point, np.int64), t.data.ndim)
        scale = tq.broadcast(np.asarray(tq.scale, np.float32), t.data.ndim)
        return ((t.data.astype(np.int64) - zp).astype(np.float32) * scale).astype(np.float32)

    def x(self, index: int) -> str:
        if index not in self.values:
            if self.t[index].data is None:
                raise self.fail(f"tensor '{self.t[index].name}' is read before it is computed")
            value = self.const(index)
            self.values[index] = self.b.param(self.t[index].name, value.transpose(NHWC_TO_NCHW)
                                              if value.ndim == 4 else value)
        return self.values[index]

    def emit(self, op: str, inputs: list[str], attrs: dict | None, index: int | None, name: str = "") -> str:
        base = name or (self.t[index].name.split(";")[0] if index is not None else "t")
        out = self.b.add1(op, inputs, attrs or {}, name=base, source=base)
        if index is not None:
            self.values[index] = out
            tq = grid(self.t[index], self.model)
            if tq is not None:
                self.out.acts[out] = tq
                self.out.codes[index] = out
        return out

    def run(self, input_shapes: dict[str, tuple[int, ...]] | None) -> Conversion:
        for index in self.model.inputs:
            t = self.t[index]
            shape = tuple((input_shapes or {}).get(t.name, t.shape))
            if t.dtype != "float32":
                raise ModelLoadError(f"input '{t.name}' is {t.dtype}; frontc imports models with float inputs",
                                     path=self.model.path, hint="convert with inference_input_type=tf.float32")
            ir_shape = tuple(shape[i] for i in NHWC_TO_NCHW) if len(shape) == 4 else shape
            self.values[index] = self.b.input(t.name, ir_shape, "float32", layout="NCHW" if len(shape) == 4 else None)
        missing = sorted({op.op for op in self.model.operators if not hasattr(self, op.op.lower())})
        if missing:
            raise UnsupportedOpError(f"{len(missing)} unsupported TFLite op type(s): {', '.join(missing)}",
                                     path=self.model.path, hint="nothing was converted; please report these ops")
        for op in self.model.operators:
            getattr(self, op.op.lower())(op)
        graph = self.b.graph
        for index in self.model.outputs:  # outputs keep the file's names (a DEQUANTIZE's, not its int8 input's)
            have, want = self.values[index], self.t[index].name
            if have != want and not graph.is_input(have) and want not in graph.tensor_names():
                graph.rename_tensor(have, want)
                self._renamed(have, want)
        outputs = [self.values[index] for index in self.model.outputs]
        graph.meta.update({"source_format": "tflite", "source_layout": "NHWC", "source_path": self.model.path})
        self.b.finish(outputs)
        return self.out

    def _renamed(self, old: str, new: str) -> None:
        self.values = {i: new if v == old else v for i, v in self.values.items()}
        self.out.codes = {i: new if v == old else v for i, v in self.out.codes.items()}
        for table in (self.out.acts, self.out.weights):
            if old in table:
                table[new] = table.pop(old)

    # -------------------------------------------------------------- operators
    def _window(self, op: Any, x: str, kernel: tuple[int, int], dilation: tuple[int, int]) -> dict[str, Any]:
        o = op.options
        h, w = self.b.shape(x)[2:]
        same = o.get("padding", 0) == 0
        ph = _pads(h, kernel[0], o["strideH"], dilation[0], same)
        pw = _pads(w, kernel[1], o["strideW"], dilation[1], same)
        return {"strides": [o["strideH"], o["strideW"]], "pads": [ph[0], pw[0], ph[1], pw[1]]}

    def _fused(self, op: Any) -> dict[str, Any]:
        code = op.options.get("fusedActivationFunction", 0)
        if code not in FUSED:
            raise self.fail(f"fused activation {code} is not supported", op)
        return {"activation": FUSED[code]} if code else {}

    def conv_2d(self, op: Any, depthwise: bool = False) -> None:
        x = self.x(op.inputs[0])
        w = self.const(op.inputs[1])
        w = w.transpose(3, 0, 1, 2) if depthwise else w.transpose(0, 3, 1, 2)  # -> (out, in/group, H, W)
        o = op.options
        dilation = (o.get("dilationHFactor", 1), o.get("dilationWFactor", 1))
        attrs = {**self._window(op, x, w.shape[2:], dilation), "dilations": list(dilation),
                 "group": self.b.shape(x)[1] if depthwise else 1, **self._fused(op)}
        inputs = [x, self.b.param(self.t[op.inputs[1]].name, w)]
        if len(op.inputs) > 2 and op.inputs[2] >= 0:
            inputs.append(self.b.param(self.t[op.inputs[2]].name, self.const(op.inputs[2])))
        out = self.emit("Conv", inputs, attrs, op.outputs[0])
        self._weights(op, out, axis=0)

    def depthwise_conv_2d(self, op: Any) -> None:
        if op.options.get("depthMultiplier", 1) != 1 and self.b.shape(self.x(op.inputs[0]))[1] != 1:
            raise self.fail("depthwise convolution with a depth multiplier", op)
        self.conv_2d(op, depthwise=True)

    def _weights(self, op: Any, out: str, axis: int) -> None:
        wq = grid(self.t[op.inputs[1]], self.model)
        if wq is None:
            return
        bq = grid(self.t[op.inputs[2]], self.model) if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
        if bq is not None and np.ndim(bq.scale):
            bq = TensorQuant(bq.scale, bq.zero_point, bq.bits, bq.signed, axis=0)
        self.out.weights[out] = (wq, bq)

    def fully_connected(self, op: Any) -> None:
        x = self.x(op.inputs[0])
        w = self.const(op.inputs[1])
        if len(self.b.shape(x)) != 2:
            x = self._flat_nhwc(x, w.shape[1])
        inputs = [x, self.b.param(self.t[op.inputs[1]].name, w)]
        if len(op.inputs) > 2 and op.inputs[2] >= 0:
            inputs.append(self.b.param(self.t[op.inputs[2]].name, self.const(op.inputs[2])))
        out = self.emit("Dense", inputs, self._fused(op), op.outputs[0])
        self._weights(op, out, axis=0)

    def _flat_nhwc(self, x: str, columns: int) -> str:
        if len(self.b.shape(x)) == 4:
            x = self.emit("Transpose", [x], {"perm": list(NCHW_TO_NHWC)}, None, name=f"{x}/nhwc")
        return self.emit("Reshape", [x], {"shape": [-1, columns]}, None, name=f"{x}/rows")

    def _pool(self, op: Any, kind: str) -> None:
        x = self.x(op.inputs[0])
        kernel = (op.options["filterHeight"], op.options["filterWidth"])
        attrs = {"kernel_shape": list(kernel), **self._window(op, x, kernel, (1, 1))}
        if kind == "AvgPool":
            attrs["count_include_pad"] = 0
        out = self.emit(kind, [x], attrs, None if self._fused(op) else op.outputs[0],
                        name=self.t[op.outputs[0]].name.split(";")[0])
        self._activation(op, out)

    def _activation(self, op: Any, x: str) -> None:
        act = self._fused(op).get("activation")
        if act:
            self.emit(act, [x], {}, op.outputs[0])
        else:
            self.values[op.outputs[0]] = x

    def max_pool_2d(self, op: Any) -> None:
        self._pool(op, "MaxPool")

    def average_pool_2d(self, op: Any) -> None:
        self._pool(op, "AvgPool")

    def mean(self, op: Any) -> None:
        x = self.x(op.inputs[0])
        axes = sorted(int(a) % 4 for a in np.ravel(self.t[op.inputs[1]].data))
        if len(self.b.shape(x)) != 4 or axes != [1, 2]:
            raise self.fail(f"MEAN over axes {axes}; frontc takes the spatial mean of 4-D tensors", op)
        if op.options.get("keepDims"):
            self.emit("GlobalAvgPool", [x], {}, op.outputs[0])
            return
        pooled = self.emit("GlobalAvgPool", [x], {}, None, name=f"{self.t[op.outputs[0]].name}/pool")
        self.emit("Flatten", [pooled], {"axis": 1}, op.outputs[0])

    def softmax(self, op: Any) -> None:
        if op.options.get("beta", 1.0) != 1.0:
            raise self.fail("SOFTMAX with beta != 1", op)
        x = self.x(op.inputs[0])
        self.emit("Softmax", [x], {"axis": len(self.b.shape(x)) - 1 if len(self.b.shape(x)) != 4 else 1},
                  op.outputs[0])

    def reshape(self, op: Any) -> None:
        x = self.x(op.inputs[0])
        shape = list(self.t[op.outputs[0]].shape)
        if len(self.b.shape(x)) == 4:
            x = self.emit("Transpose", [x], {"perm": list(NCHW_TO_NHWC)}, None, name=f"{x}/nhwc")
        if len(shape) == 4:
            x = self.emit("Reshape", [x], {"shape": shape}, None, name=f"{x}/nhwc_shape")
            self.emit("Transpose", [x], {"perm": list(NHWC_TO_NCHW)}, op.outputs[0])
        else:
            self.emit("Reshape", [x], {"shape": shape}, op.outputs[0])

    def concatenation(self, op: Any) -> None:
        inputs = [self.x(i) for i in op.inputs]
        axis = op.options["axis"] % len(self.b.shape(inputs[0]))
        if len(self.b.shape(inputs[0])) == 4:
            axis = NHWC_TO_NCHW.index(axis)
        out = self.emit("Concat", inputs, {"axis": axis}, None if self._fused(op) else op.outputs[0],
                        name=self.t[op.outputs[0]].name.split(";")[0])
        self._activation(op, out)

    def pad(self, op: Any) -> None:
        x = self.x(op.inputs[0])
        pads = np.asarray(self.t[op.inputs[1]].data).reshape(-1, 2)
        if len(pads) == 4:
            pads = pads[list(NHWC_TO_NCHW)]
        self.emit("Pad", [x], {"pads": [int(p) for p in pads[:, 0]] + [int(p) for p in pads[:, 1]]}, op.outputs[0])

    def quantize(self, op: Any) -> None:
        source = self.x(op.inputs[0])
        tq = grid(self.t[op.outputs[0]], self.model)
        if self.b.graph.is_input(source) and tq is not None:
            self.out.acts[source] = tq
            self.out.codes[op.outputs[0]] = source
            self.values[op.outputs[0]] = source
            return
        self.emit("Identity", [source], {}, op.outputs[0])  # a requantization: frontc refuses it on import

    def dequantize(self, op: Any) -> None:
        if self.t[op.inputs[0]].data is not None:  # float16 / int8 weights stored compressed
            self.values[op.outputs[0]] = self.b.param(self.t[op.outputs[0]].name, self.const(op.inputs[0]))
            return
        self.values[op.outputs[0]] = self.x(op.inputs[0])

    def __getattr__(self, name: str) -> Any:
        kind = name.upper()
        if kind in UNARY:
            return lambda op: self.emit(UNARY[kind], [self.x(op.inputs[0])], {}, op.outputs[0])
        if kind in BINARY:
            return lambda op: self._binary(op, BINARY[kind])
        raise AttributeError(name)

    def _binary(self, op: Any, kind: str) -> None:
        a, b = (self.x(i) for i in op.inputs)
        out = self.emit(kind, [a, b], {}, None if self._fused(op) else op.outputs[0],
                        name=self.t[op.outputs[0]].name.split(";")[0])
        self._activation(op, out)
