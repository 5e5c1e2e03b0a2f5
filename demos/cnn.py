"""Lesson: image recognition with convolutions, on the 8x8 handwritten digits.

The digits lesson's MLP sees an image as 64 unrelated numbers: it must learn separately what a
stroke looks like at every position. A convolutional network slides one small filter over the whole
image instead, so a filter that finds "a vertical stroke" finds it anywhere, with 9 weights instead
of 64 per output. The network here:

    Conv2d(1, 8, 3, padding=1)   8 filters of 3x3 -> 8 feature maps of 8x8
    ReLU, MaxPool2d(2)           keep each 2x2 window's strongest response -> 8 maps of 4x4
    Flatten, Linear(128, 10)     one score per digit

Both it and the digits lesson's MLP(64, [64, 10]) train with Adam on the same 75% of the images
(same epochs and batches) and are tested on the same 25%. The pictures: the 8 learned filters,
one test image's feature maps, and accuracy against parameter count.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from chainrule import nn
from chainrule.viz import palette

from ._common import Report, Stopwatch, figure, heading, lesson_main, output_dir, save


def build(seed: int = 0) -> nn.Sequential:
    """The lesson's CNN (seeded)."""
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, seed=seed), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(128, 10, seed=seed + 1))


def _train(model, X, y, epochs: int) -> float:
    with Stopwatch() as t:
        nn.fit(model, X, y, loss="cross_entropy", epochs=epochs, batch_size=32,
               optimizer=nn.optim.Adam(model.parameters(), lr=0.01), verbose=False, seed=0)
    return t.seconds


def run(out: str | os.PathLike | None = None, *, quick: bool = False) -> Report:
    """Train the CNN and the MLP on the digits, compare them, draw the filters and maps."""
    folder = output_dir("cnn", out)
    report = Report()
    X, y = nn.data.load_digits()
    images = X.reshape(-1, 1, 8, 8)  # (N, channels, height, width), pixels in [0, 1]
    itr, ite, ytr, yte = nn.data.train_test_split(np.arange(len(y)), y, test_size=0.25, seed=0)
    if quick:
        itr, ytr, ite, yte = itr[:300], ytr[:300], ite[:200], yte[:200]
    epochs = 1 if quick else 12

    heading(f"a convolutional network on {len(itr)} training images, {epochs} epochs")
    cnn = build(0)
    print(cnn)
    secs = _train(cnn, images[itr], ytr, epochs)
    cnn_acc = float(np.mean(nn.predict(cnn, images[ite]).argmax(axis=1) == yte))
    print(f"{cnn.num_parameters()} parameters; trained in {secs:.1f} s; "
          f"test accuracy {cnn_acc:.1%}")

    heading("the digits lesson's MLP, trained the same way")
    mlp = nn.MLP(64, [64, 10], engine="tensor", seed=0)
    secs_mlp = _train(mlp, X[itr], ytr, epochs)
    mlp_acc = float(np.mean(nn.predict(mlp, X[ite]).argmax(axis=1) == yte))
    print(f"{mlp.num_parameters()} parameters; trained in {secs_mlp:.1f} s; "
          f"test accuracy {mlp_acc:.1%}")
    print(f"the CNN uses {cnn.num_parameters() / mlp.num_parameters():.0%} of the MLP's "
          "parameters: its filters are shared by every position of the image")

    heading("what it learned")
    filters = cnn[0].weight.data[:, 0]  # (8, 3, 3)
    save(_filters_figure(filters), folder / "filters.png", report)
    k = int(ite[0])
    maps = cnn[1](cnn[0](images[k : k + 1])).data[0]  # after ReLU: (8, 8, 8)
    save(_maps_figure(images[k, 0], maps, filters, int(y[k])), folder / "feature_maps.png",
         report)
    save(_compare_figure(cnn.num_parameters(), cnn_acc, mlp.num_parameters(), mlp_acc),
         folder / "cnn_vs_mlp.png", report)
    report.results.update(cnn_accuracy=cnn_acc, mlp_accuracy=mlp_acc,
                          cnn_parameters=cnn.num_parameters(),
                          mlp_parameters=mlp.num_parameters(), seconds=secs)
    return report


def _signed_map():
    from matplotlib.colors import ListedColormap

    return ListedColormap([palette.diverging(v) for v in np.linspace(-1, 1, 255)])


def _filters_figure(filters: np.ndarray):
    fig, axes = figure(1, len(filters), size=(1.2 * len(filters) + 0.6, 2.0))
    lim = float(np.abs(filters).max())
    for i, ax in enumerate(axes.flat):
        ax.imshow(filters[i], cmap=_signed_map(), vmin=-lim, vmax=lim)
        ax.set_title(f"filter {i}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("the 8 learned 3x3 filters (blue: the filter adds that pixel, vermillion: "
                 "subtracts it)", fontsize=10)
    return fig


def _maps_figure(image: np.ndarray, maps: np.ndarray, filters: np.ndarray, label: int):
    fig, axes = figure(2, len(maps) + 1, size=(1.25 * (len(maps) + 1) + 0.4, 3.2))
    axes[0, 0].imshow(image, cmap="gray_r", vmin=0, vmax=1)
    axes[0, 0].set_title(f"image: {label}", fontsize=9)
    axes[1, 0].axis("off")
    axes[1, 0].text(0.5, 0.5, "filter\nabove,\nits map\nbelow", ha="center", va="center",
                    fontsize=8, color=palette.MUTED, transform=axes[1, 0].transAxes)
    lim = float(np.abs(filters).max())
    for i in range(len(maps)):
        axes[0, i + 1].imshow(filters[i], cmap=_signed_map(), vmin=-lim, vmax=lim)
        axes[1, i + 1].imshow(maps[i], cmap="Greys", vmin=0, vmax=max(float(maps.max()), 1e-9))
        axes[0, i + 1].set_title(f"filter {i}", fontsize=8)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("one test image's 8 feature maps after ReLU: dark where the filter matches",
                 fontsize=10)
    return fig


def _compare_figure(cnn_params: int, cnn_acc: float, mlp_params: int, mlp_acc: float):
    fig, axes = figure(1, 2, size=(7.5, 3.2))
    names = ["CNN", "MLP"]
    colors = [palette.CLASS_COLORS[0], palette.CLASS_COLORS[1]]
    for ax, values, title, fmt in ((axes[0, 0], [cnn_acc * 100, mlp_acc * 100],
                                    "test accuracy (%)", "{:.1f}%"),
                                   (axes[0, 1], [cnn_params, mlp_params], "parameters", "{:,}")):
        bars = ax.bar(names, values, color=colors, hatch=["", "//"], edgecolor=palette.TEXT)
        for b, v in zip(bars, values, strict=True):
            ax.text(b.get_x() + b.get_width() / 2, v, fmt.format(v), ha="center", va="bottom",
                    fontsize=9, color=palette.TEXT)
        ax.set_title(title, fontsize=10)
        ax.set_ylim(0, max(values) * 1.18)
    fig.suptitle("the CNN against the digits lesson's MLP, on the same test images", fontsize=10)
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    return lesson_main(__name__, __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
