"""The layer contract: what every fully connected layer answers, on either engine.

A fully connected layer maps ``in_features`` numbers per sample to ``out_features``:

    y = act(x W^T + b),   W of shape (out_features, in_features), b of shape (out_features,)

The scalar ``Neuron`` and ``Layer`` compute it with one ``Value`` per weight (every product and sum
a node you can draw); the tensor ``Linear`` with one matrix product for a whole batch. All three
derive from ``Dense`` and answer the same questions with the same names, so ``MLP``, ``summary``
and the state dict never need to know which engine they hold:

    engine             'scalar' or 'tensor': the kind of node it builds (a class attribute)
    in_features        inputs per sample             (``nin``, micrograd's name, is the same)
    out_features       outputs per sample            (``nout``; 1 for a ``Neuron``)
    activation         the activation's name: 'relu', 'tanh', ..., 'linear' for none
    parameters()       weight(s) then bias, as every ``Module``
    state_entries()    ``weight`` (out_features, in_features) and ``bias`` (out_features,)
                       (a lone ``Neuron``: ``weight`` (in_features,), ``bias`` ())

A layer's ``forward(x)`` is three steps, and a model that stacks layers runs the middle one per
layer, in the engine's own batch format (``MLP.forward`` is exactly this):

    batch, single = first.to_batch(x)      x checked and put in the engine's batch format
    batch = layer.forward_batch(batch)     for each layer: a batch in, a batch out
    y = last.from_batch(batch, single)     back to what a call returns

The scalar engine's batch is a list of samples, each a list of Values (or floats); its calls return
a Value for a sample with one output, as micrograd's. The tensor engine's batch is a ``Tensor``
``(n, features)`` (or ``(features,)`` for one sample, which the matrix product keeps as it is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .activations import activation_name, function
from .module import Module


def check_size(n: Any, what: str) -> int:
    """``n`` as an int, checked to be a positive whole number (a layer or input size)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{what} must be a positive int, not {n!r}")
    return int(n)


class Dense(Module):
    """Base class (the contract) of the fully connected layers ``Neuron``, ``Layer``, ``Linear``.

    Not a layer by itself: a subclass sets ``engine`` and ``node_type`` and defines ``to_batch``,
    ``forward_batch`` and ``from_batch``. ``Dense.__init__`` records the sizes and the activation.
    """

    #: 'scalar' or 'tensor': the engine of the nodes the layer builds (the same names as
    #: ``Value.engine`` and ``Tensor.engine``)
    engine: str = ""
    #: the node class of the engine (``Value`` or ``Tensor``), whose methods are the activations
    node_type: type = object

    def __init__(self, in_features: int, out_features: int, activation: str | None) -> None:
        who = type(self).__name__
        self.in_features = check_size(in_features, f"{who}(nin)")
        self.out_features = check_size(out_features, f"{who}(nout)")
        self.activation = activation_name(activation)
        # the activation as the engine's own method (fastest on Values); None for 'linear'
        self._act: Callable[[Any], Any] | None = (
            None if self.activation == "linear" else function(self.activation, self.node_type)
        )

    @property
    def nin(self) -> int:
        """``in_features`` (micrograd's name)."""
        return self.in_features

    @property
    def nout(self) -> int:
        """``out_features`` (micrograd's name)."""
        return self.out_features

    def to_batch(self, x: Any, who: str | None = None) -> tuple[Any, bool]:
        """``(batch, single)``: the input checked to have ``in_features`` per sample and put in the
        engine's batch format; ``single`` says it was one sample. ``who`` names the caller in
        error messages (the layer's class by default; ``MLP`` passes its own name)."""
        raise NotImplementedError(f"{type(self).__name__} does not define to_batch()")

    def forward_batch(self, batch: Any) -> Any:
        """The layer on a batch in the engine's format, giving a batch of outputs (the same
        format, ``out_features`` per sample), activation applied."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward_batch()")

    def from_batch(self, batch: Any, single: bool) -> Any:
        """A batch of outputs as a call returns it (``single``: the input was one sample)."""
        raise NotImplementedError(f"{type(self).__name__} does not define from_batch()")

    def forward(self, x: Any) -> Any:
        """``from_batch(forward_batch(batch), single)`` for ``batch, single = to_batch(x)``."""
        batch, single = self.to_batch(x)
        return self.from_batch(self.forward_batch(batch), single)

    def activate(self, z: Any) -> Any:
        """The layer's activation applied to a pre-activation node ``z`` (``z`` if 'linear')."""
        return z if self._act is None else self._act(z)
