"""Import of models that arrive already quantized (ONNX QDQ / QLinear*, TFLite int8) as annotated
integer IRs: ``load_quantized(path) -> Graph`` (see ``frontc.quant.importers.annotate``)."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from frontc.ir.graph import Graph
from frontc.passes import register_flow
from frontc.passes.canonical import GemmToDense, ReshapeToFlatten
from frontc.passes.cleanup import EliminateDeadCode, FoldConstants, RemoveIdentity

# canonicalization only: a fusion would skip a quantization point the file declares
register_flow("import_quantized", [p.name for p in (RemoveIdentity, FoldConstants, GemmToDense, ReshapeToFlatten,
                                                    EliminateDeadCode)],
              ir_name="IR_quant", doc="Canonicalization of an imported quantized model (no fusion).")


def load_quantized(path: str | os.PathLike, input_shapes: Mapping[str, Sequence[int]] | None = None) -> Graph:
    """The annotated integer IR of a quantized ONNX model (QDQ or QOperator format) or int8 .tflite file."""
    if str(path).lower().endswith(".tflite"):
        from frontc.quant.importers.tflite_import import import_tflite
        return import_tflite(path, input_shapes)[0]
    from frontc.quant.importers.onnx_import import import_onnx
    return import_onnx(path, input_shapes)[0]
