"""Linear algebra: the matrix product ``a @ b`` (1-D, 2-D and batched, as numpy.matmul)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..node import Node
from ..ops import Op
from .arguments import raw

if TYPE_CHECKING:
    from .core import Tensor


class MatMul(Op):
    """a @ b (1-D, 2-D and batched, as numpy);  da = g @ b^T,  db = a^T @ g

    A 1-D operand is promoted as numpy does (``a`` to a row, ``b`` to a column) and the promotion is
    undone on its gradient; batch axes that were broadcast are summed back by ``F.unbroadcast``.
    """

    name = "@"
    kind = "linalg"
    arity = 2
    notation = "{a} @ {b}"
    derivatives = ("{g} @ {b}.T", "{a}.T @ {g}")
    methods = ("__matmul__", "__rmatmul__")
    engines = ("tensor",)

    def forward(self, F: Any, a: Any, b: Any) -> Any:
        a, b = _blas_ready(a, b)
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
        if type(g) is np.ndarray and a.ndim == 2 and b.ndim == 2 and g.ndim == 2:  # arrays, 2-D
            ga = gb = None
            if need[0]:  # a column-major a (see _transposed) gets its gradient laid out as a
                fa = a.flags
                ga = (b @ g.T).T if fa.f_contiguous and not fa.c_contiguous else g @ b.T
            if need[1]:
                fb = b.flags
                gb = (g.T @ a).T if fb.f_contiguous and not fb.c_contiguous else a.T @ g
            return (ga, gb)
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


def _blas_ready(a: Any, b: Any) -> tuple[Any, Any]:
    """The operands as numpy's matmul computes fastest, with the same numbers.

    A small transposed right operand, such as ``W.T`` of nn.Linear's ``x @ W.T`` (8 x 8 to 64 x
    64), makes OpenBLAS take a slower path for tall-and-narrow products: 2.2x on (11024, 8) @
    (8, 8).T in float64 here (0.084 -> 0.038 ms; the playground's maps saw 1.3 -> 0.06 ms with
    another kernel). A row-major copy of it costs about a microsecond, so it is copied when it is
    no bigger than the left operand (a large ``W.T`` is left alone: copying it would cost more).
    """
    if (type(b) is np.ndarray and b.ndim == 2 and not b.flags.c_contiguous
            and b.size <= 65536 and b.size <= (a.size if type(a) is np.ndarray else np.size(a))):
        b = np.ascontiguousarray(b)
    return a, b


MATMUL = MatMul()


class LinalgMethods:
    """Mixed into ``Tensor``: the matrix product."""

    __slots__ = ()

    def __matmul__(self, other: Any) -> Tensor:
        """a @ b, as numpy.matmul (1-D, 2-D and batched)."""
        other = other if isinstance(other, Node) and other._broadcasts else self._lift(other)
        data = MATMUL.forward(None, self.data, other.data)
        return self._record(MATMUL, data, self, other, self.requires_grad or other.requires_grad)

    def __rmatmul__(self, other: Any) -> Tensor:
        other = self._lift(other)
        data = MATMUL.forward(None, other.data, self.data)
        return self._record(MATMUL, data, other, self, self.requires_grad)
