"""Indexing: ``x[key]`` and its adjoint, adding into zeros at ``key``.

- x[key]:                 dx = zeros of x's shape with g *added* at key (repeated indices add up)
- index_add(x, key):      dx = g[key]

The two are each other's gradients, which is what lets these rules run on Tensors for second and
higher derivatives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..node import Node
from ..ops import Op

if TYPE_CHECKING:
    from .core import Tensor


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
    kind = "indexing"
    params = ("key", "in_shape")
    derivatives = ("index_add({g})",)
    methods = ("__getitem__",)
    engines = ("tensor",)

    def __init__(self, key: Any, in_shape: tuple[int, ...]) -> None:
        self.key = key
        self.in_shape = in_shape

    def forward(self, F, x):
        return x[self.key]

    def vjp(self, F, g, out, xs, need):
        return (F.index_add(g, self.key, self.in_shape),)


class IndexAdd(Op):
    """y = zeros(shape) with x added at key (the gradient of indexing);  dx = g[key]"""

    __slots__ = ("key", "shape")
    name = "index_add"
    kind = "indexing"
    params = ("key", "shape")
    derivatives = ("{g}[key]",)
    methods = ("_index_add",)
    engines = ("tensor",)

    def __init__(self, key: Any, shape: tuple[int, ...]) -> None:
        self.key = key
        self.shape = shape

    def forward(self, F, x):
        return F.index_add(x, self.key, self.shape)

    def vjp(self, F, g, out, xs, need):
        return (g[self.key],)


class IndexingMethods:
    """Mixed into ``Tensor``: ``t[key]``."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Tensor:
        """numpy indexing: ints, slices, None, ..., boolean masks, integer arrays."""
        op = Index(normalize_key(key), self.data.shape)
        try:
            data = op.forward(None, self.data)
        except IndexError as e:
            raise IndexError(f"index into a tensor of shape {self.shape}: {e}") from None
        return self._apply(op, data)

    def _index_add(self, key: Any, shape: tuple[int, ...]) -> Tensor:
        """Zeros of ``shape`` with this tensor added at ``key``, as a node: for create_graph."""
        op = IndexAdd(key, shape)
        return self._apply(op, op.forward(self._backend, self.data))
