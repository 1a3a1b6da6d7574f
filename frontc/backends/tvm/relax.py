"""Relax import through the ONNX export, LLVM build, and the Relax VM."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from frontc.ir.errors import UnsupportedOpError
from frontc.ir.graph import Graph


def to_relax(graph: Graph) -> Any:
    """``graph`` as a Relax IRModule (weights bound as constants), via its ONNX export."""
    from tvm.relax.frontend.onnx import from_onnx

    from frontc.backends.onnx import to_onnx

    model = to_onnx(graph)
    shapes = {spec.name: list(spec.shape) for spec in graph.inputs}
    dtypes = {spec.name: spec.dtype for spec in graph.inputs}
    try:
        return from_onnx(model, shape_dict=shapes, dtype_dict=dtypes)
    except Exception as exc:  # noqa: BLE001  (tvm raises plain errors for ops it lacks)
        raise UnsupportedOpError(f"TVM Relax cannot import graph '{graph.name}': "
                                 f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                                 hint="run the interpreter or another backend on this graph") from None


@dataclass
class TvmModel:
    """A Relax module compiled for LLVM, with its VM, for ``graph``."""

    graph: Graph
    vm: Any
    device: Any

    def __call__(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        import tvm

        args = [tvm.runtime.tensor(np.ascontiguousarray(feeds[name]), self.device)
                for name in self.graph.input_names]
        out = self.vm["main"](*args)
        outs = list(out) if isinstance(out, (list, tuple)) or type(out).__name__ == "Array" else [out]
        return {name: value.numpy() for name, value in zip(self.graph.outputs, outs)}


def build_tvm(graph: Graph, *, target: str = "llvm", opt_level: int = 3) -> TvmModel:
    """Compile ``graph`` with Relax for ``target`` (LLVM, the host CPU) and load it in the VM."""
    import tvm
    from tvm import relax

    mod = relax.transform.DecomposeOpsForInference()(to_relax(graph))
    with tvm.transform.PassContext(opt_level=opt_level):
        executable = tvm.compile(mod, target=tvm.target.Target(target))
    device = tvm.cpu()
    return TvmModel(graph, relax.VirtualMachine(executable, device), device)


def run_tvm(graph: Graph, feeds: dict[str, np.ndarray], *, model: TvmModel | None = None) -> dict[str, np.ndarray]:
    """The outputs of ``graph`` compiled and run in TVM (or of ``model``, its build), by IR name."""
    from frontc.interpreter import check_feeds

    return (model or build_tvm(graph))(check_feeds(graph, feeds))
