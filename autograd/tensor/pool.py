"""``max_pool2d`` and ``avg_pool2d`` as one op each, with the windows never copied.

A window's taps are kh*kw strided views of the (padded) image (``conv.taps``): the maximum is a
running comparison over those views, the mean a running sum. The max pool keeps, per window, the
index of the tap that won (``idx``), so its backward sends each window's gradient to that one
element, as PyTorch does: the first maximum in row-major order, or the last nan if the window
holds one; a window of padding and -inf sends it to its first real element.

Windows that tile the image (stride = kernel, no padding or dilation; the usual 2x2) are reduced
along rows, then along columns, each numpy pass one long loop (reductions over short axes, and
passes whose inner axis is a few pixels long, cost ~10x more per element): the rows in the image's
memory order (a convolution's output is (C, N, H, W)), then one copy to (kh, OW, windows) so that
the columns are kh contiguous arrays.

Second order: with ``create_graph`` the vjps are Tensor ops, ``fold`` of the gradient times a
constant window mask (max) or weight 1/(kh*kw) (mean); both pools are piecewise linear, so
those are their exact second derivatives (zero with respect to x itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..ops import Op
from .conv import Geometry, add_taps, fold, memo, padded_array, taps

if TYPE_CHECKING:
    from .core import Tensor


class PoolPlan(NamedTuple):
    """What a pooling of given shapes needs, computed once per configuration."""

    geo: Geometry
    in_shape: tuple[int, int, int, int]
    out_hw: tuple[int, int]
    taps: tuple
    tiles: bool  # the windows tile the image exactly


_PLANS: dict[tuple, PoolPlan] = {}


def pool_plan(geo: Geometry, in_shape: tuple, value: float) -> PoolPlan:
    """The (cached) plan of a pooling of images of ``in_shape`` padded with ``value``;
    ValueError if the windows cannot fit."""
    return memo(_PLANS, (geo, in_shape, value), lambda: _plan(geo._replace(value=value), in_shape))


def _plan(geo: Geometry, in_shape: tuple) -> PoolPlan:
    oh, ow = geo.out_size(*in_shape[2:])
    tiles = (geo.stride == geo.kernel and geo.dilation == (1, 1)
             and geo.padding == ((0, 0), (0, 0))
             and (oh * geo.kernel[0], ow * geo.kernel[1]) == tuple(in_shape[2:]))
    return PoolPlan(geo, in_shape, (oh, ow), taps(geo, oh, ow), tiles)


def _scan(views: list[np.ndarray], nans: bool) -> tuple[np.ndarray, np.ndarray]:
    """The running maximum over ``views`` and the index of the view that holds it: the first
    maximum, or with ``nans`` the last nan (PyTorch's ``val > max or isnan(val)``). For two
    views the index is a boolean array (True: the second)."""
    if len(views) == 2:  # the common 2-wide window: no copy, the comparison is the index
        a, b = views
        take = np.greater(b, a)
        if nans:
            take |= np.isnan(b)
        return np.maximum(a, b), take  # nan wins the value either way
    best = views[0].copy(order="K")
    idx = np.zeros(best.shape, np.uint8 if len(views) < 256 else np.int32)
    for k, s in enumerate(views[1:], 1):
        take = np.greater(s, best)
        if nans:
            take |= np.isnan(s)
        np.maximum(best, s, out=best)
        np.putmask(idx, take, k)
    return best, idx


def _spread(g: np.ndarray, idx: np.ndarray, outs: list[np.ndarray], exact: bool) -> None:
    """outs[k] = g where idx == k, else 0; ``exact`` (g holds inf or nan): zeros that stay
    zeros, where a product would give inf * 0 = nan."""
    for k, out in enumerate(outs):
        hit = (idx if k else ~idx) if idx.dtype == bool else idx == k
        if exact:
            out[...] = np.where(hit, g, 0)
        else:
            np.multiply(g, hit, out=out)


def _rows_first(x: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """``x`` (N, C, H, W) as a C-contiguous array with H, W last, and the axis order it has (a
    swap of the first two axes or none: its own inverse)."""
    for perm in ((0, 1, 2, 3), (1, 0, 2, 3)):
        base = x.transpose(perm)
        if base.flags.c_contiguous:
            return base, perm
    return np.ascontiguousarray(x), (0, 1, 2, 3)


def _tile_views(a: np.ndarray, k: int) -> list[np.ndarray]:
    """The k interleaved 1-D views of a contiguous array whose last axis splits into groups of k."""
    return list(a.reshape(-1, k).T)


class MaxPool2d(Op):
    """y = the maximum of each window;  dx = g at each window's maximum, 0 elsewhere"""

    __slots__ = ("plan", "idx", "perm")
    name = "max_pool2d"
    kind = "reduction"
    params = ("geo",)
    derivatives = ("{g} at each window's argmax, 0 elsewhere",)
    engines = ("tensor",)
    exact = True

    def __init__(self, p: PoolPlan) -> None:
        self.plan = p
        self.idx: tuple = ()
        self.perm: tuple[int, ...] = (0, 1, 2, 3)

    @property
    def geo(self) -> Geometry:
        return self.plan.geo

    def forward(self, F: Any, x: np.ndarray) -> np.ndarray:
        if self.plan.tiles:
            return self._tiled(x, False)
        best, idx = _windows(x, self.plan, False)
        self.idx = (idx,)
        return best

    def _tiled(self, x: np.ndarray, nans: bool) -> np.ndarray:
        """Rows first: the max of each kw pixels along a row (long strided passes over the image),
        then of each kh of those rows. Between the two, one copy turns the row maxima from
        (windows, kh, OW) into (kh, OW, windows): the second scan is then over kh contiguous
        arrays (numpy loops over an inner axis of only OW pixels cost ~10x more per element).
        The result is a view (N, C, OH, OW) of an (OW, windows) array."""
        (kh, kw), (oh, ow) = self.plan.geo.kernel, self.plan.out_hw
        base, self.perm = _rows_first(x)
        a, b = base.shape[:2]
        row, i1 = _scan(_tile_views(base, kw), nans)  # (a * b * H * OW,)
        cols = np.empty((kh, ow, a * b * oh), row.dtype)
        cols.transpose(2, 0, 1)[...] = row.reshape(a * b * oh, kh, ow)
        best, i2 = _scan(list(cols), nans)  # (OW, a * b * OH)
        if not nans and not np.isfinite(best.sum()):
            return self._tiled(x, True)
        self.idx = (i1, i2)
        return best.reshape(ow, a, b, oh).transpose(1, 2, 3, 0).transpose(self.perm)

    def vjp(self, F: Any, g: Any, out: Any, xs: Any, need: Any) -> tuple:
        p = self.plan
        if F.name == "graph":
            return (_graph_vjp(g, _windows(xs[0].data, p, True)[1], p),)
        if p.tiles:
            return (self._tiled_vjp(g),)
        parts = [np.empty(g.shape, g.dtype) for _ in p.taps]
        _spread(g, self.idx[0], parts, not np.isfinite(g.sum()))
        return (add_taps(parts, p.geo, p.in_shape, g.dtype),)

    def _tiled_vjp(self, g: np.ndarray) -> np.ndarray:
        """The forward's passes in reverse, in its memory orders: g to each window's winning row
        (contiguous), one copy back to (windows, kh, OW), then to each row's winning pixel."""
        (kh, kw), (oh, ow) = self.plan.geo.kernel, self.plan.out_hw
        i1, i2 = self.idx
        gb = g.transpose(self.perm)  # (a, b, OH, OW), as the forward saw it
        a, b = gb.shape[:2]
        gc = np.empty((ow, a, b, oh), g.dtype)
        gc[...] = gb.transpose(3, 0, 1, 2)  # the forward's (OW, windows) order
        gc = gc.reshape(ow, a * b * oh)
        exact = not np.isfinite(gc.sum())
        cols = np.empty((kh, ow, a * b * oh), g.dtype)
        _spread(gc, i2, list(cols), exact)
        rows = np.empty((a * b * oh, kh, ow), g.dtype)
        rows.transpose(1, 2, 0)[...] = cols
        dx = np.empty((a, b, oh * kh, ow * kw), g.dtype)
        _spread(rows.reshape(-1), i1, _tile_views(dx, kw), exact)
        return dx.transpose(self.perm)



def _windows(x: np.ndarray, p: PoolPlan, nans: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each window's maximum and winning tap (N, C, OH, OW), for any geometry: a scan over the
    taps' strided views of the padded image. Without ``nans`` it assumes none and redoes the scan
    by the full rules when the result says otherwise (a nan, or a window of padding and -inf)."""
    xp = padded_array(x, p.geo)
    best, idx = _scan([xp[:, :, r, c] for r, c in p.taps], nans)
    if np.isfinite(best.sum()):
        return best, idx
    if not nans:
        return _windows(x, p, True)
    (pt, _), (pl, _) = p.geo.padding
    (h, w), (oh, ow) = p.in_shape[2:], p.out_hw
    inside = np.zeros((len(p.taps), oh, ow), bool)  # which taps of each window hit the image
    for k, (r, c) in enumerate(p.taps):
        rr = np.arange(r.start, r.stop, r.step) - pt
        cc = np.arange(c.start, c.stop, c.step) - pl
        inside[k] = ((rr >= 0) & (rr < h))[:, None] & ((cc >= 0) & (cc < w))[None, :]
    empty = best == -np.inf  # PyTorch: such a window's gradient goes to its first real pixel
    idx[empty] = np.broadcast_to(inside.argmax(axis=0), idx.shape)[empty]
    return best, idx


class AvgPool2d(Op):
    """y = the mean of each window (padding counts as 0);  dx = g / (kh*kw) on each window"""

    __slots__ = ("plan",)
    name = "avg_pool2d"
    kind = "reduction"
    params = ("geo",)
    derivatives = ("{g} / (kh*kw) spread over each window",)
    engines = ("tensor",)
    exact = True

    def __init__(self, p: PoolPlan) -> None:
        self.plan = p

    @property
    def geo(self) -> Geometry:
        return self.plan.geo

    def forward(self, F: Any, x: np.ndarray) -> np.ndarray:
        p = self.plan
        xp = padded_array(x, p.geo)
        views = [xp[:, :, r, c] for r, c in p.taps]
        total = views[0].copy(order="K")
        with np.errstate(all="ignore"):  # inf - inf = nan, as IEEE says, silently
            for s in views[1:]:
                total += s
            total *= total.dtype.type(1.0 / len(views))
        return total

    def vjp(self, F: Any, g: Any, out: Any, xs: Any, need: Any) -> tuple:
        p = self.plan
        (kh, kw), (oh, ow) = p.geo.kernel, p.out_hw
        if F.name == "graph":
            return (_graph_vjp(g, None, p),)
        share = g * g.dtype.type(1.0 / (kh * kw))
        if p.tiles:  # every pixel in exactly one window: a broadcast copy
            n, c = g.shape[:2]
            dx = np.empty((n, c, oh, kh, ow, kw), g.dtype)
            dx[...] = share[:, :, :, None, :, None]
            return (dx.reshape(p.in_shape),)
        return (add_taps([share] * len(p.taps), p.geo, p.in_shape, g.dtype),)


def _graph_vjp(g: Tensor, idx: np.ndarray | None, p: PoolPlan) -> Tensor:
    """``fold`` of g times each window's constant weights: 1 at the argmax (max) or 1/(kh*kw)."""
    (kh, kw), (oh, ow) = p.geo.kernel, p.out_hw
    n, c = p.in_shape[:2]
    if idx is None:
        weights = np.full((n, oh, ow, c, kh, kw), 1.0 / (kh * kw), g.dtype)
    else:
        hit = idx[..., None] == np.arange(kh * kw)  # (N, C, OH, OW, kh*kw)
        weights = hit.transpose(0, 2, 3, 1, 4).reshape(n, oh, ow, c, kh, kw).astype(g.dtype)
    per_window = g.permute(0, 2, 3, 1).reshape(n, oh, ow, c, 1, 1) * weights
    return fold(per_window, p.geo._replace(value=0.0), p.in_shape)


def max_pool2d(x: Tensor, geo: Geometry) -> Tensor:
    """Record one ``max_pool2d`` node over images ``x`` (N, C, H, W); padding is -inf."""
    op = MaxPool2d(pool_plan(geo, x.data.shape, -np.inf))
    return x._apply(op, op.forward(None, x.data))


def avg_pool2d(x: Tensor, geo: Geometry) -> Tensor:
    """Record one ``avg_pool2d`` node over images ``x`` (N, C, H, W); padding counts as 0."""
    op = AvgPool2d(pool_plan(geo, x.data.shape, 0.0))
    return x._apply(op, op.forward(None, x.data))
