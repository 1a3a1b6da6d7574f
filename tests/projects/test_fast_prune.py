"""A tiny fast-prune run (600 images, one model, 90% unstructured, 2:4 and the torch.nn.utils.prune baseline):
the table, the training records, the compiled IRs with their recorded patterns, exit status 2 on errors, and
quantize_sparse on the sparse IR (its float row against the saved PyTorch weights)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

import frontc
from frontc.models.record import read_record

FOLDER = Path(__file__).resolve().parents[2] / "projects" / "fast_prune"


def _script(name: str = "fast_prune"):
    spec = importlib.util.spec_from_file_location(name, FOLDER / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tiny_fast_prune(tmp_path, capsys) -> None:
    script = _script()
    args = ["-o", str(tmp_path), "--model", "fashion_cnn", "--limit", "600", "--epochs", "1", "--sparse-epochs", "1",
            "--frequency", "1", "--runs", "unstructured@90,2:4@50", "--scope", "lamp,layer"]
    assert script.main(args) == 0
    rows = json.loads((tmp_path / "fast_prune.json").read_text())["rows"]
    assert [(r["pruner"], r["pattern"], r["sparse_rate"]) for r in rows] == [
        ("-", "dense", 0.0), ("frontc Prune (lamp)", "unstructured", 90.0),
        ("frontc Prune (layer)", "unstructured", 90.0), ("torch.nn.utils.prune", "global", 90.0),
        ("frontc Prune", "2:4", 50.0)]
    assert all(r["nnz_equals_mask"] for r in rows)
    dense = rows[0]
    for row in rows[1:]:
        assert row["nnz"] < dense["nnz"] and row["sparse_mflops"] < row["dense_mflops"] == dense["dense_mflops"]
    assert (tmp_path / "fast_prune.md").read_text().count("| fashion_cnn |") == 5
    record = read_record(tmp_path / "fashion_cnn_2of4_50_record.json")
    assert record.pattern == "2:4" and record.input_shape == [1, 1, 28, 28] and record.top1 == round(rows[4]["top1"], 2)
    graph = frontc.load_graph(tmp_path / "fashion_cnn_2of4_50_ir" / "IR_fused_for_CModel_graph.json")   # lints
    recorded = {n.name: n.meta["sparsity"] for n in graph.nodes if "sparsity" in n.meta}
    assert len(recorded) == 3 and all(r == {"pattern": "2:4", "rate": 0.5} for r in recorded.values())
    for node in graph.nodes:
        if "sparsity" in node.meta:
            w = graph.params[node.inputs[1]]
            groups = np.moveaxis(w.reshape(w.shape[0], w.shape[1], -1), 1, -1).reshape(-1, 4)
            assert ((groups != 0).sum(axis=1) <= 2).all()
    capsys.readouterr()
    assert script.main(args) == 2   # outputs exist, no --force
    assert "file exists" in capsys.readouterr().err
    assert script.main(["-o", str(tmp_path / "x"), "--runs", "unstructured90"]) == 2
    assert "--runs unstructured90: expected PATTERN@RATE" in capsys.readouterr().err
    assert script.main(["-o", str(tmp_path / "y"), "--runs", "2:4@90", "--limit", "300", "--epochs", "1"]) == 2
    assert "pattern 2:4 prunes exactly 0.5" in capsys.readouterr().err
    assert script.main(["-o", str(tmp_path / "z"), "--scope", "lamp,glob"]) == 2
    assert "--scope glob: unknown" in capsys.readouterr().err
    lamp, layer = (read_record(tmp_path / f"fashion_cnn_unstructured_90_{s}_record.json") for s in ("lamp", "layer"))
    assert lamp.top1 == round(rows[1]["top1"], 2) and layer.top1 == round(rows[2]["top1"], 2)
    _quantize_sparse(tmp_path / "fashion_cnn_unstructured_90_lamp", capsys)


def _quantize_sparse(stem: Path, capsys) -> None:
    import torch

    from frontc.models.torch.fashion import fashion_cnn
    from frontc.models.torch.training import evaluate, fashion_data

    script = _script("quantize_sparse")
    folder = stem.parent / f"{stem.name}_ir"
    results = script.run(script.parse_args([str(folder), "--calib", "64", "--test", "250"]))[str(folder)]
    model = fashion_cnn()
    model.load_state_dict(torch.load(f"{stem}.pt", weights_only=True))
    data = fashion_data(limit_train=1, limit_test=250)
    by_strategy = {strategy: (top1, nnz) for strategy, _, top1, nnz in results}
    assert by_strategy["null"][0] == evaluate(model, data.test_x, data.test_y)
    float_nnz = by_strategy["null"][1]
    assert float_nnz == sum(int((p != 0).sum()) for n, p in model.named_parameters() if p.dim() > 1)
    for strategy, (top1, nnz) in by_strategy.items():
        assert 0.99 * float_nnz <= nnz <= float_nnz, strategy   # zeros stay zero; rounding may add a few
        assert abs(top1 - by_strategy["null"][0]) <= 2.0, strategy   # 5 of 250 images: 8-bit keeps the float answers
    capsys.readouterr()
    assert script.main([str(folder), "--test", "100"]) == 2
    assert "--test 100: must be a positive multiple of 250" in capsys.readouterr().err
    assert script.main([str(folder / "missing")]) == 2
