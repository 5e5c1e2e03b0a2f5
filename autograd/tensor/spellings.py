"""PyTorch's spellings on Tensor, next to numpy's, and the grafting of the method families that are
not among ``core.py``'s mixins.

Names that mean the same in both libraries are the same method (``t.sum(dim=0, keepdim=True)`` is
``t.sum(axis=0, keepdims=True)``); where the two libraries disagree the PyTorch name gets PyTorch's
meaning and the numpy meaning keeps a numpy name (see docs/tensor.md's table). This module holds
``backward(gradient=...)`` and the constructors ``zeros_like``, ``ones_like``, ``full``,
``full_like``, ``eye``, ``arange`` and ``cat``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..node import Node
from .core import Tensor
from .functions import concatenate


class SpellingMethods:
    """Grafted onto ``Tensor``: ``backward`` with PyTorch's arguments."""

    __slots__ = ()

    def backward(self, gradient: Any = None, retain_graph: Any = None, create_graph: bool = False,
                 inputs: Any = None, *, grad: Any = None) -> None:
        """Backpropagate from this tensor, adding d(self)/d(leaf) into every leaf's ``.grad``.

        ``gradient`` (PyTorch's name; ``grad`` is the older one) is d(loss)/d(self), needed unless
        the tensor has one element. Gradients accumulate: zero them between steps. The graph is
        kept after the pass (``retain_graph`` is accepted for PyTorch code and changes nothing).
        ``create_graph=True`` makes the gradients Tensors that can be differentiated again."""
        if grad is not None:
            if gradient is not None:
                raise TypeError("backward: give gradient (PyTorch's name) or grad, not both")
            gradient = grad
        if inputs is not None:
            raise TypeError(
                "backward(inputs=...) is not supported: use chainrule.autograd.grad(out, inputs)"
            )
        Node.backward(self, gradient, create_graph=create_graph)


def _like(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Node) else np.asarray(x)


def zeros_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros with ``x``'s shape (and dtype, unless given)."""
    return Tensor(np.zeros_like(_like(x), dtype=dtype), requires_grad=requires_grad)


def ones_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones with ``x``'s shape (and dtype, unless given)."""
    return Tensor(np.ones_like(_like(x), dtype=dtype), requires_grad=requires_grad)


def full(shape: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ``shape`` filled with ``fill_value`` (float64 for a Python float)."""
    return Tensor(np.full(shape, fill_value, dtype=dtype), requires_grad=requires_grad)


def full_like(x: Any, fill_value: float, dtype: Any = None,
              requires_grad: bool = False) -> Tensor:
    """A tensor of ``x``'s shape (and dtype, unless given) filled with ``fill_value``."""
    return Tensor(np.full_like(_like(x), fill_value, dtype=dtype), requires_grad=requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = np.float64,
        requires_grad: bool = False) -> Tensor:
    """The ``n`` x ``m`` identity matrix (``m`` defaults to ``n``)."""
    return Tensor(np.eye(n, m, dtype=dtype), requires_grad=requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """``start, start + step, ...`` up to (not including) ``end``; ``arange(n)`` is 0..n-1.
    Integer arguments give int64, as PyTorch; pass ``dtype=float`` for floats."""
    data = np.arange(start, end, step) if end is not None else np.arange(start)
    if dtype is None and data.dtype.kind == "i":
        data = data.astype(np.int64)
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def cat(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """PyTorch's name for ``concatenate`` (tensors joined along an existing ``dim``)."""
    return concatenate(tensors, axis=dim)


def graft(cls: type, *families: type) -> None:
    """Copy the methods of each family class onto ``cls`` (later families win on a name)."""
    for family in families:
        for name, member in vars(family).items():
            if name in ("__module__", "__qualname__", "__doc__", "__slots__", "__dict__",
                        "__weakref__"):
                continue
            setattr(cls, name, member)
