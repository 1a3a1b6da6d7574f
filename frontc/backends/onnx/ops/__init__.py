"""Importing this package registers every IR -> ONNX emitter."""
from frontc.backends.onnx.ops import elementwise, logic, nn, sequence, tensor  # noqa: F401
