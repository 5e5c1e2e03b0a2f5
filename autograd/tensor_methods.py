"""The methods that only ``Tensor`` has: matmul, reductions, softmax, clip, shape ops, indexing.

Each is a thin wrapper: check the arguments, compute the forward result with numpy, and record
one node whose op (``tensor_ops.py``, ``tensor_elementwise.py``, ``tensor_shape.py``) holds the
derivative. The shared
operators and elementwise methods (``+``, ``exp``, ``relu``, ...) come from ``Node``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import tensor_elementwise as E
from . import tensor_ops as O
from . import tensor_shape as S
from .node import Node


def _shape_arg(args: tuple, what: str) -> tuple[int, ...]:
    """``f(2, 3)`` and ``f((2, 3))`` both mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for n in args:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"{what}: a shape holds ints, not {args!r}")
    return tuple(int(n) for n in args)


class TensorMethods:
    """Mixed into ``Tensor``; uses its ``data``, ``requires_grad``, ``_record`` and ``_lift``."""

    __slots__ = ()

    def _apply(self, op: Any, data: Any) -> Any:
        return self._record(op, data, self, None, self.requires_grad)

    def _operand(self, x: Any) -> Any:
        return x if isinstance(x, Node) and x._broadcasts else self._lift(x)

    # --- matrix product -----------------------------------------------------------------------

    def __matmul__(self, other: Any) -> Any:
        """a @ b, as numpy.matmul (1-D, 2-D and batched)."""
        other = self._operand(other)
        data = O.MATMUL.forward(None, self.data, other.data)
        return self._record(O.MATMUL, data, self, other, self.requires_grad or other.requires_grad)

    def __rmatmul__(self, other: Any) -> Any:
        other = self._lift(other)
        data = O.MATMUL.forward(None, other.data, self.data)
        return self._record(O.MATMUL, data, other, self, self.requires_grad)

    # --- reductions ---------------------------------------------------------------------------

    def _reduce(self, cls: Any, axis: Any, keepdims: bool) -> Any:
        shape = self.data.shape
        op = cls(O.normalize_axes(axis, shape, cls.name), bool(keepdims), shape)
        return self._apply(op, op.forward(None, self.data))

    def sum(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Sum over ``axis`` (None: all; an int, negative int or tuple of them)."""
        return self._reduce(O.Sum, axis, keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Mean over ``axis``."""
        return self._reduce(O.Mean, axis, keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Maximum over ``axis``; tied maxima share the gradient equally."""
        return self._reduce(O.Max, axis, keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Minimum over ``axis``; tied minima share the gradient equally."""
        return self._reduce(O.Min, axis, keepdims)

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Any:
        """log(sum(exp(x))) over ``axis``, without overflow."""
        return self._reduce(O.LogSumExp, axis, keepdims)

    def softmax(self, axis: int = -1) -> Any:
        """exp(x) / sum(exp(x)) along ``axis``, without overflow."""
        op = O.Softmax(O.normalize_axes(axis, self.data.shape, "softmax")[0])
        return self._apply(op, op.forward(None, self.data))

    def log_softmax(self, axis: int = -1) -> Any:
        """x - logsumexp(x) along ``axis``, without overflow."""
        op = O.LogSoftmax(O.normalize_axes(axis, self.data.shape, "log_softmax")[0])
        return self._apply(op, op.forward(None, self.data))

    # --- elementwise --------------------------------------------------------------------------

    def clip(self, lo: float | None = None, hi: float | None = None) -> Any:
        """Each element limited to [lo, hi] (either bound may be None); gradient 1 inside, 0 out."""
        if lo is None and hi is None:
            raise ValueError("clip: give lo, hi or both")
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip: lo ({lo}) must not exceed hi ({hi})")
        op = E.Clip(lo, hi)
        return self._apply(op, op.forward(None, self.data))

    def abs(self) -> Any:
        """|x| elementwise (same as ``abs(x)``)."""
        return abs(self)

    # --- shape ops ----------------------------------------------------------------------------

    def _reshaped(self, shape: tuple[int, ...], name: str) -> Any:
        op = S.Reshape(self.data.shape, shape, name)
        try:
            data = op.forward(None, self.data)
        except ValueError:
            raise ValueError(
                f"{name}: cannot reshape a tensor of shape {self.shape} ({self.size} elements) "
                f"into shape {shape}"
            ) from None
        op.shape = data.shape  # -1 resolved
        return self._apply(op, data)

    def reshape(self, *shape: Any) -> Any:
        """The same elements in a new shape: ``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
        return self._reshaped(_shape_arg(shape, "reshape"), "reshape")

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Any:
        """Axes start_dim..end_dim merged into one (all of them by default, giving 1-D)."""
        shape = self.data.shape
        if not shape:
            return self._reshaped((1,), "flatten")
        s, e = (O.normalize_axes(d, shape, "flatten")[0] for d in (start_dim, end_dim))
        if s > e:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        merged = (math.prod(shape[s : e + 1]),)
        return self._reshaped(shape[:s] + merged + shape[e + 1 :], "flatten")

    def squeeze(self, axis: Any = None) -> Any:
        """Axes of length 1 removed (all of them, or those in ``axis``)."""
        shape = self.data.shape
        if axis is None:
            axes = tuple(i for i, n in enumerate(shape) if n == 1)
        else:
            axes = O.normalize_axes(axis, shape, "squeeze")
            for a in axes:
                if shape[a] != 1:
                    raise ValueError(
                        f"squeeze: axis {a} of shape {shape} has length {shape[a]}, not 1"
                    )
        return self._reshaped(tuple(n for i, n in enumerate(shape) if i not in axes), "squeeze")

    def expand_dims(self, axis: Any) -> Any:
        """New axes of length 1 at the positions ``axis`` (int or tuple) of the result."""
        count = len(axis) if isinstance(axis, (tuple, list)) else 1
        shape = self.data.shape
        axes = O.normalize_axes(axis, (1,) * (len(shape) + count), "expand_dims")
        rest = iter(shape)
        new = tuple(1 if i in axes else next(rest) for i in range(len(shape) + count))
        return self._reshaped(new, "expand_dims")

    def transpose(self, *axes: Any) -> Any:
        """Axes permuted: reversed by default, or ``t.transpose(1, 0, 2)`` / ``((1, 0, 2))``."""
        ndim = self.data.ndim
        if not axes or axes == (None,):
            perm = tuple(range(ndim))[::-1]
        else:
            perm = tuple(
                O.normalize_axes(a, self.data.shape, "transpose")[0]
                for a in _shape_arg(axes, "transpose")
            )
            if sorted(perm) != list(range(ndim)):
                raise ValueError(
                    f"transpose: axes {axes} are not a permutation of the {ndim} axes of a tensor "
                    f"of shape {self.shape}"
                )
        op = S.Transpose(perm)
        return self._apply(op, op.forward(None, self.data))

    @property
    def T(self) -> Any:
        """The transpose (axes reversed)."""
        return self.transpose()

    def swapaxes(self, axis1: int, axis2: int) -> Any:
        """Two axes exchanged."""
        perm = list(range(self.data.ndim))
        i, j = (O.normalize_axes(a, self.data.shape, "swapaxes")[0] for a in (axis1, axis2))
        perm[i], perm[j] = perm[j], perm[i]
        return self.transpose(tuple(perm))

    def broadcast_to(self, *shape: Any) -> Any:
        """The tensor repeated along new or length-1 axes to ``shape`` (numpy broadcasting)."""
        shape = _shape_arg(shape, "broadcast_to")
        try:
            ok = np.broadcast_shapes(self.data.shape, shape) == shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"broadcast_to: cannot broadcast shape {self.shape} to {shape}")
        op = S.BroadcastTo(self.data.shape, shape)
        return self._apply(op, op.forward(self._backend, self.data))

    def _unbroadcast(self, shape: tuple[int, ...]) -> Any:
        """Summed down to ``shape`` (the adjoint of broadcasting), as a node: for create_graph."""
        op = S.SumTo(self.data.shape, shape)
        return self._apply(op, op.forward(self._backend, self.data))

    # --- indexing -----------------------------------------------------------------------------

    def __getitem__(self, key: Any) -> Any:
        """numpy indexing: ints, slices, None, ..., boolean masks, integer arrays."""
        op = S.Index(S.normalize_key(key), self.data.shape)
        try:
            data = op.forward(None, self.data)
        except IndexError as e:
            raise IndexError(f"index into a tensor of shape {self.shape}: {e}") from None
        return self._apply(op, data)

    def _index_add(self, key: Any, shape: tuple[int, ...]) -> Any:
        """Zeros of ``shape`` with this tensor added at ``key``, as a node: for create_graph."""
        op = S.IndexAdd(key, shape)
        return self._apply(op, op.forward(self._backend, self.data))

    # --- comparisons: boolean tensors that carry no gradient ----------------------------------

    def _compare(self, other: Any, fn: Any) -> Any:
        other = other.data if isinstance(other, Node) else other
        return self._constant(np.asarray(fn(self.data, other)))

    def __lt__(self, other: Any) -> Any:
        return self._compare(other, np.less)

    def __le__(self, other: Any) -> Any:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Any) -> Any:
        return self._compare(other, np.greater)

    def __ge__(self, other: Any) -> Any:
        return self._compare(other, np.greater_equal)
