"""Plots of what a model learned, drawn with matplotlib (a core dependency, imported on first use).

Each function returns a ``matplotlib.figure.Figure`` (Jupyter shows it inline) and saves it when
given a path (the suffix picks the format: .png .svg .pdf). Figures are made without pyplot, so
no GUI backend is touched and nothing changes in the caller's matplotlib state.

Made for a projector: colours come from ``viz.palette`` (Okabe-Ito), every line also has its own
line style or marker, legends sit outside the data, log axes carry at least three labelled ticks,
and ``readable(fig)`` raises every text to 12 pt *at the size the figure is shown*: a figure
wider than ``SHOWN_PX`` pixels at 96 dpi is shrunk to fit, so its fonts are scaled up to match
(a 13-inch figure, 1,248 px, gets 14.6 pt).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.autograd import Value, ops

from . import data, palette
from .palette import line_style, marker

#: the widest a figure is shown (a notebook's cell, a slide on a 1024-px projector), in pixels
SHOWN_PX = 1024
#: the smallest text, in points, at the size the figure is shown
MIN_PT = 12.0
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
    readable(fig)
    if path is None:
        return
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save {str(path)!r}: folder {str(path.parent)!r} "
                                "does not exist")
    fig.savefig(path, dpi=150)


def min_font_size(fig: Any, shown_px: int = SHOWN_PX, min_pt: float = MIN_PT) -> float:
    """The smallest font (points) that reads as ``min_pt`` once ``fig`` is shown ``shown_px`` wide.

    A figure ``w`` inches wide is ``96 w`` pixels at a screen's natural 96 dpi; shown in
    ``shown_px`` pixels it is scaled by ``shown_px / (96 w)``, so its text must be
    ``min_pt * 96 w / shown_px`` points to look like ``min_pt`` (never less than ``min_pt``).
    """
    return min_pt * max(1.0, fig.get_figwidth() * 96.0 / shown_px)


def readable(fig: Any, shown_px: int = SHOWN_PX, min_pt: float = MIN_PT) -> Any:
    """Raise every text of ``fig`` (ticks, labels, titles, legends, notes) to ``min_font_size``.

    Texts already larger keep their size, so a title stays above its tick labels. Returns ``fig``.
    """
    from matplotlib.text import Text

    size = min_font_size(fig, shown_px, min_pt)
    for ax in fig.axes:
        for axis, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            for which, ticks in (("major", axis.get_major_ticks()),
                                 ("minor", axis.get_minor_ticks())):
                current = ticks[0].label1.get_fontsize() if ticks else 0.0
                if current < size:
                    ax.tick_params(axis=name, which=which, labelsize=size)
    for text in fig.findobj(Text):
        if text.get_text() and text.get_fontsize() < size:
            text.set_fontsize(size)
    return fig


def log_axis(ax: Any, axis: str = "y") -> None:
    """A log scale with at least three labelled ticks, written as plain numbers (0.02, 0.5, 1).

    Over many decades the labels are powers of ten; over a few, 1, 2 and 5 times them; within a
    decade or so, every multiple (2, 3, ..., 9), so a loss going from 0.7 to 0.2 still reads.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    getattr(ax, f"set_{axis}scale")("log")
    ax.relim()
    ax.autoscale_view()  # the data limits on the log scale (a full draw would cost ~0.5 s)
    lo, hi = getattr(ax, f"get_{axis}lim")()
    decades = math.log10(max(hi, lo) / max(min(hi, lo), 1e-300))
    if decades > (4 if axis == "y" else 1.6):  # powers of ten only (x labels are wide; several
        # subs over many decades give no ticks at all)
        subs: tuple[float, ...] = (1.0,)
    elif decades > 1.4:
        subs = (1.0, 2.0, 5.0)
    elif decades > 0.7:
        subs = (1.0, 2.0, 3.0, 5.0, 7.0)
    else:
        subs = tuple(float(k) for k in range(1, 10))
    if decades <= 4:  # widen the limits to the ticks around the data: at least three in view
        grid = sorted(m * 10.0 ** e for e in range(math.floor(math.log10(min(lo, hi))) - 1,
                                                    math.ceil(math.log10(max(lo, hi))) + 2)
                      for m in subs)
        below = [g for g in grid if g <= min(lo, hi) * (1 + 1e-9)]
        above = [g for g in grid if g >= max(lo, hi) * (1 - 1e-9)]
        new_lo, new_hi = below[-1], above[0]
        while sum(new_lo <= g <= new_hi for g in grid) < 3:
            new_lo = grid[grid.index(new_lo) - 1]
        getattr(ax, f"set_{axis}lim")(new_lo, new_hi)
    where = getattr(ax, f"{axis}axis")
    where.set_major_locator(LogLocator(base=10, subs=subs))
    where.set_major_formatter(FuncFormatter(_plain))
    where.set_minor_locator(LogLocator(base=10, subs=tuple(float(k) for k in range(1, 10))))
    where.set_minor_formatter(NullFormatter())


def _plain(v: float, _pos: Any = None) -> str:
    """0.5, 20, 1e-8 (not 1e-08), 5e6 (not 5000000)."""
    text = f"{v:.0e}" if v and not 1e-4 <= abs(v) < 1e5 else f"{v:g}"
    return text.replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")


def legend_outside(ax: Any, **kwargs: Any) -> Any:
    """The axes' legend to the right of its plotting area, where it cannot cover any data."""
    kwargs.setdefault("frameon", False)
    return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kwargs)


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

        # the two class colours, white at the boundary: palette's diverging map
        shade = LinearSegmentedColormap.from_list("cr", list(palette.DIVERGING_STOPS)[::-1])
        ax.contourf(xx, yy, (g - cut).reshape(xx.shape), levels=np.linspace(-span, span, 21),
                    cmap=shade, alpha=0.4, antialiased=True)
        ax.contour(xx, yy, (g - cut).reshape(xx.shape), levels=[0.0], colors=palette.TEXT,
                   linewidths=1.6)
    else:
        pred_grid = g.argmax(axis=1)
        pred = s.argmax(axis=1)
        k = g.shape[1]
        cmap = ListedColormap([palette.class_color(i) for i in range(k)])
        ax.contourf(xx, yy, pred_grid.reshape(xx.shape), levels=np.arange(k + 1) - 0.5,
                    cmap=cmap, alpha=0.28)
        ax.contour(xx, yy, pred_grid.reshape(xx.shape), levels=np.arange(k) + 0.5,
                   colors=palette.MUTED, linewidths=0.8)
    for i, c in enumerate(classes):
        m = y == c
        ax.scatter(X[m, 0], X[m, 1], s=26, color=palette.class_color(i), marker=marker(i),
                   edgecolors="white", linewidths=0.6, label=f"class {c:g}", zorder=3)
    acc = float(np.mean(pred == y))
    ax.set_title(title or f"decision boundary (accuracy {acc:.0%})")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    legend_outside(ax, handletextpad=0.2)
    _save(fig, path)
    return fig


def plot_history(history: Any, path: str | Path | None = None) -> Any:
    """The loss against the training step, then one panel per other recorded series.

    ``history`` is what ``nn.fit`` returns (anything with ``to_dict()``), a dict of name ->
    list of numbers, or a plain list of losses. Series whose name contains "loss" share the
    first panel (on a log axis when they fall more than 20-fold); every other series (accuracy,
    the learning rate, ...) gets its own panel and its own y axis, never mixed with another.
    A series that never changes (a constant learning rate) gets no panel: its value is named in
    the loss panel's title.
    """
    series = _series(history)
    loss_keys = [k for k in series if "loss" in k.lower()] or list(series)[:1]
    flat = {k: v for k, v in series.items()
            if k not in loss_keys and len(v) > 1 and np.all(v == v[0])}
    other = [k for k in series if k not in loss_keys and k not in flat]
    n = 1 + len(other)
    fig, axes = _figure(size=(4.6 * n + 0.6, 3.9), ncols=n)
    ax = axes[0]
    for i, k in enumerate(loss_keys):
        ax.plot(np.arange(1, len(series[k]) + 1), series[k], color=palette.class_color(i),
                linestyle=line_style(i), linewidth=2, label=k)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    values = np.concatenate([series[k] for k in loss_keys])
    values = values[np.isfinite(values)]
    if values.size and values.min() > 0 and values.max() > 20 * values.min():
        log_axis(ax)  # a loss falling by orders of magnitude reads better on a log scale
    ax.grid(alpha=0.3, which="major")
    if len(loss_keys) > 1:
        legend_outside(ax)
    note = ", ".join(f"{k} {v[0]:g}" for k, v in flat.items())
    ax.set_title("training loss" + (f" ({note} throughout)" if note else ""))
    for j, k in enumerate(other, start=1):
        a = axes[j]
        a.plot(np.arange(1, len(series[k]) + 1), series[k], color=palette.class_color(j + 1),
               linestyle=line_style(j), linewidth=2)
        a.set_xlabel("step")
        a.set_ylabel(k)
        a.set_title(_TITLES.get(k.lower(), k))
        a.grid(alpha=0.3)
        if "acc" in k.lower() and np.nanmin(series[k]) >= 0 and np.nanmax(series[k]) <= 1:
            from matplotlib.ticker import PercentFormatter

            a.set_ylim(min(0.5, float(np.nanmin(series[k]))) - 0.02, 1.02)
            a.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    _save(fig, path)
    return fig


_TITLES = {"lr": "learning rate", "accuracy": "accuracy (this step's batch)"}


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
    fig, (ax,) = _figure(size=(7.0, 4.2))
    ax.axhline(0, color=palette.FRAME, linewidth=1)
    ax.axvline(0, color=palette.FRAME, linewidth=1)
    ax.plot(xs, ys, color=palette.class_color(0), linestyle=line_style(0), linewidth=2.4,
            label=f"{name}(x)")
    ax.plot(xs, ds, color=palette.class_color(1), linestyle=line_style(1), linewidth=2.4,
            label=f"d/dx {name}(x)\n(backward)")
    ax.set_xlabel("x")
    ax.set_title(f"{name} and its derivative")
    ax.grid(alpha=0.3)
    legend_outside(ax)
    _save(fig, path)
    return fig
