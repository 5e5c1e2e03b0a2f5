"""Lesson 7: the same MLP on both engines: identical numbers, very different speeds.

chainrule has two node types on one graph core. On the **scalar** engine every weight is a
``Value`` and every multiply and add is a node, as in micrograd: one forward pass of
``nn.MLP(2, [16, 16, 1])`` over 100 points builds ~65,000 nodes, each handled by a few lines of
Python. On the **tensor** engine a layer is one matrix product for the whole batch, ``X W^T + b``,
computed by numpy in compiled code: the same forward pass is about a dozen nodes.

The arithmetic is the same, so the results are the same: the weights move from one engine to the
other through ``state_dict`` (same keys, same ``(out, in)`` shapes), and the outputs and every
gradient agree to rounding (1e-12). What differs is the time per training step, measured here
(median of interleaved runs, Python's cyclic garbage collector paused for both, as the moons
lesson trains).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import numpy as np

from chainrule import autograd, nn
from chainrule.autograd import topological_order
from chainrule.nn import functional as F

from ._common import (
    Report,
    figure,
    heading,
    lesson_main,
    output_dir,
    save,
)

SIZES = [16, 16, 1]


def loss_of(model: nn.MLP, X: np.ndarray, y: np.ndarray):
    """micrograd's loss: mean hinge loss plus 1e-4 times the sum of squared parameters."""
    return F.hinge_loss(model(X), y) + 1e-4 * F.l2_penalty(model.parameters())


def step_seconds(model: nn.MLP, X: np.ndarray, y: np.ndarray) -> float:
    """One SGD step (zero_grad, forward, loss, backward, update), timed."""
    opt = nn.optim.SGD(model.parameters(), lr=0.0)  # lr 0: the same step every repeat
    start = time.perf_counter()
    opt.zero_grad()
    loss_of(model, X, y).backward()
    opt.step()
    return time.perf_counter() - start


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Compare the two engines' outputs, gradients, graph sizes and speed."""
    from chainrule import viz

    folder = output_dir("scalar_vs_tensor", out)
    report = Report()
    n, repeats = (20, 1) if quick else (100, 5)
    X, y = nn.data.make_moons(n, noise=0.1, signed=True, seed=0)
    scalar = nn.MLP(2, SIZES, seed=0)
    tensor = nn.MLP(2, SIZES, engine="tensor")
    tensor.load_state_dict(scalar.state_dict())  # the very same weights

    heading("the same numbers")
    out_s = np.array([v.data for v in scalar(X)])
    out_t = tensor(X).data[:, 0]
    print(f"outputs on {n} points: max |scalar - tensor| = {np.abs(out_s - out_t).max():.1e}")
    loss_s, loss_t = loss_of(scalar, X, y), loss_of(tensor, X, y)
    loss_s.backward()
    loss_t.backward()
    gs, gt = scalar.grad_dict(), tensor.grad_dict()
    grad_diff = max(float(np.abs(gs[k] - gt[k]).max()) for k in gs)
    print(f"loss: {loss_s.data:.15f} (scalar) vs {float(loss_t.data):.15f} (tensor)")
    print(f"gradients of all {scalar.num_parameters()} parameters ({', '.join(gs)}): "
          f"max difference {grad_diff:.1e}")
    nodes_s, nodes_t = len(topological_order(loss_s)), len(topological_order(loss_t))
    print(f"nodes in the backward pass: {nodes_s:,} (scalar) vs {nodes_t} (tensor)")

    heading(f"the time of one training step on {n} points ({repeats} interleaved runs)")
    times: dict[str, list[float]] = {"scalar": [], "tensor": []}
    with autograd.collector_paused():
        for _ in range(repeats):  # interleaved: a busy moment slows both, not one
            times["scalar"].append(step_seconds(scalar, X, y))
            times["tensor"].append(step_seconds(tensor, X, y))
    med = {k: float(np.median(v)) for k, v in times.items()}
    ratio = med["scalar"] / med["tensor"]
    print(f"scalar {med['scalar'] * 1e3:.1f} ms, tensor {med['tensor'] * 1e3:.2f} ms per step: "
          f"the tensor engine is {ratio:.0f}x faster here")
    print("(the scalar engine is for seeing every number; the tensor engine for real data)")

    # the picture: the whole tensor MLP and its hinge loss (the L2 term left out, it would add
    # a square and a sum per parameter tensor), top to bottom, framed by layer
    tensor.zero_grad()
    hinge = F.hinge_loss(tensor(X), y)
    hinge.label = "hinge loss"
    hinge.backward()
    report.add(viz.render(hinge, folder / "tensor_graph.svg", model=tensor, rankdir="TB"))
    save(_figure(med, nodes_s, nodes_t, n), folder / "speed.png", report)
    report.results.update(output_diff=float(np.abs(out_s - out_t).max()), grad_diff=grad_diff,
                          loss_diff=abs(loss_s.data - float(loss_t.data)), seconds=med,
                          ratio=ratio, nodes={"scalar": nodes_s, "tensor": nodes_t})
    return report


def _figure(med: dict, nodes_s: int, nodes_t: int, n: int):
    from chainrule.viz import palette
    from chainrule.viz.plots import log_axis

    fig, axes = figure(1, 2, size=(10, 4.4))
    a, b = axes[0]
    names = ["scalar\n(Value)", "tensor\n(Tensor)"]
    colors, hatches = [palette.class_color(0), palette.class_color(1)], ["", "//"]
    ms = [med["scalar"] * 1e3, med["tensor"] * 1e3]
    for ax, values, labels in ((a, ms, [f"{v:.3g} ms" for v in ms]),
                               (b, [nodes_s, nodes_t], [f"{nodes_s:,}", f"{nodes_t}"])):
        bars = ax.bar(names, values, color=colors, hatch=hatches, edgecolor="white")
        ax.bar_label(bars, labels=labels)
        log_axis(ax)
        ax.set_ylim(ax.get_ylim()[0], ax.get_ylim()[1] * 4)  # room for the labels
    a.set_ylabel("ms per SGD step (log)")
    a.set_title(f"time of one step, {n} points")
    b.set_ylabel("nodes (log)")
    b.set_title("nodes in one step's graph")
    fig.suptitle(f"MLP(2, {SIZES}): the same numbers on two engines, "
                 f"{ms[0] / ms[1]:.0f}x faster on tensors")
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
