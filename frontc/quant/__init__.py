"""Quantization: annotations of the fused IR, strategies, fake-quant and true-integer execution.

``quantize_graph(graph, table, strategy=...)`` returns an annotated copy of a fused IR; the
interpreter (``frontc.run``) executes it through the ``fake_quant`` or ``integer`` kernel
variants, which this package provides. Everything reads annotations through
``frontc.quant.annotations``.
"""
from frontc.interpreter.registry import provide_variant
from frontc.quant import flow  # noqa: F401  (registers the quantize flow)
from frontc.quant.annotations import TensorQuant, dequantize, is_integer, is_quantized, tensor_quant
from frontc.quant.quantize import quantize_graph
from frontc.quant.strategies import GRANULARITIES, STRATEGIES

provide_variant("fake_quant", "frontc.quant.fake_quant")
provide_variant("integer", "frontc.quant.integer")

__all__ = ["GRANULARITIES", "STRATEGIES", "TensorQuant", "dequantize", "is_integer", "is_quantized",
           "quantize_graph", "tensor_quant"]
