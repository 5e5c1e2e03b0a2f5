"""Convolution and pooling, with PyTorch's names, arguments and layouts (``nn.functional``).

Images are (N, C, H, W) (or (C, H, W) for one image), sequences (N, C, L); a 2-D kernel is
``weight`` (out_channels, in_channels / groups, kh, kw), as in PyTorch. ``conv2d``, ``max_pool2d``
and ``avg_pool2d`` each record ONE graph node (``autograd.tensor.conv2d`` / ``pool``): im2col, one
matrix product and the bias inside the convolution, the windows reduced in place by the pools
(the max pool keeps each window's argmax for its backward). This module turns PyTorch's
arguments (ints or pairs, ``'same'``, ``'valid'``) into a ``Geometry`` and checks them once per
distinct configuration: the result is cached, so a training loop pays for the checks once.

    out[n, o, i, j] = bias[o] + sum_{c, p, q} weight[o, c, p, q] * x_pad[n, c, i*s + p*d, j*s + q*d]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.autograd import Tensor, scope
from chainrule.autograd.tensor import conv2d as _conv
from chainrule.autograd.tensor import pool as _pool
from chainrule.autograd.tensor.conv import Geometry, memo

from ._arrays import is_tensor


def _pair(v: Any, what: str) -> tuple[int, int]:
    pair = tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    if len(pair) != 2 or not all(isinstance(n, (int, np.integer)) and n >= 0 for n in pair):
        raise ValueError(f"{what} must be an int >= 0 or a pair of them, not {v!r}")
    return int(pair[0]), int(pair[1])


def _padding(padding: Any, kernel: tuple[int, int], dilation: tuple[int, int],
             stride: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":  # PyTorch: any extra pixel goes after (bottom, right)
        if stride != (1, 1):
            raise ValueError("padding='same' needs stride 1, as in PyTorch")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
        return tuple((t // 2, t - t // 2) for t in totals)  # type: ignore[return-value]
    ph, pw = _pair(padding, "padding")
    return (ph, ph), (pw, pw)


def _images(x: Any, who: str, dtype: Any = None) -> tuple[Tensor, bool]:
    """The input as a (N, C, H, W) Tensor, and whether it was one (C, H, W) image. An array
    becomes a constant Tensor of ``dtype`` (the weight's, as nn.Linear), else float64 unless it
    already holds floats."""
    if not is_tensor(x):
        arr = np.asarray(x)
        x = Tensor(arr, dtype=dtype or (None if arr.dtype.kind == "f" else np.float64))
    if x.ndim == 3:
        return x.unsqueeze(0), True
    if x.ndim != 4:
        raise ValueError(f"{who}: expected input of shape (N, C, H, W) or (C, H, W), got {x.shape}")
    return x, False


def _geometry(kernel: Any, stride: Any, padding: Any, dilation: Any) -> Geometry:
    k = _pair(kernel, "kernel_size")
    s = _pair(stride, "stride")
    d = _pair(dilation, "dilation")
    if min(k) < 1 or min(s) < 1 or min(d) < 1:
        raise ValueError(f"kernel {k}, stride {s} and dilation {d} must be at least 1")
    return Geometry(k, s, _padding(padding, k, d, s), d)


# PyTorch-style arguments -> checked Geometry, once per distinct call configuration
_CHECKED: dict[tuple, Geometry] = {}


def _conv_geometry(c: int, wshape: tuple, stride: Any, padding: Any, dilation: Any,
                   groups: int) -> Geometry:
    o, cg, kh, kw = wshape
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise TypeError(f"conv2d: groups must be an int >= 1, not {groups!r}")
    if groups < 1 or c % groups or o % groups or cg * groups != c:
        raise ValueError(
            f"conv2d: input has {c} channels, weight {wshape} expects {cg} per group with "
            f"groups={groups}: in and out channels must both divide by groups"
        )
    return _geometry((kh, kw), stride, padding, dilation)


def conv2d(input: Any, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D convolution (PyTorch's cross-correlation), one ``conv2d`` node: im2col and one
    matrix product per group, the bias inside the product.

    ``padding``: an int, a pair, ``'valid'`` (none) or ``'same'`` (output as large as the input).
    """
    if weight.ndim != 4:
        raise ValueError(f"conv2d: weight must be (out, in/groups, kh, kw), got {weight.shape}")
    x, single = _images(input, "conv2d", weight.dtype)
    c, wshape = x.shape[1], weight.shape
    geo = memo(_CHECKED, ("conv", c, wshape, _exact(stride, padding, dilation, groups)),
                  lambda: _conv_geometry(c, wshape, stride, padding, dilation, groups))
    out = _conv.conv2d(x, weight, bias, geo, groups)
    return out.squeeze(0) if single else out


@scope.named("conv1d")
def conv1d(input: Any, weight: Tensor, bias: Tensor | None = None, stride: int = 1,
           padding: Any = 0, dilation: int = 1, groups: int = 1) -> Tensor:
    """1-D convolution of (N, C, L) sequences with ``weight`` (out, in/groups, k): ``conv2d`` on
    images one pixel high."""
    x = input if is_tensor(input) else Tensor(np.asarray(input, dtype=weight.dtype))
    if x.ndim not in (2, 3) or weight.ndim != 3:
        raise ValueError(f"conv1d: expected (N, C, L) input and (out, in, k) weight, got "
                         f"{x.shape} and {weight.shape}")
    pad = padding if isinstance(padding, str) else (0, padding)
    out = conv2d(x.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, stride), pad, (1, dilation),
                 groups)
    return out.squeeze(-2)


def _exact(*args: Any) -> tuple:
    """The size arguments as a cache key that tells 2 from 2.0 and 1 from True: equal in Python,
    but only an int is a valid size, and the answer must not depend on which came first. Each
    value goes in with its type (a tuple item by item)."""
    return tuple((type(a), tuple((type(e), e) for e in a) if type(a) is tuple else a)
                 for a in args)


def _pool_geometry(kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                   who: str) -> Geometry:
    geo = _geometry(kernel_size, kernel_size if stride is None else stride, padding, dilation)
    if any(p > k // 2 for (p, _), k in zip(geo.padding, geo.kernel, strict=True)):
        raise ValueError(f"{who}: padding should be at most half the kernel size, as in PyTorch")
    return geo


def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1) -> Tensor:
    """The maximum of each window, one ``max_pool2d`` node (stride defaults to the kernel size;
    padding is -inf). The gradient goes to each window's first maximum, as in PyTorch."""
    x, single = _images(input, "max_pool2d")
    geo = memo(_CHECKED, ("max", _exact(kernel_size, stride, padding, dilation)),
               lambda: _pool_geometry(kernel_size, stride, padding, dilation, "max_pool2d"))
    out = _pool.max_pool2d(x, geo)
    return out.squeeze(0) if single else out


def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    """The mean of each window, one ``avg_pool2d`` node (stride defaults to the kernel size;
    zero padding counts, as PyTorch's default ``count_include_pad=True``)."""
    x, single = _images(input, "avg_pool2d")
    geo = memo(_CHECKED, ("avg", _exact(kernel_size, stride, padding)), lambda: _pool_geometry(
        kernel_size, stride, padding, 1, "avg_pool2d"))
    out = _pool.avg_pool2d(x, geo)
    return out.squeeze(0) if single else out


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float = 0.0) -> Tensor:
    """PyTorch's ``F.pad``: ``pad`` lists (before, after) pairs from the LAST axis backwards,
    ``(left, right, top, bottom)`` for an image. Only ``mode='constant'``."""
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, not {mode!r}")
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise ValueError(f"pad: {pad} must hold a (before, after) pair per padded axis")
    pairs = [(0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        pairs[input.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return input.pad(tuple(pairs), value)
