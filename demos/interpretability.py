"""Lesson 11: what does a trained network look at? Saliency maps and what excites a neuron.

"Deep learning algorithms can be difficult to interpret" ("Deep Learning Explained"): the digits
network (lesson 5) reads 97% of unseen digits right, but its 4,810 weights do not say why. Two
simple tools, both made of what this library already computes, give a first look.

**Saliency: the gradient with respect to the input.** ``backward()`` gives the gradient of the
loss with respect to the weights; the same pass gives it with respect to the *pixels* if the
input is a Tensor with ``requires_grad=True``. For an image x and the score s_c(x) of its digit
c, ``ds_c/dx_i`` says how much more ink on pixel i would raise the score: blue pixels
(positive, as everywhere in chainrule's palette) argue for the digit, vermillion ones
(negative) against it. Where the gradient is large is where the
network is looking; that need not be where the ink is: an empty pixel that would turn a 3 into
an 8 matters too. In the seeded run, half of the gradient falls on blank pixels (which are half
of the pixels): the network looks at the gaps as much as at the strokes, and the raw gradient is
a noisy map, one reason why interpreting a network is hard.

**What excites a hidden neuron.** A first-layer neuron computes ``relu(w . x + b)``: its 64
weights, drawn as an 8x8 image, are the pattern it responds to (blue where ink raises its
output, as above). Beside them, the test images that drive it hardest: often mostly one or two
digits, so the neuron has become a detector of a stroke those digits share.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from chainrule import nn
from chainrule.autograd import Tensor, no_grad

from ._common import Report, diverging_cmap, figure, heading, lesson_main, output_dir, save
from .digits import load, train_reader

TOP = 6  # images shown per neuron


def saliency(model: nn.MLP, x: np.ndarray, digit: int) -> tuple[np.ndarray, float]:
    """(d score_digit / d pixels as (64,), the score): one backward pass to the input."""
    xt = Tensor(x[None, :], requires_grad=True)
    scores = model(xt)
    pick = np.zeros(scores.shape)
    pick[0, digit] = 1.0
    s = (scores * pick).sum()  # the score of the digit, as one node
    s.backward()
    return xt.grad[0].copy(), float(s.data)


def hidden(model: nn.MLP, X: np.ndarray) -> np.ndarray:
    """The first hidden layer's outputs, relu(X W^T + b), shape (n, 64)."""
    layer = model.layers[0]
    with no_grad():
        return np.maximum(X @ layer.weight.data.T + layer.bias.data, 0.0)


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Train the digit reader, then draw its saliency maps and its neurons' favourite inputs."""
    folder = output_dir("interpretability", out)
    report = Report()
    X, y, images = load()
    itr, ite, ytr, yte = nn.data.train_test_split(np.arange(len(y)), y, test_size=0.25, seed=0)
    epochs = 1 if quick else 20
    heading(f"the digits network: nn.MLP(64, [64, 10]), Adam, {epochs} epochs")
    model, _ = train_reader(X[itr], ytr, epochs)
    test_acc = float(np.mean(nn.predict(model, X[ite]).argmax(axis=1) == yte))
    print(f"accuracy on the {len(yte)} test images: {test_acc:.1%}")

    heading("saliency: d(score of the right digit) / d(pixel), one test image per digit")
    picks = [int(ite[np.flatnonzero(yte == d)[0]]) for d in range(10)]
    maps, blank_share = [], []
    for i in picks:
        g, s = saliency(model, X[i], int(y[i]))
        maps.append(g)
        blank = X[i] == 0
        blank_share.append(float(np.abs(g[blank]).sum() / np.abs(g).sum()))
        print(f"digit {y[i]}: score {s:6.2f}; largest |gradient| {np.abs(g).max():.2f}; "
              f"{blank_share[-1]:.0%} of it on blank pixels ({blank.sum()} of 64 are blank)")
    mean_blank = float(np.mean(blank_share))
    blank_pixels = float(np.mean(X[picks] == 0))
    print(f"on average {mean_blank:.0%} of the gradient falls on pixels without ink, which are "
          f"{blank_pixels:.0%} of the pixels:\nthe network looks where ink is missing as much as "
          "where it is, and the raw gradient is a noisy map")
    save(_saliency_figure(images[picks], np.array(maps), y[picks], mean_blank, blank_pixels),
         folder / "saliency.png", report)

    heading(f"what excites a hidden neuron: its weights, and its top {TOP} test images")
    H = hidden(model, X[ite])
    chosen = list(np.argsort(-H.var(axis=0))[:4])  # the four that vary most over the test set
    neurons = []
    for j in chosen:
        top = np.argsort(-H[:, j])[:TOP]
        digits = yte[top]
        common = np.bincount(digits, minlength=10).argmax()
        share = float(np.mean(digits == common))
        neurons.append({"neuron": int(j), "top": ite[top], "digits": digits, "common": int(common),
                        "share": share})
        print(f"neuron {j:>2}: top {TOP} images are digits {' '.join(map(str, digits))} "
              f"({share:.0%} are {common})")
    mean_share = float(np.mean([n["share"] for n in neurons]))
    save(_neurons_figure(model, neurons, images, mean_share), folder / "neurons.png", report)
    report.results.update(test_accuracy=test_acc, saliency=np.array(maps), picks=picks,
                          blank_share=mean_blank, neurons=neurons, top_share=mean_share)
    return report


def _saliency_figure(imgs: np.ndarray, maps: np.ndarray, digits: np.ndarray, blank: float,
                     blank_pixels: float):
    fig, axes = figure(2, 10, size=(11, 3.6))
    cmap = diverging_cmap()
    for k in range(10):
        top, bottom = axes[0, k], axes[1, k]
        top.imshow(imgs[k], cmap="gray_r", vmin=0, vmax=16)
        top.set_title(str(digits[k]))
        lim = float(np.abs(maps[k]).max()) or 1.0
        bottom.imshow(maps[k].reshape(8, 8), cmap=cmap, vmin=-lim, vmax=lim)
        for ax in (top, bottom):
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("image")
    axes[1, 0].set_ylabel("d score\n/ d pixel")
    fig.suptitle(f"d score / d pixel (blue: more ink raises the digit's score, vermillion: "
                 f"lowers it):\n{blank:.0%} of it on blank pixels, which are {blank_pixels:.0%} "
                 "of the pixels: the network looks at the gaps as much as at the ink")
    return fig


def _neurons_figure(model: nn.MLP, neurons: list[dict], images: np.ndarray, share: float):
    fig, axes = figure(len(neurons), TOP + 1, size=(8, 1.3 * len(neurons) + 1.2))
    W = model.layers[0].weight.data
    cmap = diverging_cmap()
    for row, n in zip(axes, neurons, strict=True):
        w = W[n["neuron"]]
        lim = float(np.abs(w).max()) or 1.0
        row[0].imshow(w.reshape(8, 8), cmap=cmap, vmin=-lim, vmax=lim)
        row[0].set_ylabel(f"neuron {n['neuron']}")
        for ax, i, d in zip(row[1:], n["top"], n["digits"], strict=True):
            ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=16)
            ax.set_title(str(d), pad=2)
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_title("weights")
    fig.suptitle(f"what excites four hidden neurons: their weights (blue: ink raises the "
                 f"output)\nand the {TOP} test images that excite them most: {share:.0%} of one "
                 "digit")
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
