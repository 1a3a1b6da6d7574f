"""A quantized ONNX model (QDQ pairs, or QLinear* / QGemm operators) -> a float ONNX model plus the
quantization it declares: ``split_quantized(model, where) -> Split``.

Every integer constant read by a DequantizeLinear becomes its float initializer ((q - zp) * scale,
exact) and its grid is recorded; every QuantizeLinear of an activation records that tensor's grid
and its DequantizeLinear readers read the float tensor again. QLinearConv, QLinearMatMul, QGemm,
QLinearAdd, QLinearMul, QLinearGlobalAveragePool and QLinearConcat become their float op between
the same records. Ops that move integers (MaxPool, Reshape... on a quantized tensor) keep running
on the float tensor, whose grid the annotation then passes on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from frontc.ir.errors import ModelLoadError, UnsupportedOpError
from frontc.quant.annotations import TensorQuant

QLINEAR = {  # op -> (integer inputs as (data, scale, zero point) index triples, output (scale, zp), float op)
    "QLinearConv": ([(0, 1, 2), (3, 4, 5)], (6, 7), "Conv"),
    "QLinearMatMul": ([(0, 1, 2), (3, 4, 5)], (6, 7), "MatMul"),
    "QGemm": ([(0, 1, 2), (3, 4, 5)], (7, 8), "Gemm"),
    "QLinearAdd": ([(0, 1, 2), (3, 4, 5)], (6, 7), "Add"),
    "QLinearMul": ([(0, 1, 2), (3, 4, 5)], (6, 7), "Mul"),
    "QLinearGlobalAveragePool": ([(0, 1, 2)], (3, 4), "GlobalAveragePool"),
}
BIAS_INPUT = {"QLinearConv": 8, "QGemm": 6}
DTYPES = {"int8": (8, True), "uint8": (8, False), "int16": (16, True), "uint16": (16, False), "int32": (32, True)}


@dataclass
class Split:
    """The float model and the grids the quantized model declared."""

    model: Any
    acts: dict[str, TensorQuant] = field(default_factory=dict)
    params: dict[str, TensorQuant] = field(default_factory=dict)  # float initializer -> its integers' grid
    weights: dict[str, tuple[TensorQuant, TensorQuant | None]] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # the file's integer tensor -> its float tensor


def is_quantized_model(model: Any) -> bool:
    return any(n.op_type in ("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", *QLINEAR,
                             "QLinearConcat", "ConvInteger", "MatMulInteger") for n in model.graph.node)


class _Splitter:
    def __init__(self, model: Any, where: str) -> None:
        from onnx import numpy_helper
        self.where, self.model = where, model
        self.consts = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        for node in model.graph.node:
            if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
                self.consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        self.rename: dict[str, str] = {}
        self.nodes: list[Any] = []
        self.floats: dict[str, np.ndarray] = {}
        self.split = Split(None)

    def fail(self, node: Any, message: str, hint: str | None = None) -> ModelLoadError:
        return ModelLoadError(message, path=self.where, node=node.name or node.output[0], hint=hint)

    def grid(self, node: Any, data: str, scale: str, zero: str | None, dtype: Any = None,
             axis: int | None = None) -> TensorQuant:
        """The (checked) grid of ``data`` given by the scale and zero-point inputs of ``node``."""
        if scale not in self.consts:
            raise self.fail(node, f"the scale of '{data}' is computed at run time (dynamic quantization)",
                            hint="frontc imports static quantization (quantize_static); re-quantize statically")
        s = np.asarray(self.consts[scale], np.float32)
        if s.size == 0 or not np.all(np.isfinite(s)) or not np.all(s > 0):
            raise self.fail(node, f"{node.op_type} scale '{scale}' of tensor '{data}' is "
                                  f"{s.ravel()[:4].tolist()}: scales must be positive and finite",
                            hint="re-quantize the model (a calibration range was empty or not finite)")
        zp = self.consts.get(zero) if zero else None
        kind = np.dtype(zp.dtype if zp is not None else dtype or np.uint8).name
        if kind not in DTYPES:
            raise UnsupportedOpError(f"{node.op_type} of '{data}' uses {kind} integers", path=self.where,
                                     node=node.name, hint=f"frontc imports {', '.join(DTYPES)}")
        bits, signed = DTYPES[kind]
        zp = np.zeros(s.shape, np.int64) if zp is None else np.asarray(zp, np.int64)
        if s.size == 1:
            return TensorQuant(np.float32(s.ravel()[0]), int(zp.ravel()[0]), bits, signed)
        if axis is None:
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
        return TensorQuant(s, zp.reshape(s.shape), bits, signed, axis=axis)

    def floatof(self, name: str) -> str:
        return self.rename.get(name, name)

    def record(self, node: Any, tensor: str, tq: TensorQuant) -> None:
        from frontc.quant.importers.annotate import same
        old = self.split.acts.get(tensor)
        if old is not None and not same(old, tq):
            raise self.fail(node, f"tensor '{tensor}' is quantized twice with different grids",
                            hint="the model is inconsistent; re-quantize it")
        self.split.acts[tensor] = tq

    def constant(self, node: Any, name: str, tq: TensorQuant) -> str:
        """A float initializer holding the integer constant ``name`` dequantized on grid ``tq``."""
        q = np.asarray(self.consts[name]).astype(np.int64)
        zp, scale = tq.broadcast(tq.zero_point, q.ndim), tq.broadcast(np.asarray(tq.scale, np.float32), q.ndim)
        out = f"{name}/float"
        self.floats[out] = ((q - zp).astype(np.float32) * scale).astype(np.float32)
        self.split.params[out] = tq
        return out

    def dequantize(self, node: Any) -> None:
        data = node.input[0]
        if data in self.consts:
            tq = self.grid(node, data, node.input[1], node.input[2] if len(node.input) > 2 else None,
                           self.consts[data].dtype)
            self.rename[node.output[0]] = self.constant(node, data, tq)
            return
        source = self.floatof(data)
        if source not in self.split.acts:
            raise self.fail(node, f"DequantizeLinear reads '{data}', which no QuantizeLinear produces",
                            hint="integer graph inputs are not imported; feed float inputs through QuantizeLinear")
        self.record(node, source, self.grid(node, data, node.input[1], node.input[2] if len(node.input) > 2
                                            else None))
        self.rename[node.output[0]] = source

    def quantize(self, node: Any) -> None:
        data = node.input[0]
        tq = self.grid(node, data, node.input[1], node.input[2] if len(node.input) > 2 else None)
        if data in self.consts:  # float weights quantized in the graph: ONNX rounds half to even
            zp = tq.broadcast(tq.zero_point, self.consts[data].ndim)
            scale = tq.broadcast(np.asarray(tq.scale, np.float32), self.consts[data].ndim)
            self.consts[node.output[0]] = np.clip(np.rint(self.consts[data] / scale) + zp, tq.qmin,
                                                  tq.qmax).astype(tq.dtype)
            return
        if np.ndim(tq.scale):
            raise self.fail(node, f"per-axis quantization of activation '{data}'",
                            hint="frontc quantizes activations per tensor")
        self.record(node, self.floatof(data), tq)
        self.rename[node.output[0]] = self.split.codes[node.output[0]] = self.floatof(data)

    def qlinear(self, node: Any) -> None:
        import onnx
        triples, (ys, yz), op = QLINEAR[node.op_type]
        inputs = []
        trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
        weight_axis = {"Conv": 0, "MatMul": 1, "Gemm": 0 if trans_b else 1}.get(op)  # output channels
        for data, scale, zero in triples:
            tq = self.grid(node, node.input[data], node.input[scale], node.input[zero] or None,
                           axis=weight_axis if data == 3 else None)
            if node.input[data] in self.consts:
                inputs.append(self.constant(node, node.input[data], tq))
            else:
                self.record(node, self.floatof(node.input[data]), tq)
                inputs.append(self.floatof(node.input[data]))
        bias = BIAS_INPUT.get(node.op_type)
        if bias is not None and len(node.input) > bias and node.input[bias]:
            x, w = (self.split.params.get(t) or self.split.acts[t] for t in inputs[:2])
            scale = np.float32(x.scale) * np.asarray(w.scale, np.float32)
            tq = TensorQuant(scale if scale.size > 1 else np.float32(scale), 0 if scale.size == 1 else
                             np.zeros(scale.shape, np.int64), 32, True, axis=0 if scale.size > 1 else None)
            inputs.append(self.constant(node, node.input[bias], tq))
        if len(node.input) <= ys or not node.input[ys]:
            raise self.fail(node, f"{node.op_type} with a float output", hint="quantize its output too")
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute
                 if a.name not in ("channels_last",)}
        self.nodes.append(onnx.helper.make_node(op, inputs, [node.output[0]], name=node.name, **attrs))
        self.record(node, node.output[0], self.grid(node, node.output[0], node.input[ys], node.input[yz] or None))
        self.split.codes[node.output[0]] = node.output[0]

    def concat(self, node: Any) -> None:
        import onnx
        inputs = []
        for i in range(2, len(node.input), 3):
            tq = self.grid(node, node.input[i], node.input[i + 1], node.input[i + 2] or None)
            self.record(node, self.floatof(node.input[i]), tq)
            inputs.append(self.floatof(node.input[i]))
        axis = next(a.i for a in node.attribute if a.name == "axis")
        self.nodes.append(onnx.helper.make_node("Concat", inputs, [node.output[0]], name=node.name, axis=axis))
        self.record(node, node.output[0], self.grid(node, node.output[0], node.input[0], node.input[1] or None))
        self.split.codes[node.output[0]] = node.output[0]

    def run(self) -> Split:
        import onnx
        unsupported = [n for n in self.model.graph.node if n.op_type in
                       ("DynamicQuantizeLinear", "ConvInteger", "MatMulInteger")]
        if unsupported:
            raise UnsupportedOpError(
                f"dynamic quantization ({', '.join(sorted({n.op_type for n in unsupported}))}) computes "
                "activation scales per input at run time; frontc's annotations are static", path=self.where,
                node=unsupported[0].name, hint="compile it with `frontc compile onnx MODEL`, which simulates "
                "these as plain integer IR ops (exact to ONNX Runtime), or quantize statically to annotate it")
        for node in self.model.graph.node:
            if node.op_type == "Constant" and node.output[0] in self.consts:
                continue
            if node.op_type == "DequantizeLinear":
                self.dequantize(node)
            elif node.op_type == "QuantizeLinear":
                self.quantize(node)
            elif node.op_type in QLINEAR:
                self.qlinear(node)
            elif node.op_type == "QLinearConcat":
                self.concat(node)
            else:
                copy = onnx.NodeProto()
                copy.CopyFrom(node)
                copy.input[:] = [self.floatof(t) for t in node.input]
                self.nodes.append(copy)
        return self.finish()

    def finish(self) -> Split:
        import onnx
        from onnx import numpy_helper
        graph = self.model.graph
        alias = {self.floatof(o.name): o.name for o in graph.output if self.floatof(o.name) != o.name}
        for node in self.nodes:  # named by their first output: the IR names its tensors by nodes
            node.input[:] = [alias.get(t, t) for t in node.input]
            node.output[:] = [alias.get(t, t) for t in node.output]
            node.name = node.output[0]
        self.split.acts = {alias.get(t, t): tq for t, tq in self.split.acts.items()}
        self.split.codes = {k: alias.get(t, t) for k, t in self.split.codes.items()}
        used = {t for n in self.nodes for t in n.input}
        inits = [i for i in graph.initializer if i.name in used]
        inits += [numpy_helper.from_array(v, k) for k, v in self.floats.items() if k in used]
        have = {i.name for i in inits}  # Constant nodes (Clip bounds, shapes) read by kept nodes
        inits += [numpy_helper.from_array(np.asarray(v), k) for k, v in self.consts.items()
                  if k in used and k not in have]
        outputs = []
        for o in graph.output:
            shape = [d.dim_value or d.dim_param for d in o.type.tensor_type.shape.dim]
            outputs.append(onnx.helper.make_tensor_value_info(o.name, onnx.TensorProto.FLOAT, shape or None))
        inputs = [i for i in graph.input if i.name not in {x.name for x in graph.initializer}]
        body = onnx.helper.make_graph(self.nodes, graph.name or "quantized", inputs, outputs, inits)
        opsets = [o for o in self.model.opset_import if o.domain in ("", "ai.onnx")]
        self.split.model = onnx.helper.make_model(body, opset_imports=opsets, ir_version=self.model.ir_version)
        for node in self.nodes:
            if node.op_type in ("Conv", "Gemm", "MatMul") and len(node.input) > 1 \
                    and node.input[1] in self.split.params:
                bias = node.input[2] if len(node.input) > 2 and node.input[2] else None
                self.split.weights[node.output[0]] = (self.split.params[node.input[1]],
                                                      self.split.params.get(bias) if bias else None)
        return self.split


def split_quantized(model: Any, where: str) -> Split:
    """The float model and declared grids of a quantized ONNX model (see the module doc)."""
    return _Splitter(model, where).run()
