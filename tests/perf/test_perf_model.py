"""Step 7: the performance model's per-layer arithmetic, bit widths, sparsity patterns, hardware errors, CLI."""
import json
import math

import numpy as np
import pytest
import yaml

from frontc.cli import main
from frontc.frontends.builder import GraphBuilder
from frontc.ir.errors import OptionError
from frontc.ir.serialize import save_graph
from frontc.perf.hardware import FIELDS, parse_hardware
from frontc.perf.model import estimate

HW = {"name": "t", "mac_array": 64, "mac_bits": 8, "clock_mhz": 100, "bit_widths": [4, 8, 16],
      "vector_lanes": 4, "sram_kib": 1024, "dram_gbps": 2.0, "layer_overhead_us": 1.0, "sparse_index_bits": 4,
      "sparse_speedup": {"unstructured": 3.0, "2:4": 2.0}}


def conv_graph(weight):
    """x (1, 8, 10, 10) -> 3x3 Conv (pad 1) -> y; a graph input and a graph output."""
    b = GraphBuilder("one_conv", "frontc")
    x = b.input("x", (1, 8, 10, 10))
    y = b.add1("Conv", [x, b.param("w", weight)], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}, name="conv")
    return b.finish([y])


def test_one_conv_layer_by_hand():
    w = np.random.default_rng(0).standard_normal((16, 8, 3, 3)).astype(np.float32)
    hw = parse_hardware(HW, "t")
    (layer,) = estimate(conv_graph(w), hw).layers
    macs = 1 * 16 * 10 * 10 * 8 * 3 * 3  # N * Cout * Hout * Wout * Cin * kh * kw
    weight_bytes = w.size * 8 / 8  # float weights assumed at mac_bits = 8
    act_bytes = (8 * 10 * 10 + 16 * 10 * 10) * 8 / 8
    compute = macs / (64 * 100e6)
    memory = (weight_bytes + act_bytes) / 2e9  # fits in SRAM, but x and y are graph input and output
    assert (layer.macs, layer.effective_macs, layer.weight_bytes, layer.act_bytes) == (macs, macs, weight_bytes,
                                                                                      act_bytes)
    assert layer.pattern == "dense" and (layer.weight_bits, layer.act_bits) == (8, 8)
    assert layer.compute_s == pytest.approx(compute, rel=1e-12) and layer.memory_s == pytest.approx(memory)
    assert layer.latency_s == pytest.approx(max(compute, memory) + 1e-6)
    assert layer.bound == ("compute" if compute >= memory else "memory")
    assert layer.intensity == pytest.approx(2 * macs / (weight_bytes + act_bytes))


def recorded(graph, pattern, rate, node="conv"):
    """``graph`` with ``pattern`` recorded on ``node`` the way frontc.prune.annotate records it."""
    from frontc.prune.annotate import annotate
    weight = next(n for n in graph.nodes if n.name == node).inputs[1]
    return annotate(graph, {weight: {"pattern": pattern, "rate": rate}})


def test_recorded_sparsity_patterns_and_capped_speedup():
    rng = np.random.default_rng(1)
    dense = rng.standard_normal((16, 8, 3, 3)).astype(np.float32) + 10
    channel = dense.copy()
    channel[::2] = 0
    two_four = dense.copy()
    two_four[:, [0, 1, 4, 5]] = 0  # two zeros in every group of 4 consecutive input channels
    sparse = dense * (rng.uniform(size=dense.shape) < 0.1)
    hw = parse_hardware(HW, "t")
    (u,) = estimate(recorded(conv_graph(sparse), "unstructured", 0.85), hw).layers
    nnz = np.count_nonzero(sparse)
    assert u.pattern == "unstructured" and u.effective_macs == pytest.approx(u.macs / 3.0)  # ~10x ideal, 3x cap
    assert u.weight_bytes == pytest.approx(nnz * (8 + 4) / 8)
    (t,) = estimate(recorded(conv_graph(two_four), "2:4", 0.5), hw).layers
    assert t.pattern == "2:4" and t.effective_macs == pytest.approx(t.macs / 2)
    assert t.weight_bytes == pytest.approx(np.count_nonzero(two_four) * (8 + 2) / 8)
    (c,) = estimate(recorded(conv_graph(channel), "channel", 0.5), hw).layers  # not listed: runs as unstructured
    assert c.pattern == "unstructured" and c.effective_macs == pytest.approx(c.macs / 2)
    (d,) = estimate(recorded(conv_graph(channel), "channel", 0.5),
                    parse_hardware(HW | {"sparse_speedup": {}}, "t")).layers
    assert d.pattern == "dense" and d.effective_macs == d.macs and d.weight_bytes == channel.size
    (n,) = estimate(conv_graph(sparse), hw).layers  # zeros without a recorded pattern are not exploited
    assert n.pattern == "dense" and n.effective_macs == n.macs and n.weight_bytes == sparse.size


def small_net(w4: bool = True, layers=None):
    """x (1, 8, 10, 10) -> Conv 3x3 (16, pad 1, 2:4 recorded) -> Relu -> GlobalAvgPool -> Flatten -> Dense (10,
    unstructured 75% recorded, bias), quantized symmetry_max per channel, weights at 4 (or 8) bits, activations 8."""
    from frontc.quant import quantize_graph
    rng = np.random.default_rng(2)
    w = rng.standard_normal((16, 8, 3, 3)).astype(np.float32) + 3
    w[:, [0, 1, 4, 5]] = 0
    fc = rng.standard_normal((10, 16)).astype(np.float32) + 3
    fc.reshape(-1)[rng.permutation(160)[:120]] = 0
    b = GraphBuilder("small_net", "frontc")
    x = b.input("x", (1, 8, 10, 10))
    c = b.add1("Conv", [x, b.param("w", w)], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}, name="conv")
    r = b.add1("Relu", [c], name="relu")
    g = b.add1("GlobalAvgPool", [r], name="gap")
    f = b.add1("Flatten", [g], name="flat")
    y = b.add1("Dense", [f, b.param("fc_w", fc), b.param("fc_b", np.zeros(10, np.float32))], name="fc")
    graph = recorded(recorded(b.finish([y]), "2:4", 0.5), "unstructured", 0.75, node="fc")
    table = {t: {"min": -4.0, "max": 4.0} for t in ("x", c, r, g, f, y)}
    return quantize_graph(graph, table, "symmetry_max", weight_quan="perchannel", weight_bits=4 if w4 else 8,
                          layers=layers), w, fc


def test_quantized_pruned_network_bytes_and_latency_from_the_formulas():
    graph, w, fc = small_net()
    hw = parse_hardware(HW, "t")  # 64 MACs/cycle at 8 bits, 100 MHz, 4 vector lanes, 2 GB/s, 1 us per layer
    report = estimate(graph, hw)
    layers = {r.name: r for r in report.layers}
    clock, overhead = 100e6, 1e-6
    # conv: W4 (annotated) x A8 runs at 8 bits: 64 MACs/cycle; 2:4 recorded: half the MACs (hardware cap 2)
    macs = 16 * 10 * 10 * 8 * 9
    nnz = 16 * 4 * 9
    weight = min(w.size * 4 / 8, nnz * (4 + 2) / 8)  # 4-bit nonzeros + 2 index bits each
    x_bytes, y_bytes = 8 * 10 * 10, 16 * 10 * 10  # int8 activations
    compute = (macs / 2) / (64 * clock)
    memory = (weight + x_bytes) / 2e9  # fits in SRAM: only the graph input moves
    conv = layers["conv"]
    assert (conv.weight_bits, conv.act_bits, conv.pattern) == (4, 8, "2:4")
    assert (conv.macs, conv.effective_macs, conv.weight_bytes, conv.act_bytes) == (macs, macs / 2, weight,
                                                                                   x_bytes + y_bytes)
    assert conv.dram_bytes == weight + x_bytes and conv.latency_s == pytest.approx(max(compute, memory) + overhead)
    # relu and pooling: one op per element at 4 lanes
    assert layers["relu"].latency_s == pytest.approx(1600 / (4 * clock) + overhead)
    assert layers["gap"].act_bytes == 1600 + 16 and layers["gap"].compute_s == pytest.approx(1600 / (4 * clock))
    # fc: 75% unstructured recorded, ideal 4x capped at 3x; 4-bit weights + 4 index bits; int32 bias
    fc_weight = min(fc.size * 4 / 8, 40 * (4 + 4) / 8) + 10 * 32 / 8
    dense = layers["fc"]
    fc_compute = 160 / 3 / (64 * clock) + 10 / (4 * clock)  # bias add: one op per output
    fc_memory = (fc_weight + 10) / 2e9  # the int8 graph output leaves the chip
    assert dense.pattern == "unstructured" and dense.weight_bytes == fc_weight and dense.dram_bytes == fc_weight + 10
    assert dense.latency_s == pytest.approx(max(fc_compute, fc_memory) + overhead)
    assert report.latency_s == pytest.approx(sum(r.latency_s for r in report.layers))
    assert report.bits_from == "quantization annotations: symmetry_max perchannel, W4/A8"
    eight = {r.name: r for r in estimate(small_net(w4=False)[0], hw).layers}  # W8: twice the weight bits
    assert eight["conv"].weight_bytes == min(w.size, nnz * (8 + 2) / 8)
    mixed = estimate(small_net(layers={"fc": {"weight_bits": 8}})[0], hw)  # per-layer options: fc at 8 bits
    conv, dense = mixed.layers[0], mixed.layers[-1]
    assert (conv.weight_bits, dense.weight_bits) == (4, 8) and conv.weight_bytes == weight
    assert dense.weight_bytes == min(fc.size, 40 * (8 + 4) / 8) + 10 * 32 / 8
    assert mixed.bits_from.endswith("W4/A8, per-layer options on 1 node(s)")


def test_a_bit_width_the_hardware_does_not_support_is_refused(tmp_path, capsys):
    graph, _, _ = small_net()
    with pytest.raises(OptionError, match=r"node 'conv': weight 'w' quantized to 4 bits, which t does not "
                                          r"support \(bit_widths \[8, 16\]\)"):
        estimate(graph, parse_hardware(HW | {"bit_widths": [8, 16]}, "t"))
    save_graph(graph, tmp_path / "q")
    (tmp_path / "hw.yaml").write_text(yaml.safe_dump(HW | {"bit_widths": [8, 16]}))
    code = main(["perf", "--graph", str(tmp_path / "q_graph.json"), "--hardware", str(tmp_path / "hw.yaml"),
                 "--json", str(tmp_path / "r.json")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "quantized to 4 bits" in err[0] and not (tmp_path / "r.json").exists()
    with pytest.raises(OptionError, match="activation 'x' quantized to 8 bits"):
        estimate(graph, parse_hardware(HW | {"bit_widths": [4, 16], "mac_bits": 16}, "t"))


def test_a_layer_too_big_for_sram_moves_its_activations_through_dram():
    w = np.ones((16, 8, 3, 3), np.float32)
    small = parse_hardware(HW | {"sram_kib": 1}, "t")
    (layer,) = estimate(conv_graph(w), small).layers
    assert layer.dram_bytes == layer.weight_bytes + layer.act_bytes


@pytest.mark.parametrize("change,message", [
    ({"dram_gbps": None}, "missing field 'dram_gbps'"), ({"sram_kib": -1}, "field 'sram_kib' must be a number >= 0"),
    ({"clock_mhz": 0}, "field 'clock_mhz' must be a number > 0"), ({"bit_widths": []}, "field 'bit_widths'"),
    ({"mac_bits": 32}, "'mac_bits' (32) must be one of"), ({"sparse_speedup": {"2:4": 0.5}}, "sparse_speedup")])
def test_a_bad_hardware_yaml_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, change, message):
    data = {k: v for k, v in (HW | change).items() if v is not None}
    (tmp_path / "hw.yaml").write_text(yaml.safe_dump(data))
    graph = tmp_path / "g"
    save_graph(conv_graph(np.ones((16, 8, 3, 3), np.float32)), graph)
    code = main(["perf", "--graph", f"{graph}_graph.json", "--hardware", str(tmp_path / "hw.yaml"),
                 "--plot", str(tmp_path / "r.png"), "--json", str(tmp_path / "r.json")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0] and str(tmp_path / "hw.yaml") in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g_graph.json", "g_params.npz", "hw.yaml"]


def test_every_field_is_required():
    for key in FIELDS:
        with pytest.raises(OptionError, match=f"missing field '{key}'"):
            parse_hardware({k: v for k, v in HW.items() if k != key}, "t")


def test_cli_on_a_compiled_network_writes_report_and_roofline(tmp_path, capsys):
    from frontc.compiler import compile_graph
    from frontc.testing.graphs import tiny_resnet
    cmodel = compile_graph(tiny_resnet()).cmodel
    save_graph(cmodel, tmp_path / "IR_fused_for_CModel")
    (tmp_path / "hw.yaml").write_text(yaml.safe_dump(HW))
    assert main(["perf", "--graph", str(tmp_path / "IR_fused_for_CModel_graph.json"), "--hardware",
                 str(tmp_path / "hw.yaml"), "--plot", str(tmp_path / "r.png"), "--json", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    assert "assumed 8-bit" in out and f"total: {len(cmodel.nodes)} layers" in out
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = json.loads((tmp_path / "r.json").read_text())
    assert math.isclose(report["latency_s"], sum(r["latency_s"] for r in report["layers"]))
    assert main(["perf", "--graph", str(tmp_path / "IR_fused_for_CModel_graph.json"), "--hardware",
                 str(tmp_path / "hw.yaml"), "--plot", str(tmp_path / "r.png")]) == 2  # exists, no --force
