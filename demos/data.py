"""Lesson 9: deep learning needs data: test accuracy against the number of training examples.

"Deep learning algorithms can be trained on large datasets of data, which allows them to learn
more accurate models", and "Deep learning algorithms require a lot of data to train" ("Deep
Learning Explained"): the same benefit and challenge, measured.

The network is the digits lesson's ``nn.MLP(64, [64, 10])`` (4,810 parameters). It is trained on
n images of a shuffled training set (as many of each digit as n allows), for n from 20 (two
of each digit) to all 1,348,
always with the same 300 full-batch Adam steps, and tested on the same 449 images it never sees.
With few examples it *overfits*: it learns those few by heart (training accuracy 100%) while its
answers on new images stay poor. A network with thousands of parameters can memorise twenty
images; only many images force it to find what all the 3s have in common. The second picture
follows the smallest run step by step: its training loss keeps falling, while its test loss
(cross-entropy on the 449 unseen images) stops falling and turns up.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from chainrule import nn
from chainrule.autograd import Tensor, no_grad
from chainrule.nn import functional as F

from ._common import Report, figure, heading, lesson_main, output_dir, save, series_style

SIZES = (20, 50, 100, 200, 500, None)  # None: all 1,348 training images
STEPS = 300


def split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(Xtr, ytr, Xte, yte): the digits lesson's 75/25 split, the training part shuffled."""
    X, y = nn.data.load_digits()
    Xtr, Xte, ytr, yte = nn.data.train_test_split(X, y, test_size=0.25, seed=0)
    order = np.random.default_rng(1).permutation(len(ytr))
    return Xtr[order], ytr[order], Xte, yte


def first_n(y: np.ndarray, n: int) -> np.ndarray:
    """Indices of n training images, as evenly spread over the ten digits as the order allows."""
    per = {d: list(np.flatnonzero(y == d)) for d in range(10)}
    out: list[int] = []
    while len(out) < n:
        for d in range(10):
            if per[d] and len(out) < n:
                out.append(per[d].pop(0))
    return np.sort(np.array(out))


def train(Xtr: np.ndarray, ytr: np.ndarray, Xte: np.ndarray, yte: np.ndarray,
          steps: int) -> dict:
    """Full-batch Adam on (Xtr, ytr); the test loss is measured after every step."""
    model = nn.MLP(64, [64, 10], engine="tensor", seed=0)
    test_loss: list[float] = []

    def measure(_logs: dict) -> None:
        with no_grad():
            test_loss.append(float(F.cross_entropy(model(Tensor(Xte)), yte).data))

    history = nn.fit(model, Xtr, ytr, loss="cross_entropy", epochs=steps, verbose=False,
                     optimizer=nn.optim.Adam(model.parameters(), lr=0.01), callbacks=[measure])
    return {"train_acc": F.accuracy(nn.predict(model, Xtr), ytr),
            "test_acc": F.accuracy(nn.predict(model, Xte), yte),
            "train_loss": history.loss, "test_loss": test_loss}


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Train on more and more examples; plot accuracy against n, and the smallest run's losses."""
    folder = output_dir("data", out)
    report = Report()
    Xtr, ytr, Xte, yte = split()
    sizes, steps = ((20, 50, 100), 20) if quick else (SIZES, STEPS)
    sizes = tuple(len(ytr) if n is None else n for n in sizes)

    heading(f"nn.MLP(64, [64, 10]), {steps} full-batch Adam steps, tested on {len(yte)} images")
    runs = {}
    print(f"{'examples':>9} {'train acc':>10} {'test acc':>9} {'gap':>6} {'lowest test loss':>17}")
    for n in sizes:
        idx = first_n(ytr, n)
        r = runs[n] = train(Xtr[idx], ytr[idx], Xte, yte, steps)
        best = int(np.argmin(r["test_loss"]))
        print(f"{n:>9} {r['train_acc']:>10.1%} {r['test_acc']:>9.1%} "
              f"{r['train_acc'] - r['test_acc']:>6.1%} {r['test_loss'][best]:>9.3f} "
              f"(step {best + 1})")
    small = runs[sizes[0]]
    best = int(np.argmin(small["test_loss"]))
    print(f"with {sizes[0]} examples the training loss falls to {small['train_loss'][-1]:.4f} "
          f"while the test loss, lowest at step {best + 1} ({small['test_loss'][best]:.3f}), "
          f"ends at {small['test_loss'][-1]:.3f}: overfitting")
    save(_accuracy_figure(runs, len(yte)), folder / "accuracy_vs_examples.png", report)
    save(_overfit_figure(small, sizes[0]), folder / "overfitting.png", report)
    report.results.update(
        test_accuracy={n: r["test_acc"] for n, r in runs.items()},
        train_accuracy={n: r["train_acc"] for n, r in runs.items()},
        best_test_step=best + 1, test_loss_rise=small["test_loss"][-1] - small["test_loss"][best])
    return report


def _accuracy_figure(runs: dict, n_test: int):
    from chainrule.viz.plots import legend_outside

    ns = list(runs)
    fig, ((ax,),) = figure(1, 1, size=(9, 5))
    train = [runs[n]["train_acc"] for n in ns]
    test = [runs[n]["test_acc"] for n in ns]
    ax.fill_between(ns, test, train, color=series_style(1)["color"], alpha=0.12, linewidth=0,
                    label="the gap: overfitting")
    ax.plot(ns, train, linewidth=2.4, markersize=8, label="training images", **series_style(1))
    ax.plot(ns, test, linewidth=2.4, markersize=8, label=f"{n_test} unseen images",
            **series_style(0))
    for n, a in zip(ns, test, strict=True):
        ax.annotate(f"{a:.0%}", (n, a), textcoords="offset points", xytext=(0, -22),
                    ha="center")
    ax.set_xscale("log")
    ax.set_xticks(ns, [str(n) for n in ns])
    ax.minorticks_off()
    ax.set_ylim(min(test) - 0.12, 1.03)
    ax.set_xlabel("training examples (log scale)")
    ax.set_ylabel("accuracy")
    ax.grid(alpha=0.3)
    legend_outside(ax)
    ax.set_title(f"more examples, better on unseen images: {test[0]:.0%} with {ns[0]}, "
                 f"{test[-1]:.0%} with {ns[-1]}")
    return fig


def _overfit_figure(r: dict, n: int):
    from chainrule.viz.plots import legend_outside, log_axis

    fig, ((ax,),) = figure(1, 1, size=(9, 5))
    steps = np.arange(1, len(r["train_loss"]) + 1)
    ax.plot(steps, r["train_loss"], linewidth=2.4, label=f"the {n} training images",
            **{**series_style(1), "marker": None})
    ax.plot(steps, r["test_loss"], linewidth=2.4, label="unseen images",
            **{**series_style(0), "marker": None})
    best = int(np.argmin(r["test_loss"]))
    ax.axvline(best + 1, color="#6B7280", linestyle=":", linewidth=1.5,
               label=f"lowest test loss (step {best + 1})")
    log_axis(ax)
    ax.set_xlabel("Adam step (full batch)")
    ax.set_ylabel("cross-entropy loss (log)")
    ax.grid(alpha=0.3, which="major")
    legend_outside(ax)
    ax.set_title(f"{n} examples: learned by heart, while the loss on unseen images turns up")
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
