"""Read, check and scan an ONNX model, then convert it node by node into the IR."""
from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from frontc.frontends import resolve_input_shapes
from frontc.frontends.builder import GraphBuilder
from frontc.frontends.onnx.context import REGISTRY, Const, Context, OnnxNode
from frontc.ir.errors import FrontcNote, ModelLoadError, OptionError, UnsupportedOpError
from frontc.ir.graph import Graph

MIN_OPSET = 7
DEFAULT_DOMAINS = ("", "ai.onnx")
# ONNX element types with a numpy dtype the IR computes in (not bfloat16, float8/4, int4, string)
NUMERIC_TYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float16", "float32", "float64")


def numpy_dtype(elem_type: int, what: str, node: str | None = None) -> str:
    """The numpy dtype name of ONNX element type ``elem_type``; UnsupportedOpError naming ``what``
    for the types the IR does not compute in."""
    import onnx

    names = dict(onnx.TensorProto.DataType.items())
    by_number = {v: k for k, v in names.items()}
    onnx_name = by_number.get(elem_type, str(elem_type))
    numpy_name = {"FLOAT": "float32", "DOUBLE": "float64"}.get(onnx_name, onnx_name.lower())
    if numpy_name not in NUMERIC_TYPES:
        raise UnsupportedOpError(f"{what} has element type {onnx_name}, which frontc does not compute in",
                                 node=node, hint=f"supported: {', '.join(NUMERIC_TYPES)}")
    return numpy_name


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
        try:  # the external data is read once, after the check (which needs only the graph)
            model = onnx.load(where, load_external_data=False)
        except (DecodeError, ParseError) as exc:
            raise ModelLoadError(f"not a readable ONNX model (protobuf: {one_line(exc)})", path=where,
                                 hint="the file is corrupted, truncated or not an .onnx file") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"cannot read the ONNX model: {one_line(exc)}", path=where) from None
    else:
        raise ModelLoadError(f"expected an .onnx path or an onnx.ModelProto, got {type(source).__name__}")
    external = isinstance(source, (str, os.PathLike)) and _external_files(model, Path(where))
    try:  # with external data, the checker finds the data files from the model's path
        onnx.checker.check_model(where if external else model)
    except (onnx.checker.ValidationError, ValueError) as exc:
        raise ModelLoadError(f"the model fails onnx.checker: {one_line(exc)}", path=where,
                             hint="re-export the model or fix it with onnx tools") from None
    if external:
        _load_external_data(model, Path(where))
    return model, where


def _external_files(model: Any, path: Path) -> list[str]:
    """The external data files the model's initializers name; ModelLoadError if one is missing."""
    from onnx.external_data_helper import uses_external_data

    files = sorted({entry.value for t in model.graph.initializer if uses_external_data(t)
                    for entry in t.external_data if entry.key == "location"})
    missing = [f for f in files if not (path.parent / f).is_file()]
    if missing:
        raise ModelLoadError(f"the external data file(s) {missing} of the model are missing", path=str(path),
                             hint="keep the data file(s) next to the .onnx file, as exported")
    return files


def _load_external_data(model: Any, path: Path) -> None:
    """Read the tensors a model keeps in external files (next to ``path``) into it, once."""
    from onnx.external_data_helper import load_external_data_for_model

    try:
        load_external_data_for_model(model, str(path.parent))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"cannot read the model's external data: {one_line(exc)}", path=str(path)) from None


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
                             source=where, framework_version=onnx.__version__)


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
    weights = {t.name for t in model.graph.initializer}
    inputs = [v for v in model.graph.input if v.name not in weights]
    shapes = resolve_input_shapes(input_shapes, [v.name for v in inputs])
    unknown = sorted(set(shapes) - {v.name for v in inputs})
    if unknown:
        raise OptionError(f"input_shapes names {unknown}, which are not inputs of the model",
                          hint=f"its inputs are {[v.name for v in inputs]}")
    specs = []
    for value in inputs:
        if not value.type.HasField("tensor_type"):
            kind = value.type.WhichOneof("value") or "untyped"
            raise UnsupportedOpError(f"input '{value.name}' is a {kind.replace('_type', '')} value; the IR has "
                                     "tensors only", path=where)
        tensor = value.type.tensor_type
        # a negative dim_value (PaddlePaddle writes -1) is a dynamic dim, like a dim_param
        dims = [d.dim_value if d.HasField("dim_value") and d.dim_value >= 0 else (d.dim_param or "?")
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
        specs.append((value.name, shape, numpy_dtype(tensor.elem_type, f"input '{value.name}'")))
    return specs


def bind_constants(specs: list[tuple[str, tuple[int, ...], str]], constants: dict[str, Any],
                   where: str) -> dict[str, Const]:
    """The graph inputs that ``constants`` binds to values, checked against their declared specs."""
    import numpy as np

    declared = {name: (shape, dtype) for name, shape, dtype in specs}
    bound = {}
    for name, value in constants.items():
        array = np.asarray(value)
        shape, dtype = declared[name]
        if array.shape != tuple(shape) or str(array.dtype) != dtype:
            raise OptionError(f"constants gives input '{name}' a {str(array.dtype)} array of shape "
                              f"{list(array.shape)}, but {where} declares {dtype} {list(shape)}",
                              hint="give the value the input's declared shape and dtype")
        bound[name] = Const(array, name)
    return bound


def convert(model: Any, opset: int, where: str, input_shapes: dict[str, Sequence[int]] | None,
            name: str | None = None, constants: dict[str, Any] | None = None) -> Graph:
    """Convert the checked, scanned model into a linted IR graph (the inputs ``constants`` names are
    bound to their values: folded into the graph, no longer inputs)."""
    import onnx
    from onnx import numpy_helper

    name = name or model.graph.name or Path(where).stem
    builder = GraphBuilder(name, "onnx", onnx.__version__)
    ctx = Context(builder)
    source_tensors: dict[str, str] = {}
    for init in model.graph.initializer:
        numpy_dtype(init.data_type, f"initializer '{init.name}'")
        ctx.values[init.name] = Const(numpy_helper.to_array(init), init.name)
    constants = dict(constants or {})
    weights = {t.name for t in model.graph.initializer}
    unknown = sorted(set(constants) - {v.name for v in model.graph.input if v.name not in weights})
    if unknown:
        raise OptionError(f"constants names {unknown}, which are not inputs of the model",
                          hint=f"its inputs are {[v.name for v in model.graph.input if v.name not in weights]}")
    shapes = {k: tuple(getattr(v, "shape", ())) for k, v in constants.items()} | dict(input_shapes or {})
    specs = input_specs(model, shapes or None, where)
    bound = bind_constants(specs, constants, where)
    ctx.values.update(bound)
    for input_name, shape, dtype in specs:
        if input_name in bound:
            continue
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
        if not out.type.HasField("tensor_type"):
            raise UnsupportedOpError(f"output '{out.name}' is not a tensor; the IR has tensors only", path=where)
        if out.name not in ctx.values:
            raise ModelLoadError(f"graph output '{out.name}' is not computed by any supported node",
                                 path=where)
        outputs.append(ctx.tensor(ctx.values[out.name]))
    graph = builder.finish(outputs)
    notes = _declared_output_notes(model, graph)
    for note in notes:
        warnings.warn(FrontcNote(note), stacklevel=3)
    if notes:
        graph.meta["notes"] = notes
    graph.meta.update(opset=opset, producer=f"{model.producer_name} {model.producer_version}".strip(),
                      source_tensors=source_tensors)
    return graph


def _declared_output_notes(model: Any, graph: Graph) -> list[str]:
    """A note for each graph output whose declared static shape differs from the computed one
    (exporters leave stale shapes behind; the computed shape is the one used)."""
    notes = []
    for value, name in zip(model.graph.output, graph.outputs):
        tensor = value.type.tensor_type
        if not tensor.HasField("shape"):
            continue
        declared = [d.dim_value if d.HasField("dim_value") and d.dim_value >= 0 else None for d in tensor.shape.dim]
        computed = list(graph.spec(name).shape)
        if len(declared) != len(computed) or any(d is not None and d != c for d, c in zip(declared, computed)):
            shown = ["?" if d is None else d for d in declared]
            notes.append(f"output '{value.name}' is declared {shown} but computes {computed}; the computed "
                         "shape is used")
    return notes
