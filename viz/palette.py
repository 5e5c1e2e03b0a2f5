"""chainrule's one colour palette: graphs, plots, lessons and the playground all take colours here.

The hues are Okabe and Ito's (2008) set of eight, chosen so that people with the common forms of
colour blindness (deuteranopia, protanopia, tritanopia) still tell them apart. Colour is never the
only cue: every series also gets a line style (``LINE_STYLES``) and a marker (``MARKERS``), and the
graph's node roles differ by shape and border as well.

Contrast (WCAG 2.1 relative luminance, against white):

- ``CLASS_COLORS`` and ``ROLE_STROKE`` are at least 3:1, the minimum for lines, markers and borders;
- ``CLASS_INK`` and ``ROLE_INK`` are at least 4.5:1, the minimum for text.

``contrast(a, b)`` computes the ratio; the tests check every entry.

Signed numbers (weights, gradients, a decision map) use ``diverging(v)``: vermillion for negative,
white at 0, blue for positive. Blue against vermillion/orange is the pair that stays distinct under
every common colour-vision deficiency; lightness also grows with ``|v|``, so the map reads in
greyscale.

The playground reads the same table through ``as_dict()`` (plain JSON-able data).
"""

from __future__ import annotations

import math
from typing import Any

#: Okabe & Ito's eight colours, by name.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

#: Class k's colour for points, lines and fills (>= 3:1 on white). Class 0 is blue and class 1
#: vermillion whether a task has 2 classes or 7, so a class keeps its colour between panels.
#: Orange and sky are darkened from Okabe-Ito's to reach 3:1; yellow is left out (1.3:1). The
#: first five stay apart for a deuteranope (a test checks it); orange comes last because darkened
#: it nears vermillion.
CLASS_COLORS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#4590BA",  # sky blue, darkened
    "#B87F00",  # orange, darkened (close to vermillion for a deuteranope: class 7 of 7)
)

#: Class k's colour for text (>= 4.5:1 on white): the same hues, darker where needed.
CLASS_INK: tuple[str, ...] = (
    "#0072B2",
    "#C05500",
    "#007E5C",
    "#A36186",
    "#000000",
    "#346C8C",
    "#8A5F00",
)

#: matplotlib line styles, one per series, so that lines differ without colour.
LINE_STYLES: tuple = ("-", "--", "-.", ":", (0, (6, 2, 1, 2, 1, 2)), (0, (1, 1)), (0, (8, 3)))

#: matplotlib markers, one per series or class.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X")

#: Neutral greys: text, secondary text (>= 4.5:1), axis lines (>= 3:1), frames, background tint.
TEXT = "#1F2937"
MUTED = "#4B5563"
AXIS = "#6B7280"
FRAME = "#D1D5DB"
TINT = "#F3F4F6"

#: A computation graph's node roles: border (>= 3:1), fill (a light tint), text on the fill.
ROLE_STROKE: dict[str, str] = {
    "input": "#0072B2",
    "param": "#B87F00",
    "value": "#6B7280",
    "output": "#A36186",
    "module": "#007E5C",
    "highlight": "#D55E00",
}
ROLE_FILL: dict[str, str] = {
    "input": "#E6F1F8",
    "param": "#FBF2DF",
    "value": "#FFFFFF",
    "output": "#F7ECF2",
    "module": "#E3F4EE",
    "highlight": "#FBEDE3",
}
ROLE_INK: dict[str, str] = {
    "input": "#005B8E",
    "param": "#8A5F00",
    "value": TEXT,
    "output": "#8F5575",
    "module": "#006F50",
    "highlight": "#AA4B00",
}

# the diverging map's three stops: negative end, middle, positive end
_NEGATIVE = (213, 94, 0)  # vermillion
_MIDDLE = (255, 255, 255)
_POSITIVE = (0, 114, 178)  # blue
DIVERGING_STOPS: tuple[str, str, str] = ("#D55E00", "#FFFFFF", "#0072B2")


def class_color(k: int) -> str:
    """The colour of class ``k`` (0-based), the same for every number of classes."""
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def class_ink(k: int) -> str:
    """The text colour of class ``k``: its hue, dark enough for 4.5:1 on white."""
    return CLASS_INK[int(k) % len(CLASS_INK)]


def line_style(k: int) -> object:
    """The matplotlib line style of series ``k``."""
    return LINE_STYLES[int(k) % len(LINE_STYLES)]


def marker(k: int) -> str:
    """The matplotlib marker of series ``k``."""
    return MARKERS[int(k) % len(MARKERS)]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(round(c) for c in rgb))


def _rgb(color: str) -> tuple[int, int, int]:
    h = color.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"expected a colour as '#RRGGBB', got {color!r}")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def diverging(v: float) -> str:
    """The colour of a signed value ``v`` in [-1, 1]: vermillion (-1), white (0), blue (+1).

    Values outside [-1, 1] are clipped; nan is drawn as the middle (white).
    """
    if not math.isfinite(v):
        v = 0.0 if math.isnan(v) else math.copysign(1.0, v)
    t = min(abs(v), 1.0)
    end = _POSITIVE if v > 0 else _NEGATIVE
    return _hex(tuple(m + (e - m) * t for m, e in zip(_MIDDLE, end, strict=True)))


def ink_on(fill: str) -> str:
    """Black-ish or white text, whichever reads better on ``fill``."""
    return "#FFFFFF" if contrast(fill, "#FFFFFF") > contrast(fill, TEXT) else TEXT


def luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of ``'#RRGGBB'`` (0 black .. 1 white)."""

    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(color)
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: str, b: str = "#FFFFFF") -> float:
    """WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def as_dict() -> dict:
    """The palette as plain data (for the playground's JavaScript and other non-Python readers)."""
    return {
        "classes": list(CLASS_COLORS),
        "class_ink": list(CLASS_INK),
        "diverging": list(DIVERGING_STOPS),
        "roles": {k: {"stroke": ROLE_STROKE[k], "fill": ROLE_FILL[k], "ink": ROLE_INK[k]}
                  for k in ROLE_STROKE},
        "text": TEXT,
        "muted": MUTED,
        "axis": AXIS,
        "frame": FRAME,
        "tint": TINT,
    }


# Machado, Oliveira and Fernandes (2009): full deuteranopia, applied to linear RGB
_DEUTERANOPIA = (
    (0.367322, 0.860646, -0.227968),
    (0.280085, 0.672501, 0.047413),
    (-0.011820, 0.042940, 0.968881),
)


def simulate_deuteranopia(image: Any) -> Any:
    """How a deuteranope sees ``image``: an (..., 3) or (..., 4) RGB(A) array, returned as uint8.

    ``image`` is uint8 (0..255) or float (0..1, as matplotlib reads a PNG). Use it to check a
    figure or a screenshot: if two series that must differ look alike after this, give them a
    second cue (line style, marker, shape) or another colour from the palette::

        import matplotlib.image
        seen = simulate_deuteranopia(matplotlib.image.imread("figure.png"))
    """
    import numpy as np

    arr = np.asarray(image)
    if arr.ndim < 1 or arr.shape[-1] not in (3, 4):
        raise ValueError(f"expected an RGB or RGBA image array (..., 3|4), got shape {arr.shape}")
    unit = arr.astype(np.float64) / (255.0 if arr.dtype == np.uint8 else 1.0)
    s = np.clip(unit[..., :3], 0.0, 1.0)
    lin = np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)
    sim = np.clip(lin @ np.array(_DEUTERANOPIA).T, 0.0, 1.0)
    out = np.where(sim <= 0.0031308, sim * 12.92, 1.055 * sim ** (1 / 2.4) - 0.055)
    if arr.shape[-1] == 4:
        out = np.concatenate([out, np.clip(unit[..., 3:], 0.0, 1.0)], axis=-1)
    return np.round(out * 255.0).astype(np.uint8)
