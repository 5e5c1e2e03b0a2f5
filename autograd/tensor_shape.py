"""Tensor ops that move elements without computing on them: reshape, transpose, indexing, broadcast,
concatenate and stack. Each gradient puts every element of ``g`` back where its input came from:

- reshape (also flatten, squeeze, expand_dims): dx = g reshaped to x's shape
- transpose(axes):      dx = g transposed by the inverse permutation
- x[key]:               dx = zeros of x's shape with g *added* at key (repeated indices accumulate)
- broadcast_to(shape):  dx = g summed back to x's shape (``F.unbroadcast``); and the reverse
- concatenate, stack:   dx_i = the slice of g that came from x_i

The pairs (indexing, index_add) and (broadcast_to, sum-to) are each other's gradients, which is what
lets these rules run on Tensors for second and higher derivatives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .node import Node
from .ops import Op


class Reshape(Op):
    """reshape x to a new shape with the same elements;  dx = g.reshape(x.shape)"""

    __slots__ = ("in_shape", "shape", "name")
    elementwise = False

    def __init__(self, in_shape: tuple[int, ...], shape: tuple[int, ...], name: str) -> None:
        self.in_shape = in_shape
        self.shape = shape
        self.name = name

    def forward(self, F, x):
        return x.reshape(self.shape)

    def vjp(self, F, g, out, xs, need):
        return (g.reshape(self.in_shape),)


class Transpose(Op):
    """permute the axes of x;  dx = g transposed by the inverse permutation"""

    __slots__ = ("axes", "inverse")
    name = "transpose"
    elementwise = False

    def __init__(self, axes: tuple[int, ...]) -> None:
        self.axes = axes
        self.inverse = tuple(int(i) for i in np.argsort(axes))

    def forward(self, F, x):
        return x.transpose(self.axes)

    def vjp(self, F, g, out, xs, need):
        return (g.transpose(self.inverse),)


def normalize_key(key: Any) -> Any:
    """An index key with Tensors and lists turned into arrays (integer or boolean only)."""
    parts = key if isinstance(key, tuple) else (key,)
    out = []
    for k in parts:
        if isinstance(k, Node):
            k = k.data
        if isinstance(k, list):
            k = np.asarray(k)
        if isinstance(k, np.ndarray) and k.dtype.kind not in "biu":
            if k.size == 0:  # np.asarray([]) is float; an empty index selects nothing
                k = k.astype(np.intp)
            else:
                raise IndexError(
                    f"index arrays must hold integers or booleans, not {k.dtype} (got {k!r:.60})"
                )
        elif not (
            k is None
            or k is Ellipsis
            or isinstance(k, (slice, int, np.integer, np.ndarray))
        ):
            raise IndexError(
                f"a Tensor is indexed by ints, slices, None, ..., boolean masks or integer "
                f"arrays, not {type(k).__name__} ({k!r:.60})"
            )
        out.append(k)
    return tuple(out) if isinstance(key, tuple) else out[0]


class Index(Op):
    """y = x[key];  dx = zeros like x, with g added at key (``F.index_add``: repeats accumulate)"""

    __slots__ = ("key", "in_shape")
    name = "index"
    elementwise = False

    def __init__(self, key: Any, in_shape: tuple[int, ...]) -> None:
        self.key = key
        self.in_shape = in_shape

    def forward(self, F, x):
        return np.asarray(x[self.key])

    def vjp(self, F, g, out, xs, need):
        return (F.index_add(g, self.key, self.in_shape),)


class IndexAdd(Op):
    """y = zeros(shape) with x added at key (the gradient of indexing);  dx = g[key]"""

    __slots__ = ("key", "shape")
    name = "index_add"
    elementwise = False

    def __init__(self, key: Any, shape: tuple[int, ...]) -> None:
        self.key = key
        self.shape = shape

    def forward(self, F, x):
        return F.index_add(x, self.key, self.shape)

    def vjp(self, F, g, out, xs, need):
        return (g[self.key],)


class BroadcastTo(Op):
    """y = x repeated along broadcast axes to ``shape``;  dx = g summed back to x's shape"""

    __slots__ = ("in_shape", "shape")
    name = "broadcast_to"
    elementwise = False

    def __init__(self, in_shape: tuple[int, ...], shape: tuple[int, ...]) -> None:
        self.in_shape = in_shape
        self.shape = shape

    def forward(self, F, x):
        return F.broadcast_to(x, self.shape)

    def vjp(self, F, g, out, xs, need):
        return (F.unbroadcast(g, self.in_shape),)


class SumTo(Op):
    """y = x summed down to ``shape`` (undoes broadcasting);  dx = g broadcast back to x's shape"""

    __slots__ = ("in_shape", "shape")
    name = "sum_to"
    elementwise = False

    def __init__(self, in_shape: tuple[int, ...], shape: tuple[int, ...]) -> None:
        self.in_shape = in_shape
        self.shape = shape

    def forward(self, F, x):
        return F.unbroadcast(x, self.shape)

    def vjp(self, F, g, out, xs, need):
        return (F.broadcast_to(g, self.in_shape),)


class Concatenate(Op):
    """y = concatenate(xs, axis);  dx_i = g[..., start_i:stop_i, ...] (x_i's slice along axis)"""

    __slots__ = ("axis", "keys")
    name = "concatenate"
    elementwise = False

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

    def __init__(self, axis: int, count: int) -> None:
        self.axis = axis
        lead = (slice(None),) * axis
        self.keys = [(*lead, i) for i in range(count)]

    def forward(self, F, *xs):
        return np.stack(xs, axis=self.axis)
