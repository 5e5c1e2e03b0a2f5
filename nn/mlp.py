"""``MLP``: a multi-layer perceptron on either engine, with one API.

``MLP(nin, [h1, h2, ..., nout])`` stacks layers ``nin -> h1 -> h2 -> ... -> nout``: every hidden
layer applies the activation, the output layer is linear (its scores go to a loss). On the scalar
engine the layers are ``Layer``s of ``Neuron``s (every weight a Value); on the tensor engine they
are ``Linear``s (one matrix product per layer). Both store ``self.layers``, so both have the state
dict keys ``layers.0.weight`` (h1, nin), ``layers.0.bias`` (h1,), ... and a model moves from one
engine to the other with ``load_state_dict``. The MLP only stacks layers: which class it stacks
is the one engine-dependent choice (``LAYERS``), and every layer answers the same questions (the
layer contract, ``nn.Dense``).

``MLP(2, [16, 16, 1])`` has 2*16+16 + 16*16+16 + 16*1+1 = 337 parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._rng import make_rng
from .activations import activation_name
from .dense import Dense, check_size
from .layers import Linear
from .module import Module
from .scalar import Layer

#: engine name -> the layer class an MLP stacks on that engine (each follows ``nn.Dense``)
LAYERS: dict[str, type[Dense]] = {cls.engine: cls for cls in (Layer, Linear)}
ENGINES = tuple(LAYERS)


class MLP(Module):
    """A multi-layer perceptron: hidden layers with ``activation``, then a linear output layer.

    Args:
        nin: number of inputs.
        nouts: the sizes of the layers, the last one being the number of outputs.
        activation: 'relu' (default), 'tanh', 'sigmoid', 'leaky_relu', 'softplus' or 'linear'.
        engine: 'scalar' (Values; a call on one sample returns a Value when there is one output,
            else a list, as micrograd) or 'tensor' (Tensors; a batch (n, nin) gives (n, nout)).
        init: the weight scheme (``nn.init``); default U(-1, 1) with zero biases on the scalar
            engine (micrograd), PyTorch's ``Linear`` default on the tensor engine.
        seed / rng: make the initial weights reproducible.
        dtype: the tensor engine's dtype (float64 by default; the scalar engine is always float64).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | None = "relu",
        engine: str = "scalar",
        *,
        bias: bool = True,
        init: str | Callable[..., Any] | None = None,
        seed: int | None = None,
        rng: Any = None,
        dtype: Any = np.float64,
    ) -> None:
        if engine not in LAYERS:
            names = " or ".join(repr(name) for name in LAYERS)
            raise ValueError(f"MLP engine must be {names}, not {engine!r}")
        if isinstance(nouts, int) or not len(nouts):
            raise ValueError(f"MLP(nouts) must be a non-empty list of layer sizes, not {nouts!r}")
        self.nin = check_size(nin, "MLP(nin)")
        self.nouts = [check_size(n, "every MLP layer size") for n in nouts]
        self.activation = activation_name(activation)
        gen = make_rng(rng, seed)  # one stream: the layers draw in turn, weight then bias
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            LAYERS[engine](a, b, activation=self.activation if i != last else "linear",
                           bias=bias, init=init, dtype=dtype, rng=gen)
            for i, (a, b) in enumerate(zip(sizes, sizes[1:], strict=False))
        ]

    @property
    def engine(self) -> str:
        """'scalar' or 'tensor': the engine of the layers (``layer.engine``)."""
        return self.layers[0].engine

    def forward(self, x: Any) -> Any:
        """Scalar: one sample -> Value (one output) or list; a batch -> a list of those.
        Tensor: ``(n, nin)`` -> Tensor ``(n, nout)``; ``(nin,)`` -> ``(nout,)``."""
        batch, single = self.layers[0].to_batch(x, "MLP")
        for layer in self.layers:
            batch = layer.forward_batch(batch)
        return self.layers[-1].from_batch(batch, single)

    def layer_outputs(self, x: Any) -> list:
        """What every layer outputs (after its activation) for a batch ``x``: a list with one
        entry per layer, each in the engine's batch format (``nn.Dense``): a Tensor (n, size), or
        on the scalar engine a list of n lists of Values. For looking inside a model: each hidden
        neuron's response, gradients per layer."""
        batch, _ = self.layers[0].to_batch(x, "MLP")
        outs = []
        for layer in self.layers:
            batch = layer.forward_batch(batch)
            outs.append(batch)
        return outs

    @property
    def in_features(self) -> int:
        return self.nin

    @property
    def out_features(self) -> int:
        return self.nouts[-1]

    def extra_repr(self) -> str:
        return f"{self.nin} -> {self.nouts}, activation={self.activation!r}, engine={self.engine!r}"
