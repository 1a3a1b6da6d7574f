"""IR -> TVM Relax: ``to_relax(graph)`` imports the graph's ONNX export (``frontc.backends.onnx``)
with Relax's ONNX frontend, ``build_tvm`` compiles it for LLVM (CPU) and ``run_tvm`` runs it in the
Relax VM by IR tensor names. Importing this package imports nothing heavy; the functions import tvm."""
from frontc.backends.tvm.relax import TvmModel, build_tvm, run_tvm, to_relax

__all__ = ["TvmModel", "build_tvm", "run_tvm", "to_relax"]
