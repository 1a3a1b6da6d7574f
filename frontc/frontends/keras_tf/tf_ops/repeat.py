"""tf.repeat of an image along H or W (what Keras 3 UpSampling2D 'nearest' freezes to):
ExpandDims -> Tile -> Reshape, recognized as one nearest Resize on the NCHW tensor.

ExpandDims of an NCHW value and the Tile after it return Pending records; the Reshape
that merges the tiled axis back emits the Resize. Any other reader materializes them
as the plain Unsqueeze/Tile they stand for."""
from __future__ import annotations

from dataclasses import dataclass

from frontc.frontends.keras_tf.context import Value
from frontc.frontends.keras_tf.layout import NCHW
from frontc.frontends.keras_tf.tf_ops.common import Pending, TFContext


@dataclass(frozen=True, eq=False)
class Expanded(Pending):
    """ExpandDims of an NCHW value: a size-1 source axis inserted at ``axis`` (of 5)."""

    readers = ("Tile",)
    name: str
    value: Value
    axis: int

    def materialize(self, ctx: TFContext) -> Value:
        return ctx.emit("Unsqueeze", [ctx.plain(self.value, self.name)], {"axes": [self.axis]},
                        name=self.name, source=self.name)

    def repeats(self, multiples: list[int]) -> Repeated | None:
        """The Tile by ``multiples`` as a repeat of H or W, or None if it is not one."""
        r = multiples[self.axis]
        if self.axis not in (2, 3) or any(m != 1 for i, m in enumerate(multiples) if i != self.axis):
            return None
        return Repeated(self, r)


@dataclass(frozen=True, eq=False)
class Repeated(Pending):
    """An Expanded tiled ``count`` times along its new axis."""

    readers = ("Reshape",)
    expanded: Expanded
    count: int

    def materialize(self, ctx: TFContext) -> Value:
        x = ctx.materialize(self.expanded)
        repeats = [self.count if i == self.expanded.axis else 1 for i in range(5)]
        return ctx.emit("Tile", [x.tensor], {"repeats": repeats}, name=f"{self.expanded.name}_tile",
                        source=self.expanded.name)

    def resize(self, ctx: TFContext, target: list[int], *, name: str) -> Value | None:
        """The Reshape to ``target`` as a nearest Resize of the NCHW value, if it is tf.repeat's."""
        src = list(ctx.source_shape(self.expanded.value))
        axis = self.expanded.axis - 1  # the source axis being repeated
        if target != [d * self.count if i == axis else d for i, d in enumerate(src)]:
            return None
        scales = [1.0, 1.0, 1.0, 1.0]
        scales[2 if axis == 1 else 3] = float(self.count)
        attrs = {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor",
                 "scales": scales}
        return ctx.emit("Resize", [self.expanded.value.tensor], attrs, name=name, source=name, layout=NCHW)
