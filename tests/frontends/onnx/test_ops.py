"""Single-op ONNX models (opset-specific variants included) converted and run in the IR
interpreter, compared with onnxruntime."""
from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper

from tests.frontends.onnx.helpers import assert_matches, model, randn, single

I64 = np.int64
X4 = (2, 3, 9, 10)

# id: (op, inputs, attrs, opset, max relative error)
CASES = {
    # convolutions
    "conv": ("Conv", [X4, randn(4, 3, 3, 3), randn(4)], {"pads": [1, 0, 2, 1], "strides": [2, 1]}, 11, 1e-5),
    "conv_opset21": ("Conv", [X4, randn(2, 3, 1, 3)], {"pads": [0, 1, 0, 1]}, 21, 1e-5),
    "conv_grouped_dilated": ("Conv", [(1, 4, 11, 9), randn(6, 2, 3, 3)],
                             {"group": 2, "dilations": [2, 1]}, 13, 1e-5),
    "conv_depthwise_same_upper": ("Conv", [(1, 3, 9, 8), randn(3, 1, 3, 3)],
                                  {"group": 3, "auto_pad": "SAME_UPPER", "strides": [2, 2]}, 13, 1e-5),
    "conv_same_lower": ("Conv", [(1, 3, 8, 8), randn(2, 3, 4, 4)],
                        {"auto_pad": "SAME_LOWER", "strides": [3, 3]}, 11, 1e-5),
    "conv_valid_1d": ("Conv", [(2, 3, 17), randn(4, 3, 5)], {"auto_pad": "VALID", "strides": [2]}, 18, 1e-5),
    "conv_transpose": ("ConvTranspose", [(1, 4, 5, 6), randn(4, 3, 3, 3), randn(3)],
                       {"strides": [2, 2], "pads": [1, 0, 1, 1], "output_padding": [1, 0]}, 11, 1e-5),
    "conv_transpose_grouped": ("ConvTranspose", [(1, 4, 5, 5), randn(4, 2, 3, 3)],
                               {"group": 2, "dilations": [2, 2]}, 13, 1e-5),
    "conv_transpose_same_upper": ("ConvTranspose", [(1, 2, 5, 5), randn(2, 3, 3, 3)],
                                  {"strides": [2, 2], "auto_pad": "SAME_UPPER"}, 13, 1e-5),
    "conv_transpose_output_shape": ("ConvTranspose", [(1, 2, 4, 4), randn(2, 3, 3, 3)],
                                    {"strides": [2, 2], "output_shape": [8, 9]}, 13, 1e-5),
    "conv_transpose_output_shape_upper": ("ConvTranspose", [(1, 2, 4, 4), randn(2, 3, 3, 3)],
                                          {"strides": [2, 2], "output_shape": [8, 9],
                                           "auto_pad": "SAME_UPPER"}, 13, 1e-5),
    "conv_transpose_same_lower": ("ConvTranspose", [(1, 2, 5, 5), randn(2, 3, 3, 3)],
                                  {"strides": [2, 2], "auto_pad": "SAME_LOWER"}, 11, 1e-5),
    # layers
    "batchnorm_opset9": ("BatchNormalization", [X4, randn(3), randn(3), randn(3),
                                                np.abs(randn(3)) + 0.5], {"epsilon": 1e-3}, 9, 1e-5),
    "batchnorm_opset15": ("BatchNormalization", [X4, randn(3), randn(3), randn(3),
                                                 np.abs(randn(3)) + 0.5], {}, 15, 1e-5),
    "gemm": ("Gemm", [(4, 6), randn(5, 6), randn(5)], {"transB": 1, "alpha": 0.5, "beta": 2.0}, 11, 1e-5),
    "gemm_trans_a": ("Gemm", [(6, 4), randn(6, 5), randn(4, 1)], {"transA": 1}, 13, 1e-5),
    "matmul_batched": ("MatMul", [(2, 3, 4, 6), randn(6, 5)], {}, 13, 1e-5),
    "lrn": ("LRN", [(1, 6, 5, 5)], {"size": 3, "alpha": 1e-2, "beta": 0.6, "bias": 2.0}, 13, 1e-5),
    # elementwise
    "add_broadcast": ("Add", [X4, (3, 1, 10)], {}, 13, 1e-6),
    "sub": ("Sub", [X4, randn(10)], {}, 11, 1e-6),
    "mul": ("Mul", [X4, (1, 3, 1, 1)], {}, 13, 1e-6),
    "div": ("Div", [X4, X4], {}, 13, 1e-6),
    "pow": ("Pow", [X4, np.array([2.0, 3.0] * 5, dtype=np.float32)], {}, 13, 1e-6),
    "max3": ("Max", [X4, (10,), (3, 1, 1)], {}, 13, 1e-6),
    "min2": ("Min", [X4, X4], {}, 11, 1e-6),
    "sum3": ("Sum", [X4, (10,), X4], {}, 13, 1e-6),
    "sum1": ("Sum", [X4], {}, 13, 0.0),
    "mean3": ("Mean", [X4, X4, (1, 10)], {}, 13, 1e-6),
    "relu": ("Relu", [X4], {}, 14, 0.0),
    "sigmoid": ("Sigmoid", [X4], {}, 13, 1e-6),
    "tanh": ("Tanh", [X4], {}, 13, 1e-6),
    "exp": ("Exp", [X4], {}, 13, 1e-6),
    "neg_abs": ("Neg", [X4], {}, 13, 0.0),
    "abs": ("Abs", [X4], {}, 13, 0.0),
    "reciprocal": ("Reciprocal", [X4], {}, 13, 1e-6),
    "floor": ("Floor", [X4], {}, 13, 0.0),
    "ceil": ("Ceil", [X4], {}, 13, 0.0),
    "hardswish": ("HardSwish", [X4], {}, 14, 1e-6),
    "hardsigmoid": ("HardSigmoid", [X4], {"alpha": 0.3, "beta": 0.4}, 13, 1e-6),
    "leakyrelu": ("LeakyRelu", [X4], {"alpha": 0.2}, 13, 1e-6),
    "elu": ("Elu", [X4], {"alpha": 0.7}, 13, 1e-6),
    "prelu": ("PRelu", [X4, randn(3, 1, 1)], {}, 13, 1e-6),
    "clip_opset10_attrs": ("Clip", [X4], {"min": -0.5, "max": 0.7}, 10, 0.0),
    "clip_opset11_inputs": ("Clip", [X4, np.array(-0.5, np.float32), np.array(0.7, np.float32)], {}, 11, 0.0),
    "clip_opset13_max_only": ("Clip", [X4, None, np.array(0.3, np.float32)], {}, 13, 0.0),
    "softmax_opset11_coerced": ("Softmax", [X4], {"axis": 1}, 11, 1e-6),
    "softmax_opset11_default": ("Softmax", [X4], {}, 11, 1e-6),
    "softmax_opset11_last": ("Softmax", [X4], {"axis": 3}, 11, 1e-6),
    "softmax_opset13_axis1": ("Softmax", [X4], {"axis": 1}, 13, 1e-6),
    "softmax_opset13_default": ("Softmax", [X4], {}, 13, 1e-6),
    # pooling
    "maxpool": ("MaxPool", [X4], {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}, 11, 0.0),
    "maxpool_ceil_dilated": ("MaxPool", [X4], {"kernel_shape": [2, 3], "strides": [2, 2],
                                               "ceil_mode": 1, "dilations": [2, 1]}, 12, 0.0),
    "maxpool_same_upper": ("MaxPool", [X4], {"kernel_shape": [3, 2], "strides": [2, 3],
                                             "auto_pad": "SAME_UPPER"}, 13, 0.0),
    "maxpool_same_lower": ("MaxPool", [X4], {"kernel_shape": [2, 2], "strides": [2, 2],
                                             "auto_pad": "SAME_LOWER"}, 11, 0.0),
    "avgpool_exclude_pad": ("AveragePool", [X4], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}, 11, 1e-6),
    "avgpool_include_pad": ("AveragePool", [X4], {"kernel_shape": [3, 3], "pads": [1, 0, 1, 2],
                                                  "count_include_pad": 1, "strides": [2, 2]}, 13, 1e-6),
    "avgpool_same_upper_ceil": ("AveragePool", [X4], {"kernel_shape": [3, 3], "strides": [2, 2],
                                                      "auto_pad": "SAME_UPPER"}, 19, 1e-6),
    "avgpool_valid": ("AveragePool", [X4], {"kernel_shape": [2, 2], "auto_pad": "VALID"}, 9, 1e-6),
    "global_avgpool": ("GlobalAveragePool", [X4], {}, 13, 1e-6),
    "global_maxpool": ("GlobalMaxPool", [X4], {}, 13, 0.0),
    # reductions
    "reducemean_attr": ("ReduceMean", [X4], {"axes": [2, 3], "keepdims": 0}, 13, 1e-6),
    "reducemax_attr_all": ("ReduceMax", [X4], {}, 11, 0.0),
    "reducemin_attr": ("ReduceMin", [X4], {"axes": [-1]}, 11, 0.0),
    "reducesum_opset11_attr": ("ReduceSum", [X4], {"axes": [1]}, 11, 1e-6),
    "reducesum_opset13_input": ("ReduceSum", [X4, np.array([1, 3], I64)], {"keepdims": 0}, 13, 1e-6),
    "reducesum_opset13_noop": ("ReduceSum", [X4], {"noop_with_empty_axes": 1}, 13, 0.0),
    "reducemean_opset18_input": ("ReduceMean", [X4, np.array([-2], I64)], {}, 18, 1e-6),
    "reducemax_opset18_input": ("ReduceMax", [X4, np.array([0, 2], I64)], {"keepdims": 0}, 18, 0.0),
    # data movement
    "concat": ("Concat", [X4, (2, 1, 9, 10), randn(2, 2, 9, 10)], {"axis": -3}, 13, 0.0),
    "split_opset11_attr": ("Split", [X4], {"axis": 3, "split": [3, 7]}, 11, 0.0),
    "split_opset11_equal": ("Split", [X4], {"axis": 1}, 11, 0.0),
    "split_opset13_input": ("Split", [X4, np.array([4, 1, 4], I64)], {"axis": 2}, 13, 0.0),
    "split_opset18_num_outputs": ("Split", [X4], {"axis": 3, "num_outputs": 3}, 18, 0.0),
    "slice_opset9_attrs": ("Slice", [X4], {"starts": [1, -4], "ends": [9, 2**62], "axes": [2, 3]}, 9, 0.0),
    "slice_opset13_steps": ("Slice", [X4, np.array([-1, 0], I64), np.array([-2**63, 3], I64),
                                      np.array([3, 1], I64), np.array([-2, 2], I64)], {}, 13, 0.0),
    "reshape": ("Reshape", [X4, np.array([0, -1, 5], I64)], {}, 13, 0.0),
    "reshape_allowzero": ("Reshape", [X4, np.array([6, -1, 10], I64)], {"allowzero": 1}, 14, 0.0),
    "flatten": ("Flatten", [X4], {"axis": 2}, 13, 0.0),
    "flatten_negative": ("Flatten", [X4], {"axis": -1}, 11, 0.0),
    "transpose": ("Transpose", [X4], {"perm": [0, 2, 3, 1]}, 13, 0.0),
    "transpose_default": ("Transpose", [X4], {}, 13, 0.0),
    "squeeze_opset11": ("Squeeze", [(2, 1, 5, 1)], {"axes": [1]}, 11, 0.0),
    "squeeze_opset13_all": ("Squeeze", [(2, 1, 5, 1)], {}, 13, 0.0),
    "squeeze_opset13_input": ("Squeeze", [(2, 1, 5, 1), np.array([-1], I64)], {}, 13, 0.0),
    "unsqueeze_opset11": ("Unsqueeze", [(2, 5)], {"axes": [0, 3]}, 11, 0.0),
    "unsqueeze_opset13": ("Unsqueeze", [(2, 5), np.array([-1, 1], I64)], {}, 13, 0.0),
    "pad_opset10_attrs": ("Pad", [X4], {"pads": [0, 0, 1, 2, 0, 1, 0, 3], "value": 0.5}, 10, 0.0),
    "pad_opset11_reflect": ("Pad", [X4, np.array([0, 0, 2, 1, 0, 0, 1, 3], I64)],
                            {"mode": "reflect"}, 11, 0.0),
    "pad_opset13_edge_crop": ("Pad", [X4, np.array([0, 1, -1, 2, 0, 0, 1, -2], I64)],
                              {"mode": "edge"}, 13, 0.0),
    "pad_opset13_value": ("Pad", [X4, np.array([0, 0, 1, 1, 0, 0, 1, 1], I64),
                                  np.array(-2.0, np.float32)], {}, 13, 0.0),
    "pad_opset18_axes": ("Pad", [X4, np.array([1, 2, 3, 0], I64), np.array(1.5, np.float32),
                                 np.array([-1, 1], I64)], {}, 18, 0.0),
    "identity": ("Identity", [X4], {}, 13, 0.0),
    "dropout_opset12": ("Dropout", [X4], {}, 12, 0.0),
    "gather_const_negative": ("Gather", [X4, np.array([[0, -1], [2, 1]], I64)], {"axis": 1}, 13, 0.0),
    "gather_scalar": ("Gather", [X4, np.array(-2, I64)], {"axis": 3}, 11, 0.0),
    "expand": ("Expand", [(3, 1, 1), np.array([2, 1, 4, 5], I64)], {}, 13, 0.0),
    "tile": ("Tile", [(2, 3, 1), np.array([1, 2, 3], I64)], {}, 13, 0.0),
    "depth_to_space_dcr": ("DepthToSpace", [(1, 8, 3, 4)], {"blocksize": 2}, 11, 0.0),
    "depth_to_space_crd": ("DepthToSpace", [(1, 8, 3, 4)], {"blocksize": 2, "mode": "CRD"}, 13, 0.0),
    "space_to_depth": ("SpaceToDepth", [(1, 2, 4, 6)], {"blocksize": 2}, 13, 0.0),
    # resize and upsample
    "upsample_opset7_attr": ("Upsample", [(1, 2, 3, 4)], {"scales": [1.0, 1.0, 2.0, 3.0]}, 7, 0.0),
    "upsample_opset9_linear": ("Upsample", [(1, 2, 3, 4), np.array([1, 1, 2, 2.5], np.float32)],
                               {"mode": "linear"}, 9, 1e-6),
    "resize_opset10_nearest": ("Resize", [(1, 2, 3, 4), np.array([1, 1, 2, 2], np.float32)], {}, 10, 0.0),
    "resize_opset10_linear": ("Resize", [(1, 2, 4, 4), np.array([1, 1, 1.5, 2], np.float32)],
                              {"mode": "linear"}, 10, 1e-6),
    "resize_opset11_sizes_linear_align": (
        "Resize", [(1, 2, 5, 4), np.array([], np.float32), np.array([], np.float32),
                   np.array([1, 2, 9, 7], I64)],
        {"mode": "linear", "coordinate_transformation_mode": "align_corners"}, 11, 1e-6),
    "resize_opset11_scales_half_pixel": (
        "Resize", [(1, 2, 5, 4), np.array([], np.float32), np.array([1, 1, 2, 1.5], np.float32)],
        {"mode": "linear"}, 11, 1e-6),
    "resize_opset13_nearest_asymmetric": (
        "Resize", [(1, 2, 5, 4), None, np.array([1, 1, 2, 2], np.float32)],
        {"coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"}, 13, 0.0),
    "resize_opset13_downsample": (
        "Resize", [(1, 2, 8, 9), None, None, np.array([1, 2, 3, 4], I64)],
        {"mode": "nearest", "coordinate_transformation_mode": "pytorch_half_pixel"}, 13, 0.0),
    "resize_opset18_axes": (
        "Resize", [(1, 2, 5, 4), None, np.array([3, 2], np.float32)],
        {"axes": [3, 2], "mode": "linear"}, 18, 1e-6),
    "resize_opset20_nearest_ceil": (
        "Resize", [(1, 2, 5, 4), None, np.array([1, 1, 1.6, 2.5], np.float32)],
        {"nearest_mode": "ceil", "coordinate_transformation_mode": "half_pixel"}, 20, 0.0),
    "resize_opset19_half_pixel_symmetric": (
        "Resize", [(1, 2, 5, 4), None, None, np.array([1, 2, 8, 7], I64)],
        {"mode": "linear", "coordinate_transformation_mode": "half_pixel_symmetric"}, 19, 1e-6),
}
OUTPUTS = {"split_opset11_attr": 2, "split_opset11_equal": 3, "split_opset13_input": 3,
           "split_opset18_num_outputs": 3}


@pytest.mark.parametrize("case", sorted(CASES))
def test_single_op(case: str) -> None:
    op, ins, attrs, opset, rel = CASES[case]
    proto, feeds = single(op, ins, attrs, opset=opset, outputs=OUTPUTS.get(case, 1))
    graph = assert_matches(proto, feeds, rel)
    assert graph.meta["opset"] == opset


@pytest.mark.parametrize("op", ["Sqrt", "Log"])
def test_positive_domain_ops(op: str) -> None:
    """Sqrt and Log of |x| + 0.1 (an Abs and an Add before them)."""
    nodes = [helper.make_node("Abs", ["x"], ["a"]), helper.make_node("Add", ["a", "eps"], ["b"]),
             helper.make_node(op, ["b"], ["y"])]
    proto = model(nodes, {"x": (X4, TensorProto.FLOAT)}, {"y": TensorProto.FLOAT},
                  {"eps": np.array(0.1, np.float32)})
    assert_matches(proto, {"x": randn(*X4)})


@pytest.mark.parametrize("to", [TensorProto.INT32, TensorProto.FLOAT16, TensorProto.INT64])
def test_cast(to: int) -> None:
    nodes = [helper.make_node("Mul", ["x", "ten"], ["m"]), helper.make_node("Cast", ["m"], ["y"], to=to)]
    proto = model(nodes, {"x": (X4, TensorProto.FLOAT)}, {"y": to}, {"ten": np.array(10, np.float32)})
    assert_matches(proto, {"x": randn(*X4)})


def test_gather_with_runtime_indices() -> None:
    node = helper.make_node("Gather", ["x", "i"], ["y"], axis=0)
    proto = model([node], {"x": ((5, 3), TensorProto.FLOAT), "i": ((2, 2), TensorProto.INT64)},
                  {"y": TensorProto.FLOAT})
    assert_matches(proto, {"x": randn(5, 3), "i": np.array([[4, 0], [1, 1]], np.int64)})


def test_constant_nodes_as_weights_and_shape_outputs() -> None:
    """Weights from Constant nodes; Shape, ConstantOfShape and Range fold into constant outputs."""
    w, b = randn(4, 3, 3, 3), randn(4)
    nodes = [helper.make_node("Constant", [], ["w"], value=helper.make_tensor("w", 1, w.shape, w.ravel())),
             helper.make_node("Constant", [], ["b"], value_floats=b.tolist()),
             helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1], name="conv"),
             helper.make_node("Shape", ["y"], ["shape"], start=1, end=-1),
             helper.make_node("ConstantOfShape", ["shape"], ["ones"],
                              value=helper.make_tensor("v", TensorProto.INT64, [1], [1])),
             helper.make_node("Constant", [], ["limit"], value_int=7),
             helper.make_node("Constant", [], ["step"], value=helper.make_tensor("s", 7, [], [2])),
             helper.make_node("Constant", [], ["start"], value=helper.make_tensor("s", 7, [], [1])),
             helper.make_node("Range", ["start", "limit", "step"], ["range"])]
    proto = model(nodes, {"x": ((1, 3, 6, 5), TensorProto.FLOAT)},
                  {"y": TensorProto.FLOAT, "shape": TensorProto.INT64, "ones": TensorProto.INT64,
                   "range": TensorProto.INT64}, opset=15)
    graph = assert_matches(proto, {"x": randn(1, 3, 6, 5)}, 1e-5)
    assert [n.op for n in graph.nodes] == ["Conv"]
    assert graph.params[graph.outputs[1]].tolist() == [4, 6]
