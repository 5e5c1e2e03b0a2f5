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
from chainrule.autograd import Value, scope

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
    """The sample through a scalar copy of the model, backpropagated from its loss.

    The loss is marked as one named region (``autograd.scope``: the viewer draws it as one card,
    "cross-entropy", that opens into its ops) whose inputs are the output neurons' Values.
    ``nn.trace_sample`` labels the loss ``'loss'``, which replaces the mark ``nn.losses`` put
    there, so it is put back here with that label kept."""
    x, target = sample_point(trainer, index, part)
    seen: dict[str, Any] = {}

    def loss(scores: Any) -> Any:
        out = trainer.loss_fn([scores], [target])
        mark = scope.scope_of(out)
        seen["name"] = mark.name if mark is not None else trainer.loss_fn.name
        return out

    trace = nn.trace_sample(trainer.model, x, labels=graph_labels(trainer.config["feat"]),
                            loss=loss)
    scope.mark(trace.loss, seen["name"], tuple(trace.layers[-1]), label="loss")
    return {"trace": trace, "layers": trace.layers, "scores": trace.scores, "x": x,
            "target": target}


def graph_svg(trainer: Trainer, index: Any, part: str = "train", view: str = "svg") -> dict:
    """The sample's computation graph, with its numbers: as SVG (collapsed by neuron), or with
    ``view="model"`` as viz's graph model for the page's interactive viewer (one card per
    neuron, the loss as one named card, that open in place)."""
    if view not in ("svg", "model"):
        raise BadRequest(f"view must be 'svg' or 'model', not {view!r}")
    done = forward_one(trainer, index, part)
    trace = done["trace"]
    out = {"sample": index, "part": part, "features": done["x"], "target": done["target"],
           "scores": trace.scores, "loss": trace.loss.data}
    if view == "model":
        out["model"] = viz.viewer.graph_model(trace.loss, model=trace.model, collapse="neuron")
    else:
        out["svg"] = viz.to_svg(trace.loss, model=trace.model, collapse="neuron")
    return out


def neuron_root(trainer: Trainer, index: Any, layer: Any, neuron: Any,
                part: str = "train") -> Value:
    """The root Value whose backward pass is one neuron's share of the sample's backward pass,
    named as the page names things (``name_terms``)."""
    trace = forward_one(trainer, index, part)["trace"]
    try:
        root = nn.neuron_walkthrough(trace, layer, neuron)
    except ValueError as e:  # a layer or neuron number out of range
        raise BadRequest(str(e)) from None
    return name_terms(root)


def name_terms(root: Value) -> Value:
    """Name the neuron's weighted sum term by term, counting from 0 as the page and the code do.

    ``nn.neuron_walkthrough`` names the previous layer's outputs ``a1, a2, ...``; here they are
    ``a0, a1, ...`` (``a_j`` is neuron j's output, weighted by ``w.j``). Each product is named
    ``w_j*input`` (``w0*x1``, ``w3*a3``) and each running sum ``z[0..j]``, so every step of the
    sum says which input it adds; ``z``, ``out``, ``dL/dout`` keep their names."""
    nodes: dict[int, Value] = {}
    todo = [root]
    while todo:
        n = todo.pop()
        if id(n) not in nodes:
            nodes[id(n)] = n
            todo.extend(n.parents)
    for n in nodes.values():
        if not n.parents and n.label[:1] == "a" and n.label[1:].isdigit():
            n.label = f"a{int(n.label[1:]) - 1}"
    for n in nodes.values():
        if getattr(n.op, "name", None) == "*" and len(n.parents) == 2:
            w, x = n.parents
            if w.label.rsplit(".", 2)[-2:-1] != ["w"]:
                w, x = x, w
            parts = w.label.rsplit(".", 2)
            if len(parts) == 3 and parts[1] == "w" and parts[2].isdigit():
                n.label = f"w{parts[2]}*{x.label}"
    for n in nodes.values():  # a running sum adds one term (a product) to the sum so far
        if getattr(n.op, "name", None) == "+" and not n.label:
            terms = [int(p.label[1:p.label.index("*")]) for p in n.parents
                     if p.label[:1] == "w" and p.label[1:p.label.find("*")].isdigit()]
            if terms:
                n.label = f"z[0..{max(terms)}]"
    return root


def stepper_html(trainer: Trainer, index: Any, layer: Any, neuron: Any,
                 part: str = "train") -> str:
    """viz's self-contained backprop stepper for one neuron of one sample, as HTML text."""
    return viz.animate_backward(neuron_root(trainer, index, layer, neuron, part)).html
