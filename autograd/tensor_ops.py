"""Tensor ops beyond the shared elementwise table: matmul, reductions and softmax.

Ops that are not elementwise set ``elementwise = False`` and give ``vjp(F, g, out, xs, need)``:
the gradient of each input from the gradient ``g`` of the result. Each rule is written once, with
operators, numpy-style methods (``.reshape``, ``.sum(axis, keepdims=True)``, ``.swapaxes``) that
both ndarrays and Tensors have, and ``F.*`` calls, so it runs on arrays for a first-order pass and
on Tensors (recording a graph) for ``create_graph=True``. An op's parameters (axes, shapes) live on
the op instance, one per recorded node.

Derivatives of reductions, with ``g`` the gradient of the result, kept with the reduced axes as 1s:

- sum:        dx = g                          (broadcast back to x's shape)
- mean:       dx = g / n                      (n = number of elements reduced)
- max, min:   dx = g * [x == out] / count     (ties share the gradient equally, as torch.amax)
- logsumexp:  dx = g * exp(x - out)           (= g * softmax(x))
- softmax:    dx = out * (g - sum(g * out))
- log_softmax: dx = g - exp(out) * sum(g)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .node import Node
from .ops import Op


def raw(x: Any) -> Any:
    """The array behind a Tensor (or the array itself): for masks, which carry no gradient."""
    return x.data if isinstance(x, Node) else x


def normalize_axes(axis: Any, shape: tuple, opname: str) -> tuple[int, ...]:
    """``axis`` (None, int, negative int or tuple of them) as a sorted tuple of axes in range."""
    ndim = len(shape)
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{opname}: axis must be an int or a tuple of ints, not {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{opname}: axis {a} is out of range for a tensor of shape {shape} "
                f"(valid axes: {-ndim} to {ndim - 1})"
            )
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{opname}: axis {axis!r} repeats an axis")
    return tuple(sorted(out))


# --- matrix product ---


class MatMul(Op):
    """a @ b (1-D, 2-D and batched, as numpy);  da = g @ b^T,  db = a^T @ g

    A 1-D operand is promoted as numpy does (``a`` to a row, ``b`` to a column) and the promotion is
    undone on its gradient; batch axes that were broadcast are summed back by ``F.unbroadcast``.
    """

    __slots__ = ()
    name = "@"
    elementwise = False

    def forward(self, F: Any, a: Any, b: Any) -> Any:
        try:
            return np.matmul(a, b)
        except ValueError as e:
            raise ValueError(
                f"@ (matmul): cannot multiply shapes {np.shape(a)} and {np.shape(b)}: the last "
                f"axis of the left operand must match the second-to-last axis of the right one "
                f"({e})"
            ) from None

    def vjp(self, F, g, out, xs, need):
        a, b = xs
        if a.ndim == 1 and b.ndim == 1:  # a dot product: g is a 0-d scalar
            return (g * b if need[0] else None, g * a if need[1] else None)
        a2 = a.reshape(1, a.shape[0]) if a.ndim == 1 else a
        b2 = b.reshape(b.shape[0], 1) if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = g2.reshape(g.shape[:-1] + (1, g.shape[-1]))
        elif b.ndim == 1:
            g2 = g2.reshape(g.shape + (1,))
        ga = gb = None
        if need[0]:
            if _transposed(a2) and g2.ndim == 2:  # same numbers, laid out as a is (see below)
                ga = (b2 @ g2.swapaxes(-1, -2)).swapaxes(-1, -2)
            else:
                ga = g2 @ b2.swapaxes(-1, -2)
            if a.ndim == 1:
                ga = F.unbroadcast(ga, a2.shape).reshape(a.shape)
        if need[1]:
            if _transposed(b2) and g2.ndim == 2:
                gb = (g2.swapaxes(-1, -2) @ a2).swapaxes(-1, -2)
            else:
                gb = a2.swapaxes(-1, -2) @ g2
            if b.ndim == 1:
                gb = F.unbroadcast(gb, b2.shape).reshape(b.shape)
        return (ga, gb)


def _transposed(x: Any) -> bool:
    """True for a matrix stored column-major, such as ``W.T`` of a row-major ``W`` (nn.Linear's
    ``x @ W.T``). Its gradient is then computed as a transpose too, (g^T a)^T instead of a^T g: the
    same numbers, but after the transpose's own backward W's gradient is row-major like W, which
    makes the optimizer's ``W -= lr * grad`` about 4x faster than on a column-major gradient."""
    d = raw(x)
    return d.ndim == 2 and d.flags.f_contiguous and not d.flags.c_contiguous


MATMUL = MatMul()


# --- reductions ---


class _Reduce(Op):
    """Base of the reductions: the reduced axes, keepdims, and the input's shape."""

    __slots__ = ("axes", "keepdims", "shape")
    elementwise = False

    def __init__(self, axes: tuple[int, ...], keepdims: bool, shape: tuple[int, ...]) -> None:
        self.axes = axes
        self.keepdims = keepdims
        self.shape = shape

    def keep(self, g: Any) -> Any:
        """``g`` (or the result) with the reduced axes kept as 1s, so it broadcasts against x."""
        if self.keepdims:
            return g
        axes = self.axes
        return g.reshape(tuple(1 if i in axes else n for i, n in enumerate(self.shape)))


class Sum(_Reduce):
    """sum(x, axes);  dx = g, broadcast back to x's shape"""

    __slots__ = ()
    name = "sum"

    def forward(self, F: Any, x: Any) -> Any:
        return np.asarray(x.sum(axis=self.axes, keepdims=self.keepdims))

    def vjp(self, F, g, out, xs, need):
        return (F.broadcast_to(self.keep(g), self.shape),)


class Mean(_Reduce):
    """mean(x, axes);  dx = g / n, broadcast back (n = number of elements averaged)"""

    __slots__ = ()
    name = "mean"

    def forward(self, F: Any, x: Any) -> Any:
        return np.asarray(x.mean(axis=self.axes, keepdims=self.keepdims))

    def count(self) -> int:
        """The number of elements averaged into each result."""
        return math.prod(self.shape[a] for a in self.axes)

    def vjp(self, F, g, out, xs, need):
        return (F.broadcast_to(self.keep(g) * (1.0 / max(self.count(), 1)), self.shape),)


class Max(_Reduce):
    """max(x, axes);  dx = g * [x == max] / (number of ties): tied maxima share the gradient"""

    __slots__ = ()
    name = "max"
    _reduce = staticmethod(np.max)

    def forward(self, F: Any, x: Any) -> Any:
        if x.size == 0:
            raise ValueError(f"{self.name}: cannot reduce an empty tensor of shape {x.shape}")
        return np.asarray(self._reduce(x, axis=self.axes, keepdims=self.keepdims))

    def vjp(self, F, g, out, xs, need):
        x = raw(xs[0])
        # the mask of the maxima is a constant: its own derivative is zero, as in PyTorch
        w = (x == self.keep(raw(out))).astype(x.dtype)
        w /= np.maximum(w.sum(axis=self.axes, keepdims=True), 1)
        return (self.keep(g) * w,)


class Min(Max):
    """min(x, axes);  dx = g * [x == min] / (number of ties): tied minima share the gradient"""

    __slots__ = ()
    name = "min"
    _reduce = staticmethod(np.min)


class LogSumExp(_Reduce):
    """log(sum(exp(x), axes)), computed as m + log(sum(exp(x - m))) with m = max(x);
    dx = g * exp(x - out) = g * softmax(x)"""

    __slots__ = ()
    name = "logsumexp"

    def forward(self, F: Any, x: Any) -> Any:
        if x.size == 0:
            raise ValueError(f"logsumexp: cannot reduce an empty tensor of shape {x.shape}")
        m = x.max(axis=self.axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)  # a row of -inf gives -inf, not nan
        with np.errstate(divide="ignore"):
            s = np.log(np.exp(x - m).sum(axis=self.axes, keepdims=True)) + m
        return s if self.keepdims else s.squeeze(axis=self.axes)

    def vjp(self, F, g, out, xs, need):
        return (self.keep(g) * F.exp(xs[0] - self.keep(out)),)


# --- softmax ---


class Softmax(Op):
    """softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x) along ``axis`` (never overflows);
    dx = out * (g - sum(g * out))"""

    __slots__ = ("axis",)
    name = "softmax"
    elementwise = False

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, F: Any, x: Any) -> Any:
        e = np.exp(x - x.max(axis=self.axis, keepdims=True))
        return e / e.sum(axis=self.axis, keepdims=True)

    def vjp(self, F, g, out, xs, need):
        return (out * (g - (g * out).sum(axis=self.axis, keepdims=True)),)


class LogSoftmax(Softmax):
    """log_softmax(x) = (x - max x) - log(sum exp(x - max x)) along ``axis`` (never overflows);
    dx = g - exp(out) * sum(g)"""

    __slots__ = ()
    name = "log_softmax"

    def forward(self, F: Any, x: Any) -> Any:
        s = x - x.max(axis=self.axis, keepdims=True)
        return s - np.log(np.exp(s).sum(axis=self.axis, keepdims=True))

    def vjp(self, F, g, out, xs, need):
        return (g - F.exp(out) * g.sum(axis=self.axis, keepdims=True),)
