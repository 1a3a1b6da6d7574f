"""Shape and dtype inference over a whole graph, from the op schemas."""
from __future__ import annotations

from frontc.ir.errors import GraphError, ShapeError
from frontc.ir.graph import Graph, Node, TensorSpec
from frontc.ir.schema import In, get_schema, resolved_attrs

# meta key: output dtypes declared by an annotation (an integer kernel variant), overriding the schema's
OUT_DTYPES = "out_dtypes"


def node_attrs(node: Node) -> dict:
    """The node's attributes checked against its schema, defaults filled in."""
    return resolved_attrs(get_schema(node.op), node.attrs, node.name)


def infer_node(graph: Graph, node: Node) -> list[TensorSpec]:
    """Output specs of ``node`` from its inputs' specs; ShapeError names the node."""
    schema = get_schema(node.op)
    attrs = resolved_attrs(schema, node.attrs, node.name)
    ins = []
    for tensor in node.inputs:
        if not tensor:
            ins.append(None)
            continue
        spec = graph.spec(tensor)
        ins.append(In(spec.shape, spec.dtype))
    try:
        outs = schema.infer(ins, attrs)
    except ShapeError as exc:
        shapes = ", ".join(f"{t}{s.shape if s else ''}" for t, s in zip(node.inputs, ins))
        raise ShapeError(f"{node.op}: {exc.message} (inputs: {shapes})", node=node.name,
                         hint="check the source model's shapes or the param shapes") from None
    if len(outs) != len(node.outputs):
        raise GraphError(f"{node.op} gives {len(outs)} outputs but the node names "
                         f"{len(node.outputs)}", node=node.name)
    dtypes = node.meta.get(OUT_DTYPES)
    if dtypes is not None:
        if not isinstance(dtypes, list) or len(dtypes) != len(outs):
            raise GraphError(f"meta '{OUT_DTYPES}' must list {len(outs)} dtype(s), got {dtypes!r}",
                             node=node.name)
        outs = [(shape, dtype) for (shape, _), dtype in zip(outs, dtypes)]
    return [TensorSpec(name, shape, dtype) for name, (shape, dtype) in zip(node.outputs, outs)]


def infer_shapes(graph: Graph) -> Graph:
    """Fill ``graph.tensors`` with the spec of every node output; returns the graph."""
    graph.tensors = {}
    for node in graph.nodes:
        for spec in infer_node(graph, node):
            graph.tensors[spec.name] = spec
    return graph
