"""A small float ONNX CNN (seeded weights) and ONNX Runtime's own quantizations of it, calibrated on
real photos (foolbox's ImageNet samples at 16x16): the files users bring."""
from __future__ import annotations

from pathlib import Path

import numpy as np

SIZE = 16


def photos(count: int, offset: int = 0) -> np.ndarray:
    from frontc.data.imagenet_samples import imagenet_samples
    return imagenet_samples(SIZE)[0][offset:offset + count]


def reader(images: np.ndarray, name: str = "x"):
    """An ONNX Runtime CalibrationDataReader feeding ``images`` one at a time as input ``name``."""
    from onnxruntime.quantization import CalibrationDataReader

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.feeds = iter([{name: images[i:i + 1]} for i in range(len(images))])

        def get_next(self) -> dict | None:
            return next(self.feeds, None)

    return Reader()


def float_model(path: Path) -> Path:
    """Conv+Relu, MaxPool, two Conv branches -> Concat, Add, GlobalAveragePool, Flatten, MatMul, Gemm."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)

    def init(name: str, *shape: int, scale: float = 0.3) -> onnx.TensorProto:
        return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)

    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Conv", ["p1", "wa", "ba"], ["ca"]),
             helper.make_node("Conv", ["p1", "wb", "bb"], ["cb"], pads=[1, 1, 1, 1]),
             helper.make_node("Concat", ["ca", "cb"], ["cat"], axis=1),
             helper.make_node("Add", ["cat", "p1"], ["sum"]),
             helper.make_node("GlobalAveragePool", ["sum"], ["gap"]),
             helper.make_node("Flatten", ["gap"], ["flat"]),
             helper.make_node("MatMul", ["flat", "wm"], ["mm"]),
             helper.make_node("Gemm", ["mm", "wg", "bg"], ["y"], transB=1)]
    inits = [init("w1", 8, 3, 3, 3), init("b1", 8, scale=0.1), init("wa", 4, 8, 1, 1), init("ba", 4, scale=0.1),
             init("wb", 4, 8, 3, 3, scale=0.15), init("bb", 4, scale=0.1), init("wm", 8, 16),
             init("wg", 10, 16), init("bg", 10, scale=0.1)]
    graph = helper.make_graph(nodes, "small_cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                                                  [1, 3, SIZE, SIZE])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, path)
    return path


def quantized(folder: Path, fmt: str = "QDQ", per_channel: bool = False, symmetric: bool = False,
              uint8_weights: bool = False) -> Path:
    """ORT's quantize_static of ``float_model``: uint8 asymmetric activations, or int8 symmetric ones;
    int8 symmetric weights, or uint8 asymmetric ones."""
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static

    source = folder / "float.onnx"
    if not source.exists():
        float_model(source)
    target = folder / f"{fmt}_{'pc' if per_channel else 'pt'}_{'sym' if symmetric else 'asym'}" \
                      f"{'_u8w' if uint8_weights else ''}.onnx"
    if target.exists():
        return target
    quantize_static(str(source), str(target), reader(photos(8)), quant_format=getattr(QuantFormat, fmt),
                    per_channel=per_channel, weight_type=QuantType.QUInt8 if uint8_weights else QuantType.QInt8,
                    activation_type=QuantType.QInt8 if symmetric else QuantType.QUInt8,
                    extra_options={"ActivationSymmetric": symmetric})
    return target
