"""Every IR op has a torch layer, and a one-node graph of it equals the interpreter (the
family tests go through each op's attributes; this one fails as soon as the IR gains an op)."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.backends.torch.registry import layer_ops
from frontc.ir import known_ops
from frontc.ir.ops.bitwise import BITWISE_OPS
from frontc.ir.ops.elementwise import ACTIVATION_OPS, BINARY_OPS, UNARY_OPS
from frontc.ir.ops.logic import COMPARE_OPS, LOGIC_OPS
from frontc.ir.ops.reduce import REDUCE_OPS
from tests.backends.boxes import tie_boxes
from tests.backends.torch.util import check_op
from tests.interpreter.onnx_single_op import randn

X = randn(2, 4, 6, 6)
POSITIVE = np.abs(X) + np.float32(0.1)
SEQ = randn(5, 2, 3)
BOOL = X > 0
INTS = np.random.default_rng(5).integers(0, 100, (2, 4, 6, 6)).astype(np.int32)
UINT8 = np.random.default_rng(6).integers(0, 256, (2, 4, 6, 6)).astype(np.uint8)
INT8 = np.random.default_rng(7).integers(-128, 128, (4, 2, 6, 6)).astype(np.int8)
SPECIAL = np.where(X > 1, np.float32(np.inf), np.where(X < -1, np.float32(-np.inf), np.where(X > 0.8, np.nan, X)))
RNN = {op: (["x", "w", "r", "b"], {"x": SEQ},
            {"w": randn(1, g * 4, 3, seed=1), "r": randn(1, g * 4, 4, seed=2), "b": randn(1, 8 * g, seed=3)},
            {"hidden_size": 4, **({"linear_before_reset": 1} if op == "GRU" else {})}, "compute",
            3 if op == "LSTM" else 2)
       for op, g in (("LSTM", 4), ("GRU", 3), ("RNN", 1))}
BN = {name: np.abs(randn(4, seed=i)) + np.float32(0.5) for i, name in enumerate(("s", "b", "m", "v"))}

# op -> (inputs, feeds, params, attrs, kind, outputs)
SMOKE = {
    **{op: (["x"], {"x": X}, {}, {}, "exact", 1) for op in ACTIVATION_OPS},
    **{op: (["x"], {"x": POSITIVE}, {}, {}, "exact", 1) for op in UNARY_OPS},
    **{op: (["x"], {"x": np.tanh(X) * np.float32(0.95)}, {}, {}, "exact", 1) for op in ("Asin", "Acos", "Atanh")},
    "Acosh": (["x"], {"x": POSITIVE + np.float32(1)}, {}, {}, "exact", 1),
    **{op: (["x", "c"], {"x": POSITIVE}, {"c": randn(6, seed=1) + 2}, {}, "exact", 1) for op in BINARY_OPS},
    **{op: (["x"], {"x": X}, {}, {"axes": [2, 3]}, "compute", 1) for op in REDUCE_OPS},
    **{op: (["x", "c"], {"x": X}, {"c": np.round(randn(6, seed=1))}, {}, "exact", 1) for op in COMPARE_OPS},
    **{op: (["x", "c"], {"x": BOOL}, {"c": randn(6, seed=1) > 0}, {}, "exact", 1) for op in LOGIC_OPS},
    **RNN,
    "Not": (["x"], {"x": BOOL}, {}, {}, "exact", 1),
    "Det": (["x"], {"x": X[:, :, :4, :4]}, {}, {}, "compute", 1),
    **{op: (["x", "c"], {"x": INTS}, {"c": INTS[0, 0] * 3 + 1}, {}, "exact", 1) for op in BITWISE_OPS},
    "BitwiseNot": (["x"], {"x": INTS}, {}, {}, "exact", 1),
    "BitShift": (["x", "c"], {"x": INTS.astype(np.uint8)}, {"c": np.array([1, 0, 3, 7, 2, 5], np.uint8)},
                 {"direction": "LEFT"}, "exact", 1),
    "IsNaN": (["x"], {"x": SPECIAL}, {}, {}, "exact", 1),
    "IsInf": (["x"], {"x": SPECIAL}, {}, {"detect_negative": 0}, "exact", 1),
    "Mod": (["x", "c"], {"x": X}, {"c": randn(6, seed=1) + 3}, {"fmod": 1}, "exact", 1),
    "Where": (["c", "x", "y0"], {"x": X}, {"c": BOOL[:1], "y0": randn(6, seed=1)}, {}, "exact", 1),
    "Gelu": (["x"], {"x": X}, {}, {"approximate": "tanh"}, "exact", 1),
    "LogSoftmax": (["x"], {"x": X}, {}, {"axis": 1}, "exact", 1),
    "ArgMax": (["x"], {"x": X}, {}, {"axis": 2}, "exact", 1),
    "ArgMin": (["x"], {"x": X}, {}, {"axis": -1, "keepdims": 0, "select_last_index": 1}, "exact", 1),
    "TopK": (["x"], {"x": X}, {}, {"k": 3, "axis": 1}, "exact", 2),
    "CumSum": (["x"], {"x": X}, {}, {"axis": 3, "reverse": 1, "exclusive": 1}, "compute", 1),
    "Attention": (["x", "k", "v", "m"], {"x": X}, {"k": randn(2, 4, 5, 6, seed=1), "v": randn(2, 4, 5, 3, seed=2),
                                                  "m": randn(2, 1, 1, 5, seed=3)}, {"scale": 0.5}, "compute", 1),
    "Einsum": (["x", "w"], {"x": X}, {"w": randn(2, 4, 5, 6, seed=1)}, {"equation": "bhqd,bhkd->bhqk"},
               "compute", 1),
    "LayerNorm": (["x", "s", "b"], {"x": X}, {"s": randn(6, 6, seed=1), "b": randn(6, 6, seed=2)},
                  {"axis": 2}, "compute", 1),
    "GroupNorm": (["x", "s", "b"], {"x": X}, {"s": randn(4, seed=1), "b": randn(4, seed=2)},
                  {"num_groups": 2}, "compute", 1),
    "InstanceNorm": (["x", "s", "b"], {"x": X}, {"s": randn(4, seed=1), "b": randn(4, seed=2)}, {}, "compute", 1),
    "Conv": (["x", "w", "b"], {"x": X}, {"w": randn(3, 4, 3, 3, seed=1), "b": randn(3, seed=2)},
             {"pads": [1, 1, 1, 1]}, "compute", 1),
    "ConvTranspose": (["x", "w"], {"x": X}, {"w": randn(4, 3, 2, 2, seed=1)}, {"strides": [2, 2]}, "compute", 1),
    "BatchNorm": (["x", *BN], {"x": X}, BN, {}, "compute", 1),
    "Dense": (["x", "w"], {"x": X}, {"w": randn(5, 6, seed=1)}, {"activation": "Relu"}, "compute", 1),
    "Gemm": (["a", "b"], {"a": randn(3, 4)}, {"b": randn(4, 5, seed=1)}, {}, "compute", 1),
    "MatMul": (["x", "w"], {"x": X}, {"w": randn(6, 2, seed=1)}, {}, "compute", 1),
    "MaxPool": (["x"], {"x": X}, {}, {"kernel_shape": [3, 3], "strides": [2, 2]}, "exact", 1),
    "AvgPool": (["x"], {"x": X}, {}, {"kernel_shape": [2, 2]}, "compute", 1),
    "GlobalAvgPool": (["x"], {"x": X}, {}, {}, "compute", 1),
    "GlobalMaxPool": (["x"], {"x": X}, {}, {}, "exact", 1),
    "LRN": (["x"], {"x": X}, {}, {"size": 3}, "compute", 1),
    "PRelu": (["x", "s"], {"x": X}, {"s": randn(4, 1, 1, seed=1)}, {}, "exact", 1),
    "Softmax": (["x"], {"x": X}, {}, {"axis": 1}, "exact", 1),
    "Identity": (["x"], {"x": X}, {}, {}, "exact", 1),
    "Dropout": (["x"], {"x": X}, {}, {}, "exact", 1),
    "Cast": (["x"], {"x": X * 10}, {}, {"to": "int32"}, "exact", 1),
    "Concat": (["x", "x"], {"x": X}, {}, {"axis": 1}, "exact", 1),
    "Split": (["x"], {"x": X}, {}, {"axis": 1, "split": [1, 3]}, "exact", 2),
    "Slice": (["x"], {"x": X}, {}, {"starts": [5], "ends": [0], "axes": [3], "steps": [-2]}, "exact", 1),
    "Reshape": (["x"], {"x": X}, {}, {"shape": [0, -1]}, "exact", 1),
    "Flatten": (["x"], {"x": X}, {}, {"axis": 2}, "exact", 1),
    "Transpose": (["x"], {"x": X}, {}, {"perm": [0, 2, 3, 1]}, "exact", 1),
    "Squeeze": (["x"], {"x": X[:, :1]}, {}, {"axes": [1]}, "exact", 1),
    "Unsqueeze": (["x"], {"x": X}, {}, {"axes": [0]}, "exact", 1),
    "Pad": (["x"], {"x": X}, {}, {"pads": [0, 0, 1, 2, 0, 0, 2, 1], "mode": "reflect"}, "exact", 1),
    "Resize": (["x"], {"x": X}, {}, {"scales": [1.0, 1.0, 1.5, 2.0], "mode": "linear"}, "compute", 1),
    "GatherElements": (["x", "i"], {"x": X}, {"i": np.random.default_rng(0).integers(-4, 4, (2, 4, 3, 6))},
                       {"axis": 1}, "exact", 1),
    "GatherND": (["x", "i"], {"x": X}, {"i": np.array([[[1, 2], [0, -1]], [[3, 0], [2, 2]]])},
                 {"batch_dims": 1}, "exact", 1),
    "ScatterND": (["x", "i", "u"], {"x": X}, {"i": np.array([[0, 1], [1, 3], [0, 1]]), "u": randn(3, 6, 6, seed=2)},
                  {"reduction": "add"}, "exact", 1),
    "ScatterElements": (["x", "i", "u"], {"x": X}, {"i": np.random.default_rng(0).integers(-4, 4, (2, 4, 6, 6)),
                                                   "u": randn(2, 4, 6, 6, seed=3)}, {"axis": 1, "reduction": "max"},
                        "exact", 1),
    "Gather": (["x", "i"], {"x": X}, {"i": np.array([3, -1, 0], np.int64)}, {"axis": 1}, "exact", 1),
    "Shape": (["x"], {"x": X}, {}, {}, "exact", 1),
    "Expand": (["x"], {"x": X[:, :1]}, {}, {"shape": [2, 3, 1, 1]}, "exact", 1),
    "Tile": (["x"], {"x": X}, {}, {"repeats": [1, 2, 1, 2]}, "exact", 1),
    "BoxNMS": (["x"], {"x": tie_boxes(40)}, {}, {"id_index": 0, "topk": 30, "overlap_thresh": 0.3}, "exact", 1),
    "DepthToSpace": (["x"], {"x": X}, {}, {"blocksize": 2}, "exact", 1),
    "DynamicQuantizeLinear": (["x"], {"x": X}, {}, {}, "exact", 3),
    "MatMulInteger": (["x", "w", "", "z"], {"x": UINT8}, {"w": INT8[0, 0, :, :2], "z": INT8[0, 0, 0, :2]}, {},
                      "exact", 1),
    "ConvInteger": (["x", "w", "a", "z"], {"x": UINT8}, {"w": INT8[:, :, :3, :3], "a": np.array(130, np.uint8),
                                                        "z": INT8[0, 0, 0, :4]},
                    {"pads": [1, 0, 2, 1], "dilations": [1, 2], "group": 2}, "exact", 1),
    "SpaceToDepth": (["x"], {"x": X}, {}, {"blocksize": 3}, "exact", 1),
    "QuantizeLinear": (["x", "s", "z"], {"x": X}, {"s": POSITIVE[0, :, 0, 0] / 50, "z": INT8[0, 0, 0, :4]},
                       {"axis": 1}, "exact", 1),
    "DequantizeLinear": (["x", "s", "z"], {"x": INT8},
                         {"s": POSITIVE.reshape(4, 2, 6, 6)[:, :, :2] / 50, "z": INT8[:, :, :2]},
                         {"axis": 2, "block_size": 4}, "exact", 1),
}


def test_every_ir_op_has_a_layer_and_a_case() -> None:
    assert layer_ops() == known_ops()
    assert sorted(SMOKE) == known_ops()


@pytest.mark.parametrize("op", known_ops())
def test_op(op: str) -> None:
    inputs, feeds, params, attrs, kind, outputs = SMOKE[op]
    check_op(op, inputs, feeds, params, attrs, kind, outputs)
