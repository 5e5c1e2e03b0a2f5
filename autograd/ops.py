"""The elementwise ops, shared by ``Value`` and ``Tensor``: each forward rule beside its derivative.

An op is an object with ``name``, ``forward(F, *xs)`` and ``partials(F, out, *xs)``: the local
derivatives d out / d x_i, one per input, given the inputs ``xs`` and the result ``out``. ``F`` is
a backend (see ``backends.py``): the same two lines run on floats, on numpy arrays, and on nodes
(which records the derivative as a graph for higher-order gradients). A partial of ``None`` means
"exactly 1": the incoming gradient passes through unchanged.

The chain rule itself lives in one place, ``backprop.py``: grad_x_i += grad_out * partial_i.
Ops that are not elementwise (matmul, sums, reshapes, indexing) define ``vjp`` instead; they live
beside the Tensor.
"""

from __future__ import annotations

from typing import Any


class Op:
    """Base class. ``elementwise`` ops give ``partials``; the others give ``vjp``."""

    name = "?"
    elementwise = True

    def forward(self, F: Any, *xs: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def partials(self, F: Any, out: Any, *xs: Any) -> tuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def vjp(self, F: Any, g: Any, out: Any, xs: tuple, need: tuple) -> tuple:  # pragma: no cover
        """Vector-Jacobian product: the gradient for each input given the gradient ``g`` of out."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<op {self.name}>"


# --- binary ops ---------------------------------------------------------------------------------


class Add(Op):
    """a + b;  d/da = 1,  d/db = 1"""

    name = "+"

    def forward(self, F, a, b):
        return a + b

    def partials(self, F, out, a, b):
        return (None, None)


class Sub(Op):
    """a - b;  d/da = 1,  d/db = -1"""

    name = "-"

    def forward(self, F, a, b):
        return a - b

    def partials(self, F, out, a, b):
        return (None, -1.0)


class Mul(Op):
    """a * b;  d/da = b,  d/db = a"""

    name = "*"

    def forward(self, F, a, b):
        return a * b

    def partials(self, F, out, a, b):
        return (b, a)


class Div(Op):
    """a / b;  d/da = 1 / b,  d/db = -a / b^2 = -out / b"""

    name = "/"

    def forward(self, F, a, b):
        return F.div(a, b)

    def partials(self, F, out, a, b):
        return (F.div(1.0, b), -F.div(out, b))


class Pow(Op):
    """a ** b (both nodes);  d/da = b a^(b-1),  d/db = a^b ln a"""

    name = "**"

    def forward(self, F, a, b):
        return F.pow(a, b)

    def partials(self, F, out, a, b):
        return (b * F.pow(a, b - 1.0), out * F.log(a))


# --- unary ops ----------------------------------------------------------------------------------


class PowConst(Op):
    """x ** k for a constant number k;  d/dx = k x^(k-1)"""

    __slots__ = ("k",)
    name = "**k"

    def __init__(self, k: float) -> None:
        self.k = k
        self.name = f"**{k:g}"

    def forward(self, F, x):
        return F.pow(x, self.k)

    def partials(self, F, out, x):
        k = self.k
        return (k * F.pow(x, k - 1.0),)


class Neg(Op):
    """-x;  d/dx = -1"""

    name = "neg"

    def forward(self, F, x):
        return -x

    def partials(self, F, out, x):
        return (-1.0,)


class Exp(Op):
    """e^x;  d/dx e^x = e^x"""

    name = "exp"

    def forward(self, F, x):
        return F.exp(x)

    def partials(self, F, out, x):
        return (out,)


class Log(Op):
    """ln x;  d/dx ln x = 1 / x"""

    name = "log"

    def forward(self, F, x):
        return F.log(x)

    def partials(self, F, out, x):
        return (F.div(1.0, x),)


class Sqrt(Op):
    """sqrt(x);  d/dx sqrt(x) = 1 / (2 sqrt(x))"""

    name = "sqrt"

    def forward(self, F, x):
        return F.sqrt(x)

    def partials(self, F, out, x):
        return (F.div(0.5, out),)


class Tanh(Op):
    """tanh(x);  d/dx tanh(x) = 1 - tanh(x)^2"""

    name = "tanh"

    def forward(self, F, x):
        return F.tanh(x)

    def partials(self, F, out, x):
        return (1.0 - out * out,)


class Sigmoid(Op):
    """sigmoid(x) = 1 / (1 + e^-x);  d/dx = sigmoid(x) (1 - sigmoid(x))"""

    name = "sigmoid"

    def forward(self, F, x):
        return F.sigmoid(x)

    def partials(self, F, out, x):
        return (out * (1.0 - out),)


class Softplus(Op):
    """softplus(x) = ln(1 + e^x);  d/dx = sigmoid(x)"""

    name = "softplus"

    def forward(self, F, x):
        return F.softplus(x)

    def partials(self, F, out, x):
        return (F.sigmoid(x),)


class Relu(Op):
    """relu(x) = max(x, 0);  d/dx = 1 if x > 0 else 0"""

    name = "relu"

    def forward(self, F, x):
        return F.relu(x)

    def partials(self, F, out, x):
        return (F.step(x),)


class LeakyRelu(Op):
    """leaky_relu(x) = x if x > 0 else s x;  d/dx = 1 if x > 0 else s"""

    __slots__ = ("slope",)
    name = "leaky_relu"

    def __init__(self, slope: float) -> None:
        self.slope = slope

    def forward(self, F, x):
        s = self.slope
        return x * (F.step(x) * (1.0 - s) + s)

    def partials(self, F, out, x):
        s = self.slope
        return (F.step(x) * (1.0 - s) + s,)


class Abs(Op):
    """|x|;  d/dx |x| = sign(x)  (0 at x = 0, as PyTorch)"""

    name = "abs"

    def forward(self, F, x):
        return F.abs(x)

    def partials(self, F, out, x):
        return (F.sign(x),)


class Sin(Op):
    """sin(x);  d/dx sin(x) = cos(x)"""

    name = "sin"

    def forward(self, F, x):
        return F.sin(x)

    def partials(self, F, out, x):
        return (F.cos(x),)


class Cos(Op):
    """cos(x);  d/dx cos(x) = -sin(x)"""

    name = "cos"

    def forward(self, F, x):
        return F.cos(x)

    def partials(self, F, out, x):
        return (-F.sin(x),)


ADD, SUB, MUL, DIV, POW = Add(), Sub(), Mul(), Div(), Pow()
NEG, EXP, LOG, SQRT, TANH, SIGMOID = Neg(), Exp(), Log(), Sqrt(), Tanh(), Sigmoid()
SOFTPLUS, RELU, ABS, SIN, COS = Softplus(), Relu(), Abs(), Sin(), Cos()
