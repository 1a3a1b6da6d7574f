"""The checklist as a declared plan: each step's number (the seed's), name, what it needs, which config
section enables it, what it runs, which settings and files decide whether its last result can be reused,
and which files it writes. Adding a step is adding one entry to PLAN."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontc.checklist import fastprune, steps
from frontc.checklist.context import IMPORTED, MOFFETT_IR, Context, Step

Paths = Callable[[Context], list[Path]]


@dataclass(frozen=True)
class StepSpec:
    number: int
    name: str
    run: Callable[[Context, Step], None]
    inputs: Paths  # files whose contents decide reuse
    outputs: Paths  # files and folders the step writes (checked intact before reuse)
    needs: tuple[str, ...] = ()
    section: str | None = None  # config section that enables the step (None: always enabled)
    settings: Callable[[Context], Any] = lambda ctx: None


def _model_file(ctx: Context) -> list[Path]:
    model = ctx.config_file("MODEL", "path")
    target = Path(ctx.target)
    return [model] if model else [target] if not ctx.config_path and target.exists() else []


def _files(*names: str) -> Paths:
    return lambda ctx: [ctx.out / name for name in names]


def _both_irs(ctx: Context) -> list[Path]:
    return [*steps.ir_files(ctx.out, steps.RECONSTRUCT), *steps.ir_files(ctx.out, steps.CMODEL)]


def _reconstruction(target: str) -> StepSpec:
    suffix = {"torch": ".pt", "tf": ".pb"}[target]
    return StepSpec(5, f"{target} rt", steps.reconstruction(target),
                    lambda ctx: [*_both_irs(ctx), ctx.out / "inputs.npz", ctx.out / "result.npy"],
                    _files(f"{target}_IR_for_reconstruct{suffix}", f"{target}_IR_fused_for_CModel{suffix}"),
                    ("compile",), settings=lambda ctx: ctx.threshold)


PLAN: tuple[StepSpec, ...] = (
    StepSpec(1, "get model", steps.get_model, _model_file,
             _files("source", "imported", "inputs.npz", "input.npy", "result.npy"),
             settings=lambda ctx: [ctx.target if not ctx.config_path else None, ctx.section("MODEL"),
                                   ctx.section("EVALUATION")]),
    StepSpec(2, "sparse training", steps.sparse_record, lambda ctx: [ctx.config_file("SPARSE", "record")],
             _files(steps.SPARSE_RECORD), ("get model",), section="SPARSE"),
    StepSpec(3, "compile", steps.compile_step,
             lambda ctx: [*steps.ir_files(ctx.out, IMPORTED), *_files(steps.SPARSE_RECORD)(ctx)],
             _files(MOFFETT_IR), ("get model",), settings=lambda ctx: ctx.passed("sparse training")),
    StepSpec(4, "complexity", steps.complexity_step, lambda ctx: steps.ir_files(ctx.out, steps.RECONSTRUCT),
             _files("complexity.json"), ("compile",)),
    _reconstruction("torch"),
    _reconstruction("tf"),
    StepSpec(6, "quantization", steps.quantization,
             lambda ctx: [*steps.ir_files(ctx.out, steps.CMODEL), ctx.out / "inputs.npz"],
             lambda ctx: [ctx.out / "quantization.json",
                          *(p for s, w in steps.strategies(ctx) for p in [steps.quantized_pb(ctx, s), *steps.ir_files(
                              ctx.out, steps.quantized_ir(s, w))])],
             ("compile",), section="QUAN",
             settings=lambda ctx: [ctx.section("QUAN"), ctx.section("EVALUATION"), ctx.section("MODEL"), ctx.model]),
    StepSpec(7, "performance model", steps.performance,
             lambda ctx: [*steps.ir_files(ctx.out, steps.perf_ir(ctx)[0]), steps.hardware_file(ctx)],
             _files("perf.json", "roofline.png"), ("compile",), settings=lambda ctx: steps.perf_ir(ctx)[1]),
    StepSpec(8, "fast prune", fastprune.run, fastprune.inputs, fastprune.outputs, section="FAST_PRUNE",
             settings=lambda ctx: ctx.section("FAST_PRUNE")),
)
