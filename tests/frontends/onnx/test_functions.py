"""ONNX ops lowered to other IR ops (losses, RMSNormalization, MeanVarianceNormalization, LpPool,
dilated AveragePool, CenterCropPad, RotaryEmbedding, EyeLike, windows, DFT, ReverseSequence, AffineGrid,
Attention with past key/values, softcap or its qk_matmul output), compared with onnxruntime."""
from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper

from tests.frontends.onnx.helpers import assert_matches, model, randn, single

I64 = np.int64
TARGET = np.array([[2, 0, 4], [1, 3, 3]], dtype=I64)  # N=2, d1=3 over C=5 classes
IGNORED = np.array([[2, -1, 4], [1, 3, -1]], dtype=I64)
WEIGHT = np.array([0.5, 1.0, 2.0, 1.5, 0.25], dtype=np.float32)

# id: (op, inputs, attrs, opset, outputs, max relative error)
CASES = {
    "nll_mean": ("NegativeLogLikelihoodLoss", [(2, 5, 3), TARGET], {}, 13, 1, 1e-6),
    "nll_none_weight": ("NegativeLogLikelihoodLoss", [(2, 5, 3), TARGET, WEIGHT], {"reduction": "none"}, 13, 1, 1e-6),
    "nll_mean_weight_ignore": ("NegativeLogLikelihoodLoss", [(2, 5, 3), IGNORED, WEIGHT],
                               {"ignore_index": -1}, 13, 1, 1e-6),
    "nll_sum_ignore": ("NegativeLogLikelihoodLoss", [(2, 5, 3), IGNORED], {"reduction": "sum", "ignore_index": -1},
                       13, 1, 1e-6),
    "sce_mean_log_prob": ("SoftmaxCrossEntropyLoss", [(2, 5, 3), TARGET], {}, 13, 2, 1e-6),
    "sce_mean_weight_ignore": ("SoftmaxCrossEntropyLoss", [(2, 5, 3), IGNORED, WEIGHT], {"ignore_index": -1},
                               13, 1, 1e-6),
    "rms_norm": ("RMSNormalization", [(2, 3, 8), np.linspace(0.5, 2, 8, dtype=np.float32)], {}, 23, 1, 1e-6),
    "rms_norm_axis": ("RMSNormalization", [(2, 3, 8), np.full((3, 8), 1.5, np.float32)],
                      {"axis": 1, "epsilon": 1e-3}, 23, 1, 1e-6),
    "mvn": ("MeanVarianceNormalization", [(2, 3, 4, 5)], {}, 13, 1, 1e-5),
    "mvn_axes": ("MeanVarianceNormalization", [(2, 3, 4, 5)], {"axes": [1, 3]}, 13, 1, 1e-5),
    "lp_pool_p3_dilated": ("LpPool", [(1, 3, 9, 8)], {"kernel_shape": [3, 2], "p": 3, "dilations": [2, 1],
                                                      "pads": [1, 0, 1, 1], "strides": [1, 2]}, 18, 1, 1e-5),
    "lp_pool_same_upper": ("LpPool", [(1, 2, 7, 7)], {"kernel_shape": [3, 3], "auto_pad": "SAME_UPPER"}, 11, 1, 1e-5),
    "average_pool_dilated": ("AveragePool", [(1, 2, 9, 8)], {"kernel_shape": [3, 2], "dilations": [2, 3],
                                                             "pads": [1, 0, 2, 1], "strides": [2, 1]}, 19, 1, 1e-6),
    "average_pool_dilated_ceil_count_pad": ("AveragePool", [(1, 2, 9, 8)], {
        "kernel_shape": [3, 3], "dilations": [2, 2], "pads": [1, 1, 1, 1], "strides": [2, 3], "ceil_mode": 1,
        "count_include_pad": 1}, 19, 1, 1e-6),
    "rotary_4d_positions_partial": ("RotaryEmbedding", [(2, 2, 3, 8), np.cos(randn(10, 3, seed=4)),
                                                        np.sin(randn(10, 3, seed=4)),
                                                        np.array([[0, 4, 9], [1, 1, 2]], I64)],
                                    {"rotary_embedding_dim": 6}, 23, 1, 1e-6),
    "rotary_3d_interleaved": ("RotaryEmbedding", [(2, 3, 16), np.cos(randn(2, 3, 4, seed=5)),
                                                  np.sin(randn(2, 3, 4, seed=5))],
                              {"interleaved": 1, "num_heads": 2}, 23, 1, 1e-6),
    "dft_real_onesided": ("DFT", [(2, 12, 3, 1)], {"axis": 1, "onesided": 1}, 17, 1, 1e-5),
    "dft_complex_inverse_axis_input": ("DFT", [(2, 3, 8, 2), None, np.array(2, I64)], {"inverse": 1}, 20, 1, 1e-5),
    "reverse_sequence": ("ReverseSequence", [(5, 3, 2), np.array([5, 1, 3], I64)], {"batch_axis": 1, "time_axis": 0},
                         10, 1, 0.0),
    "affine_grid_2d": ("AffineGrid", [(2, 2, 3), np.array([2, 3, 4, 5], I64)], {}, 20, 1, 1e-6),
    "affine_grid_3d_align_corners": ("AffineGrid", [(2, 3, 4), np.array([2, 1, 3, 4, 5], I64)],
                                     {"align_corners": 1}, 20, 1, 1e-6),
    "center_crop_pad": ("CenterCropPad", [(2, 7, 4), np.array([5, 7], I64)], {"axes": [1, 2]}, 18, 1, 0.0),
    "eye_like": ("EyeLike", [(4, 6)], {"k": 2, "dtype": TensorProto.INT32}, 13, 1, 0.0),
    "hann_window": ("HannWindow", [np.array(10, I64)], {}, 17, 1, 1e-6),
    "hamming_symmetric": ("HammingWindow", [np.array(9, I64)], {"periodic": 0}, 17, 1, 1e-6),
    "blackman_window": ("BlackmanWindow", [np.array(12, I64)], {"output_datatype": TensorProto.DOUBLE}, 17, 1, 1e-6),
}
OUT_TYPES = {"eye_like": TensorProto.INT32, "blackman_window": TensorProto.DOUBLE}


@pytest.mark.parametrize("case", sorted(CASES))
def test_function_op_matches_onnxruntime(case: str) -> None:
    op, ins, attrs, opset, outputs, rel = CASES[case]
    proto, feeds = single(op, ins, attrs, opset=opset, outputs=outputs, out_type=OUT_TYPES.get(case, TensorProto.FLOAT))
    assert_matches(proto, feeds, rel)


F = TensorProto.FLOAT


# ONNX Runtime 1.31 agrees with ONNX's reference on these forms; it applies softcap before a mask and
# gives another qk_matmul output for mode 1, where frontc follows the reference (the conformance cases
# test_attention_4d_with_qk_matmul_bias, test_attention_4d_*softcap* with masks check those)
@pytest.mark.parametrize(("attrs", "mask", "past", "outputs"), [
    ({}, True, True, ["y", "present_key", "present_value", "qk"]),
    ({"softcap": 2.0, "qk_matmul_output_mode": 2}, False, False, ["y", "", "", "qk"]),
    ({"qk_matmul_output_mode": 3}, True, False, ["y", "", "", "qk"]),
])
def test_attention_with_past_softcap_or_qk_output(attrs: dict, mask: bool, past: bool, outputs: list[str]) -> None:
    shapes = {"q": (2, 3, 4, 8), "k": (2, 3, 6, 8), "v": (2, 3, 6, 5)}
    inits = {"mask": randn(4, 10 if past else 6, seed=7)} if mask else {}
    if past:
        inits |= {"past_k": randn(2, 3, 4, 8, seed=8), "past_v": randn(2, 3, 4, 5, seed=9)}
    inputs = ["q", "k", "v", *(["mask"] if mask else [""] if past else []), *(["past_k", "past_v"] if past else [])]
    node = helper.make_node("Attention", inputs, outputs, **attrs)
    proto = model([node], {n: (s, F) for n, s in shapes.items()}, {o: F for o in outputs if o}, inits, opset=23)
    feeds = {n: randn(*s, seed=i) for i, (n, s) in enumerate(shapes.items())}
    assert_matches(proto, feeds, 1e-6)
