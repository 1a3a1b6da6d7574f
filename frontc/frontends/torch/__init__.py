"""The PyTorch frontend: nn.Modules, TorchScript files and state_dict files -> IR.

``load(model_or_path, input_shapes=None, example_inputs=None, module=None)``:

- ``model_or_path``: an ``nn.Module``; a TorchScript file or ``ScriptModule``; a
  state_dict file (give the architecture as ``module=``); an ExportedProgram or ``.pt2`` file.
- ``input_shapes`` (``{"x": (1, 3, 224, 224)}``, names become the IR input names) or
  ``example_inputs`` (tensors or arrays) fix the static shapes the model is traced at.

The model is traced with ``torch.export`` in eval mode; IR nodes are named after the
module paths (``layer1.0.conv1``), params after the state_dict keys.

TorchScript: ``torch.jit.load`` reads the file; torch.export refuses ScriptModules, so
``TS2EPConverter`` turns the TorchScript graph into fx, which is exported at the static
example shapes. ``torch.jit.script`` files and plain ``torch.jit.trace`` files convert;
a trace that recorded arithmetic on tensor sizes (``x.shape`` math) cannot be made
static and fails with a ModelLoadError. TorchScript keeps no module stack, so ops are
named after the parameters they read (``layer1.0.conv1``) or their fx node names.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

OPTIONS = ("name", "input_dtypes")


def load(model_or_path: Any, input_shapes: Any = None, example_inputs: Any = None, module: Any = None,
         **options: Any) -> Graph:
    """Lower a PyTorch model into a linted IR graph."""
    from frontc.frontends.torch.convert import convert_program
    from frontc.frontends.torch.sources import resolve
    from frontc.frontends.torch.tracing import example_args, export_program

    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise OptionError(f"unknown torch frontend option(s) {unknown}", hint=f"allowed: {list(OPTIONS)}")
    model, source = resolve(model_or_path, module)
    args, names = example_args(input_shapes, example_inputs, options.get("input_dtypes"))
    program = export_program(model, args, source)
    name = options.get("name") or (Path(source).stem if isinstance(model_or_path, (str, os.PathLike))
                                   else type(model_or_path).__name__)
    return convert_program(program, input_names=names, name=name, source=source)
