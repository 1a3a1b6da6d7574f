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


# the preprocessing of trained weights (EfficientNet-Lite0: inputs scaled to [-1, 1])
PREPROCESSING = {"efficientnet_lite0": {"resize": 256, "crop": 224, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5],
                                        "scale": "1/255", "color": "RGB", "layout": "NCHW"}}


def cases() -> dict[str, ModelEntry]:
    """Every PyTorch case by name (each converts and runs in under 10 s, so none is slow)."""
    out = {}
    for name, (_, shape, slow, trained) in MODELS.items():
        extra = {"preprocessing": PREPROCESSING[name], "labels": IMAGENET} if trained else {}
        out[name] = ModelEntry(slow, functools.partial(torch_case, name), shape, **extra)
    return out
