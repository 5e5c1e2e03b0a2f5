"""The arithmetic ops of both node types: ``+ - * / **``, negation and absolute value.

Each is a primitive with its own derivative (no op here is built from others). ``x ** k`` with a
number ``k`` is its own op (``PowConst``): one node and a simpler derivative than ``x ** y``.
"""

from __future__ import annotations

import operator

from .base import Op

# --- binary operators -----------------------------------------------------------------------------


class Add(Op):
    """a + b;  d/da = 1,  d/db = 1"""

    name = "+"
    arity = 2
    notation = "{a} + {b}"
    derivatives = ("1", "1")
    methods = ("__add__", "__radd__")

    function = operator.add  # forward: a + b

    def partials(self, F, out, a, b):
        return (None, None)


class Sub(Op):
    """a - b;  d/da = 1,  d/db = -1"""

    name = "-"
    symbol = "\u2212"
    arity = 2
    notation = "{a} - {b}"
    derivatives = ("1", "-1")
    methods = ("__sub__", "__rsub__")

    function = operator.sub  # forward: a - b

    def partials(self, F, out, a, b):
        return (None, -1.0)


class Mul(Op):
    """a * b;  d/da = b,  d/db = a"""

    name = "*"
    symbol = "\u00d7"
    arity = 2
    notation = "{a} * {b}"
    derivatives = ("{b}", "{a}")
    methods = ("__mul__", "__rmul__")

    function = operator.mul  # forward: a * b

    def partials(self, F, out, a, b):
        return (b, a)


class Div(Op):
    """a / b;  d/da = 1 / b,  d/db = -a / b^2 = -out / b"""

    name = "/"
    symbol = "\u00f7"
    arity = 2
    notation = "{a} / {b}"
    derivatives = ("1/{b}", "-{out}/{b}")
    methods = ("__truediv__", "__rtruediv__")
    domain = (0.3, 3.0)

    def forward(self, F, a, b):
        return F.div(a, b)

    def partials(self, F, out, a, b):
        return (F.div(1.0, b), -F.div(out, b))


class Pow(Op):
    """a ** b (both nodes);  d/da = b a^(b-1),  d/db = a^b ln a

    ``Node.__pow__`` dispatches: a number exponent makes a ``PowConst`` instead.
    """

    name = "**"
    symbol = "x\u02b8"
    arity = 2
    notation = "{a} ** {b}"
    derivatives = ("{b} * {a}**({b} - 1)", "{out} * log({a})")
    methods = ("_pow", "__rpow__")
    domain = (0.3, 3.0)

    def forward(self, F, a, b):
        return F.pow(a, b)

    def partials(self, F, out, a, b):
        return (b * F.pow(a, b - 1.0), out * F.log(a))


# --- unary ------------------------------------------------------------------------------------


class PowConst(Op):
    """x ** k for a constant number k;  d/dx = k x^(k-1)"""

    name = "**k"
    params = ("k",)
    derivatives = ("k * {a}**(k - 1)",)  # written with k's value by ``derivative`` below
    methods = ("__pow__",)
    domain = (0.3, 3.0)

    def __init__(self, k: float) -> None:
        self.k = k
        self.name = f"**{k:g}"

    def forward(self, F, x):
        return F.pow(x, self.k)

    def partials(self, F, out, x):
        k = self.k
        return (k * F.pow(x, k - 1.0),)

    def equation(self, out, args):
        return f"{out} = {args[0]}{self.name}"

    def derivative(self, k, out, args, g):
        return f"{_short(self.k)} * {args[0]}**{_short(self.k - 1)}"


def _short(x: float) -> str:
    return f"{x:.1f}" if x == int(x) else f"{x:.4g}"


class Neg(Op):
    """-x;  d/dx = -1"""

    name = "neg"
    symbol = "\u2212x"
    notation = "-{a}"
    derivatives = ("-1",)
    methods = ("__neg__",)

    function = operator.neg  # forward: -x

    def partials(self, F, out, x):
        return (-1.0,)


class Abs(Op):
    """|x|;  d/dx |x| = sign(x)  (0 at x = 0, as PyTorch)"""

    name = "abs"
    derivatives = ("sign({a})",)
    methods = ("__abs__", "abs")

    def forward(self, F, x):
        return F.abs(x)

    def partials(self, F, out, x):
        return (F.sign(x),)
