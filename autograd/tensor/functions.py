"""Tensor functions of several operands, each beside its op: ``maximum``, ``minimum``, ``where``
(elementwise, with 0/1 masks as local derivatives), ``concatenate`` and ``stack`` (which put each
slice of the gradient back into the input it came from), and the constructor shorthand ``tensor``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..backends import NUMPY
from ..graph import NARY
from ..node import Node
from ..ops import Op
from .arguments import normalize_axes, raw
from .core import Tensor

# --- elementwise ---


class Maximum(Op):
    """maximum(a, b) elementwise;  da = 1 where a > b, 0 where a < b, 1/2 at ties (as PyTorch);
    db = 1 - da"""

    __slots__ = ()
    name = "maximum"
    arity = 2
    derivatives = ("[{a} > {b}] (1/2 at ties)", "[{b} > {a}] (1/2 at ties)")
    engines = ("tensor",)
    sign = 0.5

    def forward(self, F, a, b):
        return np.maximum(a, b)

    def partials(self, F, out, a, b):
        s = F.sign(a - b) * self.sign  # +-1/2 away from ties, 0 at ties: a constant
        return (0.5 + s, 0.5 - s)


class Minimum(Maximum):
    """minimum(a, b) elementwise;  da = 1 where a < b, 0 where a > b, 1/2 at ties; db = 1 - da"""

    __slots__ = ()
    name = "minimum"
    derivatives = ("[{a} < {b}] (1/2 at ties)", "[{b} < {a}] (1/2 at ties)")
    sign = -0.5

    def forward(self, F, a, b):
        return np.minimum(a, b)


class Where(Op):
    """where(c, a, b) = a where c else b (c a constant boolean mask);  da = c,  db = 1 - c"""

    __slots__ = ("cond",)
    name = "where"
    arity = 2
    params = ("cond",)
    derivatives = ("cond", "1 - cond")
    engines = ("tensor",)

    def __init__(self, cond: np.ndarray) -> None:
        self.cond = cond

    def forward(self, F, a, b):
        return np.where(self.cond, a, b)

    def partials(self, F, out, a, b):
        c = self.cond.astype(raw(out).dtype)
        return (c, 1.0 - c)


MAXIMUM, MINIMUM = Maximum(), Minimum()


# --- joining ---


class Concatenate(Op):
    """y = concatenate(xs, axis);  dx_i = g[..., start_i:stop_i, ...] (x_i's slice along axis)"""

    __slots__ = ("axis", "keys")
    name = "concatenate"
    kind = "shape"
    arity = None
    params = ("axis", "sizes")
    derivatives = ("{g} sliced along the axis",)
    engines = ("tensor",)

    def __init__(self, axis: int, sizes: list[int]) -> None:
        self.axis = axis
        lead = (slice(None),) * axis
        ends = np.cumsum([0, *sizes]).tolist()
        self.keys = [(*lead, slice(s, e)) for s, e in zip(ends[:-1], ends[1:], strict=True)]

    def forward(self, F, *xs):
        return np.concatenate(xs, axis=self.axis)

    def vjp(self, F, g, out, xs, need):
        return tuple(g[k] if n else None for k, n in zip(self.keys, need, strict=True))


class Stack(Concatenate):
    """y = stack(xs, axis) (a new axis);  dx_i = g[..., i, ...] (index i along the new axis)"""

    __slots__ = ()
    name = "stack"
    params = ("axis", "count")

    def __init__(self, axis: int, count: int) -> None:
        self.axis = axis
        lead = (slice(None),) * axis
        self.keys = [(*lead, i) for i in range(count)]

    def forward(self, F, *xs):
        return np.stack(xs, axis=self.axis)


# --- the functions ---


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
    return _binary(MAXIMUM, a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum (broadcasting); at ties each operand gets half the gradient."""
    return _binary(MINIMUM, a, b)


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
    return _binary(Where(c), a, b)


def _sequence(seq: Any, what: str) -> list[Tensor]:
    if isinstance(seq, (Node, np.ndarray)) or not isinstance(seq, Sequence) or not seq:
        raise TypeError(f"{what}: expected a non-empty list or tuple of tensors")
    return _tensors(list(seq), what)


def _record_nary(op: Any, data: Any, xs: list[Tensor]) -> Tensor:
    return xs[0]._record(op, data, tuple(xs), NARY, any(x.requires_grad for x in xs))


def concatenate(seq: Sequence[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Tensors joined along an existing ``axis`` (or ``dim``); all other axes must match."""
    axis = axis if dim is None else dim
    xs = _sequence(seq, "concatenate")
    shapes = [x.shape for x in xs]
    if any(len(s) == 0 for s in shapes):
        raise ValueError("concatenate: 0-d tensors cannot be concatenated (use stack)")
    ax = normalize_axes(axis, shapes[0], "concatenate")[0]
    try:
        op = Concatenate(ax, [s[ax] for s in shapes])
        data = op.forward(NUMPY, *[x.data for x in xs])
    except ValueError:
        raise ValueError(
            f"concatenate: shapes {shapes} must match on every axis except axis {axis}"
        ) from None
    return _record_nary(op, data, xs)


def stack(seq: Sequence[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Tensors of one shape joined along a new ``axis`` (or ``dim``)."""
    axis = axis if dim is None else dim
    xs = _sequence(seq, "stack")
    shapes = [x.shape for x in xs]
    if len(set(shapes)) != 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {shapes}")
    ax = normalize_axes(axis, (1,) * (len(shapes[0]) + 1), "stack")[0]
    op = Stack(ax, len(xs))
    return _record_nary(op, op.forward(NUMPY, *[x.data for x in xs]), xs)
