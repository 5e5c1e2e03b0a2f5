"""Lesson 4: deeper models are harder to train (vanishing gradients).

"The more layers a model has, the more complex patterns it can learn. However, deeper models are
also more difficult to train" ("Deep Learning Explained"). Here is one reason, measured.

Backpropagation multiplies the gradient by ``f'(Wx + b)`` and by ``W^T`` once per layer (lesson
1), so a layer far from the loss receives a product of many factors. If those factors are
smaller than 1 the product *vanishes*: the first layers get almost no gradient and barely learn.
The sigmoid's derivative is at most 0.25, so 20 sigmoid layers shrink the gradient by a factor of
a trillion or more. tanh's derivative is 1 at 0, and with Glorot (Xavier) initialisation, which
was designed for it, the gradient keeps its size through 20 layers. ReLU's derivative is 1 where a
neuron is on, but it zeros half of the signal, so with Glorot's weights every layer halves the
signal's variance and the whole gradient shrinks as the network deepens (He/Kaiming
initialisation doubles the weights' variance to make up for it: ``nn.init.kaiming_uniform``).

Part 1 measures ``||dL/dW_l||`` for every layer l of freshly initialised MLPs (width 32, depths 2
to 20, Glorot uniform weights, binary cross-entropy on 200 moons points). Part 2 trains depths 2,
5, 10 and 20 with full-batch SGD (momentum 0.9) and plots their losses: the deep sigmoid
networks stay at ln 2 = 0.693, the loss of answering 50% everywhere.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from chainrule import nn
from chainrule.nn import functional as F

from ._common import Report, figure, heading, lesson_main, output_dir, save

ACTS = ("sigmoid", "tanh", "relu")
WIDTH = 32
INIT = "xavier_uniform"


def make(depth: int, act: str) -> nn.MLP:
    """``depth`` layers: depth - 1 hidden layers of WIDTH neurons, then one output."""
    return nn.MLP(2, [WIDTH] * (depth - 1) + [1], activation=act, engine="tensor", init=INIT,
                  seed=0)


def layer_grad_norms(depth: int, act: str, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """||dL/dW_l|| (Frobenius norm) for l = 1 (next to the input) .. depth (the output)."""
    model = make(depth, act)
    F.binary_cross_entropy_with_logits(model(X), y).backward()
    return np.array([np.linalg.norm(layer.weight.grad) for layer in model.layers])


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Measure the gradient per layer at initialisation, then train a few depths."""
    folder = output_dir("depth", out)
    report = Report()
    X, y = nn.data.make_moons(60 if quick else 200, noise=0.1, seed=0)
    depths = list(range(2, 6)) if quick else list(range(2, 21))

    heading("1. ||dL/dW|| per layer at initialisation (layer 1 is next to the input)")
    norms = {act: {d: layer_grad_norms(d, act, X, y) for d in depths} for act in ACTS}
    shown = [d for d in (2, 5, 10, 20) if d in depths] or depths
    print(f"{'':>8}" + "".join(f"{'depth ' + str(d):>24}" for d in shown))
    print(f"{'':>8}" + "".join(f"{'first layer / last':>24}" for _ in shown))
    for act in ACTS:
        cells = [f"{norms[act][d][0]:.1e} / {norms[act][d][-1]:.1e}" for d in shown]
        print(f"{act:>8}" + "".join(f"{c:>24}" for c in cells))
    ratio = {act: float(norms[act][depths[-1]][0] / norms[act][depths[-1]][-1]) for act in ACTS}
    print(f"at depth {depths[-1]} the first layer gets " + ", ".join(
        f"{ratio[a]:.0e} ({a})" for a in ACTS) + " times the last layer's gradient")
    save(_norms_figure(norms, depths), folder / "gradient_per_layer.png", report)

    train_depths = [2, 3] if quick else [2, 5, 10, 20]
    steps = 5 if quick else 300
    heading(f"2. training depths {train_depths}: {steps} steps of SGD (lr 0.05, momentum 0.9)")
    curves: dict[str, dict[int, list[float]]] = {act: {} for act in ACTS}
    final = {}
    for act in ACTS:
        for d in train_depths:
            model = make(d, act)
            opt = nn.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
            history = nn.fit(model, X, y, loss="bce", optimizer=opt, epochs=steps, verbose=False)
            curves[act][d] = history.loss
            acc = F.accuracy(nn.predict(model, X), y)
            final[f"{act}/{d}"] = (history.loss[-1], acc)
            print(f"{act:>8}, depth {d:>2}: loss {history.loss[0]:.3f} -> {history.loss[-1]:.3f}, "
                  f"accuracy {acc:.0%}")
    print("(a network stuck at loss 0.693 may still score above 50%: its outputs are all close "
          "to 0.5, on the right side by a hair)")
    save(_training_figure(curves, steps), folder / "training_by_depth.png", report)
    report.results.update(first_over_last=ratio, final=final, norms=norms)
    return report


def _norms_figure(norms: dict, depths: list[int]):
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    fig, axes = figure(1, 3, size=(13, 4.4))
    cmap, scale = colormaps["viridis"], Normalize(min(depths), max(depths))
    for ax, act in zip(axes[0], ACTS, strict=True):
        for d in depths:
            ax.plot(np.arange(1, d + 1), norms[act][d], marker="o", markersize=2.5,
                    color=cmap(scale(d)), linewidth=1.3)
        ax.set_yscale("log")
        ax.set_xlabel("layer (1 = next to the input)")
        ax.set_title(f"{act}")
        ax.grid(alpha=0.3, which="both")
    axes[0, 0].set_ylabel("||dL/dW|| at initialisation")
    fig.colorbar(ScalarMappable(scale, cmap), ax=axes[0, -1], label="depth (layers)")
    fig.suptitle(f"gradient reaching each layer, MLPs of width {WIDTH} with Glorot-uniform "
                 "weights: sigmoid's vanishes towards the input", fontsize=11)
    return fig


def _training_figure(curves: dict, steps: int):
    fig, axes = figure(1, 3, size=(13, 4.2))
    colors = ("#2563EB", "#059669", "#EA580C", "#DC2626")
    for ax, act in zip(axes[0], ACTS, strict=True):
        for c, (d, loss) in zip(colors, curves[act].items(), strict=False):
            ax.plot(np.arange(1, len(loss) + 1), loss, color=c, linewidth=1.8, label=f"depth {d}")
        ax.axhline(np.log(2), color="#64748B", linestyle=":", linewidth=1)
        ax.text(steps * 0.98, np.log(2) + 0.03, "ln 2: a 50/50 guess everywhere", fontsize=8,
                color="#475569", ha="right")
        ax.set_title(act)
        ax.set_xlabel("SGD step")
        ax.set_ylim(0, 1.1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower left")
    axes[0, 0].set_ylabel("training loss (binary cross-entropy)")
    fig.suptitle("the same data, deeper networks: deep sigmoid networks do not learn", fontsize=11)
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
