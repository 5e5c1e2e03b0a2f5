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

    nn's losses mark their result as one named region (``autograd.scope``: the viewer draws it as
    one card, "cross-entropy", that opens into its ops), and ``nn.trace_sample`` keeps that mark
    when it labels the loss ``'loss'``."""
    x, target = sample_point(trainer, index, part)
    trace = nn.trace_sample(trainer.model, x, labels=graph_labels(trainer.config["feat"]),
                            loss=lambda scores: trainer.loss_fn([scores], [target]))
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


def passes_gradient(trace: nn.SampleTrace, layer: int, neuron: int) -> bool:
    """Whether neuron ``neuron`` of layer ``layer`` passes a gradient back on the traced sample:
    ``dL/dz != 0`` for its sum ``z``, which is its bias's gradient and, times each input, its
    weights'. A ReLU that is off (``z <= 0``, output 0) passes none, nor does a neuron whose
    output reaches the loss only through switched-off neurons: its stepper would show zeros."""
    cell = trace.model.layers[layer].neurons[neuron]
    return any(p.grad != 0 for p in cell.parameters())


def pick_neuron(trace: nn.SampleTrace, prefer: tuple[int, int] | None = None,
                keep: bool = False) -> dict:
    """The neuron whose backward pass the page steps through for this sample.

    ``prefer`` (the neuron shown now) stays if it passes a gradient back (or always, with
    ``keep``: the student clicked it); else the first neuron that does, hidden layers first
    (layer 0 reads the features the student sees), then the output layer, by index: the same
    model and sample give the same neuron. ``active`` says whether the neuron picked passes a
    gradient; when it does not, ``note`` tells the page why its stepper shows only zeros."""
    sizes = [len(values) for values in trace.layers[1:]]
    order = [(layer, j) for layer, size in enumerate(sizes) for j in range(size)]
    live = [lj for lj in order if passes_gradient(trace, *lj)]
    if prefer is not None and (keep or prefer in live):
        chosen = prefer
    else:
        chosen = live[0] if live else prefer or order[0]
    out: dict[str, Any] = {"layer": chosen[0], "neuron": chosen[1], "active": chosen in live,
                           "live": len(live)}
    if chosen in live:
        return out
    if live:
        out["note"] = ("This neuron passes no gradient back on this sample (its ReLU is off, "
                       "output 0, or it feeds only neurons that are): every gradient below is "
                       f"0. {len(live)} of the {len(order)} neurons do: click one of them.")
    elif all(v.grad == 0 for v in trace.outputs):
        out["note"] = ("The loss passes no gradient back on this sample (its gradient with "
                       "respect to the output is 0, as for a hinge loss past its margin): "
                       "every gradient below is 0. Pick another sample.")
    else:
        out["note"] = ("No neuron passes a gradient back on this sample (the ReLUs it "
                       "reaches are off, output 0): every gradient below is 0. Pick another "
                       "sample, or train on.")
    return out


def sample_neuron(trainer: Trainer, index: Any, part: str = "train", layer: Any = None,
                  neuron: Any = None, keep: bool = False) -> dict:
    """``pick_neuron`` for one sample of the trainer's data; ``layer``, ``neuron``: the neuron
    shown now (or None), kept when it passes a gradient, or always with ``keep``."""
    trace = forward_one(trainer, index, part)["trace"]
    sizes = [len(values) for values in trace.layers[1:]]
    prefer = None
    if layer is not None or neuron is not None:
        if isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < len(sizes):
            raise BadRequest(f"layer must be a whole number from 0 to {len(sizes) - 1}")
        if isinstance(neuron, bool) or not isinstance(neuron, int) or \
                not 0 <= neuron < sizes[layer]:
            raise BadRequest(f"neuron must be a whole number from 0 to {sizes[layer] - 1} "
                             f"(layer {layer})")
        prefer = (layer, neuron)
    return {"sample": index, "part": part, **pick_neuron(trace, prefer, keep)}


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
    """Show the neuron, not a staircase: one step per input, the weighted term it adds.

    The parameters take their names inside the neuron (``w.0``, ``w.1``, ``b``: the page's title
    says which neuron), so the stepper draws the neuron alone, without layer and model frames.
    The neuron computes ``z = ((b + w0*x1) + w1*x2) + ...``: a product and a running sum per
    input. Each pair becomes one named card (``autograd.scope``), ``+ w0*x1`` (``w_j`` is the
    neuron's weight ``w.j``; ``a_j``, the previous layer's neuron j, counting from 0 as
    ``nn.neuron_walkthrough`` names it), so the stepper takes one step per input, and opening
    the card shows its product and sum. The products are named ``w0*x1`` too; the running sums
    keep ``z`` (the last) or show their span ``z[0..j]``; ``out``, ``dL/dout`` keep theirs."""
    nodes: dict[int, Value] = {}
    todo = [root]
    while todo:
        n = todo.pop()
        if id(n) not in nodes:
            nodes[id(n)] = n
            todo.extend(n.parents)
    for n in nodes.values():  # the neuron's own parameter names: one neuron, no module frames
        if not n.parents and _is_weight(n):
            n.label = ".".join(n.label.rsplit(".", 2)[-2:])
        elif not n.parents and n.label.endswith(".b"):
            n.label = "b"
    for n in nodes.values():
        if getattr(n.op, "name", None) == "+" and len(n.parents) == 2:
            total, term = n.parents
            if _weight_index(term) is None:
                total, term = term, total
            j = _weight_index(term)
            if j is None:
                continue
            w, x = term.parents if _is_weight(term.parents[0]) else term.parents[::-1]
            term.label = f"w{j}*{x.label}"
            scope.mark(n, f"+ {term.label}", (total, w, x),
                       label=n.label if n.label else f"z[0..{j}]")
    return root


def _is_weight(v: Value) -> bool:
    """A weight of the neuron: ``layers.l.neurons.j.w.i`` (nn's name) or ``w.i`` (renamed)."""
    parts = v.label.rsplit(".", 2)[-2:]
    return len(parts) == 2 and parts[0] == "w" and parts[1].isdigit()


def _weight_index(v: Value) -> int | None:
    """j when ``v`` is a product ``w.j * input`` of the neuron's weighted sum, else None."""
    if getattr(v.op, "name", None) != "*" or len(v.parents) != 2:
        return None
    w = next((p for p in v.parents if _is_weight(p)), None)
    return None if w is None else int(w.label.rsplit(".", 1)[1])


def stepper_html(trainer: Trainer, index: Any, layer: Any, neuron: Any,
                 part: str = "train") -> str:
    """viz's self-contained backprop stepper for one neuron of one sample, as HTML text."""
    return viz.animate_backward(neuron_root(trainer, index, layer, neuron, part)).html
