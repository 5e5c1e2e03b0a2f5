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
networks stay at ln 2 = 0.693, the loss of answering 50% everywhere. tanh and ReLU, whose
gradients do reach the first layers, learn at depths 5 and 10; at depth 20 even they train
erratically (the loss jumps back up): the lesson says in words what each run did (``verdict``),
and the figure's title names the runs still at ln 2, both computed from the run itself.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from chainrule import nn
from chainrule.nn import functional as F
from chainrule.viz import palette

from ._common import Report, figure, heading, lesson_main, output_dir, save, series_style

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
    save(_norms_figure(norms, depths, ratio), folder / "gradient_per_layer.png", report)

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
            final[f"{act}/{d}"] = (history.loss[-1], acc, verdict(history.loss))
            print(f"{act:>8}, depth {d:>2}: loss {history.loss[0]:.3f} -> {history.loss[-1]:.3f}, "
                  f"accuracy {acc:>4.0%}: {verdict(history.loss)}")
    print("(a network stuck at loss 0.693 may still score above 50%: its outputs are all close "
          "to 0.5, on the right side by a hair)")
    stuck = [f"{act} at depth " + ", ".join(ds) for act in ACTS
             if (ds := [str(d) for d in train_depths if final[f"{act}/{d}"][2] == "stuck at ln 2"])]
    print("still at ln 2 after training: " + ("; ".join(stuck) or "none"))
    save(_training_figure(curves, steps, stuck), folder / "training_by_depth.png", report)
    report.results.update(first_over_last=ratio, final=final, norms=norms)
    return report


SHOWN_DEPTHS = (2, 5, 10, 20)


def _norms_figure(norms: dict, depths: list[int], ratio: dict):
    from chainrule.viz.plots import log_axis

    shown = [d for d in SHOWN_DEPTHS if d in depths] or depths
    fig, axes = figure(1, 3, size=(12, 4.6))
    for ax, act in zip(axes[0], ACTS, strict=True):
        for k, d in enumerate(shown):
            ax.plot(np.arange(1, d + 1), norms[act][d], markersize=6, linewidth=2,
                    label=f"depth {d}", **series_style(k))
        log_axis(ax)
        ax.set_xlabel("layer (1 = next to the input)")
        ax.set_title(f"{act}: first / last = {ratio[act]:.0e}")
        ax.grid(alpha=0.3, which="major")
    axes[0, 0].set_ylabel("||dL/dW|| at initialisation")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(shown), frameon=False)
    fig.suptitle(f"the gradient reaching each layer: with sigmoid it vanishes towards the input "
                 f"(depth {depths[-1]}: {ratio['sigmoid']:.0e} of the last layer's)")
    return fig


def _training_figure(curves: dict, steps: int, stuck: list[str]):
    fig, axes = figure(1, 3, size=(12, 4.6))
    for ax, act in zip(axes[0], ACTS, strict=True):
        ax.axhline(np.log(2), color=palette.AXIS, linestyle=":", linewidth=1.5,
                   label="ln 2 = 0.693: 50/50 everywhere")
        for k, (d, loss) in enumerate(curves[act].items()):
            # markers at staggered steps: lines lying exactly on top of each other still show
            ax.plot(np.arange(1, len(loss) + 1), loss, linewidth=2, markersize=7,
                    markevery=(k * max(steps // 40, 1), max(steps // 10, 1)),
                    label=f"depth {d}", **series_style(k))
        ax.set_title(act)
        ax.set_xlabel("SGD step")
        ax.set_ylim(0, 1.1)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("training loss (cross-entropy)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
    what = "; ".join(stuck) if stuck else "none"
    fig.suptitle(f"after {steps} SGD steps on the same data, still at ln 2 (nothing learned): "
                 f"{what}")
    return fig


def verdict(loss: list[float]) -> str:
    """What a training curve did, in words: stuck at ln 2, learned, partly, and if it spiked."""
    final, jump = loss[-1], float(np.max(np.diff(loss))) if len(loss) > 1 else 0.0
    if abs(final - np.log(2)) < 0.01:
        what = "stuck at ln 2"
    elif final < 0.05:
        what = "learned"
    else:
        what = "partly learned"
    return what + (f", erratic (the loss jumped up by {jump:.2f} in one step)" if jump > 0.2
                   else "")


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
