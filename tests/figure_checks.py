"""What a figure shown on a projector must get right, checked on the drawn matplotlib figure.

Used by the plot and lesson tests: every text at least ``viz.plots.min_font_size`` (12 pt at the
size the figure is shown), no legend over a data point, at least three labelled ticks on every
log axis, and colours from ``viz.palette``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_hex
from matplotlib.text import Text

from chainrule.viz import palette
from chainrule.viz.plots import min_font_size


def small_texts(fig) -> list[str]:
    fig.draw_without_rendering()
    return _small_texts(fig)


def _small_texts(fig) -> list[str]:
    """Visible texts smaller than the figure's minimum, as 'text (size pt)'."""
    least = min_font_size(fig) - 1e-6
    return [f"{t.get_text()!r} ({t.get_fontsize():.1f} pt)" for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.get_fontsize() < least
            and _on_canvas(t)]


def _on_canvas(t) -> bool:
    ax = t.axes
    if ax is None or t not in (ax.xaxis.get_ticklabels(which="both")
                               + ax.yaxis.get_ticklabels(which="both")):
        return True
    # a tick label outside the view limits is never drawn
    x, y = t.get_position()
    lo, hi = sorted(ax.get_xlim() if t in ax.xaxis.get_ticklabels(which="both")
                    else ax.get_ylim())
    v = x if t in ax.xaxis.get_ticklabels(which="both") else y
    return lo - 1e-12 <= v <= hi + 1e-12


def covered_points(fig) -> list[str]:
    fig.draw_without_rendering()
    return _covered_points(fig)


def _covered_points(fig) -> list[str]:
    """Data points (of lines and scatters) that a legend inside the same axes covers."""
    found = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent()
        for line in ax.get_lines():
            xy = np.column_stack([np.asarray(a, float) for a in line.get_data()])
            found += _inside(ax, line.get_transform().transform(xy), box, line.get_label())
        for coll in ax.collections:
            offsets = coll.get_offsets()
            if len(offsets) and hasattr(coll, "get_sizes") and len(coll.get_sizes()):
                pts = coll.get_offset_transform().transform(offsets)
                found += _inside(ax, pts, box, coll.get_label())
    return found


def _inside(ax, pts, box, label) -> list[str]:
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    frame = ax.get_window_extent()
    shown = ((pts[:, 0] >= frame.x0) & (pts[:, 0] <= frame.x1) & (pts[:, 1] >= frame.y0)
             & (pts[:, 1] <= frame.y1))
    hit = shown & (pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (
        pts[:, 1] < box.y1)
    return [f"{ax.get_title()!r}: {int(hit.sum())} points of {label!r}"] if hit.any() else []


def sparse_log_axes(fig) -> list[str]:
    fig.draw_without_rendering()
    return _sparse_log_axes(fig)


def _sparse_log_axes(fig) -> list[str]:
    """Log axes with fewer than three labelled major ticks in view."""
    bad = []
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            if axis.get_scale() != "log":
                continue
            lo, hi = sorted(ax.get_xlim() if name == "x" else ax.get_ylim())
            labelled = [t for t in axis.get_major_ticks()
                        if lo <= t.get_loc() <= hi and t.label1.get_text().strip()]
            if len(labelled) < 3:
                bad.append(f"{ax.get_title()!r} {name}: {len(labelled)} labelled ticks")
    return bad


OFF_PALETTE_OK = {"#ffffff", "#000000"}


def line_colors_off_palette(fig) -> list[str]:
    """Colours of plotted lines that are not the palette's (class colours, greys, text)."""
    allowed = {c.lower() for c in (*palette.CLASS_COLORS, *palette.CLASS_INK, palette.TEXT,
                                   palette.MUTED, palette.AXIS, palette.FRAME, palette.TINT,
                                   *palette.DIVERGING_STOPS)} | OFF_PALETTE_OK
    out = []
    for ax in fig.axes:
        for line in ax.get_lines():
            c = to_hex(line.get_color()).lower()
            if c not in allowed:
                out.append(f"{ax.get_title()!r}: {line.get_label()!r} {c}")
    return out


def problems(fig) -> list[str]:
    """Everything above; the figure is drawn once (each check would otherwise draw it again)."""
    fig.draw_without_rendering()
    return _small_texts(fig) + _covered_points(fig) + _sparse_log_axes(fig) + \
        line_colors_off_palette(fig)
