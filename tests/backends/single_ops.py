"""One-node IR graphs with seeded inputs and weights, covering each op family (and fused
Conv/Dense attributes), for checking a backend node by node against the interpreter."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.ir.graph import Graph, Node, TensorSpec


def _randn(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# id -> (op, input shape, attrs, params by input position: shape)
CASES: dict[str, tuple[str, tuple[int, ...], dict[str, Any], dict[int, tuple[int, ...]]]] = {
    "conv": ("Conv", (2, 3, 9, 9), {"strides": [2, 2], "pads": [1, 1, 1, 1]}, {1: (4, 3, 3, 3), 2: (4,)}),
    "conv_asym_pads_relu6": ("Conv", (1, 3, 8, 8), {"pads": [0, 0, 1, 1], "activation": "Relu6"},
                             {1: (4, 3, 3, 3)}),
    "conv_residual_relu": ("Conv", (1, 4, 6, 6), {"pads": [1, 1, 1, 1], "activation": "Relu"},
                           {1: (4, 4, 3, 3), 2: (4,), 3: (1, 4, 6, 6)}),
    "conv_depthwise_dilated": ("Conv", (1, 4, 9, 9), {"group": 4, "dilations": [2, 2]}, {1: (4, 1, 3, 3)}),
    "conv_transpose": ("ConvTranspose", (1, 4, 5, 5), {"strides": [2, 2], "pads": [1, 1, 1, 1],
                                                         "output_padding": [1, 1]}, {1: (4, 3, 3, 3), 2: (3,)}),
    "dense_swish": ("Dense", (3, 8), {"activation": "Swish"}, {1: (5, 8), 2: (5,)}),
    "dense_3d_leaky": ("Dense", (2, 3, 8), {"activation": "LeakyRelu", "activation_params": [0.2]},
                       {1: (5, 8), 2: (5,)}),
    "batchnorm": ("BatchNorm", (2, 3, 4, 4), {"epsilon": 1e-3}, {1: (3,), 2: (3,), 3: (3,), 4: (3,)}),
    "maxpool_ceil": ("MaxPool", (1, 2, 8, 8), {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1}, {}),
    "maxpool_pads": ("MaxPool", (1, 2, 8, 8), {"kernel_shape": [3, 3], "strides": [2, 2],
                                               "pads": [1, 1, 1, 1]}, {}),
    "avgpool_pads": ("AvgPool", (1, 2, 8, 8), {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}, {}),
    "global_avg": ("GlobalAvgPool", (2, 3, 5, 5), {}, {}),
    "global_max": ("GlobalMaxPool", (2, 3, 5, 5), {}, {}),
    "add_bcast": ("Add", (2, 3, 4, 4), {}, {1: (3, 1, 1)}),
    "mul": ("Mul", (2, 3, 4), {}, {1: (2, 3, 4)}),
    "sub": ("Sub", (2, 5), {}, {1: (5,)}),
    "div": ("Div", (2, 5), {}, {1: (5,)}),
    "relu": ("Relu", (2, 7), {}, {}),
    "relu6": ("Relu6", (2, 7), {}, {}),
    "sigmoid": ("Sigmoid", (2, 7), {}, {}),
    "tanh": ("Tanh", (2, 7), {}, {}),
    "hardswish": ("HardSwish", (2, 7), {}, {}),
    "hardsigmoid": ("HardSigmoid", (2, 7), {"alpha": 0.3, "beta": 0.4}, {}),
    "clip": ("Clip", (2, 7), {"min": -0.5, "max": 0.7}, {}),
    "elu": ("Elu", (2, 7), {"alpha": 0.8}, {}),
    "swish": ("Swish", (2, 7), {"alpha": 1.5}, {}),
    "softmax": ("Softmax", (2, 7), {"axis": 1}, {}),
    "exp": ("Exp", (2, 7), {}, {}),
    "abs": ("Abs", (2, 7), {}, {}),
    "neg": ("Neg", (2, 7), {}, {}),
    "flatten": ("Flatten", (2, 3, 2, 2), {}, {}),
    "reshape": ("Reshape", (2, 3, 4), {"shape": [0, -1]}, {}),
    "transpose": ("Transpose", (2, 3, 4), {"perm": [0, 2, 1]}, {}),
    "slice": ("Slice", (2, 6, 5), {"starts": [1, 0], "ends": [5, 100], "axes": [1, 2], "steps": [2, 1]}, {}),
    "concat": ("Concat", (2, 3, 4), {"axis": 1}, {1: (2, 2, 4)}),
    "pad_reflect": ("Pad", (1, 2, 5, 5), {"pads": [0, 0, 1, 2, 0, 0, 2, 1], "mode": "reflect"}, {}),
    "reduce_mean": ("ReduceMean", (2, 3, 4), {"axes": [1], "keepdims": 0}, {}),
    "reduce_sum": ("ReduceSum", (2, 3, 4), {"axes": [2]}, {}),
    "unsqueeze": ("Unsqueeze", (2, 3), {"axes": [1]}, {}),
    "squeeze": ("Squeeze", (2, 1, 3), {"axes": [1]}, {}),
    "lrn": ("LRN", (1, 6, 4, 4), {"size": 3, "alpha": 1e-2, "beta": 0.75, "bias": 2.0}, {}),
    "depth_to_space": ("DepthToSpace", (1, 8, 2, 3), {"blocksize": 2}, {}),
    "space_to_depth": ("SpaceToDepth", (1, 2, 4, 6), {"blocksize": 2}, {}),
    "tile": ("Tile", (2, 3), {"repeats": [2, 1]}, {}),
    "resize_nearest": ("Resize", (1, 2, 3, 4), {"mode": "nearest", "scales": [1.0, 1.0, 2.0, 2.0]}, {}),
    "resize_linear": ("Resize", (1, 2, 3, 4), {"mode": "linear", "sizes": [1, 2, 7, 5]}, {}),
    "resize_linear_corners": ("Resize", (1, 2, 3, 4), {"mode": "linear", "scales": [1.0, 1.0, 2.0, 2.0],
                                                        "coordinate_transformation_mode": "align_corners"}, {}),
}


def single_op_graph(case: str, seed: int = 0) -> tuple[Graph, dict[str, np.ndarray]]:
    """The one-node graph of ``case`` and a seeded feed for its input."""
    op, shape, attrs, params = CASES[case]
    count = max(params, default=0) + 1
    names = ["x"] + [f"p{i}" if i in params else "" for i in range(1, count)]
    values = {f"p{i}": _randn(s, seed + i) for i, s in params.items()}
    if op == "BatchNorm":
        values["p4"] = np.abs(values["p4"]) + 0.5  # a variance
    node = Node(case, op, names, ["y"], dict(attrs))
    graph = Graph(case, [node], [TensorSpec("x", shape)], ["y"], values)
    return graph, {"x": _randn(shape, seed)}


def all_ops_graph(cases: list[str] | None = None, seed: int = 0) -> tuple[Graph, dict[str, np.ndarray]]:
    """The cases (default: all) side by side in one graph (inputs ``<case>/x``, outputs
    ``<case>/y``), for backends whose per-graph build is slow."""
    nodes, inputs, outputs, params, feeds = [], [], [], {}, {}
    for case in cases or CASES:
        graph, feed = single_op_graph(case, seed)
        rename = {name: f"{case}/{name}" for name in ["x", "y", *graph.params]}
        node = graph.nodes[0]
        nodes.append(Node(case, node.op, [rename.get(t, t) for t in node.inputs], [rename["y"]], node.attrs))
        inputs.append(TensorSpec(rename["x"], graph.inputs[0].shape))
        outputs.append(rename["y"])
        params.update({rename[k]: v for k, v in graph.params.items()})
        feeds[rename["x"]] = feed["x"]
    return Graph("all_ops", nodes, inputs, outputs, params), feeds
