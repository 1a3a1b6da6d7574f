"""TorchScript, state_dict and ExportedProgram files, and the errors for bad files and options."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch.nn import functional as F

import frontc
from frontc.catalog.torch_cases import randomize_batchnorm
from frontc.ir.errors import ModelLoadError, OptionError
from frontc.models.torch import load_efficientnet_lite0, resnet18
from frontc.models.torch.small import small_unet
from tests.frontends.torch.helpers import Fn, assert_close, randn

SHAPE = (1, 3, 32, 32)


def _seeded(build=small_unet) -> torch.nn.Module:
    torch.manual_seed(0)
    return randomize_batchnorm(build().eval())


def _check(graph: frontc.Graph, model: torch.nn.Module, x: torch.Tensor) -> None:
    with torch.no_grad():
        reference = model(x).numpy()
    assert_close(frontc.run(graph, {graph.inputs[0].name: x.numpy()})[graph.outputs[0]], reference)


@pytest.mark.parametrize("kind, build, shape, conv", [
    ("script", resnet18, (1, 3, 64, 64), "layer1.0.conv1"),
    ("trace", small_unet, SHAPE, "mid.0"),
])
def test_torchscript_file(tmp_path: Path, kind: str, build, shape: tuple[int, ...], conv: str) -> None:
    model, x = _seeded(build), randn(*shape)
    script = torch.jit.script(model) if kind == "script" else torch.jit.trace(model, x)
    path = tmp_path / f"model_{kind}.pt"
    script.save(str(path))
    graph = frontc.load(str(path), "torch", input_shapes={"x": shape})
    _check(graph, model, x)
    # no module stack in TorchScript: names come from the parameters each op reads
    assert graph.node(conv).inputs[1] == f"{conv}.weight"
    assert graph.name == f"model_{kind}"


@pytest.mark.slow
def test_scripted_efficientnet_lite0_file(tmp_path: Path) -> None:
    model, x = load_efficientnet_lite0(), randn(1, 3, 224, 224)
    path = tmp_path / "efficientnet_lite0.pt"
    torch.jit.script(model).save(str(path))
    _check(frontc.load(str(path), "torch", input_shapes={"x": (1, 3, 224, 224)}), model, x)


def test_script_module_object() -> None:
    model, x = _seeded(), randn(*SHAPE)
    graph = frontc.load(torch.jit.script(model), "torch", example_inputs=x)
    _check(graph, model, x)


def test_trace_with_size_arithmetic_is_a_clear_error(tmp_path: Path) -> None:
    def same_pad(x: torch.Tensor) -> torch.Tensor:
        total = max((-(-x.shape[-1] // 2) - 1) * 2 + 3 - x.shape[-1], 0)
        return F.pad(x, [total // 2, total - total // 2]) * 2

    path = tmp_path / "traced.pt"
    with pytest.warns(torch.jit.TracerWarning):
        torch.jit.trace(Fn(same_pad), randn(1, 2, 8)).save(str(path))
    with pytest.raises(ModelLoadError, match="computes on tensor sizes.*torch.jit.script"):
        frontc.load(str(path), "torch", input_shapes={"x": (1, 2, 8)})


def test_state_dict_file_with_module(tmp_path: Path) -> None:
    model, x = _seeded(), randn(*SHAPE)
    path = tmp_path / "weights.pth"
    torch.save(model.state_dict(), path)
    graph = frontc.load(str(path), "torch", input_shapes={"x": SHAPE}, module=small_unet())
    _check(graph, model, x)
    assert graph.name == "weights"


def test_exported_program_file(tmp_path: Path) -> None:
    model, x = _seeded(), randn(*SHAPE)
    path = tmp_path / "model.pt2"
    torch.export.save(torch.export.export(model, (x,)), path)
    _check(frontc.load(str(path), "torch", example_inputs=x), model, x)


def _one_line_error(error: type, match: str, *args, **kwargs) -> str:
    with pytest.raises(error, match=match) as info:
        frontc.load(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_missing_file(tmp_path: Path) -> None:
    _one_line_error(ModelLoadError, "no such file", str(tmp_path / "nope.pt"), "torch", input_shapes={"x": SHAPE})


def test_not_a_torch_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.pt"
    path.write_text("these are not weights\n")
    message = _one_line_error(ModelLoadError, "not a PyTorch file", str(path), "torch", input_shapes={"x": SHAPE})
    assert str(path) in message


def test_pickled_full_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "full_model.pt"
    torch.save(_seeded(), path)
    message = _one_line_error(ModelLoadError, "pickled Python object", str(path), "torch",
                              input_shapes={"x": SHAPE}, module=small_unet())
    assert "SmallUNet" in message and "state_dict" in message
    _one_line_error(ModelLoadError, "pickled Python object", str(path), "torch", input_shapes={"x": SHAPE})


def test_state_dict_without_module(tmp_path: Path) -> None:
    path = tmp_path / "weights.pth"
    torch.save(_seeded().state_dict(), path)
    _one_line_error(ModelLoadError, "holds a state_dict.*module=", str(path), "torch", input_shapes={"x": SHAPE})


def test_state_dict_of_another_architecture(tmp_path: Path) -> None:
    path = tmp_path / "resnet.pth"
    torch.save(resnet18().state_dict(), path)
    message = _one_line_error(ModelLoadError, "does not fit SmallUNet", str(path), "torch",
                              input_shapes={"x": SHAPE}, module=small_unet())
    assert "missing key(s)" in message and "unexpected key(s)" in message


def test_state_dict_with_wrong_shapes(tmp_path: Path) -> None:
    path = tmp_path / "wide.pth"
    torch.save(torch.nn.Linear(4, 3).state_dict(), path)
    _one_line_error(ModelLoadError, "size mismatch for weight", str(path), "torch", input_shapes={"x": (1, 4)},
                    module=torch.nn.Linear(5, 3))


def test_options_errors() -> None:
    _one_line_error(OptionError, "needs the input shapes", _seeded(), "torch")
    _one_line_error(OptionError, "unknown torch frontend option", _seeded(), "torch", input_shapes={"x": SHAPE},
                    colour="red")
    _one_line_error(OptionError, "cannot read a int", 42, "torch", input_shapes={"x": SHAPE})
    _one_line_error(OptionError, "bad input shape", _seeded(), "torch", input_shapes={"x": (1, -3, 32, 32)})
