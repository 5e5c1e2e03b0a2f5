"""Argument checks shared by the Tensor ops: axes, shapes, and the array behind a node."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..node import Node


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


def shape_arg(args: tuple, what: str) -> tuple[int, ...]:
    """``f(2, 3)`` and ``f((2, 3))`` both mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for n in args:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"{what}: a shape holds ints, not {args!r}")
    return tuple(int(n) for n in args)


def torch_axis(axis: Any, keepdims: Any, dim: Any, keepdim: Any, what: str) -> tuple[Any, bool]:
    """numpy's ``axis``/``keepdims`` or PyTorch's ``dim``/``keepdim`` (one spelling of each)."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{what}: give axis (numpy) or dim (PyTorch), not both")
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    return axis, bool(keepdims)


class MinMax(NamedTuple):
    """PyTorch's result of ``max(dim=...)`` / ``min(dim=...)``: the values and their indices."""

    values: Any
    indices: Any
