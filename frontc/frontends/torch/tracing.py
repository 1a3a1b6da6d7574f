"""Trace a model into a functional aten ExportedProgram with torch.export.

nn.Modules go through ``torch.export.export`` (non-strict: Python runs as usual, so
only data-dependent control flow stops it, which fx symbolic tracing cannot handle
either). ScriptModules cannot be exported directly; ``TS2EPConverter`` converts their
TorchScript graph to fx, which is then exported at static shapes. That works for
``torch.jit.script`` files and for ``torch.jit.trace`` files, except traces that
recorded arithmetic on tensor sizes as tensor ops (e.g. padding computed from
``x.shape``): torch.export sees those as data-dependent and the load fails with a
ModelLoadError (script the model instead, or pass the nn.Module or its state_dict).

Either way ``run_decompositions({})`` then functionalizes the program (in-place ops removed, batch norm as
``_native_batch_norm_legit_no_training``) while keeping conv2d, linear, softmax,
hardswish... as single ops.
"""
from __future__ import annotations

import contextlib
import io
import logging
import sys
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from frontc.ir.errors import ModelLoadError, OptionError


def example_args(input_shapes: Any, example_inputs: Any,
                 input_dtypes: dict[str, str] | None = None) -> tuple[tuple[Any, ...], list[str] | None]:
    """(example tensors for tracing, IR input names or None for the forward's argument names).
    Inputs given an integer dtype in ``input_dtypes`` are traced with zeros (a valid index for
    any embedding), bool ones with False, float ones with seeded normal values."""
    import torch

    from frontc.frontends import resolve_input_dtypes

    names = list(input_shapes) if isinstance(input_shapes, Mapping) else None
    if names == [""]:  # a shape given without a name: keep the forward's argument name
        names = None
    if example_inputs is not None:
        items = example_inputs if isinstance(example_inputs, (list, tuple)) else (example_inputs,)
        tensors = tuple(torch.as_tensor(np.asarray(v)) if not isinstance(v, torch.Tensor) else v
                        for v in items)
        if names is not None and len(names) != len(tensors):
            raise OptionError(f"input_shapes names {names} but {len(tensors)} example input(s) were given")
        return tensors, names
    if input_shapes is None:
        raise OptionError("the torch frontend needs the input shapes to trace the model",
                          hint="pass input_shapes={'x': (1, 3, 224, 224)} or example_inputs=")
    shapes = list(input_shapes.values()) if isinstance(input_shapes, Mapping) else list(input_shapes)
    if shapes and all(isinstance(d, int) for d in shapes):
        shapes = [shapes]
    keys = list(input_shapes) if isinstance(input_shapes, Mapping) else [""] * len(shapes)
    dtypes = resolve_input_dtypes(input_dtypes, [k for k in keys] if keys != [""] else [""])
    unknown = sorted(set(dtypes) - set(keys))
    if unknown:
        raise OptionError(f"input_dtypes names {unknown}, which input_shapes does not", hint=f"inputs: {keys}")
    generator = torch.Generator().manual_seed(0)
    tensors = []
    for key, shape in zip(keys, shapes):
        if not isinstance(shape, Sequence) or not all(isinstance(d, int) and d > 0 for d in shape):
            raise OptionError(f"bad input shape {shape!r}", hint="give positive ints, e.g. (1, 3, 224, 224)")
        dtype = getattr(torch, dtypes.get(key, "float32"))
        tensor = torch.randn(*shape, generator=generator, dtype=dtype) if dtype.is_floating_point else \
            torch.zeros(*shape, dtype=dtype)
        tensors.append(tensor)
    return tuple(tensors), names


def script_program(model: Any, args: tuple[Any, ...]) -> Any:
    """A ScriptModule as an ExportedProgram, via TS2EPConverter retraced at static shapes."""
    import torch
    from torch._export.converter import TS2EPConverter

    class StaticTS2EPConverter(TS2EPConverter):
        """TS2EPConverter retraces with every dim dynamic (Dim.AUTO), which leaves symbolic size
        ops in the graph; frontc's IR is static, so retrace at the example inputs' shapes."""

        def retrace_as_exported_program(self, gm: Any, name_to_constant: dict[str, Any]) -> Any:
            return torch.export.export(gm, tuple(self.sample_args), strict=False)

    program = StaticTS2EPConverter(model, args).convert()
    _upsample_to_vec(program)
    return program


def _upsample_to_vec(program: Any) -> None:
    """TorchScript calls the ``.default`` overloads of the (bi|tri)linear upsample ops, which
    decomposition would lower to index arithmetic; the ``.vec`` overloads stay whole."""
    import torch

    aten = torch.ops.aten
    for node in program.graph.nodes:
        packet = getattr(node.target, "overloadpacket", None)
        if packet not in (aten.upsample_linear1d, aten.upsample_bilinear2d, aten.upsample_trilinear3d) \
                or node.target._overloadname != "default":
            continue
        x, size, align_corners, *scales = node.args
        valid = bool(scales) and all(s is not None and s > 0 for s in scales)
        node.target = packet.vec
        node.args = (x, None if valid else size, align_corners, list(scales) if valid else None)
        node.kwargs = {}
    program.graph_module.recompile()


SIZE_ARITHMETIC_HINT = ("torch.jit.trace files that compute on tensor sizes cannot be made static: save "
                        "torch.jit.script(model) instead, or pass the nn.Module or its state_dict with module=")


def export_program(model: Any, args: tuple[Any, ...], source: str) -> Any:
    """The model as an ExportedProgram of functional aten ops, traced at the shapes of ``args``."""
    import torch

    script = isinstance(model, torch.jit.ScriptModule)
    torch_logger = logging.getLogger("torch")
    level = torch_logger.level
    stderr = io.StringIO()  # export prints (and logs) the partial graph when it gives up
    with warnings.catch_warnings(), contextlib.redirect_stderr(stderr):
        warnings.simplefilter("ignore")
        torch_logger.setLevel(logging.ERROR)
        try:
            if isinstance(model, torch.export.ExportedProgram):
                program = model
            elif script:
                program = script_program(model.eval(), args)
            else:
                program = torch.export.export(model.eval(), args)
            program = program.run_decompositions({})
        except Exception as exc:  # export reports untraceable models with many exception types
            lines = [line for line in str(exc).strip().splitlines() if line.strip()]
            detail = lines[0][:300] if lines else type(exc).__name__
            raise ModelLoadError(f"torch.export could not trace the model ({type(exc).__name__}: {detail})",
                                 path=source, hint="check the input shapes; " + (
                                     SIZE_ARITHMETIC_HINT if script else "data-dependent control flow is "
                                     "not supported")) from exc
        finally:
            torch_logger.setLevel(level)
    sys.stderr.write(stderr.getvalue())
    symbolic = symbolic_nodes(program)
    if symbolic:
        raise ModelLoadError(f"the traced program computes on tensor sizes at run time "
                             f"({len(symbolic)} node(s), first {symbolic[:3]}), which a static IR cannot "
                             "hold", path=source, hint=SIZE_ARITHMETIC_HINT)
    return program


def symbolic_nodes(program: Any) -> list[str]:
    """Names of the fx nodes whose traced value or shape is symbolic rather than static."""
    import torch

    found = []
    for node in program.graph.nodes:
        values = node.meta.get("val")
        values = values if isinstance(values, (list, tuple)) else [values]
        for value in values:
            dims = value.shape if isinstance(value, torch.Tensor) else [value]
            if any(isinstance(d, (torch.SymInt, torch.SymFloat, torch.SymBool)) for d in dims):
                found.append(node.name)
                break
    return found
