"""Re-specialize the batch dimension of a fixed-shape IR: new input shapes, re-inferred tensors,
and the attributes that spell the batch (Reshape/Expand shapes) rewritten.

Nodes that work across the batch axis (Concat/Split/Slice/Gather/reductions/Softmax on axis 0,
Flatten at axis 0, a Transpose that moves axis 0, a Reshape that folds the batch into another
axis) pin the batch: ``rebatch`` raises a ShapeError naming the first such node.
"""
from __future__ import annotations

from frontc.ir.errors import OptionError, ShapeError
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import infer_node, node_attrs

SHAPE_ATTR_OPS = ("Reshape", "Expand")


def batch_size(graph: Graph) -> int:
    """The batch the graph is specialized to: the first dimension shared by its inputs."""
    dims = {spec.shape[0] for spec in graph.inputs if spec.shape}
    if len(dims) != 1:
        raise OptionError(f"graph '{graph.name}' inputs {graph.input_names} do not share a batch dimension",
                          hint="feed inputs at the compiled shapes")
    return dims.pop()


def _pinning(node: Node, rank: int, batch: int) -> str | None:
    """Why ``node`` (reading a batched tensor of ``rank``) ties the batch, or None."""
    attrs = node_attrs(node)
    axes = [attrs["axis"]] if isinstance(attrs.get("axis"), int) else []
    axes += list(attrs.get("axes") or ())
    if node.op == "Flatten":
        return "Flatten at axis 0 merges the batch" if attrs["axis"] == 0 else None
    if node.op == "Transpose":
        perm = list(attrs["perm"]) or list(range(rank - 1, -1, -1))
        return f"Transpose perm {perm} moves the batch axis" if perm and perm[0] != 0 else None
    if node.op in SHAPE_ATTR_OPS:
        shape = list(attrs["shape"])
        if node.op == "Reshape" and shape and shape[0] not in (batch, 0, -1):
            return f"Reshape to {shape} folds the batch {batch} into another axis"
        return None
    if any(a % max(rank, 1) == 0 for a in axes) and node.op not in ("Conv", "ConvTranspose"):
        return f"{node.op} works along axis 0, the batch"
    return None


def rebatch(graph: Graph, batch: int) -> tuple[Graph, set[str]]:
    """A copy of ``graph`` at batch ``batch`` and the names of its tensors that carry the batch."""
    if batch < 1:
        raise OptionError(f"batch size {batch} must be at least 1")
    old = batch_size(graph)
    out = graph.copy()
    for spec in out.inputs:
        spec.shape = (batch, *spec.shape[1:])
    batched = set(out.input_names)
    out.tensors = {}
    for node in out.nodes:
        reads = [t for t in node.inputs if t in batched]
        if reads and batch != old:
            reason = _pinning(node, len(out.spec(reads[0]).shape), old)
            if reason:
                raise ShapeError(f"cannot re-specialize graph '{graph.name}' from batch {old} to {batch}: "
                                 f"{reason}", node=node.name, hint=f"compile the model at batch {batch}")
            if node.op in SHAPE_ATTR_OPS and list(node.attrs.get("shape", []))[:1] == [old]:
                node.attrs["shape"] = [batch, *list(node.attrs["shape"])[1:]]
        try:
            specs = infer_node(out, node)
        except ShapeError as exc:
            raise ShapeError(f"cannot re-specialize graph '{graph.name}' to batch {batch}: {exc.message}",
                             node=node.name, hint=f"compile the model at batch {batch}") from None
        for spec in specs:
            out.tensors[spec.name] = spec
            if reads and spec.shape[:1] == (batch,):
                batched.add(spec.name)
    return out, batched
