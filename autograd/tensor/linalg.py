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
        try:
            return matmul(a, b)
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
                ga = matmul(b, g.T).T if fa.f_contiguous and not fa.c_contiguous else matmul(g, b.T)
            if need[1]:
                fb = b.flags
                gb = matmul(g.T, a).T if fb.f_contiguous and not fb.c_contiguous else matmul(a.T, g)
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


_row_major = np.ascontiguousarray  # (a name of its own, so a test can watch the copies)


def matmul(a: Any, b: Any) -> Any:
    """``a @ b`` for arrays, computed the fastest way numpy has, with the same numbers.

    Two things make a small product slower than it need be, and an overhead-bound network (20
    layers 64 wide at batch 32) runs three of them per layer and step:

    - ``np.matmul`` is a generalized ufunc, and its setup costs about 0.4 us more than
      ``np.dot`` for the same BLAS call: (32, 64) @ (64, 64) in float32 takes 2.66 us through
      matmul and 2.24 through dot here. For two 2-D arrays the two compute the same thing, so
      those go through ``np.dot``; every other case (1-D, batched, scalars) through matmul.
    - A small transposed (column-major) right operand, such as ``W.T`` in ``x @ W.T`` or a
      column-major ``W`` in the linear layer's ``dx = g @ W``, makes OpenBLAS take a slower
      path: 2.2x on (11024, 8) @ (8, 8).T in float64 (0.084 -> 0.038 ms; the playground's maps
      saw 1.3 -> 0.06 ms with another kernel), 2.1x on (32, 64) @ (64, 64).T in float32 (5.4 ->
      2.6 us). The slower path costs more the more rows ``a`` has; a row-major copy of ``b``
      costs about a microsecond at these sizes but grows quickly (a transposing copy of
      256 x 256 float32 takes 80 us). So ``b`` is copied when ``a`` has at least 96 rows and
      ``b`` is no bigger than ``a``, or when ``a`` has at least 32 rows and ``b`` holds 1,024
      numbers or more in at most 32 KiB (measured on (m, k) @ (k, n) for m 1-11024 and k, n
      2-784, float32 and float64: ``benchmarks/bench_matmul_layout.py``; the table is in
      benchmarks/README.md, "Tensor targets (session 4)").
    """
    if type(b) is np.ndarray and b.ndim == 2:
        if not b.flags.c_contiguous:
            n = b.size
            rows = (a.size if type(a) is np.ndarray else np.size(a)) // (b.shape[0] or 1)
            if n <= 65536 and ((rows >= 96 and n <= rows * b.shape[0])
                               or (rows >= 32 and n >= 1024 and b.nbytes <= 32768)):
                b = _row_major(b)
        if type(a) is np.ndarray and a.ndim == 2:
            return np.dot(a, b)
    return np.matmul(a, b)


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
