"""Activation functions: by name for the layers, and as modules for ``Sequential``.

Each works on any node (a ``Value`` or a ``Tensor``, elementwise) and on a list of nodes (the
output of a scalar layer), so the same module serves both engines.

    name        f(x)                      f'(x)
    relu        max(x, 0)                 1 if x > 0 else 0
    tanh        tanh(x)                   1 - tanh(x)^2
    sigmoid     1 / (1 + e^-x)            sigmoid(x) (1 - sigmoid(x))
    leaky_relu  x if x > 0 else 0.01 x    1 if x > 0 else 0.01
    softplus    ln(1 + e^x)               sigmoid(x)
    linear      x                         1            (also 'identity' or None)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainrule.autograd import Node, ops

from .module import Module


def _identity(x: Any) -> Any:
    return x


# each activation is the node method of the same name ('linear' is none): the engine's ops that
# declare themselves activations (``Op.activation``), read from its op registry
NAMES = (*ops.activations(), "linear", "identity")


def function(name: str, node_type: type = Node) -> Callable[[Any], Any]:
    """The activation as a function of a node: ``node_type``'s own method (``Value.relu`` for a
    scalar layer, where the engine binds its float backend in and the call is fastest)."""
    name = activation_name(name)
    return _identity if name == "linear" else getattr(node_type, name)


def activation_name(activation: str | None) -> str:
    """Normalise a user's activation name ('ReLU' -> 'relu', None -> 'linear'), or raise."""
    if activation is None:
        return "linear"
    if not isinstance(activation, str):
        raise TypeError(
            f"activation must be a name (one of {sorted(NAMES)}), "
            f"not {type(activation).__name__}"
        )
    name = activation.lower().replace("-", "_")
    name = {"leakyrelu": "leaky_relu", "none": "linear"}.get(name, name)
    if name not in NAMES:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(NAMES)}")
    return "linear" if name == "identity" else name


class _Activation(Module):
    """An activation as a module: applies its function to a node or to each node of a list."""

    name = "linear"

    def _apply(self, x: Node) -> Any:
        return x if self.name == "linear" else getattr(x, self.name)()

    def forward(self, x: Any) -> Any:
        if isinstance(x, (list, tuple)):
            return [self._apply(xi) for xi in x]
        return self._apply(x)


class ReLU(_Activation):
    """relu(x) = max(x, 0);  d/dx = 1 if x > 0 else 0"""

    name = "relu"


class Tanh(_Activation):
    """tanh(x);  d/dx = 1 - tanh(x)^2"""

    name = "tanh"


class Sigmoid(_Activation):
    """sigmoid(x) = 1 / (1 + e^-x);  d/dx = sigmoid(x) (1 - sigmoid(x))"""

    name = "sigmoid"


class Softplus(_Activation):
    """softplus(x) = ln(1 + e^x), a smooth relu;  d/dx = sigmoid(x)"""

    name = "softplus"


class Identity(_Activation):
    """identity(x) = x;  d/dx = 1"""

    name = "linear"


class LeakyReLU(_Activation):
    """leaky_relu(x) = x if x > 0 else slope x;  d/dx = 1 if x > 0 else slope"""

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = float(negative_slope)

    def _apply(self, x: Node) -> Any:
        return x.leaky_relu(self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope:g}"


MODULES: dict[str, type[_Activation]] = {
    "relu": ReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
    "leaky_relu": LeakyReLU,
    "softplus": Softplus,
    "linear": Identity,
}
