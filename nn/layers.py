"""Tensor layers, ``Linear`` and ``Sequential``: one matrix product per layer for a whole batch.

``Linear(nin, nout)`` computes ``y = x W^T + b`` (then its activation, if any) for a batch ``x``
of shape ``(n, nin)``, with ``W`` of shape ``(nout, nin)`` and ``b`` of shape ``(nout,)``
(PyTorch's layout, and the scalar ``Layer``'s state-dict layout). ``x W^T + b`` is one node in
the graph, the fused ``linear`` op (``autograd.tensor.fused``, PyTorch's ``F.linear``), whose
gradients are ``dL/dx = g W``, ``dL/dW = g^T x`` and ``dL/db = sum of g over the batch``, for
``g = dL/dy``.

The weight is stored column-major (Fortran order): ``W.data`` has the shape (nout, nin) and the
numbers of PyTorch's layout, but in memory it is ``Wᵀ`` row by row, the layout a hand-written
numpy MLP keeps its ``(nin, nout)`` matrices in. The forward product ``x·Wᵀ`` then runs BLAS's
plain kernel instead of its transposed one (16% faster on a 784 x 256 layer here), the gradient
``dL/dW`` is made in the same layout (so the optimizer's update is one contiguous pass), and only
``dL/dx = g W`` uses the transposed kernel, as the hand-written version's ``g Wᵀ`` does. Saving,
loading and exporting are unaffected (files hold row-major bytes); loading keeps the layout.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from chainrule.autograd import Node, Tensor
from chainrule.autograd.tensor.fused import linear

from . import init as _init
from ._rng import make_rng
from .dense import Dense
from .module import Module


def as_input(x: Any, dtype: Any, nin: int, who: str) -> Tensor:
    """The input as a Tensor of the layer's dtype, checked to end in ``nin`` features."""
    if isinstance(x, Node):
        if x.engine != "tensor":
            raise TypeError(
                f"{who} is a tensor-engine module and got a {type(x).__name__}; pass a numpy "
                "array or a Tensor (or build the model with engine='scalar')"
            )
    else:
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


class Linear(Dense):
    """``y = act(x W^T + b)``, with ``weight`` (nout, nin) and ``bias`` (nout,) Tensors.

    ``activation`` defaults to none (``'linear'``: ``y = x W^T + b``, PyTorch's ``Linear``); an
    ``MLP`` gives its hidden layers theirs. Initialisation: PyTorch's default,
    U(-1/sqrt(nin), 1/sqrt(nin)) for weight and bias; with ``init=`` a scheme of ``nn.init`` (or
    ``f(shape, rng)``) for the weight and a zero bias. Batch format (``nn.Dense``): a Tensor
    ``(n, nin)``, or ``(nin,)`` for one sample, which the layer keeps as it is.
    """

    engine = "tensor"
    node_type = Tensor

    def __init__(
        self,
        nin: int,
        nout: int,
        bias: bool = True,
        *,
        activation: str | None = None,
        init: str | Callable[..., Any] | None = None,
        dtype: Any = np.float64,
        seed: int | None = None,
        rng: Any = None,
    ) -> None:
        super().__init__(nin, nout, activation)
        gen = make_rng(rng, seed)
        if init is None:
            w = _init.pytorch((self.nout, self.nin), gen)
            bound = 1.0 / math.sqrt(self.nin)
            b = gen.uniform(-bound, bound, size=self.nout) if bias else None
        else:
            w = _init.draw(init, (self.nout, self.nin), gen)
            b = np.zeros(self.nout)
        self.weight = Tensor(w.astype(dtype), requires_grad=True)
        # stored column-major: W's transpose is then row-major, and x·Wᵀ is BLAS's fastest
        # product (see ``fused.Linear``): the numbers and the shape are the same
        self.weight.data = np.asfortranarray(self.weight.data)
        self.bias = Tensor(b.astype(dtype), requires_grad=True) if bias else None

    def to_batch(self, x: Any, who: str | None = None) -> tuple[Tensor, bool]:
        x = as_input(x, self.weight.dtype, self.nin, who or type(self).__name__)
        return x, x.ndim == 1

    def forward_batch(self, batch: Tensor) -> Tensor:
        """(n, nin) -> (n, nout); a single sample (nin,) -> (nout,)."""
        return self.activate(linear(batch, self.weight, self.bias))

    def from_batch(self, batch: Tensor, single: bool) -> Tensor:
        return batch  # the matrix product kept a single sample's shape: nothing to undo

    def extra_repr(self) -> str:
        act = "" if self.activation == "linear" else f", {self.activation}"
        bias = "" if self.bias is not None else ", bias=False"
        return f"{self.nin} -> {self.nout}{act}{bias}"


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
        # the count, not the attributes: train()/eval() and users may add public attributes
        self._size = len(modules)

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, i: int) -> Any:
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"Sequential index {i} out of range for {n} modules")
        return getattr(self, str(i % n))

    def __iter__(self) -> Iterator[Any]:
        return (getattr(self, str(i)) for i in range(self._size))

    def forward(self, x: Any) -> Any:
        for m in self:
            x = m(x)
        return x
