"""Per-layer quantization error: quantized vs float outputs of every node, cumulative (the whole
graph quantized) and isolated (this node's quantized kernel on the float inputs), and the final
distance ``D = ||q - f||_2 / ||f||_2`` over the output tensor of every evaluation input.

Statistics are sums over all inputs (so batching does not matter): rel_max = max|q - f| / max|f|,
cosine = <q, f> / (|q| |f|), SNR = 10 log10(sum f^2 / sum (q - f)^2) dB. Float and quantized runs
both use the numpy interpreter, so the difference is the quantization alone.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from frontc.datasets.images import InputSet
from frontc.ir.batch import rebatch
from frontc.ir.graph import Graph


@dataclass
class ErrorStats:
    """Mergeable sums comparing a quantized tensor q with its float value f."""

    ff: float = 0.0
    qq: float = 0.0
    fq: float = 0.0
    dd: float = 0.0
    max_d: float = 0.0
    max_f: float = 0.0

    def add(self, f: np.ndarray, q: np.ndarray) -> None:
        f = np.asarray(f, np.float64).ravel()
        q = np.asarray(q, np.float64).ravel()
        d = q - f
        self.ff += float(f @ f)
        self.qq += float(q @ q)
        self.fq += float(f @ q)
        self.dd += float(d @ d)
        self.max_d = max(self.max_d, float(np.abs(d).max(initial=0.0)))
        self.max_f = max(self.max_f, float(np.abs(f).max(initial=0.0)))

    @property
    def rel_max(self) -> float:
        return self.max_d / self.max_f if self.max_f else (0.0 if self.max_d == 0 else math.inf)

    @property
    def cosine(self) -> float:
        return self.fq / math.sqrt(self.ff * self.qq) if self.ff and self.qq else float(self.ff == self.qq)

    @property
    def snr_db(self) -> float:
        if self.dd == 0:
            return math.inf
        return 10 * math.log10(self.ff / self.dd) if self.ff else -math.inf

    @property
    def distance(self) -> float:
        """||q - f||_2 / ||f||_2."""
        return math.sqrt(self.dd / self.ff) if self.ff else (0.0 if self.dd == 0 else math.inf)

    def to_json(self) -> dict[str, Any]:
        return {"rel_max": _finite(self.rel_max), "cosine": _finite(self.cosine), "snr_db": _finite(self.snr_db)}


def _finite(value: float) -> float | None:
    """JSON has no inf: None stands for an infinite SNR (no error at all)."""
    return value if math.isfinite(value) else None


@dataclass
class ErrorReport:
    """Per-layer statistics (by output tensor, in graph order) and the final distance."""

    output: str
    images: int
    layers: list[tuple[str, str, str]] = field(default_factory=list)  # (node, op, tensor)
    cumulative: dict[str, ErrorStats] = field(default_factory=dict)
    isolated: dict[str, ErrorStats] = field(default_factory=dict)

    @property
    def final_distance(self) -> float:
        return self.cumulative[self.output].distance

    def to_json(self) -> dict[str, Any]:
        return {"output": self.output, "images": self.images, "final_distance": self.final_distance,
                "layers": [{"node": node, "op": op, "tensor": tensor,
                            "cumulative": self.cumulative[tensor].to_json(),
                            "isolated": self.isolated[tensor].to_json() if tensor in self.isolated else None}
                           for node, op, tensor in self.layers]}

    def table(self) -> str:
        """A fixed-width per-layer table."""
        lines = [f"{'layer':<40} {'op':<14} {'rel_max':>9} {'cosine':>9} {'SNR dB':>8} {'iso SNR dB':>10}"]
        for node, op, tensor in self.layers:
            c = self.cumulative[tensor]
            iso = f"{self.isolated[tensor].snr_db:10.2f}" if tensor in self.isolated else f"{'-':>10}"
            lines.append(f"{node[:40]:<40} {op[:14]:<14} {c.rel_max:9.2e} {c.cosine:9.6f} {c.snr_db:8.2f} {iso}")
        return "\n".join(lines)


def analyze(graph: Graph, quantized: Graph, inputs: InputSet, output: str, *, batch_size: int = 4,
            isolated: bool = True, progress: bool = True) -> ErrorReport:
    """Compare ``quantized`` (an annotated copy of ``graph``) with ``graph`` on ``inputs``."""
    from frontc.interpreter import run
    from frontc.interpreter.registry import call_kernel
    from frontc.ir.infer import node_attrs
    from frontc.quant.annotations import dequantize, is_integer

    report = ErrorReport(output, len(inputs))
    report.layers = [(n.name, n.op, t) for n in graph.nodes for t in n.outputs]
    report.cumulative = {t: ErrorStats() for _, _, t in report.layers}
    if isolated and not is_integer(quantized):
        report.isolated = {t: ErrorStats() for _, _, t in report.layers}
    specialized: dict[int, tuple[Graph, Graph]] = {}
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(inputs), desc=f"quantization error of {graph.name}", unit="input", disable=None)
    for x in inputs.batches(batch_size):
        if len(x) not in specialized:
            specialized[len(x)] = (rebatch(graph, len(x))[0], rebatch(quantized, len(x))[0])
        fgraph, qgraph = specialized[len(x)]
        floats = run(fgraph, x, trace=True)

        def compare(node: Any, outputs: dict[str, np.ndarray], qgraph: Graph = qgraph,
                    floats: dict[str, np.ndarray] = floats) -> None:
            if node is None:
                return
            for name, value in dequantize(qgraph, outputs).items():
                if name in report.cumulative:
                    report.cumulative[name].add(floats[name], value)

        run(qgraph, x, observer=compare)
        if report.isolated:
            for node in qgraph.nodes:
                args = [floats[t] if t in floats else qgraph.params[t] if t else None for t in node.inputs]
                result = call_kernel(node, args, node_attrs(node))
                results = result if isinstance(result, list) else [result]
                for name, value in zip(node.outputs, results):
                    report.isolated[name].add(floats[name], value)
        if bar is not None:
            bar.update(len(x))
    if bar is not None:
        bar.close()
    return report


def plot_snr(report: ErrorReport, title: str) -> bytes:
    """A PNG of SNR (dB) per layer, cumulative and isolated; returns its bytes."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [node for node, _, _ in report.layers]
    fig, ax = plt.subplots(figsize=(max(8, len(names) * 0.22), 4.5))
    ax.plot(range(len(names)), [_clip(report.cumulative[t].snr_db) for _, _, t in report.layers],
            marker="o", markersize=3, label="cumulative")
    if report.isolated:
        ax.plot(range(len(names)), [_clip(report.isolated[t].snr_db) for _, _, t in report.layers],
                marker="s", markersize=3, label="isolated")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=90, fontsize=6)
    ax.set_ylabel("SNR (dB)")
    ax.set_title(f"{title}: final distance {report.final_distance:.4g}")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def _clip(snr: float) -> float:
    return min(snr, 100.0)  # an exact layer (infinite SNR) is drawn at 100 dB
