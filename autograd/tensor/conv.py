"""Sliding windows, the core of convolution and pooling: ``unfold`` (im2col) and its adjoint
``fold`` (col2im), each the other's gradient, so convolutions have second derivatives too.

``unfold(x, geometry)`` takes images ``x`` of shape (N, C, H, W) and returns every window the
kernel visits as one array of shape (N, OH, OW, C, kh, kw): window (oh, ow) of channel c holds
``x_padded[c, oh*sh + i*dh, ow*sw + j*dw]`` for i < kh, j < kw. A convolution is then one matrix
product of those windows (reshaped to (N*OH*OW, C*kh*kw)) with the weights (reshaped to
(O, C*kh*kw)): the "im2col" method. Pooling reduces over the last two axes.

- unfold: y = windows of x;  dx = fold(g): each window's gradient added back where it came from
- fold:   y = windows summed back into an image;  dx = unfold(g)

Padding uses ``geometry.value`` (0 for convolution, -inf for max pooling); the gradient never
flows to padding. One window copy is made (numpy's ``as_strided`` view, then one copy); fold adds
kh*kw strided slices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..ops import Op

if TYPE_CHECKING:
    from .core import Tensor


class Geometry(NamedTuple):
    """How a kernel slides over an image (all pairs are (rows, columns))."""

    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right))
    dilation: tuple[int, int]
    value: float = 0.0

    def out_size(self, h: int, w: int) -> tuple[int, int]:
        """(OH, OW) for an (h, w) image; raises if the kernel does not fit."""
        sizes = []
        for n, k, s, (a, b), d in zip((h, w), self.kernel, self.stride, self.padding,
                                      self.dilation, strict=True):
            span = d * (k - 1) + 1
            if n + a + b < span:
                raise ValueError(
                    f"the kernel spans {span} pixels (kernel {k}, dilation {d}) but the padded "
                    f"input has only {n + a + b}: use a smaller kernel or more padding"
                )
            sizes.append((n + a + b - span) // s + 1)
        return sizes[0], sizes[1]


def memo(cache: dict, key: Any, make: Callable[[], Any]) -> Any:
    """``cache[key]``, made by ``make()`` the first time; an unhashable key is made every time.
    How conv and pooling check their arguments and plan their shapes once per configuration (a
    cache that passes 256 entries, a sweep over many shapes, starts again)."""
    try:
        value = cache.get(key)
    except TypeError:
        return make()
    if value is None:
        value = make()
        if len(cache) >= 256:
            cache.clear()
        cache[key] = value
    return value


def padded_array(x: np.ndarray, geo: Geometry, dtype: Any = None) -> np.ndarray:
    """``x`` (N, C, H, W) inside a border of ``geo.value`` (``x`` itself without padding)."""
    (pt, pb), (pl, pr) = geo.padding
    if not (pt or pb or pl or pr):
        return x
    n, c, h, w = x.shape
    shape, dtype = (n, c, h + pt + pb, w + pl + pr), dtype or x.dtype
    xp = np.full(shape, geo.value, dtype) if geo.value else np.zeros(shape, dtype)
    xp[:, :, pt : pt + h, pl : pl + w] = x
    return xp


def strided_view(a: np.ndarray, shape: tuple[int, ...], strides: tuple[int, ...]) -> np.ndarray:
    """A read-only view of ``a``'s memory with the given shape and byte strides (the caller keeps
    them inside ``a``). A contiguous ``a`` is viewed through the ndarray constructor, ~10x cheaper
    per call than numpy's ``as_strided`` (which goes through ``__array_interface__``)."""
    if a.flags.c_contiguous:
        view = np.ndarray(shape, a.dtype, buffer=a, strides=strides)
        view.flags.writeable = False
        return view
    return as_strided(a, shape, strides, writeable=False)


def unfold_array(x: np.ndarray, geo: Geometry) -> np.ndarray:
    """The windows of ``x`` (N, C, H, W) as a new (N, OH, OW, C, kh, kw) array."""
    oh, ow = geo.out_size(*x.shape[2:])
    x = padded_array(x, geo)
    n, c = x.shape[:2]
    (kh, kw), (sh, sw), (dh, dw) = geo.kernel, geo.stride, geo.dilation
    s0, s1, s2, s3 = x.strides
    view = strided_view(x, (n, oh, ow, c, kh, kw), (s0, s2 * sh, s3 * sw, s1, s2 * dh, s3 * dw))
    return np.ascontiguousarray(view)


def taps(geo: Geometry, oh: int, ow: int) -> tuple[tuple[slice, slice], ...]:
    """For each kernel tap (i, j), row-major: the (rows, columns) slices of the padded image that
    tap reads in every window, so ``x_pad[:, :, rows, cols]`` is (N, C, OH, OW). Convolution and
    pooling loop over these kh*kw strided views instead of copying every window."""
    (kh, kw), (sh, sw), (dh, dw) = geo.kernel, geo.stride, geo.dilation
    return tuple((slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
                  slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))
                 for i in range(kh) for j in range(kw))


def add_taps(parts: Iterable[np.ndarray], geo: Geometry, shape: tuple[int, ...],
             dtype: Any) -> np.ndarray:
    """The adjoint of reading the taps: part k (N, C, OH, OW), for each tap k in ``taps`` order,
    added into a zero image of ``shape`` (N, C, H, W) where that tap read; padding dropped."""
    (pt, pb), (pl, pr) = geo.padding
    n, c, h, w = shape
    out = np.zeros((n, c, h + pt + pb, w + pl + pr), dtype)
    oh, ow = geo.out_size(h, w)
    for part, (rows, columns) in zip(parts, taps(geo, oh, ow), strict=True):
        out[:, :, rows, columns] += part
    return out[:, :, pt : pt + h, pl : pl + w]


def fold_array(cols: np.ndarray, geo: Geometry, shape: tuple[int, ...]) -> np.ndarray:
    """The adjoint of ``unfold_array``: windows (N, OH, OW, C, kh, kw) summed into an image of
    ``shape`` (N, C, H, W), each value added where its window took it from."""
    n, oh, ow, c, kh, kw = cols.shape
    g = cols.transpose(0, 3, 4, 5, 1, 2).reshape(n, c, kh * kw, oh, ow)
    return add_taps((g[:, :, k] for k in range(kh * kw)), geo, shape, cols.dtype)


class Unfold(Op):
    """y = the kernel's windows of x (im2col);  dx = fold(g), each window's gradient added back"""

    __slots__ = ("geo", "in_shape")
    name = "unfold"
    kind = "shape"
    params = ("geo",)
    derivatives = ("fold({g})",)
    engines = ("tensor",)

    def __init__(self, geo: Geometry, in_shape: tuple[int, ...]) -> None:
        self.geo = geo
        self.in_shape = in_shape

    def forward(self, F, x):
        return unfold_array(x, self.geo)

    def vjp(self, F, g, out, xs, need):
        if F.name == "graph":
            return (fold(g, self.geo._replace(value=0.0), self.in_shape),)
        return (fold_array(g, self.geo, self.in_shape),)


class Fold(Op):
    """y = windows summed back into an image (col2im, the adjoint of unfold);  dx = unfold(g)"""

    __slots__ = ("geo", "shape")
    name = "fold"
    kind = "shape"
    params = ("geo", "shape")
    derivatives = ("unfold({g})",)
    engines = ("tensor",)

    def __init__(self, geo: Geometry, shape: tuple[int, ...]) -> None:
        self.geo = geo
        self.shape = shape

    def forward(self, F, x):
        return fold_array(x, self.geo, self.shape)

    def vjp(self, F, g, out, xs, need):
        if F.name == "graph":
            return (unfold(g, self.geo._replace(value=0.0)),)
        return (unfold_array(g, self.geo._replace(value=0.0)),)


def unfold(x: Tensor, geo: Geometry) -> Tensor:
    """The windows of images ``x`` (N, C, H, W) as a Tensor (N, OH, OW, C, kh, kw)."""
    if x.ndim != 4:
        raise ValueError(f"unfold: expected images of shape (N, C, H, W), got {x.shape}")
    op = Unfold(geo, x.shape)
    return x._apply(op, op.forward(None, x.data))


def fold(cols: Tensor, geo: Geometry, shape: tuple[int, ...]) -> Tensor:
    """Windows (N, OH, OW, C, kh, kw) summed back into images of ``shape`` (N, C, H, W)."""
    op = Fold(geo, tuple(shape))
    return cols._apply(op, op.forward(None, cols.data))


