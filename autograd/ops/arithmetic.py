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

    At a zero base the formulas hold as limits, as in PyTorch: d/da = 0 where b = 0 (a^b is the
    constant 1 there), and d/db = 0 where a = 0 and b >= 0 (0^b is constant for b > 0), instead
    of 0 * inf = nan. The base is moved to 1 at exactly those points before the power and the log
    are taken (never multiplied by a mask afterwards), so the derivative's own derivative, with
    ``create_graph``, is finite there too. ``Node.__pow__`` dispatches: a number exponent makes a
    ``PowConst`` instead.
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
        at_zero = F.is_zero(a)
        # the base moved to 1 where a = b = 0 (for d/da) and where a = 0 <= b (for d/db);
        # a - (0 - mask): subtracting +0.0 keeps a = -0.0 negative elsewhere (adding would not)
        base_a = a - (0.0 - at_zero * F.is_zero(b))
        base_b = a - (0.0 - at_zero * (1.0 - F.step(-b)))
        return (b * F.pow(base_a, b - 1.0), out * F.log(base_b))


# --- unary ------------------------------------------------------------------------------------


class PowConst(Op):
    """x ** k for a constant number k;  d/dx = k x^(k-1)  (0 for k = 0, at x = 0 too)"""

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
        if k == 0.0:  # x^0 is the constant 1: not 0 * x^-1, which is nan at x = 0
            return (out * 0.0,)
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
