"""Elementwise methods that only tensors have: ``clip`` and the comparisons.

The elementwise ops Value and Tensor share (``+``, ``exp``, ``relu``, ...) are installed on Tensor
from the op registry (``autograd/ops/``). ``clip`` is an ordinary elementwise op (``forward`` and
``partials``), so broadcasting and the chain rule are handled as for ``+`` or ``*``; its local
derivative is a 0/1 mask built from ``F.step``, a constant whose own derivative is zero. The
comparisons ``== != < <= > >=`` give boolean tensors that carry no gradient (see
``ElementwiseMethods``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..node import Node
from ..ops import Op

if TYPE_CHECKING:
    from .core import Tensor


class Clip(Op):
    """clip(x, lo, hi) = min(max(x, lo), hi);  dx = 1 where lo <= x <= hi, else 0 (torch.clamp)"""

    __slots__ = ("lo", "hi")
    name = "clip"
    params = ("lo", "hi")
    derivatives = ("[{lo} <= {a} <= {hi}]",)
    methods = ("clip",)
    engines = ("tensor",)

    def __init__(self, lo: float | None, hi: float | None) -> None:
        self.lo = lo
        self.hi = hi

    def forward(self, F, x):
        return np.clip(x, self.lo, self.hi)

    def partials(self, F, out, x):
        inside: Any = 1.0
        if self.lo is not None:
            inside = inside * (1.0 - F.step(self.lo - x))
        if self.hi is not None:
            inside = inside * (1.0 - F.step(x - self.hi))
        return (inside,)


class ElementwiseMethods:
    """Mixed into ``Tensor``: clip and the comparisons ``== != < <= > >=``.

    A comparison gives a boolean tensor, as numpy and PyTorch do, so ``(pred == y).float().mean()``
    is an accuracy. It is a constant: a comparison is a step function, whose derivative is 0 almost
    everywhere, so no gradient flows through it. Tensors stay hashable by identity (``__hash__``
    below), so they still serve as dictionary keys and set members; ``x in [a, b]`` compares
    elements and is as ambiguous as in PyTorch: use ``any(x is t for t in ...)``.
    """

    __slots__ = ()
    __hash__ = object.__hash__  # defining __eq__ would otherwise make Tensor unhashable

    def clip(self, lo: float | None = None, hi: float | None = None) -> Tensor:
        """Each element limited to [lo, hi] (either bound may be None); gradient 1 inside, 0 out."""
        if lo is None and hi is None:
            raise ValueError("clip: give lo, hi or both")
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip: lo ({lo}) must not exceed hi ({hi})")
        op = Clip(lo, hi)
        return self._apply(op, op.forward(None, self.data))

    def _compare(self, other: Any, fn: Any) -> Tensor:
        if isinstance(other, Node):
            if not isinstance(other, type(self)):
                return NotImplemented  # a Value: Python falls back to identity (False for ==)
            other = other.data
        elif not isinstance(other, (int, float, np.ndarray, np.generic, list, tuple)):
            return NotImplemented  # t == None or t == "text": False, as Python objects compare
        try:
            return self._constant(np.asarray(fn(self.data, other)))
        except ValueError:
            raise ValueError(
                f"comparison '{fn.__name__}': shapes {self.shape} and {np.shape(other)} do not "
                "broadcast together"
            ) from None

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater_equal)
