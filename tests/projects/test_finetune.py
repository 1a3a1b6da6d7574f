"""projects/torch and projects/tensorflow on 500 images: fine-tune the reconstruction, write back, compile
again; the recompiled IR agrees with its torch rebuild in the interpreter (slow: trains twice)."""
from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import torch

from frontc.models.torch.fashion import INPUT_SHAPE, fashion_cnn
from frontc.models.torch.training import fashion_data, save_artifacts, train

ROOT = Path(__file__).resolve().parents[2] / "projects"


@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    torch.manual_seed(0)
    model = train(fashion_cnn(), fashion_data(limit_train=500, limit_test=500), 1)
    return folder, save_artifacts(model, str(folder), "cnn", INPUT_SHAPE)


@pytest.mark.slow
@pytest.mark.parametrize("project, kind", [("torch", "torchscript"), ("tensorflow", "onnx")])
def test_finetune_writes_back_and_recompiles(project: str, kind: str, model_files, tmp_path) -> None:
    folder, files = model_files
    script = runpy.run_path(str(ROOT / project / "finetune.py"))
    result = script["run"](script["parse_args"]([str(folder / files[kind]), "-o", str(tmp_path / "ir"), "--limit",
                                                  "500"]))
    assert (tmp_path / "ir" / "IR_fused_for_CModel_graph.json").exists()
    assert result["after"] > result["before"]   # one epoch on 500 more images after a 4-step start
    if project == "torch":
        assert result["after"] == result["tuned"]   # write-back and compile keep the fine-tuned function
        assert result["interpreter"] == result["torch_check"]
