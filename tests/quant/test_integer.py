"""True integer execution (*_t): exact accumulators, and agreement with fake quantization in LSB."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.interpreter import run
from frontc.ir import infer_shapes, load_graph, save_graph
from frontc.ir.errors import OptionError
from frontc.passes import run_pipeline
from frontc.quant import quantize_graph
from frontc.quant.agreement import lsb_agreement, summary
from frontc.quant.annotations import node_quant
from frontc.quant.integer import accumulate
from frontc.testing.graphs import const_ops_net, quant_ops_net, tiny_resnet
from tests.quant.helpers import minmax_table, random_inputs


def _conv_int64(x: np.ndarray, w: np.ndarray, stride: int, pad: int, dilation: int, group: int) -> np.ndarray:
    """A direct int64 convolution: the reference of the float64-BLAS accumulation."""
    n, c, h, wd = x.shape
    m, cg, k, _ = w.shape
    xp = np.pad(x.astype(np.int64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - dilation * (k - 1) - 1) // stride + 1
    ow = (wd + 2 * pad - dilation * (k - 1) - 1) // stride + 1
    out = np.zeros((n, m, oh, ow), np.int64)
    per = m // group
    for f in range(m):
        g = f // per
        for i in range(k):
            for j in range(k):
                patch = xp[:, g * cg:(g + 1) * cg, i * dilation:i * dilation + stride * oh:stride,
                           j * dilation:j * dilation + stride * ow:stride]
                out[:, f] += np.einsum("nchw,c->nhw", patch, w[f, :, i, j].astype(np.int64))
    return out


@pytest.mark.parametrize("stride,pad,dilation,group,bits", [(1, 1, 1, 1, 8), (2, 0, 1, 1, 8), (1, 2, 2, 1, 8),
                                                           (1, 1, 1, 8, 8), (1, 1, 1, 1, 16)])
def test_float64_accumulation_is_exact(stride: int, pad: int, dilation: int, group: int, bits: int) -> None:
    rng = np.random.default_rng(stride + pad + group + bits)
    hi = (1 << (bits - 1)) - 1
    dtype = np.int8 if bits == 8 else np.int16
    x = rng.integers(-hi, hi + 1, (2, 8, 9, 9)).astype(dtype)
    w = rng.integers(-hi, hi + 1, (8, 8 // group, 3, 3)).astype(dtype)
    x[0, :, :3, :3], w[0] = hi, hi  # extreme products
    attrs = {"strides": [stride] * 2, "pads": [pad] * 4, "dilations": [dilation] * 2, "group": group,
             "kernel_shape": [3, 3]}
    got = accumulate("Conv", [x, w], attrs)
    np.testing.assert_array_equal(got, _conv_int64(x, w, stride, pad, dilation, group))
    xd = rng.integers(-hi, hi + 1, (3, 4096)).astype(dtype)
    wd = rng.integers(-hi, hi + 1, (5, 4096)).astype(dtype)
    xd[0], wd[0] = hi, -hi
    np.testing.assert_array_equal(accumulate("Dense", [xd, wd], {}), xd.astype(np.int64) @ wd.astype(np.int64).T)


def _agreement(graph, strategy: str, weight_quan: str, act_bits: int = 8):
    inputs = random_inputs(graph, 5)
    table = minmax_table(graph, inputs[:4])
    base = strategy[:-2]
    fake = quantize_graph(graph, table, base, weight_quan=weight_quan, act_bits=act_bits)
    integer = quantize_graph(graph, table, strategy, weight_quan=weight_quan, act_bits=act_bits)
    return lsb_agreement(fake, integer, inputs[4])


@pytest.mark.parametrize("strategy", ["symmetry_max_t", "scale_shift_t"])
@pytest.mark.parametrize("weight_quan", ["perlayer", "perchannel"])
def test_every_integer_layer_is_within_one_lsb_of_fake_quant(strategy: str, weight_quan: str) -> None:
    rows = _agreement(quant_ops_net(), strategy, weight_quan)
    stats = summary(rows)
    assert stats["layers"] == 22 and stats["isolated_max_lsb"] <= 1, [r for r in rows if r.isolated_max > 1]
    # every layer's own arithmetic is exact but for the int16 pre-activation of the fused table (c1) and,
    # with scales that are not powers of two, exact .5 ties of averages, which float32 rounds either way
    inexact = {"c1"} if strategy == "scale_shift_t" else {"c1", "avg", "up"}
    assert {r.tensor for r in rows if r.isolated_exact < 1.0} <= inexact
    assert stats["isolated_exact"] > 0.99
    fused = run_pipeline(tiny_resnet(), "cmodel")[0]
    stats = summary(_agreement(fused, strategy, weight_quan))
    assert stats["isolated_max_lsb"] == 0 and stats["cumulative_max_lsb"] <= 1


def test_sixteen_bit_activations_agree_within_one_lsb() -> None:
    fused = run_pipeline(tiny_resnet(), "cmodel")[0]
    stats = summary(_agreement(fused, "symmetry_max_t", "perchannel", act_bits=16))
    assert stats["isolated_max_lsb"] <= 1


def test_tables_have_their_documented_sizes() -> None:
    graph = quant_ops_net()
    inputs = random_inputs(graph, 2)
    q = quantize_graph(graph, minmax_table(graph, inputs), "symmetry_max_t")
    sizes = {n.name: len(node_quant(n)["lut"]["table"]) for n in q.nodes if "lut" in node_quant(n)}
    assert sizes == {"c1": 65535, "sig": 255, "hswish": 255, "tanh": 255, "hsig": 255, "elu": 255, "prob": 255}
    out = run(q, inputs[0])["prob"]
    assert out.dtype == np.int8 and out.min() >= 0


@pytest.mark.parametrize("strategy", ["symmetry_max_t", "scale_shift_t"])
@pytest.mark.parametrize("weight_quan", ["perlayer", "perchannel"])
def test_constant_operands_execute_in_integers_like_fake_quant(tmp_path, strategy: str, weight_quan: str) -> None:
    graph = const_ops_net(size=16)
    inputs = random_inputs(graph, 7)
    table = minmax_table(graph, inputs[:4])
    fake = quantize_graph(graph, table, strategy[:-2], weight_quan=weight_quan)
    integer = quantize_graph(graph, table, strategy, weight_quan=weight_quan)
    constant = {n.name for n in integer.nodes if "constant" in node_quant(n)}
    assert constant == {"center", "normalize", "scale", "shift", "halve", "flip", "third", "offset",
                        "fc_scale", "fc_shift"}
    for x in inputs[4:]:  # offsets and signed multipliers are exact to 2**-31: every code equals fake-quant's
        stats = summary(lsb_agreement(fake, integer, x))
        assert stats["layers"] == 18 and stats["cumulative_max_lsb"] == 0 and stats["cumulative_exact"] == 1.0
    save_graph(integer, tmp_path / "q")  # the per-channel offsets and multipliers survive the NPZ
    again = load_graph(tmp_path / "q")
    np.testing.assert_array_equal(run(again, inputs[4])["fc_shift"], run(integer, inputs[4])["fc_shift"])


def test_constant_offset_or_multiplier_off_by_a_little_is_caught() -> None:
    """The agreement above is not vacuous: half an LSB on one offset, 1 % on one multiplier show up."""
    graph = const_ops_net(size=16)
    inputs = random_inputs(graph, 5)
    table = minmax_table(graph, inputs[:4])
    fake = quantize_graph(graph, table, "symmetry_max")
    for name, key in (("offset", "offset"), ("scale", "requant")):
        integer = quantize_graph(graph, table, "symmetry_max_t")
        nq = node_quant(integer.node(name))
        if key == "offset":
            nq["offset"] += 1 << (nq["rescale"][integer.node(name).inputs[0]]["shift"] - 1)
        else:
            nq["requant"]["multiplier"] = nq["requant"]["multiplier"] * 101 // 100
        assert summary(lsb_agreement(fake, integer, inputs[4]))["isolated_exact"] < 0.99


@pytest.mark.parametrize("edit,message", [
    (lambda g: setattr(g.node("third"), "inputs", [g.node("third").inputs[0], g.node("product").inputs[1]]),
     "Div by a computed tensor: node 'third'"),
    (lambda g: setattr(g.node("offset"), "inputs", ["bias2", "bias2"]), "Add of two constants: node 'offset'"),
    (lambda g: setattr(g.node("flip"), "op", "Max"), "Max \\(no integer kernel\\): node 'flip'"),
])
def test_refused_forms_are_one_line_naming_node_and_op(edit, message: str) -> None:
    graph = const_ops_net()
    table = minmax_table(graph, random_inputs(graph, 2))
    edit(graph)
    infer_shapes(graph)
    with pytest.raises(OptionError, match=f"symmetry_max_t cannot execute in integers: {message}") as info:
        quantize_graph(graph, table, "symmetry_max_t")
    assert "\n" not in str(info.value)


def test_div_by_a_constant_with_zeros_is_refused() -> None:
    graph = const_ops_net()
    table = minmax_table(graph, random_inputs(graph, 2))
    graph.params["std"][0, 1] = 0.0
    with pytest.raises(OptionError, match="Div by constant 'std', which has zeros") as info:
        quantize_graph(graph, table, "symmetry_max_t")
    assert "normalize" in str(info.value)
