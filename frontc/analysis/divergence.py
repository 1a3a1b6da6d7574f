"""Per-layer divergence between two runs of the same network, matched by IR tensor names."""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from frontc.analysis.distance import Distance, distance


@dataclass
class LayerDiff:
    """The distance at one tensor both runs produced."""

    index: int
    tensor: str
    op: str
    shape: tuple[int, ...]
    distance: Distance


@dataclass
class Divergence:
    """Per-layer distances in execution order, and the first layer over the threshold."""

    layers: list[LayerDiff]
    threshold: float

    @property
    def first_bad(self) -> LayerDiff | None:
        return next((layer for layer in self.layers if layer.distance.rel_max > self.threshold), None)

    def table(self) -> str:
        lines = [f"{'#':>4} {'tensor':36} {'op':16} {'shape':>16} {'max_abs':>10} {'rel_max':>10} {'cosine':>12}"]
        for layer in self.layers:
            d = layer.distance
            flag = "  <-- first over threshold" if layer is self.first_bad else ""
            shape = "x".join(map(str, layer.shape))
            lines.append(f"{layer.index:4d} {layer.tensor[:36]:36} {layer.op[:16]:16} {shape:>16} "
                         f"{d.max_abs:10.3e} {d.rel_max:10.3e} {d.cosine:12.8f}{flag}")
        bad = self.first_bad
        lines.append(f"first layer with rel_max > {self.threshold:g}: "
                     + (f"{bad.tensor} ({bad.op})" if bad else "none"))
        return "\n".join(lines)

    def plot_png(self) -> bytes:
        """Error by depth (log scale) with the threshold, as a PNG."""
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(10, 4))
        depth = [layer.index for layer in self.layers]
        values = [max(layer.distance.rel_max, 1e-12) for layer in self.layers]
        ax.semilogy(depth, values, marker=".", label="max|diff| / max|ref|")
        ax.axhline(self.threshold, color="red", linestyle="--", label=f"threshold {self.threshold:g}")
        bad = self.first_bad
        if bad is not None:
            ax.annotate(bad.tensor, (bad.index, max(bad.distance.rel_max, 1e-12)), color="red")
        ax.set_xlabel("layer (execution order)")
        ax.set_ylabel("relative error")
        ax.legend()
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=120)
        plt.close(fig)
        return buffer.getvalue()


def divergence(reference: dict[str, np.ndarray], other: dict[str, np.ndarray], ops: dict[str, str],
               order: list[str], *, threshold: float = 1e-4) -> Divergence:
    """Compare every tensor in ``order`` that both traces hold (same shape)."""
    layers = []
    for tensor in order:
        if tensor in reference and tensor in other and reference[tensor].shape == other[tensor].shape:
            layers.append(LayerDiff(len(layers), tensor, ops.get(tensor, ""), reference[tensor].shape,
                                    distance(other[tensor], reference[tensor], classifier=False)))
    return Divergence(layers, threshold)
