"""`frontc quantize` (per-layer error, final distance, quantized IR) and `frontc accuracy` on a small CNN."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from frontc.cli import main
from frontc.interpreter import run
from frontc.ir import load_graph, save_graph
from frontc.ir.batch import rebatch
from frontc.passes import run_pipeline
from frontc.testing.graphs import tiny_resnet

PIXELS = 123.0, 58.0


@pytest.fixture
def workdir(tmp_path):
    fused = run_pipeline(tiny_resnet(), "cmodel")[0]
    save_graph(fused, tmp_path / "ir" / "IR_fused_for_CModel")
    rng = np.random.default_rng(0)
    for folder, count in (("calib", 6), ("eval", 7)):
        (tmp_path / folder).mkdir()
        for i in range(count):
            Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)).save(tmp_path / folder / f"{i}.png")
    (tmp_path / "eval.list").write_text("".join(f"{i}.png {i % 10}\n" for i in range(7)))
    (tmp_path / "q.yml").write_text(f"""
MODEL:
    graph: 'ir/IR_fused_for_CModel_graph.json'
QUAN:
    strategy: 'symmetry_max'
    qconfig:
        weight_quan: 'perchannel'
        table: 'table.json'
        image_path: 'calib'
        observer: 'minmax'
EVALUATION:
    input_images: 'eval'
    image_file: 'eval.list'
    input_node: '0:0'
    output_node: '-1:0'
    batch_size: 3
PREPROCESS:
    mean: {PIXELS[0]}
    std: {PIXELS[1]}
""")
    assert main(["calibrate", "--config-file", str(tmp_path / "q.yml")]) == 0
    return tmp_path


def _images(workdir) -> np.ndarray:
    x = np.stack([np.asarray(Image.open(workdir / "eval" / f"{i}.png"), np.float32) for i in range(7)])
    return ((x - PIXELS[0]) / PIXELS[1]).transpose(0, 3, 1, 2)


@pytest.mark.parametrize("strategy, weight_quan", [("symmetry_max", "perchannel"), ("minmax", "perlayer"),
                                                   ("scale_shift", "perlayer"), ("symmetry_max_t", "perchannel")])
def test_quantize_reports_the_final_distance(workdir, capsys, strategy, weight_quan):
    from frontc.quant import dequantize

    args = ["quantize", "--config-file", str(workdir / "q.yml"), "--strategy", strategy, "--weight-quan",
            weight_quan, "--json", str(workdir / "e.json")]
    assert main(args) == 0
    out = capsys.readouterr().out
    prefix = workdir / "ir" / f"IR_quant_{strategy}_{weight_quan}"
    quantized = load_graph(f"{prefix}_graph.json")
    assert (workdir / "ir" / f"IR_quant_{strategy}_{weight_quan}_snr.png").read_bytes()[:4] == b"\x89PNG"
    # the oracle: both IRs run on the same images (in the command's batches of 4), outside the command
    fused = load_graph(workdir / "ir" / "IR_fused_for_CModel_graph.json")
    x = _images(workdir)
    out_name = fused.outputs[0]
    f, q = [], []
    for batch in (x[:4], x[4:]):
        f.append(run(rebatch(fused, len(batch))[0], batch)[out_name])
        qgraph = rebatch(quantized, len(batch))[0]
        q.append(dequantize(qgraph, run(qgraph, batch))[out_name])
    f, q = np.concatenate(f).astype(np.float64), np.concatenate(q).astype(np.float64)
    expected = np.linalg.norm(q - f) / np.linalg.norm(f)
    doc = json.loads((workdir / "e.json").read_text())
    assert doc["final_distance"] == pytest.approx(expected, rel=1e-9)
    assert out.strip().splitlines()[-1] == f"final distance {doc['final_distance']}"
    assert 0 < expected < 0.2
    assert [layer["node"] for layer in doc["layers"]] == [n.name for n in fused.nodes]
    isolated = [layer["isolated"] for layer in doc["layers"]]
    assert all(i is None for i in isolated) if strategy.endswith("_t") else all(i is not None for i in isolated)
    assert main(args) == 2  # outputs exist
    assert "file exists" in capsys.readouterr().err


def test_null_strategy_has_no_error_and_save_path_gets_the_pb(workdir, capsys):
    config = workdir / "q.yml"
    config.write_text(config.read_text() + "SAVE_PATH: 'pbs/tiny_quan.pb'\n")
    assert main(["quantize", "--config-file", str(config), "--strategy", "null", "--no-pb"]) == 0
    assert capsys.readouterr().out.strip().endswith("final distance 0.0")
    assert not (workdir / "pbs").exists()
    assert main(["quantize", "--config-file", str(config), "--force"]) == 0
    assert (workdir / "pbs" / "tiny_quan.pb").stat().st_size > 1000


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("'-1:0'", "'999:0'"), "EVALUATION.output_node '999:0': there is no node 999"),
    (lambda t: t.replace("'0:0'", "'stem.conv:0'"), "is tensor"),
    (lambda t: t.replace("'-1:0'", "'nosuch:0'"), "no node or input named 'nosuch'"),
    (lambda t: t.replace("'table.json'", "'other.json'"), "other.json: calibration table not found"),
])
def test_errors_write_nothing(workdir, capsys, edit, message):
    config = workdir / "q.yml"
    config.write_text(edit(config.read_text()))
    assert main(["quantize", "--config-file", str(config)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not list((workdir / "ir").glob("IR_quant_*"))


def test_a_table_of_another_graph(workdir, capsys):
    other = run_pipeline(tiny_resnet(seed=3), "cmodel")[0]
    save_graph(other, workdir / "ir" / "IR_fused_for_CModel", overwrite=True)
    assert main(["quantize", "--config-file", str(workdir / "q.yml")]) == 2
    assert "made for another graph" in capsys.readouterr().err


def test_accuracy_of_every_strategy(workdir, capsys):
    assert main(["accuracy", "--config-file", str(workdir / "q.yml"), "--json", str(workdir / "acc.json")]) == 0
    out = capsys.readouterr().out
    runs = json.loads((workdir / "acc.json").read_text())["runs"]
    assert [(r["strategy"], r["weight_quan"]) for r in runs][:4] == [
        ("float", None), ("null", None), ("minmax", "perlayer"), ("minmax", "perchannel")]
    assert len(runs) == 2 + 5 * 2 and "| symmetry_max_t | perchannel |" in out
    fused = load_graph(workdir / "ir" / "IR_fused_for_CModel_graph.json")
    x = _images(workdir)
    predicted = np.array([run(fused, x[i:i + 1])[fused.outputs[0]].argmax() for i in range(7)])
    assert runs[0]["top1"] == np.mean(predicted == np.arange(7) % 10)
    assert runs[0]["agreement"] == runs[1]["agreement"] == 1.0 and runs[1]["top1"] == runs[0]["top1"]
    assert all(set(r) >= {"strategy", "weight_quan", "top1", "top5", "agreement"} for r in runs)


def test_per_layer_overrides_from_the_config(workdir, capsys):
    from frontc.quant.annotations import node_quant, weight_quant

    text = (workdir / "q.yml").read_text().replace("        observer: 'minmax'\n", """        observer: 'minmax'
        layers:
            block.conv1: {weight_bits: 4}
            fc: null
""")
    (workdir / "q.yml").write_text(text)
    assert main(["quantize", "--config-file", str(workdir / "q.yml"), "--no-isolated"]) == 0
    q = load_graph(workdir / "ir" / "IR_quant_symmetry_max_perchannel_graph.json")
    assert weight_quant(q.node("block.conv1")).bits == 4 and weight_quant(q.node("block.conv2")).bits == 8
    assert node_quant(q.node("fc")) == {} and q.meta["quant"]["layers"] == {"block.conv1": {"weight_bits": 4},
                                                                          "fc": None}
    assert main(["accuracy", "--config-file", str(workdir / "q.yml"), "--strategies", "symmetry_max_t"]) == 0
    assert "cannot quantize: symmetry_max_t executes the whole graph in integers" in capsys.readouterr().out
    (workdir / "q.yml").write_text(text.replace("fc: null", "nope: null"))
    assert main(["quantize", "--config-file", str(workdir / "q.yml")]) == 2
    assert "per-layer quantization names 'nope', which is not a node" in capsys.readouterr().err
    (workdir / "q.yml").write_text(text.replace("fc: null", "fc: 4"))
    assert main(["quantize", "--config-file", str(workdir / "q.yml")]) == 2
    assert "QUAN.qconfig.layers: must map node names" in capsys.readouterr().err
