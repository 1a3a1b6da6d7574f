"""`frontc checklist`: take a model through every checklist step built so far and write the tables.

Steps: 1 get the model, 3 compile both IRs, 4 complexity, 5 reconstruct each IR in PyTorch and in
TensorFlow and measure the distance to the reference output. A failed step is recorded with its
one-line reason; steps that do not depend on it still run.
"""
from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from frontc.ir.errors import FrontcError
from frontc.outputs import Outputs

THRESHOLD = 1e-3


@dataclass
class Step:
    """One checklist step: passed or not, why not, how long, and what it measured."""

    name: str
    ok: bool | None = None  # None: not run because a step it needs failed
    reason: str = ""
    seconds: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Checklist:
    model: str
    steps: dict[str, Step] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(step.ok for step in self.steps.values())

    def run(self, name: str, needs: list[str], fn: Callable[[Step], None]) -> Step:
        step = self.steps[name] = Step(name)
        missing = [n for n in needs if not self.steps[n].ok]
        if missing:
            step.reason = f"skipped: needs {', '.join(missing)}"
            return step
        start = time.perf_counter()
        try:
            fn(step)
            step.ok = True
        except FrontcError as exc:
            step.ok, step.reason = False, str(exc)
        except Exception as exc:  # a checklist reports every failure and goes on
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            step.ok = False
            step.reason = f"{type(exc).__name__}: {exc} ({Path(frame.filename).name}:{frame.lineno})"
        step.seconds = time.perf_counter() - start
        return step


def run_checklist(model_or_config: str, out_dir: str | Path, *, threshold: float = THRESHOLD,
                  progress: bool = True, force: bool = False) -> Checklist:
    """Run every step on ``model_or_config``; write checklist.md, checklist.json, moffett_ir/ and the
    reconstructed models, all together at the end; existing ones are replaced only with ``force``."""
    with Outputs("checklist", force=force) as outputs:
        return _run(model_or_config, Path(out_dir), threshold, progress, outputs)


def _run(model_or_config: str, out: Path, threshold: float, progress: bool, outputs: Outputs) -> Checklist:
    from tqdm import tqdm

    from frontc.analysis.complexity import complexity
    from frontc.checklist.source import resolve
    from frontc.compiler import CMODEL, RECONSTRUCT, compile_graph, declare_ir, write_ir
    from frontc.reconstruction import check_reconstruction

    for name in ("checklist.md", "checklist.json"):
        outputs.file(out / name)  # every output checked before the work
    declare_ir(outputs, out / "moffett_ir")
    saved = {(target, name): outputs.file(out / f"{target}_{name}{suffix}")
             for target, suffix in (("torch", ".pt"), ("tf", ".pb")) for name in (RECONSTRUCT, CMODEL)}
    report = Checklist(model_or_config)
    state: dict[str, Any] = {}
    bar = tqdm(total=7, unit="step", disable=None if progress else True, leave=False)  # None: off unless a terminal

    def get_model(step: Step) -> None:
        source = state["source"] = resolve(model_or_config)
        report.model = source.name
        step.data = {"framework": source.framework, "reference": source.reference_from,
                     "input_shape": list(source.graph.inputs[0].shape), "nodes": len(source.graph.nodes),
                     "framework_version": source.graph.meta.get("framework_version", "")}

    def compile_step(step: Step) -> None:
        result = state["compiled"] = compile_graph(state["source"].graph)
        write_ir(result, out / "moffett_ir", outputs=outputs)
        step.data = {"nodes_reconstruct": len(result.reconstruct.nodes), "nodes_cmodel": len(result.cmodel.nodes),
                     "files": [str(p) for p in result.files]}

    def complexity_step(step: Step) -> None:
        c = complexity(state["compiled"].reconstruct)
        step.data = {"line": c.line(), "nnz": c.nnz, "sparsity": c.sparsity, "dense_flops": c.dense_flops,
                     "sparse_flops": c.sparse_flops}

    def reconstruct_step(target: str, which: str) -> Callable[[Step], None]:
        def fn(step: Step) -> None:
            graph = getattr(state["compiled"], which)
            source = state["source"]
            path = saved[target, graph.name]
            check = check_reconstruction(target, graph, source.feeds, source.reference, threshold=threshold,
                                         save_path=str(path))
            step.data = {"rel_max": check.distance.rel_max, "cosine": check.distance.cosine,
                         "top1": check.distance.top1, "saved": str(out / path.name)}
            if not check.passed:
                raise FrontcError(f"rel_max {check.distance.rel_max:.3e} > threshold {threshold:g}")
        return fn

    plan = [("get model", [], get_model), ("compile", ["get model"], compile_step),
            ("complexity", ["compile"], complexity_step)]
    for target in ("torch", "tf"):
        for which in ("reconstruct", "cmodel"):
            plan.append((f"{target} rt ({which})", ["compile"], reconstruct_step(target, which)))
    for name, needs, fn in plan:
        bar.set_description(name, refresh=False)
        step = report.run(name, needs, fn)
        if name == "get model" and not step.ok:  # a bad model or config: an error (exit 2), no report
            bar.close()
            raise FrontcError(step.reason)
        bar.update()
    bar.close()
    write_reports(report, out, threshold, outputs)
    return report


def _yes(step: Step) -> str:
    return {True: "yes", False: "no", None: "not run"}[step.ok]


def write_reports(report: Checklist, out: Path, threshold: float, outputs: Outputs) -> None:
    """checklist.md (the checklist's tables, filled from this run) and checklist.json."""
    s = report.steps
    source, compiled, comp = s["get model"].data, s["compile"].data, s["complexity"].data
    shape = "x".join(map(str, source.get("input_shape", [])[2:])) or "?"
    nnz = f"{comp['nnz']}/{comp['sparsity']:.4f}" if comp else "n/a"
    flops = f"{comp['dense_flops'] / 1e6:.0f}/{comp['sparse_flops'] / 1e6:.0f}" if comp else "n/a"
    rt = {t: "yes" if all(s[f"{t} rt ({w})"].ok for w in ("reconstruct", "cmodel")) else "no"
          for t in ("torch", "tf")}
    date = time.strftime("%Y%m%d")
    lines = [f"# Checklist: {report.model}", "",
             f"Framework: {source.get('framework', '?')} {source.get('framework_version', '')}; "
             f"reference output: {source.get('reference', '?')}; distances are rel_max = "
             f"max|diff| / max|reference| (threshold {threshold:g}).", "",
             "| model | date | input_shape | compiler pass | nnz/sparsity | flops dense/sp M | torch rt | tf rt |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |",
             f"| {report.model} | {date} | {shape} | {_yes(s['compile'])} | {nnz} | {flops} | {rt['torch']} | "
             f"{rt['tf']} |", "",
             "| step | result | seconds | details |", "| --- | --- | --- | --- |"]
    for step in s.values():
        detail = step.reason or _details(step)
        lines.append(f"| {step.name} | {_yes(step)} | {step.seconds:.1f} | {detail} |")
    if comp:
        lines += ["", "Complexity (IR_for_reconstruct):", "", f"    {comp['line']}"]
    if compiled:
        lines += ["", f"IR files: {', '.join(Path(p).name for p in compiled['files'])} in moffett_ir/"]
    outputs.write(out / "checklist.md", "\n".join(lines) + "\n")
    data = {"model": report.model, "passed": report.passed, "threshold": threshold,
            "steps": [asdict(step) for step in s.values()]}
    outputs.write(out / "checklist.json", json.dumps(data, indent=1, sort_keys=True) + "\n")


def _details(step: Step) -> str:
    d = step.data
    if "rel_max" in d:
        top1 = "" if d["top1"] is None else f", top-1 agreement {d['top1']:.0%}"
        return f"rel_max {d['rel_max']:.2e}, cosine {d['cosine']:.8f}{top1}"
    if "nodes_cmodel" in d:
        return f"nodes: IR_for_reconstruct {d['nodes_reconstruct']}, IR_fused_for_CModel {d['nodes_cmodel']}"
    if "nodes" in d:
        return f"{d['nodes']} IR nodes, input {d['input_shape']}"
    return d.get("line", "")
