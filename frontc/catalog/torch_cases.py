"""PyTorch cases: networks of ``frontc.models.torch`` built after ``torch.manual_seed(SEED)``
(BatchNorm statistics randomized too) or with trained weights, a seeded input, and
PyTorch's own eval-mode output on it as the reference."""
from __future__ import annotations

import functools
from typing import Any

from frontc.catalog.case import IMAGENET, Case, ModelEntry, seeded_input

SEED = 0
# case name -> (builder in frontc.models.torch, input shape, slow, trained weights)
MODELS: dict[str, tuple[str, tuple[int, ...], bool, bool]] = {
    "small_unet": ("small_unet", (1, 3, 32, 32), False, False),
    "resnet18_64": ("resnet18", (1, 3, 64, 64), False, False),
    "mobilenet_v2_96": ("mobilenet_v2", (1, 3, 96, 96), False, False),
    "efficientnet_lite0": ("load_efficientnet_lite0", (1, 3, 224, 224), False, True),
    "resnet50": ("resnet50", (1, 3, 224, 224), False, False),
    "mobilenet_v2": ("mobilenet_v2", (1, 3, 224, 224), False, False),
}
# sequence, transformer and recommendation networks: case name -> (builder, inputs as name ->
# (shape, dtype)); integer inputs are seeded ids in [1, 30) (the smallest table has 30 rows), and
# BERT's second row ends in padding (id 0) so that its attention mask is exercised
SEQUENCE_MODELS: dict[str, tuple[str, dict[str, tuple[tuple[int, ...], str]]]] = {
    "bert_tiny": ("bert_tiny", {"ids": ((2, 16), "int64")}),
    "vit_tiny": ("vit_tiny", {"x": ((2, 3, 32, 32), "float32")}),
    "crnn": ("crnn", {"x": ((2, 1, 32, 64), "float32")}),
    "dlrm": ("dlrm", {"dense": ((4, 13), "float32"), "sparse": ((4, 4), "int64")}),
}


def randomize_batchnorm(model: Any, seed: int = SEED) -> Any:
    """Give every BatchNorm seeded statistics and affine params; a fresh network's
    (mean 0, var 1, scale 1, shift 0) would leave batch norm untested."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                module.running_mean.uniform_(-0.2, 0.2, generator=generator)
                module.running_var.uniform_(0.5, 1.5, generator=generator)
                if module.affine:
                    module.weight.uniform_(0.5, 1.5, generator=generator)
                    module.bias.uniform_(-0.2, 0.2, generator=generator)
    return model


def build_model(name: str, seed: int = SEED) -> Any:
    """The eval-mode network of case ``name``, seeded (or trained)."""
    import torch

    from frontc.models import torch as models

    builder, _, _, trained = MODELS[name]
    torch.manual_seed(seed)
    model = getattr(models, builder)().eval()
    return model if trained else randomize_batchnorm(model, seed)


def torch_case(name: str, seed: int = SEED) -> Case:
    """The case ``name`` of MODELS: a seeded input and PyTorch's own output on it."""
    import torch

    _, shape, slow, _ = MODELS[name]
    model = build_model(name, seed)
    x = seeded_input(shape, seed)
    with torch.no_grad():
        reference = model(torch.from_numpy(x)).numpy()
    return Case("torch", name, model, {"x": shape}, {"x": x}, [reference], slow)


def sequence_case(name: str, seed: int = SEED) -> Case:
    """The case ``name`` of SEQUENCE_MODELS: seeded inputs (ids for integer ones) and PyTorch's output."""
    import numpy as np
    import torch

    from frontc.models import torch as models

    builder, inputs = SEQUENCE_MODELS[name]
    torch.manual_seed(seed)
    model = randomize_batchnorm(getattr(models, builder)().eval(), seed)
    rng = np.random.default_rng(seed)
    feeds = {}
    for key, (shape, dtype) in inputs.items():
        feeds[key] = rng.integers(1, 30, shape).astype(dtype) if dtype.startswith("int") else \
            seeded_input(shape, seed)
    if name == "bert_tiny":
        feeds["ids"][1, 10:] = 0
    with torch.no_grad():
        reference = model(*[torch.from_numpy(v) for v in feeds.values()]).numpy()
    dtypes = {key: dtype for key, (_, dtype) in inputs.items() if dtype != "float32"}
    return Case("torch", name, model, {key: shape for key, (shape, _) in inputs.items()}, feeds, [reference],
                options={"input_dtypes": dtypes} if dtypes else {})


# the preprocessing of trained weights (EfficientNet-Lite0: inputs scaled to [-1, 1])
PREPROCESSING = {"efficientnet_lite0": {"resize": 256, "crop": 224, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5],
                                        "scale": "1/255", "color": "RGB", "layout": "NCHW"}}
# domain and task of the sequence models (the zoo's shelves)
SEQUENCE_SHELVES = {"bert_tiny": ("nlp", "classification"), "vit_tiny": ("vision", "classification"),
                    "crnn": ("vision", "text recognition"), "dlrm": ("recommendation", "click-through rate")}


def cases() -> dict[str, ModelEntry]:
    """Every PyTorch case by name (each converts and runs in under 10 s, so none is slow)."""
    out = {}
    for name, (_, shape, slow, trained) in MODELS.items():
        extra = {"preprocessing": PREPROCESSING[name], "labels": IMAGENET} if trained else {}
        out[name] = ModelEntry(slow, functools.partial(torch_case, name), shape, **extra)
    for name, (_, inputs) in SEQUENCE_MODELS.items():
        domain, task = SEQUENCE_SHELVES[name]
        out[name] = ModelEntry(False, functools.partial(sequence_case, name), next(iter(inputs.values()))[0],
                               domain=domain, task=task)
    return out
