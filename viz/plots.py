"""Plots of what a model learned, drawn with matplotlib (a core dependency, imported on first use).

Each function returns a ``matplotlib.figure.Figure`` (Jupyter shows it inline) and saves it when
given a path (the suffix picks the format: .png .svg .pdf). Figures are made without pyplot, so
no GUI backend is touched and nothing changes in the caller's matplotlib state.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.autograd import Value, ops

from . import data

# class colours: blue, orange, green, purple, red (colour-blind friendly, match the graph cards)
CLASS_COLORS = ("#2563EB", "#EA580C", "#059669", "#7C3AED", "#DC2626", "#0891B2", "#CA8A04")
# every one-input function of the scalar engine, from its op registry (activations first)
ACTIVATIONS = tuple(ops.functions("scalar"))


def _figure(ax: Any = None, size: tuple[float, float] = (5.5, 4.6), ncols: int = 1) -> tuple:
    """(figure, list of axes): a new figure, or the figure of the caller's ``ax``."""
    try:
        from matplotlib.figure import Figure
    except ImportError as e:
        raise ImportError("viz plots need matplotlib, a dependency of chainrule that is missing "
                          "from this environment: pip install matplotlib (or reinstall chainrule)"
                          ) from e
    if ax is not None:
        return ax.figure, [ax]
    fig = Figure(figsize=size, dpi=110, layout="constrained")
    return fig, list(np.atleast_1d(fig.subplots(1, ncols)))


def _save(fig: Any, path: str | Path | None) -> None:
    if path is None:
        return
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save {str(path)!r}: folder {str(path.parent)!r} "
                                "does not exist")
    fig.savefig(path, dpi=150)


def plot_decision_boundary(model: Any, X: Any, y: Any, path: str | Path | None = None, *,
                           ax: Any = None, title: str | None = None,
                           resolution: int | None = None) -> Any:
    """The model's decision regions over 2-D data, with the data points on top.

    ``model`` is called on a batch (a Tensor model: one call for the whole grid) or, if it
    cannot take one, per sample on ``[x1, x2]`` lists (a scalar model), with gradients off. A
    single output is a binary score: the boundary is where it crosses 0 (labels +-1 or logits)
    or 0.5 (outputs in [0, 1]), and the shading shows how sure the model is. Several outputs
    are class scores: each region takes the colour of its argmax class. The title reports the
    accuracy on ``X``.
    """
    X, y = data.as_points(X, y)
    how = data.mode(model, X)
    fig, (ax,) = _figure(ax)
    n = resolution or (250 if how == "batch" else 45)  # a scalar model runs once per point
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.15 * np.maximum(hi - lo, 1e-9)
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], n)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], n)
    xx, yy = np.meshgrid(gx, gy)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    scores = data.predict(model, np.vstack([grid, X]), how)
    g, s = scores[: len(grid)], scores[len(grid):]
    classes = np.unique(y)
    from matplotlib.colors import ListedColormap

    if g.shape[1] == 1:
        g, s = g[:, 0], s[:, 0]
        cut = 0.5 if g.min() >= 0 and g.max() <= 1 and -1 not in classes else 0.0
        pred = np.where(s > cut, classes.max(), classes.min())
        span = max(np.abs(g - cut).max(), 1e-12)
        from matplotlib.colors import LinearSegmentedColormap

        shade = LinearSegmentedColormap.from_list(
            "cr", [CLASS_COLORS[0], "#FFFFFF", CLASS_COLORS[1]])  # the two class colours
        ax.contourf(xx, yy, (g - cut).reshape(xx.shape), levels=np.linspace(-span, span, 21),
                    cmap=shade, alpha=0.4, antialiased=True)
        ax.contour(xx, yy, (g - cut).reshape(xx.shape), levels=[0.0], colors="#0F172A",
                   linewidths=1.6)
    else:
        pred_grid = g.argmax(axis=1)
        pred = s.argmax(axis=1)
        k = g.shape[1]
        cmap = ListedColormap([CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(k)])
        ax.contourf(xx, yy, pred_grid.reshape(xx.shape), levels=np.arange(k + 1) - 0.5,
                    cmap=cmap, alpha=0.28)
        ax.contour(xx, yy, pred_grid.reshape(xx.shape), levels=np.arange(k) + 0.5,
                   colors="#334155", linewidths=0.8)
    for i, c in enumerate(classes):
        m = y == c
        ax.scatter(X[m, 0], X[m, 1], s=22, color=CLASS_COLORS[i % len(CLASS_COLORS)],
                   edgecolors="white", linewidths=0.6, label=f"class {c:g}", zorder=3)
    acc = float(np.mean(pred == y))
    ax.set_title(title or f"decision boundary (accuracy {acc:.0%})")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best", fontsize=8, framealpha=0.85)
    _save(fig, path)
    return fig


def plot_history(history: Any, path: str | Path | None = None) -> Any:
    """Loss (left) and the other recorded metrics (right) against the training step.

    ``history`` is what ``nn.fit`` returns (anything with ``to_dict()``), a dict of name ->
    list of numbers, or a plain list of losses.
    """
    series = _series(history)
    loss_keys = [k for k in series if "loss" in k.lower()] or list(series)[:1]
    other = [k for k in series if k not in loss_keys]
    fig, axes = _figure(size=(9.5 if other else 5.5, 3.8), ncols=2 if other else 1)
    ax = axes[0]
    for i, k in enumerate(loss_keys):
        ax.plot(np.arange(1, len(series[k]) + 1), series[k], color=CLASS_COLORS[i], label=k)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    positive = all(np.nanmin(series[k]) > 0 for k in loss_keys if len(series[k]))
    if positive and max(np.nanmax(series[k]) for k in loss_keys) > 20 * min(
            np.nanmin(series[k]) for k in loss_keys):
        ax.set_yscale("log")  # a loss falling by orders of magnitude reads better on a log scale
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("training loss")
    if other:
        ax2 = axes[1]
        for i, k in enumerate(other):
            ax2.plot(np.arange(1, len(series[k]) + 1), series[k], color=CLASS_COLORS[i + 2],
                     label=k)
        ax2.set_xlabel("step")
        ax2.grid(alpha=0.3)
        ax2.legend(fontsize=8)
        ax2.set_title("metrics")
    _save(fig, path)
    return fig


def _series(history: Any) -> dict[str, np.ndarray]:
    if hasattr(history, "to_dict"):
        history = history.to_dict()
    if not isinstance(history, dict):
        history = {"loss": history}
    out = {}
    for k, v in history.items():
        try:
            arr = np.asarray(v, dtype=float)
        except (TypeError, ValueError):
            continue
        if arr.ndim == 1 and arr.size and k.lower() not in ("step", "steps", "epoch", "epochs"):
            out[str(k)] = arr
    if not out:
        raise ValueError("history has no series of numbers to plot: pass nn.fit's History, a "
                         "dict like {'loss': [...], 'accuracy': [...]}, or a list of losses")
    return out


def plot_activation(name: str, path: str | Path | None = None, *, lo: float = -4.0,
                    hi: float = 4.0, points: int = 241) -> Any:
    """An activation function and its derivative, both computed by the engine.

    Each point is ``v = Value(x); y = v.<name>(); y.backward()``: the curve is ``y.data``
    and the dashed curve ``v.grad``, the same derivative backpropagation uses.
    """
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}: choose from {', '.join(ACTIVATIONS)}")
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite lo < hi, got lo={lo}, hi={hi}")
    xs = np.linspace(lo, hi, points)
    ys, ds = [], []
    for x in xs:
        v = Value(float(x))
        out = getattr(v, name)()
        out.backward()
        ys.append(out.data)
        ds.append(v.grad)
    fig, (ax,) = _figure(size=(5.5, 3.8))
    ax.axhline(0, color="#94A3B8", linewidth=0.8)
    ax.axvline(0, color="#94A3B8", linewidth=0.8)
    ax.plot(xs, ys, color=CLASS_COLORS[0], linewidth=2.2, label=f"{name}(x)")
    ax.plot(xs, ds, color=CLASS_COLORS[1], linewidth=2, linestyle="--",
            label=f"d/dx {name}(x)  (backward)")
    ax.set_xlabel("x")
    ax.set_title(f"{name} and its derivative")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    _save(fig, path)
    return fig
