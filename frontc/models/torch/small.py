"""Small networks for fast end-to-end tests: many op kinds, few parameters."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class ConvBNAct(nn.Sequential):
    """Conv (no bias), BatchNorm, activation."""

    def __init__(self, inp: int, out: int, kernel: int = 3, stride: int = 1, groups: int = 1,
                 act: type[nn.Module] = nn.ReLU) -> None:
        super().__init__(nn.Conv2d(inp, out, kernel, stride, kernel // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(out), act())


class SmallUNet(nn.Module):
    """A two-level encoder-decoder: strided and dilated convs, pools, nearest and bilinear
    upsampling, concatenation, chunking, hardswish/silu/leaky ReLU, and a classifier head."""

    def __init__(self, channels: int = 8, num_classes: int = 10) -> None:
        super().__init__()
        c = channels
        self.stem = ConvBNAct(3, c, act=nn.Hardswish)
        self.down1 = ConvBNAct(c, 2 * c, stride=2, act=nn.SiLU)
        self.dilated = nn.Conv2d(2 * c, 2 * c, 3, padding=2, dilation=2)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.mid = ConvBNAct(2 * c, 4 * c, groups=2, act=nn.ReLU6)
        self.up1 = nn.Conv2d(4 * c, 2 * c, 1)
        self.fuse = ConvBNAct(4 * c, 2 * c, act=nn.Hardsigmoid)
        self.avg = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.1), nn.Linear(2 * c, 4 * c), nn.GELU("tanh"),
                                  nn.Linear(4 * c, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x1 = self.stem(x)
        x2 = self.down1(x1)
        x2 = x2 + F.leaky_relu(self.dilated(x2), 0.1)
        x3 = self.mid(self.pool(x2))
        up = F.interpolate(self.up1(x3), scale_factor=2.0, mode="nearest")
        skip = F.interpolate(x2, size=[up.shape[2], up.shape[3]], mode="bilinear", align_corners=False)
        y = self.fuse(torch.cat([up, skip], dim=1))
        halves = torch.chunk(y, 2, dim=1)
        a, b = halves[0], halves[1]
        y = torch.cat([a * torch.sigmoid(b), torch.tanh(b) - a / 2], dim=1)
        y = self.avg(y).mean(dim=(2, 3), keepdim=True)
        return torch.softmax(self.head(y), dim=-1)


def small_unet(num_classes: int = 10) -> SmallUNet:
    """A SmallUNet with 8 base channels (about 12k parameters), randomly initialized."""
    return SmallUNet(8, num_classes)
