"""Lesson 1: one layer's forward and backward pass, by hand with numpy and by the engine.

"Deep Learning Explained" writes the forward pass of a layer as ``y = f(Wx + b)`` and the
backward pass as ``dW = (dy * f'(Wx + b)) / m``. The forward formula is exact. The backward one
leaves out a factor: ``dy * f'(Wx + b)`` is the error at the layer's *pre-activation* z = Wx + b,
one number per output and per example, shape (n_out, m), while W has shape (n_out, n_in). The
chain rule through ``z = Wx + b`` (dz_i / dW_ik = x_k) multiplies it by the inputs:

    dW = ((dy * f'(Wx + b)) x^T) / m        (n_out, m) @ (m, n_in) = (n_out, n_in)

What the article's formula computes, summed over the examples, is the *bias* gradient db. Two
more words are loose there: ``dy`` (the "error signal") is precisely the derivative of each
example's loss with respect to that example's output, ``dl_j / dy_j`` (``y - t`` for the squared
error ``0.5 (y - t)^2``), and the ``/ m`` comes from the loss being the *mean* over m examples.
Backpropagation computes dW; the optimizer's step (``W <- W - lr dW``) is what adjusts W.

Conventions here: examples are the *columns* of X (n_in, m), as in the article's ``Wx``. nn's
layers (like PyTorch's) put examples in rows, ``Y = X W^T + b``, which is the same product
transposed: ``dW = (dY * f'(Z))^T X / m``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from chainrule.autograd import Tensor, Value
from chainrule.viz import palette

from ._common import Report, diverging_cmap, figure, heading, lesson_main, output_dir, save

N_IN, N_OUT, M = 3, 2, 4  # inputs per example, outputs, examples in the batch


def by_hand(W: np.ndarray, b: np.ndarray, X: np.ndarray, T: np.ndarray) -> dict:
    """Forward and backward of ``L = mean_j 0.5 ||tanh(W x_j + b) - t_j||^2`` with numpy only."""
    Z = W @ X + b  # (n_out, m): b (n_out, 1) is added to every column
    Y = np.tanh(Z)
    loss = 0.5 * np.sum((Y - T) ** 2) / X.shape[1]
    dY = Y - T  # dl_j/dy_j for every example j: the "error signal"
    delta = dY * (1.0 - Y**2)  # dy * f'(z), since tanh'(z) = 1 - tanh(z)^2
    m = X.shape[1]
    return {
        "Z": Z, "Y": Y, "loss": loss, "dY": dY, "delta": delta,
        "dW": delta @ X.T / m,  # the formula, with its x^T
        "db": delta.sum(axis=1, keepdims=True) / m,
        "dX": W.T @ delta / m,  # what flows on to the layer below
        "article": delta / m,  # (dy * f'(Wx + b)) / m as the article writes it
    }


def by_engine(W: np.ndarray, b: np.ndarray, X: np.ndarray, T: np.ndarray) -> dict:
    """The same with chainrule's Tensor: write the forward pass, call backward()."""
    Wt = Tensor(W, requires_grad=True, label="W")
    bt = Tensor(b, requires_grad=True, label="b")
    Xt = Tensor(X, requires_grad=True, label="x")
    wx = Wt @ Xt
    wx.label = "Wx"
    z = wx + bt
    z.label = "z = Wx + b"
    y = z.tanh()
    y.label = "y = f(z)"
    err = y - Tensor(T, label="t")  # the targets: data, no gradient
    err.label = "y - t"
    sq = err**2
    sq.label = "(y - t)^2"
    loss = sq.sum() * (0.5 / X.shape[1])
    loss.label = "L"
    loss.backward()
    return {"Y": y.data, "loss": loss, "dW": Wt.grad, "db": bt.grad, "dX": Xt.grad,
            "params": _Params(W=Wt, b=bt)}


class _Params:
    """Tells viz which leaves are the layer's parameters (W, b: orange) and which the data."""

    def __init__(self, **params: Tensor) -> None:
        self.params = params

    def named_parameters(self) -> list[tuple[str, Tensor]]:
        return list(self.params.items())


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Compare the hand-written layer with the engine (see the module docstring)."""
    from chainrule import viz

    folder = output_dir("forward_backward", out)
    report = Report()
    rng = np.random.default_rng(0)
    W = rng.normal(0, 0.8, (N_OUT, N_IN))
    b = rng.normal(0, 0.1, (N_OUT, 1))
    X = rng.normal(0, 1.0, (N_IN, M))
    T = rng.uniform(-1, 1, (N_OUT, M))  # targets for the squared error
    hand, eng = by_hand(W, b, X, T), by_engine(W, b, X, T)

    heading("forward: y = f(Wx + b), f = tanh, one column per example")
    print(f"W {W.shape}  x {X.shape}  b {b.shape}  ->  Wx + b {hand['Z'].shape}  ->  y "
          f"{hand['Y'].shape}")
    print("y by hand (numpy):\n", np.round(hand["Y"], 4))
    forward_diff = float(np.abs(hand["Y"] - eng["Y"]).max())
    print(f"max |numpy - engine| = {forward_diff:.1e}")
    # the same first output of the first example, one Value per multiply and add
    one = sum((Value(W[0, k]) * Value(X[k, 0]) for k in range(N_IN)), Value(b[0, 0])).tanh()
    print(f"y[0, 0] on the scalar engine, neuron by neuron: {one.data:.6f} "
          f"(Tensor: {eng['Y'][0, 0]:.6f})")

    heading("backward: the weight gradient of the batch-mean loss")
    print(f"loss L = mean over the {M} examples of 0.5 ||y - t||^2 = {hand['loss']:.6f}")
    print(f"dy = y - t                     {hand['dY'].shape}   one error per output and example")
    print(f"dy * f'(Wx + b)                {hand['delta'].shape}   f'(z) = 1 - tanh(z)^2")
    print(f"dW = ((dy * f'(Wx + b)) x^T)/m {hand['dW'].shape}   = W's shape: "
          f"(n_out, m) @ (m, n_in)")
    print(f"db = sum_j (dy * f'(Wx + b))/m {hand['db'].shape}")
    print(f"dx = W^T (dy * f'(Wx + b)) / m {hand['dX'].shape}   passed on to the layer below")
    errors = {k: float(np.abs(hand[k] - eng[k]).max()) for k in ("dW", "db", "dX")}
    for k, e in errors.items():
        print(f"max |{k} by hand - autograd| = {e:.1e}")
    assert max(errors.values()) < 1e-12, errors

    heading("the article's dW = (dy * f'(Wx + b)) / m, precisely")
    art = hand["article"]
    print(f"its shape is {art.shape}, not W's {W.shape}: one number per output *and example*.")
    print("Multiplying by x^T sums those over the examples, each weighted by the input its "
          "weight multiplies (dz_i/dW_ik = x_k).")
    print(f"Summed over the examples it is db: max |sum_j article - db| = "
          f"{np.abs(art.sum(axis=1, keepdims=True) - hand['db']).max():.1e}")

    heading("backprop computes dW; a gradient-descent step uses it")
    lr = 0.5
    after = by_hand(W - lr * hand["dW"], b - lr * hand["db"], X, T)["loss"]
    print(f"W <- W - {lr} dW, b <- b - {lr} db: loss {hand['loss']:.6f} -> {after:.6f}")

    report.add(viz.render(eng["loss"], folder / "layer_graph.svg", model=eng["params"],
                          rankdir="TB"))
    save(_shapes_figure(hand, X), folder / "dW_shapes.png", report)
    report.results.update(forward_diff=forward_diff, loss_after_step=after,
                          loss=hand["loss"], **{f"{k}_diff": e for k, e in errors.items()})
    return report


def _shapes_figure(hand: dict, X: np.ndarray):
    """dW = (delta @ x^T) / m drawn as three annotated matrices, so the shapes can be read."""
    m = X.shape[1]
    mats = [(hand["delta"], f"dy * f'(Wx+b)\n(n_out, m) = {hand['delta'].shape}"),
            (X.T, f"x$^T$\n(m, n_in) = {X.T.shape}"),
            (hand["dW"] * m, f"(dy * f'(Wx+b)) x$^T$ = m dW\n(n_out, n_in) = {hand['dW'].shape}")]
    fig, axes = figure(1, 3, size=(11, 3.9))
    for ax, (a, title) in zip(axes[0], mats, strict=True):
        lim = float(np.abs(a).max()) or 1.0
        ax.imshow(a, cmap=diverging_cmap(), vmin=-lim, vmax=lim)
        for (i, j), v in np.ndenumerate(a):
            # dark text on the deep ends of the map is unreadable: the palette picks white there
            ax.text(j, i, f"{v:.2f}", ha="center", va="center",
                    color=palette.ink_on(palette.diverging(v / lim)))
        ax.set_title(title)
        ax.set_xticks(range(a.shape[1]))
        ax.set_yticks(range(a.shape[0]))
    fig.suptitle("the weight gradient is a matrix product: one row per output, one column per "
                 "input")
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
