"""The checklist's steps. Each reads its inputs from the output folder (or the config), writes its outputs
there and records what it measured in ``step.data``; ``frontc.checklist.plan`` declares their order."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from frontc.checklist.context import IMPORTED, MOFFETT_IR, Context, Step
from frontc.checklist.evaluate import evaluation_set, top1
from frontc.ir.errors import FrontcError, OptionError
from frontc.outputs import Outputs, write_file

RECONSTRUCT, CMODEL = f"{MOFFETT_IR}/IR_for_reconstruct", f"{MOFFETT_IR}/IR_fused_for_CModel"
SPARSE_RECORD = "sparse_training.json"


def _files(out: Path, *names: str) -> list[Path]:
    return [out / name for name in names]


def ir_files(out: Path, prefix: str) -> list[Path]:
    return _files(out, f"{prefix}_graph.json", f"{prefix}_params.npz")


def get_model(ctx: Context, step: Step) -> None:
    """Step 1: import the model, keep its source files, the input it is checked on and the reference output."""
    from frontc.checklist.artifacts import save_source_files
    from frontc.checklist.source import resolve
    from frontc.commands.common import npy_bytes
    from frontc.ir.serialize import graph_files, npz_bytes

    source = resolve(ctx.target)
    with Outputs("checklist", force=True) as out:  # the step's files appear together
        for path, data in graph_files(source.graph, ctx.out / IMPORTED).items():
            out.write(path, data)
        out.write(ctx.out / "inputs.npz", npz_bytes(source.feeds))
        out.write(ctx.out / "input.npy", npy_bytes(source.feeds[source.graph.inputs[0].name]))
        out.write(ctx.out / "result.npy", npy_bytes(source.reference))
        save_source_files(source, out.folder(ctx.out / "source"))
    ctx.cache.pop(IMPORTED, None)
    entry, model = source.entry, ctx.section("MODEL")
    preprocessing = model.get("preprocessing", entry.preprocessing if entry else {})
    accuracy = None
    data = evaluation_set(ctx, source.graph, preprocessing)
    if data is not None:
        accuracy = top1(source.graph, *data)
        step.data["evaluated"] = len(data[1])
    step.data |= {"model": source.name, "framework": source.framework, "reference": source.reference_from,
                 "framework_version": source.graph.meta.get("framework_version", ""),
                 "input_shape": list(source.graph.inputs[0].shape), "nodes": len(source.graph.nodes),
                 "domain": model.get("domain", entry.domain if entry else "vision"),
                 "task": model.get("task", entry.task if entry else "classification"),
                 "preprocessing": preprocessing, "labels": entry.labels if entry else None, "top1": accuracy}


def sparse_record(ctx: Context, step: Step) -> None:
    """Step 2: the sparse training record (frontc.models.record JSON, written by the training projects)."""
    from frontc.models.record import read_record
    path = ctx.config_file("SPARSE", "record")
    if path is None:
        raise OptionError("SPARSE needs record: the training record JSON", path=str(ctx.config_path))
    record = read_record(path)
    write_file(ctx.out / SPARSE_RECORD, path.read_bytes(), force=True)
    dense = dense_record(path, record.model)
    step.data = {"model": record.model, "pattern": record.pattern, "sparsity": record.sparse_rate / 100,
                 "top1": record.top1 / 100, "date": record.training_date, "input_shape": record.input_shape,
                 "dataset": record.dataset, "epochs": record.epochs,
                 "orig_top1": dense[0].top1 / 100 if dense else None, "orig_record": dense and dense[1].name}


def dense_record(path: Path, model: str):
    """(record, path) of the dense ``model``'s training record beside the sparse record ``path``, as the training
    projects write them (None when there is none): its top-1 is the sparse model's orig model top-1."""
    from frontc.models.record import read_record
    for other in sorted(path.parent.glob("*_record.json")):
        try:
            record = read_record(other)
        except FrontcError:
            continue
        if record.model == model and record.pattern == "dense":
            return record, other
    return None


def sparse_pattern(ctx: Context) -> str | None:
    """The sparsity pattern of step 2's training record when step 2 passed (None: dense or no record)."""
    if not ctx.passed("sparse training"):
        return None
    pattern = json.loads((ctx.out / SPARSE_RECORD).read_text())["pattern"]
    # fast_prune's torch.nn.utils.prune baseline records its scope, global magnitude: unstructured zeros
    return None if pattern == "dense" else "unstructured" if pattern == "global" else pattern


def compile_step(ctx: Context, step: Step) -> None:
    """Step 3: both IRs into moffett_ir/, with step 2's sparsity pattern recorded on the pruned weights."""
    from frontc.compiler import compile_graph, write_ir
    result, pattern = compile_graph(ctx.graph(IMPORTED)), sparse_pattern(ctx)
    if pattern is not None:  # on the compiled IRs, where every weighted layer is a Conv or Dense
        from frontc.ir.sparsity import META_KEY
        from frontc.prune.annotate import annotate_zeros
        for graph in result.graphs.values():
            annotate_zeros(graph, pattern)
        step.data["sparse_layers"] = sum(META_KEY in node.meta for node in result.cmodel.nodes)
    write_ir(result, ctx.out / MOFFETT_IR, overwrite=True)  # replaced together
    for prefix in (RECONSTRUCT, CMODEL):
        ctx.cache.pop(prefix, None)
    step.data |= {"nodes_reconstruct": len(result.reconstruct.nodes), "nodes_cmodel": len(result.cmodel.nodes),
                  "files": sorted(p.name for p in result.files), "sparsity_pattern": pattern}


def complexity_step(ctx: Context, step: Step) -> None:
    """Step 4: nnz, sparsity, dense and sparse FLOPs of IR_for_reconstruct."""
    from frontc.analysis.complexity import complexity
    c = complexity(ctx.graph(RECONSTRUCT))
    write_file(ctx.out / "complexity.json", json.dumps(c.as_dict(), indent=1) + "\n", force=True)
    step.data = {"line": c.line(), "nnz": c.nnz, "sparsity": c.sparsity, "dense_flops": c.dense_flops,
                 "sparse_flops": c.sparse_flops}


def reconstruction(target: str):
    """Step 5 for one framework: rebuild both IRs, compare with the reference output, save the models."""
    def run(ctx: Context, step: Step) -> None:
        from frontc.reconstruction import check_reconstruction
        feeds = dict(np.load(ctx.out / "inputs.npz", allow_pickle=False))
        reference = ctx.array("result.npy")
        failed = []
        for which in (RECONSTRUCT, CMODEL):
            graph = ctx.graph(which)
            suffix = {"torch": ".pt", "tf": ".pb"}[target]
            check = check_reconstruction(target, graph, feeds, reference, threshold=ctx.threshold,
                                         save_path=str(ctx.out / f"{target}_{graph.name}{suffix}"))
            step.data[graph.name] = {"rel_max": check.distance.rel_max, "cosine": check.distance.cosine,
                                     "top1": check.distance.top1, "saved": Path(str(check.saved)).name}
            if not check.passed:
                failed.append(f"{graph.name} rel_max {check.distance.rel_max:.3e}")
        if failed:
            raise FrontcError(f"{'; '.join(failed)} > threshold {ctx.threshold:g}")
    return run


def quantized_ir(strategy: str, weight_quan: str) -> str:
    """The prefix of step 6's quantized fused IR of one strategy."""
    return f"quantized/IR_{strategy}_{weight_quan}"


def perf_ir(ctx: Context) -> tuple[str, str]:
    """(prefix, description) of the IR step 7 models: step 6's quantized IR of PERF.strategy (default the
    last of QUAN.strategies, the seed's asic one) when step 6 passed in this run, else the fused float IR."""
    if not ctx.passed("quantization"):
        return CMODEL, "IR_fused_for_CModel (float: step 6 did not run)"
    pairs = [f"{s}/{w}" for s, w in strategies(ctx)]
    chosen = str(ctx.section("PERF").get("strategy", pairs[-1]))
    if chosen not in pairs:
        raise OptionError(f"PERF.strategy {chosen!r} is not one of QUAN.strategies {pairs}",
                          path=str(ctx.config_path))
    return quantized_ir(*chosen.split("/")), f"quantized IR_fused_for_CModel ({chosen}, step 6)"


def performance(ctx: Context, step: Step) -> None:
    """Step 7: the analytical performance model of step 6's quantized IR (else the fused float IR) on the
    configured hardware."""
    from frontc.perf.hardware import load_hardware
    from frontc.perf.model import estimate
    from frontc.perf.roofline import roofline_png
    hw = load_hardware(hardware_file(ctx))
    prefix, modeled = perf_ir(ctx)
    report = estimate(ctx.graph(prefix), hw)
    data = report.as_dict()
    with Outputs("checklist", force=True) as out:
        out.write(ctx.out / "perf.json", json.dumps(data, indent=1) + "\n")
        out.write(ctx.out / "roofline.png", roofline_png(report))
    step.data = {"hardware": hw.name, "latency_ms": report.latency_s * 1e3, "macs": data["macs"],
                 "effective_macs": data["effective_macs"], "dram_bytes": data["dram_bytes"],
                 "compute_bound": data["compute_bound_layers"], "layers": len(report.layers),
                 "bits_from": report.bits_from, "ir": modeled,
                 "weight_bytes": sum(layer.weight_bytes for layer in report.layers),
                 "sparse_layers": sum(layer.pattern != "dense" for layer in report.layers)}


def hardware_file(ctx: Context) -> Path:
    """PERF.hardware of the config, else the example accelerator of configs/hardware/."""
    from frontc.zoo.layout import checkout_root
    return ctx.config_file("PERF", "hardware") or checkout_root() / "configs/hardware/example_accelerator.yaml"


# the seed's step-6 table: quantacc (fpga / asic) = scale_shift per layer / symmetry_max per channel
DEFAULT_STRATEGIES = ("scale_shift/perlayer", "symmetry_max/perchannel")


def strategies(ctx: Context) -> list[tuple[str, str]]:
    """(strategy, weight_quan) pairs of QUAN.strategies (``strategy/perlayer|perchannel``)."""
    pairs = []
    for text in ctx.section("QUAN").get("strategies", DEFAULT_STRATEGIES):
        strategy, _, weight_quan = str(text).partition("/")
        if weight_quan not in ("perlayer", "perchannel"):
            raise OptionError(f"QUAN.strategies: {text!r} is not STRATEGY/perlayer or STRATEGY/perchannel",
                              path=str(ctx.config_path))
        pairs.append((strategy, weight_quan))
    return pairs


def quantized_pb(ctx: Context, strategy: str) -> Path:
    return ctx.out / f"{ctx.model}_{strategy}_quantization.pb"


def quantization(ctx: Context, step: Step) -> None:
    """Step 6: calibrate IR_fused_for_CModel, quantize it with each strategy, measure the final distance to the
    float output on the checked input and (with an evaluation set) top-1; a frozen .pb per strategy."""
    import tempfile

    from frontc.datasets.images import ArrayInputs
    from frontc.ir.serialize import graph_files
    from frontc.quant import quantize_graph
    from frontc.quant.accuracy import Candidate, evaluate
    from frontc.quant.calibrate import calibrate
    from frontc.quant.error import analyze
    from frontc.quant.explicit import save_quantized_pb

    cmodel, section = ctx.graph(CMODEL), ctx.section("QUAN")
    spec, output = cmodel.inputs[0], cmodel.outputs[0]
    data = evaluation_set(ctx, cmodel, ctx.section("MODEL").get("preprocessing", {}))
    checked = np.load(ctx.out / "inputs.npz", allow_pickle=False)[spec.name]
    count = int(section.get("calibration", 100))
    with tempfile.TemporaryDirectory(dir=ctx.out, prefix=".quant-") as tmp:
        np.save(Path(tmp) / "calibration.npy", data[0][:count] if data is not None else checked)
        np.save(Path(tmp) / "checked.npy", checked)
        table, _ = calibrate(cmodel, ArrayInputs(Path(tmp) / "calibration.npy", spec),
                             str(section.get("observer", "minmax")), backend="numpy", progress=False)
        ranges = {name: r.to_json() for name, r in table.tensors.items()}
        bits = {"weight_bits": int(section.get("weight_bits", 8)), "act_bits": int(section.get("act_bits", 8))}
        quantized = {pair: quantize_graph(cmodel, ranges, pair[0], weight_quan=pair[1], **bits)
                     for pair in strategies(ctx)}
        results = {f"{s}/{w}": {"final_distance": analyze(cmodel, q, ArrayInputs(Path(tmp) / "checked.npy", spec),
                                                          output, isolated=False, progress=False).final_distance}
                   for (s, w), q in quantized.items()}
        if data is not None:
            np.save(Path(tmp) / "evaluation.npy", data[0])
            accuracies = evaluate([Candidate("float", None, cmodel)] + [Candidate(s, w, q) for (s, w), q in
                                                                         quantized.items()],
                                  ArrayInputs(Path(tmp) / "evaluation.npy", spec), data[1], output, batch_size=100,
                                  progress=False)
            step.data["float_top1"] = accuracies[0].top1
            for accuracy in accuracies[1:]:
                results[f"{accuracy.strategy}/{accuracy.weight_quan}"] |= {"top1": accuracy.top1,
                                                                           "agreement": accuracy.agreement}
        with Outputs("checklist", force=True) as out:
            out.write(ctx.out / "quantization.json", json.dumps(results, indent=1, sort_keys=True) + "\n")
            for (strategy, weight_quan), q in quantized.items():
                save_quantized_pb(q, out.file(quantized_pb(ctx, strategy)))
                for path, blob in graph_files(q, ctx.out / quantized_ir(strategy, weight_quan)).items():
                    out.write(path, blob)
    for pair in quantized:
        ctx.cache.pop(quantized_ir(*pair), None)
    step.data |= {"strategies": results, "calibration": count if data is not None else len(checked),
                  "observer": str(section.get("observer", "minmax"))} | bits
