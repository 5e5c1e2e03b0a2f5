"""chainrule's autograd engine: scalar ``Value`` and array ``Tensor`` nodes on one graph core.

    >>> from chainrule import autograd
    >>> x = autograd.Value(3.0)
    >>> y = x * x + 2 * x
    >>> y.backward()
    >>> x.grad          # dy/dx = 2x + 2
    8.0

Imports nothing heavier than numpy.
"""

from . import ops, scope
from ._state import collector_paused, detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .backprop import grad
from .check import GradcheckError, gradcheck
from .graph import topological_order
from .node import Node, apply
from .tensor import (
    Tensor,
    arange,
    cat,
    concatenate,
    einsum,
    eye,
    full,
    full_like,
    maximum,
    minimum,
    ones_like,
    outer,
    stack,
    tensor,
    where,
    zeros_like,
)
from .value import Value

__all__ = [
    "GradcheckError",
    "Node",
    "Tensor",
    "apply",
    "collector_paused",
    "ops",
    "scope",
    "Value",
    "concatenate",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "maximum",
    "minimum",
    "no_grad",
    "stack",
    "tensor",
    "topological_order",
    "where",
    "arange", "cat", "einsum", "eye", "full", "full_like", "ones_like", "outer", "zeros_like",
]
