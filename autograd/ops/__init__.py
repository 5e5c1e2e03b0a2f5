"""The ops of chainrule's engine, and the registry every other part of chainrule reads.

``base.py`` holds ``Op`` (what an op declares, and the chain rule, written once in ``Op.vjp``)
and the registry; the shared elementwise ops of Value and Tensor live in ``arithmetic.py``,
``elementary.py`` and ``activations.py``; the Tensor-only ops live beside their methods in
``autograd/tensor/``. How to add an op: docs/engine.md.
"""

from .activations import LeakyRelu, Relu, Sigmoid, Softplus, Tanh
from .arithmetic import Abs, Add, Div, Mul, Neg, Pow, PowConst, Sub
from .base import (
    KINDS,
    Op,
    activations,
    functions,
    installable,
    lookup,
    methods,
    registry,
    shared,
)
from .elementary import Cos, Exp, Log, Sin, Sqrt

__all__ = [
    "KINDS", "Abs", "Add", "Cos", "Div", "Exp", "LeakyRelu", "Log", "Mul", "Neg", "Op", "Pow",
    "PowConst", "Relu", "Sigmoid", "Sin", "Softplus", "Sqrt", "Sub", "Tanh", "activations",
    "functions", "installable", "lookup", "methods", "registry", "shared",
]
