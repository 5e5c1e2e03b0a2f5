"""Lesson 5: image recognition, reading handwritten digits with a tensor MLP.

"Deep learning algorithms can be used to solve a wide variety of problems, including image
recognition" ("Deep Learning Explained"). Here is a small real one: the 1,797 handwritten digits
of UCI's "Optical Recognition of Handwritten Digits" set, shipped with chainrule
(``nn.data.load_digits()``, no download), each an 8x8 grey image with 17 levels (0 to 16).

To an MLP an image is just a vector: the 64 pixels, scaled to [0, 1], are its 64 inputs (it does
not know which pixels are neighbours; convolutional networks use that). The model is
``nn.MLP(64, [64, 10], engine='tensor')``: 64 inputs, a hidden ReLU layer of 64, and 10 outputs,
one score per digit; the cross-entropy loss turns the scores into probabilities with a softmax.
It is trained with Adam on mini-batches of 32 for 20 epochs, on 75% of the images, and tested on
the other 25%, which it never saw.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from chainrule import nn
from chainrule.nn import functional as F
from chainrule.viz import palette

from ._common import (
    Report,
    Stopwatch,
    figure,
    heading,
    lesson_main,
    output_dir,
    save,
)


def load() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X (1797, 64) in [0, 1], y (1797,) digits 0-9, images (1797, 8, 8) of 0-16)."""
    X, y = nn.data.load_digits()
    return X, y, (X * 16).reshape(-1, 8, 8)


def train_reader(Xtr: np.ndarray, ytr: np.ndarray, epochs: int = 20) -> tuple:
    """(model, history): ``nn.MLP(64, [64, 10])`` on tensors, Adam (lr 0.01), batches of 32."""
    model = nn.MLP(64, [64, 10], engine="tensor", seed=0)
    history = nn.fit(model, Xtr, ytr, loss="cross_entropy", epochs=epochs, batch_size=32,
                     optimizer=nn.optim.Adam(model.parameters(), lr=0.01), verbose=False)
    return model, history


def confusion(pred: np.ndarray, y: np.ndarray, k: int = 10) -> np.ndarray:
    """C[i, j] = how many test images of digit i the model read as j (the diagonal is right)."""
    C = np.zeros((k, k), dtype=int)
    np.add.at(C, (y, pred), 1)
    return C


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Train the digit reader, report its test accuracy, draw its mistakes."""
    X, y, images = load()
    folder = output_dir("digits", out)
    report = Report()
    # split the image numbers, so the test images can be shown afterwards
    itr, ite, ytr, yte = nn.data.train_test_split(np.arange(len(y)), y, test_size=0.25, seed=0)
    Xtr, Xte = X[itr], X[ite]

    heading("the data")
    print(f"{len(y)} images of 8x8 pixels -> {X.shape[1]} inputs in [0, 1]; "
          f"{len(ytr)} to train on, {len(yte)} held out to test")
    save(_examples_figure(images, y), folder / "examples.png", report)

    epochs = 3 if quick else 20
    heading(f"training nn.MLP(64, [64, 10]) on tensors: Adam, batches of 32, {epochs} epochs")
    with Stopwatch() as t:
        model, history = train_reader(Xtr, ytr, epochs)
    print(f"{model.num_parameters()} parameters (64*64 + 64 + 64*10 + 10)")
    pred = nn.predict(model, Xte).argmax(axis=1)
    test_acc = float(np.mean(pred == yte))
    train_acc = F.accuracy(nn.predict(model, Xtr), ytr)
    print(f"trained in {t.seconds:.1f} s ({len(history)} steps); final batch loss "
          f"{history.loss[-1]:.4f}")
    print(f"accuracy: {train_acc:.1%} on the training images, {test_acc:.1%} on the "
          f"{len(yte)} test images it never saw")

    heading("where it goes wrong")
    C = confusion(pred, yte)
    off = C - np.diag(np.diag(C))
    worst = sorted(((off[i, j], i, j) for i in range(10) for j in range(10) if off[i, j]),
                   reverse=True)[:3]
    print(f"{int(off.sum())} mistakes; most frequent: " + ", ".join(
        f"{i} read as {j} ({n}x)" for n, i, j in worst))
    save(_confusion_figure(C, test_acc), folder / "confusion_matrix.png", report)
    wrong = np.flatnonzero(pred != yte)
    save(_mistakes_figure(images[ite[wrong]], yte[wrong], pred[wrong]),
         folder / "misclassified.png", report)
    report.results.update(test_accuracy=test_acc, train_accuracy=train_acc, seconds=t.seconds,
                          mistakes=int(off.sum()))
    return report


def _examples_figure(images: np.ndarray, y: np.ndarray):
    fig, axes = figure(2, 10, size=(10, 3.2))
    for k, ax in enumerate(axes.flat):
        i = int(np.flatnonzero(y == k % 10)[k // 10])  # two of each digit
        ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=16)
        ax.set_title(str(y[i]))
        ax.axis("off")
    fig.suptitle("the data: 8x8 images, 17 grey levels (UCI's handwritten digits)")
    return fig


def blues():
    """A white-to-blue map ending in the palette's blue (counts, saliency magnitudes)."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("chainrule-blues", ["#FFFFFF", palette.class_color(0)])


def _confusion_figure(C: np.ndarray, acc: float):
    fig, (row,) = figure(1, 1, size=(6, 5.4))
    ax = row[0]
    ax.imshow(C, cmap=blues(), vmin=0, vmax=C.max())
    for (i, j), n in np.ndenumerate(C):
        if n:  # white on the dark cells; the mistakes in bold vermillion
            dark = n > C.max() / 2
            ax.text(j, i, str(n), ha="center", va="center",
                    color="white" if dark else (palette.class_ink(1) if i != j else palette.TEXT),
                    fontweight="bold" if i != j else "normal")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("the model read it as")
    ax.set_ylabel("true digit")
    ax.set_title(f"confusion matrix on the test images (accuracy {acc:.1%})\n"
                 "diagonal: right; bold numbers off it: mistakes")
    return fig


def _mistakes_figure(images: np.ndarray, true: np.ndarray, pred: np.ndarray):
    n = max(len(true), 1)
    cols = min(10, n)
    rows = -(-n // cols)
    fig, axes = figure(rows, cols, size=(1.1 * cols + 0.4, 1.35 * rows + 0.6))
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < len(true):
            ax.imshow(images[k], cmap="gray_r", vmin=0, vmax=16)
            ax.set_title(f"{true[k]}→{pred[k]}", color=palette.class_ink(1))
    fig.suptitle(f"every misclassified test image ({len(true)}): true digit -> the model's "
                 "answer")
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
