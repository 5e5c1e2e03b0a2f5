"""Convolution and pooling layers with PyTorch's names, arguments, state-dict keys and weight
layouts: ``Conv2d`` (``weight`` (out, in/groups, kh, kw), ``bias`` (out,)), ``MaxPool2d``,
``AvgPool2d`` and ``Flatten``. The computation is ``nn.functional``'s (im2col and one matrix
product); a layer only holds the parameters and the settings.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.autograd import Tensor

from . import functional as F
from ._rng import make_rng
from .module import Module


class Conv2d(Module):
    """2-D convolution: (N, in_channels, H, W) -> (N, out_channels, OH, OW).

    Initialisation as PyTorch's: weight and bias uniform on +-1/sqrt(fan_in), with
    fan_in = in_channels / groups * kh * kw."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True, *,
                 dtype: Any = np.float64, seed: int | None = None, rng: Any = None) -> None:
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"Conv2d: in_channels ({in_channels}) and out_channels "
                             f"({out_channels}) must both divide by groups ({groups})")
        kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = (int(kh), int(kw))
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        gen = make_rng(rng, seed)
        bound = 1.0 / math.sqrt(in_channels // groups * kh * kw)
        shape = (out_channels, in_channels // groups, kh, kw)
        self.weight = Tensor(gen.uniform(-bound, bound, shape).astype(dtype), requires_grad=True)
        self.bias = (Tensor(gen.uniform(-bound, bound, out_channels).astype(dtype),
                            requires_grad=True) if bias else None)

    def forward(self, x: Any) -> Tensor:
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)

    def extra_repr(self) -> str:
        extra = "".join(f", {k}={getattr(self, k)}" for k, default in
                        (("stride", 1), ("padding", 0), ("dilation", 1), ("groups", 1))
                        if getattr(self, k) != default)
        bias = "" if self.bias is not None else ", bias=False"
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
                f"{extra}{bias}")


class MaxPool2d(Module):
    """The maximum of each ``kernel_size`` window (``stride`` defaults to ``kernel_size``)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1) -> None:
        self.kernel_size, self.stride = kernel_size, stride
        self.padding, self.dilation = padding, dilation

    def forward(self, x: Any) -> Tensor:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride or self.kernel_size}"


class AvgPool2d(MaxPool2d):
    """The mean of each ``kernel_size`` window (``stride`` defaults to ``kernel_size``)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__(kernel_size, stride, padding)

    def forward(self, x: Any) -> Tensor:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding)


class Flatten(Module):
    """Axes ``start_dim`` .. ``end_dim`` merged into one: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=np.float64))
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
