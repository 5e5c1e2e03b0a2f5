"""Lesson 3: the activation functions and their derivatives, computed by the engine.

"Activation functions are non-linear functions that are used to introduce non-linearity into
deep learning models. They are applied to the output of each layer of neurons, before the output
is passed to the next layer" ("Deep Learning Explained"). Precisely: f is applied element by
element to each *hidden* layer's ``Wx + b``; the last layer usually has none (``nn.MLP``'s output
layer is linear), because its scores go to a loss that applies its own sigmoid or softmax.

Backpropagation multiplies by ``f'(Wx + b)`` at every layer (lesson 1), so the derivative matters
as much as the function: where it is small, little gradient gets through.

Each curve below is computed by the engine: ``x`` is a Tensor of 401 points, ``y = f(x)``, and
``y.sum().backward()`` leaves ``f'(x_i)`` in ``x.grad[i]`` (d/dx_i of sum_j f(x_j) is f'(x_i)).
The derivatives are checked against their formulas.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np

from chainrule.autograd import Tensor

from ._common import Report, figure, heading, lesson_main, output_dir, save

SLOPE = 0.1  # leaky ReLU's slope for x < 0 (the engine's default is 0.01; 0.1 is easier to see)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# name -> (how to apply it to a Tensor, f'(x) by formula, what to notice)
ACTIVATIONS: dict[str, tuple[Callable, Callable, str]] = {
    "tanh": (lambda t: t.tanh(), lambda x: 1 - np.tanh(x) ** 2,
             "1 - tanh(x)^2: 1 at 0, vanishes for |x| > 3 (saturation)"),
    "sigmoid": (lambda t: t.sigmoid(), lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
                "s (1 - s): at most 0.25, so every sigmoid layer shrinks the gradient 4x or more"),
    "relu": (lambda t: t.relu(), lambda x: (x > 0).astype(float),
             "1 for x > 0, else 0: no shrinking when on, no gradient at all when off"),
    "leaky_relu": (lambda t: t.leaky_relu(SLOPE), lambda x: np.where(x > 0, 1.0, SLOPE),
                   f"1 for x > 0, else {SLOPE}: an off neuron still learns a little"),
    "softplus": (lambda t: t.softplus(), _sigmoid,
                 "ln(1 + e^x) is a smooth ReLU; its derivative is the sigmoid"),
}


def curves(xs: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """f(x) and f'(x) for every activation, both from the engine (forward and backward)."""
    out = {}
    for name, (apply, _, _) in ACTIVATIONS.items():
        x = Tensor(xs, requires_grad=True)
        y = apply(x)
        y.sum().backward()
        out[name] = (y.data.copy(), x.grad.copy())
    return out


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Compute, check, print and plot the five activation functions."""
    folder = output_dir("activations", out)
    report = Report()
    xs = np.linspace(-4.0, 4.0, 41 if quick else 401)  # includes 0 exactly
    found = curves(xs)

    heading("f(x) and f'(x) from the engine, at a few points")
    probe = [-2.0, 0.0, 2.0]
    idx = [int(np.argmin(np.abs(xs - p))) for p in probe]
    print(f"{'':>11}" + "".join(f"{'f(' + f'{p:g}' + ')':>10}" for p in probe)
          + "".join(f"{'df(' + f'{p:g}' + ')':>10}" for p in probe))
    for name, (ys, ds) in found.items():
        print(f"{name:>11}" + "".join(f"{ys[i]:10.4f}" for i in idx)
              + "".join(f"{ds[i]:10.4f}" for i in idx))

    heading("the derivatives against their formulas, and what to notice")
    errors = {}
    for name, (_, formula, note) in ACTIVATIONS.items():
        errors[name] = float(np.abs(found[name][1] - formula(xs)).max())
        print(f"{name:>11}: max |backward - formula| = {errors[name]:.1e}   {note}")
    print("(at x = 0 ReLU has no derivative; the engine uses 0 there, as PyTorch does)")

    save(_figure(xs, found), folder / "activations.png", report)
    report.results.update(derivative_errors=errors)
    return report


# the derivatives panel: colour, line style, width, marker offset. Every pair differs in line
# style as well as colour (read by a deuteranope: tanh vs softplus, relu vs leaky_relu); relu is
# drawn last, black, narrow and dashed, over a wide purple leaky_relu, so where both are 1 both
# still show, and their markers sit at different x.
TOGETHER = {
    "tanh": (0, "-", 2.4, 0),
    "sigmoid": (1, "--", 2.4, 0),
    "softplus": (2, (0, (1, 1.5)), 2.8, 0),
    "leaky_relu": (3, "-", 6.0, 0),
    "relu": (4, (0, (4, 2.5)), 2.2, 20),
}


def _figure(xs: np.ndarray, found: dict):
    from chainrule.viz import palette
    from chainrule.viz.plots import legend_outside

    fig, axes = figure(2, 3, size=(11.5, 7.0))
    for ax, (name, (ys, ds)) in zip(axes.flat, found.items()):
        ax.axhline(0, color=palette.FRAME, linewidth=1)
        ax.axvline(0, color=palette.FRAME, linewidth=1)
        ax.plot(xs, ys, color=palette.class_color(0), linestyle="-", linewidth=2.4,
                label="f(x)")
        ax.plot(xs, ds, color=palette.class_color(1), linestyle="--", linewidth=2.4,
                label="f'(x), by backward()")
        ax.set_title(name if name != "leaky_relu" else f"leaky_relu ({SLOPE})")
        ax.set_ylim(-1.2, 2.2)
        ax.grid(alpha=0.3)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower left", ncols=2, frameon=False)
    last = axes.flat[-1]
    for name, (k, style, width, offset) in TOGETHER.items():
        last.plot(xs, found[name][1], color=palette.class_color(k), linestyle=style,
                  linewidth=width, marker=palette.marker(k), markersize=6,
                  markevery=(offset, 40) if len(xs) > 80 else None, label=name,
                  zorder=3 + list(TOGETHER).index(name))
    last.axhline(0.25, color=palette.AXIS, linewidth=1, linestyle=":")
    last.set_title("f'(x) together (0.25: sigmoid's top)")
    last.set_ylim(-0.1, 1.15)
    last.grid(alpha=0.3)
    legend_outside(last)
    fig.suptitle("activation functions (solid) and their derivatives (dashed), by backward()")
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
