"""The activation functions of both node types: tanh, sigmoid, softplus, relu, leaky_relu.

Each is a primitive with its own derivative (faster and a smaller graph than composing it from
exp and division). The forward of the first four is the backend's function of the same name
(``primitive = "relu"``: ``F.relu(x)``), which the installed methods call directly, with no frame
of the op's in between. ``activation = True`` is what makes them a layer's activation in ``nn``
and what lets viz close a neuron's frame after them.
"""

from __future__ import annotations

from .base import Op


class Tanh(Op):
    """tanh(x);  d/dx tanh(x) = 1 - tanh(x)^2"""

    name = "tanh"
    derivatives = ("(1 - {out}**2)",)
    methods = ("tanh",)
    activation = True
    primitive = "tanh"  # forward: F.tanh(x)

    def partials(self, F, out, x):
        return (1.0 - out * out,)


class Sigmoid(Op):
    """sigmoid(x) = 1 / (1 + e^-x);  d/dx = sigmoid(x) (1 - sigmoid(x))"""

    name = "sigmoid"
    derivatives = ("{out} * (1 - {out})",)
    methods = ("sigmoid",)
    activation = True
    primitive = "sigmoid"  # forward: F.sigmoid(x)

    def partials(self, F, out, x):
        return (out * (1.0 - out),)


class Softplus(Op):
    """softplus(x) = ln(1 + e^x);  d/dx = sigmoid(x)"""

    name = "softplus"
    derivatives = ("sigmoid({a})",)
    methods = ("softplus",)
    activation = True
    primitive = "softplus"  # forward: F.softplus(x)

    def partials(self, F, out, x):
        return (F.sigmoid(x),)


class Relu(Op):
    """relu(x) = max(x, 0);  d/dx = 1 if x > 0 else 0"""

    name = "relu"
    derivatives = ("[{a} > 0]",)
    methods = ("relu",)
    activation = True
    primitive = "relu"  # forward: F.relu(x)

    def partials(self, F, out, x):
        return (F.step(x),)


class LeakyRelu(Op):
    """leaky_relu(x) = x if x > 0 else s x;  d/dx = 1 if x > 0 else s

    It has a parameter (the slope), so its method is written by hand (``Node.leaky_relu``).
    """

    name = "leaky_relu"
    params = ("slope",)
    derivatives = ("[{a} > 0] or {slope}",)
    methods = ("leaky_relu",)
    activation = True

    def __init__(self, slope: float = 0.01) -> None:
        self.slope = slope

    def forward(self, F, x):
        s = self.slope
        return x * (F.step(x) * (1.0 - s) + s)

    def partials(self, F, out, x):
        s = self.slope
        return (F.step(x) * (1.0 - s) + s,)
