"""One sample on the scalar engine: its computation graph, and the backward pass of one neuron.

The tensor model computes a whole batch with one matrix product per layer, which hides the
arithmetic. ``nn.trace_sample`` shows it: the trained weights move to a scalar ``nn.MLP`` of the
same shape, one sample goes through it (every product and sum is a Value), and the sample's loss
is backpropagated; viz draws that graph collapsed by neuron (one card per neuron: activation,
parameters, output and gradient).

The stepper is ``nn.neuron_walkthrough``: one neuron of that graph rebuilt from fresh Values,
``out * dL/dout``, whose backward pass gives each of its weights exactly the gradient the
sample's loss gives it; viz's ``animate_backward`` steps through it.
"""

from __future__ import annotations

from typing import Any

from chainrule import nn, viz
from chainrule.autograd import Value

from .errors import BadRequest
from .features import graph_labels
from .trainer import Trainer


def available() -> dict[str, bool]:
    """Which pictures this installation can draw (the page hides what it cannot): both, as viz
    is part of chainrule and renders without a system Graphviz."""
    return {"graph": True, "stepper": True}


def sample_point(trainer: Trainer, index: Any, part: str) -> tuple[list[float], Any]:
    """The features and the training target of one sample, checked."""
    if part not in ("train", "test"):
        raise BadRequest(f"part must be 'train' or 'test', not {part!r}")
    X, y = (trainer.Xtr, trainer.ytr) if part == "train" else (trainer.Xte, trainer.yte)
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(y):
        raise BadRequest(f"sample must be a whole number from 0 to {len(y) - 1} ({part} set)")
    target = y[index].item()
    return X[index].tolist(), target


def forward_one(trainer: Trainer, index: int, part: str) -> dict:
    """The sample through a scalar copy of the model, backpropagated from its loss."""
    x, target = sample_point(trainer, index, part)
    trace = nn.trace_sample(trainer.model, x, labels=graph_labels(trainer.config["feat"]),
                            loss=lambda scores: trainer.loss_fn([scores], [target]))
    return {"trace": trace, "layers": trace.layers, "scores": trace.scores, "x": x,
            "target": target}


def graph_svg(trainer: Trainer, index: Any, part: str = "train") -> dict:
    """The sample's computation graph as SVG (collapsed by neuron), with its numbers."""
    done = forward_one(trainer, index, part)
    trace = done["trace"]
    svg = viz.to_svg(trace.loss, model=trace.model, collapse="neuron")
    return {"svg": svg, "sample": index, "part": part, "features": done["x"],
            "target": done["target"], "scores": trace.scores, "loss": trace.loss.data}


def neuron_root(trainer: Trainer, index: Any, layer: Any, neuron: Any,
                part: str = "train") -> Value:
    """The root Value whose backward pass is one neuron's share of the sample's backward pass."""
    trace = forward_one(trainer, index, part)["trace"]
    try:
        return nn.neuron_walkthrough(trace, layer, neuron)
    except ValueError as e:  # a layer or neuron number out of range
        raise BadRequest(str(e)) from None


def stepper_html(trainer: Trainer, index: Any, layer: Any, neuron: Any,
                 part: str = "train") -> str:
    """viz's self-contained backprop stepper for one neuron of one sample, as HTML text."""
    return viz.animate_backward(neuron_root(trainer, index, layer, neuron, part)).html
