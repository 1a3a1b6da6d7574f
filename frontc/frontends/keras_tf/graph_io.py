"""Graph inputs and outputs of both paths: shapes, NCHW declaration, layout meta."""
from __future__ import annotations

import warnings
from collections.abc import Sequence

from frontc.frontends import resolve_input_shapes
from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.layout import NCHW, PLAIN, ir_shape
from frontc.ir.errors import FrontcNote, OptionError
from frontc.ir.graph import Graph


def versions(first: str) -> str:
    """The version of ``first`` ('keras' or 'tf') followed by the other's, for messages and meta:
    '3.15.1 (tensorflow 2.21.0)' or '2.21.0 (keras 3.15.1)'."""
    import keras
    import tensorflow as tf

    if first == "keras":
        return f"{keras.__version__} (tensorflow {tf.__version__})"
    return f"{tf.__version__} (keras {keras.__version__})"


def check_input_names(names: Sequence[str], input_shapes: dict[str, Sequence[int]] | None
                      ) -> dict[str, tuple[int, ...]]:
    """``input_shapes`` by input name (an unnamed shape is the only input's); OptionError for others."""
    input_shapes = resolve_input_shapes(input_shapes, names)
    unknown = sorted(set(input_shapes) - set(names))
    if unknown:
        raise OptionError(f"input_shapes names {unknown}, which are not inputs of the model",
                          hint=f"the inputs are {list(names)}")
    return input_shapes


def resolve_shape(name: str, declared: Sequence[int | None] | None,
                  input_shapes: dict[str, Sequence[int]] | None) -> tuple[int, ...]:
    """The concrete source (NHWC) shape of input ``name``: ``input_shapes[name]`` if given,
    else the declared shape with an unknown batch taken as 1."""
    given = (input_shapes or {}).get(name)
    if given is not None:
        given = tuple(int(d) for d in given)
        if declared is not None and (len(given) != len(declared) or any(
                d is not None and d != g for d, g in zip(declared, given))):
            raise OptionError(f"input_shapes['{name}'] = {list(given)} does not fit the model's "
                              f"declared shape {list(declared)}",
                              hint="give the shape as the model declares it (NHWC for images)")
        return given
    if declared is None:
        raise OptionError(f"the model does not declare the rank of input '{name}'",
                          hint=f"pass input_shapes={{'{name}': (1, H, W, C)}} (NHWC)")
    shape = [1 if d is None and i == 0 else d for i, d in enumerate(declared)]
    if declared and declared[0] is None and all(d is not None for d in declared[1:]):
        warnings.warn(FrontcNote(f"input '{name}' has a dynamic batch dim: using 1; pass "
                                 f"input_shapes={{'{name}': {tuple(shape)}}} for another"), stacklevel=2)
    if any(d is None for d in shape):
        raise OptionError(f"input '{name}' has unknown dimensions {list(declared)}",
                          hint=f"pass input_shapes={{'{name}': {tuple(1 if d is None else d for d in declared)}}}"
                               " with the real sizes, as the model declares it (NHWC)")
    return tuple(int(d) for d in shape)


def declare_input(ctx: Context, name: str, shape: Sequence[int], dtype: str) -> Value:
    """A graph input: 4-D images are declared NCHW (the source NHWC shape transposed)."""
    layout = NCHW if len(shape) == 4 else PLAIN
    tensor = ctx.builder.input(name, ir_shape(shape, layout), dtype,
                               layout="NCHW" if layout == NCHW else None)
    return Value(tensor, layout)


def finish(ctx: Context, outputs: Sequence[tuple[Value, str]], *, source_format: str,
           path: str | None) -> Graph:
    """Set the outputs (4-D ones NCHW), record the layout conversion in meta, lint."""
    names, layouts = [], {}
    for value, source in outputs:
        tensor, layout = ctx.output(value, source)
        names.append(tensor)
        layouts[tensor] = layout
    graph = ctx.builder.graph
    graph.meta.update({
        "source_format": source_format,
        "source_layout": "NHWC",
        "layout_conversion": {
            "inputs": {spec.name: spec.layout for spec in graph.inputs},
            "outputs": layouts,
            "note": "4-D tensors are NHWC in the source and NCHW in the IR; every other rank "
                    "is as in the source",
            "transposes": ctx.transposes,
        },
    })
    if path:
        graph.meta["source_path"] = path
    return ctx.builder.finish(names)
