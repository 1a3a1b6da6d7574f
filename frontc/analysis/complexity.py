"""Model complexity over the IR: parameter counts, nnz and sparsity, MACs, dense and sparse FLOPs.

Definitions (also printed by ``frontc complexity --help``):
- A MAC (multiply-accumulate) counts as ``flops_per_mac`` FLOPs: 2 by default (one multiply, one add,
  as torch.utils.flop_counter counts); pass 1 to count MACs as FLOPs.
- Conv: MACs = N * out_positions * C_out * (C_in / group) * kernel_size. ConvTranspose: MACs =
  N * in_positions * C_in * (C_out / group) * kernel_size. Dense: MACs = rows * in * out.
  Gemm / MatMul: MACs = batch * M * N * K (broadcast batch dims included). ConvInteger and
  MatMulInteger (dynamic quantization) count as Conv and MatMul, their sparse MACs equal the dense ones.
- Einsum with two or more operands: MACs = the product of the sizes of every index of the equation
  (its iteration space), per extra operand; with one operand it only moves data (no MACs).
- Attention (softmax(Q K^T * scale + mask) V as one node): MACs = batch * Lq * Lk * (d + dv); plus
  5 FLOPs per score (scale, mask, softmax); the Q/K/V/output projections are Dense nodes of their own.
- LSTM / GRU / RNN: MACs = directions * sequence * batch * gates * hidden * (input + hidden), with 4,
  3 and 1 gates; plus per hidden unit and step the cell's elementwise work in ``CELL_COST`` (bias
  adds, sigmoids and tanhs at 4 FLOPs each, gate products).
- BoxNMS (greedy non-maximum suppression): per batch of N boxes, k = min(topk, N) candidates (N when
  topk is -1) compared pairwise, 12 FLOPs per pair (intersection, union, IoU, threshold), plus one
  per box for the score threshold: batches * (6 * k * (k - 1) + N) (sorting is not counted).
- Det: 2/3 n^3 + n FLOPs per n x n matrix (an LU factorization and the diagonal's product).
- Everything else is counted per element with the cost in ``ELEMENT_COST`` (FLOPs per output
  element, or per input element for pooling and reductions). A bias, a residual add and a fused
  activation of a Conv/ConvTranspose/Dense add their elementwise cost to that node.
- Sparse FLOPs: only MACs whose weight is nonzero count: each nonzero weight of a Conv / Dense /
  Gemm / MatMul contributes one MAC per output position it is applied at (per input position for
  ConvTranspose); grouped and depthwise convolutions included. Elementwise costs are the same as dense.
- nnz and sparsity count the weights of Conv, ConvTranspose, Dense, Gemm and MatMul (not biases,
  not BatchNorm statistics); with ``all_params`` every param counts.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from frontc.ir.graph import Graph, Node
from frontc.ir.infer import infer_shapes, node_attrs

LINEAR_OPS = ("Conv", "ConvTranspose", "Dense", "Gemm", "MatMul")
INTEGER_OPS = {"ConvInteger": "Conv", "MatMulInteger": "MatMul"}  # integer op -> the float op it counts as
RECURRENT_OPS = {"LSTM": 4, "GRU": 3, "RNN": 1}
CELL_COST = {"LSTM": 32, "GRU": 22, "RNN": 6}

# FLOPs per output element (per input element for the ops in PER_INPUT_ELEMENT)
ELEMENT_COST = {
    "Add": 1, "Sub": 1, "Mul": 1, "Div": 1, "Pow": 1, "Max": 1, "Min": 1, "Sqrt": 1, "Exp": 1, "Log": 1,
    "Neg": 1, "Abs": 1, "Reciprocal": 1, "Floor": 1, "Ceil": 1, "Round": 1, "Sign": 1, "Sin": 4, "Cos": 4,
    "Tan": 4, "Asin": 4, "Acos": 4, "Atan": 4, "Sinh": 4, "Cosh": 4, "Asinh": 4, "Acosh": 4, "Atanh": 4,
    "Softplus": 4, "Softsign": 3,
    "Relu": 1, "Relu6": 2, "Clip": 2, "LeakyRelu": 2, "PRelu": 2, "Elu": 3, "Tanh": 4, "Sigmoid": 4,
    "HardSigmoid": 4, "HardSwish": 5, "Swish": 5, "Softmax": 3, "LogSoftmax": 4, "Erf": 4, "Gelu": 8,
    "BatchNorm": 2, "LRN": 5, "Resize": 4, "LayerNorm": 6, "GroupNorm": 6, "InstanceNorm": 6,
    "Equal": 1, "Less": 1, "Greater": 1, "LessOrEqual": 1, "GreaterOrEqual": 1, "And": 1, "Or": 1,
    "Xor": 1, "Not": 1, "Where": 1, "CumSum": 1, "Mod": 1, "BitwiseAnd": 1, "BitwiseOr": 1, "BitwiseXor": 1,
    "BitwiseNot": 1, "BitShift": 1, "IsNaN": 1, "IsInf": 1,
    "GlobalAvgPool": 1, "GlobalMaxPool": 1, "ReduceMean": 1, "ReduceSum": 1, "ReduceMax": 1, "ReduceMin": 1,
    "ReduceProd": 1, "ReduceL2": 2, "ArgMax": 1, "ArgMin": 1, "TopK": 1,
}
PER_INPUT_ELEMENT = ("GlobalAvgPool", "GlobalMaxPool", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin",
                     "ReduceProd", "ReduceL2", "ArgMax", "ArgMin", "TopK")


@dataclass
class LayerCost:
    """The complexity of one IR node."""

    name: str
    op: str
    output_shape: tuple[int, ...]
    params: int
    weights: int
    nnz: int
    macs: int
    sparse_macs: int
    element_flops: int
    dense_flops: float = 0.0
    sparse_flops: float = 0.0

    @property
    def sparsity(self) -> float:
        return 1.0 - self.nnz / self.weights if self.weights else 0.0


@dataclass
class Complexity:
    """Totals and per-layer costs of a graph."""

    layers: list[LayerCost]
    flops_per_mac: int
    all_params: bool

    @property
    def nnz(self) -> int:
        return sum(layer.nnz for layer in self.layers)

    @property
    def counted(self) -> int:
        return sum(layer.weights for layer in self.layers)

    @property
    def sparsity(self) -> float:
        return 1.0 - self.nnz / self.counted if self.counted else 0.0

    @property
    def macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def dense_flops(self) -> float:
        return float(sum(layer.dense_flops for layer in self.layers))

    @property
    def sparse_flops(self) -> float:
        return float(sum(layer.sparse_flops for layer in self.layers))

    def line(self) -> str:
        """The checklist's summary line."""
        return (f"nnz: {self.nnz}, sparsity: {self.sparsity}, dense_flops: {self.dense_flops}, "
                f"sparse_flops: {self.sparse_flops}")

    def as_dict(self) -> dict:
        layers = []
        for layer in self.layers:
            row = asdict(layer)
            row["output_shape"] = list(layer.output_shape)
            row["sparsity"] = layer.sparsity
            row["share"] = layer.dense_flops / self.dense_flops if self.dense_flops else 0.0
            layers.append(row)
        return {"nnz": self.nnz, "weights": self.counted, "sparsity": self.sparsity, "macs": self.macs,
                "dense_flops": self.dense_flops, "sparse_flops": self.sparse_flops,
                "flops_per_mac": self.flops_per_mac, "all_params": self.all_params, "layers": layers}


def weight_input(node: Node) -> int | None:
    """Index of the node's weight input (the kernel of a linear op), if it has one."""
    return 1 if node.op in LINEAR_OPS else None


def _linear_macs(graph: Graph, node: Node, weight: np.ndarray | None, op: str = "") -> tuple[int, int]:
    """(dense MACs, MACs with a nonzero weight) of a Conv / ConvTranspose / Dense / Gemm / MatMul.

    Each weight element is applied once per "use": per output position for Conv, per input
    position for ConvTranspose, per row for Dense, Gemm and MatMul. ``op`` overrides the node's op.
    """
    op = op or node.op
    x = graph.spec(node.inputs[0]).shape
    out = graph.spec(node.outputs[0]).shape
    size = math.prod(graph.spec(node.inputs[1]).shape)
    if op == "MatMul":
        dense = math.prod(out) * x[-1]
        if weight is None or weight.ndim > 2:
            return dense, dense
        uses = math.prod(out) if weight.ndim == 1 else math.prod(out[:-1])
    else:
        uses = {"Conv": out[0] * math.prod(out[2:]), "ConvTranspose": x[0] * math.prod(x[2:]),
                "Dense": math.prod(x[:-1]), "Gemm": out[0]}[op]
        dense = uses * size
    return dense, uses * int(np.count_nonzero(weight)) if weight is not None else dense


def _einsum_macs(graph: Graph, node: Node) -> int:
    from frontc.ir.ops.linalg import parse_einsum

    shapes = [graph.spec(t).shape for t in node.inputs]
    if len(shapes) < 2:
        return 0
    terms, _ = parse_einsum(node_attrs(node)["equation"], [len(s) for s in shapes])
    sizes: dict[str, int] = {}
    for term, shape in zip(terms, shapes):
        pre, dots, post = term.partition("...")
        n_ell = len(shape) - len(pre) - len(post)
        named = list(zip(pre, shape)) + list(zip(post, shape[len(shape) - len(post):]))
        named += [(f".{i - n_ell}", d) for i, d in enumerate(shape[len(pre):len(pre) + n_ell])] if dots else []
        for letter, d in named:
            sizes[letter] = max(sizes.get(letter, 1), d)
    return math.prod(sizes.values()) * (len(shapes) - 1)


def _recurrent_macs(graph: Graph, node: Node) -> int:
    w = graph.spec(node.inputs[1]).shape  # (dirs, gates * hidden, input)
    x = graph.spec(node.inputs[0]).shape
    hidden = w[1] // RECURRENT_OPS[node.op]
    return x[0] * x[1] * w[0] * w[1] * (w[2] + hidden)


def _attention_macs(graph: Graph, node: Node) -> int:
    q, k, v = (graph.spec(t).shape for t in node.inputs[:3])
    out = graph.spec(node.outputs[0]).shape
    return math.prod(out[:-1]) * k[-2] * (q[-1] + v[-1])


def _element_flops(graph: Graph, node: Node) -> int:
    out = math.prod(graph.spec(node.outputs[0]).shape)
    if node.op == "Attention":  # 5 FLOPs per score: (batch..., Lq) x Lk
        return 5 * math.prod(graph.spec(node.outputs[0]).shape[:-1]) * graph.spec(node.inputs[1]).shape[-2]
    if node.op in RECURRENT_OPS:
        return out * CELL_COST[node.op]
    if node.op == "BoxNMS":
        shape = graph.spec(node.inputs[0]).shape
        topk = node_attrs(node)["topk"]
        k = shape[-2] if topk < 0 else min(topk, shape[-2])
        return math.prod(shape[:-2]) * (6 * k * (k - 1) + shape[-2])
    if node.op == "Det":
        n = graph.spec(node.inputs[0]).shape[-1]
        return out * (2 * n ** 3 // 3 + n)
    if node.op in ("MaxPool", "AvgPool"):
        return out * math.prod(node_attrs(node)["kernel_shape"])
    if node.op in PER_INPUT_ELEMENT:
        return math.prod(graph.spec(node.inputs[0]).shape)
    if node.op in LINEAR_OPS:
        a = node_attrs(node)
        extra = 0
        if len(node.inputs) > 2 and node.inputs[2]:
            extra += 1
        if len(node.inputs) > 3 and node.inputs[3]:
            extra += 1
        if a.get("activation"):
            extra += ELEMENT_COST[a["activation"]]
        return out * extra
    return out * ELEMENT_COST.get(node.op, 0)


def complexity(graph: Graph, *, flops_per_mac: int = 2, all_params: bool = False) -> Complexity:
    """Per-layer and total complexity of ``graph`` (either IR)."""
    if flops_per_mac not in (1, 2):
        raise ValueError("flops_per_mac must be 1 or 2")
    infer_shapes(graph)
    layers = []
    for node in graph.nodes:
        params = [graph.params[t] for t in dict.fromkeys(node.inputs) if t in graph.params]
        index = weight_input(node)
        weight = graph.params.get(node.inputs[index]) if index is not None else None
        counted = params if all_params else ([weight] if weight is not None else [])
        if node.op in LINEAR_OPS:
            macs, sparse_macs = _linear_macs(graph, node, weight)
        elif node.op in INTEGER_OPS:
            macs = sparse_macs = _linear_macs(graph, node, None, INTEGER_OPS[node.op])[0]
        elif node.op == "Einsum":
            macs = sparse_macs = _einsum_macs(graph, node)
        elif node.op in RECURRENT_OPS:
            macs = sparse_macs = _recurrent_macs(graph, node)
        elif node.op == "Attention":
            macs = sparse_macs = _attention_macs(graph, node)
        else:
            macs = sparse_macs = 0
        elements = _element_flops(graph, node)
        layers.append(LayerCost(
            node.name, node.op + (f"+{node.attrs['activation']}" if node.attrs.get("activation") else ""),
            graph.spec(node.outputs[0]).shape, int(sum(p.size for p in params)),
            int(sum(p.size for p in counted)), int(sum(np.count_nonzero(p) for p in counted)),
            macs, sparse_macs, elements, float(flops_per_mac * macs + elements),
            float(flops_per_mac * sparse_macs + elements)))
    return Complexity(layers, flops_per_mac, all_params)


def param_counts(graph: Graph) -> dict[str, int]:
    """Values in params: ``total``; ``trainable`` (without BatchNorm running statistics);
    ``weights`` (kernels of linear ops only)."""
    statistics = {t for n in graph.nodes if n.op == "BatchNorm" for t in n.inputs[3:5]}
    kernels = {n.inputs[1] for n in graph.nodes if n.op in LINEAR_OPS and n.inputs[1] in graph.params}
    return {"total": int(sum(v.size for v in graph.params.values())),
            "trainable": int(sum(v.size for k, v in graph.params.items() if k not in statistics)),
            "weights": int(sum(graph.params[k].size for k in kernels))}
