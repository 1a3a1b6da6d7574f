"""Lower a parsed MXNet symbol and its weights into a linted IR graph."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from frontc.frontends import resolve_input_shapes
from frontc.frontends.builder import GraphBuilder
from frontc.frontends.mxnet.context import REG, Context
from frontc.frontends.mxnet.ops_rnn import PARAMETER_INPUTS
from frontc.frontends.mxnet.params import BFLOAT16_FLAG, DTYPES
from frontc.frontends.mxnet.symbol import MxNode, Symbol, parse_tuple
from frontc.ir.errors import GraphError, ModelLoadError, OptionError
from frontc.ir.graph import Graph

# Inputs that inference ignores (the labels of loss layers): op -> input positions.
IGNORED_INPUTS = {"SoftmaxOutput": (1,), "Softmax": (1,), "LinearRegressionOutput": (1,),
                  "MAERegressionOutput": (1,), "LogisticRegressionOutput": (1,),
                  "RNN": PARAMETER_INPUTS}  # read from the symbol by the RNN converter
# Attributes that Gluon/Module write on parameter variables, never on data inputs.
PARAM_MARKERS = ("__lr_mult__", "__wd_mult__", "__init__")

InputShapes = Mapping[str, Sequence[int]] | Sequence[int] | None


def used_inputs(node: MxNode) -> list[tuple[int, int]]:
    """The (node, output) entries that inference reads."""
    ignored = IGNORED_INPUTS.get(node.op, ())
    return [entry for i, entry in enumerate(node.inputs) if i not in ignored]


def needed_nodes(symbol: Symbol) -> list[MxNode]:
    """The nodes the heads depend on, in file (topological) order."""
    seen: set[int] = set()
    stack = [index for index, _ in symbol.heads]
    while stack:
        index = stack.pop()
        if index not in seen:
            seen.add(index)
            stack.extend(i for i, _ in used_inputs(symbol.nodes[index]))
    return [node for node in symbol.nodes if node.index in seen]


def data_inputs(symbol: Symbol, nodes: list[MxNode], params: Mapping[str, np.ndarray]) -> list[MxNode]:
    """The argument nodes that are not weights; a missing weight is an error."""
    inputs = []
    for node in nodes:
        if node.op != "null" or node.name in params:
            continue
        if any(marker in node.attrs for marker in PARAM_MARKERS):
            raise ModelLoadError(f"parameter '{node.name}' is not in the params file",
                                 path=symbol.path, hint="export the symbol and params together")
        inputs.append(node)
    return inputs


def _input_shapes(symbol: Symbol, inputs: list[MxNode], given: InputShapes) -> dict[str, tuple[int, ...]]:
    """The shape of every data input, from ``given`` or a fully known ``__shape__`` attribute."""
    names = [node.name for node in inputs]
    if given is not None and not isinstance(given, Mapping):
        if len(names) != 1:
            raise OptionError(f"the model has inputs {names}: give input_shapes as a dict by name")
        given = {names[0]: given}
    given = resolve_input_shapes(given, names)
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise OptionError(f"input_shapes names {unknown}, which are not inputs of {symbol.path}",
                          hint=f"the inputs are {names}")
    shapes = {}
    for node in inputs:
        shape = given.get(node.name)
        if shape is None and "__shape__" in node.attrs:
            stored = parse_tuple(node.attrs["__shape__"])
            shape = stored if stored and all(isinstance(d, int) and d > 0 for d in stored) else None
        if shape is None:
            raise OptionError(f"no shape for input '{node.name}' of {symbol.path}",
                              hint=f"pass input_shapes={{'{node.name}': (1, 3, 224, 224)}}")
        shapes[node.name] = tuple(int(d) for d in shape)
    return shapes


def _input_dtype(node: MxNode) -> str:
    """The dtype a data input declares in ``__dtype__`` (float32 when none or bfloat16)."""
    flag = node.attrs.get("__dtype__", "0")
    if not flag.isdigit() or int(flag) not in DTYPES or int(flag) == BFLOAT16_FLAG:
        return "float32"
    return str(DTYPES[int(flag)].newbyteorder("="))


def convert(symbol: Symbol, params: Mapping[str, np.ndarray], input_shapes: InputShapes = None, *,
            name: str = "mxnet_model") -> Graph:
    """The IR graph of ``symbol``; every unsupported op is reported at once before converting."""
    nodes = needed_nodes(symbol)
    REG.check_supported([(n.op, n.name) for n in nodes if n.op != "null"], source=symbol.path,
                        framework_version=symbol.version_text)
    inputs = data_inputs(symbol, nodes, params)
    shapes = _input_shapes(symbol, inputs, input_shapes)
    builder = GraphBuilder(name, "mxnet", symbol.version_text)
    ctx = Context(symbol, dict(params), builder)
    for node in inputs:
        shape = shapes[node.name]
        ctx.tensors[(node.index, 0)] = builder.input(node.name, shape, _input_dtype(node),
                                                     "NCHW" if len(shape) == 4 else None)
    for node in nodes:
        if node.op == "null":
            continue
        try:
            outputs = REG.lookup(node.op)(node, ctx)
        except GraphError as exc:
            raise ModelLoadError(f"cannot convert: {exc.message}", path=symbol.path,
                                 node=node.name, hint=exc.hint) from None
        for i, tensor in enumerate(outputs):
            ctx.tensors[(node.index, i)] = tensor
    return builder.finish(_outputs(symbol, ctx))


def _outputs(symbol: Symbol, ctx: Context) -> list[str]:
    """The IR tensors of the heads; a head that is not a node output gets an Identity."""
    outputs: list[str] = []
    for index, out in symbol.heads:
        node = symbol.nodes[index]
        tensor = ctx.x(MxNode(-1, "head", node.name, inputs=[(index, out)]), 0)
        if tensor in outputs or ctx.builder.graph.producer(tensor) is None:
            tensor = ctx.builder.add1("Identity", [tensor], name=f"{node.name}_output", source=node.name)
        outputs.append(tensor)
    return outputs
