"""Reductions over a few short axes (pooling windows), written as a running ufunc over slices."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def small_reduce(ufunc: Any, x: np.ndarray, axes: tuple[int, ...], dtype: Any = None) -> Any:
    """``ufunc.reduce`` of ``x`` over ``axes`` keeping them as 1s, as a running ``ufunc`` over the
    slices when the reduced axes are few and short (a pooling window): numpy's reduction over
    short inner axes is ~10x slower than that (measured: max over 2x2 windows of a
    (64, 8, 8, 8) array, 730 us against 65 us)."""
    sizes = [x.shape[a] for a in axes]
    if len(axes) == x.ndim or math.prod(sizes) > 16:
        return ufunc.reduce(x, axis=axes, keepdims=True, dtype=dtype)
    out = None
    for idx in np.ndindex(*sizes):
        key = [slice(None)] * x.ndim
        for a, i in zip(axes, idx, strict=True):
            key[a] = slice(i, i + 1)
        part = x[tuple(key)]
        if out is None:
            out = part.astype(dtype or part.dtype)  # a copy, of the result's dtype
        else:
            ufunc(out, part, out=out)
    return out
