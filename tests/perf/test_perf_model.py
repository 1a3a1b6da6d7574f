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
from frontc.perf.model import estimate, sparsity_patterns

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


def test_sparsity_patterns_and_capped_speedup():
    rng = np.random.default_rng(1)
    dense = rng.standard_normal((16, 8, 3, 3)).astype(np.float32) + 10
    channel = dense.copy()
    channel[::2] = 0
    two_four = dense.reshape(16, -1, 4).copy()
    two_four[:, :, :2] = 0
    two_four = two_four.reshape(16, 8, 3, 3)
    half = dense * (rng.uniform(size=dense.shape) < 0.5)
    sparse = dense * (rng.uniform(size=dense.shape) < 0.1)
    assert [sparsity_patterns(w) for w in (dense, channel, two_four, half)] == \
        [[], ["channel", "unstructured"], ["2:4", "unstructured"], ["unstructured"]]
    hw = parse_hardware(HW, "t")
    (h,) = estimate(conv_graph(half), hw).layers
    assert h.pattern == "unstructured" and h.effective_macs == pytest.approx(np.count_nonzero(half) * 100)
    (u,) = estimate(conv_graph(sparse), hw).layers
    nnz = np.count_nonzero(sparse)
    assert u.pattern == "unstructured" and u.effective_macs == pytest.approx(u.macs / 3.0)  # ~10x ideal, 3x cap
    assert u.weight_bytes == pytest.approx(nnz * (8 + 4) / 8)
    (t,) = estimate(conv_graph(two_four), hw).layers
    assert t.pattern == "2:4" and t.effective_macs == pytest.approx(t.macs / 2)
    assert t.weight_bytes == pytest.approx(np.count_nonzero(two_four) * (8 + 2) / 8)
    (c,) = estimate(conv_graph(channel), hw).layers  # channel: not in sparse_speedup, runs as unstructured
    assert c.pattern == "unstructured" and c.effective_macs == pytest.approx(c.macs / 2)
    (d,) = estimate(conv_graph(channel), parse_hardware(HW | {"sparse_speedup": {}}, "t")).layers
    assert d.pattern == "dense" and d.effective_macs == d.macs and d.weight_bytes == channel.size


def test_a_layer_too_big_for_sram_moves_its_activations_through_dram():
    w = np.ones((16, 8, 3, 3), np.float32)
    small = parse_hardware(HW | {"sram_kib": 1}, "t")
    (layer,) = estimate(conv_graph(w), small).layers
    assert layer.dram_bytes == layer.weight_bytes + layer.act_bytes


def test_operands_wider_than_the_hardware_are_an_error():
    w = np.ones((16, 8, 3, 3), np.int32)
    with pytest.raises(OptionError, match="node 'conv': 32-bit operands are wider"):
        estimate(conv_graph(w), parse_hardware(HW, "t"))


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
