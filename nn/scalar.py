"""Scalar layers (micrograd's shape): every weight is a ``Value``, every multiply and add a node.

A ``Neuron`` computes ``act(w . x + b) = act(w_0 x_0 + w_1 x_1 + ... + b)`` with one ``*`` and one
``+`` node per input, so the graph of one sample shows every step of the arithmetic. A ``Layer`` is
``nout`` neurons reading the same input.

Both are called on one sample (a list of floats or Values, or a 1-D numpy array) or on a batch (a
2-D array or a list of samples), which gives a list with one result per sample. Weights start as
U(-1, 1) and biases as 0, like micrograd; pass ``seed=`` or ``rng=`` to make them reproducible and
``init=`` for another scheme (see ``nn.init``). Both follow the layer contract of ``nn.Dense``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import reduce as _reduce
from typing import Any

import numpy as np

from chainrule.autograd import Node, Value

from . import init as _init
from ._rng import make_rng
from .dense import Dense
from .state import Entry

_times, _plus = Value.__mul__, Value.__add__  # w * x and z + p for a weight w and a sum z
_ONE = (Value, float)  # what a sample's first input usually is (a sample, not a batch)


def as_samples(x: Any, nin: int, who: str) -> tuple[list, bool]:
    """(rows, batched): the input as a list of samples, each a list of ``nin`` floats or Values."""
    if isinstance(x, np.ndarray):
        if x.ndim not in (1, 2):
            raise ValueError(
                f"{who} takes a 1-D sample or a 2-D batch, not an array of shape {x.shape}"
            )
        batched = x.ndim == 2
        x = x.astype(np.float64).tolist()  # Python floats: numpy scalars would slow every op
    elif isinstance(x, Node) and x.engine != "scalar":
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


def _check_dtype(dtype: Any) -> None:
    if np.dtype(dtype) != np.float64:
        raise ValueError(
            f"the scalar engine computes in Python floats (float64), not {np.dtype(dtype)}; "
            "dtype= is for engine='tensor'"
        )


class ScalarDense(Dense):
    """The scalar engine's side of the layer contract, shared by ``Neuron`` and ``Layer``.

    Batch format: a list of samples, each a list of floats or Values. A call returns, per sample,
    a Value when the layer has one output (micrograd's convention) and a list of Values otherwise;
    a batch gives a list with one such result per sample.
    """

    engine = "scalar"
    node_type = Value

    def to_batch(self, x: Any, who: str | None = None) -> tuple[list, bool]:
        # the common call, one sample as a list of Values or floats, answered as as_samples would
        # answer it without its checks for other inputs (a model calls this once per sample)
        if type(x) is list and len(x) == self.in_features and type(x[0]) in _ONE:
            return [x], True
        rows, batched = as_samples(x, self.in_features, who or type(self).__name__)
        return rows, not batched

    def from_batch(self, batch: list, single: bool) -> Any:
        if single:
            return batch[0][0] if self.out_features == 1 else batch[0]
        return [r[0] for r in batch] if self.out_features == 1 else batch


class Neuron(ScalarDense):
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
        init: str | Callable[..., Any] | None = None,
        w: Any = None,
        b: float = 0.0,
        seed: int | None = None,
        rng: Any = None,
    ) -> None:
        super().__init__(nin, 1, activation if nonlin else "linear")
        if w is None:
            w = _init.draw(init or "uniform", (self.nin,), make_rng(rng, seed))
        w = np.asarray(w, dtype=np.float64)
        if w.shape != (self.nin,):
            raise ValueError(
                f"Neuron({self.nin}) needs {self.nin} starting weights, got shape {w.shape}"
            )
        self.w = [Value(x) for x in w.tolist()]
        self.b = Value(float(b)) if bias else None

    def forward_row(self, x: list) -> Value:
        """The neuron on one sample, a list of ``nin`` floats or Values (not checked: ``forward``
        checks its input once, then ``Layer`` calls this for each neuron)."""
        # Every product and every sum is one node, as in micrograd (and as the pictures show):
        # z = ((b + w_0 x_0) + w_1 x_1) + ..., the nodes sum(products, b) makes. map and reduce
        # run the loop in C, and call Value's own * and + (the weights and the bias are Values)
        # without Python's operator dispatch; together 15% off the forward.
        products = map(_times, self.w, x)
        b = self.b
        z = sum(products) if b is None else _reduce(_plus, products, b)
        act = self._act  # self.activate(z), without its call: this runs once per neuron and sample
        return z if act is None else act(z)

    def forward_batch(self, batch: list) -> list:
        return [[self.forward_row(r)] for r in batch]

    def state_entries(self, prefix: str = "") -> Iterator[Entry]:
        yield Entry(prefix + "weight", tuple(self.w), (self.nin,))
        if self.b is not None:
            yield Entry(prefix + "bias", (self.b,), ())

    def extra_repr(self) -> str:
        return f"{self.nin}, {self.activation}" + ("" if self.b is not None else ", bias=False")


class Layer(ScalarDense):
    """``nout`` neurons that read the same ``nin`` inputs: ``[act(w_j . x + b_j) for j]``.

    Called on one sample it returns a list of ``nout`` Values (a single Value when ``nout == 1``,
    as micrograd); on a batch, a list of those. Weights are drawn as one ``(nout, nin)`` array from
    ``init`` (default U(-1, 1)), row j for neuron j; biases start at 0. State dict: ``weight``
    (nout, nin) and ``bias`` (nout,), the same as a tensor ``Linear``. ``dtype`` is accepted for
    the layer contract's sake and must be float64 (Python floats).
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        nonlin: bool = True,
        *,
        activation: str | None = "relu",
        bias: bool = True,
        init: str | Callable[..., Any] | None = None,
        dtype: Any = np.float64,
        seed: int | None = None,
        rng: Any = None,
    ) -> None:
        super().__init__(nin, nout, activation if nonlin else "linear")
        _check_dtype(dtype)
        weights = _init.draw(init or "uniform", (self.nout, self.nin), make_rng(rng, seed))
        self.neurons = [
            Neuron(self.nin, activation=self.activation, bias=bias, w=row) for row in weights
        ]

    def forward_batch(self, batch: list) -> list:
        return [[n.forward_row(r) for n in self.neurons] for r in batch]

    def state_entries(self, prefix: str = "") -> Iterator[Entry]:
        yield Entry(prefix + "weight", tuple(w for n in self.neurons for w in n.w),
                    (self.nout, self.nin))
        if self.neurons[0].b is not None:
            yield Entry(prefix + "bias", tuple(n.b for n in self.neurons), (self.nout,))

    def extra_repr(self) -> str:
        bias = "" if self.neurons[0].b is not None else ", bias=False"
        return f"{self.nin} -> {self.nout}, {self.activation}{bias}"
