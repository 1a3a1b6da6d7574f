"""Importing this package registers every IR -> ONNX emitter."""
from frontc.backends.onnx.ops import elementwise, nn, tensor  # noqa: F401
