"""ONNX ops lowered to IR ops as their function bodies define them (losses, RMSNormalization,
MeanVarianceNormalization, LpPool, CenterCropPad, EyeLike, windows), compared with onnxruntime."""
from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto

from tests.frontends.onnx.helpers import assert_matches, single

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
