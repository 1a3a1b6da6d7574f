"""The PyTorch model definitions: torchvision-compatible state_dicts, and EfficientNet-Lite0
loading its real trained weights and classifying foolbox's ImageNet samples."""
from __future__ import annotations

import pytest
import torch

from frontc.data.imagenet_samples import imagenet_samples
from frontc.models.torch import efficientnet_lite0_weights, load_efficientnet_lite0, mobilenet_v2, resnet18, resnet50
from frontc.models.torch.efficientnet_lite import tf_same_pad

# parameter counts and state_dict sizes of torchvision's models at 1000 classes
TORCHVISION = {
    "resnet18": (resnet18, 11_689_512, 122, ["layer4.1.bn2.running_var", "layer2.0.downsample.0.weight"]),
    "resnet50": (resnet50, 25_557_032, 320, ["layer3.5.conv3.weight", "layer4.0.downsample.1.bias"]),
    "mobilenet_v2": (mobilenet_v2, 3_504_872, 314, ["features.0.0.weight", "features.1.conv.1.weight",
                                                    "features.17.conv.2.weight", "features.18.1.bias",
                                                    "classifier.1.weight"]),
}


@pytest.mark.parametrize("name", sorted(TORCHVISION))
def test_torchvision_layout(name: str) -> None:
    build, params, keys, samples = TORCHVISION[name]
    model = build()
    assert sum(p.numel() for p in model.parameters()) == params
    state = model.state_dict()
    assert len(state) == keys
    assert all(key in state for key in samples)


def test_tf_same_padding() -> None:
    assert tf_same_pad(224, 3, 2) == [0, 1]
    assert tf_same_pad(56, 5, 2) == [1, 2]
    assert tf_same_pad(15, 3, 2) == [1, 1]


def test_efficientnet_lite0_loads_the_trained_weights_strictly() -> None:
    state = torch.load(efficientnet_lite0_weights(), map_location="cpu", weights_only=True)
    assert len(state) == 296
    model = load_efficientnet_lite0(pretrained=True)
    assert set(model.state_dict()) == set(state)
    assert not model.training
    assert sum(p.numel() for p in model.parameters()) == 4_652_008


def test_efficientnet_lite0_is_scriptable() -> None:
    scripted = torch.jit.script(load_efficientnet_lite0(pretrained=False))
    assert scripted(torch.zeros(1, 3, 64, 64)).shape == (1, 1000)


def test_efficientnet_lite0_classifies_imagenet_samples() -> None:
    images, labels = imagenet_samples()
    with torch.no_grad():
        top1 = load_efficientnet_lite0()(torch.from_numpy(images)).argmax(1).numpy()
    assert int((top1 == labels).sum()) == 17  # DATA.md: 17 of foolbox's 20 samples
