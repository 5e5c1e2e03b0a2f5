"""Lesson 2: why layers need a non-linearity between them.

"If we stack layers of linear neurons, the resulting model would be able to learn only linear
functions" ("Deep Learning Explained"). Precisely: a layer without activation is *affine*,
``x -> Wx + b``, and two of them make one:

    W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)

so any stack of them is a single layer with the product matrix ``W2 W1``, however many layers
and neurons it has. For a classifier this means a straight decision boundary (a hyperplane), so
it cannot separate XOR (no line puts quadrants I and III on one side and II and IV on the
other) nor the two moons. Put a non-linear function between the layers (here tanh) and the
composition is no longer a matrix product: the same network bends its boundary around the data.
Any non-linearity will do, even ReLU, which is linear piece by piece.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from chainrule import nn
from chainrule.nn import functional as F

from ._common import Report, figure, heading, lesson_main, output_dir, save


def stacked_equals_one() -> dict:
    """Two nn.Linear layers with no activation, and the one layer with the product matrix."""
    first, second = nn.Linear(2, 4, seed=0), nn.Linear(4, 3, seed=1)
    stacked = nn.Sequential(first, second)
    W1, b1 = first.weight.data, first.bias.data  # nn stores weights as (out, in)
    W2, b2 = second.weight.data, second.bias.data
    one = nn.Linear(2, 3)
    one.load_state_dict({"weight": W2 @ W1, "bias": W2 @ b1 + b2})
    X = np.random.default_rng(2).normal(size=(50, 2))
    diff = float(np.abs(nn.predict(stacked, X) - nn.predict(one, X)).max())
    return {"W1": W1, "W2": W2, "W": W2 @ W1, "b": W2 @ b1 + b2, "diff": diff}


def train(X: np.ndarray, y: np.ndarray, activation: str, epochs: int) -> nn.MLP:
    """A 2-16-16-1 MLP with the given activation, trained with binary cross-entropy and Adam."""
    model = nn.MLP(2, [16, 16, 1], activation=activation, engine="tensor", seed=0)
    nn.fit(model, X, y, loss="bce", optimizer=nn.optim.Adam(model.parameters(), lr=0.03),
           epochs=epochs, verbose=False)
    return model


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Show that stacked linear layers collapse to one, and what tanh changes."""
    from chainrule import viz

    folder = output_dir("why_nonlinearity", out)
    report = Report()

    heading("two linear layers are one linear layer")
    s = stacked_equals_one()
    np.set_printoptions(precision=3, suppress=True)
    print(f"layer 1: W1 {s['W1'].shape}, layer 2: W2 {s['W2'].shape}, no activation between")
    print(f"W2 W1 {s['W'].shape} =\n{s['W']}\nW2 b1 + b2 = {s['b']}")
    print(f"max |stacked(x) - single(x)| over 50 points = {s['diff']:.1e}")

    heading("a linear MLP against a tanh MLP (2-16-16-1, binary cross-entropy, Adam)")
    n, epochs = (40, 15) if quick else (200, 300)
    datasets = {"XOR": nn.data.make_xor(n, seed=0),
                "moons": nn.data.make_moons(n, noise=0.1, seed=0)}
    fig, axes = figure(2, 2, size=(9.5, 8.4))
    accuracy = {}
    for row, (name, (X, y)) in enumerate(datasets.items()):
        for col, act in enumerate(("linear", "tanh")):
            model = train(X, y, act, epochs)
            acc = F.accuracy(nn.predict(model, X), y)
            accuracy[f"{name}/{act}"] = acc
            print(f"{name:>5}, activation {act:<6}: training accuracy {acc:.0%}")
            what = "no activation: one straight line" if act == "linear" else "tanh between layers"
            viz.plot_decision_boundary(model, X, y, ax=axes[row, col],
                                       title=f"{name}, {what}\naccuracy {acc:.0%}")
    fig.suptitle("the same 2-16-16-1 network, without and with a non-linearity", fontsize=12)
    save(fig, folder / "boundaries.png", report)
    print("(a line does better than chance: on XOR it can cut one quadrant off the other "
          "three, on the moons it separates most points; it never gets them all)")
    report.results.update(stack_diff=s["diff"], product=s["W"], accuracy=accuracy)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
