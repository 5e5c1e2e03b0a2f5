"""Points a student drew on the output map, written into the link (``?data=drawn&pts=...``).

Each point is five URL-safe base64 characters (30 bits): x and y on a 4096-step scale across the
view [-VIEW, VIEW] (12 bits each, a step of 8/4095 ~ 0.002) and the class index (3 bits, 0..7;
the playground uses 0..MAX_CLASSES-1), then 3 zero bits::

    bits = qx << 18 | qy << 6 | label << 3        qx = round((x + VIEW) / (2 VIEW) * 4095)

``MAX_IN_LINK`` points fit a link; the page saves a larger drawing on the server as an upload
in view coordinates (``uploads.parse_csv(..., in_view=True)``) and links to that instead.
The points are used as drawn: no re-centring or scaling (they are already in the view).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import BadRequest
from .fields import Field

STEPS = 4095
MAX_IN_LINK = 600
MIN_POINTS = 4
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def encode(X: np.ndarray, y: np.ndarray, view: float) -> str:
    """Points (n, 2) in view coordinates [-view, view] and class indices -> the link's text."""
    q = np.clip(np.round((np.asarray(X, float) + view) / (2 * view) * STEPS), 0, STEPS).astype(int)
    out = []
    for (qx, qy), label in zip(q, np.asarray(y, int), strict=True):
        bits = int(qx) << 18 | int(qy) << 6 | int(label) << 3
        out.append("".join(ALPHABET[(bits >> s) & 63] for s in (24, 18, 12, 6, 0)))
    return "".join(out)


def _words(text: str) -> list[int]:
    if len(text) % 5:
        raise BadRequest(f"drawn points (pts) come in groups of 5 characters; got {len(text)}")
    words = []
    for k in range(0, len(text), 5):
        bits = 0
        for ch in text[k:k + 5]:
            bits = bits << 6 | _VALUE[ch]
        words.append(bits)
    return words


def decode(text: str, view: float) -> tuple[np.ndarray, np.ndarray]:
    """The link's text -> (X (n, 2) in view coordinates, class indices (n,))."""
    words = _words(text)
    q = np.asarray([((b >> 18) & 4095, (b >> 6) & 4095) for b in words], float).reshape(-1, 2)
    return q / STEPS * (2 * view) - view, np.asarray([(b >> 3) & 7 for b in words], np.int64)


@dataclass(frozen=True)
class PointsField(Field):
    """Drawn points (see the module's docstring), '' for none."""

    max_classes: int = 5

    def parse(self, raw: Any) -> str:
        wants = (f"up to {MAX_IN_LINK} points of 5 URL-safe base64 characters each, with "
                 f"classes 0 to {self.max_classes - 1}")
        if not isinstance(raw, str) or not re.fullmatch(r"[A-Za-z0-9_-]*", raw):
            raise self.fail(raw, wants)
        if len(raw) % 5 or len(raw) > 5 * MAX_IN_LINK:
            raise self.fail(raw, wants)
        if any((b >> 3) & 7 >= self.max_classes for b in _words(raw)):
            raise self.fail(raw, wants)
        return raw

    def spec(self) -> dict:
        return {**super().spec(), "max_points": MAX_IN_LINK, "min_points": MIN_POINTS}


def check(y: np.ndarray) -> list[str]:
    """Class names for drawn labels, or a BadRequest saying what to draw."""
    if len(y) < MIN_POINTS:
        raise BadRequest(f"draw at least {MIN_POINTS} points (there are {len(y)})")
    k = int(y.max()) + 1
    if len(np.unique(y)) < 2:
        raise BadRequest("draw points of at least two classes")
    return [str(i) for i in range(k)]
