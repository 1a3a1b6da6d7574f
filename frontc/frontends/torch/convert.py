"""Lower a torch.export ExportedProgram (core aten, functional) into an IR graph.

Order of work: name every fx node after its module path, mark the nodes that only
depend on parameters (they are folded with torch itself), check that every other
op has a converter (one UnsupportedOpError listing them all), then convert.
"""
from __future__ import annotations

import operator
from typing import Any

from frontc.frontends.builder import GraphBuilder
from frontc.frontends.registry import unsupported_error
from frontc.frontends.torch import ops  # noqa: F401  (registers every converter)
from frontc.frontends.torch.context import Const, ConversionContext, numpy_dtype
from frontc.frontends.torch.registry import REG, op_key
from frontc.ir.errors import FrontcError, GraphError, UnsupportedOpError
from frontc.ir.graph import Graph


def constant_entries(ep: Any) -> dict[str, tuple[str, Any]]:
    """Placeholder name -> (state_dict key, tensor) for parameters, buffers and lifted constants."""
    sig = ep.graph_signature
    tables = {**sig.inputs_to_parameters, **sig.inputs_to_buffers,
              **sig.inputs_to_lifted_tensor_constants}
    out = {}
    for placeholder, key in tables.items():
        value = ep.state_dict[key] if key in ep.state_dict else ep.constants[key]
        out[placeholder] = (key, value)
    return out


def _innermost_path(node: Any) -> str | None:
    stack = node.meta.get("nn_module_stack")
    if not stack:
        return None
    path = list(stack.values())[-1][0]
    return path if isinstance(path, str) else None


def node_names(ep: Any, consts: dict[str, tuple[str, Any]]) -> dict[Any, tuple[str, str]]:
    """fx node -> (IR node base name, source name) traceable to the module path.

    The op of a leaf module (one that calls no submodule) that reads the module's own
    parameters, or of a leaf module without any, is named by its path (``layer1.0.conv1``);
    other ops say ``path/op`` (``layer1.0/add``). Without a module stack (TorchScript)
    the path is taken from the parameters the op reads; failing that, the fx node name.
    """
    paths = {node: _innermost_path(node) for node in ep.graph.nodes if node.op == "call_function"}
    parents = {path.rsplit(".", 1)[0] for path in paths.values() if path and "." in path}
    owners = {key.rsplit(".", 1)[0] for key, _ in consts.values() if "." in key}
    names = {}
    for node, path in paths.items():
        params = {consts[arg.name][0] for arg in node.all_input_nodes if arg.name in consts}
        own = {key for key in params if "." in key and key.rsplit(".", 1)[0] == path}
        if not path and params:
            path = sorted(params)[0].rsplit(".", 1)[0] if "." in sorted(params)[0] else ""
            names[node] = (path, path) if path else (node.name, node.name)
        elif not path:
            names[node] = (node.name, node.name)
        elif path not in parents and (own or path not in owners):
            names[node] = (path, path)
        else:
            names[node] = (f"{path}/{getattr(node.target, '_opname', node.name)}", path)
    return names


def _foldable(node: Any, values: dict[Any, Any]) -> bool:
    return node.op == "call_function" and all(isinstance(values.get(arg), Const)
                                              for arg in node.all_input_nodes)


def check_supported(ep: Any, consts: dict[str, tuple[str, Any]], source: str) -> None:
    """One UnsupportedOpError naming every aten op without a converter (folded ops excepted)."""
    import torch

    constant = {node for node in ep.graph.nodes if node.op == "placeholder" and node.name in consts}
    missing: dict[str, list[str]] = {}
    for node in ep.graph.nodes:
        if node.op == "get_attr":
            missing.setdefault(f"get_attr ({type(getattr(ep.graph_module, node.target)).__name__})",
                               []).append(node.name)
        if node.op != "call_function":
            continue
        if all(arg in constant for arg in node.all_input_nodes):
            constant.add(node)
        elif node.target is not operator.getitem and REG.lookup(op_key(node.target)) is None:
            missing.setdefault(op_key(node.target), []).append(node.name)
    if missing:
        raise unsupported_error("torch", missing, source=source, framework_version=torch.__version__)


def convert_program(ep: Any, *, input_names: list[str] | None = None,
                    name: str = "torch_model", source: str = "") -> Graph:
    """The IR graph of ``ep`` (already decomposed to functional aten ops)."""
    import torch
    from torch.fx.node import map_arg

    consts = constant_entries(ep)
    check_supported(ep, consts, source)
    builder = GraphBuilder(name, "torch", torch.__version__)
    ctx = ConversionContext(builder, node_names(ep, consts))
    user_inputs = [spec.arg.name for spec in ep.graph_signature.input_specs
                   if spec.kind == torch.export.graph_signature.InputKind.USER_INPUT]
    rename = dict(zip(user_inputs, input_names or []))
    outputs: list[str] = []
    for node in ep.graph.nodes:
        if node.op == "placeholder":
            if node.name in consts:
                ctx.values[node] = Const(*consts[node.name])
            else:
                ctx.values[node] = builder.input(rename.get(node.name, node.name), ctx.shape(node),
                                                 ctx.dtype(node), "NCHW" if len(ctx.shape(node)) == 4
                                                 else None)
        elif node.op == "output":
            outputs = [ctx.tensor(arg) for arg in torch.utils._pytree.tree_leaves(node.args[0])
                       if isinstance(arg, torch.fx.Node)]
        elif _foldable(node, ctx.values):
            args, kwargs = map_arg((node.args, node.kwargs), lambda arg: ctx.values[arg].value)
            ctx.values[node] = Const(node.name, node.target(*args, **kwargs))
        elif node.target is operator.getitem:
            ctx.values[node] = _item(node, ctx)
        else:
            node.args, node.kwargs = map_arg((node.args, node.kwargs), lambda arg: _scalar_or_node(arg, ctx))
            ctx.values[node] = _convert(node, ctx)
    return builder.finish(outputs)


def _scalar_or_node(arg: Any, ctx: ConversionContext) -> Any:
    """A folded Python number in place of its fx node (e.g. a size computed by the model)."""
    value = ctx.values.get(arg)
    return value.value if isinstance(value, Const) and isinstance(value.value, (int, float, bool)) else arg


def _item(node: Any, ctx: ConversionContext) -> str:
    """``operator.getitem`` on a multi-output node: one of its IR outputs."""
    parts, index = ctx.values[node.args[0]], node.args[1]
    if not isinstance(parts, list) or not -len(parts) <= index < len(parts) or not parts[index]:
        raise UnsupportedOpError(f"output {index} of '{node.args[0].name}' is not supported",
                                 node=node.name, hint="only the first output of this op converts")
    return parts[index]


def _convert(node: Any, ctx: ConversionContext) -> str | list[str]:
    converter = REG.lookup(op_key(node.target))
    try:
        result = list(converter(node, ctx))
    except FrontcError as exc:
        if exc.node is None:
            exc.node = ctx.base(node)
        raise
    val = node.meta.get("val")
    if val is None or isinstance(val, (list, tuple)):
        return result
    out = result[0]
    spec = ctx.builder.graph.spec(out)
    if spec.shape != tuple(val.shape) or spec.dtype != numpy_dtype(val.dtype):
        raise GraphError(f"converting {op_key(node.target)} gave {spec.dtype}{list(spec.shape)}, torch "
                         f"gives {numpy_dtype(val.dtype)}{list(val.shape)}", node=ctx.base(node),
                         hint="this is a frontc bug; please report it")
    return out
