"""The main job: micrograd's moons network, trained on the scalar engine, and what it computes.

    python -m chainrule.demos   (the same as: chainrule demo moons, python -m chainrule.demos.moons)

The whole story in one run:

1. **One sample, forward and backward.** Before training, one point goes through
   ``nn.MLP(2, [16, 16, 1])``: every product ``w * x`` and every sum is a ``Value``, about 1,000
   nodes for one point. Its hinge loss is backpropagated and the graph is drawn with one card per
   neuron (``sample_graph.svg``).
2. **One neuron in full.** A first-layer neuron of that graph, uncollapsed: its two inputs, two
   weights, bias, products, sum and ReLU (``neuron_graph.svg``), and a page that steps through its
   backward pass one chain-rule step at a time (``neuron_backprop.html``).
3. **Training.** micrograd's demo: 100 moons points with labels -1/+1, the hinge (max-margin)
   loss plus 1e-4 times the sum of squared weights, full-batch SGD with the learning rate
   ``1 - 0.9 k / 100`` at step k, 100 steps, every step a graph of ~65,000 Values.
4. **What it learned.** The decision boundary (``decision_boundary.png``/``.svg``) and the loss
   curve (``loss_curve.png``).

The training runs on the scalar engine, as in micrograd. Drawing the decision boundary needs the
model's answer at 62,500 grid points; the scalar engine would spend longer on that than on the
whole training, so the trained weights are copied into a tensor-engine MLP through
``state_dict`` (same keys, same shapes, same numbers) and the grid goes through it in one batch.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from chainrule import nn, viz
from chainrule.autograd import Value
from chainrule.nn import functional as F

from ._common import (
    Report,
    Stopwatch,
    heading,
    lesson_main,
    output_dir,
    save,
)

SIZES = [16, 16, 1]


def micrograd_lr(steps: int):
    """micrograd's schedule: ``1 - 0.9 k / steps`` at step k (1.0 down to 0.109 for 100 steps)."""
    return lambda k: 1.0 - 0.9 * k / steps


def one_sample(model: nn.MLP, X: np.ndarray, y: np.ndarray) -> dict:
    """The sample the untrained model gets most wrong, through the model and backpropagated.

    ``nn.trace_sample`` labels the inputs ``x1``, ``x2`` (so the picture names them) and keeps
    every layer's Values, which is how we find a neuron's output node afterwards.
    """
    scores = nn.predict(model, X)
    i = int(np.argmax(np.maximum(0.0, 1.0 - y * scores)))  # the largest hinge loss
    label = float(y[i])

    def hinge(score: Value) -> Value:
        # micrograd's per-point hinge loss max(0, 1 - y s), written out (F.hinge_loss would add
        # the batch mean's "+ 0" and "* 1/n" nodes, which teach nothing for a single point)
        margin = label * score
        margin.label = "y*s"
        return (1 - margin).relu()

    trace = nn.trace_sample(model, X[i], loss=hinge)
    return {"index": i, "loss": trace.loss, "layers": trace.layers, "trace": trace}


def neuron_root(model: nn.MLP, sample: dict) -> tuple[Value, int]:
    """One first-layer neuron, rebuilt from fresh Values so its graph stands alone.

    We pick the neuron whose output receives the largest gradient ``g = dL/d(out)`` among those
    whose ReLU is on (an off ReLU passes no gradient: a dull picture). ``nn.neuron_walkthrough``
    makes the root ``out * g`` with g a constant, so backpropagating it gives each weight exactly
    the gradient the sample's loss gives it: ``dL/dw_i = g * relu'(z) * x_i``.
    """
    outs = sample["layers"][1]
    active = [j for j, o in enumerate(outs) if o.data > 0 and o.grad != 0] or [0]
    j = max(active, key=lambda j: abs(outs[j].grad))
    return nn.neuron_walkthrough(sample["trace"], 0, j), j


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Train micrograd's moons MLP on the scalar engine and write the pictures (see the module)."""
    folder = output_dir("moons", out)
    report = Report()
    n, steps = (24, 3) if quick else (100, 100)
    X, y = nn.data.make_moons(n, noise=0.1, signed=True, seed=0)  # labels -1 / +1
    model = nn.MLP(2, SIZES, seed=0)  # scalar engine: 337 Values, U(-1, 1) weights, zero biases
    print(f"model: nn.MLP(2, {SIZES}) on the scalar engine, {model.num_parameters()} parameters; "
          f"data: {n} moons points")

    heading("1. one sample, forward and backward (before training)")
    sample = one_sample(model, X, y)
    loss = sample["loss"]
    print(f"sample {sample['index']}: x = {np.round(X[sample['index']], 3).tolist()}, "
          f"label {y[sample['index']]:+d}, score {sample['layers'][-1][0].data:+.4f}, "
          f"hinge loss max(0, 1 - y s) = {loss.data:.4f}")
    with Stopwatch() as t:
        report.add(viz.render(loss, folder / "sample_graph.svg", model=model, collapse="neuron"))
    print(f"drew its graph, one card per neuron ({t.seconds:.1f} s: a run's first drawing "
          "starts Graphviz)")

    heading("2. one neuron, every node of it")
    root, j = neuron_root(model, sample)
    report.add(viz.animate_backward(root, folder / "neuron_backprop.html").path)
    root.backward()
    report.add(viz.render(root, folder / "neuron_graph.svg"))
    print(f"layers.0.neurons.{j}: out = relu(w0*x1 + w1*x2 + b), drawn whole. Its root is "
          "out * dL/dout,\nwith dL/dout from the sample's backward pass, so each weight gets the "
          "gradient the sample's loss\ngives it; the stepper page walks that backward pass one "
          "chain-rule step at a time.")

    heading(f"3. training: {steps} steps of full-batch SGD on the scalar engine")
    opt = nn.optim.SGD(model.parameters(), lr=micrograd_lr(steps))
    with Stopwatch() as t:  # nn.fit pauses the cyclic collector in every step
        history = nn.fit(model, X, y, loss="hinge", optimizer=opt, epochs=steps, l2=1e-4)
    accuracy = F.accuracy(nn.predict(model, X), y)
    print(f"trained in {t.seconds:.1f} s; loss {history.loss[0]:.4f} -> {history.loss[-1]:.4f}")
    print(f"training accuracy: {accuracy:.0%}")

    heading("4. what it learned")
    fast = nn.to_engine(model, "tensor")  # same weights (via state_dict): the grid in one batch
    title = f"nn.MLP(2, {SIZES}) after {steps} SGD steps\ntraining accuracy {accuracy:.0%}"
    fig = viz.plot_decision_boundary(fast, X, y, title=title)
    for suffix in (".png", ".svg"):
        save(fig, folder / f"decision_boundary{suffix}", report)
    fig = viz.plot_history(history)
    save(fig, folder / "loss_curve.png", report)
    print("decision boundary and loss curve saved")
    report.results.update(accuracy=accuracy, loss=history.loss, seconds=t.seconds,
                          sample=sample["index"], neuron=j)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
