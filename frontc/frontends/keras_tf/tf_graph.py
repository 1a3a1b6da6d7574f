"""Frozen TF GraphDefs: find the outputs, scan every op they depend on, then convert the
nodes in topological order, folding constant subgraphs (shape arithmetic) with numpy."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from frontc.frontends.builder import GraphBuilder
from frontc.frontends.keras_tf.context import Operand, Value
from frontc.frontends.keras_tf.graph_io import check_input_names, finish, versions
from frontc.frontends.keras_tf.tf_ops import REGISTRY, VARIANTS, TFContext, TFNode
from frontc.frontends.keras_tf.tf_ops.common import Pending
from frontc.ir.errors import ModelLoadError, OptionError, UnsupportedOpError
from frontc.ir.graph import Graph

VARIABLE_OPS = ("VarHandleOp", "VariableV2", "Variable", "ReadVariableOp", "AssignVariableOp")
CALL_OPS = ("PartitionedCall", "StatefulPartitionedCall")
NOT_OUTPUTS = ("NoOp", "Const", "Placeholder", "Assert", "SaveV2", "RestoreV2", *VARIABLE_OPS)

Ref = tuple[str, int]


def parse_ref(ref: str) -> Ref:
    """'name:1' -> ('name', 1); 'name' -> ('name', 0)."""
    name, _, index = ref.partition(":")
    return name, int(index) if index else 0


class GraphDefIndex:
    """The nodes of a GraphDef by name, with their data (non-control) inputs."""

    def __init__(self, graph_def: Any) -> None:
        self.nodes = {node.name: node for node in graph_def.node}

    @staticmethod
    def data_inputs(node: Any) -> list[Ref]:
        return [parse_ref(ref) for ref in node.input if not ref.startswith("^")]

    def sinks(self) -> list[str]:
        """Tensors nobody reads, of nodes that compute something: the default outputs."""
        read = {name for node in self.nodes.values() for name, _ in self.data_inputs(node)}
        return [name for name, node in self.nodes.items() if name not in read and node.op not in NOT_OUTPUTS]

    def order(self, outputs: Sequence[Ref]) -> list[Any]:
        """The nodes the outputs depend on through data edges, producers first."""
        done: set[str] = set()
        order = []
        for root, _ in outputs:
            stack = [(root, False)]
            while stack:
                name, expanded = stack.pop()
                if name in done:
                    continue
                if expanded:
                    done.add(name)
                    order.append(self.nodes[name])
                    continue
                stack.append((name, True))
                for dep, _ in self.data_inputs(self.nodes[name]):
                    if dep not in done and dep in self.nodes:
                        stack.append((dep, False))
        return order


def node_key(node: Any) -> str:
    """The registry key of a node: its op type, plus what about it is unsupported."""
    check = VARIANTS.get(node.op)
    problem = check(TFNode(node.name, node.op, node.attr)) if check else None
    return f"{node.op}({problem})" if problem else node.op


class FunctionLibrary:
    """The functions of a GraphDef's library, as GraphDefs, for inlining call ops."""

    def __init__(self, graph_def: Any, path: str | None) -> None:
        self.functions = {f.signature.name: f for f in graph_def.library.function}
        self.path = path
        self._bodies: dict[str, tuple[GraphDefIndex, list[str], list[Ref]]] = {}

    def body(self, call: Any) -> tuple[GraphDefIndex, list[str], list[Ref]]:
        """(body, argument placeholder names, output refs) of the function a call node calls."""
        from tensorflow.python.framework.function_def_to_graph import function_def_to_graph_def

        name = call.attr["f"].func.name
        if name not in self._bodies:
            if name not in self.functions:
                raise ModelLoadError(f"node '{call.name}' calls function '{name}', which is not in the "
                                     "graph's library", path=self.path)
            fdef = self.functions[name]
            graph_def, tensors = function_def_to_graph_def(fdef)
            self._bodies[name] = (GraphDefIndex(graph_def), [arg.name for arg in fdef.signature.input_arg],
                                  [parse_ref(tensors[fdef.ret[arg.name]]) for arg in fdef.signature.output_arg])
        return self._bodies[name]


def scan(index: GraphDefIndex, refs: Sequence[Ref], library: FunctionLibrary,
         prefix: str = "") -> list[tuple[str, str]]:
    """(registry key, traceable name) of every node the refs depend on, called functions included."""
    items = []
    for node in index.order(refs):
        if node.op in CALL_OPS:
            body, _, outputs = library.body(node)
            items += scan(body, outputs, library, f"{prefix}{node.name}/")
        else:
            items.append((node_key(node), prefix + node.name))
    return items


def run(index: GraphDefIndex, refs: Sequence[Ref], ctx: TFContext, library: FunctionLibrary,
        bound: dict[str, Operand], prefix: str = "") -> list[Operand]:
    """Convert the nodes the refs depend on; ``bound`` gives values to placeholders (the
    arguments of an inlined function). Names are prefixed with the calling nodes' names."""
    order = index.order(refs)
    for node in order:
        for name, i in index.data_inputs(node):
            key = (prefix + name, i)
            ctx.readers[key] = ctx.readers.get(key, 0) + 1
    values: dict[Ref, Operand] = {}
    for node in order:
        if node.name in bound:
            values[(node.name, 0)] = bound[node.name]
            continue
        node_refs = index.data_inputs(node)
        inputs = [_get(values, ref, index) for ref in node_refs]
        inputs = [ctx.materialize(v) if isinstance(v, Pending) and node.op not in v.readers else v
                  for v in inputs]
        if node.op in CALL_OPS:
            body, arguments, outputs = library.body(node)
            results = run(body, outputs, ctx, library, dict(zip(arguments, inputs)), f"{prefix}{node.name}/")
        else:
            tf_node = TFNode(prefix + node.name, node.op, node.attr, inputs,
                             [(prefix + name, i) for name, i in node_refs])
            results = REGISTRY.lookup(node_key(node))(tf_node, ctx)
        for i, value in enumerate(results):
            values[(node.name, i)] = value
    return [_get(values, ref, index) for ref in refs]


def _check_refs(index: GraphDefIndex, refs: Sequence[Ref], path: str | None) -> None:
    for name, _ in refs:
        if name not in index.nodes:
            raise OptionError(f"output '{name}' is not a node of the graph", hint=f"outputs of this "
                              f"graph could be {index.sinks()[:5]}")
    for node in index.order(refs):
        for dep, _ in index.data_inputs(node):
            if dep not in index.nodes:
                raise ModelLoadError(f"node '{node.name}' reads '{dep}', which is not in the graph",
                                     path=path, hint="the GraphDef is incomplete")


def convert_graph_def(graph_def: Any, *, outputs: Sequence[str] | None = None,
                      input_shapes: dict[str, Sequence[int]] | None = None, name: str = "graph",
                      path: str | None = None, source_format: str = "graphdef") -> Graph:
    """Convert a frozen GraphDef; ``outputs`` are tensor names ('Identity:0'), by default
    the tensors nobody reads. Calls of library functions are inlined."""
    index = GraphDefIndex(graph_def)
    refs = [parse_ref(o) for o in (outputs or index.sinks())]
    if not refs:
        raise ModelLoadError("the graph has no output", path=path, hint="pass outputs=['name:0']")
    _check_refs(index, refs, path)
    order = index.order(refs)
    variables = sorted({node.op for node in order if node.op in VARIABLE_OPS})
    if variables:
        raise ModelLoadError(f"the graph still holds variables ({', '.join(variables)})", path=path,
                             hint="freeze it with convert_variables_to_constants_v2 first")
    library = FunctionLibrary(graph_def, path)
    version = versions("tf")
    REGISTRY.check_supported(scan(index, refs, library), source=path or name, framework_version=version)
    input_shapes = check_input_names([node.name for node in order if node.op == "Placeholder"], input_shapes)
    ctx = TFContext(GraphBuilder(name, "tf", version), input_shapes, {})
    results = []
    for ref, value in zip(refs, run(index, refs, ctx, library, {})):
        if not isinstance(value, Value):
            value = ctx.emit("Identity", [ctx.param(f"{ref[0]}_value", value)], name=ref[0], source=ref[0])
        results.append((value, ref[0]))
    return finish(ctx, results, source_format=source_format, path=path)


def _get(values: dict[Ref, Operand], ref: Ref, index: GraphDefIndex) -> Operand:
    if ref not in values:
        node = index.nodes[ref[0]]
        raise UnsupportedOpError(f"output {ref[1]} of {node.op} is not supported", node=ref[0])
    return values[ref]
