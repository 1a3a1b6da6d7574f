"""The checklist's reports: checklist.md (every table of the seed, filled from this run, plus step 7),
checklist.json (every step's result) and card.yaml (the model card the zoo keeps)."""
from __future__ import annotations

from typing import Any

from frontc.checklist import fastprune
from frontc.checklist.context import Context, Step
from frontc.outputs import Outputs

YES = {True: "yes", False: "no", None: "not run"}


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.2f}"


def _table(header: list[str], row: list[Any]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header), "| " + " | ".join(map(str, row)) + " |",
            ""]


def facts(report, ctx: Context) -> dict[str, Any]:
    """What the tables and the card say, from the steps' data."""
    s = report.steps
    model, sparse, comp = s["get model"].data, s["sparse training"].data, s["complexity"].data
    shape = model.get("input_shape", [])
    return {"model": report.model, "shape": "x".join(map(str, shape[2:])) or "?", "input_shape": shape,
            "date": str(sparse.get("date", ctx.date)),
            "top1": model["top1"] if model.get("top1") is not None else sparse.get("top1"),
            "orig_top1": model.get("top1") if not sparse else sparse.get("orig_top1"),
            "sparsity": sparse.get("sparsity", comp.get("sparsity")), "comp": comp,
            "compiled": YES[s["compile"].ok], "torch": YES[s["torch rt"].ok], "tf": YES[s["tf rt"].ok],
            "perf": s["performance model"].data, "source": model,
            "quant": s["quantization"].data.get("strategies", {})}


def markdown(report, ctx: Context) -> str:
    f = facts(report, ctx)
    comp, perf, src = f["comp"], f["perf"], f["source"]
    nnz = f"{comp['nnz']}/{comp['sparsity']:.4f}" if comp else "n/a"
    flops = f"{comp['dense_flops'] / 1e6:.0f}/{comp['sparse_flops'] / 1e6:.0f}" if comp else "n/a"
    m, date, shape = f["model"], f["date"], f["shape"]
    lines = [f"# Checklist: {m}", "",
             f"Framework: {src.get('framework', '?')} {src.get('framework_version', '')}; reference output: "
             f"{src.get('reference', '?')}; distances are rel_max = max|diff| / max|reference| "
             f"(threshold {ctx.threshold:g}). Accuracies in %, n/a where no evaluation set was given.", "",
             "## step 2: sparse training", ""]
    lines += _table(["model", "sparse rate", "acc top1", "training date", "input_shape"],
                    [m, _pct(f["sparsity"]), _pct(f["top1"]), date, shape])
    lines += ["## step 3: frontend model compiler", ""]
    lines += _table(["model", "acc top1", "orig model top1", "training date", "input_shape", "compiler pass"],
                    [m, _pct(f["top1"]), _pct(f["orig_top1"]), date, shape, f["compiled"]])
    lines += ["## step 4: model complexity", ""]
    lines += _table(["model", "training date", "input_shape", "compiler pass", "nnz/sparsity", "flops dense/sp M"],
                    [m, date, shape, f["compiled"], nnz, flops])
    lines += ["## step 5: reconstructor (torch)", ""]
    lines += _table(["model", "orig model top1", "training date", "input_shape", "compiler pass", "torch rt"],
                    [m, _pct(f["orig_top1"]), date, shape, f["compiled"], f["torch"]])
    lines += ["## step 5: reconstructor (tensorflow)", ""]
    lines += _table(["model", "training date", "input_shape", "compiler pass", "torch rt", "tf rt"],
                    [m, date, shape, f["compiled"], f["torch"], f["tf"]])
    lines += ["## step 6: quantization", ""]
    quant = f["quant"]
    acc = [_pct(quant.get(pair, {}).get("top1")) for pair in ("scale_shift/perlayer", "symmetry_max/perchannel")]
    lines += _table(["model", "compiler pass", "torch rt", "tf rt", "quantacc (fpga/asic)"],
                    [m, f["compiled"], f["torch"], f["tf"], " / ".join(acc)])
    if quant:
        lines += ["| strategy | final distance | top-1 | top-1 agreement with float |", "| --- | --- | --- | --- |"]
        lines += [f"| {pair} | {r['final_distance']:.6f} | {_pct(r.get('top1'))} | {_pct(r.get('agreement'))} |"
                  for pair, r in quant.items()] + [""]
    lines += ["## step 7: modeling performance", ""]
    lines += _table(["model", "hardware", "IR modeled", "input_shape", "bit widths", "sparse layers",
                     "MMACs dense/effective", "weight MB", "DRAM MB", "compute-bound layers", "latency ms"],
                    [m, perf.get("hardware", "n/a"), perf.get("ir", "n/a"), shape, perf.get("bits_from", "n/a"),
                     f"{perf.get('sparse_layers', 0)}/{perf['layers']}" if perf else "n/a",
                     f"{perf['macs'] / 1e6:.2f}/{perf['effective_macs'] / 1e6:.2f}" if perf else "n/a",
                     f"{perf.get('weight_bytes', 0) / 1e6:.4f}" if perf else "n/a",
                     f"{perf['dram_bytes'] / 1e6:.4f}" if perf else "n/a",
                     f"{perf['compute_bound']}/{perf['layers']}" if perf else "n/a",
                     f"{perf['latency_ms']:.4f}" if perf else "n/a"])
    lines += ["## step 8: fast prune", ""]
    fast = report.steps["fast prune"]
    lines += fastprune.table(fast.data) if fast.ok else [f"not run: {fast.reason or 'not enabled'}", ""]
    lines += ["## steps", "", "| step | name | result | seconds | details |", "| --- | --- | --- | --- | --- |"]
    for step in report.steps.values():
        result = "reused" if step.reused else YES[step.ok]
        lines.append(f"| {step.number} | {step.name} | {result} | {step.seconds:.1f} | "
                     f"{step.reason or _details(step)} |")
    if comp:
        lines += ["", "Complexity (IR_for_reconstruct):", "", f"    {comp['line']}"]
    return "\n".join(lines) + "\n"


def _details(step: Step) -> str:
    d = step.data
    if "IR_for_reconstruct" in d:
        return "; ".join(f"{ir}: rel_max {v['rel_max']:.2e}, cosine {v['cosine']:.8f}"
                         + ("" if v["top1"] is None else f", top-1 agreement {v['top1']:.0%}")
                         for ir, v in d.items())
    if "nodes_cmodel" in d:
        sparse = f"; {d['sparse_layers']} layers recorded {d['sparsity_pattern']}" if d.get("sparsity_pattern") else ""
        return f"nodes: IR_for_reconstruct {d['nodes_reconstruct']}, IR_fused_for_CModel {d['nodes_cmodel']}{sparse}"
    if "strategies" in d:
        return "; ".join(f"{pair}: final distance {r['final_distance']:.4g}" for pair, r in d["strategies"].items())
    if "latency_ms" in d:
        return f"{d['hardware']}: {d['latency_ms']:.3f} ms ({d['bits_from']})"
    if "nodes" in d:
        return f"{d['nodes']} IR nodes, input {d['input_shape']}"
    if "rows" in d:
        return f"{len(d['rows'])} runs in {d['folder']}"
    if "orig_record" in d:
        return f"orig model top1 from {d['orig_record']}" if d["orig_record"] else "no dense record beside it"
    return d.get("line", "")


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def card(report, ctx: Context) -> dict[str, Any] | None:
    """The zoo card of this run (None when the model or its complexity is unknown)."""
    from frontc import __version__
    from frontc.zoo.layout import ORIGINAL, version_name
    f = facts(report, ctx)
    comp, src, sparse = f["comp"], f["source"], report.steps["sparse training"]
    if not comp or not src:
        return None
    version = version_name(f["date"], f["sparsity"], f["input_shape"]) if sparse.ok else ORIGINAL
    perf = f["perf"]
    return {"model": f["model"], "domain": src["domain"], "task": src["task"],
            "framework": src["framework"], "input_shape": f["input_shape"], "preprocessing": src["preprocessing"],
            "accuracy": {"float": _number(f["top1"]), "orig_top1": _number(f["orig_top1"]),
                         "quantized": {pair: _number(r.get("top1")) for pair, r in f["quant"].items()}},
            "sparsity": float(comp["sparsity"]),
            "nnz": comp["nnz"], "dense_flops": comp["dense_flops"], "sparse_flops": comp["sparse_flops"],
            "checklist": {s.name: "reused" if s.reused else YES[s.ok] for s in report.steps.values()},
            "frontc_version": __version__, "date": f["date"], "version": version,
            "performance": {"hardware": perf["hardware"], "latency_ms": perf["latency_ms"]} if perf else None}


def write_reports(report, ctx: Context) -> None:
    """checklist.md, checklist.json and (when the model and its complexity are known) card.yaml."""
    from frontc.checklist.runner import as_json
    from frontc.zoo.card import CARD, card_bytes
    data = card(report, ctx)
    with Outputs("checklist", force=True) as out:  # the reports appear together; a stale card is removed
        out.write(ctx.out / "checklist.md", markdown(report, ctx))
        out.write(ctx.out / "checklist.json", as_json(report, ctx.threshold))
        out.file(ctx.out / CARD)
        if data is not None:
            out.write(ctx.out / CARD, card_bytes(data))
