"""The C model against the numpy *_t path: every layer, every integer, several builds and strategies."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.cmodel import CModel, emit
from frontc.cmodel.plan import plan_arena
from frontc.cmodel.verify import mismatches
from frontc.interpreter import run
from frontc.ir.errors import IRFormatError, OptionError, UnsupportedOpError
from frontc.passes import run_pipeline
from frontc.testing.graphs import (
    cmodel_1d_net,
    cmodel_3d_net,
    cmodel_ops_net,
    cmodel_transpose_net,
    const_ops_net,
    tiny_resnet,
)
from tests.cmodel.helpers import built, quantized
from tests.quant.helpers import random_inputs


@pytest.fixture(scope="module")
def ops_net():
    graph = cmodel_ops_net()
    inputs = random_inputs(graph, 7)
    return graph, inputs[:4], inputs[4:]


def _check_every_layer(graph, model: CModel, inputs) -> int:
    layers = 0
    for x in inputs:
        expected = run(graph, x, trace=True)
        assert not mismatches(expected, model.trace(x)), [str(m) for m in mismatches(expected, model.trace(x))]
        layers = len(expected) - len(graph.inputs)
    stacked = model.predict(np.concatenate(inputs))
    for name in graph.outputs:
        want = np.concatenate([run(graph, x)[name] for x in inputs])
        np.testing.assert_array_equal(stacked[name], want)
        assert stacked[name].dtype == want.dtype
    return layers


@pytest.mark.parametrize("strategy,weight_quan,opt,extra", [
    ("symmetry_max_t", "perchannel", "O0", None),
    ("symmetry_max_t", "perchannel", "native", None),
    ("symmetry_max_t", "perlayer", "O3", ["-ffast-math"]),
    ("scale_shift_t", "perchannel", "O3", None),
])
def test_every_layer_every_integer_equals_the_numpy_integer_path(tmp_path, ops_net, strategy, weight_quan, opt,
                                                                 extra) -> None:
    graph, calib, checks = ops_net
    q = quantized(graph, calib, strategy, weight_quan)
    layers = _check_every_layer(q, built(q, tmp_path, opt=opt, extra=extra), checks)
    assert layers == len(graph.nodes) == 27


FLIPPED = {"cmodel_transpose_net": ("ct2", "se", "add_scalar", "dw", "ct4"), "cmodel_1d_net": ("dw2", "ct"),
           "const_ops_net": ("center", "normalize", "scale", "shift", "diff", "flip", "fc_scale"),
           "cmodel_3d_net": ("c1", "grouped", "dw", "mp", "ap", "dilated", "ceil", "ct")}


@pytest.mark.parametrize("net", [cmodel_transpose_net, cmodel_1d_net, const_ops_net, cmodel_3d_net])
@pytest.mark.parametrize("strategy,weight_quan,opt", [("symmetry_max_t", "perchannel", "O0"),
                                                      ("scale_shift_t", "perlayer", "O3")])
def test_transposed_one_d_broadcasting_and_constant_layers_equal_the_numpy_integer_path(
        tmp_path, net, strategy, weight_quan, opt) -> None:
    graph = net()
    inputs = random_inputs(graph, 6)
    q = quantized(graph, inputs[:4], strategy, weight_quan)
    model = built(q, tmp_path, opt=opt)
    assert _check_every_layer(q, model, inputs[4:]) == len(graph.nodes)
    expected = run(q, inputs[4], trace=True)
    for name in FLIPPED[graph.name]:
        wrong = {k: v.copy() for k, v in expected.items()}
        wrong[name].flat[-1] ^= 1
        assert [(m.tensor, m.count) for m in mismatches(wrong, model.trace(inputs[4]))] == [(name, 1)]


def test_fused_resnet_and_sixteen_bit_activations(tmp_path) -> None:
    fused = run_pipeline(tiny_resnet(), "cmodel")[0]
    inputs = random_inputs(fused, 6)
    for bits in (8, 16):
        q = quantized(fused, inputs[:4], act_bits=bits)
        model = built(q, tmp_path / str(bits), opt="O3")
        assert _check_every_layer(q, model, inputs[4:]) == len(fused.nodes)
        assert model.tensors[-1]["dtype"] == f"int{bits}"


def test_const_weights_build_the_same_model(tmp_path, ops_net) -> None:
    graph, calib, checks = ops_net
    q = quantized(graph, calib)
    model = built(q, tmp_path, weights="const", opt="O0")
    assert "weights.bin" not in emit(q, weights="const").files
    _check_every_layer(q, model, checks[:1])


def test_the_harness_fails_on_one_flipped_integer(tmp_path, ops_net) -> None:
    graph, calib, checks = ops_net
    q = quantized(graph, calib)
    model = built(q, tmp_path, opt="O0")
    expected = run(q, checks[0], trace=True)
    got = model.trace(checks[0])
    assert not mismatches(expected, got)
    for name in ("c2", "prob"):
        wrong = {k: v.copy() for k, v in expected.items()}
        wrong[name].flat[3] += 1
        found = mismatches(wrong, got)
        assert [(m.tensor, m.count, m.max_diff) for m in found] == [(name, 1, 1)]
    del got["gap"]
    assert [m.tensor.split(" ")[0] for m in mismatches(expected, got)] == ["gap"]


def test_the_arena_reuses_memory_and_never_overlaps_live_tensors() -> None:
    rng = np.random.default_rng(0)
    sizes = {f"t{i}": int(rng.integers(1, 5000)) for i in range(60)}
    lifetimes = {}
    for i, name in enumerate(sizes):
        lifetimes[name] = (i, i + int(rng.integers(0, 6)))
    plan = plan_arena(sizes, lifetimes)
    assert plan.peak < plan.naive
    names = list(sizes)
    for a in names:
        for b in names:
            if a < b and lifetimes[a][0] <= lifetimes[b][1] and lifetimes[b][0] <= lifetimes[a][1]:
                oa, ob = plan.offsets[a], plan.offsets[b]
                assert oa + sizes[a] <= ob or ob + sizes[b] <= oa, (a, b)
    live = max(sum(sizes[t] for t in names if lifetimes[t][0] <= s <= lifetimes[t][1]) for s in range(70))
    assert live <= plan.peak


def _unsupported_net():
    from frontc.frontends.builder import GraphBuilder
    rng = np.random.default_rng(4)
    b = GraphBuilder("unsupported", "frontc")
    y = b.input("data", (1, 2, 3, 3, 3, 3))
    w = b.param("up.weight", rng.standard_normal((2, 2, 2, 2, 2, 2)).astype(np.float32) / 4)
    y = b.add1("ConvTranspose", [y, w], {}, name="up")
    y = b.add1("Reshape", [y], {"shape": [1, 2, 16, 16]}, name="flat")
    for name in ("cubic1", "cubic2"):
        y = b.add1("Resize", [y], {"mode": "cubic", "scales": [1, 1, 2, 2]}, name=name)
    return b.finish([y])


def test_errors_name_the_problem(tmp_path, ops_net, monkeypatch) -> None:
    graph, calib, _ = ops_net
    with pytest.raises(OptionError, match="float IR"):
        emit(graph)
    with pytest.raises(OptionError, match="fake quantization"):
        emit(quantized(graph, calib, "symmetry_max"))
    other = _unsupported_net()
    listed = r"no integer C kernel for 4-d ConvTranspose \(1: up\); Resize mode 'cubic' \(2: cubic1, cubic2\) \("
    with pytest.raises(UnsupportedOpError, match=listed):
        emit(quantized(other, random_inputs(other, 2)))
    q = quantized(graph, calib)
    model = built(q, tmp_path / "ok", opt="O0")
    monkeypatch.setenv("CC", "no-such-compiler-frontc")
    with pytest.raises(OptionError, match="no C compiler found"):
        built(q, tmp_path / "nocc")
    monkeypatch.delenv("CC")
    blob = tmp_path / "ok" / "weights.bin"
    data = bytearray(blob.read_bytes())
    data[-1] ^= 1
    blob.write_bytes(bytes(data))
    with pytest.raises(IRFormatError, match="corrupted"):
        CModel(tmp_path / "ok")
    assert model is not None


def _linear_resize_net():
    from frontc.frontends.builder import GraphBuilder
    rng = np.random.default_rng(3)
    b = GraphBuilder("linear_resize", "frontc")
    x = b.input("data", (1, 3, 7, 5), layout="NCHW")
    w = b.param("c.weight", rng.standard_normal((4, 3, 3, 3)).astype(np.float32) / 5)
    c = b.add1("Conv", [x, w], {"pads": [1, 1, 1, 1]}, name="c")
    up = b.add1("Resize", [c], {"mode": "linear", "scales": [1, 1, 2, 3]}, name="up")
    odd = b.add1("Resize", [up], {"mode": "linear", "sizes": [1, 4, 9, 11],
                                  "coordinate_transformation_mode": "align_corners"}, name="odd")
    return b.finish([odd])


def test_linear_resize_is_exact_and_refuses_fast_math(tmp_path) -> None:
    graph = _linear_resize_net()
    inputs = random_inputs(graph, 6)
    q = quantized(graph, inputs[:4])
    assert _check_every_layer(q, built(q, tmp_path / "ok", opt="O3"), inputs[4:]) == 3
    with pytest.raises(OptionError, match="-ffast-math would change this model's results"):
        built(q, tmp_path / "fast", extra=["-ffast-math"])
