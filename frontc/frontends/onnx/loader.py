"""Read, check and scan an ONNX model, then convert it node by node into the IR."""
from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from frontc.frontends import resolve_input_shapes
from frontc.frontends.builder import GraphBuilder
from frontc.frontends.onnx.context import REGISTRY, Const, Context, OnnxNode
from frontc.ir.errors import FrontcNote, ModelLoadError, OptionError
from frontc.ir.graph import Graph

MIN_OPSET = 7
DEFAULT_DOMAINS = ("", "ai.onnx")


def one_line(exc: BaseException, limit: int = 240) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 3] + "..."


def read_model(source: Any) -> tuple[Any, str]:
    """(checked ModelProto, a name for messages); ModelLoadError when it cannot be used."""
    import onnx
    from google.protobuf.json_format import ParseError
    from google.protobuf.message import DecodeError

    if isinstance(source, onnx.ModelProto):
        model = source
        where = f"onnx.ModelProto '{source.graph.name}'" if source.graph.name else "onnx.ModelProto"
    elif isinstance(source, (str, os.PathLike)):
        where = str(source)
        if not Path(where).is_file():
            raise ModelLoadError("no such ONNX model file", path=where, hint="check the path")
        try:
            model = onnx.load(where)
        except (DecodeError, ParseError) as exc:
            raise ModelLoadError(f"not a readable ONNX model (protobuf: {one_line(exc)})", path=where,
                                 hint="the file is corrupted, truncated or not an .onnx file") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"cannot read the ONNX model: {one_line(exc)}", path=where) from None
    else:
        raise ModelLoadError(f"expected an .onnx path or an onnx.ModelProto, got {type(source).__name__}")
    try:  # a path also checks models over 2 GiB (external data)
        onnx.checker.check_model(where if isinstance(source, (str, os.PathLike)) else model)
    except (onnx.checker.ValidationError, ValueError) as exc:
        raise ModelLoadError(f"the model fails onnx.checker: {one_line(exc)}", path=where,
                             hint="re-export the model or fix it with onnx tools") from None
    return model, where


def model_opset(model: Any, where: str) -> int:
    import onnx

    opset = next((o.version for o in model.opset_import if o.domain in DEFAULT_DOMAINS), 0)
    newest = onnx.defs.onnx_opset_version()
    if not MIN_OPSET <= opset <= newest:
        raise ModelLoadError(f"opset {opset} is outside the supported range {MIN_OPSET}..{newest}",
                             path=where, hint="convert it with onnx.version_converter")
    return opset


def op_key(node: Any) -> str:
    """Registry key: the op type, prefixed by its domain outside the default domain."""
    return node.op_type if node.domain in DEFAULT_DOMAINS else f"{node.domain}.{node.op_type}"


def node_name(node: Any) -> str:
    return node.name or next((o for o in node.output if o), node.op_type)


def check_ops(model: Any, opset: int, where: str) -> None:
    """One UnsupportedOpError listing every op of the model that no converter handles."""
    import onnx

    REGISTRY.check_supported(((op_key(n), node_name(n)) for n in model.graph.node), version=opset,
                             source=where, framework_version=f"onnx {onnx.__version__}")


def attributes(node: Any) -> dict[str, Any]:
    """The node's attributes as Python values (strings decoded, tensors as numpy arrays)."""
    import onnx
    from onnx import numpy_helper

    out: dict[str, Any] = {}
    for attr in node.attribute:
        value = onnx.helper.get_attribute_value(attr)
        if isinstance(value, bytes):
            value = value.decode()
        elif isinstance(value, onnx.TensorProto):
            value = numpy_helper.to_array(value)
        elif isinstance(value, list) and value and isinstance(value[0], bytes):
            value = [v.decode() for v in value]
        out[attr.name] = value
    return out


def input_specs(model: Any, input_shapes: dict[str, Sequence[int]] | None,
                where: str) -> list[tuple[str, tuple[int, ...], str]]:
    """(name, static shape, numpy dtype) of each true graph input (not an initializer)."""
    from onnx.helper import tensor_dtype_to_np_dtype

    weights = {t.name for t in model.graph.initializer}
    inputs = [v for v in model.graph.input if v.name not in weights]
    shapes = resolve_input_shapes(input_shapes, [v.name for v in inputs])
    unknown = sorted(set(shapes) - {v.name for v in inputs})
    if unknown:
        raise OptionError(f"input_shapes names {unknown}, which are not inputs of the model",
                          hint=f"its inputs are {[v.name for v in inputs]}")
    specs = []
    for value in inputs:
        tensor = value.type.tensor_type
        dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?")
                for d in tensor.shape.dim]
        shape = shapes.get(value.name)
        if shape is not None:
            shape = tuple(int(d) for d in shape)
            fixed = [(d, s) for d, s in zip(dims, shape) if isinstance(d, int) and d != s]
            if tensor.HasField("shape") and (len(shape) != len(dims) or fixed):
                raise OptionError(f"input_shapes gives {list(shape)} for input '{value.name}', "
                                  f"but the model declares {dims}", hint="keep the rank and the "
                                  "static dims; set only the dynamic ones")
        elif tensor.HasField("shape") and dims and not isinstance(dims[0], int) \
                and all(isinstance(d, int) for d in dims[1:]):
            shape = (1, *dims[1:])
            warnings.warn(FrontcNote(f"input '{value.name}' has a dynamic batch dim ({dims[0]}): using 1; "
                                     f"pass input_shapes={{'{value.name}': {shape}}} for another"), stacklevel=2)
        elif not tensor.HasField("shape") or any(not isinstance(d, int) for d in dims):
            what = f"dynamic dims {dims}" if tensor.HasField("shape") else "no declared shape"
            raise OptionError(f"input '{value.name}' of {where} has {what}",
                              hint=f"pass input_shapes={{'{value.name}': (...)}} with every dim fixed")
        else:
            shape = tuple(dims)
        specs.append((value.name, shape, str(np.dtype(tensor_dtype_to_np_dtype(tensor.elem_type)))))
    return specs


def convert(model: Any, opset: int, where: str, input_shapes: dict[str, Sequence[int]] | None,
            name: str | None = None) -> Graph:
    """Convert the checked, scanned model into a linted IR graph."""
    import onnx
    from onnx import numpy_helper

    name = name or model.graph.name or Path(where).stem
    builder = GraphBuilder(name, "onnx", onnx.__version__)
    ctx = Context(builder)
    source_tensors: dict[str, str] = {}
    for init in model.graph.initializer:
        ctx.values[init.name] = Const(numpy_helper.to_array(init), init.name)
    for input_name, shape, dtype in input_specs(model, input_shapes, where):
        ir_name = builder.input(input_name, shape, dtype)
        ctx.values[input_name] = source_tensors[input_name] = ir_name
    for proto in model.graph.node:
        node = OnnxNode(node_name(proto), proto.op_type, list(proto.input), list(proto.output),
                        attributes(proto), opset)
        ctx.bind(node, REGISTRY.lookup(op_key(proto), opset)(node, ctx))
        for out in node.outputs:
            value = ctx.values.get(out)
            if isinstance(value, str):
                source_tensors[out] = value
    outputs = []
    for out in model.graph.output:
        if out.name not in ctx.values:
            raise ModelLoadError(f"graph output '{out.name}' is not computed by any supported node",
                                 path=where)
        outputs.append(ctx.tensor(ctx.values[out.name]))
    graph = builder.finish(outputs)
    graph.meta.update(opset=opset, producer=f"{model.producer_name} {model.producer_version}".strip(),
                      source_tensors=source_tensors)
    return graph
