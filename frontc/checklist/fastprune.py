"""Step 8, fast prune (optional): the fast-prune project's sparse versions of the model, as a table and as
zoo submissions.

``FAST_PRUNE: {record: FOLDER}`` reads an earlier ``projects/fast_prune/fast_prune.py`` run (its
``*_record.json`` files); otherwise the step runs that script into ``fast_prune/`` of the output folder
with the section's options (``model``, ``runs``, ``dense``, ``limit``, ``epochs``, ``sparse_epochs``,
``frequency``, ``lr``, ``scope``, ``torch_prune_rates``). Each frontc-Prune run (``submit``: which
``PATTERN@RATE`` runs, default all) becomes a zoo version ``YYYYMMDD_sp<rate>_<H>x<W>`` with its source
files, both IRs, its record and a card whose step-2 row carries the dense model's top-1.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from frontc.checklist.context import Context, Step
from frontc.ir.errors import FrontcError, OptionError

FOLDER, TABLE = "fast_prune", "fast_prune.json"
SCRIPT = "projects/fast_prune/fast_prune.py"
OPTIONS = {"model": "--model", "runs": "--runs", "dense": "--dense", "limit": "--limit", "epochs": "--epochs",
           "sparse_epochs": "--sparse-epochs", "frequency": "--frequency", "lr": "--lr", "scope": "--scope",
           "torch_prune_rates": "--torch-prune-rates"}
COLUMNS = ("model", "pruner", "pattern", "sparse rate", "acc top1", "vs dense", "training date", "input_shape",
           "nnz/sparsity", "flops dense/sp M", "nnz = mask", "zoo version")


def folder(ctx: Context) -> Path:
    """Where the fast-prune run's files are: FAST_PRUNE.record, else fast_prune/ of the output folder."""
    return ctx.config_file("FAST_PRUNE", "record") or ctx.out / FOLDER


def inputs(ctx: Context) -> list[Path]:
    from frontc.zoo.layout import checkout_root
    given = ctx.config_file("FAST_PRUNE", "record")
    return sorted(given.glob("*_record.json")) if given else [checkout_root() / SCRIPT]


def outputs(ctx: Context) -> list[Path]:
    return [ctx.out / TABLE] + ([] if ctx.config_file("FAST_PRUNE", "record") else [ctx.out / FOLDER])


def run(ctx: Context, step: Step) -> None:
    """Step 8: run (or read) the fast-prune flow and keep one row per run."""
    from frontc.outputs import write_file
    where = folder(ctx)
    if ctx.config_file("FAST_PRUNE", "record") is None:
        _run_script(ctx, where)
    rows = read_runs(where)
    if not rows:
        raise OptionError("no *_record.json of a fast-prune run", path=str(where),
                          hint=f"run {SCRIPT} -o {where}")
    step.data = {"folder": str(where.resolve()), "rows": rows}
    step.data["versions"] = [{"files": {name: str(path) for name, path in files.items()}, "card": card}
                             for files, card in submissions(ctx, step.data, ctx.done["get model"].data)]
    write_file(ctx.out / TABLE, json.dumps(step.data, indent=1) + "\n", force=True)


def _run_script(ctx: Context, out: Path) -> None:
    from frontc.zoo.layout import checkout_root
    section = ctx.section("FAST_PRUNE")
    shutil.rmtree(out, ignore_errors=True)  # the checklist's own folder: no record of an earlier run stays
    command = [sys.executable, str(checkout_root() / SCRIPT), "-o", str(out)]
    for key, flag in OPTIONS.items():
        if key in section:
            value = ctx.config_file("FAST_PRUNE", key) if key == "dense" else section[key]
            command += [flag, str(value)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(checkout_root()),
                                                                     os.environ.get("PYTHONPATH")])))
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    out.mkdir(parents=True, exist_ok=True)
    (out / "log.txt").write_text(done.stdout + done.stderr)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise FrontcError(f"{SCRIPT} failed: {last} (log: {out / 'log.txt'})")


def read_runs(where: Path) -> list[dict[str, Any]]:
    """One row per training record of a fast-prune folder (dense first, then as the records sort)."""
    from frontc.models.record import read_record
    from frontc.zoo.layout import version_name
    rows = []
    for path in sorted(where.glob("*_record.json")):
        record, tag = read_record(path), path.name.removesuffix("_record.json")
        extra = record.extra
        sparse = record.pattern != "dense"
        rows.append({"tag": tag, "model": record.model, "pruner": extra.get("pruner", "-"), "pattern": record.pattern,
                     "sparse_rate": record.sparse_rate, "top1": record.top1, "vs_dense": extra.get("vs_dense"),
                     "date": record.training_date, "input_shape": record.input_shape, "nnz": extra.get("nnz"),
                     "sparsity": extra.get("sparsity"), "dense_mflops": extra.get("dense_mflops"),
                     "sparse_mflops": extra.get("sparse_mflops"), "nnz_equals_mask": extra.get("nnz_equals_mask"),
                     "files": record.files,
                     "version": version_name(record.training_date, record.sparse_rate / 100, record.input_shape)
                     if sparse else None})
    return sorted(rows, key=lambda r: (r["model"], r["pattern"] != "dense", r["pattern"], r["sparse_rate"]))


def table(data: dict[str, Any]) -> list[str]:
    """The step-8 table (the seed's step-2 columns, with the project's pruner, nnz and FLOPs, and zoo version)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for r in data.get("rows", []):
        shape = "x".join(map(str, r["input_shape"][2:]))
        lines.append(f"| {r['model']} | {r['pruner']} | {r['pattern']} | {r['sparse_rate']:g} | {r['top1']:.2f} | "
                     f"{_number(r['vs_dense'], '+.2f')} | {r['date']} | {shape} | {r['nnz']}/"
                     f"{_number(r['sparsity'], '.4f')} | {_number(r['dense_mflops'], '.2f')}/"
                     f"{_number(r['sparse_mflops'], '.2f')} | {'yes' if r['nnz_equals_mask'] else 'no'} | "
                     f"{r['version'] or 'original'} |")
    return lines + [""]


def _number(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def submissions(ctx: Context, data: dict[str, Any], source: dict[str, Any]) -> list[tuple[dict[str, Path],
                                                                                            dict[str, Any]]]:
    """(files, card) of each sparse version to submit: frontc-Prune runs, those of FAST_PRUNE.submit when given;
    OptionError when two of them would be the same zoo version."""
    from frontc import __version__
    where = Path(data["folder"])
    chosen = ctx.section("FAST_PRUNE").get("submit")
    rows = [r for r in data["rows"] if r["version"] and r["pruner"].startswith("frontc")
            and (chosen is None or f"{r['pattern']}@{r['sparse_rate']:g}" in chosen)]
    dense = {r["model"]: r["top1"] for r in data["rows"] if r["pattern"] == "dense"}
    seen: dict[str, str] = {}
    out = []
    for r in rows:
        key = f"{r['model']}/{r['version']}"
        if key in seen:
            raise OptionError(f"fast-prune runs {seen[key]} and {r['tag']} are both zoo version {key}",
                              path=str(ctx.config_path), hint="choose one with FAST_PRUNE.submit: [PATTERN@RATE]")
        seen[key] = r["tag"]
        files = {name: where / name for name in r["files"].values()}
        files[f"{r['tag']}_record.json"] = where / f"{r['tag']}_record.json"
        files |= {f"moffett_ir/{p.name}": p for p in sorted((where / f"{r['tag']}_ir").glob("*")) if p.is_file()}
        card = {"model": r["model"], "domain": source.get("domain", "vision"),
                "task": source.get("task", "classification"), "framework": "torch", "input_shape": r["input_shape"],
                "preprocessing": source.get("preprocessing") or {},
                "accuracy": {"float": r["top1"] / 100, "orig_top1": _fraction(dense.get(r["model"])),
                             "quantized": {}},
                "sparsity": float(r["sparsity"] or 0.0), "nnz": r["nnz"] or 0,
                "dense_flops": (r["dense_mflops"] or 0) * 1e6, "sparse_flops": (r["sparse_mflops"] or 0) * 1e6,
                "checklist": {"sparse training": "yes", "compile": "yes", "complexity": "yes", "fast prune": "yes"},
                "frontc_version": __version__, "date": r["date"], "version": r["version"], "pattern": r["pattern"]}
        out.append((files, card))
    return out


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100
