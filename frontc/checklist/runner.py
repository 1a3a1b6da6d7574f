"""`frontc checklist`: run the declared plan of steps (frontc.checklist.plan) on a model or config.

A step runs when the config enables it and --steps selects it (default: all enabled). A step whose
inputs (files and settings, hashed) did not change since the last run in the same output folder, and
whose outputs are intact, is reused instead of rerun. A failed step is recorded with its one-line
reason; steps that need it are skipped, the others still run. A model or config that cannot be
loaded (step 1) is an error of its own: nothing is reported.
"""
from __future__ import annotations

import json
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from frontc.checklist.context import Context, Step, fingerprint, sha256_path
from frontc.checklist.plan import PLAN, StepSpec
from frontc.ir.errors import FrontcError, OptionError, OutputError

THRESHOLD = 1e-3
REPORT_JSON = "checklist.json"


@dataclass
class Checklist:
    model: str
    steps: dict[str, Step] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """No step failed and none was skipped for a failed or missing step it needs (steps not enabled or
        not selected do not count)."""
        return not any(s.ok is False or s.reason.startswith("skipped") for s in self.steps.values())


def load_config(target: str) -> tuple[dict[str, Any], Path | None]:
    """The YAML config (or {} when the target is a model); errors surface in step 1."""
    path = Path(target)
    if path.suffix not in (".yml", ".yaml"):
        return {}, None
    import yaml
    try:
        config = yaml.safe_load(path.read_text())
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}, path.resolve()
    return (config if isinstance(config, dict) else {}), path.resolve()


def parse_steps(text: str | None) -> set[int] | None:
    """``3,4`` -> {3, 4}; None: every step."""
    if not text:
        return None
    known = {spec.number for spec in PLAN}
    try:
        numbers = {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        numbers = set()
    if not numbers or not numbers <= known:
        raise OptionError(f"--steps {text}: expected step numbers from {sorted(known)}, e.g. 3,4")
    return numbers


def run_checklist(target: str, out_dir: str | Path, *, threshold: float = THRESHOLD, steps: set[int] | None = None,
                  reuse: bool = True, progress: bool = True, force: bool = False) -> Checklist:
    """Run the plan on ``target``; write checklist.md, checklist.json, card.yaml and every step's files.

    The output folder is the checklist's own: a folder an earlier run wrote (it holds that run's
    checklist.json) is updated in place, step by step; any other non-empty folder is refused unless
    ``force``."""
    from tqdm import tqdm

    from frontc.checklist.report import write_reports

    out = Path(out_dir)
    previous = _previous(out)
    if out.is_dir() and any(out.iterdir()) and previous is None and not force:
        raise OutputError("exists and was not written by frontc checklist", path=str(out),
                          hint="choose another output folder, or --force to write into it")
    if out.exists() and not out.is_dir():
        raise OutputError("is a file, a folder is expected here", path=str(out))
    config, config_path = load_config(target)
    ctx = Context(target, out, config, config_path, threshold)
    previous = previous if reuse and previous else {}
    report = Checklist(Path(target).stem if config_path else target)
    ctx.done = report.steps
    bar = tqdm(total=len(PLAN), unit="step", disable=None if progress else True, leave=False)
    for spec in PLAN:
        bar.set_description(spec.name, refresh=False)
        step = report.steps[spec.name] = _run_step(spec, ctx, report, previous.get(spec.name), steps)
        if spec.number == 1 and step.ok is False:  # a bad model or config: an error (exit 2), no report
            bar.close()
            raise FrontcError(step.reason)
        if step.ok and "model" in step.data:  # the zoo's name: the training record's, else step 1's
            ctx.model = str(step.data["model"]).removesuffix(".torchscript").replace(":", "_")
        bar.update()
    bar.close()
    report.model = ctx.model if report.steps["get model"].ok else report.model
    write_reports(report, ctx)
    return report


def _previous(out: Path) -> dict[str, Step] | None:
    """The steps of the checklist.json an earlier run wrote in ``out`` (None: there is none)."""
    try:
        data = json.loads((out / REPORT_JSON).read_text())
        return {s["name"]: Step(**s) for s in data["steps"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _intact(out: Path, step: Step) -> bool:
    return all(sha256_path(out / name) == digest for name, digest in step.outputs.items())


def _run_step(spec: StepSpec, ctx: Context, report: Checklist, before: Step | None, selected: set[int] | None) -> Step:
    step = Step(spec.number, spec.name)
    if spec.section and spec.section not in ctx.config:
        step.reason = f"not enabled (the config has no {spec.section} section)"
        return step
    missing = [n for n in spec.needs if not report.steps[n].ok]
    if missing:
        step.reason = f"skipped: needs {', '.join(missing)}"
        return step
    try:
        step.fingerprint = fingerprint(spec.name, spec.settings(ctx), [p for p in spec.inputs(ctx) if p is not None])
    except FrontcError as exc:
        step.ok, step.reason = False, str(exc)
        return step
    if before and before.ok and before.fingerprint == step.fingerprint and _intact(ctx.out, before):
        before.reused, before.seconds = True, 0.0
        return before
    if selected is not None and spec.number not in selected:
        step.reason = "not selected (--steps)"
        return step
    start = time.perf_counter()
    try:
        spec.run(ctx, step)
        step.ok = True
    except FrontcError as exc:
        step.ok, step.reason = False, str(exc)
    except Exception as exc:  # a checklist reports every failure and goes on
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        step.ok = False
        step.reason = f"{type(exc).__name__}: {exc} ({Path(frame.filename).name}:{frame.lineno})"
    step.seconds = time.perf_counter() - start
    if step.ok:
        step.outputs = {p.relative_to(ctx.out).as_posix(): sha256_path(p) for p in spec.outputs(ctx)}
    return step


def as_json(report: Checklist, threshold: float) -> bytes:
    data = {"model": report.model, "passed": report.passed, "threshold": threshold,
            "steps": [asdict(step) for step in report.steps.values()]}
    return (json.dumps(data, indent=1, sort_keys=True, default=str) + "\n").encode()
