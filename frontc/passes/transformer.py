"""Transformer patterns: decomposed LayerNorm and exact GELU (as torch.onnx exports them before opsets
17 and 20) fused into one node each; scaled dot-product attention into one Attention node (cmodel)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from frontc.ir.graph import Graph, Node
from frontc.ir.infer import node_attrs
from frontc.passes.base import PatternPass, constant, sole_consumer


def _other(node: Node, tensor: str) -> str:
    """The input of binary ``node`` that is not ``tensor``."""
    return node.inputs[1] if node.inputs[0] == tensor else node.inputs[0]


def _scalar(graph: Graph, tensor: str) -> float | None:
    value = constant(graph, tensor)
    return float(value.reshape(-1)[0]) if value is not None and value.size == 1 else None


def _next(graph: Graph, node: Node, *ops: str) -> Node | None:
    user = sole_consumer(graph, node)
    return user if user is not None and user.op in ops else None


def _replace_chain(graph: Graph, chain: list[Node], op: str, inputs: list[str], attrs: dict[str, Any]) -> None:
    """Turn the last node of ``chain`` into ``op`` (keeping its output name) and drop the others."""
    last = chain[-1]
    fused = [{"name": n.name, "op": n.op, "output": n.outputs[0]} for n in chain[:-1]]
    last.op, last.inputs, last.attrs = op, inputs, attrs
    last.meta.setdefault("fused", []).extend(fused)
    for node in chain[:-1]:
        graph.nodes.remove(node)
        graph.tensors.pop(node.outputs[0], None)
    graph.invalidate()


class FuseLayerNorm(PatternPass):
    """ReduceMean -> Sub -> Pow 2 (or Mul self) -> ReduceMean -> Add eps -> Sqrt -> Div [-> Mul gamma]
    [-> Add beta] over the trailing axes -> LayerNorm."""

    name = "fuse_layer_norm"
    ops = ("ReduceMean",)

    def match(self, graph: Graph, node: Node) -> Any | None:
        x = node.inputs[0]
        spec = graph.spec(x)
        a = node_attrs(node)
        rank = len(spec.shape)
        axes = sorted(ax % rank for ax in a["axes"]) if a["axes"] else list(range(rank))
        if not a["keepdims"] or axes != list(range(axes[0], rank)) or spec.dtype != "float32":
            return None
        sub = _next(graph, node, "Sub")
        if sub is None or sub.inputs != [x, node.outputs[0]]:
            return None
        users = graph.consumers(sub.outputs[0])
        square = next((u for u in users if u.op == "Pow" and _scalar(graph, u.inputs[1]) == 2.0
                       or u.op == "Mul" and u.inputs == [sub.outputs[0]] * 2), None)
        div = next((u for u in users if u.op == "Div" and u.inputs[0] == sub.outputs[0]), None)
        if len(users) != 2 or square is None or div is None or sub.outputs[0] in graph.outputs:
            return None
        var = _next(graph, square, "ReduceMean")
        if var is None or node_attrs(var)["axes"] != a["axes"] or not node_attrs(var)["keepdims"]:
            return None
        add = _next(graph, var, "Add")
        epsilon = _scalar(graph, _other(add, var.outputs[0])) if add is not None else None
        sqrt = _next(graph, add, "Sqrt") if epsilon is not None else None
        if sqrt is None or _next(graph, sqrt, "Div") is not div:
            return None
        chain, shape = [node, sub, square, var, add, sqrt, div], spec.shape[axes[0]:]
        scale = bias = None
        mul = _next(graph, div, "Mul")
        if mul is not None and _affine(graph, _other(mul, div.outputs[0]), shape) is not None:
            scale = _affine(graph, _other(mul, div.outputs[0]), shape)
            chain.append(mul)
            add_beta = _next(graph, mul, "Add")
            if add_beta is not None and _affine(graph, _other(add_beta, mul.outputs[0]), shape) is not None:
                bias = _affine(graph, _other(add_beta, mul.outputs[0]), shape)
                chain.append(add_beta)
        return chain, x, axes[0], epsilon, shape, scale, bias

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        chain, x, axis, epsilon, shape, scale, bias = found
        base = chain[-1].name
        inputs = [x, graph.add_param(graph.unique_name(f"{base}.weight"),
                                     np.ones(shape, np.float32) if scale is None else scale)]
        if bias is not None:
            inputs.append(graph.add_param(graph.unique_name(f"{base}.bias"), bias))
        _replace_chain(graph, chain, "LayerNorm", inputs, {"axis": axis, "epsilon": epsilon})
        graph.remove_unused_params()


def _affine(graph: Graph, tensor: str, shape: tuple[int, ...]) -> np.ndarray | None:
    """A constant that broadcasts like a LayerNorm weight of ``shape``, as an array of that shape."""
    value = constant(graph, tensor)
    if value is None or value.ndim > len(shape) or value.dtype != np.float32:
        return None
    padded = value.reshape((1,) * (len(shape) - value.ndim) + value.shape)
    if any(d not in (1, s) for d, s in zip(padded.shape, shape)):
        return None
    return np.ascontiguousarray(np.broadcast_to(padded, shape))


def _gelu_tail(graph: Graph, node: Node, x: str) -> list[Node] | None:
    """After the Erf / Tanh ``node``: Add 1 -> Mul x -> Mul 0.5 (the 0.5 on either side); the nodes from
    ``node`` on (the Mul 0.5 * x first when it is applied to x), or None."""
    add = _next(graph, node, "Add")
    if add is None or _scalar(graph, _other(add, node.outputs[0])) != 1.0:
        return None
    mul = _next(graph, add, "Mul")
    if mul is None:
        return None
    factor = _other(mul, add.outputs[0])
    half = graph.producer(factor)
    if factor == x:  # (x * (1 + f)) * 0.5
        last = _next(graph, mul, "Mul")
        if last is None or _scalar(graph, _other(last, mul.outputs[0])) != 0.5:
            return None
        return [node, add, mul, last]
    if half is not None and half.op == "Mul" and x in half.inputs \
            and _scalar(graph, _other(half, x)) == 0.5 and sole_consumer(graph, half) is mul:
        return [half, node, add, mul]  # (0.5 * x) * (1 + f)
    return None


class FuseGelu(PatternPass):
    """x / sqrt(2) (or x * 1/sqrt(2)) -> Erf -> Add 1 -> Mul x -> Mul 0.5 (the 0.5 on either side) -> Gelu."""

    name = "fuse_gelu"
    ops = ("Erf",)

    def match(self, graph: Graph, node: Node) -> Any | None:
        scaled = graph.producer(node.inputs[0])
        if scaled is None or scaled.op not in ("Div", "Mul") or sole_consumer(graph, scaled) is not node:
            return None
        x = scaled.inputs[0]
        c = _scalar(graph, scaled.inputs[1])
        want = math.sqrt(2) if scaled.op == "Div" else 1 / math.sqrt(2)
        if c is None or not math.isclose(c, want, rel_tol=1e-4):
            return None
        tail = _gelu_tail(graph, node, x)
        return None if tail is None else ([scaled, *tail], x)

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        chain, x = found
        _replace_chain(graph, chain, "Gelu", [x], {"approximate": "none"})
        graph.remove_unused_params()


def _scores(graph: Graph, tensor: str) -> bool:
    """Whether ``tensor`` is a MatMul's output, or one scaled by a constant scalar."""
    p = graph.producer(tensor)
    if p is not None and p.op in ("Mul", "Div") and _scalar(graph, p.inputs[1]) is not None:
        p = graph.producer(p.inputs[0])
    return p is not None and p.op == "MatMul"


class FuseAttention(PatternPass):
    """MatMul(Q, K^T) [-> Mul / Div by a scalar] [-> Add mask] -> Softmax(last axis) -> MatMul(., V)
    -> one Attention node (cmodel: the form an attention engine consumes). K^T must come from a
    Transpose swapping the last two axes (of K, or of the tensor K is a transpose of), which is
    rewritten to give K itself."""

    name = "fuse_attention"
    ops = ("Softmax",)

    def match(self, graph: Graph, node: Node) -> Any | None:
        rank = len(graph.spec(node.inputs[0]).shape)
        if node_attrs(node)["axis"] % rank != rank - 1 or rank < 2:
            return None
        out = _next(graph, node, "MatMul")
        if out is None or out.inputs[0] != node.outputs[0]:
            return None
        chain, mask, scale = [node, out], None, 1.0
        producer = graph.producer(node.inputs[0])
        if producer is not None and producer.op == "Add" and sole_consumer(graph, producer) is node:
            scores = [t for t in producer.inputs if _scores(graph, t)]
            if len(scores) != 1:
                return None
            mask = _other(producer, scores[0])
            chain.insert(0, producer)
            producer = graph.producer(scores[0])
        if producer is not None and producer.op in ("Mul", "Div") and sole_consumer(graph, producer) is chain[0]:
            matmul_side = [t for t in producer.inputs
                           if (p := graph.producer(t)) is not None and p.op == "MatMul"]
            c = _scalar(graph, producer.inputs[1]) if matmul_side == producer.inputs[:1] else None
            if c is None or c == 0:
                return None
            scale = c if producer.op == "Mul" else 1.0 / c
            chain.insert(0, producer)
            producer = graph.producer(producer.inputs[0])
        if producer is None or producer.op != "MatMul" or sole_consumer(graph, producer) is not chain[0]:
            return None
        transpose = graph.producer(producer.inputs[1])
        if transpose is None or transpose.op != "Transpose" or sole_consumer(graph, transpose) is not producer:
            return None
        perm = node_attrs(transpose)["perm"] or list(range(len(graph.spec(transpose.inputs[0]).shape)))[::-1]
        if len(perm) < 2:
            return None
        q = producer.inputs[0]
        if mask is not None and graph.spec(mask).dtype != graph.spec(q).dtype:
            return None
        chain.insert(0, producer)
        return chain, q, transpose, perm[:-2] + [perm[-1], perm[-2]], out.inputs[1], mask, scale

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        chain, q, transpose, key_perm, v, mask, scale = found
        if key_perm == list(range(len(key_perm))):
            k = transpose.inputs[0]
            graph.nodes.remove(transpose)
            graph.tensors.pop(transpose.outputs[0], None)
        else:
            transpose.attrs = {"perm": key_perm}
            graph.tensors.pop(transpose.outputs[0], None)
            k = transpose.outputs[0]
        inputs = [q, k, v] + ([mask] if mask is not None else [])
        _replace_chain(graph, chain, "Attention", inputs, {"scale": float(scale)})
        graph.remove_unused_params()


class FuseGeluTanh(PatternPass):
    """x * x * x (or Pow 3) -> Mul 0.044715 -> Add x -> Mul sqrt(2/pi) -> Tanh -> Add 1 -> Mul x -> Mul 0.5
    -> Gelu(approximate='tanh')."""

    name = "fuse_gelu_tanh"
    ops = ("Tanh",)

    def match(self, graph: Graph, node: Node) -> Any | None:
        scaled = graph.producer(node.inputs[0])
        if scaled is None or scaled.op != "Mul" or sole_consumer(graph, scaled) is not node:
            return None
        inner = next((t for t in scaled.inputs if _scalar(graph, t) is None), None)
        c = _scalar(graph, _other(scaled, inner)) if inner else None
        total = graph.producer(inner) if inner else None
        if c is None or not math.isclose(c, math.sqrt(2 / math.pi), rel_tol=1e-4) or total is None \
                or total.op != "Add" or sole_consumer(graph, total) is not scaled:
            return None
        for x in total.inputs:
            cubic = graph.producer(_other(total, x))
            chain = _cubic_term(graph, cubic, x)
            if chain is not None and sole_consumer(graph, cubic) is total:
                tail = _gelu_tail(graph, node, x)
                if tail is not None:
                    return [*chain, total, scaled, *tail], x
        return None

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        chain, x = found
        _replace_chain(graph, chain, "Gelu", [x], {"approximate": "tanh"})
        graph.remove_unused_params()


def _cubic_term(graph: Graph, node: Node | None, x: str) -> list[Node] | None:
    """The nodes of 0.044715 * x^3 (x * x * x in any order, or Pow(x, 3)), or None."""
    if node is None or node.op != "Mul":
        return None
    cube_name = next((t for t in node.inputs if _scalar(graph, t) is None), None)
    c = _scalar(graph, _other(node, cube_name)) if cube_name else None
    cube = graph.producer(cube_name) if cube_name else None
    if c is None or not math.isclose(c, 0.044715, rel_tol=1e-4) or cube is None \
            or sole_consumer(graph, cube) is not node:
        return None
    if cube.op == "Pow" and cube.inputs[0] == x and _scalar(graph, cube.inputs[1]) == 3.0:
        return [cube, node]
    if cube.op != "Mul" or x not in cube.inputs:
        return None
    square = graph.producer(_other(cube, x))
    if square is None or square.op != "Mul" or square.inputs != [x, x] or sole_consumer(graph, square) is not cube:
        return None
    return [square, cube, node]
