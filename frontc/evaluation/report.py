"""matrix.json, matrix.md, per-model heatmaps (top-1 and top-5 agreement) and error logs."""
from __future__ import annotations

import io
import json
import re
from typing import Any

import numpy as np

from frontc.evaluation.matrix import ModelMatrix, top_k
from frontc.outputs import Outputs


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _fmt(value: float | None, pattern: str = "{:.0%}") -> str:
    return "failed" if value is None else pattern.format(value)


def model_json(m: ModelMatrix) -> dict[str, Any]:
    targets = {}
    for run in m.runs:
        entry: dict[str, Any] = {"status": "ok" if run.ok else "failed", "error": run.error,
                                 "build_seconds": round(run.build_seconds, 3), "latency_ms": run.latency_ms()}
        if run.ok:
            k = min(5, run.logits.shape[1])
            top = top_k(run.logits, k)
            entry["top1"] = top[:, 0].tolist()
            entry["top5"] = top.tolist()
            labelled = [(i, label) for i, label in enumerate(m.labels) if label is not None]
            if labelled:
                rows, labels = zip(*labelled)
                entry["accuracy"] = {"top1": float(np.mean(top[list(rows), 0] == labels)),
                                     "top5": float(np.mean([labels[n] in top[r] for n, r in enumerate(rows)]))}
        else:
            entry["log"] = f"errors/{slug(m.name)}/{run.target}.log"
        targets[run.target] = entry
    return {"name": m.name, "framework": m.framework, "preprocess": m.preprocess, "images": m.images,
            "labels": m.labels, "order": m.order, "targets": targets, "pairs": m.pairs,
            "failed_pairs": [{"a": a, "b": b, "error": e} for a, b, e in m.failed_pairs()]}


def heatmap(m: ModelMatrix, key: str) -> bytes:
    """A PNG of the N x N ``key`` agreement grid (failed cells grey, marked)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = np.array([[np.nan if v is None else v for v in row] for row in m.pairs[key]], dtype=float)
    n = len(m.order)
    fig, ax = plt.subplots(figsize=(1.0 + 0.75 * n, 0.8 + 0.65 * n))
    cmap = matplotlib.colormaps["viridis"].with_extremes(bad="lightgrey")
    image = ax.imshow(np.ma.masked_invalid(grid), vmin=0, vmax=1, cmap=cmap)
    ax.set_xticks(range(n), m.order, rotation=45, ha="right")
    ax.set_yticks(range(n), m.order)
    for i in range(n):
        for j in range(n):
            text = "failed" if np.isnan(grid[i, j]) else f"{grid[i, j]:.0%}"
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
                    color="black" if np.isnan(grid[i, j]) or grid[i, j] > 0.6 else "white")
    ax.set_title(f"{m.name}: {key.replace('top', 'top-')} agreement, {len(m.images)} images")
    fig.colorbar(image, ax=ax, fraction=0.046)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def markdown(models: list[ModelMatrix], threshold: float) -> str:
    lines = [f"# Conversion matrix (threshold: top-1 agreement >= {threshold:.0%})", ""]
    for m in models:
        data = model_json(m)
        lines += [f"## {m.name} ({m.framework}, {len(m.images)} images)", "",
                  f"Preprocessing: `{json.dumps(m.preprocess)}`", "",
                  "| target | status | latency p50 ms | p90 ms | build s | top-1 acc | top-5 acc |",
                  "|---|---|---|---|---|---|---|"]
        for target, entry in data["targets"].items():
            lat, acc = entry["latency_ms"], entry.get("accuracy") or {}
            lines.append(f"| {target} | {entry['status'] if entry['status'] == 'ok' else 'failed: ' + entry['error']} "
                         f"| {lat.get('p50', float('nan')):.2f} | {lat.get('p90', float('nan')):.2f} "
                         f"| {entry['build_seconds']:.1f} | {_fmt(acc.get('top1'))} | {_fmt(acc.get('top5'))} |")
        for key, title in (("top1", "Top-1 agreement"), ("top5", "Top-5 agreement (same set)"),
                           ("max_logit_distance", "max |logit difference|")):
            pattern = "{:.0%}" if key.startswith("top") else "{:.2e}"
            lines += ["", f"{title}:", "", "| | " + " | ".join(m.order) + " |", "|---" * (len(m.order) + 1) + "|"]
            for name, row in zip(m.order, m.pairs[key]):
                lines.append(f"| {name} | " + " | ".join(_fmt(v, pattern) for v in row) + " |")
        below = m.below(threshold)
        if below or data["failed_pairs"]:
            lines += ["", "Below the threshold: " + (", ".join(f"{a}/{b} {v:.0%}" for a, b, v in below) or "none"),
                      f"Failed pairs: {len(data['failed_pairs'])} (errors in errors/{slug(m.name)}/)"]
        lines.append("")
    return "\n".join(lines)


def write_reports(models: list[ModelMatrix], out_dir, threshold: float, force: bool) -> list[str]:
    """Write everything under ``out_dir`` in one all-or-nothing output session."""
    from pathlib import Path

    out = Path(out_dir)
    written = []
    with Outputs("matrix", force=force) as session:
        session.write(out / "matrix.json", json.dumps({"version": 1, "threshold": threshold,
                                                        "models": [model_json(m) for m in models]}, indent=1))
        session.write(out / "matrix.md", markdown(models, threshold))
        written += ["matrix.json", "matrix.md"]
        for m in models:
            for key in ("top1", "top5"):
                name = f"{slug(m.name)}_{key}.png"
                session.write(out / name, heatmap(m, key))
                written.append(name)
            for run in m.runs:
                if not run.ok:
                    name = f"errors/{slug(m.name)}/{run.target}.log"
                    session.write(out / name, run.log)
                    written.append(name)
    return written
