"""One sample on the scalar engine: its computation graph, and the backward pass of one neuron.

The tensor model computes a whole batch with one matrix product per layer, which hides the
arithmetic. To show it, the trained weights move to a scalar ``nn.MLP`` of the same shape through
``state_dict`` (the two engines share keys and shapes), one sample goes through it (every product
and sum is a Value), the sample's loss is backpropagated, and viz draws the graph collapsed by
neuron (one card per neuron: activation, parameters, output and gradient).

The stepper takes one neuron out of that graph: its inputs ``a_i`` (the features, or the previous
layer's outputs), weights ``w_i`` and bias ``b`` become fresh Values (the parameters keep their
``nn`` names) and ``out = act(sum_i w_i a_i + b)`` is rebuilt. Its root is
``out * g`` with ``g = dL/d(out)``, the gradient the full backward pass delivered to this neuron
(a constant here), so backpropagating the root gives every ``w_i`` and ``b`` exactly the gradient
it gets from the sample's loss: ``dL/dw_i = g * act'(z) * a_i``.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from chainrule.autograd import Value

from .errors import BadRequest, Unavailable
from .features import graph_labels
from .trainer import Trainer


def _viz() -> Any:
    try:
        from chainrule import viz
    except ImportError as e:  # pragma: no cover - viz is part of chainrule
        raise Unavailable(f"drawing graphs needs chainrule's viz package ({e})") from None
    return viz


def available() -> dict[str, bool]:
    """Which pictures this installation can draw (the page hides what it cannot)."""
    try:
        from chainrule import viz
    except ImportError:  # pragma: no cover
        return {"graph": False, "stepper": False}
    return {"graph": hasattr(viz, "to_svg"), "stepper": hasattr(viz, "animate_backward")}


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
    from chainrule import nn

    x, target = sample_point(trainer, index, part)
    scalar = nn.MLP(trainer.sizes[0], trainer.sizes[1:], activation=trainer.config["act"],
                    engine="scalar")
    scalar.load_state_dict(trainer.model.state_dict())
    names = graph_labels(trainer.config["feat"])
    inputs = [Value(v, label=name) for v, name in zip(x, names, strict=True)]
    # layer_outputs gives, per layer, one list of Values per sample (here one sample)
    layers = [inputs] + [per_sample[0] for per_sample in scalar.layer_outputs(inputs)]
    h = layers[-1]
    scores = h if trainer.nout > 1 else h[0]
    loss = trainer.loss_fn([scores], [target])
    loss.label = "loss"
    loss.backward()
    return {"model": scalar, "loss": loss, "layers": layers, "x": x, "target": target,
            "scores": [s.data for s in h]}


def graph_svg(trainer: Trainer, index: Any, part: str = "train") -> dict:
    """The sample's computation graph as SVG (collapsed by neuron), with its numbers."""
    done = forward_one(trainer, index, part)
    svg = _viz().to_svg(done["loss"], model=done["model"], collapse="neuron")
    return {"svg": svg, "sample": index, "part": part, "features": done["x"],
            "target": done["target"], "scores": done["scores"],
            "loss": done["loss"].data}


def neuron_root(trainer: Trainer, index: Any, layer: Any, neuron: Any,
                part: str = "train") -> Any:
    """The root Value whose backward pass is one neuron's share of the sample's backward pass."""
    done = forward_one(trainer, index, part)
    n_layers = len(trainer.sizes) - 1
    if isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < n_layers:
        raise BadRequest(f"layer must be a whole number from 0 to {n_layers - 1}")
    width = trainer.sizes[layer + 1]
    if isinstance(neuron, bool) or not isinstance(neuron, int) or not 0 <= neuron < width:
        raise BadRequest(f"neuron must be a whole number from 0 to {width - 1} (layer {layer})")
    cell = done["model"].layers[layer].neurons[neuron]
    inputs = done["layers"][layer]
    # the inputs are the features (x1, x1^2, ...) or the previous layer's outputs a1, a2, ...;
    # the parameters keep their nn names, which the graph above uses too (and which viz draws
    # as parameters because they are dotted module paths)
    a = [Value(v.data, label=(v.label if layer == 0 else f"a{i + 1}"))
         for i, v in enumerate(inputs)]
    w = [Value(p.data, label=p.label) for p in cell.w]
    b = Value(cell.b.data, label=cell.b.label)
    z = sum((wi * ai for wi, ai in zip(w, a, strict=True)), b)
    z.label = "z"
    act = trainer.config["act"]
    if layer == n_layers - 1 or act == "linear":  # the output layer has no activation
        out = z
    else:
        out = getattr(z, act)()  # the engine's own relu / tanh / sigmoid
        out.label = "out"
    upstream = done["layers"][layer + 1][neuron].grad
    root = out * Value(upstream, label="dL/dout", requires_grad=False)
    root.label = "L (this neuron's share)"
    return root


def stepper_html(trainer: Trainer, index: Any, layer: Any, neuron: Any,
                 part: str = "train") -> str:
    """viz's self-contained backprop stepper for one neuron of one sample, as HTML text."""
    root = neuron_root(trainer, index, layer, neuron, part)
    viz = _viz()
    animate = getattr(viz, "animate_backward", None)
    if animate is None:
        raise Unavailable("the backprop stepper needs viz.animate_backward, which this version "
                          "of chainrule's viz does not have yet")
    with tempfile.TemporaryDirectory(prefix="chainrule-stepper-") as folder:
        path = os.path.join(folder, "stepper.html")
        animate(root, path)
        with open(path, encoding="utf-8") as f:
            return f.read()
