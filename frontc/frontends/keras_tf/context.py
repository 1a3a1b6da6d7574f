"""The conversion context: emits IR nodes and turns values between the layouts of ``layout.py``."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from frontc.frontends.builder import GraphBuilder
from frontc.frontends.keras_tf import layout as lay
from frontc.frontends.keras_tf.layout import NCHW, NCHW_TO_NHWC, NHWC_TO_NCHW, PLAIN, Layout
from frontc.ir.errors import UnsupportedOpError


@dataclass(frozen=True)
class Value:
    """A source tensor as the IR holds it: an IR tensor name and its Layout."""

    tensor: str
    layout: Layout = PLAIN


Operand = Value | np.ndarray


class Context:
    """Emits IR nodes through a GraphBuilder and materializes layouts on demand (cached)."""

    def __init__(self, builder: GraphBuilder) -> None:
        self.builder = builder
        self._converted: dict[tuple[str, Layout, str], str] = {}
        self.transposes = 0

    # ------------------------------------------------------------------ emit
    def emit(self, op: str, inputs: Sequence[str], attrs: dict[str, Any] | None = None, *,
             name: str, source: str, layout: Layout = PLAIN) -> Value:
        """Add one IR node named after (and traced to) the source layer/node ``source``."""
        return Value(self.builder.add1(op, inputs, attrs, name=name, source=source), layout)

    def param(self, name: str, array: Any) -> str:
        return self.builder.param(name, array)

    def shape(self, value: Value) -> tuple[int, ...]:
        return self.builder.shape(value.tensor)

    def source_shape(self, value: Value) -> tuple[int, ...]:
        """The shape of the source tensor ``value`` stands for (NHWC for NCHW values)."""
        return lay.source_shape(self.shape(value), value.layout)

    # --------------------------------------------------------------- layouts
    def permute(self, tensor: str, perm: Sequence[int], *, name: str, source: str) -> str:
        """``tensor`` transposed by ``perm``: nothing for the identity, a Reshape when only
        size-1 axes move, else a Transpose."""
        shape = self.builder.shape(tensor)
        if list(perm) == list(range(len(shape))):
            return tensor
        if lay.is_reshape(shape, perm):
            return self.builder.add1("Reshape", [tensor], {"shape": [shape[p] for p in perm]},
                                     name=name, source=source)
        self.transposes += 1
        return self.builder.add1("Transpose", [tensor], {"perm": list(perm)}, name=name, source=source)

    def plain(self, value: Value, source: str) -> str:
        """An IR tensor equal to the source tensor (NCHW and flat values are moved back)."""
        if value.layout == PLAIN:
            return value.tensor
        key = (value.tensor, value.layout, "plain")
        if key not in self._converted:
            if value.layout == NCHW:
                out = self.permute(value.tensor, NCHW_TO_NHWC, name=f"{value.tensor}_nhwc", source=source)
            else:
                h, w, c = value.layout.hwc
                n = self.shape(value)[0]
                chw = self.builder.add1("Reshape", [value.tensor], {"shape": [n, c, h, w]},
                                        name=f"{value.tensor}_chw", source=source)
                hwc = self.permute(chw, NCHW_TO_NHWC, name=f"{value.tensor}_hwc", source=source)
                out = self.builder.add1("Reshape", [hwc], {"shape": [n, h * w * c]},
                                        name=f"{value.tensor}_flat", source=source)
            self._converted[key] = out
        return self._converted[key]

    def nchw(self, value: Value, source: str) -> str:
        """The NCHW IR tensor of a 4-D (NHWC) source tensor."""
        if value.layout == NCHW:
            return value.tensor
        shape = self.source_shape(value)
        if len(shape) != 4:
            raise UnsupportedOpError(f"expects a 4-D NHWC input, got shape {list(shape)}", node=source)
        key = (value.tensor, value.layout, "nchw")
        if key not in self._converted:
            self._converted[key] = self.permute(self.plain(value, source), NHWC_TO_NCHW,
                                                name=f"{value.tensor}_nchw", source=source)
        return self._converted[key]

    def to_layout(self, value: Value, target: Layout, source: str) -> str:
        """``value`` as an IR tensor in ``target`` (NCHW broadcasts lower ranks like numpy)."""
        if target == value.layout:
            return value.tensor
        if target != NCHW:
            return self.plain(value, source)
        shape = self.source_shape(value)
        if len(shape) == 4:
            return self.nchw(value, source)
        key = (value.tensor, value.layout, "nchw-broadcast")
        if key not in self._converted:
            padded = (1,) * (4 - len(shape)) + shape
            tensor = self.builder.add1("Reshape", [self.plain(value, source)], {"shape": list(padded)},
                                       name=f"{value.tensor}_4d", source=source)
            self._converted[key] = self.nchw(Value(tensor), source)
        return self._converted[key]

    def operands(self, values: Sequence[Operand], source: str, *,
                 allow_flat: bool = True) -> tuple[list[str], Layout]:
        """The IR tensors of an elementwise op's operands in one common layout, constants
        rearranged and stored as params, so that IR broadcasting matches the source."""
        tensors = [v for v in values if isinstance(v, Value)]
        ranks = [len(self.source_shape(v)) for v in tensors] + \
            [np.ndim(v) for v in values if not isinstance(v, Value)]
        target = PLAIN
        if any(v.layout == NCHW for v in tensors) and max(ranks) <= 4:
            target = NCHW
        elif allow_flat and tensors and tensors[0].layout.kind == "flat" and \
                all(v.layout == tensors[0].layout for v in tensors) and max(ranks) <= 2:
            target = tensors[0].layout
        out = []
        for v in values:
            if isinstance(v, Value):
                out.append(self.to_layout(v, target, source))
            else:
                out.append(self.param(f"{source}_const", lay.const_for(v, target)))
        return out, target

    def transpose_source(self, value: Value, perm: Sequence[int], *, name: str, source: str) -> Value:
        """``source_tensor.transpose(perm)`` as a PLAIN value (one IR permutation at most)."""
        if value.layout.kind == "flat":
            value = Value(self.plain(value, source))
        ir_perm = lay.compose_perm(value.layout, perm)
        return Value(self.permute(value.tensor, ir_perm, name=name, source=source))

    def dropped(self, value: Value, out: str, src_axes: Sequence[int], *, name: str,
                source: str) -> Value:
        """The value of ``out``: ``value``'s IR tensor with the IR axes of source axes
        ``src_axes`` removed (a reduction or squeeze); put back in source axis order."""
        if value.layout != NCHW:
            return Value(out)
        dropped = {a % 4 for a in src_axes}
        remaining = [a for a in NHWC_TO_NCHW if a not in dropped]
        perm = sorted(range(len(remaining)), key=lambda i: remaining[i])
        return Value(self.permute(out, perm, name=name, source=source))

    def axes_value(self, value: Value, source: str) -> Value:
        """``value`` in a layout whose axes map one to one onto the source's (PLAIN or NCHW)."""
        return Value(self.plain(value, source)) if value.layout.kind == "flat" else value

    def output(self, value: Value, source: str) -> tuple[str, str | None]:
        """A graph output: 4-D tensors in NCHW, every other rank as in the source."""
        if len(self.source_shape(value)) == 4:
            return self.nchw(value, source), "NCHW"
        return self.plain(value, source), None
