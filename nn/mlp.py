"""``MLP``: a multi-layer perceptron on either engine, with one API.

``MLP(nin, [h1, h2, ..., nout])`` stacks layers ``nin -> h1 -> h2 -> ... -> nout``: every hidden
layer applies the activation, the output layer is linear (its scores go to a loss). On the scalar
engine the layers are ``Layer``s of ``Neuron``s (every weight a Value); on the tensor engine they
are ``Linear``s (one matrix product per layer). Both store ``self.layers``, so both have the state
dict keys ``layers.0.weight`` (h1, nin), ``layers.0.bias`` (h1,), ... and a model moves from one
engine to the other with ``load_state_dict``.

``MLP(2, [16, 16, 1])`` has 2*16+16 + 16*16+16 + 16*1+1 = 337 parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.autograd import Tensor

from ._rng import make_rng
from .activations import activation_name, function
from .layers import Linear
from .module import Module
from .scalar import Layer, as_samples, check_size

ENGINES = ("scalar", "tensor")


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
        if engine not in ENGINES:
            raise ValueError(f"MLP engine must be 'scalar' or 'tensor', not {engine!r}")
        if isinstance(nouts, int) or not len(nouts):
            raise ValueError(f"MLP(nouts) must be a non-empty list of layer sizes, not {nouts!r}")
        self.nin = check_size(nin, "MLP(nin)")
        self.nouts = [check_size(n, "every MLP layer size") for n in nouts]
        self.activation = activation_name(activation)
        self.engine = engine
        gen = make_rng(rng, seed)
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        if engine == "scalar":
            self.layers = [
                Layer(a, b, i != last, activation=self.activation, bias=bias,
                      init=init or "uniform", rng=gen)
                for i, (a, b) in enumerate(zip(sizes, sizes[1:], strict=False))
            ]
        else:
            # the activation between layers (the scalar engine's neurons apply their own)
            self._act = function(self.activation, Tensor)
            self.layers = [
                Linear(a, b, bias, init=init, dtype=dtype, rng=gen)
                for a, b in zip(sizes, sizes[1:], strict=False)
            ]

    def forward(self, x: Any) -> Any:
        """Scalar: one sample -> Value (one output) or list; a batch -> a list of those.
        Tensor: ``(n, nin)`` -> Tensor ``(n, nout)``; ``(nin,)`` -> ``(nout,)``."""
        if self.engine == "tensor":
            act, last = self._act, len(self.layers) - 1
            for i, layer in enumerate(self.layers):
                x = layer(x)
                if i != last:
                    x = act(x)
            return x
        rows, batched = as_samples(x, self.nin, "MLP")
        out = []
        for r in rows:
            for layer in self.layers:
                r = layer._one(r)
            out.append(r[0] if len(r) == 1 else r)
        return out if batched else out[0]

    def layer_outputs(self, x: Any) -> list:
        """What every layer outputs (after its activation) for a batch ``x``: a list with one
        entry per layer, each a Tensor (n, size) or, on the scalar engine, a list of n lists of
        Values. For looking inside a model: each hidden neuron's response, gradients per layer."""
        if self.engine == "tensor":
            outs, last = [], len(self.layers) - 1
            for i, layer in enumerate(self.layers):
                x = layer(x)
                x = x if i == last else self._act(x)
                outs.append(x)
            return outs
        rows, _ = as_samples(x, self.nin, "MLP")
        per_layer: list = [[] for _ in self.layers]
        for r in rows:
            for i, layer in enumerate(self.layers):
                r = layer._one(r)
                per_layer[i].append(r)
        return per_layer

    @property
    def out_features(self) -> int:
        return self.nouts[-1]

    def extra_repr(self) -> str:
        return f"{self.nin} -> {self.nouts}, activation={self.activation!r}, engine={self.engine!r}"
