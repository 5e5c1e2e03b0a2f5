"""``conv2d`` as ONE op: im2col, one matrix product and the bias inside a single graph node.

    y[n, o, i, j] = b[o] + sum_{c, p, q} w[o, c, p, q] * x_pad[n, c, i*sh + p*dh, j*sw + q*dw]

For each group, the windows of ``x`` are copied into a matrix ``cols`` of shape (K + 1, M), one
row per kernel tap (K = C/groups * kh * kw) plus a row of ones for the bias, one column per
output pixel (M = N * OH * OW), and ``y = [w | b] @ cols``. The vector-Jacobian products:

- ``d[w | b] = g @ cols^T``: the weight gradient and the bias gradient in one product (the row
  of ones turns the bias sum into part of the product, which BLAS does ~10x faster than numpy's
  sum over many short rows);
- ``dx = col2im(w^T @ g)``: each window's gradient added back where the window came from.

The taps-by-pixels layout (rather than pixels-by-taps) keeps every copy and every numpy pass
long and contiguous; the output is a view (N, O, OH, OW) of an (O, N, OH, OW) array. The same
layout lets the bias gradient come out of the product. ``cols`` is kept from the forward pass for
the weight gradient; the input gradient is computed only when the input needs one.

Second order: with ``create_graph`` the vjp is built from differentiable Tensor ops instead,
the ``unfold``/``fold`` composite of ``conv.py`` (``unfold(x)`` windows, batched ``@``,
``fold``), so gradients of gradients follow from those ops' own rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..graph import NARY
from ..ops import Op
from .conv import Geometry, add_taps, fold, memo, padded_array, strided_view, unfold

if TYPE_CHECKING:
    from .core import Tensor


class Plan(NamedTuple):
    """What a convolution of given shapes needs, computed once per configuration."""

    geo: Geometry
    groups: int
    in_shape: tuple[int, int, int, int]  # (N, C, H, W)
    w_shape: tuple[int, int, int, int]  # (O, C / groups, kh, kw)
    out_hw: tuple[int, int]  # (OH, OW)


_PLANS: dict[tuple, Plan] = {}


def plan(geo: Geometry, groups: int, in_shape: tuple, w_shape: tuple) -> Plan:
    """The (cached) plan of a convolution; raises ValueError when the shapes do not fit."""
    return memo(_PLANS, (geo, groups, in_shape, w_shape), lambda: Plan(
        geo, groups, in_shape, w_shape, geo.out_size(*in_shape[2:])))


def im2col(x: np.ndarray, p: Plan, bias: bool, dtype: Any) -> np.ndarray:
    """The windows of ``x`` as (groups, C/groups * kh * kw [+ 1 row of ones], N * OH * OW):
    one copy from a strided view of the padded image (tap (c, i, j) of window (n, oh, ow) is
    ``x_pad[n, c, oh*sh + i*dh, ow*sw + j*dw]``)."""
    n, c = p.in_shape[:2]
    (oh, ow), g = p.out_hw, p.groups
    _, cg, kh, kw = p.w_shape
    (sh, sw), (dh, dw) = p.geo.stride, p.geo.dilation
    k = cg * kh * kw
    cols = np.empty((g, k + bias, n * oh * ow), dtype)
    if bias:
        cols[:, k] = 1
    xp = padded_array(x, p.geo, dtype)
    s0, s1, s2, s3 = xp.strides
    windows = strided_view(xp, (g, cg, kh, kw, n, oh, ow),
                           (s1 * cg, s1, s2 * dh, s3 * dw, s0, s2 * sh, s3 * sw))
    cols[:, :k].reshape(g, cg, kh, kw, n, oh, ow)[...] = windows
    return cols


def col2im(dcols: np.ndarray, p: Plan) -> np.ndarray:
    """The adjoint of ``im2col`` (without the ones): tap gradients summed into an image."""
    n, c = p.in_shape[:2]
    (oh, ow), (_, _, kh, kw) = p.out_hw, p.w_shape
    d = dcols.reshape(c, kh * kw, n, oh, ow)
    return add_taps((d[:, k].transpose(1, 0, 2, 3) for k in range(kh * kw)), p.geo, p.in_shape,
                    dcols.dtype)


class Conv2d(Op):
    """y = [w | b] @ im2col(x);  d[w | b] = g @ im2col(x)^T,  dx = col2im(w^T @ g)"""

    __slots__ = ("plan", "cols")
    name = "conv2d"
    kind = "linalg"
    arity = None
    params = ("geo", "groups")
    derivatives = ("col2im({b}^T @ {g})", "{g} @ im2col({a})^T", "sum of {g} over N, H, W")
    engines = ("tensor",)
    exact = True

    def __init__(self, p: Plan) -> None:
        self.plan = p
        self.cols: np.ndarray | None = None

    @property
    def geo(self) -> Geometry:
        return self.plan.geo

    @property
    def groups(self) -> int:
        return self.plan.groups

    def forward(self, F: Any, x: Any, w: Any, b: Any = None) -> np.ndarray:
        p = self.plan
        g = p.groups
        o = p.w_shape[0]
        dtype = np.result_type(x, w) if b is None else np.result_type(x, w, b)
        self.cols = cols = im2col(x, p, b is not None, dtype)
        wm = w.reshape(g, o // g, -1)
        if b is not None:
            wm = np.concatenate([wm, b.reshape(g, o // g, 1)], axis=2)
        with np.errstate(all="ignore"):  # inf and nan pass through as IEEE says, silently
            y = (wm[0] @ cols[0]) if g == 1 else np.matmul(wm, cols)  # (O, N * OH * OW)
        n = p.in_shape[0]
        return y.reshape(o, n, *p.out_hw).transpose(1, 0, 2, 3)

    def vjp(self, F: Any, g: Any, out: Any, xs: Any, need: Any) -> tuple:
        if F.name == "graph":
            return self._graph_vjp(g, xs, need)
        groups, o = self.plan.groups, self.plan.w_shape[0]
        g2 = g.transpose(1, 0, 2, 3).reshape(groups, o // groups, -1)  # (G, O/G, M)
        with np.errstate(all="ignore"):
            return self._products(g2, xs[1], need)

    def _products(self, g2: np.ndarray, w: np.ndarray, need: Any) -> tuple:
        """d[w | b] = g @ cols^T (one product) and dx = col2im(w^T @ g), as ``need`` asks."""
        p, cols = self.plan, self.cols
        groups, (o, cg, kh, kw) = p.groups, p.w_shape
        k = cg * kh * kw
        gx = gw = gb = None
        if need[1] or (len(need) > 2 and need[2]):
            if groups == 1:  # a plain 2-D product is BLAS's fastest path
                gwb = (g2[0] @ cols[0].T)[None]
            else:
                gwb = np.matmul(g2, cols.transpose(0, 2, 1))  # (G, O/G, K [+ 1])
            gw = gwb[:, :, :k].reshape(p.w_shape) if need[1] else None
            if len(need) > 2 and need[2]:
                gb = gwb[:, :, k].reshape(o)
        if need[0]:
            wm = w.reshape(groups, o // groups, k)
            gx = col2im(np.matmul(wm.transpose(0, 2, 1), g2), p)
        return (gx, gw, gb)[: len(need)]

    def _graph_vjp(self, g: Tensor, xs: Any, need: Any) -> tuple:
        """The same products as Tensor ops (``unfold``, ``@``, ``fold``), differentiable again."""
        p = self.plan
        x, w = xs[0], xs[1]
        groups, (o, cg, kh, kw) = p.groups, p.w_shape
        n, c = p.in_shape[:2]
        (oh, ow), m, k = p.out_hw, n * p.out_hw[0] * p.out_hw[1], cg * kh * kw
        g2 = g.permute(1, 0, 2, 3).reshape(groups, o // groups, m)  # (G, O/G, M)
        gx = gw = gb = None
        if need[1]:
            cols = unfold(x, p.geo).reshape(m, groups, k).permute(1, 0, 2)  # (G, M, K)
            gw = (g2 @ cols).reshape(p.w_shape)
        if len(need) > 2 and need[2]:
            gb = g.sum(axis=(0, 2, 3))
        if need[0]:
            wm = w.reshape(groups, o // groups, k)
            dcols = (g2.permute(0, 2, 1) @ wm).permute(1, 0, 2)  # (M, G, K)
            gx = fold(dcols.reshape(n, oh, ow, c, kh, kw), p.geo, p.in_shape)
        return (gx, gw, gb)[: len(need)]


def conv2d(x: Tensor, w: Tensor, b: Tensor | None, geo: Geometry, groups: int = 1) -> Tensor:
    """Record one ``conv2d`` node: images ``x`` (N, C, H, W), kernels ``w`` (O, C/groups, kh, kw),
    bias ``b`` (O,) or None; ``geo`` says how the kernel slides (its kernel is w's (kh, kw))."""
    op = Conv2d(plan(geo, groups, x.data.shape, w.data.shape))
    if b is None:
        data = op.forward(None, x.data, w.data)
        return x._record(op, data, x, w, x.requires_grad or w.requires_grad)
    data = op.forward(None, x.data, w.data, b.data)
    needs = x.requires_grad or w.requires_grad or b.requires_grad
    return x._record(op, data, (x, w, b), NARY, needs)
