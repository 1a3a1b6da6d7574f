"""The roofline plot of a PerfReport: attainable FLOP/s against FLOPs per DRAM byte, one point per layer."""
from __future__ import annotations

import io

from frontc.perf.model import PerfReport


def roofline_png(report: PerfReport) -> bytes:
    """The roofline of ``report`` as PNG bytes."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hw = report.hardware
    bandwidth = hw.dram_gbps * 1e9
    points = [(min(r.intensity, 1e6), r.flops / r.latency_s, r.bound) for r in report.layers if r.flops > 0]
    low = min([p[0] for p in points] + [0.1]) / 2
    high = max([p[0] for p in points] + [10 * hw.peak_flops / bandwidth]) * 2
    xs = [low * (high / low) ** (i / 200) for i in range(201)]
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    ax.loglog(xs, [min(hw.peak_flops, bandwidth * x) for x in xs], color="black", lw=1.5,
              label=f"roof: {hw.peak_flops / 1e12:.2f} TFLOP/s, {hw.dram_gbps:g} GB/s")
    for bound, color in (("compute", "tab:red"), ("memory", "tab:blue")):
        chosen = [p for p in points if p[2] == bound]
        if chosen:
            ax.scatter([p[0] for p in chosen], [p[1] for p in chosen], s=12, color=color,
                       label=f"{bound}-bound layers ({len(chosen)})")
    ax.axvline(hw.peak_flops / bandwidth, color="gray", ls=":", lw=1)
    ax.set_xlabel("arithmetic intensity (FLOPs per DRAM byte)")
    ax.set_ylabel("attained FLOP/s")
    ax.set_title(f"{hw.name}: {report.latency_s * 1e3:.3f} ms, {len(report.layers)} layers")
    ax.set_ylim(bottom=max(1.0, min(p[1] for p in points) / 3) if points else 1.0)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
