"""Two small networks for 1x28x28 Fashion-MNIST images (10 classes), sized to train in about a
minute per epoch on 2 CPU cores.

- ``FashionCNN`` (``fashion_cnn``): three 3x3 Conv-BN-ReLU stages (16, 32, 64 channels) with 2x2
  max pooling after the first two, Flatten, Dense 3136->64, ReLU, Dense 64->10. 225k parameters,
  2.1M MACs per image. Every conv after the first has input channels divisible by 4 and 8
  (N:M sparsity along input channels), and the Flatten->Dense is the structured-pruning case.
- ``FashionResNet`` (``fashion_resnet``): a stride-2 stem (16 channels, 14x14), three basic
  residual blocks of 16, 32 and 64 channels (the last two stride 2 with a 1x1 projection
  shortcut), global average pooling and Dense 64->10. 78k parameters, 2.5M MACs per image.

Both take normalized images (``frontc.datasets.fashion_mnist.normalize``) and return logits.
"""
from __future__ import annotations

import torch
from torch import nn

INPUT_SHAPE = (1, 1, 28, 28)
NUM_CLASSES = 10


def conv_bn(inp: int, out: int, kernel: int = 3, stride: int = 1) -> nn.Sequential:
    """Conv (no bias), BatchNorm, ReLU."""
    return nn.Sequential(nn.Conv2d(inp, out, kernel, stride, kernel // 2, bias=False), nn.BatchNorm2d(out),
                         nn.ReLU(inplace=True))


class FashionCNN(nn.Module):
    """A plain three-stage CNN with a two-layer Dense classifier after Flatten."""

    def __init__(self, width: int = 16, hidden: int = 64, num_classes: int = NUM_CLASSES) -> None:
        super().__init__()
        w = width
        self.features = nn.Sequential(conv_bn(1, w), nn.MaxPool2d(2), conv_bn(w, 2 * w), nn.MaxPool2d(2),
                                      conv_bn(2 * w, 4 * w))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(4 * w * 7 * 7, hidden), nn.ReLU(inplace=True),
                                        nn.Linear(hidden, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


class BasicBlock(nn.Module):
    """Two 3x3 Conv-BN with a ReLU between, plus an identity or 1x1 projection shortcut."""

    def __init__(self, inp: int, out: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inp, out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out)
        self.conv2 = nn.Conv2d(out, out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = (nn.Sequential() if stride == 1 and inp == out else
                         nn.Sequential(nn.Conv2d(inp, out, 1, stride, bias=False), nn.BatchNorm2d(out)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class FashionResNet(nn.Module):
    """A stride-2 stem, three basic blocks (16, 32, 64 channels), global pooling and a Dense head."""

    def __init__(self, width: int = 16, num_classes: int = NUM_CLASSES) -> None:
        super().__init__()
        w = width
        self.stem = conv_bn(1, w, stride=2)
        self.layer1 = BasicBlock(w, w)
        self.layer2 = BasicBlock(w, 2 * w, stride=2)
        self.layer3 = BasicBlock(2 * w, 4 * w, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4 * w, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer3(self.layer2(self.layer1(self.stem(x))))
        return self.fc(torch.flatten(self.pool(x), 1))


def fashion_cnn(num_classes: int = NUM_CLASSES) -> FashionCNN:
    """A FashionCNN of widths 16/32/64 and a 64-unit hidden Dense, randomly initialized."""
    return FashionCNN(16, 64, num_classes)


def fashion_resnet(num_classes: int = NUM_CLASSES) -> FashionResNet:
    """A FashionResNet of widths 16/32/64, randomly initialized."""
    return FashionResNet(16, num_classes)


FASHION_MODELS = {"fashion_cnn": fashion_cnn, "fashion_resnet": fashion_resnet}
