"""Moving elements, PyTorch's and numpy's way: flip, roll and pad (primitives), and permute,
unsqueeze, view, expand, repeat, tile and repeat_interleave (composites of reshape, transpose and
broadcast_to, so their gradients are those ops' gradients).

- flip(axes):   y = x reversed along axes;         dx = g reversed along the same axes
- roll(s, axes): y_i = x_{i - s} (cyclic);         dx = g rolled by -s
- pad(widths):  y = x inside a border of ``value``; dx = g with the border cut off

Names with two meanings: PyTorch's ``repeat(2, 3)`` is numpy's ``tile((2, 3))`` (whole copies);
numpy's ``repeat`` (each element repeated) is PyTorch's ``repeat_interleave``. Tensor follows
PyTorch for ``repeat`` and has ``tile`` and ``repeat_interleave`` for the other two.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..ops import Op
from .arguments import normalize_axes, shape_arg

if TYPE_CHECKING:
    from .core import Tensor


class Flip(Op):
    """y = x reversed along ``axes``;  dx = g reversed along the same axes"""

    __slots__ = ("key",)
    name = "flip"
    kind = "shape"
    params = ("axes",)
    derivatives = ("flip({g})",)
    methods = ("flip",)
    engines = ("tensor",)

    def __init__(self, axes: tuple[int, ...], ndim: int) -> None:
        self.key = tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(ndim))

    def forward(self, F, x):
        return x[self.key]

    def vjp(self, F, g, out, xs, need):
        return (g[self.key],)


class Roll(Op):
    """y = x shifted cyclically by ``shifts`` along ``axes``;  dx = g shifted back (by -shifts)"""

    __slots__ = ("shifts", "axes")
    name = "roll"
    kind = "shape"
    params = ("shifts", "axes")
    derivatives = ("roll({g}, -shifts)",)
    methods = ("roll",)
    engines = ("tensor",)

    def __init__(self, shifts: tuple[int, ...], axes: tuple[int, ...]) -> None:
        self.shifts = shifts
        self.axes = axes

    def forward(self, F, x):
        return np.roll(x, self.shifts, self.axes)

    def vjp(self, F, g, out, xs, need):
        back = tuple(-s for s in self.shifts)
        if F.name == "graph":
            return (g.roll(back, self.axes),)
        return (np.roll(g, back, self.axes),)


class Pad(Op):
    """y = x with ``widths[i] = (before, after)`` elements of ``value`` around axis i;
    dx = g with the border cut off"""

    __slots__ = ("widths", "value", "key")
    name = "pad"
    kind = "shape"
    params = ("widths", "value")
    derivatives = ("{g} without the border",)
    methods = ("pad",)
    engines = ("tensor",)

    def __init__(self, widths: tuple[tuple[int, int], ...], value: float, shape: tuple) -> None:
        self.widths = widths
        self.value = value
        self.key = tuple(slice(b, b + n) for (b, _), n in zip(widths, shape, strict=True))

    def forward(self, F, x):
        return np.pad(x, self.widths, constant_values=self.value)

    def vjp(self, F, g, out, xs, need):
        return (g[self.key],)


def _dims(args: tuple, what: str) -> tuple:
    """``f(0, 1)``, ``f((0, 1))`` and ``f([0, 1])`` all mean the axes (0, 1)."""
    return shape_arg(args, what) if args else ()


class LayoutMethods:
    """Grafted onto ``Tensor``: flip, roll, pad and the PyTorch/numpy layout spellings."""

    __slots__ = ()

    def flip(self, *dims: Any) -> Tensor:
        """Reversed along ``dims`` (all axes when none given, as numpy's ``flip``)."""
        dims = _dims(dims, "flip") or None
        op = Flip(normalize_axes(dims, self.data.shape, "flip"), self.data.ndim)
        return self._apply(op, op.forward(None, self.data))

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        """Elements shifted cyclically by ``shifts`` along ``dims`` (None: the flattened tensor)."""
        if dims is None:
            return self.flatten().roll(shifts, 0).reshape(self.data.shape)
        shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
        dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
        if len(shifts) != len(dims):
            raise ValueError(f"roll: {len(shifts)} shifts for {len(dims)} dims; give one each")
        axes = tuple(normalize_axes(d, self.data.shape, "roll")[0] for d in dims)
        op = Roll(tuple(int(s) for s in shifts), axes)
        return self._apply(op, op.forward(None, self.data))

    def pad(self, pad_width: Any, value: float = 0.0) -> Tensor:
        """numpy's ``pad`` (constant mode): ``pad_width`` is an int, a ``(before, after)`` pair
        for every axis, or one pair per axis. (``nn.functional.pad`` takes PyTorch's order.)"""
        widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (self.ndim, 2))
        if (widths < 0).any():
            raise ValueError(f"pad: widths must be >= 0, got {pad_width}")
        op = Pad(tuple((int(b), int(a)) for b, a in widths), value, self.data.shape)
        return self._apply(op, op.forward(None, self.data))

    def permute(self, *dims: Any) -> Tensor:
        """The axes in a new order, ``t.permute(2, 0, 1)`` (numpy: ``transpose((2, 0, 1))``)."""
        return self.transpose(_dims(dims, "permute"))

    def unsqueeze(self, dim: int) -> Tensor:
        """A new axis of length 1 at ``dim`` (numpy's ``expand_dims``)."""
        return self.expand_dims(dim)

    def view(self, *shape: Any) -> Tensor:
        """PyTorch's ``reshape`` (``-1`` for one axis inferred); the data is never shared."""
        return self.reshape(*shape)

    def expand(self, *sizes: Any) -> Tensor:
        """Broadcast to ``sizes``, ``-1`` keeping an axis's length (numpy's ``broadcast_to``)."""
        sizes = shape_arg(sizes, "expand")
        old = (1,) * (len(sizes) - self.ndim) + self.data.shape
        return self.broadcast_to(tuple(o if s == -1 else s for s, o in zip(sizes, old)))

    def tile(self, reps: Any) -> Tensor:
        """numpy's ``tile``: whole copies of the tensor, ``reps[i]`` of them along axis i."""
        reps = shape_arg((reps,) if isinstance(reps, int) else (reps,), "tile")
        ndim = max(len(reps), self.ndim)
        reps = (1,) * (ndim - len(reps)) + reps
        shape = (1,) * (ndim - self.ndim) + self.data.shape
        spread = tuple(n for pair in zip(reps, shape) for n in pair)
        x = self.reshape(tuple(n for s in shape for n in (1, s)))
        return x.broadcast_to(spread).reshape(tuple(r * s for r, s in zip(reps, shape)))

    def repeat(self, *sizes: Any) -> Tensor:
        """PyTorch's ``repeat``: ``t.repeat(2, 3)`` is ``t.tile((2, 3))``; at least ``t.ndim``
        sizes. (For numpy's ``repeat``, each element repeated, use ``repeat_interleave``.)"""
        sizes = shape_arg(sizes, "repeat")
        if len(sizes) < self.ndim:
            raise ValueError(
                f"repeat: {len(sizes)} sizes for a tensor of {self.ndim} axes; give one per axis "
                "(PyTorch's meaning; numpy's element-wise repeat is repeat_interleave)"
            )
        return self.tile(sizes)

    def repeat_interleave(self, repeats: int, dim: int | None = None) -> Tensor:
        """Each element repeated ``repeats`` times along ``dim`` (None: the flattened tensor)."""
        if dim is None:
            return self.flatten().repeat_interleave(repeats, 0)
        d = normalize_axes(dim, self.data.shape, "repeat_interleave")[0]
        shape = self.data.shape
        x = self.reshape(shape[: d + 1] + (1,) + shape[d + 1 :])
        x = x.broadcast_to(shape[: d + 1] + (int(repeats),) + shape[d + 1 :])
        return x.reshape(shape[:d] + (shape[d] * int(repeats),) + shape[d + 1 :])

    def numel(self) -> int:
        """PyTorch's name for the number of elements (numpy's ``size``)."""
        return math.prod(self.data.shape)

    def dim(self) -> int:
        """PyTorch's name for the number of axes (numpy's ``ndim``)."""
        return self.data.ndim
