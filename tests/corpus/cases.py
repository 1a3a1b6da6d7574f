"""The bad-input corpus: command lines over every verb, and what each run must (never) do.

Each case is ``(expect, command line)`` with placeholders filled from fixtures.make_inputs (``{g}``,
``{x}``, ``{F}`` the folder of bad files...) and ``{o}``, the case's own output folder, which already
holds the files of fixtures.TAKEN. ``expect`` is "bad" (a bad input: exit 2), "ok" (exit 0) or "any"
(0, 1 or 2). Every case, whatever it expects: no traceback, exit status 0/1/2, an exit-2 error on
exactly one line, no file of TAKEN changed without --force, no temporary left, nothing new written
when it exits with 2.
"""
from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from tests.corpus.fixtures import TAKEN, make_taken

BAD_GRAPHS = [f"{{F}}/{name}" for name in (
    "empty.json", "garbage.json", "notir.json", "list.json", "deep.json", "truncated_graph.json", "version_graph.json",
    "nodes_str_graph.json", "no_inputs_graph.json", "bad_dim_graph.json", "neg_dim_graph.json", "str_dim_graph.json",
    "bad_op_graph.json", "bad_attr_graph.json", "dangling_graph.json", "dup_node_graph.json",
    "nan_graph.json", "inf_graph.json", "adir", "missing_graph.json")] + [
    "{onnx}", "{g} --params {F}/random.npz", "{g} --params {F}/x.npy", "{g} --params {F}/pickled.npz",
    "{g} --params {F}/truncated.npz", "{g} --params {F}/empty.npz", "{g} --params {F}/other_params.npz",
    "{g} --params {F}/adir"]

GRAPH_VERBS = {  # how each verb takes a graph: {G} is the graph (and --params) under test
    "info": "info {G}",
    "viz": "viz {G} -o {o}/new.svg",
    "run": "run --graph {G} --input_npy {x} --output_npy {o}/new.npy",
    "complexity": "complexity --graph-json {G}",
    "reconstruct": "reconstruct torch --graph {G} --input_npy {x} --result_npy {y}",
    "diff": "diff --graph {G} --input_npy {x} --b ir",
}

BAD_ARRAYS = [f"{{F}}/{name}" for name in (
    "random.npy", "empty.npy", "text.npy", "pickled.npy", "wrong_shape.npy", "complex.npy", "strings.npy",
    "scalar.npy", "batch2.npy", "x.npz", "adir", "missing.npy", "x_nhwc_wrong.npy")]
CONVERTIBLE = [f"{{F}}/{name}.npy" for name in ("f64", "f16", "int32", "uint8", "bool")]

RUN = "run --graph {g} --input_npy {x}"
CASES: list[tuple[str, str]] = [
    *[("bad", cmd.replace("{G}", graph)) for cmd in GRAPH_VERBS.values() for graph in BAD_GRAPHS],
    *[("bad", f"run --graph {{g}} --input_npy {a}") for a in BAD_ARRAYS],
    *[("bad", f"reconstruct torch --graph {{g}} --input_npy {a} --result_npy {{y}}") for a in BAD_ARRAYS[:6]],
    *[("bad", f"diff --graph {{g}} --b ir --input_npy {a}") for a in BAD_ARRAYS[:6]],
    *[("ok", f"run --graph {{g}} --input_npy {a}") for a in CONVERTIBLE],
    ("any", "run --graph {g} --input_npy {F}/nan_x.npy"),
    ("any", "info {F}/deep_meta_graph.json"),
    ("any", "run --graph {g} --input_npy {F}/int64big.npy"),
    # run: outputs
    ("bad", RUN + " --output_npy {o}/taken.npy"),
    ("ok", RUN + " --output_npy {o}/taken.npy --force"),
    ("bad", RUN + " --output_npy /proc/frontc/y.npy"),
    ("bad", RUN + " --output_npy /sys/frontc.npy"),
    ("bad", RUN + " --output_npy {o}/adir"),
    ("bad", RUN + " --output_npy {o}/afile/y.npy"),
    ("bad", RUN + " --output_npy {o}/new.npy --trace /proc/frontc/t.npz"),
    ("bad", RUN + " --output_npy {o}/new.npy --trace {o}/taken.npz"),
    ("bad", RUN + " --output_npy {o}/new.npy --trace {o}/afile/t.npz"),
    ("bad", RUN + " --output_npy {o}/same.npy --trace {o}/same.npy"),
    ("bad", RUN + " --output_npy nothere={o}/y.npy"),
    ("bad", RUN + " --output_npy {o}/a.npy --output_npy {o}/b.npy"),
    ("ok", RUN + " --trace {o}/sub/new/t.npz"),
    ("bad", "run --graph {g} --input_npy data={x} --input_npy data={x}"),
    ("bad", "run --graph {g}"),
    ("bad", RUN + " --bogus"),
    ("bad", "run --graph {g} --input_npy {x} --input_npy {x}"),
    # viz
    ("bad", "viz {g} -o {o}/taken.png"),
    ("ok", "viz {g} -o {o}/taken.png --force"),
    ("bad", "viz {g} -o {o}/g.bmp"),
    ("bad", "viz {g} -o /proc/frontc/g.png"),
    ("bad", "viz {g} -o {o}/adir"),
    ("bad", "viz {g} -o {o}/afile/g.png"),
    ("bad", "viz {g} -o {o}/g"),
    ("ok", "viz {g} -o {o}/new/g.dot"),
    ("bad", "viz {g}"),
    # info, ops
    ("ok", "info {g} --json"),
    ("bad", "info {g} --params {x}"),
    ("bad", "ops Conv2"),
    ("ok", "ops Conv"),
    ("bad", "ops conv"),
    # complexity
    ("bad", "complexity --graph-json {g} --top -1"),
    ("bad", "complexity --graph-json {g} --top abc"),
    ("bad", "complexity --graph-json {g} --flops-per-mac 3"),
    ("bad", "complexity --graph-json {g} --json {o}/taken.json"),
    ("ok", "complexity --graph-json {g} --json {o}/taken.json --force"),
    ("bad", "complexity --graph-json {g} --json /proc/frontc/c.json"),
    ("bad", "complexity --graph-json {g} --json {o}/adir"),
    ("ok", "complexity --graph-json {g} --json"),
    # compile
    ("bad", "compile onnx {onnx} -o {o}/ir"),
    ("ok", "compile onnx {onnx} -o {o}/ir --force"),
    ("bad", "compile onnx {onnx} -o {o}/afile"),
    ("bad", "compile onnx {onnx} -o /proc/frontc"),
    ("bad", "compile onnx {onnx} -o {o}/afile/sub"),
    ("ok", "compile onnx {onnx} -o {o}/new --no-png"),
    ("ok", "compile onnx {onnx} -o {o}/new2 --input-shape 1,3,32,32 --no-png"),
    ("bad", "compile onnx {F}/random.onnx -o {o}/new"),
    ("bad", "compile onnx {F}/empty.onnx -o {o}/new"),
    ("bad", "compile onnx {F}/missing.onnx -o {o}/new"),
    ("bad", "compile onnx {F}/adir -o {o}/new"),
    ("bad", "compile onnx {g} -o {o}/new"),
    ("bad", "compile torch {F}/text.pt -o {o}/new"),
    ("bad", "compile pytorch {F}/text.pt -o {o}/new"),
    ("bad", "compile torch {onnx} -o {o}/new"),
    ("bad", "compile mxnet {F}/random-symbol.json -o {o}/new"),
    ("bad", "compile mxnet nosuchnet -o {o}/new"),
    ("bad", "compile mxnet {F}/random-symbol.json abc -o {o}/new"),
    ("bad", "compile mxnet {F}/random-symbol.json -1 -o {o}/new"),
    ("bad", "compile caffe {onnx} -o {o}/new"),
    ("bad", "compile onnx {onnx} -o {o}/new --input-shape 1,3.5,32,32"),
    ("bad", "compile onnx {onnx} -o {o}/new --input-shape 1,-3,32,32"),
    ("bad", "compile onnx {onnx} -o {o}/new --input-shape x="),
    ("bad", "compile onnx {onnx} -o {o}/new --input-shape =1,3,32,32"),
    ("bad", "compile onnx {onnx} -o {o}/new --input-shape nothere=1,3,32,32"),
    ("bad", "compile onnx {onnx} -o {o}/new --input-shape x=1,3,32,32 --input-shape x=1,3,32,32"),
    ("bad", "compile onnx {onnx} -o {o}/new --input-shape abc"),
    ("bad", "compile onnx {onnx} -o {o}/new --input-shape 1,3,32"),
    ("bad", "compile onnx {onnx} -o {o}/new --input-shape 1,3,32,32,1"),
    ("bad", "compile onnx"),
    ("bad", "compile onnx {onnx} -o {o}/new --bogus"),
    # reconstruct
    ("ok", "reconstruct torch --graph {g} --input_npy {x} --result_npy {y}"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x} --result_npy {y} --threshold -1"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x} --result_npy {y} --threshold nan"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x} --result_npy {y} --threshold abc"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x} --result_npy {F}/y_wrong.npy"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x} --result_npy {F}/random.npy"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x} --result_npy {F}/strings.npy"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x} --result_npy {y} --save_path {o}/taken.pt"),
    ("ok", "reconstruct torch --graph {g} --input_npy {x} --result_npy {y} --save_path {o}/taken.pt --force"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x} --result_npy {y} --save_path /proc/frontc/m.pt"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x} --result_npy {y} --save_path {o}/adir"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x} --result_npy {y} --save_path {o}/afile/m.pt"),
    ("bad", "reconstruct tf --graph {g} --input_npy {x} --result_npy {y} --save_path {o}/saved"),
    ("bad", "reconstruct tf --graph {g} --input_npy {x} --result_npy {y} --save_path {o}/taken.pb"),
    ("bad", "reconstruct caffe --graph {g} --input_npy {x} --result_npy {y}"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x}"),
    ("bad", "reconstruct torch --graph {g} --input_npy {x} --result_npy {y} --input-layout NHCW"),
    # diff
    ("ok", "diff --graph {g} --input_npy {x} --b ir"),
    ("bad", "diff --graph {g} --input_npy {x} --b ir --threshold -1"),
    ("bad", "diff --graph {g} --input_npy {x} --b ir --plot {o}/taken.png"),
    ("ok", "diff --graph {g} --input_npy {x} --b ir --plot {o}/taken.png --force"),
    ("bad", "diff --graph {g} --input_npy {x} --b ir --plot /proc/frontc/p.png"),
    ("bad", "diff --graph {g} --input_npy {x} --b ir --plot {o}/adir"),
    ("bad", "diff --source {onnx} --input_npy {x} --b ir"),
    ("bad", "diff --input_npy {x} --b ir"),
    ("bad", "diff --graph {g} --input_npy {x} --a caffe"),
    ("bad", "diff --graph {g} --graph-b {F}/other_graph.json --input_npy {x} --b ir"),
    ("bad", "diff --source {F}/random.onnx --framework onnx --input_npy {x} --a source --b ir"),
    ("bad", "diff --source {onnx} --framework onnx --input_npy {x} --input-shape 1,3.5,32,32"),
    # checklist
    *[("bad", f"checklist {{F}}/{name} -o {{o}}/new") for name in (
        "typo_key.yml", "typo_section.yml", "typo_model_key.yml", "half_pair.yml", "bad_fw.yml", "missing_path.yml",
        "bad_shape.yml", "str_shape.yml", "neg_epoch.yml", "model_list.yml", "unknown_name.yml", "missing_npy.yml",
        "bad_eval.yml", "path_dir.yml", "threshold_key.yml", "bad.yml", "list.yml", "empty.yml", "nomodel.yml",
        "random.yml", "missing.yml", "random.onnx", "random.keras", "text.pt")],
    ("bad", "checklist nosuchmodel -o {o}/new"),
    ("bad", "checklist {onnx} -o {o}/new --threshold -1"),
    ("bad", "checklist {onnx} -o {o}/afile"),
    ("bad", "checklist {onnx} -o /proc/frontc"),
    ("bad", "checklist {onnx} -o {o}/ck"),
    # calibrate
    *[("bad", f"calibrate --graph {{g}} --images {{x}} -o {{o}}/new.json {opt}") for opt in (
        "--percentile 200", "--percentile -1", "--bits -1", "--bits 0", "--batch-size 0", "--batch-size -2",
        "--chunk 0", "--observer caffe", "--backend caffe")],
    ("bad", "calibrate --graph {g} --images {x} -o {o}/taken.json"),
    ("bad", "calibrate --graph {g} --images {x} -o /proc/frontc/t.json"),
    ("bad", "calibrate --graph {g} --images {x} -o {o}/adir"),
    ("bad", "calibrate --graph {g} --images {F}/random.npy -o {o}/new.json"),
    ("bad", "calibrate --graph {g} --images {F}/missing -o {o}/new.json"),
    ("bad", "calibrate --graph {F}/garbage.json --images {x} -o {o}/new.json"),
    ("bad", "calibrate --graph {g} -o {o}/new.json"),
    ("bad", "calibrate --config-file {F}/bad.yml"),
    ("bad", "calibrate --config-file {F}/typo_section.yml"),
    # prune
    *[("bad", f"prune --graph {{g}} -o {{o}}/new {opt}") for opt in (
        "--ratio 1.5", "--ratio -0.1", "--ratio nan", "--ratio x", "", "--ratio 0.5 --zero-channels")],
    ("bad", "prune --graph {F}/garbage.json --ratio 0.5 -o {o}/new"),
    ("bad", "prune --graph {F}/truncated_graph.json --ratio 0.5 -o {o}/new"),
    ("bad", "prune --graph {g} --ratio 0.5 -o /proc/frontc/p"),
    # perf
    ("ok", "perf --graph {g} --hardware {F}/hw.yaml --plot {o}/new.png --json {o}/new.json"),
    ("bad", "perf --graph {g} --hardware {F}/hw_negative.yaml --plot {o}/new.png"),
    ("bad", "perf --graph {g} --hardware {F}/hw_missing.yaml --json {o}/new.json"),
    ("bad", "perf --graph {g} --hardware {F}/random.yml"),
    ("bad", "perf --graph {g} --hardware {F}/nothere.yaml"),
    ("bad", "perf --graph {g} --hardware {F}/hw.yaml --plot {o}/taken.png"),
    ("bad", "perf --graph {F}/garbage.json --hardware {F}/hw.yaml"),
    ("bad", "checklist {F}/sparse_key.yml -o {o}/new"),
    ("bad", "checklist {onnx} -o {o}/new --steps 3,x"),
    ("bad", "checklist {onnx} -o {o}/adir"),
    # matrix, bench
    ("bad", "matrix nosuchmodel --images {F}/adir -o {o}/new"),
    ("bad", "matrix {onnx} --images {F}/missing -o {o}/new"),
    ("bad", "matrix {onnx} --images {F}/adir -o {o}/afile"),
    ("bad", "matrix {onnx} --images {F}/adir -o {o}/new --threads 0"),
    ("bad", "matrix {onnx} --images {F}/adir -o {o}/new --targets caffe"),
    ("bad", "bench --suite {F}/missing.yml -o {o}/new"),
    ("bad", "bench --suite {F}/bad.yml -o {o}/new"),
    ("bad", "bench --threads -1 -o {o}/new"),
    ("bad", "bench --models nosuch -o {o}/new"),
    # zoo
    ("bad", "zoo show nosuch/model --zoo {o}/zoo"),
    ("bad", "zoo export nosuch/1 -o {o}/taken.pb --zoo {o}/zoo"),
    ("bad", "zoo submit {F}/adir --zoo {o}/afile"),
    ("bad", "zoo list --min-sparsity -1 --zoo {o}/zoo"),
    # quantize and accuracy (step-6 configs, h10b)
    *[("bad", f"{verb} --config-file {{F}}/{name}") for verb in ("quantize", "accuracy")
      for name in ("bad.yml", "typo_section.yml", "list.yml", "missing.yml", "adir")],
    ("bad", "quantize --config-file {F}/bad.yml --strategy caffe"),
    ("bad", "accuracy --config-file {F}/bad.yml --strategies caffe"),
    # qimport (h15a): float and broken model files, folders, a missing argument
    *[("bad", f"qimport {m} -o {{o}}/q") for m in ("{onnx}", "{F}/random.onnx", "{F}/empty.onnx",
                                                   "{F}/missing.onnx", "{F}/adir", "{F}/random.pb",
                                                   "{F}/random.tflite", "{F}/empty.tflite", "{F}/missing.tflite")],
    ("bad", "qimport -o {o}/q"),
    # cmodel (h15): a float IR, bad graphs, folders that hold no C model, taken outputs
    ("bad", "cmodel emit --graph {g} -o {o}/cm"),
    *[("bad", f"cmodel emit --graph {graph} -o {{o}}/cm") for graph in BAD_GRAPHS[:6]],
    ("bad", "cmodel emit --graph {g} -o {o}/afile"),
    ("bad", "cmodel emit --graph {g} -o {o}/cm --weights text"),
    ("bad", "cmodel emit -o {o}/cm"),
    ("bad", "cmodel build {o}/adir"),
    ("bad", "cmodel build {F}/missing"),
    ("bad", "cmodel build {o}/adir --opt O9"),
    ("bad", "cmodel run {o}/adir --input_npy {x}"),
    ("bad", "cmodel run {F}/missing --input_npy {x} --output_npy {o}/taken.npy"),
    ("bad", "cmodel"),
    # the command line itself
    ("bad", "nosuchverb"),
    ("bad", ""),
    ("bad", "--bogus"),
]


@dataclass
class Outcome:
    """What one case did."""

    status: int | None
    err: str
    traceback: bool = False
    replaced: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    temporaries: list[str] = field(default_factory=list)


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): (p.read_bytes() if p.is_file() else b"<dir>") for p in out.rglob("*")}


def run_case(command: str, places: dict[str, str], out: Path) -> Outcome:
    """Run ``frontc COMMAND`` in this process in a fresh output folder holding the TAKEN files."""
    from frontc.cli import main
    out.mkdir(parents=True, exist_ok=True)
    make_taken(out)
    before = _snapshot(out)
    argv = command.format(o=out, **places).split()
    err, stdout = io.StringIO(), io.StringIO()
    traceback = False
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(stdout):
        try:
            status = main(argv)
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # noqa: BLE001  a traceback is what the corpus counts
            status, traceback = None, True
            print(f"Traceback: {type(exc).__name__}: {exc}", file=err)
    after = _snapshot(out)
    replaced = [] if "--force" in argv else [n for n in before if n in TAKEN and after.get(n) != before[n]]
    created = sorted(set(after) - set(before))
    temporaries = [n for n in created if any(part.startswith((".frontc-", ".compile-")) or part.endswith(".tmp")
                                              for part in Path(n).parts)]
    return Outcome(status, err.getvalue(), traceback or "Traceback" in err.getvalue(), replaced, created,
                   temporaries)


def problems(expect: str, outcome: Outcome) -> dict[str, bool]:
    """The corpus's counters for one outcome (True: this case has that problem)."""
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    return {
        "traceback": outcome.traceback,
        "wrong status": outcome.status not in (0, 1, 2),
        "multi-line error": outcome.status == 2 and len(lines) != 1,
        "bad input not refused (exit 0 or 1)": expect == "bad" and outcome.status in (0, 1),
        "expected success failed": expect == "ok" and outcome.status != 0,
        "file replaced": bool(outcome.replaced),
        "written on error": outcome.status not in (0, 1) and bool(outcome.created),
        "temporary left": bool(outcome.temporaries),
    }


def tally(root: Path) -> dict[str, int]:
    """Run the whole corpus under ``root``; the number of cases with each problem."""
    from tests.corpus.fixtures import make_inputs
    inputs = root / "inputs"
    inputs.mkdir(parents=True)
    places = make_inputs(inputs)
    counts = {"cases": len(CASES)}
    for i, (expect, command) in enumerate(CASES):
        outcome = run_case(command, places, root / f"case{i}")
        found = [k for k, v in problems(expect, outcome).items() if v]
        for key in found:
            counts[key] = counts.get(key, 0) + 1
        if found and os.environ.get("CORPUS_VERBOSE"):
            print(f"{found} {command}: {outcome.status} {outcome.err.strip()[:300]!r}")
    return counts


if __name__ == "__main__":
    import sys
    import tempfile
    print(tally(Path(tempfile.mkdtemp(prefix="corpus-", dir=sys.argv[1] if len(sys.argv) > 1 else None))))
