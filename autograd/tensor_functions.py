"""Tensor functions that take several operands: ``maximum``, ``minimum``, ``where``,
``concatenate``, ``stack``, and the constructor shorthand ``tensor``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import tensor_elementwise as E
from . import tensor_ops as O
from . import tensor_shape as S
from .backends import NUMPY
from .node import NARY, Node
from .tensor import Tensor


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None, label: str = "") -> Tensor:
    """``Tensor(data, requires_grad, dtype, label)``: a new tensor holding a copy of ``data``."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, label=label)


def _tensors(xs: Sequence[Any], what: str) -> list[Tensor]:
    """Operands as Tensors: numbers and arrays lifted with the dtype of the first Tensor given."""
    like = next((x for x in xs if isinstance(x, Tensor)), None)
    out = []
    for x in xs:
        if isinstance(x, Tensor):
            out.append(x)
        elif isinstance(x, Node):
            raise TypeError(f"{what}: cannot mix a {type(x).__name__} into Tensor ops")
        elif like is not None:
            out.append(like._lift(x))
        else:
            out.append(Tensor._constant(Tensor(x).data))
    return out


def _binary(op: Any, a: Any, b: Any) -> Tensor:
    a, b = _tensors((a, b), op.name)
    try:
        data = op.forward(NUMPY, a.data, b.data)
    except ValueError:
        raise ValueError(
            f"{op.name}: operands of shapes {a.shape} and {b.shape} cannot be broadcast together"
        ) from None
    return a._record(op, data, a, b, a.requires_grad or b.requires_grad)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum (broadcasting); at ties each operand gets half the gradient."""
    return _binary(E.MAXIMUM, a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum (broadcasting); at ties each operand gets half the gradient."""
    return _binary(E.MINIMUM, a, b)


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """``a`` where ``cond`` is true, else ``b`` (all three broadcast); ``cond`` gets no gradient."""
    c = np.asarray(cond.data if isinstance(cond, Node) else cond)
    if c.dtype.kind != "b":
        raise TypeError(f"where: cond must be boolean (e.g. x > 0), not {c.dtype}")
    a, b = _tensors((a, b), "where")
    try:
        np.broadcast_shapes(c.shape, a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"where: shapes cond {c.shape}, a {a.shape} and b {b.shape} do not broadcast together"
        ) from None
    return _binary(E.Where(c), a, b)


def _sequence(seq: Any, what: str) -> list[Tensor]:
    if isinstance(seq, (Node, np.ndarray)) or not isinstance(seq, Sequence) or not seq:
        raise TypeError(f"{what}: expected a non-empty list or tuple of tensors")
    return _tensors(list(seq), what)


def _record_nary(op: Any, data: Any, xs: list[Tensor]) -> Tensor:
    return xs[0]._record(op, data, tuple(xs), NARY, any(x.requires_grad for x in xs))


def concatenate(seq: Sequence[Any], axis: int = 0) -> Tensor:
    """Tensors joined along an existing ``axis``; all other axes must match."""
    xs = _sequence(seq, "concatenate")
    shapes = [x.shape for x in xs]
    if any(len(s) == 0 for s in shapes):
        raise ValueError("concatenate: 0-d tensors cannot be concatenated (use stack)")
    ax = O.normalize_axes(axis, shapes[0], "concatenate")[0]
    try:
        op = S.Concatenate(ax, [s[ax] for s in shapes])
        data = op.forward(NUMPY, *[x.data for x in xs])
    except ValueError:
        raise ValueError(
            f"concatenate: shapes {shapes} must match on every axis except axis {axis}"
        ) from None
    return _record_nary(op, data, xs)


def stack(seq: Sequence[Any], axis: int = 0) -> Tensor:
    """Tensors of one shape joined along a new ``axis``."""
    xs = _sequence(seq, "stack")
    shapes = [x.shape for x in xs]
    if len(set(shapes)) != 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {shapes}")
    ax = O.normalize_axes(axis, (1,) * (len(shapes[0]) + 1), "stack")[0]
    op = S.Stack(ax, len(xs))
    return _record_nary(op, op.forward(NUMPY, *[x.data for x in xs]), xs)
