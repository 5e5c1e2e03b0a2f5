"""chainrule: learn and teach how neural networks learn.

The front door::

    from chainrule import Value, Tensor, grad, no_grad   # the engine
    from chainrule import nn, viz                        # networks, and pictures of graphs

    x = Value(2.0, label="x")
    y = (x * x).tanh()
    y.backward()                  # x.grad = dy/dx = (1 - tanh(x^2)^2) * 2x

The subpackages, and which may import which (arrows point toward the engine):

- ``chainrule.autograd``: the engine (``Value``, ``Tensor``, ops, backpropagation). Imports only
  numpy; ``import chainrule.autograd`` loads nothing heavier.
- ``chainrule.nn``: modules, layers, losses, optimizers, data, training. Imports ``autograd``.
- ``chainrule.viz``: graph pictures, the backward-pass stepper, plots. Imports ``autograd``.
- ``chainrule.demos``, ``chainrule.playground``, ``chainrule.cli`` (the ``chainrule`` command):
  the lessons and applications on top of all three.

``nn`` and ``viz`` are loaded on first use, so that importing the engine stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from .autograd import (
    Node,
    Tensor,
    Value,
    detect_anomaly,
    enable_grad,
    grad,
    gradcheck,
    is_grad_enabled,
    no_grad,
    tensor,
)

# subpackages loaded on first use (PEP 562): ``chainrule.nn`` imports nn only when it is read
_LAZY = ("autograd", "nn", "viz", "demos", "playground", "cli")

__all__ = [
    "Node",
    "Tensor",
    "Value",
    "autograd",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "nn",
    "no_grad",
    "tensor",
    "viz",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    if name == "__version__":  # read from the installed metadata only when asked (it is slow)
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("chainrule")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'chainrule' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
