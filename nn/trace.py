"""One sample through an MLP on the scalar engine, and one neuron's share of its backward pass.

A tensor model computes a whole batch with one matrix product per layer, which hides the
arithmetic. ``trace_sample`` shows it: a tensor model's weights move to a scalar ``MLP`` of the
same shape (``to_engine``: the engines share state dict keys and shapes), one sample goes
through it with every product and sum a ``Value``, and the sample's loss is backpropagated.
Every layer's output Values are kept, so a picture can name them and a lesson can read their
gradients.

``neuron_walkthrough`` takes one neuron out of that graph, to be drawn or stepped through on its
own: its inputs ``a_i`` (the features, or the previous layer's outputs) become fresh Values, the
neuron is copied (its parameters keep their ``nn`` names) and ``out = act(z)``,
``z = sum_i w_i a_i + b``, is computed again by the neuron itself. The root is ``out * g`` with
``g = dL/d(out)``, the gradient the sample's backward pass delivered to this neuron (a constant
here), so backpropagating the root gives every ``w_i`` and ``b`` exactly the gradient the
sample's loss gives it: ``dL/dw_i = g * act'(z) * a_i`` and ``dL/db = g * act'(z)``.

    >>> from chainrule import nn
    >>> model = nn.MLP(2, [3, 1], seed=0)
    >>> trace = nn.trace_sample(model, [0.5, -1.0], loss=lambda s: (1 - s).relu())
    >>> [len(values) for values in trace.layers]     # inputs, hidden layer, output
    [2, 3, 1]
    >>> root = nn.neuron_walkthrough(trace, 0, 1)    # layer 0, neuron 1
    >>> root.label
    "L (this neuron's share)"
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.autograd import Value, scope

from .mlp import ENGINES, MLP


def to_engine(model: MLP, engine: str) -> MLP:
    """A new ``MLP`` on ``engine`` ('scalar' or 'tensor') with ``model``'s shape, activation and
    weights (copied through ``state_dict``, so the two compute the same numbers)."""
    if not isinstance(model, MLP):
        raise TypeError(f"to_engine copies an nn.MLP, not {type(model).__name__}")
    if engine not in ENGINES:
        raise ValueError(f"engine must be 'scalar' or 'tensor', not {engine!r}")
    state = model.state_dict()
    out = MLP(model.nin, model.nouts, activation=model.activation, engine=engine,
              bias="layers.0.bias" in state)
    out.load_state_dict(state, allow_nonfinite=True)  # a faithful copy, nan included
    return out


@dataclass
class SampleTrace:
    """One sample through a scalar MLP: ``layers[0]`` holds the labelled inputs and
    ``layers[i]`` the Values that layer i-1 of ``model`` output (after its activation), the
    last being the scores; ``loss`` is the sample's loss, backpropagated (or None)."""

    model: MLP
    layers: list[list[Value]]
    loss: Value | None = None

    @property
    def outputs(self) -> list[Value]:
        return self.layers[-1]

    @property
    def scores(self) -> list[float]:
        return [v.data for v in self.layers[-1]]


def trace_sample(
    model: MLP,
    x: Sequence[float] | np.ndarray,
    *,
    labels: Sequence[str] | None = None,
    loss: Callable[[Any], Value] | None = None,
) -> SampleTrace:
    """Push one sample ``x`` through ``model`` on the scalar engine (see the module docstring).

    A scalar model is used as it is (with a loss, its parameters' grads are set to the sample's
    gradients); a tensor model is first copied to the scalar engine (``to_engine``), leaving it
    untouched.

    Args:
        labels: the inputs' labels in pictures (default ``x1, x2, ...``).
        loss: a function of the model's answer for the sample (a Value for one output, else the
            list of output Values, as ``model(x)`` gives) that returns the loss Value; the loss
            is labelled 'loss' and backpropagated.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"trace_sample takes an nn.MLP, not {type(model).__name__}")
    scalar = model if model.engine == "scalar" else to_engine(model, "scalar")
    values = np.asarray(x, dtype=np.float64)
    if values.shape != (model.nin,):
        raise ValueError(f"trace_sample needs one sample of {model.nin} numbers, "
                         f"not an array of shape {values.shape}")
    names = [f"x{i + 1}" for i in range(model.nin)] if labels is None else list(labels)
    if len(names) != model.nin:
        raise ValueError(f"trace_sample got {len(names)} labels for {model.nin} inputs")
    inputs = [Value(v, label=name) for v, name in zip(values.tolist(), names, strict=True)]
    # layer_outputs gives, per layer, one list of Values per sample (here one sample)
    layers = [inputs] + [per_sample[0] for per_sample in scalar.layer_outputs(inputs)]
    trace = SampleTrace(scalar, layers)
    if loss is not None:
        out = layers[-1]
        trace.loss = loss(out[0] if len(out) == 1 else out)
        scope.relabel(trace.loss, "loss")  # keeps the loss's name mark (one card in pictures)
        scalar.zero_grad()  # the parameters' grads become this sample's, not a sum with older
        trace.loss.backward()
    return trace


def _index(value: Any, size: int, what: str, where: str = "") -> int:
    whole = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not whole or not 0 <= value < size:
        raise ValueError(f"{what} must be a whole number from 0 to {size - 1}{where}")
    return int(value)


def neuron_walkthrough(trace: SampleTrace, layer: int, neuron: int) -> Value:
    """The root Value whose backward pass is neuron ``neuron`` of layer ``layer``'s share of the
    sample's backward pass: ``out * dL/dout`` (see the module docstring).

    Labels: the inputs keep theirs in layer 0 and are ``a0, a1, ...`` deeper (``a_i`` is the
    previous layer's neuron i, weighted by ``w.i``: counting from 0 as the code does); the sum
    is ``z``, the activation's output ``out`` (an output neuron has no activation: its ``z`` is
    its out), the constant ``dL/dout`` and the root ``L (this neuron's share)``.
    """
    if trace.loss is None:
        raise ValueError("neuron_walkthrough needs the sample's gradients: trace the sample "
                         "with a loss (trace_sample(..., loss=...))")
    layer = _index(layer, len(trace.layers) - 1, "layer")
    neuron = _index(neuron, len(trace.layers[layer + 1]), "neuron", f" (layer {layer})")
    inputs = [Value(v.data, label=(v.label if layer == 0 else f"a{i}"))
              for i, v in enumerate(trace.layers[layer])]
    cell = copy.deepcopy(trace.model.layers[layer].neurons[neuron])  # same numbers and labels
    cell.zero_grad()
    out = cell(inputs)
    z = out if cell.activation == "linear" else out.parents[0]  # out = act(z)
    z.label = "z"
    if out is not z:
        out.label = "out"
    upstream = trace.layers[layer + 1][neuron].grad
    root = out * Value(upstream, label="dL/dout", requires_grad=False)
    root.label = "L (this neuron's share)"
    return root
