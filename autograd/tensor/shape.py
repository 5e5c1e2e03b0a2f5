"""Shape ops, which move elements without computing on them: reshape, transpose, broadcast_to.

Each gradient puts every element of ``g`` back where its input came from:

- reshape (also flatten, squeeze, expand_dims): dx = g reshaped to x's shape
- transpose(axes):      dx = g transposed by the inverse permutation
- broadcast_to(shape):  dx = g summed back to x's shape (``F.unbroadcast``); and the reverse

broadcast_to and sum-to are each other's gradients, which is what lets these rules run on Tensors
for second and higher derivatives. (Indexing is in ``indexing.py``; concatenate and stack, which
take several tensors, in ``functions.py``.)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..ops import Op
from .arguments import normalize_axes, shape_arg

if TYPE_CHECKING:
    from .core import Tensor


class Reshape(Op):
    """reshape x to a new shape with the same elements;  dx = g.reshape(x.shape)"""

    __slots__ = ("in_shape", "shape")
    name = "reshape"
    kind = "shape"
    params = ("in_shape", "shape")
    derivatives = ("reshape({g})",)
    methods = ("reshape",)
    engines = ("tensor",)

    def __init__(self, in_shape: tuple[int, ...], shape: tuple[int, ...]) -> None:
        self.in_shape = in_shape
        self.shape = shape

    def forward(self, F, x):
        return x.reshape(self.shape)

    def vjp(self, F, g, out, xs, need):
        return (g.reshape(self.in_shape),)


class Flatten(Reshape):
    """flatten axes of x into one;  dx = g.reshape(x.shape)"""

    name = "flatten"
    methods = ("flatten",)


class Squeeze(Reshape):
    """x without axes of length 1;  dx = g.reshape(x.shape)"""

    name = "squeeze"
    methods = ("squeeze",)


class ExpandDims(Reshape):
    """x with new axes of length 1;  dx = g.reshape(x.shape)"""

    name = "expand_dims"
    methods = ("expand_dims",)


class Transpose(Op):
    """permute the axes of x;  dx = g transposed by the inverse permutation"""

    __slots__ = ("axes", "inverse")
    name = "transpose"
    kind = "shape"
    params = ("axes",)
    derivatives = ("transpose({g})",)
    methods = ("transpose", "T", "swapaxes")
    engines = ("tensor",)

    def __init__(self, axes: tuple[int, ...]) -> None:
        self.axes = axes
        self.inverse = tuple(int(i) for i in np.argsort(axes))

    def forward(self, F, x):
        return x.transpose(self.axes)

    def vjp(self, F, g, out, xs, need):
        return (g.transpose(self.inverse),)


class BroadcastTo(Op):
    """y = x repeated along broadcast axes to ``shape``;  dx = g summed back to x's shape"""

    __slots__ = ("in_shape", "shape")
    name = "broadcast_to"
    kind = "shape"
    params = ("in_shape", "shape")
    derivatives = ("sum_to({g})",)
    methods = ("broadcast_to",)
    engines = ("tensor",)

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
    kind = "shape"
    params = ("in_shape", "shape")
    derivatives = ("broadcast({g})",)
    methods = ("_unbroadcast",)
    engines = ("tensor",)

    def __init__(self, in_shape: tuple[int, ...], shape: tuple[int, ...]) -> None:
        self.in_shape = in_shape
        self.shape = shape

    def forward(self, F, x):
        return F.unbroadcast(x, self.shape)

    def vjp(self, F, g, out, xs, need):
        return (F.broadcast_to(g, self.in_shape),)


class ShapeMethods:
    """Mixed into ``Tensor``: reshape, flatten, squeeze, expand_dims, transpose, broadcast_to."""

    __slots__ = ()

    def _reshaped(self, op_cls: type[Reshape], shape: tuple[int, ...]) -> Tensor:
        op = op_cls(self.data.shape, shape)
        try:
            data = op.forward(None, self.data)
        except ValueError:
            raise ValueError(
                f"{op.name}: cannot reshape a tensor of shape {self.shape} ({self.size} elements) "
                f"into shape {shape}"
            ) from None
        op.shape = data.shape  # -1 resolved
        return self._apply(op, data)

    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape: ``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
        return self._reshaped(Reshape, shape_arg(shape, "reshape"))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Axes start_dim..end_dim merged into one (all of them by default, giving 1-D)."""
        shape = self.data.shape
        if not shape:
            return self._reshaped(Flatten, (1,))
        s, e = (normalize_axes(d, shape, "flatten")[0] for d in (start_dim, end_dim))
        if s > e:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        merged = (math.prod(shape[s : e + 1]),)
        return self._reshaped(Flatten, shape[:s] + merged + shape[e + 1 :])

    def squeeze(self, axis: Any = None, *, dim: Any = None) -> Tensor:
        """Axes of length 1 removed: all of them, or those of ``axis`` (``dim``) that have length
        1; as in PyTorch, a named axis of another length is left alone rather than an error."""
        shape = self.data.shape
        axis = axis if dim is None else dim
        axes = normalize_axes(axis, shape, "squeeze")
        return self._reshaped(Squeeze, tuple(n for i, n in enumerate(shape)
                                             if i not in axes or n != 1))

    def expand_dims(self, axis: Any) -> Tensor:
        """New axes of length 1 at the positions ``axis`` (int or tuple) of the result."""
        count = len(axis) if isinstance(axis, (tuple, list)) else 1
        shape = self.data.shape
        axes = normalize_axes(axis, (1,) * (len(shape) + count), "expand_dims")
        rest = iter(shape)
        new = tuple(1 if i in axes else next(rest) for i in range(len(shape) + count))
        return self._reshaped(ExpandDims, new)

    def transpose(self, *axes: Any) -> Tensor:
        """Axes permuted: reversed by default, or by a permutation ``t.transpose((1, 0, 2))``
        (numpy). Two ints swap two axes, as PyTorch: ``t.transpose(0, 1)`` (for numpy's
        permutation of a matrix, write it as a tuple: ``t.transpose((0, 1))`` changes nothing)."""
        ndim = self.data.ndim
        if len(axes) == 2 and all(isinstance(a, (int, np.integer)) for a in axes):
            return self.swapaxes(*axes)
        if not axes or axes == (None,):
            perm = tuple(range(ndim))[::-1]
        else:
            perm = tuple(
                normalize_axes(a, self.data.shape, "transpose")[0]
                for a in shape_arg(axes, "transpose")
            )
            if sorted(perm) != list(range(ndim)):
                raise ValueError(
                    f"transpose: axes {axes} are not a permutation of the {ndim} axes of a tensor "
                    f"of shape {self.shape}"
                )
        op = Transpose(perm)
        return self._apply(op, op.forward(None, self.data))

    @property
    def T(self) -> Tensor:  # noqa: N802 - numpy's name
        """The transpose (axes reversed)."""
        return self.transpose()

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Two axes exchanged."""
        perm = list(range(self.data.ndim))
        i, j = (normalize_axes(a, self.data.shape, "swapaxes")[0] for a in (axis1, axis2))
        perm[i], perm[j] = perm[j], perm[i]
        op = Transpose(tuple(perm))
        return self._apply(op, op.forward(None, self.data))

    def broadcast_to(self, *shape: Any) -> Tensor:
        """The tensor repeated along new or length-1 axes to ``shape`` (numpy broadcasting)."""
        shape = shape_arg(shape, "broadcast_to")
        try:
            ok = np.broadcast_shapes(self.data.shape, shape) == shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"broadcast_to: cannot broadcast shape {self.shape} to {shape}")
        op = BroadcastTo(self.data.shape, shape)
        return self._apply(op, op.forward(self._backend, self.data))

    def _unbroadcast(self, shape: tuple[int, ...]) -> Tensor:
        """Summed down to ``shape`` (the adjoint of broadcasting), as a node: for create_graph."""
        op = SumTo(self.data.shape, shape)
        return self._apply(op, op.forward(self._backend, self.data))
