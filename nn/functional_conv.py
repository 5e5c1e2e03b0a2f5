"""Convolution and pooling, with PyTorch's names, arguments and layouts (``nn.functional``).

Images are (N, C, H, W) (or (C, H, W) for one image), sequences (N, C, L); a 2-D kernel is
``weight`` (out_channels, in_channels / groups, kh, kw), as in PyTorch. A convolution is im2col and
one matrix product: ``autograd``'s ``unfold`` copies every window the kernel visits into a row,
(N*OH*OW, C*kh*kw), and the rows times the flattened kernels (C*kh*kw, O) give every output at
once (the bias rides along as one more column of ones: its gradient is then part of the product's
gradient, which BLAS computes ~10x faster than numpy's sum over the rows). Its gradient is that
product's gradient followed by ``fold``, which adds each window's gradient back where the window
came from. Pooling reduces each window instead (max or mean); windows that tile the image are
reduced without copying them.

    out[n, o, i, j] = bias[o] + sum_{c, p, q} weight[o, c, p, q] * x_pad[n, c, i*s + p*d, j*s + q*d]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.autograd import Tensor, cat, scope
from chainrule.autograd.tensor.conv import Geometry, unfold

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


def _images(x: Any, who: str) -> tuple[Tensor, bool]:
    """The input as a (N, C, H, W) Tensor, and whether it was one (C, H, W) image."""
    x = x if is_tensor(x) else Tensor(np.asarray(x, dtype=np.float64))
    if x.ndim == 3:
        return x.unsqueeze(0), True
    if x.ndim != 4:
        raise ValueError(f"{who}: expected input of shape (N, C, H, W) or (C, H, W), got {x.shape}")
    return x, False


def _geometry(kernel: Any, stride: Any, padding: Any, dilation: Any,
              value: float = 0.0) -> Geometry:
    k = _pair(kernel, "kernel_size")
    s = _pair(stride, "stride")
    d = _pair(dilation, "dilation")
    if min(k) < 1 or min(s) < 1 or min(d) < 1:
        raise ValueError(f"kernel {k}, stride {s} and dilation {d} must be at least 1")
    return Geometry(k, s, _padding(padding, k, d, s), d, value)


@scope.named("conv2d")
def conv2d(input: Any, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D convolution (PyTorch's cross-correlation), by im2col and one matrix product per group.

    ``padding``: an int, a pair, ``'valid'`` (none) or ``'same'`` (output as large as the input).
    """
    x, single = _images(input, "conv2d")
    if weight.ndim != 4:
        raise ValueError(f"conv2d: weight must be (out, in/groups, kh, kw), got {weight.shape}")
    o, cg, kh, kw = weight.shape
    c = x.shape[1]
    if groups < 1 or c % groups or o % groups or cg * groups != c:
        raise ValueError(
            f"conv2d: input has {c} channels, weight {weight.shape} expects {cg} per group with "
            f"groups={groups}: in and out channels must both divide by groups"
        )
    geo = _geometry((kh, kw), stride, padding, dilation)
    og = o // groups
    parts = []
    for g in range(groups):
        xg = x if groups == 1 else x[:, g * cg : (g + 1) * cg]
        wg = weight if groups == 1 else weight[g * og : (g + 1) * og]
        cols = unfold(xg, geo)  # (N, OH, OW, C/g, kh, kw)
        n, oh, ow = cols.shape[:3]
        rows, kernels = cols.reshape(n * oh * ow, cg * kh * kw), wg.reshape(og, cg * kh * kw)
        if bias is not None:  # a column of ones: the bias (and its gradient) join the product
            bg = bias if groups == 1 else bias[g * og : (g + 1) * og]
            rows = cat([rows, np.ones((n * oh * ow, 1), rows.dtype)], dim=1)
            kernels = cat([kernels, bg.reshape(og, 1)], dim=1)
        parts.append((rows @ kernels.T).reshape(n, oh, ow, og))
    out = parts[0] if groups == 1 else cat(parts, dim=3)
    out = out.permute(0, 3, 1, 2)  # (N, OH, OW, O) -> (N, O, OH, OW)
    return out.squeeze(0) if single else out


@scope.named("conv1d")
def conv1d(input: Any, weight: Tensor, bias: Tensor | None = None, stride: int = 1,
           padding: Any = 0, dilation: int = 1, groups: int = 1) -> Tensor:
    """1-D convolution of (N, C, L) sequences with ``weight`` (out, in/groups, k): ``conv2d`` on
    images one pixel high."""
    x = input if is_tensor(input) else Tensor(np.asarray(input, dtype=np.float64))
    if x.ndim not in (2, 3) or weight.ndim != 3:
        raise ValueError(f"conv1d: expected (N, C, L) input and (out, in, k) weight, got "
                         f"{x.shape} and {weight.shape}")
    pad = padding if isinstance(padding, str) else (0, padding)
    out = conv2d(x.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, stride), pad, (1, dilation),
                 groups)
    return out.squeeze(-2)


def _pool(x: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any, value: float,
          who: str) -> tuple[Tensor, bool]:
    x, single = _images(x, who)
    stride = kernel_size if stride is None else stride
    geo = _geometry(kernel_size, stride, padding, dilation, value)
    if any(p > k // 2 for p, k in zip(_pair(padding, "padding"), geo.kernel, strict=True)):
        raise ValueError(f"{who}: padding should be at most half the kernel size, as in PyTorch")
    return unfold(x, geo), single


def _tiles(x: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
           reduce: str) -> Tensor | None:
    """Pooling in the common case, windows that tile the image (stride = kernel, no padding or
    dilation): a reshape and a reduction, no window copy. The axes are arranged so that the
    reshape is free both for NCHW data and for a convolution's output (channels-last memory)."""
    k = _pair(kernel_size, "kernel_size")
    x, _ = _images(x, "pool")
    n, c, h, w = x.shape
    if (_pair(stride if stride is not None else k, "stride") != k or padding not in (0, (0, 0))
            or dilation not in (1, (1, 1)) or h % k[0] or w % k[1]):
        return None
    tiles = (h // k[0], k[0], w // k[1], k[1])
    if x.data.transpose(0, 2, 3, 1).flags.c_contiguous:  # channels-last memory
        y = getattr(x.permute(0, 2, 3, 1).reshape(n, *tiles, c), reduce)(axis=(2, 4))
        return y.permute(0, 3, 1, 2)
    return getattr(x.reshape(n, c, *tiles), reduce)(axis=(3, 5))


@scope.named("max pool")
def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1) -> Tensor:
    """The maximum of each window (stride defaults to the kernel size; padding is -inf)."""
    x, single = _images(input, "max_pool2d")
    out = _tiles(x, kernel_size, stride, padding, dilation, "max")
    if out is None:
        cols, _ = _pool(x, kernel_size, stride, padding, dilation, -np.inf, "max_pool2d")
        out = cols.max(axis=(4, 5)).permute(0, 3, 1, 2)
    return out.squeeze(0) if single else out


@scope.named("average pool")
def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    """The mean of each window (stride defaults to the kernel size; zero padding counts, as
    PyTorch's default ``count_include_pad=True``)."""
    x, single = _images(input, "avg_pool2d")
    out = _tiles(x, kernel_size, stride, padding, 1, "mean")
    if out is None:
        cols, _ = _pool(x, kernel_size, stride, padding, 1, 0.0, "avg_pool2d")
        out = cols.mean(axis=(4, 5)).permute(0, 3, 1, 2)
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
