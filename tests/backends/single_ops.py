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


_H = 4  # hidden size of the recurrent cases
# the sequence and transformer ops (the exporters that take them; not every backend does): params
# given as arrays are used as they are (integer indices, bool conditions)
SEQUENCE_OPS: dict[str, tuple[str, tuple[int, ...], dict[str, Any], dict[int, Any]]] = {
    "lstm_bidirectional": ("LSTM", (5, 2, 3), {"hidden_size": _H, "direction": "bidirectional"},
                           {1: (2, 4 * _H, 3), 2: (2, 4 * _H, _H), 3: (2, 8 * _H)}),
    "lstm_batch_first_states": ("LSTM", (2, 5, 3), {"hidden_size": _H, "layout": 1},
                                {1: (1, 4 * _H, 3), 2: (1, 4 * _H, _H), 3: (1, 8 * _H), 5: (2, 1, _H),
                                 6: (2, 1, _H)}),
    "gru_reverse": ("GRU", (5, 2, 3), {"hidden_size": _H, "direction": "reverse"},
                    {1: (1, 3 * _H, 3), 2: (1, 3 * _H, _H), 3: (1, 6 * _H)}),
    "gru_linear_before_reset_batch_first": ("GRU", (2, 5, 3), {"hidden_size": _H, "linear_before_reset": 1,
                                                                "layout": 1},
                                            {1: (1, 3 * _H, 3), 2: (1, 3 * _H, _H), 3: (1, 6 * _H)}),
    "rnn_relu_lengths": ("RNN", (5, 2, 3), {"hidden_size": _H, "activation": "Relu"},
                         {1: (1, _H, 3), 2: (1, _H, _H), 3: (1, 2 * _H), 4: np.array([5, 3], np.int32)}),
    "layer_norm": ("LayerNorm", (2, 3, 8), {"axis": -1, "epsilon": 1e-3}, {1: (8,), 2: (8,)}),
    "layer_norm_two_axes": ("LayerNorm", (2, 3, 8), {"axis": 1}, {1: (3, 8)}),
    "group_norm": ("GroupNorm", (2, 6, 4, 4), {"num_groups": 3}, {1: (6,), 2: (6,)}),
    "instance_norm": ("InstanceNorm", (2, 3, 5, 4), {}, {1: (3,), 2: (3,)}),
    "gelu": ("Gelu", (2, 9), {}, {}),
    "gelu_tanh": ("Gelu", (2, 9), {"approximate": "tanh"}, {}),
    "attention_mask": ("Attention", (2, 2, 5, 4), {}, {1: (2, 2, 6, 4), 2: (2, 2, 6, 3), 3: (2, 1, 1, 6)}),
    "attention_scaled": ("Attention", (2, 5, 4), {"scale": 0.3}, {1: (2, 6, 4), 2: (2, 6, 3)}),
    "matmul_batched": ("MatMul", (2, 3, 4, 5), {}, {1: (3, 5, 2)}),
    "log_softmax": ("LogSoftmax", (2, 3, 5), {"axis": 1}, {}),
    "erf": ("Erf", (2, 7), {}, {}),
    "einsum": ("Einsum", (2, 3, 4), {"equation": "bij,bjk->bik"}, {1: (2, 4, 5)}),
    "gather_embedding": ("Gather", (10, 4), {"axis": 0}, {1: np.array([[1, 9, 0], [4, 4, 2]], np.int64)}),
    "equal": ("Equal", (2, 5), {}, {1: np.round(_randn((2, 5), 3))}),
    "where": ("Where", (2, 5), {}, {0: np.array([True, False, False, True, True]), 2: (5,)}),
    "cum_sum_reverse": ("CumSum", (2, 5), {"axis": 1, "reverse": 1}, {}),
    "top_k": ("TopK", (2, 7), {"k": 3}, {}),
    "arg_max": ("ArgMax", (3, 7), {"axis": 1, "keepdims": 0}, {}),
    "reduce_l2": ("ReduceL2", (2, 3, 4), {"axes": [1, 2]}, {}),
    "det": ("Det", (2, 3, 4, 4), {}, {}),
}


def single_op_graph(case: str, seed: int = 0) -> tuple[Graph, dict[str, np.ndarray]]:
    """The one-node graph of ``case`` (in CASES or SEQUENCE_OPS) and a seeded feed for its input
    (input 0, or the first input position no param fills)."""
    op, shape, attrs, params = CASES[case] if case in CASES else SEQUENCE_OPS[case]
    count = max(params, default=0) + 1
    first = next(i for i in range(count + 1) if i not in params)
    count = max(count, first + 1)
    names = [("x" if i == first else f"p{i}" if i in params else "") for i in range(count)]
    values = {f"p{i}": s if isinstance(s, np.ndarray) else _randn(s, seed + i) for i, s in params.items()}
    if op == "BatchNorm":
        values["p4"] = np.abs(values["p4"]) + 0.5  # a variance
    outputs = ["y"] + [f"y{i}" for i in range(1, {"LSTM": 3, "GRU": 2, "RNN": 2, "TopK": 2}.get(op, 1))]
    node = Node(case, op, names, outputs, dict(attrs))
    graph = Graph(case, [node], [TensorSpec("x", shape)], outputs, values)
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
