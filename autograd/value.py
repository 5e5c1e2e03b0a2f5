"""``Value``: a scalar node. Every ``+``, ``*``, ``tanh`` ... on Values records one graph node.

>>> from chainrule.autograd import Value
>>> x = Value(2.0, label='x')
>>> w = Value(-0.5, label='w')
>>> n = (x * w).tanh()
>>> n.backward()
>>> round(x.grad, 4), round(w.grad, 4)
(-0.21, 0.8399)
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from .backends import MATH
from .node import Node

_Real = numbers.Real
_CONSTANTS: dict = {}


def _as_float(x: Any, what: str) -> float:
    if isinstance(x, float):
        return x
    if isinstance(x, _Real):  # int, bool, numpy scalars, Fraction, ...
        return float(x)
    raise TypeError(
        f"{what} must be a real number (int or float), not {type(x).__name__}: {x!r:.60}"
    )


class Value(Node):
    """A scalar in the computation graph: ``.data`` (float), ``.grad`` (float, 0.0 until backward).

    Operators ``+ - * / **`` take a Value, int or float on either side; the engine's functions
    (``exp log tanh relu ...``: ``ops.functions("scalar")`` lists them) are methods, installed
    from the op registry, and ``leaky_relu(slope)`` too. ``loss.backward()``
    fills ``.grad`` of every Value ``loss`` was computed from (accumulating: zero the grads
    between steps).
    """

    __slots__ = ()
    # numpy hands `array * value` to Value.__rmul__ (which refuses arrays) instead of silently
    # broadcasting it into an object array of Values
    __array_ufunc__ = None
    engine = "scalar"
    _backend = MATH
    _broadcasts = False
    _zero_grad = 0.0

    def __init__(self, data: Any, label: str = "", *, requires_grad: bool = True) -> None:
        self.data = data if type(data) is float else _as_float(data, "Value(data)")
        if type(label) is not str and not isinstance(label, str):
            raise TypeError(f"Value(label) must be a str, not {type(label).__name__}")
        self.grad = 0.0
        self._a = self._b = None
        self.op = None
        self.label = label
        self._uses = 0 if requires_grad else -1  # requires_grad (see Node.requires_grad)

    # --- engine hooks -------------------------------------------------------------------------

    @classmethod
    def _lift(cls, x: Any) -> Value:
        """A number as a constant leaf. Constants are shared through a small cache, so that
        ``y = y + 1e-6`` repeated a million times makes a million nodes, not two million."""
        t = type(x)  # float and int first: isinstance on the numbers.Real ABC is slower
        if t is float or t is int or isinstance(x, float) or (
            isinstance(x, _Real) and not isinstance(x, bool)
        ):
            x = float(x)
            c = _CONSTANTS.get(x)
            if c is not None and c.data == x:
                return c
            c = cls._constant(x)
            if x != 0.0 and x == x:  # -0.0 == 0.0 and nan != nan: never shared
                if len(_CONSTANTS) >= 4096:
                    _CONSTANTS.clear()
                _CONSTANTS[x] = c
            return c
        if isinstance(x, Value):  # a subclass of Value
            return x
        if isinstance(x, Node):
            hint = " (a Value and a Tensor do not mix: use Value(t.item()) or Tensors only)"
        elif hasattr(x, "shape"):
            hint = " (use Tensor for arrays)"
        else:
            hint = ""
        raise TypeError(
            f"unsupported operand: Value and {type(x).__name__} ({x!r:.60}); "
            "a Value combines only with another Value, an int or a float" + hint
        )

    def _seed(self, grad: Any) -> Any:
        if grad is None:
            return 1.0
        if isinstance(grad, Value):
            return grad
        return _as_float(grad, "backward(grad)")

    @staticmethod
    def _zeros_like(x: Value, create_graph: bool) -> Any:
        return Value._constant(0.0) if create_graph else 0.0

    # --- conveniences -------------------------------------------------------------------------

    def item(self) -> float:
        return self.data

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        parts = [f"data={_fmt(self.data)}"]
        g = self.grad
        parts.append(f"grad={_fmt(g) if isinstance(g, float) else repr(g)}")
        if self.label:
            parts.append(f"label={self.label!r}")
        if self.op is not None:
            parts.append(f"op={self.op.name!r}")
        if not self.requires_grad:
            parts.append("requires_grad=False")
        return f"Value({', '.join(parts)})"

    # Comparisons read the data, so `max(values)` and `sorted(values)` work; they record nothing.
    def __lt__(self, other: Any) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Any) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Any) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Any) -> bool:
        return self.data >= _data(other)


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else _as_float(x, "comparison operand")


def _fmt(x: float) -> str:
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return f"{x:.1f}"
    return f"{x:.4g}"
