"""Statistics along axes: prod and cumsum (primitives), var and std (composites), argmax/argmin.

- prod:    dx_i = g * (product of the other elements of x_i's group)  (exact where x has zeros)
- cumsum:  dx = reversed cumsum of reversed g along the axis (each x_i feeds every later sum)
- var:     composite, ``sum((x - mean)^2) / (n - correction)``: its graph is mean, -, *, sum, /
- std:     composite, ``sqrt(var)``
- argmax, argmin: integer tensors that carry no gradient

``var`` and ``std`` take numpy's ``ddof`` (default 0, the population variance) or PyTorch's
``correction`` / ``unbiased``; written with PyTorch's ``dim`` they default to PyTorch's
``correction=1``, so ``t.var(dim=0)`` means what it means in PyTorch and ``t.var(axis=0)`` what it
means in numpy.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .arguments import normalize_axes, raw, torch_axis
from .reductions import _Reduce

if TYPE_CHECKING:
    from .core import Tensor


class Prod(_Reduce):
    """prod(x, axes);  dx_i = g * prod_{j != i} x_j over x_i's group (exact at zeros, as PyTorch)"""

    __slots__ = ()
    name = "prod"
    derivatives = ("{g} * (product of the others)",)
    methods = ("prod",)

    def forward(self, F: Any, x: Any) -> Any:
        return x.prod(axis=self.axes, keepdims=self.keepdims)

    def vjp(self, F, g, out, xs, need):
        return (self.keep(g) * self.others(F, xs[0]),)

    def others(self, F: Any, x: Any) -> Any:
        """For each element, the product of the other elements of its group (x's shape)."""
        axes, shape = self.axes, self.shape
        keep = [i for i in range(len(shape)) if i not in axes]
        perm = keep + list(axes)
        lead = tuple(shape[i] for i in keep)
        n = math.prod(shape[a] for a in axes)
        flat = x.transpose(perm).reshape(lead + (n,))
        if F.name == "graph":  # the product of each row of x with its own element set to 1
            from .functions import where

            rows = flat.reshape(lead + (1, n)).broadcast_to(lead + (n, n))
            prods = where(np.eye(n, dtype=bool), 1.0, rows).prod(axis=-1)
        else:  # products of the elements before and after each one
            ones = np.ones(lead + (1,), dtype=flat.dtype)
            before = np.cumprod(np.concatenate([ones, flat[..., :-1]], -1), -1)
            after = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], -1), -1)[..., ::-1]
            prods = before * after
        unflat = prods.reshape(lead + tuple(shape[a] for a in axes))
        return unflat.transpose(tuple(int(i) for i in np.argsort(perm)))


class CumSum(_Reduce):
    """cumsum(x, axis)_i = sum_{j <= i} x_j;  dx_j = sum_{i >= j} g_i (reversed cumsum of g)"""

    __slots__ = ()
    name = "cumsum"
    derivatives = ("reverse cumsum of {g}",)
    methods = ("cumsum",)

    def forward(self, F: Any, x: Any) -> Any:
        return x.cumsum(self.axes[0])

    def vjp(self, F, g, out, xs, need):
        rev = (slice(None),) * self.axes[0] + (slice(None, None, -1),)
        return (g[rev].cumsum(self.axes[0])[rev],)


class StatisticsMethods:
    """Grafted onto ``Tensor``: prod, cumsum, var, std, argmax, argmin, amax, amin."""

    __slots__ = ()

    def prod(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
             keepdim: Any = None) -> Tensor:
        """Product over ``axis``; the gradient is exact where elements are 0."""
        return self._reduce(Prod, axis, keepdims, dim, keepdim)

    def cumsum(self, axis: Any = None, *, dim: Any = None) -> Tensor:
        """Running sums along ``axis`` (numpy: None flattens first) or ``dim`` (PyTorch)."""
        axis, _ = torch_axis(axis, False, dim, None, "cumsum")
        x = self.flatten() if axis is None else self
        if x.ndim == 0:
            x = x.reshape(1)
        return x._reduce(CumSum, 0 if axis is None else axis, True)

    def var(self, axis: Any = None, ddof: int | None = None, keepdims: bool = False, *,
            dim: Any = None, unbiased: bool | None = None, correction: int | None = None,
            keepdim: Any = None) -> Tensor:
        """Variance, ``sum((x - mean)^2) / (n - correction)`` over ``axis``/``dim`` (a composite).

        The correction is ``ddof`` (numpy) or ``correction`` or ``unbiased`` (PyTorch); when none
        is given it is 0 with numpy's spelling and 1 (PyTorch's default) when ``dim`` is given."""
        torch_style = dim is not None or keepdim is not None
        given = [c for c in (ddof, correction) if c is not None]
        if unbiased is not None:
            given.append(int(bool(unbiased)))
        if len(given) > 1:
            raise TypeError("var/std: give one of ddof, correction and unbiased")
        c = given[0] if given else int(torch_style)
        axis, keepdims = torch_axis(axis, keepdims, dim, keepdim, "var")
        axes = normalize_axes(axis, self.data.shape, "var")
        n = math.prod(self.data.shape[a] for a in axes)
        d = self - self.mean(axis=axes, keepdims=True)
        return (d * d).sum(axis=axes, keepdims=keepdims) / float(max(n - c, 0))

    def std(self, axis: Any = None, ddof: int | None = None, keepdims: bool = False, *,
            dim: Any = None, unbiased: bool | None = None, correction: int | None = None,
            keepdim: Any = None) -> Tensor:
        """Standard deviation, ``sqrt(var)`` (a composite; the arguments are ``var``'s)."""
        return self.var(axis, ddof, keepdims, dim=dim, unbiased=unbiased,
                        correction=correction, keepdim=keepdim).sqrt()

    def _arg(self, fn: Any, axis: Any, keepdims: bool, dim: Any, keepdim: Any) -> Tensor:
        axis, keepdims = torch_axis(axis, keepdims, dim, keepdim, fn.__name__)
        if self.data.size == 0:
            raise ValueError(f"{fn.__name__}: cannot reduce an empty tensor of shape {self.shape}")
        if axis is not None:
            axis = normalize_axes(axis, self.data.shape, fn.__name__)[0]
        return self._constant(np.asarray(fn(raw(self), axis=axis, keepdims=keepdims)))

    def argmax(self, axis: int | None = None, keepdims: bool = False, *, dim: int | None = None,
               keepdim: Any = None) -> Tensor:
        """Index of the largest element (of the flattened tensor, or along ``axis``/``dim``)."""
        return self._arg(np.argmax, axis, keepdims, dim, keepdim)

    def argmin(self, axis: int | None = None, keepdims: bool = False, *, dim: int | None = None,
               keepdim: Any = None) -> Tensor:
        """Index of the smallest element (of the flattened tensor, or along ``axis``/``dim``)."""
        return self._arg(np.argmin, axis, keepdims, dim, keepdim)

    def amax(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """PyTorch's maximum over ``dim``: a tensor, as numpy's ``max(axis)``."""
        return self.max(axis=dim, keepdims=keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """PyTorch's minimum over ``dim``."""
        return self.min(axis=dim, keepdims=keepdim)
