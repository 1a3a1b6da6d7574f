"""The source files of a checked model, as the zoo keeps them beside moffett_ir/.

Catalog models are saved in their framework's own format (MXNet ``NAME-symbol.json`` +
``NAME-0000.params``, TorchScript ``NAME.pt``, Keras ``NAME.keras``, ONNX ``NAME.onnx``); a model
given as a file is copied (an MXNet checkpoint with its params of the chosen epoch).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from frontc.checklist.source import Source
from frontc.ir.errors import OptionError


def save_source_files(source: Source, directory: Path) -> list[Path]:
    """Write the model's source files into ``directory`` (created); returns them."""
    directory.mkdir(parents=True, exist_ok=True)
    name, model = source.name, source.model
    if isinstance(model, (str, Path)) and Path(model).exists():
        return _copy_files(Path(model), source.framework, source.options.get("epoch"), directory)
    shape = tuple(source.graph.inputs[0].shape)
    if source.framework == "mxnet":
        from frontc.frontends.mxnet.gluon import export_block, zoo_block
        block = model if not isinstance(model, str) else zoo_block(model, seed=source.options.get("seed", 0),
                                                                   input_shape=shape)
        export_block(block, [spec.shape for spec in source.graph.inputs], directory, name)
    elif source.framework == "torch":
        import torch
        example = tuple(torch.from_numpy(source.feeds[spec.name]) for spec in source.graph.inputs)
        with torch.no_grad():
            torch.jit.save(torch.jit.trace(model.eval(), example), str(directory / f"{name}.pt"))
    elif source.framework == "tf":
        model.save(str(directory / f"{name}.keras"))
    elif source.framework == "onnx":
        import onnx
        onnx.save(model, str(directory / f"{name}.onnx"))
    else:
        raise OptionError(f"cannot save a {source.framework} model object", hint="give the model as a file")
    return sorted(directory.iterdir())


def _copy_files(path: Path, framework: str, epoch: int | None, directory: Path) -> list[Path]:
    if path.is_dir():
        target = directory / path.name
        shutil.copytree(path, target)
        return sorted(p for p in target.rglob("*") if p.is_file())
    files = [path]
    if framework == "mxnet" and path.name.endswith("-symbol.json"):
        prefix = path.name[: -len("-symbol.json")]
        files.append(path.with_name(f"{prefix}-{epoch or 0:04d}.params"))
    for file in files:
        if not file.is_file():
            raise OptionError("model file not found", path=str(file))
        shutil.copyfile(file, directory / file.name)
    return [directory / file.name for file in files]
