"""ONNX's node conformance suite (``onnx/backend/test/data/node`` in the onnx wheel) through the
ONNX frontend and the interpreter.

Each case is a one-op model with inputs and the outputs the ONNX reference computed. A case
*passes* when frontc converts it, runs it, and every output has the expected shape, dtype and
values (integers and bools exactly, floats within ``RTOL`` of the largest expected magnitude,
NaNs and infinities where expected). A few cases store their expected values rounded to a few
digits; those pass only within the suite's own tolerance (``SUITE_RTOL``, ``SUITE_ATOL``, as
``onnx.backend.test.runner`` compares) and are counted apart. When frontc needs an input constant
(axes, pads, shapes, k...) that the case feeds, the case is converted again with that input bound
to its test value (``constants=``, as a user binds it; for a tensor computed from inputs, the inputs
its value depends on, not those whose shape only it reads), and counted apart. A case is *refused* when frontc
raises one of its own errors (the reason is the message); anything else is *wrong*: a mismatch,
or an exception that is not a FrontcError.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

RTOL = 1e-5  # max|got - expected| <= RTOL * max(1, max|expected|)
SUITE_RTOL, SUITE_ATOL = 1e-3, 1e-7  # onnx.backend.test.runner's defaults


@dataclass
class Outcome:
    """The result of one conformance case."""

    case: str
    status: str  # "pass", "refused", "wrong"
    reason: str = ""  # for a pass: set when it passed within the suite's tolerance only
    ops: tuple[str, ...] = ()  # the op types of the model
    bound: tuple[str, ...] = ()  # the inputs bound as constants


def node_cases() -> list[Path]:
    """The case folders of the installed onnx wheel (empty when it ships none)."""
    import onnx

    root = Path(onnx.__file__).parent / "backend" / "test" / "data" / "node"
    return sorted(p for p in root.iterdir() if (p / "model.onnx").is_file()) if root.is_dir() else []


def _read_tensors(folder: Path, prefix: str) -> list[np.ndarray]:
    """The ``prefix_<i>.pb`` tensors of a data set, in order."""
    import onnx
    from onnx import numpy_helper

    files = sorted(folder.glob(f"{prefix}_*.pb"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))
    arrays = []
    for path in files:
        tensor = onnx.TensorProto()
        tensor.ParseFromString(path.read_bytes())
        arrays.append(numpy_helper.to_array(tensor))
    return arrays


def _compare(got: np.ndarray, expected: np.ndarray) -> str:
    """'' when ``got`` matches ``expected``, else what differs."""
    if got.shape != expected.shape:
        return f"shape {got.shape}, expected {expected.shape}"
    if got.dtype != expected.dtype:
        return f"dtype {got.dtype}, expected {expected.dtype}"
    if expected.dtype.kind not in "fc":
        return "" if np.array_equal(got, expected) else "values differ"
    nan = np.isnan(expected)
    if not np.array_equal(np.isnan(got), nan):
        return "NaNs differ"
    if not expected.size or nan.all():
        return ""
    ref, out = expected[~nan].astype(np.float64), got[~nan].astype(np.float64)
    inf = np.isinf(ref)
    if not np.array_equal(out[inf], ref[inf]):
        return "infinities differ"
    finite = ~inf
    if not finite.any():
        return ""
    error = float(np.max(np.abs(out[finite] - ref[finite])))
    bound = RTOL * max(1.0, float(np.max(np.abs(ref[finite]))))
    if error <= bound:
        return ""
    if np.allclose(out[finite], ref[finite], rtol=SUITE_RTOL, atol=SUITE_ATOL):
        return f"suite tolerance: max|diff| {error:.3g} > {bound:.3g}"
    return f"max|diff| {error:.3g} > {bound:.3g}"


def run_case(folder: Path) -> Outcome:
    """Convert and run one case; never raises."""
    import onnx

    from frontc.ir.errors import FrontcError

    name, ops, constants = folder.name, (), {}
    try:
        model = onnx.load(str(folder / "model.onnx"))
        ops = tuple(sorted({n.op_type for n in model.graph.node}))
        graph, got = _convert_and_run(model, folder / "test_data_set_0", constants)
        expected = _read_tensors(folder / "test_data_set_0", "output")
    except FrontcError as exc:
        return Outcome(name, "refused", exc.message, ops, tuple(constants))
    except Exception as exc:  # noqa: BLE001  (a crash is a frontc bug: reported as wrong)
        return Outcome(name, "wrong", f"{type(exc).__name__}: {exc}", ops, tuple(constants))
    bound = tuple(constants)
    if len(expected) != len(graph.outputs):
        return Outcome(name, "wrong", f"{len(graph.outputs)} outputs, expected {len(expected)}", ops, bound)
    loose = ""
    for out, ref in zip(graph.outputs, expected):
        problem = _compare(got[out], ref)
        if problem.startswith("suite tolerance"):
            loose = f"output '{out}' within the {problem}"
        elif problem:
            return Outcome(name, "wrong", f"output '{out}': {problem}", ops, bound)
    return Outcome(name, "pass", loose, ops, bound)


def _convert_and_run(model: Any, data: Path, constants: dict[str, np.ndarray]) -> tuple[Any, dict[str, np.ndarray]]:
    """Convert and run the case (its inputs are read once it converts); an input frontc needs
    constant is bound to its fed value (into ``constants``) and the conversion repeated."""
    import frontc
    from frontc.frontends.onnx.context import ConstantRequired

    weights = {t.name for t in model.graph.initializer}
    names = [v.name for v in model.graph.input if v.name not in weights]
    while True:
        try:
            graph = frontc.load(model, "onnx", constants=dict(constants))
        except ConstantRequired as exc:
            feeds = dict(zip(names, _read_tensors(data, "input")))
            needed = value_sources(model, exc.tensor) & set(feeds) - set(constants)
            if not needed:
                raise
            constants.update((k, feeds[k]) for k in sorted(needed))
            continue
        feeds = dict(zip(names, _read_tensors(data, "input")))
        return graph, frontc.run(graph, {k: v for k, v in feeds.items() if k not in constants})


SHAPE_ONLY = ("Shape", "Size")  # ops whose output depends on their input's shape, not its values


def value_sources(model: Any, tensor: str) -> set[str]:
    """The tensors whose values ``tensor`` depends on, through the model's nodes (not through the
    input of Shape or Size: only its shape counts); ``tensor`` itself included."""
    producer = {out: node for node in model.graph.node for out in node.output if out}
    seen, todo = set(), [tensor]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        node = producer.get(name)
        if node is not None and node.op_type not in SHAPE_ONLY:
            todo.extend(i for i in node.input if i)
    return seen


def reason_kind(reason: str) -> str:
    """A short category of a refusal reason (for the summary)."""
    match = re.search(r"unsupported op type\(s\) in the model \(.*?\): (\w[\w.]*)", reason)
    if match:
        return f"unsupported op {match.group(1)}"
    return re.sub(r"'[^']*'|\d+", "_", reason)[:90]


def summary(outcomes: list[Outcome]) -> str:
    """Counts by status and the most common refusal reasons, one per line."""
    counts = Counter(o.status for o in outcomes)
    loose = sum(1 for o in outcomes if o.status == "pass" and o.reason)
    bound = sum(1 for o in outcomes if o.status == "pass" and o.bound)
    lines = [f"{len(outcomes)} cases: {counts['pass']} pass ({loose} of them within the suite's tolerance "
             f"only, {bound} with inputs bound as constants), {counts['refused']} refused, {counts['wrong']} wrong"]
    kinds = Counter(reason_kind(o.reason) for o in outcomes if o.status == "refused")
    lines += [f"  refused x{n}: {kind}" for kind, n in kinds.most_common(25)]
    lines += [f"  WRONG {o.case}: {o.reason}" for o in outcomes if o.status == "wrong"]
    return "\n".join(lines)
