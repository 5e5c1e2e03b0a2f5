"""Feeding 2-D points to a model of either engine, for the plots (numpy only, no matplotlib)."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.autograd import Tensor, no_grad


def as_points(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``X`` as an (n, 2) float array and ``y`` as n labels, or a clear ValueError."""
    X = np.asarray(getattr(X, "data", X), dtype=np.float64)
    y = np.asarray(getattr(y, "data", y)).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2): two features per point, got {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"y has {len(y)} labels for {len(X)} points in X")
    if not len(X):
        raise ValueError("X is empty: nothing to plot")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains nan or inf")
    return X, y.astype(np.float64)


def mode(model: Any, X: np.ndarray) -> str:
    """'batch' if the model takes a whole batch (Tensor engine), else 'per-sample' (scalars).

    A model may say so itself (``model.engine == 'scalar' | 'tensor'``, as nn.MLP does);
    otherwise two points are tried as a batch and the answer is checked: one row per point.
    """
    engine = getattr(model, "engine", None)
    if engine == "scalar":
        return "per-sample"
    if engine == "tensor":
        return "batch"
    try:
        out = _batch(model, X[:2])
    except (TypeError, ValueError, AttributeError, IndexError):
        return "per-sample"
    return "batch" if out.shape[0] == 2 else "per-sample"


def predict(model: Any, P: np.ndarray, how: str) -> np.ndarray:
    """The model's outputs on the points ``P`` as an (m, k) array, without recording a graph."""
    if how == "batch":
        out = _batch(model, P)
        if out.shape[0] != len(P):
            raise ValueError(f"the model returned {out.shape[0]} rows for {len(P)} points")
        return out
    rows = []
    with no_grad():
        for p in P:
            out = model([float(p[0]), float(p[1])])
            outs = out if isinstance(out, (list, tuple)) else [out]
            rows.append([float(getattr(o, "data", o)) for o in outs])
    return np.asarray(rows, dtype=np.float64)


def _batch(model: Any, P: np.ndarray) -> np.ndarray:
    with no_grad():
        out = model(Tensor(P))
    if isinstance(out, (list, tuple)):
        raise TypeError("a list of outputs: a per-sample model")
    arr = np.asarray(getattr(out, "data", out), dtype=np.float64)
    return arr.reshape(arr.shape[0], -1) if arr.ndim else arr.reshape(1, 1)

