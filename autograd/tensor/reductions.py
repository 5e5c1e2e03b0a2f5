"""Reductions and softmax: sum, mean, max, min, logsumexp, softmax, log_softmax.

Each rule is written once, with operators, numpy-style methods (``.reshape``,
``.sum(axis, keepdims=True)``) that both ndarrays and Tensors have, and ``F.*`` calls, so it runs on
arrays for a first-order pass and on Tensors (recording a graph) for ``create_graph=True``. An
op's parameters (axes, shapes) live on the op instance, one per recorded node.

Derivatives, with ``g`` the gradient of the result, kept with the reduced axes as 1s:

- sum:        dx = g                          (broadcast back to x's shape)
- mean:       dx = g / n                      (n = number of elements reduced)
- max, min:   dx = g * [x == out] / count     (ties share the gradient equally, as torch.amax)
- logsumexp:  dx = g * exp(x - out)           (= g * softmax(x))
- softmax:    dx = out * (g - sum(g * out))
- log_softmax: dx = g - exp(out) * sum(g)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..ops import Op
from .arguments import MinMax, normalize_axes, raw, torch_axis
from .slices import small_reduce

if TYPE_CHECKING:
    from .core import Tensor


# --- reductions ---


class _Reduce(Op):
    """Base of the reductions: the reduced axes, keepdims, and the input's shape."""

    __slots__ = ("axes", "keepdims", "shape")
    kind = "reduction"
    params = ("axes", "keepdims", "shape")
    engines = ("tensor",)

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
    derivatives = ("broadcast({g})",)
    methods = ("sum",)

    def forward(self, F: Any, x: Any) -> Any:
        return x.sum(axis=self.axes, keepdims=self.keepdims)

    def vjp(self, F, g, out, xs, need):
        return (F.broadcast_to(self.keep(g), self.shape),)


class Mean(_Reduce):
    """mean(x, axes);  dx = g / n, broadcast back (n = number of elements averaged)"""

    __slots__ = ()
    name = "mean"
    derivatives = ("broadcast({g}) / n",)
    methods = ("mean",)

    def forward(self, F: Any, x: Any) -> Any:
        return x.mean(axis=self.axes, keepdims=self.keepdims)

    def count(self) -> int:
        """The number of elements averaged into each result."""
        return math.prod(self.shape[a] for a in self.axes)

    def vjp(self, F, g, out, xs, need):
        return (F.broadcast_to(self.keep(g) * (1.0 / max(self.count(), 1)), self.shape),)


class Max(_Reduce):
    """max(x, axes);  dx = g * [x == max] / (number of ties): tied maxima share the gradient"""

    __slots__ = ()
    name = "max"
    derivatives = ("{g} * [{a} == {out}] / ties",)
    methods = ("max",)
    _ufunc = np.maximum

    def forward(self, F: Any, x: Any) -> Any:
        if x.size == 0:
            raise ValueError(f"{self.name}: cannot reduce an empty tensor of shape {x.shape}")
        if not self.axes:
            return x.copy()
        y = small_reduce(self._ufunc, x, self.axes)
        return y if self.keepdims else y.reshape(tuple(n for i, n in enumerate(x.shape)
                                                       if i not in self.axes))

    def vjp(self, F, g, out, xs, need):
        x = raw(xs[0])
        # the mask of the maxima is a constant: its own derivative is zero, as in PyTorch
        mask = x == self.keep(raw(out))
        if not self.axes:
            return (g * mask,)
        if np.count_nonzero(mask) == raw(out).size:
            return (self.keep(g) * mask,)  # one maximum in each reduced group: no ties to share
        ties = small_reduce(np.add, mask, self.axes, np.int32)
        share = (1.0 / np.maximum(ties, 1)).astype(x.dtype)  # small: the result's shape
        return ((self.keep(g) * share) * mask,)  # tied extremes share the gradient equally


class Min(Max):
    """min(x, axes);  dx = g * [x == min] / (number of ties): tied minima share the gradient"""

    __slots__ = ()
    name = "min"
    methods = ("min",)
    _ufunc = np.minimum


class LogSumExp(_Reduce):
    """log(sum(exp(x), axes)), computed as m + log(sum(exp(x - m))) with m = max(x);
    dx = g * exp(x - out) = g * softmax(x)"""

    __slots__ = ()
    name = "logsumexp"
    derivatives = ("{g} * exp({a} - {out})",)
    methods = ("logsumexp",)

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
    kind = "reduction"
    params = ("axis",)
    derivatives = ("{out} * ({g} - sum({g} * {out}))",)
    methods = ("softmax",)
    engines = ("tensor",)

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
    derivatives = ("{g} - exp({out}) * sum({g})",)
    methods = ("log_softmax",)

    def forward(self, F: Any, x: Any) -> Any:
        s = x - x.max(axis=self.axis, keepdims=True)
        return s - np.log(np.exp(s).sum(axis=self.axis, keepdims=True))

    def vjp(self, F, g, out, xs, need):
        return (g - F.exp(out) * g.sum(axis=self.axis, keepdims=True),)


class ReductionMethods:
    """Mixed into ``Tensor``: the reductions and softmax."""

    __slots__ = ()

    def _reduce(self, cls: Any, axis: Any, keepdims: bool, dim: Any = None,
                keepdim: Any = None) -> Tensor:
        axis, keepdims = torch_axis(axis, keepdims, dim, keepdim, cls.name)
        shape = self.data.shape
        op = cls(normalize_axes(axis, shape, cls.name), bool(keepdims), shape)
        return self._apply(op, op.forward(None, self.data))

    def sum(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: Any = None) -> Tensor:
        """Sum over ``axis`` (None: all; an int, negative int or tuple of them)."""
        return self._reduce(Sum, axis, keepdims, dim, keepdim)

    def mean(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: Any = None) -> Tensor:
        """Mean over ``axis``."""
        return self._reduce(Mean, axis, keepdims, dim, keepdim)

    def _extreme(self, cls: Any, axis: Any, keepdims: bool, dim: Any, keepdim: Any) -> Any:
        values = self._reduce(cls, axis, keepdims, dim, keepdim)
        if dim is None:
            return values
        # PyTorch's max(dim) gives the values and where they are; its amax(dim) only the values
        arg = self.argmax if cls is Max else self.argmin
        return MinMax(values, arg(dim=dim, keepdim=bool(keepdim)))

    def max(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: Any = None) -> Any:
        """Maximum over ``axis``; tied maxima share the gradient equally. With PyTorch's ``dim``
        the result is PyTorch's pair ``(values, indices)``; ``amax(dim)`` gives the values."""
        return self._extreme(Max, axis, keepdims, dim, keepdim)

    def min(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: Any = None) -> Any:
        """Minimum over ``axis``; tied minima share the gradient equally (``dim``: as ``max``)."""
        return self._extreme(Min, axis, keepdims, dim, keepdim)

    def logsumexp(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
                  keepdim: Any = None) -> Tensor:
        """log(sum(exp(x))) over ``axis``, without overflow."""
        return self._reduce(LogSumExp, axis, keepdims, dim, keepdim)

    def _along(self, cls: Any, axis: Any, dim: Any) -> Tensor:
        axis, _ = torch_axis(axis, False, dim, None, cls.name)
        op = cls(_softmax_axis(-1 if axis is None else axis, self.data.shape, cls.name))
        return self._apply(op, op.forward(None, self.data))

    def softmax(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """exp(x) / sum(exp(x)) along ``axis`` (or ``dim``; default the last), without overflow
        (a 0-d tensor gives 1)."""
        return self._along(Softmax, axis, dim)

    def log_softmax(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """x - logsumexp(x) along ``axis`` (or ``dim``; the last by default), without overflow
        (a 0-d tensor gives 0)."""
        return self._along(LogSoftmax, axis, dim)


def _softmax_axis(axis: Any, shape: tuple, name: str) -> Any:
    """The one axis softmax runs along; a 0-d tensor takes axis 0 or -1 (as PyTorch) as None."""
    if shape == () and isinstance(axis, (int, np.integer)) and not isinstance(axis, bool) \
            and axis in (0, -1):
        return None  # numpy's max/sum with axis=None and keepdims work on 0-d arrays
    return normalize_axes(axis, shape, name)[0]
