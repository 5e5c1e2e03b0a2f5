"""Tensor layers, ``Linear`` and ``Sequential``: one matrix product per layer for a whole batch.

``Linear(nin, nout)`` computes ``y = x W^T + b`` for a batch ``x`` of shape ``(n, nin)``, with
``W`` of shape ``(nout, nin)`` and ``b`` of shape ``(nout,)`` (PyTorch's layout, and the scalar
``Layer``'s state-dict layout). Its gradients, which backpropagation computes from the matmul's
rule, are ``dL/dW = g^T x`` and ``dL/db = sum of g over the batch``, for ``g = dL/dy``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from chainrule.autograd import Tensor

from . import init as _init
from ._rng import make_rng
from .module import Module
from .scalar import check_size


def as_input(x: Any, dtype: Any, nin: int, who: str) -> Any:
    """The input as a Tensor of the layer's dtype, checked to end in ``nin`` features."""
    if not isinstance(x, Tensor):
        if hasattr(x, "parents"):
            raise TypeError(
                f"{who} is a tensor-engine module and got a {type(x).__name__}; pass a numpy "
                "array or a Tensor (or build the model with engine='scalar')"
            )
        try:
            arr = np.asarray(x, dtype=dtype)
        except (TypeError, ValueError):
            raise TypeError(
                f"{who} takes a numeric array or a Tensor, not {type(x).__name__}"
            ) from None
        x = Tensor(arr)
    if x.ndim == 0 or x.shape[-1] != nin:
        raise ValueError(
            f"{who} expects inputs with {nin} features (shape (n, {nin}) or ({nin},)), "
            f"got shape {tuple(x.shape)}"
        )
    return x


class Linear(Module):
    """``y = x W^T + b``, with ``weight`` (nout, nin) and ``bias`` (nout,) Tensors.

    Initialisation: PyTorch's default, U(-1/sqrt(nin), 1/sqrt(nin)) for weight and bias; with
    ``init=`` a scheme of ``nn.init`` (or ``f(shape, rng)``) for the weight and a zero bias.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        bias: bool = True,
        *,
        init: str | Callable[..., Any] | None = None,
        dtype: Any = np.float64,
        seed: int | None = None,
        rng: Any = None,
    ) -> None:
        self.nin = check_size(nin, "Linear(nin)")
        self.nout = check_size(nout, "Linear(nout)")
        gen = make_rng(rng, seed)
        if init is None:
            w = _init.pytorch((self.nout, self.nin), gen)
            bound = 1.0 / math.sqrt(self.nin)
            b = gen.uniform(-bound, bound, size=self.nout) if bias else None
        else:
            w = _init.draw(init, (self.nout, self.nin), gen)
            b = np.zeros(self.nout)
        self.weight = Tensor(w.astype(dtype), requires_grad=True)
        self.bias = Tensor(b.astype(dtype), requires_grad=True) if bias else None

    def forward(self, x: Any) -> Any:
        """(n, nin) -> (n, nout); a single sample (nin,) -> (nout,)."""
        x = as_input(x, self.weight.dtype, self.nin, "Linear")
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias

    @property
    def out_features(self) -> int:
        return self.nout

    def extra_repr(self) -> str:
        return f"{self.nin} -> {self.nout}" + ("" if self.bias is not None else ", bias=False")


class Sequential(Module):
    """Modules applied in turn: ``Sequential(Linear(2, 16), ReLU(), Linear(16, 1))``.

    The modules are named ``0``, ``1``, ... (so parameters are ``0.weight``, ``2.bias``, as in
    PyTorch); ``seq[i]``, ``len(seq)`` and iteration work as for a list.
    """

    def __init__(self, *modules: Module) -> None:
        for i, m in enumerate(modules):
            if not isinstance(m, Module) and not callable(m):
                raise TypeError(f"Sequential item {i} is a {type(m).__name__}, not a Module")
            setattr(self, str(i), m)

    def __len__(self) -> int:
        return sum(1 for _ in self._children())

    def __getitem__(self, i: int) -> Any:
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"Sequential index {i} out of range for {n} modules")
        return getattr(self, str(i % n))

    def __iter__(self) -> Iterator[Any]:
        return (m for _, m in self._children())

    def forward(self, x: Any) -> Any:
        for m in self:
            x = m(x)
        return x
