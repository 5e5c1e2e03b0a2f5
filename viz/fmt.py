"""How numbers and arrays are written in pictures and explanations (one place, so they agree)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

MAX_LISTED = 6  # a tensor with at most this many elements is written out in full


def num(x: float) -> str:
    """Four significant digits, trailing zeros kept so a column of numbers reads evenly.

    ``num(2.0) == '2.000'``, ``num(-0.5) == '-0.5000'``, ``num(12345.0) == '1.235e+04'``.
    """
    x = float(x)
    if not math.isfinite(x):
        return "nan" if x != x else ("inf" if x > 0 else "-inf")
    if x == 0.0:
        return "0.000"  # also for -0.0: a sign on zero only confuses a reader
    return f"{x:#.4g}"


def short(x: float) -> str:
    """The shortest honest form for text: ``2.0``, ``-0.5``, ``0.7864`` (4 significant digits)."""
    x = float(x)
    if not math.isfinite(x):
        return "nan" if x != x else ("inf" if x > 0 else "-inf")
    if x == 0.0:
        return "0.0"
    if x == int(x) and abs(x) < 1e15:
        return f"{x:.1f}"
    return f"{x:.4g}"


def full(x: float) -> str:
    """Every digit (for tooltips): the repr of the float."""
    return repr(float(x))


def is_tensor(node: Any) -> bool:
    """True for a node of the tensor engine (``node.engine == "tensor"``): its data is an array."""
    return node.engine == "tensor"


def _compact(x: float) -> str:
    s = short(x)
    return s[:-2] if s.endswith(".0") else s


def array(a: Any) -> str:
    """An array's values when it has at most ``MAX_LISTED`` elements, else ``min / mean / max``."""
    a = np.asarray(a)
    if a.size == 0:
        return "[] (empty)"
    if a.size <= MAX_LISTED:
        if a.ndim == 0:
            return short(a.item())
        return _nested(a)
    with np.errstate(all="ignore"):
        af = a.astype(np.float64, copy=False)
        return f"min {short(af.min())} \u00b7 mean {short(af.mean())} \u00b7 max {short(af.max())}"


def _nested(a: np.ndarray) -> str:
    if a.ndim == 1:
        return "[" + ", ".join(_compact(v) for v in a.tolist()) + "]"
    return "[" + ", ".join(_nested(row) for row in a) + "]"


def shape_dtype(node: Any) -> str:
    """``(3, 2) float32`` for a tensor node."""
    shape = tuple(getattr(node, "shape", np.shape(node.data)))
    dtype = getattr(node, "dtype", None)
    dtype = np.asarray(node.data).dtype if dtype is None else dtype
    return f"{_shape(shape)} {np.dtype(dtype).name}"


def shape(node: Any) -> str:
    """``(3, 2)``: a tensor node's shape as Python writes it."""
    return _shape(tuple(getattr(node, "shape", np.shape(node.data))))


def _shape(shape: tuple) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def magnitude(g: Any) -> float:
    """One number for how large a gradient is: |g| for a scalar, mean |g| for an array."""
    if g is None:
        return 0.0
    if isinstance(g, np.ndarray):
        if g.size == 0:
            return 0.0
        with np.errstate(all="ignore"):
            return float(np.abs(g.astype(np.float64, copy=False)).mean())
    return abs(float(g))
