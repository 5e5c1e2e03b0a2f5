"""Elementwise ops that only tensors have: clip, maximum, minimum, where.

They are ordinary elementwise ops (``forward`` and ``partials``, as in ``ops.py``), so broadcasting
and the chain rule are handled by backprop like those of ``+`` or ``*``. Their local derivatives are
0/1 masks (1/2 at ties of maximum and minimum, as PyTorch), built from ``F.step``/``F.sign`` or from
the op's own boolean mask, and so are constants: their own derivatives are zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops import Op
from .tensor_ops import raw


class Clip(Op):
    """clip(x, lo, hi) = min(max(x, lo), hi);  dx = 1 where lo <= x <= hi, else 0 (torch.clamp)"""

    __slots__ = ("lo", "hi")
    name = "clip"

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


class Maximum(Op):
    """maximum(a, b) elementwise;  da = 1 where a > b, 0 where a < b, 1/2 at ties (as PyTorch);
    db = 1 - da"""

    __slots__ = ()
    name = "maximum"
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
    sign = -0.5

    def forward(self, F, a, b):
        return np.minimum(a, b)


class Where(Op):
    """where(c, a, b) = a where c else b (c a constant boolean mask);  da = c,  db = 1 - c"""

    __slots__ = ("cond",)
    name = "where"

    def __init__(self, cond: np.ndarray) -> None:
        self.cond = cond

    def forward(self, F, a, b):
        return np.where(self.cond, a, b)

    def partials(self, F, out, a, b):
        c = self.cond.astype(raw(out).dtype)
        return (c, 1.0 - c)


MAXIMUM, MINIMUM = Maximum(), Minimum()
