"""IR -> ONNX: ``to_onnx(graph)`` writes an opset-17 ModelProto that passes onnx.checker and keeps
every IR tensor and node name; ``run_onnxruntime`` runs it by IR tensor names (outputs, or every
tensor with ``trace``). Importing this package imports onnx; ``import frontc`` does not."""
from frontc.backends.onnx.export import OPSET, save_onnx, to_onnx
from frontc.backends.onnx.runtime import onnxruntime_session, run_onnxruntime

__all__ = ["OPSET", "onnxruntime_session", "run_onnxruntime", "save_onnx", "to_onnx"]
