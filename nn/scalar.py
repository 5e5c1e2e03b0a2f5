"""Scalar layers (micrograd's shape): every weight is a ``Value``, every multiply and add a node.

A ``Neuron`` computes ``act(w . x + b) = act(w_0 x_0 + w_1 x_1 + ... + b)`` with one ``*`` and one
``+`` node per input, so the graph of one sample shows every step of the arithmetic. A ``Layer`` is
``nout`` neurons reading the same input.

Both are called on one sample (a list of floats or Values, or a 1-D numpy array) or on a batch (a
2-D array or a list of samples), which gives a list with one result per sample. Weights start as
U(-1, 1) and biases as 0, like micrograd; pass ``seed=`` or ``rng=`` to make them reproducible and
``init=`` for another scheme (see ``nn.init``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.autograd import Node, Value

from . import init as _init
from ._rng import make_rng
from .activations import activation_name, function
from .module import Module
from .state import Entry


def check_size(n: Any, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{what} must be a positive int, not {n!r}")
    return int(n)


def as_samples(x: Any, nin: int, who: str) -> tuple[list, bool]:
    """(rows, batched): the input as a list of samples, each a list of ``nin`` floats or Values."""
    if isinstance(x, np.ndarray):
        if x.ndim not in (1, 2):
            raise ValueError(
                f"{who} takes a 1-D sample or a 2-D batch, not an array of shape {x.shape}"
            )
        batched = x.ndim == 2
        x = x.astype(np.float64).tolist()  # Python floats: numpy scalars would slow every op
    elif isinstance(x, Node) and not isinstance(x, Value):
        raise TypeError(
            f"{who} is a scalar-engine module and got a {type(x).__name__}; pass a list of floats "
            "or Values or a numpy array (or build the model with engine='tensor')"
        )
    elif isinstance(x, (list, tuple)):
        batched = bool(x) and isinstance(x[0], (list, tuple, np.ndarray))
    else:
        raise TypeError(
            f"{who} takes a list of {nin} floats or Values (one sample) or a list of such lists "
            f"(a batch), not {type(x).__name__}"
        )
    rows = x if batched else [x]
    for i, row in enumerate(rows):
        if len(row) != nin:
            where = f"sample {i} has" if batched else "the input has"
            raise ValueError(f"{who} expects {nin} inputs per sample, but {where} {len(row)}")
    if batched:
        rows = [r.tolist() if isinstance(r, np.ndarray) else r for r in rows]
    return rows, batched


def _activation(nonlin: bool, activation: str | None) -> tuple[str, Callable[[Any], Any] | None]:
    name = activation_name(activation) if nonlin else "linear"
    return name, (None if name == "linear" else function(name, Value))


class Neuron(Module):
    """One neuron: ``act(w . x + b)``, with ``nin`` weights ``w`` and a bias ``b`` (Values).

    ``nonlin=False`` (micrograd's flag) or ``activation='linear'`` leaves out the activation.
    ``w``/``b`` set the starting weights and bias explicitly (to build a neuron by hand); else the
    weights are drawn from ``init`` (default U(-1, 1)) and the bias is 0.
    State dict: ``weight`` of shape (nin,) and ``bias`` of shape ().
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        *,
        activation: str | None = "relu",
        bias: bool = True,
        init: str | Callable[..., Any] = "uniform",
        w: Any = None,
        b: float = 0.0,
        seed: int | None = None,
        rng: Any = None,
    ) -> None:
        self.nin = check_size(nin, "Neuron(nin)")
        self.activation, self._act = _activation(nonlin, activation)
        if w is None:
            w = _init.draw(init, (self.nin,), make_rng(rng, seed))
        w = np.asarray(w, dtype=np.float64)
        if w.shape != (self.nin,):
            raise ValueError(
                f"Neuron({self.nin}) needs {self.nin} starting weights, got shape {w.shape}"
            )
        self.w = [Value(x) for x in w.tolist()]
        self.b = Value(float(b)) if bias else None

    def _one(self, x: list) -> Value:
        # every product and every sum is one node, as in micrograd (and as the pictures show)
        if self.b is None:
            act = sum(wi * xi for wi, xi in zip(self.w, x, strict=True))
        else:
            act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return act if self._act is None else self._act(act)

    def forward(self, x: Any) -> Any:
        """One sample -> a Value; a batch -> a list of Values."""
        rows, batched = as_samples(x, self.nin, "Neuron")
        out = [self._one(r) for r in rows]
        return out if batched else out[0]

    def _state_entries(self, prefix: str) -> list[Entry]:
        out = [Entry(prefix + "weight", tuple(self.w), (self.nin,))]
        if self.b is not None:
            out.append(Entry(prefix + "bias", (self.b,), ()))
        return out

    @property
    def out_features(self) -> int:
        return 1

    def extra_repr(self) -> str:
        return f"{self.nin}, {self.activation}" + ("" if self.b is not None else ", bias=False")


class Layer(Module):
    """``nout`` neurons that read the same ``nin`` inputs: ``[act(w_j . x + b_j) for j]``.

    Called on one sample it returns a list of ``nout`` Values (a single Value when ``nout == 1``,
    as micrograd); on a batch, a list of those. Weights are drawn as one ``(nout, nin)`` array from
    ``init``, row j for neuron j. State dict: ``weight`` (nout, nin) and ``bias`` (nout,), the same
    as a tensor ``Linear``.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        nonlin: bool = True,
        *,
        activation: str | None = "relu",
        bias: bool = True,
        init: str | Callable[..., Any] = "uniform",
        seed: int | None = None,
        rng: Any = None,
    ) -> None:
        self.nin = check_size(nin, "Layer(nin)")
        self.nout = check_size(nout, "Layer(nout)")
        self.activation, _ = _activation(nonlin, activation)
        weights = _init.draw(init, (self.nout, self.nin), make_rng(rng, seed))
        self.neurons = [
            Neuron(self.nin, activation=self.activation, bias=bias, w=row) for row in weights
        ]

    def _one(self, x: list) -> list:
        return [n._one(x) for n in self.neurons]

    def forward(self, x: Any) -> Any:
        rows, batched = as_samples(x, self.nin, "Layer")
        out = [self._one(r) for r in rows]
        if self.nout == 1:
            out = [o[0] for o in out]
        return out if batched else out[0]

    def _state_entries(self, prefix: str) -> list[Entry]:
        w = tuple(wi for n in self.neurons for wi in n.w)
        out = [Entry(prefix + "weight", w, (self.nout, self.nin))]
        if self.neurons[0].b is not None:
            out.append(Entry(prefix + "bias", tuple(n.b for n in self.neurons), (self.nout,)))
        return out

    @property
    def out_features(self) -> int:
        return self.nout

    def extra_repr(self) -> str:
        bias = "" if self.neurons[0].b is not None else ", bias=False"
        return f"{self.nin} -> {self.nout}, {self.activation}{bias}"
